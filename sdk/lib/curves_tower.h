/* curves_tower.h — the extension tower used by pairings, instantiated per
 * curve (internal to libzgsupport, after curves_field.h).
 *
 *   Fp2  = Fp[u]  / (u^2 + 1)
 *   Fp6  = Fp2[v] / (v^3 - xi),   xi = XI_A + u
 *   Fp12 = Fp6[w] / (w^2 - v)     (so w^6 = xi)
 *
 * BN254 uses xi = 9 + u, BLS12-381 xi = 1 + u.  The including file defines
 * the types fp2 {c0,c1}, fp6 {c0,c1,c2}, fp12 {c0,c1}; fp_mul_xi_a(r, a)
 * (r = XI_A * a); and FROB1/FROB2/FROB3[6], the Frobenius coefficients
 * xi^(k(p^n-1)/6).  An Fp12 element is sum_k g_k w^k with
 *   g0 = c0.c0, g2 = c0.c1, g4 = c0.c2, g1 = c1.c0, g3 = c1.c1, g5 = c1.c2.
 * All arithmetic is constant time except the *_vartime functions and the
 * exponentiations by public constants.
 */

/* ---------------- Fp2 ---------------- */
static inline void fp2_zero(fp2 *r) { fp_zero(&r->c0); fp_zero(&r->c1); }
static inline void fp2_one(fp2 *r) { fp_one(&r->c0); fp_zero(&r->c1); }
static inline uint64_t fp2_is_zero(const fp2 *a) { return fp_is_zero(&a->c0) & fp_is_zero(&a->c1); }
static inline uint64_t fp2_eq(const fp2 *a, const fp2 *b) { return fp_eq(&a->c0, &b->c0) & fp_eq(&a->c1, &b->c1); }
static inline void fp2_cmov(fp2 *r, const fp2 *a, uint64_t f)
{
    fp_cmov(&r->c0, &a->c0, f);
    fp_cmov(&r->c1, &a->c1, f);
}
static inline void fp2_add(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp_add(&r->c0, &a->c0, &b->c0);
    fp_add(&r->c1, &a->c1, &b->c1);
}
static inline void fp2_sub(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp_sub(&r->c0, &a->c0, &b->c0);
    fp_sub(&r->c1, &a->c1, &b->c1);
}
static inline void fp2_dbl(fp2 *r, const fp2 *a) { fp_dbl(&r->c0, &a->c0); fp_dbl(&r->c1, &a->c1); }
static inline void fp2_neg(fp2 *r, const fp2 *a) { fp_neg(&r->c0, &a->c0); fp_neg(&r->c1, &a->c1); }
static inline void fp2_half(fp2 *r, const fp2 *a) { fp_half(&r->c0, &a->c0); fp_half(&r->c1, &a->c1); }
static inline void fp2_conj(fp2 *r, const fp2 *a) { r->c0 = a->c0; fp_neg(&r->c1, &a->c1); }

static inline void fp2_mul(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp v0, v1, s, t;
    fp_mul(&v0, &a->c0, &b->c0);
    fp_mul(&v1, &a->c1, &b->c1);
    fp_add(&s, &a->c0, &a->c1);
    fp_add(&t, &b->c0, &b->c1);
    fp_mul(&s, &s, &t);
    fp_sub(&r->c0, &v0, &v1);
    fp_sub(&s, &s, &v0);
    fp_sub(&r->c1, &s, &v1);
}

static inline void fp2_sqr(fp2 *r, const fp2 *a)
{
    fp s, d, m;
    fp_add(&s, &a->c0, &a->c1);
    fp_sub(&d, &a->c0, &a->c1);
    fp_mul(&m, &a->c0, &a->c1);
    fp_mul(&r->c0, &s, &d);
    fp_dbl(&r->c1, &m);
}

static inline void fp2_mul_fp(fp2 *r, const fp2 *a, const fp *b)
{
    fp_mul(&r->c0, &a->c0, b);
    fp_mul(&r->c1, &a->c1, b);
}

