/*
 * fuzz_decompress.c — libFuzzer targets for the hypervisor's decompressors.
 * One source, three targets chosen at compile time:
 *   FUZZ_XZ     the .xz container and everything under it
 *   FUZZ_GZIP   gzip members and inflate
 *   FUZZ_LZMA2  raw LZMA2 chunks straight into the decoder, so mutations
 *               are not all stopped by the container's CRCs first; the
 *               first input byte picks the dictionary size
 * Output buffers are allocated at exactly the size used, so AddressSanitizer
 * reports any write past the end; success must produce a sane length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../../hypervisor/common/decompress/private.h"

#define OUT_CAP (4u << 20)
/* small: a fresh exact-size buffer per run keeps ASan watching its end */
#define LZMA2_OUT_CAP (256u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static union decomp_ws ws;

#if defined(FUZZ_LZMA2)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = NULL;
    struct lzma2_out o;
    size_t used = 0;
    uint32_t dict;
    int rc;

    if (size < 1)
        return 0;
    dict = 4096u << (data[0] % 14);
    o.buf = malloc(LZMA2_OUT_CAP);
    o.pos = 0;
    o.limit = LZMA2_OUT_CAP;
    rc = lzma2_decode(&ws.lzma, dict, data + 1, size - 1, &used, &o, &why);
    if (rc == 0 && (used > size - 1 || o.pos > LZMA2_OUT_CAP))
        abort();
    if (rc != 0 && !why)
        abort();
    free(o.buf);
    return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t want = 0, out_len = 0, used = 0, cap;
    const char *why = NULL;
    uint8_t *out;
    int rc;

    /* the size query must be safe on anything too, and sizes the buffer */
    rc = decompress_size(data, size, &want, &why);
    cap = (rc == 0 && want < OUT_CAP) ? want : 65536;
    out = malloc(cap ? cap : 1);
#if defined(FUZZ_XZ)
    rc = xz_decompress(data, size, out, cap, &out_len, &used, &ws, sizeof(ws),
                       &why);
#else
    rc = gzip_decompress(data, size, out, cap, &out_len, &used, &ws,
                         sizeof(ws), &why);
#endif
    if (rc == 0 && (out_len > cap || used > size))
        abort();
    if (rc != 0 && !why)
        abort();
    free(out);
    return 0;
}
#endif
