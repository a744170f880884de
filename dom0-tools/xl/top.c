/*
 * top.c — `xl top': the domains' CPU, memory, vCPUs, network and block
 * counters, refreshed every few seconds, with xentop's columns and
 * number formats (Xen's xl runs xentop; ours has it built in).
 *
 * Where the figures come from is where xentop's libxenstat reads them:
 * the hypervisor's domain info (CPU time, pages, vCPUs, state, ssid);
 * dom0's /proc/net/dev for each guest's vif<domid>.<n> (dom0 receiving on
 * a vif is the guest transmitting, so the directions swap); the vbd
 * backends under /local/domain/0/backend/{vbd,qdisk}/<domid> for the
 * device count, and Linux blkback's
 * /sys/bus/xen-backend/devices/vbd-<domid>-<devid>/statistics (or the
 * same layout under /run/xen/blkback, which our blkback writes) for the
 * request counters.  A vbd with no readable counters shows "-", as
 * xentop shows a vbd whose statistics it cannot read.
 *
 * Modes: interactive (a screen refreshed every -d seconds, 'q' quits),
 * -b batch (header and rows per iteration, for scripts), and -o FILE.svg:
 * -i samples, then one self-contained SVG with CPU % and memory over time
 * per domain.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "xl.h"

/* ------------------------------------------------------------ sampling */

