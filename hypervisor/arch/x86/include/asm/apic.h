/*
 * apic.h — local APIC (xAPIC, memory-mapped) and the legacy 8259 PIC, which
 * is remapped and masked because everything here is LAPIC-driven.
 */
#ifndef ASM_X86_APIC_H
#define ASM_X86_APIC_H

#include <xen/types.h>

#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_SVR        0x0f0
#define APIC_ESR        0x280
#define APIC_ICR_LOW    0x300
#define APIC_ICR_HIGH   0x310
#define APIC_ICR_BUSY   (1u << 12)  /* delivery status: send pending */
#define APIC_LVT_TIMER  0x320
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERROR  0x370
#define APIC_TMICT      0x380   /* initial count */
#define APIC_TMCCT      0x390   /* current count */
#define APIC_TDCR       0x3e0   /* divide configuration */
#define APIC_LVT_MASKED (1u << 16)
#define APIC_SVR_ENABLE (1u << 8)

void pic_disable(void);
void apic_init(void);
uint32_t apic_read(unsigned int reg);
void apic_write(unsigned int reg, uint32_t val);
void apic_eoi(void);
/* Timer: counts at apic_timer_hz (calibrated by time_init). */
void apic_timer_start_free_running(void);
uint32_t apic_timer_current(void);
void apic_timer_oneshot(uint32_t ticks);    /* 0 stops the timer */

#endif
