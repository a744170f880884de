/*
 * domain.c — domain and vCPU lifecycle: creation, the domain list and
 * references, pausing, shutdown with a reason, crash, destruction that
 * returns every frame, and the per-vCPU areas a guest registers
 * (vcpu_info, runstate).
 *
 * States (Xen's): a domain is created paused by its controller; it runs
 * once unpaused; SCHEDOP_shutdown (or a crash) stops its vCPUs for good but
 * keeps its memory so the toolstack can look at it, and raises
 * VIRQ_DOM_EXC in the control domain; destruction (domctl destroydomain, or
 * the hypervisor for boot-time domains) tears everything down.  The struct
 * itself is freed, and leaves the domain list, when the last reference
 * goes: the list holds one until destruction, every frame the domain still
 * owns holds one between them (frames mapped by others outlive the owner's
 * death, and keep it listed as dying), grant mappings of its frames hold
 * one each.
 *
 * Architecture-specific work is behind arch_* hooks (asm/domain.h's
 * structures are private to arch/x86).
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/domheap.h>
#include <xen/xmalloc.h>
#include <xen/sched.h>
#include <xen/irq.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/softirq.h>
#include <xen/time.h>
#include <public/sched.h>

struct domain *domain_list;             /* sorted by domain_id */
struct domain *hardware_domain;         /* dom0 */
static DEFINE_SPINLOCK(domlist_lock);

/* ------------------------------------------------------------- lookup */

void get_domain(struct domain *d)
{
    __atomic_fetch_add(&d->refcnt, 1, __ATOMIC_ACQ_REL);
}

static void domain_free(struct domain *d);

void put_domain(struct domain *d)
{
    if (__atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_ACQ_REL) == 0)
        domain_free(d);
}

struct domain *get_domain_by_id(domid_t id)
{
    struct domain *d;

    spin_lock(&domlist_lock);
    for (d = domain_list; d != NULL && d->domain_id <= id; d = d->next_in_list) {
        if (d->domain_id == id) {
            get_domain(d);
            break;
        }
    }
    if (d != NULL && d->domain_id != id)
        d = NULL;
    spin_unlock(&domlist_lock);
    return d;
}

struct domain *domain_lookup(struct domain *caller, domid_t id)
{
    struct domain *d;

    if (id == DOMID_SELF || id == caller->domain_id) {
        get_domain(caller);
        return caller;
    }
    /* A dying domain stays listed while others map its frames, but has no
     * event channels, grants or memory to offer any more. */
    d = get_domain_by_id(id);
    if (d != NULL && d->is_dying != DOMDYING_alive) {
        put_domain(d);
        d = NULL;
    }
    return d;
}

struct domain *domain_first_from(domid_t id)
{
    struct domain *d;

    spin_lock(&domlist_lock);
    for (d = domain_list; d != NULL && d->domain_id < id; d = d->next_in_list)
        ;
    if (d != NULL)
        get_domain(d);
    spin_unlock(&domlist_lock);
    return d;
}

struct vcpu *domain_vcpu(const struct domain *d, unsigned int vcpu_id)
{
    return vcpu_id < d->max_vcpus ? d->vcpu[vcpu_id] : NULL;
}

/* ----------------------------------------------------------- creation */

static struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
    struct vcpu *v = xzalloc(struct vcpu);

    if (v == NULL)
        return NULL;
    v->vcpu_id = id;
    v->domain = d;
    v->vcpu_info = &d->shared_info->vcpu_info[id];
    v->vcpu_info_mfn = INVALID_MFN;
    /* Events masked until the guest says otherwise (start-of-day state). */
    v->vcpu_info->evtchn_upcall_mask = 1;
    /* Only vCPU 0 starts; the others wait for VCPUOP_initialise + up. */
    if (id != 0)
        v->pause_flags |= VPF_down;
    v->runstate.state = id == 0 ? RUNSTATE_runnable : RUNSTATE_offline;
    v->runstate.state_entry_time = NOW();
    sched_init_vcpu(v);
    if (arch_vcpu_create(v) != 0) {
        sched_destroy_vcpu(v);
        xfree(v);
        return NULL;
    }
    return v;
}

static void vcpu_destroy(struct vcpu *v)
{
    sched_destroy_vcpu(v);
    arch_vcpu_destroy(v);
    xfree(v);
}

static void domlist_insert(struct domain *d)
{
    struct domain **pp;

    spin_lock(&domlist_lock);
    for (pp = &domain_list; *pp != NULL && (*pp)->domain_id < d->domain_id;
         pp = &(*pp)->next_in_list)
        ;
    d->next_in_list = *pp;
    *pp = d;
    spin_unlock(&domlist_lock);
}

