/*
 * pv/traps.c — exceptions, callbacks and mode changes of PV guests: Xen's
 * bounce frames on the guest kernel stack, exceptions raised by a guest
 * (emulation first, then the guest's trap table), the event and failsafe
 * callbacks, SYSCALL from guest kernel (hypercall) and user (system call),
 * the iret hypercall, and the hypercalls that configure all this:
 * set_trap_table, set_callbacks, callback_op, stack_switch,
 * fpu_taskswitch, set_segment_base, and VCPUOP_initialise's register
 * state.
 *
 * Bounce frame (low to high, 16-byte aligned base):
 *   RCX, R11, [DS, ES, FS, GS (failsafe)], [error code], RIP, CS, RFLAGS, RSP, SS
 * CS has RPL 0 when the interrupted context was guest kernel and carries
 * the saved upcall mask in bits 32-39; RFLAGS.IF is the inverse of that mask.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/control.h>
#include <xen/param.h>
#include <xen/xmalloc.h>
#include <xen/hypercall.h>
#include <xen/perfc.h>
#include <public/callback.h>
#include <public/physdev.h>
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/ptwr.h>
#include <asm/pv.h>
#include <asm/pv_emul.h>
#include <asm/pv_mm.h>
#include <asm/regs.h>
#include <asm/smp.h>
#include <asm/setup.h>

#define EFLAGS_TF   (1UL << 8)
#define EFLAGS_IOPL (3UL << 12)
#define EFLAGS_NT   (1UL << 14)
#define EFLAGS_RF   (1UL << 16)
#define EFLAGS_VM   (1UL << 17)
#define EFLAGS_AC   (1UL << 18)

#define PFEC_user   (1u << 2)

static bool is_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static bool vec_has_errcode(unsigned int v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
}

/*
 * Build a bounce frame and redirect regs to handler.  Switches to guest
 * kernel mode (and its stack_switch stack) first when the guest was in user
 * mode.  A frame that cannot be written crashes the domain.
 */
static bool arch_iopl(const struct domain *d)
{
    return d->vm_assist & (1UL << VMASST_TYPE_architectural_iopl);
}

static int bounce(struct vcpu *v, struct cpu_user_regs *regs, unsigned long handler,
                  long ec, bool mask, bool failsafe)
{
    struct vcpu_info *vi = v->vcpu_info;
    uint64_t frame[12];
    unsigned int n;
    uint8_t saved_mask = vi->evtchn_upcall_mask;
    uint64_t sp;
    bool toggled = false;

    if (handler == 0) {
        domain_crash(v->domain, "no guest handler for a bounce");
        return -EINVAL;
    }
    if (!v->arch.kernel_mode) {
        pv_toggle_guest_mode(v);
        toggled = true;
        sp = v->arch.kernel_sp;
    } else {
        sp = regs->rsp;
    }
    sp &= ~0xfUL;

    n = pv_bounce_frame(regs, !toggled, saved_mask, ec, failsafe ? v->arch.sel : NULL,
                        arch_iopl(v->domain) ? v->arch.iopl : 0, frame);
    sp -= n * 8;
    if (sp + n * 8 > HYPERVISOR_VIRT_START && sp < HYPERVISOR_VIRT_END) {
        domain_crash(v->domain, "bounce frame in the hypervisor's area");
        return -EFAULT;
    }
    if (copy_to_guest_va(sp, frame, n * 8) != 0) {
        printk(XENLOG_ERR "d%uv%u: cannot write a bounce frame at %#lx\n",
               v->domain->domain_id, v->vcpu_id, sp);
        domain_crash(v->domain, "bounce frame not writable");
        return -EFAULT;
    }
    if (mask)
        vi->evtchn_upcall_mask = 1;
    regs->rip = handler;
    regs->cs = FLAT_KERNEL_CS;
    regs->ss = FLAT_KERNEL_SS;
    regs->rsp = sp;
    regs->rflags &= ~(EFLAGS_AC | EFLAGS_VM | EFLAGS_RF | EFLAGS_NT | EFLAGS_TF);
    regs->rflags |= X86_EFLAGS_IF | 2;
    /* The guest's RCX and R11 are in the frame (its entry code pops them),
     * so the registers may carry RIP and RFLAGS: the exit path then leaves
     * through SYSRETQ, as Xen's does for bounces. */
    regs->rcx = regs->rip;
    regs->r11 = regs->rflags;
    return 0;
}

