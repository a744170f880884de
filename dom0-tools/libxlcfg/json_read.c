/*
 * json_read.c — a domain configuration back from libxl's JSON (the form
 * xl keeps per domain and puts in save files): what xl restore needs to
 * build the domain again.  Accepts ours (json.c) and Debian's xl 4.17
 * (which also nests kernel/cmdline/ramdisk under "type.pv" in some forms);
 * keys it does not know are ignored, as libxl's parser does for ours.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xlcfg_json.h"
#include "xlcfg_parse.h"

static void get_str(json_t *o, const char *k, char *dst, size_t len)
{
    json_t *v = json_object_get(o, k);

    if (json_is_string(v))
        snprintf(dst, len, "%s", json_string_value(v));
}

static long long get_int(json_t *o, const char *k, long long dflt)
{
    json_t *v = json_object_get(o, k);

    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static bool get_bool(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    if (json_is_string(v))
        return strcmp(json_string_value(v), "True") == 0;
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    return json_is_true(v);
}

static enum xlcfg_action action(json_t *o, const char *k)
{
    static const enum xlcfg_action all[] = {
        XLCFG_ACTION_DESTROY, XLCFG_ACTION_RESTART, XLCFG_ACTION_RENAME_RESTART,
        XLCFG_ACTION_PRESERVE, XLCFG_ACTION_COREDUMP_DESTROY, XLCFG_ACTION_COREDUMP_RESTART,
        XLCFG_ACTION_SOFT_RESET,
    };
    json_t *v = json_object_get(o, k);

    if (json_is_string(v))
        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
            if (strcmp(json_string_value(v), xlcfg_json_action(all[i])) == 0)
                return all[i];
    return XLCFG_ACTION_DESTROY;
}

/* A libxl UUID string ("xxxxxxxx-xxxx-...") into 16 bytes. */
static bool parse_uuid(const char *s, uint8_t u[16])
{
    unsigned n = 0;

    for (const char *p = s; *p && n < 32; p++) {
        int d;
        if (*p == '-')
            continue;
        if (*p >= '0' && *p <= '9') d = *p - '0';
        else if (*p >= 'a' && *p <= 'f') d = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F') d = *p - 'A' + 10;
        else return false;
        if (n % 2 == 0)
            u[n / 2] = (uint8_t)(d << 4);
        else
            u[n / 2] |= (uint8_t)d;
        n++;
    }
    return n == 32;
}

