/*
 * public/platform.h — HYPERVISOR_platform_op(op): platform management for
 * the control domain (wall-clock setting, firmware tables, physical CPU
 * information, CPU hotplug, ...).  Every call carries
 * XENPF_INTERFACE_VERSION; a mismatch is refused.
 *
 * Provided structures: the ones Linux 6.1 as dom0 uses (settime, firmware
 * info, CPU info/version, CPU online/offline/hot-add, memory hot-add, idle
 * time, core parking, MSR resource ops, symbols, memory types, microcode,
 * quirks, ACPI sleep).  The ACPI power-management (set_processor_pminfo) and
 * EFI runtime-call payloads are not described; their op numbers are kept
 * and xen_platform_op stays at its full size, so the union's size is right.
 */
#ifndef PUBLIC_PLATFORM_H
#define PUBLIC_PLATFORM_H

#include "xen.h"

#define XENPF_INTERFACE_VERSION 0x03000001

#define XENPF_settime32            17
#define XENPF_add_memtype          31
#define XENPF_del_memtype          32
#define XENPF_read_memtype         33
#define XENPF_microcode_update     35
#define XENPF_platform_quirk       39
#define XENPF_get_cpu_version      48
#define XENPF_efi_runtime_call     49
#define XENPF_firmware_info        50
#define XENPF_enter_acpi_sleep     51
#define XENPF_change_freq          52
#define XENPF_getidletime          53
#define XENPF_set_processor_pminfo 54
#define XENPF_get_cpuinfo          55
#define XENPF_cpu_online           56
#define XENPF_cpu_offline          57
#define XENPF_cpu_hotadd           58
#define XENPF_mem_hotadd           59
#define XENPF_core_parking         60
#define XENPF_resource_op          61
#define XENPF_settime64            62
#define XENPF_get_symbol           63
#define XENPF_settime              XENPF_settime64

#ifndef __ASSEMBLY__

/* Set the wall clock: secs.nsecs was the time at system_time. */
struct xenpf_settime32 {
    uint32_t secs;
    uint32_t nsecs;
    uint64_t system_time;
};
typedef struct xenpf_settime32 xenpf_settime32_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_settime32_t);

struct xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz;
    uint64_t system_time;
};
typedef struct xenpf_settime64 xenpf_settime64_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_settime64_t);
#define xenpf_settime   xenpf_settime64
typedef struct xenpf_settime64 xenpf_settime_t;

/* MTRR-style memory types. */
struct xenpf_add_memtype {
    xen_pfn_t mfn;
    uint64_t nr_mfns;
    uint32_t type;
    uint32_t handle;            /* OUT */
    uint32_t reg;               /* OUT */
};
typedef struct xenpf_add_memtype xenpf_add_memtype_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_add_memtype_t);

struct xenpf_del_memtype {
    uint32_t handle;
    uint32_t reg;
};
typedef struct xenpf_del_memtype xenpf_del_memtype_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_del_memtype_t);

struct xenpf_read_memtype {
    uint32_t reg;
    xen_pfn_t mfn;              /* OUT */
    uint64_t nr_mfns;           /* OUT */
    uint32_t type;              /* OUT */
};
typedef struct xenpf_read_memtype xenpf_read_memtype_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_read_memtype_t);

struct xenpf_microcode_update {
    XEN_GUEST_HANDLE(const_void) data;
    uint32_t length;
};
typedef struct xenpf_microcode_update xenpf_microcode_update_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_microcode_update_t);

#define QUIRK_NOIRQBALANCING     1
#define QUIRK_IOAPIC_BAD_REGSEL  2
#define QUIRK_IOAPIC_GOOD_REGSEL 3
struct xenpf_platform_quirk {
    uint32_t quirk_id;
};
typedef struct xenpf_platform_quirk xenpf_platform_quirk_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_platform_quirk_t);

