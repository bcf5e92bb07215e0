/* bn254.c — BN254 (alt_bn128): field tower, G1/G2, optimal ate pairing and
 * the EVM precompiles 0x06-0x08 (EIP-196, EIP-197).
 *
 * The field constants below are in Montgomery form (R = 2^256), computed
 * offline from p, u and xi = 9 + u: b = 3 and 3b for G1; b' = 3/xi and 3b'
 * for the twist; FROBn[k] = xi^(k(p^n-1)/6).  tests/test_bn254.c exercises
 * every one of them: the generators must be on the curve / twist, the
 * final exponentiation (all FROBn) must equal f^((p^12-1)/r) computed by
 * plain exponentiation, the EIP-197 vectors must pair as expected, and the
 * psi-based subgroup test (FROB1[2], FROB1[3]) must agree with [r]Q.
 */
#include "config.h"
#include <string.h>
#include <zg/bn254.h>

typedef zg_bn254_fp fp;
typedef zg_bn254_fp2 fp2;
typedef zg_bn254_fp6 fp6;
typedef zg_bn254_fp12 fp12;
typedef zg_bn254_g1 g1;
typedef zg_bn254_g2 g2;

#define FP_N 4
#define FP_P_3MOD4 1
static const fp FP_MOD =
    {{0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL}};
static const fp FP_R2 =
    {{0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL}};
static const fp FP_ONE =
    {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}};
#define FP_INV 0x87d20782e4866389ULL
static const fp G1_B = {{0x7a17caa950ad28d7ULL, 0x1f6ac17ae15521b9ULL, 0x334bea4e696bd284ULL, 0x2a1f6744ce179d8eULL}};
static const fp G1_B3 =
    {{0xf60647ce410d7ff7ULL, 0x2f3d6f4dd31bd011ULL, 0x2943337e3940c6d1ULL, 0x1d9598e8a7e39857ULL}};
static const fp2 TWIST_B = {
    {{0x3bf938e377b802a8ULL, 0x020b1b273633535dULL, 0x26b7edf049755260ULL, 0x2514c6324384a86dULL}},
    {{0x38e7ecccd1dcff67ULL, 0x65f0b37d93ce0d3eULL, 0xd749d0dd22ac00aaULL, 0x0141b9ce4a688d4dULL}}};
static const fp2 TWIST_B3 = {
    {{0x3baa927cb62e0d6aULL, 0xd71e7c52d1b664fdULL, 0x03873e63d95d4664ULL, 0x0e75b5b1082ab8f4ULL}},
    {{0xaab7c6667596fe35ULL, 0x31d21a78bb6a27baULL, 0x85dd7297680401ffULL, 0x03c52d6adf39a7e9ULL}}};
