/*
 * elf.c — ELF64 header and program-header validation, placement of the
 * loadable segments in the guest's virtual address space, Xen's loader
 * policy checks, and loading through a write callback.
 *
 * The image comes from a user (a dom0 kernel module, or a file named in an
 * xl config), so every field is distrusted: offsets and sizes are checked
 * for overflow and against the buffer before anything is read.
 *
 * Placement follows Xen: segments go by p_paddr, at
 *     VA = p_paddr + VIRT_BASE - PADDR_OFFSET
 * (Linux's percpu segment has p_vaddr 0, so p_vaddr cannot be used).
 */
#include "libelf-private.h"

/* ---- reason formatting ------------------------------------------------ */

struct fmtbuf {
    char *buf;
    size_t size, len;
};

static void put_c(struct fmtbuf *f, char c)
{
    if (f->len + 1 < f->size)
        f->buf[f->len] = c;
    f->len++;
}

static void put_s(struct fmtbuf *f, const char *s)
{
    if (!s)
        s = "(null)";
    while (*s)
        put_c(f, *s++);
}

static void put_u(struct fmtbuf *f, unsigned long long v, unsigned int base, bool alt,
                  unsigned int width, char pad)
{
    char tmp[24];
    unsigned int n = 0;

    if (alt && base == 16) {
        put_c(f, '0');
        put_c(f, 'x');
    }
    do {
        unsigned int d = (unsigned int)(v % base);

        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    for (; width > n && width < 64; width--)
        put_c(f, pad);
    while (n)
        put_c(f, tmp[--n]);
}

void elf_vformat(char *buf, size_t size, const char *who, const char *fmt, va_list ap)
{
    struct fmtbuf f = { buf, size, 0 };

    if (!size)
        return;
    if (who && *who) {
        put_s(&f, who);
        put_s(&f, ": ");
    }
    for (; *fmt; fmt++) {
        bool alt = false;
        int longs = 0;
        unsigned int width = 0;
        char pad = ' ';

        if (*fmt != '%') {
            put_c(&f, *fmt);
            continue;
        }
        fmt++;
        if (*fmt == '#') {
            alt = true;
            fmt++;
        }
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (unsigned int)(*fmt++ - '0');
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 's':
            put_s(&f, va_arg(ap, const char *));
            break;
        case 'c':
            put_c(&f, (char)va_arg(ap, int));
            break;
        case 'd': {
            long long v = longs ? va_arg(ap, long long) : va_arg(ap, int);

            if (longs == 1)
                v = (long)v;
            if (v < 0) {
                put_c(&f, '-');
                put_u(&f, 0ULL - (unsigned long long)v, 10, false, width, pad);
            } else {
                put_u(&f, (unsigned long long)v, 10, false, width, pad);
            }
            break;
        }
        case 'u':
        case 'x': {
            unsigned long long v;

            if (longs >= 2)
                v = va_arg(ap, unsigned long long);
            else if (longs == 1)
                v = va_arg(ap, unsigned long);
            else
                v = va_arg(ap, unsigned int);
            put_u(&f, v, *fmt == 'x' ? 16 : 10, alt, width, pad);
            break;
        }
        case '%':
            put_c(&f, '%');
            break;
        default:            /* unknown conversion: show it, consume nothing */
            put_c(&f, '%');
            if (!*fmt)
                goto out;
            put_c(&f, *fmt);
            break;
        }
    }
out:
    buf[f.len < size ? f.len : size - 1] = '\0';
}

void elf_format(char *buf, size_t size, const char *who, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    elf_vformat(buf, size, who, fmt, ap);
    va_end(ap);
}

int elf_fail(struct elf_image *img, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    elf_vformat(img->reason, sizeof(img->reason), img->who, fmt, ap);
    va_end(ap);
    return err;
}

/* ---- parsing ------------------------------------------------------------ */

static void read_phdr(const uint8_t *p, struct elf64_phdr *ph)
{
    ph->p_type   = elf_get32(p + 0);
    ph->p_flags  = elf_get32(p + 4);
    ph->p_offset = elf_get64(p + 8);
    ph->p_vaddr  = elf_get64(p + 16);
    ph->p_paddr  = elf_get64(p + 24);
    ph->p_filesz = elf_get64(p + 32);
    ph->p_memsz  = elf_get64(p + 40);
    ph->p_align  = elf_get64(p + 48);
}

