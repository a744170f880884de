/*
 * harness.h — a fake machine for the domain/scheduler tests: 1024 frames of
 * RAM, a settable clock, and recorded arch hooks (context switches, register
 * dumps, hardware-domain shutdown).
 */
#ifndef TEST_SCHED_HARNESS_H
#define TEST_SCHED_HARNESS_H

#include <xen/sched.h>
#include <xen/event.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <xen/mm.h>

#define H_FRAMES 1024

extern s_time_t h_now;
extern unsigned int switches, dumps;
extern int hwdom_reason;               /* -1: not shut down */
extern unsigned long initial_free;
extern struct vcpu *h_cur;
extern unsigned long h_m2p[H_FRAMES];
extern uint64_t h_tsc;
void h_set_tsc_hz(uint64_t hz);

void h_setup(void);
void h_teardown(void);
/* Advance the clock and run what the timer interrupt and exit path would. */
void h_tick(s_time_t ns);
/* The exit path: pending softirqs (may switch vCPUs). */
void h_exit_path(void);
/* Run as v for a hypercall. */
void h_run_as(struct vcpu *v);

#endif
