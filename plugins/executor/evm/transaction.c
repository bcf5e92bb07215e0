/* transaction.c — messages and transactions (Cancun):
 *  - evm_message: one call or creation frame with its snapshot: touch,
 *    value transfer, precompile or interpreter, code deposit (EIP-170,
 *    EIP-3541), rollback of state/logs/refund on failure;
 *  - evm_execute_tx: validation against the block and the sender (nonce,
 *    EIP-3607, EIP-1559 fee caps, EIP-4844 blob rules, EIP-3860, balance),
 *    gas purchase, EIP-2929/2930 warm set, execution, EIP-3529 refund,
 *    priority fee to the coinbase, blob fee burn;
 *  - evm_execute_call: a bare message without the transaction rules. */
#include "config.h"
#include <stdlib.h>
#include <zg/keccak.h>
#include <zg/rlp.h>
#include "evm.h"

static const uint8_t ripemd_addr[20] = {[19] = 3};

void evm_create_address(const uint8_t sender[20], uint64_t nonce, uint8_t out[20])
{
    /* keccak(rlp([sender, nonce]))[12:] */
    zg_rlp_buf b;
    uint8_t h[32];
    zg_rlp_buf_init(&b);
    zg_rlp_list_begin(&b);
    zg_rlp_put_bytes(&b, sender, 20);
    zg_rlp_put_u64(&b, nonce);
    zg_rlp_list_end(&b);
    if (b.oom) memset(h, 0, sizeof h); /* unreachable in practice: 30 bytes */
    else zg_keccak256(b.data, b.len, h);
    zg_rlp_buf_free(&b);
    memcpy(out, h + 12, 20);
}

void evm_create2_address(const uint8_t sender[20], const uint8_t salt[32], const uint8_t *code,
                         size_t len, uint8_t out[20])
{
    /* keccak(0xff ++ sender ++ salt ++ keccak(initcode))[12:] */
    uint8_t buf[85], h[32];
    buf[0] = 0xff;
    memcpy(buf + 1, sender, 20);
    memcpy(buf + 21, salt, 32);
    zg_keccak256(code, len, buf + 53);
    zg_keccak256(buf, sizeof buf, h);
    memcpy(out, h + 12, 20);
}

static int run_code(evm_exec *ex, const evm_msg *m, const evm_code *code, evm_result *r)
{
    evm_frame *f = evm_frame_get(ex, m->depth);
    if (!f) {
        ex->oom = 1;
        r->status = ZG_EXEC_ERR_OUT_OF_GAS;
        r->gas_left = 0;
        return r->status;
    }
    if (m->depth > ex->depth_hw) ex->depth_hw = m->depth;
    f->code = code;
    f->self = m->to;
    memmove(f->caller, m->caller, 20);
    f->value = m->value;
    if (m->kind == M_CREATE || m->kind == M_CREATE2) {
        f->input = NULL; /* init code runs with empty call data */
        f->input_len = 0;
    } else {
        f->input = m->input;
        f->input_len = m->input_len;
    }
    f->depth = m->depth;
    f->is_static = m->is_static;
    f->gas_left = m->gas;
    int st;
    if (ex->tracing) {
        st = evm_interpret_traced(f);
        evm_trace_frame_end(ex, f, st);
    } else {
        st = evm_interpret(f);
    }
    r->status = st;
    r->gas_left = f->gas_left;
    if (st == EVM_OK || st == EVM_REVERT) {
        r->out = f->out_len ? f->mem + f->out_off : NULL;
        r->out_len = f->out_len;
    }
    return st;
}

