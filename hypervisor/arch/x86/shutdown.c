/*
 * shutdown.c — halting, restarting, and the QEMU test exit (isa-debug-exit
 * on port 0xf4; see xen/shutdown.h for the verdict protocol).
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/shutdown.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/time.h>

#define DEBUG_EXIT_PORT 0xf4

const char *test_verdict_name(enum test_verdict v)
{
    switch (v) {
    case TEST_SUCCESS: return "SUCCESS";
    case TEST_FAILURE: return "FAILURE";
    case TEST_SKIP: return "SKIP";
    default: return "ERROR";
    }
}

void test_verdict(enum test_verdict v)
{
    char line[40];

    /* The verdict is for the test harness: never hidden by loglvl=. */
    snprintf(line, sizeof(line), "Test result: %s\n", test_verdict_name(v));
    console_puts(line);
    outl(DEBUG_EXIT_PORT, (uint32_t)v);
}

void machine_halt(void)
{
    for (;;) {
        local_irq_disable();
        halt();
    }
}

void machine_restart(unsigned int delay_ms)
{
    struct desc_ptr no_idt = { 0, 0 };
    unsigned int i;

    local_irq_disable();
    if (tsc_hz)
        udelay(delay_ms * 1000UL);
    /* Keyboard controller reset pulse, then a triple fault as a fallback. */
    for (i = 0; i < 100 && (inb(0x64) & 0x02); i++)
        udelay(10);
    outb(0x64, 0xfe);
    udelay(100000);
    __asm__ volatile("lidt %0; int3" :: "m"(no_idt));
    machine_halt();
}

void machine_fatal_stop(void)
{
    /* A self-test run must end with a verdict, never a hang. */
    selftest_fatal_hook(FATAL_PANIC);   /* a no-op after fatal_trap's call */
    if (opt_noreboot) {
        printk("Manual reset required ('noreboot' specified)\n");
        machine_halt();
    }
    printk("Reboot in five seconds...\n");
    machine_restart(5000);
}
