/*
 * acpi_cpus.c — how many processors the machine has, from the firmware's
 * ACPI MADT (enabled local APIC / x2APIC entries), for XEN_SYSCTL_physinfo
 * and cputopoinfo (`xl info`'s nr_cpus, as Xen reports it on the same
 * machine), and which APIC ids smpboot.c starts (asm/smp.h).
 *
 * Only reading: the RSDP is searched where the ACPI spec puts it for a
 * legacy BIOS (the first KiB of the EBDA, then 0xE0000-0xFFFFF), the RSDT
 * or XSDT is walked for "APIC", and every table's checksum is verified; a
 * missing or broken table leaves the count at 1.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/control.h>
#include <asm/page.h>
#include <asm/setup.h>
#include <asm/io_apic.h>
#include <asm/smp.h>
#include <xen/smp.h>

static unsigned int machine_cpus = 1;
static const uint8_t *madt_found;       /* io_apic.c reads it too */
static uint32_t madt_len;

const uint8_t *acpi_madt(uint32_t *len)
{
    *len = madt_len;
    return madt_found;
}

static bool checksum_ok(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    while (len--)
        sum += *p++;
    return sum == 0;
}

/* A whole table (its header's length) mapped, checksum verified; NULL if not. */
static const uint8_t *map_table(uint64_t pa, const char *sig)
{
    const uint8_t *hdr = ioremap(pa, 36);
    uint32_t len;

    if (hdr == NULL || (sig && memcmp(hdr, sig, 4) != 0))
        return NULL;
    memcpy(&len, hdr + 4, 4);
    if (len < 36 || len > (1u << 20))
        return NULL;
    hdr = ioremap(pa, len);
    return hdr && checksum_ok(hdr, len) ? hdr : NULL;
}

static const uint8_t *find_rsdp(void)
{
    const uint8_t *bda = maddr_to_virt(0x400);
    uint64_t ebda = (uint64_t)(bda[0x0e] | (bda[0x0f] << 8)) << 4;
    uint64_t ranges[2][2] = { { ebda, ebda + 1024 }, { 0xe0000, 0x100000 } };

    for (unsigned int r = 0; r < 2; r++) {
        if (ranges[r][0] < 0x80000 || ranges[r][1] > 0x100000)
            continue;                       /* no plausible EBDA */
        for (uint64_t pa = ranges[r][0]; pa + 20 <= ranges[r][1]; pa += 16) {
            const uint8_t *p = maddr_to_virt(pa);

            if (memcmp(p, "RSD PTR ", 8) == 0 && checksum_ok(p, 20))
                return p;
        }
    }
    return NULL;
}

void acpi_count_cpus(void)
{
    const uint8_t *rsdp = find_rsdp(), *sdt, *madt = NULL;
    unsigned int entry_size, n = 0;
    uint32_t len;
    uint64_t sdt_pa;

    if (rsdp == NULL) {
        printk("ACPI: no RSDP found, reporting 1 CPU\n");
        return;
    }
    if (rsdp[15] >= 2 && checksum_ok(rsdp, 36)) {
        memcpy(&sdt_pa, rsdp + 24, 8);          /* XSDT */
        entry_size = 8;
        sdt = map_table(sdt_pa, "XSDT");
    } else {
        uint32_t pa32;

        memcpy(&pa32, rsdp + 16, 4);            /* RSDT */
        sdt_pa = pa32;
        entry_size = 4;
        sdt = map_table(sdt_pa, "RSDT");
    }
    if (sdt == NULL) {
        printk("ACPI: root table at %#lx unreadable, reporting 1 CPU\n", (unsigned long)sdt_pa);
        return;
    }
    memcpy(&len, sdt + 4, 4);
    for (uint32_t off = 36; off + entry_size <= len && madt == NULL; off += entry_size) {
        uint64_t pa = 0;

        memcpy(&pa, sdt + off, entry_size);
        madt = map_table(pa, "APIC");
    }
    if (madt == NULL) {
        printk("ACPI: no MADT, reporting 1 CPU\n");
        return;
    }
    memcpy(&len, madt + 4, 4);
    madt_found = madt;
    madt_len = len;
    /* Entries after the 44-byte header: type, length, body. */
    for (uint32_t off = 44; off + 2 <= len; ) {
        uint8_t type = madt[off], elen = madt[off + 1];
        uint32_t flags;

        if (elen < 2 || off + elen > len)
            break;
        if (type == 0 && elen >= 8) {           /* processor local APIC */
            memcpy(&flags, madt + off + 4, 4);
            if (flags & 1) {
                n++;
                acpi_cpus_add(madt[off + 3]);
            }
        } else if (type == 9 && elen >= 16) {   /* processor local x2APIC */
            uint32_t id;

            memcpy(&id, madt + off + 4, 4);
            memcpy(&flags, madt + off + 8, 4);
            if (flags & 1) {
                n++;
                acpi_cpus_add(id);
            }
        }
        off += elen;
    }
    if (n > 0)
        machine_cpus = n;
    printk("ACPI: MADT lists %u enabled processor%s\n", n, n == 1 ? "" : "s");
}

/* Once the APs are started, the processors actually running (Xen counts
 * online CPUs: `maxcpus=` and CPUs left out lower it). */
unsigned int arch_nr_cpus(void)
{
    unsigned int online = num_online_cpus();

    return online ? online : machine_cpus;
}
