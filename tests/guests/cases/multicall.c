/*
 * multicall.c — a batch of hypercalls in one: each entry's result lands in
 * its result field (including -ENOSYS for an unknown op), the call itself
 * returns 0; an empty batch is fine; a bad list pointer is -EFAULT.
 */
#include "guest.h"

const char test_title[] = "multicall";

void test_main(void)
{
    static const char msg[] = "multicall: console write from a batch\n";
    struct multicall_entry mc[4];
    long v = hc_xen_version(XENVER_version, NULL), rc;

    memset(mc, 0, sizeof(mc));
    mc[0].op = __HYPERVISOR_xen_version;
    mc[0].args[0] = XENVER_version;
    mc[1].op = 63;
    mc[2].op = __HYPERVISOR_console_io;
    mc[2].args[0] = CONSOLEIO_write;
    mc[2].args[1] = sizeof(msg) - 1;
    mc[2].args[2] = (unsigned long)msg;
    mc[3].op = __HYPERVISOR_vcpu_op;
    mc[3].args[0] = VCPUOP_is_up;
    mc[3].args[1] = 1;
    for (int i = 0; i < 4; i++)
        mc[i].result = 0xdeadbeef;

    rc = hc_multicall(mc, 4);
    CHECK_RC("multicall", rc, 0);
    CHECK_RC("entry 0 (xen_version)", mc[0].result, v);
    CHECK_RC("entry 1 (op 63)", mc[1].result, -XEN_ENOSYS);
    CHECK_RC("entry 2 (console_io)", mc[2].result, 0);
    CHECK_RC("entry 3 (vcpu_op is_up 1)", mc[3].result, -XEN_ENOENT);

    CHECK_RC("empty multicall", hc_multicall(mc, 0), 0);
    CHECK_RC("multicall(unmapped)", hc_multicall((void *)0x10, 2), -XEN_EFAULT);

    /* a multicall inside a multicall */
    memset(mc, 0, sizeof(mc));
    mc[0].op = __HYPERVISOR_multicall;
    mc[0].args[0] = (unsigned long)&mc[1];
    mc[0].args[1] = 1;
    mc[1].op = __HYPERVISOR_xen_version;
    rc = hc_multicall(mc, 1);
    printk("nested multicall: rc %ld result %ld\n", rc, (long)mc[0].result);
    if (rc == 0 && (long)mc[0].result == 0)
        test_fail("nested multicall reported success");
}
