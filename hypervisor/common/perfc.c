/*
 * perfc.c — performance counters and the split of wall-clock time between
 * guests, the hypervisor and idle (see xen/perfc.h).
 *
 * One CPU runs the hypervisor with interrupts off, so an entry from a guest
 * is never nested inside another: one open bucket and one start time
 * suffice.  The clock is NOW() (ns); under QEMU TCG the figures are
 * emulation time, which is what a boot under TCG pays.
 */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/perfc.h>
#include <xen/time.h>
#include <xen/xmalloc.h>

uint64_t perfc_count[PERFC_NR];

static bool opt_perfc = true;
boolean_param("perfc", opt_perfc);

static uint64_t bucket_ns[PERF_BUCKETS];
static uint64_t bucket_n[PERF_BUCKETS];
static uint64_t idle_ns;
static s_time_t start_time, enter_time;
static int open_bucket = -1;

static bool opt_perfsample;
boolean_param("perfsample", opt_perfsample);
#define MAX_SAMPLES 65536
static unsigned long *samples;
static unsigned int nr_samples;

void perf_start(void)
{
    if (start_time)
        return;
    start_time = NOW();
    if (opt_perfsample)
        samples = xmalloc_array(unsigned long, MAX_SAMPLES);
}

void perf_sample(unsigned long guest_rip)
{
    if (samples && nr_samples < MAX_SAMPLES)
        samples[nr_samples++] = guest_rip;
}

/* Shell sort: no recursion, no allocation, fine for 64k entries at exit. */
static void sort_samples(void)
{
    for (unsigned int gap = nr_samples / 2; gap; gap /= 2)
        for (unsigned int i = gap; i < nr_samples; i++) {
            unsigned long x = samples[i];
            unsigned int j = i;

            for (; j >= gap && samples[j - gap] > x; j -= gap)
                samples[j] = samples[j - gap];
            samples[j] = x;
        }
}

/* Every distinct RIP with its count, one line each ("perfsample <rip> <n>"):
 * a script sums them per symbol. */
static void dump_samples(void)
{
    if (!samples)
        return;
    sort_samples();
    printk("Guest RIP samples (option perfsample): %u\n", nr_samples);
    for (unsigned int i = 0; i < nr_samples;) {
        unsigned int j = i;

        while (j < nr_samples && samples[j] == samples[i])
            j++;
        printk("perfsample %lx %u\n", samples[i], j - i);
        i = j;
    }
}

/*
 * Debug key 'P' (as Xen's): everything from zero, the clock restarting now,
 * so that 'p' afterwards shows one step (a save, a restore) alone.  The
 * open bucket is the sysctl that asked: its entry time restarts too.
 */
void perfc_reset(void)
{
    memset(perfc_count, 0, sizeof(perfc_count));
    memset(bucket_ns, 0, sizeof(bucket_ns));
    memset(bucket_n, 0, sizeof(bucket_n));
    idle_ns = 0;
    nr_samples = 0;
    if (start_time)
        start_time = NOW();
    if (open_bucket >= 0)
        enter_time = NOW();
}

void perf_enter(unsigned int bucket)
{
    if (!opt_perfc || bucket >= PERF_BUCKETS)
        return;
    open_bucket = bucket;
    enter_time = NOW();
}

void perf_leave(void)
{
    if (open_bucket < 0)
        return;
    bucket_ns[open_bucket] += NOW() - enter_time;
    bucket_n[open_bucket]++;
    open_bucket = -1;
}

void perf_idle(s_time_t ns)
{
    idle_ns += ns;
}

static void pct(char *buf, uint64_t part, uint64_t whole)
{
    unsigned long p = whole ? (unsigned long)(part * 1000 / whole) : 0;

    snprintf(buf, 8, "%lu.%lu", p / 10, p % 10);
}

static void dump_bucket(const char *what, unsigned int b, uint64_t total)
{
    char p[8];

    pct(p, bucket_ns[b], total);
    printk("  %-28s %10lu calls %8lu ms %5s%% %7lu ns/call\n", what, (unsigned long)bucket_n[b],
           (unsigned long)(bucket_ns[b] / 1000000), p,
           (unsigned long)(bucket_ns[b] / bucket_n[b]));
}

void perfc_dump(const char *(*hypercall_name)(unsigned long nr))
{
    uint64_t total, hyp = 0;
    char p[8], name[32];

    if (!opt_perfc || !start_time)
        return;
    total = NOW() - start_time;
    printk("Performance counters (option perfc):\n");
#define PERFC_PRINT(n, desc) \
    if (perfc_count[PERFC_##n]) \
        printk("  %-44s %12lu\n", desc, (unsigned long)perfc_count[PERFC_##n]);
    PERFC_LIST(PERFC_PRINT)
#undef PERFC_PRINT
    for (unsigned int b = 0; b < PERF_BUCKETS; b++)
        hyp += bucket_ns[b];
    printk("Time since the first guest started: %lu ms\n", (unsigned long)(total / 1000000));
    pct(p, total - hyp - idle_ns, total);
    printk("  %-28s %25lu ms %5s%%\n", "guest", (unsigned long)((total - hyp - idle_ns) / 1000000), p);
    pct(p, idle_ns, total);
    printk("  %-28s %25lu ms %5s%%\n", "idle", (unsigned long)(idle_ns / 1000000), p);
    pct(p, hyp, total);
    printk("  %-28s %25lu ms %5s%%\n", "hypervisor, of which:", (unsigned long)(hyp / 1000000), p);
    for (unsigned int b = 0; b < PERF_BUCKETS; b++) {
        if (bucket_n[b] == 0)
            continue;
        if (b < 64)
            snprintf(name, sizeof(name), "hypercall %s", hypercall_name(b));
        else if (b < PERF_SYSCALL)
            snprintf(name, sizeof(name), "exception %u", b - 64);
        else
            snprintf(name, sizeof(name), "%s", b == PERF_SYSCALL ? "guest syscall bounce" :
                     b == PERF_IRQ ? "interrupts" : "other");
        dump_bucket(name, b, total);
    }
    dump_samples();
}
