/*
 * test_ptwr.c — host tests of writable page-table emulation
 * (arch/x86/pv/ptwr.c): decoding the instruction forms Linux uses on PTEs,
 * their effect on the entry, registers and flags, and the fault glue on a
 * real set of validated tables, including a write the MMU must refuse.
 * Instruction buffers are 16 bytes: the glue fetches that much, as from a
 * guest (the harness copies host memory without bounds).
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <asm/ptwr.h>
#include "harness.h"

TestSuite(ptwr, .init = h_setup, .fini = h_teardown);

#define B(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static struct ptwr_insn dec(const uint8_t *b, size_t n)
{
    struct ptwr_insn in;

    cr_assert_eq(ptwr_decode(b, n, &in), 0, "decode failed");
    return in;
}

Test(ptwr, decodes_linux_pte_writes)
{
    struct ptwr_insn in;

    in = dec(B(0x48, 0x87, 0x07));                      /* xchg %rax,(%rdi) */
    cr_expect_eq(in.op, PTWR_XCHG); cr_expect_eq(in.size, 8); cr_expect_eq(in.reg, 0);
    cr_expect_eq(in.len, 3);
    in = dec(B(0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05));    /* lock btrq $5,(%rdi) */
    cr_expect_eq(in.op, PTWR_BTR); cr_expect_eq(in.imm, 5); cr_expect_eq(in.len, 6);
    in = dec(B(0xf0, 0x80, 0x27, 0xfd));                /* lock andb $0xfd,(%rdi) */
    cr_expect_eq(in.op, PTWR_AND); cr_expect_eq(in.size, 1); cr_expect_eq(in.imm & 0xff, 0xfd);
    in = dec(B(0xf0, 0x80, 0x0f, 0x02));                /* lock orb $2,(%rdi) */
    cr_expect_eq(in.op, PTWR_OR); cr_expect_eq(in.size, 1);
    in = dec(B(0x48, 0x89, 0x37));                      /* mov %rsi,(%rdi) */
    cr_expect_eq(in.op, PTWR_MOV); cr_expect_eq(in.reg, 6);
    in = dec(B(0xf0, 0x48, 0x0f, 0xb1, 0x17));          /* lock cmpxchg %rdx,(%rdi) */
    cr_expect_eq(in.op, PTWR_CMPXCHG); cr_expect_eq(in.reg, 2);
    in = dec(B(0x48, 0xc7, 0x07, 0, 0, 0, 0));          /* movq $0,(%rdi) */
    cr_expect_eq(in.op, PTWR_MOV); cr_expect(in.has_imm); cr_expect_eq(in.len, 7);
    in = dec(B(0xf0, 0x48, 0x0f, 0xb3, 0x37));          /* lock btr %rsi,(%rdi) */
    cr_expect_eq(in.op, PTWR_BTR); cr_expect_not(in.has_imm);
    in = dec(B(0x48, 0x89, 0x44, 0x24, 0x08));          /* mov %rax,0x8(%rsp) */
    cr_expect_eq(in.len, 5);
    in = dec(B(0x4c, 0x89, 0x04, 0xc7));                /* mov %r8,(%rdi,%rax,8) */
    cr_expect_eq(in.reg, 8); cr_expect_eq(in.len, 4);
    in = dec(B(0x89, 0x87, 0x00, 0x01, 0x00, 0x00));    /* mov %eax,0x100(%rdi) */
    cr_expect_eq(in.size, 4); cr_expect_eq(in.len, 6);
    in = dec(B(0x48, 0x83, 0x27, 0xfd));                /* andq $-3,(%rdi) */
    cr_expect_eq(in.imm, 0xfffffffffffffffdULL, "sign-extended");
}

