/*
 * stack_switch.c — the kernel stack for entries from user mode: after
 * stack_switch(ss, sp) an exception raised in user mode is bounced onto the
 * new stack, and switching back restores the old behaviour.
 */
#include "guest.h"

const char test_title[] = "stack_switch";

static char alt_stack[8192] __aligned(16);

extern void user_ud(void);
__asm__(".pushsection .text\nuser_ud: ud2\n.popsection\n");

static bool within(const void *p, const void *lo, size_t len)
{
    return (const char *)p >= (const char *)lo && (const char *)p < (const char *)lo + len;
}

void test_main(void)
{
    long rc, v;

    rc = hc_stack_switch(FLAT_KERNEL_SS, (unsigned long)alt_stack + sizeof(alt_stack));
    CHECK_RC("stack_switch to alt", rc, 0);
    v = exec_user(user_ud);
    if (v != X86_EXC_UD)
        test_fail("user ud2 came back as vector %ld", v);
    if (!within(last_frame, alt_stack, sizeof(alt_stack)))
        test_fail("frame at %p, not on the alternate stack", (void *)last_frame);
    if (user_exit.rip != (unsigned long)user_ud)
        test_fail("#UD rip %#lx, expected %p", (unsigned long)user_exit.rip, (void *)user_ud);

    /* An RPL-0 selector is accepted (the hypervisor fixes it up). */
    rc = hc_stack_switch(FLAT_KERNEL_SS & ~3, kernel_stack_top);
    CHECK_RC("stack_switch back (RPL 0 ss)", rc, 0);
    v = exec_user(user_ud);
    if (v != X86_EXC_UD)
        test_fail("second user ud2 came back as vector %ld", v);
    if (!within(last_frame, (char *)kernel_stack_top - 16384, 16384))
        test_fail("frame at %p, not on the kernel stack", (void *)last_frame);
}
