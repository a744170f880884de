/*
 * blk_test_xl.c — xl's disk wiring (dom0-tools/xl/dev_vbd.c): vdev names to
 * device numbers as libxl computes them, and a parsed disk spec to the
 * backend/frontend xenstore nodes libxl writes (qdisk for our blkback, vbd
 * for the kernel's xen-blkback), and the refusals.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "xl.h"
#include "xlcfg_parse.h"

static const char *val(const struct xl_vbd_kv *kv, unsigned int n, const char *key)
{
    for (unsigned int i = 0; i < n; i++)
        if (!strcmp(kv[i].key, key))
            return kv[i].val;
    return NULL;
}

Test(blk_xl, vdev_numbers)
{
    cr_assert_eq(xl_vbd_devid("xvda"), 51712);
    cr_assert_eq(xl_vbd_devid("xvdb"), 51728);
    cr_assert_eq(xl_vbd_devid("xvda1"), 51713);
    cr_assert_eq(xl_vbd_devid("xvdp"), 51952);
    cr_assert_eq(xl_vbd_devid("xvdq"), (1 << 28) | (16 << 8));
    cr_assert_eq(xl_vbd_devid("xvdaa"), (1 << 28) | (26 << 8));
    cr_assert_eq(xl_vbd_devid("hda"), 768);
    cr_assert_eq(xl_vbd_devid("hdb1"), 768 + 64 + 1);
    cr_assert_eq(xl_vbd_devid("hdc"), 22 << 8);
    cr_assert_eq(xl_vbd_devid("sda"), 2048);
    cr_assert_eq(xl_vbd_devid("sdb2"), 2048 + 16 + 2);
    cr_assert_eq(xl_vbd_devid("51712"), 51712);
    cr_assert_eq(xl_vbd_devid("xvd"), -1);
    cr_assert_eq(xl_vbd_devid("xvdA"), -1);
    cr_assert_eq(xl_vbd_devid("hde"), -1);
    cr_assert_eq(xl_vbd_devid("xvda1x"), -1);
    cr_assert_eq(xl_vbd_devid("vda"), -1);
    cr_assert_eq(xl_vbd_devid(""), -1);
}

static void nodes_of(const char *spec, uint32_t domid, struct xl_vbd_nodes *n, int want)
{
    struct xlcfg_disk d;
    char err[1024] = "";

    cr_assert_eq(xlcfg_parse_disk(spec, &d, err, sizeof(err)), 0, "%s: %s", spec, err);
    cr_assert_eq(xl_vbd_nodes(&d, domid, n, err, sizeof(err)), want, "%s: %s", spec, err);
}

Test(blk_xl, qdisk_nodes_as_libxl_writes_them)
{
    static struct xl_vbd_nodes n;

    nodes_of("format=raw, vdev=xvdb, access=rw, target=/img/a b.img", 5, &n, 0);
    cr_assert_eq(n.devid, 51728);
    cr_assert_str_eq(n.be, "/local/domain/0/backend/qdisk/5/51728");
    cr_assert_str_eq(n.fe, "/local/domain/5/device/vbd/51728");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "params"), "raw:/img/a b.img");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "frontend"), n.fe);
    cr_assert_str_eq(val(n.be_kv, n.nbe, "frontend-id"), "5");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "online"), "1");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "removable"), "0");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "bootable"), "1");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "state"), "1");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "dev"), "xvdb");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "type"), "qdisk");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "mode"), "w");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "device-type"), "disk");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "discard-enable"), "1");
    cr_assert_str_eq(val(n.fe_kv, n.nfe, "backend"), n.be);
    cr_assert_str_eq(val(n.fe_kv, n.nfe, "backend-id"), "0");
    cr_assert_str_eq(val(n.fe_kv, n.nfe, "state"), "1");
    cr_assert_str_eq(val(n.fe_kv, n.nfe, "virtual-device"), "51728");
    cr_assert_str_eq(val(n.fe_kv, n.nfe, "device-type"), "disk");
    cr_assert_str_eq(val(n.fe_kv, n.nfe, "protocol"), "x86_64-abi");
}

Test(blk_xl, legacy_and_positional_spellings)
{
    static struct xl_vbd_nodes n;

    nodes_of("file:/x.img,xvda,w", 1, &n, 0);
    cr_assert_str_eq(val(n.be_kv, n.nbe, "params"), "raw:/x.img");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "mode"), "w");
    nodes_of("/y.img,raw,xvdc,ro", 1, &n, 0);
    cr_assert_eq(n.devid, 51744);
    cr_assert_str_eq(val(n.be_kv, n.nbe, "mode"), "r");
    nodes_of("/y.img,,hdc:cdrom,r", 1, &n, 0);
    cr_assert_str_eq(val(n.be_kv, n.nbe, "device-type"), "cdrom");
    cr_assert_str_eq(val(n.fe_kv, n.nfe, "device-type"), "cdrom");
    nodes_of("vdev=xvde, access=w!, no-discard, target=/z.img", 1, &n, 0);
    cr_assert_str_eq(val(n.be_kv, n.nbe, "mode"), "w!");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "discard-enable"), "0");
}

Test(blk_xl, phy_goes_to_the_kernel_backend)
{
    static struct xl_vbd_nodes n;

    nodes_of("phy:/dev/loop0,xvda,w", 3, &n, 0);
    cr_assert_str_eq(n.be, "/local/domain/0/backend/qdisk/3/51712",
                     "phy: prefix alone keeps our backend");
    nodes_of("vdev=xvda, backendtype=phy, target=/dev/loop0", 3, &n, 0);
    cr_assert_str_eq(n.be, "/local/domain/0/backend/vbd/3/51712");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "params"), "/dev/loop0");
    cr_assert_str_eq(val(n.be_kv, n.nbe, "type"), "phy");
}

Test(blk_xl, refusals)
{
    static struct xl_vbd_nodes n;

    nodes_of("vdev=vda, target=/x", 1, &n, -EINVAL);
    nodes_of("format=qcow2, vdev=xvda, target=/x", 1, &n, -EOPNOTSUPP);
    nodes_of("vdev=xvda, backendtype=tap, target=/x", 1, &n, -EOPNOTSUPP);
    nodes_of("vdev=xvda, backend=driverdom, target=/x", 1, &n, -EOPNOTSUPP);
    nodes_of("vdev=xvda, script=block-iscsi, target=/x", 1, &n, -EOPNOTSUPP);
}
