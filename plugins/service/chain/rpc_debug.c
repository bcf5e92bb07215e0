/* rpc_debug.c — debug_traceTransaction, debug_traceCall,
 * debug_traceBlockByNumber/ByHash with geth's tracers, and
 * debug_getRawBlock/Header.
 *
 * Tracers (geth's eth/tracers behaviour and JSON shapes):
 *  - the default struct logger: one entry per instruction from the
 *    executor's EIP-3155 lines; "stack" unless disableStack, "memory" (32-byte
 *    words, hex without 0x) with enableMemory, "returnData" with
 *    enableReturnData, and on SLOAD/SSTORE "storage": every slot of the
 *    executing account read or written so far in the transaction (64 hex
 *    digits each, no 0x) unless disableStorage;
 *  - callTracer: the call tree from the executor's frame hooks (every call
 *    and creation, precompiles and code-less accounts included), each frame
 *    with its input, output, value, gas, gasUsed, error and revertReason;
 *    tracerConfig {onlyTopCall, withLog};
 *  - noopTracer: {}.
 * The executor's zg_exec_tracer (set_trace) supplies the frames and the
 * optional EIP-3155 fields; an executor without it gives the struct logger
 * without memory and storage, and callTracer's top frame only. */
#include "config.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>
#include <zg/rlp.h>
#include "chain.h"

#define P(i) (json_is_array(params) ? json_array_get(params, (i)) : NULL)
#define MAX_STEPS 2000000              /* struct logs per trace */
#define MAX_TRACE_BYTES (512u << 20)   /* EIP-3155 text taken in per trace (memory makes it grow) */
#define MAX_FRAMES (1024 + 2)          /* call depth limit + the top frame + a SELFDESTRUCT */

typedef struct trace_opts {
    int call_tracer, noop;
    int only_top, with_log;                          /* callTracer's tracerConfig */
    int memory, no_stack, no_storage, return_data; /* the struct logger's */
} trace_opts;

/* a callTracer frame being run */
typedef struct cframe {
    int kind; /* ZG_EXEC_FRAME_* */
    uint8_t from[20], to[20];
    uint64_t gas;
    zg_u256 value;
    json_t *input;
    json_t *calls; /* finished children (NULL: none yet) */
    json_t *logs;
} cframe;

typedef struct tracer {
    const trace_opts *o;
    int err; /* too large, or out of memory: the trace is void */
    size_t bytes;
    /* struct logger */
    json_t *logs;
    json_t *storage;         /* "address" -> {"slot": "value"} */
    uint8_t (*addr)[20];     /* storage address of the frame at each depth (0: the tx's) */
    /* callTracer */
    cframe *fr;              /* the frames open now */
    int nfr, skipped;        /* skipped: depth of frames left out (onlyTopCall) */
    json_t *top;             /* the finished top frame */
    /* the output of depth 0 (a creation's code) */
    int ended;
    json_t *top_output;
} tracer;

static const char *const frame_type[] = {"CALL", "CALLCODE", "DELEGATECALL", "STATICCALL",
                                         "CREATE", "CREATE2", "SELFDESTRUCT"};

static void tracer_free(tracer *t)
{
    json_decref(t->logs);
    json_decref(t->storage);
    free(t->addr);
    for (int i = 0; i < t->nfr; i++) {
        json_decref(t->fr[i].input);
        json_decref(t->fr[i].calls);
        json_decref(t->fr[i].logs);
    }
    free(t->fr);
    json_decref(t->top);
    json_decref(t->top_output);
    memset(t, 0, sizeof *t);
}

static int tracer_init(tracer *t, const trace_opts *o)
{
    memset(t, 0, sizeof *t);
    t->o = o;
    if (o->call_tracer) {
        t->fr = calloc(MAX_FRAMES, sizeof *t->fr);
        if (!t->fr) return ZG_ENOMEM;
    } else if (!o->noop) {
        t->logs = json_array();
        t->storage = json_object();
        t->addr = calloc(MAX_FRAMES, sizeof *t->addr);
        if (!t->logs || !t->storage || !t->addr) return ZG_ENOMEM;
    }
    return ZG_OK;
}

/* ---- revert reasons (geth's abi.UnpackRevert) ---- */

