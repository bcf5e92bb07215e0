/* test_bls12_381.c — BLS12-381:
 *  1. Fr arithmetic against OpenSSL BIGNUM (random and edge values);
 *  2. G1 scalar multiplication and addition against OpenSSL's generic
 *     prime-curve code on y^2 = x^3 + 4;
 *  3. encodings: the generators' well-known compressed forms, round trips,
 *     identity encodings, rejection of bad flags / non-canonical input /
 *     points off the curve / points outside the subgroup (points of E(Fp)
 *     and E'(Fp2) of order != r, generated offline; [r]P != O is
 *     re-checked here);
 *  4. the endomorphism subgroup tests agree with multiplication by r;
 *  5. pairing: non-degeneracy, bilinearity, e^r = 1, multi-pairing = the
 *     product, pairing_check, and the final exponentiation equal to
 *     f^((p^12-1)/r) by plain square-and-multiply.
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <zg/bls12_381.h>
#include "tap.h"

static const char *P_HEX = "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab";
static const char *R_HEX = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";
static const char *H_HEX = "396c8c005555e1568c00aaab0000aaab"; /* G1 cofactor */
/* the generators in compressed form (e.g. the first G1 and G2 points of
 * the KZG trusted setup, which are [1]G1 and [1]G2) */
static const char *G1_COMPRESSED = "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";
static const char *G2_COMPRESSED = "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
                                   "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8";

static size_t unhex(const char *h, uint8_t *out, size_t max)
{
    size_t n = strlen(h) / 2;
    if (n > max) n = max;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return n;
}

static uint64_t rng = 0xb15b15ULL;
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

static BIGNUM *bn_hex(const char *h)
{
    BIGNUM *b = NULL;
    BN_hex2bn(&b, h);
    return b;
}

/* random scalar below r (BIGNUM and 32-byte BE) */
static void rnd_scalar(uint8_t out[32])
{
    uint8_t b[32];
    rnd32(b);
    BIGNUM *x = BN_bin2bn(b, 32, NULL);
    BN_mod(x, x, bn_r, bctx);
    BN_bn2binpad(x, out, 32);
    BN_free(x);
}

