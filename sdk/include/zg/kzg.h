/* zg/kzg.h — KZG polynomial commitments over BLS12-381 as used by
 * EIP-4844 (blobs), with the Ethereum KZG ceremony's trusted setup.
 *
 * The EVM point-evaluation precompile (0x0a) is zg_kzg_point_evaluation;
 * the lower-level functions follow the consensus-specs polynomial
 * commitments API (verify_kzg_proof).
 */
#ifndef ZG_KZG_H
#define ZG_KZG_H
#include <stddef.h>
#include <stdint.h>
#include <zg/bls12_381.h>
#include <zg/plugin.h>
#ifdef __cplusplus
extern "C" {
#endif

#define ZG_KZG_FIELD_ELEMENTS_PER_BLOB 4096
#define ZG_KZG_VERSIONED_HASH_VERSION 0x01

/* 0x01 || sha256(commitment)[1:] */
ZG_EXPORT void zg_kzg_commitment_to_versioned_hash(uint8_t out[32], const uint8_t commitment[48]);

/* verify_kzg_proof: does the polynomial committed to by `commitment` take
 * the value y at z, as `proof` claims?  1 when valid, 0 when the pairing
 * check fails, ZG_EINVAL for malformed input (a point that is not a valid
 * compressed G1 element of order r — the identity is allowed — or z, y not
 * below the BLS modulus r). */
ZG_EXPORT int zg_kzg_verify_proof(const uint8_t commitment[48], const uint8_t z[32], const uint8_t y[32],
                                  const uint8_t proof[48]);

/* EVM precompile 0x0a (EIP-4844): in = versioned_hash(32) | z(32) | y(32) |
 * commitment(48) | proof(48).  ZG_OK with out = FIELD_ELEMENTS_PER_BLOB |
 * BLS_MODULUS (32-byte big-endian each) when the versioned hash matches the
 * commitment and the proof verifies; ZG_EINVAL otherwise (the call fails). */
ZG_EXPORT int zg_kzg_point_evaluation(const uint8_t in[192], uint8_t out[64]);

/* [s]G2 of the trusted setup (g2_monomial[1]) */
ZG_EXPORT void zg_kzg_setup_g2_s(zg_bls12_381_g2 *out);

#ifdef __cplusplus
}
#endif
#endif
