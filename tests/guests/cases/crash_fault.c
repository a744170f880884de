/*
 * crash_fault.c — a fault with no trap-table entry to deliver it to: the
 * hypervisor must crash the domain (and report it) rather than loop or hang.
 */
#include "guest.h"

const char test_title[] = "crash via an undeliverable fault";

void test_main(void)
{
    printk("crash_fault: clearing the trap table, then ud2\n");
    hc_set_trap_table(NULL);
    __asm__ volatile("ud2");
    printk("crash_fault: still alive after an undeliverable #UD\n");
}
