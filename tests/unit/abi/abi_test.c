/*
 * abi_test.c — checks that our public headers (hypervisor/include/public)
 * describe the same binary interface as Xen 4.17's: every size, member
 * offset and constant listed in the defs/ lists is evaluated here against our
 * headers and compared with the value gen_expected.c obtained from Debian's
 * libxen-dev headers at build time (expected.h).
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
#include <public/io/console.h>
#include <public/arch-x86/cpuid.h>

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
