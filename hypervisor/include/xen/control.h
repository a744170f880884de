/*
 * control.h — the control interface dom0's toolstack and kernel use:
 * domctl (common/domctl.c), sysctl (common/sysctl.c), platform_op
 * (arch/x86/pv/platform.c) and the dom0 part of physdev_op
 * (arch/x86/pv/physdev.c).
 *
 * public/domctl.h and public/sysctl.h carry the operations our own
 * toolstack issues (their layouts are checked against libxen-dev); the
 * further Xen 4.17 payloads the hypervisor must also accept (affinity,
 * scheduler, TSC, I/O permissions, CPU policy, topology, cpupools) are
 * defined here with Xen's x86_64 layouts, and the request structures are
 * re-declared as unions holding every payload so a handler never reads one
 * union member through another's type.
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

/* ------------------------------------------------ extra Xen 4.17 payloads */

/* struct xenctl_bitmap (a byte bitmap and its length in bits): public/xen.h. */
#define XEN_VCPUAFFINITY_HARD   (1u << 0)
#define XEN_VCPUAFFINITY_SOFT   (1u << 1)
#define XEN_VCPUAFFINITY_FORCE  (1u << 2)
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
    uint32_t flags;
    struct xenctl_bitmap cpumap_hard;
    struct xenctl_bitmap cpumap_soft;
};

struct xen_domctl_nodeaffinity {
    struct xenctl_bitmap nodemap;
};

#define XEN_DOMCTL_SCHEDOP_putinfo      0
#define XEN_DOMCTL_SCHEDOP_getinfo      1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo  2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo  3
struct xen_domctl_scheduler_op {
    uint32_t sched_id;
    uint32_t cmd;
    union {
        struct { uint16_t weight, cap; } credit;   /* credit and credit2 alike */
        uint8_t pad[16];            /* the largest member: a vCPU array handle */
    } u;
};

#define TSC_MODE_DEFAULT         0
#define TSC_MODE_ALWAYS_EMULATE  1
#define TSC_MODE_NEVER_EMULATE   2
struct xen_domctl_tsc_info {
    uint32_t tsc_mode;
    uint32_t gtsc_khz;
    uint32_t incarnation;
    uint32_t pad;
    xen_u64_aligned elapsed_nsec;
};

struct xen_domctl_iomem_permission {
    xen_u64_aligned first_mfn;
    xen_u64_aligned nr_mfns;
    uint8_t allow_access;
};

struct xen_domctl_ioport_permission {
    uint32_t first_port;
    uint32_t nr_ports;
    uint8_t allow_access;
};

struct xen_domctl_cpu_policy {
    uint32_t nr_leaves;             /* IN/OUT: entries of leaves */
    uint32_t nr_msrs;               /* IN/OUT: entries of msrs */
    xen_domctl_gptr_t leaves;       /* xen_cpuid_leaf_t[] */
    xen_domctl_gptr_t msrs;         /* xen_msr_entry_t[] */
    uint32_t err_leaf, err_subleaf, err_msr;   /* OUT: what set refused */
};

/* The domctl request with every payload this hypervisor reads. */
struct ctl_domctl {
    uint32_t cmd;
    uint32_t interface_version;
    uint16_t domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_setdomainhandle setdomainhandle;
        struct xen_domctl_hypercall_init hypercall_init;
        struct xen_domctl_settimeoffset settimeoffset;
        struct xen_domctl_address_size address_size;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_nodeaffinity nodeaffinity;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_tsc_info tsc_info;
        struct xen_domctl_iomem_permission iomem_permission;
        struct xen_domctl_ioport_permission ioport_permission;
        struct xen_domctl_cpu_policy cpu_policy;
        uint8_t pad[128];
    } u;
};
_Static_assert(sizeof(struct ctl_domctl) == sizeof(struct xen_domctl), "domctl size");
_Static_assert(sizeof(struct xen_domctl_vcpuaffinity) == 40, "vcpuaffinity layout");
_Static_assert(sizeof(struct xen_domctl_scheduler_op) == 24, "scheduler_op layout");
_Static_assert(sizeof(struct xen_domctl_tsc_info) == 24, "tsc_info layout");
_Static_assert(sizeof(struct xen_domctl_iomem_permission) == 24, "iomem layout");
_Static_assert(sizeof(struct xen_domctl_cpu_policy) == 40, "cpu_policy layout");

