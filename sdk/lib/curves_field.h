/* curves_field.h — Montgomery prime-field arithmetic, instantiated per field.
 *
 * Internal to libzgsupport (bn254.c, bls12_381.c, bls12_381_fr.c).  The
 * including file defines, before including:
 *   FP_N                 number of 64-bit limbs
 *   typedef ... fp;      a struct with member uint64_t l[FP_N], little-endian
 *   FP_MOD, FP_R2, FP_ONE (static const fp: p, R^2 mod p, R mod p, R = 2^64N)
 *   FP_INV               -p^-1 mod 2^64
 * Every function is static (one copy per translation unit, no name clash).
 *
 * Elements are kept fully reduced in Montgomery form.  The moduli used here
 * (BN254 p, BLS12-381 p and r) all have a top limb below 2^63 - 1, which
 * allows the "no final carry" variant of CIOS multiplication (the running
 * sum never needs an extra limb) and lets a + b fit in FP_N limbs.
 * Everything is constant time (no branch or memory index depends on an
 * element's value) except the *_vartime helpers and exponentiations whose
 * exponent is a public constant.
 */
#ifndef ZG_CURVES_FIELD_H
#define ZG_CURVES_FIELD_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 zg_u128;

/* add/subtract with carry: adc/sbb chains on x86-64, __int128 elsewhere */
#if defined(__x86_64__)
#include <x86intrin.h>
static inline unsigned char zg_addc(unsigned char c, uint64_t a, uint64_t b, uint64_t *r)
{
    unsigned long long o;
    c = _addcarry_u64(c, a, b, &o);
    *r = o;
    return c;
}
static inline unsigned char zg_subb(unsigned char c, uint64_t a, uint64_t b, uint64_t *r)
{
    unsigned long long o;
    c = _subborrow_u64(c, a, b, &o);
    *r = o;
    return c;
}
#else
static inline unsigned char zg_addc(unsigned char c, uint64_t a, uint64_t b, uint64_t *r)
{
    zg_u128 s = (zg_u128)a + b + c;
    *r = (uint64_t)s;
    return (unsigned char)(s >> 64);
}
static inline unsigned char zg_subb(unsigned char c, uint64_t a, uint64_t b, uint64_t *r)
{
    zg_u128 d = (zg_u128)a - b - c;
    *r = (uint64_t)d;
    return (unsigned char)((d >> 64) & 1);
}
#endif

#define ZG_MAYBE_UNUSED __attribute__((unused))
#if defined(__clang__)
#define ZG_UNROLL _Pragma("unroll")
#else
#define ZG_UNROLL _Pragma("GCC unroll 8")
#endif

/* x86-64 with BMI2 and ADX: Montgomery multiplication in inline assembly
 * (mulx with two independent carry chains, adcx/adox).  The flag is set at
 * load time from CPUID (bn254.c) and read on every multiplication; the C
 * code below is the fallback and the reference. */
#if defined(__x86_64__) && !defined(ZG_CURVES_NO_ASM)
#define ZG_CURVES_MULX 1
extern int zg_curves_mulx_;
#endif
#endif /* ZG_CURVES_FIELD_H: the part above is shared, the rest is per field */

static inline void fp_zero(fp *r) { memset(r, 0, sizeof *r); }
static inline void fp_one(fp *r) { *r = FP_ONE; }

/* 1 when a == 0, else 0 (constant time) */
static inline uint64_t fp_is_zero(const fp *a)
{
    uint64_t t = 0;
    ZG_UNROLL for (int i = 0; i < FP_N; i++) t |= a->l[i];
    return ((t | (0 - t)) >> 63) ^ 1;
}

static inline uint64_t fp_eq(const fp *a, const fp *b)
{
    uint64_t t = 0;
    ZG_UNROLL for (int i = 0; i < FP_N; i++) t |= a->l[i] ^ b->l[i];
    return ((t | (0 - t)) >> 63) ^ 1;
}

/* r = flag ? a : r, flag in {0,1} */
static inline void fp_cmov(fp *r, const fp *a, uint64_t flag)
{
    uint64_t m = 0 - flag;
    ZG_UNROLL for (int i = 0; i < FP_N; i++) r->l[i] ^= m & (r->l[i] ^ a->l[i]);
}

