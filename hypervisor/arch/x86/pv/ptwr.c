/*
 * pv/ptwr.c — writable page tables: emulation of guest writes to its own
 * validated L1 page-table frames.
 *
 * A PV guest's page-table frames are mapped read-only (a validated table
 * can never be writable), yet Linux writes L1 entries directly on some
 * paths: `xchg` in ptep_get_and_clear(), `lock btr` in
 * test_and_clear_young(), `lock andb`/`lock orb` from clear_bit()/set_bit()
 * with a constant bit, `cmpxchg`, and plain `mov`.  Each such write takes a
 * page fault; we decode the instruction, compute the new 64-bit entry,
 * validate and install it through mod_l1_entry() exactly as an mmu_update
 * would, update the guest's registers and flags as the instruction would,
 * and skip it.  Anything we do not understand is left alone: the caller
 * bounces the #PF to the guest.
 *
 * ptwr_decode() and ptwr_execute() are pure (host-tested); pv_ptwr_fault()
 * is the glue the page-fault handler calls.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/guest_access.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <asm/ptwr.h>

/* ---------------------------------------------------------------- decode */

/*
 * Skip the ModRM memory operand (mod != 3) after the ModRM byte at p[0]:
 * returns the number of bytes ModRM+SIB+displacement take, or 0 for a
 * register operand or a truncated instruction.
 */
static unsigned int modrm_len(const uint8_t *p, size_t avail)
{
    uint8_t modrm, mod, rm;
    unsigned int n = 1;

    if (avail < 1)
        return 0;
    modrm = p[0];
    mod = modrm >> 6;
    rm = modrm & 7;
    if (mod == 3)
        return 0;
    if (rm == 4) {                      /* SIB */
        if (avail < 2)
            return 0;
        if (mod == 0 && (p[1] & 7) == 5)
            n += 4;                     /* base = disp32 */
        n++;
    } else if (mod == 0 && rm == 5) {
        n += 4;                         /* RIP-relative */
    }
    if (mod == 1)
        n += 1;
    else if (mod == 2)
        n += 4;
    return n <= avail ? n : 0;
}

int ptwr_decode(const uint8_t *insn, size_t len, struct ptwr_insn *out)
{
    size_t i = 0;
    bool rex_w = false, rex_r = false, opsize16 = false, lock = false;
    uint8_t op;
    unsigned int ml;

    memset(out, 0, sizeof(*out));

    /* Prefixes: lock, operand size, segment overrides (harmless here). */
    for (; i < len && i < 4; i++) {
        uint8_t b = insn[i];

        if (b == 0xf0)
            lock = true;
        else if (b == 0x66)
            opsize16 = true;
        else if (b == 0x2e || b == 0x3e || b == 0x26 || b == 0x36 || b == 0x64 || b == 0x65)
            continue;
        else
            break;
    }
    if (i < len && (insn[i] & 0xf0) == 0x40) {          /* REX */
        rex_w = insn[i] & 8;
        rex_r = insn[i] & 4;
        i++;
    }
    if (i >= len)
        return -EINVAL;
    (void)lock;                         /* one CPU: atomicity is ours anyway */
    out->size = rex_w ? 8 : opsize16 ? 2 : 4;
    op = insn[i++];

    if (op == 0x0f) {
        if (i >= len)
            return -EINVAL;
        op = insn[i++];
        switch (op) {
        case 0xb1:                      /* cmpxchg r/m, r */
            out->op = PTWR_CMPXCHG;
            break;
        case 0xab: out->op = PTWR_BTS; break;   /* bt* r/m, r */
        case 0xb3: out->op = PTWR_BTR; break;
        case 0xbb: out->op = PTWR_BTC; break;
        case 0xba:                      /* bt* r/m, imm8: /5 bts, /6 btr, /7 btc */
            if (i >= len)
                return -EINVAL;
            switch ((insn[i] >> 3) & 7) {
            case 5: out->op = PTWR_BTS; break;
            case 6: out->op = PTWR_BTR; break;
            case 7: out->op = PTWR_BTC; break;
            default: return -EINVAL;
            }
            out->has_imm = true;
            out->imm_size = 1;
            break;
        default:
            return -EINVAL;
        }
    } else {
        switch (op) {
        case 0x89: out->op = PTWR_MOV; break;           /* mov r/m, r */
        case 0x87: out->op = PTWR_XCHG; break;          /* xchg r/m, r */
        case 0x09: out->op = PTWR_OR; break;            /* or r/m, r */
        case 0x21: out->op = PTWR_AND; break;           /* and r/m, r */
        case 0x88:                                      /* mov r/m8, r8 */
            out->op = PTWR_MOV;
            out->size = 1;
            break;
        case 0xc7:                                      /* mov r/m, imm32 */
            if (i >= len || ((insn[i] >> 3) & 7) != 0)
                return -EINVAL;
            out->op = PTWR_MOV;
            out->has_imm = true;
            out->imm_size = out->size == 2 ? 2 : 4;
            break;
        case 0x80:                                      /* grp1 r/m8, imm8 */
        case 0x83:                                      /* grp1 r/m, imm8 (sign-extended) */
        case 0x81:                                      /* grp1 r/m, imm32 */
            if (i >= len)
                return -EINVAL;
            switch ((insn[i] >> 3) & 7) {
            case 1: out->op = PTWR_OR; break;
            case 4: out->op = PTWR_AND; break;
            default: return -EINVAL;
            }
            out->has_imm = true;
            if (op == 0x80) {
                out->size = 1;
                out->imm_size = 1;
            } else {
                out->imm_size = op == 0x83 ? 1 : (out->size == 2 ? 2 : 4);
            }
            break;
        default:
            return -EINVAL;
        }
    }

    if (i >= len)
        return -EINVAL;
    out->reg = ((insn[i] >> 3) & 7) | (rex_r ? 8 : 0);
    ml = modrm_len(insn + i, len - i);
    if (ml == 0)
        return -EINVAL;                 /* register operand, or truncated */
    i += ml;
    if (out->has_imm) {
        uint64_t imm = 0;

        if (i + out->imm_size > len)
            return -EINVAL;
        for (unsigned int k = 0; k < out->imm_size; k++)
            imm |= (uint64_t)insn[i + k] << (8 * k);
        /* Sign-extend to the operand size (x86 rules). */
        if (out->imm_size < 8 && (imm >> (8 * out->imm_size - 1)) & 1)
            imm |= ~0ULL << (8 * out->imm_size);
        out->imm = imm;
        i += out->imm_size;
    }
    out->len = (unsigned int)i;
    return 0;
}

