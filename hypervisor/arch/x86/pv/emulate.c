/*
 * pv/emulate.c — what a PV guest kernel may do that ring 3 cannot, emulated
 * on #GP and #UD from the instruction bytes (QEMU 7.2's TCG reports wrong
 * #GP error codes for `int n`, so nothing here trusts the error code):
 *
 *   #UD: the forced-emulation prefix `ud2; .ascii "xen"` + `cpuid` -> the PV
 *        CPUID view (asm/cpuid_policy.h), RIP += 7.
 *   #GP: `int n` (delivered through the guest's trap table when its DPL
 *        allows the caller, else #GP((n << 3) | 2); int3 has a DPL 3 gate and
 *        comes as #BP, never here: see traps.c); rdmsr/wrmsr of the
 *        FS/GS base MSRs (+ a few read-only ones); mov from CR0/2/3/4, mov
 *        to CR4 (ignored) and CR0 (TS only), clts; mov to/from DR0-DR7
 *        (set_debugreg's rules: #UD for DR8+, #GP(0) for a refused value);
 *        in/out and cli/sti (a no-op when allowed, as Xen) under the
 *        virtual IOPL (Xen's rules, incl. VMASST_TYPE_architectural_iopl);
 *        wbinvd.
 * Anything else is the guest's fault and is bounced to it unchanged.
 *
 * The decoder is pure and lives in pv/emul_decode.c (host-tested).
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/sched.h>
#include <asm/cpuid_policy.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/pv_emul.h>
#include <asm/pv_io.h>
#include <asm/regs.h>
#include <asm/time.h>
#include <xen/hypercall.h>

/* ------------------------------------------------------ helpers */

/* GPR n (0 = rax ... 15 = r15) in a cpu_user_regs frame. */
static uint64_t *gpr(struct cpu_user_regs *r, unsigned int n)
{
    switch (n & 15) {
    case 0: return &r->rax;
    case 1: return &r->rcx;
    case 2: return &r->rdx;
    case 3: return &r->rbx;
    case 4: return &r->rsp;
    case 5: return &r->rbp;
    case 6: return &r->rsi;
    case 7: return &r->rdi;
    case 8: return &r->r8;
    case 9: return &r->r9;
    case 10: return &r->r10;
    case 11: return &r->r11;
    case 12: return &r->r12;
    case 13: return &r->r13;
    case 14: return &r->r14;
    default: return &r->r15;
    }
}

static size_t fetch(struct cpu_user_regs *regs, uint8_t *buf, size_t max)
{
    size_t n = 0;

    if (copy_from_guest_va(buf, regs->rip, max) == 0)
        return max;
    /* Near the end of a mapping: take what is readable. */
    while (n < max && copy_from_guest_va(&buf[n], regs->rip + n, 1) == 0)
        n++;
    return n;
}

static bool is_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static struct pv_cpuid_policy cpuid_pol;
static bool cpuid_pol_ready;

static void host_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *o)
{
    cpuid_count(leaf, sub, &o->a, &o->b, &o->c, &o->d);
}

static void emulate_cpuid(struct vcpu *v, struct cpu_user_regs *regs)
{
    struct cpuid_regs out;

    if (!cpuid_pol_ready) {
        memset(&cpuid_pol, 0, sizeof(cpuid_pol));
        cpuid_pol.host = host_cpuid;
        cpuid_pol.xen_major = 4;
        cpuid_pol.xen_minor = 17;
        cpuid_pol.tsc_khz = (uint32_t)(tsc_hz / 1000);
        cpuid_pol.host_khz = cpuid_pol.tsc_khz;
        cpuid_pol.tsc_reliable = boot_cpu.invariant_tsc;
        cpuid_pol.maddr_bits = 40;
        pv_cpuid_policy_init(&cpuid_pol);
        cpuid_pol_ready = true;
    }
    cpuid_pol.dom0 = v->domain->is_privileged;
    pv_cpuid(&cpuid_pol, (uint32_t)regs->rax, (uint32_t)regs->rcx, &out);
    /* No SYSENTER path for 64-bit PV guests here (Xen 4.17 hides it too). */
    if ((uint32_t)regs->rax == 1)
        out.d &= ~CPUID1_EDX_SEP;
    regs->rax = out.a;
    regs->rbx = out.b;
    regs->rcx = out.c;
    regs->rdx = out.d;
}

