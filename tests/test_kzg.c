/* test_kzg.c — EIP-4844 KZG:
 *  1. the trusted-setup point [s]G2 equals the published compressed
 *     KZG_SETUP_G2_MONOMIAL_1 and lies in G2;
 *  2. verify_kzg_proof vectors from the consensus-spec tests
 *     (tests/general/deneb/kzg/verify_kzg_proof/kzg-mainnet, as shipped in
 *     c-kzg-4844 tests/verify_kzg_proof/kzg-mainnet/<case>/data.yaml):
 *     valid proofs, incorrect proofs, an invalid point encoding;
 *  3. the point-evaluation precompile: output for valid input, failure for
 *     a wrong versioned hash, tampered z / y / proof / commitment, z or
 *     y >= r; versioned hash checked against OpenSSL SHA-256;
 *  4. every input of $ZG_ETH_TESTS/GeneralStateTests/Pyspecs/cancun/
 *     eip4844_blobs/point_evaluation_precompile_external_vectors.json (the
 *     transaction data is the 192-byte precompile input; the test name
 *     carries the consensus-spec case: correct_proof* must succeed,
 *     incorrect_proof* / invalid_* must fail).
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <openssl/sha.h>
#include <zg/kzg.h>
#include "tap.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
    if (h[0] == '0' && h[1] == 'x') h += 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* KZG_SETUP_G2_MONOMIAL_1, ethereum/execution-specs src/ethereum/crypto/kzg.py */
static const char *SETUP_S = "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72"
                             "185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2";
static const char *R_HEX = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";

