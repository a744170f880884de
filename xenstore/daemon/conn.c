/*
 * conn.c - connections: message framing on input, the output queue, and the
 * limits that keep one client from hurting the others.
 *
 * Input is read into a per-connection buffer and every complete message is
 * dispatched.  Replies and watch events are appended to the output queue and
 * written once per event-loop round, so a burst of requests costs one write.
 * A connection whose output backs up stops being read (its requests wait
 * in the kernel/ring, not in our memory); one whose output does not drain
 * for the watch-event timeout, or whose replies grow past its memory quota,
 * is dropped.  Watch events that would take a guest past its memory quota
 * are dropped instead: others trigger them, the guest did nothing wrong.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xsd.h"

#define IBUF_CAP   (2 * (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX))
#define OUT_HIGH   (256 * 1024)      /* stop reading requests above this */
#define OUT_MAX_PRIV (64UL << 20)    /* dom0 sockets: generous, still bounded */

struct conn *xsd_conns;
/* Connections to service, first marked first: a write's watch events are
 * queued before its reply, so watchers hear about it before the writer. */
static struct conn *dirty_head, **dirty_tail = &dirty_head;

double xsd_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct conn *conn_new(const struct transport_ops *ops, void *priv, int fd,
                      uint32_t domid)
{
    struct conn *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->ibuf = malloc(IBUF_CAP + 1);
    if (!c->ibuf) {
        free(c);
        return NULL;
    }
    c->icap = IBUF_CAP;
    c->ops = ops;
    c->priv = priv;
    c->fd = fd;
    c->domid = domid;
    c->priv_conn = domid == 0;
    c->target = DOMID_INVALID;
    c->dompath_len = snprintf(c->dompath, sizeof(c->dompath),
                              "/local/domain/%u", domid);
    c->next = xsd_conns;
    if (xsd_conns)
        xsd_conns->prev = c;
    xsd_conns = c;
    return c;
}

void conn_free(struct conn *c)
{
    struct txn *t;
    struct conn **p;

    if (c->prev)
        c->prev->next = c->next;
    else
        xsd_conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (c->on_dirty)
        for (p = &dirty_head; *p; p = &(*p)->dirty_next)
            if (*p == c) {
                *p = c->dirty_next;
                if (!*p)
                    dirty_tail = p;
                break;
            }
    while ((t = c->txns)) {
        txn_unlink(c, t);
        txn_free(t);
    }
    watch_free_all(c);
    domain_conn_gone(c);
    if (c->fd >= 0)
        io_unwatch_fd(c);
    if (c->ops && c->ops->destroy)
        c->ops->destroy(c);
    free(c->out.buf);
    free(c->ibuf);
    free(c);
}

void conn_mark_dirty(struct conn *c)
{
    if (c->on_dirty)
        return;
    c->on_dirty = true;
    c->dirty_next = NULL;
    *dirty_tail = c;
    dirty_tail = &c->dirty_next;
}

void conn_kick(struct conn *c)
{
    c->kicked = true;
    conn_mark_dirty(c);
}

static size_t out_limit(const struct conn *c)
{
    return conn_is_priv(c) ? OUT_MAX_PRIV : xsd_quota.memory;
}

int conn_send(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
              const void *p1, size_t l1, const void *p2, size_t l2)
{
    struct xsd_sockmsg h = { type, req_id, tx_id, l1 + l2 };
    struct obuf *o = &c->out;
    size_t need = sizeof(h) + l1 + l2;

    if (c->dead)
        return -EPIPE;
    /* An event that would take a guest past its memory quota is dropped,
     * not the guest: anyone who can make a node change could otherwise
     * get a watcher disconnected (XSA-326, as C xenstored 4.17). */
    if (type == XS_WATCH_EVENT && !conn_is_priv(c) &&
        o->len + need > out_limit(c)) {
        c->events_dropped++;
        if (c->events_dropped == 1 || !(c->events_dropped & 1023))
            xsd_log("dom%u: over its memory quota, %lu watch event(s) dropped",
                    c->domid, c->events_dropped);
        return -ENOMEM;
    }
    if (o->len + need > out_limit(c)) {
        xsd_log("dom%u: output queue over its limit, dropping connection",
                c->domid);
        c->dead = true;
        conn_mark_dirty(c);
        return -ENOMEM;
    }
    if (o->head + o->len + need > o->cap) {
        if (o->head) {
            memmove(o->buf, o->buf + o->head, o->len);
            o->head = 0;
        }
        if (o->len + need > o->cap) {
            size_t cap = o->cap ? o->cap : 8192;
            char *b;
            while (cap < o->len + need)
                cap *= 2;
            b = realloc(o->buf, cap);
            if (!b)
                return -ENOMEM;
            o->buf = b;
            o->cap = cap;
        }
    }
    memcpy(o->buf + o->head + o->len, &h, sizeof(h));
    if (l1)
        memcpy(o->buf + o->head + o->len + sizeof(h), p1, l1);
    if (l2)
        memcpy(o->buf + o->head + o->len + sizeof(h) + l1, p2, l2);
    if (xsd_trace)
        trace_msg(c, "OUT", &h, o->buf + o->head + o->len + sizeof(h));
    if (!o->len)
        c->out_stuck_since = xsd_now();
    o->len += need;
    c->out_msgs++;
    conn_mark_dirty(c);
    return 0;
}

