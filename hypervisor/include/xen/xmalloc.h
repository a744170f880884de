/*
 * xmalloc.h — the hypervisor's general-purpose heap (hypervisor/common/
 * xmalloc.c).
 *
 * Requests up to PAGE_SIZE/2 come from power-of-two size classes (16 bytes
 * to 2 KiB) carved out of Xen heap pages; the result is aligned to its size
 * class (so at least 16 bytes, and to the type's alignment for xmalloc()).
 * Larger requests get whole pages (page aligned).  Metadata lives in the
 * pages' struct page_info, so xfree() needs no size.  xfree() of a pointer
 * that xmalloc did not hand out, or of one already freed, is a BUG.
 * xmalloc_bytes(0) returns a valid, unique, minimal allocation.
 */
#ifndef XEN_XMALLOC_H
#define XEN_XMALLOC_H

#include <xen/types.h>

void *xmalloc_bytes(size_t size);
void *xzalloc_bytes(size_t size);
void xfree(void *p);
/* Allocation with alignment (a power of two; NULL otherwise).  Alignments
 * above PAGE_SIZE/2 take the page path: a block of 2^n pages is aligned to
 * 2^n pages. */
void *_xmalloc(size_t size, size_t align);
void *_xzalloc(size_t size, size_t align);
/* n * size with overflow check: NULL on overflow. */
void *_xmalloc_array(size_t size, size_t align, size_t n);
void *_xzalloc_array(size_t size, size_t align, size_t n);
/* Bytes usable at p (its size class or page block), 0 for NULL. */
size_t xmalloc_usable_size(const void *p);

#define xmalloc(type)           ((type *)_xmalloc(sizeof(type), __alignof__(type)))
#define xzalloc(type)           ((type *)_xzalloc(sizeof(type), __alignof__(type)))
#define xmalloc_array(type, n)  ((type *)_xmalloc_array(sizeof(type), __alignof__(type), (n)))
#define xzalloc_array(type, n)  ((type *)_xzalloc_array(sizeof(type), __alignof__(type), (n)))

#endif
