/* tests/test_gpu_conf.h — conformance checks every gpu backend must pass:
 * each kernel against an independent reference (gf256_ref.h for
 * Reed–Solomon, libzgsupport's keccak256 for hashing), the argument rules of
 * zg/gpu.h, ordering and fences.  `big` adds multi-MiB cases (fast backends). */
#ifndef ZG_TEST_GPU_CONF_H
#define ZG_TEST_GPU_CONF_H
#include <pthread.h>
#include <zg/keccak.h>

#include "test_gpu_util.h"

static gf256_ref conf_gf;

static void conf_info(gpu_t *t, const char *tag)
{
    int n = t->g->device_count(t->st);
    ok(n >= 1, "%s: device_count %d >= 1", tag, n);
    zg_gpu_device_info info = {.struct_size = sizeof info};
    ok(t->g->device_info(t->st, 0, &info) == ZG_OK, "%s: device_info(0)", tag);
    ok(info.name[0] != 0, "%s: device name '%s'", tag, info.name);
    ok((info.ops & (1ull << ZG_GPU_OP_RS_ENCODE)) && (info.ops & (1ull << ZG_GPU_OP_KECCAK256_BATCH)) &&
           (info.ops & (1ull << ZG_GPU_OP_MERKLE_LEVEL)) && (info.ops & (1ull << ZG_GPU_OP_RS_RECONSTRUCT)),
       "%s: ops mask 0x%llx has the storage kernels", tag, (unsigned long long)info.ops);
    ok(!(info.ops & (1ull << ZG_GPU_OP_BN254_NTT)), "%s: reserved ops not claimed", tag);
    ok(info.flags & ZG_GPU_DEVF_USABLE, "%s: device usable", tag);
    ok(t->g->device_info(t->st, n, &info) == ZG_ENOTFOUND, "%s: device_info(count) is ENOTFOUND", tag);
    ok(t->g->device_info(t->st, -5, &info) == ZG_ENOTFOUND, "%s: device_info(-5) is ENOTFOUND", tag);
    /* an older, shorter struct: the plugin writes only its struct_size */
    unsigned char small[64];
    memset(small, 0xee, sizeof small);
    uint32_t ss = 16;
    memcpy(small, &ss, 4);
    ok(t->g->device_info(t->st, 0, (zg_gpu_device_info *)small) == ZG_OK && small[16] == 0xee && small[63] == 0xee,
       "%s: device_info honours a short struct_size", tag);
}

static void conf_buffers(gpu_t *t, const char *tag)
{
    const zg_gpu_iface *g = t->g;
    zg_gpu_buf *h = NULL, *d = NULL, *z = NULL;
    ok(g->buf_alloc(t->dev, 1000, ZG_GPU_BUF_HOST, &h) == ZG_OK && h, "%s: alloc host buffer", tag);
    ok(g->buf_alloc(t->dev, 1003, ZG_GPU_BUF_DEVICE, &d) == ZG_OK && d, "%s: alloc device buffer", tag);
    ok(g->buf_alloc(t->dev, 0, ZG_GPU_BUF_DEVICE, &z) == ZG_OK && z, "%s: alloc empty buffer", tag);
    if (!h || !d || !z) return;
    ok(g->buf_size(h) == 1000 && g->buf_size(d) == 1003 && g->buf_size(z) == 0, "%s: buf_size", tag);
    uint8_t *m = g->buf_map(h);
    ok(m != NULL, "%s: host buffer maps", tag);
    uint8_t src[1003], back[1003];
    fill_random(src, sizeof src);
    ok(g->upload(d, 0, src, sizeof src) == ZG_OK, "%s: upload", tag);
    memset(back, 0, sizeof back);
    ok(g->download(d, 0, back, sizeof back) == ZG_OK && memcmp(src, back, sizeof src) == 0, "%s: download", tag);
    ok(g->download(d, 17, back, 5) == ZG_OK && memcmp(src + 17, back, 5) == 0, "%s: download at an odd offset", tag);
    ok(g->upload(d, 1000, src, 4) == ZG_EINVAL, "%s: upload past the end is EINVAL", tag);
    ok(g->download(d, 2000, back, 1) == ZG_EINVAL, "%s: download past the end is EINVAL", tag);
    ok(g->upload(z, 0, src, 0) == ZG_OK, "%s: empty upload", tag);
    if (m) {
        memcpy(m, src, 1000);
        zg_gpu_copy_args c = {.struct_size = sizeof c, .src = h, .src_off = 3, .dst = d, .dst_off = 1, .len = 997};
        ok(gpu_run(t, ZG_GPU_OP_COPY, &c) == ZG_OK, "%s: copy host->device", tag);
        ok(g->download(d, 1, back, 997) == ZG_OK && memcmp(back, src + 3, 997) == 0, "%s: copy result", tag);
        memset(m, 0, 1000);
        zg_gpu_copy_args c2 = {.struct_size = sizeof c2, .src = d, .src_off = 0, .dst = h, .dst_off = 0, .len = 1000};
        ok(gpu_run(t, ZG_GPU_OP_COPY, &c2) == ZG_OK && m[0] == src[0] && m[1] == src[3] &&
               m[997] == src[999] && m[999] == src[999],
           "%s: copy device->host, visible through the map", tag);
    }
    g->buf_free(h);
    g->buf_free(d);
    g->buf_free(z);
}

