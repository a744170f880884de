/*
 * migrate.c — xl migrate and xl migrate-receive, speaking the protocol of
 * Xen 4.17's xl so either end may be Debian's xl:
 *
 *   sender runs  sh -c "exec <ssh> <host> xl migrate-receive [-e] [-d] [-p]"
 *   receiver     "xl migration receiver ready, send binary domain data.\n"
 *   sender       the save stream: xl's header with the domain's JSON
 *                configuration, libxl stream v2, libxc stream v3 (exactly
 *                the bytes of `xl save`)
 *   receiver     builds the domain paused as "<name>--incoming", then
 *                "domain received, ready to unpause\0"
 *   sender       renames its domain "<name>--migratedaway",
 *                "domain is yours, you are cleared to unpause\0"
 *   receiver     renames to <name>, unpauses, "my copy unpause results
 *                are as follows\0" and one status byte (0: running; else
 *                it destroys its copy and sends "domain is yours, you are
 *                cleared to unpause\0" back)
 *   sender       destroys its domain on 0, renames back and resumes it
 *                otherwise.
 *
 * Before the GO message any failure costs nothing: the source is resumed
 * ("suspend cancelled") and keeps its name.  After it, a broken transport
 * leaves both ends undefined, as in Xen, and xl says so.
 *
 * The memory is sent live (save.c's pre-copy rounds over log-dirty mode,
 * each round reported); where the hypervisor has no log-dirty mode (ours,
 * and Xen built without shadow paging) this xl migrates with the guest
 * suspended for the whole copy and says so in one line, where Xen's xl
 * fails.  The total time and the downtime (suspend request to the
 * target's report that the guest runs) are printed at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <public/domctl.h>
#include "xl.h"
#include "domain.h"
#include "migrate.h"
#include "saverestore.h"
#include "xlcfg_json.h"
#include "xlcfg_parse.h"

const char xl_migrate_banner[] = "xl migration receiver ready, send binary domain data.\n";
const char xl_migrate_ready[] = "domain received, ready to unpause";
const char xl_migrate_go[] = "domain is yours, you are cleared to unpause";
const char xl_migrate_report[] = "my copy unpause results are as follows";

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int xl_migrate_rune(char *buf, size_t len, const char *ssh, const char *host,
                    const struct xl_migrate_flags *f)
{
    char verbose[16] = "";
    int n;

    if (!ssh[0])
        n = snprintf(buf, len, "%s", host);     /* -s "": the host is the command */
    else {
        if (f->verbose > 0) {
            int v = f->verbose < 10 ? f->verbose : 10;
            verbose[0] = ' ';
            verbose[1] = '-';
            memset(verbose + 2, 'v', (size_t)v);
            verbose[2 + v] = '\0';
        }
        n = snprintf(buf, len, "exec %s %s xl%s%s migrate-receive%s%s%s", ssh, host,
                     f->tty ? " -t" : "", verbose, f->no_daemon ? " -e" : "",
                     f->debug ? " -d" : "", f->paused ? " -p" : "");
    }
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Exactly n bytes; -EPIPE at end of stream, -errno on errors. */
static int read_exactly(int fd, void *p, size_t n)
{
    for (size_t done = 0; done < n;) {
        ssize_t r = read(fd, (char *)p + done, n - done);
        if (r == 0)
            return -EPIPE;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        done += (size_t)r;
    }
    return 0;
}

