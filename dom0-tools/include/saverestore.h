/*
 * saverestore.h — saving a PV domain to a file and building it again, in
 * Xen's formats so files move between our xl and Xen's:
 *
 *   xl's save header   "Xen saved domain, xl format\n \0 \r", byte order,
 *                      flags, then the domain configuration as libxl JSON;
 *   libxl stream v2    "LibxlFmt" header, LIBXC_CONTEXT record, END record;
 *   libxc stream v3    (inside LIBXC_CONTEXT) image and domain headers, then
 *                      records: X86_PV_INFO, STATIC_DATA_END,
 *                      X86_PV_P2M_FRAMES, PAGE_DATA..., X86_TSC_INFO,
 *                      SHARED_INFO, X86_PV_VCPU_BASIC per vCPU, END.
 *
 * (Xen's docs/specs/libxc-migration-stream.pandoc and
 * libxl-migration-stream.pandoc describe the records.)  The stream layer
 * (stream.c) is pure file I/O and format checks, unit-tested on the host;
 * save.c and restore.c drive the hypervisor.
 */
#ifndef DOM0_TOOLS_SAVERESTORE_H
#define DOM0_TOOLS_SAVERESTORE_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "xc.h"
#include <public/xen.h>
#include <public/domctl.h>

/* ------------------------------------------------------------ formats */

#define XL_SAVE_MAGIC          "Xen saved domain, xl format\n \0 \r"
#define XL_SAVE_BYTEORDER      0x01020304u
#define XL_MANDATORY_FLAG_JSON     (1u << 0)
#define XL_MANDATORY_FLAG_STREAMv2 (1u << 1)

struct xl_save_header {
    char magic[32];
    uint32_t byteorder;
    uint32_t mandatory_flags;
    uint32_t optional_flags;
    uint32_t optional_data_len;
};

#define LIBXL_STREAM_IDENT     0x4c6962786c466d74ull    /* "LibxlFmt", big-endian */
#define LIBXL_STREAM_VERSION   2u
#define LIBXL_REC_END                    0u
#define LIBXL_REC_LIBXC_CONTEXT          1u
#define LIBXL_REC_EMULATOR_XENSTORE_DATA 2u
#define LIBXL_REC_EMULATOR_CONTEXT       3u
#define LIBXL_REC_CHECKPOINT_END         4u
#define LIBXL_REC_CHECKPOINT_STATE       5u

#define SR_MARKER              0xffffffffffffffffull
#define SR_IDENT               0x58454e46u              /* "XENF" */
#define SR_VERSION             3u                       /* Xen 4.17 writes 3, reads 2 and 3 */
#define SR_DHDR_TYPE_X86_PV    1u

#define SR_REC_END                     0x00u
#define SR_REC_PAGE_DATA               0x01u
#define SR_REC_X86_PV_INFO             0x02u
#define SR_REC_X86_PV_P2M_FRAMES       0x03u
#define SR_REC_X86_PV_VCPU_BASIC       0x04u
#define SR_REC_X86_PV_VCPU_EXTENDED    0x05u
#define SR_REC_X86_PV_VCPU_XSAVE       0x06u
#define SR_REC_SHARED_INFO             0x07u
#define SR_REC_X86_TSC_INFO            0x08u
#define SR_REC_HVM_CONTEXT             0x09u
#define SR_REC_HVM_PARAMS              0x0au
#define SR_REC_TOOLSTACK               0x0bu
#define SR_REC_X86_PV_VCPU_MSRS        0x0cu
#define SR_REC_VERIFY                  0x0du
#define SR_REC_CHECKPOINT              0x0eu
#define SR_REC_CHECKPOINT_DIRTY_PFN_LIST 0x0fu
#define SR_REC_STATIC_DATA_END         0x10u
#define SR_REC_X86_CPUID_POLICY        0x11u
#define SR_REC_X86_MSR_POLICY          0x12u
#define SR_REC_OPTIONAL                0x80000000u

/* PAGE_DATA pfn words: type (XEN_DOMCTL_PFINFO_* >> 28) in bits 60-63. */
#define SR_PFN_MASK            ((1ull << 52) - 1)
#define SR_PFN_TYPE_SHIFT      32                       /* XEN_DOMCTL_PFINFO_* << 32 */
#define SR_MAX_RECORD          (1u << 26)               /* a sane bound on one record */
#define SR_BATCH               1024u                    /* pages per PAGE_DATA record */

/* "PAGE_DATA", "0x13" for unknown types. */
const char *sr_rec_name(uint32_t type, char buf[16]);

