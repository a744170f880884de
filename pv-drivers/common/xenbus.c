/*
 * xenbus.c — the backend side of the xenbus handshake: the decision
 * function (what to do for a pair of states, see backend.h) and the
 * xenstore helpers the backends use to read the frontend's details and
 * publish their own.  Pure functions first, so the host tests drive the
 * state machine without a xenstored.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "backend.h"

enum xb_action xb_next_action(const struct xb_view *v)
{
    switch (v->fe_state) {
    case XenbusStateUnknown:
        /* The frontend directory is gone: its domain died or was torn
         * down.  Nothing is left to hand-shake with. */
        return XB_REMOVE;
    case XenbusStateInitialising:
        if (v->be_state == XenbusStateInitialising)
            return XB_INITWAIT;
        if (v->be_state == XenbusStateClosed && v->online)
            return XB_INITWAIT;     /* frontend driver reloaded */
        if (v->be_state == XenbusStateClosed && !v->online)
            return XB_REMOVE;
        return XB_NOTHING;
    case XenbusStateInitWait:
        return v->be_state == XenbusStateInitialising ? XB_INITWAIT
                                                     : XB_NOTHING;
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (v->be_state == XenbusStateInitialising)
            return XB_INITWAIT;
        if (v->connected || !v->online)
            return XB_NOTHING;
        /* InitWait: the normal path; Connected: a restarted backend
         * re-attaching to the live ring.  Closing/Closed: the toolstack
         * or we asked for a disconnect, wait for the frontend. */
        if (v->be_state == XenbusStateInitWait ||
            v->be_state == XenbusStateConnected)
            return XB_CONNECT;
        return XB_NOTHING;
    case XenbusStateClosing:
        if (v->be_state == XenbusStateClosing)
            return XB_NOTHING;
        if (v->be_state == XenbusStateClosed)
            return v->online ? XB_NOTHING : XB_REMOVE;
        return XB_CLOSING;
    case XenbusStateClosed:
        if (v->connected || v->be_state != XenbusStateClosed)
            return XB_CLOSE;
        return v->online ? XB_NOTHING : XB_REMOVE;
    default:
        /* Reconfiguring/Reconfigured or garbage from a hostile frontend. */
        return XB_NOTHING;
    }
}

const char *xb_action_name(enum xb_action a)
{
    static const char *const names[] = {
        "nothing", "initwait", "connect", "closing", "close", "remove",
    };
    return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "?";
}

const char *xb_state_name(int state)
{
    static const char *const names[] = {
        "Unknown", "Initialising", "InitWait", "Initialised", "Connected",
        "Closing", "Closed", "Reconfiguring", "Reconfigured",
    };
    return state >= 0 && state < 9 ? names[state] : "Invalid";
}

char *xb_read(struct xs_handle *xs, const char *dir, const char *node)
{
    char path[512];
    unsigned int len;

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, node) >=
        sizeof(path)) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    return xs_read(xs, XBT_NULL, path, &len);
}

int xb_read_ull(struct xs_handle *xs, const char *dir, const char *node,
                unsigned long long *out)
{
    char *s = xb_read(xs, dir, node), *end;
    unsigned long long v;
    int rc = 0;

    if (!s)
        return -ENOENT;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end)
        rc = -EINVAL;
    else if (errno)
        rc = -ERANGE;
    else
        *out = v;
    free(s);
    return rc;
}

int xb_read_state(struct xs_handle *xs, const char *dir)
{
    unsigned long long v;

    if (xb_read_ull(xs, dir, "state", &v) || v > XenbusStateReconfigured)
        return XenbusStateUnknown;
    return (int)v;
}

int xb_printf(struct xs_handle *xs, const char *dir, const char *node,
              const char *fmt, ...)
{
    char path[512], val[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(val) ||
        (size_t)snprintf(path, sizeof(path), "%s/%s", dir, node) >=
            sizeof(path))
        return -ENAMETOOLONG;
    return xs_write(xs, XBT_NULL, path, val, (unsigned)n) ? 0
                                                          : -(errno ? errno : EIO);
}

int xb_switch_state(struct xs_handle *xs, const char *dir, int state)
{
    char path[512], val[4], *old;
    unsigned int len;
    int tries, n = snprintf(val, sizeof(val), "%d", state);

    if ((size_t)snprintf(path, sizeof(path), "%s/state", dir) >= sizeof(path))
        return -ENAMETOOLONG;
    for (tries = 0; tries < 16; tries++) {
        xs_transaction_t t = xs_transaction_start(xs);

        if (!t)
            return -(errno ? errno : EIO);
        old = xs_read(xs, t, path, &len);
        if (!old) {
            xs_transaction_end(xs, t, true);
            return -ENOENT;
        }
        free(old);
        if (!xs_write(xs, t, path, val, (unsigned)n)) {
            int e = errno ? errno : EIO;
            xs_transaction_end(xs, t, true);
            return -e;
        }
        if (xs_transaction_end(xs, t, false))
            return 0;
        if (errno != EAGAIN)
            return -(errno ? errno : EIO);
    }
    return -EAGAIN;
}

/* A decimal xenstore directory name that fits in 32 bits, else -1. */
static long long dec_name(const char *s)
{
    unsigned long long v = 0;

    if (!*s || strlen(s) > 10)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned)(*s - '0');
    }
    return v > 0xffffffffULL ? -1 : (long long)v;
}

int xb_for_each_device(struct xs_handle *xs, unsigned int self,
                       const char *kind,
                       void (*fn)(unsigned int domid, unsigned int devid,
                                  void *ctx),
                       void *ctx)
{
    char path[256], sub[320];
    char **doms, **devs;
    unsigned int nd, nv, i, j;
    int count = 0;

    snprintf(path, sizeof(path), "/local/domain/%u/backend/%s", self, kind);
    doms = xs_directory(xs, XBT_NULL, path, &nd);
    if (!doms)
        return errno == ENOENT ? 0 : -(errno ? errno : EIO);
    for (i = 0; i < nd; i++) {
        long long domid = dec_name(doms[i]);

        if (domid < 0)
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, doms[i]);
        devs = xs_directory(xs, XBT_NULL, sub, &nv);
        if (!devs)
            continue;       /* removed meanwhile */
        for (j = 0; j < nv; j++) {
            long long devid = dec_name(devs[j]);

            if (devid < 0)
                continue;
            fn((unsigned)domid, (unsigned)devid, ctx);
            count++;
        }
        free(devs);
    }
    free(doms);
    return count;
}
