/*
 * test_fifo.c — host tests of the FIFO event channel ABI
 * (hypervisor/common/event_fifo.c through event_channel.c): init_control's
 * argument checks and error codes, expand_array, set_priority, queue
 * linking (head, tail links, READY bits, upcalls), masking and unmasking,
 * events raised before their event word exists, the switch-over of
 * pending 2-level events, busy ports, reset back to 2-level, and that every
 * guest frame the hypervisor held is released.
 */
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/bitops.h>
#include "harness.h"

#define D1 hdom[1]
#define D2 hdom[2]

TestSuite(fifo, .init = h_setup, .fini = h_teardown);

static int init_control(struct domain *d, uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
    evtchn_init_control_t ic = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };
    int rc = evtchn_fifo_init_control(d, &ic);

    if (rc == 0)
        cr_expect_eq(ic.link_bits, 17);
    return rc;
}

static evtchn_fifo_control_block_t *cb_of(struct domain *d, unsigned int n, uint32_t offset)
{
    return (evtchn_fifo_control_block_t *)((char *)h_frame(h_frame_of(d, n)) + offset);
}

static event_word_t *word(struct domain *d, unsigned int page, evtchn_port_t port)
{
    return (event_word_t *)h_frame(h_frame_of(d, page)) + port % 1024;
}

static evtchn_port_t ipi(struct domain *d, unsigned int vcpu)
{
    evtchn_bind_ipi_t b = { .vcpu = vcpu };

    cr_assert_eq(evtchn_bind_ipi(d, &b), 0);
    return b.port;
}

/* FIFO on D1 with vCPU 0's control block in frame 0 and array page 1. */
static void fifo_on(void)
{
    cr_assert_eq(init_control(D1, h_frame_of(D1, 0), 0, 0), 0);
    cr_assert_eq(evtchn_fifo_expand_array(D1, h_frame_of(D1, 1)), 0);
}

#define P (1u << EVTCHN_FIFO_PENDING)
#define M (1u << EVTCHN_FIFO_MASKED)
#define L (1u << EVTCHN_FIFO_LINKED)

Test(fifo, init_control_errors)
{
    uint64_t f = h_frame_of(D1, 0);

    cr_expect_eq(init_control(D1, f, 0, 99), -ENOENT, "no such vCPU");
    cr_expect_eq(init_control(D1, f, 4096 - 72 + 8, 0), -EINVAL, "crosses the page");
    cr_expect_eq(init_control(D1, f, 12, 0), -EINVAL, "not 8-byte aligned");
    cr_expect_eq(init_control(D1, h_frame_of(D2, 0), 0, 0), -EINVAL, "another domain's frame");
    cr_expect_eq(init_control(D1, H_RO_FRAME, 0, 0), -EINVAL, "a frame that cannot be writable");
    cr_expect_eq(init_control(D1, 0xffffffffffffULL, 0, 0), -EINVAL, "no such frame");
    cr_expect_null(D1->evtchn_fifo, "still 2-level after failures");
    cr_expect_eq(evtchn_fifo_expand_array(D1, h_frame_of(D1, 1)), -EOPNOTSUPP);
    cr_expect_eq(init_control(D1, f, 4096 - 72, 0), 0, "last offset that fits");
    cr_expect_not_null(D1->evtchn_fifo);
    cr_expect_eq(init_control(D1, f, 0, 0), -EINVAL, "vCPU 0 again");
    cr_expect_eq(init_control(D1, h_frame_of(D1, 2), 8, 1), 0, "vCPU 1");
    cr_expect_eq(h_frame_refs(f), 1);
}

Test(fifo, expand_array_and_limits)
{
    fifo_on();
    cr_expect_eq(evtchn_fifo_expand_array(D1, h_frame_of(D2, 3)), -EINVAL);
    cr_expect_eq(evtchn_fifo_expand_array(D1, h_frame_of(D1, 2)), 0);
    cr_expect_eq(h_frame_refs(h_frame_of(D1, 2)), 1);
    cr_expect_eq(evtchn_nr_ports(D1), 1u << 17, "FIFO: 2^17 ports");
    cr_expect_eq(evtchn_nr_ports(D2), 4096, "2-level: 4096");
}