/* ------------------------------------------------------------ stream I/O */

/*
 * Where a save or a restore spends its time (wall clock, ns), for `xl -v`:
 * sr_write/sr_read charge SR_PH_IO themselves, save.c and restore.c the
 * others around their hypercalls and copies.
 */
enum sr_phase {
    SR_PH_SUSPEND,             /* control/shutdown until the guest suspended */
    SR_PH_P2M,                 /* reading the guest's p2m, building the reverse map */
    SR_PH_TYPES,               /* getpageframeinfo3 */
    SR_PH_MAP,                 /* mmap + MMAPBATCH_V2 of guest frames */
    SR_PH_UNMAP,               /* munmap of them */
    SR_PH_COPY,                /* memcpy of page contents */
    SR_PH_PT,                  /* page-table rewriting (MFN <-> PFN) */
    SR_PH_IO,                  /* write(2) / read(2) of the file */
    SR_PH_POPULATE,            /* populate_physmap */
    SR_PH_FINISH,              /* vCPUs, shared_info, start_info, pinning */
    SR_PH_NR
};

/* A file (or pipe) being written or read, with the offset for messages. */
struct sr_io {
    int fd;
    uint64_t off;
    const char *name;          /* the file, for messages */
    struct errbuf *eb;
    uint64_t phase_ns[SR_PH_NR];
};

/* CLOCK_MONOTONIC in ns; sr_phase_add charges now - t0 to a phase and
 * returns now (so that consecutive phases chain). */
uint64_t sr_now_ns(void);
uint64_t sr_phase_add(struct sr_io *io, enum sr_phase ph, uint64_t t0);
/* "suspend 0.12 p2m 0.01 ..." (seconds, phases that took any time). */
void sr_phase_format(const struct sr_io *io, char *buf, size_t n);

/* Exact write/read; -errno with "writing FILE at offset N: ENOSPC (...)" or
 * "FILE: truncated at offset N (reading WHAT)" (-EIO). */
int sr_write(struct sr_io *io, const void *p, size_t n);
int sr_read(struct sr_io *io, void *p, size_t n, const char *what);

/* A libxc record: header, body (two parts, either may be empty), padding to 8. */
int sr_write_record(struct sr_io *io, uint32_t type, const void *a, uint32_t alen,
                    const void *b, uint32_t blen);

/* The same, the body gathered from n vectors (written with writev). */
struct iovec;
int sr_write_record_iov(struct sr_io *io, uint32_t type, const struct iovec *iov, unsigned n);

struct sr_record {
    uint32_t type;
    uint32_t length;
    void *data;                /* malloc'd, length bytes (NULL when 0) */
    uint64_t off;              /* where its header starts, for messages */
};
/* Read one record (either layer: the header shapes match); bodies above
 * SR_MAX_RECORD are refused as corrupt. */
int sr_read_record(struct sr_io *io, struct sr_record *rec);
/* The same in steps, for a reader that puts a body where it belongs (a
 * restore reads page data straight into the guest): the header (length
 * checked, data NULL), then either the body (malloc'd, padding read) or
 * the caller's own reads of exactly rec->length bytes and then the pad. */
int sr_read_record_head(struct sr_io *io, struct sr_record *rec);
int sr_read_record_body(struct sr_io *io, struct sr_record *rec);
int sr_read_record_pad(struct sr_io *io, const struct sr_record *rec);
void sr_record_free(struct sr_record *rec);

/* xl header + config (JSON text, NUL included as xl writes it). */
int sr_write_xl_header(struct sr_io *io, const char *json);
/* Checks magic, byte order and flags; *json malloc'd (NUL-terminated). */
int sr_read_xl_header(struct sr_io *io, char **json);

int sr_write_libxl_header(struct sr_io *io);
int sr_read_libxl_header(struct sr_io *io);

/* libxc image header (v3) + domain header (x86 PV, 4 KiB pages). */
int sr_write_libxc_headers(struct sr_io *io, uint16_t xen_major, uint16_t xen_minor);
/* Accepts versions 2 and 3 (*version), x86 PV, little-endian, 4 KiB pages. */
int sr_read_libxc_headers(struct sr_io *io, uint32_t *version);

/* ------------------------------------------------------------ page tables */

/* PTE frame field (bits 12-51) and the L4 slots that are the hypervisor's. */
#define SR_PTE_FRAME(pte)      (((pte) >> 12) & ((1ull << 40) - 1))
#define SR_PTE_PRESENT         1ull
#define SR_PTE_PSE             (1ull << 7)
#define SR_L4_XEN_FIRST        256u
#define SR_L4_XEN_LAST         271u

