/*
 * sysctl.c — host-wide queries: physinfo, scheduler id, the hypervisor
 * console ring, the domain list, and xen_version strings for `xl info`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include <public/version.h>

int xc_physinfo(xc_handle *xch, struct xc_physinfo *pi, struct errbuf *eb)
{
    struct xen_sysctl *s = sysctl_start(xch, XEN_SYSCTL_physinfo);
    int rc;

    if (!s)
        return eb_fail(eb, -ENOMEM, "sysctl physinfo");
    rc = do_sysctl(xch, s);
    if (rc == 0) {
        const struct xen_sysctl_physinfo *p = &s->u.physinfo;
        memset(pi, 0, sizeof(*pi));
        pi->threads_per_core = p->threads_per_core;
        pi->cores_per_socket = p->cores_per_socket;
        pi->nr_cpus = p->nr_cpus;
        pi->max_cpu_id = p->max_cpu_id;
        pi->nr_nodes = p->nr_nodes;
        pi->max_node_id = p->max_node_id;
        pi->cpu_khz = p->cpu_khz;
        pi->capabilities = p->capabilities;
        pi->arch_capabilities = p->arch_capabilities;
        pi->total_pages = p->total_pages;
        pi->free_pages = p->free_pages;
        pi->scrub_pages = p->scrub_pages;
        pi->outstanding_pages = p->outstanding_pages;
        pi->max_mfn = p->max_mfn;
        memcpy(pi->hw_cap, p->hw_cap, sizeof(pi->hw_cap));
    }
    hbuf_free(s, sizeof(*s));
    if (rc < 0)
        return eb_fail(eb, rc, "sysctl physinfo");
    return 0;
}

int xc_sched_id(xc_handle *xch, int *sched_id, struct errbuf *eb)
{
    struct xen_sysctl *s = sysctl_start(xch, XEN_SYSCTL_sched_id);
    int rc;

    if (!s)
        return eb_fail(eb, -ENOMEM, "sysctl sched_id");
    rc = do_sysctl(xch, s);
    if (rc == 0)
        *sched_id = (int)s->u.sched_id.sched_id;
    hbuf_free(s, sizeof(*s));
    if (rc < 0)
        return eb_fail(eb, rc, "sysctl sched_id");
    return 0;
}

int xc_readconsole(xc_handle *xch, char *buf, size_t *len, bool clear,
                   uint32_t *index, struct errbuf *eb)
{
    struct xen_sysctl *s = sysctl_start(xch, XEN_SYSCTL_readconsole);
    size_t want = *len;
    char *hb = hbuf_alloc(xch, want);
    int rc;

    if (!s || !hb) {
        rc = eb_fail(eb, -ENOMEM, "sysctl readconsole");
        goto out;
    }
    s->u.readconsole.clear = clear;
    s->u.readconsole.incremental = index != NULL;
    s->u.readconsole.index = index ? *index : 0;
    s->u.readconsole.buffer.p = (uint64_t)(uintptr_t)hb;
    s->u.readconsole.count = (uint32_t)want;
    rc = do_sysctl(xch, s);
    if (rc < 0) {
        eb_fail(eb, rc, "sysctl readconsole");
        goto out;
    }
    *len = s->u.readconsole.count <= want ? s->u.readconsole.count : want;
    memcpy(buf, hb, *len);
    if (index)
        *index = s->u.readconsole.index;
out:
    hbuf_free(hb, want);
    hbuf_free(s, sizeof(*s));
    return rc;
}

int xc_send_debug_keys(xc_handle *xch, const char *keys, struct errbuf *eb)
{
    struct xen_sysctl *s = sysctl_start(xch, XEN_SYSCTL_debug_keys);
    size_t len = strlen(keys);
    char *hb = hbuf_alloc(xch, len + 1);
    int rc;

    if (!s || !hb) {
        rc = eb_fail(eb, -ENOMEM, "sysctl debug_keys");
        goto out;
    }
    memcpy(hb, keys, len + 1);
    s->u.debug_keys.keys.p = (uint64_t)(uintptr_t)hb;
    s->u.debug_keys.nr_keys = (uint32_t)len;
    rc = do_sysctl(xch, s);
    if (rc < 0)
        eb_fail(eb, rc, "sysctl debug_keys");
out:
    hbuf_free(hb, len + 1);
    hbuf_free(s, sizeof(*s));
    return rc;
}

int xc_domain_getinfolist(xc_handle *xch, uint32_t first, unsigned max,
                          struct xc_dominfo *out, struct errbuf *eb)
{
    size_t bytes = (size_t)max * sizeof(struct xen_domctl_getdomaininfo);
    struct xen_domctl_getdomaininfo *raw = hbuf_alloc(xch, bytes);
    struct xen_sysctl *s = sysctl_start(xch, XEN_SYSCTL_getdomaininfolist);
    int rc;

    if (!raw || !s) {
        rc = eb_fail(eb, -ENOMEM, "sysctl getdomaininfolist");
        goto out;
    }
    s->u.getdomaininfolist.first_domain = (uint16_t)first;
    s->u.getdomaininfolist.max_domains = max;
    s->u.getdomaininfolist.buffer.p = (uint64_t)(uintptr_t)raw;
    rc = do_sysctl(xch, s);
    if (rc < 0) {
        eb_fail(eb, rc, "sysctl getdomaininfolist (from dom %u)", first);
        goto out;
    }
    rc = (int)(s->u.getdomaininfolist.num_domains <= max ?
               s->u.getdomaininfolist.num_domains : max);
    for (int i = 0; i < rc; i++)
        dominfo_from_raw(&out[i], &raw[i]);
out:
    hbuf_free(raw, bytes);
    hbuf_free(s, sizeof(*s));
    return rc;
}

/* xen_version sub-op into a bounce buffer of len bytes, copied to dst. */
static long xenver(xc_handle *xch, int cmd, void *dst, size_t len)
{
    void *hb = len ? hbuf_alloc(xch, len) : NULL;
    long rc;

    if (len && !hb)
        return -ENOMEM;
    rc = xc_hypercall(xch, __HYPERVISOR_xen_version, (uint64_t)cmd,
                      (uint64_t)(uintptr_t)hb, 0, 0, 0);
    if (rc >= 0 && len)
        memcpy(dst, hb, len);
    hbuf_free(hb, len);
    return rc;
}

