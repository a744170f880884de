/*
 * stream.c — the bytes of a save file: xl's header, libxl's stream v2
 * framing, libxc's stream v3 headers and records, and the page-table
 * rewriting that makes saved page tables independent of machine frames.
 * Pure file I/O and checks (no hypercalls), so the unit tests drive it on
 * the host; every refusal names the file, the offset and what was wrong.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/uio.h>
#include "saverestore.h"

static const char *const rec_names[] = {
    [SR_REC_END] = "END", [SR_REC_PAGE_DATA] = "PAGE_DATA",
    [SR_REC_X86_PV_INFO] = "X86_PV_INFO", [SR_REC_X86_PV_P2M_FRAMES] = "X86_PV_P2M_FRAMES",
    [SR_REC_X86_PV_VCPU_BASIC] = "X86_PV_VCPU_BASIC",
    [SR_REC_X86_PV_VCPU_EXTENDED] = "X86_PV_VCPU_EXTENDED",
    [SR_REC_X86_PV_VCPU_XSAVE] = "X86_PV_VCPU_XSAVE", [SR_REC_SHARED_INFO] = "SHARED_INFO",
    [SR_REC_X86_TSC_INFO] = "X86_TSC_INFO", [SR_REC_HVM_CONTEXT] = "HVM_CONTEXT",
    [SR_REC_HVM_PARAMS] = "HVM_PARAMS", [SR_REC_TOOLSTACK] = "TOOLSTACK",
    [SR_REC_X86_PV_VCPU_MSRS] = "X86_PV_VCPU_MSRS", [SR_REC_VERIFY] = "VERIFY",
    [SR_REC_CHECKPOINT] = "CHECKPOINT",
    [SR_REC_CHECKPOINT_DIRTY_PFN_LIST] = "CHECKPOINT_DIRTY_PFN_LIST",
    [SR_REC_STATIC_DATA_END] = "STATIC_DATA_END",
    [SR_REC_X86_CPUID_POLICY] = "X86_CPUID_POLICY", [SR_REC_X86_MSR_POLICY] = "X86_MSR_POLICY",
};

const char *sr_rec_name(uint32_t type, char buf[16])
{
    if (type < sizeof(rec_names) / sizeof(rec_names[0]) && rec_names[type])
        return rec_names[type];
    snprintf(buf, 16, "%#" PRIx32, type);
    return buf;
}

/* ------------------------------------------------------------ phase times */

static const char *const phase_names[SR_PH_NR] = {
    [SR_PH_SUSPEND] = "suspend", [SR_PH_P2M] = "p2m", [SR_PH_TYPES] = "types",
    [SR_PH_MAP] = "map", [SR_PH_UNMAP] = "unmap", [SR_PH_COPY] = "copy",
    [SR_PH_PT] = "pagetables", [SR_PH_IO] = "io", [SR_PH_POPULATE] = "populate",
    [SR_PH_FINISH] = "finish",
};

uint64_t sr_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t sr_phase_add(struct sr_io *io, enum sr_phase ph, uint64_t t0)
{
    uint64_t t = sr_now_ns();

    if (ph < SR_PH_NR && t > t0)
        io->phase_ns[ph] += t - t0;
    return t;
}

