/*
 * fake_machine.h — "RAM" for host tests of hypervisor memory code: a buffer
 * of frames with its frame table, the direct map (maddr_to_virt /
 * virt_to_maddr) over it, and the buddy allocator fed with a range of it.
 * Shared by the harnesses of tests/unit/{pvmm,sched,control}.
 */
#ifndef TEST_FAKE_MACHINE_H
#define TEST_FAKE_MACHINE_H

#include <xen/types.h>

/* nframes frames; frames [first_free, end_free) go to the allocator (frame
 * 0 is kept back as "the hypervisor's").  Returns heap_free_pages(). */
unsigned long fm_init(unsigned long nframes, unsigned long first_free, unsigned long end_free);
void fm_fini(void);
/* The host address of a frame's contents. */
void *fm_frame(mfn_t mfn);

#endif
