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
    unsigned int cr, gpr;   /* mov to/from CRn: CR number, GPR (0 = rax) */
};

/* Decode b[0..len): 0 and *o filled, or -EINVAL for anything else. */
int pv_decode_priv(const uint8_t *b, size_t len, struct pv_priv_insn *o);
/* `ud2; .ascii "xen"; cpuid`: Xen's forced-emulation CPUID. */
bool pv_is_forced_cpuid(const uint8_t *b, size_t len);

/* Check one 8-byte descriptor the way Xen does, fixing DPLs up in place;
 * false = refuse it (pv/desc_check.c). */
bool pv_check_descriptor(uint64_t *desc);

/*
 * The words of Xen's bounce frame, low to high: RCX, R11, [DS, ES, FS, GS
 * when sels != NULL (failsafe)], [error code when ec >= 0], RIP, CS (RPL
 * cleared for guest kernel mode, saved upcall mask in bits 32-39), RFLAGS
 * (IF = !mask, IOPL cleared), RSP, SS.  Returns the number of words (at
 * most 12).  Pure (pv/bounce_frame.c).
 */
struct cpu_user_regs;
unsigned int pv_bounce_frame(const struct cpu_user_regs *regs, bool kernel_mode,
                             uint8_t saved_mask, long ec, const uint16_t *sels,
                             uint64_t frame[12]);

/* A boot module string for an extra domain: "domain=unprivileged
 * [mem=<size>] [vcpus=<n>] [--] <kernel command line>" (pv/boot_opts.c). */
struct pv_boot_opts {
    uint64_t mem;               /* bytes (default 64 MiB) */
    unsigned int vcpus;         /* default 1 */
    const char *cmdline;        /* points into the string */
};
int pv_parse_boot_opts(const char *s, struct pv_boot_opts *o);

#endif
