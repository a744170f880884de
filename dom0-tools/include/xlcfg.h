/*
 * xlcfg.h — a PV domain's configuration as the toolstack uses it, filled in
 * from an xl.cfg file by the parser (dom0-tools/xl/) and consumed by the
 * domain-creation code (dom0-tools/libctrl/, dom0-tools/builder/).
 *
 * This is the contract between the xl front end and the control library:
 * change it only additively.
 */
#ifndef DOM0_TOOLS_XLCFG_H
#define DOM0_TOOLS_XLCFG_H

#include <stdint.h>
#include <stdio.h>
#include <stdbool.h>

#define XLCFG_MAX_DISKS 16
#define XLCFG_MAX_VIFS  16

/* What to do when the guest powers off, reboots or crashes (xl.cfg(5)). */
enum xlcfg_action {
    XLCFG_ACTION_DESTROY = 0,
    XLCFG_ACTION_RESTART,
    XLCFG_ACTION_RENAME_RESTART,
    XLCFG_ACTION_PRESERVE,
    XLCFG_ACTION_COREDUMP_DESTROY,
    XLCFG_ACTION_COREDUMP_RESTART,
    XLCFG_ACTION_SOFT_RESET,
};

struct xlcfg_disk {              /* xl-disk-configuration(5) */
    char target[1024];           /* path of the backing file or device */
    char vdev[32];               /* xvda, ... */
    char format[16];             /* raw, qcow2, ... (only raw is served) */
    bool readonly;               /* access=ro|r */
    bool cdrom;                  /* devtype=cdrom */
    char script[256];            /* optional hotplug script */
    /* added by the parser, all optional: */
    char backendtype[16];        /* "" (unspecified), phy, tap, qdisk, standalone */
    char backend_domname[64];    /* backend=<domain>, "" = dom0 */
    bool direct_io_safe;
    int8_t discard;              /* -1 unset, 0 no-discard, 1 discard */
    int8_t trusted;              /* -1 unset, 0 untrusted, 1 trusted */
    bool shared;                 /* access=w!: writable, sharing allowed */
};

struct xlcfg_vif {               /* xl-network-configuration(5) */
    char mac[18];                /* "00:16:3e:xx:xx:xx" or "" = generated */
    char bridge[64];
    char ip[64];
    char script[256];
    char model[32];
    char vifname[64];
    /* added by the parser, all optional: */
    unsigned int devid;          /* position in the vif list unless devid= */
    char type[8];                /* "" (unspecified), vif, ioemu */
    char gatewaydev[64];
    char backend_domname[64];    /* backend=<domain>, "" = dom0 */
};

#define XLCFG_CPUMAP_BYTES  64     /* 512 CPUs */
#define XLCFG_MAX_AFFINITY  32     /* per-vCPU maps in a cpus=[...] list */

/* "all", "0-3", "0,2", "^1": 0, or -1 with *bad the offending part. */
int xlcfg_parse_cpumap(const char *s, uint8_t *map, unsigned nbytes, const char **bad);
/* As xl's print_bitmap(): "all", "none" or ranges over nr CPUs. */
void xlcfg_print_cpumap(FILE *out, const uint8_t *map, unsigned nr);

struct domain_config {
    char name[64];
    char type[8];                /* "pv" (only PV is supported) */
    uint8_t uuid[16];
    bool uuid_set;               /* false: generate one at create time */
    uint64_t memory_mb;          /* initial memory */
    uint64_t maxmem_mb;          /* ceiling (defaults to memory_mb) */
    unsigned int vcpus;          /* online vCPUs at boot */
    unsigned int maxvcpus;       /* defaults to vcpus */
    /* Scheduling: cpus= (hard affinity), cpus_soft=, cpu_weight=, cap=.
     * A map string applies to every vCPU ([0], n == 0); a list gives one
     * per vCPU ([0..n-1]), the vCPUs past it keep "all". */
    uint8_t cpus_hard[XLCFG_MAX_AFFINITY][XLCFG_CPUMAP_BYTES];
    uint8_t cpus_soft[XLCFG_MAX_AFFINITY][XLCFG_CPUMAP_BYTES];
    unsigned int cpus_hard_n, cpus_soft_n;
    bool cpus_hard_set, cpus_soft_set;
    unsigned int cpu_weight;     /* 1..65535, 0 = not given (256) */
    unsigned int cap;            /* % of one CPU, 0 = none */
    char kernel[1024];
    char ramdisk[1024];          /* "" = none */
    char cmdline[1024];          /* cmdline, or root= + extra= combined as xl does */
    enum xlcfg_action on_poweroff, on_reboot, on_crash;
    unsigned int nr_disks;
    struct xlcfg_disk disks[XLCFG_MAX_DISKS];
    unsigned int nr_vifs;
    struct xlcfg_vif vifs[XLCFG_MAX_VIFS];
    char source_file[1024];      /* the config file it came from, for messages */
    /*
     * Added by the parser: which optional keys the file set,
     * because xl's JSON (xl create -n) prints only what was given; the
     * values above always hold the effective settings.
     */
    bool memory_set, maxmem_set, vcpus_set, maxvcpus_set;
};

#endif