int evm_message(evm_exec *ex, const evm_msg *m, evm_result *r)
{
    const size_t mark = evm_journal_mark(ex), nlogs = ex->nlogs, logdata = ex->logdata_len;
    const int64_t refund = ex->refund;
    const int create = m->kind == M_CREATE || m->kind == M_CREATE2;
    r->status = EVM_OK;
    r->gas_left = m->gas;
    r->out = NULL;
    r->out_len = 0;

    if (create) {
        evm_mark_created(ex, m->to);
        evm_set_nonce(ex, m->to, 1);
    }
    evm_touch(ex, m->to);
    if (m->transfer && !zg_u256_is_zero(&m->value)) {
        /* callers checked the balance */
        evm_sub_balance(ex, m->from, &m->value);
        evm_add_balance(ex, m->to, &m->value);
    }

    if (create) {
        /* init code is analysed for this frame only (not cached) */
        evm_code *c = m->input_len ? evm_analyze(m->input, m->input_len) : NULL;
        if (c) {
            run_code(ex, m, c, r);
            evm_code_free(c); /* r->out points into the frame's memory, not c */
        } else if (m->input_len) {
            ex->oom = 1;
            r->status = ZG_EXEC_ERR_OUT_OF_GAS;
            r->gas_left = 0;
        }
        if (r->status == EVM_OK) {
            /* code deposit */
            int64_t cost = (int64_t)r->out_len * G_CODE_DEPOSIT;
            if (r->out_len && r->out[0] == 0xef)
                r->status = ZG_EXEC_ERR_CODE_PREFIX;
            else if (cost > r->gas_left)
                r->status = ZG_EXEC_ERR_OUT_OF_GAS;
            else if (r->out_len > EVM_MAX_CODE_SIZE)
                r->status = ZG_EXEC_ERR_CODE_SIZE;
            if (r->status == EVM_OK) {
                r->gas_left -= cost;
                evm_set_code(ex, m->to, r->out, r->out_len);
            } else if (EVM_UNLIKELY(ex->tracing)) {
                ex->trace_errtext =
                    r->status == ZG_EXEC_ERR_OUT_OF_GAS ? "contract creation code storage out of gas" : NULL;
            }
            r->out = NULL;
            r->out_len = 0;
            if (r->status != EVM_OK) r->gas_left = 0;
        }
    } else {
        int pid = evm_precompile_id(m->code_from->addr);
        if (pid) {
            uint8_t *out = NULL;
            size_t out_len = 0;
            int64_t gas = m->gas;
            r->status = evm_precompile(ex, pid, m->input, m->input_len, &gas, &out, &out_len);
            r->gas_left = r->status == EVM_OK ? gas : 0;
            r->out = r->status == EVM_OK ? out : NULL;
            r->out_len = r->status == EVM_OK ? out_len : 0;
        } else if (evm_acct_has_code(m->code_from)) {
            const evm_code *c = evm_acct_analysis(ex, m->code_from);
            if (c) {
                run_code(ex, m, c, r);
            } else {
                r->status = ZG_EXEC_ERR_OUT_OF_GAS;
                r->gas_left = 0;
            }
        }
    }

    if (r->status != EVM_OK) {
        evm_journal_revert(ex, mark);
        ex->nlogs = nlogs;
        ex->logdata_len = logdata;
        ex->refund = refund;
        if (r->status != EVM_REVERT) {
            r->gas_left = 0;
            r->out = NULL;
            r->out_len = 0;
        }
        /* Historical exception (mainnet block 2675119): a failed call to the
         * RIPEMD-160 precompile keeps its touch, whatever reverts later. */
        if (!create && memcmp(m->to->addr, ripemd_addr, 20) == 0) m->to->touched = 1;
    }
    return r->status;
}

/* ------------------------------------------------------------ transactions */

static void warm_base(evm_exec *ex, const uint8_t sender[20], evm_acct *target)
{
    evm_warm_acct(ex, evm_acct_get(ex, sender));
    evm_warm_acct(ex, target);
    evm_warm_acct(ex, evm_acct_get(ex, ex->env->coinbase)); /* EIP-3651 */
    /* the precompiles are warm as soon as they are looked at (state.c) */
}

static void result_init(zg_exec_result *r)
{
    memset(r, 0, sizeof *r);
    r->struct_size = sizeof *r;
}

static void result_out(const zg_exec_result *full, zg_exec_result *res)
{
    uint32_t sz = res->struct_size;
    if (sz > sizeof *full || sz < sizeof(uint32_t)) sz = sizeof *full;
    memcpy(res, full, sz);
    res->struct_size = sz;
}

