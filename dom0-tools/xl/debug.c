/*
 * debug.c — `xl debug-keys <keys>`: sends the keys to the hypervisor as if
 * typed on its serial console (XEN_SYSCTL_debug_keys, as Xen's xl); what
 * they print lands in its console ring (`xl dmesg`).  On ours 'q' dumps the
 * domains, with what still holds a dying one (docs/toolstack.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "xc.h"

int xl_cmd_debug_keys(int argc, char **argv)
{
    struct errbuf eb = { 0 };
    xc_handle *xch;
    int opt, rc;

    while ((opt = xl_getopt(argc, argv, "", NULL, "debug-keys", 1)) != -1)
        ;
    xch = xc_open(&eb);
    if (!xch) {
        fprintf(stderr, "xl: cannot open the hypervisor interface: %s\n", eb.msg);
        return EXIT_FAILURE;
    }
    rc = xc_send_debug_keys(xch, argv[optind], &eb);
    xc_close(xch);
    if (rc < 0) {
        fprintf(stderr, "xl: sending debug keys failed: %s\n", eb.msg);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