/* RS encode against the reference: shards in a buffer with strides that
 * leave a gap, which must stay untouched. */
static void conf_encode_one(gpu_t *t, const char *tag, unsigned k, unsigned m, size_t len, unsigned flags)
{
    const zg_gpu_iface *g = t->g;
    size_t stride = (len + 3) / 4 * 4 + 8;
    size_t off = 12, size = off + (size_t)(k + m) * stride;
    uint8_t *img = xmalloc(size), *back = xmalloc(size);
    fill_random(img, size);
    const uint8_t *data[ZG_GPU_RS_MAX_SHARDS];
    uint8_t *ref[ZG_GPU_RS_MAX_SHARDS];
    for (unsigned j = 0; j < k; j++) data[j] = img + off + j * stride;
    for (unsigned p = 0; p < m; p++) ref[p] = xmalloc(len);
    gf256_ref_encode(&conf_gf, k, m, len, data, ref);
    zg_gpu_buf *b = gpu_buf_with(t, img, size, size, flags);
    int rc = -1, same = 0, gaps = 0;
    if (b) {
        zg_gpu_rs_encode_args a = {.struct_size = sizeof a, .k = k, .m = m, .shard_len = len, .data = b,
                                   .data_off = off, .data_stride = stride, .parity = b,
                                   .parity_off = off + k * stride, .parity_stride = stride};
        rc = gpu_run(t, ZG_GPU_OP_RS_ENCODE, &a);
        g->download(b, 0, back, size);
        same = 1;
        for (unsigned p = 0; p < m; p++) same &= memcmp(back + off + (k + p) * stride, ref[p], len) == 0;
        /* everything except the parity bytes is unchanged */
        for (unsigned p = 0; p < m; p++) memcpy(back + off + (k + p) * stride, img + off + (k + p) * stride, len);
        gaps = memcmp(back, img, size) == 0;
        g->buf_free(b);
    }
    ok(rc == ZG_OK && same && gaps, "%s: rs_encode k=%u m=%u len=%zu %s matches the reference (gaps intact: %d)", tag,
       k, m, len, flags ? "host" : "device", gaps);
    for (unsigned p = 0; p < m; p++) free(ref[p]);
    free(img);
    free(back);
}

static void conf_encode(gpu_t *t, const char *tag, int big)
{
    static const size_t lens[] = {0, 1, 3, 4, 63, 64, 1000, 4097};
    static const unsigned km[][2] = {{1, 1}, {4, 2}, {5, 3}, {10, 4}, {32, 8}, {2, 0}, {1, 254}, {200, 55}};
    for (size_t i = 0; i < sizeof km / sizeof km[0]; i++)
        for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
            if (km[i][0] + km[i][1] > 100 && lens[l] > 64) continue; /* keep the reference fast */
            conf_encode_one(t, tag, km[i][0], km[i][1], lens[l], (unsigned)(l & 1));
        }
    if (big) {
        conf_encode_one(t, tag, 10, 4, (3u << 20) / 10 + 7, ZG_GPU_BUF_DEVICE);
        conf_encode_one(t, tag, 32, 8, (4u << 20) / 32 + 64, ZG_GPU_BUF_HOST);
    }
}

