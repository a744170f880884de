/*
 * bench-wait.c — dom0 helper of the xl create benchmark: block until FILE
 * contains STRING (or TIMEOUT seconds pass) and print dom0's uptime at the
 * moment it showed up, on the clock /proc/uptime (what the bench script's
 * other timestamps use).
 *
 *   bench-wait FILE STRING TIMEOUT     exit 0 + "<uptime>\n", 1 on timeout
 *   bench-wait --settle TIMEOUT        wait until Xen has no memory left to
 *                                      scrub and dom0's CPUs were idle for a
 *                                      second; prints how long that took
 *
 * Settling matters under TCG: Xen scrubs freed memory (1 GiB after boot,
 * each destroyed domain's pages after) on idle CPUs, and a busy idle CPU is
 * a QEMU thread taking host time from the next guest.  Without it the
 * first runs after boot booted their guests up to 1.5x slower.
 *
 * Why not a shell loop: a grep + awk every 50 ms is several fork/execs a
 * period, which in a PV dom0 under TCG keeps a vCPU busy while the domU
 * boots, and the two compete for the host's cores.  inotify costs nothing
 * while waiting.  Built for the bench image by boot/xen-dom0-initramfs.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>
#include "xc.h"

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Searches the bytes appended since the last call; keeps a tail for matches across reads. */
static int found(const char *path, const char *needle, off_t *off, char *tail, size_t *tail_len)
{
    size_t nl = strlen(needle);
    char buf[65536 + 256];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int hit = 0;

    if (fd < 0)
        return 0;
    for (;;) {
        memcpy(buf, tail, *tail_len);
        ssize_t n = pread(fd, buf + *tail_len, 65536, *off);
        if (n <= 0)
            break;
        *off += n;
        size_t len = *tail_len + (size_t)n;
        if (memmem(buf, len, needle, nl)) {
            hit = 1;
            break;
        }
        *tail_len = len < nl - 1 ? len : nl - 1;
        memcpy(tail, buf + len - *tail_len, *tail_len);
    }
    close(fd);
    return hit;
}

/* dom0's busy and total jiffies over all CPUs (/proc/stat's first line). */
static int cpu_jiffies(unsigned long long *busy, unsigned long long *total)
{
    unsigned long long v[8] = { 0 };
    FILE *f = fopen("/proc/stat", "r");
    int n = f ? fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                       &v[3], &v[4], &v[5], &v[6], &v[7]) : 0;

    if (f)
        fclose(f);
    if (n < 5)
        return -1;
    *total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
    *busy = *total - v[3] - v[4];       /* minus idle and iowait */
    return 0;
}

static int settle(double timeout)
{
    double t0 = now();
    struct errbuf eb = { 0 };
    xc_handle *xch = xc_open(&eb);
    struct xc_physinfo pi = { 0 };

    if (!xch) {
        fprintf(stderr, "bench-wait: %s\n", eb.msg);
        return 2;
    }
    for (;;) {
        unsigned long long b0, t0j, b1, t1j;
        int rc = xc_physinfo(xch, &pi, &eb);
        if (cpu_jiffies(&b0, &t0j) == 0 && usleep(1000000) == 0 && cpu_jiffies(&b1, &t1j) == 0 &&
            rc == 0 && pi.scrub_pages == 0 && t1j > t0j && (b1 - b0) * 100 < 5 * (t1j - t0j)) {
            printf("%.2f\n", now() - t0);
            xc_close(xch);
            return 0;
        }
        if (now() - t0 > timeout) {
            printf("%.2f (not settled: %llu pages to scrub)\n", now() - t0,
                   (unsigned long long)pi.scrub_pages);
            xc_close(xch);
            return 1;
        }
    }
}

int main(int argc, char **argv)
{
    off_t off = 0;
    char tail[256];
    size_t tail_len = 0;
    double deadline;
    int in;

    if (argc == 3 && strcmp(argv[1], "--settle") == 0)
        return settle(atof(argv[2]));
    if (argc != 4 || !argv[2][0] || strlen(argv[2]) > sizeof(tail)) {
        fprintf(stderr, "usage: bench-wait FILE STRING TIMEOUT_SECONDS | --settle TIMEOUT_SECONDS\n");
        return 2;
    }
    deadline = now() + atof(argv[3]);
    in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    char *dir = strdup(argv[1]);
    /* The directory: the log may not exist yet, or be recreated. */
    if (in < 0 || !dir || inotify_add_watch(in, dirname(dir), IN_CREATE | IN_MODIFY | IN_MOVED_TO) < 0) {
        fprintf(stderr, "bench-wait: inotify on %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    for (;;) {
        if (found(argv[1], argv[2], &off, tail, &tail_len)) {
            FILE *u = fopen("/proc/uptime", "r");
            double up = 0;
            if (!u || fscanf(u, "%lf", &up) != 1)
                up = -1;
            if (u)
                fclose(u);
            printf("%.2f\n", up);
            return 0;
        }
        double left = deadline - now();
        if (left <= 0)
            return 1;
        struct pollfd p = { .fd = in, .events = POLLIN };
        /* Also re-read once a second: a missed event must not lose the match. */
        if (poll(&p, 1, left > 1 ? 1000 : (int)(left * 1000) + 1) > 0) {
            char ev[4096];
            while (read(in, ev, sizeof(ev)) > 0)
                ;
        }
    }
}
