/*
 * xsa_more.c — more Xen Security Advisory patterns a 64-bit PV kernel can
 * try on its own, beside xsa_pv (same conventions: every answer is the one
 * Xen 4.17 gave, each part prints "XSA-<n>: done"; docs/xsa.md lists them):
 * SYSENTER from user mode, plain and with NT or TF set; IF through the iret
 * hypercall and popf; a GNTTABOP_copy batch with a bad entry between good
 * ones; MMUEXT_CLEAR_PAGE / COPY_PAGE on page tables and absent frames;
 * MMU_MACHPHYS_UPDATE of frames not ours; PSE in L3/L4 entries; a page
 * table whose validation fails part-way; event channel ports across
 * EVTCHNOP_reset.
 */
#include "guest.h"
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/event_channel.h>

const char test_title[] = "more XSA patterns for x86 PV (single domain)";

static grant_entry_v1_t gnttab[512] __aligned(4096);
static char frame1[4096] __aligned(4096);
static char frame2[4096] __aligned(4096);
static char spare[4096] __aligned(4096);

#define EFLAGS_TF 0x100UL
#define EFLAGS_IF 0x200UL
#define EFLAGS_NT 0x4000UL

static void done(unsigned int xsa)
{
    printk("XSA-%u: done\n", xsa);
}

static domid_t self_id(void)
{
    return start_info->flags & SIF_INITDOMAIN ? 0 : DOMID_SELF;
}

/* ------------------------------------------------ SYSENTER (339, 44, 8) */

extern char u_sysenter[], u_sysenter_nt[], u_sysenter_tf[];
extern char u_se[], u_se_nt[], u_se_tf[];
__asm__(".pushsection .text\n"
        "u_sysenter: u_se: sysenter\n ud2\n"
        "u_sysenter_nt: pushfq\n orq $0x4000, (%rsp)\n popfq\n u_se_nt: sysenter\n ud2\n"
        "u_sysenter_tf: pushfq\n orq $0x100, (%rsp)\n popfq\n u_se_tf: sysenter\n ud2\n"
        ".popsection\n");

/* A user-mode SYSENTER must come back to the guest kernel as exactly one
 * exception from user mode (XSA-339: Xen once delivered its #GP twice, the
 * second time as a kernel fault); NT (XSA-44) or TF (XSA-8) set on the way
 * in must not take the hypervisor down.  Under QEMU's TCG the qemu64 CPU
 * (vendor AMD) raises #UD for SYSENTER in 64-bit mode, as AMD CPUs do, so
 * the hypervisor's SYSENTER path is never reached here: both hypervisors
 * deliver that #UD at the instruction. */
static void sysenter_part(const char *what, void *fn, void *insn)
{
    long vec = exec_user((void (*)(void))fn);

    printk("%s: vector %ld ec %#lx cs %#lx rip %#lx rflags %#lx\n", what, vec,
           (unsigned long)user_exit.error_code, (unsigned long)user_exit.cs,
           (unsigned long)user_exit.rip, (unsigned long)user_exit.rflags);
    if (vec != X86_EXC_UD)
        test_fail("%s: came back as %ld, expected #UD", what, vec);
    else if (user_exit.rip != (uint64_t)insn)
        test_fail("%s: #UD at %#lx, expected %#lx", what, (unsigned long)user_exit.rip,
                  (unsigned long)insn);
    if ((user_exit.cs & 3) != 3)
        test_fail("%s: frame cs %#lx lacks RPL 3", what, (unsigned long)user_exit.cs);
}

static void xsa339(void)
{
    sysenter_part("XSA-339: user sysenter", u_sysenter, u_se);
    CHECK_RC("XSA-339: a hypercall after it", hc_xen_version(XENVER_version, NULL) >> 16, 4);
    done(339);
    sysenter_part("XSA-44: user sysenter with NT", u_sysenter_nt, u_se_nt);
    done(44);
    sysenter_part("XSA-8: user sysenter with TF", u_sysenter_tf, u_se_tf);
    done(8);
}

/* ------------------------------------------------ IF (202) */

