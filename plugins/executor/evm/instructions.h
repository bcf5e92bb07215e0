/* instructions.h — bodies of the instructions that only touch the stack
 * (arithmetic, comparison, bitwise) and of the cheap environment reads,
 * inlined into both interpreter loops.  sp points at the top item; binary
 * operations leave their result in sp[-1] (the loop pops one item). */
#ifndef ZG_EVM_INSTRUCTIONS_H
#define ZG_EVM_INSTRUCTIONS_H
#include "evm.h"

/* The hottest operations are written out here with carry intrinsics:
 * zg/u256.h's portable loops are not always unrolled by the compiler. */
#if defined(__x86_64__)
#include <x86intrin.h>
typedef unsigned long long evm_limb;
static inline void u256_add(zg_u256 *r, const zg_u256 *a, const zg_u256 *b)
{
    evm_limb r0, r1, r2, r3;
    unsigned char c = _addcarry_u64(0, a->w[0], b->w[0], &r0);
    c = _addcarry_u64(c, a->w[1], b->w[1], &r1);
    c = _addcarry_u64(c, a->w[2], b->w[2], &r2);
    (void)_addcarry_u64(c, a->w[3], b->w[3], &r3);
    r->w[0] = r0, r->w[1] = r1, r->w[2] = r2, r->w[3] = r3;
}
static inline void u256_sub(zg_u256 *r, const zg_u256 *a, const zg_u256 *b)
{
    evm_limb r0, r1, r2, r3;
    unsigned char c = _subborrow_u64(0, a->w[0], b->w[0], &r0);
    c = _subborrow_u64(c, a->w[1], b->w[1], &r1);
    c = _subborrow_u64(c, a->w[2], b->w[2], &r2);
    (void)_subborrow_u64(c, a->w[3], b->w[3], &r3);
    r->w[0] = r0, r->w[1] = r1, r->w[2] = r2, r->w[3] = r3;
}
/* a < b: the borrow out of a - b */
static inline int u256_lt(const zg_u256 *a, const zg_u256 *b)
{
    evm_limb t;
    unsigned char c = _subborrow_u64(0, a->w[0], b->w[0], &t);
    c = _subborrow_u64(c, a->w[1], b->w[1], &t);
    c = _subborrow_u64(c, a->w[2], b->w[2], &t);
    return _subborrow_u64(c, a->w[3], b->w[3], &t);
}
#else
#define u256_add(r, a, b) ((void)zg_u256_add(r, a, b))
#define u256_sub(r, a, b) ((void)zg_u256_sub(r, a, b))
#define u256_lt(a, b) zg_u256_lt(a, b)
#endif
static inline int u256_slt(const zg_u256 *a, const zg_u256 *b)
{
    /* flip the sign bits and compare unsigned */
    zg_u256 x = *a, y = *b;
    x.w[3] ^= 1ULL << 63;
    y.w[3] ^= 1ULL << 63;
    return u256_lt(&x, &y);
}

/* ---- arithmetic ---- */
static inline void op_add(zg_u256 *sp) { u256_add(&sp[-1], &sp[0], &sp[-1]); }
static inline void op_mul(zg_u256 *sp) { zg_u256_mul(&sp[-1], &sp[0], &sp[-1]); }
static inline void op_sub(zg_u256 *sp) { u256_sub(&sp[-1], &sp[0], &sp[-1]); }
static inline void op_div(zg_u256 *sp)
{
    if (zg_u256_fits_u64(&sp[0]) && zg_u256_fits_u64(&sp[-1])) {
        /* the common small case without the long division */
        uint64_t b = sp[-1].w[0];
        zg_u256_set_u64(&sp[-1], b ? sp[0].w[0] / b : 0);
        return;
    }
    zg_u256_div(&sp[-1], &sp[0], &sp[-1]);
}
static inline void op_sdiv(zg_u256 *sp) { zg_u256_sdiv(&sp[-1], &sp[0], &sp[-1]); }
static inline void op_mod(zg_u256 *sp)
{
    if (zg_u256_fits_u64(&sp[0]) && zg_u256_fits_u64(&sp[-1])) {
        uint64_t b = sp[-1].w[0];
        zg_u256_set_u64(&sp[-1], b ? sp[0].w[0] % b : 0);
        return;
    }
    zg_u256_mod(&sp[-1], &sp[0], &sp[-1]);
}
static inline void op_smod(zg_u256 *sp) { zg_u256_smod(&sp[-1], &sp[0], &sp[-1]); }
/* three operands: result in sp[-2] */
static inline void op_addmod(zg_u256 *sp) { zg_u256_addmod(&sp[-2], &sp[0], &sp[-1], &sp[-2]); }
static inline void op_mulmod(zg_u256 *sp) { zg_u256_mulmod(&sp[-2], &sp[0], &sp[-1], &sp[-2]); }
static inline void op_signextend(zg_u256 *sp)
{
    uint64_t b = zg_u256_clamp(&sp[0], 32);
    zg_u256_signextend(&sp[-1], b, &sp[-1]);
}