/* ------------------------------------------------------------- execute */

uint64_t *ptwr_reg(struct cpu_user_regs *regs, unsigned int n)
{
    switch (n) {
    case 0: return &regs->rax;
    case 1: return &regs->rcx;
    case 2: return &regs->rdx;
    case 3: return &regs->rbx;
    case 4: return &regs->rsp;
    case 5: return &regs->rbp;
    case 6: return &regs->rsi;
    case 7: return &regs->rdi;
    case 8: return &regs->r8;
    case 9: return &regs->r9;
    case 10: return &regs->r10;
    case 11: return &regs->r11;
    case 12: return &regs->r12;
    case 13: return &regs->r13;
    case 14: return &regs->r14;
    default: return &regs->r15;
    }
}

#define FL_CF   (1UL << 0)
#define FL_PF   (1UL << 2)
#define FL_ZF   (1UL << 6)
#define FL_SF   (1UL << 7)
#define FL_OF   (1UL << 11)

static uint64_t size_mask(unsigned int size)
{
    return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* Flags of a logical result (and/or): CF = OF = 0, ZF/SF/PF from it. */
static void logic_flags(struct cpu_user_regs *regs, uint64_t res, unsigned int size)
{
    unsigned long f = regs->rflags & ~(FL_CF | FL_PF | FL_ZF | FL_SF | FL_OF);

    res &= size_mask(size);
    if (res == 0)
        f |= FL_ZF;
    if (res >> (8 * size - 1))
        f |= FL_SF;
    if (!(__builtin_popcount((unsigned int)(res & 0xff)) & 1))
        f |= FL_PF;
    regs->rflags = f;
}

/*
 * Apply the instruction to the 8-byte entry old (the write lands at byte
 * offset off of it).  Sets *out to the new entry; *write false means no
 * store happens (a failed cmpxchg).  Registers and flags are updated as the
 * CPU would.  -EINVAL if the access straddles the entry.
 */
int ptwr_execute(const struct ptwr_insn *in, uint64_t old, unsigned int off,
                 struct cpu_user_regs *regs, uint64_t *out, bool *write)
{
    uint64_t mask = size_mask(in->size);
    uint64_t cur, src, res;
    unsigned int bit;

    if (off + in->size > 8 || (off % in->size) != 0)
        return -EINVAL;
    cur = (old >> (8 * off)) & mask;
    src = in->has_imm ? in->imm : *ptwr_reg(regs, in->reg);
    if (in->size == 1 && !in->has_imm && in->reg >= 4 && in->reg < 8)
        return -EINVAL;                 /* AH..BH without REX: not used on PTEs */
    src &= mask;
    *write = true;

    switch (in->op) {
    case PTWR_MOV:
        res = src;
        break;
    case PTWR_XCHG:
        res = src;
        if (in->size == 4)
            *ptwr_reg(regs, in->reg) = cur;     /* 32-bit writes zero-extend */
        else
            *ptwr_reg(regs, in->reg) = (*ptwr_reg(regs, in->reg) & ~mask) | cur;
        break;
    case PTWR_CMPXCHG:
        if ((regs->rax & mask) == cur) {
            res = src;
            regs->rflags |= FL_ZF;
        } else {
            res = cur;
            *write = false;
            regs->rflags &= ~FL_ZF;
            if (in->size == 4)
                regs->rax = cur;
            else
                regs->rax = (regs->rax & ~mask) | cur;
        }
        break;
    case PTWR_AND:
        res = cur & src;
        logic_flags(regs, res, in->size);
        break;
    case PTWR_OR:
        res = cur | src;
        logic_flags(regs, res, in->size);
        break;
    case PTWR_BTS:
    case PTWR_BTR:
    case PTWR_BTC:
        /* Register bit offsets beyond the operand would address other
         * memory: only offsets inside this entry are emulated. */
        if (!in->has_imm && src >= 8 * in->size)
            return -EINVAL;
        bit = (unsigned int)(src % (8 * in->size));
        if ((cur >> bit) & 1)
            regs->rflags |= FL_CF;
        else
            regs->rflags &= ~FL_CF;
        res = in->op == PTWR_BTS ? cur | (1ULL << bit)
            : in->op == PTWR_BTR ? cur & ~(1ULL << bit)
            : cur ^ (1ULL << bit);
        break;
    default:
        return -EINVAL;
    }
    res &= mask;
    *out = (old & ~(mask << (8 * off))) | (res << (8 * off));
    return 0;
}

/* ---------------------------------------------------------------- glue */

/*
 * A write fault at cr2 from v's kernel: if cr2 is in one of v's validated
 * L1 frames, emulate the write.  Returns 0 when handled (regs updated,
 * RIP advanced), -EINVAL when the fault is not ours to fix (bounce it), or
 * the error mod_l1_entry gave for a refused entry (the guest tried to write
 * something unsafe: bounce the fault too, as Xen does).
 */
int pv_ptwr_fault(struct vcpu *v, unsigned long cr2, struct cpu_user_regs *regs)
{
    struct domain *d = v->domain;
    struct ptwr_insn in;
    struct cpu_user_regs tmp;
    uint8_t insn[16];
    mfn_t gl1mfn, target;
    pte_t *pl1e, *entry, nval;
    struct page_info *pg;
    bool write;
    int rc;

    /* Which frame does cr2 hit?  It must be one of d's validated L1s. */
    pl1e = pv_guest_l1e(v, cr2, &gl1mfn);
    if (pl1e == NULL || !pte_present(*pl1e))
        return -EINVAL;
    target = pte_mfn(*pl1e);
    if (!mfn_valid(target))
        return -EINVAL;
    pg = mfn_to_page(target);
    if (page_get_owner(pg) != d || (pg->type_info & PGT_type_mask) != PGT_l1_page_table ||
        !(pg->type_info & PGT_validated) || (pg->type_info & PGT_count_mask) == 0)
        return -EINVAL;

    memset(insn, 0, sizeof(insn));
    if (copy_from_guest_va(insn, (const void *)regs->rip, sizeof(insn)) != 0) {
        /* Near the end of a mapping: fetch what we can, byte by byte. */
        unsigned int n;

        for (n = 0; n < sizeof(insn); n++)
            if (copy_from_guest_va(&insn[n], (const void *)(regs->rip + n), 1) != 0)
                break;
        if (n == 0)
            return -EINVAL;
        rc = ptwr_decode(insn, n, &in);
    } else {
        rc = ptwr_decode(insn, sizeof(insn), &in);
    }
    if (rc)
        return -EINVAL;

    /* Work on a copy: nothing of the guest changes unless the write is valid. */
    tmp = *regs;
    entry = (pte_t *)((char *)mfn_to_virt(target) + (cr2 & (PAGE_SIZE - 1) & ~7UL));
    rc = ptwr_execute(&in, *entry, (unsigned int)(cr2 & 7), &tmp, &nval, &write);
    if (rc)
        return -EINVAL;
    if (write) {
        rc = mod_l1_entry(entry, nval, false, d, d);
        if (rc)
            return rc;
    }
    tmp.rip += in.len;
    *regs = tmp;
    return 0;
}
