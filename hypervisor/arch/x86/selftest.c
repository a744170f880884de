/*
 * selftest.c — built-in checks run by the "selftest" option, ending with one
 * verdict line and a QEMU exit (xen/shutdown.h):
 *   - the page allocator under load: exhaust the heap with mixed orders,
 *     tag every block, verify the tags, free everything in a scrambled
 *     order, check the free count and the allocator's invariants;
 *   - walks of the live page tables: direct map, image, frame table, both
 *     M2P views (and that they alias), ioremap, the dropped identity map,
 *     non-canonical addresses, the hypervisor L4 slots;
 *   - time: NOW() is monotonic and agrees with the TSC; one-shot timers
 *     fire on time (never early, late within a tolerance), in deadline
 *     order, and a handler can re-arm itself;
 *   - xmalloc churn: random sizes with content patterns, zeroing, overflow.
 * "selftest=fault" instead writes through a non-present address: the fatal
 * trap path must print the full dump, then the verdict.  "selftest=bug"
 * triggers a BUG_ON(): panic() must print the message and a call trace.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/shutdown.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <asm/config.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/time.h>

enum selftest_mode opt_selftest;
volatile bool selftest_fault_expected;
static unsigned int failures;
static volatile uint64_t alias_probe;

#define FAULT_ADDR 0x00000badc0de0000UL
/* Late-firing tolerance: TCG on a shared host can stall the vCPU. */
#define TIMER_SLACK MILLISECS(100)

static int parse_selftest(const char *val)
{
    int b;

    if (!strcmp(val, "fault")) {
        opt_selftest = SELFTEST_FAULT;
        return 0;
    }
    if (!strcmp(val, "bug")) {
        opt_selftest = SELFTEST_BUG;
        return 0;
    }
    if (!*val) {
        opt_selftest = SELFTEST_RUN;
        return 0;
    }
    b = parse_bool(val);
    if (b < 0)
        return -EINVAL;
    opt_selftest = b ? SELFTEST_RUN : SELFTEST_OFF;
    return 0;
}
custom_param("selftest", parse_selftest);

