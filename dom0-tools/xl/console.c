/*
 * console.c — `xl console': attaches the terminal to the pty the console
 * daemon serves for the guest (/local/domain/<id>/console/tty), as Xen's
 * xenconsole client does.  Ctrl+] detaches; the session also ends when the
 * domain goes away.  stdin need not be a terminal (scripts and tests pipe
 * it): then nothing is switched to raw mode and EOF on stdin only stops
 * the input side.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "xl.h"

#define ESCAPE_CHAR 0x1d        /* Ctrl+] */
#define TTY_WAIT_MS 10000       /* the daemon may not have made the pty yet */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return -errno;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static bool domain_alive(uint32_t domid)
{
    struct domain_info d;
    int rc = domain_get_info(domid, &d, NULL);

    /* only a definite "no such domain" ends the session */
    return !(rc == -ESRCH || (!rc && (d.domid != domid || d.dying)));
}

static int open_tty(uint32_t domid, int *fd_out)
{
    struct errbuf eb = { 0 };
    char path[256];
    int waited = 0, rc, fd;
    struct termios t;

    for (;;) {
        rc = domain_console_tty(domid, path, sizeof(path), &eb);
        if (!rc && path[0])
            break;
        if (rc != -ENOENT && rc) {
            fprintf(stderr, "%s\n", eb.msg);
            return rc;
        }
        if (waited >= TTY_WAIT_MS || !domain_alive(domid)) {
            fprintf(stderr, "xl console: domain %u has no console pty "
                    "(is the console daemon running?)\n", domid);
            return -ENOENT;
        }
        usleep(100000);
        waited += 100;
        eb.err = 0;
        eb.msg[0] = 0;
    }
    fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        fprintf(stderr, "xl console: cannot open %s: %s\n", path,
                strerror(errno));
        return rc;
    }
    /* the guest's bytes must pass untouched: no echo, no CR/LF mapping */
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    *fd_out = fd;
    return 0;
}

static bool alive_cb(void *opaque)
{
    return domain_alive(*(const uint32_t *)opaque);
}

int xl_console_relay(int pty, int in, int out, bool (*alive)(void *),
                     void *opaque)
{
    bool in_open = true;
    char buf[4096];
    time_t last_check = 0;
    int rc = 0;

    while (!stop) {
        struct pollfd p[2] = {
            { .fd = pty, .events = POLLIN },
            { .fd = in_open ? in : -1, .events = POLLIN },
        };
        int n = poll(p, 2, 1000);
        time_t now = time(NULL);

        if (n < 0 && errno != EINTR) {
            rc = -errno;
            break;
        }
        if (alive && now != last_check) {
            last_check = now;
            if (!alive(opaque))
                break;
        }
        if (n <= 0)
            continue;
        if (p[0].revents & POLLIN) {
            ssize_t r = read(pty, buf, sizeof(buf));
            if (r > 0) {
                if (write_all(out, buf, (size_t)r))
                    break;
            } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
                break;           /* the daemon closed the pty */
            }
        } else if (p[0].revents & (POLLHUP | POLLERR)) {
            /* no writer on the other side yet; poll again shortly */
            usleep(100000);
        }
        if (in_open && (p[1].revents & (POLLIN | POLLHUP))) {
            ssize_t r = read(in, buf, sizeof(buf));
            char *esc;
            if (r <= 0) {
                in_open = false;
                continue;
            }
            esc = memchr(buf, ESCAPE_CHAR, (size_t)r);
            if (esc) {
                write_all(pty, buf, (size_t)(esc - buf));
                break;
            }
            if (write_all(pty, buf, (size_t)r))
                break;
        }
    }
    return rc;
}

int xl_console_attach(uint32_t domid)
{
    struct termios saved, raw;
    struct sigaction sa;
    bool restore = false;
    int pty = -1, rc;

    rc = open_tty(domid, &pty);
    if (rc)
        return rc;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
        raw = saved;
        cfmakeraw(&raw);
        if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
            restore = true;
    }
    rc = xl_console_relay(pty, STDIN_FILENO, STDOUT_FILENO, alive_cb, &domid);
    if (restore)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    close(pty);
    return rc;
}

int xl_cmd_console(int argc, char **argv)
{
    const char *type = "pv";
    long num = 0;
    char *end;
    int opt;

    while ((opt = xl_getopt(argc, argv, "t:n:", NULL, "console", 1)) != -1) {
        switch (opt) {
        case 't':
            type = optarg;
            break;
        case 'n':
            num = strtol(optarg, &end, 10);
            if (end == optarg || *end || num < 0) {
                fprintf(stderr, "xl console: invalid console number %s\n",
                        optarg);
                return EXIT_FAILURE;
            }
            break;
        }
    }
    if (strcmp(type, "pv")) {
        fprintf(stderr, "xl console: console type %s is not supported (PV "
                "guests have the pv console only)\n", type);
        return EXIT_FAILURE;
    }
    if (num != 0) {
        fprintf(stderr, "xl console: console %ld does not exist (only "
                "console 0 is served)\n", num);
        return EXIT_FAILURE;
    }
    return xl_console_attach(xl_find_domain(argv[optind])) ? EXIT_FAILURE
                                                           : EXIT_SUCCESS;
}
