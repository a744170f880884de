/*
 * json.c — struct domain_config as libxl's domain_config JSON, printed the
 * way xl prints it (`xl create -n', `xl list -l').
 *
 * libxl's generator leaves out every field still at its default, and
 * orders fields as its IDL declares them; both matter to users who diff
 * or script this output, so the builders below mirror that order and only
 * add what the config file set (see the *_set flags in xlcfg.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg_json.h"
#include "xlcfg_parse.h"

/* Adds a string field unless empty; returns -1 on failure. */
static int add_str(json_t *o, const char *k, const char *v)
{
    json_t *s;

    if (!v || !v[0])
        return 0;
    s = json_string(v);            /* NULL if v is not UTF-8 */
    return s ? json_object_set_new(o, k, s) : -1;
}

static int add_int(json_t *o, const char *k, long long v)
{
    return json_object_set_new(o, k, json_integer(v));
}

const char *xlcfg_json_action(enum xlcfg_action a)
{
    switch (a) {
    case XLCFG_ACTION_DESTROY: return "destroy";
    case XLCFG_ACTION_RESTART: return "restart";
    case XLCFG_ACTION_RENAME_RESTART: return "restart_rename";
    case XLCFG_ACTION_PRESERVE: return "preserve";
    case XLCFG_ACTION_COREDUMP_DESTROY: return "coredump_destroy";
    case XLCFG_ACTION_COREDUMP_RESTART: return "coredump_restart";
    case XLCFG_ACTION_SOFT_RESET: return "soft_reset";
    }
    return "destroy";
}

