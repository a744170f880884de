/*
 * hypercall_paths.c — both hypercall entry paths: the hypercall page the
 * hypervisor filled in (stub n = push rcx/r11, mov $n,%eax, syscall, pop, ret;
 * RCX and R11 preserved) and a direct `syscall` with the number in RAX, plus
 * the iret hypercall through the page stub and through a direct syscall.
 */
#include "guest.h"

const char test_title[] = "hypercall page and direct syscall";

static volatile int nr_bp;

static bool on_bp(struct cpu_regs *r)
{
    nr_bp++;
    return true;
}

static void check_page(void)
{
    const uint8_t *page = (const uint8_t *)hypercall_page;
    unsigned int n, i;
    int bad = 0;

    for (n = 0; n < 128; n++) {
        const uint8_t *s = page + n * 32;
        bool found_mov = false, found_sys = false;

        for (i = 0; i + 5 <= 32; i++) {
            if (s[i] == 0xb8 && s[i + 1] == n && !s[i + 2] && !s[i + 3] && !s[i + 4])
                found_mov = true;
            if (found_mov && s[i] == 0x0f && s[i + 1] == 0x05)
                found_sys = true;
        }
        if (!found_mov || !found_sys) {
            if (bad++ < 4)
                test_fail("stub %u lacks mov $%u,%%eax; syscall "
                          "(%02x %02x %02x %02x %02x %02x)", n, n,
                          s[0], s[1], s[2], s[3], s[4], s[5]);
        }
    }
}

void test_main(void)
{
    long v_page, v_sys;
    unsigned long rcx = 0x1111222233334444UL, r11 = 0x5555666677778888UL;

    check_page();

    hc_use_syscall = 0;
    v_page = hc_xen_version(XENVER_version, NULL);
    hc_use_syscall = 1;
    v_sys = hc_xen_version(XENVER_version, NULL);
    hc_use_syscall = 0;
    printk("xen_version via page %#lx, via syscall %#lx\n", v_page, v_sys);
    if (v_page <= 0 || v_page != v_sys)
        test_fail("xen_version: page %ld, syscall %ld", v_page, v_sys);

    /* RCX and R11 survive a call through the page. */
    {
        register unsigned long c __asm__("rcx") = rcx;
        register unsigned long e __asm__("r11") = r11;
        register unsigned long a1 __asm__("rdi") = XENVER_version;
        register unsigned long a2 __asm__("rsi") = 0;
        long ret;

        __asm__ volatile("call hypercall_page + 17 * 32"
                         : "=a"(ret), "+r"(c), "+r"(e), "+r"(a1), "+r"(a2)
                         : : "rdx", "r8", "r9", "r10", "memory");
        if (c != rcx || e != r11)
            test_fail("page stub clobbered rcx/r11: %#lx %#lx", c, e);
        if (ret != v_page)
            test_fail("xen_version by hand: %ld", ret);
    }

    /* iret through the page stub, then through a direct syscall. */
    set_trap_handler(X86_EXC_BP, on_bp);
    iret_use_syscall = 0;
    __asm__ volatile("int3" ::: "memory");
    iret_use_syscall = 1;
    __asm__ volatile("int3" ::: "memory");
    iret_use_syscall = 0;
    if (nr_bp != 2)
        test_fail("int3 handled %d times, expected 2", nr_bp);

    /* A handful of calls through each path, interleaved. */
    for (int i = 0; i < 64; i++) {
        hc_use_syscall = i & 1;
        if (hc_xen_version(XENVER_version, NULL) != v_page)
            test_fail("xen_version call %d (%s) differs", i, i & 1 ? "syscall" : "page");
    }
    hc_use_syscall = 0;
}
