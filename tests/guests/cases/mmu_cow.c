/*
 * mmu_cow.c — a guest running fork-like copy-on-write by itself with its own
 * validated page tables.  From the start-of-day tables (address space A) it
 * builds a child address space B by copying the path to its image: a new L4
 * (slots 0-255 copied; Xen fills in its own slots 256-271 at pin), L3, L2
 * and L1, with the L1 entries of NPAGES "shared" pages made read-only (in B,
 * and in A through mmu_update, as fork does for the parent).  The new table
 * frames are remapped read-only before the pin (a table frame may not stay
 * writable), the L4 is pinned (validating the hierarchy), CR3 switched with
 * MMUEXT_NEW_BASEPTR.  In B, a read sees the parent's data, a write faults
 * (#PF, error code 3: present, write); the "fault handler" copies the page
 * to a fresh frame and remaps it writable; the retried write lands.  Back in
 * A the parent still sees its own data.  Then the table checks: unpinning B's
 * L4 while it is CR3 succeeds (the CR3 reference keeps it a table) but it
 * still cannot be mapped writable (-EBUSY); a second unpin is refused; once
 * A is current again nothing holds B's tables and they map writable.
 */
#include "guest.h"

const char test_title[] = "own page tables: pin, NEW_BASEPTR, copy-on-write";

#define NPAGES 4
#define PTE_RW 0x67ULL
#define PTE_RO 0x25ULL
#define ADDR_MASK 0x000ffffffffff000ULL

static uint64_t nl4[512] __aligned(4096), nl3[512] __aligned(4096);
static uint64_t nl2[512] __aligned(4096), nl1[512] __aligned(4096);
static char shared_pg[NPAGES][4096] __aligned(4096);
static char copy_pg[4096] __aligned(4096);

static long write_byte(volatile char *p, char v)
{
    ex_clear();
    __asm__ volatile("1: movb %1, (%0)\n2:\n" EXTABLE("1b", "2b") :: "r"(p), "q"(v) : "memory");
    return ex_vec;
}

void test_main(void)
{
    uint64_t *l4 = (uint64_t *)start_info->pt_base, *l3, *l2, *l1;
    uint64_t a_l4 = virt_to_mfn(l4), b_l4 = virt_to_mfn(nl4);
    void *tables[4] = { nl4, nl3, nl2, nl1 };
    unsigned long base = (unsigned long)shared_pg;
    long rc;

    /* Everything this test touches must sit under one L1 (one 2 MiB slot). */
    if (((unsigned long)nl4 >> 21) != (base >> 21) ||
        (((unsigned long)copy_pg + 4095) >> 21) != (base >> 21) ||
        ((unsigned long)&shared_pg[NPAGES - 1] >> 21) != (base >> 21)) {
        test_error("test pages span two L1 tables");
        return;
    }
    l3 = table_va(l4[0]);
    l2 = table_va(l3[0]);
    l1 = table_va(l2[base >> 21]);
    for (int i = 0; i < NPAGES; i++)
        snprintf(shared_pg[i], 64, "parent page %d", i);

    /* The child's tables: copies along the path to the image. */
    memset(nl4, 0, 4096);
    for (int i = 0; i < 256; i++)
        nl4[i] = l4[i];
    memcpy(nl3, l3, 4096);
    memcpy(nl2, l2, 4096);
    memcpy(nl1, l1, 4096);
    nl4[0] = (nl4[0] & ~ADDR_MASK) | (virt_to_mfn(nl3) << 12);
    nl3[0] = (nl3[0] & ~ADDR_MASK) | (virt_to_mfn(nl2) << 12);
    nl2[base >> 21] = (nl2[base >> 21] & ~ADDR_MASK) | (virt_to_mfn(nl1) << 12);
    for (int i = 0; i < NPAGES; i++)
        nl1[((base >> 12) & 511) + i] &= ~2ULL;       /* shared: read-only */
    for (int t = 0; t < 4; t++)   /* the tables map themselves read-only */
        nl1[((unsigned long)tables[t] >> 12) & 511] &= ~2ULL;
    for (int t = 0; t < 4; t++)
        CHECK_RC("remap a new table read-only", remap(tables[t], PTE_RO), 0);

    /* A writable parent mapping of a table frame blocks the pin. */
    CHECK_RC("pin the child L4", mmuext(MMUEXT_PIN_L4_TABLE, b_l4), 0);
    CHECK_RC("map the pinned L1 writable", remap(nl1, PTE_RW), -XEN_EBUSY);

    /* fork: the parent's entries go read-only too */
    for (int i = 0; i < NPAGES; i++)
        CHECK_RC("parent PTE read-only", pte_update(&l1[((base >> 12) & 511) + i],
                 (virt_to_mfn(shared_pg[i]) << 12) | PTE_RO), 0);
    CHECK_RC("flush", mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);

    CHECK_RC("NEW_BASEPTR child", mmuext(MMUEXT_NEW_BASEPTR, b_l4), 0);
    printk("mmu_cow: running on the child's L4 (mfn %#lx)\n", (unsigned long)b_l4);
    if (strcmp(shared_pg[1], "parent page 1") != 0)
        test_fail("child reads \"%.20s\"", shared_pg[1]);
    rc = write_byte(shared_pg[1], 'C');
    if (rc != X86_EXC_PF || ex_ec != 3 || ex_cr2 != (uint64_t)shared_pg[1])
        test_fail("child's write to a shared page: vector %ld ec %#lx cr2 %#lx", rc,
                  (unsigned long)ex_ec, (unsigned long)ex_cr2);
    /* the copy-on-write "fault handler" */
    memcpy(copy_pg, shared_pg[1], 4096);
    CHECK_RC("child: map the copy writable",
             hc_update_va_mapping((unsigned long)shared_pg[1], (virt_to_mfn(copy_pg) << 12) | PTE_RW,
                                  UVMF_INVLPG), 0);
    CHECK_RC("child's retried write", write_byte(shared_pg[1], 'C'), -1);
    if (strcmp(shared_pg[1], "Carent page 1") != 0)
        test_fail("child's page reads \"%.20s\"", shared_pg[1]);

    /* unpin while in use: allowed, the table stays a table */
    CHECK_RC("unpin the child L4 while it is CR3", mmuext(MMUEXT_UNPIN_TABLE, b_l4), 0);
    CHECK_RC("map the in-use L4 writable", remap(nl4, PTE_RW), -XEN_EBUSY);
    CHECK_RC("unpin it again", mmuext(MMUEXT_UNPIN_TABLE, b_l4), -XEN_EINVAL);

    CHECK_RC("NEW_BASEPTR parent", mmuext(MMUEXT_NEW_BASEPTR, a_l4), 0);
    if (strcmp(shared_pg[1], "parent page 1") != 0)
        test_fail("parent reads \"%.20s\" after the child's write", shared_pg[1]);
    if (write_byte(shared_pg[2], 'P') != X86_EXC_PF)
        test_fail("parent's read-only PTE did not fault");
    for (int i = 0; i < NPAGES; i++)
        CHECK_RC("parent PTE writable again", pte_update(&l1[((base >> 12) & 511) + i],
                 (virt_to_mfn(shared_pg[i]) << 12) | PTE_RW), 0);
    CHECK_RC("flush", mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
    CHECK_RC("parent writes", write_byte(shared_pg[2], 'P'), -1);
    /* nothing references the child's tables any more */
    for (int t = 0; t < 4; t++)
        CHECK_RC("released table maps writable", remap(tables[t], PTE_RW), 0);
    nl4[0] = 0;   /* and is an ordinary page again */
}
