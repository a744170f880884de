/*
 * test_pirq.c — physical interrupts as PIRQ events, through the real
 * physdev_op and event_channel_op with the real common/pirq.c over a model
 * IO-APIC (tests/unit/lib/fake_ioapic.c, 24 lines): setup_gsi, map and
 * unmap, bind_pirq, delivery with a level line masked until the guest's
 * EOI (never lost, never storming), edge lines, the EOI bitmap frame,
 * forced unbinds, teardown returning every frame, and -EPERM for domUs;
 * Linux's order (map_pirq, then setup_gsi reprogramming the line once) and
 * the filtered apic_read/apic_write.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/irq.h>
#include <xen/domheap.h>
#include "harness.h"
#include "../lib/fake_ioapic.h"

static void setup(void)
{
    h_setup();
    fio_reset(24);
}

TestSuite(pirq, .init = setup, .fini = h_teardown);

static long physdev(int cmd, void *arg)
{
    return do_physdev_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

static long evtchn(int cmd, void *arg)
{
    return do_event_channel_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

static long setup_gsi(int gsi, int level, int low)
{
    struct physdev_setup_gsi g = { .gsi = gsi, .triggering = (uint8_t)level,
                                   .polarity = (uint8_t)low };

    return physdev(PHYSDEVOP_setup_gsi, &g);
}

/* map_pirq for domid; *pirq in/out. */
static long map_gsi(domid_t dom, int gsi, int *pirq)
{
    struct physdev_map_pirq m = { .domid = dom, .type = MAP_PIRQ_TYPE_GSI,
                                  .index = gsi, .pirq = *pirq };
    long rc = physdev(PHYSDEVOP_map_pirq, &m);

    if (rc == 0)
        *pirq = m.pirq;
    return rc;
}

static long bind(uint32_t pirq, evtchn_port_t *port)
{
    evtchn_bind_pirq_t b = { .pirq = pirq, .flags = BIND_PIRQ__WILL_SHARE };
    long rc = evtchn(EVTCHNOP_bind_pirq, &b);

    if (rc == 0)
        *port = b.port;
    return rc;
}

static long eoi(uint32_t pirq)
{
    struct physdev_eoi e = { .irq = pirq };

    return physdev(PHYSDEVOP_eoi, &e);
}

static bool pending(struct domain *d, evtchn_port_t p)
{
    return evtchn_is_pending(d, p);
}

static void clear_pending(struct domain *d, evtchn_port_t p)
{
    ((unsigned long *)d->shared_info->evtchn_pending)[p / 64] &= ~(1UL << (p % 64));
}

Test(pirq, setup_gsi)
{
    struct domain *u;

    h_make_dom0();
    cr_assert_eq(setup_gsi(10, 1, 1), 0);
    cr_assert(fio_pin[10].configured && fio_pin[10].level && fio_pin[10].active_low);
    cr_assert(fio_pin[10].masked, "configured lines start masked");
    cr_assert_eq(setup_gsi(10, 1, 1), -EEXIST, "Linux: 'Already setup the GSI'");
    cr_assert_eq(setup_gsi(24, 0, 0), -EINVAL, "beyond the IO-APIC");
    cr_assert_eq(setup_gsi(-1, 0, 0), -EINVAL);
    cr_assert_eq(setup_gsi(2, 0, 0), -EPERM, "the hypervisor's line");
    cr_assert_eq(setup_gsi(11, 2, 0), -EINVAL, "no such trigger");
    cr_assert_eq(physdev(PHYSDEVOP_setup_gsi, H_BAD_PTR), -EFAULT);
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    h_run_as(u->vcpu[0]);
    cr_assert_eq(setup_gsi(11, 0, 0), -EPERM, "domU");
    cr_assert(!fio_pin[11].configured);
}

