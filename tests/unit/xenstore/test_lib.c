/*
 * test_lib.c - libxenstore (xenstore/lib/xs.c) against the daemon core
 * running its real event loop in a child process on a private socket:
 * connection conventions, node operations, big directories, permissions,
 * transactions with EAGAIN, watches through xs_fileno/poll, xs_check_watch
 * and xs_read_watch, events that arrive while a reply is awaited, domain
 * requests and error mapping.
 */
#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xenstore.h"
#include "xsd.h"

static char dir[64], sock[128];
static pid_t daemon_pid;

static void start(void)
{
    strcpy(dir, "/tmp/xslib.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(sock, sizeof(sock), "%s/socket", dir);
    daemon_pid = fork();
    cr_assert_geq(daemon_pid, 0);
    if (daemon_pid == 0) {
        /* never outlive a test worker that died on an assertion */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(1);
        if (store_init() || io_init() || io_listen(sock))
            _exit(1);
        _exit(io_run() < 0);
    }
    for (int i = 0; i < 200 && access(sock, F_OK); i++)
        usleep(10000);
    cr_assert_eq(access(sock, F_OK), 0, "daemon did not start");
    setenv("XENSTORED_PATH", sock, 1);
}

static void stop(void)
{
    int st;
    kill(daemon_pid, SIGTERM);
    waitpid(daemon_pid, &st, 0);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "daemon exit %x", st);
    unlink(sock);
    rmdir(dir);
}

TestSuite(lib, .init = start, .fini = stop);

Test(lib, basic_operations_and_errors)
{
    struct xs_handle *h = xs_open(0);
    unsigned len, num;
    char *v, **d;
    cr_assert_not_null(h);
    cr_assert(xs_write(h, XBT_NULL, "/l/a", "hello", 5));
    v = xs_read(h, XBT_NULL, "/l/a", &len);
    cr_assert_eq(len, 5);
    cr_assert_str_eq(v, "hello");   /* NUL-terminated for convenience */
    free(v);
    cr_assert(xs_mkdir(h, XBT_NULL, "/l/dir"));
    d = xs_directory(h, XBT_NULL, "/l", &num);
    cr_assert_eq(num, 2);
    cr_assert_str_eq(d[0], "a");
    cr_assert_str_eq(d[1], "dir");
    free(d);
    cr_assert_null(xs_read(h, XBT_NULL, "/l/none", &len));
    cr_assert_eq(errno, ENOENT);
    cr_assert_null(xs_read(h, XBT_NULL, "/l//bad", &len));
    cr_assert_eq(errno, EINVAL);
    cr_assert_null(xs_directory(h, XBT_NULL, "/nope", &num));
    cr_assert_eq(errno, ENOENT);
    cr_assert(xs_rm(h, XBT_NULL, "/l"));
    cr_assert(!xs_rm(h, XBT_NULL, "/l/x/y"));
    cr_assert_eq(errno, ENOENT);
    /* regression (test-xenstore "rm dir"): errno is 0 after a success,
     * as with Xen's library */
    cr_assert(xs_write(h, XBT_NULL, "/l", "", 0));
    cr_assert_eq(errno, 0);
    xs_close(h);
}

Test(lib, big_directory_via_directory_part)
{
    struct xs_handle *h = xs_open(XS_OPEN_SOCKETONLY);
    char p[64];
    unsigned i, num;
    char **d;
    for (i = 0; i < 3000; i++) {
        snprintf(p, sizeof(p), "/big/entry-number-%u", i);
        cr_assert(xs_write(h, XBT_NULL, p, "", 0));
    }
    d = xs_directory(h, XBT_NULL, "/big", &num);
    cr_assert_not_null(d);
    cr_assert_eq(num, 3000);
    for (i = 0; i < 3000; i += 499) {
        snprintf(p, sizeof(p), "entry-number-%u", i);
        cr_assert_str_eq(d[i], p);
    }
    free(d);
    xs_close(h);
}

/* Xen's callers free() a listing as one block: the pointers, a NULL, then
 * the names, in order and NUL-terminated.  Checked for an empty, a small and
 * a multi-chunk directory (built in place from the stitched chunks). */
static void check_block(char **d, unsigned num, const char *prefix)
{
    char want[64], *p = (char *)(d + num + 1);
    unsigned i;

    cr_assert_null(d[num]);
    for (i = 0; i < num; i++) {
        snprintf(want, sizeof(want), "%s%u", prefix, i);
        cr_assert_eq(d[i], p, "name %u not where the block puts it", i);
        cr_assert_str_eq(d[i], want);
        p += strlen(p) + 1;
    }
}

