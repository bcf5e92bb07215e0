/* bls12_381.c — BLS12-381: field tower, G1/G2 with ZCash encodings and
 * subgroup checks, optimal ate pairing.
 *
 * The field constants below are in Montgomery form (R = 2^384), computed
 * offline from p, x and xi = 1 + u: b = 4 and 3b for G1; b' = 4 xi and 3b'
 * for the twist; FROBn[k] = xi^(k(p^n-1)/6); PSI_X/PSI_Y, the coefficients
 * of the endomorphism psi on the twist; BETA, a cube root of unity.
 * tests/test_bls12_381.c exercises every one of them: the generators must
 * decode (on-curve check with b, b'), the final exponentiation (all FROBn)
 * must equal f^((p^12-1)/r) computed by plain exponentiation, and the psi /
 * beta subgroup tests must agree with multiplication by r.
 */
#include "config.h"
#include <string.h>
#include <zg/bls12_381.h>

typedef zg_bls12_381_fp fp;
typedef zg_bls12_381_fp2 fp2;
typedef zg_bls12_381_fp6 fp6;
typedef zg_bls12_381_fp12 fp12;
typedef zg_bls12_381_g1 g1;
typedef zg_bls12_381_g2 g2;

#define FP_N 6
#define FP_P_3MOD4 1
static const fp FP_MOD =
    {{0xb9feffffffffaaabULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
      0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL}};
static const fp FP_R2 =
    {{0xf4df1f341c341746ULL, 0x0a76e6a609d104f1ULL, 0x8de5476c4c95b6d5ULL,
      0x67eb88a9939d83c0ULL, 0x9a793e85b519952dULL, 0x11988fe592cae3aaULL}};
static const fp FP_ONE =
    {{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL,
      0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}};
#define FP_INV 0x89f3fffcfffcfffdULL
static const fp G1_B =
    {{0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL,
      0xb1d37ebee6ba24d7ULL, 0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL}};
static const fp G1_B3 =
    {{0x447600000027552eULL, 0xdcb8009a43480020ULL, 0x6f7ee9ce4a6e8b59ULL,
      0xb10330b7c0a95bc6ULL, 0x6140b1fcfb1e54b7ULL, 0x0381be097f0bb4e1ULL}};
static const fp2 TWIST_B = {
    {{0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL,
      0xb1d37ebee6ba24d7ULL, 0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL}},
    {{0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL,
      0xb1d37ebee6ba24d7ULL, 0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL}}};
static const fp2 TWIST_B3 = {
    {{0x447600000027552eULL, 0xdcb8009a43480020ULL, 0x6f7ee9ce4a6e8b59ULL,
      0xb10330b7c0a95bc6ULL, 0x6140b1fcfb1e54b7ULL, 0x0381be097f0bb4e1ULL}},
    {{0x447600000027552eULL, 0xdcb8009a43480020ULL, 0x6f7ee9ce4a6e8b59ULL,
      0xb10330b7c0a95bc6ULL, 0x6140b1fcfb1e54b7ULL, 0x0381be097f0bb4e1ULL}}};
