/* test_u256.c — cross-checks every zg_u256 operation against OpenSSL BIGNUM
 * (an independent implementation) on edge values and many random inputs,
 * with EVM semantics applied on the reference side. */
#include "config.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <zg/u256.h>
#include "tap.h"

/* ---- deterministic random inputs ---- */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#define NEDGE 40
static zg_u256 edge[NEDGE];
static int nedge;

static zg_u256 from_hex(const char *h)
{
    BIGNUM *b = NULL;
    uint8_t buf[32];
    BN_hex2bn(&b, h);
    BN_bn2binpad(b, buf, 32);
    BN_free(b);
    zg_u256 r;
    zg_u256_load_be32(&r, buf);
    return r;
}

static void init_edges(void)
{
    static const char *const hx[] = {
        "0", "1", "2", "3", "7f", "80", "ff", "100",
        "ffffffffffffffff", "10000000000000000", "1ffffffffffffffff",
        "ffffffffffffffffffffffffffffffff", "100000000000000000000000000000000",
        "ffffffffffffffffffffffffffffffffffffffffffffffff",
        "1000000000000000000000000000000000000000000000000",
        "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "8000000000000000000000000000000000000000000000000000000000000000",
        "8000000000000000000000000000000000000000000000000000000000000001",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", /* secp256k1 n */
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", /* secp256k1 p */
        "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47", /* bn254 p */
        "8000000000000000000000000000000000000000000000000000000000000000",
        "100000000000000000000000000000001", "ffffffff00000000ffffffff00000000",
        "10000000000000001", "8000000000000000", "8000000000000000ffffffffffffffff",
        "ffffffffffffffff0000000000000000ffffffffffffffff0000000000000000",
        "5", "3b9aca00", "de0b6b3a7640000",
    };
    for (size_t i = 0; i < sizeof hx / sizeof hx[0] && nedge < NEDGE; i++) edge[nedge++] = from_hex(hx[i]);
}

/* random value with varied shapes: full width, random length (divisors of
 * 1..4 limbs), zero/all-ones limbs, values next to edges */
static zg_u256 rand_u256(void)
{
    zg_u256 r;
    for (int i = 0; i < 4; i++) r.w[i] = rnd();
    switch (rnd() % 8) {
    case 0:
    case 1:
        break;
    case 2:
    case 3: /* random bit length */
        zg_u256_shr(&r, &r, (unsigned)(rnd() % 256));
        break;
    case 4: /* 1..4 limbs exactly */
    {
        int n = 1 + (int)(rnd() % 4);
        for (int i = n; i < 4; i++) r.w[i] = 0;
        if (!r.w[n - 1]) r.w[n - 1] = 1;
        break;
    }
    case 5: /* limbs from a few bit patterns: these drive the rare quotient-
             * digit corrections (clamp, add-back) of long division */
    {
        static const uint64_t pat[] = {0, 1, 2, ~0ULL, ~0ULL - 1, 1ULL << 63, (1ULL << 63) - 1,
                                       (1ULL << 63) + 1};
        for (int i = 0; i < 4; i++) {
            uint64_t k = rnd() % 9;
            r.w[i] = k < 8 ? pat[k] : r.w[i];
        }
        if (rnd() & 1) /* and shorter */
            for (int i = 1 + (int)(rnd() % 4); i < 4; i++) r.w[i] = 0;
        break;
    }
    case 6: /* edge +- small */
    {
        zg_u256 d = zg_u256_from_u64(rnd() % 3);
        r = edge[rnd() % nedge];
        if (rnd() & 1)
            zg_u256_add(&r, &r, &d);
        else
            zg_u256_sub(&r, &r, &d);
        break;
    }
    default:
        r = edge[rnd() % nedge];
    }
    return r;
}

/* ---- conversions ---- */
static BN_CTX *bctx;
static BIGNUM *two256;

