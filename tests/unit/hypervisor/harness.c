/*
 * harness.c — host stand-ins for the arch side of the hypervisor, for the
 * unit tests (see harness.h).  Formats with the hypervisor's own vsnprintf,
 * so every printk in a test exercises it too.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/time.h>
#include <xen/timer.h>
#include "harness.h"

char harness_log[65536];
size_t harness_log_len;
bool harness_log_echo;

jmp_buf harness_panic_jmp;
volatile bool harness_panic_armed;
char harness_panic_msg[1024];
volatile int harness_panic_count;

struct page_info *frame_table;
unsigned long max_page;
unsigned char *harness_ram;
mfn_t harness_ram_base;
unsigned long harness_ram_pages;

s_time_t harness_now;

/* The fake RAM and frame table live until the test process exits: not
 * leaks worth reporting. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}
s_time_t harness_reprog[HARNESS_MAX_REPROG];
unsigned int harness_nr_reprog;

void harness_log_clear(void)
{
    harness_log_len = 0;
    harness_log[0] = '\0';
}

bool harness_log_contains(const char *needle)
{
    return xen_strstr(harness_log, needle) != NULL;
}

int printk(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = xen_vscnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (harness_log_echo)
        fputs(buf, stderr);
    /* Keep the newest output when the buffer fills: drop the oldest half. */
    if (harness_log_len + n + 1 > sizeof(harness_log)) {
        size_t keep = harness_log_len / 2;

        xen_memmove(harness_log, harness_log + harness_log_len - keep, keep);
        harness_log_len = keep;
    }
    xen_memcpy(harness_log + harness_log_len, buf, n + 1);
    harness_log_len += n;
    return n;
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xen_vsnprintf(harness_panic_msg, sizeof(harness_panic_msg), fmt, ap);
    va_end(ap);
    harness_panic_count++;
    if (harness_panic_armed) {
        harness_panic_armed = false;
        longjmp(harness_panic_jmp, 1);
    }
    cr_assert_fail("unexpected hypervisor panic: %s", harness_panic_msg);
    abort();
}

void harness_ram_init(mfn_t base_mfn, unsigned long nr)
{
    /* Like the real direct map, keep virtual and machine addresses
     * congruent modulo a large power of two, so alignment of an
     * allocation can be checked through either. */
    const size_t congruence = 1UL << 24;
    unsigned char *raw = aligned_alloc(congruence, ROUNDUP(nr * PAGE_SIZE + congruence, congruence));

    cr_assert_not_null(raw);
    harness_ram = raw + (((paddr_t)base_mfn << PAGE_SHIFT) & (congruence - 1));
    /* Poison, so tests notice memory that should have been zeroed. */
    xen_memset(harness_ram, 0xa5, nr * PAGE_SIZE);
    harness_ram_base = base_mfn;
    harness_ram_pages = nr;
    max_page = base_mfn + nr;
    frame_table = calloc(max_page, sizeof(*frame_table));
    cr_assert_not_null(frame_table);
}

void harness_heap_all(void)
{
    heap_init_pages(harness_ram_base, harness_ram_pages);
}

void *maddr_to_virt(paddr_t pa)
{
    paddr_t base = (paddr_t)harness_ram_base << PAGE_SHIFT;

    if (pa < base || pa >= base + ((paddr_t)harness_ram_pages << PAGE_SHIFT))
        panic("harness: maddr_to_virt(%#llx) outside fake RAM\n", (unsigned long long)pa);
    return harness_ram + (pa - base);
}

paddr_t virt_to_maddr(const void *va)
{
    const unsigned char *p = va;

    /* Outside the direct map: an address no frame-table entry covers, as a
     * wild pointer would give in the hypervisor. */
    if (!harness_ram || p < harness_ram || p >= harness_ram + harness_ram_pages * PAGE_SIZE)
        return ~(paddr_t)0 & PAGE_MASK;
    return ((paddr_t)harness_ram_base << PAGE_SHIFT) + (paddr_t)(p - harness_ram);
}

s_time_t NOW(void)
{
    return harness_now;
}

void arch_timer_reprogram(s_time_t deadline)
{
    if (harness_nr_reprog < HARNESS_MAX_REPROG)
        harness_reprog[harness_nr_reprog] = deadline;
    harness_nr_reprog++;
}