/* Error(string) or Panic(uint256) revert data -> reason (new ref), or NULL */
static json_t *revert_reason(const uint8_t *d, size_t n)
{
    const uint8_t *str;
    size_t len;
    if (n < 4) return NULL;
    const uint8_t *b = d + 4;
    size_t bn = n - 4;
    if (!memcmp(d, "\x08\xc3\x79\xa0", 4)) /* Error(string) */
        return ch_revert_string(d, n, &str, &len) ? json_stringn((const char *)str, len) /* NULL unless UTF-8 */
                                                   : NULL;
    if (!memcmp(d, "\x4e\x48\x7b\x71", 4) && bn >= 32) { /* Panic(uint256) */
        zg_u256 code;
        zg_u256_load_be32(&code, b);
        const char *why = zg_u256_fits_u64(&code) ? ch_panic_reason(code.w[0]) : NULL;
        if (why) return json_string(why);
        uint8_t be[32];
        char q[67], s[96];
        memcpy(be, b, 32);
        zg_quantity_encode_be32(be, q);
        snprintf(s, sizeof s, "unknown panic code: %s", q);
        return json_string(s);
    }
    return NULL;
}

/* ---- struct logger: EIP-3155 lines ---- */

/* "0x.." quantity -> 64 hex digits without prefix (out: 65 bytes) */
static void word64(const char *q, char out[65])
{
    uint8_t be[32] = {0};
    if (q) zg_quantity_decode_be32(q, be);
    zg_hex_encode(be, 32, out);
}

/* geth's name for an opcode: ours, and "opcode 0xc not defined" */
static json_t *op_name(const json_t *line)
{
    const char *n = json_string_value(json_object_get(line, "opName"));
    if (n && strncmp(n, "opcode ", 7) != 0) return json_string(n);
    char s[40];
    snprintf(s, sizeof s, "opcode %#x not defined", (unsigned)json_integer_value(json_object_get(line, "op")));
    return json_string(s);
}

static uint64_t qty(const json_t *j)
{
    uint64_t v = 0;
    if (json_is_integer(j)) return (uint64_t)json_integer_value(j);
    zg_json_get_quantity_u64(j, &v);
    return v;
}

static json_t *memory_words(const char *hex)
{
    json_t *a = json_array();
    if (!a || !hex || strncmp(hex, "0x", 2) != 0) return a;
    hex += 2;
    for (size_t n = strlen(hex); n >= 64; n -= 64, hex += 64) json_array_append_new(a, json_stringn(hex, 64));
    return a;
}

/* SLOAD/SSTORE: note the slot in the executing account's map; a copy of
 * the map for the log */
static json_t *storage_after(tracer *t, int depth, const json_t *slot)
{
    const char *k;
    json_t *v;
    if (depth < 1 || depth > MAX_FRAMES - 1) return NULL;
    char addr[41];
    zg_hex_encode(t->addr[depth - 1], 20, addr);
    json_t *m = json_object_get(t->storage, addr);
    if (!m) {
        m = json_object();
        json_object_set_new(t->storage, addr, m);
    }
    json_object_foreach((json_t *)slot, k, v) {
        char kk[65], vv[65];
        word64(k, kk);
        word64(json_string_value(v), vv);
        json_object_set_new(m, kk, json_string(vv));
    }
    return json_copy(m);
}