static const fp2 FROB1[6] = {
    {
        {{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL,
          0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x07089552b319d465ULL, 0xc6695f92b50a8313ULL, 0x97e83cccd117228fULL,
          0xa35baecab2dc29eeULL, 0x1ce393ea5daace4dULL, 0x08f2220fb0fb66ebULL}},
        {{0xb2f66aad4ce5d646ULL, 0x5842a06bfc497cecULL, 0xcf4895d42599d394ULL,
          0xc11b9cba40a8e8d0ULL, 0x2e3813cbe5a0de89ULL, 0x110eefda88847fafULL}}},
    {
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}},
        {{0xcd03c9e48671f071ULL, 0x5dab22461fcda5d2ULL, 0x587042afd3851b95ULL,
          0x8eb60ebe01bacb9eULL, 0x03f97d6e83d050d2ULL, 0x18f0206554638741ULL}}},
    {
        {{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL,
          0xd1ca2087da74d4a7ULL, 0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}},
        {{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL,
          0xd1ca2087da74d4a7ULL, 0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}}},
    {
        {{0x890dc9e4867545c3ULL, 0x2af322533285a5d5ULL, 0x50880866309b7e2cULL,
          0xa20d1b8c7e881024ULL, 0x14e4f04fe2db9068ULL, 0x14e56d3f1564853aULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x82d83cf50dbce43fULL, 0xa2813e53df9d018fULL, 0xc6f0caa53c65e181ULL,
          0x7525cf528d50fe95ULL, 0x4a85ed50f4798a6bULL, 0x171da0fd6cf8eebdULL}},
        {{0x3726c30af242c66cULL, 0x7c2ac1aad1b6fe70ULL, 0xa04007fbba4b14a2ULL,
          0xef517c3266341429ULL, 0x0095ba654ed2226bULL, 0x02e370eccc86f7ddULL}}},
};
static const fp2 FROB2[6] = {
    {
        {{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL,
          0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0xecfb361b798dba3aULL, 0xc100ddb891865a2cULL, 0x0ec08ff1232bda8eULL,
          0xd5c13cc6f1ca4721ULL, 0x47222a47bf7b5c04ULL, 0x0110f184e51c5f59ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x30f1361b798a64e8ULL, 0xf3b8ddab7ece5a2aULL, 0x16a8ca3ac61577f7ULL,
          0xc26a2ff874fd029bULL, 0x3636b76660701c6eULL, 0x051ba4ab241b6160ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x43f5fffffffcaaaeULL, 0x32b7fff2ed47fffdULL, 0x07e83a49a2e99d69ULL,
          0xeca8f3318332bb7aULL, 0xef148d1ea0f4c069ULL, 0x040ab3263eff0206ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0xcd03c9e48671f071ULL, 0x5dab22461fcda5d2ULL, 0x587042afd3851b95ULL,
          0x8eb60ebe01bacb9eULL, 0x03f97d6e83d050d2ULL, 0x18f0206554638741ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x890dc9e4867545c3ULL, 0x2af322533285a5d5ULL, 0x50880866309b7e2cULL,
          0xa20d1b8c7e881024ULL, 0x14e4f04fe2db9068ULL, 0x14e56d3f1564853aULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
};
static const fp2 FROB3[6] = {
    {
        {{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL,
          0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x3e2f585da55c9ad1ULL, 0x4294213d86c18183ULL, 0x382844c88b623732ULL,
          0x92ad2afd19103e18ULL, 0x1d794e4fac7cf0b9ULL, 0x0bd592fc7d825ec8ULL}},
        {{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL,
          0xd1ca2087da74d4a7ULL, 0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}}},
    {
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}},
        {{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL,
          0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}}},
    {
        {{0x3e2f585da55c9ad1ULL, 0x4294213d86c18183ULL, 0x382844c88b623732ULL,
          0x92ad2afd19103e18ULL, 0x1d794e4fac7cf0b9ULL, 0x0bd592fc7d825ec8ULL}},
        {{0x3e2f585da55c9ad1ULL, 0x4294213d86c18183ULL, 0x382844c88b623732ULL,
          0x92ad2afd19103e18ULL, 0x1d794e4fac7cf0b9ULL, 0x0bd592fc7d825ec8ULL}}},
    {
        {{0x43f5fffffffcaaaeULL, 0x32b7fff2ed47fffdULL, 0x07e83a49a2e99d69ULL,
          0xeca8f3318332bb7aULL, 0xef148d1ea0f4c069ULL, 0x040ab3263eff0206ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
          0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL,
          0xd1ca2087da74d4a7ULL, 0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}},
        {{0x3e2f585da55c9ad1ULL, 0x4294213d86c18183ULL, 0x382844c88b623732ULL,
          0x92ad2afd19103e18ULL, 0x1d794e4fac7cf0b9ULL, 0x0bd592fc7d825ec8ULL}}},
};
/* psi on the M-type twist: x * xi^-((p-1)/3), y * xi^-((p-1)/2) */
static const fp2 PSI_X = {
    {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
      0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}},
    {{0x890dc9e4867545c3ULL, 0x2af322533285a5d5ULL, 0x50880866309b7e2cULL,
      0xa20d1b8c7e881024ULL, 0x14e4f04fe2db9068ULL, 0x14e56d3f1564853aULL}}};
