/*
 * daemon.c — the console daemon's work: notice guests appearing in
 * xenstore (@introduceDomain) and disappearing (@releaseDomain), map each
 * guest's console ring (grant ref 0 through gntdev, else a foreign map of
 * console/ring-ref), bind its event channel, give it a pty recorded at
 * /local/domain/<id>/console/tty (what `xl console` opens) and copy its
 * output to /var/log/xen/console/guest-<name>.log.  A guest's events are
 * rate limited as Xen's xenconsoled does (ring.h), and each event moves at
 * most one ring of output, so a flooding guest cannot keep the daemon from
 * its other guests or from xenstore.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "consoled.h"

#define VIRQ_CON_RING 8

static void logmsg(struct consoled *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logmsg(struct consoled *c, const char *fmt, ...)
{
    va_list ap;
    if (!c->verbose)
        return;
    va_start(ap, fmt);
    fprintf(stderr, "xenconsoled: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static char *xs_get(struct consoled *c, uint32_t domid, const char *node)
{
    char path[128];
    unsigned int len;
    if (!c->xs) {           /* xenstored is gone: the console waits for it */
        errno = ECONNREFUSED;
        return NULL;
    }
    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, node);
    return xs_read(c->xs, XBT_NULL, path, &len);
}

static void write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;       /* a full pty or disk drops output rather than stalling everyone */
        buf += n;
        len -= (size_t)n;
    }
}

/*
 * Move what the guest has written (at most one ring: a guest refilling it
 * as fast as we read must not keep us here) to the log and the pty.
 */
