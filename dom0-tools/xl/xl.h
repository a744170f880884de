/*
 * xl.h — internals of our xl: the command table, the option parsing every
 * command shares, the output formatting (kept apart from the hypervisor
 * calls so unit tests can drive it with fake domain info) and the
 * per-domain monitor.
 */
#ifndef DOM0_TOOLS_XL_H
#define DOM0_TOOLS_XL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>
#include <sys/utsname.h>

#include <jansson.h>

#include "domain.h"
#include "xlcfg.h"

/* ------------------------------------------------------------ commands */

struct xl_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    bool can_dryrun;             /* honours the global -N */
    bool modifies;               /* honours the global -f */
    const char *desc;            /* one line, no final full stop */
    const char *usage;           /* after "xl <name> " */
    const char *options;         /* NULL: none */
};

extern const struct xl_cmd xl_cmds[];
extern const unsigned int xl_ncmds;

const struct xl_cmd *xl_cmd_lookup(const char *name);

/* `xl help [cmd]' text (cmd NULL or "help": the full list) on out. */
void xl_help(FILE *out, const char *cmd);

/* Everything main() does, so tests can run whole command lines. */
int xl_main(int argc, char **argv);

/* Global options (xl [-v] [-f] [-N] [-t] [-T] <subcommand>). */
extern int xl_verbose;
extern bool xl_force, xl_dryrun;

/*
 * Option parsing shared by every command, with xl's behaviour: -h/--help
 * prints the command's help and exits 0, an unknown option exits 2, too
 * few non-option arguments exits 2 after the help.  Returns the option
 * character, or -1 when options are done.
 */
int xl_getopt(int argc, char **argv, const char *opts,
              const struct option *longopts, const char *cmd, int reqargs);

/* xl's find_domain(): a number is an id, anything else a name; exits 1
 * with "<x> is an invalid domain identifier (rc=-6)" for unknown names. */
uint32_t xl_find_domain(const char *name_or_id);

/* The command implementations (cmds.c, create.c, console.c). */
int xl_cmd_create(int argc, char **argv);
int xl_cmd_list(int argc, char **argv);
int xl_cmd_destroy(int argc, char **argv);
int xl_cmd_shutdown(int argc, char **argv);
int xl_cmd_reboot(int argc, char **argv);
int xl_cmd_pause(int argc, char **argv);
int xl_cmd_unpause(int argc, char **argv);
int xl_cmd_console(int argc, char **argv);
int xl_cmd_info(int argc, char **argv);
int xl_cmd_dmesg(int argc, char **argv);
int xl_cmd_debug_keys(int argc, char **argv);   /* debug.c */
int xl_cmd_domid(int argc, char **argv);
int xl_cmd_domname(int argc, char **argv);
int xl_cmd_uptime(int argc, char **argv);
int xl_cmd_memmax(int argc, char **argv);
int xl_cmd_memset(int argc, char **argv);
int xl_cmd_top(int argc, char **argv);
int xl_cmd_block_attach(int argc, char **argv);
int xl_cmd_block_detach(int argc, char **argv);
int xl_cmd_block_list(int argc, char **argv);
/* saverestore.c, clone.c */
int xl_cmd_save(int argc, char **argv);
int xl_cmd_restore(int argc, char **argv);
int xl_cmd_clone(int argc, char **argv);
struct errbuf;
struct domain_config;
/* Save domid (config json) to file; on success it stays suspended. */
int xl_save_to_file(uint32_t domid, const char *file, const char *json, bool checkpoint,
                    uint64_t *pages, struct errbuf *eb);
/* Restore file as a new domain (override: its configuration instead of the file's). */
int xl_restore_from_file(const char *file, const struct domain_config *override, bool paused,
                         bool no_monitor, uint32_t *domid, struct errbuf *eb);
/* The same on an open fd (file names it in messages; the caller closes it). */
struct save_live;
int xl_save_to_fd(uint32_t domid, int fd, const char *file, const char *json, bool checkpoint,
                  const struct save_live *live, uint64_t *pages, struct errbuf *eb);
