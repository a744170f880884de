/*
 * shutdown.h — ending the machine: halt, restart, and the test-harness exit
 * through QEMU's isa-debug-exit device.  Implemented by the arch side
 * (arch/x86/shutdown.c); called by panic() and later by domain shutdown of
 * dom0.
 *
 * Test verdicts: the hypervisor prints exactly one line
 * "Test result: SUCCESS|FAILURE|SKIP|ERROR", then writes the verdict's code
 * to I/O port 0xf4; QEMU (started with -device isa-debug-exit,iobase=0xf4,
 * iosize=0x04) exits with status (code << 1) | 1, which tests/lib/qemu-run.py
 * cross-checks against the line.  Without the device the write is ignored.
 */
#ifndef XEN_SHUTDOWN_H
#define XEN_SHUTDOWN_H

#include <xen/compiler.h>
#include <xen/types.h>

enum test_verdict {
    TEST_SUCCESS = 0,   /* QEMU exit status 1 */
    TEST_FAILURE = 1,   /* 3 */
    TEST_SKIP    = 2,   /* 5 */
    TEST_ERROR   = 3,   /* 7 */
};

/* Set by the "noreboot" option: a fatal error halts instead of rebooting. */
extern bool opt_noreboot;

/* Stop this CPU for good (interrupts off). */
void machine_halt(void) __noreturn;
/* Reset the machine after delay_ms (keyboard controller, then triple fault). */
void machine_restart(unsigned int delay_ms) __noreturn;
/* After a fatal error: halt if noreboot, else restart (Xen's 5 s delay). */
void machine_fatal_stop(void) __noreturn;

/* Print the verdict line and exit QEMU with its code; returns only if no
 * isa-debug-exit device is present. */
void test_verdict(enum test_verdict v);
const char *test_verdict_name(enum test_verdict v);

#endif
