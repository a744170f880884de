/*
 * test_stream.c — the save file's bytes (libctrl/stream.c): xl header,
 * libxl and libxc headers and records written and read back, refusal of
 * truncated and corrupt files and of unknown versions (with the offset in
 * the message), and page-table canonicalisation both ways.
 */
#include <criterion/criterion.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>
#include "saverestore.h"

static struct errbuf eb;

static int tmpfd(void)
{
    FILE *f = tmpfile();

    cr_assert_not_null(f);
    return dup(fileno(f));
}

static struct sr_io io_at(int fd)
{
    cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
    eb_clear(&eb);
    return (struct sr_io){ .fd = fd, .name = "test.save", .eb = &eb };
}

static const char json[] = "{\n    \"c_info\": {\n        \"name\": \"hb\"\n    }\n}\n";

/* A small complete file: xl header, libxl stream around a libxc stream. */
static uint64_t write_sample(int fd, uint8_t page[4096])
{
    struct sr_io io = io_at(fd);
    uint8_t pvinfo[2] = { 8, 4 };
    uint64_t hw[3] = { 2, 5 | ((uint64_t)XEN_DOMCTL_PFINFO_L1TAB << SR_PFN_TYPE_SHIFT),
                       6 | ((uint64_t)XEN_DOMCTL_PFINFO_XTAB << SR_PFN_TYPE_SHIFT) };

    for (int i = 0; i < 4096; i++)
        page[i] = (uint8_t)(i * 7);
    cr_assert_eq(sr_write_xl_header(&io, json), 0);
    cr_assert_eq(sr_write_libxl_header(&io), 0);
    cr_assert_eq(sr_write_record(&io, LIBXL_REC_LIBXC_CONTEXT, NULL, 0, NULL, 0), 0);
    cr_assert_eq(sr_write_libxc_headers(&io, 4, 17), 0);
    cr_assert_eq(sr_write_record(&io, SR_REC_X86_PV_INFO, pvinfo, 2, NULL, 0), 0);
    cr_assert_eq(sr_write_record(&io, SR_REC_PAGE_DATA, hw, sizeof(hw), page, 4096), 0);
    cr_assert_eq(sr_write_record(&io, SR_REC_END, NULL, 0, NULL, 0), 0);
    cr_assert_eq(sr_write_record(&io, LIBXL_REC_END, NULL, 0, NULL, 0), 0);
    return io.off;
}

Test(stream, round_trip)
{
    int fd = tmpfd();
    uint8_t page[4096];
    uint64_t len = write_sample(fd, page);
    struct sr_io io = io_at(fd);
    struct sr_record rec;
    uint32_t version;
    char *j;

    cr_assert_eq((len - (52 + sizeof(json))) % 8, 0, "records keep 8-byte alignment after the xl header");
    cr_assert_eq(sr_read_xl_header(&io, &j), 0, "%s", eb.msg);
    cr_assert_str_eq(j, json);
    free(j);
    cr_assert_eq(sr_read_libxl_header(&io), 0, "%s", eb.msg);
    cr_assert_eq(sr_read_record(&io, &rec), 0);
    cr_assert_eq(rec.type, LIBXL_REC_LIBXC_CONTEXT);
    cr_assert_eq(rec.length, 0);
    cr_assert_eq(sr_read_libxc_headers(&io, &version), 0, "%s", eb.msg);
    cr_assert_eq(version, SR_VERSION);
    cr_assert_eq(sr_read_record(&io, &rec), 0);
    cr_assert_eq(rec.type, SR_REC_X86_PV_INFO);
    cr_assert_eq(rec.length, 2, "length without the padding");
    cr_assert_eq(((uint8_t *)rec.data)[0], 8);
    sr_record_free(&rec);
    cr_assert_eq(sr_read_record(&io, &rec), 0, "padding skipped: %s", eb.msg);
    cr_assert_eq(rec.type, SR_REC_PAGE_DATA);
    cr_assert_eq(rec.length, 24 + 4096);
    cr_assert_eq(memcmp((uint8_t *)rec.data + 24, page, 4096), 0);
    cr_assert_eq(((uint64_t *)rec.data)[1] >> 60, 1, "L1TAB in the top 4 bits");
    sr_record_free(&rec);
    cr_assert_eq(sr_read_record(&io, &rec), 0);
    cr_assert_eq(rec.type, SR_REC_END);
    cr_assert_eq(sr_read_record(&io, &rec), 0);
    cr_assert_eq(rec.type, LIBXL_REC_END);
    cr_assert_eq(io.off, len);
    close(fd);
}