/* The guest's current page-table walk for va (diagnostics). */
static void pv_dump_walk(struct vcpu *v, unsigned long va)
{
    mfn_t mfn = v->arch.kernel_mode || !v->arch.guest_table_user
                ? v->arch.guest_table : v->arch.guest_table_user;

    for (int level = 4; level >= 1 && mfn_valid(mfn); level--) {
        uint64_t e = ((uint64_t *)mfn_to_virt(mfn))[pt_index(va, level)];

        printk("  L%d[%lu] (mfn %#lx) = %016lx\n", level, pt_index(va, level), mfn, e);
        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
            break;
        mfn = (e & PADDR_MASK) >> PAGE_SHIFT;
    }
}

/* pvtrace=<n>: log the first n exceptions bounced to guests (debugging). */
static unsigned int opt_pvtrace;
integer_param("pvtrace", opt_pvtrace);

int pv_inject_exception(struct vcpu *v, struct cpu_user_regs *regs, unsigned int vec, long ec)
{
    const struct trap_info *ti = &v->arch.trap_ctxt[vec & 0xff];

    if (opt_pvtrace) {
        opt_pvtrace--;
        printk("d%uv%u trap %u ec %#lx at %04x:%016lx rsp %016lx cr2 %016lx -> %016lx\n",
               v->domain->domain_id, v->vcpu_id, vec, ec, regs->cs, regs->rip, regs->rsp,
               v->arch.ctrlreg2, ti->address);
        if (vec == TRAP_page_fault)
            pv_dump_walk(v, v->arch.ctrlreg2);
    }

    if (ti->address == 0) {
        static const char *const names[32] = {
            "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#MF",
            "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
            "#VE", "#CP",
        };

        printk(XENLOG_ERR "d%uv%u Unhandled: vec %u, %s[%04lx]\n", v->domain->domain_id,
               v->vcpu_id, vec, vec < 32 && names[vec] ? names[vec] : "int",
               ec < 0 ? 0xffffUL : (unsigned long)ec);
        domain_crash(v->domain, "exception with no handler in the trap table");
        return -EINVAL;
    }
    return bounce(v, regs, ti->address, ec, (ti->flags & 4) != 0, false);
}

void pv_bounce_event(struct vcpu *v, struct cpu_user_regs *regs)
{
    perfc_incr(upcall);
    bounce(v, regs, v->arch.event_callback_eip, -1, true, false);
}

void pv_bounce_failsafe(struct vcpu *v, struct cpu_user_regs *regs)
{
    bounce(v, regs, v->arch.failsafe_callback_eip, -1,
           (v->arch.failsafe_flags & CALLBACKF_mask_events) != 0, true);
}

/* The final iretq of the exit path faulted: give the frame to the failsafe
 * callback (selectors as they are now), or crash the guest. */
void pv_iret_failed(void)
{
    struct vcpu *v = current;
    struct cpu_user_regs *regs = guest_cpu_user_regs();

    printk(XENLOG_WARNING "d%uv%u: return to %04x:%016lx failed\n", v->domain->domain_id,
           v->vcpu_id, regs->cs, regs->rip);
    if (v->arch.failsafe_callback_eip == 0 || !is_canonical(v->arch.failsafe_callback_eip)) {
        domain_crash(v->domain, "iret to the guest faulted");
    } else {
        regs->cs = FLAT_KERNEL_CS | 3;
        regs->ss = FLAT_KERNEL_SS;
        if (!is_canonical(regs->rip))
            domain_crash(v->domain, "non-canonical guest RIP");
        else
            pv_bounce_failsafe(v, regs);
    }
    pv_resume_guest();
}

/* ------------------------------------------------------ guest exceptions */

