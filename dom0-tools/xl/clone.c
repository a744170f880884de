/*
 * clone.c — xl clone <Domain> <NewName> (ours; Xen's xl has none): a
 * checkpoint of a running PV guest restored as a second guest with its own
 * name, UUID and MAC addresses, and a copy of each writable disk image,
 * both running afterwards.  The disks are copied while the original is
 * suspended, so memory and disk contents are of the same instant.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "xl.h"
#include "domain.h"
#include "saverestore.h"
#include "xlcfg_json.h"
#include "xlcfg_parse.h"

/* "/a/disk.img" for clone "b" -> "/a/disk-b.img" ("/a/disk" -> "/a/disk-b"). */
static void clone_path(const char *src, const char *name, char *dst, size_t len)
{
    const char *slash = strrchr(src, '/'), *dot = strrchr(src, '.');

    if (dot && (!slash || dot > slash + 1))
        snprintf(dst, len, "%.*s-%s%s", (int)(dot - src), src, name, dot);
    else
        snprintf(dst, len, "%s-%s", src, name);
}

/* A full copy (the file is sparse-aware only in that holes read as zeroes). */
static int copy_file(const char *src, const char *dst, struct errbuf *eb)
{
    int in = open(src, O_RDONLY | O_CLOEXEC), out;
    struct stat st;
    int rc = 0;

    if (in < 0)
        return eb_fail(eb, -errno, "disk image %s", src);
    if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(in);
        return eb_msg(eb, -EINVAL, "disk image %s is not a regular file: clone copies files only",
                      src);
    }
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return eb_fail(eb, -errno, "creating the clone's disk %s", dst);
    }
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)(st.st_size - done), 0);
        if (n <= 0) {
            rc = eb_fail(eb, n < 0 ? -errno : -EIO, "copying %s to %s", src, dst);
            break;
        }
        done += n;
    }
    if (rc == 0 && fsync(out) < 0)
        rc = eb_fail(eb, -errno, "writing %s", dst);
    close(in);
    close(out);
    if (rc)
        unlink(dst);
    return rc;
}

static void random_mac(char mac[18])
{
    uint8_t b[3] = { 0 };

    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
        b[0] = (uint8_t)getpid();
    snprintf(mac, 18, "00:16:3e:%02x:%02x:%02x", b[0] & 0x7f, b[1], b[2]);
}

int xl_cmd_clone(int argc, char **argv)
{
    struct errbuf eb = { 0 };
    struct domain_info di;
    struct domain_config cfg;
    char err[256], file[512], copied[XLCFG_MAX_DISKS][1024];
    unsigned ncopied = 0;
    const char *newname;
    uint32_t domid, newid = 0;
    uint64_t pages = 0;
    json_t *j;
    char *json;
    int opt, rc;

    while ((opt = xl_getopt(argc, argv, "", NULL, "clone", 2)) != -1)
        ;
    if (argc - optind != 2) {
        xl_help(stderr, "clone");
        return EXIT_FAILURE;
    }
    domid = xl_find_domain(argv[optind]);
    newname = argv[optind + 1];
    if (domain_get_info(domid, &di, &eb)) {
        fprintf(stderr, "%s\n", eb.msg);
        return EXIT_FAILURE;
    }
    j = xl_state_load(domid, di.uuid);
    json = j ? xlcfg_json_dump(j) : NULL;
    json_decref(j);
    if (!json || xlcfg_from_json(json, &cfg, err, sizeof(err))) {
        fprintf(stderr, "unable to retrieve the configuration of domain %u%s%s\n", domid,
                json ? ": " : "", json ? err : "");
        free(json);
        return EXIT_FAILURE;
    }
    snprintf(file, sizeof(file), "%s/clone-%u-%s.save", xl_state_dir(), domid, newname);
    rc = xl_save_to_file(domid, file, json, true, &pages, &eb);
    free(json);
    if (rc) {
        fprintf(stderr, "%s\nxl: clone of domain %u failed (it keeps running)\n", eb.msg, domid);
        return EXIT_FAILURE;
    }
    /* The original is suspended: its disks are quiet. */
    snprintf(cfg.name, sizeof(cfg.name), "%s", newname);
    rc = xlcfg_uuid_generate(cfg.uuid);
    cfg.uuid_set = true;
    for (unsigned i = 0; i < cfg.nr_disks && rc == 0; i++) {
        struct xlcfg_disk *d = &cfg.disks[i];
        if (d->readonly || d->cdrom || !d->target[0])
            continue;
        clone_path(d->target, newname, copied[ncopied], sizeof(copied[0]));
        rc = copy_file(d->target, copied[ncopied], &eb);
        if (rc == 0) {
            fprintf(stderr, "Copied disk %s to %s\n", d->target, copied[ncopied]);
            snprintf(d->target, sizeof(d->target), "%s", copied[ncopied++]);
        }
    }
    for (unsigned i = 0; i < cfg.nr_vifs; i++)
        random_mac(cfg.vifs[i].mac);
    if (domain_save_resume(domid, rc ? NULL : &eb) && rc == 0)
        rc = eb.err ? eb.err : -EIO;
    if (rc == 0)
        rc = xl_restore_from_file(file, &cfg, false, false, &newid, &eb);
    unlink(file);
    if (rc) {
        for (unsigned i = 0; i < ncopied; i++)
            unlink(copied[i]);
        fprintf(stderr, "%s\nxl: clone of domain %u failed\n", eb.msg, domid);
        return EXIT_FAILURE;
    }
    fprintf(stderr, "Cloned domain %u as %s (domain %u)\n", domid, newname, newid);
    return EXIT_SUCCESS;
}
