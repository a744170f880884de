/*
 * test_ioport.c — the hardware domain's I/O permissions and the emulated
 * port I/O (arch/x86/pv/ioport.c) over a fake port space: what dom0 may
 * reach directly, what the hypervisor keeps (PIT, COM1, the verdict
 * port, its memory, LAPIC, IO-APIC, MSI window), the PCI configuration
 * window through the 0xcf8 latch, and a domU refused everything.
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <asm/pv_io.h>

/* ---------------------------------------------------------- fake machine */
static uint32_t port_val[0x10000];
static struct { unsigned int port, size; uint32_t val; } wlog[64];
static unsigned int nw, nr_in;
static bool com1_console = true;

uint32_t arch_port_in(unsigned int port, unsigned int size)
{
    cr_assert_lt(port, 0x10000u);
    nr_in++;
    return port_val[port] & (size == 4 ? ~0u : (1u << (size * 8)) - 1);
}

void arch_port_out(unsigned int port, unsigned int size, uint32_t val)
{
    cr_assert_lt(nw, 64u);
    wlog[nw].port = port; wlog[nw].size = size; wlog[nw].val = val;
    nw++;
}

paddr_t arch_lapic_base(void) { return 0xfee00000UL; }
bool arch_console_uses_com1(void) { return com1_console; }
/* The first MiB (never the hypervisor's as far as dom0 goes), the image at
 * 2 MiB, a boot allocation at the top of "RAM". */
static const paddr_t hyp[][2] = { { 0, 0x100000 }, { 0x200000, 0x280000 }, { 0x7f000000, 0x7f400000 } };
unsigned int arch_hypervisor_ranges_count(void) { return 3; }
void arch_hypervisor_range(unsigned int i, paddr_t *s, paddr_t *e)
{
    *s = *e = 0;
    if (i > 0 && i < 3) { *s = hyp[i][0]; *e = hyp[i][1]; }
}

static struct domain dom0, domu;

static void setup(void)
{
    memset(&dom0, 0, sizeof(dom0));
    memset(&domu, 0, sizeof(domu));
    dom0.is_privileged = true;
    domu.domain_id = 1;
    nw = nr_in = 0;
    com1_console = true;
    for (unsigned int p = 0; p < 0x10000; p++)
        port_val[p] = 0x11223344u ^ p;
    cr_assert_eq(arch_hwdom_setup_permissions(&dom0), 0);
}

TestSuite(ioport, .init = setup);

/* -------------------------------------------------------- permissions */

Test(ioport, hwdom_ports_all_but_the_hypervisors)
{
    static const unsigned int kept[] = { 0x40, 0x43, 0x61, 0x92, 0xcfc, 0xcff, 0x3f8, 0x3ff,
                                         0xf4, 0xf7 };
    /* The PICs and ELCR too, while dom0 boots acpi=off (Linux's PIC probe:
     * regression of suite 70, no console when refused). */
    static const unsigned int given[] = { 0, 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x60, 0x64,
                                          0x70, 0x71, 0x80, 0x1f0, 0x2f8, 0x3f7, 0x400, 0xcf8,
                                          0xcf9, 0xc000, 0xffff };

    for (unsigned int i = 0; i < ARRAY_SIZE(kept); i++)
        cr_expect(!ioports_access_permitted(&dom0, kept[i], kept[i]), "port %#x", kept[i]);
    for (unsigned int i = 0; i < ARRAY_SIZE(given); i++)
        cr_expect(ioports_access_permitted(&dom0, given[i], given[i]), "port %#x", given[i]);
    cr_expect(!ioports_access_permitted(&dom0, 0x3f0, 0x3f8), "a range reaching COM1");
    for (unsigned int p = 0; p <= 0xffff; p += 0x101)
        cr_expect(!ioports_access_permitted(&domu, p, p), "domU port %#x", p);
}

Test(ioport, com1_is_dom0s_when_the_console_is_off)
{
    com1_console = false;
    cr_assert_eq(arch_hwdom_setup_permissions(&dom0), 0);
    cr_expect(ioports_access_permitted(&dom0, 0x3f8, 0x3ff));
    cr_expect(!ioports_access_permitted(&dom0, 0x40, 0x40), "the PIT stays kept");
}

