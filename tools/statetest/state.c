/* state.c — in-memory world state for zg-statetest: accounts sorted by
 * address, storage sorted by key; the executor's zg_exec_state view over
 * it; the state root (secure trie of RLP accounts with secure storage
 * tries, zg/trie.h) after applying a result's change set. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/keccak.h>
#include <zg/rlp.h>
#include <zg/trie.h>
#include "statetest.h"

static int cmp_acct(const void *a, const void *b)
{
    return memcmp(((const st_account *)a)->addr, ((const st_account *)b)->addr, 20);
}
static int cmp_slot(const void *a, const void *b)
{
    return memcmp(((const st_slot *)a)->key, ((const st_slot *)b)->key, 32);
}

static int is_zero32(const uint8_t v[32])
{
    for (int i = 0; i < 32; i++)
        if (v[i]) return 0;
    return 1;
}

/* root of a storage given as sorted non-zero slots */
static int storage_root(const st_slot *s, size_t n, uint8_t root[32])
{
    if (n == 0) {
        memcpy(root, zg_trie_empty_root, 32);
        return 0;
    }
    zg_trie_bytes *keys = malloc(n * sizeof *keys), *vals = malloc(n * sizeof *vals);
    size_t *off = malloc((n + 1) * sizeof *off);
    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    int rc = -1;
    if (!keys || !vals || !off) goto done;
    /* values are rlp(big-endian integer without leading zeros) */
    for (size_t i = 0; i < n; i++) {
        off[i] = b.len;
        zg_rlp_put_be32(&b, s[i].val);
    }
    off[n] = b.len;
    if (b.oom) goto done;
    for (size_t i = 0; i < n; i++) {
        keys[i].data = s[i].key;
        keys[i].len = 32;
        vals[i].data = b.data + off[i];
        vals[i].len = off[i + 1] - off[i];
    }
    rc = zg_trie_root_of(keys, vals, n, ZG_TRIE_SECURE, root) == ZG_OK ? 0 : -1;
done:
    zg_rlp_buf_free(&b);
    free(keys);
    free(vals);
    free(off);
    return rc;
}

static int account_rlp(uint64_t nonce, const zg_u256 *balance, const uint8_t sroot[32],
                       const uint8_t chash[32], uint8_t **out, size_t *len)
{
    zg_rlp_buf b;
    uint8_t bal[32];
    zg_rlp_buf_init(&b);
    zg_rlp_list_begin(&b);
    zg_rlp_put_u64(&b, nonce);
    zg_u256_store_be32(balance, bal);
    zg_rlp_put_be32(&b, bal);
    zg_rlp_put_bytes(&b, sroot, 32);
    zg_rlp_put_bytes(&b, chash, 32);
    zg_rlp_list_end(&b);
    if (b.oom) {
        zg_rlp_buf_free(&b);
        return -1;
    }
    *out = b.data;
    *len = b.len;
    return 0;
}

int st_world_load(st_world *w, json_t *pre, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    if (!json_is_object(pre)) {
        snprintf(err, errlen, "pre is not an object");
        return -1;
    }
    size_t n = json_object_size(pre);
    w->accts = calloc(n ? n : 1, sizeof *w->accts);
    if (!w->accts) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(pre, key, v)
    {
        st_account *a = &w->accts[w->n++];
        json_t *bal = json_object_get(v, "balance"), *non = json_object_get(v, "nonce"),
               *code = json_object_get(v, "code"), *stor = json_object_get(v, "storage");
        if (st_parse_fixed(key, a->addr, 20) || !json_is_string(bal) ||
            st_parse_u256(json_string_value(bal), &a->balance) || !json_is_string(non) ||
            st_parse_u64(json_string_value(non), &a->nonce) || !json_is_string(code) ||
            st_parse_bytes(json_string_value(code), &a->code, &a->code_len)) {
            snprintf(err, errlen, "bad pre account %s", key);
            return -1;
        }
        zg_keccak256(a->code, a->code_len, a->code_hash);
        if (stor && json_is_object(stor)) {
            size_t ns = json_object_size(stor);
            a->slots = calloc(ns ? ns : 1, sizeof *a->slots);
            if (!a->slots) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            const char *sk;
            json_t *sv;
            json_object_foreach(stor, sk, sv)
            {
                st_slot *s = &a->slots[a->nslots];
                zg_u256 k, val;
                if (st_parse_u256(sk, &k) || !json_is_string(sv) ||
                    st_parse_u256(json_string_value(sv), &val)) {
                    snprintf(err, errlen, "bad storage slot %s of %s", sk, key);
                    return -1;
                }
                if (zg_u256_is_zero(&val)) continue;
                zg_u256_store_be32(&k, s->key);
                zg_u256_store_be32(&val, s->val);
                a->nslots++;
            }
            qsort(a->slots, a->nslots, sizeof *a->slots, cmp_slot);
        }
        uint8_t sroot[32];
        if (storage_root(a->slots, a->nslots, sroot) ||
            account_rlp(a->nonce, &a->balance, sroot, a->code_hash, &a->rlp, &a->rlp_len)) {
            snprintf(err, errlen, "cannot hash account %s", key);
            return -1;
        }
    }
    qsort(w->accts, w->n, sizeof *w->accts, cmp_acct);
    return 0;
}

