/*
 * test_pvcore.c — host tests of the PV core's pure pieces: what the #GP/#UD
 * emulation recognises (and what it must leave to the guest), Xen's
 * descriptor rules, the exact bounce-frame words Linux and the test guests
 * read, and the boot-domain option syntax.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <public/xen.h>
#include <asm/pv_emul.h>

static int dec(const uint8_t *b, size_t n, struct pv_priv_insn *o)
{
    return pv_decode_priv(b, n, o);
}
#define DEC(o, ...) ({ static const uint8_t _b[] = { __VA_ARGS__ }; dec(_b, sizeof(_b), (o)); })

/* ---------------------------------------------------------------- decoder */

Test(decode, software_interrupts)
{
    struct pv_priv_insn o;

    cr_assert_eq(DEC(&o, 0xcd, 0x80), 0);
    cr_expect_eq(o.op, PRIV_INT);
    cr_expect_eq(o.vector, 0x80);
    cr_expect_eq(o.len, 2, "RIP moves past int $n");
    cr_assert_eq(DEC(&o, 0xcc), 0);
    cr_expect_eq(o.vector, 3);
    cr_expect(o.int3);
    cr_expect_eq(o.len, 1);
    cr_expect_eq(DEC(&o, 0xcd), -EINVAL, "truncated int $n");
}

Test(decode, msr_and_control_registers)
{
    struct pv_priv_insn o;

    cr_assert_eq(DEC(&o, 0x0f, 0x30), 0);
    cr_expect_eq(o.op, PRIV_WRMSR);
    cr_assert_eq(DEC(&o, 0x0f, 0x32), 0);
    cr_expect_eq(o.op, PRIV_RDMSR);
    cr_expect_eq(o.len, 2);
    /* mov %cr2, %rax */
    cr_assert_eq(DEC(&o, 0x0f, 0x20, 0xd0), 0);
    cr_expect_eq(o.op, PRIV_MOV_FROM_CR);
    cr_expect_eq(o.cr, 2);
    cr_expect_eq(o.gpr, 0);
    /* mov %cr3, %r13 (REX.B) */
    cr_assert_eq(DEC(&o, 0x41, 0x0f, 0x20, 0xdd), 0);
    cr_expect_eq(o.cr, 3);
    cr_expect_eq(o.gpr, 13);
    cr_expect_eq(o.len, 4);
    /* mov %rdi, %cr4 */
    cr_assert_eq(DEC(&o, 0x0f, 0x22, 0xe7), 0);
    cr_expect_eq(o.op, PRIV_MOV_TO_CR);
    cr_expect_eq(o.cr, 4);
    cr_expect_eq(o.gpr, 7);
    /* a memory operand is not a CR move */
    cr_expect_eq(DEC(&o, 0x0f, 0x20, 0x00), -EINVAL);
    cr_assert_eq(DEC(&o, 0x0f, 0x06), 0);
    cr_expect_eq(o.op, PRIV_CLTS);
}

Test(decode, port_io_sizes)
{
    struct pv_priv_insn o;

    cr_assert_eq(DEC(&o, 0xe4, 0x80), 0);          /* in $0x80, %al */
    cr_expect_eq(o.op, PRIV_IN);
    cr_expect(o.port_imm);
    cr_expect_eq(o.port, 0x80);
    cr_expect_eq(o.opsize, 1);
    cr_assert_eq(DEC(&o, 0x66, 0xef), 0);          /* out %ax, (%dx) */
    cr_expect_eq(o.op, PRIV_OUT);
    cr_expect(!o.port_imm);
    cr_expect_eq(o.opsize, 2);
    cr_expect_eq(o.len, 2);
    cr_assert_eq(DEC(&o, 0xed), 0);                /* in (%dx), %eax */
    cr_expect_eq(o.opsize, 4);
    cr_assert_eq(DEC(&o, 0xfa), 0);
    cr_expect_eq(o.op, PRIV_CLI);
    cr_assert_eq(DEC(&o, 0xfb), 0);
    cr_expect_eq(o.op, PRIV_STI);
}