static void do_guest_page_fault(struct vcpu *v, struct cpu_user_regs *regs)
{
    unsigned long cr2 = read_cr2();
    uint32_t ec = regs->error_code;

    /* A write to a read-only page table of the guest kernel: emulate it. */
    if (v->arch.kernel_mode && (ec & 3) == 3 && pv_ptwr_fault(v, cr2, regs) == 0) {
        perfc_incr(ptwr_emul);
        return;
    }
    perfc_incr(guest_pf);
    ec &= ~PFEC_user;
    if (!v->arch.kernel_mode)
        ec |= PFEC_user;
    v->arch.ctrlreg2 = cr2;
    v->vcpu_info->arch.cr2 = cr2;
    pv_inject_exception(v, regs, TRAP_page_fault, ec);
}

void pv_guest_exception(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    unsigned int vec = regs->entry_vector;

    if (is_idle_vcpu(v))
        return;
    perf_enter(PERF_TRAP(vec));
    switch (vec) {
    case TRAP_page_fault:
        do_guest_page_fault(v, regs);
        return;
    case TRAP_gp_fault:
        if (pv_emulate_gp(v, regs) == 0) {
            perfc_incr(priv_emul);
            return;
        }
        break;
    case TRAP_invalid_op:
        if (pv_emulate_ud(v, regs) == 0)
            return;
        break;
    case TRAP_no_device:
        /* Virtual CR0.TS: the first FPU use after fpu_taskswitch(1). */
        __asm__ volatile("clts");
        if (!v->arch.fpu_ts)
            return;
        v->arch.fpu_ts = false;
        break;
    case TRAP_debug: {
        unsigned long dr6;

        /* The status is merged into the guest's DR6 as Xen does (status
         * bits stay set until the guest clears them; active-low bits follow
         * the hardware); the real one is cleared for the next exception. */
        __asm__ volatile("mov %%db6, %0" : "=r"(dr6));
        __asm__ volatile("mov %0, %%db6" :: "r"(PV_DR6_DEFAULT));
        v->arch.debugreg[6] |= dr6 & ~PV_DR6_DEFAULT;
        v->arch.debugreg[6] &= dr6 | ~PV_DR6_DEFAULT;
        break;
    }
    case TRAP_nmi:
    case TRAP_machine_check:
        return;
    default:
        break;
    }
    pv_inject_exception(v, regs, vec, vec_has_errcode(vec) ? (long)regs->error_code : -1);
}

/* ------------------------------------------------------ syscall and iret */

static long do_iret(struct vcpu *v, struct cpu_user_regs *regs)
{
    struct {
        uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
    } f;

    if (copy_from_guest_va(&f, regs->rsp, sizeof(f)) != 0) {
        domain_crash(v->domain, "iret: frame not readable");
        return -EFAULT;
    }
    if ((f.cs & 3) == 3 && v->arch.kernel_mode)
        pv_toggle_guest_mode(v);
    /* With the architectural_iopl assist the guest sets its virtual IOPL
     * the architectural way: through the RFLAGS it returns with. */
    if (arch_iopl(v->domain))
        v->arch.iopl = (f.rflags >> 12) & 3;
    regs->rip = f.rip;
    regs->cs = f.cs | 3;
    regs->rflags = (f.rflags & ~(EFLAGS_IOPL | EFLAGS_VM)) | X86_EFLAGS_IF | 2;
    regs->rsp = f.rsp;
    regs->ss = f.ss | 3;
    if (f.flags & VGCF_in_syscall) {
        /* Xen returns with SYSRET then: RCX and R11 hold RIP and RFLAGS. */
        regs->rcx = regs->rip;
        regs->r11 = regs->rflags;
    } else {
        regs->r11 = f.r11;
        regs->rcx = f.rcx;
    }
    v->vcpu_info->evtchn_upcall_mask = !(f.rflags & X86_EFLAGS_IF);
    return f.rax;
}

/* pv/entry.asm reads these frame fields by offset (REGS_*). */
_Static_assert(offsetof(struct cpu_user_regs, r11) == 48, "REGS_r11");
_Static_assert(offsetof(struct cpu_user_regs, rcx) == 88, "REGS_rcx");
_Static_assert(offsetof(struct cpu_user_regs, error_code) == 120, "REGS_error_code");
_Static_assert(offsetof(struct cpu_user_regs, rip) == 128, "REGS_rip");
_Static_assert(offsetof(struct cpu_user_regs, cs) == 136, "REGS_cs");
_Static_assert(offsetof(struct cpu_user_regs, rflags) == 144, "REGS_rflags");
_Static_assert(offsetof(struct cpu_user_regs, rsp) == 152, "REGS_rsp");
_Static_assert(offsetof(struct cpu_user_regs, ss) == 160, "REGS_ss");

