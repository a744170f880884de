/*
 * smpboot.c — bringing up the application processors (APs) the ACPI MADT
 * lists, one at a time, with the INIT-SIPI-SIPI sequence of Intel's MP
 * specification, and the per-CPU state each one needs before it can run
 * the hypervisor: a STACK_SIZE stack with its struct cpu_info on top, its
 * own GDT (16 pages: the TSS descriptor's busy bit and the LDT descriptor
 * are per CPU), TSS with its own IST stacks, the shared IDT, its LAPIC,
 * the SYSCALL MSRs and MSR_SHADOW_GS_BASE (asm/smp.h).
 *
 * The real-mode entry code (boot/trampoline.asm) is copied below 1 MiB;
 * it needs the hypervisor's page tables to still identity-map low memory,
 * so the APs are started before mm_drop_identity_map().  A CPU that does
 * not check in within AP_TIMEOUT_MS is reported and left out: its slot
 * says so, and should it check in late it parks itself with interrupts off.
 *
 * Options (Xen's): `nosmp` runs on the boot processor only; `maxcpus=N`
 * brings up at most N processors in all (the boot processor included).
 */
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/time.h>
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/time.h>

#define TRAMPOLINE_PA       0x6000UL        /* boot/trampoline.asm agrees */
#define AP_TIMEOUT_MS       5000            /* generous: TCG on a loaded host */

#define ICR_INIT            0x00000500u
#define ICR_STARTUP         0x00000600u
#define ICR_LEVEL_ASSERT    0x00004000u
#define ICR_TRIGGER_LEVEL   0x00008000u

struct trampoline_params {
    uint64_t cr3, efer, stack, entry, cpu;
};

extern const uint8_t trampoline_start[], trampoline_end[], trampoline_params[];

struct percpu_x86 percpu_x86[NR_CPUS];
unsigned int nr_present_cpus;
cpumask_t cpu_online_map;

static bool opt_nosmp;
boolean_param("nosmp", opt_nosmp);
static unsigned int opt_maxcpus = NR_CPUS;
integer_param("maxcpus", opt_maxcpus);

/* Bring-up handshake, per CPU: the boot CPU waits for WAITING -> ALIVE. */
enum { AP_IDLE, AP_WAITING, AP_ALIVE, AP_ABANDONED };
static volatile int ap_state[NR_CPUS];

unsigned int arch_smp_processor_id(void)
{
    return get_cpu_info()->cpu_id;
}

void acpi_cpus_add(uint32_t apic_id)
{
    if (nr_present_cpus >= NR_CPUS) {
        printk(XENLOG_WARNING "ACPI: processor with APIC id %u ignored (NR_CPUS %u)\n",
               apic_id, NR_CPUS);
        return;
    }
    percpu_x86[nr_present_cpus].apic_id = apic_id;
    percpu_x86[nr_present_cpus].present = true;
    nr_present_cpus++;
}

