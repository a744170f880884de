/*
 * store.c - the main node store, transactions and watches.
 *
 * Transactions are optimistic: a transaction keeps an overlay hash of every
 * node it touched, each a private copy taken at first access (SHADOW while
 * only read, SHADOW|DELETED for a node seen absent) that remembers the
 * generation the node had (0 if absent); written nodes lose SHADOW, removed
 * ones become DELETED.  Commit succeeds only if every touched node still has the
 * generation the transaction saw; otherwise EAGAIN, as C xenstored.  A read
 * that sees a node changed after the transaction started dooms it at once,
 * so a transaction that commits has only ever seen one consistent snapshot.
 *
 * Watch events are queued on the watcher's connection in the order changes
 * are made.  A watch on P fires for P and anything below it (for removals,
 * watches below the removed node fire for their own node too); the watcher
 * must be able to read the node, as in C xenstored.  @introduceDomain and
 * @releaseDomain are special nodes with permissions of their own.
 */
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

struct htab xsd_store;
uint64_t xsd_gen;
static uint32_t next_txid = 1;

struct fire {
    struct fire *next;
    bool exact;
    unsigned nperms;
    struct xsd_perm *perms;
    size_t plen;
    char path[];
};

static struct node *mk_node(const char *path, uint32_t owner, unsigned perms)
{
    struct xsd_perm p = { owner, perms };
    struct node *n = node_alloc(path, strlen(path));
    if (!n || node_set_perms(n, &p, 1)) {
        node_free(n);
        return NULL;
    }
    n->gen = ++xsd_gen;
    return n;
}

int store_init(void)
{
    /* C xenstored 4.17 starts with "/", "/tool" and "/tool/xenstored". */
    static const char *const init[] = { "/", "/tool", "/tool/xenstored" };
    unsigned i;

    if (htab_init(&xsd_store, 1024))
        return -ENOMEM;
    for (i = 0; i < 3; i++) {
        struct node *n = mk_node(init[i], 0, XS_PERM_NONE);
        if (!n)
            return -ENOMEM;
        htab_insert(&xsd_store, n);
        domain_charge(0, 1, node_size(n));
    }
    node_add_kid(htab_find(&xsd_store, "/", 1, xsd_hash("/", 1)), "tool", 4);
    node_add_kid(htab_find(&xsd_store, "/tool", 5, xsd_hash("/tool", 5)),
                 "xenstored", 9);
    return 0;
}

void store_fini(void)
{
    htab_free(&xsd_store, true);
}

static struct node *main_get(const char *path, size_t plen)
{
    return htab_find(&xsd_store, path, plen, xsd_hash(path, plen));
}

/* ---- transaction overlay ------------------------------------------------------ */

static void txn_limit(struct conn *c, struct txn *t)
{
    if (++t->nodes_touched > xsd_quota.tx_nodes && !conn_is_priv(c))
        t->overquota = true;   /* reported as ENOSPC by the dispatcher */
}

/* A transaction must not see changes made after it started. */
static void check_snapshot(struct txn *t, struct node *m, const char *path,
                           size_t plen)
{
    if (m) {
        if (m->gen > t->start_gen)
            t->doomed = true;
        return;
    }
    /* Absent: if the closest existing ancestor changed, the node may have
     * existed when we started. */
    while (plen > 1) {
        plen = xsd_parent_len(path, plen);
        m = main_get(path, plen);
        if (m) {
            if (m->gen > t->start_gen)
                t->doomed = true;
            return;
        }
    }
}

struct node *st_get(struct conn *c, struct txn *t, const char *path,
                    size_t plen)
{
    uint64_t h = xsd_hash(path, plen);
    struct node *o, *m;

    if (!t)
        return htab_find(&xsd_store, path, plen, h);
    o = htab_find(&t->ov, path, plen, h);
    if (o)
        return (o->flags & NODE_DELETED) ? NULL : o;
    /* First access: keep a private copy, so later reads in this transaction
     * see the same value even if the node changes meanwhile. */
    m = htab_find(&xsd_store, path, plen, h);
    check_snapshot(t, m, path, plen);
    o = node_alloc(path, plen);
    if (!o || (m && node_copy_content(o, m))) {
        node_free(o);
        t->doomed = true;
        return m;
    }
    o->base_gen = m ? m->gen : 0;
    o->gen = o->base_gen;
    o->flags = NODE_SHADOW | (m ? 0 : NODE_DELETED);
    htab_insert(&t->ov, o);
    t->mem += node_size(o);
    txn_limit(c, t);
    return m ? o : NULL;
}