/* next combination of r missing indices out of n (ascending); 0 when done */
static int next_comb(unsigned *c, unsigned r, unsigned n)
{
    int i = (int)r - 1;
    while (i >= 0 && c[i] == n - r + (unsigned)i) i--;
    if (i < 0) return 0;
    c[i]++;
    for (unsigned j = (unsigned)i + 1; j < r; j++) c[j] = c[j - 1] + 1;
    return 1;
}

/* every pattern of up to m erasures, rebuilt in place */
static void conf_reconstruct_all(gpu_t *t, const char *tag, unsigned k, unsigned m, size_t len)
{
    const zg_gpu_iface *g = t->g;
    unsigned n = k + m;
    size_t stride = (len + 3) / 4 * 4, size = n * stride;
    uint8_t *img = xmalloc(size), *work = xmalloc(size), *back = xmalloc(size);
    memset(img, 0, size);
    for (unsigned j = 0; j < k; j++) fill_random(img + j * stride, len);
    const uint8_t *data[ZG_GPU_RS_MAX_SHARDS];
    uint8_t *par[ZG_GPU_RS_MAX_SHARDS];
    for (unsigned j = 0; j < k; j++) data[j] = img + j * stride;
    for (unsigned p = 0; p < m; p++) par[p] = img + (k + p) * stride;
    gf256_ref_encode(&conf_gf, k, m, len, data, par);
    zg_gpu_buf *b = NULL;
    g->buf_alloc(t->dev, size, ZG_GPU_BUF_DEVICE, &b);
    unsigned patterns = 0, good = 0;
    for (unsigned r = 1; r <= m && b; r++) {
        unsigned c[ZG_GPU_RS_MAX_SHARDS];
        for (unsigned i = 0; i < r; i++) c[i] = i;
        do {
            uint8_t present[ZG_GPU_RS_MAX_SHARDS];
            memset(present, 1, n);
            memcpy(work, img, size);
            for (unsigned i = 0; i < r; i++) {
                present[c[i]] = 0;
                memset(work + c[i] * stride, 0x5a, len); /* junk where the shard is lost */
            }
            g->upload(b, 0, work, size);
            zg_gpu_rs_reconstruct_args a = {.struct_size = sizeof a, .k = k, .m = m, .shard_len = len,
                                            .shards = b, .off = 0, .stride = stride, .present = present};
            int rc = gpu_run(t, ZG_GPU_OP_RS_RECONSTRUCT, &a);
            g->download(b, 0, back, size);
            patterns++;
            good += rc == ZG_OK && memcmp(back, img, size) == 0;
        } while (next_comb(c, r, n));
    }
    ok(b && good == patterns, "%s: rs_reconstruct k=%u m=%u len=%zu: %u/%u erasure patterns rebuilt", tag, k, m, len,
       good, patterns);
    /* `want`: only the requested slot is written */
    if (b) {
        uint8_t present[ZG_GPU_RS_MAX_SHARDS], want[ZG_GPU_RS_MAX_SHARDS] = {0};
        memset(present, 1, n);
        present[0] = present[k] = 0;
        want[k] = 1;
        memcpy(work, img, size);
        memset(work, 0x77, len);
        memset(work + k * stride, 0x77, len);
        g->upload(b, 0, work, size);
        zg_gpu_rs_reconstruct_args a = {.struct_size = sizeof a, .k = k, .m = m, .shard_len = len,
                                        .shards = b, .stride = stride, .present = present, .want = want};
        int rc = gpu_run(t, ZG_GPU_OP_RS_RECONSTRUCT, &a);
        g->download(b, 0, back, size);
        ok(rc == ZG_OK && memcmp(back + k * stride, img + k * stride, len) == 0 && back[0] == 0x77 &&
               (len < 1 || back[len - 1] == 0x77),
           "%s: rs_reconstruct k=%u m=%u rebuilds only the wanted shard", tag, k, m);
        g->buf_free(b);
    }
    free(img);
    free(work);
    free(back);
}

/* iters random erasure patterns of 1..m shards (for sizes where all
 * patterns would take too long) */
