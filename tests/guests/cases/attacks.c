/*
 * attacks.c — a hostile unprivileged domain against the hypervisor and a
 * victim domain (two boot-time domains of this image; ours only, as Xen
 * boots just dom0 from its modules).  Domain 1 attacks; every attempt must
 * be refused with an error (or a fault in the attacker), and domain 0, the
 * victim, keeps running meanwhile: it checks a canary page, prints progress
 * and gives the verdict.
 *
 * Convention: domain 0 allocates, before anything else, port 1 ("all
 * refused") and port 2 ("something got through") for remote domain 1, then
 * port 3 for remote domain 5 (a channel not meant for domain 1).  Domain 1
 * binds 1 and 2, runs the attacks, prints one line per refused attempt
 * (and "ATTACK NOT REFUSED" otherwise), signals port 1 or 2 and stops.
 *
 * The attacks: a writable mapping of its own pinned L4 and L1; PTEs naming
 * frames it does not own (other domains', the hypervisor's heap, beyond
 * RAM) through update_va_mapping and mmu_update; a PTE write into another
 * domain's frame; writing its L4 slots 256-271; unpinning its L4 while in
 * use (allowed, as Xen, but it stays a table: still no writable mapping);
 * re-pinning, pinning a data page as L1... ; grant maps of domain 0's refs
 * that were never granted; event channel ops on domain 0's ports and table;
 * memory_op beyond its limit and on other domains; bad guest pointers for
 * every hypercall that takes one.
 */
#include "guest.h"
#include <public/memory.h>
#include <public/grant_table.h>

const char test_title[] = "attacks by an unprivileged domain are refused, the victim runs on";

static unsigned int nr_bad;
static bool self_mode;   /* attacks_self.c: dom0 alone (also on Xen) */
static char scratch[4096] __aligned(4096);
static char canary[4096] __aligned(4096);

static void expect(const char *what, long got, long want)
{
    if (got == want) {
        printk("attacks: refused: %s (%ld)\n", what, got);
    } else {
        printk("attacks: ATTACK NOT REFUSED as expected: %s: got %ld, expected %ld\n",
               what, got, want);
        nr_bad++;
    }
}

/* Any error will do (the exact errno is not the point). */
static void expect_err(const char *what, long got)
{
    if (got < 0) {
        printk("attacks: refused: %s (%ld)\n", what, got);
    } else {
        printk("attacks: ATTACK NOT REFUSED: %s: got %ld\n", what, got);
        nr_bad++;
    }
}

static bool own_mfn(unsigned long mfn)
{
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;

    for (unsigned long i = 0; i < start_info->nr_pages; i++)
        if (p2m[i] == mfn)
            return true;
    return false;
}

