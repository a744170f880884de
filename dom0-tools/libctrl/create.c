/*
 * create.c — domain_create(): from a parsed xl.cfg to a running PV guest.
 * Order matters for "a failed create leaves nothing behind": everything
 * that can be checked without the hypervisor (kernel format, ramdisk,
 * name clash, free memory) is checked before createdomain; after it, every
 * failure destroys the domain and removes what was written to xenstore.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <xenstore.h>
#include "domain.h"
#include "xlcfg_parse.h"
#include "../builder/builder.h"
#include "internal.h"
#include "xs_batch.h"

/* The domain handle (UUID) helpers of xlcfg_parse.h: here, because domain
 * creation needs them without the config parser (xenconsoled links libctrl
 * alone). */
void xlcfg_uuid_format(const uint8_t u[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
             u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

int xlcfg_uuid_generate(uint8_t u[16])
{
    size_t got = 0;

    while (got < 16) {
        ssize_t n = getrandom(u + got, 16 - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        got += (size_t)n;
    }
    u[6] = (u[6] & 0x0f) | 0x40;     /* version 4 */
    u[8] = (u[8] & 0x3f) | 0x80;     /* RFC 4122 variant */
    return 0;
}

/* Write one node; perms: owner dom0 with read for the guest (ro) or owned by the guest (rw). */
struct xsw {
    struct xs_handle *xs;
    xs_transaction_t t;
    struct xs_batch *batch;     /* pipelined (xs_batch.h), else one request at a time */
    uint32_t domid;
    bool failed;
    int err;
    char failed_path[256];
};

/*
 * XS_RO: dom0 owns it, the guest may read (set explicitly on the top-level
 * directories); XS_INHERIT: a node under such a directory, which gets its
 * parent's permissions from xenstored (saves a request per node, and
 * requests are what creation time under emulation is made of); XS_RW: the
 * guest owns it; XS_DOM0: dom0 only.
 */
enum xsperm { XS_RO, XS_INHERIT, XS_RW, XS_DOM0 };

static void xsw_put(struct xsw *w, enum xsperm perm, const char *val, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void xsw_put(struct xsw *w, enum xsperm perm, const char *val, const char *fmt, ...)
{
    char path[256];
    va_list ap;
    struct xs_permissions p[2];
    unsigned np = 0;

    if (w->failed)
        return;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    if (perm == XS_RW) {
        p[0].id = w->domid; p[0].perms = XS_PERM_NONE;   /* owner: full access */
        np = 1;
    } else if (perm == XS_RO) {
        p[0].id = 0; p[0].perms = XS_PERM_NONE;
        p[1].id = w->domid; p[1].perms = XS_PERM_READ;
        np = 2;
    } else if (perm == XS_DOM0) {
        p[0].id = 0; p[0].perms = XS_PERM_NONE;
        np = 1;
    }
    if (w->batch) {
        /* Queued only: refusals come back from xs_batch_commit(). */
        char owner[16], other[16];
        int rc = val ? xs_batch_write(w->batch, path, val) : xs_batch_mkdir(w->batch, path);
        if (!rc && np) {
            snprintf(owner, sizeof(owner), "n%u", p[0].id);
            snprintf(other, sizeof(other), "r%u", np > 1 ? p[1].id : 0);
            rc = xs_batch_set_perms(w->batch, path, owner, np > 1 ? other : NULL);
        }
        if (rc) {
            w->failed = true;
            w->err = rc;
            snprintf(w->failed_path, sizeof(w->failed_path), "%s", path);
        }
        return;
    }
    bool ok = val ? xs_write(w->xs, w->t, path, val, strlen(val)) : xs_mkdir(w->xs, w->t, path);
    if (ok && np)
        ok = xs_set_permissions(w->xs, w->t, path, p, np);
    if (!ok) {
        w->failed = true;
        w->err = errno ? -errno : -EIO;
        snprintf(w->failed_path, sizeof(w->failed_path), "%s", path);
    }
}

/* The nodes libxl writes for a PV guest without devices, plus our console. */
static void put_nodes(struct xsw *w, const struct domain_config *cfg, uint32_t domid,
                      const char *u, const struct pv_build_result *br)
{
    char dom[48], vm[64], v[64];

    snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
    snprintf(vm, sizeof(vm), "/vm/%s", u);
    xsw_put(w, XS_RO, NULL, "%s", dom);
    xsw_put(w, XS_INHERIT, cfg->name, "%s/name", dom);
    snprintf(v, sizeof(v), "%u", domid);
    xsw_put(w, XS_INHERIT, v, "%s/domid", dom);
    xsw_put(w, XS_INHERIT, vm, "%s/vm", dom);
    for (unsigned i = 0; i < cfg->maxvcpus; i++)
        xsw_put(w, XS_INHERIT, i < cfg->vcpus ? "online" : "offline", "%s/cpu/%u/availability", dom, i);
    snprintf(v, sizeof(v), "%" PRIu64, cfg->maxmem_mb * 1024);
    xsw_put(w, XS_INHERIT, v, "%s/memory/static-max", dom);
    snprintf(v, sizeof(v), "%" PRIu64, cfg->memory_mb * 1024);
    xsw_put(w, XS_INHERIT, v, "%s/memory/target", dom);
    xsw_put(w, XS_INHERIT, "0", "%s/memory/videoram", dom);

    snprintf(v, sizeof(v), "%" PRIu64, br->store_mfn);
    xsw_put(w, XS_INHERIT, v, "%s/store/ring-ref", dom);
    snprintf(v, sizeof(v), "%u", br->store_port);
    xsw_put(w, XS_INHERIT, v, "%s/store/port", dom);

    xsw_put(w, XS_INHERIT, NULL, "%s/console", dom);
    snprintf(v, sizeof(v), "%" PRIu64, br->console_mfn);
    xsw_put(w, XS_INHERIT, v, "%s/console/ring-ref", dom);
    snprintf(v, sizeof(v), "%u", br->console_port);
    xsw_put(w, XS_INHERIT, v, "%s/console/port", dom);
    xsw_put(w, XS_INHERIT, "xenconsoled", "%s/console/type", dom);
    xsw_put(w, XS_INHERIT, "pty", "%s/console/output", dom);
    xsw_put(w, XS_INHERIT, "1048576", "%s/console/limit", dom);
    /* The console daemon (dom0) writes console/tty; the guest reads it. */

    xsw_put(w, XS_INHERIT, NULL, "%s/control", dom);
    xsw_put(w, XS_RW, "", "%s/control/shutdown", dom);
    xsw_put(w, XS_RW, "", "%s/control/feature-poweroff", dom);
    xsw_put(w, XS_RW, "", "%s/control/feature-reboot", dom);
    xsw_put(w, XS_RW, "", "%s/control/feature-suspend", dom);
    xsw_put(w, XS_RW, "", "%s/control/sysrq", dom);
    xsw_put(w, XS_INHERIT, "1", "%s/control/platform-feature-multiprocessor-suspend", dom);
    xsw_put(w, XS_INHERIT, "1", "%s/control/platform-feature-xs_reset_watches", dom);
    xsw_put(w, XS_RW, NULL, "%s/data", dom);
    xsw_put(w, XS_RW, NULL, "%s/drivers", dom);
    xsw_put(w, XS_RW, NULL, "%s/feature", dom);
    xsw_put(w, XS_RW, NULL, "%s/attr", dom);
    xsw_put(w, XS_RW, NULL, "%s/error", dom);
    xsw_put(w, XS_INHERIT, NULL, "%s/device", dom);
    xsw_put(w, XS_RW, NULL, "%s/device/suspend/event-channel", dom);

    xsw_put(w, XS_RO, NULL, "%s", vm);
    xsw_put(w, XS_INHERIT, u, "%s/uuid", vm);
    xsw_put(w, XS_INHERIT, cfg->name, "%s/name", vm);
    snprintf(v, sizeof(v), "%lld", (long long)time(NULL));
    xsw_put(w, XS_INHERIT, v, "%s/start_time", vm);
    xsw_put(w, XS_INHERIT, "linux", "%s/image/ostype", vm);
    xsw_put(w, XS_INHERIT, cfg->kernel, "%s/image/kernel", vm);
    if (cfg->ramdisk[0])
        xsw_put(w, XS_INHERIT, cfg->ramdisk, "%s/image/ramdisk", vm);
    xsw_put(w, XS_INHERIT, cfg->cmdline, "%s/image/cmdline", vm);

    /* libxl's private area: the domain type, so other tools can tell. */
    xsw_put(w, XS_DOM0, "pv", "/libxl/%u/type", domid);
}

static int write_xenstore(struct xs_handle *xs, const struct domain_config *cfg,
                          uint32_t domid, const uint8_t uuid[16],
                          const struct pv_build_result *br, struct errbuf *eb)
{
    char u[37];
    bool pipelined = true;
    int rc = 0;

    xlcfg_uuid_format(uuid, u);
    for (int attempt = 0; attempt < 5; attempt++) {
        struct xsw w = { .xs = xs, .domid = domid };
        struct xs_batch b;

        if (pipelined) {
            rc = xs_batch_start(&b);
            if (rc == 0) {
                w.batch = &b;
                put_nodes(&w, cfg, domid, u, br);
                rc = w.failed ? w.err : xs_batch_commit(&b, w.failed_path, sizeof(w.failed_path));
                xs_batch_close(&b);
                if (rc == 0)
                    return 0;
                if (rc == -EAGAIN)
                    continue;
                return eb_fail(eb, rc, "xenstore write %s", w.failed_path[0] ? w.failed_path :
                               "(pipelined transaction: connection to xenstored)");
            }
            /* No socket (xenstored reached through the kernel's xenbus device): one at a time. */
            xs_batch_close(&b);
            pipelined = false;
        }
        w.t = xs_transaction_start(xs);
        if (w.t == XBT_NULL)
            return eb_fail(eb, -errno ? -errno : -EIO, "xenstore transaction start");
        put_nodes(&w, cfg, domid, u, br);
        if (w.failed) {
            xs_transaction_end(xs, w.t, true);
            return eb_fail(eb, w.err, "xenstore write %s", w.failed_path);
        }
        if (xs_transaction_end(xs, w.t, false))
            return 0;
        if (errno != EAGAIN)
            return eb_fail(eb, -errno, "xenstore transaction commit for domain %u", domid);
    }
    rc = eb_msg(eb, -EAGAIN, "xenstore transaction for domain %u kept conflicting", domid);
    return rc;
}

static int check_config(const struct domain_config *cfg, unsigned flags, struct errbuf *eb)
{
    if (!cfg->name[0])
        return eb_msg(eb, -EINVAL, "%s: the domain needs a name (name=\"...\")",
                      cfg->source_file[0] ? cfg->source_file : "config");
    if (cfg->type[0] && strcmp(cfg->type, "pv") != 0)
        return eb_msg(eb, -EOPNOTSUPP, "type \"%s\" is not supported (only type=\"pv\")", cfg->type);
    if (!cfg->kernel[0])
        return eb_msg(eb, -EINVAL, "no kernel given (kernel=\"...\")");
    if (cfg->memory_mb == 0)
        return eb_msg(eb, -EINVAL, "memory must be at least 1 MiB");
    if (cfg->vcpus == 0 || cfg->maxvcpus < cfg->vcpus)
        return eb_msg(eb, -EINVAL, "vcpus=%u maxvcpus=%u: need 1 <= vcpus <= maxvcpus",
                      cfg->vcpus, cfg->maxvcpus);
    if (cfg->maxmem_mb < cfg->memory_mb)
        return eb_msg(eb, -EINVAL, "maxmem (%" PRIu64 ") is below memory (%" PRIu64 ")",
                      cfg->maxmem_mb, cfg->memory_mb);
    return 0;
}

static int name_in_use(const char *name, struct errbuf *eb)
{
    struct domain_info *list = NULL;
    int n = domain_list(&list, eb);

    if (n < 0)
        return n;
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].name, name) == 0) {
            uint32_t id = list[i].domid;
            free(list);
            return eb_msg(eb, -EEXIST, "domain with name \"%s\" already exists (id %u)", name, id);
        }
    free(list);
    return 0;
}

/* cpus=, cpus_soft= for every vCPU, cpu_weight= and cap=, as libxl applies
 * them before the domain first runs. */
static int apply_sched(xc_handle *xch, uint32_t domid, const struct domain_config *cfg,
                       struct errbuf *eb)
{
    int rc;

    for (unsigned v = 0; (cfg->cpus_hard_set || cfg->cpus_soft_set) && v < cfg->maxvcpus; v++) {
        uint8_t hard[XLCFG_CPUMAP_BYTES], soft[XLCFG_CPUMAP_BYTES];

        /* A list names vCPUs one by one; past its end, "all". */
        if (cfg->cpus_hard_n == 0 || v < cfg->cpus_hard_n)
            memcpy(hard, cfg->cpus_hard[cfg->cpus_hard_n ? v : 0], sizeof(hard));
        else
            memset(hard, 0xff, sizeof(hard));
        if (cfg->cpus_soft_n == 0 || v < cfg->cpus_soft_n)
            memcpy(soft, cfg->cpus_soft[cfg->cpus_soft_n ? v : 0], sizeof(soft));
        else
            memset(soft, 0xff, sizeof(soft));
        rc = xc_vcpu_setaffinity(xch, domid, v, cfg->cpus_hard_set ? hard : NULL,
                                 cfg->cpus_soft_set ? soft : NULL, sizeof(hard), eb);
        if (rc < 0)
            return rc;
    }
    if (cfg->cpu_weight || cfg->cap)
        return xc_sched_credit2_domain_set(xch, domid, cfg->cpu_weight, cfg->cap, eb);
    return 0;
}


int domain_create(const struct domain_config *in, unsigned flags,
                  uint32_t *domid_out, struct errbuf *eb)
{
    return domain_create_with(in, flags, NULL, domid_out, eb);
}

int domain_create_with(const struct domain_config *in, unsigned flags,
                       const struct domain_filler *filler, uint32_t *domid_out,
                       struct errbuf *eb)
{
    struct domain_config cfg = *in;
    /* fd -1: the unwind frees it even when no kernel was loaded (a restore),
     * and a 0 there closed the caller's stdin, a migration's stream. */
    struct pv_kernel kernel = { .fd = -1 };
    struct pv_kernel_opts kopts = { 0 };
    struct pv_build_result br;
    struct xc_physinfo pi;
    struct xs_handle *xs = NULL;
    xc_handle *xch = NULL;
    uint32_t domid = 0;
    bool created = false, introduced = false;
    uint8_t uuid[16];
    int rc;

    /* Defaults the parser may have left unset. */
    if (!cfg.maxvcpus)
        cfg.maxvcpus = cfg.vcpus;
    if (!cfg.maxmem_mb)
        cfg.maxmem_mb = cfg.memory_mb;
    if (filler)
        flags |= DOMAIN_CREATE_NO_KERNEL;
    rc = check_config(&cfg, flags, eb);
    if (rc < 0)
        return rc;
    if (cfg.ramdisk[0] && access(cfg.ramdisk, R_OK) < 0)
        return eb_fail(eb, -errno, "ramdisk %s", cfg.ramdisk);

    xch = xc_open(eb);
    if (!xch)
        return eb ? eb->err : -EIO;
    xs = xs_open(0);
    if (!xs) {
        rc = eb_fail(eb, -errno ? -errno : -ECONNREFUSED, "cannot connect to xenstored");
        goto out;
    }
    xc_trace("create %s: start", cfg.name);
    rc = name_in_use(cfg.name, eb);
    if (rc < 0)
        goto out;

    rc = xc_physinfo(xch, &pi, eb);
    if (rc < 0)
        goto out;
    uint64_t free_mb = pi.free_pages / 256;
    if (cfg.memory_mb > free_mb) {
        rc = eb_msg(eb, -ENOMEM, "memory=%" PRIu64 " MiB is more than the %" PRIu64
                    " MiB free on this host", cfg.memory_mb, free_mb);
        goto out;
    }

    if (!(flags & DOMAIN_CREATE_NO_CACHE))
        kopts.cache_dir = domain_kernel_cache_dir();
    xc_trace("checks done");
    if (!filler) {
        rc = pv_kernel_load(cfg.kernel, &kopts, &kernel, eb);
        if (rc < 0)
            goto out;
        xc_trace("kernel loaded (%s, %zu bytes)", kernel.format, kernel.elf_size);
    }

    if (cfg.uuid_set)
        memcpy(uuid, cfg.uuid, 16);
    else if ((rc = xlcfg_uuid_generate(uuid)) < 0) {
        eb_fail(eb, rc, "generating a UUID");
        goto out;
    }

    struct xc_create c = {
        .flags = 0, .max_vcpus = cfg.maxvcpus, .max_evtchn_port = 1023,
        .max_grant_frames = 64, .max_maptrack_frames = 1024,
    };
    memcpy(c.handle, uuid, 16);
    rc = xc_domain_create(xch, &domid, &c, eb);
    if (rc < 0)
        goto out;
    created = true;
    if ((rc = xc_domain_max_vcpus(xch, domid, cfg.maxvcpus, eb)) < 0)
        goto out;
    if ((rc = apply_sched(xch, domid, &cfg, eb)) < 0)
        goto out;
    /* libxl__build_pre: the hypervisor's limit is the target (memory=), not
     * maxmem; the RAM map reaches maxmem, but the guest gets more only when
     * xl mem-set raises its target (and with it this limit). */
    if ((rc = xc_domain_setmaxmem(xch, domid, cfg.memory_mb * 1024 + MEM_MAXMEM_SLACK_KB, eb)) < 0)
        goto out;
    /* libxl: RAM map up to maxmem (+ slack, which is 0 for PV guests of xl). */
    if ((rc = xc_domain_set_memmap_limit(xch, domid, cfg.maxmem_mb * 1024, eb)) < 0)
        goto out;
    if ((rc = xc_domain_set_address_size(xch, domid, 64, eb)) < 0)
        goto out;
    /* A claim makes "not enough memory" fail here, atomically, not half-way through populating. */
    rc = xc_claim_pages(xch, domid, cfg.memory_mb * 256, eb);
    if (rc == -ENOMEM) {
        eb_clear(eb);
        rc = eb_msg(eb, -ENOMEM, "memory=%" PRIu64 " MiB: the hypervisor cannot provide it "
                    "(claim failed: ENOMEM)", cfg.memory_mb);
        goto out;
    }
    if (rc < 0) {
        /* Hypervisors without claims: populate will tell. */
        eb_clear(eb);
    }

    struct pv_build_args ba = {
        .domid = domid, .nr_pages = cfg.memory_mb * 256, .vcpus = cfg.vcpus,
        .kernel = &kernel, .ramdisk = cfg.ramdisk[0] ? cfg.ramdisk : NULL,
        .cmdline = cfg.cmdline, .store_domid = 0, .console_domid = 0,
        .initrd_cache_dir = kopts.cache_dir,
    };
    xc_trace("domain %u created", domid);
    if (filler) {
        struct domain_filled f = { 0 };
        rc = filler->fill(xch, domid, filler->arg, &f, eb);
        memset(&br, 0, sizeof(br));
        br.store_mfn = f.store_mfn;
        br.console_mfn = f.console_mfn;
        br.store_port = f.store_port;
        br.console_port = f.console_port;
    } else {
        rc = pv_build(xch, &ba, &br, eb);
    }
    /* Release whatever of the claim the build did not consume. */
    xc_claim_pages(xch, domid, 0, NULL);
    if (rc < 0)
        goto out;

    xc_trace("built");
    rc = write_xenstore(xs, &cfg, domid, uuid, &br, eb);
    if (rc < 0)
        goto out;
    xc_trace("xenstore written");
    if (!xs_introduce_domain(xs, domid, br.store_mfn, br.store_port)) {
        rc = eb_fail(eb, -errno ? -errno : -EIO, "xenstore introduce (dom %u)", domid);
        goto out;
    }
    introduced = true;
    xc_trace("xenstore written, introduced");
    if (!(flags & DOMAIN_CREATE_PAUSED)) {
        rc = xc_domain_unpause(xch, domid, eb);
        if (rc < 0)
            goto out;
    }
    *domid_out = domid;
    xc_trace("unpaused");
    rc = 0;
out:
    if (rc < 0 && created) {
        xc_domain_destroy(xch, domid, NULL);
        if (xs) {
            char path[96], u[37];
            if (introduced)
                xs_release_domain(xs, domid);
            snprintf(path, sizeof(path), "/local/domain/%u", domid);
            xs_rm(xs, XBT_NULL, path);
            snprintf(path, sizeof(path), "/libxl/%u", domid);
            xs_rm(xs, XBT_NULL, path);
            xlcfg_uuid_format(uuid, u);
            snprintf(path, sizeof(path), "/vm/%s", u);
            xs_rm(xs, XBT_NULL, path);
        }
    }
    pv_kernel_free(&kernel);
    if (xs)
        xs_close(xs);
    xc_close(xch);
    return rc;
}
