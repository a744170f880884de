/*
 * control.c — the control interface as dom0 sees it (sysctl, domctl,
 * platform_op, physdev_op): interface-version and domain checks, physinfo,
 * the console ring, getdomaininfo of itself, the life of a domain the way a
 * toolstack drives it (createdomain with the domid rover, limits, handle,
 * pause nesting, destroy), and the platform/physdev answers Linux dom0 gets
 * at boot.  Only what both Xen 4.17 and our hypervisor must answer alike is
 * checked; docs/guest-tests.md lists the values seen.
 */
#include "guest.h"
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/platform.h>

const char test_title[] = "control interface (sysctl, domctl, platform_op, physdev_op)";

/* XEN_DOMCTL_scheduler_op's payload (not in our public header). */
struct sched_op_payload {
    uint32_t sched_id, cmd;
    uint16_t weight, cap;
};

static struct xen_domctl dc;
static struct xen_sysctl sc;
static struct xen_platform_op pf;
static char ring[16384];

static long hc_sysctl(void *op) { return hypercall5(35, (unsigned long)op, 0, 0, 0, 0); }
static long hc_domctl(void *op) { return hypercall5(36, (unsigned long)op, 0, 0, 0, 0); }
static long hc_platform_op(void *op) { return hypercall5(7, (unsigned long)op, 0, 0, 0, 0); }

static void dc_init(uint32_t cmd, uint16_t dom)
{
    memset(&dc, 0, sizeof(dc));
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
}

static void sc_init(uint32_t cmd)
{
    memset(&sc, 0, sizeof(sc));
    sc.cmd = cmd;
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
}

static void pf_init(uint32_t cmd)
{
    memset(&pf, 0, sizeof(pf));
    pf.cmd = cmd;
    pf.interface_version = XENPF_INTERFACE_VERSION;
}

static long create(void)
{
    struct xen_domctl_createdomain *c = &dc.u.createdomain;

    dc_init(XEN_DOMCTL_createdomain, 0);
    c->max_vcpus = 1;
    c->max_evtchn_port = 1023;
    c->max_grant_frames = 32;
    c->max_maptrack_frames = 1024;
    c->grant_opts = XEN_DOMCTL_GRANT_version(1);
    for (int i = 0; i < 16; i++)
        c->handle[i] = (uint8_t)(0xa0 + i);
    return hc_domctl(&dc);
}