static int write_exactly(int fd, const void *p, size_t n)
{
    for (size_t done = 0; done < n;) {
        ssize_t w = write(fd, (const char *)p + done, n - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        done += (size_t)w;
    }
    return 0;
}

int xl_migrate_expect(int fd, const void *msg, size_t n, const char *stream, const char *what,
                      struct errbuf *eb)
{
    char buf[128];
    int rc;

    if (n > sizeof(buf))
        return eb_msg(eb, -EINVAL, "%s: message %s too long", stream, what);
    rc = read_exactly(fd, buf, n);
    if (rc == -EPIPE)
        return eb_msg(eb, rc, "%s: unexpected end of stream reading %s (the other end "
                      "exited?)", stream, what);
    if (rc)
        return eb_msg(eb, rc, "%s: reading %s: %s", stream, what, strerror(-rc));
    if (memcmp(buf, msg, n))
        return eb_msg(eb, -EPROTO, "%s contained unexpected data instead of %s", stream, what);
    return 0;
}

/* ------------------------------------------------------------ sender */

struct transport {
    pid_t child;
    int send_fd, recv_fd;
};

/* A pipe carrying the stream gets 1 MiB of buffer: with the default
 * 64 KiB, a 256 MiB guest's stream fills it ~4,000 times, each time a
 * switch between sender and receiver, costly in a PV dom0.  Best effort:
 * the size is capped by /proc/sys/fs/pipe-max-size, and on a socket or a
 * file this fails harmlessly. */
static void pipe_grow(int fd)
{
    (void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
}

/* sh -c rune with its stdin our send_fd and its stdout our recv_fd. */
static int transport_start(struct transport *t, const char *rune, struct errbuf *eb)
{
    int sp[2], rp[2];

    if (pipe2(sp, O_CLOEXEC) < 0)
        return eb_fail(eb, -errno, "pipe for the migration transport");
    if (pipe2(rp, O_CLOEXEC) < 0) {
        close(sp[0]);
        close(sp[1]);
        return eb_fail(eb, -errno, "pipe for the migration transport");
    }
    fflush(NULL);
    t->child = fork();
    if (t->child < 0) {
        int e = -errno;
        close(sp[0]); close(sp[1]); close(rp[0]); close(rp[1]);
        return eb_fail(eb, e, "fork of the migration transport");
    }
    if (t->child == 0) {
        dup2(sp[0], STDIN_FILENO);
        dup2(rp[1], STDOUT_FILENO);
        execlp("sh", "sh", "-c", rune, (char *)NULL);
        perror("failed to exec sh");
        _exit(127);
    }
    close(sp[0]);
    close(rp[1]);
    pipe_grow(sp[1]);
    t->send_fd = sp[1];
    t->recv_fd = rp[0];
    /* A receiver that dies is an error to report, not a reason to die. */
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

/* Close our end and report how the transport exited (waiting 2 s at most,
 * then killing it: a hung ssh must not keep xl). */
static void transport_end(struct transport *t)
{
    int status;

    if (t->send_fd >= 0)
        close(t->send_fd);
    t->send_fd = -1;
    if (t->child <= 0)
        return;
    for (int i = 0; i < 200; i++) {
        pid_t w = waitpid(t->child, &status, WNOHANG);
        if (w == t->child) {
            if (WIFEXITED(status) && WEXITSTATUS(status))
                fprintf(stderr, "migration transport process [%ld] exited with error "
                        "status %d\n", (long)t->child, WEXITSTATUS(status));
            else if (WIFSIGNALED(status))
                fprintf(stderr, "migration transport process [%ld] died due to signal %d\n",
                        (long)t->child, WTERMSIG(status));
            t->child = 0;
            return;
        }
        if (w < 0)
            break;
        usleep(10000);
    }
    fprintf(stderr, "migration transport process [%ld] not exiting, no longer waiting (killed)\n",
            (long)t->child);
    kill(t->child, SIGKILL);
    waitpid(t->child, &status, 0);
    t->child = 0;
}

/* The configuration to send: -C's file, or the one xl keeps for the domain. */
static char *sender_config(uint32_t domid, const uint8_t uuid[16], const char *file)
{
    if (file) {
        struct domain_config cfg;
        struct xlcfg_error err;
        if (xlcfg_parse_file(file, NULL, 0, &cfg, stderr, &err)) {
            fprintf(stderr, "%s\nunable to read the config file %s\n", err.msg, file);
            return NULL;
        }
        return xlcfg_to_json(&cfg);
    }
    json_t *j = xl_state_load(domid, uuid);
    char *s = j ? xlcfg_json_dump(j) : NULL;
    json_decref(j);
    return s;
}

/* What the live save reports, and when the downtime started. */
struct live_report {
    double t_suspend;
    unsigned rounds;
    bool live;
};

void xl_migrate_fallback_line(char *buf, size_t len, int rc, const char *msg)
{
    if (logdirty_unsupported(rc))
        snprintf(buf, len, "log-dirty not supported by the hypervisor: migrating with the "
                 "guest paused");
    else
        snprintf(buf, len, "log-dirty mode cannot be enabled (%s): migrating with the guest "
                 "paused", msg);
}

void xl_migrate_round_line(char *buf, size_t len, bool suspended, unsigned round,
                           uint64_t pages)
{
    snprintf(buf, len, "migration sender: %s %u: %" PRIu64 " pages",
             suspended ? "after the suspend, round" : "live round", round, pages);
}

static void live_no_logdirty(void *arg, int rc, const char *msg)
{
    struct live_report *r = arg;
    char line[1200];

    r->live = false;
    xl_migrate_fallback_line(line, sizeof(line), rc, msg);
    fprintf(stderr, "%s\n", line);
}

static void live_round(void *arg, unsigned round, uint64_t pages)
{
    struct live_report *r = arg;
    char line[128];

    r->rounds = round;
    xl_migrate_round_line(line, sizeof(line), r->t_suspend > 0, round, pages);
    fprintf(stderr, "%s\n", line);
}

static void live_suspending(void *arg)
{
    struct live_report *r = arg;

    r->t_suspend = now_s();
}

/* Resume the source where it stopped, under its own name again. */
static void resume_source(uint32_t domid, const char *away, const char *name)
{
    struct errbuf eb = { 0 };

    fprintf(stderr, "migration sender: Trying to resume at our end.\n");
    if (away)
        domain_rename(domid, away, name, &eb);
    if (domain_save_resume(domid, &eb) == 0)
        fprintf(stderr, "migration sender: Resumed OK.\n");
    else
        fprintf(stderr, "migration sender: resuming domain %u failed: %s\n", domid, eb.msg);
}

static int migrate_send(uint32_t domid, const char *rune, const char *cfgfile)
{
    struct transport t = { .child = -1, .send_fd = -1, .recv_fd = -1 };
    struct errbuf eb = { 0 };
    struct domain_info di;
    char name[64], away[96];
    uint64_t pages = 0;
    double t0 = now_s(), t_suspend = 0, t_done;
    char *json;
    char status;
    int rc;

    if (domain_get_info(domid, &di, &eb)) {
        fprintf(stderr, "%s\n", eb.msg);
        return EXIT_FAILURE;
    }
    snprintf(name, sizeof(name), "%s", di.name);
    json = sender_config(domid, di.uuid, cfgfile);
    if (!json) {
        fprintf(stderr, "No config file stored for running domain and none supplied - "
                "cannot migrate.\n");
        return EXIT_FAILURE;
    }
    if (transport_start(&t, rune, &eb)) {
        fprintf(stderr, "%s\n", eb.msg);
        free(json);
        return EXIT_FAILURE;
    }
    if (xl_migrate_expect(t.recv_fd, xl_migrate_banner, sizeof(xl_migrate_banner) - 1,
                          "migration receiver stream", "banner", &eb)) {
        fprintf(stderr, "%s\n(command run was: %s )\n", eb.msg, rune);
        transport_end(&t);
        free(json);
        fprintf(stderr, "Migration failed: the receiver did not start (domain %u keeps "
                "running here)\n", domid);
        return EXIT_FAILURE;
    }
    struct live_report lr = { .live = true };
    struct save_live lv = { .no_logdirty = live_no_logdirty, .round = live_round,
                            .suspending = live_suspending, .arg = &lr };
    rc = xl_save_to_fd(domid, t.send_fd, "migration stream", json, true, &lv, &pages, &eb);
    t_suspend = lr.t_suspend;
    free(json);
    if (rc) {
        /* The save resumed the guest already if it had suspended. */
        fprintf(stderr, "%s\nmigration sender: sending the domain failed (rc=%d)\n", eb.msg, rc);
        transport_end(&t);
        fprintf(stderr, rc == -ETIMEDOUT ? "Migration failed, failed to suspend at sender.\n"
                                         : "Migration failed, resuming at sender.\n");
        return EXIT_FAILURE;
    }
    eb = (struct errbuf){ 0 };
    if (xl_migrate_expect(t.recv_fd, xl_migrate_ready, sizeof(xl_migrate_ready),
                          "migration receiver stream", "ready message", &eb)) {
        fprintf(stderr, "%s\n(command run was: %s )\n", eb.msg, rune);
        goto failed_resume;
    }
    fprintf(stderr, "migration sender: Target has acknowledged transfer.\n");
    /* Before the target may take the name, the source gives it up. */
    snprintf(away, sizeof(away), "%s--migratedaway", name);
    if (domain_rename(domid, name, away, &eb)) {
        fprintf(stderr, "%s\n", eb.msg);
        goto failed_resume;
    }
    fprintf(stderr, "migration sender: Giving target permission to start.\n");
    rc = write_exactly(t.send_fd, xl_migrate_go, sizeof(xl_migrate_go));
    if (rc) {
        fprintf(stderr, "migration stream: writing the GO message: %s\n", strerror(-rc));
        goto failed_badly;
    }
    if (xl_migrate_expect(t.recv_fd, xl_migrate_report, sizeof(xl_migrate_report),
                          "migration receiver stream", "success/failure report message", &eb) ||
        (rc = read_exactly(t.recv_fd, &status, 1)) != 0) {
        fprintf(stderr, "%s\n", eb.msg[0] ? eb.msg : "migration ack stream: no success/failure "
                "status");
        goto failed_badly;
    }
    t_done = now_s();
    if (status) {
        fprintf(stderr, "migration sender: Target reports startup failure (status code %d).\n",
                status);
        if (xl_migrate_expect(t.recv_fd, xl_migrate_go, sizeof(xl_migrate_go),
                              "migration receiver stream", "permission for sender to resume",
                              &eb)) {
            fprintf(stderr, "%s\n", eb.msg);
            goto failed_badly;
        }
        resume_source(domid, away, name);
        transport_end(&t);
        fprintf(stderr, "Migration failed due to problems at target.\n");
        return EXIT_FAILURE;
    }
    fprintf(stderr, "migration sender: Target reports successful startup.\n");
    if (domain_destroy(domid, &eb))
        fprintf(stderr, "migration sender: destroying the source domain %u failed: %s\n", domid,
                eb.msg);
    else
        xl_state_remove(domid, di.uuid);
    transport_end(&t);
    fprintf(stderr, "Migration successful.\n");
    fprintf(stderr, "Migrated domain %s: %s, %" PRIu64 " pages (%.1f MiB) sent, total %.2f s, "
            "downtime %.2f s (suspend to running on the target)\n", name,
            lr.live ? "live" : "guest paused", pages, pages / 256.0, now_s() - t0,
            t_done - t_suspend);
    return EXIT_SUCCESS;

failed_resume:
    transport_end(&t);
    fprintf(stderr, "Migration failed, resuming at sender.\n");
    resume_source(domid, NULL, name);
    return EXIT_FAILURE;

failed_badly:
    fprintf(stderr,
            "** Migration failed during final handshake **\n"
            "Domain state is now undefined !\n"
            "Please CHECK AT BOTH ENDS for running instances, before renaming and\n"
            " resuming at most one instance.  Two simultaneous instances of the domain\n"
            " would probably result in SEVERE DATA LOSS and it is now your\n"
            " responsibility to avoid that.  Sorry.\n");
    transport_end(&t);
    return EXIT_FAILURE;
}

int xl_cmd_migrate(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "debug", 0, 0, 0x100 },
        { "live", 0, 0, 0x200 },
        { "help", 0, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    struct xl_migrate_flags f = { .verbose = xl_verbose };
    const char *ssh = "ssh", *cfgfile = NULL;
    char rune[1024];
    uint32_t domid;
    int opt;

    while ((opt = xl_getopt(argc, argv, "FC:s:ep", longopts, "migrate", 2)) != -1) {
        switch (opt) {
        case 'C': cfgfile = optarg; break;
        case 's': ssh = optarg; break;
        case 'F': f.no_daemon = true; break;
        case 'e': f.no_daemon = true; break;
        case 'p': f.paused = true; break;
        case 0x100: f.debug = true; break;
        case 0x200: break;              /* xm's --live: always attempted */
        }
    }
    if (argc - optind != 2) {
        xl_help(stderr, "migrate");
        return EXIT_FAILURE;
    }
    domid = xl_find_domain(argv[optind]);
    if (domid == 0) {
        fprintf(stderr, "domain 0 cannot be migrated\n");
        return EXIT_FAILURE;
    }
    f.tty = isatty(STDERR_FILENO) > 0;
    if (xl_migrate_rune(rune, sizeof(rune), ssh, argv[optind + 1], &f)) {
        fprintf(stderr, "the migration command for host %s is too long\n", argv[optind + 1]);
        return EXIT_FAILURE;
    }
    return migrate_send(domid, rune, cfgfile);
}

/* ------------------------------------------------------------ receiver */

static int migrate_receive(int send_fd, int recv_fd, bool paused, bool monitor)
{
    struct errbuf eb = { 0 };
    struct domain_config cfg;
    struct xl_restore_opts ro = { .paused = true, .name_suffix = "--incoming", .cfg_out = &cfg };
    char incoming[96];
    uint32_t domid = 0;
    int rc, rc2;
    char status;

    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr, "migration target: Ready to receive domain.\n");
    if (write_exactly(send_fd, xl_migrate_banner, sizeof(xl_migrate_banner) - 1)) {
        fprintf(stderr, "migration ack stream: writing the banner: %s\n", strerror(errno));
        return EXIT_FAILURE;
    }
    pipe_grow(recv_fd);             /* when the sender (Debian's xl) did not */
    rc = xl_restore_from_fd(recv_fd, "<incoming migration stream>", &ro, &domid, &eb);
    if (rc) {
        fprintf(stderr, "%s\nmigration target: Domain creation failed (code %d).\n", eb.msg, rc);
        return EXIT_FAILURE;
    }
    snprintf(incoming, sizeof(incoming), "%s--incoming", cfg.name);
    fprintf(stderr, "migration target: Transfer complete, requesting permission to start "
            "domain.\n");
    if (write_exactly(send_fd, xl_migrate_ready, sizeof(xl_migrate_ready))) {
        /* The sender resumes its copy when it misses this: ours must go. */
        fprintf(stderr, "migration ack stream: writing the ready message failed: destroying "
                "our copy\n");
        domain_destroy(domid, &eb);
        xl_state_remove(domid, cfg.uuid);
        return EXIT_FAILURE;
    }
    rc = xl_migrate_expect(recv_fd, xl_migrate_go, sizeof(xl_migrate_go), "migration stream",
                           "GO message", &eb);
    if (rc == 0) {
        fprintf(stderr, "migration target: Got permission, starting domain.\n");
        rc = domain_rename(domid, incoming, cfg.name, &eb);
    }
    if (rc == 0 && !paused)
        rc = domain_unpause(domid, &eb);
    if (rc == 0)
        /* Xen's xl prints this message with this spelling. */
        fprintf(stderr, "migration target: Domain started successsfully.\n");
    else
        fprintf(stderr, "%s\n", eb.msg);

    rc2 = write_exactly(send_fd, xl_migrate_report, sizeof(xl_migrate_report));
    status = (char)(rc < 0 ? (-rc > 127 ? 127 : -rc) : rc);
    if (rc2 == 0)
        rc2 = write_exactly(send_fd, &status, 1);
    if (rc) {
        struct errbuf ignored = { 0 };
        fprintf(stderr, "migration target: Failure, destroying our copy.\n");
        if (domain_destroy(domid, &ignored)) {
            fprintf(stderr, "migration target: Failed to destroy our copy (%s).\n", ignored.msg);
            return EXIT_FAILURE;
        }
        xl_state_remove(domid, cfg.uuid);
        fprintf(stderr, "migration target: Cleanup OK, granting sender permission to resume.\n");
        if (rc2 == 0)
            write_exactly(send_fd, xl_migrate_go, sizeof(xl_migrate_go));
        return EXIT_FAILURE;
    }
    if (rc2)
        fprintf(stderr, "migration ack stream: the success report could not be sent\n");
    if (monitor && xl_monitor_spawn(&cfg, domid) < 0)
        fprintf(stderr, "warning: cannot start the monitor of domain %u\n", domid);
    return rc2 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int xl_cmd_migrate_receive(int argc, char **argv)
{
    bool paused = false, monitor = true;
    int opt;

    while ((opt = xl_getopt(argc, argv, "Fedrp", NULL, "migrate-receive", 0)) != -1) {
        switch (opt) {
        case 'F': break;
        case 'e': monitor = false; break;
        case 'd': xl_verbose++; break;
        case 'p': paused = true; break;
        case 'r':
            fprintf(stderr, "migrate-receive -r: Remus checkpointed streams are not supported\n");
            return EXIT_FAILURE;
        }
    }
    if (argc - optind != 0) {
        xl_help(stderr, "migrate-receive");
        return EXIT_FAILURE;
    }
    return migrate_receive(STDOUT_FILENO, STDIN_FILENO, paused, monitor);
}
