/* rpc_util.c — JSON-RPC plumbing shared by the eth_/debug_/evm_ methods:
 * parameter decoding (addresses, hashes, quantities, block parameters with
 * EIP-1898 objects, call objects) and the JSON shapes of blocks,
 * transactions, receipts and logs as geth returns them. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>
#include "chain.h"

void ch_err(zg_rpc_error *err, int code, const char *fmt, ...)
{
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

json_t *ch_json_addr(const uint8_t a[20]) { return zg_json_data(a, 20); }
json_t *ch_json_h256(const uint8_t h[32]) { return zg_json_data(h, 32); }
json_t *ch_json_u256(const zg_u256 *v)
{
    uint8_t be[32];
    zg_u256_store_be32(v, be);
    return zg_json_quantity_be32(be);
}

int ch_get_addr(const json_t *j, uint8_t out[20])
{
    size_t n;
    return zg_json_get_data(j, out, 20, &n) == ZG_OK && n == 20 ? ZG_OK : ZG_EINVAL;
}

int ch_get_h256(const json_t *j, uint8_t out[32])
{
    size_t n;
    return zg_json_get_data(j, out, 32, &n) == ZG_OK && n == 32 ? ZG_OK : ZG_EINVAL;
}

/* quantities: strict hex; a few clients send leading zeros ("0x01"),
 * which geth refuses too, so we do the same */
int ch_get_u256(const json_t *j, zg_u256 *out)
{
    uint8_t be[32];
    if (zg_json_get_quantity_be32(j, be) != ZG_OK) return ZG_EINVAL;
    zg_u256_load_be32(out, be);
    return ZG_OK;
}

int ch_get_bytes(const json_t *j, uint8_t **out, size_t *len)
{
    if (!json_is_string(j)) return ZG_EINVAL;
    size_t sl = json_string_length(j);
    uint8_t *b = malloc(sl / 2 + 1);
    if (!b) return ZG_ENOMEM;
    if (zg_json_get_data(j, b, sl / 2 + 1, len) != ZG_OK) {
        free(b);
        return ZG_EINVAL;
    }
    *out = b;
    return ZG_OK;
}

/* ---- block parameters ---- */

static int tag_number(chain *c, const char *s, uint64_t *out, int *is_pending)
{
    if (is_pending) *is_pending = 0;
    if (!strcmp(s, "latest") || !strcmp(s, "safe") || !strcmp(s, "finalized")) {
        *out = c->head.number;
        return ZG_OK;
    }
    if (!strcmp(s, "pending")) {
        if (is_pending) *is_pending = 1;
        *out = c->head.number;
        return ZG_OK;
    }
    if (!strcmp(s, "earliest")) {
        *out = 0;
        return ZG_OK;
    }
    return zg_quantity_decode_u64(s, out) == ZG_OK ? ZG_OK : ZG_EINVAL;
}

int ch_block_number_param(chain *c, const json_t *p, uint64_t *out, zg_rpc_error *err)
{
    if (!json_is_string(p) || tag_number(c, json_string_value(p), out, NULL) != ZG_OK) {
        ch_err(err, ZG_RPC_INVALID_PARAMS,
               "invalid block number: expected a hex quantity or latest/earliest/pending/safe/finalized");
        return ZG_EINVAL;
    }
    return ZG_OK;
}

