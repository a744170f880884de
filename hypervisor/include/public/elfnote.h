/*
 * public/elfnote.h — note types a PV kernel puts in PT_NOTE segments with
 * owner name "Xen", telling the domain builder how to load and start it.
 * hypervisor/common/libelf/ parses them; docs/abi.md lists which we honour.
 *
 * Value formats: ENTRY, HYPERCALL_PAGE, VIRT_BASE, PADDR_OFFSET, INIT_P2M,
 * HV_START_LOW are numbers (4 or 8 bytes, native endian); XEN_VERSION,
 * GUEST_OS, GUEST_VERSION, LOADER, PAE_MODE, FEATURES, BSD_SYMTAB are NUL-
 * terminated strings; SUPPORTED_FEATURES is a 32-bit XENFEAT_* bitmap;
 * MOD_START_PFN, SUSPEND_CANCEL are numbers used as booleans.
 */
#ifndef PUBLIC_ELFNOTE_H
#define PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO               0  /* nothing; padding */
#define XEN_ELFNOTE_ENTRY              1  /* entry point VA (default e_entry) */
#define XEN_ELFNOTE_HYPERCALL_PAGE     2  /* VA where the builder writes the hypercall page */
#define XEN_ELFNOTE_VIRT_BASE          3  /* VA of pseudo-physical 0 (default 0) */
#define XEN_ELFNOTE_PADDR_OFFSET       4  /* VA = p_paddr + VIRT_BASE - PADDR_OFFSET
                                             (default 0; VIRT_BASE for __xen_guest) */
#define XEN_ELFNOTE_XEN_VERSION        5  /* "xen-3.0": required */
#define XEN_ELFNOTE_GUEST_OS           6  /* "linux", ... */
#define XEN_ELFNOTE_GUEST_VERSION      7
#define XEN_ELFNOTE_LOADER             8  /* "generic" */
#define XEN_ELFNOTE_PAE_MODE           9  /* "yes", "bimodal", ... (32-bit only) */
#define XEN_ELFNOTE_FEATURES          10  /* "a|b|!c": names of XENFEAT_*, ! = required */
#define XEN_ELFNOTE_BSD_SYMTAB        11  /* "yes": load the symbol table after the image */
#define XEN_ELFNOTE_HV_START_LOW      12  /* 32-bit guests: lowest hypervisor VA */
#define XEN_ELFNOTE_L1_MFN_VALID      13  /* mask/value pair for valid L1 MFNs */
#define XEN_ELFNOTE_SUSPEND_CANCEL    14  /* supports cancelled suspend */
#define XEN_ELFNOTE_INIT_P2M          15  /* VA for the p2m list outside the initial mapping */
#define XEN_ELFNOTE_MOD_START_PFN     16  /* understands SIF_MOD_START_PFN */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* XENFEAT_* bitmap the kernel supports */
#define XEN_ELFNOTE_PHYS32_ENTRY      18  /* PVH 32-bit entry (ignored for PV) */

#define XEN_ELFNOTE_MAX XEN_ELFNOTE_PHYS32_ENTRY

/* Notes in crash dumps and core files (not loader input). */
#define XEN_ELFNOTE_CRASH_INFO 0x1000001
#define XEN_ELFNOTE_CRASH_REGS 0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE           0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER         0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION    0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* PUBLIC_ELFNOTE_H */
