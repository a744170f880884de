/*
 * format.c — what xl prints, separated from where the data comes from:
 * `xl list' rows, `xl info' keys, uptimes, `xl list -l' JSON, and the
 * parsing of mem-max sizes.  Column widths and key alignment are Xen
 * 4.17's, byte for byte, because users parse them in scripts.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "xlcfg_json.h"
#include "xlcfg_parse.h"

void xl_list_header(FILE *out, bool verbose, bool context, bool cpupool)
{
    fputs("Name                                        ID   Mem VCPUs\tState"
          "\tTime(s)", out);
    if (verbose)
        fputs("   UUID                            Reason-Code\tSecurity Label",
              out);
    if (context && !verbose)
        fputs("   Security Label", out);
    if (cpupool)
        fputs("         Cpupool", out);
    fputc('\n', out);
}

void xl_state_letters(const struct domain_info *d, char out[7])
{
    static const char reason_letters[] = "-rscwS";
    /* domain_info keeps a crash apart (shutdown false, crashed true); xl
     * shows it as Xen's xl does: shut down, reason letter 'c'. */
    bool down = d->shutdown || d->crashed;
    unsigned int reason = down ? d->shutdown_reason : 0;

    out[0] = d->running ? 'r' : '-';
    out[1] = d->blocked ? 'b' : '-';
    out[2] = d->paused ? 'p' : '-';
    out[3] = down ? 's' : '-';
    out[4] = reason < sizeof(reason_letters) - 1 ? reason_letters[reason] : '?';
    out[5] = d->dying ? 'd' : '-';
    out[6] = 0;
}

void xl_list_row(FILE *out, const struct domain_info *d, bool verbose,
                 bool context, bool cpupool)
{
    char state[7], uuid[37];

    xl_state_letters(d, state);
    /* a domain with no name in xenstore prints as libxl's NULL does */
    fprintf(out, "%-40s %5u %5lu %5u     %s  %8.1f",
            d->name[0] ? d->name : "(null)", d->domid,
            (unsigned long)(d->mem_kb / 1024), d->vcpus_online, state,
            (float)d->cpu_time_ns / 1e9);
    if (verbose) {
        xlcfg_uuid_format(d->uuid, uuid);
        fprintf(out, " %s", uuid);
        if (d->shutdown)
            fprintf(out, " %8x", d->shutdown_reason);
        else
            fprintf(out, " %8s", "-");
    }
    if (verbose || context)
        fprintf(out, " %16s", "-");
    if (cpupool) {
        char pool[32];
        snprintf(pool, sizeof(pool), "Pool-%u", d->cpupool);
        fprintf(out, "%16s", d->cpupool ? pool : "Pool-0");
    }
    fputc('\n', out);
}

char *xl_uptime_string(unsigned long uptime, bool short_mode)
{
    unsigned long day, hour, min, sec;
    char *s = NULL;
    int n;

    day = uptime / 86400;
    uptime -= day * 86400;
    hour = uptime / 3600;
    uptime -= hour * 3600;
    min = uptime / 60;
    sec = uptime - min * 60;
    if (short_mode) {
        if (day > 1)
            n = asprintf(&s, "%lu days, %2lu:%02lu", day, hour, min);
        else if (day == 1)
            n = asprintf(&s, "%lu day, %2lu:%02lu", day, hour, min);
        else
            n = asprintf(&s, "%2lu:%02lu", hour, min);
    } else {
        if (day > 1)
            n = asprintf(&s, "%lu days, %2lu:%02lu:%02lu", day, hour, min, sec);
        else if (day == 1)
            n = asprintf(&s, "%lu day, %2lu:%02lu:%02lu", day, hour, min, sec);
        else
            n = asprintf(&s, "%2lu:%02lu:%02lu", hour, min, sec);
    }
    return n < 0 ? NULL : s;
}

int64_t xl_parse_mem_kb(const char *mem)
{
    char *end;
    long long v;
    int shift;

    if (!isdigit((unsigned char)*mem))
        return -1;
    v = strtoll(mem, &end, 10);
    if (strlen(end) > 1)
        return -1;
    switch (tolower((unsigned char)*end)) {
    case 't': shift = 30; break;
    case 'g': shift = 20; break;
    case '\0':
    case 'm': shift = 10; break;
    case 'k': shift = 0; break;
    case 'b': return v >> 10;
    default: return -1;
    }
    if (v > (INT64_MAX >> shift))
        return -1;              /* would overflow: certainly not a real size */
    return (int64_t)v << shift;
}

