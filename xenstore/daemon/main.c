/*
 * main.c - xenstored's command line, start-up and clean shutdown.
 *
 * Options follow C xenstored 4.17 where they apply (-N, -T, -F, -P, -D, -V,
 * the quota options -E -S -W -t -A -M -Q -q -w); options that only make
 * sense for its tdb store (-R, -I) are accepted and ignored.  Ours:
 *   --socket PATH        listen here (else $XENSTORED_PATH, else
 *                        $XENSTORED_RUNDIR/socket, else /run/xenstored/socket)
 *   --fake-ring-dir DIR  test mode: INTRODUCE maps DIR/ring-<domid> and uses
 *                        the kick FIFOs in DIR instead of Xen devices
 *   --sched batch|normal Linux scheduling policy (default batch, see below)
 *   --peek, --no-peek    read socket requests with MSG_PEEK and take them
 *                        off the socket after the reply (see sock_read in
 *                        io.c; the default), or with plain reads
 */
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xsd.h"

static void usage(FILE *f)
{
    fprintf(f,
"Usage:\n\n  xenstored <options>\n\nwhere options may include:\n\n"
"  -D, --no-domain-init    do not attach dom0's ring (/proc/xen/xsd_kva)\n"
"  -F, --pid-file <file>   write the daemon's pid to <file>\n"
"  -H, --help              print this message\n"
"  -N, --no-fork           stay in the foreground\n"
"  -P, --output-pid        print the daemon's pid on stdout\n"
"  -T, --trace-file <file> trace every request and reply to <file>\n"
"  -E, --entry-nb <nb>     nodes a domain may own (default 1000)\n"
"  -S, --entry-size <size> bytes per node (default 2048)\n"
"  -W, --watch-nb <nb>     watches per domain (default 128)\n"
"  -t, --transaction <nb>  open transactions per domain (default 10)\n"
"  -A, --perm-nb <nb>      permission entries per node (default 5)\n"
"  -M, --path-max <chars>  node path length (default 2048)\n"
"  -Q, --quota <what>=<nb> transaction-nodes (1024), memory (2621440),\n"
"                          outstanding (20)\n"
"  -q, --quota-soft <what>=<nb> memory (2097152): log when exceeded\n"
"  -w, --timeout <what>=<seconds> watch-event (20)\n"
"  -R, --no-recovery       accepted, no effect (no on-disk store)\n"
"  -I, --internal-db [on|off] accepted, the store is always in memory\n"
"  -K, --keep-orphans      keep nodes of released domains owned by them\n"
"  -V, --verbose           log to stderr\n"
"      --socket <path>     unix socket to listen on\n"
"      --fake-ring-dir <dir> test mode for guest rings (see docs/xenstore.md)\n"
"      --sched batch|normal  scheduling policy (default batch)\n"
"      --peek, --no-peek   peek socket requests (default), or plain reads\n");
}

/*
 * SCHED_BATCH by default.  libxenstore (Xen's, which libxl uses) writes a
 * request as two or three write()s: header, then payload pieces.  Under
 * SCHED_OTHER the first write wakes us and we preempt the writer on its
 * CPU, read 16 bytes of header, and sleep again until the rest arrives:
 * two sleeps and four context switches per request.  A SCHED_BATCH task's
 * wake-up does not preempt the running task, so the writer finishes the
 * request and blocks on the reply before we run: one read, one sleep.  We
 * still run at once on an idle CPU and get our fair share under load; the
 * cost is that a wake-up on a CPU busy with another task waits for that
 * task's slice to end.  Measured in docs/xenstore.md.
 */
static int set_sched(const char *policy)
{
    struct sched_param sp = { 0 };
    int pol;

    if (!strcmp(policy, "normal"))
        pol = SCHED_OTHER;
    else if (!strcmp(policy, "batch"))
        pol = SCHED_BATCH;
    else
        return -EINVAL;
    if (sched_setscheduler(0, pol, &sp) < 0)
        xsd_log("sched_setscheduler(%s): %s", policy, strerror(errno));
    return 0;
}

static int parse_num(const char *s, unsigned long *v)
{
    char *end;
    if (!s || !*s)
        return -1;
    *v = strtoul(s, &end, 10);
    return *end ? -1 : 0;
}

