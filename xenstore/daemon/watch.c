/*
 * watch.c - watches, watch events and the special @introduceDomain /
 * @releaseDomain nodes.
 *
 * An event is queued on the watcher's connection in the order changes are
 * made, so events are seen in order.  A watch on P fires for P and anything
 * below it (for removals, watches below the removed node fire for their own
 * node too); the watcher must be able to read the node, as in C xenstored.
 */
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

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
