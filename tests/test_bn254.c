/* test_bn254.c — BN254 (alt_bn128):
 *  1. G1 arithmetic against OpenSSL's generic prime-curve code (an
 *     independent implementation): scalar multiplication (constant-time and
 *     variable-time), addition including doubling/inverse/identity cases;
 *  2. EIP-196 ECADD/ECMUL vectors (go-ethereum's precompile test data) and
 *     rejection of invalid encodings;
 *  3. G2: generator order, distributivity, subgroup test against [r]Q on
 *     twist points outside G2, encoding round trip;
 *  4. pairing: non-degeneracy, bilinearity, e^r = 1, multi-pairing equals
 *     the product, final exponentiation equal to f^((p^12-1)/r) computed
 *     by plain square-and-multiply;
 *  5. every input of $ZG_ETH_TESTS/GeneralStateTests/stZeroKnowledge/
 *     ecpairing_inputs.json through the ECPAIRING entry point, checked
 *     against the fixture's label (positive / negative / invalid_*).
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <zg/bn254.h>
#include "tap.h"

static const char *P_HEX = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";
static const char *R_HEX = "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";

static size_t unhex(const char *h, uint8_t *out, size_t max)
{
    if (h[0] == '0' && h[1] == 'x') h += 2;
    size_t n = strlen(h) / 2;
    if (n > max) n = max;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return n;
}

static uint64_t rng = 0xb254b254ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static void rnd32(uint8_t b[32])
{
    for (int i = 0; i < 32; i += 8) {
        uint64_t v = rnd();
        memcpy(b + i, &v, 8);
    }
}

static BN_CTX *bctx;
static BIGNUM *bn_p, *bn_r;
static EC_GROUP *grp;

static BIGNUM *bn_hex(const char *h)
{
    BIGNUM *b = NULL;
    BN_hex2bn(&b, h);
    return b;
}

static void bn32(uint8_t out[32], const BIGNUM *b) { BN_bn2binpad(b, out, 32); }

/* OpenSSL's k·P in the 64-byte EIP-196 form */
static void ossl_mul(uint8_t out[64], const uint8_t pt[64], const uint8_t k[32])
{
    EC_POINT *P = EC_POINT_new(grp), *R = EC_POINT_new(grp);
    BIGNUM *x = BN_bin2bn(pt, 32, NULL), *y = BN_bin2bn(pt + 32, 32, NULL), *kk = BN_bin2bn(k, 32, NULL);
    EC_POINT_set_affine_coordinates(grp, P, x, y, bctx);
    EC_POINT_mul(grp, R, NULL, P, kk, bctx);
    if (EC_POINT_is_at_infinity(grp, R)) {
        memset(out, 0, 64);
    } else {
        EC_POINT_get_affine_coordinates(grp, R, x, y, bctx);
        bn32(out, x);
        bn32(out + 32, y);
    }
    BN_free(x);
    BN_free(y);
    BN_free(kk);
    EC_POINT_free(P);
    EC_POINT_free(R);
}

static void setup_openssl(void)
{
    bctx = BN_CTX_new();
    bn_p = bn_hex(P_HEX);
    bn_r = bn_hex(R_HEX);
    BIGNUM *a = BN_new(), *b = BN_new(), *one = BN_new(), *two = BN_new();
    BN_zero(a);
    BN_set_word(b, 3);
    BN_set_word(one, 1);
    BN_set_word(two, 2);
    grp = EC_GROUP_new_curve_GFp(bn_p, a, b, bctx);
    EC_POINT *G = EC_POINT_new(grp);
    EC_POINT_set_affine_coordinates(grp, G, one, two, bctx);
    EC_GROUP_set_generator(grp, G, bn_r, one);
    EC_POINT_free(G);
    BN_free(a);
    BN_free(b);
    BN_free(one);
    BN_free(two);
}

/* r - k mod r etc. through BIGNUM, as 32-byte BE */
static void scalar_op(uint8_t out[32], const uint8_t a[32], const uint8_t b[32], char op)
{
    BIGNUM *x = BN_bin2bn(a, 32, NULL), *y = BN_bin2bn(b, 32, NULL), *z = BN_new();
    if (op == '*')
        BN_mod_mul(z, x, y, bn_r, bctx);
    else
        BN_mod_add(z, x, y, bn_r, bctx);
    bn32(out, z);
    BN_free(x);
    BN_free(y);
    BN_free(z);
}

