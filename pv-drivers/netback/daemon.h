/*
 * daemon.h — netbackd's runtime objects: the daemon (xenstore connection,
 * the gntdev and evtchn devices, the epoll set) and each vif it serves.
 * daemon.c watches xenstore and drives every vif's handshake; vif.c moves
 * the packets.
 */
#ifndef PV_DRIVERS_NETBACK_DAEMON_H
#define PV_DRIVERS_NETBACK_DAEMON_H

#include <net/if.h>
#include <stdio.h>

#include "netback.h"

/* Frames copied per grant-copy call in each direction. */
#define NB_BATCH        16
#define NB_VNET_HLEN    10u
#define NB_MAX_FRAME    65536u
/* Most ring slots one received frame may take: 64 KiB in pages + a GSO
 * extra (netfront accepts MAX_SKB_FRAGS + 1 = 18). */
#define NB_RX_MAX_SLOTS 18u

struct nb_daemon;

struct nb_vif {
    struct nb_daemon *d;
    struct nb_vif *next;
    uint32_t domid, devid;
    char bepath[96], fepath[96];
    char ifname[IFNAMSIZ];
    int tapfd;
    enum nb_xbstate be;
    bool connected;
    bool tap_polled;             /* tapfd in the epoll set with EPOLLIN */
    bool ev_fired, tap_fired;    /* this epoll round's news (daemon.c) */
    /* negotiated at connect */
    bool fe_sg, fe_gso4, fe_gso6, fe_csum;
    struct nb_ipfilter ipf;      /* from the backend's ip node */
    void *tx_page, *rx_page;     /* the frontend's granted rings */
    uint64_t tx_index, rx_index; /* their gntdev offsets */
    netif_tx_back_ring_t tx;
    netif_rx_back_ring_t rx;
    unsigned int port;           /* local event channel port, 0 = none */
    /* receive side: frames read from the tap, waiting for rx slots */
    uint8_t *rxbuf[NB_BATCH];
    size_t rxlen[NB_BATCH];
    unsigned int rx_pending;     /* frames in rxbuf[0..rx_pending) */
    /* transmit side */
    uint8_t *txbuf[NB_BATCH];
    struct netif_tx_request *txreq;   /* copy of the posted requests */
    struct nb_stats st;
};

struct nb_daemon {
    struct xs_handle *xs;
    int gntfd, evtfd, epfd;
    struct nb_vif *vifs;
    FILE *log;
    bool verbose;
};

/* daemon.c */
void nb_log(struct nb_daemon *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Writes "<bepath>/<key>" = val; false on failure (logged). */
bool nb_be_write(struct nb_vif *v, const char *key, const char *val);
/* Reports a fatal problem with the device under the backend's error node
 * as Linux's xenbus_dev_fatal does (the toolstack shows it). */
void nb_be_error(struct nb_vif *v, int err, const char *msg);

/* vif.c */
/* Creates the tap (name from the backend's vifname node or
 * vif<domid>.<devid>); 0 or -errno. */
int nb_vif_open(struct nb_vif *v);
/* Closes the tap (the kernel deletes the interface). */
void nb_vif_close(struct nb_vif *v);
/* Reads the frontend's rings and event channel, maps and binds them; 0 or
 * -errno with the reason written to the error node. */
int nb_vif_connect(struct nb_vif *v);
void nb_vif_disconnect(struct nb_vif *v);
/* Sets the back rings' indices from the frontend's shared ones (after
 * BACK_RING_INIT on the mapped pages); -EINVAL if they are a ring apart. */
int nb_vif_attach_rings(struct nb_vif *v);
/* One round of service: the frontend signalled (event: the tx ring, and
 * the rx ring if frames wait for pages) and/or the tap has frames (tap);
 * at most one notification for what both rings answered. */
void nb_vif_serve(struct nb_vif *v, bool event, bool tap);
/* nb_vif_serve() for an event alone, for the tap alone. */
void nb_vif_kick(struct nb_vif *v);
void nb_vif_tap_ready(struct nb_vif *v);
/* The frontend broke the protocol: disconnect and close the device. */
void nb_vif_fatal(struct nb_vif *v, const char *why);

#endif
