; head.asm — the hypervisor's first instructions: multiboot1 and multiboot2
; headers, the 32-bit entry point, the early page tables, the switch to long
; mode and the jump to C (__start_xen) at the image's high virtual address.
;
; Loading: build/hypervisor.elf is an ELF64 file, which QEMU's multiboot1
; loader refuses.  Both headers therefore carry explicit load addresses
; (multiboot1 flag bit 16, multiboot2 address + entry tags), so every loader
; treats the file as a flat image: it copies [load_addr, load_end_addr) from
; the file, zeroes up to bss_end_addr and enters at entry_addr in 32-bit
; protected mode.  The linker script keeps the whole image in one PT_LOAD
; segment so file layout equals memory layout.
;
; Early mappings (2 MiB pages, all in .bss.page_aligned):
;   L4 slot 0    -> identity map of the first 4 GiB (removed once C runs from
;                   the high mapping and has its own direct map)
;   L4 slot 261  -> the image: XEN_VIRT_START + n*2M -> n*2M for the 2 MiB
;                   pages the image occupies
;   L4 slot 262  -> the same L3 as slot 0: an early direct map of the first
;                   4 GiB, so C can read the multiboot data through __va()
;                   before the real direct map exists
%include "asm/config.inc"

%define MB1_MAGIC           0x1BADB002
%define MB1_LOADER_MAGIC    0x2BADB002
%define MB1_FLAGS           ((1 << 0) | (1 << 1) | (1 << 16))   ; align mods, meminfo, addresses
%define MB2_MAGIC           0xE85250D6
%define MB2_LOADER_MAGIC    0x36D76289

%define PTE_P               0x001
%define PTE_RW              0x002
%define PTE_PS              0x080
%define L4_IDX(va)          (((va) >> 39) & 511)
%define L3_IDX(va)          (((va) >> 30) & 511)

%define COM1                0x3f8

extern __start_xen
extern __load_end_phys, __bss_start_phys, __bss_end_phys, __image_nr_2m
extern cpu0_stack

global start32, boot_l4, idle_pg_table, boot_asm_xen_virt_start
boot_asm_xen_virt_start equ XEN_VIRT_START

section .text.head progbits alloc exec nowrite align=16
BITS 32

; ---- multiboot1 header: must be in the first 8 KiB of the file ----
align 4
mb1_header:
        dd MB1_MAGIC
        dd MB1_FLAGS
        dd -(MB1_MAGIC + MB1_FLAGS)
        dd XEN_LOAD_PHYS + (mb1_header - mb1_header)   ; header_addr
        dd XEN_LOAD_PHYS                               ; load_addr
        dd __load_end_phys                             ; load_end_addr
        dd __bss_end_phys                              ; bss_end_addr
        dd XEN_LOAD_PHYS + (start32 - mb1_header)      ; entry_addr

; ---- multiboot2 header: must be in the first 32 KiB, 8-byte aligned ----
align 8
mb2_header:
        dd MB2_MAGIC
        dd 0                                           ; architecture: i386 (32-bit PM)
        dd mb2_header_end - mb2_header
        dd -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
        ; information request: cmdline, loader name, modules, meminfo, mmap
align 8
.info_req:
        dw 1, 0
        dd .info_req_end - .info_req
        dd 1, 2, 3, 4, 6
.info_req_end:
align 8
.addr:
        dw 2, 0
        dd 24
        dd XEN_LOAD_PHYS + (mb2_header - mb1_header)   ; header_addr
        dd XEN_LOAD_PHYS                               ; load_addr
        dd __load_end_phys                             ; load_end_addr
        dd __bss_end_phys                              ; bss_end_addr
align 8
.entry:
        dw 3, 0
        dd 12
        dd XEN_LOAD_PHYS + (start32 - mb1_header)
align 8
.mod_align:
        dw 6, 0
        dd 8
align 8
        dw 0, 0                                        ; end tag
        dd 8
mb2_header_end:

; ---- 32-bit entry (both loaders): EAX = loader magic, EBX = info block ----
align 16
start32:
        cli
        cld
        mov     esi, eax                ; loader magic (kept in ESI)
        mov     ebp, ebx                ; info block physical address (kept in EBP)

        ; Zero .bss ourselves: not every loader is trusted to do it, and the
        ; page tables and stacks below live there.
        mov     edi, __bss_start_phys
        mov     ecx, __bss_end_phys
        sub     ecx, edi
        shr     ecx, 2
        xor     eax, eax
        rep stosd

        mov     esp, PA(cpu0_stack) + STACK_SIZE - CPU_INFO_SIZE

        cmp     esi, MB1_LOADER_MAGIC
        je      .magic_ok
        cmp     esi, MB2_LOADER_MAGIC
        je      .magic_ok
        mov     edx, PA(msg_bad_magic)
        jmp     early_fail
.magic_ok:
        ; Long mode is mandatory.
        mov     eax, 0x80000000
        cpuid
        cmp     eax, 0x80000001
        jb      .no_lm
        mov     eax, 0x80000001
        cpuid
        bt      edx, 29
        jnc     .no_lm
        mov     edi, edx                ; remember NX support (bit 20)
        jmp     .build_tables
.no_lm:
        mov     edx, PA(msg_no_lm)
        jmp     early_fail

