/* u256.c — the heavier 256-bit operations: division (Knuth algorithm D on
 * 64-bit limbs), modular add/mul over the full-width intermediate, exp. */
#include "config.h"
#include <zg/u256.h>

typedef zg_u128_t u128;

/* (hi:lo) / d with hi < d (so the quotient fits in 64 bits) */
static inline uint64_t div2by1(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__)
    uint64_t q, r;
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d) : "cc");
    *rem = r;
    return q;
#else
    u128 n = ((u128)hi << 64) | lo;
    *rem = (uint64_t)(n % d);
    return (uint64_t)(n / d);
#endif
}

static inline int sig_limbs(const uint64_t *a, int n)
{
    while (n > 0 && a[n - 1] == 0) n--;
    return n;
}

/* Multi-limb divisors: quotient digits from 3-by-2 division with a
 * precomputed reciprocal (Möller & Granlund, "Improved division by invariant
 * integers", IEEE TC 2011): one hardware divide per call for the
 * reciprocal, then each digit costs a few multiplications and is exact or
 * one too large, so the multiply-subtract needs at most one add-back. */

/* v = floor((B^2 - 1) / d) - B for normalised d (top bit set), B = 2^64 */
static inline uint64_t reciprocal_2by1(uint64_t d)
{
    uint64_t r;
    return div2by1(~d, ~0ULL, d, &r);
}

/* v = floor((B^3 - 1) / (d1:d0)) - B for normalised d1 */
static inline uint64_t reciprocal_3by2(uint64_t d1, uint64_t d0)
{
    uint64_t v = reciprocal_2by1(d1);
    uint64_t p = d1 * v + d0;
    if (p < d0) { /* the addition carried */
        v--;
        if (p >= d1) {
            v--;
            p -= d1;
        }
        p -= d1;
    }
    u128 t = (u128)v * d0;
    uint64_t t1 = (uint64_t)(t >> 64), t0 = (uint64_t)t;
    p += t1;
    if (p < t1) {
        v--;
        if (p > d1 || (p == d1 && t0 >= d0)) v--;
    }
    return v;
}

/* (u2:u1:u0) / (d1:d0) for normalised d1 and (u2:u1) < (d1:d0); the
 * remainder goes to (*r1:*r0) */
static inline uint64_t udivrem_3by2(uint64_t u2, uint64_t u1, uint64_t u0, uint64_t d1, uint64_t d0, uint64_t v,
                                    uint64_t *r1, uint64_t *r0)
{
    u128 q = (u128)v * u2 + (((u128)u2 << 64) | u1);
    uint64_t q1 = (uint64_t)(q >> 64), q0 = (uint64_t)q;
    uint64_t r1_ = u1 - q1 * d1;
    u128 d = ((u128)d1 << 64) | d0;
    u128 r = (((u128)r1_ << 64) | u0) - (u128)d0 * q1 - d;
    q1++;
    if ((uint64_t)(r >> 64) >= q0) {
        q1--;
        r += d;
    }
    if (__builtin_expect(r >= d, 0)) {
        q1++;
        r -= d;
    }
    *r1 = (uint64_t)(r >> 64);
    *r0 = (uint64_t)r;
    return q1;
}

/* un[0..n) -= q * dn[0..n); returns the limb still to subtract above */
static inline uint64_t submul(uint64_t *un, const uint64_t *dn, int n, uint64_t q)
{
    uint64_t c = 0;
    for (int i = 0; i < n; i++) {
        u128 p = (u128)q * dn[i] + c;
        uint64_t pl = (uint64_t)p, ph = (uint64_t)(p >> 64);
        ph += un[i] < pl;
        un[i] -= pl;
        c = ph;
    }
    return c;
}

/* un[0..n) += dn[0..n); returns the carry */
static inline uint64_t addback(uint64_t *un, const uint64_t *dn, int n)
{
    uint64_t c = 0;
    for (int i = 0; i < n; i++) {
        u128 t = (u128)un[i] + dn[i] + c;
        un[i] = (uint64_t)t;
        c = (uint64_t)(t >> 64);
    }
    return c;
}

/* Long division (Knuth's algorithm D with 3-by-2 quotient estimates, which
 * are exact or one too large): u has ulen limbs, v has vlen >= 1 limbs with
 * v[vlen-1] != 0, ulen >= vlen, ulen <= 8, vlen <= 4.  q receives
 * ulen-vlen+1 limbs and r vlen limbs. */