static long mmuext1(unsigned int cmd, unsigned long mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void attack_mmu(void)
{
    unsigned long l4 = virt_to_mfn((void *)start_info->pt_base);
    uint64_t *pte = l1_entry_of(scratch), l1 = virt_to_mfn(pte);
    uint64_t own = virt_to_mfn(scratch);
    struct mmu_update mu;
    unsigned int tried = 0, done;
    long rc;

    expect("writable mapping of the pinned L4",
           hc_update_va_mapping((unsigned long)scratch, (l4 << 12) | 0x67, UVMF_INVLPG),
           -XEN_EBUSY);
    expect("writable mapping of an L1 in use",
           hc_update_va_mapping((unsigned long)scratch, (l1 << 12) | 0x67, UVMF_INVLPG),
           -XEN_EBUSY);

    /* Frames of other domains and of the hypervisor: a sample across RAM
     * (not for dom0 alone: it may map I/O frames and Xen-shared pages). */
    for (unsigned long mfn = 0x10; !self_mode && mfn < 0x10000 && tried < 64; mfn += 0x3f1) {
        if (own_mfn(mfn))
            continue;
        tried++;
        rc = hc_update_va_mapping((unsigned long)scratch, (mfn << 12) | 0x25, UVMF_INVLPG);
        if (rc >= 0) {
            expect_err("read-only PTE to a frame not ours", rc);
            hc_update_va_mapping((unsigned long)scratch, (own << 12) | 0x67, UVMF_INVLPG);
        }
        mu.ptr = ((uint64_t)mfn << 12) | 0x800;
        mu.val = (own << 12) | 0x67;
        rc = hc_mmu_update(&mu, 1, NULL, DOMID_SELF);
        if (rc >= 0)
            expect_err("mmu_update writing into a frame not ours", rc);
    }
    if (!self_mode) {
        printk("attacks: refused: %u foreign/hypervisor frames, mapped and written\n", tried);
        expect_err("PTE beyond RAM", hc_update_va_mapping((unsigned long)scratch,
                                                          (0xfff00ULL << 12) | 0x25, UVMF_INVLPG));
    }
    expect("PTE to a hypervisor-direct-map address as VA",
           hc_update_va_mapping(0xffff830000100000UL, (own << 12) | 0x67, UVMF_INVLPG),
           -XEN_EINVAL);
    for (unsigned int slot = 256; slot < 272; slot += 5) {
        mu.ptr = (l4 << 12) + slot * 8;
        mu.val = (own << 12) | 0x67;
        done = 99;
        rc = hc_mmu_update(&mu, 1, &done, DOMID_SELF);
        if (rc != -XEN_EINVAL || done != 0)
            expect("write to a hypervisor L4 slot", rc, -XEN_EINVAL);
    }
    printk("attacks: refused: writes to L4 slots 256..271\n");
    mu.ptr = (l1 << 12) | (((unsigned long)pte) & 0xfff);
    mu.val = (own << 12) | 0x67;
    if (!self_mode)
        expect("mmu_update acting for domain 0 (foreigndom)", hc_mmu_update(&mu, 1, NULL, 0),
               -XEN_EPERM);
    expect("pin a data page as L4 while it is mapped writable",
           mmuext1(MMUEXT_PIN_L4_TABLE, own), -XEN_EINVAL);
    expect("unpin an unpinned L1", mmuext1(MMUEXT_UNPIN_TABLE, l1), -XEN_EINVAL);
    expect("unpin the L4 in use (allowed)", mmuext1(MMUEXT_UNPIN_TABLE, l4), 0);
    expect("writable mapping of the unpinned, in-use L4",
           hc_update_va_mapping((unsigned long)scratch, (l4 << 12) | 0x67, UVMF_INVLPG),
           -XEN_EBUSY);
    expect("re-pin it", mmuext1(MMUEXT_PIN_L4_TABLE, l4), 0);
    expect("NEW_BASEPTR to a data page", mmuext1(MMUEXT_NEW_BASEPTR, own), -XEN_EINVAL);
    scratch[0] = 1;   /* our own page is still ours and writable */
}

static long hc_gnttab_map(struct gnttab_map_grant_ref *m)
{
    return hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, m, 1);
}

static long hc_gnttab_copy(struct gnttab_copy *c)
{
    return hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_copy, c, 1);
}

static void attack_grants(void)
{
    struct gnttab_map_grant_ref m = { .host_addr = (unsigned long)scratch,
                                      .flags = GNTMAP_host_map, .dom = 0 };
    struct gnttab_copy c = { .len = 8 };
    long rc;

    for (grant_ref_t ref = 0; ref < 16; ref += 5) {
        m.ref = ref;
        rc = hc_gnttab_map(&m);
        if (rc || m.status >= 0)
            expect("map a ref domain 0 never granted", rc ? rc : m.status, -1);
    }
    printk("attacks: refused: maps of domain 0's refs that were never granted\n");
    c.source.domid = 0;
    c.source.u.gmfn = 0x100;
    c.dest.domid = DOMID_SELF;
    c.dest.u.gmfn = virt_to_mfn(scratch);
    rc = hc_gnttab_copy(&c);
    expect("grant copy from domain 0's frame by number", rc ? rc : c.status,
           GNTST_permission_denied);
    c.source.domid = DOMID_SELF;
    c.source.u.gmfn = virt_to_mfn(scratch);
    c.dest.domid = 0;
    c.dest.u.gmfn = 0x100;
    rc = hc_gnttab_copy(&c);
    expect("grant copy into domain 0's frame by number", rc ? rc : c.status,
           GNTST_permission_denied);
}

