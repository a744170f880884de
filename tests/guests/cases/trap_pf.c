/*
 * trap_pf.c — #PF error codes and CR2 as Xen delivers them: the U/S bit
 * reflects the guest's mode, not the hardware ring (the PV kernel runs at
 * ring 3), so a kernel read of NULL reports 0, a kernel write 2, a write to a
 * read-only page 3; user-mode faults carry bit 2.  CR2 is in
 * vcpu_info.arch.cr2 and in the emulated `mov %cr2`; an instruction fetch
 * from an NX page sets bit 4.
 */
#include "guest.h"

const char test_title[] = "#PF error code and CR2";

static char ro_page[4096] __aligned(4096);
static char nx_page[4096] __aligned(4096);

extern char user_read_null[], user_write_ro[];
__asm__(".pushsection .text\nuser_read_null: mov 0x18, %rax\n ud2\n"
        "user_write_ro: movq $1, ro_page+8(%rip)\n ud2\n.popsection\n");

static volatile uint64_t nx_ec, nx_cr2;
static volatile int nx_hits;

/* The fetch faults at the target, so simulate its `ret` and carry on. */
static bool on_pf(struct cpu_regs *r)
{
    if (r->rip != (unsigned long)nx_page)
        return false;
    nx_hits++;
    nx_ec = r->error_code;
    nx_cr2 = vcpu0->arch.cr2;
    r->rip = *(uint64_t *)r->rsp;
    r->rsp += 8;
    return true;
}

static void expect_pf(const char *what, uint64_t ec, uint64_t cr2)
{
    if (ex_vec != X86_EXC_PF || ex_ec != ec || ex_cr2 != cr2)
        test_fail("%s: vector %ld ec %#lx cr2 %#lx, expected #PF ec %#lx cr2 %#lx", what,
                  ex_vec, (unsigned long)ex_ec, (unsigned long)ex_cr2, (unsigned long)ec,
                  (unsigned long)cr2);
}

void test_main(void)
{
    uint64_t v = 0, cr2;
    long rc, vec;

    ex_clear();
    __asm__ volatile("1: mov 0, %0\n2:\n" EXTABLE("1b", "2b") : "+r"(v) :: "memory");
    printk("kernel NULL read: ec %#lx cr2 %#lx\n", (unsigned long)ex_ec, (unsigned long)ex_cr2);
    expect_pf("kernel NULL read", 0, 0);

    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    if (cr2 != 0)
        test_fail("mov %%cr2 reads %#lx after the NULL fault", (unsigned long)cr2);

    ex_clear();
    __asm__ volatile("1: movq $5, 0x20\n2:\n" EXTABLE("1b", "2b") ::: "memory");
    expect_pf("kernel NULL write", 2, 0x20);

    rc = hc_update_va_mapping((unsigned long)ro_page,
                              ((uint64_t)virt_to_mfn(ro_page) << 12) | 0x25, UVMF_INVLPG);
    CHECK_RC("map page read-only", rc, 0);
    ex_clear();
    __asm__ volatile("1: movq $5, (%0)\n2:\n" EXTABLE("1b", "2b")
                     :: "r"(ro_page + 0x10) : "memory");
    expect_pf("kernel write to read-only page", 3, (unsigned long)ro_page + 0x10);
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    if (cr2 != (unsigned long)ro_page + 0x10)
        test_fail("mov %%cr2 reads %#lx", (unsigned long)cr2);

    /* NX: an instruction fetch from a non-executable page */
    nx_page[0] = (char)0xc3;   /* ret */
    rc = hc_update_va_mapping((unsigned long)nx_page,
                              ((uint64_t)virt_to_mfn(nx_page) << 12) | 0x67 | (1ULL << 63),
                              UVMF_INVLPG);
    CHECK_RC("map page NX", rc, 0);
    set_trap_handler(X86_EXC_PF, on_pf);
    __asm__ volatile("call *%0" :: "r"(nx_page) : "memory");
    printk("NX fetch: %d faults, ec %#lx cr2 %#lx\n", nx_hits, (unsigned long)nx_ec,
           (unsigned long)nx_cr2);
    if (nx_hits != 1 || nx_ec != 0x11 || nx_cr2 != (unsigned long)nx_page)
        test_fail("NX fetch: %d faults, ec %#lx cr2 %#lx, expected one with ec 0x11",
                  nx_hits, (unsigned long)nx_ec, (unsigned long)nx_cr2);
    set_trap_handler(X86_EXC_PF, NULL);

    vec = exec_user((void (*)(void))user_read_null);
    if (vec != X86_EXC_PF || user_exit.error_code != 4 || vcpu0->arch.cr2 != 0x18)
        test_fail("user NULL read: vector %ld ec %#lx cr2 %#lx, expected #PF ec 4 cr2 0x18",
                  vec, (unsigned long)user_exit.error_code, (unsigned long)vcpu0->arch.cr2);
    vec = exec_user((void (*)(void))user_write_ro);
    if (vec != X86_EXC_PF || user_exit.error_code != 7 ||
        vcpu0->arch.cr2 != (unsigned long)ro_page + 8)
        test_fail("user write to read-only: vector %ld ec %#lx cr2 %#lx, expected ec 7",
                  vec, (unsigned long)user_exit.error_code, (unsigned long)vcpu0->arch.cr2);
}
