/*
 * hypercall_page.c — contents of the hypercall page written at a kernel's
 * HYPERCALL_PAGE address (by the dom0 builder, or by the hypervisor for
 * XEN_DOMCTL_hypercall_init).  128 stubs of 32 bytes; a 64-bit PV kernel
 * runs in ring 3 and enters the hypervisor with `syscall`, which clobbers
 * RCX and R11, so each stub saves them around it:
 *     push %rcx; push %r11; mov $n,%eax; syscall; pop %r11; pop %rcx; ret
 * The iret stub (23) is jumped to, not called, never returns, and pushes
 * RCX, R11 and RAX so that RSP points at struct iret_context.
 * Unused bytes are int3, so a stray jump into the page traps.
 */
#include "../../../common/libelf/libelf-private.h"
#include <public/xen.h>

#define STUB_SIZE 32

_Static_assert(XEN_HYPERCALL_PAGE_ENTRIES * STUB_SIZE == 4096, "one page of stubs");

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void xen_hypercall_page_init(uint8_t *page)
{
    unsigned int i, k;

    for (k = 0; k < 4096; k++)
        page[k] = 0xcc;                         /* int3 */
    for (i = 0; i < XEN_HYPERCALL_PAGE_ENTRIES; i++) {
        uint8_t *p = page + i * STUB_SIZE;

        if (i == __HYPERVISOR_iret) {
            p[0] = 0x51;                        /* push %rcx */
            p[1] = 0x41; p[2] = 0x53;           /* push %r11 */
            p[3] = 0x50;                        /* push %rax */
            p[4] = 0xb8;                        /* mov $23,%eax */
            put32(p + 5, i);
            p[9] = 0x0f; p[10] = 0x05;          /* syscall */
            continue;
        }
        p[0] = 0x51;                            /* push %rcx */
        p[1] = 0x41; p[2] = 0x53;               /* push %r11 */
        p[3] = 0xb8;                            /* mov $i,%eax */
        put32(p + 4, i);
        p[8] = 0x0f; p[9] = 0x05;               /* syscall */
        p[10] = 0x41; p[11] = 0x5b;             /* pop %r11 */
        p[12] = 0x59;                           /* pop %rcx */
        p[13] = 0xc3;                           /* ret */
    }
}
