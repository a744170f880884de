/*
 * harness.c - see harness.h.  Connections use a memory transport whose
 * writes land in a capture buffer that h_req() parses back into messages.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

struct cap {
    char *buf;
    size_t len, cap;
    char *events[4096];
    int nev, evhead;
    bool blocked;
};

static ssize_t cap_read(struct conn *c, void *b, size_t l)
{
    return 0;
}

static ssize_t cap_write(struct conn *c, const void *b, size_t l)
{
    struct cap *k = c->priv;
    if (k->blocked)
        return 0;
    if (k->len + l > k->cap) {
        k->cap = (k->len + l) * 2;
        k->buf = realloc(k->buf, k->cap);
    }
    memcpy(k->buf + k->len, b, l);
    k->len += l;
    return l;
}

static void cap_destroy(struct conn *c)
{
    struct cap *k = c->priv;
    while (k->evhead < k->nev)
        free(k->events[k->evhead++]);
    free(k->buf);
    free(k);
    c->priv = NULL;
}

static const struct transport_ops cap_ops = {
    .name = "memory", .read = cap_read, .write = cap_write,
    .destroy = cap_destroy,
};

void h_setup(void)
{
    store_init();
}

void h_teardown(void)
{
    while (xsd_conns)
        conn_free(xsd_conns);
    store_fini();
}

struct conn *h_conn(uint32_t domid)
{
    struct cap *k = calloc(1, sizeof(*k));
    return conn_new(&cap_ops, k, -1, domid);
}

static char *render(uint32_t type, const char *p, size_t len)
{
    static char out[8][16384];
    static int slot;
    char *o = out[slot++ & 7];
    size_t i, n;
    const char *name = type == XS_ERROR ? "ERROR" : xsd_typename(type);

    n = snprintf(o, 64, "%s", name);
    if (len)
        o[n++] = ' ';
    for (i = 0; i < len && n < 16380; i++)
        o[n++] = p[i] ? p[i] : '|';
    o[n] = 0;
    return o;
}

/* Split captured output into messages; events go to the queue. */
static const char *collect(struct conn *c)
{
    struct cap *k = c->priv;
    const char *reply = NULL;
    size_t off = 0;

    while (k->len - off >= sizeof(struct xsd_sockmsg)) {
        struct xsd_sockmsg h;
        memcpy(&h, k->buf + off, sizeof(h));
        if (k->len - off < sizeof(h) + h.len)
            break;
        if (h.type == XS_WATCH_EVENT) {
            char *e = malloc(h.len + 1);
            size_t i;
            for (i = 0; i < h.len; i++)
                e[i] = k->buf[off + sizeof(h) + i] ?: '|';
            e[h.len] = 0;
            if (k->nev < 4096)
                k->events[k->nev++] = e;
        } else {
            reply = render(h.type, k->buf + off + sizeof(h), h.len);
        }
        off += sizeof(h) + h.len;
    }
    if (off) {
        memmove(k->buf, k->buf + off, k->len - off);
        k->len -= off;
    }
    return reply;
}

static void pump(void)
{
    struct conn *c;
    conn_flush_dirty();
    for (c = xsd_conns; c; c = c->next)
        if (c->ops == &cap_ops)
            collect(c);
}

const char *h_raw(struct conn *c, uint32_t type, uint32_t tx,
                  const void *payload, size_t len)
{
    static uint32_t req;
    struct xsd_sockmsg h = { type, ++req, tx, len };
    char *buf = malloc(sizeof(h) + len);
    const char *r;

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), payload, len);
    if (conn_feed(c, buf, sizeof(h) + len) < 0)
        c->dead = true;
    free(buf);
    conn_flush_dirty();
    if (h_dead(c))
        return "DEAD";
    r = collect(c);
    pump();
    return r ? r : "NOREPLY";
}

const char *h_req(struct conn *c, uint32_t type, uint32_t tx, ...)
{
    char buf[XENSTORE_PAYLOAD_MAX + 64];
    size_t len = 0;
    const char *a;
    va_list ap;

    va_start(ap, tx);
    while ((a = va_arg(ap, const char *))) {
        size_t l = strlen(a) + 1;
        if (len + l > sizeof(buf))
            break;
        memcpy(buf + len, a, l);
        len += l;
    }
    va_end(ap);
    return h_raw(c, type, tx, buf, len);
}

const char *h_event(struct conn *c)
{
    static char *last;
    struct cap *k = c->priv;
    free(last);
    last = NULL;
    if (k->evhead >= k->nev)
        return NULL;
    last = k->events[k->evhead++];
    return last;
}

int h_nevents(struct conn *c)
{
    struct cap *k = c->priv;
    return k->nev - k->evhead;
}

uint32_t h_tx(struct conn *c)
{
    const char *r = h_req(c, XS_TRANSACTION_START, 0, "", NULL);
    if (strncmp(r, "TRANSACTION_START ", 18))
        return 0;
    return strtoul(r + 18, NULL, 10);
}

bool h_dead(struct conn *c)
{
    struct conn *x;
    for (x = xsd_conns; x; x = x->next)
        if (x == c)
            return false;
    return true;
}

void h_block_output(struct conn *c, bool on)
{
    ((struct cap *)c->priv)->blocked = on;
}

size_t h_take_output(struct conn *c, char *buf, size_t len)
{
    struct cap *k = c->priv;
    size_t n;
    if (!buf) {
        n = k->len;     /* discard */
        k->len = 0;
        return n;
    }
    n = k->len < len ? k->len : len;
    if (!n)
        return 0;
    memcpy(buf, k->buf, n);
    memmove(k->buf, k->buf + n, k->len - n);
    k->len -= n;
    return n;
}
