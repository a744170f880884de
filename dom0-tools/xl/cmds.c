/*
 * cmds.c — the xl commands that inspect or control existing domains:
 * list, destroy, shutdown, reboot, pause, unpause, info, dmesg,
 * domid, domname, uptime.  Each follows Xen 4.17's xl in options, output
 * and exit status; failures print the library's message, which names the
 * operation, the domain and the errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xl.h"
#include "xlcfg_json.h"
#include "xlcfg_parse.h"

#define FOREACH_OPT(opt, opts, longopts, cmd, nreq)                          \
    while (((opt) = xl_getopt(argc, argv, (opts), (longopts), (cmd),        \
                              (nreq))) != -1)                               \
        switch (opt)

static int report(const struct errbuf *eb, const char *fallback)
{
    fprintf(stderr, "%s\n", eb->msg[0] ? eb->msg : fallback);
    return EXIT_FAILURE;
}

/* ------------------------------------------------------------ list */

static int list_long(const struct domain_info *doms, int n)
{
    struct host_info hi;
    struct errbuf eb = { 0 };
    json_t *arr = json_array(), *stored, *e;
    const char *sched = NULL;
    char *s;
    int i;

    if (!arr)
        return EXIT_FAILURE;
    if (host_get_info(&hi, &eb) == 0)
        sched = hi.sched_name;
    for (i = 0; i < n; i++) {
        stored = doms[i].domid ? xl_state_load(doms[i].domid, doms[i].uuid)
                               : NULL;
        /* libxl_retrieve_domain_configuration: the memory figures are the
         * live ones (xl mem-set / mem-max), not those of create */
        if (stored)
            xl_list_long_memory(stored, doms[i].domid);
        e = xl_list_long_entry(&doms[i], stored, sched);
        json_decref(stored);
        if (!e || json_array_append_new(arr, e)) {
            json_decref(arr);
            fprintf(stderr, "unable to format domain config as JSON\n");
            return EXIT_FAILURE;
        }
    }
    s = xlcfg_json_dump(arr);
    json_decref(arr);
    if (!s) {
        fprintf(stderr, "unable to format domain config as JSON\n");
        return EXIT_FAILURE;
    }
    puts(s);                     /* xl's puts() adds a second newline */
    free(s);
    return EXIT_SUCCESS;
}

