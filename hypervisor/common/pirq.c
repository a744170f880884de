/*
 * pirq.c — physical interrupts delivered to a guest as event channels
 * (PIRQs), with Xen 4.17's rules (xen/arch/x86/irq.c, physdev.c):
 *
 *   GSI state (one per machine line):  unconfigured -> configured
 *     (setup_gsi; masked) -> mapped to (domain, pirq) -> bound (an event
 *     channel; line unmasked) -> back by close / unmap.
 *   Delivery (pirq_do_irq, interrupt context): a bound line sets its port
 *     pending.  An edge line needs nothing more.  A level line stays
 *     asserted until the device is serviced, so it is masked at the
 *     IO-APIC and the PIRQ marked in flight; the guest's PHYSDEVOP_eoi
 *     unmasks it.  Masking before the LAPIC EOI is what keeps a level line
 *     from storming; unmasking on EOI (not on event delivery) is what keeps
 *     it from being lost: a line still asserted fires again at once.
 *   A line that fires while unbound (a stale mapping) is masked so it
 *     cannot storm either.
 *   The EOI bitmap (pirq_eoi_gmfn): bit n set means PIRQ n needs
 *     PHYSDEVOP_eoi; set at bind for a level line, cleared for an edge one
 *     (Xen's set_pirq_eoi/clear_pirq_eoi), so Linux skips the hypercall for
 *     edge lines.  Without the bitmap every PIRQ reports needs_eoi.
 *
 * The hypervisor runs with interrupts off except in its idle loop, so the
 * hypercall paths and pirq_do_irq never interleave: no lock is needed
 * beyond the event channel code's own.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/event.h>
#include <xen/irq.h>
#include <xen/mm.h>
#include <xen/domheap.h>
#include <xen/xmalloc.h>

static struct {
    struct domain *d;       /* mapped to (d, pirq), or NULL */
    uint16_t pirq;
    bool configured;        /* programmed (firmware default or setup_gsi) */
    bool guest_set;         /* trigger/polarity given by setup_gsi */
    bool level;
    bool active_low;
} gsi_desc[NR_HW_GSIS];

unsigned int pirq_limit(const struct domain *d)
{
    return NR_STATIC_PIRQS + (d->is_privileged ? EXTRA_HWDOM_PIRQS : EXTRA_GUEST_PIRQS);
}

static bool gsi_valid(int gsi)
{
    return gsi >= 0 && (unsigned int)gsi < arch_nr_gsis() && gsi < NR_HW_GSIS;
}

bool gsi_is_mapped(int gsi)
{
    return gsi_valid(gsi) && gsi_desc[gsi].d != NULL;
}

static void eoi_map_bit(struct domain *d, unsigned int pirq, bool set);
static struct pirq *mapped_pirq(struct domain *d, unsigned int pirq);

/* (Re)program a line's trigger and polarity.  The pin comes back masked;
 * a bound line that is not held for an EOI is unmasked again, and its
 * EOI bitmap bit follows the new trigger. */
static int program_gsi(int gsi, bool level, bool active_low)
{
    struct domain *d = gsi_desc[gsi].d;
    struct pirq *info = d != NULL ? mapped_pirq(d, gsi_desc[gsi].pirq) : NULL;
    int rc = arch_gsi_configure(gsi, level, active_low);

    if (rc)
        return rc;
    gsi_desc[gsi].configured = true;
    gsi_desc[gsi].level = level;
    gsi_desc[gsi].active_low = active_low;
    if (info != NULL && info->evtchn != 0) {
        if (!level)
            info->masked = false;       /* an edge line is never held */
        eoi_map_bit(d, gsi_desc[gsi].pirq, level);
        if (!info->masked)
            arch_gsi_unmask(gsi);
    }
    return 0;
}

int pirq_setup_gsi(int gsi, bool level, bool active_low)
{
    int rc;

    if (!gsi_valid(gsi))
        return -EINVAL;
    if (arch_gsi_is_reserved(gsi))
        return -EPERM;
    if (gsi_desc[gsi].guest_set)
        return -EEXIST;
    /* Linux maps a line before it sets it up (xen_register_gsi): a line
     * programmed with the firmware's default by map_pirq is still the
     * guest's to set once, as Xen's mp_register_gsi programs a pin once. */
    if (!gsi_desc[gsi].configured || gsi_desc[gsi].level != level ||
        gsi_desc[gsi].active_low != active_low) {
        rc = program_gsi(gsi, level, active_low);
        if (rc)
            return rc;
    }
    gsi_desc[gsi].guest_set = true;
    return 0;
}