static const fp2 PSI_Y = {
    {{0x3e2f585da55c9ad1ULL, 0x4294213d86c18183ULL, 0x382844c88b623732ULL,
      0x92ad2afd19103e18ULL, 0x1d794e4fac7cf0b9ULL, 0x0bd592fc7d825ec8ULL}},
    {{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL,
      0xd1ca2087da74d4a7ULL, 0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}}};
/* beta, a primitive cube root of unity with sigma(P) = (beta x, y) = [-x^2]P on G1 */
static const fp BETA =
    {{0x30f1361b798a64e8ULL, 0xf3b8ddab7ece5a2aULL, 0x16a8ca3ac61577f7ULL,
      0xc26a2ff874fd029bULL, 0x3636b76660701c6eULL, 0x051ba4ab241b6160ULL}};

/* |x| for the curve parameter x = -0xd201000000010000 */
#define BLS_X 0xd201000000010000ULL
/* (x-1)^2 / 3, a factor of the hard part of the final exponentiation */
static const uint64_t HARD_C[2] = {0x8c00aaab0000aaabULL, 0x396c8c005555e156ULL};

const uint8_t zg_bls12_381_r[32] = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                                    0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                                    0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

#include "curves_field.h"

/* r = 1·a (xi = 1 + u) */
static inline void fp_mul_xi_a(fp *r, const fp *a) { *r = *a; }

#include "curves_tower.h"

#define GP g1
#define GF fp
#define PT g1
#define FT fp
#define G_B G1_B
#define G_B3 G1_B3
#include "curves_group.h"

#define GP g2
#define GF fp2
#define PT g2
#define FT fp2
#define G_B TWIST_B
#define G_B3 TWIST_B3
#include "curves_group.h"

/* 32-byte big-endian -> 4 little-endian limbs */
static void scalar_from_be(uint64_t k[4], const uint8_t in[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | in[(3 - i) * 8 + j];
        k[i] = w;
    }
}

/* ---------------- subgroup checks (variable time, public points) ---------------- */

/* G1: sigma(x, y) = (beta x, y) acts on G1 as multiplication by -x^2, and
 * a point of E(Fp) satisfying sigma(P) = [-x^2]P has order r (Bowe,
 * "Faster subgroup checks for BLS12-381", ePrint 2019/814; Scott, ePrint
 * 2021/1130). */
static int g1_in_subgroup_vartime(const g1 *p)
{
    static const uint64_t xabs[4] = {BLS_X, 0, 0, 0};
    g1 s, t;
    fp_mul(&s.x, &p->x, &BETA);
    s.y = p->y;
    s.z = p->z;
    g1_mul_vartime(&t, p, xabs);
    g1_mul_vartime(&t, &t, xabs); /* [x^2]P */
    g1_neg(&t, &t);
    return (int)g1_eq(&s, &t);
}

/* psi = twist^-1 o Frobenius o twist on the M-type twist */
static void g2_psi(g2 *r, const g2 *q)
{
    fp2_conj(&r->x, &q->x);
    fp2_mul(&r->x, &r->x, &PSI_X);
    fp2_conj(&r->y, &q->y);
    fp2_mul(&r->y, &r->y, &PSI_Y);
    fp2_conj(&r->z, &q->z);
}

/* G2: Q on the twist has order r iff psi(Q) = [x]Q (Scott, "A note on group
 * membership tests for G1, G2 and GT on BLS pairing-friendly curves",
 * ePrint 2021/1130) */
static int g2_in_subgroup_vartime(const g2 *q)
{
    static const uint64_t xabs[4] = {BLS_X, 0, 0, 0};
    g2 s, t;
    g2_psi(&s, q);
    g2_mul_vartime(&t, q, xabs);
    g2_neg(&t, &t); /* x < 0 */
    return (int)g2_eq(&s, &t);
}

/* ---------------- encodings ---------------- */

#define FLAG_C 0x80 /* compressed */
#define FLAG_I 0x40 /* infinity */
#define FLAG_S 0x20 /* y is the larger root */

static int zero_after_flags(const uint8_t *in, size_t n)
{
    uint8_t acc = in[0] & 0x1f;
    for (size_t i = 1; i < n; i++) acc |= in[i];
    return acc == 0;
}

