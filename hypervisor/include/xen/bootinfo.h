/*
 * bootinfo.h — what the boot loader told us, in one loader-independent form.
 *
 * Both multiboot entry paths (multiboot2 from GRUB2, multiboot1 from QEMU's
 * -kernel or GRUB) fill one struct boot_info; everything after early boot
 * reads only this.  Implemented in hypervisor/arch/x86/boot/multiboot.c.
 *
 * Rules the parsers apply:
 *  - All strings are copied into bi->strings (the loader's memory may be
 *    reused later); bi->cmdline, bi->loader_name and modules[i].cmdline point
 *    there and are never NULL after a successful parse ("" when absent).
 *  - Kernel command line: multiboot2 keeps it whole.  Multiboot1 loaders
 *    other than GRUB 2 (QEMU, GRUB legacy) put the image file name first, so
 *    multiboot1_parse drops the first word unless the loader name starts
 *    with "GRUB 2" (Xen's cmdline_cook rule).  Leading blanks are dropped.
 *  - Module strings: multiboot1 loaders pass the module's file name as the
 *    first word, so multiboot1_parse drops the first word of every module
 *    string; multiboot2 (GRUB2 module2) does not, so multiboot2_parse keeps
 *    it whole.
 *  - The memory map is sanitised: zero-sized entries dropped, sorted by
 *    address, overlaps resolved so that RAM overlapping anything else loses
 *    the overlap (between two non-RAM types the higher type number wins),
 *    adjacent entries of one type merged.  Without a memory map the basic
 *    mem_lower/mem_upper figures yield [0, lower) and [1M, 1M + upper) RAM.
 *  - More than BOOT_MAX_MODULES modules: the first ones are kept and the
 *    parser returns -E2BIG.  More memory map entries than fit: RAM entries
 *    are dropped first (losing RAM is safe, losing a reserved range is not);
 *    -E2BIG only when only non-RAM would be left to drop.
 */
#ifndef XEN_BOOTINFO_H
#define XEN_BOOTINFO_H

#include <xen/types.h>

#define MULTIBOOT1_BOOTLOADER_MAGIC 0x2BADB002u  /* in eax at entry */
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289u

/* E820 / multiboot memory types. */
#define BOOT_MEM_RAM        1
#define BOOT_MEM_RESERVED   2
#define BOOT_MEM_ACPI       3
#define BOOT_MEM_NVS        4
#define BOOT_MEM_BAD        5

#define BOOT_MAX_MEMMAP     128
#define BOOT_MAX_MODULES    16
#define BOOT_STRINGS_SIZE   8192

struct boot_memrange {
    uint64_t addr, size;
    uint32_t type;
};

struct boot_module {
    uint64_t start, end;        /* [start, end) physical */
    const char *cmdline;        /* points into bi->strings */
};

struct boot_info {
    const char *cmdline, *loader_name;
    unsigned nr_memmap;
    struct boot_memrange memmap[BOOT_MAX_MEMMAP];
    unsigned nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];
    uint64_t mem_lower_kb, mem_upper_kb;
    size_t strings_used;
    char strings[BOOT_STRINGS_SIZE];
};

/*
 * mbi = the multiboot2 information block (8-byte aligned, identity mapped at
 * boot).  Trusts total_size as the readable length; validates tag sizes and
 * alignment and never reads past total_size.  0, -EINVAL on malformed input,
 * -E2BIG/-ENOSPC as described above (bi is still consistent then).
 */
int multiboot2_parse(const void *mbi, struct boot_info *bi);
/* Same, for a block of which only len bytes are readable (tests, fuzzing):
 * total_size > len is -EINVAL. */
int multiboot2_parse_buf(const void *mbi, size_t len, struct boot_info *bi);

/*
 * Multiboot1 holds physical pointers (cmdline, modules, memory map, loader
 * name).  map(paddr, len) returns a pointer through which [paddr, paddr+len)
 * is readable, or NULL if that range is not valid; the parser maps every
 * structure before reading it.  Returns 0 or -EINVAL (info block not
 * mappable, pointers not mappable, malformed map), -E2BIG, -ENOSPC.
 */
int multiboot1_parse(uint32_t mbi_paddr, const void *(*map)(uint64_t paddr, size_t len),
                     struct boot_info *bi);

/* Sanitise bi->memmap in place as described above (the parsers call it;
 * exposed for arch code that edits the map). */
void bootinfo_sanitise_memmap(struct boot_info *bi);
/* Total bytes of RAM in the (sanitised) map. */
uint64_t bootinfo_ram_bytes(const struct boot_info *bi);

#endif