static void domlist_remove(struct domain *d)
{
    struct domain **pp;

    spin_lock(&domlist_lock);
    for (pp = &domain_list; *pp != NULL; pp = &(*pp)->next_in_list) {
        if (*pp == d) {
            *pp = d->next_in_list;
            break;
        }
    }
    spin_unlock(&domlist_lock);
}

int domain_create(domid_t id, unsigned int flags, unsigned int max_vcpus,
                  struct domain **out)
{
    struct domain *d, *existing;
    void *si;
    int rc = -ENOMEM;

    if (id >= DOMID_FIRST_RESERVED || max_vcpus == 0 || max_vcpus > MAX_VIRT_CPUS)
        return -EINVAL;
    existing = get_domain_by_id(id);
    if (existing != NULL) {
        put_domain(existing);
        return -EEXIST;
    }

    d = xzalloc(struct domain);
    if (d == NULL)
        return -ENOMEM;
    if (domain_owner_attach(d) != 0) {
        xfree(d);
        return -ENOSPC;
    }
    d->domain_id = id;
    d->is_privileged = (flags & DOMCRF_privileged) != 0;
    d->refcnt = 1;                  /* the domain list's */
    d->page_list_head = PAGE_LIST_NULL;
    d->shared_info_mfn = INVALID_MFN;
    d->max_vcpus = max_vcpus;
    d->controller_pause_count = 1;  /* created paused */
    spin_lock_init(&d->page_alloc_lock);

    si = alloc_xenheap_pages(0);
    if (si == NULL)
        goto fail;
    memset(si, 0, PAGE_SIZE);
    d->shared_info = si;
    d->shared_info_mfn = virt_to_mfn(si);
    share_xen_page_with_guest(virt_to_page(si), d, false);

    rc = evtchn_init(d);
    if (rc)
        goto fail;
    rc = grant_table_init(d);
    if (rc)
        goto fail;
    rc = arch_domain_create(d);
    if (rc)
        goto fail;
    for (unsigned int i = 0; i < max_vcpus; i++) {
        d->vcpu[i] = vcpu_create(d, i);
        if (d->vcpu[i] == NULL) {
            rc = -ENOMEM;
            goto fail_arch;
        }
    }
    if (d->is_privileged && hardware_domain == NULL)
        hardware_domain = d;
    domlist_insert(d);
    *out = d;
    return 0;

fail_arch:
fail:
    /* Not in the list yet: the teardown below plus the initial reference's
     * release free everything (domain_free copes with a partial domain). */
    d->is_dying = DOMDYING_dead;
    if (d->evtchn_bucket[0] != NULL)
        evtchn_destroy(d);
    domain_relinquish_memory(d);
    put_domain(d);
    return rc;
}

/* ------------------------------------------------------------- pausing */

void vcpu_pause(struct vcpu *v)
{
    v->pause_count++;
    vcpu_sleep_sync(v);
}

void vcpu_unpause(struct vcpu *v)
{
    BUG_ON(v->pause_count == 0);
    if (--v->pause_count == 0)
        vcpu_wake(v);
}

void domain_pause(struct domain *d)
{
    struct vcpu *v;

    d->pause_count++;
    for_each_vcpu(d, v)
        vcpu_sleep_sync(v);
}

void domain_unpause(struct domain *d)
{
    struct vcpu *v;

    BUG_ON(d->pause_count == 0);
    if (--d->pause_count == 0)
        for_each_vcpu(d, v)
            vcpu_wake(v);
}

/* The toolstack's pause (domctl pausedomain): nests like Xen's. */
int domain_pause_by_controller(struct domain *d)
{
    struct vcpu *v;

    if (d->controller_pause_count == UINT32_MAX)
        return -EOVERFLOW;
    d->controller_pause_count++;
    for_each_vcpu(d, v)
        vcpu_sleep_sync(v);
    return 0;
}

int domain_unpause_by_controller(struct domain *d)
{
    struct vcpu *v;

    if (d->controller_pause_count == 0)
        return -EINVAL;
    if (--d->controller_pause_count == 0)
        for_each_vcpu(d, v)
            vcpu_wake(v);
    return 0;
}

/* ------------------------------------------------------------ shutdown */

