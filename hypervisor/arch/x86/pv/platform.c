/*
 * platform.c — XENPF_* (platform_op, hypercall 7) for the hardware domain,
 * Xen 4.17 semantics, plus the arch hooks of the control interface
 * (CPUID views for sysctl/domctl CPU policies, the TSC frequency).
 *
 * What Linux 6.1 as dom0 issues while booting (arch/x86/xen/enlighten_pv.c,
 * time.c, drivers/xen/pcpu.c, efi.c) and what it gets here:
 *   firmware_info DISK_INFO / DISK_MBR_SIGNATURE (EDD): -ESRCH, no BIOS
 *     disk data is collected at boot (Xen: index >= entries found);
 *   firmware_info VBEDDC_INFO: -ESRCH (no EDID);
 *   firmware_info EFI_INFO: -ENOSYS (booted through multiboot, not EFI),
 *     so Linux concludes it is not on EFI;
 *   firmware_info KBD_SHIFT_FLAGS: 0 (no BIOS data area snapshot);
 *   get_cpuinfo: CPU 0 present and online, every other id invalid;
 *   get_cpu_version: CPU 0's vendor/family/model/stepping from CPUID;
 *   settime64 / settime32: store the wall clock and republish it in every
 *     domain's shared_info (Linux falls back to settime32 on -ENOSYS).
 * Everything else (microcode, memtypes, ACPI sleep, P/C-states, CPU and
 * memory hotplug, resource_op, symbols) answers -ENOSYS: Linux treats
 * each as optional.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/guest_access.h>
#include <xen/pvclock.h>
#include <xen/time.h>
#include <xen/control.h>

#define NSEC_PER_SEC 1000000000ULL

/* Wall clock at system time 0 as dom0 last set it. */
static bool wc_set;
static uint64_t wc_sec;
static uint32_t wc_nsec;

bool ctl_wallclock_base(uint64_t *sec, uint32_t *nsec)
{
    if (!wc_set)
        return false;
    *sec = wc_sec;
    *nsec = wc_nsec;
    return true;
}

#ifdef __HOST_TEST__
void platform_reset_for_tests(void)
{
    wc_set = false;
    wc_sec = 0;
    wc_nsec = 0;
}
#endif

/*
 * secs.nsecs was the wall-clock time at system_time: the base (wall time
 * at system time 0) is their difference.  A base before the epoch (dom0
 * passing a system time larger than the wall time) is clamped to 0.
 */
static void do_settime(uint64_t secs, uint32_t nsecs, uint64_t system_time)
{
    unsigned __int128 wall = (unsigned __int128)secs * NSEC_PER_SEC + nsecs;
    uint64_t base;
    struct domain *d;

    base = wall > system_time ? (uint64_t)(wall - system_time) : 0;
    wc_sec = base / NSEC_PER_SEC;
    wc_nsec = (uint32_t)(base % NSEC_PER_SEC);
    wc_set = true;
    for (d = domain_first_from(0); d != NULL; ) {
        domid_t next = (domid_t)(d->domain_id + 1);

        update_domain_wallclock_time(d);
        put_domain(d);
        d = next < DOMID_FIRST_RESERVED ? domain_first_from(next) : NULL;
    }
}

static int platform_firmware_info(struct xen_platform_op *op, bool *copyback)
{
    struct xenpf_firmware_info *fw = &op->u.firmware_info;

    switch (fw->type) {
    case XEN_FW_DISK_INFO:
    case XEN_FW_DISK_MBR_SIGNATURE:
        return -ESRCH;                  /* no EDD entries collected */
    case XEN_FW_VBEDDC_INFO:
        return -ESRCH;                  /* index 0 only, and no EDID */
    case XEN_FW_EFI_INFO:
        return -ENOSYS;                 /* not booted through EFI */
    case XEN_FW_KBD_SHIFT_FLAGS:
        if (fw->index != 0)
            return -EINVAL;
        fw->u.kbd_shift_flags = 0;
        *copyback = true;
        return 0;
    default:
        return -EINVAL;
    }
}

static void platform_cpuinfo(struct xen_platform_op *op)
{
    struct xenpf_pcpuinfo *pi = &op->u.pcpu_info;

    if (pi->xen_cpuid != 0) {
        pi->flags = XEN_PCPU_FLAGS_INVALID;
    } else {
        pi->flags = XEN_PCPU_FLAGS_ONLINE;
        pi->apic_id = 0;
        pi->acpi_id = 0;
    }
    pi->max_present = 0;
}

