/* state.c — the world state: the account trie (secure MPT, account =
 * rlp([nonce, balance, storageRoot, codeHash])), one storage trie per
 * account, contract code under "c" + code hash, all in the chain's kv
 * database.  A ch_state is a view at one root with an in-memory overlay of
 * touched accounts; it answers the executor's reads (zg_exec_state),
 * applies change sets, and commits everything into one kv batch. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include <zg/rlp.h>
#include "chain.h"

typedef struct acct {
    uint8_t addr[20];
    struct acct *next;
    int exists;
    uint64_t nonce;
    zg_u256 balance;
    uint8_t code_hash[32];
    uint8_t sroot[32];
    zg_trie *st;        /* storage trie, opened on first use */
    int dirty;          /* account fields to write */
    int st_dirty;       /* storage trie changed */
    const uint8_t *code;
    size_t code_len;
    int code_loaded;
    uint8_t *code_owned;
} acct;

typedef struct code_ent {
    uint8_t hash[32];
    uint8_t *code;
    size_t len;
    struct code_ent *next;
} code_ent;

struct ch_state {
    chain *c;
    zg_trie *trie;
    int borrowed;
    acct **buckets;
    size_t nbuckets, count;
    code_ent *codes;
    zg_exec_state exec;
};

static size_t bucket_of(const ch_state *s, const uint8_t addr[20])
{
    uint64_t h;
    memcpy(&h, addr + 12, 8);
    h ^= h >> 29;
    h *= 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 17) & (s->nbuckets - 1);
}

static int grow(ch_state *s)
{
    size_t nb = s->nbuckets * 2;
    acct **b = calloc(nb, sizeof *b);
    if (!b) return ZG_ENOMEM;
    acct **old = s->buckets;
    size_t on = s->nbuckets;
    s->buckets = b;
    s->nbuckets = nb;
    for (size_t i = 0; i < on; i++) {
        acct *a = old[i];
        while (a) {
            acct *n = a->next;
            size_t k = bucket_of(s, a->addr);
            a->next = b[k];
            b[k] = a;
            a = n;
        }
    }
    free(old);
    return ZG_OK;
}

static int decode_account(const uint8_t *v, size_t vl, acct *a)
{
    zg_rlp_item it, f;
    zg_rlp_iter iter;
    if (zg_rlp_decode(v, vl, &it, NULL) != ZG_OK || !it.is_list || zg_rlp_list_count(&it) != 4) return ZG_ECORRUPT;
    zg_rlp_iter_init(&iter, &it);
    uint8_t be[32];
    if (zg_rlp_iter_next(&iter, &f, NULL) != 1 || zg_rlp_to_u64(&f, &a->nonce) != ZG_OK) return ZG_ECORRUPT;
    if (zg_rlp_iter_next(&iter, &f, NULL) != 1 || zg_rlp_to_be32(&f, be) != ZG_OK) return ZG_ECORRUPT;
    zg_u256_load_be32(&a->balance, be);
    if (zg_rlp_iter_next(&iter, &f, NULL) != 1 || f.is_list || f.len != 32) return ZG_ECORRUPT;
    memcpy(a->sroot, f.data, 32);
    if (zg_rlp_iter_next(&iter, &f, NULL) != 1 || f.is_list || f.len != 32) return ZG_ECORRUPT;
    memcpy(a->code_hash, f.data, 32);
    return ZG_OK;
}

/* the overlay entry of addr, loading it from the trie on first use */
static int get_acct(ch_state *s, const uint8_t addr[20], acct **out)
{
    size_t k = bucket_of(s, addr);
    for (acct *a = s->buckets[k]; a; a = a->next)
        if (memcmp(a->addr, addr, 20) == 0) {
            *out = a;
            return ZG_OK;
        }
    acct *a = calloc(1, sizeof *a);
    if (!a) return ZG_ENOMEM;
    memcpy(a->addr, addr, 20);
    memcpy(a->code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32);
    memcpy(a->sroot, zg_trie_empty_root, 32);
    const uint8_t *v;
    size_t vl;
    int rc = zg_trie_get(s->trie, addr, 20, &v, &vl);
    if (rc == ZG_OK) {
        rc = decode_account(v, vl, a);
        if (rc != ZG_OK) {
            free(a);
            return rc;
        }
        a->exists = 1;
    } else if (rc != ZG_ENOTFOUND) {
        free(a);
        return rc;
    }
    a->next = s->buckets[k];
    s->buckets[k] = a;
    if (++s->count > s->nbuckets * 2) grow(s);
    *out = a;
    return ZG_OK;
}