static void on_step(void *arg, const char *line, size_t len)
{
    tracer *t = arg;
    if (t->err || !t->logs) return;
    t->bytes += len;
    if (t->bytes > MAX_TRACE_BYTES || json_array_size(t->logs) >= MAX_STEPS) {
        t->err = ZG_ERANGE;
        return;
    }
    json_t *s = json_loadb(line, len, 0, NULL);
    if (!s) {
        t->err = ZG_EINVAL;
        return;
    }
    if (!json_object_get(s, "pc")) { /* the summary line */
        json_decref(s);
        return;
    }
    const trace_opts *o = t->o;
    json_int_t depth = json_integer_value(json_object_get(s, "depth"));
    /* geth's field order */
    json_t *e = json_pack("{s:O,s:o,s:I,s:I,s:I}", "pc", json_object_get(s, "pc"), "op", op_name(s), "gas",
                          (json_int_t)qty(json_object_get(s, "gas")), "gasCost",
                          (json_int_t)qty(json_object_get(s, "gasCost")), "depth", depth);
    if (!e) {
        t->err = ZG_ENOMEM;
        json_decref(s);
        return;
    }
    json_t *v;
    if ((v = json_object_get(s, "error"))) json_object_set(e, "error", v);
    if (!o->no_stack && (v = json_object_get(s, "stack"))) json_object_set(e, "stack", v);
    const char *rd = json_string_value(json_object_get(s, "returnData"));
    if (o->return_data && rd && strlen(rd) > 2) json_object_set_new(e, "returnData", json_string(rd));
    const char *mem = json_string_value(json_object_get(s, "memory"));
    if (o->memory && mem && strlen(mem) > 2) json_object_set_new(e, "memory", memory_words(mem));
    if (!o->no_storage && (v = json_object_get(s, "storage")) && json_is_object(v)) {
        json_t *m = storage_after(t, (int)depth, v);
        if (m) json_object_set_new(e, "storage", m);
    }
    json_int_t refund = json_integer_value(json_object_get(s, "refund"));
    if (refund) json_object_set_new(e, "refund", json_integer(refund));
    json_array_append_new(t->logs, e);
    json_decref(s);
}

/* ---- frames ---- */

static json_t *frame_json(const cframe *f, uint64_t gas_used, const zg_exec_frame_end *e)
{
    const int create = f->kind == ZG_EXEC_FRAME_CREATE || f->kind == ZG_EXEC_FRAME_CREATE2;
    const char *error = NULL;
    if (e->status == ZG_EXEC_REVERT)
        error = "execution reverted";
    else if (e->status != ZG_EXEC_SUCCESS)
        error = e->error_text ? e->error_text : zg_exec_error_name(e->error);
    /* geth's field order */
    json_t *o = json_object();
    json_object_set_new(o, "from", ch_json_addr(f->from));
    json_object_set_new(o, "gas", zg_json_quantity_u64(f->gas));
    json_object_set_new(o, "gasUsed", zg_json_quantity_u64(gas_used));
    if (!(create && error)) json_object_set_new(o, "to", ch_json_addr(f->to));
    json_object_set(o, "input", f->input);
    if (e->output_len && e->status != ZG_EXEC_FAILURE)
        json_object_set_new(o, "output", zg_json_data(e->output, e->output_len));
    if (error) json_object_set_new(o, "error", json_string(error));
    if (e->status == ZG_EXEC_REVERT) {
        json_t *why = revert_reason(e->output, e->output_len);
        if (why) json_object_set_new(o, "revertReason", why);
    }
    if (f->calls) json_object_set(o, "calls", f->calls);
    /* logs of a frame that failed are dropped, its children's too (geth's
     * clearFailedLogs) */
    if (f->logs && !error) json_object_set(o, "logs", f->logs);
    if (f->kind != ZG_EXEC_FRAME_STATICCALL) json_object_set_new(o, "value", ch_json_u256(&f->value));
    json_object_set_new(o, "type", json_string(frame_type[f->kind]));
    return o;
}

static void drop_logs(json_t *frame)
{
    json_object_del(frame, "logs");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(frame, "calls"), i, c) drop_logs(c);
}

static void on_frame_enter(void *arg, const zg_exec_frame *f)
{
    tracer *t = arg;
    if (f->depth < 0 || f->depth >= MAX_FRAMES || f->kind < 0 || f->kind > ZG_EXEC_FRAME_SELFDESTRUCT) {
        t->err = ZG_EINVAL;
        return;
    }
    if (t->addr) { /* whose storage the frame's SLOAD/SSTORE use */
        int keeps = f->kind == ZG_EXEC_FRAME_CALLCODE || f->kind == ZG_EXEC_FRAME_DELEGATECALL;
        memcpy(t->addr[f->depth], keeps ? f->from : f->to, 20);
    }
    if (!t->fr || t->err) return;
    if (t->o->only_top && f->depth > 0) return;
    if (t->nfr >= MAX_FRAMES) {
        t->err = ZG_ERANGE;
        return;
    }
    cframe *c = &t->fr[t->nfr++];
    memset(c, 0, sizeof *c);
    c->kind = f->kind;
    memcpy(c->from, f->from, 20);
    memcpy(c->to, f->to, 20);
    c->gas = f->gas;
    c->value = f->value;
    c->input = zg_json_data(f->input, f->input_len);
}

