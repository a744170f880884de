/*
 * pv/domain.c — the x86 side of domains and vCPUs for PV guests: the arch_*
 * hooks of xen/sched.h, the current vCPU and the idle vCPU, context
 * switching (registers, CR3, GDT, segment selectors and bases, FPU), the
 * idle loop, the C half of the exit path (softirqs and event upcalls on
 * every return to a guest), guest memory access with fault recovery, and
 * what happens when dom0 shuts down.
 *
 * Execution model (one CPU): the guest's register frame lives at the top of
 * cpu0_stack while it runs (see pv/entry.asm); a context switch copies it to
 * and from struct arch_vcpu.  The hypervisor runs with interrupts off except
 * in the idle loop, so softirqs (the scheduler) only run at two points: the
 * exit path and the idle loop.
 */
#include <xen/lib.h>
#include <xen/hypercall.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/memory.h>
#include <xen/mm.h>
#include <xen/perfc.h>
#include <xen/pvclock.h>
#include <xen/sched.h>
#include <xen/shutdown.h>
#include <xen/softirq.h>
#include <xen/xmalloc.h>
#include <public/sched.h>
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv_mm.h>
#include <asm/pv.h>
#include <asm/regs.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <xen/smp.h>
#include <asm/time.h>

/* The idle vCPUs, one per CPU: what a CPU runs when no guest vCPU can.
 * The boot CPU's is static (it is needed before the heap exists); an AP's
 * comes from the heap when the AP is brought up, so the image does not
 * carry NR_CPUS of them (6 KiB each, 388 KiB in all) on a 2-CPU host. */
static struct domain idle_domain = { .domain_id = DOMID_IDLE, .refcnt = 1 };
static struct vcpu boot_idle_vcpu;
struct vcpu *idle_vcpus[NR_CPUS];

struct vcpu *current_vcpu(void)
{
    return get_cpu_info()->curr_vcpu;
}

/* The frame of the guest running on this CPU: right below its cpu_info. */
struct cpu_user_regs *guest_cpu_user_regs(void)
{
    return (struct cpu_user_regs *)((char *)get_cpu_info() - PV_FRAME_SIZE);
}

/* A CPU's idle vCPU becomes its current one (before the CPU runs C code
 * that looks at `current`).  -ENOMEM if an AP's cannot be allocated; an AP
 * brought up again keeps the one it had. */
int pv_percpu_init(struct cpu_info *ci, unsigned int cpu)
{
    struct vcpu *v = idle_vcpus[cpu];

    if (!v)
        v = cpu == 0 ? &boot_idle_vcpu : xzalloc(struct vcpu);
    if (!v)
        return -ENOMEM;

    v->domain = &idle_domain;
    v->vcpu_id = cpu;
    v->is_running = true;
    idle_vcpus[cpu] = v;
    ci->curr_vcpu = v;
    return 0;
}

/* ------------------------------------------------------ guest access */

/* The guest part of the address space: below the hypervisor's slots, or
 * above them (canonical addresses only; the copy's fault handler catches
 * the rest). */
static bool guest_range_ok(unsigned long p, unsigned long n)
{
    unsigned long end = p + n;

    if (n == 0)
        return true;
    if (end < p)
        return false;
    return end <= HYPERVISOR_VIRT_START || p >= HYPERVISOR_VIRT_END;
}

unsigned long raw_copy_from_guest(void *to, const void *from, unsigned long n)
{
    if (!guest_range_ok((unsigned long)from, n))
        return n;
    return pv_guest_copy(to, from, n);
}

unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long n)
{
    if (!guest_range_ok((unsigned long)to, n))
        return n;
    return pv_guest_copy(to, from, n);
}

unsigned long raw_put_guest_u16(void *to, uint16_t v)
{
    if (!guest_range_ok((unsigned long)to, sizeof(v)))
        return sizeof(v);
    return pv_guest_put16(to, v);
}

