/* rpc_dev.c — development conveniences: the node holds the dev accounts'
 * keys (eth_accounts, eth_sendTransaction, eth_signTransaction, eth_sign,
 * personal_sign, eth_signTypedData_v4) and controls time and blocks
 * (evm_mine, evm_snapshot, evm_revert, evm_increaseTime,
 * evm_setNextBlockTimestamp, evm_setAutomine, evm_setIntervalMining), as
 * anvil and the Hardhat network do.  Registered only with dev = true. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include <zg/secp.h>
#include "chain.h"

#define P(i) (json_is_array(params) ? json_array_get(params, (i)) : NULL)

const ch_devacct *ch_find_account(chain *c, const uint8_t addr[20])
{
    for (size_t i = 0; i < c->naccts; i++)
        if (memcmp(c->accts[i].addr, addr, 20) == 0) return &c->accts[i];
    return NULL;
}

static json_t *m_accounts(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    json_t *a = json_array();
    for (size_t i = 0; i < c->naccts; i++) json_array_append_new(a, ch_json_addr(c->accts[i].addr));
    return a;
}

static const ch_devacct *need_account(chain *c, const json_t *j, zg_rpc_error *err)
{
    uint8_t a[20];
    if (ch_get_addr(j, a) != ZG_OK) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid address: expected a 20-byte hex address");
        return NULL;
    }
    const ch_devacct *d = ch_find_account(c, a);
    if (!d) ch_err(err, -32000, "unknown account");
    return d;
}

/* build and sign a transaction from a call object; raw encoding into out */
static int build_signed(chain *c, const json_t *obj, zg_rlp_buf *out, zg_tx *tx, zg_rpc_error *err)
{
    ch_callargs a;
    if (ch_parse_callargs(obj, &a, err) != ZG_OK) return ZG_EINVAL;
    int rc = ZG_EINVAL;
    ch_state *st = NULL;
    const ch_devacct *acct = NULL;
    if (!a.has_from) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "missing \"from\": the sending account is required");
        goto out;
    }
    acct = ch_find_account(c, a.from);
    if (!acct) {
        ch_err(err, -32000, "unknown account");
        goto out;
    }
    if (a.has_chain_id && a.chain_id != c->chain_id) {
        ch_err(err, -32000, "chainId does not match node's (have=%llu, want=%llu)", (unsigned long long)a.chain_id,
               (unsigned long long)c->chain_id);
        goto out;
    }
    if (ch_state_at(c, &c->head, &st) != ZG_OK) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "cannot open state");
        goto out;
    }
    zg_tx_init(tx);
    tx->has_chain_id = 1;
    tx->chain_id = c->chain_id;
    tx->has_to = (uint8_t)a.has_to;
    memcpy(tx->to, a.to, 20);
    tx->value = a.value;
    tx->data = a.data;
    tx->data_len = a.data_len;
    tx->access_list = a.access;
    tx->access_list_len = a.naccess;
    for (size_t i = 0; i < a.naccess; i++) tx->access_keys_total += a.access[i].nkeys;
    if (a.has_nonce)
        tx->nonce = a.nonce;
    else {
        zg_exec_account acc;
        uint64_t n = 0;
        if (ch_state_account(st, a.from, &acc, NULL) == ZG_OK) n = acc.nonce;
        tx->nonce = mp_pending_nonce(c->mp, a.from, n);
    }
    zg_u256 base;
    ch_next_base_fee(&c->head, &base);
    int legacy = a.has_gas_price || (a.has_type && a.type < ZG_TX_DYNAMIC_FEE);
    if (legacy) {
        tx->type = (a.naccess || (a.has_type && a.type == ZG_TX_ACCESS_LIST)) ? ZG_TX_ACCESS_LIST : ZG_TX_LEGACY;
        zg_u256 price = a.gas_price;
        if (!a.has_gas_price) {
            zg_u256 tip = zg_u256_from_u64(c->min_priority_fee);
            zg_u256_add(&price, &base, &tip);
        }
        tx->gas_price = tx->max_fee_per_gas = tx->max_priority_fee_per_gas = price;
    } else {
        tx->type = ZG_TX_DYNAMIC_FEE;
        zg_u256 tip = a.has_tip ? a.tip : zg_u256_from_u64(c->min_priority_fee);
        zg_u256 cap;
        if (a.has_max_fee)
            cap = a.max_fee;
        else {
            zg_u256_add(&cap, &base, &base);
            zg_u256_add(&cap, &cap, &tip);
        }
        if (zg_u256_gt(&tip, &cap)) tip = cap;
        tx->max_fee_per_gas = tx->gas_price = cap;
        tx->max_priority_fee_per_gas = tip;
    }
    if (a.has_gas)
        tx->gas_limit = a.gas;
    else {
        ch_callargs e = a; /* estimate without the price: a free call at head */
        e.has_gas_price = e.has_max_fee = e.has_tip = 0;
        if (ch_estimate(c, st, &c->head, &e, &tx->gas_limit, err) != ZG_OK) goto out;
    }
    if (zg_tx_sign(tx, acct->key) != ZG_OK) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "signing failed");
        goto out;
    }
    zg_rlp_buf_init(out);
    if (zg_tx_encode(tx, out) != ZG_OK) {
        zg_rlp_buf_free(out);
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "encoding failed");
        goto out;
    }
    rc = ZG_OK;