static int finish(evm_exec *ex, zg_exec_result *full, const evm_result *r, int status_ok_logs)
{
    if (r->out_len) {
        if (r->out_len > ex->output_cap) {
            uint8_t *o = realloc(ex->output, r->out_len);
            if (!o) return ZG_ENOMEM;
            ex->output = o;
            ex->output_cap = r->out_len;
        }
        memcpy(ex->output, r->out, r->out_len);
    }
    ex->output_len = r->out_len;
    full->output = ex->output_len ? ex->output : NULL;
    full->output_len = ex->output_len;
    if (status_ok_logs && ex->nlogs) {
        if (ex->nlogs > ex->xlogs_cap) {
            zg_exec_log *l = realloc(ex->xlogs, ex->nlogs * sizeof *l);
            if (!l) return ZG_ENOMEM;
            ex->xlogs = l;
            ex->xlogs_cap = ex->nlogs;
        }
        for (size_t i = 0; i < ex->nlogs; i++) {
            const evm_log *s = &ex->logs[i];
            zg_exec_log *d = &ex->xlogs[i];
            memcpy(d->address, s->addr, 20);
            d->ntopics = s->ntopics;
            d->topics = (const uint8_t(*)[32])s->topics;
            d->data = s->data_len ? ex->logdata + s->data_off : NULL;
            d->data_len = s->data_len;
        }
        full->logs = ex->xlogs;
        full->nlogs = ex->nlogs;
    }
    int rc = evm_collect_changes(ex);
    if (rc) return rc;
    full->changes = ex->changes;
    full->nchanges = ex->nchanges;
    if (ex->host_err) return ex->host_err;
    if (ex->oom) return ZG_ENOMEM;
    return ZG_OK;
}

static int status_of(int st)
{
    return st == EVM_OK ? ZG_EXEC_SUCCESS : st == EVM_REVERT ? ZG_EXEC_REVERT : ZG_EXEC_FAILURE;
}

/* u256 helpers */
static inline int mul_u64(zg_u256 *r, const zg_u256 *a, uint64_t b)
{
    zg_u256 bb = zg_u256_from_u64(b);
    return zg_u256_mul_overflow(r, a, &bb);
}

