/*
 * test_sysctl.c — XEN_SYSCTL_* through do_sysctl(): entry checks,
 * readconsole (whole, incremental, clear, chunked, overwritten ring),
 * physinfo, sched_id, getdomaininfolist across gaps, topology, NUMA,
 * cpupools, featuresets and CPU policies, debug keys (the 'q' dump of a
 * dying domain and what holds it).
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/domheap.h>
#include <xen/perfc.h>
#include "harness.h"

TestSuite(sysctl, .init = h_setup, .fini = h_teardown);

static long simple(uint32_t cmd)
{
    struct xen_sysctl op;

    h_sysctl_init(&op, cmd);
    return h_sysctl(&op);
}

Test(sysctl, entry_checks)
{
    struct xen_sysctl op;
    struct domain *u;

    h_make_dom0();
    h_sysctl_init(&op, XEN_SYSCTL_sched_id);
    op.interface_version = 0x13;
    cr_assert_eq(h_sysctl(&op), -EACCES);
    cr_assert_eq(do_sysctl((XEN_GUEST_HANDLE_PARAM(void)){ H_BAD_PTR }), -EFAULT);
    cr_assert_eq(simple(XEN_SYSCTL_tbuf_op), -ENOSYS);
    cr_assert_eq(simple(0xdead), -ENOSYS);
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    h_run_as(u->vcpu[0]);
    cr_assert_eq(simple(XEN_SYSCTL_sched_id), -EPERM);
    cr_assert_eq(simple(XEN_SYSCTL_physinfo), -EPERM);
}

Test(sysctl, sched_id_is_credit2_as_xen_4_17)
{
    struct xen_sysctl op;

    h_make_dom0();
    h_sysctl_init(&op, XEN_SYSCTL_sched_id);
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.sched_id.sched_id, XEN_SCHEDULER_CREDIT2);
}

Test(sysctl, physinfo)
{
    struct xen_sysctl op;
    struct xen_sysctl_physinfo *pi = &op.u.physinfo;
    struct domain *d;

    h_make_dom0();
    cr_assert_eq(domain_create(1, 0, 1, &d), 0);
    d->max_pages = 100;
    cr_assert_not_null(alloc_domheap_pages(d, 4, 0));
    h_sysctl_init(&op, XEN_SYSCTL_physinfo);
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(pi->threads_per_core, 1);
    cr_assert_eq(pi->cores_per_socket, 1);
    cr_assert_eq(pi->nr_cpus, 2, "the machine's processors");
    cr_assert_eq(pi->max_cpu_id, 1);
    cr_assert_eq(pi->nr_nodes, 1);
    cr_assert_eq(pi->cpu_khz, 2000000);
    cr_assert_eq(pi->capabilities, XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1 |
                                     XEN_SYSCTL_PHYSCAP_gnttab_v2);
    cr_assert_eq(pi->total_pages, H_FRAMES, "total_pages is the machine's RAM, not the heap's");
    cr_assert_eq(pi->free_pages, heap_free_pages());
    cr_assert(pi->free_pages < initial_free - 16);
    cr_assert_eq(pi->scrub_pages, 0);
    cr_assert_eq(pi->max_mfn, H_FRAMES - 1);
    cr_assert(pi->hw_cap[1] & CPUID1_ECX_VMX, "hw_cap is the host's leaf 1 ECX");
}

Test(sysctl, getdomaininfolist_across_gaps)
{
    struct xen_sysctl op;
    struct xen_domctl_getdomaininfo info[8];
    struct domain *d;

    h_make_dom0();
    cr_assert_eq(domain_create(1, 0, 1, &d), 0);
    cr_assert_eq(domain_create(2, 0, 2, &d), 0);
    cr_assert_eq(domain_create(9, 0, 1, &d), 0);
    unsigned int refs = d->refcnt;
    h_sysctl_init(&op, XEN_SYSCTL_getdomaininfolist);
    op.u.getdomaininfolist.first_domain = 0;
    op.u.getdomaininfolist.max_domains = 8;
    op.u.getdomaininfolist.buffer.p = (uint64_t)(uintptr_t)info;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.getdomaininfolist.num_domains, 4);
    cr_assert_eq(info[0].domain, 0);
    cr_assert_eq(info[2].domain, 2);
    cr_assert_eq(info[2].max_vcpu_id, 1);
    cr_assert_eq(info[3].domain, 9);

    op.u.getdomaininfolist.first_domain = 2;
    op.u.getdomaininfolist.max_domains = 1;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.getdomaininfolist.num_domains, 1);
    cr_assert_eq(info[0].domain, 2);

    op.u.getdomaininfolist.first_domain = 3;
    op.u.getdomaininfolist.max_domains = 8;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.getdomaininfolist.num_domains, 1);
    cr_assert_eq(info[0].domain, 9);

    op.u.getdomaininfolist.first_domain = 10;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.getdomaininfolist.num_domains, 0);
    op.u.getdomaininfolist.first_domain = DOMID_SELF;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.getdomaininfolist.num_domains, 0);

    op.u.getdomaininfolist.first_domain = 0;
    op.u.getdomaininfolist.max_domains = 0;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.getdomaininfolist.num_domains, 0);

    op.u.getdomaininfolist.max_domains = 8;
    op.u.getdomaininfolist.buffer.p = H_BAD_GUEST_ADDR;
    cr_assert_eq(h_sysctl(&op), -EFAULT);
    /* Every reference taken while walking was dropped again. */
    cr_assert_eq(d->refcnt, refs);
}

