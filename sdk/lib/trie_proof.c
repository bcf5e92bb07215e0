/* trie_proof.c — verification of Merkle-Patricia proofs (eth_getProof).
 *
 * The proof is walked in order: node 0 must hash to the root, and each
 * further node must hash to the reference its parent holds on the key's
 * path; embedded children (< 32 bytes) are read in place.  Every node must
 * be used, so truncated, reordered, padded or altered proofs fail. */
#include "config.h"
#include "trie_int.h"

/* the next proof node, which must hash to `want` */
static int fetch(const zg_trie_bytes *nodes, size_t n, size_t *idx, const uint8_t want[32],
                 zg_rlp_item *it)
{
    uint8_t h[32];
    if (*idx >= n) return ZG_ECORRUPT;
    const zg_trie_bytes *b = &nodes[(*idx)++];
    if (!b->data || !b->len) return ZG_ECORRUPT;
    zg_keccak256(b->data, b->len, h);
    if (memcmp(h, want, 32) || zg_rlp_decode(b->data, b->len, it, NULL)) return ZG_ECORRUPT;
    return ZG_OK;
}

/* nibble i of a hex-prefix encoded path (after its flag nibble(s)) */
static inline unsigned hp_nib(const zg_rlp_item *hp, size_t start, size_t i)
{
    size_t j = start + i;
    uint8_t b = hp->data[j >> 1];
    return (j & 1) ? (b & 15u) : (b >> 4);
}

ZG_EXPORT int zg_trie_verify_proof(const uint8_t root[32], const void *key, size_t klen,
                                   unsigned flags, const zg_trie_bytes *nodes, size_t n,
                                   const uint8_t **val, size_t *vlen)
{
    uint8_t nib[TRIE_MAX_NIB];
    size_t kl, d = 0, idx = 0;
    zg_rlp_item it, e[17], x, next;
    const zg_rlp_item *v = NULL;
    int rc;
    if (!root || (n && !nodes)) return ZG_EINVAL;
    if ((rc = trie_key_nibbles(flags, key, klen, nib, &kl))) return rc;

    if (n == 0) /* only the empty trie has an empty proof */
        return memcmp(root, zg_trie_empty_root, 32) ? ZG_ECORRUPT : ZG_ENOTFOUND;
    if ((rc = fetch(nodes, n, &idx, root, &it))) return rc;
    if (!it.is_list) /* the empty trie's root node, rlp("") */
        return it.len == 0 && n == 1 ? ZG_ENOTFOUND : ZG_ECORRUPT;

    for (;;) {
        zg_rlp_iter i;
        int cnt = 0;
        zg_rlp_iter_init(&i, &it);
        while ((rc = zg_rlp_iter_next(&i, &x, NULL)) == 1) {
            if (cnt == 17) return ZG_ECORRUPT;
            e[cnt++] = x;
        }
        if (rc < 0) return ZG_ECORRUPT;

        if (cnt == 17) {
            if (d == kl) { /* the key ends here: the branch's value slot */
                if (e[16].is_list) return ZG_ECORRUPT;
                if (e[16].len) v = &e[16];
                break;
            }
            next = e[nib[d++]];
            if (!next.is_list && next.len == 0) break; /* no child: absent */
        } else if (cnt == 2) {
            const zg_rlp_item *hp = &e[0];
            if (hp->is_list || hp->len == 0) return ZG_ECORRUPT;
            unsigned f = hp->data[0] >> 4;
            if (f > 3 || (!(f & 1) && (hp->data[0] & 15))) return ZG_ECORRUPT;
            size_t plen = 2 * (hp->len - 1) + (f & 1), start = (f & 1) ? 1 : 2, j = 0;
            int match = plen <= kl - d;
            for (; match && j < plen; j++) match = hp_nib(hp, start, j) == nib[d + j];
            if (f & 2) { /* leaf */
                if (e[1].is_list || e[1].len == 0) return ZG_ECORRUPT;
                if (match && d + plen == kl) v = &e[1];
                break;
            }
            if (plen == 0) return ZG_ECORRUPT;
            if (!match) break; /* diverges inside the extension: absent */
            d += plen;
            next = e[1];
            if (!next.is_list && next.len == 0) return ZG_ECORRUPT;
        } else {
            return ZG_ECORRUPT;
        }

        if (next.is_list) { /* embedded node */
            if (next.raw_len >= 32) return ZG_ECORRUPT;
            it = next;
        } else {
            if (next.len != 32) return ZG_ECORRUPT;
            if ((rc = fetch(nodes, n, &idx, next.data, &it))) return rc;
            if (!it.is_list) return ZG_ECORRUPT;
        }
    }
    if (idx != n) return ZG_ECORRUPT; /* unused nodes */
    if (!v) return ZG_ENOTFOUND;
    if (val) *val = v->data;
    if (vlen) *vlen = v->len;
    return ZG_OK;
}