struct node *st_writable(struct conn *c, struct txn *t, struct node *n)
{
    struct node *o;

    if (!t)
        return n;
    o = htab_find(&t->ov, n->path, n->plen, n->hash);
    if (o == n) {
        n->flags &= ~NODE_SHADOW;
        return n;
    }
    /* n is a main-store node the transaction has not seen yet. */
    if (!o) {
        o = node_alloc(n->path, n->plen);
        if (!o)
            return NULL;
        o->base_gen = n->gen;
        htab_insert(&t->ov, o);
        txn_limit(c, t);
    }
    if (node_copy_content(o, n))
        return NULL;
    o->flags = 0;
    o->gen = n->gen;
    t->mem += node_size(o);
    return o;
}

void st_touch(struct txn *t, struct node *n)
{
    n->gen = ++xsd_gen;
}

struct node *st_create(struct conn *c, struct txn *t, const char *path,
                       size_t plen, int *err)
{
    size_t ppl = xsd_parent_len(path, plen), blen;
    const char *base = xsd_basename(path, plen, &blen);
    struct node *p, *pw, *n, *o;
    int rc;

    p = st_get(c, t, path, ppl);
    if (!p) {
        p = st_create(c, t, path, ppl, err);
        if (!p)
            return NULL;
    }
    rc = quota_check_nodes(c, t, 1);
    if (!rc && !conn_is_priv(c) &&
        node_size(p) + blen + 1 > xsd_quota.entry_size)
        rc = -ENOSPC;
    if (!rc)
        rc = quota_check_mem(c, sizeof(*n) + plen + 32);
    if (rc) {
        *err = rc;
        return NULL;
    }
    pw = st_writable(c, t, p);
    n = node_alloc(path, plen);
    if (!pw || !n || node_set_perms(n, pw->perms, pw->nperms) ||
        node_add_kid(pw, base, blen)) {
        node_free(n);
        *err = -ENOMEM;
        return NULL;
    }
    /* Unprivileged domains own what they create; dom0 keeps the parent's. */
    if (!conn_is_priv(c))
        n->perms[0].id = c->domid;
    st_touch(t, pw);
    st_touch(t, n);
    if (!t) {
        htab_insert(&xsd_store, n);
        domain_charge(n->perms[0].id, 1, node_size(n));
        domain_charge(pw->perms[0].id, 0, blen + 1);
        return n;
    }
    o = htab_find(&t->ov, path, plen, n->hash);
    if (o) {
        n->base_gen = o->base_gen;
        htab_remove(&t->ov, o);
        node_free(o);
    } else {
        n->base_gen = 0;
        txn_limit(c, t);
    }
    htab_insert(&t->ov, n);
    if (n->perms[0].id == c->domid)
        t->created[0]++;
    t->mem += node_size(n);
    return n;
}

static void fire_or_defer(struct txn *t, struct node *n, bool exact)
{
    if (t)
        txn_defer_fire(t, n->path, n->plen, exact, n->perms, n->nperms);
    else
        watch_fire(n->path, n->plen, exact, n->perms, n->nperms);
}

/* Delete n and everything below it (children first). */
static void rm_subtree(struct conn *c, struct txn *t, struct node *n)
{
    size_t off = 0;
    char *kids = NULL;
    size_t klen = n->klen;

    if (klen) {
        /* The kid list may be freed below (overlay copy), so take a copy. */
        kids = malloc(klen);
        if (kids)
            memcpy(kids, n->kids, klen);
    }
    while (kids && off < klen) {
        size_t l = strlen(kids + off), cl = n->plen + 1 + l;
        char *cp = malloc(cl + 1);
        struct node *k;
        if (cp) {
            memcpy(cp, n->path, n->plen);
            cp[n->plen == 1 ? 0 : n->plen] = '/';
            if (n->plen == 1)
                cl--;
            memcpy(cp + (n->plen == 1 ? 1 : n->plen + 1), kids + off, l);
            cp[cl] = 0;
            k = st_get(c, t, cp, cl);
            if (k)
                rm_subtree(c, t, k);
            free(cp);
        }
        off += l + 1;
    }
    free(kids);

    fire_or_defer(t, n, true);
    if (!t) {
        domain_charge(n->perms[0].id, -1, -(long)node_size(n));
        htab_remove(&xsd_store, n);
        node_free(n);
        return;
    }
    {
        struct node *o = htab_find(&t->ov, n->path, n->plen, n->hash);
        if (!o) {
            o = node_alloc(n->path, n->plen);
            if (!o) {
                t->doomed = true;
                return;
            }
            o->base_gen = n->gen;
            htab_insert(&t->ov, o);
            txn_limit(c, t);
        }
        if (o->perms && o->perms[0].id == c->domid && !(o->flags & NODE_SHADOW) &&
            !o->base_gen)
            t->created[0]--;
        free(o->val);
        free(o->kids);
        o->val = o->kids = NULL;
        o->vlen = o->klen = o->kcap = o->nkids = 0;
        o->flags = NODE_DELETED;
    }
}

