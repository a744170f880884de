/*
 * ring.h — moving bytes through a PV console ring (struct
 * xencons_interface) without trusting the guest's indices: pure functions
 * over the shared page, unit-tested on plain memory.
 */
#ifndef CONSOLED_RING_H
#define CONSOLED_RING_H

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

#endif
