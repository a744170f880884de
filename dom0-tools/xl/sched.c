/*
 * sched.c — xl's vCPU and scheduler commands: vcpu-list, vcpu-pin,
 * vcpu-set, sched-credit2 and sched-credit, with Xen 4.17's xl output and
 * messages.  CPU maps are printed and parsed the way xl does ("all",
 * "0-1,3", "^2" to take one out: libxlcfg's cpumap.c); the formatting
 * helpers are exported for the unit tests.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "xl.h"
#include "xc.h"

#define FOREACH_OPT(opt, opts, longopts, cmd, nreq)                          \
    while (((opt) = xl_getopt(argc, argv, (opts), (longopts), (cmd),        \
                              (nreq))) != -1)                               \
        switch (opt)

#define MAP_BYTES   (XL_MAX_CPUS / 8)

/* ------------------------------------------------------------ cpu maps */

void xl_print_cpumap(FILE *out, const uint8_t *map, unsigned nr)
{
    xlcfg_print_cpumap(out, map, nr);
}

int xl_parse_cpumap(const char *s, uint8_t *map, unsigned nbytes)
{
    const char *bad = s;

    if (xlcfg_parse_cpumap(s, map, nbytes, &bad)) {
        fprintf(stderr, "Invalid pcpu range: %s.\n", bad);
        return -1;
    }
    return 0;
}

/* One `xl vcpu-list` line, Xen 4.17's format. */
void xl_print_vcpu_line(FILE *out, const char *name, uint32_t domid, unsigned vcpu,
                        const struct xc_vcpuinfo *vi, const uint8_t *hard,
                        const uint8_t *soft, unsigned nr_cpus)
{
    fprintf(out, "%-32s %5u %5u", name, domid, vcpu);
    if (!vi->online)
        fprintf(out, "%5c %3c%cp ", '-', '-', '-');
    else
        fprintf(out, "%5u %3c%c- ", vi->cpu, vi->running ? 'r' : '-', vi->blocked ? 'b' : '-');
    fprintf(out, "%9.1f  ", (float)vi->cpu_time_ns / 1e9);
    xl_print_cpumap(out, hard, nr_cpus);
    fputs(" / ", out);
    xl_print_cpumap(out, soft, nr_cpus);
    fputc('\n', out);
}

/* ------------------------------------------------------------ helpers */

static xc_handle *open_xc(void)
{
    struct errbuf eb = { 0 };
    xc_handle *xch = xc_open(&eb);

    if (!xch)
        fprintf(stderr, "%s\n", eb.msg[0] ? eb.msg : "cannot open the hypervisor interface");
    return xch;
}

static unsigned host_cpus(xc_handle *xch)
{
    struct xc_physinfo pi;
    struct errbuf eb = { 0 };

    if (xc_physinfo(xch, &pi, &eb) || pi.max_cpu_id + 1 > XL_MAX_CPUS)
        return 1;
    return pi.max_cpu_id + 1;
}

static void print_domain_vcpus(xc_handle *xch, uint32_t domid, unsigned nr_cpus)
{
    struct xc_dominfo di;
    struct errbuf eb = { 0 };
    char name[64] = "";

    if (xc_domain_getinfo(xch, domid, &di, &eb) || di.domid != domid ||
        di.max_vcpu_id >= XL_MAX_VCPUS)
        return;
    domain_name(domid, name, sizeof(name), &eb);
    for (unsigned v = 0; v <= di.max_vcpu_id; v++) {
        struct xc_vcpuinfo vi;
        uint8_t hard[MAP_BYTES], soft[MAP_BYTES];

        if (xc_vcpu_getinfo(xch, domid, v, &vi, &eb) ||
            xc_vcpu_getaffinity(xch, domid, v, hard, soft, MAP_BYTES, &eb))
            return;             /* libxl_list_vcpu fails: nothing for it */
        xl_print_vcpu_line(stdout, name, domid, v, &vi, hard, soft, nr_cpus);
    }
}

/* ------------------------------------------------------------ vcpu-list */