static void conf_reconstruct_random(gpu_t *t, const char *tag, unsigned k, unsigned m, size_t len, int iters)
{
    const zg_gpu_iface *g = t->g;
    unsigned n = k + m;
    size_t stride = (len + 3) / 4 * 4, size = n * stride;
    uint8_t *img = xmalloc(size), *back = xmalloc(size);
    memset(img, 0, size);
    for (unsigned j = 0; j < k; j++) fill_random(img + j * stride, len);
    const uint8_t *data[ZG_GPU_RS_MAX_SHARDS];
    uint8_t *par[ZG_GPU_RS_MAX_SHARDS];
    for (unsigned j = 0; j < k; j++) data[j] = img + j * stride;
    for (unsigned p = 0; p < m; p++) par[p] = img + (k + p) * stride;
    gf256_ref_encode(&conf_gf, k, m, len, data, par);
    zg_gpu_buf *b = gpu_buf_with(t, img, size, size, ZG_GPU_BUF_HOST);
    uint8_t *map = b ? g->buf_map(b) : NULL;
    int good = 0;
    for (int it = 0; it < iters && map; it++) {
        uint8_t present[ZG_GPU_RS_MAX_SHARDS];
        memset(present, 1, n);
        unsigned r = 1 + (unsigned)(rnd() % m);
        for (unsigned i = 0; i < r;) {
            unsigned x = (unsigned)(rnd() % n);
            if (!present[x]) continue;
            present[x] = 0;
            memset(map + x * stride, 0xa5, len);
            i++;
        }
        zg_gpu_rs_reconstruct_args a = {.struct_size = sizeof a, .k = k, .m = m, .shard_len = len,
                                        .shards = b, .stride = stride, .present = present};
        int rc = gpu_run(t, ZG_GPU_OP_RS_RECONSTRUCT, &a);
        good += rc == ZG_OK && memcmp(map, img, size) == 0;
    }
    ok(map && good == iters, "%s: rs_reconstruct k=%u m=%u len=%zu: %d/%d random erasure patterns", tag, k, m, len,
       good, iters);
    if (b) g->buf_free(b);
    free(img);
    free(back);
}

static void conf_keccak_one(gpu_t *t, const char *tag, uint64_t n, uint64_t len, uint64_t stride, uint64_t in_off)
{
    const zg_gpu_iface *g = t->g;
    uint64_t st = stride ? stride : len;
    size_t isize = in_off + (n ? (n - 1) * st + len : 0);
    uint8_t *in = xmalloc(isize), *out = xmalloc(n * 32 + 8), *ref = xmalloc(n * 32 + 8);
    fill_random(in, isize);
    for (uint64_t i = 0; i < n; i++) zg_keccak256(in + in_off + i * st, len, ref + i * 32);
    zg_gpu_buf *bi = gpu_buf_with(t, in, isize, isize, ZG_GPU_BUF_DEVICE);
    zg_gpu_buf *bo = NULL;
    g->buf_alloc(t->dev, n * 32 + 8, ZG_GPU_BUF_DEVICE, &bo);
    int rc = -1;
    if (bi && bo) {
        zg_gpu_keccak_args a = {.struct_size = sizeof a, .n = n, .len = len, .in_stride = stride,
                                .in = bi, .in_off = in_off, .out = bo, .out_off = 8};
        rc = gpu_run(t, ZG_GPU_OP_KECCAK256_BATCH, &a);
        if (n) g->download(bo, 8, out, n * 32);
    }
    ok(rc == ZG_OK && (n == 0 || memcmp(out, ref, n * 32) == 0),
       "%s: keccak256_batch n=%llu len=%llu stride=%llu off=%llu matches zg_keccak256", tag, (unsigned long long)n,
       (unsigned long long)len, (unsigned long long)stride, (unsigned long long)in_off);
    if (bi) g->buf_free(bi);
    if (bo) g->buf_free(bo);
    free(in);
    free(out);
    free(ref);
}

static void conf_keccak(gpu_t *t, const char *tag, int big)
{
    conf_keccak_one(t, tag, 0, 32, 0, 0);
    conf_keccak_one(t, tag, 5, 0, 0, 0);
    conf_keccak_one(t, tag, 1, 1, 0, 0);
    conf_keccak_one(t, tag, 7, 33, 0, 1);   /* unaligned inputs */
    conf_keccak_one(t, tag, 9, 33, 37, 3);  /* stride > len */
    conf_keccak_one(t, tag, 64, 64, 0, 0);
    conf_keccak_one(t, tag, 3, 135, 0, 0);
    conf_keccak_one(t, tag, 3, 136, 0, 0);  /* exactly one rate block */
    conf_keccak_one(t, tag, 3, 137, 0, 2);
    conf_keccak_one(t, tag, 17, 300, 0, 0);
    conf_keccak_one(t, tag, 100, 256, 0, 0);
    conf_keccak_one(t, tag, 2, 4096 + 5, 0, 1);
    if (big) conf_keccak_one(t, tag, 20000, 256, 0, 0);
}