static int validate(evm_exec *ex, const zg_exec_env *env, const zg_exec_tx *tx, uint64_t intrinsic,
                    zg_u256 *price, evm_acct **sender_out)
{
    if (tx->type > ZG_TX_BLOB) return ZG_EXEC_TXERR_TYPE;
    if (tx->gas_limit > env->gas_limit) return ZG_EXEC_TXERR_GAS_ALLOWANCE;
    if (tx->gas_limit < intrinsic) return ZG_EXEC_TXERR_INTRINSIC_GAS;
    if (tx->gas_limit > (uint64_t)INT64_MAX) return ZG_EXEC_TXERR_GAS_ALLOWANCE;
    if (tx->nonce == UINT64_MAX) return ZG_EXEC_TXERR_NONCE_MAX;
    if (!tx->has_to && tx->data_len > EVM_MAX_INITCODE_SIZE) return ZG_EXEC_TXERR_INITCODE_SIZE;
    zg_u256 max_price;
    if (tx->type >= ZG_TX_DYNAMIC_FEE) {
        if (zg_u256_lt(&tx->max_fee_per_gas, &tx->max_priority_fee_per_gas))
            return ZG_EXEC_TXERR_TIP_ABOVE_FEE_CAP;
        if (zg_u256_lt(&tx->max_fee_per_gas, &env->base_fee)) return ZG_EXEC_TXERR_FEE_CAP_TOO_LOW;
        zg_u256 room, tip;
        zg_u256_sub(&room, &tx->max_fee_per_gas, &env->base_fee);
        tip = zg_u256_lt(&tx->max_priority_fee_per_gas, &room) ? tx->max_priority_fee_per_gas : room;
        zg_u256_add(price, &env->base_fee, &tip);
        max_price = tx->max_fee_per_gas;
    } else {
        if (zg_u256_lt(&tx->gas_price, &env->base_fee)) return ZG_EXEC_TXERR_FEE_CAP_TOO_LOW;
        *price = tx->gas_price;
        max_price = tx->gas_price;
    }
    zg_u256 cost, t;
    if (mul_u64(&cost, &max_price, tx->gas_limit)) return ZG_EXEC_TXERR_INSUFFICIENT_FUNDS;
    if (tx->type == ZG_TX_BLOB) {
        if (!tx->has_to) return ZG_EXEC_TXERR_BLOB_CREATE;
        if (tx->blob_hashes_len == 0) return ZG_EXEC_TXERR_BLOB_NONE;
        if (tx->blob_hashes_len > ZG_TX_MAX_BLOBS) return ZG_EXEC_TXERR_BLOB_TOO_MANY;
        for (size_t i = 0; i < tx->blob_hashes_len; i++)
            if (tx->blob_hashes[i][0] != ZG_TX_BLOB_HASH_VERSION) return ZG_EXEC_TXERR_BLOB_VERSION;
        if (zg_u256_lt(&tx->max_fee_per_blob_gas, &env->blob_base_fee))
            return ZG_EXEC_TXERR_BLOB_FEE_CAP_TOO_LOW;
        if (mul_u64(&t, &tx->max_fee_per_blob_gas, (uint64_t)tx->blob_hashes_len * ZG_TX_GAS_PER_BLOB) ||
            zg_u256_add(&cost, &cost, &t))
            return ZG_EXEC_TXERR_INSUFFICIENT_FUNDS;
    }
    if (zg_u256_add(&cost, &cost, &tx->value)) return ZG_EXEC_TXERR_INSUFFICIENT_FUNDS;
    evm_acct *s = evm_acct_get(ex, tx->sender);
    *sender_out = s;
    if (s->nonce < tx->nonce) return ZG_EXEC_TXERR_NONCE_TOO_HIGH;
    if (s->nonce > tx->nonce) return ZG_EXEC_TXERR_NONCE_TOO_LOW;
    if (zg_u256_lt(&s->balance, &cost)) return ZG_EXEC_TXERR_INSUFFICIENT_FUNDS;
    if (evm_acct_has_code(s)) return ZG_EXEC_TXERR_SENDER_NOT_EOA;
    return 0;
}