static int parse_kv(const char *arg, const char **key, unsigned long *v)
{
    static char k[64];
    const char *eq = strchr(arg, '=');
    if (!eq || (size_t)(eq - arg) >= sizeof(k))
        return -1;
    memcpy(k, arg, eq - arg);
    k[eq - arg] = 0;
    *key = k;
    return parse_num(eq + 1, v);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "no-domain-init", 0, NULL, 'D' },
        { "pid-file", 1, NULL, 'F' },
        { "help", 0, NULL, 'H' },
        { "no-fork", 0, NULL, 'N' },
        { "output-pid", 0, NULL, 'P' },
        { "trace-file", 1, NULL, 'T' },
        { "entry-nb", 1, NULL, 'E' },
        { "entry-size", 1, NULL, 'S' },
        { "watch-nb", 1, NULL, 'W' },
        { "transaction", 1, NULL, 't' },
        { "perm-nb", 1, NULL, 'A' },
        { "path-max", 1, NULL, 'M' },
        { "quota", 1, NULL, 'Q' },
        { "quota-soft", 1, NULL, 'q' },
        { "timeout", 1, NULL, 'w' },
        { "no-recovery", 0, NULL, 'R' },
        { "internal-db", 2, NULL, 'I' },
        { "keep-orphans", 0, NULL, 'K' },
        { "verbose", 0, NULL, 'V' },
        { "socket", 1, NULL, 1 },
        { "fake-ring-dir", 1, NULL, 2 },
        { "sched", 1, NULL, 3 },
        { "no-peek", 0, NULL, 4 },
        { "peek", 0, NULL, 5 },
        { NULL, 0, NULL, 0 },
    };
    const char *pidfile = NULL, *sock = NULL, *key, *sched = "batch";
    bool nofork = false, outpid = false, dom_init = true;
    char defsock[4096];
    unsigned long v;
    int opt, rc;

    while ((opt = getopt_long(argc, argv, "DF:HNPT:E:S:W:t:A:M:Q:q:w:RI::KV",
                              opts, NULL)) != -1) {
        switch (opt) {
        case 'D': dom_init = false; break;
        case 'F': pidfile = optarg; break;
        case 'H': usage(stdout); return 0;
        case 'N': nofork = true; break;
        case 'P': outpid = true; break;
        case 'T':
            xsd_trace = fopen(optarg, "a");
            if (!xsd_trace) {
                perror(optarg);
                return 1;
            }
            setvbuf(xsd_trace, NULL, _IOLBF, 0);
            break;
        case 'E': case 'S': case 'W': case 't': case 'A': case 'M':
            if (parse_num(optarg, &v)) {
                usage(stderr);
                return 1;
            }
            if (opt == 'E') xsd_quota.entry_nb = v;
            if (opt == 'S') xsd_quota.entry_size = v;
            if (opt == 'W') xsd_quota.watch_nb = v;
            if (opt == 't') xsd_quota.transaction = v;
            if (opt == 'A') xsd_quota.perm_nb = v;
            if (opt == 'M') xsd_quota.path_max = v;
            break;
        case 'Q':
            if (parse_kv(optarg, &key, &v))
                goto bad;
            if (!strcmp(key, "transaction-nodes")) xsd_quota.tx_nodes = v;
            else if (!strcmp(key, "memory")) xsd_quota.memory = v;
            else if (!strcmp(key, "outstanding")) xsd_quota.outstanding = v;
            else goto bad;
            break;
        case 'q':
            if (parse_kv(optarg, &key, &v) || strcmp(key, "memory"))
                goto bad;
            xsd_quota.memory_soft = v;
            break;
        case 'w':
            if (parse_kv(optarg, &key, &v) || strcmp(key, "watch-event"))
                goto bad;
            xsd_quota.watch_timeout = v;
            break;
        case 'R': case 'I': break;
        case 'K': xsd_keep_orphans = true; break;
        case 'V': xsd_verbose = 1; break;
        case 1: sock = optarg; break;
        case 2: xsd_fake_ring_dir = optarg; break;
        case 3: sched = optarg; break;
        case 4: xsd_sock_peek = false; break;
        case 5: xsd_sock_peek = true; break;
        default:
            usage(stderr);
            return 1;
        }
    }
    if (optind != argc || set_sched(sched) < 0)
        goto bad;

    if (!sock)
        sock = getenv("XENSTORED_PATH");
    if (!sock || !*sock) {
        const char *rd = getenv("XENSTORED_RUNDIR");
        snprintf(defsock, sizeof(defsock), "%s/socket",
                 rd && *rd ? rd : "/run/xenstored");
        sock = defsock;
    }

    if (store_init() || io_init()) {
        fprintf(stderr, "xenstored: initialisation failed\n");
        return 1;
    }
    rc = io_listen(sock);
    if (rc < 0) {
        fprintf(stderr, "xenstored: cannot listen on %s: %s\n", sock,
                strerror(-rc));
        return 1;
    }
    if (dom_init && access("/proc/xen/xsd_kva", F_OK) == 0) {
        rc = domain_dom0_init();
        if (rc < 0)
            xsd_log("dom0 ring not attached: %s", strerror(-rc));
    }
    if (!xsd_fake_ring_dir && access("/dev/xen/evtchn", F_OK) == 0) {
        rc = domain_watch_exceptions();
        if (rc < 0)
            xsd_log("VIRQ_DOM_EXC not bound: %s", strerror(-rc));
    }
    if (!nofork) {
        pid_t p = fork();
        if (p < 0) {
            perror("fork");
            return 1;
        }
        if (p > 0) {
            if (outpid)
                printf("%d\n", (int)p);
            return 0;
        }
        setsid();
    } else if (outpid) {
        printf("%d\n", (int)getpid());
        fflush(stdout);
    }
    if (pidfile) {
        FILE *f = fopen(pidfile, "w");
        if (f) {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        }
    }
    rc = io_run();
    io_fini();
    store_fini();
    if (pidfile)
        unlink(pidfile);
    if (xsd_trace)
        fclose(xsd_trace);
    return rc < 0 ? 1 : 0;
bad:
    usage(stderr);
    return 1;
}