static void conf_merkle_one(gpu_t *t, const char *tag, uint64_t n, uint32_t odd)
{
    const zg_gpu_iface *g = t->g;
    uint64_t nout = n / 2 + (n & 1);
    uint8_t *in = xmalloc(n * 32), *out = xmalloc(nout * 32), *ref = xmalloc(nout * 32);
    fill_random(in, n * 32);
    for (uint64_t i = 0; i < n / 2; i++) zg_keccak256(in + 64 * i, 64, ref + 32 * i);
    if (n & 1) {
        uint8_t two[64];
        memcpy(two, in + (n - 1) * 32, 32);
        memcpy(two + 32, in + (n - 1) * 32, 32);
        if (odd == ZG_GPU_MERKLE_ODD_DUPLICATE)
            zg_keccak256(two, 64, ref + (nout - 1) * 32);
        else
            memcpy(ref + (nout - 1) * 32, two, 32);
    }
    zg_gpu_buf *b = gpu_buf_with(t, in, n * 32, 4 + n * 32 + nout * 32, ZG_GPU_BUF_DEVICE);
    int rc = -1;
    if (b) {
        /* move the input to offset 4 first: an op reading an earlier op's output */
        zg_gpu_buf *tmp = gpu_buf_with(t, in, n * 32, n * 32, ZG_GPU_BUF_HOST);
        zg_gpu_copy_args c = {.struct_size = sizeof c, .src = tmp, .dst = b, .dst_off = 4, .len = n * 32};
        zg_gpu_merkle_args a = {.struct_size = sizeof a, .odd = odd, .n = n, .in = b, .in_off = 4,
                                .out = b, .out_off = 4 + n * 32};
        zg_gpu_fence *f1 = NULL;
        rc = tmp ? g->submit(t->dev, ZG_GPU_OP_COPY, &c, &f1) : -1;
        if (!rc) rc = gpu_run(t, ZG_GPU_OP_MERKLE_LEVEL, &a);
        if (f1) g->fence_free(f1);
        g->download(b, 4 + n * 32, out, nout * 32);
        if (tmp) g->buf_free(tmp);
        g->buf_free(b);
    }
    ok(rc == ZG_OK && memcmp(out, ref, nout * 32) == 0, "%s: merkle_level n=%llu %s", tag, (unsigned long long)n,
       odd ? "duplicate" : "promote");
    free(in);
    free(out);
    free(ref);
}

static void conf_merkle(gpu_t *t, const char *tag, int big)
{
    static const uint64_t ns[] = {1, 2, 3, 7, 64, 1001};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        conf_merkle_one(t, tag, ns[i], ZG_GPU_MERKLE_ODD_PROMOTE);
        if (ns[i] & 1) conf_merkle_one(t, tag, ns[i], ZG_GPU_MERKLE_ODD_DUPLICATE);
    }
    if (big) conf_merkle_one(t, tag, 100001, ZG_GPU_MERKLE_ODD_DUPLICATE);
}

