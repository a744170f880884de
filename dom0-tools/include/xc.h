/*
 * xc.h — the dom0 control library (dom0-tools/libctrl/): thin, typed wrappers
 * over what Linux dom0 exposes of the Xen 4.17 control interface:
 * /dev/xen/privcmd (hypercalls: domctl/sysctl interface 0x15, memory_op,
 * xen_version, event channel ops; MMAPBATCH_V2 foreign mapping),
 * /dev/xen/evtchn and /dev/xen/gntdev.
 *
 * Conventions: every call returns 0 (or a count) on success and a negative
 * errno on failure.  Calls that take a `struct errbuf *` (may be NULL) also
 * leave a message there naming the operation, the domain and the errno name,
 * e.g. "domctl createdomain (dom 0): EINVAL (invalid argument)".
 *
 * The higher-level domain lifecycle used by xl lives in domain.h.
 */
#ifndef DOM0_TOOLS_XC_H
#define DOM0_TOOLS_XC_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ------------------------------------------------------------ errors */

struct errbuf {
    int err;            /* negative errno of the first failure, 0 = none */
    char msg[1024];     /* human-readable, no trailing newline */
};

/* "EINVAL" for EINVAL (either sign); "E<number>" for unknown values. */
const char *errno_name(int err);
/* Lower-case description: "invalid argument". */
const char *errno_desc(int err);

/*
 * Record a failure: msg = "<formatted>: ENAME (description)".  Keeps the
 * first failure if one is already recorded (the root cause matters most).
 * Returns err (negative) so callers can `return eb_fail(eb, rc, ...)`.
 */
