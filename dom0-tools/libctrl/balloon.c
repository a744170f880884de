/*
 * balloon.c — a domain's memory target, as libxl keeps it: the balloon
 * driver in the guest (Linux's xen-balloon) watches
 * /local/domain/<id>/memory/target (KiB) and gives frames back to the
 * hypervisor or takes them until its allocation matches; the toolstack
 * only writes the target, bounds it by memory/static-max and, when asked
 * to enforce it (xl mem-set), lowers the hypervisor's max_mem to it so a
 * guest cannot take more than it was given.
 *
 * dom0 has no nodes written by a toolstack at boot; the first call fills
 * them from the hypervisor's figures (its current allocation and limit),
 * as libxl does.  Also here: the free-memory figure xl compares a new
 * guest's needs with, and the wait for a domain to reach its target that
 * xl's autoballoon uses.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "domain.h"
#include "xc.h"

/* Read a decimal KiB node; -ENOENT when absent, -EINVAL when not a number. */
static int read_kb(struct xs_handle *xs, xs_transaction_t t, const char *path,
                   uint64_t *out)
{
    unsigned int len;
    char *v = xs_read(xs, t, path, &len), *end;
    int rc = 0;

    if (!v)
        return -ENOENT;
    errno = 0;
    *out = strtoull(v, &end, 10);
    if (!len || *end || errno)
        rc = -EINVAL;
    free(v);
    return rc;
}

static bool write_kb(struct xs_handle *xs, xs_transaction_t t, const char *path,
                     uint64_t kb)
{
    char v[32];

    snprintf(v, sizeof(v), "%" PRIu64, kb);
    return xs_write(xs, t, path, v, strlen(v));
}

int mem_target_compute(uint32_t domid, int64_t kb, bool relative,
                       uint64_t cur_target_kb, uint64_t static_max_kb,
                       uint64_t videoram_kb, uint64_t *new_kb,
                       struct errbuf *eb)
{
    uint64_t t;

    if (relative) {
        if (kb < 0 && (uint64_t)-kb > cur_target_kb)
            t = 0;
        else
            t = cur_target_kb + (uint64_t)kb;
    } else {
        if (kb < 0 || (uint64_t)kb < videoram_kb)
            return eb_msg(eb, -EINVAL, "domain %u: memory target %" PRId64
                          " KiB is below the domain's video memory (%" PRIu64
                          " KiB)", domid, kb, videoram_kb);
        t = (uint64_t)kb - videoram_kb;
    }
    if (t > static_max_kb)
        return eb_msg(eb, -EINVAL, "domain %u: memory target %" PRIu64 " KiB is "
                      "above its maximum (memory/static-max %" PRIu64 " KiB; "
                      "raise it with xl mem-max first)", domid, t, static_max_kb);
    if (domid == 0 && t < MEM_MIN_DOM0_KB)
        return eb_msg(eb, -EINVAL, "new target %" PRIu64 " KiB for dom0 is below "
                      "the minimum of %u KiB", t, MEM_MIN_DOM0_KB);
    /* Xen's libxl has no floor for guests; a Linux guest asked to go
     * below what its kernel and initramfs hold balloons into the OOM
     * killer, which no user means (relative moves are autoballoon's, for
     * dom0 only). */
    if (domid != 0 && !relative && t < MEM_MIN_GUEST_KB)
        return eb_msg(eb, -EINVAL, "domain %u: memory target %" PRIu64 " KiB is "
                      "below the minimum of %u KiB a guest is given", domid, t,
                      MEM_MIN_GUEST_KB);
    *new_kb = t;
    return 0;
}

