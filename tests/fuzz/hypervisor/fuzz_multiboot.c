/*
 * fuzz_multiboot.c — libFuzzer target for multiboot2_parse_buf and
 * multiboot1_parse (hypervisor/arch/x86/boot/multiboot.c).
 *
 * The first input byte picks the parser (even: multiboot1, odd: multiboot2).
 * Multiboot2 gets the rest in a heap block of exactly its size, so ASan
 * catches any read past it.  Multiboot1 sees the rest as physical memory
 * starting at address 0, with the info block at 0; map() refuses anything
 * outside.  Whatever the result, struct boot_info must satisfy every
 * documented invariant; a violation aborts (a finding).
 */
#include <stdio.h>
#include <stdlib.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/bootinfo.h>

static const uint8_t *phys;
static size_t phys_size;

static const void *fuzz_map(uint64_t pa, size_t len)
{
    if (pa > phys_size || len > phys_size - pa)
        return NULL;
    return phys + pa;
}

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "invariant broken: %s\n", #c); abort(); } } while (0)

static void check_string(const struct boot_info *bi, const char *s)
{
    CHECK(s != NULL);
    CHECK(s >= bi->strings && s < bi->strings + sizeof(bi->strings));
    CHECK(xen_strnlen(s, bi->strings + sizeof(bi->strings) - s) <
          (size_t)(bi->strings + sizeof(bi->strings) - s));
}

static void check_invariants(const struct boot_info *bi)
{
    CHECK(bi->strings_used >= 1 && bi->strings_used <= sizeof(bi->strings));
    check_string(bi, bi->cmdline);
    check_string(bi, bi->loader_name);
    CHECK(bi->nr_modules <= BOOT_MAX_MODULES);
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        check_string(bi, bi->modules[i].cmdline);
        CHECK(bi->modules[i].start <= bi->modules[i].end);
    }
    CHECK(bi->nr_memmap <= BOOT_MAX_MEMMAP);
}

/* After a successful parse the map is sanitised. */
static void check_sanitised(const struct boot_info *bi)
{
    for (unsigned i = 0; i < bi->nr_memmap; i++) {
        const struct boot_memrange *r = &bi->memmap[i];

        CHECK(r->size > 0);
        CHECK(r->type >= BOOT_MEM_RAM && r->type <= BOOT_MEM_BAD);
        CHECK(r->addr + r->size > r->addr || r->addr + r->size == 0);
        if (i) {
            const struct boot_memrange *p = &bi->memmap[i - 1];

            CHECK(p->addr + p->size <= r->addr);
            CHECK(p->addr + p->size < r->addr || p->type != r->type);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct boot_info bi;
    int rc;

    if (size < 1)
        return 0;
    if (data[0] & 1) {
        size_t n = size - 1;
        /* malloc is 16-byte aligned, as the parser requires (8). */
        uint8_t *buf = malloc(n ? n : 1);

        xen_memcpy(buf, data + 1, n);
        rc = multiboot2_parse_buf(buf, n, &bi);
        /* The trusting entry point agrees whenever total_size is honest. */
        if (n >= 4) {
            uint32_t total;

            xen_memcpy(&total, buf, 4);
            if (total <= n) {
                static struct boot_info bi2;

                CHECK(multiboot2_parse(buf, &bi2) == rc);
                CHECK(bi2.nr_modules == bi.nr_modules && bi2.nr_memmap == bi.nr_memmap);
            }
        }
        free(buf);
    } else {
        phys = data + 1;
        phys_size = size - 1;
        rc = multiboot1_parse(0, fuzz_map, &bi);
    }
    CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG || rc == -ENOSPC);
    check_invariants(&bi);
    if (rc == 0 || rc == -E2BIG)
        check_sanitised(&bi);
    return 0;
}