/* expected: 1 valid, 0 invalid proof, -1 malformed input */
static const struct {
    const char *name, *commitment, *z, *y, *proof;
    int expected;
} vec[] = {
    {"correct_proof_31ebd010e6098750",
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a952b7",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "1522a4a7f34e1ea350ae07c29c96c7e79655aa926122e95fe69fcbd932ca49e9",
     "a62ad71d14c5719385c0686f1871430475bf3a00f0aa3f7b8dd99a9abc2160744faf0070725e00b60ad9a026a15b1a8c", 1},
    {"correct_proof_392169c16a2e5ef6",
     "a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "304962b3598a0adf33189fdfd9789feab1096ff40006900400000003fffffffc",
     "aa86c458b3065e7ec244033a2ade91a7499561f482419a3a372c42a636dad98262a2ce926d142fd7cfe26ca148efe8b4", 1},
    {"correct_proof_420f2a187ce77035",
     "a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06",
     "0000000000000000000000000000000000000000000000000000000000000002",
     "2bf4e1f980eb94661a21affc4d7e6e56f214fe3e7dc4d20b98c66ffd43cabeb0",
     "89012990b0ca02775bd9df8145f6c936444b83f54df1f5f274fb4312800a6505dd000ee8ec7b0ea6d72092a3daf0bffb", 1},
    {"correct_proof_d0992bc0387790a4",
     "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a952b7",
     "5eb7004fe57383e6c88b99d839937fddf3f99279353aaf8d5c9a75f91ce33c62",
     "4882cf0609af8c7cd4c256e63a35838c95a9ebbf6122540ab344b42fd66d32e1",
     "987ea6df69bbe97c23e0dd948cf2d4490824ba7fea5af812721b2393354b0810a9dba2c231ea7ae30f26c412c7ea6e3a", 1},
    {"correct_proof_point_at_infinity_for_twos_poly_177b58dc7a46b08f",
     "a572cbea904d67468808c8eb50a9450c9721db309128012543902d0ac358a62ae28f75bb8f1c7c42c39a8c5529bf0f4e",
     "5eb7004fe57383e6c88b99d839937fddf3f99279353aaf8d5c9a75f91ce33c62",
     "0000000000000000000000000000000000000000000000000000000000000002",
     "c00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", 1},
    {"correct_proof_point_at_infinity_for_zero_poly_3ac8dc31e9aa6a70",
     "c00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "c00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", 1},
    {"incorrect_proof_392169c16a2e5ef6",
     "a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "304962b3598a0adf33189fdfd9789feab1096ff40006900400000003fffffffc",
     "b08a5afbb1717334e08e05576b07bff58e8851d8cfd9ea71da1ab4233ad4217cffabd669dfa89c3ebf4c44f91694a2f4", 0},
    {"incorrect_proof_point_at_infinity_392169c16a2e5ef6",
     "a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06",
     "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000",
     "304962b3598a0adf33189fdfd9789feab1096ff40006900400000003fffffffc",
     "c00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", 0},
    {"invalid_proof_e9d3e9ec16fbc15f",
     "a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffe",
     "8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde0", -1},
};

static void build_input(uint8_t in[192], int i)
{
    unhex(vec[i].z, in + 32, 32);
    unhex(vec[i].y, in + 64, 32);
    unhex(vec[i].commitment, in + 96, 48);
    unhex(vec[i].proof, in + 144, 48);
    zg_kzg_commitment_to_versioned_hash(in, in + 96);
}

static void test_fixtures(void)
{
    const char *root = tap_env("ZG_ETH_TESTS", NULL);
    char path[4096];
    if (!root) {
        ok(0, "ZG_ETH_TESTS is not set: cannot find the EIP-4844 Pyspecs fixtures");
        return;
    }
    snprintf(path, sizeof path,
             "%s/GeneralStateTests/Pyspecs/cancun/eip4844_blobs/point_evaluation_precompile_external_vectors.json",
             root);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc) {
        ok(0, "cannot load %s: %s", path, jerr.text);
        return;
    }
    const char *name;
    json_t *t;
    int n = 0, bad = 0, valid = 0, nlen = 0;
    json_object_foreach(doc, name, t)
    {
        const char *c = strstr(name, "verify_kzg_proof_case_");
        json_t *data = json_object_get(json_object_get(t, "transaction"), "data");
        const char *hex = json_string_value(json_array_get(data, 0));
        if (!c || !hex) {
            bad++;
            diag("unexpected fixture entry %s", name);
            continue;
        }
        c += strlen("verify_kzg_proof_case_");
        int expect = strncmp(c, "correct_proof", 13) == 0;
        uint8_t in[192], out[64];
        int rc;
        if (strlen(hex) != 2 + 2 * 192) {
            /* a 191- or 193-byte input: the caller (the EVM) fails it on
             * length before the precompile is reached, as EIP-4844 asks */
            rc = ZG_EINVAL;
            nlen++;
        } else {
            unhex(hex, in, 192);
            rc = zg_kzg_point_evaluation(in, out);
        }
        if ((rc == ZG_OK) != expect) {
            bad++;
            diag("%s: rc=%d, expected %s", c, rc, expect ? "success" : "failure");
        }
        valid += expect;
        n++;
    }
    json_decref(doc);
    ok(n >= 100 && bad == 0 && valid > 0 && nlen < n / 4,
       "point_evaluation_precompile_external_vectors.json: %d inputs (%d valid, %d of wrong length) as expected", n,
       valid, nlen);
}

