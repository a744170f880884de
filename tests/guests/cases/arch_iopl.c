/*
 * arch_iopl.c — VMASST_TYPE_architectural_iopl.  Without the assist the
 * guest kernel counts as ring 1: in/out and cli/sti need set_iopl >= 1,
 * user mode needs 3, and exception frames show IOPL 0.  With it the kernel
 * is ring 0 (always allowed), the virtual IOPL follows the RFLAGS the guest
 * irets with (so a kernel can hand IOPL 3 to user mode the architectural
 * way) and exception frames carry it.  cli/sti, when allowed, are skipped
 * without touching the event mask (Xen's choice).
 */
#include "guest.h"

const char test_title[] = "architectural_iopl";

static volatile uint64_t ud_rflags;
static volatile int ud_hits;

static bool on_ud(struct cpu_regs *r)
{
    ud_hits++;
    ud_rflags = r->rflags;
    r->rip += 2;                        /* past the ud2 */
    return true;
}

/* The IOPL field of the RFLAGS in a kernel-mode exception frame. */
static unsigned int frame_iopl(void)
{
    ud_hits = 0;
    __asm__ volatile("ud2" ::: "memory");
    if (ud_hits != 1)
        test_fail("ud2 gave %d #UD", ud_hits);
    return (ud_rflags >> 12) & 3;
}

static long try_cli_sti(void)
{
    uint8_t before = vcpu0->evtchn_upcall_mask;
    long v;

    ex_clear();
    __asm__ volatile("1: cli\n2:\n" EXTABLE("1b", "2b") ::: "memory");
    v = ex_vec;
    if (vcpu0->evtchn_upcall_mask != before)
        test_fail("cli changed the event mask %u -> %u", before, vcpu0->evtchn_upcall_mask);
    ex_clear();
    __asm__ volatile("1: sti\n2:\n" EXTABLE("1b", "2b") ::: "memory");
    if (ex_vec != v)
        test_fail("cli gave vector %ld, sti %ld", v, (long)ex_vec);
    if (vcpu0->evtchn_upcall_mask != before)
        test_fail("sti changed the event mask %u -> %u", before, vcpu0->evtchn_upcall_mask);
    vcpu0->evtchn_upcall_mask = before;
    return v;
}

extern void user_out80(void), user_cli(void);
__asm__(".pushsection .text\n"
        "user_out80: mov $0x5a, %al\n out %al, $0x80\n mov $0x33, %eax\n syscall\n ud2\n"
        "user_cli: cli\n sti\n mov $0x33, %eax\n syscall\n ud2\n"
        ".popsection\n");

static void expect(const char *what, long got, long want)
{
    if (got != want)
        test_fail("%s: vector %ld, expected %ld", what, got, want);
}

void test_main(void)
{
    unsigned int f;

    set_trap_handler(X86_EXC_UD, on_ud);

    /* Without the assist: the kernel is ring 1. */
    set_iopl(0);
    expect("kernel out, IOPL 0", try_out(), X86_EXC_GP);
    expect("kernel cli/sti, IOPL 0", try_cli_sti(), X86_EXC_GP);
    set_iopl(1);
    expect("kernel out, IOPL 1", try_out(), -1);
    expect("kernel cli/sti, IOPL 1", try_cli_sti(), -1);
    expect("user out, IOPL 1", exec_user(user_out80), X86_EXC_GP);
    set_iopl(3);
    if ((f = frame_iopl()) != 0)
        test_fail("frame IOPL %u without the assist, expected 0", f);
    expect("user out, IOPL 3", exec_user(user_out80), VEC_SYSCALL);
    expect("user cli/sti, IOPL 3", exec_user(user_cli), VEC_SYSCALL);

    /* With it: the kernel is ring 0, the IOPL follows iret's RFLAGS. */
    CHECK_RC("enable architectural_iopl",
             hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_architectural_iopl), 0);
    set_iopl(0);
    expect("kernel out, IOPL 0, assist", try_out(), -1);
    expect("kernel cli/sti, IOPL 0, assist", try_cli_sti(), -1);
    if ((f = frame_iopl()) != 0)
        test_fail("frame IOPL %u after set_iopl(0), expected 0", f);
    set_iopl(2);
    f = frame_iopl();
    printk("frame IOPL with the assist after set_iopl(2): %u\n", f);
    if (f != 2)
        test_fail("frame IOPL %u after set_iopl(2), expected 2", f);
    /* The handler's iret carried IOPL 2 back: still 2. */
    if ((f = frame_iopl()) != 2)
        test_fail("frame IOPL %u after an iret with IOPL 2, expected 2", f);

    /* User mode entered with RFLAGS.IOPL 3: in/out and cli/sti allowed. */
    exec_user_rflags = 0x3202;
    expect("user out, iret IOPL 3", exec_user(user_out80), VEC_SYSCALL);
    expect("user cli/sti, iret IOPL 3", exec_user(user_cli), VEC_SYSCALL);
    /* ... and with IOPL 0: refused, even after set_iopl(3) before. */
    set_iopl(3);
    exec_user_rflags = 0x202;
    expect("user out, iret IOPL 0", exec_user(user_out80), X86_EXC_GP);
    expect("user cli/sti, iret IOPL 0", exec_user(user_cli), X86_EXC_GP);
    if ((f = frame_iopl()) != 0)
        test_fail("frame IOPL %u after entering user with IOPL 0, expected 0", f);
    expect("kernel out after that, assist", try_out(), -1);

    CHECK_RC("disable architectural_iopl",
             hc_vm_assist(VMASST_CMD_disable, VMASST_TYPE_architectural_iopl), 0);
    set_iopl(0);
    expect("kernel out, IOPL 0, assist off again", try_out(), X86_EXC_GP);
}
