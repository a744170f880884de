/*
 * setup.h — what the x86 boot files share with each other: the boot info,
 * early memory setup, console, symbols, self tests and shutdown.
 */
#ifndef ASM_X86_SETUP_H
#define ASM_X86_SETUP_H

#include <xen/types.h>
#include <xen/bootinfo.h>

extern struct boot_info boot_info;
/* dom0_mem= (bytes; 0 = not given), for the dom0 builder. */
extern uint64_t dom0_mem_bytes, dom0_mem_min, dom0_mem_max;
extern char cpu0_stack[];

/* Linker-script symbols. */
extern char __image_start[], _stext[], _etext[], __bss_start[], __bss_end[], __image_end[];

/* mm.c */
void mm_early_init(struct boot_info *bi);   /* direct map, frame table, M2P, heap */
void mm_drop_identity_map(void);
void mm_free_boot_modules(void);             /* after the boot-time domains are built */
extern unsigned long total_ram_pages;
extern uint64_t *m2p_table;                  /* RW view (slot 257) */

/* acpi_cpus.c: count the machine's processors (ACPI MADT; after mm). */
void acpi_count_cpus(void);

/* serial.c */
void serial_init(unsigned int baud);
void serial_putc(char c);
int  serial_getc(void);             /* -1 when no byte waits */

/* symbols.c: name of the function containing addr ("?" if unknown);
 * *offset and *size describe addr within it. */
const char *symbols_lookup(unsigned long addr, unsigned long *offset, unsigned long *size);
/* Address of a function by name, 0 if absent (tests). */
unsigned long symbols_lookup_name(const char *name);

/* selftest.c */
enum selftest_mode { SELFTEST_OFF, SELFTEST_RUN, SELFTEST_FAULT, SELFTEST_BUG };
extern enum selftest_mode opt_selftest;
void run_selftests(void) __noreturn;
/* Called on the fatal paths: ends a test run after an expected or
 * unexpected hypervisor fault or panic (prints the verdict, exits QEMU).
 * The first call decides; later ones do nothing. */
enum fatal_kind { FATAL_PANIC, FATAL_TRAP_PF, FATAL_TRAP_OTHER };
void selftest_fatal_hook(enum fatal_kind kind);
extern volatile bool selftest_fault_expected;

#endif