Test(lib, directory_listing_is_one_block)
{
    struct xs_handle *h = xs_open(XS_OPEN_SOCKETONLY);
    char p[64];
    unsigned i, num = 99;
    char **d;

    cr_assert(xs_write(h, XBT_NULL, "/empty", "", 0));
    d = xs_directory(h, XBT_NULL, "/empty", &num);
    cr_assert_not_null(d);
    cr_assert_eq(num, 0);
    check_block(d, 0, "");
    free(d);
    for (i = 0; i < 10000; i++) {
        snprintf(p, sizeof(p), "/many/n%u", i);
        cr_assert(xs_write(h, XBT_NULL, p, "", 0));
        if (i == 2) {
            d = xs_directory(h, XBT_NULL, "/many", &num);
            cr_assert_not_null(d);
            cr_assert_eq(num, 3);
            check_block(d, 3, "n");
            free(d);
        }
    }
    d = xs_directory(h, XBT_NULL, "/many", &num);
    cr_assert_not_null(d);
    cr_assert_eq(num, 10000);
    check_block(d, 10000, "n");
    free(d);
    xs_close(h);
}

Test(lib, big_directory_with_long_names_and_changes)
{
    /* long names make the pipelined chunks leave gaps to fill */
    struct xs_handle *h = xs_open(0), *o = xs_open(0);
    char p[1100], name[1001];
    unsigned i, num, len;
    char **d;
    for (i = 0; i < 60; i++) {
        memset(name, 'a' + i % 26, 990);
        snprintf(name + 990, sizeof(name) - 990, "%u", i);
        snprintf(p, sizeof(p), "/long/%s", name);
        cr_assert(xs_write(h, XBT_NULL, p, "", 0));
    }
    d = xs_directory(h, XBT_NULL, "/long", &num);
    cr_assert_eq(num, 60);
    for (i = 0; i < 60; i++) {
        len = strlen(d[i]);
        cr_assert_geq(len, 991);
        cr_assert_eq((unsigned)atoi(d[i] + 990), i);
        cr_assert_eq(d[i][0], 'a' + i % 26);
    }
    free(d);
    /* inside a transaction too */
    xs_transaction_t t = xs_transaction_start(h);
    cr_assert(xs_write(h, t, "/long/extra", "", 0));
    d = xs_directory(h, t, "/long", &num);
    cr_assert_eq(num, 61);
    cr_assert_str_eq(d[60], "extra");
    free(d);
    d = xs_directory(o, XBT_NULL, "/long", &num);
    cr_assert_eq(num, 60);
    free(d);
    xs_transaction_end(h, t, true);
    xs_close(o);
    xs_close(h);
}

Test(lib, permissions)
{
    struct xs_handle *h = xs_open(0);
    struct xs_permissions set[3] = { { 0, XS_PERM_NONE }, { 1, XS_PERM_READ },
                                     { 2, XS_PERM_READ | XS_PERM_WRITE } }, *got;
    unsigned n;
    char b[16];
    xs_write(h, XBT_NULL, "/p", "", 0);
    cr_assert(xs_set_permissions(h, XBT_NULL, "/p", set, 3));
    got = xs_get_permissions(h, XBT_NULL, "/p", &n);
    cr_assert_eq(n, 3);
    cr_assert_eq(got[1].id, 1);
    cr_assert_eq(got[1].perms, XS_PERM_READ);
    cr_assert_eq(got[2].perms, XS_PERM_READ | XS_PERM_WRITE);
    cr_assert(xs_perm_to_string(&got[2], b, sizeof(b)));
    cr_assert_str_eq(b, "b2");
    free(got);
    cr_assert(xs_strings_to_perms(set, 2, "w7\0n3"));
    cr_assert_eq(set[0].id, 7);
    cr_assert_eq(set[0].perms, XS_PERM_WRITE);
    cr_assert(!xs_strings_to_perms(set, 1, "x1"));
    xs_close(h);
}

Test(lib, transactions_and_eagain)
{
    struct xs_handle *a = xs_open(0), *b = xs_open(0);
    xs_transaction_t t;
    unsigned len;
    char *v;
    xs_write(a, XBT_NULL, "/tx", "0", 1);
    t = xs_transaction_start(a);
    cr_assert_neq(t, XBT_NULL);
    v = xs_read(a, t, "/tx", &len);
    free(v);
    cr_assert(xs_write(a, t, "/tx", "1", 1));
    cr_assert(xs_write(b, XBT_NULL, "/tx", "2", 1));
    cr_assert(!xs_transaction_end(a, t, false));
    cr_assert_eq(errno, EAGAIN);
    t = xs_transaction_start(a);
    cr_assert(xs_write(a, t, "/tx", "3", 1));
    cr_assert(xs_transaction_end(a, t, false));
    v = xs_read(b, XBT_NULL, "/tx", &len);
    cr_assert_str_eq(v, "3");
    free(v);
    t = xs_transaction_start(a);
    cr_assert(xs_write(a, t, "/tx", "4", 1));
    cr_assert(xs_transaction_end(a, t, true));
    v = xs_read(b, XBT_NULL, "/tx", &len);
    cr_assert_str_eq(v, "3");
    free(v);
    xs_close(a);
    xs_close(b);
}

