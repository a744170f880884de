/*
 * physdev.c — PHYSDEVOP_* (physdev_op, hypercall 33): set_iopl (the
 * guest's virtual IOPL, which the I/O emulation checks) and the interrupt
 * and PCI commands, with Xen 4.17's semantics.  The PIRQ state behind them
 * is common/pirq.c; the interrupt controller is the arch's (arch/x86/irq.c).
 *
 *   setup_gsi (hardware domain): a line's trigger and polarity, once (a
 *     line map_pirq programmed with the firmware's default included);
 *     -EEXIST after that, which Linux takes as done;
 *   map_pirq MAP_PIRQ_TYPE_GSI (hardware domain, for itself or a domain it
 *     builds): the line becomes a PIRQ of that domain (pirq = gsi when Linux
 *     asks so, else a free one); -EINVAL beyond the machine's GSIs, -EPERM
 *     for the hypervisor's own lines; with no routable GSI at all (no
 *     IO-APIC in the MADT) a legacy line answers -ENODEV, and Linux
 *     carries on without it;
 *   map_pirq MSI / MSI-X: -ENODEV: the hypervisor does not own PCI devices'
 *     MSI capabilities (no PCI device list, no MSI programming), so Linux
 *     keeps INTx (pci=nomsi behaviour);
 *   unmap_pirq: a mapped PIRQ, bound port forced off; -EINVAL otherwise;
 *   eoi: unmask a level line held since its delivery; -EINVAL unmapped;
 *   irq_status_query: every PIRQ below the limit needs an EOI (Xen answers
 *     that for every PIRQ of a PV guest), beyond it -EINVAL;
 *   pirq_eoi_gmfn_v1/v2: a frame of the caller's becomes its EOI bitmap
 *     (bit set = EOI needed); -EINVAL not a writable frame of its own,
 *     -EBUSY already registered;
 *   alloc_irq_vector: Xen's dummy for the hardware domain, vector = irq;
 *   apic_read / apic_write: the hardware domain only; the IO-APIC at
 *     apic_physbase (-EINVAL if none): reads see the real registers, writes
 *     are filtered (arch/x86/io_apic.c: only a redirection entry's trigger
 *     and polarity reach the routing);
 *   manage_pci_* / pci_device_* / restore_msi* / msix / mmcfg /
 *     get_free_pirq / dbgp: -ENOSYS.
 * Every command but set_iopl, irq_status_query, eoi and the EOI bitmap is
 * refused to other domains with -EPERM (their PIRQ tables stay empty, so
 * eoi answers them -EINVAL).
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/guest_access.h>
#include <xen/control.h>
#include <xen/hypercall.h>
#include <xen/irq.h>
#include <asm/io_apic.h>

static long physdev_map_pirq(struct domain *caller, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct physdev_map_pirq map;
    struct domain *d;
    long rc;

    if (copy_from_guest_va(&map, arg.p, sizeof(map)) != 0)
        return -EFAULT;
    d = domain_lookup(caller, map.domid);
    if (d == NULL)
        return -ESRCH;
    rc = -EPERM;
    if (!caller->is_privileged)
        goto out;
    switch (map.type) {
    case MAP_PIRQ_TYPE_GSI:
        if (arch_nr_gsis() == 0) {
            /* No interrupt controller driven: nothing is routable. */
            rc = (map.index < 0 || map.index >= NR_STATIC_PIRQS) ? -EINVAL : -ENODEV;
            break;
        }
        rc = pirq_map_gsi(d, map.index, &map.pirq);
        if (rc == 0 && copy_to_guest_va(arg.p, &map, sizeof(map)) != 0) {
            pirq_unmap(d, map.pirq);
            rc = -EFAULT;
        }
        break;
    case MAP_PIRQ_TYPE_MSI:
    case MAP_PIRQ_TYPE_MSI_SEG:
    case MAP_PIRQ_TYPE_MULTI_MSI:
        rc = -ENODEV;                   /* MSI not offered: INTx only */
        break;
    default:
        rc = -EINVAL;
        break;
    }
out:
    put_domain(d);
    return rc;
}