void pv_do_syscall(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;

    hyp_lock_acquire();                 /* dropped by pv_exit_to_guest */
    if (v->arch.kernel_mode) {
        perf_enter(PERF_HYPERCALL(regs->rax));
        if (regs->rax == __HYPERVISOR_iret) {
            hypercall_count(__HYPERVISOR_iret, 0);
            regs->rax = do_iret(v, regs);
        }
        else
            regs->rax = pv_hypercall(regs);
        return;
    }
    /* A system call from guest user mode: to the guest kernel's handler. */
    perf_enter(PERF_SYSCALL);
    perfc_incr(guest_syscall);
    if (v->arch.syscall_callback_eip == 0) {
        pv_inject_exception(v, regs, TRAP_invalid_op, -1);
        return;
    }
    bounce(v, regs, v->arch.syscall_callback_eip, -1,
           (v->arch.syscall_flags & CALLBACKF_mask_events) != 0, false);
}

/* ------------------------------------------------------ hypercalls */

long do_set_trap_table(XEN_GUEST_HANDLE_PARAM(trap_info_t) traps)
{
    struct vcpu *v = current;
    struct trap_info t;

    if (guest_handle_is_null(traps)) {
        memset(v->arch.trap_ctxt, 0, sizeof(v->arch.trap_ctxt));
        return 0;
    }
    for (unsigned int i = 0; i < 256 * 4; i++) {
        if (copy_from_guest(&t, traps, 1) != 0)
            return -EFAULT;
        if (t.address == 0)
            break;
        v->arch.trap_ctxt[t.vector] = t;
        guest_handle_add_offset(traps, 1);
    }
    return 0;
}

long do_set_callbacks(unsigned long event, unsigned long failsafe, unsigned long syscall)
{
    struct vcpu *v = current;

    v->arch.event_callback_eip = event;
    v->arch.failsafe_callback_eip = failsafe;
    v->arch.syscall_callback_eip = syscall;
    v->arch.syscall_flags = CALLBACKF_mask_events;
    return 0;
}

long do_callback_op(int cmd, XEN_GUEST_HANDLE_PARAM(const_void) arg)
{
    struct vcpu *v = current;

    switch (cmd) {
    case CALLBACKOP_register: {
        struct callback_register r;

        if (copy_from_guest_va(&r, arg.p, sizeof(r)) != 0)
            return -EFAULT;
        switch (r.type) {
        case CALLBACKTYPE_event:
            v->arch.event_callback_eip = r.address;
            v->arch.event_flags = r.flags;
            return 0;
        case CALLBACKTYPE_failsafe:
            v->arch.failsafe_callback_eip = r.address;
            v->arch.failsafe_flags = r.flags;
            return 0;
        case CALLBACKTYPE_syscall:
            v->arch.syscall_callback_eip = r.address;
            v->arch.syscall_flags = r.flags;
            return 0;
        case CALLBACKTYPE_syscall32:
        case CALLBACKTYPE_sysenter:
            return 0;               /* no 32-bit user mode: accepted, unused */
        case CALLBACKTYPE_nmi:
            v->arch.nmi_callback_eip = r.address;
            return 0;
        default:
            return -ENOSYS;
        }
    }
    case CALLBACKOP_unregister: {
        struct callback_unregister u;

        if (copy_from_guest_va(&u, arg.p, sizeof(u)) != 0)
            return -EFAULT;
        switch (u.type) {
        case CALLBACKTYPE_event:
        case CALLBACKTYPE_failsafe:
        case CALLBACKTYPE_syscall:
        case CALLBACKTYPE_syscall32:
        case CALLBACKTYPE_sysenter:
            return -EINVAL;
        case CALLBACKTYPE_nmi:
            v->arch.nmi_callback_eip = 0;
            return 0;
        default:
            return -ENOSYS;
        }
    }
    default:
        return -ENOSYS;
    }
}