/* Faults raised by the hypervisor at known places: recover. */
bool pv_fixup_fault(struct cpu_user_regs *regs)
{
    unsigned long rip = regs->rip;

    if (rip == (unsigned long)pv_copy_insn) {          /* the word loop */
        regs->rip = (unsigned long)pv_copy_fixup_words;
        return true;
    }
    if (rip == (unsigned long)pv_put16_insn) {
        regs->rip = (unsigned long)pv_put16_fixup;
        return true;
    }
    if (rip == (unsigned long)pv_copy_insn_tail) {
        regs->rip = (unsigned long)pv_copy_fixup;
        return true;
    }
    if (rip == (unsigned long)pv_load_sel_insn_ds || rip == (unsigned long)pv_load_sel_insn_es ||
        rip == (unsigned long)pv_load_sel_insn_fs || rip == (unsigned long)pv_load_sel_insn_gs) {
        regs->rip = (unsigned long)pv_load_sel_fixup;
        return true;
    }
    if (rip == (unsigned long)pv_iret_insn && !is_idle_vcpu(current)) {
        /* The guest's frame could not be returned to (bad selector or a
         * non-canonical RIP): the guest gets its failsafe callback. */
        pv_iret_failed();               /* does not return */
    }
    return false;
}

/* ------------------------------------------------------ per-vCPU GDT */

#define GDT_PAGES       16
#define GDT_GUEST_PAGES 14
#define VCPU_AREA_PAGES 32              /* 16 GDT pages, then 16 LDT pages */
static uint8_t *zero_gdt_page;

static unsigned long vcpu_gdt_va(const struct vcpu *v)
{
    unsigned long idx = (unsigned long)v->domain->domain_id * MAX_VIRT_CPUS + v->vcpu_id;

    return PERDOMAIN_VIRT_START + idx * VCPU_AREA_PAGES * PAGE_SIZE;
}

/* Point page i of v's GDT at frame mfn (0 = the shared empty page). */
void pv_gdt_map_page(struct vcpu *v, unsigned int i, mfn_t mfn)
{
    paddr_t pa = mfn ? (paddr_t)mfn << PAGE_SHIFT : virt_to_maddr(zero_gdt_page);

    map_pages_to_xen(v->arch.gdt_va + i * PAGE_SIZE, pa, PAGE_SIZE,
                     mfn ? PAGE_HYPERVISOR : PAGE_HYPERVISOR_RO, true);
}

/* Point page i of v's LDT area at frame mfn (0 = unmapped). */
void pv_ldt_map_page(struct vcpu *v, unsigned int i, mfn_t mfn)
{
    unsigned long va = v->arch.gdt_va + (GDT_PAGES + i) * PAGE_SIZE;

    if (mfn)
        map_pages_to_xen(va, (paddr_t)mfn << PAGE_SHIFT, PAGE_SIZE, PAGE_HYPERVISOR, true);
    else
        unmap_pages_from_xen(va, PAGE_SIZE);
}

/* LDTR for v: the descriptor (in this CPU's own GDT page, which v's GDT
 * maps as its page 15) points at v's LDT area; no LDT loads the null
 * selector. */
