/*
 * pv/debugreg_check.c — Xen's rules for a PV guest's debug registers, shared
 * by set_debugreg/get_debugreg and the emulated `mov %drN` (pv/traps.c,
 * pv/emulate.c).  Pure, so tests/unit/pvcore checks every rule on the host.
 *
 * A PV vCPU never has CR4.DE, so DR4 and DR5 are the architectural aliases
 * of DR6 and DR7, and an I/O breakpoint (R/W = 10b, which needs CR4.DE) is
 * refused.  The error codes are the ones Xen's emulator turns into
 * exceptions: -ENODEV = #UD, -EINVAL = #GP (reserved bit), -EPERM = #GP
 * (valid bit the guest may not use).
 */
#include <xen/types.h>
#include <xen/errno.h>
#include <public/xen.h>
#include <asm/pv_emul.h>

/* A breakpoint may not cover the hypervisor's part of the address space
 * (Xen's __addr_ok: canonical and outside [VIRT_START, VIRT_END)). */
static bool breakpoint_addr_ok(uint64_t a)
{
    if ((uint64_t)((int64_t)(a << 16) >> 16) != a)
        return false;
    return a < HYPERVISOR_VIRT_START || a >= HYPERVISOR_VIRT_END;
}

int pv_debugreg_check(unsigned int reg, uint64_t value, unsigned int *slot, uint64_t *out)
{
    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!breakpoint_addr_ok(value))
            return -EPERM;
        *slot = reg;
        *out = value;
        return 0;
    case 4:
    case 6:
        if (value >> 32)
            return -EINVAL;         /* bits 32-63 are strictly reserved */
        *slot = 6;
        *out = (value | PV_DR6_DEFAULT) & ~PV_DR6_ZEROS;
        return 0;
    case 5:
    case 7:
        if (value >> 32)
            return -EINVAL;
        value = (value & ~PV_DR7_ZEROS) | PV_DR7_DEFAULT;
        if (value & PV_DR7_GD)
            return -EPERM;          /* general detect stays the hypervisor's */
        if (value & 0xff)
            for (unsigned int i = 16; i < 32; i += 4)
                if (((value >> i) & 3) == 2)
                    return -EPERM;  /* I/O breakpoint: needs CR4.DE */
        *slot = 7;
        *out = value;
        return 0;
    default:
        return -ENODEV;
    }
}

int pv_debugreg_slot(unsigned int reg)
{
    switch (reg) {
    case 0: case 1: case 2: case 3: case 6: case 7:
        return (int)reg;
    case 4:
    case 5:
        return (int)reg + 2;
    default:
        return -ENODEV;
    }
}
