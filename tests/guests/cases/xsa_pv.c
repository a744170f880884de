/*
 * xsa_pv.c — the patterns of published Xen Security Advisories that a 64-bit
 * PV kernel can try on its own (one domain), each answered the way the fixed
 * Xen 4.17 answers: the hypervisor survives, refuses what the advisory
 * abused, and its bookkeeping stays right (checked afterwards, e.g. by
 * trying to pin a frame whose writable references a bug would have lost).
 * docs/xsa.md lists every advisory considered, with the test that covers
 * it.  Each part prints "XSA-<n>: done" when it finished.
 */
#include "guest.h"
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/event_channel.h>

const char test_title[] = "XSA patterns for x86 PV (single domain)";

static grant_entry_v1_t gnttab[512] __aligned(4096);
static char frame1[4096] __aligned(4096);
static char frame2[4096] __aligned(4096);
static char va4[4096] __aligned(4096);      /* mapping slots for grant maps */
static char va8[4096] __aligned(4096);
static char spare[4096] __aligned(4096);

static domid_t self_id(void)
{
    return start_info->flags & SIF_INITDOMAIN ? 0 : DOMID_SELF;
}

static void grant_self(grant_ref_t ref, void *page)
{
    gnttab[ref].domid = 0;
    gnttab[ref].frame = (uint32_t)virt_to_mfn(page);
    __atomic_store_n(&gnttab[ref].flags, GTF_permit_access, __ATOMIC_SEQ_CST);
}

static void ungrant(grant_ref_t ref)
{
    __atomic_store_n(&gnttab[ref].flags, 0, __ATOMIC_SEQ_CST);
}

static void done(unsigned int xsa)
{
    printk("XSA-%u: done\n", xsa);
}

/* XSA-148: a PV guest may not create superpage (PSE) mappings. */
static void xsa148(void)
{
    uint64_t *l4 = (uint64_t *)start_info->pt_base;
    uint64_t *l3 = table_va(l4[0]);
    uint64_t *l2 = table_va(l3[0]);

    if (l2[200] & 1)
        test_abort("L2 slot 200 is in use");
    CHECK_RC("XSA-148: L2 entry with PSE", pte_update(&l2[200], 0x200000 | 0x80 | 0x67),
             -XEN_EINVAL);
    CHECK_RC("XSA-148: the slot stays empty", l2[200], 0);
    done(148);
}

/* XSA-167: MMUEXT_MARK_SUPER of an absurd frame (superpages are gone:
 * -EOPNOTSUPP). */
static void xsa167(void)
{
    CHECK_RC("XSA-167: MARK_SUPER", mmuext(MMUEXT_MARK_SUPER, ~0ULL << 9), -XEN_EOPNOTSUPP);
    CHECK_RC("XSA-167: UNMARK_SUPER", mmuext(MMUEXT_UNMARK_SUPER, ~0ULL << 9), -XEN_EOPNOTSUPP);
    done(167);
}

/* XSA-182: a read-only recursive L4 entry may not become writable by
 * changing the RW bit alone (the fast path once allowed it). */
static void xsa182(void)
{
    uint64_t *l4 = (uint64_t *)start_info->pt_base;
    uint64_t self = (virt_to_mfn(l4) << 12) | 0x25;     /* P, U, A */
    unsigned int slot = 200;

    if (l4[slot] & 1)
        test_abort("L4 slot %u is in use", slot);
    CHECK_RC("XSA-182: read-only L4 self-map", pte_update(&l4[slot], self), 0);
    CHECK_RC("XSA-182: then RW alone", pte_update(&l4[slot], self | 2), -XEN_EINVAL);
    if (l4[slot] != self)
        test_fail("XSA-182: the entry is now %#lx", (unsigned long)l4[slot]);
    CHECK_RC("XSA-182: drop the self-map", pte_update(&l4[slot], 0), 0);
    done(182);
}

/* XSA-188: a failed FIFO init_control leaves nothing behind. */
static void xsa188(void)
{
    struct evtchn_init_control ic = { .control_gfn = (uint64_t)-2, .offset = 0, .vcpu = 0 };
    struct evtchn_expand_array ea = { .array_gfn = virt_to_mfn(spare) };

    CHECK_RC("XSA-188: init_control with a bad frame",
             hc_event_channel_op(EVTCHNOP_init_control, &ic), -XEN_EINVAL);
    CHECK_RC("XSA-188: expand_array afterwards",
             hc_event_channel_op(EVTCHNOP_expand_array, &ea), -XEN_EOPNOTSUPP);
    done(188);
}

