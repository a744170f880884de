/*
 * xenstore_lib.h - helpers shared by libxenstore users and xenstored:
 * permission records, daemon paths, string/permission conversion.
 * Prototypes match Xen 4.17's tools/include/xenstore_lib.h so programs
 * written against Xen's library build unchanged; the text is ours.
 */
#ifndef XENSTORE_LIB_H
#define XENSTORE_LIB_H

#include <stddef.h>
#include <stdbool.h>
#include <limits.h>
#include <errno.h>
#include <stdint.h>
#include "public/io/xs_wire.h"

struct xs_permissions {
    unsigned int id;    /* domain id */
    unsigned int perms; /* XS_PERM_* bits */
#define XS_PERM_NONE      0x00
#define XS_PERM_READ      0x01
#define XS_PERM_WRITE     0x02
#define XS_PERM_ENOENT_OK 0x04 /* daemon-internal */
#define XS_PERM_OWNER     0x08 /* daemon-internal */
#define XS_PERM_IGNORE    0x10 /* daemon-internal */
};

/* Characters needed to print an unsigned value of type x in decimal. */
#define MAX_STRLEN(x) ((sizeof(x) * CHAR_BIT + CHAR_BIT - 1) / 10 * 3 + 2)

/* $XENSTORED_RUNDIR, else /var/run/xenstored. */
const char *xs_daemon_rundir(void);
/* $XENSTORED_PATH, else <rundir>/socket. */
const char *xs_daemon_socket(void);
/* Same socket: 4.17 dropped the separate read-only one. */
const char *xs_daemon_socket_ro(void);

bool xs_write_all(int fd, const void *data, unsigned int len);

/* Parse num NUL-terminated "<letter><domid>" strings into perms. */
bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num,
                         const char *strings);

/* Our extension (Xen keeps it private to its tools): "<letter><domid>". */
bool xs_perm_to_string(const struct xs_permissions *perm, char *buffer,
                       size_t buf_len);

#endif /* XENSTORE_LIB_H */
