/* Argument checking and RS matrices shared by the gpu backends. */
#include "config.h"
#include "gpucommon.h"

#include <isa-l/erasure_code.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *why, size_t n, const char *fmt, ...)
{
    if (why && n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, n, fmt, ap);
        va_end(ap);
    }
    return ZG_EINVAL;
}

/* end = off + (count-1)*stride + len, with overflow checks; count >= 1 */
static int span_end(uint64_t off, uint64_t count, uint64_t stride, uint64_t len, uint64_t *end)
{
    uint64_t a;
    if (__builtin_mul_overflow(count - 1, stride, &a)) return -1;
    if (__builtin_add_overflow(a, off, &a)) return -1;
    if (__builtin_add_overflow(a, len, &a)) return -1;
    *end = a;
    return 0;
}

/* Check that [off, end) lies in buffer b of dev. */
static int in_buf(zgg_bufsize_fn bs, void *dev, zg_gpu_buf *b, uint64_t off, uint64_t end,
                  const char *what, char *why, size_t n)
{
    uint64_t size;
    if (!b) return fail(why, n, "%s buffer is NULL", what);
    if (bs(dev, b, &size) != 0) return fail(why, n, "%s buffer belongs to another device", what);
    if (end < off || end > size)
        return fail(why, n, "%s range [%llu, %llu) exceeds the buffer (%llu bytes)", what,
                    (unsigned long long)off, (unsigned long long)end, (unsigned long long)size);
    return ZG_OK;
}

static int overlap(zg_gpu_buf *a, uint64_t a0, uint64_t a1, zg_gpu_buf *b, uint64_t b0, uint64_t b1)
{
    return a == b && a0 < b1 && b0 < a1;
}

#define ALIGNED(x) (((x) % ZG_GPU_ALIGN) == 0)

/* Copy the caller's args into a zeroed local of our size: a caller built
 * against an older (shorter) struct gets zero defaults, a newer one's extra
 * fields are ignored. */
static int take_args(const void *args, void *local, size_t size, size_t minsize, char *why, size_t n)
{
    memset(local, 0, size);
    if (!args) return fail(why, n, "args is NULL");
    uint32_t ss;
    memcpy(&ss, args, sizeof ss);
    if (ss < minsize) return fail(why, n, "args struct_size %u is too small", ss);
    memcpy(local, args, ss < size ? ss : size);
    return ZG_OK;
}

static zgg_gfmat *gfmat_new(unsigned nsrc, unsigned ndst)
{
    size_t sz = sizeof(zgg_gfmat) + sizeof(uint64_t) * (nsrc + ndst) + (size_t)nsrc * ndst;
    zgg_gfmat *g = calloc(1, sz);
    if (!g) return NULL;
    g->nsrc = nsrc;
    g->ndst = ndst;
    g->soff = (uint64_t *)(g + 1);
    g->doff = g->soff + nsrc;
    g->coef = (uint8_t *)(g->doff + ndst);
    return g;
}

static int check_km(uint32_t k, uint32_t m, char *why, size_t n)
{
    if (k < 1) return fail(why, n, "k must be at least 1");
    if ((uint64_t)k + m > ZG_GPU_RS_MAX_SHARDS)
        return fail(why, n, "k+m = %llu exceeds %d", (unsigned long long)k + m, ZG_GPU_RS_MAX_SHARDS);
    return ZG_OK;
}