static BIGNUM *u2bn(const zg_u256 *a)
{
    uint8_t b[32];
    zg_u256_store_be32(a, b);
    return BN_bin2bn(b, 32, NULL);
}
/* two's complement reading */
static BIGNUM *s2bn(const zg_u256 *a)
{
    BIGNUM *r = u2bn(a);
    if (zg_u256_is_neg(a)) BN_sub(r, r, two256);
    return r;
}
/* reduce mod 2^256 (result non-negative) and convert; frees b */
static zg_u256 bn2u(BIGNUM *b)
{
    uint8_t buf[32];
    BN_nnmod(b, b, two256, bctx);
    BN_bn2binpad(b, buf, 32);
    BN_free(b);
    zg_u256 r;
    zg_u256_load_be32(&r, buf);
    return r;
}

static char *hexs(const zg_u256 *a, char out[67])
{
    uint8_t b[32];
    static const char d[] = "0123456789abcdef";
    zg_u256_store_be32(a, b);
    out[0] = '0', out[1] = 'x';
    for (int i = 0; i < 32; i++) out[2 + 2 * i] = d[b[i] >> 4], out[3 + 2 * i] = d[b[i] & 15];
    out[66] = 0;
    return out;
}

/* ---- per-operation checks (0 = agree) ---- */
enum {
    OP_ADD, OP_SUB, OP_MUL, OP_MULOV, OP_DIV, OP_MOD, OP_SDIV, OP_SMOD, OP_ADDMOD, OP_MULMOD, OP_EXP,
    OP_CMP, OP_SCMP, OP_LT, OP_EQ, OP_AND, OP_OR, OP_XOR, OP_NOT, OP_NEG, OP_SHL, OP_SHR, OP_SAR,
    OP_BYTE, OP_SIGNEXT, OP_CLZ, OP_BE, OP_U64, OP_N
};
static const char *const opname[OP_N] = {
    "add", "sub", "mul", "mul_overflow", "div", "mod", "sdiv", "smod", "addmod", "mulmod", "exp",
    "cmp", "scmp", "lt/gt", "eq", "and", "or", "xor", "not", "neg", "shl", "shr", "sar",
    "byte", "signextend", "clz/bitlen", "load/store be", "u64"};
static long runs[OP_N], fails[OP_N];

static int bn_sign_cmp(int c) { return c < 0 ? -1 : c > 0; }

