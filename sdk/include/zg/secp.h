/* zg/secp.h — secp256k1 ECDSA the Ethereum way, on libsecp256k1.
 *
 * Signatures are (r, s, recid) with r and s as 32-byte big-endian integers
 * and recid in 0..3 (Ethereum's y-parity / v is derived from it by the
 * transaction layer).  Public keys are the 64-byte uncompressed point X||Y
 * (the 0x04 prefix dropped); an address is the last 20 bytes of
 * keccak256(X||Y).  Signing is deterministic (RFC 6979) and always yields a
 * low s (s <= n/2, EIP-2). */
#ifndef ZG_SECP_H
#define ZG_SECP_H
#include <stddef.h>
#include <stdint.h>
#include <zg/plugin.h>
#ifdef __cplusplus
extern "C" {
#endif

/* the group order n and n/2, big-endian */
ZG_EXPORT extern const uint8_t zg_secp_n[32];
ZG_EXPORT extern const uint8_t zg_secp_half_n[32];

/* 1 when 0 < x < n (valid secret key, valid r or s) */
ZG_EXPORT int zg_secp_scalar_valid(const uint8_t x[32]);
/* 1 when s <= n/2 (EIP-2 low-s; says nothing about s == 0) */
ZG_EXPORT int zg_secp_s_is_low(const uint8_t s[32]);
/* 1 when r and s are in [1, n-1] and, if require_low_s, s <= n/2 */
ZG_EXPORT int zg_secp_rs_valid(const uint8_t r[32], const uint8_t s[32], int require_low_s);

/* Sign a 32-byte message hash: r, s (low s) and the recovery id (0..3).
 * ZG_EINVAL for an invalid secret key. */
ZG_EXPORT int zg_secp_sign(const uint8_t hash[32], const uint8_t seckey[32], uint8_t r[32], uint8_t s[32],
                           int *recid);

/* Recover the signer's public key.  ZG_EINVAL when r or s is outside
 * [1, n-1], recid is not 0..3, or no point recovers (e.g. r is not an x
 * coordinate).  High s is accepted here: callers that follow EIP-2 check
 * zg_secp_s_is_low first. */
ZG_EXPORT int zg_secp_recover(const uint8_t hash[32], int recid, const uint8_t r[32], const uint8_t s[32],
                              uint8_t pub[64]);
/* the same, returning the address */
ZG_EXPORT int zg_secp_recover_address(const uint8_t hash[32], int recid, const uint8_t r[32],
                                      const uint8_t s[32], uint8_t addr[20]);

/* Verify (r, s) over hash against a public key; s must be low.  1 valid, 0 not. */
ZG_EXPORT int zg_secp_verify(const uint8_t hash[32], const uint8_t r[32], const uint8_t s[32],
                             const uint8_t pub[64]);

/* secret key -> public key X||Y, -> address.  ZG_EINVAL for an invalid key. */
ZG_EXPORT int zg_secp_pubkey(const uint8_t seckey[32], uint8_t pub[64]);
ZG_EXPORT int zg_secp_address(const uint8_t seckey[32], uint8_t addr[20]);
/* address of a public key X||Y: keccak256(X||Y)[12..32] */
ZG_EXPORT void zg_secp_pubkey_address(const uint8_t pub[64], uint8_t addr[20]);

#ifdef __cplusplus
}
#endif
#endif
