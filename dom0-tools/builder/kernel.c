/*
 * kernel.c — turn a kernel file into an ELF image in memory: a plain ELF
 * is mapped as is; a bzImage's payload is decompressed with Debian's
 * liblzma (xz, lzma), zlib (gzip) or libzstd (zstd).
 *
 * Decompressing Debian's 8 MB xz vmlinuz into its 66 MB ELF is most of the
 * cost of creating a domain (seconds under emulation), and the result is
 * the same every time, so decompressed kernels are cached in a directory,
 * keyed by a hash of the compressed file's bytes: a repeated create only
 * hashes the file (tens of milliseconds) and maps the cached ELF.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include "builder.h"

/* Decompressed kernels larger than this are refused (Linux's are ~70 MB). */
#define MAX_ELF_SIZE (1ULL << 30)


int pv_kernel_cache_key(const void *data, size_t len, char key[17])
{
    /* Two independent checksums over the bytes plus the length: collisions
     * would need to defeat both; this is an integrity key, not security. */
    uLong c = crc32(0L, Z_NULL, 0);
    uLong a = adler32(0L, Z_NULL, 0);
    const uint8_t *p = data;
    size_t left = len;
    while (left) {
        uInt n = left > (1u << 30) ? (1u << 30) : (uInt)left;
        c = crc32(c, p, n);
        a = adler32(a, p, n);
        p += n;
        left -= n;
    }
    snprintf(key, 17, "%08lx%08lx", (unsigned long)(c ^ (uint32_t)len), (unsigned long)a);
    return 0;
}

static int decompress_xz(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max,
                         size_t *out_len, bool alone, const char **why)
{
    lzma_stream s = LZMA_STREAM_INIT;
    lzma_ret r = alone ? lzma_alone_decoder(&s, UINT64_MAX)
                       : lzma_stream_decoder(&s, UINT64_MAX, 0);
    if (r != LZMA_OK) {
        *why = "cannot initialise the xz decoder";
        return -ENOMEM;
    }
    s.next_in = in;
    s.avail_in = in_len;
    s.next_out = out;
    s.avail_out = out_max;
    r = lzma_code(&s, LZMA_FINISH);
    *out_len = out_max - s.avail_out;
    lzma_end(&s);
    /* One stream is the kernel; Linux's appended size field follows it. */
    if (r == LZMA_STREAM_END)
        return 0;
    if (r == LZMA_BUF_ERROR && s.avail_out == 0) {
        *why = "decompressed data larger than announced";
        return -EFBIG;
    }
    *why = r == LZMA_MEM_ERROR ? "out of memory" : r == LZMA_FORMAT_ERROR ? "not xz data"
         : r == LZMA_OPTIONS_ERROR ? "unsupported xz options" : "corrupt xz data";
    return -EINVAL;
}

static int decompress_gzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max,
                           size_t *out_len, const char **why)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        *why = "cannot initialise zlib";
        return -ENOMEM;
    }
    int r = Z_OK;
    size_t done_in = 0, done_out = 0;
    /* zlib counts in uInt: feed in slices. */
    while (r != Z_STREAM_END) {
        size_t ci = in_len - done_in, co = out_max - done_out;
        z.next_in = (Bytef *)in + done_in;
        z.avail_in = ci > (1u << 30) ? (1u << 30) : (uInt)ci;
        z.next_out = out + done_out;
        z.avail_out = co > (1u << 30) ? (1u << 30) : (uInt)co;
        uInt ai = z.avail_in, ao = z.avail_out;
        r = inflate(&z, Z_NO_FLUSH);
        done_in += ai - z.avail_in;
        done_out += ao - z.avail_out;
        if (r == Z_STREAM_END)
            break;
        if (r != Z_OK || (ai == z.avail_in && ao == z.avail_out)) {
            *why = done_out == out_max ? "decompressed data larger than announced" : "corrupt gzip data";
            inflateEnd(&z);
            return -EINVAL;
        }
    }
    inflateEnd(&z);
    *out_len = done_out;
    return 0;
}

static int decompress_zstd(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max,
                           size_t *out_len, const char **why)
{
    ZSTD_DCtx *d = ZSTD_createDCtx();
    if (!d) {
        *why = "cannot initialise zstd";
        return -ENOMEM;
    }
    ZSTD_inBuffer ib = { in, in_len, 0 };
    ZSTD_outBuffer ob = { out, out_max, 0 };
    size_t r;
    do {
        r = ZSTD_decompressStream(d, &ob, &ib);
        if (ZSTD_isError(r)) {
            ZSTD_freeDCtx(d);
            *why = ZSTD_getErrorName(r);
            return -EINVAL;
        }
        /* Stop at the end of the frame: the appended size field follows. */
    } while (r != 0 && ib.pos < ib.size && ob.pos < ob.size);
    ZSTD_freeDCtx(d);
    if (r != 0) {
        *why = ob.pos == ob.size ? "decompressed data larger than announced" : "truncated zstd data";
        return -EINVAL;
    }
    *out_len = ob.pos;
    return 0;
}