static void udivrem(uint64_t *q, uint64_t *r, const uint64_t *u, int ulen, const uint64_t *v, int vlen)
{
    if (vlen == 1) {
        /* a single-limb divisor: the hardware 128/64 divide, no
         * normalisation (measured faster than the reciprocal on CPUs with a
         * fast divider; the reciprocal pays off on longer divisors) */
        uint64_t rem = 0, d = v[0];
        for (int i = ulen - 1; i >= 0; i--) q[i] = div2by1(rem, u[i], d, &rem);
        r[0] = rem;
        return;
    }
    /* normalise so the divisor's top bit is set */
    const int s = __builtin_clzll(v[vlen - 1]);
    uint64_t dn[4], un[9];
    for (int i = vlen - 1; i > 0; i--) dn[i] = (v[i] << s) | (s ? v[i - 1] >> (64 - s) : 0);
    dn[0] = v[0] << s;
    un[ulen] = s ? u[ulen - 1] >> (64 - s) : 0;
    for (int i = ulen - 1; i > 0; i--) un[i] = (u[i] << s) | (s ? u[i - 1] >> (64 - s) : 0);
    un[0] = u[0] << s;

    const uint64_t d1 = dn[vlen - 1], d0 = dn[vlen - 2], rv = reciprocal_3by2(d1, d0);
    for (int j = ulen - vlen; j >= 0; j--) {
        const uint64_t u2 = un[j + vlen], u1 = un[j + vlen - 1], u0 = un[j + vlen - 2];
        uint64_t qhat;
        if (__builtin_expect(u2 == d1 && u1 == d0, 0)) {
            /* top limbs equal the divisor's: the digit is B-1 (3-by-2
             * needs (u2:u1) < (d1:d0)) */
            qhat = ~0ULL;
            uint64_t c = submul(un + j, dn, vlen, qhat);
            if (un[j + vlen] < c) { /* cannot happen by the bound; kept for safety */
                qhat--;
                un[j + vlen] += addback(un + j, dn, vlen);
            }
            un[j + vlen] -= c;
        } else {
            uint64_t r1, r0;
            qhat = udivrem_3by2(u2, u1, u0, d1, d0, rv, &r1, &r0);
            if (vlen > 2) { /* the lower divisor limbs */
                uint64_t c = submul(un + j, dn, vlen - 2, qhat);
                uint64_t b0 = r0 < c;
                r0 -= c;
                uint64_t neg = r1 < b0;
                r1 -= b0;
                if (__builtin_expect(neg, 0)) { /* one too large: add the divisor back */
                    qhat--;
                    u128 t = (u128)r0 + d0 + addback(un + j, dn, vlen - 2);
                    r0 = (uint64_t)t;
                    r1 += d1 + (uint64_t)(t >> 64); /* wraps back to non-negative */
                }
            }
            un[j + vlen - 2] = r0;
            un[j + vlen - 1] = r1;
            un[j + vlen] = 0;
        }
        q[j] = qhat;
    }
    for (int i = 0; i < vlen - 1; i++) r[i] = (un[i] >> s) | (s ? un[i + 1] << (64 - s) : 0);
    r[vlen - 1] = un[vlen - 1] >> s;
}

/* remainder of an n-limb number (n <= 8) by m (nonzero) */
static void mod_wide(zg_u256 *r, const uint64_t *u, int n, const zg_u256 *m)
{
    int ul = sig_limbs(u, n), vl = sig_limbs(m->w, 4);
    uint64_t q[8], rem[4] = {0, 0, 0, 0};
    if (ul < vl) {
        for (int i = 0; i < 4; i++) rem[i] = i < ul ? u[i] : 0;
    } else {
        udivrem(q, rem, u, ul, m->w, vl);
    }
    for (int i = 0; i < 4; i++) r->w[i] = i < vl ? rem[i] : 0;
}

