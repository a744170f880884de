/*
 * xs.c - libxenstore: the client side of the xenstore protocol over the
 * xenstored unix socket or /dev/xen/xenbus.
 *
 * No reader thread: replies are read synchronously under the handle lock,
 * and watch events that arrive in between are queued.  xs_fileno() hands
 * out an epoll fd that watches both the connection and an eventfd kept
 * readable while the queue is non-empty, so poll()-driven callers never miss
 * an event that was queued while they were waiting for a reply.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "xenstore.h"

#define IBUF_SIZE (64 * 1024)

struct xs_event {
    struct xs_event *next;
    unsigned int len;     /* bytes in data: "path\0token\0" */
    char data[];
};

struct xs_handle {
    int fd;
    int is_sock;
    int epfd;   /* xs_fileno(), created lazily */
    int evfd;   /* readable while events are queued */
    pthread_mutex_t lock;
    uint32_t req_id;
    bool no_dirpart;    /* daemon answered DIRECTORY_PART with ENOSYS */
    unsigned long flags;    /* xs_open() flags */
    char *ibuf; /* bytes received, not yet consumed */
    size_t ilen;
    struct xs_event *ev_head, **ev_tail;
};

/* ---- paths ---------------------------------------------------------- */

const char *xs_daemon_rundir(void)
{
    const char *s = getenv("XENSTORED_RUNDIR");
    return s && *s ? s : "/var/run/xenstored";
}

const char *xs_daemon_socket(void)
{
    static __thread char buf[PATH_MAX];
    const char *s = getenv("XENSTORED_PATH");
    if (s && *s)
        return s;
    snprintf(buf, sizeof(buf), "%s/socket", xs_daemon_rundir());
    return buf;
}

const char *xs_daemon_socket_ro(void)
{
    return xs_daemon_socket();
}

static const char *xs_domain_dev(void)
{
    /* Very old kernels had the device under /proc. */
    if (access("/dev/xen/xenbus", F_OK) == 0 || access("/proc/xen/xenbus", F_OK))
        return "/dev/xen/xenbus";
    return "/proc/xen/xenbus";
}

/* Write all of data.  On a socket, send() with MSG_NOSIGNAL: a daemon that
 * died (killed, restarted) makes the write fail with EPIPE instead of
 * raising SIGPIPE, which would kill the caller without a word (xl list then
 * exits 141 with nothing printed).  Xen's library ignores SIGPIPE around
 * the write for the same reason. */
