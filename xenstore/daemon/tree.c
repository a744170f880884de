/*
 * tree.c - node records, the path-keyed hash table and path validation.
 *
 * Every node lives in one hash table keyed by its full path, so lookups never
 * walk the tree.  A node keeps its children's names as one NUL-separated
 * buffer in creation order: that buffer *is* the XS_DIRECTORY reply (and
 * DIRECTORY_PART is a slice of it), so listing a 10k-child directory is a
 * memcpy.
 */
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

uint64_t xsd_hash(const char *s, size_t n)
{
    /* FNV-1a; paths are short and the table is resized to keep chains short. */
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h ^ (h >> 29);
}

int htab_init(struct htab *h, size_t buckets)
{
    h->b = calloc(buckets, sizeof(*h->b));
    if (!h->b)
        return -ENOMEM;
    h->mask = buckets - 1;
    h->count = 0;
    return 0;
}

void htab_free(struct htab *h, bool free_nodes)
{
    size_t i;
    struct node *n, *nx;
    if (!h->b)
        return;
    if (free_nodes)
        for (i = 0; i <= h->mask; i++)
            for (n = h->b[i]; n; n = nx) {
                nx = n->hnext;
                node_free(n);
            }
    free(h->b);
    h->b = NULL;
    h->count = 0;
}

struct node *htab_find(struct htab *h, const char *path, size_t plen,
                       uint64_t hash)
{
    struct node *n;
    for (n = h->b[hash & h->mask]; n; n = n->hnext)
        if (n->hash == hash && n->plen == plen && !memcmp(n->path, path, plen))
            return n;
    return NULL;
}

static void htab_grow(struct htab *h)
{
    size_t nb = (h->mask + 1) * 2, i;
    struct node **b = calloc(nb, sizeof(*b)), *n, *nx;
    if (!b)
        return;     /* keep working with longer chains */
    for (i = 0; i <= h->mask; i++)
        for (n = h->b[i]; n; n = nx) {
            nx = n->hnext;
            n->hnext = b[n->hash & (nb - 1)];
            b[n->hash & (nb - 1)] = n;
        }
    free(h->b);
    h->b = b;
    h->mask = nb - 1;
}

int htab_insert(struct htab *h, struct node *n)
{
    struct node **b = &h->b[n->hash & h->mask];
    n->hnext = *b;
    *b = n;
    if (++h->count > h->mask + 1)
        htab_grow(h);
    return 0;
}

void htab_remove(struct htab *h, struct node *n)
{
    struct node **p = &h->b[n->hash & h->mask];
    for (; *p; p = &(*p)->hnext)
        if (*p == n) {
            *p = n->hnext;
            h->count--;
            return;
        }
}

/* ---- node records ---------------------------------------------------------- */

struct node *node_alloc(const char *path, size_t plen)
{
    struct node *n = calloc(1, sizeof(*n) + plen + 1);
    if (!n)
        return NULL;
    memcpy(n->path, path, plen);
    n->path[plen] = 0;
    n->plen = plen;
    n->hash = xsd_hash(path, plen);
    return n;
}

void node_free(struct node *n)
{
    if (!n)
        return;
    free(n->val);
    free(n->perms);
    free(n->kids);
    free(n);
}

int node_set_value(struct node *n, const void *v, size_t len)
{
    char *nv = NULL;
    if (len) {
        nv = malloc(len);
        if (!nv)
            return -ENOMEM;
        memcpy(nv, v, len);
    }
    free(n->val);
    n->val = nv;
    n->vlen = len;
    return 0;
}

int node_set_perms(struct node *n, const struct xsd_perm *p, unsigned num)
{
    struct xsd_perm *np = malloc(sizeof(*np) * (num ? num : 1));
    if (!np)
        return -ENOMEM;
    memcpy(np, p, sizeof(*np) * num);
    free(n->perms);
    n->perms = np;
    n->nperms = num;
    return 0;
}

int node_add_kid(struct node *n, const char *name, size_t len)
{
    if (n->klen + len + 2 > n->kcap) {
        /* +1 spare byte: DIRECTORY_PART appends the end marker in place */
        size_t cap = n->kcap ? n->kcap * 2 : 64;
        char *k;
        while (cap < n->klen + len + 2)
            cap *= 2;
        k = realloc(n->kids, cap);
        if (!k)
            return -ENOMEM;
        n->kids = k;
        n->kcap = cap;
    }
    memcpy(n->kids + n->klen, name, len);
    n->kids[n->klen + len] = 0;
    n->klen += len + 1;
    n->nkids++;
    return 0;
}