static void test_fr(void)
{
    uint8_t a[32], b[32], out[32], ref[32];
    zg_bls12_381_fr x, y, z;
    BIGNUM *A = BN_new(), *B = BN_new(), *C = BN_new();
    int bad = 0, n = 0;
    for (int i = 0; i < 300; i++) {
        if (i == 0) memset(a, 0, 32);
        else if (i == 1) { memset(a, 0, 32); a[31] = 1; }
        else if (i == 2) { unhex(R_HEX, a, 32); a[31] -= 1; } /* r - 1 */
        else rnd_scalar(a);
        if (i == 3) { unhex(R_HEX, b, 32); b[31] -= 1; }
        else rnd_scalar(b);
        BN_bin2bn(a, 32, A);
        BN_bin2bn(b, 32, B);
        bad += zg_bls12_381_fr_from_bytes(&x, a) != ZG_OK || zg_bls12_381_fr_from_bytes(&y, b) != ZG_OK;
        zg_bls12_381_fr_to_bytes(out, &x);
        bad += memcmp(out, a, 32) != 0;
        zg_bls12_381_fr_add(&z, &x, &y);
        zg_bls12_381_fr_to_bytes(out, &z);
        BN_mod_add(C, A, B, bn_r, bctx);
        BN_bn2binpad(C, ref, 32);
        bad += memcmp(out, ref, 32) != 0;
        zg_bls12_381_fr_sub(&z, &x, &y);
        zg_bls12_381_fr_to_bytes(out, &z);
        BN_mod_sub(C, A, B, bn_r, bctx);
        BN_bn2binpad(C, ref, 32);
        bad += memcmp(out, ref, 32) != 0;
        zg_bls12_381_fr_mul(&z, &x, &y);
        zg_bls12_381_fr_to_bytes(out, &z);
        BN_mod_mul(C, A, B, bn_r, bctx);
        BN_bn2binpad(C, ref, 32);
        bad += memcmp(out, ref, 32) != 0;
        zg_bls12_381_fr_sqr(&z, &x);
        zg_bls12_381_fr_to_bytes(out, &z);
        BN_mod_sqr(C, A, bn_r, bctx);
        BN_bn2binpad(C, ref, 32);
        bad += memcmp(out, ref, 32) != 0;
        zg_bls12_381_fr_neg(&z, &x);
        zg_bls12_381_fr_add(&z, &z, &x);
        bad += !zg_bls12_381_fr_is_zero(&z);
        if (i < 40) {
            zg_bls12_381_fr_inv(&z, &x);
            zg_bls12_381_fr_to_bytes(out, &z);
            if (BN_is_zero(A)) {
                BN_zero(C);
            } else {
                BN_mod_inverse(C, A, bn_r, bctx);
            }
            BN_bn2binpad(C, ref, 32);
            bad += memcmp(out, ref, 32) != 0;
            zg_bls12_381_fr_pow(&z, &x, b);
            zg_bls12_381_fr_to_bytes(out, &z);
            BN_mod_exp(C, A, B, bn_r, bctx);
            BN_bn2binpad(C, ref, 32);
            bad += memcmp(out, ref, 32) != 0;
        }
        n++;
    }
    ok(bad == 0, "Fr add/sub/mul/sqr/neg/inv/pow and encoding match BIGNUM (%d values incl. 0, 1, r-1)", n);
    unhex(R_HEX, a, 32);
    memset(b, 0xff, 32);
    ok(zg_bls12_381_fr_from_bytes(&x, a) == ZG_EINVAL && zg_bls12_381_fr_from_bytes(&x, b) == ZG_EINVAL,
       "Fr decoding rejects r and 2^256-1");
    zg_bls12_381_fr_from_u64(&x, 7);
    memset(ref, 0, 32);
    ref[31] = 7;
    zg_bls12_381_fr_to_bytes(out, &x);
    ok(memcmp(out, ref, 32) == 0, "Fr from_u64");
    BN_free(A);
    BN_free(B);
    BN_free(C);
}