long do_stack_switch(unsigned long ss, unsigned long esp)
{
    struct vcpu *v = current;

    v->arch.kernel_ss = ss | 3;
    v->arch.kernel_sp = esp;
    return 0;
}

long do_fpu_taskswitch(int set)
{
    struct vcpu *v = current;

    v->arch.fpu_ts = set != 0;
    if (set)
        __asm__ volatile("mov %%cr0, %%rax; or $8, %%rax; mov %%rax, %%cr0" ::: "rax");
    else
        __asm__ volatile("clts");
    return 0;
}

long do_set_segment_base(unsigned int which, unsigned long base)
{
    struct vcpu *v = current;

    switch (which) {
    case SEGBASE_FS:
        if (!is_canonical(base))
            return -EINVAL;
        wrmsr(MSR_FS_BASE, base);
        v->arch.fs_base = base;
        return 0;
    case SEGBASE_GS_USER:
        if (!is_canonical(base))
            return -EINVAL;
        v->arch.gs_base_user = base;
        if (!v->arch.kernel_mode)
            wrmsr(MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_KERNEL:
        if (!is_canonical(base))
            return -EINVAL;
        v->arch.gs_base_kernel = base;
        if (v->arch.kernel_mode)
            wrmsr(MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_USER_SEL: {
        /* Load the selector into user %gs without losing the kernel's base:
         * the selector load changes the base register, so re-read it as the
         * user base and put the kernel's back.  A bad selector loads null. */
        uint64_t kbase = v->arch.kernel_mode ? rdmsr(MSR_GS_BASE) : v->arch.gs_base_kernel;

        if (pv_load_sel(3, base & 0xffff) != 0)
            pv_load_sel(3, 0);
        v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
        if (v->arch.kernel_mode)
            wrmsr(MSR_GS_BASE, kbase);
        return 0;
    }
    default:
        return -EINVAL;
    }
}

/* ------------------------------------------------------ debug registers */

#define DR7_GD          (1UL << 13)

static void write_dr(unsigned int reg, unsigned long val)
{
    switch (reg) {
    case 0: __asm__ volatile("mov %0, %%db0" :: "r"(val)); break;
    case 1: __asm__ volatile("mov %0, %%db1" :: "r"(val)); break;
    case 2: __asm__ volatile("mov %0, %%db2" :: "r"(val)); break;
    case 3: __asm__ volatile("mov %0, %%db3" :: "r"(val)); break;
    case 6: __asm__ volatile("mov %0, %%db6" :: "r"(val)); break;
    case 7: __asm__ volatile("mov %0, %%db7" :: "r"(val)); break;
    }
}

/* Context switch: the guest's breakpoints only while it runs. */
void pv_load_debugregs(struct vcpu *v)
{
    if (v == NULL) {
        write_dr(7, 0x400);
        return;
    }
    if (!(v->arch.debugreg[7] & 0xff)) {
        write_dr(7, 0x400);
        return;
    }
    for (unsigned int i = 0; i < 4; i++)
        write_dr(i, v->arch.debugreg[i]);
    write_dr(7, v->arch.debugreg[7]);
}

/* set_debugreg and `mov %drN, reg` (pv/emulate.c) alike: Xen's rules
 * (pv/debugreg_check.c); the registers are loaded when DR7 enables any. */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, unsigned long value)
{
    unsigned int slot;
    uint64_t val;
    int rc = pv_debugreg_check(reg, value, &slot, &val);

    if (rc)
        return rc;
    v->arch.debugreg[slot] = val;
    if (v == current && slot < 4)
        write_dr(slot, val);
    else if (v == current && slot == 7)
        pv_load_debugregs(v);
    return 0;
}

long pv_get_debugreg(struct vcpu *v, unsigned int reg, unsigned long *value)
{
    int slot = pv_debugreg_slot(reg);

    if (slot < 0)
        return slot;
    *value = v->arch.debugreg[slot];
    return 0;
}

/* The debug state a vCPU starts with (Xen's): DR6 and DR7 at their
 * reserved-bit defaults, no breakpoint. */
void pv_reset_debugregs(struct vcpu *v)
{
    memset(v->arch.debugreg, 0, sizeof(v->arch.debugreg));
    v->arch.debugreg[6] = PV_DR6_DEFAULT;
    v->arch.debugreg[7] = PV_DR7_DEFAULT;
}

long do_set_debugreg(int reg, unsigned long value)
{
    return pv_set_debugreg(current, (unsigned int)reg, value);
}

long do_get_debugreg(int reg)
{
    unsigned long val;
    long rc = pv_get_debugreg(current, (unsigned int)reg, &val);

    return rc ? rc : (long)val;
}

/* ------------------------------------------------------ VCPUOP_initialise */

/* Install a guest context (kernel copy) on v, which is not running. */
static int set_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    int rc;

    memcpy(&v->arch.user_regs, &c->user_regs, PV_FRAME_SIZE);
    v->arch.user_regs.cs = (c->user_regs.cs & 0xffff) | 3;
    v->arch.user_regs.ss = (c->user_regs.ss & 0xffff) | 3;
    /*
     * EFLAGS.IOPL becomes the vCPU's virtual IOPL, as on Xen (and as
     * PHYSDEVOP_set_iopl sets it): Linux starts secondary vCPUs with IOPL 1
     * in this context, and their port accesses depend on it.  The real
     * EFLAGS.IOPL of a PV guest stays 0 so every port access traps.
     */
    v->arch.iopl = (uint8_t)((c->user_regs.rflags & EFLAGS_IOPL) >> 12);
    v->arch.user_regs.rflags = (c->user_regs.rflags & ~(EFLAGS_IOPL | EFLAGS_VM)) |
                               X86_EFLAGS_IF | 2;
    v->arch.sel[0] = c->user_regs.ds;
    v->arch.sel[1] = c->user_regs.es;
    v->arch.sel[2] = c->user_regs.fs;
    v->arch.sel[3] = c->user_regs.gs;
    memcpy(v->arch.trap_ctxt, c->trap_ctxt, sizeof(v->arch.trap_ctxt));
    v->arch.kernel_ss = c->kernel_ss;
    v->arch.kernel_sp = c->kernel_sp;
    v->arch.event_callback_eip = c->event_callback_eip;
    v->arch.failsafe_callback_eip = c->failsafe_callback_eip;
    v->arch.syscall_callback_eip = c->syscall_callback_eip;
    v->arch.failsafe_flags = (c->flags & VGCF_failsafe_disables_events) ? CALLBACKF_mask_events : 0;
    v->arch.syscall_flags = (c->flags & VGCF_syscall_disables_events) ? CALLBACKF_mask_events : 0;
    v->arch.fs_base = c->fs_base;
    v->arch.gs_base_kernel = c->gs_base_kernel;
    v->arch.gs_base_user = c->gs_base_user;
    v->arch.kernel_mode = (c->flags & VGCF_in_kernel) != 0;
    v->arch.fpu_ts = (c->ctrlreg[0] & X86_CR0_TS) != 0;
    if (c->flags & VGCF_i387_valid) {
        memcpy(v->arch.fpu_state, c->fpu_ctxt.x, sizeof(v->arch.fpu_state));
        v->arch.fpu_initialised = true;
    }
    /* The same rules as set_debugreg: a context may not put a breakpoint on
     * the hypervisor's addresses or set DR7.GD (it was copied unchecked). */
    for (unsigned int i = 0; i < 8; i++) {
        unsigned int slot;
        uint64_t val;

        if (i == 4 || i == 5)
            continue;
        if (pv_debugreg_check(i, c->debugreg[i], &slot, &val) != 0)
            return -EINVAL;
        v->arch.debugreg[slot] = val;
    }
    if (c->ctrlreg[3] != 0) {
        rc = pv_set_baseptr(v, c->ctrlreg[3] >> PAGE_SHIFT, false);
        if (rc)
            return rc;
    }
    if (c->ctrlreg[1] != 0) {
        rc = pv_set_baseptr(v, c->ctrlreg[1] >> PAGE_SHIFT, true);
        if (rc)
            return rc;
    }
    if (c->gdt_ents != 0) {
        unsigned long frames[14];

        if (c->gdt_ents > FIRST_RESERVED_GDT_ENTRY)
            return -EINVAL;
        for (unsigned int i = 0; i < 14; i++)
            frames[i] = c->gdt_frames[i];
        rc = pv_set_gdt(v, frames, c->gdt_ents);
        if (rc)
            return rc;
    }
    return 0;
}

