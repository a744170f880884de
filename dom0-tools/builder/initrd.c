/*
 * initrd.c — the ramdisk as the guest gets it.  libxc gunzips a gzip
 * ramdisk in dom0 and gives the guest the plain cpio (the guest then only
 * copies it out); we do the same, so a guest boots the same way under our
 * xl as under Xen's.  Under TCG the guest's own inflate of Debian's 1 MB
 * busybox initramfs took 0.4-0.5 s of its boot.
 *
 * With a cache directory the plain image is kept there (as the decompressed
 * kernel is), keyed by the file's identity (device, inode, size, mtime), so
 * the next create of the same ramdisk is a copy.  Anything that is not a
 * single, well-formed gzip member (plain cpio, concatenated archives, other
 * compressors, corrupt data) goes to the guest verbatim: Linux unpacks
 * whatever initramfs formats it was built with.
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
#include <zlib.h>
#include "builder.h"

#define INITRD_MAX (1ULL << 30)     /* what fits below Linux's 1 GiB anyway */

static int read_all_at(int fd, void *buf, size_t len, off_t off)
{
    uint8_t *p = buf;

    while (len) {
        ssize_t n = pread(fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        p += n;
        off += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One gzip member producing exactly want bytes, nothing but zeros after it. */
static bool gunzip_exact(const uint8_t *in, size_t in_len, uint8_t *out, size_t want)
{
    z_stream z;
    bool ok = false;

    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return false;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)in_len;
    z.next_out = out;
    z.avail_out = (uInt)want;
    int r;
    do {
        r = inflate(&z, Z_FINISH);
    } while (r == Z_OK && z.avail_out && z.avail_in);
    if (r == Z_STREAM_END && z.total_out == want) {
        ok = true;
        for (uInt i = 0; i < z.avail_in; i++)
            if (z.next_in[i])
                ok = false;         /* another member or archive follows */
    }
    inflateEnd(&z);
    return ok;
}

static void cache_name(char *out, size_t len, const char *dir, const struct stat *st)
{
    snprintf(out, len, "%s/initrd-%" PRIx64 "-%" PRIu64 "-%" PRIu64 "-%" PRId64 ".%09ld.cpio",
             dir, (uint64_t)st->st_dev, (uint64_t)st->st_ino, (uint64_t)st->st_size,
             (int64_t)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
}

/* Best effort: a failure only costs the next create its decompression. */
static void cache_store(const char *dir, const char *final, const void *data, size_t len)
{
    char tmp[1300];
    const uint8_t *p = data;
    int fd;

    mkdir(dir, 0755);
    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", final, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n <= 0)
            break;
        p += n;
        len -= (size_t)n;
    }
    if (close(fd) == 0 && len == 0 && rename(tmp, final) == 0)
        return;
    unlink(tmp);
}

int pv_initrd_open(const char *path, const char *cache_dir, struct pv_initrd *rd,
                   struct errbuf *eb)
{
    uint8_t *in = MAP_FAILED, *out = NULL;
    char cpath[1200];
    struct stat st;
    int rc = 0;

    memset(rd, 0, sizeof(*rd));
    rd->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (rd->fd < 0)
        return eb_fail(eb, -errno, "ramdisk %s", path);
    if (fstat(rd->fd, &st) < 0) {
        rc = eb_fail(eb, -errno, "ramdisk %s", path);
        goto out;
    }
    rd->len = (uint64_t)st.st_size;
    snprintf(rd->format, sizeof(rd->format), "as is");
    uint8_t head[2], tail[4];
    if (st.st_size < 18 || read_all_at(rd->fd, head, 2, 0) || head[0] != 0x1f || head[1] != 0x8b ||
        read_all_at(rd->fd, tail, 4, st.st_size - 4))
        goto out;                   /* not gzip: verbatim */
    uint64_t want = (uint64_t)tail[0] | (uint64_t)tail[1] << 8 | (uint64_t)tail[2] << 16 |
                    (uint64_t)tail[3] << 24;
    /* ISIZE is the size mod 2^32 of the last member; anything odd goes verbatim. */
    if (want < (uint64_t)st.st_size || want > INITRD_MAX || st.st_size > (off_t)UINT32_MAX)
        goto out;

    if (cache_dir && cache_dir[0]) {
        struct stat cs;
        cache_name(cpath, sizeof(cpath), cache_dir, &st);
        int cfd = open(cpath, O_RDONLY | O_CLOEXEC);
        if (cfd >= 0 && fstat(cfd, &cs) == 0 && (uint64_t)cs.st_size == want) {
            close(rd->fd);
            rd->fd = cfd;
            rd->len = want;
            rd->from_cache = true;
            snprintf(rd->format, sizeof(rd->format), "gzip, cached");
            goto out;
        }
        if (cfd >= 0)
            close(cfd);
    }
    in = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, rd->fd, 0);
    out = malloc((size_t)want);
    if (in == MAP_FAILED || !out)
        goto out;                   /* no memory to unpack it here: the guest will */
    if (!gunzip_exact(in, (size_t)st.st_size, out, (size_t)want))
        goto out;
    rd->data = out;
    out = NULL;
    rd->len = want;
    snprintf(rd->format, sizeof(rd->format), "gzip, unpacked");
    if (cache_dir && cache_dir[0])
        cache_store(cache_dir, cpath, rd->data, (size_t)want);
out:
    if (in != MAP_FAILED)
        munmap(in, (size_t)st.st_size);
    free(out);
    if (rc < 0) {
        close(rd->fd);
        rd->fd = -1;
    }
    return rc;
}

int pv_initrd_copy(const struct pv_initrd *rd, uint8_t *dst, struct errbuf *eb)
{
    if (rd->data) {
        memcpy(dst, rd->data, (size_t)rd->len);
        return 0;
    }
    int rc = read_all_at(rd->fd, dst, (size_t)rd->len, 0);
    return rc ? eb_fail(eb, rc == -EIO ? -EIO : rc, "ramdisk: read (file shrank?)") : 0;
}

void pv_initrd_close(struct pv_initrd *rd)
{
    if (rd->fd >= 0)
        close(rd->fd);
    free(rd->data);
    memset(rd, 0, sizeof(*rd));
    rd->fd = -1;
}