static bool check(bool ok, const char *what, const char *fmt, ...) __printf(3, 4);
static bool check(bool ok, const char *what, const char *fmt, ...)
{
    char buf[160];
    va_list ap;

    if (ok)
        return true;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk(XENLOG_ERR "selftest: %s: FAILED: %s\n", what, buf);
    failures++;
    return false;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ---- allocator under load ---- */
/*
 * Bookkeeping lives outside the blocks: one byte per frame holding the order
 * of the block that starts there (0xff = none) and a bitmap of frames handed
 * out, so overlaps are caught without touching every block (touching all of
 * RAM would make the host allocate all of the guest's memory).  Every 16th
 * block also gets a tag written at both ends and checked before freeing.
 */
#define NO_BLOCK 0xff
#define TAGGED   0x40     /* flag in orders[]: the block carries tags */

static void test_allocator(void)
{
    unsigned long free0 = heap_free_pages(), got = 0, nblocks = 0, overlaps = 0, bad = 0;
    unsigned int order = 9, meta_order;
    uint8_t *orders;
    uint64_t *used;
    unsigned long mfn, i;
    s_time_t t0 = NOW();

    meta_order = get_order_from_bytes(max_page + max_page / 8 + 8);
    orders = alloc_xenheap_pages(meta_order);
    if (!check(orders != NULL, "allocator", "no memory for the bookkeeping (order %u)", meta_order))
        return;
    free0 = heap_free_pages();
    used = (uint64_t *)(orders + ROUNDUP(max_page, 8));
    memset(orders, NO_BLOCK, max_page);
    memset(used, 0, max_page / 8 + 8);

    /* Exhaust: big blocks first, halving when an order runs out and
     * sometimes climbing back, so splitting is exercised at every order. */
    for (;;) {
        struct page_info *pg = alloc_heap_pages(order, (order <= 2 && (rnd() & 1)) ? MEMF_zero : 0);

        if (!pg) {
            if (order == 0)
                break;
            order--;
            continue;
        }
        mfn = page_to_mfn(pg);
        if (!check(mfn < max_page && !(mfn & ((1UL << order) - 1)), "allocator",
                   "order-%u block at mfn %#lx is misplaced", order, mfn)) {
            continue;
        }
        for (i = mfn; i < mfn + (1UL << order); i++) {
            if (used[i / 64] & (1ULL << (i % 64)))
                overlaps++;
            used[i / 64] |= 1ULL << (i % 64);
        }
        orders[mfn] = (uint8_t)order;
        if (nblocks % 16 == 0) {
            orders[mfn] |= TAGGED;
            uint64_t *first = mfn_to_virt(mfn);

            first[0] = mfn;
            first[(PAGE_SIZE << order) / 8 - 1] = ~mfn;
        }
        got += 1UL << order;
        nblocks++;
        if ((rnd() & 3) == 0 && order < 9)
            order++;
    }
    check(heap_free_pages() == 0, "allocator", "%lu pages still free after exhaustion",
          heap_free_pages());
    check(got == free0, "allocator", "allocated %lu pages, %lu were free", got, free0);
    check(overlaps == 0, "allocator", "%lu frames handed out twice", overlaps);

    /* Free in four passes picked by a hash of the frame number, so merging
     * happens from every direction rather than in address order. */
    for (unsigned int pass = 0; pass < 4; pass++) {
        for (mfn = 0; mfn < max_page; mfn++) {
            unsigned int o = orders[mfn] & ~TAGGED;

            if (orders[mfn] == NO_BLOCK)
                continue;
            if (pass == 0 && (orders[mfn] & TAGGED)) {
                uint64_t *first = mfn_to_virt(mfn);

                if (first[0] != mfn || first[(PAGE_SIZE << o) / 8 - 1] != ~mfn) {
                    if (!bad)
                        printk(XENLOG_ERR "selftest: allocator: block %#lx order %u tags %#lx %#lx\n",
                               mfn, o, (unsigned long)first[0],
                               (unsigned long)first[(PAGE_SIZE << o) / 8 - 1]);
                    bad++;
                }
            }
            if (((mfn * 0x9e3779b97f4a7c15ULL) >> 62) != pass)
                continue;
            free_heap_pages(mfn_to_page(mfn), o);
            orders[mfn] = NO_BLOCK;
        }
    }
    check(bad == 0, "allocator", "%lu sampled blocks lost their tags", bad);
    check(heap_free_pages() == free0, "allocator", "free pages %lu after freeing all, %lu before",
          heap_free_pages(), free0);
    check(heap_check() == 0, "allocator", "heap_check() found broken invariants");
    free_xenheap_pages(orders, meta_order);
    printk("selftest: allocator: %lu pages in %lu blocks allocated, verified and freed (%lu ms)\n",
           got, nblocks, (unsigned long)((NOW() - t0) / 1000000));
}

/* ---- page-table walks ---- */
/* expect_walk's want_lvl: a leaf level, 0 (not mapped), -EINVAL, or: */
#define LVL_ANY 9

static void expect_walk(const char *what, unsigned long va, int want_lvl, paddr_t want_pa,
                        uint64_t must_set, uint64_t must_clear)
{
    uint64_t pte;
    int lvl = pt_walk(va, &pte);
    paddr_t pa;
    unsigned long mask;

    if (want_lvl != LVL_ANY && want_lvl <= 0) {
        check(lvl == want_lvl, "pagetable", "%s (%#lx): walk gave %d, expected %d",
              what, va, lvl, want_lvl);
        return;
    }
    if (!check(lvl >= 1, "pagetable", "%s (%#lx) is not mapped", what, va))
        return;
    if (want_lvl != LVL_ANY)
        check(lvl == want_lvl, "pagetable", "%s: leaf at level %d, expected %d", what, lvl, want_lvl);
    mask = (1UL << (12 + 9 * (lvl - 1))) - 1;
    pa = (pte & PADDR_MASK & ~mask) | (va & mask);
    check(pa == want_pa, "pagetable", "%s: %#lx maps %#lx, expected %#lx", what, va,
          (unsigned long)pa, (unsigned long)want_pa);
    check((pte & must_set) == must_set, "pagetable", "%s: pte %#lx lacks flags %#lx", what,
          (unsigned long)pte, (unsigned long)must_set);
    check(!(pte & must_clear), "pagetable", "%s: pte %#lx has flags %#lx", what,
          (unsigned long)pte, (unsigned long)(pte & must_clear));
}

static void test_pagetables(void)
{
    struct page_info *pg = alloc_heap_pages(0, 0);
    unsigned int slot;
    unsigned long mfn;
    uint64_t pte;

    if (!check(pg != NULL, "pagetable", "no page for the test"))
        return;
    expect_walk("direct map (heap page)", (unsigned long)page_to_virt(pg) + 0x123, LVL_ANY,
                page_to_maddr(pg) + 0x123, _PAGE_PRESENT | _PAGE_RW | _PAGE_NX, _PAGE_USER);
    expect_walk("image text", (unsigned long)&test_pagetables, 2,
                __pa_image(&test_pagetables), _PAGE_PRESENT, _PAGE_USER);
    expect_walk("image bss", (unsigned long)&boot_info, 2, __pa_image(&boot_info),
                _PAGE_PRESENT | _PAGE_RW, _PAGE_USER);
    expect_walk("frame table end", (unsigned long)&frame_table[max_page - 1], LVL_ANY,
                virt_to_maddr(&frame_table[max_page - 1]), _PAGE_PRESENT | _PAGE_RW, _PAGE_USER);
    check(virt_to_maddr(&frame_table[0]) != 0, "pagetable", "frame table at physical 0");
    expect_walk("identity map dropped", 0x200000, 0, 0, 0, 0);
    expect_walk("fault address unmapped", FAULT_ADDR, 0, 0, 0, 0);
    expect_walk("non-canonical", 0x0000800000000000UL, -EINVAL, 0, 0, 0);

    /* The two M2P views alias, the guest one is read-only and user. */
    mfn = page_to_mfn(pg);
    expect_walk("M2P read-only view", RO_MPT_VIRT_START + mfn * 8, LVL_ANY,
                virt_to_maddr(&m2p_table[mfn]), _PAGE_PRESENT | _PAGE_USER | _PAGE_NX, _PAGE_RW);
    m2p_table[mfn] = 0x1234567;
    check(((volatile uint64_t *)RO_MPT_VIRT_START)[mfn] == 0x1234567, "pagetable",
          "M2P write not visible through the read-only view");
    m2p_table[mfn] = ~0ULL;
    check(((volatile uint64_t *)RO_MPT_VIRT_START)[max_page - 1] == ~0ULL, "pagetable",
          "unused M2P entry is not INVALID");

    for (slot = HYP_FIRST_SLOT; slot <= HYP_LAST_SLOT; slot++)
        check(idle_pg_table[slot] & _PAGE_PRESENT, "pagetable", "L4 slot %u empty", slot);
    check(!(idle_pg_table[0] & _PAGE_PRESENT), "pagetable", "L4 slot 0 still present");
    check(pt_walk(VMAP_VIRT_START, &pte) == 1 && (pte & _PAGE_PCD), "pagetable",
          "LAPIC ioremap is not an uncached 4 KiB mapping (pte %#lx)", (unsigned long)pte);

    /* The image and the direct map alias the same frames. */
    alias_probe = 1;
    *(volatile uint64_t *)maddr_to_virt(__pa_image(&alias_probe)) = 0xabcdef;
    check(alias_probe == 0xabcdef, "pagetable", "image and direct map do not alias");

    free_heap_pages(pg, 0);
    printk("selftest: pagetable: direct map, image, frame table, M2P views, vmap, "
           "slots checked\n");
}

/* ---- time and timers ---- */
struct tt { struct timer t; s_time_t fired_at; unsigned int runs, limit, seq; s_time_t period; };
static unsigned int fire_seq;

static void tt_fn(void *data)
{
    struct tt *x = data;

    x->fired_at = NOW();
    x->seq = ++fire_seq;
    if (++x->runs < x->limit)
        set_timer(&x->t, x->t.expires + x->period);
}

static void arm(struct tt *x, s_time_t when, unsigned int limit, s_time_t period)
{
    unsigned long f = 0;

    x->runs = 0, x->limit = limit, x->period = period, x->fired_at = 0;
    init_timer(&x->t, tt_fn, x);
    local_irq_save(f);
    set_timer(&x->t, when);
    local_irq_restore(f);
}

/* Wait (interrupts on) until cond or NOW() passes limit. */
#define WAIT_UNTIL(cond, limit) do { \
        while (!(cond) && NOW() < (limit)) \
            cpu_relax(); \
    } while (0)