int eb_fail(struct errbuf *eb, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Record a failure with a plain message (no errno decoration). */
int eb_msg(struct errbuf *eb, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void eb_clear(struct errbuf *eb) { if (eb) { eb->err = 0; eb->msg[0] = 0; } }

/*
 * Timing trace for slow paths (domain creation): when $XC_TRACE is set,
 * prints "xc: [+1.234s] <message>" to stderr, times relative to the first
 * trace of the process.
 */
void xc_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------ handle */

typedef struct xc_handle xc_handle;

/* Opens /dev/xen/privcmd (falls back to /proc/xen/privcmd). */
xc_handle *xc_open(struct errbuf *eb);
void xc_close(xc_handle *xch);
/*
 * Raw hypercall through IOCTL_PRIVCMD_HYPERCALL.  Buffers are plain user
 * memory (the library locks what it passes; callers of this raw entry point
 * must mlock their own buffers if they care).  Returns the hypercall's
 * result or -errno.
 */
long xc_hypercall(xc_handle *xch, unsigned op, uint64_t a1, uint64_t a2,
                  uint64_t a3, uint64_t a4, uint64_t a5);

/*
 * Memory the hypervisor may read or write during a hypercall (locked,
 * pre-faulted; from /dev/xen/hypercall when present).  For callers building
 * their own hypercall arguments with xc_hypercall().  Zero-filled.
 */
void *xc_hbuf_alloc(xc_handle *xch, size_t size);
void xc_hbuf_free(void *p, size_t size);

/* ------------------------------------------------------------ version */

struct xc_version {
    int major, minor;
    char extra[16];          /* XENVER_extraversion, e.g. ".7" */
    char caps[1024];         /* "xen-3.0-x86_64 hvm-3.0-x86_32 ..." */
    char changeset[64];
    char commandline[1024];
    char compiler[64], compile_by[16], compile_domain[32], compile_date[32];
    uint64_t virt_start;     /* platform_parameters */
    uint32_t pagesize;
    char build_id[130];      /* hex, "" if unavailable */
};
int xc_version_get(xc_handle *xch, struct xc_version *v, struct errbuf *eb);

/* ------------------------------------------------------------ domains */

/* Flags for xc_domain_create (XEN_DOMCTL_CDF_*). */
#define XC_CDF_HVM        (1u << 0)
#define XC_CDF_HAP        (1u << 1)
#define XC_CDF_S3_INTEGRITY (1u << 2)
#define XC_CDF_OOS_OFF    (1u << 3)
#define XC_CDF_XS_DOMAIN  (1u << 4)
#define XC_CDF_IOMMU      (1u << 5)

struct xc_create {
    uint32_t flags;            /* XC_CDF_* (0 for a PV guest) */
    uint8_t handle[16];        /* the domain's UUID */
    unsigned max_vcpus;
    unsigned max_evtchn_port;  /* 0 = default (-1 in Xen's terms = unlimited for PV) */
    int max_grant_frames;      /* -1 = hypervisor default */
    int max_maptrack_frames;   /* -1 = hypervisor default */
    uint32_t ssidref;
};

/* *domid == 0 on entry: let the hypervisor pick; on return: the new id. */
int xc_domain_create(xc_handle *xch, uint32_t *domid, const struct xc_create *c,
                     struct errbuf *eb);
int xc_domain_destroy(xc_handle *xch, uint32_t domid, struct errbuf *eb);
int xc_domain_pause(xc_handle *xch, uint32_t domid, struct errbuf *eb);
int xc_domain_unpause(xc_handle *xch, uint32_t domid, struct errbuf *eb);
int xc_domain_max_vcpus(xc_handle *xch, uint32_t domid, unsigned max, struct errbuf *eb);
int xc_domain_setmaxmem(xc_handle *xch, uint32_t domid, uint64_t max_kb, struct errbuf *eb);
int xc_domain_set_address_size(xc_handle *xch, uint32_t domid, unsigned bits, struct errbuf *eb);
int xc_domain_sethandle(xc_handle *xch, uint32_t domid, const uint8_t handle[16], struct errbuf *eb);
int xc_domain_settimeoffset(xc_handle *xch, uint32_t domid, int32_t secs, struct errbuf *eb);
/* Asks the hypervisor to shut the domain down now (SCHEDOP_remote_shutdown). */
int xc_domain_shutdown(xc_handle *xch, uint32_t domid, unsigned reason, struct errbuf *eb);

/* Shutdown reasons (SHUTDOWN_*). */
#define XC_SHUTDOWN_POWEROFF 0
#define XC_SHUTDOWN_REBOOT   1
#define XC_SHUTDOWN_SUSPEND  2
#define XC_SHUTDOWN_CRASH    3
#define XC_SHUTDOWN_WATCHDOG 4
#define XC_SHUTDOWN_SOFT_RESET 5

struct xc_dominfo {
    uint32_t domid;
    uint32_t ssidref;
    bool dying, hvm, shutdown, paused, blocked, running, crashed, debugged, xs_domain;
    unsigned shutdown_reason;     /* valid when shutdown */
    uint64_t tot_pages, max_pages, outstanding_pages, shr_pages, paged_pages;
    uint64_t shared_info_frame;
    uint64_t cpu_time_ns;
    unsigned nr_online_vcpus, max_vcpu_id;
    uint32_t cpupool;
    uint8_t handle[16];
};

/* One domain; -ESRCH (with a message) if it does not exist. */
int xc_domain_getinfo(xc_handle *xch, uint32_t domid, struct xc_dominfo *info,
                      struct errbuf *eb);
/* Up to max domains with id >= first (sysctl getdomaininfolist); returns count. */
int xc_domain_getinfolist(xc_handle *xch, uint32_t first, unsigned max,
                          struct xc_dominfo *out, struct errbuf *eb);

/* x86_64 PV vCPU context (vcpu_guest_context, the subset the builder sets). */
struct xc_vcpu_ctx {
    uint64_t rip, rsp, rsi, rflags;
    uint64_t cr3_mfn;             /* the L4 the vCPU starts on */
    uint64_t kernel_ss, kernel_sp;
    uint64_t event_callback_eip, failsafe_callback_eip, syscall_callback_eip;
    uint16_t cs, ss, ds, es, fs, gs;
    uint32_t vm_assist;
    bool in_kernel;
};
int xc_vcpu_setcontext(xc_handle *xch, uint32_t domid, unsigned vcpu,
                       const struct xc_vcpu_ctx *ctx, struct errbuf *eb);

struct xc_vcpuinfo {
    bool online, blocked, running;
    uint64_t cpu_time_ns;
    uint32_t cpu;
};
int xc_vcpu_getinfo(xc_handle *xch, uint32_t domid, unsigned vcpu,
                    struct xc_vcpuinfo *vi, struct errbuf *eb);

/* vCPU affinity (sched.c): nbytes of bitmap each, bit i = CPU i; NULL
 * leaves that map alone (set) — set writes the effective maps back. */
int xc_vcpu_setaffinity(xc_handle *xch, uint32_t domid, unsigned vcpu, uint8_t *hard,
                        uint8_t *soft, unsigned nbytes, struct errbuf *eb);
int xc_vcpu_getaffinity(xc_handle *xch, uint32_t domid, unsigned vcpu, uint8_t *hard,
                        uint8_t *soft, unsigned nbytes, struct errbuf *eb);
/* credit2: a domain's weight (1..65535, 0 = unchanged on set) and cap (%). */
int xc_sched_credit2_domain_get(xc_handle *xch, uint32_t domid, unsigned *weight,
                                unsigned *cap, struct errbuf *eb);
int xc_sched_credit2_domain_set(xc_handle *xch, uint32_t domid, unsigned weight,
                                unsigned cap, struct errbuf *eb);
/* credit2: pool 0's ratelimit in microseconds (get, or set when `set`). */
int xc_sched_credit2_ratelimit(xc_handle *xch, unsigned *ratelimit_us, bool set,
                               struct errbuf *eb);

/* domctl hypercall_init: fill the guest's hypercall page at gmfn. */
int xc_domain_hypercall_init(xc_handle *xch, uint32_t domid, uint64_t gmfn, struct errbuf *eb);

/* ------------------------------------------------------------ host */

struct xc_physinfo {
    uint32_t threads_per_core, cores_per_socket, nr_cpus, max_cpu_id;
    uint32_t nr_nodes, max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;        /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint64_t total_pages, free_pages, scrub_pages, outstanding_pages, max_mfn;
    uint32_t hw_cap[8];
};
int xc_physinfo(xc_handle *xch, struct xc_physinfo *pi, struct errbuf *eb);
/* Scheduler id (XEN_SCHEDULER_*): 5 credit, 6 credit2, 7 arinc653, 8 rtds, 9 null. */
int xc_sched_id(xc_handle *xch, int *sched_id, struct errbuf *eb);

/*
 * Read the hypervisor's console ring (sysctl readconsole).  Reads into buf,
 * at most *len bytes; on return *len = bytes read.  clear: empty the ring
 * after reading.  *index (may be NULL): incremental read position (in/out);
 * NULL reads from the oldest byte still held.
 */
int xc_readconsole(xc_handle *xch, char *buf, size_t *len, bool clear,
                   uint32_t *index, struct errbuf *eb);

/* XEN_SYSCTL_debug_keys: run the hypervisor's debug keys (their output
 * goes to its console, read with xc_readconsole / `xl dmesg`). */
int xc_send_debug_keys(xc_handle *xch, const char *keys, struct errbuf *eb);

/* ------------------------------------------------------------ memory */

/*
 * XENMEM_populate_physmap for a foreign domain: allocates one frame per
 * entry of gpfns (order 0, or 2^extent_order frames) and writes the MFNs
 * back into gpfns for PV guests.  Returns the number done or -errno.
 */
int xc_populate_physmap(xc_handle *xch, uint32_t domid, unsigned long nr,
                        unsigned extent_order, unsigned mem_flags,
                        uint64_t *gpfns, struct errbuf *eb);
/* XENMEM_decrease_reservation for a foreign domain (frees gpfns). */
int xc_decrease_reservation(xc_handle *xch, uint32_t domid, unsigned long nr,
                            uint64_t *gpfns, struct errbuf *eb);
int xc_claim_pages(xc_handle *xch, uint32_t domid, unsigned long nr_pages, struct errbuf *eb);
/* XENMEM_set_memory_map: the guest's E820 is one RAM entry [0, limit_kb KiB) (libxl's PV map). */
int xc_domain_set_memmap_limit(xc_handle *xch, uint32_t domid, uint64_t limit_kb,
                               struct errbuf *eb);

/*
 * Map nr frames (MFNs for PV, GFNs for HVM) of domid contiguously with
 * PRIVCMD_MMAPBATCH_V2; errs (may be NULL) gets a per-frame status.  Fails
 * as a whole if any frame failed.  Unmap with xc_unmap(addr, nr).
 */
void *xc_map_foreign(xc_handle *xch, uint32_t domid, int prot,
                     const uint64_t *frames, int *errs, size_t nr,
                     struct errbuf *eb);
void xc_unmap(void *addr, size_t nr_pages);

/* mmu_update / mmuext_op on behalf of a foreign domain (builder use). */
struct xc_mmu_update { uint64_t ptr, val; };
int xc_mmu_update(xc_handle *xch, uint32_t domid, struct xc_mmu_update *req,
                  unsigned nr, struct errbuf *eb);
/* MMUEXT_PIN_L4_TABLE and friends: cmd, mfn. */
int xc_mmuext_pin(xc_handle *xch, uint32_t domid, unsigned cmd, uint64_t mfn,
                  struct errbuf *eb);

/* ------------------------------------------------------------ event channels */

/* Hypercall: allocate an unbound port in domid that remote may bind. */
int xc_evtchn_alloc_unbound(xc_handle *xch, uint32_t domid, uint32_t remote,
                            uint32_t *port, struct errbuf *eb);

typedef struct xc_evtchn xc_evtchn;   /* /dev/xen/evtchn */
xc_evtchn *xc_evtchn_open(struct errbuf *eb);
void xc_evtchn_close(xc_evtchn *xce);
int xc_evtchn_fd(xc_evtchn *xce);   /* poll()able: readable when a port fires */
/* Each returns the local port (>= 0) or -errno. */
int xc_evtchn_bind_interdomain(xc_evtchn *xce, uint32_t domid, uint32_t remote_port,
                               struct errbuf *eb);
int xc_evtchn_bind_unbound(xc_evtchn *xce, uint32_t domid, struct errbuf *eb);
int xc_evtchn_bind_virq(xc_evtchn *xce, unsigned virq, struct errbuf *eb);
int xc_evtchn_unbind(xc_evtchn *xce, uint32_t port, struct errbuf *eb);
int xc_evtchn_notify(xc_evtchn *xce, uint32_t port, struct errbuf *eb);
/* Next pending port (blocks unless the fd is O_NONBLOCK; -EAGAIN then). */
int xc_evtchn_pending(xc_evtchn *xce);
int xc_evtchn_unmask(xc_evtchn *xce, uint32_t port);

#define XC_VIRQ_DOM_EXC 3     /* a domain died / shut down */

/* ------------------------------------------------------------ grants */

typedef struct xc_gnttab xc_gnttab;   /* /dev/xen/gntdev */
xc_gnttab *xc_gnttab_open(struct errbuf *eb);
void xc_gnttab_close(xc_gnttab *xcg);
/* Map one grant ref of domid; returns the mapping or NULL (message in eb). */
void *xc_gnttab_map(xc_gnttab *xcg, uint32_t domid, uint32_t ref, int prot,
                    struct errbuf *eb);
int xc_gnttab_unmap(xc_gnttab *xcg, void *addr);

/* Reserved grant references (grant_table.h). */
#define XC_GNTTAB_RESERVED_CONSOLE  0
#define XC_GNTTAB_RESERVED_XENSTORE 1

#endif
