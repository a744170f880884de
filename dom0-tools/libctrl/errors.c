/*
 * errors.c — errno names and the errbuf messages every libctrl failure
 * carries ("domctl createdomain (dom 0): EINVAL (invalid argument)").
 * Users script around xl's messages, so the errno *name* matters more than
 * strerror's prose; both are given.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <stdlib.h>
#include <time.h>
#include "xc.h"

struct errno_entry { int num; const char *name; const char *desc; };

/* Linux and Xen share these numbers on x86. */
static const struct errno_entry errno_table[] = {
    { EPERM, "EPERM", "operation not permitted" },
    { ENOENT, "ENOENT", "no such file or directory" },
    { ESRCH, "ESRCH", "no such process or domain" },
    { EINTR, "EINTR", "interrupted system call" },
    { EIO, "EIO", "input/output error" },
    { ENXIO, "ENXIO", "no such device or address" },
    { E2BIG, "E2BIG", "argument list too long" },
    { ENOEXEC, "ENOEXEC", "exec format error" },
    { EBADF, "EBADF", "bad file descriptor" },
    { ECHILD, "ECHILD", "no child processes" },
    { EAGAIN, "EAGAIN", "resource temporarily unavailable" },
    { ENOMEM, "ENOMEM", "cannot allocate memory" },
    { EACCES, "EACCES", "permission denied" },
    { EFAULT, "EFAULT", "bad address" },
    { EBUSY, "EBUSY", "device or resource busy" },
    { EEXIST, "EEXIST", "file exists" },
    { EXDEV, "EXDEV", "invalid cross-device link" },
    { ENODEV, "ENODEV", "no such device" },
    { ENOTDIR, "ENOTDIR", "not a directory" },
    { EISDIR, "EISDIR", "is a directory" },
    { EINVAL, "EINVAL", "invalid argument" },
    { ENFILE, "ENFILE", "too many open files in system" },
    { EMFILE, "EMFILE", "too many open files" },
    { ENOTTY, "ENOTTY", "inappropriate ioctl for device" },
    { EFBIG, "EFBIG", "file too large" },
    { ENOSPC, "ENOSPC", "no space left on device" },
    { ESPIPE, "ESPIPE", "illegal seek" },
    { EROFS, "EROFS", "read-only file system" },
    { EPIPE, "EPIPE", "broken pipe" },
    { EDOM, "EDOM", "numerical argument out of domain" },
    { ERANGE, "ERANGE", "numerical result out of range" },
    { EDEADLK, "EDEADLK", "resource deadlock avoided" },
    { ENAMETOOLONG, "ENAMETOOLONG", "file name too long" },
    { ENOSYS, "ENOSYS", "function not implemented" },
    { ENOTEMPTY, "ENOTEMPTY", "directory not empty" },
    { ELOOP, "ELOOP", "too many levels of symbolic links" },
    { ENODATA, "ENODATA", "no data available" },
    { ETIME, "ETIME", "timer expired" },
    { EOVERFLOW, "EOVERFLOW", "value too large for defined data type" },
    { EILSEQ, "EILSEQ", "invalid or incomplete multibyte or wide character" },
    { ENOTSOCK, "ENOTSOCK", "socket operation on non-socket" },
    { EOPNOTSUPP, "EOPNOTSUPP", "operation not supported" },
    { EADDRINUSE, "EADDRINUSE", "address already in use" },
    { ECONNREFUSED, "ECONNREFUSED", "connection refused" },
    { ECONNRESET, "ECONNRESET", "connection reset by peer" },
    { ETIMEDOUT, "ETIMEDOUT", "connection timed out" },
    { EALREADY, "EALREADY", "operation already in progress" },
    { EINPROGRESS, "EINPROGRESS", "operation now in progress" },
    { ESTALE, "ESTALE", "stale file handle" },
    { ECANCELED, "ECANCELED", "operation canceled" },
    { EBADMSG, "EBADMSG", "bad message" },
    { EPROTO, "EPROTO", "protocol error" },
    { EMSGSIZE, "EMSGSIZE", "message too long" },
    { ENOBUFS, "ENOBUFS", "no buffer space available" },
    { EISCONN, "EISCONN", "transport endpoint is already connected" },
    { ENOTCONN, "ENOTCONN", "transport endpoint is not connected" },
    { ENOLCK, "ENOLCK", "no locks available" },
};

static const struct errno_entry *errno_lookup(int err)
{
    if (err < 0)
        err = -err;
    for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
        if (errno_table[i].num == err)
            return &errno_table[i];
    return NULL;
}

const char *errno_name(int err)
{
    static __thread char unknown[16];
    const struct errno_entry *e = errno_lookup(err);

    if (e)
        return e->name;
    snprintf(unknown, sizeof(unknown), "E%d", err < 0 ? -err : err);
    return unknown;
}

const char *errno_desc(int err)
{
    const struct errno_entry *e = errno_lookup(err);

    return e ? e->desc : "unknown error";
}

static int eb_vset(struct errbuf *eb, int err, bool decorate, const char *fmt, va_list ap)
{
    if (err > 0)
        err = -err;
    if (err == 0)
        err = -EIO;      /* a failure must never read as success */
    if (!eb || eb->err)
        return err;
    int n = vsnprintf(eb->msg, sizeof(eb->msg), fmt, ap);
    if (n < 0)
        n = 0;
    if (decorate && (size_t)n < sizeof(eb->msg))
        snprintf(eb->msg + n, sizeof(eb->msg) - n, ": %s (%s)",
                 errno_name(err), errno_desc(err));
    eb->err = err;
    return err;
}

int eb_fail(struct errbuf *eb, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err = eb_vset(eb, err, true, fmt, ap);
    va_end(ap);
    return err;
}

int eb_msg(struct errbuf *eb, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err = eb_vset(eb, err, false, fmt, ap);
    va_end(ap);
    return err;
}

void xc_trace(const char *fmt, ...)
{
    static int enabled = -1;
    static struct timespec t0;
    struct timespec now;
    va_list ap;

    if (enabled < 0) {
        enabled = getenv("XC_TRACE") != NULL;
        clock_gettime(CLOCK_MONOTONIC, &t0);
    }
    if (!enabled)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    fprintf(stderr, "xc: [+%.3fs] ", (double)(now.tv_sec - t0.tv_sec) +
            (double)(now.tv_nsec - t0.tv_nsec) / 1e9);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
