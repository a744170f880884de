/*
 * failsafe.c — the failsafe callback: when the hypervisor cannot reload a
 * guest data segment on a context switch it bounces to the failsafe
 * callback with DS, ES, FS, GS of the failed state on the frame (after RCX
 * and R11) instead of killing the guest.
 *
 * Making it happen needs a real context switch of this vCPU, so the domain
 * has two vCPUs on one CPU (Xen: dom0_max_vcpus=2-2): vCPU 1 is started with
 * VCPUOP_initialise/up and yields in a loop.  vCPU 0 loads DS from its own
 * GDT, makes that descriptor not-present with update_descriptor (the CPU
 * keeps the cached copy), and yields: switching back, the reload of DS
 * faults and the failsafe callback must run with DS = the stale selector.
 * Also covers VCPUOP_is_up/initialise/up on a second vCPU.
 */
#include "guest.h"

const char test_title[] = "failsafe callback (2 vCPUs)";

static uint64_t gdt[512] __aligned(4096);
static struct vcpu_guest_context ctx __aligned(16);
static char vcpu1_stack[4096] __aligned(16);
static volatile unsigned long vcpu1_spins;

extern char vcpu1_entry[];
/* vCPU 1: count, yield, repeat — through a direct syscall (no page state). */
__asm__(".pushsection .text\n"
        "vcpu1_entry:\n"
        " lock incq vcpu1_spins(%rip)\n"
        " mov $29, %eax\n xor %edi, %edi\n xor %esi, %esi\n syscall\n"
        " jmp vcpu1_entry\n"
        ".popsection\n");

static volatile unsigned long fs_hits;
static volatile uint64_t fs_rip;

static bool on_failsafe(struct cpu_regs *r)
{
    fs_hits++;
    fs_rip = r->rip;
    return true;
}

static long start_vcpu1(void)
{
    return start_secondary_vcpu(1, &ctx, vcpu1_entry,
                                (unsigned long)vcpu1_stack + sizeof(vcpu1_stack), 0);
}

void test_main(void)
{
    unsigned long frames[1];
    uint64_t gdt_maddr;
    uint16_t ds;
    long rc;

    rc = hc_vcpu_op(VCPUOP_is_up, 1, NULL);
    if (rc == -XEN_ENOENT) {
        test_error("the domain has one vCPU: this test needs two (dom0_max_vcpus=2-2)");
        return;
    }
    CHECK_RC("is_up(1) before starting it", rc, 0);
    CHECK_RC("up(1) before initialise", hc_vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);

    set_trap_handler(VEC_FAILSAFE, on_failsafe);

    gdt[1] = 0x00cff3000000ffffULL;   /* flat data, DPL 3 */
    rc = hc_update_va_mapping((unsigned long)gdt, ((uint64_t)virt_to_mfn(gdt) << 12) | 0x25,
                              UVMF_INVLPG);
    CHECK_RC("GDT page read-only", rc, 0);
    frames[0] = virt_to_mfn(gdt);
    gdt_maddr = (uint64_t)frames[0] << 12;
    rc = hc_set_gdt(frames, 512);
    CHECK_RC("set_gdt", rc, 0);
    if (rc)
        return;

    rc = start_vcpu1();
    CHECK_RC("initialise + up vCPU 1", rc, 0);
    if (rc)
        return;
    CHECK_RC("is_up(1) after up", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 1);
    CHECK_RC("initialise(1) again", hc_vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EEXIST);

    /* Both vCPUs get the CPU. */
    for (int i = 0; i < 100 && vcpu1_spins < 3; i++)
        hc_sched_op(SCHEDOP_yield, NULL);
    if (vcpu1_spins < 3)
        test_fail("vCPU 1 ran %lu times in 100 yields", vcpu1_spins);

    __asm__ volatile("mov %0, %%ds" :: "r"(0x0b) : "memory");
    rc = hc_update_descriptor(gdt_maddr + 8, 0);
    CHECK_RC("clear the DS descriptor", rc, 0);
    for (int i = 0; i < 100 && !fs_hits; i++)
        hc_sched_op(SCHEDOP_yield, NULL);
    __asm__ volatile("mov %%ds, %0" : "=r"(ds));

    printk("failsafe: %lu hits, frame ds %#lx es %#lx fs %#lx gs %#lx rip %#lx; ds now %#x\n",
           fs_hits, (unsigned long)failsafe_segs[0], (unsigned long)failsafe_segs[1],
           (unsigned long)failsafe_segs[2], (unsigned long)failsafe_segs[3],
           (unsigned long)fs_rip, ds);
    if (!fs_hits)
        test_fail("no failsafe callback after 100 context switches with a stale DS");
    else if ((failsafe_segs[0] & 0xffff) != 0x0b)
        test_fail("failsafe frame DS %#lx, expected 0x0b", (unsigned long)failsafe_segs[0]);
    if (ds != 0)
        test_fail("DS is %#x after the failsafe, expected the null selector", ds);
}
