/*
 * cmdtable.c — the one table of xl commands (name, handler, help text),
 * `xl help', the global options and the dispatch main() runs.
 *
 * Texts are Xen 4.17's where we implement what they describe, so `xl help
 * <cmd>' reads the same as on a Xen host; options we do not implement are
 * left out of the help rather than advertised (docs/xl.md lists them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

int xl_verbose;
bool xl_force, xl_dryrun;

const struct xl_cmd xl_cmds[] = {
    { "create", xl_cmd_create, true, true,
      "Create a domain from config file <filename>",
      "<ConfigFile> [options] [vars]",
      "-c                      Connect to the console after the domain is created.\n"
      "-e                      Do not wait in the background for the death of the domain.\n"
      "-F                      Run in foreground until death of the domain.\n"
      "-f FILE, --defconfig=FILE\n"
      "                     Use the given configuration file.\n"
      "-h                      Print this help.\n"
      "-n, --dryrun            Dry run - prints the resulting configuration\n"
      "                         (deprecated in favour of global -N option).\n"
      "-p                      Leave the domain paused after it is created.\n"
      "-q, --quiet             Quiet." },
    { "list", xl_cmd_list, false, false,
      "List information about all/some domains",
      "[options] [Domain]\n",
      "-l, --long              Output all VM details\n"
      "-v, --verbose           Prints out UUIDs and security context\n"
      "-Z, --context           Prints out security context\n"
      "-c, --cpupool           Prints the cpupool the domain is in" },
    { "destroy", xl_cmd_destroy, false, true,
      "Terminate a domain immediately",
      "[options] <Domain>\n",
      "-f                      Permit destroying domain 0, which will only succeed\n"
      "                        when run from disaggregated toolstack domain with a\n"
      "                        hardware domain distinct from domain 0." },
    { "shutdown", xl_cmd_shutdown, false, true,
      "Issue a shutdown signal to a domain",
      "[options] <-a|Domain>",
      "-a, --all               Shutdown all guest domains.\n"
      "-h                      Print this help.\n"
      "-F                      Fallback to ACPI power event for HVM guests with\n"
      "                        no PV drivers.\n"
      "-w, --wait              Wait for guest(s) to shutdown.\n" },
    { "reboot", xl_cmd_reboot, false, true,
      "Issue a reboot signal to a domain",
      "[options] <-a|Domain>",
      "-a, --all               Shutdown all guest domains.\n"
      "-h                      Print this help.\n"
      "-F                      Fallback to ACPI reset event for HVM guests with\n"
      "                        no PV drivers.\n"
      "-w, --wait              Wait for guest(s) to reboot.\n" },
    { "pause", xl_cmd_pause, false, true,
      "Pause execution of a domain",
      "<Domain>", NULL },
    { "unpause", xl_cmd_unpause, false, true,
      "Unpause a paused domain",
      "<Domain>", NULL },
    { "console", xl_cmd_console, false, false,
      "Attach to domain's console",
      "[options] <Domain>\n"
      "-t <type>       console type, pv , serial or vuart\n"
      "-n <number>     console number", NULL },
    { "mem-max", xl_cmd_memmax, false, true,
      "Set the maximum amount reservation for a domain",
      "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", NULL },
    { "mem-set", xl_cmd_memset, false, true,
      "Set the current memory usage for a domain",
      "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", NULL },
    { "top", xl_cmd_top, false, false,
      "Monitor a host and the domains in real time",
      "[options]",
      "-b, --batch             Batch mode: print plain text, no screen control.\n"
      "-d, --delay=SECONDS     Seconds between updates (default 1).\n"
      "-i, --iterations=N      Number of updates before exiting (batch default:\n"
      "                        forever; interactive: until 'q').\n"
      "-o, --plot=FILE.svg     Sample (for -i updates, default 60) and draw CPU %\n"
      "                        and memory over time per domain as an SVG file." },
    { "vcpu-list", xl_cmd_vcpu_list, false, false,
      "List the VCPUs for all/some domains",
      "[Domain, ...]", NULL },
    { "vcpu-pin", xl_cmd_vcpu_pin, true, true,
      "Set which CPUs a VCPU can use",
      "[option] <Domain> <VCPU|all> <Hard affinity|-|all> <Soft affinity|-|all>",
      "-f, --force        undo an override pinning done by the kernel" },
    { "vcpu-set", xl_cmd_vcpu_set, false, true,
      "Set the number of active VCPUs allowed for the domain",
      "[option] <Domain> <vCPUs>",
      "-i, --ignore-host  Don't limit the vCPU based on the host CPU count" },
    { "sched-credit", xl_cmd_sched_credit, false, true,
      "Get/set credit scheduler parameters",
      "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT]] [-p CPUPOOL]",
      "-d DOMAIN, --domain=DOMAIN        Domain to modify\n"
      "-w WEIGHT, --weight=WEIGHT        Weight (int)\n"
      "-c CAP,    --cap=CAP              Cap (int)\n"
      "-s         --schedparam           Query / modify scheduler parameters\n"
      "-t TSLICE, --tslice_ms=TSLICE     Set the timeslice, in milliseconds\n"
      "-r RLIMIT, --ratelimit_us=RLIMIT  Set the scheduling rate limit, in microseconds\n"
      "-m DLY, --migration_delay_us=DLY  Set the migration delay, in microseconds\n"
      "-p CPUPOOL, --cpupool=CPUPOOL     Restrict output to CPUPOOL" },
    { "sched-credit2", xl_cmd_sched_credit2, false, true,
      "Get/set credit2 scheduler parameters",
      "[-d <Domain> [-w[=WEIGHT]]] [-p CPUPOOL]",
      "-d DOMAIN, --domain=DOMAIN     Domain to modify\n"
      "-w WEIGHT, --weight=WEIGHT     Weight (int)\n"
      "-c CAP,    --cap=CAP           Cap (int)\n"
      "-s         --schedparam        Query / modify scheduler parameters\n"
      "-r RLIMIT, --ratelimit_us=RLIMIT Set the scheduling rate limit, in microseconds\n"
      "-p CPUPOOL, --cpupool=CPUPOOL  Restrict output to CPUPOOL" },
    { "info", xl_cmd_info, false, false,
      "Get information about Xen host",
      "[item]", NULL },
    { "domid", xl_cmd_domid, false, false,
      "Convert a domain name to domain id",
      "<DomainName>", NULL },
    { "domname", xl_cmd_domname, false, false,
      "Convert a domain id to domain name",
      "<DomainId>", NULL },
    { "dmesg", xl_cmd_dmesg, false, false,
      "Read and/or clear dmesg buffer",
      "[-c]",
      "  -c                        Clear dmesg buffer as well as printing it" },
    { "debug-keys", xl_cmd_debug_keys, false, false,
      "Send debug keys to Xen",
      "<Keys>", NULL },
    { "block-attach", xl_cmd_block_attach, true, true,
      "Create a new virtual block device",
      "<Domain> <disk-spec-component(s)>...", NULL },
    { "save", xl_cmd_save, false, true,
      "Save a domain state to restore later",
      "[options] <Domain> <CheckpointFile> [<ConfigFile>]",
      "-h  Print this help.\n"
      "-c  Leave domain running after creating the snapshot.\n"
      "-p  Leave domain paused after creating the snapshot." },
    { "restore", xl_cmd_restore, false, true,
      "Restore a domain from a saved state",
      "[options] [<ConfigFile>] <CheckpointFile>",
      "-h                       Print this help.\n"
      "-p                       Do not unpause domain after restoring it.\n"
      "-e                       Do not wait in the background for the death of the domain.\n"
      "-d                       Enable debug messages." },
    { "migrate", xl_cmd_migrate, false, true,
      "Migrate a domain to another host",
      "[options] <Domain> <host>",
      "-h              Print this help.\n"
      "-C <config>     Send <config> instead of config file from creation.\n"
      "-s <sshcommand> Use <sshcommand> instead of ssh.  String will be passed\n"
      "                to sh. If empty, run <host> instead of ssh <host> xl\n"
      "                migrate-receive [-d -e]\n"
      "-e              Do not wait in the background (on <host>) for the death\n"
      "                of the domain.\n"
      "--debug         Print huge (!) amount of debug during the migration process.\n"
      "-p              Do not unpause domain after migrating it." },
    { "migrate-receive", xl_cmd_migrate_receive, false, true,
      "Restore a domain from a saved state",
      "- for internal use only", NULL },
    { "clone", xl_cmd_clone, false, true,
      "Run a copy of a running domain: a checkpoint restored with a new name, UUID, MACs and copied disks",
      "<Domain> <NewName>", NULL },
    { "block-list", xl_cmd_block_list, false, false,
      "List virtual block devices for a domain",
      "<Domain(s)>", NULL },
    { "block-detach", xl_cmd_block_detach, false, true,
      "Destroy a domain's virtual block device",
      "[option] <Domain> <DevId>",
      "-f                      Force: remove the device without waiting for the\n"
      "                        frontend to close it." },
    { "uptime", xl_cmd_uptime, false, false,
      "Print uptime for all/some domains",
      "[-s] [Domain]", NULL },
    { "network-attach", xl_cmd_network_attach, true, true,
      "Create a new virtual network device",
      "<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] "
      "[ip=<ip>] [script=<script>] [backend=<BackDomain>] [vifname=<name>] "
      "[rate=<rate>] [model=<model>] [accel=<accel>]", NULL },
    { "network-list", xl_cmd_network_list, false, false,
      "List virtual network interfaces for a domain",
      "<Domain(s)>", NULL },
    { "network-detach", xl_cmd_network_detach, false, true,
      "Destroy a domain's virtual network device",
      "<Domain> <DevId|mac>", NULL },
};

const unsigned int xl_ncmds = sizeof(xl_cmds) / sizeof(xl_cmds[0]);

const struct xl_cmd *xl_cmd_lookup(const char *name)
{
    unsigned int i;

    if (!name)
        return NULL;
    for (i = 0; i < xl_ncmds; i++)
        if (!strcmp(name, xl_cmds[i].name))
            return &xl_cmds[i];
    return NULL;
}

void xl_help(FILE *out, const char *command)
{
    const struct xl_cmd *c;
    unsigned int i;

    if (!command || !strcmp(command, "help")) {
        fprintf(out, "Usage xl [-vfNtT] <subcommand> [args]\n\n");
        fprintf(out, "xl full list of subcommands:\n\n");
        for (i = 0; i < xl_ncmds; i++) {
            fprintf(out, " %-19s ", xl_cmds[i].name);
            if (strlen(xl_cmds[i].name) > 19)
                fprintf(out, "\n %-19s ", "");
            fprintf(out, "%s\n", xl_cmds[i].desc);
        }
        return;
    }
    c = xl_cmd_lookup(command);
    if (!c) {
        fprintf(out, "command \"%s\" not implemented\n", command);
        return;
    }
    fprintf(out, "Usage: xl [-vtT%s%s] %s %s\n\n%s.\n\n",
            c->modifies ? "f" : "", c->can_dryrun ? "N" : "", c->name,
            c->usage, c->desc);
    if (c->options)
        fprintf(out, "Options:\n\n%s\n", c->options);
}

int xl_getopt(int argc, char **argv, const char *opts,
              const struct option *longopts, const char *cmd, int reqargs)
{
    static const struct option def_long[] = {
        { "help", 0, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    char optstring[64];
    int opt;

    snprintf(optstring, sizeof(optstring), "h%s", opts);
    opterr = 0;
    opt = getopt_long(argc, argv, optstring, longopts ? longopts : def_long,
                      NULL);
    if (opt == '?') {
        if (optopt == 'h') {
            xl_help(stdout, cmd);
            exit(0);
        }
        if (optopt)
            fprintf(stderr, "option `%c' not supported.\n", optopt);
        else
            fprintf(stderr, "option `%s' not supported.\n", argv[optind - 1]);
        exit(2);
    }
    if (opt == ':') {
        fprintf(stderr, "option `%c' needs an argument.\n", optopt);
        exit(2);
    }
    if (opt == 'h') {
        xl_help(stdout, cmd);
        exit(0);
    }
    if (opt != -1)
        return opt;
    if (argc - optind <= reqargs - 1) {
        fprintf(stderr, "'xl %s' requires at least %d argument%s.\n\n", cmd,
                reqargs, reqargs > 1 ? "s" : "");
        xl_help(stdout, cmd);
        exit(2);
    }
    return -1;
}

uint32_t xl_find_domain(const char *p)
{
    const char *q = p;
    unsigned long v;
    uint32_t domid;
    char *end;

    /* all digits: an id, whether or not such a domain exists (as xl) */
    while (*q >= '0' && *q <= '9')
        q++;
    if (*p && !*q) {
        errno = 0;
        v = strtoul(p, &end, 10);
        if (!errno && v <= UINT32_MAX)
            return (uint32_t)v;
    } else {
        struct errbuf eb;
        char plain[300];

        eb_clear(&eb);
        if (domain_lookup(p, &domid, &eb) == 0)
            return domid;
        fprintf(stderr, "%s is an invalid domain identifier (rc=-6)\n", p);
        /* Xen's line alone when the name is simply unknown; a second line
         * when the lookup knows why (hypervisor unreachable, or nameless
         * domains a restarted xenstored left: the name died with it). */
        snprintf(plain, sizeof(plain), "domain '%s' not found", p);
        if (eb.msg[0] && strcmp(eb.msg, plain) != 0)
            fprintf(stderr, "xl: %s\n", eb.msg);
        exit(EXIT_FAILURE);
    }
    fprintf(stderr, "%s is an invalid domain identifier (rc=-6)\n", p);
    exit(EXIT_FAILURE);
}