static int check(int op, const zg_u256 *a, const zg_u256 *b, const zg_u256 *c)
{
    zg_u256 got = ZG_U256_ZERO, want = ZG_U256_ZERO, t;
    BIGNUM *A = u2bn(a), *B = u2bn(b), *C = u2bn(c), *R = BN_new();
    int bad = 0;
    uint8_t ab[32], bb[32], rb[32];
    zg_u256_store_be32(a, ab);
    zg_u256_store_be32(b, bb);
    unsigned sh = (unsigned)zg_u256_clamp(b, 256);
    switch (op) {
    case OP_ADD: {
        int carry = zg_u256_add(&got, a, b);
        BN_add(R, A, B);
        bad = carry != (BN_cmp(R, two256) >= 0);
        want = bn2u(BN_dup(R));
        t = *a; /* aliasing */
        zg_u256_add(&t, &t, b);
        bad |= !zg_u256_eq(&t, &got);
        break;
    }
    case OP_SUB: {
        int borrow = zg_u256_sub(&got, a, b);
        BN_sub(R, A, B);
        bad = borrow != BN_is_negative(R);
        want = bn2u(BN_dup(R));
        break;
    }
    case OP_MUL:
        zg_u256_mul(&got, a, b);
        BN_mul(R, A, B, bctx);
        want = bn2u(BN_dup(R));
        t = *b;
        zg_u256_mul(&t, a, &t);
        bad = !zg_u256_eq(&t, &got);
        { /* squaring (exp's inner step) against the general product */
            zg_u256 sq, e3 = zg_u256_from_u64(3), cube, aa;
            zg_u256_mul(&aa, a, a);
            zg_u256_exp(&sq, a, &(zg_u256){{2, 0, 0, 0}});
            zg_u256_exp(&cube, a, &e3);
            zg_u256_mul(&t, &aa, a);
            bad |= !zg_u256_eq(&sq, &aa) || !zg_u256_eq(&cube, &t);
        }
        break;
    case OP_MULOV: {
        int ov = zg_u256_mul_overflow(&got, a, b);
        BN_mul(R, A, B, bctx);
        bad = ov != (BN_cmp(R, two256) >= 0);
        want = bn2u(BN_dup(R));
        break;
    }
    case OP_DIV:
    case OP_MOD: {
        zg_u256 q, r;
        zg_u256_divmod(&q, &r, a, b);
        if (op == OP_DIV)
            zg_u256_div(&got, a, b);
        else
            zg_u256_mod(&got, a, b);
        if (!BN_is_zero(B)) {
            BIGNUM *Q = BN_new();
            BN_div(Q, R, A, B, bctx);
            if (op == OP_DIV) BN_copy(R, Q);
            BN_free(Q);
        } /* else x/0 = x%0 = 0 */
        want = bn2u(BN_dup(R));
        bad = !zg_u256_eq(op == OP_DIV ? &q : &r, &got);
        t = *a;
        if (op == OP_DIV)
            zg_u256_div(&t, &t, b);
        else
            zg_u256_mod(&t, &t, b);
        bad |= !zg_u256_eq(&t, &got);
        break;
    }
    case OP_SDIV:
    case OP_SMOD: {
        if (op == OP_SDIV)
            zg_u256_sdiv(&got, a, b);
        else
            zg_u256_smod(&got, a, b);
        BIGNUM *SA = s2bn(a), *SB = s2bn(b), *Q = BN_new();
        if (!BN_is_zero(SB)) { /* BN_div truncates toward zero; rem takes the dividend's sign */
            BN_div(Q, R, SA, SB, bctx);
            if (op == OP_SDIV) BN_copy(R, Q);
        }
        want = bn2u(BN_dup(R));
        BN_free(SA), BN_free(SB), BN_free(Q);
        break;
    }
    case OP_ADDMOD:
        zg_u256_addmod(&got, a, b, c);
        if (!BN_is_zero(C)) BN_mod_add(R, A, B, C, bctx);
        want = bn2u(BN_dup(R));
        break;
    case OP_MULMOD:
        zg_u256_mulmod(&got, a, b, c);
        if (!BN_is_zero(C)) BN_mod_mul(R, A, B, C, bctx);
        want = bn2u(BN_dup(R));
        t = *c;
        zg_u256_mulmod(&t, a, b, &t);
        bad = !zg_u256_eq(&t, &got);
        break;
    case OP_EXP:
        zg_u256_exp(&got, a, b);
        BN_mod_exp(R, A, B, two256, bctx);
        want = bn2u(BN_dup(R));
        break;
    case OP_CMP:
        got = zg_u256_from_u64((uint64_t)(zg_u256_cmp(a, b) + 1));
        want = zg_u256_from_u64((uint64_t)(bn_sign_cmp(BN_cmp(A, B)) + 1));
        break;
    case OP_SCMP: {
        BIGNUM *SA = s2bn(a), *SB = s2bn(b);
        int w = bn_sign_cmp(BN_cmp(SA, SB));
        got = zg_u256_from_u64((uint64_t)(zg_u256_scmp(a, b) + 1));
        want = zg_u256_from_u64((uint64_t)(w + 1));
        bad = zg_u256_slt(a, b) != (w < 0) || zg_u256_sgt(a, b) != (w > 0);
        BN_free(SA), BN_free(SB);
        break;
    }
    case OP_LT: {
        int w = BN_cmp(A, B);
        got = zg_u256_from_u64((uint64_t)(zg_u256_lt(a, b) * 2 + zg_u256_gt(a, b)));
        want = zg_u256_from_u64((uint64_t)((w < 0) * 2 + (w > 0)));
        break;
    }
    case OP_EQ:
        got = zg_u256_from_u64((uint64_t)zg_u256_eq(a, b));
        want = zg_u256_from_u64(BN_cmp(A, B) == 0);
        break;
    case OP_AND:
    case OP_OR:
    case OP_XOR:
    case OP_NOT:
        for (int i = 0; i < 32; i++)
            rb[i] = op == OP_AND ? ab[i] & bb[i] : op == OP_OR ? ab[i] | bb[i] : op == OP_XOR ? ab[i] ^ bb[i] : (uint8_t)~ab[i];
        zg_u256_load_be32(&want, rb);
        if (op == OP_AND) zg_u256_and(&got, a, b);
        if (op == OP_OR) zg_u256_or(&got, a, b);
        if (op == OP_XOR) zg_u256_xor(&got, a, b);
        if (op == OP_NOT) zg_u256_not(&got, a);
        break;
    case OP_NEG:
        zg_u256_neg(&got, a);
        BN_sub(R, two256, A);
        want = bn2u(BN_dup(R));
        break;
    case OP_SHL:
        zg_u256_shl(&got, a, sh);
        BN_lshift(R, A, (int)sh);
        want = bn2u(BN_dup(R));
        t = *a;
        zg_u256_shl(&t, &t, sh);
        bad = !zg_u256_eq(&t, &got);
        break;
    case OP_SHR:
        zg_u256_shr(&got, a, sh);
        BN_rshift(R, A, (int)sh);
        want = bn2u(BN_dup(R));
        break;
    case OP_SAR: {
        zg_u256_sar(&got, a, sh);
        /* floor(x / 2^sh) for the signed reading */
        BIGNUM *SA = s2bn(a), *P = BN_new();
        BN_set_word(P, 1);
        BN_lshift(P, P, (int)sh);
        if (!BN_is_negative(SA)) {
            BN_rshift(R, SA, (int)sh);
        } else { /* -ceil(|x| / 2^sh) */
            BN_set_negative(SA, 0);
            BN_add(SA, SA, P);
            BN_sub_word(SA, 1);
            BN_rshift(R, SA, (int)sh);
            BN_set_negative(R, 1);
        }
        want = bn2u(BN_dup(R));
        BN_free(SA), BN_free(P);
        break;
    }
    case OP_BYTE: {
        uint64_t i = zg_u256_clamp(b, 1000);
        got = zg_u256_from_u64(zg_u256_byte(a, i));
        if (i < 32) {
            BN_rshift(R, A, (int)(8 * (31 - i)));
            BN_mask_bits(R, 8);
        }
        want = bn2u(BN_dup(R));
        break;
    }
    case OP_SIGNEXT: {
        uint64_t k = zg_u256_clamp(b, 1000);
        zg_u256_signextend(&got, k, a);
        BN_copy(R, A);
        if (k < 31) {
            int bits = (int)(8 * (k + 1));
            BN_mask_bits(R, bits);
            if (BN_is_bit_set(R, bits - 1)) {
                BIGNUM *P = BN_new();
                BN_set_word(P, 1);
                BN_lshift(P, P, bits);
                BN_sub(R, R, P);
                BN_free(P);
            }
        }
        want = bn2u(BN_dup(R));
        break;
    }
    case OP_CLZ:
        got = zg_u256_from_u64(zg_u256_clz(a) * 1000u + zg_u256_bitlen(a) + zg_u256_bytelen(a) * 1000000u);
        want = zg_u256_from_u64((uint64_t)(256 - BN_num_bits(A)) * 1000u + (uint64_t)BN_num_bits(A) +
                                (uint64_t)BN_num_bytes(A) * 1000000u);
        break;
    case OP_BE: {
        uint8_t mb[32], wide[40];
        size_t n = zg_u256_store_be_min(a, mb);
        bad = n != (size_t)BN_num_bytes(A) || (n && mb[0] == 0);
        bad |= zg_u256_load_be(&got, mb, n) != ZG_OK;
        memset(wide, 0, 8);
        memcpy(wide + 8, ab, 32);
        bad |= zg_u256_load_be(&t, wide, 40) != ZG_OK || !zg_u256_eq(&t, a);
        wide[3] = 1;
        bad |= zg_u256_load_be(&t, wide, 40) != ZG_ERANGE;
        /* fixed widths: the low 20 bytes (an address), 32, and 40 padded */
        uint8_t w20[20], w40[40];
        zg_u256_store_be(a, w20, 20);
        zg_u256_store_be(a, w40, 40);
        bad |= memcmp(w20, ab + 12, 20) != 0 || memcmp(w40 + 8, ab, 32) != 0;
        for (int i = 0; i < 8; i++) bad |= w40[i] != 0;
        want = *a;
        break;
    }
    case OP_U64: {
        BIGNUM *L = BN_dup(A);
        BN_mask_bits(L, 64);
        uint64_t low = (uint64_t)BN_get_word(L);
        BN_free(L);
        got = zg_u256_from_u64(zg_u256_to_u64(a) ^ (uint64_t)zg_u256_fits_u64(a));
        want = zg_u256_from_u64(low ^ (uint64_t)(BN_num_bits(A) <= 64));
        t = zg_u256_from_u64(low);
        bad = zg_u256_clamp(a, 1000) != (BN_num_bits(A) <= 64 && low < 1000 ? low : 1000) ||
              !zg_u256_eq(&t, &(zg_u256){{low, 0, 0, 0}});
        break;
    }
    }
    bad |= !zg_u256_eq(&got, &want);
    runs[op]++;
    if (bad && fails[op]++ < 3) {
        char h1[67], h2[67], h3[67], h4[67];
        diag("%s mismatch: a=%s b=%s c=%s", opname[op], hexs(a, h1), hexs(b, h2), hexs(c, h3));
        diag("  got  %s", hexs(&got, h4));
        diag("  want %s", hexs(&want, h4));
    }
    BN_free(A), BN_free(B), BN_free(C), BN_free(R);
    return bad;
}

