/*
 * pv/desc_check.c — the check every descriptor a PV guest installs goes
 * through (set_gdt frames, update_descriptor, LDT pages), as Xen does it:
 * not-present descriptors pass, code/data descriptors get DPL 3 forced (the
 * guest kernel runs in ring 3), 64-bit call gates pass with DPL 0 (each use
 * traps) when they target a guest code selector, every other system
 * descriptor is refused.  Pure: tests/unit/pvcore runs it on the host.
 */
#include <xen/types.h>
#include <public/xen.h>
#include <asm/pv_emul.h>

#define SEG_P       (1u << 15)
#define SEG_S       (1u << 12)      /* code/data (not system) */
#define SEG_DPL     (3u << 13)
#define SEG_TYPE    (15u << 8)

/*
 * d is the 8-byte descriptor (low word a, high word b).  Returns false to
 * refuse it; may rewrite it (DPL fix-ups).
 */
bool pv_check_descriptor(uint64_t *desc)
{
    uint32_t a = (uint32_t)*desc, b = (uint32_t)(*desc >> 32);
    unsigned int dpl;
    uint16_t cs;

    if (!(b & SEG_P))
        return true;                /* not present: always faults, so safe */
    dpl = (b >> 13) & 3;
    if (dpl < 3)
        dpl = 3;
    b = (b & ~SEG_DPL) | (dpl << 13);
    if (b & SEG_S)
        goto good;                  /* any code or data segment */
    if ((b & SEG_TYPE) == 0)
        return true;                /* type 0: e.g. a call gate's upper half */
    if ((b & SEG_TYPE) != 0xc00)
        return false;               /* only 64-bit call gates among system types */
    cs = a >> 16;
    /* The gate's target must be a ring-3 code selector a guest may name. */
    if ((cs & 3) != 3 && (cs & ~3) != (FLAT_KERNEL_CS & ~3))
        return false;
    /* DPL 0 makes every use trap (for emulation); keep the DPL in the RPL. */
    b &= ~SEG_DPL;
    cs = (cs & ~3) | dpl;
    a = (a & 0xffff) | ((uint32_t)cs << 16);
    if (b & 0xff)
        return false;
good:
    *desc = ((uint64_t)b << 32) | a;
    return true;
}

