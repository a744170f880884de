; pv/entry.asm — the PV guest entry and exit paths.
;
; Each CPU has its own hypervisor stack with a struct cpu_info in its top 64
; bytes (asm/smp.h).  Whenever a guest runs on a CPU, the 168 bytes below
; that cpu_info (up to TSS.RSP0) are the guest's struct cpu_user_regs frame
; (general registers, error code/vector, rip, cs, rflags, rsp, ss): exception
; and interrupt entries from ring 3 land there through TSS.RSP0, and the
; SYSCALL entry below builds the same frame by hand.  Context switches swap
; the frame's contents, so the exit path always returns from the same place.
;
;   pv_syscall_entry   LSTAR target: hypercalls from the guest kernel and
;                      system calls from guest user mode (pv_do_syscall)
;   pv_ret_to_guest    exit path: softirqs, event upcall check (C), then
;                      restore the frame: sysretq when it is exactly what
;                      sysretq restores (hypercall returns), else iretq
;   pv_resume_guest    C-callable: discard the hypervisor stack and exit
;   pv_run_on_idle_stack  C-callable: run fn on the stack below the frame
;   pv_guest_copy      memcpy that survives faults (guest memory access)
;   pv_guest_put16     one 16-bit store that survives faults
;   pv_load_sel        load a data segment register, reporting a fault
;
; Faults at the labelled instructions (copy, selector load, the final iretq)
; are recognised by pv_fixup_fault() in C, which moves RIP to the recovery
; code instead of treating them as hypervisor bugs.

default rel
%include "asm/config.inc"
%include "asm/gprs.inc"

extern pv_do_syscall
extern pv_exit_to_guest

global pv_syscall_entry, pv_ret_to_guest, pv_resume_guest, pv_run_on_idle_stack
global pv_guest_copy, pv_copy_insn, pv_copy_fixup, pv_copy_insn_tail, pv_copy_fixup_words
global pv_guest_put16, pv_put16_insn, pv_put16_fixup
global pv_load_sel, pv_load_sel_insn, pv_load_sel_fixup
global pv_iret_insn

%define FRAME_SIZE      168
%define TRAP_syscall    0x100
%define FLAT_KERNEL_CS  0xe033
%define FLAT_KERNEL_SS  0xe02b
%define EFLAGS_RF       0x10000
%define EFLAGS_VM       0x20000

; struct cpu_user_regs offsets (the order of asm/gprs.inc, then the CPU frame).
%define REGS_r11        48
%define REGS_rcx        88
%define REGS_error_code 120
%define REGS_rip        128
%define REGS_cs         136
%define REGS_rflags     144
%define REGS_rsp        152
%define REGS_ss         160

; RSP -> this CPU's TSS.RSP0 (the frame's upper end), from anywhere on its
; hypervisor stack.
%macro RSP_TO_FRAME_TOP 0
        or      rsp, STACK_SIZE - 1
        sub     rsp, CPU_INFO_SIZE - 1
%endmacro

section .text
BITS 64


; SYSCALL from ring 3: RCX = guest RIP, R11 = guest RFLAGS, RSP = guest's,
; IF cleared by FMASK.  Build the frame at the top of this CPU's hypervisor
; stack, found through its cpu_info: SWAPGS makes GS the cpu_info for the
; three accesses (MSR_SHADOW_GS_BASE, asm/smp.h) and gives the guest its GS
; base back.  Interrupts are off until the frame is built.
align 16
pv_syscall_entry:
        swapgs
        mov     [gs:CPU_INFO_scratch], rsp
        mov     rsp, [gs:CPU_INFO_rsp0]
        push    FLAT_KERNEL_SS
        push    qword [gs:CPU_INFO_scratch]
        swapgs
        push    r11
        push    FLAT_KERNEL_CS
        push    rcx
        push    0
        mov     dword [rsp + 4], TRAP_syscall
        cld
        SAVE_GPRS
        mov     rdi, rsp
        sub     rsp, 8
        call    pv_do_syscall
        add     rsp, 8
        ; fall through

