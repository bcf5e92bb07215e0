/* ledger.c — blocks, receipts and indexes in the kv database, block
 * building (propose) and committing.
 *
 * Keys in the chain database (trie nodes use bare 32-byte hashes, so every
 * other key has another length):
 *   "head"                     number(8, BE) || hash(32) of the head block
 *   "H" number(8)              canonical block hash
 *   "h" hash                   header RLP
 *   "b" hash                   body RLP: [[txs...], [], []]
 *   "r" hash                   receipts record (see encode_receipts)
 *   "t" txhash                 number(8) || index(4, BE) || block hash(32)
 *   "c" codehash               contract code (state.c)
 * A block, its receipts, indexes, state trie nodes, code and the head
 * pointer go into ONE kv batch, so a crash leaves either the whole block or
 * none of it. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include <zg/rlp.h>
#include "chain.h"

static const uint8_t ommers_empty[32] = {0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5,
                                         0x67, 0xb6, 0xcc, 0xd4, 0x1a, 0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a,
                                         0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};

static void be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}
static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

/* ---------------------------------------------------------------- header */

int ch_header_encode(const ch_header *h, zg_rlp_buf *b)
{
    uint8_t be[32];
    zg_rlp_list_begin(b);
    zg_rlp_put_bytes(b, h->parent_hash, 32);
    zg_rlp_put_bytes(b, h->ommers_hash, 32);
    zg_rlp_put_bytes(b, h->coinbase, 20);
    zg_rlp_put_bytes(b, h->state_root, 32);
    zg_rlp_put_bytes(b, h->tx_root, 32);
    zg_rlp_put_bytes(b, h->receipts_root, 32);
    zg_rlp_put_bytes(b, h->bloom, 256);
    zg_rlp_put_u64(b, 0); /* difficulty */
    zg_rlp_put_u64(b, h->number);
    zg_rlp_put_u64(b, h->gas_limit);
    zg_rlp_put_u64(b, h->gas_used);
    zg_rlp_put_u64(b, h->timestamp);
    zg_rlp_put_bytes(b, h->extra, h->extra_len);
    zg_rlp_put_bytes(b, h->mix_hash, 32);
    zg_rlp_put_bytes(b, h->nonce, 8);
    zg_u256_store_be32(&h->base_fee, be);
    zg_rlp_put_be32(b, be);
    zg_rlp_put_bytes(b, h->withdrawals_root, 32);
    zg_rlp_put_u64(b, h->blob_gas_used);
    zg_rlp_put_u64(b, h->excess_blob_gas);
    zg_rlp_put_bytes(b, h->parent_beacon_root, 32);
    zg_rlp_list_end(b);
    return b->oom ? ZG_ENOMEM : ZG_OK;
}

void ch_header_hash(ch_header *h)
{
    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    ch_header_encode(h, &b);
    zg_keccak256(b.data, b.len, h->hash);
    zg_rlp_buf_free(&b);
}

static int fixed(zg_rlp_iter *it, uint8_t *out, size_t n)
{
    zg_rlp_item f;
    if (zg_rlp_iter_next(it, &f, NULL) != 1 || f.is_list || f.len != n) return ZG_ECORRUPT;
    memcpy(out, f.data, n);
    return ZG_OK;
}
static int u64f(zg_rlp_iter *it, uint64_t *out)
{
    zg_rlp_item f;
    if (zg_rlp_iter_next(it, &f, NULL) != 1 || zg_rlp_to_u64(&f, out) != ZG_OK) return ZG_ECORRUPT;
    return ZG_OK;
}

int ch_header_decode(const uint8_t *p, size_t n, ch_header *h)
{
    zg_rlp_item it, f;
    zg_rlp_iter iter;
    memset(h, 0, sizeof *h);
    if (zg_rlp_decode(p, n, &it, NULL) != ZG_OK || !it.is_list || zg_rlp_list_count(&it) != 20) return ZG_ECORRUPT;
    zg_rlp_iter_init(&iter, &it);
    uint64_t diff;
    uint8_t be[32];
    if (fixed(&iter, h->parent_hash, 32) || fixed(&iter, h->ommers_hash, 32) || fixed(&iter, h->coinbase, 20) ||
        fixed(&iter, h->state_root, 32) || fixed(&iter, h->tx_root, 32) || fixed(&iter, h->receipts_root, 32) ||
        fixed(&iter, h->bloom, 256) || u64f(&iter, &diff) || u64f(&iter, &h->number) ||
        u64f(&iter, &h->gas_limit) || u64f(&iter, &h->gas_used) || u64f(&iter, &h->timestamp))
        return ZG_ECORRUPT;
    if (zg_rlp_iter_next(&iter, &f, NULL) != 1 || f.is_list || f.len > 32) return ZG_ECORRUPT;
    memcpy(h->extra, f.data, f.len);
    h->extra_len = f.len;
    if (fixed(&iter, h->mix_hash, 32) || fixed(&iter, h->nonce, 8)) return ZG_ECORRUPT;
    if (zg_rlp_iter_next(&iter, &f, NULL) != 1 || zg_rlp_to_be32(&f, be) != ZG_OK) return ZG_ECORRUPT;
    zg_u256_load_be32(&h->base_fee, be);
    if (fixed(&iter, h->withdrawals_root, 32) || u64f(&iter, &h->blob_gas_used) ||
        u64f(&iter, &h->excess_blob_gas) || fixed(&iter, h->parent_beacon_root, 32))
        return ZG_ECORRUPT;
    zg_keccak256(p, n, h->hash);
    return ZG_OK;
}

/* ---------------------------------------------------------------- bloom, receipts */

