/*
 * stubs.c — what the parsers need from the rest of the hypervisor, for the
 * fuzzers: printk formats (exercising vsnprintf) and discards; panic aborts,
 * because no input, however malformed, may make a parser panic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <xen/lib.h>

int printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = xen_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return n;
}

void panic(const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    xen_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fprintf(stderr, "hypervisor panic on fuzz input: %s\n", buf);
    abort();
}
