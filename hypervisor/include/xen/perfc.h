/*
 * perfc.h — performance counters and hypervisor time accounting.
 *
 * Counters count events whose cost is invisible in the hypercall statistics
 * (TLB flushes, faults reflected to the guest, emulated writes...).  Time
 * accounting splits the wall clock between the guest, the hypervisor (per
 * hypercall, per exception vector, interrupts) and idle: every entry from a
 * guest opens a bucket (perf_enter), the exit path closes it (perf_leave).
 * Both are printed with the hypercall statistics when dom0 stops (option
 * "perfc", on by default: an increment and two clock reads per entry).
 * They answer "where does a Linux boot spend its time on us".  With option
 * "perfsample" every interrupt taken in guest context also records the
 * guest's RIP; the most frequent are printed for offline symbolisation
 * (tests/bench/perf-symbolise.sh with the kernel's System.map).
 */
#ifndef XEN_PERFC_H
#define XEN_PERFC_H

#include <xen/types.h>

#define PERFC_LIST(X) \
    X(tlb_flush,        "full TLB flushes requested") \
    X(tlb_flush_retype, "  for a writable frame becoming a table") \
    X(tlb_flush_skip,   "  retype flushes avoided (TLB flushed since)") \
    X(invlpg,           "single-page TLB flushes") \
    X(cr3_load,         "page-table base loads") \
    X(guest_pf,         "page faults reflected to the guest") \
    X(ptwr_emul,        "page-table writes emulated") \
    X(priv_emul,        "privileged instructions emulated") \
    X(upcall,           "event upcalls delivered") \
    X(guest_syscall,    "guest system calls bounced") \
    X(guest_irq,        "interrupts taken in guest context") \
    X(sched_switch,     "vCPU context switches") \
    X(debug_in_hyp,     "#DB in hypervisor context (ignored)")

enum perfc_id {
#define PERFC_ENUM(name, desc) PERFC_##name,
    PERFC_LIST(PERFC_ENUM)
#undef PERFC_ENUM
    PERFC_NR
};

extern uint64_t perfc_count[PERFC_NR];
#define perfc_incr(name) (perfc_count[PERFC_##name]++)

/* Time buckets: hypercall numbers, then exception vectors, then the rest. */
#define PERF_HYPERCALL(nr)  ((nr) < 64 ? (unsigned int)(nr) : PERF_OTHER)
#define PERF_TRAP(vec)      (64 + ((vec) & 31))
#define PERF_SYSCALL        96      /* guest user system call bounced */
#define PERF_IRQ            97      /* interrupt from guest context */
#define PERF_OTHER          98
#define PERF_BUCKETS        99

void perf_enter(unsigned int bucket);
void perf_leave(void);
void perf_idle(s_time_t ns);
void perf_sample(unsigned long guest_rip);  /* an interrupt hit the guest here */
void perf_start(void);              /* zero the accounting: the first guest starts */
void perfc_dump(const char *(*hypercall_name)(unsigned long nr));
void perfc_reset(void);             /* counters and times from zero, now */

#endif