static int check_header(struct elf_image *img)
{
    const uint8_t *d = img->data;
    uint64_t phoff, phbytes;
    unsigned int phnum;

    if (img->size < ELF_EHDR_SIZE)
        return elf_fail(img, -ENOEXEC, "image is %llu bytes, too small for an ELF header",
                        (unsigned long long)img->size);
    if (d[0] != 0x7f || d[1] != 'E' || d[2] != 'L' || d[3] != 'F')
        return elf_fail(img, -ENOEXEC, "not an ELF image (bad magic)");
    if (d[4] != 2)
        return elf_fail(img, -ENOEXEC, "not a 64-bit ELF image (class %u)", d[4]);
    if (d[5] != 1)
        return elf_fail(img, -ENOEXEC, "ELF image is not little-endian");
    if (d[6] != 1)
        return elf_fail(img, -ENOEXEC, "unknown ELF version %u", d[6]);
    if (elf_get16(d + 16) != ET_EXEC)
        return elf_fail(img, -ENOEXEC, "ELF type %u is not an executable",
                        elf_get16(d + 16));
    if (elf_get16(d + 18) != EM_X86_64)
        return elf_fail(img, -ENOEXEC, "ELF machine %u is not x86-64", elf_get16(d + 18));

    img->e_entry = elf_get64(d + 24);
    phoff = elf_get64(d + 32);
    phnum = elf_get16(d + 56);
    if (phnum == 0)
        return elf_fail(img, -ENOEXEC, "ELF image has no program headers");
    if (phnum == 0xffff || phnum > ELF_MAX_PHDRS)
        return elf_fail(img, -E2BIG, "ELF image has too many program headers (%u)", phnum);
    if (elf_get16(d + 54) != ELF_PHDR_SIZE)
        return elf_fail(img, -ENOEXEC, "ELF program header size %u is not %u",
                        elf_get16(d + 54), ELF_PHDR_SIZE);
    phbytes = (uint64_t)phnum * ELF_PHDR_SIZE;
    if (!elf_range_ok(phoff, phbytes, img->size))
        return elf_fail(img, -ENOEXEC, "ELF program header table runs past the end of the file");
    return 0;
}

static int collect_segments(struct elf_image *img)
{
    const uint8_t *d = img->data;
    uint64_t phoff = elf_get64(d + 32);
    unsigned int phnum = elf_get16(d + 56), i, j;

    img->pstart = ~0ULL;
    img->pend = 0;
    for (i = 0; i < phnum; i++) {
        struct elf64_phdr ph;
        struct elf_segment *s;
        uint64_t end;

        read_phdr(d + phoff + (uint64_t)i * ELF_PHDR_SIZE, &ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz)
            return elf_fail(img, -ENOEXEC, "ELF program header %u: file size %#llx exceeds "
                            "memory size %#llx", i, (unsigned long long)ph.p_filesz,
                            (unsigned long long)ph.p_memsz);
        if (!elf_range_ok(ph.p_offset, ph.p_filesz, img->size))
            return elf_fail(img, -ENOEXEC, "ELF program header %u runs past the end of the file",
                            i);
        if (ph.p_memsz > ELF_MAX_SPAN)
            return elf_fail(img, -E2BIG, "ELF program header %u: memory size %#llx is too large",
                            i, (unsigned long long)ph.p_memsz);
        if (!elf_add_ok(ph.p_paddr, ph.p_memsz, &end))
            return elf_fail(img, -ENOEXEC, "ELF program header %u: address range wraps", i);
        if (img->nr_segs == ELF_MAX_SEGMENTS)
            return elf_fail(img, -E2BIG, "ELF image has more than %u loadable segments",
                            ELF_MAX_SEGMENTS);
        s = &img->segs[img->nr_segs++];
        s->offset = ph.p_offset;
        s->filesz = ph.p_filesz;
        s->memsz = ph.p_memsz;
        s->paddr = ph.p_paddr;
        s->flags = ph.p_flags;
        if (ph.p_paddr < img->pstart)
            img->pstart = ph.p_paddr;
        if (end > img->pend)
            img->pend = end;
    }
    if (!img->nr_segs)
        return elf_fail(img, -ENOEXEC, "ELF image has no loadable segment");

    for (i = 0; i < img->nr_segs; i++)
        for (j = i + 1; j < img->nr_segs; j++) {
            const struct elf_segment *a = &img->segs[i], *b = &img->segs[j];

            if (a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz)
                return elf_fail(img, -ENOEXEC, "ELF loadable segments %u and %u overlap "
                                "(%#llx+%#llx, %#llx+%#llx)", i, j,
                                (unsigned long long)a->paddr, (unsigned long long)a->memsz,
                                (unsigned long long)b->paddr, (unsigned long long)b->memsz);
        }
    if (img->pend - img->pstart > ELF_MAX_SPAN)
        return elf_fail(img, -E2BIG, "ELF image spans %#llx bytes, more than 1 GiB",
                        (unsigned long long)(img->pend - img->pstart));
    return 0;
}