/* r = a * xi = (XI_A a0 - a1) + (a0 + XI_A a1) u */
static inline void fp2_mul_xi(fp2 *r, const fp2 *a)
{
    fp t0, t1;
    fp_mul_xi_a(&t0, &a->c0);
    fp_mul_xi_a(&t1, &a->c1);
    fp_sub(&t0, &t0, &a->c1);
    fp_add(&r->c1, &t1, &a->c0);
    r->c0 = t0;
}

static inline void fp2_inv(fp2 *r, const fp2 *a)
{
    fp n, t;
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    fp_inv(&n, &n);
    fp_mul(&r->c0, &a->c0, &n);
    fp_mul(&t, &a->c1, &n);
    fp_neg(&r->c1, &t);
}

#ifdef FP_P_3MOD4
/* Square root in Fp2 through the norm (p = 3 mod 4, so -1 is a non-square
 * and u = sqrt(-1)).  Variable time: only used to decompress public points.
 * Returns 1 and r with r^2 = a, or 0 when a is not a square. */
ZG_MAYBE_UNUSED static int fp2_sqrt_vartime(fp2 *r, const fp2 *a)
{
    fp t, n, s, x0, x1;
    fp2 c, c2;
    if (fp_is_zero(&a->c1)) {
        if (fp_sqrt(&x0, &a->c0)) {
            r->c0 = x0;
            fp_zero(&r->c1);
            return 1;
        }
        fp_neg(&t, &a->c0); /* a0 = -(x1^2) for r = x1 u */
        if (!fp_sqrt(&x1, &t)) return 0;
        fp_zero(&r->c0);
        r->c1 = x1;
        return 1;
    }
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    if (!fp_sqrt(&s, &n)) return 0;
    /* x0^2 = (a0 +- sqrt(norm)) / 2, x1 = a1 / (2 x0) */
    fp_add(&t, &a->c0, &s);
    fp_half(&t, &t);
    if (!fp_sqrt(&x0, &t)) {
        fp_sub(&t, &a->c0, &s);
        fp_half(&t, &t);
        if (!fp_sqrt(&x0, &t)) return 0;
    }
    fp_dbl(&t, &x0);
    fp_inv(&t, &t);
    fp_mul(&x1, &a->c1, &t);
    c.c0 = x0;
    c.c1 = x1;
    fp2_sqr(&c2, &c);
    if (!fp2_eq(&c2, a)) return 0;
    *r = c;
    return 1;
}
#endif

/* ---------------- Fp6 ---------------- */
static inline void fp6_zero(fp6 *r) { fp2_zero(&r->c0); fp2_zero(&r->c1); fp2_zero(&r->c2); }
static inline void fp6_one(fp6 *r) { fp2_one(&r->c0); fp2_zero(&r->c1); fp2_zero(&r->c2); }
static inline uint64_t fp6_eq(const fp6 *a, const fp6 *b)
{
    return fp2_eq(&a->c0, &b->c0) & fp2_eq(&a->c1, &b->c1) & fp2_eq(&a->c2, &b->c2);
}
static inline uint64_t fp6_is_zero(const fp6 *a)
{
    return fp2_is_zero(&a->c0) & fp2_is_zero(&a->c1) & fp2_is_zero(&a->c2);
}
static inline void fp6_cmov(fp6 *r, const fp6 *a, uint64_t f)
{
    fp2_cmov(&r->c0, &a->c0, f);
    fp2_cmov(&r->c1, &a->c1, f);
    fp2_cmov(&r->c2, &a->c2, f);
}
static inline void fp6_add(fp6 *r, const fp6 *a, const fp6 *b)
{
    fp2_add(&r->c0, &a->c0, &b->c0);
    fp2_add(&r->c1, &a->c1, &b->c1);
    fp2_add(&r->c2, &a->c2, &b->c2);
}
static inline void fp6_sub(fp6 *r, const fp6 *a, const fp6 *b)
{
    fp2_sub(&r->c0, &a->c0, &b->c0);
    fp2_sub(&r->c1, &a->c1, &b->c1);
    fp2_sub(&r->c2, &a->c2, &b->c2);
}
static inline void fp6_neg(fp6 *r, const fp6 *a)
{
    fp2_neg(&r->c0, &a->c0);
    fp2_neg(&r->c1, &a->c1);
    fp2_neg(&r->c2, &a->c2);
}