/* ------------------------------------------------------------ console */

static long readconsole(char *buf, uint32_t count, bool incremental, uint32_t *index,
                        bool clear, uint32_t *got)
{
    struct xen_sysctl op;
    long rc;

    h_sysctl_init(&op, XEN_SYSCTL_readconsole);
    op.u.readconsole.buffer.p = (uint64_t)(uintptr_t)buf;
    op.u.readconsole.count = count;
    op.u.readconsole.incremental = incremental;
    op.u.readconsole.clear = clear;
    op.u.readconsole.index = index ? *index : 0;
    rc = h_sysctl(&op);
    if (index)
        *index = op.u.readconsole.index;
    *got = op.u.readconsole.count;
    return rc;
}

Test(sysctl, readconsole_whole_and_incremental)
{
    static char buf[4096];
    uint32_t idx = 0, got;

    h_make_dom0();
    cr_assert_eq(readconsole(buf, sizeof(buf), false, NULL, true, &got), 0);
    printk("first line\n");
    cr_assert_eq(readconsole(buf, sizeof(buf), false, &idx, false, &got), 0);
    buf[got] = 0;
    cr_assert_str_eq(buf, "(XEN) first line\n");
    cr_assert_eq(idx, (uint32_t)console_ring_written());

    printk("second line\n");
    cr_assert_eq(readconsole(buf, sizeof(buf), true, &idx, false, &got), 0);
    buf[got] = 0;
    cr_assert_str_eq(buf, "(XEN) second line\n", "only the new text");
    cr_assert_eq(readconsole(buf, sizeof(buf), true, &idx, false, &got), 0);
    cr_assert_eq(got, 0, "nothing new");

    /* A non-incremental read still returns everything (no clear yet). */
    cr_assert_eq(readconsole(buf, sizeof(buf), false, NULL, false, &got), 0);
    buf[got] = 0;
    cr_assert_str_eq(buf, "(XEN) first line\n(XEN) second line\n");
}

Test(sysctl, readconsole_clear_like_xl_dmesg_c)
{
    static char buf[4096];
    uint32_t got;

    h_make_dom0();
    cr_assert_eq(readconsole(buf, sizeof(buf), false, NULL, true, &got), 0);
    printk("old\n");
    cr_assert_eq(readconsole(buf, sizeof(buf), false, NULL, true, &got), 0);
    cr_assert_eq(got, 10);
    cr_assert_eq(readconsole(buf, sizeof(buf), false, NULL, false, &got), 0);
    cr_assert_eq(got, 0, "cleared");
    printk("new\n");
    cr_assert_eq(readconsole(buf, sizeof(buf), false, NULL, false, &got), 0);
    buf[got] = 0;
    cr_assert_str_eq(buf, "(XEN) new\n");
}