static void attack_events(void)
{
    struct evtchn_alloc_unbound au = { .dom = 0, .remote_dom = 1 };
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 3 };
    struct evtchn_status st = { .dom = 0, .port = 1 };
    struct evtchn_reset rs = { .dom = 0 };
    struct evtchn_close cl = { .port = 40 };
    struct evtchn_send sd = { .port = 41 };

    expect("alloc_unbound in domain 0's table", hc_event_channel_op(EVTCHNOP_alloc_unbound, &au),
           -XEN_EPERM);
    expect("bind to domain 0's port meant for domain 5",
           hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi), -XEN_EINVAL);
    bi.remote_port = 1;
    expect("bind again to domain 0's already bound port 1",
           hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi), -XEN_EINVAL);
    bi.remote_port = 4000;
    expect("bind to a port domain 0 does not have",
           hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi), -XEN_EINVAL);
    expect("status of domain 0's port", hc_event_channel_op(EVTCHNOP_status, &st), -XEN_EPERM);
    expect("reset domain 0's channels", hc_event_channel_op(EVTCHNOP_reset, &rs), -XEN_EPERM);
    expect("close a port we do not have", hc_event_channel_op(EVTCHNOP_close, &cl), -XEN_EINVAL);
    expect("send on a port we do not have", hc_event_channel_op(EVTCHNOP_send, &sd), -XEN_EINVAL);
}

static void attack_memory(void)
{
    static xen_pfn_t list[64];
    struct xen_memory_reservation r = { .nr_extents = 64, .domid = DOMID_SELF };
    domid_t self = DOMID_SELF, dom0 = 0;
    long cur = hc_memory_op(XENMEM_current_reservation, &self);
    long max = hc_memory_op(XENMEM_maximum_reservation, &self);

    printk("attacks: current %ld, maximum %ld pages\n", cur, max);
    for (int i = 0; i < 64; i++)
        list[i] = 0x7000 + i;
    r.extent_start.p = list;
    if (max > 0 && cur >= max)
        expect("populate_physmap beyond the limit", hc_memory_op(XENMEM_populate_physmap, &r), 0);
    else
        expect("a domain already at its limit (the builder's)", cur, max);
    expect("current_reservation unchanged", hc_memory_op(XENMEM_current_reservation, &self), cur);
    r.domid = 0;
    expect("populate_physmap for domain 0", hc_memory_op(XENMEM_populate_physmap, &r), -XEN_EPERM);
    expect("decrease_reservation of domain 0", hc_memory_op(XENMEM_decrease_reservation, &r),
           -XEN_EPERM);
    expect_err("current_reservation of domain 0",
               hc_memory_op(XENMEM_current_reservation, &dom0));
    r.domid = DOMID_SELF;
    list[0] = 0x100;   /* a frame that is not ours (checked) */
    r.nr_extents = 1;
    if (!own_mfn(0x100))
        expect("decrease_reservation of a frame not ours",
               hc_memory_op(XENMEM_decrease_reservation, &r), 0);
}

/*
 * Arguments that start on a mapped page and run into an unmapped one: the
 * hypervisor's guest copy must stop at the hole and report -EFAULT whether
 * the fault comes in its 8-byte loop or in its byte tail.
 */
static uint8_t straddle[2 * 4096] __attribute__((aligned(4096)));

static void attack_straddling(void)
{
    unsigned long hole = (unsigned long)straddle + 4096;

    expect("unmap our own scratch page", hc_update_va_mapping(hole, 0, UVMF_INVLPG), 0);
    /* 4 bytes, 2 of them in the hole: the byte tail faults. */
    expect("sched_shutdown_code argument across a hole",
           hc_sched_op(SCHEDOP_shutdown_code, (void *)(hole - 2)), -XEN_EFAULT);
    /* 16 bytes written, the second word across the hole. */
    expect("xen_version buffer across a hole",
           hc_xen_version(XENVER_extraversion, (void *)(hole - 12)), -XEN_EFAULT);
    printk("attacks: refused: arguments running into an unmapped page (-EFAULT)\n");
}