int conn_flush(struct conn *c)
{
    struct obuf *o = &c->out;
    ssize_t n;

    while (o->len) {
        n = c->ops->write(c, o->buf + o->head, o->len);
        if (n < 0)
            return n;
        if (n == 0)
            break;
        o->head += n;
        o->len -= n;
        c->out_stuck_since = xsd_now();
    }
    if (!o->len) {
        o->head = 0;
        c->out_msgs = 0;
        /* Do not keep a huge buffer around after a burst. */
        if (o->cap > 1024 * 1024) {
            free(o->buf);
            o->buf = NULL;
            o->cap = 0;
        }
    }
    if (c->ops->flushed)
        c->ops->flushed(c);
    if (c->fd >= 0 && !conn_is_ring(c))
        io_update(c);
    return 0;
}

bool conn_wants_input(const struct conn *c)
{
    if (c->dead || c->out.len >= OUT_HIGH)
        return false;
    /* A guest gets at most "outstanding" undelivered answers (replies and
     * events) before we stop taking its requests. */
    return conn_is_priv(c) || c->out_msgs < xsd_quota.outstanding;
}

/* Dispatch every complete message in ibuf; <0 means drop the connection. */
static int process(struct conn *c)
{
    size_t off = 0;
    int rc = 0;

    while (c->ilen - off >= sizeof(struct xsd_sockmsg)) {
        struct xsd_sockmsg h;
        char *payload;

        if (!conn_wants_input(c))
            break;
        memcpy(&h, c->ibuf + off, sizeof(h));
        if (h.len > XENSTORE_PAYLOAD_MAX) {
            /* C xenstored drops a connection that sends this. */
            xsd_log("dom%u: oversized message (%u bytes), closing",
                    c->domid, h.len);
            if (conn_is_ring(c))
                ring_protocol_error(c);
            rc = -EPROTO;
            break;
        }
        if (c->ilen - off < sizeof(h) + h.len)
            break;
        payload = c->ibuf + off + sizeof(h);
        /* Handlers may scan strings: keep a NUL after the payload.  The
         * byte we clobber is the next message's first, so save it. */
        {
            char saved = payload[h.len];
            payload[h.len] = 0;
            xsd_dispatch(c, &h, payload);
            payload[h.len] = saved;
        }
        off += sizeof(h) + h.len;
    }
    if (off) {
        c->ilen -= off;
        memmove(c->ibuf, c->ibuf + off, c->ilen);
    }
    return rc;
}

int conn_feed(struct conn *c, const void *data, size_t len)
{
    const char *p = data;
    int rc = 0;

    while (len && !c->dead) {
        size_t n = c->icap - c->ilen;
        if (n > len)
            n = len;
        memcpy(c->ibuf + c->ilen, p, n);
        c->ilen += n;
        p += n;
        len -= n;
        rc = process(c);
        if (rc < 0)
            return rc;
        if (c->ilen == c->icap)
            return -ENOBUFS;    /* backed up: caller must flush first */
    }
    return rc;
}

int conn_handle_input(struct conn *c)
{
    int rc, rounds = 0;
    ssize_t n;

    /* Complete messages held back by output pressure go first. */
    rc = process(c);
    if (rc < 0)
        return rc;
    while (conn_wants_input(c) && c->ilen < c->icap && rounds++ < 8) {
        n = c->ops->read(c, c->ibuf + c->ilen, c->icap - c->ilen);
        if (n < 0)
            return n;
        if (n == 0)
            break;
        c->ilen += n;
        rc = process(c);
        if (rc < 0)
            return rc;
        /* A short read drained the socket; don't pay for an EAGAIN read. */
        if (!conn_is_ring(c) && (size_t)n < c->icap / 2)
            break;
    }
    return 0;
}

static bool has_complete_msg(const struct conn *c)
{
    const struct xsd_sockmsg *h = (const void *)c->ibuf;
    return c->ilen >= sizeof(*h) &&
           (h->len > XENSTORE_PAYLOAD_MAX || c->ilen >= sizeof(*h) + h->len);
}

/* Flush every connection that has output or was kicked; drop dead ones. */
void conn_flush_dirty(void)
{
    struct conn *c;
    int guard = 0;

    while ((c = dirty_head) && guard++ < 100000) {
        dirty_head = c->dirty_next;
        if (!dirty_head)
            dirty_tail = &dirty_head;
        c->on_dirty = false;
        if (c->kicked && !c->dead) {
            c->kicked = false;
            if (conn_handle_input(c) < 0)
                c->dead = true;
        }
        if (conn_flush(c) < 0)
            c->dead = true;
        if (c->dead) {
            conn_free(c);
            continue;
        }
        /* More requests waiting behind output pressure that just eased. */
        if (has_complete_msg(c) && conn_wants_input(c) && !c->on_dirty) {
            c->kicked = true;
            conn_mark_dirty(c);
        }
    }
}
