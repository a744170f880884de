/*
 * setup.c — __start_xen(): the C side of boot, from head.asm's jump to the
 * idle loop (or the self tests).
 *
 *   console -> GDT/IDT -> banner -> CPU features -> boot info (multiboot1 or
 *   2) -> command line -> memory (direct map, frame table, M2P, heap) ->
 *   PIC off, LAPIC -> TSC/LAPIC calibration, NOW(), timer queue -> the
 *   other processors (smpboot.c) -> drop the identity map -> self tests if asked, else idle.
 *
 * Options defined here: dom0_mem= (size, or Xen's [min:S,][max:S,]S list;
 * kept for the dom0 builder), noreboot.  loglvl/guest_loglvl live in
 * common/console.c, console/com1 in serial.c, selftest in selftest.c.
 */
#include <xen/lib.h>
#include <xen/bootinfo.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/irqflags.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/shutdown.h>
#include <xen/version.h>
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/io_apic.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/time.h>

struct boot_info boot_info;
struct cpu_features boot_cpu;
/* cpu0_stack: STACK_SIZE bytes at a STACK_SIZE-aligned address, placed by
 * the linker script (an __aligned(STACK_SIZE) array would raise the ELF
 * segment alignment and push the multiboot headers past the first 8 KiB of
 * the file).  The APs' stacks come from the buddy allocator, which aligns
 * them to STACK_SIZE naturally. */

bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);

/* dom0_mem: the amount (and optional min:/max: bounds) for dom0, in bytes. */
uint64_t dom0_mem_bytes, dom0_mem_min, dom0_mem_max;
static int parse_dom0_mem(const char *val)
{
    const char *p = val;

    while (*p) {
        uint64_t *dst = &dom0_mem_bytes;
        const char *end;
        unsigned long long v;

        if (!strncmp(p, "min:", 4))
            dst = &dom0_mem_min, p += 4;
        else if (!strncmp(p, "max:", 4))
            dst = &dom0_mem_max, p += 4;
        v = parse_size_and_unit(p, &end);
        if (end == p || (*end && *end != ','))
            return -EINVAL;
        *dst = v;
        p = *end ? end + 1 : end;
    }
    return 0;
}
custom_param("dom0_mem", parse_dom0_mem);

unsigned long arch_local_irq_save(void)
{
    unsigned long f;

    local_irq_save(f);
    return f;
}

void arch_local_irq_restore(unsigned long flags)
{
    local_irq_restore(flags);
}

void cpu_init(void)
{
    uint32_t a, b, c, d;

    cpuid(0, &boot_cpu.max_leaf, &b, &c, &d);
    memcpy(boot_cpu.vendor, &b, 4);
    memcpy(boot_cpu.vendor + 4, &d, 4);
    memcpy(boot_cpu.vendor + 8, &c, 4);
    cpuid(1, &a, &b, &c, &d);
    boot_cpu.tsc = d & (1u << 4);
    boot_cpu.apic = d & (1u << 9);
    boot_cpu.x2apic = c & (1u << 21);
    cpuid(0x80000000, &boot_cpu.max_ext_leaf, &b, &c, &d);
    if (boot_cpu.max_ext_leaf >= 0x80000001) {
        cpuid(0x80000001, &a, &b, &c, &d);
        boot_cpu.nx = d & (1u << 20);
        boot_cpu.page1gb = d & (1u << 26);
    }
    if (boot_cpu.max_ext_leaf >= 0x80000007) {
        cpuid(0x80000007, &a, &b, &c, &d);
        boot_cpu.invariant_tsc = d & (1u << 8);
    }
    if (!boot_cpu.tsc)
        panic("This CPU has no TSC\n");
    printk("CPU: %s, NX %s, 1 GiB pages %s, invariant TSC %s\n", boot_cpu.vendor,
           boot_cpu.nx ? "yes" : "no", boot_cpu.page1gb ? "yes" : "no",
           boot_cpu.invariant_tsc ? "yes" : "no");
}

/* Multiboot1 pointers are physical; head.asm's early direct map covers the
 * first 4 GiB, where loaders put everything. */
static const void *early_map(uint64_t pa, size_t len)
{
    if (pa + len < pa || pa + len > GB(4))
        return NULL;
    return maddr_to_virt(pa);
}