/* r = a * v = (xi a2, a0, a1) */
static inline void fp6_mul_v(fp6 *r, const fp6 *a)
{
    fp2 t;
    fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

/* Karatsuba-style product (6 Fp2 multiplications) */
static inline void fp6_mul(fp6 *r, const fp6 *a, const fp6 *b)
{
    fp2 v0, v1, v2, s, t, c0, c1, c2;
    fp2_mul(&v0, &a->c0, &b->c0);
    fp2_mul(&v1, &a->c1, &b->c1);
    fp2_mul(&v2, &a->c2, &b->c2);
    /* c0 = v0 + xi((a1+a2)(b1+b2) - v1 - v2) */
    fp2_add(&s, &a->c1, &a->c2);
    fp2_add(&t, &b->c1, &b->c2);
    fp2_mul(&c0, &s, &t);
    fp2_sub(&c0, &c0, &v1);
    fp2_sub(&c0, &c0, &v2);
    fp2_mul_xi(&c0, &c0);
    fp2_add(&c0, &c0, &v0);
    /* c1 = (a0+a1)(b0+b1) - v0 - v1 + xi v2 */
    fp2_add(&s, &a->c0, &a->c1);
    fp2_add(&t, &b->c0, &b->c1);
    fp2_mul(&c1, &s, &t);
    fp2_sub(&c1, &c1, &v0);
    fp2_sub(&c1, &c1, &v1);
    fp2_mul_xi(&t, &v2);
    fp2_add(&c1, &c1, &t);
    /* c2 = (a0+a2)(b0+b2) - v0 - v2 + v1 */
    fp2_add(&s, &a->c0, &a->c2);
    fp2_add(&t, &b->c0, &b->c2);
    fp2_mul(&c2, &s, &t);
    fp2_sub(&c2, &c2, &v0);
    fp2_sub(&c2, &c2, &v2);
    fp2_add(&r->c2, &c2, &v1);
    r->c0 = c0;
    r->c1 = c1;
}

/* Chung–Hasan SQR2 */
static inline void fp6_sqr(fp6 *r, const fp6 *a)
{
    fp2 s0, s1, s2, s3, s4, t;
    fp2_sqr(&s0, &a->c0);
    fp2_mul(&s1, &a->c0, &a->c1);
    fp2_dbl(&s1, &s1);
    fp2_sub(&t, &a->c0, &a->c1);
    fp2_add(&t, &t, &a->c2);
    fp2_sqr(&s2, &t);
    fp2_mul(&s3, &a->c1, &a->c2);
    fp2_dbl(&s3, &s3);
    fp2_sqr(&s4, &a->c2);
    /* c0 = s0 + xi s3, c1 = s1 + xi s4, c2 = s1 + s2 + s3 - s0 - s4 */
    fp2_mul_xi(&t, &s3);
    fp2_add(&r->c0, &s0, &t);
    fp2_mul_xi(&t, &s4);
    fp2_add(&t, &t, &s1);
    fp2_add(&s1, &s1, &s2);
    fp2_add(&s1, &s1, &s3);
    fp2_sub(&s1, &s1, &s0);
    fp2_sub(&r->c2, &s1, &s4);
    r->c1 = t;
}

static inline void fp6_mul_fp2(fp6 *r, const fp6 *a, const fp2 *b)
{
    fp2_mul(&r->c0, &a->c0, b);
    fp2_mul(&r->c1, &a->c1, b);
    fp2_mul(&r->c2, &a->c2, b);
}

/* r = a * (b0 + b1 v)  (5 Fp2 multiplications) */
static inline void fp6_mul_by_01(fp6 *r, const fp6 *a, const fp2 *b0, const fp2 *b1)
{
    fp2 v0, v1, c0, c1, c2, s, t;
    fp2_mul(&v0, &a->c0, b0);
    fp2_mul(&v1, &a->c1, b1);
    /* c0 = v0 + xi a2 b1 */
    fp2_mul(&c0, &a->c2, b1);
    fp2_mul_xi(&c0, &c0);
    fp2_add(&c0, &c0, &v0);
    /* c1 = (a0+a1)(b0+b1) - v0 - v1 */
    fp2_add(&s, &a->c0, &a->c1);
    fp2_add(&t, b0, b1);
    fp2_mul(&c1, &s, &t);
    fp2_sub(&c1, &c1, &v0);
    fp2_sub(&c1, &c1, &v1);
    /* c2 = a2 b0 + v1 */
    fp2_mul(&c2, &a->c2, b0);
    fp2_add(&r->c2, &c2, &v1);
    r->c0 = c0;
    r->c1 = c1;
}

/* r = a * (b1 v) = (xi a2 b1, a0 b1, a1 b1) */
static inline void fp6_mul_by_1(fp6 *r, const fp6 *a, const fp2 *b1)
{
    fp2 t0, t1, t2;
    fp2_mul(&t0, &a->c2, b1);
    fp2_mul_xi(&t0, &t0);
    fp2_mul(&t1, &a->c0, b1);
    fp2_mul(&t2, &a->c1, b1);
    r->c0 = t0;
    r->c1 = t1;
    r->c2 = t2;
}

static inline void fp6_inv(fp6 *r, const fp6 *a)
{
    fp2 t0, t1, t2, s, d;
    /* t0 = a0^2 - xi a1 a2, t1 = xi a2^2 - a0 a1, t2 = a1^2 - a0 a2 */
    fp2_sqr(&t0, &a->c0);
    fp2_mul(&s, &a->c1, &a->c2);
    fp2_mul_xi(&s, &s);
    fp2_sub(&t0, &t0, &s);
    fp2_sqr(&t1, &a->c2);
    fp2_mul_xi(&t1, &t1);
    fp2_mul(&s, &a->c0, &a->c1);
    fp2_sub(&t1, &t1, &s);
    fp2_sqr(&t2, &a->c1);
    fp2_mul(&s, &a->c0, &a->c2);
    fp2_sub(&t2, &t2, &s);
    /* d = a0 t0 + xi (a2 t1 + a1 t2) */
    fp2_mul(&d, &a->c2, &t1);
    fp2_mul(&s, &a->c1, &t2);
    fp2_add(&d, &d, &s);
    fp2_mul_xi(&d, &d);
    fp2_mul(&s, &a->c0, &t0);
    fp2_add(&d, &d, &s);
    fp2_inv(&d, &d);
    fp2_mul(&r->c0, &t0, &d);
    fp2_mul(&r->c1, &t1, &d);
    fp2_mul(&r->c2, &t2, &d);
}

/* ---------------- Fp12 ---------------- */
static inline void fp12_one(fp12 *r) { fp6_one(&r->c0); fp6_zero(&r->c1); }
static inline uint64_t fp12_eq(const fp12 *a, const fp12 *b)
{
    return fp6_eq(&a->c0, &b->c0) & fp6_eq(&a->c1, &b->c1);
}
static inline uint64_t fp12_is_one(const fp12 *a)
{
    fp12 one;
    fp12_one(&one);
    return fp12_eq(a, &one);
}
static inline void fp12_cmov(fp12 *r, const fp12 *a, uint64_t f)
{
    fp6_cmov(&r->c0, &a->c0, f);
    fp6_cmov(&r->c1, &a->c1, f);
}
static inline void fp12_conj(fp12 *r, const fp12 *a)
{
    r->c0 = a->c0;
    fp6_neg(&r->c1, &a->c1);
}

static inline void fp12_mul(fp12 *r, const fp12 *a, const fp12 *b)
{
    fp6 t0, t1, s, t;
    fp6_mul(&t0, &a->c0, &b->c0);
    fp6_mul(&t1, &a->c1, &b->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_add(&t, &b->c0, &b->c1);
    fp6_mul(&s, &s, &t);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&r->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}

/* complex squaring: (a0 + a1 w)^2 = (a0^2 + v a1^2) + 2 a0 a1 w */
static inline void fp12_sqr(fp12 *r, const fp12 *a)
{
    fp6 t, s, u, va1;
    fp6_mul(&t, &a->c0, &a->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_mul_v(&va1, &a->c1);
    fp6_add(&u, &a->c0, &va1);
    fp6_mul(&s, &s, &u); /* a0^2 + v a1^2 + (1+v) a0 a1 */
    fp6_sub(&s, &s, &t);
    fp6_mul_v(&u, &t);
    fp6_sub(&r->c0, &s, &u);
    fp6_add(&r->c1, &t, &t);
}

static inline void fp12_inv(fp12 *r, const fp12 *a)
{
    fp6 t0, t1;
    fp6_sqr(&t0, &a->c0);
    fp6_sqr(&t1, &a->c1);
    fp6_mul_v(&t1, &t1);
    fp6_sub(&t0, &t0, &t1); /* norm to Fp6: a0^2 - v a1^2 */
    fp6_inv(&t0, &t0);
    fp6_mul(&r->c0, &a->c0, &t0);
    fp6_mul(&t1, &a->c1, &t0);
    fp6_neg(&r->c1, &t1);
}

/* r = a^(p^n), n in 1..3 */
static inline void fp12_frob(fp12 *r, const fp12 *a, int n)
{
    const fp2 *k = n == 1 ? FROB1 : n == 2 ? FROB2 : FROB3;
    fp2 *out[6] = {&r->c0.c0, &r->c1.c0, &r->c0.c1, &r->c1.c1, &r->c0.c2, &r->c1.c2};
    const fp2 *in[6] = {&a->c0.c0, &a->c1.c0, &a->c0.c1, &a->c1.c1, &a->c0.c2, &a->c1.c2};
    for (int i = 0; i < 6; i++) {
        fp2 g;
        if (n & 1)
            fp2_conj(&g, in[i]);
        else
            g = *in[i];
        if (i)
            fp2_mul(out[i], &g, &k[i]);
        else
            *out[i] = g;
    }
}

/* (a + b s)^2 in Fp4 = Fp2[s]/(s^2 - xi): (a^2 + xi b^2) + 2ab s */
static inline void fp4_sqr_(fp2 *r0, fp2 *r1, const fp2 *a, const fp2 *b)
{
    fp2 t0, t1, s;
    fp2_sqr(&t0, a);
    fp2_sqr(&t1, b);
    fp2_add(&s, a, b);
    fp2_sqr(&s, &s);
    fp2_sub(&s, &s, &t0);
    fp2_sub(r1, &s, &t1);
    fp2_mul_xi(&t1, &t1);
    fp2_add(r0, &t1, &t0);
}

/* Squaring in the cyclotomic subgroup (elements with a^(p^6+1) = 1, which
 * is what the easy part of the final exponentiation produces), after
 * Granger and Scott: with s = w^3, A = g0 + g3 s, B = g1 + g4 s, C = g2 + g5 s,
 *   A' = 3A^2 - 2 conj(A),  B' = 3 s C^2 + 2 conj(B),  C' = 3B^2 - 2 conj(C). */
static inline void fp12_cyc_sqr(fp12 *r, const fp12 *a)
{
    fp2 a0, a1, b0, b1, c0, c1, t;
    fp4_sqr_(&a0, &a1, &a->c0.c0, &a->c1.c1); /* A^2 */
    fp4_sqr_(&b0, &b1, &a->c1.c0, &a->c0.c2); /* B^2 */
    fp4_sqr_(&c0, &c1, &a->c0.c1, &a->c1.c2); /* C^2 */
    /* A' */
    fp2_sub(&t, &a0, &a->c0.c0);
    fp2_dbl(&t, &t);
    fp2_add(&r->c0.c0, &t, &a0);
    fp2_add(&t, &a1, &a->c1.c1);
    fp2_dbl(&t, &t);
    fp2_add(&r->c1.c1, &t, &a1);
    /* B': s C^2 = xi c1 + c0 s */
    fp2_mul_xi(&c1, &c1);
    fp2_add(&t, &c1, &a->c1.c0);
    fp2_dbl(&t, &t);
    fp2_add(&t, &t, &c1);
    fp2_sub(&a0, &c0, &a->c0.c2); /* reuse a0 */
    fp2_dbl(&a0, &a0);
    fp2_add(&r->c0.c2, &a0, &c0);
    r->c1.c0 = t;
    /* C' */
    fp2_sub(&t, &b0, &a->c0.c1);
    fp2_dbl(&t, &t);
    fp2_add(&r->c0.c1, &t, &b0);
    fp2_add(&t, &b1, &a->c1.c2);
    fp2_dbl(&t, &t);
    fp2_add(&r->c1.c2, &t, &b1);
}

/* r = a^e for a in the cyclotomic subgroup and a public exponent e */
ZG_MAYBE_UNUSED static void fp12_cyc_pow(fp12 *r, const fp12 *a, const uint64_t *e, int nlimbs)
{
    fp12 acc, base = *a;
    int top = nlimbs * 64 - 1;
    while (top >= 0 && !((e[top / 64] >> (top % 64)) & 1)) top--;
    fp12_one(&acc);
    for (int i = top; i >= 0; i--) {
        fp12_cyc_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1) fp12_mul(&acc, &acc, &base);
    }
    *r = acc;
}

/* r = a^e for a in the cyclotomic subgroup, e given in signed binary
 * (digits in {-1, 0, 1}, least significant first): a^-1 = conj(a) there */
ZG_MAYBE_UNUSED static void fp12_cyc_pow_naf(fp12 *r, const fp12 *a, const int8_t *d, int len)
{
    fp12 acc, inv;
    fp12_conj(&inv, a);
    acc = d[len - 1] > 0 ? *a : inv;
    for (int i = len - 2; i >= 0; i--) {
        fp12_cyc_sqr(&acc, &acc);
        if (d[i] > 0)
            fp12_mul(&acc, &acc, a);
        else if (d[i] < 0)
            fp12_mul(&acc, &acc, &inv);
    }
    *r = acc;
}

/* r = a^e for any a (generic squaring), public exponent */
ZG_MAYBE_UNUSED static void fp12_pow_vartime(fp12 *r, const fp12 *a, const uint64_t *e, int nlimbs)
{
    fp12 acc, base = *a;
    fp12_one(&acc);
    for (int i = nlimbs * 64 - 1; i >= 0; i--) {
        fp12_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1) fp12_mul(&acc, &acc, &base);
    }
    *r = acc;
}

/* The easy part of the final exponentiation: a^((p^6-1)(p^2+1)).  The
 * result lies in the cyclotomic subgroup. */
ZG_MAYBE_UNUSED static void fp12_final_exp_easy(fp12 *r, const fp12 *a)
{
    fp12 t0, t1;
    fp12_conj(&t0, a);
    fp12_inv(&t1, a);
    fp12_mul(&t0, &t0, &t1);
    fp12_frob(&t1, &t0, 2);
    fp12_mul(r, &t1, &t0);
}

/* Multiply by a sparse line for a D-type twist (BN254):
 * f *= (a + b w + c w^3), i.e. c0 = (a, 0, 0), c1 = (b, c, 0). */
static inline void fp12_mul_line_d(fp12 *f, const fp2 *a, const fp2 *b, const fp2 *c)
{
    fp6 t0, t1, s;
    fp2 ab;
    fp6_mul_fp2(&t0, &f->c0, a);
    fp6_mul_by_01(&t1, &f->c1, b, c);
    fp6_add(&s, &f->c0, &f->c1);
    fp2_add(&ab, a, b);
    fp6_mul_by_01(&f->c1, &s, &ab, c);
    fp6_sub(&f->c1, &f->c1, &t0);
    fp6_sub(&f->c1, &f->c1, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&f->c0, &t0, &t1);
}

/* Multiply by a sparse line for an M-type twist (BLS12-381):
 * f *= (a + b w^2 + c w^3), i.e. c0 = (a, b, 0), c1 = (0, c, 0). */
static inline void fp12_mul_line_m(fp12 *f, const fp2 *a, const fp2 *b, const fp2 *c)
{
    fp6 t0, t1, s;
    fp2 bc;
    fp6_mul_by_01(&t0, &f->c0, a, b);
    fp6_mul_by_1(&t1, &f->c1, c);
    fp6_add(&s, &f->c0, &f->c1);
    fp2_add(&bc, b, c);
    fp6_mul_by_01(&f->c1, &s, a, &bc);
    fp6_sub(&f->c1, &f->c1, &t0);
    fp6_sub(&f->c1, &f->c1, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&f->c0, &t0, &t1);
}