ZG_EXPORT void zg_u256_divmod(zg_u256 *q, zg_u256 *rem, const zg_u256 *a, const zg_u256 *b)
{
    zg_u256 qq = ZG_U256_ZERO, rr = ZG_U256_ZERO;
    if (zg_u256_is_zero(b)) goto out;
    if (zg_u256_fits_u64(a) && zg_u256_fits_u64(b)) { /* the common EVM case */
        qq.w[0] = a->w[0] / b->w[0];
        rr.w[0] = a->w[0] % b->w[0];
        goto out;
    }
    if (zg_u256_lt(a, b)) {
        rr = *a;
        goto out;
    }
    {
        int ul = sig_limbs(a->w, 4), vl = sig_limbs(b->w, 4);
        uint64_t qw[4] = {0, 0, 0, 0}, rw[4] = {0, 0, 0, 0};
        udivrem(qw, rw, a->w, ul, b->w, vl);
        for (int i = 0; i < 4; i++) {
            qq.w[i] = i <= ul - vl ? qw[i] : 0;
            rr.w[i] = i < vl ? rw[i] : 0;
        }
    }
out:
    if (q) *q = qq;
    if (rem) *rem = rr;
}

ZG_EXPORT void zg_u256_div(zg_u256 *r, const zg_u256 *a, const zg_u256 *b) { zg_u256_divmod(r, NULL, a, b); }
ZG_EXPORT void zg_u256_mod(zg_u256 *r, const zg_u256 *a, const zg_u256 *b) { zg_u256_divmod(NULL, r, a, b); }

static inline void uabs(zg_u256 *r, const zg_u256 *a)
{
    if (zg_u256_is_neg(a))
        zg_u256_neg(r, a);
    else
        *r = *a;
}

ZG_EXPORT void zg_u256_sdiv(zg_u256 *r, const zg_u256 *a, const zg_u256 *b)
{
    int neg = zg_u256_is_neg(a) ^ zg_u256_is_neg(b);
    zg_u256 x, y, q;
    uabs(&x, a);
    uabs(&y, b);
    zg_u256_divmod(&q, NULL, &x, &y); /* |-2^255| = 2^255 as unsigned: wraps back correctly */
    if (neg)
        zg_u256_neg(r, &q);
    else
        *r = q;
}

ZG_EXPORT void zg_u256_smod(zg_u256 *r, const zg_u256 *a, const zg_u256 *b)
{
    int neg = zg_u256_is_neg(a);
    zg_u256 x, y, m;
    uabs(&x, a);
    uabs(&y, b);
    zg_u256_divmod(NULL, &m, &x, &y);
    if (neg)
        zg_u256_neg(r, &m);
    else
        *r = m;
}

ZG_EXPORT void zg_u256_addmod(zg_u256 *r, const zg_u256 *a, const zg_u256 *b, const zg_u256 *m)
{
    if (zg_u256_is_zero(m)) {
        *r = ZG_U256_ZERO;
        return;
    }
    if (zg_u256_lt(a, m) && zg_u256_lt(b, m)) { /* reduced operands: one conditional subtraction */
        zg_u256 s;
        int c = zg_u256_add(&s, a, b);
        if (c || !zg_u256_lt(&s, m)) zg_u256_sub(&s, &s, m);
        *r = s;
        return;
    }
    uint64_t u[5];
    zg_u256 s;
    u[4] = (uint64_t)zg_u256_add(&s, a, b);
    memcpy(u, s.w, sizeof s.w);
    mod_wide(r, u, 5, m);
}

ZG_EXPORT void zg_u256_mul_full(uint64_t out[8], const zg_u256 *a, const zg_u256 *b)
{
    uint64_t p[8] = {0};
    for (int i = 0; i < 4; i++) {
        uint64_t c = 0, ai = a->w[i];
        if (!ai) continue;
        for (int j = 0; j < 4; j++) {
            u128 t = (u128)ai * b->w[j] + p[i + j] + c;
            p[i + j] = (uint64_t)t;
            c = (uint64_t)(t >> 64);
        }
        p[i + 4] = c;
    }
    memcpy(out, p, sizeof p);
}

ZG_EXPORT int zg_u256_mul_overflow(zg_u256 *r, const zg_u256 *a, const zg_u256 *b)
{
    uint64_t p[8];
    zg_u256_mul_full(p, a, b);
    memcpy(r->w, p, sizeof r->w);
    return (p[4] | p[5] | p[6] | p[7]) != 0;
}