int xl_cmd_vcpu_list(int argc, char **argv)
{
    xc_handle *xch;
    unsigned nr_cpus;
    int opt;

    FOREACH_OPT(opt, "", NULL, "vcpu-list", 0) {
    }
    if (!(xch = open_xc()))
        return EXIT_FAILURE;
    nr_cpus = host_cpus(xch);
    printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State",
           "Time(s)", "Affinity (Hard / Soft)");
    if (optind >= argc) {
        struct domain_info *doms;
        struct errbuf eb = { 0 };
        int n = domain_list(&doms, &eb);

        if (n < 0) {
            fprintf(stderr, "libxl_list_domain failed.\n");
        } else {
            for (int i = 0; i < n; i++)
                print_domain_vcpus(xch, doms[i].domid, nr_cpus);
            free(doms);
        }
    } else {
        for (int i = optind; i < argc; i++)
            print_domain_vcpus(xch, xl_find_domain(argv[i]), nr_cpus);
    }
    xc_close(xch);
    return EXIT_SUCCESS;
}

/* ------------------------------------------------------------ vcpu-pin */

static int pin_one(xc_handle *xch, uint32_t domid, long vcpu, const uint8_t *hard,
                   const uint8_t *soft)
{
    uint8_t h[MAP_BYTES], s[MAP_BYTES];
    struct errbuf eb = { 0 };

    if (hard)
        memcpy(h, hard, sizeof(h));
    if (soft)
        memcpy(s, soft, sizeof(s));
    if (xc_vcpu_setaffinity(xch, domid, (unsigned)vcpu, hard ? h : NULL, soft ? s : NULL,
                            MAP_BYTES, &eb)) {
        fprintf(stderr, "%s\n", eb.msg);
        return -1;
    }
    return 0;
}

int xl_cmd_vcpu_pin(int argc, char **argv)
{
    static const struct option opts[] = {
        { "force", 0, 0, 'f' },
        { "help", 0, 0, 'h' },
        { 0, 0, 0, 0 }
    };
    uint8_t hard[MAP_BYTES], soft[MAP_BYTES];
    const char *vcpu_s, *hard_s, *soft_s;
    bool has_hard, has_soft;
    struct xc_dominfo di;
    struct errbuf eb = { 0 };
    xc_handle *xch;
    uint32_t domid;
    long vcpu;
    char *end;
    int opt, rc = EXIT_FAILURE;

    FOREACH_OPT(opt, "f", opts, "vcpu-pin", 3) {
    case 'f':
        break;                  /* no temporary affinity to override here */
    }
    domid = xl_find_domain(argv[optind]);
    vcpu_s = argv[optind + 1];
    hard_s = argv[optind + 2];
    soft_s = argc > optind + 3 ? argv[optind + 3] : NULL;

    vcpu = strtol(vcpu_s, &end, 10);
    if (vcpu_s == end || vcpu < 0) {
        if (strcmp(vcpu_s, "all")) {
            fprintf(stderr, "Error: Invalid argument %s as VCPU.\n", vcpu_s);
            return EXIT_FAILURE;
        }
        vcpu = -1;
    }
    has_hard = strcmp(hard_s, "-") != 0;
    has_soft = soft_s && strcmp(soft_s, "-") != 0;
    if (has_hard && xl_parse_cpumap(hard_s, hard, sizeof(hard)))
        return EXIT_FAILURE;
    if (has_soft && xl_parse_cpumap(soft_s, soft, sizeof(soft)))
        return EXIT_FAILURE;
    if (xl_dryrun) {
        unsigned nr = 1;

        if ((xch = open_xc())) {
            nr = host_cpus(xch);
            xc_close(xch);
        }
        fputs("cpumap: ", stdout);
        if (has_hard)
            xl_print_cpumap(stdout, hard, nr);
        else
            fputc('-', stdout);
        if (has_soft) {
            fputc(' ', stdout);
            xl_print_cpumap(stdout, soft, nr);
        }
        fputc('\n', stdout);
        return EXIT_SUCCESS;
    }
    if (!(xch = open_xc()))
        return EXIT_FAILURE;
    if (vcpu >= 0) {
        if (pin_one(xch, domid, vcpu, has_hard ? hard : NULL, has_soft ? soft : NULL)) {
            fprintf(stderr, "Could not set affinity for vcpu `%ld'.\n", vcpu);
            goto out;
        }
    } else {
        if (xc_domain_getinfo(xch, domid, &di, &eb) || di.domid != domid) {
            fprintf(stderr, "libxl_list_vcpu failed.\n");
            goto out;
        }
        for (unsigned v = 0; v <= di.max_vcpu_id; v++)
            if (pin_one(xch, domid, v, has_hard ? hard : NULL, has_soft ? soft : NULL)) {
                fprintf(stderr, "Could not set affinity.\n");
                break;
            }
    }
    rc = EXIT_SUCCESS;
out:
    xc_close(xch);
    return rc;
}

