/*
 * bench_pvcore.c — the PV core benchmark guest behind tests/bench/45-pv-core.sh
 * (a row of tests.list too, so the suites keep it working).  One guest, one
 * run, figures from the TSC (cycles) and the pvclock (ns):
 *   null hypercall   xen_version(0) through the hypercall page
 *   null syscall     guest user -> guest kernel through the syscall callback
 *                    and back with the iret hypercall (exec_user + syscall)
 *   memcpy           4 KiB pages copied in the guest with rep movsq
 *   grant copy       GNTTABOP_copy, 16 x 4 KiB per call, frame to frame;
 *                    and 16 x 8 bytes per call: the per-op bookkeeping alone
 *   mmu_update       batches of 256 NORMAL_PT_UPDATE entries
 *   evtchn RTT       interdomain event round trip with block/wake, only when
 *                    dom0's command line says "pair" (a second boot-time
 *                    domain of this image answers; ours only)
 * Each figure is the best of ROUNDS rounds (the machine is shared).  Lines
 * "BENCH <key> <cycles> <ns>" are parsed by the script; the verdict fails
 * only when an operation itself fails, never on speed.
 */
#include "guest.h"
#include <public/grant_table.h>

const char test_title[] = "PV core benchmark";

#define ROUNDS 5
#define NPAGES 16
#define BATCH 256

static char src[NPAGES][4096] __aligned(4096);
static char dst[NPAGES][4096] __aligned(4096);
static char scratch[NPAGES][4096] __aligned(4096);

struct fig { uint64_t cyc, ns; };

static void report(const char *key, struct fig f, unsigned long ops)
{
    printk("BENCH %s %lu %lu per-op (%lu ops)\n", key, (unsigned long)(f.cyc / ops),
           (unsigned long)(f.ns / ops), ops);
}

/* Time fn ROUNDS times; keep the fastest round. */
static struct fig best_of(long (*fn)(unsigned long), unsigned long n, const char *what)
{
    struct fig best = { ~0ULL, ~0ULL };

    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = guest_time_ns(), c0 = rdtsc();
        long rc = fn(n);
        uint64_t c1 = rdtsc(), t1 = guest_time_ns();

        if (rc) {
            test_fail("%s: %ld", what, rc);
            return best;
        }
        if (c1 - c0 < best.cyc)
            best = (struct fig){ c1 - c0, t1 - t0 };
    }
    return best;
}

static long run_hypercall(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        if (hc_xen_version(XENVER_version, NULL) <= 0)
            return -1;
    return 0;
}

static void user_syscall(void)
{
    __asm__ volatile("syscall" ::: "rcx", "r11", "memory");
}

static long run_syscall(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        if (exec_user(user_syscall) != VEC_SYSCALL)
            return -2;
    return 0;
}

static long run_memcpy(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        for (int p = 0; p < NPAGES; p++) {
            void *d = dst[p], *s = src[p];
            unsigned long c = 512;

            __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(c) :: "memory");
        }
    return 0;
}

static struct gnttab_copy gc[NPAGES];

static long run_gcopy(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        long rc = hc_grant_table_op(GNTTABOP_copy, gc, NPAGES);

        if (rc)
            return rc;
        for (int p = 0; p < NPAGES; p++)
            if (gc[p].status != GNTST_okay)
                return gc[p].status - 1000;
    }
    return 0;
}

static struct mmu_update mu[BATCH];

static long run_mmu(unsigned long n)
{
    struct mmuext_op fl = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    unsigned int done;

    for (unsigned long i = 0; i < n; i++) {
        long rc = hc_mmu_update(mu, BATCH, &done, DOMID_SELF);

        if (rc || done != BATCH)
            return rc ? rc : -3;
    }
    return hc_mmuext_op(&fl, 1, NULL, DOMID_SELF);
}

