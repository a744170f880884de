/*
 * public/arch-x86/xen-mca.h — HYPERVISOR_mca (hypercall 48, arch_0): the
 * machine-check interface Linux's xen-mcelog driver uses in dom0.  Only
 * the commands and structures that exist in Xen 4.17's interface version
 * 0x01ecc003 are defined; the telemetry records (mc_info) stay opaque here
 * because this hypervisor never produces any.
 */
#ifndef PUBLIC_ARCH_X86_XEN_MCA_H
#define PUBLIC_ARCH_X86_XEN_MCA_H

#include "../xen.h"

#define XEN_MCA_INTERFACE_VERSION 0x01ecc003

/* xen_mc_fetch.flags */
#define XEN_MC_NONURGENT    0x0001      /* IN: non-urgent telemetry (dom0) */
#define XEN_MC_URGENT       0x0002      /* IN: urgent telemetry */
#define XEN_MC_ACK          0x0004      /* IN: acknowledge fetch_id */
#define XEN_MC_OK           0x0         /* OUT */
#define XEN_MC_FETCHFAILED  0x1
#define XEN_MC_NODATA       0x2         /* OUT: nothing to fetch */

#define VIRQ_MCA            VIRQ_ARCH_0 /* dom0: machine check telemetry */

#define MC_NCAPS            7
#define __MC_MSR_ARRAYSIZE  8

#ifndef __ASSEMBLY__
struct mcinfo_msr {
    uint64_t reg;
    uint64_t value;
};
typedef struct mcinfo_msr xen_mcinfo_msr_t;

/* One physical CPU, as XEN_MC_physcpuinfo reports it. */
struct mcinfo_logical_cpu {
    uint32_t mc_cpunr;
    uint32_t mc_chipid;
    uint16_t mc_coreid;
    uint16_t mc_threadid;
    uint32_t mc_apicid;
    uint32_t mc_clusterid;
    uint32_t mc_ncores;
    uint32_t mc_ncores_active;
    uint32_t mc_nthreads;
    int32_t  mc_cpuid_level;
    uint32_t mc_family;
    uint32_t mc_vendor;
    uint32_t mc_model;
    uint32_t mc_step;
    char     mc_vendorid[16];
    char     mc_brandid[64];
    uint32_t mc_cpu_caps[MC_NCAPS];
    uint32_t mc_cache_size;
    uint32_t mc_cache_alignment;
    int32_t  mc_nmsrvals;
    xen_mcinfo_msr_t mc_msrvalues[__MC_MSR_ARRAYSIZE];
};
typedef struct mcinfo_logical_cpu xen_mc_logical_cpu_t;
DEFINE_XEN_GUEST_HANDLE(xen_mc_logical_cpu_t);

#define XEN_MC_fetch        1
struct xen_mc_fetch {
    uint32_t flags;             /* IN: XEN_MC_(NON)URGENT [| ACK]; OUT: XEN_MC_OK... */
    uint32_t _pad0;
    uint64_t fetch_id;          /* OUT: id to ack; IN: id acked */
    XEN_GUEST_HANDLE(void) data; /* OUT: struct mc_info (opaque here) */
};

#define XEN_MC_notifydomain 2   /* unsupported in Xen 4.17: -EINVAL */
struct xen_mc_notifydomain {
    uint16_t mc_domid;
    uint16_t mc_vcpuid;
    uint32_t flags;
};

#define XEN_MC_physcpuinfo  3
struct xen_mc_physcpuinfo {
    uint32_t ncpus;             /* IN: array entries; OUT: CPUs reported */
    uint32_t _pad0;
    XEN_GUEST_HANDLE(xen_mc_logical_cpu_t) info; /* null: just the count */
};

#define XEN_MC_msrinject    4
#define MC_MSRINJ_MAXMSRS   8
struct xen_mc_msrinject {
    uint32_t mcinj_cpunr;
    uint32_t mcinj_flags;
    uint32_t mcinj_count;
    domid_t  mcinj_domid;
    uint16_t _pad0;
    xen_mcinfo_msr_t mcinj_msr[MC_MSRINJ_MAXMSRS];
};

#define XEN_MC_mceinject    5
struct xen_mc_mceinject {
    unsigned int mceinj_cpunr;
};

#define XEN_MC_inject_v2    6

struct xen_mc {
    uint32_t cmd;
    uint32_t interface_version; /* XEN_MCA_INTERFACE_VERSION */
    union {
        struct xen_mc_fetch         mc_fetch;
        struct xen_mc_notifydomain  mc_notifydomain;
        struct xen_mc_physcpuinfo   mc_physcpuinfo;
        struct xen_mc_msrinject     mc_msrinject;
        struct xen_mc_mceinject     mc_mceinject;
    } u;
};
typedef struct xen_mc xen_mc_t;
DEFINE_XEN_GUEST_HANDLE(xen_mc_t);
#endif

#endif
