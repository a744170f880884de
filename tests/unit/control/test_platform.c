/*
 * test_platform.c — platform_op (what Linux 6.1 dom0 asks while booting)
 * and the dom0 physdev_op commands, through do_platform_op() and
 * do_physdev_op(): entry checks, firmware info, CPU info, settime
 * reaching every domain's shared_info, and the interrupt-routing answers
 * Linux falls back from.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include "harness.h"

TestSuite(platform, .init = h_setup, .fini = h_teardown);

static void pf_init(struct xen_platform_op *op, uint32_t cmd)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = XENPF_INTERFACE_VERSION;
}

static long physdev(int cmd, void *arg)
{
    return do_physdev_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

Test(platform, entry_checks)
{
    struct xen_platform_op op;
    struct domain *u;

    h_make_dom0();
    pf_init(&op, XENPF_get_cpuinfo);
    op.interface_version = 0x03000000;
    cr_assert_eq(h_platform(&op), -EACCES);
    cr_assert_eq(do_platform_op((XEN_GUEST_HANDLE_PARAM(void)){ H_BAD_PTR }), -EFAULT);
    pf_init(&op, XENPF_microcode_update);
    cr_assert_eq(h_platform(&op), -ENOSYS);
    pf_init(&op, XENPF_enter_acpi_sleep);
    cr_assert_eq(h_platform(&op), -ENOSYS);
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    h_run_as(u->vcpu[0]);
    pf_init(&op, XENPF_get_cpuinfo);
    cr_assert_eq(h_platform(&op), -EPERM);
}

Test(platform, firmware_info_as_xen_without_bios_data)
{
    struct xen_platform_op op;

    h_make_dom0();
    pf_init(&op, XENPF_firmware_info);
    op.u.firmware_info.type = XEN_FW_DISK_INFO;
    cr_assert_eq(h_platform(&op), -ESRCH, "Linux's EDD loop stops here");
    op.u.firmware_info.type = XEN_FW_DISK_MBR_SIGNATURE;
    cr_assert_eq(h_platform(&op), -ESRCH);
    op.u.firmware_info.type = XEN_FW_VBEDDC_INFO;
    cr_assert_eq(h_platform(&op), -ESRCH);
    op.u.firmware_info.type = XEN_FW_EFI_INFO;
    cr_assert_eq(h_platform(&op), -ENOSYS, "not an EFI boot");
    op.u.firmware_info.type = XEN_FW_KBD_SHIFT_FLAGS;
    op.u.firmware_info.u.kbd_shift_flags = 0x55;
    cr_assert_eq(h_platform(&op), 0);
    cr_assert_eq(op.u.firmware_info.u.kbd_shift_flags, 0);
    op.u.firmware_info.index = 1;
    cr_assert_eq(h_platform(&op), -EINVAL);
    op.u.firmware_info.type = 77;
    cr_assert_eq(h_platform(&op), -EINVAL);
}

Test(platform, get_cpuinfo_and_version)
{
    struct xen_platform_op op;

    h_make_dom0();
    pf_init(&op, XENPF_get_cpuinfo);
    cr_assert_eq(h_platform(&op), 0);
    cr_assert_eq(op.u.pcpu_info.flags, XEN_PCPU_FLAGS_ONLINE);
    cr_assert_eq(op.u.pcpu_info.max_present, 0);
    op.u.pcpu_info.xen_cpuid = 1;
    cr_assert_eq(h_platform(&op), 0);
    cr_assert_eq(op.u.pcpu_info.flags, XEN_PCPU_FLAGS_INVALID);

    pf_init(&op, XENPF_get_cpu_version);
    cr_assert_eq(h_platform(&op), 0);
    cr_assert_eq(memcmp(op.u.pcpu_version.vendor_id, "GenuineIntel", 12), 0);
    cr_assert_eq(op.u.pcpu_version.family, 6);
    cr_assert_eq(op.u.pcpu_version.model, 0x3a);
    cr_assert_eq(op.u.pcpu_version.stepping, 9);
}

Test(platform, settime64_reaches_every_domain)
{
    struct xen_platform_op op;
    struct domain *d0, *u;

    d0 = h_make_dom0();
    cr_assert_eq(domain_create(3, 0, 1, &u), 0);
    pf_init(&op, XENPF_settime64);
    op.u.settime64.secs = 1700000000;
    op.u.settime64.nsecs = 500000000;
    op.u.settime64.system_time = 2500000000ULL;      /* 2.5 s after boot */
    cr_assert_eq(h_platform(&op), 0);
    /* Wall time at system time 0 = 1699999998.0 s. */
    cr_assert_eq(u->shared_info->wc_sec, 1699999998u);
    cr_assert_eq(u->shared_info->wc_nsec, 0);
    cr_assert_eq(d0->shared_info->wc_sec, 1699999998u);
    cr_assert_eq(u->shared_info->wc_version & 1, 0, "not left mid-update");

    op.u.settime64.mbz = 1;
    cr_assert_eq(h_platform(&op), -EINVAL);

    pf_init(&op, XENPF_settime32);
    op.u.settime32.secs = 100;
    op.u.settime32.nsecs = 0;
    op.u.settime32.system_time = 500000000ULL;
    cr_assert_eq(h_platform(&op), 0);
    cr_assert_eq(u->shared_info->wc_sec, 99u);
    cr_assert_eq(u->shared_info->wc_nsec, 500000000u);

    /* A system time beyond the wall time clamps at the epoch. */
    op.u.settime32.secs = 1;
    op.u.settime32.system_time = 5000000000ULL;
    cr_assert_eq(h_platform(&op), 0);
    cr_assert_eq(u->shared_info->wc_sec, 0);
}

/* ------------------------------------------------------------- physdev */