struct xl_restore_opts {
    const struct domain_config *override;   /* NULL: the stream's configuration */
    bool paused, no_monitor;
    const char *name_suffix;     /* built as <name><suffix>, no monitor (migrate-receive) */
    struct domain_config *cfg_out;          /* NULL, or the configuration restored */
};
int xl_restore_from_fd(int fd, const char *file, const struct xl_restore_opts *o,
                       uint32_t *domid, struct errbuf *eb);
/* migrate.c: xl's migration protocol (its messages, as Xen's xl sends them) */
int xl_cmd_migrate(int argc, char **argv);
int xl_cmd_migrate_receive(int argc, char **argv);
extern const char xl_migrate_banner[], xl_migrate_ready[], xl_migrate_go[], xl_migrate_report[];
struct xl_migrate_flags {
    bool tty;                    /* xl -t on the receiver (our stderr is a terminal) */
    int verbose;                 /* -v count passed on */
    bool no_daemon, debug, paused;   /* migrate-receive -e, -d, -p */
};
/* The shell command xl migrate runs ("exec ssh host xl migrate-receive ..."),
 * or host itself when ssh is ""; -ENAMETOOLONG if it does not fit. */
int xl_migrate_rune(char *buf, size_t len, const char *ssh, const char *host,
                    const struct xl_migrate_flags *f);
/* Read n bytes from fd and check they are msg; errors name stream and what
 * ("... contained unexpected data instead of banner", end of stream). */
int xl_migrate_expect(int fd, const void *msg, size_t n, const char *stream, const char *what,
                      struct errbuf *eb);
/* The sender's lines about the live save (suite 65 and users read them):
 * a round ("migration sender: live round 2: 295 pages", or "after the
 * suspend, round ..." once suspended) and the stop-and-copy fallback
 * (rc and message of the failed ENABLE_LOGDIRTY).  No newline. */
void xl_migrate_round_line(char *buf, size_t len, bool suspended, unsigned round,
                           uint64_t pages);
void xl_migrate_fallback_line(char *buf, size_t len, int rc, const char *msg);

/* ------------------------------------------------------------ memory (mem.c) */

/* xl.conf's autoballoon setting ("auto" when absent or conf is NULL). */
enum { XL_AUTOBALLOON_OFF, XL_AUTOBALLOON_ON, XL_AUTOBALLOON_AUTO };
int xl_autoballoon_mode(const char *conf_text);
/* "auto" is on unless the hypervisor's command line sizes dom0 (dom0_mem=). */
bool xl_autoballoon_enabled(int mode, const char *xen_cmdline);
/* What a PV guest of memory_mb needs free (libxl: + 1 MiB, 2 MiB aligned). */
uint64_t xl_need_memory_kb(uint64_t memory_mb);
/* xl's freemem(): with autoballoon on, lowers dom0's target until the new
 * guest fits (30 s of credit); false if it could not. */
bool xl_freemem(const struct domain_config *cfg);
/* `xl list -l': target_memkb / max_memkb of a stored config replaced by
 * the domain's memory/target and memory/static-max (unchanged if unread). */
void xl_list_long_memory(json_t *stored, uint32_t domid);

/* ------------------------------------------------------------ top (top.c, top_plot.c) */

