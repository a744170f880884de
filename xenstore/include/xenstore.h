/*
 * xenstore.h - the libxenstore client API.  Same prototypes and constants as
 * Xen 4.17's tools/include/xenstore.h so that programs written for Xen's
 * library (libxl-style toolstacks, xenstore-utils, test-xenstore) port over.
 * Implemented in xenstore/lib/ over the xenstored unix socket or
 * /dev/xen/xenbus; link build/xenstore/libxenstore.a (or -lxenstore with
 * -Lbuild/xenstore for the shared object).
 */
#ifndef XENSTORE_H
#define XENSTORE_H

#include "xenstore_lib.h"

#ifdef __cplusplus
extern "C" {
#endif

#define XBT_NULL 0

/* xs_open() flags */
#define XS_OPEN_READONLY   (1UL << 0) /* accepted, ignored as in 4.17 */
#define XS_OPEN_SOCKETONLY (1UL << 1) /* never fall back to /dev/xen/xenbus */
/* Drop queued events of a watch when it is removed. */
#define XS_UNWATCH_FILTER  (1UL << 2)

struct xs_handle;
typedef uint32_t xs_transaction_t;

/* Connection: $XENSTORED_PATH, $XENSTORED_RUNDIR/socket,
 * /var/run/xenstored/socket, then /dev/xen/xenbus. */
struct xs_handle *xs_open(unsigned long flags);
void xs_close(struct xs_handle *xsh /* NULL ok */);

/* Older names, kept for source compatibility. */
struct xs_handle *xs_daemon_open(void);
struct xs_handle *xs_domain_open(void);
struct xs_handle *xs_daemon_open_readonly(void);
void xs_daemon_close(struct xs_handle *);
/* In a forked child: free the handle without touching the shared socket. */
void xs_daemon_destroy_postfork(struct xs_handle *);

/* Results are one malloc'd block: free() the returned pointer only. */
char **xs_directory(struct xs_handle *h, xs_transaction_t t,
                    const char *path, unsigned int *num);
/* Returns the value plus a terminating NUL not counted in *len. */
void *xs_read(struct xs_handle *h, xs_transaction_t t,
              const char *path, unsigned int *len);
bool xs_write(struct xs_handle *h, xs_transaction_t t,
              const char *path, const void *data, unsigned int len);
bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path);
bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path);
/* Removed from the protocol: always fails with ENOSYS. */
bool xs_restrict(struct xs_handle *h, unsigned domid);

struct xs_permissions *xs_get_permissions(struct xs_handle *h,
                                          xs_transaction_t t,
                                          const char *path, unsigned int *num);
bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num_perms);

/* Watches: the daemon fires one event at once when a watch is added. */
bool xs_watch(struct xs_handle *h, const char *path, const char *token);
/* A pollable fd, readable while an event is pending or may be read. */
int xs_fileno(struct xs_handle *h);
/* Non-blocking: an event as {path, token}, or NULL (errno EAGAIN). */
char **xs_check_watch(struct xs_handle *h);
/* Blocking: the next event; *num gets the number of strings (2). */
char **xs_read_watch(struct xs_handle *h, unsigned int *num);
bool xs_unwatch(struct xs_handle *h, const char *path, const char *token);

/* XBT_NULL on failure.  End with abort=false commits (EAGAIN: retry). */
xs_transaction_t xs_transaction_start(struct xs_handle *h);
bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort);

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid,
                         unsigned long mfn, unsigned int eventchn);
bool xs_set_target(struct xs_handle *h, unsigned int domid,
                   unsigned int target);
bool xs_resume_domain(struct xs_handle *h, unsigned int domid);
bool xs_release_domain(struct xs_handle *h, unsigned int domid);
/* malloc'd "/local/domain/<domid>" */
char *xs_get_domain_path(struct xs_handle *h, unsigned int domid);
bool xs_path_is_subpath(const char *parent, const char *child);
bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid);

/* XS_CONTROL: cmd, then len bytes of NUL-separated arguments. */
char *xs_control_command(struct xs_handle *h, const char *cmd,
                         void *data, unsigned int len);
char *xs_debug_command(struct xs_handle *h, const char *cmd,
                       void *data, unsigned int len);

/* Event channel of the guest's suspend device, -1 if none. */
int xs_suspend_evtchn_port(int domid);

#ifdef __cplusplus
}
#endif

#endif /* XENSTORE_H */
