/*
 * shutdown_reboot.c — SCHEDOP_shutdown reasons other than poweroff: the
 * guest gives its verdict, then asks for SHUTDOWN_reboot; the run passes
 * only if the hypervisor reports a reboot of the domain (for Xen's dom0:
 * "Hardware Dom0 shutdown: rebooting machine") rather than a halt.
 */
#include "guest.h"

const char test_title[] = "SCHEDOP_shutdown(reboot)";

void test_main(void)
{
    struct sched_shutdown s = { .reason = SHUTDOWN_reboot };

    printk("Test result: SUCCESS\n");
    hc_sched_op(SCHEDOP_shutdown, &s);
    /* Only reached if the hypervisor ignored the request; the runtime's
     * verdict would then be a second one, which the runner rejects. */
    printk("shutdown_reboot: SCHEDOP_shutdown(reboot) returned\n");
}
