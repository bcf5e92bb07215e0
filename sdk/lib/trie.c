/* trie.c — Ethereum Merkle-Patricia trie over a kv database (see zg/trie.h).
 *
 * Memory: every node, path and value lives in a per-trie bump arena, so a
 * block's worth of updates costs no malloc per node.  Replaced nodes become
 * garbage in the arena; after a commit the live tree is copied into a fresh
 * arena (breadth first, so that the levels nearest the root stay cached when
 * a cache limit applies) whenever garbage dominates or the limit is passed.
 *
 * Each node caches its reference c(n) (its hash, or its encoding when that is
 * shorter than 32 bytes) under F_REF; any change clears F_REF on the node and
 * all its ancestors, so computing a root re-hashes only changed paths.
 * F_DIRTY marks nodes not yet written to the database.
 *
 * Atomicity: put/get/del load nodes lazily; a load failure happens before
 * anything is modified (insert only changes a level after the level below
 * succeeded; delete first loads every node it may need, see del_prefetch),
 * so an I/O or corruption error leaves the trie as it was.  Only running out
 * of memory mid-change poisons the trie (t->err).
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "trie_int.h"

ZG_EXPORT const uint8_t zg_trie_empty_root[32] = {
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
    0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21};

enum { N_LEAF = 1, N_EXT = 2, N_BRANCH = 3, N_HASH = 4 /* not loaded yet */ };
enum { F_DIRTY = 1, F_REF = 2 };

typedef struct node {
    uint8_t type, flags;
    uint8_t reflen;  /* valid with F_REF: 32 = hash, else embedded encoding */
    uint8_t ref[32];
} node;

/* leaf or extension */
typedef struct snode {
    node h;
    uint32_t plen, vlen;
    const uint8_t *path; /* nibbles; immutable, may be shared between nodes */
    union {
        node *child;        /* extension */
        const uint8_t *val; /* leaf */
    } u;
} snode;

typedef struct bnode {
    node h;
    uint32_t vlen;
    const uint8_t *val; /* NULL: no value */
    node *kid[16];
} bnode;

typedef struct ablock {
    struct ablock *next;
    size_t size, used;
    max_align_t data[];
} ablock;

#define BLOCK_FIRST 4096
#define BLOCK_MAX (1u << 20)
#define DEFAULT_CACHE (64u << 20)

struct zg_trie {
    const zg_kv_iface *kv;
    zg_kv_db *db;
    unsigned flags;
    int err; /* sticky: out of memory in the middle of a change */
    node *root;
    ablock *blocks;
    size_t next_block; /* size of the next ordinary block */
    size_t mem;        /* bytes in blocks */
    size_t used;       /* bytes handed out */
    size_t garbage;    /* of which no longer reachable (estimate) */
    size_t cache_limit;
    zg_rlp_buf enc;
    uint8_t acc[TRIE_MAX_NIB]; /* path built by next/prev */
    uint8_t okey[ZG_TRIE_MAX_KEY];
};

