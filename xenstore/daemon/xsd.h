/*
 * xsd.h - internal interfaces of our xenstored: the node store, transactions,
 * watches, domains/quotas, connections and their transports, and the request
 * dispatcher.  Everything but main.c links into build/xenstore/xenstored/
 * built_in.o so unit tests and the fuzz target drive the real code.
 */
#ifndef XSD_H
#define XSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <errno.h>

#include "xenstore_lib.h"   /* XS_PERM_*, xs_wire.h */

#define DOMID_MAX_NORMAL 0x7FEFu   /* highest ordinary domain id */
#ifndef DOMID_SELF                 /* also in public/xen.h */
#define DOMID_SELF       0x7FF0u
#endif

/* ---- quotas (C xenstored 4.17 defaults) -------------------------------- */
struct xsd_quota {
    unsigned entry_nb;      /* -E nodes owned per domain */
    unsigned entry_size;    /* -S bytes per node record */
    unsigned watch_nb;      /* -W watches per connection */
    unsigned transaction;   /* -t open transactions per connection */
    unsigned perm_nb;       /* -A permission entries per node (beyond owner) */
    unsigned path_max;      /* -M path length (relative part) */
    unsigned tx_nodes;      /* -Q transaction-nodes */
    unsigned outstanding;   /* -Q outstanding requests/events queued */
    unsigned long memory;   /* -Q memory (hard), bytes */
    unsigned long memory_soft; /* -q memory, bytes (warning only) */
    unsigned watch_timeout; /* -w watch-event=<seconds> */
};
extern struct xsd_quota xsd_quota;

/* ---- nodes -------------------------------------------------------------- */
struct xsd_perm {
    uint32_t id;
    uint32_t perms;         /* XS_PERM_READ | XS_PERM_WRITE */
};

#define NODE_SHADOW   0x1   /* tx overlay: only records the base generation */
#define NODE_DELETED  0x2   /* tx overlay: removed in this transaction */

struct node {
    struct node *hnext;     /* hash chain */
    uint64_t hash;
    uint64_t gen;           /* bumped by any change to this node */
    uint64_t base_gen;      /* tx overlay: gen of the main node when touched */
    char *val;
    struct xsd_perm *perms; /* perms[0] is the owner */
    char *kids;             /* child names, each NUL-terminated, in creation order */
    uint32_t vlen, nperms;
    uint32_t klen, kcap, nkids;
    uint32_t plen;
    uint32_t flags;
    char path[];            /* NUL-terminated */
};

struct htab {
    struct node **b;
    size_t mask;            /* buckets - 1 */
    size_t count;
};

uint64_t xsd_hash(const char *s, size_t n);
int htab_init(struct htab *h, size_t buckets);
void htab_free(struct htab *h, bool free_nodes);
struct node *htab_find(struct htab *h, const char *path, size_t plen, uint64_t hash);
int htab_insert(struct htab *h, struct node *n);
void htab_remove(struct htab *h, struct node *n);

struct node *node_alloc(const char *path, size_t plen);
void node_free(struct node *n);
int node_set_value(struct node *n, const void *v, size_t len);
int node_set_perms(struct node *n, const struct xsd_perm *p, unsigned num);
int node_add_kid(struct node *n, const char *name, size_t len);
int node_del_kid(struct node *n, const char *name, size_t len);
int node_copy_content(struct node *dst, const struct node *src);
/* Bytes charged to the owner for this node (C xenstored's record size). */
size_t node_size(const struct node *n);

/* ---- path helpers -------------------------------------------------------- */
struct conn;
/* Canonical absolute path for this connection into buf; -EINVAL if bad. */
int xsd_canon(struct conn *c, const char *in, char *buf, size_t bufsz,
              bool allow_special);
bool xsd_is_special(const char *path);
const char *xsd_basename(const char *path, size_t plen, size_t *len);
size_t xsd_parent_len(const char *path, size_t plen);

/* ---- store and transactions ---------------------------------------------- */
struct txn;
struct fire;  /* pending watch firing inside a transaction */