; RSP = the guest frame at the top of the stack, interrupts off.
pv_ret_to_guest:
        mov     rdi, rsp
        sub     rsp, 8
        call    pv_exit_to_guest                ; may switch vCPUs or go idle
        add     rsp, 8
        ; SYSRETQ restores exactly this frame when RCX = RIP and R11 =
        ; RFLAGS (true after a hypercall: the syscall put them there), CS:SS
        ; are the flat ring-3 pair STAR yields (0xe033:0xe02b), RIP is
        ; canonical (else Intel CPUs fault in ring 0, on the guest stack) and
        ; RF/VM are clear (SYSRET clears them).  It is much cheaper than
        ; IRETQ, which reloads both descriptors (under emulation above all).
        ; Anything else, e.g. a frame rewritten by the iret hypercall or an
        ; event bounce, or a guest-GDT selector, leaves through IRETQ.
        mov     rax, [rsp + REGS_rip]
        cmp     rax, [rsp + REGS_rcx]
        jne     .iret
        mov     rdx, [rsp + REGS_rflags]
        cmp     rdx, [rsp + REGS_r11]
        jne     .iret
        test    edx, EFLAGS_RF | EFLAGS_VM
        jnz     .iret
        cmp     qword [rsp + REGS_cs], FLAT_KERNEL_CS
        jne     .iret
        cmp     qword [rsp + REGS_ss], FLAT_KERNEL_SS
        jne     .iret
        mov     rcx, rax
        shl     rcx, 16
        sar     rcx, 16
        cmp     rcx, rax
        jne     .iret
        RESTORE_GPRS                            ; RCX = RIP, R11 = RFLAGS
        mov     rsp, [rsp + REGS_rsp - REGS_error_code]
        o64 sysret
.iret:
        RESTORE_GPRS
        add     rsp, 8                          ; error_code/entry_vector
pv_iret_insn:
        iretq

; void pv_resume_guest(void) __noreturn: the frame is final, exit from it.
pv_resume_guest:
        cli
        RSP_TO_FRAME_TOP
        sub     rsp, FRAME_SIZE
        jmp     pv_ret_to_guest

; void pv_run_on_idle_stack(void (*fn)(void)) __noreturn: the idle loop runs
; below the frame area so that guest entries never overwrite it.
pv_run_on_idle_stack:
        RSP_TO_FRAME_TOP
        sub     rsp, FRAME_SIZE + 64
        and     rsp, -16
        xor     ebp, ebp
        call    rdi
        ud2

; unsigned long pv_guest_copy(void *dst, const void *src, unsigned long n):
; returns the bytes not copied (0 = success).  Eight bytes at a time, then
; the tail: TCG runs string instructions one element at a time, so words are
; 8x fewer steps.  A fault in the word loop leaves RCX = words not copied
; (the faulting one included) and RDX = the tail; in the tail loop RCX =
; bytes not copied.
pv_guest_copy:
        mov     rcx, rdx
        shr     rcx, 3
        and     edx, 7
pv_copy_insn:
        rep movsq
        mov     rcx, rdx
pv_copy_insn_tail:
        rep movsb
pv_copy_fixup:
        mov     rax, rcx
        ret
pv_copy_fixup_words:
        lea     rax, [rcx * 8 + rdx]
        ret

; unsigned long pv_guest_put16(void *dst, unsigned long v): one 16-bit store;
; returns 0, or 2 (bytes not written) if it faulted.
pv_guest_put16:
        xor     eax, eax
pv_put16_insn:
        mov     [rdi], si
        ret
pv_put16_fixup:
        mov     eax, 2
        ret

; int pv_load_sel(unsigned int which, unsigned int sel): 0, or -1 if the
; selector faulted (the register is then loaded with the null selector).
; which: 0 ds, 1 es, 2 fs, 3 gs.  Loading fs/gs clears their base: callers
; write the bases afterwards.
pv_load_sel:
        mov     eax, esi
        xor     edx, edx                        ; result if no fault
        cmp     edi, 1
        jb      .ds
        je      .es
        cmp     edi, 2
        je      .fs
        jmp     .gs
.ds:    lea     rcx, [.done]
        jmp     pv_load_sel_insn_ds
.es:    lea     rcx, [.done]
        jmp     pv_load_sel_insn_es
.fs:    lea     rcx, [.done]
        jmp     pv_load_sel_insn_fs
.gs:    lea     rcx, [.done]
        jmp     pv_load_sel_insn_gs
.done:
        mov     eax, edx
        ret

; Each loader is one faultable instruction followed by `jmp rcx`.  A fault
; resumes at pv_load_sel_fixup with RCX intact: load null, report -1.
global pv_load_sel_insn_ds, pv_load_sel_insn_es, pv_load_sel_insn_fs, pv_load_sel_insn_gs
pv_load_sel_insn_ds:
        mov     ds, ax
        jmp     rcx
pv_load_sel_insn_es:
        mov     es, ax
        jmp     rcx
pv_load_sel_insn_fs:
        mov     fs, ax
        jmp     rcx
pv_load_sel_insn_gs:
        mov     gs, ax
        jmp     rcx
pv_load_sel_insn:
pv_load_sel_fixup:
        mov     edx, -1
        jmp     rcx

section .note.GNU-stack noalloc noexec nowrite progbits