/* second operand for shifts / byte / signextend: mostly in range */
static zg_u256 small_or_big(void)
{
    uint64_t k = rnd() % 10;
    if (k < 7) return zg_u256_from_u64(rnd() % 300);
    if (k < 9) return rand_u256();
    return zg_u256_from_u64(~0ULL - rnd() % 4);
}

int main(void)
{
    const char *seed = tap_env("ZG_TEST_SEED", NULL);
    rng_state = seed ? strtoull(seed, NULL, 0) : 0x7a67753235360001ULL;
    diag("seed 0x%016" PRIx64 " (set ZG_TEST_SEED to vary)", rng_state);
    bctx = BN_CTX_new();
    two256 = BN_new();
    BN_set_word(two256, 1);
    BN_lshift(two256, two256, 256);
    init_edges();

    const long nrand = 20000, nexp = 1500;
    for (int op = 0; op < OP_N; op++) {
        int shiftish = op == OP_SHL || op == OP_SHR || op == OP_SAR || op == OP_BYTE || op == OP_SIGNEXT;
        /* every edge pair (with an edge or random third operand) */
        for (int i = 0; i < nedge; i++)
            for (int j = 0; j < nedge; j++) {
                zg_u256 c = edge[(i + j) % nedge], b = edge[j];
                if (shiftish && j < 12) b = zg_u256_from_u64((uint64_t)j * 23 % 260);
                check(op, &edge[i], &b, &c);
                if (op == OP_ADDMOD || op == OP_MULMOD)
                    for (int k = 0; k < nedge; k += 3) check(op, &edge[i], &edge[j], &edge[k]);
            }
        long n = op == OP_EXP ? nexp : nrand;
        for (long k = 0; k < n; k++) {
            zg_u256 a = rand_u256(), b = shiftish ? small_or_big() : rand_u256(), c = rand_u256();
            if (op == OP_EXP && rnd() % 2) zg_u256_shr(&b, &b, (unsigned)(rnd() % 256)); /* short exponents */
            check(op, &a, &b, &c);
        }
        ok(fails[op] == 0, "%s: %ld cross-checks against OpenSSL BN, %ld mismatches", opname[op], runs[op],
           fails[op]);
    }

    /* EVM corner cases spelled out */
    zg_u256 r, min = edge[16], m1 = ZG_U256_MAX, zero = ZG_U256_ZERO, one = ZG_U256_ONE, x = from_hex("1234");
    zg_u256_sdiv(&r, &min, &m1);
    ok(zg_u256_eq(&r, &min), "SDIV(-2^255, -1) = -2^255");
    zg_u256_smod(&r, &min, &m1);
    ok(zg_u256_is_zero(&r), "SMOD(-2^255, -1) = 0");
    zg_u256_div(&r, &x, &zero);
    ok(zg_u256_is_zero(&r), "DIV(x, 0) = 0");
    zg_u256_mod(&r, &x, &zero);
    ok(zg_u256_is_zero(&r), "MOD(x, 0) = 0");
    zg_u256_sdiv(&r, &x, &zero);
    ok(zg_u256_is_zero(&r), "SDIV(x, 0) = 0");
    zg_u256_smod(&r, &m1, &zero);
    ok(zg_u256_is_zero(&r), "SMOD(x, 0) = 0");
    zg_u256_addmod(&r, &m1, &m1, &zero);
    ok(zg_u256_is_zero(&r), "ADDMOD(x, y, 0) = 0");
    zg_u256_mulmod(&r, &m1, &m1, &zero);
    ok(zg_u256_is_zero(&r), "MULMOD(x, y, 0) = 0");
    zg_u256 seven = zg_u256_from_u64(7);
    zg_u256_addmod(&r, &m1, &one, &seven); /* 2^256 mod 7 = 2 */
    ok(zg_u256_eq(&r, &(zg_u256){{2, 0, 0, 0}}), "ADDMOD keeps the 257th bit: (2^256-1 + 1) %% 7 = 2");
    zg_u256_mulmod(&r, &m1, &m1, &m1);
    ok(zg_u256_is_zero(&r), "MULMOD(max, max, max) = 0");
    zg_u256 two = zg_u256_from_u64(2), e = zg_u256_from_u64(255);
    zg_u256_exp(&r, &two, &e);
    ok(zg_u256_eq(&r, &min), "EXP(2, 255) = 2^255");
    zg_u256_exp(&r, &two, &m1);
    ok(zg_u256_is_zero(&r), "EXP(2, 2^256-1) = 0 (wraps)");
    zg_u256_exp(&r, &zero, &zero);
    ok(zg_u256_eq(&r, &one), "EXP(0, 0) = 1");
    zg_u256_exp(&r, &m1, &m1);
    ok(zg_u256_eq(&r, &m1), "EXP(-1, odd) = -1");
    zg_u256_sar(&r, &m1, 1000);
    ok(zg_u256_eq(&r, &m1), "SAR(-1, big) = -1");
    zg_u256_signextend(&r, 0, &(zg_u256){{0xff, 0, 0, 0}});
    ok(zg_u256_eq(&r, &m1), "SIGNEXTEND(0, 0xff) = -1");
    ok(zg_u256_byte(&min, 0) == 0x80 && zg_u256_byte(&min, 32) == 0, "BYTE(0, 2^255) = 0x80, BYTE(32, x) = 0");

    BN_free(two256);
    BN_CTX_free(bctx);
    return tap_done();
}