Test(sysctl, readconsole_small_buffer_and_chunks)
{
    static char buf[4096], all[4096];
    uint32_t idx = 0, got, total = 0;

    h_make_dom0();
    cr_assert_eq(readconsole(buf, sizeof(buf), false, &idx, true, &got), 0);
    uint64_t start = console_ring_written();
    for (int i = 0; i < 40; i++)
        printk("line %d of the log with some padding text\n", i);
    /* Read it 100 bytes at a time through the incremental index. */
    do {
        cr_assert_eq(readconsole(buf, 100, true, &idx, false, &got), 0);
        cr_assert_leq(got, 100);
        memcpy(all + total, buf, got);
        total += got;
    } while (got == 100);
    cr_assert_eq(total, console_ring_written() - start);
    cr_assert_eq(readconsole(buf, sizeof(buf), false, NULL, false, &got), 0);
    cr_assert_eq(got, total);
    cr_assert_eq(memcmp(buf, all, total), 0);

    /* A clearing read of part of the ring clears only what it returned. */
    cr_assert_eq(readconsole(buf, 50, false, NULL, true, &got), 0);
    cr_assert_eq(got, 50);
    cr_assert_eq(readconsole(buf, sizeof(buf), false, NULL, false, &got), 0);
    cr_assert_eq(got, total - 50);
    cr_assert_eq(memcmp(buf, all + 50, got), 0);

    cr_assert_eq(readconsole(H_BAD_PTR, 10, false, NULL, false, &got), -EFAULT);
    cr_assert_eq(readconsole(buf, 0, false, NULL, false, &got), 0);
    cr_assert_eq(got, 0);
}

Test(sysctl, readconsole_after_the_ring_wrapped)
{
    static char buf[CONSOLE_RING_SIZE + 100];
    uint32_t idx = 5, got;

    h_make_dom0();
    for (int i = 0; i < 3000; i++)
        printk("%04d ..................................\n", i);
    cr_assert(console_ring_written() > CONSOLE_RING_SIZE);
    cr_assert_eq(readconsole(buf, sizeof(buf), false, NULL, false, &got), 0);
    cr_assert_eq(got, CONSOLE_RING_SIZE, "the newest 64 KiB");
    cr_assert_eq(buf[got - 1], '\n');
    /* An incremental index that fell out of the ring restarts at the oldest. */
    cr_assert_eq(readconsole(buf, sizeof(buf), true, &idx, false, &got), 0);
    cr_assert_eq(got, CONSOLE_RING_SIZE);
    cr_assert_eq(idx, (uint32_t)console_ring_written());
}

/* ---------------------------------------------------- topology, pools */

Test(sysctl, cputopoinfo_and_numainfo)
{
    struct xen_sysctl op;
    struct xen_sysctl_cputopo topo[3];
    struct xen_sysctl_meminfo mi[2];
    uint32_t dist[4] = { 0 };

    h_make_dom0();
    h_sysctl_init(&op, XEN_SYSCTL_cputopoinfo);
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.cputopoinfo.num_cpus, 2, "count asked with a null handle: the machine's CPUs");
    op.u.cputopoinfo.cputopo.p = (uint64_t)(uintptr_t)topo;
    op.u.cputopoinfo.num_cpus = 1;
    cr_assert_eq(h_sysctl(&op), -ENOBUFS);
    cr_assert_eq(op.u.cputopoinfo.num_cpus, 2, "the needed size comes back");
    memset(topo, 0xff, sizeof(topo));
    op.u.cputopoinfo.num_cpus = 3;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.cputopoinfo.num_cpus, 2);
    cr_assert_eq(topo[0].core + topo[0].socket + topo[0].node, 0);
    cr_assert_eq(topo[1].socket, 1);
    cr_assert_eq(topo[2].core, 0xffffffffu, "nothing written past the CPUs");
    op.u.cputopoinfo.cputopo.p = H_BAD_GUEST_ADDR;
    cr_assert_eq(h_sysctl(&op), -EFAULT);

    h_sysctl_init(&op, XEN_SYSCTL_numainfo);
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.numainfo.num_nodes, 1);
    op.u.numainfo.meminfo.p = (uint64_t)(uintptr_t)mi;
    op.u.numainfo.distance.p = (uint64_t)(uintptr_t)dist;
    op.u.numainfo.num_nodes = 0;
    cr_assert_eq(h_sysctl(&op), -ENOBUFS);
    op.u.numainfo.num_nodes = 2;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.numainfo.num_nodes, 1);
    cr_assert_eq(mi[0].memsize, (uint64_t)(H_FRAMES - 1) * 4096);
    cr_assert_eq(mi[0].memfree, (uint64_t)heap_free_pages() * 4096);
    cr_assert_eq(dist[0], 10);
}

