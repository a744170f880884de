/*
 * mkelf.c — in-memory ELF64 image builder for the libelf tests and fuzz
 * seeds (see mkelf.h).  Layout of a built image:
 *   ELF header | program headers (segments, then PT_NOTE) | notes |
 *   segment data (16-byte aligned each) | [section string table |
 *   __xen_guest string | section headers]
 */
#include <string.h>
#include "mkelf.h"

#define EHDR 64
#define PHDR 56
#define SHDR 64

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static size_t align(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

size_t mkelf_phdr_offset(unsigned int i)
{
    return EHDR + (size_t)i * PHDR;
}

static void phdr(uint8_t *p, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
                 uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
    put32(p, type);
    put32(p + 4, flags);
    put64(p + 8, off);
    put64(p + 16, vaddr);
    put64(p + 24, paddr);
    put64(p + 32, filesz);
    put64(p + 40, memsz);
    put64(p + 48, 16);
}

static void shdr(uint8_t *p, uint32_t name, uint32_t type, uint64_t off, uint64_t size)
{
    memset(p, 0, SHDR);
    put32(p, name);
    put32(p + 4, type);
    put64(p + 24, off);
    put64(p + 32, size);
    put64(p + 48, 1);
}

size_t mkelf(uint8_t *buf, size_t cap, const struct mk_spec *s)
{
    bool pt_note = s->nnotes && !s->notes_in_section;
    bool sections = s->notes_in_section || s->xen_guest;
    unsigned int nph = s->nsegs + (pt_note ? 1 : 0), i;
    size_t pos, notes_off, notes_len, strtab_off = 0, guest_off = 0, guest_len = 0, sh_off = 0;
    static const char strtab[] = "\0.shstrtab\0.note.Xen\0__xen_guest";

    pos = EHDR + (size_t)nph * PHDR;
    if (pos > cap)
        return 0;
    memset(buf, 0, cap);

    /* notes */
    notes_off = pos;
    for (i = 0; i < s->nnotes; i++) {
        const struct mk_note *n = &s->notes[i];
        const char *name = n->name ? n->name : "Xen";
        size_t nsz = strlen(name) + 1;

        if (pos + 12 + align(nsz, 4) + align(n->descsz, 4) > cap)
            return 0;
        put32(buf + pos, (uint32_t)nsz);
        put32(buf + pos + 4, n->descsz);
        put32(buf + pos + 8, n->type);
        memcpy(buf + pos + 12, name, nsz);
        pos += 12 + align(nsz, 4);
        if (n->descsz)
            memcpy(buf + pos, n->desc, n->descsz);
        pos += align(n->descsz, 4);
    }
    notes_len = pos - notes_off;

    /* segments */
    for (i = 0; i < s->nsegs; i++) {
        const struct mk_seg *g = &s->segs[i];
        size_t k;

        pos = align(pos, 16);
        if (pos + g->filesz > cap)
            return 0;
        for (k = 0; k < g->filesz; k++)
            buf[pos + k] = (uint8_t)(g->fill + k);
        phdr(buf + EHDR + (size_t)i * PHDR, g->type ? g->type : 1, 7, pos, g->vaddr, g->paddr,
             g->filesz, g->memsz);
        pos += g->filesz;
    }
    if (pt_note)
        phdr(buf + EHDR + (size_t)s->nsegs * PHDR, 4, 4, notes_off, 0, 0, notes_len, notes_len);

    if (sections) {
        strtab_off = pos;
        if (pos + sizeof(strtab) > cap)
            return 0;
        memcpy(buf + pos, strtab, sizeof(strtab));
        pos += sizeof(strtab);
        if (s->xen_guest) {
            guest_off = pos;
            guest_len = strlen(s->xen_guest) + 1;
            if (pos + guest_len > cap)
                return 0;
            memcpy(buf + pos, s->xen_guest, guest_len);
            pos += guest_len;
        }
        pos = align(pos, 8);
        sh_off = pos;
        if (pos + 4 * SHDR > cap)
            return 0;
        memset(buf + pos, 0, SHDR);                                   /* [0] null */
        shdr(buf + pos + SHDR, 1, 3, strtab_off, sizeof(strtab));     /* [1] .shstrtab */
        if (s->notes_in_section)
            shdr(buf + pos + 2 * SHDR, 11, 7, notes_off, notes_len);  /* [2] .note.Xen */
        else
            shdr(buf + pos + 2 * SHDR, 0, 0, 0, 0);
        if (s->xen_guest)
            shdr(buf + pos + 3 * SHDR, 21, 1, guest_off, guest_len);  /* [3] __xen_guest */
        else
            shdr(buf + pos + 3 * SHDR, 0, 0, 0, 0);
        pos += 4 * SHDR;
    }

    /* ELF header last: it needs the table offsets */
    buf[0] = 0x7f; buf[1] = 'E'; buf[2] = 'L'; buf[3] = 'F';
    buf[4] = 2; buf[5] = 1; buf[6] = 1;
    put16(buf + 16, 2);             /* ET_EXEC */
    put16(buf + 18, 62);            /* EM_X86_64 */
    put32(buf + 20, 1);
    put64(buf + 24, s->entry);
    put64(buf + 32, EHDR);
    put64(buf + 40, sections ? sh_off : 0);
    put16(buf + 52, EHDR);
    put16(buf + 54, PHDR);
    put16(buf + 56, (uint16_t)nph);
    put16(buf + 58, SHDR);
    put16(buf + 60, sections ? 4 : 0);
    put16(buf + 62, sections ? 1 : 0);
    return pos;
}

size_t mkelf_linux(uint8_t *buf, size_t cap)
{
    static const uint64_t virt_base = 0xffffffff80000000ULL, paddr_off = 0;
    static const uint64_t entry = 0xffffffff81000200ULL, hypercall = 0xffffffff81001000ULL;
    static const uint64_t init_p2m = 0x8000000000ULL, mod_start_pfn = 1;
    static const uint32_t supported = (1u << 11) | (1u << 1);
    static const struct mk_seg segs[] = {
        /* text, rodata, percpu (p_vaddr 0), data+bss */
        { 0, 0x1000000, 0xffffffff81000000ULL, 0x3000, 0x3000, 0x10 },
        { 0, 0x1003000, 0xffffffff81003000ULL, 0x1000, 0x1000, 0x20 },
        { 0, 0x1004000, 0, 0x800, 0x1000, 0x30 },
        { 0, 0x1005000, 0xffffffff81005000ULL, 0x1200, 0x5000, 0x40 },
    };
    static const struct mk_note notes[] = {
        MK_NOTE_STR(6, "linux"),
        MK_NOTE_STR(7, "2.6"),
        MK_NOTE_STR(5, "xen-3.0"),
        MK_NOTE_U64(3, &virt_base),
        MK_NOTE_U64(4, &paddr_off),
        MK_NOTE_U64(1, &entry),
        MK_NOTE_U64(2, &hypercall),
        MK_NOTE_STR(10, "!writable_page_tables|pae_pgdir_above_4gb"),
        MK_NOTE_U32(17, &supported),
        MK_NOTE_STR(9, "yes"),
        MK_NOTE_STR(8, "generic"),
        MK_NOTE_U64(15, &init_p2m),
        MK_NOTE_U64(16, &mod_start_pfn),
        { "Linux", 1, "xx", 2 },      /* a non-Xen note sharing the segment */
    };
    const struct mk_spec spec = {
        .entry = 0x1000000, .segs = segs, .nsegs = 4,
        .notes = notes, .nnotes = sizeof(notes) / sizeof(notes[0]),
    };

    return mkelf(buf, cap, &spec);
}

size_t mkelf_small(uint8_t *buf, size_t cap)
{
    static const uint64_t hypercall = 0x101000;
    static const struct mk_seg segs[] = {
        { 0, 0x100000, 0x100000, 0x2400, 0x4000, 0x55 },
    };
    static const struct mk_note notes[] = {
        MK_NOTE_STR(5, "xen-3.0"),
        MK_NOTE_STR(6, "xtf"),
        MK_NOTE_STR(8, "generic"),
        MK_NOTE_U64(2, &hypercall),
    };
    const struct mk_spec spec = {
        .entry = 0x100010, .segs = segs, .nsegs = 1, .notes = notes, .nnotes = 4,
    };

    return mkelf(buf, cap, &spec);
}
