/*
 * linear_pt.c — linear (recursive) page tables: an L4, L3 or L2 entry may
 * name a page table of its own level if it is read-only.  A self-map of
 * the L4 shows the tables at the recursive address (read-only: a write
 * faults); an L4 entry may name another validated L4, which then stays
 * typed (no writable mapping) until the entry goes even after unpinning;
 * no chains (a linear target may not hold linear entries itself);
 * writable linear entries are refused; L3 and L2 self-maps work the same.
 */
#include "guest.h"

const char test_title[] = "linear page tables";

#define PTE_RW 0x67ULL
#define PTE_RO 0x25ULL

static uint64_t nl4[512] __aligned(4096);

static unsigned long va_of(unsigned int i4, unsigned int i3, unsigned int i2, unsigned int i1)
{
    return ((unsigned long)i4 << 39) | ((unsigned long)i3 << 30) |
           ((unsigned long)i2 << 21) | ((unsigned long)i1 << 12);
}

static long read_q(unsigned long va, uint64_t *out)
{
    uint64_t v = 0;

    ex_clear();
    __asm__ volatile("1: mov (%1), %0\n2:\n" EXTABLE("1b", "2b") : "+r"(v) : "r"(va) : "memory");
    *out = v;
    return ex_vec;
}

static long write_q(unsigned long va)
{
    ex_clear();
    __asm__ volatile("1: movq $0, (%0)\n2:\n" EXTABLE("1b", "2b") :: "r"(va) : "memory");
    return ex_vec;
}

/* The highest free slot of table t in [lo, hi]; -1 if none. */
static int free_slot(const uint64_t *t, int lo, int hi)
{
    for (int i = hi; i >= lo; i--)
        if (t[i] == 0)
            return i;
    return -1;
}

static void expect_read(const char *what, unsigned long va, uint64_t want)
{
    uint64_t got;
    long vec = read_q(va, &got);

    if (vec != -1)
        test_fail("%s: reading %#lx raised vector %ld", what, va, vec);
    else if (got != want)
        test_fail("%s: %#lx reads %#lx, expected %#lx", what, va, (unsigned long)got,
                  (unsigned long)want);
}

void test_main(void)
{
    uint64_t *l4 = (uint64_t *)start_info->pt_base;
    uint64_t *l3 = table_va(l4[0]), *l2 = table_va(l3[0]);
    uint64_t l4_mfn = virt_to_mfn(l4), nl4_mfn = virt_to_mfn(nl4);
    int s = free_slot(l4, 1, 255), s2 = free_slot(l4, 1, s - 1);
    int j = free_slot(l3, 1, 511), k = free_slot(l2, 1, 511);
    long vec;

    if (s < 0 || s2 < 0 || j < 0 || k < 0) {
        test_error("no free slots (L4 %d %d, L3 %d, L2 %d)", s, s2, j, k);
        return;
    }
    printk("slots: L4 %d and %d, L3 %d, L2 %d\n", s, s2, j, k);

    /* L4 self-map. */
    CHECK_RC("writable L4 self-map", pte_update(&l4[s], (l4_mfn << 12) | PTE_RW), -XEN_EINVAL);
    CHECK_RC("read-only L4 self-map", pte_update(&l4[s], (l4_mfn << 12) | PTE_RO), 0);
    expect_read("L4 through the self-map, slot 0", va_of(s, s, s, s), l4[0]);
    expect_read("L4 through the self-map, its own slot", va_of(s, s, s, s) + 8 * s, l4[s]);
    expect_read("slot 0's L3 through the self-map", va_of(s, s, s, 0), l3[0]);
    vec = write_q(va_of(s, s, s, s) + 8 * s2);
    if (vec != X86_EXC_PF)
        test_fail("write through the self-map: vector %ld, expected #PF", vec);

    /* An L4 entry naming another validated L4. */
    memset(nl4, 0, sizeof(nl4));
    nl4[0] = l4[0];
    CHECK_RC("remap the second L4 read-only", remap(nl4, PTE_RO), 0);
    CHECK_RC("pin the second L4", mmuext(MMUEXT_PIN_L4_TABLE, nl4_mfn), 0);
    CHECK_RC("L4 -> another L4, writable", pte_update(&l4[s2], (nl4_mfn << 12) | PTE_RW), -XEN_EINVAL);
    CHECK_RC("L4 -> another L4, read-only", pte_update(&l4[s2], (nl4_mfn << 12) | PTE_RO), 0);
    expect_read("the second L4 through both", va_of(s, s, s, s2), nl4[0]);
    CHECK_RC("chain: the target gets a linear entry",
             pte_update(&nl4[5], (l4_mfn << 12) | PTE_RO), -XEN_EINVAL);
    CHECK_RC("unpin the second L4", mmuext(MMUEXT_UNPIN_TABLE, nl4_mfn), 0);
    CHECK_RC("map it writable while the linear entry holds it", remap(nl4, PTE_RW), -XEN_EBUSY);
    CHECK_RC("drop the linear entry", pte_update(&l4[s2], 0), 0);
    CHECK_RC("now it maps writable", remap(nl4, PTE_RW), 0);

    /* L3 and L2 self-maps. */
    CHECK_RC("writable L3 self-map", pte_update(&l3[j], (virt_to_mfn(l3) << 12) | PTE_RW), -XEN_EINVAL);
    CHECK_RC("read-only L3 self-map", pte_update(&l3[j], (virt_to_mfn(l3) << 12) | PTE_RO), 0);
    expect_read("L3 through its self-map", va_of(0, j, j, j), l3[0]);
    CHECK_RC("remove the L3 self-map", pte_update(&l3[j], 0), 0);
    CHECK_RC("read-only L2 self-map", pte_update(&l2[k], (virt_to_mfn(l2) << 12) | PTE_RO), 0);
    expect_read("L2 through its self-map", va_of(0, 0, k, k), l2[0]);
    CHECK_RC("remove the L2 self-map", pte_update(&l2[k], 0), 0);

    CHECK_RC("remove the L4 self-map", pte_update(&l4[s], 0), 0);
    hc_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL }, 1, NULL, DOMID_SELF);
}
