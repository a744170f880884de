/*
 * mca.c — HYPERVISOR_mca (hypercall 48) as Xen 4.17 answers a PV dom0.
 *
 * Linux's xen-mcelog driver asks XEN_MC_physcpuinfo at boot (first the
 * count with a null array, then the array) and registers /dev/mcelog only
 * if that works; afterwards it fetches telemetry when VIRQ_MCA fires.  This
 * hypervisor neither handles #MC nor polls the banks, so a fetch always
 * finds no data (XEN_MC_NODATA) and VIRQ_MCA never fires; the injection
 * commands answer -ENODEV ("no MCA banks", Xen's answer on such a machine).
 *
 * physcpuinfo describes the processor the hypervisor runs on (vCPUs all run
 * on the boot processor): its CPUID identity, APIC id, feature words and
 * cache; no MSR values (mc_nmsrvals 0: Xen adds MCG_CAP there).
 *
 * Checks as Xen's: privileged callers only (-EPERM), the interface version
 * (-EACCES), the command (-EINVAL).
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/control.h>
#include <public/arch-x86/xen-mca.h>

/* Xen's X86_VENDOR_* bits. */
#define MCA_VENDOR_INTEL    (1u << 0)
#define MCA_VENDOR_AMD      (1u << 1)

static void mca_cpu_info(xen_mc_logical_cpu_t *c)
{
    struct cpuid_regs r, l1;
    uint32_t fs[CTL_FEATURESET_WORDS], max_ext;

    memset(c, 0, sizeof(*c));
    arch_ctl_cpuid(CTL_CPUID_HOST, 0, 0, &r);
    c->mc_cpuid_level = (int32_t)r.a;
    memcpy(c->mc_vendorid + 0, &r.b, 4);
    memcpy(c->mc_vendorid + 4, &r.d, 4);
    memcpy(c->mc_vendorid + 8, &r.c, 4);
    if (!memcmp(c->mc_vendorid, "GenuineIntel", 12))
        c->mc_vendor = MCA_VENDOR_INTEL;
    else if (!memcmp(c->mc_vendorid, "AuthenticAMD", 12))
        c->mc_vendor = MCA_VENDOR_AMD;
    arch_ctl_cpuid(CTL_CPUID_HOST, 1, 0, &l1);
    c->mc_family = (l1.a >> 8) & 0xf;
    c->mc_model = (l1.a >> 4) & 0xf;
    if (c->mc_family == 0xf)
        c->mc_family += (l1.a >> 20) & 0xff;
    if (c->mc_family >= 6)
        c->mc_model |= ((l1.a >> 16) & 0xf) << 4;
    c->mc_step = l1.a & 0xf;
    c->mc_apicid = l1.b >> 24;
    c->mc_clusterid = l1.b >> 24;
    c->mc_cache_alignment = ((l1.b >> 8) & 0xff) * 8;
    c->mc_ncores = c->mc_ncores_active = 1;
    c->mc_nthreads = 1;
    ctl_featureset(CTL_CPUID_HOST, fs);
    for (unsigned int i = 0; i < MC_NCAPS && i < CTL_FEATURESET_WORDS; i++)
        c->mc_cpu_caps[i] = fs[i];
    arch_ctl_cpuid(CTL_CPUID_HOST, 0x80000000u, 0, &r);
    max_ext = r.a;
    if (max_ext >= 0x80000004u) {
        for (uint32_t i = 0; i < 3; i++) {
            arch_ctl_cpuid(CTL_CPUID_HOST, 0x80000002u + i, 0, &r);
            memcpy(c->mc_brandid + 16 * i, &r, 16);
        }
    }
    if (max_ext >= 0x80000006u) {
        arch_ctl_cpuid(CTL_CPUID_HOST, 0x80000006u, 0, &r);
        c->mc_cache_size = r.c >> 16;           /* L2, KiB */
    }
}

long do_mca(XEN_GUEST_HANDLE_PARAM(void) u_mc)
{
    struct xen_mc op;
    xen_mc_logical_cpu_t cpu;

    if (!current->domain->is_privileged)
        return -EPERM;
    if (copy_from_guest_va(&op, u_mc.p, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_MCA_INTERFACE_VERSION)
        return -EACCES;

    switch (op.cmd) {
    case XEN_MC_fetch: {
        uint32_t which = op.u.mc_fetch.flags & (XEN_MC_NONURGENT | XEN_MC_URGENT);

        if (which != XEN_MC_NONURGENT && which != XEN_MC_URGENT)
            return -EINVAL;
        if (op.u.mc_fetch.flags & XEN_MC_ACK)
            return 0;                           /* nothing was ever handed out */
        if (op.u.mc_fetch.data.p == 0)
            return -EINVAL;
        op.u.mc_fetch.flags = XEN_MC_OK | XEN_MC_NODATA;
        op.u.mc_fetch.fetch_id = 0;
        return copy_to_guest_va(u_mc.p, &op, sizeof(op)) ? -EFAULT : 0;
    }
    case XEN_MC_notifydomain:
        return -EINVAL;                         /* unsupported in Xen 4.17 too */
    case XEN_MC_physcpuinfo:
        if (op.u.mc_physcpuinfo.info.p != 0) {
            if ((int32_t)op.u.mc_physcpuinfo.ncpus <= 0)
                return -EINVAL;
            mca_cpu_info(&cpu);
            if (copy_to_guest_va(op.u.mc_physcpuinfo.info.p, &cpu, sizeof(cpu)))
                return -EFAULT;
        }
        op.u.mc_physcpuinfo.ncpus = 1;
        return copy_to_guest_va(u_mc.p, &op, sizeof(op)) ? -EFAULT : 0;
    case XEN_MC_msrinject:
    case XEN_MC_mceinject:
    case XEN_MC_inject_v2:
        return -ENODEV;
    default:
        return -EINVAL;
    }
}
