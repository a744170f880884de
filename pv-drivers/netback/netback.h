/*
 * netback.h — the userspace network backend (netbackd): serves Linux's
 * xen-netfront over the netif protocol (public/io/netif.h).  Each vif is a
 * tap device vif<domid>.<devid> in dom0; packets move between the guest's
 * granted pages and the tap with grant copies (/dev/xen/gntdev), events
 * through /dev/xen/evtchn.
 *
 * The pure parts (no devices, no xenstore) are declared first so host unit
 * tests and the fuzzer can link them alone: txparse.c (what a run of tx
 * slots means), csum.c (where a packet's L4 header is, the virtio-net
 * header for the tap), xenbus.c (the backend's state machine).
 */
#ifndef PV_DRIVERS_NETBACK_H
#define PV_DRIVERS_NETBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/io/netif.h>

#define NB_PAGE_SIZE     4096u
#define NB_ETH_HLEN      14u
/* More data slots than this and a packet is dropped (netfront never sends
 * more: XEN_NETIF_NR_SLOTS_MIN); more than NB_FATAL_SLOTS and the frontend
 * is considered hostile and disconnected, as Linux's netback does. */
#define NB_MAX_SLOTS     XEN_NETIF_NR_SLOTS_MIN
#define NB_FATAL_SLOTS   20u
/* Extra info slots per packet (one of each defined type at most). */
#define NB_MAX_EXTRAS    (XEN_NETIF_EXTRA_TYPE_MAX - 1)

/* ------------------------------------------------------------ tx parsing */

enum nb_tx_verdict {
    NB_TX_OK = 0,        /* a well-formed packet: copy and send it */
    NB_TX_INCOMPLETE,    /* its slots are not all posted yet: wait */
    NB_TX_DROP,          /* malformed but delimited: answer every slot with
                            an error, keep the vif */
    NB_TX_FATAL,         /* cannot be delimited safely: disconnect the vif */
};

struct nb_tx_data {          /* one data slot, with its effective length */
    uint32_t gref;
    uint16_t offset;
    uint16_t len;
    uint16_t id;
};

struct nb_tx_packet {
    unsigned int nslots;     /* ring slots used: data + extra (always >= 1
                                unless INCOMPLETE/FATAL) */
    unsigned int ndata;      /* data slots in data[] */
    unsigned int nextras;
    uint16_t first_id;       /* id of the first request */
    uint16_t flags;          /* NETTXF_* of the first request */
    uint32_t size;           /* total bytes (the first request's size) */
    bool gso;                /* a GSO extra was given */
    uint8_t gso_type;        /* XEN_NETIF_GSO_TYPE_* */
    uint16_t gso_size;
    /* ring order of the slots: 'd' data, 'x' extra (for the responses) */
    char kind[NB_FATAL_SLOTS + NB_MAX_EXTRAS + 1];
    uint16_t ids[NB_FATAL_SLOTS + NB_MAX_EXTRAS + 1];
    struct nb_tx_data data[NB_FATAL_SLOTS];
};

/*
 * Delimits and checks the packet starting at slots[0], given the avail
 * requests the frontend has posted (already copied out of the shared
 * ring).  Fills *p (nslots is how many ring slots to consume and answer for
 * OK and DROP); *why gets a static reason for DROP and FATAL.
 */
enum nb_tx_verdict nb_tx_parse(const struct netif_tx_request *slots,
                               unsigned int avail, struct nb_tx_packet *p,
                               const char **why);

/* ------------------------------------------------------------ checksums */

struct nb_l4 {
    unsigned int l3_off;     /* IP header */
    unsigned int l4_off;     /* TCP/UDP header */
    unsigned int l4_hlen;    /* TCP header length (8 for UDP) */
    uint8_t proto;           /* 6 TCP, 17 UDP */
    bool ipv6;
};

/* Finds the TCP or UDP header of an Ethernet frame (802.1Q, IPv4 with
 * options, IPv6 with hop-by-hop/routing/destination options).  0, or
 * -EINVAL when the frame is not TCP/UDP over IP or is truncated. */
int nb_find_l4(const uint8_t *frame, size_t len, struct nb_l4 *out);

/* The virtio-net header written before a frame on the tap (IFF_VNET_HDR,
 * 10 bytes, host byte order as the tap is native-endian). */
struct nb_vnet_hdr {
    uint8_t flags;           /* VIRTIO_NET_HDR_F_* */
    uint8_t gso_type;        /* VIRTIO_NET_HDR_GSO_* */
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;
    uint16_t csum_offset;
};

/* The tap header for a guest's tx packet p whose bytes are frame[0..len):
 * checksum to complete (csum_blank), already validated, GSO.  0 or
 * -EINVAL (csum_blank/GSO on a frame that is not TCP/UDP over IP). */
int nb_tx_vnet_hdr(const struct nb_tx_packet *p, const uint8_t *frame,
                   size_t len, struct nb_vnet_hdr *h);

