/*
 * xsa_db.c — #DB aimed at the hypervisor (XSA-260 / XSA-265 class).
 *
 * A `mov ss` that reads a word watched by a data breakpoint defers the #DB
 * past the next instruction.  When that instruction is `syscall` or
 * `int $n`, hardware delivers the #DB on the hypervisor's first entry
 * instruction at CPL 0: with SYSCALL still on the guest's RSP, so a
 * hypervisor without an IST stack for #DB pushes its exception frame
 * wherever the guest pointed RSP.  The fixed Xen takes #DB on an IST stack,
 * drops a #DB taken in its own context and resumes the entry.  Under QEMU's
 * TCG the #DB arrives in the guest right after the `mov ss` instead (TCG
 * does not defer data breakpoints), so each pattern accepts either outcome
 * and checks what must hold for both: the hypercall or software interrupt
 * completes with its normal answer, at most one #DB reaches the guest and,
 * if one does, it is at the instruction after the `mov ss` with B0 set in
 * DR6.
 *
 * The parts TCG does exercise in hypervisor context: data breakpoints on
 * guest memory the hypervisor itself touches — a hypercall's input and
 * output buffers, and the stack slot where the hypervisor writes an
 * exception's bounce frame.  Both hypervisors ignore such a #DB (Xen:
 * "Hit #DB in Xen context"): the copy completes, the guest gets no #DB.
 */
#include "guest.h"

const char test_title[] = "#DB from mov ss / data breakpoints in hypervisor context (XSA-260)";

#define DR7_L0          0x1UL
#define DR7_RW0(x)      ((unsigned long)(x) << 16)     /* 1 write, 3 read/write */
#define DR7_LEN0(x)     ((unsigned long)(x) << 18)     /* 1: 2 bytes, 3: 8 bytes */

static volatile unsigned int db_hits, int80_hits, int3_hits;
static volatile unsigned long db_rip, db_dr6;
static volatile uint16_t ss_word;
static char buf[64] __aligned(64);

static bool on_db(struct cpu_regs *r)
{
    db_hits++;
    db_rip = r->rip;
    db_dr6 = (unsigned long)hc_get_debugreg(6);
    hc_set_debugreg(6, 0);
    return true;
}

static bool on_int80(struct cpu_regs *r)
{
    (void)r;
    int80_hits++;
    return true;
}

static bool on_int3(struct cpu_regs *r)
{
    (void)r;
    int3_hits++;
    return true;
}

static void arm(unsigned long addr, unsigned long dr7)
{
    CHECK_RC("set_debugreg(0)", hc_set_debugreg(0, addr), 0);
    CHECK_RC("set_debugreg(7)", hc_set_debugreg(7, dr7), 0);
}

static void disarm(void)
{
    CHECK_RC("set_debugreg(7, 0)", hc_set_debugreg(7, 0), 0);
    CHECK_RC("set_debugreg(6, 0)", hc_set_debugreg(6, 0), 0);
}

/* At most one #DB, and only at the instruction after the `mov ss`. */
static void check_db(const char *what, unsigned long after_mov_ss)
{
    printk("%s: %u #DB delivered to the guest (rip %#lx, dr6 %#lx)\n", what, db_hits,
           db_rip, db_dr6);
    if (db_hits > 1)
        test_fail("%s: %u #DB, expected at most one", what, db_hits);
    else if (db_hits == 1 && db_rip != after_mov_ss)
        test_fail("%s: #DB at rip %#lx, expected %#lx (after the mov ss)", what, db_rip,
                  after_mov_ss);
    else if (db_hits == 1 && !(db_dr6 & 1))
        test_fail("%s: #DB with DR6 %#lx lacks B0", what, db_dr6);
}

extern char mss_syscall[], mss_int80[];

/* `mov ss` from the watched word, then a hypercall by a direct `syscall`
 * (xen_version(XENVER_version)); returns RAX. */
static __attribute__((noinline)) long mov_ss_syscall(void)
{
    long rax = __HYPERVISOR_xen_version;

    __asm__ volatile("movw %[ss], %%ss\n"
                     ".globl mss_syscall\nmss_syscall: syscall\n"
                     : "+a"(rax) : "D"(0UL), "S"(0UL), [ss] "m"(ss_word)
                     : "rcx", "r11", "memory");
    return rax;
}

static __attribute__((noinline)) void mov_ss_int80(void)
{
    __asm__ volatile("movw %[ss], %%ss\n"
                     ".globl mss_int80\nmss_int80: int $0x80\n"
                     :: [ss] "m"(ss_word) : "memory");
}

