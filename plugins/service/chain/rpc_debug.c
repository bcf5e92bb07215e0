/* rpc_debug.c — debug_traceTransaction, debug_traceCall (and
 * debug_traceBlockByNumber/ByHash): the default struct-log tracer and
 * callTracer, built from the executor's EIP-3155 instruction trace.
 *
 * The EIP-3155 stream has no memory, so call frames below the top one have
 * no input/output bytes ("0x"), and calls that run no code (precompiles,
 * plain accounts) appear only in the struct logs. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>
#include <zg/rlp.h>
#include "chain.h"

#define P(i) (json_is_array(params) ? json_array_get(params, (i)) : NULL)
#define MAX_STEPS 2000000 /* struct logs kept per trace */

typedef struct tracebuf {
    json_t *steps; /* parsed EIP-3155 lines */
    json_t *summary;
    int truncated;
} tracebuf;

static void on_line(void *arg, const char *line, size_t len)
{
    tracebuf *t = arg;
    json_t *j = json_loadb(line, len, 0, NULL);
    if (!j) return;
    if (json_object_get(j, "pc")) {
        if (json_array_size(t->steps) >= MAX_STEPS) {
            t->truncated = 1;
            json_decref(j);
            return;
        }
        json_array_append_new(t->steps, j);
    } else {
        json_decref(t->summary);
        t->summary = j;
    }
}

static uint64_t qty(const json_t *j)
{
    uint64_t v = 0;
    if (json_is_integer(j)) return (uint64_t)json_integer_value(j);
    zg_json_get_quantity_u64(j, &v);
    return v;
}

static json_t *struct_logs(tracebuf *t, const zg_exec_result *res, uint64_t gas_used)
{
    json_t *logs = json_array();
    size_t n = json_array_size(t->steps);
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(t->steps, i);
        uint64_t gas = qty(json_object_get(s, "gas")), cost = qty(json_object_get(s, "gasCost"));
        json_int_t depth = json_integer_value(json_object_get(s, "depth"));
        if (i + 1 < n) { /* the actual cost, dynamic part included, when the next step is in the same frame */
            json_t *nx = json_array_get(t->steps, i + 1);
            if (json_integer_value(json_object_get(nx, "depth")) == depth) {
                uint64_t ng = qty(json_object_get(nx, "gas"));
                if (ng <= gas) cost = gas - ng;
            }
        }
        json_t *o = json_pack("{s:O,s:O,s:I,s:I,s:I,s:O}", "pc", json_object_get(s, "pc"), "op",
                              json_object_get(s, "opName"), "gas", (json_int_t)gas, "gasCost", (json_int_t)cost,
                              "depth", depth, "stack", json_object_get(s, "stack"));
        json_array_append_new(logs, o);
    }
    char *hex = zg_data_encode(res->output, res->output_len);
    json_t *r = json_pack("{s:I,s:b,s:s,s:o}", "gas", (json_int_t)gas_used, "failed",
                          res->status != ZG_EXEC_SUCCESS, "returnValue", hex ? hex + 2 : "", "structLogs", logs);
    free(hex);
    return r;
}

/* ---- callTracer ---- */

static const char *call_type(const char *op)
{
    static const char *const ops[] = {"CALL", "CALLCODE", "DELEGATECALL", "STATICCALL", "CREATE", "CREATE2"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(op, ops[i])) return ops[i];
    return NULL;
}

static const char *stack_at(json_t *stack, size_t from_top)
{
    size_t n = json_array_size(stack);
    return from_top < n ? json_string_value(json_array_get(stack, n - 1 - from_top)) : NULL;
}

/* "0x..." stack word -> address JSON */
static json_t *word_addr(const char *w)
{
    uint8_t be[32] = {0};
    if (w) zg_quantity_decode_be32(w, be);
    return ch_json_addr(be + 12);
}

