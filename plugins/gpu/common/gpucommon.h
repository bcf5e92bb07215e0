/* plugins/gpu/common — code shared by the gpu backends (not installed):
 * argument checking, so that every backend accepts and refuses exactly the
 * same ops, and the Reed–Solomon coefficient matrices (ISA-L's Cauchy
 * convention, see zg/gpu.h), so that every backend computes the same bytes. */
#ifndef ZG_GPU_COMMON_H
#define ZG_GPU_COMMON_H
#include <zg/gpu.h>

/* Size of buffer b if it belongs to dev (return 0), else return -1. */
typedef int (*zgg_bufsize_fn)(void *dev, zg_gpu_buf *b, uint64_t *size);

/* A GF(2^8) matrix application: dst[r] = XOR_j coef[r*nsrc + j] * src[j],
 * byte by byte over len bytes.  Both rs ops reduce to this. */
typedef struct zgg_gfmat {
    unsigned nsrc, ndst;
    uint64_t len;
    zg_gpu_buf *sbuf, *dbuf;
    uint64_t *soff; /* nsrc byte offsets into sbuf */
    uint64_t *doff; /* ndst byte offsets into dbuf */
    uint8_t *coef;  /* ndst x nsrc, row-major */
} zgg_gfmat;

/* An op after checking, with defaults applied. */
typedef struct zgg_op {
    uint32_t op;
    union {
        struct {
            zg_gpu_buf *src, *dst;
            uint64_t src_off, dst_off, len;
        } copy;
        zgg_gfmat *gf; /* RS_ENCODE / RS_RECONSTRUCT; owned */
        struct {
            zg_gpu_buf *in, *out;
            uint64_t in_off, out_off, n, len, stride;
        } keccak;
        struct {
            zg_gpu_buf *in, *out;
            uint64_t in_off, out_off, n;
            uint32_t odd;
        } merkle;
    } u;
} zgg_op;

/* Check op/args against the rules of zg/gpu.h and fill *out.  Returns ZG_OK,
 * ZG_EINVAL (why says what is wrong), ZG_EUNSUPPORTED for an op code not in
 * the supported mask, or ZG_ENOMEM.  Release with zgg_op_clear(). */
int zgg_prepare(uint32_t op, const void *args, uint64_t supported, zgg_bufsize_fn bufsize,
                void *dev, zgg_op *out, char *why, size_t whylen);
void zgg_op_clear(zgg_op *op);

/* The ops every backend here runs. */
#define ZGG_OPS_STORAGE                                                                     \
    ((1ull << ZG_GPU_OP_COPY) | (1ull << ZG_GPU_OP_RS_ENCODE) |                             \
     (1ull << ZG_GPU_OP_RS_RECONSTRUCT) | (1ull << ZG_GPU_OP_KECCAK256_BATCH) |             \
     (1ull << ZG_GPU_OP_MERKLE_LEVEL))

/* Parity rows of the generator (m x k) */
void zgg_rs_encode_matrix(unsigned k, unsigned m, uint8_t *coef);

/* Decode rows: src[0..k-1] receives the first k present shard indices; for
 * each wanted missing index (ascending), dst[r] is the index and coef row r
 * (over the k sources) rebuilds it.  Returns the number of rows, or -1 if
 * fewer than k shards are present. */
int zgg_rs_decode_matrix(unsigned k, unsigned m, const uint8_t *present, const uint8_t *want,
                         uint8_t *src, uint8_t *dst, uint8_t *coef);

/* Number of online CPUs (>= 1) */
int zgg_nproc(void);
#endif