Test(stream, xl_header_is_xens_layout)
{
    int fd = tmpfd();
    uint8_t page[4096], b[64];
    struct xl_save_header h;

    write_sample(fd, page);
    cr_assert_eq(pread(fd, b, sizeof(b), 0), (ssize_t)sizeof(b));
    cr_assert_eq(memcmp(b, "Xen saved domain, xl format\n \0 \r", 32), 0);
    memcpy(&h, b, sizeof(h));
    cr_assert_eq(h.byteorder, 0x01020304u);
    cr_assert_eq(h.mandatory_flags, 3u, "STREAMv2 | JSON");
    cr_assert_eq(h.optional_data_len, 4 + sizeof(json));
    uint32_t cl;
    memcpy(&cl, b + 48, 4);
    cr_assert_eq(cl, sizeof(json), "config length includes the NUL, as xl writes it");
    /* libxl header right after: "LibxlFmt", big-endian version 2 */
    uint64_t ident;
    cr_assert_eq(pread(fd, &ident, 8, 52 + sizeof(json)), 8);
    cr_assert_eq(be64toh(ident), LIBXL_STREAM_IDENT);
    close(fd);
}

Test(stream, truncated_anywhere_is_named_with_offset)
{
    int fd = tmpfd();
    uint8_t page[4096];
    uint64_t len = write_sample(fd, page);

    /* Cut at many points: every read path must say "truncated", never crash. */
    for (uint64_t cut = 0; cut < len; cut += (cut < 200 ? 3 : 397)) {
        struct sr_io io;
        struct sr_record rec = { 0 };
        uint32_t v;
        char *j = NULL;
        int rc;

        cr_assert_eq(ftruncate(fd, 0), 0);
        write_sample(fd, page);
        cr_assert_eq(ftruncate(fd, (off_t)cut), 0);
        io = io_at(fd);
        rc = sr_read_xl_header(&io, &j);
        if (rc == 0)
            rc = sr_read_libxl_header(&io);
        if (rc == 0)
            rc = sr_read_record(&io, &rec);
        if (rc == 0)
            rc = sr_read_libxc_headers(&io, &v);
        while (rc == 0) {
            rc = sr_read_record(&io, &rec);
            sr_record_free(&rec);
        }
        free(j);
        cr_assert_eq(rc, -EIO, "cut at %lu: rc %d (%s)", (unsigned long)cut, rc, eb.msg);
        cr_assert_not_null(strstr(eb.msg, "test.save: truncated at offset"), "%s", eb.msg);
    }
    close(fd);
}

