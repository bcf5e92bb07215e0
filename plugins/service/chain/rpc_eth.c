/* rpc_eth.c — the Ethereum JSON-RPC API (execution-apis), answered the way
 * geth answers so that ethers, viem, web3.js and Hardhat work unchanged:
 * same error codes (3 with revert data for reverts, -32000 for rejected
 * transactions), same messages, same JSON shapes. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include "chain.h"

#define P(i) (json_is_array(params) ? json_array_get(params, (i)) : NULL)
#define NPARAMS (json_is_array(params) ? json_array_size(params) : 0)

static json_t *invalid(zg_rpc_error *err, const char *fmt, const char *what)
{
    ch_err(err, ZG_RPC_INVALID_PARAMS, fmt, what);
    return NULL;
}

static json_t *internal(zg_rpc_error *err, int rc)
{
    ch_err(err, ZG_RPC_INTERNAL_ERROR, "internal error (status %d)", rc);
    return NULL;
}

/* ---------------------------------------------------------------- simple */

static json_t *m_client_version(void *arg, json_t *params, zg_rpc_error *err)
{
    return json_string("zgnode/" PACKAGE_VERSION "/chain");
}

static json_t *m_sha3(void *arg, json_t *params, zg_rpc_error *err)
{
    uint8_t *d;
    size_t n;
    if (ch_get_bytes(P(0), &d, &n) != ZG_OK) return invalid(err, "invalid argument 0: %s", "expected hex data");
    uint8_t h[32];
    zg_keccak256(d, n, h);
    free(d);
    return ch_json_h256(h);
}

static json_t *m_net_version(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->chain_id);
    return json_string(buf);
}

static json_t *m_true(void *arg, json_t *params, zg_rpc_error *err) { return json_true(); }
static json_t *m_false(void *arg, json_t *params, zg_rpc_error *err) { return json_false(); }
static json_t *m_zero(void *arg, json_t *params, zg_rpc_error *err) { return json_string("0x0"); }

static json_t *m_chain_id(void *arg, json_t *params, zg_rpc_error *err)
{
    return zg_json_quantity_u64(((chain *)arg)->chain_id);
}

static json_t *m_block_number(void *arg, json_t *params, zg_rpc_error *err)
{
    return zg_json_quantity_u64(((chain *)arg)->head.number);
}

static json_t *m_coinbase(void *arg, json_t *params, zg_rpc_error *err) { return ch_json_addr(((chain *)arg)->coinbase); }

static json_t *m_gas_price(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    zg_u256 base, tip = zg_u256_from_u64(c->min_priority_fee);
    ch_next_base_fee(&c->head, &base);
    zg_u256_add(&base, &base, &tip);
    return ch_json_u256(&base);
}

static json_t *m_max_priority(void *arg, json_t *params, zg_rpc_error *err)
{
    return zg_json_quantity_u64(((chain *)arg)->min_priority_fee);
}

static json_t *m_blob_base_fee(void *arg, json_t *params, zg_rpc_error *err) { return json_string("0x1"); }

/* ---------------------------------------------------------------- fee history */

typedef struct tipw {
    zg_u256 tip;
    uint64_t gas;
} tipw;

static int cmp_tip(const void *a, const void *b) { return zg_u256_cmp(&((const tipw *)a)->tip, &((const tipw *)b)->tip); }

