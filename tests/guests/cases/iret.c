/*
 * iret.c — the iret hypercall's own semantics, driven with hand-built
 * frames (RAX, R11, RCX, flags, RIP, CS, RFLAGS, RSP, SS) through a direct
 * `syscall`: RAX/RCX/R11 come back from the frame; with VGCF_in_syscall
 * (flags 0x100) RCX/R11 are not restored but hold the return RIP and the
 * real RFLAGS as after a sysret (IF always set: the mask is virtual); the event mask becomes !RFLAGS.IF; returning with IF
 * set while an event is pending delivers the upcall at once, at the return
 * RIP; CS with RPL 0 stays in kernel mode.
 */
#include "guest.h"

const char test_title[] = "iret hypercall semantics";

struct iret_out { uint64_t rax, rcx, r11; };

extern char iret_back[];
void do_iret(uint64_t rflags, uint64_t flags, struct iret_out *out);
__asm__(".pushsection .text\n"
        "do_iret:\n"
        " push %rbx\n"
        " mov %rdx, %rbx\n"                 /* out */
        " mov %rsp, %r9\n"
        " push $0xe02b\n"                   /* SS */
        " push %r9\n"                       /* RSP: back where we are */
        " push %rdi\n"                      /* RFLAGS */
        " push $0xe030\n"                   /* CS, RPL 0: stay in kernel mode */
        " lea iret_back(%rip), %rax\n push %rax\n"   /* RIP */
        " push %rsi\n"                      /* flags */
        " push $0x3333\n"                   /* RCX */
        " push $0x1111\n"                   /* R11 */
        " push $0x7777\n"                   /* RAX */
        " mov $23, %eax\n syscall\n ud2\n"
        "iret_back:\n"
        " mov %rax, 0(%rbx)\n mov %rcx, 8(%rbx)\n mov %r11, 16(%rbx)\n"
        " pop %rbx\n ret\n"
        ".popsection\n");

static volatile uint64_t ev_rip;

static bool on_event(struct cpu_regs *r)
{
    ev_rip = r->rip;
    return true;
}

void test_main(void)
{
    struct iret_out o;
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    struct evtchn_send s;
    unsigned long ev0;
    uint16_t cs;

    /* plain return, IF clear: registers from the frame, events masked */
    vcpu0->evtchn_upcall_mask = 0;
    do_iret(0x2, 0, &o);
    if (o.rax != 0x7777 || o.rcx != 0x3333 || o.r11 != 0x1111)
        test_fail("registers after iret: rax %#lx rcx %#lx r11 %#lx",
                  (unsigned long)o.rax, (unsigned long)o.rcx, (unsigned long)o.r11);
    if (vcpu0->evtchn_upcall_mask != 1)
        test_fail("iret with IF clear left upcall_mask %u", vcpu0->evtchn_upcall_mask);
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    if (cs != FLAT_KERNEL_CS)
        test_fail("CS after an iret with RPL 0 is %#x", cs);
    if (hc_xen_version(XENVER_version, NULL) <= 0)
        test_fail("hypercalls fail after iret: not in kernel mode?");

    /* VGCF_in_syscall: RCX/R11 as after sysret */
    do_iret(0x2, 0x100, &o);
    if (o.rax != 0x7777 || o.rcx != (unsigned long)iret_back || (o.r11 & ~0x10000UL) != 0x202)
        test_fail("VGCF_in_syscall: rax %#lx rcx %#lx r11 %#lx, expected rcx = %p, r11 = 0x202",
                  (unsigned long)o.rax, (unsigned long)o.rcx, (unsigned long)o.r11,
                  (void *)iret_back);
    if (vcpu0->evtchn_upcall_mask != 1)
        test_fail("iret (in_syscall) with IF clear left upcall_mask %u", vcpu0->evtchn_upcall_mask);

    /* IF set with an event pending: the upcall comes at the return RIP */
    set_trap_handler(VEC_EVENT, on_event);
    if (hc_event_channel_op(EVTCHNOP_bind_ipi, &bi))
        test_abort("bind_ipi failed");
    s.port = bi.port;
    hc_event_channel_op(EVTCHNOP_send, &s);
    if (!vcpu0->evtchn_upcall_pending)
        test_fail("send did not raise upcall_pending");
    ev0 = nr_events;
    do_iret(0x202, 0, &o);
    vcpu0->evtchn_upcall_mask = 1;
    if (nr_events != ev0 + 1)
        test_fail("%lu upcalls on iret with IF set and an event pending, expected 1",
                  nr_events - ev0);
    else if (ev_rip != (unsigned long)iret_back)
        test_fail("upcall frame rip %#lx, expected the iret target %p", (unsigned long)ev_rip,
                  (void *)iret_back);
    if (o.rax != 0x7777 || o.rcx != 0x3333 || o.r11 != 0x1111)
        test_fail("registers after iret + upcall: rax %#lx rcx %#lx r11 %#lx",
                  (unsigned long)o.rax, (unsigned long)o.rcx, (unsigned long)o.r11);
}