static const char *const shutdown_names[] = {
    [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
    [SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
    [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

const char *shutdown_reason_name(unsigned int reason)
{
    return reason < ARRAY_SIZE(shutdown_names) && shutdown_names[reason] != NULL
           ? shutdown_names[reason] : "unknown";
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    struct vcpu *v;

    if (d->is_shutting_down || d->is_dying != DOMDYING_alive)
        return;
    d->is_shutting_down = true;
    d->is_shut_down = true;
    d->shutdown_code = reason;
    printk(XENLOG_INFO "Domain %u shutdown: %s\n", d->domain_id, shutdown_reason_name(reason));
    for_each_vcpu(d, v)
        vcpu_sleep(v);

    if (d == hardware_domain) {
        arch_hwdom_shutdown(reason);    /* may not return */
        return;
    }
    /* The toolstack learns of it through VIRQ_DOM_EXC (and @releaseDomain). */
    if (hardware_domain != NULL)
        send_guest_global_virq(hardware_domain, VIRQ_DOM_EXC);
}

void domain_crash(struct domain *d, const char *why)
{
    if (d->is_crashed || d->is_dying != DOMDYING_alive)
        return;
    d->is_crashed = true;
    printk(XENLOG_ERR "domain_crash: d%u: %s\n", d->domain_id, why);
    if (current != NULL && current->domain == d)
        arch_dump_vcpu(current);
    domain_shutdown(d, SHUTDOWN_crash);
}

/* ---------------------------------------------------------- destruction */

/*
 * Tear d down (domctl destroydomain).  Returns at once if already dying.
 * The struct lives on until the last reference goes (see top of file).
 */
int domain_kill(struct domain *d)
{
    struct vcpu *v;

    if (d->is_dying != DOMDYING_alive)
        return 0;
    d->is_dying = DOMDYING_dying;
    /* Off every CPU before its tables and frames go (is_dying keeps it from
     * being scheduled again, and a second kill returns above). */
    for_each_vcpu(d, v) {
        v->pause_flags |= VPF_down;
        vcpu_sleep_sync(v);
    }
    for_each_vcpu(d, v) {
        stop_timer(&v->singleshot_timer);
        stop_timer(&v->periodic_timer);
        stop_timer(&v->poll_timer);
        vcpu_release_areas(v);
    }
    evtchn_destroy(d);
    pirq_domain_destroy(d);         /* lines masked, EOI bitmap frame released */
    gnttab_release_mappings(d);
    arch_domain_relinquish(d);      /* page tables, descriptor tables */
    domain_relinquish_memory(d);    /* frames others do not map are freed now */
    d->is_dying = DOMDYING_dead;
    if (hardware_domain != NULL && d != hardware_domain)
        send_guest_global_virq(hardware_domain, VIRQ_DOM_EXC);
    /*
     * It stays listed, as dying, until the last reference goes (as on Xen):
     * frames another domain still maps keep it, and `xl list` shows it
     * dying until they are unmapped.  Its id stays taken meanwhile.
     */
    put_domain(d);                  /* the domain list's reference */
    return 0;
}

/* Last reference gone: every frame is back (they held references). */
static void domain_free(struct domain *d)
{
    BUG_ON(d->tot_pages != 0 || d->xenheap_pages != 0);
    domlist_remove(d);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] != NULL)
            vcpu_destroy(d->vcpu[i]);
    grant_table_destroy(d);
    arch_domain_destroy(d);
    if (hardware_domain == d)
        hardware_domain = NULL;
    xfree(d->memory_map);
    domain_owner_detach(d);
    xfree(d);
}

/*
 * Debug key 'q' (`xl debug-keys q`, then `xl dmesg`): each domain's state,
 * references and frames.  For a dying domain it tells what still holds
 * it: the frames left (their general count beyond none means someone maps
 * them: a foreign mapping or a grant mapping), the grant mappings of its
 * frames other domains hold, and a vCPU still on a CPU.
 */
void domain_dump_all(void)
{
    struct domain *d, *next;

    printk("'q' pressed -> dumping domain info\n");
    /* Walked with a reference on each, not under domlist_lock (the grant
     * dump takes gnttab_lock, which is taken before domlist_lock
     * elsewhere); refcnt is printed without the dump's own. */
    for (d = domain_first_from(0); d != NULL; d = next) {
        unsigned int shown = 0, running = 0, maps = 0;
        struct domain *ld, *ld_next;
        struct vcpu *v;

        printk("d%u: %s refcnt=%u tot_pages=%lu xenheap_pages=%lu max_pages=%lu%s%s\n",
               d->domain_id,
               d->is_dying == DOMDYING_alive ? "alive" :
               d->is_dying == DOMDYING_dying ? "dying" : "dead (dying)",
               (unsigned int)d->refcnt - 1, (unsigned long)d->tot_pages,
               (unsigned long)d->xenheap_pages, (unsigned long)d->max_pages,
               d->is_shut_down ? " shut down" : "", d->is_privileged ? " privileged" : "");
        for_each_vcpu(d, v) {
            if (v->is_running) {
                running++;
                printk("    vcpu%u running on CPU%u\n", v->vcpu_id, v->processor);
            }
        }
        if (d->is_dying != DOMDYING_alive) {
            /* What holds it: its frames (one reference between them), grant
             * maps of them (one each), vCPUs still on a CPU (one each). */
            spin_lock(&d->page_alloc_lock);
            for (uint32_t i = d->page_list_head; i != PAGE_LIST_NULL && shown < 8;
                 i = frame_table[i].next, shown++) {
                const struct page_info *pg = &frame_table[i];

                printk("    frame mfn %#x count %u type %#x typecount %u%s\n", (unsigned int)i,
                       (unsigned int)(pg->count_info & PGC_count_mask),
                       (unsigned int)(pg->type_info & PGT_type_mask),
                       (unsigned int)(pg->type_info & PGT_count_mask),
                       (pg->count_info & PGC_xen_heap) ? " (xenheap)" : "");
            }
            spin_unlock(&d->page_alloc_lock);
            for (ld = domain_first_from(0); ld != NULL; ld = ld_next) {
                maps += gnttab_dump_maps_of(ld, d);
                ld_next = domain_first_from(ld->domain_id + 1);
                put_domain(ld);
            }
            printk("    held by: frames %u, grant maps %u, running vCPUs %u\n",
                   d->tot_pages + d->xenheap_pages != 0, maps, running);
        }
        next = domain_first_from(d->domain_id + 1);
        put_domain(d);
    }
}

/* ------------------------------------------------- registered vCPU areas */

/*
 * VCPUOP_register_vcpu_info: move v's vcpu_info from shared_info into a
 * page of the guest's.  The frame is held (general + writable type
 * reference) until the domain dies.  Pending state is carried over and an
 * upcall forced, since the guest cannot have seen events set while it was
 * switching.
 */
int vcpu_register_info(struct vcpu *v, mfn_t mfn, unsigned int offset)
{
    struct domain *d = v->domain;
    struct page_info *pg;
    struct vcpu_info *new_info;

    /* Xen 4.17: a placement crossing the page is -ENXIO, a misaligned one
     * -EINVAL (tests/guests vcpu_info). */
    if (offset > PAGE_SIZE - sizeof(struct vcpu_info))
        return -ENXIO;
    if (offset & 7)
        return -EINVAL;
    if (v->vcpu_info_mfn != INVALID_MFN)
        return -EINVAL;                 /* once per vCPU (Xen) */
    if (!mfn_valid(mfn))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if (get_page_and_type(pg, d, PGT_writable_page) != 0)
        return -EINVAL;
    new_info = (struct vcpu_info *)((char *)mfn_to_virt(mfn) + offset);
    memcpy(new_info, v->vcpu_info, sizeof(*new_info));
    new_info->evtchn_upcall_pending = 1;
    new_info->evtchn_pending_sel = ~0UL;
    v->vcpu_info = new_info;
    v->vcpu_info_mfn = mfn;
    v->vcpu_info_offset = offset;
    arch_vcpu_info_moved(v);
    return 0;
}

void *domain_map_guest_frame(struct domain *d, uint64_t mfn)
{
    struct page_info *pg;

    if (!mfn_valid(mfn))
        return NULL;
    pg = mfn_to_page((mfn_t)mfn);
    if (!get_page(pg, d))
        return NULL;
    if (get_page_type(pg, PGT_writable_page) != 0) {
        put_page(pg);
        return NULL;
    }
    return mfn_to_virt((mfn_t)mfn);
}

void domain_unmap_guest_frame(void *va)
{
    struct page_info *pg = virt_to_page(va);

    put_page_type(pg);
    put_page(pg);
}

void vcpu_release_areas(struct vcpu *v)
{
    struct domain *d = v->domain;

    if (v->vcpu_info_mfn != INVALID_MFN) {
        struct page_info *pg = mfn_to_page(v->vcpu_info_mfn);

        v->vcpu_info = &d->shared_info->vcpu_info[v->vcpu_id < MAX_VIRT_CPUS ? v->vcpu_id : 0];
        v->vcpu_info_mfn = INVALID_MFN;
        put_page_and_type(pg);
    }
    v->runstate_guest = 0;
}
