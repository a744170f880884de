/*
 * traps.c — the GDT, TSS and IDT, and what happens on every exception and
 * interrupt vector: interrupts are dispatched (LAPIC timer, spurious), any
 * exception raised by the hypervisor itself is fatal and produces a
 * readable dump (vector name, error code, CR2, all registers, a symbolised
 * stack trace) before the machine stops.
 *
 * Exceptions from guest context (CS RPL 3) go to the PV core
 * (pv_guest_exception); faults of the hypervisor at the few places that
 * touch guest state (guest memory copies, selector loads, the return to the
 * guest) are recovered by pv_fixup_fault; anything else is a hypervisor bug.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/shutdown.h>
#include <xen/version.h>
#include <xen/perfc.h>
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/io_apic.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/regs.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/time.h>

/* The boot processor's GDT and TSS; the APs get theirs from smpboot.c.  The
 * IDT is one for all CPUs. */
uint64_t gdt_table[GDT_ENTRIES] __aligned(4096);
struct tss64 cpu0_tss __aligned(128);
struct idt_entry idt_table[256] __aligned(16);
static char ist_stacks[NR_IST][IST_STACK_SIZE] __aligned(16);

extern const unsigned long idt_stubs[256];

static const char *const trap_names[32] = {
    "divide error", "debug", "nmi", "int3", "overflow", "bounds",
    "invalid opcode", "device not available", "double fault",
    "coprocessor segment overrun", "invalid TSS", "segment not found",
    "stack error", "general protection fault", "page fault",
    "spurious interrupt", "coprocessor error", "alignment check",
    "machine check", "simd error", "virtualisation exception",
    "control protection", "reserved", "reserved", "reserved", "reserved",
    "reserved", "reserved", "hypervisor injection", "VMM communication",
    "security exception", "reserved",
};

/* Descriptor words: flat 4 GiB segments (base 0, limit 0xfffff, G=1). */
#define DESC_CODE64(dpl)  (0x00af9b000000ffffULL | ((uint64_t)(dpl) << 45))
#define DESC_CODE32(dpl)  (0x00cf9b000000ffffULL | ((uint64_t)(dpl) << 45))
#define DESC_DATA(dpl)    (0x00cf93000000ffffULL | ((uint64_t)(dpl) << 45))