Test(ptwr, refuses_what_it_does_not_know)
{
    struct ptwr_insn in;

    cr_expect_eq(ptwr_decode(B(0x48, 0x89, 0xc7), &in), -EINVAL, "register destination");
    cr_expect_eq(ptwr_decode(B(0x48, 0x87), &in), -EINVAL, "truncated");
    cr_expect_eq(ptwr_decode(B(0xf0, 0x48, 0x0f, 0xba, 0x37), &in), -EINVAL, "no immediate");
    cr_expect_eq(ptwr_decode(B(0x48, 0x01, 0x07), &in), -EINVAL, "add");
    cr_expect_eq(ptwr_decode(B(0x48, 0x0f, 0xba, 0x27, 1), &in), -EINVAL, "bt (no write)");
    cr_expect_eq(ptwr_decode(B(0x48, 0x89, 0x44, 0x24), &in), -EINVAL, "missing disp8");
    cr_expect_eq(ptwr_decode(B(0xf0, 0xf0, 0xf0, 0xf0, 0xf0), &in), -EINVAL, "prefixes only");
    cr_expect_eq(ptwr_decode(NULL, 0, &in), -EINVAL);
}

Test(ptwr, execute_semantics)
{
    struct cpu_user_regs r = { 0 };
    struct ptwr_insn in;
    uint64_t out;
    bool w;

    in = dec(B(0x48, 0x87, 0x07));
    r.rax = 0x2222;
    cr_assert_eq(ptwr_execute(&in, 0x1111, 0, &r, &out, &w), 0);
    cr_expect_eq(out, 0x2222); cr_expect_eq(r.rax, 0x1111); cr_expect(w);

    in = dec(B(0xf0, 0x48, 0x0f, 0xb1, 0x17));          /* cmpxchg %rdx */
    r.rax = 0x5; r.rdx = 0x9;
    cr_assert_eq(ptwr_execute(&in, 0x5, 0, &r, &out, &w), 0);
    cr_expect_eq(out, 0x9); cr_expect(r.rflags & 0x40, "ZF on success"); cr_expect(w);
    r.rax = 0x6;
    cr_assert_eq(ptwr_execute(&in, 0x5, 0, &r, &out, &w), 0);
    cr_expect_not(w, "no store on failure"); cr_expect_eq(r.rax, 0x5);
    cr_expect_not(r.rflags & 0x40);

    in = dec(B(0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05));    /* btr $5 */
    cr_assert_eq(ptwr_execute(&in, 0x27, 0, &r, &out, &w), 0);
    cr_expect_eq(out, 0x07); cr_expect(r.rflags & 1, "CF = old bit");

    in = dec(B(0xf0, 0x80, 0x0f, 0x02));                /* orb $2 at byte 1 */
    cr_assert_eq(ptwr_execute(&in, 0x8000000000000001ULL, 1, &r, &out, &w), 0);
    cr_expect_eq(out, 0x8000000000000201ULL, "only byte 1 changes");

    in = dec(B(0x89, 0x07));                            /* mov %eax,(%rdi) high half */
    r.rax = 0xdeadbeef;
    cr_assert_eq(ptwr_execute(&in, 0x11112222, 4, &r, &out, &w), 0);
    cr_expect_eq(out, 0xdeadbeef11112222ULL);
    cr_expect_eq(ptwr_execute(&in, 0, 6, &r, &out, &w), -EINVAL, "straddles");

    in = dec(B(0xf0, 0x48, 0x0f, 0xb3, 0x37));          /* btr %rsi */
    r.rsi = 200;
    cr_expect_eq(ptwr_execute(&in, 0, 0, &r, &out, &w), -EINVAL, "bit outside the entry");
}

/* Guest tables where the L1 frame is mapped read-only at va L1VA. */
struct env { mfn_t l4, l1, data[2]; unsigned long l1va; };
static struct env setup_env(void)
{
    struct env e;
    struct mmuext_op op = { .cmd = MMUEXT_PIN_L4_TABLE };

