/*
 * fuzz.c — 100,000 hypercalls with random numbers and arguments; the
 * hypervisor must stay alive and keep this guest intact.
 *
 * Numbers: mostly the defined range 0-42, some up to 255, some full 64-bit
 * values (through a direct syscall, since the page has 128 stubs).
 * Arguments: small integers (sub-op numbers), random 64-bit values, pointers
 * into a scratch area of our own memory (refilled with random bytes), into a
 * page of ours mapped read-only, into the unmapped page 0, and into the
 * hypervisor's own ranges.  Left out, because they would legitimately stop
 * or disarm the guest rather than test the hypervisor: set_trap_table,
 * set_callbacks, callback_op (they would redirect our exception and event
 * entry points), iret, sched_op other than yield and the old sched_op_compat
 * (shutdown, block), set_debugreg (breakpoints on our own code),
 * update_va_mapping[_otherdomain] (unmapping our own pages), kexec_op (dom0
 * may legitimately reset the machine), vcpu_op other than is_up and
 * get_runstate_info (VCPUOP_down on ourselves), physdev_op other than
 * set_iopl and physdev_op_compat (dom0 may legitimately reprogram
 * interrupt controllers), console_io write (floods the log).  Multicall
 * lists are always random (never results of earlier calls), so a batch
 * cannot become an iret or set_trap_table(NULL) on our own state.
 * Afterwards the guest checks it still works: hypercalls, a trap, memory.
 * fuzz_domu.c runs the same loop (fuzz_run) as an unprivileged domain.
 */
#include "guest.h"

#ifndef FUZZ_NO_MAIN
const char test_title[] = "hypercall fuzzer";
#endif

#ifndef NR_CALLS
#define NR_CALLS 100000
#endif

/* Pointer targets, fenced by unmapped guard pages: a random count makes the
 * hypervisor write arrays of results from a pointer near the end of the
 * scratch area onwards, which must stop at a fault, not run into our
 * stack.  The read-only page sits between scratch and the upper guard. */
static struct {
    char guard_lo[4096];
    uint64_t scratch[8192];            /* 64 KiB */
    char ro_page[4096];
    char guard_hi[4096];
} area __aligned(4096);
#define scratch (area.scratch)
#define ro_page (area.ro_page)
static uint64_t mc_buf[8 * 16];   /* a fresh random multicall list per call */
static unsigned long results[8];   /* 0, >0, -EFAULT, -EINVAL, -ENOSYS, -EPERM/-EACCES, other -errno, ?? */

static const unsigned long hv_addrs[] = {
    0xffff800000000000UL,   /* read-only M2P */
    0xffff82d080000000UL,   /* hypervisor image */
    0xffff830000000000UL,   /* direct map */
    0xffff828000000000UL,
    0xfffff00000000000UL,
    0xffffffffffff0000UL,
    0x0000800000000000UL,   /* first non-canonical */
};

static unsigned long rand_arg(void)
{
    switch (random64() % 10) {
    case 0: case 1: return random64() % 16;
    case 2: return random64();
    case 3: case 4: return (unsigned long)scratch + random64() % sizeof(scratch);
    case 5: return (unsigned long)ro_page + random64() % 4096;
    case 6: return random64() % 4096;
    case 7: return hv_addrs[random64() % ARRAY_SIZE(hv_addrs)] + random64() % 65536;
    /* 32-bit values, kept above the 4 MiB start-of-day region: below it a
     * hypervisor write would land in our own code or stack, which is the
     * guest corrupting itself, not a hypervisor bug. */
    case 8: return (random64() & 0xffffffffUL) | 0x40000000UL;
    default: return (unsigned long)scratch;
    }
}

static bool excluded(unsigned long nr)
{
    switch (nr) {
    case __HYPERVISOR_set_trap_table:
    case __HYPERVISOR_set_callbacks:
    case __HYPERVISOR_sched_op_compat:
    case __HYPERVISOR_set_debugreg:
    case __HYPERVISOR_update_va_mapping:
    case __HYPERVISOR_update_va_mapping_otherdomain:
    case __HYPERVISOR_iret:
    case __HYPERVISOR_callback_op:
    case __HYPERVISOR_physdev_op_compat:
    case 37: /* kexec_op */
        return true;
    }
    return false;
}

static void refill(void)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(scratch); i++)
        scratch[i] = random64();
}

static void classify(long rc)
{
    int k;

    if (rc == 0) k = 0;
    else if (rc > 0) k = 1;
    else if (rc == -XEN_EFAULT) k = 2;
    else if (rc == -XEN_EINVAL) k = 3;
    else if (rc == -XEN_ENOSYS) k = 4;
    else if (rc == -XEN_EPERM || rc == -XEN_EACCES) k = 5;
    else if (rc >= -4095) k = 6;
    else k = 7;
    results[k]++;
}

