/*
 * abi_test.c — checks that our public headers (hypervisor/include/public)
 * describe the same binary interface as Xen 4.17's: every size, member
 * offset and constant listed in the defs/ lists is evaluated here against our
 * headers and compared with the value gen_expected.c obtained from Debian's
 * libxen-dev headers at build time (expected.h).  The Linux device ioctls of
 * dom0-tools/include/xen_ioctl.h are checked the same way against
 * linux-libc-dev's xen/{privcmd,evtchn,gntdev}.h.
 *
 * To check more of the ABI, add lines to a .def file; both sides pick them up.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <criterion/criterion.h>

#include <public/xen.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/callback.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/features.h>
#include <public/elfnote.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <public/platform.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/io/console.h>
#include <public/arch-x86/cpuid.h>
#include <public/io/ring.h>
#include <public/io/blkif.h>
#include <public/io/xenbus.h>
#include <public/io/netif.h>
#include "ring_types.h"
#include "xen_ioctl.h"          /* dom0-tools/include */

#include "expected.h"

struct item {
    const char *what;
    unsigned long long val;
};

#define SIZE(t)     { "sizeof(" #t ")", (unsigned long long)sizeof(t) },
#define OFF(t, m)   { "offsetof(" #t ", " #m ")", (unsigned long long)offsetof(t, m) },
#define VAL(c)      { #c, (unsigned long long)(c) },

static void compare(const struct item *ours, size_t n_ours,
                    const unsigned long long *exp, size_t n_exp)
{
    cr_assert_eq(n_ours, n_exp, "entry count differs (%zu here, %zu generated): "
                 "expected.h is stale", n_ours, n_exp);
    unsigned bad = 0;
    for (size_t i = 0; i < n_ours; i++) {
        if (ours[i].val != exp[i]) {
            cr_log_error("%s: ours 0x%llx (%llu), Xen 0x%llx (%llu)", ours[i].what,
                         ours[i].val, ours[i].val, exp[i], exp[i]);
            bad++;
        }
    }
    cr_expect_eq(bad, 0, "%u of %zu entries differ from Xen's headers", bad, n_ours);
}

Test(abi, xen_h)
{
    static const struct item ours[] = {
#include "defs/xen.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_xen,
            sizeof(expected_xen) / sizeof(expected_xen[0]));
}

Test(abi, arch_x86)
{
    static const struct item ours[] = {
#include "defs/arch_x86.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_arch,
            sizeof(expected_arch) / sizeof(expected_arch[0]));
}

Test(abi, event_channel_h)
{
    static const struct item ours[] = {
#include "defs/event_channel.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_evtchn,
            sizeof(expected_evtchn) / sizeof(expected_evtchn[0]));
}

Test(abi, sched_callback_vcpu_h)
{
    static const struct item ours[] = {
#include "defs/sched_vcpu.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_sched,
            sizeof(expected_sched) / sizeof(expected_sched[0]));
}

Test(abi, version_features_elfnote_h)
{
    static const struct item ours[] = {
#include "defs/version.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_version,
            sizeof(expected_version) / sizeof(expected_version[0]));
}

Test(abi, grant_table_h)
{
    static const struct item ours[] = {
#include "defs/grant_table.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_gnttab,
            sizeof(expected_gnttab) / sizeof(expected_gnttab[0]));
}

Test(abi, memory_physdev_h)
{
    static const struct item ours[] = {
#include "defs/memory_physdev.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_memory,
            sizeof(expected_memory) / sizeof(expected_memory[0]));
}

Test(abi, platform_console_h)
{
    static const struct item ours[] = {
#include "defs/platform_console.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_platform,
            sizeof(expected_platform) / sizeof(expected_platform[0]));
}

Test(abi, io_ring_h)
{
    static const struct item ours[] = {
#include "defs/ring.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_ring,
            sizeof(expected_ring) / sizeof(expected_ring[0]));
}

Test(abi, domctl_sysctl_h)
{
    static const struct item ours[] = {
#include "defs/domctl_sysctl.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_control,
            sizeof(expected_control) / sizeof(expected_control[0]));
}

