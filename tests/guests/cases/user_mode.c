/*
 * user_mode.c — entering user mode through the iret hypercall (CS RPL 3 and
 * a user page table) and coming back through `syscall`: registers pass both
 * ways, the syscall frame has the user RIP in RCX and RFLAGS in R11 with IF
 * set, the GS bases swap with the mode (user sees SEGBASE_GS_USER, kernel
 * SEGBASE_GS_KERNEL), and it works repeatedly and via both iret paths.
 */
#include "guest.h"

const char test_title[] = "user mode via iret, back via syscall";

static uint64_t gs_user_area[2] = { 0x75736572, 0 };    /* "user" */
static uint64_t gs_kern_area[2] = { 0x6b65726e, 0 };    /* "kern" */

extern char user_fn[], user_fn_sys[];
/* rbx/rbp/r12 prove user registers reach the kernel; gs:0 says which base. */
__asm__(".pushsection .text\nuser_fn: mov %gs:0, %rbx\n mov $0x1234, %r12\n"
        " mov %rsp, %rbp\n mov $0xabc, %eax\nuser_fn_sys: syscall\n ud2\n.popsection\n");

void test_main(void)
{
    uint64_t kgs;
    long v;

    CHECK_RC("GS_USER base", hc_set_segment_base(SEGBASE_GS_USER, (unsigned long)gs_user_area), 0);
    CHECK_RC("GS_KERNEL base", hc_set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)gs_kern_area), 0);

    for (int i = 0; i < 20; i++) {
        iret_use_syscall = i & 1;
        v = exec_user((void (*)(void))user_fn);
        if (v != VEC_SYSCALL) {
            test_fail("round %d: back through vector %ld, not syscall", i, v);
            break;
        }
        if (user_exit.rax != 0xabc || user_exit.r12 != 0x1234)
            test_fail("round %d: rax %#lx r12 %#lx", i, (unsigned long)user_exit.rax,
                      (unsigned long)user_exit.r12);
        if (user_exit.rbx != gs_user_area[0])
            test_fail("round %d: user %%gs:0 read %#lx, expected the user GS base's %#lx", i,
                      (unsigned long)user_exit.rbx, (unsigned long)gs_user_area[0]);
        if (user_exit.rcx != (unsigned long)user_fn_sys + 2 ||
            user_exit.rip != (unsigned long)user_fn_sys + 2)
            test_fail("round %d: rcx %#lx rip %#lx, expected %#lx", i,
                      (unsigned long)user_exit.rcx, (unsigned long)user_exit.rip,
                      (unsigned long)user_fn_sys + 2);
        if (!(user_exit.r11 & 0x200))
            test_fail("round %d: r11 (user rflags) %#lx lacks IF", i, (unsigned long)user_exit.r11);
        if ((user_exit.cs & 0xffff) != FLAT_USER_CS || (user_exit.ss & 0xffff) != FLAT_USER_SS)
            test_fail("round %d: frame cs %#lx ss %#lx", i, (unsigned long)user_exit.cs,
                      (unsigned long)user_exit.ss);
        if (user_exit.rbp != user_exit.rsp)
            test_fail("round %d: user rsp %#lx vs frame rsp %#lx", i,
                      (unsigned long)user_exit.rbp, (unsigned long)user_exit.rsp);
    }
    iret_use_syscall = 0;

    __asm__ volatile("mov %%gs:0, %0" : "=r"(kgs));
    if (kgs != gs_kern_area[0])
        test_fail("kernel %%gs:0 reads %#lx after returning", (unsigned long)kgs);
    if (hc_xen_version(XENVER_version, NULL) <= 0)
        test_fail("hypercall after returning to kernel mode failed");
    hc_set_segment_base(SEGBASE_GS_KERNEL, 0);
}
