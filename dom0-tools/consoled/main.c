/*
 * main.c — xenconsoled command line: the options of Xen's xenconsoled that
 * scripts use (--log, --log-dir, --pid-file, -i/--interactive, -v).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "consoled.h"

static volatile int stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: xenconsoled [-h] [-V] [-v] [-i]\n"
               "         [--log=none|guest|hv|all] [--log-dir=DIR] [--pid-file=FILE]\n"
               "Serves the PV consoles of guest domains: a pty per guest (recorded in\n"
               "xenstore at /local/domain/<id>/console/tty) and optional log files\n"
               "DIR/guest-<name>.log (default DIR /var/log/xen/console).\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "verbose", no_argument, NULL, 'v' },
        { "interactive", no_argument, NULL, 'i' },
        { "log", required_argument, NULL, 'l' },
        { "log-dir", required_argument, NULL, 'r' },
        { "pid-file", required_argument, NULL, 'p' },
        { "timestamp", required_argument, NULL, 't' },
        { "overflow-data", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    struct consoled c;
    struct errbuf eb;
    const char *pidfile = NULL;
    bool interactive = false;
    int ch, rc;

    memset(&c, 0, sizeof(c));
    c.log_dir = "/var/log/xen/console";
    eb_clear(&eb);
    while ((ch = getopt_long(argc, argv, "hVvil:r:p:t:o:", opts, NULL)) != -1) {
        switch (ch) {
        case 'h': usage(stdout); return 0;
        case 'V': printf("xenconsoled (dom0-tools) for the Xen 4.17 interface\n"); return 0;
        case 'v': c.verbose = true; break;
        case 'i': interactive = true; break;
        case 'l':
            if (!strcmp(optarg, "guest")) c.log_guest = true;
            else if (!strcmp(optarg, "hv")) c.log_hv = true;
            else if (!strcmp(optarg, "all")) c.log_guest = c.log_hv = true;
            else if (strcmp(optarg, "none")) {
                fprintf(stderr, "xenconsoled: --log=%s: expected none, guest, hv or all\n", optarg);
                return 2;
            }
            break;
        case 'r': c.log_dir = optarg; break;
        case 'p': pidfile = optarg; break;
        case 't': case 'o': break;     /* accepted for compatibility, not implemented */
        default: usage(stderr); return 2;
        }
    }

    rc = consoled_init(&c, &eb);
    if (rc < 0) {
        fprintf(stderr, "xenconsoled: %s\n", eb.msg);
        consoled_fini(&c);
        return 1;
    }
    if (!interactive && daemon(0, 0) < 0) {
        fprintf(stderr, "xenconsoled: daemon: %s\n", strerror(errno));
        return 1;
    }
    if (pidfile) {
        FILE *f = fopen(pidfile, "w");
        if (f) {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        }
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    rc = consoled_run(&c, &stop);
    consoled_fini(&c);
    if (pidfile)
        unlink(pidfile);
    return rc < 0 ? 1 : 0;
}