static int prep_encode(const void *args, zgg_bufsize_fn bs, void *dev, zgg_op *out, char *why, size_t n)
{
    zg_gpu_rs_encode_args a;
    int rc = take_args(args, &a, sizeof a, sizeof a, why, n);
    if (rc) return rc;
    if ((rc = check_km(a.k, a.m, why, n))) return rc;
    uint64_t ds = a.data_stride ? a.data_stride : a.shard_len;
    uint64_t ps = a.parity_stride ? a.parity_stride : a.shard_len;
    if (!ALIGNED(a.data_off) || !ALIGNED(ds) || !ALIGNED(a.parity_off) || !ALIGNED(ps))
        return fail(why, n, "rs_encode offsets and strides must be multiples of %d", ZG_GPU_ALIGN);
    if (ds < a.shard_len || ps < a.shard_len) return fail(why, n, "rs_encode stride < shard_len");
    uint64_t dend, pend = a.parity_off;
    if (span_end(a.data_off, a.k, ds, a.shard_len, &dend))
        return fail(why, n, "rs_encode data range overflows");
    if ((rc = in_buf(bs, dev, a.data, a.data_off, dend, "data", why, n))) return rc;
    if (a.m) {
        if (span_end(a.parity_off, a.m, ps, a.shard_len, &pend))
            return fail(why, n, "rs_encode parity range overflows");
        if ((rc = in_buf(bs, dev, a.parity, a.parity_off, pend, "parity", why, n))) return rc;
        if (a.shard_len && overlap(a.data, a.data_off, dend, a.parity, a.parity_off, pend))
            return fail(why, n, "rs_encode parity overlaps data");
    }
    zgg_gfmat *g = gfmat_new(a.k, a.m);
    if (!g) return ZG_ENOMEM;
    g->len = a.shard_len;
    g->sbuf = a.data;
    g->dbuf = a.m ? a.parity : a.data;
    for (unsigned j = 0; j < a.k; j++) g->soff[j] = a.data_off + j * ds;
    for (unsigned p = 0; p < a.m; p++) g->doff[p] = a.parity_off + p * ps;
    if (a.m) zgg_rs_encode_matrix(a.k, a.m, g->coef);
    out->u.gf = g;
    return ZG_OK;
}

static int prep_reconstruct(const void *args, zgg_bufsize_fn bs, void *dev, zgg_op *out, char *why,
                            size_t n)
{
    zg_gpu_rs_reconstruct_args a;
    int rc = take_args(args, &a, sizeof a, sizeof a, why, n);
    if (rc) return rc;
    if ((rc = check_km(a.k, a.m, why, n))) return rc;
    if (!a.present) return fail(why, n, "rs_reconstruct: present is NULL");
    unsigned total = a.k + a.m, have = 0;
    for (unsigned i = 0; i < total; i++) have += a.present[i] != 0;
    if (have < a.k)
        return fail(why, n, "rs_reconstruct: %u of %u shards present, need %u", have, total, a.k);
    uint64_t st = a.stride ? a.stride : a.shard_len;
    if (!ALIGNED(a.off) || !ALIGNED(st))
        return fail(why, n, "rs_reconstruct offset and stride must be multiples of %d", ZG_GPU_ALIGN);
    if (st < a.shard_len) return fail(why, n, "rs_reconstruct stride < shard_len");
    uint64_t end;
    if (span_end(a.off, total, st, a.shard_len, &end))
        return fail(why, n, "rs_reconstruct range overflows");
    if ((rc = in_buf(bs, dev, a.shards, a.off, end, "shards", why, n))) return rc;

    uint8_t src[ZG_GPU_RS_MAX_SHARDS], dst[ZG_GPU_RS_MAX_SHARDS];
    uint8_t *coef = malloc((size_t)ZG_GPU_RS_MAX_SHARDS * a.k);
    if (!coef) return ZG_ENOMEM;
    int rows = zgg_rs_decode_matrix(a.k, a.m, a.present, a.want, src, dst, coef);
    if (rows < 0) {
        free(coef);
        return fail(why, n, "rs_reconstruct: singular decode matrix");
    }
    zgg_gfmat *g = gfmat_new(a.k, (unsigned)rows);
    if (!g) {
        free(coef);
        return ZG_ENOMEM;
    }
    g->len = a.shard_len;
    g->sbuf = g->dbuf = a.shards;
    for (unsigned j = 0; j < a.k; j++) g->soff[j] = a.off + src[j] * st;
    for (int r = 0; r < rows; r++) g->doff[r] = a.off + dst[r] * st;
    memcpy(g->coef, coef, (size_t)rows * a.k);
    free(coef);
    out->u.gf = g;
    return ZG_OK;
}

