/*
 * version.h — the hypervisor's version as it reports it: the banner, and
 * XENVER_version/extraversion for guests.  We implement Xen 4.17's
 * interface, so we report 4.17.0 in Xen's format (xl info's xen_version is
 * major.minor + extraversion: "4.17.0", as tools parsing it expect); the
 * banner and the changeset say "pvlab".
 */
#ifndef XEN_VERSION_H
#define XEN_VERSION_H

#define XEN_VERSION_MAJOR   4
#define XEN_VERSION_MINOR   17
#define XEN_EXTRAVERSION    ".0"
#define XEN_VERSION_STRING  "4.17.0"

/* The image's GNU build id (the linker's .note.gnu.build-id descriptor):
 * 0 with *p, *len set, or -ENODATA. */
int xen_build_id(const void **p, unsigned int *len);

/* The hypervisor's boot command line (XENVER_commandline); never NULL. */
const char *arch_boot_cmdline(void);

#endif