out:
    ch_state_free(st);
    /* tx points into a's buffers: the caller only uses out (and tx fields
     * that are not pointers) after this */
    tx->data = NULL, tx->data_len = 0, tx->access_list = NULL, tx->access_list_len = 0;
    ch_callargs_free(&a);
    return rc;
}

static json_t *m_send_tx(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    zg_rlp_buf raw;
    zg_tx tx;
    if (build_signed(c, P(0), &raw, &tx, err) != ZG_OK) return NULL;
    json_t *r = ch_submit_raw(c, raw.data, raw.len, err);
    zg_rlp_buf_free(&raw);
    return r;
}

/* The signed transaction's raw bytes, as anvil and the Hardhat network
 * answer: viem's and ethers' JSON-RPC signers hand this result straight to
 * eth_sendRawTransaction (geth's {raw, tx} object would reach it as is). */
static json_t *m_sign_tx(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    zg_rlp_buf raw;
    zg_tx tx;
    if (build_signed(c, P(0), &raw, &tx, err) != ZG_OK) return NULL;
    json_t *r = zg_json_data(raw.data, raw.len);
    zg_rlp_buf_free(&raw);
    return r;
}

static json_t *sign_hash(const ch_devacct *a, const uint8_t h[32], zg_rpc_error *err)
{
    uint8_t sig[65];
    int recid;
    if (zg_secp_sign(h, a->key, sig, sig + 32, &recid) != ZG_OK) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "signing failed");
        return NULL;
    }
    sig[64] = (uint8_t)(27 + recid);
    return zg_json_data(sig, 65);
}

/* EIP-191 personal message: keccak256("\x19Ethereum Signed Message:\n" len msg) */
static json_t *personal(chain *c, const json_t *data, const json_t *addr, zg_rpc_error *err)
{
    const ch_devacct *a = need_account(c, addr, err);
    if (!a) return NULL;
    uint8_t *msg;
    size_t n;
    if (ch_get_bytes(data, &msg, &n) != ZG_OK) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid message: expected 0x-prefixed hex data");
        return NULL;
    }
    char prefix[64];
    int pl = snprintf(prefix, sizeof prefix, "\x19" "Ethereum Signed Message:\n%zu", n);
    zg_keccak_ctx k;
    uint8_t h[32];
    zg_keccak256_init(&k);
    zg_keccak256_update(&k, prefix, (size_t)pl);
    zg_keccak256_update(&k, msg, n);
    zg_keccak256_final(&k, h);
    free(msg);
    return sign_hash(a, h, err);
}

