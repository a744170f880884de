/*
 * xlcfg_parse.h — the xl.cfg parser (dom0-tools/libxlcfg/): reads an xl
 * config file (plus `key=value' overrides from the command line) into a
 * struct domain_config, parses disk and vif specs, and renders a config as
 * the JSON `xl create -n' / `xl list -l' print (libxl's domain_config
 * shape).  Nothing here touches the hypervisor.
 */
#ifndef DOM0_TOOLS_XLCFG_PARSE_H
#define DOM0_TOOLS_XLCFG_PARSE_H

#include <stddef.h>
#include <stdio.h>

#include "xlcfg.h"

/* Large enough for "file:line:col: ... (key `x')" with a long path. */
#define XLCFG_ERR_MAX 1536

struct xlcfg_error {
    char msg[XLCFG_ERR_MAX];
};

/*
 * Parses the config text in data (len bytes; named source in messages),
 * then each override ("memory=300", 'extra="x"', as `xl create' takes
 * them) as if appended to the file, into *cfg.  Warnings that xl prints
 * but that do not stop it (e.g. root/extra ignored in favour of cmdline)
 * go to warn if not NULL.  Returns 0, or a negative errno with err->msg
 * naming the file, line, column and key at fault.
 */
int xlcfg_parse_buffer(const char *source, const char *data, size_t len,
                       const char *const *overrides, unsigned int noverrides,
                       struct domain_config *cfg, FILE *warn,
                       struct xlcfg_error *err);

/* As above, reading the file at path (at most 1 MiB). */
int xlcfg_parse_file(const char *path,
                     const char *const *overrides, unsigned int noverrides,
                     struct domain_config *cfg, FILE *warn,
                     struct xlcfg_error *err);

/* xl-disk-configuration(5) and xl-network-configuration(5) spec strings.
 * Return 0 or -EINVAL with a message in err (errlen bytes). */
int xlcfg_parse_disk(const char *spec, struct xlcfg_disk *disk,
                     char *err, size_t errlen);
int xlcfg_parse_vif(const char *spec, unsigned int devid,
                    struct xlcfg_vif *vif, char *err, size_t errlen);

/* "destroy", "rename-restart", ... as written in xl.cfg. */
const char *xlcfg_action_name(enum xlcfg_action a);
int xlcfg_action_parse(const char *s, enum xlcfg_action *a);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"; parse returns 0 or -EINVAL. */
void xlcfg_uuid_format(const uint8_t uuid[16], char out[37]);
int xlcfg_uuid_parse(const char *s, uint8_t uuid[16]);
/* Random (version 4) UUID from getrandom(2). Returns 0 or -errno.
 * format and generate are in libctrl (create.c), which needs them without
 * the parser; every program linking this also links libctrl.a. */
int xlcfg_uuid_generate(uint8_t uuid[16]);

/*
 * The JSON `xl create -n' prints for cfg, byte for byte as Xen 4.17's xl
 * does (4-space indent, fields at their default left out, trailing
 * newline).  The uuid is printed only if cfg->uuid_set (xl create -n
 * generates one first).  Returns a malloc'd string or NULL (out of memory,
 * or a string in the config that is not UTF-8).  xlcfg_json.h has the
 * jansson-level pieces for callers that add fields (xl list -l).
 */
char *xlcfg_to_json(const struct domain_config *cfg);

#endif
