/* zg/erasure.h — erasure coding of whole buffers for storage and DA, on top of
 * a gpu backend (zg/gpu.h: the cpu plugin, vulkan, ...).
 *
 * A buffer of `length` bytes (any length, 0 included) becomes k data shards
 * and m parity shards of shard_len bytes each:
 *
 *     shard_len = max(ZG_ERASURE_ALIGN, round_up(ceil(length / k), ZG_ERASURE_ALIGN))
 *
 * The input is zero-padded to k * shard_len bytes and cut in order: data
 * shard i holds padded bytes [i*shard_len, (i+1)*shard_len).  Parity shards
 * follow the Reed–Solomon convention of zg/gpu.h (GF(2^8), ISA-L Cauchy
 * generator), so any k of the k+m shards give back the original bytes.  The
 * original length, k, m and shard_len travel in a zg_erasure_header, which
 * has a fixed 24-byte serialized form:
 *
 *     "ZGEC" | version (1) | k | m | 0 | length (u64 LE) | shard_len (u64 LE)
 *
 * Errors: functions return ZG_OK or a negative zg status —
 *   ZG_ERANGE    k < 1 or k+m > 255
 *   ZG_EINVAL    NULL arguments, shard buffers whose sizes differ from
 *                shard_len, an output buffer too small
 *   ZG_ECORRUPT  fewer than k shards present (unrecoverable), or a header
 *                that fails its checks
 *   others       from the gpu backend (ZG_ENOMEM, ZG_EIO, ...)
 * and zg_erasure_error() gives a sentence for the last failure in the calling
 * thread.
 *
 * A zg_erasure context may be used from several threads (calls are
 * serialised on its device).
 */
#ifndef ZG_ERASURE_H
#define ZG_ERASURE_H
#include <stddef.h>
#include <stdint.h>
#include <zg/gpu.h>
#include <zg/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZG_ERASURE_ALIGN 64
#define ZG_ERASURE_MAX_SHARDS 255
#define ZG_ERASURE_VERSION 1
#define ZG_ERASURE_HEADER_SIZE 24

typedef struct zg_erasure_header {
    uint8_t version; /* ZG_ERASURE_VERSION */
    uint8_t k, m;    /* data and parity shard counts */
    uint64_t length; /* original length in bytes */
    uint64_t shard_len;
} zg_erasure_header;

typedef struct zg_erasure zg_erasure;

/* Open device `device` (-1: the plugin's configured default) of the gpu
 * plugin (iface, state), e.g. from host->plugin_find(ctx, ZG_KIND_GPU, ...).
 * The plugin must outlive the context. */
ZG_EXPORT int zg_erasure_new(const zg_gpu_iface *iface, void *state, int device, zg_erasure **out);
ZG_EXPORT void zg_erasure_free(zg_erasure *e);

/* shard_len for `length` bytes over k data shards (0 if k is 0) */
ZG_EXPORT uint64_t zg_erasure_shard_len(uint64_t length, unsigned k);

/* Encode data[0..length) into k+m shards: shards[i] (i < k+m) are caller
 * buffers of shard_size bytes each, which must equal zg_erasure_shard_len().
 * hdr (may be NULL) receives the header. */
ZG_EXPORT int zg_erasure_encode(zg_erasure *e, unsigned k, unsigned m, const void *data, size_t length,
                                uint8_t *const *shards, size_t shard_size, zg_erasure_header *hdr);

/* Rebuild the original bytes from any k shards.  shards[i] (i < k+m) is shard
 * i or NULL when missing; sizes[i] its size (each present one must equal
 * hdr->shard_len; sizes NULL: not checked).  out receives hdr->length bytes
 * (out_size must be at least that). */
ZG_EXPORT int zg_erasure_reconstruct(zg_erasure *e, const zg_erasure_header *hdr,
                                     const uint8_t *const *shards, const size_t *sizes, void *out,
                                     size_t out_size);

/* Rebuild missing shards (for re-replication): for every i with shards[i] ==
 * NULL and rebuilt[i] != NULL, rebuilt[i] (hdr->shard_len bytes) receives
 * shard i. */
ZG_EXPORT int zg_erasure_repair(zg_erasure *e, const zg_erasure_header *hdr,
                                const uint8_t *const *shards, const size_t *sizes,
                                uint8_t *const *rebuilt);

/* Header (de)serialization; decode checks magic, version, k, m and that
 * shard_len matches length.  Return ZG_OK or ZG_ECORRUPT / ZG_EINVAL. */
ZG_EXPORT int zg_erasure_header_encode(const zg_erasure_header *h, uint8_t out[ZG_ERASURE_HEADER_SIZE]);
ZG_EXPORT int zg_erasure_header_decode(const uint8_t *in, size_t len, zg_erasure_header *h);

/* The last failure in this thread, as a sentence ("" if none). */
ZG_EXPORT const char *zg_erasure_error(void);

#ifdef __cplusplus
}
#endif
#endif
