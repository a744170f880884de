/*
 * harness.h — what the real hypervisor sources expect from the arch side,
 * provided on the host for the unit tests: printk into a capture buffer,
 * panic/BUG caught with longjmp (or failing the test), a fake direct map
 * over a malloc'ed "RAM" buffer with its frame table, a settable NOW(), and
 * a recording arch_timer_reprogram().
 *
 * Each Criterion test runs in its own process, so the hypervisor's static
 * state (free lists, timer queue) starts fresh in every test.
 */
#ifndef TESTS_HV_HARNESS_H
#define TESTS_HV_HARNESS_H

#include <setjmp.h>
#include <stdbool.h>
#include <xen/types.h>

/* ---- printk capture ---- */
extern char harness_log[65536];
extern size_t harness_log_len;
void harness_log_clear(void);
bool harness_log_contains(const char *needle);
/* Echo printk output to stderr too (debugging a test). */
extern bool harness_log_echo;

/* ---- panic / BUG ---- */
extern jmp_buf harness_panic_jmp;
extern volatile bool harness_panic_armed;
extern char harness_panic_msg[1024];
extern volatile int harness_panic_count;

/*
 * Run stmt and require that it panics (BUG, BUG_ON, ASSERT, panic): the
 * panic longjmps back here.  Without EXPECT_PANIC a panic fails the test.
 */
#define EXPECT_PANIC(stmt) do { \
        harness_panic_armed = true; \
        if (setjmp(harness_panic_jmp) == 0) { \
            stmt; \
            harness_panic_armed = false; \
            cr_assert_fail("expected a panic from: %s", #stmt); \
        } \
        harness_panic_armed = false; \
    } while (0)

/* ---- fake RAM / direct map ---- */
/*
 * Machine frames [0, base_mfn + nr) get frame-table entries (max_page);
 * only [base_mfn, base_mfn + nr) have backing memory.  Nothing is given to
 * the heap: tests call heap_init_pages() themselves.
 */
void harness_ram_init(mfn_t base_mfn, unsigned long nr);
extern unsigned char *harness_ram;
extern mfn_t harness_ram_base;
extern unsigned long harness_ram_pages;
/* Give all fake RAM to the heap. */
void harness_heap_all(void);

/* ---- time ---- */
extern s_time_t harness_now;

/* ---- arch_timer_reprogram recording ---- */
#define HARNESS_MAX_REPROG 4096
extern s_time_t harness_reprog[HARNESS_MAX_REPROG];
extern unsigned int harness_nr_reprog;

#endif