static json_t *m_fee_history(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint64_t count;
    json_t *cnt = P(0);
    if (json_is_integer(cnt) && json_integer_value(cnt) >= 0)
        count = (uint64_t)json_integer_value(cnt);
    else if (zg_json_get_quantity_u64(cnt, &count) != ZG_OK)
        return invalid(err, "invalid argument 0: %s", "blockCount must be a hex quantity");
    if (count > 1024) count = 1024;
    uint64_t newest;
    if (ch_block_number_param(c, P(1), &newest, err) != ZG_OK) return NULL;
    if (newest > c->head.number) newest = c->head.number;
    json_t *pct = P(2);
    size_t np = json_is_array(pct) ? json_array_size(pct) : 0;
    double prev = 0;
    for (size_t i = 0; i < np; i++) {
        json_t *v = json_array_get(pct, i);
        double d = json_number_value(v);
        if (!json_is_number(v) || d < 0 || d > 100 || d < prev)
            return invalid(err, "%s", "invalid reward percentiles: numbers 0..100, increasing");
        prev = d;
    }
    if (count > newest + 1) count = newest + 1;
    uint64_t oldest = newest + 1 - count;
    json_t *base = json_array(), *ratio = json_array(), *blob_base = json_array(), *blob_ratio = json_array();
    json_t *reward = np ? json_array() : NULL;
    ch_header last = {0};
    for (uint64_t n = oldest; count && n <= newest; n++) {
        uint8_t hash[32];
        ch_block b;
        if (ch_canonical_hash(c, n, hash) != ZG_OK || ch_read_block(c, hash, 1, &b) != ZG_OK) {
            json_decref(base), json_decref(ratio), json_decref(blob_base), json_decref(blob_ratio);
            json_decref(reward);
            return internal(err, ZG_ECORRUPT);
        }
        json_array_append_new(base, ch_json_u256(&b.h.base_fee));
        json_array_append_new(ratio, json_real(b.h.gas_limit ? (double)b.h.gas_used / (double)b.h.gas_limit : 0));
        json_array_append_new(blob_base, json_string("0x1"));
        json_array_append_new(blob_ratio, json_real(0));
        if (reward) {
            json_t *row = json_array();
            tipw *tw = calloc(b.ntx + 1, sizeof *tw);
            for (size_t i = 0; tw && i < b.ntx; i++) {
                zg_u256 price;
                if (zg_tx_effective_gas_price(&b.txs[i], &b.h.base_fee, &price) != ZG_OK) price = b.h.base_fee;
                zg_u256_sub(&tw[i].tip, &price, &b.h.base_fee);
                tw[i].gas = b.rcpts[i].gas_used;
            }
            if (tw) qsort(tw, b.ntx, sizeof *tw, cmp_tip);
            for (size_t k = 0; k < np; k++) {
                if (!b.ntx || !tw) {
                    json_array_append_new(row, json_string("0x0"));
                    continue;
                }
                double threshold = json_number_value(json_array_get(pct, k)) / 100.0 * (double)b.h.gas_used;
                uint64_t sum = 0;
                size_t i = 0;
                for (; i < b.ntx; i++) {
                    sum += tw[i].gas;
                    if ((double)sum >= threshold) break;
                }
                if (i >= b.ntx) i = b.ntx - 1;
                json_array_append_new(row, ch_json_u256(&tw[i].tip));
            }
            free(tw);
            json_array_append_new(reward, row);
        }
        last = b.h;
        ch_block_free(&b);
    }
    if (count) {
        zg_u256 next;
        ch_next_base_fee(&last, &next);
        json_array_append_new(base, ch_json_u256(&next));
        json_array_append_new(blob_base, json_string("0x1"));
    }
    json_t *o = json_pack("{s:o,s:o,s:o,s:o,s:o}", "oldestBlock", zg_json_quantity_u64(oldest), "baseFeePerGas", base,
                          "gasUsedRatio", ratio, "baseFeePerBlobGas", blob_base, "blobGasUsedRatio", blob_ratio);
    if (reward) json_object_set_new(o, "reward", reward);
    return o;
}

/* ---------------------------------------------------------------- state reads */

/* decode [address, block] and open the state */
static int addr_state(chain *c, json_t *params, int block_idx, uint8_t addr[20], ch_header *h, ch_state **st,
                      zg_rpc_error *err)
{
    if (ch_get_addr(P(0), addr) != ZG_OK) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected a 20-byte hex address");
        return ZG_EINVAL;
    }
    if (ch_resolve_block(c, P(block_idx), 1, h, err) != ZG_OK) return ZG_EINVAL;
    int rc = ch_state_at(c, h, st);
    if (rc != ZG_OK) ch_err(err, ZG_RPC_INTERNAL_ERROR, "cannot open state (status %d)", rc);
    return rc;
}

static json_t *m_get_balance(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t a[20];
    ch_header h;
    ch_state *st;
    if (addr_state(c, params, 1, a, &h, &st, err) != ZG_OK) return NULL;
    zg_exec_account acc;
    int rc = ch_state_account(st, a, &acc, NULL);
    ch_state_free(st);
    if (rc == ZG_ENOTFOUND) return json_string("0x0");
    if (rc != ZG_OK) return internal(err, rc);
    return ch_json_u256(&acc.balance);
}

static json_t *m_get_tx_count(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t a[20];
    ch_header h;
    ch_state *st;
    if (addr_state(c, params, 1, a, &h, &st, err) != ZG_OK) return NULL;
    zg_exec_account acc;
    int rc = ch_state_account(st, a, &acc, NULL);
    ch_state_free(st);
    uint64_t nonce = 0;
    if (rc == ZG_OK) nonce = acc.nonce;
    else if (rc != ZG_ENOTFOUND) return internal(err, rc);
    json_t *b = P(1);
    if (json_is_string(b) && !strcmp(json_string_value(b), "pending")) nonce = mp_pending_nonce(c->mp, a, nonce);
    return zg_json_quantity_u64(nonce);
}

static json_t *m_get_code(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t a[20];
    ch_header h;
    ch_state *st;
    if (addr_state(c, params, 1, a, &h, &st, err) != ZG_OK) return NULL;
    const uint8_t *code;
    size_t len;
    int rc = ch_state_code(st, a, &code, &len);
    json_t *r = rc == ZG_OK ? zg_json_data(code, len) : NULL;
    ch_state_free(st);
    return r ? r : internal(err, rc);
}

