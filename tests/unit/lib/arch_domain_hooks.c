/*
 * arch_domain_hooks.c — the architecture's domain and vCPU hooks as the
 * generic code's host tests need them: nothing to set up, page tables
 * released through the real PV MMU (pv_relinquish_pagetables), a vCPU
 * initialised only with a context.  Shared by the sched and control
 * harnesses (each includes it from a one-line wrapper).
 */
#include <xen/errno.h>
#include <xen/sched.h>
#include <asm/pv_mm.h>

int arch_domain_create(struct domain *d) { (void)d; return 0; }
void arch_domain_destroy(struct domain *d) { (void)d; }
void arch_domain_relinquish(struct domain *d) { pv_relinquish_pagetables(d); }
int arch_vcpu_create(struct vcpu *v) { (void)v; return 0; }
void arch_vcpu_destroy(struct vcpu *v) { (void)v; }
int arch_vcpu_initialise(struct vcpu *v, const void *ctx)
{
    if (ctx == NULL)
        return -EFAULT;
    v->is_initialised = true;
    return 0;
}
void arch_vcpu_info_moved(struct vcpu *v) { (void)v; }
