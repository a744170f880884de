/*
 * irqflags.h — interrupt masking for generic code, over arch hooks
 * (arch/x86/setup.c implements them with pushf/cli/popf).  Single CPU for
 * now, so masking interrupts is all the mutual exclusion there is.
 */
#ifndef XEN_IRQFLAGS_H
#define XEN_IRQFLAGS_H

#include <xen/types.h>

unsigned long arch_local_irq_save(void);
void arch_local_irq_restore(unsigned long flags);

#define local_irq_save_generic(f)    ((f) = arch_local_irq_save())
#define local_irq_restore_generic(f) arch_local_irq_restore(f)

#endif
