/* trie_int.h — helpers shared by trie.c, trie_proof.c and trie_build.c
 * (not installed). */
#ifndef ZG_TRIE_INT_H
#define ZG_TRIE_INT_H
#include <string.h>
#include <zg/trie.h>
#include <zg/keccak.h>
#include <zg/rlp.h>

/* longest nibble path a key can have */
#define TRIE_MAX_NIB (2 * ZG_TRIE_MAX_KEY)

/* a non-NULL pointer for empty byte strings (memcpy/memcmp/keccak must not
 * see NULL, even with length 0) */
static const uint8_t trie_nothing[1] = {0};

/* Path nibbles of a key: keccak256(key) in secure mode, else the key's
 * nibbles.  nib holds TRIE_MAX_NIB.  ZG_EINVAL for an over-long key. */
static inline int trie_key_nibbles(unsigned flags, const void *key, size_t klen, uint8_t *nib,
                                   size_t *n)
{
    const uint8_t *k = klen ? (const uint8_t *)key : trie_nothing;
    uint8_t h[32];
    if (klen && !key) return ZG_EINVAL;
    if (flags & ZG_TRIE_SECURE) {
        zg_keccak256(k, klen, h);
        k = h;
        klen = 32;
    } else if (klen > ZG_TRIE_MAX_KEY) {
        return ZG_EINVAL;
    }
    for (size_t i = 0; i < klen; i++) {
        nib[2 * i] = k[i] >> 4;
        nib[2 * i + 1] = k[i] & 15;
    }
    *n = 2 * klen;
    return ZG_OK;
}

/* Hex-prefix encoding (yellow paper appendix C) of n nibbles; out holds
 * 1 + n / 2 bytes.  Returns the length. */
static inline size_t trie_hp(const uint8_t *nib, size_t n, int leaf, uint8_t *out)
{
    size_t o = 1, i = 0;
    out[0] = (uint8_t)(((leaf ? 2 : 0) | (n & 1)) << 4);
    if (n & 1) out[0] |= nib[i++];
    for (; i < n; i += 2) out[o++] = (uint8_t)(nib[i] << 4 | nib[i + 1]);
    return o;
}

/* A child reference c(n): empty (len 0), a hash (32) or an embedded node's
 * own encoding (< 32, already RLP, copied verbatim). */
static inline void trie_put_ref(zg_rlp_buf *b, const uint8_t *ref, size_t len)
{
    if (len == 0 || len == 32)
        zg_rlp_put_bytes(b, len ? ref : trie_nothing, len);
    else
        zg_rlp_put_raw(b, ref, len);
}

/* Turn an encoding into the node's reference: itself if shorter than 32
 * bytes, else its hash.  Returns the reference length. */
static inline size_t trie_make_ref(const uint8_t *enc, size_t len, uint8_t ref[32])
{
    if (len < 32) {
        memcpy(ref, enc, len);
        return len;
    }
    zg_keccak256(enc, len, ref);
    return 32;
}

#endif
