/*
 * xs_wire.h - the xenstore wire protocol: message types, the error-name table
 * and the shared ring page a guest uses to talk to xenstored.  Values follow
 * Xen's public ABI (include/public/io/xs_wire.h); the text is ours.  Used by
 * xenstored, libxenstore, the tools and (freestanding) by the hypervisor and
 * PV drivers, so it only depends on <stdint.h>-style fixed-width types.
 */
#ifndef PUBLIC_IO_XS_WIRE_H
#define PUBLIC_IO_XS_WIRE_H

#include <stdint.h>   /* freestanding-safe: gcc provides it */

enum xsd_sockmsg_type {
    XS_CONTROL = 0,
#define XS_DEBUG XS_CONTROL
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_GET_PERMS = 3,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_RELEASE = 9,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_SET_PERMS = 14,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME = 18,
    XS_SET_TARGET = 19,
    /* 20 was XS_RESTRICT, removed from the protocol */
    XS_RESET_WATCHES = 21,
    XS_DIRECTORY_PART = 22,
    XS_TYPE_COUNT,
    XS_INVALID = 0xffff
};

#define XS_WRITE_NONE   "NONE"
#define XS_WRITE_CREATE "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/* Error names travel as text; the order of this table is the ABI's. */
struct xsd_errors {
    int errnum;
    const char *errstring;
};
#ifdef EINVAL
#define XSD_ERROR(x) { x, #x }
/* static so every user gets its own copy without link clashes */
static const struct xsd_errors xsd_errors[]
#if defined(__GNUC__)
__attribute__((unused))
#endif
    = {
    XSD_ERROR(EINVAL),
    XSD_ERROR(EACCES),
    XSD_ERROR(EEXIST),
    XSD_ERROR(EISDIR),
    XSD_ERROR(ENOENT),
    XSD_ERROR(ENOMEM),
    XSD_ERROR(ENOSPC),
    XSD_ERROR(EIO),
    XSD_ERROR(ENOTEMPTY),
    XSD_ERROR(ENOSYS),
    XSD_ERROR(EROFS),
    XSD_ERROR(EBUSY),
    XSD_ERROR(EAGAIN),
    XSD_ERROR(EISCONN),
    XSD_ERROR(E2BIG),
    XSD_ERROR(EPERM),
};
#endif

/* Every message starts with this header, all fields little-endian. */
struct xsd_sockmsg {
    uint32_t type;  /* enum xsd_sockmsg_type */
    uint32_t req_id;/* echoed in the reply */
    uint32_t tx_id; /* transaction id, 0 outside a transaction */
    uint32_t len;   /* payload bytes following the header */
};

enum xs_watch_type {
    XS_WATCH_PATH = 0,
    XS_WATCH_TOKEN
};

/* The shared page between a guest and xenstored. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE]; /* guest -> daemon */
    char rsp[XENSTORE_RING_SIZE]; /* daemon -> guest (replies, events) */
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;     /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;          /* XENSTORE_CONNECTED / _RECONNECT */
    uint32_t error;               /* XENSTORE_ERROR_* */
};

/* Largest payload in either direction. */
#define XENSTORE_PAYLOAD_MAX 4096

/* Path length limits the protocol guarantees to clients. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* server_features bits */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR        2

/* connection field */
#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

/* error field */
#define XENSTORE_ERROR_NONE    0
#define XENSTORE_ERROR_COMM    1
#define XENSTORE_ERROR_RINGIDX 2
#define XENSTORE_ERROR_PROTO   3

#endif /* PUBLIC_IO_XS_WIRE_H */