static int open_storage(ch_state *s, acct *a)
{
    if (a->st) return ZG_OK;
    chain *c = s->c;
    return zg_trie_open(&a->st, c->kv, c->db, a->sroot, ZG_TRIE_SECURE | ZG_TRIE_TRUSTED);
}

static int reset_storage(ch_state *s, acct *a)
{
    memcpy(a->sroot, zg_trie_empty_root, 32);
    a->st_dirty = 1;
    if (a->st) return zg_trie_reset(a->st, zg_trie_empty_root);
    return open_storage(s, a);
}

int ch_state_account(ch_state *s, const uint8_t addr[20], zg_exec_account *out, uint8_t storage_root[32])
{
    acct *a;
    int rc = get_acct(s, addr, &a);
    if (rc != ZG_OK) return rc;
    if (!a->exists) return ZG_ENOTFOUND;
    out->balance = a->balance;
    out->nonce = a->nonce;
    memcpy(out->code_hash, a->code_hash, 32);
    out->flags = 0;
    if (a->st_dirty) {
        const uint8_t *k, *v;
        size_t kl, vl;
        rc = zg_trie_next(a->st, "", 0, 1, &k, &kl, &v, &vl);
        if (rc == ZG_OK) out->flags |= ZG_EXEC_ACCOUNT_HAS_STORAGE;
        else if (rc != ZG_ENOTFOUND) return rc;
    } else if (memcmp(a->sroot, zg_trie_empty_root, 32) != 0)
        out->flags |= ZG_EXEC_ACCOUNT_HAS_STORAGE;
    if (storage_root) {
        if (a->st_dirty) {
            rc = zg_trie_root(a->st, storage_root);
            if (rc != ZG_OK) return rc;
        } else
            memcpy(storage_root, a->sroot, 32);
    }
    return ZG_OK;
}

static code_ent *find_code(ch_state *s, const uint8_t hash[32])
{
    for (code_ent *e = s->codes; e; e = e->next)
        if (memcmp(e->hash, hash, 32) == 0) return e;
    return NULL;
}

int ch_state_code(ch_state *s, const uint8_t addr[20], const uint8_t **code, size_t *len)
{
    acct *a;
    int rc = get_acct(s, addr, &a);
    if (rc != ZG_OK) return rc;
    if (!a->code_loaded) {
        a->code_loaded = 1;
        a->code = NULL;
        a->code_len = 0;
        if (a->exists && memcmp(a->code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32) != 0) {
            code_ent *e = find_code(s, a->code_hash);
            if (e) {
                a->code = e->code;
                a->code_len = e->len;
            } else {
                uint8_t key[33];
                key[0] = 'c';
                memcpy(key + 1, a->code_hash, 32);
                void *v;
                size_t vl;
                rc = s->c->kv->get(s->c->db, NULL, key, sizeof key, &v, &vl);
                if (rc != ZG_OK) {
                    a->code_loaded = 0;
                    return rc == ZG_ENOTFOUND ? ZG_ECORRUPT : rc;
                }
                a->code_owned = malloc(vl ? vl : 1);
                if (!a->code_owned) {
                    s->c->kv->free_value(s->c->db, v);
                    a->code_loaded = 0;
                    return ZG_ENOMEM;
                }
                memcpy(a->code_owned, v, vl);
                s->c->kv->free_value(s->c->db, v);
                a->code = a->code_owned;
                a->code_len = vl;
            }
        }
    }
    *code = a->code ? a->code : (const uint8_t *)"";
    *len = a->code_len;
    return ZG_OK;
}

int ch_state_storage(ch_state *s, const uint8_t addr[20], const uint8_t key[32], uint8_t val[32])
{
    acct *a;
    int rc = get_acct(s, addr, &a);
    if (rc != ZG_OK) return rc;
    memset(val, 0, 32);
    if (!a->exists) return ZG_OK;
    if (!a->st && memcmp(a->sroot, zg_trie_empty_root, 32) == 0) return ZG_OK;
    if ((rc = open_storage(s, a)) != ZG_OK) return rc;
    const uint8_t *v;
    size_t vl;
    rc = zg_trie_get(a->st, key, 32, &v, &vl);
    if (rc == ZG_ENOTFOUND) return ZG_OK;
    if (rc != ZG_OK) return rc;
    zg_rlp_item it;
    if (zg_rlp_decode(v, vl, &it, NULL) != ZG_OK || it.is_list || it.len > 32) return ZG_ECORRUPT;
    memcpy(val + 32 - it.len, it.data, it.len);
    return ZG_OK;
}

