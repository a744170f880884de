/*
 * vcpu_info.c — VCPUOP_register_vcpu_info and
 * VCPUOP_register_runstate_memory_area, both mandatory for Linux: moving
 * vcpu_info into a page of ours copies the current contents (the mask stays
 * set, the time info comes along) and then sets upcall_pending and every
 * pending_sel bit so the guest rescans; events then arrive in the new copy.
 * A placement crossing a page is -ENXIO (Xen 4.17), a second registration
 * -EINVAL; the reserved field is not checked.  The runstate area is filled
 * in at registration (running; the accumulated times only move at state
 * changes), updated when the vCPU blocks and wakes, and can be registered
 * again elsewhere.
 */
#include "guest.h"
#include <public/event_channel.h>

const char test_title[] = "register_vcpu_info / runstate area";

static char vi_page[4096] __aligned(4096);
static struct vcpu_runstate_info rs_a, rs_b;

void test_main(void)
{
    struct vcpu_register_vcpu_info vi = { 0 };
    struct vcpu_register_runstate_memory_area ra;
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    struct evtchn_send s;
    struct vcpu_info *nvi;
    uint64_t t0;
    long rc;

    /* runstate area: filled in at once, re-registration works */
    memset(&rs_a, 0xff, sizeof(rs_a));
    ra.addr.v = &rs_a;
    rc = hc_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &ra);
    CHECK_RC("register runstate area", rc, 0);
    if (rs_a.state != 0 || rs_a.state_entry_time == 0 || rs_a.time[2] == ~0ULL)
        test_fail("runstate area after registration: state %d entered %#lx", rs_a.state,
                  (unsigned long)rs_a.state_entry_time);
    t0 = rs_a.state_entry_time;
    {
        /* block for 20 ms: running -> blocked -> running */
        struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
        struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = 0 };

        /* Xen's default periodic timer would keep the port pending: once a
         * port is pending, further sends wake nobody. */
        CHECK_RC("stop_periodic_timer", hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
        CHECK_RC("bind VIRQ_TIMER", hc_event_channel_op(EVTCHNOP_bind_virq, &bv), 0);
        __atomic_fetch_and(&shared_info->evtchn_pending[bv.port / 64], ~(1UL << (bv.port % 64)),
                           __ATOMIC_SEQ_CST);
        vcpu0->evtchn_upcall_pending = 0;   /* else block returns at once */
        vcpu0->evtchn_pending_sel = 0;
        /* far enough ahead to still be in the future under a loaded TCG */
        st.timeout_abs_ns = guest_time_ns() + 20000000;
        CHECK_RC("singleshot", hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
        CHECK_RC("block", hc_sched_op(SCHEDOP_block, NULL), 0);
        vcpu0->evtchn_upcall_mask = 1;
    }
    printk("runstate after a block: state %d entered %lu running %lu blocked %lu\n",
           rs_a.state, (unsigned long)rs_a.state_entry_time, (unsigned long)rs_a.time[0],
           (unsigned long)rs_a.time[2]);
    if (rs_a.state != 0 || rs_a.state_entry_time <= t0 || rs_a.time[2] == 0 || rs_a.time[0] == 0)
        test_fail("runstate area not updated across a block");
    ra.addr.v = &rs_b;
    rc = hc_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &ra);
    CHECK_RC("re-register runstate area", rc, 0);
    if (rs_b.time[0] < rs_a.time[0] || rs_b.state_entry_time != rs_a.state_entry_time)
        test_fail("second runstate area: running %lu, first had %lu",
                  (unsigned long)rs_b.time[0], (unsigned long)rs_a.time[0]);
    CHECK_RC("register runstate area (unmapped argument)",
             hc_vcpu_op(VCPUOP_register_runstate_memory_area, 0, (void *)0x10), -XEN_EFAULT);

    /* vcpu_info: errors first */
    vi.mfn = virt_to_mfn(vi_page);
    vi.offset = 4096 - 32;   /* would cross the page */
    CHECK_RC("vcpu_info crossing a page", hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi),
             -XEN_ENXIO);
    CHECK_RC("vcpu_info(unmapped argument)",
             hc_vcpu_op(VCPUOP_register_vcpu_info, 0, (void *)0x10), -XEN_EFAULT);
    vi.offset = 128;
    vi.rsvd = 1;   /* not checked by Xen 4.17 */
    rc = hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi);
    CHECK_RC("register vcpu_info (rsvd = 1)", rc, 0);
    if (rc)
        return;
    vi.rsvd = 0;
    nvi = (struct vcpu_info *)(vi_page + 128);
    printk("new vcpu_info: pending %u mask %u sel %#lx\n", nvi->evtchn_upcall_pending,
           nvi->evtchn_upcall_mask, (unsigned long)nvi->evtchn_pending_sel);
    if (nvi->evtchn_upcall_mask != 1)
        test_fail("the mask was not carried over (%u)", nvi->evtchn_upcall_mask);
    if (nvi->evtchn_upcall_pending != 1 || nvi->evtchn_pending_sel != ~0UL)
        test_fail("after registration: upcall_pending %u pending_sel %#lx, expected 1 and all ones",
                  nvi->evtchn_upcall_pending, (unsigned long)nvi->evtchn_pending_sel);
    if (nvi->time.tsc_to_system_mul == 0)
        test_fail("time info not copied into the new vcpu_info");
    CHECK_RC("register vcpu_info twice", hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi),
             -XEN_EINVAL);

    /* events now land in the new copy */
    vcpu0 = nvi;
    nvi->evtchn_upcall_pending = 0;
    nvi->evtchn_pending_sel = 0;
    rc = hc_event_channel_op(EVTCHNOP_bind_ipi, &bi);
    CHECK_RC("bind_ipi", rc, 0);
    s.port = bi.port;
    CHECK_RC("send", hc_event_channel_op(EVTCHNOP_send, &s), 0);
    if (!nvi->evtchn_upcall_pending)
        test_fail("upcall_pending not raised in the registered vcpu_info");
    if (!(nvi->evtchn_pending_sel & (1UL << (bi.port / 64))))
        test_fail("selector bit not set in the registered vcpu_info");
}
