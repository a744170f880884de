/*
 * notes.c — the Xen ELF notes of a PV kernel: where they are found (PT_NOTE
 * segments; failing that SHT_NOTE sections; failing that the old
 * "__xen_guest" section holding "KEY=VALUE,..." text), what each type means,
 * and the FEATURES string ("a|!b|c": names of XENFEAT_* bits, '!' marks a
 * feature the kernel cannot run without).
 *
 * As with Xen, unknown note types and unknown optional feature names are
 * ignored; an unknown *required* feature makes the image unloadable.
 */
#include "libelf-private.h"

static const char *const feature_names[32] = {
    [XENFEAT_writable_page_tables]       = "writable_page_tables",
    [XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
    [XENFEAT_auto_translated_physmap]    = "auto_translated_physmap",
    [XENFEAT_supervisor_mode_kernel]     = "supervisor_mode_kernel",
    [XENFEAT_pae_pgdir_above_4gb]        = "pae_pgdir_above_4gb",
    [XENFEAT_hvm_callback_vector]        = "hvm_callback_vector",
    [XENFEAT_dom0]                       = "dom0",
};

static const char *const note_names[XEN_ELFNOTE_MAX + 1] = {
    "INFO", "ENTRY", "HYPERCALL_PAGE", "VIRT_BASE", "PADDR_OFFSET", "XEN_VERSION",
    "GUEST_OS", "GUEST_VERSION", "LOADER", "PAE_MODE", "FEATURES", "BSD_SYMTAB",
    "HV_START_LOW", "L1_MFN_VALID", "SUSPEND_CANCEL", "INIT_P2M", "MOD_START_PFN",
    "SUPPORTED_FEATURES", "PHYS32_ENTRY",
};

const char *elf_xen_feature_name(unsigned int bit)
{
    return bit < 32 ? feature_names[bit] : NULL;
}

/* Apply one FEATURES entry (name of len bytes, maybe with a leading '!'). */
static int add_feature(struct elf_image *img, const char *name, size_t len)
{
    struct elf_xen_notes *n = &img->notes;
    bool required = false;
    unsigned int i;

    if (len && name[0] == '!') {
        required = true;
        name++;
        len--;
    }
    if (!len)
        return 0;
    for (i = 0; i < 32; i++) {
        if (feature_names[i] && elf_str_eq(name, len, feature_names[i])) {
            n->features_supported |= 1u << i;
            if (required)
                n->features_required |= 1u << i;
            return 0;
        }
    }
    if (required) {
        char tmp[48];
        size_t k, m = len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1;

        for (k = 0; k < m; k++)
            tmp[k] = name[k];
        tmp[m] = '\0';
        return elf_fail(img, -EOPNOTSUPP, "requires unknown feature '%s'", tmp);
    }
    return 0;
}

static int parse_features(struct elf_image *img, const char *s, size_t len)
{
    size_t start = 0, i;
    int rc;

    for (i = 0; i <= len; i++) {
        if (i == len || s[i] == '|') {
            rc = add_feature(img, s + start, i - start);
            if (rc)
                return rc;
            start = i + 1;
        }
    }
    return 0;
}

/* Numeric note: 1, 2, 4 or 8 bytes, little-endian. */
static int note_number(struct elf_image *img, unsigned int type, const uint8_t *desc,
                       uint32_t descsz, uint64_t *val)
{
    switch (descsz) {
    case 1: *val = desc[0]; return 0;
    case 2: *val = elf_get16(desc); return 0;
    case 4: *val = elf_get32(desc); return 0;
    case 8: *val = elf_get64(desc); return 0;
    }
    return elf_fail(img, -ENOEXEC, "Xen note %s has a %u-byte value (want 1, 2, 4 or 8)",
                    note_names[type], descsz);
}

/*
 * String note: up to the first NUL or the end of the descriptor (Xen reads
 * them the same way; a terminator inside the descriptor is not required).
 * Copied into the notes' own storage, slot by note type, so the result is
 * always terminated.
 */
static void note_string(struct elf_image *img, unsigned int slot, const uint8_t *desc,
                        uint32_t descsz, const char **out)
{
    char *dst = img->notes.strs[slot];
    size_t len = elf_strnlen((const char *)desc, descsz), i;

    if (len > ELF_NOTE_STR_MAX - 1)
        len = ELF_NOTE_STR_MAX - 1;
    for (i = 0; i < len; i++)
        dst[i] = (char)desc[i];
    dst[len] = '\0';
    *out = dst;
}

static int parse_one_note(struct elf_image *img, unsigned int type, const uint8_t *desc,
                          uint32_t descsz)
{
    struct elf_xen_notes *n = &img->notes;
    uint64_t v = 0;
    int rc = 0;

    if (type > XEN_ELFNOTE_MAX)
        return 0;                       /* not ours to interpret */
    n->seen |= 1u << type;

    switch (type) {
    case XEN_ELFNOTE_INFO:
    case XEN_ELFNOTE_PHYS32_ENTRY:      /* PVH only */
        break;
    case XEN_ELFNOTE_ENTRY:
        rc = note_number(img, type, desc, descsz, &n->entry);
        break;
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        rc = note_number(img, type, desc, descsz, &n->hypercall_page);
        break;
    case XEN_ELFNOTE_VIRT_BASE:
        rc = note_number(img, type, desc, descsz, &n->virt_base);
        break;
    case XEN_ELFNOTE_PADDR_OFFSET:
        rc = note_number(img, type, desc, descsz, &n->paddr_offset);
        break;
    case XEN_ELFNOTE_INIT_P2M:
        rc = note_number(img, type, desc, descsz, &n->init_p2m);
        break;
    case XEN_ELFNOTE_HV_START_LOW:
        rc = note_number(img, type, desc, descsz, &n->hv_start_low);
        break;
    case XEN_ELFNOTE_MOD_START_PFN:
        rc = note_number(img, type, desc, descsz, &v);
        n->mod_start_pfn = v != 0;
        break;
    case XEN_ELFNOTE_SUSPEND_CANCEL:
        rc = note_number(img, type, desc, descsz, &v);
        n->suspend_cancel = v != 0;
        break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        rc = note_number(img, type, desc, descsz, &v);
        n->supported_features |= (uint32_t)v;
        break;
    case XEN_ELFNOTE_L1_MFN_VALID:
        /* A (mask, value) pair of native words; only the 64-bit form is read. */
        if (descsz >= 16) {
            n->l1_mfn_valid[0] = elf_get64(desc);
            n->l1_mfn_valid[1] = elf_get64(desc + 8);
        }
        break;
    case XEN_ELFNOTE_XEN_VERSION:
        note_string(img, 0, desc, descsz, &n->xen_version);
        break;
    case XEN_ELFNOTE_GUEST_OS:
        note_string(img, 1, desc, descsz, &n->guest_os);
        break;
    case XEN_ELFNOTE_GUEST_VERSION:
        note_string(img, 2, desc, descsz, &n->guest_version);
        break;
    case XEN_ELFNOTE_LOADER:
        note_string(img, 3, desc, descsz, &n->loader);
        break;
    case XEN_ELFNOTE_PAE_MODE:
        note_string(img, 4, desc, descsz, &n->pae_mode);
        break;
    case XEN_ELFNOTE_BSD_SYMTAB:
        note_string(img, 5, desc, descsz, &n->bsd_symtab);
        break;
    case XEN_ELFNOTE_FEATURES:
        /* parsed in place: the list can be longer than a kept string */
        rc = parse_features(img, (const char *)desc, elf_strnlen((const char *)desc, descsz));
        break;
    }
    return rc;
}

/*
 * Walk the notes in [off, off + len) of the file.  *found counts Xen notes.
 * A note that does not fit is an error: the region was declared as notes.
 */
static int walk_notes(struct elf_image *img, uint64_t off, uint64_t len, unsigned int *found)
{
    const uint8_t *p = img->data + off;
    uint64_t pos = 0;

    while (len - pos >= ELF_NHDR_SIZE) {
        uint32_t namesz = elf_get32(p + pos);
        uint32_t descsz = elf_get32(p + pos + 4);
        uint32_t type = elf_get32(p + pos + 8);
        uint64_t name_off = pos + ELF_NHDR_SIZE;
        uint64_t desc_off = name_off + (((uint64_t)namesz + 3) & ~3ULL);
        uint64_t next = desc_off + (((uint64_t)descsz + 3) & ~3ULL);
        int rc;

        /* Sizes are 32-bit, so these sums cannot wrap a 64-bit value. */
        if (desc_off + descsz > len)
            return elf_fail(img, -ENOEXEC, "ELF note at file offset %#llx runs past its "
                            "segment", (unsigned long long)(off + pos));
        if (namesz == 4 && p[name_off] == 'X' && p[name_off + 1] == 'e' &&
            p[name_off + 2] == 'n' && p[name_off + 3] == '\0') {
            (*found)++;
            rc = parse_one_note(img, type, p + desc_off, descsz);
            if (rc)
                return rc;
        }
        if (next >= len)
            break;
        pos = next;
    }
    return 0;
}

static void read_shdr(const uint8_t *p, struct elf64_shdr *sh)
{
    sh->sh_name      = elf_get32(p + 0);
    sh->sh_type      = elf_get32(p + 4);
    sh->sh_flags     = elf_get64(p + 8);
    sh->sh_addr      = elf_get64(p + 16);
    sh->sh_offset    = elf_get64(p + 24);
    sh->sh_size      = elf_get64(p + 32);
    sh->sh_link      = elf_get32(p + 40);
    sh->sh_info      = elf_get32(p + 44);
    sh->sh_addralign = elf_get64(p + 48);
    sh->sh_entsize   = elf_get64(p + 56);
}

/*
 * Section headers are optional (the loader needs only program headers), so
 * an image whose section table is missing or broken simply has none: 0
 * sections are reported rather than an error.
 */
static unsigned int section_count(const struct elf_image *img, uint64_t *shoff)
{
    const uint8_t *d = img->data;
    unsigned int shnum = elf_get16(d + 60);

    *shoff = elf_get64(d + 40);
    if (!*shoff || !shnum || elf_get16(d + 58) != ELF_SHDR_SIZE)
        return 0;
    if (!elf_range_ok(*shoff, (uint64_t)shnum * ELF_SHDR_SIZE, img->size))
        return 0;
    return shnum;
}

/* Section whose name (via e_shstrndx) is `want`; false if none. */
static bool find_section(const struct elf_image *img, const char *want, struct elf64_shdr *out)
{
    const uint8_t *d = img->data;
    uint64_t shoff;
    unsigned int shnum = section_count(img, &shoff), stridx = elf_get16(d + 62), i;
    struct elf64_shdr strs;

    if (!shnum || stridx >= shnum)
        return false;
    read_shdr(d + shoff + (uint64_t)stridx * ELF_SHDR_SIZE, &strs);
    if (strs.sh_type == SHT_NOBITS || !elf_range_ok(strs.sh_offset, strs.sh_size, img->size))
        return false;
    for (i = 0; i < shnum; i++) {
        struct elf64_shdr sh;
        const char *name;
        size_t room;

        read_shdr(d + shoff + (uint64_t)i * ELF_SHDR_SIZE, &sh);
        if (sh.sh_name >= strs.sh_size)
            continue;
        name = (const char *)d + strs.sh_offset + sh.sh_name;
        room = (size_t)(strs.sh_size - sh.sh_name);
        if (elf_strnlen(name, room) == room)
            continue;
        if (elf_str_eq(want, elf_strnlen(want, 64), name)) {
            *out = sh;
            return true;
        }
    }
    return false;
}

/* Base-0 unsigned number (0x.. hex, 0.. octal, else decimal); false if none. */
static bool parse_number(const char *s, uint64_t *val)
{
    unsigned int base = 10;
    uint64_t v = 0;
    bool any = false;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    } else if (s[0] == '0') {
        base = 8;
    }
    for (;; s++) {
        unsigned int d;

        if (*s >= '0' && *s <= '9')
            d = (unsigned int)(*s - '0');
        else if (*s >= 'a' && *s <= 'f')
            d = (unsigned int)(*s - 'a' + 10);
        else if (*s >= 'A' && *s <= 'F')
            d = (unsigned int)(*s - 'A' + 10);
        else
            break;
        if (d >= base)
            break;
        if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v))
            return false;
        any = true;
    }
    *val = v;
    return any && *s == '\0';
}

