/* precompiles.c — the Cancun precompiled contracts 0x01..0x0a.
 *
 *   0x01 ecrecover      libsecp256k1 through zg/secp.h
 *   0x02 sha256         OpenSSL
 *   0x03 ripemd160      OpenSSL EVP (legacy provider loaded if needed)
 *   0x04 identity
 *   0x05 modexp         OpenSSL BN_mod_exp, EIP-2565 pricing
 *   0x06-0x08 bn254     hook: zg/bn254.h from the support library
 *   0x09 blake2f        EIP-152 compression function
 *   0x0a point eval.    hook: zg/kzg.h from the support library
 *
 * Each takes the input and the gas, returns EVM_OK (gas reduced, output in
 * a buffer the executor reuses: callers copy it at once) or an error, which
 * the message layer turns into an exceptional halt consuming all the gas. */
#include "config.h"
#include <pthread.h>
#include <stdlib.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/sha.h>
#include <zg/secp.h>
#include "evm.h"

#if defined(__has_include)
#if __has_include(<zg/bn254.h>)
#include <zg/bn254.h>
#define ZG_EVM_HAVE_BN254 1
#endif
#if __has_include(<zg/kzg.h>)
#include <zg/kzg.h>
#define ZG_EVM_HAVE_KZG 1
#endif
#endif

/* output buffer: small outputs reuse one per executor, larger ones come
 * from the transaction's arena */
static uint8_t *out_buf(evm_exec *ex, size_t n)
{
    if (n <= sizeof ex->pc_small) return ex->pc_small;
    return evm_arena_alloc(ex, n);
}

static inline uint64_t words(uint64_t n) { return (n + 31) / 32; }

static inline int charge(int64_t *gas, uint64_t cost)
{
    if (cost > (uint64_t)*gas) return ZG_EXEC_ERR_OUT_OF_GAS;
    *gas -= (int64_t)cost;
    return EVM_OK;
}

/* n bytes of in[off..] into dst, zero-filled past len */
static void read_padded(const uint8_t *in, size_t len, uint64_t off, size_t n, uint8_t *dst)
{
    size_t k = 0;
    if (off < len) {
        k = len - (size_t)off;
        if (k > n) k = n;
        memcpy(dst, in + off, k);
    }
    if (k < n) memset(dst + k, 0, n - k);
}

/* ---------------------------------------------------------------- 0x01 */
static int pc_ecrecover(evm_exec *ex, const uint8_t *in, size_t len, int64_t *gas, uint8_t **out,
                        size_t *out_len)
{
    int st = charge(gas, 3000);
    if (st) return st;
    uint8_t b[128];
    read_padded(in, len, 0, 128, b);
    *out_len = 0;
    for (int i = 32; i < 63; i++)
        if (b[i]) return EVM_OK;
    if (b[63] != 27 && b[63] != 28) return EVM_OK;
    uint8_t addr[20];
    if (zg_secp_recover_address(b, b[63] - 27, b + 64, b + 96, addr) != ZG_OK) return EVM_OK;
    uint8_t *o = out_buf(ex, 32);
    if (!o) return ZG_EXEC_ERR_OUT_OF_GAS;
    memset(o, 0, 12);
    memcpy(o + 12, addr, 20);
    *out = o;
    *out_len = 32;
    return EVM_OK;
}

/* ---------------------------------------------------------------- 0x02 */
static int pc_sha256(evm_exec *ex, const uint8_t *in, size_t len, int64_t *gas, uint8_t **out,
                     size_t *out_len)
{
    int st = charge(gas, 60 + 12 * words(len));
    if (st) return st;
    uint8_t *o = out_buf(ex, 32);
    if (!o) return ZG_EXEC_ERR_OUT_OF_GAS;
    static const uint8_t empty = 0;
    SHA256(len ? in : &empty, len, o);
    *out = o;
    *out_len = 32;
    return EVM_OK;
}

/* ---------------------------------------------------------------- 0x03 */
static EVP_MD *ripemd_md;
static pthread_once_t ripemd_once = PTHREAD_ONCE_INIT;

static void ripemd_init(void)
{
    ripemd_md = EVP_MD_fetch(NULL, "RIPEMD160", NULL);
    if (!ripemd_md) {
        /* older OpenSSL 3 releases keep it in the legacy provider only */
        OSSL_PROVIDER_load(NULL, "legacy");
        OSSL_PROVIDER_load(NULL, "default");
        ripemd_md = EVP_MD_fetch(NULL, "RIPEMD160", NULL);
    }
}

