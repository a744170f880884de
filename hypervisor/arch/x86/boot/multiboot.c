/*
 * multiboot.c — turn the boot loader's multiboot1 or multiboot2 information
 * into struct boot_info (rules in xen/bootinfo.h).
 *
 * Everything the loader hands over is untrusted input: each length and
 * offset is checked against what is known to be readable before it is
 * used, so a malformed block yields -EINVAL instead of a stray read.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/bootinfo.h>

/* Multiboot2 tag types we use (the others are skipped). */
#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER      2
#define MB2_TAG_MODULE      3
#define MB2_TAG_MEMINFO     4
#define MB2_TAG_MMAP        6

/* Multiboot1 info flags and layout (offsets into the info block). */
#define MB1_F_MEM           (1u << 0)
#define MB1_F_CMDLINE       (1u << 2)
#define MB1_F_MODS          (1u << 3)
#define MB1_F_MMAP          (1u << 6)
#define MB1_F_LOADER        (1u << 9)
#define MB1_INFO_SIZE       72          /* through boot_loader_name */
#define MB1_MOD_SIZE        16

/* Loader data is only byte-aligned as far as we are concerned. */
static uint32_t rd32(const void *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t rd64(const void *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static void bi_reset(struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    /* strings[0] is the shared empty string, so no pointer is ever NULL. */
    bi->strings_used = 1;
    bi->cmdline = bi->loader_name = bi->strings;
}

/* Copy up to max bytes of s (stopping at a NUL) into bi->strings. */
static int bi_add_string(struct boot_info *bi, const char *s, size_t max,
                         const char **out)
{
    size_t len = strnlen(s, max);
    char *dst = bi->strings + bi->strings_used;

    if (len + 1 > sizeof(bi->strings) - bi->strings_used)
        return -ENOSPC;
    memcpy(dst, s, len);
    dst[len] = '\0';
    bi->strings_used += len + 1;
    *out = dst;
    return 0;
}

/* A NUL-terminated string at a physical address, read through map() one
 * byte at a time: its length is unknown and any byte may be unmappable. */
static int bi_add_phys_string(struct boot_info *bi, uint64_t pa,
                              const void *(*map)(uint64_t, size_t), const char **out)
{
    char *dst = bi->strings + bi->strings_used;
    size_t room = sizeof(bi->strings) - bi->strings_used, len = 0;

    for (;; len++) {
        const char *c;

        if (len >= room)
            return -ENOSPC;
        if (pa + len < pa)
            return -EINVAL;
        c = map(pa + len, 1);
        if (!c)
            return -EINVAL;
        dst[len] = *c;
        if (!*c)
            break;
    }
    bi->strings_used += len + 1;
    *out = dst;
    return 0;
}

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static const char *skip_first_word(const char *s)
{
    s = skip_blanks(s);
    while (*s && *s != ' ' && *s != '\t')
        s++;
    return skip_blanks(s);
}

/* ---- memory map ------------------------------------------------------ */

static uint64_t range_end(const struct boot_memrange *r)
{
    uint64_t end = r->addr + r->size;

    /* A range running past 2^64 is clipped (losing the very last byte). */
    return end < r->addr ? UINT64_MAX : end;
}

/* The type of a piece covered by two ranges: RAM loses to anything else,
 * otherwise the higher type number wins. */
static uint32_t type_combine(uint32_t cur, uint32_t t)
{
    if (!cur)
        return t;
    if (cur == BOOT_MEM_RAM)
        return t;
    if (t == BOOT_MEM_RAM)
        return cur;
    return t > cur ? t : cur;
}

/* Scratch space for the sanitiser: boot is single-threaded, and these are
 * too big for an early boot stack. */
static uint64_t san_bounds[2 * BOOT_MAX_MEMMAP];
static struct boot_memrange san_out[2 * BOOT_MAX_MEMMAP];

/* Drop the smallest RAM range from r[0..*n); false if there is none. */
static bool drop_smallest_ram(struct boot_memrange *r, unsigned *n)
{
    unsigned i, victim = *n;

    for (i = 0; i < *n; i++)
        if (r[i].type == BOOT_MEM_RAM && (victim == *n || r[i].size < r[victim].size))
            victim = i;
    if (victim == *n)
        return false;
    for (i = victim; i + 1 < *n; i++)
        r[i] = r[i + 1];
    (*n)--;
    return true;
}

void bootinfo_sanitise_memmap(struct boot_info *bi)
{
    unsigned n = 0, nb = 0, i, j;

    if (bi->nr_memmap > BOOT_MAX_MEMMAP)
        bi->nr_memmap = BOOT_MAX_MEMMAP;
    /* Every range start and end is a boundary where the type may change. */
    for (i = 0; i < bi->nr_memmap; i++) {
        if (!bi->memmap[i].size)
            continue;
        san_bounds[nb++] = bi->memmap[i].addr;
        san_bounds[nb++] = range_end(&bi->memmap[i]);
    }
    for (i = 1; i < nb; i++) {
        uint64_t v = san_bounds[i];

        for (j = i; j > 0 && san_bounds[j - 1] > v; j--)
            san_bounds[j] = san_bounds[j - 1];
        san_bounds[j] = v;
    }
    /* Each elementary piece between consecutive boundaries has one type. */
    for (i = 0; i + 1 < nb; i++) {
        uint64_t lo = san_bounds[i], hi = san_bounds[i + 1];
        uint32_t type = 0;

        if (lo == hi)
            continue;
        for (j = 0; j < bi->nr_memmap; j++) {
            const struct boot_memrange *r = &bi->memmap[j];

            if (r->size && r->addr <= lo && lo < range_end(r))
                type = type_combine(type, r->type);
        }
        if (!type)
            continue;       /* a hole */
        if (n && san_out[n - 1].type == type &&
            san_out[n - 1].addr + san_out[n - 1].size == lo) {
            san_out[n - 1].size += hi - lo;
        } else {
            san_out[n].addr = lo;
            san_out[n].size = hi - lo;
            san_out[n].type = type;
            n++;
        }
    }
    /* Pathological maps (reserved ranges cut up by others) can need more
     * entries than fit: drop RAM first, which only wastes memory. */
    while (n > BOOT_MAX_MEMMAP && drop_smallest_ram(san_out, &n))
        ;
    if (n > BOOT_MAX_MEMMAP) {
        printk(XENLOG_WARNING "multiboot: memory map too fragmented, %u entries dropped\n",
               n - BOOT_MAX_MEMMAP);
        n = BOOT_MAX_MEMMAP;
    }
    memcpy(bi->memmap, san_out, n * sizeof(san_out[0]));
    bi->nr_memmap = n;
}

uint64_t bootinfo_ram_bytes(const struct boot_info *bi)
{
    uint64_t total = 0;

    for (unsigned i = 0; i < bi->nr_memmap && i < BOOT_MAX_MEMMAP; i++)
        if (bi->memmap[i].type == BOOT_MEM_RAM)
            total += bi->memmap[i].size;
    return total;
}

static int memmap_add(struct boot_info *bi, uint64_t addr, uint64_t size, uint32_t type)
{
    if (!size)
        return 0;
    if (type < BOOT_MEM_RAM || type > BOOT_MEM_BAD)
        type = BOOT_MEM_RESERVED;
    if (bi->nr_memmap == BOOT_MAX_MEMMAP) {
        /* Full: merging may make room; otherwise give up RAM, never a
         * reserved range. */
        bootinfo_sanitise_memmap(bi);
        if (bi->nr_memmap == BOOT_MAX_MEMMAP) {
            if (type == BOOT_MEM_RAM) {
                printk(XENLOG_WARNING "multiboot: memory map full, RAM %#llx+%#llx ignored\n",
                       (unsigned long long)addr, (unsigned long long)size);
                return 0;
            }
            if (!drop_smallest_ram(bi->memmap, &bi->nr_memmap))
                return -E2BIG;
            printk(XENLOG_WARNING "multiboot: memory map full, a RAM range was dropped\n");
        }
    }
    bi->memmap[bi->nr_memmap].addr = addr;
    bi->memmap[bi->nr_memmap].size = size;
    bi->memmap[bi->nr_memmap].type = type;
    bi->nr_memmap++;
    return 0;
}

/* Without a memory map: the two classic ranges from the basic info. */
static int memmap_from_basic(struct boot_info *bi)
{
    int rc = memmap_add(bi, 0, bi->mem_lower_kb << 10, BOOT_MEM_RAM);

    if (!rc)
        rc = memmap_add(bi, 1ULL << 20, bi->mem_upper_kb << 10, BOOT_MEM_RAM);
    return rc;
}

/* ---- multiboot2 ------------------------------------------------------ */

static int mb2_module(struct boot_info *bi, const uint8_t *tag, uint32_t size, bool *too_many)
{
    struct boot_module *m;
    uint32_t start, end;

    if (size < 16)
        return -EINVAL;
    start = rd32(tag + 8);
    end = rd32(tag + 12);
    if (end < start)
        return -EINVAL;
    if (bi->nr_modules == BOOT_MAX_MODULES) {
        *too_many = true;
        return 0;
    }
    m = &bi->modules[bi->nr_modules];
    m->start = start;
    m->end = end;
    bi->nr_modules++;
    return bi_add_string(bi, (const char *)tag + 16, size - 16, &m->cmdline);
}

static int mb2_mmap(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
    uint32_t esize, off;
    int rc;

    if (size < 16)
        return -EINVAL;
    esize = rd32(tag + 8);
    /* base, length, type, reserved; later versions may append fields. */
    if (esize < 24)
        return -EINVAL;
    for (off = 16; esize <= size - off; off += esize) {
        rc = memmap_add(bi, rd64(tag + off), rd64(tag + off + 8), rd32(tag + off + 16));
        if (rc)
            return rc;
    }
    return 0;
}

int multiboot2_parse_buf(const void *mbi, size_t len, struct boot_info *bi)
{
    const uint8_t *p = mbi;
    uint32_t total, off;
    uint64_t adv;
    bool have_cmdline = false, have_loader = false, have_mmap = false;
    bool have_meminfo = false, too_many = false, end_seen = false;
    int rc = 0;

    bi_reset(bi);
    if (!mbi || ((uintptr_t)mbi & 7) || len < 16)
        return -EINVAL;
    total = rd32(p);
    /* Header (8) plus at least the end tag (8). */
    if (total < 16 || total > len)
        return -EINVAL;

    for (off = 8; off <= total - 8; ) {
        const uint8_t *tag = p + off;
        uint32_t type = rd32(tag), size = rd32(tag + 4);

        if (size < 8 || size > total - off)
            return -EINVAL;
        switch (type) {
        case MB2_TAG_END:
            end_seen = true;
            break;
        case MB2_TAG_CMDLINE:
            if (!have_cmdline) {
                rc = bi_add_string(bi, (const char *)tag + 8, size - 8, &bi->cmdline);
                bi->cmdline = skip_blanks(bi->cmdline);
                have_cmdline = true;
            }
            break;
        case MB2_TAG_LOADER:
            if (!have_loader) {
                rc = bi_add_string(bi, (const char *)tag + 8, size - 8, &bi->loader_name);
                have_loader = true;
            }
            break;
        case MB2_TAG_MODULE:
            rc = mb2_module(bi, tag, size, &too_many);
            break;
        case MB2_TAG_MEMINFO:
            if (size < 16)
                return -EINVAL;
            bi->mem_lower_kb = rd32(tag + 8);
            bi->mem_upper_kb = rd32(tag + 12);
            have_meminfo = true;
            break;
        case MB2_TAG_MMAP:
            rc = mb2_mmap(bi, tag, size);
            have_mmap = true;
            break;
        default:
            break;
        }
        if (rc)
            return rc;
        if (end_seen)
            break;
        /* Tags are padded to 8 bytes (64-bit sum: size may be ~4 GiB). */
        adv = ((uint64_t)size + 7) & ~7ULL;
        if (adv > total - off)
            break;
        off += adv;
    }
    if (!end_seen)
        return -EINVAL;
    if (!have_mmap && have_meminfo)
        rc = memmap_from_basic(bi);
    bootinfo_sanitise_memmap(bi);
    if (!rc && too_many) {
        printk(XENLOG_WARNING "multiboot2: more than %d modules, the rest ignored\n",
               BOOT_MAX_MODULES);
        rc = -E2BIG;
    }
    return rc;
}

int multiboot2_parse(const void *mbi, struct boot_info *bi)
{
    if (!mbi || ((uintptr_t)mbi & 7)) {
        bi_reset(bi);
        return -EINVAL;
    }
    return multiboot2_parse_buf(mbi, rd32(mbi), bi);
}

/* ---- multiboot1 ------------------------------------------------------ */

static int mb1_modules(struct boot_info *bi, uint32_t addr, uint32_t count,
                       const void *(*map)(uint64_t, size_t))
{
    uint32_t n = count > BOOT_MAX_MODULES ? BOOT_MAX_MODULES : count;
    const uint8_t *mods;
    int rc;

    if (!n)
        return 0;
    mods = map(addr, (size_t)n * MB1_MOD_SIZE);
    if (!mods)
        return -EINVAL;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = mods + i * MB1_MOD_SIZE;
        struct boot_module *m = &bi->modules[bi->nr_modules];
        uint32_t str = rd32(e + 8);

        m->start = rd32(e);
        m->end = rd32(e + 4);
        if (m->end < m->start)
            return -EINVAL;
        m->cmdline = bi->strings;
        bi->nr_modules++;
        if (str) {
            rc = bi_add_phys_string(bi, str, map, &m->cmdline);
            if (rc)
                return rc;
            m->cmdline = skip_first_word(m->cmdline);
        }
    }
    if (count > BOOT_MAX_MODULES) {
        printk(XENLOG_WARNING "multiboot: %u modules, only the first %d used\n",
               count, BOOT_MAX_MODULES);
        return -E2BIG;
    }
    return 0;
}

static int mb1_mmap(struct boot_info *bi, uint32_t addr, uint32_t length,
                    const void *(*map)(uint64_t, size_t))
{
    const uint8_t *mm;
    uint32_t off = 0;
    int rc;

    if (!length)
        return 0;
    mm = map(addr, length);
    if (!mm)
        return -EINVAL;
    /* Each entry: size (not counting itself), base, length, type. */
    while (length - off >= 4) {
        uint32_t size = rd32(mm + off);

        if (size < 20 || size > length - off - 4)
            return -EINVAL;
        rc = memmap_add(bi, rd64(mm + off + 4), rd64(mm + off + 12), rd32(mm + off + 20));
        if (rc)
            return rc;
        off += size + 4;
    }
    return 0;
}

int multiboot1_parse(uint32_t mbi_paddr, const void *(*map)(uint64_t paddr, size_t len),
                     struct boot_info *bi)
{
    const uint8_t *mbi;
    uint32_t flags;
    int rc = 0, rc_mods = 0;

    bi_reset(bi);
    if (!map)
        return -EINVAL;
    mbi = map(mbi_paddr, MB1_INFO_SIZE);
    if (!mbi)
        return -EINVAL;
    flags = rd32(mbi);

    if ((flags & MB1_F_LOADER) && rd32(mbi + 64)) {
        rc = bi_add_phys_string(bi, rd32(mbi + 64), map, &bi->loader_name);
        if (rc)
            return rc;
    }
    if ((flags & MB1_F_CMDLINE) && rd32(mbi + 16)) {
        rc = bi_add_phys_string(bi, rd32(mbi + 16), map, &bi->cmdline);
        if (rc)
            return rc;
        /* Loaders other than GRUB 2 put the image name first. */
        if (strncmp(bi->loader_name, "GRUB 2", 6))
            bi->cmdline = skip_first_word(bi->cmdline);
        else
            bi->cmdline = skip_blanks(bi->cmdline);
    }
    if (flags & MB1_F_MEM) {
        bi->mem_lower_kb = rd32(mbi + 4);
        bi->mem_upper_kb = rd32(mbi + 8);
    }
    if (flags & MB1_F_MODS) {
        rc_mods = mb1_modules(bi, rd32(mbi + 24), rd32(mbi + 20), map);
        if (rc_mods && rc_mods != -E2BIG)
            return rc_mods;
    }
    if (flags & MB1_F_MMAP)
        rc = mb1_mmap(bi, rd32(mbi + 48), rd32(mbi + 44), map);
    else if (flags & MB1_F_MEM)
        rc = memmap_from_basic(bi);
    if (rc)
        return rc;
    bootinfo_sanitise_memmap(bi);
    return rc_mods;
}
