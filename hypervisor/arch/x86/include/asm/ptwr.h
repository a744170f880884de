/*
 * asm/ptwr.h — emulation of guest writes to its page tables (pv/ptwr.c).
 */
#ifndef ASM_PTWR_H
#define ASM_PTWR_H

#include <xen/types.h>
#include <public/xen.h>

struct vcpu;

enum ptwr_op {
    PTWR_NONE = 0, PTWR_MOV, PTWR_XCHG, PTWR_CMPXCHG, PTWR_AND, PTWR_OR,
    PTWR_BTS, PTWR_BTR, PTWR_BTC,
};

struct ptwr_insn {
    enum ptwr_op op;
    unsigned int len;       /* bytes, prefixes included */
    unsigned int size;      /* operand size: 1, 2, 4 or 8 */
    unsigned int reg;       /* ModRM.reg (+ REX.R): the register operand */
    bool has_imm;
    unsigned int imm_size;
    uint64_t imm;           /* sign-extended */
};

/* Decode a memory-destination write we know how to emulate; -EINVAL else. */
int ptwr_decode(const uint8_t *insn, size_t len, struct ptwr_insn *out);
/* Apply it to the 8-byte entry old at byte offset off. */
int ptwr_execute(const struct ptwr_insn *in, uint64_t old, unsigned int off,
                 struct cpu_user_regs *regs, uint64_t *out, bool *write);
uint64_t *ptwr_reg(struct cpu_user_regs *regs, unsigned int n);
/* The page-fault handler's entry: 0 handled, else bounce the fault. */
int pv_ptwr_fault(struct vcpu *v, unsigned long cr2, struct cpu_user_regs *regs);

#endif
