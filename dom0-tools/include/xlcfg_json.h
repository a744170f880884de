/*
 * xlcfg_json.h — a domain configuration as libxl's JSON (jansson objects),
 * and the serialiser that prints JSON the way xl does.  Implemented in
 * dom0-tools/libxlcfg/json.c; users link -ljansson.
 */
#ifndef DOM0_TOOLS_XLCFG_JSON_H
#define DOM0_TOOLS_XLCFG_JSON_H

#include <jansson.h>

#include "xlcfg.h"

/* libxl_domain_config for cfg: {"c_info", "b_info", "disks", "nics",
 * "on_*"}; NULL on failure (out of memory, a string that is not UTF-8). */
json_t *xlcfg_json_domain_config(const struct domain_config *cfg);

/* libxl's names for the on_* actions ("restart_rename", ...). */
const char *xlcfg_json_action(enum xlcfg_action a);

/*
 * Serialises j as xl does through yajl's beautifier: 4-space indent,
 * empty {} and [] spread over three lines, a trailing newline.  Returns a
 * malloc'd string or NULL.
 */
char *xlcfg_json_dump(const json_t *j);

/*
 * The reverse of xlcfg_json_domain_config for what building a domain needs
 * (name, UUID, memory, vCPUs, kernel, disks, vifs, on_* actions), from
 * libxl JSON text (ours or Xen's xl).  -EINVAL with a message in err.
 */
int xlcfg_from_json(const char *text, struct domain_config *cfg, char *err, size_t errlen);

#endif