/* XSA-212: XENMEM_exchange whose progress counter points the output
 * array into the hypervisor. */
static void xsa212(void)
{
    static xen_pfn_t in_ext[1];
    unsigned long target = 0xffff830000000000UL;     /* hypervisor direct map */
    unsigned long so_far = target / 8;
    struct xen_memory_exchange mx;
    long rc;

    in_ext[0] = virt_to_mfn(spare);
    memset(&mx, 0, sizeof(mx));
    set_xen_guest_handle(mx.in.extent_start, (xen_pfn_t *)((unsigned long)in_ext - target));
    mx.in.nr_extents = so_far + 1;
    mx.in.domid = DOMID_SELF;
    mx.out.nr_extents = so_far + 1;
    mx.out.domid = DOMID_SELF;
    mx.nr_exchanged = so_far;
    rc = hc_memory_op(XENMEM_exchange, &mx);
    CHECK_RC("XSA-212: exchange aimed at the hypervisor", rc, -XEN_EFAULT);
    done(212);
}

/* XSA-221: polling ports that were never allocated (no buckets behind
 * them): each is refused, none dereferenced.  From 128 up: how many ports
 * a bucket holds differs (Xen 4.17 32, ours 128) and a port inside an
 * allocated bucket is valid, free or not. */
static void xsa221(void)
{
    evtchn_port_t port;
    struct sched_poll poll = { .nr_ports = 1, .timeout = 1 };
    unsigned int refused = 0;

    set_xen_guest_handle(poll.ports, &port);
    for (port = 128; port <= 4096; port++) {
        long rc = hc_sched_op(SCHEDOP_poll, &poll);

        if (rc == -XEN_EINVAL)
            refused++;
        else if (rc != 0 || refused != port - 128)
            test_fail("XSA-221: poll(port %u) = %ld", port, rc);
    }
    CHECK_RC("XSA-221: ports 128-4096 refused", refused, 4096 - 128 + 1);
    done(221);
}

/* XSA-224: host + device mapping unmapped in two calls must drop exactly
 * the references taken: frame1 (mapped writable in our image) must still
 * refuse to become a page table. */