static bool write_fully(int fd, bool sock, const void *data, size_t len)
{
    const char *p = data;

    while (len) {
        ssize_t n = sock ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (n == 0) {
            errno = EIO;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool xs_write_all(int fd, const void *data, unsigned int len)
{
    return write_fully(fd, false, data, len);
}

/* A request to the daemon, over the socket or the xenbus device. */
static bool send_all(const struct xs_handle *h, const void *data, size_t len)
{
    return write_fully(h->fd, h->is_sock, data, len);
}

/* ---- permissions ------------------------------------------------------ */

bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num,
                         const char *strings)
{
    const char *p = strings;
    unsigned int i;
    char *end;

    for (i = 0; i < num; i++, p += strlen(p) + 1) {
        unsigned long id;
        switch (*p) {
        case 'n': perms[i].perms = XS_PERM_NONE; break;
        case 'r': perms[i].perms = XS_PERM_READ; break;
        case 'w': perms[i].perms = XS_PERM_WRITE; break;
        case 'b': perms[i].perms = XS_PERM_READ | XS_PERM_WRITE; break;
        default:
            errno = EINVAL;
            return false;
        }
        errno = 0;
        id = strtoul(p + 1, &end, 10);
        if (end == p + 1 || *end || errno || id > UINT32_MAX) {
            errno = EINVAL;
            return false;
        }
        perms[i].id = id;
    }
    return true;
}

bool xs_perm_to_string(const struct xs_permissions *perm, char *buffer,
                       size_t buf_len)
{
    char c;
    switch (perm->perms & (XS_PERM_READ | XS_PERM_WRITE)) {
    case XS_PERM_READ | XS_PERM_WRITE: c = 'b'; break;
    case XS_PERM_READ: c = 'r'; break;
    case XS_PERM_WRITE: c = 'w'; break;
    default: c = 'n'; break;
    }
    if ((size_t)snprintf(buffer, buf_len, "%c%u", c, perm->id) >= buf_len) {
        errno = ENOBUFS;
        return false;
    }
    return true;
}

bool xs_path_is_subpath(const char *parent, const char *child)
{
    size_t n = strlen(parent);
    if (n && parent[n - 1] == '/')
        n--;
    if (strncmp(parent, child, n))
        return false;
    return child[n] == '/' || child[n] == 0;
}

/* ---- connection --------------------------------------------------------- */

static int connect_socket(const char *path)
{
    struct sockaddr_un sa;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static struct xs_handle *get_handle(const char *path)
{
    struct xs_handle *h;
    struct stat st;
    int fd, is_sock;

    if (stat(path, &st) < 0)
        return NULL;
    is_sock = S_ISSOCK(st.st_mode);
    fd = is_sock ? connect_socket(path) : open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    h = calloc(1, sizeof(*h));
    if (h)
        h->ibuf = malloc(IBUF_SIZE);
    if (!h || !h->ibuf) {
        free(h);
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    h->fd = fd;
    h->is_sock = is_sock;
    h->epfd = h->evfd = -1;
    h->ev_tail = &h->ev_head;
    pthread_mutex_init(&h->lock, NULL);
    return h;
}

struct xs_handle *xs_open(unsigned long flags)
{
    struct xs_handle *h = get_handle(xs_daemon_socket());
    /* A socket file that refuses the connection is a local xenstored that
     * died (killed: it never removed its socket).  /dev/xen/xenbus would
     * only reach that same daemon through dom0's ring, where a request
     * waits for ever; say ECONNREFUSED instead, so the caller can name the
     * cause.  Xen's libxenstore falls back here and hangs. */
    if (!h && errno == ECONNREFUSED)
        return NULL;
    if (!h && !(flags & XS_OPEN_SOCKETONLY))
        h = get_handle(xs_domain_dev());
    if (h)
        h->flags = flags;
    return h;
}

struct xs_handle *xs_daemon_open(void) { return xs_open(0); }
struct xs_handle *xs_domain_open(void) { return xs_open(0); }
struct xs_handle *xs_daemon_open_readonly(void) { return xs_open(XS_OPEN_READONLY); }

static void free_handle(struct xs_handle *h)
{
    struct xs_event *e, *n;
    for (e = h->ev_head; e; e = n) {
        n = e->next;
        free(e);
    }
    if (h->epfd >= 0)
        close(h->epfd);
    if (h->evfd >= 0)
        close(h->evfd);
    pthread_mutex_destroy(&h->lock);
    free(h->ibuf);
    free(h);
}

void xs_close(struct xs_handle *h)
{
    if (!h)
        return;
    close(h->fd);
    free_handle(h);
}

void xs_daemon_close(struct xs_handle *h) { xs_close(h); }

void xs_daemon_destroy_postfork(struct xs_handle *h)
{
    /* The socket is shared with the parent; closing our copy is harmless. */
    xs_close(h);
}

/* ---- message I/O --------------------------------------------------------- */

static void ev_signal(struct xs_handle *h)
{
    uint64_t one = 1;
    if (h->evfd >= 0)
        (void)!write(h->evfd, &one, sizeof(one));
}

static void ev_drain(struct xs_handle *h)
{
    uint64_t v;
    if (h->evfd >= 0)
        (void)!read(h->evfd, &v, sizeof(v));
}

static int queue_event(struct xs_handle *h, const char *p, uint32_t len)
{
    struct xs_event *e = malloc(sizeof(*e) + len + 1);
    if (!e)
        return -ENOMEM;
    memcpy(e->data, p, len);
    e->data[len] = 0;
    e->len = len;
    e->next = NULL;
    if (!h->ev_head)
        ev_signal(h);
    *h->ev_tail = e;
    h->ev_tail = &e->next;
    return 0;
}

static struct xs_event *pop_event(struct xs_handle *h)
{
    struct xs_event *e = h->ev_head;
    if (!e)
        return NULL;
    h->ev_head = e->next;
    if (!h->ev_head) {
        h->ev_tail = &h->ev_head;
        ev_drain(h);
    }
    return e;
}

/* Read more bytes into ibuf.  Returns bytes read, 0 if nothing (only when
 * !block), negative errno on error/EOF. */
static int fill(struct xs_handle *h, int block)
{
    ssize_t n;
    for (;;) {
        if (!block && !h->is_sock) {
            struct pollfd p = { .fd = h->fd, .events = POLLIN };
            if (poll(&p, 1, 0) <= 0)
                return 0;
        }
        if (h->is_sock)
            n = recv(h->fd, h->ibuf + h->ilen, IBUF_SIZE - h->ilen,
                     block ? 0 : MSG_DONTWAIT);
        else
            n = read(h->fd, h->ibuf + h->ilen, IBUF_SIZE - h->ilen);
        if (n > 0) {
            h->ilen += n;
            return n;
        }
        if (n == 0)
            return -EBADF;      /* daemon went away */
        if (errno == EINTR)
            continue;
        if (!block && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        return -errno;
    }
}

/* If ibuf holds a complete message, return its header (payload follows). */
static struct xsd_sockmsg *peek_msg(struct xs_handle *h)
{
    struct xsd_sockmsg *m = (struct xsd_sockmsg *)h->ibuf;
    if (h->ilen < sizeof(*m) || h->ilen < sizeof(*m) + m->len)
        return NULL;
    return m;
}

static void consume_msg(struct xs_handle *h)
{
    struct xsd_sockmsg *m = (struct xsd_sockmsg *)h->ibuf;
    size_t n = sizeof(*m) + m->len;
    h->ilen -= n;
    if (h->ilen)
        memmove(h->ibuf, h->ibuf + n, h->ilen);
}

/* A message longer than the protocol allows means we lost framing. */
static int check_header(struct xs_handle *h)
{
    struct xsd_sockmsg *m = (struct xsd_sockmsg *)h->ibuf;
    if (h->ilen >= sizeof(*m) && m->len > XENSTORE_PAYLOAD_MAX)
        return -EPROTO;
    return 0;
}

/* Move every complete watch event at the head of ibuf to the queue. */
static int drain_events(struct xs_handle *h)
{
    struct xsd_sockmsg *m;
    int rc;
    while ((m = peek_msg(h)) && m->type == XS_WATCH_EVENT) {
        rc = queue_event(h, (char *)(m + 1), m->len);
        if (rc < 0)
            return rc;
        consume_msg(h);
    }
    return check_header(h);
}

static int errno_from_name(const char *s, uint32_t len)
{
    size_t i;
    for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
        size_t n = strlen(xsd_errors[i].errstring);
        if ((len == n || (len == n + 1 && !s[n])) &&
            !memcmp(s, xsd_errors[i].errstring, n))
            return xsd_errors[i].errnum;
    }
    return EINVAL;
}

/* With the lock held: wait for the next reply, queueing events before it.
 * Returns 0 and a malloc'd payload (NUL appended), or -errno. */
static int recv_reply(struct xs_handle *h, uint32_t type, void **ret,
                      unsigned int *len)
{
    struct xsd_sockmsg *r;
    int rc;

    *ret = NULL;
    for (;;) {
        rc = drain_events(h);
        if (rc < 0)
            return rc;
        r = peek_msg(h);
        if (r)
            break;
        rc = fill(h, 1);
        if (rc < 0)
            return rc;
    }
    if (r->type == XS_ERROR) {
        rc = -errno_from_name((char *)(r + 1), r->len);
    } else if (r->type != type) {
        rc = -EBADMSG;
    } else {
        *ret = malloc(r->len + 1);
        if (!*ret) {
            rc = -ENOMEM;
        } else {
            memcpy(*ret, r + 1, r->len);
            ((char *)*ret)[r->len] = 0;
            if (len)
                *len = r->len;
        }
    }
    consume_msg(h);
    /* Events behind the reply: let fileno() pollers know right away. */
    drain_events(h);
    return rc;
}

/* Append one request to buf at *off (buf must have room). */
static int build_msg(struct xs_handle *h, char *buf, size_t *off,
                     xs_transaction_t t, enum xsd_sockmsg_type type,
                     const struct iovec *iov, unsigned int niov)
{
    struct xsd_sockmsg m = { type, ++h->req_id, t, 0 };
    size_t plen = 0;
    unsigned int i;

    for (i = 0; i < niov; i++) {
        if (plen + iov[i].iov_len > XENSTORE_PAYLOAD_MAX)
            return -E2BIG;
        if (iov[i].iov_len)
            memcpy(buf + *off + sizeof(m) + plen, iov[i].iov_base,
                   iov[i].iov_len);
        plen += iov[i].iov_len;
    }
    m.len = plen;
    memcpy(buf + *off, &m, sizeof(m));
    *off += sizeof(m) + plen;
    return 0;
}

/*
 * Send one request and wait for its reply.  Returns a malloc'd copy of the
 * payload with a NUL appended (len excludes it), or NULL with errno set.
 */
static void *xs_talkv(struct xs_handle *h, xs_transaction_t t,
                      enum xsd_sockmsg_type type, const struct iovec *iov,
                      unsigned int niov, unsigned int *len)
{
    char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    size_t off = 0;
    void *ret = NULL;
    int rc;

    pthread_mutex_lock(&h->lock);
    rc = build_msg(h, buf, &off, t, type, iov, niov);
    if (rc)
        goto out;
    if (!send_all(h, buf, off)) {
        rc = -errno;
        goto out;
    }
    rc = recv_reply(h, type, &ret, len);
out:
    pthread_mutex_unlock(&h->lock);
    /* Xen's library leaves errno 0 after a success, and callers such as
     * test-xenstore depend on it. */
    errno = rc < 0 ? -rc : 0;
    return ret;
}

/* Several requests of one type in one write, replies collected in order
 * (the daemon answers a connection's requests in order).  err[i] gets 0 or
 * -errno per request; returns <0 only if the connection failed. */
static int xs_talk_batch(struct xs_handle *h, xs_transaction_t t,
                         enum xsd_sockmsg_type type, struct iovec (*iov)[2],
                         unsigned int n, void **res, unsigned int *rlen,
                         int *err)
{
    size_t off = 0;
    unsigned int i;
    char *buf = malloc(n * (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX));
    int rc = 0;

    for (i = 0; i < n; i++) {
        res[i] = NULL;
        err[i] = -EIO;
    }
    if (!buf)
        return -ENOMEM;
    pthread_mutex_lock(&h->lock);
    for (i = 0; i < n && !rc; i++)
        rc = build_msg(h, buf, &off, t, type, iov[i], 2);
    if (!rc && !send_all(h, buf, off))
        rc = -errno;
    for (i = 0; i < n && !rc; i++) {
        err[i] = recv_reply(h, type, &res[i], &rlen[i]);
        if (err[i] && !res[i] && err[i] != -EBADMSG &&
            (err[i] == -EPROTO || err[i] == -EBADF || err[i] == -ENOMEM ||
             err[i] == -EPIPE || err[i] == -ECONNRESET))
            rc = err[i];    /* the connection itself failed */
    }
    pthread_mutex_unlock(&h->lock);
    free(buf);
    return rc;
}

static void *xs_single(struct xs_handle *h, xs_transaction_t t,
                       enum xsd_sockmsg_type type, const char *s,
                       unsigned int *len)
{
    struct iovec iov = { (void *)s, strlen(s) + 1 };
    return xs_talkv(h, t, type, &iov, 1, len);
}

static bool xs_bool(char *reply)
{
    if (!reply)
        return false;
    free(reply);
    return true;
}

/* ---- operations ------------------------------------------------------------ */

/* Turn "a\0b\0...\0" into one block: pointer array followed by the strings. */
static char **split_strings(const char *strings, unsigned int len,
                            unsigned int *num)
{
    unsigned int n = 0, i;
    char **ret, *p;

    for (i = 0; i < len; i++)
        if (!strings[i])
            n++;
    ret = malloc(sizeof(char *) * (n + 1) + len + 1);
    if (!ret)
        return NULL;
    p = (char *)(ret + n + 1);
    memcpy(p, strings, len);
    p[len] = 0;
    for (i = 0; i < n; i++) {
        ret[i] = p;
        p += strlen(p) + 1;
    }
    ret[n] = NULL;
    *num = n;
    return ret;
}

/*
 * split_strings for a buffer we own: the names move up in the same block
 * and the pointers go in front.  A big listing is then one allocation and
 * one copy of its names, not two: with a second block of the same size the
 * heap's top passed malloc's trim threshold at every listing, and each
 * listing paid a brk() shrink and grow, a TLB shoot-down and page faults
 * (a fifth of the client's time for 10,000 children).  NULL with errno on
 * failure; buf is then still the caller's.
 */
static char **split_in_place(char *buf, size_t len, unsigned int *num)
{
    unsigned int n = 0, i;
    size_t j, ptrs;
    char **ret, *p;

    for (j = 0; j < len; j++)
        if (!buf[j])
            n++;
    ptrs = sizeof(char *) * (n + 1);
    ret = realloc(buf, ptrs + len + 1);
    if (!ret) {
        errno = ENOMEM;
        return NULL;
    }
    p = (char *)ret + ptrs;
    memmove(p, ret, len);
    p[len] = 0;
    for (i = 0; i < n; i++) {
        ret[i] = p;
        p += strlen(p) + 1;
    }
    ret[n] = NULL;
    *num = n;
    return ret;
}

/*
 * Big directories come in DIRECTORY_PART chunks of up to 4 KiB.  The offset
 * is a byte offset into the whole listing and a chunk may start inside a
 * name, so after the first chunk we ask for DP_WINDOW chunks at once,
 * DP_STRIDE bytes apart (a little less than a chunk holds), and stitch them
 * by offset: one round trip per ~16 KiB instead of per 4 KiB.  A gap (very
 * long names) just makes the next window start where the data stops.  A
 * changed generation means the directory changed: start again.
 */
#define DP_WINDOW 4
#define DP_STRIDE 3968

static char **xs_directory_part(struct xs_handle *h, xs_transaction_t t,
                                const char *path, unsigned int *num)
{
    char gen[32] = "", offstr[DP_WINDOW][16];
    struct iovec iov[DP_WINDOW][2];
    void *res[DP_WINDOW];
    unsigned int rlen[DP_WINDOW], n = 1, i;
    int err[DP_WINDOW], rc = 0;
    size_t covered = 0, cap = 0, offs[DP_WINDOW];
    char *buf = NULL, **ret;
    bool have_gen = false, done = false;

    while (!done) {
        bool stop = false, restart = false;

        for (i = 0; i < n; i++) {
            offs[i] = covered + (size_t)i * DP_STRIDE;
            snprintf(offstr[i], sizeof(offstr[i]), "%zu", offs[i]);
            iov[i][0].iov_base = (void *)path;
            iov[i][0].iov_len = strlen(path) + 1;
            iov[i][1].iov_base = offstr[i];
            iov[i][1].iov_len = strlen(offstr[i]) + 1;
        }
        rc = xs_talk_batch(h, t, XS_DIRECTORY_PART, iov, n, res, rlen, err);
        for (i = 0; i < n; i++) {
            char *r = res[i], *data;
            size_t glen, l;
            bool final;

            if (stop || rc) {
                free(r);
                continue;
            }
            if (err[i]) {
                rc = err[i];
                continue;
            }
            glen = strnlen(r, rlen[i]);
            if (glen == rlen[i] || glen >= sizeof(gen)) {
                rc = -EPROTO;
                free(r);
                continue;
            }
            if (!have_gen) {
                memcpy(gen, r, glen + 1);
                have_gen = true;
            } else if (strcmp(gen, r)) {
                restart = stop = true;
                free(r);
                continue;
            }
            data = r + glen + 1;
            l = rlen[i] - glen - 1;
            /* the last chunk ends with an extra NUL */
            final = l >= 1 && !data[l - 1] && (l == 1 || !data[l - 2]);
            if (final)
                l--;
            if (offs[i] > covered) {
                stop = true;            /* gap: next window starts here */
                free(r);
                continue;
            }
            if (offs[i] + l + 1 > cap) {
                size_t ncap = (offs[i] + l + 1) * 2;
                char *nb = realloc(buf, ncap);
                if (!nb) {
                    rc = -ENOMEM;
                    free(r);
                    continue;
                }
                buf = nb;
                cap = ncap;
            }
            memcpy(buf + offs[i], data, l);
            if (offs[i] + l > covered)
                covered = offs[i] + l;
            free(r);
            if (final) {
                done = stop = true;
            } else if (!l) {
                rc = -EPROTO;           /* no progress: daemon misbehaves */
            }
        }
        if (rc) {
            free(buf);
            errno = -rc;
            return NULL;
        }
        if (restart) {
            covered = 0;
            have_gen = false;
            n = 1;
            continue;
        }
        /* pipelining needs a stream: the xenbus device takes one at a time */
        n = h->is_sock ? DP_WINDOW : 1;
    }
    ret = split_in_place(buf, covered, num);
    if (!ret)
        free(buf);
    return ret;
}

/*
 * DIRECTORY_PART at offset 0 answers a small directory in one round trip,
 * just like DIRECTORY, and a big one without the E2BIG probe first; so use
 * it whenever the daemon has it (oxenstored 4.17 does not: ENOSYS).
 */
char **xs_directory(struct xs_handle *h, xs_transaction_t t,
                    const char *path, unsigned int *num)
{
    unsigned int len;
    char *s, **ret;

    if (!h->no_dirpart) {
        ret = xs_directory_part(h, t, path, num);
        if (ret || errno != ENOSYS)
            return ret;
        h->no_dirpart = true;
    }
    s = xs_single(h, t, XS_DIRECTORY, path, &len);
    if (!s) {
        /* too big for one reply and no DIRECTORY_PART: E2BIG stays */
        return NULL;
    }
    ret = split_strings(s, len, num);
    free(s);
    return ret;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
              unsigned int *len)
{
    return xs_single(h, t, XS_READ, path, len);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
              const void *data, unsigned int len)
{
    struct iovec iov[2] = {
        { (void *)path, strlen(path) + 1 },
        { (void *)data, len },
    };
    return xs_bool(xs_talkv(h, t, XS_WRITE, iov, 2, NULL));
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return xs_bool(xs_single(h, t, XS_MKDIR, path, NULL));
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return xs_bool(xs_single(h, t, XS_RM, path, NULL));
}

bool xs_restrict(struct xs_handle *h, unsigned domid)
{
    errno = ENOSYS;
    return false;
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h,
                                          xs_transaction_t t,
                                          const char *path, unsigned int *num)
{
    unsigned int len, n = 0, i;
    char *s = xs_single(h, t, XS_GET_PERMS, path, &len);
    struct xs_permissions *ret;

    if (!s)
        return NULL;
    for (i = 0; i < len; i++)
        if (!s[i])
            n++;
    ret = malloc(sizeof(*ret) * (n ? n : 1));
    if (!ret || !xs_strings_to_perms(ret, n, s)) {
        int e = ret ? errno : ENOMEM;
        free(ret);
        free(s);
        errno = e;
        return NULL;
    }
    free(s);
    *num = n;
    return ret;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num_perms)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t off = 0;
    unsigned int i;
    struct iovec iov[2];

    for (i = 0; i < num_perms; i++) {
        if (off + MAX_STRLEN(unsigned int) + 2 > sizeof(buf)) {
            errno = E2BIG;
            return false;
        }
        if (!xs_perm_to_string(&perms[i], buf + off, sizeof(buf) - off))
            return false;
        off += strlen(buf + off) + 1;
    }
    iov[0].iov_base = (void *)path;
    iov[0].iov_len = strlen(path) + 1;
    iov[1].iov_base = buf;
    iov[1].iov_len = off;
    return xs_bool(xs_talkv(h, t, XS_SET_PERMS, iov, 2, NULL));
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {
        { (void *)path, strlen(path) + 1 },
        { (void *)token, strlen(token) + 1 },
    };
    return xs_bool(xs_talkv(h, XBT_NULL, XS_WATCH, iov, 2, NULL));
}

/* XS_UNWATCH_FILTER: forget queued events of the watch just removed. */
static void filter_events(struct xs_handle *h, const char *path,
                          const char *token)
{
    struct xs_event **p = &h->ev_head, *e;

    pthread_mutex_lock(&h->lock);
    h->ev_tail = &h->ev_head;
    while ((e = *p)) {
        const char *tok = e->data + strlen(e->data) + 1;
        if ((size_t)(tok - e->data) < e->len && !strcmp(tok, token) &&
            xs_path_is_subpath(path, e->data)) {
            *p = e->next;
            free(e);
            continue;
        }
        h->ev_tail = &e->next;
        p = &e->next;
    }
    if (!h->ev_head)
        ev_drain(h);
    pthread_mutex_unlock(&h->lock);
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {
        { (void *)path, strlen(path) + 1 },
        { (void *)token, strlen(token) + 1 },
    };
    bool ok = xs_bool(xs_talkv(h, XBT_NULL, XS_UNWATCH, iov, 2, NULL));

    if (ok && (h->flags & XS_UNWATCH_FILTER))
        filter_events(h, path, token);
    return ok;
}

int xs_fileno(struct xs_handle *h)
{
    struct epoll_event ev = { .events = EPOLLIN };
    int rc = -1;

    pthread_mutex_lock(&h->lock);
    if (h->epfd >= 0) {
        rc = h->epfd;
        goto out;
    }
    h->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    h->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (h->evfd < 0 || h->epfd < 0)
        goto fail;
    ev.data.fd = h->fd;
    if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->fd, &ev) < 0)
        goto fail;
    ev.data.fd = h->evfd;
    if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->evfd, &ev) < 0)
        goto fail;
    if (h->ev_head)
        ev_signal(h);
    rc = h->epfd;
    goto out;
