/*
 * host_stubs.c — see host_stubs.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <criterion/criterion.h>
#include "host_stubs.h"

/* The hypervisor's event counters (xen/perfc.h), incremented by the real
 * mm.c these harnesses compile. */
uint64_t perfc_count[64];

int printk(const char *fmt, ...);
void panic(const char *fmt, ...);
unsigned long raw_copy_from_guest(void *to, const void *from, unsigned long n);
unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long n);
void *_xmalloc(size_t size, size_t align);
void *_xzalloc(size_t size, size_t align);
void *_xmalloc_array(size_t size, size_t align, size_t n);
void *_xzalloc_array(size_t size, size_t align, size_t n);
void xfree(void *p);

int printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vfprintf(stderr, fmt, ap);
    va_end(ap);
    return n;
}

void panic(const char *fmt, ...)
{
    va_list ap;
    char buf[256];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    cr_assert_fail("hypervisor panic: %s", buf);
    abort();
}

static int bad_guest(const void *p)
{
    return p == NULL || (unsigned long)p >= H_BAD_GUEST_ADDR;
}

unsigned long raw_copy_from_guest(void *to, const void *from, unsigned long n)
{
    if (bad_guest(from))
        return n;
    memcpy(to, from, n);
    return 0;
}

unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long n)
{
    if (bad_guest(to))
        return n;
    memcpy(to, from, n);
    return 0;
}

unsigned long raw_put_guest_u16(void *to, uint16_t v)
{
    return raw_copy_to_guest(to, &v, sizeof(v));
}

void *_xmalloc(size_t size, size_t align) { (void)align; return malloc(size ? size : 1); }
void *_xzalloc(size_t size, size_t align) { (void)align; return calloc(1, size ? size : 1); }
void *_xmalloc_array(size_t size, size_t align, size_t n)
{
    (void)align;
    if (n != 0 && size > SIZE_MAX / n)
        return NULL;            /* overflow, as the hypervisor's allocator */
    return malloc(size * n != 0 ? size * n : 1);
}
void *_xzalloc_array(size_t size, size_t align, size_t n) { (void)align; return calloc(n ? n : 1, size); }
void xfree(void *p) { free(p); }