/* r = t - p when t >= p, else t (t < 2p, FP_N limbs) */
static inline void fp_reduce_once_(fp *r, const uint64_t t[FP_N])
{
    uint64_t s[FP_N];
    unsigned char bw = 0;
    ZG_UNROLL for (int i = 0; i < FP_N; i++) bw = zg_subb(bw, t[i], FP_MOD.l[i], &s[i]);
    uint64_t keep = 0 - (uint64_t)bw; /* all ones when t < p */
    ZG_UNROLL for (int i = 0; i < FP_N; i++) r->l[i] = (t[i] & keep) | (s[i] & ~keep);
}

static inline void fp_add(fp *r, const fp *a, const fp *b)
{
    uint64_t t[FP_N];
    unsigned char c = 0;
    ZG_UNROLL for (int i = 0; i < FP_N; i++) c = zg_addc(c, a->l[i], b->l[i], &t[i]);
    fp_reduce_once_(r, t); /* a + b < 2p < 2^(64N): c is 0 */
}

static inline void fp_sub(fp *r, const fp *a, const fp *b)
{
    uint64_t t[FP_N];
    unsigned char bw = 0, c = 0;
    ZG_UNROLL for (int i = 0; i < FP_N; i++) bw = zg_subb(bw, a->l[i], b->l[i], &t[i]);
    uint64_t m = 0 - (uint64_t)bw; /* add p back on underflow */
    ZG_UNROLL for (int i = 0; i < FP_N; i++) c = zg_addc(c, t[i], FP_MOD.l[i] & m, &r->l[i]);
}

static inline void fp_dbl(fp *r, const fp *a) { fp_add(r, a, a); }

static inline void fp_neg(fp *r, const fp *a)
{
    uint64_t m = 0 - (fp_is_zero(a) ^ 1);
    unsigned char bw = 0;
    ZG_UNROLL for (int i = 0; i < FP_N; i++) {
        uint64_t d;
        bw = zg_subb(bw, FP_MOD.l[i], a->l[i], &d);
        r->l[i] = d & m;
    }
}

/* r = a / 2 */
static inline void fp_half(fp *r, const fp *a)
{
    uint64_t m = 0 - (a->l[0] & 1), t[FP_N];
    unsigned char c = 0;
    ZG_UNROLL for (int i = 0; i < FP_N; i++) c = zg_addc(c, a->l[i], FP_MOD.l[i] & m, &t[i]);
    /* a + p < 2^(64N): no carry out */
    ZG_UNROLL for (int i = 0; i < FP_N - 1; i++) r->l[i] = (t[i] >> 1) | (t[i + 1] << 63);
    r->l[FP_N - 1] = t[FP_N - 1] >> 1;
}

/* Montgomery product a*b/R mod p: CIOS without the extra carry limb, valid
 * because the top limb of p is < 2^63 - 1 (see the file comment). */
static inline void fp_mul_c_(fp *r, const fp *a, const fp *b)
{
    uint64_t t[FP_N] = {0};
    ZG_UNROLL for (int i = 0; i < FP_N; i++) {
        zg_u128 A = (zg_u128)a->l[0] * b->l[i] + t[0];
        t[0] = (uint64_t)A;
        A >>= 64;
        uint64_t m = t[0] * FP_INV;
        zg_u128 C = ((zg_u128)m * FP_MOD.l[0] + t[0]) >> 64;
        ZG_UNROLL for (int j = 1; j < FP_N; j++) {
            A += (zg_u128)a->l[j] * b->l[i] + t[j];
            t[j] = (uint64_t)A;
            A >>= 64;
            C += (zg_u128)m * FP_MOD.l[j] + t[j];
            t[j - 1] = (uint64_t)C;
            C >>= 64;
        }
        t[FP_N - 1] = (uint64_t)C + (uint64_t)A;
    }
    fp_reduce_once_(r, t);
}

#if defined(ZG_CURVES_MULX) && (FP_N == 4 || FP_N == 6)
#define FP_MUL_ASM 1
static const uint64_t fp_inv_const_ = FP_INV;

