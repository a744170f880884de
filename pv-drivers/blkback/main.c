/*
 * main.c — the blkback daemon: one process serves every vbd handed to it
 * (the toolstack writes /local/domain/0/backend/qdisk/<domid>/<devid>).
 * One epoll loop waits on the xenstore connection (a watch on the backend
 * kind directory and one on each frontend's state) and on each connected
 * device's event channel fd.  A xenstore event rescans the devices and steps
 * each handshake; an event channel serves that device's ring up to a budget,
 * and devices with requests left are served again before the next sleep, so
 * a flooding frontend cannot starve the others.
 *
 *   blkback [-d] [--pid-file FILE] [--log FILE] [--kind qdisk] [--stats-dir DIR]
 *
 * -d daemonises (xl starts it that way).  SIGTERM/SIGINT: unmap every ring
 * and exit, leaving the xenstore states as they are, so a new daemon
 * re-attaches to connected devices; so does one started after a crash
 * (the frontends' unanswered requests are served again).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "blkdev.h"

static struct blk_dev *devices;
static struct xs_handle *xs;
static int epfd = -1;
static FILE *log_file;
static const char *kind = "qdisk";
static volatile sig_atomic_t stop;

void blk_log(const char *fmt, ...)
{
    struct timespec ts;
    va_list ap;
    FILE *f = log_file ? log_file : stderr;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    fprintf(f, "[%5ld.%03ld] blkback: ", (long)ts.tv_sec, ts.tv_nsec / 1000000);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fflush(f);
}

int blk_evt_register(struct blk_dev *d)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = d };

    return epoll_ctl(epfd, EPOLL_CTL_ADD, d->evt_fd, &ev) < 0 ? -errno : 0;
}

void blk_evt_forget(struct blk_dev *d)
{
    epoll_ctl(epfd, EPOLL_CTL_DEL, d->evt_fd, NULL);
}

bool blk_image_conflict(const struct blk_dev *d)
{
    const struct blk_dev *o;

    for (o = devices; o; o = o->next) {
        if (o == d || o->io.fd < 0 || o->domid == d->domid)
            continue;
        if (d->io.is_blkdev ? o->rdev != d->rdev
                            : (o->dev != d->dev || o->ino != d->ino))
            continue;
        if (d->shared && o->shared)
            continue;
        if (!d->io.geom.readonly || !o->io.geom.readonly)
            return true;
    }
    return false;
}

/* Serves a device's ring once; notifies the frontend if it asked. */
static void serve(struct blk_dev *d)
{
    bool notify, more;
    int rc;

    if (!d->connected)
        return;
    d->n_rounds++;
    rc = blk_ring_work(&d->ring, &d->io, RING_SIZE(&d->ring.br), &notify, &more);
    if (notify) {
        d->n_notifies++;
        evt_notify(d->evt_fd, (uint32_t)d->lport);
    }
    d->more = more;
    if (rc == -EPROTO)
        blk_dev_halt(d);
}

void blk_dev_kick(struct blk_dev *d)
{
    serve(d);
}

/* Where each vbd's statistics go ("" for nowhere). */
static const char *stats_dir = BLK_STATS_DIR;

/*
 * Writes the statistics of devices whose counters moved, at most once a
 * second (a write per request would cost more than the request); returns
 * true while some are left unwritten, so the loop wakes up for them.
 */
static bool publish_stats(bool force)
{
    static struct timespec last;
    struct timespec now;
    bool pending = false;

    if (!stats_dir[0])
        return false;
    clock_gettime(CLOCK_MONOTONIC, &now);
    force |= now.tv_sec > last.tv_sec + 1 ||
             (now.tv_sec == last.tv_sec + 1 && now.tv_nsec >= last.tv_nsec);
    for (struct blk_dev *d = devices; d; d = d->next) {
        uint64_t v[5];

        blk_stats_of(&d->io, v);
        if (d->stats_written && !memcmp(v, d->published, sizeof(v)))
            continue;
        if (!force) {
            pending = true;
            continue;
        }
        if (blk_stats_publish(stats_dir, d->domid, d->devid, v) == 0) {
            memcpy(d->published, v, sizeof(v));
            d->stats_written = true;
        }
    }
    if (force)
        last = now;
    return pending;
}

static void drop_device(struct blk_dev *d)
{
    if (d->stats_written)
        blk_stats_remove(stats_dir, d->domid, d->devid);
    blk_dev_free(d);
}

static void found(unsigned int domid, unsigned int devid, void *ctx)
{
    struct blk_dev *d;

    (void)ctx;
    for (d = devices; d; d = d->next)
        if (d->domid == domid && d->devid == devid) {
            d->seen = true;
            return;
        }
    d = blk_dev_new(xs, kind, domid, devid);
    if (!d) {
        blk_log("vbd %u/%u: out of memory", domid, devid);
        return;
    }
    blk_log("vbd %u/%u: new (%s)", domid, devid, d->be);
    d->seen = true;
    d->next = devices;
    devices = d;
}

/*
 * Rescan the backend directory, drop what is gone, then step every
 * handshake.  Dropping first matters: a domain restarted by its monitor
 * gets the same image again, and the old device must have closed it before
 * the new one's writable-image check runs.
 */