static volatile unsigned int bp_hits;

static bool on_bp_clear_if(struct cpu_regs *r)
{
    bp_hits++;
    r->rflags &= ~EFLAGS_IF;
    return true;
}

static unsigned long read_flags(void)
{
    unsigned long f;

    __asm__ volatile("pushfq\n popq %0" : "=r"(f) :: "memory");
    return f;
}

/* XSA-202: a PV guest must never run with the real IF clear.  The iret
 * hypercall turns a frame's IF = 0 into the event mask, and popf of IF = 0
 * in the guest kernel (ring 3, IOPL 0) changes nothing. */
static void xsa202(void)
{
    uint8_t mask = vcpu0->evtchn_upcall_mask;
    unsigned long f;

    set_trap_handler(X86_EXC_BP, on_bp_clear_if);
    vcpu0->evtchn_upcall_mask = 0;
    __asm__ volatile("int3" ::: "memory");
    f = read_flags();
    printk("XSA-202: after an iret with IF clear: rflags %#lx, upcall mask %u\n", f,
           vcpu0->evtchn_upcall_mask);
    if (bp_hits != 1)
        test_fail("XSA-202: int3 handler ran %u times", bp_hits);
    if (!(f & EFLAGS_IF))
        test_fail("XSA-202: the iret left the real IF clear (rflags %#lx)", f);
    if (vcpu0->evtchn_upcall_mask != 1)
        test_fail("XSA-202: the iret's IF = 0 did not set the event mask (%u)",
                  vcpu0->evtchn_upcall_mask);
    __asm__ volatile("pushq %0\n popfq" :: "r"(read_flags() & ~EFLAGS_IF) : "memory", "cc");
    f = read_flags();
    if (!(f & EFLAGS_IF))
        test_fail("XSA-202: popf cleared the real IF (rflags %#lx)", f);
    vcpu0->evtchn_upcall_mask = mask;
    set_trap_handler(X86_EXC_BP, NULL);
    done(202);
}

/* ------------------------------------------------ grant copy batch (318) */

/* XSA-318: a GNTTABOP_copy batch with a failing entry between good ones:
 * each entry gets its own status, the good ones are all done. */
static void xsa318(void)
{
    struct gnttab_copy c[3];
    unsigned int i;

    for (i = 0; i < 4096; i++)
        frame1[i] = (char)(i * 7 + 1);
    memset(frame2, 0, sizeof(frame2));
    gnttab[20].domid = 0;
    gnttab[20].frame = (uint32_t)virt_to_mfn(frame1);
    __atomic_store_n(&gnttab[20].flags, GTF_permit_access, __ATOMIC_SEQ_CST);
    __atomic_store_n(&gnttab[21].flags, 0, __ATOMIC_SEQ_CST);
    memset(c, 0, sizeof(c));
    for (i = 0; i < 3; i++) {
        c[i].source.u.ref = i == 1 ? 21 : 20;
        c[i].source.domid = self_id();
        c[i].source.offset = (uint16_t)(i * 100);
        c[i].dest.u.gmfn = virt_to_mfn(frame2);
        c[i].dest.domid = DOMID_SELF;
        c[i].dest.offset = (uint16_t)(i * 100);
        c[i].len = 16;
        c[i].flags = GNTCOPY_source_gref;
        c[i].status = 99;
    }
    CHECK_RC("XSA-318: copy batch", hc_grant_table_op(GNTTABOP_copy, c, 3), 0);
    printk("XSA-318: statuses %d %d %d\n", c[0].status, c[1].status, c[2].status);
    CHECK_RC("XSA-318: entry 0", c[0].status, GNTST_okay);
    CHECK_RC("XSA-318: entry 1 (not granted)", c[1].status, GNTST_general_error);
    CHECK_RC("XSA-318: entry 2", c[2].status, GNTST_okay);
    if (memcmp(frame2, frame1, 16) || memcmp(frame2 + 200, frame1 + 200, 16))
        test_fail("XSA-318: a good entry was not copied");
    for (i = 100; i < 116; i++)
        if (frame2[i])
            test_fail("XSA-318: the failed entry wrote byte %u", i);
    __atomic_store_n(&gnttab[20].flags, 0, __ATOMIC_SEQ_CST);
    done(318);
}

