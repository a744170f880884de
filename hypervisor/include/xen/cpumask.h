/*
 * cpumask.h — sets of physical CPUs (NR_CPUS bits): which CPUs are online,
 * which ones may hold a domain's TLB entries, which ones a flush or a
 * call-function request still waits for.
 *
 * Plain operations are for masks only one CPU changes (or changes under a
 * lock); the *_atomic variants are for bits that several CPUs set and clear
 * concurrently (a domain's dirty mask, a pending-IPI mask), where a lost
 * update would mean a missed TLB flush.
 */
#ifndef XEN_CPUMASK_H
#define XEN_CPUMASK_H

#include <xen/types.h>

#define NR_CPUS             64      /* mask width: one word */
#define CPUMASK_WORDS       ((NR_CPUS + 63) / 64)

typedef struct cpumask {
    unsigned long bits[CPUMASK_WORDS];
} cpumask_t;

static inline void cpumask_clear(cpumask_t *m)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        m->bits[i] = 0;
}

static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
    m->bits[cpu / 64] |= 1UL << (cpu % 64);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    m->bits[cpu / 64] &= ~(1UL << (cpu % 64));
}

static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *m)
{
    return cpu < NR_CPUS && (m->bits[cpu / 64] >> (cpu % 64)) & 1;
}

static inline void cpumask_set_cpu_atomic(unsigned int cpu, cpumask_t *m)
{
    __atomic_fetch_or(&m->bits[cpu / 64], 1UL << (cpu % 64), __ATOMIC_SEQ_CST);
}

static inline void cpumask_clear_cpu_atomic(unsigned int cpu, cpumask_t *m)
{
    __atomic_fetch_and(&m->bits[cpu / 64], ~(1UL << (cpu % 64)), __ATOMIC_SEQ_CST);
}

/* Clear the bit and say whether it was set (one CPU consumes a request). */
static inline bool cpumask_test_and_clear_cpu_atomic(unsigned int cpu, cpumask_t *m)
{
    unsigned long bit = 1UL << (cpu % 64);

    return __atomic_fetch_and(&m->bits[cpu / 64], ~bit, __ATOMIC_SEQ_CST) & bit;
}

/* A snapshot of a mask other CPUs may be changing. */
static inline void cpumask_copy_atomic(cpumask_t *dst, const cpumask_t *src)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        dst->bits[i] = __atomic_load_n(&src->bits[i], __ATOMIC_SEQ_CST);
}

static inline void cpumask_copy(cpumask_t *dst, const cpumask_t *src)
{
    *dst = *src;
}

static inline bool cpumask_empty(const cpumask_t *m)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        if (m->bits[i])
            return false;
    return true;
}

static inline void cpumask_and(cpumask_t *d, const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        d->bits[i] = a->bits[i] & b->bits[i];
}

static inline void cpumask_or(cpumask_t *d, const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        d->bits[i] = a->bits[i] | b->bits[i];
}

static inline void cpumask_andnot(cpumask_t *d, const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        d->bits[i] = a->bits[i] & ~b->bits[i];
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
    unsigned int n = 0;

    /* Bit by bit: a freestanding build has no libgcc __popcountdi2. */
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        for (unsigned long w = m->bits[i]; w; w &= w - 1)
            n++;
    return n;
}

/* The first CPU at or after `from` in m, NR_CPUS if none. */
static inline unsigned int cpumask_next_from(unsigned int from, const cpumask_t *m)
{
    for (unsigned int cpu = from; cpu < NR_CPUS; ) {
        unsigned long w = m->bits[cpu / 64] >> (cpu % 64);

        if (w)
            return cpu + (unsigned int)__builtin_ctzl(w);
        cpu = (cpu / 64 + 1) * 64;
    }
    return NR_CPUS;
}

#define cpumask_first(m)    cpumask_next_from(0, (m))

#define for_each_cpu(cpu, m) \
    for ((cpu) = cpumask_first(m); (cpu) < NR_CPUS; (cpu) = cpumask_next_from((cpu) + 1, (m)))

#endif