/* ------------------------------------------------------------ vcpu-set */

/* libxl's PV way: cpu/<n>/availability for every vCPU, in one transaction;
 * the guest's xenbus watch onlines or offlines them. */
static int write_availability(uint32_t domid, unsigned online, unsigned max)
{
    struct xs_handle *xs = xs_open(0);
    xs_transaction_t t;
    char path[64];
    int rc = 0;

    if (!xs)
        return -errno;
    for (int tries = 0; tries < 10; tries++) {
        rc = 0;
        t = xs_transaction_start(xs);
        if (!t) {
            rc = -errno;
            break;
        }
        for (unsigned i = 0; i < max && !rc; i++) {
            const char *v = i < online ? "online" : "offline";

            snprintf(path, sizeof(path), "/local/domain/%u/cpu/%u/availability", domid, i);
            if (!xs_write(xs, t, path, v, (unsigned)strlen(v)))
                rc = -errno;
        }
        if (xs_transaction_end(xs, t, rc != 0) || rc)
            break;
        if (errno != EAGAIN) {
            rc = -errno;
            break;
        }
    }
    xs_close(xs);
    return rc;
}

int xl_cmd_vcpu_set(int argc, char **argv)
{
    static const struct option opts[] = {
        { "ignore-host", 0, 0, 'i' },
        { "help", 0, 0, 'h' },
        { 0, 0, 0, 0 }
    };
    bool check_host = true;
    struct xc_dominfo di;
    struct errbuf eb = { 0 };
    const char *n_s;
    unsigned long n;
    xc_handle *xch;
    uint32_t domid;
    char *end;
    int opt, rc = EXIT_FAILURE;

    FOREACH_OPT(opt, "i", opts, "vcpu-set", 2) {
    case 'i':
        check_host = false;
        break;
    }
    domid = xl_find_domain(argv[optind]);
    n_s = argv[optind + 1];
    n = strtoul(n_s, &end, 10);
    if (end == n_s) {
        fprintf(stderr, "Error: Invalid argument.\n");
        return EXIT_FAILURE;
    }
    if (!(xch = open_xc()))
        return EXIT_FAILURE;
    if (xc_domain_getinfo(xch, domid, &di, &eb) || di.domid != domid) {
        fprintf(stderr, "Domain %u does not exist.\n", domid);
        goto out;
    }
    if (check_host) {
        unsigned host = host_cpus(xch);

        if (n > di.nr_online_vcpus && n > host) {
            fprintf(stderr, "You are overcommmitting! You have %d physical CPUs and want %d "
                    "vCPUs! Aborting, use --ignore-host to continue\n", (int)host, (int)n);
            goto out;
        }
    }
    if (n > di.max_vcpu_id + 1UL) {
        fprintf(stderr, "libxl: error: libxl_domain.c: Requested %d VCPUs, however "
                "maxcpus is %d!\n", (int)n, (int)di.max_vcpu_id + 1);
        fprintf(stderr, "libxl_set_vcpuonline failed domid=%u max_vcpus=%d, rc: %d\n",
                domid, (int)n, -3);
        goto out;
    }
    if (write_availability(domid, (unsigned)n, di.max_vcpu_id + 1) < 0) {
        fprintf(stderr, "libxl_set_vcpuonline failed domid=%u max_vcpus=%d, rc: %d\n",
                domid, (int)n, -3);
        goto out;
    }
    rc = EXIT_SUCCESS;
out:
    xc_close(xch);
    return rc;
}

/* ------------------------------------------------------------ sched-credit2 */

static void credit2_pool_output(xc_handle *xch)
{
    struct errbuf eb = { 0 };
    unsigned us = 0;

    if (xc_sched_credit2_ratelimit(xch, &us, false, &eb)) {
        fprintf(stderr, "libxl_sched_credit2_params_get failed.\n");
        printf("Cpupool Pool-0: [sched params unavailable]\n");
    } else {
        printf("Cpupool Pool-0: ratelimit=%dus\n", (int)us);
    }
}

