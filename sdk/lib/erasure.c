/* Erasure coding of whole buffers over a gpu backend (see zg/erasure.h). */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/erasure.h>

struct zg_erasure {
    const zg_gpu_iface *g;
    void *state;
    zg_gpu_dev *dev;
    pthread_mutex_t mu;
    /* work buffer kept between calls: host-visible when the backend maps it */
    zg_gpu_buf *buf;
    uint64_t cap;
    uint8_t *map; /* NULL: reach buf with upload/download */
};

static _Thread_local char errmsg[256];

static int seterr(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int seterr(int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg, sizeof errmsg, fmt, ap);
    va_end(ap);
    return rc;
}

ZG_EXPORT const char *zg_erasure_error(void) { return errmsg; }

ZG_EXPORT uint64_t zg_erasure_shard_len(uint64_t length, unsigned k)
{
    if (k == 0) return 0;
    uint64_t per = length / k + (length % k != 0);
    uint64_t sl = (per + ZG_ERASURE_ALIGN - 1) / ZG_ERASURE_ALIGN * ZG_ERASURE_ALIGN;
    return sl ? sl : ZG_ERASURE_ALIGN;
}

ZG_EXPORT int zg_erasure_new(const zg_gpu_iface *iface, void *state, int device, zg_erasure **out)
{
    errmsg[0] = 0;
    if (!iface || !out) return seterr(ZG_EINVAL, "zg_erasure_new: NULL argument");
    if (iface->struct_size < offsetof(zg_gpu_iface, finish) + sizeof(iface->finish))
        return seterr(ZG_EINVAL, "gpu interface is too old (struct_size %u)", iface->struct_size);
    zg_erasure *e = calloc(1, sizeof *e);
    if (!e) return seterr(ZG_ENOMEM, "out of memory");
    e->g = iface;
    e->state = state;
    int rc = iface->open(state, device, &e->dev);
    if (rc != ZG_OK) {
        free(e);
        return seterr(rc, "cannot open gpu device %d (error %d)", device, rc);
    }
    pthread_mutex_init(&e->mu, NULL);
    *out = e;
    return ZG_OK;
}

ZG_EXPORT void zg_erasure_free(zg_erasure *e)
{
    if (!e) return;
    if (e->buf) e->g->buf_free(e->buf);
    e->g->close(e->dev);
    pthread_mutex_destroy(&e->mu);
    free(e);
}

/* a work buffer of at least size bytes (e->mu held) */
static int work_buf(zg_erasure *e, uint64_t size)
{
    if (e->buf && e->cap >= size) return ZG_OK;
    if (e->buf) e->g->buf_free(e->buf);
    e->buf = NULL;
    e->cap = 0;
    e->map = NULL;
    int rc = e->g->buf_alloc(e->dev, size, ZG_GPU_BUF_HOST, &e->buf);
    if (rc != ZG_OK) rc = e->g->buf_alloc(e->dev, size, ZG_GPU_BUF_DEVICE, &e->buf);
    if (rc != ZG_OK) return seterr(rc, "cannot allocate a %llu-byte gpu buffer (error %d)", (unsigned long long)size, rc);
    e->cap = size;
    e->map = e->g->buf_map(e->buf);
    return ZG_OK;
}

static int put(zg_erasure *e, uint64_t off, const void *src, size_t len)
{
    if (!len) return ZG_OK;
    if (e->map) {
        memcpy(e->map + off, src, len);
        return ZG_OK;
    }
    int rc = e->g->upload(e->buf, off, src, len);
    return rc ? seterr(rc, "gpu upload failed (error %d)", rc) : ZG_OK;
}

static int get(zg_erasure *e, uint64_t off, void *dst, size_t len)
{
    if (!len) return ZG_OK;
    if (e->map) {
        memcpy(dst, e->map + off, len);
        return ZG_OK;
    }
    int rc = e->g->download(e->buf, off, dst, len);
    return rc ? seterr(rc, "gpu download failed (error %d)", rc) : ZG_OK;
}

static int run(zg_erasure *e, uint32_t op, const void *args)
{
    zg_gpu_fence *f = NULL;
    int rc = e->g->submit(e->dev, op, args, &f);
    if (rc != ZG_OK) return seterr(rc, "gpu %s submit failed (error %d)", zg_gpu_op_name((int)op), rc);
    rc = e->g->fence_wait(f, -1);
    e->g->fence_free(f);
    return rc ? seterr(rc, "gpu %s failed (error %d)", zg_gpu_op_name((int)op), rc) : ZG_OK;
}

static int check_km(unsigned k, unsigned m)
{
    if (k < 1) return seterr(ZG_ERANGE, "k must be at least 1");
    if ((uint64_t)k + m > ZG_ERASURE_MAX_SHARDS)
        return seterr(ZG_ERANGE, "k+m = %llu exceeds %d shards", (unsigned long long)k + m, ZG_ERASURE_MAX_SHARDS);
    return ZG_OK;
}