Test(pirq, map_and_unmap_gsi)
{
    struct domain *u;
    struct physdev_unmap_pirq un = { .domid = DOMID_SELF };
    int p;

    h_make_dom0();
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    p = 10;
    cr_assert_eq(map_gsi(DOMID_SELF, 10, &p), 0);
    cr_assert_eq(p, 10);
    cr_assert(fio_pin[10].configured && fio_pin[10].level && !fio_pin[10].active_low,
              "unset line: the firmware's default (10: override, level/high)");
    cr_assert(fio_pin[10].masked, "mapped but unbound: still masked");
    p = 10;
    cr_assert_eq(map_gsi(DOMID_SELF, 10, &p), 0, "the same mapping again");
    p = -1;
    cr_assert_eq(map_gsi(DOMID_SELF, 10, &p), 0);
    cr_assert_eq(p, 10, "asked for any: the existing one");
    p = -1;
    cr_assert_eq(map_gsi(DOMID_SELF, 11, &p), 0);
    cr_assert_eq(p, 11, "identity when free");
    p = 11;
    cr_assert_eq(map_gsi(DOMID_SELF, 12, &p), -EEXIST, "PIRQ 11 routes line 11");
    p = 12;
    cr_assert_eq(map_gsi(DOMID_SELF, 11, &p), -EEXIST, "line 11 is PIRQ 11");
    p = -1;
    cr_assert_eq(map_gsi(DOMID_SELF, 24, &p), -EINVAL);
    cr_assert_eq(map_gsi(DOMID_SELF, 0, &p), -EPERM, "the timer's line");
    p = 16 + 256;
    cr_assert_eq(map_gsi(DOMID_SELF, 13, &p), -EINVAL, "PIRQ beyond the limit");
    /* dom0 maps a line for a domU; the line is then not dom0's. */
    p = -1;
    cr_assert_eq(map_gsi(1, 5, &p), 0);
    cr_assert_eq(p, 5);
    cr_assert(gsi_is_mapped(5));
    p = -1;
    cr_assert_eq(map_gsi(DOMID_SELF, 5, &p), -EBUSY, "another domain's line");
    un.pirq = 10;
    cr_assert_eq(physdev(PHYSDEVOP_unmap_pirq, &un), 0);
    cr_assert_eq(physdev(PHYSDEVOP_unmap_pirq, &un), -EINVAL, "twice");
    un.pirq = -3;
    cr_assert_eq(physdev(PHYSDEVOP_unmap_pirq, &un), -EINVAL);
    p = -1;
    cr_assert_eq(map_gsi(DOMID_SELF, 10, &p), 0, "mappable again");
    /* A domU may not map, unmap, or touch lines. */
    h_run_as(u->vcpu[0]);
    p = -1;
    cr_assert_eq(map_gsi(DOMID_SELF, 6, &p), -EPERM);
    un.domid = DOMID_SELF;
    un.pirq = 5;
    cr_assert_eq(physdev(PHYSDEVOP_unmap_pirq, &un), -EPERM, "even its own");
    cr_assert(gsi_is_mapped(5));
}

/* A level line: delivered once, masked until EOI, re-delivered while the
 * device keeps it asserted, never while in flight. */
Test(pirq, level_line_masked_until_eoi)
{
    struct domain *d0 = h_make_dom0();
    evtchn_port_t port;
    int p = 10;

    cr_assert_eq(setup_gsi(10, 1, 1), 0);
    cr_assert_eq(map_gsi(DOMID_SELF, 10, &p), 0);
    cr_assert_eq(bind((uint32_t)p, &port), 0);
    cr_assert_gt(port, 0);
    cr_assert(!fio_pin[10].masked, "bound: the line is live");
    cr_assert_eq(bind((uint32_t)p, &port), -EEXIST, "one port per PIRQ");

    pirq_do_irq(10);
    cr_assert(pending(d0, port), "the interrupt is an event");
    cr_assert(fio_pin[10].masked, "masked before the LAPIC EOI: no storm");
    clear_pending(d0, port);
    pirq_do_irq(10);                /* cannot fire while masked; if it did */
    cr_assert(!pending(d0, port), "in flight: not delivered twice");
    cr_assert_eq(evtchn_unmask(d0, port), 0);
    cr_assert(fio_pin[10].masked, "v2: unmasking the port is not an EOI");

    cr_assert_eq(eoi((uint32_t)p), 0);
    cr_assert(!fio_pin[10].masked, "EOI: live again");
    cr_assert_eq(fio_pin[10].unmasks, 2);
    cr_assert_eq(eoi((uint32_t)p), 0, "a second EOI is harmless");
    cr_assert_eq(fio_pin[10].unmasks, 2, "and does not unmask again");
    /* Still asserted: fires again and is delivered again. */
    pirq_do_irq(10);
    cr_assert(pending(d0, port), "not lost");
    cr_assert_eq(eoi(16 + 256), -EINVAL);
    cr_assert_eq(eoi(12), -EINVAL, "unmapped");
}

