/* curves_group.h — group law of a short Weierstrass curve y^2 = x^3 + b
 * (a = 0), instantiated per group (internal to libzgsupport).
 *
 * The including file defines:
 *   GP   function prefix (g1 / g2)
 *   GF   field function prefix (fp / fp2)
 *   PT   point type {x, y, z}, FT field type
 *   G_B, G_B3  the constants b and 3b (FT)
 * and the macros are #undef'd at the end, so it can be included again.
 *
 * Points are homogeneous projective (X:Y:Z), x = X/Z, y = Y/Z, the identity
 * is (0:1:0).  Addition and doubling use the complete formulas of Renes,
 * Costello and Batina (2016, algorithms 7 and 9), which have no exceptional
 * cases, so the constant-time scalar multiplication needs no branch on
 * the points it handles.
 */
#define ZG_CAT_(a, b) a##b
#define ZG_CAT(a, b) ZG_CAT_(a, b)
#define F_(n) ZG_CAT(GF, ZG_CAT(_, n))
#define G_(n) ZG_CAT(GP, ZG_CAT(_, n))

static inline void G_(set_inf)(PT *r)
{
    F_(zero)(&r->x);
    F_(one)(&r->y);
    F_(zero)(&r->z);
}

static inline uint64_t G_(is_inf)(const PT *p) { return F_(is_zero)(&p->z); }

static inline void G_(cmov)(PT *r, const PT *a, uint64_t f)
{
    F_(cmov)(&r->x, &a->x, f);
    F_(cmov)(&r->y, &a->y, f);
    F_(cmov)(&r->z, &a->z, f);
}

static inline void G_(neg)(PT *r, const PT *p)
{
    r->x = p->x;
    F_(neg)(&r->y, &p->y);
    r->z = p->z;
}