static void check_sysctl(void)
{
    uint32_t sched;
    long rc;

    sc_init(XEN_SYSCTL_physinfo);
    sc.interface_version = 0x14;
    CHECK_RC("sysctl with version 0x14", hc_sysctl(&sc), -XEN_EACCES);

    sc_init(XEN_SYSCTL_physinfo);
    CHECK_RC("sysctl physinfo", hc_sysctl(&sc), 0);
    printk("physinfo: nr_cpus %u cpu_khz %u total %lu free %lu caps %#x\n",
           sc.u.physinfo.nr_cpus, sc.u.physinfo.cpu_khz,
           (unsigned long)sc.u.physinfo.total_pages, (unsigned long)sc.u.physinfo.free_pages,
           sc.u.physinfo.capabilities);
    if (sc.u.physinfo.nr_cpus < 1 || sc.u.physinfo.nr_nodes != 1)
        test_fail("physinfo: %u CPUs, %u nodes", sc.u.physinfo.nr_cpus, sc.u.physinfo.nr_nodes);
    if (!(sc.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_pv))
        test_fail("physinfo: no PV capability (%#x)", sc.u.physinfo.capabilities);
    if (sc.u.physinfo.free_pages == 0 || sc.u.physinfo.free_pages >= sc.u.physinfo.total_pages)
        test_fail("physinfo: free %lu of %lu pages", (unsigned long)sc.u.physinfo.free_pages,
                  (unsigned long)sc.u.physinfo.total_pages);
    if (sc.u.physinfo.cpu_khz < 100000)
        test_fail("physinfo: cpu_khz %u", sc.u.physinfo.cpu_khz);

    sc_init(XEN_SYSCTL_sched_id);
    CHECK_RC("sysctl sched_id", hc_sysctl(&sc), 0);
    sched = sc.u.sched_id.sched_id;
    printk("sched_id %u\n", sched);

    /* The console ring: Xen's lines, with their prefix. */
    sc_init(XEN_SYSCTL_readconsole);
    sc.u.readconsole.buffer.p = (uint64_t)(uintptr_t)ring;
    sc.u.readconsole.count = sizeof(ring) - 1;
    CHECK_RC("sysctl readconsole", hc_sysctl(&sc), 0);
    ring[sc.u.readconsole.count < sizeof(ring) ? sc.u.readconsole.count : 0] = 0;
    if (sc.u.readconsole.count < 100 || memcmp(ring, "(XEN) ", 6) != 0)
        test_fail("readconsole: %u bytes, starting '%.20s'", sc.u.readconsole.count, ring);
    /* Incremental from the end: nothing new yet. */
    {
        uint32_t idx = sc.u.readconsole.index, total = sc.u.readconsole.count;

        sc_init(XEN_SYSCTL_readconsole);
        sc.u.readconsole.buffer.p = (uint64_t)(uintptr_t)ring;
        sc.u.readconsole.count = sizeof(ring);
        sc.u.readconsole.incremental = 1;
        sc.u.readconsole.index = idx;
        rc = hc_sysctl(&sc);
        CHECK_RC("readconsole incremental", rc, 0);
        if (total < sizeof(ring) - 1 && sc.u.readconsole.count != 0)
            test_fail("readconsole incremental from the end returned %u bytes",
                      sc.u.readconsole.count);
    }
    sc_init(XEN_SYSCTL_readconsole);
    sc.u.readconsole.buffer.p = 0x10;
    sc.u.readconsole.count = 64;
    CHECK_RC("readconsole to an unmapped buffer", hc_sysctl(&sc), -XEN_EFAULT);

    /* The scheduler named by sched_id answers scheduler_op; another does not. */
    {
        struct sched_op_payload *s = (struct sched_op_payload *)&dc.u;

        dc_init(XEN_DOMCTL_scheduler_op, 0);
        s->sched_id = sched;
        s->cmd = 1;                     /* getinfo */
        CHECK_RC("scheduler_op getinfo", hc_domctl(&dc), 0);
        if (s->weight != 256)
            test_fail("scheduler_op: weight %u", s->weight);
        dc_init(XEN_DOMCTL_scheduler_op, 0);
        s->sched_id = 9;                /* null scheduler: not in use */
        s->cmd = 1;
        CHECK_RC("scheduler_op of another scheduler", hc_domctl(&dc), -XEN_EINVAL);
    }
}

/* Xen 4.17 layouts of the payloads below, as raw words at Xen's offsets:
 * public/domctl.h and sysctl.h declare them too, but spelling them out
 * keeps this check independent of our headers. */
struct bitmap64 { uint64_t bitmap; uint32_t nr_bits; uint32_t pad; };

