/*
 * xen_defs.h — the PV ABI as the test guests see it: the shared public
 * headers (hypervisor/include/public/, checked against Xen 4.17's) plus the
 * few things they do not carry — errno values as Xen returns them and short
 * aliases the tests use.  Layout assertions at the end catch a header change
 * that would silently break a guest.
 */
#ifndef GUEST_XEN_DEFS_H
#define GUEST_XEN_DEFS_H

#include <stdint.h>
#include <stddef.h>
#include <public/xen.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/event_channel.h>
#include <public/callback.h>
#include <public/physdev.h>
#include <public/version.h>
#include <public/features.h>

/* Linux-style errno values, as Xen returns them (negated). */
#define XEN_EPERM    1
#define XEN_ENOENT   2
#define XEN_ESRCH    3
#define XEN_EINTR    4
#define XEN_ENXIO    6
#define XEN_EBADF    9
#define XEN_EAGAIN  11
#define XEN_ENOMEM  12
#define XEN_EACCES  13
#define XEN_EFAULT  14
#define XEN_EBUSY   16
#define XEN_EEXIST  17
#define XEN_EINVAL  22
#define XEN_ENODEV  19
#define XEN_ENOSPC  28
#define XEN_ERANGE  34
#define XEN_ENOSYS  38
#define XEN_ETIME   62
#define XEN_EOPNOTSUPP 95

/* Selector of the flat ring-3 data segment (the public header names only
 * its 32-bit and 64-bit forms). */
#define FLAT_RING3_DS FLAT_RING3_DS32

_Static_assert(sizeof(struct trap_info) == 16, "trap_info layout");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info layout");
_Static_assert(offsetof(struct vcpu_info, arch.cr2) == 16, "vcpu_info layout");
_Static_assert(offsetof(struct start_info, cmd_line) == 128, "start_info layout");
_Static_assert(offsetof(struct start_info, first_p2m_pfn) == 1152, "start_info layout");
_Static_assert(offsetof(struct shared_info, wc_version) == 3072, "shared_info layout");
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall layout");
_Static_assert(sizeof(struct cpu_user_regs) == 200, "cpu_user_regs layout");
_Static_assert(offsetof(struct vcpu_guest_context, trap_ctxt) == 720, "vcpu context layout");
_Static_assert(sizeof(struct vcpu_guest_context) == 5168, "vcpu context layout");
_Static_assert(sizeof(struct callback_register) == 16, "callback_register layout");
_Static_assert(sizeof(struct mmuext_op) == 24, "mmuext_op layout");
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll layout");

#endif
