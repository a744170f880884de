/*
 * io.c - the epoll event loop, the unix-socket transport, signals, and the
 * trace/log output.
 *
 * Level-triggered epoll; a connection is registered for EPOLLIN only while
 * it may send requests (see conn_wants_input) and for EPOLLOUT only while it
 * has output waiting, so a client that stops reading costs nothing.  One
 * read per ready socket per round keeps any single client from starving the
 * rest.  SIGTERM/SIGINT arrive through a signalfd and end the loop cleanly.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "xsd.h"

FILE *xsd_trace;
int xsd_verbose;

static int epfd = -1, listen_fd = -1, sig_fd = -1;
static char *listen_path;
/* epoll data markers for the non-connection fds */
static char mark_listen, mark_signal, mark_evtchn;

void xsd_log(const char *fmt, ...)
{
    va_list ap;
    FILE *f = xsd_trace ? xsd_trace : (xsd_verbose ? stderr : NULL);
    if (!f)
        return;
    va_start(ap, fmt);
    fprintf(f, "xenstored: ");
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    va_end(ap);
}

void trace_msg(struct conn *c, const char *dir, const struct xsd_sockmsg *h,
               const char *payload)
{
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    uint32_t i, n = h->len > 256 ? 256 : h->len;

    localtime_r(&now, &tm);
    strftime(ts, sizeof(ts), "%Y%m%d %H:%M:%S", &tm);
    fprintf(xsd_trace, "%s %p dom%u %s %s (", dir, (void *)c, c->domid, ts,
            xsd_typename(h->type));
    for (i = 0; i < n; i++) {
        unsigned char ch = payload[i];
        fputc(ch == 0 ? ' ' : (ch < 32 || ch > 126) ? '.' : ch, xsd_trace);
    }
    fprintf(xsd_trace, "%s) req %u tx %u\n", h->len > n ? "..." : "",
            h->req_id, h->tx_id);
}

/* ---- socket transport ------------------------------------------------------- */

/*
 * Requests are read with MSG_PEEK (SO_PEEK_OFF moves past what we saw) and
 * taken off the socket only after the replies went out (sock_flushed).
 * Why: taking a client's bytes off the socket frees them, and Linux then
 * wakes whoever sleeps on that socket for write space - the client, blocked
 * reading its reply.  It wakes, finds nothing and sleeps again: two context
 * switches for nothing, on about a third of the requests of a synchronous
 * client (measured in docs/xenstore.md).  Once our reply is queued the
 * client is awake anyway and the freeing wakes nobody.
 */
bool xsd_sock_peek = true;    /* --no-peek: plain reads */

static ssize_t sock_read(struct conn *c, void *buf, size_t len)
{
    for (;;) {
        ssize_t n = c->peeked != (size_t)-1 ?
                    recv(c->fd, buf, len, MSG_PEEK | MSG_DONTWAIT) :
                    read(c->fd, buf, len);
        if (n > 0 && c->peeked != (size_t)-1)
            c->peeked += n;
        if (n > 0)
            return n;
        if (n == 0)
            return -EPIPE;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return -errno;
    }
}

static ssize_t sock_write(struct conn *c, const void *buf, size_t len)
{
    for (;;) {
        ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return -errno;
    }
}

/* Take the bytes we already have in our buffer off the socket. */
static void sock_flushed(struct conn *c)
{
    char scratch[4096];

    while (c->peeked && c->peeked != (size_t)-1) {
        size_t want = c->peeked < sizeof(scratch) ? c->peeked : sizeof(scratch);
        ssize_t n = recv(c->fd, scratch, want, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            /* Cannot happen for bytes we have seen; never loop on it. */
            xsd_log("dom%u: socket lost %zu peeked bytes", c->domid, c->peeked);
            c->dead = true;
            c->peeked = 0;
            return;
        }
        c->peeked -= n;
    }
}

static void sock_destroy(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static const struct transport_ops sock_ops = {
    .name = "socket",
    .read = sock_read,
    .write = sock_write,
    .destroy = sock_destroy,
    .flushed = sock_flushed,
};

struct conn *sock_conn_new(int fd)
{
    /* Only root can reach the socket: its clients are dom0's tools. */
    struct conn *c = conn_new(&sock_ops, NULL, fd, 0);
    int zero = 0;

    if (!c)
        return NULL;
    /* (size_t)-1: plain reads, if peeking is off or the kernel lacks it */
    c->peeked = xsd_sock_peek &&
        setsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero)) == 0 ?
        0 : (size_t)-1;
    if (epfd >= 0 && io_watch_fd(c) < 0) {
        conn_free(c);
        return NULL;
    }
    return c;
}

/* ---- epoll plumbing ------------------------------------------------------------ */