.build_tables:
        ; L4: slot 0 and 262 share the 4 GiB identity L3, slot 261 the image L3.
        mov     eax, PA(boot_l3_ident) + (PTE_P | PTE_RW)
        mov     [PA(boot_l4) + 0 * 8], eax
        mov     [PA(boot_l4) + L4_IDX(DIRECTMAP_VIRT_START) * 8], eax
        mov     eax, PA(boot_l3_xen) + (PTE_P | PTE_RW)
        mov     [PA(boot_l4) + L4_IDX(XEN_VIRT_START) * 8], eax

        ; Identity L3 -> four L2s, each 512 x 2 MiB.
        mov     eax, PA(boot_l2_ident) + (PTE_P | PTE_RW)
        mov     ebx, PA(boot_l3_ident)
        mov     ecx, 4
.l3_ident:
        mov     [ebx], eax
        add     eax, 4096
        add     ebx, 8
        loop    .l3_ident

        mov     eax, PTE_P | PTE_RW | PTE_PS
        mov     ebx, PA(boot_l2_ident)
        mov     ecx, 2048
.l2_ident:
        mov     [ebx], eax
        add     eax, 0x200000
        add     ebx, 8
        loop    .l2_ident

        ; Image L3 -> one L2; entries 1..n map the 2 MiB pages of the image.
        mov     eax, PA(boot_l2_xen) + (PTE_P | PTE_RW)
        mov     [PA(boot_l3_xen) + L3_IDX(XEN_VIRT_START) * 8], eax
        mov     eax, XEN_LOAD_PHYS | PTE_P | PTE_RW | PTE_PS
        mov     ebx, PA(boot_l2_xen) + (XEN_LOAD_PHYS >> 21) * 8
        mov     ecx, __image_nr_2m
.l2_xen:
        mov     [ebx], eax
        add     eax, 0x200000
        add     ebx, 8
        loop    .l2_xen

        ; CR4: PAE, OSFXSR, OSXMMEXCPT (the PV ABI wants SSE usable by guests).
        mov     eax, cr4
        or      eax, (1 << 5) | (1 << 9) | (1 << 10)
        mov     cr4, eax
        mov     eax, PA(boot_l4)
        mov     cr3, eax
        ; EFER: LME, plus NXE when the CPU has NX.
        mov     ecx, 0xC0000080
        rdmsr
        or      eax, (1 << 8)
        bt      edi, 20
        jnc     .no_nx
        or      eax, (1 << 11)
.no_nx:
        wrmsr
        ; CR0: PG, WP, NE, MP, PE; no EM/TS/CD/NW.
        mov     eax, cr0
        and     eax, ~((1 << 2) | (1 << 3) | (1 << 29) | (1 << 30))
        or      eax, (1 << 31) | (1 << 16) | (1 << 5) | (1 << 1) | (1 << 0)
        mov     cr0, eax

        mov     eax, PA(boot_gdtr)
        lgdt    [eax]
        jmp     BOOT_CS64:PA(start64_low)

; Print the NUL-terminated string at EDX on COM1, then halt forever.
early_fail:
        mov     ebx, edx
.next:
        mov     al, [ebx]
        test    al, al
        jz      .halt
        mov     ah, al
        mov     ecx, 100000
        mov     dx, COM1 + 5
.wait:
        in      al, dx
        test    al, 0x20
        jnz     .ready
        loop    .wait
.ready:
        mov     al, ah
        mov     dx, COM1
        out     dx, al
        inc     ebx
        jmp     .next
.halt:
        hlt
        jmp     .halt

BITS 64
start64_low:
        ; Still running at the physical address: go to the high mapping.
        mov     rax, start64_high
        jmp     rax

start64_high:
        mov     ax, BOOT_DS
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        xor     eax, eax
        mov     fs, ax
        mov     gs, ax
        mov     rsp, cpu0_stack + STACK_SIZE - CPU_INFO_SIZE   ; struct cpu_info above
        ; GDTR's base must stay valid once the identity map is gone.
        mov     rax, boot_gdt
        mov     [rel boot_gdtr + 2], rax
        lgdt    [rel boot_gdtr]
        mov     edi, esi                ; magic
        mov     esi, ebp                ; info block physical address
        xor     ebp, ebp                ; ends stack traces
        push    rbp                     ; fake return address 0
        jmp     __start_xen

section .rodata
msg_bad_magic:  db "boot: not started by a multiboot loader (bad magic in EAX)", 13, 10, 0
msg_no_lm:      db "boot: this CPU has no long mode; a 64-bit CPU is required", 13, 10, 0

section .data
align 16
; The boot GDT: null, 64-bit code, data.  C replaces it by the full GDT.
boot_gdt:
        dq 0
        dq 0x00af9a000000ffff          ; 0x08: 64-bit ring-0 code
        dq 0x00cf92000000ffff          ; 0x10: ring-0 data
boot_gdt_end:
align 8
        dw 0, 0, 0
boot_gdtr:
        dw boot_gdt_end - boot_gdt - 1
        dq PA(boot_gdt)

section .bss.page_aligned nobits alloc write align=4096
align 4096
; boot_l4 stays the hypervisor's own ("idle") L4 for good: every PV L4 copies
; slots 256-271 from it.
boot_l4:
idle_pg_table:  resb 4096
boot_l3_ident:  resb 4096
boot_l2_ident:  resb 4096 * 4
boot_l3_xen:    resb 4096
boot_l2_xen:    resb 4096

; No executable stack wanted.
section .note.GNU-stack noalloc noexec nowrite progbits
