/*
 * sched.h — the domain model: struct domain and struct vcpu, their states,
 * and the generic operations on them (common/domain.c, common/schedule.c).
 *
 * Architecture-specific state (register frames, page-table bases, trap
 * tables, descriptor tables) lives in struct arch_domain / struct arch_vcpu
 * from <asm/domain.h>; generic code only reaches it through arch_* hooks.
 *
 * Lifetime: a domain is created paused, runs, may shut down (it stops running
 * but keeps its memory so the toolstack can inspect it), is destroyed (dying:
 * its resources are torn down) and is freed when the last reference goes.
 * Anything that holds a struct domain * across a point where the domain may
 * be destroyed takes a reference with get_domain()/put_domain().
 */
#ifndef XEN_SCHED_H
#define XEN_SCHED_H

#include <xen/types.h>
#include <xen/errno.h>
#include <xen/spinlock.h>
#include <xen/smp.h>
#include <xen/timer.h>
#include <public/xen.h>
#include <public/vcpu.h>
#include <public/event_channel.h>
#include <xen/iocap.h>
#include <xen/sched_policy.h>
#include <asm/domain.h>

#define MAX_VIRT_CPUS       32      /* vcpu_info slots in shared_info */
#define EVTCHN_2L_NR        4096    /* 2-level ABI: 64 words of 64 bits */
#define EVTCHNS_PER_BUCKET  128
#define EVTCHN_MAX_NR       (1u << 17) /* FIFO ABI: 17-bit links */
#define NR_EVTCHN_BUCKETS   (EVTCHN_MAX_NR / EVTCHNS_PER_BUCKET)

struct evtchn;
struct evtchn_fifo_vcpu;
struct evtchn_fifo_domain;
struct grant_table;
struct e820entry;

/* vCPU pause reasons (bits of vcpu->pause_flags): runnable only when zero. */
#define VPF_blocked     (1u << 0)   /* SCHEDOP_block / poll, waiting for an event */
#define VPF_down        (1u << 1)   /* not brought up (VCPUOP_up not yet called) */
#define VPF_crashed     (1u << 2)   /* domain crashed: never runs again */

struct vcpu {
    unsigned int        vcpu_id;
    struct domain      *domain;
    struct sched_unit   sched;            /* the scheduling policy's state */

    /* Event delivery: where the guest looks for pending events. */
    struct vcpu_info   *vcpu_info;        /* shared_info slot or registered page */
    mfn_t               vcpu_info_mfn;    /* registered page, or INVALID_MFN */
    unsigned int        vcpu_info_offset;
    evtchn_port_t       virq_to_evtchn[NR_VIRQS];
    struct evtchn_fifo_vcpu *evtchn_fifo; /* FIFO ABI: queues, control block */

    /* Scheduling. */
    unsigned int        pause_flags;      /* VPF_* */
    unsigned int        pause_count;      /* vcpu_pause() nesting */
    bool                is_running;
    unsigned int        processor;        /* CPU it runs on / last ran on */
    bool                is_initialised;   /* has a guest context */
    struct vcpu_runstate_info runstate;
    uint64_t            runstate_guest;   /* guest VA of the runstate copy, 0 = none */

    /* SCHEDOP_poll: the ports polled (kernel copy) while VPF_blocked. */
    unsigned int        poll_nr;
    evtchn_port_t       poll_ports[128];
    struct timer        poll_timer;

    /* Timers (VCPUOP_set_singleshot_timer / set_timer_op, periodic). */
    struct timer        singleshot_timer;
    struct timer        periodic_timer;
    s_time_t            periodic_period;
    s_time_t            periodic_last;    /* when the last periodic tick was sent */

    struct arch_vcpu    arch;
};

/* Domain shutdown/dying states. */
enum domain_dying {
    DOMDYING_alive = 0,
    DOMDYING_dying,                 /* destroy in progress */
    DOMDYING_dead,                  /* resources released, waiting for last ref */
};

struct domain {
    domid_t             domain_id;
    bool                is_privileged;    /* control domain (dom0) */
    xen_domain_handle_t handle;           /* UUID from the toolstack */
    struct domain      *next_in_list;     /* global domain list, by id */
    unsigned int        refcnt;
    uint16_t            owner_slot;       /* its frames' page_info.owner (domain_owners[]) */