static json_t *call_frames(tracebuf *t, json_t *top, const zg_exec_result *res)
{
    json_t *stack[1100];
    uint64_t start_gas[1100];
    int sp = 0;
    stack[0] = top;
    size_t n = json_array_size(t->steps);
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(t->steps, i);
        int depth = (int)json_integer_value(json_object_get(s, "depth"));
        /* returned to a shallower frame: close the frames above it */
        while (sp > 0 && depth <= sp) {
            json_t *f = stack[sp];
            uint64_t last_gas = start_gas[sp];
            /* the last step seen inside the child */
            for (size_t k = i; k-- > 0;) {
                json_t *p = json_array_get(t->steps, k);
                if (json_integer_value(json_object_get(p, "depth")) == sp + 1) {
                    last_gas = qty(json_object_get(p, "gas"));
                    break;
                }
            }
            json_object_set_new(f, "gasUsed", zg_json_quantity_u64(start_gas[sp] - last_gas));
            const char *ty = json_string_value(json_object_get(f, "type"));
            const char *top_word = stack_at(json_object_get(s, "stack"), 0);
            if (ty && !strncmp(ty, "CREATE", 6)) {
                json_object_set_new(f, "to", word_addr(top_word));
                if (top_word && !strcmp(top_word, "0x0")) json_object_set_new(f, "error", json_string("contract creation failed"));
            } else if (top_word && !strcmp(top_word, "0x0"))
                json_object_set_new(f, "error", json_string("execution reverted"));
            sp--;
        }
        const char *op = json_string_value(json_object_get(s, "opName"));
        const char *ct = op ? call_type(op) : NULL;
        if (!ct || i + 1 >= n) continue;
        json_t *nx = json_array_get(t->steps, i + 1);
        if (json_integer_value(json_object_get(nx, "depth")) != depth + 1 || sp + 1 >= 1100) continue;
        json_t *st = json_object_get(s, "stack");
        json_t *parent = stack[sp];
        json_t *f = json_object();
        json_object_set_new(f, "type", json_string(ct));
        /* the executing address: DELEGATECALL/CALLCODE keep the parent's */
        const char *pt = json_string_value(json_object_get(parent, "type"));
        int keeps = pt && (!strcmp(pt, "DELEGATECALL") || !strcmp(pt, "CALLCODE"));
        json_t *fromv = json_object_get(parent, keeps ? "from" : "to");
        json_object_set_new(f, "from", fromv ? json_incref(fromv) : json_string("0x0000000000000000000000000000000000000000"));
        uint64_t g = qty(json_object_get(nx, "gas"));
        json_object_set_new(f, "gas", zg_json_quantity_u64(g));
        if (!strncmp(ct, "CREATE", 6)) {
            json_object_set_new(f, "value", json_string(stack_at(st, 0) ? stack_at(st, 0) : "0x0"));
        } else {
            json_object_set_new(f, "to", word_addr(stack_at(st, 1)));
            if (!strcmp(ct, "CALL") || !strcmp(ct, "CALLCODE"))
                json_object_set_new(f, "value", json_string(stack_at(st, 2) ? stack_at(st, 2) : "0x0"));
        }
        json_object_set_new(f, "input", json_string("0x"));
        json_t *calls = json_object_get(parent, "calls");
        if (!calls) {
            calls = json_array();
            json_object_set_new(parent, "calls", calls);
        }
        json_array_append_new(calls, f);
        stack[++sp] = f;
        start_gas[sp] = g;
    }
    (void)res;
    return top;
}

/* ---- running ---- */

static json_t *trace_result(const char *tracer, tracebuf *t, const zg_exec_result *res, const uint8_t from[20],
                            const uint8_t *to, uint64_t gas, uint64_t gas_used, const zg_u256 *value,
                            const uint8_t *data, size_t dlen)
{
    if (!tracer) return struct_logs(t, res, gas_used);
    json_t *top = json_object();
    json_object_set_new(top, "type", json_string(to ? "CALL" : "CREATE"));
    json_object_set_new(top, "from", ch_json_addr(from));
    if (to) json_object_set_new(top, "to", ch_json_addr(to));
    else if (res->has_created) json_object_set_new(top, "to", ch_json_addr(res->created_address));
    json_object_set_new(top, "value", ch_json_u256(value));
    json_object_set_new(top, "gas", zg_json_quantity_u64(gas));
    json_object_set_new(top, "gasUsed", zg_json_quantity_u64(gas_used));
    json_object_set_new(top, "input", zg_json_data(data, dlen));
    json_object_set_new(top, "output", zg_json_data(res->output, res->output_len));
    if (res->status == ZG_EXEC_REVERT) {
        json_object_set_new(top, "error", json_string("execution reverted"));
        zg_rpc_error e = {0};
        ch_exec_error(res, &e);
        json_decref(e.data);
        if (!strncmp(e.message, "execution reverted: ", 20))
            json_object_set_new(top, "revertReason", json_string(e.message + 20));
    } else if (res->status != ZG_EXEC_SUCCESS)
        json_object_set_new(top, "error", json_string(zg_exec_error_name(res->error)));
    return call_frames(t, top, res);
}

