/*
 * physdev.c — PHYSDEVOP_* (physdev_op, hypercall 33): set_iopl (the
 * guest's virtual IOPL, which the I/O emulation checks) and the interrupt
 * and PCI commands, with Xen 4.17 semantics as a PV dom0 with
 * `acpi=off pci=off` meets them.
 *
 * This hypervisor routes no physical interrupts to guests (no IO-APIC
 * driver, no PCI passthrough, EVTCHNOP_bind_pirq refused), so the answers
 * are chosen to let Linux take its own fallbacks:
 *   pirq_eoi_gmfn_v1/v2: -ENOSYS, Linux then asks irq_status_query per
 *     pirq instead of reading a shared EOI bitmap;
 *   irq_status_query: any pirq below the domain's limit needs an EOI (Xen
 *     reports that for every pirq of a PV guest), beyond it -EINVAL;
 *   eoi: -EINVAL, no pirq being mapped (Xen 4.17 answers that for an
 *     unmapped one, seen on the reference run);
 *   alloc_irq_vector: Xen's dummy for the hardware domain, vector = irq
 *     (Linux binds the 16 legacy IRQs this way when it sees no IO-APIC);
 *   apic_read / apic_write: the hardware domain only; -EINVAL because no
 *     IO-APIC is known at the address, and Linux's xen_io_apic_read then
 *     returns its synthetic register values;
 *   map_pirq: -ENODEV for MSI (no PCI devices), -EINVAL for a GSI outside
 *     the legacy range, -ENODEV for a legacy GSI (not routed); Linux prints
 *     a warning and carries on; unmap_pirq: -EINVAL (nothing mapped);
 *   manage_pci_* / pci_device_* / restore_msi* / msix / mmcfg / setup_gsi /
 *     get_free_pirq / dbgp: -ENOSYS.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/guest_access.h>
#include <xen/control.h>
#include <xen/hypercall.h>

#define NR_STATIC_IRQS      16      /* legacy ISA IRQs (no IO-APIC GSIs known) */
#define EXTRA_GUEST_IRQS    32      /* Xen's extra_guest_irqs default, domU */
#define EXTRA_HWDOM_IRQS    256     /* dom0 */

static unsigned int nr_pirqs(const struct domain *d)
{
    return NR_STATIC_IRQS + (d->is_privileged ? EXTRA_HWDOM_IRQS : EXTRA_GUEST_IRQS);
}

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
    if (d != caller && !caller->is_privileged)
        goto out;
    switch (map.type) {
    case MAP_PIRQ_TYPE_GSI:
        rc = (map.index < 0 || map.index >= NR_STATIC_IRQS) ? -EINVAL : -ENODEV;
        break;
    case MAP_PIRQ_TYPE_MSI:
    case MAP_PIRQ_TYPE_MSI_SEG:
    case MAP_PIRQ_TYPE_MULTI_MSI:
        rc = -ENODEV;                   /* no such PCI device */
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
    if (d != caller && !caller->is_privileged)
        rc = -EPERM;
    else
        rc = -EINVAL;                   /* no pirq is ever mapped */
    put_domain(d);
    return rc;
}

long do_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *caller = current->domain;

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
        if ((int)q.irq < 0 || q.irq >= nr_pirqs(caller))
            return -EINVAL;
        q.flags = XENIRQSTAT_needs_eoi;
        return copy_to_guest_va(arg.p, &q, sizeof(q)) ? -EFAULT : 0;
    }
    case PHYSDEVOP_eoi: {
        struct physdev_eoi eoi;

        if (copy_from_guest_va(&eoi, arg.p, sizeof(eoi)) != 0)
            return -EFAULT;
        return -EINVAL;                 /* no pirq is ever mapped */
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
        return -EINVAL;                 /* no IO-APIC known at apic_physbase */
    }
    case PHYSDEVOP_map_pirq:
        return physdev_map_pirq(caller, arg);
    case PHYSDEVOP_unmap_pirq:
        return physdev_unmap_pirq(caller, arg);
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2:
    case PHYSDEVOP_manage_pci_add:
    case PHYSDEVOP_manage_pci_remove:
    case PHYSDEVOP_manage_pci_add_ext:
    default:
        return -ENOSYS;
    }
}
