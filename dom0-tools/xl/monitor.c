/*
 * monitor.c — the per-domain monitor xl leaves behind after `xl create'
 * (Xen's xl daemonizes itself the same way): it waits for the domain to
 * shut down, reads the reason from the hypervisor and applies the
 * config's on_poweroff / on_reboot / on_crash: destroy, restart (destroy
 * then build again from the same config) or preserve (leave it be).
 *
 * It is woken by xenstore's @releaseDomain watch, which fires whenever a
 * domain shuts down or dies; a one-second poll backs it up so a missing
 * or restarted xenstored only slows it down.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "xl.h"
#include "xlcfg_parse.h"

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;

    if (localtime_r(&now, &tm))
        strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
    else
        strcpy(ts, "?");
    fprintf(stderr, "%s xl[%d]: ", ts, (int)getpid());
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

enum xlcfg_action xl_monitor_action(const struct domain_config *cfg,
                                    unsigned int reason)
{
    switch (reason) {
    case XC_SHUTDOWN_POWEROFF: return cfg->on_poweroff;
    case XC_SHUTDOWN_REBOOT: return cfg->on_reboot;
    case XC_SHUTDOWN_CRASH: return cfg->on_crash;
    /* on_watchdog and on_soft_reset are not config keys here: their xl
     * defaults are destroy and soft-reset; soft reset is not supported */
    default: return XLCFG_ACTION_DESTROY;
    }
}

enum xl_mon_verdict xl_monitor_verdict(int rc, const struct domain_info *d,
                                       uint32_t domid,
                                       const struct domain_config *cfg,
                                       enum xlcfg_action *act,
                                       unsigned int *reason)
{
    /* dying: destroyed by someone else (xl destroy); it may linger as a
     * zombie while pages are still mapped, but it is over */
    if (rc == -ESRCH || (!rc && (d->domid != domid || d->dying)))
        return XL_MON_GONE;
    if (rc || !(d->shutdown || d->crashed))
        return XL_MON_WAIT;      /* running, or a passing query failure */
    *reason = d->crashed && !d->shutdown ? XC_SHUTDOWN_CRASH
                                         : d->shutdown_reason;
    if (*reason == XC_SHUTDOWN_SUSPEND)
        return XL_MON_WAIT;      /* save/migrate in progress: not an end */
    *act = xl_monitor_action(cfg, *reason);
    return XL_MON_ACT;
}

static const char *reason_name(unsigned int r)
{
    static const char *const names[] = {
        "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
    };
    return r < 6 ? names[r] : "unknown";
}

/* Waits for a @releaseDomain event, or at most timeout_ms. */
static void wait_event(struct xs_handle **xs, int timeout_ms)
{
    struct pollfd p = { .fd = *xs ? xs_fileno(*xs) : -1, .events = POLLIN };

    if (p.fd < 0) {
        usleep((useconds_t)timeout_ms * 1000);
        return;
    }
    if (poll(&p, 1, timeout_ms) > 0 && (p.revents & POLLIN)) {
        unsigned int n;
        char **ev = xs_read_watch(*xs, &n);

        /* xenstored went away (killed or restarting): its hung-up socket
         * stays readable, so keep polling the domain once a second instead
         * of spinning on it. */
        if (!ev && errno != EINTR && errno != EAGAIN) {
            logf_("lost the connection to xenstored: polling the domain");
            xs_close(*xs);
            *xs = NULL;
        }
        free(ev);
    }
}

static int destroy_and_forget(uint32_t domid, const uint8_t uuid[16])
{
    struct errbuf eb = { 0 };
    int rc;

    xl_vifs_release_all(domid);
    rc = domain_destroy(domid, &eb);
    if (rc && rc != -ESRCH)
        logf_("destroying domain %u failed: %s", domid, eb.msg);
    xl_state_remove(domid, uuid);
    return rc == -ESRCH ? 0 : rc;
}

/* Until the old domain is gone or dying (a zombie kept by mapped pages
 * may never vanish, but it no longer holds the name or its memory). */
static void wait_dead(uint32_t domid)
{
    int i;

    for (i = 0; i < 100; i++) {
        struct domain_info d;
        int rc = domain_get_info(domid, &d, NULL);

        if (rc == -ESRCH || (!rc && (d.domid != domid || d.dying)))
            return;
        usleep(50000);
    }
}

