/*
 * domctl.h — the domain control hypercall (__HYPERVISOR_domctl, 36) as Xen
 * 4.17 defines it, interface version 0x15: the operations and payloads a
 * PV toolstack uses and the hypervisor reads.  Written from the public ABI
 * facts; sizes and offsets are checked against Debian's libxen-dev by
 * tests/unit/abi (defs/domctl_sysctl.def).
 *
 * Shared by the hypervisor (which implements the operations) and
 * dom0-tools/libctrl (which issues them through /dev/xen/privcmd).
 */
#ifndef PUBLIC_DOMCTL_H
#define PUBLIC_DOMCTL_H

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/* 64-bit fields are 8-aligned in the ABI even where the C type would not be. */
#ifndef xen_u64_aligned
#define xen_u64_aligned uint64_t __attribute__((aligned(8)))
#define xen_s64_aligned int64_t __attribute__((aligned(8)))
#endif

/* A guest pointer carried as a 64-bit value (XEN_GUEST_HANDLE_64). */
typedef struct { xen_u64_aligned p; } xen_domctl_gptr_t;

/* Operation numbers (the subset we implement or issue). */
#define XEN_DOMCTL_createdomain          1
#define XEN_DOMCTL_destroydomain         2
#define XEN_DOMCTL_pausedomain           3
#define XEN_DOMCTL_unpausedomain         4
#define XEN_DOMCTL_getdomaininfo         5
#define XEN_DOMCTL_setvcpuaffinity       9
#define XEN_DOMCTL_shadow_op            10
#define XEN_DOMCTL_max_mem              11
#define XEN_DOMCTL_setvcpucontext       12
#define XEN_DOMCTL_getvcpucontext       13
#define XEN_DOMCTL_getvcpuinfo          14
#define XEN_DOMCTL_max_vcpus            15
#define XEN_DOMCTL_scheduler_op         16
#define XEN_DOMCTL_setdomainhandle      17
#define XEN_DOMCTL_setdebugging         18
#define XEN_DOMCTL_irq_permission       19
#define XEN_DOMCTL_iomem_permission     20
#define XEN_DOMCTL_ioport_permission    21
#define XEN_DOMCTL_hypercall_init       22
#define XEN_DOMCTL_settimeoffset        24
#define XEN_DOMCTL_getvcpuaffinity      25
#define XEN_DOMCTL_resumedomain         27
#define XEN_DOMCTL_sendtrigger          28
#define XEN_DOMCTL_set_address_size     35
#define XEN_DOMCTL_get_address_size     36
#define XEN_DOMCTL_set_ext_vcpucontext  42
#define XEN_DOMCTL_get_ext_vcpucontext  43
#define XEN_DOMCTL_set_target           46
#define XEN_DOMCTL_gettscinfo           59
#define XEN_DOMCTL_settscinfo           60
#define XEN_DOMCTL_getpageframeinfo3    61
#define XEN_DOMCTL_setvcpuextstate      62
#define XEN_DOMCTL_getvcpuextstate      63
#define XEN_DOMCTL_set_virq_handler     66
#define XEN_DOMCTL_setnodeaffinity      68
#define XEN_DOMCTL_getnodeaffinity      69
#define XEN_DOMCTL_soft_reset           79
#define XEN_DOMCTL_get_cpu_policy       82
#define XEN_DOMCTL_set_cpu_policy       83

/* createdomain flags */
#define XEN_DOMCTL_CDF_hvm            (1u << 0)
#define XEN_DOMCTL_CDF_hap            (1u << 1)
#define XEN_DOMCTL_CDF_s3_integrity   (1u << 2)
#define XEN_DOMCTL_CDF_oos_off        (1u << 3)
#define XEN_DOMCTL_CDF_xs_domain      (1u << 4)
#define XEN_DOMCTL_CDF_iommu          (1u << 5)
#define XEN_DOMCTL_CDF_nested_virt    (1u << 6)
#define XEN_DOMCTL_CDF_vpmu           (1u << 7)
#define XEN_DOMCTL_CDF_MAX            XEN_DOMCTL_CDF_vpmu

struct xen_domctl_createdomain {
    uint32_t ssidref;
    uint8_t  handle[16];          /* UUID */
    uint32_t flags;               /* XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t  max_grant_frames;    /* < 0: hypervisor default */
    int32_t  max_maptrack_frames; /* < 0: hypervisor default */
    uint32_t grant_opts;          /* low 4 bits: max grant table version */
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};
#define XEN_DOMCTL_GRANT_version(v)   ((v) & 0xf)

/* getdomaininfo flags */
#define XEN_DOMINF_dying       (1u << 0)
#define XEN_DOMINF_hvm_guest   (1u << 1)
#define XEN_DOMINF_shutdown    (1u << 2)
#define XEN_DOMINF_paused      (1u << 3)
#define XEN_DOMINF_blocked     (1u << 4)
#define XEN_DOMINF_running     (1u << 5)
#define XEN_DOMINF_debugged    (1u << 6)
#define XEN_DOMINF_xs_domain   (1u << 7)
#define XEN_DOMINF_hap         (1u << 8)
#define XEN_DOMINF_shutdownshift 16       /* reason = (flags >> 16) & 0xff */
#define XEN_DOMINF_shutdownmask  0xffu
#define XEN_INVALID_MAX_VCPU_ID  (~0u)