    /* vCPUs */
    struct sched_dom    sched;            /* weight, cap (the scheduling policy) */
    unsigned int        max_vcpus;
    struct vcpu        *vcpu[MAX_VIRT_CPUS];

    /* Memory */
    spinlock_t          page_alloc_lock;
    uint32_t            page_list_head;   /* frame index of first owned page, ~0 = none */
    unsigned long       tot_pages;        /* pages currently owned */
    unsigned long       max_pages;        /* memory limit (XENMEM_maximum_reservation) */
    unsigned long       outstanding_pages; /* XENMEM_claim_pages: claimed, not yet allocated */
    unsigned long       xenheap_pages;    /* hypervisor pages shared with it (shared_info...) */
    shared_info_t      *shared_info;      /* hypervisor mapping */
    struct e820entry   *memory_map;       /* XENMEM_set_memory_map, or NULL */
    unsigned int        nr_memory_map;
    mfn_t               shared_info_mfn;

    /* State */
    unsigned int        pause_count;      /* domain_pause() nesting */
    unsigned int        controller_pause_count; /* toolstack pauses (domctl) */
    bool                is_shutting_down;
    bool                is_shut_down;
    unsigned int        shutdown_code;    /* SHUTDOWN_* reason */
    enum domain_dying   is_dying;
    bool                is_crashed;

    /* Event channels (2-level ABI). */
    struct evtchn      *evtchn_bucket[NR_EVTCHN_BUCKETS];
    unsigned int        max_evtchn_port;  /* highest port allowed (< EVTCHN_MAX_NR) */
    struct evtchn_fifo_domain *evtchn_fifo; /* FIFO ABI: event array, or NULL (2-level) */
    unsigned int        evtchn_count;     /* ports in use, port 0 included */

    struct grant_table *grant_table;

    /* Machine resources it may reach directly (xen/iocap.h): empty unless
     * it is the hardware domain. */
    struct rangeset     ioport_caps;      /* I/O ports */
    struct rangeset     iomem_caps;       /* machine frames of device memory */

    /* Physical interrupts routed to it (xen/irq.h, common/pirq.c). */
    struct pirq        *pirqs;            /* pirq_limit() entries, or NULL */
    unsigned long      *pirq_eoi_map;     /* its EOI bitmap frame, or NULL */
    unsigned long       pirq_eoi_mfn;
    bool                pirq_eoi_auto_unmask; /* pirq_eoi_gmfn_v1 */

    /* VM assists enabled by the guest (VMASST_TYPE_* bits). */
    unsigned long       vm_assist;

    struct arch_domain  arch;
};

#define INVALID_MFN     (~0UL)

/* domain_create() flags */
#define DOMCRF_privileged   (1u << 0)   /* control domain: domctl, foreign maps, I/O */

#define for_each_vcpu(d, v) \
    for (unsigned int __i = 0; __i < (d)->max_vcpus; __i++) \
        if (((v) = (d)->vcpu[__i]) != NULL)

/* The vCPU currently executing on this CPU (arch provides); this CPU's idle
 * vCPU when no guest runs. */
struct vcpu *current_vcpu(void);
#define current (current_vcpu())
extern struct vcpu *idle_vcpus[NR_CPUS];      /* one per CPU (arch provides) */
#define idle_vcpu (idle_vcpus[smp_processor_id()])
#define is_idle_vcpu(v) ((v)->domain->domain_id == DOMID_IDLE)

extern struct domain *domain_list;          /* by id, dying ones included */
extern struct domain *hardware_domain;      /* dom0 */

/* ---- common/domain.c ---- */
int  domain_create(domid_t id, unsigned int flags, unsigned int max_vcpus,
                   struct domain **out);