int pirq_gsi_retrigger(int gsi, bool level, bool active_low)
{
    if (!gsi_valid(gsi) || arch_gsi_is_reserved(gsi))
        return 0;                       /* Xen ignores such writes too */
    if (gsi_desc[gsi].configured && gsi_desc[gsi].level == level &&
        gsi_desc[gsi].active_low == active_low)
        return 0;
    return program_gsi(gsi, level, active_low);
}

static void eoi_map_bit(struct domain *d, unsigned int pirq, bool set)
{
    unsigned long *map = d->pirq_eoi_map;
    unsigned long bit = 1UL << (pirq % (8 * sizeof(long)));

    if (map == NULL)
        return;
    /* Guest-shared word: atomic, the guest clears/reads it concurrently. */
    if (set)
        __atomic_fetch_or(&map[pirq / (8 * sizeof(long))], bit, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&map[pirq / (8 * sizeof(long))], ~bit, __ATOMIC_SEQ_CST);
}

static int alloc_table(struct domain *d)
{
    if (d->pirqs != NULL)
        return 0;
    d->pirqs = xzalloc_array(struct pirq, pirq_limit(d));
    return d->pirqs != NULL ? 0 : -ENOMEM;
}

int pirq_map_gsi(struct domain *d, int gsi, int *pirq)
{
    unsigned int limit = pirq_limit(d);
    int p = *pirq, rc;

    if (!gsi_valid(gsi))
        return -EINVAL;
    if (arch_gsi_is_reserved(gsi))
        return -EPERM;
    if (p >= (int)limit)
        return -EINVAL;
    if (gsi_desc[gsi].d != NULL && gsi_desc[gsi].d != d)
        return -EBUSY;                  /* another domain's line */
    rc = alloc_table(d);
    if (rc)
        return rc;
    if (gsi_desc[gsi].d == d) {         /* already mapped: same answer */
        if (p >= 0 && p != gsi_desc[gsi].pirq)
            return -EEXIST;
        *pirq = gsi_desc[gsi].pirq;
        return 0;
    }
    if (p < 0) {
        /* Identity for a GSI that fits (Linux dom0 asks pirq = gsi anyway),
         * else the first free one above the legacy range (get_free_pirq). */
        if ((unsigned int)gsi < limit && !d->pirqs[gsi].mapped)
            p = gsi;
        else
            for (p = NR_STATIC_PIRQS; p < (int)limit && d->pirqs[p].mapped; p++)
                ;
        if (p >= (int)limit)
            return -ENOSPC;
    } else if (d->pirqs[p].mapped)
        return -EEXIST;                 /* that PIRQ routes another line */
    if (!gsi_desc[gsi].configured) {
        /* A line not set up yet: the firmware's trigger and polarity (an
         * ISA override, ISA edge/high, PCI level/low) until setup_gsi. */
        bool level, low;

        arch_gsi_default(gsi, &level, &low);
        rc = arch_gsi_configure(gsi, level, low);
        if (rc)
            return rc;
        gsi_desc[gsi].configured = true;
        gsi_desc[gsi].level = level;
        gsi_desc[gsi].active_low = low;
    }
    d->pirqs[p].gsi = (uint16_t)gsi;
    d->pirqs[p].mapped = true;
    d->pirqs[p].masked = false;
    d->pirqs[p].evtchn = 0;
    gsi_desc[gsi].d = d;
    gsi_desc[gsi].pirq = (uint16_t)p;
    *pirq = p;
    return 0;
}

static struct pirq *mapped_pirq(struct domain *d, unsigned int pirq)
{
    if (d->pirqs == NULL || pirq >= pirq_limit(d) || !d->pirqs[pirq].mapped)
        return NULL;
    return &d->pirqs[pirq];
}