struct xen_domctl_getdomaininfo {
    uint16_t domain;              /* OUT: the domain found (>= the one asked) */
    uint16_t pad1;
    uint32_t flags;               /* XEN_DOMINF_* */
    xen_u64_aligned tot_pages;
    xen_u64_aligned max_pages;
    xen_u64_aligned outstanding_pages;
    xen_u64_aligned shr_pages;
    xen_u64_aligned paged_pages;
    xen_u64_aligned shared_info_frame;   /* GMFN of shared_info */
    xen_u64_aligned cpu_time;            /* ns */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    uint8_t  handle[16];
    uint32_t cpupool;
    uint8_t  gpaddr_bits;
    uint8_t  pad2[7];
    struct xen_arch_domainconfig arch_config;
};

struct xen_domctl_max_mem {
    xen_u64_aligned max_memkb;
};

/* set/getvcpucontext: ctxt points at a struct vcpu_guest_context (xen.h). */
struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    xen_domctl_gptr_t ctxt;
};

struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;                /* IN */
    uint8_t  online, blocked, running;
    xen_u64_aligned cpu_time;     /* ns */
    uint32_t cpu;                 /* physical CPU it is on */
};

struct xen_domctl_max_vcpus {
    uint32_t max;
};

struct xen_domctl_setdomainhandle {
    uint8_t handle[16];
};

struct xen_domctl_hypercall_init {
    xen_u64_aligned gmfn;         /* guest frame to fill with the stubs */
};

struct xen_domctl_settimeoffset {
    xen_s64_aligned time_offset_seconds;
};

struct xen_domctl_address_size {
    uint32_t size;                /* 32 or 64 (bits) */
};

/* XEN_DOMCTL_{set,get}vcpuaffinity; struct xenctl_bitmap (a byte bitmap and its length in bits): public/xen.h. */
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
        struct xen_domctl_sched_credit { uint16_t weight, cap; } credit;
        struct xen_domctl_sched_credit2 { uint16_t weight, cap; } credit2;
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

/*
 * XEN_DOMCTL_getpageframeinfo3: array holds num (<= 1024) frames of the
 * domain (MFNs for PV); each is replaced by its type for the save stream.
 */
#define XEN_DOMCTL_PFINFO_LTAB_SHIFT  28
#define XEN_DOMCTL_PFINFO_NOTAB       (0x0u << 28)
#define XEN_DOMCTL_PFINFO_L1TAB       (0x1u << 28)
#define XEN_DOMCTL_PFINFO_L2TAB       (0x2u << 28)
#define XEN_DOMCTL_PFINFO_L3TAB       (0x3u << 28)
#define XEN_DOMCTL_PFINFO_L4TAB       (0x4u << 28)
#define XEN_DOMCTL_PFINFO_LTABTYPE_MASK (0x7u << 28)
#define XEN_DOMCTL_PFINFO_LPINTAB     (0x8u << 28)  /* pinned */
#define XEN_DOMCTL_PFINFO_XTAB        (0xfu << 28)  /* invalid / not the domain's */
#define XEN_DOMCTL_PFINFO_XALLOC      (0xeu << 28)  /* allocate only, no data */
#define XEN_DOMCTL_PFINFO_BROKEN      (0xdu << 28)
#define XEN_DOMCTL_PFINFO_LTAB_MASK   (0xfu << 28)
#define XEN_DOMCTL_PFINFO_MAX_BATCH   1024u
struct xen_domctl_getpageframeinfo3 {
    xen_u64_aligned num;
    xen_domctl_gptr_t array;      /* xen_pfn_t[num], IN frames, OUT types */
};

/* XEN_DOMCTL_shadow_op (PV: log-dirty mode only). */
#define XEN_DOMCTL_SHADOW_OP_OFF              0
#define XEN_DOMCTL_SHADOW_OP_ENABLE_TEST      1
#define XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY  2
#define XEN_DOMCTL_SHADOW_OP_ENABLE_TRANSLATE 3
#define XEN_DOMCTL_SHADOW_OP_CLEAN           11
#define XEN_DOMCTL_SHADOW_OP_PEEK            12
#define XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION  30
#define XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION  31
#define XEN_DOMCTL_SHADOW_OP_ENABLE          32
#define XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY   (1u << 2)
struct xen_domctl_shadow_op_stats {
    uint32_t fault_count;
    uint32_t dirty_count;
};
struct xen_domctl_shadow_op {
    uint32_t op;
    uint32_t mode;                /* ENABLE: XEN_DOMCTL_SHADOW_ENABLE_* */
    uint32_t mb;                  /* SET/GET_ALLOCATION */
    xen_domctl_gptr_t dirty_bitmap;   /* CLEAN/PEEK: one bit per PFN */
    xen_u64_aligned pages;        /* IN: bitmap size in bits; OUT: pages done */
    struct xen_domctl_shadow_op_stats stats;
};

struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version;   /* XEN_DOMCTL_INTERFACE_VERSION */
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
        struct xen_domctl_getpageframeinfo3 getpageframeinfo3;
        struct xen_domctl_shadow_op shadow_op;
        uint8_t pad[128];
    } u;
};

_Static_assert(sizeof(struct xen_domctl_createdomain) == 64, "createdomain layout");
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 112, "getdomaininfo layout");
_Static_assert(sizeof(struct xen_domctl) == 144, "domctl layout");

#endif