static void xsa224(void)
{
    struct gnttab_map_grant_ref m = { .host_addr = (unsigned long)va4,
                                      .flags = GNTMAP_host_map | GNTMAP_device_map,
                                      .ref = 8, .dom = self_id() };
    struct gnttab_unmap_grant_ref u = { .host_addr = (unsigned long)va4 };

    grant_self(8, frame1);
    CHECK_RC("XSA-224: map host+device", hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK_RC("XSA-224: its status", m.status, GNTST_okay);
    u.handle = m.handle;
    CHECK_RC("XSA-224: unmap host", hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    CHECK_RC("XSA-224: its status", u.status, GNTST_okay);
    u.host_addr = 0;
    u.dev_bus_addr = (uint64_t)virt_to_mfn(frame1) << 12;
    CHECK_RC("XSA-224: unmap device", hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    CHECK_RC("XSA-224: its status", u.status, GNTST_okay);
    CHECK_RC("XSA-224: pin frame1 as L1", mmuext(MMUEXT_PIN_L1_TABLE, virt_to_mfn(frame1)),
             -XEN_EINVAL);
    ungrant(8);
    CHECK_RC("XSA-224: va4 back", remap(va4, 0x67), 0);
    done(224);
}

/* XSA-227: GNTMAP_contains_pte with a PTE address that is not 8-byte
 * aligned (it would splice across two PTEs). */
static void xsa227(void)
{
    uint64_t *pte8 = l1_entry_of(va8);
    uint64_t maddr = ((uint64_t)virt_to_mfn(pte8) << 12) | ((unsigned long)pte8 & 0xfff);
    struct gnttab_map_grant_ref m = { .host_addr = maddr - 2,
                                      .flags = GNTMAP_host_map | GNTMAP_contains_pte,
                                      .ref = 8, .dom = self_id() };
    volatile char probe;

    grant_self(8, frame1);
    CHECK_RC("XSA-227: unmap va8", hc_update_va_mapping((unsigned long)va8, 0, UVMF_INVLPG), 0);
    CHECK_RC("XSA-227: map with a misaligned PTE address",
             hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK_RC("XSA-227: its status", m.status, GNTST_general_error);
    ex_clear();
    __asm__ volatile("1: movb (%1), %0\n2:\n" EXTABLE("1b", "2b")
                     : "=q"(probe) : "r"((unsigned long)va8 - 4096) : "memory");
    if (ex_vec != -1)
        test_fail("XSA-227: the PTE beside it was clobbered (vector %ld)", ex_vec);
    ungrant(8);
    CHECK_RC("XSA-227: va8 back", remap(va8, 0x67), 0);
    done(227);
}

/* XSA-231: node numbers in mem_flags are checked. */
static void xsa231(void)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
    unsigned int bad = 0;

    for (r.mem_flags = 0; r.mem_flags < 0x10000; r.mem_flags += 0x100) {
        long rc = hc_memory_op(XENMEM_increase_reservation, &r);

        if ((rc < 0 || rc > 1) && bad++ == 0)
            test_fail("XSA-231: mem_flags %#x gave %ld", r.mem_flags, rc);
    }
    done(231);
}

/* XSA-234: unmapping must check that the PTE named is the handle's kind
 * of mapping: a read-only handle may not take down a writable grant PTE
 * (that dropped a writable reference the PTE still used).  frame2 is zero
 * and mapped read-only, so once nothing maps it writable it can be pinned
 * as an L1 table: the pins show whether the writable reference is right. */
static void xsa234(void)
{
    struct gnttab_map_grant_ref m = { .host_addr = (unsigned long)va4, .flags = GNTMAP_host_map,
                                      .ref = 9, .dom = self_id() };
    struct gnttab_unmap_grant_ref u = { .host_addr = (unsigned long)va4 };
    grant_handle_t rw, ro;

    CHECK_RC("XSA-234: frame2 read-only", remap(frame2, 0x65), 0);
    grant_self(9, frame2);
    CHECK_RC("XSA-234: map writable at va4", hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK_RC("XSA-234: its status", m.status, GNTST_okay);
    rw = m.handle;
    m.host_addr = (unsigned long)va8;
    m.flags = GNTMAP_host_map | GNTMAP_readonly;
    CHECK_RC("XSA-234: map read-only at va8", hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK_RC("XSA-234: its status", m.status, GNTST_okay);
    ro = m.handle;
    u.handle = ro;
    CHECK_RC("XSA-234: unmap the read-only handle at the writable PTE",
             hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    CHECK_RC("XSA-234: its status", u.status, GNTST_general_error);
    CHECK_RC("XSA-234: pin frame2 while mapped writable",
             mmuext(MMUEXT_PIN_L1_TABLE, virt_to_mfn(frame2)), -XEN_EINVAL);
    u.handle = rw;
    CHECK_RC("XSA-234: unmap writable", hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    CHECK_RC("XSA-234: its status", u.status, GNTST_okay);
    u.handle = ro;
    u.host_addr = (unsigned long)va8;
    CHECK_RC("XSA-234: unmap read-only", hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    CHECK_RC("XSA-234: its status", u.status, GNTST_okay);
    CHECK_RC("XSA-234: pin frame2 once nothing maps it writable",
             mmuext(MMUEXT_PIN_L1_TABLE, virt_to_mfn(frame2)), 0);
    CHECK_RC("XSA-234: unpin", mmuext(MMUEXT_UNPIN_TABLE, virt_to_mfn(frame2)), 0);
    ungrant(9);
    CHECK_RC("XSA-234: frame2 writable again", remap(frame2, 0x67), 0);
    CHECK_RC("XSA-234: va4 back", remap(va4, 0x67), 0);
    CHECK_RC("XSA-234: va8 back", remap(va8, 0x67), 0);
    done(234);
}

/* XSA-317: allocating past the 2-level limit ends in -ENOSPC. */
static void xsa317(void)
{
    struct evtchn_alloc_unbound ub = { .dom = DOMID_SELF, .remote_dom = 0 };
    unsigned int n;
    long rc = 0;

    for (n = 0; n < 4200; n++) {
        rc = hc_event_channel_op(EVTCHNOP_alloc_unbound, &ub);
        if (rc != 0)
            break;
    }
    printk("XSA-317: %u ports allocated, then %ld\n", n, rc);
    CHECK_RC("XSA-317: allocation past the limit", rc, -XEN_ENOSPC);
    done(317);
}

/* XSA-279: INVLPG of a non-canonical address (INVPCID faulted in Xen):
 * nothing to flush, 0. */
static void xsa279(void)
{
    struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = 0x8000000000000000UL };

    CHECK_RC("XSA-279: INVLPG_LOCAL non-canonical", hc_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    op.cmd = MMUEXT_INVLPG_ALL;
    CHECK_RC("XSA-279: INVLPG_ALL non-canonical", hc_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    done(279);
}

/* XSA-333: reading MSR_MISC_ENABLE (Xen once faulted where it is absent):
 * the guest's view, 0x801801 under QEMU (fast strings, BTS/PEBS/xTPR off). */
static void xsa333(void)
{
    uint32_t lo = 0, hi = 0;

    ex_clear();
    __asm__ volatile("1: rdmsr\n2:\n" EXTABLE("1b", "2b")
                     : "+a"(lo), "+d"(hi) : "c"(0x1a0) : "memory");
    CHECK_RC("XSA-333: rdmsr MISC_ENABLE faults", ex_vec, -1);
    CHECK_RC("XSA-333: its value", ((uint64_t)hi << 32) | lo, 0x801801);
    done(333);
}

/* XSA-193: non-canonical FS/GS bases written through wrmsr fault into the
 * guest (#GP), never in the hypervisor. */
static void xsa193(void)
{
    static const uint32_t msrs[] = { 0xc0000100, 0xc0000101, 0xc0000102 };

    for (unsigned int i = 0; i < 3; i++) {
        ex_clear();
        __asm__ volatile("1: wrmsr\n2:\n" EXTABLE("1b", "2b")
                         :: "a"(0), "d"(0x80000000u), "c"(msrs[i]) : "memory");
        if (ex_vec != 13 || ex_ec != 0)
            test_fail("XSA-193: wrmsr %#x non-canonical: vector %ld ec %#lx, expected #GP(0)",
                      msrs[i], ex_vec, (unsigned long)ex_ec);
    }
    done(193);
}

/* XSA-316: a map naming the wrong granting domain fails with a negative
 * status (an error path once returned 1). */
static void xsa316(void)
{
    struct gnttab_map_grant_ref m = { .host_addr = (unsigned long)va4, .flags = GNTMAP_host_map,
                                      .ref = 10, .dom = self_id() };

    gnttab[10].domid = 5;
    gnttab[10].frame = (uint32_t)virt_to_mfn(frame1);
    __atomic_store_n(&gnttab[10].flags, GTF_permit_access, __ATOMIC_SEQ_CST);
    CHECK_RC("XSA-316: map of a grant to another domain",
             hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK_RC("XSA-316: its status", m.status, GNTST_general_error);
    ungrant(10);
    done(316);
}

/* XSA-259: `int $0x80` with no handler registered for it: #GP with the
 * IDT-flagged error code, delivered to the guest (Xen once crashed on the
 * path between its int $0x80 fast path and exception delivery). */
static void xsa259(void)
{
    static struct trap_info without[40];
    unsigned int n = 0;

    for (unsigned int i = 0; i < 40 && trap_table[i].address != 0; i++)
        if (trap_table[i].vector != 0x80)
            without[n++] = trap_table[i];
    without[n].address = 0;
    /* set_trap_table only adds entries: clear them all first. */
    CHECK_RC("XSA-259: clear the trap table", hc_set_trap_table(NULL), 0);
    CHECK_RC("XSA-259: trap table without 0x80", hc_set_trap_table(without), 0);
    ex_clear();
    __asm__ volatile("1: int $0x80\n2:\n" EXTABLE("1b", "2b") ::: "memory");
    CHECK_RC("XSA-259: int $0x80 unregistered, vector", ex_vec, 13);
    CHECK_RC("XSA-259: its error code", ex_ec, (0x80 << 3) | 2);
    CHECK_RC("XSA-259: trap table back", hc_set_trap_table(trap_table), 0);
    done(259);
}

/* XSA-269: turning on Branch Trace Store bits in MSR_DEBUGCTL: #GP(0),
 * one bit after another. */
static void xsa269(void)
{
    uint64_t val = 0;
    static const uint64_t bits[] = { 1u << 6 /* TR */, 1u << 7 /* BTS */, 1u << 8 /* BTINT */ };

    for (unsigned int i = 0; i < 3; i++) {
        val |= bits[i];
        ex_clear();
        __asm__ volatile("1: wrmsr\n2:\n" EXTABLE("1b", "2b")
                         :: "a"((uint32_t)val), "d"(0), "c"(0x1d9) : "memory");
        if (ex_vec != 13 || ex_ec != 0)
            test_fail("XSA-269: wrmsr DEBUGCTL %#lx: vector %ld ec %#lx, expected #GP(0)",
                      (unsigned long)val, ex_vec, (unsigned long)ex_ec);
    }
    done(269);
}

/* XSA-298: a far call through an LDT selector with no LDT installed (the
 * call-gate emulation once skipped the LDT limit). */
static void xsa298(void)
{
    static struct { uint32_t off; uint16_t sel; } __attribute__((packed)) fp = { 0, 0x1007 };

    ex_clear();
    __asm__ volatile("1: lcall *%0\n2:\n" EXTABLE("1b", "2b") :: "m"(fp) : "memory");
    CHECK_RC("XSA-298: lcall via LDT selector 0x1007, vector", ex_vec, 13);
    CHECK_RC("XSA-298: its error code (the selector)", ex_ec, 0x1004);
    done(298);
}

/* XSA-232: GNTTABOP_cache_flush of frames no domain with a grant table
 * owns (the first MiB: DOMID_IO's under Xen) is -EPERM, never a
 * dereference of a missing grant table; one's own frame is fine. */
static void xsa232(void)
{
    struct gnttab_cache_flush f = { .length = 4096, .op = GNTTAB_CACHE_INVAL | GNTTAB_CACHE_CLEAN };
    unsigned int bad = 0;

    for (f.a.dev_bus_addr = 0; f.a.dev_bus_addr < 0x100000; f.a.dev_bus_addr += 4096) {
        long rc = hc_grant_table_op(GNTTABOP_cache_flush, &f, 1);

        if (rc != -XEN_EPERM && bad++ == 0)
            test_fail("XSA-232: cache_flush of frame %#lx: %ld", (unsigned long)f.a.dev_bus_addr >> 12,
                      rc);
    }
    f.a.dev_bus_addr = (uint64_t)virt_to_mfn(spare) << 12;
    CHECK_RC("XSA-232: cache_flush of an own frame", hc_grant_table_op(GNTTABOP_cache_flush, &f, 1), 0);
    f.op = GNTTAB_CACHE_INVAL | GNTTAB_CACHE_SOURCE_GREF;
    CHECK_RC("XSA-232: cache_flush with SOURCE_GREF", hc_grant_table_op(GNTTABOP_cache_flush, &f, 1),
             -XEN_EINVAL);
    f.op = GNTTAB_CACHE_CLEAN;
    f.offset = 4000;
    CHECK_RC("XSA-232: cache_flush past the page", hc_grant_table_op(GNTTABOP_cache_flush, &f, 1),
             -XEN_EINVAL);
    done(232);
}

/* XSA-286: update_va_mapping after an mmu_update that swapped the L2
 * under the address, in one multicall, must edit the NEW hierarchy (Xen
 * once used a stale linear mapping of the old one).  Two pinned L2 -> L1
 * hierarchies, L3 slot 1 switched between them, 15 rounds. */
static void xsa286(void)
{
    static uint64_t l1t1[512] __aligned(4096), l1t2[512] __aligned(4096);
    static uint64_t l2t1[512] __aligned(4096), l2t2[512] __aligned(4096);
    uint64_t *l4 = (uint64_t *)start_info->pt_base;
    uint64_t *l3 = table_va(l4[0]);
    uint64_t l3_maddr = ((uint64_t)virt_to_mfn(l3) << 12) + 8 * 1;
    unsigned long addr = 1UL << 30;             /* L3 slot 1 */
    uint64_t nl1e = ((uint64_t)virt_to_mfn(spare) << 12) | 0x67;

    if (l3[1] & 1)
        test_abort("L3 slot 1 is in use");
    l2t1[0] = ((uint64_t)virt_to_mfn(l1t1) << 12) | 0x67;
    l2t2[0] = ((uint64_t)virt_to_mfn(l1t2) << 12) | 0x67;
    CHECK_RC("XSA-286: l1t1 read-only", remap(l1t1, 0x25), 0);
    CHECK_RC("XSA-286: l1t2 read-only", remap(l1t2, 0x25), 0);
    CHECK_RC("XSA-286: l2t1 read-only", remap(l2t1, 0x25), 0);
    CHECK_RC("XSA-286: l2t2 read-only", remap(l2t2, 0x25), 0);
    CHECK_RC("XSA-286: pin l2t1", mmuext(MMUEXT_PIN_L2_TABLE, virt_to_mfn(l2t1)), 0);
    CHECK_RC("XSA-286: pin l2t2", mmuext(MMUEXT_PIN_L2_TABLE, virt_to_mfn(l2t2)), 0);
    for (int i = 0; i < 15; i++) {
        struct mmu_update mu[3] = {
            { .ptr = l3_maddr, .val = ((uint64_t)virt_to_mfn(l2t1) << 12) | 0x67 },
            { .ptr = ((uint64_t)virt_to_mfn(l1t1) << 12), .val = 0 },
            { .ptr = ((uint64_t)virt_to_mfn(l1t2) << 12), .val = 0 },
        };
        struct multicall_entry mc[3];

        if (hc_mmu_update(mu, 3, NULL, DOMID_SELF) != 0)
            test_abort("XSA-286: reset failed");
        mu[0].val = ((uint64_t)virt_to_mfn(l2t2) << 12) | 0x67;
        memset(mc, 0, sizeof(mc));
        mc[0].op = __HYPERVISOR_update_va_mapping;
        mc[0].args[0] = addr;
        mc[0].args[2] = UVMF_INVLPG;
        mc[1].op = __HYPERVISOR_mmu_update;
        mc[1].args[0] = (unsigned long)mu;
        mc[1].args[1] = 1;
        mc[1].args[3] = DOMID_SELF;
        mc[2].op = __HYPERVISOR_update_va_mapping;
        mc[2].args[0] = addr;
        mc[2].args[1] = nl1e;
        mc[2].args[2] = UVMF_INVLPG;
        CHECK_RC("XSA-286: multicall", hc_multicall(mc, 3), 0);
        if (mc[0].result || mc[1].result || mc[2].result)
            test_fail("XSA-286: results %ld %ld %ld", (long)mc[0].result, (long)mc[1].result,
                      (long)mc[2].result);
        if (l1t1[0] != 0)
            test_fail("XSA-286: round %d: the old hierarchy was edited (%#lx)", i,
                      (unsigned long)l1t1[0]);
        /* Accessed/dirty aside, and global: Xen sets G on PV user mappings. */
        if ((l1t2[0] & ~0x160ULL) != (nl1e & ~0x160ULL))
            test_fail("XSA-286: round %d: the new hierarchy has %#lx", i, (unsigned long)l1t2[0]);
    }
    {
        struct mmu_update mu[2] = {
            { .ptr = l3_maddr, .val = 0 },
            { .ptr = ((uint64_t)virt_to_mfn(l1t2) << 12), .val = 0 },
        };

        CHECK_RC("XSA-286: clean up", hc_mmu_update(mu, 2, NULL, DOMID_SELF), 0);
    }
    CHECK_RC("XSA-286: unpin l2t1", mmuext(MMUEXT_UNPIN_TABLE, virt_to_mfn(l2t1)), 0);
    CHECK_RC("XSA-286: unpin l2t2", mmuext(MMUEXT_UNPIN_TABLE, virt_to_mfn(l2t2)), 0);
    done(286);
}

void test_main(void)
{

    gnttab_map_own(gnttab);
    memset(frame1, 0, sizeof(frame1));
    memset(frame2, 0, sizeof(frame2));
    va4[0] = va8[0] = 0;

    xsa148();
    xsa167();
    xsa182();
    xsa188();
    xsa212();
    xsa221();
    xsa224();
    xsa227();
    xsa231();
    xsa234();
    xsa317();
    xsa279();
    xsa333();
    xsa193();
    xsa316();
    xsa259();
    xsa269();
    xsa298();
    xsa232();
    xsa286();
}
