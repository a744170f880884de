/*
 * event_fifo.c — the FIFO event channel ABI (EVTCHNOP_init_control,
 * expand_array, set_priority) and FIFO delivery, as Xen 4.17's
 * xen/common/event_fifo.c.
 *
 * A domain switches from the 2-level ABI the first time it registers a
 * vCPU's control block.  Each port then has a 32-bit event word in guest
 * pages the guest adds one at a time (expand_array; 1024 words a page, up
 * to 2^17 ports): PENDING, MASKED, LINKED, BUSY and a 17-bit LINK.  Every
 * vCPU has 16 priority queues: the heads live in its control block, the
 * tails here.  Raising an event sets PENDING and, if the event is neither
 * masked nor already linked, appends it to the queue of its priority on
 * its vCPU (linking it from the current tail, or making it the head of an
 * empty queue) and sets the queue's READY bit, which raises the upcall.
 * The guest consumes from the heads, clearing LINKED; it may set and clear
 * MASKED and clear PENDING at any time, so every update of a word it
 * shares is atomic (a cmpxchg for the link, with BUSY keeping the guest
 * from unmasking meanwhile).
 *
 * Callers hold event_channel.c's lock; the guest's words are never trusted
 * (a link is only ever written into a word that is LINKED).
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>
#include <xen/xmalloc.h>
#include <xen/sched.h>
#include <xen/event.h>

/*
 * evtchn_fifo=<bool> (default on): offer the FIFO ABI.  Off, init_control
 * answers -ENOSYS as before and Linux stays with the 2-level ABI.
 */
bool opt_evtchn_fifo = true;
boolean_param("evtchn_fifo", opt_evtchn_fifo);

#define WORDS_PER_PAGE   (PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES  (EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)

struct evtchn_fifo_queue {
    uint32_t     *head;             /* in the vCPU's control block */
    evtchn_port_t tail;             /* 0: none known */
    uint8_t       priority;
};

struct evtchn_fifo_vcpu {
    evtchn_fifo_control_block_t *control_block;   /* NULL until registered */
    struct evtchn_fifo_queue queue[EVTCHN_FIFO_MAX_QUEUES];
};

struct evtchn_fifo_domain {
    event_word_t *event_array[MAX_ARRAY_PAGES];
    unsigned int  num_evtchns;      /* ports with an event word */
};

/* ------------------------------------------------------ event words */

static event_word_t *word_from_port(const struct domain *d, evtchn_port_t port)
{
    if (d->evtchn_fifo == NULL || port >= d->evtchn_fifo->num_evtchns)
        return NULL;
    return d->evtchn_fifo->event_array[port / WORDS_PER_PAGE] + port % WORDS_PER_PAGE;
}

static bool word_test(const event_word_t *w, unsigned int bit)
{
    return (__atomic_load_n(w, __ATOMIC_SEQ_CST) >> bit) & 1;
}

static bool word_test_and_set(event_word_t *w, unsigned int bit)
{
    return (__atomic_fetch_or(w, 1u << bit, __ATOMIC_SEQ_CST) >> bit) & 1;
}

static void word_set(event_word_t *w, unsigned int bit)
{
    __atomic_fetch_or(w, 1u << bit, __ATOMIC_SEQ_CST);
}

static void word_clear(event_word_t *w, unsigned int bit)
{
    __atomic_fetch_and(w, ~(1u << bit), __ATOMIC_SEQ_CST);
}

/* Set LINK in *word iff it is still LINKED: 1 linked, 0 not linked (the
 * guest consumed it), -EAGAIN the guest changed the word meanwhile. */