static void on_frame_exit(void *arg, const zg_exec_frame_end *e)
{
    tracer *t = arg;
    if (e->depth == 0) {
        t->ended = 1;
        json_decref(t->top_output);
        t->top_output = e->status != ZG_EXEC_FAILURE ? zg_json_data(e->output, e->output_len) : NULL;
    }
    if (!t->fr || t->err) return;
    if (t->o->only_top && e->depth > 0) return;
    if (t->nfr <= 0) {
        t->err = ZG_EINVAL;
        return;
    }
    cframe *c = &t->fr[--t->nfr];
    json_t *o = frame_json(c, e->gas_used, e);
    if (e->status != ZG_EXEC_SUCCESS) drop_logs(o);
    json_decref(c->input);
    json_decref(c->calls);
    json_decref(c->logs);
    memset(c, 0, sizeof *c);
    if (!o) {
        t->err = ZG_ENOMEM;
        return;
    }
    if (t->nfr == 0) { /* the top frame: gas and gasUsed are the tx's, set by trace_result */
        json_decref(t->top);
        t->top = o;
        return;
    }
    cframe *p = &t->fr[t->nfr - 1];
    if (!p->calls) p->calls = json_array();
    json_array_append_new(p->calls, o);
}

static void on_log(void *arg, int32_t depth, const zg_exec_log *l)
{
    tracer *t = arg;
    if (!t->fr || t->err || !t->o->with_log || t->nfr == 0) return;
    if (t->o->only_top && depth > 0) return;
    cframe *c = &t->fr[t->nfr - 1];
    json_t *topics = json_array();
    for (uint32_t i = 0; i < l->ntopics; i++) json_array_append_new(topics, ch_json_h256(l->topics[i]));
    /* position: how many calls of the frame came before the log */
    json_t *o = json_pack("{s:o,s:o,s:o,s:o}", "address", ch_json_addr(l->address), "topics", topics, "data",
                          zg_json_data(l->data, l->data_len), "position",
                          zg_json_quantity_u64(json_array_size(c->calls)));
    if (!c->logs) c->logs = json_array();
    json_array_append_new(c->logs, o);
}

/* ---- results ---- */

/* the tracer on ex, the executor of this thread (ch_executor: ch_do_call
 * runs the call there) */
static int tracer_attach(chain *c, zg_executor *ex, tracer *t)
{
    const zg_executor_iface *x = c->exi;
    if (x->struct_size >= offsetof(zg_executor_iface, set_trace) + sizeof(void *) && x->set_trace) {
        zg_exec_tracer tr;
        memset(&tr, 0, sizeof tr);
        tr.struct_size = sizeof tr;
        tr.arg = t;
        tr.enter = on_frame_enter;
        tr.exit = on_frame_exit;
        if (t->logs) {
            tr.step = on_step;
            tr.flags = (t->o->memory ? ZG_EXEC_TRACE_MEMORY : 0) | (t->o->no_storage ? 0 : ZG_EXEC_TRACE_STORAGE);
        }
        if (t->fr && t->o->with_log) tr.log = on_log;
        return x->set_trace(ex, &tr);
    }
    /* an older executor: EIP-3155 lines only */
    return t->logs ? x->set_tracer(ex, on_step, t) : ZG_OK;
}

static void tracer_detach(chain *c, zg_executor *ex)
{
    const zg_executor_iface *x = c->exi;
    if (x->struct_size >= offsetof(zg_executor_iface, set_trace) + sizeof(void *) && x->set_trace)
        x->set_trace(ex, NULL);
    else
        x->set_tracer(ex, NULL, NULL);
}

/* The tracer's result for a finished execution: res, with the tx's from,
 * to (NULL: creation), gas limit, value and data (for an executor without
 * frame hooks).  NULL with err set when the trace is void. */