static long physdev_unmap_pirq(struct domain *caller, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct physdev_unmap_pirq unmap;
    struct domain *d;
    long rc;

    if (copy_from_guest_va(&unmap, arg.p, sizeof(unmap)) != 0)
        return -EFAULT;
    d = domain_lookup(caller, unmap.domid);
    if (d == NULL)
        return -ESRCH;
    rc = caller->is_privileged ? pirq_unmap(d, unmap.pirq) : -EPERM;
    put_domain(d);
    return rc;
}

long do_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *caller = current->domain;
    int rc;

    switch (cmd) {
    case PHYSDEVOP_set_iopl: {
        struct physdev_set_iopl s;

        if (copy_from_guest_va(&s, arg.p, sizeof(s)) != 0)
            return -EFAULT;
        if (s.iopl > 3)
            return -EINVAL;
        current->arch.iopl = (uint8_t)s.iopl;
        return 0;
    }
    case PHYSDEVOP_irq_status_query: {
        struct physdev_irq_status_query q;

        if (copy_from_guest_va(&q, arg.p, sizeof(q)) != 0)
            return -EFAULT;
        if ((int)q.irq < 0 || q.irq >= pirq_limit(caller))
            return -EINVAL;
        q.flags = XENIRQSTAT_needs_eoi;
        return copy_to_guest_va(arg.p, &q, sizeof(q)) ? -EFAULT : 0;
    }
    case PHYSDEVOP_eoi: {
        struct physdev_eoi eoi;

        if (copy_from_guest_va(&eoi, arg.p, sizeof(eoi)) != 0)
            return -EFAULT;
        return pirq_guest_eoi(caller, eoi.irq);
    }
    case PHYSDEVOP_setup_gsi: {
        struct physdev_setup_gsi g;

        if (copy_from_guest_va(&g, arg.p, sizeof(g)) != 0)
            return -EFAULT;
        if (!caller->is_privileged)
            return -EPERM;
        if (g.triggering > 1 || g.polarity > 1)
            return -EINVAL;
        return pirq_setup_gsi(g.gsi, g.triggering == 1, g.polarity == 1);
    }
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2: {
        struct physdev_pirq_eoi_gmfn m;

        if (copy_from_guest_va(&m, arg.p, sizeof(m)) != 0)
            return -EFAULT;
        /* A PV guest names machine frames. */
        return pirq_set_eoi_map(caller, m.gmfn, cmd == PHYSDEVOP_pirq_eoi_gmfn_v1);
    }
    case PHYSDEVOP_alloc_irq_vector: {
        struct physdev_irq irq;

        if (copy_from_guest_va(&irq, arg.p, sizeof(irq)) != 0)
            return -EFAULT;
        if (!caller->is_privileged)
            return -EPERM;
        /* The vector is the hypervisor's business: Xen hands back the irq. */
        irq.vector = irq.irq;
        return copy_to_guest_va(arg.p, &irq, sizeof(irq)) ? -EFAULT : 0;
    }
    case PHYSDEVOP_free_irq_vector:
        return caller->is_privileged ? 0 : -EPERM;
    case PHYSDEVOP_apic_read:
    case PHYSDEVOP_apic_write: {
        struct physdev_apic apic;

        if (copy_from_guest_va(&apic, arg.p, sizeof(apic)) != 0)
            return -EFAULT;
        if (!caller->is_privileged)
            return -EPERM;
        if (cmd == PHYSDEVOP_apic_write)
            return io_apic_guest_write(apic.apic_physbase, apic.reg, apic.value);
        rc = io_apic_guest_read(apic.apic_physbase, apic.reg, &apic.value);
        if (rc == 0 && copy_to_guest_va(arg.p, &apic, sizeof(apic)) != 0)
            rc = -EFAULT;
        return rc;
    }
    case PHYSDEVOP_map_pirq:
        return physdev_map_pirq(caller, arg);
    case PHYSDEVOP_unmap_pirq:
        return physdev_unmap_pirq(caller, arg);
    case PHYSDEVOP_manage_pci_add:
    case PHYSDEVOP_manage_pci_remove:
    case PHYSDEVOP_manage_pci_add_ext:
    default:
        return -ENOSYS;
    }
}
