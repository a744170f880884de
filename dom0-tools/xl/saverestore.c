/*
 * saverestore.c — xl save and xl restore: the file is xl's (its header and
 * the domain configuration as libxl JSON) around libxl's stream v2, whose
 * LIBXC_CONTEXT record holds the libxc stream that libctrl's save.c and
 * restore.c write and read (saverestore.h).  Progress goes to stderr as
 * pages done / total and MB/s; a failure names what and where, removes the
 * partial file and leaves the guest running (save), or leaves no domain
 * behind (restore).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xl.h"
#include "domain.h"
#include "saverestore.h"
#include "xlcfg_json.h"
#include "xlcfg_parse.h"

struct progress {
    const char *verb;          /* "Saving", "Restoring" */
    double start, last;
    bool shown;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* At most 4 lines a second; the last one always. */
static void progress_cb(void *arg, uint64_t done, uint64_t total)
{
    struct progress *p = arg;
    double t = now_s();

    if (done < total && t - p->last < 0.25)
        return;
    p->last = t;
    p->shown = true;
    fprintf(stderr, "%s: %" PRIu64 "/%" PRIu64 " pages (%" PRIu64 "%%), %.1f MB/s\n", p->verb,
            done, total, total ? done * 100 / total : 100,
            t > p->start ? done * 4096.0 / 1e6 / (t - p->start) : 0.0);
}

/* xl -v: a step's time since the command started (where the time goes
 * outside the stream itself: lookups, domain creation, destruction). */
static double cmd_start;

static void vstep(const char *what)
{
    if (xl_verbose)
        fprintf(stderr, "xl: [+%.3fs] %s\n", now_s() - cmd_start, what);
}

/* xl -v: where the time went (libctrl's phase clocks, seconds). */
static void print_phases(const char *what, const struct sr_io *io)
{
    char buf[320];

    if (!xl_verbose)
        return;
    sr_phase_format(io, buf, sizeof(buf));
    fprintf(stderr, "%s phases (s): %s\n", what, buf);
}

/* The configuration xl keeps for the domain, as libxl JSON text. */
static char *domain_config_json(uint32_t domid, const uint8_t uuid[16])
{
    json_t *j = xl_state_load(domid, uuid);
    char *s;

    if (!j)
        return NULL;
    s = xlcfg_json_dump(j);
    json_decref(j);
    return s;
}

/*
 * Save domid to file with json as its configuration.  On success the domain
 * is left suspended (the caller destroys or resumes it) and *pages set;
 * on failure the partial file is removed and the guest carries on.
 */
int xl_save_to_file(uint32_t domid, const char *file, const char *json, bool checkpoint,
                    uint64_t *pages, struct errbuf *eb)
{
    int fd, rc;

    fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return eb_fail(eb, -errno, "cannot open %s for writing", file);
    rc = xl_save_to_fd(domid, fd, file, json, checkpoint, NULL, pages, eb);
    if (close(fd) < 0 && rc == 0) {
        rc = eb_fail(eb, -errno, "writing %s (close)", file);
        domain_save_resume(domid, NULL);
    }
    if (rc)
        unlink(file);
    return rc;
}

/*
 * The same bytes to an open file or pipe (xl migrate sends them down its
 * transport, live when it can: saverestore.h); file names it in messages.
 * The caller closes fd.
 */