void ch_bloom_add(uint8_t bloom[256], const uint8_t *data, size_t len)
{
    uint8_t h[32];
    zg_keccak256(data, len, h);
    for (int i = 0; i < 6; i += 2) {
        unsigned bit = ((unsigned)h[i] << 8 | h[i + 1]) & 2047;
        bloom[255 - bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
}

int ch_bloom_test(const uint8_t bloom[256], const uint8_t *data, size_t len)
{
    uint8_t h[32];
    zg_keccak256(data, len, h);
    for (int i = 0; i < 6; i += 2) {
        unsigned bit = ((unsigned)h[i] << 8 | h[i + 1]) & 2047;
        if (!(bloom[255 - bit / 8] & (1u << (bit % 8)))) return 0;
    }
    return 1;
}

void ch_receipt_bloom(const ch_receipt *r, uint8_t bloom[256])
{
    memset(bloom, 0, 256);
    for (size_t i = 0; i < r->nlogs; i++) {
        ch_bloom_add(bloom, r->logs[i].address, 20);
        for (uint32_t t = 0; t < r->logs[i].ntopics; t++) ch_bloom_add(bloom, r->logs[i].topics[t], 32);
    }
}

void ch_receipt_free(ch_receipt *r)
{
    for (size_t i = 0; i < r->nlogs; i++) free(r->logs[i].data);
    free(r->logs);
    r->logs = NULL;
    r->nlogs = 0;
}

static void put_logs(zg_rlp_buf *b, const ch_receipt *r)
{
    zg_rlp_list_begin(b);
    for (size_t i = 0; i < r->nlogs; i++) {
        const ch_log *l = &r->logs[i];
        zg_rlp_list_begin(b);
        zg_rlp_put_bytes(b, l->address, 20);
        zg_rlp_list_begin(b);
        for (uint32_t t = 0; t < l->ntopics; t++) zg_rlp_put_bytes(b, l->topics[t], 32);
        zg_rlp_list_end(b);
        zg_rlp_put_bytes(b, l->data, l->data_len);
        zg_rlp_list_end(b);
    }
    zg_rlp_list_end(b);
}

int ch_receipt_encode_consensus(const ch_receipt *r, zg_rlp_buf *b)
{
    uint8_t bloom[256];
    ch_receipt_bloom(r, bloom);
    if (r->type != ZG_TX_LEGACY) {
        uint8_t t = r->type;
        /* type byte, then the list: written raw in front */
        zg_rlp_put_raw(b, &t, 1);
    }
    zg_rlp_list_begin(b);
    zg_rlp_put_u64(b, r->status);
    zg_rlp_put_u64(b, r->cumulative_gas);
    zg_rlp_put_bytes(b, bloom, 256);
    put_logs(b, r);
    zg_rlp_list_end(b);
    return b->oom ? ZG_ENOMEM : ZG_OK;
}

/* receipts record: [[type, status, cumulativeGas, blobGasUsed, sender, contract|"", logs], ...] */
static int encode_receipts(const ch_receipt *rs, size_t n, zg_rlp_buf *b)
{
    zg_rlp_list_begin(b);
    for (size_t i = 0; i < n; i++) {
        const ch_receipt *r = &rs[i];
        zg_rlp_list_begin(b);
        zg_rlp_put_u64(b, r->type);
        zg_rlp_put_u64(b, r->status);
        zg_rlp_put_u64(b, r->cumulative_gas);
        zg_rlp_put_u64(b, r->blob_gas_used);
        zg_rlp_put_bytes(b, r->sender, 20);
        zg_rlp_put_bytes(b, r->contract, r->has_contract ? 20 : 0);
        put_logs(b, r);
        zg_rlp_list_end(b);
    }
    zg_rlp_list_end(b);
    return b->oom ? ZG_ENOMEM : ZG_OK;
}

static int decode_logs(const zg_rlp_item *list, ch_receipt *r)
{
    int n = zg_rlp_list_count(list);
    if (n < 0) return ZG_ECORRUPT;
    r->logs = calloc((size_t)n + 1, sizeof *r->logs);
    if (!r->logs) return ZG_ENOMEM;
    zg_rlp_iter it;
    zg_rlp_item l, f;
    zg_rlp_iter_init(&it, list);
    while (zg_rlp_iter_next(&it, &l, NULL) == 1) {
        ch_log *lg = &r->logs[r->nlogs++];
        zg_rlp_iter li;
        zg_rlp_iter_init(&li, &l);
        if (fixed(&li, lg->address, 20)) return ZG_ECORRUPT;
        if (zg_rlp_iter_next(&li, &f, NULL) != 1 || !f.is_list) return ZG_ECORRUPT;
        zg_rlp_iter ti;
        zg_rlp_iter_init(&ti, &f);
        while (lg->ntopics < 4 && fixed(&ti, lg->topics[lg->ntopics], 32) == ZG_OK) lg->ntopics++;
        if (zg_rlp_iter_next(&li, &f, NULL) != 1 || f.is_list) return ZG_ECORRUPT;
        lg->data = malloc(f.len ? f.len : 1);
        if (!lg->data) return ZG_ENOMEM;
        memcpy(lg->data, f.data, f.len);
        lg->data_len = f.len;
    }
    return ZG_OK;
}

static int decode_receipts(const uint8_t *p, size_t n, ch_receipt *rs, size_t count)
{
    zg_rlp_item it, e, f;
    zg_rlp_iter iter, ei;
    if (zg_rlp_decode(p, n, &it, NULL) != ZG_OK || !it.is_list || zg_rlp_list_count(&it) != (int)count)
        return ZG_ECORRUPT;
    zg_rlp_iter_init(&iter, &it);
    for (size_t i = 0; i < count; i++) {
        ch_receipt *r = &rs[i];
        uint64_t t, st;
        if (zg_rlp_iter_next(&iter, &e, NULL) != 1 || !e.is_list) return ZG_ECORRUPT;
        zg_rlp_iter_init(&ei, &e);
        if (u64f(&ei, &t) || u64f(&ei, &st) || u64f(&ei, &r->cumulative_gas) || u64f(&ei, &r->blob_gas_used) ||
            fixed(&ei, r->sender, 20))
            return ZG_ECORRUPT;
        r->type = (uint8_t)t;
        r->status = (uint8_t)st;
        if (zg_rlp_iter_next(&ei, &f, NULL) != 1 || f.is_list || (f.len != 0 && f.len != 20)) return ZG_ECORRUPT;
        r->has_contract = f.len == 20;
        if (f.len) memcpy(r->contract, f.data, 20);
        if (zg_rlp_iter_next(&ei, &f, NULL) != 1 || !f.is_list) return ZG_ECORRUPT;
        int rc = decode_logs(&f, r);
        if (rc) return rc;
        r->gas_used = r->cumulative_gas - (i ? rs[i - 1].cumulative_gas : 0);
    }
    return ZG_OK;
}

/* ---------------------------------------------------------------- reads */

static int kv_get_copy(chain *c, const uint8_t *key, size_t kl, uint8_t **out, size_t *len)
{
    void *v;
    size_t vl;
    int rc = c->kv->get(c->db, NULL, key, kl, &v, &vl);
    if (rc != ZG_OK) return rc;
    *out = malloc(vl ? vl : 1);
    if (!*out) {
        c->kv->free_value(c->db, v);
        return ZG_ENOMEM;
    }
    memcpy(*out, v, vl);
    *len = vl;
    c->kv->free_value(c->db, v);
    return ZG_OK;
}

int ch_canonical_hash(chain *c, uint64_t number, uint8_t hash[32])
{
    if (number > c->head.number) return ZG_ENOTFOUND;
    if (number == c->head.number) {
        memcpy(hash, c->head.hash, 32);
        return ZG_OK;
    }
    uint8_t key[9] = {'H'};
    be64(key + 1, number);
    void *v;
    size_t vl;
    int rc = c->kv->get(c->db, NULL, key, 9, &v, &vl);
    if (rc != ZG_OK) return rc;
    if (vl == 32) memcpy(hash, v, 32);
    c->kv->free_value(c->db, v);
    return vl == 32 ? ZG_OK : ZG_ECORRUPT;
}

int ch_read_header(chain *c, const uint8_t hash[32], ch_header *h)
{
    if (memcmp(hash, c->head.hash, 32) == 0) {
        *h = c->head;
        return ZG_OK;
    }
    uint8_t key[33] = {'h'};
    memcpy(key + 1, hash, 32);
    uint8_t *v;
    size_t vl;
    int rc = kv_get_copy(c, key, 33, &v, &vl);
    if (rc != ZG_OK) return rc;
    rc = ch_header_decode(v, vl, h);
    free(v);
    return rc;
}

static size_t rlp_list_size(size_t payload) /* header + payload */
{
    if (payload < 56) return 1 + payload;
    size_t n = 0;
    for (size_t p = payload; p; p >>= 8) n++;
    return 1 + n + payload;
}

void ch_block_free(ch_block *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->ntx; i++) {
        zg_tx_free(&b->txs[i]);
        if (b->rcpts) ch_receipt_free(&b->rcpts[i]);
    }
    free(b->txs);
    free(b->rcpts);
    memset(b, 0, sizeof *b);
}

int ch_read_block(chain *c, const uint8_t hash[32], int with_receipts, ch_block *b)
{
    (void)with_receipts;
    memset(b, 0, sizeof *b);
    int rc = ch_read_header(c, hash, &b->h);
    if (rc != ZG_OK) return rc;
    uint8_t key[33] = {'b'};
    memcpy(key + 1, hash, 32);
    uint8_t *body = NULL, *rec = NULL;
    size_t blen, rlen;
    if ((rc = kv_get_copy(c, key, 33, &body, &blen)) != ZG_OK) return rc == ZG_ENOTFOUND ? ZG_ECORRUPT : rc;
    key[0] = 'r';
    if ((rc = kv_get_copy(c, key, 33, &rec, &rlen)) != ZG_OK) {
        free(body);
        return rc == ZG_ENOTFOUND ? ZG_ECORRUPT : rc;
    }
    zg_rlp_item it, txs, e;
    zg_rlp_iter iter;
    rc = ZG_ECORRUPT;
    if (zg_rlp_decode(body, blen, &it, NULL) != ZG_OK || !it.is_list) goto out;
    zg_rlp_iter_init(&iter, &it);
    if (zg_rlp_iter_next(&iter, &txs, NULL) != 1 || !txs.is_list) goto out;
    int n = zg_rlp_list_count(&txs);
    if (n < 0) goto out;
    zg_rlp_buf hb;
    zg_rlp_buf_init(&hb);
    ch_header_encode(&b->h, &hb);
    b->size = rlp_list_size(hb.len + it.len);
    zg_rlp_buf_free(&hb);
    b->txs = calloc((size_t)n + 1, sizeof *b->txs);
    b->rcpts = calloc((size_t)n + 1, sizeof *b->rcpts);
    if (!b->txs || !b->rcpts) {
        rc = ZG_ENOMEM;
        goto out;
    }
    zg_rlp_iter_init(&iter, &txs);
    while (zg_rlp_iter_next(&iter, &e, NULL) == 1) {
        zg_tx *tx = &b->txs[b->ntx];
        zg_tx_init(tx);
        const uint8_t *raw = e.is_list ? e.raw : e.data;
        size_t rl = e.is_list ? e.raw_len : e.len;
        if (zg_tx_decode(raw, rl, ZG_TX_COPY, tx) != ZG_TX_OK) goto out;
        b->ntx++;
    }
    if ((rc = decode_receipts(rec, rlen, b->rcpts, b->ntx)) != ZG_OK) goto out;
    for (size_t i = 0; i < b->ntx; i++) {
        memcpy(b->txs[i].sender, b->rcpts[i].sender, 20);
        b->txs[i].has_sender = 1;
    }
    b->has_receipts = 1;
    rc = ZG_OK;
out:
    free(body);
    free(rec);
    if (rc != ZG_OK) ch_block_free(b);
    return rc;
}

int ch_tx_lookup(chain *c, const uint8_t txhash[32], uint64_t *number, uint32_t *index, uint8_t bhash[32])
{
    uint8_t key[33] = {'t'};
    memcpy(key + 1, txhash, 32);
    void *v;
    size_t vl;
    int rc = c->kv->get(c->db, NULL, key, 33, &v, &vl);
    if (rc != ZG_OK) return rc;
    if (vl != 44) {
        c->kv->free_value(c->db, v);
        return ZG_ECORRUPT;
    }
    const uint8_t *p = v;
    *number = rd64(p);
    *index = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
    memcpy(bhash, p + 12, 32);
    c->kv->free_value(c->db, v);
    return ZG_OK;
}

/* ---------------------------------------------------------------- building */

void ch_next_base_fee(const ch_header *p, zg_u256 *out)
{
    uint64_t target = p->gas_limit / 2;
    if (target == 0 || p->gas_used == target) {
        *out = p->base_fee;
        return;
    }
    zg_u256 d, t = zg_u256_from_u64(target), q = zg_u256_from_u64(8);
    if (p->gas_used > target) {
        zg_u256 diff = zg_u256_from_u64(p->gas_used - target);
        zg_u256_mul(&d, &p->base_fee, &diff);
        zg_u256_div(&d, &d, &t);
        zg_u256_div(&d, &d, &q);
        if (zg_u256_is_zero(&d)) d = ZG_U256_ONE;
        zg_u256_add(out, &p->base_fee, &d);
    } else {
        zg_u256 diff = zg_u256_from_u64(target - p->gas_used);
        zg_u256_mul(&d, &p->base_fee, &diff);
        zg_u256_div(&d, &d, &t);
        zg_u256_div(&d, &d, &q);
        zg_u256_sub(out, &p->base_fee, &d);
    }
}

void ch_exec_env(chain *c, const ch_header *h, zg_exec_env *env)
{
    memset(env, 0, sizeof *env);
    env->struct_size = sizeof *env;
    env->revision = ZG_EXEC_REV_CANCUN;
    env->number = h->number;
    env->timestamp = h->timestamp;
    env->gas_limit = h->gas_limit;
    env->chain_id = c->chain_id;
    memcpy(env->coinbase, h->coinbase, 20);
    env->base_fee = h->base_fee;
    zg_u256_load_be32(&env->prevrandao, h->mix_hash);
    env->blob_base_fee = ZG_U256_ONE; /* excess blob gas stays 0 */
}

void ch_contract_address(const uint8_t sender[20], uint64_t nonce, uint8_t out[20])
{
    zg_rlp_buf b;
    uint8_t h[32];
    zg_rlp_buf_init(&b);
    zg_rlp_list_begin(&b);
    zg_rlp_put_bytes(&b, sender, 20);
    zg_rlp_put_u64(&b, nonce);
    zg_rlp_list_end(&b);
    zg_keccak256(b.data, b.len, h);
    zg_rlp_buf_free(&b);
    memcpy(out, h + 12, 20);
}

struct ch_pending_block {
    ch_header h;
    zg_kv_batch *batch;
    zg_rlp_buf enc; /* whole block RLP */
    uint8_t old_root[32];
    size_t ntx;
};

typedef struct build_ctx {
    chain *c;
    ch_state *st;
    zg_exec_env env;
    uint64_t gas_used, blob_gas;
    size_t ntx, cap;
    zg_trie_bytes *raws; /* tx encodings (copied) */
    uint8_t (*hashes)[32];
    ch_receipt *rcpts;
    uint8_t (*rejected)[32];
    size_t nrejected, caprej;
    int err;
    int strict; /* replaying a given block: any rejection makes it invalid */
} build_ctx;

static void free_build(build_ctx *bc)
{
    for (size_t i = 0; i < bc->ntx; i++) {
        free((void *)bc->raws[i].data);
        ch_receipt_free(&bc->rcpts[i]);
    }
    free(bc->raws);
    free(bc->hashes);
    free(bc->rcpts);
    free(bc->rejected);
}

static int copy_logs(ch_receipt *r, const zg_exec_result *res)
{
    if (!res->nlogs) return ZG_OK;
    r->logs = calloc(res->nlogs, sizeof *r->logs);
    if (!r->logs) return ZG_ENOMEM;
    for (size_t i = 0; i < res->nlogs; i++) {
        const zg_exec_log *l = &res->logs[i];
        ch_log *o = &r->logs[i];
        memcpy(o->address, l->address, 20);
        o->ntopics = l->ntopics > 4 ? 4 : l->ntopics;
        for (uint32_t t = 0; t < o->ntopics; t++) memcpy(o->topics[t], l->topics[t], 32);
        o->data = malloc(l->data_len ? l->data_len : 1);
        if (!o->data) return ZG_ENOMEM;
        memcpy(o->data, l->data, l->data_len);
        o->data_len = l->data_len;
        r->nlogs++;
    }
    return ZG_OK;
}

static void note_reject(build_ctx *bc, const uint8_t hash[32])
{
    if (bc->nrejected == bc->caprej) {
        size_t n = bc->caprej ? bc->caprej * 2 : 16;
        void *p = realloc(bc->rejected, n * 32);
        if (!p) return;
        bc->rejected = p;
        bc->caprej = n;
    }
    memcpy(bc->rejected[bc->nrejected++], hash, 32);
}

/* execute one transaction into the block; 0 continue, 1 block full, -1 skip sender */
static int take_tx(void *arg, const mp_tx *t)
{
    build_ctx *bc = arg;
    chain *c = bc->c;
    const zg_tx *tx = &t->tx;
    if (bc->strict) {
        if (tx->gas_limit > bc->env.gas_limit - bc->gas_used || zg_tx_blob_gas(tx) > 6 * ZG_TX_GAS_PER_BLOB - bc->blob_gas) {
            bc->err = ZG_EINVAL;
            return 1;
        }
    } else {
        if (c->max_block_txs && bc->ntx >= c->max_block_txs) return 1;
        if (bc->env.gas_limit - bc->gas_used < ZG_TX_GAS_BASE) return 1;
        if (tx->gas_limit > bc->env.gas_limit - bc->gas_used) return -1;
        if (zg_tx_blob_gas(tx) > 6 * ZG_TX_GAS_PER_BLOB - bc->blob_gas) return -1;
    }
    if (bc->ntx == bc->cap) {
        size_t n = bc->cap ? bc->cap * 2 : 16;
        void *a = realloc(bc->raws, n * sizeof *bc->raws);
        if (a) bc->raws = a;
        void *b = realloc(bc->hashes, n * 32);
        if (b) bc->hashes = b;
        void *r = realloc(bc->rcpts, n * sizeof *bc->rcpts);
        if (r) bc->rcpts = r;
        if (!a || !b || !r) {
            bc->err = ZG_ENOMEM;
            return 1;
        }
        bc->cap = n;
    }
    zg_exec_tx etx;
    zg_exec_tx_from_tx(&etx, tx);
    zg_exec_result res;
    memset(&res, 0, sizeof res);
    res.struct_size = sizeof res;
    int rc = c->exi->execute_tx(c->ex, &bc->env, ch_state_exec(bc->st), &etx, &res);
    if (rc != ZG_OK) {
        CH_LOG(c, ZG_LOG_ERROR, "executor failed on a transaction (status %d); block building stops", rc);
        bc->err = rc;
        return 1;
    }
    if (res.status == ZG_EXEC_REJECTED && bc->strict) {
        CH_LOG(c, ZG_LOG_WARN, "invalid block: a transaction is rejected (%s)", zg_exec_error_name(res.error));
        bc->err = ZG_EINVAL;
        return 1;
    }
    if (res.status == ZG_EXEC_REJECTED) {
        char hx[67];
        zg_hex_encode(tx->hash, 32, hx);
        CH_LOG(c, ZG_LOG_INFO, "dropping transaction 0x%s: %s", hx, zg_exec_error_name(res.error));
        note_reject(bc, tx->hash);
        return -1;
    }
    if ((rc = ch_state_apply(bc->st, &res)) != ZG_OK) {
        bc->err = rc;
        return 1;
    }
    ch_receipt *r = &bc->rcpts[bc->ntx];
    memset(r, 0, sizeof *r);
    r->type = tx->type;
    r->status = res.status == ZG_EXEC_SUCCESS;
    r->gas_used = res.gas_used;
    bc->gas_used += res.gas_used;
    r->cumulative_gas = bc->gas_used;
    r->blob_gas_used = res.blob_gas_used;
    bc->blob_gas += res.blob_gas_used;
    memcpy(r->sender, tx->sender, 20);
    if (!tx->has_to) {
        r->has_contract = 1;
        ch_contract_address(tx->sender, tx->nonce, r->contract);
    }
    uint8_t *raw = malloc(tx->raw_len);
    if (!raw || copy_logs(r, &res) != ZG_OK) {
        free(raw);
        ch_receipt_free(r);
        bc->err = ZG_ENOMEM;
        return 1;
    }
    memcpy(raw, tx->raw, tx->raw_len);
    bc->raws[bc->ntx].data = raw;
    bc->raws[bc->ntx].len = tx->raw_len;
    memcpy(bc->hashes[bc->ntx], tx->hash, 32);
    bc->ntx++;
    return 0;
}

static void discard_proposal(chain *c)
{
    ch_pending_block *p = c->prop;
    if (!p) return;
    if (p->batch) c->kv->batch_free(p->batch);
    zg_rlp_buf_free(&p->enc);
    /* the head trie took the proposal's nodes as committed: go back */
    zg_trie_reset(c->head_trie, p->old_root);
    free(p);
    c->prop = NULL;
}

/* EIP-4788: before a block's transactions, a system call (from
 * 0xff..fe, 30M gas, no fee, outside the block's gas) hands the parent
 * beacon block root to the beacon roots contract, if one is deployed; a
 * failing call changes nothing, as in geth. */
static int beacon_root_call(chain *c, build_ctx *bc, const ch_header *h)
{
    const uint8_t *code;
    size_t len;
    int rc = ch_state_code(bc->st, ch_beacon_roots_addr, &code, &len);
    if (rc != ZG_OK || len == 0) return rc;
    zg_exec_msg m;
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    memset(m.sender, 0xff, 20);
    m.sender[19] = 0xfe;
    memcpy(m.to, ch_beacon_roots_addr, 20);
    m.gas = 30000000;
    m.data = h->parent_beacon_root;
    m.data_len = 32;
    zg_exec_result res;
    memset(&res, 0, sizeof res);
    res.struct_size = sizeof res;
    if ((rc = c->exi->execute_call(c->ex, &bc->env, ch_state_exec(bc->st), &m, &res)) != ZG_OK) return rc;
    if (res.status != ZG_EXEC_SUCCESS) {
        CH_LOG(c, ZG_LOG_WARN, "EIP-4788 beacon roots call failed (%s); block built without it",
               zg_exec_error_name(res.error));
        return ZG_OK;
    }
    return ch_state_apply(bc->st, &res);
}

/* Execute transactions on the head state into header h (whose context
 * fields are set) and prepare the block's kv batch as c->prop.  Transactions
 * come from the mempool (list NULL) or, replaying a given block, from list
 * (strict: any invalid transaction fails it). */
static int build_block(chain *c, ch_header h, const zg_tx *list, size_t nlist, unsigned flags, zg_cons_block *out)
{
    const ch_header *parent = &c->head;
    build_ctx bc;
    memset(&bc, 0, sizeof bc);
    bc.c = c;
    bc.strict = list != NULL;
    ch_exec_env(c, &h, &bc.env);
    int rc = ch_state_open(c, parent->state_root, c->head_trie, &bc.st);
    if (rc != ZG_OK) return rc;
    if ((rc = beacon_root_call(c, &bc, &h)) != ZG_OK) {
        CH_LOG(c, ZG_LOG_ERROR, "building block %llu: the EIP-4788 system call failed (status %d)",
               (unsigned long long)h.number, rc);
        ch_state_free(bc.st);
        zg_trie_reset(c->head_trie, parent->state_root);
        return rc;
    }
    if (list) {
        for (size_t i = 0; i < nlist && !bc.err; i++) {
            mp_tx t = {.tx = list[i]};
            if (take_tx(&bc, &t) != 0 && !bc.err) bc.err = ZG_EINVAL;
        }
    } else
        rc = mp_select(c->mp, bc.st, &h.base_fee, take_tx, &bc);
    for (size_t i = 0; i < bc.nrejected; i++) mp_remove(c->mp, bc.rejected[i]);
    if (rc == ZG_OK) rc = bc.err;
    if (rc == ZG_OK && bc.ntx == 0 && !list && !(flags & ZG_CONS_ALLOW_EMPTY)) rc = ZG_ENOTFOUND;
    ch_pending_block *p = NULL;
    zg_rlp_buf rb;
    zg_rlp_buf_init(&rb);
    if (rc != ZG_OK) goto fail;
    h.gas_used = bc.gas_used;
    h.blob_gas_used = bc.blob_gas;
    memset(h.bloom, 0, sizeof h.bloom);
    /* roots */
    if ((rc = zg_trie_list_root(bc.raws, bc.ntx, h.tx_root)) != ZG_OK) goto fail;
    {
        zg_trie_bytes *items = calloc(bc.ntx + 1, sizeof *items);
        zg_rlp_buf *encs = calloc(bc.ntx + 1, sizeof *encs);
        if (!items || !encs) rc = ZG_ENOMEM;
        for (size_t i = 0; rc == ZG_OK && i < bc.ntx; i++) {
            zg_rlp_buf_init(&encs[i]);
            rc = ch_receipt_encode_consensus(&bc.rcpts[i], &encs[i]);
            items[i].data = encs[i].data;
            items[i].len = encs[i].len;
            uint8_t bl[256];
            ch_receipt_bloom(&bc.rcpts[i], bl);
            for (int k = 0; k < 256; k++) h.bloom[k] |= bl[k];
        }
        if (rc == ZG_OK) rc = zg_trie_list_root(items, bc.ntx, h.receipts_root);
        for (size_t i = 0; encs && i < bc.ntx; i++) zg_rlp_buf_free(&encs[i]);
        free(items);
        free(encs);
        if (rc != ZG_OK) goto fail;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        rc = ZG_ENOMEM;
        goto fail;
    }
    zg_rlp_buf_init(&p->enc);
    memcpy(p->old_root, parent->state_root, 32);
    p->batch = c->kv->batch_new(c->db);
    if (!p->batch) {
        rc = ZG_ENOMEM;
        goto fail;
    }
    if ((rc = ch_state_commit(bc.st, p->batch, h.state_root)) != ZG_OK) goto fail;
    ch_header_hash(&h);
    p->h = h;
    p->ntx = bc.ntx;

    /* header, body, receipts, indexes, head */
    uint8_t key[33];
    zg_rlp_buf_reset(&rb);
    ch_header_encode(&h, &rb);
    key[0] = 'h';
    memcpy(key + 1, h.hash, 32);
    c->kv->batch_put(p->batch, key, 33, rb.data, rb.len);
    size_t hdr_len = rb.len;
    /* body: [[txs], [], []]; typed txs are byte strings */
    zg_rlp_buf_reset(&rb);
    zg_rlp_list_begin(&rb);
    zg_rlp_list_begin(&rb);
    for (size_t i = 0; i < bc.ntx; i++) {
        if (bc.raws[i].len && bc.raws[i].data[0] >= 0xc0)
            zg_rlp_put_raw(&rb, bc.raws[i].data, bc.raws[i].len);
        else
            zg_rlp_put_bytes(&rb, bc.raws[i].data, bc.raws[i].len);
    }
    zg_rlp_list_end(&rb);
    zg_rlp_list_begin(&rb);
    zg_rlp_list_end(&rb);
    zg_rlp_list_begin(&rb);
    zg_rlp_list_end(&rb);
    zg_rlp_list_end(&rb);
    if (rb.oom) {
        rc = ZG_ENOMEM;
        goto fail;
    }
    key[0] = 'b';
    c->kv->batch_put(p->batch, key, 33, rb.data, rb.len);
    /* whole block for the consensus engine: [header, txs, ommers, withdrawals] */
    {
        zg_rlp_item body;
        zg_rlp_decode(rb.data, rb.len, &body, NULL);
        zg_rlp_buf hb;
        zg_rlp_buf_init(&hb);
        ch_header_encode(&h, &hb);
        zg_rlp_list_begin(&p->enc);
        zg_rlp_put_raw(&p->enc, hb.data, hb.len);
        zg_rlp_put_raw(&p->enc, body.data, body.len);
        zg_rlp_list_end(&p->enc);
        zg_rlp_buf_free(&hb);
        (void)hdr_len;
    }
    zg_rlp_buf_reset(&rb);
    if ((rc = encode_receipts(bc.rcpts, bc.ntx, &rb)) != ZG_OK) goto fail;
    key[0] = 'r';
    c->kv->batch_put(p->batch, key, 33, rb.data, rb.len);
    for (size_t i = 0; i < bc.ntx; i++) {
        uint8_t v[44];
        key[0] = 't';
        memcpy(key + 1, bc.hashes[i], 32);
        be64(v, h.number);
        v[8] = (uint8_t)(i >> 24), v[9] = (uint8_t)(i >> 16), v[10] = (uint8_t)(i >> 8), v[11] = (uint8_t)i;
        memcpy(v + 12, h.hash, 32);
        c->kv->batch_put(p->batch, key, 33, v, 44);
    }
    uint8_t nk[9] = {'H'};
    be64(nk + 1, h.number);
    c->kv->batch_put(p->batch, nk, 9, h.hash, 32);
    uint8_t hv[40];
    be64(hv, h.number);
    memcpy(hv + 8, h.hash, 32);
    c->kv->batch_put(p->batch, "head", 4, hv, 40);
    zg_rlp_buf_free(&rb);
    ch_state_free(bc.st);
    free_build(&bc);
    c->prop = p;
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    out->height = h.number;
    memcpy(out->hash, h.hash, 32);
    memcpy(out->parent_hash, h.parent_hash, 32);
    out->timestamp = h.timestamp;
    out->data = p->enc.data;
    out->len = p->enc.len;
    return ZG_OK;
fail:
    zg_rlp_buf_free(&rb);
    ch_state_free(bc.st);
    free_build(&bc);
    if (p) {
        if (p->batch) c->kv->batch_free(p->batch);
        zg_rlp_buf_free(&p->enc);
        free(p);
    }
    zg_trie_reset(c->head_trie, parent->state_root);
    if (rc != ZG_ENOTFOUND) CH_LOG(c, ZG_LOG_ERROR, "building block %llu failed (status %d)",
                                   (unsigned long long)h.number, rc);
    return rc;
}

int ch_propose(chain *c, uint64_t ts, unsigned flags, zg_cons_block *out)
{
    discard_proposal(c);
    if (!(flags & ZG_CONS_ALLOW_EMPTY) && mp_executable(c->mp) == 0) return ZG_ENOTFOUND;
    const ch_header *parent = &c->head;
    ch_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.parent_hash, parent->hash, 32);
    memcpy(h.ommers_hash, ommers_empty, 32);
    memcpy(h.coinbase, c->coinbase, 20);
    h.number = parent->number + 1;
    h.gas_limit = c->gas_limit;
    uint64_t t = (uint64_t)((int64_t)ts + c->time_offset);
    if (c->next_timestamp) {
        t = c->next_timestamp;
        c->next_timestamp = 0;
    }
    h.timestamp = t > parent->timestamp ? t : parent->timestamp + 1;
    uint8_t seed[40];
    memcpy(seed, parent->hash, 32);
    be64(seed + 32, h.number);
    zg_keccak256(seed, sizeof seed, h.mix_hash);
    ch_next_base_fee(parent, &h.base_fee);
    memcpy(h.withdrawals_root, zg_trie_empty_root, 32);
    return build_block(c, h, NULL, 0, flags, out);
}