/* Argument rules: the same code from every backend, and no crash. */
static void conf_errors(gpu_t *t, const char *tag)
{
    const zg_gpu_iface *g = t->g;
    zg_gpu_buf *b = NULL, *c = NULL;
    g->buf_alloc(t->dev, 4096, ZG_GPU_BUF_DEVICE, &b);
    g->buf_alloc(t->dev, 4096, ZG_GPU_BUF_HOST, &c);
    zg_gpu_fence *f = (zg_gpu_fence *)&f;
    zg_gpu_rs_encode_args e = {.struct_size = sizeof e, .k = 200, .m = 56, .shard_len = 4, .data = b,
                               .parity = c};
    ok(g->submit(t->dev, ZG_GPU_OP_RS_ENCODE, &e, &f) == ZG_EINVAL, "%s: rs_encode k+m=256 is EINVAL", tag);
    ok(f == (zg_gpu_fence *)&f, "%s: no fence on a refused submit", tag);
    e.k = 0, e.m = 2;
    ok(g->submit(t->dev, ZG_GPU_OP_RS_ENCODE, &e, NULL) == ZG_EINVAL, "%s: rs_encode k=0 is EINVAL", tag);
    e.k = 4, e.m = 2, e.data_off = 2;
    ok(g->submit(t->dev, ZG_GPU_OP_RS_ENCODE, &e, NULL) == ZG_EINVAL, "%s: misaligned data_off is EINVAL", tag);
    e.data_off = 0, e.shard_len = 2000;
    ok(g->submit(t->dev, ZG_GPU_OP_RS_ENCODE, &e, NULL) == ZG_EINVAL, "%s: shards past the buffer end are EINVAL", tag);
    e.shard_len = 100, e.parity = b, e.parity_off = 200;
    ok(g->submit(t->dev, ZG_GPU_OP_RS_ENCODE, &e, NULL) == ZG_EINVAL, "%s: parity overlapping data is EINVAL", tag);
    e.parity = c, e.parity_off = 0, e.data_stride = 50;
    ok(g->submit(t->dev, ZG_GPU_OP_RS_ENCODE, &e, NULL) == ZG_EINVAL, "%s: stride < shard_len is EINVAL", tag);
    e.data_stride = 0, e.data = NULL;
    ok(g->submit(t->dev, ZG_GPU_OP_RS_ENCODE, &e, NULL) == ZG_EINVAL, "%s: NULL buffer is EINVAL", tag);
    e.data = b, e.struct_size = 8;
    ok(g->submit(t->dev, ZG_GPU_OP_RS_ENCODE, &e, NULL) == ZG_EINVAL, "%s: short struct_size is EINVAL", tag);
    ok(g->submit(t->dev, ZG_GPU_OP_RS_ENCODE, NULL, NULL) == ZG_EINVAL, "%s: NULL args is EINVAL", tag);
    e.struct_size = sizeof e, e.data_stride = 3, e.shard_len = 3;
    ok(g->submit(t->dev, ZG_GPU_OP_RS_ENCODE, &e, NULL) == ZG_EINVAL, "%s: stride 3 (unaligned) is EINVAL", tag);

    uint8_t present[6] = {1, 0, 1, 0, 1, 0};
    zg_gpu_rs_reconstruct_args r = {.struct_size = sizeof r, .k = 4, .m = 2, .shard_len = 64, .shards = b,
                                    .present = present};
    ok(g->submit(t->dev, ZG_GPU_OP_RS_RECONSTRUCT, &r, NULL) == ZG_EINVAL,
       "%s: rs_reconstruct with 3 of 6 shards (k=4) is EINVAL", tag);
    r.present = NULL;
    ok(g->submit(t->dev, ZG_GPU_OP_RS_RECONSTRUCT, &r, NULL) == ZG_EINVAL, "%s: present NULL is EINVAL", tag);

    zg_gpu_keccak_args kk = {.struct_size = sizeof kk, .n = 10, .len = 100, .in = b, .out = c, .out_off = 2};
    ok(g->submit(t->dev, ZG_GPU_OP_KECCAK256_BATCH, &kk, NULL) == ZG_EINVAL, "%s: misaligned keccak out is EINVAL", tag);
    kk.out_off = 0, kk.n = 100;
    ok(g->submit(t->dev, ZG_GPU_OP_KECCAK256_BATCH, &kk, NULL) == ZG_EINVAL, "%s: keccak input past end is EINVAL", tag);
    kk.n = 10, kk.out = b, kk.out_off = 500;
    ok(g->submit(t->dev, ZG_GPU_OP_KECCAK256_BATCH, &kk, NULL) == ZG_EINVAL, "%s: keccak out overlapping in is EINVAL", tag);
    kk.n = UINT64_MAX / 2, kk.out = c, kk.out_off = 0;
    ok(g->submit(t->dev, ZG_GPU_OP_KECCAK256_BATCH, &kk, NULL) == ZG_EINVAL, "%s: keccak overflowing n is EINVAL", tag);

    zg_gpu_merkle_args mk = {.struct_size = sizeof mk, .n = 0, .in = b, .out = c};
    ok(g->submit(t->dev, ZG_GPU_OP_MERKLE_LEVEL, &mk, NULL) == ZG_EINVAL, "%s: merkle n=0 is EINVAL", tag);
    mk.n = 4, mk.odd = 9;
    ok(g->submit(t->dev, ZG_GPU_OP_MERKLE_LEVEL, &mk, NULL) == ZG_EINVAL, "%s: merkle bad odd mode is EINVAL", tag);
    mk.odd = 0, mk.out = b, mk.out_off = 64;
    ok(g->submit(t->dev, ZG_GPU_OP_MERKLE_LEVEL, &mk, NULL) == ZG_EINVAL, "%s: merkle in place is EINVAL", tag);

    zg_gpu_copy_args cp = {.struct_size = sizeof cp, .src = b, .dst = b, .src_off = 0, .dst_off = 10, .len = 100};
    ok(g->submit(t->dev, ZG_GPU_OP_COPY, &cp, NULL) == ZG_EINVAL, "%s: overlapping copy is EINVAL", tag);
    cp.dst = c, cp.len = 5000;
    ok(g->submit(t->dev, ZG_GPU_OP_COPY, &cp, NULL) == ZG_EINVAL, "%s: copy past the end is EINVAL", tag);

    ok(g->submit(t->dev, ZG_GPU_OP_BN254_NTT, &cp, NULL) == ZG_EUNSUPPORTED, "%s: bn254_ntt is EUNSUPPORTED", tag);
    ok(g->submit(t->dev, ZG_GPU_OP_MATMUL_F16, &cp, NULL) == ZG_EUNSUPPORTED, "%s: matmul_f16 is EUNSUPPORTED", tag);
    ok(g->submit(t->dev, 0, &cp, NULL) == ZG_EUNSUPPORTED && g->submit(t->dev, 1000, &cp, NULL) == ZG_EUNSUPPORTED,
       "%s: unknown op codes are EUNSUPPORTED", tag);
    ok(g->finish(t->dev) == ZG_OK, "%s: refused submits leave no error behind", tag);
    g->buf_free(b);
    g->buf_free(c);
}

