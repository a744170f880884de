/*
 * mm.c — the hypervisor's own memory layout on x86_64: the boot-time frame
 * allocator, page-table construction, the direct map of all RAM, the frame
 * table, the machine-to-phys (M2P) table, handing free RAM to the buddy
 * allocator, and the vmap/ioremap area.
 *
 * Order of events (mm_early_init):
 *  1. reserve what must survive: the first MiB (firmware, BIOS data), the
 *     image, the boot modules;
 *  2. pre-create the L3 tables of all hypervisor slots 256-271 so that the
 *     L4 entries never change afterwards (PV guests' L4s copy them once);
 *  3. build the direct map of all RAM (1 GiB pages when the CPU has them,
 *     else 2 MiB; ranges rounded out to 2 MiB) in fresh tables allocated
 *     below 4 GiB, where the early 4 GiB direct map of head.asm can reach
 *     them, then switch slot 262 over to it;
 *  4. allocate and map the frame table (slot 259) and the M2P (slots
 *     256/257) in 2 MiB pages;
 *  5. give every RAM frame not reserved or allocated to heap_init_pages().
 * Page-table pages come from the boot allocator until step 5, from the heap
 * after it.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <asm/config.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/pv_io.h>

struct page_info *frame_table = (struct page_info *)FRAMETABLE_VIRT_START;
unsigned long max_page;
unsigned long total_ram_pages;
uint64_t *m2p_table = (uint64_t *)RDWR_MPT_VIRT_START;

/* Ranges the heap must never get: [start, end) physical. */
#define MAX_RESERVED 64
static struct { paddr_t start, end; } reserved[MAX_RESERVED];
static unsigned int nr_reserved;
static const struct boot_info *mm_bi;
static bool heap_ready;
/* Boot allocations must be reachable through the current direct map. */
static paddr_t boot_alloc_limit = GB(4);
static paddr_t directmap_end;       /* the direct map covers [0, directmap_end) */
/* What the boot allocator handed out, by use, for the breakdown that
 * mm_free_boot_modules() prints (xl info's total - free - domains). */
static uint64_t boot_pt_bytes, ft_bytes, m2p_bytes;
/* Reserved ranges [first_module_range, +nr_module_ranges) are the boot
 * modules: given back to the heap once the boot-time domains are built. */
static unsigned int first_module_range, nr_module_ranges;

static void reserve_range(paddr_t start, paddr_t end)
{
    if (end <= start)
        return;
    if (nr_reserved == MAX_RESERVED)
        panic("mm: too many reserved ranges\n");
    reserved[nr_reserved].start = start;
    reserved[nr_reserved].end = end;
    nr_reserved++;
}

/* The hypervisor's own memory, for the hardware domain's iomem capability
 * (pv/ioport.c): every reserved range but the first MiB, which holds the
 * firmware's data (BIOS, EBDA, ROMs) that dom0 maps as Xen lets it. */
unsigned int arch_hypervisor_ranges_count(void)
{
    return nr_reserved;
}

void arch_hypervisor_range(unsigned int i, paddr_t *s, paddr_t *e)
{
    *s = *e = 0;
    if (i >= nr_reserved || (reserved[i].start == 0 && reserved[i].end == MB(1)))
        return;
    *s = reserved[i].start;
    *e = reserved[i].end;
}

/* First reserved range overlapping [s, e), or NULL. */
static int find_overlap(paddr_t s, paddr_t e)
{
    unsigned int i;

    for (i = 0; i < nr_reserved; i++)
        if (reserved[i].start < e && s < reserved[i].end)
            return (int)i;
    return -1;
}

/*
 * Top-down first fit over the RAM ranges below boot_alloc_limit, avoiding
 * every reserved range; the result is reserved.  Boot allocations are never
 * freed (frame table, M2P, page tables).
 */
static paddr_t boot_alloc(uint64_t size, uint64_t align)
{
    int i;

    BUG_ON(heap_ready);
    for (i = (int)mm_bi->nr_memmap - 1; i >= 0; i--) {
        const struct boot_memrange *r = &mm_bi->memmap[i];
        paddr_t lo = MAX(r->addr, MB(1)), hi = MIN(r->addr + r->size, boot_alloc_limit);

        if (r->type != BOOT_MEM_RAM)
            continue;
        while (hi > lo && hi - lo >= size) {
            paddr_t cand = ROUNDDOWN(hi - size, align);
            int o;

            if (cand < lo)
                break;
            o = find_overlap(cand, cand + size);
            if (o < 0) {
                reserve_range(cand, cand + size);
                return cand;
            }
            hi = reserved[o].start;
        }
    }
    panic("mm: boot allocator out of memory (%#lx bytes, align %#lx)\n",
          (unsigned long)size, (unsigned long)align);
}