/* The same CIOS rows with mulx/adcx/adox: per row, the products a[j]*b[i]
 * and then m*p[j] are added with the low halves on the OF chain and the
 * high halves on the CF chain; the register that becomes zero after the
 * reduction (t0) is renamed to be the next row's top limb. */
static inline void fp_mul_asm_(fp *r, const fp *a, const fp *b)
{
    uint64_t t[FP_N + 1], lo, hi;
#if FP_N == 4
    __asm__(
        "xorl %k[t0], %k[t0]\n\t"
        "xorl %k[t1], %k[t1]\n\t"
        "xorl %k[t2], %k[t2]\n\t"
        "xorl %k[t3], %k[t3]\n\t"
        "xorl %k[t4], %k[t4]\n\t"
        "movq 0(%[b]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "adoxq %%rax, %[t4]\n\t"
        "movq %[t0], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq %[p0], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq %[p1], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq %[p2], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq %[p3], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "adoxq %%rax, %[t4]\n\t"
        "movq 8(%[b]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "adoxq %%rax, %[t0]\n\t"
        "movq %[t1], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq %[p0], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq %[p1], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq %[p2], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq %[p3], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "adoxq %%rax, %[t0]\n\t"
        "movq 16(%[b]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "adoxq %%rax, %[t1]\n\t"
        "movq %[t2], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq %[p0], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq %[p1], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq %[p2], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq %[p3], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "adoxq %%rax, %[t1]\n\t"
        "movq 24(%[b]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "adoxq %%rax, %[t2]\n\t"
        "movq %[t3], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq %[p0], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq %[p1], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq %[p2], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq %[p3], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "adoxq %%rax, %[t2]\n\t"
        : [t0] "=&r"(t[0]), [t1] "=&r"(t[1]), [t2] "=&r"(t[2]), [t3] "=&r"(t[3]), [t4] "=&r"(t[4]), [lo] "=&r"(lo), [hi] "=&r"(hi)
        : [a] "r"(a->l), [b] "r"(b->l), [p0] "m"(FP_MOD.l[0]), [p1] "m"(FP_MOD.l[1]), [p2] "m"(FP_MOD.l[2]), [p3] "m"(FP_MOD.l[3]), [inv] "m"(fp_inv_const_)
        : "rax", "rdx", "cc", "memory");
    {
        uint64_t v[FP_N] = {t[4], t[0], t[1], t[2]};
        fp_reduce_once_(r, v);
    }
#endif
#if FP_N == 6
    __asm__(
        "xorl %k[t0], %k[t0]\n\t"
        "xorl %k[t1], %k[t1]\n\t"
        "xorl %k[t2], %k[t2]\n\t"
        "xorl %k[t3], %k[t3]\n\t"
        "xorl %k[t4], %k[t4]\n\t"
        "xorl %k[t5], %k[t5]\n\t"
        "xorl %k[t6], %k[t6]\n\t"
        "movq 0(%[b]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 32(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t5]\n\t"
        "mulxq 40(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "adoxq %%rax, %[t6]\n\t"
        "movq %[t0], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq %[p0], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq %[p1], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq %[p2], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq %[p3], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq %[p4], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t5]\n\t"
        "mulxq %[p5], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "adoxq %%rax, %[t6]\n\t"
        "movq 8(%[b]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t5]\n\t"
        "mulxq 32(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "mulxq 40(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t6]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "adoxq %%rax, %[t0]\n\t"
        "movq %[t1], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq %[p0], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq %[p1], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq %[p2], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq %[p3], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t5]\n\t"
        "mulxq %[p4], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "mulxq %[p5], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t6]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "adoxq %%rax, %[t0]\n\t"
        "movq 16(%[b]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t5]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "mulxq 32(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t6]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq 40(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "adoxq %%rax, %[t1]\n\t"
        "movq %[t2], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq %[p0], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq %[p1], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq %[p2], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t5]\n\t"
        "mulxq %[p3], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "mulxq %[p4], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t6]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq %[p5], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "adoxq %%rax, %[t1]\n\t"
        "movq 24(%[b]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t5]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t6]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq 32(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq 40(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "adoxq %%rax, %[t2]\n\t"
        "movq %[t3], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq %[p0], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "mulxq %[p1], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t5]\n\t"
        "mulxq %[p2], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "mulxq %[p3], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t6]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq %[p4], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq %[p5], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "adoxq %%rax, %[t2]\n\t"
        "movq 32(%[b]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t5]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t6]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq 32(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq 40(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "adoxq %%rax, %[t3]\n\t"
        "movq %[t4], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq %[p0], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t4]\n\t"
        "adcxq %[hi], %[t5]\n\t"
        "mulxq %[p1], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "mulxq %[p2], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t6]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq %[p3], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq %[p4], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq %[p5], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "adoxq %%rax, %[t3]\n\t"
        "movq 40(%[b]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 0(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "mulxq 8(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t6]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq 16(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq 24(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq 32(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq 40(%[a]), %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "adoxq %%rax, %[t4]\n\t"
        "movq %[t5], %%rdx\n\t"
        "imulq %[inv], %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq %[p0], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t5]\n\t"
        "adcxq %[hi], %[t6]\n\t"
        "mulxq %[p1], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t6]\n\t"
        "adcxq %[hi], %[t0]\n\t"
        "mulxq %[p2], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t0]\n\t"
        "adcxq %[hi], %[t1]\n\t"
        "mulxq %[p3], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t1]\n\t"
        "adcxq %[hi], %[t2]\n\t"
        "mulxq %[p4], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t2]\n\t"
        "adcxq %[hi], %[t3]\n\t"
        "mulxq %[p5], %[lo], %[hi]\n\t"
        "adoxq %[lo], %[t3]\n\t"
        "adcxq %[hi], %[t4]\n\t"
        "adoxq %%rax, %[t4]\n\t"
        : [t0] "=&r"(t[0]), [t1] "=&r"(t[1]), [t2] "=&r"(t[2]), [t3] "=&r"(t[3]), [t4] "=&r"(t[4]), [t5] "=&r"(t[5]), [t6] "=&r"(t[6]), [lo] "=&r"(lo), [hi] "=&r"(hi)
        : [a] "r"(a->l), [b] "r"(b->l), [p0] "m"(FP_MOD.l[0]), [p1] "m"(FP_MOD.l[1]), [p2] "m"(FP_MOD.l[2]), [p3] "m"(FP_MOD.l[3]), [p4] "m"(FP_MOD.l[4]), [p5] "m"(FP_MOD.l[5]), [inv] "m"(fp_inv_const_)
        : "rax", "rdx", "cc", "memory");
    {
        uint64_t v[FP_N] = {t[6], t[0], t[1], t[2], t[3], t[4]};
        fp_reduce_once_(r, v);
    }
#endif
}
#endif

static inline void fp_mul(fp *r, const fp *a, const fp *b)
{
#ifdef FP_MUL_ASM
    if (__atomic_load_n(&zg_curves_mulx_, __ATOMIC_RELAXED)) {
        fp_mul_asm_(r, a, b);
        return;
    }
#endif
    fp_mul_c_(r, a, b);
}

static inline void fp_sqr(fp *r, const fp *a) { fp_mul(r, a, a); }

/* r = a^e for a public exponent e (nlimbs little-endian limbs); the
 * sequence of operations depends only on e. */
ZG_MAYBE_UNUSED static void fp_pow(fp *r, const fp *a, const uint64_t *e, int nlimbs)
{
    fp acc = FP_ONE, base = *a;
    int top = nlimbs * 64 - 1;
    while (top >= 0 && !((e[top / 64] >> (top % 64)) & 1)) top--;
    for (int i = top; i >= 0; i--) {
        fp_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1) fp_mul(&acc, &acc, &base);
    }
    *r = acc;
}

