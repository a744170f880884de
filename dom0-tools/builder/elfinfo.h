/*
 * elfinfo.h — what the builder needs to know about a PV kernel's ELF image:
 * loadable segments placed by p_paddr, the Xen notes, the virtual extent.
 *
 * This is a thin adapter: the plan is for the parsing to come from the
 * hypervisor's shared loader (hypervisor/common/libelf/, xen/libelf.h);
 * until that lands, elfinfo.c carries a compact parser of its own.
 */
#ifndef DOM0_TOOLS_ELFINFO_H
#define DOM0_TOOLS_ELFINFO_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "xc.h"

#define PV_ELF_MAX_SEGS 16

struct pv_elf_seg {
    uint64_t paddr;         /* guest-physical load address (before PADDR_OFFSET) */
    uint64_t offset, filesz, memsz;
};

struct pv_elf {
    const uint8_t *image;
    size_t size;
    unsigned nr_segs;
    struct pv_elf_seg segs[PV_ELF_MAX_SEGS];
    uint64_t virt_base;         /* VIRT_BASE note (0 if absent) */
    uint64_t paddr_offset;      /* PADDR_OFFSET note (defaults to virt_base) */
    uint64_t entry;             /* ENTRY note, else e_entry */
    uint64_t hypercall_page;    /* VA, 0 = none */
    uint64_t init_p2m;          /* VA, 0 = none */
    bool mod_start_pfn;
    uint32_t supported_features;
    char guest_os[32], loader[32], xen_version[32], features[256];
    /* Virtual extent of the loaded image: [virt_kstart, virt_kend). */
    uint64_t virt_kstart, virt_kend;
};

/* Parse and validate; messages name the file ("kernel /x: ..."). */
int pv_elf_parse(const void *image, size_t size, const char *name,
                 struct pv_elf *e, struct errbuf *eb);

/*
 * Copy the segments into dst, which maps guest VAs [dst_va, dst_va+dst_len)
 * and zero their bss.  Segments outside the window are an error.
 */
int pv_elf_load(const struct pv_elf *e, uint8_t *dst, uint64_t dst_va, size_t dst_len,
                struct errbuf *eb);

#endif