static int prep_keccak(const void *args, zgg_bufsize_fn bs, void *dev, zgg_op *out, char *why, size_t n)
{
    zg_gpu_keccak_args a;
    int rc = take_args(args, &a, sizeof a, sizeof a, why, n);
    if (rc) return rc;
    uint64_t st = a.in_stride ? a.in_stride : a.len;
    if (!ALIGNED(a.out_off)) return fail(why, n, "keccak out_off must be a multiple of %d", ZG_GPU_ALIGN);
    if (a.n) {
        if (st < a.len) return fail(why, n, "keccak in_stride < len");
        uint64_t iend, oend;
        if (span_end(a.in_off, a.n, st, a.len, &iend) || span_end(a.out_off, a.n, 32, 32, &oend))
            return fail(why, n, "keccak range overflows");
        if ((rc = in_buf(bs, dev, a.in, a.in_off, iend, "keccak input", why, n))) return rc;
        if ((rc = in_buf(bs, dev, a.out, a.out_off, oend, "keccak output", why, n))) return rc;
        if (a.len && overlap(a.in, a.in_off, iend, a.out, a.out_off, oend))
            return fail(why, n, "keccak output overlaps input");
    }
    out->u.keccak.in = a.in;
    out->u.keccak.out = a.out;
    out->u.keccak.in_off = a.in_off;
    out->u.keccak.out_off = a.out_off;
    out->u.keccak.n = a.n;
    out->u.keccak.len = a.len;
    out->u.keccak.stride = st;
    return ZG_OK;
}

static int prep_merkle(const void *args, zgg_bufsize_fn bs, void *dev, zgg_op *out, char *why, size_t n)
{
    zg_gpu_merkle_args a;
    int rc = take_args(args, &a, sizeof a, sizeof a, why, n);
    if (rc) return rc;
    if (a.n < 1) return fail(why, n, "merkle_level needs n >= 1");
    if (a.odd != ZG_GPU_MERKLE_ODD_PROMOTE && a.odd != ZG_GPU_MERKLE_ODD_DUPLICATE)
        return fail(why, n, "merkle_level: unknown odd mode %u", a.odd);
    if (!ALIGNED(a.in_off) || !ALIGNED(a.out_off))
        return fail(why, n, "merkle_level offsets must be multiples of %d", ZG_GPU_ALIGN);
    uint64_t nout = a.n / 2 + (a.n & 1), iend, oend;
    if (span_end(a.in_off, a.n, 32, 32, &iend) || span_end(a.out_off, nout, 32, 32, &oend))
        return fail(why, n, "merkle_level range overflows");
    if ((rc = in_buf(bs, dev, a.in, a.in_off, iend, "merkle input", why, n))) return rc;
    if ((rc = in_buf(bs, dev, a.out, a.out_off, oend, "merkle output", why, n))) return rc;
    if (overlap(a.in, a.in_off, iend, a.out, a.out_off, oend))
        return fail(why, n, "merkle_level output overlaps input");
    out->u.merkle.in = a.in;
    out->u.merkle.out = a.out;
    out->u.merkle.in_off = a.in_off;
    out->u.merkle.out_off = a.out_off;
    out->u.merkle.n = a.n;
    out->u.merkle.odd = a.odd;
    return ZG_OK;
}

static int prep_copy(const void *args, zgg_bufsize_fn bs, void *dev, zgg_op *out, char *why, size_t n)
{
    zg_gpu_copy_args a;
    int rc = take_args(args, &a, sizeof a, sizeof a, why, n);
    if (rc) return rc;
    uint64_t send, dend;
    if (__builtin_add_overflow(a.src_off, a.len, &send) || __builtin_add_overflow(a.dst_off, a.len, &dend))
        return fail(why, n, "copy range overflows");
    if ((rc = in_buf(bs, dev, a.src, a.src_off, send, "copy source", why, n))) return rc;
    if ((rc = in_buf(bs, dev, a.dst, a.dst_off, dend, "copy destination", why, n))) return rc;
    if (overlap(a.src, a.src_off, send, a.dst, a.dst_off, dend))
        return fail(why, n, "copy ranges overlap");
    out->u.copy.src = a.src;
    out->u.copy.dst = a.dst;
    out->u.copy.src_off = a.src_off;
    out->u.copy.dst_off = a.dst_off;
    out->u.copy.len = a.len;
    return ZG_OK;
}