static void reconcile(void)
{
    struct blk_dev **pp, *d;

    for (d = devices; d; d = d->next)
        d->seen = false;
    if (xb_for_each_device(xs, 0, kind, found, NULL) < 0)
        blk_log("cannot list /local/domain/0/backend/%s: %s", kind,
                strerror(errno));
    for (pp = &devices; (d = *pp);) {
        if (!d->seen) {
            blk_log("vbd %u/%u: removed", d->domid, d->devid);
            *pp = d->next;
            drop_device(d);
            continue;
        }
        pp = &d->next;
    }
    for (pp = &devices; (d = *pp);) {
        if (blk_dev_step(d)) {
            blk_log("vbd %u/%u: removed", d->domid, d->devid);
            *pp = d->next;
            drop_device(d);
            continue;
        }
        pp = &d->next;
    }
}

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int write_pidfile(const char *path)
{
    char buf[32];
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644), n;

    if (fd < 0)
        return -errno;
    /* the lock is held for the daemon's lifetime: a second one refuses */
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        close(fd);
        return -EEXIST;
    }
    n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)n) != n) {
        close(fd);
        return -EIO;
    }
    return 0;       /* fd intentionally kept open */
}

static void usage(FILE *f)
{
    fprintf(f, "usage: blkback [-d] [--pid-file FILE] [--log FILE] [--kind KIND] [--stats-dir DIR]\n"
               "Serves the PV block devices xl writes under "
               "/local/domain/0/backend/KIND (default qdisk); request counters\n"
               "go to DIR/vbd-<domid>-<devid>/statistics/ (default " BLK_STATS_DIR ", \"\" for none).\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "daemon", 0, 0, 'd' }, { "pid-file", 1, 0, 'p' },
        { "log", 1, 0, 'l' }, { "kind", 1, 0, 'k' }, { "help", 0, 0, 'h' },
        { "stats-dir", 1, 0, 's' },
        { 0, 0, 0, 0 },
    };
    const char *pidfile = NULL, *logpath = NULL;
    bool daemonise = false;
    char watch_path[128];
    struct sigaction sa;
    int opt, rc;

    while ((opt = getopt_long(argc, argv, "dp:l:k:hs:", opts, NULL)) != -1) {
        switch (opt) {
        case 's': stats_dir = optarg; break;
        case 'd': daemonise = true; break;
        case 'p': pidfile = optarg; break;
        case 'l': logpath = optarg; break;
        case 'k': kind = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (logpath) {
        log_file = fopen(logpath, "ae");
        if (!log_file) {
            fprintf(stderr, "blkback: cannot open log %s: %s\n", logpath,
                    strerror(errno));
            return 1;
        }
    }
    xs = xs_open(0);
    if (!xs) {
        fprintf(stderr, "blkback: cannot connect to xenstore: %s\n",
                strerror(errno));
        return 1;
    }
    if (daemonise) {
        int null = open("/dev/null", O_RDWR);
        if (daemon(0, 1) < 0) {
            fprintf(stderr, "blkback: daemon: %s\n", strerror(errno));
            return 1;
        }
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            if (log_file)
                dup2(null, 2);
            close(null);
        }
    }
    if (pidfile && (rc = write_pidfile(pidfile)) < 0) {
        fprintf(stderr, "blkback: pid file %s: %s\n", pidfile,
                rc == -EEXIST ? "another blkback holds it" : strerror(-rc));
        return rc == -EEXIST ? 0 : 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
        if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, xs_fileno(xs), &ev) < 0) {
            fprintf(stderr, "blkback: epoll: %s\n", strerror(errno));
            return 1;
        }
    }
    snprintf(watch_path, sizeof(watch_path), "/local/domain/0/backend/%s", kind);
    if (!xs_watch(xs, watch_path, "be")) {
        fprintf(stderr, "blkback: watch %s: %s\n", watch_path, strerror(errno));
        return 1;
    }
    blk_log("serving %s (pid %ld)", watch_path, (long)getpid());
    reconcile();

    while (!stop) {
        struct epoll_event evs[16];
        bool busy = false, rescan = false, unpublished;
        struct blk_dev *d;
        int i, n;

        unpublished = publish_stats(false);
        for (d = devices; d; d = d->next)
            busy |= d->more;
        n = epoll_wait(epfd, evs, 16, busy ? 0 : unpublished ? 1000 : -1);
        if (n < 0 && errno != EINTR) {
            blk_log("epoll_wait: %s", strerror(errno));
            break;
        }
        for (i = 0; i < n; i++) {
            if (!evs[i].data.ptr) {
                char **w;
                while ((w = xs_check_watch(xs))) {
                    free(w);
                    rescan = true;
                }
                if (errno != EAGAIN) {
                    /* xenstored went away: nothing can be set up or torn
                     * down any more, and the fd would stay readable */
                    blk_log("xenstore connection lost (%s): exiting",
                            strerror(errno));
                    stop = 1;
                }
                continue;
            }
            d = evs[i].data.ptr;
            if (d->connected && evt_drain(d->evt_fd) >= 0) {
                d->n_events++;
                d->more = true;
            }
        }
        if (rescan)
            reconcile();
        for (d = devices; d; d = d->next)
            if (d->more)
                serve(d);
    }
    blk_log("stopping: releasing %s", devices ? "every device" : "nothing");
    while (devices) {
        struct blk_dev *d = devices;
        devices = d->next;
        drop_device(d);
    }
    xs_close(xs);
    return 0;
}