#define MSR_HYPERCALL_PAGE 0x40000000u
#define MSR_MISC_ENABLE    0x000001a0u
#define MISC_ENABLE_FAST_STRING   (1ULL << 0)
#define MISC_ENABLE_BTS_UNAVAIL   (1ULL << 11)
#define MISC_ENABLE_PEBS_UNAVAIL  (1ULL << 12)
#define MISC_ENABLE_XTPR_DISABLE  (1ULL << 23)

static int emulate_rdmsr(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint32_t msr = (uint32_t)regs->rcx;
    uint64_t val;

    switch (msr) {
    case MSR_FS_BASE:
        val = rdmsr(MSR_FS_BASE);
        break;
    case MSR_GS_BASE:
        val = rdmsr(MSR_GS_BASE);
        break;
    case MSR_SHADOW_GS_BASE:
        val = v->arch.kernel_mode ? v->arch.gs_base_user : v->arch.gs_base_kernel;
        break;
    case MSR_EFER:
        val = rdmsr(MSR_EFER) & (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
        break;
    case MSR_HYPERCALL_PAGE:
        val = 0;
        break;
    case MSR_MISC_ENABLE:
        /* The guest's view as Xen builds it (fast strings; BTS, PEBS and
         * xTPR unavailable; no PERF_AVAIL or MONITOR), synthesised rather
         * than read: the MSR does not exist on AMD, and reading it
         * unguarded is how XSA-333 crashed Xen. */
        val = MISC_ENABLE_FAST_STRING | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL |
              MISC_ENABLE_XTPR_DISABLE;
        break;
    default:
        return -EINVAL;
    }
    regs->rax = (uint32_t)val;
    regs->rdx = val >> 32;
    return 0;
}

static int emulate_wrmsr(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint32_t msr = (uint32_t)regs->rcx;
    uint64_t val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;

    switch (msr) {
    case MSR_FS_BASE:
        if (!is_canonical(val))
            return -EINVAL;
        wrmsr(MSR_FS_BASE, val);
        v->arch.fs_base = val;
        return 0;
    case MSR_GS_BASE:
        if (!is_canonical(val))
            return -EINVAL;
        wrmsr(MSR_GS_BASE, val);
        if (v->arch.kernel_mode)
            v->arch.gs_base_kernel = val;
        else
            v->arch.gs_base_user = val;
        return 0;
    case MSR_SHADOW_GS_BASE:
        if (!is_canonical(val))
            return -EINVAL;
        if (v->arch.kernel_mode)
            v->arch.gs_base_user = val;
        else
            v->arch.gs_base_kernel = val;
        return 0;
    default:
        return -EINVAL;
    }
}

/* Xen's iopl_ok(): the virtual IOPL against the CPL the guest is taken to
 * run at: 3 in user mode; in kernel mode 1, or 0 (always allowed, as ring
 * 0 architecturally) with VMASST_TYPE_architectural_iopl.  Governs in/out
 * and cli/sti; otherwise #GP(0). */
static bool iopl_ok(struct vcpu *v)
{
    unsigned int cpl = !v->arch.kernel_mode ? 3
                       : (v->domain->vm_assist & (1UL << VMASST_TYPE_architectural_iopl)) ? 0 : 1;

    return v->arch.iopl >= cpl;
}

/* After the IOPL check the port policy is pv/ioport.c's: the domain's
 * ioport capability, the PCI configuration window, all ones otherwise. */
static void do_io(struct vcpu *v, struct cpu_user_regs *regs, const struct pv_priv_insn *in)
{
    unsigned int port = in->port_imm ? in->port : (uint16_t)regs->rdx;

    if (in->op == PRIV_IN) {
        uint32_t val = pv_io_read(v->domain, port, in->opsize);

        if (in->opsize == 4)
            regs->rax = val;                    /* a 32-bit write zero-extends */
        else {
            uint64_t m = in->opsize == 1 ? 0xffUL : 0xffffUL;

            regs->rax = (regs->rax & ~m) | (val & m);
        }
    } else
        pv_io_write(v->domain, port, in->opsize, (uint32_t)regs->rax);
}

/* ------------------------------------------------------ the handlers */

int pv_emulate_ud(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t b[7];

    if (fetch(regs, b, sizeof(b)) < sizeof(b) || !pv_is_forced_cpuid(b, sizeof(b)))
        return -EINVAL;
    emulate_cpuid(v, regs);
    regs->rip += 7;
    return 0;
}

int pv_emulate_gp(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t b[16];
    size_t n = fetch(regs, b, sizeof(b));
    struct pv_priv_insn in;
    bool kernel = v->arch.kernel_mode;

    if (regs->error_code != 0 && !(regs->error_code & 2))
        return -EINVAL;             /* a selector fault: the guest's to handle */
    if (pv_decode_priv(b, n, &in) != 0)
        return -EINVAL;

    switch (in.op) {
    case PRIV_INT: {
        const struct trap_info *ti = &v->arch.trap_ctxt[in.vector];
        unsigned int dpl = ti->flags & 3;

        if (ti->address != 0 && dpl >= (kernel ? 1u : 3u)) {
            regs->rip += in.len;    /* a software interrupt returns after itself */
            pv_inject_exception(v, regs, in.vector, -1);
        } else {
            pv_inject_exception(v, regs, TRAP_gp_fault, ((long)in.vector << 3) | 2);
        }
        return 0;
    }
    case PRIV_CLI:
    case PRIV_STI:
        /* Allowed by the virtual IOPL: skipped, the event mask untouched.
         * Xen deliberately does not map them onto the mask (a guest could
         * not undo it with popf, which does not trap). */
        if (!iopl_ok(v))
            return -EPERM;
        regs->rip += in.len;
        return 0;
    case PRIV_IN:
    case PRIV_OUT:
        if (!iopl_ok(v))
            return -EPERM;
        do_io(v, regs, &in);
        regs->rip += in.len;
        return 0;
    default:
        break;
    }

    if (!kernel)
        return -EPERM;
    switch (in.op) {
    case PRIV_RDMSR:
        if (emulate_rdmsr(v, regs) != 0)
            return -EINVAL;
        break;
    case PRIV_WRMSR:
        if (emulate_wrmsr(v, regs) != 0)
            return -EINVAL;
        break;
    case PRIV_CLTS:
        v->arch.fpu_ts = false;
        __asm__ volatile("clts");
        break;
    case PRIV_WBINVD:
        break;
    case PRIV_MOV_FROM_CR: {
        uint64_t val;

        switch (in.cr) {
        case 0:
            val = (read_cr0() & ~X86_CR0_TS) | (v->arch.fpu_ts ? X86_CR0_TS : 0);
            break;
        case 2:
            val = v->arch.ctrlreg2;
            break;
        case 3:
            val = (uint64_t)(v->arch.kernel_mode || !v->arch.guest_table_user
                             ? v->arch.guest_table : v->arch.guest_table_user) << PAGE_SHIFT;
            break;
        case 4:
            val = read_cr4();
            break;
        default:
            return -EINVAL;
        }
        *gpr(regs, in.gpr) = val;
        break;
    }
    case PRIV_MOV_FROM_DR:
    case PRIV_MOV_TO_DR: {
        /* Xen's emulator: no such register -> #UD, a refused value ->
         * #GP(0); neither advances RIP. */
        unsigned long val;
        long rc = in.op == PRIV_MOV_TO_DR
                  ? pv_set_debugreg(v, in.cr, *gpr(regs, in.gpr))
                  : pv_get_debugreg(v, in.cr, &val);

        if (rc == -ENODEV) {
            pv_inject_exception(v, regs, TRAP_invalid_op, -1);
            return 0;
        }
        if (rc) {
            pv_inject_exception(v, regs, TRAP_gp_fault, 0);
            return 0;
        }
        if (in.op == PRIV_MOV_FROM_DR)
            *gpr(regs, in.gpr) = val;
        break;
    }
    case PRIV_MOV_TO_CR:
        switch (in.cr) {
        case 0:
            do_fpu_taskswitch((*gpr(regs, in.gpr) & X86_CR0_TS) != 0);
            break;
        case 4:
            break;                  /* ignored, as Xen does for PV */
        default:
            return -EINVAL;
        }
        break;
    default:
        return -EINVAL;
    }
    regs->rip += in.len;
    return 0;
}
