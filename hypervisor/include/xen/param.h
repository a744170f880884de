/*
 * param.h — hypervisor command-line options, declared next to the code that
 * uses them, Xen style:
 *
 *     static bool opt_noreboot;
 *     boolean_param("noreboot", opt_noreboot);
 *     static unsigned int opt_com1_baud = 115200;
 *     integer_param("com1", opt_com1_baud);
 *     static uint64_t opt_dom0_mem;
 *     size_param("dom0_mem", opt_dom0_mem);
 *     static char opt_console[32] = "com1";
 *     string_param("console", opt_console);
 *     static int parse_loglvl(const char *val) { ... return 0 or -EINVAL; }
 *     custom_param("loglvl", parse_loglvl);
 *
 * Each macro places a struct kernel_param in section ".init.param"; the
 * linker script provides __param_start/__param_end around it and early boot
 * calls cmdline_parse(bi->cmdline, __param_start, __param_end).
 * (Host tests: the section is "xen_param", whose bounds GNU ld provides as
 * __start_xen_param/__stop_xen_param; __param_start/__param_end map to them.)
 *
 * Syntax (parsed by hypervisor/common/param.c):
 *  - options are separated by blanks; a lone "--" ends the hypervisor's part
 *    (the rest is not parsed here);
 *  - booleans: "opt", "no-opt", "opt=0|1|no|yes|off|on|false|true|disable|
 *    enable";
 *  - integers: decimal, 0x hex or 0 octal, must fit the variable (1, 2, 4 or
 *    8 bytes, unsigned);
 *  - sizes: parse_size_and_unit() syntax (512M, 2G, 64K, 4096B; bare number =
 *    KiB); the variable is a uint64_t (or another unsigned type of len bytes);
 *  - strings: copied and NUL-terminated, must fit (len includes the NUL);
 *  - custom: fn(val) gets the text after '=' ("" without '='), or "no" for
 *    "no-opt"; it returns 0 or a negative errno.
 * Unknown options and invalid values are each reported with a printk warning
 * and counted; nothing is fatal.  An option given twice: the last one wins.
 */
#ifndef XEN_PARAM_H
#define XEN_PARAM_H

#include <xen/compiler.h>
#include <xen/types.h>

struct kernel_param {
    const char *name;
    enum { PARAM_BOOL, PARAM_UINT, PARAM_SIZE, PARAM_STRING, PARAM_CUSTOM } type;
    void *var;
    size_t len;                         /* sizeof(*var) (strings: buffer size) */
    int (*fn)(const char *val);         /* PARAM_CUSTOM only */
};

/* Longest single option ("name=value") cmdline_parse accepts. */
#define PARAM_MAX_LEN 256

#ifdef __HOST_TEST__
#define __kparam_section "xen_param"
extern const struct kernel_param __start_xen_param[], __stop_xen_param[];
#define __param_start __start_xen_param
#define __param_end   __stop_xen_param
#else
#define __kparam_section ".init.param"
extern const struct kernel_param __param_start[], __param_end[];
#endif

/* The explicit alignment stops the compiler from over-aligning the entries
 * (x86-64 GCC pads big objects to 32 bytes), which would leave holes in the
 * array the section forms. */
#define __kparam_cat2(a, b) a##b
#define __kparam_cat(a, b) __kparam_cat2(a, b)
/* __COUNTER__ keeps names unique when one variable backs two options. */
#define __kparam(id) \
    static const struct kernel_param __kparam_cat(__kparam_##id##_, __COUNTER__) \
    __used __section(__kparam_section) __aligned(__alignof__(struct kernel_param))

#define boolean_param(_name, _var) \
    __kparam(_var) = { .name = _name, .type = PARAM_BOOL, \
                       .var = &(_var), .len = sizeof(_var) }
#define integer_param(_name, _var) \
    __kparam(_var) = { .name = _name, .type = PARAM_UINT, \
                       .var = &(_var), .len = sizeof(_var) }
#define size_param(_name, _var) \
    __kparam(_var) = { .name = _name, .type = PARAM_SIZE, \
                       .var = &(_var), .len = sizeof(_var) }
#define string_param(_name, _var) \
    __kparam(_var) = { .name = _name, .type = PARAM_STRING, \
                       .var = &(_var), .len = sizeof(_var) }
#define custom_param(_name, _fn) \
    __kparam(_fn) = { .name = _name, .type = PARAM_CUSTOM, .fn = (_fn) }

/*
 * Parse cmdline against the table [start, end).  Returns the number of
 * unknown or invalid options (0 = all fine).  cmdline may be NULL.
 */
int cmdline_parse(const char *cmdline, const struct kernel_param *start,
                  const struct kernel_param *end);

/*
 * Boolean value syntax shared with custom handlers: 1 for 1/yes/on/true/
 * enable, 0 for 0/no/off/false/disable, -EINVAL otherwise.
 */
int parse_bool(const char *s);

#endif
