/*
 * time.h (asm) — TSC calibration against the PIT and the LAPIC timer glue
 * behind the generic timer queue and NOW().
 */
#ifndef ASM_X86_TIME_H
#define ASM_X86_TIME_H

#include <xen/types.h>

extern uint64_t tsc_hz;            /* calibrated TSC frequency */
extern uint64_t apic_timer_hz;     /* calibrated LAPIC timer frequency (divide by 1) */
extern uint64_t tsc_at_boot;       /* NOW() == 0 here */

void time_init(void);              /* calibrate, start NOW(), arm the LAPIC timer */
void timer_interrupt(void);        /* LAPIC timer vector */
uint64_t tsc_to_ns(uint64_t ticks);
/* Self test: one PIT window measured by NOW() and by the PIT. */
bool time_check_against_pit(int64_t *now_ns, int64_t *pit_ns);
/* Busy-wait (interrupts may be off). */
void udelay(unsigned long us);

#endif
