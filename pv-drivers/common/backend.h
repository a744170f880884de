/*
 * backend.h — plumbing shared by the dom0 backend daemons (blkback,
 * netback): the xenbus handshake as a pure decision function plus xenstore
 * helpers over our libxenstore, and thin wrappers of Linux's /dev/xen/gntdev
 * (ring mapping, grant copy) and /dev/xen/evtchn (interdomain channels).
 *
 * Every function returns 0 (or a value) on success and a negative errno on
 * failure; none prints anything, the daemons decide what to log.
 */
#ifndef PV_DRIVERS_BACKEND_H
#define PV_DRIVERS_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/io/xenbus.h>

struct xs_handle;
struct gntdev_grant_copy_segment;

/* ------------------------------------------------------------ xenbus */

/*
 * What a backend does next, from its own state node, the frontend's state
 * node, the toolstack's `online' flag and whether the backend holds the ring
 * (connected).  Mirrors Linux's xen-blkback/xen-netback frontend_changed():
 *   be Initialising             -> XB_INITWAIT (publish features, InitWait)
 *   fe Initialising, be Closed  -> XB_INITWAIT (the frontend reconnects)
 *   fe Initialised/Connected    -> XB_CONNECT  (map ring, publish, Connected)
 *   fe Closing                  -> XB_CLOSING  (write Closing)
 *   fe Closed                   -> XB_CLOSE    (unmap, write Closed), then
 *                                  XB_REMOVE once the toolstack set online=0
 *   frontend gone (Unknown)     -> XB_REMOVE   (unmap, forget the device)
 * A backend restarted while both ends say Connected gets XB_CONNECT and
 * re-attaches to the live ring.
 */
enum xb_action {
    XB_NOTHING,
    XB_INITWAIT,
    XB_CONNECT,
    XB_CLOSING,
    XB_CLOSE,
    XB_REMOVE,
};

struct xb_view {
    int be_state;       /* backend's state node, 0 if missing */
    int fe_state;       /* frontend's state node, 0 if missing */
    bool online;        /* backend's `online' node is "1" */
    bool connected;     /* the backend holds the ring and event channel */
};

enum xb_action xb_next_action(const struct xb_view *v);
const char *xb_action_name(enum xb_action a);
const char *xb_state_name(int state);

/* Reads <dir>/<node> as a malloc()ed string (NULL + errno if missing). */
char *xb_read(struct xs_handle *xs, const char *dir, const char *node);
/* Reads <dir>/<node> as an unsigned decimal; -ENOENT/-EINVAL/-ERANGE. */
int xb_read_ull(struct xs_handle *xs, const char *dir, const char *node,
                unsigned long long *out);
/* Reads a state node: its value, or 0 (Unknown) if missing or malformed. */
int xb_read_state(struct xs_handle *xs, const char *dir);
/* Writes <dir>/<node> = printf(fmt, ...). */
int xb_printf(struct xs_handle *xs, const char *dir, const char *node,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Writes <dir>/state only while <dir>/state exists (one transaction), so a
 * backend never re-creates a directory the toolstack has just removed.
 * -ENOENT if the directory is gone.
 */
int xb_switch_state(struct xs_handle *xs, const char *dir, int state);

/*
 * Lists backend devices under /local/domain/<self>/backend/<kind>: calls
 * fn(domid, devid, ctx) for each <domid>/<devid> whose names are decimal.
 * Returns the number visited, or a negative errno (0 if the kind directory
 * does not exist yet).
 */
int xb_for_each_device(struct xs_handle *xs, unsigned int self,
                       const char *kind,
                       void (*fn)(unsigned int domid, unsigned int devid,
                                  void *ctx),
                       void *ctx);

/* ------------------------------------------------------------ gntdev */

/* A run of foreign pages mapped through /dev/xen/gntdev. */
struct gnt_map {
    void *addr;         /* NULL when unmapped */
    size_t pages;
    uint64_t index;     /* gntdev's mmap offset, for the unmap */
};

int gnt_open(void);     /* fd of /dev/xen/gntdev, or -errno */
/* Maps `count' grants of domain `domid' contiguously (read-write). */
int gnt_map_refs(int fd, uint32_t domid, const uint32_t *refs, size_t count,
                 struct gnt_map *m);
void gnt_unmap(int fd, struct gnt_map *m);
/*
 * IOCTL_GNTDEV_GRANT_COPY over segs[0..n): 0 when the ioctl ran (each
 * segment's status says whether its copy happened), -errno if it did not.
 */
int gnt_copy(int fd, struct gntdev_grant_copy_segment *segs, size_t n);

/* ------------------------------------------------------------ evtchn */

int evt_open(void);     /* fd of /dev/xen/evtchn (non-blocking), or -errno */
/* Binds to the remote domain's unbound port: the local port, or -errno. */
int evt_bind_interdomain(int fd, uint32_t domid, uint32_t remote_port);
int evt_unbind(int fd, uint32_t port);
int evt_notify(int fd, uint32_t port);
/*
 * Drains the fd's pending-port queue, unmasking each port again; returns
 * how many ports fired (0 if none), or -errno.
 */
int evt_drain(int fd);

#endif /* PV_DRIVERS_BACKEND_H */