struct xen_sysctl_cputopo {
    uint32_t core, socket, node;
};
#define XEN_INVALID_CORE_ID     (~0u)
struct xen_sysctl_cputopoinfo {
    uint32_t num_cpus;
    xen_domctl_gptr_t cputopo;      /* xen_sysctl_cputopo[] */
};

struct xen_sysctl_meminfo {
    xen_u64_aligned memsize, memfree;
};
struct xen_sysctl_numainfo {
    uint32_t num_nodes;
    xen_domctl_gptr_t meminfo;      /* xen_sysctl_meminfo[] */
    xen_domctl_gptr_t distance;     /* uint32_t[num_nodes * num_nodes] */
};

#define XEN_SYSCTL_CPUPOOL_OP_CREATE     1
#define XEN_SYSCTL_CPUPOOL_OP_DESTROY    2
#define XEN_SYSCTL_CPUPOOL_OP_INFO       3
#define XEN_SYSCTL_CPUPOOL_OP_ADDCPU     4
#define XEN_SYSCTL_CPUPOOL_OP_RMCPU      5
#define XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN 6
#define XEN_SYSCTL_CPUPOOL_OP_FREEINFO   7
struct xen_sysctl_cpupool_op {
    uint32_t op, cpupool_id, sched_id, domid, cpu, n_dom;
    struct xenctl_bitmap cpumap;
};

#define XEN_SYSCTL_cpu_featureset_raw     0
#define XEN_SYSCTL_cpu_featureset_host    1
#define XEN_SYSCTL_cpu_featureset_pv      2
#define XEN_SYSCTL_cpu_featureset_hvm     3
#define XEN_SYSCTL_cpu_featureset_pv_max  4
#define XEN_SYSCTL_cpu_featureset_hvm_max 5
struct xen_sysctl_cpu_featureset {
    uint32_t index;
    uint32_t nr_features;           /* IN: room; OUT: words Xen has */
    xen_domctl_gptr_t features;     /* uint32_t[] */
};

#define XEN_SYSCTL_cpu_policy_raw         0
#define XEN_SYSCTL_cpu_policy_host        1
#define XEN_SYSCTL_cpu_policy_pv_max      2
#define XEN_SYSCTL_cpu_policy_hvm_max     3
#define XEN_SYSCTL_cpu_policy_pv_default  4
#define XEN_SYSCTL_cpu_policy_hvm_default 5
struct xen_sysctl_cpu_policy {
    uint32_t index;
    uint32_t nr_leaves;
    uint32_t nr_msrs;
    uint32_t _rsvd;
    xen_domctl_gptr_t leaves;
    xen_domctl_gptr_t msrs;
};

struct ctl_sysctl {
    uint32_t cmd;
    uint32_t interface_version;
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_cputopoinfo cputopoinfo;
        struct xen_sysctl_numainfo numainfo;
        struct xen_sysctl_cpupool_op cpupool_op;
        struct xen_sysctl_cpu_featureset cpu_featureset;
        struct xen_sysctl_cpu_policy cpu_policy;
        uint8_t pad[128];
    } u;
};
_Static_assert(sizeof(struct ctl_sysctl) == sizeof(struct xen_sysctl), "sysctl size");
_Static_assert(sizeof(struct xen_sysctl_cpupool_op) == 40, "cpupool_op layout");
_Static_assert(sizeof(struct xen_sysctl_cpu_policy) == 32, "sysctl cpu_policy layout");

/*
 * The scheduler sysctl/domctl report: credit2, Xen 4.17's default (sched_id
 * 6 on the reference run; our round-robin keeps its weight/cap parameters).
 */
#define CTL_SCHEDULER_ID        XEN_SCHEDULER_CREDIT2

/* ------------------------------------------------------------ hypercalls */

long do_domctl(XEN_GUEST_HANDLE_PARAM(void) u_domctl);
long do_sysctl(XEN_GUEST_HANDLE_PARAM(void) u_sysctl);
long do_platform_op(XEN_GUEST_HANDLE_PARAM(void) u_op);
/*
 * The physdev_op commands other than set_iopl (which pvcore's
 * do_physdev_op answers itself and should send everything else here).
 */
long physdev_op_control(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

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

#endif
