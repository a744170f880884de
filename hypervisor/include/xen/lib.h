/*
 * lib.h — the hypervisor's small C library (string functions, formatted
 * output, number parsing) and its diagnostics (printk, panic, BUG, ASSERT).
 *
 * Implemented in hypervisor/common/lib/ (string.c, vsprintf.c, strtol.c);
 * printk() and panic() are implemented by hypervisor/common/console.c over
 * arch_console_write(), and by the unit-test harness on the host.
 *
 * Host builds (__HOST_TEST__): the test programs also link libc (Criterion
 * uses it), so the hypervisor's copies of libc-named functions are renamed to
 * xen_<name> by the macros below.  Hypervisor sources are unaffected: they
 * keep calling memcpy() and get the hypervisor's own memcpy.  A host test
 * that wants libc's version of, say, snprintf includes xen/lib.h and then
 * #undef snprintf, and calls xen_snprintf() for ours.
 */
#ifndef XEN_LIB_H
#define XEN_LIB_H

#include <xen/compiler.h>
#include <xen/types.h>

#ifdef __HOST_TEST__
#define memcpy          xen_memcpy
#define memmove         xen_memmove
#define memset          xen_memset
#define memcmp          xen_memcmp
#define memchr          xen_memchr
#define strlen          xen_strlen
#define strnlen         xen_strnlen
#define strcmp          xen_strcmp
#define strncmp         xen_strncmp
#define strcasecmp      xen_strcasecmp
#define strncasecmp     xen_strncasecmp
#define strchr          xen_strchr
#define strrchr         xen_strrchr
#define strstr          xen_strstr
#define strlcpy         xen_strlcpy
#define strlcat         xen_strlcat
#define vsnprintf       xen_vsnprintf
#define snprintf        xen_snprintf
#define vscnprintf      xen_vscnprintf
#define scnprintf       xen_scnprintf
#endif

/* ---- string.c -------------------------------------------------------- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
/* BSD semantics: always NUL-terminates (if size > 0), returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);

/* Character classes (ASCII only; no locale in a hypervisor). */
static inline int xen_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int xen_isxdigit(int c)
{
    return xen_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int xen_isspace(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
static inline int xen_tolower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static inline int xen_toupper(int c) { return (c >= 'a' && c <= 'z') ? c - 32 : c; }

/* ---- vsprintf.c ------------------------------------------------------ */
/*
 * C99 semantics: returns the length the full output would have had; writes
 * at most size bytes including the terminating NUL.  Conversions: d i u x X
 * o c s p %, length modifiers hh h l ll z t j, flags - 0 + space #, width and
 * precision (also as *).  %p prints 0x followed by lower-case hex digits;
 * a NULL %s prints "(null)".  Floating point is not supported.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
/* Like the above but return what was actually stored (excluding the NUL). */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* ---- strtol.c -------------------------------------------------------- */
/*
 * Leading white space is skipped.  base 0 picks 16 for "0x", 8 for a leading
 * "0", else 10; base 16 also accepts an optional "0x".  *end (if end) points
 * after the last digit used, or at s when there were no digits.  Values that
 * do not fit saturate (ULLONG_MAX, LLONG_MIN/MAX).
 */
unsigned long long simple_strtoull(const char *s, const char **end, int base);
unsigned long simple_strtoul(const char *s, const char **end, int base);
long long simple_strtoll(const char *s, const char **end, int base);
/*
 * Strict variant for parsers: 0 on success, -EINVAL when there is no digit,
 * -ERANGE on overflow (then *val is unspecified).  *end as above.
 */
int parse_ull(const char *s, const char **end, int base, unsigned long long *val);
/*
 * Xen's size syntax: a number (base 0) followed by an optional unit T, G, M,
 * K (binary multiples, either case) or B (bytes); without a unit the number
 * is in KiB.  Returns bytes.  *ps (if ps) points after what was consumed;
 * on no digits or overflow *ps is set to s and 0 is returned.
 */
unsigned long long parse_size_and_unit(const char *s, const char **ps);

/* ---- diagnostics ----------------------------------------------------- */
/* printk level prefixes: printk(XENLOG_WARNING "foo %d\n", x).  No prefix
 * means XENLOG_INFO. */
#define XENLOG_ERR      "<1>"
#define XENLOG_WARNING  "<2>"
#define XENLOG_INFO     "<3>"
#define XENLOG_DEBUG    "<4>"

#define XENLOG_LVL_NONE     0   /* loglvl=none: nothing is printed */
#define XENLOG_LVL_ERR      1
#define XENLOG_LVL_WARNING  2
#define XENLOG_LVL_INFO     3
#define XENLOG_LVL_DEBUG    4
#define XENLOG_LVL_ALL      4

int printk(const char *fmt, ...) __printf(1, 2);
/* Hook (arch/boot): write n bytes to the hypervisor console (serial). */
void arch_console_write(const char *s, size_t n);
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#define BUG() panic("Xen BUG at %s:%d\n", __FILE__, __LINE__)
#define BUG_ON(cond) do { \
        if (unlikely(cond)) \
            panic("Xen BUG at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
    } while (0)
/* ASSERT is checked unless NDEBUG is defined (the default build checks). */
#ifndef NDEBUG
#define ASSERT(cond) do { \
        if (unlikely(!(cond))) \
            panic("Assertion '%s' failed at %s:%d\n", #cond, __FILE__, __LINE__); \
    } while (0)
#else
#define ASSERT(cond) do { (void)sizeof(cond); } while (0)
#endif
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#endif
