/*
 * bitops.h — atomic bit operations on arrays of unsigned long.
 *
 * Event-channel bitmaps live in pages the guest writes concurrently (on other
 * vCPUs, and from its own upcall handler), so every update the hypervisor
 * makes there must be a locked read-modify-write.  GCC's __atomic builtins
 * compile to lock bts/btr/or/and on x86 and work unchanged in host tests.
 */
#ifndef XEN_BITOPS_H
#define XEN_BITOPS_H

#include <xen/types.h>

#define BITS_PER_LONG   64
#define BIT_WORD(nr)    ((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)    (1UL << ((nr) % BITS_PER_LONG))

static inline bool test_bit(unsigned int nr, const volatile unsigned long *addr)
{
    return (__atomic_load_n(&addr[BIT_WORD(nr)], __ATOMIC_RELAXED) & BIT_MASK(nr)) != 0;
}

static inline void set_bit(unsigned int nr, volatile unsigned long *addr)
{
    __atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void clear_bit(unsigned int nr, volatile unsigned long *addr)
{
    __atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

/* Returns the old value of the bit. */
static inline bool test_and_set_bit(unsigned int nr, volatile unsigned long *addr)
{
    return (__atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST)
            & BIT_MASK(nr)) != 0;
}

static inline bool test_and_clear_bit(unsigned int nr, volatile unsigned long *addr)
{
    return (__atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_SEQ_CST)
            & BIT_MASK(nr)) != 0;
}

/* Byte-sized flags the guest shares with us (upcall_pending, upcall_mask). */
static inline uint8_t xchg_u8(volatile uint8_t *p, uint8_t v)
{
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

#endif