/* Replay a block built elsewhere (another validator) on the head: its
 * transactions must all execute and reproduce its header exactly.  On
 * success c->prop holds it, ready for ch_commit. */
static int replay(chain *c, const zg_cons_block *b)
{
    discard_proposal(c);
    zg_rlp_item it, hd, txs, e;
    zg_rlp_iter iter;
    if (!b->data || zg_rlp_decode(b->data, b->len, &it, NULL) != ZG_OK || !it.is_list) return ZG_EINVAL;
    zg_rlp_iter_init(&iter, &it);
    if (zg_rlp_iter_next(&iter, &hd, NULL) != 1 || zg_rlp_iter_next(&iter, &txs, NULL) != 1 || !txs.is_list)
        return ZG_EINVAL;
    ch_header h;
    if (ch_header_decode(hd.raw, hd.raw_len, &h) != ZG_OK) return ZG_EINVAL;
    zg_u256 base;
    ch_next_base_fee(&c->head, &base);
    if (memcmp(h.hash, b->hash, 32) || memcmp(h.parent_hash, c->head.hash, 32) || h.number != c->head.number + 1 ||
        h.timestamp <= c->head.timestamp || !zg_u256_eq(&h.base_fee, &base) || h.gas_limit != c->gas_limit ||
        h.excess_blob_gas != 0) {
        CH_LOG(c, ZG_LOG_WARN, "invalid block %llu: header does not follow the head", (unsigned long long)h.number);
        return ZG_EINVAL;
    }
    int n = zg_rlp_list_count(&txs);
    if (n < 0) return ZG_EINVAL;
    zg_tx *list = calloc((size_t)n + 1, sizeof *list);
    if (!list) return ZG_ENOMEM;
    int rc = ZG_OK, k = 0;
    zg_rlp_iter_init(&iter, &txs);
    while (rc == ZG_OK && zg_rlp_iter_next(&iter, &e, NULL) == 1) {
        zg_tx_init(&list[k]);
        const uint8_t *raw = e.is_list ? e.raw : e.data;
        size_t rl = e.is_list ? e.raw_len : e.len;
        if (zg_tx_parse(raw, rl, c->chain_id, ZG_TX_COPY, &list[k]) != ZG_TX_OK) rc = ZG_EINVAL;
        k++;
    }
    zg_cons_block out;
    if (rc == ZG_OK) rc = build_block(c, h, list, (size_t)k, ZG_CONS_ALLOW_EMPTY, &out);
    for (int i = 0; i < k; i++) zg_tx_free(&list[i]);
    free(list);
    if (rc == ZG_OK && memcmp(c->prop->h.hash, b->hash, 32) != 0) {
        CH_LOG(c, ZG_LOG_WARN, "invalid block %llu: executing it gives another header", (unsigned long long)h.number);
        discard_proposal(c);
        rc = ZG_EINVAL;
    }
    return rc;
}