static int parse_opts(const json_t *o, const char **tracer, zg_rpc_error *err)
{
    *tracer = NULL;
    if (!o || json_is_null(o)) return ZG_OK;
    if (!json_is_object(o)) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid trace options: expected an object");
        return ZG_EINVAL;
    }
    json_t *t = json_object_get(o, "tracer");
    if (t && !json_is_null(t)) {
        const char *s = json_string_value(t);
        if (!s || strcmp(s, "callTracer") != 0) {
            ch_err(err, -32000, "tracer %s is not supported (use the default struct logger or callTracer)",
                   s ? s : "(not a string)");
            return ZG_EINVAL;
        }
        *tracer = s;
    }
    return ZG_OK;
}

static json_t *trace_tx_in_block(chain *c, const ch_block *b, uint32_t idx, const char *tracer, zg_rpc_error *err)
{
    ch_header parent;
    if (ch_read_header(c, b->h.parent_hash, &parent) != ZG_OK) {
        ch_err(err, -32000, "parent block not found");
        return NULL;
    }
    ch_state *st;
    if (ch_state_open(c, parent.state_root, NULL, &st) != ZG_OK) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "cannot open the parent state");
        return NULL;
    }
    zg_exec_env env;
    ch_exec_env(c, &b->h, &env);
    zg_exec_result res;
    json_t *out = NULL;
    for (uint32_t i = 0; i <= idx; i++) {
        zg_exec_tx etx;
        zg_exec_tx_from_tx(&etx, &b->txs[i]);
        tracebuf t = {0};
        if (i == idx) {
            t.steps = json_array();
            c->exi->set_tracer(c->ex, on_line, &t);
        }
        memset(&res, 0, sizeof res);
        res.struct_size = sizeof res;
        int rc = c->exi->execute_tx(c->ex, &env, ch_state_exec(st), &etx, &res);
        if (i == idx) c->exi->set_tracer(c->ex, NULL, NULL);
        if (rc == ZG_OK && i < idx) rc = ch_state_apply(st, &res);
        if (rc != ZG_OK) {
            json_decref(t.steps);
            json_decref(t.summary);
            ch_err(err, ZG_RPC_INTERNAL_ERROR, "re-execution failed (status %d)", rc);
            break;
        }
        if (i == idx) {
            const zg_tx *tx = &b->txs[i];
            out = trace_result(tracer, &t, &res, tx->sender, tx->has_to ? tx->to : NULL, tx->gas_limit,
                               res.gas_used, &tx->value, tx->data, tx->data_len);
            json_decref(t.steps);
            json_decref(t.summary);
        }
    }
    ch_state_free(st);
    return out;
}

static json_t *m_trace_tx(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t h[32], bh[32];
    if (ch_get_h256(P(0), h) != ZG_OK) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected a transaction hash");
        return NULL;
    }
    const char *tracer;
    if (parse_opts(P(1), &tracer, err) != ZG_OK) return NULL;
    uint64_t n;
    uint32_t idx;
    if (ch_tx_lookup(c, h, &n, &idx, bh) != ZG_OK) {
        ch_err(err, -32000, "transaction not found");
        return NULL;
    }
    ch_block b;
    if (ch_read_block(c, bh, 1, &b) != ZG_OK || idx >= b.ntx) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "block of the transaction unreadable");
        return NULL;
    }
    json_t *r = trace_tx_in_block(c, &b, idx, tracer, err);
    ch_block_free(&b);
    return r;
}

