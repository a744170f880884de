/*
 * harness.c — the fake machine behind the control tests (see harness.h):
 * the arch hooks the generic code and the control interface call, a fake
 * host CPU (a QEMU qemu64-like Intel with rdrand) answering CPUID, and the
 * console's output kept in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/shutdown.h>
#include <asm/pv_mm.h>
#include <xen/memory.h>
#include <xen/pvclock.h>
#include "../lib/fake_machine.h"
#include <xen/perfc.h>
#include "harness.h"

s_time_t h_now;
unsigned long initial_free;
static struct domain idle_dom;
static struct vcpu idle_v;
struct vcpu *idle_vcpus[NR_CPUS] = { &idle_v };
struct vcpu *h_cur;

void h_setup(void)
{
    initial_free = fm_init(H_FRAMES, 1, H_FRAMES);
    h_now = 1000000;
    m2p_rw = h_m2p;
    memset(h_m2p, 0xff, sizeof(h_m2p));
    idle_dom.domain_id = DOMID_IDLE;
    idle_v.domain = &idle_dom;
    idle_v.is_running = true;
    h_cur = idle_vcpu;
    h_set_ctx_calls = h_get_ctx_calls = 0;
    sched_init();
    ctl_reset_for_tests();
    platform_reset_for_tests();
}

void h_teardown(void)
{
    /* Domains still listed hold frames in ram: drop them first. */
    while (domain_list != NULL) {
        struct domain *d = domain_list;

        /* dom0 last: the others' deaths notify it. */
        while (d == hardware_domain && d->next_in_list != NULL)
            d = d->next_in_list;
        domain_kill(d);
    }
    fm_fini();
}

void h_run_as(struct vcpu *v) { h_cur = v; }

struct domain *h_make_dom0(void)
{
    struct domain *d;

    cr_assert_eq(domain_create(0, DOMCRF_privileged, 1, &d), 0);
    d->max_pages = ~0UL;
    h_run_as(d->vcpu[0]);
    return d;
}

void h_domctl_init(struct xen_domctl *op, uint32_t cmd, domid_t dom)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = dom;
}

void h_sysctl_init(struct xen_sysctl *op, uint32_t cmd)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
}

long h_domctl(struct xen_domctl *op)
{
    return do_domctl((XEN_GUEST_HANDLE_PARAM(void)){ op });
}

long h_sysctl(struct xen_sysctl *op)
{
    return do_sysctl((XEN_GUEST_HANDLE_PARAM(void)){ op });
}

long h_platform(struct xen_platform_op *op)
{
    return do_platform_op((XEN_GUEST_HANDLE_PARAM(void)){ op });
}

long h_create_raw(domid_t want, unsigned int max_vcpus)
{
    struct xen_domctl op;
    long rc;

    h_domctl_init(&op, XEN_DOMCTL_createdomain, want);
    op.u.createdomain.max_vcpus = max_vcpus;
    op.u.createdomain.max_evtchn_port = ~0u;
    op.u.createdomain.max_grant_frames = -1;
    op.u.createdomain.max_maptrack_frames = -1;
    op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    rc = h_domctl(&op);
    return rc < 0 ? rc : op.domain;
}

long h_create(domid_t want, unsigned int max_vcpus)
{
    struct xen_domctl op;
    long id = h_create_raw(want, max_vcpus);

    if (id < 0)
        return id;
    /* What the toolstack does next: the vCPUs become visible. */
    h_domctl_init(&op, XEN_DOMCTL_max_vcpus, (domid_t)id);
    op.u.max_vcpus.max = max_vcpus;
    cr_assert_eq(h_domctl(&op), 0);
    return id;
}

void h_online(domid_t id, unsigned int vcpu)
{
    struct xen_domctl op;
    struct vcpu_guest_context ctx;

    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_online;
    h_domctl_init(&op, XEN_DOMCTL_setvcpucontext, id);
    op.u.vcpucontext.vcpu = vcpu;
    op.u.vcpucontext.ctxt.p = (uint64_t)(uintptr_t)&ctx;
    cr_assert_eq(h_domctl(&op), 0);
}

/* ---- hooks ---- */
s_time_t NOW(void) { return h_now; }
void arch_timer_reprogram(s_time_t deadline) { (void)deadline; }
struct vcpu *current_vcpu(void) { return h_cur; }
void context_switch(struct vcpu *prev, struct vcpu *next)
{
    (void)prev;
    h_cur = next;
}
/* arch_domain_* and arch_vcpu_* hooks: tests/unit/lib/arch_domain_hooks.c */

