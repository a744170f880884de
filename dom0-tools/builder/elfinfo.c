/*
 * elfinfo.c — a compact ELF64 + Xen-notes reader for the PV builder (see
 * elfinfo.h for why it exists).  Every offset and size read from the file
 * is checked against the image bounds before use: a hostile or truncated
 * kernel produces a message, never a crash.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <elf.h>
#include "elfinfo.h"
#include <public/elfnote.h>

static bool in_bounds(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

static uint64_t note_num(const uint8_t *d, uint32_t sz)
{
    uint64_t v = 0;
    if (sz == 4) { uint32_t x; memcpy(&x, d, 4); v = x; }
    else if (sz == 8) memcpy(&v, d, 8);
    else if (sz == 2) { uint16_t x; memcpy(&x, d, 2); v = x; }
    else if (sz == 1) v = d[0];
    return v;
}

static void note_str(char *dst, size_t cap, const uint8_t *d, uint32_t sz)
{
    size_t n = sz < cap - 1 ? sz : cap - 1;
    memcpy(dst, d, n);
    dst[n] = 0;
}

static int parse_notes(struct pv_elf *e, const uint8_t *p, uint64_t len, bool *seen_xen)
{
    uint64_t off = 0;
    while (off + 12 <= len) {
        uint32_t namesz, descsz, type;
        memcpy(&namesz, p + off, 4);
        memcpy(&descsz, p + off + 4, 4);
        memcpy(&type, p + off + 8, 4);
        uint64_t name_off = off + 12;
        uint64_t desc_off = name_off + (((uint64_t)namesz + 3) & ~3ULL);
        uint64_t next = desc_off + (((uint64_t)descsz + 3) & ~3ULL);
        if (next > len || desc_off > len)
            return -EINVAL;
        if (namesz == 4 && memcmp(p + name_off, "Xen", 4) == 0) {
            const uint8_t *d = p + desc_off;
            *seen_xen = true;
            switch (type) {
            case XEN_ELFNOTE_ENTRY: e->entry = note_num(d, descsz); break;
            case XEN_ELFNOTE_HYPERCALL_PAGE: e->hypercall_page = note_num(d, descsz); break;
            case XEN_ELFNOTE_VIRT_BASE: e->virt_base = note_num(d, descsz); break;
            case XEN_ELFNOTE_PADDR_OFFSET: e->paddr_offset = note_num(d, descsz); break;
            case XEN_ELFNOTE_INIT_P2M: e->init_p2m = note_num(d, descsz); break;
            case XEN_ELFNOTE_MOD_START_PFN: e->mod_start_pfn = note_num(d, descsz) != 0; break;
            case XEN_ELFNOTE_SUPPORTED_FEATURES: e->supported_features = (uint32_t)note_num(d, descsz); break;
            case XEN_ELFNOTE_GUEST_OS: note_str(e->guest_os, sizeof(e->guest_os), d, descsz); break;
            case XEN_ELFNOTE_LOADER: note_str(e->loader, sizeof(e->loader), d, descsz); break;
            case XEN_ELFNOTE_XEN_VERSION: note_str(e->xen_version, sizeof(e->xen_version), d, descsz); break;
            case XEN_ELFNOTE_FEATURES: note_str(e->features, sizeof(e->features), d, descsz); break;
            default: break;
            }
        }
        off = next;
    }
    return 0;
}

int pv_elf_parse(const void *image, size_t size, const char *name,
                 struct pv_elf *e, struct errbuf *eb)
{
    const uint8_t *img = image;
    Elf64_Ehdr eh;
    bool seen_xen = false, paddr_offset_set;

    memset(e, 0, sizeof(*e));
    e->image = img;
    e->size = size;
    if (size < sizeof(eh) || memcmp(img, ELFMAG, SELFMAG) != 0)
        return eb_msg(eb, -ENOEXEC, "kernel %s: not an ELF or bzImage", name);
    memcpy(&eh, img, sizeof(eh));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        eh.e_machine != EM_X86_64)
        return eb_msg(eb, -ENOEXEC, "kernel %s: not an x86_64 ELF64 image", name);
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
        !in_bounds(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), size))
        return eb_msg(eb, -ENOEXEC, "kernel %s: ELF program headers run past the end of the file", name);

    e->paddr_offset = UINT64_MAX;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_NOTE) {
            if (!in_bounds(ph.p_offset, ph.p_filesz, size))
                return eb_msg(eb, -ENOEXEC, "kernel %s: ELF note segment %u runs past the end of the file",
                              name, i);
            if (parse_notes(e, img + ph.p_offset, ph.p_filesz, &seen_xen) < 0)
                return eb_msg(eb, -ENOEXEC, "kernel %s: malformed ELF note in segment %u", name, i);
        } else if (ph.p_type == PT_LOAD && ph.p_memsz) {
            if (ph.p_filesz > ph.p_memsz)
                return eb_msg(eb, -ENOEXEC, "kernel %s: ELF segment %u has p_filesz > p_memsz", name, i);
            if (!in_bounds(ph.p_offset, ph.p_filesz, size))
                return eb_msg(eb, -ENOEXEC, "kernel %s: ELF program header %u runs past the end of the file",
                              name, i);
            if (ph.p_memsz > (1ULL << 32) || ph.p_paddr > (1ULL << 40))
                return eb_msg(eb, -ENOEXEC, "kernel %s: ELF segment %u is implausibly large or high", name, i);
            if (e->nr_segs == PV_ELF_MAX_SEGS)
                return eb_msg(eb, -ENOEXEC, "kernel %s: more than %d loadable segments", name, PV_ELF_MAX_SEGS);
            e->segs[e->nr_segs++] = (struct pv_elf_seg){ ph.p_paddr, ph.p_offset, ph.p_filesz, ph.p_memsz };
        }
    }
    if (!seen_xen)
        return eb_msg(eb, -ENOEXEC, "kernel %s: ELF image has no Xen notes: not a Xen PV kernel", name);
    if (strcmp(e->xen_version, "xen-3.0") != 0)
        return eb_msg(eb, -ENOEXEC, "kernel %s: XEN_VERSION note is \"%s\", need \"xen-3.0\"",
                      name, e->xen_version);
    if (strcmp(e->loader, "generic") != 0 && strcmp(e->guest_os, "linux") != 0)
        return eb_msg(eb, -ENOEXEC, "kernel %s: neither LOADER \"generic\" nor GUEST_OS \"linux\"", name);
    if (e->nr_segs == 0)
        return eb_msg(eb, -ENOEXEC, "kernel %s: ELF image has no loadable segments", name);

    paddr_offset_set = e->paddr_offset != UINT64_MAX;
    if (!paddr_offset_set)
        e->paddr_offset = e->virt_base;
    if (!e->entry)
        e->entry = eh.e_entry;

    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < e->nr_segs; i++) {
        uint64_t va = e->segs[i].paddr + e->virt_base - e->paddr_offset;
        if (va < lo) lo = va;
        if (va + e->segs[i].memsz > hi) hi = va + e->segs[i].memsz;
        for (unsigned j = 0; j < i; j++) {
            const struct pv_elf_seg *a = &e->segs[i], *b = &e->segs[j];
            if (a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz)
                return eb_msg(eb, -ENOEXEC, "kernel %s: ELF segments %u and %u overlap", name, j, i);
        }
    }
    if (lo < e->virt_base)
        return eb_msg(eb, -ENOEXEC, "kernel %s: image starts below VIRT_BASE", name);
    e->virt_kstart = lo & ~0xfffULL;
    e->virt_kend = (hi + 0xfff) & ~0xfffULL;
    if (e->entry < e->virt_kstart || e->entry >= e->virt_kend)
        return eb_msg(eb, -ENOEXEC, "kernel %s: entry point %#llx outside the image", name,
                      (unsigned long long)e->entry);
    if (e->hypercall_page && (e->hypercall_page < e->virt_kstart || e->hypercall_page >= e->virt_kend))
        return eb_msg(eb, -ENOEXEC, "kernel %s: hypercall page outside the image", name);
    return 0;
}

int pv_elf_load(const struct pv_elf *e, uint8_t *dst, uint64_t dst_va, size_t dst_len,
                struct errbuf *eb)
{
    for (unsigned i = 0; i < e->nr_segs; i++) {
        const struct pv_elf_seg *s = &e->segs[i];
        uint64_t va = s->paddr + e->virt_base - e->paddr_offset;
        if (va < dst_va || va - dst_va > dst_len || s->memsz > dst_len - (va - dst_va))
            return eb_msg(eb, -ERANGE, "ELF segment %u outside the kernel area", i);
        memcpy(dst + (va - dst_va), e->image + s->offset, s->filesz);
        memset(dst + (va - dst_va) + s->filesz, 0, s->memsz - s->filesz);
    }
    return 0;
}
