/*
 * processor.h — inline wrappers for the x86 instructions the hypervisor uses
 * directly (control registers, MSRs, CPUID, port I/O, interrupt flag, TSC),
 * and the architectural bit definitions that go with them.
 */
#ifndef ASM_X86_PROCESSOR_H
#define ASM_X86_PROCESSOR_H

#include <xen/types.h>

#define X86_CR0_PE      (1UL << 0)
#define X86_CR0_MP      (1UL << 1)
#define X86_CR0_EM      (1UL << 2)
#define X86_CR0_TS      (1UL << 3)
#define X86_CR0_NE      (1UL << 5)
#define X86_CR0_WP      (1UL << 16)
#define X86_CR0_PG      (1UL << 31)

#define X86_CR4_PAE     (1UL << 5)
#define X86_CR4_PGE     (1UL << 7)
#define X86_CR4_OSFXSR  (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)

#define X86_EFLAGS_IF   (1UL << 9)

#define MSR_EFER        0xc0000080
#define EFER_SCE        (1UL << 0)
#define EFER_LME        (1UL << 8)
#define EFER_LMA        (1UL << 10)
#define EFER_NXE        (1UL << 11)
#define MSR_FS_BASE     0xc0000100
#define MSR_GS_BASE     0xc0000101
#define MSR_SHADOW_GS_BASE 0xc0000102
#define MSR_APIC_BASE   0x0000001b

static inline unsigned long read_cr0(void)
{ unsigned long v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline unsigned long read_cr2(void)
{ unsigned long v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline unsigned long read_cr3(void)
{ unsigned long v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline unsigned long read_cr4(void)
{ unsigned long v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
/* CR8 is the LAPIC's TPR bits 7:4 (long mode), without an MMIO access. */
static inline unsigned long read_cr8(void)
{
    unsigned long v;
    __asm__ volatile("mov %%cr8, %0" : "=r"(v));
    return v;
}
static inline void write_cr8(unsigned long v) { __asm__ volatile("mov %0, %%cr8" :: "r"(v) : "memory"); }
static inline void write_cr3(unsigned long v)
{ __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline void write_cr4(unsigned long v)
{ __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t val)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
                               uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    cpuid_count(leaf, 0, a, b, c, d);
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t v)
{ __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v)
{ __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v)
{ __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{ uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline void local_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline unsigned long local_save_flags(void)
{
    unsigned long f;
    __asm__ volatile("pushf; pop %0" : "=r"(f) :: "memory");
    return f;
}
#define local_irq_save(f) do { (f) = local_save_flags(); local_irq_disable(); } while (0)
static inline void local_irq_restore(unsigned long f)
{
    if (f & X86_EFLAGS_IF)
        local_irq_enable();
}
static inline bool local_irq_is_enabled(void)
{
    return local_save_flags() & X86_EFLAGS_IF;
}
/* sti; hlt back to back: an interrupt pending at sti still wakes the hlt. */
static inline void safe_halt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void halt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

static inline void invlpg(unsigned long va)
{ __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }
static inline void flush_tlb_local(void) { write_cr3(read_cr3()); }

/* CPU features the boot code cares about, filled by cpu_init(). */
struct cpu_features {
    bool nx, page1gb, apic, tsc, invariant_tsc, x2apic;
    uint32_t max_leaf, max_ext_leaf;
    char vendor[13];
};
extern struct cpu_features boot_cpu;
void cpu_init(void);

#endif
