/*
 * ldt.c — MMUEXT_SET_LDT: an LDT in a read-only page of ours takes effect
 * (a TI=1 selector loads into DS), 0 entries is allowed (Linux does it at
 * boot), a misaligned base or more than 8192 entries is refused, and a page
 * in use as LDT cannot be mapped writable (it is validated lazily, on first
 * use: checked after loading a selector from it).
 */
#include "guest.h"

const char test_title[] = "MMUEXT_SET_LDT";

static uint64_t ldt[512] __aligned(4096);

static long set_ldt(unsigned long base, unsigned int ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

    op.arg1.linear_addr = base;
    op.arg2.nr_ents = ents;
    return hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void test_main(void)
{
    uint64_t pte_ro = ((uint64_t)virt_to_mfn(ldt) << 12) | 0x25;
    uint16_t ds;
    long rc;

    ldt[1] = 0x00cff3000000ffffULL;   /* flat data, DPL 3 */
    CHECK_RC("LDT page read-only", hc_update_va_mapping((unsigned long)ldt, pte_ro, UVMF_INVLPG), 0);

    CHECK_RC("SET_LDT 0 entries", set_ldt(0, 0), 0);
    CHECK_RC("SET_LDT misaligned", set_ldt((unsigned long)ldt + 8, 512), -XEN_EINVAL);
    CHECK_RC("SET_LDT 8193 entries", set_ldt((unsigned long)ldt, 8193), -XEN_EINVAL);
    rc = set_ldt(0xffff830000000000UL, 512);
    CHECK_RC("SET_LDT in the hypervisor's range", rc, -XEN_EINVAL);

    CHECK_RC("SET_LDT 512 entries", set_ldt((unsigned long)ldt, 512), 0);
    ex_clear();
    __asm__ volatile("1: mov %1, %%ds\n2:\n" EXTABLE("1b", "2b") "mov %%ds, %0"
                     : "=r"(ds) : "r"(0x0f) : "memory");
    if (ex_vec != -1 || ds != 0x0f)
        test_fail("loading LDT selector 0x0f: vector %ld, ds %#x", ex_vec, ds);

    rc = hc_update_va_mapping((unsigned long)ldt, pte_ro | 2, UVMF_INVLPG);
    printk("writable remap of the LDT page in use: %ld\n", rc);
    if (rc == 0)
        test_fail("the LDT page in use was mapped writable");

    __asm__ volatile("mov %0, %%ds" :: "r"(0) : "memory");
    CHECK_RC("SET_LDT 0 entries again", set_ldt(0, 0), 0);
    ex_clear();
    __asm__ volatile("1: mov %0, %%ds\n2:\n" EXTABLE("1b", "2b") :: "r"(0x0f) : "memory");
    printk("LDT selector without an LDT: vector %ld ec %#lx\n", ex_vec, (unsigned long)ex_ec);
    if (ex_vec != X86_EXC_GP || ex_ec != 0x0c)
        test_fail("LDT selector without an LDT: vector %ld ec %#lx, expected #GP(0xc)", ex_vec,
                  (unsigned long)ex_ec);
}