int ch_resolve_block(chain *c, const json_t *p, int allow_absent, ch_header *h, zg_rpc_error *err)
{
    uint64_t n;
    uint8_t hash[32];
    if (!p || json_is_null(p)) {
        if (!allow_absent) {
            ch_err(err, ZG_RPC_INVALID_PARAMS, "missing value for required argument: block parameter");
            return ZG_EINVAL;
        }
        *h = c->head;
        return ZG_OK;
    }
    if (json_is_object(p)) { /* EIP-1898 */
        json_t *bh = json_object_get(p, "blockHash"), *bn = json_object_get(p, "blockNumber");
        if ((bh && bn) || (!bh && !bn)) {
            ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid block parameter: give exactly one of blockHash or blockNumber");
            return ZG_EINVAL;
        }
        if (bn) return ch_resolve_block(c, bn, 0, h, err);
        if (ch_get_h256(bh, hash) != ZG_OK) {
            ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid blockHash: expected 32 bytes of hex");
            return ZG_EINVAL;
        }
        int rc = ch_read_header(c, hash, h);
        if (rc != ZG_OK) {
            ch_err(err, -32000, "header for hash not found");
            return ZG_ENOTFOUND;
        }
        json_t *rc_ = json_object_get(p, "requireCanonical");
        if (json_is_true(rc_)) {
            uint8_t canon[32];
            if (ch_canonical_hash(c, h->number, canon) != ZG_OK || memcmp(canon, hash, 32) != 0) {
                ch_err(err, -32000, "hash is not currently canonical");
                return ZG_ENOTFOUND;
            }
        }
        return ZG_OK;
    }
    if (json_is_string(p) && json_string_length(p) == 66) { /* a bare block hash (geth accepts it) */
        if (ch_get_h256(p, hash) == ZG_OK) {
            if (ch_read_header(c, hash, h) != ZG_OK) {
                ch_err(err, -32000, "header for hash not found");
                return ZG_ENOTFOUND;
            }
            return ZG_OK;
        }
    }
    if (ch_block_number_param(c, p, &n, err) != ZG_OK) return ZG_EINVAL;
    if (n > c->head.number) {
        ch_err(err, -32000, "header not found");
        return ZG_ENOTFOUND;
    }
    if (ch_canonical_hash(c, n, hash) != ZG_OK || ch_read_header(c, hash, h) != ZG_OK) {
        ch_err(err, -32000, "header not found");
        return ZG_ENOTFOUND;
    }
    return ZG_OK;
}

/* ---- output shapes ---- */

json_t *ch_json_header(const ch_header *h, size_t size)
{
    static const uint8_t zero8[8];
    json_t *o = json_object();
    json_object_set_new(o, "number", zg_json_quantity_u64(h->number));
    json_object_set_new(o, "hash", ch_json_h256(h->hash));
    json_object_set_new(o, "parentHash", ch_json_h256(h->parent_hash));
    json_object_set_new(o, "sha3Uncles", ch_json_h256(h->ommers_hash));
    json_object_set_new(o, "miner", ch_json_addr(h->coinbase));
    json_object_set_new(o, "stateRoot", ch_json_h256(h->state_root));
    json_object_set_new(o, "transactionsRoot", ch_json_h256(h->tx_root));
    json_object_set_new(o, "receiptsRoot", ch_json_h256(h->receipts_root));
    json_object_set_new(o, "logsBloom", zg_json_data(h->bloom, 256));
    json_object_set_new(o, "difficulty", json_string("0x0"));
    json_object_set_new(o, "totalDifficulty", json_string("0x0"));
    json_object_set_new(o, "gasLimit", zg_json_quantity_u64(h->gas_limit));
    json_object_set_new(o, "gasUsed", zg_json_quantity_u64(h->gas_used));
    json_object_set_new(o, "timestamp", zg_json_quantity_u64(h->timestamp));
    json_object_set_new(o, "extraData", zg_json_data(h->extra, h->extra_len));
    json_object_set_new(o, "mixHash", ch_json_h256(h->mix_hash));
    json_object_set_new(o, "nonce", zg_json_data(memcmp(h->nonce, zero8, 8) ? h->nonce : zero8, 8));
    json_object_set_new(o, "baseFeePerGas", ch_json_u256(&h->base_fee));
    json_object_set_new(o, "withdrawalsRoot", ch_json_h256(h->withdrawals_root));
    json_object_set_new(o, "blobGasUsed", zg_json_quantity_u64(h->blob_gas_used));
    json_object_set_new(o, "excessBlobGas", zg_json_quantity_u64(h->excess_blob_gas));
    json_object_set_new(o, "parentBeaconBlockRoot", ch_json_h256(h->parent_beacon_root));
    if (size) json_object_set_new(o, "size", zg_json_quantity_u64(size));
    return o;
}