int node_del_kid(struct node *n, const char *name, size_t len)
{
    size_t off = 0;
    while (off < n->klen) {
        size_t l = strlen(n->kids + off);
        if (l == len && !memcmp(n->kids + off, name, len)) {
            memmove(n->kids + off, n->kids + off + l + 1,
                    n->klen - off - l - 1);
            n->klen -= l + 1;
            n->nkids--;
            return 0;
        }
        off += l + 1;
    }
    return -ENOENT;
}

int node_copy_content(struct node *dst, const struct node *src)
{
    int rc = node_set_value(dst, src->val, src->vlen);
    if (!rc)
        rc = node_set_perms(dst, src->perms, src->nperms);
    if (rc)
        return rc;
    free(dst->kids);
    dst->kids = NULL;
    dst->klen = dst->kcap = dst->nkids = 0;
    if (src->klen) {
        dst->kids = malloc(src->klen + 1);
        if (!dst->kids)
            return -ENOMEM;
        memcpy(dst->kids, src->kids, src->klen);
        dst->klen = src->klen;
        dst->kcap = src->klen + 1;
        dst->nkids = src->nkids;
    }
    return 0;
}

size_t node_size(const struct node *n)
{
    /* header + perms + value + children, as C xenstored's record */
    return 16 + 8 * n->nperms + n->vlen + n->klen;
}

/* ---- paths --------------------------------------------------------------------- */

bool xsd_is_special(const char *path)
{
    return path[0] == '@';
}

static bool valid_chars(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '/' || ch == '_' ||
              ch == '-' || ch == '@'))
            return false;
    }
    return true;
}

/* Length of the part a path-length quota applies to: C xenstored does not
 * count a leading "/local/domain/<id>/". */
static size_t quota_path_len(const char *p, size_t n)
{
    static const char pre[] = "/local/domain/";
    size_t i = sizeof(pre) - 1, d = 0;
    if (n <= i || memcmp(p, pre, i))
        return n;
    while (i < n && p[i] >= '0' && p[i] <= '9' && d < 5) {
        i++;
        d++;
    }
    if (!d || i >= n || p[i] != '/')
        return n;
    return n - i - 1;
}

int xsd_canon(struct conn *c, const char *in, char *buf, size_t bufsz,
              bool allow_special)
{
    size_t n = strlen(in), off = 0;

    if (in[0] == '@') {
        if (!allow_special || n >= bufsz || !valid_chars(in, n))
            return -EINVAL;
        memcpy(buf, in, n + 1);
        return n;
    }
    if (in[0] != '/') {
        if (c->dompath_len + 1 + n >= bufsz)
            return -EINVAL;
        memcpy(buf, c->dompath, c->dompath_len);
        buf[c->dompath_len] = '/';
        off = c->dompath_len + 1;
    }
    if (off + n >= bufsz)
        return -EINVAL;
    memcpy(buf + off, in, n + 1);
    n += off;
    if (n == 0 || buf[0] != '/')
        return -EINVAL;
    if (n > 1 && buf[n - 1] == '/')
        return -EINVAL;
    if (memmem(buf, n, "//", 2))
        return -EINVAL;
    if (!valid_chars(buf, n))
        return -EINVAL;
    if (n > XENSTORE_ABS_PATH_MAX)
        return -EINVAL;
    if (!conn_is_priv(c) && quota_path_len(buf, n) > xsd_quota.path_max)
        return -EINVAL;
    return n;
}

const char *xsd_basename(const char *path, size_t plen, size_t *len)
{
    size_t p = xsd_parent_len(path, plen);
    const char *b = path + p + (p > 1 || path[p] == '/' ? 1 : 0);
    if (p == 1)
        b = path + 1;
    *len = path + plen - b;
    return b;
}

/* "/a/b" -> 2 ("/a"), "/a" -> 1 ("/"), "/" -> 0 */
size_t xsd_parent_len(const char *path, size_t plen)
{
    size_t i = plen;
    if (plen <= 1)
        return 0;
    while (i > 0 && path[i - 1] != '/')
        i--;
    /* i points just after the last '/' */
    return i > 1 ? i - 1 : 1;
}