Test(sysctl, cpupool_info)
{
    struct xen_sysctl op;
    uint8_t map[4];
    struct domain *d;

    h_make_dom0();
    cr_assert_eq(domain_create(3, 0, 1, &d), 0);
    h_sysctl_init(&op, XEN_SYSCTL_cpupool_op);
    op.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
    memset(map, 0xff, sizeof(map));
    op.u.cpupool_op.cpumap.bitmap.p = map;
    op.u.cpupool_op.cpumap.nr_bits = 32;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.cpupool_op.cpupool_id, 0);
    cr_assert_eq(op.u.cpupool_op.sched_id, XEN_SCHEDULER_CREDIT2);
    cr_assert_eq(op.u.cpupool_op.n_dom, 2);
    cr_assert_eq(map[0], 1);
    cr_assert_eq(map[1] | map[2] | map[3], 0);
    op.u.cpupool_op.cpupool_id = 1;
    cr_assert_eq(h_sysctl(&op), -ENOENT);
    op.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_FREEINFO;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(map[0], 0);
    op.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_CREATE;
    cr_assert_eq(h_sysctl(&op), -EOPNOTSUPP);
    op.u.cpupool_op.op = 99;
    cr_assert_eq(h_sysctl(&op), -ENOSYS);
    op.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
    op.u.cpupool_op.cpupool_id = 0;
    op.u.cpupool_op.cpumap.bitmap.p = H_BAD_PTR;
    cr_assert_eq(h_sysctl(&op), -EFAULT);
}

/* ------------------------------------------------------- CPU features */

Test(sysctl, cpu_featureset)
{
    struct xen_sysctl op;
    uint32_t fs[CTL_FEATURESET_WORDS + 2];

    h_make_dom0();
    h_sysctl_init(&op, XEN_SYSCTL_get_cpu_featureset);
    op.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_host;
    op.u.cpu_featureset.nr_features = CTL_FEATURESET_WORDS + 2;
    op.u.cpu_featureset.features.p = (uint64_t)(uintptr_t)fs;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.cpu_featureset.nr_features, CTL_FEATURESET_WORDS);
    cr_assert(fs[1] & CPUID1_ECX_VMX);
    cr_assert(fs[2] & CPUIDE1_EDX_LM);

    op.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_pv;
    op.u.cpu_featureset.nr_features = CTL_FEATURESET_WORDS;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(fs[1] & CPUID1_ECX_VMX, 0, "hidden from PV guests");
    cr_assert_eq(fs[5] & CPUID7_EBX_SMEP, 0);

    /* A short buffer gets what fits; the full count still comes back. */
    fs[2] = 0x12345678;
    op.u.cpu_featureset.nr_features = 2;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(fs[2], 0x12345678);
    cr_assert_eq(op.u.cpu_featureset.nr_features, CTL_FEATURESET_WORDS);

    op.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_hvm;
    cr_assert_eq(h_sysctl(&op), -EOPNOTSUPP);
    op.u.cpu_featureset.index = 6;
    cr_assert_eq(h_sysctl(&op), -EINVAL);
    op.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_raw;
    op.u.cpu_featureset.features.p = H_BAD_GUEST_ADDR;
    cr_assert_eq(h_sysctl(&op), -EFAULT);
}