int st_rm(struct conn *c, struct txn *t, const char *path, size_t plen)
{
    struct node *n = st_get(c, t, path, plen), *p, *pw;
    size_t ppl = xsd_parent_len(path, plen), blen;
    const char *base = xsd_basename(path, plen, &blen);
    struct xsd_perm *perms;
    unsigned nperms;

    if (!n)
        return -ENOENT;
    p = st_get(c, t, path, ppl);
    pw = p ? st_writable(c, t, p) : NULL;
    if (!pw)
        return -ENOMEM;
    /* Keep the top node's perms for the watch check after it is gone. */
    nperms = n->nperms;
    perms = malloc(sizeof(*perms) * (nperms ? nperms : 1));
    if (!perms)
        return -ENOMEM;
    memcpy(perms, n->perms, sizeof(*perms) * nperms);
    rm_subtree(c, t, n);
    node_del_kid(pw, base, blen);
    if (!t)
        domain_charge(pw->perms[0].id, 0, -(long)(blen + 1));
    st_touch(t, pw);
    if (t)
        txn_defer_fire(t, path, plen, false, perms, nperms);
    else
        watch_fire(path, plen, false, perms, nperms);
    free(perms);
    return 0;
}

/* ---- transactions -------------------------------------------------------------- */

struct txn *txn_new(struct conn *c)
{
    struct txn *t = calloc(1, sizeof(*t));
    if (!t || htab_init(&t->ov, 64)) {
        free(t);
        return NULL;
    }
    t->id = next_txid++;
    if (!next_txid)
        next_txid = 1;
    t->start_gen = xsd_gen;
    t->fires_tail = &t->fires;
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    return t;
}

void txn_defer_fire(struct txn *t, const char *path, size_t plen, bool exact,
                    const struct xsd_perm *perms, unsigned nperms)
{
    struct fire *f = malloc(sizeof(*f) + plen + 1);
    if (!f)
        return;
    f->perms = malloc(sizeof(*perms) * (nperms ? nperms : 1));
    if (!f->perms) {
        free(f);
        return;
    }
    memcpy(f->perms, perms, sizeof(*perms) * nperms);
    f->nperms = nperms;
    f->exact = exact;
    f->plen = plen;
    memcpy(f->path, path, plen);
    f->path[plen] = 0;
    f->next = NULL;
    *t->fires_tail = f;
    t->fires_tail = &f->next;
    t->mem += sizeof(*f) + plen;
}

void txn_free(struct txn *t)
{
    struct fire *f, *n;
    for (f = t->fires; f; f = n) {
        n = f->next;
        free(f->perms);
        free(f);
    }
    htab_free(&t->ov, true);
    free(t);
}

