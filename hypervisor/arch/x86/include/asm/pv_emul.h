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

#endif
