/*
 * asm/pv_emul.h — the pure instruction decoder behind PV privileged-op
 * emulation (pv/emulate.c), separate so host unit tests can use it.
 */
#ifndef ASM_PV_EMUL_H
#define ASM_PV_EMUL_H

#include <xen/types.h>

enum pv_priv_op {
    PRIV_NONE = 0, PRIV_INT, PRIV_IN, PRIV_OUT, PRIV_RDMSR, PRIV_WRMSR,
    PRIV_CLTS, PRIV_WBINVD, PRIV_MOV_FROM_CR, PRIV_MOV_TO_CR, PRIV_CLI, PRIV_STI,
    PRIV_MOV_FROM_DR, PRIV_MOV_TO_DR,
};

struct pv_priv_insn {
    enum pv_priv_op op;
    unsigned int len;       /* bytes, prefixes included */
    unsigned int opsize;    /* I/O: 1, 2 or 4 */
    uint8_t rex;
    uint8_t vector;         /* PRIV_INT */
    bool int3;              /* the one-byte 0xcc form */
    bool port_imm;          /* I/O: port from the immediate, else DX */
    uint8_t port;
    unsigned int cr, gpr;   /* mov to/from CRn/DRn: CR or DR number, GPR (0 = rax) */
};

/* Decode b[0..len): 0 and *o filled, or -EINVAL for anything else. */
int pv_decode_priv(const uint8_t *b, size_t len, struct pv_priv_insn *o);
/* `ud2; .ascii "xen"; cpuid`: Xen's forced-emulation CPUID. */
bool pv_is_forced_cpuid(const uint8_t *b, size_t len);

/*
 * Debug registers as Xen allows a PV guest to set them (pv/debugreg_check.c):
 * reg 0-7 and the value written; 0 with *slot (the register really written,
 * DR4/DR5 being DR6/DR7) and *out (the value with Xen's reserved-bit
 * adjustments), else -ENODEV (#UD: no such register), -EINVAL (#GP:
 * reserved bit set) or -EPERM (#GP: hypervisor address, DR7.GD, I/O
 * breakpoint).  pv_debugreg_slot() is the register a read returns, or
 * -ENODEV.  A vCPU starts with DR6 = PV_DR6_DEFAULT, DR7 = PV_DR7_DEFAULT.
 */
#define PV_DR6_DEFAULT  0xffff0ff0UL    /* reserved bits that read as one */
#define PV_DR6_ZEROS    0x00001000UL    /* reserved bit that reads as zero */
#define PV_DR7_DEFAULT  0x00000400UL
#define PV_DR7_ZEROS    0x0000d800UL    /* incl. RTM (bit 11): never exposed */
#define PV_DR7_GD       0x00002000UL
int pv_debugreg_check(unsigned int reg, uint64_t value, unsigned int *slot, uint64_t *out);
int pv_debugreg_slot(unsigned int reg);

/* Check one 8-byte descriptor the way Xen does, fixing DPLs up in place;
 * false = refuse it (pv/desc_check.c). */
bool pv_check_descriptor(uint64_t *desc);

/*
 * The words of Xen's bounce frame, low to high: RCX, R11, [DS, ES, FS, GS
 * when sels != NULL (failsafe)], [error code when ec >= 0], RIP, CS (RPL
 * cleared for guest kernel mode, saved upcall mask in bits 32-39), RFLAGS
 * (IF = !mask, IOPL = viopl: the virtual IOPL 0-3 with the
 * architectural_iopl assist, else 0), RSP, SS.  Returns the number of
 * words (at most 12).  Pure (pv/bounce_frame.c).
 */
struct cpu_user_regs;
unsigned int pv_bounce_frame(const struct cpu_user_regs *regs, bool kernel_mode,
                             uint8_t saved_mask, long ec, const uint16_t *sels,
                             unsigned int viopl, uint64_t frame[12]);

/* A boot module string for an extra domain: "domain=unprivileged
 * [mem=<size>] [vcpus=<n>] [--] <kernel command line>" (pv/boot_opts.c). */
struct pv_boot_opts {
    uint64_t mem;               /* bytes (default 64 MiB) */
    unsigned int vcpus;         /* default 1 */
    const char *cmdline;        /* points into the string */
};
int pv_parse_boot_opts(const char *s, struct pv_boot_opts *o);

#endif
