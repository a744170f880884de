/*
 * fake_machine.c — see fake_machine.h.
 */
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <xen/mm.h>
#include "fake_machine.h"

struct page_info *frame_table;
unsigned long max_page;
static uint8_t *ram;

void *maddr_to_virt(paddr_t pa) { return ram + pa; }
paddr_t virt_to_maddr(const void *va) { return (paddr_t)((const uint8_t *)va - ram); }
void *fm_frame(mfn_t mfn) { return ram + mfn * PAGE_SIZE; }

unsigned long fm_init(unsigned long nframes, unsigned long first_free, unsigned long end_free)
{
    ram = aligned_alloc(PAGE_SIZE, nframes * PAGE_SIZE);
    frame_table = calloc(nframes, sizeof(*frame_table));
    cr_assert(ram && frame_table, "fake machine: out of host memory");
    memset(ram, 0, nframes * PAGE_SIZE);
    max_page = nframes;
    heap_init_pages(first_free, end_free - first_free);
    return heap_free_pages();
}

void fm_fini(void)
{
    free(frame_table);
    free(ram);
    frame_table = NULL;
    ram = NULL;
    max_page = 0;
}
