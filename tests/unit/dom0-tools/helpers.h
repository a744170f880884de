/*
 * helpers.h — shared by the dom0-tools unit tests: reading golden files,
 * masking the random UUIDs xl prints, and running a whole xl command line
 * in a child process with its output captured.
 */
#ifndef TESTS_DOM0_TOOLS_HELPERS_H
#define TESTS_DOM0_TOOLS_HELPERS_H

#include <stddef.h>

#ifndef GOLDEN_DIR
#error "GOLDEN_DIR must be defined by the Makefile"
#endif

/* Whole file as a NUL-terminated string, or NULL. */
char *slurp(const char *path);
/* slurp(GOLDEN_DIR "/" rel) */
char *golden(const char *rel);
/* Replaces every "uuid": "<x>" value by "U" in place; returns s. */
char *mask_uuids(char *s);

struct xl_run {
    int status;                  /* exit status, or 128+signal */
    char *out, *err;             /* captured stdout/stderr (malloc'd) */
};
/* Runs xl_main(argv) in a child in directory cwd (NULL: unchanged). */
void run_xl(struct xl_run *r, const char *cwd, const char *const *argv);
void xl_run_free(struct xl_run *r);

#endif
