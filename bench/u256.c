/* bench/u256.c — zg_u256 throughput on random inputs next to OpenSSL BIGNUM
 * doing the same arithmetic in the same run: mul (mod 2^256), div, addmod,
 * mulmod, exp (mod 2^256).  Prints ops/s for both and the ratio.
 * The two sides are timed alternately in short rounds and the best round of
 * each is kept, so background load skews the ratio less.
 *
 * usage: bench/u256 [seconds-per-case (default 0.6)] */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/bn.h>
#include <zg/u256.h>

#define N 1024 /* operand sets cycled through */

static uint64_t rng = 0xbe7c4u;
static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static zg_u256 A[N], B[N], M[N], D[N];
static BIGNUM *bA[N], *bB[N], *bM[N], *bD[N];
static BIGNUM *two256;
static BN_CTX *ctx;
static volatile uint64_t sink;
static double budget = 0.6; /* per case, both sides */
#define ROUNDS 6

static BIGNUM *to_bn(const zg_u256 *a)
{
    uint8_t b[32];
    zg_u256_store_be32(a, b);
    return BN_bin2bn(b, 32, NULL);
}

enum { MUL, DIV, ADDMOD, MULMOD, EXP, EXPSHORT, NOPS };
static const char *const names[NOPS] = {"mul (mod 2^256)", "div", "addmod", "mulmod", "exp (256-bit exp)",
                                        "exp (64-bit exp)"};

/* run op over the operand sets until the time budget is spent; ops/s */
static double run_zg(int op)
{
    long iters = 0;
    double t0 = now(), t;
    zg_u256 r = ZG_U256_ZERO;
    do {
        for (int i = 0; i < N; i++) {
            switch (op) {
            case MUL: zg_u256_mul(&r, &A[i], &B[i]); break;
            case DIV: zg_u256_div(&r, &A[i], &D[i]); break;
            case ADDMOD: zg_u256_addmod(&r, &A[i], &B[i], &M[i]); break;
            case MULMOD: zg_u256_mulmod(&r, &A[i], &B[i], &M[i]); break;
            case EXP: zg_u256_exp(&r, &A[i], &B[i]); break;
            case EXPSHORT: {
                zg_u256 e = zg_u256_from_u64(B[i].w[0]);
                zg_u256_exp(&r, &A[i], &e);
                break;
            }
            }
            sink ^= r.w[0];
        }
        iters += N;
        t = now() - t0;
    } while (t < budget / (2 * ROUNDS));
    return (double)iters / t;
}

static double run_bn(int op)
{
    long iters = 0;
    double t0 = now(), t;
    BIGNUM *r = BN_new(), *e = BN_new();
    do {
        for (int i = 0; i < N; i++) {
            switch (op) {
            case MUL: /* the same truncated product */
                BN_mul(r, bA[i], bB[i], ctx);
                BN_mask_bits(r, 256);
                break;
            case DIV: BN_div(r, NULL, bA[i], bD[i], ctx); break;
            case ADDMOD: BN_mod_add(r, bA[i], bB[i], bM[i], ctx); break;
            case MULMOD: BN_mod_mul(r, bA[i], bB[i], bM[i], ctx); break;
            case EXP: BN_mod_exp(r, bA[i], bB[i], two256, ctx); break;
            case EXPSHORT:
                BN_set_word(e, (BN_ULONG)B[i].w[0]);
                BN_mod_exp(r, bA[i], e, two256, ctx);
                break;
            }
            sink ^= (uint64_t)BN_num_bits(r);
        }
        iters += N;
        t = now() - t0;
    } while (t < budget / (2 * ROUNDS));
    BN_free(r);
    BN_free(e);
    return (double)iters / t;
}

int main(int argc, char **argv)
{
    if (argc > 1) budget = atof(argv[1]);
    if (budget <= 0) budget = 0.6;
    ctx = BN_CTX_new();
    two256 = BN_new();
    BN_set_word(two256, 1);
    BN_lshift(two256, two256, 256);
    for (int i = 0; i < N; i++) {
        for (int k = 0; k < 4; k++) A[i].w[k] = rnd(), B[i].w[k] = rnd(), M[i].w[k] = rnd();
        /* divisors and moduli of 1..4 limbs, full-width dividends */
        int nl = 1 + i % 4;
        for (int k = 0; k < 4; k++) D[i].w[k] = k < nl ? rnd() : 0;
        for (int k = nl; k < 4; k++) M[i].w[k] = 0;
        if (!D[i].w[nl - 1]) D[i].w[nl - 1] = 1;
        if (!M[i].w[nl - 1]) M[i].w[nl - 1] = 1;
        bA[i] = to_bn(&A[i]), bB[i] = to_bn(&B[i]), bM[i] = to_bn(&M[i]), bD[i] = to_bn(&D[i]);
    }
    printf("u256 benchmark: %d random operand sets, divisors/moduli of 1..4 limbs, %.2fs per case,\n"
           "best of %d alternating rounds per side\n", N, budget, ROUNDS);
    printf("%-20s %14s %14s %8s\n", "operation", "zg ops/s", "OpenSSL ops/s", "zg/BN");
    for (int op = 0; op < NOPS; op++) {
        double z = 0, b = 0;
        for (int k = 0; k < ROUNDS; k++) {
            double zz = run_zg(op), bb = run_bn(op);
            if (zz > z) z = zz;
            if (bb > b) b = bb;
        }
        printf("%-20s %14.0f %14.0f %7.1fx\n", names[op], z, b, z / b);
    }
    for (int i = 0; i < N; i++) BN_free(bA[i]), BN_free(bB[i]), BN_free(bM[i]), BN_free(bD[i]);
    BN_free(two256);
    BN_CTX_free(ctx);
    return 0;
}
