/*
 * daemon.c — netbackd's event loop and device discovery.  It watches
 * /local/domain/0/backend/vif (where the toolstack writes a vif's backend
 * nodes, as libxl does) and each served frontend's state node, drives the
 * handshake of every vif through nb_xb_step(), and dispatches event channel
 * notifications and tap readiness to vif.c.  At start it re-attaches to
 * vifs an earlier netbackd served (a restart, or one that was killed).
 * One thread: epoll over the xenstore socket, /dev/xen/evtchn and every
 * tap.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "daemon.h"
#include "netbackd.h"

#define BE_ROOT "/local/domain/0/backend/vif"

/* epoll cookies for the two shared fds (taps carry their vif) */
static char xs_cookie, evt_cookie;
static volatile sig_atomic_t stop_signal;

void nb_log(struct nb_daemon *d, const char *fmt, ...)
{
    struct timespec ts;
    struct tm tm;
    char when[32];
    va_list ap;
    FILE *f = d && d->log ? d->log : stderr;

    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(f, "[%s] netbackd: ", when);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fflush(f);
}

bool nb_be_write(struct nb_vif *v, const char *key, const char *val)
{
    char path[160];

    snprintf(path, sizeof(path), "%s/%s", v->bepath, key);
    if (!xs_write(v->d->xs, XBT_NULL, path, val, strlen(val))) {
        nb_log(v->d, "writing %s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

void nb_be_error(struct nb_vif *v, int err, const char *msg)
{
    char path[200], val[200];

    /* where Linux's xenbus_dev_error puts it: error/<nodename>/error under
     * the backend domain's home */
    snprintf(path, sizeof(path), "/local/domain/0/error%s/error",
             v->bepath + strlen("/local/domain/0"));
    snprintf(val, sizeof(val), "%d %s", err, msg);
    xs_write(v->d->xs, XBT_NULL, path, val, strlen(val));
    nb_log(v->d, "%s: error %d: %s", v->ifname[0] ? v->ifname : v->bepath,
           err, msg);
}

static char *be_read(struct nb_vif *v, const char *key)
{
    char path[160];

    snprintf(path, sizeof(path), "%s/%s", v->bepath, key);
    return xs_read(v->d->xs, XBT_NULL, path, NULL);
}

static struct nb_vif *find_vif(struct nb_daemon *d, uint32_t domid,
                               uint32_t devid)
{
    for (struct nb_vif *v = d->vifs; v; v = v->next)
        if (v->domid == domid && v->devid == devid)
            return v;
    return NULL;
}

static bool set_state(struct nb_vif *v, int st)
{
    char s[12];

    snprintf(s, sizeof(s), "%d", st);
    if (!nb_be_write(v, "state", s))
        return false;
    v->be = (enum nb_xbstate)st;
    return true;
}

static void forget(struct nb_daemon *d, struct nb_vif *v)
{
    char path[160];

    nb_vif_disconnect(v);
    nb_vif_close(v);
    snprintf(path, sizeof(path), "%s/state", v->fepath);
    xs_unwatch(d->xs, path, "fe");
    for (struct nb_vif **pp = &d->vifs; *pp; pp = &(*pp)->next)
        if (*pp == v) {
            *pp = v->next;
            break;
        }
    for (int i = 0; i < NB_BATCH; i++) {
        free(v->rxbuf[i]);
        free(v->txbuf[i]);
    }
    free(v->txreq);
    nb_log(d, "%s: removed", v->ifname);
    free(v);
}

/* Acts on the vif's current xenstore state (idempotent: our own writes
 * bring us back here through the watches). */
static void reconsider(struct nb_daemon *d, struct nb_vif *v)
{
    struct nb_xb_in in = { .be = v->be, .connected = v->connected };
    struct nb_xb_out out;
    char path[160], *s;

    s = be_read(v, "frontend");
    if (!s) {            /* the toolstack removed the device */
        forget(d, v);
        return;
    }
    free(s);
    s = be_read(v, "online");
    in.online = !s || strcmp(s, "0") != 0;
    free(s);
    s = be_read(v, "hotplug-status");
    in.hotplug_ok = !s || !strcmp(s, "connected");
    in.hotplug_error = s && !strcmp(s, "error");
    free(s);
    snprintf(path, sizeof(path), "%s/state", v->fepath);
    s = xs_read(d->xs, XBT_NULL, path, NULL);
    in.fe = nb_xb_parse_state(s);
    free(s);

    out = nb_xb_step(&in);
    if (out.disconnect)
        nb_vif_disconnect(v);
    if (out.connect && nb_vif_connect(v) < 0) {
        set_state(v, NB_XB_CLOSING);
        return;
    }
    if (out.set_state >= 0) {
        set_state(v, out.set_state);
        if (d->verbose)
            nb_log(d, "%s: backend state %d (frontend %d)", v->ifname,
                   out.set_state, in.fe);
    }
    if (out.remove)
        forget(d, v);
}

static bool ifname_ok(const char *s)
{
    size_t n = strlen(s);

    if (!n || n >= IFNAMSIZ)
        return false;
    for (; *s; s++)
        if (*s == '/' || *s == ':' || *s <= ' ' || *s > '~')
            return false;
    return true;
}

/* Runs the vif's hotplug script (the backend's script node) "online" with
 * the environment libxl gives it, as xl did when the vif was created: a
 * re-attached vif has a new tap, which must join its bridge again.
 * 0, or -errno / the script's non-zero exit status. */
static int replug(struct nb_vif *v)
{
    char *script = be_read(v, "script");
    pid_t pid;
    int st, fd;

    if (!script || script[0] != '/' || access(script, X_OK) < 0) {
        free(script);
        return -ENOENT;
    }
    pid = fork();
    if (pid < 0) {
        free(script);
        return -errno;
    }
    if (pid == 0) {
        fd = open("/var/log/xen/xen-hotplug.log",
                  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        setenv("script", script, 1);
        setenv("XENBUS_TYPE", "vif", 1);
        setenv("XENBUS_PATH", v->bepath, 1);
        setenv("XENBUS_BASE_PATH", "backend", 1);
        setenv("vif", v->ifname, 1);
        setenv("netdev", "", 1);
        execl(script, script, "online", (char *)NULL);
        _exit(127);
    }
    free(script);
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A new backend directory: serve it if the toolstack has just written it
 * (state Initialising, online), or re-attach to it if a netbackd before us
 * served it (InitWait or Connected: we were restarted, the frontend and
 * its rings are still there, the old tap went with the old process). */
static void maybe_create(struct nb_daemon *d, uint32_t domid, uint32_t devid)
{
    struct nb_vif *v;
    char bepath[96], path[160], *fe = NULL, *st, *feid, *name;
    char want[64];
    bool adopt;
    int rc;

    snprintf(bepath, sizeof(bepath), BE_ROOT "/%u/%u", domid, devid);
    snprintf(path, sizeof(path), "%s/state", bepath);
    st = xs_read(d->xs, XBT_NULL, path, NULL);
    rc = nb_xb_parse_state(st);
    free(st);
    adopt = rc == NB_XB_INITWAIT || rc == NB_XB_CONNECTED;
    if (rc != NB_XB_INITIALISING && !adopt)
        return;
    snprintf(path, sizeof(path), "%s/online", bepath);
    st = xs_read(d->xs, XBT_NULL, path, NULL);
    if (st && !strcmp(st, "0")) {
        free(st);
        return;
    }
    free(st);
    snprintf(path, sizeof(path), "%s/frontend", bepath);
    fe = xs_read(d->xs, XBT_NULL, path, NULL);
    snprintf(path, sizeof(path), "%s/frontend-id", bepath);
    feid = xs_read(d->xs, XBT_NULL, path, NULL);
    snprintf(want, sizeof(want), "/local/domain/%u/device/vif/", domid);
    /* the frontend must be that domain's own device node */
    if (!fe || !feid || strtoul(feid, NULL, 10) != domid ||
        strncmp(fe, want, strlen(want)) != 0 || strlen(fe) >= sizeof(v->fepath)) {
        free(fe);
        free(feid);
        return;
    }
    free(feid);
    v = calloc(1, sizeof(*v));
    if (!v) {
        free(fe);
        return;
    }
    v->d = d;
    v->domid = domid;
    v->devid = devid;
    v->tapfd = -1;
    v->be = adopt ? (enum nb_xbstate)rc : NB_XB_INITIALISING;
    snprintf(v->bepath, sizeof(v->bepath), "%s", bepath);
    snprintf(v->fepath, sizeof(v->fepath), "%s", fe);
    free(fe);
    name = be_read(v, "vifname");
    if (name && ifname_ok(name))
        snprintf(v->ifname, sizeof(v->ifname), "%s", name);
    else
        snprintf(v->ifname, sizeof(v->ifname), "vif%u.%u", domid, devid);
    free(name);
    v->next = d->vifs;
    d->vifs = v;

    rc = nb_vif_open(v);
    if (rc < 0) {
        nb_be_error(v, -rc, "creating the tap device");
        set_state(v, NB_XB_CLOSED);
        forget(d, v);
        return;
    }
    if (adopt) {
        /* the toolstack's script plugged the old tap in; plug the new one
         * (if the script has not run yet, the toolstack still will) */
        char *hs = be_read(v, "hotplug-status");
        bool plugged = hs && !strcmp(hs, "connected");
        free(hs);
        if (plugged && (rc = replug(v)) != 0)
            nb_log(d, "%s: hotplug script online failed (%d): the vif stays "
                   "off its bridge", v->ifname, rc);
        nb_log(d, "%s: re-attaching to %s (backend state %d, left by an "
               "earlier netbackd)", v->ifname, v->fepath, (int)v->be);
    } else {
        /* what we offer: copying receive path, scatter-gather, TSO both
         * ways, IPv6 checksum offload; one queue, one event channel */
        nb_be_write(v, "feature-rx-copy", "1");
        nb_be_write(v, "feature-rx-flip", "0");
        nb_be_write(v, "feature-sg", "1");
        nb_be_write(v, "feature-gso-tcpv4", "1");
        nb_be_write(v, "feature-gso-tcpv6", "1");
        nb_be_write(v, "feature-ipv6-csum-offload", "1");
        set_state(v, NB_XB_INITWAIT);
        nb_log(d, "%s: created for %s", v->ifname, v->fepath);
    }
    snprintf(path, sizeof(path), "%s/state", v->fepath);
    if (!xs_watch(d->xs, path, "fe"))
        nb_log(d, "%s: cannot watch %s: %s", v->ifname, path, strerror(errno));
    reconsider(d, v);
}

/* Re-reads every backend directory (the watch told us something under
 * BE_ROOT changed; path tells what, when it can). */
static void scan(struct nb_daemon *d, const char *path)
{
    unsigned int ndom = 0, ndev, i, j;
    char **doms, **devs, p[96];
    unsigned long domid, devid;
    char *end;

    if (path && !strncmp(path, BE_ROOT "/", strlen(BE_ROOT) + 1)) {
        const char *q = path + strlen(BE_ROOT) + 1;
        domid = strtoul(q, &end, 10);
        if (end != q && *end == '/') {
            q = end + 1;
            devid = strtoul(q, &end, 10);
            if (end != q && (*end == '/' || !*end) && domid < 65536 &&
                devid < 65536) {
                struct nb_vif *v = find_vif(d, (uint32_t)domid, (uint32_t)devid);
                if (v)
                    reconsider(d, v);
                else if (!*end || !strcmp(end, "/state"))
                    maybe_create(d, (uint32_t)domid, (uint32_t)devid);
                return;
            }
        }
    }
    /* a domain directory came or went: look at everything */
    for (struct nb_vif *v = d->vifs, *n; v; v = n) {
        n = v->next;
        reconsider(d, v);
    }
    doms = xs_directory(d->xs, XBT_NULL, BE_ROOT, &ndom);
    for (i = 0; doms && i < ndom; i++) {
        domid = strtoul(doms[i], &end, 10);
        if (*end || domid >= 65536)
            continue;
        snprintf(p, sizeof(p), BE_ROOT "/%lu", domid);
        ndev = 0;
        devs = xs_directory(d->xs, XBT_NULL, p, &ndev);
        for (j = 0; devs && j < ndev; j++) {
            devid = strtoul(devs[j], &end, 10);
            if (*end || devid >= 65536)
                continue;
            if (!find_vif(d, (uint32_t)domid, (uint32_t)devid))
                maybe_create(d, (uint32_t)domid, (uint32_t)devid);
        }
        free(devs);
    }
    free(doms);
}

static void xs_events(struct nb_daemon *d)
{
    char **w;

    while ((w = xs_check_watch(d->xs))) {
        if (!strcmp(w[XS_WATCH_TOKEN], "fe")) {
            for (struct nb_vif *v = d->vifs; v; v = v->next) {
                size_t n = strlen(v->fepath);
                if (!strncmp(w[XS_WATCH_PATH], v->fepath, n)) {
                    reconsider(d, v);
                    break;
                }
            }
        } else {
            scan(d, w[XS_WATCH_PATH]);
        }
        free(w);
    }
}

static void evtchn_events(struct nb_daemon *d)
{
    unsigned int ports[64];
    ssize_t n = read(d->evtfd, ports, sizeof(ports));

    if (n <= 0)
        return;
    /* unmask first: an event raised while we serve is not lost */
    if (write(d->evtfd, ports, (size_t)n) != n)
        nb_log(d, "unmasking event channels: %s", strerror(errno));
    /* served after every event of this epoll round is known, with the
     * vif's tap news, so that both rings' responses share a notification */
    for (ssize_t i = 0; i < n / (ssize_t)sizeof(ports[0]); i++)
        for (struct nb_vif *v = d->vifs; v; v = v->next)
            if (v->connected && v->port == ports[i]) {
                v->ev_fired = true;
                break;
            }
}

static void on_signal(int sig)
{
    stop_signal = sig;
}

int nb_daemon_run(struct nb_daemon *d)
{
    struct epoll_event ev, evs[32];
    struct sigaction sa = { .sa_handler = on_signal };
    int n, i;

    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    d->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (d->epfd < 0)
        return -errno;
    ev = (struct epoll_event){ .events = EPOLLIN, .data.ptr = &xs_cookie };
    if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, xs_fileno(d->xs), &ev) < 0)
        return -errno;
    ev = (struct epoll_event){ .events = EPOLLIN, .data.ptr = &evt_cookie };
    if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->evtfd, &ev) < 0)
        return -errno;
    if (!xs_watch(d->xs, BE_ROOT, "be"))
        return -errno;
    nb_log(d, "serving %s", BE_ROOT);
    while (!stop_signal) {
        n = epoll_wait(d->epfd, evs, 32, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        for (i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            if (p == &xs_cookie)
                xs_events(d);
            else if (p == &evt_cookie)
                evtchn_events(d);
        }
        /* taps last: a tap's vif may have gone in the events above */
        for (i = 0; i < n; i++) {
            struct nb_vif *v = evs[i].data.ptr, *w;
            if (evs[i].data.ptr == &xs_cookie || evs[i].data.ptr == &evt_cookie)
                continue;
            for (w = d->vifs; w && w != v; w = w->next)
                ;
            if (w && w->tap_polled)
                w->tap_fired = true;
        }
        for (struct nb_vif *v = d->vifs; v; v = v->next) {
            bool ev = v->ev_fired, tap = v->tap_fired;
            v->ev_fired = v->tap_fired = false;
            nb_vif_serve(v, ev, tap);
        }
    }
    nb_log(d, "signal %d: stopping", (int)stop_signal);
    while (d->vifs)
        forget(d, d->vifs);
    return 0;
}
