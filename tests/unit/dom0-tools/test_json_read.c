/*
 * test_json_read.c — a domain configuration read back from libxl JSON
 * (xlcfg_from_json, what xl restore builds from): every golden config
 * round-trips through our JSON, Xen-style forms are read, bad JSON is
 * refused with a reason.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include "xlcfg_json.h"
#include "xlcfg_parse.h"

static void round_trip(const char *name)
{
    struct domain_config a, b;
    struct xlcfg_error xe;
    char path[512], err[256], *json;

    snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
    cr_assert_eq(xlcfg_parse_file(path, NULL, 0, &a, NULL, &xe), 0, "%s", xe.msg);
    if (!a.uuid_set) {
        memset(a.uuid, 0x42, 16);
        a.uuid_set = true;
    }
    json = xlcfg_to_json(&a);
    cr_assert_not_null(json);
    cr_assert_eq(xlcfg_from_json(json, &b, err, sizeof(err)), 0, "%s: %s", name, err);
    free(json);
    cr_assert_str_eq(b.name, a.name);
    cr_assert_eq(memcmp(b.uuid, a.uuid, 16), 0);
    cr_assert_eq(b.memory_mb, a.memory_mb, "%s memory", name);
    cr_assert_eq(b.maxmem_mb, a.maxmem_mb, "%s maxmem", name);
    cr_assert_eq(b.vcpus, a.vcpus, "%s vcpus", name);
    cr_assert_eq(b.maxvcpus, a.maxvcpus, "%s maxvcpus", name);
    cr_assert_str_eq(b.kernel, a.kernel);
    cr_assert_str_eq(b.ramdisk, a.ramdisk);
    cr_assert_str_eq(b.cmdline, a.cmdline);
    cr_assert_eq(b.on_poweroff, a.on_poweroff);
    cr_assert_eq(b.on_reboot, a.on_reboot);
    cr_assert_eq(b.on_crash, a.on_crash);
    cr_assert_eq(b.nr_disks, a.nr_disks);
    for (unsigned i = 0; i < a.nr_disks; i++) {
        cr_assert_str_eq(b.disks[i].target, a.disks[i].target);
        cr_assert_str_eq(b.disks[i].vdev, a.disks[i].vdev);
        cr_assert_eq(b.disks[i].readonly, a.disks[i].readonly);
        cr_assert_eq(b.disks[i].cdrom, a.disks[i].cdrom);
    }
    cr_assert_eq(b.nr_vifs, a.nr_vifs);
    for (unsigned i = 0; i < a.nr_vifs; i++) {
        cr_assert_str_eq(b.vifs[i].mac, a.vifs[i].mac);
        cr_assert_str_eq(b.vifs[i].bridge, a.vifs[i].bridge);
        cr_assert_eq(b.vifs[i].devid, a.vifs[i].devid);
    }
}

Test(json_read, golden_configs_round_trip)
{
    round_trip("minimal.cfg");
    round_trip("domu.cfg");
    round_trip("full.cfg");
    round_trip("disks.cfg");
    round_trip("cmdline.cfg");
}

Test(json_read, xen_forms)
{
    struct domain_config c;
    char err[256];
    const char *j = "{ \"c_info\": { \"type\": \"pv\", \"name\": \"g\", "
        "\"uuid\": \"0a1b2c3d-0000-4000-8000-00000000abcd\" }, "
        "\"b_info\": { \"max_vcpus\": 2, \"avail_vcpus\": [0, 1], \"max_memkb\": 262144, "
        "\"target_memkb\": 131072, \"type.pv\": { \"kernel\": \"/k\", \"cmdline\": \"quiet\" } }, "
        "\"disks\": [ { \"pdev_path\": \"/d.img\", \"vdev\": \"xvda\", \"readwrite\": 1 } ], "
        "\"on_reboot\": \"restart\" }";

    cr_assert_eq(xlcfg_from_json(j, &c, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(c.name, "g");
    cr_assert(c.uuid_set);
    cr_assert_eq(c.uuid[0], 0x0a);
    cr_assert_eq(c.uuid[15], 0xcd);
    cr_assert_eq(c.vcpus, 2);
    cr_assert_eq(c.memory_mb, 128);
    cr_assert_eq(c.maxmem_mb, 256);
    cr_assert_str_eq(c.kernel, "/k");
    cr_assert_str_eq(c.cmdline, "quiet");
    cr_assert_eq(c.nr_disks, 1);
    cr_assert_not(c.disks[0].readonly);
    cr_assert_str_eq(c.disks[0].format, "raw");
    cr_assert_eq(c.on_reboot, XLCFG_ACTION_RESTART);
    cr_assert_eq(c.on_poweroff, XLCFG_ACTION_DESTROY);
}

Test(json_read, bad_json_refused_with_reason)
{
    struct domain_config c;
    char err[256];

    cr_assert_eq(xlcfg_from_json("{ \"c_info\": ", &c, err, sizeof(err)), -EINVAL);
    cr_assert_not_null(strstr(err, "not valid JSON"), "%s", err);
    cr_assert_eq(xlcfg_from_json("[1]", &c, err, sizeof(err)), -EINVAL);
    cr_assert_eq(xlcfg_from_json("{\"c_info\":{},\"b_info\":{\"target_memkb\":1024}}", &c, err,
                                 sizeof(err)), -EINVAL);
    cr_assert_not_null(strstr(err, "no name"), "%s", err);
    cr_assert_eq(xlcfg_from_json("{\"c_info\":{\"name\":\"x\"},\"b_info\":{}}", &c, err,
                                 sizeof(err)), -EINVAL);
    cr_assert_not_null(strstr(err, "no memory"), "%s", err);
}