void sr_phase_format(const struct sr_io *io, char *buf, size_t n)
{
    size_t len = 0;

    buf[0] = 0;
    for (unsigned i = 0; i < SR_PH_NR && len < n; i++) {
        if (io->phase_ns[i] == 0)
            continue;
        int w = snprintf(buf + len, n - len, "%s%s %.3f", len ? " " : "", phase_names[i],
                         io->phase_ns[i] / 1e9);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

/* ------------------------------------------------------------ raw I/O */

int sr_write(struct sr_io *io, const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t t0 = sr_now_ns();

    while (n) {
        ssize_t w = write(io->fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return eb_fail(io->eb, w < 0 ? -errno : -ENOSPC, "writing %s at offset %" PRIu64,
                           io->name, io->off);
        b += w;
        n -= (size_t)w;
        io->off += (uint64_t)w;
    }
    sr_phase_add(io, SR_PH_IO, t0);
    return 0;
}

int sr_read(struct sr_io *io, void *p, size_t n, const char *what)
{
    uint8_t *b = p;
    uint64_t t0 = sr_now_ns();

    while (n) {
        ssize_t r = read(io->fd, b, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return eb_fail(io->eb, -errno, "reading %s at offset %" PRIu64 " (%s)",
                           io->name, io->off, what);
        if (r == 0)
            return eb_msg(io->eb, -EIO, "%s: truncated at offset %" PRIu64 " (reading %s)",
                          io->name, io->off, what);
        b += r;
        n -= (size_t)r;
        io->off += (uint64_t)r;
    }
    sr_phase_add(io, SR_PH_IO, t0);
    return 0;
}

/* ------------------------------------------------------------ records */

static const uint8_t zeroes[8];

int sr_write_record(struct sr_io *io, uint32_t type, const void *a, uint32_t alen,
                    const void *b, uint32_t blen)
{
    uint32_t hdr[2] = { type, alen + blen };
    uint32_t pad = (8 - ((alen + blen) & 7)) & 7;
    int rc = sr_write(io, hdr, sizeof(hdr));

    if (rc == 0 && alen)
        rc = sr_write(io, a, alen);
    if (rc == 0 && blen)
        rc = sr_write(io, b, blen);
    if (rc == 0 && pad)
        rc = sr_write(io, zeroes, pad);
    return rc;
}

/*
 * The same with the body gathered from iov[0..n) and written with
 * writev(2): a save hands the guest's mapped pages straight to the file
 * instead of copying 4 MiB per batch into a buffer first.  Partial writes
 * go on where they stopped; at most SR_IOV_CHUNK vectors per call (IOV_MAX
 * is 1024).
 */
#define SR_IOV_CHUNK 512u

int sr_write_record_iov(struct sr_io *io, uint32_t type, const struct iovec *iov, unsigned n)
{
    uint64_t len = 0;
    uint32_t hdr[2], pad;
    int rc;

    for (unsigned i = 0; i < n; i++)
        len += iov[i].iov_len;
    if (len > SR_MAX_RECORD)
        return eb_msg(io->eb, -EINVAL, "%s: record of %" PRIu64 " bytes is too large to write",
                      io->name, len);
    hdr[0] = type;
    hdr[1] = (uint32_t)len;
    pad = (8 - (hdr[1] & 7)) & 7;
    rc = sr_write(io, hdr, sizeof(hdr));
    if (rc)
        return rc;

    uint64_t t0 = sr_now_ns();
    struct iovec cur = { 0 };
    unsigned next = 0;
    while (next < n || cur.iov_len) {
        struct iovec v[SR_IOV_CHUNK];
        unsigned nv = 0;

        if (cur.iov_len)
            v[nv++] = cur;
        while (nv < SR_IOV_CHUNK && next < n)
            v[nv++] = iov[next++];
        cur.iov_len = 0;
        ssize_t w = writev(io->fd, v, (int)nv);
        if (w < 0 && errno == EINTR) {
            w = 0;
        } else if (w <= 0) {
            return eb_fail(io->eb, w < 0 ? -errno : -ENOSPC, "writing %s at offset %" PRIu64,
                           io->name, io->off);
        }
        io->off += (uint64_t)w;
        /* What writev left: the rest of a vector, then the unsent ones. */
        unsigned i = 0;
        size_t done = (size_t)w;
        while (i < nv && done >= v[i].iov_len)
            done -= v[i++].iov_len;
        if (i < nv) {
            cur.iov_base = (uint8_t *)v[i].iov_base + done;
            cur.iov_len = v[i].iov_len - done;
            next -= nv - i - 1;
        }
    }
    sr_phase_add(io, SR_PH_IO, t0);
    return pad ? sr_write(io, zeroes, pad) : 0;
}

int sr_read_record_head(struct sr_io *io, struct sr_record *rec)
{
    uint32_t hdr[2];
    char nb[16];
    int rc;

    memset(rec, 0, sizeof(*rec));
    rec->off = io->off;
    rc = sr_read(io, hdr, sizeof(hdr), "a record header");
    if (rc)
        return rc;
    rec->type = hdr[0];
    rec->length = hdr[1];
    if (rec->length > SR_MAX_RECORD)
        return eb_msg(io->eb, -EINVAL, "%s: corrupt record at offset %" PRIu64
                      ": type %s, length %" PRIu32 " (more than %u)", io->name, rec->off,
                      sr_rec_name(rec->type, nb), rec->length, SR_MAX_RECORD);
    return 0;
}

int sr_read_record_pad(struct sr_io *io, const struct sr_record *rec)
{
    uint8_t pad[8];

    return rec->length & 7 ? sr_read(io, pad, 8 - (rec->length & 7), "record padding") : 0;
}

int sr_read_record_body(struct sr_io *io, struct sr_record *rec)
{
    char nb[16];
    int rc;

    if (rec->length) {
        rec->data = malloc(rec->length);
        if (!rec->data)
            return eb_fail(io->eb, -ENOMEM, "%s: record at offset %" PRIu64, io->name, rec->off);
        rc = sr_read(io, rec->data, rec->length, sr_rec_name(rec->type, nb));
        if (rc == 0)
            rc = sr_read_record_pad(io, rec);
        if (rc) {
            sr_record_free(rec);
            return rc;
        }
    }
    return 0;
}

int sr_read_record(struct sr_io *io, struct sr_record *rec)
{
    int rc = sr_read_record_head(io, rec);

    return rc ? rc : sr_read_record_body(io, rec);
}

void sr_record_free(struct sr_record *rec)
{
    free(rec->data);
    rec->data = NULL;
}

/* ------------------------------------------------------------ xl header */

int sr_write_xl_header(struct sr_io *io, const char *json)
{
    struct xl_save_header h;
    uint32_t len = json ? (uint32_t)strlen(json) + 1 : 0;
    int rc;

    memset(&h, 0, sizeof(h));
    memcpy(h.magic, XL_SAVE_MAGIC, sizeof(h.magic));
    h.byteorder = XL_SAVE_BYTEORDER;
    h.mandatory_flags = XL_MANDATORY_FLAG_STREAMv2 | (len ? XL_MANDATORY_FLAG_JSON : 0);
    h.optional_data_len = 4 + len;
    rc = sr_write(io, &h, sizeof(h));
    if (rc == 0)
        rc = sr_write(io, &len, 4);
    if (rc == 0 && len)
        rc = sr_write(io, json, len);
    return rc;
}

int sr_read_xl_header(struct sr_io *io, char **json)
{
    struct xl_save_header h;
    uint32_t known = XL_MANDATORY_FLAG_JSON | XL_MANDATORY_FLAG_STREAMv2, len;
    uint8_t *opt = NULL;
    int rc;

    *json = NULL;
    rc = sr_read(io, &h, sizeof(h), "the xl save header");
    if (rc)
        return rc;
    if (memcmp(h.magic, XL_SAVE_MAGIC, sizeof(h.magic)) != 0)
        return eb_msg(io->eb, -EINVAL, "%s: not an xl save file (bad magic at offset 0)", io->name);
    if (h.byteorder != XL_SAVE_BYTEORDER)
        return eb_msg(io->eb, -EINVAL, "%s: saved with another byte order (%#" PRIx32 ")",
                      io->name, h.byteorder);
    if (h.mandatory_flags & ~known)
        return eb_msg(io->eb, -EOPNOTSUPP, "%s: unknown mandatory flags %#" PRIx32
                      " in the xl header (a newer format)", io->name, h.mandatory_flags & ~known);
    if (!(h.mandatory_flags & XL_MANDATORY_FLAG_STREAMv2))
        return eb_msg(io->eb, -EOPNOTSUPP, "%s: a legacy (pre-v2) save image, not supported", io->name);
    if (!(h.mandatory_flags & XL_MANDATORY_FLAG_JSON))
        return eb_msg(io->eb, -EOPNOTSUPP, "%s: the configuration is not JSON (not supported)", io->name);
    if (h.optional_data_len < 4 || h.optional_data_len > SR_MAX_RECORD)
        return eb_msg(io->eb, -EINVAL, "%s: corrupt xl header (optional data of %" PRIu32
                      " bytes)", io->name, h.optional_data_len);
    opt = malloc(h.optional_data_len + 1);
    if (!opt)
        return eb_fail(io->eb, -ENOMEM, "%s: xl header", io->name);
    rc = sr_read(io, opt, h.optional_data_len, "the domain configuration");
    if (rc) {
        free(opt);
        return rc;
    }
    memcpy(&len, opt, 4);
    if (len == 0 || len > h.optional_data_len - 4) {
        free(opt);
        return eb_msg(io->eb, -EINVAL, "%s: corrupt xl header (configuration of %" PRIu32
                      " bytes in %" PRIu32 ")", io->name, len, h.optional_data_len - 4);
    }
    memmove(opt, opt + 4, len);
    opt[len] = 0;               /* xl includes the NUL; be safe if it did not */
    *json = (char *)opt;
    return 0;
}

/* ------------------------------------------------------------ libxl */

int sr_write_libxl_header(struct sr_io *io)
{
    struct { uint64_t ident; uint32_t version, options; } h = {
        htobe64(LIBXL_STREAM_IDENT), htobe32(LIBXL_STREAM_VERSION), 0,
    };
    return sr_write(io, &h, sizeof(h));
}

int sr_read_libxl_header(struct sr_io *io)
{
    struct { uint64_t ident; uint32_t version, options; } h;
    uint64_t at = io->off;
    int rc = sr_read(io, &h, sizeof(h), "the libxl stream header");

    if (rc)
        return rc;
    if (be64toh(h.ident) != LIBXL_STREAM_IDENT)
        return eb_msg(io->eb, -EINVAL, "%s: no libxl stream at offset %" PRIu64
                      " (ident %#" PRIx64 ")", io->name, at, be64toh(h.ident));
    if (be32toh(h.version) != LIBXL_STREAM_VERSION)
        return eb_msg(io->eb, -EOPNOTSUPP, "%s: libxl stream version %" PRIu32
                      " (only %u is known)", io->name, be32toh(h.version), LIBXL_STREAM_VERSION);
    if (be32toh(h.options) & 1)
        return eb_msg(io->eb, -EOPNOTSUPP, "%s: a big-endian stream", io->name);
    if (be32toh(h.options) & 2)
        return eb_msg(io->eb, -EOPNOTSUPP, "%s: a legacy stream (converted from the pre-v2 format), "
                      "not supported", io->name);
    return 0;
}

/* ------------------------------------------------------------ libxc */

struct sr_ihdr { uint64_t marker; uint32_t id, version; uint16_t options, res1; uint32_t res2; };
struct sr_dhdr { uint32_t type; uint16_t page_shift, res1; uint32_t xen_major, xen_minor; };
_Static_assert(sizeof(struct sr_ihdr) == 24, "image header");
_Static_assert(sizeof(struct sr_dhdr) == 16, "domain header");

int sr_write_libxc_headers(struct sr_io *io, uint16_t xen_major, uint16_t xen_minor)
{
    struct sr_ihdr ih = {
        .marker = SR_MARKER, .id = htobe32(SR_IDENT), .version = htobe32(SR_VERSION),
        .options = 0,                       /* little-endian */
    };
    struct sr_dhdr dh = {
        .type = SR_DHDR_TYPE_X86_PV, .page_shift = 12,
        .xen_major = xen_major, .xen_minor = xen_minor,
    };
    int rc = sr_write(io, &ih, sizeof(ih));

    return rc ? rc : sr_write(io, &dh, sizeof(dh));
}

int sr_read_libxc_headers(struct sr_io *io, uint32_t *version)
{
    struct sr_ihdr ih;
    struct sr_dhdr dh;
    uint64_t at = io->off;
    int rc = sr_read(io, &ih, sizeof(ih), "the libxc image header");

    if (rc)
        return rc;
    if (ih.marker != SR_MARKER || be32toh(ih.id) != SR_IDENT)
        return eb_msg(io->eb, -EINVAL, "%s: no libxc image at offset %" PRIu64
                      " (marker %#" PRIx64 ", id %#" PRIx32 ")", io->name, at,
                      ih.marker, be32toh(ih.id));
    *version = be32toh(ih.version);
    if (*version < 2 || *version > 3)
        return eb_msg(io->eb, -EOPNOTSUPP, "%s: libxc stream version %" PRIu32
                      " (versions 2 and 3 are known)", io->name, *version);
    if (be16toh(ih.options) & 1)
        return eb_msg(io->eb, -EOPNOTSUPP, "%s: a big-endian image", io->name);
    at = io->off;
    rc = sr_read(io, &dh, sizeof(dh), "the libxc domain header");
    if (rc)
        return rc;
    if (dh.type != SR_DHDR_TYPE_X86_PV)
        return eb_msg(io->eb, -EOPNOTSUPP, "%s: domain type %" PRIu32 " at offset %" PRIu64
                      " (only x86 PV, 1, is restored here)", io->name, dh.type, at);
    if (dh.page_shift != 12)
        return eb_msg(io->eb, -EINVAL, "%s: page shift %u (4 KiB pages expected)",
                      io->name, dh.page_shift);
    return 0;
}

/* ------------------------------------------------------------ page tables */

int sr_pt_rewrite(uint64_t *pte, unsigned level, sr_frame_map_fn map, void *arg,
                  int *bad_index)
{
    *bad_index = -1;
    if (level < 1 || level > 4)
        return -EINVAL;
    for (unsigned i = 0; i < 512; i++) {
        uint64_t e = pte[i], frame;

        if (level == 4 && i >= SR_L4_XEN_FIRST && i <= SR_L4_XEN_LAST) {
            pte[i] = 0;
            continue;
        }
        if (!(e & SR_PTE_PRESENT))
            continue;
        if ((level == 2 || level == 3) && (e & SR_PTE_PSE)) {
            *bad_index = (int)i;
            return -EINVAL;
        }
        frame = map(arg, SR_PTE_FRAME(e));
        if (frame == ~0ull || frame >= (1ull << 40)) {
            *bad_index = (int)i;
            return -EINVAL;
        }
        pte[i] = (e & ~(((1ull << 40) - 1) << 12)) | (frame << 12);
    }
    return 0;
}
