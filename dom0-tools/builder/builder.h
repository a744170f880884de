/*
 * builder.h — the userspace PV domain builder (dom0-tools/builder/), used by
 * domain_create() in libctrl.  Given a domain that exists (createdomain,
 * max_vcpus and max_mem done), it loads the kernel (ELF, or a bzImage whose
 * xz/gzip/zstd payload is unpacked with Debian's libraries, optionally via
 * a cache of decompressed kernels), populates the guest's memory, lays out
 * the start-of-day area, writes the page tables, p2m list and start_info,
 * pins the L4, seeds grant references 0 (console) and 1 (xenstore),
 * allocates the console and xenstore event channels and sets vCPU 0's
 * context.  It does not touch xenstore or unpause.
 */
#ifndef DOM0_TOOLS_BUILDER_H
#define DOM0_TOOLS_BUILDER_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "xc.h"
#include <xen/libelf.h>

/* A kernel image ready to load: always an uncompressed ELF in memory. */
struct pv_kernel {
    void *elf;              /* the ELF image */
    size_t elf_size;        /* its length */
    size_t map_len;         /* length of the mapping holding it */
    char path[1024];        /* the file it came from, for messages */
    int fd;                 /* the ELF's file (plain ELF or cache entry), else -1:
                               lets the builder read segments straight into guest
                               memory instead of faulting the mapping in */
    bool elf_mapped;        /* elf came from mmap (cache / plain ELF file) */
    char format[32];        /* "ELF", "bzImage+xz", ... for messages */
    bool from_cache;
};

/* Options for loading the kernel file. */
struct pv_kernel_opts {
    const char *cache_dir;  /* NULL or "": no cache */
};

/*
 * Read path and produce its ELF.  Errors: "kernel /x: not an ELF or
 * bzImage", "kernel /x: xz payload: corrupt data", "kernel /x: No such
 * file or directory" (with the errno name).
 */
int pv_kernel_load(const char *path, const struct pv_kernel_opts *opts,
                   struct pv_kernel *k, struct errbuf *eb);
void pv_kernel_free(struct pv_kernel *k);

/*
 * Parse the kernel's ELF with the shared loader and apply Xen's loader
 * policy for a PV domU (XEN_VERSION, LOADER/GUEST_OS, required features).
 * Messages: "kernel /x: ...".
 */
int pv_kernel_parse(const struct pv_kernel *k, struct elf_image *img, struct errbuf *eb);

/* XENFEAT_* bits Xen 4.17 offers a 64-bit PV domU (what FEATURES may require). */
#define PV_DOMU_XENFEATS ((1u << 0) | (1u << 1) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7))

/* Hash of a file's bytes as used for the cache key (hex, 16 chars + NUL). */
int pv_kernel_cache_key(const void *data, size_t len, char key[17]);

/*
 * The ramdisk as the guest gets it (initrd.c): a gzip image unpacked in
 * dom0 as libxc does (from cache_dir when it was unpacked before), anything
 * else verbatim.  Errors only for a file that cannot be opened.
 */
struct pv_initrd {
    int fd;                 /* the file, or its cached unpacked copy */
    uint8_t *data;          /* unpacked just now (else NULL: read fd) */
    uint64_t len;           /* bytes the guest gets */
    bool from_cache;
    char format[24];        /* "as is", "gzip, unpacked", "gzip, cached" */
};
int pv_initrd_open(const char *path, const char *cache_dir, struct pv_initrd *rd,
                   struct errbuf *eb);
/* Copy the len bytes to dst. */
int pv_initrd_copy(const struct pv_initrd *rd, uint8_t *dst, struct errbuf *eb);
void pv_initrd_close(struct pv_initrd *rd);

struct pv_build_args {
    uint32_t domid;
    uint64_t nr_pages;          /* initial memory, 4 KiB pages */
    unsigned vcpus;             /* vCPUs online at boot (only vCPU 0 is started) */
    const struct pv_kernel *kernel;
    const char *ramdisk;        /* path or NULL */
    const char *initrd_cache_dir; /* unpacked gzip ramdisks kept here; NULL: none */
    const char *cmdline;        /* may be NULL */
    uint32_t store_domid;       /* where xenstored runs (0) */
    uint32_t console_domid;     /* where the console backend runs (0) */
};

struct pv_build_result {
    uint64_t store_mfn, console_mfn;
    uint32_t store_port, console_port;
    uint64_t virt_base, entry;
};

struct pv_layout_params;
/*
 * The layout parameters for a domU from its kernel's notes, as libxc picks
 * them: the p2m list at INIT_P2M when the kernel has that note, the initrd
 * unmapped (by PFN) when it has MOD_START_PFN.  Pure (unit-tested).
 */
void pv_build_layout_params(const struct elf_image *img, uint64_t nr_pages,
                            uint64_t initrd_len, struct pv_layout_params *lp);

int pv_build(xc_handle *xch, const struct pv_build_args *a,
             struct pv_build_result *r, struct errbuf *eb);

#endif
