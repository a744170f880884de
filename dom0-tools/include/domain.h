/*
 * domain.h — the domain lifecycle API xl is built on (implemented in
 * dom0-tools/libctrl/ with the builder in dom0-tools/builder/).
 *
 * These calls combine hypercalls (xc.h) and xenstore into what a user
 * command means: domain_create() does createdomain, max_vcpus, max_mem,
 * the PV build, the xenstore entries a PV guest and its backends expect
 * (/local/domain/<id>/..., /vm/<uuid>/..., console nodes), XS_INTRODUCE and
 * (unless asked to stay paused) unpause; domain_destroy() tears all of that
 * down again.
 *
 * All functions return 0 (or a count) on success and a negative errno on
 * failure, with a message in *eb (may be NULL) naming what failed and why:
 * "kernel /x: not an ELF or bzImage", "domctl createdomain (dom 0): ENOMEM
 * (cannot allocate memory)".  A failed domain_create leaves no domain behind.
 */
#ifndef DOM0_TOOLS_DOMAIN_H
#define DOM0_TOOLS_DOMAIN_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "xc.h"
#include "xlcfg.h"

/* ------------------------------------------------------------ create */

#define DOMAIN_CREATE_PAUSED    (1u << 0)  /* xl create -p: leave it paused */
#define DOMAIN_CREATE_NO_CACHE  (1u << 1)  /* do not use/refresh the kernel cache */

/*
 * Build and start a PV domain from cfg.  cfg->uuid is used if uuid_set,
 * otherwise a random one is generated.  On success *domid is the new id.
 * Also ensures the console daemon will pick the guest up (it watches
 * xenstore) and writes /vm/<uuid>/start_time for `xl uptime`.
 */
int domain_create(const struct domain_config *cfg, unsigned flags,
                  uint32_t *domid, struct errbuf *eb);

/*
 * domain_create with the memory and vCPU state coming from elsewhere than
 * a kernel (xl restore): fill() gets the created, empty, paused domain
 * (limits set) and returns its xenstore and console frames and event
 * channels; everything else (xenstore nodes, introduction, unpause, the
 * clean-up of a failure) is domain_create's.  cfg->kernel may be empty.
 */
struct domain_filled {
    uint64_t store_mfn, console_mfn;
    uint32_t store_port, console_port;
};
struct domain_filler {
    int (*fill)(xc_handle *xch, uint32_t domid, void *arg, struct domain_filled *out,
                struct errbuf *eb);
    void *arg;
};
#define DOMAIN_CREATE_NO_KERNEL (1u << 2)  /* internal: no kernel to check */
int domain_create_with(const struct domain_config *cfg, unsigned flags,
                       const struct domain_filler *filler, uint32_t *domid,
                       struct errbuf *eb);

/*
 * The directory where decompressed kernels are cached, keyed by the
 * kernel image's hash ("" disables).  Default /var/lib/xen/kernel-cache, or
 * $XL_KERNEL_CACHE.  Exposed so tests and xl can report/clear it.
 */
const char *domain_kernel_cache_dir(void);

/* ------------------------------------------------------------ control */

/* Hard destroy: domctl destroydomain, then removes its xenstore subtrees
 * (/local/domain/<id>, /vm/<uuid>, backends) once the hypervisor lets go. */
int domain_destroy(uint32_t domid, struct errbuf *eb);
int domain_pause(uint32_t domid, struct errbuf *eb);
int domain_unpause(uint32_t domid, struct errbuf *eb);

enum domain_shutdown_req { DOMAIN_REQ_POWEROFF, DOMAIN_REQ_REBOOT };
/*
 * Ask the guest to shut down or reboot by writing control/shutdown
 * ("poweroff"/"reboot") as xl does.  If the guest has not advertised
 * control/feature-poweroff (PV drivers not up) and fallback is true, the
 * domain is shut down through the hypervisor instead (xl shutdown -F).
 * Does not wait; use domain_wait_gone() for -w.
 */
int domain_shutdown(uint32_t domid, enum domain_shutdown_req req, bool fallback,
                    struct errbuf *eb);
/* Wait until domid no longer exists (or timeout_ms, <0 = forever): 0, or
 * -ETIMEDOUT. */
int domain_wait_gone(uint32_t domid, int timeout_ms, struct errbuf *eb);

/* Set the memory ceiling (xl mem-max): domctl max_mem + memory/static-max. */
int domain_set_maxmem(uint32_t domid, uint64_t max_kb, struct errbuf *eb);

/* ------------------------------------------------------------ memory target
 * (balloon.c): xl mem-set and xl create's autoballoon, as libxl. */