/* Affinity maps, topology, pools and policy sizes on a one-CPU machine. */
static void check_self_maps(void)
{
    static uint8_t map[4];
    uint32_t *w = (uint32_t *)&dc.u;
    struct bitmap64 *b;

    /* getvcpuaffinity(0, hard): CPU 0, the rest of the room zeroed. */
    dc_init(XEN_DOMCTL_getvcpuaffinity, 0);
    w[0] = 0;
    w[1] = 1;                                   /* XEN_VCPUAFFINITY_HARD */
    b = (struct bitmap64 *)&w[2];
    b->bitmap = (uint64_t)(uintptr_t)map;
    b->nr_bits = 16;
    memset(map, 0xee, sizeof(map));
    CHECK_RC("getvcpuaffinity(0)", hc_domctl(&dc), 0);
    if (map[0] != 1 || map[1] != 0 || map[2] != 0xee)
        test_fail("getvcpuaffinity(0): %02x %02x %02x", map[0], map[1], map[2]);
    dc_init(XEN_DOMCTL_getnodeaffinity, 0);
    b = (struct bitmap64 *)&w[0];
    b->bitmap = (uint64_t)(uintptr_t)map;
    b->nr_bits = 16;
    memset(map, 0xee, sizeof(map));
    CHECK_RC("getnodeaffinity(0)", hc_domctl(&dc), 0);
    if (map[0] != 1 || map[1] != 0 || map[2] != 0xee)
        test_fail("getnodeaffinity(0): %02x %02x %02x", map[0], map[1], map[2]);
    /* Per-vCPU scheduler parameters: credit2 has none. */
    dc_init(XEN_DOMCTL_scheduler_op, 0);
    w[0] = 6;
    w[1] = 3;                                   /* getvcpuinfo */
    CHECK_RC("scheduler_op getvcpuinfo", hc_domctl(&dc), -XEN_EINVAL);
    /* The CPU policy's serialised size, asked with null buffers. */
    dc_init(82, 0);                             /* XEN_DOMCTL_get_cpu_policy */
    CHECK_RC("get_cpu_policy sizes", hc_domctl(&dc), 0);
    if (w[0] != 120 || w[1] != 2)
        test_fail("get_cpu_policy sizes: %u leaves, %u MSRs", w[0], w[1]);

    w = (uint32_t *)&sc.u;
    sc_init(16);                                /* XEN_SYSCTL_cputopoinfo */
    CHECK_RC("cputopoinfo count", hc_sysctl(&sc), 0);
    if (w[0] != 1)
        test_fail("cputopoinfo: %u CPUs", w[0]);
    sc_init(17);                                /* XEN_SYSCTL_numainfo */
    CHECK_RC("numainfo count", hc_sysctl(&sc), 0);
    if (w[0] != 1)
        test_fail("numainfo: %u nodes", w[0]);
    sc_init(18);                                /* XEN_SYSCTL_cpupool_op */
    w[0] = 3;                                   /* INFO */
    b = (struct bitmap64 *)&w[6];
    b->bitmap = (uint64_t)(uintptr_t)map;
    b->nr_bits = 16;
    memset(map, 0xee, sizeof(map));
    CHECK_RC("cpupool info 0", hc_sysctl(&sc), 0);
    if (w[1] != 0 || w[2] != 6 || w[5] != 1 || map[0] != 1 || map[1] != 0)
        test_fail("cpupool info: pool %u sched %u n_dom %u map %02x %02x",
                  w[1], w[2], w[5], map[0], map[1]);
    sc_init(18);
    w[0] = 3;
    w[1] = 1;
    CHECK_RC("cpupool info 1", hc_sysctl(&sc), -XEN_ENOENT);
    sc_init(26);                                /* XEN_SYSCTL_get_cpu_featureset */
    w[0] = 2;                                   /* pv */
    CHECK_RC("featureset size", hc_sysctl(&sc), 0);
    if (w[1] != 19)
        test_fail("featureset: %u words", w[1]);
    sc_init(29);                                /* XEN_SYSCTL_get_cpu_policy */
    w[0] = 2;                                   /* pv_max */
    CHECK_RC("sysctl cpu policy sizes", hc_sysctl(&sc), 0);
    if (w[1] != 120 || w[2] != 2)
        test_fail("sysctl cpu policy sizes: %u leaves, %u MSRs", w[1], w[2]);
}