int xl_save_to_fd(uint32_t domid, int fd, const char *file, const char *json, bool checkpoint,
                  const struct save_live *live, uint64_t *pages, struct errbuf *eb)
{
    struct progress pr = { .verb = "Saving" };
    struct save_opts so = { 0 };
    bool suspended = false;
    int rc;

    struct sr_io io = { .fd = fd, .name = file, .eb = eb };
    rc = sr_write_xl_header(&io, json);
    if (rc == 0)
        fprintf(stderr, "Saving to %s new xl format (info 0x%x/0x0/%zu)\n", file,
                XL_MANDATORY_FLAG_STREAMv2 | XL_MANDATORY_FLAG_JSON, 4 + strlen(json) + 1);
    if (rc == 0)
        rc = sr_write_libxl_header(&io);
    if (rc == 0)
        rc = sr_write_record(&io, LIBXL_REC_LIBXC_CONTEXT, NULL, 0, NULL, 0);
    pr.start = pr.last = now_s();
    so.checkpoint = checkpoint;
    so.suspend_timeout_ms = getenv("XL_SUSPEND_TIMEOUT") ? atoi(getenv("XL_SUSPEND_TIMEOUT")) * 1000 : 60000;
    so.progress = progress_cb;
    so.progress_arg = &pr;
    so.live = live;
    if (rc == 0) {
        rc = domain_save_stream(domid, &io, &so, pages);
        suspended = rc == 0;
    }
    if (rc == 0)
        rc = sr_write_record(&io, LIBXL_REC_END, NULL, 0, NULL, 0);
    if (rc == 0 && fsync(fd) < 0 && errno != EINVAL)
        rc = eb_fail(eb, -errno, "writing %s (fsync)", file);
    if (rc == 0) {
        print_phases("Save", &io);
        return 0;
    }
    /* domain_save_stream resumes the guest on its own failures; one after
     * it (the last record, the flush to disk) is undone here. */
    if (suspended)
        domain_save_resume(domid, NULL);
    return rc;
}