void st_world_free(st_world *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->accts[i].code);
        free(w->accts[i].slots);
        free(w->accts[i].rlp);
    }
    free(w->accts);
    memset(w, 0, sizeof *w);
}

static const st_account *find(const st_world *w, const uint8_t addr[20])
{
    size_t lo = 0, hi = w->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(w->accts[mid].addr, addr, 20);
        if (c == 0) return &w->accts[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- the state view ---- */

static int v_get_account(void *ctx, const uint8_t addr[20], zg_exec_account *out)
{
    const st_account *a = find(ctx, addr);
    if (!a) return ZG_ENOTFOUND;
    out->balance = a->balance;
    out->nonce = a->nonce;
    memcpy(out->code_hash, a->code_hash, 32);
    out->flags = a->nslots ? ZG_EXEC_ACCOUNT_HAS_STORAGE : 0;
    return ZG_OK;
}

static int v_get_code(void *ctx, const uint8_t addr[20], const uint8_t **code, size_t *len)
{
    const st_account *a = find(ctx, addr);
    *code = a ? a->code : NULL;
    *len = a ? a->code_len : 0;
    return ZG_OK;
}

static int v_get_storage(void *ctx, const uint8_t addr[20], const uint8_t key[32], uint8_t val[32])
{
    const st_account *a = find(ctx, addr);
    memset(val, 0, 32);
    if (!a || !a->nslots) return ZG_OK;
    st_slot k;
    memcpy(k.key, key, 32);
    const st_slot *s = bsearch(&k, a->slots, a->nslots, sizeof k, cmp_slot);
    if (s) memcpy(val, s->val, 32);
    return ZG_OK;
}

/* the state tests' convention: keccak256 of the block number in decimal */
static int v_get_block_hash(void *ctx, uint64_t number, uint8_t hash[32])
{
    (void)ctx;
    char s[24];
    int n = snprintf(s, sizeof s, "%llu", (unsigned long long)number);
    zg_keccak256(s, (size_t)n, hash);
    return ZG_OK;
}

void st_world_view(st_world *w, zg_exec_state *out)
{
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    out->ctx = w;
    out->get_account = v_get_account;
    out->get_code = v_get_code;
    out->get_storage = v_get_storage;
    out->get_block_hash = v_get_block_hash;
}

/* ---- roots ---- */

static int cmp_change(const void *a, const void *b)
{
    return memcmp((*(const zg_exec_change *const *)a)->address, (*(const zg_exec_change *const *)b)->address,
                  20);
}

/* storage of a changed account: old slots (unless recreated) + changes */
static int changed_storage_root(const st_account *old, const zg_exec_change *c, uint8_t root[32])
{
    size_t nold = (old && !(c->flags & ZG_EXEC_ACC_CREATED)) ? old->nslots : 0;
    if (c->nstorage == 0 && old && nold == old->nslots) return storage_root(old->slots, nold, root);
    st_slot *ch = malloc((c->nstorage + 1) * sizeof *ch);
    st_slot *merged = malloc((c->nstorage + nold + 1) * sizeof *merged);
    int rc = -1;
    if (!ch || !merged) goto done;
    for (size_t i = 0; i < c->nstorage; i++) {
        memcpy(ch[i].key, c->storage[i].key, 32);
        memcpy(ch[i].val, c->storage[i].value, 32);
    }
    qsort(ch, c->nstorage, sizeof *ch, cmp_slot);
    size_t i = 0, j = 0, m = 0;
    while (i < nold || j < c->nstorage) {
        int cmp = i >= nold ? 1 : j >= c->nstorage ? -1 : memcmp(old->slots[i].key, ch[j].key, 32);
        const st_slot *pick;
        if (cmp < 0)
            pick = &old->slots[i++];
        else if (cmp > 0)
            pick = &ch[j++];
        else
            pick = &ch[j++], i++;
        if (!is_zero32(pick->val)) merged[m++] = *pick;
    }
    rc = storage_root(merged, m, root);
done:
    free(ch);
    free(merged);
    return rc;
}

int st_world_root(const st_world *w, const zg_exec_result *res, uint8_t root[32])
{
    size_t nc = res->nchanges;
    const zg_exec_change **ch = malloc((nc + 1) * sizeof *ch);
    zg_trie_bytes *keys = malloc((w->n + nc + 1) * sizeof *keys);
    zg_trie_bytes *vals = malloc((w->n + nc + 1) * sizeof *vals);
    uint8_t **owned = calloc(nc + 1, sizeof *owned);
    int rc = -1;
    size_t n = 0;
    if (!ch || !keys || !vals || !owned) goto done;
    for (size_t i = 0; i < nc; i++) ch[i] = &res->changes[i];
    qsort(ch, nc, sizeof *ch, cmp_change);
    size_t i = 0, j = 0;
    while (i < w->n || j < nc) {
        int cmp = i >= w->n ? 1 : j >= nc ? -1 : memcmp(w->accts[i].addr, ch[j]->address, 20);
        if (cmp < 0) {
            const st_account *a = &w->accts[i++];
            keys[n].data = a->addr;
            keys[n].len = 20;
            vals[n].data = a->rlp;
            vals[n].len = a->rlp_len;
            n++;
            continue;
        }
        const st_account *old = cmp == 0 ? &w->accts[i++] : NULL;
        const zg_exec_change *c = ch[j++];
        if (c->flags & ZG_EXEC_ACC_DELETED) continue;
        uint8_t sroot[32];
        const uint8_t *chash = (c->flags & ZG_EXEC_ACC_CODE) ? c->code_hash
                               : (old && !(c->flags & ZG_EXEC_ACC_CREATED)) ? old->code_hash
                                                                           : (const uint8_t *)ZG_EXEC_EMPTY_CODE_HASH;
        if (changed_storage_root(old, c, sroot)) goto done;
        uint8_t *enc;
        size_t elen;
        if (account_rlp(c->nonce, &c->balance, sroot, chash, &enc, &elen)) goto done;
        owned[j - 1] = enc;
        keys[n].data = c->address;
        keys[n].len = 20;
        vals[n].data = enc;
        vals[n].len = elen;
        n++;
    }
    if (n == 0)
        memcpy(root, zg_trie_empty_root, 32), rc = 0;
    else
        rc = zg_trie_root_of(keys, vals, n, ZG_TRIE_SECURE, root) == ZG_OK ? 0 : -1;
done:
    if (owned)
        for (size_t k = 0; k < nc; k++) free(owned[k]);
    free(owned);
    free(ch);
    free(keys);
    free(vals);
    return rc;
}

int st_logs_hash(const zg_exec_result *res, uint8_t out[32])
{
    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    zg_rlp_list_begin(&b);
    for (size_t i = 0; i < res->nlogs; i++) {
        const zg_exec_log *l = &res->logs[i];
        zg_rlp_list_begin(&b);
        zg_rlp_put_bytes(&b, l->address, 20);
        zg_rlp_list_begin(&b);
        for (uint32_t t = 0; t < l->ntopics; t++) zg_rlp_put_bytes(&b, l->topics[t], 32);
        zg_rlp_list_end(&b);
        zg_rlp_put_bytes(&b, l->data_len ? l->data : (const uint8_t *)"", l->data_len);
        zg_rlp_list_end(&b);
    }
    zg_rlp_list_end(&b);
    int rc = b.oom ? -1 : 0;
    if (!rc) zg_keccak256(b.data, b.len, out);
    zg_rlp_buf_free(&b);
    return rc;
}