/* NR_CALLS random hypercalls, then the checks that this guest still works
 * (failures through test_fail). */
static void fuzz_run(void)
{
    uint64_t seed = rdtsc();
    unsigned long done = 0, sys_path = 0;
    long rc;

    random_seed(seed);
    printk("fuzz: seed %#lx, %u calls\n", (unsigned long)seed, NR_CALLS);
    refill();
    /* random contents: a zeroed page read as a multicall list would be a
     * batch of set_trap_table(NULL) calls, disarming our own traps */
    for (unsigned int i = 0; i < sizeof(ro_page); i++)
        ro_page[i] = (char)random64();
    rc = hc_update_va_mapping((unsigned long)ro_page,
                              ((uint64_t)virt_to_mfn(ro_page) << 12) | 0x25, UVMF_INVLPG);
    if (rc)
        test_abort("mapping the read-only page: %ld", rc);
    if (hc_update_va_mapping((unsigned long)area.guard_lo, 0, UVMF_INVLPG) ||
        hc_update_va_mapping((unsigned long)area.guard_hi, 0, UVMF_INVLPG))
        test_abort("unmapping the guard pages failed");

    while (done < NR_CALLS) {
        unsigned long nr, a[5];
        unsigned int r = random64() % 100;

        nr = r < 75 ? random64() % 43 : r < 90 ? random64() % 256 : random64();
        if (excluded(nr))
            continue;
        for (int i = 0; i < 5; i++)
            a[i] = rand_arg();
        switch (nr) {
        case __HYPERVISOR_sched_op:
            a[0] = SCHEDOP_yield;
            break;
        case __HYPERVISOR_vcpu_op:
            a[0] = (random64() & 1) ? VCPUOP_is_up : VCPUOP_get_runstate_info;
            break;
        case __HYPERVISOR_console_io:
            a[0] = CONSOLEIO_read;
            break;
        case __HYPERVISOR_physdev_op:
            a[0] = PHYSDEVOP_set_iopl;
            break;
        case __HYPERVISOR_multicall:
            /* Earlier calls write small numbers (results, zeros) into the
             * scratch area; read as a multicall list those would be real
             * hypercalls — iret, set_trap_table(NULL) — that hijack us. */
            for (unsigned int i = 0; i < ARRAY_SIZE(mc_buf); i++)
                mc_buf[i] = random64() | (1UL << 63);
            if (a[0] >= (unsigned long)scratch &&
                a[0] < (unsigned long)scratch + sizeof(scratch))
                a[0] = (unsigned long)mc_buf;
            a[1] = random64() % 17;
            break;
        }
        if (nr < 128 && (random64() & 1)) {
            hc_use_syscall = 0;
            rc = hypercall5((unsigned int)nr, a[0], a[1], a[2], a[3], a[4]);
        } else {
            register unsigned long r1 __asm__("rdi") = a[0];
            register unsigned long r2 __asm__("rsi") = a[1];
            register unsigned long r3 __asm__("rdx") = a[2];
            register unsigned long r4 __asm__("r10") = a[3];
            register unsigned long r5 __asm__("r8") = a[4];

            __asm__ volatile("syscall" : "=a"(rc), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4),
                             "+r"(r5) : "0"(nr) : "rcx", "r11", "memory");
            sys_path++;
        }
        classify(rc);
        done++;
        if (!(done % 1000))
            refill();
        if (!(done % (NR_CALLS / 5)))
            printk("fuzz: %lu calls\n", done);
    }
    hc_use_syscall = 0;
    /* events may have been left unmasked by nothing we allowed; make sure */
    vcpu0->evtchn_upcall_mask = 1;

    printk("fuzz: %lu calls (%lu by direct syscall): 0:%lu >0:%lu EFAULT:%lu EINVAL:%lu "
           "ENOSYS:%lu EPERM/EACCES:%lu other-errno:%lu other:%lu\n", done, sys_path,
           results[0], results[1], results[2], results[3], results[4], results[5],
           results[6], results[7]);

    /* Still intact? */
    if (hc_xen_version(XENVER_version, NULL) <= 0)
        test_fail("xen_version fails after fuzzing");
    ex_clear();
    __asm__ volatile("1: ud2\n2:\n" EXTABLE("1b", "2b") ::: "memory");
    if (ex_vec != X86_EXC_UD)
        test_fail("#UD not delivered after fuzzing (vector %ld)", ex_vec);
    if (results[4] == 0 || results[2] == 0)
        test_fail("no -ENOSYS or no -EFAULT among %lu random calls: arguments not random?", done);
}

#ifndef FUZZ_NO_MAIN
void test_main(void)
{
    fuzz_run();
}
#endif
