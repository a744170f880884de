/*
 * pv/bounce_frame.c — the contents of Xen's exception/callback frame on the
 * guest kernel stack (see asm/pv_emul.h for the layout).  Separate from the
 * code that writes it (pv/traps.c) so tests/unit/pvcore can check every
 * word on the host: Linux reads RPL 0 in CS as "from kernel", the upcall
 * mask from CS bits 32-39, and IF from RFLAGS; with the architectural_iopl
 * assist RFLAGS.IOPL shows the virtual IOPL (Xen folds it in too).
 */
#include <xen/types.h>
#include <public/xen.h>
#include <asm/pv_emul.h>

#define EFLAGS_IF   (1UL << 9)
#define EFLAGS_IOPL (3UL << 12)

unsigned int pv_bounce_frame(const struct cpu_user_regs *regs, bool kernel_mode,
                             uint8_t saved_mask, long ec, const uint16_t *sels,
                             unsigned int viopl, uint64_t frame[12])
{
    uint64_t cs = regs->cs;
    unsigned int n = 0;

    if (kernel_mode)
        cs &= ~3ULL;
    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    if (sels != NULL)
        for (unsigned int i = 0; i < 4; i++)
            frame[n++] = sels[i];
    if (ec >= 0)
        frame[n++] = (uint32_t)ec;
    frame[n++] = regs->rip;
    frame[n++] = (cs & 0xffff) | ((uint64_t)saved_mask << 32);
    frame[n++] = (regs->rflags & ~(EFLAGS_IF | EFLAGS_IOPL)) | (saved_mask ? 0 : EFLAGS_IF) |
                 ((uint64_t)(viopl & 3) << 12);
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;
    return n;
}