static json_t *m_get_storage(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t a[20], key[32], val[32];
    /* slot: a quantity or 32-byte data */
    json_t *k = P(1);
    size_t n;
    uint8_t tmp[32];
    if (!json_is_string(k)) return invalid(err, "invalid argument 1: %s", "expected a storage slot");
    if (zg_json_get_quantity_be32(k, key) != ZG_OK) {
        if (zg_json_get_data(k, tmp, 32, &n) != ZG_OK) return invalid(err, "invalid argument 1: %s", "expected a storage slot");
        memset(key, 0, 32);
        memcpy(key + 32 - n, tmp, n);
    }
    ch_header h;
    ch_state *st;
    if (addr_state(c, params, 2, a, &h, &st, err) != ZG_OK) return NULL;
    int rc = ch_state_storage(st, a, key, val);
    ch_state_free(st);
    if (rc != ZG_OK) return internal(err, rc);
    return ch_json_h256(val);
}

static json_t *m_get_proof(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t a[20];
    json_t *ks = P(1);
    if (!json_is_array(ks)) return invalid(err, "invalid argument 1: %s", "expected an array of storage keys");
    size_t nk = json_array_size(ks);
    if (nk > 1024) return invalid(err, "invalid argument 1: %s", "at most 1024 storage keys");
    uint8_t(*keys)[32] = calloc(nk + 1, 32);
    if (!keys) return internal(err, ZG_ENOMEM);
    for (size_t i = 0; i < nk; i++) {
        json_t *k = json_array_get(ks, i);
        uint8_t tmp[32];
        size_t n;
        if (zg_json_get_data(k, tmp, 32, &n) == ZG_OK) {
            memcpy(keys[i] + 32 - n, tmp, n);
        } else if (zg_json_get_quantity_be32(k, keys[i]) != ZG_OK) {
            free(keys);
            return invalid(err, "invalid argument 1: %s", "storage keys are hex, up to 32 bytes");
        }
    }
    ch_header h;
    ch_state *st;
    if (addr_state(c, params, 2, a, &h, &st, err) != ZG_OK) {
        free(keys);
        return NULL;
    }
    int rc;
    json_t *r = ch_state_proof(st, a, (const uint8_t(*)[32])keys, nk, &rc);
    ch_state_free(st);
    free(keys);
    return r ? r : internal(err, rc);
}

/* ---------------------------------------------------------------- calls */

json_t *ch_exec_error(const zg_exec_result *res, zg_rpc_error *err)
{
    if (res->status == ZG_EXEC_REVERT) {
        const uint8_t *o = res->output;
        size_t n = res->output_len;
        err->code = 3;
        snprintf(err->message, sizeof err->message, "execution reverted");
        const uint8_t *str;
        size_t len;
        if (n >= 68 && ch_revert_string(o, n, &str, &len)) { /* Error(string) */
            int l = (int)(len > 200 ? 200 : len);
            snprintf(err->message, sizeof err->message, "execution reverted: %.*s", l, (const char *)str);
        } else if (n == 36 && !memcmp(o, "\x4e\x48\x7b\x71", 4)) { /* Panic(uint256) */
            zg_u256 code;
            zg_u256_load_be32(&code, o + 4);
            const char *why = zg_u256_fits_u64(&code) ? ch_panic_reason(code.w[0]) : NULL;
            if (why) snprintf(err->message, sizeof err->message, "execution reverted: %s", why);
        }
        err->data = zg_json_data(o, n);
        return NULL;
    }
    err->code = -32000;
    snprintf(err->message, sizeof err->message, "%s", zg_exec_error_name(res->error));
    return NULL;
}

/* The executor's state view with one twist: the caller is reported as an
 * account without code, as geth skips the EIP-3607 check for calls. */
typedef struct call_view {
    zg_exec_state st;
    const zg_exec_state *inner;
    uint8_t sender[20];
} call_view;

static int cv_account(void *ctx, const uint8_t addr[20], zg_exec_account *out)
{
    call_view *v = ctx;
    int rc = v->inner->get_account(v->inner->ctx, addr, out);
    if (rc == ZG_OK && memcmp(addr, v->sender, 20) == 0) memcpy(out->code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32);
    return rc;
}
static int cv_code(void *ctx, const uint8_t addr[20], const uint8_t **code, size_t *len)
{
    call_view *v = ctx;
    return v->inner->get_code(v->inner->ctx, addr, code, len);
}
static int cv_storage(void *ctx, const uint8_t addr[20], const uint8_t key[32], uint8_t val[32])
{
    call_view *v = ctx;
    return v->inner->get_storage(v->inner->ctx, addr, key, val);
}
static int cv_hash(void *ctx, uint64_t n, uint8_t h[32])
{
    call_view *v = ctx;
    return v->inner->get_block_hash(v->inner->ctx, n, h);
}