Test(decode, everything_else_goes_to_the_guest)
{
    struct pv_priv_insn o;

    cr_expect_eq(DEC(&o, 0xf4), -EINVAL, "hlt is the guest's #GP");
    cr_expect_eq(DEC(&o, 0x0f, 0x01, 0x10), -EINVAL, "lgdt");
    cr_expect_eq(DEC(&o, 0x8e, 0xd8), -EINVAL, "mov to a segment register");
    cr_expect_eq(dec(NULL, 0, &o), -EINVAL, "nothing fetched");
    /* 15 prefixes and nothing else: refused, never read past the buffer */
    uint8_t p[15];
    memset(p, 0x66, sizeof(p));
    cr_expect_eq(dec(p, sizeof(p), &o), -EINVAL);
}

Test(decode, debug_registers)
{
    struct pv_priv_insn o;

    cr_assert_eq(DEC(&o, 0x0f, 0x21, 0xf8), 0, "mov %%dr7, %%rax");
    cr_expect_eq(o.op, PRIV_MOV_FROM_DR);
    cr_expect_eq(o.cr, 7);
    cr_expect_eq(o.gpr, 0);
    cr_expect_eq(o.len, 3);
    cr_assert_eq(DEC(&o, 0x41, 0x0f, 0x23, 0xc3), 0, "mov %%r11, %%dr0");
    cr_expect_eq(o.op, PRIV_MOV_TO_DR);
    cr_expect_eq(o.cr, 0);
    cr_expect_eq(o.gpr, 11);
    cr_expect_eq(o.len, 4);
    cr_assert_eq(DEC(&o, 0x44, 0x0f, 0x21, 0xc0), 0, "REX.R: %%dr8 (the handler's #UD)");
    cr_expect_eq(o.cr, 8);
    cr_assert_eq(DEC(&o, 0x0f, 0x23, 0x30), 0, "mod bits ignored: mov %%rax, %%dr6");
    cr_expect_eq(o.cr, 6);
    cr_expect_eq(o.gpr, 0);
    cr_expect_eq(DEC(&o, 0x0f, 0x21), -EINVAL, "no ModRM byte");
}

/* ------------------------------------------------------- debug registers */

static int dr(unsigned int reg, uint64_t v, unsigned int *slot, uint64_t *out)
{
    return pv_debugreg_check(reg, v, slot, out);
}

Test(debugreg, breakpoint_addresses)
{
    unsigned int s;
    uint64_t o;

    cr_expect_eq(dr(0, 0x1000, &s, &o), 0);
    cr_expect_eq(s, 0);
    cr_expect_eq(o, 0x1000);
    cr_expect_eq(dr(3, 0xffffffff81000000UL, &s, &o), 0, "guest kernel address");
    cr_expect_eq(dr(1, 0xffff800000000000UL, &s, &o), -EPERM, "start of the hypervisor range");
    cr_expect_eq(dr(1, 0xffff87ffffffffffUL, &s, &o), -EPERM, "end of the hypervisor range");
    cr_expect_eq(dr(2, 0xffff880000000000UL, &s, &o), 0, "just above it");
    cr_expect_eq(dr(2, 0x0000800000000000UL, &s, &o), -EPERM, "non-canonical");
}

Test(debugreg, dr6_reserved_bits)
{
    unsigned int s;
    uint64_t o;

    cr_expect_eq(dr(6, 0, &s, &o), 0);
    cr_expect_eq(o, 0xffff0ff0, "reserved-one bits set");
    cr_expect_eq(dr(6, 0x100f, &s, &o), 0);
    cr_expect_eq(o, 0xffff0fff, "bit 12 reads as zero, B0-B3 kept");
    cr_expect_eq(dr(6, 1UL << 32, &s, &o), -EINVAL, "bits 32-63 reserved");
    cr_expect_eq(dr(4, 0x4000, &s, &o), 0, "DR4 is DR6 without CR4.DE");
    cr_expect_eq(s, 6);
    cr_expect_eq(o, 0xffff4ff0);
}