/* The AP's first C code, on its own stack (cpu_info filled by the boot CPU). */
static void __noreturn start_secondary(void)
{
    struct cpu_info *ci = get_cpu_info();
    unsigned int cpu = ci->cpu_id;

    if (!__atomic_compare_exchange_n(&ap_state[cpu], &(int){ AP_WAITING }, AP_ALIVE,
                                     false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        /* Too late: the boot CPU gave up on us and said so. */
        for (;;)
            __asm__ volatile("cli; hlt");
    }
    cpu_desc_init(cpu);
    wrmsr(MSR_SHADOW_GS_BASE, (uint64_t)ci);
    apic_init_secondary();
    pv_traps_init_cpu();
    smp_lock_halt_ready();
    cpumask_set_cpu_atomic(cpu, &cpu_online_map);
    pv_secondary_start();
}

/* The per-CPU pieces of an AP; false if memory ran out. */
_Static_assert(NR_IST * IST_STACK_SIZE <= (PAGE_SIZE << 3), "IST stacks fit an order-3 block");

static bool alloc_cpu(unsigned int cpu)
{
    struct percpu_x86 *p = &percpu_x86[cpu];

    p->stack = alloc_xenheap_pages(STACK_ORDER);     /* buddy: naturally aligned */
    p->gdt = alloc_xenheap_pages(4);                  /* 16 pages */
    p->tss = alloc_xenheap_page();
    p->ist = alloc_xenheap_pages(3);                  /* NR_IST * 8 KiB = 32 KiB */
    if (!p->stack || !p->gdt || !p->tss || !p->ist)
        return false;
    memset(p->gdt, 0, GDT_ENTRIES * 8);
    memset(p->tss, 0, PAGE_SIZE);
    memset(stack_cpu_info(p->stack), 0, sizeof(struct cpu_info));
    return true;
}

static void free_cpu(unsigned int cpu)
{
    struct percpu_x86 *p = &percpu_x86[cpu];

    /* Only for a CPU that never ran: nothing of it is in use. */
    if (p->stack) free_xenheap_pages(p->stack, STACK_ORDER);
    if (p->gdt) free_xenheap_pages(p->gdt, 4);
    if (p->tss) free_xenheap_page(p->tss);
    if (p->ist) free_xenheap_pages(p->ist, 3);
    p->stack = NULL, p->gdt = NULL, p->tss = NULL, p->ist = NULL;
}

static bool wait_icr_idle(void)
{
    for (unsigned int i = 0; i < 100000; i++) {
        if (apic_icr_idle())
            return true;
        udelay(1);
    }
    return false;
}

static bool boot_one(unsigned int cpu)
{
    struct percpu_x86 *p = &percpu_x86[cpu];
    struct cpu_info *ci;
    struct trampoline_params *tp;
    size_t off = (size_t)(trampoline_params - trampoline_start);
    s_time_t deadline;

    if (!alloc_cpu(cpu)) {
        printk(XENLOG_ERR "CPU%u: no memory for its stacks and tables: left out\n", cpu);
        free_cpu(cpu);
        return false;
    }
    ci = stack_cpu_info(p->stack);
    ci->cpu_id = cpu;
    ci->rsp0 = (unsigned long)ci;
    if (pv_percpu_init(ci, cpu) < 0) {
        printk(XENLOG_ERR "CPU%u: no memory for its idle vCPU: left out\n", cpu);
        free_cpu(cpu);
        return false;
    }

    tp = (struct trampoline_params *)((uint8_t *)maddr_to_virt(TRAMPOLINE_PA) + off);
    tp->cr3 = virt_to_maddr(idle_pg_table);
    tp->efer = EFER_LME | (boot_cpu.nx ? EFER_NXE : 0);
    tp->stack = (uint64_t)ci;
    tp->entry = (uint64_t)start_secondary;
    tp->cpu = cpu;
    ap_state[cpu] = AP_WAITING;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    /* INIT (assert, then de-assert as the MP spec's sequence has it),
     * 10 ms, then up to two STARTUP IPIs with the trampoline's page. */
    apic_send_ipi_phys(p->apic_id, ICR_INIT | ICR_LEVEL_ASSERT | ICR_TRIGGER_LEVEL);
    wait_icr_idle();
    apic_send_ipi_phys(p->apic_id, ICR_INIT | ICR_TRIGGER_LEVEL);
    wait_icr_idle();
    udelay(10000);
    for (unsigned int i = 0; i < 2 && ap_state[cpu] == AP_WAITING; i++) {
        apic_send_ipi_phys(p->apic_id, ICR_STARTUP | (TRAMPOLINE_PA >> 12));
        wait_icr_idle();
        udelay(200);
    }

    deadline = NOW() + MILLISECS(AP_TIMEOUT_MS);
    while (ap_state[cpu] == AP_WAITING && NOW() < deadline)
        cpu_relax();
    if (__atomic_compare_exchange_n(&ap_state[cpu], &(int){ AP_WAITING }, AP_ABANDONED,
                                    false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        printk(XENLOG_ERR "CPU%u (APIC id %u) did not come up within %u ms: left out\n",
               cpu, p->apic_id, AP_TIMEOUT_MS);
        /* Its stack may still be entered by a late start: keep the memory. */
        return false;
    }
    /* ALIVE: wait until it is fully set up and online. */
    deadline = NOW() + MILLISECS(AP_TIMEOUT_MS);
    while (!cpu_online(cpu) && NOW() < deadline)
        cpu_relax();
    if (!cpu_online(cpu)) {
        printk(XENLOG_ERR "CPU%u (APIC id %u) started but did not finish its setup\n",
               cpu, p->apic_id);
        return false;
    }
    return true;
}

/* Before mm_drop_identity_map(): the trampoline runs identity-mapped. */
void smp_boot_cpus(void)
{
    unsigned int limit = opt_nosmp ? 1 : opt_maxcpus ? opt_maxcpus : 1;
    unsigned int self = apic_id_self(), started = 1, cpu;

    /* The boot processor holds the hypervisor lock from here on (the rest
     * of boot, building the boot domains): the APs wait in their idle loops
     * until the scheduler starts. */
    hyp_lock_acquire();
    smp_lock_halt_ready();              /* its LAPIC and IDT are up */

    /* The boot processor is CPU 0 whatever its place in the MADT. */
    for (cpu = 0; cpu < nr_present_cpus; cpu++) {
        if (percpu_x86[cpu].apic_id == self && cpu != 0) {
            percpu_x86[cpu].apic_id = percpu_x86[0].apic_id;
            percpu_x86[0].apic_id = self;
        }
    }
    if (nr_present_cpus == 0) {
        percpu_x86[0].apic_id = self;
        percpu_x86[0].present = true;
        nr_present_cpus = 1;
    }
    cpumask_set_cpu_atomic(0, &cpu_online_map);

    if (nr_present_cpus > 1 && limit > 1) {
        memcpy(maddr_to_virt(TRAMPOLINE_PA), trampoline_start,
               (size_t)(trampoline_end - trampoline_start));
        for (cpu = 1; cpu < nr_present_cpus && started < limit; cpu++) {
            if (boot_one(cpu))
                started++;
        }
    }
    if (nr_present_cpus > started)
        printk("SMP: %u of %u processors up%s\n", started, nr_present_cpus,
               opt_nosmp ? " (nosmp)" : limit < nr_present_cpus ? " (maxcpus)" : "");
    else
        printk("SMP: %u processor%s up\n", started, started == 1 ? "" : "s");
}
