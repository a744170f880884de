/*
 * pv_layout.c — start-of-day layout of a 64-bit PV domain (see
 * xen/pv_layout.h for the picture).  Pure arithmetic on guest virtual
 * addresses; every sum is overflow-checked because the inputs come from a
 * kernel's ELF notes and a user's memory setting.
 */
#include "../../../common/libelf/libelf-private.h"
#include <xen/pv_layout.h>
#include <public/xen.h>

#define PG              4096ULL
#define L2_SHIFT        21
#define L3_SHIFT        30
#define L4_SHIFT        39
#define MB4             (4ULL << 20)
#define MIN_PADDING     (512ULL << 10)
#define LINUX_LIMIT     (1ULL << 30)
#define MAX_PT_FRAMES   (1u << 24)  /* 64 GiB of page tables: far past any real domain */

/* The hypervisor's hole in every guest address space, and the canonical gap. */
#define HOLE_START      0xffff800000000000ULL
#define HOLE_END        0xffff880000000000ULL
#define NONCANON_START  0x0000800000000000ULL
#define NONCANON_END    0xffff800000000000ULL

_Static_assert(sizeof(struct start_info) + sizeof(struct dom0_vga_console_info) <= PG,
               "dom0's start_info and console info must share one page");

struct lay {
    const char *who;
    char *reason;
    size_t reason_len;
};

static int fail(struct lay *c, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct lay *c, int err, const char *fmt, ...)
{
    va_list ap;

    if (c->reason && c->reason_len) {
        va_start(ap, fmt);
        elf_vformat(c->reason, c->reason_len, c->who, fmt, ap);
        va_end(ap);
    }
    return err;
}

/* Round up to a multiple of align (a power of two); false on overflow. */
static bool roundup_ok(uint64_t v, uint64_t align, uint64_t *out)
{
    uint64_t t;

    if (!elf_add_ok(v, align - 1, &t))
        return false;
    *out = t & ~(align - 1);
    return true;
}

/*
 * Number of page-table pages at the level whose entries each cover 2^shift
 * bytes needed to map [lo, hi).  Computed modulo 2^64 like Xen's NR() so
 * that an area in the top 512 GiB still counts right.
 */
static uint64_t nr_tables(uint64_t lo, uint64_t hi, unsigned int shift)
{
    uint64_t mask = (1ULL << shift) - 1;

    return (((hi + mask) & ~mask) - (lo & ~mask)) >> shift;
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 < b1 && b0 < a1;
}

/* [lo, hi) is a usable guest range: canonical and clear of the hypervisor. */
static bool range_allowed(uint64_t lo, uint64_t hi)
{
    return !overlaps(lo, hi, NONCANON_START, NONCANON_END) &&
           !overlaps(lo, hi, HOLE_START, HOLE_END);
}

/* Carve len bytes at *cur and move *cur to the next page; false on overflow. */
static bool take(uint64_t *cur, uint64_t len, uint64_t *start, uint64_t *end)
{
    uint64_t e, next;

    if (!elf_add_ok(*cur, len, &e) || !roundup_ok(e, PG, &next))
        return false;
    *start = *cur;
    *end = e;
    *cur = next;
    return true;
}

static int place_p2m_elsewhere(struct lay *c, const struct pv_layout_params *p,
                               struct pv_layout *l, uint64_t p2m_bytes)
{
    uint64_t end, frames, tables;

    if (p->p2m_base & (PG - 1))
        return fail(c, -EINVAL, "INIT_P2M %#llx is not page-aligned",
                    (unsigned long long)p->p2m_base);
    if (!elf_add_ok(p->p2m_base, p2m_bytes, &end) || !roundup_ok(end, PG, &end))
        return fail(c, -E2BIG, "p2m list at INIT_P2M %#llx runs off the address space",
                    (unsigned long long)p->p2m_base);
    if (!range_allowed(p->p2m_base, end))
        return fail(c, -E2BIG, "p2m list [%#llx, %#llx) is not in guest address space",
                    (unsigned long long)p->p2m_base, (unsigned long long)end);
    /* It gets its own L3/L2/L1 tables: keep it out of the main area's L4 slots. */
    if (overlaps(p->p2m_base >> L4_SHIFT, ((end - 1) >> L4_SHIFT) + 1,
                 l->v_start >> L4_SHIFT, ((l->v_end - 1) >> L4_SHIFT) + 1))
        return fail(c, -EINVAL, "INIT_P2M %#llx shares a 512 GiB slot with the initial "
                    "mapping at %#llx", (unsigned long long)p->p2m_base,
                    (unsigned long long)l->v_start);

    l->p2m_start = p->p2m_base;
    l->p2m_end = p->p2m_base + p2m_bytes;
    l->p2m_nr_l3 = (unsigned int)nr_tables(p->p2m_base, end, L4_SHIFT);
    l->p2m_nr_l2 = (unsigned int)nr_tables(p->p2m_base, end, L3_SHIFT);
    l->p2m_nr_l1 = (unsigned int)nr_tables(p->p2m_base, end, L2_SHIFT);
    frames = (end - p->p2m_base) / PG;
    tables = (uint64_t)l->p2m_nr_l3 + l->p2m_nr_l2 + l->p2m_nr_l1;
    l->first_p2m_pfn = l->nr_pages_used;
    l->nr_p2m_frames = frames + tables;
    l->nr_pages_used += l->nr_p2m_frames;
    return 0;
}