fail:
    if (h->evfd >= 0)
        close(h->evfd);
    if (h->epfd >= 0)
        close(h->epfd);
    h->evfd = h->epfd = -1;
out:
    pthread_mutex_unlock(&h->lock);
    return rc;
}

static char **event_vec(struct xs_event *e, unsigned int *num)
{
    char **ret = split_strings(e->data, e->len, num);
    free(e);
    if (ret && *num < 2) {
        /* A malformed event from the daemon: never hand out a short vec. */
        free(ret);
        errno = EPROTO;
        return NULL;
    }
    return ret;
}

/* Take a queued event, reading whatever is available without blocking. */
static struct xs_event *try_event(struct xs_handle *h, int *err)
{
    struct xs_event *e;
    int rc;

    *err = 0;
    pthread_mutex_lock(&h->lock);
    e = pop_event(h);
    while (!e) {
        rc = fill(h, 0);
        if (rc <= 0) {
            *err = rc;
            break;
        }
        rc = drain_events(h);
        if (rc < 0) {
            *err = rc;
            break;
        }
        e = pop_event(h);
    }
    pthread_mutex_unlock(&h->lock);
    return e;
}

char **xs_check_watch(struct xs_handle *h)
{
    unsigned int num;
    int err;
    struct xs_event *e = try_event(h, &err);

    if (!e) {
        errno = err ? -err : EAGAIN;
        return NULL;
    }
    return event_vec(e, &num);
}