static json_t *m_personal_sign(void *arg, json_t *params, zg_rpc_error *err)
{
    return personal(arg, P(0), P(1), err);
}

static json_t *m_eth_sign(void *arg, json_t *params, zg_rpc_error *err) { return personal(arg, P(1), P(0), err); }

static json_t *m_sign_typed(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    const ch_devacct *a = need_account(c, P(0), err);
    if (!a) return NULL;
    json_t *td = P(1), *own = NULL;
    if (json_is_string(td)) {
        json_error_t je;
        own = json_loads(json_string_value(td), 0, &je);
        if (!own) {
            ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid typed data: %s", je.text);
            return NULL;
        }
        td = own;
    }
    uint8_t h[32];
    char why[200] = "";
    int rc = ch_eip712_hash(td, h, why, sizeof why);
    json_decref(own);
    if (rc != ZG_OK) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid typed data: %s", why[0] ? why : "malformed");
        return NULL;
    }
    return sign_hash(a, h, err);
}

/* ---------------------------------------------------------------- time and blocks */

static int get_u64(const json_t *j, uint64_t *out)
{
    if (json_is_integer(j) && json_integer_value(j) >= 0) {
        *out = (uint64_t)json_integer_value(j);
        return ZG_OK;
    }
    return zg_json_get_quantity_u64(j, out);
}

#define MAX_MINE 10000 /* blocks per call: each is executed and written */

/* seal n blocks: the first at ts (0: as usual), the others interval
 * seconds apart (0: as usual) */
static int mine_blocks(chain *c, uint64_t n, uint64_t ts, uint64_t interval, zg_rpc_error *err)
{
    if (n > MAX_MINE) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "too many blocks: at most %d per call", MAX_MINE);
        return ZG_EINVAL;
    }
    for (uint64_t i = 0; i < n; i++) {
        if (ts && i == 0) c->next_timestamp = ts;
        else if (interval && i > 0) c->next_timestamp = c->head.timestamp + interval;
        int rc = ch_seal_now(c, 0);
        if (rc != ZG_OK) {
            ch_err(err, -32000, rc == ZG_EUNSUPPORTED ? "the consensus engine cannot seal on demand"
                                                     : "sealing the block failed (status %d)",
                   rc);
            return rc;
        }
    }
    return ZG_OK;
}

static json_t *m_mine(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint64_t ts = 0, blocks = 1;
    json_t *p = P(0);
    if (json_is_object(p)) {
        json_t *t = json_object_get(p, "timestamp"), *b = json_object_get(p, "blocks");
        if ((t && get_u64(t, &ts)) || (b && get_u64(b, &blocks))) {
            ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid evm_mine options: {timestamp, blocks} are integers");
            return NULL;
        }
    } else if (p && !json_is_null(p) && get_u64(p, &ts) != ZG_OK) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected a timestamp");
        return NULL;
    }
    return mine_blocks(c, blocks, ts, 0, err) == ZG_OK ? json_string("0x0") : NULL;
}

/* hardhat_mine / anvil_mine [blocks, interval]: `blocks` blocks (default 1),
 * each `interval` seconds (default 1) after the one before */
static json_t *m_hardhat_mine(void *arg, json_t *params, zg_rpc_error *err)
{
    uint64_t blocks = 1, interval = 1;
    json_t *b = P(0), *iv = P(1);
    if ((b && !json_is_null(b) && get_u64(b, &blocks)) || (iv && !json_is_null(iv) && get_u64(iv, &interval))) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid arguments: [blocks, interval] are quantities");
        return NULL;
    }
    return mine_blocks(arg, blocks, 0, interval ? interval : 1, err) == ZG_OK ? json_true() : NULL;
}

static json_t *m_snapshot(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_snapshot *s = realloc(c->snaps, (c->nsnaps + 1) * sizeof *s);
    if (!s) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "out of memory");
        return NULL;
    }
    c->snaps = s;
    ch_snapshot *n = &s[c->nsnaps++];
    n->id = ++c->next_snap_id;
    n->number = c->head.number;
    memcpy(n->hash, c->head.hash, 32);
    n->time_offset = c->time_offset;
    return zg_json_quantity_u64(n->id);
}