static void check_self(void)
{
    struct xen_domctl_getdomaininfo *gi = &dc.u.getdomaininfo;

    dc_init(XEN_DOMCTL_getdomaininfo, 0);
    dc.interface_version = 0x14;
    CHECK_RC("domctl with version 0x14", hc_domctl(&dc), -XEN_EACCES);

    dc_init(XEN_DOMCTL_getdomaininfo, 0);
    CHECK_RC("getdomaininfo(0)", hc_domctl(&dc), 0);
    printk("dom0: flags %#x tot %lu max %lu vcpus %u/%u si %#lx\n", gi->flags,
           (unsigned long)gi->tot_pages, (unsigned long)gi->max_pages, gi->nr_online_vcpus,
           gi->max_vcpu_id, (unsigned long)gi->shared_info_frame);
    if (gi->domain != 0 || !(gi->flags & XEN_DOMINF_running) ||
        (gi->flags & (XEN_DOMINF_paused | XEN_DOMINF_shutdown | XEN_DOMINF_dying)))
        test_fail("getdomaininfo(0): domain %u flags %#x", gi->domain, gi->flags);
    if (gi->shared_info_frame != start_info->shared_info >> 12)
        test_fail("getdomaininfo(0): shared_info_frame %#lx, start_info says %#lx",
                  (unsigned long)gi->shared_info_frame,
                  (unsigned long)(start_info->shared_info >> 12));
    if ((gi->flags >> XEN_DOMINF_shutdownshift) != 0xffff)
        test_fail("getdomaininfo(0): shutdown code bits %#x before any shutdown",
                  gi->flags >> XEN_DOMINF_shutdownshift);
    if (gi->nr_online_vcpus != 1 || gi->max_vcpu_id != 0 || gi->tot_pages == 0)
        test_fail("getdomaininfo(0): %u vCPUs online, max id %u, %lu pages",
                  gi->nr_online_vcpus, gi->max_vcpu_id, (unsigned long)gi->tot_pages);

    dc_init(XEN_DOMCTL_get_address_size, 0);
    CHECK_RC("get_address_size(0)", hc_domctl(&dc), 0);
    if (dc.u.address_size.size != 64)
        test_fail("get_address_size(0): %u", dc.u.address_size.size);
    dc_init(XEN_DOMCTL_gettscinfo, 0);
    CHECK_RC("gettscinfo on itself", hc_domctl(&dc), -XEN_EINVAL);
    check_self_maps();

    dc_init(XEN_DOMCTL_getdomaininfo, 1);
    CHECK_RC("getdomaininfo(1) with no other domain", hc_domctl(&dc), -XEN_ESRCH);
    dc_init(XEN_DOMCTL_pausedomain, 0);
    CHECK_RC("pausing itself", hc_domctl(&dc), -XEN_EINVAL);
    dc_init(XEN_DOMCTL_pausedomain, 77);
    CHECK_RC("pausing a missing domain", hc_domctl(&dc), -XEN_ESRCH);
    CHECK_RC("domctl from an unmapped buffer", hc_domctl((void *)0x10), -XEN_EFAULT);
}