/* libxl's dom0 fill: target and static-max from the hypervisor's view. */
static int fill_dom0(struct xs_handle *xs, xc_handle *xch, struct errbuf *eb)
{
    const char *tp = "/local/domain/0/memory/target";
    const char *mp = "/local/domain/0/memory/static-max";
    struct xc_dominfo di;
    uint64_t v;
    int rc;

    for (;;) {
        xs_transaction_t t = xs_transaction_start(xs);

        if (!t)
            return eb_fail(eb, errno ? -errno : -EIO, "xenstore transaction");
        rc = xc_domain_getinfo(xch, 0, &di, eb);
        if (rc < 0) {
            xs_transaction_end(xs, t, true);
            return rc;
        }
        if (read_kb(xs, t, tp, &v) == -ENOENT)
            write_kb(xs, t, tp, di.tot_pages * 4);
        if (read_kb(xs, t, mp, &v) == -ENOENT)
            write_kb(xs, t, mp, di.max_pages * 4);
        if (xs_transaction_end(xs, t, false))
            return 0;
        if (errno != EAGAIN)
            return eb_fail(eb, errno ? -errno : -EIO, "writing dom0's memory nodes");
    }
}

int domain_get_memory_target(uint32_t domid, uint64_t *target_kb,
                             uint64_t *static_max_kb, struct errbuf *eb)
{
    struct xs_handle *xs = xs_open(0);
    char tp[64], mp[64];
    uint64_t t = 0, m = 0;
    int rc;

    if (!xs)
        return eb_fail(eb, errno ? -errno : -ECONNREFUSED, "cannot connect to xenstored");
    snprintf(tp, sizeof(tp), "/local/domain/%u/memory/target", domid);
    snprintf(mp, sizeof(mp), "/local/domain/%u/memory/static-max", domid);
    rc = read_kb(xs, XBT_NULL, tp, &t);
    if (!rc)
        rc = read_kb(xs, XBT_NULL, mp, &m);
    if (rc == -ENOENT && domid == 0) {
        xc_handle *xch = xc_open(eb);

        if (!xch) {
            rc = eb ? eb->err : -EIO;
            goto out;
        }
        rc = fill_dom0(xs, xch, eb);
        xc_close(xch);
        if (!rc)
            rc = read_kb(xs, XBT_NULL, tp, &t);
        if (!rc)
            rc = read_kb(xs, XBT_NULL, mp, &m);
    }
    if (rc == -ENOENT)
        eb_msg(eb, rc, "domain %u has no %s or %s (does it exist?)", domid, tp, mp);
    else if (rc == -EINVAL)
        eb_msg(eb, rc, "domain %u: %s or %s is not a number", domid, tp, mp);
    else if (rc < 0 && eb && !eb->msg[0])
        eb_fail(eb, rc, "reading domain %u's memory nodes", domid);
out:
    xs_close(xs);
    if (!rc) {
        if (target_kb)
            *target_kb = t;
        if (static_max_kb)
            *static_max_kb = m;
    }
    return rc;
}