json_t *ch_json_tx(const zg_tx *tx, const ch_header *h, uint32_t index, int mined)
{
    json_t *o = json_object();
    if (mined && h) {
        json_object_set_new(o, "blockHash", ch_json_h256(h->hash));
        json_object_set_new(o, "blockNumber", zg_json_quantity_u64(h->number));
        json_object_set_new(o, "transactionIndex", zg_json_quantity_u64(index));
    } else {
        json_object_set_new(o, "blockHash", json_null());
        json_object_set_new(o, "blockNumber", json_null());
        json_object_set_new(o, "transactionIndex", json_null());
    }
    json_object_set_new(o, "hash", ch_json_h256(tx->hash));
    json_object_set_new(o, "from", ch_json_addr(tx->sender));
    json_object_set_new(o, "to", tx->has_to ? ch_json_addr(tx->to) : json_null());
    json_object_set_new(o, "nonce", zg_json_quantity_u64(tx->nonce));
    json_object_set_new(o, "gas", zg_json_quantity_u64(tx->gas_limit));
    json_object_set_new(o, "value", ch_json_u256(&tx->value));
    json_object_set_new(o, "input", zg_json_data(tx->data, tx->data_len));
    json_object_set_new(o, "type", zg_json_quantity_u64(tx->type));
    zg_u256 price = tx->gas_price;
    if (tx->type >= ZG_TX_DYNAMIC_FEE) {
        if (mined && h) zg_tx_effective_gas_price(tx, &h->base_fee, &price);
        else price = tx->max_fee_per_gas;
        json_object_set_new(o, "maxFeePerGas", ch_json_u256(&tx->max_fee_per_gas));
        json_object_set_new(o, "maxPriorityFeePerGas", ch_json_u256(&tx->max_priority_fee_per_gas));
    }
    json_object_set_new(o, "gasPrice", ch_json_u256(&price));
    if (tx->type == ZG_TX_BLOB) {
        json_object_set_new(o, "maxFeePerBlobGas", ch_json_u256(&tx->max_fee_per_blob_gas));
        json_t *bh = json_array();
        for (size_t i = 0; i < tx->blob_hashes_len; i++) json_array_append_new(bh, ch_json_h256(tx->blob_hashes[i]));
        json_object_set_new(o, "blobVersionedHashes", bh);
    }
    if (tx->type >= ZG_TX_ACCESS_LIST) {
        json_t *al = json_array();
        for (size_t i = 0; i < tx->access_list_len; i++) {
            json_t *keys = json_array();
            for (size_t k = 0; k < tx->access_list[i].nkeys; k++)
                json_array_append_new(keys, ch_json_h256(tx->access_list[i].keys[k]));
            json_array_append_new(al, json_pack("{s:o,s:o}", "address", ch_json_addr(tx->access_list[i].address),
                                                "storageKeys", keys));
        }
        json_object_set_new(o, "accessList", al);
        json_object_set_new(o, "yParity", zg_json_quantity_u64(tx->y_parity));
    }
    if (tx->has_chain_id) json_object_set_new(o, "chainId", zg_json_quantity_u64(tx->chain_id));
    json_object_set_new(o, "v", ch_json_u256(&tx->v));
    json_object_set_new(o, "r", zg_json_quantity_be32(tx->r));
    json_object_set_new(o, "s", zg_json_quantity_be32(tx->s));
    return o;
}

json_t *ch_json_log(const ch_log *l, const ch_block *b, uint32_t txi, uint32_t logi)
{
    json_t *topics = json_array();
    for (uint32_t t = 0; t < l->ntopics; t++) json_array_append_new(topics, ch_json_h256(l->topics[t]));
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "address", ch_json_addr(l->address), "topics", topics,
                     "data", zg_json_data(l->data, l->data_len), "blockNumber", zg_json_quantity_u64(b->h.number),
                     "blockHash", ch_json_h256(b->h.hash), "transactionHash", ch_json_h256(b->txs[txi].hash),
                     "transactionIndex", zg_json_quantity_u64(txi), "logIndex", zg_json_quantity_u64(logi),
                     "removed", 0);
}

