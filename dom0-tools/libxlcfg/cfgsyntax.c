/*
 * cfgsyntax.c — lexer and parser for the xl.cfg syntax (see cfgsyntax.h).
 *
 * Hand-written rather than flex/bison so that every error can carry the
 * line and column and the key being set, which Xen's own messages lack.
 * The accepted language follows libxlu's grammar; where it differs it is
 * more lenient only in harmless ways (CR before LF, a comment on the last
 * line without a newline) — docs/xl.md lists the differences.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgsyntax.h"

enum tok {
    T_EOF, T_NL, T_IDENT, T_NUMBER, T_STRING,
    T_COMMA, T_LBRACK, T_RBRACK, T_EQ, T_ADD, T_SEMI,
};

struct token {
    enum tok t;
    int line, col;
    const char *start;           /* raw text, for "near `...'" */
    size_t len;
    char *text;                  /* IDENT/NUMBER/STRING: owned copy */
};

struct parser {
    const char *source;
    const char *p, *end;
    int line, col;
    char *err;
    size_t errlen;
    const char *key;             /* key whose value is being parsed */
    struct cfgfile *cf;
};

static int errorf(struct parser *ps, int line, int col, const char *near,
                  size_t nearlen, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* One message shape for every syntax error: where, near what, why, key. */
static int errorf(struct parser *ps, int line, int col, const char *near,
                  size_t nearlen, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (nearlen > 40)
        nearlen = 40;            /* keep the message on one screen line */
    if (near)
        n = snprintf(ps->err, ps->errlen,
                     "%s:%d:%d: config parsing error near `%.*s': %s",
                     ps->source, line, col, (int)nearlen, near, why);
    else
        n = snprintf(ps->err, ps->errlen, "%s:%d:%d: config parsing error: %s",
                     ps->source, line, col, why);
    if (ps->key && n >= 0 && (size_t)n < ps->errlen)
        snprintf(ps->err + n, ps->errlen - n, " (key `%s')", ps->key);
    return -EINVAL;
}

static int tok_error(struct parser *ps, const struct token *tk,
                     const char *why)
{
    if (tk->t == T_NL)
        return errorf(ps, tk->line, tk->col, "<newline>", 9, "%s", why);
    if (tk->t == T_EOF)
        return errorf(ps, tk->line, tk->col, "<end of file>", 13, "%s", why);
    return errorf(ps, tk->line, tk->col, tk->start, tk->len, "%s", why);
}

static int advance(struct parser *ps)
{
    int c = (unsigned char)*ps->p++;

    if (c == '\n') {
        ps->line++;
        ps->col = 1;
    } else {
        ps->col++;
    }
    return c;
}

static int is_ident_start(int c) { return c >= 'a' && c <= 'z'; }
static int is_ident(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '_';
}
static int is_number(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == 'x';
}
static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/*
 * Decodes a quoted string whose raw text (quotes included) is
 * [start, start+len).  Escapes: \" \' \\ \a \b \f \n \r \t \v, \xHH and
 * 1-3 octal digits.  A NUL produced by an escape would silently truncate
 * the value, so it is refused.
 */
static int dequote(struct parser *ps, const struct token *tk, char **out)
{
    const char *s = tk->start + 1, *e = tk->start + tk->len - 1;
    char *q = malloc(tk->len), *r = q;

    if (!q)
        return -ENOMEM;
    while (s < e) {
        int c = (unsigned char)*s++, v, i;

        if (c != '\\') {
            *r++ = (char)c;
            continue;
        }
        c = (unsigned char)*s++;
        switch (c) {
        case '"': case '\'': case '\\': *r++ = (char)c; break;
        case 'a': *r++ = '\a'; break;
        case 'b': *r++ = '\b'; break;
        case 'f': *r++ = '\f'; break;
        case 'n': *r++ = '\n'; break;
        case 'r': *r++ = '\r'; break;
        case 't': *r++ = '\t'; break;
        case 'v': *r++ = '\v'; break;
        case 'x':
            if (e - s < 2 || hexval(s[0]) < 0 || hexval(s[1]) < 0)
                goto bad;
            v = hexval(s[0]) * 16 + hexval(s[1]);
            s += 2;
            if (!v)
                goto bad;
            *r++ = (char)v;
            break;
        default:
            if (c < '0' || c > '7')
                goto bad;
            v = c - '0';
            for (i = 1; i < 3 && s < e && *s >= '0' && *s <= '7'; i++)
                v = v * 8 + (*s++ - '0');
            if (!v || v > 255)
                goto bad;
            *r++ = (char)v;
            break;
        }
    }
    *r = 0;
    *out = q;
    return 0;
bad:
    free(q);
    {
        /* point at the backslash that started the bad escape */
        const char *bs = s - 1;
        while (bs > tk->start && *bs != '\\')
            bs--;
        return errorf(ps, tk->line, tk->col + (int)(bs - tk->start), bs,
                      (size_t)(s - bs), "invalid escape sequence in quoted string");
    }
}

/* Reads the next token; comments and blanks are skipped here. */
static int next(struct parser *ps, struct token *tk)
{
    int c;

    memset(tk, 0, sizeof(*tk));
    for (;;) {
        if (ps->p >= ps->end) {
            tk->t = T_EOF;
            tk->line = ps->line;
            tk->col = ps->col;
            return 0;
        }
        c = (unsigned char)*ps->p;
        if (c == ' ' || c == '\t' || c == '\r') {
            advance(ps);
            continue;
        }
        if (c == '#') {
            while (ps->p < ps->end && *ps->p != '\n')
                advance(ps);
            continue;
        }
        break;
    }
    tk->line = ps->line;
    tk->col = ps->col;
    tk->start = ps->p;
    c = advance(ps);
    switch (c) {
    case '\n': tk->t = T_NL; break;
    case ',': tk->t = T_COMMA; break;
    case '[': tk->t = T_LBRACK; break;
    case ']': tk->t = T_RBRACK; break;
    case '=': tk->t = T_EQ; break;
    case ';': tk->t = T_SEMI; break;
    case '+':
        if (ps->p < ps->end && *ps->p == '=') {
            advance(ps);
            tk->t = T_ADD;
            break;
        }
        tk->len = 1;
        return errorf(ps, tk->line, tk->col, tk->start, 1,
                      "lexical error (expressions are not supported: "
                      "xl config files are not Python)");
    case '"': case '\'': {
        int q = c;
        for (;;) {
            if (ps->p >= ps->end || *ps->p == '\n') {
                tk->len = (size_t)(ps->p - tk->start);
                return errorf(ps, tk->line, tk->col, tk->start, tk->len,
                              "unterminated quoted string");
            }
            c = advance(ps);
            if (c == q)
                break;
            if (c == '\\') {
                if (ps->p >= ps->end || *ps->p == '\n')
                    continue;    /* reported as unterminated above */
                advance(ps);
            }
        }
        tk->t = T_STRING;
        tk->len = (size_t)(ps->p - tk->start);
        return dequote(ps, tk, &tk->text);
    }
    default:
        if (is_ident_start(c)) {
            while (ps->p < ps->end && is_ident((unsigned char)*ps->p))
                advance(ps);
            tk->t = T_IDENT;
        } else if (c >= '0' && c <= '9') {
            while (ps->p < ps->end && is_number((unsigned char)*ps->p))
                advance(ps);
            tk->t = T_NUMBER;
        } else {
            /* take the rest of the word, so the message shows it whole */
            while (ps->p < ps->end && *ps->p != ' ' && *ps->p != '\t' &&
                   *ps->p != '\n')
                advance(ps);
            tk->len = (size_t)(ps->p - tk->start);
            return errorf(ps, tk->line, tk->col, tk->start, tk->len,
                          "lexical error%s",
                          strchr("-.():", c) ? " (expressions are not "
                          "supported: xl config files are not Python)" : "");
        }
        tk->len = (size_t)(ps->p - tk->start);
        tk->text = strndup(tk->start, tk->len);
        return tk->text ? 0 : -ENOMEM;
    }
    tk->len = (size_t)(ps->p - tk->start);
    return 0;
}

static void val_free(struct cfgval *v)
{
    unsigned int i;

    if (!v)
        return;
    free(v->str);
    for (i = 0; i < v->nitems; i++)
        val_free(v->items[i]);
    free(v->items);
    free(v);
}

static struct cfgval *val_new(enum cfgval_type type, int line, int col)
{
    struct cfgval *v = calloc(1, sizeof(*v));

    if (v) {
        v->type = type;
        v->line = line;
        v->col = col;
    }
    return v;
}

static int list_push(struct cfgval *list, struct cfgval *item)
{
    if (list->nitems == list->cap) {
        unsigned int ncap = list->cap ? list->cap * 2 : 4;
        struct cfgval **n = realloc(list->items, ncap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        list->items = n;
        list->cap = ncap;
    }
    list->items[list->nitems++] = item;
    return 0;
}

/* Reads tokens, skipping newlines (allowed anywhere inside a list). */
static int next_skip_nl(struct parser *ps, struct token *tk)
{
    int rc;

    while (!(rc = next(ps, tk)) && tk->t == T_NL)
        ;
    return rc;
}

static int parse_atom(struct token *tk, struct cfgval **out)
{
    struct cfgval *v = val_new(CFGVAL_STRING, tk->line, tk->col);

    if (!v)
        return -ENOMEM;
    v->str = tk->text;
    v->is_number = tk->t == T_NUMBER;
    tk->text = NULL;
    *out = v;
    return 0;
}

static int parse_list(struct parser *ps, const struct token *open,
                      struct cfgval **out)
{
    struct cfgval *list = val_new(CFGVAL_LIST, open->line, open->col), *item;
    struct token tk;
    int rc;

    if (!list)
        return -ENOMEM;
    for (;;) {
        rc = next_skip_nl(ps, &tk);
        if (rc)
            goto out;
        if (tk.t == T_RBRACK)
            break;
        if (tk.t == T_LBRACK) {
            rc = tok_error(ps, &tk, "lists cannot be nested");
            goto out;
        }
        if (tk.t != T_STRING && tk.t != T_NUMBER) {
            rc = tok_error(ps, &tk, tk.t == T_EOF ? "unterminated list: "
                           "expected a string, a number or `]'" :
                           "expected a string, a number or `]' in the list");
            goto out;
        }
        rc = parse_atom(&tk, &item);
        if (rc)
            goto out;
        rc = list_push(list, item);
        if (rc) {
            val_free(item);
            goto out;
        }
        rc = next_skip_nl(ps, &tk);
        if (rc)
            goto out;
        if (tk.t == T_RBRACK)
            break;
        if (tk.t != T_COMMA) {
            rc = tok_error(ps, &tk, tk.t == T_EOF ? "unterminated list: "
                           "expected `,' or `]'" : "expected `,' or `]' "
                           "after a list item");
            goto out;
        }
    }
    *out = list;
    return 0;
out:
    free(tk.text);
    val_free(list);
    return rc;
}

static int parse_value(struct parser *ps, struct cfgval **out)
{
    struct token tk;
    int rc = next(ps, &tk);

    if (rc)
        return rc;
    if (tk.t == T_STRING || tk.t == T_NUMBER)
        return parse_atom(&tk, out);
    if (tk.t == T_LBRACK)
        return parse_list(ps, &tk, out);
    free(tk.text);
    return tok_error(ps, &tk, "expected a value (a quoted string, a number "
                     "or a [list])");
}

static int concat(struct parser *ps, const struct cfgsetting *prev,
                  struct cfgsetting *set)
{
    struct cfgval *pv = prev->val, *nv = set->val;
    unsigned int i;

    if (pv->type != nv->type)
        return errorf(ps, set->line, set->col, set->name, strlen(set->name),
                      "can't add [list] to \"string\" or vice versa");
    if (nv->type == CFGVAL_STRING) {
        char *s;
        if (asprintf(&s, "%s%s", pv->str, nv->str) < 0)
            return -ENOMEM;
        free(nv->str);
        nv->str = s;
        nv->is_number = false;
        return 0;
    }
    /* list: the earlier items come first */
    {
        struct cfgval **items = malloc((pv->nitems + nv->nitems + 1) *
                                       sizeof(*items));
        if (!items)
            return -ENOMEM;
        for (i = 0; i < pv->nitems; i++) {
            items[i] = val_new(CFGVAL_STRING, pv->items[i]->line,
                               pv->items[i]->col);
            if (items[i])
                items[i]->str = strdup(pv->items[i]->str);
            if (!items[i] || !items[i]->str) {
                unsigned int j;
                for (j = 0; j <= i; j++)
                    val_free(items[j]);
                free(items);
                return -ENOMEM;
            }
        }
        memcpy(items + pv->nitems, nv->items, nv->nitems * sizeof(*items));
        free(nv->items);
        nv->items = items;
        nv->nitems += pv->nitems;
        nv->cap = nv->nitems + 1;
    }
    return 0;
}

static int store(struct parser *ps, struct cfgsetting *set)
{
    const struct cfgsetting *prev;
    int rc;

    if (set->append && (prev = cfg_find(ps->cf, set->name))) {
        rc = concat(ps, prev, set);
        if (rc)
            return rc;
    }
    if (ps->cf->tail)
        ps->cf->tail->next = set;
    else
        ps->cf->head = set;
    ps->cf->tail = set;
    return 0;
}

int cfg_parse(struct cfgfile *cf, const char *source, const char *data,
              size_t len, char *err, size_t errlen)
{
    struct parser ps = {
        .source = source, .p = data, .end = data + len, .line = 1, .col = 1,
        .err = err, .errlen = errlen, .cf = cf,
    };
    struct cfgsetting *set = NULL;
    struct token tk = { 0 }, op;
    int rc;

    if (memchr(data, 0, len)) {
        const char *z = memchr(data, 0, len);
        int line = 1;
        for (const char *q = data; q < z; q++)
            line += *q == '\n';
        return errorf(&ps, line, 1, NULL, 0, "NUL byte in file (not a text "
                      "config file?)");
    }
    for (;;) {
        rc = next(&ps, &tk);
        if (rc)
            goto out;
        if (tk.t == T_EOF)
            break;
        if (tk.t == T_NL || tk.t == T_SEMI)
            continue;
        if (tk.t != T_IDENT) {
            rc = tok_error(&ps, &tk, tk.t == T_STRING || tk.t == T_NUMBER ?
                           "expected a key name (lower case letters, digits "
                           "and `_'), not a value" : "expected a key name");
            goto out;
        }
        set = calloc(1, sizeof(*set));
        if (!set) {
            rc = -ENOMEM;
            goto out;
        }
        set->name = tk.text;
        set->source = source;
        tk.text = NULL;
        set->line = tk.line;
        set->col = tk.col;
        ps.key = set->name;
        rc = next(&ps, &op);
        if (rc)
            goto out;
        free(op.text);
        if (op.t != T_EQ && op.t != T_ADD) {
            rc = tok_error(&ps, &op, "expected `=' or `+=' after the key");
            goto out;
        }
        set->append = op.t == T_ADD;
        rc = parse_value(&ps, &set->val);
        if (rc)
            goto out;
        rc = next(&ps, &tk);
        if (rc)
            goto out;
        if (tk.t != T_NL && tk.t != T_SEMI && tk.t != T_EOF) {
            rc = tok_error(&ps, &tk, "expected a newline or `;' after the "
                           "value");
            goto out;
        }
        rc = store(&ps, set);
        if (rc)
            goto out;
        set = NULL;
        ps.key = NULL;
        if (tk.t == T_EOF)
            break;
    }
    return 0;
out:
    free(tk.text);
    if (set) {
        free(set->name);
        val_free(set->val);
        free(set);
    }
    if (rc == -ENOMEM)
        snprintf(err, errlen, "%s: out of memory while parsing", source);
    return rc;
}

const struct cfgsetting *cfg_find(const struct cfgfile *cf, const char *name)
{
    const struct cfgsetting *s, *found = NULL;

    for (s = cf->head; s; s = s->next)
        if (!strcmp(s->name, name))
            found = s;
    return found;
}

void cfg_free(struct cfgfile *cf)
{
    struct cfgsetting *s = cf->head, *n;

    for (; s; s = n) {
        n = s->next;
        free(s->name);
        val_free(s->val);
        free(s);
    }
    cf->head = cf->tail = NULL;
}