int pirq_unmap(struct domain *d, int pirq)
{
    struct pirq *info;

    if (pirq < 0 || (info = mapped_pirq(d, (unsigned int)pirq)) == NULL)
        return -EINVAL;
    if (info->evtchn != 0) {
        /* Forced unbind (Xen warns and carries on): the port stays a PIRQ
         * port that never fires again until closed. */
        pirq_guest_unbind(d, (unsigned int)pirq);
    }
    arch_gsi_mask(info->gsi);
    gsi_desc[info->gsi].d = NULL;
    info->mapped = false;
    return 0;
}

int pirq_guest_bind(struct domain *d, unsigned int pirq, unsigned int port)
{
    struct pirq *info = mapped_pirq(d, pirq);

    if (info == NULL)
        return -EINVAL;
    if (info->evtchn != 0)
        return -EEXIST;
    info->evtchn = (uint16_t)port;
    info->masked = false;
    eoi_map_bit(d, pirq, gsi_desc[info->gsi].level);
    arch_gsi_unmask(info->gsi);
    return 0;
}

void pirq_guest_unbind(struct domain *d, unsigned int pirq)
{
    struct pirq *info = mapped_pirq(d, pirq);

    if (info == NULL || info->evtchn == 0)
        return;
    arch_gsi_mask(info->gsi);
    info->evtchn = 0;
    info->masked = false;
    eoi_map_bit(d, pirq, false);
}

int pirq_guest_eoi(struct domain *d, unsigned int pirq)
{
    struct pirq *info = mapped_pirq(d, pirq);

    if (pirq >= pirq_limit(d) || info == NULL)
        return -EINVAL;
    if (d->pirq_eoi_auto_unmask && info->evtchn != 0)
        evtchn_unmask(d, info->evtchn);
    if (info->masked) {
        info->masked = false;
        if (info->evtchn != 0)
            arch_gsi_unmask(info->gsi);
    }
    return 0;
}

void pirq_do_irq(int gsi)
{
    struct domain *d;
    struct pirq *info;

    if (!gsi_valid(gsi))
        return;
    d = gsi_desc[gsi].d;
    info = d != NULL ? mapped_pirq(d, gsi_desc[gsi].pirq) : NULL;
    if (info == NULL || info->evtchn == 0 || d->is_dying) {
        arch_gsi_mask(gsi);             /* nobody to service it: no storm */
        return;
    }
    if (gsi_desc[gsi].level) {
        if (info->masked)
            return;                     /* raced a mask: already in flight */
        info->masked = true;
        arch_gsi_mask(gsi);
    }
    {
        struct evtchn *chn = evtchn_from_port(d, info->evtchn);

        if (chn != NULL && chn->state == ECS_PIRQ)
            evtchn_set_pending(d, chn->notify_vcpu_id, info->evtchn);
    }
}

int pirq_set_eoi_map(struct domain *d, unsigned long mfn, bool v1)
{
    struct page_info *pg;

    if (!mfn_valid(mfn))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if (get_page_and_type(pg, d, PGT_writable_page) != 0)
        return -EINVAL;
    if (d->pirq_eoi_map != NULL) {
        put_page_and_type(pg);
        return -EBUSY;
    }
    d->pirq_eoi_mfn = mfn;
    d->pirq_eoi_map = mfn_to_virt(mfn);
    d->pirq_eoi_auto_unmask = v1;
    /* Bits for lines bound before the map existed. */
    if (d->pirqs != NULL)
        for (unsigned int p = 0; p < pirq_limit(d); p++)
            if (d->pirqs[p].mapped && d->pirqs[p].evtchn != 0)
                eoi_map_bit(d, p, gsi_desc[d->pirqs[p].gsi].level);
    return 0;
}

void pirq_domain_destroy(struct domain *d)
{
    if (d->pirqs != NULL) {
        for (unsigned int p = 0; p < pirq_limit(d); p++)
            if (d->pirqs[p].mapped)
                pirq_unmap(d, (int)p);
        xfree(d->pirqs);
        d->pirqs = NULL;
    }
    if (d->pirq_eoi_map != NULL) {
        d->pirq_eoi_map = NULL;
        put_page_and_type(mfn_to_page(d->pirq_eoi_mfn));
    }
}