/* data shard i of the zero-padded input */
static void data_shard(const uint8_t *data, size_t length, uint64_t sl, unsigned i, uint8_t *dst)
{
    uint64_t lo = (uint64_t)i * sl, n = lo >= length ? 0 : (length - lo < sl ? length - lo : sl);
    if (n) memcpy(dst, data + lo, n);
    memset(dst + n, 0, sl - n);
}

ZG_EXPORT int zg_erasure_encode(zg_erasure *e, unsigned k, unsigned m, const void *data, size_t length,
                                uint8_t *const *shards, size_t shard_size, zg_erasure_header *hdr)
{
    errmsg[0] = 0;
    int rc = check_km(k, m);
    if (rc) return rc;
    if (!e || !shards || (length && !data)) return seterr(ZG_EINVAL, "zg_erasure_encode: NULL argument");
    uint64_t sl = zg_erasure_shard_len(length, k);
    if (shard_size != sl)
        return seterr(ZG_EINVAL, "shard buffers are %zu bytes, %llu bytes of input over k=%u need %llu",
                      shard_size, (unsigned long long)length, k, (unsigned long long)sl);
    for (unsigned i = 0; i < k + m; i++)
        if (!shards[i]) return seterr(ZG_EINVAL, "shard buffer %u is NULL", i);
    uint64_t total;
    if (__builtin_mul_overflow(sl, (uint64_t)(k + m), &total)) return seterr(ZG_ERANGE, "input too large");

    /* data shards come straight from the input (systematic code) */
    for (unsigned i = 0; i < k; i++) data_shard(data, length, sl, i, shards[i]);
    if (m) {
        pthread_mutex_lock(&e->mu);
        rc = work_buf(e, total);
        for (unsigned i = 0; i < k && !rc; i++) rc = put(e, (uint64_t)i * sl, shards[i], sl);
        if (!rc) {
            zg_gpu_rs_encode_args a = {.struct_size = sizeof a,
                                       .k = k,
                                       .m = m,
                                       .shard_len = sl,
                                       .data = e->buf,
                                       .data_off = 0,
                                       .data_stride = sl,
                                       .parity = e->buf,
                                       .parity_off = (uint64_t)k * sl,
                                       .parity_stride = sl};
            rc = run(e, ZG_GPU_OP_RS_ENCODE, &a);
        }
        for (unsigned p = 0; p < m && !rc; p++) rc = get(e, (uint64_t)(k + p) * sl, shards[k + p], sl);
        pthread_mutex_unlock(&e->mu);
        if (rc) return rc;
    }
    if (hdr) {
        hdr->version = ZG_ERASURE_VERSION;
        hdr->k = (uint8_t)k;
        hdr->m = (uint8_t)m;
        hdr->length = length;
        hdr->shard_len = sl;
    }
    return ZG_OK;
}

static int check_header(const zg_erasure_header *h)
{
    if (!h) return seterr(ZG_EINVAL, "header is NULL");
    if (h->version != ZG_ERASURE_VERSION) return seterr(ZG_ECORRUPT, "unknown erasure header version %u", h->version);
    int rc = check_km(h->k, h->m);
    if (rc) return rc;
    if (h->shard_len != zg_erasure_shard_len(h->length, h->k))
        return seterr(ZG_ECORRUPT, "header shard_len %llu does not match length %llu over k=%u",
                      (unsigned long long)h->shard_len, (unsigned long long)h->length, h->k);
    return ZG_OK;
}

/* Check the shards and rebuild those with want[i] (missing ones) into the work
 * buffer's slots.  On success *used tells which slots were filled. */
static int rebuild(zg_erasure *e, const zg_erasure_header *h, const uint8_t *const *shards,
                   const size_t *sizes, const uint8_t *want)
{
    unsigned k = h->k, n = h->k + h->m;
    uint64_t sl = h->shard_len;
    uint8_t present[ZG_ERASURE_MAX_SHARDS] = {0};
    unsigned have = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!shards[i]) continue;
        if (sizes && sizes[i] != sl)
            return seterr(ZG_EINVAL, "shard %u is %zu bytes, expected %llu", i, sizes[i], (unsigned long long)sl);
        have++;
    }
    if (have < k)
        return seterr(ZG_ECORRUPT, "only %u of %u shards present, need %u to reconstruct", have, n, k);
    uint64_t total;
    if (__builtin_mul_overflow(sl, (uint64_t)n, &total)) return seterr(ZG_ERANGE, "shards too large");
    int rc = work_buf(e, total);
    /* the backend uses the first k present shards: upload only those */
    have = 0;
    for (unsigned i = 0; i < n && have < k && !rc; i++) {
        if (!shards[i]) continue;
        present[i] = 1;
        have++;
        rc = put(e, (uint64_t)i * sl, shards[i], sl);
    }
    if (rc) return rc;
    zg_gpu_rs_reconstruct_args a = {.struct_size = sizeof a,
                                    .k = k,
                                    .m = h->m,
                                    .shard_len = sl,
                                    .shards = e->buf,
                                    .off = 0,
                                    .stride = sl,
                                    .present = present,
                                    .want = want};
    return run(e, ZG_GPU_OP_RS_RECONSTRUCT, &a);
}