static void test_g1(void)
{
    uint8_t c48[48], u96[96], k[32], ref[96], out[96];
    zg_bls12_381_g1 G, P, Q, R;
    zg_bls12_381_g1_generator(&G);
    zg_bls12_381_g1_compress(c48, &G);
    unhex(G1_COMPRESSED, ref, 48);
    ok(memcmp(c48, ref, 48) == 0, "G1 generator compresses to 97f1d3a7...");
    ok(zg_bls12_381_g1_uncompress(&P, ref) == ZG_OK && zg_bls12_381_g1_eq(&P, &G), "and decompresses back");
    ok(zg_bls12_381_g1_on_curve(&G) && zg_bls12_381_g1_in_subgroup(&G), "G1 generator on the curve, in G1");

    /* OpenSSL reference curve */
    BIGNUM *a = BN_new(), *b = BN_new(), *h = bn_hex(H_HEX), *x = BN_new(), *y = BN_new(), *kk = BN_new();
    BN_zero(a);
    BN_set_word(b, 4);
    EC_GROUP *grp = EC_GROUP_new_curve_GFp(bn_p, a, b, bctx);
    EC_POINT *OG = EC_POINT_new(grp), *OR = EC_POINT_new(grp);
    zg_bls12_381_g1_serialize(u96, &G);
    BN_bin2bn(u96, 48, x);
    BN_bin2bn(u96 + 48, 48, y);
    EC_POINT_set_affine_coordinates(grp, OG, x, y, bctx);
    EC_GROUP_set_generator(grp, OG, bn_r, h);
    int bad = 0, n = 0;
    for (int i = 0; i < 24; i++) {
        if (i == 0) memset(k, 0, 32);
        else if (i == 1) unhex(R_HEX, k, 32);
        else if (i == 2) memset(k, 0xff, 32);
        else rnd32(k);
        BN_bin2bn(k, 32, kk);
        EC_POINT_mul(grp, OR, NULL, OG, kk, bctx);
        if (EC_POINT_is_at_infinity(grp, OR)) {
            memset(ref, 0, 96);
            ref[0] = 0x40;
        } else {
            EC_POINT_get_affine_coordinates(grp, OR, x, y, bctx);
            BN_bn2binpad(x, ref, 48);
            BN_bn2binpad(y, ref + 48, 48);
        }
        zg_bls12_381_g1_mul(&R, &G, k);
        zg_bls12_381_g1_serialize(out, &R);
        bad += memcmp(out, ref, 96) != 0;
        zg_bls12_381_g1_mul_vartime(&R, &G, k);
        zg_bls12_381_g1_serialize(out, &R);
        bad += memcmp(out, ref, 96) != 0;
        /* round trips */
        bad += zg_bls12_381_g1_deserialize(&Q, out) != ZG_OK || !zg_bls12_381_g1_eq(&Q, &R);
        zg_bls12_381_g1_compress(c48, &R);
        bad += zg_bls12_381_g1_uncompress(&Q, c48) != ZG_OK || !zg_bls12_381_g1_eq(&Q, &R);
        /* addition: R + G against OpenSSL */
        zg_bls12_381_g1_add(&Q, &R, &G);
        EC_POINT_add(grp, OR, OR, OG, bctx);
        EC_POINT_get_affine_coordinates(grp, OR, x, y, bctx);
        BN_bn2binpad(x, ref, 48);
        BN_bn2binpad(y, ref + 48, 48);
        zg_bls12_381_g1_serialize(out, &Q);
        bad += memcmp(out, ref, 96) != 0;
        n++;
    }
    ok(bad == 0, "G1 k·G (constant and variable time), P + G, encodings round trip; OpenSSL agrees (%d scalars)", n);
    EC_POINT_free(OG);
    EC_POINT_free(OR);
    EC_GROUP_free(grp);
    BN_free(a);
    BN_free(b);
    BN_free(h);
    BN_free(x);
    BN_free(y);
    BN_free(kk);

    /* identity encodings */
    zg_bls12_381_g1_identity(&P);
    zg_bls12_381_g1_compress(c48, &P);
    zg_bls12_381_g1_serialize(u96, &P);
    ok(c48[0] == 0xc0 && u96[0] == 0x40, "identity encodes as 0xc0.. / 0x40..");
    ok(zg_bls12_381_g1_uncompress(&Q, c48) == ZG_OK && zg_bls12_381_g1_is_identity(&Q) &&
           zg_bls12_381_g1_deserialize(&Q, u96) == ZG_OK && zg_bls12_381_g1_is_identity(&Q),
       "identity decodes");

    /* malformed input */
    unhex(G1_COMPRESSED, c48, 48);
    c48[0] &= 0x7f;
    ok(zg_bls12_381_g1_uncompress(&P, c48) == ZG_EINVAL, "compressed G1 without the compression flag rejected");
    memset(c48, 0, 48);
    c48[0] = 0xe0;
    ok(zg_bls12_381_g1_uncompress(&P, c48) == ZG_EINVAL, "infinity with the sign flag rejected");
    c48[0] = 0xc0;
    c48[47] = 1;
    ok(zg_bls12_381_g1_uncompress(&P, c48) == ZG_EINVAL, "infinity with stray bits rejected");
    memset(c48, 0, 48);
    unhex(P_HEX, c48, 48);
    c48[0] |= 0x80;
    ok(zg_bls12_381_g1_uncompress(&P, c48) == ZG_EINVAL, "x = p rejected");
    unhex("0c03cb68785116080d650372e90794dfed52a24135b00a5436a80bdf0023b682af5570eed8e94b150452ef05f542441d", c48,
          48);
    c48[0] |= 0x80;
    ok(zg_bls12_381_g1_uncompress(&P, c48) == ZG_EINVAL, "x with no point on the curve rejected");
    zg_bls12_381_g1_serialize(u96, &G);
    u96[95] ^= 1;
    ok(zg_bls12_381_g1_deserialize(&P, u96) == ZG_EINVAL, "uncompressed point off the curve rejected");

    /* points of E(Fp) outside G1 */
    static const char *off[] = {
        "048995f34dabb4817253edc6181879932fa91425cb0088539d2c67eda13ffe7979cb9e86830c71c2cdcc69292f45e67817e4db18318c9bb6f0f544cf27dee5c4151c8bb4a9516ae3daf6ebfe799c3b92cf5d7a9239b41f1123534aa748224810",
        "0e7eef15f6fa5db8656abd72fb710734986e86cb0ab8ab67a26b7f62b1852f27e3eff9c0cf44dd3f89e7d15f17362f2518699e12c4b480f8310025522490a169f5800b29b3fa9d51c11708d8788bdeb336bc614f923226fa712d085223babd28",
    };
    bad = 0;
    unhex(R_HEX, k, 32);
    for (int i = 0; i < 2; i++) {
        unhex(off[i], u96, 96);
        bad += zg_bls12_381_g1_deserialize_unchecked(&P, u96) != ZG_OK || !zg_bls12_381_g1_on_curve(&P);
        zg_bls12_381_g1_mul_vartime(&R, &P, k);
        bad += zg_bls12_381_g1_is_identity(&R);        /* order != r */
        bad += zg_bls12_381_g1_in_subgroup(&P) != 0;   /* endomorphism test agrees */
        bad += zg_bls12_381_g1_deserialize(&Q, u96) != ZG_EINVAL;
        zg_bls12_381_g1_compress(c48, &P);
        bad += zg_bls12_381_g1_uncompress(&Q, c48) != ZG_EINVAL;
        /* clearing the cofactor lands in G1 */
        uint8_t hb[32] = {0};
        unhex(H_HEX, hb + 16, 16);
        zg_bls12_381_g1_mul_vartime(&Q, &P, hb);
        bad += !zg_bls12_381_g1_in_subgroup(&Q);
        zg_bls12_381_g1_mul_vartime(&R, &Q, k);
        bad += !zg_bls12_381_g1_is_identity(&R);
    }
    ok(bad == 0, "G1 points of order != r: [r]P != O, subgroup test false, decoders reject; [h]P passes");
}