/* Map a whole file read-only; *fdp (if not NULL) keeps the descriptor open. */
static int map_file(const char *path, void **data, size_t *len, int *fdp, struct stat *stp)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    int rc = 0;

    if (fdp)
        *fdp = -1;
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0) {
        rc = -errno;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
        goto out;
    }
    if (st.st_size == 0) {
        rc = -ENOEXEC;
        goto out;
    }
    *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (*data == MAP_FAILED) {
        rc = -errno;
        goto out;
    }
    *len = (size_t)st.st_size;
    if (stp)
        *stp = st;
    if (fdp) {
        *fdp = fd;
        fd = -1;
    }
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

static bool is_elf64(const void *p, size_t len)
{
    const uint8_t *e = p;
    return len >= 64 && memcmp(e, "\177ELF", 4) == 0 && e[4] == 2;
}

/* Store a fresh ELF in the cache; failures only cost the next create time. */
static int cache_store(const char *dir, const char *key, const void *elf, size_t len)
{
    char tmp[1100], final[1100];
    int fd;

    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        /* Parent may be missing (fresh /var/lib/xen). */
        char parent[1024];
        snprintf(parent, sizeof(parent), "%s", dir);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent) {
            *slash = 0;
            mkdir(parent, 0755);
        }
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
            return -1;
    }
    snprintf(tmp, sizeof(tmp), "%s/.%s.%d.tmp", dir, key, (int)getpid());
    snprintf(final, sizeof(final), "%s/%s.elf", dir, key);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    const uint8_t *p = elf;
    size_t left = len;
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n <= 0) {
            close(fd);
            unlink(tmp);
            return -1;
        }
        p += n;
        left -= (size_t)n;
    }
    close(fd);
    if (rename(tmp, final) < 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Point by-stat/<identity> at <key>.elf (best effort). */
static void cache_link(const char *dir, const char *spath, const char *key)
{
    char d[1100], target[64], tmp[1300];

    snprintf(d, sizeof(d), "%s/by-stat", dir);
    mkdir(d, 0755);
    snprintf(target, sizeof(target), "../%s.elf", key);
    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", spath, (int)getpid());
    if (symlink(target, tmp) == 0 && rename(tmp, spath) < 0)
        unlink(tmp);
}

static int kernel_load(const char *path, const struct pv_kernel_opts *opts,
                       struct pv_kernel *k, struct errbuf *eb);

int pv_kernel_load(const char *path, const struct pv_kernel_opts *opts,
                   struct pv_kernel *k, struct errbuf *eb)
{
    struct elf_image *img = malloc(sizeof(*img));
    int rc;

    if (!img)
        return eb_fail(eb, -ENOMEM, "kernel %s", path);
    rc = kernel_load(path, opts, k, eb);
    if (rc == 0) {
        rc = pv_kernel_parse(k, img, eb);
        if (rc < 0)
            pv_kernel_free(k);
    }
    free(img);
    return rc;
}

static int kernel_load(const char *path, const struct pv_kernel_opts *opts,
                       struct pv_kernel *k, struct errbuf *eb)
{
    void *file = NULL;
    size_t flen = 0;
    const uint8_t *pl;
    size_t pl_len;
    uint8_t *out = NULL;
    size_t out_max = 0, out_len = 0;
    const char *why = NULL;
    char key[17], cpath[1100];
    int rc;

    struct stat fst;
    int ffd = -1;

    memset(k, 0, sizeof(*k));
    k->fd = -1;
    snprintf(k->path, sizeof(k->path), "%s", path);
    rc = map_file(path, &file, &flen, &ffd, &fst);
    if (rc == -ENOEXEC)
        return eb_msg(eb, rc, "kernel %s: empty file, not an ELF or bzImage", path);
    if (rc == -EINVAL)
        return eb_msg(eb, rc, "kernel %s: not a regular file", path);
    if (rc < 0)
        return eb_fail(eb, rc, "kernel %s", path);

    if (is_elf64(file, flen)) {
        k->elf = file;
        k->elf_size = k->map_len = flen;
        k->elf_mapped = true;
        k->fd = ffd;
        ffd = -1;
        snprintf(k->format, sizeof(k->format), "ELF");
        return 0;
    }
    struct bzimage_info bi;
    char reason[ELF_REASON_LEN + 64];
    snprintf(reason, sizeof(reason), "kernel %s", path);
    int bz = bzimage_parse(file, flen, &bi, reason, reason, sizeof(reason));
    if (bz == 0) {
        rc = eb_msg(eb, -ENOEXEC, "kernel %s: not an ELF or bzImage", path);
        goto out;
    }
    if (bz < 0) {
        rc = eb_msg(eb, bz, "%s", reason);
        goto out;
    }
    pl = (const uint8_t *)file + bi.payload_offset;
    pl_len = bi.payload_length;

    bool use_cache = opts && opts->cache_dir && opts->cache_dir[0];
    char spath[1200];
    if (use_cache) {
        /* by-stat/<identity> links to <hash>.elf, so an unchanged file is
         * not even read again; a changed one (new inode, size, mtime or
         * ctime) gets hashed, and identical bytes still share the entry. */
        snprintf(spath, sizeof(spath), "%s/by-stat/%llx-%llx-%llx-%llx.%09ld-%llx.%09ld",
                 opts->cache_dir, (unsigned long long)fst.st_dev, (unsigned long long)fst.st_ino,
                 (unsigned long long)fst.st_size, (unsigned long long)fst.st_mtim.tv_sec,
                 fst.st_mtim.tv_nsec, (unsigned long long)fst.st_ctim.tv_sec, fst.st_ctim.tv_nsec);
        void *c;
        size_t clen;
        int cfd;
        bool hit = map_file(spath, &c, &clen, &cfd, NULL) == 0;
        if (!hit) {
            pv_kernel_cache_key(file, flen, key);
            snprintf(cpath, sizeof(cpath), "%s/%s.elf", opts->cache_dir, key);
            hit = map_file(cpath, &c, &clen, &cfd, NULL) == 0;
            if (hit)
                cache_link(opts->cache_dir, spath, key);
        }
        if (hit) {
            if (is_elf64(c, clen)) {
                k->elf = c;
                k->elf_size = k->map_len = clen;
                k->elf_mapped = true;
                k->from_cache = true;
                k->fd = cfd;
                snprintf(k->format, sizeof(k->format), "bzImage (cached ELF)");
                rc = 0;
                goto out;
            }
            munmap(c, clen);
            close(cfd);
        }
    }

    /* Linux appends the decompressed size to the payload. */
    out_max = bi.decompressed_size;
    if (out_max < 64 || out_max > MAX_ELF_SIZE) {
        rc = eb_msg(eb, -ENOEXEC, "kernel %s: bzImage payload announces an implausible size (%zu bytes)",
                    path, out_max);
        goto out;
    }
    /* Pre-faulted in one call: one fault per page of a 66 MB buffer costs
     * seconds in a PV dom0 under emulation. */
    out = mmap(NULL, out_max, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (out == MAP_FAILED) {
        out = NULL;
        rc = eb_fail(eb, -ENOMEM, "kernel %s: buffer for %zu decompressed bytes", path, out_max);
        goto out;
    }
    snprintf(k->format, sizeof(k->format), "bzImage+%s", kernel_format_name(bi.payload_format));
    switch (bi.payload_format) {
    case KFMT_XZ:
        rc = decompress_xz(pl, pl_len, out, out_max, &out_len, false, &why);
        break;
    case KFMT_LZMA:
        rc = decompress_xz(pl, pl_len, out, out_max, &out_len, true, &why);
        break;
    case KFMT_GZIP:
        rc = decompress_gzip(pl, pl_len, out, out_max, &out_len, &why);
        break;
    case KFMT_ZSTD:
        rc = decompress_zstd(pl, pl_len, out, out_max, &out_len, &why);
        break;
    default:
        rc = eb_msg(eb, -EOPNOTSUPP, "kernel %s: bzImage payload compression %s not supported "
                    "(xz, gzip, zstd and lzma are)", path, kernel_format_name(bi.payload_format));
        goto out;
    }
    if (rc < 0) {
        rc = eb_msg(eb, rc, "kernel %s: %s payload: %s", path, k->format + 8, why);
        goto out;
    }
    if (!is_elf64(out, out_len)) {
        rc = eb_msg(eb, -ENOEXEC, "kernel %s: bzImage payload is not an ELF64 image", path);
        goto out;
    }
    xc_trace("kernel %s: decompressed %zu bytes", path, out_len);
    if (use_cache && cache_store(opts->cache_dir, key, out, out_len) == 0)
        cache_link(opts->cache_dir, spath, key);
    if (use_cache)
        xc_trace("kernel %s: cached", path);
    k->elf = out;
    k->elf_size = out_len;
    k->map_len = out_max;
    k->elf_mapped = true;
    out = NULL;
    rc = 0;
out:
    if (out)
        munmap(out, out_max);
    if (file && file != k->elf)
        munmap(file, flen);
    if (ffd >= 0)
        close(ffd);
    return rc;
}

void pv_kernel_free(struct pv_kernel *k)
{
    if (k->fd >= 0)
        close(k->fd);
    k->fd = -1;
    if (k->elf && k->elf_mapped)
        munmap(k->elf, k->map_len);
    k->elf = NULL;
}

int pv_kernel_parse(const struct pv_kernel *k, struct elf_image *img, struct errbuf *eb)
{
    char who[1100];
    int rc;

    snprintf(who, sizeof(who), "kernel %s", k->path);
    rc = elf_parse(img, k->elf, k->elf_size, who);
    if (rc == 0)
        rc = elf_xen_check(img, PV_DOMU_XENFEATS, 0);
    /* libelf's reason strings already carry the "kernel <path>:" prefix. */
    if (rc < 0)
        return eb_msg(eb, rc, "%s", img->reason[0] ? img->reason : who);
    return 0;
}