static void drain(struct consoled *c, struct cons_dom *d)
{
    char buf[sizeof(d->intf->out)];
    size_t n = cons_ring_read(d->intf, buf, sizeof(buf));

    if (n == 0)
        return;
    if (d->log_fd >= 0)
        write_all(d->log_fd, buf, n);
    if (d->master >= 0)
        write_all(d->master, buf, n);
    xc_evtchn_notify(c->xce, (uint32_t)d->local_port, NULL);
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A rate-limit period ended: unmask (and serve) the guests left masked. */
static void rate_period(struct consoled *c)
{
    for (struct cons_dom *d = c->doms; d; d = d->next)
        if (cons_rate_period(&d->rate) && d->local_port >= 0) {
            if (d->rate.throttled == 1)
                fprintf(stderr, "xenconsoled: dom %u (%s): console events over %u per %u ms, "
                        "rate limited\n", d->domid, d->name, CONS_RATE_ALLOWANCE,
                        CONS_RATE_PERIOD_MS);
            drain(c, d);
            xc_evtchn_unmask(c->xce, (uint32_t)d->local_port);
        }
}

static void teardown(struct consoled *c, struct cons_dom *d)
{
    if (d->intf)
        drain(c, d);
    if (d->local_port >= 0)
        xc_evtchn_unbind(c->xce, (uint32_t)d->local_port, NULL);
    if (d->intf) {
        if (d->via_gnttab)
            xc_gnttab_unmap(c->xcg, (void *)d->intf);
        else
            xc_unmap((void *)d->intf, 1);
    }
    if (d->master >= 0)
        close(d->master);
    if (d->slave >= 0)
        close(d->slave);
    if (d->log_fd >= 0)
        close(d->log_fd);
    logmsg(c, "dom %u (%s): console closed", d->domid, d->name);
    free(d);
}

static int open_pty(struct consoled *c, struct cons_dom *d)
{
    struct termios t;
    char path[128];

    if (openpty(&d->master, &d->slave, d->tty, NULL, NULL) < 0)
        return -errno;
    /* Raw: the guest's bytes reach `xl console` unmodified, no echo. */
    if (tcgetattr(d->slave, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(d->slave, TCSANOW, &t);
    }
    fcntl(d->master, F_SETFL, fcntl(d->master, F_GETFL) | O_NONBLOCK);
    fcntl(d->master, F_SETFD, FD_CLOEXEC);
    fcntl(d->slave, F_SETFD, FD_CLOEXEC);
    snprintf(path, sizeof(path), "/local/domain/%u/console/tty", d->domid);
    if (!c->xs || !xs_write(c->xs, XBT_NULL, path, d->tty, strlen(d->tty)))
        return -errno ? -errno : -EIO;
    return 0;
}

/* Returns false when the console nodes do not exist yet (retry later). */
static bool setup(struct consoled *c, uint32_t domid)
{
    bool ready = true;
    struct cons_dom *d = calloc(1, sizeof(*d));
    char *ref = NULL, *port = NULL, *name = NULL;
    struct errbuf eb;

    if (!d)
        return true;
    eb_clear(&eb);
    d->domid = domid;
    d->local_port = d->master = d->slave = d->log_fd = -1;
    ref = xs_get(c, domid, "console/ring-ref");
    port = xs_get(c, domid, "console/port");
    name = xs_get(c, domid, "name");
    if (!ref || !port) {
        /* Not a guest with a PV console (yet): its console watch retries. */
        free(d);
        d = NULL;
        ready = false;
        goto out;
    }
    snprintf(d->name, sizeof(d->name), "%s", name ? name : "");
    if (!d->name[0])
        snprintf(d->name, sizeof(d->name), "domain-%u", domid);

    if (c->xcg)
        d->intf = xc_gnttab_map(c->xcg, domid, XC_GNTTAB_RESERVED_CONSOLE,
                                PROT_READ | PROT_WRITE, NULL);
    d->via_gnttab = d->intf != NULL;
    if (!d->intf) {
        uint64_t mfn = strtoull(ref, NULL, 10);
        d->intf = xc_map_foreign(c->xch, domid, PROT_READ | PROT_WRITE, &mfn, NULL, 1, &eb);
    }
    if (!d->intf) {
        fprintf(stderr, "xenconsoled: dom %u: cannot map console ring: %s\n", domid, eb.msg);
        goto fail;
    }
    d->local_port = xc_evtchn_bind_interdomain(c->xce, domid, (uint32_t)strtoul(port, NULL, 10), &eb);
    if (d->local_port < 0) {
        fprintf(stderr, "xenconsoled: dom %u: %s\n", domid, eb.msg);
        goto fail;
    }
    int rc = open_pty(c, d);
    if (rc < 0)
        fprintf(stderr, "xenconsoled: dom %u: pty: %s\n", domid, errno_name(rc));
    if (c->log_guest) {
        char path[1200];
        snprintf(path, sizeof(path), "%s/guest-%s.log", c->log_dir, d->name);
        d->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (d->log_fd < 0)
            fprintf(stderr, "xenconsoled: dom %u: %s: %s\n", domid, path, strerror(errno));
    }
    d->next = c->doms;
    c->doms = d;
    logmsg(c, "dom %u (%s): console on %s, port %d, %s", domid, d->name, d->tty, d->local_port,
           d->via_gnttab ? "grant ref 0" : "foreign map");
    drain(c, d);
    goto out;
fail:
    teardown(c, d);
out:
    free(ref);
    free(port);
    free(name);
    return ready;
}

static void wait_add(struct consoled *c, uint32_t domid)
{
    char path[64], token[32];

    for (struct cons_wait *w = c->waits; w; w = w->next)
        if (w->domid == domid)
            return;
    struct cons_wait *w = calloc(1, sizeof(*w));
    if (!w)
        return;
    w->domid = domid;
    w->next = c->waits;
    c->waits = w;
    snprintf(path, sizeof(path), "/local/domain/%u/console", domid);
    snprintf(token, sizeof(token), "con-%u", domid);
    if (c->xs)
        xs_watch(c->xs, path, token);
}

static void wait_drop(struct consoled *c, uint32_t domid)
{
    char path[64], token[32];

    for (struct cons_wait **pp = &c->waits; *pp; pp = &(*pp)->next)
        if ((*pp)->domid == domid) {
            struct cons_wait *w = *pp;
            *pp = w->next;
            free(w);
            snprintf(path, sizeof(path), "/local/domain/%u/console", domid);
            snprintf(token, sizeof(token), "con-%u", domid);
            if (c->xs)
                xs_unwatch(c->xs, path, token);
            return;
        }
}

/* Stop serving the consoles of domains that are dying or gone. */
static void drop_dead(struct consoled *c, const struct xc_dominfo *info, int n)
{
    for (struct cons_dom **pp = &c->doms; *pp;) {
        struct cons_dom *d = *pp;
        bool alive = false;
        for (int i = 0; i < n; i++)
            if (info[i].domid == d->domid && !info[i].dying)
                alive = true;
        if (!alive) {
            *pp = d->next;
            teardown(c, d);
        } else {
            pp = &d->next;
        }
    }
}

/* Bring the set of served consoles in line with the domains that exist. */
static void rescan(struct consoled *c)
{
    struct xc_dominfo info[256];
    int n = xc_domain_getinfolist(c->xch, 1, 256, info, NULL);

    if (n < 0)
        return;
    drop_dead(c, info, n);
    for (int i = 0; i < n; i++) {
        bool known = false;
        if (info[i].dying)
            continue;
        for (struct cons_dom *d = c->doms; d; d = d->next)
            if (d->domid == info[i].domid)
                known = true;
        if (known)
            continue;
        if (setup(c, info[i].domid))
            wait_drop(c, info[i].domid);
        else
            wait_add(c, info[i].domid);
    }
    /* Stop watching for domains that went away before their console appeared. */
    for (struct cons_wait *w = c->waits, *next; w; w = next) {
        next = w->next;
        bool alive = false;
        for (int i = 0; i < n; i++)
            if (info[i].domid == w->domid && !info[i].dying)
                alive = true;
        if (!alive)
            wait_drop(c, w->domid);
    }
}

static void hv_log(struct consoled *c)
{
    char buf[16384];
    size_t len = sizeof(buf);

    if (xc_readconsole(c->xch, buf, &len, false, &c->hv_index, NULL) == 0 && len)
        write_all(c->hv_log_fd, buf, len);
}

int consoled_init(struct consoled *c, struct errbuf *eb)
{
    c->xch = xc_open(eb);
    if (!c->xch)
        return eb->err;
    c->xce = xc_evtchn_open(eb);
    if (!c->xce)
        return eb->err;
    c->xcg = xc_gnttab_open(NULL);       /* optional: foreign maps also work for dom0 */
    c->xs = xs_open(0);
    if (!c->xs)
        return eb_fail(eb, -errno ? -errno : -ECONNREFUSED, "cannot connect to xenstored");
    if (!xs_watch(c->xs, "@introduceDomain", "intro") || !xs_watch(c->xs, "@releaseDomain", "release"))
        return eb_fail(eb, -errno ? -errno : -EIO, "xenstore watch");
    c->hv_log_fd = c->hv_port = -1;
    if (c->log_guest || c->log_hv)
        mkdir(c->log_dir, 0755);
    if (c->log_hv) {
        char path[1200];
        snprintf(path, sizeof(path), "%s/hypervisor.log", c->log_dir);
        c->hv_log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (c->hv_log_fd >= 0)
            c->hv_port = xc_evtchn_bind_virq(c->xce, VIRQ_CON_RING, NULL);
        if (c->hv_log_fd >= 0)
            hv_log(c);
    }
    return 0;
}

/*
 * xenstored went away (killed, or stopped to be restarted): its socket
 * stays readable (hung up), so polling it would spin.  Drop the connection;
 * the consoles already served keep working (their rings and event channels
 * do not go through xenstore) and a new connection is tried once a second.
 */
static void drop_waits(struct consoled *c)
{
    while (c->waits) {
        struct cons_wait *w = c->waits;
        c->waits = w->next;
        free(w);
    }
}

static void xs_lost(struct consoled *c, int err)
{
    /* fill() reports the daemon's hang-up as EBADF. */
    fprintf(stderr, "xenconsoled: lost the connection to xenstored (%s); "
            "new consoles wait until it is back\n",
            err == EBADF ? "it closed the connection" : strerror(err));
    xs_close(c->xs);
    c->xs = NULL;
    drop_waits(c);          /* their watches died with the connection */
}

static void xs_reconnect(struct consoled *c)
{
    c->xs = xs_open(0);
    if (!c->xs)
        return;
    if (!xs_watch(c->xs, "@introduceDomain", "intro") || !xs_watch(c->xs, "@releaseDomain", "release")) {
        xs_close(c->xs);
        c->xs = NULL;
        return;
    }
    fprintf(stderr, "xenconsoled: connected to xenstored again\n");
    drop_waits(c);          /* recorded without a watch while disconnected */
    rescan(c);
}

/*
 * Every CONS_REAP_MS, drop the consoles of domains that died even if no
 * @releaseDomain came: xenstored fires it only for domains it introduced, so
 * a guest created before xenstored was restarted dies unannounced, and the
 * console ring mapped here would keep it a dying domain for good.
 */
#define CONS_REAP_MS 2000

static void reap_gone(struct consoled *c)
{
    struct xc_dominfo info[256];
    int n;

    if (!c->doms)
        return;
    n = xc_domain_getinfolist(c->xch, 1, 256, info, NULL);
    if (n >= 0)
        drop_dead(c, info, n);
}

int consoled_run(struct consoled *c, volatile int *stop)
{
    uint64_t period_end = now_ms() + CONS_RATE_PERIOD_MS;
    uint64_t reap_at = now_ms() + CONS_REAP_MS;

    while (!*stop) {
        struct pollfd pfd[2 + 256];
        struct cons_dom *who[256];
        int n = 0;

        if (!c->xs)
            xs_reconnect(c);
        /* A negative fd is ignored by poll(): without xenstored the loop
         * wakes once a second (the timeout below) to try again. */
        pfd[n++] = (struct pollfd){ .fd = c->xs ? xs_fileno(c->xs) : -1, .events = POLLIN };
        pfd[n++] = (struct pollfd){ .fd = xc_evtchn_fd(c->xce), .events = POLLIN };
        for (struct cons_dom *d = c->doms; d && n < (int)(sizeof(pfd) / sizeof(pfd[0])); d = d->next)
            if (d->master >= 0) {
                who[n - 2] = d;
                pfd[n++] = (struct pollfd){ .fd = d->master, .events = POLLIN };
            }
        /* While a guest is rate limited, wake when its period ends. */
        int timeout = 1000;
        uint64_t now = now_ms();
        if (now >= period_end) {
            rate_period(c);
            period_end = now + CONS_RATE_PERIOD_MS;
        }
        for (struct cons_dom *d = c->doms; d; d = d->next)
            if (d->rate.events >= CONS_RATE_ALLOWANCE)
                timeout = (int)(period_end - now);
        int r = poll(pfd, (nfds_t)n, timeout);
        if (r < 0 && errno != EINTR)
            return -errno;
        if (now_ms() >= reap_at) {
            reap_gone(c);
            reap_at = now_ms() + CONS_REAP_MS;
        }
        if (r <= 0) {
            /* Quiet second: catch anything a lost event left behind. */
            for (struct cons_dom *d = c->doms; d; d = d->next)
                drain(c, d);
            continue;
        }
        if (pfd[0].revents & POLLIN) {
            unsigned int num;
            char **w = xs_read_watch(c->xs, &num);
            if (!w && errno != EINTR && errno != EAGAIN)
                xs_lost(c, errno);
            free(w);
            rescan(c);
        }
        if (pfd[1].revents & POLLIN) {
            int port = xc_evtchn_pending(c->xce);
            if (port >= 0) {
                bool unmask = true;
                if (port == c->hv_port)
                    hv_log(c);
                for (struct cons_dom *d = c->doms; d; d = d->next)
                    if (d->local_port == port) {
                        drain(c, d);
                        unmask = cons_rate_event(&d->rate);
                    }
                if (unmask)
                    xc_evtchn_unmask(c->xce, (uint32_t)port);
            }
        }
        for (int i = 2; i < n; i++) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            struct cons_dom *d = who[i - 2];
            char buf[1024];
            /* Take only what the guest's input ring can hold; the rest waits in the pty. */
            uint32_t space = sizeof(d->intf->in) - (d->intf->in_prod - d->intf->in_cons);
            if (space == 0 || space > sizeof(d->intf->in))
                continue;
            ssize_t got = read(d->master, buf, space < sizeof(buf) ? space : sizeof(buf));
            if (got > 0) {
                cons_ring_write(d->intf, buf, (size_t)got);
                xc_evtchn_notify(c->xce, (uint32_t)d->local_port, NULL);
            }
        }
    }
    return 0;
}

void consoled_fini(struct consoled *c)
{
    while (c->waits)
        wait_drop(c, c->waits->domid);
    while (c->doms) {
        struct cons_dom *d = c->doms;
        c->doms = d->next;
        teardown(c, d);
    }
    if (c->hv_log_fd >= 0)
        close(c->hv_log_fd);
    if (c->xs)
        xs_close(c->xs);
    xc_gnttab_close(c->xcg);
    xc_evtchn_close(c->xce);
    xc_close(c->xch);
}
