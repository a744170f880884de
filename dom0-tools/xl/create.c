/*
 * create.c — `xl create': parse the config (plus key=value overrides),
 * print it as JSON for -n / -N without touching the hypervisor, otherwise
 * check what can be checked cheaply in dom0 (the kernel is readable, the
 * memory fits), build the domain through libctrl, remember its config for
 * `xl list -l', start its monitor and optionally attach the console.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl.h"
#include "xlcfg_parse.h"

/* Refusals that need no hypervisor call; 0 or an exit status. */
static int precheck(const struct domain_config *cfg)
{
    struct host_info hi;

    if (access(cfg->kernel, R_OK) < 0) {
        fprintf(stderr, "kernel %s: %s\n", cfg->kernel, strerror(errno));
        return 3;
    }
    if (cfg->ramdisk[0] && access(cfg->ramdisk, R_OK) < 0) {
        fprintf(stderr, "ramdisk %s: %s\n", cfg->ramdisk, strerror(errno));
        return 3;
    }
    /* xl.conf's autoballoon: dom0 gives memory back before the check */
    if (!xl_freemem(cfg)) {
        fprintf(stderr, "failed to free memory for the domain\n");
        return 3;
    }
    /* a host we cannot query is left to domain_create to report */
    if (host_get_info(&hi, NULL) == 0 && cfg->memory_mb > hi.free_mb) {
        fprintf(stderr, "memory %llu MiB (%s) is larger than the host's free "
                "memory (%llu MiB)\n", (unsigned long long)cfg->memory_mb,
                cfg->name, (unsigned long long)hi.free_mb);
        return 3;
    }
    return 0;
}

int xl_cmd_create(int argc, char **argv)
{
    static const struct option opts[] = {
        { "dryrun", 0, 0, 'n' }, { "quiet", 0, 0, 'q' },
        { "defconfig", 1, 0, 'f' }, { "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
    };
    bool dryrun = xl_dryrun, quiet = false, paused = false, console = false;
    bool foreground = false, no_monitor = false;
    const char *filename = NULL, **vars;
    struct domain_config cfg;
    struct xlcfg_error err;
    struct errbuf eb = { 0 };
    unsigned int nvars = 0;
    uint32_t domid = 0;
    char *json;
    int opt, rc;

    xc_trace("xl create: start");   /* XC_TRACE=1: times from here */
    vars = calloc((size_t)argc + 1, sizeof(*vars));
    if (!vars)
        return EXIT_FAILURE;
    while ((opt = xl_getopt(argc, argv, "Fnqf:pcde", opts, "create", 0)) != -1) {
        switch (opt) {
        case 'F': foreground = true; break;
        case 'n': dryrun = true; break;
        case 'q': quiet = true; break;
        case 'f': filename = optarg; break;
        case 'p': paused = true; break;
        case 'c': console = true; break;
        case 'd': xl_verbose++; break;
        case 'e': no_monitor = true; break;
        }
    }
    for (; optind < argc; optind++) {
        if (strchr(argv[optind], '=')) {
            vars[nvars++] = argv[optind];
        } else if (!filename) {
            filename = argv[optind];
        } else {
            xl_help(stdout, "create");
            free(vars);
            return 2;
        }
    }
    if (!filename) {
        fprintf(stderr, "Config file not specified\n");
        free(vars);
        return EXIT_FAILURE;
    }
    if (!quiet)
        fprintf(stderr, "Parsing config from %s\n", filename);
    rc = xlcfg_parse_file(filename, vars, nvars, &cfg, stderr, &err);
    free(vars);
    if (rc) {
        fprintf(stderr, "%s\n", err.msg);
        return rc == -ENOENT || rc == -EACCES ? 3 : EXIT_FAILURE;
    }
    if (!cfg.uuid_set) {
        rc = xlcfg_uuid_generate(cfg.uuid);
        if (rc) {
            fprintf(stderr, "cannot generate a UUID: %s\n", strerror(-rc));
            return EXIT_FAILURE;
        }
        cfg.uuid_set = true;
    }
    json = xlcfg_to_json(&cfg);
    if (!json) {
        fprintf(stderr, "unable to format domain config as JSON (a string "
                "in it is not UTF-8?)\n");
        return EXIT_FAILURE;
    }
    if (dryrun) {
        fputs(json, stdout);
        free(json);
        return EXIT_SUCCESS;
    }
    xc_trace("config parsed");
    rc = precheck(&cfg);
    if (rc) {
        free(json);
        return rc;
    }
    xc_trace("prechecked");
    /* devices are plugged in before the guest runs, as libxl does */
    rc = xl_domain_create_with_disks(&cfg, paused || cfg.nr_vifs, &domid, &eb);
    if (!rc && cfg.nr_vifs) {
        rc = xl_vifs_add_all(domid, &cfg, &eb);
        if (!rc && !paused)
            rc = domain_unpause(domid, &eb);
        if (rc) {
            xl_vifs_release_all(domid);
            domain_destroy(domid, NULL);
        }
        xc_trace("vifs attached");
    }
    if (rc) {
        fprintf(stderr, "%s\n", eb.msg[0] ? eb.msg : strerror(-rc));
        fprintf(stderr, "xl: failed to create domain %s\n", cfg.name);
        free(json);
        return 3;
    }
    if (xl_verbose)
        fprintf(stderr, "Domain %s created with id %u\n", cfg.name, domid);
    rc = xl_state_save(domid, cfg.uuid, json);
    free(json);
    if (rc)
        fprintf(stderr, "warning: cannot save the configuration of domain %u "
                "under %s: %s (xl list -l will not show it)\n", domid,
                xl_state_dir(), strerror(-rc));
    xc_trace("state saved");
    if (foreground && !console)
        return xl_monitor_run(&cfg, domid) ? EXIT_FAILURE : EXIT_SUCCESS;
    if (!no_monitor) {
        rc = xl_monitor_spawn(&cfg, domid);
        if (rc < 0)
            fprintf(stderr, "warning: cannot start the monitor of domain %u: "
                    "%s (on_poweroff/on_reboot/on_crash will not be "
                    "applied)\n", domid, strerror(-rc));
        xc_trace("monitor started");
    }
    if (console)
        return xl_console_attach(domid) ? EXIT_FAILURE : EXIT_SUCCESS;
    return EXIT_SUCCESS;
}