/* Prints "key : value" unless a single key was asked for, then only value. */
static void kv(FILE *out, const char *only, const char *key,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void kv(FILE *out, const char *only, const char *key,
               const char *fmt, ...)
{
    va_list ap;

    /* xl matches the asked-for name as a prefix of the key */
    if (only && strncmp(key, only, strlen(only)))
        return;
    if (!only)
        fprintf(out, "%-23s: ", key);
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

void xl_print_info(FILE *out, const struct host_info *hi,
                   const struct utsname *u, const char *only)
{
    const struct xc_physinfo *p = &hi->phys;
    const struct xc_version *v = &hi->ver;

    kv(out, only, "host", "%s", u->nodename);
    kv(out, only, "release", "%s", u->release);
    kv(out, only, "version", "%s", u->version);
    kv(out, only, "machine", "%s", u->machine);
    kv(out, only, "nr_cpus", "%u", p->nr_cpus);
    kv(out, only, "max_cpu_id", "%u", p->max_cpu_id);
    kv(out, only, "nr_nodes", "%u", p->nr_nodes);
    kv(out, only, "cores_per_socket", "%u", p->cores_per_socket);
    kv(out, only, "threads_per_core", "%u", p->threads_per_core);
    kv(out, only, "cpu_mhz", "%u.%03u", p->cpu_khz / 1000, p->cpu_khz % 1000);
    kv(out, only, "hw_caps", "%s", hi->hw_caps);
    /* xl glues " pv", " hvm" ... after the colon: no blank when empty */
    if (hi->virt_caps[0])
        kv(out, only, "virt_caps", "%s", hi->virt_caps);
    else if (!only)
        fputs("virt_caps              :\n", out);
    kv(out, only, "total_memory", "%" PRIu64, hi->total_mb);
    kv(out, only, "free_memory", "%" PRIu64, hi->free_mb);
    /* page sharing is not supported by the interfaces we drive: 0 is the
     * value Xen reports when nothing is shared */
    kv(out, only, "sharing_freed_memory", "%u", 0);
    kv(out, only, "sharing_used_memory", "%u", 0);
    kv(out, only, "outstanding_claims", "%" PRIu64, hi->outstanding_mb);
    kv(out, only, "free_cpus", "%" PRIu64, hi->free_cpus);
    kv(out, only, "xen_major", "%d", v->major);
    kv(out, only, "xen_minor", "%d", v->minor);
    kv(out, only, "xen_extra", "%s", v->extra);
    kv(out, only, "xen_version", "%d.%d%s", v->major, v->minor, v->extra);
    kv(out, only, "xen_caps", "%s", v->caps);
    kv(out, only, "xen_scheduler", "%s", hi->sched_name ? hi->sched_name : "");
    kv(out, only, "xen_pagesize", "%u", v->pagesize);
    kv(out, only, "platform_params", "virt_start=0x%" PRIx64, v->virt_start);
    kv(out, only, "xen_changeset", "%s", v->changeset);
    kv(out, only, "xen_commandline", "%s", v->commandline);
    kv(out, only, "cc_compiler", "%s", v->compiler);
    kv(out, only, "cc_compile_by", "%s", v->compile_by);
    kv(out, only, "cc_compile_domain", "%s", v->compile_domain);
    kv(out, only, "cc_compile_date", "%s", v->compile_date);
    kv(out, only, "build_id", "%s", v->build_id);
    kv(out, only, "xend_config_format", "%d", 4);
}

/* Inserts key/value into obj right after the key `after' (jansson keeps
 * insertion order, so the object is rebuilt). */
static int insert_after(json_t *obj, const char *after, const char *key,
                        json_t *val)
{
    json_t *copy = json_object();
    const char *k;
    json_t *v;
    int rc = 0, done = 0;

    if (!copy || !val) {
        json_decref(copy);
        json_decref(val);
        return -1;
    }
    json_object_foreach(obj, k, v) {
        if (!strcmp(k, key))
            continue;
        rc |= json_object_set(copy, k, v);
        if (!done && !strcmp(k, after)) {
            rc |= json_object_set(copy, key, val);
            done = 1;
        }
    }
    if (!done)
        rc |= json_object_set(copy, key, val);
    json_decref(val);
    rc |= json_object_clear(obj);
    rc |= json_object_update(obj, copy);
    json_decref(copy);
    return rc ? -1 : 0;
}

/*
 * libxl_retrieve_domain_configuration adds what only a live domain has:
 * c_info.domid (left at "invalid" as libxl does), b_info.video_memkb, the
 * scheduler parameters and arch_x86.msr_relaxed; the values are its
 * defaults for a PV guest.
 */
json_t *xl_list_long_entry(const struct domain_info *d, json_t *stored,
                           const char *sched_name)
{
    json_t *entry = json_object(), *cfg, *c_info, *b_info, *sp, *x86;
    int rc = 0;

    if (!entry)
        return NULL;
    if (stored) {
        cfg = json_deep_copy(stored);
    } else {
        /* not created by us (dom0): what libxl can tell from outside */
        cfg = json_pack("{s:{s:s,s:s},s:{s:I,s:I,s:{},s:{},s:{},s:{}}}",
                        "c_info", "type", "pv", "name",
                        d->name[0] ? d->name : "(null)",
                        "b_info", "max_memkb", (json_int_t)d->max_mem_kb,
                        "target_memkb", (json_int_t)d->mem_kb,
                        "sched_params", "type.pv", "arch_arm", "arch_x86");
    }
    c_info = json_object_get(cfg, "c_info");
    b_info = json_object_get(cfg, "b_info");
    if (!cfg || !c_info || !b_info) {
        json_decref(cfg);
        json_decref(entry);
        return NULL;
    }
    if (stored) {
        rc |= insert_after(c_info, "name", "domid",
                           json_integer(4294967295LL));
        rc |= insert_after(b_info, "target_memkb", "video_memkb",
                           json_integer(0));
        x86 = json_object_get(b_info, "arch_x86");
        if (x86)
            rc |= json_object_set_new(x86, "msr_relaxed",
                                      json_string("False"));
    }
    sp = json_object_get(b_info, "sched_params");
    if (sp && sched_name) {
        rc |= json_object_set_new(sp, "sched", json_string(sched_name));
        rc |= json_object_set_new(sp, "weight", json_integer(256));
        rc |= json_object_set_new(sp, "cap", json_integer(0));
    }
    rc |= json_object_set_new(entry, "domid", json_integer(d->domid));
    rc |= json_object_set_new(entry, "config", cfg);
    if (rc) {
        json_decref(entry);
        return NULL;
    }
    return entry;
}
