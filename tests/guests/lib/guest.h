/*
 * guest.h — the API every test guest is written against.
 *
 * A test is one C file defining `const char test_title[]` and
 * `void test_main(void)`.  The runtime (runtime.c) has already installed a
 * trap table, the event/failsafe/syscall callbacks, a kernel stack for entries
 * from user mode and a user page table before test_main runs, and prints the
 * verdict line exactly once afterwards, then powers the domain off.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>
#include "xen_defs.h"
#include "hypercall.h"

#define PAGE_SIZE 4096UL
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define __aligned(a) __attribute__((aligned(a)))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define barrier() __asm__ volatile("" ::: "memory")
#define ACCESS_ONCE(x) (*(volatile __typeof__(x) *)&(x))

/* Exception vectors. */
#define X86_EXC_DE 0
#define X86_EXC_DB 1
#define X86_EXC_BP 3
#define X86_EXC_UD 6
#define X86_EXC_NM 7
#define X86_EXC_GP 13
#define X86_EXC_PF 14
/* Pseudo-vectors for callbacks entering through the common path. */
#define VEC_EVENT    256
#define VEC_FAILSAFE 257
#define VEC_SYSCALL  258

/* Saved by entry.asm; the order matches its pushes. */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Test definition. */
extern const char test_title[];
void test_main(void);

/* Console and verdict. */
void printk(const char *fmt, ...) __printf(1, 2);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
void test_fail(const char *fmt, ...) __printf(1, 2);   /* continue, fail at end */
bool test_failed(void);                                /* a failure or error so far? */
void test_skip(const char *fmt, ...) __printf(1, 2);   /* continue, skip at end */
void test_error(const char *fmt, ...) __printf(1, 2);  /* continue, error at end */
void __noreturn test_abort(const char *fmt, ...) __printf(1, 2); /* error now */
void __noreturn guest_shutdown(unsigned int reason);
/* Check a hypercall result against what it must be. */
#define CHECK_RC(what, got, want) do {                                      \
        long _g = (long)(got), _w = (long)(want);                           \
        if (_g != _w)                                                       \
            test_fail("%s: got %ld, expected %ld", (what), _g, _w);         \
    } while (0)

/* Start-of-day state. */
extern struct start_info *start_info;
extern struct shared_info *shared_info;
extern struct vcpu_info *vcpu0;
extern uint8_t boot_upcall_pending, boot_upcall_mask;   /* as the domain started */
unsigned long virt_to_mfn(const void *va);
uint64_t *l1_entry_of(const void *va);   /* NULL if not reachable */

/* This domain's grant table: one frame set up (GNTTABOP_setup_table) and
 * mapped writable at va (page-aligned); its frame number.  Aborts the test
 * with ERROR if either step is refused. */
unsigned long gnttab_map_own(void *va);

/* Page-table helpers for tests that build their own tables: the table an
 * entry names (through the M2P: tables are mapped at their pseudo-physical
 * address, virtual base 0), one mmu_update of an entry, one mmuext op on a
 * frame, this page's own mapping rewritten with new flags. */
uint64_t *table_va(uint64_t entry);
long pte_update(uint64_t *pte, uint64_t val);
long mmuext(unsigned int cmd, uint64_t mfn);
long remap(void *va, uint64_t flags);

/* Port I/O: PHYSDEVOP_set_iopl (aborts the test if refused), and an
 * `outb` to port 0x80 that may fault: -1, or the vector it raised. */
void set_iopl(uint32_t iopl);
long try_out(void);

/* Event channels, polled through shared_info (events stay masked). */
bool evtchn_test_and_clear(evtchn_port_t p);     /* was port p pending? */
/* Block until port p is pending, and clear it: 0, or the block hypercall's
 * error.  *blocks (if not NULL) counts the blocks. */
long evtchn_wait(evtchn_port_t p, unsigned long *blocks);

/* Traps: an optional per-vector handler; returning false means "not
 * handled", which ends the test with ERROR. */
typedef bool (*trap_handler_t)(struct cpu_regs *regs);
void set_trap_handler(unsigned int vec, trap_handler_t fn);
extern volatile unsigned long nr_events, nr_failsafe;
extern uint64_t failsafe_segs[4];
extern uint8_t iret_use_syscall;
void install_trap_table(void);
extern struct trap_info trap_table[];

/*
 * Expected faults: an instruction labelled with EXTABLE() may fault; the
 * trap code then resumes at the fixup label and records the fault in ex_*.
 * ex_clear() before, check ex_vec after (-1: no fault).
 */
#define EXTABLE(fault, fixup)                                   \
    ".pushsection .extable, \"a\"\n .balign 8\n"                \
    " .quad " fault ", " fixup "\n .popsection\n"
extern volatile long ex_vec;
extern volatile uint64_t ex_ec, ex_cr2, ex_rip;
static inline void ex_clear(void) { ex_vec = -1; ex_ec = ~0ULL; ex_cr2 = 0; ex_rip = 0; }

/* User mode: run fn at CPL 3 in user mode on the user stack.  Returns how
 * it came back: VEC_SYSCALL, or the vector of an exception raised in user
 * mode; user_exit holds the registers at that point. */
long exec_user(void (*fn)(void));
extern struct cpu_regs user_exit;
extern uint64_t exec_user_rflags;      /* RFLAGS it enters with (0x202) */
extern struct cpu_regs *last_frame;   /* where the last trap frame was */
extern char event_entry[], failsafe_entry[], syscall_entry[];
extern unsigned long kernel_stack_top;

/* Start vCPU id (VCPUOP_initialise + VCPUOP_up) at entry, in kernel mode on
 * the stack sp, with this guest's page tables, trap table and callbacks and
 * arg in RDI.  ctx is the caller's (a context is too big for a small stack). */
long start_secondary_vcpu(unsigned int id, struct vcpu_guest_context *ctx, void *entry,
                          unsigned long sp, unsigned long arg);

/* Misc. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strstr(const char *h, const char *n);
uint64_t rdtsc(void);
uint64_t guest_time_ns(void);   /* pvclock system time, ns */
uint64_t random64(void);   /* xorshift, seeded from the TSC */
void random_seed(uint64_t s);

#endif
