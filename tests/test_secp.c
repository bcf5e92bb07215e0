/* test_secp.c — Ethereum ECDSA: known keys/addresses, the EIP-155 signing
 * vector (RFC 6979 determinism), sign/recover round trips, range and low-s
 * checks, and rejection of out-of-range or unrecoverable signatures. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <zg/keccak.h>
#include <zg/secp.h>
#include "tap.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
    if (h[0] == '0' && h[1] == 'x') h += 2;
    size_t hl = strlen(h);
    memset(out, 0, n);
    /* right-aligned: shorter hex is a smaller number */
    for (size_t i = 0; i < hl / 2 && i < n; i++) {
        unsigned v;
        sscanf(h + hl - 2 * (i + 1), "%2x", &v);
        out[n - 1 - i] = (uint8_t)v;
    }
}

static int eqhex(const uint8_t *b, size_t n, const char *h)
{
    uint8_t x[64];
    unhex(h, x, n);
    return memcmp(b, x, n) == 0;
}

static uint64_t rng = 0x5ec9256b1ULL;
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

/* n - x, big-endian */
static void sub_from_n(const uint8_t x[32], uint8_t out[32])
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = zg_secp_n[i] - x[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

int main(void)
{
    uint8_t key[32], addr[20], pub[64], hash[32], r[32], s[32], pub2[64], addr2[20];
    int recid;
    const char *seed = tap_env("ZG_TEST_SEED", NULL);
    if (seed) rng = strtoull(seed, NULL, 0);
    diag("seed 0x%llx (set ZG_TEST_SEED to vary)", (unsigned long long)rng);

    /* --- known keys --- */
    static const struct {
        const char *key, *addr;
    } known[] = {
        {"01", "7e5f4552091a69125d5dfcb7b8c2659029395bdf"},
        {"02", "2b5ad5c4795c026514f8317c7a215e218dccd6cf"},
        {"03", "6813eb9362372eef6200f3b1dbc3f819671cba69"},
        /* the EIP-155 example key */
        {"4646464646464646464646464646464646464646464646464646464646464646", "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"},
        /* the sender key of the ethereum/tests state tests */
        {"45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8", "a94f5374fce5edbc8e2a8697c15331677e6ebf0b"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        unhex(known[i].key, key, 32);
        int rc = zg_secp_address(key, addr);
        ok(rc == ZG_OK && eqhex(addr, 20, known[i].addr), "private key 0x%s -> address 0x%s", known[i].key,
           known[i].addr);
    }
    unhex("01", key, 32);
    ok(zg_secp_pubkey(key, pub) == ZG_OK &&
           eqhex(pub, 32, "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798") &&
           eqhex(pub + 32, 32, "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"),
       "private key 1 -> generator point G");
    zg_secp_pubkey_address(pub, addr2);
    ok(eqhex(addr2, 20, "7e5f4552091a69125d5dfcb7b8c2659029395bdf"), "address of G");

    /* --- EIP-155 example: signing hash of the spec's transaction, and the
     * signature it lists (deterministic RFC 6979 nonce) --- */
    {
        uint8_t rlp[64];
        const char *sd = "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080";
        size_t n = strlen(sd) / 2;
        unhex(sd, rlp, n);
        zg_keccak256(rlp, n, hash);
        ok(eqhex(hash, 32, "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"),
           "EIP-155 example signing hash");
        unhex("4646464646464646464646464646464646464646464646464646464646464646", key, 32);
        int rc = zg_secp_sign(hash, key, r, s, &recid);
        ok(rc == ZG_OK && recid == 0 &&
               eqhex(r, 32, "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276") &&
               eqhex(s, 32, "67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"),
           "EIP-155 example signature (r, s, v=37 -> recid 0)");
        ok(zg_secp_recover_address(hash, recid, r, s, addr) == ZG_OK &&
               eqhex(addr, 20, "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"),
           "EIP-155 example: recovered sender");
    }

    /* --- random round trips --- */
    {
        int n = 300, good = 0, lows = 0, verif = 0, tamper = 0, flip = 0;
        for (int i = 0; i < n; i++) {
            rnd32(key);
            rnd32(hash);
            if (!zg_secp_scalar_valid(key)) continue;
            if (zg_secp_sign(hash, key, r, s, &recid) != ZG_OK) continue;
            zg_secp_pubkey(key, pub);
            zg_secp_address(key, addr);
            if (zg_secp_recover(hash, recid, r, s, pub2) == ZG_OK && memcmp(pub, pub2, 64) == 0 &&
                zg_secp_recover_address(hash, recid, r, s, addr2) == ZG_OK && memcmp(addr, addr2, 20) == 0)
                good++;
            lows += zg_secp_s_is_low(s) && zg_secp_rs_valid(r, s, 1);
            verif += zg_secp_verify(hash, r, s, pub);
            /* same signature over another hash: some other key (or none) */
            uint8_t h2[32];
            memcpy(h2, hash, 32);
            h2[i % 32] ^= 1;
            tamper += zg_secp_recover(h2, recid, r, s, pub2) != ZG_OK || memcmp(pub, pub2, 64) != 0;
            tamper -= zg_secp_verify(h2, r, s, pub); /* must not verify */
            /* (r, n-s) with the other parity recovers the same key: the
             * malleability EIP-2 removes; it is out of range for low-s */
            uint8_t hs[32];
            sub_from_n(s, hs);
            flip += zg_secp_recover(hash, recid ^ 1, r, hs, pub2) == ZG_OK && memcmp(pub, pub2, 64) == 0 &&
                    !zg_secp_s_is_low(hs) && !zg_secp_rs_valid(r, hs, 1) && zg_secp_rs_valid(r, hs, 0) &&
                    !zg_secp_verify(hash, r, hs, pub);
        }
        ok(good == n, "sign/recover round trips: %d/%d", good, n);
        ok(lows == n, "signatures are low-s and in range: %d/%d", lows, n);
        ok(verif == n, "signatures verify: %d/%d", verif, n);
        ok(tamper == n, "a changed hash recovers another key and does not verify: %d/%d", tamper, n);
        ok(flip == n, "high-s twin recovers the same key but fails the low-s check: %d/%d", flip, n);
    }

    /* determinism: same (key, hash) -> same signature */
    {
        uint8_t r2[32], s2[32];
        int id2;
        rnd32(key);
        key[0] &= 0x7f;
        rnd32(hash);
        zg_secp_sign(hash, key, r, s, &recid);
        zg_secp_sign(hash, key, r2, s2, &id2);
        ok(!memcmp(r, r2, 32) && !memcmp(s, s2, 32) && recid == id2, "signing is deterministic (RFC 6979)");
    }

    /* --- range checks --- */
    {
        uint8_t zero[32] = {0}, one[32] = {0}, nm1[32], n[32], np1[32], ff[32], half[32], halfp1[32];
        one[31] = 1;
        memcpy(n, zg_secp_n, 32);
        memcpy(nm1, n, 32);
        nm1[31]--;
        memcpy(np1, n, 32);
        np1[31]++;
        memset(ff, 0xff, 32);
        memcpy(half, zg_secp_half_n, 32);
        memcpy(halfp1, half, 32);
        halfp1[31]++;
        ok(!zg_secp_scalar_valid(zero) && zg_secp_scalar_valid(one) && zg_secp_scalar_valid(nm1) &&
               !zg_secp_scalar_valid(n) && !zg_secp_scalar_valid(np1) && !zg_secp_scalar_valid(ff),
           "scalar range [1, n-1]");
        ok(zg_secp_s_is_low(half) && !zg_secp_s_is_low(halfp1) && zg_secp_s_is_low(one) && !zg_secp_s_is_low(nm1),
           "low-s boundary at n/2");
        ok(zg_secp_rs_valid(one, one, 1) && zg_secp_rs_valid(nm1, half, 1) && !zg_secp_rs_valid(one, halfp1, 1) &&
               zg_secp_rs_valid(one, halfp1, 0) && !zg_secp_rs_valid(zero, one, 0) &&
               !zg_secp_rs_valid(one, zero, 0) && !zg_secp_rs_valid(n, one, 0) && !zg_secp_rs_valid(one, n, 0),
           "rs_valid: zero, >= n and high s rejected");

        /* recovery refuses out-of-range values and bad recids */
        unhex("4646464646464646464646464646464646464646464646464646464646464646", key, 32);
        rnd32(hash);
        zg_secp_sign(hash, key, r, s, &recid);
        ok(zg_secp_recover(hash, recid, zero, s, pub) == ZG_EINVAL, "recover rejects r = 0");
        ok(zg_secp_recover(hash, recid, r, zero, pub) == ZG_EINVAL, "recover rejects s = 0");
        ok(zg_secp_recover(hash, recid, n, s, pub) == ZG_EINVAL, "recover rejects r = n");
        ok(zg_secp_recover(hash, recid, r, n, pub) == ZG_EINVAL, "recover rejects s = n");
        ok(zg_secp_recover(hash, recid, ff, s, pub) == ZG_EINVAL, "recover rejects r > n");
        ok(zg_secp_recover(hash, 4, r, s, pub) == ZG_EINVAL && zg_secp_recover(hash, -1, r, s, pub) == ZG_EINVAL,
           "recover rejects recid outside 0..3");

        /* secret keys outside [1, n-1] */
        ok(zg_secp_sign(hash, zero, r, s, &recid) == ZG_EINVAL && zg_secp_sign(hash, n, r, s, &recid) == ZG_EINVAL &&
               zg_secp_sign(hash, ff, r, s, &recid) == ZG_EINVAL && zg_secp_pubkey(n, pub) == ZG_EINVAL &&
               zg_secp_address(zero, addr) == ZG_EINVAL,
           "invalid secret keys (0, n, 2^256-1) rejected");
        ok(zg_secp_sign(hash, nm1, r, s, &recid) == ZG_OK && zg_secp_recover(hash, recid, r, s, pub) == ZG_OK &&
               zg_secp_pubkey(nm1, pub2) == ZG_OK && !memcmp(pub, pub2, 64),
           "secret key n-1 signs and recovers");
    }

    /* r that is not the x coordinate of any point (x^3 + 7 a non-residue
     * mod p, found with OpenSSL): recovery must fail for both parities */
    {
        BN_CTX *bc = BN_CTX_new();
        BIGNUM *p = BN_new(), *e = BN_new(), *x = BN_new(), *t = BN_new();
        BN_hex2bn(&p, "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
        BN_rshift1(e, p); /* (p-1)/2 */
        BN_set_word(x, 1);
        for (;; BN_add_word(x, 1)) {
            BN_sqr(t, x, bc);
            BN_mul(t, t, x, bc);
            BN_add_word(t, 7);
            BN_mod_exp(t, t, e, p, bc);
            if (!BN_is_one(t)) break;
        }
        uint8_t rx[32];
        BN_bn2binpad(x, rx, 32);
        unhex("01", s, 32);
        rnd32(hash);
        char *dec = BN_bn2dec(x);
        ok(zg_secp_recover(hash, 0, rx, s, pub) == ZG_EINVAL && zg_secp_recover(hash, 1, rx, s, pub) == ZG_EINVAL,
           "recover fails when r = %s is not an x coordinate on the curve", dec ? dec : "?");
        OPENSSL_free(dec);
        BN_free(p), BN_free(e), BN_free(x), BN_free(t);
        BN_CTX_free(bc);
    }
    return tap_done();
}