paddr_t virt_to_maddr(const void *va)
{
    unsigned long v = (unsigned long)va;
    uint64_t pte;
    int lvl;

    if (v >= DIRECTMAP_VIRT_START && v < DIRECTMAP_VIRT_END)
        return v - DIRECTMAP_VIRT_START;
    if (v >= XEN_VIRT_START && v < XEN_VIRT_END)
        return v - XEN_VIRT_START;
    lvl = pt_walk(v, &pte);
    BUG_ON(lvl <= 0);
    return (pte & PADDR_MASK & ~((1ULL << (12 + 9 * (lvl - 1))) - 1)) |
           (v & ((1ULL << (12 + 9 * (lvl - 1))) - 1));
}

void *maddr_to_virt(paddr_t pa)
{
    ASSERT(pa < DIRECTMAP_SIZE);
    return (void *)(DIRECTMAP_VIRT_START + pa);
}

/* A zeroed page for a page table: boot allocator, then the heap. */
static uint64_t *alloc_pt_page(paddr_t *pa)
{
    void *va;

    if (!heap_ready) {
        *pa = boot_alloc(PAGE_SIZE, PAGE_SIZE);
        boot_pt_bytes += PAGE_SIZE;
        va = maddr_to_virt(*pa);
    } else {
        struct page_info *pg = alloc_heap_pages(0, 0);

        if (!pg)
            return NULL;
        *pa = page_to_maddr(pg);
        va = maddr_to_virt(*pa);
    }
    memset(va, 0, PAGE_SIZE);
    return va;
}

/* Entry of the table at level lvl-1 under *e, creating it if absent. */
static uint64_t *next_table(uint64_t *e, uint64_t leaf_flags)
{
    paddr_t pa;

    if (!(*e & _PAGE_PRESENT)) {
        if (!alloc_pt_page(&pa))
            return NULL;
        /* Intermediate entries are permissive; leaves restrict.  USER must
         * be set on the path to guest-readable leaves (the RO M2P). */
        *e = pa | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | (leaf_flags & _PAGE_USER);
    } else if (*e & _PAGE_PSE) {
        return NULL;                    /* would need splitting a superpage */
    } else if ((leaf_flags & _PAGE_USER) && !(*e & _PAGE_USER)) {
        *e |= _PAGE_USER;
    }
    return maddr_to_virt(*e & PADDR_MASK);
}

int map_pages_to_xen(unsigned long va, paddr_t pa, uint64_t size, uint64_t flags, bool small)
{
    uint64_t *l4 = idle_pg_table;

    if ((va | pa | size) & ~PAGE_MASK)
        return -EINVAL;
    while (size) {
        uint64_t *l3, *l2, *l1;

        l3 = next_table(&l4[pt_index(va, 4)], flags);
        if (!l3)
            return -ENOMEM;
        if (!small && boot_cpu.page1gb && !((va | pa) & (GB(1) - 1)) && size >= GB(1) &&
            !(l3[pt_index(va, 3)] & _PAGE_PRESENT)) {
            l3[pt_index(va, 3)] = pa | flags | _PAGE_PSE;
            va += GB(1), pa += GB(1), size -= GB(1);
            continue;
        }
        l2 = next_table(&l3[pt_index(va, 3)], flags);
        if (!l2)
            return -ENOMEM;
        if (!small && !((va | pa) & (MB(2) - 1)) && size >= MB(2) &&
            !(l2[pt_index(va, 2)] & _PAGE_PRESENT)) {
            l2[pt_index(va, 2)] = pa | flags | _PAGE_PSE;
            va += MB(2), pa += MB(2), size -= MB(2);
            continue;
        }
        l1 = next_table(&l2[pt_index(va, 2)], flags);
        if (!l1)
            return -ENOMEM;
        l1[pt_index(va, 1)] = pa | flags;
        invlpg(va);
        va += PAGE_SIZE, pa += PAGE_SIZE, size -= PAGE_SIZE;
    }
    flush_tlb_local();
    return 0;
}

int unmap_pages_from_xen(unsigned long va, uint64_t size)
{
    if ((va | size) & ~PAGE_MASK)
        return -EINVAL;
    for (; size; va += PAGE_SIZE, size -= PAGE_SIZE) {
        uint64_t pte;
        int lvl = pt_walk(va, &pte);
        uint64_t *t = idle_pg_table;
        int l;

        if (lvl == 0)
            continue;
        if (lvl != 1)
            return -EBUSY;
        for (l = 4; l > 1; l--)
            t = maddr_to_virt(t[pt_index(va, l)] & PADDR_MASK);
        t[pt_index(va, 1)] = 0;
        invlpg(va);
    }
    return 0;
}

