/*
 * bzimage.c — recognising what a kernel file is: an ELF, a compressed blob
 * (by the compressor's magic), or a Linux bzImage, whose setup header
 * (boot protocol 2.08 and later) says where the compressed ELF payload is.
 * Distributions ship vmlinuz as a bzImage; Xen loads the payload, not the
 * real-mode setup code.  Decompression itself is hypervisor/common/decompress/.
 *
 * Setup header facts used (offsets from the start of the file):
 *   0x1f1 setup_sects (u8; 0 means 4)     0x1fe boot_flag 0xaa55
 *   0x202 "HdrS"                          0x206 version (u16)
 *   0x248 payload_offset (u32, from the protected-mode code)
 *   0x24c payload_length (u32)
 * The protected-mode code starts at (setup_sects + 1) * 512.  The kernel
 * build appends the decompressed size as a little-endian u32 to the payload.
 */
#include "libelf-private.h"

#define BZ_SETUP_SECTS      0x1f1
#define BZ_BOOT_FLAG        0x1fe
#define BZ_HEADER           0x202
#define BZ_VERSION          0x206
#define BZ_PAYLOAD_OFFSET   0x248
#define BZ_PAYLOAD_LENGTH   0x24c
#define BZ_MIN_SIZE         0x250   /* header through payload_length */
#define BZ_MIN_VERSION      0x0208

static const struct {
    enum kernel_format fmt;
    uint8_t len;
    uint8_t magic[6];
} magics[] = {
    { KFMT_ELF,   4, { 0x7f, 'E', 'L', 'F' } },
    { KFMT_GZIP,  2, { 0x1f, 0x8b } },
    { KFMT_GZIP,  2, { 0x1f, 0x9e } },              /* old gzip */
    { KFMT_BZIP2, 3, { 'B', 'Z', 'h' } },
    { KFMT_LZMA,  3, { 0x5d, 0x00, 0x00 } },
    { KFMT_XZ,    6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
    { KFMT_LZO,   4, { 0x89, 'L', 'Z', 'O' } },
    { KFMT_LZ4,   4, { 0x02, 0x21, 0x4c, 0x18 } },  /* legacy frame, as Linux uses */
    { KFMT_LZ4,   4, { 0x04, 0x22, 0x4d, 0x18 } },  /* standard frame */
    { KFMT_ZSTD,  4, { 0x28, 0xb5, 0x2f, 0xfd } },
};

enum kernel_format kernel_format_detect(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    unsigned int i, k;

    if (!p)
        return KFMT_UNKNOWN;
    for (i = 0; i < ARRAY_LEN(magics); i++) {
        if (len < magics[i].len)
            continue;
        for (k = 0; k < magics[i].len && p[k] == magics[i].magic[k]; k++)
            ;
        if (k == magics[i].len)
            return magics[i].fmt;
    }
    return KFMT_UNKNOWN;
}

const char *kernel_format_name(enum kernel_format f)
{
    switch (f) {
    case KFMT_ELF:   return "ELF";
    case KFMT_GZIP:  return "gzip";
    case KFMT_BZIP2: return "bzip2";
    case KFMT_LZMA:  return "lzma";
    case KFMT_XZ:    return "xz";
    case KFMT_LZO:   return "lzo";
    case KFMT_LZ4:   return "lz4";
    case KFMT_ZSTD:  return "zstd";
    case KFMT_UNKNOWN:
        break;
    }
    return "unknown";
}

int bzimage_parse(const void *buf, size_t len, struct bzimage_info *bi,
                  const char *who, char *reason, size_t reason_len)
{
    const uint8_t *p = buf;
    unsigned int sects;
    uint64_t start;

    if (!p || len < BZ_MIN_SIZE)
        return 0;
    if (p[BZ_HEADER] != 'H' || p[BZ_HEADER + 1] != 'd' || p[BZ_HEADER + 2] != 'r' ||
        p[BZ_HEADER + 3] != 'S')
        return 0;

    *bi = (struct bzimage_info){ 0 };
    bi->version = elf_get16(p + BZ_VERSION);
    if (bi->version < BZ_MIN_VERSION) {
        elf_format(reason, reason_len, who, "bzImage boot protocol %u.%02u is too old "
                   "(2.08 or later needed)", bi->version >> 8, bi->version & 0xff);
        return -ENOEXEC;
    }
    if (elf_get16(p + BZ_BOOT_FLAG) != 0xaa55) {
        elf_format(reason, reason_len, who, "bzImage has no 0xaa55 boot flag");
        return -ENOEXEC;
    }
    sects = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;
    bi->setup_size = (sects + 1) * 512;
    start = (uint64_t)bi->setup_size + elf_get32(p + BZ_PAYLOAD_OFFSET);
    bi->payload_offset = start;
    bi->payload_length = elf_get32(p + BZ_PAYLOAD_LENGTH);
    if (bi->payload_length < 4 || !elf_range_ok(start, bi->payload_length, len)) {
        elf_format(reason, reason_len, who, "bzImage payload (offset %#llx, %llu bytes) is "
                   "not inside the %llu-byte file", (unsigned long long)start,
                   (unsigned long long)bi->payload_length, (unsigned long long)len);
        return -ENOEXEC;
    }
    bi->payload_format = kernel_format_detect(p + start, bi->payload_length);
    if (bi->payload_format == KFMT_UNKNOWN) {
        elf_format(reason, reason_len, who, "bzImage payload format not recognised "
                   "(starts %02x %02x %02x %02x)", p[start], p[start + 1], p[start + 2],
                   p[start + 3]);
        return -EOPNOTSUPP;
    }
    bi->decompressed_size = elf_get32(p + start + bi->payload_length - 4);
    return 1;
}