Test(stream, corrupt_and_unknown_versions_refused)
{
    int fd = tmpfd();
    uint8_t page[4096];
    struct sr_io io;
    uint32_t v, word;
    char *j;
    uint64_t libxc_at = 52 + sizeof(json) + 16 + 8;

    write_sample(fd, page);
    cr_assert_eq(pwrite(fd, "Xen saved domain, XL format", 27, 0), 27);
    io = io_at(fd);
    cr_assert_eq(sr_read_xl_header(&io, &j), -EINVAL);
    cr_assert_not_null(strstr(eb.msg, "not an xl save file"), "%s", eb.msg);

    write_sample(fd, page);
    word = 1u << 5;                     /* an unknown mandatory flag */
    word |= 3;
    cr_assert_eq(pwrite(fd, &word, 4, 36), 4);
    io = io_at(fd);
    cr_assert_eq(sr_read_xl_header(&io, &j), -EOPNOTSUPP);

    write_sample(fd, page);
    word = htobe32(3);                  /* libxl stream v3 */
    cr_assert_eq(pwrite(fd, &word, 4, 52 + sizeof(json) + 8), 4);
    io = io_at(fd);
    cr_assert_eq(sr_read_xl_header(&io, &j), 0);
    free(j);
    cr_assert_eq(sr_read_libxl_header(&io), -EOPNOTSUPP);
    cr_assert_not_null(strstr(eb.msg, "version 3"), "%s", eb.msg);

    write_sample(fd, page);
    word = htobe32(4);                  /* libxc stream v4 */
    cr_assert_eq(pwrite(fd, &word, 4, libxc_at + 12), 4);
    io = io_at(fd);
    cr_assert_eq(lseek(fd, (off_t)libxc_at, SEEK_SET), (off_t)libxc_at);
    io.off = libxc_at;
    cr_assert_eq(sr_read_libxc_headers(&io, &v), -EOPNOTSUPP);
    cr_assert_not_null(strstr(eb.msg, "version 4"), "%s", eb.msg);

    write_sample(fd, page);
    word = htobe32(2);                  /* v2 (Xen 4.7-4.13) is still read */
    cr_assert_eq(pwrite(fd, &word, 4, libxc_at + 12), 4);
    io = io_at(fd);
    lseek(fd, (off_t)libxc_at, SEEK_SET);
    cr_assert_eq(sr_read_libxc_headers(&io, &v), 0);
    cr_assert_eq(v, 2);

    write_sample(fd, page);
    word = 2;                           /* HVM domain header */
    cr_assert_eq(pwrite(fd, &word, 4, libxc_at + 24), 4);
    io = io_at(fd);
    lseek(fd, (off_t)libxc_at, SEEK_SET);
    cr_assert_eq(sr_read_libxc_headers(&io, &v), -EOPNOTSUPP);
    cr_assert_not_null(strstr(eb.msg, "domain type 2"), "%s", eb.msg);

    write_sample(fd, page);
    word = 0x7fffffff;                  /* X86_PV_INFO claiming 2 GiB */
    uint64_t rec_at = libxc_at + 40;
    cr_assert_eq(pwrite(fd, &word, 4, rec_at + 4), 4);
    io = io_at(fd);
    lseek(fd, (off_t)rec_at, SEEK_SET);
    io.off = rec_at;
    struct sr_record rec;
    cr_assert_eq(sr_read_record(&io, &rec), -EINVAL);
    cr_assert_not_null(strstr(eb.msg, "corrupt record at offset"), "%s", eb.msg);
    cr_assert_not_null(strstr(eb.msg, "X86_PV_INFO"), "%s", eb.msg);
    close(fd);
}

Test(stream, write_errors_name_the_file_and_offset)
{
    struct sr_io io = { .fd = -1, .name = "full.save", .eb = &eb, .off = 12 };

    eb_clear(&eb);
    cr_assert_eq(sr_write(&io, "x", 1), -EBADF);
    cr_assert_not_null(strstr(eb.msg, "writing full.save at offset 12"), "%s", eb.msg);
}

/*
 * A PAGE_DATA record gathered from many vectors (more than one writev call
 * takes, some of odd length) is byte for byte the record sr_write_record
 * writes from one buffer, padding included.
 */