static void test_time(void)
{
    s_time_t prev = NOW(), t0, late;
    uint64_t tsc0;
    struct tt a, b, c, p;
    unsigned int i;

    for (i = 0; i < 100000; i++) {
        s_time_t n = NOW();

        if (!check(n >= prev, "time", "NOW() went backwards (%ld -> %ld)", (long)prev, (long)n))
            break;
        prev = n;
    }
    /* NOW() and the TSC agree over a 5 ms busy wait. */
    tsc0 = rdtsc();
    t0 = NOW();
    udelay(5000);
    late = NOW() - t0;
    check(late >= MILLISECS(5) && late < MILLISECS(5) + TIMER_SLACK, "time",
          "udelay(5 ms) took %ld ns by NOW()", (long)late);
    check(tsc_to_ns(rdtsc() - tsc0) >= 5000000, "time", "TSC conversion disagrees");

    /* Regression (calibration polled for the end of the PIT countdown and
     * came out 12% fast on a loaded host): NOW() must agree with a fresh PIT
     * measurement within 1%. */
    {
        int64_t now_ns, pit_ns, diff;
        unsigned long f;

        local_irq_save(f);
        if (check(time_check_against_pit(&now_ns, &pit_ns), "time", "PIT re-measurement failed")) {
            diff = now_ns - pit_ns;
            check(diff * 100 <= pit_ns && -diff * 100 <= pit_ns, "time",
                  "NOW() measured %ld ns for %ld ns of PIT ticks", (long)now_ns, (long)pit_ns);
            printk("selftest: time: %ld ns of PIT ticks took %ld ns by NOW()\n",
                   (long)pit_ns, (long)now_ns);
        }
        local_irq_restore(f);
    }

    /* One-shot accuracy. */
    t0 = NOW();
    arm(&a, t0 + MILLISECS(20), 1, 0);
    WAIT_UNTIL(a.runs, t0 + SECONDS(2));
    if (check(a.runs == 1, "timer", "20 ms timer did not fire within 2 s")) {
        late = a.fired_at - a.t.expires;
        check(late >= 0, "timer", "fired %ld ns early", (long)-late);
        check(late < TIMER_SLACK, "timer", "fired %ld us late", (long)(late / 1000));
        printk("selftest: timer: 20 ms one-shot fired %ld us after its deadline\n",
               (long)(late / 1000));
    }

    /* Deadline order, regardless of arming order. */
    fire_seq = 0;
    t0 = NOW();
    arm(&a, t0 + MILLISECS(15), 1, 0);
    arm(&b, t0 + MILLISECS(5), 1, 0);
    arm(&c, t0 + MILLISECS(10), 1, 0);
    WAIT_UNTIL(a.runs && b.runs && c.runs, t0 + SECONDS(2));
    check(a.runs && b.runs && c.runs, "timer", "not all of three timers fired");
    check(b.seq == 1 && c.seq == 2 && a.seq == 3, "timer", "fired out of order (%u %u %u)",
          b.seq, c.seq, a.seq);

    /* Periodic re-arm from the handler: 10 x 2 ms. */
    t0 = NOW();
    arm(&p, t0 + MILLISECS(2), 10, MILLISECS(2));
    WAIT_UNTIL(p.runs == 10, t0 + SECONDS(2));
    if (check(p.runs == 10, "timer", "periodic timer ran %u of 10 times", p.runs)) {
        late = p.fired_at - t0;
        check(late >= MILLISECS(20) && late < MILLISECS(20) + TIMER_SLACK, "timer",
              "10 x 2 ms took %ld us", (long)(late / 1000));
    }
    check(timer_count() == 0, "timer", "%u timers still queued", timer_count());
    printk("selftest: time: NOW() monotonic, udelay/TSC consistent, one-shot, order, re-arm ok\n");
}

