/*
 * test_mca.c — HYPERVISOR_mca (arch/x86/pv/mca.c) as Xen 4.17 answers a PV
 * dom0: physcpuinfo (count, then the boot processor's identity), fetch
 * with nothing to fetch, and the refusals (domU, interface version, bad
 * commands and arguments, bad pointers).
 */
#include <string.h>
#include <criterion/criterion.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <public/arch-x86/xen-mca.h>
#include "harness.h"

TestSuite(mca, .init = h_setup, .fini = h_teardown);

static long mca(struct xen_mc *op)
{
    return do_mca((XEN_GUEST_HANDLE_PARAM(void)){ op });
}

static struct xen_mc mc(uint32_t cmd)
{
    struct xen_mc op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.interface_version = XEN_MCA_INTERFACE_VERSION;
    return op;
}

Test(mca, physcpuinfo_count_then_the_boot_processor)
{
    struct xen_mc op = mc(XEN_MC_physcpuinfo);
    xen_mc_logical_cpu_t cpu[2];

    h_make_dom0();
    cr_assert_eq(mca(&op), 0);
    cr_assert_eq(op.u.mc_physcpuinfo.ncpus, 1, "the processor vCPUs run on");
    memset(cpu, 0xaa, sizeof(cpu));
    op.u.mc_physcpuinfo.ncpus = 2;
    op.u.mc_physcpuinfo.info.p = cpu;
    cr_assert_eq(mca(&op), 0);
    cr_assert_eq(op.u.mc_physcpuinfo.ncpus, 1);
    cr_assert_eq(memcmp(cpu[0].mc_vendorid, "GenuineIntel", 12), 0);
    cr_assert_eq(cpu[0].mc_vendor, 1);
    cr_assert(cpu[0].mc_cpuid_level > 0);
    cr_assert_eq(cpu[0].mc_nmsrvals, 0);
    cr_assert_eq((unsigned char)cpu[1].mc_vendorid[0], 0xaa, "one entry written");
    op.u.mc_physcpuinfo.ncpus = 0;
    cr_assert_eq(mca(&op), -EINVAL, "an array of 0 entries");
    op.u.mc_physcpuinfo.ncpus = 1;
    op.u.mc_physcpuinfo.info.p = H_BAD_PTR;
    cr_assert_eq(mca(&op), -EFAULT);
}

Test(mca, fetch_finds_nothing)
{
    struct xen_mc op = mc(XEN_MC_fetch);
    char buf[64];

    h_make_dom0();
    op.u.mc_fetch.flags = XEN_MC_NONURGENT;
    op.u.mc_fetch.data.p = buf;
    cr_assert_eq(mca(&op), 0);
    cr_assert_eq(op.u.mc_fetch.flags, XEN_MC_NODATA);
    cr_assert_eq(op.u.mc_fetch.fetch_id, 0);
    op.u.mc_fetch.flags = XEN_MC_URGENT | XEN_MC_ACK;
    cr_assert_eq(mca(&op), 0, "an ack");
    op.u.mc_fetch.flags = XEN_MC_URGENT | XEN_MC_NONURGENT;
    cr_assert_eq(mca(&op), -EINVAL, "both classes");
    op.u.mc_fetch.flags = XEN_MC_URGENT;
    op.u.mc_fetch.data.p = NULL;
    cr_assert_eq(mca(&op), -EINVAL, "no buffer");
}

Test(mca, refusals)
{
    struct xen_mc op = mc(XEN_MC_physcpuinfo);
    struct domain *u;

    h_make_dom0();
    cr_assert_eq(do_mca((XEN_GUEST_HANDLE_PARAM(void)){ H_BAD_PTR }), -EFAULT);
    op.interface_version = 0x03000001;
    cr_assert_eq(mca(&op), -EACCES, "another interface version");
    op = mc(XEN_MC_notifydomain);
    cr_assert_eq(mca(&op), -EINVAL, "unsupported, as in Xen 4.17");
    op = mc(XEN_MC_mceinject);
    cr_assert_eq(mca(&op), -ENODEV, "no banks to inject into");
    op = mc(99);
    cr_assert_eq(mca(&op), -EINVAL);
    cr_assert_eq(domain_create(1, 0, 1, &u), 0);
    h_run_as(u->vcpu[0]);
    op = mc(XEN_MC_physcpuinfo);
    cr_assert_eq(mca(&op), -EPERM, "a domU");
    cr_assert_eq(op.u.mc_physcpuinfo.ncpus, 0, "nothing written");
}