Test(stream, record_from_vectors_is_the_same_bytes)
{
    enum { NV = 1300 };
    static uint8_t buf[NV * 8 + 4096];
    static struct iovec iov[NV];
    size_t len = 0;
    int fd1 = tmpfd(), fd2 = tmpfd();
    struct sr_io a = io_at(fd1), b = io_at(fd2);
    struct sr_record rec;

    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 13 + 5);
    for (unsigned i = 0; i < NV; i++) {
        size_t l = i % 3 == 0 ? 1 : i % 3 == 1 ? 8 : 3;    /* odd sizes: 12 per 3 */
        iov[i] = (struct iovec){ buf + len, l };
        len += l;
    }
    iov[NV - 1].iov_len += 4096 - 1;                        /* a page-sized tail */
    len += 4096 - 1;
    cr_assert_eq(len % 8 != 0, 1, "the record needs padding");
    cr_assert_eq(sr_write_record(&a, SR_REC_PAGE_DATA, buf, (uint32_t)len, NULL, 0), 0);
    cr_assert_eq(sr_write_record_iov(&b, SR_REC_PAGE_DATA, iov, NV), 0, "%s", eb.msg);
    cr_assert_eq(a.off, b.off);
    cr_assert_eq(a.off, 8 + len + (8 - len % 8));

    static uint8_t f1[sizeof(buf) + 64], f2[sizeof(buf) + 64];
    cr_assert_eq(pread(fd1, f1, a.off, 0), (ssize_t)a.off);
    cr_assert_eq(pread(fd2, f2, b.off, 0), (ssize_t)b.off);
    cr_assert_eq(memcmp(f1, f2, a.off), 0);

    b = io_at(fd2);
    cr_assert_eq(sr_read_record(&b, &rec), 0, "%s", eb.msg);
    cr_assert_eq(rec.length, len);
    cr_assert_eq(memcmp(rec.data, buf, len), 0);
    sr_record_free(&rec);
    close(fd1);
    close(fd2);
}

/*
 * A reader in steps (head, its own reads of the body, the pad) ends where
 * sr_read_record ends, at the next record; a head refuses a length above
 * the limit before anything is allocated.
 */
Test(stream, record_read_in_steps)
{
    int fd = tmpfd();
    struct sr_io io = io_at(fd);
    struct sr_record rec;
    uint8_t body[13], got[13];

    for (unsigned i = 0; i < sizeof(body); i++)
        body[i] = (uint8_t)(0xa0 + i);
    cr_assert_eq(sr_write_record(&io, SR_REC_PAGE_DATA, body, sizeof(body), NULL, 0), 0);
    cr_assert_eq(sr_write_record(&io, SR_REC_END, NULL, 0, NULL, 0), 0);
    uint32_t huge[2] = { SR_REC_PAGE_DATA, SR_MAX_RECORD + 1 };
    cr_assert_eq(sr_write(&io, huge, sizeof(huge)), 0);

    io = io_at(fd);
    cr_assert_eq(sr_read_record_head(&io, &rec), 0, "%s", eb.msg);
    cr_assert_eq(rec.type, SR_REC_PAGE_DATA);
    cr_assert_eq(rec.length, sizeof(body));
    cr_assert_null(rec.data);
    cr_assert_eq(sr_read(&io, got, sizeof(got), "body"), 0);
    cr_assert_eq(memcmp(got, body, sizeof(body)), 0);
    cr_assert_eq(sr_read_record_pad(&io, &rec), 0);
    cr_assert_eq(io.off, 8 + 16, "padded to 8");
    cr_assert_eq(sr_read_record_head(&io, &rec), 0);
    cr_assert_eq(rec.type, SR_REC_END);
    cr_assert_eq(sr_read_record_body(&io, &rec), 0, "an empty body reads nothing");
    cr_assert_eq(sr_read_record_head(&io, &rec), -EINVAL);
    cr_assert_not_null(strstr(eb.msg, "corrupt record at offset 32"), "%s", eb.msg);
    close(fd);
}

Test(stream, record_from_vectors_write_error_names_the_file)
{
    struct sr_io io = { .fd = -1, .name = "full.save", .eb = &eb, .off = 40 };
    uint8_t x[16] = { 0 };
    struct iovec v = { x, sizeof(x) };

    eb_clear(&eb);
    cr_assert_eq(sr_write_record_iov(&io, SR_REC_PAGE_DATA, &v, 1), -EBADF);
    cr_assert_not_null(strstr(eb.msg, "writing full.save at offset 40"), "%s", eb.msg);
}

