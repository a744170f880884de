/*
 * physdev_iopl.c — PHYSDEVOP_set_iopl argument checking: 0-3 accepted, a
 * larger value -EINVAL, a bad pointer -EFAULT, an unknown physdev command
 * -ENOSYS.
 */
#include "guest.h"

const char test_title[] = "physdev_op set_iopl";

void test_main(void)
{
    struct physdev_set_iopl io;

    for (uint32_t l = 0; l <= 3; l++) {
        io.iopl = l;
        if (hc_physdev_op(PHYSDEVOP_set_iopl, &io))
            test_fail("set_iopl(%u) refused", l);
    }
    io.iopl = 4;
    CHECK_RC("set_iopl(4)", hc_physdev_op(PHYSDEVOP_set_iopl, &io), -XEN_EINVAL);
    io.iopl = 0xffffffff;
    CHECK_RC("set_iopl(~0)", hc_physdev_op(PHYSDEVOP_set_iopl, &io), -XEN_EINVAL);
    CHECK_RC("set_iopl(unmapped)", hc_physdev_op(PHYSDEVOP_set_iopl, (void *)0x10), -XEN_EFAULT);
    CHECK_RC("unknown physdev op", hc_physdev_op(1000, &io), -XEN_ENOSYS);
    io.iopl = 0;
    hc_physdev_op(PHYSDEVOP_set_iopl, &io);
}
