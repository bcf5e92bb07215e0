/* secp.c — Ethereum ECDSA on libsecp256k1 (no curve arithmetic here).
 *
 * Signing uses one context, created on first use and randomised (blinding
 * against side channels); it is never modified afterwards, so concurrent
 * signers may share it.  Public-key-only operations (recover, verify) use
 * libsecp256k1's static context. */
#include "config.h"
#include <pthread.h>
#include <string.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <zg/keccak.h>
#include <zg/secp.h>

ZG_EXPORT const uint8_t zg_secp_n[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
ZG_EXPORT const uint8_t zg_secp_half_n[32] = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

static secp256k1_context *sign_ctx;
static pthread_once_t sign_once = PTHREAD_ONCE_INIT;

static void sign_ctx_init(void)
{
    secp256k1_context *c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    uint8_t seed[32];
    /* blinding only hardens against side channels; without entropy the
     * context still signs correctly */
    if (c && RAND_bytes(seed, sizeof seed) == 1 && !secp256k1_context_randomize(c, seed)) {
        /* randomize only fails on a context that cannot sign: drop it */
        secp256k1_context_destroy(c);
        c = NULL;
    }
    memset(seed, 0, sizeof seed);
    sign_ctx = c;
}

static const secp256k1_context *signer(void)
{
    pthread_once(&sign_once, sign_ctx_init);
    return sign_ctx;
}

static int is_zero32(const uint8_t x[32])
{
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++) acc |= x[i];
    return acc == 0;
}

ZG_EXPORT int zg_secp_scalar_valid(const uint8_t x[32]) { return !is_zero32(x) && memcmp(x, zg_secp_n, 32) < 0; }

ZG_EXPORT int zg_secp_s_is_low(const uint8_t s[32]) { return memcmp(s, zg_secp_half_n, 32) <= 0; }

ZG_EXPORT int zg_secp_rs_valid(const uint8_t r[32], const uint8_t s[32], int require_low_s)
{
    if (!zg_secp_scalar_valid(r) || !zg_secp_scalar_valid(s)) return 0;
    return !require_low_s || zg_secp_s_is_low(s);
}

ZG_EXPORT int zg_secp_sign(const uint8_t hash[32], const uint8_t seckey[32], uint8_t r[32], uint8_t s[32],
                           int *recid)
{
    const secp256k1_context *ctx = signer();
    secp256k1_ecdsa_recoverable_signature sig;
    uint8_t rs[64];
    int id;
    if (!ctx) return ZG_ENOMEM;
    if (!zg_secp_scalar_valid(seckey)) return ZG_EINVAL;
    /* NULL nonce function: RFC 6979 with HMAC-SHA256, as Ethereum clients do */
    if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, hash, seckey, NULL, NULL)) return ZG_EINVAL;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, rs, &id, &sig);
    memcpy(r, rs, 32);
    memcpy(s, rs + 32, 32);
    *recid = id;
    return ZG_OK;
}

ZG_EXPORT int zg_secp_recover(const uint8_t hash[32], int recid, const uint8_t r[32], const uint8_t s[32],
                              uint8_t pub[64])
{
    const secp256k1_context *ctx = secp256k1_context_static;
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_pubkey pk;
    uint8_t rs[64], out[65];
    size_t outlen = sizeof out;
    if (recid < 0 || recid > 3 || !zg_secp_rs_valid(r, s, 0)) return ZG_EINVAL;
    memcpy(rs, r, 32);
    memcpy(rs + 32, s, 32);
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, rs, recid)) return ZG_EINVAL;
    if (!secp256k1_ecdsa_recover(ctx, &pk, &sig, hash)) return ZG_EINVAL;
    secp256k1_ec_pubkey_serialize(ctx, out, &outlen, &pk, SECP256K1_EC_UNCOMPRESSED);
    memcpy(pub, out + 1, 64);
    return ZG_OK;
}

ZG_EXPORT void zg_secp_pubkey_address(const uint8_t pub[64], uint8_t addr[20])
{
    uint8_t h[32];
    zg_keccak256(pub, 64, h);
    memcpy(addr, h + 12, 20);
}

ZG_EXPORT int zg_secp_recover_address(const uint8_t hash[32], int recid, const uint8_t r[32],
                                      const uint8_t s[32], uint8_t addr[20])
{
    uint8_t pub[64];
    int rc = zg_secp_recover(hash, recid, r, s, pub);
    if (rc == ZG_OK) zg_secp_pubkey_address(pub, addr);
    return rc;
}

ZG_EXPORT int zg_secp_verify(const uint8_t hash[32], const uint8_t r[32], const uint8_t s[32],
                             const uint8_t pub[64])
{
    const secp256k1_context *ctx = secp256k1_context_static;
    secp256k1_ecdsa_signature sig;
    secp256k1_pubkey pk;
    uint8_t buf[65];
    if (!zg_secp_rs_valid(r, s, 1)) return 0;
    memcpy(buf, r, 32);
    memcpy(buf + 32, s, 32);
    if (!secp256k1_ecdsa_signature_parse_compact(ctx, &sig, buf)) return 0;
    buf[0] = 0x04;
    memcpy(buf + 1, pub, 64);
    if (!secp256k1_ec_pubkey_parse(ctx, &pk, buf, 65)) return 0;
    return secp256k1_ecdsa_verify(ctx, &sig, hash, &pk) == 1;
}

ZG_EXPORT int zg_secp_pubkey(const uint8_t seckey[32], uint8_t pub[64])
{
    const secp256k1_context *ctx = signer();
    secp256k1_pubkey pk;
    uint8_t out[65];
    size_t outlen = sizeof out;
    if (!ctx) return ZG_ENOMEM;
    if (!zg_secp_scalar_valid(seckey) || !secp256k1_ec_pubkey_create(ctx, &pk, seckey)) return ZG_EINVAL;
    secp256k1_ec_pubkey_serialize(ctx, out, &outlen, &pk, SECP256K1_EC_UNCOMPRESSED);
    memcpy(pub, out + 1, 64);
    return ZG_OK;
}

ZG_EXPORT int zg_secp_address(const uint8_t seckey[32], uint8_t addr[20])
{
    uint8_t pub[64];
    int rc = zg_secp_pubkey(seckey, pub);
    if (rc == ZG_OK) zg_secp_pubkey_address(pub, addr);
    return rc;
}