static void test_g2(void)
{
    uint8_t c96[96], u192[192], k[32], a[32], b[32], ab[32];
    zg_bls12_381_g2 G, P, Q, R;
    zg_bls12_381_g2_generator(&G);
    zg_bls12_381_g2_compress(c96, &G);
    unhex(G2_COMPRESSED, u192, 96);
    ok(memcmp(c96, u192, 96) == 0, "G2 generator compresses to 93e02b60...");
    ok(zg_bls12_381_g2_uncompress(&P, u192) == ZG_OK && zg_bls12_381_g2_eq(&P, &G), "and decompresses back");
    unhex(R_HEX, k, 32);
    zg_bls12_381_g2_mul(&P, &G, k);
    zg_bls12_381_g2_mul_vartime(&Q, &G, k);
    ok(zg_bls12_381_g2_in_subgroup(&G) && zg_bls12_381_g2_is_identity(&P) && zg_bls12_381_g2_is_identity(&Q),
       "G2 generator in G2, [r]G2 = O");

    int bad = 0;
    for (int i = 0; i < 8; i++) {
        BIGNUM *A, *B;
        rnd_scalar(a);
        rnd_scalar(b);
        A = BN_bin2bn(a, 32, NULL);
        B = BN_bin2bn(b, 32, NULL);
        BN_mod_add(A, A, B, bn_r, bctx);
        BN_bn2binpad(A, ab, 32);
        BN_free(A);
        BN_free(B);
        zg_bls12_381_g2_mul(&P, &G, a);
        zg_bls12_381_g2_mul_vartime(&Q, &G, b);
        zg_bls12_381_g2_add(&P, &P, &Q);
        zg_bls12_381_g2_mul(&R, &G, ab);
        bad += !zg_bls12_381_g2_eq(&P, &R);
        zg_bls12_381_g2_mul_vartime(&Q, &G, ab);
        bad += !zg_bls12_381_g2_eq(&Q, &R);
        zg_bls12_381_g2_compress(c96, &R);
        bad += zg_bls12_381_g2_uncompress(&Q, c96) != ZG_OK || !zg_bls12_381_g2_eq(&Q, &R);
        zg_bls12_381_g2_serialize(u192, &R);
        bad += zg_bls12_381_g2_deserialize(&Q, u192) != ZG_OK || !zg_bls12_381_g2_eq(&Q, &R);
        zg_bls12_381_g2_dbl(&Q, &R);
        zg_bls12_381_g2_add(&P, &R, &R);
        bad += !zg_bls12_381_g2_eq(&Q, &P);
    }
    ok(bad == 0, "G2: [a]G + [b]G = [a+b]G, constant = variable time, dbl, encodings round trip");

    zg_bls12_381_g2_identity(&P);
    zg_bls12_381_g2_compress(c96, &P);
    ok(c96[0] == 0xc0 && zg_bls12_381_g2_uncompress(&Q, c96) == ZG_OK && zg_bls12_381_g2_is_identity(&Q),
       "G2 identity encoding");
    unhex(G2_COMPRESSED, c96, 96);
    c96[95] ^= 0x01; /* x.c0 changed: most such x have no point */
    int rc1 = zg_bls12_381_g2_uncompress(&Q, c96);
    unhex(G2_COMPRESSED, c96, 96);
    c96[0] ^= 0x20; /* the other root: -G2 */
    int rc2 = zg_bls12_381_g2_uncompress(&Q, c96);
    zg_bls12_381_g2_neg(&P, &G);
    ok(rc1 == ZG_EINVAL || zg_bls12_381_g2_in_subgroup(&Q), "G2 decoding of a perturbed x fails or is valid");
    ok(rc2 == ZG_OK && zg_bls12_381_g2_eq(&Q, &P), "the sign flag selects -G2");

    static const char *off[] = {
        "0640129dd7a94ded97491e2370c6a5b85387f61376c468aec7321cc007b37e14998092253deffa38e12b2b8f30b17d0b0124114c0f3ebdd3102b938b8743feb6d4ea65d003d716849f8558a628518867a66b0d389d95847ebd299753a767779600a7c4bb254e675696642ecd13df2c85b9d7ef613ea075c7af5dbe58b1f2ebcd6df033fd48cb800c62fb7a3fc6b017ee07de58d454b2717429b0360569cf49a52f4dbf7813e402599efcb55d55bc053b2b981dddccc491301d0f2d0891c364e3",
        "10698d0f3acb6266c20ba2c250b601fc4105cca7b53302fc154cd2aad7185ddaee82ec3ffee5a5b28d1fe1daff6665890d0454d64735af1ca7a114907513923715c1d2dfa9964aef012d0ea67ff122294b4d8474a3ea284d3bd0334684e5516016fe293e9069b2af547e243da159fe51f74f5855e0c359ba6d34310cfe8f7a30983ed023acdf2626d26685019896220a00881121204861f539d13f63bacdcaac9b932c6f4e0713239ea0b15466ff6689c132acbcc1c0e6077a4ed79b295eda18",
    };
    bad = 0;
    for (int i = 0; i < 2; i++) {
        unhex(off[i], u192, 192);
        bad += zg_bls12_381_g2_deserialize_unchecked(&P, u192) != ZG_OK || !zg_bls12_381_g2_on_curve(&P);
        zg_bls12_381_g2_mul_vartime(&R, &P, k);
        bad += zg_bls12_381_g2_is_identity(&R);
        bad += zg_bls12_381_g2_in_subgroup(&P) != 0;
        bad += zg_bls12_381_g2_deserialize(&Q, u192) != ZG_EINVAL;
        zg_bls12_381_g2_compress(c96, &P);
        bad += zg_bls12_381_g2_uncompress(&Q, c96) != ZG_EINVAL;
        u192[191] ^= 1;
        bad += zg_bls12_381_g2_deserialize_unchecked(&Q, u192) != ZG_EINVAL; /* now off the twist */
    }
    ok(bad == 0, "G2 points of order != r: [r]Q != O, subgroup test false, decoders reject");
}