/* set_iopl is answered beside the other commands (one do_physdev_op). */
Test(platform, physdev_set_iopl)
{
    struct physdev_set_iopl s = { .iopl = 3 };

    h_make_dom0();
    cr_assert_eq(physdev(PHYSDEVOP_set_iopl, &s), 0);
    cr_assert_eq(current->arch.iopl, 3);
    s.iopl = 1;
    cr_assert_eq(physdev(PHYSDEVOP_set_iopl, &s), 0);
    cr_assert_eq(current->arch.iopl, 1);
    s.iopl = 4;
    cr_assert_eq(physdev(PHYSDEVOP_set_iopl, &s), -EINVAL);
    cr_assert_eq(current->arch.iopl, 1, "a refused iopl leaves the old one");
    cr_assert_eq(physdev(PHYSDEVOP_set_iopl, H_BAD_PTR), -EFAULT);
}

Test(platform, physdev_irq_status_query_and_eoi)
{
    struct physdev_irq_status_query q = { .irq = 4 };
    struct physdev_eoi eoi = { .irq = 4 };
    struct domain *u;

    h_make_dom0();
    cr_assert_eq(physdev(PHYSDEVOP_irq_status_query, &q), 0);
    cr_assert_eq(q.flags, XENIRQSTAT_needs_eoi);
    cr_assert_eq(physdev(PHYSDEVOP_eoi, &eoi), -EINVAL, "not mapped (Xen 4.17 alike)");
    q.irq = 16 + 256;
    cr_assert_eq(physdev(PHYSDEVOP_irq_status_query, &q), -EINVAL);
    q.irq = (uint32_t)-1;
    cr_assert_eq(physdev(PHYSDEVOP_irq_status_query, &q), -EINVAL);
    eoi.irq = 9999;
    cr_assert_eq(physdev(PHYSDEVOP_eoi, &eoi), -EINVAL);
    cr_assert_eq(physdev(PHYSDEVOP_irq_status_query, H_BAD_PTR), -EFAULT);
    cr_assert_eq(physdev(PHYSDEVOP_eoi, H_BAD_PTR), -EFAULT);
    /* A domU has fewer pirqs. */
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    h_run_as(u->vcpu[0]);
    q.irq = 100;
    cr_assert_eq(physdev(PHYSDEVOP_irq_status_query, &q), -EINVAL);
    q.irq = 40;
    cr_assert_eq(physdev(PHYSDEVOP_irq_status_query, &q), 0);
}

Test(platform, physdev_alloc_irq_vector_and_apic)
{
    struct physdev_irq irq = { .irq = 4, .vector = 0 };
    struct physdev_apic apic = { .apic_physbase = 0xfec00000, .reg = 1 };
    struct domain *u;

    h_make_dom0();
    cr_assert_eq(physdev(PHYSDEVOP_alloc_irq_vector, &irq), 0);
    cr_assert_eq(irq.vector, 4, "Xen's dummy: vector = irq");
    cr_assert_eq(physdev(PHYSDEVOP_apic_read, &apic), -EINVAL,
                 "no IO-APIC known: Linux uses its synthetic values");
    cr_assert_eq(physdev(PHYSDEVOP_apic_write, &apic), -EINVAL);
    cr_assert_eq(physdev(PHYSDEVOP_apic_read, H_BAD_PTR), -EFAULT);
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    h_run_as(u->vcpu[0]);
    cr_assert_eq(physdev(PHYSDEVOP_alloc_irq_vector, &irq), -EPERM);
    cr_assert_eq(physdev(PHYSDEVOP_apic_read, &apic), -EPERM);
}

Test(platform, physdev_map_pirq_refusals_linux_copes_with)
{
    struct physdev_map_pirq map = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI,
                                    .index = 4, .pirq = 4 };
    struct physdev_unmap_pirq unmap = { .domid = DOMID_SELF, .pirq = 4 };
    struct domain *u;

    h_make_dom0();
    cr_assert_eq(physdev(PHYSDEVOP_map_pirq, &map), -ENODEV);
    map.index = 40;
    cr_assert_eq(physdev(PHYSDEVOP_map_pirq, &map), -EINVAL);
    map.type = MAP_PIRQ_TYPE_MSI;
    cr_assert_eq(physdev(PHYSDEVOP_map_pirq, &map), -ENODEV);
    map.type = 9;
    cr_assert_eq(physdev(PHYSDEVOP_map_pirq, &map), -EINVAL);
    map.domid = 42;
    cr_assert_eq(physdev(PHYSDEVOP_map_pirq, &map), -ESRCH);
    cr_assert_eq(physdev(PHYSDEVOP_map_pirq, H_BAD_PTR), -EFAULT);
    cr_assert_eq(physdev(PHYSDEVOP_unmap_pirq, &unmap), -EINVAL);

    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    h_run_as(u->vcpu[0]);
    map.domid = 0;
    map.type = MAP_PIRQ_TYPE_GSI;
    map.index = 4;
    cr_assert_eq(physdev(PHYSDEVOP_map_pirq, &map), -EPERM, "a domU for dom0");
    unmap.domid = 0;
    cr_assert_eq(physdev(PHYSDEVOP_unmap_pirq, &unmap), -EPERM);
}

Test(platform, physdev_unimplemented_are_enosys)
{
    struct physdev_manage_pci pci = { 0 };

    h_make_dom0();
    cr_assert_eq(physdev(PHYSDEVOP_manage_pci_add, &pci), -ENOSYS);
    cr_assert_eq(physdev(PHYSDEVOP_manage_pci_add_ext, &pci), -ENOSYS);
    cr_assert_eq(physdev(PHYSDEVOP_pci_device_add, &pci), -ENOSYS);
    cr_assert_eq(physdev(12345, NULL), -ENOSYS);
}