/*
 * The legacy "__xen_guest" section: "GUEST_OS=linux,XEN_VER=xen-3.0,..."
 * (HYPERCALL_PAGE there is a page number relative to VIRT_BASE).
 */
static int parse_guest_section(struct elf_image *img, const struct elf64_shdr *sh)
{
    struct elf_xen_notes *n = &img->notes;
    const char *src;
    size_t len, i, start;
    uint64_t hc_page = ELF_UNSET;

    /* Check before forming the pointer: an out-of-range offset may even wrap. */
    if (sh->sh_type == SHT_NOBITS || !elf_range_ok(sh->sh_offset, sh->sh_size, img->size))
        return elf_fail(img, -ENOEXEC, "__xen_guest section runs past the end of the file");
    src = (const char *)img->data + sh->sh_offset;
    len = elf_strnlen(src, (size_t)sh->sh_size);
    if (len >= sizeof(n->legacy))
        return elf_fail(img, -EOPNOTSUPP, "__xen_guest string of %llu bytes is not supported",
                        (unsigned long long)len);
    for (i = 0; i < len; i++)
        n->legacy[i] = src[i] == ',' ? '\0' : src[i];
    n->legacy[len] = '\0';
    n->legacy_guest_section = true;

    for (start = 0; start < len; start += elf_strnlen(n->legacy + start, len - start) + 1) {
        char *key = n->legacy + start, *val = key;
        uint64_t num = 0;
        bool is_num;

        while (*val && *val != '=')
            val++;
        if (*val == '=')
            *val++ = '\0';
        is_num = parse_number(val, &num);

        if (elf_str_eq("GUEST_OS", 8, key))
            n->guest_os = val;
        else if (elf_str_eq("GUEST_VER", 9, key))
            n->guest_version = val;
        else if (elf_str_eq("XEN_VER", 7, key))
            n->xen_version = val;
        else if (elf_str_eq("LOADER", 6, key))
            n->loader = val;
        else if (elf_str_eq("PAE", 3, key))
            n->pae_mode = val;
        else if (elf_str_eq("BSD_SYMTAB", 10, key))
            n->bsd_symtab = val;
        else if (elf_str_eq("FEATURES", 8, key)) {
            int rc = parse_features(img, val, elf_strnlen(val, sizeof(n->legacy)));

            if (rc)
                return rc;
        } else if (elf_str_eq("VIRT_BASE", 9, key) && is_num)
            n->virt_base = num;
        else if (elf_str_eq("VIRT_ENTRY", 10, key) && is_num)
            n->entry = num;
        else if (elf_str_eq("ELF_PADDR_OFFSET", 16, key) && is_num)
            n->paddr_offset = num;
        else if (elf_str_eq("HYPERCALL_PAGE", 14, key) && is_num)
            hc_page = num;
    }
    if (hc_page != ELF_UNSET) {
        uint64_t base = n->virt_base == ELF_UNSET ? 0 : n->virt_base;

        if (hc_page > (~0ULL >> 12))
            return elf_fail(img, -EINVAL, "__xen_guest HYPERCALL_PAGE is out of range");
        n->hypercall_page = base + (hc_page << 12);
    }
    return 0;
}