/* e = p - k for small k (p is odd and large: no underflow past limb 0) */
static inline void fp_mod_minus_(uint64_t e[FP_N], uint64_t k)
{
    uint64_t borrow = k;
    for (int i = 0; i < FP_N; i++) {
        uint64_t v = FP_MOD.l[i];
        e[i] = v - borrow;
        borrow = v < borrow;
    }
}

/* r = 1/a (Fermat, constant time); 0 maps to 0 */
static inline void fp_inv(fp *r, const fp *a)
{
    uint64_t e[FP_N];
    fp_mod_minus_(e, 2);
    fp_pow(r, a, e, FP_N);
}

/* r = a^((p-1)/2): 1 for non-zero squares, -1 for non-squares, 0 for 0 */
static inline void fp_legendre_(fp *r, const fp *a)
{
    uint64_t e[FP_N];
    fp_mod_minus_(e, 1);
    for (int i = 0; i < FP_N - 1; i++) e[i] = (e[i] >> 1) | (e[i + 1] << 63);
    e[FP_N - 1] >>= 1;
    fp_pow(r, a, e, FP_N);
}

#ifdef FP_P_3MOD4
/* Square root for p = 3 mod 4: r = a^((p+1)/4).  Returns 1 when a is a
 * square (then r^2 = a), 0 otherwise (r is then unspecified). */
