/*
 * vcpu_op.c — VCPUOP_is_up (1 for vCPU 0, -ENOENT past the last vCPU, which
 * is how Linux counts its possible CPUs), get_runstate_info, the single-shot
 * timer (a deadline in the past fires at once; Xen 4.17 ignores
 * VCPU_SSHOTTMR_future and answers 0 rather than -ETIME), stop_periodic_timer, -EFAULT and -ENOSYS paths.
 */
#include "guest.h"

const char test_title[] = "vcpu_op";

struct runstate_info {
    int state;
    uint64_t state_entry_time;
    uint64_t time[4];
};

void test_main(void)
{
    struct runstate_info rs;
    struct vcpu_set_singleshot_timer st;
    long rc;

    CHECK_RC("is_up(0)", hc_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    CHECK_RC("is_up(1)", hc_vcpu_op(VCPUOP_is_up, 1, NULL), -XEN_ENOENT);
    CHECK_RC("is_up(4096)", hc_vcpu_op(VCPUOP_is_up, 4096, NULL), -XEN_ENOENT);
    CHECK_RC("unknown op", hc_vcpu_op(99, 0, NULL), -XEN_ENOSYS);

    memset(&rs, 0xff, sizeof(rs));
    rc = hc_vcpu_op(VCPUOP_get_runstate_info, 0, &rs);
    CHECK_RC("get_runstate_info", rc, 0);
    if (rs.state != 0)
        test_fail("runstate %d, expected 0 (running)", rs.state);
    if (rs.time[0] == 0)
        test_fail("no running time accounted");
    CHECK_RC("get_runstate_info(unmapped)",
             hc_vcpu_op(VCPUOP_get_runstate_info, 0, (void *)0x10), -XEN_EFAULT);

    st.timeout_abs_ns = 1;   /* long past */
    st.flags = VCPU_SSHOTTMR_future;
    CHECK_RC("singleshot in the past with future flag",
             hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
    st.flags = 0;
    CHECK_RC("singleshot in the past", hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
    CHECK_RC("singleshot (unmapped)",
             hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)0x10), -XEN_EFAULT);
    CHECK_RC("stop_singleshot", hc_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    CHECK_RC("stop_periodic", hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    CHECK_RC("initialise(0, unmapped)", hc_vcpu_op(VCPUOP_initialise, 0, NULL), -XEN_EFAULT);
    CHECK_RC("up(0) while running", hc_vcpu_op(VCPUOP_up, 0, NULL), 0);
    CHECK_RC("up(5)", hc_vcpu_op(VCPUOP_up, 5, NULL), -XEN_ENOENT);
}
