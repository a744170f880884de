/*
 * test_ring.c - the shared-ring transport in test mode (--fake-ring-dir):
 * INTRODUCE maps DIR/ring-<domid>, the guest side here writes requests into
 * the page and reads replies, including wrap-around, requests larger than
 * the ring, the reconnect protocol, a corrupted index, and RELEASE.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"

static char dir[64];
static struct conn *d0;

static void setup(void)
{
    h_setup();
    strcpy(dir, "/tmp/xsring.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    xsd_fake_ring_dir = dir;
    d0 = h_conn(0);
    h_req(d0, XS_MKDIR, 0, "/local/domain/7", NULL);
    h_req(d0, XS_SET_PERMS, 0, "/local/domain/7", "n7", NULL);
}

static void teardown(void)
{
    char cmd[128];
    h_teardown();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void)!system(cmd);
}

TestSuite(ring, .init = setup, .fini = teardown);

static struct xenstore_domain_interface *guest_map(uint32_t domid)
{
    char p[128];
    int fd;
    void *a;
    snprintf(p, sizeof(p), "%s/ring-%u", dir, domid);
    fd = open(p, O_RDWR);
    cr_assert_geq(fd, 0);
    a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    cr_assert_neq(a, MAP_FAILED);
    return a;
}

static void service(uint32_t domid)
{
    struct domain *d = domain_get(domid, false);
    if (d && d->conn)
        conn_kick(d->conn);
    conn_flush_dirty();
}

/* Push bytes into the request ring, servicing the daemon when full. */
static void guest_send(struct xenstore_domain_interface *in, uint32_t domid,
                       const void *data, size_t len)
{
    const char *p = data;
    int spins = 0;
    while (len) {
        uint32_t used = in->req_prod - in->req_cons;
        size_t room = XENSTORE_RING_SIZE - used, n;
        if (!room) {
            service(domid);
            cr_assert_lt(spins++, 1000);
            continue;
        }
        n = len < room ? len : room;
        if (n > XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(in->req_prod))
            n = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(in->req_prod);
        memcpy(in->req + MASK_XENSTORE_IDX(in->req_prod), p, n);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        in->req_prod += n;
        p += n;
        len -= n;
    }
    service(domid);
}

static size_t guest_recv(struct xenstore_domain_interface *in, uint32_t domid,
                         char *buf, size_t want)
{
    size_t got = 0;
    int spins = 0;
    while (got < want && spins++ < 1000) {
        while (in->rsp_cons != in->rsp_prod && got < want) {
            buf[got++] = in->rsp[MASK_XENSTORE_IDX(in->rsp_cons)];
            in->rsp_cons++;
        }
        if (got < want)
            service(domid);
    }
    return got;
}

/* One request/reply over the ring; returns "TYPE payload" like h_req. */
static const char *guest_req(struct xenstore_domain_interface *in,
                             uint32_t domid, uint32_t type, const char *pl,
                             size_t len)
{
    static char out[8192];
    struct xsd_sockmsg h = { type, 42, 0, len }, r;
    size_t i, n;
    guest_send(in, domid, &h, sizeof(h));
    guest_send(in, domid, pl, len);
    for (;;) {
        cr_assert_eq(guest_recv(in, domid, (char *)&r, sizeof(r)), sizeof(r));
        cr_assert_leq(r.len, 4096);
        char body[4096];
        cr_assert_eq(guest_recv(in, domid, body, r.len), r.len);
        if (r.type == XS_WATCH_EVENT)
            continue;
        n = snprintf(out, sizeof(out), "%s", r.type == XS_ERROR ? "ERROR" :
                     xsd_typename(r.type));
        if (r.len)
            out[n++] = ' ';
        for (i = 0; i < r.len; i++)
            out[n++] = body[i] ? body[i] : '|';
        out[n] = 0;
        return out;
    }
}

Test(ring, introduce_and_talk)
{
    struct xenstore_domain_interface *in;
    h_req(d0, XS_WATCH, 0, "@introduceDomain", "i", NULL);
    h_event(d0);
    cr_assert_str_eq(h_req(d0, XS_INTRODUCE, 0, "7", "1234", "5", NULL),
                     "INTRODUCE OK|");
    cr_assert_str_eq(h_event(d0), "@introduceDomain|i|");
    cr_assert_str_eq(h_req(d0, XS_IS_DOMAIN_INTRODUCED, 0, "7", NULL),
                     "IS_DOMAIN_INTRODUCED T|");
    in = guest_map(7);
    cr_assert_eq(in->server_features, XENSTORE_SERVER_FEATURE_RECONNECTION |
                 XENSTORE_SERVER_FEATURE_ERROR);
    cr_assert_eq(in->connection, XENSTORE_CONNECTED);
    cr_assert_str_eq(guest_req(in, 7, XS_WRITE, "name\0guest7", 11),
                     "WRITE OK|");
    cr_assert_str_eq(guest_req(in, 7, XS_READ, "name", 5), "READ guest7");
    cr_assert_str_eq(h_req(d0, XS_READ, 0, "/local/domain/7/name", NULL),
                     "READ guest7");
    /* a guest is not privileged */
    cr_assert_str_eq(guest_req(in, 7, XS_READ, "/tool", 6), "ERROR EACCES|");
    cr_assert_str_eq(guest_req(in, 7, XS_GET_PERMS, "name", 5),
                     "GET_PERMS n7|");
}