json_t *ch_json_receipt(chain *c, const ch_block *b, uint32_t i, uint32_t first_log)
{
    (void)c;
    const zg_tx *tx = &b->txs[i];
    const ch_receipt *r = &b->rcpts[i];
    json_t *o = json_object();
    json_object_set_new(o, "transactionHash", ch_json_h256(tx->hash));
    json_object_set_new(o, "transactionIndex", zg_json_quantity_u64(i));
    json_object_set_new(o, "blockHash", ch_json_h256(b->h.hash));
    json_object_set_new(o, "blockNumber", zg_json_quantity_u64(b->h.number));
    json_object_set_new(o, "from", ch_json_addr(tx->sender));
    json_object_set_new(o, "to", tx->has_to ? ch_json_addr(tx->to) : json_null());
    json_object_set_new(o, "cumulativeGasUsed", zg_json_quantity_u64(r->cumulative_gas));
    json_object_set_new(o, "gasUsed", zg_json_quantity_u64(r->gas_used));
    json_object_set_new(o, "contractAddress", r->has_contract ? ch_json_addr(r->contract) : json_null());
    json_t *logs = json_array();
    for (size_t k = 0; k < r->nlogs; k++)
        json_array_append_new(logs, ch_json_log(&r->logs[k], b, i, first_log + (uint32_t)k));
    json_object_set_new(o, "logs", logs);
    uint8_t bloom[256];
    ch_receipt_bloom(r, bloom);
    json_object_set_new(o, "logsBloom", zg_json_data(bloom, 256));
    json_object_set_new(o, "type", zg_json_quantity_u64(r->type));
    json_object_set_new(o, "status", zg_json_quantity_u64(r->status));
    zg_u256 price;
    if (zg_tx_effective_gas_price(tx, &b->h.base_fee, &price) != ZG_OK) price = tx->gas_price;
    json_object_set_new(o, "effectiveGasPrice", ch_json_u256(&price));
    if (r->type == ZG_TX_BLOB) {
        json_object_set_new(o, "blobGasUsed", zg_json_quantity_u64(r->blob_gas_used));
        json_object_set_new(o, "blobGasPrice", json_string("0x1"));
    }
    return o;
}

json_t *ch_json_block(chain *c, const ch_block *b, int full)
{
    (void)c;
    json_t *o = ch_json_header(&b->h, b->size);
    json_t *txs = json_array();
    for (size_t i = 0; i < b->ntx; i++)
        json_array_append_new(txs, full ? ch_json_tx(&b->txs[i], &b->h, (uint32_t)i, 1) : ch_json_h256(b->txs[i].hash));
    json_object_set_new(o, "transactions", txs);
    json_object_set_new(o, "uncles", json_array());
    json_object_set_new(o, "withdrawals", json_array());
    return o;
}

/* ---- call objects ---- */

void ch_callargs_free(ch_callargs *a)
{
    free(a->data);
    free(a->access);
    free(a->keys);
    memset(a, 0, sizeof *a);
}

static int bad(zg_rpc_error *err, const char *field, const char *what)
{
    ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: %s: %s", field, what);
    return ZG_EINVAL;
}