static json_t *trace_block(chain *c, const ch_header *h, json_t *opts, zg_rpc_error *err)
{
    const char *tracer;
    if (parse_opts(opts, &tracer, err) != ZG_OK) return NULL;
    ch_block b;
    if (ch_read_block(c, h->hash, 1, &b) != ZG_OK) {
        ch_err(err, -32000, "block not found");
        return NULL;
    }
    json_t *arr = json_array();
    for (uint32_t i = 0; i < b.ntx; i++) {
        json_t *r = trace_tx_in_block(c, &b, i, tracer, err);
        if (!r) {
            json_decref(arr);
            arr = NULL;
            break;
        }
        json_array_append_new(arr, json_pack("{s:o,s:o}", "txHash", ch_json_h256(b.txs[i].hash), "result", r));
    }
    ch_block_free(&b);
    return arr;
}

static json_t *m_trace_block_number(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_header h;
    if (ch_resolve_block(c, P(0), 0, &h, err) != ZG_OK) return NULL;
    return trace_block(c, &h, P(1), err);
}

static json_t *m_trace_block_hash(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    uint8_t hash[32];
    ch_header h;
    if (ch_get_h256(P(0), hash) != ZG_OK || ch_read_header(c, hash, &h) != ZG_OK) {
        ch_err(err, -32000, "block not found");
        return NULL;
    }
    return trace_block(c, &h, P(1), err);
}

static json_t *m_trace_call(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_callargs a;
    if (ch_parse_callargs(P(0), &a, err) != ZG_OK) return NULL;
    const char *tracer;
    ch_header h;
    ch_state *st = NULL;
    json_t *r = NULL;
    if (parse_opts(P(2), &tracer, err) != ZG_OK || ch_resolve_block(c, P(1), 1, &h, err) != ZG_OK) goto out;
    if (ch_state_at(c, &h, &st) != ZG_OK) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "cannot open state");
        goto out;
    }
    json_t *opts = P(2);
    if (json_is_object(opts) && ch_apply_overrides(c, st, json_object_get(opts, "stateOverrides"), err) != ZG_OK)
        goto out;
    tracebuf t = {.steps = json_array()};
    uint64_t gas = a.has_gas ? a.gas : c->rpc_gas_cap;
    zg_exec_result res;
    c->exi->set_tracer(c->ex, on_line, &t);
    int rc = ch_do_call(c, st, &h, &a, gas, &res, err);
    c->exi->set_tracer(c->ex, NULL, NULL);
    if (rc == ZG_OK) {
        if (res.status == ZG_EXEC_REJECTED)
            ch_exec_error(&res, err);
        else
            r = trace_result(tracer, &t, &res, a.from, a.has_to ? a.to : NULL, gas, res.gas_used, &a.value, a.data,
                             a.data_len);
    }
    json_decref(t.steps);
    json_decref(t.summary);
out:
    ch_state_free(st);
    ch_callargs_free(&a);
    return r;
}

static json_t *m_raw_block(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_header h;
    if (ch_resolve_block(c, P(0), 0, &h, err) != ZG_OK) return NULL;
    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    int rc = ch_raw_block(c, h.hash, &b);
    json_t *r = rc == ZG_OK ? zg_json_data(b.data, b.len) : NULL;
    zg_rlp_buf_free(&b);
    if (!r) ch_err(err, ZG_RPC_INTERNAL_ERROR, "block unreadable (status %d)", rc);
    return r;
}

static json_t *m_raw_header(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_header h;
    if (ch_resolve_block(c, P(0), 0, &h, err) != ZG_OK) return NULL;
    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    ch_header_encode(&h, &b);
    json_t *r = zg_json_data(b.data, b.len);
    zg_rlp_buf_free(&b);
    return r;
}

int ch_rpc_debug_register(chain *c)
{
    int rc = c->h->rpc_register(c->ctx, "debug_getRawBlock", m_raw_block, c, 0);
    if (rc == ZG_OK) rc = c->h->rpc_register(c->ctx, "debug_getRawHeader", m_raw_header, c, 0);
    if (rc != ZG_OK || !c->exi->set_tracer) return rc;
    rc = c->h->rpc_register(c->ctx, "debug_traceTransaction", m_trace_tx, c, 0);
    if (rc == ZG_OK) rc = c->h->rpc_register(c->ctx, "debug_traceCall", m_trace_call, c, 0);
    if (rc == ZG_OK) rc = c->h->rpc_register(c->ctx, "debug_traceBlockByNumber", m_trace_block_number, c, 0);
    if (rc == ZG_OK) rc = c->h->rpc_register(c->ctx, "debug_traceBlockByHash", m_trace_block_hash, c, 0);
    return rc;
}