static int pc_ripemd(evm_exec *ex, const uint8_t *in, size_t len, int64_t *gas, uint8_t **out,
                     size_t *out_len)
{
    int st = charge(gas, 600 + 120 * words(len));
    if (st) return st;
    pthread_once(&ripemd_once, ripemd_init);
    uint8_t *o = out_buf(ex, 32);
    if (!o || !ripemd_md) return ZG_EXEC_ERR_PRECOMPILE;
    unsigned int dl = 0;
    static const uint8_t empty = 0;
    memset(o, 0, 12);
    if (!EVP_Digest(len ? in : &empty, len, o + 12, &dl, ripemd_md, NULL) || dl != 20)
        return ZG_EXEC_ERR_PRECOMPILE;
    *out = o;
    *out_len = 32;
    return EVM_OK;
}

/* ---------------------------------------------------------------- 0x04 */
static int pc_identity(evm_exec *ex, const uint8_t *in, size_t len, int64_t *gas, uint8_t **out,
                       size_t *out_len)
{
    (void)ex;
    int st = charge(gas, 15 + 3 * words(len));
    if (st) return st;
    *out = (uint8_t *)(uintptr_t)in; /* the caller copies before anything changes it */
    *out_len = len;
    return EVM_OK;
}

/* ---------------------------------------------------------------- 0x05 */
/* a 32-byte big-endian length, saturated to 2^40 (anything that large
 * costs more gas than exists) */
static uint64_t len_field(const uint8_t b[32])
{
    for (int i = 0; i < 27; i++)
        if (b[i]) return 1ULL << 40;
    uint64_t v = 0;
    for (int i = 27; i < 32; i++) v = (v << 8) | b[i];
    return v > (1ULL << 40) ? 1ULL << 40 : v;
}

static unsigned bitlen_be(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i]) return (unsigned)((n - i - 1) * 8 + (8 - __builtin_clz(b[i]) + 24));
    return 0;
}

static int pc_modexp(evm_exec *ex, const uint8_t *in, size_t len, int64_t *gas, uint8_t **out,
                     size_t *out_len)
{
    uint8_t hdr[96];
    read_padded(in, len, 0, 96, hdr);
    uint64_t blen = len_field(hdr), elen = len_field(hdr + 32), mlen = len_field(hdr + 64);
    /* EIP-2565 */
    uint64_t maxlen = blen > mlen ? blen : mlen;
    zg_u128_t w = (maxlen + 7) / 8;
    zg_u128_t mult = w * w;
    uint8_t head[32];
    size_t hl = elen < 32 ? (size_t)elen : 32;
    read_padded(in, len, 96 + blen, hl, head);
    unsigned hb = bitlen_be(head, hl);
    zg_u128_t iters;
    if (elen <= 32)
        iters = hb ? hb - 1 : 0;
    else
        iters = (zg_u128_t)8 * (elen - 32) + (hb ? hb - 1 : 0);
    if (iters < 1) iters = 1;
    zg_u128_t g = mult * iters / 3;
    if (g < 200) g = 200;
    if (g > (zg_u128_t)*gas) return ZG_EXEC_ERR_OUT_OF_GAS;
    *gas -= (int64_t)g;

    *out_len = (size_t)mlen;
    if (mlen == 0) return EVM_OK;
    if (blen + elen + mlen > (1ULL << 31)) return ZG_EXEC_ERR_PRECOMPILE;
    uint8_t *o = out_buf(ex, (size_t)mlen);
    uint8_t *tmp = malloc((size_t)(blen + elen + mlen) + 1);
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *b = BN_new(), *e = BN_new(), *m = BN_new(), *r = BN_new();
    int st = ZG_EXEC_ERR_PRECOMPILE;
    if (!o || !tmp || !ctx || !b || !e || !m || !r) goto done;
    read_padded(in, len, 96, (size_t)(blen + elen + mlen), tmp);
    if (!BN_bin2bn(tmp, (int)blen, b) || !BN_bin2bn(tmp + blen, (int)elen, e) ||
        !BN_bin2bn(tmp + blen + elen, (int)mlen, m))
        goto done;
    memset(o, 0, (size_t)mlen);
    if (!BN_is_zero(m)) {
        if (!BN_mod_exp(r, b, e, m, ctx)) goto done;
        if (BN_bn2binpad(r, o, (int)mlen) < 0) goto done;
    }
    *out = o;
    st = EVM_OK;
done:
    BN_free(b);
    BN_free(e);
    BN_free(m);
    BN_free(r);
    BN_CTX_free(ctx);
    free(tmp);
    return st;
}