static void set_tss_desc(uint64_t *gdt, unsigned int idx, const struct tss64 *tss)
{
    uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

    gdt[idx] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                     (0x89ULL << 40) |                   /* present, 64-bit TSS */
                     (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[idx + 1] = base >> 32;
}

static void set_gate(unsigned int vec, unsigned long handler, unsigned int ist, unsigned int dpl)
{
    struct idt_entry *e = &idt_table[vec];

    e->offset_lo = handler & 0xffff;
    e->selector = __HYPERVISOR_CS64;
    e->ist = ist;
    e->type_attr = 0x8e | (dpl << 5);                    /* present, interrupt gate */
    e->offset_mid = (handler >> 16) & 0xffff;
    e->offset_hi = handler >> 32;
    e->zero = 0;
}

void idt_set_dpl(unsigned int vec, unsigned int dpl)
{
    idt_table[vec & 0xff].type_attr = 0x8e | ((dpl & 3) << 5);
}

/* The hypervisor's descriptors in a CPU's GDT, its TSS (RSP0 below the
 * stack's cpu_info, own IST stacks), then GDTR, the segment registers, TR
 * and the shared IDT loaded. */
static void load_descriptors(uint64_t *gdt, struct tss64 *tss, unsigned long rsp0,
                             char *ist)
{
    struct desc_ptr gdtr = { GDT_ENTRIES * 8 - 1, (uint64_t)gdt };
    struct desc_ptr idtr = { sizeof(idt_table) - 1, (uint64_t)idt_table };
    unsigned int i;

    gdt[__HYPERVISOR_CS64 >> 3] = DESC_CODE64(0);
    gdt[__HYPERVISOR_DS >> 3] = DESC_DATA(0);
    gdt[__HYPERVISOR_CS32 >> 3] = DESC_CODE32(0);
    gdt[FLAT_RING3_CS32 >> 3] = DESC_CODE32(3);
    gdt[FLAT_RING3_DS32 >> 3] = DESC_DATA(3);
    gdt[FLAT_RING3_CS64 >> 3] = DESC_CODE64(3);

    tss->rsp0 = rsp0;
    /* Each IST stack starts 16 bytes below its top (keeping the alignment);
     * the top qword holds RSP0 for entry.asm's move of a guest's frame. */
    for (i = 0; i < NR_IST; i++) {
        uint64_t top = (uint64_t)ist + (i + 1) * IST_STACK_SIZE - 16;

        *(uint64_t *)top = rsp0;
        tss->ist[i] = top;
    }
    tss->iomap_base = sizeof(*tss);                      /* no I/O bitmap */
    set_tss_desc(gdt, TSS_SELECTOR >> 3, tss);

    __asm__ volatile("lgdt %0" :: "m"(gdtr));
    /* Reload CS with a far return, then the data segments and TR. */
    __asm__ volatile("pushq %[cs]\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %[ds], %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%ss\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "movl %%eax, %%fs\n\t"
                     "movl %%eax, %%gs\n\t"
                     :: [cs] "i"(__HYPERVISOR_CS64), [ds] "i"(__HYPERVISOR_DS)
                     : "rax", "memory");
    __asm__ volatile("ltr %w0" :: "r"(TSS_SELECTOR));
    __asm__ volatile("lidt %0" :: "m"(idtr));
}

void gdt_idt_init(void)
{
    unsigned int i;

    for (i = 0; i < 256; i++)
        set_gate(i, idt_stubs[i], 0, 0);
    set_gate(TRAP_double_fault, idt_stubs[TRAP_double_fault], IST_DF, 0);
    set_gate(TRAP_nmi, idt_stubs[TRAP_nmi], IST_NMI, 0);
    set_gate(TRAP_machine_check, idt_stubs[TRAP_machine_check], IST_MC, 0);
    /* #DB too (as Xen since XSA-260): one taken on the SYSCALL entry's first
     * instruction would otherwise be pushed onto the guest's RSP. */
    set_gate(TRAP_debug, idt_stubs[TRAP_debug], IST_DB, 0);
    /*
     * A guest's int3 (its kernel runs in ring 3) must arrive as #BP, with
     * RIP after the int3, as on Xen (its int3 gate is DPL 3).  Through a
     * DPL 0 gate it arrived as #GP and pv_emulate_gp() re-read the
     * instruction bytes to find out what it was: by then another vCPU
     * live-patching that text (Linux's text_poke_bp() puts an int3 in front
     * of a site, then rewrites it) may have put the final instruction back,
     * and the #GP went to the guest as it was.  A 2-vCPU Linux dom0 oopsed
     * that way ("segment-related general protection fault" at
     * sched_clock_cpu+0x2 after "sched_clock: Marking stable"), about one
     * boot in fifty on a loaded host, or hung when the oops came with a
     * runqueue lock held (see docs/smp.md, "Known problems").
     */
    set_gate(TRAP_int3, idt_stubs[TRAP_int3], 0, 3);
    percpu_x86[0].stack = cpu0_stack;
    percpu_x86[0].gdt = gdt_table;
    percpu_x86[0].tss = &cpu0_tss;
    percpu_x86[0].ist = ist_stacks[0];
    stack_cpu_info(cpu0_stack)->rsp0 = (unsigned long)stack_cpu_info(cpu0_stack);
    load_descriptors(gdt_table, &cpu0_tss, (unsigned long)stack_cpu_info(cpu0_stack),
                     ist_stacks[0]);
    wrmsr(MSR_SHADOW_GS_BASE, (uint64_t)stack_cpu_info(cpu0_stack));
}

void cpu_desc_init(unsigned int cpu)
{
    struct percpu_x86 *p = &percpu_x86[cpu];

    load_descriptors(p->gdt, p->tss, (unsigned long)stack_cpu_info(p->stack), p->ist);
}

/* Which CPU faulted: from the stack when on a hypervisor stack (an IST
 * stack has no cpu_info), else from the LAPIC id. */
static unsigned int fault_cpu(void)
{
    unsigned long sp = (unsigned long)__builtin_frame_address(0);
    uint32_t id;

    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        unsigned long s = (unsigned long)percpu_x86[cpu].stack;

        if (s && sp >= s && sp < s + STACK_SIZE)
            return cpu;
    }
    id = apic_id_self();
    for (unsigned int cpu = 0; cpu < nr_present_cpus; cpu++)
        if (percpu_x86[cpu].apic_id == id)
            return cpu;
    return 0;
}

/* Print one frame: address, symbol+offset/size. */
static void print_frame(const char *tag, unsigned long addr)
{
    unsigned long off, size;
    const char *name = symbols_lookup(addr, &off, &size);

    if (name)
        printk("   [<%016lx>] %s %s+%#lx/%#lx\n", addr, tag, name, off, size);
    else
        printk("   [<%016lx>] %s ?\n", addr, tag);
}

static bool addr_in_image_text(unsigned long a)
{
    return a >= (unsigned long)_stext && a < (unsigned long)_etext;
}