static json_t *trace_result(tracer *t, const zg_exec_result *res, const uint8_t from[20], const uint8_t *to,
                            uint64_t gas, const zg_u256 *value, const uint8_t *data, size_t dlen, zg_rpc_error *err)
{
    if (t->err) {
        if (t->err == ZG_ERANGE)
            ch_err(err, -32000, "trace too large (over %d steps or %u MiB of trace): use callTracer, or "
                   "disableStack / no enableMemory", MAX_STEPS, MAX_TRACE_BYTES >> 20);
        else
            ch_err(err, ZG_RPC_INTERNAL_ERROR, "tracing failed (status %d)", t->err);
        return NULL;
    }
    const trace_opts *o = t->o;
    if (o->noop) return json_object();
    json_t *out = t->ended ? json_incref(t->top_output) : zg_json_data(res->output, res->output_len);
    if (!out) out = json_string("0x");
    if (!o->call_tracer) {
        json_t *r = json_pack("{s:I,s:b,s:o,s:O}", "gas", (json_int_t)res->gas_used, "failed",
                              res->status != ZG_EXEC_SUCCESS, "returnValue",
                              res->status == ZG_EXEC_FAILURE ? json_string("0x") : out, "structLogs", t->logs);
        if (res->status == ZG_EXEC_FAILURE) json_decref(out);
        return r;
    }
    json_t *top = t->top;
    t->top = NULL;
    if (!top) { /* no frame hooks: the top frame from the tx and its result */
        zg_exec_frame_end e = {.status = res->status, .error = res->error, .output = res->output,
                               .output_len = res->output_len};
        cframe f = {.kind = to ? ZG_EXEC_FRAME_CALL : ZG_EXEC_FRAME_CREATE, .value = *value,
                    .input = zg_json_data(data, dlen)};
        memcpy(f.from, from, 20);
        if (to) memcpy(f.to, to, 20);
        else if (res->has_created) memcpy(f.to, res->created_address, 20);
        top = frame_json(&f, 0, &e);
        json_decref(f.input);
    }
    json_decref(out);
    /* geth: the tx's gas limit and gas used (after the refund) */
    json_object_set_new(top, "gas", zg_json_quantity_u64(gas));
    json_object_set_new(top, "gasUsed", zg_json_quantity_u64(res->gas_used));
    return top;
}

static int parse_opts(const json_t *o, trace_opts *to, zg_rpc_error *err)
{
    memset(to, 0, sizeof *to);
    if (!o || json_is_null(o)) return ZG_OK;
    if (!json_is_object(o)) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid trace options: expected an object");
        return ZG_EINVAL;
    }
    static const struct {
        const char *name;
        size_t off;
    } flags[] = {{"enableMemory", offsetof(trace_opts, memory)},
                 {"disableStack", offsetof(trace_opts, no_stack)},
                 {"disableStorage", offsetof(trace_opts, no_storage)},
                 {"enableReturnData", offsetof(trace_opts, return_data)}};
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        json_t *v = json_object_get(o, flags[i].name);
        if (!v || json_is_null(v)) continue;
        if (!json_is_boolean(v)) {
            ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid trace options: %s must be a boolean", flags[i].name);
            return ZG_EINVAL;
        }
        *(int *)((char *)to + flags[i].off) = json_is_true(v);
    }
    json_t *t = json_object_get(o, "tracer");
    if (t && !json_is_null(t)) {
        const char *s = json_string_value(t);
        if (s && !strcmp(s, "callTracer"))
            to->call_tracer = 1;
        else if (s && !strcmp(s, "noopTracer"))
            to->noop = 1;
        else {
            ch_err(err, -32000, "tracer %s is not supported (the default struct logger, callTracer or noopTracer)",
                   s ? s : "(not a string)");
            return ZG_EINVAL;
        }
    }
    json_t *cfg = json_object_get(o, "tracerConfig");
    if (cfg && !json_is_null(cfg)) {
        if (!json_is_object(cfg)) {
            ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid trace options: tracerConfig must be an object");
            return ZG_EINVAL;
        }
        json_t *a = json_object_get(cfg, "onlyTopCall"), *b = json_object_get(cfg, "withLog");
        if ((a && !json_is_boolean(a)) || (b && !json_is_boolean(b))) {
            ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid tracerConfig: onlyTopCall and withLog are booleans");
            return ZG_EINVAL;
        }
        to->only_top = json_is_true(a);
        to->with_log = json_is_true(b);
    }
    return ZG_OK;
}

