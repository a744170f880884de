/*
 * public/memory.h — HYPERVISOR_memory_op(cmd, arg): growing and shrinking a
 * domain's memory (ballooning, the toolstack's populate_physmap), memory
 * maps, where the M2P table lives, and mapping resources (grant table
 * frames) for the toolstack.
 *
 * The sharing / paging / access sub-ops Xen has for HVM introspection are
 * not provided (numbers kept so nothing reuses them).
 */
#ifndef PUBLIC_MEMORY_H
#define PUBLIC_MEMORY_H

#include "xen.h"
#include "physdev.h"

#define XENMEM_increase_reservation        0
#define XENMEM_decrease_reservation        1
#define XENMEM_maximum_ram_page            2   /* arg NULL: highest MFN */
#define XENMEM_current_reservation         3   /* arg domid_t *: pages now */
#define XENMEM_maximum_reservation         4   /* arg domid_t *: pages allowed */
#define XENMEM_machphys_mfn_list           5
#define XENMEM_populate_physmap            6
#define XENMEM_add_to_physmap              7
#define XENMEM_memory_map                  9   /* the caller's own E820 */
#define XENMEM_machine_memory_map         10   /* the host's E820 (privileged) */
#define XENMEM_exchange                   11
#define XENMEM_machphys_mapping           12
#define XENMEM_set_memory_map             13   /* set a domain's E820 (toolstack) */
#define XENMEM_maximum_gpfn               14
#define XENMEM_remove_from_physmap        15
#define XENMEM_set_pod_target             16
#define XENMEM_get_pod_target             17
#define XENMEM_get_sharing_freed_pages    18
#define XENMEM_get_sharing_shared_pages   19
#define XENMEM_paging_op                  20
#define XENMEM_access_op                  21
#define XENMEM_sharing_op                 22
#define XENMEM_add_to_physmap_batch       23
#define XENMEM_claim_pages                24
#define XENMEM_machphys_compat_mfn_list   25
#define XENMEM_get_vnumainfo              26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource           28

/* xen_memory_reservation.mem_flags */
#define XENMEMF_address_bits(x)     (x)
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x)             (((x) + 1) << 8)
#define XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand  (1 << 16)
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_exact_node(n)       (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode               (1 << 18)

#ifndef __ASSEMBLY__

/*
 * increase / decrease_reservation and populate_physmap: nr_extents extents
 * of 2^extent_order pages.  For increase, extent_start receives the new
 * MFNs; for decrease it lists the PFNs (GMFNs) to release; for populate it
 * lists the PFNs to back.  Returns the number of extents done.
 */
struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t  nr_extents;
    unsigned int extent_order;
    unsigned int mem_flags;     /* XENMEMF_* */
    domid_t      domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged;   /* OUT (and IN: progress on restart) */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_exchange_t);

struct xen_memory_domain {
    domid_t domid;
};

/* Frames backing the M2P table, in 2 MiB extents. */
struct xen_machphys_mfn_list {
    unsigned int max_extents;
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    unsigned int nr_extents;    /* OUT */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mfn_list_t);

/* Where the read-only M2P table is mapped, and the highest MFN it covers. */
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;
    xen_ulong_t max_mfn;
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mapping_t);

#define XENMAPSPACE_shared_info  0
#define XENMAPSPACE_grant_table  1
#define XENMAPSPACE_gmfn         2
#define XENMAPSPACE_gmfn_range   3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio     5

/* Auto-translated guests only. */
struct xen_add_to_physmap {
    domid_t      domid;
    uint16_t     size;
    unsigned int space;         /* XENMAPSPACE_* */
#define XENMAPIDX_grant_table_status 0x80000000
    xen_ulong_t  idx;
    xen_pfn_t    gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

struct xen_add_to_physmap_batch {
    domid_t  domid;
    uint16_t space;
    uint16_t size;
    union xen_add_to_physmap_batch_extra {
        domid_t  foreign_domid;
        uint16_t res0;
    } u;
    XEN_GUEST_HANDLE(xen_ulong_t) idxs;
    XEN_GUEST_HANDLE(xen_pfn_t)   gpfns;
    XEN_GUEST_HANDLE(int)         errs;
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_batch_t);

struct xen_remove_from_physmap {
    domid_t   domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/*
 * memory_map / machine_memory_map: IN nr_entries = room in buffer, OUT the
 * count written.  buffer holds E820 entries, 20 bytes each, packed:
 * { uint64_t addr, size; uint32_t type; }.
 */
struct xen_memory_map {
    unsigned int nr_entries;
    XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);

struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_foreign_memory_map_t);

struct xen_pod_target {
    uint64_t target_pages;
    uint64_t tot_pages;         /* OUT */
    uint64_t pod_cache_pages;   /* OUT */
    uint64_t pod_entries;       /* OUT */
    domid_t  domid;
};
typedef struct xen_pod_target xen_pod_target_t;

struct xen_reserved_device_memory {
    xen_pfn_t   start_pfn;
    xen_ulong_t nr_pages;
};
typedef struct xen_reserved_device_memory xen_reserved_device_memory_t;
DEFINE_XEN_GUEST_HANDLE(xen_reserved_device_memory_t);

struct xen_reserved_device_memory_map {
#define XENMEM_RDM_ALL 1
    uint32_t     flags;
    unsigned int nr_entries;
    XEN_GUEST_HANDLE(xen_reserved_device_memory_t) buffer;
    union {
        physdev_pci_device_t pci;
    } dev;
};
typedef struct xen_reserved_device_memory_map xen_reserved_device_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_reserved_device_memory_map_t);

/*
 * Map frames of a resource owned by domid (e.g. its grant table) into the
 * caller.  frame_list receives the frame numbers; nr_frames 0 with a NULL
 * list asks for the resource's size.
 */
struct xen_mem_acquire_resource {
    domid_t  domid;
    uint16_t type;
#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table  1
#define XENMEM_resource_vmtrace_buf  2
    uint32_t id;
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
    uint32_t nr_frames;
    uint32_t pad;
    uint64_t frame;             /* first frame of the resource to map */
#define XENMEM_resource_ioreq_server_frame_bufioreq 0
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_acquire_resource_t);

struct xen_vmemrange {
    uint64_t start, end;
    unsigned int flags;
    unsigned int nid;
};
typedef struct xen_vmemrange xen_vmemrange_t;
DEFINE_XEN_GUEST_HANDLE(xen_vmemrange_t);

struct xen_vnuma_topology_info {
    domid_t  domid;
    uint16_t pad;
    unsigned int nr_vnodes;
    unsigned int nr_vcpus;
    unsigned int nr_vmemranges;
    union {
        XEN_GUEST_HANDLE(uint) h;
        uint64_t pad;
    } vdistance;
    union {
        XEN_GUEST_HANDLE(uint) h;
        uint64_t pad;
    } vcpu_to_vnode;
    union {
        XEN_GUEST_HANDLE(xen_vmemrange_t) h;
        uint64_t pad;
    } vmemrange;
};
typedef struct xen_vnuma_topology_info xen_vnuma_topology_info_t;
DEFINE_XEN_GUEST_HANDLE(xen_vnuma_topology_info_t);

#endif /* !__ASSEMBLY__ */

#endif /* PUBLIC_MEMORY_H */
