/* kzg.c — EIP-4844 KZG proof verification and the point-evaluation
 * precompile (0x0a), on the BLS12-381 code of libzgsupport. */
#include "config.h"
#include <string.h>
#include <openssl/evp.h>
#include <zg/kzg.h>

/* [s]G2 = g2_monomial[1] of the Ethereum KZG ceremony, uncompressed
 * (x.c1 | x.c0 | y.c1 | y.c0).  It is the decompression of
 *   b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72
 *   185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2
 * the compressed point published as KZG_SETUP_G2_MONOMIAL_1 in
 * ethereum/execution-specs, src/ethereum/crypto/kzg.py (g2_monomial[1] of
 * the mainnet trusted setup, also used by c-kzg-4844); tests/test_kzg.c
 * checks that it compresses back to exactly that. */
static const uint8_t SETUP_G2_S[192] = {
    0x15, 0xbf, 0xd7, 0xdd, 0x8c, 0xde, 0xb1, 0x28, 0x84, 0x3b, 0xc2, 0x87, 0x23, 0x0a, 0xf3, 0x89,
    0x26, 0x18, 0x70, 0x75, 0xcb, 0xfb, 0xef, 0xa8, 0x10, 0x09, 0xa2, 0xce, 0x61, 0x5a, 0xc5, 0x3d,
    0x29, 0x14, 0xe5, 0x87, 0x0c, 0xb4, 0x52, 0xd2, 0xaf, 0xaa, 0xab, 0x24, 0xf3, 0x49, 0x9f, 0x72,
    0x18, 0x5c, 0xbf, 0xee, 0x53, 0x49, 0x27, 0x14, 0x73, 0x44, 0x29, 0xb7, 0xb3, 0x86, 0x08, 0xe2,
    0x39, 0x26, 0xc9, 0x11, 0xcc, 0xec, 0xea, 0xc9, 0xa3, 0x68, 0x51, 0x47, 0x7b, 0xa4, 0xc6, 0x0b,
    0x08, 0x70, 0x41, 0xde, 0x62, 0x10, 0x00, 0xed, 0xc9, 0x8e, 0xda, 0xda, 0x20, 0xc1, 0xde, 0xf2,
    0x16, 0x66, 0xc5, 0x4b, 0x0a, 0x32, 0x52, 0x95, 0x03, 0x43, 0x2f, 0xca, 0xe0, 0x18, 0x1b, 0x4b,
    0xef, 0x79, 0xde, 0x09, 0xfc, 0x63, 0x67, 0x1f, 0xda, 0x5e, 0xd1, 0xba, 0x9b, 0xfa, 0x07, 0x89,
    0x94, 0x95, 0x34, 0x6f, 0x3d, 0x7a, 0xc9, 0xcd, 0x23, 0x04, 0x8e, 0xf3, 0x0d, 0x0a, 0x15, 0x4f,
    0x01, 0x43, 0x53, 0xbd, 0xb9, 0x6b, 0x62, 0x6d, 0xd7, 0xd5, 0xee, 0x85, 0x99, 0xd1, 0xfc, 0xa2,
    0x13, 0x15, 0x69, 0x49, 0x0e, 0x28, 0xde, 0x18, 0xe8, 0x24, 0x51, 0xa4, 0x96, 0xa9, 0xc9, 0x79,
    0x4c, 0xe2, 0x6d, 0x10, 0x59, 0x41, 0xf3, 0x83, 0xee, 0x68, 0x9b, 0xfb, 0xbb, 0x83, 0x2a, 0x99,
};

void zg_kzg_setup_g2_s(zg_bls12_381_g2 *out) { zg_bls12_381_g2_deserialize_unchecked(out, SETUP_G2_S); }

void zg_kzg_commitment_to_versioned_hash(uint8_t out[32], const uint8_t commitment[48])
{
    unsigned int n = 32;
    EVP_Digest(commitment, 48, out, &n, EVP_sha256(), NULL);
    out[0] = ZG_KZG_VERSIONED_HASH_VERSION;
}

/* big-endian x < r */
static int below_modulus(const uint8_t x[32]) { return memcmp(x, zg_bls12_381_r, 32) < 0; }

int zg_kzg_verify_proof(const uint8_t commitment[48], const uint8_t z[32], const uint8_t y[32],
                        const uint8_t proof[48])
{
    zg_bls12_381_g1 p[2], t;
    zg_bls12_381_g2 q[2], u;
    if (!below_modulus(z) || !below_modulus(y)) return ZG_EINVAL;
    if (zg_bls12_381_g1_uncompress(&p[0], commitment) || zg_bls12_381_g1_uncompress(&p[1], proof))
        return ZG_EINVAL;
    /* e(C - [y]G1, -G2) · e(proof, [s]G2 - [z]G2) == 1, i.e.
     * C - [y]G1 = proof · ([s] - [z]) in the exponent: p(X) - y = q(X)(X - z) */
    zg_bls12_381_g1_generator(&t);
    zg_bls12_381_g1_mul_vartime(&t, &t, y);
    zg_bls12_381_g1_neg(&t, &t);
    zg_bls12_381_g1_add(&p[0], &p[0], &t);
    zg_bls12_381_g2_generator(&q[0]);
    zg_bls12_381_g2_mul_vartime(&u, &q[0], z);
    zg_bls12_381_g2_neg(&q[0], &q[0]);
    zg_bls12_381_g2_neg(&u, &u);
    zg_kzg_setup_g2_s(&q[1]);
    zg_bls12_381_g2_add(&q[1], &q[1], &u);
    return zg_bls12_381_pairing_check(p, q, 2);
}

int zg_kzg_point_evaluation(const uint8_t in[192], uint8_t out[64])
{
    uint8_t vh[32];
    zg_kzg_commitment_to_versioned_hash(vh, in + 96);
    if (memcmp(vh, in, 32) != 0) return ZG_EINVAL;
    if (zg_kzg_verify_proof(in + 96, in + 32, in + 64, in + 144) != 1) return ZG_EINVAL;
    memset(out, 0, 64);
    out[30] = (uint8_t)(ZG_KZG_FIELD_ELEMENTS_PER_BLOB >> 8);
    out[31] = (uint8_t)(ZG_KZG_FIELD_ELEMENTS_PER_BLOB & 0xff);
    memcpy(out + 32, zg_bls12_381_r, 32);
    return ZG_OK;
}