/* ---- xmalloc churn ---- */
#define SLOTS 256
static void test_xmalloc(void)
{
    static void *ptr[SLOTS];
    static size_t len[SLOTS];
    unsigned long free0 = heap_free_pages(), bad = 0, i;
    unsigned int s;

    for (i = 0; i < 20000; i++) {
        s = rnd() % SLOTS;
        if (ptr[s]) {
            unsigned char *p = ptr[s];
            size_t k;

            for (k = 0; k < len[s]; k += 1 + len[s] / 16)
                if (p[k] != (unsigned char)(s ^ k))
                    bad++;
            xfree(p);
            ptr[s] = NULL;
        } else {
            size_t n = (rnd() & 3) ? 1 + rnd() % 512 : 1 + rnd() % 20000;
            unsigned char *p = (rnd() & 1) ? xmalloc_bytes(n) : xzalloc_bytes(n);
            size_t k;

            if (!check(p != NULL, "xmalloc", "allocation of %zu bytes failed", n))
                break;
            if (n >= 16)
                check(((unsigned long)p & 15) == 0, "xmalloc", "%zu bytes at %p misaligned", n, p);
            for (k = 0; k < n; k++)
                p[k] = (unsigned char)(s ^ k);
            ptr[s] = p;
            len[s] = n;
        }
    }
    check(bad == 0, "xmalloc", "%lu corrupted bytes found before free", bad);
    for (s = 0; s < SLOTS; s++) {
        xfree(ptr[s]);
        ptr[s] = NULL;
    }
    {
        unsigned char *z = xzalloc_bytes(3000);
        size_t k;

        if (check(z != NULL, "xmalloc", "xzalloc(3000) failed")) {
            for (k = 0; k < 3000; k++)
                if (z[k])
                    break;
            check(k == 3000, "xmalloc", "xzalloc memory not zero at %zu", k);
            xfree(z);
        }
    }
    check(xmalloc_array(uint64_t, ~(size_t)0 / 4) == NULL, "xmalloc",
          "overflowing array allocation succeeded");
    /* Pools may keep a few pages cached; everything else must be back. */
    check(heap_free_pages() + 64 >= free0, "xmalloc", "%lu pages not returned",
          free0 - heap_free_pages());
    printk("selftest: xmalloc: 20000 alloc/free operations, patterns intact, %lu pages cached\n",
           free0 > heap_free_pages() ? free0 - heap_free_pages() : 0);
}