int pv_layout_compute(const struct pv_layout_params *p, struct pv_layout *l,
                      const char *who, char *reason, size_t reason_len)
{
    struct lay c = { who, reason, reason_len };
    uint64_t cur, p2m_bytes, ignored, need = 0, area;
    unsigned int nr;

    if (reason && reason_len)
        reason[0] = '\0';
    *l = (struct pv_layout){ 0 };

    if (!p->nr_pages)
        return fail(&c, -EINVAL, "domain has no memory");
    if (p->nr_pages > (1ULL << 40))
        return fail(&c, -E2BIG, "%llu pages is more than a PV domain can have",
                    (unsigned long long)p->nr_pages);
    if (p->virt_base & (PG - 1))
        return fail(&c, -EINVAL, "VIRT_BASE %#llx is not page-aligned",
                    (unsigned long long)p->virt_base);
    if (p->kern_start < p->virt_base || p->kern_end <= p->kern_start)
        return fail(&c, -EINVAL, "image [%#llx, %#llx) does not start at or above VIRT_BASE "
                    "%#llx", (unsigned long long)p->kern_start,
                    (unsigned long long)p->kern_end, (unsigned long long)p->virt_base);

    l->v_start = p->virt_base;
    l->kern_start = p->kern_start;
    l->kern_end = p->kern_end;
    p2m_bytes = p->nr_pages * 8;

    if (!roundup_ok(p->kern_end, PG, &cur))
        goto toobig;
    if (p->initrd_len && !p->initrd_unmapped &&
        !take(&cur, p->initrd_len, &l->initrd_start, &l->initrd_end))
        goto toobig;
    if (p->p2m_base == PV_LAYOUT_UNSET && !take(&cur, p2m_bytes, &l->p2m_start, &l->p2m_end))
        goto toobig;
    if (!take(&cur, PG, &l->start_info, &ignored))
        goto toobig;
    if (!p->dom0 && (!take(&cur, PG, &l->xenstore, &ignored) ||
                     !take(&cur, PG, &l->console, &ignored)))
        goto toobig;
    l->pt_start = cur;

    /*
     * Page tables for 4 KiB mappings of [v_start, v_end): 1 L4 plus one L3
     * per 512 GiB, one L2 per 1 GiB, one L1 per 2 MiB touched.  More tables
     * make the area bigger, which may need more tables: iterate until the
     * count covers itself.  Xen steps by one; jumping straight to the count
     * the current guess needs finds the same (smallest) fixed point, since
     * the need only grows with the guess, in a handful of steps.
     */
    for (nr = 4; nr < MAX_PT_FRAMES; nr = need > nr + 1 ? (unsigned int)need : nr + 1) {
        uint64_t pad;

        if (!elf_add_ok(l->pt_start, (uint64_t)nr * PG, &l->pt_end) ||
            !elf_add_ok(l->pt_end, PG, &l->stack_end) ||
            !roundup_ok(l->stack_end, MB4, &l->v_end))
            goto toobig;
        l->stack_start = l->pt_end;
        pad = l->v_end - l->stack_end;
        if (pad < MIN_PADDING && !elf_add_ok(l->v_end, MB4, &l->v_end))
            goto toobig;
        if (l->v_end == 0)              /* ran into the top of the address space */
            goto toobig;
        l->nr_l4 = 1;
        l->nr_l3 = (unsigned int)nr_tables(l->v_start, l->v_end, L4_SHIFT);
        l->nr_l2 = (unsigned int)nr_tables(l->v_start, l->v_end, L3_SHIFT);
        l->nr_l1 = (unsigned int)nr_tables(l->v_start, l->v_end, L2_SHIFT);
        need = (uint64_t)l->nr_l4 + l->nr_l3 + l->nr_l2 + l->nr_l1;
        if (need <= nr)
            break;
        if (need >= MAX_PT_FRAMES)
            goto toobig;
    }
    if (nr >= MAX_PT_FRAMES)
        goto toobig;
    l->nr_pt_frames = nr;

    if (!range_allowed(l->v_start, l->v_end))
        return fail(&c, -E2BIG, "initial mapping [%#llx, %#llx) is not in guest address space",
                    (unsigned long long)l->v_start, (unsigned long long)l->v_end);
    area = l->v_end - l->v_start;
    if (p->limit_1g && area > LINUX_LIMIT)
        return fail(&c, -E2BIG, "initial mapping needs %llu MiB, more than the 1 GiB from "
                    "VIRT_BASE Linux can use (kernel %llu MiB, initrd %llu MiB, p2m %llu MiB)",
                    (unsigned long long)(area >> 20),
                    (unsigned long long)((p->kern_end - p->kern_start) >> 20),
                    (unsigned long long)(l->initrd_end - l->initrd_start) >> 20,
                    (unsigned long long)((l->p2m_end - l->p2m_start) >> 20));

    l->nr_pages_used = area / PG;
    if (p->initrd_len) {
        if (p->initrd_unmapped) {
            l->initrd_pfn = l->nr_pages_used;
            l->initrd_pages = (p->initrd_len + PG - 1) / PG;
            l->nr_pages_used += l->initrd_pages;
        } else {
            l->initrd_pfn = pv_layout_pfn(l, l->initrd_start);
            l->initrd_pages = (l->initrd_end - l->initrd_start + PG - 1) / PG;
        }
    }
    if (p->p2m_base != PV_LAYOUT_UNSET) {
        int rc = place_p2m_elsewhere(&c, p, l, p2m_bytes);

        if (rc)
            return rc;
    }
    if (l->nr_pages_used > p->nr_pages)
        return fail(&c, -ENOMEM, "start-of-day layout needs %llu pages (%llu MiB) but the "
                    "domain has %llu (%llu MiB)", (unsigned long long)l->nr_pages_used,
                    (unsigned long long)(l->nr_pages_used >> 8),
                    (unsigned long long)p->nr_pages, (unsigned long long)(p->nr_pages >> 8));
    return 0;

toobig:
    return fail(&c, -E2BIG, "start-of-day layout runs off the end of the address space");
}