/* In-order execution, fire-and-forget, fences. */
static void conf_ordering(gpu_t *t, const char *tag, size_t len)
{
    const zg_gpu_iface *g = t->g;
    zg_gpu_buf *a = NULL, *b = NULL, *c = NULL;
    uint8_t *src = xmalloc(len), *back = xmalloc(len);
    fill_random(src, len);
    g->buf_alloc(t->dev, len, ZG_GPU_BUF_HOST, &a);
    g->buf_alloc(t->dev, len, ZG_GPU_BUF_DEVICE, &b);
    g->buf_alloc(t->dev, len, ZG_GPU_BUF_DEVICE, &c);
    if (!a || !b || !c) {
        ok(0, "%s: ordering buffers", tag);
        return;
    }
    memcpy(g->buf_map(a), src, len);
    zg_gpu_copy_args ab = {.struct_size = sizeof ab, .src = a, .dst = b, .len = len};
    zg_gpu_copy_args bc = {.struct_size = sizeof bc, .src = b, .dst = c, .len = len};
    zg_gpu_fence *f1 = NULL, *f2 = NULL;
    /* the second copy reads what the first wrote, without waiting in between */
    ok(g->submit(t->dev, ZG_GPU_OP_COPY, &ab, &f1) == ZG_OK && g->submit(t->dev, ZG_GPU_OP_COPY, &bc, &f2) == ZG_OK,
       "%s: two dependent ops submitted", tag);
    int rc2 = g->fence_wait(f2, -1);
    ok(rc2 == ZG_OK && g->fence_poll(f1) == ZG_OK, "%s: a later fence done implies the earlier one is", tag);
    ok(g->download(c, 0, back, len) == ZG_OK && memcmp(back, src, len) == 0, "%s: chained result", tag);
    g->fence_free(f1);
    g->fence_free(f2);
    /* fire and forget, then download: ordered after the copies */
    memset(g->buf_map(a), 0x33, len);
    ok(g->submit(t->dev, ZG_GPU_OP_COPY, &ab, NULL) == ZG_OK && g->submit(t->dev, ZG_GPU_OP_COPY, &bc, NULL) == ZG_OK,
       "%s: fire-and-forget submits", tag);
    ok(g->download(c, 0, back, len) == ZG_OK && back[0] == 0x33 && back[len - 1] == 0x33,
       "%s: download waits for earlier ops", tag);
    ok(g->finish(t->dev) == ZG_OK, "%s: finish", tag);
    /* poll until done; a zero-timeout wait never blocks */
    ok(g->submit(t->dev, ZG_GPU_OP_COPY, &ab, &f1) == ZG_OK, "%s: submit for polling", tag);
    int rc = ZG_EBUSY, polls = 0;
    while ((rc = g->fence_poll(f1)) == ZG_EBUSY) polls++;
    ok(rc == ZG_OK, "%s: fence_poll reaches ZG_OK after %d busy polls", tag, polls);
    ok(g->fence_wait(f1, 1000000) == ZG_OK, "%s: fence_wait on a finished fence", tag);
    g->fence_free(f1);
    /* freeing a pending fence waits for it */
    ok(g->submit(t->dev, ZG_GPU_OP_COPY, &bc, &f1) == ZG_OK, "%s: submit then free at once", tag);
    g->fence_free(f1);
    g->buf_free(a);
    g->buf_free(b);
    g->buf_free(c);
    free(src);
    free(back);
}

