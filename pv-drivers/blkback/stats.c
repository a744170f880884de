/*
 * stats.c — each vbd's request counters, published as files laid out like
 * Linux's blkback sysfs (statistics/{oo_req,rd_req,wr_req,rd_sect,wr_sect}
 * under <dir>/vbd-<domid>-<devid>/), so `xl top' reads ours the way
 * xentop reads the kernel's.  <dir> is /run/xen/blkback unless --stats-dir
 * says otherwise.  Each file is replaced whole (written aside, renamed),
 * so a reader never sees half a number.
 *
 * oo_req is Linux's count of requests that waited for a free request
 * slot; this daemon serves each request as it reads it and has no pool
 * to run out of, so it stays 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkback.h"

static const char *const names[5] = { "oo_req", "rd_req", "wr_req", "rd_sect", "wr_sect" };

void blk_stats_of(const struct blk_io *io, uint64_t out[5])
{
    out[0] = 0;
    out[1] = io->n_read;
    out[2] = io->n_write;
    out[3] = io->n_rd_sect;
    out[4] = io->n_wr_sect;
}

static int mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
            *p = '/';
            return -errno;
        }
        *p = '/';
    }
    return mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

int blk_stats_publish(const char *dir, unsigned int domid, unsigned int devid,
                      const uint64_t v[5])
{
    char d[512], f[600], tmp[620];
    int rc;

    if (snprintf(d, sizeof(d), "%s/vbd-%u-%u/statistics", dir, domid, devid) >= (int)sizeof(d))
        return -ENAMETOOLONG;
    rc = mkdir_p(d);
    if (rc)
        return rc;
    for (int i = 0; i < 5; i++) {
        FILE *fp;

        snprintf(f, sizeof(f), "%s/%s", d, names[i]);
        snprintf(tmp, sizeof(tmp), "%s.tmp", f);
        fp = fopen(tmp, "w");
        if (!fp)
            return -errno;
        fprintf(fp, "%llu\n", (unsigned long long)v[i]);
        if (fclose(fp) != 0 || rename(tmp, f) < 0) {
            rc = -errno;
            unlink(tmp);
            return rc;
        }
    }
    return 0;
}

void blk_stats_remove(const char *dir, unsigned int domid, unsigned int devid)
{
    char p[600];

    for (int i = 0; i < 5; i++) {
        snprintf(p, sizeof(p), "%s/vbd-%u-%u/statistics/%s", dir, domid, devid, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s/vbd-%u-%u/statistics", dir, domid, devid);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/vbd-%u-%u", dir, domid, devid);
    rmdir(p);
}
