/*
 * fuzz_libelf.c — libFuzzer targets for the PV kernel loader's parsers,
 * which read untrusted kernel files (an xl config names any file; dom0's
 * kernel comes from the boot loader).  One source, three targets chosen at
 * build time:
 *   FUZZ_ELF      elf_parse + elf_xen_check + elf_load (into a sink) + layout
 *   FUZZ_BZIMAGE  bzimage_parse + kernel_format_detect
 *   FUZZ_LAYOUT   pv_layout_compute (+ pv_layout_pagetables) on parameters from the input
 * Built with ASan + UBSan: any out-of-bounds access or overflow is a crash.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include <xen/libelf.h>
#include <xen/pv_layout.h>

#ifdef FUZZ_ELF
struct sink {
    uint64_t lo, hi;        /* the image extent the loader may write */
    uint64_t bytes;
};

static int sink_write(void *ctx, uint64_t va, const void *src, size_t len)
{
    struct sink *s = ctx;

    /* The loader must stay inside the extent it computed. */
    if (va < s->lo || va > s->hi || s->hi - va < len)
        __builtin_trap();
    if (src) {
        volatile uint8_t x = 0;

        for (size_t i = 0; i < len; i += 4096)  /* touch the source: ASan checks it */
            x ^= ((const uint8_t *)src)[i];
        if (len)
            x ^= ((const uint8_t *)src)[len - 1];
        (void)x;
    }
    s->bytes += len;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct elf_image img;
    struct sink s;
    struct pv_layout_params p;
    struct pv_layout l;
    char reason[128];

    if (elf_parse(&img, data, size, "fuzz") != 0)
        return 0;
    (void)elf_xen_check(&img, 0xffffffffu, ELF_CHECK_DOM0);
    s.lo = img.virt_kstart;
    s.hi = img.virt_kend;
    s.bytes = 0;
    if (elf_load(&img, sink_write, &s) == 0 && s.bytes != img.virt_kend - img.virt_kstart)
        __builtin_trap();                       /* every byte written exactly once */

    memset(&p, 0, sizeof(p));
    p.nr_pages = 1 << 18;
    p.virt_base = img.virt_base;
    p.kern_start = img.virt_kstart;
    p.kern_end = img.virt_kend;
    p.initrd_len = size;
    p.p2m_base = img.p2m_base == ELF_UNSET ? PV_LAYOUT_UNSET : img.p2m_base;
    p.initrd_unmapped = img.notes.mod_start_pfn;
    p.limit_1g = true;
    (void)pv_layout_compute(&p, &l, "fuzz", reason, sizeof(reason));
    return 0;
}
#endif

#ifdef FUZZ_BZIMAGE
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bzimage_info bi;
    char reason[128];

    if (bzimage_parse(data, size, &bi, "fuzz", reason, sizeof(reason)) == 1) {
        if (bi.payload_offset + bi.payload_length > size)
            __builtin_trap();
        (void)kernel_format_detect(data + bi.payload_offset, bi.payload_length);
    }
    (void)kernel_format_detect(data, size);
    return 0;
}
#endif

#ifdef FUZZ_LAYOUT
#include <stdlib.h>

static uint64_t ident(void *ctx, uint64_t pfn)
{
    (void)ctx;
    return pfn;
}

static uint64_t take64(const uint8_t **d, size_t *n)
{
    uint64_t v = 0;

    for (int i = 0; i < 8 && *n; i++, (*d)++, (*n)--)
        v |= (uint64_t)**d << (8 * i);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pv_layout_params p;
    struct pv_layout l;
    char reason[128];
    uint64_t flags;

    memset(&p, 0, sizeof(p));
    p.nr_pages = take64(&data, &size);
    p.virt_base = take64(&data, &size);
    p.kern_start = take64(&data, &size);
    p.kern_end = take64(&data, &size);
    p.initrd_len = take64(&data, &size);
    p.p2m_base = take64(&data, &size);
    flags = take64(&data, &size);
    p.initrd_unmapped = flags & 1;
    p.dom0 = flags & 2;
    p.limit_1g = flags & 4;
    if (flags & 8)
        p.p2m_base = PV_LAYOUT_UNSET;
    if (pv_layout_compute(&p, &l, "fuzz", reason, sizeof(reason)) == 0) {
        /* Whatever it accepted must be self-consistent. */
        if (l.v_end <= l.v_start || l.nr_pages_used > p.nr_pages ||
            l.nr_pt_frames != l.nr_l4 + l.nr_l3 + l.nr_l2 + l.nr_l1 ||
            l.pt_end - l.pt_start != (uint64_t)l.nr_pt_frames * 4096 ||
            l.stack_end > l.v_end || l.kern_start < l.v_start)
            __builtin_trap();
        /* Small enough to materialise: the tables must build without error. */
        unsigned int np2m = l.p2m_nr_l3 + l.p2m_nr_l2 + l.p2m_nr_l1;
        if (l.nr_pt_frames <= 64 && np2m <= 64 && (l.v_end - l.v_start) <= (64ULL << 20) &&
            (l.p2m_end - l.p2m_start) <= (64ULL << 20)) {
            uint64_t *main = calloc((size_t)l.nr_pt_frames * 512, 8);
            uint64_t *p2m = calloc((size_t)(np2m ? np2m : 1) * 512, 8);

            if (main && p2m && pv_layout_pagetables(&l, ident, NULL, main, p2m) != 0)
                __builtin_trap();
            free(main);
            free(p2m);
        }
    }
    return 0;
}
#endif