int elf_xen_parse_notes(struct elf_image *img)
{
    struct elf_xen_notes *n = &img->notes;
    const uint8_t *d = img->data;
    uint64_t phoff = elf_get64(d + 32), shoff;
    unsigned int phnum = elf_get16(d + 56), found = 0, i, shnum;
    struct elf64_shdr sh;
    int rc;

    n->entry = n->hypercall_page = n->virt_base = n->paddr_offset = ELF_UNSET;
    n->init_p2m = n->hv_start_low = ELF_UNSET;
    n->xen_version = n->guest_os = n->guest_version = "";
    n->loader = n->pae_mode = n->bsd_symtab = "";

    for (i = 0; i < phnum; i++) {
        const uint8_t *p = d + phoff + (uint64_t)i * ELF_PHDR_SIZE;
        uint64_t off = elf_get64(p + 8), len = elf_get64(p + 32);

        if (elf_get32(p) != PT_NOTE)
            continue;
        if (!elf_range_ok(off, len, img->size))
            return elf_fail(img, -ENOEXEC, "ELF program header %u runs past the end of the file",
                            i);
        rc = walk_notes(img, off, len, &found);
        if (rc)
            return rc;
    }
    if (found)
        return 0;

    /* No Xen notes in program headers: look in note sections instead. */
    shnum = section_count(img, &shoff);
    for (i = 0; i < shnum; i++) {
        read_shdr(d + shoff + (uint64_t)i * ELF_SHDR_SIZE, &sh);
        if (sh.sh_type != SHT_NOTE)
            continue;
        if (!elf_range_ok(sh.sh_offset, sh.sh_size, img->size))
            return elf_fail(img, -ENOEXEC, "ELF section %u runs past the end of the file", i);
        rc = walk_notes(img, sh.sh_offset, sh.sh_size, &found);
        if (rc)
            return rc;
    }
    if (found)
        return 0;

    if (find_section(img, "__xen_guest", &sh))
        return parse_guest_section(img, &sh);
    return 0;
}
