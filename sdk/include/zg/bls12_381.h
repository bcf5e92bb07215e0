/* zg/bls12_381.h — the BLS12-381 pairing-friendly curve (KZG commitments of
 * EIP-4844, BLS signatures), with the ZCash / IETF point encodings.
 *
 *   p = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab
 *   r = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001 (the scalar field Fr)
 *   G1: y^2 = x^3 + 4 over Fp, order-r subgroup
 *   G2: y^2 = x^3 + 4(1+u) over Fp2 = Fp[u]/(u^2+1), order-r subgroup
 *   GT: e = optimal ate pairing with the standard final exponentiation
 *       (p^12-1)/r, so values match other libraries
 *
 * Encodings (ZCash, as used by Ethereum consensus and KZG): big-endian
 * coordinates, Fp2 elements written c1 then c0; the three top bits of the
 * first byte are flags: 0x80 compressed, 0x40 point at infinity, 0x20 the
 * larger of y and -y (compressed form only).  Compressed G1 is 48 bytes,
 * G2 96; uncompressed twice that.  Decoders reject non-canonical input
 * (bad flags, coordinates >= p, infinity with stray bits), points off the
 * curve and points outside the order-r subgroup.
 *
 * Types hold Montgomery-form limbs; treat them as opaque.  Scalars for
 * point multiplication are 32-byte big-endian integers.  Functions named
 * *_vartime may take time depending on their (public) inputs; the others
 * do not depend on secret scalars.  Results may alias inputs; no state.
 */