/* ---- methods ---- */

static json_t *trace_tx_in_block(chain *c, const ch_block *b, uint32_t idx, const trace_opts *o, zg_rpc_error *err)
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
    zg_executor *ex = ch_executor(c);
    if (!ex) {
        ch_state_free(st);
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "cannot open an executor for this thread");
        return NULL;
    }
    zg_exec_env env;
    ch_exec_env(c, &b->h, &env);
    zg_exec_result res;
    json_t *out = NULL;
    for (uint32_t i = 0; i <= idx; i++) {
        zg_exec_tx etx;
        zg_exec_tx_from_tx(&etx, &b->txs[i]);
        tracer t;
        memset(&t, 0, sizeof t);
        int rc = ZG_OK;
        if (i == idx) {
            rc = tracer_init(&t, o);
            if (rc == ZG_OK) rc = tracer_attach(c, ex, &t);
        }
        memset(&res, 0, sizeof res);
        res.struct_size = sizeof res;
        if (rc == ZG_OK) rc = c->exi->execute_tx(ex, &env, ch_state_exec(st), &etx, &res);
        if (i == idx) tracer_detach(c, ex);
        if (rc == ZG_OK && i < idx) rc = ch_state_apply(st, &res);
        if (rc != ZG_OK) {
            if (i == idx) tracer_free(&t);
            ch_err(err, ZG_RPC_INTERNAL_ERROR, "re-execution failed (status %d)", rc);
            break;
        }
        if (i == idx) {
            const zg_tx *tx = &b->txs[i];
            out = trace_result(&t, &res, tx->sender, tx->has_to ? tx->to : NULL, tx->gas_limit, &tx->value, tx->data,
                               tx->data_len, err);
            tracer_free(&t);
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
    trace_opts o;
    if (parse_opts(P(1), &o, err) != ZG_OK) return NULL;
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
    json_t *r = trace_tx_in_block(c, &b, idx, &o, err);
    ch_block_free(&b);
    return r;
}

static json_t *trace_block(chain *c, const ch_header *h, json_t *opts, zg_rpc_error *err)
{
    trace_opts o;
    if (parse_opts(opts, &o, err) != ZG_OK) return NULL;
    ch_block b;
    if (ch_read_block(c, h->hash, 1, &b) != ZG_OK) {
        ch_err(err, -32000, "block not found");
        return NULL;
    }
    json_t *arr = json_array();
    for (uint32_t i = 0; i < b.ntx; i++) {
        json_t *r = trace_tx_in_block(c, &b, i, &o, err);
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
    trace_opts o;
    ch_header h;
    ch_state *st = NULL;
    json_t *r = NULL;
    tracer t;
    memset(&t, 0, sizeof t);
    if (parse_opts(P(2), &o, err) != ZG_OK || ch_resolve_block(c, P(1), 1, &h, err) != ZG_OK) goto out;
    if (ch_state_at(c, &h, &st) != ZG_OK) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "cannot open state");
        goto out;
    }
    json_t *opts = P(2);
    if (json_is_object(opts) && ch_apply_overrides(c, st, json_object_get(opts, "stateOverrides"), err) != ZG_OK)
        goto out;
    uint64_t gas = a.has_gas ? a.gas : c->rpc_gas_cap;
    zg_exec_result res;
    zg_executor *ex = ch_executor(c);
    int rc = ex ? tracer_init(&t, &o) : ZG_ENOMEM;
    if (rc == ZG_OK) rc = tracer_attach(c, ex, &t);
    if (rc != ZG_OK) {
        if (ex) tracer_detach(c, ex);
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "cannot set up the tracer (status %d)", rc);
        goto out;
    }
    rc = ch_do_call(c, st, &h, &a, gas, &res, err);
    tracer_detach(c, ex);
    if (rc == ZG_OK) {
        if (res.status == ZG_EXEC_REJECTED)
            ch_exec_error(&res, err);
        else
            r = trace_result(&t, &res, a.from, a.has_to ? a.to : NULL, gas, &a.value, a.data, a.data_len, err);
    }
out:
    tracer_free(&t);
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
