/*
 * domain.c — the domain lifecycle behind xl (domain.h): create = hypercalls
 * + builder + the xenstore entries a PV guest and its backends expect +
 * XS_INTRODUCE; destroy undoes all of it.  Any failure during create
 * destroys the half-built domain, so a failed `xl create` leaves nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <xenstore.h>
#include "domain.h"
#include "../builder/builder.h"
#include "internal.h"


static struct xs_handle *xs_connect(struct errbuf *eb)
{
    struct xs_handle *xs = xs_open(0);
    if (!xs)
        eb_fail(eb, -errno ? -errno : -ECONNREFUSED, "cannot connect to xenstored");
    return xs;
}

static char *xs_read_str(struct xs_handle *xs, const char *path)
{
    unsigned int len;
    return xs_read(xs, XBT_NULL, path, &len);
}

const char *domain_kernel_cache_dir(void)
{
    const char *d = getenv("XL_KERNEL_CACHE");
    return d ? d : "/var/lib/xen/kernel-cache";
}

static void uuid_fmt(const uint8_t u[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
             u[12], u[13], u[14], u[15]);
}

/* ------------------------------------------------------------ queries */

static void info_from_dominfo(struct domain_info *o, const struct xc_dominfo *d)
{
    memset(o, 0, sizeof(*o));
    o->domid = d->domid;
    memcpy(o->uuid, d->handle, 16);
    o->mem_kb = d->tot_pages * 4;
    o->max_mem_kb = d->max_pages * 4;
    o->vcpus_online = d->nr_online_vcpus;
    o->max_vcpu_id = d->max_vcpu_id;
    o->running = d->running;
    o->blocked = d->blocked;
    o->paused = d->paused;
    o->shutdown = d->shutdown && !d->crashed;
    o->crashed = d->crashed;
    o->dying = d->dying;
    o->shutdown_reason = d->shutdown_reason;
    o->cpu_time_ns = d->cpu_time_ns;
    o->ssidref = d->ssidref;
    o->cpupool = d->cpupool;
}

/* Name and start time live in xenstore; fill them when it is reachable. */
static void info_add_xs(struct xs_handle *xs, struct domain_info *o)
{
    char path[128], uuid[37];
    char *v;

    if (xs) {
        snprintf(path, sizeof(path), "/local/domain/%u/name", o->domid);
        if ((v = xs_read_str(xs, path))) {
            snprintf(o->name, sizeof(o->name), "%s", v);
            free(v);
        }
        uuid_fmt(o->uuid, uuid);
        snprintf(path, sizeof(path), "/vm/%s/start_time", uuid);
        if ((v = xs_read_str(xs, path))) {
            o->start_time = strtoull(v, NULL, 10);
            free(v);
        }
    }
    if (!o->name[0] && o->domid == 0)
        snprintf(o->name, sizeof(o->name), "Domain-0");
}

int domain_list(struct domain_info **out, struct errbuf *eb)
{
    const unsigned max = 1024;
    struct xc_dominfo *raw = NULL;
    struct domain_info *res = NULL;
    struct xs_handle *xs = NULL;
    xc_handle *xch = xc_open(eb);
    int rc;

    *out = NULL;
    if (!xch)
        return eb ? eb->err : -EIO;
    raw = calloc(max, sizeof(*raw));
    if (!raw) {
        rc = eb_fail(eb, -ENOMEM, "domain list");
        goto out;
    }
    rc = xc_domain_getinfolist(xch, 0, max, raw, eb);
    if (rc < 0)
        goto out;
    res = calloc(rc ? rc : 1, sizeof(*res));
    if (!res) {
        rc = eb_fail(eb, -ENOMEM, "domain list");
        goto out;
    }
    xs = xs_open(0);    /* optional: names are blank without xenstored */
    if (!xs)
        fprintf(stderr, "xl: cannot connect to xenstored (%s): domain names are not shown\n",
                strerror(errno ? errno : ECONNREFUSED));
    for (int i = 0; i < rc; i++) {
        info_from_dominfo(&res[i], &raw[i]);
        info_add_xs(xs, &res[i]);
    }
    *out = res;
    res = NULL;
out:
    if (xs)
        xs_close(xs);
    free(res);
    free(raw);
    xc_close(xch);
    return rc;
}