/* ------------------------------------------------ page operations (109, 113, 176) */

static long mmuext2(unsigned int cmd, uint64_t mfn, uint64_t src)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn, .arg2.src_mfn = src };

    return hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* XSA-109: MMUEXT_CLEAR_PAGE / COPY_PAGE must check the frames' types and
 * ownership (the HVM variant reached an unchecked frame). */
static void xsa109(void)
{
    unsigned long l4 = virt_to_mfn((void *)start_info->pt_base), sp = virt_to_mfn(spare);
    unsigned int i;

    memset(spare, 0x77, sizeof(spare));
    CHECK_RC("XSA-109: CLEAR_PAGE of the L4", mmuext2(MMUEXT_CLEAR_PAGE, l4, 0), -XEN_EINVAL);
    CHECK_RC("XSA-109: CLEAR_PAGE of an absent frame", mmuext2(MMUEXT_CLEAR_PAGE, 0xfffffffUL, 0),
             -XEN_EINVAL);
    CHECK_RC("XSA-109: COPY_PAGE into the L4", mmuext2(MMUEXT_COPY_PAGE, l4, sp), -XEN_EINVAL);
    CHECK_RC("XSA-109: COPY_PAGE from an absent frame",
             mmuext2(MMUEXT_COPY_PAGE, sp, 0xfffffffUL), -XEN_EINVAL);
    if (spare[0] != 0x77)
        test_fail("XSA-109: a refused op changed the page");
    CHECK_RC("XSA-109: COPY_PAGE from the L4", mmuext2(MMUEXT_COPY_PAGE, sp, l4), 0);
    if (memcmp(spare, (void *)start_info->pt_base, 4096))
        test_fail("XSA-109: COPY_PAGE did not copy");
    CHECK_RC("XSA-109: CLEAR_PAGE of an own page", mmuext2(MMUEXT_CLEAR_PAGE, sp, 0), 0);
    for (i = 0; i < 4096; i++)
        if (spare[i]) {
            test_fail("XSA-109: CLEAR_PAGE left byte %u", i);
            break;
        }
    done(109);
}

/* XSA-113: MMU_MACHPHYS_UPDATE must refuse frames the guest does not own
 * (it once leaked a page reference on the way). */