typedef struct hammer_arg {
    gpu_t *t;
    int id, good, iters;
} hammer_arg;

/* several threads encoding on one device at once */
static void *hammer(void *p)
{
    hammer_arg *h = p;
    gpu_t *t = h->t;
    const unsigned k = 6, m = 3;
    size_t len = 4096 + (size_t)h->id * 4;
    uint8_t *img = xmalloc((k + m) * len), *ref = xmalloc(m * len);
    for (size_t i = 0; i < k * len; i++) img[i] = (uint8_t)(i * 7 + (size_t)h->id);
    const uint8_t *data[6];
    uint8_t *par[3];
    for (unsigned j = 0; j < k; j++) data[j] = img + j * len;
    for (unsigned p = 0; p < m; p++) par[p] = ref + p * len;
    gf256_ref_encode(&conf_gf, k, m, len, data, par);
    zg_gpu_buf *b = NULL;
    if (t->g->buf_alloc(t->dev, (k + m) * len, ZG_GPU_BUF_HOST, &b) == ZG_OK) {
        uint8_t *map = t->g->buf_map(b);
        for (int it = 0; it < h->iters; it++) {
            memcpy(map, img, k * len);
            memset(map + k * len, 0, m * len);
            zg_gpu_rs_encode_args a = {.struct_size = sizeof a, .k = k, .m = m, .shard_len = len, .data = b,
                                       .parity = b, .parity_off = k * len};
            h->good += gpu_run(t, ZG_GPU_OP_RS_ENCODE, &a) == ZG_OK && memcmp(map + k * len, ref, m * len) == 0;
        }
        t->g->buf_free(b);
    }
    free(img);
    free(ref);
    return NULL;
}

/* 4 threads encoding at once, alternating between two handles */
static void conf_threads(gpu_t *t, gpu_t *t2, const char *tag, int iters)
{
    pthread_t th[4];
    hammer_arg ha[4];
    for (int i = 0; i < 4; i++) {
        ha[i] = (hammer_arg){.t = i & 1 ? t2 : t, .id = i, .iters = iters};
        pthread_create(&th[i], NULL, hammer, &ha[i]);
    }
    int good = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        good += ha[i].good;
    }
    ok(good == 4 * iters, "%s: 4 threads x %d encodes on two handles: %d correct", tag, iters, good);
}

static void gpu_conformance(gpu_t *t, const char *tag, int big)
{
    gf256_ref_init(&conf_gf);
    conf_info(t, tag);
    conf_buffers(t, tag);
    conf_encode(t, tag, big);
    conf_reconstruct_all(t, tag, 4, 2, 1031);
    conf_reconstruct_all(t, tag, 5, 3, 333);
    conf_reconstruct_all(t, tag, 1, 2, 5);
    if (big) conf_reconstruct_random(t, tag, 10, 4, 300007, 12);
    conf_reconstruct_random(t, tag, 32, 8, 4099, 6);
    conf_keccak(t, tag, big);
    conf_merkle(t, tag, big);
    conf_errors(t, tag);
    conf_ordering(t, tag, big ? (8u << 20) : 65536);
}
#endif
