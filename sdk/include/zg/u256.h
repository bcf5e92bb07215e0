/* zg/u256.h — 256-bit unsigned integers with EVM semantics.
 *
 * A zg_u256 is four 64-bit limbs, least significant first (w[0]).  Signed
 * operations read the value as two's complement.  Everything wraps modulo
 * 2^256; division and modulo by zero give zero (EVM DIV/MOD/SDIV/SMOD/
 * ADDMOD/MULMOD), and SDIV(-2^255, -1) = -2^255.
 *
 * The cheap operations (compare, add, sub, mul, shifts, bitwise, byte
 * access) are inline here because the EVM interpreter calls them per opcode;
 * division, the modular operations and exp live in libzgsupport.
 * Results may alias the operands everywhere. */
#ifndef ZG_U256_H
#define ZG_U256_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zg/plugin.h>
#ifdef __cplusplus
extern "C" {
#endif

typedef struct zg_u256 {
    uint64_t w[4]; /* little-endian limb order: w[0] holds bits 0..63 */
} zg_u256;

__extension__ typedef unsigned __int128 zg_u128_t;

#define ZG_U256_ZERO ((zg_u256){{0, 0, 0, 0}})
#define ZG_U256_ONE ((zg_u256){{1, 0, 0, 0}})
#define ZG_U256_MAX ((zg_u256){{~0ULL, ~0ULL, ~0ULL, ~0ULL}})

/* ---- construction / conversion ---- */

static inline zg_u256 zg_u256_from_u64(uint64_t v)
{
    zg_u256 r = {{v, 0, 0, 0}};
    return r;
}
static inline void zg_u256_set_u64(zg_u256 *r, uint64_t v)
{
    r->w[0] = v;
    r->w[1] = r->w[2] = r->w[3] = 0;
}
/* low 64 bits (truncating) */
static inline uint64_t zg_u256_to_u64(const zg_u256 *a) { return a->w[0]; }
static inline int zg_u256_fits_u64(const zg_u256 *a) { return (a->w[1] | a->w[2] | a->w[3]) == 0; }
/* min(a, max) as an unsigned: for shift counts, byte indexes, sizes */
static inline uint64_t zg_u256_clamp(const zg_u256 *a, uint64_t max)
{
    return (zg_u256_fits_u64(a) && a->w[0] < max) ? a->w[0] : max;
}

/* 32-byte big-endian <-> limbs */
static inline void zg_u256_load_be32(zg_u256 *r, const uint8_t b[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t v;
        memcpy(&v, b + 8 * (3 - i), 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        v = __builtin_bswap64(v);
#endif
        r->w[i] = v;
    }
}
static inline void zg_u256_store_be32(const zg_u256 *a, uint8_t b[32])
{
    zg_u256 t = *a; /* a may alias storage overlapping b */
    for (int i = 0; i < 4; i++) {
        uint64_t v = t.w[i];
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        v = __builtin_bswap64(v);
#endif
        memcpy(b + 8 * (3 - i), &v, 8);
    }
}
/* Big-endian of any length up to 32 bytes (leading zeros allowed);
 * ZG_ERANGE when len > 32 and the extra leading bytes are not all zero. */
ZG_EXPORT int zg_u256_load_be(zg_u256 *r, const uint8_t *b, size_t len);
/* Minimal big-endian (no leading zeros; zero -> 0 bytes) into out[0..ret). */
ZG_EXPORT size_t zg_u256_store_be_min(const zg_u256 *a, uint8_t out[32]);
/* Fixed-width big-endian into out[0..len): the low len bytes when len < 32
 * (e.g. 20 for an address), zero-padded on the left when len > 32. */
ZG_EXPORT void zg_u256_store_be(const zg_u256 *a, uint8_t *out, size_t len);

/* ---- predicates / comparison ---- */

static inline int zg_u256_is_zero(const zg_u256 *a) { return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0; }
static inline int zg_u256_eq(const zg_u256 *a, const zg_u256 *b)
{
    return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2]) | (a->w[3] ^ b->w[3])) == 0;
}
/* unsigned compare: -1, 0, 1 */
static inline int zg_u256_cmp(const zg_u256 *a, const zg_u256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}
static inline int zg_u256_lt(const zg_u256 *a, const zg_u256 *b)
{
    /* borrow out of a - b */
    uint64_t bo = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t d;
        uint64_t b1 = __builtin_sub_overflow(a->w[i], b->w[i], &d);
        uint64_t b2 = __builtin_sub_overflow(d, bo, &d);
        bo = b1 | b2;
    }
    return (int)bo;
}
static inline int zg_u256_gt(const zg_u256 *a, const zg_u256 *b) { return zg_u256_lt(b, a); }
static inline int zg_u256_is_neg(const zg_u256 *a) { return (int)(a->w[3] >> 63); }
/* signed (two's complement) compare: -1, 0, 1 */
static inline int zg_u256_scmp(const zg_u256 *a, const zg_u256 *b)
{
    int na = zg_u256_is_neg(a), nb = zg_u256_is_neg(b);
    if (na != nb) return na ? -1 : 1;
    return zg_u256_cmp(a, b); /* same sign: unsigned order agrees */
}
static inline int zg_u256_slt(const zg_u256 *a, const zg_u256 *b) { return zg_u256_scmp(a, b) < 0; }
static inline int zg_u256_sgt(const zg_u256 *a, const zg_u256 *b) { return zg_u256_scmp(a, b) > 0; }

