/*
 * mkkernel.h — builds small Linux-shaped PV kernels for the tests: an
 * ELF64 with Xen notes, and bzImage wrappers around it compressed with xz,
 * gzip or zstd (through the same Debian libraries the builder uses).
 */
#ifndef MKKERNEL_H
#define MKKERNEL_H

#include <stddef.h>
#include <stdint.h>

/* A minimal PV kernel ELF: one PT_LOAD at paddr 16 MiB (VA virt_base + 16 MiB). */
uint8_t *mk_pv_elf(size_t *len);
enum mk_comp { MK_XZ, MK_GZIP, MK_ZSTD };
/* A bzImage whose payload is elf compressed with comp. */
uint8_t *mk_bzimage(const uint8_t *elf, size_t elf_len, enum mk_comp comp, size_t *len);
/* Write buf to a fresh file under a temporary directory; returns its path (static). */
const char *mk_file(const char *name, const void *buf, size_t len);
const char *mk_tmpdir(void);

#endif