static int try_set_link(event_word_t *word, event_word_t *w, evtchn_port_t link)
{
    event_word_t old = *w, new;

    if (!(old & (1u << EVTCHN_FIFO_LINKED)))
        return 0;
    new = (old & ~((1u << EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | link;
    if (__atomic_compare_exchange_n(word, w, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return 1;
    return -EAGAIN;                 /* *w now holds the current value */
}

/*
 * The guest may only set/clear MASKED, clear PENDING or clear LINKED on a
 * linked word; BUSY stops it unmasking, so after setting BUSY a few
 * retries suffice (Xen: at most 4).
 */
static bool set_link(struct domain *d, event_word_t *word, evtchn_port_t link)
{
    event_word_t w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    int ret = try_set_link(word, &w, link);

    if (ret >= 0)
        return ret;
    word_set(word, EVTCHN_FIFO_BUSY);
    w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    for (unsigned int try = 0; try < 4; try++) {
        ret = try_set_link(word, &w, link);
        if (ret >= 0) {
            if (ret == 0)
                word_clear(word, EVTCHN_FIFO_BUSY);
            return ret;
        }
    }
    printk(XENLOG_WARNING "d%u: FIFO port %u not linked\n", d->domain_id, link);
    word_clear(word, EVTCHN_FIFO_BUSY);
    return true;
}

/* ------------------------------------------------------------ delivery */

/* Raise port (channel chn) on v.  Returns whether it was already pending
 * (the caller wakes pollers only for a new event). */
bool evtchn_fifo_set_pending(struct vcpu *v, struct evtchn *chn, evtchn_port_t port)
{
    struct domain *d = v->domain;
    event_word_t *word = word_from_port(d, port);
    struct evtchn_fifo_queue *q, *old_q;
    struct vcpu *old_v;
    bool was_pending, linked = true;

    if (word == NULL) {
        /* No event array page yet: raised when the page is added. */
        chn->fifo_pending = true;
        return false;
    }
    if (v->evtchn_fifo == NULL)
        return true;
    q = &v->evtchn_fifo->queue[chn->priority];
    old_v = domain_vcpu(d, chn->last_vcpu_id);
    old_q = old_v != NULL && old_v->evtchn_fifo != NULL
            ? &old_v->evtchn_fifo->queue[chn->last_priority] : q;

    was_pending = word_test_and_set(word, EVTCHN_FIFO_PENDING);

    /* The guest must not unmask before its control block exists: drop. */
    if (v->evtchn_fifo->control_block == NULL)
        return was_pending;

    if (!word_test(word, EVTCHN_FIFO_MASKED) &&
        !word_test_and_set(word, EVTCHN_FIFO_LINKED)) {
        /* It was its old queue's tail: that queue is empty now, and its
         * tail must not link a later event into the new queue. */
        if (old_q->tail == port)
            old_q->tail = 0;
        if (old_q != q) {
            chn->last_vcpu_id = (uint16_t)v->vcpu_id;
            chn->last_priority = q->priority;
        }
        linked = false;
        if (q->tail) {
            event_word_t *tail_word = word_from_port(d, q->tail);

            if (tail_word != NULL)
                linked = set_link(d, tail_word, port);
        }
        if (!linked)
            __atomic_store_n(q->head, port, __ATOMIC_SEQ_CST);
        q->tail = port;
    }
    if (!linked &&
        !((__atomic_fetch_or(&v->evtchn_fifo->control_block->ready, 1u << q->priority,
                             __ATOMIC_SEQ_CST) >> q->priority) & 1))
        vcpu_mark_events_pending(v);
    return was_pending;
}

void evtchn_fifo_clear_pending(struct domain *d, struct evtchn *chn, evtchn_port_t port)
{
    event_word_t *word = word_from_port(d, port);

    chn->fifo_pending = false;
    /* The guest unlinks (and ignores) events that are no longer pending. */
    if (word != NULL)
        word_clear(word, EVTCHN_FIFO_PENDING);
}

void evtchn_fifo_unmask(struct domain *d, struct evtchn *chn, evtchn_port_t port)
{
    event_word_t *word = word_from_port(d, port);
    struct vcpu *v = domain_vcpu(d, chn->notify_vcpu_id);

    if (word == NULL || v == NULL)
        return;
    word_clear(word, EVTCHN_FIFO_MASKED);
    if (word_test(word, EVTCHN_FIFO_PENDING))
        evtchn_fifo_set_pending(v, chn, port);      /* relink */
}

bool evtchn_fifo_is_pending(const struct domain *d, evtchn_port_t port)
{
    const event_word_t *word = word_from_port(d, port);

    return word != NULL && word_test(word, EVTCHN_FIFO_PENDING);
}

bool evtchn_fifo_is_masked(const struct domain *d, evtchn_port_t port)
{
    const event_word_t *word = word_from_port(d, port);

    return word == NULL || word_test(word, EVTCHN_FIFO_MASKED);
}

/* A port still on a queue may not be handed out again. */
bool evtchn_fifo_is_busy(const struct domain *d, evtchn_port_t port)
{
    const event_word_t *word = word_from_port(d, port);

    return word != NULL && word_test(word, EVTCHN_FIFO_LINKED);
}

int evtchn_fifo_set_priority(struct evtchn *chn, unsigned int priority)
{
    if (priority > EVTCHN_FIFO_PRIORITY_MIN)
        return -EINVAL;
    /* Future events use the new queue; one already linked stays put. */
    chn->priority = (uint8_t)priority;
    return 0;
}

/* ------------------------------------------------------- setup, teardown */

static void unmap_frame(void *va)
{
    if (va != NULL)
        domain_unmap_guest_frame((void *)((unsigned long)va & ~(PAGE_SIZE - 1)));
}

void evtchn_fifo_destroy(struct domain *d)
{
    struct vcpu *v;

    for_each_vcpu(d, v) {
        if (v->evtchn_fifo == NULL)
            continue;
        unmap_frame(v->evtchn_fifo->control_block);
        xfree(v->evtchn_fifo);
        v->evtchn_fifo = NULL;
    }
    if (d->evtchn_fifo == NULL)
        return;
    for (unsigned int i = 0; i < MAX_ARRAY_PAGES; i++)
        unmap_frame(d->evtchn_fifo->event_array[i]);
    xfree(d->evtchn_fifo);
    d->evtchn_fifo = NULL;
}

static int map_control_block(struct vcpu *v, uint64_t gfn, uint32_t offset)
{
    void *va;

    if (v->evtchn_fifo->control_block != NULL)
        return -EINVAL;             /* once per vCPU */
    va = domain_map_guest_frame(v->domain, gfn);
    if (va == NULL)
        return -EINVAL;             /* not the domain's, or not writable */
    v->evtchn_fifo->control_block = (evtchn_fifo_control_block_t *)((char *)va + offset);
    for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++)
        v->evtchn_fifo->queue[i].head = &v->evtchn_fifo->control_block->head[i];
    return 0;
}

/*
 * EVTCHNOP_init_control.  Xen's order of checks: the vCPU (-ENOENT), the
 * offset (inside the page, 8-byte aligned: -EINVAL), then the frame
 * (-EINVAL), once per vCPU (-EINVAL).  link_bits goes back on success.
 * The first call switches the domain: every existing port keeps its
 * pending state (raised once its event word exists) at default priority.
 */
int evtchn_fifo_init_control(struct domain *d, evtchn_init_control_t *ic)
{
    struct vcpu *v, *w;
    int rc;

    if (!opt_evtchn_fifo)
        return -ENOSYS;
    ic->link_bits = EVTCHN_FIFO_LINK_BITS;
    v = domain_vcpu(d, ic->vcpu);
    if (v == NULL)
        return -ENOENT;
    if (ic->offset > PAGE_SIZE - sizeof(evtchn_fifo_control_block_t))
        return -EINVAL;
    if (ic->offset & 7)
        return -EINVAL;
    if (d->evtchn_fifo != NULL)
        return map_control_block(v, ic->control_gfn, ic->offset);

    for_each_vcpu(d, w) {
        w->evtchn_fifo = xzalloc(struct evtchn_fifo_vcpu);
        if (w->evtchn_fifo == NULL) {
            rc = -ENOMEM;
            goto fail;
        }
        for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++)
            w->evtchn_fifo->queue[i].priority = (uint8_t)i;
    }
    d->evtchn_fifo = xzalloc(struct evtchn_fifo_domain);
    rc = -ENOMEM;
    if (d->evtchn_fifo == NULL)
        goto fail;
    rc = map_control_block(v, ic->control_gfn, ic->offset);
    if (rc)
        goto fail;
    for (evtchn_port_t port = 1; port < EVTCHN_2L_NR; port++) {
        struct evtchn *chn = evtchn_from_port(d, port);

        if (chn == NULL)
            continue;
        chn->fifo_pending = evtchn_2l_is_pending(d, port);
        chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    }
    return 0;
fail:
    evtchn_fifo_destroy(d);
    return rc;
}

/* EVTCHNOP_expand_array: the next page of event words.  Events raised
 * for its ports while it was missing are raised now. */
int evtchn_fifo_expand_array(struct domain *d, uint64_t gfn)
{
    struct evtchn_fifo_domain *f = d->evtchn_fifo;
    unsigned int slot, first;
    void *va;

    if (f == NULL)
        return -EOPNOTSUPP;
    first = f->num_evtchns;
    slot = first / WORDS_PER_PAGE;
    if (slot >= MAX_ARRAY_PAGES)
        return -ENOSPC;
    va = domain_map_guest_frame(d, gfn);
    if (va == NULL)
        return -EINVAL;
    f->event_array[slot] = va;
    f->num_evtchns += WORDS_PER_PAGE;
    for (evtchn_port_t port = first; port < f->num_evtchns; port++) {
        struct evtchn *chn = evtchn_from_port(d, port);
        struct vcpu *v;

        if (chn == NULL || !chn->fifo_pending)
            continue;
        chn->fifo_pending = false;
        v = domain_vcpu(d, chn->notify_vcpu_id);
        if (v != NULL)
            evtchn_fifo_set_pending(v, chn, port);
    }
    return 0;
}