int pt_walk(unsigned long va, uint64_t *pte)
{
    uint64_t *t = maddr_to_virt(read_cr3() & PADDR_MASK);
    int lvl;

    /* Bits 63:48 must copy bit 47. */
    if ((unsigned long)((long)(va << 16) >> 16) != va)
        return -EINVAL;
    for (lvl = 4; lvl >= 1; lvl--) {
        uint64_t e = t[pt_index(va, lvl)];

        *pte = e;
        if (!(e & _PAGE_PRESENT))
            return 0;
        if (lvl == 1 || (lvl <= 3 && (e & _PAGE_PSE)))
            return lvl;
        t = maddr_to_virt(e & PADDR_MASK);
    }
    return 0;
}

/* ---- vmap / ioremap (slot 260) ---- */
static unsigned long vmap_next = VMAP_VIRT_START;

void *ioremap(paddr_t pa, size_t size)
{
    paddr_t base = ROUNDDOWN(pa, PAGE_SIZE);
    uint64_t len = ROUNDUP(pa + size, PAGE_SIZE) - base;
    unsigned long va = vmap_next;

    if (va + len + PAGE_SIZE > VMAP_VIRT_END)
        return NULL;
    if (map_pages_to_xen(va, base, len, PAGE_HYPERVISOR_UC, true))
        return NULL;
    vmap_next += len + PAGE_SIZE;           /* unmapped guard page between */
    return (void *)(va + (pa - base));
}

/* ---- boot-time construction ---- */

static void build_directmap(const struct boot_info *bi)
{
    paddr_t l3_pa;
    uint64_t *l3 = alloc_pt_page(&l3_pa);
    unsigned int i;

    /* Build in a private L3 first: slot 262 keeps pointing at head.asm's
     * 4 GiB map until the new tables are complete. */
    for (i = 0; i < bi->nr_memmap; i++) {
        const struct boot_memrange *r = &bi->memmap[i];
        paddr_t s, e, pa;

        if (r->type != BOOT_MEM_RAM && r->type != BOOT_MEM_ACPI && r->type != BOOT_MEM_NVS)
            continue;
        s = ROUNDDOWN(r->addr, MB(2));
        e = ROUNDUP(r->addr + r->size, MB(2));
        if (e > DIRECTMAP_SIZE)
            e = DIRECTMAP_SIZE;
        for (pa = s; pa < e; ) {
            uint64_t *l2, *e3;
            paddr_t l2_pa;

            if (pa >= GB(512)) {
                /* Slots 263+: not reachable in this private L3; map those
                 * after the switch through the normal path. */
                break;
            }
            e3 = &l3[pt_index(pa, 3)];
            if (boot_cpu.page1gb && !(pa & (GB(1) - 1)) && e - pa >= GB(1) &&
                !(*e3 & _PAGE_PRESENT)) {
                *e3 = pa | PAGE_HYPERVISOR | _PAGE_PSE;
                pa += GB(1);
                continue;
            }
            if (*e3 & _PAGE_PSE) {              /* already covered by a 1 GiB page */
                pa = ROUNDUP(pa + 1, GB(1));
                continue;
            }
            if (!(*e3 & _PAGE_PRESENT)) {
                alloc_pt_page(&l2_pa);
                *e3 = l2_pa | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;
            }
            l2 = maddr_to_virt(*e3 & PADDR_MASK);
            l2[pt_index(pa, 2)] = pa | PAGE_HYPERVISOR | _PAGE_PSE;
            pa += MB(2);
        }
        if (e > directmap_end)
            directmap_end = e;
    }
    idle_pg_table[pt_index(DIRECTMAP_VIRT_START, 4)] =
        l3_pa | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;
    flush_tlb_local();

    /* RAM above 512 GiB, if any, goes to slots 263-271 normally now. */
    for (i = 0; i < bi->nr_memmap; i++) {
        const struct boot_memrange *r = &bi->memmap[i];
        paddr_t s = MAX(ROUNDDOWN(r->addr, MB(2)), GB(512));
        paddr_t e = MIN(ROUNDUP(r->addr + r->size, MB(2)), DIRECTMAP_SIZE);

        if (r->type != BOOT_MEM_RAM || e <= s)
            continue;
        if (map_pages_to_xen(DIRECTMAP_VIRT_START + s, s, e - s, PAGE_HYPERVISOR, false))
            panic("mm: cannot map RAM at %#lx in the direct map\n", (unsigned long)s);
    }
}

