/*
 * migrate.c — the libctrl side of xl migrate that save/restore does not
 * already cover: renaming a domain in xenstore (xl's protocol moves the
 * name from the source to the target through "<name>--incoming" and
 * "<name>--migratedaway") and the log-dirty domctl of a live save.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>
#include "domain.h"
#include "internal.h"
#include "migrate.h"

int domain_rename(uint32_t domid, const char *old_name, const char *new_name,
                  struct errbuf *eb)
{
    struct domain_info *list = NULL, self;
    struct xs_handle *xs = NULL;
    char path[128], uuid[37];
    const uint8_t *u;
    int n, rc;

    if (!new_name[0] || strlen(new_name) >= sizeof(self.name))
        return eb_msg(eb, -EINVAL, "invalid domain name \"%s\"", new_name);
    n = domain_list(&list, eb);
    if (n < 0)
        return n;
    rc = -ESRCH;
    for (int i = 0; i < n; i++) {
        if (list[i].domid == domid) {
            self = list[i];
            rc = 0;
        } else if (strcmp(list[i].name, new_name) == 0) {
            rc = eb_msg(eb, -EEXIST, "cannot rename domain %u to \"%s\": domain %u has that name",
                        domid, new_name, list[i].domid);
            goto out;
        }
    }
    if (rc) {
        eb_msg(eb, rc, "cannot rename domain %u: no such domain", domid);
        goto out;
    }
    if (old_name && strcmp(self.name, old_name) != 0) {
        rc = eb_msg(eb, -EINVAL, "cannot rename domain %u from \"%s\": it is called \"%s\"",
                    domid, old_name, self.name);
        goto out;
    }
    xs = xs_open(0);
    if (!xs) {
        rc = eb_fail(eb, -errno ? -errno : -ECONNREFUSED, "cannot connect to xenstored");
        goto out;
    }
    u = self.uuid;
    snprintf(uuid, sizeof(uuid),
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
             u[12], u[13], u[14], u[15]);
    for (int tries = 0;; tries++) {
        xs_transaction_t t = xs_transaction_start(xs);
        if (t == XBT_NULL) {
            rc = eb_fail(eb, -errno, "xenstore transaction (rename domain %u)", domid);
            goto out;
        }
        snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
        bool ok = xs_write(xs, t, path, new_name, strlen(new_name));
        snprintf(path, sizeof(path), "/vm/%s/name", uuid);
        /* /vm/<uuid> is shared when source and target are on one host: its
         * name follows the domain being renamed last, the running one. */
        ok = ok && xs_write(xs, t, path, new_name, strlen(new_name));
        if (!ok) {
            rc = eb_fail(eb, -errno, "xenstore write %s", path);
            xs_transaction_end(xs, t, true);
            goto out;
        }
        if (xs_transaction_end(xs, t, false))
            break;
        if (errno != EAGAIN || tries > 20) {
            rc = eb_fail(eb, -errno, "xenstore transaction (rename domain %u)", domid);
            goto out;
        }
    }
    rc = 0;
out:
    if (xs)
        xs_close(xs);
    free(list);
    return rc;
}

int xc_shadow_op(xc_handle *xch, uint32_t domid, uint32_t op, uint64_t *bitmap,
                 uint64_t nr_pfns, uint32_t *dirty, struct errbuf *eb)
{
    size_t bytes = bitmap ? (nr_pfns + 63) / 64 * 8 : 0;
    struct xen_domctl *d = domctl_start(xch, XEN_DOMCTL_shadow_op, domid);
    uint64_t *buf = bytes ? hbuf_alloc(xch, bytes) : NULL;
    int rc;

    if (!d || (bytes && !buf)) {
        rc = eb_fail(eb, -ENOMEM, "domctl shadow_op (dom %u)", domid);
        goto out;
    }
    d->u.shadow_op.op = op;
    if (op == XEN_DOMCTL_SHADOW_OP_ENABLE)
        d->u.shadow_op.mode = XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY;
    if (buf) {
        memset(buf, 0, bytes);
        d->u.shadow_op.dirty_bitmap.p = (uint64_t)(uintptr_t)buf;
        d->u.shadow_op.pages = nr_pfns;
    }
    rc = do_domctl(xch, d);
    if (rc < 0) {
        eb_fail(eb, rc, "domctl shadow_op %u (dom %u)", op, domid);
        goto out;
    }
    if (buf)
        memcpy(bitmap, buf, bytes);
    if (dirty)
        *dirty = d->u.shadow_op.stats.dirty_count;
out:
    if (d)
        hbuf_free(d, sizeof(*d));
    if (buf)
        hbuf_free(buf, bytes);
    return rc;
}
