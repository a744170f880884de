/*
 * test_tree.c - paths (canonical form, validation, parent/basename), the
 * hash table and child lists, and plain node operations over the wire.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

TestSuite(tree, .init = h_setup, .fini = h_teardown);

static int canon(uint32_t domid, const char *in, char *out)
{
    struct conn *c = h_conn(domid);
    return xsd_canon(c, in, out, 5000, false);
}

Test(tree, canonical_paths)
{
    char b[5000];
    cr_assert_eq(canon(0, "/a/b", b), 4);
    cr_assert_str_eq(b, "/a/b");
    cr_assert_eq(canon(3, "name", b), (int)strlen("/local/domain/3/name"));
    cr_assert_str_eq(b, "/local/domain/3/name");
    cr_assert_eq(canon(0, "/", b), 1);
    cr_assert_eq(canon(0, "/a//b", b), -EINVAL);
    cr_assert_eq(canon(0, "/a/", b), -EINVAL);
    cr_assert_eq(canon(0, "/a b", b), -EINVAL);
    cr_assert_eq(canon(0, "/a\xff", b), -EINVAL);
    cr_assert_eq(canon(0, "", b), -EINVAL);  /* relative "" -> trailing / */
    cr_assert_eq(canon(0, "@introduceDomain", b), -EINVAL); /* not allowed here */
    cr_assert_eq(canon(0, "/A-Z_a-z0-9@", b), 12);
}

Test(tree, path_length_quota_applies_to_guests_only)
{
    char b[5000], p[2200];
    memset(p, 'x', sizeof(p));
    p[0] = '/';
    p[sizeof(p) - 1] = 0;
    cr_assert_gt(canon(0, p, b), 0);
    cr_assert_eq(canon(5, p, b), -EINVAL);
    /* the /local/domain/<id>/ prefix is not counted */
    memcpy(p, "/local/domain/5/", 16);
    p[16 + 2048] = 0;
    cr_assert_gt(canon(5, p, b), 0);
    p[16 + 2048] = 'x';
    p[16 + 2049] = 0;
    cr_assert_eq(canon(5, p, b), -EINVAL);
}

Test(tree, parent_and_basename)
{
    size_t l;
    const char *b;
    cr_assert_eq(xsd_parent_len("/a/b/c", 6), 4);
    cr_assert_eq(xsd_parent_len("/a", 2), 1);
    cr_assert_eq(xsd_parent_len("/", 1), 0);
    b = xsd_basename("/a/bc", 5, &l);
    cr_assert_eq(l, 2);
    cr_assert_eq(strncmp(b, "bc", 2), 0);
    b = xsd_basename("/top", 4, &l);
    cr_assert_eq(l, 3);
    cr_assert_eq(strncmp(b, "top", 3), 0);
}

Test(tree, hash_table_grows_and_finds)
{
    struct htab h;
    char p[32];
    int i;
    cr_assert_eq(htab_init(&h, 4), 0);
    for (i = 0; i < 5000; i++) {
        snprintf(p, sizeof(p), "/n/%d", i);
        htab_insert(&h, node_alloc(p, strlen(p)));
    }
    cr_assert_eq(h.count, 5000);
    cr_assert_gt(h.mask, 4000);
    for (i = 0; i < 5000; i += 7) {
        snprintf(p, sizeof(p), "/n/%d", i);
        struct node *n = htab_find(&h, p, strlen(p), xsd_hash(p, strlen(p)));
        cr_assert_not_null(n);
        cr_assert_str_eq(n->path, p);
        htab_remove(&h, n);
        node_free(n);
        cr_assert_null(htab_find(&h, p, strlen(p), xsd_hash(p, strlen(p))));
    }
    htab_free(&h, true);
}

Test(tree, child_list_keeps_creation_order)
{
    struct node *n = node_alloc("/x", 2);
    node_add_kid(n, "b", 1);
    node_add_kid(n, "a", 1);
    node_add_kid(n, "ccc", 3);
    cr_assert_eq(n->nkids, 3);
    cr_assert_eq(memcmp(n->kids, "b\0a\0ccc\0", 8), 0);
    cr_assert_eq(node_del_kid(n, "a", 1), 0);
    cr_assert_eq(memcmp(n->kids, "b\0ccc\0", 6), 0);
    cr_assert_eq(node_del_kid(n, "zz", 2), -ENOENT);
    node_free(n);
}