/* ---------------------------------------------------------------- 0x09 */
static const uint64_t blake2b_iv[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};
static const uint8_t blake2b_sigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

static inline uint64_t rotr64(uint64_t x, int n) { return (x >> n) | (x << (64 - n)); }
static inline uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

/* BLAKE2b F with up to 2^32-1 rounds (one fixture asks for all of them):
 * the state lives in 16 locals and each of the 10 message schedules is a
 * separate unrolled round, so nothing is indexed at run time. */
#define B2_G(a, b, c, d, x, y)                                                         \
    do {                                                                               \
        a = a + b + (x);                                                               \
        d = rotr64(d ^ a, 32);                                                         \
        c = c + d;                                                                     \
        b = rotr64(b ^ c, 24);                                                         \
        a = a + b + (y);                                                               \
        d = rotr64(d ^ a, 16);                                                         \
        c = c + d;                                                                     \
        b = rotr64(b ^ c, 63);                                                         \
    } while (0)
#define B2_S(r, i) m[blake2b_sigma[r][i]]
#define B2_ROUND(r)                                                                    \
    do {                                                                               \
        B2_G(v0, v4, v8, v12, B2_S(r, 0), B2_S(r, 1));                                 \
        B2_G(v1, v5, v9, v13, B2_S(r, 2), B2_S(r, 3));                                 \
        B2_G(v2, v6, v10, v14, B2_S(r, 4), B2_S(r, 5));                                \
        B2_G(v3, v7, v11, v15, B2_S(r, 6), B2_S(r, 7));                                \
        B2_G(v0, v5, v10, v15, B2_S(r, 8), B2_S(r, 9));                                \
        B2_G(v1, v6, v11, v12, B2_S(r, 10), B2_S(r, 11));                              \
        B2_G(v2, v7, v8, v13, B2_S(r, 12), B2_S(r, 13));                               \
        B2_G(v3, v4, v9, v14, B2_S(r, 14), B2_S(r, 15));                               \
    } while (0)

static void blake2b_f(uint64_t h[8], const uint64_t m[16], uint64_t t0, uint64_t t1, int last,
                      uint32_t rounds)
{
    uint64_t v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
    uint64_t v8 = blake2b_iv[0], v9 = blake2b_iv[1], v10 = blake2b_iv[2], v11 = blake2b_iv[3];
    uint64_t v12 = blake2b_iv[4] ^ t0, v13 = blake2b_iv[5] ^ t1;
    uint64_t v14 = last ? ~blake2b_iv[6] : blake2b_iv[6], v15 = blake2b_iv[7];
    uint32_t r = 0;
    for (; rounds - r >= 10; r += 10) {
        B2_ROUND(0); B2_ROUND(1); B2_ROUND(2); B2_ROUND(3); B2_ROUND(4);
        B2_ROUND(5); B2_ROUND(6); B2_ROUND(7); B2_ROUND(8); B2_ROUND(9);
    }
    for (unsigned i = 0; r < rounds; r++, i++) {
        switch (i) {
        case 0: B2_ROUND(0); break;
        case 1: B2_ROUND(1); break;
        case 2: B2_ROUND(2); break;
        case 3: B2_ROUND(3); break;
        case 4: B2_ROUND(4); break;
        case 5: B2_ROUND(5); break;
        case 6: B2_ROUND(6); break;
        case 7: B2_ROUND(7); break;
        default: B2_ROUND(8); break; /* at most 9 remain */
        }
    }
    h[0] ^= v0 ^ v8, h[1] ^= v1 ^ v9, h[2] ^= v2 ^ v10, h[3] ^= v3 ^ v11;
    h[4] ^= v4 ^ v12, h[5] ^= v5 ^ v13, h[6] ^= v6 ^ v14, h[7] ^= v7 ^ v15;
}