Test(debugreg, dr7_rules)
{
    unsigned int s;
    uint64_t o;

    cr_expect_eq(dr(7, 0, &s, &o), 0);
    cr_expect_eq(o, 0x400, "bit 10 reads as one");
    cr_expect_eq(dr(7, 0xd801, &s, &o), 0);
    cr_expect_eq(o, 0x401, "bits 11, 12, 14, 15 read as zero");
    cr_expect_eq(dr(7, 0x2000, &s, &o), -EPERM, "GD");
    cr_expect_eq(dr(7, 1UL << 32, &s, &o), -EINVAL, "bits 32-63 reserved");
    cr_expect_eq(dr(7, 0x20001, &s, &o), -EPERM, "I/O breakpoint needs CR4.DE");
    cr_expect_eq(dr(7, 0x20000, &s, &o), 0, "an I/O type is fine while nothing is enabled");
    cr_expect_eq(dr(7, 0xd0003, &s, &o), 0, "write/read data breakpoints");
    cr_expect_eq(o, 0xd0403);
    cr_expect_eq(dr(5, 0x1, &s, &o), 0, "DR5 is DR7");
    cr_expect_eq(s, 7);
    cr_expect_eq(dr(8, 0, &s, &o), -ENODEV);
    cr_expect_eq(pv_debugreg_slot(4), 6);
    cr_expect_eq(pv_debugreg_slot(5), 7);
    cr_expect_eq(pv_debugreg_slot(2), 2);
    cr_expect_eq(pv_debugreg_slot(8), -ENODEV);
}

Test(decode, forced_emulation_prefix)
{
    static const uint8_t fe[] = { 0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2 };
    static const uint8_t fe_nop[] = { 0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x90, 0x90 };

    cr_expect(pv_is_forced_cpuid(fe, sizeof(fe)));
    cr_expect(!pv_is_forced_cpuid(fe, 6), "truncated");
    cr_expect(!pv_is_forced_cpuid(fe_nop, sizeof(fe_nop)), "prefix + anything else is #UD");
}

/* ------------------------------------------------------------- descriptors */

#define DESC(a, b) (((uint64_t)(b) << 32) | (uint32_t)(a))

Test(descriptor, code_and_data_get_dpl3)
{
    uint64_t d = 0x00cf93000000ffffULL;            /* flat data, DPL 0 */

    cr_assert(pv_check_descriptor(&d));
    cr_expect_eq((d >> 45) & 3, 3, "DPL forced to 3");
    d = 0x00af9b000000ffffULL;                     /* 64-bit code, DPL 0 */
    cr_assert(pv_check_descriptor(&d));
    cr_expect_eq(d, 0x00affb000000ffffULL);
    d = 0x00cff3000000ffffULL;                     /* already DPL 3: unchanged */
    cr_assert(pv_check_descriptor(&d));
    cr_expect_eq(d, 0x00cff3000000ffffULL);
}

Test(descriptor, system_descriptors)
{
    uint64_t tss = 0x0000890000000067ULL;          /* available 64-bit TSS */
    uint64_t ldt = 0x0000820000000fffULL;
    uint64_t intgate = DESC(0xe0330000, 0x00008e00);
    uint64_t notpresent = 0x0000090000000067ULL;   /* TSS type, P clear */
    uint64_t zero_type = 0x0000000012345678ULL;    /* a call gate's upper half */

    cr_expect(!pv_check_descriptor(&tss), "TSS refused");
    cr_expect(!pv_check_descriptor(&ldt), "LDT refused");
    cr_expect(!pv_check_descriptor(&intgate), "interrupt gate refused");
    cr_expect(pv_check_descriptor(&notpresent), "not present is harmless");
    cr_expect(pv_check_descriptor(&zero_type), "type 0 is harmless");
}

Test(descriptor, call_gates_trap)
{
    /* 64-bit call gate, DPL 3, target 0xe033 */
    uint64_t g = DESC(0xe0331000, 0x0000ec00);

    cr_assert(pv_check_descriptor(&g));
    cr_expect_eq((g >> 45) & 3, 0, "DPL 0: every use traps");
    cr_expect_eq((g >> 16) & 3, 3, "the DPL kept in the target's RPL");
    uint64_t bad = DESC(0xe0081000, 0x0000ec00);   /* targets the hypervisor's CS */
    cr_expect(!pv_check_descriptor(&bad));
}

/* ------------------------------------------------------------ bounce frame */

static struct cpu_user_regs sample(void)
{
    struct cpu_user_regs r;

    memset(&r, 0, sizeof(r));
    r.rcx = 0x1111;
    r.r11 = 0x2222;
    r.rip = 0xffffffff81000000UL;
    r.cs = 0xe033;
    r.rflags = 0x3246;                             /* IOPL 3, IF */
    r.rsp = 0xffffc90000001000UL;
    r.ss = 0xe02b;
    return r;
}