static json_t *m_revert(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint64_t id;
    if (get_u64(P(0), &id) != ZG_OK) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected a snapshot id");
        return NULL;
    }
    size_t i = 0;
    while (i < c->nsnaps && c->snaps[i].id != id) i++;
    if (i == c->nsnaps) return json_false();
    ch_snapshot s = c->snaps[i];
    uint8_t canon[32];
    if (s.number > c->head.number || ch_canonical_hash(c, s.number, canon) != ZG_OK || memcmp(canon, s.hash, 32)) {
        c->nsnaps = i;
        return json_false();
    }
    mp_clear(c->mp);
    int rc = ch_rewind(c, s.number);
    if (rc != ZG_OK) {
        ch_err(err, -32000, "revert failed (status %d)", rc);
        return NULL;
    }
    c->time_offset = s.time_offset;
    c->nsnaps = i; /* this snapshot and later ones are used up */
    return json_true();
}

static json_t *m_increase_time(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint64_t s;
    if (get_u64(P(0), &s) != ZG_OK || s > (uint64_t)1 << 40) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected a number of seconds");
        return NULL;
    }
    c->time_offset += (int64_t)s;
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)c->time_offset);
    return json_string(buf);
}

static json_t *m_set_next_ts(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint64_t t;
    if (get_u64(P(0), &t) != ZG_OK) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected a timestamp");
        return NULL;
    }
    if (t <= c->head.timestamp) {
        ch_err(err, -32000, "timestamp %llu is not after the latest block's %llu", (unsigned long long)t,
               (unsigned long long)c->head.timestamp);
        return NULL;
    }
    c->next_timestamp = t;
    /* later blocks follow the clock from there */
    c->time_offset = (int64_t)t - (int64_t)time(NULL);
    return json_null();
}

static json_t *set_mode(chain *c, const char *mode, uint64_t ms, zg_rpc_error *err)
{
    if (!c->cons || !c->cons->set_mode || c->cons->set_mode(c->cons_state, mode, ms) != ZG_OK) {
        ch_err(err, -32000, "the consensus engine cannot switch to %s mining", mode);
        return NULL;
    }
    return json_true();
}

static json_t *m_set_automine(void *arg, json_t *params, zg_rpc_error *err)
{
    json_t *b = P(0);
    if (!json_is_boolean(b)) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected a boolean");
        return NULL;
    }
    return set_mode(arg, json_is_true(b) ? "instant" : "manual", 0, err);
}

static json_t *m_set_interval(void *arg, json_t *params, zg_rpc_error *err)
{
    uint64_t ms;
    if (get_u64(P(0), &ms) != ZG_OK) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected milliseconds");
        return NULL;
    }
    return set_mode(arg, ms ? "interval" : "manual", ms, err);
}

int ch_rpc_dev_register(chain *c)
{
    static const struct {
        const char *name;
        zg_rpc_fn fn;
    } m[] = {
        {"eth_accounts", m_accounts},
        {"eth_sendTransaction", m_send_tx},
        {"eth_signTransaction", m_sign_tx},
        {"eth_sign", m_eth_sign},
        {"personal_sign", m_personal_sign},
        {"eth_signTypedData_v4", m_sign_typed},
        {"evm_mine", m_mine},
        {"hardhat_mine", m_hardhat_mine},
        {"anvil_mine", m_hardhat_mine},
        {"evm_snapshot", m_snapshot},
        {"evm_revert", m_revert},
        {"evm_increaseTime", m_increase_time},
        {"evm_setNextBlockTimestamp", m_set_next_ts},
        {"evm_setAutomine", m_set_automine},
        {"evm_setIntervalMining", m_set_interval},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        int rc = c->h->rpc_register(c->ctx, m[i].name, m[i].fn, c, 0);
        if (rc != ZG_OK) return rc;
    }
    return ZG_OK;
}
