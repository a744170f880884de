/*
 * string.c — memory and string functions for the freestanding hypervisor.
 *
 * memcpy/memset use "rep movsq/stosq" for the 8-byte words and "rep
 * movsb/stosb" for the tail; memmove's backward case "rep movsb".  String
 * instructions are fast on every CPU with ERMS and, unlike C loops, GCC
 * cannot turn them back into calls to themselves
 * (-ftree-loop-distribute-patterns would, even with -ffreestanding).  The
 * word form matters under emulation: QEMU's TCG runs a rep string
 * instruction one element per iteration, so "rep movsb" of a page took 8x
 * the time of "rep movsq" (grant copy ran at 1/18 of the guest's memcpy,
 * tests/bench/45-pv-core.sh).
 */
#include <xen/lib.h>

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    size_t words = n / 8, tail = n % 8;

    __asm__ __volatile__("rep movsq"
                         : "+D"(d), "+S"(src), "+c"(words) : : "memory");
    __asm__ __volatile__("rep movsb"
                         : "+D"(d), "+S"(src), "+c"(tail) : : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    /* Overlap with dst above src: copy backwards from the last byte. */
    d += n - 1;
    s += n - 1;
    __asm__ __volatile__("std; rep movsb; cld"
                         : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    size_t words = n / 8, tail = n % 8;
    unsigned long pattern = (unsigned char)c * 0x0101010101010101UL;

    __asm__ __volatile__("rep stosq"
                         : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
    __asm__ __volatile__("rep stosb"
                         : "+D"(d), "+c"(tail) : "a"(pattern) : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p < *q ? -1 : 1;
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (; n; n--, p++)
        if (*p == (unsigned char)c)
            return (void *)p;
    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return p - s;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

    while (*p && *p == *q)
        p++, q++;
    return (*p > *q) - (*p < *q);
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

    for (; n; n--, p++, q++) {
        if (*p != *q)
            return *p < *q ? -1 : 1;
        if (!*p)
            break;
    }
    return 0;
}

int strncasecmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        int x = xen_tolower((unsigned char)*a), y = xen_tolower((unsigned char)*b);

        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            break;
    }
    return 0;
}

int strcasecmp(const char *a, const char *b)
{
    return strncasecmp(a, b, (size_t)-1);
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for (; *haystack; haystack++)
        if (!strncmp(haystack, needle, n))
            return (char *)haystack;
    return n ? NULL : (char *)haystack;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
    size_t dlen = strnlen(dst, size);

    /* dst not terminated within size: nothing can be appended. */
    if (dlen == size)
        return size + strlen(src);
    return dlen + strlcpy(dst + dlen, src, size - dlen);
}