static const char *memtype_name(uint32_t t)
{
    switch (t) {
    case BOOT_MEM_RAM: return "usable";
    case BOOT_MEM_RESERVED: return "reserved";
    case BOOT_MEM_ACPI: return "ACPI data";
    case BOOT_MEM_NVS: return "ACPI NVS";
    case BOOT_MEM_BAD: return "unusable";
    default: return "unknown";
    }
}

static void parse_boot_info(unsigned int magic, unsigned int mbi_pa)
{
    struct boot_info *bi = &boot_info;
    int rc;

    if (magic == MULTIBOOT2_BOOTLOADER_MAGIC) {
        const void *mbi = early_map(mbi_pa, 8);

        rc = mbi ? multiboot2_parse(mbi, bi) : -EINVAL;
    } else
        rc = multiboot1_parse(mbi_pa, early_map, bi);
    if (rc == -E2BIG || rc == -ENOSPC)
        printk(XENLOG_WARNING "Boot info truncated (%d): some modules or map entries dropped\n", rc);
    else if (rc)
        panic("Cannot parse the multiboot%s information at %#x (error %d)\n",
              magic == MULTIBOOT2_BOOTLOADER_MAGIC ? "2" : "1", mbi_pa, rc);
}

/* After the command line: these messages obey loglvl=. */
static void print_boot_info(unsigned int magic)
{
    const struct boot_info *bi = &boot_info;
    unsigned int i;

    printk("Bootloader: %s (multiboot%s)\n", bi->loader_name,
           magic == MULTIBOOT2_BOOTLOADER_MAGIC ? "2" : "1");
    printk("Command line: %s\n", bi->cmdline);
    printk("Physical RAM map:\n");
    for (i = 0; i < bi->nr_memmap; i++)
        printk(" %016lx - %016lx (%s)\n", (unsigned long)bi->memmap[i].addr,
               (unsigned long)(bi->memmap[i].addr + bi->memmap[i].size),
               memtype_name(bi->memmap[i].type));
    for (i = 0; i < bi->nr_modules; i++)
        printk("Module %u: %#lx-%#lx (%lu KiB) \"%s\"\n", i,
               (unsigned long)bi->modules[i].start, (unsigned long)bi->modules[i].end,
               (unsigned long)((bi->modules[i].end - bi->modules[i].start) >> 10),
               bi->modules[i].cmdline);
}

const char *arch_boot_cmdline(void)
{
    return boot_info.cmdline ? boot_info.cmdline : "";
}

void __start_xen(unsigned int magic, unsigned int mbi_pa) __noreturn;
void __start_xen(unsigned int magic, unsigned int mbi_pa)
{
    int bad;

    serial_init(115200);
    gdt_idt_init();
    pv_percpu_init(get_cpu_info(), 0);
    printk("Xen version %s (pvlab) (gcc " __VERSION__ ") debug=n\n", XEN_VERSION_STRING);
    printk("Latest ChangeSet: built " __DATE__ " " __TIME__ "\n");
    cpu_init();
    parse_boot_info(magic, mbi_pa);

    bad = cmdline_parse(boot_info.cmdline, __param_start, __param_end);
    if (bad)
        printk(XENLOG_WARNING "%d unknown or invalid command-line option%s ignored\n",
               bad, bad == 1 ? "" : "s");
    print_boot_info(magic);
    if (dom0_mem_bytes || dom0_mem_min || dom0_mem_max)
        printk("dom0_mem: %lu MiB (min %lu MiB, max %lu MiB; 0 = unset)\n",
               (unsigned long)(dom0_mem_bytes >> 20), (unsigned long)(dom0_mem_min >> 20),
               (unsigned long)(dom0_mem_max >> 20));

    mm_early_init(&boot_info);
    acpi_count_cpus();
    pic_disable();
    apic_init();
    io_apic_init();
    time_init();
    smp_boot_cpus();                /* needs the identity map (trampoline) */
    mm_drop_identity_map();
    local_irq_enable();

    if (opt_selftest != SELFTEST_OFF)
        run_selftests();

    /* The PV core: domains from the boot modules, then the scheduler runs
     * them from the idle loop (which never returns). */
    pv_traps_init();
    sched_init();
    pv_build_boot_domains();
    local_irq_disable();
    pv_start_scheduling();
}
