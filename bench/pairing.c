/* bench/pairing: the pairing-friendly curve code in libzgsupport.
 *
 * BN254: the EVM precompiles (ECADD, ECMUL, ECPAIRING with 1, 2 and 4
 * pairs, input validation included) and their parts (Miller loop, final
 * exponentiation, G2 subgroup check), with G1 scalar multiplication
 * compared against OpenSSL's generic prime-curve code on the same curve
 * (the only peer on this system: there is no other pairing library).
 * BLS12-381: G1/G2 decompression with subgroup checks, pairing, and the
 * EIP-4844 point-evaluation precompile.
 *
 * Field multiplication uses BMI2/ADX assembly where the CPU has it; the
 * 2-pair ECPAIRING is also timed with the portable C code for comparison.
 * Figures are microseconds per call, best of 5 runs, in thread CPU time
 * (other load on a shared machine does not count).
 * usage: bench/pairing [seconds-per-run, default 0.2] */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zg/bls12_381.h>
#include <zg/bn254.h>
#include <zg/kzg.h>

static double run_s = 0.2;
static volatile int sink;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef void (*work_fn)(void *arg);

/* microseconds per call, best of 5 runs of >= run_s each */
static double measure(work_fn f, void *arg)
{
    double best = 1e30;
    f(arg);
    for (int r = 0; r < 5; r++) {
        long calls = 0;
        double t0 = now(), t;
        do {
            f(arg);
            calls++;
        } while ((t = now() - t0) < run_s);
        double us = t / (double)calls * 1e6;
        if (us < best) best = us;
    }
    return best;
}

static void report(const char *what, double us) { printf("  %-44s %10.2f us\n", what, us); }

