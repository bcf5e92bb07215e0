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
ZG_EXPORT void zg_keccak256_final(zg_keccak_ctx *c, uint8_t out[32]);

/* one-shot */
ZG_EXPORT void zg_keccak256(const void *data, size_t len, uint8_t out[32]);

/* n inputs of len bytes each, laid out back to back at in (stride len);
 * out receives n digests of 32 bytes. */
ZG_EXPORT void zg_keccak256_batch(const void *in, size_t len, size_t n, uint8_t *out);

/* the raw permutation, for other sponge users */
ZG_EXPORT void zg_keccakf1600(uint64_t st[25]);

#ifdef __cplusplus
}
#endif
#endif
