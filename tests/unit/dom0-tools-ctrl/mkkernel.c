/*
 * mkkernel.c — see mkkernel.h.
 */
#include <elf.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include "mkkernel.h"

#define VIRT_BASE 0xffffffff80000000ULL

static size_t add_note(uint8_t *p, uint32_t type, const void *desc, uint32_t dlen)
{
    uint32_t h[3] = { 4, dlen, type };
    memcpy(p, h, 12);
    memcpy(p + 12, "Xen", 4);
    memcpy(p + 16, desc, dlen);
    return 16 + ((dlen + 3) & ~3u);
}

uint8_t *mk_pv_elf(size_t *len)
{
    const size_t size = 0x3000;
    uint8_t *b = calloc(1, size);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
    Elf64_Phdr *ph = (Elf64_Phdr *)(b + sizeof(*eh));
    uint64_t vb = VIRT_BASE, po = 0, entry = VIRT_BASE + 0x1000000;
    size_t n = 0;
    uint8_t *notes = b + 0x200;

    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = entry;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 2;

    n += add_note(notes + n, 5, "xen-3.0", 8);
    n += add_note(notes + n, 6, "linux", 6);
    n += add_note(notes + n, 8, "generic", 8);
    n += add_note(notes + n, 3, &vb, 8);
    n += add_note(notes + n, 4, &po, 8);
    n += add_note(notes + n, 1, &entry, 8);
    n += add_note(notes + n, 10, "!writable_page_tables|pae_pgdir_above_4gb", 42);

    ph[0].p_type = PT_LOAD;
    ph[0].p_flags = PF_R | PF_X;
    ph[0].p_offset = 0x1000;
    ph[0].p_vaddr = entry;
    ph[0].p_paddr = 0x1000000;
    ph[0].p_filesz = 0x2000;
    ph[0].p_memsz = 0x5000;        /* 12 KiB of bss */
    ph[0].p_align = 0x1000;
    ph[1].p_type = PT_NOTE;
    ph[1].p_offset = 0x200;
    ph[1].p_filesz = n;
    for (size_t i = 0x1000; i < 0x3000; i++)
        b[i] = (uint8_t)(i * 7);
    *len = size;
    return b;
}

uint8_t *mk_bzimage(const uint8_t *elf, size_t elf_len, enum mk_comp comp, size_t *len)
{
    size_t cap = elf_len * 2 + 65536, clen = 0;
    uint8_t *c = malloc(cap);

    if (comp == MK_XZ) {
        lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, elf, elf_len, c, &clen, cap);
    } else if (comp == MK_GZIP) {
        z_stream z;
        memset(&z, 0, sizeof(z));
        deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
        z.next_in = (Bytef *)elf;
        z.avail_in = (uInt)elf_len;
        z.next_out = c;
        z.avail_out = (uInt)cap;
        deflate(&z, Z_FINISH);
        clen = z.total_out;
        deflateEnd(&z);
    } else {
        clen = ZSTD_compress(c, cap, elf, elf_len, 3);
    }
    const size_t setup = 1024;     /* setup_sects = 1: (1 + 1) * 512 */
    size_t plen = clen + 4;
    uint8_t *b = calloc(1, setup + plen);
    b[0x1f1] = 1;
    b[0x1fe] = 0x55;
    b[0x1ff] = 0xaa;
    memcpy(b + 0x202, "HdrS", 4);
    b[0x206] = 0x0f;
    b[0x207] = 0x02;
    uint32_t off = 0, pl = (uint32_t)plen, sz = (uint32_t)elf_len;
    memcpy(b + 0x248, &off, 4);
    memcpy(b + 0x24c, &pl, 4);
    memcpy(b + setup, c, clen);
    memcpy(b + setup + clen, &sz, 4);      /* Linux's size trailer */
    free(c);
    *len = setup + plen;
    return b;
}

static char tmpdir[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static void rm_tmpdir(void)
{
    if (tmpdir[0])
        nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* One directory per test process, removed when it exits. */
const char *mk_tmpdir(void)
{
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof(tmpdir), "/tmp/ctrl-test-XXXXXX");
        if (!mkdtemp(tmpdir))
            abort();
        atexit(rm_tmpdir);
    }
    return tmpdir;
}

const char *mk_file(const char *name, const void *buf, size_t len)
{
    static char path[256];
    snprintf(path, sizeof(path), "%s/%s", mk_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (len)
        fwrite(buf, 1, len, f);
    fclose(f);
    return path;
}
