/*
 * xsa_vcpu.c — XSA-296's pattern (needs a second vCPU: dom0vcpus=2):
 * VCPUOP_initialise of vCPU 1 with a context whose CR3 is a fresh L4 ->
 * L3 hierarchy, so the call has page tables to validate (on Xen that is
 * where a continuation once hit a BUG()).  The call answers 0 and the new
 * tables are then in use as tables: a writable mapping of either is
 * refused.  vCPU 1 is never brought up.  docs/xsa.md.
 */
#include "guest.h"

const char test_title[] = "XSA-296: VCPUOP_initialise with tables to validate";

static uint64_t t1[512] __aligned(4096);       /* an L3 */
static uint64_t t2[512] __aligned(4096);       /* the L4 naming it */
static struct vcpu_guest_context ctx __aligned(16);

void test_main(void)
{
    long rc;

    t2[3] = ((uint64_t)virt_to_mfn(t1) << 12) | 0x21;     /* P, A: read-only */
    CHECK_RC("t1 read-only", remap(t1, 0x25), 0);
    CHECK_RC("t2 read-only", remap(t2, 0x25), 0);
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel;
    ctx.ctrlreg[3] = (uint64_t)virt_to_mfn(t2) << 12;
    rc = hc_vcpu_op(VCPUOP_initialise, 1, &ctx);
    CHECK_RC("XSA-296: initialise(1) with a fresh L4 -> L3", rc, 0);
    if (rc == 0) {
        CHECK_RC("XSA-296: the L4 is a table now (writable map)", remap(t2, 0x27), -XEN_EBUSY);
        CHECK_RC("XSA-296: the L3 is a table now (writable map)", remap(t1, 0x27), -XEN_EBUSY);
    }
    CHECK_RC("is_up(1)", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    printk("XSA-296: done\n");
}