int xl_cmd_save(int argc, char **argv)
{
    bool checkpoint = false, leave_paused = false;
    struct errbuf eb = { 0 };
    struct domain_info di;
    uint64_t pages = 0;
    const char *file;
    char *json = NULL;
    uint32_t domid;
    int opt, rc;
    double t0;

    while ((opt = xl_getopt(argc, argv, "cp", NULL, "save", 2)) != -1) {
        switch (opt) {
        case 'c': checkpoint = true; break;
        case 'p': leave_paused = true; break;
        }
    }
    if (argc - optind > 3 || argc - optind < 2) {
        xl_help(stderr, "save");
        return EXIT_FAILURE;
    }
    cmd_start = now_s();
    domid = xl_find_domain(argv[optind]);
    vstep("domain found");
    file = argv[optind + 1];
    rc = domain_get_info(domid, &di, &eb);
    vstep("domain information read");
    if (rc) {
        fprintf(stderr, "%s\n", eb.msg);
        return EXIT_FAILURE;
    }
    if (argc - optind == 3) {
        struct domain_config cfg;
        struct xlcfg_error err;
        if (xlcfg_parse_file(argv[optind + 2], NULL, 0, &cfg, stderr, &err)) {
            fprintf(stderr, "%s\nunable to read overridden config file\n", err.msg);
            return EXIT_FAILURE;
        }
        json = xlcfg_to_json(&cfg);
    } else {
        json = domain_config_json(domid, di.uuid);
    }
    if (!json) {
        fprintf(stderr, "unable to retrieve domain configuration\n");
        return EXIT_FAILURE;
    }
    vstep("configuration read");
    t0 = now_s();
    rc = xl_save_to_file(domid, file, json, checkpoint || leave_paused, &pages, &eb);
    free(json);
    if (rc) {
        fprintf(stderr, "%s\nFailed to save domain, resuming domain\n",
                eb.msg[0] ? eb.msg : strerror(-rc));
        return EXIT_FAILURE;
    }
    fprintf(stderr, "Saved domain %u: %" PRIu64 " pages (%.1f MiB) in %.2f s\n", domid, pages,
            pages / 256.0, now_s() - t0);
    if (checkpoint || leave_paused) {
        if (leave_paused)
            rc = domain_pause(domid, &eb);
        if (rc == 0)
            rc = domain_save_resume(domid, &eb);
    } else {
        rc = domain_destroy(domid, &eb);
        vstep("domain destroyed");
        if (rc == 0)
            xl_state_remove(domid, di.uuid);
    }
    if (rc) {
        fprintf(stderr, "%s\n", eb.msg);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

struct restore_fill_arg {
    struct sr_io *io;
    struct progress *pr;
    uint64_t pages;
};

static int restore_fill(xc_handle *xch, uint32_t domid, void *arg, struct domain_filled *out,
                        struct errbuf *eb)
{
    struct restore_fill_arg *a = arg;
    struct restore_result res;
    int rc;

    a->io->eb = eb;
    vstep("domain created, filling it");
    rc = domain_restore_stream(xch, domid, a->io, progress_cb, a->pr, &res);
    if (rc)
        return rc;
    out->store_mfn = res.store_mfn;
    out->console_mfn = res.console_mfn;
    out->store_port = res.store_port;
    out->console_port = res.console_port;
    a->pages = res.pages;
    return 0;
}

/* libxl records up to the libxc stream (LIBXC_CONTEXT), or after it up to END. */
static int libxl_records(struct sr_io *io, bool until_end)
{
    struct sr_record rec;
    char nb[16];
    int rc;

    for (;;) {
        rc = sr_read_record(io, &rec);
        if (rc)
            return rc;
        sr_record_free(&rec);
        switch (rec.type) {
        case LIBXL_REC_LIBXC_CONTEXT:
            if (!until_end)
                return 0;
            return eb_msg(io->eb, -EINVAL, "%s: a second LIBXC_CONTEXT at offset %" PRIu64
                          " (checkpointed streams are not supported)", io->name, rec.off);
        case LIBXL_REC_END:
            if (until_end)
                return 0;
            return eb_msg(io->eb, -EINVAL, "%s: the libxl stream ends (offset %" PRIu64
                          ") before any domain memory", io->name, rec.off);
        case LIBXL_REC_EMULATOR_XENSTORE_DATA:
        case LIBXL_REC_EMULATOR_CONTEXT:
        case LIBXL_REC_CHECKPOINT_END:
            break;                      /* nothing of a PV guest without a device model */
        default:
            (void)nb;
            return eb_msg(io->eb, -EOPNOTSUPP, "%s: unknown libxl record %#" PRIx32
                          " at offset %" PRIu64, io->name, rec.type, rec.off);
        }
    }
}

/*
 * Build a domain from the save file: its configuration from the file, or
 * *override (its JSON then replaces the file's in xl's records).  Leaves
 * no domain behind on failure.  *domid the new domain.
 */
int xl_restore_from_file(const char *file, const struct domain_config *override, bool paused,
                         bool no_monitor, uint32_t *domid, struct errbuf *eb)
{
    struct xl_restore_opts ro = { .override = override, .paused = paused,
                                  .no_monitor = no_monitor };
    int fd, rc;

    if (cmd_start == 0)
        cmd_start = now_s();
    fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return eb_fail(eb, -errno, "cannot open restore file %s", file);
    rc = xl_restore_from_fd(fd, file, &ro, domid, eb);
    close(fd);
    return rc;
}

/*
 * The same from an open file or pipe (xl migrate-receive reads its stdin);
 * file names it in messages.  The caller closes fd.  With o->name_suffix
 * the domain is built under its name plus the suffix and no monitor is
 * started (the caller renames it and starts one); o->cfg_out, if set,
 * receives the configuration under its own name.
 */
int xl_restore_from_fd(int fd, const char *file, const struct xl_restore_opts *o,
                       uint32_t *domid, struct errbuf *eb)
{
    const struct domain_config *override = o->override;
    bool paused = o->paused, no_monitor = o->no_monitor || o->name_suffix;
    struct domain_config cfg;
    struct progress pr = { .verb = "Restoring" };
    char *json = NULL, err[256];
    int rc;
    double t0;

    struct sr_io io = { .fd = fd, .name = file, .eb = eb };
    rc = sr_read_xl_header(&io, &json);
    if (rc)
        goto out;
    fprintf(stderr, "Loading new save file %s (new xl fmt info 0x%x/0x0/%zu)\n", file,
            XL_MANDATORY_FLAG_STREAMv2 | XL_MANDATORY_FLAG_JSON, 4 + strlen(json) + 1);
    if (override) {
        cfg = *override;
        free(json);
        json = xlcfg_to_json(&cfg);
        if (!json) {
            rc = eb_msg(eb, -EINVAL, "the configuration cannot be written as JSON");
            goto out;
        }
    } else {
        fprintf(stderr, " Savefile contains xl domain config in JSON format\n");
        rc = xlcfg_from_json(json, &cfg, err, sizeof(err));
        if (rc) {
            eb_msg(eb, rc, "%s: %s", file, err);
            goto out;
        }
    }
    if (o->cfg_out)
        *o->cfg_out = cfg;
    if (o->name_suffix) {
        char full[sizeof(cfg.name) + 32];
        snprintf(full, sizeof(full), "%s%s", cfg.name, o->name_suffix);
        if (strlen(full) >= sizeof(cfg.name)) {
            rc = eb_msg(eb, -ENAMETOOLONG, "domain name %s is too long", full);
            goto out;
        }
        snprintf(cfg.name, sizeof(cfg.name), "%s", full);
    }
    rc = sr_read_libxl_header(&io);
    if (rc == 0)
        rc = libxl_records(&io, false);
    if (rc)
        goto out;
    vstep("headers read");
    t0 = now_s();
    pr.start = pr.last = t0;
    struct restore_fill_arg fa = { .io = &io, .pr = &pr };
    struct domain_filler filler = { restore_fill, &fa };
    rc = domain_create_with(&cfg, DOMAIN_CREATE_PAUSED, &filler, domid, eb);
    if (rc)
        goto out;
    io.eb = eb;
    vstep("domain filled");
    rc = libxl_records(&io, true);
    if (rc == 0 && cfg.nr_disks)
        rc = xl_vbd_attach_all(*domid, &cfg, eb);
    if (rc == 0 && cfg.nr_vifs)
        rc = xl_vifs_add_all(*domid, &cfg, eb);
    if (rc == 0 && !paused)
        rc = domain_unpause(*domid, eb);
    if (rc) {
        struct errbuf ignored = { 0 };
        if (cfg.nr_vifs)
            xl_vifs_release_all(*domid);
        domain_destroy(*domid, &ignored);
        goto out;
    }
    fprintf(stderr, "Restored domain %s as domain %u: %" PRIu64 " pages in %.2f s\n", cfg.name,
            *domid, fa.pages, now_s() - t0);
    vstep("devices attached, unpaused");
    print_phases("Restore", &io);
    if (xl_state_save(*domid, cfg.uuid, json))
        fprintf(stderr, "warning: cannot save the configuration of domain %u under %s\n",
                *domid, xl_state_dir());
    if (!no_monitor && xl_monitor_spawn(&cfg, *domid) < 0)
        fprintf(stderr, "warning: cannot start the monitor of domain %u\n", *domid);
out:
    free(json);
    return rc;
}

int xl_cmd_restore(int argc, char **argv)
{
    bool paused = false, console = false, no_monitor = false;
    struct errbuf eb = { 0 };
    struct domain_config cfg;
    const char *file, *cfgfile = NULL;
    uint32_t domid = 0;
    int opt, rc;

    while ((opt = xl_getopt(argc, argv, "Fcpde", NULL, "restore", 1)) != -1) {
        switch (opt) {
        case 'c': console = true; break;
        case 'p': paused = true; break;
        case 'd': xl_verbose++; break;
        case 'e': no_monitor = true; break;
        case 'F': break;
        }
    }
    if (argc - optind == 1) {
        file = argv[optind];
    } else if (argc - optind == 2) {
        cfgfile = argv[optind];
        file = argv[optind + 1];
    } else {
        xl_help(stderr, "restore");
        return EXIT_FAILURE;
    }
    if (cfgfile) {
        struct xlcfg_error xe;
        fprintf(stderr, "Parsing config from %s\n", cfgfile);
        if (xlcfg_parse_file(cfgfile, NULL, 0, &cfg, stderr, &xe)) {
            fprintf(stderr, "%s\n", xe.msg);
            return EXIT_FAILURE;
        }
    }
    rc = xl_restore_from_file(file, cfgfile ? &cfg : NULL, paused, no_monitor, &domid, &eb);
    if (rc) {
        fprintf(stderr, "%s\nxl: failed to restore domain from %s\n",
                eb.msg[0] ? eb.msg : strerror(-rc), file);
        return EXIT_FAILURE;
    }
    if (console)
        return xl_console_attach(domid) ? EXIT_FAILURE : EXIT_SUCCESS;
    return EXIT_SUCCESS;
}