static const fp2 FROB1[6] = {
    {
        {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0xaf9ba69633144907ULL, 0xca6b1d7387afb78aULL, 0x11bded5ef08a2087ULL, 0x02f34d751a1f3a7cULL}},
        {{0xa222ae234c492d72ULL, 0xd00f02a4565de15bULL, 0xdc2ff3a253dfc926ULL, 0x10a75716b3899551ULL}}},
    {
        {{0xb5773b104563ab30ULL, 0x347f91c8a9aa6454ULL, 0x7a007127242e0991ULL, 0x1956bcd8118214ecULL}},
        {{0x6e849f1ea0aa4757ULL, 0xaa1c7b6d89f89141ULL, 0xb6e713cdfae0ca3aULL, 0x26694fbb4e82ebc3ULL}}},
    {
        {{0xe4bbdd0c2936b629ULL, 0xbb30f162e133bacbULL, 0x31a9d1b6f9645366ULL, 0x253570bea500f8ddULL}},
        {{0xa1d77ce45ffe77c7ULL, 0x07affd117826d1dbULL, 0x6d16bd27bb7edc6bULL, 0x2c87200285defeccULL}}},
    {
        {{0x7361d77f843abe92ULL, 0xa5bb2bd3273411fbULL, 0x9c941f314b3e2399ULL, 0x15df9cddbb9fd3ecULL}},
        {{0x5dddfd154bd8c949ULL, 0x62cb29a5a4445b60ULL, 0x37bc870a0c7dd2b9ULL, 0x24830a9d3171f0fdULL}}},
    {
        {{0xc970692f41690fe7ULL, 0xe240342127694b0bULL, 0x32bee66b83c459e8ULL, 0x12aabced0ab08841ULL}},
        {{0x0d485d2340aebfa9ULL, 0x05193418ab2fcc57ULL, 0xd3b0a40b8a4910f5ULL, 0x2f21ebb535d2925aULL}}},
};
static const fp2 FROB2[6] = {
    {
        {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0xca8d800500fa1bf2ULL, 0xf0c5d61468b39769ULL, 0x0e201271ad0d4418ULL, 0x04290f65bad856e6ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x3350c88e13e80b9cULL, 0x7dce557cdb5e56b9ULL, 0x6001b4b8b615564aULL, 0x2682e617020217e0ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x68c3488912edefaaULL, 0x8d087f6872aabf4fULL, 0x51e1a24709081231ULL, 0x2259d6b14729c0faULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL, 0xaa303344d4741444ULL, 0x2c3b3f0d26594943ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x08cfc388c494f1abULL, 0x19b315148d1373d4ULL, 0x584e90fdcb6c0213ULL, 0x09e1685bdf2f8849ULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
};
static const fp2 FROB3[6] = {
    {
        {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}},
        {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    {
        {{0x365316184e46d97dULL, 0x0af7129ed4c96d9fULL, 0x659da72fca1009b5ULL, 0x08116d8983a20d23ULL}},
        {{0xb1df4af7c39c1939ULL, 0x3d9f02878a73bf7fULL, 0x9b2220928caf0ae0ULL, 0x26684515eff054a6ULL}}},
    {
        {{0xc9af22f716ad6badULL, 0xb311782a4aa662b2ULL, 0x19eeaf64e248c7f4ULL, 0x20273e77e3439f82ULL}},
        {{0xacc02860f7ce93acULL, 0x3933d5817ba76b4cULL, 0x69e6188b446c8467ULL, 0x0a46036d4417cc55ULL}}},
    {
        {{0x5764af0aaf46471eULL, 0xdc50792e873e0fc1ULL, 0x86a673ff881d04f6ULL, 0x0b2eddb43c30a74cULL}},
        {{0x9a490f32787e8580ULL, 0x8fd16d7ff04af8b1ULL, 0x4b39888ec6027bf2ULL, 0x03dd2e705b52a15dULL}}},
    {
        {{0x448a93a57b6762dfULL, 0xbfd62df528fdeadfULL, 0xd858f5d00e9bd47aULL, 0x06b03d4d3476ec58ULL}},
        {{0x2b19daf4bcc936d1ULL, 0xa1a54e7a56f4299fULL, 0xb533eee05adeaef1ULL, 0x170c812b84dda0b2ULL}}},
    {
        {{0xe0bc4b2275cf559fULL, 0xc238b945c154e60fULL, 0x803982a5929a7d5eULL, 0x15ce052df7e4a37eULL}},
        {{0x2d28efbdbf3799a7ULL, 0x9b097e3c1ad60773ULL, 0x982d4113af4a535bULL, 0x24e18991e3056063ULL}}},
};

/* the curve parameter u (p = 36u^4 + 36u^3 + 24u^2 + 6u + 1) */
#define BN_U 0x44e992b44a6909f1ULL

/* 6u + 2 in non-adjacent form, least significant digit first */
static const int8_t ATE_NAF[66] = {0, 0, 0, 1, 0, 1, 0, -1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, -1, 0, 0,
                                   0, 1, 0, -1, 0, 0, 0, 0, -1, 0, 0, 1, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0,
                                   -1, 0, 0, -1, 0, 1, 0, -1, 0, 0, 0, -1, 0, -1, 0, 0, 0, 1, 0, -1, 0, 1};

#include "curves_field.h"

/* r = 9a (xi = 9 + u) */
static inline void fp_mul_xi_a(fp *r, const fp *a)
{
    fp t;
    fp_dbl(&t, a);
    fp_dbl(&t, &t);
    fp_dbl(&t, &t);
    fp_add(r, &t, a);
}

#include "curves_tower.h"

/* ---------------- CPU dispatch, shared by every curve file ---------------- */
#ifdef ZG_CURVES_MULX
#include <cpuid.h>

int zg_curves_mulx_;

/* BMI2 (mulx) and ADX (adcx/adox): CPUID leaf 7, EBX bits 8 and 19 */
static int cpu_has_mulx(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return ((b >> 8) & 1) && ((b >> 19) & 1);
}

__attribute__((constructor)) static void curves_cpu_detect(void) { zg_curves_mulx_ = cpu_has_mulx(); }

int zg_curves_use_asm(int enable)
{
    int was = __atomic_load_n(&zg_curves_mulx_, __ATOMIC_RELAXED);
    if (enable >= 0) __atomic_store_n(&zg_curves_mulx_, enable && cpu_has_mulx(), __ATOMIC_RELAXED);
    return was;
}
#else
int zg_curves_use_asm(int enable) { return 0; }
#endif

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

/* ---------------- scalars and encodings ---------------- */

/* 32-byte big-endian -> 4 little-endian limbs */
static void scalar_from_be(uint64_t k[4], const uint8_t in[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | in[(3 - i) * 8 + j];
        k[i] = w;
    }
}

static int all_zero(const uint8_t *b, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= b[i];
    return acc == 0;
}

/* affine points for the Miller loop */
typedef struct { fp x, y; } g1_aff;
typedef struct { fp2 x, y; } g2_aff;

/* EIP-196 G1 decoding into affine coordinates; *inf set for (0,0) */
static int g1_decode(g1_aff *a, int *inf, const uint8_t in[64])
{
    g1 p;
    *inf = 0;
    if (!fp_from_be(&a->x, in) || !fp_from_be(&a->y, in + 32)) return ZG_EINVAL;
    if (all_zero(in, 64)) {
        *inf = 1;
        return ZG_OK;
    }
    p.x = a->x;
    p.y = a->y;
    fp_one(&p.z);
    return g1_on_curve(&p) ? ZG_OK : ZG_EINVAL;
}

/* psi = twist^-1 o Frobenius o twist on the D-type twist, projective:
 * (X:Y:Z) -> (conj(X) xi^((p-1)/3) : conj(Y) xi^((p-1)/2) : conj(Z)) */
static void g2_psi(g2 *r, const g2 *q)
{
    fp2_conj(&r->x, &q->x);
    fp2_mul(&r->x, &r->x, &FROB1[2]);
    fp2_conj(&r->y, &q->y);
    fp2_mul(&r->y, &r->y, &FROB1[3]);
    fp2_conj(&r->z, &q->z);
}

/* Membership in G2 for a point already on the twist, after El Housni,
 * Guillevic and Piellard (ePrint 2022/348): Q has order r iff
 *   [u+1]Q + psi([u]Q) + psi^2([u]Q) == psi^3([2u]Q).
 * Variable time (inputs are public). */
static int g2_in_subgroup_vartime(const g2 *q)
{
    uint64_t k[4] = {BN_U, 0, 0, 0};
    g2 xq, l, t, rr;
    g2_mul_vartime(&xq, q, k);
    g2_add(&l, &xq, q);
    g2_psi(&t, &xq);
    g2_add(&l, &l, &t);
    g2_psi(&t, &t);
    g2_add(&l, &l, &t);
    g2_dbl(&rr, &xq);
    g2_psi(&rr, &rr);
    g2_psi(&rr, &rr);
    g2_psi(&rr, &rr);
    return (int)g2_eq(&l, &rr);
}

/* EIP-197 G2 decoding (x_im|x_re|y_im|y_re) with the on-twist check and,
 * when subgroup is set, the G2 membership check */
static int g2_decode(g2_aff *a, int *inf, const uint8_t in[128], int subgroup)
{
    g2 q;
    *inf = 0;
    if (!fp_from_be(&a->x.c1, in) || !fp_from_be(&a->x.c0, in + 32) || !fp_from_be(&a->y.c1, in + 64) ||
        !fp_from_be(&a->y.c0, in + 96))
        return ZG_EINVAL;
    if (all_zero(in, 128)) {
        *inf = 1;
        return ZG_OK;
    }
    q.x = a->x;
    q.y = a->y;
    fp2_one(&q.z);
    if (!g2_on_curve(&q)) return ZG_EINVAL;
    if (subgroup && !g2_in_subgroup_vartime(&q)) return ZG_EINVAL;
    return ZG_OK;
}

/* ---------------- pairing ---------------- */

#define ZG_TWIST_D 1
#include "curves_pairing.h"

/* f = prod of the Miller loops f_{6u+2,Q}(P) with the two Frobenius
 * steps of the optimal ate pairing; n <= ML_CHUNK, no identities */
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
    for (int i = 64; i >= 0; i--) {
        if (i != 64) fp12_sqr(f, f);
        for (size_t j = 0; j < n; j++) {
            dbl_step(&T[j], &a, &b, &c, &P[j].x, &yn[j]);
            line_mul(f, &a, &b, &c);
        }
        if (ATE_NAF[i]) {
            for (size_t j = 0; j < n; j++) {
                g2_aff q = Q[j];
                if (ATE_NAF[i] < 0) fp2_neg(&q.y, &q.y);
                add_step(&T[j], &a, &b, &c, &q, &P[j].x, &yn[j]);
                line_mul(f, &a, &b, &c);
            }
        }
    }
    for (size_t j = 0; j < n; j++) {
        g2_aff q1, q2;
        /* Q1 = pi(Q), Q2 = -pi^2(Q) = (x xi^((p^2-1)/3), y) */
        fp2_conj(&q1.x, &Q[j].x);
        fp2_mul(&q1.x, &q1.x, &FROB1[2]);
        fp2_conj(&q1.y, &Q[j].y);
        fp2_mul(&q1.y, &q1.y, &FROB1[3]);
        fp2_mul(&q2.x, &Q[j].x, &FROB2[2]);
        q2.y = Q[j].y;
        add_step(&T[j], &a, &b, &c, &q1, &P[j].x, &yn[j]);
        line_mul(f, &a, &b, &c);
        add_step(&T[j], &a, &b, &c, &q2, &P[j].x, &yn[j]);
        line_mul(f, &a, &b, &c);
    }
}

/* u in non-adjacent form (24 non-zero digits instead of 28 bits set) */
static const int8_t U_NAF[63] = {1, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0,
                                 -1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, -1, 0, -1, 0, -1, 0,
                                 1, 0, 1, 0, 0, -1, 0, 1, 0, 1, 0, -1, 0, 0, 1, 0, 1, 0, 0, 0, 1};

static void exp_by_u(fp12 *r, const fp12 *a) { fp12_cyc_pow_naf(r, a, U_NAF, 63); }

/* f^((p^12-1)/r).  Hard part (p^4-p^2+1)/r = l0 + l1 p + l2 p^2 + l3 p^3
 * with l3 = 1, l2 = 6u^2+1, l1 = -36u^3-18u^2-12u+1, l0 = -36u^3-30u^2-18u-2
 * (Scott et al., "On the final exponentiation for calculating pairings on
 * ordinary elliptic curves"), evaluated as
 *   y0^1 y1^2 y2^6 y3^12 y4^18 y5^30 y6^36 with the addition chain below. */
static void final_exp(fp12 *r, const fp12 *f)
{
    fp12 t, fu, fu2, fu3, y0, y1, y2, y3, y4, y5, y6, s, T0, T1;
    fp12_final_exp_easy(&t, f);
    exp_by_u(&fu, &t);
    exp_by_u(&fu2, &fu);
    exp_by_u(&fu3, &fu2);
    fp12_frob(&y0, &t, 1); /* y0 = t^(p + p^2 + p^3) */
    fp12_frob(&s, &t, 2);
    fp12_mul(&y0, &y0, &s);
    fp12_frob(&s, &t, 3);
    fp12_mul(&y0, &y0, &s);
    fp12_conj(&y1, &t);      /* t^-1 */
    fp12_frob(&y2, &fu2, 2); /* t^(u^2 p^2) */
    fp12_frob(&y3, &fu, 1);
    fp12_conj(&y3, &y3); /* t^(-u p) */
    fp12_frob(&s, &fu2, 1);
    fp12_mul(&y4, &fu, &s);
    fp12_conj(&y4, &y4); /* t^(-u - u^2 p) */
    fp12_conj(&y5, &fu2); /* t^(-u^2) */
    fp12_frob(&s, &fu3, 1);
    fp12_mul(&y6, &fu3, &s);
    fp12_conj(&y6, &y6); /* t^(-u^3 - u^3 p) */
    fp12_cyc_sqr(&T0, &y6);
    fp12_mul(&T0, &T0, &y4);
    fp12_mul(&T0, &T0, &y5);
    fp12_mul(&T1, &y3, &y5);
    fp12_mul(&T1, &T1, &T0);
    fp12_mul(&T0, &T0, &y2);
    fp12_cyc_sqr(&T1, &T1);
    fp12_mul(&T1, &T1, &T0);
    fp12_cyc_sqr(&T1, &T1);
    fp12_mul(&T0, &T1, &y1);
    fp12_mul(&T1, &T1, &y0);
    fp12_cyc_sqr(&T0, &T0);
    fp12_mul(r, &T0, &T1);
}

/* ---------------- precompiles ---------------- */

static void g1_encode(uint8_t out[64], const g1 *p)
{
    g1 a;
    g1_to_affine(&a, p);
    if (g1_is_inf(&a)) {
        memset(out, 0, 64);
        return;
    }
    fp_to_be(out, &a.x);
    fp_to_be(out + 32, &a.y);
}

static void g1_from_aff(g1 *p, const g1_aff *a, int inf)
{
    if (inf) {
        g1_set_inf(p);
        return;
    }
    p->x = a->x;
    p->y = a->y;
    fp_one(&p->z);
}

int zg_bn254_add(const uint8_t in[128], uint8_t out[64])
{
    g1_aff a, b;
    int ia, ib;
    g1 p, q;
    if (g1_decode(&a, &ia, in) || g1_decode(&b, &ib, in + 64)) return ZG_EINVAL;
    g1_from_aff(&p, &a, ia);
    g1_from_aff(&q, &b, ib);
    g1_add(&p, &p, &q);
    g1_encode(out, &p);
    return ZG_OK;
}

int zg_bn254_mul(const uint8_t in[96], uint8_t out[64])
{
    g1_aff a;
    int ia;
    g1 p;
    uint64_t k[4];
    if (g1_decode(&a, &ia, in)) return ZG_EINVAL;
    g1_from_aff(&p, &a, ia);
    scalar_from_be(k, in + 64);
    g1_mul_vartime(&p, &p, k);
    g1_encode(out, &p);
    return ZG_OK;
}

int zg_bn254_pairing(const uint8_t *in, size_t len, uint8_t out[32])
{
    pairing_acc pa;
    fp12 r;
    if (len % 192) return ZG_EINVAL;
    pacc_init(&pa);
    for (size_t off = 0; off < len; off += 192) {
        g1_aff p;
        g2_aff q;
        int ip, iq;
        /* both halves are validated even when the other is the identity */
        if (g1_decode(&p, &ip, in + off) || g2_decode(&q, &iq, in + off + 64, 1)) return ZG_EINVAL;
        if (!ip && !iq) pacc_add(&pa, &p, &q);
    }
    pacc_final(&pa, &r);
    memset(out, 0, 32);
    out[31] = (uint8_t)fp12_is_one(&r);
    return ZG_OK;
}

/* ---------------- public API ---------------- */

int zg_bn254_g1_from_bytes(zg_bn254_g1 *p, const uint8_t in[64])
{
    g1_aff a;
    int inf;
    if (g1_decode(&a, &inf, in)) return ZG_EINVAL;
    g1_from_aff(p, &a, inf);
    return ZG_OK;
}

void zg_bn254_g1_to_bytes(uint8_t out[64], const zg_bn254_g1 *p) { g1_encode(out, p); }

static int g2_from_bytes(zg_bn254_g2 *q, const uint8_t in[128], int subgroup)
{
    g2_aff a;
    int inf;
    if (g2_decode(&a, &inf, in, subgroup)) return ZG_EINVAL;
    if (inf) {
        g2_set_inf(q);
        return ZG_OK;
    }
    q->x = a.x;
    q->y = a.y;
    fp2_one(&q->z);
    return ZG_OK;
}

int zg_bn254_g2_from_bytes(zg_bn254_g2 *q, const uint8_t in[128]) { return g2_from_bytes(q, in, 1); }
int zg_bn254_g2_from_bytes_unchecked(zg_bn254_g2 *q, const uint8_t in[128]) { return g2_from_bytes(q, in, 0); }

void zg_bn254_g2_to_bytes(uint8_t out[128], const zg_bn254_g2 *q)
{
    g2 a;
    g2_to_affine(&a, q);
    if (g2_is_inf(&a)) {
        memset(out, 0, 128);
        return;
    }
    fp_to_be(out, &a.x.c1);
    fp_to_be(out + 32, &a.x.c0);
    fp_to_be(out + 64, &a.y.c1);
    fp_to_be(out + 96, &a.y.c0);
}

void zg_bn254_g1_generator(zg_bn254_g1 *p)
{
    fp_from_u64(&p->x, 1);
    fp_from_u64(&p->y, 2);
    fp_one(&p->z);
}

void zg_bn254_g1_identity(zg_bn254_g1 *p) { g1_set_inf(p); }
int zg_bn254_g1_is_identity(const zg_bn254_g1 *p) { return (int)g1_is_inf(p); }
int zg_bn254_g1_eq(const zg_bn254_g1 *a, const zg_bn254_g1 *b) { return (int)g1_eq(a, b); }
int zg_bn254_g1_on_curve(const zg_bn254_g1 *p) { return (int)g1_on_curve(p); }
void zg_bn254_g1_add(zg_bn254_g1 *r, const zg_bn254_g1 *a, const zg_bn254_g1 *b) { g1_add(r, a, b); }
void zg_bn254_g1_dbl(zg_bn254_g1 *r, const zg_bn254_g1 *a) { g1_dbl(r, a); }
void zg_bn254_g1_neg(zg_bn254_g1 *r, const zg_bn254_g1 *a) { g1_neg(r, a); }

void zg_bn254_g1_mul(zg_bn254_g1 *r, const zg_bn254_g1 *p, const uint8_t k[32])
{
    uint64_t s[4];
    scalar_from_be(s, k);
    g1_mul_ct(r, p, s);
}

void zg_bn254_g1_mul_vartime(zg_bn254_g1 *r, const zg_bn254_g1 *p, const uint8_t k[32])
{
    uint64_t s[4];
    scalar_from_be(s, k);
    g1_mul_vartime(r, p, s);
}

/* generator of EIP-197 */
static const uint8_t G2_GEN_BYTES[128] = {
    0x19, 0x8e, 0x93, 0x93, 0x92, 0x0d, 0x48, 0x3a, 0x72, 0x60, 0xbf, 0xb7, 0x31, 0xfb, 0x5d, 0x25,
    0xf1, 0xaa, 0x49, 0x33, 0x35, 0xa9, 0xe7, 0x12, 0x97, 0xe4, 0x85, 0xb7, 0xae, 0xf3, 0x12, 0xc2,
    0x18, 0x00, 0xde, 0xef, 0x12, 0x1f, 0x1e, 0x76, 0x42, 0x6a, 0x00, 0x66, 0x5e, 0x5c, 0x44, 0x79,
    0x67, 0x43, 0x22, 0xd4, 0xf7, 0x5e, 0xda, 0xdd, 0x46, 0xde, 0xbd, 0x5c, 0xd9, 0x92, 0xf6, 0xed,
    0x09, 0x06, 0x89, 0xd0, 0x58, 0x5f, 0xf0, 0x75, 0xec, 0x9e, 0x99, 0xad, 0x69, 0x0c, 0x33, 0x95,
    0xbc, 0x4b, 0x31, 0x33, 0x70, 0xb3, 0x8e, 0xf3, 0x55, 0xac, 0xda, 0xdc, 0xd1, 0x22, 0x97, 0x5b,
    0x12, 0xc8, 0x5e, 0xa5, 0xdb, 0x8c, 0x6d, 0xeb, 0x4a, 0xab, 0x71, 0x80, 0x8d, 0xcb, 0x40, 0x8f,
    0xe3, 0xd1, 0xe7, 0x69, 0x0c, 0x43, 0xd3, 0x7b, 0x4c, 0xe6, 0xcc, 0x01, 0x66, 0xfa, 0x7d, 0xaa,
};

void zg_bn254_g2_generator(zg_bn254_g2 *q)
{
    fp_from_be(&q->x.c1, G2_GEN_BYTES);
    fp_from_be(&q->x.c0, G2_GEN_BYTES + 32);
    fp_from_be(&q->y.c1, G2_GEN_BYTES + 64);
    fp_from_be(&q->y.c0, G2_GEN_BYTES + 96);
    fp2_one(&q->z);
}

void zg_bn254_g2_identity(zg_bn254_g2 *q) { g2_set_inf(q); }
int zg_bn254_g2_is_identity(const zg_bn254_g2 *q) { return (int)g2_is_inf(q); }
int zg_bn254_g2_eq(const zg_bn254_g2 *a, const zg_bn254_g2 *b) { return (int)g2_eq(a, b); }
int zg_bn254_g2_on_curve(const zg_bn254_g2 *q) { return (int)g2_on_curve(q); }
int zg_bn254_g2_in_subgroup(const zg_bn254_g2 *q) { return g2_on_curve(q) && g2_in_subgroup_vartime(q); }
void zg_bn254_g2_add(zg_bn254_g2 *r, const zg_bn254_g2 *a, const zg_bn254_g2 *b) { g2_add(r, a, b); }
void zg_bn254_g2_dbl(zg_bn254_g2 *r, const zg_bn254_g2 *a) { g2_dbl(r, a); }
void zg_bn254_g2_neg(zg_bn254_g2 *r, const zg_bn254_g2 *a) { g2_neg(r, a); }

void zg_bn254_g2_mul(zg_bn254_g2 *r, const zg_bn254_g2 *q, const uint8_t k[32])
{
    uint64_t s[4];
    scalar_from_be(s, k);
    g2_mul_ct(r, q, s);
}

void zg_bn254_g2_mul_vartime(zg_bn254_g2 *r, const zg_bn254_g2 *q, const uint8_t k[32])
{
    uint64_t s[4];
    scalar_from_be(s, k);
    g2_mul_vartime(r, q, s);
}

void zg_bn254_miller_loop(zg_bn254_gt *f, const zg_bn254_g1 *p, const zg_bn254_g2 *q, size_t n)
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

void zg_bn254_final_exp(zg_bn254_gt *r, const zg_bn254_gt *f) { final_exp(r, f); }

void zg_bn254_multi_pairing(zg_bn254_gt *r, const zg_bn254_g1 *p, const zg_bn254_g2 *q, size_t n)
{
    fp12 f;
    zg_bn254_miller_loop(&f, p, q, n);
    final_exp(r, &f);
}

void zg_bn254_pairing_eval(zg_bn254_gt *r, const zg_bn254_g1 *p, const zg_bn254_g2 *q)
{
    zg_bn254_multi_pairing(r, p, q, 1);
}

int zg_bn254_gt_is_one(const zg_bn254_gt *a) { return (int)fp12_is_one(a); }
int zg_bn254_gt_eq(const zg_bn254_gt *a, const zg_bn254_gt *b) { return (int)fp12_eq(a, b); }
void zg_bn254_gt_mul(zg_bn254_gt *r, const zg_bn254_gt *a, const zg_bn254_gt *b) { fp12_mul(r, a, b); }

void zg_bn254_gt_pow_vartime(zg_bn254_gt *r, const zg_bn254_gt *a, const uint8_t k[32])
{
    uint64_t s[4];
    scalar_from_be(s, k);
    fp12_pow_vartime(r, a, s, 4);
}
