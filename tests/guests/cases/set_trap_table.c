/*
 * set_trap_table.c — the trap table hypercall: a bad table pointer gives
 * -EFAULT, a NULL table clears every entry (0), re-installing works and the
 * new entry is what the next exception is bounced to; entries are copied at
 * call time (changing the guest's array afterwards changes nothing).
 */
#include "guest.h"

const char test_title[] = "set_trap_table";

static volatile int hits_a, hits_b;

static bool on_ud_a(struct cpu_regs *r) { hits_a++; r->rip += 2; return true; }

extern char alt_ud_entry[];
/* A second #UD entry, distinct from the runtime's, that counts hits in
 * hits_b then continues through the normal path with vector 6. */
__asm__(".pushsection .text\n"
        "alt_ud_entry:\n"
        "  lock incl hits_b(%rip)\n"
        "  jmp *trap_entries + 6 * 8(%rip)\n"
        ".popsection\n");

void test_main(void)
{
    struct trap_info alt[2];
    long rc;

    set_trap_handler(X86_EXC_UD, on_ud_a);

    rc = hc_set_trap_table((const struct trap_info *)0x10);
    CHECK_RC("set_trap_table(unmapped)", rc, -XEN_EFAULT);
    rc = hc_set_trap_table((const struct trap_info *)0xffff830000000000UL);
    CHECK_RC("set_trap_table(hypervisor address)", rc, -XEN_EFAULT);

    /* The table was left alone by the failures: #UD reaches handler A. */
    __asm__ volatile("ud2" ::: "memory");
    if (hits_a != 1)
        test_fail("#UD after failed set_trap_table: %d hits", hits_a);

    /* Redirect #UD only: other entries keep their values. */
    memset(alt, 0, sizeof(alt));
    alt[0].vector = X86_EXC_UD;
    alt[0].cs = FLAT_KERNEL_CS;
    alt[0].address = (unsigned long)alt_ud_entry;
    rc = hc_set_trap_table(alt);
    CHECK_RC("set_trap_table(#UD only)", rc, 0);
    alt[0].address = 0x1234;   /* copied at call time: must not matter */
    __asm__ volatile("ud2" ::: "memory");
    if (hits_b != 1 || hits_a != 2)
        test_fail("#UD via new entry: alt %d, handler %d", hits_b, hits_a);

    /* A NULL table clears everything; then put ours back. */
    rc = hc_set_trap_table(NULL);
    CHECK_RC("set_trap_table(NULL)", rc, 0);
    install_trap_table();
    __asm__ volatile("ud2" ::: "memory");
    if (hits_b != 1 || hits_a != 3)
        test_fail("#UD after reinstall: alt %d, handler %d", hits_b, hits_a);
}
