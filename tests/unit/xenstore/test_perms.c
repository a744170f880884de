/*
 * test_perms.c - Xen's permission semantics: owner gets everything, listed
 * domains get their letter, everyone else the owner entry's letter, dom0
 * and target domains are privileged, created nodes inherit with the guest as
 * owner, and ENOENT vs EACCES depends on what the caller may know.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

static struct conn *d0;

static void setup(void)
{
    h_setup();
    d0 = h_conn(0);
    /* what a toolstack does for a new guest */
    h_req(d0, XS_MKDIR, 0, "/local/domain/5", NULL);
    h_req(d0, XS_SET_PERMS, 0, "/local/domain/5", "n5", "r0", NULL);
    h_req(d0, XS_MKDIR, 0, "/local/domain/6", NULL);
    h_req(d0, XS_SET_PERMS, 0, "/local/domain/6", "n6", NULL);
}

TestSuite(perms, .init = setup, .fini = h_teardown);

Test(perms, guest_cannot_read_dom0_nodes)
{
    struct conn *g = h_conn(5);
    h_req(d0, XS_WRITE, 0, "/secret", NULL);
    cr_assert_str_eq(h_req(g, XS_READ, 0, "/secret", NULL), "ERROR EACCES|");
    cr_assert_str_eq(h_req(g, XS_WRITE, 0, "/secret", NULL), "ERROR EACCES|");
    /* can't even learn whether something exists under it */
    cr_assert_str_eq(h_req(g, XS_READ, 0, "/secret/nothing", NULL),
                     "ERROR EACCES|");
    cr_assert_str_eq(h_req(g, XS_DIRECTORY, 0, "/", NULL), "ERROR EACCES|");
}

Test(perms, guest_owns_its_home_and_creates_with_inheritance)
{
    struct conn *g = h_conn(5);
    cr_assert_str_eq(h_req(g, XS_WRITE, 0, "data/x", NULL), "WRITE OK|");
    cr_assert_str_eq(h_req(g, XS_GET_PERMS, 0, "data/x", NULL),
                     "GET_PERMS n5|r0|");
    cr_assert_str_eq(h_req(g, XS_READ, 0, "/local/domain/5/data/x", NULL), "READ");
    /* dom0 creating under the guest keeps the parent's owner */
    h_req(d0, XS_WRITE, 0, "/local/domain/5/byd0", NULL);
    cr_assert_str_eq(h_req(d0, XS_GET_PERMS, 0, "/local/domain/5/byd0", NULL),
                     "GET_PERMS n5|r0|");
}

Test(perms, listed_and_default_access)
{
    struct conn *g5 = h_conn(5), *g6 = h_conn(6), *g7 = h_conn(7);
    h_req(d0, XS_WRITE, 0, "/shared", NULL);
    h_req(d0, XS_SET_PERMS, 0, "/shared", "r0", "w5", "n6", NULL);
    /* 5: write only */
    cr_assert_str_eq(h_req(g5, XS_READ, 0, "/shared", NULL), "ERROR EACCES|");
    cr_assert_str_eq(h_raw(g5, XS_WRITE, 0, "/shared\0v", 9), "WRITE OK|");
    /* 6: explicitly nothing */
    cr_assert_str_eq(h_req(g6, XS_READ, 0, "/shared", NULL), "ERROR EACCES|");
    /* 7: not listed, gets the owner entry's letter (r) */
    cr_assert_str_eq(h_req(g7, XS_READ, 0, "/shared", NULL), "READ v");
    cr_assert_str_eq(h_req(g7, XS_WRITE, 0, "/shared", NULL), "ERROR EACCES|");
    /* missing child of a readable node: ENOENT, not EACCES */
    cr_assert_str_eq(h_req(g7, XS_READ, 0, "/shared/none", NULL), "ERROR ENOENT|");
}

Test(perms, only_owner_may_set_perms_and_never_give_away)
{
    struct conn *g5 = h_conn(5), *g6 = h_conn(6);
    h_req(g5, XS_WRITE, 0, "mine", NULL);
    h_req(g5, XS_SET_PERMS, 0, "mine", "n5", "b6", NULL);
    /* 6 can write but is not the owner */
    cr_assert_str_eq(h_raw(g6, XS_WRITE, 0, "/local/domain/5/mine\0x", 22),
                     "WRITE OK|");
    cr_assert_str_eq(h_req(g6, XS_SET_PERMS, 0, "/local/domain/5/mine", "b6",
                           NULL), "ERROR EACCES|");
    cr_assert_str_eq(h_req(g5, XS_SET_PERMS, 0, "mine", "n6", NULL),
                     "ERROR EPERM|");
    cr_assert_str_eq(h_req(d0, XS_SET_PERMS, 0, "/local/domain/5/mine", "n6",
                           NULL), "SET_PERMS OK|");
}

Test(perms, target_domain_gets_owner_rights)
{
    struct conn *dm;
    h_req(d0, XS_WRITE, 0, "/local/domain/5/priv", NULL);
    /* domain 9 is the device model of 5 */
    cr_assert_eq(domain_get(9, true) != NULL, true);
    domain_get(9, false)->introduced = true;
    dm = h_conn(9);
    domain_get(9, false)->conn = dm;
    cr_assert_str_eq(h_req(dm, XS_READ, 0, "/local/domain/5/priv", NULL),
                     "ERROR EACCES|");
    cr_assert_str_eq(h_req(d0, XS_SET_TARGET, 0, "9", "5", NULL),
                     "SET_TARGET OK|");
    cr_assert_str_eq(h_req(dm, XS_READ, 0, "/local/domain/5/priv", NULL), "READ");
    cr_assert_str_eq(h_req(dm, XS_SET_TARGET, 0, "9", "6", NULL),
                     "ERROR EACCES|");
}

Test(perms, privileged_ops_refused_to_guests)
{
    struct conn *g = h_conn(5);
    cr_assert_str_eq(h_req(g, XS_INTRODUCE, 0, "8", "1", "2", NULL),
                     "ERROR EACCES|");
    cr_assert_str_eq(h_req(g, XS_RELEASE, 0, "8", NULL), "ERROR EACCES|");
    cr_assert_str_eq(h_req(g, XS_RESUME, 0, "8", NULL), "ERROR EACCES|");
    cr_assert_str_eq(h_req(g, XS_CONTROL, 0, "check", NULL), "ERROR EACCES|");
    cr_assert_str_eq(h_req(g, XS_SET_PERMS, 0, "@releaseDomain", "r5", NULL),
                     "ERROR EACCES|");
    cr_assert_str_eq(h_req(g, XS_GET_DOMAIN_PATH, 0, "5", NULL),
                     "GET_DOMAIN_PATH /local/domain/5|");
}
