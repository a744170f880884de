/*
 * cfgsyntax.h — the generic xl.cfg syntax layer (internal to libxlcfg):
 * turns the text of a config file into a list of `key = value' settings
 * without knowing what any key means.  xlcfg.c gives the keys meaning.
 *
 * Syntax (as Xen's libxlu): settings `key = value' or `key += value',
 * separated by newlines or `;'; values are "strings", 'strings', numbers
 * or [ lists, of, atoms ] that may span lines and end in a comma; `#'
 * starts a comment that runs to the end of the line.
 */
#ifndef LIBXLCFG_CFGSYNTAX_H
#define LIBXLCFG_CFGSYNTAX_H

#include <stdbool.h>
#include <stddef.h>

enum cfgval_type { CFGVAL_STRING, CFGVAL_LIST };

struct cfgval {
    enum cfgval_type type;
    int line, col;               /* where the value starts */
    char *str;                   /* CFGVAL_STRING: the (dequoted) text */
    bool is_number;              /* written as a bare number, not quoted */
    struct cfgval **items;       /* CFGVAL_LIST: string values only */
    unsigned int nitems, cap;
};

struct cfgsetting {
    char *name;
    const char *source;          /* file name (caller-owned, must outlive) */
    int line, col;               /* where the key starts */
    bool append;                 /* written with `+=' */
    struct cfgval *val;
    struct cfgsetting *next;     /* file order */
};

struct cfgfile {
    struct cfgsetting *head, *tail;
};

/*
 * Parses len bytes of data into cf (which must start zeroed; more than one
 * buffer may be parsed into the same cfgfile, later ones overriding and
 * `+='-appending to earlier ones).  On error returns -EINVAL (or -ENOMEM)
 * with a message naming source, line, column, the text near the error and
 * the key being set, if any.
 */
int cfg_parse(struct cfgfile *cf, const char *source, const char *data,
              size_t len, char *err, size_t errlen);

/* The setting that counts for a key: the last one in the file, or NULL. */
const struct cfgsetting *cfg_find(const struct cfgfile *cf, const char *name);

void cfg_free(struct cfgfile *cf);

#endif
