/*
 * console.c — console output through console_io(CONSOLEIO_write), the
 * channel every other test reports through: checks the return value (Xen returns 0,
 * not a byte count), a zero-length write, and -EFAULT for an unmapped buffer.
 */
#include "guest.h"

const char test_title[] = "console_io write";

void test_main(void)
{
    static const char msg[] = "console: hello from the test guest\n";
    long rc;

    rc = hc_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg);
    CHECK_RC("console_io write", rc, 0);
    rc = hc_console_io(CONSOLEIO_write, 0, msg);
    CHECK_RC("console_io write of 0 bytes", rc, 0);
    rc = hc_console_io(CONSOLEIO_write, 8, (const char *)0x10);
    CHECK_RC("console_io write from unmapped page", rc, -XEN_EFAULT);
    rc = hc_console_io(99, 1, msg);
    CHECK_RC("console_io unknown command", rc, -XEN_ENOSYS);
}
