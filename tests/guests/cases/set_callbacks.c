/*
 * set_callbacks.c — the older callback hypercall (event, failsafe, syscall in
 * one call): the syscall callback it installs is where `syscall` from user
 * mode lands.  Xen 4.17 checks no address here: even a non-canonical one is
 * stored (0), so delivering to it would be the guest's own crash.
 */
#include "guest.h"

const char test_title[] = "set_callbacks";

extern void user_syscall(void);
__asm__(".pushsection .text\nuser_syscall: mov $0x5a5a, %eax\n syscall\n ud2\n.popsection\n");

void test_main(void)
{
    long rc, v;

    rc = hc_set_callbacks((unsigned long)event_entry, (unsigned long)failsafe_entry,
                          (unsigned long)syscall_entry);
    CHECK_RC("set_callbacks", rc, 0);
    v = exec_user(user_syscall);
    if (v != VEC_SYSCALL)
        test_fail("user syscall came back as vector %ld", v);
    else if (user_exit.rax != 0x5a5a)
        test_fail("syscall rax %#lx, expected 0x5a5a", (unsigned long)user_exit.rax);

    rc = hc_set_callbacks(0x0000800000000000UL, (unsigned long)failsafe_entry,
                          (unsigned long)syscall_entry);
    CHECK_RC("set_callbacks with a non-canonical address", rc, 0);

    /* The runtime's registration (with mask_events) goes back in place. */
    install_trap_table();
    v = exec_user(user_syscall);
    if (v != VEC_SYSCALL)
        test_fail("user syscall after re-registering came back as %ld", v);
}
