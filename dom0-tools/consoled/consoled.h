/*
 * consoled.h — the console daemon's state: one entry per guest whose PV
 * console ring we serve (pty + log), plus the hypervisor console log.
 */
#ifndef CONSOLED_H
#define CONSOLED_H

#include <stdbool.h>
#include <stdint.h>
#include <xenstore.h>
#include "xc.h"
#include "ring.h"

struct cons_dom {
    uint32_t domid;
    char name[64];
    volatile struct xencons_interface *intf;
    bool via_gnttab;          /* mapped through grant ref 0, else foreign-mapped */
    int local_port;           /* our end of the console event channel */
    int master, slave;        /* pty: we keep the slave open so the master never sees EIO */
    char tty[64];
    int log_fd;               /* -1: not logging */
    struct cons_rate rate;    /* events handled this period (ring.h) */
    struct cons_dom *next;
};

/* A live domain whose console nodes are not there yet: watched until they are. */
struct cons_wait {
    uint32_t domid;
    struct cons_wait *next;
};

struct consoled {
    xc_handle *xch;
    xc_evtchn *xce;
    xc_gnttab *xcg;           /* NULL if gntdev is unavailable */
    struct xs_handle *xs;
    struct cons_dom *doms;
    struct cons_wait *waits;  /* libxl writes console nodes after XS_INTRODUCE */
    const char *log_dir;
    bool log_guest, log_hv;
    int hv_log_fd, hv_port;
    uint32_t hv_index;
    bool verbose;
};

int consoled_init(struct consoled *c, struct errbuf *eb);
/* Serve until a fatal error (returns negative errno) or *stop becomes true. */
int consoled_run(struct consoled *c, volatile int *stop);
void consoled_fini(struct consoled *c);

#endif