static bool readable(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, ms) == 1;
}

Test(lib, watches_fileno_check_and_read)
{
    struct xs_handle *w = xs_open(0), *c = xs_open(0);
    unsigned n;
    char **ev;
    int fd = xs_fileno(w);
    cr_assert_geq(fd, 0);
    cr_assert_eq(xs_fileno(w), fd);
    cr_assert(xs_watch(w, "/wt", "tok"));
    cr_assert(readable(fd, 2000), "initial event not signalled");
    ev = xs_check_watch(w);
    cr_assert_not_null(ev);
    cr_assert_str_eq(ev[XS_WATCH_PATH], "/wt");
    cr_assert_str_eq(ev[XS_WATCH_TOKEN], "tok");
    free(ev);
    cr_assert_null(xs_check_watch(w));
    cr_assert_eq(errno, EAGAIN);
    cr_assert(!readable(fd, 0));
    xs_write(c, XBT_NULL, "/wt/x", "1", 1);
    cr_assert(readable(fd, 2000));
    ev = xs_read_watch(w, &n);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(ev[0], "/wt/x");
    free(ev);
    /* an event that arrives while we wait for our own reply is queued,
     * and xs_fileno must still say so */
    cr_assert(xs_write(w, XBT_NULL, "/wt/self", "", 0));
    cr_assert(readable(fd, 0), "queued event not signalled");
    ev = xs_check_watch(w);
    cr_assert_str_eq(ev[0], "/wt/self");
    free(ev);
    cr_assert(xs_unwatch(w, "/wt", "tok"));
    cr_assert(!xs_unwatch(w, "/wt", "tok"));
    cr_assert_eq(errno, ENOENT);
    xs_write(c, XBT_NULL, "/wt/y", "1", 1);
    cr_assert(!readable(fd, 100));
    xs_close(w);
    xs_close(c);
}

Test(lib, unwatch_filter_drops_queued_events)
{
    struct xs_handle *w = xs_open(XS_UNWATCH_FILTER), *c = xs_open(0);
    char **ev;
    cr_assert(xs_watch(w, "/f", "a"));
    cr_assert(xs_watch(w, "/g", "b"));
    xs_write(c, XBT_NULL, "/f/1", "", 0);
    xs_write(c, XBT_NULL, "/g/1", "", 0);
    /* a request makes the library read (and queue) everything pending */
    usleep(100000);
    free(xs_read(w, XBT_NULL, "/", NULL));
    cr_assert(xs_unwatch(w, "/f", "a"));
    ev = xs_check_watch(w);     /* initial /g event survives */
    cr_assert_not_null(ev);
    cr_assert_str_eq(ev[0], "/g");
    free(ev);
    ev = xs_check_watch(w);
    cr_assert_not_null(ev);
    cr_assert_str_eq(ev[0], "/g/1");
    free(ev);
    cr_assert_null(xs_check_watch(w));
    xs_close(w);
    xs_close(c);
}

Test(lib, domain_requests_and_control)
{
    struct xs_handle *h = xs_open(0);
    char *s = xs_get_domain_path(h, 12);
    cr_assert_str_eq(s, "/local/domain/12");
    free(s);
    cr_assert(xs_is_domain_introduced(h, 0));
    cr_assert(!xs_is_domain_introduced(h, 9));
    cr_assert(!xs_release_domain(h, 9));
    cr_assert_eq(errno, ENOENT);
    cr_assert(!xs_resume_domain(h, 9));
    s = xs_control_command(h, "check", NULL, 0);
    cr_assert_str_eq(s, "OK");
    free(s);
    cr_assert(!xs_restrict(h, 1));
    /* regression: a NULL, zero-length argument reached memcpy (UBSan) */
    s = xs_control_command(h, "help", NULL, 0);
    cr_assert_not_null(s);
    free(s);
    xs_close(h);
}

