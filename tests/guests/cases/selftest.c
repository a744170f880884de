/*
 * selftest.c — the guest runtime checks itself: vsnprintf conversions (the
 * '#' flag once printed "%#lx" literally — regression), string helpers, the
 * expected-fault table (fault recorded, execution resumes at the fixup; no
 * fault leaves ex_vec at -1), the start state (events masked), a handled trap resuming after the instruction,
 * and virt_to_mfn / l1_entry_of agreeing with each other.
 */
#include "guest.h"

const char test_title[] = "guest runtime self-test";

static void fmt(const char *want, const char *f, ...) __printf(2, 3);
static void fmt(const char *want, const char *f, ...)
{
    char buf[64];
    va_list ap;

    va_start(ap, f);
    vsnprintf(buf, sizeof(buf), f, ap);
    va_end(ap);
    if (strcmp(buf, want))
        test_fail("format \"%s\": got \"%s\", expected \"%s\"", f, buf, want);
}

static volatile int bp_hits;

static bool on_bp(struct cpu_regs *r)
{
    bp_hits++;
    return true;
}

void test_main(void)
{
    char small[6];
    uint64_t *pte;
    int n;

    fmt("0x1f", "%#lx", 0x1fUL);
    fmt("0x00ff", "%#06x", 0xffu);
    fmt("-42", "%d", -42);
    fmt("   42", "%5d", 42);
    fmt("00042", "%05d", 42);
    fmt("ab   |", "%-5s|", "ab");
    fmt("18446744073709551615", "%lu", ~0UL);
    fmt("-9223372036854775808", "%ld", (long)(1UL << 63));
    fmt("DEADBEEF", "%X", 0xdeadbeefu);
    fmt("x%y", "%c%%%c", 'x', 'y');
    fmt("0x1000", "%p", (void *)0x1000);
    {
        const char *volatile nullp = NULL;   /* hidden from gcc's format check */
        fmt("(null)", "%s", nullp);
    }
    n = snprintf(small, sizeof(small), "%s", "truncated");
    if (n != 9 || strcmp(small, "trunc"))
        test_fail("snprintf truncation: %d \"%s\"", n, small);

    if (!strstr("xen-3.0-x86_64 hvm", "x86_64") || strstr("abc", "abd") || strcmp("a", "b") >= 0)
        test_fail("string helpers");

    ex_clear();
    __asm__ volatile("1: ud2\n2:\n" EXTABLE("1b", "2b") ::: "memory");
    if (ex_vec != X86_EXC_UD || ex_rip == 0)
        test_fail("extable: vector %ld rip %#lx", ex_vec, (unsigned long)ex_rip);
    ex_clear();
    __asm__ volatile("1: nop\n2:\n" EXTABLE("1b", "2b") ::: "memory");
    if (ex_vec != -1)
        test_fail("extable without a fault recorded vector %ld", ex_vec);

    set_trap_handler(X86_EXC_BP, on_bp);
    __asm__ volatile("int3\n int3" ::: "memory");
    if (bp_hits != 2)
        test_fail("int3 handler ran %d times, expected 2", bp_hits);

    /* Every PV vCPU starts with events masked. */
    printk("at start: upcall_pending %u upcall_mask %u\n", boot_upcall_pending, boot_upcall_mask);
    if (boot_upcall_mask != 1)
        test_fail("the domain started with upcall_mask %u, expected 1", boot_upcall_mask);

    pte = l1_entry_of(test_title);
    if (!pte || ((*pte >> 12) & 0xffffffffffULL) != virt_to_mfn(test_title))
        test_fail("l1_entry_of/virt_to_mfn disagree: pte %#lx mfn %#lx",
                  pte ? (unsigned long)*pte : 0UL, virt_to_mfn(test_title));
}
