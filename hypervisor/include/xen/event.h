/*
 * event.h — event channels, 2-level ABI (common/event_channel.c).
 *
 * A port is a per-domain number naming one end of a channel.  Delivery sets
 * the port's bit in shared_info.evtchn_pending; if the port is not masked,
 * the selector bit in the notified vCPU's vcpu_info and its upcall_pending
 * flag follow, and a blocked vCPU is woken.  The guest scans and clears.
 *
 * The evtchn_* helpers below take kernel copies of the hypercall arguments
 * (never guest pointers) and return 0 or a negative errno, so they can be
 * unit-tested on the host; do_event_channel_op() does the guest copies.
 */
#ifndef XEN_EVENT_H
#define XEN_EVENT_H

#include <xen/types.h>
#include <xen/sched.h>
#include <public/event_channel.h>

/* Channel states. */
enum {
    ECS_FREE = 0,       /* not in use */
    ECS_RESERVED,       /* port 0: never allocated */
    ECS_UNBOUND,        /* waiting for u.unbound.remote_domid to bind */
    ECS_INTERDOMAIN,    /* connected to u.interdomain.remote_dom/port */
    ECS_PIRQ,           /* physical IRQ u.pirq (common/pirq.c) */
    ECS_VIRQ,           /* virtual IRQ u.virq of vCPU notify_vcpu_id */
    ECS_IPI,            /* inter-vCPU notification */
};

struct evtchn {
    uint8_t  state;                 /* ECS_* */
    uint16_t notify_vcpu_id;        /* vCPU whose vcpu_info is flagged */
    /* FIFO ABI (event_fifo.c): the queue for new events, the queue the
     * event was last linked on, and "raised before its event word existed". */
    uint8_t  priority, last_priority;
    uint16_t last_vcpu_id;
    bool     fifo_pending;
    union {
        struct { domid_t remote_domid; } unbound;
        struct { struct domain *remote_dom; evtchn_port_t remote_port; } interdomain;
        uint32_t virq;
        uint32_t pirq;
    } u;
};

/* Domain setup and teardown. */
int  evtchn_init(struct domain *d);
void evtchn_destroy(struct domain *d);

/* Port lookup: NULL when the port is out of range or was never allocated. */
bool port_is_valid(const struct domain *d, evtchn_port_t port);
struct evtchn *evtchn_from_port(const struct domain *d, evtchn_port_t port);

/* Hypercall helpers: d is the calling domain. */
int evtchn_alloc_unbound(struct domain *d, evtchn_alloc_unbound_t *a);
int evtchn_bind_interdomain(struct domain *d, evtchn_bind_interdomain_t *b);
int evtchn_bind_virq(struct domain *d, evtchn_bind_virq_t *b);
int evtchn_bind_ipi(struct domain *d, evtchn_bind_ipi_t *b);
int evtchn_bind_pirq(struct domain *d, evtchn_bind_pirq_t *b);
int evtchn_close(struct domain *d, evtchn_port_t port);
int evtchn_send(struct domain *d, evtchn_port_t port);
int evtchn_status(struct domain *d, evtchn_status_t *s);
int evtchn_bind_vcpu(struct domain *d, evtchn_port_t port, unsigned int vcpu_id);
int evtchn_unmask(struct domain *d, evtchn_port_t port);
int evtchn_set_priority(struct domain *d, const evtchn_set_priority_t *sp);
int evtchn_port_poll(const struct domain *d, evtchn_port_t port);
int evtchn_reset(struct domain *d, domid_t dom);

/* Senders inside the hypervisor. */
bool virq_is_global(uint32_t virq);
void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq);
void send_guest_global_virq(struct domain *d, uint32_t virq);
/* Mark port pending for delivery to vCPU v of d (2-level rules). */
void evtchn_set_pending(struct domain *d, unsigned int vcpu_id, evtchn_port_t port);
/* Flag an upcall on v and kick it (after setting a selector bit). */
void vcpu_mark_events_pending(struct vcpu *v);

bool evtchn_is_pending(const struct domain *d, evtchn_port_t port);
bool evtchn_is_masked(const struct domain *d, evtchn_port_t port);
/* The 2-level pending bit, whatever the domain's ABI (FIFO switch-over). */
bool evtchn_2l_is_pending(const struct domain *d, evtchn_port_t port);
/* Ports a domain may use under its current ABI (4096, or 2^17 with FIFO). */
unsigned int evtchn_nr_ports(const struct domain *d);

/*
 * FIFO ABI (event_fifo.c; d->evtchn_fifo != NULL once switched).  Callers
 * hold the event channel lock.  opt_evtchn_fifo: the evtchn_fifo= option.
 */
extern bool opt_evtchn_fifo;
int  evtchn_fifo_init_control(struct domain *d, evtchn_init_control_t *ic);
int  evtchn_fifo_expand_array(struct domain *d, uint64_t gfn);
int  evtchn_fifo_set_priority(struct evtchn *chn, unsigned int priority);
void evtchn_fifo_destroy(struct domain *d);
bool evtchn_fifo_set_pending(struct vcpu *v, struct evtchn *chn, evtchn_port_t port);
void evtchn_fifo_clear_pending(struct domain *d, struct evtchn *chn, evtchn_port_t port);
void evtchn_fifo_unmask(struct domain *d, struct evtchn *chn, evtchn_port_t port);
bool evtchn_fifo_is_pending(const struct domain *d, evtchn_port_t port);
bool evtchn_fifo_is_masked(const struct domain *d, evtchn_port_t port);
bool evtchn_fifo_is_busy(const struct domain *d, evtchn_port_t port);

/* The hypercall. */
long do_event_channel_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

#endif
