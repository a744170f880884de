/*
 * ring.h — moving bytes through a PV console ring (struct
 * xencons_interface) without trusting the guest's indices: pure functions
 * over the shared page, unit-tested on plain memory.
 */
#ifndef CONSOLED_RING_H
#define CONSOLED_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/io/console.h>

/*
 * Copy up to cap bytes of guest output from intf->out into buf and consume
 * them.  A guest that claims more than a ring's worth of unread data gets
 * its producer index believed only up to one ring size (the oldest bytes
 * are skipped), so a hostile index cannot make us read out of bounds.
 * Returns the number of bytes copied.
 */
size_t cons_ring_read(volatile struct xencons_interface *intf, char *buf, size_t cap);

/* Put up to len bytes of input into intf->in; returns how many fit. */
size_t cons_ring_write(volatile struct xencons_interface *intf, const char *buf, size_t len);

/*
 * Per-guest rate limit on console events, Xen's xenconsoled scheme: a
 * guest gets CONS_RATE_ALLOWANCE notifications handled per
 * CONS_RATE_PERIOD_MS; past that its port stays masked until the period
 * ends, so a guest flooding its console (or notifying in a loop) costs the
 * daemon a bounded amount of work and the other guests keep their service.
 * Each event moves at most one ring of output (cons_ring_read's bound), so
 * a guest's output is limited to about 30 x 2 KiB per 200 ms.
 */
#define CONS_RATE_ALLOWANCE 30
#define CONS_RATE_PERIOD_MS 200

struct cons_rate {
    unsigned int events;        /* handled in the current period */
    unsigned long throttled;    /* periods that ended with the port masked */
};

/* An event of this guest was handled: true if its port may be unmasked now. */
bool cons_rate_event(struct cons_rate *r);
/* A period ends: true if the port was left masked and is to be unmasked now. */
bool cons_rate_period(struct cons_rate *r);

#endif
