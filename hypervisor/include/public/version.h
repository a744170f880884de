/*
 * public/version.h — HYPERVISOR_xen_version(cmd, arg): version strings,
 * capabilities, feature bits and the platform parameters a PV kernel asks
 * for early in boot.
 */
#ifndef PUBLIC_VERSION_H
#define PUBLIC_VERSION_H

#include "xen.h"

/* arg NULL; returns (major << 16) | minor. */
#define XENVER_version 0

#define XENVER_extraversion 1
#ifndef __ASSEMBLY__
typedef char xen_extraversion_t[16];
#endif
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

#define XENVER_compile_info 2
#ifndef __ASSEMBLY__
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;
#endif

/* Space-separated ABI names, e.g. "xen-3.0-x86_64 hvm-3.0-x86_32 ...". */
#define XENVER_capabilities 3
#ifndef __ASSEMBLY__
typedef char xen_capabilities_info_t[1024];
#endif
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

#define XENVER_changeset 4
#ifndef __ASSEMBLY__
typedef char xen_changeset_info_t[64];
#endif
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

/* virt_start: lowest address the hypervisor reserves in guest address spaces. */
#define XENVER_platform_parameters 5
#ifndef __ASSEMBLY__
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;
#endif

/* IN submap_idx, OUT submap: 32 XENFEAT_* bits per submap. */
#define XENVER_get_features 6
#ifndef __ASSEMBLY__
struct xen_feature_info {
    unsigned int submap_idx;
    uint32_t     submap;
};
typedef struct xen_feature_info xen_feature_info_t;
#endif

#include "features.h"

/* arg NULL; returns the page size. */
#define XENVER_pagesize 7

/* OUT: the domain's xen_domain_handle_t. */
#define XENVER_guest_handle 8

/* OUT: the hypervisor's command line (privileged). */
#define XENVER_commandline 9
#ifndef __ASSEMBLY__
typedef char xen_commandline_t[1024];
#endif

/* IN len = buffer size, OUT the build id bytes (len updated). */
#define XENVER_build_id 10
#ifndef __ASSEMBLY__
struct xen_build_id {
    uint32_t      len;
    unsigned char buf[XEN_FLEX_ARRAY_DIM];
};
typedef struct xen_build_id xen_build_id_t;
#endif

#endif /* PUBLIC_VERSION_H */