int pv_vcpu_initialise(struct vcpu *v, const void *guest_ctx)
{
    struct vcpu_guest_context *c;
    int rc;

    c = xmalloc_bytes(sizeof(*c));
    if (c == NULL)
        return -ENOMEM;
    /* Xen reads the context before looking at the vCPU's state. */
    if (copy_from_guest_va(c, guest_ctx, sizeof(*c)) != 0) {
        rc = -EFAULT;
        goto out;
    }
    if (v->is_initialised) {
        rc = -EEXIST;
        goto out;
    }
    rc = set_context(v, c);
    if (rc == 0)
        v->is_initialised = true;
out:
    xfree(c);
    return rc;
}

/* domctl setvcpucontext (common/domctl.c calls it; v is not running). */
int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *ctx)
{
    int rc;

    if (v == current)
        return -EBUSY;
    if (ctx == NULL) {
        /* Back to the just-created state: no tables, no callbacks. */
        pv_destroy_gdt(v);
        pv_set_baseptr(v, 0, true);             /* drops the user L4 */
        if (v->arch.guest_table) {
            put_page_and_type(mfn_to_page(v->arch.guest_table));
            v->arch.guest_table = 0;
        }
        memset(v->arch.trap_ctxt, 0, sizeof(v->arch.trap_ctxt));
        v->arch.event_callback_eip = v->arch.failsafe_callback_eip = 0;
        v->arch.syscall_callback_eip = 0;
        memset(&v->arch.user_regs, 0, sizeof(v->arch.user_regs));
        v->arch.user_regs.cs = FLAT_KERNEL_CS;
        v->arch.user_regs.ss = FLAT_KERNEL_SS;
        v->arch.user_regs.rflags = X86_EFLAGS_IF | 2;
        pv_reset_debugregs(v);
        v->arch.iopl = 0;
        v->is_initialised = false;
        return 0;
    }
    rc = set_context(v, ctx);
    if (rc == 0)
        v->is_initialised = true;
    return rc;
}