Test(pirq, edge_line_needs_no_eoi)
{
    struct domain *d0 = h_make_dom0();
    evtchn_port_t port;
    int p = 4;

    cr_assert_eq(map_gsi(DOMID_SELF, 4, &p), 0);
    cr_assert_eq(bind(4, &port), 0);
    pirq_do_irq(4);
    cr_assert(pending(d0, port));
    cr_assert(!fio_pin[4].masked, "edge: never masked");
    clear_pending(d0, port);
    pirq_do_irq(4);
    cr_assert(pending(d0, port), "every edge is an event");
    cr_assert_eq(eoi(4), 0);
}

Test(pirq, eoi_bitmap_frame)
{
    struct domain *d0 = h_make_dom0();
    struct domain *u;
    struct page_info *pg = alloc_domheap_pages(d0, 0, MEMF_zero);
    struct physdev_pirq_eoi_gmfn m;
    unsigned long *map;
    evtchn_port_t pl, pe;
    int p;

    cr_assert_not_null(pg);
    map = page_to_virt(pg);
    m.gmfn = page_to_mfn(pg);
    cr_assert_eq(setup_gsi(10, 1, 0), 0);
    p = 10;
    cr_assert_eq(map_gsi(DOMID_SELF, 10, &p), 0);
    cr_assert_eq(bind(10, &pl), 0, "bound before the map exists");
    cr_assert_eq(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &m), 0);
    cr_assert(map[0] & (1UL << 10), "level: EOI needed");
    cr_assert_eq(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &m), -EBUSY, "once");
    p = 4;
    cr_assert_eq(map_gsi(DOMID_SELF, 4, &p), 0);
    cr_assert_eq(bind(4, &pe), 0);
    cr_assert(!(map[0] & (1UL << 4)), "edge: no EOI needed");
    cr_assert_eq(evtchn_close(d0, pl), 0);
    cr_assert(!(map[0] & (1UL << 10)), "closed: bit cleared");
    cr_assert(fio_pin[10].masked, "closed: line masked");
    pirq_do_irq(10);
    cr_assert(fio_pin[10].masked, "a stray interrupt stays masked");
    /* Refusals: another domain's frame, a bad frame number, a bad pointer. */
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    u->max_pages = 16;
    {
        struct page_info *upg = alloc_domheap_pages(u, 0, 0);
        struct physdev_pirq_eoi_gmfn um = { .gmfn = page_to_mfn(upg) };

        cr_assert_not_null(upg);
        h_run_as(u->vcpu[0]);
        m.gmfn = page_to_mfn(pg);
        cr_assert_eq(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &m), -EINVAL, "dom0's frame");
        m.gmfn = ~0UL >> 12;
        cr_assert_eq(physdev(PHYSDEVOP_pirq_eoi_gmfn_v1, &m), -EINVAL);
        cr_assert_eq(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, H_BAD_PTR), -EFAULT);
        cr_assert_eq(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &um), 0, "its own: fine");
    }
}

/* v1: the EOI also unmasks the event channel (Xen's auto_unmask). */
Test(pirq, eoi_gmfn_v1_unmasks_the_port)
{
    struct domain *d0 = h_make_dom0();
    struct page_info *pg = alloc_domheap_pages(d0, 0, MEMF_zero);
    struct physdev_pirq_eoi_gmfn m = { .gmfn = page_to_mfn(pg) };
    evtchn_port_t port;
    int p = 9;

    cr_assert_eq(physdev(PHYSDEVOP_pirq_eoi_gmfn_v1, &m), 0);
    cr_assert_eq(setup_gsi(9, 1, 1), 0);
    cr_assert_eq(map_gsi(DOMID_SELF, 9, &p), 0);
    cr_assert_eq(bind(9, &port), 0);
    ((unsigned long *)d0->shared_info->evtchn_mask)[0] |= 1UL << port;
    cr_assert(evtchn_is_masked(d0, port));
    pirq_do_irq(9);
    cr_assert_eq(eoi(9), 0);
    cr_assert(!evtchn_is_masked(d0, port), "unmasked by the EOI");
    cr_assert(!fio_pin[9].masked);
}

