/*
 * traps.c — trap table, callbacks, expected-fault table and user-mode entry.
 *
 * Every bounce the hypervisor makes (exceptions, event upcalls, the failsafe
 * callback, syscalls from user mode) arrives in do_trap() through entry.asm.
 * Kernel-mode faults at an instruction listed in the .extable section resume
 * at its fixup and are recorded in ex_*; faults from user mode end the
 * current exec_user(); anything else is unexpected and ends the test with
 * ERROR, printing the frame so the failure can be diagnosed from the log.
 */
#include "guest.h"

extern const uint64_t trap_entries[256];
extern char event_entry[], failsafe_entry[], syscall_entry[];
extern long exec_user_asm(void (*fn)(void), void *stack_top);
extern void __noreturn resume_kernel(long value);

struct extable_entry { uint64_t fault, fixup; };
extern const struct extable_entry __start_extable[], __stop_extable[];

volatile long ex_vec = -1;
volatile uint64_t ex_ec, ex_cr2, ex_rip;
volatile unsigned long nr_events, nr_failsafe;
struct cpu_regs user_exit;
struct cpu_regs *last_frame;

static trap_handler_t handlers[259];
static bool in_user;
static char user_stack[8192] __aligned(16);

/* Vectors 0-31 for the kernel; int3/into and 0x80/0x83 callable from user
 * mode (DPL 3); 0x81 is kernel-only (DPL 0) and 0x82 DPL 1, so `int` on
 * them from user mode must raise #GP. */
struct trap_info trap_table[40];

void install_trap_table(void)
{
    struct trap_info *t = trap_table;
    struct callback_register cb;
    unsigned int v;
    long rc;

    memset(trap_table, 0, sizeof(trap_table));
    for (v = 0; v < 32; v++, t++) {
        t->vector = (uint8_t)v;
        t->cs = FLAT_KERNEL_CS;
        t->address = trap_entries[v];
        if (v == X86_EXC_BP || v == 4)
            t->flags = 3;
    }
    for (v = 0x80; v <= 0x83; v++, t++) {
        t->vector = (uint8_t)v;
        t->cs = FLAT_KERNEL_CS;
        t->address = trap_entries[v];
        t->flags = v == 0x81 ? 0 : v == 0x82 ? 1 : 3;
    }
    /* the zero entry after them ends the table */
    rc = hc_set_trap_table(trap_table);
    if (rc)
        test_abort("set_trap_table: %ld", rc);

    cb = (struct callback_register){ .type = CALLBACKTYPE_event,
                                     .address = (unsigned long)event_entry };
    rc = hc_callback_op(CALLBACKOP_register, &cb);
    if (rc)
        test_abort("callback_op(event): %ld", rc);
    cb = (struct callback_register){ .type = CALLBACKTYPE_failsafe,
                                     .flags = CALLBACKF_mask_events,
                                     .address = (unsigned long)failsafe_entry };
    rc = hc_callback_op(CALLBACKOP_register, &cb);
    if (rc)
        test_abort("callback_op(failsafe): %ld", rc);
    cb = (struct callback_register){ .type = CALLBACKTYPE_syscall,
                                     .flags = CALLBACKF_mask_events,
                                     .address = (unsigned long)syscall_entry };
    rc = hc_callback_op(CALLBACKOP_register, &cb);
    if (rc)
        test_abort("callback_op(syscall): %ld", rc);
}

void set_trap_handler(unsigned int vec, trap_handler_t fn)
{
    if (vec < ARRAY_SIZE(handlers))
        handlers[vec] = fn;
}

static const char *vec_name(uint64_t v)
{
    static const char *const names[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO",
        "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
        "#VE", "#CP",
    };

    if (v < 32 && names[v])
        return names[v];
    if (v == VEC_EVENT)
        return "event";
    if (v == VEC_FAILSAFE)
        return "failsafe";
    if (v == VEC_SYSCALL)
        return "syscall";
    return "int";
}

static void __noreturn unexpected(struct cpu_regs *r)
{
    test_abort("unexpected %s (vector %lu) at rip %#lx cs %#lx ec %#lx cr2 %#lx rsp %#lx",
               vec_name(r->vector), (unsigned long)r->vector, (unsigned long)r->rip,
               (unsigned long)r->cs, (unsigned long)r->error_code,
               (unsigned long)vcpu0->arch.cr2, (unsigned long)r->rsp);
}

void do_trap(struct cpu_regs *r);
void do_trap(struct cpu_regs *r)
{
    const struct extable_entry *e;
    uint64_t vec = r->vector;

    last_frame = r;
    if (vec == VEC_EVENT) {
        nr_events++;
        vcpu0->evtchn_upcall_pending = 0;
        if (handlers[vec])
            handlers[vec](r);
        return;
    }
    if (vec == VEC_FAILSAFE) {
        nr_failsafe++;
        if (handlers[vec] && handlers[vec](r))
            return;
        unexpected(r);
    }

    /* From user mode (RPL 3 kept in the frame): back to exec_user's caller. */
    if ((r->cs & 3) == 3) {
        if (!in_user)
            unexpected(r);
        user_exit = *r;
        in_user = false;
        vcpu0->evtchn_upcall_mask = 1;
        resume_kernel((long)vec);
    }

    for (e = __start_extable; e < __stop_extable; e++) {
        if (e->fault == r->rip) {
            ex_vec = (long)vec;
            ex_ec = r->error_code;
            ex_rip = r->rip;
            ex_cr2 = vec == X86_EXC_PF ? vcpu0->arch.cr2 : 0;
            r->rip = e->fixup;
            return;
        }
    }
    if (handlers[vec] && handlers[vec](r))
        return;
    unexpected(r);
}

long exec_user(void (*fn)(void))
{
    in_user = true;
    memset(&user_exit, 0, sizeof(user_exit));
    return exec_user_asm(fn, user_stack + sizeof(user_stack));
}

long start_secondary_vcpu(unsigned int id, struct vcpu_guest_context *ctx, void *entry,
                          unsigned long sp, unsigned long arg)
{
    long rc;

    memset(ctx, 0, sizeof(*ctx));
    ctx->flags = VGCF_in_kernel;
    ctx->user_regs.rip = (unsigned long)entry;
    ctx->user_regs.cs = FLAT_KERNEL_CS;
    ctx->user_regs.ss = FLAT_KERNEL_SS;
    ctx->user_regs.rsp = sp;
    ctx->user_regs.rdi = arg;
    ctx->user_regs.rflags = 0x200;
    for (unsigned int i = 0; trap_table[i].address; i++)
        ctx->trap_ctxt[trap_table[i].vector] = trap_table[i];
    ctx->kernel_ss = FLAT_KERNEL_SS;
    ctx->kernel_sp = sp;
    ctx->ctrlreg[3] = virt_to_mfn((void *)start_info->pt_base) << 12;
    ctx->event_callback_eip = (unsigned long)event_entry;
    ctx->failsafe_callback_eip = (unsigned long)failsafe_entry;
    ctx->syscall_callback_eip = (unsigned long)syscall_entry;
    rc = hc_vcpu_op(VCPUOP_initialise, id, ctx);
    if (rc)
        return rc;
    return hc_vcpu_op(VCPUOP_up, id, NULL);
}
