/*
 * types.h — basic integer types for code that builds both freestanding (the
 * hypervisor) and on the host (unit tests).  GCC provides stdint/stddef/
 * stdbool/stdarg even with -ffreestanding, so we use those.
 */
#ifndef XEN_TYPES_H
#define XEN_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uint64_t paddr_t;   /* machine (physical) address */
typedef uint64_t mfn_t;     /* machine frame number */
typedef uint64_t pfn_t;     /* guest pseudo-physical frame number */
typedef int64_t  s_time_t;  /* system time in ns since boot */
typedef uint16_t domid_t;

#ifndef __HOST_TEST__
typedef long ssize_t;
#endif

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE - 1))
#define PFN_DOWN(x)     ((x) >> PAGE_SHIFT)
#define PFN_UP(x)       (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))
#define container_of(p, type, member) \
    ((type *)((char *)(p) - offsetof(type, member)))

#endif