int domain_get_info(uint32_t domid, struct domain_info *info, struct errbuf *eb)
{
    struct xc_dominfo d;
    xc_handle *xch = xc_open(eb);
    int rc;

    if (!xch)
        return eb ? eb->err : -EIO;
    rc = xc_domain_getinfo(xch, domid, &d, eb);
    xc_close(xch);
    if (rc < 0)
        return rc;
    info_from_dominfo(info, &d);
    struct xs_handle *xs = xs_open(0);
    info_add_xs(xs, info);
    if (xs)
        xs_close(xs);
    return 0;
}

void domain_state_string(const struct domain_info *i, char buf[7])
{
    buf[0] = i->running ? 'r' : '-';
    buf[1] = i->blocked ? 'b' : '-';
    buf[2] = i->paused ? 'p' : '-';
    buf[3] = i->shutdown ? 's' : '-';
    buf[4] = i->crashed ? 'c' : '-';
    buf[5] = i->dying ? 'd' : '-';
    buf[6] = 0;
}

int domain_lookup(const char *s, uint32_t *domid, struct errbuf *eb)
{
    struct domain_info *list = NULL;
    struct errbuf local;
    int n, rc = -ESRCH;
    char *end;

    eb_clear(&local);
    n = domain_list(&list, &local);
    if (n < 0) {
        if (eb && !eb->err)
            *eb = local;
        return n;
    }
    if (*s) {
        unsigned long v = strtoul(s, &end, 10);
        if (*end == 0) {
            for (int i = 0; i < n; i++)
                if (list[i].domid == v) {
                    *domid = (uint32_t)v;
                    rc = 0;
                    goto out;
                }
        }
    }
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].name, s) == 0) {
            *domid = list[i].domid;
            rc = 0;
            goto out;
        }
    {
        /* Names live in xenstore: domains without one are what a restarted
         * xenstored (which lost its state) leaves; point the user at them. */
        char ids[96] = "";
        size_t len = 0;
        for (int i = 0; i < n && len < sizeof(ids) - 12; i++)
            if (!list[i].name[0])
                len += (size_t)snprintf(ids + len, sizeof(ids) - len, "%s%u", len ? ", " : "",
                                        list[i].domid);
        if (len)
            eb_msg(eb, -ESRCH, "domain '%s' not found (domain %s %s no name in xenstore: "
                   "xenstored was restarted? use the id)", s, ids, strchr(ids, ',') ? "have" : "has");
        else
            eb_msg(eb, -ESRCH, "domain '%s' not found", s);
    }
out:
    free(list);
    return rc;
}

int domain_name(uint32_t domid, char *buf, size_t len, struct errbuf *eb)
{
    struct domain_info i;
    int rc = domain_get_info(domid, &i, eb);

    if (rc < 0)
        return rc;
    snprintf(buf, len, "%s", i.name);
    return 0;
}

int domain_console_tty(uint32_t domid, char *buf, size_t len, struct errbuf *eb)
{
    char path[96];
    struct xs_handle *xs = xs_connect(eb);
    char *v;

    if (!xs)
        return eb ? eb->err : -ECONNREFUSED;
    snprintf(path, sizeof(path), "/local/domain/%u/console/tty", domid);
    v = xs_read_str(xs, path);
    xs_close(xs);
    if (!v)
        return eb_msg(eb, -ENOENT, "domain %u has no console pty yet (%s missing: is xenconsoled running?)",
                      domid, path);
    snprintf(buf, len, "%s", v);
    free(v);
    return 0;
}

/* ------------------------------------------------------------ control */

static int with_xc(uint32_t domid, int (*fn)(xc_handle *, uint32_t, struct errbuf *),
                   struct errbuf *eb)
{
    xc_handle *xch = xc_open(eb);
    int rc;

    if (!xch)
        return eb ? eb->err : -EIO;
    rc = fn(xch, domid, eb);
    xc_close(xch);
    return rc;
}

int domain_pause(uint32_t domid, struct errbuf *eb)
{
    return with_xc(domid, xc_domain_pause, eb);
}

int domain_unpause(uint32_t domid, struct errbuf *eb)
{
    return with_xc(domid, xc_domain_unpause, eb);
}

