/*
 * xs-fakeguest.c - plays an unprivileged guest against xenstored's test mode
 * (--fake-ring-dir DIR): talks the xenstore protocol over DIR/ring-<domid>
 * with the kick FIFOs, exactly as a PV guest's xenbus would over its page.
 *
 *   xs-fakeguest DIR DOMID              commands on stdin, one reply per line
 *   xs-fakeguest --introduce DOMID      dom0 side: XS_INTRODUCE over the socket
 *   xs-fakeguest --release DOMID
 *
 * Commands: read P | write P V | mkdir P | rm P | dir P | getperms P |
 * setperms P PERM... | watch P TOK | unwatch P TOK | event (wait for one) |
 * txstart | txend T|F | flood-writes N PREFIX | flood-watches N |
 * pipeline N (send up to N READs without reading answers; stops when the
 * daemon stops taking them for a second) | drain (read every answer queued,
 * counting replies and events) | stall SECS (do nothing, ring untouched)
 * Replies print as "TYPE payload" with NULs shown as '|'.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "xenstore.h"

static struct xenstore_domain_interface *ring;
static int kick_in = -1, kick_out = -1;
static uint32_t cur_tx;
static char evq[64][512];
static int nev;

static const char *const tnames[] = {
    "CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH",
    "TRANSACTION_START", "TRANSACTION_END", "INTRODUCE", "RELEASE",
    "GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM", "SET_PERMS", "WATCH_EVENT",
    "ERROR", "IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "?",
    "RESET_WATCHES", "DIRECTORY_PART",
};

static void kick(void)
{
    char b = 1;
    (void)!write(kick_in, &b, 1);
}

static int wait_kick(int ms)
{
    struct pollfd p = { .fd = kick_out, .events = POLLIN };
    char junk[64];
    int r = poll(&p, 1, ms);
    while (read(kick_out, junk, sizeof(junk)) > 0)
        ;
    return r;
}

static int ring_send(const void *data, size_t len)
{
    const char *p = data;
    int idle = 0;
    while (len) {
        uint32_t used = ring->req_prod - __atomic_load_n(&ring->req_cons, __ATOMIC_ACQUIRE);
        size_t room = XENSTORE_RING_SIZE - used, n, off;
        if (!room) {
            kick();
            if (wait_kick(100) == 0 && ++idle > 50)
                return -ETIMEDOUT;
            continue;
        }
        off = MASK_XENSTORE_IDX(ring->req_prod);
        n = len < room ? len : room;
        if (n > XENSTORE_RING_SIZE - off)
            n = XENSTORE_RING_SIZE - off;
        memcpy(ring->req + off, p, n);
        __atomic_store_n(&ring->req_prod, ring->req_prod + n, __ATOMIC_RELEASE);
        p += n;
        len -= n;
    }
    kick();
    return 0;
}

static int ring_recv(void *buf, size_t len, int timeout_ms)
{
    char *p = buf;
    int waited = 0;
    while (len) {
        uint32_t prod = __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE);
        if (prod == ring->rsp_cons) {
            if (waited >= timeout_ms)
                return -ETIMEDOUT;
            wait_kick(20);
            waited += 20;
            continue;
        }
        while (len && ring->rsp_cons != prod) {
            *p++ = ring->rsp[MASK_XENSTORE_IDX(ring->rsp_cons)];
            ring->rsp_cons++;
            len--;
        }
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        kick();
    }
    return 0;
}

static void render(char *out, size_t osz, uint32_t type, const char *p, size_t len)
{
    size_t n = snprintf(out, osz, "%s", type < 23 ? tnames[type] : "?"), i;
    if (len)
        out[n++] = ' ';
    for (i = 0; i < len && n < osz - 1; i++)
        out[n++] = p[i] ? p[i] : '|';
    out[n] = 0;
}

/* One request; returns the reply rendered, queueing watch events. */
static const char *talk(uint32_t type, uint32_t tx, const char *payload,
                        size_t len)
{
    static char out[8192];
    static uint32_t req;
    struct xsd_sockmsg h = { type, ++req, tx, len }, r;
    char body[XENSTORE_PAYLOAD_MAX];

    if (ring_send(&h, sizeof(h)) || ring_send(payload, len))
        return "TIMEOUT";
    for (;;) {
        if (ring_recv(&r, sizeof(r), 5000))
            return "TIMEOUT";
        if (r.len > XENSTORE_PAYLOAD_MAX)
            return "BADREPLY";
        if (ring_recv(body, r.len, 5000))
            return "TIMEOUT";
        if (r.type == XS_WATCH_EVENT) {
            if (nev < 64)
                render(evq[nev++], sizeof(evq[0]), r.type, body, r.len);
            continue;
        }
        render(out, sizeof(out), r.type, body, r.len);
        return out;
    }
}