/* read a 48-byte coordinate with the flag bits cleared; 0 when >= p */
static int fp_read_masked(fp *r, const uint8_t in[48])
{
    uint8_t b[48];
    memcpy(b, in, 48);
    b[0] &= 0x1f;
    return fp_from_be(r, b);
}

static int fp2_lex_largest(const fp2 *a)
{
    if (!fp_is_zero(&a->c1)) return fp_is_lex_largest_vartime(&a->c1);
    return fp_is_lex_largest_vartime(&a->c0);
}

/* G1, compressed (48 bytes) or uncompressed (96) */
static int g1_decode(g1 *p, const uint8_t *in, int compressed, int subgroup)
{
    uint8_t f = in[0];
    size_t n = compressed ? 48 : 96;
    if (!(f & FLAG_C) != !compressed) return ZG_EINVAL;
    if (f & FLAG_I) {
        if ((f & FLAG_S) || !zero_after_flags(in, n)) return ZG_EINVAL;
        g1_set_inf(p);
        return ZG_OK;
    }
    if (!compressed && (f & FLAG_S)) return ZG_EINVAL;
    if (!fp_read_masked(&p->x, in)) return ZG_EINVAL;
    fp_one(&p->z);
    if (compressed) {
        fp t;
        fp_sqr(&t, &p->x);
        fp_mul(&t, &t, &p->x);
        fp_add(&t, &t, &G1_B);
        if (!fp_sqrt(&p->y, &t)) return ZG_EINVAL;
        if (fp_is_lex_largest_vartime(&p->y) != !!(f & FLAG_S)) fp_neg(&p->y, &p->y);
    } else {
        if (!fp_from_be(&p->y, in + 48)) return ZG_EINVAL;
        if (!g1_on_curve(p)) return ZG_EINVAL;
    }
    if (subgroup && !g1_in_subgroup_vartime(p)) return ZG_EINVAL;
    return ZG_OK;
}

static void g1_encode(uint8_t *out, const g1 *p, int compressed)
{
    g1 a;
    size_t n = compressed ? 48 : 96;
    g1_to_affine(&a, p);
    memset(out, 0, n);
    if (g1_is_inf(&a)) {
        out[0] = (uint8_t)(FLAG_I | (compressed ? FLAG_C : 0));
        return;
    }
    fp_to_be(out, &a.x);
    if (compressed)
        out[0] |= (uint8_t)(FLAG_C | (fp_is_lex_largest_vartime(&a.y) ? FLAG_S : 0));
    else
        fp_to_be(out + 48, &a.y);
}

/* G2, compressed (96 bytes) or uncompressed (192): x.c1 | x.c0 [| y.c1 | y.c0] */
static int g2_decode(g2 *q, const uint8_t *in, int compressed, int subgroup)
{
    uint8_t f = in[0];
    size_t n = compressed ? 96 : 192;
    if (!(f & FLAG_C) != !compressed) return ZG_EINVAL;
    if (f & FLAG_I) {
        if ((f & FLAG_S) || !zero_after_flags(in, n)) return ZG_EINVAL;
        g2_set_inf(q);
        return ZG_OK;
    }
    if (!compressed && (f & FLAG_S)) return ZG_EINVAL;
    if (!fp_read_masked(&q->x.c1, in) || !fp_from_be(&q->x.c0, in + 48)) return ZG_EINVAL;
    fp2_one(&q->z);
    if (compressed) {
        fp2 t;
        fp2_sqr(&t, &q->x);
        fp2_mul(&t, &t, &q->x);
        fp2_add(&t, &t, &TWIST_B);
        if (!fp2_sqrt_vartime(&q->y, &t)) return ZG_EINVAL;
        if (fp2_lex_largest(&q->y) != !!(f & FLAG_S)) fp2_neg(&q->y, &q->y);
    } else {
        if (!fp_from_be(&q->y.c1, in + 96) || !fp_from_be(&q->y.c0, in + 144)) return ZG_EINVAL;
        if (!g2_on_curve(q)) return ZG_EINVAL;
    }
    if (subgroup && !g2_in_subgroup_vartime(q)) return ZG_EINVAL;
    return ZG_OK;
}