Test(ring, wraparound_and_requests_bigger_than_the_ring)
{
    struct xenstore_domain_interface *in;
    char big[2000];   /* under the 2048-byte node quota */
    int i;
    h_req(d0, XS_INTRODUCE, 0, "7", "1", "5", NULL);
    in = guest_map(7);
    memcpy(big, "big", 4);
    memset(big + 4, 'q', sizeof(big) - 4);
    for (i = 0; i < 20; i++)
        cr_assert_str_eq(guest_req(in, 7, XS_WRITE, big, sizeof(big)),
                         "WRITE OK|");
    const char *r = guest_req(in, 7, XS_READ, "big", 4);
    cr_assert_eq(strlen(r), 5 + sizeof(big) - 4);
    cr_assert_gt(in->req_prod, 3 * XENSTORE_RING_SIZE);
}

Test(ring, reconnect_resets_the_connection)
{
    struct xenstore_domain_interface *in;
    h_req(d0, XS_INTRODUCE, 0, "7", "1", "5", NULL);
    in = guest_map(7);
    cr_assert_str_eq(guest_req(in, 7, XS_WATCH, "w\0t", 4), "WATCH OK|");
    cr_assert_eq(domain_get(7, false)->conn->nwatches, 1);
    in->connection = XENSTORE_RECONNECT;
    service(7);
    cr_assert_eq(in->connection, XENSTORE_CONNECTED);
    cr_assert_eq(in->req_prod, 0);
    cr_assert_eq(in->rsp_prod, 0);
    cr_assert_eq(domain_get(7, false)->conn->nwatches, 0);
    cr_assert_str_eq(guest_req(in, 7, XS_READ, "w", 2), "ERROR ENOENT|");
}

Test(ring, corrupt_index_drops_only_that_guest)
{
    struct xenstore_domain_interface *in;
    h_req(d0, XS_INTRODUCE, 0, "7", "1", "5", NULL);
    in = guest_map(7);
    in->req_prod = in->req_cons + 5000;
    service(7);
    cr_assert_eq(in->error, XENSTORE_ERROR_RINGIDX);
    cr_assert_null(domain_get(7, false)->conn);
    cr_assert_str_eq(h_req(d0, XS_READ, 0, "/", NULL), "READ");
}

Test(ring, release_fires_and_disowns)
{
    struct xenstore_domain_interface *in;
    h_req(d0, XS_INTRODUCE, 0, "7", "1", "5", NULL);
    in = guest_map(7);
    guest_req(in, 7, XS_WRITE, "mine", 5);
    h_req(d0, XS_WATCH, 0, "@releaseDomain", "r", NULL);
    h_event(d0);
    cr_assert_str_eq(h_req(d0, XS_RELEASE, 0, "7", NULL), "RELEASE OK|");
    cr_assert_str_eq(h_event(d0), "@releaseDomain|r|");
    cr_assert_str_eq(h_req(d0, XS_IS_DOMAIN_INTRODUCED, 0, "7", NULL),
                     "IS_DOMAIN_INTRODUCED F|");
    cr_assert_str_eq(h_req(d0, XS_GET_PERMS, 0, "/local/domain/7/mine", NULL),
                     "GET_PERMS n0|");
    cr_assert_str_eq(h_req(d0, XS_RELEASE, 0, "7", NULL), "ERROR ENOENT|");
}

/* Lines of /proc/self/maps naming path: the daemon's mapping of a ring. */
static int mappings_of(const char *path)
{
    char line[512];
    int n = 0;
    FILE *f = fopen("/proc/self/maps", "r");

    cr_assert_not_null(f);
    while (fgets(line, sizeof(line), f))
        n += strstr(line, path) != NULL;
    fclose(f);
    return n;
}

/*
 * RELEASE drops the ring at once.  It used to mark the connection dead
 * without queueing it for the reaper, so the mapping of a guest that would
 * never kick again stayed, and on Xen a mapped page keeps its domain a
 * zombie: `make toolstack-soak` found dying domains piling up, one every
 * few rounds of xl create/destroy.
 */
Test(ring, release_unmaps_the_ring_at_once)
{
    char ring[128];

    snprintf(ring, sizeof(ring), "%s/ring-7", dir);
    h_req(d0, XS_INTRODUCE, 0, "7", "1", "5", NULL);
    cr_assert_eq(mappings_of(ring), 1, "the daemon maps the guest's ring");
    cr_assert_str_eq(h_req(d0, XS_RELEASE, 0, "7", NULL), "RELEASE OK|");
    cr_expect_eq(mappings_of(ring), 0, "no mapping left to keep the dead domain");
    cr_expect_null(domain_get(7, false)->conn);
    cr_assert_str_eq(h_req(d0, XS_READ, 0, "/", NULL), "READ");
}

Test(ring, oversized_message_sets_the_error_field)
{
    struct xenstore_domain_interface *in;
    struct xsd_sockmsg h = { XS_READ, 1, 0, 5000 };
    h_req(d0, XS_INTRODUCE, 0, "7", "1", "5", NULL);
    in = guest_map(7);
    guest_send(in, 7, &h, sizeof(h));
    cr_assert_eq(in->error, XENSTORE_ERROR_PROTO);
    cr_assert_null(domain_get(7, false)->conn);
    cr_assert_str_eq(h_req(d0, XS_READ, 0, "/", NULL), "READ");
}
