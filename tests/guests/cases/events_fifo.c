/*
 * events_fifo.c — the FIFO event channel ABI.  Before init_control:
 * expand_array -EOPNOTSUPP, set_priority -ENOSYS.  init_control's checks:
 * no such vCPU -ENOENT, an offset crossing the page or misaligned -EINVAL,
 * a frame that is a page table or does not exist -EINVAL (a bad control
 * block is -EINVAL, not -ENOSYS), link_bits 17, a second registration for
 * the vCPU -EINVAL.  Then delivery, with events masked by the upcall mask:
 * an IPI becomes pending and linked, heads its priority's queue, sets the
 * READY bit and upcall_pending; a second one is linked from the first; a
 * masked event is only pending until EVTCHNOP_unmask links it; priority
 * above 15 -EINVAL, another priority gets its own queue; a far port -EINVAL.
 */
#include "guest.h"

const char test_title[] = "FIFO event channels";

static uint8_t cb_page[4096] __aligned(4096);
static event_word_t array_page[1024] __aligned(4096);

#define P (1u << EVTCHN_FIFO_PENDING)
#define M (1u << EVTCHN_FIFO_MASKED)
#define L (1u << EVTCHN_FIFO_LINKED)

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu, uint8_t *link_bits)
{
    struct evtchn_init_control ic = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };
    long rc = hc_event_channel_op(EVTCHNOP_init_control, &ic);

    if (link_bits)
        *link_bits = ic.link_bits;
    return rc;
}

static long set_prio(uint32_t port, uint32_t prio)
{
    struct evtchn_set_priority sp = { .port = port, .priority = prio };

    return hc_event_channel_op(EVTCHNOP_set_priority, &sp);
}

static uint32_t ipi(void)
{
    struct evtchn_bind_ipi bi = { .vcpu = 0 };

    if (hc_event_channel_op(EVTCHNOP_bind_ipi, &bi) != 0)
        test_abort("bind_ipi failed");
    return bi.port;
}


static void expect_word(const char *what, uint32_t port, uint32_t want)
{
    uint32_t got = __atomic_load_n(&array_page[port], __ATOMIC_SEQ_CST);

    if (got != want)
        test_fail("%s: event word of port %u is %#x, expected %#x", what, port, got, want);
}

void test_main(void)
{
    evtchn_fifo_control_block_t *cb = (evtchn_fifo_control_block_t *)cb_page;
    uint64_t cb_mfn = virt_to_mfn(cb_page), arr_mfn = virt_to_mfn(array_page);
    struct evtchn_expand_array ea = { .array_gfn = arr_mfn };
    uint8_t link_bits = 0;
    uint32_t a, b, c;

    a = ipi();
    CHECK_RC("expand_array before init_control",
             hc_event_channel_op(EVTCHNOP_expand_array, &ea), -XEN_EOPNOTSUPP);
    CHECK_RC("set_priority on the 2-level ABI", set_prio(a, 3), -XEN_ENOSYS);

    CHECK_RC("init_control, no such vCPU", init_control(cb_mfn, 0, 4096, NULL), -XEN_ENOENT);
    CHECK_RC("init_control, offset crossing the page",
             init_control(cb_mfn, 4096 - sizeof(*cb) + 8, 0, NULL), -XEN_EINVAL);
    CHECK_RC("init_control, misaligned offset", init_control(cb_mfn, 4, 0, NULL), -XEN_EINVAL);
    CHECK_RC("init_control, a page-table frame",
             init_control(virt_to_mfn((void *)start_info->pt_base), 0, 0, NULL), -XEN_EINVAL);
    CHECK_RC("init_control, no such frame", init_control(0xfffffffffULL, 0, 0, NULL), -XEN_EINVAL);
    CHECK_RC("init_control", init_control(cb_mfn, 0, 0, &link_bits), 0);
    CHECK_RC("link_bits", link_bits, 17);
    CHECK_RC("init_control again for vCPU 0", init_control(cb_mfn, 0, 0, NULL), -XEN_EINVAL);
    CHECK_RC("expand_array", hc_event_channel_op(EVTCHNOP_expand_array, &ea), 0);

    /* Delivery (events stay masked by the upcall mask: nothing is called). */
    memset(array_page, 0, sizeof(array_page));
    memset(cb_page, 0, sizeof(cb_page));
    b = ipi();
    vcpu0->evtchn_upcall_pending = 0;
    CHECK_RC("send a", hc_evtchn_send(a), 0);
    expect_word("after send", a, P | L);
    CHECK_RC("head of the default queue", cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    CHECK_RC("ready", cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    CHECK_RC("upcall_pending", vcpu0->evtchn_upcall_pending, 1);
    CHECK_RC("send b", hc_evtchn_send(b), 0);
    expect_word("the tail links to b", a, P | L | b);
    expect_word("b", b, P | L);
    CHECK_RC("send a again", hc_evtchn_send(a), 0);
    expect_word("a linked already: unchanged", a, P | L | b);

    /* Consume both, as a guest does. */
    array_page[a] = array_page[b] = 0;
    cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT] = 0;
    cb->ready = 0;

    /* Masked: pending only, until unmask links it. */
    array_page[a] = M;
    CHECK_RC("send masked a", hc_evtchn_send(a), 0);
    expect_word("masked", a, P | M);
    CHECK_RC("ready while masked", cb->ready, 0);
    {
        struct evtchn_unmask um = { .port = a };

        CHECK_RC("unmask", hc_event_channel_op(EVTCHNOP_unmask, &um), 0);
    }
    expect_word("unmasked", a, P | L);
    CHECK_RC("head after unmask", cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    array_page[a] = 0;
    cb->ready = 0;

    /* Priorities. */
    c = ipi();
    CHECK_RC("priority 16", set_prio(c, 16), -XEN_EINVAL);
    CHECK_RC("priority 3", set_prio(c, 3), 0);
    CHECK_RC("priority of a far port", set_prio(100000, 3), -XEN_EINVAL);
    CHECK_RC("send c", hc_evtchn_send(c), 0);
    CHECK_RC("head of queue 3", cb->head[3], c);
    CHECK_RC("ready bit 3", cb->ready, 1u << 3);
    expect_word("c", c, P | L);
    printk("ports %u %u %u, link_bits %u\n", a, b, c, link_bits);
}