static void g2_encode(uint8_t *out, const g2 *q, int compressed)
{
    g2 a;
    size_t n = compressed ? 96 : 192;
    g2_to_affine(&a, q);
    memset(out, 0, n);
    if (g2_is_inf(&a)) {
        out[0] = (uint8_t)(FLAG_I | (compressed ? FLAG_C : 0));
        return;
    }
    fp_to_be(out, &a.x.c1);
    fp_to_be(out + 48, &a.x.c0);
    if (compressed) {
        out[0] |= (uint8_t)(FLAG_C | (fp2_lex_largest(&a.y) ? FLAG_S : 0));
    } else {
        fp_to_be(out + 96, &a.y.c1);
        fp_to_be(out + 144, &a.y.c0);
    }
}

/* ---------------- pairing ---------------- */

typedef struct { fp x, y; } g1_aff;
typedef struct { fp2 x, y; } g2_aff;

#define ZG_TWIST_M 1
#include "curves_pairing.h"

/* f = prod f_{|x|,Q}(P), conjugated because x < 0; n <= ML_CHUNK */
static void miller_loop(fp12 *f, const g1_aff *P, const g2_aff *Q, size_t n)
{
    g2 T[ML_CHUNK];
    fp yn[ML_CHUNK];
    fp2 a, b, c;
    for (size_t j = 0; j < n; j++) {
        T[j].x = Q[j].x;
        T[j].y = Q[j].y;
        fp2_one(&T[j].z);
        fp_neg(&yn[j], &P[j].y);
    }
    fp12_one(f);
    for (int i = 62; i >= 0; i--) {
        if (i != 62) fp12_sqr(f, f);
        for (size_t j = 0; j < n; j++) {
            dbl_step(&T[j], &a, &b, &c, &P[j].x, &yn[j]);
            line_mul(f, &a, &b, &c);
        }
        if ((BLS_X >> i) & 1) {
            for (size_t j = 0; j < n; j++) {
                add_step(&T[j], &a, &b, &c, &Q[j], &P[j].x, &yn[j]);
                line_mul(f, &a, &b, &c);
            }
        }
    }
    fp12_conj(f, f);
}

/* a^|x| in the cyclotomic subgroup (a^x = conj of it) */
static void cyc_pow_xabs(fp12 *r, const fp12 *a)
{
    static const uint64_t xabs[1] = {BLS_X};
    fp12_cyc_pow(r, a, xabs, 1);
}

/* f^((p^12-1)/r).  Hard part: (p^4-p^2+1)/r = c (x+p)(x^2+p^2-1) + 1 with
 * c = (x-1)^2/3 (Hayashida, Hayasaka, Teruya, ePrint 2020/875, written
 * for the exact exponent rather than its cube). */
static void final_exp(fp12 *r, const fp12 *f)
{
    fp12 t, a, b, c, s;
    fp12_final_exp_easy(&t, f);
    fp12_cyc_pow(&a, &t, HARD_C, 2); /* a = t^c */
    cyc_pow_xabs(&b, &a);
    fp12_conj(&b, &b); /* a^x */
    fp12_frob(&s, &a, 1);
    fp12_mul(&b, &b, &s); /* b = a^(x+p) */
    cyc_pow_xabs(&c, &b);
    cyc_pow_xabs(&c, &c); /* b^(x^2) */
    fp12_frob(&s, &b, 2);
    fp12_mul(&c, &c, &s);
    fp12_conj(&s, &b);
    fp12_mul(&c, &c, &s); /* c = b^(x^2+p^2-1) */
    fp12_mul(r, &c, &t);
}

/* ---------------- public API ---------------- */