int domain_set_memory_target(uint32_t domid, int64_t kb, bool relative,
                             bool enforce, struct errbuf *eb)
{
    struct xs_handle *xs = NULL;
    xc_handle *xch = NULL;
    struct xc_dominfo di;
    char dom[32], p[96];
    int rc;

    xch = xc_open(eb);
    if (!xch)
        return eb ? eb->err : -EIO;
    rc = xc_domain_getinfo(xch, domid, &di, NULL);
    if (rc < 0 || di.domid != domid) {
        rc = eb_msg(eb, -ESRCH, "domain %u does not exist", domid);
        goto out;
    }
    xs = xs_open(0);
    if (!xs) {
        rc = eb_fail(eb, errno ? -errno : -ECONNREFUSED, "cannot connect to xenstored");
        goto out;
    }
    snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
    for (;;) {
        uint64_t cur, smax, video = 0, newkb;
        xs_transaction_t t;
        char uuid[37];

        t = xs_transaction_start(xs);
        if (!t) {
            rc = eb_fail(eb, errno ? -errno : -EIO, "xenstore transaction");
            goto out;
        }
        snprintf(p, sizeof(p), "%s/memory/target", dom);
        rc = read_kb(xs, t, p, &cur);
        if (rc == -ENOENT && domid == 0) {
            xs_transaction_end(xs, t, true);
            rc = fill_dom0(xs, xch, eb);
            if (rc < 0)
                goto out;
            continue;
        }
        if (rc < 0) {
            xs_transaction_end(xs, t, true);
            rc = eb_msg(eb, rc, "domain %u: %s %s", domid, p,
                        rc == -ENOENT ? "does not exist" : "is not a number");
            goto out;
        }
        snprintf(p, sizeof(p), "%s/memory/static-max", dom);
        rc = read_kb(xs, t, p, &smax);
        if (rc < 0) {
            xs_transaction_end(xs, t, true);
            rc = eb_msg(eb, rc, "domain %u: %s %s", domid, p,
                        rc == -ENOENT ? "does not exist" : "is not a number");
            goto out;
        }
        snprintf(p, sizeof(p), "%s/memory/videoram", dom);
        if (read_kb(xs, t, p, &video) < 0)
            video = 0;
        rc = mem_target_compute(domid, kb, relative, cur, smax, video, &newkb, eb);
        if (rc < 0) {
            xs_transaction_end(xs, t, true);
            goto out;
        }
        /* The hypervisor's limit follows the target (+ libxl's 1 MiB of
         * slack), so the guest cannot keep more than it was given. */
        if (enforce) {
            rc = xc_domain_setmaxmem(xch, domid, newkb + video + MEM_MAXMEM_SLACK_KB, eb);
            if (rc < 0) {
                xs_transaction_end(xs, t, true);
                goto out;
            }
        }
        snprintf(p, sizeof(p), "%s/memory/target", dom);
        if (!write_kb(xs, t, p, newkb)) {
            rc = eb_fail(eb, errno ? -errno : -EIO, "writing %s", p);
            xs_transaction_end(xs, t, true);
            goto out;
        }
        /* /vm/<uuid>/memory in MiB, as libxl keeps it */
        snprintf(uuid, sizeof(uuid), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                 "%02x%02x%02x%02x%02x%02x", di.handle[0], di.handle[1],
                 di.handle[2], di.handle[3], di.handle[4], di.handle[5],
                 di.handle[6], di.handle[7], di.handle[8], di.handle[9],
                 di.handle[10], di.handle[11], di.handle[12], di.handle[13],
                 di.handle[14], di.handle[15]);
        snprintf(p, sizeof(p), "/vm/%s/memory", uuid);
        write_kb(xs, t, p, newkb / 1024);
        if (xs_transaction_end(xs, t, false)) {
            rc = 0;
            break;
        }
        if (errno != EAGAIN) {
            rc = eb_fail(eb, errno ? -errno : -EIO, "committing domain %u's memory target", domid);
            break;
        }
    }
out:
    if (xs)
        xs_close(xs);
    xc_close(xch);
    return rc;
}

int host_free_memory_kb(uint64_t *kb, struct errbuf *eb)
{
    struct xc_physinfo pi;
    xc_handle *xch = xc_open(eb);
    int rc;

    if (!xch)
        return eb ? eb->err : -EIO;
    rc = xc_physinfo(xch, &pi, eb);
    xc_close(xch);
    if (rc < 0)
        return rc;
    /* claimed memory is promised to a domain being built */
    *kb = (pi.free_pages > pi.outstanding_pages ? pi.free_pages - pi.outstanding_pages : 0) * 4;
    return 0;
}

/*
 * libxl_wait_for_memory_target: wait while the domain keeps moving
 * towards its target; wait_secs is how long it may go without progress.
 */
int domain_wait_memory_target(uint32_t domid, int wait_secs, struct errbuf *eb)
{
    xc_handle *xch = xc_open(eb);
    uint64_t target, last = UINT64_MAX;
    int rc, idle = 0;

    if (!xch)
        return eb ? eb->err : -EIO;
    rc = domain_get_memory_target(domid, &target, NULL, eb);
    while (!rc) {
        struct xc_dominfo di;
        uint64_t cur;

        rc = xc_domain_getinfo(xch, domid, &di, eb);
        if (rc < 0)
            break;
        cur = di.tot_pages * 4;
        if (cur <= target + MEM_MAXMEM_SLACK_KB)
            break;
        if (cur < last) {
            last = cur;
            idle = 0;
        } else if (++idle >= wait_secs) {
            rc = eb_msg(eb, -ETIMEDOUT, "domain %u stopped at %" PRIu64 " KiB, "
                        "its target is %" PRIu64 " KiB (is its balloon driver "
                        "running?)", domid, cur, target);
            break;
        }
        sleep(1);
    }
    xc_close(xch);
    return rc;
}