static size_t join(char *buf, size_t sz, char **args, int n, bool last_raw)
{
    size_t len = 0;
    int i;
    for (i = 0; i < n; i++) {
        size_t l = strlen(args[i]);
        if (len + l + 1 > sz)
            break;
        memcpy(buf + len, args[i], l);
        len += l;
        if (!(last_raw && i == n - 1))
            buf[len++] = 0;
    }
    return len;
}

static int dom0_cmd(const char *what, unsigned domid)
{
    struct xs_handle *h = xs_open(XS_OPEN_SOCKETONLY);
    bool ok;
    if (!h) {
        perror("xs_open");
        return 1;
    }
    if (!strcmp(what, "--introduce"))
        ok = xs_introduce_domain(h, domid, 0, 1);
    else
        ok = xs_release_domain(h, domid);
    if (!ok)
        perror(what);
    xs_close(h);
    return ok ? 0 : 1;
}

static int open_ring(const char *dir, unsigned domid)
{
    char p[4096];
    int fd;
    snprintf(p, sizeof(p), "%s/ring-%u", dir, domid);
    fd = open(p, O_RDWR);
    if (fd < 0)
        return -1;
    ring = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (ring == MAP_FAILED)
        return -1;
    snprintf(p, sizeof(p), "%s/kick-%u-in", dir, domid);
    kick_in = open(p, O_WRONLY | O_NONBLOCK);
    snprintf(p, sizeof(p), "%s/kick-%u-out", dir, domid);
    kick_out = open(p, O_RDONLY | O_NONBLOCK);
    return kick_in < 0 || kick_out < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    char line[8192], buf[XENSTORE_PAYLOAD_MAX];
    char *args[64];

    if (argc == 3 && argv[1][0] == '-')
        return dom0_cmd(argv[1], atoi(argv[2]));
    if (argc != 3) {
        fprintf(stderr, "usage: %s DIR DOMID < commands | --introduce|--release DOMID\n",
                argv[0]);
        return 2;
    }
    if (open_ring(argv[1], atoi(argv[2]))) {
        perror("ring");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof(line), stdin)) {
        int n = 0;
        char *s = strtok(line, " \t\n");
        while (s && n < 64) {
            args[n++] = s;
            s = strtok(NULL, " \t\n");
        }
        if (!n)
            continue;
        const char *c = args[0];
        size_t len;
#define ONE(t) (len = join(buf, sizeof(buf), args + 1, n - 1, false), talk(t, cur_tx, buf, len))
        if (!strcmp(c, "read")) puts(ONE(XS_READ));
        else if (!strcmp(c, "mkdir")) puts(ONE(XS_MKDIR));
        else if (!strcmp(c, "rm")) puts(ONE(XS_RM));
        else if (!strcmp(c, "dir")) puts(ONE(XS_DIRECTORY));
        else if (!strcmp(c, "getperms")) puts(ONE(XS_GET_PERMS));
        else if (!strcmp(c, "setperms")) puts(ONE(XS_SET_PERMS));
        else if (!strcmp(c, "watch")) puts(ONE(XS_WATCH));
        else if (!strcmp(c, "unwatch")) puts(ONE(XS_UNWATCH));
        else if (!strcmp(c, "write")) {
            len = join(buf, sizeof(buf), args + 1, n - 1, n > 2);
            puts(talk(XS_WRITE, cur_tx, buf, len));
        } else if (!strcmp(c, "txstart")) {
            const char *r = talk(XS_TRANSACTION_START, 0, "", 1);
            if (!strncmp(r, "TRANSACTION_START ", 18))
                cur_tx = strtoul(r + 18, NULL, 10);
            puts(cur_tx ? "TRANSACTION_START" : r);
        } else if (!strcmp(c, "txend")) {
            puts(talk(XS_TRANSACTION_END, cur_tx, n > 1 ? args[1] : "T", 2));
            cur_tx = 0;
        } else if (!strcmp(c, "event")) {
            int waited = 0;
            struct xsd_sockmsg r;
            while (!nev && waited < 5000) {
                if (ring->rsp_prod != ring->rsp_cons) {
                    if (ring_recv(&r, sizeof(r), 1000) || r.len > sizeof(buf) ||
                        ring_recv(buf, r.len, 1000))
                        break;
                    render(evq[nev++], sizeof(evq[0]), r.type, buf, r.len);
                } else {
                    wait_kick(50);
                    waited += 50;
                }
            }
            if (nev) {
                puts(evq[0]);
                memmove(evq[0], evq[1], sizeof(evq[0]) * --nev);
            } else {
                puts("NOEVENT");
            }
        } else if (!strcmp(c, "flood-writes") && n >= 3) {
            /* count the distinct answers: the daemon must say no at some point */
            int i, ok = 0, err = 0, total = atoi(args[1]);
            char last[128] = "";
            for (i = 0; i < total; i++) {
                char p[256];
                int l = snprintf(p, sizeof(p), "%s%d", args[2], i);
                const char *r;
                memcpy(buf, p, l + 1);
                memset(buf + l + 1, 'f', 1000);
                r = talk(XS_WRITE, 0, buf, l + 1 + 1000);
                if (!strcmp(r, "WRITE OK|")) {
                    ok++;
                } else {
                    err++;
                    snprintf(last, sizeof(last), "%s", r);
                    if (!strcmp(r, "TIMEOUT"))
                        break;
                }
            }
            printf("flood-writes ok=%d err=%d last=%s\n", ok, err, last);
        } else if (!strcmp(c, "flood-watches") && n >= 2) {
            int i, ok = 0, err = 0, total = atoi(args[1]);
            char last[128] = "";
            for (i = 0; i < total; i++) {
                char t[32];
                int l = snprintf(t, sizeof(t), "t%d", i);
                const char *r;
                memcpy(buf, "/\0", 2);
                memcpy(buf + 2, t, l + 1);
                r = talk(XS_WATCH, 0, buf, l + 3);
                if (!strcmp(r, "WATCH OK|"))
                    ok++;
                else {
                    err++;
                    snprintf(last, sizeof(last), "%s", r);
                    if (!strcmp(r, "TIMEOUT"))
                        break;
                }
            }
            printf("flood-watches ok=%d err=%d last=%s\n", ok, err, last);
        } else if (!strcmp(c, "pipeline") && n >= 2) {
            /* a hostile guest: requests without reading the answers */
            int i, idle = 0, total = atoi(args[1]);
            struct xsd_sockmsg h = { XS_READ, 0, 0, 2 };
            for (i = 0; i < total; i++) {
                uint32_t used = ring->req_prod -
                    __atomic_load_n(&ring->req_cons, __ATOMIC_ACQUIRE);
                if (XENSTORE_RING_SIZE - used < sizeof(h) + 2) {
                    kick();
                    if (wait_kick(100) == 0 && ++idle > 10)
                        break;
                    i--;
                    continue;
                }
                h.req_id = 100000 + i;
                memcpy(buf, &h, sizeof(h));
                memcpy(buf + sizeof(h), "/", 2);
                if (ring_send(buf, sizeof(h) + 2))
                    break;
            }
            printf("pipeline sent=%d\n", i);
        } else if (!strcmp(c, "drain")) {
            int replies = 0, events = 0;
            struct xsd_sockmsg r;
            while (!ring_recv(&r, sizeof(r), 1000)) {
                if (r.len > XENSTORE_PAYLOAD_MAX || ring_recv(buf, r.len, 1000))
                    break;
                if (r.type == XS_WATCH_EVENT)
                    events++;
                else
                    replies++;
            }
            printf("drain replies=%d events=%d\n", replies, events);
        } else if (!strcmp(c, "stall") && n >= 2) {
            sleep(atoi(args[1]));
            puts("STALLED");
        } else {
            printf("UNKNOWN %s\n", c);
        }
    }
    return 0;
}
