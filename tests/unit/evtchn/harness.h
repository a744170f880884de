/*
 * harness.h — fake domains for host tests of hypervisor/common/event_channel.c.
 *
 * Provides what event_channel.c needs from the rest of the hypervisor:
 * domain lookup and references, vCPU lookup, the scheduler's vcpu_kick(),
 * current, guest copies (with a simulated bad-address range), printk/panic,
 * and xmalloc over libc.
 */
#ifndef TEST_EVTCHN_HARNESS_H
#define TEST_EVTCHN_HARNESS_H

#include <xen/sched.h>
#include <xen/event.h>

#define H_NR_DOMS   3
#define H_NR_VCPUS  4

extern struct domain *hdom[H_NR_DOMS];
extern unsigned int kicks[H_NR_DOMS][H_NR_VCPUS];
extern struct vcpu *h_current;
extern int live_refs;

/* Guest addresses at or above H_BAD_GUEST_ADDR fail to copy (-EFAULT). */
#include "../lib/host_stubs.h"

void h_setup(void);
void h_teardown(void);
void h_set_current(struct domain *d, unsigned int vcpu);
bool h_pending(struct domain *d, evtchn_port_t port);
bool h_sel(struct domain *d, unsigned int vcpu, evtchn_port_t port);
uint8_t h_upcall(struct domain *d, unsigned int vcpu);
void h_mask(struct domain *d, evtchn_port_t port);
void h_clear_event_state(struct domain *d);

/* Guest frames for the FIFO ABI: frames 1..H_NR_FRAMES-1 belong to the
 * domain with id (frame % H_NR_DOMS); frame H_RO_FRAME cannot be made
 * writable.  h_frame() is its memory; h_frame_refs() the references the
 * hypervisor holds on it (domain_map_guest_frame). */
#define H_NR_FRAMES 64
#define H_RO_FRAME  31
void *h_frame(uint64_t mfn);
int h_frame_refs(uint64_t mfn);
/* The frame number of some frame of d (n-th). */
uint64_t h_frame_of(struct domain *d, unsigned int n);

#endif