int ch_describe(chain *c, const uint8_t *data, size_t len, zg_cons_block *out)
{
    (void)c;
    zg_rlp_item it, hd;
    zg_rlp_iter iter;
    ch_header h;
    if (!data || zg_rlp_decode(data, len, &it, NULL) != ZG_OK || !it.is_list) return ZG_EINVAL;
    zg_rlp_iter_init(&iter, &it);
    if (zg_rlp_iter_next(&iter, &hd, NULL) != 1 || ch_header_decode(hd.raw, hd.raw_len, &h) != ZG_OK) return ZG_EINVAL;
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    out->height = h.number;
    memcpy(out->hash, h.hash, 32);
    memcpy(out->parent_hash, h.parent_hash, 32);
    out->timestamp = h.timestamp;
    memcpy(out->proposer, h.coinbase, 20);
    out->data = data;
    out->len = len;
    return ZG_OK;
}

int ch_raw_block(chain *c, const uint8_t hash[32], zg_rlp_buf *out)
{
    ch_header h;
    int rc = ch_read_header(c, hash, &h);
    if (rc != ZG_OK) return rc;
    uint8_t key[33] = {'b'};
    memcpy(key + 1, hash, 32);
    uint8_t *body;
    size_t blen;
    if ((rc = kv_get_copy(c, key, 33, &body, &blen)) != ZG_OK) return rc == ZG_ENOTFOUND ? ZG_ECORRUPT : rc;
    zg_rlp_item bi;
    if (zg_rlp_decode(body, blen, &bi, NULL) != ZG_OK || !bi.is_list) {
        free(body);
        return ZG_ECORRUPT;
    }
    zg_rlp_buf hb;
    zg_rlp_buf_init(&hb);
    ch_header_encode(&h, &hb);
    zg_rlp_list_begin(out);
    zg_rlp_put_raw(out, hb.data, hb.len);
    zg_rlp_put_raw(out, bi.data, bi.len);
    zg_rlp_list_end(out);
    zg_rlp_buf_free(&hb);
    free(body);
    return out->oom ? ZG_ENOMEM : ZG_OK;
}