static void check_domain_life(void)
{
    struct xen_domctl_getdomaininfo *gi = &dc.u.getdomaininfo;
    long rc;

    rc = create();
    CHECK_RC("createdomain", rc, 0);
    if (rc)
        return;
    if (dc.domain != 1)
        test_fail("createdomain: got domain %u, expected 1", dc.domain);

    dc_init(XEN_DOMCTL_max_mem, 1);
    dc.u.max_mem.max_memkb = 8192;
    CHECK_RC("max_mem", hc_domctl(&dc), 0);
    dc_init(XEN_DOMCTL_pausedomain, 1);
    CHECK_RC("pausedomain", hc_domctl(&dc), 0);
    dc_init(XEN_DOMCTL_unpausedomain, 1);
    CHECK_RC("unpausedomain (back to the creation pause)", hc_domctl(&dc), 0);

    dc_init(XEN_DOMCTL_getdomaininfo, 1);
    CHECK_RC("getdomaininfo(1)", hc_domctl(&dc), 0);
    printk("d1: flags %#x tot %lu max %lu vcpus %u/%u\n", gi->flags,
           (unsigned long)gi->tot_pages, (unsigned long)gi->max_pages, gi->nr_online_vcpus,
           gi->max_vcpu_id);
    if (gi->domain != 1 || gi->flags != (XEN_DOMINF_paused | 0xffff0000u))
        test_fail("getdomaininfo(1): domain %u flags %#x", gi->domain, gi->flags);
    if (gi->max_pages != 2048 || gi->handle[15] != 0xaf || gi->tot_pages != 0)
        test_fail("getdomaininfo(1): max_pages %lu, tot_pages %lu, handle[15] %#x",
                  (unsigned long)gi->max_pages, (unsigned long)gi->tot_pages, gi->handle[15]);
    /* Xen 4.17 makes the vCPUs at max_vcpus, not at createdomain. */
    if (gi->max_vcpu_id != XEN_INVALID_MAX_VCPU_ID || gi->nr_online_vcpus != 0)
        test_fail("getdomaininfo(1) before max_vcpus: max_vcpu_id %u, %u online",
                  gi->max_vcpu_id, gi->nr_online_vcpus);

    dc_init(XEN_DOMCTL_getdomaininfo, 0);
    CHECK_RC("getdomaininfo(0) again", hc_domctl(&dc), 0);
    dc_init(XEN_DOMCTL_getvcpuinfo, 1);
    dc.u.getvcpuinfo.vcpu = 3;
    CHECK_RC("getvcpuinfo beyond max_vcpus", hc_domctl(&dc), -XEN_EINVAL);
    dc_init(XEN_DOMCTL_getvcpuinfo, 1);
    dc.u.getvcpuinfo.vcpu = 0;
    CHECK_RC("getvcpuinfo(0) before max_vcpus", hc_domctl(&dc), -XEN_ESRCH);
    dc_init(XEN_DOMCTL_max_vcpus, 1);
    dc.u.max_vcpus.max = 2;
    CHECK_RC("max_vcpus above createdomain's", hc_domctl(&dc), -XEN_EINVAL);
    dc_init(XEN_DOMCTL_max_vcpus, 1);
    dc.u.max_vcpus.max = 1;
    CHECK_RC("max_vcpus as created", hc_domctl(&dc), 0);
    CHECK_RC("max_vcpus as created, again", hc_domctl(&dc), 0);
    dc_init(XEN_DOMCTL_getvcpuinfo, 1);
    dc.u.getvcpuinfo.vcpu = 0;
    CHECK_RC("getvcpuinfo(0)", hc_domctl(&dc), 0);
    if (dc.u.getvcpuinfo.online || dc.u.getvcpuinfo.running)
        test_fail("getvcpuinfo(0): online %u running %u before any context",
                  dc.u.getvcpuinfo.online, dc.u.getvcpuinfo.running);
    dc_init(XEN_DOMCTL_getdomaininfo, 1);
    CHECK_RC("getdomaininfo(1) after max_vcpus", hc_domctl(&dc), 0);
    if (gi->max_vcpu_id != 0 || gi->nr_online_vcpus != 0 ||
        gi->flags != (XEN_DOMINF_paused | 0xffff0000u))
        test_fail("getdomaininfo(1) after max_vcpus: max_vcpu_id %u, %u online, flags %#x",
                  gi->max_vcpu_id, gi->nr_online_vcpus, gi->flags);
    dc_init(XEN_DOMCTL_set_address_size, 1);
    dc.u.address_size.size = 32;
    CHECK_RC("set_address_size 32 (no 32-bit PV)", hc_domctl(&dc), -XEN_EOPNOTSUPP);
    dc_init(XEN_DOMCTL_set_address_size, 1);
    dc.u.address_size.size = 64;
    CHECK_RC("set_address_size 64", hc_domctl(&dc), 0);

    dc_init(XEN_DOMCTL_destroydomain, 1);
    CHECK_RC("destroydomain", hc_domctl(&dc), 0);
    dc_init(XEN_DOMCTL_getdomaininfo, 1);
    rc = hc_domctl(&dc);
    if (rc != -XEN_ESRCH && !(rc == 0 && (gi->flags & XEN_DOMINF_dying)))
        test_fail("getdomaininfo after destroy: rc %ld flags %#x", rc, gi->flags);

    /* The rover moves on: the next domain is 2, not 1 again. */
    rc = create();
    CHECK_RC("createdomain again", rc, 0);
    if (rc == 0) {
        if (dc.domain != 2)
            test_fail("second createdomain: got domain %u, expected 2", dc.domain);
        {
            uint16_t id = dc.domain;

            dc_init(XEN_DOMCTL_destroydomain, id);
            CHECK_RC("destroydomain 2", hc_domctl(&dc), 0);
        }
    }
}

