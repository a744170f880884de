/*
 * runtime.c — start of day, console, verdict and shutdown for the test guests.
 *
 * guest_start() runs on the boot stack with events masked (upcall_mask = 1,
 * as every PV vCPU starts).  It maps shared_info, installs the trap table and
 * callbacks, gives the hypervisor a kernel stack for entries from user mode
 * and a user page table (the same L4: user and kernel share one address
 * space here, every mapping carries _PAGE_USER), unmaps page 0 so NULL
 * dereferences fault, then runs the test and prints exactly one verdict.
 */
#include "guest.h"
#include <public/grant_table.h>

struct start_info *start_info;
struct shared_info *shared_info;
struct vcpu_info *vcpu0;
int hc_use_syscall;

/* shared_info is mapped over this page of our own image. */
static char shinfo_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static char kernel_stack[16384] __aligned(16);
unsigned long kernel_stack_top;
uint8_t boot_upcall_pending, boot_upcall_mask;

enum { V_SUCCESS, V_SKIP, V_FAILURE, V_ERROR };
static int verdict = V_SUCCESS;
static bool verdict_printed;

#define M2P ((const unsigned long *)0xffff800000000000UL)

static void console_write(const char *s, size_t len)
{
    /* Always through the page: works before and after a test flips modes. */
    int saved = hc_use_syscall;

    hc_use_syscall = 0;
    hc_console_io(CONSOLEIO_write, (unsigned int)len, s);
    hc_use_syscall = saved;
}

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    console_write(buf, (size_t)n);
}

static void note(int level, const char *tag, const char *fmt, va_list ap)
{
    char buf[400];

    vsnprintf(buf, sizeof(buf), fmt, ap);
    printk("%s: %s\n", tag, buf);
    if (level > verdict)
        verdict = level;
}

void test_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    note(V_FAILURE, "Failure", fmt, ap);
    va_end(ap);
}

bool test_failed(void)
{
    return verdict >= V_FAILURE;
}

void test_skip(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    note(V_SKIP, "Skip", fmt, ap);
    va_end(ap);
}

void test_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    note(V_ERROR, "Error", fmt, ap);
    va_end(ap);
}

static void __noreturn finish(void)
{
    static const char *const names[] = { "SUCCESS", "SKIP", "FAILURE", "ERROR" };

    if (!verdict_printed) {
        verdict_printed = true;
        printk("Test result: %s\n", names[verdict]);
    }
    guest_shutdown(SHUTDOWN_poweroff);
}

void test_abort(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    note(V_ERROR, "Error", fmt, ap);
    va_end(ap);
    finish();
}

void guest_shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };

    hc_use_syscall = 0;
    hc_sched_op(SCHEDOP_shutdown, &s);
    /* Only a broken hypervisor gets here: say so, then stay put. */
    printk("guest: SCHEDOP_shutdown(%u) returned\n", reason);
    for (;;)
        hc_sched_op(SCHEDOP_yield, NULL);
}

unsigned long virt_to_mfn(const void *va)
{
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;

    return p2m[(unsigned long)va >> 12];
}

/* Page tables are reached through the M2P: every bootstrap table frame is
 * inside the 1:1 start-of-day region (virt base 0). */
uint64_t *l1_entry_of(const void *va)
{
    unsigned long v = (unsigned long)va;
    uint64_t *t = (uint64_t *)start_info->pt_base;
    int level;

    for (level = 4; level > 1; level--) {
        uint64_t e = t[(v >> (12 + 9 * (level - 1))) & 511];

        if (!(e & 1) || (e & 0x80))
            return NULL;
        t = table_va(e);
    }
    return &t[(v >> 12) & 511];
}

unsigned long gnttab_map_own(void *va)
{
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
    xen_pfn_t frame;

    st.frame_list.p = &frame;
    if (hc_grant_table_op(GNTTABOP_setup_table, &st, 1) || st.status != GNTST_okay)
        test_abort("setup_table failed (%d)", st.status);
    if (hc_update_va_mapping((unsigned long)va, ((uint64_t)frame << 12) | 0x67, UVMF_INVLPG))
        test_abort("cannot map the grant table");
    return frame;
}

uint64_t *table_va(uint64_t e)
{
    return (uint64_t *)(M2P[(e & 0x000ffffffffff000ULL) >> 12] << 12);
}