/* Must stay a real function: the fault test looks for its name in the trace. */
static void __attribute__((noinline)) selftest_fault_write(void)
{
    printk("selftest: writing to %#lx (not mapped): expect a page-fault dump\n", FAULT_ADDR);
    selftest_fault_expected = true;
    *(volatile uint64_t *)FAULT_ADDR = 0x5e1f7e57;
    selftest_fault_expected = false;
}

/* Same for a BUG_ON(): the panic path must print the message and a trace
 * naming this function. */
static void __attribute__((noinline)) selftest_bug(void)
{
    printk("selftest: triggering BUG_ON(): expect a panic with a call trace\n");
    selftest_fault_expected = true;
    BUG_ON(selftest_fault_expected);
    selftest_fault_expected = false;
}

void selftest_fatal_hook(enum fatal_kind kind)
{
    static bool done;
    bool expected;

    if (opt_selftest == SELFTEST_OFF || done)
        return;
    done = true;
    expected = selftest_fault_expected &&
               ((opt_selftest == SELFTEST_FAULT && kind == FATAL_TRAP_PF) ||
                (opt_selftest == SELFTEST_BUG && kind == FATAL_PANIC));
    test_verdict(expected ? TEST_SUCCESS : TEST_ERROR);
}

void run_selftests(void)
{
    s_time_t t0 = NOW();

    if (opt_selftest == SELFTEST_FAULT) {
        selftest_fault_write();
        printk(XENLOG_ERR "selftest: the write to %#lx did not fault\n", FAULT_ADDR);
        test_verdict(TEST_FAILURE);
        machine_halt();
    }
    if (opt_selftest == SELFTEST_BUG) {
        selftest_bug();
        printk(XENLOG_ERR "selftest: BUG_ON() returned\n");
        test_verdict(TEST_FAILURE);
        machine_halt();
    }
    printk("selftest: starting\n");
    test_pagetables();
    test_allocator();
    test_time();
    test_xmalloc();
    printk("selftest: %u failure%s (%lu ms)\n", failures, failures == 1 ? "" : "s",
           (unsigned long)((NOW() - t0) / 1000000));
    test_verdict(failures ? TEST_FAILURE : TEST_SUCCESS);
    machine_halt();
}