static void setup_gcopy(void)
{
    for (int p = 0; p < NPAGES; p++) {
        memset(src[p], 'a' + p, 4096);
        gc[p] = (struct gnttab_copy){ .len = 4096 };
        gc[p].source.domid = DOMID_SELF;
        gc[p].source.u.gmfn = virt_to_mfn(src[p]);
        gc[p].dest.domid = DOMID_SELF;
        gc[p].dest.u.gmfn = virt_to_mfn(dst[p]);
    }
}

/* 16 rounds over NPAGES PTEs: even rounds alias the pages onto src[0], odd
 * rounds restore them, so each batch ends with the original mappings. */
static bool setup_mmu(void)
{
    uint64_t alias = virt_to_mfn(src[0]);

    for (int k = 0; k < BATCH; k++) {
        int p = k % NPAGES, round = k / NPAGES;
        uint64_t *pte = l1_entry_of(scratch[p]);

        if (!pte)
            return false;
        mu[k].ptr = (virt_to_mfn(pte) << 12) | ((unsigned long)pte & 0xfff);
        mu[k].val = ((round & 1 ? virt_to_mfn(scratch[p]) : alias) << 12) | 0x67;
    }
    return true;
}

/* ---- interdomain round trip (ours: "pair" on dom0's command line) ---- */

static evtchn_port_t rtt_port;

static long run_rtt(unsigned long n)
{
    struct evtchn_send s = { .port = rtt_port };

    for (unsigned long i = 0; i < n; i++) {
        long rc = hc_event_channel_op(EVTCHNOP_send, &s);

        if (rc)
            return rc;
        CHECK_RC("block for an event", evtchn_wait(rtt_port, NULL), 0);
    }
    return 0;
}

static void partner(void)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 1 };
    struct evtchn_send s;
    long rc = -1;

    for (int i = 0; i < 100000 && rc; i++)
        if ((rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &bi)))
            hc_sched_op(SCHEDOP_yield, NULL);
    if (rc)
        guest_shutdown(SHUTDOWN_crash);
    evtchn_test_and_clear(bi.local_port);
    s.port = bi.local_port;
    hc_event_channel_op(EVTCHNOP_send, &s);    /* "bound" */
    for (;;) {     /* echo until domain 0 powers the machine off */
        CHECK_RC("block for an event", evtchn_wait(bi.local_port, NULL), 0);
        hc_event_channel_op(EVTCHNOP_send, &s);
    }
}

void test_main(void)
{
    struct fig f;

    if (!(start_info->flags & SIF_INITDOMAIN))
        partner();
    hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);

    f = best_of(run_hypercall, 2000, "xen_version");
    report("hypercall", f, 2000);
    f = best_of(run_syscall, 1000, "user syscall");
    report("syscall", f, 1000);
    setup_gcopy();
    f = best_of(run_memcpy, 20, "memcpy");
    report("memcpy_page", f, 20 * NPAGES);
    f = best_of(run_gcopy, 20, "grant copy");
    report("gcopy_page", f, 20 * NPAGES);
    for (int p = 0; p < NPAGES; p++)
        gc[p].len = 8;
    f = best_of(run_gcopy, 20, "grant copy of 8 bytes");
    report("gcopy_8", f, 20 * NPAGES);
    if (memcmp(dst[NPAGES - 1], src[NPAGES - 1], 4096) != 0)
        test_fail("grant copy: destination differs");
    if (setup_mmu()) {
        f = best_of(run_mmu, 10, "mmu_update");
        report("mmu_entry", f, 10 * BATCH);
        scratch[3][0] = 1;   /* the mappings are back and writable */
    } else {
        test_error("no L1 entry for the scratch pages");
    }

    if (strstr((const char *)start_info->cmd_line, "pair")) {
        struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 };

        if (hc_event_channel_op(EVTCHNOP_alloc_unbound, &au) || au.port != 1) {
            test_fail("alloc_unbound for the partner");
            return;
        }
        rtt_port = au.port;
        CHECK_RC("block for an event", evtchn_wait(rtt_port, NULL), 0);   /* the partner has bound */
        f = best_of(run_rtt, 200, "event round trip");
        report("evtchn_rtt", f, 200);
    }
}