int ch_validate(chain *c, const zg_cons_block *b)
{
    int rc = replay(c, b);
    discard_proposal(c);
    return rc;
}

int ch_commit(chain *c, const zg_cons_block *b)
{
    ch_pending_block *p = c->prop;
    if (!p || memcmp(p->h.hash, b->hash, 32) != 0) {
        /* a block from another proposer: execute it first */
        int rc = replay(c, b);
        if (rc != ZG_OK) return rc;
        p = c->prop;
    }
    pthread_rwlock_wrlock(&c->lock); /* readers see the old head and store, or the new */
    int rc = c->kv->batch_write(c->db, p->batch, c->sync_writes ? ZG_KV_SYNC : 0);
    if (rc != ZG_OK) {
        pthread_rwlock_unlock(&c->lock);
        CH_LOG(c, ZG_LOG_ERROR, "writing block %llu failed (status %d)", (unsigned long long)p->h.number, rc);
        discard_proposal(c);
        return rc;
    }
    c->head = p->h;
    pthread_rwlock_unlock(&c->lock);
    c->kv->batch_free(p->batch);
    p->batch = NULL;
    size_t ntx = p->ntx;
    zg_rlp_buf_free(&p->enc);
    free(p);
    c->prop = NULL;
    c->h->metric_add(c->m_blocks, 1);
    c->h->metric_add(c->m_txs, (double)ntx);
    mp_on_block(c->mp);
    /* polled block/log filters read the chain when polled; only
     * subscriptions need the block now */
    if (ch_filters_active(c->filters)) {
        ch_block blk;
        if (ch_read_block(c, c->head.hash, 1, &blk) == ZG_OK) {
            ch_filters_on_block(c->filters, &blk);
            ch_block_free(&blk);
        }
    }
    if (c->h->log_enabled(c->ctx, ZG_LOG_DEBUG)) {
        char hx[65];
        zg_hex_encode(c->head.hash, 32, hx);
        CH_LOG(c, ZG_LOG_DEBUG, "block %llu 0x%.16s... %zu tx, gas %llu", (unsigned long long)c->head.number, hx,
               ntx, (unsigned long long)c->head.gas_used);
    }
    return ZG_OK;
}