Test(bounce, kernel_mode_exception_with_error_code)
{
    struct cpu_user_regs r = sample();
    uint64_t f[12];
    unsigned int n = pv_bounce_frame(&r, true, 1, 0x11, NULL, 0, f);

    cr_assert_eq(n, 8);
    cr_expect_eq(f[0], 0x1111, "RCX");
    cr_expect_eq(f[1], 0x2222, "R11");
    cr_expect_eq(f[2], 0x11, "error code");
    cr_expect_eq(f[3], r.rip);
    cr_expect_eq(f[4], 0x10000e030ULL, "RPL cleared, mask in bits 32-39 (Xen: 0x10000e030)");
    cr_expect_eq(f[5], 0x0046, "IF = !mask, IOPL cleared");
    cr_expect_eq(f[6], r.rsp);
    cr_expect_eq(f[7], 0xe02b);
}

Test(bounce, user_mode_keeps_rpl3)
{
    struct cpu_user_regs r = sample();
    uint64_t f[12];
    unsigned int n = pv_bounce_frame(&r, false, 0, -1, NULL, 0, f);

    cr_assert_eq(n, 7, "no error code slot");
    cr_expect_eq(f[3], 0xe033, "RPL 3 tells the guest it came from user mode");
    cr_expect_eq(f[4] & 0x200, 0x200, "IF set: events were not masked");
}

Test(bounce, architectural_iopl_shows_the_virtual_iopl)
{
    struct cpu_user_regs r = sample();
    uint64_t f[12];
    unsigned int n = pv_bounce_frame(&r, true, 0, -1, NULL, 2, f);

    cr_assert_eq(n, 7);
    cr_expect_eq(f[4], 0x2246, "IOPL 2 from the virtual IOPL, not the hardware's 3");
    n = pv_bounce_frame(&r, true, 1, -1, NULL, 0, f);
    cr_expect_eq(f[4], 0x0046, "IOPL 0, IF clear when masked");
}

Test(bounce, failsafe_carries_the_selectors)
{
    struct cpu_user_regs r = sample();
    uint16_t sels[4] = { 0x0b, 0, 0x2b, 0x33 };
    uint64_t f[12];
    unsigned int n = pv_bounce_frame(&r, true, 0, -1, sels, 0, f);

    cr_assert_eq(n, 11);
    cr_expect_eq(f[2], 0x0b, "DS");
    cr_expect_eq(f[3], 0, "ES");
    cr_expect_eq(f[4], 0x2b, "FS");
    cr_expect_eq(f[5], 0x33, "GS");
    cr_expect_eq(f[6], r.rip);
}

/* ------------------------------------------------------- boot-domain options */

Test(boot_opts, defaults_and_options)
{
    struct pv_boot_opts o;

    cr_assert_eq(pv_parse_boot_opts("domain=unprivileged", &o), 0);
    cr_expect_eq(o.mem, 64ULL << 20);
    cr_expect_eq(o.vcpus, 1);
    cr_expect_str_eq(o.cmdline, "");
    cr_assert_eq(pv_parse_boot_opts("domain=unprivileged mem=32M vcpus=2 console=hvc0 quiet", &o), 0);
    cr_expect_eq(o.mem, 32ULL << 20);
    cr_expect_eq(o.vcpus, 2);
    cr_expect_str_eq(o.cmdline, "console=hvc0 quiet");
    /* "--" hands a mem= to the kernel */
    cr_assert_eq(pv_parse_boot_opts("domain=unprivileged -- mem=1G", &o), 0);
    cr_expect_eq(o.mem, 64ULL << 20);
    cr_expect_str_eq(o.cmdline, "mem=1G");
}

Test(boot_opts, bad_input_is_refused)
{
    struct pv_boot_opts o;

    cr_expect_eq(pv_parse_boot_opts("console=hvc0", &o), -EINVAL, "not a boot domain");
    cr_expect_eq(pv_parse_boot_opts("domain=unprivileged mem=", &o), -EINVAL);
    cr_expect_eq(pv_parse_boot_opts("domain=unprivileged mem=1K", &o), -EINVAL, "too small");
    cr_expect_eq(pv_parse_boot_opts("domain=unprivileged mem=64Mx", &o), -EINVAL);
    cr_expect_eq(pv_parse_boot_opts("domain=unprivileged vcpus=0", &o), -EINVAL);
    cr_expect_eq(pv_parse_boot_opts("domain=unprivileged vcpus=33", &o), -EINVAL);
    cr_expect_eq(pv_parse_boot_opts("domain=unprivileged vcpus=99999999999999999999", &o), -EINVAL);
}
