/*
 * test_errors.c — errno names and the "operation (dom N): ENAME
 * (description)" messages every libctrl failure carries.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include "xc.h"

Test(ctrl_errors, names_either_sign)
{
    cr_assert_str_eq(errno_name(EINVAL), "EINVAL");
    cr_assert_str_eq(errno_name(-EINVAL), "EINVAL");
    cr_assert_str_eq(errno_name(-ESRCH), "ESRCH");
    cr_assert_str_eq(errno_name(-ENOMEM), "ENOMEM");
    cr_assert_str_eq(errno_desc(-EINVAL), "invalid argument");
    cr_assert_str_eq(errno_name(-4242), "E4242");
    cr_assert_str_eq(errno_desc(-4242), "unknown error");
}

Test(ctrl_errors, message_format)
{
    struct errbuf eb;
    eb_clear(&eb);
    int rc = eb_fail(&eb, -EINVAL, "domctl %s (dom %u)", "createdomain", 0u);
    cr_assert_eq(rc, -EINVAL);
    cr_assert_eq(eb.err, -EINVAL);
    cr_assert_str_eq(eb.msg, "domctl createdomain (dom 0): EINVAL (invalid argument)");
}

Test(ctrl_errors, first_failure_wins_and_positive_is_negated)
{
    struct errbuf eb;
    eb_clear(&eb);
    cr_assert_eq(eb_fail(&eb, ENOMEM, "populate (dom 3)"), -ENOMEM);
    cr_assert_eq(eb_fail(&eb, -EIO, "later"), -EIO);
    cr_assert_str_eq(eb.msg, "populate (dom 3): ENOMEM (cannot allocate memory)");
    /* a zero error must never read as success */
    struct errbuf e2;
    eb_clear(&e2);
    cr_assert_lt(eb_msg(&e2, 0, "x"), 0);
    cr_assert_eq(eb_fail(NULL, -EPERM, "no buffer"), -EPERM);
}

Test(ctrl_errors, long_message_truncated_safely)
{
    struct errbuf eb;
    char big[4000];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    eb_clear(&eb);
    eb_fail(&eb, -EIO, "%s", big);
    cr_assert_lt(strlen(eb.msg), sizeof(eb.msg));
}