void pv_load_ldt(struct vcpu *v)
{
    uint64_t base, limit;
    uint64_t *gdt = percpu_x86[smp_processor_id()].gdt;

    if (v == NULL || v->arch.ldt_ents == 0) {
        __asm__ volatile("lldt %w0" :: "r"(0));
        return;
    }
    base = v->arch.gdt_va + GDT_PAGES * PAGE_SIZE;
    limit = v->arch.ldt_ents * 8 - 1;
    gdt[LDT_SELECTOR >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                             (0x82ULL << 40) | (((limit >> 16) & 0xf) << 48) |
                             (((base >> 24) & 0xff) << 56);
    gdt[(LDT_SELECTOR >> 3) + 1] = base >> 32;
    __asm__ volatile("lldt %w0" :: "r"(LDT_SELECTOR));
}

static int vcpu_gdt_init(struct vcpu *v)
{
    unsigned int i;
    int rc;

    if (zero_gdt_page == NULL) {
        zero_gdt_page = alloc_xenheap_page();
        if (zero_gdt_page == NULL)
            return -ENOMEM;
        memset(zero_gdt_page, 0, PAGE_SIZE);
    }
    v->arch.gdt_va = vcpu_gdt_va(v);
    for (i = 0; i < GDT_GUEST_PAGES; i++)
        pv_gdt_map_page(v, i, 0);
    /* Pages 14 and 15: the hypervisor's own descriptors and the TSS, of the
     * CPU it runs on (vcpu_gdt_follow_cpu moves them with it). */
    v->arch.gdt_cpu = 0;
    rc = map_pages_to_xen(v->arch.gdt_va + GDT_GUEST_PAGES * PAGE_SIZE,
                          virt_to_maddr(&percpu_x86[0].gdt[GDT_GUEST_PAGES * 512]),
                          2 * PAGE_SIZE, PAGE_HYPERVISOR, true);
    return rc;
}

/* v is about to run on this CPU: its GDT's pages 14-15 must be this CPU's
 * (TSS descriptor, LDT slot).  The CPU v left flushed its TLB when it
 * loaded other page tables, so only this CPU's entries matter. */
static void vcpu_gdt_follow_cpu(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();

    if (v->arch.gdt_cpu == cpu)
        return;
    map_pages_to_xen(v->arch.gdt_va + GDT_GUEST_PAGES * PAGE_SIZE,
                     virt_to_maddr(&percpu_x86[cpu].gdt[GDT_GUEST_PAGES * 512]),
                     2 * PAGE_SIZE, PAGE_HYPERVISOR, true);
    v->arch.gdt_cpu = cpu;
}

static void load_gdt(unsigned long base)
{
    struct desc_ptr gdtr = { GDT_ENTRIES * 8 - 1, base };

    __asm__ volatile("lgdt %0" :: "m"(gdtr));
}

/* ------------------------------------------------------ arch hooks */

int arch_domain_create(struct domain *d)
{
    d->arch.hypercall_page_mfn = INVALID_MFN;
    return 0;
}

void arch_domain_destroy(struct domain *d)
{
    (void)d;
}

void arch_domain_relinquish(struct domain *d)
{
    struct vcpu *v;

    for_each_vcpu(d, v)
        pv_destroy_gdt(v);
    pv_relinquish_pagetables(d);
}

int arch_vcpu_create(struct vcpu *v)
{
    struct cpu_user_regs *r = &v->arch.user_regs;

    memset(r, 0, sizeof(*r));
    r->cs = FLAT_KERNEL_CS;
    r->ss = FLAT_KERNEL_SS;
    r->rflags = X86_EFLAGS_IF | 2;
    v->arch.kernel_mode = true;
    v->arch.kernel_ss = FLAT_KERNEL_SS;
    pv_reset_debugregs(v);
    if (v->vcpu_id != 0)
        v->pause_flags |= VPF_down;
    return vcpu_gdt_init(v);
}

void arch_vcpu_destroy(struct vcpu *v)
{
    if (v->arch.gdt_va)
        unmap_pages_from_xen(v->arch.gdt_va, VCPU_AREA_PAGES * PAGE_SIZE);
}

/*
 * VCPUOP_initialise: a struct vcpu_guest_context (64-bit layout) — the
 * registers, trap table, callbacks, kernel stack and CR3.  Only the parts a
 * PV kernel's secondary-CPU bring-up uses.
 */
int arch_vcpu_initialise(struct vcpu *v, const void *guest_ctx)
{
    return pv_vcpu_initialise(v, guest_ctx);
}

void arch_vcpu_info_moved(struct vcpu *v)
{
    (void)v;
}

void arch_dump_vcpu(struct vcpu *v)
{
    const struct cpu_user_regs *r = (v == current) ? guest_cpu_user_regs() : &v->arch.user_regs;

    printk(XENLOG_ERR "d%uv%u %s mode, RIP %04x:%016lx RFLAGS %016lx\n",
           v->domain->domain_id, v->vcpu_id, v->arch.kernel_mode ? "kernel" : "user",
           r->cs, r->rip, r->rflags);
    printk(XENLOG_ERR "rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    printk(XENLOG_ERR "rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    printk(XENLOG_ERR "rbp: %016lx   rsp: %016lx   r8:  %016lx\n", r->rbp, r->rsp, r->r8);
    printk(XENLOG_ERR "r9:  %016lx   r10: %016lx   r11: %016lx\n", r->r9, r->r10, r->r11);
    printk(XENLOG_ERR "r12: %016lx   r13: %016lx   r14: %016lx\n", r->r12, r->r13, r->r14);
    printk(XENLOG_ERR "r15: %016lx   cr2: %016lx   cr3: %016lx   ss: %04x\n", r->r15,
           v->arch.ctrlreg2, (unsigned long)v->arch.guest_table << PAGE_SHIFT, r->ss);
}

/*
 * dom0 stopped: the machine follows, as on Xen.  Under QEMU the
 * isa-debug-exit port reports how (exit status (code << 1) | 1): poweroff 0
 * (the status a passing test's verdict also gives), crash 5, anything else
 * 6; a reboot really resets the machine (QEMU -no-reboot exits with status
 * 0, as it does with Xen).  Without that device the writes are ignored and
 * the machine halts or restarts.
 */
void arch_hwdom_shutdown(unsigned int reason)
{
    uint32_t code;

    console_start_sync();
    hypercall_stats_dump();
    switch (reason) {
    case SHUTDOWN_poweroff:
        printk("Hardware Dom0 halted: halting machine\n");
        code = 0;
        break;
    case SHUTDOWN_reboot:
        printk("Hardware Dom0 shutdown: rebooting machine\n");
        machine_restart(0);
    case SHUTDOWN_crash:
        printk("Hardware Dom0 crashed: %s\n",
               opt_noreboot ? "'noreboot' set - not rebooting" : "rebooting machine");
        code = 5;
        break;
    default:
        printk("Hardware Dom0 shutdown (reason %u): halting machine\n", reason);
        code = 6;
        break;
    }
    outl(0xf4, code);
    if (reason == SHUTDOWN_reboot || (reason == SHUTDOWN_crash && !opt_noreboot))
        machine_restart(reason == SHUTDOWN_crash ? 5000 : 0);
    machine_halt();
}

/* ------------------------------------------------------ time and memory */

uint64_t arch_rdtsc(void)
{
    return rdtsc();
}

const struct time_scale *arch_tsc_scale(void)
{
    static struct time_scale ts;

    if (ts.mul_frac == 0)
        set_time_scale(&ts, tsc_hz);
    return &ts;
}

bool arch_tsc_stable(void)
{
    return boot_cpu.invariant_tsc;
}

void arch_boot_wallclock(uint64_t *sec, uint32_t *nsec)
{
    *sec = pv_cmos_wallclock();
    *nsec = 0;
}

unsigned int arch_host_memory_map(struct e820entry *buf, unsigned int max)
{
    unsigned int i, n = 0;

    for (i = 0; i < boot_info.nr_memmap && n < max; i++, n++) {
        buf[n].addr = boot_info.memmap[i].addr;
        buf[n].size = boot_info.memmap[i].size;
        buf[n].type = boot_info.memmap[i].type;
    }
    return n;
}

void arch_machphys_mapping(struct xen_machphys_mapping *m)
{
    m->v_start = RO_MPT_VIRT_START;
    m->v_end = RO_MPT_VIRT_START + max_page * sizeof(unsigned long);
    m->max_mfn = max_page - 1;
}

/* ------------------------------------------------------ PV MMU hooks */

/*
 * The PV MMU's flushes: after a guest page-table change, every CPU that
 * may cache the old entry must drop it, i.e. this CPU and the CPUs in the
 * current domain's dirty mask.  Other CPUs get a whole flush (an IPI each);
 * invlpg stays local when no other CPU runs the domain.  A writable mapping
 * of any domain may linger on any CPU, so pv_tlb_stale_writable is cleared
 * only by a flush that reached every online CPU.
 */
static void flush_domain_cpus(void)
{
    struct vcpu *v = current;
    cpumask_t mask;

    cpumask_clear(&mask);
    if (!is_idle_vcpu(v))
        cpumask_copy_atomic(&mask, &v->domain->arch.dirty_cpumask);
    cpumask_clear_cpu(smp_processor_id(), &mask);
    if (!cpumask_empty(&mask))
        smp_flush_tlb_mask(&mask);
}

void pv_flush_tlb_local(void)
{
    perfc_incr(tlb_flush);
    flush_tlb_local();
    flush_domain_cpus();
    if (num_online_cpus() == 1)
        pv_tlb_stale_writable = false;
}

void pv_flush_tlb_this_cpu(void)
{
    perfc_incr(tlb_flush);
    flush_tlb_local();
}

void pv_invlpg_this_cpu(unsigned long va)
{
    perfc_incr(invlpg);
    invlpg(va);
}

void pv_flush_tlb_all_cpus(void)
{
    perfc_incr(tlb_flush);
    smp_flush_tlb_all();
    pv_tlb_stale_writable = false;
}

void pv_invlpg(unsigned long va)
{
    perfc_incr(invlpg);
    invlpg(va);
    flush_domain_cpus();
}

/* MMUEXT_*_MULTI: the CPUs where the vCPUs in the guest's mask may hold
 * entries (where they run or last ran, if still dirty for the domain). */
void pv_flush_vcpu_mask(const unsigned long *vcpumask, unsigned int nr_words, bool one_va,
                        unsigned long va)
{
    struct vcpu *v = current, *w;
    struct domain *d = v->domain;
    cpumask_t mask, dirty;

    cpumask_clear(&mask);
    cpumask_copy_atomic(&dirty, &d->arch.dirty_cpumask);
    for_each_vcpu(d, w) {
        if (w->vcpu_id / 64 >= nr_words || !((vcpumask[w->vcpu_id / 64] >> (w->vcpu_id % 64)) & 1))
            continue;
        if (cpumask_test_cpu(w->processor, &dirty))
            cpumask_set_cpu(w->processor, &mask);
        if (w == v)
            cpumask_set_cpu(smp_processor_id(), &mask);
    }
    if (one_va && cpumask_test_cpu(smp_processor_id(), &mask)) {
        perfc_incr(invlpg);
        invlpg(va);
        cpumask_clear_cpu(smp_processor_id(), &mask);
    }
    if (!cpumask_empty(&mask)) {
        perfc_incr(tlb_flush);
        smp_flush_tlb_mask(&mask);
    }
}

static mfn_t active_table(const struct vcpu *v)
{
    return (v->arch.kernel_mode || !v->arch.guest_table_user)
           ? v->arch.guest_table : v->arch.guest_table_user;
}

void pv_load_cr3(struct vcpu *v)
{
    mfn_t mfn;

    if (v != current)
        return;
    mfn = active_table(v);
    perfc_incr(cr3_load);
    write_cr3(mfn ? (unsigned long)mfn << PAGE_SHIFT : virt_to_maddr(idle_pg_table));
    if (num_online_cpus() == 1)
        pv_tlb_stale_writable = false;      /* no global pages: CR4.PGE is off */
}

void arch_init_guest_l4_slots(pte_t *l4, struct domain *d)
{
    (void)d;
    for (unsigned int i = HYP_FIRST_SLOT; i <= HYP_LAST_SLOT; i++)
        l4[i] = idle_pg_table[i];
}

bool mfn_is_io(mfn_t mfn)
{
    if (!mfn_valid(mfn))
        return true;
    return !(mfn_to_page(mfn)->count_info & (PGC_allocated | PGC_xen_heap)) &&
           mfn_to_page(mfn)->owner == 0 && !(mfn_to_page(mfn)->flags & PGF_heap);
}

bool domain_has_io_rights(const struct domain *d)
{
    return d->is_privileged;
}

/* ------------------------------------------------------ mode and switch */

/* Guest kernel <-> guest user: GS bases swap and the page tables change. */
void pv_toggle_guest_mode(struct vcpu *v)
{
    if (v->arch.kernel_mode) {
        v->arch.gs_base_kernel = rdmsr(MSR_GS_BASE);
        wrmsr(MSR_GS_BASE, v->arch.gs_base_user);
    } else {
        v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
        wrmsr(MSR_GS_BASE, v->arch.gs_base_kernel);
    }
    v->arch.kernel_mode = !v->arch.kernel_mode;
    pv_load_cr3(v);
}

static uint16_t read_sel(unsigned int which)
{
    uint16_t s = 0;

    switch (which) {
    case 0: __asm__ volatile("mov %%ds, %0" : "=r"(s)); break;
    case 1: __asm__ volatile("mov %%es, %0" : "=r"(s)); break;
    case 2: __asm__ volatile("mov %%fs, %0" : "=r"(s)); break;
    case 3: __asm__ volatile("mov %%gs, %0" : "=r"(s)); break;
    }
    return s;
}

static void save_vcpu(struct vcpu *v)
{
    memcpy(&v->arch.user_regs, guest_cpu_user_regs(), PV_FRAME_SIZE);
    for (unsigned int i = 0; i < 4; i++)
        v->arch.sel[i] = read_sel(i);
    v->arch.fs_base = rdmsr(MSR_FS_BASE);
    if (v->arch.kernel_mode)
        v->arch.gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
    __asm__ volatile("clts; fxsave64 %0" : "=m"(v->arch.fpu_state));
    v->arch.fpu_initialised = true;
}

/* Load the selectors; one that faults is replaced by null and the guest
 * hears of it through the failsafe callback on the way out. */
void pv_load_segments(struct vcpu *v)
{
    bool bad = false;

    for (unsigned int i = 0; i < 4; i++)
        if (pv_load_sel(i, v->arch.sel[i]) != 0)
            bad = true;
    if (bad) {
        v->arch.failsafe_pending = true;
        v->arch.user_regs.ds = v->arch.sel[0];
        v->arch.user_regs.es = v->arch.sel[1];
        v->arch.user_regs.fs = v->arch.sel[2];
        v->arch.user_regs.gs = v->arch.sel[3];
    }
    wrmsr(MSR_FS_BASE, v->arch.fs_base);
    wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user);
}

static void restore_vcpu(struct vcpu *v)
{
    unsigned long cr0;

    memcpy(guest_cpu_user_regs(), &v->arch.user_regs, PV_FRAME_SIZE);
    vcpu_gdt_follow_cpu(v);
    load_gdt(v->arch.gdt_va);
    pv_load_ldt(v);
    pv_load_cr3(v);
    pv_load_segments(v);
    __asm__ volatile("clts");
    if (v->arch.fpu_initialised)
        __asm__ volatile("fxrstor64 %0" :: "m"(v->arch.fpu_state));
    else
        __asm__ volatile("fninit");
    v->arch.fpu_initialised = true;
    cr0 = read_cr0();
    if (v->arch.fpu_ts)
        __asm__ volatile("mov %0, %%cr0" :: "r"(cr0 | X86_CR0_TS));
}

void context_switch(struct vcpu *prev, struct vcpu *next)
{
    if (!is_idle_vcpu(prev)) {
        /* Still in prev's address space: its runstate copy (now blocked,
         * runnable or offline) is current when it looks next time. */
        vcpu_update_runstate_area(prev);
        save_vcpu(prev);
    }
    get_cpu_info()->curr_vcpu = next;
    perfc_incr(sched_switch);
    /* This CPU is about to load other page tables (a CR3 write flushes:
     * no global pages), so it holds nothing of prev's domain any more. */
    if (!is_idle_vcpu(prev) && (is_idle_vcpu(next) || next->domain != prev->domain))
        cpumask_clear_cpu_atomic(smp_processor_id(), &prev->domain->arch.dirty_cpumask);
    if (!is_idle_vcpu(next))
        cpumask_set_cpu_atomic(smp_processor_id(), &next->domain->arch.dirty_cpumask);
    pv_load_debugregs(is_idle_vcpu(next) ? NULL : next);
    if (is_idle_vcpu(next)) {
        struct desc_ptr gdtr = { GDT_ENTRIES * 8 - 1,
                                 (uint64_t)percpu_x86[smp_processor_id()].gdt };

        __asm__ volatile("lgdt %0" :: "m"(gdtr));
        pv_load_ldt(NULL);
        write_cr3(virt_to_maddr(idle_pg_table));
        return;
    }
    restore_vcpu(next);
    update_vcpu_system_time(next);
    vcpu_update_runstate_area(next);
}

/* ------------------------------------------------------ idle and exit */

/* Boot-time domUs that shut down are destroyed and their frames returned:
 * there is no toolstack to do it for them.  Never the running domain (its
 * tables are loaded); it is reaped at the next pass. */
static void reap_boot_domains(void)
{
    struct domain *d;

restart:
    for (d = domain_list; d != NULL; d = d->next_in_list) {
        struct vcpu *v;
        bool running = false;

        if (!d->arch.boot_domain || d == hardware_domain || !d->is_shut_down ||
            d->is_dying != DOMDYING_alive || d == current->domain)
            continue;
        for_each_vcpu(d, v)
            running |= v->is_running;
        if (running)
            continue;                   /* still on another CPU: next pass */
        printk("d%u: boot-time domain shut down (%s): destroyed\n", d->domain_id,
               shutdown_reason_name(d->shutdown_code));
        domain_kill(d);
        goto restart;
    }
}

/*
 * Each CPU's idle loop, on the stack below the frame area.  It takes the
 * hypervisor lock only when this CPU has softirqs to run (a vCPU woken for
 * it, a slice or timer event): otherwise it halts without the lock, so an
 * idle CPU never spins for it (under emulation a spinning CPU costs a host
 * thread).  A softirq raised for it by another CPU comes with an
 * event-check IPI, which ends the halt; `sti; hlt` leaves no window for an
 * IPI sent after the check.  Interrupts taken while halted take the lock
 * themselves (do_trap).
 */
static s_time_t idle_since[NR_CPUS];

static void __noreturn idle_loop(void)
{
    unsigned int cpu = smp_processor_id();

    for (;;) {
        local_irq_disable();
        if (!hyp_lock_held()) {
            if (!softirq_pending()) {
                safe_halt();
                continue;
            }
            hyp_lock_acquire();
            if (idle_since[cpu]) {
                perf_idle(NOW() - idle_since[cpu]);
                idle_since[cpu] = 0;
            }
        }
        while (softirq_pending())
            do_softirq();
        if (!is_idle_vcpu(current))
            pv_resume_guest();          /* the exit path drops the lock */
        reap_boot_domains();
        if (!softirq_pending()) {
            perf_leave();
            idle_since[cpu] = NOW();
            hyp_lock_release();
            safe_halt();
        }
    }
}

/* An AP, set up and online: it idles until the scheduler gives it a vCPU. */
void pv_secondary_start(void)
{
    pv_run_on_idle_stack(idle_loop);
}

void pv_start_scheduling(void)
{
    pv_console_input_init();
    perf_start();
    if (!hyp_lock_held())
        hyp_lock_acquire();
    raise_softirq(SCHEDULE_SOFTIRQ);
    pv_run_on_idle_stack(idle_loop);
}

/*
 * The last step before every return to a guest: run what is pending (the
 * scheduler may switch to another vCPU, whose frame then replaces regs'
 * contents), then deliver a pending event upcall or failsafe callback.
 */
void pv_exit_to_guest(struct cpu_user_regs *regs)
{
    for (;;) {
        struct vcpu *v;
        struct vcpu_info *vi;

        while (softirq_pending())
            do_softirq();
        v = current;
        if (is_idle_vcpu(v))
            pv_run_on_idle_stack(idle_loop);
        reap_boot_domains();
        if (!vcpu_runnable(v)) {
            raise_softirq(SCHEDULE_SOFTIRQ);
            continue;
        }
        if (v->arch.failsafe_pending) {
            v->arch.failsafe_pending = false;
            pv_bounce_failsafe(v, regs);
            continue;
        }
        vi = v->vcpu_info;
        if (vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask &&
            v->arch.event_callback_eip != 0) {
            pv_bounce_event(v, regs);
            continue;
        }
        break;
    }
    perf_leave();
    hyp_lock_release();                 /* interrupts stay off until the guest runs */
}
