/* zg/keccak.h — Ethereum's keccak-256 (original Keccak padding 0x01, not
 * SHA3-256's 0x06). */
#ifndef ZG_KECCAK_H
#define ZG_KECCAK_H
#include <stddef.h>
#include <stdint.h>
#include <zg/plugin.h>
#ifdef __cplusplus
extern "C" {
#endif

/* incremental hashing */
typedef struct zg_keccak_ctx {
    uint64_t st[25];
    size_t pos; /* bytes absorbed into the current block */
} zg_keccak_ctx;

ZG_EXPORT void zg_keccak256_init(zg_keccak_ctx *c);
ZG_EXPORT void zg_keccak256_update(zg_keccak_ctx *c, const void *data, size_t len);
/* writes the digest and re-initialises c */
ZG_EXPORT void zg_keccak256_final(zg_keccak_ctx *c, uint8_t out[32]);

/* one-shot */
ZG_EXPORT void zg_keccak256(const void *data, size_t len, uint8_t out[32]);

/* n inputs of len bytes each, laid out back to back at in (stride len);
 * out receives n digests of 32 bytes.  With len >= 32, out may be in itself:
 * one level of a binary merkle tree over n 32-byte hashes is
 * zg_keccak256_batch(h, 64, n / 2, h), in place. */
ZG_EXPORT void zg_keccak256_batch(const void *in, size_t len, size_t n, uint8_t *out);

/* Implementations are chosen at run time from the CPU, best first:
 *   "avx512"   batch: 8 inputs at a time in AVX-512F registers; scalar: bmi2
 *   "avx2"     batch: 4 inputs at a time in AVX2 registers;     scalar: bmi2
 *   "bmi2"     scalar permutation using BMI1/BMI2 (x86-64)
 *   "portable" plain C, any CPU
 * The environment variable ZG_KECCAK_IMPL=<name> overrides the automatic
 * choice (ignored when that implementation is unusable here). */
/* name of the implementation in use */
ZG_EXPORT const char *zg_keccak_impl(void);
/* idx-th implementation usable on this CPU, best first; NULL past the end */
ZG_EXPORT const char *zg_keccak_impl_name(int idx);
/* use the named implementation from now on (tests, benchmarks, debugging);
 * NULL restores the automatic choice.  ZG_EINVAL if unknown or unusable. */
ZG_EXPORT int zg_keccak_select(const char *name);

/* the raw permutation, for other sponge users */
ZG_EXPORT void zg_keccakf1600(uint64_t st[25]);

#ifdef __cplusplus
}
#endif
#endif