int ch_do_call(chain *c, ch_state *st, const ch_header *h, const ch_callargs *a, uint64_t gas, zg_exec_result *res,
               zg_rpc_error *err)
{
    zg_exec_env env;
    ch_exec_env(c, h, &env);
    if (gas > env.gas_limit) env.gas_limit = gas;
    zg_exec_tx tx;
    memset(&tx, 0, sizeof tx);
    tx.struct_size = sizeof tx;
    if (a->has_from) memcpy(tx.sender, a->from, 20);
    tx.has_to = (uint8_t)a->has_to;
    memcpy(tx.to, a->to, 20);
    zg_exec_account acc;
    int rc = ch_state_account(st, tx.sender, &acc, NULL);
    if (rc == ZG_OK) tx.nonce = acc.nonce;
    else if (rc != ZG_ENOTFOUND) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "state read failed (status %d)", rc);
        return rc;
    }
    tx.gas_limit = gas;
    tx.value = a->value;
    tx.data = a->data;
    tx.data_len = a->data_len;
    tx.access_list = a->access;
    tx.access_list_len = a->naccess;
    if (a->has_gas_price) {
        tx.type = a->naccess ? ZG_TX_ACCESS_LIST : ZG_TX_LEGACY;
        tx.gas_price = tx.max_fee_per_gas = tx.max_priority_fee_per_gas = a->gas_price;
    } else if (a->has_max_fee || a->has_tip) {
        tx.type = ZG_TX_DYNAMIC_FEE;
        tx.max_fee_per_gas = a->has_max_fee ? a->max_fee : a->tip;
        tx.max_priority_fee_per_gas = a->has_tip ? a->tip : ZG_U256_ZERO;
        if (!a->has_max_fee) { /* tip only: cap = base fee + tip */
            zg_u256_add(&tx.max_fee_per_gas, &env.base_fee, &a->tip);
        }
        tx.gas_price = tx.max_fee_per_gas;
    } else {
        /* no price given: free call, as geth does (base fee taken as 0) */
        tx.type = ZG_TX_DYNAMIC_FEE;
        env.base_fee = ZG_U256_ZERO;
    }
    call_view v = {.st = {.struct_size = sizeof(zg_exec_state), .get_account = cv_account, .get_code = cv_code,
                          .get_storage = cv_storage, .get_block_hash = cv_hash},
                   .inner = ch_state_exec(st)};
    v.st.ctx = &v;
    memcpy(v.sender, tx.sender, 20);
    memset(res, 0, sizeof *res);
    res->struct_size = sizeof *res;
    zg_executor *ex = ch_executor(c);
    if (!ex) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "cannot open an executor for this thread");
        return ZG_ENOMEM;
    }
    rc = c->exi->execute_tx(ex, &env, &v.st, &tx, res);
    if (rc != ZG_OK) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "execution failed (status %d)", rc);
        return rc;
    }
    return ZG_OK;
}

static int hexbytes(const json_t *j, uint8_t **out, size_t *len) { return ch_get_bytes(j, out, len); }

int ch_apply_overrides(chain *c, ch_state *st, const json_t *ov, zg_rpc_error *err)
{
    (void)c;
    if (!ov || json_is_null(ov)) return ZG_OK;
    if (!json_is_object(ov)) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid state overrides: expected an object keyed by address");
        return ZG_EINVAL;
    }
    const char *k;
    json_t *o;
    json_object_foreach((json_t *)ov, k, o) {
        uint8_t a[20];
        size_t n;
        if (zg_data_decode(k, a, 20, &n) != ZG_OK || n != 20 || !json_is_object(o)) {
            ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid state override for %.60s: expected address -> object", k);
            return ZG_EINVAL;
        }
        json_t *v;
        if ((v = json_object_get(o, "balance"))) {
            zg_u256 b;
            if (ch_get_u256(v, &b) || ch_state_set_balance(st, a, &b)) goto bad;
        }
        if ((v = json_object_get(o, "nonce"))) {
            uint64_t nn;
            if (zg_json_get_quantity_u64(v, &nn) || ch_state_set_nonce(st, a, nn)) goto bad;
        }
        if ((v = json_object_get(o, "code"))) {
            uint8_t *code;
            size_t cl;
            if (hexbytes(v, &code, &cl)) goto bad;
            int rc = ch_state_set_code(st, a, code, cl);
            free(code);
            if (rc) goto bad;
        }
        json_t *state = json_object_get(o, "state"), *diff = json_object_get(o, "stateDiff");
        if (state && diff) {
            ch_err(err, ZG_RPC_INVALID_PARAMS, "account %.60s has both 'state' and 'stateDiff'", k);
            return ZG_EINVAL;
        }
        if (state && ch_state_clear_storage(st, a)) goto bad;
        json_t *slots = state ? state : diff;
        if (slots) {
            if (!json_is_object(slots)) goto bad;
            const char *sk;
            json_t *sv;
            json_object_foreach(slots, sk, sv) {
                uint8_t key[32], val[32];
                if (zg_data_decode(sk, key, 32, &n) != ZG_OK || n != 32 || ch_get_h256(sv, val) ||
                    ch_state_set_storage(st, a, key, val))
                    goto bad;
            }
        }
        continue;
    bad:
        ch_err(err, ZG_RPC_INVALID_PARAMS,
               "invalid state override for %.60s: balance/nonce are quantities, code is hex, state slots are 32-byte hex",
               k);
        return ZG_EINVAL;
    }
    return ZG_OK;
}

