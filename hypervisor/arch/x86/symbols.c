/*
 * symbols.c — address -> function name for stack traces, and the image's
 * build id (XENVER_build_id).
 *
 * The table is generated at link time (tools/gen-symbols.sh from `nm -n` of
 * a previous link pass, see hypervisor/Makefile): sorted addresses, offsets
 * into one string blob, and the count.  A symbol's size is the distance to
 * the next symbol, capped at the end of .text.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/version.h>
#include <asm/setup.h>

/* The linker's build id note (xen.lds.S keeps it in the image). */
extern const char __note_gnu_build_id_start[], __note_gnu_build_id_end[];

int xen_build_id(const void **p, unsigned int *len)
{
    /* Elf64_Nhdr: namesz, descsz, type; then "GNU\0" and the id. */
    const uint32_t *n = (const uint32_t *)__note_gnu_build_id_start;
    unsigned long size = (unsigned long)(__note_gnu_build_id_end - __note_gnu_build_id_start);

    if (size < 12 || n[0] != 4 || n[2] != 3 /* NT_GNU_BUILD_ID */ ||
        12 + 4 + (unsigned long)n[1] > size || n[1] == 0)
        return -ENODATA;
    *p = (const char *)(n + 3) + 4;
    *len = n[1];
    return 0;
}

extern const uint64_t symbols_nr;
extern const uint64_t symbols_addrs[];
extern const uint32_t symbols_offsets[];
extern const char symbols_names[];

const char *symbols_lookup(unsigned long addr, unsigned long *offset, unsigned long *size)
{
    uint64_t lo = 0, hi = symbols_nr;
    uint64_t end;

    if (!symbols_nr || addr < symbols_addrs[0] || addr >= (unsigned long)_etext)
        return NULL;
    /* Last entry whose address is <= addr. */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;

        if (symbols_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    end = lo + 1 < symbols_nr ? symbols_addrs[lo + 1] : (unsigned long)_etext;
    *offset = addr - symbols_addrs[lo];
    *size = end - symbols_addrs[lo];
    return &symbols_names[symbols_offsets[lo]];
}

unsigned long symbols_lookup_name(const char *name)
{
    uint64_t i;

    for (i = 0; i < symbols_nr; i++)
        if (!strcmp(&symbols_names[symbols_offsets[i]], name))
            return symbols_addrs[i];
    return 0;
}
