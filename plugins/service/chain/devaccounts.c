/* devaccounts.c — development accounts from a BIP-39 mnemonic, as anvil and
 * Hardhat make them: seed = PBKDF2-HMAC-SHA512(mnemonic, "mnemonic" ||
 * passphrase, 2048), BIP-32 master key from HMAC-SHA512("Bitcoin seed",
 * seed), then the path m/44'/60'/0'/0/i.  Child keys use libsecp256k1's
 * tweak-add (k + IL mod n) and compressed public keys; nothing here does
 * curve arithmetic by hand. */
#include "config.h"
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <secp256k1.h>
#include <string.h>
#include <zg/keccak.h>
#include "chain.h"

static secp256k1_context *secp_ctx(void)
{
    static secp256k1_context *ctx;
    if (!ctx) ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    return ctx;
}

static int hmac512(const void *key, size_t klen, const uint8_t *data, size_t dlen, uint8_t out[64])
{
    unsigned int len = 64;
    return HMAC(EVP_sha512(), key, (int)klen, data, dlen, out, &len) && len == 64 ? ZG_OK : ZG_ERR;
}

/* BIP-32 CKDpriv: (k, c) -> child i */
static int ckd_priv(uint8_t k[32], uint8_t chain_code[32], uint32_t i)
{
    uint8_t data[37], I[64];
    size_t dlen;
    if (i & 0x80000000u) {
        data[0] = 0;
        memcpy(data + 1, k, 32);
        dlen = 33;
    } else {
        secp256k1_pubkey pub;
        size_t pl = 33;
        if (!secp256k1_ec_pubkey_create(secp_ctx(), &pub, k)) return ZG_ERR;
        secp256k1_ec_pubkey_serialize(secp_ctx(), data, &pl, &pub, SECP256K1_EC_COMPRESSED);
        dlen = 33;
    }
    data[dlen++] = (uint8_t)(i >> 24);
    data[dlen++] = (uint8_t)(i >> 16);
    data[dlen++] = (uint8_t)(i >> 8);
    data[dlen++] = (uint8_t)i;
    if (hmac512(chain_code, 32, data, dlen, I) != ZG_OK) return ZG_ERR;
    /* IL >= n or a zero result are invalid (probability ~2^-127): BIP-32
     * says move on to the next index; report it instead */
    if (!secp256k1_ec_seckey_tweak_add(secp_ctx(), k, I)) return ZG_ERR;
    memcpy(chain_code, I + 32, 32);
    OPENSSL_cleanse(I, sizeof I);
    OPENSSL_cleanse(data, sizeof data);
    return ZG_OK;
}

int ch_dev_derive(const char *mnemonic, const char *passphrase, uint32_t index, uint8_t key[32])
{
    if (!mnemonic) return ZG_EINVAL;
    if (!passphrase) passphrase = "";
    char salt[256];
    int sl = snprintf(salt, sizeof salt, "mnemonic%s", passphrase);
    if (sl < 0 || (size_t)sl >= sizeof salt) return ZG_EINVAL;
    uint8_t seed[64], I[64];
    if (!PKCS5_PBKDF2_HMAC(mnemonic, (int)strlen(mnemonic), (const unsigned char *)salt, sl, 2048, EVP_sha512(), 64,
                           seed))
        return ZG_ERR;
    int rc = hmac512("Bitcoin seed", 12, seed, 64, I);
    OPENSSL_cleanse(seed, sizeof seed);
    if (rc != ZG_OK) return rc;
    uint8_t k[32], cc[32];
    memcpy(k, I, 32);
    memcpy(cc, I + 32, 32);
    OPENSSL_cleanse(I, sizeof I);
    if (!secp256k1_ec_seckey_verify(secp_ctx(), k)) return ZG_ERR;
    const uint32_t path[5] = {0x80000000u | 44, 0x80000000u | 60, 0x80000000u | 0, 0, index};
    for (int i = 0; i < 5; i++)
        if ((rc = ckd_priv(k, cc, path[i])) != ZG_OK) return rc;
    memcpy(key, k, 32);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(cc, sizeof cc);
    return ZG_OK;
}

void ch_addr_checksum(const uint8_t addr[20], char out[43])
{
    static const char hx[] = "0123456789abcdef";
    char lower[40];
    for (int i = 0; i < 20; i++) {
        lower[2 * i] = hx[addr[i] >> 4];
        lower[2 * i + 1] = hx[addr[i] & 15];
    }
    uint8_t h[32];
    zg_keccak256(lower, 40, h);
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 40; i++) {
        unsigned nib = (i & 1) ? (h[i / 2] & 15) : (h[i / 2] >> 4);
        char ch = lower[i];
        out[2 + i] = (ch >= 'a' && nib >= 8) ? (char)(ch - 32) : ch;
    }
    out[42] = 0;
}
