/*
 * test_control.c - XS_CONTROL and INTRODUCE as C xenstored 4.17 (Debian's
 * build) answers them: the help and quota texts byte for byte, the argument
 * rules of each command, per-domain quota usage, untranslatable errors as
 * EINVAL, and INTRODUCE of dom0 answering OK.  Suite 40 also diffs the
 * same requests against Debian's daemon on the wire.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

static struct conn *d0, *g;

static void setup(void)
{
    h_setup();
    d0 = h_conn(0);
    h_req(d0, XS_MKDIR, 0, "/local/domain/5", NULL);
    h_req(d0, XS_SET_PERMS, 0, "/local/domain/5", "n5", NULL);
    g = h_conn(5);
}

TestSuite(control, .init = setup, .fini = h_teardown);

Test(control, help_text_is_c_xenstoreds)
{
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "help", NULL),
        "CONTROL check\t\nlog\ton|off\n"
        "live-update\t[-c <cmdline>] [-F] [-t <timeout>] <file>\n"
        "    Default timeout is 60 seconds.\n"
        "logfile\t<file>\nmemreport\t[<file>]\nprint\t<string>\n"
        "quota\t[set <name> <val>|<domid>]\nquota-soft\t[set <name> <val>]\n"
        "help\t\n|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "help", "x", NULL), "ERROR EINVAL|");
}

Test(control, quota_tables_are_c_xenstoreds)
{
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", NULL),
        "CONTROL Quota settings:\n"
        "nodes            :     1000 Nodes per domain\n"
        "watches          :      128 Watches per domain\n"
        "transactions     :       10 Transactions per domain\n"
        "outstanding      :       20 Outstanding requests per domain\n"
        "transaction-nodes:     1024 Max. number of accessed nodes per transaction\n"
        "memory           :  2621440 Total Xenstore memory per domain (error level)\n"
        "node-size        :     2048 Max. size of a node\n"
        "path-max         :     2048 Max. length of a node path\n"
        "permissions      :        5 Max. number of permissions per node\n|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota-soft", NULL),
        "CONTROL Quota settings:\n"
        "memory           :  2097152 Total Xenstore memory per domain (warning level)\n|");
}

Test(control, quota_set_parses_like_atoi)
{
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "set", "nodes", "7x", NULL),
                     "CONTROL OK|");
    cr_assert_eq(xsd_quota.entry_nb, 7);
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "set", "path-max", "99", NULL),
                     "CONTROL OK|");
    cr_assert_eq(xsd_quota.path_max, 99);
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "set", "nodes", "0", NULL),
                     "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "set", "nodes", "-3", NULL),
                     "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "set", "nodes", "abc", NULL),
                     "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "set", "nodes", NULL),
                     "ERROR EINVAL|");
    /* the old name of path-max is not C's */
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "set", "path-length", "5", NULL),
                     "ERROR EINVAL|");
    cr_assert_eq(xsd_quota.entry_nb, 7);
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota-soft", "set", "memory", "100", NULL),
                     "CONTROL OK|");
    cr_assert_eq(xsd_quota.memory_soft, 100);
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota-soft", "set", "nodes", "5", NULL),
                     "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota-soft", "0", NULL),
                     "ERROR EINVAL|");
    /* quotas changed at run time apply at once */
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "set", "watches", "1", NULL),
                     "CONTROL OK|");
    cr_assert_str_eq(h_req(g, XS_WATCH, 0, "a", "1", NULL), "WATCH OK|");
    cr_assert_str_eq(h_req(g, XS_WATCH, 0, "a", "2", NULL), "ERROR E2BIG|");
}

Test(control, quota_of_a_domain)
{
    const char *r;

    h_req(g, XS_WATCH, 0, "a", "1", NULL);
    h_req(g, XS_WRITE, 0, "x", "12345", NULL);
    r = h_req(d0, XS_CONTROL, 0, "quota", "5", NULL);
    cr_assert(!strncmp(r, "CONTROL Domain 5:\nnodes           :        2\n", 44), "%s", r);
    cr_assert(strstr(r, "\nwatches         :        1\n"), "%s", r);
    cr_assert(strstr(r, "\ntransactions    :        0\n"), "%s", r);
    cr_assert(strstr(r, "\noutstanding     :"), "%s", r);
    cr_assert(strstr(r, "\nmemory          :"), "%s", r);
    /* atoi: a non-number is dom0, which always exists */
    r = h_req(d0, XS_CONTROL, 0, "quota", "abc", NULL);
    cr_assert(!strncmp(r, "CONTROL Domain 0:\n", 18), "%s", r);
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "77", NULL), "ERROR ENOENT|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "quota", "0", "1", NULL), "ERROR EINVAL|");
}

Test(control, argument_rules)
{
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "check", NULL), "CONTROL OK|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "check", "x", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "log", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "log", "x", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "log", "off", NULL), "CONTROL OK|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "print", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "print", "a", "b", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "print", "a", NULL), "CONTROL OK|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "logfile", NULL), "ERROR EINVAL|");
    /* no trace file: C's EBADF has no wire name and goes out as EINVAL */
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "memreport", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "memreport", "a", "b", NULL),
                     "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "memreport", "/dev/null", NULL),
                     "CONTROL OK|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "live-update", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "live-update", "-a", NULL),
                     "CONTROL No live-update session active.|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "live-update", "-s", "-F", NULL),
                     "CONTROL Not in live-update session.|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "live-update", "-s", "-x", NULL),
                     "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_CONTROL, 0, "nosuch", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(g, XS_CONTROL, 0, "help", NULL), "ERROR EACCES|");
}

Test(control, introduce_dom0_is_ok)
{
    cr_assert_str_eq(h_req(d0, XS_INTRODUCE, 0, "0", "0", "1", NULL), "INTRODUCE OK|");
    cr_assert_str_eq(h_req(d0, XS_INTRODUCE, 0, "0", "12", "1", NULL), "INTRODUCE OK|");
    /* the frame number is not checked, the port must be positive */
    cr_assert_str_eq(h_req(d0, XS_INTRODUCE, 0, "0", "abc", "1", NULL), "INTRODUCE OK|");
    cr_assert_str_eq(h_req(d0, XS_INTRODUCE, 0, "0", "0", "0", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_INTRODUCE, 0, "0", "0", "abc", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(d0, XS_INTRODUCE, 0, "0", "0", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(g, XS_INTRODUCE, 0, "0", "0", "1", NULL), "ERROR EACCES|");
    cr_assert_str_eq(h_req(d0, XS_IS_DOMAIN_INTRODUCED, 0, "0", NULL),
                     "IS_DOMAIN_INTRODUCED T|");
}
