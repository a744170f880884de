/*
 * hypercall.h — hypercall wrappers for the test guests.
 *
 * Two entry paths exist in the PV ABI and both must work: calling stub n of
 * the hypercall page the hypervisor filled in (it preserves RCX/R11), and
 * issuing `syscall` directly with the number in RAX (what Linux 6.1.121+
 * does; RCX/R11 are clobbered by the instruction).  hc_use_syscall picks one
 * at run time so a test can run the same calls through both.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include "xen_defs.h"

extern char hypercall_page[4096];
extern int hc_use_syscall;

static inline long hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long r_a1 __asm__("rdi") = a1;
    register unsigned long r_a2 __asm__("rsi") = a2;
    register unsigned long r_a3 __asm__("rdx") = a3;
    register unsigned long r_a4 __asm__("r10") = a4;
    register unsigned long r_a5 __asm__("r8") = a5;
    long ret;

    if (hc_use_syscall) {
        __asm__ volatile("syscall"
                         : "=a"(ret), "+r"(r_a1), "+r"(r_a2), "+r"(r_a3),
                           "+r"(r_a4), "+r"(r_a5)
                         : "0"((unsigned long)nr)
                         : "rcx", "r11", "memory");
    } else {
        /* The stub address goes in R11, which the stub preserves. */
        register unsigned long fn __asm__("r11") =
            (unsigned long)hypercall_page + (nr & 127) * 32;
        __asm__ volatile("call *%[fn]"
                         : "=a"(ret), "+r"(r_a1), "+r"(r_a2), "+r"(r_a3),
                           "+r"(r_a4), "+r"(r_a5), [fn] "+r"(fn)
                         :
                         : "rcx", "memory");
    }
    return ret;
}

#define hypercall0(nr)             hypercall5(nr, 0, 0, 0, 0, 0)
#define hypercall1(nr, a)          hypercall5(nr, (unsigned long)(a), 0, 0, 0, 0)
#define hypercall2(nr, a, b)       hypercall5(nr, (unsigned long)(a), (unsigned long)(b), 0, 0, 0)
#define hypercall3(nr, a, b, c)    hypercall5(nr, (unsigned long)(a), (unsigned long)(b), \
                                              (unsigned long)(c), 0, 0)
#define hypercall4(nr, a, b, c, d) hypercall5(nr, (unsigned long)(a), (unsigned long)(b), \
                                              (unsigned long)(c), (unsigned long)(d), 0)

static inline long hc_set_trap_table(const struct trap_info *t)
{ return hypercall1(__HYPERVISOR_set_trap_table, t); }
static inline long hc_mmu_update(struct mmu_update *r, unsigned int n, unsigned int *done, unsigned int dom)
{ return hypercall4(__HYPERVISOR_mmu_update, r, n, done, dom); }
static inline long hc_set_gdt(unsigned long *frames, unsigned int entries)
{ return hypercall2(__HYPERVISOR_set_gdt, frames, entries); }
static inline long hc_stack_switch(unsigned long ss, unsigned long sp)
{ return hypercall2(__HYPERVISOR_stack_switch, ss, sp); }
static inline long hc_set_callbacks(unsigned long ev, unsigned long fs, unsigned long sc)
{ return hypercall3(__HYPERVISOR_set_callbacks, ev, fs, sc); }
static inline long hc_fpu_taskswitch(int set)
{ return hypercall1(__HYPERVISOR_fpu_taskswitch, set); }
static inline long hc_update_descriptor(uint64_t maddr, uint64_t desc)
{ return hypercall2(__HYPERVISOR_update_descriptor, maddr, desc); }
static inline long hc_memory_op(unsigned int cmd, void *arg)
{ return hypercall2(__HYPERVISOR_memory_op, cmd, arg); }
static inline long hc_multicall(struct multicall_entry *m, unsigned int n)
{ return hypercall2(__HYPERVISOR_multicall, m, n); }
static inline long hc_update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
{ return hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags); }
static inline long hc_xen_version(unsigned int cmd, void *arg)
{ return hypercall2(__HYPERVISOR_xen_version, cmd, arg); }
static inline long hc_console_io(unsigned int cmd, unsigned int len, const char *buf)
{ return hypercall3(__HYPERVISOR_console_io, cmd, len, buf); }
static inline long hc_vm_assist(unsigned int cmd, unsigned int type)
{ return hypercall2(__HYPERVISOR_vm_assist, cmd, type); }
static inline long hc_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{ return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg); }
static inline long hc_set_segment_base(unsigned int which, unsigned long base)
{ return hypercall2(__HYPERVISOR_set_segment_base, which, base); }
static inline long hc_mmuext_op(struct mmuext_op *op, unsigned int n, unsigned int *done, unsigned int dom)
{ return hypercall4(__HYPERVISOR_mmuext_op, op, n, done, dom); }
static inline long hc_sched_op(unsigned int cmd, void *arg)
{ return hypercall2(__HYPERVISOR_sched_op, cmd, arg); }
static inline long hc_callback_op(unsigned int cmd, void *arg)
{ return hypercall2(__HYPERVISOR_callback_op, cmd, arg); }
static inline long hc_event_channel_op(unsigned int cmd, void *arg)
{ return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg); }
/* The two event-channel calls most event tests make over and over. */
static inline long hc_evtchn_send(evtchn_port_t port)
{ struct evtchn_send s = { .port = port }; return hc_event_channel_op(EVTCHNOP_send, &s); }
static inline long hc_evtchn_close(evtchn_port_t port)
{ struct evtchn_close c = { .port = port }; return hc_event_channel_op(EVTCHNOP_close, &c); }
static inline long hc_physdev_op(unsigned int cmd, void *arg)
{ return hypercall2(__HYPERVISOR_physdev_op, cmd, arg); }
static inline long hc_set_debugreg(unsigned int reg, unsigned long val)
{ return hypercall2(__HYPERVISOR_set_debugreg, reg, val); }
static inline long hc_get_debugreg(unsigned int reg)
{ return hypercall1(__HYPERVISOR_get_debugreg, reg); }
static inline long hc_set_timer_op(uint64_t timeout)
{ return hypercall1(__HYPERVISOR_set_timer_op, timeout); }
static inline long hc_grant_table_op(unsigned int cmd, void *arg, unsigned int count)
{ return hypercall3(__HYPERVISOR_grant_table_op, cmd, arg, count); }

#endif
