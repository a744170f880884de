/*
 * xen.lds.S — linker script for build/hypervisor.elf (preprocessed with cpp
 * and asm/config.h).
 *
 * The image is linked at XEN_VIRT_START + 2 MiB and loaded at 2 MiB
 * physical.  Everything loadable sits in ONE PT_LOAD segment so that the
 * file bytes from .text to the end of .data are exactly the memory image:
 * the multiboot headers' address fields make loaders copy that range
 * verbatim (see boot/head.asm).  The __*_phys symbols feed those fields.
 */
#include <asm/config.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start32)

PHDRS
{
    image PT_LOAD FLAGS(7);
}

SECTIONS
{
    . = XEN_VIRT_START + XEN_LOAD_PHYS;
    __image_start = .;

    .text : AT(ADDR(.text) - XEN_VIRT_START) {
        _stext = .;
        *(.text.head)           /* multiboot headers: must be first */
        *(.text .text.*)
        _etext = .;
    } :image

    .rodata : AT(ADDR(.rodata) - XEN_VIRT_START) {
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __param_start = .;
        KEEP(*(.init.param))
        __param_end = .;
    } :image

    /* The linker's build id (XENVER_build_id, `xl info`'s build_id): a
     * fixed size, so nothing after it moves between the link passes. */
    .note.gnu.build-id : AT(ADDR(.note.gnu.build-id) - XEN_VIRT_START) {
        . = ALIGN(4);
        __note_gnu_build_id_start = .;
        KEEP(*(.note.gnu.build-id))
        __note_gnu_build_id_end = .;
    } :image

    .data : AT(ADDR(.data) - XEN_VIRT_START) {
        *(.data .data.*)
        *(.got .got.*)
        . = ALIGN(8);
        __load_end = .;
    } :image

    .bss (NOLOAD) : AT(ADDR(.bss) - XEN_VIRT_START) {
        . = ALIGN(4096);
        __bss_start = .;
        *(.bss.page_aligned)
        *(.bss .bss.*)
        *(COMMON)
        /* The boot processor's stack, aligned to its size (asm/smp.h finds
         * the cpu_info at its top by rounding RSP up); aligning here does not
         * raise the segment's alignment as an aligned variable would. */
        . = ALIGN(STACK_SIZE);
        cpu0_stack = .;
        . += STACK_SIZE;
        . = ALIGN(4096);
        __bss_end = .;
    } :image

    __image_end = .;

    /DISCARD/ : {
        *(.comment) *(.note .note.*) *(.eh_frame) *(.interp) *(.dynamic)
        *(.dynsym) *(.dynstr) *(.hash) *(.gnu.hash) *(.rela.*)
    }
}

__load_end_phys = __load_end - XEN_VIRT_START;
__bss_start_phys = __bss_start - XEN_VIRT_START;
__bss_end_phys = __bss_end - XEN_VIRT_START;
__image_nr_2m = (ALIGN(__image_end, 0x200000) - (XEN_VIRT_START + XEN_LOAD_PHYS)) / 0x200000;

ASSERT(boot_asm_xen_virt_start == XEN_VIRT_START, "asm/config.inc and asm/config.h disagree")
ASSERT(__image_end - __image_start <= XEN_IMAGE_MAX, "image larger than the early mapping")
ASSERT(_stext == XEN_VIRT_START + XEN_LOAD_PHYS, "multiboot headers are not at the image start")
