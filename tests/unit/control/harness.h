/*
 * harness.h — the fake machine behind the control-interface tests: 1024
 * frames of RAM, a settable clock, a made-up host CPU for the CPUID views,
 * recorded console output, and helpers to issue domctl/sysctl/platform_op
 * as a given domain.
 */
#ifndef TEST_CONTROL_HARNESS_H
#define TEST_CONTROL_HARNESS_H

#include <xen/sched.h>
#include <xen/event.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <xen/mm.h>
#include <xen/control.h>

#define H_FRAMES 1024
/* Guest pointers at or above this fail to copy (-EFAULT). */
#define H_BAD_GUEST_ADDR 0xffff800000000000UL
#define H_BAD_PTR ((void *)H_BAD_GUEST_ADDR)

/* Strict guest memory: only h_arena is addressable (fuzzing). */
#define H_ARENA_SIZE (64 * 1024)
extern uint8_t h_arena[H_ARENA_SIZE];
extern bool h_strict_guest;

extern s_time_t h_now;
extern struct vcpu *h_cur;
extern unsigned long initial_free;
extern uint64_t h_tsc;
extern unsigned long h_m2p[H_FRAMES];
extern int h_set_ctx_calls, h_get_ctx_calls;
extern bool h_last_ctx_was_null;
extern uint64_t h_last_ctx_rip;

void h_setup(void);
void h_teardown(void);
void h_run_as(struct vcpu *v);

/* dom0 (privileged, 1 vCPU, running as current) and helpers. */
struct domain *h_make_dom0(void);
/* Issue the hypercalls with a kernel struct as the "guest" buffer. */
long h_domctl(struct xen_domctl *op);
long h_sysctl(struct xen_sysctl *op);
long h_platform(struct xen_platform_op *op);
/* A domctl request with the version set. */
void h_domctl_init(struct xen_domctl *op, uint32_t cmd, domid_t dom);
void h_sysctl_init(struct xen_sysctl *op, uint32_t cmd);
/* createdomain then max_vcpus, as the toolstack does; returns the id or a
 * negative errno.  _raw: createdomain only. */
long h_create(domid_t want, unsigned int max_vcpus);
long h_create_raw(domid_t want, unsigned int max_vcpus);
/* setvcpucontext with VGCF_online: the vCPU comes up. */
void h_online(domid_t id, unsigned int vcpu);

#endif