int xl_main(int argc, char **argv)
{
    const struct xl_cmd *c;
    const char *cmd;
    int opt;

    optind = 1;
    opterr = 1;
    while ((opt = getopt(argc, argv, "+vfNtT")) >= 0) {
        switch (opt) {
        case 'v':
            xl_verbose++;
            break;
        case 'f':
            xl_force = true;
            break;
        case 'N':
            xl_dryrun = true;
            break;
        case 't':
        case 'T':
            /* timestamps on libxl's log lines: we have no such log */
            break;
        default:
            fprintf(stderr, "unknown global option\n");
            return EXIT_FAILURE;
        }
    }
    cmd = argv[optind];
    if (!cmd) {
        xl_help(stdout, NULL);
        return EXIT_FAILURE;
    }
    argc -= optind;
    argv += optind;
    optind = 1;

    c = xl_cmd_lookup(cmd);
    if (c) {
        if (xl_dryrun && !c->can_dryrun) {
            fprintf(stderr, "command does not implement -N (dryrun) option\n");
            return EXIT_FAILURE;
        }
        return c->fn(argc, argv);
    }
    if (!strcmp(cmd, "help")) {
        xl_help(stdout, argc > 1 ? argv[1] : NULL);
        return EXIT_SUCCESS;
    }
    fprintf(stderr, "command not implemented\n");
    return EXIT_FAILURE;
}