static void attack_pointers(void)
{
    static const unsigned long bad[] = { 0x10, 0xffff830000000000UL, 0x8000000000000000UL,
                                         0xffff800000000000UL };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        void *p = (void *)bad[i];
        long r[11];

        r[0] = hc_mmu_update(p, 1, NULL, DOMID_SELF);
        r[1] = hc_mmuext_op(p, 1, NULL, DOMID_SELF);
        r[2] = hc_memory_op(XENMEM_current_reservation, p);
        r[3] = hc_event_channel_op(EVTCHNOP_alloc_unbound, p);
        r[4] = hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_query_size, p, 1);
        r[5] = hc_vcpu_op(VCPUOP_get_runstate_info, 0, p);
        r[6] = hc_sched_op(SCHEDOP_poll, p);
        r[7] = hc_multicall(p, 1);
        r[8] = hc_console_io(CONSOLEIO_write, 8, p);
        r[9] = hc_xen_version(XENVER_extraversion, p);
        r[10] = hc_physdev_op(PHYSDEVOP_set_iopl, p);
        for (unsigned int k = 0; k < 11; k++)
            if (r[k] != -XEN_EFAULT) {
                char what[64];

                snprintf(what, sizeof(what), "bad pointer %#lx, call %u", bad[i], k);
                expect(what, r[k], -XEN_EFAULT);
            }
    }
    printk("attacks: refused: bad guest pointers (-EFAULT) in 11 hypercalls\n");
    attack_straddling();
}

static void attacker(void)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 1 };
    struct evtchn_send s;
    evtchn_port_t ok, bad;
    long rc = -1;

    /* The victim allocates port 1, then port 2: this domain may run in
     * between, so each bind waits for its port. */
    for (int i = 0; i < 100000 && rc; i++)
        if ((rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi)))
            hc_sched_op(SCHEDOP_yield, NULL);
    if (rc)
        guest_shutdown(SHUTDOWN_crash);
    ok = bi.local_port;
    bi.remote_port = 2;
    rc = -1;
    for (int i = 0; i < 100000 && rc; i++)
        if ((rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi)))
            hc_sched_op(SCHEDOP_yield, NULL);
    if (rc)
        guest_shutdown(SHUTDOWN_crash);
    bad = bi.local_port;
    attack_mmu();
    hc_sched_op(SCHEDOP_yield, NULL);
    attack_grants();
    attack_events();
    hc_sched_op(SCHEDOP_yield, NULL);
    attack_memory();
    attack_pointers();
    printk("attacks: %u attempts got through\n", nr_bad);
    s.port = nr_bad ? bad : ok;
    hc_event_channel_op(EVTCHNOP_send, &s);
    for (;;)
        hc_sched_op(SCHEDOP_block, NULL);
}

static void victim(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 };
    evtchn_port_t ports[2];
    uint64_t deadline, next = 0;
    unsigned long rounds = 0, sum0 = 0, sum;
    struct sched_poll poll;

    for (int i = 0; i < 2; i++) {
        CHECK_RC("alloc_unbound", hc_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
        ports[i] = au.port;
    }
    au.remote_dom = 5;
    CHECK_RC("alloc_unbound for domain 5", hc_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    if (ports[0] != 1 || ports[1] != 2 || au.port != 3) {
        test_fail("ports %u/%u/%u, not the convention's 1/2/3", ports[0], ports[1], au.port);
        return;
    }
    for (int i = 0; i < 4096; i++) {
        canary[i] = (char)(i * 7 + 3);
        sum0 += (unsigned char)canary[i];
    }
    deadline = guest_time_ns() + 30000000000ULL;
    while (guest_time_ns() < deadline) {
        sum = 0;
        for (int i = 0; i < 4096; i++)
            sum += (unsigned char)canary[i];
        if (sum != sum0) {
            test_fail("the victim's canary page changed");
            return;
        }
        rounds++;
        if (guest_time_ns() >= next) {
            printk("attacks: victim alive, round %lu\n", rounds);
            next = guest_time_ns() + 20000000;
        }
        if (evtchn_test_and_clear(ports[0])) {
            printk("attacks: victim: domain 1 reports every attack refused\n");
            return;
        }
        if (evtchn_test_and_clear(ports[1])) {
            test_fail("domain 1 reports attacks that got through (see its lines)");
            return;
        }
        poll = (struct sched_poll){ .ports.p = ports, .nr_ports = 2,
                                    .timeout = guest_time_ns() + 2000000 };
        hc_sched_op(SCHEDOP_poll, &poll);
    }
    test_fail("domain 1 never reported");
}

#ifndef ATTACKS_SELF
void test_main(void)
{
    if (start_info->flags & SIF_INITDOMAIN)
        victim();
    else
        attacker();
}
#endif