static void test_msm(void)
{
    static const size_t sizes[] = {0, 1, 7, 8, 33, 160};
    zg_bls12_381_g1 G, *pts = malloc(160 * sizeof *pts), acc, t, r;
    zg_bls12_381_g2 H, qs[20], acc2, t2, r2;
    uint8_t(*ks)[32] = malloc(160 * sizeof *ks);
    zg_bls12_381_g1_generator(&G);
    zg_bls12_381_g2_generator(&H);
    for (size_t i = 0; i < 160; i++) {
        uint8_t k[32];
        rnd_scalar(k);
        zg_bls12_381_g1_mul_vartime(&pts[i], &G, k);
        if (i % 11 == 3) zg_bls12_381_g1_identity(&pts[i]);
        if (i % 13 == 5) pts[i] = pts[i - 1];
        if (i % 17 == 2) memset(ks[i], 0, 32);
        else if (i % 19 == 4) memset(ks[i], 0xff, 32); /* >= r: reduced implicitly */
        else rnd32(ks[i]);
    }
    int bad = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        zg_bls12_381_g1_identity(&acc);
        for (size_t i = 0; i < n; i++) {
            zg_bls12_381_g1_mul_vartime(&t, &pts[i], ks[i]);
            zg_bls12_381_g1_add(&acc, &acc, &t);
        }
        bad += zg_bls12_381_g1_msm_vartime(&r, pts, (const uint8_t(*)[32])ks, n) != ZG_OK ||
               !zg_bls12_381_g1_eq(&r, &acc);
    }
    ok(bad == 0, "G1 multi-scalar multiplication = sum of k·P (n = 0..160, identities, repeats, 0 and 2^256-1)");
    zg_bls12_381_g2_identity(&acc2);
    for (size_t i = 0; i < 20; i++) {
        uint8_t k[32];
        rnd_scalar(k);
        zg_bls12_381_g2_mul_vartime(&qs[i], &H, k);
        zg_bls12_381_g2_mul_vartime(&t2, &qs[i], ks[i]);
        zg_bls12_381_g2_add(&acc2, &acc2, &t2);
    }
    ok(zg_bls12_381_g2_msm_vartime(&r2, qs, (const uint8_t(*)[32])ks, 20) == ZG_OK && zg_bls12_381_g2_eq(&r2, &acc2),
       "G2 multi-scalar multiplication (n = 20)");
    free(pts);
    free(ks);
}