ZG_EXPORT void zg_u256_mulmod(zg_u256 *r, const zg_u256 *a, const zg_u256 *b, const zg_u256 *m)
{
    if (zg_u256_is_zero(m)) {
        *r = ZG_U256_ZERO;
        return;
    }
    uint64_t p[8];
    zg_u256_mul_full(p, a, b);
    mod_wide(r, p, 8, m);
}

/* r = a^2 mod 2^256: the cross products once and doubled, 4 full and 2
 * low multiplications instead of the 10 of a general product */
static inline void sqr(zg_u256 *r, const zg_u256 *a)
{
    const uint64_t a0 = a->w[0], a1 = a->w[1], a2 = a->w[2], a3 = a->w[3];
    u128 p01 = (u128)a0 * a1, p02 = (u128)a0 * a2, t;
    /* cross terms a0a1 B + a0a2 B^2 + (a0a3 + a1a2) B^3 */
    uint64_t x1 = (uint64_t)p01;
    t = (u128)(uint64_t)(p01 >> 64) + (uint64_t)p02;
    uint64_t x2 = (uint64_t)t;
    uint64_t x3 = (uint64_t)(p02 >> 64) + a0 * a3 + a1 * a2 + (uint64_t)(t >> 64);
    x3 = (x3 << 1) | (x2 >> 63);
    x2 = (x2 << 1) | (x1 >> 63);
    x1 <<= 1;
    /* plus the squares a0^2 + a1^2 B^2 */
    u128 s0 = (u128)a0 * a0, s1 = (u128)a1 * a1;
    r->w[0] = (uint64_t)s0;
    t = (u128)x1 + (uint64_t)(s0 >> 64);
    r->w[1] = (uint64_t)t;
    t = (u128)x2 + (uint64_t)s1 + (uint64_t)(t >> 64);
    r->w[2] = (uint64_t)t;
    r->w[3] = x3 + (uint64_t)(s1 >> 64) + (uint64_t)(t >> 64);
}

ZG_EXPORT void zg_u256_exp(zg_u256 *r, const zg_u256 *base, const zg_u256 *e)
{
    if (zg_u256_is_zero(e)) {
        *r = ZG_U256_ONE;
        return;
    }
    /* powers of two (common in compiled code: 2**n, 256**n) are a shift */
    if (!zg_u256_is_zero(base)) {
        zg_u256 bm1, t;
        zg_u256_sub(&bm1, base, &ZG_U256_ONE);
        zg_u256_and(&t, base, &bm1);
        if (zg_u256_is_zero(&t)) {
            uint64_t k = zg_u256_bitlen(base) - 1; /* base = 2^k */
            if (k == 0) {
                *r = ZG_U256_ONE;
                return;
            }
            uint64_t n = zg_u256_clamp(e, 256); /* k*n >= 256 -> 0 */
            zg_u256 one = ZG_U256_ONE;
            zg_u256_shl(r, &one, k * n >= 256 ? 256 : (unsigned)(k * n));
            return;
        }
    }
    zg_u256 b = *base, acc = *base;
    for (int i = (int)zg_u256_bitlen(e) - 2; i >= 0; i--) {
        sqr(&acc, &acc);
        if ((e->w[i >> 6] >> (i & 63)) & 1) zg_u256_mul(&acc, &acc, &b);
    }
    *r = acc;
}

ZG_EXPORT int zg_u256_load_be(zg_u256 *r, const uint8_t *b, size_t len)
{
    uint8_t buf[32] = {0};
    while (len > 32) {
        if (*b) return ZG_ERANGE;
        b++, len--;
    }
    if (len) memcpy(buf + 32 - len, b, len);
    zg_u256_load_be32(r, buf);
    return ZG_OK;
}

ZG_EXPORT size_t zg_u256_store_be_min(const zg_u256 *a, uint8_t out[32])
{
    uint8_t buf[32];
    size_t n = zg_u256_bytelen(a);
    zg_u256_store_be32(a, buf);
    memcpy(out, buf + 32 - n, n);
    return n;
}

ZG_EXPORT void zg_u256_store_be(const zg_u256 *a, uint8_t *out, size_t len)
{
    uint8_t buf[32];
    zg_u256_store_be32(a, buf);
    if (len > 32) {
        memset(out, 0, len - 32);
        out += len - 32;
        len = 32;
    }
    if (len) memcpy(out, buf + 32 - len, len);
}
