/*
 * io/netif.h — the PV network device protocol (Xen's netif): the transmit
 * and receive rings a frontend (Linux's xen-netfront) shares with a backend
 * (dom0's netback), and the xenstore keys both sides negotiate with.
 * Layouts and values follow Xen 4.17's public io/netif.h; only what a
 * copying backend without multi-queue or the control ring needs is here.
 *
 * Transmit (guest -> backend): a packet is one or more tx requests.  The
 * first carries the packet's total size and NETTXF_* flags; with
 * NETTXF_extra_info the next slot(s) hold struct netif_extra_info (chained
 * by XEN_NETIF_EXTRA_FLAG_MORE), then NETTXF_more_data links further data
 * slots, each carrying its own size.  Every slot gets one response (extra
 * slots get NETIF_RSP_NULL).
 *
 * Receive (backend -> guest): the guest posts empty granted pages (rx
 * requests); the backend copies a packet into one or more of them, in ring
 * order, and answers each with the bytes it holds (status) and NETRXF_*
 * flags; a GSO packet's first response has NETRXF_extra_info and the next
 * slot holds the netif_extra_info.
 *
 * xenstore keys: the backend writes feature-rx-copy, feature-sg,
 * feature-gso-tcpv4/-tcpv6, feature-ipv6-csum-offload, feature-rx-flip=0,
 * mac and handle; the frontend writes tx-ring-ref, rx-ring-ref,
 * event-channel, request-rx-copy, feature-rx-notify, feature-sg,
 * feature-gso-tcpv4/-tcpv6 and optionally feature-no-csum-offload.
 */
#ifndef PUBLIC_IO_NETIF_H
#define PUBLIC_IO_NETIF_H

#include <stdint.h>
#include "ring.h"
#include "../grant_table.h"

/* Slots a backend must accept for one packet (Linux sends at most this). */
#define XEN_NETIF_NR_SLOTS_MIN 18

/* tx request flags */
#define _NETTXF_csum_blank     (0)   /* L4 checksum not yet computed */
#define  NETTXF_csum_blank     (1U << _NETTXF_csum_blank)
#define _NETTXF_data_validated (1)   /* checksum already checked */
#define  NETTXF_data_validated (1U << _NETTXF_data_validated)
#define _NETTXF_more_data      (2)   /* the packet continues in the next slot */
#define  NETTXF_more_data      (1U << _NETTXF_more_data)
#define _NETTXF_extra_info     (3)   /* extra info slot(s) follow this one */
#define  NETTXF_extra_info     (1U << _NETTXF_extra_info)

#define XEN_NETIF_MAX_TX_SIZE 0xFFFF

struct netif_tx_request {
    grant_ref_t gref;     /* page holding this slot's data */
    uint16_t offset;      /* where in it */
    uint16_t flags;       /* NETTXF_* */
    uint16_t id;          /* echoed in the response */
    uint16_t size;        /* first slot: whole packet; others: this slot */
};
typedef struct netif_tx_request netif_tx_request_t;

/* extra info types */
#define XEN_NETIF_EXTRA_TYPE_NONE      (0)   /* never valid */
#define XEN_NETIF_EXTRA_TYPE_GSO       (1)
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD (2)
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL (3)
#define XEN_NETIF_EXTRA_TYPE_HASH      (4)
#define XEN_NETIF_EXTRA_TYPE_MAX       (5)

#define _XEN_NETIF_EXTRA_FLAG_MORE (0)       /* another extra slot follows */
#define XEN_NETIF_EXTRA_FLAG_MORE  (1U << _XEN_NETIF_EXTRA_FLAG_MORE)

#define XEN_NETIF_GSO_TYPE_NONE   (0)
#define XEN_NETIF_GSO_TYPE_TCPV4  (1)
#define XEN_NETIF_GSO_TYPE_TCPV6  (2)

/* Occupies one tx request or rx response slot (8 bytes). */
struct netif_extra_info {
    uint8_t type;         /* XEN_NETIF_EXTRA_TYPE_* */
    uint8_t flags;        /* XEN_NETIF_EXTRA_FLAG_* */
    union {
        struct {
            uint16_t size;        /* MSS: payload bytes per segment */
            uint8_t type;         /* XEN_NETIF_GSO_TYPE_* */
            uint8_t pad;
            uint16_t features;    /* XEN_NETIF_GSO_FEAT_*, none defined */
        } gso;
        struct {
            uint8_t addr[6];
        } mcast;
        struct {
            uint8_t type;
            uint8_t algorithm;
            uint8_t value[4];
        } hash;
        uint16_t pad[3];
    } u;
};
typedef struct netif_extra_info netif_extra_info_t;

struct netif_tx_response {
    uint16_t id;
    int16_t status;       /* NETIF_RSP_* */
};
typedef struct netif_tx_response netif_tx_response_t;

struct netif_rx_request {
    uint16_t id;          /* echoed in the response */
    uint16_t pad;
    grant_ref_t gref;     /* empty page to receive into */
};
typedef struct netif_rx_request netif_rx_request_t;

/* rx response flags */
#define _NETRXF_data_validated (0)   /* checksum checked (or not needed) */
#define  NETRXF_data_validated (1U << _NETRXF_data_validated)
#define _NETRXF_csum_blank     (1)   /* L4 checksum left to compute */
#define  NETRXF_csum_blank     (1U << _NETRXF_csum_blank)
#define _NETRXF_more_data      (2)   /* the packet continues in the next slot */
#define  NETRXF_more_data      (1U << _NETRXF_more_data)
#define _NETRXF_extra_info     (3)   /* an extra info slot follows */
#define  NETRXF_extra_info     (1U << _NETRXF_extra_info)
#define _NETRXF_gso_prefix     (4)
#define  NETRXF_gso_prefix     (1U << _NETRXF_gso_prefix)

struct netif_rx_response {
    uint16_t id;
    uint16_t offset;      /* where in the page the data starts */
    uint16_t flags;       /* NETRXF_* */
    int16_t status;       /* bytes in this slot, or NETIF_RSP_* < 0 */
};
typedef struct netif_rx_response netif_rx_response_t;

DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct netif_tx_response);
DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response);

#define NETIF_RSP_DROPPED  -2
#define NETIF_RSP_ERROR    -1
#define NETIF_RSP_OKAY      0
#define NETIF_RSP_NULL      1    /* answers an extra info slot */

#endif
