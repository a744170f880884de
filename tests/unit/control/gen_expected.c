/*
 * gen_expected.c — prints the control-interface layouts and constants
 * (layout.def) as Debian's libxen-dev defines them, plus the number of
 * featureset words, as a C table test_layout.c compares ours against.
 * Compiled against /usr/include/xen only, never against our headers.
 */
#define __XEN_TOOLS__ 1
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/platform.h>
#include <xen/physdev.h>

#define SZ(t) printf("    { \"sizeof " #t "\", %zu },\n", sizeof(struct t));
#define OFF(t, f) printf("    { \"offsetof " #t "." #f "\", %zu },\n", offsetof(struct t, f));
#define VAL(v) printf("    { \"" #v "\", %llu },\n", (unsigned long long)(v));

/* Every feature's bit number, to find the highest featureset word. */
static const unsigned int features[] = {
#define XEN_CPUFEATURE(name, value) value,
#include <xen/arch-x86/cpufeatureset.h>
};

int main(void)
{
    unsigned int words = 0;

#include "layout.def"
    for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
        if (features[i] / 32 + 1 > words)
            words = features[i] / 32 + 1;
    printf("    { \"featureset words\", %u },\n", words);
    return 0;
}
