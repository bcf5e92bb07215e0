/* zg/bn254.h — the BN254 (alt_bn128) pairing-friendly curve: the EVM
 * precompiles 0x06 ECADD, 0x07 ECMUL and 0x08 ECPAIRING (EIP-196, EIP-197),
 * and the group/pairing operations underneath them.
 *
 *   p = 21888242871839275222246405745257275088696311157297823662689037894645226208583
 *   r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
 *   G1: y^2 = x^3 + 3 over Fp (cofactor 1), generator (1, 2)
 *   G2: y^2 = x^3 + 3/(9+u) over Fp2 = Fp[u]/(u^2+1), the order-r subgroup
 *   GT: order-r subgroup of Fp12*, e = optimal ate pairing (the standard
 *       final exponentiation (p^12-1)/r, so values match other libraries)
 *
 * Types hold Montgomery-form limbs; treat them as opaque.  Points are
 * projective; every function accepts any representative and the identity.
 * Scalars are 32-byte big-endian integers (any 256-bit value; reduced mod r
 * implicitly).  Functions named *_vartime take time depending on their
 * (public) inputs; the others do not depend on secret scalars.
 * Results may alias inputs.  All functions are thread-safe (no state).
 */
#ifndef ZG_BN254_H
#define ZG_BN254_H
#include <stddef.h>
#include <stdint.h>
#include <zg/plugin.h>
#ifdef __cplusplus
extern "C" {
#endif

typedef struct zg_bn254_fp { uint64_t l[4]; } zg_bn254_fp;
typedef struct zg_bn254_fp2 { zg_bn254_fp c0, c1; } zg_bn254_fp2;      /* c0 + c1 u */
typedef struct zg_bn254_fp6 { zg_bn254_fp2 c0, c1, c2; } zg_bn254_fp6;
typedef struct zg_bn254_fp12 { zg_bn254_fp6 c0, c1; } zg_bn254_fp12;
typedef struct zg_bn254_g1 { zg_bn254_fp x, y, z; } zg_bn254_g1;
typedef struct zg_bn254_g2 { zg_bn254_fp2 x, y, z; } zg_bn254_g2;
typedef zg_bn254_fp12 zg_bn254_gt;

/* Field multiplication uses x86-64 BMI2/ADX assembly when the CPU has it
 * (detected at load time), portable C otherwise; both give identical
 * results.  enable = 0 forces the C code, 1 re-enables the assembly where
 * supported, -1 only queries; returns whether the assembly was in use.
 * Meant for tests and benchmarks; shared by BN254 and BLS12-381. */
ZG_EXPORT int zg_curves_use_asm(int enable);

/* ---- EVM precompiles: 0 on success, ZG_EINVAL for invalid input (the
 * call then fails and consumes all its gas).  The caller pads/truncates the
 * call data to the fixed sizes (EIP-196: missing bytes are zero). ---- */

/* 0x06 ECADD: in = x1|y1|x2|y2 (32-byte BE each), out = x|y of the sum */
ZG_EXPORT int zg_bn254_add(const uint8_t in[128], uint8_t out[64]);
/* 0x07 ECMUL: in = x|y|s, out = s·(x,y) */
ZG_EXPORT int zg_bn254_mul(const uint8_t in[96], uint8_t out[64]);
/* 0x08 ECPAIRING: len a multiple of 192 (else ZG_EINVAL); each pair is
 * G1 x|y then G2 x_im|x_re|y_im|y_re; out = 32-byte 1 when the product of
 * the pairings is 1, else 0 (len 0 gives 1). */
ZG_EXPORT int zg_bn254_pairing(const uint8_t *in, size_t len, uint8_t out[32]);

/* ---- encodings (EIP-196/197: big-endian coordinates, all-zero = identity) ---- */

/* ZG_EINVAL when a coordinate is >= p or the point is not on the curve */
ZG_EXPORT int zg_bn254_g1_from_bytes(zg_bn254_g1 *p, const uint8_t in[64]);
ZG_EXPORT void zg_bn254_g1_to_bytes(uint8_t out[64], const zg_bn254_g1 *p);
/* x_im|x_re|y_im|y_re; ZG_EINVAL also when the point is not in G2 */
ZG_EXPORT int zg_bn254_g2_from_bytes(zg_bn254_g2 *q, const uint8_t in[128]);
/* the same without the (costlier) subgroup check, for trusted input */
ZG_EXPORT int zg_bn254_g2_from_bytes_unchecked(zg_bn254_g2 *q, const uint8_t in[128]);
ZG_EXPORT void zg_bn254_g2_to_bytes(uint8_t out[128], const zg_bn254_g2 *q);

/* ---- groups ---- */
ZG_EXPORT void zg_bn254_g1_generator(zg_bn254_g1 *p);
ZG_EXPORT void zg_bn254_g1_identity(zg_bn254_g1 *p);
ZG_EXPORT int zg_bn254_g1_is_identity(const zg_bn254_g1 *p);
ZG_EXPORT int zg_bn254_g1_eq(const zg_bn254_g1 *a, const zg_bn254_g1 *b);
ZG_EXPORT int zg_bn254_g1_on_curve(const zg_bn254_g1 *p);
ZG_EXPORT void zg_bn254_g1_add(zg_bn254_g1 *r, const zg_bn254_g1 *a, const zg_bn254_g1 *b);
ZG_EXPORT void zg_bn254_g1_dbl(zg_bn254_g1 *r, const zg_bn254_g1 *a);
ZG_EXPORT void zg_bn254_g1_neg(zg_bn254_g1 *r, const zg_bn254_g1 *a);
/* constant time in the scalar (use for secrets) */
ZG_EXPORT void zg_bn254_g1_mul(zg_bn254_g1 *r, const zg_bn254_g1 *p, const uint8_t k[32]);
ZG_EXPORT void zg_bn254_g1_mul_vartime(zg_bn254_g1 *r, const zg_bn254_g1 *p, const uint8_t k[32]);

ZG_EXPORT void zg_bn254_g2_generator(zg_bn254_g2 *q);
ZG_EXPORT void zg_bn254_g2_identity(zg_bn254_g2 *q);
ZG_EXPORT int zg_bn254_g2_is_identity(const zg_bn254_g2 *q);
ZG_EXPORT int zg_bn254_g2_eq(const zg_bn254_g2 *a, const zg_bn254_g2 *b);
/* on the twist y^2 = x^3 + 3/(9+u) */
ZG_EXPORT int zg_bn254_g2_on_curve(const zg_bn254_g2 *q);
/* on the twist and of order r (fast endomorphism test) */
ZG_EXPORT int zg_bn254_g2_in_subgroup(const zg_bn254_g2 *q);
ZG_EXPORT void zg_bn254_g2_add(zg_bn254_g2 *r, const zg_bn254_g2 *a, const zg_bn254_g2 *b);
ZG_EXPORT void zg_bn254_g2_dbl(zg_bn254_g2 *r, const zg_bn254_g2 *a);
ZG_EXPORT void zg_bn254_g2_neg(zg_bn254_g2 *r, const zg_bn254_g2 *a);
ZG_EXPORT void zg_bn254_g2_mul(zg_bn254_g2 *r, const zg_bn254_g2 *q, const uint8_t k[32]);
ZG_EXPORT void zg_bn254_g2_mul_vartime(zg_bn254_g2 *r, const zg_bn254_g2 *q, const uint8_t k[32]);

/* ---- pairing ---- */
/* r = e(p, q); points must be valid (on curve, q in G2) */
ZG_EXPORT void zg_bn254_pairing_eval(zg_bn254_gt *r, const zg_bn254_g1 *p, const zg_bn254_g2 *q);
/* r = prod e(p[i], q[i]) with a single final exponentiation */
ZG_EXPORT void zg_bn254_multi_pairing(zg_bn254_gt *r, const zg_bn254_g1 *p, const zg_bn254_g2 *q, size_t n);
/* The two halves of the pairing, for batching: f = prod of the Miller
 * loops (identities skipped), then r = f^((p^12-1)/r). */
ZG_EXPORT void zg_bn254_miller_loop(zg_bn254_gt *f, const zg_bn254_g1 *p, const zg_bn254_g2 *q, size_t n);
ZG_EXPORT void zg_bn254_final_exp(zg_bn254_gt *r, const zg_bn254_gt *f);
ZG_EXPORT int zg_bn254_gt_is_one(const zg_bn254_gt *a);
ZG_EXPORT int zg_bn254_gt_eq(const zg_bn254_gt *a, const zg_bn254_gt *b);
ZG_EXPORT void zg_bn254_gt_mul(zg_bn254_gt *r, const zg_bn254_gt *a, const zg_bn254_gt *b);
/* r = a^k, k 32-byte big-endian (variable time) */
ZG_EXPORT void zg_bn254_gt_pow_vartime(zg_bn254_gt *r, const zg_bn254_gt *a, const uint8_t k[32]);

#ifdef __cplusplus
}
#endif
#endif
