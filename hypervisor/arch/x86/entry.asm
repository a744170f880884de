; entry.asm — exception and interrupt entry for all 256 vectors.
;
; Each vector has a 16-byte-aligned stub that makes the stack look the same
; whatever the CPU pushed: a zero error code is pushed for vectors without
; one, and the vector number is stored in the upper half of the error-code
; slot (entry_vector).  The common path then pushes the general registers
; so that RSP points at a struct cpu_user_regs (public/arch-x86/xen-x86_64.h
; layout: r15 first ... rdi, error_code, entry_vector, rip, cs, rflags, rsp,
; ss) and calls do_trap(regs).  On return the registers are restored and
; iretq resumes the interrupted code.
;
; #DB, NMI and #MC arrive on their own IST stacks (and #DF on its own), so
; that a #DB the CPU delivers on the first instruction of the SYSCALL entry,
; before it has switched stacks (a guest's `mov ss` from a watched address
; right before `syscall`: XSA-260), or an NMI/#MC there, is never pushed onto
; the guest-chosen RSP.  When one of them interrupted the guest itself,
; ist_trap_entry moves the frame to the top of the CPU's regular stack (where
; TSS.RSP0 would have put it) and carries on as any other guest entry: the
; exit path, context switches and event delivery all expect the guest's
; frame there.  Interrupted hypervisor code is handled on the IST stack and
; resumed with iretq.  The top qword of each IST stack holds the regular
; stack's RSP0 (traps.c), the only per-CPU fact this path needs.
;
; In 64-bit mode the CPU aligns RSP to 16 bytes before pushing its frame, so
; after the 6 frame qwords and 15 register pushes RSP is 8 mod 16; one more
; qword restores the ABI alignment for the C call.

%include "asm/config.inc"
%include "asm/gprs.inc"

extern do_trap
extern pv_ret_to_guest
global idt_stubs, common_trap_entry

; Vectors for which the CPU pushes an error code.
%define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

section .text
BITS 64

align 16
trap_stubs_start:
%assign vec 0
%rep 256
align 16
trap_stub_ %+ vec:
%if !HAS_ERRCODE(vec)
        push    0
%endif
        mov     dword [rsp + 4], vec
%if (vec) == 1 || (vec) == 2 || (vec) == 18
        jmp     ist_trap_entry
%else
        jmp     common_trap_entry
%endif
%assign vec vec + 1
%endrep

; RSP -> error_code/entry_vector, rip, cs, rflags, rsp, ss; [rsp + 48] is
; the top qword of this IST stack: the regular stack's RSP0.  Interrupts are
; off (interrupt gates).
align 16
ist_trap_entry:
        test    byte [rsp + 16], 3
        jz      common_trap_entry               ; hypervisor context: stay here
        push    rax
        push    rcx
        mov     rax, [rsp + 64]                 ; RSP0
%assign i 5
%rep 6
        mov     rcx, [rsp + 16 + i * 8]
        mov     [rax - 48 + i * 8], rcx
%assign i i - 1
%endrep
        mov     rcx, [rsp + 8]                  ; the guest's rax and rcx go
        mov     [rax - 56], rcx                 ; along, below the frame
        mov     rcx, [rsp]
        mov     [rax - 64], rcx
        lea     rsp, [rax - 64]
        pop     rcx
        pop     rax
        jmp     common_trap_entry

align 16
common_trap_entry:
        cld
        SAVE_GPRS
        mov     rdi, rsp
        sub     rsp, 8
        call    do_trap
        add     rsp, 8
        ; From a guest (ring 3): leave through the PV exit path, which runs
        ; softirqs and delivers pending events before returning.
        test    byte [rsp + 136], 3
        jnz     pv_ret_to_guest
        RESTORE_GPRS
        add     rsp, 8                  ; error_code + entry_vector
        iretq

section .rodata
align 8
; Stub addresses for gdt_idt_init().
idt_stubs:
%assign vec 0
%rep 256
        dq      trap_stub_ %+ vec
%assign vec vec + 1
%endrep

; No executable stack wanted.
section .note.GNU-stack noalloc noexec nowrite progbits
