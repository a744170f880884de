/*
 * public/callback.h — HYPERVISOR_callback_op(cmd, arg): where a PV kernel
 * wants to be entered for events, failsafe returns, system calls and NMIs.
 */
#ifndef PUBLIC_CALLBACK_H
#define PUBLIC_CALLBACK_H

#include "xen.h"

#define CALLBACKTYPE_event               0  /* event upcall */
#define CALLBACKTYPE_failsafe            1  /* segment reload / iret failed */
#define CALLBACKTYPE_syscall             2  /* 64-bit syscall from user mode */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi                 4
#define CALLBACKTYPE_sysenter            5  /* 32-bit sysenter from user mode */
#define CALLBACKTYPE_syscall32           7  /* 32-bit syscall from user mode */

/* Enter the callback with events masked. */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register   0
#define CALLBACKOP_unregister 1

#ifndef __ASSEMBLY__

struct callback_register {
    uint16_t type;              /* CALLBACKTYPE_* */
    uint16_t flags;             /* CALLBACKF_* */
    xen_callback_t address;
};
typedef struct callback_register callback_register_t;
DEFINE_XEN_GUEST_HANDLE(callback_register_t);

struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;
DEFINE_XEN_GUEST_HANDLE(callback_unregister_t);

#endif /* !__ASSEMBLY__ */

#endif /* PUBLIC_CALLBACK_H */