/* ------------------------------------------------------------ page tables */

/* A made-up machine: MFN = PFN * 3 + 1000 for PFNs below 100. */
static uint64_t m2p(void *arg, uint64_t mfn)
{
    (void)arg;
    return mfn >= 1000 && (mfn - 1000) % 3 == 0 && (mfn - 1000) / 3 < 100 ? (mfn - 1000) / 3 : ~0ull;
}

static uint64_t p2m(void *arg, uint64_t pfn)
{
    (void)arg;
    return pfn < 100 ? pfn * 3 + 1000 : ~0ull;
}

Test(stream, page_table_canonicalisation_round_trip)
{
    uint64_t pt[512], orig[512];
    int bad;

    for (unsigned i = 0; i < 512; i++)
        pt[i] = 0;
    pt[0] = (1003ull << 12) | 0x67;                 /* present, rw, user, A, D */
    pt[1] = (1000ull << 12) | 0x8000000000000025ull;  /* NX kept */
    pt[2] = (1006ull << 12) | 0x0;                  /* not present: untouched */
    pt[255] = (1009ull << 12) | 0x7;
    pt[256] = 0xdead000 | 1;                        /* hypervisor slot */
    pt[271] = 0xbeef000 | 1;
    pt[272] = (1012ull << 12) | 0x3;
    memcpy(orig, pt, sizeof(pt));
    cr_assert_eq(sr_pt_rewrite(pt, 4, m2p, NULL, &bad), 0);
    cr_assert_eq(pt[0], (1ull << 12) | 0x67);
    cr_assert_eq(pt[1], 0x8000000000000025ull, "pfn 0, flags and NX kept");
    cr_assert_eq(pt[2], orig[2]);
    cr_assert_eq(pt[255], (3ull << 12) | 0x7);
    cr_assert_eq(pt[256], 0, "the hypervisor's L4 slots are dropped");
    cr_assert_eq(pt[271], 0);
    cr_assert_eq(pt[272], (4ull << 12) | 0x3, "guest slots above them kept");
    cr_assert_eq(sr_pt_rewrite(pt, 4, p2m, NULL, &bad), 0);
    orig[256] = orig[271] = 0;
    cr_assert_eq(memcmp(pt, orig, sizeof(pt)), 0, "PFN -> MFN gives the original back");
}

Test(stream, page_table_foreign_frame_and_superpage_refused)
{
    uint64_t pt[512] = { 0 };
    int bad;

    pt[7] = (5000ull << 12) | 1;                     /* not the guest's */
    cr_assert_eq(sr_pt_rewrite(pt, 1, m2p, NULL, &bad), -EINVAL);
    cr_assert_eq(bad, 7);
    memset(pt, 0, sizeof(pt));
    pt[9] = (1000ull << 12) | 0x81;                  /* PSE in an L2 */
    cr_assert_eq(sr_pt_rewrite(pt, 2, m2p, NULL, &bad), -EINVAL);
    cr_assert_eq(bad, 9);
    memset(pt, 0, sizeof(pt));
    pt[9] = (1000ull << 12) | 0x81;                  /* bit 7 of an L1 is PAT: fine */
    cr_assert_eq(sr_pt_rewrite(pt, 1, m2p, NULL, &bad), 0);
    cr_assert_eq(bad, -1);
    cr_assert_eq(sr_pt_rewrite(pt, 5, m2p, NULL, &bad), -EINVAL, "no level 5");
}

Test(stream, record_names)
{
    char b[16];

    cr_assert_str_eq(sr_rec_name(SR_REC_PAGE_DATA, b), "PAGE_DATA");
    cr_assert_str_eq(sr_rec_name(SR_REC_X86_MSR_POLICY, b), "X86_MSR_POLICY");
    cr_assert_str_eq(sr_rec_name(0x55, b), "0x55");
}
