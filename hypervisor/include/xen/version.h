/*
 * version.h — the hypervisor's version as it reports it: the banner, and
 * later XENVER_version/extraversion for guests.  We implement Xen 4.17's
 * interface, so we report 4.17 with our own extra version.
 */
#ifndef XEN_VERSION_H
#define XEN_VERSION_H

#define XEN_VERSION_MAJOR   4
#define XEN_VERSION_MINOR   17
#define XEN_EXTRAVERSION    ".0-pvlab"
#define XEN_VERSION_STRING  "4.17.0-pvlab"

/* The hypervisor's boot command line (XENVER_commandline); never NULL. */
const char *arch_boot_cmdline(void);

#endif