/* ---------------------------------------------------------------- open, rewind */

static int read_head(chain *c, uint64_t *number, uint8_t hash[32])
{
    void *v;
    size_t vl;
    int rc = c->kv->get(c->db, NULL, "head", 4, &v, &vl);
    if (rc != ZG_OK) return rc;
    if (vl != 40) {
        c->kv->free_value(c->db, v);
        return ZG_ECORRUPT;
    }
    *number = rd64(v);
    memcpy(hash, (uint8_t *)v + 8, 32);
    c->kv->free_value(c->db, v);
    return ZG_OK;
}

int ch_ledger_open(chain *c)
{
    int rc = c->kv->open(c->kv_state, c->db_name, &c->db);
    if (rc != ZG_OK) {
        CH_LOG(c, ZG_LOG_ERROR, "cannot open kv database '%s' (status %d)", c->db_name, rc);
        return rc;
    }
    /* genesis from config, always rebuilt to check it matches the datadir */
    zg_kv_batch *b = c->kv->batch_new(c->db);
    if (!b) return ZG_ENOMEM;
    ch_header g;
    rc = ch_genesis_build(c, &g, b);
    if (rc != ZG_OK) {
        c->kv->batch_free(b);
        return rc;
    }
    c->genesis = g;
    uint64_t n;
    uint8_t hash[32];
    rc = read_head(c, &n, hash);
    if (rc == ZG_ENOTFOUND) {
        uint8_t key[33] = {'h'};
        memcpy(key + 1, g.hash, 32);
        zg_rlp_buf rb;
        zg_rlp_buf_init(&rb);
        ch_header_encode(&g, &rb);
        c->kv->batch_put(b, key, 33, rb.data, rb.len);
        zg_rlp_buf_reset(&rb);
        /* empty body and receipts */
        zg_rlp_list_begin(&rb);
        for (int i = 0; i < 3; i++) {
            zg_rlp_list_begin(&rb);
            zg_rlp_list_end(&rb);
        }
        zg_rlp_list_end(&rb);
        key[0] = 'b';
        c->kv->batch_put(b, key, 33, rb.data, rb.len);
        zg_rlp_buf_reset(&rb);
        zg_rlp_list_begin(&rb);
        zg_rlp_list_end(&rb);
        key[0] = 'r';
        c->kv->batch_put(b, key, 33, rb.data, rb.len);
        zg_rlp_buf_free(&rb);
        uint8_t nk[9] = {'H'};
        c->kv->batch_put(b, nk, 9, g.hash, 32);
        uint8_t hv[40] = {0};
        memcpy(hv + 8, g.hash, 32);
        c->kv->batch_put(b, "head", 4, hv, 40);
        rc = c->kv->batch_write(c->db, b, ZG_KV_SYNC);
        c->kv->batch_free(b);
        if (rc != ZG_OK) return rc;
        c->head = g;
        char hx[65];
        zg_hex_encode(g.hash, 32, hx);
        CH_LOG(c, ZG_LOG_INFO, "new chain %llu: genesis 0x%s", (unsigned long long)c->chain_id, hx);
    } else if (rc == ZG_OK) {
        c->kv->batch_free(b);
        uint8_t stored[32];
        uint8_t nk[9] = {'H'};
        void *v;
        size_t vl;
        if (c->kv->get(c->db, NULL, nk, 9, &v, &vl) != ZG_OK) return ZG_ECORRUPT;
        memcpy(stored, v, vl == 32 ? 32 : 0);
        c->kv->free_value(c->db, v);
        if (vl != 32 || memcmp(stored, g.hash, 32) != 0) {
            char a[65], bb[65];
            zg_hex_encode(stored, 32, a);
            zg_hex_encode(g.hash, 32, bb);
            CH_LOG(c, ZG_LOG_ERROR,
                   "the datadir holds a chain with genesis 0x%s but the config gives 0x%s (chain id, gas limit, "
                   "alloc or dev accounts changed?): use another datadir",
                   a, bb);
            return ZG_EINVAL;
        }
        memset(&c->head, 0, sizeof c->head);
        if ((rc = ch_read_header(c, hash, &c->head)) != ZG_OK) {
            CH_LOG(c, ZG_LOG_ERROR, "head block %llu unreadable (status %d)", (unsigned long long)n, rc);
            return rc;
        }
        CH_LOG(c, ZG_LOG_INFO, "chain %llu: head at block %llu", (unsigned long long)c->chain_id,
               (unsigned long long)c->head.number);
    } else {
        c->kv->batch_free(b);
        return rc;
    }
    return zg_trie_open(&c->head_trie, c->kv, c->db, c->head.state_root, ZG_TRIE_SECURE | ZG_TRIE_TRUSTED);
}

