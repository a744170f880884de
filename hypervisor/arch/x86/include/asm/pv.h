/*
 * asm/pv.h — interfaces between the pieces of the x86 PV core: the entry
 * and exit paths (pv/entry.asm, pv/domain.c), trap bouncing and emulation
 * (pv/traps.c, pv/emulate.c), descriptor tables (pv/descriptor.c), the
 * hypercall dispatcher (pv/hypercall.c) and the domain builder
 * (pv/dom_build.c).
 */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <xen/types.h>
#include <public/xen.h>

struct vcpu;
struct domain;

/* The guest frame at the top of the stack: r15 .. ss (public layout). */
#define PV_FRAME_SIZE   168
#define TRAP_syscall    0x100           /* entry_vector of a SYSCALL entry */

/* ---- entry.asm ---- */
extern char pv_copy_insn[], pv_copy_fixup[], pv_copy_insn_tail[], pv_copy_fixup_words[];
extern char pv_put16_insn[], pv_put16_fixup[];
extern char pv_iret_insn[];
extern char pv_load_sel_insn_ds[], pv_load_sel_insn_es[], pv_load_sel_insn_fs[],
            pv_load_sel_insn_gs[], pv_load_sel_fixup[];
void pv_syscall_entry(void);
unsigned long pv_guest_copy(void *dst, const void *src, unsigned long n);
unsigned long pv_guest_put16(void *dst, unsigned long v);
int pv_load_sel(unsigned int which, unsigned int sel);
void pv_resume_guest(void) __noreturn;
void pv_run_on_idle_stack(void (*fn)(void)) __noreturn;

/* ---- domain.c ---- */
struct cpu_user_regs *guest_cpu_user_regs(void);
bool pv_fixup_fault(struct cpu_user_regs *regs);
void pv_toggle_guest_mode(struct vcpu *v);
void pv_load_segments(struct vcpu *v);
void pv_exit_to_guest(struct cpu_user_regs *regs);
void pv_start_scheduling(void) __noreturn;
/* An AP, set up and online, joins (pv/domain.c). */
void pv_secondary_start(void) __noreturn;
struct cpu_info;
int pv_percpu_init(struct cpu_info *ci, unsigned int cpu);
void pv_gdt_map_page(struct vcpu *v, unsigned int i, mfn_t mfn);
void pv_ldt_map_page(struct vcpu *v, unsigned int i, mfn_t mfn);
void pv_load_ldt(struct vcpu *v);      /* NULL: no LDT */

/* ---- traps.c ---- */
void pv_traps_init(void);
void pv_traps_init_cpu(void);      /* this CPU's SYSCALL MSRs */
/* An exception or interrupt vector raised while a guest ran. */
void pv_guest_exception(struct cpu_user_regs *regs);
/* Queue vector (with error code, or -1) for the guest: rewrites regs. */
int pv_inject_exception(struct vcpu *v, struct cpu_user_regs *regs, unsigned int vec, long ec);
void pv_bounce_event(struct vcpu *v, struct cpu_user_regs *regs);
void pv_bounce_failsafe(struct vcpu *v, struct cpu_user_regs *regs);
void pv_iret_failed(void) __noreturn;
void pv_do_syscall(struct cpu_user_regs *regs);
int  pv_vcpu_initialise(struct vcpu *v, const void *guest_ctx);
uint64_t pv_cmos_wallclock(void);
void pv_load_debugregs(struct vcpu *v);   /* NULL: none */
/* Debug registers with Xen's rules (set_debugreg, get_debugreg, `mov %drN`):
 * 0 or -ENODEV / -EINVAL / -EPERM as pv_debugreg_check() (asm/pv_emul.h). */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, unsigned long value);
long pv_get_debugreg(struct vcpu *v, unsigned int reg, unsigned long *value);
void pv_reset_debugregs(struct vcpu *v);  /* the start-of-day DR6/DR7 */

/* ---- emulate.c ---- */
/* 0: emulated (regs advanced); else the fault goes to the guest. */
int pv_emulate_gp(struct vcpu *v, struct cpu_user_regs *regs);
int pv_emulate_ud(struct vcpu *v, struct cpu_user_regs *regs);

/* ---- descriptor.c ---- */


void pv_destroy_gdt(struct vcpu *v);      /* and the LDT */
int  pv_set_gdt(struct vcpu *v, const unsigned long *frames, unsigned int entries);

/* ---- hypercall.c ---- */
long pv_hypercall(struct cpu_user_regs *regs);

/* ---- console_input.c ---- */
void pv_console_input_init(void);

/* ---- dom_build.c ---- */
void pv_build_boot_domains(void);

#endif