/* count of leading zero bits (256 for zero), bit length, byte length */
static inline unsigned zg_u256_clz(const zg_u256 *a)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i]) return (unsigned)((3 - i) * 64 + __builtin_clzll(a->w[i]));
    return 256;
}
static inline unsigned zg_u256_bitlen(const zg_u256 *a) { return 256 - zg_u256_clz(a); }
static inline unsigned zg_u256_bytelen(const zg_u256 *a) { return (zg_u256_bitlen(a) + 7) / 8; }

/* ---- arithmetic (wrapping) ---- */

/* r = a + b; returns the carry out (1 when the true sum is >= 2^256) */
static inline int zg_u256_add(zg_u256 *r, const zg_u256 *a, const zg_u256 *b)
{
    zg_u128_t t = (zg_u128_t)a->w[0] + b->w[0];
    r->w[0] = (uint64_t)t;
    t = (zg_u128_t)a->w[1] + b->w[1] + (uint64_t)(t >> 64);
    r->w[1] = (uint64_t)t;
    t = (zg_u128_t)a->w[2] + b->w[2] + (uint64_t)(t >> 64);
    r->w[2] = (uint64_t)t;
    t = (zg_u128_t)a->w[3] + b->w[3] + (uint64_t)(t >> 64);
    r->w[3] = (uint64_t)t;
    return (int)(t >> 64);
}
/* r = a - b; returns the borrow out (1 when a < b) */
static inline int zg_u256_sub(zg_u256 *r, const zg_u256 *a, const zg_u256 *b)
{
    uint64_t bo = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t d;
        uint64_t b1 = __builtin_sub_overflow(a->w[i], b->w[i], &d);
        uint64_t b2 = __builtin_sub_overflow(d, bo, &d);
        r->w[i] = d;
        bo = b1 | b2;
    }
    return (int)bo;
}
static inline void zg_u256_neg(zg_u256 *r, const zg_u256 *a)
{
    zg_u256 z = ZG_U256_ZERO;
    zg_u256_sub(r, &z, a);
}
/* r = a * b mod 2^256 */
static inline void zg_u256_mul(zg_u256 *r, const zg_u256 *a, const zg_u256 *b)
{
    const uint64_t a0 = a->w[0], a1 = a->w[1], a2 = a->w[2], a3 = a->w[3];
    const uint64_t b0 = b->w[0], b1 = b->w[1], b2 = b->w[2], b3 = b->w[3];
    zg_u128_t t;
    uint64_t r0, r1, r2, r3, c;
    t = (zg_u128_t)a0 * b0;
    r0 = (uint64_t)t, c = (uint64_t)(t >> 64);
    t = (zg_u128_t)a0 * b1 + c;
    r1 = (uint64_t)t, c = (uint64_t)(t >> 64);
    t = (zg_u128_t)a0 * b2 + c;
    r2 = (uint64_t)t, c = (uint64_t)(t >> 64);
    r3 = a0 * b3 + c;
    t = (zg_u128_t)a1 * b0 + r1;
    r1 = (uint64_t)t, c = (uint64_t)(t >> 64);
    t = (zg_u128_t)a1 * b1 + r2 + c;
    r2 = (uint64_t)t, c = (uint64_t)(t >> 64);
    r3 += a1 * b2 + c;
    t = (zg_u128_t)a2 * b0 + r2;
    r2 = (uint64_t)t, c = (uint64_t)(t >> 64);
    r3 += a2 * b1 + c + a3 * b0;
    r->w[0] = r0, r->w[1] = r1, r->w[2] = r2, r->w[3] = r3;
}

