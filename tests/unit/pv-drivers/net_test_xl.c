/*
 * net_test_xl.c — xl's vif wiring (dom0-tools/xl/dev_vif.c, the real code):
 * a vif= specification becomes the backend, frontend and /libxl nodes
 * libxl writes (libxl_nic.c, libxl_device.c), the generated MAC, the
 * refusals, and network-list's rows in Xen's format.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "xlcfg_parse.h"

static const char *node(const struct xl_vif_plan *p, enum xl_vif_where w,
                        const char *key)
{
    for (unsigned int i = 0; i < p->n; i++)
        if (p->nodes[i].where == w && !strcmp(p->nodes[i].key, key))
            return p->nodes[i].val;
    return NULL;
}

static void plan(const char *spec, unsigned int devid, struct xl_vif_plan *p,
                 int want)
{
    static const uint8_t rnd[3] = { 0xff, 0x12, 0x34 };
    struct xlcfg_vif v;
    char why[256];

    cr_assert_eq(xlcfg_parse_vif(spec, devid, &v, why, sizeof(why)), 0, "%s", why);
    cr_assert_eq(xl_vif_plan(5, &v, rnd, p), want, "%s", spec);
}

Test(xlvif, nodes_as_libxl_writes_them)
{
    struct xl_vif_plan p;

    unsetenv("XL_SCRIPT_DIR");
    plan("mac=00:16:3E:AA:bb:01,bridge=xenbr1,ip=10.0.0.5", 0, &p, 0);
    cr_assert_str_eq(p.bepath, "/local/domain/0/backend/vif/5/0");
    cr_assert_str_eq(p.fepath, "/local/domain/5/device/vif/0");
    cr_assert_str_eq(p.libxlpath, "/libxl/5/device/vif/0");
    cr_assert_str_eq(p.ifname, "vif5.0");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "frontend"), p.fepath);
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "frontend-id"), "5");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "online"), "1");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "state"), "1");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "script"), "/etc/xen/scripts/vif-bridge");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "mac"), "00:16:3e:aa:bb:01");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "ip"), "10.0.0.5");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "bridge"), "xenbr1");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "handle"), "0");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "type"), "vif");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "hotplug-status"), "");
    cr_assert_null(node(&p, XL_VIF_BACK, "vifname"));
    cr_assert_str_eq(node(&p, XL_VIF_FRONT, "backend"), p.bepath);
    cr_assert_str_eq(node(&p, XL_VIF_FRONT, "backend-id"), "0");
    cr_assert_str_eq(node(&p, XL_VIF_FRONT, "state"), "1");
    cr_assert_str_eq(node(&p, XL_VIF_FRONT, "handle"), "0");
    cr_assert_str_eq(node(&p, XL_VIF_FRONT, "mac"), "00:16:3e:aa:bb:01");
    cr_assert_str_eq(node(&p, XL_VIF_FRONT, "trusted"), "1");
    cr_assert_str_eq(node(&p, XL_VIF_FRONT_RO, "mtu"), "1500");
    cr_assert_str_eq(node(&p, XL_VIF_LIBXL, "frontend"), p.fepath);
    cr_assert_str_eq(node(&p, XL_VIF_LIBXL, "backend"), p.bepath);
    cr_assert_str_eq(node(&p, XL_VIF_LIBXL, "mac"), "00:16:3e:aa:bb:01");
    cr_assert_str_eq(node(&p, XL_VIF_LIBXL, "bridge"), "xenbr1");
    cr_assert_null(node(&p, XL_VIF_LIBXL, "hotplug-status"));
}

Test(xlvif, defaults_generated_mac_and_devid)
{
    struct xl_vif_plan p;

    setenv("XL_SCRIPT_DIR", "/opt/scripts", 1);
    plan("", 3, &p, 0);
    unsetenv("XL_SCRIPT_DIR");
    /* Xen's OUI, the first random byte's top bit cleared as libxl does */
    cr_assert_str_eq(p.mac, "00:16:3e:7f:12:34");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "bridge"), "xenbr0");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "script"), "/opt/scripts/vif-bridge");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "handle"), "3");
    cr_assert_str_eq(p.bepath, "/local/domain/0/backend/vif/5/3");
    cr_assert_null(node(&p, XL_VIF_BACK, "ip"));
}

Test(xlvif, script_and_vifname)
{
    struct xl_vif_plan p;

    plan("script=/usr/local/bin/my-vif,vifname=guest0,devid=2", 0, &p, 0);
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "script"), "/usr/local/bin/my-vif");
    cr_assert_str_eq(node(&p, XL_VIF_BACK, "vifname"), "guest0");
    cr_assert_str_eq(p.ifname, "guest0");
    cr_assert_str_eq(p.bepath, "/local/domain/0/backend/vif/5/2");
}

Test(xlvif, refusals)
{
    struct xl_vif_plan p;

    plan("vifname=a-very-long-name-x", 0, &p, -ENAMETOOLONG);
    plan("model=e1000", 0, &p, -EOPNOTSUPP);
    plan("type=ioemu", 0, &p, -EOPNOTSUPP);
    plan("backend=driverdom", 0, &p, -EOPNOTSUPP);
    plan("backend=0", 0, &p, 0);
}

Test(xlvif, network_list_format_is_xens)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    struct xl_nicinfo a = { .devid = 0, .backend_id = 0, .mac = "00:16:3e:00:00:0a",
                            .state = 4, .evtch = 17, .rref_tx = 768, .rref_rx = 769,
                            .backend = "/local/domain/0/backend/vif/1/0" };
    struct xl_nicinfo b = { .devid = 1, .backend_id = 0, .mac = "00:16:3e:00:00:0b",
                            .state = 1, .evtch = -1, .rref_tx = -1, .rref_rx = -1,
                            .backend = "/local/domain/0/backend/vif/12/1" };

    xl_network_list_header(f);
    xl_network_list_row(f, &a);
    xl_network_list_row(f, &b);
    fclose(f);
    cr_assert_str_eq(out,
        "Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       \n"
        "0   0  00:16:3e:00:00:0a     0     4     17   768/769         /local/domain/0/backend/vif/1/0\n"
        "1   0  00:16:3e:00:00:0b     1     1     -1    -1/-1          /local/domain/0/backend/vif/12/1\n");
    free(out);
}

Test(xlvif, commands_in_the_table_with_xens_help)
{
    const struct xl_cmd *c = xl_cmd_lookup("network-attach");

    cr_assert_not_null(c);
    cr_assert_str_eq(c->desc, "Create a new virtual network device");
    cr_assert(c->can_dryrun && c->modifies);
    c = xl_cmd_lookup("network-detach");
    cr_assert_not_null(c);
    cr_assert_str_eq(c->usage, "<Domain> <DevId|mac>");
    c = xl_cmd_lookup("network-list");
    cr_assert_not_null(c);
    cr_assert_str_eq(c->usage, "<Domain(s)>");
}