Test(ioport, hwdom_iomem_all_but_the_hypervisors)
{
    cr_expect(iomem_access_permitted(&dom0, 0xa0, 0xff), "VGA, ROMs: the first MiB");
    cr_expect(iomem_access_permitted(&dom0, 0xfebf0, 0xfebf0), "a PCI BAR");
    cr_expect(iomem_access_permitted(&dom0, 0xfed00, 0xfed00), "HPET (unused by us)");
    cr_expect(iomem_access_permitted(&dom0, 0x7fffe, 0x7ffff), "ACPI tables below 2 GiB");
    cr_expect(iomem_access_permitted(&dom0, 0xfffffffffUL, 0xfffffffffUL), "high MMIO");
    cr_expect(!iomem_access_permitted(&dom0, 0xfee00, 0xfee00), "LAPIC");
    cr_expect(!iomem_access_permitted(&dom0, 0xfec00, 0xfec00), "IO-APIC");
    cr_expect(!iomem_access_permitted(&dom0, 0xfec01, 0xfec01), "second IO-APIC");
    cr_expect(!iomem_access_permitted(&dom0, 0xfeeff, 0xfeeff), "MSI window");
    cr_expect(!iomem_access_permitted(&dom0, 0x200, 0x200), "hypervisor image");
    cr_expect(!iomem_access_permitted(&dom0, 0x27f, 0x27f), "its last page");
    cr_expect(iomem_access_permitted(&dom0, 0x280, 0x280), "the page after it");
    cr_expect(!iomem_access_permitted(&dom0, 0x7f100, 0x7f100), "boot allocation");
    cr_expect(!iomem_access_permitted(&dom0, 0x100000000000UL, 0x100000000000UL),
              "beyond 52 address bits");
    cr_expect(!iomem_access_permitted(&domu, 0xfebf0, 0xfebf0), "domU: nothing");
    cr_expect(!iomem_access_permitted(&domu, 0xa0, 0xa0));
}

/* ---------------------------------------------------------- port I/O */

Test(ioport, direct_access_and_refusals)
{
    cr_expect_eq(pv_io_read(&dom0, 0x70, 1), (0x11223344u ^ 0x70) & 0xff);
    cr_expect_eq(pv_io_read(&dom0, 0x1f0, 2), (0x11223344u ^ 0x1f0) & 0xffff);
    cr_expect_eq(pv_io_read(&dom0, 0xc000, 4), 0x11223344u ^ 0xc000);
    pv_io_write(&dom0, 0x80, 1, 0x5a);
    cr_assert_eq(nw, 1);
    cr_expect(wlog[0].port == 0x80 && wlog[0].size == 1 && wlog[0].val == 0x5a);
    nr_in = nw = 0;
    cr_expect_eq(pv_io_read(&dom0, 0x41, 1), 0xff, "PIT kept");
    cr_expect_eq(pv_io_read(&dom0, 0x3fd, 1), 0xff, "COM1 kept");
    cr_expect_eq(pv_io_read(&dom0, 0x3f6, 4), 0xffffffffu, "dword reaching COM1");
    cr_expect_eq(pv_io_read(&dom0, 0xfffe, 4), 0xffffffffu, "past port 0xffff");
    pv_io_write(&dom0, 0x43, 1, 0x34);
    pv_io_write(&dom0, 0xf4, 1, 0);
    cr_expect_eq(pv_io_read(&domu, 0x70, 1), 0xff);
    cr_expect_eq(pv_io_read(&domu, 0x1f0, 2), 0xffff);
    pv_io_write(&domu, 0x80, 1, 1);
    pv_io_write(&domu, 0xcf8, 4, 0x80000000u);
    cr_expect_eq(pv_io_read(&domu, 0xcfc, 4), 0xffffffffu);
    cr_expect_eq(nr_in + nw, 0, "nothing reached the machine");
}

Test(ioport, pci_config_window)
{
    /* No address latched yet: the data window reads all ones. */
    cr_expect_eq(pv_io_read(&dom0, 0xcfc, 4), 0xffffffffu);
    cr_expect_eq(nr_in + nw, 0);
    pv_io_write(&dom0, 0xcf8, 4, 0x80001808u);      /* bus 0 dev 3 fn 0 reg 8 */
    cr_expect_eq(nw, 0, "the latch never reaches the machine");
    cr_expect_eq(pv_io_read(&dom0, 0xcf8, 4), 0x80001808u, "read back from the latch");
    cr_expect_eq(pv_io_read(&dom0, 0xcfe, 2), (0x11223344u ^ 0xcfe) & 0xffff);
    cr_assert_eq(nw, 1);
    cr_expect(wlog[0].port == 0xcf8 && wlog[0].size == 4 && wlog[0].val == 0x80001808u,
              "address written right before the data access");
    pv_io_write(&dom0, 0xcfd, 1, 0xab);
    cr_assert_eq(nw, 3);
    cr_expect(wlog[1].port == 0xcf8 && wlog[1].val == 0x80001808u);
    cr_expect(wlog[2].port == 0xcfd && wlog[2].size == 1 && wlog[2].val == 0xab);
    nw = 0;
    cr_expect_eq(pv_io_read(&dom0, 0xcfe, 4), 0xffffffffu, "dword past the window");
    pv_io_write(&dom0, 0xcf8, 4, 0x00001808u);      /* enable bit clear */
    cr_expect_eq(pv_io_read(&dom0, 0xcfc, 4), 0xffffffffu);
    cr_expect_eq(nw, 0);
    /* Byte access to 0xcf9 (reset control) is a plain permitted port. */
    pv_io_write(&dom0, 0xcf9, 1, 0x06);
    cr_assert_eq(nw, 1);
    cr_expect(wlog[0].port == 0xcf9 && wlog[0].size == 1);
    cr_expect_eq(dom0.arch.pci_cf8, 0x00001808u, "byte writes leave the latch");
}
