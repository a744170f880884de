/*
 * pv/hypercall.c — hypercall dispatch, generated from the single list in
 * xen/hypercall-defs.h, and multicall.
 *
 * A guest kernel's `syscall` lands in pv_do_syscall (pv/traps.c), which
 * calls pv_hypercall with the guest frame: RAX = number (all 64 bits count:
 * 0x100000011 is not xen_version), arguments in RDI, RSI, RDX, R10, R8.
 * The iret hypercall is handled by the caller because it rewrites the frame.
 * Numbers without a handler answer -ENOSYS and are logged once each with
 * the caller's RIP.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/control.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/hypercall-defs.h>
#include <xen/memory.h>
#include <xen/param.h>
#include <xen/perfc.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <asm/hyp_lock.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>

#define NR_HYPERCALLS 64

static void log_unimplemented(unsigned long nr, unsigned long rip)
{
    static uint64_t logged[NR_HYPERCALLS / 64 + 1];
    static unsigned int other;

    if (nr < NR_HYPERCALLS) {
        if (logged[nr / 64] & (1ULL << (nr % 64)))
            return;
        logged[nr / 64] |= 1ULL << (nr % 64);
    } else if (other++ >= 4) {
        return;
    }
    printk(XENLOG_WARNING "d%u: unimplemented hypercall %lu from %#lx\n",
           current->domain->domain_id, nr, rip);
}

/*
 * Statistics: calls per hypercall and, for the multiplexed ones, per
 * sub-operation (their first argument; 32 and up are counted together),
 * printed when dom0 stops (hypercall_stats, on by default).  They show what
 * a guest really uses, e.g. which hypercalls Linux makes on its way up.
 */
#define HC_SUBOPS 32
static uint64_t hc_count[NR_HYPERCALLS][HC_SUBOPS + 1];
static bool opt_hypercall_stats = true;
boolean_param("hypercall_stats", opt_hypercall_stats);

static bool has_subop(unsigned long nr)
{
    switch (nr) {
#define HC_SUBOP(name, kind, call) case HC_NR(name): return HC_IS_SUB(kind);
    HYPERCALL_LIST(HC_SUBOP)
#undef HC_SUBOP
    default:
        return false;
    }
}

void hypercall_count(unsigned long nr, unsigned long a1)
{
    unsigned long sub = 0;

    if (nr >= NR_HYPERCALLS)
        return;
    if (has_subop(nr))
        sub = nr == __HYPERVISOR_memory_op ? (a1 & 0x3f) : a1;
    hc_count[nr][sub < HC_SUBOPS ? sub : HC_SUBOPS]++;
}

static const char *hypercall_name(unsigned long nr)
{
    switch (nr) {
#define HC_NAME(name, kind, call) case HC_NR(name): return #name;
    HYPERCALL_LIST(HC_NAME)
#undef HC_NAME
    case __HYPERVISOR_iret:
        return "iret";
    default:
        return "?";
    }
}

static void print_hypercall_stats(void)
{
    uint64_t total = 0;

    if (!opt_hypercall_stats)
        return;
    for (unsigned long nr = 0; nr < NR_HYPERCALLS; nr++)
        for (unsigned int sub = 0; sub <= HC_SUBOPS; sub++)
            total += hc_count[nr][sub];
    printk("Hypercall statistics (all domains, since boot): %lu calls\n", (unsigned long)total);
    for (unsigned long nr = 0; nr < NR_HYPERCALLS; nr++) {
        for (unsigned int sub = 0; sub <= HC_SUBOPS; sub++) {
            if (hc_count[nr][sub] == 0)
                continue;
            if (has_subop(nr))
                printk("  hypercall %2lu %-18s op %2u%s %10lu\n", nr, hypercall_name(nr), sub,
                       sub == HC_SUBOPS ? "+" : " ", (unsigned long)hc_count[nr][sub]);
            else
                printk("  hypercall %2lu %-18s       %10lu\n", nr, hypercall_name(nr),
                       (unsigned long)hc_count[nr][sub]);
        }
    }
}

/* Both reports of a stopping dom0: each has its own option. */
void hypercall_stats_dump(void)
{
    print_hypercall_stats();
    perfc_dump(hypercall_name);
    if (num_online_cpus() > 1)
        printk("Hypervisor lock: %lu waits past the spin (hyp_lock_spin=%u), %lu halts, "
               "%lu wake-up IPIs\n", (unsigned long)hyp_lock_stats.slow, hyp_lock_spin_limit,
               (unsigned long)hyp_lock_stats.halts, (unsigned long)hyp_lock_stats.kicks);
}

/* Debug key 'P': both reports start again from zero (measure one step). */
void hypercall_stats_reset(void)
{
    memset(hc_count, 0, sizeof(hc_count));
    perfc_reset();
}

long hypercall_dispatch(unsigned long nr, unsigned long a1, unsigned long a2,
                        unsigned long a3, unsigned long a4, unsigned long a5,
                        unsigned long a6)
{
    (void)a6;
    hypercall_count(nr, a1);
    switch (nr) {
#define HC_CASE(name, kind, call) case HC_NR(name): return call;
    HYPERCALL_LIST(HC_CASE)
#undef HC_CASE
    default:
        return -ENOSYS;
    }
}

static bool hypercall_known(unsigned long nr)
{
    switch (nr) {
#define HC_KNOWN(name, kind, call) case HC_NR(name): return true;
    HYPERCALL_LIST(HC_KNOWN)
#undef HC_KNOWN
    case __HYPERVISOR_iret:
        return true;
    default:
        return false;
    }
}

long pv_hypercall(struct cpu_user_regs *regs)
{
    unsigned long nr = regs->rax;

    if (!hypercall_known(nr)) {
        log_unimplemented(nr, regs->rip);
        return -ENOSYS;
    }
    return hypercall_dispatch(nr, regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9);
}

/*
 * Each entry's result goes back into the entry; the call itself returns 0
 * unless the list cannot be read or written.  A multicall inside a
 * multicall, and iret (it would rewrite our frame), get -EINVAL.
 */
long do_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_t) calls, unsigned int nr)
{
    static bool nested;
    multicall_entry_t e;

    if (nested)
        return -EINVAL;
    nested = true;
    for (unsigned int i = 0; i < nr; i++) {
        if (copy_from_guest_offset(&e, calls, i, 1)) {
            nested = false;
            return -EFAULT;
        }
        if (e.op == __HYPERVISOR_multicall || e.op == __HYPERVISOR_iret)
            e.result = -EINVAL;
        else if (!hypercall_known(e.op))
            e.result = -ENOSYS;
        else
            e.result = hypercall_dispatch(e.op, e.args[0], e.args[1], e.args[2],
                                          e.args[3], e.args[4], e.args[5]);
        if (copy_to_guest_offset(calls, i, &e, 1)) {
            nested = false;
            return -EFAULT;
        }
        if (current->domain->is_shut_down)
            break;
    }
    nested = false;
    return 0;
}