int  domain_kill(struct domain *d);         /* destroy: tear down, drop list ref */
void domain_dump_all(void);                 /* debug key 'q' */
struct domain *get_domain_by_id(domid_t id);        /* takes a reference */
struct domain *domain_lookup(struct domain *caller, domid_t id); /* DOMID_SELF aware, ref */
struct domain *domain_first_from(domid_t id);       /* first id >= id, ref */
void get_domain(struct domain *d);
void put_domain(struct domain *d);
/*
 * A domain argument that may name another domain: the caller itself, or any
 * domain if the caller is privileged (Xen's XSM_TARGET default policy).
 * Returns a referenced domain, or NULL with *rc = -ESRCH (no such domain)
 * or -EPERM.
 */
static inline struct domain *domain_lookup_target(struct domain *caller, domid_t id,
                                                  int *rc)
{
    struct domain *d = domain_lookup(caller, id);

    if (d == NULL) {
        *rc = -ESRCH;
        return NULL;
    }
    if (d != caller && !caller->is_privileged) {
        put_domain(d);
        *rc = -EPERM;
        return NULL;
    }
    return d;
}

struct vcpu *domain_vcpu(const struct domain *d, unsigned int vcpu_id);
void domain_shutdown(struct domain *d, unsigned int reason);
void domain_crash(struct domain *d, const char *why);
const char *shutdown_reason_name(unsigned int reason);
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
int  domain_pause_by_controller(struct domain *d);
int  domain_unpause_by_controller(struct domain *d);
void vcpu_pause(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);
int  vcpu_register_info(struct vcpu *v, mfn_t mfn, unsigned int offset);
void vcpu_release_areas(struct vcpu *v);
/* A frame of d's that the hypervisor keeps writing (FIFO control blocks and
 * event arrays): a general and a writable type reference are held until
 * domain_unmap_guest_frame(); NULL if the frame is not d's or cannot be
 * writable (a page table, a descriptor page).  Returns its direct-map VA. */
void *domain_map_guest_frame(struct domain *d, uint64_t mfn);
void domain_unmap_guest_frame(void *va);

/* ---- common/schedule.c ---- */
void sched_init(void);
void sched_init_vcpu(struct vcpu *v);
void sched_destroy_vcpu(struct vcpu *v);
void schedule(void);                     /* the SCHEDULE softirq */
bool sched_has_waiting(void);
void sched_reschedule(sched_cpumask_t cpus); /* run their schedulers soon */
void vcpu_wake(struct vcpu *v);          /* make runnable if nothing else blocks it */
void vcpu_block(struct vcpu *v);
void vcpu_kick(struct vcpu *v);          /* event arrived: wake if blocked */
void vcpu_sleep(struct vcpu *v);         /* stopped being runnable: deschedule */
void vcpu_sleep_sync(struct vcpu *v);    /* ... and wait until off other CPUs */
void vcpu_update_runstate_area(struct vcpu *v);
int  vcpu_set_singleshot_timer(struct vcpu *v, uint64_t deadline, uint32_t flags);
int  sched_poll(struct vcpu *v, const evtchn_port_t *ports, unsigned int nr, uint64_t timeout);
long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_set_timer_op(uint64_t timeout);
long do_vcpu_op(int cmd, unsigned int vcpuid, XEN_GUEST_HANDLE_PARAM(void) arg);

/* ---- architecture hooks (arch/x86) ---- */
int  arch_domain_create(struct domain *d);
void arch_domain_destroy(struct domain *d);      /* safe on a partly created domain */
void arch_domain_relinquish(struct domain *d);   /* drop page-table/descriptor refs */
int  arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
int  arch_vcpu_initialise(struct vcpu *v, const void *guest_ctx); /* VCPUOP_initialise */
void arch_vcpu_info_moved(struct vcpu *v);
void arch_dump_vcpu(struct vcpu *v);             /* registers, for domain_crash */
void arch_hwdom_shutdown(unsigned int reason);   /* dom0 stopped: the machine follows */
void context_switch(struct vcpu *prev, struct vcpu *next); /* may not return */

static inline bool vcpu_runnable(const struct vcpu *v)
{
    return v->pause_flags == 0 && v->pause_count == 0 &&
           v->domain->pause_count == 0 && v->domain->controller_pause_count == 0 &&
           !v->domain->is_shut_down && v->domain->is_dying == DOMDYING_alive;
}

#endif
