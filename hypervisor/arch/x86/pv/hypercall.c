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
#include <xen/sched.h>
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

long hypercall_dispatch(unsigned long nr, unsigned long a1, unsigned long a2,
                        unsigned long a3, unsigned long a4, unsigned long a5,
                        unsigned long a6)
{
    (void)a6;
    switch (nr) {
#define HC_CASE(n, name, call) case n: return call;
    HYPERCALL_LIST(HC_CASE)
#undef HC_CASE
    default:
        return -ENOSYS;
    }
}

static bool hypercall_known(unsigned long nr)
{
    switch (nr) {
#define HC_KNOWN(n, name, call) case n: return true;
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