static void xsa113(void)
{
    struct mmu_update u;
    unsigned long mfn = virt_to_mfn(spare);

    u.ptr = (0xfffffffUL << 12) | MMU_MACHPHYS_UPDATE;
    u.val = 0x100;
    CHECK_RC("XSA-113: machphys of an absent frame", hc_mmu_update(&u, 1, NULL, DOMID_SELF),
             -XEN_EINVAL);
    u.ptr = (1UL << 12) | MMU_MACHPHYS_UPDATE;
    CHECK_RC("XSA-113: machphys of an I/O frame (MFN 1)", hc_mmu_update(&u, 1, NULL, DOMID_SELF),
             -XEN_EINVAL);
    u.ptr = ((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE;
    u.val = (unsigned long)spare >> 12;       /* its pfn: the image is mapped at virtual 0 */
    CHECK_RC("XSA-113: machphys of an own frame (unchanged)",
             hc_mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    done(113);
}

/* XSA-176: the PS bit is reserved in L4 entries and refused in L3 entries
 * of PV guests (no 1 GiB pages). */
static void xsa176(void)
{
    uint64_t *l4 = (uint64_t *)start_info->pt_base;
    uint64_t *l3 = table_va(l4[0]);
    uint64_t ps = 0x80, val = ((uint64_t)virt_to_mfn(spare) << 12) | 0x67;

    if (l4[1] & 1 || l3[300] & 1)
        test_abort("XSA-176: L4 slot 1 or L3 slot 300 in use");
    CHECK_RC("XSA-176: L3 entry with PS", pte_update(&l3[300], 0x40000000UL | ps | 0x67),
             -XEN_EINVAL);
    CHECK_RC("XSA-176: L4 entry with PS", pte_update(&l4[1], val | ps), -XEN_EINVAL);
    CHECK_RC("XSA-176: the L3 slot stays empty", l3[300], 0);
    CHECK_RC("XSA-176: the L4 slot stays empty", l4[1], 0);
    done(176);
}

/* XSA-58: a page table whose validation fails part-way (entry 0 good,
 * entry 1 bad) must give back what the good entries took: afterwards the
 * L2 that entry 0 named is an ordinary page again. */
static char pt_l3[4096] __aligned(4096);
static char pt_l2[4096] __aligned(4096);

static void xsa58(void)
{
    uint64_t *l3 = (uint64_t *)pt_l3;

    memset(pt_l3, 0, sizeof(pt_l3));
    memset(pt_l2, 0, sizeof(pt_l2));
    l3[0] = ((uint64_t)virt_to_mfn(pt_l2) << 12) | 0x67;
    l3[1] = (0xfffffffUL << 12) | 0x67;                 /* no such frame */
    CHECK_RC("XSA-58: L2 read-only", remap(pt_l2, 0x25), 0);
    CHECK_RC("XSA-58: L3 read-only", remap(pt_l3, 0x25), 0);
    CHECK_RC("XSA-58: pin the L3", mmuext(MMUEXT_PIN_L3_TABLE, virt_to_mfn(pt_l3)), -XEN_EINVAL);
    CHECK_RC("XSA-58: the L2 writable again", remap(pt_l2, 0x67), 0);
    CHECK_RC("XSA-58: the L3 writable again", remap(pt_l3, 0x67), 0);
    /* The same L2, still empty, now pins and unpins as an L2. */
    CHECK_RC("XSA-58: L2 read-only again", remap(pt_l2, 0x25), 0);
    CHECK_RC("XSA-58: pin it as an L2", mmuext(MMUEXT_PIN_L2_TABLE, virt_to_mfn(pt_l2)), 0);
    CHECK_RC("XSA-58: unpin it", mmuext(MMUEXT_UNPIN_TABLE, virt_to_mfn(pt_l2)), 0);
    CHECK_RC("XSA-58: the L2 writable at last", remap(pt_l2, 0x67), 0);
    done(58);
}

/* ------------------------------------------------ event channels (338) */

/* XSA-338: ports that were valid stay valid: after EVTCHNOP_reset the old
 * ports answer as closed ports do, and allocation starts again at 1. */
static void xsa338(void)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_reset rs = { .dom = DOMID_SELF };
    struct evtchn_status st;
    evtchn_port_t last = 0;
    unsigned int i;

    for (i = 0; i < 100; i++) {
        CHECK_RC("XSA-338: alloc_unbound", hc_event_channel_op(EVTCHNOP_alloc_unbound, &a), 0);
        last = a.port;
    }
    printk("XSA-338: 100 ports, the last %u\n", last);
    CHECK_RC("XSA-338: reset", hc_event_channel_op(EVTCHNOP_reset, &rs), 0);
    memset(&st, 0, sizeof(st));
    st.dom = DOMID_SELF;
    st.port = last;
    CHECK_RC("XSA-338: status of an old port", hc_event_channel_op(EVTCHNOP_status, &st), 0);
    CHECK_RC("XSA-338: it is closed", st.status, EVTCHNSTAT_closed);
    CHECK_RC("XSA-338: close of an old port", hc_event_channel_op(EVTCHNOP_close, &last), -XEN_EINVAL);
    CHECK_RC("XSA-338: send on an old port", hc_event_channel_op(EVTCHNOP_send, &last), -XEN_EINVAL);
    CHECK_RC("XSA-338: alloc again", hc_event_channel_op(EVTCHNOP_alloc_unbound, &a), 0);
    CHECK_RC("XSA-338: the first port again", a.port, 1);
    done(338);
}

void test_main(void)
{

    gnttab_map_own(gnttab);

    xsa339();
    xsa202();
    xsa318();
    xsa109();
    xsa113();
    xsa176();
    xsa58();
    xsa338();
}
