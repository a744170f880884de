/*
 * mkelf.h — builds small ELF64 x86-64 images in memory for the libelf
 * tests and the fuzzer's seed corpus: program headers, one PT_NOTE segment
 * holding the given notes, optional section headers (for the SHT_NOTE and
 * __xen_guest paths), and segment contents filled with a recognisable byte.
 */
#ifndef MKELF_H
#define MKELF_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct mk_seg {
    uint32_t type;          /* PT_LOAD (1) unless set */
    uint64_t paddr, vaddr;
    uint64_t filesz, memsz;
    uint8_t fill;           /* file bytes are fill, fill+1, ... */
};

struct mk_note {
    const char *name;       /* "Xen" unless set */
    uint32_t type;
    const void *desc;
    uint32_t descsz;
};

struct mk_spec {
    uint64_t entry;
    const struct mk_seg *segs;
    unsigned int nsegs;
    const struct mk_note *notes;
    unsigned int nnotes;
    bool notes_in_section;  /* put notes in an SHT_NOTE section, no PT_NOTE */
    const char *xen_guest;  /* if set, a __xen_guest section with this string */
};

/* Build into buf (cap bytes); returns the image size, 0 if it does not fit. */
size_t mkelf(uint8_t *buf, size_t cap, const struct mk_spec *spec);

/* Helpers for note descriptors. */
#define MK_NOTE_STR(t, s)   { NULL, (t), (s), (uint32_t)sizeof(s) }
#define MK_NOTE_U64(t, pv)  { NULL, (t), (pv), 8 }
#define MK_NOTE_U32(t, pv)  { NULL, (t), (pv), 4 }

/* Offsets of the i-th program header and of the segment data in a built image. */
size_t mkelf_phdr_offset(unsigned int i);

/*
 * A Linux-6.1-shaped dom0-capable kernel: VIRT_BASE 0xffffffff80000000,
 * text at paddr 16 MiB, a percpu segment with p_vaddr 0, data with bss,
 * ENTRY, HYPERCALL_PAGE, INIT_P2M, FEATURES, SUPPORTED_FEATURES (dom0).
 */
size_t mkelf_linux(uint8_t *buf, size_t cap);

/* A tests/guests-shaped kernel: one PT_LOAD at 1 MiB, vaddr = paddr, no VIRT_BASE. */
size_t mkelf_small(uint8_t *buf, size_t cap);

#endif /* MKELF_H */
