/*
 * guest_access.h — the only way hypervisor code reads or writes guest memory.
 *
 * Hypercall handlers copy their arguments in with copy_from_guest(), hand
 * kernel copies to helpers that never touch guest memory (so the helpers can
 * be unit-tested on the host), and copy results out with copy_to_guest().
 *
 * The raw_* primitives are provided by the architecture (PV: a guest virtual
 * address in the current vCPU's address space, range-checked against the
 * hypervisor's reserved slots and protected by exception fixups) and by the
 * host test harness.  They return the number of bytes NOT copied, so any
 * non-zero result means -EFAULT.
 */
#ifndef XEN_GUEST_ACCESS_H
#define XEN_GUEST_ACCESS_H

#include <xen/types.h>

unsigned long raw_copy_from_guest(void *to, const void *from, unsigned long n);
unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long n);
/* One 16-bit store, e.g. the status word of each op of a batch: a single
 * faultable move instead of raw_copy_to_guest's string copy (which costs
 * ~10 translated blocks under QEMU TCG).  0, or non-zero if it faulted. */
unsigned long raw_put_guest_u16(void *to, uint16_t v);

/* Guest handles are plain pointers in the x86_64 PV ABI. */
#define guest_handle_is_null(h)         ((h).p == NULL)
#define guest_handle_add_offset(h, n)   ((h).p += (n))

/* Copy nr elements of *ptr's type between a hypervisor buffer and a handle. */
#define copy_from_guest(ptr, hnd, nr) \
    raw_copy_from_guest((ptr), (const void *)(hnd).p, sizeof(*(ptr)) * (nr))
#define copy_to_guest(hnd, ptr, nr) \
    raw_copy_to_guest((void *)(hnd).p, (ptr), sizeof(*(ptr)) * (nr))
#define copy_from_guest_offset(ptr, hnd, off, nr) \
    raw_copy_from_guest((ptr), (const void *)((hnd).p + (off)), sizeof(*(ptr)) * (nr))
#define copy_to_guest_offset(hnd, off, ptr, nr) \
    raw_copy_to_guest((void *)((hnd).p + (off)), (ptr), sizeof(*(ptr)) * (nr))

/* Untyped forms for handlers that take a plain guest address. */
#define copy_from_guest_va(ptr, va, n)  raw_copy_from_guest((ptr), (const void *)(va), (n))
#define copy_to_guest_va(va, ptr, n)    raw_copy_to_guest((void *)(va), (ptr), (n))

#endif