static void net_counters(const char *procnetdev, struct xl_top_dom *d)
{
    const char *p = procnetdev;
    char prefix[24];
    size_t plen;

    snprintf(prefix, sizeof(prefix), "vif%u.", d->domid);
    plen = strlen(prefix);
    while (p && *p) {
        const char *q = p;
        unsigned long long rx = 0, tx = 0, f[16];
        char name[32];

        while (*q == ' ')
            q++;
        if (!strncmp(q, prefix, plen) &&
            sscanf(q, "%31[^:]:%llu %llu %llu %llu %llu %llu %llu %llu %llu",
                   name, &rx, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6],
                   &tx) == 10 &&
            !strchr(name + plen, '-')) {      /* vifD.N-emu is HVM's */
            d->nets++;
            d->net_tx += rx;     /* dom0 receives what the guest sends */
            d->net_rx += tx;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
}

void xl_top_net_counters(const char *procnetdev, struct xl_top_dom *d)
{
    d->nets = 0;
    d->net_tx = d->net_rx = 0;
    if (procnetdev)
        net_counters(procnetdev, d);
}

static bool read_u64_file(const char *path, uint64_t *v)
{
    FILE *f = fopen(path, "r");
    unsigned long long x;
    bool ok;

    if (!f)
        return false;
    ok = fscanf(f, "%llu", &x) == 1;
    fclose(f);
    if (ok)
        *v = x;
    return ok;
}

/* Linux blkback's sysfs, then our blkback's copy of that layout. */
static bool vbd_stats_from(const char *base, unsigned domid, const char *devid,
                           uint64_t v[5])
{
    static const char *const names[5] = { "oo_req", "rd_req", "wr_req", "rd_sect", "wr_sect" };
    char f[512];

    for (int i = 0; i < 5; i++) {
        snprintf(f, sizeof(f), "%s/vbd-%u-%s/statistics/%s", base, domid, devid, names[i]);
        if (!read_u64_file(f, &v[i]))
            return false;
    }
    return true;
}

static void vbd_counters(struct xs_handle *xs, struct xl_top_dom *d)
{
    static const char *const types[] = { "vbd", "qdisk" };
    const char *bases[2] = {
        getenv("XL_TOP_SYSFS") ? getenv("XL_TOP_SYSFS") : "/sys/bus/xen-backend/devices",
        getenv("XL_TOP_BLKSTATS") ? getenv("XL_TOP_BLKSTATS") : "/run/xen/blkback",
    };

    d->vbds = 0;
    d->vbd_stats = false;
    d->vbd_oo = d->vbd_rd = d->vbd_wr = d->vbd_rsect = d->vbd_wsect = 0;
    for (unsigned t = 0; xs && t < 2; t++) {
        char path[96], **ents;
        unsigned int n;

        snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", types[t], d->domid);
        ents = xs_directory(xs, XBT_NULL, path, &n);
        if (!ents)
            continue;
        for (unsigned i = 0; i < n; i++) {
            uint64_t v[5];

            d->vbds++;
            if (vbd_stats_from(bases[0], d->domid, ents[i], v) ||
                vbd_stats_from(bases[1], d->domid, ents[i], v)) {
                d->vbd_stats = true;
                d->vbd_oo += v[0];
                d->vbd_rd += v[1];
                d->vbd_wr += v[2];
                d->vbd_rsect += v[3];
                d->vbd_wsect += v[4];
            }
        }
        free(ents);
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    size_t cap = 16384, len = 0, n;
    char *buf;

    if (!f)
        return NULL;
    buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = 0;
    return buf;
}

int xl_top_sample(struct xl_top_sample *s, struct errbuf *eb)
{
    struct domain_info *doms = NULL;
    struct host_info hi;
    struct xs_handle *xs;
    char *netdev;
    int n;

    memset(s, 0, sizeof(*s));
    if (host_get_info(&hi, eb))
        return -1;
    n = domain_list(&doms, eb);
    if (n < 0)
        return -1;
    gettimeofday(&s->t, NULL);
    s->total_kb = hi.phys.total_pages * 4;
    s->free_kb = hi.phys.free_pages * 4;
    s->nr_cpus = hi.phys.nr_cpus;
    s->mhz = hi.cpu_mhz;
    snprintf(s->version, sizeof(s->version), "%d.%d%s", hi.ver.major,
             hi.ver.minor, hi.ver.extra);
    s->doms = calloc(n ? (size_t)n : 1, sizeof(*s->doms));
    if (!s->doms) {
        free(doms);
        return -1;
    }
    netdev = slurp(getenv("XL_TOP_NETDEV") ? getenv("XL_TOP_NETDEV") : "/proc/net/dev");
    xs = xs_open(XS_OPEN_READONLY);
    for (int i = 0; i < n; i++) {
        struct xl_top_dom *d = &s->doms[i];
        const struct domain_info *di = &doms[i];

        d->domid = di->domid;
        snprintf(d->name, sizeof(d->name), "%s", di->name[0] ? di->name
                 : (di->domid ? "(null)" : "Domain-0"));
        d->dying = di->dying;
        d->shutdown = di->shutdown;
        d->blocked = di->blocked;
        d->crashed = di->crashed;
        d->paused = di->paused;
        d->running = di->running;
        d->cpu_ns = di->cpu_time_ns;
        d->mem_kb = di->mem_kb;
        d->maxmem_kb = di->max_mem_kb;
        d->vcpus = di->vcpus_online;
        d->ssid = di->ssidref;
        xl_top_net_counters(netdev, d);
        vbd_counters(xs, d);
    }
    s->n = n;
    if (xs)
        xs_close(xs);
    free(netdev);
    free(doms);
    return 0;
}

void xl_top_sample_free(struct xl_top_sample *s)
{
    free(s->doms);
    s->doms = NULL;
    s->n = 0;
}

/* ------------------------------------------------------------ figures */

const struct xl_top_dom *xl_top_find(const struct xl_top_sample *s, uint32_t domid)
{
    for (int i = 0; s && i < s->n; i++)
        if (s->doms[i].domid == domid)
            return &s->doms[i];
    return NULL;
}

double xl_top_cpu_pct(const struct xl_top_sample *prev,
                      const struct xl_top_sample *cur,
                      const struct xl_top_dom *d)
{
    const struct xl_top_dom *old = xl_top_find(prev, d->domid);
    double us;

    /* no previous sample of this domain: 0, as xentop */
    if (!old || d->cpu_ns < old->cpu_ns)
        return 0.0;
    us = (cur->t.tv_sec - prev->t.tv_sec) * 1000000.0 +
         (cur->t.tv_usec - prev->t.tv_usec);
    if (us <= 0)
        return 0.0;
    /* ns -> us is /1000, as a percentage *100: /10 */
    return ((double)(d->cpu_ns - old->cpu_ns) / 10.0) / us;
}

/* ------------------------------------------------------------ the table */

struct widths { int net_tx, net_rx, vbd_rd, vbd_wr, vbd_rsect, vbd_wsect; };

static int digits(uint64_t v)
{
    int n = 1;

    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* xentop widens the columns with large counters for all rows alike. */
static struct widths widths_for(const struct xl_top_sample *s)
{
    struct widths w = { 8, 8, 8, 8, 10, 10 };

    for (int i = 0; i < s->n; i++) {
        const struct xl_top_dom *d = &s->doms[i];
#define WIDEN(f, v) do { int l = digits((v) + 1); if (l > w.f) w.f = l; } while (0)
        WIDEN(net_tx, d->net_tx / 1024);
        WIDEN(net_rx, d->net_rx / 1024);
        if (d->vbd_stats || !d->vbds) {
            WIDEN(vbd_rd, d->vbd_rd);
            WIDEN(vbd_wr, d->vbd_wr);
            WIDEN(vbd_rsect, d->vbd_rsect);
            WIDEN(vbd_wsect, d->vbd_wsect);
        }
#undef WIDEN
    }
    return w;
}

void xl_top_header(FILE *out, const struct xl_top_sample *s)
{
    struct widths w = widths_for(s);

    fprintf(out, "%10s %6s %10s %6s %10s %6s %10s %9s %5s %4s %*s %*s %4s %8s %*s %*s "
            "%*s %*s %4s\n", "NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)",
            "MAXMEM(k)", "MAXMEM(%)", "VCPUS", "NETS", w.net_tx, "NETTX(k)",
            w.net_rx, "NETRX(k)", "VBDS", "VBD_OO", w.vbd_rd, "VBD_RD", w.vbd_wr,
            "VBD_WR", w.vbd_rsect, "VBD_RSECT", w.vbd_wsect, "VBD_WSECT", "SSID");
}

static void vbd_field(FILE *out, int width, bool show, uint64_t v)
{
    if (show)
        fprintf(out, " %*" PRIu64, width, v);
    else
        fprintf(out, " %*c", width, '-');
}

void xl_top_row(FILE *out, const struct xl_top_sample *prev,
                const struct xl_top_sample *cur, const struct xl_top_dom *d)
{
    struct widths w = widths_for(cur);
    double total = (double)cur->total_kb * 1024.0;
    bool show = d->vbd_stats || !d->vbds;   /* xentop: no vbds shows 0s */
    char state[7];

    snprintf(state, sizeof(state), "%c%c%c%c%c%c", d->dying ? 'd' : '-',
             d->shutdown ? 's' : '-', d->blocked ? 'b' : '-',
             d->crashed ? 'c' : '-', d->paused ? 'p' : '-',
             d->running ? 'r' : '-');
    fprintf(out, "%10.10s %6s %10" PRIu64 " %6.1f %10" PRIu64 " %6.1f", d->name,
            state, d->cpu_ns / 1000000000, xl_top_cpu_pct(prev, cur, d),
            d->mem_kb, total > 0 ? (double)d->mem_kb * 1024.0 / total * 100 : 0.0);
    if (d->maxmem_kb == UINT64_MAX)
        fprintf(out, " %10s %9s", "no limit", "n/a");
    else
        fprintf(out, " %10" PRIu64 " %9.1f", d->maxmem_kb,
                total > 0 ? (double)d->maxmem_kb * 1024.0 / total * 100 : 0.0);
    fprintf(out, " %5u %4u %*" PRIu64 " %*" PRIu64 " %4u", d->vcpus, d->nets,
            w.net_tx, d->net_tx / 1024, w.net_rx, d->net_rx / 1024, d->vbds);
    vbd_field(out, 8, show, d->vbd_oo);
    vbd_field(out, w.vbd_rd, show, d->vbd_rd);
    vbd_field(out, w.vbd_wr, show, d->vbd_wr);
    vbd_field(out, w.vbd_rsect, show, d->vbd_rsect);
    vbd_field(out, w.vbd_wsect, show, d->vbd_wsect);
    fprintf(out, " %4u\n", d->ssid);
}

static int by_name(const void *a, const void *b)
{
    const struct xl_top_dom *x = a, *y = b;

    return strcasecmp(x->name, y->name);
}

void xl_top_table(FILE *out, const struct xl_top_sample *prev,
                  struct xl_top_sample *cur)
{
    /* xentop's default order: by name */
    qsort(cur->doms, (size_t)cur->n, sizeof(*cur->doms), by_name);
    xl_top_header(out, cur);
    for (int i = 0; i < cur->n; i++)
        xl_top_row(out, prev, cur, &cur->doms[i]);
}

void xl_top_summary(FILE *out, const struct xl_top_sample *s)
{
    unsigned run = 0, block = 0, pause = 0, crash = 0, dying = 0, shut = 0;
    char ts[16];
    time_t now = s->t.tv_sec;
    struct tm tm;

    if (!localtime_r(&now, &tm) || !strftime(ts, sizeof(ts), "%H:%M:%S", &tm))
        strcpy(ts, "??:??:??");
    fprintf(out, "xentop - %s   Xen %s\n", ts, s->version);
    for (int i = 0; i < s->n; i++) {
        const struct xl_top_dom *d = &s->doms[i];
        if (d->running) run++;
        else if (d->blocked) block++;
        else if (d->paused) pause++;
        else if (d->shutdown) shut++;
        else if (d->crashed) crash++;
        else if (d->dying) dying++;
    }
    fprintf(out, "%d domains: %u running, %u blocked, %u paused, %u crashed, "
            "%u dying, %u shutdown \n", s->n, run, block, pause, crash, dying, shut);
    fprintf(out, "Mem: %" PRIu64 "k total, %" PRIu64 "k used, %" PRIu64 "k free    "
            "CPUs: %u @ %uMHz\n", s->total_kb, s->total_kb - s->free_kb, s->free_kb,
            s->nr_cpus, s->mhz);
}

/* ------------------------------------------------------------ the command */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Sleeps delay seconds; in interactive mode returns early (true) on 'q'. */
static bool wait_or_quit(unsigned delay, bool interactive)
{
    struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
    int ms = (int)delay * 1000;

    if (!interactive) {
        for (unsigned i = 0; i < delay * 10 && !stop; i++)
            usleep(100000);
        return false;
    }
    while (ms > 0 && !stop) {
        char c;
        if (poll(&p, 1, 100) == 1 && read(STDIN_FILENO, &c, 1) == 1 &&
            (c == 'q' || c == 'Q' || c == 0x1b))
            return true;
        ms -= 100;
    }
    return false;
}

static int plot(const char *file, unsigned delay, unsigned iterations)
{
    struct xl_top_sample prev = { 0 }, cur;
    struct xl_top_plot pl;
    struct errbuf eb = { 0 };
    bool have_prev = false;
    FILE *f;
    int rc;

    if (xl_top_plot_init(&pl, iterations)) {
        fprintf(stderr, "xl top: out of memory\n");
        return EXIT_FAILURE;
    }
    fprintf(stderr, "xl top: sampling %u times, every %u s, into %s\n",
            iterations, delay, file);
    for (unsigned i = 0; i < iterations && !stop; i++) {
        if (xl_top_sample(&cur, &eb)) {
            fprintf(stderr, "xl top: %s\n", eb.msg);
            xl_top_plot_free(&pl);
            if (have_prev)
                xl_top_sample_free(&prev);
            return EXIT_FAILURE;
        }
        xl_top_plot_add(&pl, have_prev ? &prev : NULL, &cur);
        if (have_prev)
            xl_top_sample_free(&prev);
        prev = cur;
        have_prev = true;
        if (i + 1 < iterations)
            wait_or_quit(delay, false);
    }
    if (have_prev)
        xl_top_sample_free(&prev);
    f = fopen(file, "w");
    if (!f) {
        fprintf(stderr, "xl top: cannot write %s: %s\n", file, strerror(errno));
        xl_top_plot_free(&pl);
        return EXIT_FAILURE;
    }
    xl_top_plot_svg(f, &pl);
    rc = fclose(f) ? EXIT_FAILURE : EXIT_SUCCESS;
    if (rc)
        fprintf(stderr, "xl top: writing %s: %s\n", file, strerror(errno));
    else
        fprintf(stderr, "xl top: wrote %s (%u samples, %u domains)\n", file,
                pl.nsamples, pl.nseries);
    xl_top_plot_free(&pl);
    return rc;
}

int xl_cmd_top(int argc, char **argv)
{
    static const struct option opts[] = {
        { "batch", 0, 0, 'b' }, { "delay", 1, 0, 'd' },
        { "iterations", 1, 0, 'i' }, { "plot", 1, 0, 'o' },
        { "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
    };
    struct xl_top_sample prev = { 0 }, cur;
    struct errbuf eb = { 0 };
    struct termios saved, raw;
    bool batch = false, have_prev = false, tty_raw = false;
    const char *plot_file = NULL;
    unsigned delay = 1, iterations = 0, done = 0;
    struct sigaction sa = { .sa_handler = on_signal };
    char *end;
    long v;
    int opt, rc = EXIT_SUCCESS;

    while ((opt = xl_getopt(argc, argv, "bd:i:o:", opts, "top", 0)) != -1) {
        switch (opt) {
        case 'b':
            batch = true;
            break;
        case 'd':
        case 'i':
            errno = 0;
            v = strtol(optarg, &end, 10);
            if (errno || *end || v <= 0 || v > 86400) {
                fprintf(stderr, "xl top: -%c needs a positive number, not '%s'\n",
                        opt, optarg);
                return EXIT_FAILURE;
            }
            if (opt == 'd')
                delay = (unsigned)v;
            else
                iterations = (unsigned)v;
            break;
        case 'o':
            plot_file = optarg;
            break;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xl top: unexpected argument '%s'\n", argv[optind]);
        return EXIT_FAILURE;
    }
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (plot_file)
        return plot(plot_file, delay, iterations ? iterations : 60);
    if (!batch && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
        raw = saved;
        raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        tty_raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    while (!stop) {
        if (xl_top_sample(&cur, &eb)) {
            fprintf(stderr, "xl top: %s\n", eb.msg);
            rc = EXIT_FAILURE;
            break;
        }
        if (!batch) {
            fputs("\033[H\033[2J", stdout);     /* home, clear screen */
            xl_top_summary(stdout, &cur);
        }
        xl_top_table(stdout, have_prev ? &prev : NULL, &cur);
        if (!batch)
            fputs("\nq: quit\n", stdout);
        fflush(stdout);
        if (have_prev)
            xl_top_sample_free(&prev);
        prev = cur;
        have_prev = true;
        if (iterations && ++done >= iterations)
            break;
        if (wait_or_quit(delay, !batch && tty_raw))
            break;
    }
    if (have_prev)
        xl_top_sample_free(&prev);
    if (tty_raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    return rc;
}