char **xs_read_watch(struct xs_handle *h, unsigned int *num)
{
    struct xs_event *e;
    int err;

    for (;;) {
        e = try_event(h, &err);
        if (e)
            return event_vec(e, num);
        if (err < 0) {
            errno = -err;
            return NULL;
        }
        /* Wait without the lock so other threads can still talk. */
        /* Bounded wait: another thread may have queued our event meanwhile. */
        struct pollfd p = { .fd = h->fd, .events = POLLIN };
        if (poll(&p, 1, 1000) < 0 && errno != EINTR)
            return NULL;
    }
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    char *id = xs_single(h, XBT_NULL, XS_TRANSACTION_START, "", NULL);
    xs_transaction_t t;

    if (!id)
        return XBT_NULL;
    t = strtoul(id, NULL, 0);
    free(id);
    return t;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
    return xs_bool(xs_single(h, t, XS_TRANSACTION_END, abort ? "F" : "T",
                             NULL));
}

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid,
                         unsigned long mfn, unsigned int eventchn)
{
    char d[16], m[24], e[16];
    struct iovec iov[3];

    snprintf(d, sizeof(d), "%u", domid);
    snprintf(m, sizeof(m), "%lu", mfn);
    snprintf(e, sizeof(e), "%u", eventchn);
    iov[0] = (struct iovec){ d, strlen(d) + 1 };
    iov[1] = (struct iovec){ m, strlen(m) + 1 };
    iov[2] = (struct iovec){ e, strlen(e) + 1 };
    return xs_bool(xs_talkv(h, XBT_NULL, XS_INTRODUCE, iov, 3, NULL));
}

