/*
 * decompress.h — whole-buffer xz and gzip decompressors for building dom0
 * (and for the tools, which can link the same objects on the host).
 *
 * Design: one call decompresses a complete input buffer into a complete
 * output buffer.  The output buffer doubles as the LZMA/deflate dictionary,
 * so there is no window copy and no per-byte callback; the caller learns the
 * size it needs beforehand with decompress_size().  Nothing is allocated:
 * the little state the decoders need (LZMA probabilities, Huffman tables)
 * lives in a workspace of decompress_workspace_size() bytes.
 *
 * Formats are recognised by magic: xz (FD 37 7A 58 5A 00) and gzip (1F 8B).
 * xz: any number of concatenated streams with stream padding, any number of
 * blocks, checks none/CRC32/CRC64 (verified) — SHA-256 is rejected as
 * unsupported; filters LZMA2 optionally preceded by x86 BCJ (what Linux's
 * kernel build uses); any other filter is rejected with a reason.
 * gzip: RFC 1952 members (concatenated members are decoded in turn), with
 * RFC 1951 stored/fixed/dynamic blocks, CRC32 and ISIZE verified; the FHCRC
 * header CRC is verified too.
 *
 * Trailing bytes after the last complete xz stream or gzip member are
 * ignored (reported through *in_used by decompress_ex): Linux appends the
 * 4-byte uncompressed size after the payload of a bzImage, and the payload
 * length in the setup header includes it.
 *
 * Every function returns 0 or a negative errno value, using Xen's numbers
 * (written out below so this header does not depend on xen/errno.h, whose
 * names differ on the host test build), and on failure sets *why (when why
 * is not NULL) to a static string saying what was wrong, e.g.
 * "xz: block check (CRC32) mismatch".  Malformed input never makes a
 * decoder read outside [in, in + in_len) or write outside
 * [out, out + out_max).
 */
#ifndef XEN_DECOMPRESS_H
#define XEN_DECOMPRESS_H

#include <xen/types.h>

/* Error values (negated on return); numerically Xen's errno values. */
#define DECOMP_ENOEXEC      8   /* input is not xz or gzip */
#define DECOMP_ENOMEM       12  /* workspace too small */
#define DECOMP_EBUSY        16  /* decompress() re-entered while busy */
#define DECOMP_EINVAL       22  /* corrupt or truncated input, bad argument */
#define DECOMP_ENOSPC       28  /* output buffer too small */
#define DECOMP_EOPNOTSUPP   95  /* valid input using an unsupported feature */

enum decomp_format {
    DECOMP_FMT_UNKNOWN = 0,
    DECOMP_FMT_GZIP,
    DECOMP_FMT_XZ,
};

/* Which format the buffer starts with (by magic only). */
enum decomp_format decompress_detect(const void *in, size_t in_len);
const char *decompress_format_name(enum decomp_format fmt);

/*
 * Uncompressed size, found without decompressing: for xz from the stream
 * indexes (walking back from the last stream footer; trailing non-xz bytes
 * up to 64 are skipped to find it), exact; for gzip the ISIZE field of the
 * last member (the last 4 bytes), which is the size modulo 2^32 and is only
 * a hint if there are several members or trailing bytes — decompression
 * then fails cleanly with -DECOMP_ENOSPC if the buffer proves too small.
 */
int decompress_size(const void *in, size_t in_len, size_t *out_size,
                    const char **why);

/* Bytes of workspace decompress_ex() needs (a constant, about 28 KiB). */
size_t decompress_workspace_size(void);

/*
 * Decompress in[0..in_len) into out[0..out_max).  On success *out_len holds
 * the number of bytes produced and, when in_used is not NULL, *in_used the
 * number of input bytes consumed (anything after it was ignored).  Match
 * copies work in 8- and 32-byte pieces, so bytes of out past *out_len (but
 * never past out_max) may have been written too; on failure the contents
 * of out are unspecified.  ws must be suitably aligned
 * (8 bytes) and hold at least decompress_workspace_size() bytes.
 */
int decompress_ex(const void *in, size_t in_len, void *out, size_t out_max,
                  size_t *out_len, size_t *in_used, void *ws, size_t ws_len,
                  const char **why);

/*
 * As decompress_ex(), with a static workspace: for early boot, where there is
 * one CPU doing this.  A concurrent second call gets -DECOMP_EBUSY.
 */
int decompress(const void *in, size_t in_len, void *out, size_t out_max,
               size_t *out_len, const char **why);

/* The format-specific entry points behind the dispatcher. */
int xz_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
                  size_t out_max, size_t *out_len, size_t *in_used,
                  void *ws, size_t ws_len, const char **why);
int xz_uncompressed_size(const uint8_t *in, size_t in_len, size_t *out_size,
                         const char **why);
int gzip_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
                    size_t out_max, size_t *out_len, size_t *in_used,
                    void *ws, size_t ws_len, const char **why);

/* Checksums (used by both formats; exported for tests). */
uint32_t decomp_crc32(uint32_t crc, const void *buf, size_t len);
uint64_t decomp_crc64(uint64_t crc, const void *buf, size_t len);

#endif /* XEN_DECOMPRESS_H */
