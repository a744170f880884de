/*
 * xen/libelf.h — the PV kernel loader shared by the hypervisor's dom0
 * builder and the toolstack's domain builder (both compile
 * hypervisor/common/libelf/ unchanged).
 *
 * Three steps:
 *   1. elf_parse(): check an ELF64 x86-64 image given as (pointer, size):
 *      headers, program headers, PT_LOAD placement, Xen notes (PT_NOTE, else
 *      SHT_NOTE sections, else the legacy "__xen_guest" string); compute the
 *      virtual extent and the entry point.  Nothing is trusted: every offset
 *      and size is range- and overflow-checked.
 *   2. elf_xen_check(): the loader policy Xen applies (XEN_VERSION, LOADER or
 *      GUEST_OS, required features, dom0 capability, addresses in bounds).
 *   3. elf_load(): write the image through a callback (so the hypervisor can
 *      write guest frames and the tools foreign-mapped memory), zeroing bss
 *      and the gaps between segments.
 * Plus the bzImage header: bzimage_parse() says where the compressed ELF is.
 *
 * Errors are negative errno values; img->reason (or the reason buffer) then
 * holds one human-readable line, prefixed by the caller's `who`, e.g.
 * "kernel: ELF program header 3 runs past the end of the file".
 */
#ifndef XEN_LIBELF_H
#define XEN_LIBELF_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define ELF_REASON_LEN      192
#define ELF_MAX_SEGMENTS    32      /* PT_LOAD segments accepted */
#define ELF_MAX_PHDRS       256     /* program headers accepted */
#define ELF_MAX_SPAN        (1ULL << 30)  /* kernel image extent (memsz incl. bss) */
#define ELF_UNSET           (~0ULL) /* an address note that was not given */
#define ELF_NOTE_STR_MAX    64      /* longest note string kept, with its NUL */

/* One PT_LOAD segment, with the virtual address it is placed at. */
struct elf_segment {
    uint64_t offset;    /* in the file */
    uint64_t filesz;
    uint64_t memsz;
    uint64_t paddr;     /* p_paddr as found */
    uint64_t vaddr;     /* where it goes: p_paddr + virt_base - paddr_offset */
    uint32_t flags;     /* PF_R/W/X */
};

/* What the Xen notes (or __xen_guest) said; addresses ELF_UNSET if absent. */
struct elf_xen_notes {
    uint32_t seen;                  /* bit n set: note type n was present */
    uint64_t entry;
    uint64_t hypercall_page;
    uint64_t virt_base;
    uint64_t paddr_offset;
    uint64_t init_p2m;
    uint64_t hv_start_low;
    uint64_t l1_mfn_valid[2];       /* mask, value */
    /*
     * Strings: copies (at most ELF_NOTE_STR_MAX - 1 bytes; Linux's FEATURES
     * note, for one, is not NUL-terminated inside its descriptor), or "".
     */
    const char *xen_version;
    const char *guest_os;
    const char *guest_version;
    const char *loader;
    const char *pae_mode;
    const char *bsd_symtab;
    uint32_t features_supported;    /* FEATURES names, with or without '!' */
    uint32_t features_required;     /* FEATURES names with '!' */
    uint32_t supported_features;    /* SUPPORTED_FEATURES bitmap */
    bool mod_start_pfn;
    bool suspend_cancel;
    bool legacy_guest_section;      /* came from the __xen_guest string */
    char legacy[256];               /* split copy of that string (strings point here) */
    char strs[6][ELF_NOTE_STR_MAX]; /* storage for the note strings above */
};

/* About 2.5 KiB: allocate it (static or heap) rather than on a small stack. */
struct elf_image {
    const uint8_t *data;
    size_t size;
    const char *who;                /* message prefix, e.g. "kernel" */

    uint64_t e_entry;
    unsigned int nr_segs;
    struct elf_segment segs[ELF_MAX_SEGMENTS];
    uint64_t pstart, pend;          /* p_paddr extent of the PT_LOADs */

    struct elf_xen_notes notes;

    /* Derived by elf_parse(). */
    uint64_t virt_base;             /* VIRT_BASE, default 0 */
    uint64_t paddr_offset;          /* PADDR_OFFSET, default 0 (virt_base for __xen_guest) */
    uint64_t virt_kstart, virt_kend;/* image extent, [start, end) */
    uint64_t virt_entry;            /* ENTRY note, else e_entry */
    uint64_t virt_hypercall;        /* HYPERCALL_PAGE or ELF_UNSET */
    uint64_t p2m_base;              /* INIT_P2M or ELF_UNSET */

    char reason[ELF_REASON_LEN];
};

/* Parse and validate the image; who is copied by pointer, keep it alive. */
int elf_parse(struct elf_image *img, const void *data, size_t size, const char *who);

/* elf_xen_check() flags */
#define ELF_CHECK_DOM0  (1u << 0)   /* loading the hardware domain */

/*
 * Xen's loader policy: XEN_VERSION "xen-3.0*" present, LOADER "generic*" or
 * GUEST_OS "linux*", every '!' feature within hv_features (XENFEAT_* bits the
 * hypervisor offers this guest), for dom0 a SUPPORTED_FEATURES note (when
 * present) with XENFEAT_dom0, HYPERCALL_PAGE page-aligned inside the image.
 */
int elf_xen_check(struct elf_image *img, uint32_t hv_features, unsigned int flags);

/*
 * Write callback for elf_load(): copy len bytes from src to guest virtual
 * address va, or write len zero bytes when src is NULL.  Returns 0 or a
 * negative errno (which elf_load() passes on).
 */
typedef int (*elf_write_fn)(void *ctx, uint64_t va, const void *src, size_t len);

/* Write [virt_kstart, virt_kend): segment data, zeroed bss and gaps. */
int elf_load(struct elf_image *img, elf_write_fn write, void *ctx);

/*
 * Fill a 4 KiB buffer with the hypercall page a kernel with a HYPERCALL_PAGE
 * note expects at that address (syscall stubs; see hypercall_page.c).
 */
void xen_hypercall_page_init(uint8_t *page);

/* Name of a XENFEAT_ bit as FEATURES notes spell it, or NULL. */
const char *elf_xen_feature_name(unsigned int bit);

/* ---- bzImage and compressed payloads --------------------------------- */

enum kernel_format {
    KFMT_UNKNOWN = 0,
    KFMT_ELF,
    KFMT_GZIP,
    KFMT_BZIP2,
    KFMT_LZMA,
    KFMT_XZ,
    KFMT_LZO,
    KFMT_LZ4,
    KFMT_ZSTD,
};

/* What the first bytes of buf are (ELF or a compressor's magic). */
enum kernel_format kernel_format_detect(const void *buf, size_t len);
const char *kernel_format_name(enum kernel_format f);

struct bzimage_info {
    uint16_t version;           /* boot protocol, e.g. 0x020f */
    uint32_t setup_size;        /* bytes before the protected-mode code */
    uint64_t payload_offset;    /* from the start of the file */
    uint64_t payload_length;
    enum kernel_format payload_format;
    uint32_t decompressed_size; /* the little-endian trailer Linux appends */
};

/*
 * 1 and *bi filled if buf is a bzImage (boot protocol >= 2.08) whose
 * payload lies inside buf; 0 if it is not a bzImage at all (no "HdrS");
 * negative errno with reason (who-prefixed) if it is one but unusable.
 */
int bzimage_parse(const void *buf, size_t len, struct bzimage_info *bi,
                  const char *who, char *reason, size_t reason_len);

#endif /* XEN_LIBELF_H */
