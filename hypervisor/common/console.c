/*
 * console.c — printk() and panic(): the hypervisor console.
 *
 * Lines are prefixed "(XEN) " like Xen's, filtered by log level (loglvl=),
 * written to the arch console (COM1) and kept in a ring buffer for later
 * readers (`xl dmesg` through sysctl readconsole).  Output is synchronous:
 * a line is on the wire before printk returns, so the last words before a
 * crash are never lost.  Interrupts are masked while a line is emitted so
 * that a timer handler's printk cannot interleave mid-line.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/irqflags.h>
#include <xen/param.h>
#include <xen/shutdown.h>

int console_loglvl = XENLOG_LVL_INFO;
static int guest_loglvl = XENLOG_LVL_WARNING;
static bool console_sync;         /* panic in progress: print everything */
static bool at_line_start = true;

static char ring[CONSOLE_RING_SIZE];
static uint64_t ring_prod;        /* bytes ever written */
static uint64_t ring_cons;        /* readconsole's clear mark: older bytes are gone */

static int parse_level_name(const char *s, int *lvl)
{
    static const struct { const char *name; int lvl; } names[] = {
        { "none", XENLOG_LVL_NONE }, { "error", XENLOG_LVL_ERR },
        { "warning", XENLOG_LVL_WARNING }, { "info", XENLOG_LVL_INFO },
        { "debug", XENLOG_LVL_DEBUG }, { "all", XENLOG_LVL_ALL },
    };
    size_t n = strlen(s);
    const char *slash = strchr(s, '/');
    unsigned int i;

    /* Xen's syntax is "<level>[/<rate-limited level>]"; we do no rate
     * limiting, so the second half is accepted but only checked. */
    if (slash) {
        int dummy;

        if (slash[1] && parse_level_name(slash + 1, &dummy))
            return -EINVAL;
        n = (size_t)(slash - s);
    }
    for (i = 0; i < ARRAY_SIZE(names); i++)
        if (strlen(names[i].name) == n && !strncmp(s, names[i].name, n)) {
            *lvl = names[i].lvl;
            return 0;
        }
    return -EINVAL;
}

static int parse_loglvl(const char *val)
{
    return parse_level_name(val, &console_loglvl);
}
custom_param("loglvl", parse_loglvl);

static int parse_guest_loglvl(const char *val)
{
    return parse_level_name(val, &guest_loglvl);
}
custom_param("guest_loglvl", parse_guest_loglvl);

/* Accepted for compatibility with Xen command lines: our console is always
 * synchronous and always keeps a ring. */
static bool opt_sync_console, opt_console_to_ring;
boolean_param("sync_console", opt_sync_console);
boolean_param("console_to_ring", opt_console_to_ring);

static void ring_put(const char *s, size_t n)
{
    while (n--)
        ring[ring_prod++ % CONSOLE_RING_SIZE] = *s++;
}

size_t console_ring_read(char *buf, size_t len, uint64_t *pos)
{
    uint64_t oldest = ring_prod > CONSOLE_RING_SIZE ? ring_prod - CONSOLE_RING_SIZE : 0;
    size_t done = 0;

    if (*pos < oldest)
        *pos = oldest;
    while (done < len && *pos < ring_prod)
        buf[done++] = ring[(*pos)++ % CONSOLE_RING_SIZE];
    return done;
}

uint64_t console_ring_written(void)
{
    return ring_prod;
}

uint64_t console_ring_oldest(void)
{
    uint64_t oldest = ring_prod > CONSOLE_RING_SIZE ? ring_prod - CONSOLE_RING_SIZE : 0;

    return ring_cons > oldest ? ring_cons : oldest;
}

void console_ring_consume(uint64_t pos)
{
    if (pos > ring_prod)
        pos = ring_prod;
    if (pos > ring_cons)
        ring_cons = pos;
}

/* Emit text, inserting the "(XEN) " prefix at every line start. */
static void emit(const char *s, size_t n)
{
    static const char prefix[] = "(XEN) ";

    while (n) {
        const char *nl = memchr(s, '\n', n);
        size_t chunk = nl ? (size_t)(nl - s) + 1 : n;

        if (at_line_start) {
            arch_console_write(prefix, sizeof(prefix) - 1);
            ring_put(prefix, sizeof(prefix) - 1);
        }
        arch_console_write(s, chunk);
        ring_put(s, chunk);
        at_line_start = nl != NULL;
        s += chunk;
        n -= chunk;
    }
}

static int vprintk(const char *fmt, va_list ap)
{
    char buf[1024];
    int lvl = XENLOG_LVL_INFO, len;
    unsigned long flags;

    if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '9' && fmt[2] == '>') {
        lvl = fmt[1] - '0';
        fmt += 3;
    }
    if (lvl > console_loglvl && !console_sync)
        return 0;
    len = vscnprintf(buf, sizeof(buf), fmt, ap);
    local_irq_save_generic(flags);
    emit(buf, (size_t)len);
    local_irq_restore_generic(flags);
    return len;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

void console_puts(const char *s)
{
    unsigned long flags;

    local_irq_save_generic(flags);
    emit(s, strlen(s));
    local_irq_restore_generic(flags);
}

void console_start_sync(void)
{
    console_sync = true;
}

void panic(const char *fmt, ...)
{
    static int in_panic;
    char buf[512];
    va_list ap;
    size_t n;

    arch_local_irq_save();
    if (in_panic++) {
        static const char msg[] = "\n(XEN) recursive panic: halting\n";

        arch_console_write(msg, sizeof(msg) - 1);
        machine_halt();
    }
    console_start_sync();
    va_start(ap, fmt);
    n = (size_t)vscnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (!at_line_start)
        console_puts("\n");
    arch_show_caller_stack();
    console_puts("\n****************************************\n");
    console_puts("Panic on CPU 0:\n");
    console_puts(buf);
    if (n == 0 || buf[n - 1] != '\n')
        console_puts("\n");
    console_puts("****************************************\n\n");
    machine_fatal_stop();
}