long pte_update(uint64_t *pte, uint64_t val)
{
    struct mmu_update u = { .ptr = (virt_to_mfn(pte) << 12) | ((unsigned long)pte & 0xfff),
                            .val = val };

    return hc_mmu_update(&u, 1, NULL, DOMID_SELF);
}

long mmuext(unsigned int cmd, uint64_t mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

long remap(void *va, uint64_t flags)
{
    return hc_update_va_mapping((unsigned long)va, (virt_to_mfn(va) << 12) | flags, UVMF_INVLPG);
}

void set_iopl(uint32_t l)
{
    struct physdev_set_iopl io = { .iopl = l };

    if (hc_physdev_op(PHYSDEVOP_set_iopl, &io))
        test_abort("set_iopl(%u) failed", l);
}

long try_out(void)
{
    ex_clear();
    __asm__ volatile("1: outb %%al, $0x80\n2:\n" EXTABLE("1b", "2b") :: "a"(0x11) : "memory");
    return ex_vec;
}

bool evtchn_test_and_clear(evtchn_port_t p)
{
    unsigned long bit = 1UL << (p % 64);

    return __atomic_fetch_and(&shared_info->evtchn_pending[p / 64], ~bit,
                              __ATOMIC_SEQ_CST) & bit;
}

/* Clearing pending_sel and upcall_pending before looking at the port closes
 * the race: an event arriving after the look sets them again, and block
 * then returns at once.  pending_sel must be cleared as Linux's upcall
 * handler does: the hypervisor (as Xen) raises upcall_pending only when it
 * sets a selector bit.  Block unmasks events; they are masked again. */
long evtchn_wait(evtchn_port_t p, unsigned long *blocks)
{
    for (;;) {
        __atomic_exchange_n(&vcpu0->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        vcpu0->evtchn_upcall_pending = 0;
        if (evtchn_test_and_clear(p))
            return 0;
        long rc = hc_sched_op(SCHEDOP_block, NULL);
        vcpu0->evtchn_upcall_mask = 1;
        if (rc)
            return rc;
        if (blocks)
            (*blocks)++;
    }
}

uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

/* pvclock: system_time extrapolated with the TSC, retried while the
 * hypervisor is updating (odd version) or updated underneath us. */
uint64_t guest_time_ns(void)
{
    volatile struct vcpu_time_info *t = &vcpu0->time;
    uint32_t v;
    uint64_t ns;

    do {
        v = t->version;
        barrier();
        ns = t->system_time + scale_delta(rdtsc() - t->tsc_timestamp, t->tsc_to_system_mul,
                                          t->tsc_shift);
        barrier();
    } while ((v & 1) || v != t->version);
    return ns;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

void random_seed(uint64_t s)
{
    rng_state = s ? s : 0x9e3779b97f4a7c15ULL;
}

uint64_t random64(void)
{
    uint64_t x = rng_state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static void setup(void)
{
    struct mmuext_op op;
    long rc;

    rc = hc_update_va_mapping((unsigned long)shinfo_page,
                              start_info->shared_info | 0x67, UVMF_INVLPG);
    if (rc)
        test_abort("mapping shared_info: %ld", rc);
    shared_info = (struct shared_info *)shinfo_page;
    vcpu0 = &shared_info->vcpu_info[0];
    boot_upcall_pending = vcpu0->evtchn_upcall_pending;
    boot_upcall_mask = vcpu0->evtchn_upcall_mask;

    install_trap_table();

    kernel_stack_top = (unsigned long)kernel_stack + sizeof(kernel_stack);
    rc = hc_stack_switch(FLAT_KERNEL_SS, kernel_stack_top);
    if (rc)
        test_abort("stack_switch: %ld", rc);

    op.cmd = MMUEXT_NEW_USER_BASEPTR;
    op.arg1.mfn = virt_to_mfn((void *)start_info->pt_base);
    rc = hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
    if (rc)
        test_abort("NEW_USER_BASEPTR: %ld", rc);

    /* Page 0 is part of the start-of-day mapping; drop it so NULL faults. */
    hc_update_va_mapping(0, 0, UVMF_INVLPG);
}

void __noreturn guest_start(struct start_info *si);
void guest_start(struct start_info *si)
{
    start_info = si;
    printk("--- guest test: %s\n", test_title);
    if (memcmp(si->magic, "xen-3.0-x86_64", 14)) {
        char m[15];

        memcpy(m, si->magic, 14);
        m[14] = '\0';
        test_abort("start_info magic is \"%s\"", m);
    }
    setup();
    test_main();
    finish();
}