static json_t *c_info(const struct domain_config *cfg)
{
    json_t *o = json_object();
    char uuid[37];
    int rc = 0;

    if (!o)
        return NULL;
    rc |= add_str(o, "type", cfg->type[0] ? cfg->type : "pv");
    rc |= add_str(o, "name", cfg->name);
    if (cfg->uuid_set) {
        xlcfg_uuid_format(cfg->uuid, uuid);
        rc |= add_str(o, "uuid", uuid);
    }
    /* xl.conf's run_hotplug_scripts default */
    rc |= add_str(o, "run_hotplug_scripts", "True");
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *b_info(const struct domain_config *cfg)
{
    json_t *o = json_object(), *avail;
    unsigned int i;
    int rc = 0;

    if (!o)
        return NULL;
    if (cfg->vcpus_set || cfg->maxvcpus_set)
        rc |= add_int(o, "max_vcpus", cfg->maxvcpus);
    if (cfg->vcpus_set) {
        avail = json_array();
        for (i = 0; avail && i < cfg->vcpus; i++)
            rc |= json_array_append_new(avail, json_integer(i));
        rc |= avail ? json_object_set_new(o, "avail_vcpus", avail) : -1;
    }
    if (cfg->memory_set || cfg->maxmem_set)
        rc |= add_int(o, "max_memkb", (long long)cfg->maxmem_mb * 1024);
    if (cfg->memory_set)
        rc |= add_int(o, "target_memkb", (long long)cfg->memory_mb * 1024);
    rc |= json_object_set_new(o, "sched_params", json_object());
    /* xl.conf's claim_mode default */
    rc |= add_str(o, "claim_mode", "True");
    rc |= add_str(o, "kernel", cfg->kernel);
    rc |= add_str(o, "cmdline", cfg->cmdline);
    rc |= add_str(o, "ramdisk", cfg->ramdisk);
    rc |= json_object_set_new(o, "type.pv", json_object());
    rc |= json_object_set_new(o, "arch_arm", json_object());
    rc |= json_object_set_new(o, "arch_x86", json_object());
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *disk(const struct xlcfg_disk *d)
{
    json_t *o = json_object();
    int rc = 0;

    if (!o)
        return NULL;
    rc |= add_str(o, "backend_domname", d->backend_domname);
    rc |= add_str(o, "pdev_path", d->target);
    rc |= add_str(o, "vdev", d->vdev);
    rc |= add_str(o, "backend", d->backendtype);
    rc |= add_str(o, "format", d->format);
    rc |= add_str(o, "script", d->script);
    if (d->cdrom)
        rc |= add_int(o, "removable", 1);
    if (!d->readonly)
        rc |= add_int(o, "readwrite", 1);
    if (d->cdrom)
        rc |= add_int(o, "is_cdrom", 1);
    if (d->direct_io_safe)
        rc |= json_object_set_new(o, "direct_io_safe", json_true());
    if (d->discard >= 0)
        rc |= add_str(o, "discard_enable", d->discard ? "True" : "False");
    if (d->trusted >= 0)
        rc |= add_str(o, "trusted", d->trusted ? "True" : "False");
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *nic(const struct xlcfg_vif *v)
{
    json_t *o = json_object();
    int rc = 0;

    if (!o)
        return NULL;
    rc |= add_str(o, "backend_domname", v->backend_domname);
    rc |= add_int(o, "devid", v->devid);
    rc |= add_str(o, "model", v->model);
    rc |= add_str(o, "mac", v->mac);
    rc |= add_str(o, "ip", v->ip);
    rc |= add_str(o, "bridge", v->bridge);
    rc |= add_str(o, "ifname", v->vifname);
    rc |= add_str(o, "script", v->script);
    if (v->type[0])
        rc |= add_str(o, "nictype", strcmp(v->type, "ioemu") ? "vif" :
                      "vif_ioemu");
    rc |= add_str(o, "gatewaydev", v->gatewaydev);
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *xlcfg_json_domain_config(const struct domain_config *cfg)
{
    json_t *o = json_object(), *a, *x;
    unsigned int i;
    int rc = 0;

    if (!o)
        return NULL;
    x = c_info(cfg);
    rc |= x ? json_object_set_new(o, "c_info", x) : -1;
    x = b_info(cfg);
    rc |= x ? json_object_set_new(o, "b_info", x) : -1;
    if (cfg->nr_disks) {
        a = json_array();
        for (i = 0; a && i < cfg->nr_disks && i < XLCFG_MAX_DISKS; i++) {
            x = disk(&cfg->disks[i]);
            rc |= x ? json_array_append_new(a, x) : -1;
        }
        rc |= a ? json_object_set_new(o, "disks", a) : -1;
    }
    if (cfg->nr_vifs) {
        a = json_array();
        for (i = 0; a && i < cfg->nr_vifs && i < XLCFG_MAX_VIFS; i++) {
            x = nic(&cfg->vifs[i]);
            rc |= x ? json_array_append_new(a, x) : -1;
        }
        rc |= a ? json_object_set_new(o, "nics", a) : -1;
    }
    /* destroy is libxl's default action, so it is never printed */
    if (cfg->on_poweroff != XLCFG_ACTION_DESTROY)
        rc |= add_str(o, "on_poweroff", xlcfg_json_action(cfg->on_poweroff));
    if (cfg->on_reboot != XLCFG_ACTION_DESTROY)
        rc |= add_str(o, "on_reboot", xlcfg_json_action(cfg->on_reboot));
    if (cfg->on_crash != XLCFG_ACTION_DESTROY)
        rc |= add_str(o, "on_crash", xlcfg_json_action(cfg->on_crash));
    rc |= add_str(o, "on_soft_reset", "soft_reset");
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/*
 * jansson prints an empty container as "{}"; yajl's beautifier (xl) as
 * "{", an empty line, then "}" at the container's own indentation.
 */
/* Indentation of the line holding s[i]. */
static size_t line_indent(const char *s, size_t i)
{
    size_t ls = i, ind = 0;

    while (ls > 0 && s[ls - 1] != '\n')
        ls--;
    while (s[ls + ind] == ' ')
        ind++;
    return ind;
}

/* Walks s for empty "{}" / "[]" outside strings; with q, writes the
 * rewritten text at *q.  Returns the number of bytes the rewrite adds,
 * so the caller can allocate exactly. */
static size_t scan_empties(const char *s, size_t len, char **q)
{
    bool in_str = false;
    size_t i, extra = 0;

    for (i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (q)
                *(*q)++ = c;
            if (c == '\\' && i + 1 < len) {
                if (q)
                    *(*q)++ = s[i + 1];
                i++;
            } else if (c == '"') {
                in_str = false;
            }
            continue;
        }
        if (c == '"')
            in_str = true;
        if ((c == '{' || c == '[') && i + 1 < len &&
            s[i + 1] == (c == '{' ? '}' : ']')) {
            size_t ind = line_indent(s, i);
            extra += 2 + ind;
            if (q) {
                *(*q)++ = c;
                *(*q)++ = '\n';
                *(*q)++ = '\n';
                memset(*q, ' ', ind);
                *q += ind;
                *(*q)++ = s[i + 1];
            }
            i++;
            continue;
        }
        if (q)
            *(*q)++ = c;
    }
    return extra;
}

/*
 * jansson prints an empty container as "{}"; yajl's beautifier (xl) as
 * "{", an empty line, then "}" at the container's own indentation.
 */
static char *yajl_style(char *s)
{
    size_t len = strlen(s), extra = scan_empties(s, len, NULL);
    char *out, *q;

    if (!extra)
        return s;
    out = malloc(len + extra + 1);
    if (!out) {
        free(s);
        return NULL;
    }
    q = out;
    scan_empties(s, len, &q);
    *q = 0;
    free(s);
    return out;
}

char *xlcfg_json_dump(const json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER), *r;
    size_t len;

    if (!s)
        return NULL;
    s = yajl_style(s);
    if (!s)
        return NULL;
    len = strlen(s);
    r = realloc(s, len + 2);
    if (!r) {
        free(s);
        return NULL;
    }
    r[len] = '\n';
    r[len + 1] = 0;
    return r;
}

char *xlcfg_to_json(const struct domain_config *cfg)
{
    json_t *j = xlcfg_json_domain_config(cfg);
    char *s;

    if (!j)
        return NULL;
    s = xlcfg_json_dump(j);
    json_decref(j);
    return s;
}
