/*
 * mov_dr.c — a PV kernel's `mov` to and from %dr0-%dr7 is emulated with
 * set_debugreg/get_debugreg's rules: the start-of-day DR6/DR7 values,
 * DR0-DR3 refuse hypervisor addresses (#GP(0)), DR6/DR7 reserved bits are
 * forced, DR7.GD and I/O breakpoints are refused (#GP(0)), bits 32-63 of
 * DR6/DR7, DR4/DR5 as aliases of DR6/DR7 (CR4.DE is clear), %dr8 (REX.R)
 * is #UD, user mode gets #GP; a breakpoint armed by `mov` fires.
 */
#include "guest.h"

const char test_title[] = "mov to/from debug registers";

/* One emulated read or write, with the exception it raised (-1: none). */
#define DR_READ(n, out) ({                                                 \
        unsigned long _v = 0x5a5a5a5aUL;                                   \
        ex_clear();                                                        \
        __asm__ volatile("1: mov %%db" #n ", %0\n2:\n" EXTABLE("1b", "2b") \
                         : "+r"(_v) :: "memory");                          \
        *(out) = _v;                                                       \
        ex_vec;                                                            \
    })
#define DR_WRITE(n, val) ({                                                \
        unsigned long _v = (val);                                          \
        ex_clear();                                                        \
        __asm__ volatile("1: mov %0, %%db" #n "\n2:\n" EXTABLE("1b", "2b") \
                         :: "r"(_v) : "memory");                           \
        ex_vec;                                                            \
    })

#define CHECK_READ(what, n, want) do {                                     \
        unsigned long _r;                                                  \
        long _vec = DR_READ(n, &_r);                                       \
        expect_read((what), _vec, _r, (want));                             \
    } while (0)

static void expect_fault(const char *what, long vec, long want_vec)
{
    if (vec != want_vec)
        test_fail("%s: vector %ld (ec %#lx), expected %ld", what, vec,
                  (unsigned long)ex_ec, want_vec);
    else if (want_vec == X86_EXC_GP && ex_ec != 0)
        test_fail("%s: #GP error code %#lx, expected 0", what, (unsigned long)ex_ec);
}

static void expect_read(const char *what, long vec, unsigned long got, unsigned long want)
{
    if (vec != -1)
        test_fail("%s: vector %ld", what, vec);
    else if (got != want)
        test_fail("%s: %#lx, expected %#lx", what, got, want);
}

extern char bp_here[];
static volatile int db_hits;
static volatile unsigned long db_dr6;

static bool on_db(struct cpu_regs *r)
{
    unsigned long v;

    db_hits++;
    DR_READ(6, &v);
    db_dr6 = v;
    r->rflags |= 0x10000UL;                 /* RF: don't re-trigger */
    return true;
}

extern void user_read_dr7(void);
__asm__(".pushsection .text\nuser_read_dr7: mov %db7, %rax\n"
        " mov $0x33, %eax\n syscall\n ud2\n.popsection\n");