/* One domain in one xl top sample (xentop's figures). */
struct xl_top_dom {
    uint32_t domid;
    char name[64];
    bool dying, shutdown, blocked, crashed, paused, running;
    uint64_t cpu_ns, mem_kb;
    uint64_t maxmem_kb;          /* UINT64_MAX: no limit */
    unsigned vcpus, nets, vbds;
    uint64_t net_tx, net_rx;     /* bytes, the guest's view */
    bool vbd_stats;              /* some vbd had readable counters */
    uint64_t vbd_oo, vbd_rd, vbd_wr, vbd_rsect, vbd_wsect;
    uint32_t ssid;
};
struct xl_top_sample {
    struct timeval t;
    uint64_t total_kb, free_kb;
    unsigned nr_cpus, mhz;
    char version[32];
    int n;
    struct xl_top_dom *doms;
};
/* Takes a sample of the host and every domain; 0 or -1 (message in eb). */
int xl_top_sample(struct xl_top_sample *s, struct errbuf *eb);
void xl_top_sample_free(struct xl_top_sample *s);
const struct xl_top_dom *xl_top_find(const struct xl_top_sample *s, uint32_t domid);
/* The vif counters of d from /proc/net/dev's text (nets, net_tx, net_rx). */
void xl_top_net_counters(const char *procnetdev, struct xl_top_dom *d);
/* xentop's CPU(%): CPU time used between prev and cur over the wall time
 * between them, in % of one CPU; 0 without a previous sample of d. */
double xl_top_cpu_pct(const struct xl_top_sample *prev,
                      const struct xl_top_sample *cur,
                      const struct xl_top_dom *d);
void xl_top_header(FILE *out, const struct xl_top_sample *s);
void xl_top_row(FILE *out, const struct xl_top_sample *prev,
                const struct xl_top_sample *cur, const struct xl_top_dom *d);
/* Header and rows sorted by name (cur is reordered), prev may be NULL. */
void xl_top_table(FILE *out, const struct xl_top_sample *prev,
                  struct xl_top_sample *cur);
/* The three summary lines above the table in interactive mode. */
void xl_top_summary(FILE *out, const struct xl_top_sample *s);

/* The samples of xl top -o, per domain (NAN where a domain did not exist). */
struct xl_top_series {
    uint32_t domid;
    char name[64];
    double *cpu, *mem_mib;
};
struct xl_top_plot {
    unsigned cap, nsamples, nseries;
    struct timeval t0;
    double *t;                   /* seconds since the first sample */
    struct xl_top_series *series;
};
int xl_top_plot_init(struct xl_top_plot *p, unsigned cap);
int xl_top_plot_add(struct xl_top_plot *p, const struct xl_top_sample *prev,
                    const struct xl_top_sample *cur);
void xl_top_plot_svg(FILE *f, const struct xl_top_plot *p);
void xl_top_plot_free(struct xl_top_plot *p);
/* 1, 2 or 5 x 10^n at or above v (1 for v <= 0). */
double xl_top_axis_max(double v);

/* ------------------------------------------------------------ vCPUs, scheduler (sched.c) */

#define XL_MAX_CPUS     512     /* bits in the CPU maps we pass */
#define XL_MAX_VCPUS    512
int xl_cmd_vcpu_list(int argc, char **argv);
int xl_cmd_vcpu_pin(int argc, char **argv);
int xl_cmd_vcpu_set(int argc, char **argv);
int xl_cmd_sched_credit(int argc, char **argv);
int xl_cmd_sched_credit2(int argc, char **argv);
struct xc_vcpuinfo;
/* xl's print_bitmap(): "all", "none" or ranges over nr CPUs. */
void xl_print_cpumap(FILE *out, const uint8_t *map, unsigned nr);
/* xl's parse_cpurange(): 0, or -1 after printing why. */
int xl_parse_cpumap(const char *s, uint8_t *map, unsigned nbytes);
void xl_print_vcpu_line(FILE *out, const char *name, uint32_t domid, unsigned vcpu,
                        const struct xc_vcpuinfo *vi, const uint8_t *hard,
                        const uint8_t *soft, unsigned nr_cpus);

/* ------------------------------------------------------------ vbd (dev_vbd.c) */

struct xs_handle;
struct xl_vbd_kv { char key[32]; char val[1100]; };
/* The xenstore nodes of one disk, as libxl writes them. */
struct xl_vbd_nodes {
    int devid;
    char be[128], fe[96];               /* backend / frontend directories */
    unsigned int nbe, nfe;
    struct xl_vbd_kv be_kv[20], fe_kv[8];
};
/* xvda -> 51712 ... as libxl's libxl__device_disk_dev_number; -1 if invalid. */
int xl_vbd_devid(const char *vdev);
/* Fills *n for disk d of domid; 0, or -errno with a message in err. */
int xl_vbd_nodes(const struct xlcfg_disk *d, uint32_t domid,
                 struct xl_vbd_nodes *n, char *err, size_t errlen);