static void check_platform_physdev(void)
{
    struct physdev_irq_status_query q = { .irq = 4 };
    struct physdev_irq irq = { .irq = 4 };

    pf_init(XENPF_get_cpuinfo);
    pf.interface_version = 0x03000000;
    CHECK_RC("platform_op with an old version", hc_platform_op(&pf), -XEN_EACCES);

    pf_init(XENPF_get_cpuinfo);
    CHECK_RC("get_cpuinfo(0)", hc_platform_op(&pf), 0);
    if (!(pf.u.pcpu_info.flags & XEN_PCPU_FLAGS_ONLINE))
        test_fail("get_cpuinfo(0): flags %#x", pf.u.pcpu_info.flags);
    pf_init(XENPF_get_cpuinfo);
    pf.u.pcpu_info.xen_cpuid = 200;
    CHECK_RC("get_cpuinfo(200)", hc_platform_op(&pf), 0);
    if (!(pf.u.pcpu_info.flags & XEN_PCPU_FLAGS_INVALID))
        test_fail("get_cpuinfo(200): flags %#x", pf.u.pcpu_info.flags);

    pf_init(XENPF_firmware_info);
    pf.u.firmware_info.type = XEN_FW_DISK_INFO;
    CHECK_RC("firmware_info disk 0 (no EDD)", hc_platform_op(&pf), -XEN_ESRCH);
    pf_init(XENPF_firmware_info);
    pf.u.firmware_info.type = XEN_FW_DISK_MBR_SIGNATURE;
    CHECK_RC("firmware_info MBR signature 0", hc_platform_op(&pf), -XEN_ESRCH);
    pf_init(XENPF_firmware_info);
    pf.u.firmware_info.type = XEN_FW_EFI_INFO;
    CHECK_RC("firmware_info EFI (not an EFI boot)", hc_platform_op(&pf), -XEN_ENOSYS);
    pf_init(XENPF_firmware_info);
    pf.u.firmware_info.type = XEN_FW_KBD_SHIFT_FLAGS;
    CHECK_RC("firmware_info keyboard flags", hc_platform_op(&pf), 0);
    pf_init(XENPF_firmware_info);
    pf.u.firmware_info.type = 99;
    CHECK_RC("firmware_info unknown type", hc_platform_op(&pf), -XEN_EINVAL);
    pf_init(XENPF_settime64);
    pf.u.settime64.mbz = 1;
    CHECK_RC("settime64 with mbz set", hc_platform_op(&pf), -XEN_EINVAL);
    pf_init(1000);
    CHECK_RC("unknown platform_op", hc_platform_op(&pf), -XEN_ENOSYS);

    CHECK_RC("irq_status_query 4", hc_physdev_op(PHYSDEVOP_irq_status_query, &q), 0);
    if (!(q.flags & XENIRQSTAT_needs_eoi))
        test_fail("irq_status_query 4: flags %#x", q.flags);
    q.irq = 100000;
    CHECK_RC("irq_status_query 100000", hc_physdev_op(PHYSDEVOP_irq_status_query, &q), -XEN_EINVAL);
    {
        struct physdev_eoi eoi = { .irq = 4 };
        struct physdev_unmap_pirq unmap = { .domid = DOMID_SELF, .pirq = 30 };

        CHECK_RC("eoi of an unmapped pirq", hc_physdev_op(PHYSDEVOP_eoi, &eoi), -XEN_EINVAL);
        CHECK_RC("unmap_pirq of an unmapped pirq", hc_physdev_op(PHYSDEVOP_unmap_pirq, &unmap),
                 -XEN_EINVAL);
    }
    CHECK_RC("alloc_irq_vector 4", hc_physdev_op(PHYSDEVOP_alloc_irq_vector, &irq), 0);
    if (irq.vector != 4)
        test_fail("alloc_irq_vector 4: vector %u", irq.vector);
}

void test_main(void)
{
    check_sysctl();
    check_self();
    check_domain_life();
    check_platform_physdev();
}
