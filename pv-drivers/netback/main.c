/*
 * main.c — netbackd, the userspace network backend: options, the devices
 * it needs (/dev/xen/gntdev, /dev/xen/evtchn, /dev/net/tun is opened per
 * vif), the xenstore connection, daemonising, then daemon.c's loop.
 *
 *   netbackd [-F|--foreground] [-v|--verbose] [--log-file=PATH]
 *            [--pid-file=PATH]
 *
 * It runs in dom0 beside xenstored and xenconsoled; the toolstack (xl)
 * writes each vif's backend nodes and runs the vif hotplug script.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include "daemon.h"
#include "netbackd.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: netbackd [-F|--foreground] [-v|--verbose] "
            "[--log-file=PATH] [--pid-file=PATH]\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "foreground", 0, 0, 'F' }, { "verbose", 0, 0, 'v' },
        { "log-file", 1, 0, 'l' }, { "pid-file", 1, 0, 'p' },
        { "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
    };
    struct nb_daemon d = { .gntfd = -1, .evtfd = -1, .epfd = -1 };
    const char *logfile = NULL, *pidfile = NULL;
    bool foreground = false;
    int opt, rc;

    while ((opt = getopt_long(argc, argv, "Fvh", opts, NULL)) != -1) {
        switch (opt) {
        case 'F': foreground = true; break;
        case 'v': d.verbose = true; break;
        case 'l': logfile = optarg; break;
        case 'p': pidfile = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    d.gntfd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (d.gntfd < 0) {
        fprintf(stderr, "netbackd: /dev/xen/gntdev: %s (is xen-gntdev "
                "loaded?)\n", strerror(errno));
        return 1;
    }
    d.evtfd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
    if (d.evtfd < 0) {
        fprintf(stderr, "netbackd: /dev/xen/evtchn: %s (is xen-evtchn "
                "loaded?)\n", strerror(errno));
        return 1;
    }
    if (access("/dev/net/tun", R_OK | W_OK) < 0) {
        fprintf(stderr, "netbackd: /dev/net/tun: %s (is tun loaded?)\n",
                strerror(errno));
        return 1;
    }
    if (logfile) {
        d.log = fopen(logfile, "a");
        if (!d.log) {
            fprintf(stderr, "netbackd: %s: %s\n", logfile, strerror(errno));
            return 1;
        }
    }
    if (!foreground && daemon(0, 0) < 0) {
        fprintf(stderr, "netbackd: daemon: %s\n", strerror(errno));
        return 1;
    }
    /* after the fork: the connection belongs to the process that serves */
    d.xs = xs_open(0);
    if (!d.xs) {
        nb_log(&d, "cannot connect to xenstore: %s", strerror(errno));
        return 1;
    }
    if (pidfile) {
        FILE *f = fopen(pidfile, "w");
        if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
            nb_log(&d, "%s: %s", pidfile, strerror(errno));
            return 1;
        }
    }
    rc = nb_daemon_run(&d);
    if (rc < 0)
        nb_log(&d, "event loop failed: %s", strerror(-rc));
    xs_close(d.xs);
    if (pidfile)
        unlink(pidfile);
    return rc < 0 ? 1 : 0;
}