void ch_ledger_close(chain *c)
{
    discard_proposal(c);
    if (c->head_trie) zg_trie_free(c->head_trie);
    c->head_trie = NULL;
    if (c->db) {
        c->kv->flush(c->db);
        c->kv->close(c->db);
    }
    c->db = NULL;
}

int ch_rewind(chain *c, uint64_t number)
{
    if (number > c->head.number) return ZG_EINVAL;
    if (number == c->head.number) return ZG_OK;
    discard_proposal(c);
    uint8_t hash[32];
    int rc = ch_canonical_hash(c, number, hash);
    if (rc != ZG_OK) return rc;
    ch_header nh;
    if ((rc = ch_read_header(c, hash, &nh)) != ZG_OK) return rc;
    zg_kv_batch *b = c->kv->batch_new(c->db);
    if (!b) return ZG_ENOMEM;
    for (uint64_t n = number + 1; n <= c->head.number; n++) {
        uint8_t bh[32];
        if (ch_canonical_hash(c, n, bh) != ZG_OK) continue;
        ch_block blk;
        if (ch_read_block(c, bh, 0, &blk) == ZG_OK) {
            for (size_t i = 0; i < blk.ntx; i++) {
                uint8_t key[33] = {'t'};
                memcpy(key + 1, blk.txs[i].hash, 32);
                c->kv->batch_del(b, key, 33);
            }
            ch_block_free(&blk);
        }
        uint8_t nk[9] = {'H'};
        be64(nk + 1, n);
        c->kv->batch_del(b, nk, 9);
    }
    uint8_t hv[40];
    be64(hv, number);
    memcpy(hv + 8, hash, 32);
    c->kv->batch_put(b, "head", 4, hv, 40);
    pthread_rwlock_wrlock(&c->lock);
    rc = c->kv->batch_write(c->db, b, c->sync_writes ? ZG_KV_SYNC : 0);
    if (rc == ZG_OK) c->head = nh;
    pthread_rwlock_unlock(&c->lock);
    c->kv->batch_free(b);
    if (rc != ZG_OK) return rc;
    zg_trie_reset(c->head_trie, nh.state_root);
    mp_on_block(c->mp);
    return ZG_OK;
}

int ch_seal_now(chain *c, uint64_t ts)
{
    if (!c->cons || !c->cons->seal_now) return ZG_EUNSUPPORTED;
    return c->cons->seal_now(c->cons_state, ts);
}