#ifndef ZG_BLS12_381_H
#define ZG_BLS12_381_H
#include <stddef.h>
#include <stdint.h>
#include <zg/plugin.h>
#ifdef __cplusplus
extern "C" {
#endif

typedef struct zg_bls12_381_fp { uint64_t l[6]; } zg_bls12_381_fp;
typedef struct zg_bls12_381_fp2 { zg_bls12_381_fp c0, c1; } zg_bls12_381_fp2;
typedef struct zg_bls12_381_fp6 { zg_bls12_381_fp2 c0, c1, c2; } zg_bls12_381_fp6;
typedef struct zg_bls12_381_fp12 { zg_bls12_381_fp6 c0, c1; } zg_bls12_381_fp12;
typedef struct zg_bls12_381_g1 { zg_bls12_381_fp x, y, z; } zg_bls12_381_g1;
typedef struct zg_bls12_381_g2 { zg_bls12_381_fp2 x, y, z; } zg_bls12_381_g2;
typedef zg_bls12_381_fp12 zg_bls12_381_gt;
/* an element of the scalar field Fr (Montgomery form) */
typedef struct zg_bls12_381_fr { uint64_t l[4]; } zg_bls12_381_fr;

/* Field multiplication uses x86-64 BMI2/ADX assembly when the CPU has it
 * (detected at load time), portable C otherwise; both give identical
 * results.  enable = 0 forces the C code, 1 re-enables the assembly where
 * supported, -1 only queries; returns whether the assembly was in use.
 * Meant for tests and benchmarks; shared by BN254 and BLS12-381. */
ZG_EXPORT int zg_curves_use_asm(int enable);

/* r, big-endian */
ZG_EXPORT extern const uint8_t zg_bls12_381_r[32];

/* ---- encodings: ZG_OK, or ZG_EINVAL for invalid input ---- */
ZG_EXPORT int zg_bls12_381_g1_uncompress(zg_bls12_381_g1 *p, const uint8_t in[48]);
ZG_EXPORT int zg_bls12_381_g1_deserialize(zg_bls12_381_g1 *p, const uint8_t in[96]);
ZG_EXPORT void zg_bls12_381_g1_compress(uint8_t out[48], const zg_bls12_381_g1 *p);
ZG_EXPORT void zg_bls12_381_g1_serialize(uint8_t out[96], const zg_bls12_381_g1 *p);
ZG_EXPORT int zg_bls12_381_g2_uncompress(zg_bls12_381_g2 *q, const uint8_t in[96]);
ZG_EXPORT int zg_bls12_381_g2_deserialize(zg_bls12_381_g2 *q, const uint8_t in[192]);
ZG_EXPORT void zg_bls12_381_g2_compress(uint8_t out[96], const zg_bls12_381_g2 *q);
ZG_EXPORT void zg_bls12_381_g2_serialize(uint8_t out[192], const zg_bls12_381_g2 *q);
/* the decoders without the subgroup check (on-curve is still checked),
 * for trusted input such as a trusted setup */
ZG_EXPORT int zg_bls12_381_g1_deserialize_unchecked(zg_bls12_381_g1 *p, const uint8_t in[96]);
ZG_EXPORT int zg_bls12_381_g2_deserialize_unchecked(zg_bls12_381_g2 *q, const uint8_t in[192]);

/* ---- G1 ---- */
ZG_EXPORT void zg_bls12_381_g1_generator(zg_bls12_381_g1 *p);
ZG_EXPORT void zg_bls12_381_g1_identity(zg_bls12_381_g1 *p);
ZG_EXPORT int zg_bls12_381_g1_is_identity(const zg_bls12_381_g1 *p);
ZG_EXPORT int zg_bls12_381_g1_eq(const zg_bls12_381_g1 *a, const zg_bls12_381_g1 *b);
ZG_EXPORT int zg_bls12_381_g1_on_curve(const zg_bls12_381_g1 *p);
/* on the curve and of order r (endomorphism test) */
ZG_EXPORT int zg_bls12_381_g1_in_subgroup(const zg_bls12_381_g1 *p);
ZG_EXPORT void zg_bls12_381_g1_add(zg_bls12_381_g1 *r, const zg_bls12_381_g1 *a, const zg_bls12_381_g1 *b);
ZG_EXPORT void zg_bls12_381_g1_dbl(zg_bls12_381_g1 *r, const zg_bls12_381_g1 *a);
ZG_EXPORT void zg_bls12_381_g1_neg(zg_bls12_381_g1 *r, const zg_bls12_381_g1 *a);
ZG_EXPORT void zg_bls12_381_g1_mul(zg_bls12_381_g1 *r, const zg_bls12_381_g1 *p, const uint8_t k[32]);
ZG_EXPORT void zg_bls12_381_g1_mul_vartime(zg_bls12_381_g1 *r, const zg_bls12_381_g1 *p, const uint8_t k[32]);
/* r = sum scalars[i]·points[i] (Pippenger, variable time: public scalars,
 * e.g. KZG commitments); ZG_ENOMEM when scratch memory is unavailable */
ZG_EXPORT int zg_bls12_381_g1_msm_vartime(zg_bls12_381_g1 *r, const zg_bls12_381_g1 *points,
                                          const uint8_t (*scalars)[32], size_t n);

/* ---- G2 ---- */
ZG_EXPORT void zg_bls12_381_g2_generator(zg_bls12_381_g2 *q);
ZG_EXPORT void zg_bls12_381_g2_identity(zg_bls12_381_g2 *q);
ZG_EXPORT int zg_bls12_381_g2_is_identity(const zg_bls12_381_g2 *q);
ZG_EXPORT int zg_bls12_381_g2_eq(const zg_bls12_381_g2 *a, const zg_bls12_381_g2 *b);
ZG_EXPORT int zg_bls12_381_g2_on_curve(const zg_bls12_381_g2 *q);
ZG_EXPORT int zg_bls12_381_g2_in_subgroup(const zg_bls12_381_g2 *q);
ZG_EXPORT void zg_bls12_381_g2_add(zg_bls12_381_g2 *r, const zg_bls12_381_g2 *a, const zg_bls12_381_g2 *b);
ZG_EXPORT void zg_bls12_381_g2_dbl(zg_bls12_381_g2 *r, const zg_bls12_381_g2 *a);
ZG_EXPORT void zg_bls12_381_g2_neg(zg_bls12_381_g2 *r, const zg_bls12_381_g2 *a);
ZG_EXPORT void zg_bls12_381_g2_mul(zg_bls12_381_g2 *r, const zg_bls12_381_g2 *q, const uint8_t k[32]);
ZG_EXPORT void zg_bls12_381_g2_mul_vartime(zg_bls12_381_g2 *r, const zg_bls12_381_g2 *q, const uint8_t k[32]);
ZG_EXPORT int zg_bls12_381_g2_msm_vartime(zg_bls12_381_g2 *r, const zg_bls12_381_g2 *points,
                                          const uint8_t (*scalars)[32], size_t n);

/* ---- pairing (points must be valid: on the curve and in G1 / G2) ---- */
ZG_EXPORT void zg_bls12_381_pairing_eval(zg_bls12_381_gt *r, const zg_bls12_381_g1 *p, const zg_bls12_381_g2 *q);
ZG_EXPORT void zg_bls12_381_multi_pairing(zg_bls12_381_gt *r, const zg_bls12_381_g1 *p, const zg_bls12_381_g2 *q,
                                          size_t n);
/* 1 when prod e(p[i], q[i]) = 1, else 0 */
ZG_EXPORT int zg_bls12_381_pairing_check(const zg_bls12_381_g1 *p, const zg_bls12_381_g2 *q, size_t n);
/* the two halves, for batching: f = prod of Miller loops (identities
 * skipped), then r = f^((p^12-1)/r) */
ZG_EXPORT void zg_bls12_381_miller_loop(zg_bls12_381_gt *f, const zg_bls12_381_g1 *p, const zg_bls12_381_g2 *q,
                                        size_t n);
ZG_EXPORT void zg_bls12_381_final_exp(zg_bls12_381_gt *r, const zg_bls12_381_gt *f);
ZG_EXPORT int zg_bls12_381_gt_is_one(const zg_bls12_381_gt *a);
ZG_EXPORT int zg_bls12_381_gt_eq(const zg_bls12_381_gt *a, const zg_bls12_381_gt *b);
ZG_EXPORT void zg_bls12_381_gt_mul(zg_bls12_381_gt *r, const zg_bls12_381_gt *a, const zg_bls12_381_gt *b);
ZG_EXPORT void zg_bls12_381_gt_pow_vartime(zg_bls12_381_gt *r, const zg_bls12_381_gt *a, const uint8_t k[32]);

/* ---- the scalar field Fr (constant time) ---- */
/* 32-byte big-endian, ZG_EINVAL when >= r */
ZG_EXPORT int zg_bls12_381_fr_from_bytes(zg_bls12_381_fr *r, const uint8_t in[32]);
ZG_EXPORT void zg_bls12_381_fr_to_bytes(uint8_t out[32], const zg_bls12_381_fr *a);
ZG_EXPORT void zg_bls12_381_fr_from_u64(zg_bls12_381_fr *r, uint64_t v);
ZG_EXPORT int zg_bls12_381_fr_eq(const zg_bls12_381_fr *a, const zg_bls12_381_fr *b);
ZG_EXPORT int zg_bls12_381_fr_is_zero(const zg_bls12_381_fr *a);
ZG_EXPORT void zg_bls12_381_fr_add(zg_bls12_381_fr *r, const zg_bls12_381_fr *a, const zg_bls12_381_fr *b);
ZG_EXPORT void zg_bls12_381_fr_sub(zg_bls12_381_fr *r, const zg_bls12_381_fr *a, const zg_bls12_381_fr *b);
ZG_EXPORT void zg_bls12_381_fr_neg(zg_bls12_381_fr *r, const zg_bls12_381_fr *a);
ZG_EXPORT void zg_bls12_381_fr_mul(zg_bls12_381_fr *r, const zg_bls12_381_fr *a, const zg_bls12_381_fr *b);
ZG_EXPORT void zg_bls12_381_fr_sqr(zg_bls12_381_fr *r, const zg_bls12_381_fr *a);
/* 1/a; 0 maps to 0 */
ZG_EXPORT void zg_bls12_381_fr_inv(zg_bls12_381_fr *r, const zg_bls12_381_fr *a);
/* a^e for a 32-byte big-endian exponent (the exponent is not secret) */
ZG_EXPORT void zg_bls12_381_fr_pow(zg_bls12_381_fr *r, const zg_bls12_381_fr *a, const uint8_t e[32]);

#ifdef __cplusplus
}
#endif
#endif