Test(fifo, raise_links_and_sets_ready)
{
    evtchn_fifo_control_block_t *cb;
    evtchn_port_t a, b;

    fifo_on();
    cb = cb_of(D1, 0, 0);
    a = ipi(D1, 0);
    b = ipi(D1, 0);
    cr_assert_eq(evtchn_send(D1, a), 0);
    cr_expect_eq(*word(D1, 1, a), P | L, "pending and linked");
    cr_expect_eq(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a, "head of an empty queue");
    cr_expect_eq(cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    cr_expect_eq(h_upcall(D1, 0), 1);
    cr_assert_eq(evtchn_send(D1, b), 0);
    cr_expect_eq(*word(D1, 1, a), P | L | b, "the tail links to the new event");
    cr_expect_eq(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a, "head unchanged");
    cr_assert_eq(evtchn_send(D1, a), 0);
    cr_expect_eq(*word(D1, 1, a), P | L | b, "already linked: nothing changes");
    /* The guest consumes a and b (clears LINKED and PENDING). */
    *word(D1, 1, a) = 0;
    *word(D1, 1, b) = 0;
    cb->ready = 0;
    cr_assert_eq(evtchn_send(D1, b), 0);
    cr_expect_eq(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b,
                 "the old tail was consumed: b starts the queue again");
    cr_expect_eq(cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
}

Test(fifo, masked_events_wait_for_unmask)
{
    evtchn_fifo_control_block_t *cb;
    evtchn_port_t a;

    fifo_on();
    cb = cb_of(D1, 0, 0);
    a = ipi(D1, 0);
    *word(D1, 1, a) = M;
    cr_assert_eq(evtchn_send(D1, a), 0);
    cr_expect_eq(*word(D1, 1, a), P | M, "pending, not linked");
    cr_expect_eq(cb->ready, 0);
    cr_expect(evtchn_is_pending(D1, a));
    cr_expect(evtchn_is_masked(D1, a));
    cr_assert_eq(evtchn_unmask(D1, a), 0);
    cr_expect_eq(*word(D1, 1, a), P | L, "unmask links a pending event");
    cr_expect_eq(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    cr_expect_eq(h_upcall(D1, 0), 1);
}

Test(fifo, priorities_have_their_own_queues)
{
    evtchn_fifo_control_block_t *cb;
    evtchn_port_t a, b;
    evtchn_set_priority_t sp;

    fifo_on();
    cb = cb_of(D1, 0, 0);
    a = ipi(D1, 0);
    b = ipi(D1, 0);
    sp = (evtchn_set_priority_t){ .port = b, .priority = 16 };
    cr_expect_eq(evtchn_fifo_set_priority(evtchn_from_port(D1, b), 16), -EINVAL);
    cr_expect_eq(evtchn_fifo_set_priority(evtchn_from_port(D1, b), 2), 0);
    (void)sp;
    evtchn_send(D1, a);
    evtchn_send(D1, b);
    cr_expect_eq(cb->head[7], a);
    cr_expect_eq(cb->head[2], b);
    cr_expect_eq(cb->ready, (1u << 7) | (1u << 2));
    cr_expect_eq(*word(D1, 1, a) & EVTCHN_FIFO_LINK_MASK, 0, "different queues: no link");
}

Test(fifo, events_before_their_word_are_raised_by_expand_array)
{
    evtchn_port_t ports[1100], last = 0;
    evtchn_fifo_control_block_t *cb;

    fifo_on();
    cb = cb_of(D1, 0, 0);
    for (int i = 0; i < 1100; i++)
        ports[i] = last = ipi(D1, 0);
    cr_assert_geq(last, 1024, "a port beyond the first array page");
    cr_assert_eq(evtchn_send(D1, last), 0);
    cr_expect_not(evtchn_is_pending(D1, last), "no word yet");
    cr_expect_eq(cb->ready, 0);
    cr_assert_eq(evtchn_fifo_expand_array(D1, h_frame_of(D1, 2)), 0);
    cr_expect(evtchn_is_pending(D1, last), "raised when its page arrived");
    cr_expect_eq(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], last);
    (void)ports;
}

Test(fifo, pending_2level_events_survive_the_switch)
{
    evtchn_port_t a = ipi(D1, 0);

    cr_assert_eq(evtchn_send(D1, a), 0);
    cr_expect(h_pending(D1, a));
    fifo_on();
    cr_expect(evtchn_is_pending(D1, a), "raised on the FIFO side");
    cr_expect_eq(cb_of(D1, 0, 0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
}

Test(fifo, linked_port_is_not_reused_and_close_clears_pending)
{
    evtchn_port_t a, b;

    fifo_on();
    a = ipi(D1, 0);
    evtchn_send(D1, a);
    cr_assert_eq(evtchn_close(D1, a), 0);
    cr_expect_eq(*word(D1, 1, a), L, "PENDING cleared, the guest unlinks");
    b = ipi(D1, 0);
    cr_expect_neq(b, a, "a port still on a queue is not handed out");
    *word(D1, 1, a) = 0;
    cr_expect_eq(ipi(D1, 0), a, "once unlinked it is");
}

/*
 * A port's last queue outlives the channel (as in Xen): a vCPU's queue
 * keeps the port it linked last as its tail after the guest consumed it.
 * Linux offlining a vCPU closes that vCPU's ports; one handed out again for
 * vCPU 0 and raised there must clear vCPU 1's stale tail, or vCPU 1's next
 * event (the reschedule IPI Linux sends when it brings the vCPU back) is
 * linked behind it into vCPU 0's queue: vCPU 1 gets no READY bit and no
 * upcall and sleeps on (Linux's `xl vcpu-set` back up hung that way).
 */
Test(fifo, reused_port_clears_the_old_queues_tail)
{
    evtchn_fifo_control_block_t *cb1;
    evtchn_port_t a, b, x;

    fifo_on();
    cr_assert_eq(init_control(D1, h_frame_of(D1, 2), 8, 1), 0);
    cb1 = cb_of(D1, 2, 8);
    a = ipi(D1, 1);
    cr_assert_eq(evtchn_send(D1, a), 0);
    cr_expect_eq(cb1->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    /* vCPU 1 consumes a, then goes offline: Linux closes its ports. */
    *word(D1, 1, a) = 0;
    cb1->ready = 0;
    cr_assert_eq(evtchn_close(D1, a), 0);
    /* The port comes back bound to vCPU 0 and is raised there (linked). */
    b = ipi(D1, 0);
    cr_assert_eq(b, a, "the lowest free port is reused");
    cr_assert_eq(evtchn_send(D1, b), 0);
    cr_expect_eq(*word(D1, 1, b), P | L);
    cr_expect_eq(cb_of(D1, 0, 0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b);
    /* vCPU 1 is back and gets an event before vCPU 0 consumed b. */
    x = ipi(D1, 1);
    D1->vcpu[1]->vcpu_info->evtchn_upcall_pending = 0;
    cr_assert_eq(evtchn_send(D1, x), 0);
    cr_expect_eq(*word(D1, 1, b), P | L, "not linked behind vCPU 0's event");
    cr_expect_eq(cb1->head[EVTCHN_FIFO_PRIORITY_DEFAULT], x, "heads vCPU 1's own queue");
    cr_expect_eq(cb1->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    cr_expect_eq(h_upcall(D1, 1), 1, "vCPU 1 is told");
}

Test(fifo, no_control_block_on_the_vcpu_drops_the_link)
{
    evtchn_port_t a;

    fifo_on();
    a = ipi(D1, 1);                     /* vCPU 1 has no control block */
    cr_assert_eq(evtchn_send(D1, a), 0);
    cr_expect_eq(*word(D1, 1, a), P, "pending only");
    cr_expect_eq(h_upcall(D1, 1), 0);
}

Test(fifo, guest_link_garbage_is_contained)
{
    evtchn_fifo_control_block_t *cb;
    evtchn_port_t a, b;

    fifo_on();
    cb = cb_of(D1, 0, 0);
    a = ipi(D1, 0);
    b = ipi(D1, 0);
    evtchn_send(D1, a);
    /* The guest scribbles over the tail's word (keeps LINKED, random link). */
    *word(D1, 1, a) = L | P | 0x1ffff;
    cr_assert_eq(evtchn_send(D1, b), 0);
    cr_expect_eq(*word(D1, 1, a) & EVTCHN_FIFO_LINK_MASK, b, "link rewritten, nothing else read");
    /* A nonsense tail number is never dereferenced outside the array. */
    cb->head[7] = 0xffffffff;
    *word(D1, 1, a) = 0;
    *word(D1, 1, b) = 0;
    cr_assert_eq(evtchn_send(D1, b), 0);
    cr_expect_eq(cb->head[7], b);
}

Test(fifo, reset_returns_to_2level_and_releases_frames)
{
    uint64_t f0 = h_frame_of(D1, 0), f1 = h_frame_of(D1, 1);

    fifo_on();
    cr_assert_eq(init_control(D1, h_frame_of(D1, 2), 0, 1), 0);
    cr_expect_eq(h_frame_refs(f0), 1);
    cr_expect_eq(h_frame_refs(f1), 1);
    cr_assert_eq(evtchn_reset(D1, DOMID_SELF), 0);
    cr_expect_null(D1->evtchn_fifo);
    cr_expect_null(D1->vcpu[0]->evtchn_fifo);
    cr_expect_eq(h_frame_refs(f0), 0);
    cr_expect_eq(h_frame_refs(f1), 0);
    cr_expect_eq(h_frame_refs(h_frame_of(D1, 2)), 0);
    /* 2-level again: a fresh init_control works. */
    cr_expect_eq(init_control(D1, f0, 0, 0), 0);
}

Test(fifo, set_priority_hypercall_on_2level_is_enosys)
{
    evtchn_port_t a = ipi(D2, 0);
    evtchn_set_priority_t sp = { .port = a, .priority = 3 };
    XEN_GUEST_HANDLE_PARAM(void) h = { &sp };

    h_set_current(D2, 0);
    cr_expect_eq(do_event_channel_op(EVTCHNOP_set_priority, h), -ENOSYS);
    sp.port = 4000;
    cr_expect_eq(do_event_channel_op(EVTCHNOP_set_priority, h), -EINVAL, "bad port first");
}

/*
 * Regression (guest test evtchn_storm, answers seen on Xen 4.17): a closed
 * port is not usable.  set_priority of it was 0 (or -EINVAL for a bad
 * priority) where Xen answers -EACCES before looking at the priority, and
 * EVTCHNOP_unmask of it linked a PENDING word the guest had left there
 * onto a queue, which Xen never does for a port that is not in use.
 */
Test(fifo, closed_port_is_not_usable)
{
    evtchn_port_t a, b;
    evtchn_set_priority_t sp;
    evtchn_unmask_t um;
    XEN_GUEST_HANDLE_PARAM(void) hp = { &sp }, hu = { &um };

    fifo_on();
    a = ipi(D1, 0);
    b = ipi(D1, 0);
    cr_assert_eq(evtchn_close(D1, a), 0);
    h_set_current(D1, 0);
    sp = (evtchn_set_priority_t){ .port = a, .priority = 3 };
    cr_expect_eq(do_event_channel_op(EVTCHNOP_set_priority, hp), -EACCES, "closed port");
    sp.priority = 16;
    cr_expect_eq(do_event_channel_op(EVTCHNOP_set_priority, hp), -EACCES,
                 "closed port: -EACCES before the priority is checked");
    sp = (evtchn_set_priority_t){ .port = 0, .priority = 3 };
    cr_expect_eq(do_event_channel_op(EVTCHNOP_set_priority, hp), -EACCES, "reserved port 0");
    sp = (evtchn_set_priority_t){ .port = b, .priority = 3 };
    cr_expect_eq(do_event_channel_op(EVTCHNOP_set_priority, hp), 0, "a bound port");
    sp = (evtchn_set_priority_t){ .port = EVTCHN_MAX_NR, .priority = 3 };
    cr_expect_eq(do_event_channel_op(EVTCHNOP_set_priority, hp), -EINVAL, "out of range");

    /* The guest leaves PENDING|MASKED in the closed port's word. */
    *word(D1, 1, a) = P | M;
    um.port = a;
    cr_expect_eq(do_event_channel_op(EVTCHNOP_unmask, hu), 0);
    cr_expect_eq(*word(D1, 1, a), P | M, "a closed port's word is left alone");
    cr_expect_eq(cb_of(D1, 0, 0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], 0, "nothing queued");
}
