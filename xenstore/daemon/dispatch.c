/*
 * dispatch.c - one handler per xenstore request type.
 *
 * A handler gets the connection, the request header and its payload (with a
 * NUL appended one past len, so string scans stop), and either queues its own
 * reply or returns a negative errno that becomes an XS_ERROR reply with Xen's
 * error name.  Semantics follow C xenstored 4.17: argument counting, the
 * "can you even know it doesn't exist" permission rule, quotas for
 * unprivileged connections, and which requests honour tx_id.
 */
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#include "xsd.h"

#define PATHBUF (XENSTORE_PAYLOAD_MAX + 64)

struct req {
    struct conn *c;
    const struct xsd_sockmsg *h;
    const char *p;
    size_t len;
    struct txn *t;
};

/* An errno without a wire name goes out as EINVAL (the table's first
 * entry), as C xenstored's send_error() does: memreport's EBADF, say. */
const char *xsd_errname(int err)
{
    size_t i;
    for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (xsd_errors[i].errnum == err)
            return xsd_errors[i].errstring;
    return xsd_errors[0].errstring;
}

static const char *const type_names[XS_TYPE_COUNT] = {
    [XS_CONTROL] = "CONTROL", [XS_DIRECTORY] = "DIRECTORY",
    [XS_READ] = "READ", [XS_GET_PERMS] = "GET_PERMS", [XS_WATCH] = "WATCH",
    [XS_UNWATCH] = "UNWATCH", [XS_TRANSACTION_START] = "TRANSACTION_START",
    [XS_TRANSACTION_END] = "TRANSACTION_END", [XS_INTRODUCE] = "INTRODUCE",
    [XS_RELEASE] = "RELEASE", [XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
    [XS_WRITE] = "WRITE", [XS_MKDIR] = "MKDIR", [XS_RM] = "RM",
    [XS_SET_PERMS] = "SET_PERMS", [XS_WATCH_EVENT] = "WATCH_EVENT",
    [XS_ERROR] = "ERROR", [XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
    [XS_RESUME] = "RESUME", [XS_SET_TARGET] = "SET_TARGET",
    [XS_RESET_WATCHES] = "RESET_WATCHES",
    [XS_DIRECTORY_PART] = "DIRECTORY_PART",
};

const char *xsd_typename(uint32_t type)
{
    if (type < XS_TYPE_COUNT && type_names[type])
        return type_names[type];
    return "UNKNOWN";
}

/* ---- replies and argument parsing ------------------------------------------ */

static int reply(struct req *r, const void *p, size_t len)
{
    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    return conn_send(r->c, r->h->type, r->h->req_id, r->h->tx_id, p, len,
                     NULL, 0);
}

static int reply_str(struct req *r, const char *s)
{
    return reply(r, s, strlen(s) + 1);
}

static int ack(struct req *r)
{
    return reply(r, "OK", 3);
}

/* Split the payload into NUL-terminated strings; returns how many.  Bytes
 * after the last NUL do not form a string. */
static unsigned get_strings(struct req *r, const char **v, unsigned max)
{
    size_t off = 0;
    unsigned n = 0;
    while (off < r->len && n < max) {
        const char *e = memchr(r->p + off, 0, r->len - off);
        if (!e)
            break;
        v[n++] = r->p + off;
        off = e - r->p + 1;
    }
    return n;
}

/* Exactly one NUL-terminated string filling the payload. */
static const char *onearg(struct req *r)
{
    if (!r->len || r->p[r->len - 1] || strlen(r->p) + 1 != r->len)
        return NULL;
    return r->p;
}

/* C xenstored 4.17 answers a malformed single-path request with ENOENT
 * (READ, DIRECTORY, GET_PERMS) or ENOMEM (MKDIR, RM); keep its names. */
static int path_arg(struct req *r, char *buf, bool special, int malformed)
{
    const char *a = onearg(r);
    if (!a)
        return malformed;
    return xsd_canon(r->c, a, buf, PATHBUF, special);
}

/* atoi() semantics, as C xenstored parses these domids. */
static int loose_domid(struct req *r, uint32_t *out)
{
    const char *a = onearg(r);
    if (!a)
        return -EINVAL;
    *out = (uint32_t)atoi(a);
    return 0;
}

static int parse_domid(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v;
    if (!s || !*s)
        return -EINVAL;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (*end || errno || v > 0xFFFF)
        return -EINVAL;
    *out = v;
    return 0;
}

/* Look a node up with the access perm requires.  A missing node reports
 * ENOENT only if the closest existing ancestor grants that access, so a
 * guest cannot probe for nodes it may not see. */
static int get_node(struct req *r, const char *path, size_t plen,
                    unsigned perm, struct node **out)
{
    struct node *n = st_get(r->c, r->t, path, plen), *a;
    size_t pl = plen;

    *out = NULL;
    if (n) {
        if ((perm_for_conn(r->c, n->perms, n->nperms) & perm) != perm)
            return -EACCES;
        *out = n;
        return 0;
    }
    while (pl > 1) {
        pl = xsd_parent_len(path, pl);
        a = st_get(r->c, r->t, path, pl);
        if (a)
            return (perm_for_conn(r->c, a->perms, a->nperms) & perm) ?
                   -ENOENT : -EACCES;
    }
    return -ENOENT;
}

static int canon_arg(struct req *r, const char *in, char *buf, bool special)
{
    if (!in)
        return -EINVAL;
    return xsd_canon(r->c, in, buf, PATHBUF, special);
}

static void fire(struct req *r, struct node *n, bool exact)
{
    if (r->t)
        txn_defer_fire(r->t, n->path, n->plen, exact, n->perms, n->nperms);
    else
        watch_fire(n->path, n->plen, exact, n->perms, n->nperms);
}

/* ---- node requests ------------------------------------------------------------ */

static int do_read(struct req *r)
{
    char path[PATHBUF];
    struct node *n;
    int pl = path_arg(r, path, false, -ENOENT), rc;

    if (pl < 0)
        return pl;
    rc = get_node(r, path, pl, XS_PERM_READ, &n);
    if (rc)
        return rc;
    return reply(r, n->val, n->vlen);
}

static int set_value(struct req *r, struct node *n, const char *v, size_t vlen,
                     bool created)
{
    struct node *w;
    long delta = (long)vlen - (long)n->vlen;
    int rc;

    if (!conn_is_priv(r->c)) {
        if (node_size(n) + delta > xsd_quota.entry_size)
            return -ENOSPC;
        if (delta > 0 && (rc = quota_check_mem(r->c, delta)))
            return rc;
    }
    w = st_writable(r->c, r->t, n);
    if (!w || node_set_value(w, v, vlen))
        return -ENOMEM;
    if (!r->t)
        domain_charge(w->perms[0].id, 0, delta);
    if (!created)
        st_touch(r->t, w);
    fire(r, w, false);
    return 0;
}

static int do_write(struct req *r)
{
    char path[PATHBUF];
    const char *v[1];
    struct node *n;
    int pl, rc, err = 0;
    size_t off;

    if (get_strings(r, v, 1) < 1)
        return -EINVAL;
    pl = canon_arg(r, v[0], path, false);
    if (pl < 0)
        return pl;
    off = strlen(v[0]) + 1;
    rc = get_node(r, path, pl, XS_PERM_WRITE, &n);
    if (rc == -ENOENT) {
        n = st_create(r->c, r->t, path, pl, &err);
        if (!n)
            return err;
        rc = set_value(r, n, r->p + off, r->len - off, true);
    } else if (!rc) {
        rc = set_value(r, n, r->p + off, r->len - off, false);
    }
    return rc ? rc : ack(r);
}

static int do_mkdir(struct req *r)
{
    char path[PATHBUF];
    struct node *n;
    int pl = path_arg(r, path, false, -ENOMEM), rc, err = 0;

    if (pl < 0)
        return pl;
    rc = get_node(r, path, pl, XS_PERM_WRITE, &n);
    if (rc == -ENOENT) {
        n = st_create(r->c, r->t, path, pl, &err);
        if (!n)
            return err;
        fire(r, n, false);
        rc = 0;
    }
    return rc ? rc : ack(r);
}

static int do_rm(struct req *r)
{
    char path[PATHBUF];
    struct node *n;
    int pl = path_arg(r, path, false, -ENOMEM), rc;

    if (pl < 0)
        return pl;
    rc = get_node(r, path, pl, XS_PERM_WRITE, &n);
    if (rc == -ENOENT) {
        /* Already gone is fine, as long as the parent is there. */
        if (pl > 1 && st_get(r->c, r->t, path, xsd_parent_len(path, pl)))
            return ack(r);
        return -ENOENT;
    }
    if (rc)
        return rc;
    if (pl == 1)
        return -EINVAL;
    rc = st_rm(r->c, r->t, path, pl);
    return rc ? rc : ack(r);
}

static int do_directory(struct req *r)
{
    char path[PATHBUF];
    struct node *n;
    int pl = path_arg(r, path, false, -ENOENT), rc;

    if (pl < 0)
        return pl;
    rc = get_node(r, path, pl, XS_PERM_READ, &n);
    if (rc)
        return rc;
    return reply(r, n->kids, n->klen);
}

static int do_directory_part(struct req *r)
{
    char path[PATHBUF], out[XENSTORE_PAYLOAD_MAX];
    const char *v[2];
    struct node *n;
    unsigned long off;
    size_t glen, len = 0;
    int pl, rc;

    if (get_strings(r, v, 2) < 2)
        return -EINVAL;
    pl = canon_arg(r, v[0], path, false);
    if (pl < 0)
        return pl;
    /* atoi() as C does; an offset past the end gets the empty last chunk */
    off = (unsigned long)(unsigned)atoi(v[1]);
    rc = get_node(r, path, pl, XS_PERM_READ, &n);
    if (rc)
        return rc;
    if (off > n->klen)
        off = n->klen;
    glen = snprintf(out, sizeof(out), "%" PRIu64, n->gen) + 1;
    /* Whole names only; the final chunk ends with an extra NUL. */
    while (off + len < n->klen) {
        size_t l = strlen(n->kids + off + len) + 1;
        if (glen + len + l >= XENSTORE_PAYLOAD_MAX)
            break;
        len += l;
    }
    if (len == 0 && off < n->klen)
        return -E2BIG;  /* a single name too long for one chunk */
    if (len)
        memcpy(out + glen, n->kids + off, len);
    if (off + len == n->klen)
        out[glen + len++] = 0;
    return reply(r, out, glen + len);
}

static int perms_to_strings(const struct xsd_perm *p, unsigned n, char *buf,
                            size_t sz)
{
    static const char letters[4] = { 'n', 'r', 'w', 'b' };
    size_t off = 0;
    unsigned i;
    for (i = 0; i < n; i++) {
        int l = snprintf(buf + off, sz - off, "%c%u",
                         letters[p[i].perms & 3], p[i].id);
        if (l < 0 || off + l + 1 > sz)
            return -E2BIG;
        off += l + 1;
    }
    return off;
}

static int do_get_perms(struct req *r)
{
    char path[PATHBUF], out[XENSTORE_PAYLOAD_MAX];
    struct node *n;
    int pl = path_arg(r, path, true, -ENOENT), rc;

    if (pl < 0)
        return pl;
    if (xsd_is_special(path)) {
        n = special_node(path);
        if (!n)
            return -ENOENT;
    } else {
        rc = get_node(r, path, pl, XS_PERM_READ, &n);
        if (rc)
            return rc;
    }
    rc = perms_to_strings(n->perms, n->nperms, out, sizeof(out));
    return rc < 0 ? rc : reply(r, out, rc);
}

static int do_set_perms(struct req *r)
{
    char path[PATHBUF];
    const char *v[XENSTORE_PAYLOAD_MAX / 2];
    struct xsd_perm perms[XENSTORE_PAYLOAD_MAX / 2];
    unsigned n, i;
    struct node *node, *w;
    int pl, rc;

    n = get_strings(r, v, XENSTORE_PAYLOAD_MAX / 2);
    if (n < 2)
        return -EINVAL;
    pl = canon_arg(r, v[0], path, true);
    if (pl < 0)
        return pl;
    n--;
    /* the quota counts every entry, the owner's included */
    if (!conn_is_priv(r->c) && n > xsd_quota.perm_nb)
        return -ENOSPC;
    for (i = 0; i < n; i++) {
        const char *s = v[i + 1];
        uint32_t id;
        switch (s[0]) {
        case 'n': perms[i].perms = XS_PERM_NONE; break;
        case 'r': perms[i].perms = XS_PERM_READ; break;
        case 'w': perms[i].perms = XS_PERM_WRITE; break;
        case 'b': perms[i].perms = XS_PERM_READ | XS_PERM_WRITE; break;
        default: return -EINVAL;
        }
        if (parse_domid(s + 1, &id))
            return -EINVAL;
        perms[i].id = id;
    }
    if (xsd_is_special(path)) {
        node = special_node(path);
        if (!node)
            return -ENOENT;
        if (!conn_is_priv(r->c))
            return -EACCES;
        if (node_set_perms(node, perms, n))
            return -ENOMEM;
        return ack(r);
    }
    rc = get_node(r, path, pl, XS_PERM_WRITE | XS_PERM_OWNER, &node);
    if (rc)
        return rc;
    /* Unprivileged domains may not give their nodes away. */
    if (!conn_is_priv(r->c) && perms[0].id != node->perms[0].id)
        return -EPERM;
    w = st_writable(r->c, r->t, node);
    if (!w)
        return -ENOMEM;
    if (!r->t && w->perms[0].id != perms[0].id) {
        domain_charge(w->perms[0].id, -1, -(long)node_size(w));
        domain_charge(perms[0].id, 1, node_size(w) + 8 * ((long)n - w->nperms));
    } else if (!r->t) {
        domain_charge(w->perms[0].id, 0, 8 * ((long)n - w->nperms));
    }
    if (node_set_perms(w, perms, n))
        return -ENOMEM;
    st_touch(r->t, w);
    fire(r, w, false);
    return ack(r);
}

/* ---- watches ------------------------------------------------------------------- */

static int do_watch(struct req *r)
{
    char path[PATHBUF];
    const char *v[2];
    struct watch *w, **tail;
    int pl;

    if (get_strings(r, v, 2) < 2)
        return -EINVAL;
    pl = canon_arg(r, v[0], path, true);
    if (pl < 0)
        return pl;
    for (tail = &r->c->watches; *tail; tail = &(*tail)->next)
        if (!strcmp((*tail)->path, path) && !strcmp((*tail)->token, v[1]))
            return -EEXIST;
    if (!conn_is_priv(r->c) && r->c->nwatches >= xsd_quota.watch_nb)
        return -E2BIG;
    if (quota_check_mem(r->c, pl + strlen(v[1]) + 64))
        return -ENOMEM;
    w = calloc(1, sizeof(*w));
    if (!w || !(w->path = strdup(path)) || !(w->token = strdup(v[1]))) {
        if (w)
            free(w->path);
        free(w);
        return -ENOMEM;
    }
    w->plen = pl;
    w->relative = v[0][0] != '/' && v[0][0] != '@';
    *tail = w;
    r->c->nwatches++;
    domain_charge(r->c->domid, 0, pl + strlen(v[1]) + 64);
    ack(r);
    /* The initial event, so the watcher re-reads the current state. */
    {
        char buf[XENSTORE_PAYLOAD_MAX];
        size_t l0 = strlen(v[0]), l1 = strlen(v[1]);
        if (l0 + l1 + 2 <= sizeof(buf)) {
            memcpy(buf, v[0], l0 + 1);
            memcpy(buf + l0 + 1, v[1], l1 + 1);
            conn_send(r->c, XS_WATCH_EVENT, 0, 0, buf, l0 + l1 + 2, NULL, 0);
        }
    }
    return 0;
}

static int do_unwatch(struct req *r)
{
    char path[PATHBUF];
    const char *v[2];
    struct watch **p, *w;
    int pl;

    if (get_strings(r, v, 2) < 2)
        return -EINVAL;
    pl = canon_arg(r, v[0], path, true);
    if (pl < 0)
        return pl;
    for (p = &r->c->watches; *p; p = &(*p)->next) {
        w = *p;
        if (!strcmp(w->path, path) && !strcmp(w->token, v[1])) {
            *p = w->next;
            r->c->nwatches--;
            domain_charge(r->c->domid, 0,
                          -(long)(w->plen + strlen(w->token) + 64));
            free(w->path);
            free(w->token);
            free(w);
            return ack(r);
        }
    }
    return -ENOENT;
}

static int do_reset_watches(struct req *r)
{
    struct txn *t;
    watch_free_all(r->c);
    while ((t = r->c->txns)) {
        txn_unlink(r->c, t);
        txn_free(t);
    }
    return ack(r);
}

/* ---- transactions ---------------------------------------------------------------- */

static int do_transaction_start(struct req *r)
{
    char buf[16];
    struct txn *t;

    if (r->t)
        return -EBUSY;
    if (!conn_is_priv(r->c) && r->c->ntxns >= xsd_quota.transaction)
        return -ENOSPC;
    t = txn_new(r->c);
    if (!t)
        return -ENOMEM;
    snprintf(buf, sizeof(buf), "%u", t->id);
    return reply_str(r, buf);
}

static int do_transaction_end(struct req *r)
{
    const char *a = onearg(r);
    struct txn *t = r->t;
    int rc = 0;

    if (!a || (strcmp(a, "T") && strcmp(a, "F")))
        return -EINVAL;
    if (!t)
        return -ENOENT;
    txn_unlink(r->c, t);
    if (!strcmp(a, "T"))
        rc = txn_commit(r->c, t);
    txn_free(t);
    r->t = NULL;
    return rc ? rc : ack(r);
}

/* ---- domains --------------------------------------------------------------------- */

/* Arguments as C xenstored parses them: atoi() for the domid and the port
 * (which must be positive), the frame number unchecked (C ignores it; we
 * need it only for the foreign-map fallback).  Introducing dom0 again
 * answers OK, as in C where dom0 is introduced at start-up: it rebinds the
 * event channel of dom0's ring if we have one. */
static int do_introduce(struct req *r)
{
    const char *v[3];
    uint32_t domid;
    unsigned long mfn;
    int port, rc;
    struct domain *d;

    if (!conn_is_priv(r->c))
        return -EACCES;
    if (get_strings(r, v, 3) < 3)
        return -EINVAL;
    domid = (uint32_t)atoi(v[0]);
    mfn = strtoul(v[1], NULL, 10);
    port = atoi(v[2]);
    if (port <= 0 || domid > DOMID_MAX_NORMAL)
        return -EINVAL;
    d = domain_get(domid, false);
    if (domid == 0 && !(d && d->introduced))
        return ack(r);
    rc = domain_introduce(r->c, domid, mfn, (uint32_t)port);
    return rc ? rc : ack(r);
}

/* RELEASE/RESUME: atoi() like C xenstored, and dom0 is not a valid target
 * (non-numbers read as 0, so they are EINVAL too). */
static int release_domid(struct req *r, uint32_t *domid)
{
    if (loose_domid(r, domid) || *domid == 0 || *domid > 0xFFFF)
        return -EINVAL;
    return 0;
}

static int do_release(struct req *r)
{
    uint32_t domid;
    int rc;

    if (!conn_is_priv(r->c))
        return -EACCES;
    if (release_domid(r, &domid))
        return -EINVAL;
    rc = domain_release(domid);
    return rc ? rc : ack(r);
}

static int do_resume(struct req *r)
{
    uint32_t domid;
    struct domain *d;

    if (!conn_is_priv(r->c))
        return -EACCES;
    if (release_domid(r, &domid))
        return -EINVAL;
    d = domain_get(domid, false);
    if (!d || !d->introduced)
        return -ENOENT;
    d->shutdown = false;
    return ack(r);
}

static int do_set_target(struct req *r)
{
    const char *v[2];
    uint32_t domid, target;
    struct domain *d;

    if (!conn_is_priv(r->c))
        return -EACCES;
    if (get_strings(r, v, 2) < 2)
        return -EINVAL;
    if (parse_domid(v[0], &domid) || parse_domid(v[1], &target))
        return -EINVAL;
    d = domain_get(domid, false);
    if (!d || !d->introduced)
        return -ENOENT;
    d->target = target;
    if (d->conn)
        d->conn->target = target;
    return ack(r);
}

static int do_get_domain_path(struct req *r)
{
    uint32_t domid;
    char buf[32];

    if (loose_domid(r, &domid))
        return -EINVAL;
    /* the number as given, DOMID_SELF included, as C xenstored */
    snprintf(buf, sizeof(buf), "/local/domain/%d", (int)domid);
    return reply_str(r, buf);
}

static int do_is_domain_introduced(struct req *r)
{
    uint32_t domid;
    struct domain *d;
    bool yes;

    if (loose_domid(r, &domid))
        return -EINVAL;
    if (domid == DOMID_SELF || domid == 0) {
        yes = true;     /* the caller itself / dom0 is always there */
    } else {
        d = domain_get(domid, false);
        yes = d && d->introduced;
    }
    return reply_str(r, yes ? "T" : "F");
}

/* ---- control (control.c) ----------------------------------------------------------- */

static int do_control(struct req *r)
{
    return xsd_control(r->c, r->h, r->p, r->len);
}

/* ---- the table ------------------------------------------------------------------ */

#define F_TX 1      /* honours tx_id */

static const struct {
    int (*fn)(struct req *);
    unsigned flags;
} handlers[XS_TYPE_COUNT] = {
    [XS_CONTROL] = { do_control, 0 },
    [XS_DIRECTORY] = { do_directory, F_TX },
    [XS_READ] = { do_read, F_TX },
    [XS_GET_PERMS] = { do_get_perms, F_TX },
    [XS_WATCH] = { do_watch, 0 },
    [XS_UNWATCH] = { do_unwatch, 0 },
    [XS_TRANSACTION_START] = { do_transaction_start, F_TX },
    [XS_TRANSACTION_END] = { do_transaction_end, F_TX },
    [XS_INTRODUCE] = { do_introduce, 0 },
    [XS_RELEASE] = { do_release, 0 },
    [XS_GET_DOMAIN_PATH] = { do_get_domain_path, 0 },
    [XS_WRITE] = { do_write, F_TX },
    [XS_MKDIR] = { do_mkdir, F_TX },
    [XS_RM] = { do_rm, F_TX },
    [XS_SET_PERMS] = { do_set_perms, F_TX },
    [XS_IS_DOMAIN_INTRODUCED] = { do_is_domain_introduced, 0 },
    [XS_RESUME] = { do_resume, 0 },
    [XS_SET_TARGET] = { do_set_target, 0 },
    [XS_RESET_WATCHES] = { do_reset_watches, 0 },
    [XS_DIRECTORY_PART] = { do_directory_part, F_TX },
};

int xsd_dispatch(struct conn *c, const struct xsd_sockmsg *hdr,
                 const char *payload)
{
    struct req r = { c, hdr, payload, hdr->len, NULL };
    int rc;

    if (xsd_trace)
        trace_msg(c, "IN ", hdr, payload);
    if (hdr->type >= XS_TYPE_COUNT || !handlers[hdr->type].fn) {
        rc = -ENOSYS;
        goto out;
    }
    if ((handlers[hdr->type].flags & F_TX) && hdr->tx_id) {
        r.t = txn_find(c, hdr->tx_id);
        if (!r.t) {
            rc = -ENOENT;
            goto out;
        }
    }
    if (r.t && r.t->overquota && hdr->type != XS_TRANSACTION_END) {
        /* The transaction touched more nodes than allowed: it can only end. */
        rc = -ENOSPC;
        goto out;
    }
    rc = handlers[hdr->type].fn(&r);
out:
    if (rc < 0) {
        const char *e = xsd_errname(-rc);
        conn_send(c, XS_ERROR, hdr->req_id, hdr->tx_id, e, strlen(e) + 1,
                  NULL, 0);
    }
    return 0;
}