/* full 512-bit product, out[0] least significant */
ZG_EXPORT void zg_u256_mul_full(uint64_t out[8], const zg_u256 *a, const zg_u256 *b);
/* r = a * b mod 2^256; returns 1 when the true product is >= 2^256 */
ZG_EXPORT int zg_u256_mul_overflow(zg_u256 *r, const zg_u256 *a, const zg_u256 *b);
/* q = a / b, rem = a % b (either may be NULL); b == 0 gives q = rem = 0 */
ZG_EXPORT void zg_u256_divmod(zg_u256 *q, zg_u256 *rem, const zg_u256 *a, const zg_u256 *b);
ZG_EXPORT void zg_u256_div(zg_u256 *r, const zg_u256 *a, const zg_u256 *b);
ZG_EXPORT void zg_u256_mod(zg_u256 *r, const zg_u256 *a, const zg_u256 *b);
/* signed, truncating toward zero; the remainder takes the dividend's sign */
ZG_EXPORT void zg_u256_sdiv(zg_u256 *r, const zg_u256 *a, const zg_u256 *b);
ZG_EXPORT void zg_u256_smod(zg_u256 *r, const zg_u256 *a, const zg_u256 *b);
/* (a + b) % m and (a * b) % m over the full 257/512-bit intermediate; m == 0 -> 0 */
ZG_EXPORT void zg_u256_addmod(zg_u256 *r, const zg_u256 *a, const zg_u256 *b, const zg_u256 *m);
ZG_EXPORT void zg_u256_mulmod(zg_u256 *r, const zg_u256 *a, const zg_u256 *b, const zg_u256 *m);
/* r = base ^ e mod 2^256 */
ZG_EXPORT void zg_u256_exp(zg_u256 *r, const zg_u256 *base, const zg_u256 *e);

/* ---- bitwise ---- */

static inline void zg_u256_and(zg_u256 *r, const zg_u256 *a, const zg_u256 *b)
{
    for (int i = 0; i < 4; i++) r->w[i] = a->w[i] & b->w[i];
}
static inline void zg_u256_or(zg_u256 *r, const zg_u256 *a, const zg_u256 *b)
{
    for (int i = 0; i < 4; i++) r->w[i] = a->w[i] | b->w[i];
}
static inline void zg_u256_xor(zg_u256 *r, const zg_u256 *a, const zg_u256 *b)
{
    for (int i = 0; i < 4; i++) r->w[i] = a->w[i] ^ b->w[i];
}
static inline void zg_u256_not(zg_u256 *r, const zg_u256 *a)
{
    for (int i = 0; i < 4; i++) r->w[i] = ~a->w[i];
}

/* r = a << n (n >= 256 gives 0) */
static inline void zg_u256_shl(zg_u256 *r, const zg_u256 *a, unsigned n)
{
    zg_u256 t = ZG_U256_ZERO;
    if (n < 256) {
        unsigned ls = n >> 6, bs = n & 63;
        for (unsigned i = ls; i < 4; i++) {
            uint64_t v = a->w[i - ls] << bs;
            if (bs && i > ls) v |= a->w[i - ls - 1] >> (64 - bs);
            t.w[i] = v;
        }
    }
    *r = t;
}
/* r = a >> n, logical (n >= 256 gives 0) */
static inline void zg_u256_shr(zg_u256 *r, const zg_u256 *a, unsigned n)
{
    zg_u256 t = ZG_U256_ZERO;
    if (n < 256) {
        unsigned ls = n >> 6, bs = n & 63;
        for (unsigned i = 0; i + ls < 4; i++) {
            uint64_t v = a->w[i + ls] >> bs;
            if (bs && i + ls + 1 < 4) v |= a->w[i + ls + 1] << (64 - bs);
            t.w[i] = v;
        }
    }
    *r = t;
}
/* r = a >> n, arithmetic: rounds toward minus infinity (n >= 256 gives 0 or -1) */
static inline void zg_u256_sar(zg_u256 *r, const zg_u256 *a, unsigned n)
{
    if (!zg_u256_is_neg(a)) {
        zg_u256_shr(r, a, n);
        return;
    }
    zg_u256 t; /* floor shift of a negative x is ~(~x >> n) */
    zg_u256_not(&t, a);
    zg_u256_shr(&t, &t, n);
    zg_u256_not(r, &t);
}
/* EVM BYTE: byte i of the 32-byte big-endian form (i = 0 is the most
 * significant); 0 when i >= 32 */
static inline unsigned zg_u256_byte(const zg_u256 *a, uint64_t i)
{
    if (i >= 32) return 0;
    unsigned k = 31 - (unsigned)i; /* byte index from the least significant end */
    return (unsigned)(a->w[k >> 3] >> ((k & 7) * 8)) & 0xff;
}
/* EVM SIGNEXTEND: extend the sign bit of the low (b+1) bytes of x; b >= 31
 * leaves x unchanged */
static inline void zg_u256_signextend(zg_u256 *r, uint64_t b, const zg_u256 *x)
{
    *r = *x;
    if (b >= 31) return;
    unsigned bit = (unsigned)b * 8 + 7, limb = bit >> 6, off = bit & 63;
    uint64_t low = off == 63 ? ~0ULL : ((1ULL << (off + 1)) - 1);
    int neg = (int)((x->w[limb] >> off) & 1);
    r->w[limb] = neg ? (x->w[limb] | ~low) : (x->w[limb] & low);
    for (unsigned i = limb + 1; i < 4; i++) r->w[i] = neg ? ~0ULL : 0;
}

#ifdef __cplusplus
}
#endif
#endif
