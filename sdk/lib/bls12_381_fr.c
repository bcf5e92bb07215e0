/* bls12_381_fr.c — arithmetic in the BLS12-381 scalar field Fr (r =
 * 0x73eda753...00000001), for KZG polynomial work and BLS keys.
 *
 * The Montgomery field template is instantiated here with r as its
 * modulus (so "fp_*" below is Fr arithmetic); R = 2^256.
 */
#include "config.h"
#include <string.h>
#include <zg/bls12_381.h>

typedef zg_bls12_381_fr fp;

#define FP_N 4
static const fp FP_MOD =
    {{0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL, 0x73eda753299d7d48ULL}};
static const fp FP_R2 =
    {{0xc999e990f3f29c6dULL, 0x2b6cedcb87925c23ULL, 0x05d314967254398fULL, 0x0748d9d99f59ff11ULL}};
static const fp FP_ONE =
    {{0x00000001fffffffeULL, 0x5884b7fa00034802ULL, 0x998c4fefecbc4ff5ULL, 0x1824b159acc5056fULL}};
#define FP_INV 0xfffffffeffffffffULL

#include "curves_field.h"

int zg_bls12_381_fr_from_bytes(zg_bls12_381_fr *r, const uint8_t in[32])
{
    return fp_from_be(r, in) ? ZG_OK : ZG_EINVAL;
}
void zg_bls12_381_fr_to_bytes(uint8_t out[32], const zg_bls12_381_fr *a) { fp_to_be(out, a); }
void zg_bls12_381_fr_from_u64(zg_bls12_381_fr *r, uint64_t v) { fp_from_u64(r, v); }
int zg_bls12_381_fr_eq(const zg_bls12_381_fr *a, const zg_bls12_381_fr *b) { return (int)fp_eq(a, b); }
int zg_bls12_381_fr_is_zero(const zg_bls12_381_fr *a) { return (int)fp_is_zero(a); }
void zg_bls12_381_fr_add(zg_bls12_381_fr *r, const zg_bls12_381_fr *a, const zg_bls12_381_fr *b) { fp_add(r, a, b); }
void zg_bls12_381_fr_sub(zg_bls12_381_fr *r, const zg_bls12_381_fr *a, const zg_bls12_381_fr *b) { fp_sub(r, a, b); }
void zg_bls12_381_fr_neg(zg_bls12_381_fr *r, const zg_bls12_381_fr *a) { fp_neg(r, a); }
void zg_bls12_381_fr_mul(zg_bls12_381_fr *r, const zg_bls12_381_fr *a, const zg_bls12_381_fr *b) { fp_mul(r, a, b); }
void zg_bls12_381_fr_sqr(zg_bls12_381_fr *r, const zg_bls12_381_fr *a) { fp_sqr(r, a); }
void zg_bls12_381_fr_inv(zg_bls12_381_fr *r, const zg_bls12_381_fr *a) { fp_inv(r, a); }

void zg_bls12_381_fr_pow(zg_bls12_381_fr *r, const zg_bls12_381_fr *a, const uint8_t e[32])
{
    uint64_t k[4];
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | e[(3 - i) * 8 + j];
        k[i] = w;
    }
    fp_pow(r, a, k, 4);
}