int zg_bls12_381_g1_uncompress(zg_bls12_381_g1 *p, const uint8_t in[48]) { return g1_decode(p, in, 1, 1); }
int zg_bls12_381_g1_deserialize(zg_bls12_381_g1 *p, const uint8_t in[96]) { return g1_decode(p, in, 0, 1); }
int zg_bls12_381_g1_deserialize_unchecked(zg_bls12_381_g1 *p, const uint8_t in[96])
{
    return g1_decode(p, in, 0, 0);
}
void zg_bls12_381_g1_compress(uint8_t out[48], const zg_bls12_381_g1 *p) { g1_encode(out, p, 1); }
void zg_bls12_381_g1_serialize(uint8_t out[96], const zg_bls12_381_g1 *p) { g1_encode(out, p, 0); }
int zg_bls12_381_g2_uncompress(zg_bls12_381_g2 *q, const uint8_t in[96]) { return g2_decode(q, in, 1, 1); }
int zg_bls12_381_g2_deserialize(zg_bls12_381_g2 *q, const uint8_t in[192]) { return g2_decode(q, in, 0, 1); }
int zg_bls12_381_g2_deserialize_unchecked(zg_bls12_381_g2 *q, const uint8_t in[192])
{
    return g2_decode(q, in, 0, 0);
}
void zg_bls12_381_g2_compress(uint8_t out[96], const zg_bls12_381_g2 *q) { g2_encode(out, q, 1); }
void zg_bls12_381_g2_serialize(uint8_t out[192], const zg_bls12_381_g2 *q) { g2_encode(out, q, 0); }

/* the standard generators (uncompressed encodings) */
static const uint8_t G1_GEN[96] = {
    0x17, 0xf1, 0xd3, 0xa7, 0x31, 0x97, 0xd7, 0x94, 0x26, 0x95, 0x63, 0x8c, 0x4f, 0xa9, 0xac, 0x0f,
    0xc3, 0x68, 0x8c, 0x4f, 0x97, 0x74, 0xb9, 0x05, 0xa1, 0x4e, 0x3a, 0x3f, 0x17, 0x1b, 0xac, 0x58,
    0x6c, 0x55, 0xe8, 0x3f, 0xf9, 0x7a, 0x1a, 0xef, 0xfb, 0x3a, 0xf0, 0x0a, 0xdb, 0x22, 0xc6, 0xbb,
    0x08, 0xb3, 0xf4, 0x81, 0xe3, 0xaa, 0xa0, 0xf1, 0xa0, 0x9e, 0x30, 0xed, 0x74, 0x1d, 0x8a, 0xe4,
    0xfc, 0xf5, 0xe0, 0x95, 0xd5, 0xd0, 0x0a, 0xf6, 0x00, 0xdb, 0x18, 0xcb, 0x2c, 0x04, 0xb3, 0xed,
    0xd0, 0x3c, 0xc7, 0x44, 0xa2, 0x88, 0x8a, 0xe4, 0x0c, 0xaa, 0x23, 0x29, 0x46, 0xc5, 0xe7, 0xe1,
};
static const uint8_t G2_GEN[192] = {
    0x13, 0xe0, 0x2b, 0x60, 0x52, 0x71, 0x9f, 0x60, 0x7d, 0xac, 0xd3, 0xa0, 0x88, 0x27, 0x4f, 0x65,
    0x59, 0x6b, 0xd0, 0xd0, 0x99, 0x20, 0xb6, 0x1a, 0xb5, 0xda, 0x61, 0xbb, 0xdc, 0x7f, 0x50, 0x49,
    0x33, 0x4c, 0xf1, 0x12, 0x13, 0x94, 0x5d, 0x57, 0xe5, 0xac, 0x7d, 0x05, 0x5d, 0x04, 0x2b, 0x7e,
    0x02, 0x4a, 0xa2, 0xb2, 0xf0, 0x8f, 0x0a, 0x91, 0x26, 0x08, 0x05, 0x27, 0x2d, 0xc5, 0x10, 0x51,
    0xc6, 0xe4, 0x7a, 0xd4, 0xfa, 0x40, 0x3b, 0x02, 0xb4, 0x51, 0x0b, 0x64, 0x7a, 0xe3, 0xd1, 0x77,
    0x0b, 0xac, 0x03, 0x26, 0xa8, 0x05, 0xbb, 0xef, 0xd4, 0x80, 0x56, 0xc8, 0xc1, 0x21, 0xbd, 0xb8,
    0x06, 0x06, 0xc4, 0xa0, 0x2e, 0xa7, 0x34, 0xcc, 0x32, 0xac, 0xd2, 0xb0, 0x2b, 0xc2, 0x8b, 0x99,
    0xcb, 0x3e, 0x28, 0x7e, 0x85, 0xa7, 0x63, 0xaf, 0x26, 0x74, 0x92, 0xab, 0x57, 0x2e, 0x99, 0xab,
    0x3f, 0x37, 0x0d, 0x27, 0x5c, 0xec, 0x1d, 0xa1, 0xaa, 0xa9, 0x07, 0x5f, 0xf0, 0x5f, 0x79, 0xbe,
    0x0c, 0xe5, 0xd5, 0x27, 0x72, 0x7d, 0x6e, 0x11, 0x8c, 0xc9, 0xcd, 0xc6, 0xda, 0x2e, 0x35, 0x1a,
    0xad, 0xfd, 0x9b, 0xaa, 0x8c, 0xbd, 0xd3, 0xa7, 0x6d, 0x42, 0x9a, 0x69, 0x51, 0x60, 0xd1, 0x2c,
    0x92, 0x3a, 0xc9, 0xcc, 0x3b, 0xac, 0xa2, 0x89, 0xe1, 0x93, 0x54, 0x86, 0x08, 0xb8, 0x28, 0x01,
};