Test(sysctl, cpu_policy)
{
    struct xen_sysctl op;
    xen_cpuid_leaf_t leaves[CTL_CPUID_MAX_LEAVES];
    xen_msr_entry_t msrs[CTL_MSR_MAX_ENTRIES];
    bool seen_vmx = false;

    h_make_dom0();
    h_sysctl_init(&op, XEN_SYSCTL_get_cpu_policy);
    op.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_host;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.cpu_policy.nr_leaves, CTL_CPUID_MAX_LEAVES);
    op.u.cpu_policy.leaves.p = (uint64_t)(uintptr_t)leaves;
    op.u.cpu_policy.msrs.p = (uint64_t)(uintptr_t)msrs;
    cr_assert_eq(h_sysctl(&op), 0);
    for (uint32_t i = 0; i < op.u.cpu_policy.nr_leaves; i++)
        if (leaves[i].leaf == 1)
            seen_vmx = leaves[i].c & CPUID1_ECX_VMX;
    cr_assert(seen_vmx, "the host policy is the hardware's");
    cr_assert_eq(leaves[0].leaf, 0);
    cr_assert_eq(leaves[0].b, 0x756e6547);

    op.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_pv_default;
    cr_assert_eq(h_sysctl(&op), 0);
    for (uint32_t i = 0; i < op.u.cpu_policy.nr_leaves; i++)
        if (leaves[i].leaf == 1)
            cr_assert_eq(leaves[i].c & CPUID1_ECX_VMX, 0);
    op.u.cpu_policy.nr_msrs = 1;
    cr_assert_eq(h_sysctl(&op), -ENOBUFS);
    op.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_hvm_max;
    cr_assert_eq(h_sysctl(&op), -EOPNOTSUPP);
    op.u.cpu_policy.index = 9;
    cr_assert_eq(h_sysctl(&op), -EINVAL);
}

/*
 * libxenguest (xc_cpuid_apply_policy) sizes its buffer from the count a
 * get_cpu_policy returned, then re-serialises the policy with Xen's
 * x86_cpuid_copy_to_buffer into it: our serialisation must list every
 * leaf that function emits (Debian's xl failed with "Failed to serialise
 * CPUID (105 = No buffer space available)" when it did not).
 */
Test(sysctl, cpu_policy_lists_the_leaves_libxenguest_serialises)
{
    struct xen_sysctl op;
    static xen_cpuid_leaf_t leaves[CTL_CPUID_MAX_LEAVES];
    bool hv = false, hv2 = false, leaf4_null_last = false;
    uint32_t n, nr_leaf4 = 0, nr_leafb = 0;

    h_make_dom0();
    h_sysctl_init(&op, XEN_SYSCTL_get_cpu_policy);
    op.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_pv_default;
    op.u.cpu_policy.nr_leaves = CTL_CPUID_MAX_LEAVES;
    op.u.cpu_policy.leaves.p = (uint64_t)(uintptr_t)leaves;
    cr_assert_eq(h_sysctl(&op), 0);
    n = op.u.cpu_policy.nr_leaves;
    cr_assert(n > 0 && n < CTL_CPUID_MAX_LEAVES);
    for (uint32_t i = 0; i < n; i++) {
        if (leaves[i].leaf == 0x40000000u && leaves[i].subleaf == XEN_CPUID_NO_SUBLEAF)
            hv = true;
        if (leaves[i].leaf == 0x40000100u && leaves[i].subleaf == XEN_CPUID_NO_SUBLEAF)
            hv2 = true;
        if (leaves[i].leaf == 4) {
            nr_leaf4++;
            leaf4_null_last = (leaves[i].a & 0x1f) == 0;
        }
        if (leaves[i].leaf == 0xb)
            nr_leafb++;
        if (i > 0)
            cr_assert(leaves[i].leaf > leaves[i - 1].leaf ||
                      (leaves[i].leaf == leaves[i - 1].leaf && leaves[i].subleaf > leaves[i - 1].subleaf),
                      "leaves in Xen's order");
    }
    cr_assert(hv && hv2, "the hypervisor-range limits are part of a serialised policy");
    cr_assert(nr_leaf4 >= 1 && nr_leaf4 <= 6);
    cr_assert(leaf4_null_last, "leaf 4 ends with its null-type subleaf, as Xen emits it");
    cr_assert(nr_leafb >= 1 && nr_leafb <= 2);

    /* One entry short of that: -ENOBUFS, the count left alone. */
    op.u.cpu_policy.nr_leaves = n - 1;
    cr_assert_eq(h_sysctl(&op), -ENOBUFS);
    cr_assert_eq(op.u.cpu_policy.nr_leaves, n - 1);
}