void test_main(void)
{
    unsigned long sp, slot, seen;
    long version = hc_xen_version(XENVER_version, NULL), rc;
    uint16_t ss;

    set_trap_handler(X86_EXC_DB, on_db);
    set_trap_handler(0x80, on_int80);
    set_trap_handler(X86_EXC_BP, on_int3);
    __asm__ volatile("mov %%ss, %0" : "=r"(ss));
    ss_word = ss;

    /* 1. mov ss (read of a watched word) + syscall. */
    db_hits = 0;
    arm((unsigned long)&ss_word, DR7_L0 | DR7_RW0(3) | DR7_LEN0(1));
    rc = mov_ss_syscall();
    disarm();
    if (rc != version)
        test_fail("mov ss + syscall: xen_version %#lx, expected %#lx", rc, version);
    check_db("mov ss + syscall", (unsigned long)mss_syscall);
    printk("XSA-260: syscall done\n");

    /* 2. mov ss + int $0x80 (a DPL-3 trap-table entry). */
    db_hits = 0;
    int80_hits = 0;
    arm((unsigned long)&ss_word, DR7_L0 | DR7_RW0(3) | DR7_LEN0(1));
    mov_ss_int80();
    disarm();
    if (int80_hits != 1)
        test_fail("mov ss + int $0x80: handler ran %u times, expected once", int80_hits);
    check_db("mov ss + int $0x80", (unsigned long)mss_int80);
    printk("XSA-260: int $0x80 done\n");

    /* 3. The hypervisor reads a watched hypercall input buffer. */
    memcpy(buf, "xsa_db: a watched console buffer\n", 33);
    db_hits = 0;
    arm((unsigned long)buf, DR7_L0 | DR7_RW0(3) | DR7_LEN0(3));
    rc = hc_console_io(CONSOLEIO_write, 33, buf);
    disarm();
    CHECK_RC("console write from a watched buffer", rc, 0);
    if (db_hits)
        test_fail("watched input buffer: %u #DB reached the guest, expected none", db_hits);

    /* 4. The hypervisor writes a watched hypercall output buffer. */
    memset(buf, 0x5a, sizeof(buf));
    db_hits = 0;
    arm((unsigned long)buf, DR7_L0 | DR7_RW0(1) | DR7_LEN0(3));
    rc = hc_xen_version(XENVER_extraversion, buf);
    disarm();
    CHECK_RC("extraversion into a watched buffer", rc, 0);
    if (buf[0] != '.' || buf[15] != 0)
        test_fail("extraversion into a watched buffer: \"%.16s\" not written", buf);
    if (db_hits)
        test_fail("watched output buffer: %u #DB reached the guest, expected none", db_hits);

    /* 5. The hypervisor writes an exception's bounce frame over a watched
     * slot: SS, the frame's top word (RSP aligned down to 16), which only
     * the hypervisor writes (the guest's entry code pushes below RIP).  DR7
     * is armed and disarmed by direct `syscall`s, which write nothing on the
     * guest stack (a `call` would push its return address into the slot). */
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    slot = (sp & ~15UL) - 8;
    *(volatile uint64_t *)slot = 0;
    db_hits = 0;
    int3_hits = 0;
    CHECK_RC("set_debugreg(0, slot)", hc_set_debugreg(0, slot), 0);
    {
        long rax = __HYPERVISOR_set_debugreg, armed;
        uint64_t *sl = (uint64_t *)slot;
        unsigned long di = 7, si = DR7_L0 | DR7_RW0(1) | DR7_LEN0(3);

        __asm__ volatile("syscall\n"
                         "mov %%rax, %[armed]\n"
                         "int3\n"
                         "mov (%[sl]), %[seen]\n"
                         "mov %[nr], %%eax\n"
                         "mov $7, %%edi\n"
                         "xor %%esi, %%esi\n"
                         "syscall\n"
                         : "+a"(rax), [armed] "=&r"(armed), "+D"(di), "+S"(si),
                           [seen] "=&r"(seen)
                         : [sl] "r"(sl), [nr] "i"(__HYPERVISOR_set_debugreg)
                         : "rcx", "r11", "memory");
        CHECK_RC("set_debugreg(7) by syscall", armed, 0);
        CHECK_RC("set_debugreg(7, 0) by syscall", rax, 0);
    }
    disarm();
    printk("bounce frame over a watched slot: int3 %u, #DB %u, slot %#lx = %#lx\n", int3_hits,
           db_hits, slot, seen);
    if (int3_hits != 1)
        test_fail("bounce frame over a watched slot: int3 handler ran %u times", int3_hits);
    if ((seen & 0xffff) != ss)
        test_fail("bounce frame: slot %#lx held %#lx after the int3, not SS %#x", slot, seen,
                  ss);
    if (db_hits)
        test_fail("bounce frame over a watched slot: %u #DB reached the guest", db_hits);
    printk("XSA-260: hypervisor-context #DB done\n");
}