Test(tree, initial_tree_is_c_xenstoreds)
{
    struct conn *c = h_conn(0);
    cr_assert_str_eq(h_req(c, XS_DIRECTORY, 0, "/", NULL), "DIRECTORY tool|");
    cr_assert_str_eq(h_req(c, XS_DIRECTORY, 0, "/tool", NULL),
                     "DIRECTORY xenstored|");
    cr_assert_str_eq(h_req(c, XS_GET_PERMS, 0, "/", NULL), "GET_PERMS n0|");
}

Test(tree, write_read_mkdir_rm)
{
    struct conn *c = h_conn(0);
    cr_assert_str_eq(h_req(c, XS_WRITE, 0, "/a/b/c", NULL), "WRITE OK|");
    cr_assert_str_eq(h_raw(c, XS_WRITE, 0, "/a/v\0hello", 10), "WRITE OK|");
    cr_assert_str_eq(h_req(c, XS_READ, 0, "/a/v", NULL), "READ hello");
    cr_assert_str_eq(h_req(c, XS_READ, 0, "/a/b", NULL), "READ");
    cr_assert_str_eq(h_req(c, XS_DIRECTORY, 0, "/a", NULL), "DIRECTORY b|v|");
    cr_assert_str_eq(h_req(c, XS_MKDIR, 0, "/a/b", NULL), "MKDIR OK|");
    cr_assert_str_eq(h_req(c, XS_MKDIR, 0, "/m/n", NULL), "MKDIR OK|");
    cr_assert_str_eq(h_req(c, XS_READ, 0, "/m/n", NULL), "READ");
    cr_assert_str_eq(h_req(c, XS_RM, 0, "/a/b", NULL), "RM OK|");
    cr_assert_str_eq(h_req(c, XS_READ, 0, "/a/b/c", NULL), "ERROR ENOENT|");
    cr_assert_str_eq(h_req(c, XS_RM, 0, "/a/b", NULL), "RM OK|");
    cr_assert_str_eq(h_req(c, XS_RM, 0, "/a/b/c", NULL), "ERROR ENOENT|");
    cr_assert_str_eq(h_req(c, XS_RM, 0, "/", NULL), "ERROR EINVAL|");
    cr_assert_str_eq(h_req(c, XS_DIRECTORY, 0, "/a", NULL), "DIRECTORY v|");
    cr_assert_eq(xsd_store.count, 3 + 4);   /* /,/tool,/tool/xenstored,/a,/a/v,/m,/m/n */
}

Test(tree, binary_values_and_max_payload)
{
    struct conn *c = h_conn(0);
    char buf[4096];
    memcpy(buf, "/big", 5);
    memset(buf + 5, 0, sizeof(buf) - 5);
    buf[4095] = 1;
    cr_assert_str_eq(h_raw(c, XS_WRITE, 0, buf, sizeof(buf)), "WRITE OK|");
    struct node *n = st_get(c, NULL, "/big", 4);
    cr_assert_not_null(n);
    cr_assert_eq(n->vlen, 4096 - 5);
    cr_assert_eq(n->val[4090], 1);
}

Test(tree, directory_part_chunks_a_big_directory)
{
    struct conn *c = h_conn(0);
    char p[64], all[80000];
    size_t alen = 0;
    int i;
    for (i = 0; i < 3000; i++) {
        snprintf(p, sizeof(p), "/big/child-%d", i);
        h_req(c, XS_WRITE, 0, p, NULL);
    }
    cr_assert_str_eq(h_req(c, XS_DIRECTORY, 0, "/big", NULL), "ERROR E2BIG|");
    for (;;) {
        char off[16];
        const char *r, *body;
        snprintf(off, sizeof(off), "%zu", alen);
        r = h_req(c, XS_DIRECTORY_PART, 0, "/big", off, NULL);
        cr_assert_eq(strncmp(r, "DIRECTORY_PART ", 15), 0, "%s", r);
        body = strchr(r + 15, '|') + 1;
        size_t bl = strlen(body);
        cr_assert_lt(bl + (body - r - 15), 4096);
        memcpy(all + alen, body, bl);
        alen += bl;
        if (bl >= 2 && body[bl - 1] == '|' && body[bl - 2] == '|')
            break;
        cr_assert_gt(bl, 0);
    }
    /* every child once, in order, then the end marker */
    size_t off = 0;
    for (i = 0; i < 3000; i++) {
        snprintf(p, sizeof(p), "child-%d|", i);
        cr_assert_eq(strncmp(all + off, p, strlen(p)), 0, "at %d", i);
        off += strlen(p);
    }
    cr_assert_eq(off + 1, alen);
}