int ch_parse_callargs(const json_t *o, ch_callargs *a, zg_rpc_error *err)
{
    memset(a, 0, sizeof *a);
    if (!json_is_object(o)) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected a transaction object");
        return ZG_EINVAL;
    }
    json_t *v;
    if ((v = json_object_get(o, "from")) && !json_is_null(v)) {
        if (ch_get_addr(v, a->from)) return bad(err, "from", "expected a 20-byte hex address");
        a->has_from = 1;
    }
    if ((v = json_object_get(o, "to")) && !json_is_null(v)) {
        if (ch_get_addr(v, a->to)) return bad(err, "to", "expected a 20-byte hex address");
        a->has_to = 1;
    }
    if ((v = json_object_get(o, "gas")) && !json_is_null(v)) {
        if (zg_json_get_quantity_u64(v, &a->gas)) return bad(err, "gas", "expected a hex quantity");
        a->has_gas = 1;
    }
    if ((v = json_object_get(o, "nonce")) && !json_is_null(v)) {
        if (zg_json_get_quantity_u64(v, &a->nonce)) return bad(err, "nonce", "expected a hex quantity");
        a->has_nonce = 1;
    }
    if ((v = json_object_get(o, "chainId")) && !json_is_null(v)) {
        if (zg_json_get_quantity_u64(v, &a->chain_id)) return bad(err, "chainId", "expected a hex quantity");
        a->has_chain_id = 1;
    }
    if ((v = json_object_get(o, "type")) && !json_is_null(v)) {
        uint64_t t;
        if (zg_json_get_quantity_u64(v, &t) || t > 3) return bad(err, "type", "expected 0x0, 0x1, 0x2 or 0x3");
        a->type = (uint8_t)t;
        a->has_type = 1;
    }
    struct {
        const char *name;
        int *has;
        zg_u256 *out;
    } q[] = {{"gasPrice", &a->has_gas_price, &a->gas_price},
             {"maxFeePerGas", &a->has_max_fee, &a->max_fee},
             {"maxPriorityFeePerGas", &a->has_tip, &a->tip},
             {"value", &a->has_value, &a->value}};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        if ((v = json_object_get(o, q[i].name)) && !json_is_null(v)) {
            if (ch_get_u256(v, q[i].out)) return bad(err, q[i].name, "expected a hex quantity");
            *q[i].has = 1;
        }
    if (a->has_gas_price && (a->has_max_fee || a->has_tip)) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified");
        return ZG_EINVAL;
    }
    json_t *in = json_object_get(o, "input"), *data = json_object_get(o, "data");
    if (in && json_is_null(in)) in = NULL;
    if (data && json_is_null(data)) data = NULL;
    if (in && data && !json_equal(in, data)) {
        ch_err(err, ZG_RPC_INVALID_PARAMS,
               "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass transaction call data");
        return ZG_EINVAL;
    }
    if (!in) in = data;
    if (in) {
        int rc = ch_get_bytes(in, &a->data, &a->data_len);
        if (rc) {
            ch_callargs_free(a);
            return bad(err, "input", "expected 0x-prefixed hex data");
        }
    }
    if ((v = json_object_get(o, "accessList")) && !json_is_null(v)) {
        if (!json_is_array(v)) {
            ch_callargs_free(a);
            return bad(err, "accessList", "expected an array");
        }
        size_t n = json_array_size(v), nk = 0;
        for (size_t i = 0; i < n; i++) nk += json_array_size(json_object_get(json_array_get(v, i), "storageKeys"));
        a->access = calloc(n + 1, sizeof *a->access);
        a->keys = calloc(nk + 1, 32);
        if (!a->access || !a->keys) {
            ch_callargs_free(a);
            ch_err(err, ZG_RPC_INTERNAL_ERROR, "out of memory");
            return ZG_ENOMEM;
        }
        size_t kk = 0;
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_array_get(v, i);
            json_t *sk = json_object_get(e, "storageKeys");
            if (!json_is_object(e) || ch_get_addr(json_object_get(e, "address"), a->access[i].address) ||
                (sk && !json_is_array(sk))) {
                ch_callargs_free(a);
                return bad(err, "accessList", "entries are {address, storageKeys}");
            }
            a->access[i].keys = (const uint8_t(*)[32])a->keys[kk];
            for (size_t k = 0; k < json_array_size(sk); k++)
                if (ch_get_h256(json_array_get(sk, k), a->keys[kk++])) {
                    ch_callargs_free(a);
                    return bad(err, "accessList", "storage keys are 32-byte hex");
                }
            a->access[i].nkeys = json_array_size(sk);
        }
        a->naccess = n;
    }
    return ZG_OK;
}

/* ---- revert data (geth's abi.UnpackRevert) ---- */

const char *ch_panic_reason(uint64_t code)
{
    switch (code) {
    case 0x00: return "generic panic";
    case 0x01: return "assert(false)";
    case 0x11: return "arithmetic underflow or overflow";
    case 0x12: return "division or modulo by zero";
    case 0x21: return "enum overflow";
    case 0x22: return "invalid encoded storage byte array accessed";
    case 0x31: return "out-of-bounds array access; popping on an empty array";
    case 0x32: return "out-of-bounds access of an array or bytesN";
    case 0x41: return "out of memory";
    case 0x51: return "uninitialized function";
    default: return NULL;
    }
}

int ch_revert_string(const uint8_t *d, size_t n, const uint8_t **s, size_t *len)
{
    if (n < 4 + 32 || memcmp(d, "\x08\xc3\x79\xa0", 4) != 0) return 0;
    const uint8_t *b = d + 4;
    size_t bn = n - 4;
    zg_u256 off, l;
    zg_u256_load_be32(&off, b);
    if (!zg_u256_fits_u64(&off) || off.w[0] > bn || bn - off.w[0] < 32) return 0;
    zg_u256_load_be32(&l, b + off.w[0]);
    size_t start = (size_t)off.w[0] + 32;
    if (!zg_u256_fits_u64(&l) || l.w[0] > bn - start) return 0;
    *s = b + start;
    *len = (size_t)l.w[0];
    return 1;
}