Test(lib, connection_conventions)
{
    struct xs_handle *h;
    char rundir[128];
    unsetenv("XENSTORED_PATH");
    setenv("XENSTORED_RUNDIR", dir, 1);
    cr_assert_str_eq(xs_daemon_rundir(), dir);
    snprintf(rundir, sizeof(rundir), "%s/socket", dir);
    cr_assert_str_eq(xs_daemon_socket(), rundir);
    h = xs_open(XS_OPEN_SOCKETONLY);
    cr_assert_not_null(h);
    xs_close(h);
    setenv("XENSTORED_PATH", "/nonexistent/socket", 1);
    cr_assert_null(xs_open(XS_OPEN_SOCKETONLY));
    xs_close(NULL);
    cr_assert(xs_path_is_subpath("/a", "/a/b"));
    cr_assert(xs_path_is_subpath("/a", "/a"));
    cr_assert(!xs_path_is_subpath("/a", "/ab"));
}

/* xenstored killed: its socket file stays behind with nobody listening.
 * xs_open must answer ECONNREFUSED at once rather than fall back to the
 * xenbus device, which in dom0 leads to the same dead daemon and never
 * answers (tools then name "cannot connect to xenstored"). */
Test(lib_start, stale_socket_refused_without_fallback)
{
    char d[64], sk[128];
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    strcpy(d, "/tmp/xsstale.XXXXXX");
    cr_assert_not_null(mkdtemp(d));
    snprintf(sk, sizeof(sk), "%s/socket", d);
    strcpy(sa.sun_path, sk);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(fd);                      /* bound, never listening: a dead daemon's file */
    setenv("XENSTORED_PATH", sk, 1);
    errno = 0;
    cr_assert_null(xs_open(0));
    cr_assert_eq(errno, ECONNREFUSED, "errno %d (%s)", errno, strerror(errno));
    errno = 0;
    cr_assert_null(xs_open(XS_OPEN_SOCKETONLY));
    cr_assert_eq(errno, ECONNREFUSED);
    unlink(sk);
    rmdir(d);
}

/* regression: the socket file appeared at bind(), before listen(), so a
 * client that saw it could get ECONNREFUSED (suite: XENSTORED_RUNDIR case) */
Test(lib_start, socket_file_appears_only_when_listening)
{
    int round;
    for (round = 0; round < 20; round++) {
        char d[64], sk[128];
        pid_t p;
        struct xs_handle *h;
        int st;
        strcpy(d, "/tmp/xsrace.XXXXXX");
        cr_assert_not_null(mkdtemp(d));
        snprintf(sk, sizeof(sk), "%s/socket", d);
        p = fork();
        if (p == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (store_init() || io_init() || io_listen(sk))
                _exit(1);
            st = io_run();
            io_fini();      /* as main.c: removes the socket */
            _exit(st < 0);
        }
        while (access(sk, F_OK))
            ;   /* spin: connect the instant the file exists */
        setenv("XENSTORED_PATH", sk, 1);
        h = xs_open(XS_OPEN_SOCKETONLY);
        cr_assert_not_null(h, "round %d: %s", round, strerror(errno));
        xs_close(h);
        kill(p, SIGTERM);
        waitpid(p, &st, 0);
        cr_assert_eq(access(sk, F_OK), -1, "socket left behind");
        rmdir(d);
    }
}

/* regression: xenstored killed while a client holds a connection.  The
 * request's write raised SIGPIPE, which killed the caller silently (the
 * xenstored-restart check of suite 61 saw `xl list` exit 141 with nothing
 * printed); it must fail with an errno the caller can name instead. */
Test(lib_start, dead_daemon_is_an_error_not_sigpipe)
{
    char d[64], sk[128];
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct xs_handle *h;
    unsigned int len;
    int lfd, cfd;

    signal(SIGPIPE, SIG_DFL);       /* what a tool like xl runs with */
    strcpy(d, "/tmp/xsdead.XXXXXX");
    cr_assert_not_null(mkdtemp(d));
    snprintf(sk, sizeof(sk), "%s/socket", d);
    strcpy(sa.sun_path, sk);
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert_geq(lfd, 0);
    cr_assert_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(listen(lfd, 1), 0);
    setenv("XENSTORED_PATH", sk, 1);
    h = xs_open(XS_OPEN_SOCKETONLY);
    cr_assert_not_null(h, "%s", strerror(errno));
    cfd = accept(lfd, NULL, NULL);
    cr_assert_geq(cfd, 0);
    close(cfd);                     /* the daemon dies */
    close(lfd);
    for (int i = 0; i < 3; i++) {
        errno = 0;
        cr_assert_null(xs_read(h, XBT_NULL, "/local/domain/0/name", &len));
        cr_assert(errno == EPIPE || errno == ECONNRESET || errno == EBADF,
                  "try %d: errno %d (%s)", i, errno, strerror(errno));
    }
    xs_close(h);
    unlink(sk);
    rmdir(d);
}