static int put_slot(ch_state *s, acct *a, const uint8_t key[32], const uint8_t val[32])
{
    int rc = open_storage(s, a);
    if (rc != ZG_OK) return rc;
    a->st_dirty = 1;
    size_t i = 0;
    while (i < 32 && val[i] == 0) i++;
    if (i == 32) return zg_trie_del(a->st, key, 32);
    uint8_t enc[33];
    size_t n = 32 - i;
    size_t el;
    if (n == 1 && val[31] < 0x80) {
        enc[0] = val[31];
        el = 1;
    } else {
        enc[0] = (uint8_t)(0x80 + n);
        memcpy(enc + 1, val + i, n);
        el = n + 1;
    }
    return zg_trie_put(a->st, key, 32, enc, el);
}

static int add_code(ch_state *s, const uint8_t hash[32], const uint8_t *code, size_t len, code_ent **out)
{
    code_ent *e = find_code(s, hash);
    if (!e) {
        e = calloc(1, sizeof *e);
        if (!e || !(e->code = malloc(len ? len : 1))) {
            free(e);
            return ZG_ENOMEM;
        }
        memcpy(e->hash, hash, 32);
        memcpy(e->code, code, len);
        e->len = len;
        e->next = s->codes;
        s->codes = e;
    }
    *out = e;
    return ZG_OK;
}

static void set_code_ptr(acct *a, code_ent *e)
{
    free(a->code_owned);
    a->code_owned = NULL;
    a->code_loaded = 1;
    a->code = e ? e->code : NULL;
    a->code_len = e ? e->len : 0;
}

int ch_state_apply(ch_state *s, const zg_exec_result *r)
{
    for (size_t i = 0; i < r->nchanges; i++) {
        const zg_exec_change *ch = &r->changes[i];
        acct *a;
        int rc = get_acct(s, ch->address, &a);
        if (rc != ZG_OK) return rc;
        a->dirty = 1;
        if (ch->flags & ZG_EXEC_ACC_DELETED) {
            a->exists = 0;
            a->nonce = 0;
            a->balance = ZG_U256_ZERO;
            memcpy(a->code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32);
            set_code_ptr(a, NULL);
            if ((rc = reset_storage(s, a)) != ZG_OK) return rc;
            continue;
        }
        a->exists = 1;
        if (ch->flags & ZG_EXEC_ACC_CREATED)
            if ((rc = reset_storage(s, a)) != ZG_OK) return rc;
        a->balance = ch->balance;
        a->nonce = ch->nonce;
        if (ch->flags & ZG_EXEC_ACC_CODE) {
            memcpy(a->code_hash, ch->code_hash, 32);
            if (ch->code_len) {
                code_ent *e;
                if ((rc = add_code(s, ch->code_hash, ch->code, ch->code_len, &e)) != ZG_OK) return rc;
                set_code_ptr(a, e);
            } else
                set_code_ptr(a, NULL);
        }
        for (size_t j = 0; j < ch->nstorage; j++)
            if ((rc = put_slot(s, a, ch->storage[j].key, ch->storage[j].value)) != ZG_OK) return rc;
    }
    return ZG_OK;
}

int ch_state_set_balance(ch_state *s, const uint8_t addr[20], const zg_u256 *v)
{
    acct *a;
    int rc = get_acct(s, addr, &a);
    if (rc != ZG_OK) return rc;
    a->exists = 1;
    a->dirty = 1;
    a->balance = *v;
    return ZG_OK;
}

int ch_state_set_nonce(ch_state *s, const uint8_t addr[20], uint64_t nonce)
{
    acct *a;
    int rc = get_acct(s, addr, &a);
    if (rc != ZG_OK) return rc;
    a->exists = 1;
    a->dirty = 1;
    a->nonce = nonce;
    return ZG_OK;
}

int ch_state_set_code(ch_state *s, const uint8_t addr[20], const uint8_t *code, size_t len)
{
    acct *a;
    int rc = get_acct(s, addr, &a);
    if (rc != ZG_OK) return rc;
    a->exists = 1;
    a->dirty = 1;
    if (!len) {
        memcpy(a->code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32);
        set_code_ptr(a, NULL);
        return ZG_OK;
    }
    uint8_t h[32];
    zg_keccak256(code, len, h);
    code_ent *e;
    if ((rc = add_code(s, h, code, len, &e)) != ZG_OK) return rc;
    memcpy(a->code_hash, h, 32);
    set_code_ptr(a, e);
    return ZG_OK;
}

