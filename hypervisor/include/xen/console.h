/*
 * console.h — the hypervisor console (hypervisor/common/console.c): log
 * levels, the in-memory console ring that `xl dmesg` will read, and the
 * hooks panic() needs.  printk()/panic() themselves are declared in
 * xen/lib.h.
 *
 * Every line goes to arch_console_write() (COM1) prefixed "(XEN) ", and
 * into the ring (CONSOLE_RING_SIZE bytes, oldest text overwritten), if its
 * level is at or below the threshold set by loglvl= (none, error, warning,
 * info, debug, all; default info).
 */
#ifndef XEN_CONSOLE_H
#define XEN_CONSOLE_H

#include <xen/types.h>

#define CONSOLE_RING_SIZE   (64 * 1024)

/* Current threshold (XENLOG_LVL_*). */
extern int console_loglvl;

/* Copy ring bytes from logical position *pos (0 = oldest still held) into
 * buf; advances *pos; returns the byte count.  For sysctl readconsole. */
size_t console_ring_read(char *buf, size_t len, uint64_t *pos);
/* Total bytes ever written to the ring. */
uint64_t console_ring_written(void);
/* Oldest position a reader may still get: text overwritten or cleared
 * (readconsole's clear mode, `xl dmesg -c`) is gone. */
uint64_t console_ring_oldest(void);
/* Mark everything before pos as read and cleared (never moves back). */
void console_ring_consume(uint64_t pos);

/* Called once a fatal error is being reported: printk no longer filters by
 * level and never waits on anything. */
void console_start_sync(void);

/* Hook (arch): print a symbolised stack trace of the caller (panic). */
void arch_show_caller_stack(void);

/* Print s (with line prefixes) regardless of the level filter (dumps). */
void console_puts(const char *s);

#endif
