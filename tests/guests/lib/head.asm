; head.asm — entry point, Xen ELF notes and hypercall page of the test guests.
;
; Xen (or our hypervisor) loads the image as a 64-bit PV kernel: one PT_LOAD at
; 1 MiB with vaddr = paddr and no VIRT_BASE note, so virtual addresses equal
; pseudo-physical ones.  The notes also say the kernel can be dom0 (bit 11 of
; SUPPORTED_FEATURES) because the oracle run boots every test as Xen's dom0.

bits 64
default rel

%define XEN_ELFNOTE_ENTRY              1
%define XEN_ELFNOTE_HYPERCALL_PAGE     2
%define XEN_ELFNOTE_XEN_VERSION        5
%define XEN_ELFNOTE_GUEST_OS           6
%define XEN_ELFNOTE_GUEST_VERSION      7
%define XEN_ELFNOTE_LOADER             8
%define XEN_ELFNOTE_FEATURES          10
%define XEN_ELFNOTE_SUPPORTED_FEATURES 17

; One note: namesz, descsz, type, "Xen\0", descriptor (4-byte aligned).
%macro ELFNOTE_BEGIN_STR 2
    align 4
    dd 4
    dd %%e - %%d
    dd %1
    db "Xen", 0
%%d: db %2, 0
%%e:
%endmacro
%macro ELFNOTE_QUAD 2
    align 4
    dd 4
    dd 8
    dd %1
    db "Xen", 0
    dq %2
%endmacro
%macro ELFNOTE_LONG 2
    align 4
    dd 4
    dd 4
    dd %1
    db "Xen", 0
    dd %2
%endmacro

section .note.Xen note alloc noexec nowrite align=4
    ELFNOTE_BEGIN_STR XEN_ELFNOTE_GUEST_OS, "guesttest"
    ELFNOTE_BEGIN_STR XEN_ELFNOTE_GUEST_VERSION, "1"
    ELFNOTE_BEGIN_STR XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
    ELFNOTE_BEGIN_STR XEN_ELFNOTE_LOADER, "generic"
    ELFNOTE_BEGIN_STR XEN_ELFNOTE_FEATURES, "writable_page_tables"
    ELFNOTE_QUAD XEN_ELFNOTE_ENTRY, _start
    ELFNOTE_QUAD XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page
    ; XENFEAT_dom0 (bit 11): without it Xen refuses the image as dom0.
    ELFNOTE_LONG XEN_ELFNOTE_SUPPORTED_FEATURES, (1 << 11)
    align 4

section .text.head exec
global _start
_start:
    ; RSI = start_info (virtual address).  The boot stack Xen gives us lies
    ; in the start-of-day region; use our own so its size is known.
    cld
    mov rsp, boot_stack_top
    xor ebp, ebp
    mov rdi, rsi
    extern guest_start
    call guest_start
.hang:
    ud2
    jmp .hang

; Filled in by the hypervisor: 128 stubs of 32 bytes, stub n issues
; hypercall n.  Until then every byte traps, so an unfilled page shows up
; as an immediate fault instead of silent nonsense.
section .text.hypercall_page exec align=4096
global hypercall_page
hypercall_page:
    times 4096 db 0xcc

section .bss nobits align=4096
global boot_stack_top
boot_stack:
    resb 16384
boot_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