/* A null array asks for that array's size, each on its own (Xen 4.17). */
Test(sysctl, cpu_policy_size_negotiation_per_array)
{
    struct xen_sysctl op;
    static xen_cpuid_leaf_t leaves[CTL_CPUID_MAX_LEAVES];
    xen_msr_entry_t msrs[CTL_MSR_MAX_ENTRIES];

    h_make_dom0();
    h_sysctl_init(&op, XEN_SYSCTL_get_cpu_policy);
    op.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_pv_default;
    op.u.cpu_policy.nr_msrs = CTL_MSR_MAX_ENTRIES;
    op.u.cpu_policy.msrs.p = (uint64_t)(uintptr_t)msrs;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.cpu_policy.nr_leaves, CTL_CPUID_MAX_LEAVES, "null leaves: the maximum");
    cr_assert_eq(op.u.cpu_policy.nr_msrs, 2);
    cr_assert_eq(msrs[0].idx, 0xce);
    cr_assert_eq(msrs[1].idx, 0x10a);

    h_sysctl_init(&op, XEN_SYSCTL_get_cpu_policy);
    op.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_pv_default;
    op.u.cpu_policy.nr_leaves = CTL_CPUID_MAX_LEAVES;
    op.u.cpu_policy.leaves.p = (uint64_t)(uintptr_t)leaves;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_assert_eq(op.u.cpu_policy.nr_msrs, CTL_MSR_MAX_ENTRIES, "null msrs: the maximum");
    cr_assert(op.u.cpu_policy.nr_leaves < CTL_CPUID_MAX_LEAVES);
}

Test(sysctl, scheduler_op_credit2_ratelimit)
{
    struct xen_sysctl op;
    struct domain *u;

    h_make_dom0();
    h_sysctl_init(&op, XEN_SYSCTL_scheduler_op);
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
    op.u.scheduler_op.cmd = XEN_SYSCTL_SCHEDOP_getinfo;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_expect_eq(op.u.scheduler_op.u.sched_credit2.ratelimit_us, 1000, "Xen's default");
    op.u.scheduler_op.cmd = XEN_SYSCTL_SCHEDOP_putinfo;
    op.u.scheduler_op.u.sched_credit2.ratelimit_us = 2000;
    cr_assert_eq(h_sysctl(&op), 0);
    op.u.scheduler_op.u.sched_credit2.ratelimit_us = 99;
    cr_expect_eq(h_sysctl(&op), -EINVAL, "below XEN_SYSCTL_SCHED_RATELIMIT_MIN");
    op.u.scheduler_op.u.sched_credit2.ratelimit_us = 500001;
    cr_expect_eq(h_sysctl(&op), -EINVAL);
    op.u.scheduler_op.cmd = XEN_SYSCTL_SCHEDOP_getinfo;
    cr_assert_eq(h_sysctl(&op), 0);
    cr_expect_eq(op.u.scheduler_op.u.sched_credit2.ratelimit_us, 2000, "a refused value changes nothing");
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    cr_expect_eq(h_sysctl(&op), -EINVAL, "not the scheduler in use");
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
    op.u.scheduler_op.cpupool_id = 3;
    cr_expect_eq(h_sysctl(&op), -ESRCH, "no such pool");
    op.u.scheduler_op.cpupool_id = 0;
    op.u.scheduler_op.cmd = 9;
    cr_expect_eq(h_sysctl(&op), -EINVAL);
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    h_run_as(u->vcpu[0]);
    op.u.scheduler_op.cmd = XEN_SYSCTL_SCHEDOP_putinfo;
    cr_expect_eq(h_sysctl(&op), -EPERM);
}

/* ------------------------------------------------------------ debug keys */

