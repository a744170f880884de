/*
 * harness.c — the fake machine behind test_sched.c (see harness.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <asm/pv_mm.h>
#include <xen/memory.h>
#include <xen/pvclock.h>
#include "../lib/fake_machine.h"
#include "harness.h"

s_time_t h_now;
unsigned int switches, dumps;
int hwdom_reason;
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
    switches = dumps = 0;
    hwdom_reason = -1;
    idle_dom.domain_id = DOMID_IDLE;
    idle_v.domain = &idle_dom;
    idle_v.is_running = true;
    h_cur = idle_vcpu;
    sched_init();
}

void h_teardown(void)
{
    fm_fini();
}

void h_tick(s_time_t ns)
{
    h_now += ns;
    timer_run_expired(h_now);
    h_exit_path();
}

void h_exit_path(void) { do_softirq(); }
void h_run_as(struct vcpu *v) { h_cur = v; }

/* ---- hooks ---- */
s_time_t NOW(void) { return h_now; }
void arch_timer_reprogram(s_time_t deadline) { (void)deadline; }
struct vcpu *current_vcpu(void) { return h_cur; }
void context_switch(struct vcpu *prev, struct vcpu *next)
{
    (void)prev;
    switches++;
    h_cur = next;
}
/* arch_domain_* and arch_vcpu_* hooks: tests/unit/lib/arch_domain_hooks.c */

unsigned long h_m2p[H_FRAMES];
unsigned int arch_host_memory_map(struct e820entry *buf, unsigned int max)
{
    static const struct e820entry host[3] = {
        { 0, 0x9f000, 1 }, { 0xf0000, 0x10000, 2 }, { 0x100000, 0x3ff00000, 1 },
    };
    unsigned int n = max < 3 ? max : 3;

    memcpy(buf, host, n * sizeof(*buf));
    return n;
}
uint64_t h_tsc;
static struct time_scale h_scale;
uint64_t arch_rdtsc(void) { return h_tsc; }
const struct time_scale *arch_tsc_scale(void) { return &h_scale; }
s_time_t arch_system_time_at(uint64_t tsc) { (void)tsc; return NOW(); }
void h_set_tsc_hz(uint64_t hz) { set_time_scale(&h_scale, hz); }
bool arch_tsc_stable(void) { return true; }
void arch_boot_wallclock(uint64_t *sec, uint32_t *nsec) { *sec = 0x123456789ULL; *nsec = 42; }

void arch_machphys_mapping(struct xen_machphys_mapping *m)
{
    m->v_start = 0xffff800000000000UL;
    m->v_end = m->v_start + H_FRAMES * 8;
    m->max_mfn = H_FRAMES - 1;
}
void arch_dump_vcpu(struct vcpu *v) { (void)v; dumps++; }
void arch_hwdom_shutdown(unsigned int reason) { hwdom_reason = (int)reason; }

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

#include "../lib/host_stubs.h"

