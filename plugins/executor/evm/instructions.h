/* instructions.h — bodies of the instructions that only touch the stack
 * (arithmetic, comparison, bitwise) and of the cheap environment reads,
 * inlined into both interpreter loops.  sp points at the top item; binary
 * operations leave their result in sp[-1] (the loop pops one item). */
#ifndef ZG_EVM_INSTRUCTIONS_H
#define ZG_EVM_INSTRUCTIONS_H
#include "evm.h"

/* ---- arithmetic ---- */
static inline void op_add(zg_u256 *sp) { zg_u256_add(&sp[-1], &sp[0], &sp[-1]); }
static inline void op_mul(zg_u256 *sp) { zg_u256_mul(&sp[-1], &sp[0], &sp[-1]); }
static inline void op_sub(zg_u256 *sp) { zg_u256_sub(&sp[-1], &sp[0], &sp[-1]); }
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
static inline void op_lt(zg_u256 *sp) { zg_u256_set_u64(&sp[-1], (uint64_t)zg_u256_lt(&sp[0], &sp[-1])); }
static inline void op_gt(zg_u256 *sp) { zg_u256_set_u64(&sp[-1], (uint64_t)zg_u256_lt(&sp[-1], &sp[0])); }
static inline void op_slt(zg_u256 *sp) { zg_u256_set_u64(&sp[-1], (uint64_t)zg_u256_slt(&sp[0], &sp[-1])); }
static inline void op_sgt(zg_u256 *sp) { zg_u256_set_u64(&sp[-1], (uint64_t)zg_u256_sgt(&sp[0], &sp[-1])); }
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
static inline void op_shl(zg_u256 *sp)
{
    zg_u256_shl(&sp[-1], &sp[-1], (unsigned)zg_u256_clamp(&sp[0], 256));
}
static inline void op_shr(zg_u256 *sp)
{
    zg_u256_shr(&sp[-1], &sp[-1], (unsigned)zg_u256_clamp(&sp[0], 256));
}
static inline void op_sar(zg_u256 *sp)
{
    zg_u256_sar(&sp[-1], &sp[-1], (unsigned)zg_u256_clamp(&sp[0], 256));
}

/* ---- PUSHn: n big-endian immediate bytes (the code is zero padded) ---- */
static inline void op_push(zg_u256 *r, const uint8_t *p, int n)
{
    if (n <= 8) {
        uint64_t v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | p[i];
        zg_u256_set_u64(r, v);
        return;
    }
    uint8_t b[32];
    memset(b, 0, 32 - n);
    memcpy(b + 32 - n, p, (size_t)n);
    zg_u256_load_be32(r, b);
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