int evm_execute_tx(evm_exec *ex, const zg_exec_env *env, const zg_exec_state *st, const zg_exec_tx *tx,
                   zg_exec_result *res)
{
    if (!env || !st || !tx || !res || env->revision != ZG_EXEC_REV_CANCUN) return env && st && tx && res ? ZG_EUNSUPPORTED : ZG_EINVAL;
    zg_exec_result full;
    result_init(&full);
    evm_tx_begin(ex, env, st);

    /* intrinsic gas through the support library's rules */
    zg_tx ztx;
    zg_tx_init(&ztx);
    ztx.type = tx->type;
    ztx.has_to = tx->has_to;
    ztx.data = tx->data;
    ztx.data_len = tx->data_len;
    ztx.access_list = tx->access_list;
    ztx.access_list_len = tx->access_list_len;
    const uint64_t intrinsic = zg_tx_intrinsic_gas(&ztx);

    zg_u256 price;
    evm_acct *sender = NULL;
    int err = validate(ex, env, tx, intrinsic, &price, &sender);
    if (ex->host_err) return ex->host_err;
    if (err) {
        full.status = ZG_EXEC_REJECTED;
        full.error = err;
        ex->nchanges = 0;
        result_out(&full, res);
        return ex->oom ? ZG_ENOMEM : ZG_OK;
    }

    memcpy(ex->origin, tx->sender, 20);
    ex->gas_price = price;
    ex->blob_hashes = tx->blob_hashes;
    ex->nblob_hashes = tx->type == ZG_TX_BLOB ? tx->blob_hashes_len : 0;

    /* buy gas, burn the blob fee, bump the nonce */
    zg_u256 fee, blob_fee = ZG_U256_ZERO;
    mul_u64(&fee, &price, tx->gas_limit);
    uint64_t blob_gas = ex->nblob_hashes * (uint64_t)ZG_TX_GAS_PER_BLOB;
    if (blob_gas) mul_u64(&blob_fee, &env->blob_base_fee, blob_gas);
    zg_u256_add(&fee, &fee, &blob_fee);
    evm_sub_balance(ex, sender, &fee);
    evm_set_nonce(ex, sender, sender->nonce + 1);

    /* the message */
    uint8_t target_addr[20];
    if (tx->has_to)
        memcpy(target_addr, tx->to, 20);
    else
        evm_create_address(tx->sender, tx->nonce, target_addr);
    evm_acct *target = evm_acct_get(ex, target_addr);
    warm_base(ex, tx->sender, target);
    for (size_t i = 0; i < tx->access_list_len; i++) {
        const zg_tx_access *al = &tx->access_list[i];
        evm_acct *a = evm_acct_get(ex, al->address);
        evm_warm_acct(ex, a);
        for (size_t k = 0; k < al->nkeys; k++) {
            zg_u256 key;
            zg_u256_load_be32(&key, al->keys[k]);
            evm_slot_warm(ex, evm_slot_get(ex, a, &key));
        }
    }

    evm_msg m;
    memset(&m, 0, sizeof m);
    m.kind = tx->has_to ? M_CALL : M_CREATE;
    m.depth = 0;
    m.gas = (int64_t)(tx->gas_limit - intrinsic);
    m.to = target;
    m.code_from = target;
    m.from = sender;
    m.caller = sender->addr;
    m.value = tx->value;
    m.transfer = 1;
    m.input = tx->data;
    m.input_len = tx->data_len;
    evm_result r = {EVM_OK, m.gas, NULL, 0};
    if (EVM_UNLIKELY(ex->tracing)) {
        evm_trace_enter(ex, m.kind, 0, tx->sender, target_addr, tx->data, tx->data_len, m.gas, &tx->value);
    }
    if (!tx->has_to && (target->nonce != 0 || evm_acct_has_code(target) || target->has_storage)) {
        r.status = ZG_EXEC_ERR_ADDRESS_COLLISION;
        r.gas_left = 0;
    } else {
        evm_message(ex, &m, &r);
    }
    if (EVM_UNLIKELY(ex->tracing)) {
        evm_trace_message_exit(ex, &m, &r);
        evm_trace_end(ex, &r, (int64_t)tx->gas_limit - r.gas_left);
    }

    /* refund (EIP-3529: at most a fifth of the gas used) */
    uint64_t gas_left = (uint64_t)r.gas_left;
    uint64_t used = tx->gas_limit - gas_left;
    uint64_t refund = 0;
    if (r.status == EVM_OK && ex->refund > 0) refund = (uint64_t)ex->refund < used / 5 ? (uint64_t)ex->refund : used / 5;
    gas_left += refund;
    zg_u256 back;
    mul_u64(&back, &price, gas_left);
    evm_add_balance(ex, sender, &back);
    /* priority fee to the coinbase; the base fee is burnt */
    zg_u256 tip, reward;
    zg_u256_sub(&tip, &price, &env->base_fee);
    mul_u64(&reward, &tip, tx->gas_limit - gas_left);
    evm_acct *cb = evm_acct_get(ex, env->coinbase);
    if (!zg_u256_is_zero(&reward))
        evm_add_balance(ex, cb, &reward);
    else
        evm_touch(ex, cb); /* an empty coinbase is cleared (EIP-158) */

    full.status = status_of(r.status);
    full.error = r.status == EVM_OK || r.status == EVM_REVERT ? ZG_EXEC_ERR_NONE : r.status;
    full.gas_used = tx->gas_limit - gas_left;
    full.gas_refund = refund;
    full.gas_left = (uint64_t)r.gas_left;
    full.blob_gas_used = blob_gas;
    if (r.status == EVM_OK && !tx->has_to) {
        full.has_created = 1;
        memcpy(full.created_address, target_addr, 20);
        /* a creation message returns the deployed code (geth's Create; eth_call
         * of init code relies on it); only the CREATE opcode's result is empty */
        r.out = target->code, r.out_len = target->code_len;
    }
    int rc = finish(ex, &full, &r, r.status == EVM_OK);
    result_out(&full, res);
    return rc;
}