/* The vCPU context hooks (arch/x86/pv in the image): record what they were given. */
int h_set_ctx_calls, h_get_ctx_calls;
bool h_last_ctx_was_null;
uint64_t h_last_ctx_rip;
int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *ctx)
{
    h_set_ctx_calls++;
    h_last_ctx_was_null = ctx == NULL;
    if (ctx == NULL) {
        v->is_initialised = false;
        return 0;
    }
    h_last_ctx_rip = ctx->user_regs.rip;
    v->arch.user_regs.rip = ctx->user_regs.rip;
    v->is_initialised = true;
    return 0;
}
int arch_get_vcpu_context(struct vcpu *v, struct vcpu_guest_context *ctx)
{
    h_get_ctx_calls++;
    memset(ctx, 0, sizeof(*ctx));
    ctx->user_regs.rip = v->arch.user_regs.rip;
    ctx->flags = VGCF_online;
    return 0;
}

unsigned long h_m2p[H_FRAMES];
unsigned int arch_host_memory_map(struct e820entry *buf, unsigned int max)
{
    static const struct e820entry host[1] = { { 0x100000, 0x3ff00000, 1 } };

    if (max == 0)
        return 0;
    memcpy(buf, host, sizeof(host));
    return 1;
}
uint64_t h_tsc;
static struct time_scale h_scale = { .shift = 0, .mul_frac = 1u << 31 };
uint64_t arch_rdtsc(void) { return h_tsc; }
const struct time_scale *arch_tsc_scale(void) { return &h_scale; }
s_time_t arch_system_time_at(uint64_t tsc) { (void)tsc; return NOW(); }
bool arch_tsc_stable(void) { return true; }
/* As the arch hook should: dom0's settime wins over the CMOS clock. */
void arch_boot_wallclock(uint64_t *sec, uint32_t *nsec)
{
    if (!ctl_wallclock_base(sec, nsec)) {
        *sec = 1000;
        *nsec = 0;
    }
}

void arch_machphys_mapping(struct xen_machphys_mapping *m)
{
    m->v_start = 0xffff800000000000UL;
    m->v_end = m->v_start + H_FRAMES * 8;
    m->max_mfn = H_FRAMES - 1;
}
void arch_dump_vcpu(struct vcpu *v) { (void)v; }
/* Debug keys 'p'/'P' (pv/hypercall.c on the machine): the real counters. */
static const char *h_hypercall_name(unsigned long nr) { (void)nr; return "h"; }
void hypercall_stats_dump(void) { perfc_dump(h_hypercall_name); }
void hypercall_stats_reset(void) { perfc_reset(); }
void arch_hwdom_shutdown(unsigned int reason) { (void)reason; }

void pv_flush_tlb_local(void) { }
void pv_invlpg(unsigned long va) { (void)va; }
void pv_flush_tlb_all_cpus(void) { }
void pv_flush_tlb_this_cpu(void) { }
void pv_invlpg_this_cpu(unsigned long va) { (void)va; }
void pv_flush_vcpu_mask(const unsigned long *m, unsigned int n, bool one, unsigned long va)
{ (void)m; (void)n; (void)one; (void)va; }
void pv_load_cr3(struct vcpu *v) { (void)v; }
void arch_init_guest_l4_slots(pte_t *l4, struct domain *d) { (void)l4; (void)d; }
bool mfn_is_io(mfn_t mfn) { (void)mfn; return false; }
bool domain_has_io_rights(const struct domain *d) { return d->is_privileged; }
int pv_validate_desc_page(struct page_info *pg) { (void)pg; return 0; }
int pv_set_ldt(struct vcpu *v, unsigned long base, unsigned int ents)
{
    (void)v; (void)base; (void)ents;
    return 0;
}

/*
 * Guest memory.  Normally any host address below H_BAD_GUEST_ADDR counts
 * (tests pass their own structures); in strict mode only the arena does,
 * as a guest's own address space would, so a random pointer in a fuzzed
 * request fails with -EFAULT instead of scribbling over the test.
 */
uint8_t h_arena[H_ARENA_SIZE] __attribute__((aligned(64)));
bool h_strict_guest;

static bool guest_range_ok(const void *p, unsigned long n)
{
    uintptr_t a = (uintptr_t)p;

    if (p == NULL || a >= H_BAD_GUEST_ADDR)
        return false;
    if (!h_strict_guest)
        return true;
    return a >= (uintptr_t)h_arena && n <= H_ARENA_SIZE &&
           a - (uintptr_t)h_arena <= H_ARENA_SIZE - n;
}