/* Firmware information gathered at boot (EDD, VBE DDC, EFI, keyboard). */
#define XEN_FW_DISK_INFO            1
#define XEN_FW_DISK_MBR_SIGNATURE   2
#define XEN_FW_VBEDDC_INFO          3
#define XEN_FW_EFI_INFO             4
#define XEN_FW_EFI_VERSION          0
#define XEN_FW_EFI_CONFIG_TABLE     1
#define XEN_FW_EFI_VENDOR           2
#define XEN_FW_EFI_MEM_INFO         3
#define XEN_FW_EFI_RT_VERSION       4
#define XEN_FW_EFI_PCI_ROM          5
#define XEN_FW_EFI_APPLE_PROPERTIES 6
#define XEN_FW_KBD_SHIFT_FLAGS      5

struct xenpf_firmware_info {
    uint32_t type;              /* XEN_FW_* */
    uint32_t index;             /* which entry of that type */
    union {
        struct {
            uint8_t  device;
            uint8_t  version;
            uint16_t interface_support;
            uint16_t legacy_max_cylinder;
            uint8_t  legacy_max_head;
            uint8_t  legacy_sectors_per_track;
            XEN_GUEST_HANDLE(void) edd_params;
        } disk_info;
        struct {
            uint8_t  device;
            uint32_t mbr_signature;
        } disk_mbr_signature;
        struct {
            uint8_t capabilities;
            uint8_t edid_transfer_time;
            XEN_GUEST_HANDLE(uint8) edid;
        } vbeddc_info;
        union xenpf_efi_info {
            uint32_t version;
            struct {
                uint64_t addr;
                uint32_t nent;
            } cfg;
            struct {
                uint32_t revision;
                uint32_t bufsz;
                XEN_GUEST_HANDLE(void) name;
            } vendor;
            struct {
                uint64_t addr;
                uint64_t size;
                uint64_t attr;
                uint32_t type;
            } mem;
            struct {
                uint16_t segment;
                uint8_t  bus;
                uint8_t  devfn;
                uint16_t vendor;
                uint16_t devid;
                uint64_t address;
                xen_ulong_t size;
            } pci_rom;
            struct {
                uint64_t address;
                xen_ulong_t size;
            } apple_properties;
        } efi_info;
        uint8_t kbd_shift_flags;
    } u;
};
typedef struct xenpf_firmware_info xenpf_firmware_info_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_firmware_info_t);

struct xenpf_enter_acpi_sleep {
    uint16_t val_a;
    uint16_t val_b;
    uint32_t sleep_state;
#define XENPF_ACPI_SLEEP_EXTENDED 0x00000001
    uint32_t flags;
};
typedef struct xenpf_enter_acpi_sleep xenpf_enter_acpi_sleep_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_enter_acpi_sleep_t);

struct xenpf_change_freq {
    uint32_t flags;
    uint32_t cpu;
    uint64_t freq;
};
typedef struct xenpf_change_freq xenpf_change_freq_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_change_freq_t);

struct xenpf_getidletime {
    XEN_GUEST_HANDLE(uint8) cpumap_bitmap;  /* IN/OUT: CPUs asked / answered */
    uint32_t cpumap_nr_cpus;
    XEN_GUEST_HANDLE(uint64) idletime;      /* OUT: ns idle per CPU */
    uint64_t now;                           /* OUT: system time of the sample */
};
typedef struct xenpf_getidletime xenpf_getidletime_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_getidletime_t);

/* Physical CPU xen_cpuid: its ids and whether it is online. */
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;
    uint32_t max_present;       /* OUT: highest present CPU id */
#define XEN_PCPU_FLAGS_ONLINE  1
#define XEN_PCPU_FLAGS_INVALID 2
    uint32_t flags;             /* OUT */
    uint32_t apic_id;           /* OUT */
    uint32_t acpi_id;           /* OUT */
};
typedef struct xenpf_pcpuinfo xenpf_pcpuinfo_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_pcpuinfo_t);