Test(pirq, unmap_forces_unbind_and_close_still_works)
{
    struct domain *d0 = h_make_dom0();
    struct physdev_unmap_pirq un = { .domid = DOMID_SELF, .pirq = 10 };
    evtchn_status_t st;
    evtchn_port_t port;
    int p = 10;

    cr_assert_eq(setup_gsi(10, 1, 1), 0);
    cr_assert_eq(map_gsi(DOMID_SELF, 10, &p), 0);
    cr_assert_eq(bind(10, &port), 0);
    st.dom = DOMID_SELF;
    st.port = port;
    cr_assert_eq(evtchn_status(d0, &st), 0);
    cr_assert_eq(st.status, EVTCHNSTAT_pirq);
    cr_assert_eq(st.u.pirq, 10);
    pirq_do_irq(10);
    cr_assert_eq(physdev(PHYSDEVOP_unmap_pirq, &un), 0);
    cr_assert(fio_pin[10].masked);
    cr_assert(!gsi_is_mapped(10));
    clear_pending(d0, port);
    pirq_do_irq(10);
    cr_assert(!pending(d0, port), "unmapped: nothing delivered");
    /* Map it again, bind a new port, then close the stale one: the new
     * binding must survive. */
    p = 10;
    cr_assert_eq(map_gsi(DOMID_SELF, 10, &p), 0);
    {
        evtchn_port_t port2;

        cr_assert_eq(bind(10, &port2), 0);
        cr_assert_neq(port2, port);
        cr_assert_eq(evtchn_close(d0, port), 0);
        cr_assert(!fio_pin[10].masked, "the stale port's close leaves the new binding");
        pirq_do_irq(10);
        cr_assert(pending(d0, port2));
    }
}

Test(pirq, domu_refused_everything)
{
    struct domain *u;
    evtchn_port_t port;
    struct physdev_irq_status_query q = { .irq = 5 };

    h_make_dom0();
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    h_run_as(u->vcpu[0]);
    cr_assert_eq(bind(5, &port), -EPERM);
    cr_assert_eq(bind(16 + 32, &port), -EINVAL, "beyond its limit");
    cr_assert_eq(eoi(5), -EINVAL);
    cr_assert_eq(physdev(PHYSDEVOP_irq_status_query, &q), 0);
    cr_assert_eq(q.flags, XENIRQSTAT_needs_eoi);
    cr_assert_eq(u->evtchn_count, 1, "no port left behind");
}

/* dom0 passes a line to a domU; the domU dies: the line is masked and
 * unmapped, its EOI bitmap frame and every other frame returns. */
Test(pirq, domain_death_releases_lines_and_frames)
{
    struct domain *u;
    unsigned long before;
    evtchn_port_t port;
    int p = -1;

    h_make_dom0();
    before = heap_free_pages();
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    u->max_pages = 16;
    cr_assert_eq(setup_gsi(7, 1, 1), 0);
    cr_assert_eq(map_gsi(1, 7, &p), 0);
    h_run_as(u->vcpu[0]);
    {
        struct page_info *pg = alloc_domheap_pages(u, 0, MEMF_zero);
        struct physdev_pirq_eoi_gmfn m = { .gmfn = page_to_mfn(pg) };

        cr_assert_not_null(pg);
        cr_assert_eq(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &m), 0);
    }
    cr_assert_eq(bind((uint32_t)p, &port), 0);
    pirq_do_irq(7);
    cr_assert(pending(u, port));
    cr_assert(fio_pin[7].masked);
    h_run_as(hardware_domain->vcpu[0]);
    cr_assert_eq(domain_kill(u), 0);
    cr_assert(fio_pin[7].masked);
    cr_assert(!gsi_is_mapped(7));
    cr_assert_eq(heap_free_pages(), before, "every frame back, the EOI bitmap included");
    p = -1;
    cr_assert_eq(map_gsi(DOMID_SELF, 7, &p), 0, "the line is free for dom0");
}