ZG_EXPORT int zg_erasure_reconstruct(zg_erasure *e, const zg_erasure_header *hdr,
                                     const uint8_t *const *shards, const size_t *sizes, void *out,
                                     size_t out_size)
{
    errmsg[0] = 0;
    int rc = check_header(hdr);
    if (rc) return rc;
    if (!e || !shards || (hdr->length && !out)) return seterr(ZG_EINVAL, "zg_erasure_reconstruct: NULL argument");
    if (out_size < hdr->length)
        return seterr(ZG_EINVAL, "output buffer is %zu bytes, need %llu", out_size, (unsigned long long)hdr->length);
    unsigned k = hdr->k, n = hdr->k + hdr->m;
    uint64_t sl = hdr->shard_len;
    uint8_t want[ZG_ERASURE_MAX_SHARDS] = {0};
    unsigned missing = 0;
    for (unsigned i = 0; i < k; i++)
        if (!shards[i]) want[i] = 1, missing++;

    uint8_t *o = out;
    if (!missing) { /* every data shard is here: no decoding */
        for (unsigned i = 0; i < n; i++)
            if (shards[i] && sizes && sizes[i] != sl)
                return seterr(ZG_EINVAL, "shard %u is %zu bytes, expected %llu", i, sizes[i], (unsigned long long)sl);
        for (unsigned i = 0; i < k; i++) {
            uint64_t lo = (uint64_t)i * sl;
            if (lo < hdr->length) memcpy(o + lo, shards[i], hdr->length - lo < sl ? hdr->length - lo : sl);
        }
        return ZG_OK;
    }
    pthread_mutex_lock(&e->mu);
    rc = rebuild(e, hdr, shards, sizes, want);
    for (unsigned i = 0; i < k && !rc; i++) {
        uint64_t lo = (uint64_t)i * sl;
        if (lo >= hdr->length) break;
        size_t len = hdr->length - lo < sl ? hdr->length - lo : sl;
        if (shards[i])
            memcpy(o + lo, shards[i], len);
        else
            rc = get(e, lo, o + lo, len);
    }
    pthread_mutex_unlock(&e->mu);
    return rc;
}

ZG_EXPORT int zg_erasure_repair(zg_erasure *e, const zg_erasure_header *hdr, const uint8_t *const *shards,
                                const size_t *sizes, uint8_t *const *rebuilt)
{
    errmsg[0] = 0;
    int rc = check_header(hdr);
    if (rc) return rc;
    if (!e || !shards || !rebuilt) return seterr(ZG_EINVAL, "zg_erasure_repair: NULL argument");
    unsigned n = hdr->k + hdr->m;
    uint8_t want[ZG_ERASURE_MAX_SHARDS] = {0};
    unsigned nwant = 0;
    for (unsigned i = 0; i < n; i++)
        if (!shards[i] && rebuilt[i]) want[i] = 1, nwant++;
    pthread_mutex_lock(&e->mu);
    rc = rebuild(e, hdr, shards, sizes, want); /* also checks sizes and counts when nwant is 0 */
    for (unsigned i = 0; i < n && !rc && nwant; i++)
        if (want[i]) rc = get(e, (uint64_t)i * hdr->shard_len, rebuilt[i], hdr->shard_len);
    pthread_mutex_unlock(&e->mu);
    return rc;
}

static void put_u64le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

ZG_EXPORT int zg_erasure_header_encode(const zg_erasure_header *h, uint8_t out[ZG_ERASURE_HEADER_SIZE])
{
    errmsg[0] = 0;
    int rc = check_header(h);
    if (rc) return rc;
    if (!out) return seterr(ZG_EINVAL, "output is NULL");
    memcpy(out, "ZGEC", 4);
    out[4] = h->version;
    out[5] = h->k;
    out[6] = h->m;
    out[7] = 0;
    put_u64le(out + 8, h->length);
    put_u64le(out + 16, h->shard_len);
    return ZG_OK;
}

ZG_EXPORT int zg_erasure_header_decode(const uint8_t *in, size_t len, zg_erasure_header *h)
{
    errmsg[0] = 0;
    if (!in || !h) return seterr(ZG_EINVAL, "NULL argument");
    if (len < ZG_ERASURE_HEADER_SIZE)
        return seterr(ZG_ECORRUPT, "erasure header is %zu bytes, need %d", len, ZG_ERASURE_HEADER_SIZE);
    if (memcmp(in, "ZGEC", 4) != 0) return seterr(ZG_ECORRUPT, "bad erasure header magic");
    if (in[7] != 0) return seterr(ZG_ECORRUPT, "erasure header reserved byte is not zero");
    zg_erasure_header t = {.version = in[4], .k = in[5], .m = in[6]};
    t.length = get_u64le(in + 8);
    t.shard_len = get_u64le(in + 16);
    int rc = check_header(&t);
    if (rc == ZG_ERANGE) {
        char why[sizeof errmsg];
        memcpy(why, errmsg, sizeof why);
        return seterr(ZG_ECORRUPT, "erasure header: %s", why);
    }
    if (rc) return rc;
    *h = t;
    return ZG_OK;
}
