/* trie_build.c — trie roots computed straight from sorted pairs.
 *
 * Over keys sorted bytewise, every subtree is a contiguous range, and the
 * common prefix of a range is that of its first and last keys.  So the root
 * is computed bottom-up by recursion over ranges, with no node allocated:
 * each level only keeps the references of its 16 children.  Used for block
 * transaction/receipt roots and any one-off root over a known set. */
#include "config.h"
#include <stdlib.h>
#include "trie_int.h"

typedef struct bctx {
    const zg_trie_bytes *keys, *vals;
    zg_rlp_buf enc;
    uint8_t (*refs)[32]; /* 16 child references per branch level */
    uint8_t *reflens;
} bctx;

static inline unsigned knib(const zg_trie_bytes *k, size_t i)
{
    uint8_t b = k->data[i >> 1];
    return (i & 1) ? (b & 15u) : (b >> 4);
}

/* hex-prefix of nibbles [a, b) of a key */
static size_t hp_key(const zg_trie_bytes *k, size_t a, size_t b, int leaf, uint8_t *out)
{
    size_t n = b - a, o = 1, i = a;
    out[0] = (uint8_t)(((leaf ? 2 : 0) | (n & 1)) << 4);
    if (n & 1) out[0] |= (uint8_t)knib(k, i++);
    if (!(i & 1)) { /* byte-aligned: copy whole bytes */
        memcpy(out + 1, k->data + i / 2, (b - i) / 2);
        return o + (b - i) / 2;
    }
    for (; i < b; i += 2) out[o++] = (uint8_t)(knib(k, i) << 4 | knib(k, i + 1));
    return o;
}

static int finish(bctx *c, uint8_t *ref, uint8_t *reflen)
{
    if (c->enc.oom) return ZG_ENOMEM;
    *reflen = (uint8_t)trie_make_ref(c->enc.data, c->enc.len, ref);
    return ZG_OK;
}

static int build(bctx *c, size_t lo, size_t hi, size_t d, size_t level, uint8_t *ref,
                 uint8_t *reflen);

/* branch at nibble d over keys [lo, hi) (at least two) */
static int build_branch(bctx *c, size_t lo, size_t hi, size_t d, size_t level, uint8_t *ref,
                        uint8_t *reflen)
{
    uint8_t (*r)[32] = c->refs + 16 * level, *rl = c->reflens + 16 * level;
    const zg_trie_bytes *val = NULL;
    size_t i = lo;
    int rc;
    if (2 * c->keys[i].len == d) val = &c->vals[i++]; /* the key ending here sorts first */
    memset(rl, 0, 16);
    while (i < hi) {
        unsigned nb = knib(&c->keys[i], d);
        size_t e = i + 1;
        while (e < hi && knib(&c->keys[e], d) == nb) e++;
        if ((rc = build(c, i, e, d + 1, level + 1, r[nb], &rl[nb]))) return rc;
        i = e;
    }
    zg_rlp_buf_reset(&c->enc);
    zg_rlp_list_begin(&c->enc);
    for (int j = 0; j < 16; j++) trie_put_ref(&c->enc, r[j], rl[j]);
    zg_rlp_put_bytes(&c->enc, val ? val->data : trie_nothing, val ? val->len : 0);
    zg_rlp_list_end(&c->enc);
    return finish(c, ref, reflen);
}

static int build(bctx *c, size_t lo, size_t hi, size_t d, size_t level, uint8_t *ref,
                 uint8_t *reflen)
{
    const zg_trie_bytes *k0 = &c->keys[lo], *k1 = &c->keys[hi - 1];
    uint8_t hp[ZG_TRIE_MAX_KEY + 1];
    int rc;
    if (hi - lo == 1) { /* leaf */
        size_t hl = hp_key(k0, d, 2 * k0->len, 1, hp);
        zg_rlp_buf_reset(&c->enc);
        zg_rlp_list_begin(&c->enc);
        zg_rlp_put_bytes(&c->enc, hp, hl);
        zg_rlp_put_bytes(&c->enc, c->vals[lo].data, c->vals[lo].len);
        zg_rlp_list_end(&c->enc);
        return finish(c, ref, reflen);
    }
    size_t l0 = 2 * k0->len, l1 = 2 * k1->len, lim = l0 < l1 ? l0 : l1, cp = d;
    while (cp < lim && knib(k0, cp) == knib(k1, cp)) cp++;
    if (cp == d) return build_branch(c, lo, hi, d, level, ref, reflen);
    /* extension over the branch where the range splits */
    uint8_t cref[32], clen;
    if ((rc = build_branch(c, lo, hi, cp, level, cref, &clen))) return rc;
    size_t hl = hp_key(k0, d, cp, 0, hp);
    zg_rlp_buf_reset(&c->enc);
    zg_rlp_list_begin(&c->enc);
    zg_rlp_put_bytes(&c->enc, hp, hl);
    trie_put_ref(&c->enc, cref, clen);
    zg_rlp_list_end(&c->enc);
    return finish(c, ref, reflen);
}

static int key_cmp(const zg_trie_bytes *a, const zg_trie_bytes *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->data, b->data, n) : 0;
    if (c) return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