/* Linux's xen_register_gsi maps the line first (programmed with the
 * firmware's default), then calls setup_gsi: the guest's trigger and
 * polarity win, once; a bound line keeps working across the change. */
Test(pirq, setup_gsi_after_map_reprograms_once)
{
    struct domain *d0 = h_make_dom0();
    struct page_info *pg = alloc_domheap_pages(d0, 0, MEMF_zero);
    struct physdev_pirq_eoi_gmfn m = { .gmfn = page_to_mfn(pg) };
    unsigned long *map = page_to_virt(pg);
    evtchn_port_t port;
    int p = 5;

    cr_assert_eq(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &m), 0);
    cr_assert_eq(map_gsi(DOMID_SELF, 5, &p), 0);
    cr_assert(fio_pin[5].configured && !fio_pin[5].level, "ISA default: edge");
    cr_assert_eq(bind(5, &port), 0);
    cr_assert(!(map[0] & (1UL << 5)), "edge: no EOI needed");
    cr_assert(!fio_pin[5].masked);
    cr_assert_eq(setup_gsi(5, 1, 1), 0, "first setup_gsi after the map: applied");
    cr_assert(fio_pin[5].level && fio_pin[5].active_low);
    cr_assert(!fio_pin[5].masked, "bound and not in flight: live again");
    cr_assert(map[0] & (1UL << 5), "level now: EOI needed");
    pirq_do_irq(5);
    cr_assert(pending(d0, port));
    cr_assert(fio_pin[5].masked, "and held until the EOI");
    cr_assert_eq(setup_gsi(5, 0, 0), -EEXIST, "once");
    cr_assert(fio_pin[5].level, "unchanged by the refused call");
    cr_assert_eq(eoi(5), 0);
    cr_assert(!fio_pin[5].masked);
    /* Same values as the default: nothing reprogrammed, but still once. */
    p = 11;
    cr_assert_eq(map_gsi(DOMID_SELF, 11, &p), 0);
    cr_assert_eq(setup_gsi(11, 1, 0), 0);
    cr_assert_eq(setup_gsi(11, 1, 0), -EEXIST);
}

static long apic_op(int cmd, unsigned long base, uint32_t reg, uint32_t *val)
{
    struct physdev_apic a = { .apic_physbase = base, .reg = reg, .value = *val };
    long rc = physdev(cmd, &a);

    *val = a.value;
    return rc;
}

Test(pirq, apic_read_write_filtered)
{
    struct domain *u;
    uint32_t v = 0;

    h_make_dom0();
    cr_assert_eq(apic_op(PHYSDEVOP_apic_read, FIO_BASE, 1, &v), 0);
    cr_assert_eq(v, (23u << 16) | 0x20, "the version register: 24 pins");
    cr_assert_eq(apic_op(PHYSDEVOP_apic_read, FIO_BASE + 0x1000, 1, &v), -EINVAL, "no IO-APIC there");
    cr_assert_eq(apic_op(PHYSDEVOP_apic_read, FIO_BASE, 0x10 + 48, &v), -EINVAL, "beyond its pins");
    cr_assert_eq(apic_op(PHYSDEVOP_apic_write, FIO_BASE, 0x10, &v), 0);
    cr_assert_eq(physdev(PHYSDEVOP_apic_read, H_BAD_PTR), -EFAULT);
    cr_assert_eq(fio_reads, 1u);
    cr_assert_eq(fio_writes, 1u);
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    h_run_as(u->vcpu[0]);
    cr_assert_eq(apic_op(PHYSDEVOP_apic_read, FIO_BASE, 1, &v), -EPERM, "domU");
    cr_assert_eq(apic_op(PHYSDEVOP_apic_write, FIO_BASE, 0x10, &v), -EPERM, "domU");
    cr_assert_eq(fio_reads + fio_writes, 2u, "nothing reached the IO-APIC for it");
}
