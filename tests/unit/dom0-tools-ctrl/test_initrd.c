/*
 * test_initrd.c — the ramdisk the builder gives a guest (builder/initrd.c):
 * a gzip image unpacked in dom0 as libxc does, kept in the cache directory
 * and taken from there the next time; plain, concatenated and corrupt
 * images go to the guest verbatim; a missing file is an error naming it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include "builder.h"

static char dir[64], cache[96];
static uint8_t plain[300000];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/initrd-test-XXXXXX");
    cr_assert(mkdtemp(dir));
    snprintf(cache, sizeof(cache), "%s/cache", dir);
    for (size_t i = 0; i < sizeof(plain); i++)
        plain[i] = (uint8_t)((i * 7) ^ (i >> 9));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static void write_file(const char *name, const void *data, size_t len, char *path)
{
    sprintf(path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void write_gz(const char *name, int members, char *path)
{
    sprintf(path, "%s/%s", dir, name);
    for (int m = 0; m < members; m++) {
        gzFile g = gzopen(path, m ? "ab" : "wb");
        cr_assert(g);
        cr_assert_eq(gzwrite(g, plain, sizeof(plain)), (int)sizeof(plain));
        gzclose(g);
    }
}

static void check_contents(const struct pv_initrd *rd, const void *want, size_t len)
{
    uint8_t *buf = malloc(len);
    cr_assert_eq(rd->len, len);
    cr_assert_eq(pv_initrd_copy(rd, buf, NULL), 0);
    cr_assert_eq(memcmp(buf, want, len), 0);
    free(buf);
}

TestSuite(ctrl_initrd, .init = setup, .fini = teardown);

Test(ctrl_initrd, gzip_is_unpacked_then_cached)
{
    struct pv_initrd rd;
    char path[128];
    struct stat st;

    write_gz("rd.gz", 1, path);
    cr_assert_eq(pv_initrd_open(path, cache, &rd, NULL), 0);
    cr_assert_str_eq(rd.format, "gzip, unpacked");
    cr_assert(!rd.from_cache);
    check_contents(&rd, plain, sizeof(plain));
    pv_initrd_close(&rd);

    cr_assert_eq(pv_initrd_open(path, cache, &rd, NULL), 0);
    cr_assert(rd.from_cache, "second open must come from the cache");
    cr_assert_str_eq(rd.format, "gzip, cached");
    check_contents(&rd, plain, sizeof(plain));
    pv_initrd_close(&rd);

    /* A changed file has a new identity: unpacked again, never the stale copy. */
    sleep(1);
    plain[0] ^= 0xff;
    write_gz("rd.gz", 1, path);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(pv_initrd_open(path, cache, &rd, NULL), 0);
    cr_assert(!rd.from_cache);
    check_contents(&rd, plain, sizeof(plain));
    pv_initrd_close(&rd);
}

Test(ctrl_initrd, gzip_without_cache_dir)
{
    struct pv_initrd rd;
    char path[128];

    write_gz("rd.gz", 1, path);
    cr_assert_eq(pv_initrd_open(path, NULL, &rd, NULL), 0);
    cr_assert_str_eq(rd.format, "gzip, unpacked");
    check_contents(&rd, plain, sizeof(plain));
    pv_initrd_close(&rd);
    cr_assert_neq(access(cache, F_OK), 0, "no cache directory made");
}

Test(ctrl_initrd, plain_cpio_verbatim)
{
    struct pv_initrd rd;
    char path[128];

    write_file("rd.cpio", plain, sizeof(plain), path);
    cr_assert_eq(pv_initrd_open(path, cache, &rd, NULL), 0);
    cr_assert_str_eq(rd.format, "as is");
    check_contents(&rd, plain, sizeof(plain));
    pv_initrd_close(&rd);
}

/* ISIZE covers the last member only: unpacking the first would lose data. */
Test(ctrl_initrd, concatenated_members_verbatim)
{
    struct pv_initrd rd;
    char path[128];
    struct stat st;

    write_gz("rd2.gz", 2, path);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(pv_initrd_open(path, cache, &rd, NULL), 0);
    cr_assert_str_eq(rd.format, "as is");
    cr_assert_eq(rd.len, (uint64_t)st.st_size);
    pv_initrd_close(&rd);
}

Test(ctrl_initrd, corrupt_gzip_verbatim)
{
    struct pv_initrd rd;
    char path[128];
    struct stat st;

    write_gz("bad.gz", 1, path);
    cr_assert_eq(stat(path, &st), 0);
    FILE *f = fopen(path, "r+b");
    fseek(f, st.st_size / 2, SEEK_SET);
    fwrite("\xde\xad\xbe\xef\xde\xad\xbe\xef", 1, 8, f);
    fclose(f);
    cr_assert_eq(pv_initrd_open(path, cache, &rd, NULL), 0);
    cr_assert_str_eq(rd.format, "as is");
    cr_assert_eq(rd.len, (uint64_t)st.st_size);
    pv_initrd_close(&rd);
}

Test(ctrl_initrd, missing_file_named)
{
    struct pv_initrd rd;
    struct errbuf eb = { 0 };
    char path[128];

    sprintf(path, "%s/nothere", dir);
    cr_assert_eq(pv_initrd_open(path, cache, &rd, &eb), -ENOENT);
    cr_assert(strstr(eb.msg, "ramdisk") && strstr(eb.msg, "nothere") && strstr(eb.msg, "ENOENT"),
              "%s", eb.msg);
}
