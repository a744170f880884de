/*
 * memory.h — XENMEM_* operations (common/memory.c) and the architecture
 * hooks they use.
 */
#ifndef XEN_MEMORY_H
#define XEN_MEMORY_H

#include <xen/types.h>
#include <public/xen.h>
#include <public/memory.h>

struct domain;
struct page_info;

/* One E820 entry as Xen passes them (20 bytes, packed). */
struct e820entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));
#define E820_MAX_ENTRIES 128

#define INVALID_M2P     (~0UL)

/* Helpers on kernel values (unit-tested on the host). */
int memory_populate_one(struct domain *d, unsigned int order, unsigned int mem_flags,
                        xen_pfn_t gpfn, bool set_m2p, xen_pfn_t *mfn_out);
int memory_remove_one(struct domain *d, xen_pfn_t mfn, unsigned int order);
int memory_exchange_chunk(struct domain *d, const xen_pfn_t *in, unsigned int nr_in,
                          unsigned int in_order, unsigned int out_order,
                          unsigned int mem_flags, const xen_pfn_t *out_gpfns,
                          xen_pfn_t *out_mfns, unsigned int nr_out);
int memory_set_map(struct domain *d, const struct e820entry *map, unsigned int nr);

long do_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

/* Architecture hooks. */
void arch_set_m2p(mfn_t mfn, unsigned long pfn);          /* the table guests read */
void arch_unpin_on_release(struct page_info *pg);          /* drop a guest pin */
unsigned int arch_host_memory_map(struct e820entry *buf, unsigned int max);
void arch_machphys_mapping(struct xen_machphys_mapping *m);

#endif
