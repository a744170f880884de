/*
 * pv/boot_opts.c — the module-string syntax of extra boot-time domains
 * (docs/architecture.md, "Boot-time domains"):
 *     domain=unprivileged [mem=<size>] [vcpus=<n>] [--] <kernel command line>
 * The builder's options come first; the first word that is not one of them
 * (or everything after "--") is the kernel's command line.  Pure:
 * tests/unit/pvcore runs it on the host.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <asm/pv_emul.h>

#define BOOT_MAX_VCPUS 32

static bool starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

int pv_parse_boot_opts(const char *s, struct pv_boot_opts *o)
{
    o->vcpus = 1;
    o->mem = 64ULL << 20;
    s = skip_spaces(s);
    if (!starts_with(s, "domain=unprivileged"))
        return -EINVAL;
    for (; *s; s = skip_spaces(s)) {
        const char *end;

        if (starts_with(s, "--") && (s[2] == '\0' || s[2] == ' ' || s[2] == '\t')) {
            s = skip_spaces(s + 2);
            break;
        } else if (starts_with(s, "domain=unprivileged")) {
            s += strlen("domain=unprivileged");
        } else if (starts_with(s, "mem=")) {
            o->mem = parse_size_and_unit(s + 4, &end);
            if (end == s + 4 || o->mem < (2ULL << 20) || o->mem > (1ULL << 40))
                return -EINVAL;
            s = end;
        } else if (starts_with(s, "vcpus=")) {
            unsigned long n = simple_strtoul(s + 6, &end, 10);

            if (end == s + 6 || n == 0 || n > BOOT_MAX_VCPUS)
                return -EINVAL;
            o->vcpus = (unsigned int)n;
            s = end;
        } else {
            break;
        }
        if (*s && *s != ' ' && *s != '\t')
            return -EINVAL;
    }
    o->cmdline = s;
    return 0;
}
