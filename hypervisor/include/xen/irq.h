/*
 * irq.h — physical interrupts routed to guests as PIRQs (common/pirq.c)
 * and the interrupt-controller hooks the architecture provides.
 *
 * A machine interrupt line is a GSI (global system interrupt: an IO-APIC
 * pin).  The hardware domain configures a GSI's trigger and polarity
 * (PHYSDEVOP_setup_gsi), maps it to one of its PIRQ numbers (map_pirq) and
 * binds an event channel to that PIRQ (EVTCHNOP_bind_pirq); from then on
 * the line's interrupts arrive as events on that port.
 */
#ifndef XEN_IRQ_H
#define XEN_IRQ_H

#include <xen/types.h>

struct domain;

#define NR_HW_GSIS          256     /* GSIs the hypervisor can track */
#define NR_STATIC_PIRQS     16      /* legacy ISA IRQs */
#define EXTRA_GUEST_PIRQS   32      /* Xen's extra_guest_irqs default, domU */
#define EXTRA_HWDOM_PIRQS   256     /* hardware domain */

/* Per-domain PIRQ state. */
struct pirq {
    uint16_t gsi;           /* machine line; valid when mapped */
    bool     mapped;
    bool     masked;        /* level line held masked until the guest's EOI */
    uint16_t evtchn;        /* bound port, 0 = unbound */
};

/* PIRQ numbers a domain has (Xen: nr_static_irqs + extra_guest_irqs). */
unsigned int pirq_limit(const struct domain *d);

/* PHYSDEVOP_setup_gsi: configure a line (trigger: 1 level; polarity: 1
 * active low).  -EINVAL no such GSI, -EPERM the hypervisor's own line,
 * -EEXIST already configured (Linux takes that as done). */
int pirq_setup_gsi(int gsi, bool level, bool active_low);
/* The hardware domain rewrote a line's IO-APIC entry (apic_write): carry
 * its trigger/polarity into the routing; anything else stays ours. */
int pirq_gsi_retrigger(int gsi, bool level, bool active_low);
/* map_pirq (GSI): *pirq < 0 asks for one (identity for a GSI below the
 * limit, else a free one); returns 0 and the PIRQ in *pirq. */
int pirq_map_gsi(struct domain *d, int gsi, int *pirq);
int pirq_unmap(struct domain *d, int pirq);
/* EVTCHNOP_bind_pirq / close; port already allocated by the caller. */
int  pirq_guest_bind(struct domain *d, unsigned int pirq, unsigned int port);
void pirq_guest_unbind(struct domain *d, unsigned int pirq);
/* PHYSDEVOP_eoi. */
int pirq_guest_eoi(struct domain *d, unsigned int pirq);
/* PHYSDEVOP_pirq_eoi_gmfn_v1/v2: the guest's frame mfn becomes its EOI
 * bitmap (v1 also unmasks the port on EOI). */
int pirq_set_eoi_map(struct domain *d, unsigned long mfn, bool v1);
/* domain_kill(): unmap everything, release the bitmap frame. */
void pirq_domain_destroy(struct domain *d);
/* True when the line is mapped to a PIRQ of some domain. */
bool gsi_is_mapped(int gsi);

/* Interrupt entry (arch): a line fired and the LAPIC will be EOI'd after
 * this returns.  A level line is masked here until the guest's EOI. */
void pirq_do_irq(int gsi);

/* ---- arch hooks: the interrupt controller ---- */
/* GSIs the machine has (0 when no IO-APIC was found: nothing routable). */
unsigned int arch_nr_gsis(void);
/* Lines the hypervisor keeps (timer, cascade). */
bool arch_gsi_is_reserved(int gsi);
/* The firmware's trigger/polarity for a line nobody set up yet. */
void arch_gsi_default(int gsi, bool *level, bool *active_low);
/* Program trigger/polarity and a vector for gsi, left masked. */
int  arch_gsi_configure(int gsi, bool level, bool active_low);
void arch_gsi_unmask(int gsi);
void arch_gsi_mask(int gsi);

#endif