static uint64_t call_gas(chain *c, const ch_callargs *a, const ch_header *h)
{
    (void)h;
    if (a->has_gas) return a->gas;
    return c->rpc_gas_cap;
}

static json_t *m_call(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_callargs a;
    if (ch_parse_callargs(P(0), &a, err) != ZG_OK) return NULL;
    ch_header h;
    ch_state *st = NULL;
    json_t *r = NULL;
    if (ch_resolve_block(c, P(1), 1, &h, err) != ZG_OK) goto out;
    if (ch_state_at(c, &h, &st) != ZG_OK) {
        internal(err, ZG_EIO);
        goto out;
    }
    if (ch_apply_overrides(c, st, P(2), err) != ZG_OK) goto out;
    zg_exec_result res;
    if (ch_do_call(c, st, &h, &a, call_gas(c, &a, &h), &res, err) != ZG_OK) goto out;
    if (res.status == ZG_EXEC_SUCCESS)
        r = zg_json_data(res.output, res.output_len);
    else
        ch_exec_error(&res, err);
out:
    ch_state_free(st);
    ch_callargs_free(&a);
    return r;
}

int ch_estimate(chain *c, ch_state *st, const ch_header *h, const ch_callargs *a, uint64_t *out, zg_rpc_error *err)
{
    uint64_t hi = a->has_gas ? a->gas : h->gas_limit;
    if (hi > c->rpc_gas_cap) hi = c->rpc_gas_cap;
    zg_exec_result res;
    if (ch_do_call(c, st, h, a, hi, &res, err) != ZG_OK) return ZG_ERR;
    if (res.status != ZG_EXEC_SUCCESS) {
        if ((res.status == ZG_EXEC_REJECTED && res.error == ZG_EXEC_TXERR_INTRINSIC_GAS) ||
            (res.status == ZG_EXEC_FAILURE && res.error == ZG_EXEC_ERR_OUT_OF_GAS))
            ch_err(err, -32000, "gas required exceeds allowance (%llu)", (unsigned long long)hi);
        else
            ch_exec_error(&res, err);
        return ZG_EINVAL;
    }
    /* binary search for the least gas limit that succeeds; the execution
     * at `hi` consumed hi - gas_left, so anything below fails */
    uint64_t lo = hi - res.gas_left;
    lo = lo ? lo - 1 : 0;
    /* most transactions succeed with exactly what they consumed (plain
     * transfers: 21000); else try consumption plus refund and the 63/64
     * reserve that calls keep back */
    uint64_t consumed = hi - res.gas_left;
    uint64_t guesses[2] = {consumed, (consumed + res.gas_refund + 2300) * 64 / 63};
    for (int g = 0; g < 2; g++) {
        if (guesses[g] >= hi || guesses[g] <= lo) continue;
        if (ch_do_call(c, st, h, a, guesses[g], &res, err) != ZG_OK) return ZG_ERR;
        if (res.status == ZG_EXEC_SUCCESS) {
            hi = guesses[g];
            break;
        }
        lo = guesses[g];
    }
    while (lo + 1 < hi) {
        /* stop when within 1.5% (geth's estimateGasErrorRatio) */
        if ((hi - lo) * 1000 / hi < 15) break;
        uint64_t mid = lo + (hi - lo) / 2;
        if (ch_do_call(c, st, h, a, mid, &res, err) != ZG_OK) return ZG_ERR;
        if (res.status == ZG_EXEC_SUCCESS) hi = mid;
        else lo = mid;
    }
    *out = hi;
    return ZG_OK;
}

static json_t *m_estimate_gas(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_callargs a;
    if (ch_parse_callargs(P(0), &a, err) != ZG_OK) return NULL;
    ch_header h;
    ch_state *st = NULL;
    json_t *r = NULL;
    uint64_t gas;
    if (ch_resolve_block(c, P(1), 1, &h, err) != ZG_OK) goto out;
    if (ch_state_at(c, &h, &st) != ZG_OK) {
        internal(err, ZG_EIO);
        goto out;
    }
    if (ch_apply_overrides(c, st, P(2), err) != ZG_OK) goto out;
    if (ch_estimate(c, st, &h, &a, &gas, err) == ZG_OK) r = zg_json_quantity_u64(gas);
out:
    ch_state_free(st);
    ch_callargs_free(&a);
    return r;
}