Test(abi, linux_xen_ioctl_h)
{
    static const struct item ours[] = {
#include "defs/xen_ioctl.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_ioctl,
            sizeof(expected_ioctl) / sizeof(expected_ioctl[0]));
}

Test(abi, io_blkif_xenbus_h)
{
    static const struct item ours[] = {
#include "defs/blkif.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_blkif,
            sizeof(expected_blkif) / sizeof(expected_blkif[0]));
}

Test(abi, io_netif_h)
{
    static const struct item ours[] = {
#include "defs/netif.def"
    };
    compare(ours, sizeof(ours) / sizeof(ours[0]), expected_netif,
            sizeof(expected_netif) / sizeof(expected_netif[0]));
}

/* The ring macros work end to end: frontend and backend on one page. */
Test(abi, io_ring_protocol)
{
    static union { abit_sring_t s; uint8_t page[4096]; } shared;
    abit_front_ring_t front;
    abit_back_ring_t back;
    struct abit_req req;
    int notify, work;

    SHARED_RING_INIT(&shared.s);
    FRONT_RING_INIT(&front, &shared.s, 4096);
    BACK_RING_INIT(&back, &shared.s, 4096);
    cr_assert_eq(RING_SIZE(&front), __CONST_RING_SIZE(abit, 4096));
    cr_assert_eq(RING_FREE_REQUESTS(&front), RING_SIZE(&front));

    /* The backend asked to hear about request 1 (req_event starts at 1). */
    for (unsigned int i = 0; i < 3; i++) {
        RING_GET_REQUEST(&front, front.req_prod_pvt)->id = 100 + i;
        front.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
    cr_expect(notify, "first push must notify");
    cr_expect_eq(RING_HAS_UNCONSUMED_REQUESTS(&back), 3);
    RING_COPY_REQUEST(&back, back.req_cons, &req);
    cr_expect_eq(req.id, 100);
    back.req_cons += 3;
    RING_FINAL_CHECK_FOR_REQUESTS(&back, work);
    cr_expect_eq(work, 0);
    cr_expect_eq(shared.s.req_event, 4);

    RING_GET_RESPONSE(&back, back.rsp_prod_pvt)->status = -5;
    back.rsp_prod_pvt++;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
    cr_expect(notify);
    cr_expect_eq(RING_HAS_UNCONSUMED_RESPONSES(&front), 1);
    cr_expect_eq(RING_GET_RESPONSE(&front, front.rsp_cons)->status, -5);
    front.rsp_cons++;
    cr_expect_eq(RING_FREE_REQUESTS(&front), RING_SIZE(&front) - 2);

    /* A frontend claiming more requests than slots cannot make the backend overrun. */
    shared.s.req_prod = back.req_cons + 1000000;
    cr_expect_leq(RING_HAS_UNCONSUMED_REQUESTS(&back), RING_SIZE(&back));
    cr_expect(RING_REQUEST_PROD_OVERFLOW(&back, shared.s.req_prod));
}

/* Facts the Linux guest depends on that no Xen header states as a number. */
Test(abi, documented_offsets)
{
    cr_expect_eq(sizeof(struct start_info), 1168);
    cr_expect_eq(offsetof(struct start_info, cmd_line), 128);
    cr_expect_eq(sizeof(struct vcpu_info), 64);
    cr_expect_eq(offsetof(struct shared_info, evtchn_pending), 2048);
    cr_expect_eq(offsetof(struct shared_info, evtchn_mask), 2560);
    cr_expect_eq(offsetof(struct shared_info, wc_version), 3072);
    cr_expect_eq(offsetof(struct shared_info, arch), 3088);
    cr_expect_eq(sizeof(struct shared_info), 3136);
    cr_expect_eq(sizeof(struct multicall_entry), 64);
    cr_expect_eq(sizeof(struct xencons_interface), 1024 + 2048 + 16);
    cr_expect_eq(FIRST_RESERVED_GDT_ENTRY, 7168);
    cr_expect_eq(XEN_HYPERCALL_PAGE_ENTRIES * 32, 4096);
}
