/*
 * pv/emul_decode.c — the instruction decoder behind PV privileged-op
 * emulation (pv/emulate.c): which of the few instructions we emulate sits at
 * the faulting RIP, how long it is and what it names.  Pure (no hardware,
 * no guest access), so tests/unit/pvcore drives it on the host.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <asm/pv_emul.h>

int pv_decode_priv(const uint8_t *b, size_t len, struct pv_priv_insn *o)
{
    size_t i = 0;

    memset(o, 0, sizeof(*o));
    o->opsize = 4;
    for (; i < len && i < 15; i++) {
        if (b[i] == 0x66)
            o->opsize = 2;
        else if (b[i] == 0xf2 || b[i] == 0xf3 || b[i] == 0x2e || b[i] == 0x3e ||
                 b[i] == 0x26 || b[i] == 0x36 || b[i] == 0x64 || b[i] == 0x65 || b[i] == 0x67)
            ;
        else
            break;
    }
    if (i < len && (b[i] & 0xf0) == 0x40) {
        o->rex = b[i];
        i++;
    }
    if (i >= len)
        return -EINVAL;

    switch (b[i]) {
    case 0xcc:
        o->op = PRIV_INT;
        o->vector = 3;
        o->int3 = true;
        o->len = i + 1;
        return 0;
    case 0xcd:
        if (i + 1 >= len)
            return -EINVAL;
        o->op = PRIV_INT;
        o->vector = b[i + 1];
        o->len = i + 2;
        return 0;
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:
        if (i + 1 >= len)
            return -EINVAL;
        o->op = (b[i] & 2) ? PRIV_OUT : PRIV_IN;
        o->port = b[i + 1];
        o->port_imm = true;
        o->opsize = (b[i] & 1) ? o->opsize : 1;
        o->len = i + 2;
        return 0;
    case 0xec: case 0xed: case 0xee: case 0xef:
        o->op = (b[i] & 2) ? PRIV_OUT : PRIV_IN;
        o->opsize = (b[i] & 1) ? o->opsize : 1;
        o->len = i + 1;
        return 0;
    case 0xfa:
    case 0xfb:
        o->op = b[i] == 0xfa ? PRIV_CLI : PRIV_STI;
        o->len = i + 1;
        return 0;
    case 0x0f:
        break;
    default:
        return -EINVAL;
    }
    if (i + 1 >= len)
        return -EINVAL;
    switch (b[i + 1]) {
    case 0x30:
        o->op = PRIV_WRMSR;
        o->len = i + 2;
        return 0;
    case 0x32:
        o->op = PRIV_RDMSR;
        o->len = i + 2;
        return 0;
    case 0x06:
        o->op = PRIV_CLTS;
        o->len = i + 2;
        return 0;
    case 0x09:
        o->op = PRIV_WBINVD;
        o->len = i + 2;
        return 0;
    case 0x20:
    case 0x22: {
        uint8_t modrm;

        if (i + 2 >= len)
            return -EINVAL;
        modrm = b[i + 2];
        if ((modrm >> 6) != 3)
            return -EINVAL;
        o->op = b[i + 1] == 0x20 ? PRIV_MOV_FROM_CR : PRIV_MOV_TO_CR;
        o->cr = ((modrm >> 3) & 7) | ((o->rex & 4) ? 8 : 0);
        o->gpr = (modrm & 7) | ((o->rex & 1) ? 8 : 0);
        o->len = i + 3;
        return 0;
    }
    case 0x21:
    case 0x23:
        /* mov to/from DRn: the mod bits are ignored (always a register). */
        if (i + 2 >= len)
            return -EINVAL;
        o->op = b[i + 1] == 0x21 ? PRIV_MOV_FROM_DR : PRIV_MOV_TO_DR;
        o->cr = ((b[i + 2] >> 3) & 7) | ((o->rex & 4) ? 8 : 0);
        o->gpr = (b[i + 2] & 7) | ((o->rex & 1) ? 8 : 0);
        o->len = i + 3;
        return 0;
    default:
        return -EINVAL;
    }
}

bool pv_is_forced_cpuid(const uint8_t *b, size_t len)
{
    static const uint8_t sig[7] = { 0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2 };

    return len >= 7 && memcmp(b, sig, 7) == 0;
}