static void test_pairing(void)
{
    uint8_t a[32], b[32], ab[32], rb[32];
    zg_bls12_381_g1 G1, P, P2, ps[3];
    zg_bls12_381_g2 G2, Q, qs[3];
    zg_bls12_381_gt e, e1, e2, f;
    zg_bls12_381_g1_generator(&G1);
    zg_bls12_381_g2_generator(&G2);
    unhex(R_HEX, rb, 32);
    zg_bls12_381_pairing_eval(&e, &G1, &G2);
    ok(!zg_bls12_381_gt_is_one(&e), "e(G1, G2) != 1");
    zg_bls12_381_gt_pow_vartime(&e1, &e, rb);
    ok(zg_bls12_381_gt_is_one(&e1), "e(G1, G2)^r = 1");
    int bad = 0;
    for (int i = 0; i < 2; i++) {
        rnd_scalar(a);
        rnd_scalar(b);
        BIGNUM *A = BN_bin2bn(a, 32, NULL), *B = BN_bin2bn(b, 32, NULL);
        BN_mod_mul(A, A, B, bn_r, bctx);
        BN_bn2binpad(A, ab, 32);
        BN_free(A);
        BN_free(B);
        zg_bls12_381_g1_mul(&P, &G1, a);
        zg_bls12_381_g2_mul(&Q, &G2, b);
        zg_bls12_381_pairing_eval(&e1, &P, &Q);
        zg_bls12_381_gt_pow_vartime(&e2, &e, ab);
        bad += !zg_bls12_381_gt_eq(&e1, &e2);
        zg_bls12_381_g1_mul(&P2, &G1, ab);
        zg_bls12_381_pairing_eval(&e2, &P2, &G2);
        bad += !zg_bls12_381_gt_eq(&e1, &e2);
    }
    ok(bad == 0, "bilinearity: e(aP, bQ) = e(P, Q)^(ab) = e(abP, Q)");

    rnd_scalar(a);
    zg_bls12_381_g1_mul(&ps[0], &G1, a);
    zg_bls12_381_g1_neg(&ps[1], &ps[0]);
    zg_bls12_381_g1_identity(&ps[2]);
    qs[0] = qs[1] = qs[2] = G2;
    ok(zg_bls12_381_pairing_check(ps, qs, 3), "pairing_check: e(P, Q) e(-P, Q) e(O, Q) = 1");
    ps[1] = G1;
    ok(!zg_bls12_381_pairing_check(ps, qs, 2), "pairing_check fails for e(P, Q) e(G1, Q)");
    ps[2] = ps[0];
    zg_bls12_381_g2_dbl(&qs[2], &G2);
    zg_bls12_381_multi_pairing(&e1, ps, qs, 3);
    zg_bls12_381_pairing_eval(&e2, &ps[0], &qs[0]);
    zg_bls12_381_gt_mul(&e2, &e2, &e);
    zg_bls12_381_pairing_eval(&f, &ps[2], &qs[2]);
    zg_bls12_381_gt_mul(&e2, &e2, &f);
    ok(zg_bls12_381_gt_eq(&e1, &e2), "multi-pairing = product of pairings");

    /* the final exponentiation is exactly f^((p^12-1)/r) */
    {
        BIGNUM *ex = BN_new(), *t = BN_new();
        BN_set_word(t, 12);
        BN_exp(ex, bn_p, t, bctx);
        BN_sub_word(ex, 1);
        BN_div(ex, NULL, ex, bn_r, bctx);
        zg_bls12_381_miller_loop(&f, &G1, &G2, 1);
        zg_bls12_381_gt acc = f;
        for (int i = BN_num_bits(ex) - 2; i >= 0; i--) {
            zg_bls12_381_gt_mul(&acc, &acc, &acc);
            if (BN_is_bit_set(ex, i)) zg_bls12_381_gt_mul(&acc, &acc, &f);
        }
        ok(zg_bls12_381_gt_eq(&acc, &e), "final exponentiation = f^((p^12-1)/r) (%d-bit exponent)", BN_num_bits(ex));
        BN_free(ex);
        BN_free(t);
    }
}

int main(void)
{
    bctx = BN_CTX_new();
    bn_p = bn_hex(P_HEX);
    bn_r = bn_hex(R_HEX);
    int asm_on = zg_curves_use_asm(-1);
    diag("field multiplication: %s", asm_on ? "x86-64 BMI2/ADX assembly" : "portable C");
    test_fr();
    test_g1();
    test_g2();
    test_msm();
    test_pairing();
    if (asm_on) {
        diag("again with the portable C field multiplication");
        zg_curves_use_asm(0);
        ok(zg_curves_use_asm(-1) == 0, "assembly can be switched off");
        test_fr();
        test_g1();
        test_g2();
        test_pairing();
        zg_curves_use_asm(1);
    }
    BN_free(bn_p);
    BN_free(bn_r);
    BN_CTX_free(bctx);
    return tap_done();
}