/* Back [va, va+size) with freshly allocated 2 MiB frames (boot allocator). */
static void populate_2m(unsigned long va, uint64_t size, uint64_t flags, paddr_t *first_pa)
{
    uint64_t off;

    for (off = 0; off < size; off += MB(2)) {
        paddr_t pa = boot_alloc(MB(2), MB(2));

        if (off == 0 && first_pa)
            *first_pa = pa;
        if (map_pages_to_xen(va + off, pa, MB(2), flags, false))
            panic("mm: cannot map %#lx\n", va + off);
        memset(maddr_to_virt(pa), 0, MB(2));
    }
}

/* The M2P is mapped twice: writable for us (slot 257), read-only and
 * user-accessible for guests (slot 256).  Unused entries read as ~0
 * (INVALID_M2P_ENTRY). */
static void build_m2p(void)
{
    uint64_t size = ROUNDUP((uint64_t)max_page * sizeof(uint64_t), MB(2));
    uint64_t off;

    m2p_bytes = size;
    for (off = 0; off < size; off += MB(2)) {
        paddr_t pa = boot_alloc(MB(2), MB(2));

        if (map_pages_to_xen(RDWR_MPT_VIRT_START + off, pa, MB(2), PAGE_HYPERVISOR, false) ||
            map_pages_to_xen(RO_MPT_VIRT_START + off, pa, MB(2), PAGE_GUEST_RO, false))
            panic("mm: cannot map the M2P table\n");
        memset(maddr_to_virt(pa), 0xff, MB(2));
    }
}

/* Give [s, e) minus every reserved range to the heap. */
static void give_to_heap(paddr_t s, paddr_t e)
{
    int o;
    mfn_t first, last;

    if (e <= s)
        return;
    o = find_overlap(s, e);
    if (o >= 0) {
        paddr_t rs = reserved[o].start, re = reserved[o].end;

        give_to_heap(s, MIN(rs, e));
        give_to_heap(MAX(re, s), e);
        return;
    }
    first = PFN_UP(s);
    last = PFN_DOWN(e);
    if (last > first)
        heap_init_pages(first, last - first);
}

void mm_early_init(struct boot_info *bi)
{
    unsigned int i;
    paddr_t ft_pa = 0;
    uint64_t ft_size;

    mm_bi = bi;
    reserve_range(0, MB(1));
    reserve_range(__pa_image(__image_start), __pa_image(__image_end));
    first_module_range = nr_reserved;
    for (i = 0; i < bi->nr_modules; i++)
        reserve_range(ROUNDDOWN(bi->modules[i].start, PAGE_SIZE),
                      ROUNDUP(bi->modules[i].end, PAGE_SIZE));
    nr_module_ranges = nr_reserved - first_module_range;

    for (i = 0; i < bi->nr_memmap; i++) {
        const struct boot_memrange *r = &bi->memmap[i];

        if (r->type != BOOT_MEM_RAM)
            continue;
        total_ram_pages += PFN_DOWN(r->addr + r->size) - PFN_UP(r->addr);
        if (PFN_DOWN(r->addr + r->size) > max_page)
            max_page = PFN_DOWN(r->addr + r->size);
    }
    if (!max_page)
        panic("mm: the memory map has no RAM\n");
    if (max_page > PFN_DOWN(DIRECTMAP_SIZE))
        max_page = PFN_DOWN(DIRECTMAP_SIZE);

    /* Every hypervisor slot gets its L3 now; slot 262 is replaced just
     * below, slot 0 (the identity map) is dropped later. */
    for (i = HYP_FIRST_SLOT; i <= HYP_LAST_SLOT; i++) {
        paddr_t pa;

        if (i == pt_index(DIRECTMAP_VIRT_START, 4) || (idle_pg_table[i] & _PAGE_PRESENT))
            continue;
        alloc_pt_page(&pa);
        idle_pg_table[i] = pa | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
                           (i == pt_index(RO_MPT_VIRT_START, 4) ? _PAGE_USER : 0);
    }

    build_directmap(bi);
    /* Everything is reachable through the direct map now. */
    boot_alloc_limit = directmap_end;
    printk("Direct map: %lu MiB of physical address space at %#lx (%s pages)\n",
           (unsigned long)(directmap_end >> 20), (unsigned long)DIRECTMAP_VIRT_START,
           boot_cpu.page1gb ? "1 GiB/2 MiB" : "2 MiB");

    ft_size = ROUNDUP((uint64_t)max_page * sizeof(struct page_info), MB(2));
    ft_bytes = ft_size;
    populate_2m(FRAMETABLE_VIRT_START, ft_size, PAGE_HYPERVISOR, &ft_pa);
    build_m2p();

    heap_ready = true;
    for (i = 0; i < bi->nr_memmap; i++) {
        const struct boot_memrange *r = &bi->memmap[i];

        if (r->type == BOOT_MEM_RAM)
            give_to_heap(r->addr, MIN(r->addr + r->size, (paddr_t)max_page << PAGE_SHIFT));
    }
    printk("Memory: %lu MiB RAM, max_page %#lx, frame table %lu KiB, M2P %lu KiB, "
           "heap %lu MiB free\n",
           total_ram_pages >> 8, max_page, (unsigned long)(ft_size >> 10),
           (unsigned long)(ROUNDUP((uint64_t)max_page * 8, MB(2)) >> 10),
           heap_free_pages() >> 8);
}