/* Is [p, p+16) inside one of the hypervisor's stacks? */
static bool frame_on_stack(unsigned long p)
{
    if (p & 7)
        return false;
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        unsigned long s = (unsigned long)percpu_x86[cpu].stack;
        unsigned long i = (unsigned long)percpu_x86[cpu].ist;

        if (s && p >= s && p + 16 <= s + STACK_SIZE)
            return true;
        if (i && p >= i && p + 16 <= i + NR_IST * IST_STACK_SIZE)
            return true;
    }
    return false;
}

/*
 * Frame-pointer walk (the hypervisor is built -fno-omit-frame-pointer): each
 * frame holds the caller's rbp at [rbp] and the return address at [rbp+8].
 * Stops at rbp 0 (set by head.asm), outside the stacks, or when the chain
 * does not move up the stack (corruption must not loop).
 */
void show_stack_trace(unsigned long rip, unsigned long rbp)
{
    unsigned int depth = 0;

    printk("Xen call trace:\n");
    print_frame("R", rip);
    while (rbp && frame_on_stack(rbp) && depth++ < 32) {
        unsigned long next = ((unsigned long *)rbp)[0];
        unsigned long ret = ((unsigned long *)rbp)[1];

        if (!ret || !addr_in_image_text(ret))
            break;
        print_frame("F", ret);
        if (next <= rbp)
            break;
        rbp = next;
    }
    printk("\n");
}

void arch_show_caller_stack(void)
{
    unsigned long rbp = (unsigned long)__builtin_frame_address(0);

    show_stack_trace((unsigned long)__builtin_return_address(0), ((unsigned long *)rbp)[0]);
}

void show_registers(const struct cpu_user_regs *regs)
{
    uint16_t ds, es, fs, gs;

    __asm__ volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                     : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    printk("CPU:    %u\n", fault_cpu());
    {
        unsigned long off, size;
        const char *name = symbols_lookup(regs->rip, &off, &size);

        printk("RIP:    %04x:[<%016lx>] %s+%#lx/%#lx\n", regs->cs, regs->rip,
               name ? name : "?", name ? off : 0, name ? size : 0);
    }
    printk("RFLAGS: %016lx   CONTEXT: %s\n", regs->rflags,
           guest_mode(regs) ? "guest" : "hypervisor");
    printk("rax: %016lx   rbx: %016lx   rcx: %016lx\n", regs->rax, regs->rbx, regs->rcx);
    printk("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", regs->rdx, regs->rsi, regs->rdi);
    printk("rbp: %016lx   rsp: %016lx   r8:  %016lx\n", regs->rbp, regs->rsp, regs->r8);
    printk("r9:  %016lx   r10: %016lx   r11: %016lx\n", regs->r9, regs->r10, regs->r11);
    printk("r12: %016lx   r13: %016lx   r14: %016lx\n", regs->r12, regs->r13, regs->r14);
    printk("r15: %016lx   cr0: %016lx   cr4: %016lx\n", regs->r15, read_cr0(), read_cr4());
    printk("cr3: %016lx   cr2: %016lx\n", read_cr3(), read_cr2());
    printk("ds: %04x   es: %04x   fs: %04x   gs: %04x   ss: %04x   cs: %04x\n",
           ds, es, fs, gs, regs->ss, regs->cs);
}

static void show_stack_words(const struct cpu_user_regs *regs)
{
    unsigned long *sp = (unsigned long *)regs->rsp;
    unsigned int i;

    printk("Xen stack trace from rsp=%016lx:\n", regs->rsp);
    for (i = 0; i < 12 && frame_on_stack((unsigned long)&sp[i & ~1u]); i++)
        printk("%s%016lx%s", (i % 4) == 0 ? "   " : " ", sp[i], (i % 4) == 3 ? "\n" : "");
    if (i % 4)
        printk("\n");
}

void fatal_trap(const struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;
    unsigned long cr2 = read_cr2();

    local_irq_disable();
    console_start_sync();
    printk("----[ Xen-%s  x86_64  debug=n  Not tainted ]----\n", XEN_VERSION_STRING);
    printk("Hypervisor exception: vector %u (%s), error code %#06x, cr2 %016lx\n",
           vec, vec < 32 ? trap_names[vec] : "interrupt", regs->error_code, cr2);
    show_registers(regs);
    show_stack_words(regs);
    show_stack_trace(regs->rip, regs->rbp);
    printk("\n****************************************\n");
    printk("Panic on CPU %u:\n", fault_cpu());
    if (vec == TRAP_page_fault) {
        printk("FATAL PAGE FAULT\n");
        printk("[error_code=%04x]\n", regs->error_code);
        printk("Faulting linear address: %016lx\n", cr2);
    } else {
        printk("FATAL TRAP: vector = %u (%s)\n", vec, vec < 32 ? trap_names[vec] : "interrupt");
        printk("[error_code=%04x]\n", regs->error_code);
    }
    printk("****************************************\n\n");
    selftest_fatal_hook(vec == TRAP_page_fault ? FATAL_TRAP_PF : FATAL_TRAP_OTHER);
    machine_fatal_stop();
}