int zgg_prepare(uint32_t op, const void *args, uint64_t supported, zgg_bufsize_fn bs, void *dev,
                zgg_op *out, char *why, size_t n)
{
    memset(out, 0, sizeof *out);
    if (why && n) why[0] = 0;
    if (op > ZG_GPU_OP_MAX || !(supported & (1ull << op))) {
        if (why && n)
            snprintf(why, n, "op %u (%s) is not supported by this backend", op,
                     zg_gpu_op_name((int)op) ? zg_gpu_op_name((int)op) : "unknown");
        return ZG_EUNSUPPORTED;
    }
    out->op = op;
    switch (op) {
    case ZG_GPU_OP_COPY: return prep_copy(args, bs, dev, out, why, n);
    case ZG_GPU_OP_RS_ENCODE: return prep_encode(args, bs, dev, out, why, n);
    case ZG_GPU_OP_RS_RECONSTRUCT: return prep_reconstruct(args, bs, dev, out, why, n);
    case ZG_GPU_OP_KECCAK256_BATCH: return prep_keccak(args, bs, dev, out, why, n);
    case ZG_GPU_OP_MERKLE_LEVEL: return prep_merkle(args, bs, dev, out, why, n);
    }
    return ZG_EUNSUPPORTED;
}

void zgg_op_clear(zgg_op *op)
{
    if (op->op == ZG_GPU_OP_RS_ENCODE || op->op == ZG_GPU_OP_RS_RECONSTRUCT) free(op->u.gf);
    memset(op, 0, sizeof *op);
}

void zgg_rs_encode_matrix(unsigned k, unsigned m, uint8_t *coef)
{
    unsigned char a[ZG_GPU_RS_MAX_SHARDS * ZG_GPU_RS_MAX_SHARDS];
    gf_gen_cauchy1_matrix(a, (int)(k + m), (int)k);
    memcpy(coef, a + (size_t)k * k, (size_t)m * k);
}

int zgg_rs_decode_matrix(unsigned k, unsigned m, const uint8_t *present, const uint8_t *want,
                         uint8_t *src, uint8_t *dst, uint8_t *coef)
{
    unsigned total = k + m, ns = 0;
    for (unsigned i = 0; i < total && ns < k; i++)
        if (present[i]) src[ns++] = (uint8_t)i;
    if (ns < k) return -1;
    /* generator rows of the chosen survivors, inverted: data = D * survivors */
    unsigned char *gen = malloc((size_t)total * k), *b = malloc((size_t)k * k), *d = malloc((size_t)k * k);
    int rows = -1;
    if (!gen || !b || !d) goto out;
    gf_gen_cauchy1_matrix(gen, (int)total, (int)k);
    for (unsigned r = 0; r < k; r++) memcpy(b + (size_t)r * k, gen + (size_t)src[r] * k, k);
    if (gf_invert_matrix(b, d, (int)k) != 0) goto out;
    rows = 0;
    for (unsigned i = 0; i < total; i++) {
        if (present[i] || (want && !want[i])) continue;
        uint8_t *row = coef + (size_t)rows * k;
        if (i < k) {
            memcpy(row, d + (size_t)i * k, k);
        } else { /* parity i = G[i] * data = (G[i] * D) * survivors */
            for (unsigned t = 0; t < k; t++) {
                unsigned char s = 0;
                for (unsigned c = 0; c < k; c++) s ^= gf_mul(gen[(size_t)i * k + c], d[(size_t)c * k + t]);
                row[t] = s;
            }
        }
        dst[rows++] = (uint8_t)i;
    }
out:
    free(gen);
    free(b);
    free(d);
    return rows;
}

int zgg_nproc(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}