struct txn {
    struct txn *next;       /* conn's list */
    uint32_t id;
    uint64_t start_gen;
    struct htab ov;         /* overlay: path -> node (SHADOW/DELETED/full copy) */
    struct fire *fires, **fires_tail;
    unsigned nodes_touched;
    long created[1];        /* nodes created in the tx charged to the conn's domain */
    size_t mem;             /* memory held by the overlay */
    bool doomed;            /* a read saw a change newer than start: commit fails */
    bool overquota;         /* touched more nodes than the quota allows */
};

extern struct htab xsd_store;
extern uint64_t xsd_gen;

int store_init(void);
void store_fini(void);
/* Visible node at path in t (NULL t = main store); NULL if absent. */
struct node *st_get(struct conn *c, struct txn *t, const char *path, size_t plen);
/* A writable version of n for t (main: n itself). */
struct node *st_writable(struct conn *c, struct txn *t, struct node *n);
/* Create path (and missing parents) inheriting parent perms. */
struct node *st_create(struct conn *c, struct txn *t, const char *path,
                       size_t plen, int *err);
int st_rm(struct conn *c, struct txn *t, const char *path, size_t plen);
void st_touch(struct txn *t, struct node *n);  /* bump gen of a writable node */

struct txn *txn_new(struct conn *c);
void txn_free(struct txn *t);
int txn_commit(struct conn *c, struct txn *t);
struct txn *txn_find(struct conn *c, uint32_t id);
void txn_unlink(struct conn *c, struct txn *t);

/* ---- permissions and domains --------------------------------------------- */
struct domain {
    struct domain *next_alloc;
    uint32_t domid;
    bool introduced;
    bool shutdown;
    uint32_t target;        /* DOMID_INVALID if none */
    long nodes;             /* nodes owned */
    long mem;               /* bytes charged */
    struct conn *conn;      /* ring connection, if introduced */
    unsigned long mfn;
    uint32_t remote_port;
};
#ifndef DOMID_INVALID
#define DOMID_INVALID 0x7FF4u
#endif

struct domain *domain_get(uint32_t domid, bool create);
/* Forget every domain (tests and the fuzz target start from scratch). */
void domain_reset_all(void);
bool conn_is_priv(const struct conn *c);
unsigned perm_for_conn(const struct conn *c, const struct xsd_perm *p, unsigned n);
void domain_charge(uint32_t domid, long nodes, long mem);
/* Quota checks for unprivileged connections; 0 or -errno. */
int quota_check_nodes(struct conn *c, struct txn *t, long extra);
int quota_check_mem(struct conn *c, long extra);

/* ---- watches ------------------------------------------------------------- */
struct watch {
    struct watch *next;
    char *path;             /* canonical */
    char *token;
    bool relative;          /* report event paths relative to the domain path */
    uint32_t plen;
};
/* Fire watches for path: exact=false matches watches on path and ancestors,
 * exact=true only watches on path itself.  perms: the node's perms (NULL for
 * special paths). */
void watch_fire(const char *path, size_t plen, bool exact,
                const struct xsd_perm *perms, unsigned nperms);
void watch_fire_special(const char *name);
void txn_defer_fire(struct txn *t, const char *path, size_t plen, bool exact,
                    const struct xsd_perm *perms, unsigned nperms);
void watch_free_all(struct conn *c);
/* Special nodes (@introduceDomain, @releaseDomain) carry perms of their own. */
struct node *special_node(const char *path);
void special_reset(void);

/* ---- connections and transports -------------------------------------------- */
struct transport_ops {
    const char *name;
    /* Non-blocking.  >0 bytes, 0 nothing now, <0 -errno (peer gone). */
    ssize_t (*read)(struct conn *c, void *buf, size_t len);
    ssize_t (*write)(struct conn *c, const void *buf, size_t len);
    void (*destroy)(struct conn *c);
    /* Optional: called once the output queue has been written. */
    void (*flushed)(struct conn *c);
};

struct obuf {
    char *buf;
    size_t head, len, cap;
};

struct conn {
    struct conn *next, *prev;       /* global list */
    const struct transport_ops *ops;
    void *priv;                     /* transport state */
    int fd;                         /* pollable fd or -1 */
    uint32_t domid;
    bool priv_conn;                 /* dom0 / socket: privileged */
    uint32_t target;                /* SET_TARGET: DOMID_INVALID if none */
    char dompath[32];               /* "/local/domain/<id>" */
    size_t dompath_len;