struct xenpf_pcpu_version {
    uint32_t xen_cpuid;
    uint32_t max_present;
    char     vendor_id[12];
    uint32_t family;
    uint32_t model;
    uint32_t stepping;
};
typedef struct xenpf_pcpu_version xenpf_pcpu_version_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_pcpu_version_t);

struct xenpf_cpu_ol {
    uint32_t cpuid;
};
typedef struct xenpf_cpu_ol xenpf_cpu_ol_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_cpu_ol_t);

struct xenpf_cpu_hotadd {
    uint32_t apic_id;
    uint32_t acpi_id;
    uint32_t pxm;
};
typedef struct xenpf_cpu_hotadd xenpf_cpu_hotadd_t;

struct xenpf_mem_hotadd {
    uint64_t spfn;
    uint64_t epfn;
    uint32_t pxm;
    uint32_t flags;
};
typedef struct xenpf_mem_hotadd xenpf_mem_hotadd_t;

#define XEN_CORE_PARKING_SET 1
#define XEN_CORE_PARKING_GET 2
struct xenpf_core_parking {
    uint32_t type;
    uint32_t idle_nums;
};
typedef struct xenpf_core_parking xenpf_core_parking_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_core_parking_t);

#define XEN_RESOURCE_OP_MSR_READ  0
#define XEN_RESOURCE_OP_MSR_WRITE 1
struct xenpf_resource_entry {
    union {
        uint32_t cmd;           /* IN: XEN_RESOURCE_OP_* */
        int32_t  ret;           /* OUT */
    } u;
    uint32_t rsvd;
    uint64_t idx;
    uint64_t val;
};
typedef struct xenpf_resource_entry xenpf_resource_entry_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_resource_entry_t);

struct xenpf_resource_op {
    uint32_t nr_entries;
    uint32_t cpu;
    XEN_GUEST_HANDLE(xenpf_resource_entry_t) entries;
};
typedef struct xenpf_resource_op xenpf_resource_op_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_resource_op_t);

/* Iterate the hypervisor's symbol table. */
struct xenpf_symdata {
    uint32_t namelen;           /* IN/OUT */
    uint32_t symnum;            /* IN/OUT: next symbol */
    XEN_GUEST_HANDLE(char) name;
    uint64_t address;
    char     type;
};
typedef struct xenpf_symdata xenpf_symdata_t;
DEFINE_XEN_GUEST_HANDLE(xenpf_symdata_t);

struct xen_platform_op {
    uint32_t cmd;               /* XENPF_* */
    uint32_t interface_version; /* XENPF_INTERFACE_VERSION */
    union {
        xenpf_settime_t           settime;
        xenpf_settime32_t         settime32;
        xenpf_settime64_t         settime64;
        xenpf_add_memtype_t       add_memtype;
        xenpf_del_memtype_t       del_memtype;
        xenpf_read_memtype_t      read_memtype;
        xenpf_microcode_update_t  microcode;
        xenpf_platform_quirk_t    platform_quirk;
        xenpf_firmware_info_t     firmware_info;
        xenpf_enter_acpi_sleep_t  enter_acpi_sleep;
        xenpf_change_freq_t       change_freq;
        xenpf_getidletime_t       getidletime;
        xenpf_pcpuinfo_t          pcpu_info;
        xenpf_pcpu_version_t      pcpu_version;
        xenpf_cpu_ol_t            cpu_ol;
        xenpf_cpu_hotadd_t        cpu_add;
        xenpf_mem_hotadd_t        mem_add;
        xenpf_core_parking_t      core_parking;
        xenpf_resource_op_t       resource_op;
        xenpf_symdata_t           symdata;
        uint8_t                   pad[128];
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_platform_op_t);

#endif /* !__ASSEMBLY__ */

#endif /* PUBLIC_PLATFORM_H */