static int pc_blake2f(evm_exec *ex, const uint8_t *in, size_t len, int64_t *gas, uint8_t **out,
                      size_t *out_len)
{
    if (len != 213) return ZG_EXEC_ERR_PRECOMPILE;
    uint32_t rounds = (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
    int st = charge(gas, rounds);
    if (st) return st;
    if (in[212] > 1) return ZG_EXEC_ERR_PRECOMPILE;
    uint64_t h[8], m[16];
    for (int i = 0; i < 8; i++) h[i] = load_le64(in + 4 + 8 * i);
    for (int i = 0; i < 16; i++) m[i] = load_le64(in + 68 + 8 * i);
    blake2b_f(h, m, load_le64(in + 196), load_le64(in + 204), in[212], rounds);
    uint8_t *o = out_buf(ex, 64);
    if (!o) return ZG_EXEC_ERR_OUT_OF_GAS;
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 8; k++) o[8 * i + k] = (uint8_t)(h[i] >> (8 * k));
    *out = o;
    *out_len = 64;
    return EVM_OK;
}

/* ------------------------------------------------- hooks: bn254 and kzg */
/* stands in for a curve the support library does not provide: the call
 * fails like an invalid input */
__attribute__((unused)) static int pc_missing(evm_exec *ex, const uint8_t *in, size_t len, int64_t *gas,
                                              uint8_t **out, size_t *out_len)
{
    (void)ex, (void)in, (void)len, (void)gas, (void)out, (void)out_len;
    return ZG_EXEC_ERR_PRECOMPILE;
}

#ifdef ZG_EVM_HAVE_BN254
/* EIP-196/197 with EIP-1108 prices */
static int pc_bn254_add(evm_exec *ex, const uint8_t *in, size_t len, int64_t *gas, uint8_t **out,
                        size_t *out_len)
{
    int st = charge(gas, 150);
    if (st) return st;
    uint8_t b[128], *o = out_buf(ex, 64);
    read_padded(in, len, 0, sizeof b, b);
    if (!o || zg_bn254_add(b, o) != 0) return ZG_EXEC_ERR_PRECOMPILE;
    *out = o;
    *out_len = 64;
    return EVM_OK;
}

static int pc_bn254_mul(evm_exec *ex, const uint8_t *in, size_t len, int64_t *gas, uint8_t **out,
                        size_t *out_len)
{
    int st = charge(gas, 6000);
    if (st) return st;
    uint8_t b[96], *o = out_buf(ex, 64);
    read_padded(in, len, 0, sizeof b, b);
    if (!o || zg_bn254_mul(b, o) != 0) return ZG_EXEC_ERR_PRECOMPILE;
    *out = o;
    *out_len = 64;
    return EVM_OK;
}

static int pc_bn254_pairing(evm_exec *ex, const uint8_t *in, size_t len, int64_t *gas, uint8_t **out,
                            size_t *out_len)
{
    int st = charge(gas, 45000 + 34000 * (uint64_t)(len / 192));
    if (st) return st;
    uint8_t *o = out_buf(ex, 32);
    if (!o || len % 192 || zg_bn254_pairing(len ? in : (const uint8_t *)"", len, o) != 0)
        return ZG_EXEC_ERR_PRECOMPILE;
    *out = o;
    *out_len = 32;
    return EVM_OK;
}
#else
#define pc_bn254_add pc_missing
#define pc_bn254_mul pc_missing
#define pc_bn254_pairing pc_missing
#endif

#ifdef ZG_EVM_HAVE_KZG
/* EIP-4844 point evaluation: exactly 192 bytes, 50000 gas */
static int pc_point_eval(evm_exec *ex, const uint8_t *in, size_t len, int64_t *gas, uint8_t **out,
                         size_t *out_len)
{
    int st = charge(gas, 50000);
    if (st) return st;
    uint8_t *o = out_buf(ex, 64);
    if (!o || len != 192 || zg_kzg_point_evaluation(in, o) != ZG_OK) return ZG_EXEC_ERR_PRECOMPILE;
    *out = o;
    *out_len = 64;
    return EVM_OK;
}
#else
#define pc_point_eval pc_missing
#endif

typedef int (*pc_fn)(evm_exec *, const uint8_t *, size_t, int64_t *, uint8_t **, size_t *);
static const pc_fn precompiles[11] = {
    NULL,        pc_ecrecover, pc_sha256,        pc_ripemd,  pc_identity,  pc_modexp,
    pc_bn254_add, pc_bn254_mul, pc_bn254_pairing, pc_blake2f, pc_point_eval,
};

int evm_precompile(evm_exec *ex, int id, const uint8_t *in, size_t len, int64_t *gas, uint8_t **out,
                   size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (id < 1 || id > 10) return ZG_EXEC_ERR_PRECOMPILE;
    return precompiles[id](ex, in, len, gas, out, out_len);
}