/*
 * Every entry: the hypervisor lock (smp.c) is taken on entry from a guest
 * (and kept until pv_exit_to_guest drops it) and for an interrupt taken
 * while idling (dropped before returning to the idle loop).  The flush,
 * event-check and lock wake-up IPIs are serviced without it: a flush is
 * what a lock holder may be waiting for, the others only have to bring the
 * CPU here or end its halt.  They, NMIs and the spurious vector are all
 * that can reach a CPU halted for the lock (hyp_lock.c), which must not
 * take the lock again.
 */
void do_trap(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;
    static unsigned int unexpected;
    bool from_guest = guest_mode(regs), took = false;

    if (vec == FLUSH_VECTOR) {
        apic_eoi();
        smp_service_flush();
        if (!from_guest)
            return;
    } else if (vec == EVENT_CHECK_VECTOR || vec == LOCK_WAKE_VECTOR) {
        apic_eoi();
        if (!from_guest)
            return;             /* the idle loop or the lock's waiter looks next */
    } else if (vec == SPURIOUS_APIC_VECTOR && !from_guest) {
        return;                 /* no EOI; may have ended a halt for the lock */
    }
    if (vec == TRAP_nmi && !from_guest) {
        /* May have interrupted a lock holder or the lock's spin loop. */
        printk(XENLOG_WARNING "NMI received (ignored)\n");
        return;
    }
    if (vec == TRAP_debug && !from_guest) {
        /* A guest's breakpoint hit in hypervisor context: a data breakpoint
         * on guest memory the hypervisor touched (a copy, a bounce frame),
         * or one deferred by `mov ss` onto the SYSCALL entry.  As Xen: the
         * status is dropped, the guest gets nothing, the interrupted code
         * resumes (a data breakpoint is a trap, the access completed).  This
         * runs on the IST stack, which has no cpu_info: nothing here may use
         * current or smp_processor_id(), and it comes before pv_fixup_fault,
         * which would take a #DB at a guest copy for a fault and fail it. */
        perfc_incr(debug_in_hyp);       /* never printk: it may have interrupted the console */
        __asm__ volatile("mov %0, %%db6" :: "r"(0xffff0ff0UL));
        return;
    }
    if (from_guest) {
        hyp_lock_acquire();
    } else if (!hyp_lock_held() &&
               (vec >= FIRST_IRQ_VECTOR || regs->rip == (unsigned long)pv_iret_insn)) {
        /* An interrupt while idling, or the final iretq to a guest faulted
         * (its failsafe bounce continues to the exit path, which drops the
         * lock; see pv_fixup_fault). */
        hyp_lock_acquire();
        took = vec >= FIRST_IRQ_VECTOR;
    }

    if (vec >= FIRST_IRQ_VECTOR && from_guest) {
        perf_enter(PERF_IRQ);
        perfc_incr(guest_irq);
        perf_sample(regs->rip);
    }
    if (vec == FLUSH_VECTOR || vec == EVENT_CHECK_VECTOR || vec == LOCK_WAKE_VECTOR) {
        /* From a guest: the exit path does the rest. */
    } else if (vec == TRAP_nmi) {
        printk(XENLOG_WARNING "NMI received (ignored)\n");
    } else if (vec == LAPIC_TIMER_VECTOR) {
        timer_interrupt();
    } else if (vec == SPURIOUS_APIC_VECTOR) {
    } else if (arch_irq_vector(vec)) {  /* a device line routed as a PIRQ */
    } else if (vec >= FIRST_IRQ_VECTOR) {
        /* The 8259 is masked, but it can still raise its spurious IRQ7/15
         * (vectors 0x27/0x2f); those must not be acknowledged at the LAPIC. */
        if (vec >= 0x30)
            apic_eoi();
        if (unexpected++ < 10)
            printk(XENLOG_WARNING "unexpected interrupt, vector %#x\n", vec);
    } else if (from_guest) {
        pv_guest_exception(regs);
    } else if (pv_fixup_fault(regs)) {
    } else {
        fatal_trap(regs);
    }
    if (took)
        hyp_lock_release();
}