/* Frame translation for (un)canonicalisation: returns the other frame
 * number, or ~0 if the frame is not the guest's. */
typedef uint64_t (*sr_frame_map_fn)(void *arg, uint64_t frame);

/*
 * Rewrite one page table (512 entries, level 1..4) in place, every present
 * entry's frame through map (MFN -> PFN on save, PFN -> MFN on restore).
 * The hypervisor's L4 slots are cleared (the new host fills its own in at
 * pin time).  Superpages are refused.  Returns 0, or -EINVAL with
 * *bad_index the offending entry (-1 for none).
 */
int sr_pt_rewrite(uint64_t *pte, unsigned level, sr_frame_map_fn map, void *arg,
                  int *bad_index);

/* ------------------------------------------------------------ save/restore */

/* Progress: done of total pages, called every batch and at the end. */
typedef void (*sr_progress_fn)(void *arg, uint64_t done, uint64_t total);

/*
 * A live save (xl migrate): memory is sent while the guest runs, in rounds
 * of the pages it dirtied since the last (log-dirty mode), then it is
 * suspended and what is left goes.  The callbacks report it; arg is theirs.
 */
struct save_live {
    /* log-dirty mode could not be enabled (rc, eb's message): the save
     * goes on with the guest suspended for the whole copy. */
    void (*no_logdirty)(void *arg, int rc, const char *msg);
    /* after each round: its number (1: every page) and the pages sent */
    void (*round)(void *arg, unsigned round, uint64_t pages);
    /* just before the suspend request (the start of the downtime) */
    void (*suspending)(void *arg);
    void *arg;
    unsigned max_rounds;       /* rounds before the suspend (0: 5, as libxc) */
    uint64_t dirty_threshold;  /* suspend once fewer pages are dirty (0: 50) */
};

struct save_opts {
    bool checkpoint;           /* -c: the guest carries on afterwards */
    bool leave_paused;         /* -p: ... but paused */
    int suspend_timeout_ms;    /* how long the guest may take to suspend */
    sr_progress_fn progress;
    void *progress_arg;
    const struct save_live *live;   /* NULL: suspend first (xl save) */
};

/*
 * Suspend domid through control/shutdown, write the libxc stream (only) to
 * io.  On success the domain is left suspended (the caller destroys it or
 * resumes it); on failure it is resumed (suspend cancelled) if it had
 * suspended.  *pages_out (may be NULL) the pages written.
 */
int domain_save_stream(uint32_t domid, struct sr_io *io, const struct save_opts *o,
                       uint64_t *pages_out);

/* Resume a domain suspended by domain_save_stream (checkpoint, -p). */
int domain_save_resume(uint32_t domid, struct errbuf *eb);

struct restore_result {
    uint64_t store_mfn, console_mfn;
    uint32_t store_port, console_port;
    uint64_t pages;
};

/*
 * Fill a created, empty domain from the libxc stream at io (up to and
 * including its END record): memory, page tables pinned, vCPU state,
 * shared_info, start_info rewritten for the new store and console event
 * channels (allocated here, for dom0).  Leaves it paused.
 */
int domain_restore_stream(xc_handle *xch, uint32_t domid, struct sr_io *io,
                          sr_progress_fn progress, void *progress_arg,
                          struct restore_result *res);

/* ------------------------------------------------------------ hypercalls */

int xc_vcpu_getcontext_raw(xc_handle *xch, uint32_t domid, unsigned vcpu,
                           struct vcpu_guest_context *ctx, struct errbuf *eb);
int xc_vcpu_setcontext_raw(xc_handle *xch, uint32_t domid, unsigned vcpu,
                           const struct vcpu_guest_context *ctx, struct errbuf *eb);
/* In place: frames (MFNs) -> XEN_DOMCTL_PFINFO_* types, any count. */
int xc_get_pfn_types(xc_handle *xch, uint32_t domid, uint64_t *frames, unsigned nr,
                     struct errbuf *eb);
struct xc_tscinfo { uint32_t mode, khz, incarnation; uint64_t nsec; };
int xc_domain_tscinfo(xc_handle *xch, uint32_t domid, struct xc_tscinfo *t, bool set,
                      struct errbuf *eb);
int xc_domain_resume_raw(xc_handle *xch, uint32_t domid, struct errbuf *eb);
/* rax = 1 on vCPU 0 ("suspend cancelled"), then resumedomain. */
int xc_domain_resume_cancelled(xc_handle *xch, uint32_t domid, struct errbuf *eb);

#endif