static void test_g1(void)
{
    uint8_t gb[64] = {0}, out[64], ref[64], k[32], in[128], in96[96];
    zg_bn254_g1 G, P, Q, R;
    gb[31] = 1;
    gb[63] = 2;
    zg_bn254_g1_generator(&G);
    zg_bn254_g1_to_bytes(out, &G);
    ok(memcmp(out, gb, 64) == 0 && zg_bn254_g1_on_curve(&G), "G1 generator is (1, 2) and on the curve");

    /* scalar multiplication vs OpenSSL: edge scalars then random ones */
    int bad_ct = 0, bad_vt = 0, bad_pre = 0, n = 0;
    for (int i = 0; i < 40; i++) {
        if (i == 0) memset(k, 0, 32);
        else if (i == 1) { memset(k, 0, 32); k[31] = 1; }
        else if (i == 2) unhex(R_HEX, k, 32);                 /* r */
        else if (i == 3) { unhex(R_HEX, k, 32); k[31] -= 1; } /* r - 1 */
        else if (i == 4) { unhex(R_HEX, k, 32); k[31] += 1; } /* r + 1 */
        else if (i == 5) memset(k, 0xff, 32);
        else rnd32(k);
        /* base: G for even i, a random multiple of G for odd i */
        uint8_t base[64], k2[32];
        if (i & 1) {
            rnd32(k2);
            ossl_mul(base, gb, k2);
        } else {
            memcpy(base, gb, 64);
        }
        ossl_mul(ref, base, k);
        zg_bn254_g1_from_bytes(&P, base);
        zg_bn254_g1_mul(&R, &P, k);
        zg_bn254_g1_to_bytes(out, &R);
        bad_ct += memcmp(out, ref, 64) != 0;
        zg_bn254_g1_mul_vartime(&R, &P, k);
        zg_bn254_g1_to_bytes(out, &R);
        bad_vt += memcmp(out, ref, 64) != 0;
        memcpy(in96, base, 64);
        memcpy(in96 + 64, k, 32);
        bad_pre += zg_bn254_mul(in96, out) != ZG_OK || memcmp(out, ref, 64) != 0;
        n++;
    }
    ok(bad_ct == 0, "G1 constant-time k·P matches OpenSSL (%d scalars incl. 0, 1, r-1, r, r+1, 2^256-1)", n);
    ok(bad_vt == 0, "G1 variable-time k·P matches OpenSSL");
    ok(bad_pre == 0, "ECMUL precompile matches OpenSSL");

    /* addition: random pairs, P+P, P+(-P), P+O */
    int bad_add = 0;
    for (int i = 0; i < 20; i++) {
        uint8_t a[32], b[32], s[32], pa[64], pb[64];
        rnd32(a);
        rnd32(b);
        if (i == 1) memcpy(b, a, 32);
        ossl_mul(pa, gb, a);
        ossl_mul(pb, gb, b);
        scalar_op(s, a, b, '+');
        ossl_mul(ref, gb, s);
        memcpy(in, pa, 64);
        memcpy(in + 64, pb, 64);
        bad_add += zg_bn254_add(in, out) != ZG_OK || memcmp(out, ref, 64) != 0;
    }
    ok(bad_add == 0, "ECADD of random multiples (and P+P) matches OpenSSL");
    zg_bn254_g1_neg(&Q, &G);
    zg_bn254_g1_add(&R, &G, &Q);
    ok(zg_bn254_g1_is_identity(&R), "P + (-P) = O");
    zg_bn254_g1_identity(&Q);
    zg_bn254_g1_add(&R, &G, &Q);
    ok(zg_bn254_g1_eq(&R, &G) && !zg_bn254_g1_eq(&R, &Q), "P + O = P, and P != O");
    zg_bn254_g1_dbl(&R, &G);
    zg_bn254_g1_add(&P, &G, &G);
    ok(zg_bn254_g1_eq(&R, &P), "dbl(P) = P + P");

    /* EIP-196 vectors: go-ethereum core/vm/testdata/precompiles/bn256Add.json
     * and bn256ScalarMul.json */
    static const struct { const char *in, *out; } addv[] = {
        {"18b18acfb4c2c30276db5411368e7185b311dd124691610c5d3b74034e093dc9063c909c4720840cb5134cb9f59fa749755796819658d32efc0d288198f3726607c2b7f58a84bd6145f00c9c2bc0bb1a187f20ff2c92963a88019e7c6a014eed06614e20c147e940f2d70da3f74c9a17df361706a4485c742bd6788478fa17d7",
         "2243525c5efd4b9c3d3c45ac0ca3fe4dd85e830a4ce6b65fa1eeaee202839703301d1d33be6da8e509df21cc35964723180eed7532537db9ae5e7d48f195c915"},
        {"2243525c5efd4b9c3d3c45ac0ca3fe4dd85e830a4ce6b65fa1eeaee202839703301d1d33be6da8e509df21cc35964723180eed7532537db9ae5e7d48f195c91518b18acfb4c2c30276db5411368e7185b311dd124691610c5d3b74034e093dc9063c909c4720840cb5134cb9f59fa749755796819658d32efc0d288198f37266",
         "2bd3e6d0f3b142924f5ca7b49ce5b9d54c4703d7ae5648e61d02268b1a0a9fb721611ce0a6af85915e2f1d70300909ce2e49dfad4a4619c8390cae66cefdb204"},
        {"0000000000000000000000000000000000000000000000000000000000000001000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000000000002",
         "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd315ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4"},
        {"17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa901e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98",
         "15bf2bb17880144b5d1cd2b1f46eff9d617bffd1ca57c37fb5a49bd84e53cf66049c797f9ce0d17083deb32b5e36f2ea2a212ee036598dd7624c168993d1355f"},
        {"17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa901e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa92e83f8d734803fc370eba25ed1f6b8768bd6d83887b87165fc2434fe11a830cb",
         "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},
        {"", "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},
    };
    static const struct { const char *in, *out; } mulv[] = {
        {"2bd3e6d0f3b142924f5ca7b49ce5b9d54c4703d7ae5648e61d02268b1a0a9fb721611ce0a6af85915e2f1d70300909ce2e49dfad4a4619c8390cae66cefdb20400000000000000000000000000000000000000000000000011138ce750fa15c2",
         "070a8d6a982153cae4be29d434e8faef8a47b274a053f5a4ee2a6c9c13c31e5c031b8ce914eba3a9ffb989f9cdd5b0f01943074bf4f0f315690ec3cec6981afc"},
        {"070a8d6a982153cae4be29d434e8faef8a47b274a053f5a4ee2a6c9c13c31e5c031b8ce914eba3a9ffb989f9cdd5b0f01943074bf4f0f315690ec3cec6981afc30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd46",
         "025a6f4181d2b4ea8b724290ffb40156eb0adb514c688556eb79cdea0752c2bb2eff3f31dea215f1eb86023a133a996eb6300b44da664d64251d05381bb8a02e"},
        {"1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe31a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
         "2cde5879ba6f13c0b5aa4ef627f159a3347df9722efce88a9afbb20b763b4c411aa7e43076f6aee272755a7f9b84832e71559ba0d2e0b17d5f9f01755e5b0d11"},
        {"1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe31a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f630644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000",
         "1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe3163511ddc1c3f25d396745388200081287b3fd1472d8339d5fecb2eae0830451"},
        {"039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d980000000000000000000000000000000100000000000000000000000000000000",
         "1071b63011e8c222c5a771dfa03c2e11aac9666dd097f2c620852c3951a4376a2f46fe2f73e1cf310a168d56baa5575a8319389d7bfa6b29ee2d908305791434"},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof addv / sizeof addv[0]; i++) {
        uint8_t exp[64];
        memset(in, 0, sizeof in);
        unhex(addv[i].in, in, 128);
        unhex(addv[i].out, exp, 64);
        bad += zg_bn254_add(in, out) != ZG_OK || memcmp(out, exp, 64) != 0;
    }
    ok(bad == 0, "EIP-196 ECADD vectors (%zu)", sizeof addv / sizeof addv[0]);
    bad = 0;
    for (size_t i = 0; i < sizeof mulv / sizeof mulv[0]; i++) {
        uint8_t exp[64];
        memset(in96, 0, sizeof in96);
        unhex(mulv[i].in, in96, 96);
        unhex(mulv[i].out, exp, 64);
        bad += zg_bn254_mul(in96, out) != ZG_OK || memcmp(out, exp, 64) != 0;
    }
    ok(bad == 0, "EIP-196 ECMUL vectors (%zu)", sizeof mulv / sizeof mulv[0]);

    /* invalid inputs */
    memset(in, 0, sizeof in);
    in[31] = 1;
    in[63] = 3; /* (1, 3) is not on the curve */
    ok(zg_bn254_add(in, out) != ZG_OK, "ECADD rejects a point off the curve");
    memset(in, 0, sizeof in);
    unhex(P_HEX, in, 32); /* x = p */
    in[63] = 2;
    ok(zg_bn254_add(in, out) != ZG_OK, "ECADD rejects a coordinate equal to p");
    memset(in, 0, sizeof in);
    memcpy(in + 64, gb, 64);
    unhex(P_HEX, in + 96, 32);
    in[127] += 2; /* y = p + 2 = 2 mod p */
    ok(zg_bn254_add(in, out) != ZG_OK, "ECADD rejects y >= p even when y mod p is valid");
    memset(in96, 0, sizeof in96);
    in96[63] = 1; /* (0, 1) */
    in96[95] = 1;
    ok(zg_bn254_mul(in96, out) != ZG_OK, "ECMUL rejects (0, 1)");
}

static void test_g2_pairing(void)
{
    uint8_t rb[32], a[32], b[32], ab[32], enc[128];
    zg_bn254_g1 G1, P, P2;
    zg_bn254_g2 G2, Q, Q2, R;
    zg_bn254_gt e, e1, e2, f;
    unhex(R_HEX, rb, 32);
    zg_bn254_g1_generator(&G1);
    zg_bn254_g2_generator(&G2);
    ok(zg_bn254_g2_on_curve(&G2) && zg_bn254_g2_in_subgroup(&G2), "G2 generator is on the twist and in G2");
    zg_bn254_g2_mul_vartime(&R, &G2, rb);
    zg_bn254_g2_mul(&Q, &G2, rb);
    ok(zg_bn254_g2_is_identity(&R) && zg_bn254_g2_is_identity(&Q), "[r]G2 = O (variable-time and constant-time)");
    zg_bn254_g2_to_bytes(enc, &G2);
    ok(zg_bn254_g2_from_bytes(&Q, enc) == ZG_OK && zg_bn254_g2_eq(&Q, &G2), "G2 encoding round trip");

    int bad = 0;
    for (int i = 0; i < 8; i++) {
        rnd32(a);
        rnd32(b);
        scalar_op(ab, a, b, '+');
        zg_bn254_g2_mul(&Q, &G2, a);
        zg_bn254_g2_mul_vartime(&Q2, &G2, b);
        zg_bn254_g2_add(&Q, &Q, &Q2);
        zg_bn254_g2_mul(&R, &G2, ab);
        bad += !zg_bn254_g2_eq(&Q, &R);
        zg_bn254_g2_mul_vartime(&Q2, &G2, ab);
        bad += !zg_bn254_g2_eq(&Q2, &R);
        bad += !zg_bn254_g2_in_subgroup(&R);
        zg_bn254_g2_to_bytes(enc, &R);
        bad += zg_bn254_g2_from_bytes(&Q2, enc) != ZG_OK || !zg_bn254_g2_eq(&Q2, &R);
    }
    ok(bad == 0, "G2: [a]G + [b]G = [a+b]G, constant-time = variable-time, multiples stay in G2");

    /* twist points outside G2 (random x with a square root, generated
     * offline); the fast test must agree with [r]Q != O */
    static const char *off[] = {
        "23445bb31738f7d93d9c172411e20b8f6b0d549b6f03675a1600a35a099950d80dbd9d7381e74ef5e8e25d940ed904759531985d5d9dc9f81818e811892f902b2b1b84bfc21e1beb24c243d78e7708c13fe099648e4d401260947b0f23311ae8089640eb115c71746298ca6700be9c43b81165b9020638372942fd8b929a1fbf",
        "032c78a7658cda1495e60af593bd04cf0fd630f1f29d0da9953f48f1a09f76b5285c2cce39263059f28c105d1fb17c2390c192cfd3ac94af0f21ddb66cad4a260f2f89eb30f34a01b67c13ef6e48c375ba1dbbc0048b286a1db8e4f62fee00a012296dc0f71fc9be3f146812091d7486a1790e275a1cafadae6a230e9981f5a4",
        "13d09b72b394fb36bb2d420f0f88080b10a3d6b2aa05e11ab2715945795e82291146af60f1d69ed617f5e837d70820fe119a72d174c9df6acc011cdd9474031b17ba35b05d0a2b79d2cd5f0c6781bc489802e8fddcbb635c258035bd01d8defd1337198490889baf8455927c2d377389eab37ac2c4ed5e9f43015109e6b09aa7",
    };
    bad = 0;
    for (size_t i = 0; i < 3; i++) {
        uint8_t pin[192] = {0}, o[32];
        unhex(off[i], enc, 128);
        bad += zg_bn254_g2_from_bytes_unchecked(&Q, enc) != ZG_OK || !zg_bn254_g2_on_curve(&Q);
        zg_bn254_g2_mul_vartime(&R, &Q, rb);
        bad += zg_bn254_g2_is_identity(&R) || zg_bn254_g2_in_subgroup(&Q);
        bad += zg_bn254_g2_from_bytes(&Q, enc) != ZG_EINVAL;
        memcpy(pin + 64, enc, 128);
        pin[31] = 1;
        pin[63] = 2;
        bad += zg_bn254_pairing(pin, 192, o) != ZG_EINVAL;
    }
    ok(bad == 0, "twist points of order != r: [r]Q != O, subgroup test false, decoder and ECPAIRING reject");

    /* pairing */
    zg_bn254_pairing_eval(&e, &G1, &G2);
    ok(!zg_bn254_gt_is_one(&e), "e(G1, G2) != 1");
    zg_bn254_gt_pow_vartime(&e1, &e, rb);
    ok(zg_bn254_gt_is_one(&e1), "e(G1, G2)^r = 1");
    bad = 0;
    for (int i = 0; i < 3; i++) {
        rnd32(a);
        rnd32(b);
        scalar_op(ab, a, b, '*');
        zg_bn254_g1_mul(&P, &G1, a);
        zg_bn254_g2_mul(&Q, &G2, b);
        zg_bn254_pairing_eval(&e1, &P, &Q);
        zg_bn254_gt_pow_vartime(&e2, &e, ab);
        bad += !zg_bn254_gt_eq(&e1, &e2);
        /* e(aP, Q) = e(P, aQ) */
        zg_bn254_g1_mul(&P2, &G1, ab);
        zg_bn254_pairing_eval(&e2, &P2, &G2);
        bad += !zg_bn254_gt_eq(&e1, &e2);
    }
    ok(bad == 0, "bilinearity: e(aP, bQ) = e(P, Q)^(ab) = e(abP, Q)");

    zg_bn254_g1 ps[3];
    zg_bn254_g2 qs[3];
    rnd32(a);
    rnd32(b);
    zg_bn254_g1_mul(&ps[0], &G1, a);
    zg_bn254_g2_mul(&qs[0], &G2, b);
    zg_bn254_g1_neg(&ps[1], &ps[0]);
    qs[1] = qs[0];
    zg_bn254_g1_identity(&ps[2]);
    qs[2] = G2;
    zg_bn254_multi_pairing(&e1, ps, qs, 3);
    ok(zg_bn254_gt_is_one(&e1), "e(P, Q) e(-P, Q) e(O, G2) = 1");
    ps[1] = G1;
    qs[2] = qs[1] = G2;
    ps[2] = ps[0];
    zg_bn254_multi_pairing(&e1, ps, qs, 3);
    zg_bn254_pairing_eval(&e2, &ps[0], &qs[0]);
    zg_bn254_gt_mul(&e2, &e2, &e);
    zg_bn254_pairing_eval(&f, &ps[2], &qs[2]);
    zg_bn254_gt_mul(&e2, &e2, &f);
    ok(zg_bn254_gt_eq(&e1, &e2), "multi-pairing = product of pairings");

    /* final exponentiation = f^((p^12-1)/r) by square-and-multiply */
    {
        BIGNUM *ex = BN_new(), *t = BN_new();
        BN_set_word(t, 12);
        BN_exp(ex, bn_p, t, bctx);
        BN_sub_word(ex, 1);
        BN_div(ex, NULL, ex, bn_r, bctx);
        zg_bn254_miller_loop(&f, &G1, &G2, 1);
        zg_bn254_gt acc;
        memset(&acc, 0, sizeof acc);
        int first = 1;
        for (int i = BN_num_bits(ex) - 1; i >= 0; i--) {
            if (!first) zg_bn254_gt_mul(&acc, &acc, &acc);
            if (BN_is_bit_set(ex, i)) {
                if (first) acc = f, first = 0;
                else zg_bn254_gt_mul(&acc, &acc, &f);
            }
        }
        ok(zg_bn254_gt_eq(&acc, &e), "final exponentiation = f^((p^12-1)/r) (%d-bit exponent)", BN_num_bits(ex));
        BN_free(ex);
        BN_free(t);
    }

    /* timing: informational only, never asserted */
    {
        uint8_t in[384];
        zg_bn254_g1 p1;
        rnd32(a);
        zg_bn254_g1_mul(&p1, &G1, a);
        zg_bn254_g1_to_bytes(in, &p1);
        zg_bn254_g2_to_bytes(in + 64, &G2);
        zg_bn254_g1_neg(&p1, &p1);
        zg_bn254_g1_to_bytes(in + 192, &p1);
        zg_bn254_g2_to_bytes(in + 256, &G2);
        uint8_t o[32];
        struct timespec t0, t1;
        int iters = 20, good = 1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        for (int i = 0; i < iters; i++) good &= zg_bn254_pairing(in, 384, o) == ZG_OK && o[31] == 1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        double ms = ((t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6) / iters;
        ok(good, "ECPAIRING of e(P, G2) e(-P, G2) = 1");
        diag("ECPAIRING, 2 pairs (with input validation): %.3f ms CPU time (informational)", ms);
    }
}

static void test_fixtures(void)
{
    const char *root = tap_env("ZG_ETH_TESTS", NULL);
    char path[4096];
    if (!root) {
        ok(0, "ZG_ETH_TESTS is not set: cannot find stZeroKnowledge fixtures");
        return;
    }
    snprintf(path, sizeof path, "%s/GeneralStateTests/stZeroKnowledge/ecpairing_inputs.json", root);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc) {
        ok(0, "cannot load %s: %s", path, jerr.text);
        return;
    }
    const char *name;
    json_t *t;
    int n = 0, bad = 0, pos = 0, neg = 0, inval = 0;
    json_object_foreach(doc, name, t)
    {
        json_t *labels = json_object_get(json_object_get(t, "_info"), "labels");
        json_t *data = json_object_get(json_object_get(t, "transaction"), "data");
        size_t i;
        json_t *d;
        json_array_foreach(data, i, d)
        {
            char key[32];
            snprintf(key, sizeof key, "%zu", i);
            const char *label = json_string_value(json_object_get(labels, key));
            const char *hex = json_string_value(d);
            if (!label || !hex) {
                bad++;
                diag("fixture entry %zu has no label or data", i);
                continue;
            }
            size_t len = strlen(hex) / 2;
            uint8_t *buf = malloc(len ? len : 1), out[32];
            len = unhex(hex, buf, len);
            int rc = zg_bn254_pairing(buf, len, out);
            int good;
            if (!strcmp(label, "positive")) {
                good = rc == ZG_OK && out[31] == 1;
                pos++;
            } else if (!strcmp(label, "negative")) {
                good = rc == ZG_OK && out[31] == 0;
                neg++;
            } else {
                good = rc != ZG_OK;
                inval++;
            }
            if (!good) {
                bad++;
                diag("ecpairing_inputs[%zu] (%s, %zu bytes): rc=%d out=%d", i, label, len, rc, out[31]);
            }
            n++;
            free(buf);
        }
    }
    json_decref(doc);
    ok(n > 100 && bad == 0, "ecpairing_inputs.json: %d inputs (%d positive, %d negative, %d invalid) as labelled", n,
       pos, neg, inval);
}

int main(void)
{
    setup_openssl();
    int asm_on = zg_curves_use_asm(-1);
    diag("field multiplication: %s", asm_on ? "x86-64 BMI2/ADX assembly" : "portable C");
    test_g1();
    test_g2_pairing();
    test_fixtures();
    if (asm_on) {
        /* the portable code must agree too (it is what other CPUs run) */
        diag("again with the portable C field multiplication");
        zg_curves_use_asm(0);
        ok(zg_curves_use_asm(-1) == 0, "assembly can be switched off");
        test_g1();
        test_g2_pairing();
        test_fixtures();
        zg_curves_use_asm(1);
    }
    EC_GROUP_free(grp);
    BN_free(bn_p);
    BN_free(bn_r);
    BN_CTX_free(bctx);
    return tap_done();
}
