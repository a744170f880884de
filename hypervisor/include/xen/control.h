/*
 * control.h — the control interface dom0's toolstack and kernel use:
 * domctl (common/domctl.c), sysctl (common/sysctl.c), platform_op
 * (arch/x86/pv/platform.c) and physdev_op (arch/x86/pv/physdev.c).
 *
 * The request structures and every payload the hypervisor reads are the
 * public ones (public/domctl.h, public/sysctl.h), shared with the
 * toolstack; tests/unit/abi checks their sizes and offsets against
 * Debian's libxen-dev.  This header holds what is internal: the hooks and
 * the helpers domctl, sysctl and platform_op share.
 *
 * Per-domain control state that struct domain does not hold (time offset,
 * TSC mode, scheduler weight/cap, I/O permission ranges, xenstore-domain
 * flag) lives in a side table kept by domctl.c, created on first use and
 * dropped by destroydomain.
 */
#ifndef XEN_CONTROL_H
#define XEN_CONTROL_H

#include <xen/types.h>
#include <public/xen.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/platform.h>
#include <public/physdev.h>
#include <asm/cpuid_policy.h>

struct domain;
struct vcpu;

/*
 * The scheduler sysctl/domctl report: credit2, Xen 4.17's default (sched_id
 * 6 on the reference run; our round-robin keeps its weight/cap parameters).
 */
#define CTL_SCHEDULER_ID        XEN_SCHEDULER_CREDIT2

/* ------------------------------------------------------------ hypercalls */

long do_domctl(XEN_GUEST_HANDLE_PARAM(void) u_domctl);
long do_sysctl(XEN_GUEST_HANDLE_PARAM(void) u_sysctl);
long do_platform_op(XEN_GUEST_HANDLE_PARAM(void) u_op);

/* -------------------------------------------- shared by domctl and sysctl */

/* Fill *info for d as XEN_DOMCTL_getdomaininfo does. */
void ctl_getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info);

/* CPU policy views, serialised in Xen's leaf/MSR array format. */
enum ctl_cpuid_view {
    CTL_CPUID_HOST,                 /* the hardware's own answers */
    CTL_CPUID_PV,                   /* what a PV domU sees */
    CTL_CPUID_PV_DOM0,              /* what the hardware domain sees */
};
#define CTL_CPUID_MAX_LEAVES    120 /* Xen 4.17's CPUID_MAX_SERIALISED_LEAVES */
#define CTL_MSR_MAX_ENTRIES     2
#define CTL_FEATURESET_WORDS    19  /* FSCAPINTS of Debian's Xen 4.17 (to 0x80000021.ecx) */
/* Serialise a view into leaves[max_leaves] / msrs[max_msrs]; *nr_* set to
 * the counts written.  -ENOBUFS when an array is too small. */
int ctl_cpu_policy_serialise(enum ctl_cpuid_view view, xen_cpuid_leaf_t *leaves,
                             uint32_t max_leaves, uint32_t *nr_leaves,
                             xen_msr_entry_t *msrs, uint32_t max_msrs, uint32_t *nr_msrs);
/* Copy a view to guest arrays (both VAs 0: report the sizes needed). */
int ctl_cpu_policy_to_guest(enum ctl_cpuid_view view, uint64_t leaves_va, uint32_t *nr_leaves,
                            uint64_t msrs_va, uint32_t *nr_msrs);
/* The featureset words (public/arch-x86/cpufeatureset.h order). */
void ctl_featureset(enum ctl_cpuid_view view, uint32_t fs[CTL_FEATURESET_WORDS]);

/* I/O permissions granted by iomem/ioport_permission (the hardware domain
 * has them all).  For the MMU and I/O emulation paths. */
bool ctl_iomem_access_permitted(const struct domain *d, uint64_t first_mfn, uint64_t last_mfn);
bool ctl_ioport_access_permitted(const struct domain *d, uint32_t first, uint32_t last);

/* Wall clock set by dom0 (XENPF_settime*): the time at system time 0.
 * Returns false until dom0 has set it (then the CMOS clock stands). */
bool ctl_wallclock_base(uint64_t *sec, uint32_t *nsec);

#ifdef __HOST_TEST__
/* Forget the side table and the domid rover (between test cases). */
void ctl_reset_for_tests(void);
/* Forget the dom0-set wall clock. */
void platform_reset_for_tests(void);
#endif

/* Save/restore domctls (domctl_suspend.c). */
int domctl_resumedomain(struct domain *caller, struct domain *d);
int domctl_getpageframeinfo3(struct domain *d, struct xen_domctl *op);

/* ------------------------------------------------- architecture hooks */

/* setvcpucontext: install the guest context (kernel copy) on v, which is
 * not running.  ctx NULL: reset v to its just-created state. */
int  arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *ctx);
/* getvcpucontext: v's state (v is paused) as a guest context. */
int  arch_get_vcpu_context(struct vcpu *v, struct vcpu_guest_context *ctx);
/* One CPUID leaf of a view (platform.c wraps the instruction and pv_cpuid). */
void arch_ctl_cpuid(enum ctl_cpuid_view view, uint32_t leaf, uint32_t subleaf,
                    struct cpuid_regs *out);
/* TSC frequency from calibration, kHz. */
uint32_t arch_cpu_khz(void);
/* The machine's RAM in frames, as the firmware's memory map gives it
 * (physinfo's total_pages: Xen counts the same, so `xl info`'s
 * total_memory is the machine's, not what the heap got). */
unsigned long arch_total_ram_pages(void);
/* The machine's processors (ACPI MADT): physinfo's nr_cpus, as Xen reports
 * the same machine; every vCPU still runs on the boot processor. */
unsigned int arch_nr_cpus(void);

#endif