static const uint8_t nibble_path[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

/* ---------------------------------------------------------------- arena -- */

static void *a_alloc(zg_trie *t, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    ablock *b = t->blocks;
    if (!b || b->size - b->used < n) {
        size_t sz = t->next_block;
        int dedicated = n > sz / 4; /* big values get a block of their own */
        if (dedicated) sz = n;
        ablock *nb = malloc(sizeof(ablock) + sz);
        if (!nb) {
            t->err = ZG_ENOMEM;
            return NULL;
        }
        nb->size = sz;
        nb->used = 0;
        t->mem += sz;
        if (dedicated && b) { /* keep filling the current block */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            t->blocks = nb;
            if (!dedicated && t->next_block < BLOCK_MAX) t->next_block *= 2;
        }
        b = nb;
    }
    void *p = (unsigned char *)b->data + b->used;
    b->used += n;
    t->used += n;
    return p;
}

static void blocks_free(ablock *b)
{
    while (b) {
        ablock *n = b->next;
        free(b);
        b = n;
    }
}

static const uint8_t *a_dup(zg_trie *t, const void *p, size_t n)
{
    if (!n) return trie_nothing;
    uint8_t *d = a_alloc(t, n);
    if (d) memcpy(d, p, n);
    return d;
}

static void dirty(node *n) { n->flags = F_DIRTY; }

static snode *new_short(zg_trie *t, int type, const uint8_t *path, size_t plen)
{
    snode *s = a_alloc(t, sizeof *s);
    if (!s) return NULL;
    s->h.type = (uint8_t)type;
    s->h.flags = F_DIRTY;
    s->h.reflen = 0;
    s->path = path;
    s->plen = (uint32_t)plen;
    s->vlen = 0;
    s->u.child = NULL;
    return s;
}

static snode *new_leaf(zg_trie *t, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    const uint8_t *p = a_dup(t, k, kl), *vv = a_dup(t, v, vl);
    snode *s = p && vv ? new_short(t, N_LEAF, p, kl) : NULL;
    if (!s) return NULL;
    s->u.val = vv;
    s->vlen = (uint32_t)vl;
    return s;
}

static bnode *new_branch(zg_trie *t)
{
    bnode *b = a_alloc(t, sizeof *b);
    if (!b) return NULL;
    memset(b, 0, sizeof *b);
    b->h.type = N_BRANCH;
    b->h.flags = F_DIRTY;
    return b;
}

static node *new_hash(zg_trie *t, const uint8_t h[32])
{
    node *n = a_alloc(t, sizeof *n);
    if (!n) return NULL;
    n->type = N_HASH;
    n->flags = F_REF;
    n->reflen = 32;
    memcpy(n->ref, h, 32);
    return n;
}

/* ------------------------------------------------------------- decoding -- */

static int decode_node(zg_trie *t, const zg_rlp_item *it, node **out);

/* a child reference inside a stored node */
static int decode_ref(zg_trie *t, const zg_rlp_item *it, node **out)
{
    if (!it->is_list) {
        if (it->len == 0) {
            *out = NULL;
            return ZG_OK;
        }
        if (it->len != 32) return ZG_ECORRUPT;
        *out = new_hash(t, it->data);
        return *out ? ZG_OK : ZG_ENOMEM;
    }
    if (it->raw_len >= 32) return ZG_ECORRUPT; /* must have been stored by hash */
    int rc = decode_node(t, it, out);
    if (rc) return rc;
    (*out)->flags = F_REF;
    (*out)->reflen = (uint8_t)it->raw_len;
    memcpy((*out)->ref, it->raw, it->raw_len);
    return ZG_OK;
}

static int decode_node(zg_trie *t, const zg_rlp_item *it, node **out)
{
    zg_rlp_item e[17], x;
    zg_rlp_iter i;
    int n = 0, rc;
    if (!it->is_list) return ZG_ECORRUPT;
    zg_rlp_iter_init(&i, it);
    while ((rc = zg_rlp_iter_next(&i, &x, NULL)) == 1) {
        if (n == 17) return ZG_ECORRUPT;
        e[n++] = x;
    }
    if (rc < 0) return ZG_ECORRUPT;

    if (n == 17) {
        bnode *b = new_branch(t);
        if (!b) return ZG_ENOMEM;
        for (int k = 0; k < 16; k++)
            if ((rc = decode_ref(t, &e[k], &b->kid[k]))) return rc;
        if (e[16].is_list || e[16].len > UINT32_MAX) return ZG_ECORRUPT;
        if (e[16].len) {
            if (!(b->val = a_dup(t, e[16].data, e[16].len))) return ZG_ENOMEM;
            b->vlen = (uint32_t)e[16].len;
        }
        *out = &b->h;
        return ZG_OK;
    }
    if (n != 2) return ZG_ECORRUPT;

    /* hex-prefix path */
    const zg_rlp_item *hp = &e[0];
    if (hp->is_list || hp->len == 0) return ZG_ECORRUPT;
    unsigned f = hp->data[0] >> 4;
    if (f > 3 || (!(f & 1) && (hp->data[0] & 15))) return ZG_ECORRUPT;
    size_t plen = 2 * (hp->len - 1) + (f & 1), j = 0;
    if (plen > TRIE_MAX_NIB) return ZG_ECORRUPT;
    uint8_t *p = a_alloc(t, plen ? plen : 1);
    if (!p) return ZG_ENOMEM;
    if (f & 1) p[j++] = hp->data[0] & 15;
    for (size_t k = 1; k < hp->len; k++) {
        p[j++] = hp->data[k] >> 4;
        p[j++] = hp->data[k] & 15;
    }
    snode *s = new_short(t, (f & 2) ? N_LEAF : N_EXT, p, plen);
    if (!s) return ZG_ENOMEM;
    if (f & 2) {
        if (e[1].is_list || e[1].len == 0 || e[1].len > UINT32_MAX) return ZG_ECORRUPT;
        if (!(s->u.val = a_dup(t, e[1].data, e[1].len))) return ZG_ENOMEM;
        s->vlen = (uint32_t)e[1].len;
    } else {
        if (plen == 0) return ZG_ECORRUPT;
        if ((rc = decode_ref(t, &e[1], &s->u.child))) return rc;
        if (!s->u.child) return ZG_ECORRUPT;
    }
    *out = &s->h;
    return ZG_OK;
}

/* Replace a not-yet-loaded node in *slot by the node read from the kv db. */
static int resolve(zg_trie *t, node **slot)
{
    node *h = *slot;
    if (!h || h->type != N_HASH) return ZG_OK;
    if (!t->kv) return ZG_ECORRUPT;
    void *v = NULL;
    size_t vl = 0;
    int rc = t->kv->get(t->db, NULL, h->ref, 32, &v, &vl);
    if (rc == ZG_ENOTFOUND) return ZG_ECORRUPT; /* missing trie node */
    if (rc) return rc < 0 ? rc : ZG_EIO;
    uint8_t hh[32];
    zg_rlp_item it;
    node *n = NULL;
    if (!(t->flags & ZG_TRIE_TRUSTED)) zg_keccak256(vl ? v : trie_nothing, vl, hh);
    if ((!(t->flags & ZG_TRIE_TRUSTED) && memcmp(hh, h->ref, 32)) ||
        zg_rlp_decode(v, vl, &it, NULL))
        rc = ZG_ECORRUPT;
    else
        rc = decode_node(t, &it, &n);
    if (!rc) {
        /* referred to by hash, as the parent stored it (a root may be
         * shorter than 32 bytes; it is re-encoded once changed) */
        n->flags = F_REF;
        n->reflen = 32;
        memcpy(n->ref, h->ref, 32);
        *slot = n;
        t->garbage += sizeof(node);
    }
    t->kv->free_value(t->db, v);
    return rc;
}

/* ------------------------------------------------------------- encoding -- */

static void put_ref(zg_rlp_buf *b, const node *c)
{
    if (c)
        trie_put_ref(b, c->ref, c->reflen);
    else
        zg_rlp_put_bytes(b, trie_nothing, 0);
}

/* RLP of n into t->enc; every child must have F_REF. */
static int encode(zg_trie *t, const node *n)
{
    zg_rlp_buf *b = &t->enc;
    zg_rlp_buf_reset(b);
    zg_rlp_list_begin(b);
    if (n->type == N_BRANCH) {
        const bnode *bn = (const bnode *)n;
        for (int i = 0; i < 16; i++) put_ref(b, bn->kid[i]);
        zg_rlp_put_bytes(b, bn->val ? bn->val : trie_nothing, bn->vlen);
    } else {
        const snode *s = (const snode *)n;
        uint8_t hp[TRIE_MAX_NIB / 2 + 1];
        if (s->plen > TRIE_MAX_NIB) return ZG_ECORRUPT; /* see prepend() */
        zg_rlp_put_bytes(b, hp, trie_hp(s->path, s->plen, n->type == N_LEAF, hp));
        if (n->type == N_LEAF)
            zg_rlp_put_bytes(b, s->u.val, s->vlen);
        else
            put_ref(b, s->u.child);
    }
    zg_rlp_list_end(b);
    return b->oom ? ZG_ENOMEM : ZG_OK;
}

static void set_ref(node *n, const zg_rlp_buf *b)
{
    n->reflen = (uint8_t)trie_make_ref(b->data, b->len, n->ref);
    n->flags |= F_REF;
}

/* compute c(n) for n and every changed node below it */
static int hash_node(zg_trie *t, node *n)
{
    int rc;
    if (n->flags & F_REF) return ZG_OK;
    if (n->type == N_EXT) {
        if ((rc = hash_node(t, ((snode *)n)->u.child))) return rc;
    } else if (n->type == N_BRANCH) {
        bnode *b = (bnode *)n;
        for (int i = 0; i < 16; i++)
            if (b->kid[i] && (rc = hash_node(t, b->kid[i]))) return rc;
    }
    if ((rc = encode(t, n))) return rc;
    set_ref(n, &t->enc);
    return ZG_OK;
}

static int root_hash(zg_trie *t, uint8_t out[32])
{
    if (!t->root) {
        memcpy(out, zg_trie_empty_root, 32);
        return ZG_OK;
    }
    int rc = hash_node(t, t->root);
    if (rc) return rc;
    if (t->root->reflen == 32)
        memcpy(out, t->root->ref, 32);
    else /* the root is always referred to by hash */
        zg_keccak256(t->root->ref, t->root->reflen, out);
    return ZG_OK;
}

/* -------------------------------------------------------- open / close -- */

ZG_EXPORT int zg_trie_open(zg_trie **out, const zg_kv_iface *kv, zg_kv_db *db,
                           const uint8_t root[32], unsigned flags)
{
    if (!out) return ZG_EINVAL;
    *out = NULL;
    if ((kv && !db) || (flags & ~(unsigned)(ZG_TRIE_SECURE | ZG_TRIE_TRUSTED))) return ZG_EINVAL;
    if (kv && (kv->struct_size < offsetof(zg_kv_iface, batch_free) + sizeof kv->batch_free ||
               !kv->get || !kv->free_value || !kv->batch_new || !kv->batch_put ||
               !kv->batch_write || !kv->batch_free))
        return ZG_EINVAL;
    zg_trie *t = calloc(1, sizeof *t);
    if (!t) return ZG_ENOMEM;
    t->kv = kv;
    t->db = db;
    t->flags = flags;
    t->next_block = BLOCK_FIRST;
    t->cache_limit = DEFAULT_CACHE;
    zg_rlp_buf_init(&t->enc);
    int rc = zg_trie_reset(t, root);
    if (rc) {
        zg_trie_free(t);
        return rc;
    }
    *out = t;
    return ZG_OK;
}

ZG_EXPORT void zg_trie_free(zg_trie *t)
{
    if (!t) return;
    blocks_free(t->blocks);
    zg_rlp_buf_free(&t->enc);
    free(t);
}

ZG_EXPORT int zg_trie_reset(zg_trie *t, const uint8_t root[32])
{
    if (!t) return ZG_EINVAL;
    int empty = !root || !memcmp(root, zg_trie_empty_root, 32);
    if (!empty && !t->kv) return ZG_EINVAL;
    /* keep the newest (largest) block */
    if (t->blocks) {
        blocks_free(t->blocks->next);
        t->blocks->next = NULL;
        t->blocks->used = 0;
        t->mem = t->blocks->size;
    }
    t->used = t->garbage = 0;
    t->err = 0;
    t->root = NULL;
    if (!empty && !(t->root = new_hash(t, root))) return ZG_ENOMEM;
    return ZG_OK;
}

ZG_EXPORT void zg_trie_set_cache_limit(zg_trie *t, size_t bytes)
{
    if (t) t->cache_limit = bytes;
}

ZG_EXPORT size_t zg_trie_mem(const zg_trie *t) { return t ? t->mem : 0; }

/* ----------------------------------------------------------------- read -- */

ZG_EXPORT int zg_trie_get(zg_trie *t, const void *key, size_t klen, const uint8_t **val,
                          size_t *vlen)
{
    uint8_t nib[TRIE_MAX_NIB];
    size_t kl;
    int rc;
    if (!t) return ZG_EINVAL;
    if (t->err) return t->err;
    if ((rc = trie_key_nibbles(t->flags, key, klen, nib, &kl))) return rc;
    node **slot = &t->root;
    const uint8_t *k = nib;
    for (;;) {
        if ((rc = resolve(t, slot))) return rc;
        node *n = *slot;
        if (!n) return ZG_ENOTFOUND;
        if (n->type == N_BRANCH) {
            bnode *b = (bnode *)n;
            if (kl == 0) {
                if (!b->val) return ZG_ENOTFOUND;
                if (val) *val = b->val;
                if (vlen) *vlen = b->vlen;
                return ZG_OK;
            }
            slot = &b->kid[*k++];
            kl--;
            continue;
        }
        snode *s = (snode *)n;
        if (s->plen > kl || memcmp(s->path, k, s->plen)) return ZG_ENOTFOUND;
        if (n->type == N_LEAF) {
            if (s->plen != kl) return ZG_ENOTFOUND;
            if (val) *val = s->u.val;
            if (vlen) *vlen = s->vlen;
            return ZG_OK;
        }
        k += s->plen;
        kl -= s->plen;
        slot = &s->u.child;
    }
}

/* --------------------------------------------------------------- insert -- */

static size_t common(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t n = al < bl ? al : bl, i = 0;
    while (i < n && a[i] == b[i]) i++;
    return i;
}

/* Returns 1 if the subtree changed, 0 if not (same value), or an error. */
static int ins(zg_trie *t, node **slot, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    int rc = resolve(t, slot);
    if (rc) return rc;
    node *n = *slot;
    if (!n) {
        snode *l = new_leaf(t, k, kl, v, vl);
        if (!l) return ZG_ENOMEM;
        *slot = &l->h;
        return 1;
    }
    if (n->type == N_BRANCH) {
        bnode *b = (bnode *)n;
        if (kl == 0) {
            if (b->val && b->vlen == vl && !memcmp(b->val, v, vl)) return 0;
            const uint8_t *nv = a_dup(t, v, vl);
            if (!nv) return ZG_ENOMEM;
            t->garbage += b->vlen;
            b->val = nv;
            b->vlen = (uint32_t)vl;
            dirty(n);
            return 1;
        }
        rc = ins(t, &b->kid[k[0]], k + 1, kl - 1, v, vl);
        if (rc == 1) dirty(n);
        return rc;
    }

    snode *s = (snode *)n;
    const uint8_t *p = s->path;
    size_t pl = s->plen, m = common(p, pl, k, kl);
    if (n->type == N_EXT && m == pl) {
        rc = ins(t, &s->u.child, k + m, kl - m, v, vl);
        if (rc == 1) dirty(n);
        return rc;
    }
    if (n->type == N_LEAF && m == pl && m == kl) {
        if (s->vlen == vl && !memcmp(s->u.val, v, vl)) return 0;
        const uint8_t *nv = a_dup(t, v, vl);
        if (!nv) return ZG_ENOMEM;
        t->garbage += s->vlen;
        s->u.val = nv;
        s->vlen = (uint32_t)vl;
        dirty(n);
        return 1;
    }

    /* the paths part at nibble m: a branch there takes both */
    bnode *b = new_branch(t);
    if (!b) return ZG_ENOMEM;
    node *top = &b->h;
    if (n->type == N_LEAF) {
        if (m == pl) { /* the old key ends at the branch */
            b->val = s->u.val;
            b->vlen = s->vlen;
            t->garbage += sizeof(snode);
        } else { /* the old leaf keeps the rest of its path */
            b->kid[p[m]] = n;
            s->path = p + m + 1;
            s->plen = (uint32_t)(pl - m - 1);
            dirty(n);
        }
        if (m > 0) {
            snode *e = new_short(t, N_EXT, p, m);
            if (!e) return ZG_ENOMEM;
            e->u.child = top;
            top = &e->h;
        }
    } else {
        node *lower = s->u.child;
        if (m + 1 < pl) {
            snode *e = new_short(t, N_EXT, p + m + 1, pl - m - 1);
            if (!e) return ZG_ENOMEM;
            e->u.child = lower;
            lower = &e->h;
        }
        b->kid[p[m]] = lower;
        if (m > 0) { /* the extension keeps the shared prefix */
            s->plen = (uint32_t)m;
            s->u.child = top;
            dirty(n);
            top = n;
        } else {
            t->garbage += sizeof(snode);
        }
    }
    if (m == kl) {
        if (!(b->val = a_dup(t, v, vl))) return ZG_ENOMEM;
        b->vlen = (uint32_t)vl;
    } else {
        snode *l = new_leaf(t, k + m + 1, kl - m - 1, v, vl);
        if (!l) return ZG_ENOMEM;
        b->kid[k[m]] = &l->h;
    }
    *slot = top;
    return 1;
}

ZG_EXPORT int zg_trie_put(zg_trie *t, const void *key, size_t klen, const void *val,
                          size_t vlen)
{
    uint8_t nib[TRIE_MAX_NIB];
    size_t kl;
    int rc;
    if (!t) return ZG_EINVAL;
    if (t->err) return t->err;
    if (vlen == 0) return zg_trie_del(t, key, klen);
    if (!val || vlen > UINT32_MAX) return ZG_EINVAL;
    if ((rc = trie_key_nibbles(t->flags, key, klen, nib, &kl))) return rc;
    rc = ins(t, &t->root, nib, kl, val, vlen);
    return rc < 0 ? rc : ZG_OK;
}

/* --------------------------------------------------------------- delete -- */

/* Load every node a deletion of k may touch: the path, and at each branch
 * that may collapse (two entries) the other child, whose type decides how.
 * Returns 1 if the key is present, 0 if not, or an error. */
static int del_prefetch(zg_trie *t, const uint8_t *k, size_t kl)
{
    for (int pass = 0; pass < 2; pass++) {
        node **slot = &t->root;
        const uint8_t *p = k;
        size_t r = kl;
        for (;;) {
            int rc = resolve(t, slot);
            if (rc) return rc;
            node *n = *slot;
            if (!n) return 0;
            if (n->type == N_BRANCH) {
                bnode *b = (bnode *)n;
                if (pass == 1) {
                    int cnt = b->val != NULL, other = -1;
                    for (int i = 0; i < 16; i++)
                        if (b->kid[i]) {
                            cnt++;
                            if (r == 0 || i != p[0]) other = i;
                        }
                    if (cnt == 2 && other >= 0 && (rc = resolve(t, &b->kid[other]))) return rc;
                }
                if (r == 0) {
                    if (!b->val) return 0;
                    break;
                }
                slot = &b->kid[*p++];
                r--;
                continue;
            }
            snode *s = (snode *)n;
            if (s->plen > r || memcmp(s->path, p, s->plen)) return 0;
            if (n->type == N_LEAF) {
                if (s->plen != r) return 0;
                break;
            }
            p += s->plen;
            r -= s->plen;
            slot = &s->u.child;
        }
    }
    return 1;
}

/* put nibbles pre[0..pl) in front of short node c's path */
static int prepend(zg_trie *t, snode *c, const uint8_t *pre, size_t pl)
{
    /* paths never outgrow keys, except in a malformed database */
    if (pl + c->plen > TRIE_MAX_NIB) return ZG_ECORRUPT;
    uint8_t *np = a_alloc(t, pl + c->plen);
    if (!np) return ZG_ENOMEM;
    memcpy(np, pre, pl);
    memcpy(np + pl, c->path, c->plen);
    c->path = np;
    c->plen += (uint32_t)pl;
    dirty(&c->h);
    return ZG_OK;
}

/* Returns 1 if deleted, 0 if absent, or an error.  Nodes were prefetched. */
static int del(zg_trie *t, node **slot, const uint8_t *k, size_t kl)
{
    int rc = resolve(t, slot);
    if (rc) return rc;
    node *n = *slot;
    if (!n) return 0;
    if (n->type == N_LEAF) {
        snode *s = (snode *)n;
        if (s->plen != kl || memcmp(s->path, k, kl)) return 0;
        *slot = NULL;
        t->garbage += sizeof(snode) + s->vlen + s->plen;
        return 1;
    }
    if (n->type == N_EXT) {
        snode *s = (snode *)n;
        if (s->plen > kl || memcmp(s->path, k, s->plen)) return 0;
        rc = del(t, &s->u.child, k + s->plen, kl - s->plen);
        if (rc <= 0) return rc;
        node *c = s->u.child;
        if (!c) { /* only in non-canonical tries */
            *slot = NULL;
            return 1;
        }
        if (c->type == N_LEAF || c->type == N_EXT) { /* the branch below collapsed: merge */
            if ((rc = prepend(t, (snode *)c, s->path, s->plen))) return rc;
            *slot = c;
            t->garbage += sizeof(snode);
            return 1;
        }
        dirty(n);
        return 1;
    }
    if (n->type != N_BRANCH) return ZG_ECORRUPT;
    bnode *b = (bnode *)n;
    if (kl == 0) {
        if (!b->val) return 0;
        t->garbage += b->vlen;
        b->val = NULL;
        b->vlen = 0;
    } else {
        rc = del(t, &b->kid[k[0]], k + 1, kl - 1);
        if (rc <= 0) return rc;
    }
    dirty(n);
    int cnt = b->val != NULL, j = -1;
    for (int i = 0; i < 16; i++)
        if (b->kid[i]) {
            cnt++;
            j = i;
        }
    if (cnt >= 2) return 1;
    /* one entry left: the branch turns into a leaf or extension */
    t->garbage += sizeof(bnode);
    if (cnt == 0) {
        *slot = NULL;
        return 1;
    }
    if (b->val) {
        snode *l = new_short(t, N_LEAF, trie_nothing, 0);
        if (!l) return ZG_ENOMEM;
        l->u.val = b->val;
        l->vlen = b->vlen;
        *slot = &l->h;
        return 1;
    }
    if ((rc = resolve(t, &b->kid[j]))) return rc;
    node *c = b->kid[j];
    if (c->type == N_LEAF || c->type == N_EXT) {
        if ((rc = prepend(t, (snode *)c, &nibble_path[j], 1))) return rc;
        *slot = c;
    } else {
        snode *e = new_short(t, N_EXT, &nibble_path[j], 1);
        if (!e) return ZG_ENOMEM;
        e->u.child = c;
        *slot = &e->h;
    }
    return 1;
}

ZG_EXPORT int zg_trie_del(zg_trie *t, const void *key, size_t klen)
{
    uint8_t nib[TRIE_MAX_NIB];
    size_t kl;
    int rc;
    if (!t) return ZG_EINVAL;
    if (t->err) return t->err;
    if ((rc = trie_key_nibbles(t->flags, key, klen, nib, &kl))) return rc;
    rc = del_prefetch(t, nib, kl);
    if (rc <= 0) return rc;
    rc = del(t, &t->root, nib, kl);
    if (rc < 0 && !t->err) t->err = rc; /* cannot happen after the prefetch */
    return rc < 0 ? rc : ZG_OK;
}

/* --------------------------------------------------------------- commit -- */

ZG_EXPORT int zg_trie_root(zg_trie *t, uint8_t root[32])
{
    if (!t || !root) return ZG_EINVAL;
    if (t->err) return t->err;
    return root_hash(t, root);
}

/* Hash the dirty nodes below n and add those stored by hash (and the root)
 * to batch b (may be NULL). */
static int commit_walk(zg_trie *t, node *n, zg_kv_batch *b, int is_root)
{
    int rc;
    if (!(n->flags & F_DIRTY)) return ZG_OK;
    if (n->type == N_EXT) {
        if ((rc = commit_walk(t, ((snode *)n)->u.child, b, 0))) return rc;
    } else if (n->type == N_BRANCH) {
        bnode *bn = (bnode *)n;
        for (int i = 0; i < 16; i++)
            if (bn->kid[i] && (rc = commit_walk(t, bn->kid[i], b, 0))) return rc;
    }
    int encoded = 0;
    if (!(n->flags & F_REF)) {
        if ((rc = encode(t, n))) return rc;
        set_ref(n, &t->enc);
        encoded = 1;
    }
    if (b && (n->reflen == 32 || is_root)) {
        uint8_t key[32];
        if (!encoded && (rc = encode(t, n))) return rc;
        if (n->reflen == 32)
            memcpy(key, n->ref, 32);
        else
            zg_keccak256(t->enc.data, t->enc.len, key);
        t->kv->batch_put(b, key, 32, t->enc.data, t->enc.len);
    }
    return ZG_OK;
}

static void mark_clean(node *n)
{
    if (!(n->flags & F_DIRTY)) return;
    n->flags &= (uint8_t)~F_DIRTY;
    if (n->type == N_EXT) {
        mark_clean(((snode *)n)->u.child);
    } else if (n->type == N_BRANCH) {
        bnode *b = (bnode *)n;
        for (int i = 0; i < 16; i++)
            if (b->kid[i]) mark_clean(b->kid[i]);
    }
}

static size_t node_size(const node *n)
{
    return n->type == N_BRANCH ? sizeof(bnode) : n->type == N_HASH ? sizeof(node) : sizeof(snode);
}

/* Copy the live tree into a fresh arena, breadth first.  With budget > 0,
 * once the copy passes budget bytes, clean nodes stored by hash are left
 * in the database (replaced by hash stubs).  On failure nothing changes. */
static int compact(zg_trie *t, size_t budget)
{
    ablock *old = t->blocks;
    size_t old_mem = t->mem, old_used = t->used, old_next = t->next_block;
    node *root = t->root;
    node ***q = NULL;
    size_t qn = 0, qcap = 0;

    t->blocks = NULL;
    t->mem = t->used = 0;
    t->next_block = BLOCK_FIRST;
    if (root) {
        qcap = 256;
        if (!(q = malloc(qcap * sizeof *q))) goto fail;
        q[qn++] = &root;
    }
    for (size_t qi = 0; qi < qn; qi++) {
        node **slot = q[qi], *n = *slot, *c;
        if (budget && t->used > budget && slot != &root && !(n->flags & F_DIRTY) &&
            n->reflen == 32 && n->type != N_HASH) {
            c = new_hash(t, n->ref);
        } else {
            c = a_alloc(t, node_size(n));
            if (c) memcpy(c, n, node_size(n));
        }
        if (!c) goto fail;
        *slot = c;
        node **kids[16];
        int nk = 0;
        if (c->type == N_LEAF || c->type == N_EXT) {
            snode *s = (snode *)c;
            if (!(s->path = a_dup(t, s->path, s->plen))) goto fail;
            if (c->type == N_LEAF) {
                if (!(s->u.val = a_dup(t, s->u.val, s->vlen))) goto fail;
            } else {
                kids[nk++] = &s->u.child;
            }
        } else if (c->type == N_BRANCH) {
            bnode *b = (bnode *)c;
            if (b->val && !(b->val = a_dup(t, b->val, b->vlen))) goto fail;
            for (int i = 0; i < 16; i++)
                if (b->kid[i]) kids[nk++] = &b->kid[i];
        }
        if (qn + (size_t)nk > qcap) {
            size_t nc = qcap * 2 + (size_t)nk;
            node ***nq = realloc(q, nc * sizeof *q);
            if (!nq) goto fail;
            q = nq;
            qcap = nc;
        }
        for (int i = 0; i < nk; i++) q[qn++] = kids[i];
    }
    free(q);
    blocks_free(old);
    t->root = root;
    t->garbage = 0;
    return ZG_OK;
fail:
    free(q);
    blocks_free(t->blocks);
    t->blocks = old;
    t->mem = old_mem;
    t->used = old_used;
    t->next_block = old_next;
    t->err = 0;
    return ZG_ENOMEM;
}

static void maybe_compact(zg_trie *t)
{
    int over = t->kv && t->cache_limit && t->used > t->cache_limit;
    int wasteful = t->used > (1u << 20) && t->garbage > t->used / 2;
    if (over || wasteful) (void)compact(t, t->kv ? t->cache_limit / 2 : 0);
}

static int commit(zg_trie *t, zg_kv_batch *b, unsigned kv_flags, int own, uint8_t root[32])
{
    int rc = ZG_OK;
    if (t->err) return t->err;
    if (t->root && (t->root->flags & F_DIRTY)) {
        if (own && t->kv && !(b = t->kv->batch_new(t->db))) return ZG_ENOMEM;
        rc = commit_walk(t, t->root, b, 1);
        if (!rc && own && b) rc = t->kv->batch_write(t->db, b, kv_flags);
        if (own && b) t->kv->batch_free(b);
        if (rc) return rc;
        mark_clean(t->root);
    }
    uint8_t h[32];
    if ((rc = root_hash(t, h))) return rc;
    if (root) memcpy(root, h, 32);
    maybe_compact(t);
    return ZG_OK;
}

ZG_EXPORT int zg_trie_commit(zg_trie *t, unsigned kv_flags, uint8_t root[32])
{
    if (!t) return ZG_EINVAL;
    return commit(t, NULL, kv_flags, 1, root);
}

ZG_EXPORT int zg_trie_commit_batch(zg_trie *t, zg_kv_batch *b, uint8_t root[32])
{
    if (!t || !b || !t->kv) return ZG_EINVAL;
    return commit(t, b, 0, 0, root);
}

/* ------------------------------------------------------------ next/prev -- */

/* Write path nibbles into t->acc at d; ZG_ECORRUPT when too long. */
static int acc_put(zg_trie *t, size_t d, const uint8_t *p, size_t n)
{
    if (d + n > TRIE_MAX_NIB) return ZG_ECORRUPT;
    memcpy(t->acc + d, p, n);
    return ZG_OK;
}

typedef struct seek_out {
    size_t olen;
    const uint8_t *val;
    size_t vlen;
} seek_out;

static int found(seek_out *o, size_t d, const uint8_t *v, size_t vl)
{
    o->olen = d;
    o->val = v;
    o->vlen = vl;
    return 1;
}

/* first (dir > 0) or last (dir < 0) key of the subtree at *slot, whose path
 * so far is t->acc[0..d).  1 found, 0 none, or an error. */
static int edge(zg_trie *t, node **slot, size_t d, int dir, seek_out *o)
{
    int rc;
    for (;;) {
        if ((rc = resolve(t, slot))) return rc;
        node *n = *slot;
        if (!n) return 0;
        if (n->type != N_BRANCH) {
            snode *s = (snode *)n;
            if ((rc = acc_put(t, d, s->path, s->plen))) return rc;
            d += s->plen;
            if (n->type == N_LEAF) return found(o, d, s->u.val, s->vlen);
            slot = &s->u.child;
            continue;
        }
        bnode *b = (bnode *)n;
        if (dir > 0 && b->val) return found(o, d, b->val, b->vlen);
        int i = dir > 0 ? 0 : 15;
        while (i >= 0 && i < 16 && !b->kid[i]) i += dir;
        if (i < 0 || i > 15) return b->val ? found(o, d, b->val, b->vlen) : 0;
        uint8_t c = (uint8_t)i;
        if ((rc = acc_put(t, d, &c, 1))) return rc;
        slot = &b->kid[i];
        d++;
    }
}

/* Nearest key after (dir > 0) or before target T[0..tl) in the subtree at
 * *slot, whose path so far t->acc[0..d) equals T[0..d). */
static int seek(zg_trie *t, node **slot, const uint8_t *T, size_t tl, size_t d, int dir, int incl,
                seek_out *o)
{
    int rc;
    if ((rc = resolve(t, slot))) return rc;
    node *n = *slot;
    if (!n) return 0;
    if (n->type != N_BRANCH) {
        snode *s = (snode *)n;
        size_t r = tl - d, mn = s->plen < r ? s->plen : r, i = 0;
        while (i < mn && s->path[i] == T[d + i]) i++;
        if (n->type == N_LEAF) {
            int cmp = i < mn ? (s->path[i] < T[d + i] ? -1 : 1)
                             : (s->plen == r ? 0 : s->plen < r ? -1 : 1);
            if (cmp == 0 ? !incl : (cmp > 0) != (dir > 0)) return 0;
            if ((rc = acc_put(t, d, s->path, s->plen))) return rc;
            return found(o, d + s->plen, s->u.val, s->vlen);
        }
        if ((rc = acc_put(t, d, s->path, s->plen))) return rc;
        if (i == s->plen) return seek(t, &s->u.child, T, tl, d + s->plen, dir, incl, o);
        /* diverged: the whole subtree is after T (T ended, or a larger
         * nibble) or before it */
        int after = i == r || s->path[i] > T[d + i];
        return after == (dir > 0) ? edge(t, &s->u.child, d + s->plen, dir, o) : 0;
    }
    bnode *b = (bnode *)n;
    if (d == tl) { /* the value's key is T itself; every child is after T */
        if (incl && b->val) return found(o, d, b->val, b->vlen);
        if (dir < 0) return 0;
        for (int i = 0; i < 16; i++) {
            if (!b->kid[i]) continue;
            uint8_t c = (uint8_t)i;
            if ((rc = acc_put(t, d, &c, 1))) return rc;
            if ((rc = edge(t, &b->kid[i], d + 1, dir, o))) return rc;
        }
        return 0;
    }
    uint8_t c = T[d];
    if ((rc = acc_put(t, d, &c, 1))) return rc;
    if ((rc = seek(t, &b->kid[c], T, tl, d + 1, dir, incl, o))) return rc;
    for (int i = c + dir; i >= 0 && i < 16; i += dir) {
        if (!b->kid[i]) continue;
        uint8_t ci = (uint8_t)i;
        if ((rc = acc_put(t, d, &ci, 1))) return rc;
        if ((rc = edge(t, &b->kid[i], d + 1, dir, o))) return rc;
    }
    /* the value's key is a proper prefix of T: before it */
    if (dir < 0 && b->val) return found(o, d, b->val, b->vlen);
    return 0;
}

static int walk(zg_trie *t, const void *key, size_t klen, int dir, int incl, const uint8_t **okey,
                size_t *oklen, const uint8_t **val, size_t *vlen)
{
    uint8_t nib[TRIE_MAX_NIB];
    size_t kl;
    int rc;
    seek_out o;
    if (!t) return ZG_EINVAL;
    if (t->err) return t->err;
    /* positions are paths: never hashed */
    if ((rc = trie_key_nibbles(0, key, klen, nib, &kl))) return rc;
    rc = seek(t, &t->root, nib, kl, 0, dir, incl, &o);
    if (rc < 0) return rc;
    if (rc == 0) return ZG_ENOTFOUND;
    if (o.olen & 1) return ZG_ECORRUPT; /* keys are whole bytes */
    for (size_t i = 0; i < o.olen / 2; i++)
        t->okey[i] = (uint8_t)(t->acc[2 * i] << 4 | t->acc[2 * i + 1]);
    if (okey) *okey = t->okey;
    if (oklen) *oklen = o.olen / 2;
    if (val) *val = o.val;
    if (vlen) *vlen = o.vlen;
    return ZG_OK;
}

ZG_EXPORT int zg_trie_next(zg_trie *t, const void *key, size_t klen, int inclusive,
                           const uint8_t **okey, size_t *oklen, const uint8_t **val, size_t *vlen)
{
    return walk(t, key, klen, 1, inclusive, okey, oklen, val, vlen);
}

ZG_EXPORT int zg_trie_prev(zg_trie *t, const void *key, size_t klen, int inclusive,
                           const uint8_t **okey, size_t *oklen, const uint8_t **val, size_t *vlen)
{
    return walk(t, key, klen, -1, inclusive, okey, oklen, val, vlen);
}

/* --------------------------------------------------------------- proofs -- */

ZG_EXPORT int zg_trie_prove(zg_trie *t, const void *key, size_t klen, zg_trie_proof *out)
{
    uint8_t nib[TRIE_MAX_NIB];
    size_t kl, n = 0, ncap = 0, len = 0, cap = 0, *offs = NULL;
    uint8_t *buf = NULL;
    int rc;
    if (!out) return ZG_EINVAL;
    out->n = 0;
    out->nodes = NULL;
    if (!t) return ZG_EINVAL;
    if (t->err) return t->err;
    if ((rc = trie_key_nibbles(t->flags, key, klen, nib, &kl))) return rc;
    if (!t->root) return ZG_OK; /* empty trie: the empty proof */
    if ((rc = hash_node(t, t->root))) return rc;

    node **slot = &t->root;
    const uint8_t *k = nib;
    for (int first = 1;; first = 0) {
        if ((rc = resolve(t, slot))) goto fail;
        node *nd = *slot;
        if (!nd) break;
        if (first || nd->reflen == 32) { /* embedded nodes are inside their parent */
            if ((rc = encode(t, nd))) goto fail;
            if (n == ncap) {
                ncap = ncap ? 2 * ncap : 8;
                size_t *no = realloc(offs, (ncap + 1) * sizeof *offs);
                if (!no) goto oom;
                offs = no;
            }
            if (len + t->enc.len > cap) {
                cap = 2 * (len + t->enc.len);
                uint8_t *nb = realloc(buf, cap);
                if (!nb) goto oom;
                buf = nb;
            }
            memcpy(buf + len, t->enc.data, t->enc.len);
            offs[n++] = len;
            len += t->enc.len;
        }
        if (nd->type == N_BRANCH) {
            if (kl == 0) break;
            slot = &((bnode *)nd)->kid[*k++];
            kl--;
            continue;
        }
        snode *s = (snode *)nd;
        if (nd->type == N_LEAF || s->plen > kl || memcmp(s->path, k, s->plen)) break;
        k += s->plen;
        kl -= s->plen;
        slot = &s->u.child;
    }
    zg_trie_bytes *nodes = malloc(n * sizeof *nodes + len + 1);
    if (!nodes) goto oom;
    uint8_t *data = (uint8_t *)(nodes + n);
    if (len) memcpy(data, buf, len);
    for (size_t i = 0; i < n; i++) {
        nodes[i].data = data + offs[i];
        nodes[i].len = (i + 1 < n ? offs[i + 1] : len) - offs[i];
    }
    free(buf);
    free(offs);
    out->n = n;
    out->nodes = nodes;
    return ZG_OK;
oom:
    rc = ZG_ENOMEM;
fail:
    free(buf);
    free(offs);
    return rc;
}

ZG_EXPORT void zg_trie_proof_free(zg_trie_proof *p)
{
    if (!p) return;
    free(p->nodes);
    p->nodes = NULL;
    p->n = 0;
}