static long debug_keys(const char *keys, uint32_t n)
{
    struct xen_sysctl op;

    h_sysctl_init(&op, XEN_SYSCTL_debug_keys);
    op.u.debug_keys.keys.p = (uint64_t)(uintptr_t)keys;
    op.u.debug_keys.nr_keys = n;
    return h_sysctl(&op);
}

/* 'q' names what keeps a destroyed domain listed: here a frame someone
 * still references (as a foreign mapping in dom0 would). */
Test(sysctl, debug_key_q_shows_what_holds_a_dying_domain)
{
    static char buf[8192];
    uint32_t idx = 0, got;
    struct domain *d;
    struct page_info *pg;

    h_make_dom0();
    cr_assert_eq(domain_create(1, 0, 1, &d), 0);
    d->max_pages = 16;
    pg = alloc_domheap_pages(d, 0, 0);
    cr_assert_not_null(pg);
    cr_assert(get_page(pg, d), "a mapping's reference");
    cr_assert_eq(domain_kill(d), 0);
    cr_assert_eq(readconsole(buf, sizeof(buf), true, &idx, false, &got), 0);
    cr_assert_eq(debug_keys("q", 1), 0);
    cr_assert_eq(readconsole(buf, sizeof(buf), true, &idx, false, &got), 0);
    buf[got] = 0;
    cr_expect_not_null(strstr(buf, "'q' pressed -> dumping domain info"), "%s", buf);
    cr_expect_not_null(strstr(buf, "d0: alive"), "%s", buf);
    cr_expect_not_null(strstr(buf, "d1: dead (dying) refcnt=1 tot_pages=1 xenheap_pages=0"), "%s", buf);
    cr_expect_not_null(strstr(buf, " count 1 type 0"), "the frame and its one reference: %s", buf);
    cr_expect_not_null(strstr(buf, "held by: frames 1, grant maps 0, running vCPUs 0"), "%s", buf);
    put_page(pg);
    cr_expect_null(get_domain_by_id(1), "gone with the last reference");
    cr_assert_eq(debug_keys("xq", 2), 0);
    cr_assert_eq(readconsole(buf, sizeof(buf), true, &idx, false, &got), 0);
    buf[got] = 0;
    cr_expect_not_null(strstr(buf, "'x' (ascii 78) => unknown debug key"), "%s", buf);
    cr_expect_null(strstr(buf, "d1:"), "%s", buf);
    cr_assert_eq(debug_keys((const char *)H_BAD_PTR, 1), -EFAULT);
    cr_assert_eq(debug_keys("q", 0), 0, "no keys, nothing to do");
    cr_assert_eq(domain_create(2, 0, 1, &d), 0);
    h_run_as(d->vcpu[0]);
    cr_assert_eq(debug_keys("q", 1), -EPERM, "a domU may not");
}

/* 'P' zeroes the counters and restarts their clock, 'p' prints them: the
 * bench measures one save or restore between the two. */
Test(sysctl, debug_keys_p_and_P_print_and_reset_the_counters)
{
    static char buf[8192];
    uint32_t idx = 0, got;

    h_make_dom0();
    perf_start();
    perfc_count[PERFC_tlb_flush] = 7;
    cr_assert_eq(readconsole(buf, sizeof(buf), true, &idx, false, &got), 0);
    cr_assert_eq(debug_keys("p", 1), 0);
    cr_assert_eq(readconsole(buf, sizeof(buf), true, &idx, false, &got), 0);
    buf[got] = 0;
    cr_expect_not_null(strstr(buf, "Performance counters"), "%s", buf);
    cr_expect_not_null(strstr(buf, "full TLB flushes requested"), "%s", buf);
    cr_assert_eq(debug_keys("P", 1), 0);
    cr_expect_eq(perfc_count[PERFC_tlb_flush], 0, "reset");
    cr_assert_eq(debug_keys("p", 1), 0);
    cr_assert_eq(readconsole(buf, sizeof(buf), true, &idx, false, &got), 0);
    buf[got] = 0;
    cr_expect_null(strstr(buf, "full TLB flushes requested"), "a zero counter is not printed: %s", buf);
    cr_expect_null(strstr(buf, "unknown debug key"), "%s", buf);
}
