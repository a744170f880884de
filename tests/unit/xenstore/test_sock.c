/*
 * test_sock.c - the unix-socket transport over a real socketpair: requests
 * are read with MSG_PEEK and stay on the socket until their replies have
 * been written (so freeing them wakes no client blocked on its reply), split
 * and pipelined requests are framed from the peeked bytes without reading
 * any twice, plain reads still work when peeking is off, and a client that
 * closes after its request still gets the answer before we drop it.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

TestSuite(sock, .init = h_setup, .fini = h_teardown);

/* Our end non-blocking (as accept4 gives it), the client's end blocking;
 * peeking on (the default) unless a test turns it off. */
static bool want_peek = true;

static struct conn *pair(int *client)
{
    int sv[2];
    struct conn *c;
    bool saved = xsd_sock_peek;

    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    cr_assert_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
    xsd_sock_peek = want_peek;
    c = sock_conn_new(sv[0]);
    xsd_sock_peek = saved;
    cr_assert_not_null(c);
    *client = sv[1];
    return c;
}

/* The kernel may refuse SO_PEEK_OFF (the daemon then reads plainly). */
static void need_peek(struct conn *c)
{
    if (c->peeked == (size_t)-1)
        cr_skip_test("this kernel refuses SO_PEEK_OFF on unix sockets");
}

static size_t msg(char *buf, uint32_t type, uint32_t req, const void *p,
                  uint32_t len)
{
    struct xsd_sockmsg h = { type, req, 0, len };
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), p, len);
    return sizeof(h) + len;
}

/* Bytes still queued on our end of the socket. */
static int queued(struct conn *c)
{
    int n = -1;
    cr_assert_eq(ioctl(c->fd, FIONREAD, &n), 0);
    return n;
}

/* Read one reply from the client's end: "TYPE req payload" (NULs as '|'). */
static const char *reply(int fd)
{
    static char out[256];
    struct xsd_sockmsg h;
    char body[128];
    size_t i;

    cr_assert_eq(read(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
    cr_assert_lt(h.len, sizeof(body));
    cr_assert_eq(read(fd, body, h.len), (ssize_t)h.len);
    for (i = 0; i < h.len; i++)
        if (!body[i])
            body[i] = '|';
    snprintf(out, sizeof(out), "%s %u %.*s", xsd_typename(h.type), h.req_id,
             (int)h.len, body);
    return out;
}

Test(sock, request_stays_on_socket_until_its_reply_is_written)
{
    int cl;
    struct conn *c = pair(&cl);
    char buf[64];
    size_t n = msg(buf, XS_WRITE, 5, "/a\0x", 4);

    need_peek(c);
    cr_assert_eq(c->peeked, 0);
    cr_assert_eq(write(cl, buf, n), (ssize_t)n);
    cr_assert_eq(conn_handle_input(c), 0);
    /* dispatched (the reply is queued) but not yet taken off the socket */
    cr_assert_gt(c->out.len, 0);
    cr_assert_eq(c->peeked, n);
    cr_assert_eq(queued(c), (int)n);
    cr_assert_eq(conn_flush(c), 0);
    cr_assert_eq(c->peeked, 0);
    cr_assert_eq(queued(c), 0);
    cr_assert_str_eq(reply(cl), "WRITE 5 OK|");
    cr_assert_str_eq(h_req(h_conn(0), XS_READ, 0, "/a", NULL), "READ x");
}

Test(sock, split_and_pipelined_requests_are_read_once)
{
    int cl;
    struct conn *c = pair(&cl);
    char buf[128];
    size_t n1 = msg(buf, XS_WRITE, 1, "/b\0one", 6);
    size_t n2 = msg(buf + n1, XS_READ, 2, "/b", 3);

    need_peek(c);
    /* header alone: nothing to dispatch yet */
    cr_assert_eq(write(cl, buf, sizeof(struct xsd_sockmsg)), 16);
    cr_assert_eq(conn_handle_input(c), 0);
    cr_assert_eq(c->out.len, 0);
    cr_assert_eq(c->peeked, 16);
    /* rest of the first request and the whole second one */
    cr_assert_eq(write(cl, buf + 16, n1 + n2 - 16), (ssize_t)(n1 + n2 - 16));
    cr_assert_eq(conn_handle_input(c), 0);
    cr_assert_eq(c->peeked, n1 + n2);
    cr_assert_eq(conn_flush(c), 0);
    cr_assert_eq(queued(c), 0);
    cr_assert_str_eq(reply(cl), "WRITE 1 OK|");
    cr_assert_str_eq(reply(cl), "READ 2 one");
    /* and the next request is seen from its first byte */
    n1 = msg(buf, XS_READ, 3, "/b", 3);
    cr_assert_eq(write(cl, buf, n1), (ssize_t)n1);
    cr_assert_eq(conn_handle_input(c), 0);
    cr_assert_eq(conn_flush(c), 0);
    cr_assert_str_eq(reply(cl), "READ 3 one");
}

/* The daemon peeks unless started with --no-peek (Criterion runs each test
 * in its own process, so the variable is as the daemon starts with it). */
Test(sock, peeking_is_the_default)
{
    int sv[2];
    struct conn *c;

    cr_assert(xsd_sock_peek);
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    c = sock_conn_new(sv[0]);
    cr_assert_not_null(c);
    need_peek(c);
    cr_assert_eq(c->peeked, 0);
    close(sv[1]);
}

Test(sock, plain_reads_when_peeking_is_off)
{
    int cl;
    struct conn *c;
    char buf[64];
    size_t n = msg(buf, XS_WRITE, 9, "/c\0y", 4);

    want_peek = false;
    c = pair(&cl);
    want_peek = true;
    cr_assert_eq(c->peeked, (size_t)-1);
    cr_assert_eq(write(cl, buf, n), (ssize_t)n);
    cr_assert_eq(conn_handle_input(c), 0);
    cr_assert_eq(queued(c), 0);
    cr_assert_eq(conn_flush(c), 0);
    cr_assert_str_eq(reply(cl), "WRITE 9 OK|");
}

Test(sock, client_that_closes_after_its_request_gets_the_answer)
{
    int cl;
    struct conn *c = pair(&cl);
    char buf[64];
    size_t n = msg(buf, XS_WRITE, 4, "/d\0z", 4);

    cr_assert_eq(write(cl, buf, n), (ssize_t)n);
    cr_assert_eq(shutdown(cl, SHUT_WR), 0);
    cr_assert_eq(conn_handle_input(c), 0);
    cr_assert_eq(conn_flush(c), 0);
    cr_assert_str_eq(reply(cl), "WRITE 4 OK|");
    /* only now does the end of the stream show */
    cr_assert_lt(conn_handle_input(c), 0);
    cr_assert_str_eq(h_req(h_conn(0), XS_READ, 0, "/d", NULL), "READ z");
}