/* The first rx response's NETRXF_* flags and GSO extra for a frame read
 * from the tap with header h.  Returns 0, or -EINVAL for a header the
 * frontend cannot take (GSO it did not ask for, unknown GSO type). */
int nb_rx_from_vnet(const struct nb_vnet_hdr *h, bool frontend_gso_v4,
                    bool frontend_gso_v6, uint16_t *flags,
                    struct netif_extra_info *gso);

/* Software Internet checksum of a TCP/UDP segment (pseudo-header included)
 * written at its place: for frontends that cannot take csum_blank.  0 or
 * -EINVAL. */
int nb_fill_l4_csum(uint8_t *frame, size_t len, const struct nb_l4 *l4);

/* ------------------------------------------------------------ rx coalescing */

/* Pages (rx slots) a joined packet may take: its GSO extra makes one more
 * slot, within netfront's XEN_NETIF_NR_SLOTS_MIN (18). */
#define NB_RX_COAL_PAGES 16u

/*
 * a and b are frames read from the tap, each behind its virtio-net header
 * (10 bytes; *alen and blen count the frame after it).  When b
 * is the next full-or-last TCP/IPv4 segment of a's stream (rxcoal.c says
 * exactly when), b's payload is appended to a, whose headers become those
 * of one GSO packet (VIRTIO_NET_HDR_GSO_TCPV4, the MSS, IP length and
 * checksums), *alen grows, and true is returned; else nothing changes.
 * cap: the bytes a's buffer holds after its header.
 */
bool nb_rx_coalesce(uint8_t *a, size_t *alen, size_t cap,
                    const uint8_t *b, size_t blen);

/* ------------------------------------------------------------ xenbus */

/* XenbusState values (public/io/xenbus.h). */
enum nb_xbstate {
    NB_XB_UNKNOWN = 0, NB_XB_INITIALISING = 1, NB_XB_INITWAIT = 2,
    NB_XB_INITIALISED = 3, NB_XB_CONNECTED = 4, NB_XB_CLOSING = 5,
    NB_XB_CLOSED = 6, NB_XB_RECONFIGURING = 7, NB_XB_RECONFIGURED = 8,
};

struct nb_xb_in {
    enum nb_xbstate be;      /* the backend's state as we last wrote it */
    bool connected;          /* rings mapped, event channel bound */
    int fe;                  /* frontend state, -1 when its node is gone */
    bool online;             /* backend "online" (toolstack: 0 = detach) */
    bool hotplug_ok;         /* hotplug-status is "connected" (or absent) */
    bool hotplug_error;      /* hotplug-status is "error" */
};

struct nb_xb_out {
    bool disconnect;         /* unmap rings, unbind: before anything else */
    bool connect;            /* map rings, bind: then write set_state */
    int set_state;           /* new backend state to write, -1 none */
    bool remove;             /* forget the vif, close the tap */
};

/* The backend's reaction to what xenstore now says (Linux netback's
 * frontend_changed, plus the toolstack's online and hotplug-status). */
struct nb_xb_out nb_xb_step(const struct nb_xb_in *in);

/* "4" -> 4; anything that is not a small decimal -> -1. */
int nb_xb_parse_state(const char *s);

/* ------------------------------------------------------------ ip= */

/* Sources a vif may send from (ipfilter.c says what is checked). */
#define NB_IPFILTER_MAX  16
struct nb_ipfilter {
    unsigned int n;              /* 0: no ip= given, everything passes */
    struct { uint32_t addr, mask; } net[NB_IPFILTER_MAX];  /* network order */
};

/* Parses the backend's "ip" node ("a.b.c.d[/len]" separated by spaces);
 * NULL or blank gives an empty filter.  0, or -EINVAL for anything that
 * is not such a list (the vif must then not connect unfiltered). */
int nb_ipfilter_parse(const char *s, struct nb_ipfilter *f);

/* Whether the guest may send this Ethernet frame. */
bool nb_ipfilter_allows(const struct nb_ipfilter *f, const uint8_t *frame,
                        size_t len);

/* ------------------------------------------------------------ daemon */

struct nb_daemon;

/* Counters a vif keeps (printed at teardown and on SIGUSR1). */
struct nb_stats {
    uint64_t tx_packets, tx_bytes, tx_dropped;
    uint64_t tx_filtered;        /* sources ip= does not allow */
    uint64_t rx_packets, rx_bytes, rx_dropped;
    uint64_t fatal;
    /* what the packets cost the daemon (logged at disconnect): rounds of
     * service (one per epoll wakeup that concerned the vif), tap reads
     * (those that found the tap empty too) and writes, grant copy ioctls
     * and the segments they carried, event channel notifications sent;
     * frames that crossed as TCP segments (a GSO vnet header) each way */
    uint64_t rounds, tap_reads, tap_writes, copy_calls, copy_segs, notifies;
    uint64_t tx_gso, rx_gso;
    uint64_t rx_coalesced;       /* tap frames joined into the one before */
};

#endif