int xc_version_get(xc_handle *xch, struct xc_version *v, struct errbuf *eb)
{
    long rc;
    xen_compile_info_t ci;
    xen_platform_parameters_t pp;

    memset(v, 0, sizeof(*v));
    rc = xenver(xch, XENVER_version, NULL, 0);
    if (rc < 0)
        return eb_fail(eb, (int)rc, "xen_version version");
    v->major = (int)(rc >> 16);
    v->minor = (int)(rc & 0xffff);
    if ((rc = xenver(xch, XENVER_extraversion, v->extra, sizeof(v->extra) - 1)) < 0)
        return eb_fail(eb, (int)rc, "xen_version extraversion");
    if ((rc = xenver(xch, XENVER_capabilities, v->caps, sizeof(v->caps) - 1)) < 0)
        return eb_fail(eb, (int)rc, "xen_version capabilities");
    if ((rc = xenver(xch, XENVER_changeset, v->changeset, sizeof(v->changeset) - 1)) < 0)
        return eb_fail(eb, (int)rc, "xen_version changeset");
    /* The remaining ones are informational: tolerate hypervisors without them. */
    if (xenver(xch, XENVER_commandline, v->commandline, sizeof(v->commandline) - 1) < 0)
        v->commandline[0] = 0;
    memset(&ci, 0, sizeof(ci));
    if (xenver(xch, XENVER_compile_info, &ci, sizeof(ci)) >= 0) {
        snprintf(v->compiler, sizeof(v->compiler), "%.*s", (int)sizeof(ci.compiler), ci.compiler);
        snprintf(v->compile_by, sizeof(v->compile_by), "%.*s", (int)sizeof(ci.compile_by), ci.compile_by);
        snprintf(v->compile_domain, sizeof(v->compile_domain), "%.*s",
                 (int)sizeof(ci.compile_domain), ci.compile_domain);
        snprintf(v->compile_date, sizeof(v->compile_date), "%.*s",
                 (int)sizeof(ci.compile_date), ci.compile_date);
    }
    memset(&pp, 0, sizeof(pp));
    if (xenver(xch, XENVER_platform_parameters, &pp, sizeof(pp)) >= 0)
        v->virt_start = pp.virt_start;
    rc = xenver(xch, XENVER_pagesize, NULL, 0);
    v->pagesize = rc > 0 ? (uint32_t)rc : 4096;

    /* build_id: {uint32 len; bytes}; printed as hex like xl does. */
    unsigned char bid[4 + 64];
    memset(bid, 0, sizeof(bid));
    uint32_t blen = sizeof(bid) - 4;
    memcpy(bid, &blen, 4);
    void *hb = hbuf_alloc(xch, sizeof(bid));
    if (hb) {
        memcpy(hb, bid, sizeof(bid));
        rc = xc_hypercall(xch, __HYPERVISOR_xen_version, XENVER_build_id,
                          (uint64_t)(uintptr_t)hb, 0, 0, 0);
        if (rc > 0 && rc <= 64) {
            memcpy(bid, hb, sizeof(bid));
            for (long i = 0; i < rc; i++)
                snprintf(v->build_id + 2 * i, 3, "%02x", bid[4 + i]);
        }
        hbuf_free(hb, sizeof(bid));
    }
    return 0;
}