void test_main(void)
{
    long vec;

    /* The debug state a vCPU starts with. */
    CHECK_READ("initial DR6", 6, 0xffff0ff0);
    CHECK_READ("initial DR7", 7, 0x400);
    CHECK_RC("initial get_debugreg(6)", hc_get_debugreg(6), 0xffff0ff0);
    CHECK_RC("initial get_debugreg(7)", hc_get_debugreg(7), 0x400);
    CHECK_READ("initial DR0", 0, 0);

    /* DR0-DR3: guest addresses only. */
    expect_fault("mov to DR1 (guest address)", DR_WRITE(1, 0x7fff0000UL), -1);
    CHECK_READ("DR1 read back", 1, 0x7fff0000UL);
    CHECK_RC("get_debugreg(1) after mov", hc_get_debugreg(1), 0x7fff0000L);
    CHECK_RC("set_debugreg(2)", hc_set_debugreg(2, 0x1234000), 0);
    CHECK_READ("DR2 set by hypercall", 2, 0x1234000);
    expect_fault("mov to DR3 (hypervisor address)", DR_WRITE(3, 0xffff82d080000000UL), X86_EXC_GP);
    expect_fault("mov to DR3 (non-canonical)", DR_WRITE(3, 0x0000800000000000UL), X86_EXC_GP);
    CHECK_READ("DR3 unchanged", 3, 0);

    /* DR6: reserved bits forced; B0-B3/BS kept. */
    expect_fault("mov 0 to DR6", DR_WRITE(6, 0), -1);
    CHECK_READ("DR6 after 0", 6, 0xffff0ff0);
    expect_fault("mov 0x100f to DR6", DR_WRITE(6, 0x100f), -1);
    CHECK_READ("DR6 bit 12 forced to 0", 6, 0xffff0fff);
    vec = DR_WRITE(6, 1UL << 32);
    printk("mov 1<<32 to DR6: vector %ld\n", vec);
    expect_fault("mov 1<<32 to DR6", vec, X86_EXC_GP);
    CHECK_RC("set_debugreg(6, 1<<32)", hc_set_debugreg(6, 1UL << 32), -XEN_EINVAL);
    DR_WRITE(6, 0);

    /* DR7. */
    expect_fault("mov 0xd800 to DR7", DR_WRITE(7, 0xd800), -1);
    CHECK_READ("DR7 bits 11,12,14,15 forced to 0", 7, 0x400);
    expect_fault("mov GD to DR7", DR_WRITE(7, 0x2000), X86_EXC_GP);
    CHECK_RC("set_debugreg(7, GD)", hc_set_debugreg(7, 0x2000), -XEN_EPERM);
    vec = DR_WRITE(7, 1UL << 32);
    printk("mov 1<<32 to DR7: vector %ld\n", vec);
    expect_fault("mov 1<<32 to DR7", vec, X86_EXC_GP);
    expect_fault("mov I/O breakpoint to DR7", DR_WRITE(7, 0x20001), X86_EXC_GP);
    CHECK_RC("set_debugreg(7, I/O breakpoint)", hc_set_debugreg(7, 0x20001), -XEN_EPERM);
    CHECK_READ("DR7 unchanged by refused writes", 7, 0x400);

    /* DR4/DR5 alias DR6/DR7 (CR4.DE clear). */
    DR_WRITE(6, 0x1);
    CHECK_READ("DR4 reads DR6", 4, 0xffff0ff1);
    expect_fault("mov to DR5 (= DR7)", DR_WRITE(5, 0x0), -1);
    CHECK_READ("DR5 reads DR7", 5, 0x400);
    CHECK_RC("get_debugreg(4)", hc_get_debugreg(4), 0xffff0ff1);
    CHECK_RC("set_debugreg(4, 0)", hc_set_debugreg(4, 0), 0);
    CHECK_READ("DR6 after set_debugreg(4, 0)", 6, 0xffff0ff0);

    /* %dr8 does not exist: #UD. */
    ex_clear();
    __asm__ volatile("1: .byte 0x44, 0x0f, 0x21, 0xc0\n2:\n" EXTABLE("1b", "2b")
                     ::: "rax", "memory");
    expect_fault("mov %dr8, %rax", ex_vec, X86_EXC_UD);

    /* From user mode: #GP. */
    vec = exec_user(user_read_dr7);
    if (vec != X86_EXC_GP)
        test_fail("user mov %%dr7: came back as %ld, expected #GP", vec);

    /* An execution breakpoint armed with mov fires. */
    set_trap_handler(X86_EXC_DB, on_db);
    DR_WRITE(0, (unsigned long)bp_here);
    DR_WRITE(7, 0x1);
    __asm__ volatile("call bp_here\n jmp 1f\nbp_here: ret\n1:" ::: "memory");
    DR_WRITE(7, 0);
    printk("breakpoint via mov: %d #DB, DR6 %#lx\n", db_hits, db_dr6);
    if (db_hits != 1 || (db_dr6 & 0xf) != 1)
        test_fail("breakpoint via mov: %d #DB, DR6 %#lx (expected one, B0)", db_hits, db_dr6);
    DR_WRITE(6, 0);
    DR_WRITE(0, 0);
    DR_WRITE(1, 0);
    DR_WRITE(2, 0);
}