static inline uint64_t fp_sqrt(fp *r, const fp *a)
{
    uint64_t e[FP_N];
    zg_u128 c = 1;
    for (int i = 0; i < FP_N; i++) {
        c += FP_MOD.l[i];
        e[i] = (uint64_t)c;
        c >>= 64;
    }
    for (int i = 0; i < FP_N - 1; i++) e[i] = (e[i] >> 2) | (e[i + 1] << 62);
    e[FP_N - 1] >>= 2;
    fp s, s2;
    fp_pow(&s, a, e, FP_N);
    fp_sqr(&s2, &s);
    *r = s;
    return fp_eq(&s2, a);
}
#endif

/* plain integer (little-endian limbs, < p) -> Montgomery form */
static inline void fp_from_limbs(fp *r, const uint64_t v[FP_N])
{
    fp t;
    memcpy(t.l, v, sizeof t.l);
    fp_mul(r, &t, &FP_R2);
}

/* Montgomery form -> plain integer limbs */
static inline void fp_to_limbs(uint64_t v[FP_N], const fp *a)
{
    fp one_plain = {{0}}, t;
    one_plain.l[0] = 1;
    fp_mul(&t, a, &one_plain);
    memcpy(v, t.l, sizeof t.l);
}

/* 1 when the plain integer v (little-endian limbs) is < p */
static inline uint64_t fp_limbs_lt_mod(const uint64_t v[FP_N])
{
    uint64_t borrow = 0;
    for (int i = 0; i < FP_N; i++) {
        zg_u128 d = (zg_u128)v[i] - FP_MOD.l[i] - borrow;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    return borrow;
}

/* Big-endian bytes (8*FP_N of them) -> element.  Returns 0 (and leaves r
 * unspecified) when the value is >= p. */
static inline int fp_from_be(fp *r, const uint8_t *in)
{
    uint64_t v[FP_N];
    for (int i = 0; i < FP_N; i++) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++) w = (w << 8) | in[(FP_N - 1 - i) * 8 + k];
        v[i] = w;
    }
    if (!fp_limbs_lt_mod(v)) return 0;
    fp_from_limbs(r, v);
    return 1;
}

static inline void fp_to_be(uint8_t *out, const fp *a)
{
    uint64_t v[FP_N];
    fp_to_limbs(v, a);
    for (int i = 0; i < FP_N; i++)
        for (int k = 0; k < 8; k++) out[(FP_N - 1 - i) * 8 + k] = (uint8_t)(v[i] >> (56 - 8 * k));
}

/* 1 when a > (p-1)/2 as integers, i.e. a > -a: the "lexicographically
 * largest" rule of the ZCash BLS12-381 encoding (public data only) */
static inline int fp_is_lex_largest_vartime(const fp *a)
{
    uint64_t v[FP_N], h[FP_N];
    fp_to_limbs(v, a);
    fp_mod_minus_(h, 1);
    for (int i = 0; i < FP_N - 1; i++) h[i] = (h[i] >> 1) | (h[i + 1] << 63);
    h[FP_N - 1] >>= 1;
    for (int i = FP_N - 1; i >= 0; i--)
        if (v[i] != h[i]) return v[i] > h[i];
    return 0;
}

static inline void fp_from_u64(fp *r, uint64_t v)
{
    uint64_t t[FP_N] = {0};
    t[0] = v;
    fp_from_limbs(r, t);
}