/* ---- comparison ---- */
static inline void op_lt(zg_u256 *sp) { zg_u256_set_u64(&sp[-1], (uint64_t)u256_lt(&sp[0], &sp[-1])); }
static inline void op_gt(zg_u256 *sp) { zg_u256_set_u64(&sp[-1], (uint64_t)u256_lt(&sp[-1], &sp[0])); }
static inline void op_slt(zg_u256 *sp) { zg_u256_set_u64(&sp[-1], (uint64_t)u256_slt(&sp[0], &sp[-1])); }
static inline void op_sgt(zg_u256 *sp) { zg_u256_set_u64(&sp[-1], (uint64_t)u256_slt(&sp[-1], &sp[0])); }
static inline void op_eq(zg_u256 *sp) { zg_u256_set_u64(&sp[-1], (uint64_t)zg_u256_eq(&sp[0], &sp[-1])); }
static inline void op_iszero(zg_u256 *sp) { zg_u256_set_u64(&sp[0], (uint64_t)zg_u256_is_zero(&sp[0])); }

/* ---- bitwise ---- */
static inline void op_and(zg_u256 *sp) { zg_u256_and(&sp[-1], &sp[0], &sp[-1]); }
static inline void op_or(zg_u256 *sp) { zg_u256_or(&sp[-1], &sp[0], &sp[-1]); }
static inline void op_xor(zg_u256 *sp) { zg_u256_xor(&sp[-1], &sp[0], &sp[-1]); }
static inline void op_not(zg_u256 *sp) { zg_u256_not(&sp[0], &sp[0]); }
static inline void op_byte(zg_u256 *sp)
{
    uint64_t i = zg_u256_clamp(&sp[0], 32);
    zg_u256_set_u64(&sp[-1], zg_u256_byte(&sp[-1], i));
}
/* shifts kept in registers (no temporary array), n < 256 */
static inline void u256_shr(zg_u256 *r, const zg_u256 *a, unsigned n)
{
    uint64_t x0 = a->w[0], x1 = a->w[1], x2 = a->w[2], x3 = a->w[3];
    switch (n >> 6) {
    case 1: x0 = x1, x1 = x2, x2 = x3, x3 = 0; break;
    case 2: x0 = x2, x1 = x3, x2 = x3 = 0; break;
    case 3: x0 = x3, x1 = x2 = x3 = 0; break;
    default: break;
    }
    unsigned b = n & 63;
    if (b) {
        x0 = (x0 >> b) | (x1 << (64 - b));
        x1 = (x1 >> b) | (x2 << (64 - b));
        x2 = (x2 >> b) | (x3 << (64 - b));
        x3 >>= b;
    }
    r->w[0] = x0, r->w[1] = x1, r->w[2] = x2, r->w[3] = x3;
}
static inline void u256_shl(zg_u256 *r, const zg_u256 *a, unsigned n)
{
    uint64_t x0 = a->w[0], x1 = a->w[1], x2 = a->w[2], x3 = a->w[3];
    switch (n >> 6) {
    case 1: x3 = x2, x2 = x1, x1 = x0, x0 = 0; break;
    case 2: x3 = x1, x2 = x0, x1 = x0 = 0; break;
    case 3: x3 = x0, x2 = x1 = x0 = 0; break;
    default: break;
    }
    unsigned b = n & 63;
    if (b) {
        x3 = (x3 << b) | (x2 >> (64 - b));
        x2 = (x2 << b) | (x1 >> (64 - b));
        x1 = (x1 << b) | (x0 >> (64 - b));
        x0 <<= b;
    }
    r->w[0] = x0, r->w[1] = x1, r->w[2] = x2, r->w[3] = x3;
}
static inline void op_shl(zg_u256 *sp)
{
    if (zg_u256_fits_u64(&sp[0]) && sp[0].w[0] < 256)
        u256_shl(&sp[-1], &sp[-1], (unsigned)sp[0].w[0]);
    else
        sp[-1] = ZG_U256_ZERO;
}
static inline void op_shr(zg_u256 *sp)
{
    if (zg_u256_fits_u64(&sp[0]) && sp[0].w[0] < 256)
        u256_shr(&sp[-1], &sp[-1], (unsigned)sp[0].w[0]);
    else
        sp[-1] = ZG_U256_ZERO;
}
static inline void op_sar(zg_u256 *sp)
{
    zg_u256_sar(&sp[-1], &sp[-1], (unsigned)zg_u256_clamp(&sp[0], 256));
}

/* ---- PUSHn: n big-endian immediate bytes.  The code is followed by 33
 * zero bytes, so 32 bytes can always be read at p; n is a constant at each
 * call site, which turns the shifts into a few register moves. ---- */
static inline uint64_t load_be64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}
static inline void op_push(zg_u256 *r, const uint8_t *p, int n)
{
    if (n <= 8) {
        zg_u256_set_u64(r, n == 8 ? load_be64(p) : load_be64(p) >> (64 - 8 * n));
        return;
    }
    zg_u256 v = {{load_be64(p + 24), load_be64(p + 16), load_be64(p + 8), load_be64(p)}};
    if (n == 32)
        *r = v;
    else
        u256_shr(r, &v, (unsigned)(8 * (32 - n)));
}

/* CALLDATALOAD */
static inline void op_calldataload(zg_u256 *sp, const uint8_t *in, size_t len)
{
    if (!zg_u256_fits_u64(sp) || sp->w[0] >= len) {
        *sp = ZG_U256_ZERO;
        return;
    }
    uint64_t off = sp->w[0];
    uint8_t b[32] = {0};
    size_t n = len - off < 32 ? len - off : 32;
    memcpy(b, in + off, n);
    zg_u256_load_be32(sp, b);
}

#endif