/* domctl getvcpucontext: v is paused (or current, then its frame). */
int arch_get_vcpu_context(struct vcpu *v, struct vcpu_guest_context *c)
{
    const struct cpu_user_regs *r = v == current ? guest_cpu_user_regs() : &v->arch.user_regs;

    memset(c, 0, sizeof(*c));
    memcpy(c->fpu_ctxt.x, v->arch.fpu_state, sizeof(c->fpu_ctxt.x));
    c->flags = (v->arch.fpu_initialised ? VGCF_i387_valid : 0) |
               (v->arch.kernel_mode ? VGCF_in_kernel : 0) |
               ((v->arch.failsafe_flags & CALLBACKF_mask_events) ? VGCF_failsafe_disables_events : 0) |
               ((v->arch.syscall_flags & CALLBACKF_mask_events) ? VGCF_syscall_disables_events : 0) |
               /* As Xen: a context read back and set again (save/restore,
                * a cancelled suspend) keeps the vCPU up. */
               (!(v->pause_flags & VPF_down) ? VGCF_online : 0);
    memcpy(&c->user_regs, r, PV_FRAME_SIZE);
    c->user_regs.rflags |= (uint64_t)v->arch.iopl << 12;     /* Xen reports the virtual IOPL there */
    c->user_regs.ds = v->arch.sel[0];
    c->user_regs.es = v->arch.sel[1];
    c->user_regs.fs = v->arch.sel[2];
    c->user_regs.gs = v->arch.sel[3];
    memcpy(c->trap_ctxt, v->arch.trap_ctxt, sizeof(c->trap_ctxt));
    c->ldt_base = v->arch.ldt_base;
    c->ldt_ents = v->arch.ldt_ents;
    for (unsigned int i = 0; i < 14; i++)
        c->gdt_frames[i] = v->arch.gdt_frames[i];
    c->gdt_ents = v->arch.gdt_ents;
    c->kernel_ss = v->arch.kernel_ss;
    c->kernel_sp = v->arch.kernel_sp;
    c->ctrlreg[0] = X86_CR0_PE | X86_CR0_MP | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG |
                    (v->arch.fpu_ts ? X86_CR0_TS : 0);
    c->ctrlreg[1] = (unsigned long)v->arch.guest_table_user << PAGE_SHIFT;
    c->ctrlreg[2] = v->arch.ctrlreg2;
    c->ctrlreg[3] = (unsigned long)v->arch.guest_table << PAGE_SHIFT;
    for (unsigned int i = 0; i < 8; i++)
        c->debugreg[i] = v->arch.debugreg[i];
    c->event_callback_eip = v->arch.event_callback_eip;
    c->failsafe_callback_eip = v->arch.failsafe_callback_eip;
    c->syscall_callback_eip = v->arch.syscall_callback_eip;
    c->vm_assist = v->domain->vm_assist;
    c->fs_base = v->arch.fs_base;
    c->gs_base_kernel = v->arch.gs_base_kernel;
    c->gs_base_user = v->arch.gs_base_user;
    return 0;
}