/* ---------------------------------------------------------------- transactions */

json_t *ch_submit_raw(chain *c, const uint8_t *raw, size_t len, zg_rpc_error *err)
{
    uint8_t hash[32];
    char why[256];
    int code;
    int rc = mp_add(c->mp, raw, len, hash, why, sizeof why, &code);
    if (rc == ZG_ENOMEM) return internal(err, rc);
    if (rc != ZG_OK) {
        ch_err(err, code, "%s", why);
        return NULL;
    }
    c->h->metric_set(c->m_pool, (double)mp_count(c->mp, NULL));
    if (c->filters) ch_filters_on_pending(c->filters, hash);
    if (c->cons && c->cons->tx_arrived) c->cons->tx_arrived(c->cons_state);
    return ch_json_h256(hash);
}

static json_t *m_send_raw(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    json_t *p = P(0);
    if (!json_is_string(p)) return invalid(err, "invalid argument 0: %s", "expected 0x-prefixed hex transaction bytes");
    if (json_string_length(p) > 2 * CH_MAX_TX_SIZE + 2) {
        ch_err(err, -32000, "oversized data: transaction size %zu, limit %d", (json_string_length(p) - 2) / 2,
               CH_MAX_TX_SIZE);
        return NULL;
    }
    uint8_t *raw;
    size_t len;
    if (ch_get_bytes(p, &raw, &len) != ZG_OK) return invalid(err, "invalid argument 0: %s", "expected 0x-prefixed hex transaction bytes");
    if (!len) {
        free(raw);
        return invalid(err, "invalid argument 0: %s", "empty transaction");
    }
    json_t *r = ch_submit_raw(c, raw, len, err);
    free(raw);
    return r;
}

static json_t *tx_in_block(chain *c, const uint8_t bhash[32], uint32_t idx, int receipt, zg_rpc_error *err)
{
    ch_block b;
    int rc = ch_read_block(c, bhash, 1, &b);
    if (rc != ZG_OK) return rc == ZG_ENOTFOUND ? json_null() : internal(err, rc);
    json_t *r = json_null();
    if (idx < b.ntx) {
        json_decref(r);
        if (receipt) {
            uint32_t first = 0;
            for (uint32_t i = 0; i < idx; i++) first += (uint32_t)b.rcpts[i].nlogs;
            r = ch_json_receipt(c, &b, idx, first);
        } else
            r = ch_json_tx(&b.txs[idx], &b.h, idx, 1);
    }
    ch_block_free(&b);
    return r;
}

static json_t *m_get_tx(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t h[32], bh[32];
    if (ch_get_h256(P(0), h) != ZG_OK) return invalid(err, "invalid argument 0: %s", "expected a 32-byte hex hash");
    uint64_t n;
    uint32_t i;
    int rc = ch_tx_lookup(c, h, &n, &i, bh);
    if (rc == ZG_OK) return tx_in_block(c, bh, i, 0, err);
    if (rc != ZG_ENOTFOUND) return internal(err, rc);
    const mp_tx *t = mp_get(c->mp, h);
    return t ? ch_json_tx(&t->tx, NULL, 0, 0) : json_null();
}

static json_t *m_get_receipt(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t h[32], bh[32];
    if (ch_get_h256(P(0), h) != ZG_OK) return invalid(err, "invalid argument 0: %s", "expected a 32-byte hex hash");
    uint64_t n;
    uint32_t i;
    int rc = ch_tx_lookup(c, h, &n, &i, bh);
    if (rc == ZG_ENOTFOUND) return json_null();
    if (rc != ZG_OK) return internal(err, rc);
    return tx_in_block(c, bh, i, 1, err);
}

/* ---------------------------------------------------------------- blocks */

static json_t *block_json(chain *c, const ch_header *h, int full, zg_rpc_error *err)
{
    ch_block b;
    int rc = ch_read_block(c, h->hash, 1, &b);
    if (rc == ZG_ENOTFOUND) return json_null();
    if (rc != ZG_OK) return internal(err, rc);
    json_t *r = ch_json_block(c, &b, full);
    ch_block_free(&b);
    return r;
}

/* resolve a block by number param (null when beyond the head) */
static int by_number(chain *c, json_t *p, ch_header *h, zg_rpc_error *err, int *missing)
{
    uint64_t n;
    *missing = 0;
    if (ch_block_number_param(c, p, &n, err) != ZG_OK) return ZG_EINVAL;
    uint8_t hash[32];
    if (n > c->head.number || ch_canonical_hash(c, n, hash) != ZG_OK || ch_read_header(c, hash, h) != ZG_OK) {
        *missing = 1;
        return ZG_OK;
    }
    return ZG_OK;
}

