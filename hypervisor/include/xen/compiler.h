/*
 * compiler.h — force-included into every hypervisor object (see Rules.mk).
 *
 * The image is linked at 0xffff82d080000000, outside what -mcmodel=kernel
 * allows, so it is built -fpie.  Hidden visibility for everything makes the
 * compiler use direct RIP-relative references instead of a GOT.
 */
#ifndef XEN_COMPILER_H
#define XEN_COMPILER_H

/*
 * Host unit tests (__HOST_TEST__) compile hypervisor sources into ordinary
 * programs that call libc and Criterion in shared libraries: hidden
 * declarations of those would not link, so the pragma is hypervisor-only.
 */
#ifndef __HOST_TEST__
#pragma GCC visibility push(hidden)
#endif

#define likely(x)       __builtin_expect(!!(x), 1)
#define unlikely(x)     __builtin_expect(!!(x), 0)
#define __packed        __attribute__((packed))
#define __aligned(a)    __attribute__((aligned(a)))
#define __noreturn      __attribute__((noreturn))
#define __unused        __attribute__((unused))
#define __used          __attribute__((used))
#define __section(s)    __attribute__((section(s)))
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#define barrier()       __asm__ __volatile__("" ::: "memory")
#define ACCESS_ONCE(x)  (*(volatile __typeof__(x) *)&(x))

#endif