/* Virtual placement from the notes, as Xen's elf_xen_addr_calc_check(). */
static int compute_addresses(struct elf_image *img)
{
    const struct elf_xen_notes *n = &img->notes;
    uint64_t off;
    unsigned int i;

    if (n->paddr_offset != ELF_UNSET && n->virt_base == ELF_UNSET)
        return elf_fail(img, -EINVAL, "PADDR_OFFSET is set but VIRT_BASE is not");
    img->virt_base = n->virt_base == ELF_UNSET ? 0 : n->virt_base;
    /*
     * With ELF notes the default offset is 0; the legacy __xen_guest string
     * predates the field, and then p_paddr already held virtual addresses.
     */
    if (n->paddr_offset != ELF_UNSET)
        img->paddr_offset = n->paddr_offset;
    else
        img->paddr_offset = n->legacy_guest_section ? img->virt_base : 0;

    off = img->virt_base - img->paddr_offset;     /* modulo 2^64 by design */
    img->virt_kstart = img->pstart + off;
    img->virt_kend = img->pend + off;
    if (img->virt_kend <= img->virt_kstart)
        return elf_fail(img, -EINVAL, "image wraps around the address space "
                        "(VIRT_BASE %#llx, PADDR_OFFSET %#llx)",
                        (unsigned long long)img->virt_base,
                        (unsigned long long)img->paddr_offset);
    for (i = 0; i < img->nr_segs; i++)
        img->segs[i].vaddr = img->segs[i].paddr + off;

    img->virt_entry = n->entry != ELF_UNSET ? n->entry : img->e_entry;
    img->virt_hypercall = n->hypercall_page;
    img->p2m_base = n->init_p2m;

    if (img->virt_base > img->virt_kstart)
        return elf_fail(img, -EINVAL, "VIRT_BASE %#llx is above the image start %#llx",
                        (unsigned long long)img->virt_base,
                        (unsigned long long)img->virt_kstart);
    if (img->virt_entry < img->virt_kstart || img->virt_entry >= img->virt_kend)
        return elf_fail(img, -EINVAL, "entry point %#llx is outside the image [%#llx, %#llx)",
                        (unsigned long long)img->virt_entry,
                        (unsigned long long)img->virt_kstart,
                        (unsigned long long)img->virt_kend);
    if (img->p2m_base != ELF_UNSET && img->p2m_base >= img->virt_kstart &&
        img->p2m_base < img->virt_kend)
        return elf_fail(img, -EINVAL, "INIT_P2M %#llx lies inside the image",
                        (unsigned long long)img->p2m_base);
    return 0;
}

int elf_parse(struct elf_image *img, const void *data, size_t size, const char *who)
{
    int rc;

    *img = (struct elf_image){ 0 };
    img->data = data;
    img->size = size;
    img->who = who;
    if (!data)
        return elf_fail(img, -EINVAL, "no image");

    rc = check_header(img);
    if (rc)
        return rc;
    rc = collect_segments(img);
    if (rc)
        return rc;
    rc = elf_xen_parse_notes(img);
    if (rc)
        return rc;
    return compute_addresses(img);
}