    e.l4 = h_build_tables(hdom[1], 2, NULL, NULL, &e.l1, e.data);
    e.l1va = (2 + 3) * 4096UL;              /* h_build_tables maps the L1 after the data */
    op.arg1.mfn = e.l4;
    cr_assert_eq(pv_mmuext_op_one(hdom[1]->vcpu[0], &op, hdom[1]), 0);
    op.cmd = MMUEXT_NEW_BASEPTR;
    cr_assert_eq(pv_mmuext_op_one(hdom[1]->vcpu[0], &op, hdom[1]), 0);
    return e;
}

Test(ptwr, xchg_clears_a_pte_like_ptep_get_and_clear)
{
    struct env e = setup_env();
    static const uint8_t code[16] = { 0x48, 0x87, 0x07, 0x90 };
    struct cpu_user_regs r = { .rip = (uint64_t)code, .rax = 0 };
    pte_t before = h_map(e.l1)[1];

    cr_assert_eq(pv_ptwr_fault(hdom[1]->vcpu[0], e.l1va + 8, &r), 0);
    cr_expect_eq(h_map(e.l1)[1], 0);
    cr_expect_eq(r.rax, before, "old entry returned");
    cr_expect_eq(r.rip, (uint64_t)code + 3);
    cr_expect_eq(h_tcount(e.data[1]), 0, "writable reference released");
}

Test(ptwr, lock_btr_write_protects)
{
    struct env e = setup_env();
    static const uint8_t code[16] = { 0xf0, 0x48, 0x0f, 0xba, 0x37, 0x01 };  /* btr $1 = RW */
    struct cpu_user_regs r = { .rip = (uint64_t)code };

    cr_assert_eq(pv_ptwr_fault(hdom[1]->vcpu[0], e.l1va + 0, &r), 0);
    cr_expect_not(h_map(e.l1)[0] & _PAGE_RW);
    cr_expect(r.rflags & 1, "CF: it was writable");
    cr_expect_eq(h_tcount(e.data[0]), 0);
}

Test(ptwr, unsafe_write_is_refused_and_nothing_changes)
{
    struct env e = setup_env();
    static const uint8_t code[16] = { 0x48, 0x87, 0x07 };
    struct cpu_user_regs r = { .rip = (uint64_t)code };
    pte_t before = h_map(e.l1)[1];

    /* Map the L1 itself writable: the MMU refuses. */
    r.rax = h_pte(e.l1, _PAGE_PRESENT | _PAGE_RW);
    cr_expect_eq(pv_ptwr_fault(hdom[1]->vcpu[0], e.l1va + 8, &r), -EBUSY);
    cr_expect_eq(h_map(e.l1)[1], before);
    cr_expect_eq(r.rax, h_pte(e.l1, _PAGE_PRESENT | _PAGE_RW), "registers untouched");
    cr_expect_eq(r.rip, (uint64_t)code, "not skipped");
}

Test(ptwr, faults_outside_page_tables_are_not_ours)
{
    struct env e = setup_env();
    static const uint8_t code[16] = { 0x48, 0x89, 0x07 };
    static const uint8_t junk[16] = { 0x0f, 0x0b };
    struct cpu_user_regs r = { .rip = (uint64_t)code };

    cr_expect_eq(pv_ptwr_fault(hdom[1]->vcpu[0], 0x0, &r), -EINVAL, "a data page");
    cr_expect_eq(pv_ptwr_fault(hdom[1]->vcpu[0], 0x7f0000000000UL, &r), -EINVAL, "unmapped");
    r.rip = (uint64_t)junk;
    cr_expect_eq(pv_ptwr_fault(hdom[1]->vcpu[0], e.l1va, &r), -EINVAL, "ud2 is not a write");
    r.rip = 0xffff800000000000UL;
    cr_expect_eq(pv_ptwr_fault(hdom[1]->vcpu[0], e.l1va, &r), -EINVAL, "unreadable RIP");
}