int main(void)
{
    uint8_t c[48], z[32], y[32], pr[48], in[192], out[64], t[192];
    const int nvec = (int)(sizeof vec / sizeof vec[0]);

    /* 1. the setup point */
    {
        zg_bls12_381_g2 s, s2;
        uint8_t b[96], want[96];
        unhex(SETUP_S, want, 96);
        zg_kzg_setup_g2_s(&s);
        zg_bls12_381_g2_compress(b, &s);
        ok(memcmp(b, want, 96) == 0, "[s]G2 compresses to KZG_SETUP_G2_MONOMIAL_1");
        ok(zg_bls12_381_g2_uncompress(&s2, want) == ZG_OK && zg_bls12_381_g2_eq(&s, &s2) &&
               zg_bls12_381_g2_in_subgroup(&s),
           "KZG_SETUP_G2_MONOMIAL_1 decompresses to it and lies in G2");
    }

    /* 2. verify_kzg_proof vectors */
    for (int i = 0; i < nvec; i++) {
        unhex(vec[i].commitment, c, 48);
        unhex(vec[i].z, z, 32);
        unhex(vec[i].y, y, 32);
        unhex(vec[i].proof, pr, 48);
        int rc = zg_kzg_verify_proof(c, z, y, pr);
        int got = rc == 1 ? 1 : rc == 0 ? 0 : -1;
        ok(got == vec[i].expected, "verify_kzg_proof %s -> %d (expected %d)", vec[i].name, got, vec[i].expected);
    }

    /* 3. the precompile */
    {
        uint8_t h[32], want[64] = {0};
        unhex(vec[2].commitment, c, 48);
        SHA256(c, 48, h);
        h[0] = 0x01;
        zg_kzg_commitment_to_versioned_hash(t, c);
        ok(memcmp(t, h, 32) == 0, "versioned hash = 0x01 || sha256(commitment)[1:]");
        want[30] = 0x10; /* 4096 */
        unhex(R_HEX, want + 32, 32);
        int good = 1;
        for (int i = 0; i < nvec; i++) {
            if (vec[i].expected != 1) continue;
            build_input(in, i);
            memset(out, 0xaa, 64);
            good &= zg_kzg_point_evaluation(in, out) == ZG_OK && memcmp(out, want, 64) == 0;
        }
        ok(good, "point evaluation accepts the valid vectors; output = 4096 | BLS modulus");
        int rejected = 0, tried = 0;
        for (int i = 0; i < nvec; i++) {
            if (vec[i].expected == 1) continue;
            build_input(in, i);
            rejected += zg_kzg_point_evaluation(in, out) != ZG_OK;
            tried++;
        }
        ok(rejected == tried, "point evaluation fails for the incorrect / invalid vectors (%d)", tried);

        /* tampering with a valid input (vector 2: z = 2) */
        build_input(in, 2);
        memcpy(t, in, 192);
        t[0] = 0x02;
        ok(zg_kzg_point_evaluation(t, out) != ZG_OK, "wrong versioned-hash version rejected");
        memcpy(t, in, 192);
        t[5] ^= 1;
        ok(zg_kzg_point_evaluation(t, out) != ZG_OK, "wrong versioned hash rejected");
        memcpy(t, in, 192);
        t[63] ^= 1;
        ok(zg_kzg_point_evaluation(t, out) != ZG_OK, "tampered z rejected");
        memcpy(t, in, 192);
        t[95] ^= 1;
        ok(zg_kzg_point_evaluation(t, out) != ZG_OK, "tampered y rejected");
        memcpy(t, in, 192);
        t[191] ^= 1;
        ok(zg_kzg_point_evaluation(t, out) != ZG_OK, "tampered proof rejected");
        memcpy(t, in, 192);
        t[143] ^= 1;
        zg_kzg_commitment_to_versioned_hash(t, t + 96); /* hash matches the tampered commitment */
        ok(zg_kzg_point_evaluation(t, out) != ZG_OK, "tampered commitment (with its own hash) rejected");
        /* z, y >= r: z + r encodes the same residue but must be refused */
        memcpy(t, in, 192);
        unhex(R_HEX, t + 32, 32);
        t[63] += 2;
        ok(zg_kzg_point_evaluation(t, out) != ZG_OK, "z = r + 2 rejected (z must be < BLS modulus)");
        build_input(in, 5); /* zero polynomial: y = 0 */
        memcpy(t, in, 192);
        unhex(R_HEX, t + 64, 32);
        ok(zg_kzg_point_evaluation(in, out) == ZG_OK && zg_kzg_point_evaluation(t, out) != ZG_OK,
           "y = r rejected where y = 0 is accepted");
    }
    test_fixtures();
    return tap_done();
}
