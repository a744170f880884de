/*
 * net_fake.h — the devices netbackd's vif.c talks to, faked for host tests:
 * a grant table of NF_PAGES guest pages (gref n -> page n, refs 1..NF_PAGES-1
 * valid for domain NF_DOMID), event channel notifications counted, and the
 * xenstore writes vif.c makes through daemon.c's helpers recorded.  ioctl()
 * is intercepted for the two fake device fds; every other fd goes to the
 * kernel.  The tap is one end of an AF_UNIX SOCK_SEQPACKET pair (one frame
 * per datagram, as a tap reads and writes).
 */
#ifndef NET_FAKE_H
#define NET_FAKE_H

#include "daemon.h"

#define NF_DOMID   7
#define NF_PAGES   64
#define NF_GNTFD   1000
#define NF_EVTFD   1001

extern uint8_t nf_page[NF_PAGES][4096];
extern unsigned int nf_notifies;     /* IOCTL_EVTCHN_NOTIFY calls */
extern unsigned int nf_copies;       /* IOCTL_GNTDEV_GRANT_COPY calls */
extern char nf_last_state[8];        /* last "state" vif.c wrote */
extern char nf_last_error[160];      /* last error it reported */

/* A connected vif over fresh rings; *peer is the test's end of the tap. */
struct nf_rig {
    struct nb_daemon d;
    struct nb_vif v;
    netif_tx_front_ring_t txf;
    netif_rx_front_ring_t rxf;
    void *txs, *rxs;
    int peer;
};
void nf_setup(struct nf_rig *r);
void nf_teardown(struct nf_rig *r);

/* Frontend side helpers. */
void nf_post_tx(struct nf_rig *r, const struct netif_tx_request *req);
void nf_post_tx_extra(struct nf_rig *r, const struct netif_extra_info *x);
void nf_push_tx(struct nf_rig *r);
void nf_post_rx(struct nf_rig *r, uint16_t id, uint32_t gref);
void nf_push_rx(struct nf_rig *r);
/* Frames written to the tap: length of the next one (vnet header
 * included) into buf, or -1 if none. */
ssize_t nf_tap_read(struct nf_rig *r, uint8_t *buf, size_t len);

/* A TCP/IPv4 frame of total length len (>= 54) with payload bytes i & 0xff. */
void nf_tcp4_frame(uint8_t *f, size_t len);

#endif
