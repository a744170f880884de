/*
 * test_abi.c — our domctl.h/sysctl.h (interface 0x15) against the numbers
 * gen_expected.c took from Debian's libxen-dev: every size, offset and
 * constant listed in layout.def must match.
 */
#include <criterion/criterion.h>
#include <stddef.h>
#include <string.h>
#include <public/domctl.h>
#include <public/sysctl.h>

struct entry { const char *name; unsigned long long value; };

static const struct entry expected[] = {
#include "ctrl_expected.h"
};

#define SZ(t) { "sizeof " #t, sizeof(struct t) },
#define OFF(t, f) { "offsetof " #t "." #f, offsetof(struct t, f) },
#define VAL(v) { #v, (unsigned long long)(v) },
static const struct entry ours[] = {
#include "layout.def"
};

Test(ctrl_abi, domctl_sysctl_match_xen_4_17)
{
    cr_assert_eq(sizeof(ours) / sizeof(ours[0]), sizeof(expected) / sizeof(expected[0]));
    for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
        cr_assert_str_eq(ours[i].name, expected[i].name);
        cr_expect_eq(ours[i].value, expected[i].value, "%s: ours %llu, Xen 4.17 %llu",
                     ours[i].name, ours[i].value, expected[i].value);
    }
}
