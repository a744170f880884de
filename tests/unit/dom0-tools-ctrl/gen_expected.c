/*
 * gen_expected.c — prints the sizes and offsets of the domctl/sysctl
 * structures as Debian's libxen-dev (Xen 4.17) defines them, as a C header
 * the layout test compares ours against.  Compiled against /usr/include/xen
 * only, never against our headers.
 */
#define __XEN_TOOLS__ 1
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>

#define SZ(t) printf("    { \"sizeof " #t "\", %zu },\n", sizeof(struct t));
#define OFF(t, f) printf("    { \"offsetof " #t "." #f "\", %zu },\n", offsetof(struct t, f));
#define VAL(v) printf("    { \"" #v "\", %llu },\n", (unsigned long long)(v));
int main(void)
{
#include "layout.def"
    return 0;
}
