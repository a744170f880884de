/*
 * hypercall.h — prototypes of every hypercall handler named in
 * hypercall-defs.h that is not declared by its subsystem's header.
 */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include <xen/types.h>
#include <public/xen.h>
#include <public/memory.h>
#include <public/grant_table.h>

long do_set_trap_table(XEN_GUEST_HANDLE_PARAM(trap_info_t) traps);
long do_set_gdt(XEN_GUEST_HANDLE_PARAM(xen_ulong_t) frame_list, unsigned int entries);
long do_stack_switch(unsigned long ss, unsigned long esp);
long do_set_callbacks(unsigned long event, unsigned long failsafe, unsigned long syscall);
long do_fpu_taskswitch(int set);
long do_set_debugreg(int reg, unsigned long value);
long do_get_debugreg(int reg);
long do_update_descriptor(uint64_t maddr, uint64_t desc);
long do_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_t) calls, unsigned int nr);
long do_xen_version(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_console_io(unsigned int cmd, unsigned int count, XEN_GUEST_HANDLE_PARAM(char) buffer);
long do_vm_assist(unsigned int cmd, unsigned int type);
long do_set_segment_base(unsigned int which, unsigned long base);
long do_callback_op(int cmd, XEN_GUEST_HANDLE_PARAM(const_void) arg);
long do_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_xenpmu_op(void);
/* arch/x86/pv/mca.c: HYPERVISOR_mca (arch_0) for a PV dom0. */
long do_mca(XEN_GUEST_HANDLE_PARAM(void) u_mc);
long do_ni_hypercall(void);

/* Statistics (pv/hypercall.c): count one call; print the table and the
 * performance counters (common/perfc.c), each under its own option. */
void hypercall_count(unsigned long nr, unsigned long a1);
void hypercall_stats_dump(void);
void hypercall_stats_reset(void);    /* debug key 'P' */

/* dom0's console input (arch): up to n bytes, the number copied. */
size_t arch_console_read(char *buf, size_t n);

/* Run one hypercall by number with register arguments (multicall too). */
long hypercall_dispatch(unsigned long nr, unsigned long a1, unsigned long a2,
                        unsigned long a3, unsigned long a4, unsigned long a5,
                        unsigned long a6);

#endif