static int platform_cpu_version(struct xen_platform_op *op)
{
    struct xenpf_pcpu_version *ver = &op->u.pcpu_version;
    struct cpuid_regs r;
    uint32_t fam, model;

    ver->max_present = 0;
    if (ver->xen_cpuid != 0) {
        /* Xen: an absent CPU reads as all zeroes, not as an error. */
        memset(ver->vendor_id, 0, sizeof(ver->vendor_id));
        ver->family = ver->model = ver->stepping = 0;
        return 0;
    }
    arch_ctl_cpuid(CTL_CPUID_HOST, 0, 0, &r);
    memcpy(ver->vendor_id, &r.b, 4);
    memcpy(ver->vendor_id + 4, &r.d, 4);
    memcpy(ver->vendor_id + 8, &r.c, 4);
    arch_ctl_cpuid(CTL_CPUID_HOST, 1, 0, &r);
    fam = (r.a >> 8) & 0xf;
    model = (r.a >> 4) & 0xf;
    if (fam == 0xf)
        fam += (r.a >> 20) & 0xff;
    if (fam >= 6)
        model |= ((r.a >> 16) & 0xf) << 4;
    ver->family = fam;
    ver->model = model;
    ver->stepping = r.a & 0xf;
    return 0;
}

long do_platform_op(XEN_GUEST_HANDLE_PARAM(void) u_op)
{
    struct xen_platform_op op;
    bool copyback = false;
    long rc;

    if (copy_from_guest_va(&op, u_op.p, sizeof(op)) != 0)
        return -EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -EACCES;
    if (!current->domain->is_privileged)
        return -EPERM;

    switch (op.cmd) {
    case XENPF_settime64:
        if (op.u.settime64.mbz != 0)
            return -EINVAL;
        do_settime(op.u.settime64.secs, op.u.settime64.nsecs, op.u.settime64.system_time);
        rc = 0;
        break;
    case XENPF_settime32:
        do_settime(op.u.settime32.secs, op.u.settime32.nsecs, op.u.settime32.system_time);
        rc = 0;
        break;
    case XENPF_firmware_info:
        rc = platform_firmware_info(&op, &copyback);
        break;
    case XENPF_get_cpuinfo:
        platform_cpuinfo(&op);
        copyback = true;
        rc = 0;
        break;
    case XENPF_get_cpu_version:
        rc = platform_cpu_version(&op);
        copyback = rc == 0;
        break;
    default:
        rc = -ENOSYS;
        break;
    }
    if (copyback && copy_to_guest_va(u_op.p, &op, sizeof(op)) != 0)
        rc = -EFAULT;
    return rc;
}

#ifndef __HOST_TEST__
/* --------------------------------------- hardware hooks (host tests fake) */

#include <asm/processor.h>
#include <asm/time.h>
#include <asm/setup.h>

static void host_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *o)
{
    cpuid_count(leaf, sub, &o->a, &o->b, &o->c, &o->d);
}

void arch_ctl_cpuid(enum ctl_cpuid_view view, uint32_t leaf, uint32_t subleaf,
                    struct cpuid_regs *out)
{
    static struct pv_cpuid_policy pol;
    static bool ready;

    if (view == CTL_CPUID_HOST) {
        host_cpuid(leaf, subleaf, out);
        return;
    }
    if (!ready) {
        /* The same parameters the CPUID emulation path uses. */
        pol.host = host_cpuid;
        pol.xen_major = 4;
        pol.xen_minor = 17;
        pol.tsc_khz = (uint32_t)(tsc_hz / 1000);
        pol.host_khz = pol.tsc_khz;
        pol.tsc_reliable = boot_cpu.invariant_tsc;
        pol.maddr_bits = 40;
        pv_cpuid_policy_init(&pol);
        ready = true;
    }
    pol.dom0 = view == CTL_CPUID_PV_DOM0;
    pv_cpuid(&pol, leaf, subleaf, out);
}

uint32_t arch_cpu_khz(void)
{
    return (uint32_t)(tsc_hz / 1000);
}

unsigned long arch_total_ram_pages(void)
{
    return total_ram_pages;
}
#endif
