/*
 * crash_self.c — SCHEDOP_shutdown(SHUTDOWN_crash): the guest reports no
 * verdict; the run passes only if the hypervisor reports the crash.
 */
#include "guest.h"

const char test_title[] = "crash via SCHEDOP_shutdown(crash)";

void test_main(void)
{
    printk("crash_self: asking to be crashed\n");
    guest_shutdown(SHUTDOWN_crash);
}