void zg_bls12_381_g1_generator(zg_bls12_381_g1 *p) { g1_decode(p, G1_GEN, 0, 0); }
void zg_bls12_381_g1_identity(zg_bls12_381_g1 *p) { g1_set_inf(p); }
int zg_bls12_381_g1_is_identity(const zg_bls12_381_g1 *p) { return (int)g1_is_inf(p); }
int zg_bls12_381_g1_eq(const zg_bls12_381_g1 *a, const zg_bls12_381_g1 *b) { return (int)g1_eq(a, b); }
int zg_bls12_381_g1_on_curve(const zg_bls12_381_g1 *p) { return (int)g1_on_curve(p); }
int zg_bls12_381_g1_in_subgroup(const zg_bls12_381_g1 *p) { return g1_on_curve(p) && g1_in_subgroup_vartime(p); }
void zg_bls12_381_g1_add(zg_bls12_381_g1 *r, const zg_bls12_381_g1 *a, const zg_bls12_381_g1 *b) { g1_add(r, a, b); }
void zg_bls12_381_g1_dbl(zg_bls12_381_g1 *r, const zg_bls12_381_g1 *a) { g1_dbl(r, a); }
void zg_bls12_381_g1_neg(zg_bls12_381_g1 *r, const zg_bls12_381_g1 *a) { g1_neg(r, a); }

void zg_bls12_381_g1_mul(zg_bls12_381_g1 *r, const zg_bls12_381_g1 *p, const uint8_t k[32])
{
    uint64_t s[4];
    scalar_from_be(s, k);
    g1_mul_ct(r, p, s);
}

void zg_bls12_381_g1_mul_vartime(zg_bls12_381_g1 *r, const zg_bls12_381_g1 *p, const uint8_t k[32])
{
    uint64_t s[4];
    scalar_from_be(s, k);
    g1_mul_vartime(r, p, s);
}

/* big-endian scalars -> limbs, then the group's bucket method */
#define MSM_WRAPPER(G, PT)                                                                         \
    int zg_bls12_381_##G##_msm_vartime(PT *r, const PT *points, const uint8_t (*scalars)[32], size_t n) \
    {                                                                                              \
        uint64_t(*k)[4] = malloc((n ? n : 1) * sizeof *k);                                         \
        if (!k) return ZG_ENOMEM;                                                                  \
        for (size_t i = 0; i < n; i++) scalar_from_be(k[i], scalars[i]);                           \
        int rc = G##_msm_vartime(r, points, (const uint64_t(*)[4])k, n);                           \
        free(k);                                                                                   \
        return rc;                                                                                 \
    }
MSM_WRAPPER(g1, zg_bls12_381_g1)
MSM_WRAPPER(g2, zg_bls12_381_g2)