    char *ibuf;                     /* partial input */
    size_t ilen, icap;
    struct obuf out;
    unsigned out_msgs;              /* messages queued, not yet sent */
    unsigned long events_dropped;   /* watch events over the memory quota */
    double out_stuck_since;         /* when output last stopped draining */
    bool dead;                      /* close after flushing what we can */
    bool on_dirty;
    bool kicked;                    /* transport signalled: try input */
    uint32_t ev_mask;               /* epoll events currently registered */
    struct conn *dirty_next;

    struct txn *txns;
    unsigned ntxns;
    struct watch *watches;
    unsigned nwatches;
    struct domain *dom;             /* ring connections */
    size_t peeked;                  /* socket bytes read with MSG_PEEK, not
                                       yet taken off the socket */
};

extern struct conn *xsd_conns;
struct conn *conn_new(const struct transport_ops *ops, void *priv, int fd,
                      uint32_t domid);
void conn_free(struct conn *c);
/* Consume input: read from the transport and dispatch whole messages.
 * Returns <0 when the connection should be closed. */
int conn_handle_input(struct conn *c);
/* Feed bytes directly (tests, fuzzing, transports that push). */
int conn_feed(struct conn *c, const void *data, size_t len);
int conn_flush(struct conn *c);
void conn_flush_dirty(void);
bool conn_wants_input(const struct conn *c);
int conn_send(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
              const void *p1, size_t l1, const void *p2, size_t l2);
void conn_mark_dirty(struct conn *c);
/* The transport signalled activity: read input and flush output soon. */
void conn_kick(struct conn *c);

/* ---- dispatcher -------------------------------------------------------------- */
int xsd_dispatch(struct conn *c, const struct xsd_sockmsg *hdr,
                 const char *payload);
const char *xsd_errname(int err);
/* XS_CONTROL (control.c): queues the reply, or returns -errno. */
int xsd_control(struct conn *c, const struct xsd_sockmsg *h, const char *p,
                size_t len);
const char *xsd_typename(uint32_t type);

/* ---- domains/rings (domain.c) ----------------------------------------------- */
/* How INTRODUCE maps a guest's ring: real Xen devices or a directory of
 * fake rings (test mode). */
extern const char *xsd_fake_ring_dir;
extern bool xsd_keep_orphans;   /* -K */
int domain_introduce(struct conn *c, uint32_t domid, unsigned long mfn,
                     uint32_t port);
int domain_release(uint32_t domid);
void domain_conn_gone(struct conn *c);
int domain_attach_ring(struct domain *d, void *intf, unsigned long mfn,
                       uint32_t port);
int domain_dom0_init(void);
/* Real Xen: bind VIRQ_DOM_EXC and release domains that die. */
int domain_watch_exceptions(void);
void domain_evtchn_ready(void);
int xsd_evtchn_open(void);
bool conn_is_ring(const struct conn *c);
void ring_protocol_error(struct conn *c);
struct conn *ring_conn_by_port(uint32_t port);
extern int xsd_evtchn_fd;

/* ---- event loop hooks (io.c) ------------------------------------------------ */
int io_watch_fd(struct conn *c);        /* register a conn's fd with epoll */
void io_unwatch_fd(struct conn *c);
/* Re-arm epoll for c: EPOLLIN while it may send, EPOLLOUT while output waits. */
void io_update(struct conn *c);
/* /dev/xen/evtchn was opened: poll it too. */
void io_evtchn_opened(void);
/* Socket transport: accept()ed connections are dom0-privileged. */
struct conn *sock_conn_new(int fd);
int io_listen(const char *path);
int io_init(void);
int io_run(void);
extern bool xsd_sock_peek;
void io_fini(void);

/* ---- logging/trace -------------------------------------------------------- */
extern FILE *xsd_trace;
extern int xsd_verbose;
void xsd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void trace_msg(struct conn *c, const char *dir, const struct xsd_sockmsg *h,
               const char *payload);
double xsd_now(void);

#endif /* XSD_H */