ZG_EXPORT int zg_trie_root_sorted(const zg_trie_bytes *keys, const zg_trie_bytes *vals,
                                  size_t n, uint8_t root[32])
{
    size_t maxlen = 0;
    if (!root || (n && (!keys || !vals))) return ZG_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (keys[i].len > ZG_TRIE_MAX_KEY || (keys[i].len && !keys[i].data) || !vals[i].len ||
            !vals[i].data)
            return ZG_EINVAL;
        if (i && key_cmp(&keys[i - 1], &keys[i]) >= 0) return ZG_EINVAL;
        if (keys[i].len > maxlen) maxlen = keys[i].len;
    }
    if (n == 0) {
        memcpy(root, zg_trie_empty_root, 32);
        return ZG_OK;
    }
    /* each branch level consumes a nibble: at most 2 * maxlen + 1 levels */
    size_t levels = 2 * maxlen + 2;
    bctx c = {keys, vals, {0}, NULL, NULL};
    zg_rlp_buf_init(&c.enc);
    c.refs = malloc(levels * 16 * (32 + 1));
    if (!c.refs) return ZG_ENOMEM;
    c.reflens = (uint8_t *)(c.refs + levels * 16);
    uint8_t ref[32], rl;
    int rc = build(&c, 0, n, 0, 0, ref, &rl);
    if (!rc) {
        if (rl == 32)
            memcpy(root, ref, 32);
        else /* the root is hashed whatever its size */
            zg_keccak256(ref, rl, root);
    }
    free(c.refs);
    zg_rlp_buf_free(&c.enc);
    return rc;
}

typedef struct pair {
    zg_trie_bytes k, v;
} pair;

static int pair_cmp(const void *a, const void *b)
{
    return key_cmp(&((const pair *)a)->k, &((const pair *)b)->k);
}

ZG_EXPORT int zg_trie_root_of(const zg_trie_bytes *keys, const zg_trie_bytes *vals, size_t n,
                              unsigned flags, uint8_t root[32])
{
    if (!root || (n && (!keys || !vals)) || (flags & ~(unsigned)ZG_TRIE_SECURE)) return ZG_EINVAL;
    if (n > SIZE_MAX / (2 * sizeof(pair) + 32)) return ZG_ENOMEM;
    int secure = flags & ZG_TRIE_SECURE;
    pair *p = malloc(n * sizeof(pair) + 1);
    zg_trie_bytes *ks = malloc(2 * n * sizeof *ks + 1);
    uint8_t *hashes = secure ? malloc(32 * n + 1) : NULL;
    size_t m = 0;
    int rc = ZG_ENOMEM;
    if (!p || !ks || (secure && !hashes)) goto out;
    rc = ZG_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!vals[i].len) continue; /* empty value: absent */
        if ((keys[i].len && !keys[i].data) || !vals[i].data) goto out;
        p[m].v = vals[i];
        if (secure) {
            zg_keccak256(keys[i].len ? keys[i].data : trie_nothing, keys[i].len, hashes + 32 * m);
            p[m].k.data = hashes + 32 * m;
            p[m].k.len = 32;
        } else {
            p[m].k = keys[i];
        }
        m++;
    }
    qsort(p, m, sizeof *p, pair_cmp);
    for (size_t i = 0; i < m; i++) {
        if (i && !key_cmp(&p[i - 1].k, &p[i].k)) goto out; /* duplicate key */
        ks[i] = p[i].k;
        ks[n + i] = p[i].v;
    }
    rc = zg_trie_root_sorted(ks, ks + n, m, root);
out:
    free(p);
    free(ks);
    free(hashes);
    return rc;
}

ZG_EXPORT int zg_trie_list_root(const zg_trie_bytes *items, size_t n, uint8_t root[32])
{
    if (!root || (n && !items)) return ZG_EINVAL;
    if (n > SIZE_MAX / (2 * sizeof(zg_trie_bytes) + 9)) return ZG_ENOMEM;
    /* keys rlp(i) in byte order: 0x01..0x7f (i = 1..127), 0x80 (i = 0),
     * then 0x81.. (i >= 128, longer with i) */
    zg_trie_bytes *kv = malloc(2 * n * sizeof *kv + 1);
    uint8_t *kb = malloc(9 * n + 1);
    int rc = ZG_ENOMEM;
    if (!kv || !kb) goto out;
    size_t o = 0, m = 0;
    for (size_t step = 0; step < 3; step++) {
        size_t from = step == 0 ? 1 : step == 1 ? 0 : 128;
        size_t to = step == 0 ? (n < 128 ? n : 128) : step == 1 ? (n ? 1 : 0) : n;
        for (size_t i = from; i < to; i++) {
            uint8_t *k = kb + o;
            size_t kl;
            if (i == 0) {
                k[0] = 0x80;
                kl = 1;
            } else if (i < 0x80) {
                k[0] = (uint8_t)i;
                kl = 1;
            } else {
                int nb = 0;
                for (uint64_t v = i; v; v >>= 8) nb++;
                k[0] = (uint8_t)(0x80 + nb);
                for (int b = 0; b < nb; b++) k[1 + b] = (uint8_t)((uint64_t)i >> (8 * (nb - 1 - b)));
                kl = 1 + (size_t)nb;
            }
            kv[m].data = k;
            kv[m].len = kl;
            kv[n + m] = items[i];
            m++;
            o += kl;
        }
    }
    rc = zg_trie_root_sorted(kv, kv + n, n, root);
out:
    free(kv);
    free(kb);
    return rc;
}