/* Checks sharing, starts blkback if needed, writes the nodes (one transaction). */
int xl_vbd_add(struct xs_handle *xs, uint32_t domid, const struct xlcfg_disk *d,
               struct errbuf *eb);
int xl_vbd_wait_backend(struct xs_handle *xs, const char *be, int timeout_ms,
                        struct errbuf *eb);
int xl_vbd_attach_all(uint32_t domid, const struct domain_config *cfg,
                      struct errbuf *eb);
/* Detach (libxl's protocol); 1 if it had to force, <0 on error. */
int xl_vbd_remove(struct xs_handle *xs, uint32_t domid, int devid, bool force,
                  int timeout_ms, struct errbuf *eb);
void xl_vbd_list_print(FILE *out, struct xs_handle *xs, uint32_t domid);
/* Starts pv-drivers' blkback (-d, pid file /run/xen/blkback.pid) unless running. */
int xl_blkback_ensure(struct errbuf *eb);
/* domain_create + the config's disks before the guest runs; destroys the
 * domain again if a disk cannot be attached. */
int xl_domain_create_with_disks(const struct domain_config *cfg, bool paused,
                                uint32_t *domid, struct errbuf *eb);

/*
 * xl shutdown/reboot -w: waits until every domain in ids has shut down or
 * gone (a dying domain counts as gone), printing xl's messages on stderr.
 * One seen shut down gets up to grace_ms more to disappear (the monitor
 * destroying it).  get is domain_get_info() without the errbuf.
 */
void xl_wait_for(const uint32_t *ids, int n,
                 int (*get)(uint32_t, struct domain_info *), int grace_ms,
                 int poll_ms);

/* ------------------------------------------------------------ vifs */

/* dev_vif.c: vif= lines, network-attach/-detach/-list (libxl's nodes). */
int xl_cmd_network_attach(int argc, char **argv);
int xl_cmd_network_detach(int argc, char **argv);
int xl_cmd_network_list(int argc, char **argv);

/* Where relative hotplug script names are found: $XL_SCRIPT_DIR or
 * /etc/xen/scripts. */
const char *xl_vif_script_dir(void);

#define XL_VIF_MAX_NODES 48
enum xl_vif_where { XL_VIF_BACK, XL_VIF_FRONT, XL_VIF_FRONT_RO, XL_VIF_LIBXL };
struct xl_vif_node {
    enum xl_vif_where where;     /* which directory (and permissions) */
    char key[24];
    char val[300];
};
/* Every xenstore node one vif needs, as libxl writes them. */
struct xl_vif_plan {
    unsigned int devid;
    char mac[18], bridge[64], script[300], ifname[16];
    char bepath[96], fepath[96], libxlpath[96];
    unsigned int n;
    struct xl_vif_node nodes[XL_VIF_MAX_NODES];
};
/* Fills *p for vif v of domain domid; rnd gives the generated MAC's bytes
 * when v has none.  0, -EOPNOTSUPP (emulated NIC, driver domain),
 * -ENAMETOOLONG (vifname) or -E2BIG. */
int xl_vif_plan(uint32_t domid, const struct xlcfg_vif *v,
                const uint8_t rnd[3], struct xl_vif_plan *p);
/* Writes the nodes, waits for the backend, runs the hotplug script; the
 * generated MAC is stored back into v.  0 or -errno with *eb set. */
int xl_vif_add(uint32_t domid, struct xlcfg_vif *v, struct errbuf *eb);
int xl_vifs_add_all(uint32_t domid, struct domain_config *cfg,
                    struct errbuf *eb);