/*
 * The boot modules (kernels, initrds) were copied into the boot-time
 * domains' own memory: give their frames to the heap, as Xen does once dom0
 * is built.  Modules may share a page at their ends, so the ranges are
 * merged before they are handed over (a frame freed twice is a BUG).  Then
 * print where the memory neither free nor a domain's went.
 */
void mm_free_boot_modules(void)
{
    paddr_t s[MAX_RESERVED], e[MAX_RESERVED];
    unsigned int n = 0, i, j;
    uint64_t freed = 0, image = __pa_image(__image_end) - __pa_image(__image_start);
    uint64_t low = 0;
    unsigned long dom_pages = 0, in_use;
    const struct domain *d;

    for (i = 0; i < nr_module_ranges; i++) {
        unsigned int r = first_module_range + i;

        if (reserved[r].end > reserved[r].start) {
            s[n] = reserved[r].start;
            e[n] = MIN(reserved[r].end, (paddr_t)max_page << PAGE_SHIFT);
            n++;
        }
        reserved[r].start = reserved[r].end = 0;    /* no longer the hypervisor's */
    }
    nr_module_ranges = 0;
    for (i = 1; i < n; i++)                         /* insertion sort by start */
        for (j = i; j > 0 && s[j] < s[j - 1]; j--) {
            paddr_t ts = s[j], te = e[j];

            s[j] = s[j - 1]; e[j] = e[j - 1];
            s[j - 1] = ts; e[j - 1] = te;
        }
    for (i = 0; i < n; i = j) {
        paddr_t ms = s[i], me = e[i];

        for (j = i + 1; j < n && s[j] <= me; j++)
            me = MAX(me, e[j]);
        if (me > ms) {
            unsigned long before = heap_total_pages();

            give_to_heap(ms, me);
            freed += (uint64_t)(heap_total_pages() - before) << PAGE_SHIFT;
        }
    }
    /* RAM below 1 MiB (kept for the firmware's data, as Xen does). */
    for (i = 0; i < mm_bi->nr_memmap; i++) {
        const struct boot_memrange *r = &mm_bi->memmap[i];

        if (r->type == BOOT_MEM_RAM && r->addr < MB(1))
            low += MIN(r->addr + r->size, MB(1)) - r->addr;
    }
    /* Heap frames in use that no domain owns: xmalloc pools, per-domain
     * and per-vCPU structures, page tables made after boot, shared_info. */
    for (d = domain_list; d != NULL; d = d->next_in_list)
        dom_pages += d->tot_pages;
    in_use = heap_total_pages() - heap_free_pages();
    printk("Memory: boot modules freed: %lu KiB; the hypervisor keeps %lu KiB of %lu MiB RAM: "
           "frame table %lu KiB (%zu bytes a frame), M2P %lu KiB, image %lu KiB, "
           "boot page tables %lu KiB, below 1 MiB %lu KiB, heap frames no domain owns %lu KiB\n",
           (unsigned long)(freed >> 10),
           (total_ram_pages - heap_total_pages() + (in_use - MIN(in_use, dom_pages))) << 2,
           total_ram_pages >> 8, (unsigned long)(ft_bytes >> 10), sizeof(struct page_info),
           (unsigned long)(m2p_bytes >> 10), (unsigned long)(image >> 10),
           (unsigned long)(boot_pt_bytes >> 10), (unsigned long)(low >> 10),
           (in_use - MIN(in_use, dom_pages)) << 2);
}

/* Slot 0 belongs to guests: drop head.asm's identity map once nothing runs
 * from physical addresses any more. */
void mm_drop_identity_map(void)
{
    idle_pg_table[0] = 0;
    flush_tlb_local();
}
