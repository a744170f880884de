/*
 * callback_op.c — CALLBACKOP_register/unregister: every callback type a
 * 64-bit PV guest uses registers, unknown types are
 * -ENOSYS (as Xen 4.17 answers), only the NMI callback can be unregistered
 * (-EINVAL for the others), a bad argument is -EFAULT and an
 * unknown command -ENOSYS; the registered syscall callback takes user
 * syscalls.
 */
#include "guest.h"

const char test_title[] = "callback_op";

extern void user_syscall(void);
__asm__(".pushsection .text\nuser_syscall: mov $0x77, %eax\n syscall\n ud2\n.popsection\n");

static long reg(uint16_t type, uint16_t flags, unsigned long addr)
{
    struct callback_register cb = { .type = type, .flags = flags, .address = addr };

    return hc_callback_op(CALLBACKOP_register, &cb);
}

static long unreg(uint16_t type)
{
    struct callback_unregister cb = { .type = type };

    return hc_callback_op(CALLBACKOP_unregister, &cb);
}

void test_main(void)
{
    long rc, v;

    CHECK_RC("register event", reg(CALLBACKTYPE_event, 0, (unsigned long)event_entry), 0);
    CHECK_RC("register failsafe", reg(CALLBACKTYPE_failsafe, CALLBACKF_mask_events,
                                      (unsigned long)failsafe_entry), 0);
    CHECK_RC("register syscall", reg(CALLBACKTYPE_syscall, CALLBACKF_mask_events,
                                     (unsigned long)syscall_entry), 0);
    CHECK_RC("register syscall32", reg(CALLBACKTYPE_syscall32, 0,
                                       (unsigned long)syscall_entry), 0);
    CHECK_RC("register sysenter", reg(CALLBACKTYPE_sysenter, 0,
                                      (unsigned long)syscall_entry), 0);
    rc = reg(CALLBACKTYPE_nmi, 0, (unsigned long)trap_table[2].address);
    CHECK_RC("register nmi", rc, 0);
    CHECK_RC("register type 3 (unused)", reg(3, 0, (unsigned long)event_entry), -XEN_ENOSYS);
    CHECK_RC("register type 99", reg(99, 0, (unsigned long)event_entry), -XEN_ENOSYS);
    CHECK_RC("unregister event", unreg(CALLBACKTYPE_event), -XEN_EINVAL);
    CHECK_RC("unregister failsafe", unreg(CALLBACKTYPE_failsafe), -XEN_EINVAL);
    CHECK_RC("register with unmapped argument",
             hc_callback_op(CALLBACKOP_register, (void *)0x10), -XEN_EFAULT);
    CHECK_RC("unknown command", hc_callback_op(7, NULL), -XEN_ENOSYS);

    v = exec_user(user_syscall);
    if (v != VEC_SYSCALL || user_exit.rax != 0x77)
        test_fail("user syscall: vector %ld rax %#lx", v, (unsigned long)user_exit.rax);
    /* syscall returns RIP in RCX and RFLAGS in R11 as the hardware does */
    if (user_exit.rip != (unsigned long)user_syscall + 7)
        test_fail("syscall frame rip %#lx, expected %#lx", (unsigned long)user_exit.rip,
                  (unsigned long)user_syscall + 7);
    if (user_exit.rcx != user_exit.rip)
        test_fail("syscall frame rcx %#lx != rip %#lx", (unsigned long)user_exit.rcx,
                  (unsigned long)user_exit.rip);

    CHECK_RC("unregister syscall32", unreg(CALLBACKTYPE_syscall32), -XEN_EINVAL);
    CHECK_RC("unregister syscall", unreg(CALLBACKTYPE_syscall), -XEN_EINVAL);
    CHECK_RC("unregister nmi", unreg(CALLBACKTYPE_nmi), 0);
    CHECK_RC("unregister type 99", unreg(99), -XEN_ENOSYS);
}
