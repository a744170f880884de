/*
 * sysctl.h — the system control hypercall (__HYPERVISOR_sysctl, 35) as Xen
 * 4.17 defines it, interface version 0x15: the operations the toolstack
 * issues (`xl info`, `xl list`, `xl dmesg`, topology, cpupools, CPU
 * policy).  Our own text of the public ABI; sizes and offsets are checked
 * against Debian's libxen-dev by tests/unit/abi (defs/domctl_sysctl.def).
 */
#ifndef PUBLIC_SYSCTL_H
#define PUBLIC_SYSCTL_H

#include <stdint.h>
#include "domctl.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

#define XEN_SYSCTL_readconsole           1
#define XEN_SYSCTL_tbuf_op               2
#define XEN_SYSCTL_physinfo              3
#define XEN_SYSCTL_sched_id              4
#define XEN_SYSCTL_perfc_op              5
#define XEN_SYSCTL_getdomaininfolist     6
#define XEN_SYSCTL_debug_keys            7
#define XEN_SYSCTL_getcpuinfo            8
#define XEN_SYSCTL_availheap             9
#define XEN_SYSCTL_cputopoinfo          16
#define XEN_SYSCTL_numainfo             17
#define XEN_SYSCTL_cpupool_op           18
#define XEN_SYSCTL_scheduler_op         19
#define XEN_SYSCTL_get_cpu_featureset   26
#define XEN_SYSCTL_get_cpu_policy       29

/* physinfo capabilities */
#define XEN_SYSCTL_PHYSCAP_hvm          (1u << 0)
#define XEN_SYSCTL_PHYSCAP_pv           (1u << 1)
#define XEN_SYSCTL_PHYSCAP_directio     (1u << 2)
#define XEN_SYSCTL_PHYSCAP_hap          (1u << 3)
#define XEN_SYSCTL_PHYSCAP_shadow       (1u << 4)
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share (1u << 5)
#define XEN_SYSCTL_PHYSCAP_vmtrace      (1u << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu         (1u << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1    (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2    (1u << 9)

/* Scheduler ids (sched_id). */
#define XEN_SCHEDULER_CREDIT    5
#define XEN_SCHEDULER_CREDIT2   6
#define XEN_SCHEDULER_ARINC653  7
#define XEN_SCHEDULER_RTDS      8
#define XEN_SCHEDULER_NULL      9

/* XEN_SYSCTL_debug_keys: the console's debug keys, run in order (Xen's
 * layout; `xl debug-keys`).  Ours: 'q' dumps the domains. */
struct xen_sysctl_debug_keys {
    xen_domctl_gptr_t keys;       /* IN: char array */
    uint32_t nr_keys;             /* IN */
};

struct xen_sysctl_readconsole {
    uint8_t  clear;               /* IN: empty the ring after reading */
    uint8_t  incremental;         /* IN: start at index instead of the oldest byte */
    uint8_t  pad0, pad1;
    uint32_t index;               /* IN/OUT: incremental position */
    xen_domctl_gptr_t buffer;     /* IN: char buffer */
    uint32_t count;               /* IN: buffer size; OUT: bytes written */
};

struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;        /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint32_t pad;
    xen_u64_aligned total_pages;
    xen_u64_aligned free_pages;
    xen_u64_aligned scrub_pages;
    xen_u64_aligned outstanding_pages;
    xen_u64_aligned max_mfn;
    uint32_t hw_cap[8];
};

struct xen_sysctl_sched_id {
    uint32_t sched_id;
};

/* buffer points at an array of struct xen_domctl_getdomaininfo. */
struct xen_sysctl_getdomaininfolist {
    uint16_t first_domain;        /* IN */
    uint32_t max_domains;         /* IN */
    xen_domctl_gptr_t buffer;
    uint32_t num_domains;         /* OUT */
};

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

/* XEN_SYSCTL_scheduler_op: a cpupool's scheduler-wide parameters. */
#define XEN_SYSCTL_SCHEDOP_putinfo      0
#define XEN_SYSCTL_SCHEDOP_getinfo      1
#define XEN_SYSCTL_SCHED_RATELIMIT_MAX  500000
#define XEN_SYSCTL_SCHED_RATELIMIT_MIN  100
struct xen_sysctl_credit_schedule {
    uint32_t tslice_ms, ratelimit_us, vcpu_migr_delay_us;
};
struct xen_sysctl_credit2_schedule {
    uint32_t ratelimit_us;
};
struct xen_sysctl_scheduler_op {
    uint32_t cpupool_id;            /* 0: the only pool */
    uint32_t sched_id;              /* XEN_SCHEDULER_* */
    uint32_t cmd;                   /* XEN_SYSCTL_SCHEDOP_* */
    union {
        struct { xen_domctl_gptr_t schedule; } sched_arinc653;
        struct xen_sysctl_credit_schedule sched_credit;
        struct xen_sysctl_credit2_schedule sched_credit2;
    } u;
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

struct xen_sysctl {
    uint32_t cmd;
    uint32_t interface_version;   /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_debug_keys debug_keys;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_scheduler_op scheduler_op;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_cputopoinfo cputopoinfo;
        struct xen_sysctl_numainfo numainfo;
        struct xen_sysctl_cpupool_op cpupool_op;
        struct xen_sysctl_cpu_featureset cpu_featureset;
        struct xen_sysctl_cpu_policy cpu_policy;
        uint8_t pad[128];
    } u;
};

_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112, "physinfo layout");
_Static_assert(sizeof(struct xen_sysctl) == 136, "sysctl layout");

#endif
