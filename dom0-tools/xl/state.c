/*
 * state.c — the configuration xl remembers for each domain it created
 * (what `xl list -l' prints and the monitor restarts from), stored as the
 * libxl-shaped JSON under /var/lib/xen/xl/ like libxl's userdata files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl.h"
#include "xlcfg_parse.h"

const char *xl_state_dir(void)
{
    const char *d = getenv("XL_STATE_DIR");

    return d && *d ? d : "/var/lib/xen/xl";
}

static void state_path(char *buf, size_t len, uint32_t domid,
                       const uint8_t uuid[16])
{
    char u[37];

    xlcfg_uuid_format(uuid, u);
    snprintf(buf, len, "%s/userdata-d.%u.%s.xl-json", xl_state_dir(), domid,
             u);
}

/* mkdir -p for the state directory (two levels at most in practice). */
static int ensure_dir(const char *dir)
{
    char tmp[512], *p;

    snprintf(tmp, sizeof(tmp), "%s", dir);
    for (p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

int xl_state_save(uint32_t domid, const uint8_t uuid[16], const char *json)
{
    char path[600], tmp[620];
    size_t len = strlen(json);
    ssize_t n;
    int fd, rc;

    rc = ensure_dir(xl_state_dir());
    if (rc)
        return rc;
    state_path(path, sizeof(path), domid, uuid);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    n = write(fd, json, len);
    rc = n == (ssize_t)len ? 0 : (n < 0 ? -errno : -EIO);
    if (close(fd) < 0 && !rc)
        rc = -errno;
    /* rename: readers never see a half-written file */
    if (!rc && rename(tmp, path) < 0)
        rc = -errno;
    if (rc)
        unlink(tmp);
    return rc;
}

json_t *xl_state_load(uint32_t domid, const uint8_t uuid[16])
{
    char path[600];

    state_path(path, sizeof(path), domid, uuid);
    return json_load_file(path, 0, NULL);
}

void xl_state_remove(uint32_t domid, const uint8_t uuid[16])
{
    char path[600];

    state_path(path, sizeof(path), domid, uuid);
    unlink(path);
}