struct txn *txn_find(struct conn *c, uint32_t id)
{
    struct txn *t;
    for (t = c->txns; t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

void txn_unlink(struct conn *c, struct txn *t)
{
    struct txn **p;
    for (p = &c->txns; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            c->ntxns--;
            return;
        }
}

static void apply_entry(struct node *o)
{
    struct node *m = main_get(o->path, o->plen);

    if (o->flags & NODE_DELETED) {
        if (m) {
            domain_charge(m->perms[0].id, -1, -(long)node_size(m));
            htab_remove(&xsd_store, m);
            node_free(m);
        }
        return;
    }
    if (!m) {
        m = node_alloc(o->path, o->plen);
        if (!m)
            return;
        htab_insert(&xsd_store, m);
    } else {
        domain_charge(m->perms[0].id, -1, -(long)node_size(m));
    }
    /* Steal the overlay's buffers instead of copying them. */
    free(m->val);
    free(m->perms);
    free(m->kids);
    m->val = o->val;
    m->vlen = o->vlen;
    m->perms = o->perms;
    m->nperms = o->nperms;
    m->kids = o->kids;
    m->klen = o->klen;
    m->kcap = o->kcap;
    m->nkids = o->nkids;
    o->val = o->kids = NULL;
    o->perms = NULL;
    o->vlen = o->nperms = o->klen = o->kcap = o->nkids = 0;
    m->gen = ++xsd_gen;
    domain_charge(m->perms[0].id, 1, node_size(m));
}

int txn_commit(struct conn *c, struct txn *t)
{
    size_t i;
    struct node *o, *m;
    struct fire *f;

    if (t->overquota)
        return -ENOSPC;
    if (t->doomed)
        return -EAGAIN;
    for (i = 0; i <= t->ov.mask; i++)
        for (o = t->ov.b[i]; o; o = o->hnext) {
            m = main_get(o->path, o->plen);
            if ((m ? m->gen : 0) != o->base_gen)
                return -EAGAIN;
        }
    for (i = 0; i <= t->ov.mask; i++)
        for (o = t->ov.b[i]; o; o = o->hnext)
            if (!(o->flags & NODE_SHADOW))
                apply_entry(o);
    for (f = t->fires; f; f = f->next)
        watch_fire(f->path, f->plen, f->exact, f->perms, f->nperms);
    return 0;
}

/* ---- watches -------------------------------------------------------------------- */

static struct node *specials[2];
static const char *const special_names[2] = { "@introduceDomain",
                                              "@releaseDomain" };

struct node *special_node(const char *path)
{
    unsigned i;
    for (i = 0; i < 2; i++) {
        if (strcmp(path, special_names[i]))
            continue;
        if (!specials[i]) {
            struct xsd_perm p = { 0, XS_PERM_NONE };
            specials[i] = node_alloc(path, strlen(path));
            if (!specials[i] || node_set_perms(specials[i], &p, 1)) {
                node_free(specials[i]);
                specials[i] = NULL;
                return NULL;
            }
        }
        return specials[i];
    }
    return NULL;
}

void special_reset(void)
{
    node_free(specials[0]);
    node_free(specials[1]);
    specials[0] = specials[1] = NULL;
}

static void send_event(struct conn *c, struct watch *w, const char *path,
                       size_t plen)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t tl = strlen(w->token);

    if (w->relative && plen > c->dompath_len + 1 &&
        !memcmp(path, c->dompath, c->dompath_len) &&
        path[c->dompath_len] == '/') {
        path += c->dompath_len + 1;
        plen -= c->dompath_len + 1;
    }
    if (plen + tl + 2 > sizeof(buf))
        return;
    memcpy(buf, path, plen);
    buf[plen] = 0;
    memcpy(buf + plen + 1, w->token, tl + 1);
    conn_send(c, XS_WATCH_EVENT, 0, 0, buf, plen + tl + 2, NULL, 0);
}

static bool matches(const struct watch *w, const char *path, size_t plen,
                    bool exact)
{
    if (exact)
        return w->plen == plen && !memcmp(w->path, path, plen);
    if (w->plen == 1 && w->path[0] == '/')
        return path[0] == '/';
    return w->plen <= plen && !memcmp(w->path, path, w->plen) &&
           (w->plen == plen || path[w->plen] == '/');
}

void watch_fire(const char *path, size_t plen, bool exact,
                const struct xsd_perm *perms, unsigned nperms)
{
    struct conn *c;
    struct watch *w;

    for (c = xsd_conns; c; c = c->next) {
        if (c->dead || !c->watches)
            continue;
        for (w = c->watches; w; w = w->next) {
            if (!matches(w, path, plen, exact))
                continue;
            if (perms && !(perm_for_conn(c, perms, nperms) & XS_PERM_READ))
                continue;
            send_event(c, w, path, plen);
        }
    }
}

void watch_fire_special(const char *name)
{
    struct node *sp = special_node(name);
    size_t n = strlen(name);
    struct conn *c;
    struct watch *w;

    for (c = xsd_conns; c; c = c->next) {
        if (c->dead)
            continue;
        for (w = c->watches; w; w = w->next) {
            if (w->plen != n || memcmp(w->path, name, n))
                continue;
            if (!conn_is_priv(c) && (!sp ||
                !(perm_for_conn(c, sp->perms, sp->nperms) & XS_PERM_READ)))
                continue;
            send_event(c, w, name, n);
        }
    }
}

void watch_free_all(struct conn *c)
{
    struct watch *w, *n;
    for (w = c->watches; w; w = n) {
        n = w->next;
        free(w->path);
        free(w->token);
        free(w);
    }
    c->watches = NULL;
    c->nwatches = 0;
}