int xlcfg_from_json(const char *text, struct domain_config *cfg, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_loads(text, 0, &je), *ci, *bi, *pv, *a, *x;
    char uuid[64] = "";
    size_t i;

    memset(cfg, 0, sizeof(*cfg));
    if (!root || !json_is_object(root)) {
        snprintf(err, errlen, "the domain configuration is not valid JSON (line %d: %s)",
                 je.line, je.text);
        json_decref(root);
        return -EINVAL;
    }
    ci = json_object_get(root, "c_info");
    bi = json_object_get(root, "b_info");
    if (!json_is_object(ci) || !json_is_object(bi)) {
        snprintf(err, errlen, "the domain configuration has no c_info/b_info");
        json_decref(root);
        return -EINVAL;
    }
    get_str(ci, "name", cfg->name, sizeof(cfg->name));
    get_str(ci, "type", cfg->type, sizeof(cfg->type));
    get_str(ci, "uuid", uuid, sizeof(uuid));
    cfg->uuid_set = uuid[0] && parse_uuid(uuid, cfg->uuid);

    cfg->maxvcpus = (unsigned)get_int(bi, "max_vcpus", 1);
    a = json_object_get(bi, "avail_vcpus");
    cfg->vcpus = json_is_array(a) && json_array_size(a) ? (unsigned)json_array_size(a) : cfg->maxvcpus;
    cfg->vcpus_set = json_object_get(bi, "avail_vcpus") != NULL;
    cfg->maxvcpus_set = json_object_get(bi, "max_vcpus") != NULL;
    cfg->maxmem_mb = (uint64_t)get_int(bi, "max_memkb", 0) / 1024;
    cfg->memory_mb = (uint64_t)get_int(bi, "target_memkb", get_int(bi, "max_memkb", 0)) / 1024;
    cfg->memory_set = json_object_get(bi, "target_memkb") != NULL;
    cfg->maxmem_set = json_object_get(bi, "max_memkb") != NULL;
    get_str(bi, "kernel", cfg->kernel, sizeof(cfg->kernel));
    get_str(bi, "cmdline", cfg->cmdline, sizeof(cfg->cmdline));
    get_str(bi, "ramdisk", cfg->ramdisk, sizeof(cfg->ramdisk));
    pv = json_object_get(bi, "type.pv");
    if (json_is_object(pv)) {
        get_str(pv, "kernel", cfg->kernel, sizeof(cfg->kernel));
        get_str(pv, "cmdline", cfg->cmdline, sizeof(cfg->cmdline));
        get_str(pv, "ramdisk", cfg->ramdisk, sizeof(cfg->ramdisk));
    }
    a = json_object_get(root, "disks");
    json_array_foreach(a, i, x) {
        struct xlcfg_disk *d;
        if (cfg->nr_disks >= XLCFG_MAX_DISKS)
            break;
        d = &cfg->disks[cfg->nr_disks++];
        get_str(x, "pdev_path", d->target, sizeof(d->target));
        get_str(x, "vdev", d->vdev, sizeof(d->vdev));
        get_str(x, "format", d->format, sizeof(d->format));
        get_str(x, "script", d->script, sizeof(d->script));
        get_str(x, "backend", d->backendtype, sizeof(d->backendtype));
        get_str(x, "backend_domname", d->backend_domname, sizeof(d->backend_domname));
        d->readonly = !get_bool(x, "readwrite");
        d->cdrom = get_bool(x, "is_cdrom");
        d->direct_io_safe = get_bool(x, "direct_io_safe");
        d->discard = json_object_get(x, "discard_enable") ? get_bool(x, "discard_enable") : -1;
        d->trusted = json_object_get(x, "trusted") ? get_bool(x, "trusted") : -1;
        if (!d->format[0])
            snprintf(d->format, sizeof(d->format), "raw");
    }
    a = json_object_get(root, "nics");
    json_array_foreach(a, i, x) {
        struct xlcfg_vif *v;
        char nictype[16] = "";
        if (cfg->nr_vifs >= XLCFG_MAX_VIFS)
            break;
        v = &cfg->vifs[cfg->nr_vifs++];
        v->devid = (unsigned)get_int(x, "devid", (long long)i);
        get_str(x, "mac", v->mac, sizeof(v->mac));
        get_str(x, "bridge", v->bridge, sizeof(v->bridge));
        get_str(x, "ip", v->ip, sizeof(v->ip));
        get_str(x, "script", v->script, sizeof(v->script));
        get_str(x, "model", v->model, sizeof(v->model));
        get_str(x, "ifname", v->vifname, sizeof(v->vifname));
        get_str(x, "gatewaydev", v->gatewaydev, sizeof(v->gatewaydev));
        get_str(x, "backend_domname", v->backend_domname, sizeof(v->backend_domname));
        get_str(x, "nictype", nictype, sizeof(nictype));
        if (nictype[0])
            snprintf(v->type, sizeof(v->type), "%s", strcmp(nictype, "vif_ioemu") ? "vif" : "ioemu");
    }
    cfg->on_poweroff = action(root, "on_poweroff");
    cfg->on_reboot = action(root, "on_reboot");
    cfg->on_crash = action(root, "on_crash");
    json_decref(root);
    if (!cfg->name[0]) {
        snprintf(err, errlen, "the domain configuration has no name (c_info.name)");
        return -EINVAL;
    }
    if (cfg->memory_mb == 0) {
        snprintf(err, errlen, "the domain configuration has no memory size (b_info.target_memkb)");
        return -EINVAL;
    }
    if (!cfg->maxmem_mb)
        cfg->maxmem_mb = cfg->memory_mb;
    if (cfg->vcpus == 0)
        cfg->vcpus = 1;
    if (cfg->maxvcpus < cfg->vcpus)
        cfg->maxvcpus = cfg->vcpus;
    return 0;
}