/* Before destroying a domain: every vif's script "offline", nodes gone. */
void xl_vifs_release_all(uint32_t domid);

/* One row of xl network-list. */
struct xl_nicinfo {
    unsigned int devid, backend_id;
    char mac[18];
    int state, evtch, rref_tx, rref_rx;
    char backend[96];
};
void xl_network_list_header(FILE *out);
void xl_network_list_row(FILE *out, const struct xl_nicinfo *i);

/* ------------------------------------------------------------ formatting */

/* xl list: header and one row per domain (Xen's columns, byte for byte). */
void xl_list_header(FILE *out, bool verbose, bool context, bool cpupool);
void xl_list_row(FILE *out, const struct domain_info *d, bool verbose,
                 bool context, bool cpupool);
/* The six state letters "rbpscd" ('-' when not set), NUL-terminated. */
void xl_state_letters(const struct domain_info *d, char out[7]);

/* "  0:01:15", "1 day,  2:03:04" ... as xl uptime prints (malloc'd). */
char *xl_uptime_string(unsigned long secs, bool short_mode);

/* mem-max sizes: "256" (MiB), "256m", "1g", "512k", "4096b" -> KiB; -1 if
 * malformed. */
int64_t xl_parse_mem_kb(const char *s);

/* xl info, from host data; only != NULL prints just that key's value. */
void xl_print_info(FILE *out, const struct host_info *hi,
                   const struct utsname *u, const char *only);

/*
 * One element of `xl list -l': {"domid": N, "config": {...}} built from the
 * stored config JSON (NULL for domains we did not create, e.g. dom0) and
 * the live domain info.  Returns a new reference or NULL.
 */
json_t *xl_list_long_entry(const struct domain_info *d, json_t *stored,
                           const char *sched_name);

/* ------------------------------------------------------------ state */

/* Where xl keeps each domain's config (JSON) between commands:
 * $XL_STATE_DIR or /var/lib/xen/xl. */
const char *xl_state_dir(void);
/* Saves / loads / removes the config JSON of a domain, keyed by domid and
 * uuid so that a reused domid never picks up a stale file. */
int xl_state_save(uint32_t domid, const uint8_t uuid[16], const char *json);
json_t *xl_state_load(uint32_t domid, const uint8_t uuid[16]);
void xl_state_remove(uint32_t domid, const uint8_t uuid[16]);

/* ------------------------------------------------------------ monitor */

/*
 * Forks the per-domain monitor (as xl does after create unless -e): it
 * waits for the domain to shut down and applies on_poweroff / on_reboot /
 * on_crash.  Its log goes to /var/log/xen/xl-<name>.log.  Returns 0 or a
 * negative errno.
 */
int xl_monitor_spawn(const struct domain_config *cfg, uint32_t domid);
/* The monitor loop itself, in this process (xl create -F). */
int xl_monitor_run(struct domain_config *cfg, uint32_t domid);

/* Relays the terminal to the guest console until Ctrl+] or the domain
 * goes away (console.c). */
int xl_console_attach(uint32_t domid);
/* The relay loop itself: pty <-> (in, out) until Ctrl+] on in, the pty
 * closing, or alive(opaque) turning false (checked once a second; NULL:
 * never). */
int xl_console_relay(int pty, int in, int out, bool (*alive)(void *),
                     void *opaque);

/* One look at the domain: keep waiting, stop (it is gone or dying), or
 * apply *act for shutdown *reason.  rc/d are domain_get_info()'s. */
enum xl_mon_verdict { XL_MON_WAIT, XL_MON_GONE, XL_MON_ACT };
enum xl_mon_verdict xl_monitor_verdict(int rc, const struct domain_info *d,
                                       uint32_t domid,
                                       const struct domain_config *cfg,
                                       enum xlcfg_action *act,
                                       unsigned int *reason);

/* What the monitor does for a shutdown reason (XC_SHUTDOWN_*). */
enum xlcfg_action xl_monitor_action(const struct domain_config *cfg,
                                    unsigned int reason);

#endif
