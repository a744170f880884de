/*
 * test_xs_batch.c — the pipelined xenstore transaction `xl create` writes a
 * domain's nodes with (dom0-tools/libctrl/xs_batch.c), against a fake
 * xenstored on a unix socket: the requests all arrive before any answer is
 * sent (a client waiting for answers would stall the fake, which then
 * reports it), in the wire format with the transaction's id; a refused
 * request aborts the transaction and is named; a conflicting commit gives
 * EAGAIN; without a socket the caller is told to fall back.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <public/io/xs_wire.h>
#include "../../../dom0-tools/libctrl/xs_batch.h"

#define MAXREQ 16
struct fake {
    char path[108];
    int lfd;
    unsigned expect;            /* requests between START and END */
    const char *refuse;         /* answer EACCES for this path */
    bool commit_conflict;       /* answer END with EAGAIN */
    /* what it saw */
    bool pipelined;
    unsigned n;
    struct xsd_sockmsg h[MAXREQ];
    char body[MAXREQ][256];
    char end_payload[4];
};

static int rd(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int rd_msg(int fd, struct xsd_sockmsg *h, char *body)
{
    if (rd(fd, h, sizeof(*h)) || h->len >= 256 || rd(fd, body, h->len))
        return -1;
    body[h->len] = 0;
    return 0;
}

static void reply(int fd, uint32_t type, const char *s, size_t len)
{
    struct xsd_sockmsg h = { .type = type, .len = (uint32_t)len };
    cr_assert_eq(write(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
    cr_assert_eq(write(fd, s, len), (ssize_t)len);
}

static void *serve(void *arg)
{
    struct fake *f = arg;
    struct xsd_sockmsg h;
    char body[256];
    int fd = accept(f->lfd, NULL, NULL);
    struct timeval tv = { .tv_sec = 3 };

    if (fd < 0)
        return NULL;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (rd_msg(fd, &h, body) || h.type != XS_TRANSACTION_START)
        goto out;
    reply(fd, XS_TRANSACTION_START, "17", 3);
    /* Every request before any answer: only a pipelining client gets past this. */
    for (f->n = 0; f->n < f->expect; f->n++)
        if (rd_msg(fd, &f->h[f->n], f->body[f->n]))
            goto out;
    f->pipelined = true;
    for (unsigned i = 0; i < f->n; i++) {
        if (f->refuse && strcmp(f->body[i], f->refuse) == 0)
            reply(fd, XS_ERROR, "EACCES", 7);
        else
            reply(fd, f->h[i].type, "OK", 3);
    }
    if (rd_msg(fd, &h, body) || h.type != XS_TRANSACTION_END || h.tx_id != 17)
        goto out;
    memcpy(f->end_payload, body, 2);
    if (f->commit_conflict)
        reply(fd, XS_ERROR, "EAGAIN", 7);
    else
        reply(fd, XS_TRANSACTION_END, "OK", 3);
out:
    close(fd);
    return NULL;
}

static struct fake fk;
static pthread_t thr;

static void start_fake_with(void *(*fn)(void *), unsigned expect, const char *refuse,
                            bool conflict)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    memset(&fk, 0, sizeof(fk));
    fk.expect = expect;
    fk.refuse = refuse;
    fk.commit_conflict = conflict;
    snprintf(fk.path, sizeof(fk.path), "/tmp/xsb-test-%d.sock", getpid());
    unlink(fk.path);
    strcpy(sa.sun_path, fk.path);
    fk.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert(fk.lfd >= 0);
    cr_assert_eq(bind(fk.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(listen(fk.lfd, 1), 0);
    setenv("XENSTORED_PATH", fk.path, 1);
    pthread_create(&thr, NULL, fn, &fk);
}

static void start_fake(unsigned expect, const char *refuse, bool conflict)
{
    start_fake_with(serve, expect, refuse, conflict);
}

static void stop_fake(void)
{
    pthread_join(thr, NULL);
    close(fk.lfd);
    unlink(fk.path);
}

static void queue_three(struct xs_batch *b)
{
    cr_assert_eq(xs_batch_mkdir(b, "/local/domain/5"), 0);
    cr_assert_eq(xs_batch_set_perms(b, "/local/domain/5", "n0", "r5"), 0);
    cr_assert_eq(xs_batch_write(b, "/local/domain/5/name", "guest"), 0);
}

Test(ctrl_xs_batch, requests_pipelined_in_one_transaction)
{
    struct xs_batch b;
    char failed[64];

    start_fake(3, NULL, false);
    cr_assert_eq(xs_batch_start(&b), 0);
    cr_assert_eq(b.tx, 17);
    queue_three(&b);
    cr_assert_eq(xs_batch_commit(&b, failed, sizeof(failed)), 0);
    xs_batch_close(&b);
    stop_fake();
    cr_assert(fk.pipelined, "requests were not all sent before the first answer");
    uint32_t types[] = { XS_MKDIR, XS_SET_PERMS, XS_WRITE };
    for (unsigned i = 0; i < 3; i++) {
        cr_expect_eq(fk.h[i].type, types[i]);
        cr_expect_eq(fk.h[i].tx_id, 17);
    }
    cr_assert_eq(fk.h[0].len, sizeof("/local/domain/5"));
    cr_assert_eq(fk.h[1].len, sizeof("/local/domain/5") + 3 + 3);
    cr_assert_eq(memcmp(fk.body[1], "/local/domain/5\0n0\0r5\0", fk.h[1].len), 0);
    cr_assert_eq(fk.h[2].len, sizeof("/local/domain/5/name") + 5, "value without a NUL");
    cr_assert_eq(memcmp(fk.body[2], "/local/domain/5/name\0guest", fk.h[2].len), 0);
    cr_assert_str_eq(fk.end_payload, "T", "committed");
}

Test(ctrl_xs_batch, refusal_aborts_and_names_the_node)
{
    struct xs_batch b;
    char failed[64];

    start_fake(3, "/local/domain/5", false);
    cr_assert_eq(xs_batch_start(&b), 0);
    queue_three(&b);
    cr_assert_eq(xs_batch_commit(&b, failed, sizeof(failed)), -EACCES);
    xs_batch_close(&b);
    stop_fake();
    cr_assert_str_eq(failed, "/local/domain/5", "the first refused request is named");
    cr_assert_str_eq(fk.end_payload, "F", "aborted");
}

Test(ctrl_xs_batch, conflicting_commit_is_eagain)
{
    struct xs_batch b;
    char failed[64];

    start_fake(3, NULL, true);
    cr_assert_eq(xs_batch_start(&b), 0);
    queue_three(&b);
    cr_assert_eq(xs_batch_commit(&b, failed, sizeof(failed)), -EAGAIN);
    xs_batch_close(&b);
    close(fk.lfd);                  /* the thread is joined already */
    unlink(fk.path);
}

Test(ctrl_xs_batch, no_socket_means_fall_back)
{
    struct xs_batch b;
    char path[64];

    snprintf(path, sizeof(path), "/tmp/xsb-test-%d.file", getpid());
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fclose(f);
    setenv("XENSTORED_PATH", path, 1);
    cr_assert_eq(xs_batch_start(&b), -ENOTSUP);
    xs_batch_close(&b);
    unlink(path);
}

/* A daemon that answers the transaction's start and then dies. */
static void *serve_then_die(void *arg)
{
    struct fake *f = arg;
    struct xsd_sockmsg h;
    char body[256];
    int fd = accept(f->lfd, NULL, NULL);

    if (fd < 0)
        return NULL;
    if (rd_msg(fd, &h, body) == 0 && h.type == XS_TRANSACTION_START)
        reply(fd, XS_TRANSACTION_START, "17", 3);
    close(fd);
    return NULL;
}

/* xenstored killed between a batch's start and its commit: the commit's
 * write raised SIGPIPE, which would kill `xl create` without a word (as it
 * killed `xl list` through libxenstore in suite 61's xenstored restart);
 * it must fail with an errno. */
Test(ctrl_xs_batch, dead_daemon_is_an_error_not_sigpipe)
{
    struct xs_batch b;
    int rc;

    signal(SIGPIPE, SIG_DFL);       /* as xl runs */
    start_fake_with(serve_then_die, 0, NULL, false);
    cr_assert_eq(xs_batch_start(&b), 0);
    pthread_join(thr, NULL);        /* the daemon is gone */
    queue_three(&b);
    rc = xs_batch_commit(&b, NULL, 0);
    cr_assert(rc == -EPIPE || rc == -ECONNRESET, "rc %d (%s)", rc, strerror(-rc));
    xs_batch_close(&b);
    close(fk.lfd);                  /* the thread is joined already */
    unlink(fk.path);
}