#define MEM_MIN_DOM0_KB      (128u * 1024)  /* libxl's LIBXL_MIN_DOM0_MEM */
#define MEM_MIN_GUEST_KB     (32u * 1024)   /* ours: Xen's libxl has no floor */
#define MEM_MAXMEM_SLACK_KB  1024u          /* libxl's extra over a target or maximum */

/*
 * The new memory/target from a request: kb absolute (minus videoram) or,
 * with relative, added to cur_target_kb (floored at 0).  Refuses (-EINVAL,
 * message in eb) a target above static_max_kb, a dom0 target below
 * MEM_MIN_DOM0_KB and an absolute guest target below MEM_MIN_GUEST_KB.
 * Pure: no hypervisor or xenstore access.
 */
int mem_target_compute(uint32_t domid, int64_t kb, bool relative,
                       uint64_t cur_target_kb, uint64_t static_max_kb,
                       uint64_t videoram_kb, uint64_t *new_kb,
                       struct errbuf *eb);
/*
 * libxl_set_memory_target: writes memory/target (and /vm/<uuid>/memory in
 * MiB) in one transaction; with enforce the hypervisor's max_mem becomes
 * the target + MEM_MAXMEM_SLACK_KB.  dom0's nodes are filled from the
 * hypervisor first if nobody wrote them.  -ESRCH for an unknown domain.
 */
int domain_set_memory_target(uint32_t domid, int64_t kb, bool relative,
                             bool enforce, struct errbuf *eb);
/* memory/target and memory/static-max (KiB; either pointer may be NULL). */
int domain_get_memory_target(uint32_t domid, uint64_t *target_kb,
                             uint64_t *static_max_kb, struct errbuf *eb);
/* Waits while the domain's allocation moves towards its target; gives up
 * (-ETIMEDOUT) after wait_secs without progress. */
int domain_wait_memory_target(uint32_t domid, int wait_secs, struct errbuf *eb);
/* Free host memory a new domain can have: free minus claimed pages. */
int host_free_memory_kb(uint64_t *kb, struct errbuf *eb);

/* ------------------------------------------------------------ queries */

struct domain_info {
    uint32_t domid;
    char name[64];             /* from /local/domain/<id>/name ("" if none; dom0 "Domain-0") */
    uint8_t uuid[16];          /* the domain handle */
    uint64_t mem_kb;           /* tot_pages * 4 */
    uint64_t max_mem_kb;       /* max_pages * 4 */
    unsigned vcpus_online;     /* nr_online_vcpus */
    unsigned max_vcpu_id;
    bool running, blocked, paused, shutdown, crashed, dying;
    unsigned shutdown_reason;  /* XC_SHUTDOWN_*, valid when shutdown */
    uint64_t cpu_time_ns;
    uint32_t ssidref;
    uint32_t cpupool;
    uint64_t start_time;       /* seconds since the epoch ("" in xenstore -> 0) */
};

/*
 * All domains, sorted by id.  *out is malloc()ed (free() it).  Returns the
 * count or -errno.
 */
int domain_list(struct domain_info **out, struct errbuf *eb);
int domain_get_info(uint32_t domid, struct domain_info *info, struct errbuf *eb);

/* "r-----" style state string as xl list prints it (buf >= 7 bytes). */
void domain_state_string(const struct domain_info *info, char buf[7]);

/* Name <-> id; -ESRCH with "domain 'x' not found" when unknown.  A string
 * of digits passed to domain_lookup is taken as an id if such a domain
 * exists (xl's rule). */
int domain_lookup(const char *name_or_id, uint32_t *domid, struct errbuf *eb);
int domain_name(uint32_t domid, char *buf, size_t len, struct errbuf *eb);

/* The pty of the guest's console as recorded by the console daemon
 * (/local/domain/<id>/console/tty); -ENOENT if not (yet) there. */
int domain_console_tty(uint32_t domid, char *buf, size_t len, struct errbuf *eb);

/* ------------------------------------------------------------ host */

/* Everything `xl info` prints that comes from the hypervisor. */
struct host_info {
    struct xc_version ver;
    struct xc_physinfo phys;
    const char *sched_name;    /* "credit2", "credit", ... */
    uint64_t total_mb, free_mb, outstanding_mb;
    uint32_t cpu_mhz;
    uint64_t free_cpus;
    char hw_caps[9 * 8 + 1];   /* "178bf3ff:80000000:..." as xl prints */
    char virt_caps[64];        /* "pv" / "pv hvm hap shadow ..." */
};
int host_get_info(struct host_info *hi, struct errbuf *eb);

/*
 * The hypervisor console (xl dmesg [-c]): *out is malloc()ed and
 * NUL-terminated, *len its length.
 */
int host_readconsole(bool clear, char **out, size_t *len, struct errbuf *eb);

#endif