/* Rebuilds the domain from cfg; returns the new id or a negative errno. */
static int restart(struct domain_config *cfg, uint32_t old, time_t *last)
{
    struct errbuf eb = { 0 };
    uint32_t domid = 0;
    time_t now = time(NULL);
    char *json;
    int rc;

    rc = destroy_and_forget(old, cfg->uuid);
    if (rc)
        return rc;
    wait_dead(old);
    /* a guest that reboots at once, again and again, must not spin dom0 */
    if (now - *last < 2)
        sleep(2);
    *last = time(NULL);
    rc = xl_domain_create_with_disks(cfg, cfg->nr_vifs > 0, &domid, &eb);
    if (!rc && cfg->nr_vifs) {
        rc = xl_vifs_add_all(domid, cfg, &eb);
        if (!rc)
            rc = domain_unpause(domid, &eb);
        if (rc) {
            xl_vifs_release_all(domid);
            domain_destroy(domid, NULL);
        }
    }
    if (rc) {
        logf_("restarting %s failed: %s", cfg->name, eb.msg);
        return rc;
    }
    json = xlcfg_to_json(cfg);
    if (json) {
        xl_state_save(domid, cfg->uuid, json);
        free(json);
    }
    logf_("domain %s restarted with id %u", cfg->name, domid);
    return (int)domid;
}

int xl_monitor_run(struct domain_config *cfg, uint32_t domid)
{
    struct xs_handle *xs = xs_open(0);
    time_t last_restart = 0;
    int rc = 0;

    if (xs && !xs_watch(xs, "@releaseDomain", "xl-monitor")) {
        xs_close(xs);
        xs = NULL;
    }
    if (!xs)
        logf_("no xenstore watch (%s): polling", strerror(errno));
    logf_("monitoring domain %s (id %u)", cfg->name, domid);
    for (;;) {
        struct domain_info d;
        enum xlcfg_action act;
        enum xl_mon_verdict v;
        unsigned int reason;

        rc = domain_get_info(domid, &d, NULL);
        v = xl_monitor_verdict(rc, &d, domid, cfg, &act, &reason);
        if (v == XL_MON_GONE) {
            logf_("domain %u has gone away: exiting", domid);
            xl_state_remove(domid, cfg->uuid);
            rc = 0;
            break;
        }
        if (v == XL_MON_WAIT) {
            wait_event(&xs, 1000);
            continue;
        }
        logf_("domain %u has shut down, reason code %u (%s): action %s", domid,
              reason, reason_name(reason), xlcfg_action_name(act));
        switch (act) {
        case XLCFG_ACTION_PRESERVE:
            logf_("preserving domain %u: exiting", domid);
            rc = 0;
            goto out;
        case XLCFG_ACTION_RESTART:
        case XLCFG_ACTION_RENAME_RESTART:
        case XLCFG_ACTION_COREDUMP_RESTART:
            if (act != XLCFG_ACTION_RESTART)
                logf_("%s is done as restart (no renaming or core dumps "
                      "here)", xlcfg_action_name(act));
            rc = restart(cfg, domid, &last_restart);
            if (rc < 0)
                goto out;
            domid = (uint32_t)rc;
            continue;
        default:
            rc = destroy_and_forget(domid, cfg->uuid);
            goto out;
        }
    }
out:
    if (xs)
        xs_close(xs);
    return rc;
}

int xl_monitor_spawn(const struct domain_config *cfg, uint32_t domid)
{
    char log[256];
    pid_t pid, w;
    int status, fd;

    pid = fork();
    if (pid < 0)
        return -errno;
    if (pid > 0) {
        /* the middle child exits at once: the monitor is nobody's zombie */
        while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
            ;
        return w < 0 ? -errno : 0;
    }
    if (setsid() < 0 || (pid = fork()) < 0)
        _exit(1);
    if (pid > 0)
        _exit(0);
    mkdir("/var/log/xen", 0755);
    snprintf(log, sizeof(log), "/var/log/xen/xl-%s.log", cfg->name);
    /* nothing of the caller's may stay open: a shell reading xl's output
     * through a pipe would otherwise wait for the monitor to exit */
    fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        if (fd > STDERR_FILENO)
            close(fd);
    }
    for (fd = STDERR_FILENO + 1; fd < 1024; fd++)
        close(fd);
    fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
    if (chdir("/") < 0)
        _exit(1);
    {
        struct domain_config copy = *cfg;
        _exit(xl_monitor_run(&copy, domid) < 0 ? 1 : 0);
    }
}
