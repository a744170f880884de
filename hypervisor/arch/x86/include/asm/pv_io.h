/*
 * pv_io.h — port I/O and device-memory policy for PV domains
 * (arch/x86/pv/ioport.c), and the machine facts it needs from the x86
 * foundation.
 */
#ifndef ASM_PV_IO_H
#define ASM_PV_IO_H

#include <xen/types.h>

struct domain;

/* Architectural windows a hardware domain never maps. */
#define IOAPIC_WINDOW_START 0xfec00000UL
#define IOAPIC_WINDOW_END   0xfecfffffUL
#define MSI_ADDR_START      0xfee00000UL
#define MSI_ADDR_END        0xfeefffffUL

/* A guest's in/out after the IOPL check (emulate.c): value read (all ones
 * when refused); writes are dropped when refused. */
uint32_t pv_io_read(struct domain *d, unsigned int port, unsigned int size);
void     pv_io_write(struct domain *d, unsigned int port, unsigned int size, uint32_t val);

/* Machine port access (ioport.c; the host tests provide their own). */
uint32_t arch_port_in(unsigned int port, unsigned int size);
void     arch_port_out(unsigned int port, unsigned int size, uint32_t val);

/* From the x86 foundation: LAPIC physical base, whether COM1 is the
 * hypervisor's console, the hypervisor's own memory ranges [s, e). */
paddr_t      arch_lapic_base(void);
bool         arch_console_uses_com1(void);
unsigned int arch_hypervisor_ranges_count(void);
void         arch_hypervisor_range(unsigned int i, paddr_t *s, paddr_t *e);

#endif