int evm_execute_call(evm_exec *ex, const zg_exec_env *env, const zg_exec_state *st, const zg_exec_msg *msg,
                     zg_exec_result *res)
{
    if (!env || !st || !msg || !res) return ZG_EINVAL;
    if (env->revision != ZG_EXEC_REV_CANCUN) return ZG_EUNSUPPORTED;
    if (msg->gas > (uint64_t)INT64_MAX) return ZG_EINVAL;
    zg_exec_result full;
    result_init(&full);
    evm_tx_begin(ex, env, st);
    memcpy(ex->origin, msg->sender, 20);
    ex->gas_price = msg->gas_price;

    const int create = (msg->flags & ZG_EXEC_MSG_CREATE) != 0;
    evm_acct *sender = evm_acct_get(ex, msg->sender);
    uint8_t target_addr[20];
    if (!create)
        memcpy(target_addr, msg->to, 20);
    else if (msg->flags & ZG_EXEC_MSG_CREATE2)
        evm_create2_address(msg->sender, msg->salt, msg->data, msg->data_len, target_addr);
    else
        evm_create_address(msg->sender, sender->nonce, target_addr);
    evm_acct *target = evm_acct_get(ex, target_addr);
    warm_base(ex, msg->sender, target);

    evm_result r = {EVM_OK, (int64_t)msg->gas, NULL, 0};
    evm_msg m;
    memset(&m, 0, sizeof m);
    m.kind = create ? ((msg->flags & ZG_EXEC_MSG_CREATE2) ? M_CREATE2 : M_CREATE) : M_CALL;
    m.gas = (int64_t)msg->gas;
    m.to = target;
    if (EVM_UNLIKELY(ex->tracing)) {
        evm_trace_enter(ex, m.kind, 0, msg->sender, target_addr, msg->data, msg->data_len, m.gas, &msg->value);
    }
    if (zg_u256_lt(&sender->balance, &msg->value)) {
        r.status = ZG_EXEC_ERR_INSUFFICIENT_BALANCE;
    } else if (create && (sender->nonce == UINT64_MAX || msg->data_len > EVM_MAX_INITCODE_SIZE)) {
        r.status = sender->nonce == UINT64_MAX ? ZG_EXEC_ERR_ADDRESS_COLLISION : ZG_EXEC_ERR_OUT_OF_GAS;
        r.gas_left = 0;
    } else {
        if (create) evm_set_nonce(ex, sender, sender->nonce + 1);
        if (create && (target->nonce != 0 || evm_acct_has_code(target) || target->has_storage)) {
            r.status = ZG_EXEC_ERR_ADDRESS_COLLISION;
            r.gas_left = 0;
        } else {
            m.code_from = target;
            m.from = sender;
            m.caller = sender->addr;
            m.value = msg->value;
            m.transfer = 1;
            m.is_static = !create && (msg->flags & ZG_EXEC_MSG_STATIC);
            m.input = msg->data;
            m.input_len = msg->data_len;
            evm_message(ex, &m, &r);
        }
    }
    if (EVM_UNLIKELY(ex->tracing)) {
        evm_trace_message_exit(ex, &m, &r);
        evm_trace_end(ex, &r, (int64_t)msg->gas - r.gas_left);
    }
    uint64_t used = msg->gas - (uint64_t)r.gas_left;
    uint64_t refund = 0;
    if (r.status == EVM_OK && ex->refund > 0) refund = (uint64_t)ex->refund < used / 5 ? (uint64_t)ex->refund : used / 5;
    full.status = status_of(r.status);
    full.error = r.status == EVM_OK || r.status == EVM_REVERT ? ZG_EXEC_ERR_NONE : r.status;
    full.gas_used = used - refund;
    full.gas_refund = refund;
    full.gas_left = (uint64_t)r.gas_left;
    if (r.status == EVM_OK && create) {
        full.has_created = 1;
        memcpy(full.created_address, target_addr, 20);
        r.out = target->code, r.out_len = target->code_len; /* as above */
    }
    int rc = finish(ex, &full, &r, r.status == EVM_OK);
    result_out(&full, res);
    return rc;
}
