/*
 * xs_batch.h — one xenstore transaction pipelined over xenstored's unix
 * socket: TRANSACTION_START, then every queued WRITE/MKDIR/SET_PERMS sent in
 * one write() and their answers read after, then TRANSACTION_END (commit,
 * or abort if any request was refused).  Three round trips instead of one
 * per request.  Only over the socket (XENSTORED_PATH, else the rundir's
 * "socket"); xs_batch_start() returns -ENOTSUP when there is none, and the
 * caller falls back to libxenstore one request at a time.
 */
#ifndef LIBCTRL_XS_BATCH_H
#define LIBCTRL_XS_BATCH_H
#include <stddef.h>
#include <stdint.h>

struct xsb_op;
struct xs_batch {
    int fd;
    uint32_t tx;            /* transaction id from xenstored */
    char *buf;              /* queued requests, wire format */
    size_t len, cap;
    struct xsb_op *ops;     /* type and path of each, for the answers */
    unsigned n;
    int err;                /* first queueing failure (-ENOMEM, -E2BIG) */
};

/* Connect and start the transaction; 0 or -errno (-ENOTSUP: no socket). */
int xs_batch_start(struct xs_batch *b);
/* Queue requests (nothing is sent yet); 0 or -errno, also kept for commit. */
int xs_batch_write(struct xs_batch *b, const char *path, const char *val);
int xs_batch_mkdir(struct xs_batch *b, const char *path);
/* Permissions as xenstore strings, e.g. owner "n0", other "r5" or NULL. */
int xs_batch_set_perms(struct xs_batch *b, const char *path, const char *owner,
                       const char *other);
/*
 * Send, read every answer, end the transaction.  0 when committed; else
 * -errno: the first refused request's (its path in failed_path; the
 * transaction is aborted), -EAGAIN when the commit conflicted (retry from
 * xs_batch_start), or a connection error.
 */
int xs_batch_commit(struct xs_batch *b, char *failed_path, size_t failed_len);
void xs_batch_close(struct xs_batch *b);
#endif