static void credit_header(void)
{
    printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
}

static int credit2_domain_output(xc_handle *xch, uint32_t domid)
{
    struct errbuf eb = { 0 };
    unsigned w, c;
    char name[64] = "";

    if (xc_sched_credit2_domain_get(xch, domid, &w, &c, &eb)) {
        fprintf(stderr, "libxl_domain_sched_params_get failed.\n");
        return 1;
    }
    domain_name(domid, name, sizeof(name), &eb);
    printf("%-33s %4d %6d %4d\n", name, (int)domid, (int)w, (int)c);
    return 0;
}

static int sched_id(xc_handle *xch)
{
    struct errbuf eb = { 0 };
    int id = -1;

    xc_sched_id(xch, &id, &eb);
    return id;
}

int xl_cmd_sched_credit2(int argc, char **argv)
{
    static const struct option opts[] = {
        { "domain", 1, 0, 'd' },
        { "weight", 1, 0, 'w' },
        { "cap", 1, 0, 'c' },
        { "schedparam", 0, 0, 's' },
        { "ratelimit_us", 1, 0, 'r' },
        { "cpupool", 1, 0, 'p' },
        { "help", 0, 0, 'h' },
        { 0, 0, 0, 0 }
    };
    const char *dom = NULL, *pool = NULL;
    long weight = 256, cap = 0, ratelimit = 0;
    bool opt_w = false, opt_c = false, opt_s = false, opt_r = false;
    struct errbuf eb = { 0 };
    xc_handle *xch;
    int opt, rc = EXIT_FAILURE;

    FOREACH_OPT(opt, "d:w:c:p:r:s", opts, "sched-credit2", 0) {
    case 'd': dom = optarg; break;
    case 'w': weight = strtol(optarg, NULL, 10); opt_w = true; break;
    case 'c': cap = strtol(optarg, NULL, 10); opt_c = true; break;
    case 's': opt_s = true; break;
    case 'r': ratelimit = strtol(optarg, NULL, 10); opt_r = true; break;
    case 'p': pool = optarg; break;
    }
    if (pool && (dom || opt_w || opt_c)) {
        fprintf(stderr, "Specifying a cpupool is not allowed with other options.\n");
        return EXIT_FAILURE;
    }
    if (!dom && (opt_w || opt_c)) {
        fprintf(stderr, "Must specify a domain.\n");
        return EXIT_FAILURE;
    }
    if (pool && strcmp(pool, "Pool-0") && strcmp(pool, "0")) {
        fprintf(stderr, "unknown cpupool '%s'\n", pool);
        return EXIT_FAILURE;
    }
    if (!(xch = open_xc()))
        return EXIT_FAILURE;
    if (opt_s) {
        if (!opt_r) {
            credit2_pool_output(xch);
        } else {
            unsigned us = (unsigned)ratelimit;

            if (xc_sched_credit2_ratelimit(xch, &us, true, &eb)) {
                fprintf(stderr, "libxl: error: libxl_sched.c: Unable to set ratelimit: %s\n",
                        eb.msg);
                fprintf(stderr, "libxl_sched_credit2_params_set failed.\n");
                goto out;
            }
        }
    } else if (!dom) {
        struct domain_info *doms;
        int n;

        if (sched_id(xch) != 6) {       /* XEN_SCHEDULER_CREDIT2 */
            rc = EXIT_SUCCESS;          /* no pool runs credit2: nothing to list */
            goto out;
        }
        n = domain_list(&doms, &eb);
        if (n < 0) {
            fprintf(stderr, "libxl_list_domain failed.\n");
            goto out;
        }
        credit2_pool_output(xch);
        credit_header();
        for (int i = 0; i < n; i++)
            if (credit2_domain_output(xch, doms[i].domid))
                break;
        free(doms);
    } else {
        uint32_t domid = xl_find_domain(dom);

        if (!opt_w && !opt_c) {
            credit_header();
            if (credit2_domain_output(xch, domid))
                goto out;
        } else {
            struct xc_dominfo di;
            unsigned w = 0, c = 0, old_w, old_c;

            if (xc_domain_getinfo(xch, domid, &di, &eb) || di.domid != domid ||
                xc_sched_credit2_domain_get(xch, domid, &old_w, &old_c, &eb)) {
                fprintf(stderr, "libxl_domain_sched_params_set failed.\n");
                goto out;
            }
            if (opt_w) {
                if (weight < 1 || weight > 65535) {
                    fprintf(stderr, "libxl: error: libxl_sched.c: Domain %u:Cpu weight out of "
                            "range, valid range is from 1 to 65535\n", domid);
                    fprintf(stderr, "libxl_domain_sched_params_set failed.\n");
                    goto out;
                }
                w = (unsigned)weight;
            }
            c = old_c;
            if (opt_c) {
                long max = (long)(di.max_vcpu_id + 1) * 100;

                if (cap < 0 || cap > max) {
                    fprintf(stderr, "libxl: error: libxl_sched.c: Domain %u:Cpu cap out of "
                            "range, valid range is from 0 to %ld for specified number of "
                            "vcpus\n", domid, max);
                    fprintf(stderr, "libxl_domain_sched_params_set failed.\n");
                    goto out;
                }
                c = (unsigned)cap;
            }
            if (xc_sched_credit2_domain_set(xch, domid, w, c, &eb)) {
                fprintf(stderr, "%s\n", eb.msg);
                fprintf(stderr, "libxl_domain_sched_params_set failed.\n");
                goto out;
            }
        }
    }
    rc = EXIT_SUCCESS;
out:
    xc_close(xch);
    return rc;
}

