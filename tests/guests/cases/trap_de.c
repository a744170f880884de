/*
 * trap_de.c — #DE (divide error) from kernel and from user mode: vector 0,
 * no error code, RIP at the faulting div, CS RPL 0 in the frame for a
 * kernel-mode fault and RPL 3 for a user-mode one.
 */
#include "guest.h"

const char test_title[] = "#DE divide error";

extern char de_insn[], user_div0[], user_div0_insn[];
__asm__(".pushsection .text\nuser_div0: xor %ecx, %ecx\n mov $1, %eax\n xor %edx, %edx\n"
        "user_div0_insn: div %ecx\n ud2\n.popsection\n");

static volatile uint64_t cs_seen;

static bool on_de(struct cpu_regs *r)
{
    cs_seen = r->cs;
    r->rip += 2;   /* div %ecx is 2 bytes */
    return true;
}

void test_main(void)
{
    long v;

    ex_clear();
    __asm__ volatile("xor %%ecx, %%ecx\n mov $1, %%eax\n xor %%edx, %%edx\n"
                     "1: div %%ecx\n2:\n" EXTABLE("1b", "2b")
                     ::: "rax", "rcx", "rdx", "memory");
    if (ex_vec != X86_EXC_DE)
        test_fail("kernel div by zero: vector %ld", ex_vec);

    set_trap_handler(X86_EXC_DE, on_de);
    __asm__ volatile("xor %%ecx, %%ecx\n mov $1, %%eax\n xor %%edx, %%edx\n"
                     "de_insn: div %%ecx\n" ::: "rax", "rcx", "rdx", "memory");
    if ((cs_seen & 0xffff) != (FLAT_KERNEL_CS & ~3))
        test_fail("kernel #DE frame cs %#lx, expected %#x (RPL cleared)",
                  (unsigned long)cs_seen, FLAT_KERNEL_CS & ~3);
    printk("kernel #DE frame cs %#lx\n", (unsigned long)cs_seen);

    v = exec_user((void (*)(void))user_div0);
    if (v != X86_EXC_DE)
        test_fail("user div by zero came back as vector %ld", v);
    if (user_exit.rip != (unsigned long)user_div0_insn)
        test_fail("user #DE rip %#lx, expected %p", (unsigned long)user_exit.rip,
                  (void *)user_div0_insn);
    if ((user_exit.cs & 0xffff) != FLAT_USER_CS)
        test_fail("user #DE frame cs %#lx", (unsigned long)user_exit.cs);
    if (user_exit.error_code != 0)
        test_fail("user #DE error code %#lx", (unsigned long)user_exit.error_code);
}