/* ---- policy --------------------------------------------------------------- */

int elf_xen_check(struct elf_image *img, uint32_t hv_features, unsigned int flags)
{
    const struct elf_xen_notes *n = &img->notes;
    uint32_t missing, supported;

    if (!*n->xen_version)
        return elf_fail(img, -EINVAL, "no XEN_VERSION note: not a Xen PV kernel");
    if (!elf_starts_with(n->xen_version, "xen-3.0"))
        return elf_fail(img, -EINVAL, "built for Xen '%s', only xen-3.0 is supported",
                        n->xen_version);
    if (!elf_starts_with(n->loader, "generic") && !elf_starts_with(n->guest_os, "linux"))
        return elf_fail(img, -EINVAL, "needs LOADER 'generic' or GUEST_OS 'linux' "
                        "(has '%s' and '%s')", n->loader, n->guest_os);

    missing = n->features_required & ~hv_features;
    if (missing) {
        unsigned int bit = (unsigned int)__builtin_ctz(missing);

        return elf_fail(img, -EOPNOTSUPP, "requires feature '%s', which is not available",
                        elf_xen_feature_name(bit) ? elf_xen_feature_name(bit) : "?");
    }

    supported = n->features_supported | n->supported_features;
    if ((flags & ELF_CHECK_DOM0) && (n->seen & (1u << XEN_ELFNOTE_SUPPORTED_FEATURES)) &&
        !(supported & (1u << XENFEAT_dom0)))
        return elf_fail(img, -EINVAL, "cannot run as dom0: SUPPORTED_FEATURES lacks "
                        "XENFEAT_dom0");

    if (img->virt_hypercall != ELF_UNSET) {
        uint64_t hc = img->virt_hypercall;

        if (hc & 0xfff)
            return elf_fail(img, -EINVAL, "HYPERCALL_PAGE %#llx is not page-aligned",
                            (unsigned long long)hc);
        if (hc < img->virt_kstart || hc > img->virt_kend ||
            img->virt_kend - hc < 4096)
            return elf_fail(img, -EINVAL, "HYPERCALL_PAGE %#llx is outside the image",
                            (unsigned long long)hc);
    }
    return 0;
}

/* ---- loading ----------------------------------------------------------------- */

int elf_load(struct elf_image *img, elf_write_fn write, void *ctx)
{
    uint8_t order[ELF_MAX_SEGMENTS];
    uint64_t cursor = img->virt_kstart;
    unsigned int i, j;
    int rc;

    if (!img->nr_segs || !write)
        return elf_fail(img, -EINVAL, "nothing to load");

    /* Insertion sort by address: at most ELF_MAX_SEGMENTS entries. */
    for (i = 0; i < img->nr_segs; i++) {
        for (j = i; j > 0 && img->segs[order[j - 1]].vaddr > img->segs[i].vaddr; j--)
            order[j] = order[j - 1];
        order[j] = (uint8_t)i;
    }

    for (i = 0; i < img->nr_segs; i++) {
        const struct elf_segment *s = &img->segs[order[i]];

        if (s->vaddr > cursor) {
            rc = write(ctx, cursor, NULL, s->vaddr - cursor);
            if (rc)
                return elf_fail(img, rc, "writing the gap before segment at %#llx failed",
                                (unsigned long long)s->vaddr);
        }
        if (s->filesz) {
            rc = write(ctx, s->vaddr, img->data + s->offset, s->filesz);
            if (rc)
                return elf_fail(img, rc, "writing segment at %#llx failed",
                                (unsigned long long)s->vaddr);
        }
        if (s->memsz > s->filesz) {
            rc = write(ctx, s->vaddr + s->filesz, NULL, s->memsz - s->filesz);
            if (rc)
                return elf_fail(img, rc, "zeroing bss at %#llx failed",
                                (unsigned long long)(s->vaddr + s->filesz));
        }
        cursor = s->vaddr + s->memsz;
    }
    return 0;
}