/* ------------------------------------------------------------ sched-credit */

/* credit is not the scheduler: answered as Xen 4.17's xl does when credit2
 * runs (no pool to list; a domain's parameters are credit2's). */
int xl_cmd_sched_credit(int argc, char **argv)
{
    static const struct option opts[] = {
        { "domain", 1, 0, 'd' },
        { "weight", 1, 0, 'w' },
        { "cap", 1, 0, 'c' },
        { "schedparam", 0, 0, 's' },
        { "tslice_ms", 1, 0, 't' },
        { "ratelimit_us", 1, 0, 'r' },
        { "migration_delay_us", 1, 0, 'm' },
        { "cpupool", 1, 0, 'p' },
        { "help", 0, 0, 'h' },
        { 0, 0, 0, 0 }
    };
    const char *dom = NULL, *pool = NULL;
    bool opt_w = false, opt_c = false, opt_s = false, opt_t = false, opt_r = false,
         opt_m = false;
    int opt;

    FOREACH_OPT(opt, "d:w:c:p:t:r:m:s", opts, "sched-credit", 0) {
    case 'd': dom = optarg; break;
    case 'w': opt_w = true; break;
    case 'c': opt_c = true; break;
    case 's': opt_s = true; break;
    case 't': opt_t = true; break;
    case 'r': opt_r = true; break;
    case 'm': opt_m = true; break;
    case 'p': pool = optarg; break;
    }
    if ((pool || opt_s) && (dom || opt_w || opt_c)) {
        fprintf(stderr, "Specifying a cpupool or schedparam is not allowed with domain "
                "options.\n");
        return EXIT_FAILURE;
    }
    if (!dom && (opt_w || opt_c)) {
        fprintf(stderr, "Must specify a domain.\n");
        return EXIT_FAILURE;
    }
    if (!opt_s && (opt_t || opt_r || opt_m)) {
        fprintf(stderr, "Must specify schedparam to set schedule parameter values.\n");
        return EXIT_FAILURE;
    }
    if (opt_s) {
        fprintf(stderr, "libxl_sched_credit_params_get failed.\n");
        if (opt_t || opt_r || opt_m)
            return EXIT_FAILURE;
        printf("Cpupool Pool-0: [sched params unavailable]\n");
        return EXIT_SUCCESS;
    }
    if (!dom)
        return EXIT_SUCCESS;            /* no pool runs credit */
    xl_find_domain(dom);            /* exits for an unknown domain */
    if (opt_w || opt_c) {
        fprintf(stderr, "libxl_domain_sched_params_set failed.\n");
        return EXIT_FAILURE;
    }
    credit_header();
    fprintf(stderr, "libxl_domain_sched_params_get returned credit2 not credit.\n");
    return EXIT_FAILURE;
}