int io_watch_fd(struct conn *c)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
    if (epfd < 0)
        return 0;   /* unit tests run without a loop */
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
        return -errno;
    c->ev_mask = EPOLLIN;
    return 0;
}

void io_unwatch_fd(struct conn *c)
{
    if (epfd >= 0 && c->fd >= 0 && c->ev_mask != (uint32_t)-1)
        epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
}

void io_update(struct conn *c)
{
    uint32_t want = (conn_wants_input(c) ? EPOLLIN : 0) |
                    (c->out.len ? EPOLLOUT : 0);
    struct epoll_event ev = { .events = want, .data.ptr = c };

    if (epfd < 0 || c->fd < 0 || want == c->ev_mask)
        return;
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
        c->ev_mask = want;
}

static int add_marker(int fd, void *mark)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = mark };
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int io_init(void)
{
    sigset_t set;

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        return -errno;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sig_fd < 0)
        return -errno;
    return add_marker(sig_fd, &mark_signal);
}

int io_listen(const char *path)
{
    struct sockaddr_un sa;
    char *dir, *slash;

    if (strlen(path) + 4 >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    dir = strdup(path);
    if (!dir)
        return -ENOMEM;
    slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        mkdir(dir, 0755);
    }
    free(dir);
    listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (listen_fd < 0)
        return -errno;
    /* Bind under a temporary name and rename once listening, so a client
     * that sees the socket file can always connect. */
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.new", path) >=
        (int)sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    unlink(sa.sun_path);
    if (bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        chmod(sa.sun_path, 0600) < 0 || listen(listen_fd, 128) < 0 ||
        rename(sa.sun_path, path) < 0) {
        int e = errno;
        unlink(sa.sun_path);
        return -e;
    }
    listen_path = strdup(path);
    return add_marker(listen_fd, &mark_listen);
}

static void accept_all(void)
{
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        if (!sock_conn_new(fd))
            close(fd);
    }
}

static void check_stalled(void)
{
    double now = xsd_now();
    struct conn *c;
    for (c = xsd_conns; c; c = c->next)
        if (c->out.len && !c->dead &&
            now - c->out_stuck_since > xsd_quota.watch_timeout) {
            xsd_log("dom%u: output stuck for %us, dropping connection",
                    c->domid, xsd_quota.watch_timeout);
            c->dead = true;
            conn_mark_dirty(c);
        }
}

static bool any_output(void)
{
    struct conn *c;
    for (c = xsd_conns; c; c = c->next)
        if (c->out.len)
            return true;
    return false;
}

static bool evtchn_added;

void io_evtchn_opened(void)
{
    if (epfd >= 0 && xsd_evtchn_fd >= 0 && !evtchn_added &&
        add_marker(xsd_evtchn_fd, &mark_evtchn) == 0)
        evtchn_added = true;
}

int io_run(void)
{
    struct epoll_event evs[64];
    double last_check = xsd_now();

    io_evtchn_opened();
    conn_flush_dirty();
    for (;;) {
        int n, i, timeout = any_output() ? 1000 : -1;

        n = epoll_wait(epfd, evs, 64, timeout);
        if (n < 0 && errno != EINTR)
            return -errno;
        for (i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            uint32_t e = evs[i].events;
            struct conn *c;

            if (p == &mark_listen) {
                accept_all();
                continue;
            }
            if (p == &mark_signal) {
                struct signalfd_siginfo si;
                while (read(sig_fd, &si, sizeof(si)) == sizeof(si))
                    if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
                        xsd_log("signal %u: exiting", si.ssi_signo);
                        return 0;
                    }
                continue;
            }
            if (p == &mark_evtchn) {
                domain_evtchn_ready();
                continue;
            }
            c = p;
            if (c->dead)
                continue;
            if (conn_is_ring(c)) {
                char junk[64];
                while (read(c->fd, junk, sizeof(junk)) > 0)
                    ;
                conn_kick(c);
                continue;
            }
            if (e & EPOLLIN) {
                if (conn_handle_input(c) < 0)
                    c->dead = true;
            } else if (e & (EPOLLHUP | EPOLLERR)) {
                c->dead = true;
            }
            conn_mark_dirty(c);
        }
        conn_flush_dirty();
        if (xsd_now() - last_check >= 1.0) {
            last_check = xsd_now();
            check_stalled();
            conn_flush_dirty();
        }
    }
}

void io_fini(void)
{
    while (xsd_conns)
        conn_free(xsd_conns);
    if (listen_path) {
        unlink(listen_path);
        free(listen_path);
        listen_path = NULL;
    }
    if (listen_fd >= 0)
        close(listen_fd);
    if (sig_fd >= 0)
        close(sig_fd);
    if (epfd >= 0)
        close(epfd);
    listen_fd = sig_fd = epfd = -1;
}