unsigned long raw_copy_from_guest(void *to, const void *from, unsigned long n)
{
    if (!guest_range_ok(from, n))
        return n;
    memcpy(to, from, n);
    return 0;
}
unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long n)
{
    if (!guest_range_ok(to, n))
        return n;
    memcpy(to, from, n);
    return 0;
}
unsigned long raw_put_guest_u16(void *to, uint16_t v)
{
    return raw_copy_to_guest(to, &v, sizeof(v));
}

void *_xzalloc(size_t size, size_t align) { (void)align; return calloc(1, size); }
void *_xzalloc_array(size_t size, size_t align, size_t n) { (void)align; return calloc(n, size); }
void *_xmalloc_array(size_t size, size_t align, size_t n) { (void)align; return calloc(n, size); }
void xfree(void *p) { free(p); }

/* ---- the fake CPU: vendor GenuineIntel, family 6 model 0x3a stepping 9 ---- */
static void fake_host_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *o)
{
    memset(o, 0, sizeof(*o));
    switch (leaf) {
    case 0:
        o->a = 0xd;
        o->b = 0x756e6547; o->d = 0x49656e69; o->c = 0x6c65746e;   /* GenuineIntel */
        break;
    case 1:
        o->a = 0x000306a9;
        o->c = CPUID1_ECX_SSE3 | CPUID1_ECX_CX16 | CPUID1_ECX_POPCNT | CPUID1_ECX_RDRAND |
               CPUID1_ECX_VMX | CPUID1_ECX_X2APIC | CPUID1_ECX_HV;
        o->d = CPUID1_EDX_FPU | CPUID1_EDX_TSC | CPUID1_EDX_MSR | CPUID1_EDX_PAE |
               CPUID1_EDX_CX8 | CPUID1_EDX_APIC | CPUID1_EDX_PGE | CPUID1_EDX_CMOV |
               CPUID1_EDX_PSE | CPUID1_EDX_MTRR | CPUID1_EDX_FXSR | CPUID1_EDX_SSE | CPUID1_EDX_SSE2;
        break;
    case 4:
        if (sub < 2)
            o->a = 0x121 + sub;         /* two caches, then a null entry */
        break;
    case 7:
        if (sub == 0)
            o->b = CPUID7_EBX_FSGSBASE | CPUID7_EBX_SMEP | CPUID7_EBX_ERMS | CPUID7_EBX_BMI1;
        break;
    case 0x80000000:
        o->a = 0x80000008;
        break;
    case 0x80000001:
        o->c = CPUIDE1_ECX_LAHF_LM;
        o->d = CPUIDE1_EDX_SYSCALL | CPUIDE1_EDX_NX | CPUIDE1_EDX_LM | CPUIDE1_EDX_PAGE1GB;
        break;
    case 0x80000008:
        o->a = 0x3028;                  /* 40 physical, 48 virtual bits */
        break;
    default:
        break;
    }
}

void arch_ctl_cpuid(enum ctl_cpuid_view view, uint32_t leaf, uint32_t subleaf,
                    struct cpuid_regs *out)
{
    static struct pv_cpuid_policy pol;
    static bool ready;

    if (view == CTL_CPUID_HOST) {
        fake_host_cpuid(leaf, subleaf, out);
        return;
    }
    if (!ready) {
        pol.host = fake_host_cpuid;
        pol.xen_major = 4;
        pol.xen_minor = 17;
        pol.tsc_khz = 2000000;
        pol.host_khz = 2000000;
        pol.maddr_bits = 40;
        pv_cpuid_policy_init(&pol);
        ready = true;
    }
    pol.dom0 = view == CTL_CPUID_PV_DOM0;
    pv_cpuid(&pol, leaf, subleaf, out);
}

uint32_t arch_cpu_khz(void) { return 2000000; }
/* The fake machine's RAM: every frame, as its memory map would say. */
unsigned long arch_total_ram_pages(void) { return H_FRAMES; }
/* A two-processor fake machine. */
unsigned int arch_nr_cpus(void) { return 2; }

/* ---- what console.c needs ---- */
void arch_console_write(const char *s, size_t n) { (void)s; (void)n; }
unsigned long arch_local_irq_save(void) { return 0; }
void arch_local_irq_restore(unsigned long flags) { (void)flags; }
void arch_show_caller_stack(void) { }
void machine_halt(void) { abort(); }
void machine_fatal_stop(void)
{
    cr_assert_fail("hypervisor panic");
    abort();
}
