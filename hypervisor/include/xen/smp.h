/*
 * smp.h — physical CPUs as generic code sees them: this CPU's number, the
 * online set, and the inter-processor requests generic code may make
 * (the arch side, arch/x86/smp.c, sends them as IPIs).
 *
 * Host unit tests have no CPUs: there each host thread plays one, its
 * number in host_test_cpu (0 unless a test sets it), so the real per-CPU
 * code runs unchanged on several threads.
 */
#ifndef XEN_SMP_H
#define XEN_SMP_H

#include <xen/types.h>
#include <xen/cpumask.h>

#ifdef __HOST_TEST__
/* Weak: every test binary has exactly one, whoever includes this. */
__attribute__((weak)) __thread unsigned int host_test_cpu;
#define smp_processor_id()  (host_test_cpu)
#else
unsigned int arch_smp_processor_id(void);
#define smp_processor_id()  arch_smp_processor_id()
#endif

/* CPUs that finished bring-up and take part in scheduling. */
#ifdef __HOST_TEST__
__attribute__((weak)) cpumask_t cpu_online_map = { { 1 } };
#else
extern cpumask_t cpu_online_map;
#endif
#define cpu_online(cpu)         cpumask_test_cpu((cpu), &cpu_online_map)
#define for_each_online_cpu(cpu) for_each_cpu((cpu), &cpu_online_map)
static inline unsigned int num_online_cpus(void)
{
    return cpumask_weight(&cpu_online_map);
}

/*
 * Make each CPU in mask leave guest context or its halt and look at its
 * softirq bits (event delivery, a vCPU woken for it, a timer moved to it).
 * The caller sets what the CPU should find before sending.
 */
#ifdef __HOST_TEST__
static inline void arch_send_event_check_mask(const cpumask_t *mask) { (void)mask; }
static inline void arch_smp_relax(void) { }
#else
void arch_send_event_check_mask(const cpumask_t *mask);
/* Let the other CPUs run hypervisor code for a moment (the caller waits for
 * one of them to act, e.g. to deschedule a vCPU). */
void arch_smp_relax(void);
#endif

static inline void smp_send_event_check_cpu(unsigned int cpu)
{
    cpumask_t m;

    cpumask_clear(&m);
    cpumask_set_cpu(cpu, &m);
    arch_send_event_check_mask(&m);
}

#endif
