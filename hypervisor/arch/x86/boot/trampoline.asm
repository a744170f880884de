; trampoline.asm — where an application processor starts: the SIPI makes it
; fetch its first instruction in real mode at TRAMPOLINE_PA (below 1 MiB,
; 4 KiB aligned: the SIPI vector is the page number).  smpboot.c copies
; these bytes there and patches the parameter block at the end (page-table
; root, EFER bits, stack, C entry point) before each start-up IPI.
;
; Real mode -> 32-bit protected mode (own small GDT) -> PAE, EFER.LME (+NXE),
; paging on with the hypervisor's page tables, whose slot 0 still identity
; maps low memory during bring-up -> 64-bit code here -> jump to the
; hypervisor's high address with the CPU's own stack.
;
; Everything is addressed as TRAMPOLINE_PA + (label - trampoline_start), so
; the code does not depend on where the image itself is linked.

%define TRAMPOLINE_PA   0x6000
%define T(x)            (TRAMPOLINE_PA + ((x) - trampoline_start))

global trampoline_start, trampoline_end, trampoline_params

section .rodata
align 16
BITS 16
trampoline_start:
        cli
        cld
        mov     ax, cs                  ; CS = TRAMPOLINE_PA >> 4
        mov     ds, ax
        o32 lgdt [tramp_gdtr - trampoline_start]
        mov     eax, cr0
        or      eax, 1
        mov     cr0, eax
        jmp     dword 0x08:T(.pm32)

BITS 32
.pm32:
        mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        ; The boot CPU's settings: PAE, OSFXSR, OSXMMEXCPT.
        mov     eax, cr4
        or      eax, (1 << 5) | (1 << 9) | (1 << 10)
        mov     cr4, eax
        mov     eax, [T(tp_cr3)]
        mov     cr3, eax
        mov     ecx, 0xC0000080         ; EFER
        rdmsr
        or      eax, [T(tp_efer)]
        wrmsr
        mov     eax, cr0
        and     eax, ~((1 << 2) | (1 << 3) | (1 << 29) | (1 << 30))
        or      eax, (1 << 31) | (1 << 16) | (1 << 5) | (1 << 1) | (1 << 0)
        mov     cr0, eax
        jmp     0x18:T(.lm64)

BITS 64
.lm64:
        mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     rsp, [T(tp_stack)]
        mov     rax, [T(tp_entry)]
        xor     ebp, ebp                ; ends stack traces
        push    rbp
        jmp     rax

align 8
tramp_gdt:
        dq 0
        dq 0x00cf9a000000ffff           ; 0x08: 32-bit ring-0 code
        dq 0x00cf92000000ffff           ; 0x10: ring-0 data
        dq 0x00af9a000000ffff           ; 0x18: 64-bit ring-0 code
tramp_gdt_end:
align 8
        dw 0, 0, 0
tramp_gdtr:
        dw tramp_gdt_end - tramp_gdt - 1
        dd T(tramp_gdt)

; Parameters (smpboot.c's struct trampoline_params, same order).
align 8
trampoline_params:
tp_cr3:         dq 0                    ; page-table root (below 4 GiB)
tp_efer:        dq 0                    ; EFER bits to set (LME, NXE)
tp_stack:       dq 0                    ; initial RSP
tp_entry:       dq 0                    ; C entry point
tp_cpu:         dq 0                    ; CPU number
trampoline_end:

section .note.GNU-stack noalloc noexec nowrite progbits
