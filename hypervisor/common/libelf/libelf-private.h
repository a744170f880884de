/*
 * libelf-private.h — helpers shared by the libelf sources and the x86 PV
 * start-of-day code built on them (arch/x86/pvboot/) only.
 *
 * libelf is compiled in three settings: the freestanding hypervisor, the
 * dom0 toolstack (ordinary userspace) and host unit tests / fuzzers.  So it
 * depends on nothing but the compiler's own headers: byte helpers and the
 * small formatter for error reasons live here rather than in xen/lib.h, and
 * error numbers come from xen/errno.h in the hypervisor and libc elsewhere
 * (the values are the same on x86 Linux, which xen/errno.h checks).
 */
#ifndef LIBELF_PRIVATE_H
#define LIBELF_PRIVATE_H

#include <stdarg.h>
#include <xen/libelf.h>
#include <public/elfnote.h>
#include <public/features.h>

#if defined(__XEN__) || defined(__HOST_TEST__)
#include <xen/errno.h>
#else
#include <errno.h>
#endif

/* ELF64 on-disk structures (little-endian x86-64 only). */
#define ELF_EHDR_SIZE   64
#define ELF_PHDR_SIZE   56
#define ELF_SHDR_SIZE   64
#define ELF_NHDR_SIZE   12

#define ET_EXEC         2
#define EM_X86_64       62
#define PT_LOAD         1
#define PT_NOTE         4
#define SHT_NOTE        7
#define SHT_NOBITS      8

struct elf64_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

struct elf64_shdr {
    uint32_t sh_name, sh_type;
    uint64_t sh_flags, sh_addr, sh_offset, sh_size;
    uint32_t sh_link, sh_info;
    uint64_t sh_addralign, sh_entsize;
};

/* Unaligned little-endian loads: the image buffer may have any alignment. */
static inline uint16_t elf_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t elf_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static inline uint64_t elf_get64(const uint8_t *p)
{
    return (uint64_t)elf_get32(p) | ((uint64_t)elf_get32(p + 4) << 32);
}

/* a + b without wrapping: false if it would overflow. */
static inline bool elf_add_ok(uint64_t a, uint64_t b, uint64_t *sum)
{
    return !__builtin_add_overflow(a, b, sum);
}

/* [off, off + len) lies inside a buffer of size bytes. */
static inline bool elf_range_ok(uint64_t off, uint64_t len, uint64_t size)
{
    uint64_t end;

    return elf_add_ok(off, len, &end) && end <= size;
}

static inline size_t elf_strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

/* Compare s with the NUL-terminated prefix: s starts with it. */
static inline bool elf_starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return false;
    return true;
}

static inline bool elf_str_eq(const char *a, size_t alen, const char *b)
{
    size_t i;

    for (i = 0; i < alen; i++)
        if (b[i] != a[i] || !b[i])
            return false;
    return b[alen] == '\0';
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Format a reason: "<who>: <message>" into buf.  Supports %s %c %d %u %x
 * with l/ll, the '#' flag for hex, and a zero-padded width; enough for our
 * messages, and no dependency on a libc or the hypervisor's printf.
 */
void elf_vformat(char *buf, size_t size, const char *who, const char *fmt, va_list ap);
void elf_format(char *buf, size_t size, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Record a failure in img->reason and return err (negative). */
int elf_fail(struct elf_image *img, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* notes.c: parse the Xen notes of a parsed image (called by elf_parse). */
int elf_xen_parse_notes(struct elf_image *img);

#endif /* LIBELF_PRIVATE_H */