/* Remove every xenstore trace of a domain (its own tree, /vm, backends). */
static void xs_cleanup(struct xs_handle *xs, uint32_t domid, const uint8_t uuid[16])
{
    static const char *const backends[] = { "vbd", "vif", "console", "qdisk", "vkbd", "vfb" };
    char path[160], u[37];

    /* Tell xenstored now, so it drops its mapping of the dead guest's ring
     * page at once (a mapped page keeps the domain a zombie). */
    xs_release_domain(xs, domid);
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    xs_rm(xs, XBT_NULL, path);
    snprintf(path, sizeof(path), "/libxl/%u", domid);
    xs_rm(xs, XBT_NULL, path);
    for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
        snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", backends[i], domid);
        xs_rm(xs, XBT_NULL, path);
    }
    if (uuid) {
        uuid_fmt(uuid, u);
        snprintf(path, sizeof(path), "/vm/%s", u);
        xs_rm(xs, XBT_NULL, path);
    }
}

static int destroy_with(xc_handle *xch, struct xs_handle *xs, uint32_t domid, struct errbuf *eb)
{
    struct xc_dominfo d;
    int rc;

    if (domid == 0)
        return eb_msg(eb, -EINVAL, "cannot destroy domain 0");
    rc = xc_domain_getinfo(xch, domid, &d, eb);
    if (rc < 0)
        return rc;
    rc = xc_domain_destroy(xch, domid, eb);
    if (rc < 0)
        return rc;
    if (xs)
        xs_cleanup(xs, domid, d.handle);
    return 0;
}

int domain_destroy(uint32_t domid, struct errbuf *eb)
{
    xc_handle *xch = xc_open(eb);
    struct xs_handle *xs;
    int rc;

    if (!xch)
        return eb ? eb->err : -EIO;
    xs = xs_open(0);
    rc = destroy_with(xch, xs, domid, eb);
    if (xs)
        xs_close(xs);
    xc_close(xch);
    return rc;
}

int domain_shutdown(uint32_t domid, enum domain_shutdown_req req, bool fallback,
                    struct errbuf *eb)
{
    const char *word = req == DOMAIN_REQ_REBOOT ? "reboot" : "poweroff";
    char path[96], *feat;
    struct xs_handle *xs;
    int rc = 0;

    if (domid == 0)
        return eb_msg(eb, -EINVAL, "shutting down domain 0 is not supported from xl");
    xs = xs_connect(eb);
    if (!xs)
        return eb ? eb->err : -ECONNREFUSED;
    /* Linux's PV drivers advertise feature-poweroff once they watch control/shutdown. */
    snprintf(path, sizeof(path), "/local/domain/%u/control/feature-%s", domid, word);
    feat = xs_read_str(xs, path);
    if (!feat || strcmp(feat, "1") != 0) {
        if (!fallback) {
            rc = eb_msg(eb, -EOPNOTSUPP,
                        "PV control interface not available for domain %u (no control/feature-%s): "
                        "use -F to shut it down through the hypervisor", domid, word);
            goto out;
        }
        xc_handle *xch = xc_open(eb);
        if (!xch) {
            rc = eb ? eb->err : -EIO;
            goto out;
        }
        rc = xc_domain_shutdown(xch, domid, req == DOMAIN_REQ_REBOOT ? XC_SHUTDOWN_REBOOT
                                                                     : XC_SHUTDOWN_POWEROFF, eb);
        xc_close(xch);
        goto out;
    }
    snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", domid);
    if (!xs_write(xs, XBT_NULL, path, word, strlen(word)))
        rc = eb_fail(eb, -errno, "xenstore write %s", path);
out:
    free(feat);
    xs_close(xs);
    return rc;
}

int domain_wait_gone(uint32_t domid, int timeout_ms, struct errbuf *eb)
{
    xc_handle *xch = xc_open(eb);
    struct timespec t0, now;
    int rc = 0;

    if (!xch)
        return eb ? eb->err : -EIO;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct xc_dominfo d;
        if (xc_domain_getinfo(xch, domid, &d, NULL) == -ESRCH)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
        if (timeout_ms >= 0 && ms >= timeout_ms) {
            rc = eb_msg(eb, -ETIMEDOUT, "domain %u still exists after %d ms", domid, timeout_ms);
            break;
        }
        usleep(50000);
    }
    xc_close(xch);
    return rc;
}