bool xs_set_target(struct xs_handle *h, unsigned int domid,
                   unsigned int target)
{
    char d[16], t[16];
    struct iovec iov[2];

    snprintf(d, sizeof(d), "%u", domid);
    snprintf(t, sizeof(t), "%u", target);
    iov[0] = (struct iovec){ d, strlen(d) + 1 };
    iov[1] = (struct iovec){ t, strlen(t) + 1 };
    return xs_bool(xs_talkv(h, XBT_NULL, XS_SET_TARGET, iov, 2, NULL));
}

static char *single_domid(struct xs_handle *h, enum xsd_sockmsg_type type,
                          unsigned int domid)
{
    char d[16];
    snprintf(d, sizeof(d), "%u", domid);
    return xs_single(h, XBT_NULL, type, d, NULL);
}

bool xs_resume_domain(struct xs_handle *h, unsigned int domid)
{
    return xs_bool(single_domid(h, XS_RESUME, domid));
}

bool xs_release_domain(struct xs_handle *h, unsigned int domid)
{
    return xs_bool(single_domid(h, XS_RELEASE, domid));
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
    return single_domid(h, XS_GET_DOMAIN_PATH, domid);
}

bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
    char *r = single_domid(h, XS_IS_DOMAIN_INTRODUCED, domid);
    bool ret;

    if (!r)
        return false;
    ret = !strcmp(r, "T");
    free(r);
    return ret;
}

char *xs_control_command(struct xs_handle *h, const char *cmd, void *data,
                         unsigned int len)
{
    struct iovec iov[2] = {
        { (void *)cmd, strlen(cmd) + 1 },
        { data, len },
    };
    return xs_talkv(h, XBT_NULL, XS_CONTROL, iov, 2, NULL);
}

char *xs_debug_command(struct xs_handle *h, const char *cmd, void *data,
                       unsigned int len)
{
    return xs_control_command(h, cmd, data, len);
}

int xs_suspend_evtchn_port(int domid)
{
    struct xs_handle *h = xs_open(0);
    char path[64], *v;
    int port = -1;

    if (!h)
        return -1;
    snprintf(path, sizeof(path), "/local/domain/%d/device/suspend/event-channel",
             domid);
    v = xs_read(h, XBT_NULL, path, NULL);
    if (v && *v)
        port = atoi(v);
    free(v);
    xs_close(h);
    return port;
}