static json_t *m_block_by_number(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_header h;
    int missing;
    if (by_number(c, P(0), &h, err, &missing) != ZG_OK) return NULL;
    if (missing) return json_null();
    return block_json(c, &h, json_is_true(P(1)), err);
}

static json_t *m_block_by_hash(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t hash[32];
    if (ch_get_h256(P(0), hash) != ZG_OK) return invalid(err, "invalid argument 0: %s", "expected a 32-byte hex hash");
    ch_header h;
    if (ch_read_header(c, hash, &h) != ZG_OK) return json_null();
    return block_json(c, &h, json_is_true(P(1)), err);
}

static json_t *count_of(chain *c, const ch_header *h, zg_rpc_error *err)
{
    ch_block b;
    int rc = ch_read_block(c, h->hash, 1, &b);
    if (rc != ZG_OK) return rc == ZG_ENOTFOUND ? json_null() : internal(err, rc);
    json_t *r = zg_json_quantity_u64(b.ntx);
    ch_block_free(&b);
    return r;
}

static json_t *m_count_by_number(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_header h;
    int missing;
    if (by_number(c, P(0), &h, err, &missing) != ZG_OK) return NULL;
    return missing ? json_null() : count_of(c, &h, err);
}

static json_t *m_count_by_hash(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t hash[32];
    ch_header h;
    if (ch_get_h256(P(0), hash) != ZG_OK) return invalid(err, "invalid argument 0: %s", "expected a 32-byte hex hash");
    if (ch_read_header(c, hash, &h) != ZG_OK) return json_null();
    return count_of(c, &h, err);
}

static json_t *m_tx_by_number_index(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_header h;
    int missing;
    uint64_t idx;
    if (by_number(c, P(0), &h, err, &missing) != ZG_OK) return NULL;
    if (zg_json_get_quantity_u64(P(1), &idx) != ZG_OK) return invalid(err, "invalid argument 1: %s", "expected a hex index");
    if (missing || idx > UINT32_MAX) return json_null();
    return tx_in_block(c, h.hash, (uint32_t)idx, 0, err);
}

static json_t *m_tx_by_hash_index(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t hash[32];
    uint64_t idx;
    if (ch_get_h256(P(0), hash) != ZG_OK) return invalid(err, "invalid argument 0: %s", "expected a 32-byte hex hash");
    if (zg_json_get_quantity_u64(P(1), &idx) != ZG_OK) return invalid(err, "invalid argument 1: %s", "expected a hex index");
    if (idx > UINT32_MAX) return json_null();
    return tx_in_block(c, hash, (uint32_t)idx, 0, err);
}

static json_t *m_block_receipts(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_header h;
    if (ch_resolve_block(c, P(0), 0, &h, err) != ZG_OK) {
        if (err->code == -32000) return json_null();
        return NULL;
    }
    ch_block b;
    int rc = ch_read_block(c, h.hash, 1, &b);
    if (rc != ZG_OK) return internal(err, rc);
    json_t *a = json_array();
    uint32_t first = 0;
    for (size_t i = 0; i < b.ntx; i++) {
        json_array_append_new(a, ch_json_receipt(c, &b, (uint32_t)i, first));
        first += (uint32_t)b.rcpts[i].nlogs;
    }
    ch_block_free(&b);
    return a;
}

/* ---------------------------------------------------------------- logs */

static json_t *m_get_logs(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_logfilter f;
    if (ch_logfilter_parse(P(0), &f, err) != ZG_OK) return NULL;
    json_t *r = NULL;
    if (f.has_hash) {
        ch_block b;
        int rc = ch_read_block(c, f.block_hash, 1, &b);
        if (rc == ZG_ENOTFOUND) ch_err(err, -32000, "unknown block");
        else if (rc != ZG_OK) internal(err, rc);
        else {
            r = json_array();
            ch_logfilter_block(&f, &b, r);
            ch_block_free(&b);
        }
    } else {
        uint64_t from, to;
        int rc = ch_logfilter_range(c, &f, &from, &to, err);
        if (rc == ZG_ENOTFOUND) r = json_array();
        else if (rc == ZG_OK) r = ch_logs_range(c, &f, from, to, err);
    }
    ch_logfilter_free(&f);
    return r;
}

/* ---------------------------------------------------------------- txpool */

typedef struct pool_acc {
    json_t *pending, *queued;
    size_t np, nq;
} pool_acc;