void zg_bls12_381_g2_generator(zg_bls12_381_g2 *q) { g2_decode(q, G2_GEN, 0, 0); }
void zg_bls12_381_g2_identity(zg_bls12_381_g2 *q) { g2_set_inf(q); }
int zg_bls12_381_g2_is_identity(const zg_bls12_381_g2 *q) { return (int)g2_is_inf(q); }
int zg_bls12_381_g2_eq(const zg_bls12_381_g2 *a, const zg_bls12_381_g2 *b) { return (int)g2_eq(a, b); }
int zg_bls12_381_g2_on_curve(const zg_bls12_381_g2 *q) { return (int)g2_on_curve(q); }
int zg_bls12_381_g2_in_subgroup(const zg_bls12_381_g2 *q) { return g2_on_curve(q) && g2_in_subgroup_vartime(q); }
void zg_bls12_381_g2_add(zg_bls12_381_g2 *r, const zg_bls12_381_g2 *a, const zg_bls12_381_g2 *b) { g2_add(r, a, b); }
void zg_bls12_381_g2_dbl(zg_bls12_381_g2 *r, const zg_bls12_381_g2 *a) { g2_dbl(r, a); }
void zg_bls12_381_g2_neg(zg_bls12_381_g2 *r, const zg_bls12_381_g2 *a) { g2_neg(r, a); }

void zg_bls12_381_g2_mul(zg_bls12_381_g2 *r, const zg_bls12_381_g2 *q, const uint8_t k[32])
{
    uint64_t s[4];
    scalar_from_be(s, k);
    g2_mul_ct(r, q, s);
}

void zg_bls12_381_g2_mul_vartime(zg_bls12_381_g2 *r, const zg_bls12_381_g2 *q, const uint8_t k[32])
{
    uint64_t s[4];
    scalar_from_be(s, k);
    g2_mul_vartime(r, q, s);
}

void zg_bls12_381_miller_loop(zg_bls12_381_gt *f, const zg_bls12_381_g1 *p, const zg_bls12_381_g2 *q, size_t n)
{
    pairing_acc pa;
    pacc_init(&pa);
    for (size_t i = 0; i < n; i++) {
        g1 a;
        g2 b;
        g1_aff pa1;
        g2_aff qa;
        g1_to_affine(&a, &p[i]);
        g2_to_affine(&b, &q[i]);
        if (g1_is_inf(&a) || g2_is_inf(&b)) continue;
        pa1.x = a.x;
        pa1.y = a.y;
        qa.x = b.x;
        qa.y = b.y;
        pacc_add(&pa, &pa1, &qa);
    }
    pacc_flush(&pa);
    *f = pa.acc;
}

void zg_bls12_381_final_exp(zg_bls12_381_gt *r, const zg_bls12_381_gt *f) { final_exp(r, f); }

void zg_bls12_381_multi_pairing(zg_bls12_381_gt *r, const zg_bls12_381_g1 *p, const zg_bls12_381_g2 *q, size_t n)
{
    fp12 f;
    zg_bls12_381_miller_loop(&f, p, q, n);
    final_exp(r, &f);
}

void zg_bls12_381_pairing_eval(zg_bls12_381_gt *r, const zg_bls12_381_g1 *p, const zg_bls12_381_g2 *q)
{
    zg_bls12_381_multi_pairing(r, p, q, 1);
}

int zg_bls12_381_pairing_check(const zg_bls12_381_g1 *p, const zg_bls12_381_g2 *q, size_t n)
{
    fp12 r;
    zg_bls12_381_multi_pairing(&r, p, q, n);
    return (int)fp12_is_one(&r);
}

int zg_bls12_381_gt_is_one(const zg_bls12_381_gt *a) { return (int)fp12_is_one(a); }
int zg_bls12_381_gt_eq(const zg_bls12_381_gt *a, const zg_bls12_381_gt *b) { return (int)fp12_eq(a, b); }
void zg_bls12_381_gt_mul(zg_bls12_381_gt *r, const zg_bls12_381_gt *a, const zg_bls12_381_gt *b)
{
    fp12_mul(r, a, b);
}

void zg_bls12_381_gt_pow_vartime(zg_bls12_381_gt *r, const zg_bls12_381_gt *a, const uint8_t k[32])
{
    uint64_t s[4];
    scalar_from_be(s, k);
    fp12_pow_vartime(r, a, s, 4);
}