int domain_set_maxmem(uint32_t domid, uint64_t max_kb, struct errbuf *eb)
{
    xc_handle *xch = xc_open(eb);
    char path[96], val[32];
    int rc;

    if (!xch)
        return eb ? eb->err : -EIO;
    /* Same slack libxl adds on top of the guest-visible maximum. */
    rc = xc_domain_setmaxmem(xch, domid, max_kb + MEM_MAXMEM_SLACK_KB, eb);
    xc_close(xch);
    if (rc < 0)
        return rc;
    struct xs_handle *xs = xs_open(0);
    if (xs) {
        snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max", domid);
        snprintf(val, sizeof(val), "%" PRIu64, max_kb);
        xs_write(xs, XBT_NULL, path, val, strlen(val));
        xs_close(xs);
    }
    return 0;
}

/* ------------------------------------------------------------ host */

static const char *sched_name(int id)
{
    switch (id) {
    case 5: return "credit";
    case 6: return "credit2";
    case 7: return "arinc653";
    case 8: return "rtds";
    case 9: return "null";
    default: return "unknown";
    }
}

int host_get_info(struct host_info *hi, struct errbuf *eb)
{
    xc_handle *xch = xc_open(eb);
    int sid = -1, rc;

    if (!xch)
        return eb ? eb->err : -EIO;
    memset(hi, 0, sizeof(*hi));
    rc = xc_version_get(xch, &hi->ver, eb);
    if (rc == 0)
        rc = xc_physinfo(xch, &hi->phys, eb);
    if (rc == 0 && xc_sched_id(xch, &sid, NULL) < 0)
        sid = -1;
    xc_close(xch);
    if (rc < 0)
        return rc;
    hi->sched_name = sched_name(sid);
    hi->total_mb = hi->phys.total_pages / 256;
    hi->free_mb = hi->phys.free_pages / 256;
    hi->outstanding_mb = hi->phys.outstanding_pages / 256;
    hi->cpu_mhz = hi->phys.cpu_khz / 1000;
    char *p = hi->hw_caps;
    for (int i = 0; i < 8; i++)
        p += sprintf(p, "%s%08x", i ? ":" : "", hi->phys.hw_cap[i]);
    /* Same words, same order as xl's virt_caps line. */
    static const struct { uint32_t bit; const char *name; } caps[] = {
        { 1u << 1, "pv" }, { 1u << 0, "hvm" }, { 1u << 3, "hap" }, { 1u << 4, "shadow" },
        { 1u << 5, "iommu_hap_pt_share" }, { 1u << 6, "vmtrace" }, { 1u << 7, "vpmu" },
        { 1u << 8, "gnttab-v1" }, { 1u << 9, "gnttab-v2" },
    };
    hi->virt_caps[0] = 0;
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
        if (hi->phys.capabilities & caps[i].bit) {
            size_t l = strlen(hi->virt_caps);
            snprintf(hi->virt_caps + l, sizeof(hi->virt_caps) - l, "%s%s", l ? " " : "", caps[i].name);
        }
    return 0;
}

int host_readconsole(bool clear, char **out, size_t *len, struct errbuf *eb)
{
    xc_handle *xch = xc_open(eb);
    size_t cap = 65536, used = 0;
    char *buf = NULL;
    uint32_t index = 0;
    int rc = 0;

    *out = NULL;
    *len = 0;
    if (!xch)
        return eb ? eb->err : -EIO;
    buf = malloc(cap + 1);
    if (!buf) {
        rc = eb_fail(eb, -ENOMEM, "readconsole");
        goto out;
    }
    for (;;) {
        const size_t chunk = 16384;
        if (used + chunk > cap) {
            char *n = realloc(buf, cap * 2 + 1);
            if (!n) {
                rc = eb_fail(eb, -ENOMEM, "readconsole");
                goto out;
            }
            buf = n;
            cap *= 2;
        }
        size_t got = chunk;
        rc = xc_readconsole(xch, buf + used, &got, clear, &index, eb);
        if (rc < 0)
            goto out;
        used += got;
        if (got < chunk)
            break;
    }
    buf[used] = 0;
    *out = buf;
    *len = used;
    buf = NULL;
out:
    free(buf);
    xc_close(xch);
    return rc;
}