static void unhex(const char *h, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* ---------------- BN254 ---------------- */
static uint8_t bn_add_in[128], bn_mul_in[96], bn_pair_in[4 * 192], bn_g2_enc[128];
static zg_bn254_g1 bn_p;
static zg_bn254_g2 bn_q;
static zg_bn254_gt bn_f;
static uint8_t scalar[32];

static void w_bn_add(void *a)
{
    uint8_t out[64];
    sink += zg_bn254_add(bn_add_in, out);
}
static void w_bn_mul(void *a)
{
    uint8_t out[64];
    sink += zg_bn254_mul(bn_mul_in, out);
}
static void w_bn_pair(void *a)
{
    uint8_t out[32];
    sink += zg_bn254_pairing(bn_pair_in, (size_t)(intptr_t)a * 192, out);
}
static void w_bn_g1mul_ct(void *a)
{
    zg_bn254_g1 r;
    zg_bn254_g1_mul(&r, &bn_p, scalar);
}
static void w_bn_g1mul_vt(void *a)
{
    zg_bn254_g1 r;
    zg_bn254_g1_mul_vartime(&r, &bn_p, scalar);
}
static void w_bn_g2mul_ct(void *a)
{
    zg_bn254_g2 r;
    zg_bn254_g2_mul(&r, &bn_q, scalar);
}
static void w_bn_g2_decode(void *a)
{
    zg_bn254_g2 r;
    sink += zg_bn254_g2_from_bytes(&r, bn_g2_enc);
}
static void w_bn_miller(void *a)
{
    zg_bn254_gt f;
    zg_bn254_miller_loop(&f, &bn_p, &bn_q, 1);
}
static void w_bn_fexp(void *a)
{
    zg_bn254_gt r;
    zg_bn254_final_exp(&r, &bn_f);
}

typedef struct {
    EC_GROUP *g;
    EC_POINT *p, *r;
    BIGNUM *k;
    BN_CTX *ctx;
} ossl_job;
static void w_ossl_mul(void *a)
{
    ossl_job *j = a;
    EC_POINT_mul(j->g, j->r, NULL, j->p, j->k, j->ctx);
}

static void bench_bn254(void)
{
    zg_bn254_g1 g1, p;
    zg_bn254_g2 g2;
    for (int i = 0; i < 32; i++) scalar[i] = (uint8_t)(0x9b * i + 17);
    scalar[0] &= 0x2f; /* below r */
    zg_bn254_g1_generator(&g1);
    zg_bn254_g2_generator(&g2);
    zg_bn254_g1_mul(&bn_p, &g1, scalar);
    zg_bn254_g2_mul(&bn_q, &g2, scalar);
    zg_bn254_g2_to_bytes(bn_g2_enc, &bn_q);
    zg_bn254_g1_to_bytes(bn_add_in, &bn_p);
    zg_bn254_g1_to_bytes(bn_add_in + 64, &g1);
    memcpy(bn_mul_in, bn_add_in, 64);
    memcpy(bn_mul_in + 64, scalar, 32);
    for (int i = 0; i < 4; i++) {
        zg_bn254_g1_mul(&p, &g1, scalar);
        if (i & 1) zg_bn254_g1_neg(&p, &p);
        zg_bn254_g1_to_bytes(bn_pair_in + i * 192, &p);
        zg_bn254_g2_to_bytes(bn_pair_in + i * 192 + 64, &g2);
    }
    zg_bn254_miller_loop(&bn_f, &bn_p, &bn_q, 1);

    printf("BN254 (alt_bn128)\n");
    report("ECADD precompile", measure(w_bn_add, NULL));
    report("ECMUL precompile", measure(w_bn_mul, NULL));
    for (intptr_t n = 1; n <= 4; n *= 2) {
        char name[64];
        snprintf(name, sizeof name, "ECPAIRING precompile, %d pair%s", (int)n, n > 1 ? "s" : "");
        report(name, measure(w_bn_pair, (void *)n));
    }
    if (zg_curves_use_asm(-1)) {
        double a = measure(w_bn_pair, (void *)(intptr_t)2);
        zg_curves_use_asm(0);
        double c = measure(w_bn_pair, (void *)(intptr_t)2);
        zg_curves_use_asm(1);
        report("ECPAIRING, 2 pairs, portable C field mul", c);
        printf("  ratio portable C / BMI2-ADX assembly field mul: %.2fx\n", c / a);
    }
    report("Miller loop (1 pair)", measure(w_bn_miller, NULL));
    report("final exponentiation", measure(w_bn_fexp, NULL));
    report("G2 decode + subgroup check", measure(w_bn_g2_decode, NULL));
    report("G2 scalar mul (constant time)", measure(w_bn_g2mul_ct, NULL));

    double ct = measure(w_bn_g1mul_ct, NULL), vt = measure(w_bn_g1mul_vt, NULL);
    /* OpenSSL on the same curve */
    ossl_job j;
    BIGNUM *bp = NULL, *br = NULL, *a = BN_new(), *b = BN_new(), *one = BN_new(), *two = BN_new();
    BN_hex2bn(&bp, "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47");
    BN_hex2bn(&br, "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001");
    BN_zero(a);
    BN_set_word(b, 3);
    BN_set_word(one, 1);
    BN_set_word(two, 2);
    j.ctx = BN_CTX_new();
    j.g = EC_GROUP_new_curve_GFp(bp, a, b, j.ctx);
    j.p = EC_POINT_new(j.g);
    j.r = EC_POINT_new(j.g);
    EC_POINT_set_affine_coordinates(j.g, j.p, one, two, j.ctx);
    EC_GROUP_set_generator(j.g, j.p, br, one);
    j.k = BN_bin2bn(scalar, 32, NULL);
    double os = measure(w_ossl_mul, &j);
    report("G1 scalar mul, constant time", ct);
    report("G1 scalar mul, variable time", vt);
    report("G1 scalar mul, OpenSSL EC_POINT_mul", os);
    printf("  ratio OpenSSL / zg: constant time %.2fx, variable time %.2fx\n", os / ct, os / vt);
    EC_POINT_free(j.p);
    EC_POINT_free(j.r);
    EC_GROUP_free(j.g);
    BN_CTX_free(j.ctx);
    BN_free(bp);
    BN_free(br);
    BN_free(a);
    BN_free(b);
    BN_free(one);
    BN_free(two);
    BN_free(j.k);
}

/* ---------------- BLS12-381 / KZG ---------------- */
static uint8_t bls_g1c[48], bls_g2c[96], kzg_in[192];
static zg_bls12_381_g1 bls_p;
static zg_bls12_381_g2 bls_q;

static void w_bls_g1_dec(void *a)
{
    zg_bls12_381_g1 r;
    sink += zg_bls12_381_g1_uncompress(&r, bls_g1c);
}
static void w_bls_g2_dec(void *a)
{
    zg_bls12_381_g2 r;
    sink += zg_bls12_381_g2_uncompress(&r, bls_g2c);
}
static void w_bls_pair(void *a)
{
    zg_bls12_381_gt r;
    zg_bls12_381_pairing_eval(&r, &bls_p, &bls_q);
}
static void w_bls_g1mul(void *a)
{
    zg_bls12_381_g1 r;
    zg_bls12_381_g1_mul(&r, &bls_p, scalar);
}
static zg_bls12_381_g1 *msm_pts;
static uint8_t (*msm_ks)[32];
static void w_msm(void *a)
{
    zg_bls12_381_g1 r;
    sink += zg_bls12_381_g1_msm_vartime(&r, msm_pts, (const uint8_t(*)[32])msm_ks, (size_t)(intptr_t)a);
}
static void w_kzg(void *a)
{
    uint8_t out[64];
    sink += zg_kzg_point_evaluation(kzg_in, out);
}

static void bench_bls(void)
{
    zg_bls12_381_g1 g1;
    zg_bls12_381_g2 g2;
    zg_bls12_381_g1_generator(&g1);
    zg_bls12_381_g2_generator(&g2);
    zg_bls12_381_g1_mul(&bls_p, &g1, scalar);
    zg_bls12_381_g2_mul(&bls_q, &g2, scalar);
    zg_bls12_381_g1_compress(bls_g1c, &bls_p);
    zg_bls12_381_g2_compress(bls_g2c, &bls_q);
    /* a valid point-evaluation input: consensus-spec-tests
     * verify_kzg_proof_case_correct_proof_420f2a187ce77035 */
    unhex("a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06",
          kzg_in + 96, 48);
    unhex("0000000000000000000000000000000000000000000000000000000000000002", kzg_in + 32, 32);
    unhex("2bf4e1f980eb94661a21affc4d7e6e56f214fe3e7dc4d20b98c66ffd43cabeb0", kzg_in + 64, 32);
    unhex("89012990b0ca02775bd9df8145f6c936444b83f54df1f5f274fb4312800a6505dd000ee8ec7b0ea6d72092a3daf0bffb",
          kzg_in + 144, 48);
    zg_kzg_commitment_to_versioned_hash(kzg_in, kzg_in + 96);

    printf("BLS12-381\n");
    report("G1 decompress + subgroup check", measure(w_bls_g1_dec, NULL));
    report("G2 decompress + subgroup check", measure(w_bls_g2_dec, NULL));
    report("G1 scalar mul (constant time)", measure(w_bls_g1mul, NULL));
    report("pairing", measure(w_bls_pair, NULL));
    uint8_t out[64];
    if (zg_kzg_point_evaluation(kzg_in, out) != ZG_OK) {
        printf("  point evaluation input rejected!\n");
        sink++;
    }
    report("KZG point evaluation precompile (0x0a)", measure(w_kzg, NULL));

    /* multi-scalar multiplication at the size of a blob commitment */
    size_t n = ZG_KZG_FIELD_ELEMENTS_PER_BLOB;
    msm_pts = malloc(n * sizeof *msm_pts);
    msm_ks = malloc(n * sizeof *msm_ks);
    zg_bls12_381_g1_mul(&msm_pts[0], &g1, scalar);
    for (size_t i = 1; i < n; i++) zg_bls12_381_g1_add(&msm_pts[i], &msm_pts[i - 1], &g1);
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < 32; j++) msm_ks[i][j] = (uint8_t)((i * 131 + j * 29 + 7) ^ (j ? 0 : 0x40));
    double t_msm = measure(w_msm, (void *)(intptr_t)n);
    double t_mul = measure(w_bls_g1mul, NULL);
    report("G1 MSM, 4096 points (blob commitment)", t_msm);
    printf("  ratio 4096 separate constant-time k·P / MSM: %.1fx\n", 4096 * t_mul / t_msm);
    free(msm_pts);
    free(msm_ks);
}

int main(int argc, char **argv)
{
    if (argc > 1) run_s = atof(argv[1]);
    bench_bn254();
    bench_bls();
    return sink == 12345;
}
