/*
 * harness.h — a fake machine for host tests of the PV MMU: 512 frames of
 * "RAM" in a host buffer with a frame table, the real buddy allocator, three
 * domains (0 privileged) with one vCPU each, and counters for the arch hooks
 * (TLB flushes, CR3 loads).  Frames 480..511 are "device memory", all
 * in dom0's iomem capability but H_IO_DENIED.
 */
#ifndef TEST_PVMM_HARNESS_H
#define TEST_PVMM_HARNESS_H

#include <xen/sched.h>
#include <xen/mm.h>
#include <xen/domheap.h>
#include <asm/page.h>
#include <asm/pv_mm.h>

#define H_FRAMES      512
#define H_IO_FIRST    480
#define H_IO_DENIED   511           /* outside dom0's iomem capability */
#define H_NR_DOMS     3

extern struct domain *hdom[H_NR_DOMS];
extern unsigned int flushes, invlpgs, cr3_loads;
extern unsigned long initial_free;
extern unsigned long m2p[H_FRAMES];
extern int crashes[H_NR_DOMS];

#include "../lib/host_stubs.h"

void h_setup(void);
void h_teardown(void);
pte_t *h_map(mfn_t mfn);
/* A fresh frame for d (zeroed); fails the test when out of memory. */
mfn_t h_alloc(struct domain *d);
/* Build L4 -> L3 -> L2 -> L1 for d mapping 'ndata' fresh data frames RW at
 * va 0 upward, with the table frames themselves mapped read-only after them.
 * Returns the L4; the table frames in *l3, *l2, *l1 when non-NULL. */
mfn_t h_build_tables(struct domain *d, unsigned int ndata, mfn_t *l3, mfn_t *l2, mfn_t *l1,
                     mfn_t *data);
uint64_t h_type(mfn_t mfn);
uint64_t h_tcount(mfn_t mfn);
uint64_t h_count(mfn_t mfn);
pte_t h_pte(mfn_t mfn, uint64_t flags);
void h_set_current(struct domain *d);

#endif