int ch_state_set_storage(ch_state *s, const uint8_t addr[20], const uint8_t key[32], const uint8_t val[32])
{
    acct *a;
    int rc = get_acct(s, addr, &a);
    if (rc != ZG_OK) return rc;
    a->exists = 1;
    a->dirty = 1;
    return put_slot(s, a, key, val);
}

int ch_state_clear_storage(ch_state *s, const uint8_t addr[20])
{
    acct *a;
    int rc = get_acct(s, addr, &a);
    if (rc != ZG_OK) return rc;
    a->exists = 1;
    a->dirty = 1;
    return reset_storage(s, a);
}

static int encode_account(const acct *a, zg_rlp_buf *b)
{
    uint8_t be[32];
    zg_rlp_buf_reset(b);
    zg_rlp_list_begin(b);
    zg_rlp_put_u64(b, a->nonce);
    zg_u256_store_be32(&a->balance, be);
    zg_rlp_put_be32(b, be);
    zg_rlp_put_bytes(b, a->sroot, 32);
    zg_rlp_put_bytes(b, a->code_hash, 32);
    zg_rlp_list_end(b);
    return b->oom ? ZG_ENOMEM : ZG_OK;
}

int ch_state_commit(ch_state *s, zg_kv_batch *b, uint8_t root[32])
{
    chain *c = s->c;
    zg_rlp_buf enc;
    zg_rlp_buf_init(&enc);
    int rc = ZG_OK;
    for (size_t i = 0; i < s->nbuckets && rc == ZG_OK; i++)
        for (acct *a = s->buckets[i]; a && rc == ZG_OK; a = a->next) {
            if (!a->dirty) continue;
            if (a->st_dirty) {
                rc = b ? zg_trie_commit_batch(a->st, b, a->sroot) : zg_trie_root(a->st, a->sroot);
                if (rc != ZG_OK) break;
                if (b) a->st_dirty = 0;
            }
            if (!a->exists)
                rc = zg_trie_del(s->trie, a->addr, 20);
            else if ((rc = encode_account(a, &enc)) == ZG_OK)
                rc = zg_trie_put(s->trie, a->addr, 20, enc.data, enc.len);
            if (b) a->dirty = 0;
        }
    zg_rlp_buf_free(&enc);
    if (rc != ZG_OK) return rc;
    if (b) {
        for (code_ent *e = s->codes; e; e = e->next) {
            uint8_t key[33];
            key[0] = 'c';
            memcpy(key + 1, e->hash, 32);
            c->kv->batch_put(b, key, sizeof key, e->code, e->len);
        }
        return zg_trie_commit_batch(s->trie, b, root);
    }
    return zg_trie_root(s->trie, root);
}

/* ---- executor callbacks ---- */

static int cb_account(void *ctx, const uint8_t addr[20], zg_exec_account *out)
{
    return ch_state_account(ctx, addr, out, NULL);
}

static int cb_code(void *ctx, const uint8_t addr[20], const uint8_t **code, size_t *len)
{
    return ch_state_code(ctx, addr, code, len);
}

static int cb_storage(void *ctx, const uint8_t addr[20], const uint8_t key[32], uint8_t val[32])
{
    return ch_state_storage(ctx, addr, key, val);
}

static int cb_block_hash(void *ctx, uint64_t number, uint8_t hash[32])
{
    ch_state *s = ctx;
    return ch_canonical_hash(s->c, number, hash);
}

const zg_exec_state *ch_state_exec(ch_state *s) { return &s->exec; }

int ch_state_open(chain *c, const uint8_t root[32], zg_trie *borrow, ch_state **out)
{
    ch_state *s = calloc(1, sizeof *s);
    if (!s) return ZG_ENOMEM;
    s->c = c;
    s->nbuckets = 64;
    s->buckets = calloc(s->nbuckets, sizeof *s->buckets);
    if (!s->buckets) {
        free(s);
        return ZG_ENOMEM;
    }
    int rc;
    if (borrow) {
        s->trie = borrow;
        s->borrowed = 1;
    } else if ((rc = zg_trie_open(&s->trie, c->kv, c->db, root, ZG_TRIE_SECURE | ZG_TRIE_TRUSTED)) != ZG_OK) {
        free(s->buckets);
        free(s);
        return rc;
    }
    s->exec.struct_size = sizeof s->exec;
    s->exec.ctx = s;
    s->exec.get_account = cb_account;
    s->exec.get_code = cb_code;
    s->exec.get_storage = cb_storage;
    s->exec.get_block_hash = cb_block_hash;
    *out = s;
    return ZG_OK;
}