int xl_cmd_list(int argc, char **argv)
{
    static const struct option opts[] = {
        { "long", 0, 0, 'l' }, { "verbose", 0, 0, 'v' },
        { "context", 0, 0, 'Z' }, { "cpupool", 0, 0, 'c' },
        { "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
    };
    bool details = false, verbose = false, context = false, cpupool = false;
    struct domain_info one, *doms = NULL;
    struct errbuf eb = { 0 };
    int opt, n, i, rc;

    FOREACH_OPT(opt, "lvZc", opts, "list", 0) {
    case 'l': details = true; break;
    case 'v': verbose = true; break;
    case 'Z': context = true; break;
    case 'c': cpupool = true; break;
    }
    if (optind == argc - 1) {
        uint32_t domid = xl_find_domain(argv[optind]);
        rc = domain_get_info(domid, &one, &eb);
        if (rc == -ESRCH || (!rc && one.domid != domid)) {
            fprintf(stderr, "Error: Domain '%s' does not exist.\n",
                    argv[optind]);
            return EXIT_FAILURE;
        }
        if (rc)
            return report(&eb, "getting domain info failed");
        doms = &one;
        n = 1;
    } else if (optind < argc) {
        xl_help(stdout, "list");
        return EXIT_FAILURE;
    } else {
        n = domain_list(&doms, &eb);
        if (n < 0)
            return report(&eb, "listing domains failed");
    }
    if (details) {
        rc = list_long(doms, n);
    } else {
        xl_list_header(stdout, verbose, context, cpupool);
        for (i = 0; i < n; i++)
            xl_list_row(stdout, &doms[i], verbose, context, cpupool);
        rc = EXIT_SUCCESS;
    }
    if (doms != &one)
        free(doms);
    return rc;
}

/* ------------------------------------------------------------ lifecycle */

int xl_cmd_destroy(int argc, char **argv)
{
    struct domain_info d;
    struct errbuf eb = { 0 };
    bool force = xl_force, have_info;
    uint32_t domid;
    int opt;

    FOREACH_OPT(opt, "f", NULL, "destroy", 1) {
    case 'f': force = true; break;
    }
    domid = xl_find_domain(argv[optind]);
    if (domid == 0 && !force) {
        fprintf(stderr, "Not destroying domain 0; use -f to force.\n"
                "This can only be done when using a disaggregated "
                "hardware domain and toolstack.\n\n");
        return EXIT_FAILURE;
    }
    have_info = domain_get_info(domid, &d, NULL) == 0 && d.domid == domid;
    xl_vifs_release_all(domid);
    if (domain_destroy(domid, &eb))
        return report(&eb, "destroy failed");
    if (have_info)
        xl_state_remove(domid, d.uuid);
    return EXIT_SUCCESS;
}

static int get_info(uint32_t domid, struct domain_info *d)
{
    return domain_get_info(domid, d, NULL);
}

void xl_wait_for(const uint32_t *ids, int n,
                 int (*get)(uint32_t, struct domain_info *), int grace_ms,
                 int poll_ms)
{
    int *state = calloc((size_t)n, sizeof(*state));   /* ms since shutdown + 1 */
    int left = n, i;

    if (!state)
        return;
    fprintf(stderr, "Waiting for %d domains\n", n);
    while (left > 0) {
        for (i = 0; i < n; i++) {
            struct domain_info d;
            int rc;

            if (state[i] < 0)
                continue;
            rc = get(ids[i], &d);
            /* a dying domain is destroyed; it may linger while others
             * still hold its pages, but it will never run again */
            if (rc == -ESRCH || (!rc && (d.domid != ids[i] || d.dying))) {
                if (!state[i])
                    fprintf(stderr, "Domain %u has been destroyed\n", ids[i]);
            } else if (!rc && d.shutdown) {
                if (!state[i])
                    fprintf(stderr, "Domain %u has been shut down, reason "
                            "code %u\n", ids[i], d.shutdown_reason);
                state[i] += poll_ms;
                if (state[i] <= grace_ms)
                    continue;
            } else {
                continue;
            }
            state[i] = -1;
            left--;
        }
        if (left)
            usleep((useconds_t)poll_ms * 1000);
    }
    fprintf(stderr, "All domains have been shut down\n");
    free(state);
}

static int shutdown_or_reboot(int argc, char **argv, bool reboot)
{
    static const struct option opts[] = {
        { "all", 0, 0, 'a' }, { "wait", 0, 0, 'w' },
        { "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
    };
    const char *cmd = reboot ? "reboot" : "shutdown";
    bool all = false, wait = false, fallback = false;
    struct domain_info *doms = NULL;
    struct errbuf eb = { 0 };
    uint32_t *ids = NULL;
    int opt, n = 0, i, rc = EXIT_SUCCESS;

    FOREACH_OPT(opt, "awF", opts, cmd, 0) {
    case 'a': all = true; break;
    case 'w': wait = true; break;
    case 'F': fallback = true; break;
    }
    if (!argv[optind] && !all) {
        fprintf(stderr, "You must specify -a or a domain id.\n\n");
        return EXIT_FAILURE;
    }
    if (all) {
        int nd = domain_list(&doms, &eb);
        if (nd < 0)
            return report(&eb, "listing domains failed");
        ids = calloc((size_t)nd + 1, sizeof(*ids));
        if (!ids) {
            free(doms);
            return EXIT_FAILURE;
        }
        for (i = 0; i < nd; i++)
            if (doms[i].domid != 0 && !doms[i].dying && !doms[i].shutdown)
                ids[n++] = doms[i].domid;
        free(doms);
    } else {
        ids = calloc(1, sizeof(*ids));
        if (!ids)
            return EXIT_FAILURE;
        ids[n++] = xl_find_domain(argv[optind]);
    }
    for (i = 0; i < n; i++) {
        fprintf(stderr, reboot ? "Rebooting domain %u\n" :
                "Shutting down domain %u\n", ids[i]);
        eb.err = 0;
        eb.msg[0] = 0;
        if (domain_shutdown(ids[i], reboot ? DOMAIN_REQ_REBOOT :
                            DOMAIN_REQ_POWEROFF, fallback, &eb)) {
            fprintf(stderr, "%s\n%s failed (rc=%d)\n", eb.msg, cmd, eb.err);
            rc = EXIT_FAILURE;
            /* do not wait for a domain that was never asked */
            ids[i--] = ids[--n];
        }
    }
    /* a domain seen shut down gets 5 s more to disappear, so that
     * `xl shutdown -w d; xl list` does not race the monitor applying
     * on_poweroff=destroy */
    if (wait && n > 0)
        xl_wait_for(ids, n, get_info, 5000, 100);
    free(ids);
    return rc;
}

int xl_cmd_shutdown(int argc, char **argv)
{
    return shutdown_or_reboot(argc, argv, false);
}

int xl_cmd_reboot(int argc, char **argv)
{
    return shutdown_or_reboot(argc, argv, true);
}

int xl_cmd_pause(int argc, char **argv)
{
    struct errbuf eb = { 0 };
    int opt;

    FOREACH_OPT(opt, "", NULL, "pause", 1) {
    }
    if (domain_pause(xl_find_domain(argv[optind]), &eb))
        return report(&eb, "pause failed");
    return EXIT_SUCCESS;
}

int xl_cmd_unpause(int argc, char **argv)
{
    struct errbuf eb = { 0 };
    int opt;

    FOREACH_OPT(opt, "", NULL, "unpause", 1) {
    }
    if (domain_unpause(xl_find_domain(argv[optind]), &eb))
        return report(&eb, "unpause failed");
    return EXIT_SUCCESS;
}

/* ------------------------------------------------------------ queries */

int xl_cmd_info(int argc, char **argv)
{
    struct host_info hi;
    struct utsname u;
    struct errbuf eb = { 0 };
    int opt;

    FOREACH_OPT(opt, "", NULL, "info", 0) {
    }
    if (host_get_info(&hi, &eb))
        return report(&eb, "getting host information failed");
    if (uname(&u) < 0)
        memset(&u, 0, sizeof(u));
    xl_print_info(stdout, &hi, &u, optind < argc ? argv[optind] : NULL);
    return EXIT_SUCCESS;
}

int xl_cmd_dmesg(int argc, char **argv)
{
    static const struct option opts[] = {
        { "clear", 0, 0, 'c' }, { "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
    };
    struct errbuf eb = { 0 };
    bool clear = false;
    char *buf = NULL;
    size_t len = 0;
    int opt;

    FOREACH_OPT(opt, "c", opts, "dmesg", 0) {
    case 'c': clear = true; break;
    }
    if (host_readconsole(clear, &buf, &len, &eb))
        return report(&eb, "reading the hypervisor console failed");
    fwrite(buf, 1, len, stdout);
    free(buf);
    return EXIT_SUCCESS;
}

int xl_cmd_domid(int argc, char **argv)
{
    struct domain_info *doms = NULL;
    struct errbuf eb = { 0 };
    const char *name;
    int opt, n, i;

    FOREACH_OPT(opt, "", NULL, "domid", 1) {
    }
    name = argv[optind];
    n = domain_list(&doms, &eb);
    if (n < 0)
        return report(&eb, "listing domains failed");
    /* names only, as libxl_name_to_domid: "0" is not Domain-0 here */
    for (i = 0; i < n; i++)
        if (!strcmp(doms[i].name, name)) {
            printf("%u\n", doms[i].domid);
            free(doms);
            return EXIT_SUCCESS;
        }
    free(doms);
    fprintf(stderr, "Can't get domid of domain name '%s', maybe this domain "
            "does not exist.\n", name);
    return EXIT_FAILURE;
}

int xl_cmd_domname(int argc, char **argv)
{
    char name[64], *end;
    unsigned long id;
    int opt;

    FOREACH_OPT(opt, "", NULL, "domname", 1) {
    }
    errno = 0;
    id = strtoul(argv[optind], &end, 10);
    if (end == argv[optind]) {
        fprintf(stderr, "Invalid domain id.\n\n");
        return EXIT_FAILURE;
    }
    if (errno || id > UINT32_MAX ||
        domain_name((uint32_t)id, name, sizeof(name), NULL) || !name[0]) {
        fprintf(stderr, "Can't get domain name of domain id '%lu', maybe "
                "this domain does not exist.\n", id);
        return EXIT_FAILURE;
    }
    printf("%s\n", name);
    return EXIT_SUCCESS;
}

static void print_uptime_line(const char *name, uint32_t domid,
                              unsigned long secs, bool short_mode, time_t now)
{
    char *up = xl_uptime_string(secs, short_mode), now_s[32];

    if (short_mode) {
        struct tm tm;
        if (!localtime_r(&now, &tm) ||
            !strftime(now_s, sizeof(now_s), "%H:%M:%S", &tm))
            strcpy(now_s, "??:??:??");
        printf(" %s up %s, %s (%u)\n", now_s, up ? up : "?", name, domid);
    } else {
        printf("%-33s %4u %s\n", name, domid, up ? up : "?");
    }
    free(up);
}

static int dom0_uptime(unsigned long *secs)
{
    char buf[64];
    ssize_t n;
    int fd = open("/proc/uptime", O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return -errno;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -EIO;
    buf[n] = 0;
    *secs = strtoul(buf, NULL, 10);
    return 0;
}

int xl_cmd_uptime(int argc, char **argv)
{
    struct domain_info *doms = NULL;
    struct errbuf eb = { 0 };
    bool short_mode = false, all;
    unsigned long up = 0;
    time_t now;
    int opt, n, i, j;

    FOREACH_OPT(opt, "s", NULL, "uptime", 0) {
    case 's': short_mode = true; break;
    }
    /* resolve names first: an unknown one exits before any output */
    for (i = optind; i < argc; i++)
        (void)xl_find_domain(argv[i]);
    n = domain_list(&doms, &eb);
    if (n < 0)
        return report(&eb, "listing domains failed");
    now = time(NULL);
    if (!short_mode)
        printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
    all = optind >= argc;
    for (i = all ? -1 : optind; all ? i < n : i < argc; i++) {
        uint32_t want = all ? (i < 0 ? 0 : doms[i].domid) : xl_find_domain(argv[i]);
        const struct domain_info *d = NULL;

        if (all && i >= 0 && want == 0)
            continue;            /* dom0 went first */
        for (j = 0; j < n; j++)
            if (doms[j].domid == want)
                d = &doms[j];
        if (want == 0) {
            if (dom0_uptime(&up)) {
                fprintf(stderr, "Can not get Dom0 uptime.\n");
                free(doms);
                return EXIT_FAILURE;
            }
            print_uptime_line(d && d->name[0] ? d->name : "Domain-0", 0, up,
                              short_mode, now);
        } else if (d && d->start_time && (uint64_t)now >= d->start_time) {
            print_uptime_line(d->name[0] ? d->name : "(null)", want,
                              (unsigned long)((uint64_t)now - d->start_time),
                              short_mode, now);
        }
    }
    free(doms);
    return EXIT_SUCCESS;
}