/* r = p + q (complete; r may alias p or q) */
ZG_MAYBE_UNUSED static void G_(add)(PT *r, const PT *p, const PT *q)
{
    FT t0, t1, t2, t3, t4, x3, y3, z3;
    F_(mul)(&t0, &p->x, &q->x);
    F_(mul)(&t1, &p->y, &q->y);
    F_(mul)(&t2, &p->z, &q->z);
    F_(add)(&t3, &p->x, &p->y);
    F_(add)(&t4, &q->x, &q->y);
    F_(mul)(&t3, &t3, &t4);
    F_(add)(&t4, &t0, &t1);
    F_(sub)(&t3, &t3, &t4);
    F_(add)(&t4, &p->y, &p->z);
    F_(add)(&x3, &q->y, &q->z);
    F_(mul)(&t4, &t4, &x3);
    F_(add)(&x3, &t1, &t2);
    F_(sub)(&t4, &t4, &x3);
    F_(add)(&x3, &p->x, &p->z);
    F_(add)(&y3, &q->x, &q->z);
    F_(mul)(&x3, &x3, &y3);
    F_(add)(&y3, &t0, &t2);
    F_(sub)(&y3, &x3, &y3);
    F_(add)(&x3, &t0, &t0);
    F_(add)(&t0, &x3, &t0);
    F_(mul)(&t2, &t2, &G_B3);
    F_(add)(&z3, &t1, &t2);
    F_(sub)(&t1, &t1, &t2);
    F_(mul)(&y3, &y3, &G_B3);
    F_(mul)(&x3, &t4, &y3);
    F_(mul)(&t2, &t3, &t1);
    F_(sub)(&x3, &t2, &x3);
    F_(mul)(&y3, &y3, &t0);
    F_(mul)(&t1, &t1, &z3);
    F_(add)(&y3, &t1, &y3);
    F_(mul)(&t0, &t0, &t3);
    F_(mul)(&z3, &z3, &t4);
    F_(add)(&z3, &z3, &t0);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

/* r = 2p (complete) */
ZG_MAYBE_UNUSED static void G_(dbl)(PT *r, const PT *p)
{
    FT t0, t1, t2, x3, y3, z3;
    F_(sqr)(&t0, &p->y);
    F_(add)(&z3, &t0, &t0);
    F_(add)(&z3, &z3, &z3);
    F_(add)(&z3, &z3, &z3);
    F_(mul)(&t1, &p->y, &p->z);
    F_(sqr)(&t2, &p->z);
    F_(mul)(&t2, &t2, &G_B3);
    F_(mul)(&x3, &t2, &z3);
    F_(add)(&y3, &t0, &t2);
    F_(mul)(&z3, &t1, &z3);
    F_(add)(&t1, &t2, &t2);
    F_(add)(&t2, &t1, &t2);
    F_(sub)(&t0, &t0, &t2);
    F_(mul)(&y3, &t0, &y3);
    F_(add)(&y3, &x3, &y3);
    F_(mul)(&t1, &p->x, &p->y);
    F_(mul)(&x3, &t0, &t1);
    F_(add)(&x3, &x3, &x3);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

/* 1 when p and q are the same point (constant time) */
static inline uint64_t G_(eq)(const PT *p, const PT *q)
{
    FT a, b;
    uint64_t ip = G_(is_inf)(p), iq = G_(is_inf)(q), same;
    F_(mul)(&a, &p->x, &q->z);
    F_(mul)(&b, &q->x, &p->z);
    same = F_(eq)(&a, &b);
    F_(mul)(&a, &p->y, &q->z);
    F_(mul)(&b, &q->y, &p->z);
    same &= F_(eq)(&a, &b);
    return (ip & iq) | (((ip | iq) ^ 1) & same);
}

/* 1 when Y^2 Z = X^3 + b Z^3 (the identity passes) */
static inline uint64_t G_(on_curve)(const PT *p)
{
    FT l, r, t;
    F_(sqr)(&l, &p->y);
    F_(mul)(&l, &l, &p->z);
    F_(sqr)(&r, &p->x);
    F_(mul)(&r, &r, &p->x);
    F_(sqr)(&t, &p->z);
    F_(mul)(&t, &t, &p->z);
    F_(mul)(&t, &t, &G_B);
    F_(add)(&r, &r, &t);
    return F_(eq)(&l, &r);
}

/* normalise to Z = 1 (the identity stays (0:1:0)) */
static inline void G_(to_affine)(PT *r, const PT *p)
{
    FT zi;
    uint64_t inf = G_(is_inf)(p);
    PT t, id;
    F_(inv)(&zi, &p->z);
    F_(mul)(&t.x, &p->x, &zi);
    F_(mul)(&t.y, &p->y, &zi);
    F_(one)(&t.z);
    G_(set_inf)(&id);
    G_(cmov)(&t, &id, inf);
    *r = t;
}

/* r = k p, k a 256-bit scalar (4 little-endian limbs), constant time:
 * fixed 4-bit windows, table lookups that touch every entry. */
ZG_MAYBE_UNUSED static void G_(mul_ct)(PT *r, const PT *p, const uint64_t k[4])
{
    PT tab[16], acc, sel;
    G_(set_inf)(&tab[0]);
    tab[1] = *p;
    for (int i = 2; i < 16; i++) {
        if (i & 1)
            G_(add)(&tab[i], &tab[i - 1], p);
        else
            G_(dbl)(&tab[i], &tab[i / 2]);
    }
    G_(set_inf)(&acc);
    for (int w = 63; w >= 0; w--) {
        uint64_t d = (k[w / 16] >> ((w % 16) * 4)) & 15;
        if (w != 63)
            for (int j = 0; j < 4; j++) G_(dbl)(&acc, &acc);
        sel = tab[0];
        for (uint64_t j = 1; j < 16; j++) {
            uint64_t x = j ^ d; /* eq = 1 iff x == 0 */
            G_(cmov)(&sel, &tab[j], ((x | (0 - x)) >> 63) ^ 1);
        }
        G_(add)(&acc, &acc, &sel);
    }
    *r = acc;
}

/* r = k p for a public scalar (variable time): width-5 NAF */
ZG_MAYBE_UNUSED static void G_(mul_vartime)(PT *r, const PT *p, const uint64_t k[4])
{
    int8_t naf[258];
    uint64_t v[5] = {k[0], k[1], k[2], k[3], 0};
    int len = 0;
    while (v[0] | v[1] | v[2] | v[3] | v[4]) {
        int d = 0;
        if (v[0] & 1) {
            d = (int)(v[0] & 31);
            if (d >= 16) d -= 32;
            /* v -= d */
            if (d > 0) {
                uint64_t b = (uint64_t)d;
                for (int i = 0; i < 5 && b; i++) {
                    uint64_t o = v[i];
                    v[i] = o - b;
                    b = o < b;
                }
            } else {
                uint64_t c = (uint64_t)(-d);
                for (int i = 0; i < 5 && c; i++) {
                    v[i] += c;
                    c = v[i] < c;
                }
            }
        }
        naf[len++] = (int8_t)d;
        for (int i = 0; i < 4; i++) v[i] = (v[i] >> 1) | (v[i + 1] << 63);
        v[4] >>= 1;
    }
    PT tab[8], p2, acc, t;
    tab[0] = *p; /* tab[i] = (2i+1) p */
    G_(dbl)(&p2, p);
    for (int i = 1; i < 8; i++) G_(add)(&tab[i], &tab[i - 1], &p2);
    G_(set_inf)(&acc);
    for (int i = len - 1; i >= 0; i--) {
        G_(dbl)(&acc, &acc);
        if (naf[i] > 0) {
            G_(add)(&acc, &acc, &tab[naf[i] / 2]);
        } else if (naf[i] < 0) {
            G_(neg)(&t, &tab[(-naf[i]) / 2]);
            G_(add)(&acc, &acc, &t);
        }
    }
    *r = acc;
}

/* r = sum k[i] p[i] for public scalars (Pippenger's bucket method,
 * variable time).  ZG_ENOMEM when the buckets cannot be allocated. */
ZG_MAYBE_UNUSED static int G_(msm_vartime)(PT *r, const PT *p, const uint64_t (*k)[4], size_t n)
{
    if (n < 8) {
        PT acc, t;
        G_(set_inf)(&acc);
        for (size_t i = 0; i < n; i++) {
            G_(mul_vartime)(&t, &p[i], k[i]);
            G_(add)(&acc, &acc, &t);
        }
        *r = acc;
        return ZG_OK;
    }
    int c = 2; /* window: about log2(n) - 2 bits, at most 14 */
    while (c < 14 && ((size_t)1 << (c + 3)) <= n) c++;
    size_t nb = ((size_t)1 << c) - 1;
    PT *bk = malloc(nb * sizeof *bk);
    if (!bk) return ZG_ENOMEM;
    PT acc, run, sum;
    G_(set_inf)(&acc);
    int nwin = (256 + c - 1) / c;
    for (int w = nwin - 1; w >= 0; w--) {
        int lo = w * c;
        for (int j = 0; j < c && w != nwin - 1; j++) G_(dbl)(&acc, &acc);
        for (size_t b = 0; b < nb; b++) G_(set_inf)(&bk[b]);
        for (size_t i = 0; i < n; i++) {
            /* c bits of k[i] from bit lo (may straddle two limbs) */
            uint64_t d = k[i][lo / 64] >> (lo % 64);
            if (lo % 64 + c > 64 && lo / 64 < 3) d |= k[i][lo / 64 + 1] << (64 - lo % 64);
            d &= nb;
            if (d) G_(add)(&bk[d - 1], &bk[d - 1], &p[i]);
        }
        /* sum_d d * bucket[d] as a running sum from the top */
        G_(set_inf)(&run);
        G_(set_inf)(&sum);
        for (size_t b = nb; b-- > 0;) {
            G_(add)(&run, &run, &bk[b]);
            G_(add)(&sum, &sum, &run);
        }
        G_(add)(&acc, &acc, &sum);
    }
    free(bk);
    *r = acc;
    return ZG_OK;
}

#undef F_
#undef G_
#undef GP
#undef GF
#undef PT
#undef FT
#undef G_B
#undef G_B3