void ch_state_free(ch_state *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nbuckets; i++) {
        acct *a = s->buckets[i];
        while (a) {
            acct *n = a->next;
            if (a->st) zg_trie_free(a->st);
            free(a->code_owned);
            free(a);
            a = n;
        }
    }
    free(s->buckets);
    code_ent *e = s->codes;
    while (e) {
        code_ent *n = e->next;
        free(e->code);
        free(e);
        e = n;
    }
    if (!s->borrowed) zg_trie_free(s->trie);
    free(s);
}

/* ---- eth_getProof (EIP-1186) ---- */

static json_t *proof_json(const zg_trie_proof *p)
{
    json_t *a = json_array();
    for (size_t i = 0; i < p->n; i++) json_array_append_new(a, zg_json_data(p->nodes[i].data, p->nodes[i].len));
    return a;
}



json_t *ch_state_proof(ch_state *s, const uint8_t addr[20], const uint8_t (*keys)[32], size_t nkeys, int *rcp)
{
    acct *a;
    int rc = get_acct(s, addr, &a);
    json_t *out = NULL;
    zg_trie_proof ap = {0};
    if (rc != ZG_OK) goto done;
    if ((rc = zg_trie_prove(s->trie, addr, 20, &ap)) != ZG_OK) goto done;
    uint8_t sroot[32], be[32];
    if (a->st_dirty)
        zg_trie_root(a->st, sroot);
    else
        memcpy(sroot, a->sroot, 32);
    zg_u256_store_be32(&a->balance, be);
    out = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "address", ch_json_addr(addr), "accountProof", proof_json(&ap),
                    "balance", zg_json_quantity_be32(be), "codeHash", ch_json_h256(a->code_hash), "nonce",
                    zg_json_quantity_u64(a->nonce), "storageHash", ch_json_h256(sroot));
    zg_trie_proof_free(&ap);
    json_t *sp = json_array();
    json_object_set_new(out, "storageProof", sp);
    for (size_t i = 0; i < nkeys; i++) {
        uint8_t val[32];
        if ((rc = ch_state_storage(s, addr, keys[i], val)) != ZG_OK) goto done;
        zg_trie_proof kp = {0};
        if (a->st || memcmp(sroot, zg_trie_empty_root, 32) != 0) {
            if ((rc = open_storage(s, a)) != ZG_OK) goto done;
            if ((rc = zg_trie_prove(a->st, keys[i], 32, &kp)) != ZG_OK) goto done;
        }
        json_t *pr = proof_json(&kp);
        zg_trie_proof_free(&kp);
        json_array_append_new(sp, json_pack("{s:o,s:o,s:o}", "key", ch_json_h256(keys[i]), "value",
                                            zg_json_quantity_be32(val), "proof", pr));
    }
    rc = ZG_OK;
done:
    *rcp = rc;
    if (rc != ZG_OK) {
        json_decref(out);
        return NULL;
    }
    return out;
}

int ch_state_at(chain *c, const ch_header *h, ch_state **out)
{
    /* the head trie caches nodes as it reads: only the loop thread may use it */
    if (pthread_equal(pthread_self(), c->loop)) {
        if (memcmp(h->hash, c->head.hash, 32) == 0 && !c->prop)
            return ch_state_open(c, h->state_root, c->head_trie, out);
        return ch_state_open(c, h->state_root, NULL, out);
    }
    /* an RPC worker: its own trie, warm while the root stays (reads only:
     * nothing commits a worker's state) */
    ch_worker *w = ch_worker_get(c);
    if (w && !w->trie) {
        if (zg_trie_open(&w->trie, c->kv, c->db, h->state_root, ZG_TRIE_SECURE | ZG_TRIE_TRUSTED) != ZG_OK) {
            if (w->trie) zg_trie_free(w->trie);
            w->trie = NULL;
        } else
            memcpy(w->root, h->state_root, 32);
    }
    if (!w || !w->trie) return ch_state_open(c, h->state_root, NULL, out);
    if (memcmp(w->root, h->state_root, 32) != 0) {
        int rc = zg_trie_reset(w->trie, h->state_root);
        if (rc != ZG_OK) return rc;
        memcpy(w->root, h->state_root, 32);
    }
    return ch_state_open(c, h->state_root, w->trie, out);
}
