/*
 * harness.c — fake hypervisor environment for the event channel tests.
 * Three domains (0 privileged, 1 and 2 not) with four vCPUs each, their
 * shared_info pages on the host heap, and counters of vcpu_kick() calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <criterion/criterion.h>
#include <xen/bitops.h>
#include "harness.h"

struct domain *hdom[H_NR_DOMS];
unsigned int kicks[H_NR_DOMS][H_NR_VCPUS];
struct vcpu *h_current;
int live_refs;
static unsigned char (*frames)[4096];
static int frame_refs[H_NR_FRAMES];

void h_setup(void)
{
    frames = aligned_alloc(4096, H_NR_FRAMES * 4096);
    cr_assert_not_null(frames);
    memset(frames, 0, H_NR_FRAMES * 4096);
    memset(frame_refs, 0, sizeof(frame_refs));
    memset(kicks, 0, sizeof(kicks));
    live_refs = 0;
    for (int i = 0; i < H_NR_DOMS; i++) {
        struct domain *d = calloc(1, sizeof(*d));

        cr_assert_not_null(d);
        d->domain_id = i;
        d->is_privileged = (i == 0);
        d->max_vcpus = H_NR_VCPUS;
        d->shared_info = aligned_alloc(4096, 4096);
        cr_assert_not_null(d->shared_info);
        memset(d->shared_info, 0, 4096);
        for (unsigned int v = 0; v < H_NR_VCPUS; v++) {
            struct vcpu *vc = calloc(1, sizeof(*vc));

            cr_assert_not_null(vc);
            vc->vcpu_id = v;
            vc->domain = d;
            vc->vcpu_info = &d->shared_info->vcpu_info[v];
            d->vcpu[v] = vc;
        }
        cr_assert_eq(evtchn_init(d), 0);
        hdom[i] = d;
    }
    h_set_current(hdom[1], 0);
}

void *h_frame(uint64_t mfn)
{
    return frames[mfn];
}

int h_frame_refs(uint64_t mfn)
{
    return frame_refs[mfn];
}

uint64_t h_frame_of(struct domain *d, unsigned int n)
{
    uint64_t mfn = d->domain_id + H_NR_DOMS * (n + 1);

    cr_assert(mfn < H_NR_FRAMES && mfn != H_RO_FRAME);
    return mfn;
}

void *domain_map_guest_frame(struct domain *d, uint64_t mfn)
{
    if (mfn == 0 || mfn >= H_NR_FRAMES || mfn % H_NR_DOMS != d->domain_id ||
        mfn == H_RO_FRAME)
        return NULL;
    frame_refs[mfn]++;
    return frames[mfn];
}

void domain_unmap_guest_frame(void *va)
{
    uint64_t mfn = ((unsigned char (*)[4096])va) - frames;

    cr_assert(mfn < H_NR_FRAMES && (void *)frames[mfn] == va, "unmap of %p", va);
    cr_assert(frame_refs[mfn] > 0, "frame %lu unmapped more than mapped", (unsigned long)mfn);
    frame_refs[mfn]--;
}

void h_teardown(void)
{
    for (int i = 0; i < H_NR_DOMS; i++)
        evtchn_destroy(hdom[i]);
    cr_expect_eq(live_refs, 0, "domain references leaked: %d", live_refs);
    for (int i = 0; i < H_NR_FRAMES; i++)
        cr_expect_eq(frame_refs[i], 0, "frame %d still mapped by the hypervisor", i);
    free(frames);
    frames = NULL;
    for (int i = 0; i < H_NR_DOMS; i++) {
        for (unsigned int v = 0; v < H_NR_VCPUS; v++)
            free(hdom[i]->vcpu[v]);
        free(hdom[i]->shared_info);
        free(hdom[i]);
        hdom[i] = NULL;
    }
}

void h_set_current(struct domain *d, unsigned int vcpu)
{
    h_current = d->vcpu[vcpu];
}

bool h_pending(struct domain *d, evtchn_port_t port)
{
    return test_bit(port, (unsigned long *)d->shared_info->evtchn_pending);
}

bool h_sel(struct domain *d, unsigned int vcpu, evtchn_port_t port)
{
    return (d->vcpu[vcpu]->vcpu_info->evtchn_pending_sel >> (port / 64)) & 1;
}

uint8_t h_upcall(struct domain *d, unsigned int vcpu)
{
    return d->vcpu[vcpu]->vcpu_info->evtchn_upcall_pending;
}

void h_mask(struct domain *d, evtchn_port_t port)
{
    set_bit(port, (unsigned long *)d->shared_info->evtchn_mask);
}

/* What a guest does after handling its events. */
void h_clear_event_state(struct domain *d)
{
    memset(d->shared_info->evtchn_pending, 0, sizeof(d->shared_info->evtchn_pending));
    for (unsigned int v = 0; v < H_NR_VCPUS; v++) {
        d->vcpu[v]->vcpu_info->evtchn_pending_sel = 0;
        d->vcpu[v]->vcpu_info->evtchn_upcall_pending = 0;
        kicks[d->domain_id][v] = 0;
    }
}

/* ---- what event_channel.c calls ---- */

struct vcpu *current_vcpu(void) { return h_current; }

struct domain *domain_lookup(struct domain *caller, domid_t id)
{
    if (id == DOMID_SELF)
        id = caller->domain_id;
    if (id >= H_NR_DOMS)
        return NULL;
    live_refs++;
    return hdom[id];
}

void get_domain(struct domain *d) { (void)d; live_refs++; }
void put_domain(struct domain *d) { (void)d; live_refs--; }

struct vcpu *domain_vcpu(const struct domain *d, unsigned int vcpu_id)
{
    return vcpu_id < d->max_vcpus ? d->vcpu[vcpu_id] : NULL;
}

void vcpu_kick(struct vcpu *v)
{
    kicks[v->domain->domain_id][v->vcpu_id]++;
    v->pause_flags &= ~VPF_blocked;
    v->poll_nr = 0;
}


/* PIRQs are tested with the real common/pirq.c in tests/unit/control; here
 * no domain has any mapped, which is what event_channel.c asks about. */
unsigned int pirq_limit(const struct domain *d) { return d->is_privileged ? 16 + 256 : 16 + 32; }
int pirq_guest_bind(struct domain *d, unsigned int pirq, unsigned int port)
{
    (void)d; (void)pirq; (void)port;
    return -EINVAL;
}
void pirq_guest_unbind(struct domain *d, unsigned int pirq) { (void)d; (void)pirq; }