static void pool_add(void *arg, const mp_tx *t, int executable)
{
    pool_acc *a = arg;
    char addr[43], nonce[24];
    ch_addr_checksum(t->tx.sender, addr);
    snprintf(nonce, sizeof nonce, "%llu", (unsigned long long)t->tx.nonce);
    json_t *grp = executable ? a->pending : a->queued;
    if (!grp) {
        if (executable) a->np++;
        else a->nq++;
        return;
    }
    json_t *m = json_object_get(grp, addr);
    if (!m) {
        m = json_object();
        json_object_set_new(grp, addr, m);
    }
    json_object_set_new(m, nonce, ch_json_tx(&t->tx, NULL, 0, 0));
}

static json_t *m_txpool_status(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    pool_acc a = {0};
    mp_foreach(c->mp, pool_add, &a);
    return json_pack("{s:o,s:o}", "pending", zg_json_quantity_u64(a.np), "queued", zg_json_quantity_u64(a.nq));
}

static json_t *m_txpool_content(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    pool_acc a = {json_object(), json_object(), 0, 0};
    mp_foreach(c->mp, pool_add, &a);
    return json_pack("{s:o,s:o}", "pending", a.pending, "queued", a.queued);
}

/* ---------------------------------------------------------------- register */

/* A concurrent method's handler runs on an HTTP worker thread with the chain
 * lock held for reading (chain.h): it may read the head header, config and
 * the kv store, nothing the loop thread changes without the write lock. */
struct ch_conc_method {
    chain *c;
    zg_rpc_fn fn;
};

static json_t *run_concurrent(void *arg, json_t *params, zg_rpc_error *err)
{
    struct ch_conc_method *m = arg;
    pthread_rwlock_rdlock(&m->c->lock);
    json_t *r = m->fn(m->c, params, err);
    pthread_rwlock_unlock(&m->c->lock);
    return r;
}

int ch_rpc_register(chain *c)
{
    /* conc: reads only the head, config and kv store (no mempool, no head
     * trie; eth_call uses the thread's own executor), so it may run on a
     * worker thread */
    static const struct {
        const char *name;
        zg_rpc_fn fn;
        int conc;
    } m[] = {
        {"web3_clientVersion", m_client_version, 1},
        {"web3_sha3", m_sha3, 1},
        {"net_version", m_net_version, 1},
        {"net_listening", m_true, 1},
        {"net_peerCount", m_zero, 1},
        {"eth_chainId", m_chain_id, 1},
        {"eth_blockNumber", m_block_number, 1},
        {"eth_syncing", m_false, 1},
        {"eth_mining", m_true, 1},
        {"eth_hashrate", m_zero, 1},
        {"eth_coinbase", m_coinbase, 1},
        {"eth_gasPrice", m_gas_price, 1},
        {"eth_maxPriorityFeePerGas", m_max_priority, 1},
        {"eth_blobBaseFee", m_blob_base_fee, 1},
        {"eth_feeHistory", m_fee_history, 1},
        {"eth_getBalance", m_get_balance, 1},
        {"eth_getTransactionCount", m_get_tx_count, 0},
        {"eth_getCode", m_get_code, 1},
        {"eth_getStorageAt", m_get_storage, 1},
        {"eth_getProof", m_get_proof, 0},
        {"eth_call", m_call, 1},
        {"eth_estimateGas", m_estimate_gas, 1},
        {"eth_sendRawTransaction", m_send_raw, 0},
        {"eth_getTransactionByHash", m_get_tx, 0},
        {"eth_getTransactionReceipt", m_get_receipt, 1},
        {"eth_getBlockByNumber", m_block_by_number, 1},
        {"eth_getBlockByHash", m_block_by_hash, 1},
        {"eth_getBlockTransactionCountByNumber", m_count_by_number, 1},
        {"eth_getBlockTransactionCountByHash", m_count_by_hash, 1},
        {"eth_getTransactionByBlockNumberAndIndex", m_tx_by_number_index, 1},
        {"eth_getTransactionByBlockHashAndIndex", m_tx_by_hash_index, 1},
        {"eth_getBlockReceipts", m_block_receipts, 1},
        {"eth_getUncleCountByBlockHash", m_zero, 1},
        {"eth_getUncleCountByBlockNumber", m_zero, 1},
        {"eth_getLogs", m_get_logs, 1},
        {"txpool_status", m_txpool_status, 0},
        {"txpool_content", m_txpool_content, 0},
    };
    size_t nm = sizeof m / sizeof m[0];
    if (!(c->conc = calloc(nm, sizeof *c->conc))) return ZG_ENOMEM;
    for (size_t i = 0; i < nm; i++) {
        int rc;
        if (m[i].conc) {
            c->conc[i] = (struct ch_conc_method){c, m[i].fn};
            rc = c->h->rpc_register(c->ctx, m[i].name, run_concurrent, &c->conc[i], ZG_RPC_CONCURRENT);
        } else {
            rc = c->h->rpc_register(c->ctx, m[i].name, m[i].fn, c, 0);
        }
        if (rc != ZG_OK) return rc;
    }
    return ZG_OK;
}
