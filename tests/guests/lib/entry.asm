; entry.asm — exception, event, failsafe and syscall entry points of the test
; guests, the return path through the iret hypercall, and user-mode entry.
;
; Xen's bounce frame on the guest kernel stack is, low to high:
;     RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS
; (the failsafe callback adds DS, ES, FS, GS after R11).  Every stub pops
; RCX/R11 back into place, pushes a uniform (error code, vector) pair and
; jumps to the common path, which saves the GPRs as a struct cpu_regs and
; calls do_trap() in C.  Return is always through HYPERVISOR_iret, either via
; the hypercall page stub or a direct `syscall`, chosen at run time so both
; paths get exercised.

bits 64
default rel

%define HC_IRET 23
%define VEC_EVENT    256
%define VEC_FAILSAFE 257
%define VEC_SYSCALL  258

extern do_trap
extern hypercall_page
global trap_entries, event_entry, failsafe_entry, syscall_entry
global iret_use_syscall, failsafe_segs, exec_user_rflags
global exec_user_asm, resume_kernel

section .data
iret_use_syscall: db 0          ; 0: iret via hypercall page, 1: direct syscall
align 8
failsafe_segs: dq 0, 0, 0, 0    ; DS, ES, FS, GS of the last failsafe frame
saved_ksp: dq 0                 ; kernel RSP of the pending exec_user_asm
exec_user_rflags: dq 0x202      ; RFLAGS user mode starts with (IF; IOPL 0)

section .text

; Vectors whose bounce frame carries an error code.
%macro TRAP_STUB 1
align 16
trap_%1:
    pop rcx
    pop r11
%if (%1 == 8) || (%1 >= 10 && %1 <= 14) || (%1 == 17) || (%1 == 21)
%else
    push 0
%endif
    push %1
    jmp common_entry
%endmacro

%assign v 0
%rep 256
    TRAP_STUB v
%assign v v+1
%endrep

align 16
event_entry:
    pop rcx
    pop r11
    push 0
    push VEC_EVENT
    jmp common_entry

align 16
failsafe_entry:
    pop rcx
    pop r11
    ; keep the selectors Xen failed to load, for the test to check
    push rax
    mov rax, [rsp + 8]
    mov [failsafe_segs], rax
    mov rax, [rsp + 16]
    mov [failsafe_segs + 8], rax
    mov rax, [rsp + 24]
    mov [failsafe_segs + 16], rax
    mov rax, [rsp + 32]
    mov [failsafe_segs + 24], rax
    pop rax
    add rsp, 32
    push 0
    push VEC_FAILSAFE
    jmp common_entry

align 16
syscall_entry:
    pop rcx
    pop r11
    push 0
    push VEC_SYSCALL
    jmp common_entry

; Stack: vector, error code, RIP, CS, RFLAGS, RSP, SS.
common_entry:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp
    mov rbx, rsp
    and rsp, -16
    call do_trap
    mov rsp, rbx
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16
    ; fall through: RSP points at RIP, CS, RFLAGS, RSP, SS

; Return to the frame at RSP through HYPERVISOR_iret.  The hypercall takes
; RAX, R11, RCX, flags, RIP, CS, RFLAGS, RSP, SS; the hypercall page's iret
; stub pushes RCX, R11, RAX itself.
global iret_to_frame
iret_to_frame:
    push 0                      ; flags: not VGCF_in_syscall
    cmp byte [iret_use_syscall], 0
    jne .direct
    jmp hypercall_page + HC_IRET * 32
.direct:
    push rcx
    push r11
    push rax
    mov eax, HC_IRET
    syscall
    ud2                         ; iret never returns here

; long exec_user_asm(void (*fn)(void), void *user_stack_top)
; Enters user mode at fn through the iret hypercall.  Control comes back here
; (as the return of this call) when the C trap code calls resume_kernel(),
; which it does for a syscall or any exception raised in user mode.
exec_user_asm:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    mov [saved_ksp], rsp
    push qword 0xe02b           ; SS  (FLAT_USER_SS)
    push rsi                    ; RSP
    push qword [exec_user_rflags] ; RFLAGS: IF set, so events stay as they are
    push qword 0xe033           ; CS  (FLAT_USER_CS, RPL 3 => user mode)
    push rdi                    ; RIP
    xor eax, eax
    xor ecx, ecx
    xor r11d, r11d
    jmp iret_to_frame

; void resume_kernel(long value): unwinds to the exec_user_asm call.
resume_kernel:
    mov rax, rdi
    mov rsp, [saved_ksp]
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

section .rodata
align 8
trap_entries:
%assign v 0
%rep 256
    dq trap_ %+ v
%assign v v+1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
