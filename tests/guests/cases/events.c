/*
 * events.c — event channels and the upcall: an IPI channel to ourselves
 * sets the port's pending bit, the selector bit and upcall_pending; while
 * events are masked nothing is delivered; after unmasking, the next return
 * from a hypercall delivers the upcall (Linux forces delivery this way).
 * A masked port does not raise upcall_pending; EVTCHNOP_unmask re-raises it.
 * Sending on a closed or out-of-range port is -EINVAL; a bad argument is
 * -EFAULT; an unknown op -ENOSYS.
 */
#include "guest.h"

const char test_title[] = "event channels and upcalls";

static bool test_bit(const unsigned long *a, uint32_t n)
{
    return (a[n / 64] >> (n % 64)) & 1;
}

static void clear_bit(unsigned long *a, uint32_t n)
{
    __atomic_fetch_and(&a[n / 64], ~(1UL << (n % 64)), __ATOMIC_SEQ_CST);
}

static void set_bit(unsigned long *a, uint32_t n)
{
    __atomic_fetch_or(&a[n / 64], 1UL << (n % 64), __ATOMIC_SEQ_CST);
}

void test_main(void)
{
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    struct evtchn_send s;
    struct evtchn_close c;
    unsigned long ev0;
    uint32_t port;
    long rc;

    rc = hc_event_channel_op(EVTCHNOP_bind_ipi, &bi);
    CHECK_RC("bind_ipi", rc, 0);
    if (rc)
        return;
    port = bi.port;
    printk("ipi port %u\n", port);

    /* masked by upcall_mask: pending bits only */
    vcpu0->evtchn_upcall_pending = 0;
    ev0 = nr_events;
    s.port = port;
    CHECK_RC("send", hc_event_channel_op(EVTCHNOP_send, &s), 0);
    if (!test_bit(shared_info->evtchn_pending, port))
        test_fail("port not pending after send");
    if (!vcpu0->evtchn_upcall_pending)
        test_fail("upcall_pending not set");
    if (!(vcpu0->evtchn_pending_sel & (1UL << (port / 64))))
        test_fail("selector bit not set");
    if (nr_events != ev0)
        test_fail("upcall delivered while masked");

    /* unmask, then any hypercall return delivers it */
    vcpu0->evtchn_upcall_mask = 0;
    hc_xen_version(XENVER_version, NULL);
    vcpu0->evtchn_upcall_mask = 1;
    if (nr_events != ev0 + 1)
        test_fail("%lu upcalls after unmask + hypercall, expected 1", nr_events - ev0);

    /* a masked port does not raise upcall_pending; unmask op re-raises */
    clear_bit(shared_info->evtchn_pending, port);
    vcpu0->evtchn_pending_sel = 0;
    vcpu0->evtchn_upcall_pending = 0;
    set_bit(shared_info->evtchn_mask, port);
    CHECK_RC("send to masked port", hc_event_channel_op(EVTCHNOP_send, &s), 0);
    if (!test_bit(shared_info->evtchn_pending, port))
        test_fail("masked port not pending after send");
    if (vcpu0->evtchn_upcall_pending)
        test_fail("upcall_pending raised for a masked port");
    {
        struct { uint32_t port; } um = { port };
        CHECK_RC("EVTCHNOP_unmask", hc_event_channel_op(EVTCHNOP_unmask, &um), 0);
    }
    if (test_bit(shared_info->evtchn_mask, port))
        test_fail("mask bit still set after EVTCHNOP_unmask");
    if (!vcpu0->evtchn_upcall_pending)
        test_fail("EVTCHNOP_unmask did not raise upcall_pending for the pending port");
    vcpu0->evtchn_upcall_pending = 0;

    c.port = port;
    CHECK_RC("close", hc_event_channel_op(EVTCHNOP_close, &c), 0);
    CHECK_RC("send on closed port", hc_event_channel_op(EVTCHNOP_send, &s), -XEN_EINVAL);
    s.port = 1u << 20;
    CHECK_RC("send on out-of-range port", hc_event_channel_op(EVTCHNOP_send, &s), -XEN_EINVAL);
    CHECK_RC("send(unmapped)", hc_event_channel_op(EVTCHNOP_send, (void *)0x10), -XEN_EFAULT);
    CHECK_RC("unknown op", hc_event_channel_op(99, &s), -XEN_ENOSYS);
}
