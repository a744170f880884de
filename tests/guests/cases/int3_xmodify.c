/*
 * int3_xmodify.c — an int3 that another vCPU takes away again must still
 * reach the guest as #BP (Linux's text_poke_bp(): one CPU puts an int3 in
 * front of a site it rewrites, the others may execute it meanwhile, and its
 * int3 handler emulates the site's instruction).
 *
 * vCPU 1 calls a 2-byte `nop` site (66 90; ret) over and over; vCPU 0 flips
 * (FLIPS times) the site's first byte between int3 (cc) and 66, with hypercalls in
 * between (as text_poke does: it holds the hypervisor lock at times, so the
 * other CPU's entries wait).  vCPU 1's #BP handler expects RIP = site + 1
 * and resumes at site + 2, as Linux's poke_int3_handler emulates the nop.
 *
 * Our hypervisor once gave guests' int3 a DPL 0 gate: it came in as #GP and
 * the emulator re-read the byte to see what had faulted; with the byte
 * already put back it found `66 90`, no privileged instruction, and bounced
 * the #GP to the guest (Linux oopsed at sched_clock_cpu+0x2 right after
 * "sched_clock: Marking stable", or hung).  Xen's int3 gate is DPL 3: #BP
 * straight from the CPU, nothing re-read.  Any #GP at the site fails.
 * vCPU 1 must also have taken int3s at all (else nothing was tested).
 */
#include "guest.h"

const char test_title[] = "int3 on a site another vCPU is rewriting arrives as #BP";

#define FLIPS 20000

static struct vcpu_guest_context ctx __aligned(16);
static char stack1[8192] __aligned(16);
static volatile unsigned long alive1, calls_done, nr_bp, nr_gp, nr_flips;
static volatile uint64_t bad_rip, bad_ec;
static volatile int stop_flipping;

extern char xsite[], xsite_end[];
void xsite_call(void);
/* Its own page: vCPU 0 writes it while vCPU 1 executes it. */
__asm__(".pushsection .text\n"
        ".balign 4096\n"
        "xsite_call:\n"
        "xsite: .byte 0x66, 0x90\n"
        "xsite_end: ret\n"
        ".balign 4096\n"
        ".popsection\n");

extern char secondary_entry[];
void secondary_main(void);
__asm__(".pushsection .text\n"
        "secondary_entry:\n"
        " call secondary_main\n"
        " ud2\n"
        ".popsection\n");

static bool on_bp(struct cpu_regs *r)
{
    if (r->rip != (uint64_t)xsite + 1)
        return false;
    nr_bp++;
    r->rip = (uint64_t)xsite_end;       /* the nop, emulated */
    return true;
}

static bool on_gp(struct cpu_regs *r)
{
    if (r->rip != (uint64_t)xsite)
        return false;
    if (nr_gp++ == 0) {
        bad_rip = r->rip;
        bad_ec = r->error_code;
    }
    r->rip = (uint64_t)xsite_end;       /* go on: count them all */
    return true;
}

void secondary_main(void)
{
    shared_info->vcpu_info[1].evtchn_upcall_mask = 1;
    __atomic_store_n(&alive1, 1, __ATOMIC_SEQ_CST);
    while (!stop_flipping) {
        xsite_call();
        calls_done++;
    }
    for (;;)
        hc_vcpu_op(VCPUOP_down, 1, NULL);
}

static long start_vcpu1(void)
{
    return start_secondary_vcpu(1, &ctx, secondary_entry,
                                (unsigned long)stack1 + sizeof(stack1) - 8, 0);
}

/* Spin a little (0..63 pauses): the flips must not keep one rhythm. */
static void jitter(void)
{
    for (unsigned int n = random64() & 63; n; n--)
        __builtin_ia32_pause();
}

void test_main(void)
{
    volatile uint8_t *site = (volatile uint8_t *)xsite;
    uint64_t end;
    long rc;

    if (hc_vcpu_op(VCPUOP_is_up, 1, NULL) < 0)
        test_abort("the domain has one vCPU: this test needs two");
    set_trap_handler(X86_EXC_BP, on_bp);
    set_trap_handler(X86_EXC_GP, on_gp);
    rc = start_vcpu1();
    if (rc)
        test_abort("VCPUOP_initialise+up of vCPU 1: %ld", rc);
    end = guest_time_ns() + 30ULL * 1000000000ULL;
    while (!alive1 && guest_time_ns() < end)
        __builtin_ia32_pause();
    if (!alive1)
        test_abort("vCPU 1 never ran");

    /* FLIPS flips, or 120 s of guest time; vCPU 1 calls the site meanwhile. */
    end = guest_time_ns() + 120ULL * 1000000000ULL;
    while (nr_flips < FLIPS && guest_time_ns() < end) {
        *site = 0xcc;
        hc_xen_version(XENVER_version, NULL);
        jitter();
        *site = 0x66;
        hc_xen_version(XENVER_version, NULL);
        jitter();
        nr_flips++;
    }
    *site = 0x66;
    stop_flipping = 1;
    printk("%lu calls by vCPU 1, %lu flips by vCPU 0: %lu int3 as #BP, %lu as #GP\n",
           (unsigned long)calls_done, (unsigned long)nr_flips, (unsigned long)nr_bp,
           (unsigned long)nr_gp);
    if (nr_flips < FLIPS)
        test_fail("vCPU 0 made only %lu of %u flips in 120 s", (unsigned long)nr_flips, FLIPS);
    if (nr_gp)
        test_fail("%lu int3s at the site reached the guest as #GP (first: rip %#lx ec %#lx)",
                  (unsigned long)nr_gp, (unsigned long)bad_rip, (unsigned long)bad_ec);
    if (nr_bp == 0)
        test_error("vCPU 1 never hit the int3: the race was not exercised");
    end = guest_time_ns() + 20ULL * 1000000000ULL;
    while (hc_vcpu_op(VCPUOP_is_up, 1, NULL) != 0 && guest_time_ns() < end)
        __builtin_ia32_pause();
    if (hc_vcpu_op(VCPUOP_is_up, 1, NULL) != 0)
        test_fail("vCPU 1 did not go down");
}
