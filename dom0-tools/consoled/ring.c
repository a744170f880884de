/*
 * ring.c — console ring transfer (see ring.h).  Memory barriers order the
 * index reads against the data accesses, as the guest side on another CPU
 * expects.  Also the per-guest event rate limit (ring.h).
 */
#include "ring.h"

size_t cons_ring_read(volatile struct xencons_interface *intf, char *buf, size_t cap)
{
    const uint32_t size = sizeof(intf->out);
    uint32_t cons = intf->out_cons;
    uint32_t prod = intf->out_prod;
    size_t n = 0;

    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (prod - cons > size)
        cons = prod - size;          /* never read more than one ring */
    while (cons != prod && n < cap)
        buf[n++] = intf->out[MASK_XENCONS_IDX(cons++, intf->out)];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    intf->out_cons = cons;
    return n;
}

size_t cons_ring_write(volatile struct xencons_interface *intf, const char *buf, size_t len)
{
    const uint32_t size = sizeof(intf->in);
    uint32_t cons = intf->in_cons;
    uint32_t prod = intf->in_prod;
    size_t n = 0;

    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    /* A guest index that makes the ring look over-full: write nothing. */
    if (prod - cons > size)
        return 0;
    while (n < len && prod - cons < size)
        intf->in[MASK_XENCONS_IDX(prod++, intf->in)] = buf[n++];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    intf->in_prod = prod;
    return n;
}

bool cons_rate_event(struct cons_rate *r)
{
    if (r->events < CONS_RATE_ALLOWANCE)
        r->events++;
    return r->events < CONS_RATE_ALLOWANCE;
}

bool cons_rate_period(struct cons_rate *r)
{
    bool masked = r->events >= CONS_RATE_ALLOWANCE;

    if (masked)
        r->throttled++;
    r->events = 0;
    return masked;
}