/* ------------------------------------------------------ wall clock */

static unsigned int cmos_read(unsigned int reg)
{
    outb(0x70, (uint8_t)reg);
    return inb(0x71);
}

static unsigned int bcd(unsigned int v, bool is_bcd)
{
    return is_bcd ? (v & 15) + (v >> 4) * 10 : v;
}

/* Seconds since the epoch from the RTC (read until two reads agree). */
uint64_t pv_cmos_wallclock(void)
{
    unsigned int sec, min, hour, day, mon, year, b;
    static const unsigned int mdays[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
    uint64_t days;
    bool is_bcd;

    for (int tries = 0; tries < 1000000 && (cmos_read(0x0a) & 0x80); tries++)
        ;
    sec = cmos_read(0x00);
    min = cmos_read(0x02);
    hour = cmos_read(0x04);
    day = cmos_read(0x07);
    mon = cmos_read(0x08);
    year = cmos_read(0x09);
    b = cmos_read(0x0b);
    is_bcd = !(b & 4);
    sec = bcd(sec, is_bcd);
    min = bcd(min, is_bcd);
    hour = bcd(hour & 0x7f, is_bcd);
    day = bcd(day, is_bcd);
    mon = bcd(mon, is_bcd);
    year = bcd(year, is_bcd) + 2000;
    if (mon < 1 || mon > 12 || day < 1 || day > 31)
        return 0;
    days = (uint64_t)(year - 1970) * 365 + (year - 1969) / 4 + mdays[mon - 1] + day - 1;
    if (mon > 2 && (year % 4) == 0)
        days++;
    return days * 86400 + hour * 3600 + min * 60 + sec;
}

/* ------------------------------------------------------ CPU setup */

#define MSR_STAR    0xc0000081
#define MSR_LSTAR   0xc0000082
#define MSR_CSTAR   0xc0000083
#define MSR_FMASK   0xc0000084

/* SYSCALL enters at pv_syscall_entry with CS 0xe008 / SS 0xe010 and IF,
 * TF, DF, NT, AC and RF cleared; STAR's user half names 0xe023, so a
 * (never used) SYSRET would give 0xe02b / 0xe033 as the ABI says. */
void pv_traps_init(void)
{
    /* The PV MMU and the builder keep the M2P through its writable view. */
    m2p_rw = (unsigned long *)m2p_table;
    pv_traps_init_cpu();
}

void pv_traps_init_cpu(void)
{
    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)__HYPERVISOR_CS64 << 32));
    wrmsr(MSR_LSTAR, (uint64_t)pv_syscall_entry);
    wrmsr(MSR_CSTAR, (uint64_t)pv_syscall_entry);
    wrmsr(MSR_FMASK, X86_EFLAGS_IF | EFLAGS_TF | (1UL << 10) | EFLAGS_NT | EFLAGS_AC | EFLAGS_RF);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
