/* tracer.c — EIP-3155 tracing and the frame hooks of zg_exec_tracer.
 * The traced interpreter is interp_loop.h compiled again with EVM_TRACED 1:
 * every instruction goes through evm_trace_step before its stack and
 * base-gas checks, so the plain loop carries no tracing code at all.
 * Lines go to the executor's trace sink (zg_exec_trace_fn), one JSON
 * object each:
 *   {"pc":0,"op":96,"gas":"0x5f5e100","gasCost":"0x3","memSize":0,
 *    "stack":[],"returnData":"0x","depth":1,"refund":0,"opName":"PUSH1"}
 * with, on request (ZG_EXEC_TRACE_*), EIP-3155's optional "memory" and
 * "storage" fields, and "error" on the instruction a frame failed at when
 * geth reports one there (stack bounds, out of gas); after the transaction
 * {"output":"..","gasUsed":"0x..","error":".."}.
 * A step's line is held until its gas cost is known, as geth counts it:
 * the gas left before the frame's next instruction; for a call, before the
 * callee starts (the gas handed over is part of the cost); for a creation,
 * before the callee's gas is set aside (geth leaves it out); for the
 * instruction a frame failed at, its base cost.
 * The frame hooks (evm_trace_enter/exit, called from instructions_calls.c
 * and transaction.c when ex->tracing) report every message as geth's
 * OnEnter/OnExit do; they write the pending line first, so that lines and
 * frames come in execution order. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include "evm.h"
#include "instructions.h"

static int reserve(evm_exec *ex, size_t need)
{
    if (need <= ex->trace_cap) return 0;
    size_t ncap = ex->trace_cap ? ex->trace_cap : 4096;
    while (ncap < need) ncap *= 2;
    char *b = realloc(ex->trace_buf, ncap);
    if (!b) return -1;
    ex->trace_buf = b;
    ex->trace_cap = ncap;
    return 0;
}

static const char hx[] = "0123456789abcdef";

/* "0x..." quantity of a u256 (inlined: the stack loop is the hot spot) */
static inline __attribute__((always_inline)) size_t put_quantity(char *p, const zg_u256 *v)
{
    char *s = p;
    *p++ = '0';
    *p++ = 'x';
    int started = 0;
    for (int i = 3; i >= 0; i--)
        for (int sh = 60; sh >= 0; sh -= 4) {
            unsigned d = (unsigned)(v->w[i] >> sh) & 15;
            if (!started && !d) continue;
            started = 1;
            *p++ = hx[d];
        }
    if (!started) *p++ = '0';
    return (size_t)(p - s);
}

static int reserve_out(evm_exec *ex, size_t need)
{
    if (need <= ex->trace_out_cap) return 0;
    size_t ncap = ex->trace_out_cap ? ex->trace_out_cap : 4096;
    while (ncap < need) ncap *= 2;
    char *b = realloc(ex->trace_out, ncap);
    if (!b) return -1;
    ex->trace_out = b;
    ex->trace_out_cap = ncap;
    return 0;
}

static size_t put_hex(char *p, const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[2 * i] = hx[d[i] >> 4];
        p[2 * i + 1] = hx[d[i] & 15];
    }
    return 2 * n;
}

/* write the pending line with cost = gas before it - gas after it */
static inline void flush(evm_exec *ex, int64_t gas_after)
{
    if (!ex->trace_frame) return;
    ex->trace_frame = NULL;
    if (reserve_out(ex, ex->trace_len + 32)) return;
    int64_t cost = ex->trace_gas - gas_after;
    if (cost < 0) cost = 0;
    char *o = ex->trace_out;
    memcpy(o, ex->trace_buf, ex->trace_split);
    size_t n = ex->trace_split;
    n += (size_t)sprintf(o + n, "0x%llx", (unsigned long long)cost);
    memcpy(o + n, ex->trace_buf + ex->trace_split, ex->trace_len - ex->trace_split);
    n += ex->trace_len - ex->trace_split;
    ex->trace_fn(ex->trace_arg, o, n);
}

void evm_trace_flush(evm_exec *ex, int64_t gas_after) { flush(ex, gas_after); }

void evm_trace_step(evm_frame *f, size_t pc, int64_t gas, const zg_u256 *sp, ptrdiff_t height)
{
    evm_exec *ex = f->ex;
    uint8_t op = f->code->code[pc];
    if (height < 0) height = 0;
    ex->trace_op = op;
    ex->trace_height = (int)height;
    if (!ex->trace_fn) return; /* frame hooks only */
    /* the previous instruction ended: in this frame, or it called into this one */
    if (ex->trace_frame) flush(ex, ex->trace_frame == f ? gas : ex->trace_frame->gas_left);
    const int with_mem = (ex->trace_flags & ZG_EXEC_TRACE_MEMORY) != 0;
    const int with_storage = (ex->trace_flags & ZG_EXEC_TRACE_STORAGE) && ((op == OP_SLOAD && height >= 1) ||
                                                                          (op == OP_SSTORE && height >= 2));
    if (reserve(ex, 512 + (size_t)height * 70 + 2 * f->ret_len + (with_mem ? 2 * f->mem_size + 16 : 0))) return;
    const evm_trait *t = &evm_traits[op];
    char *b = ex->trace_buf;
    int n = sprintf(b, "{\"pc\":%zu,\"op\":%u,\"gas\":\"0x%llx\",\"gasCost\":\"", pc, op, (unsigned long long)gas);
    ex->trace_split = (size_t)n;
    size_t len = (size_t)n;
    if (with_mem) { /* EIP-3155's optional memory field */
        len += (size_t)sprintf(b + len, "\",\"memSize\":%zu,\"memory\":\"0x", f->mem_size);
        len += put_hex(b + len, f->mem, f->mem_size);
        len += (size_t)sprintf(b + len, "\",\"stack\":[");
    } else {
        len += (size_t)sprintf(b + len, "\",\"memSize\":%zu,\"stack\":[", f->mem_size);
    }
    const zg_u256 *bottom = sp - height + 1;
    for (ptrdiff_t i = 0; i < height; i++) {
        if (i) b[len++] = ',';
        b[len++] = '"';
        len += put_quantity(b + len, &bottom[i]);
        b[len++] = '"';
    }
    /* the last call's return data (RETURNDATA), "0x" when empty */
    len += (size_t)sprintf(b + len, "],\"returnData\":\"0x");
    len += put_hex(b + len, f->ret, f->ret_len);
    const char *name = t->name;
    char unknown[16];
    if (!name) {
        snprintf(unknown, sizeof unknown, "opcode 0x%02x", op);
        name = unknown;
    }
    len += (size_t)sprintf(b + len, "\",\"depth\":%d,\"refund\":%lld,\"opName\":\"%s\"", f->depth + 1,
                           (long long)ex->refund, name);
    if (with_storage) {
        /* EIP-3155's optional storage field: the slot this instruction
         * reads (its value now) or writes (the new value) */
        zg_u256 v = op == OP_SSTORE ? sp[-1] : evm_slot_get(ex, f->self, sp)->cur;
        len += (size_t)sprintf(b + len, ",\"storage\":{\"");
        len += put_quantity(b + len, sp);
        len += (size_t)sprintf(b + len, "\":\"");
        len += put_quantity(b + len, &v);
        len += (size_t)sprintf(b + len, "\"}");
    }
    b[len++] = '}';
    ex->trace_len = len;
    ex->trace_frame = f;
    ex->trace_gas = gas;
}

/* geth's words for an error found at the instruction last stepped
 * (ex->trace_op, ex->trace_height); NULL: zg_exec_error_name's */
static const char *error_text(evm_exec *ex, int st)
{
    const evm_trait *t = &evm_traits[ex->trace_op];
    switch (st) {
    case ZG_EXEC_ERR_STACK_UNDERFLOW:
        snprintf(ex->trace_errbuf, sizeof ex->trace_errbuf, "stack underflow (%d <=> %d)", ex->trace_height, t->in);
        return ex->trace_errbuf;
    case ZG_EXEC_ERR_STACK_OVERFLOW:
        snprintf(ex->trace_errbuf, sizeof ex->trace_errbuf, "stack limit reached %d (%d)", ex->trace_height,
                 EVM_STACK_LIMIT + t->in - t->out);
        return ex->trace_errbuf;
    case ZG_EXEC_ERR_INVALID_OPCODE:
        if (t->name)
            snprintf(ex->trace_errbuf, sizeof ex->trace_errbuf, "invalid opcode: %s", t->name);
        else
            snprintf(ex->trace_errbuf, sizeof ex->trace_errbuf, "invalid opcode: opcode %#x not defined",
                     (unsigned)ex->trace_op);
        return ex->trace_errbuf;
    default:
        return NULL;
    }
}

void evm_trace_frame_end(evm_exec *ex, const evm_frame *f, int st)
{
    const int failed = st != EVM_OK && st != EVM_REVERT;
    ex->trace_errtext = failed ? error_text(ex, st) : NULL;
    if (ex->trace_frame != f) return;
    if (!failed) {
        flush(ex, f->gas_left);
        return;
    }
    /* The frame failed at its last instruction.  geth reports the static
     * cost there (the dynamic part too for out of gas, which we bound by
     * the gas left), and an "error" only for what it checks before running
     * the instruction: stack bounds and gas. */
    int64_t cost = evm_traits[ex->trace_op].gas;
    if (st == ZG_EXEC_ERR_OUT_OF_GAS && ex->trace_gas >= cost) cost = ex->trace_gas;
    if (st == ZG_EXEC_ERR_OUT_OF_GAS || st == ZG_EXEC_ERR_STACK_UNDERFLOW || st == ZG_EXEC_ERR_STACK_OVERFLOW) {
        const char *why = ex->trace_errtext ? ex->trace_errtext : zg_exec_error_name(st);
        if (!reserve(ex, ex->trace_len + strlen(why) + 16)) {
            ex->trace_len--; /* the closing brace */
            ex->trace_len += (size_t)sprintf(ex->trace_buf + ex->trace_len, ",\"error\":\"%s\"}", why);
        }
    }
    flush(ex, ex->trace_gas - cost);
}

void evm_trace_end(evm_exec *ex, const evm_result *r, int64_t gas_used)
{
    if (ex->trace_frame) flush(ex, ex->trace_frame->gas_left);
    if (!ex->trace_fn) return;
    if (reserve_out(ex, 256 + 2 * r->out_len)) return;
    char *b = ex->trace_out;
    size_t len = (size_t)sprintf(b, "{\"output\":\"");
    len += put_hex(b + len, r->out, r->out_len);
    len += (size_t)sprintf(b + len, "\",\"gasUsed\":\"0x%llx\"", (unsigned long long)gas_used);
    if (r->status == EVM_REVERT)
        len += (size_t)sprintf(b + len, ",\"error\":\"execution reverted\"");
    else if (r->status != EVM_OK)
        len += (size_t)sprintf(b + len, ",\"error\":\"%s\"", zg_exec_error_name(r->status));
    b[len++] = '}';
    ex->trace_fn(ex->trace_arg, b, len);
}

/* ---- frame hooks ---- */

void evm_trace_enter(evm_exec *ex, int kind, int depth, const uint8_t from[20], const uint8_t to[20],
                     const uint8_t *input, size_t input_len, int64_t gas, const zg_u256 *value)
{
    /* the calling instruction's line first: its cost includes the gas
     * handed over (what the caller has left now) */
    if (ex->trace_frame) flush(ex, ex->trace_frame->gas_left);
    ex->trace_errtext = NULL; /* set by the message's failure, if any */
    if (!ex->trace_enter) return;
    zg_exec_frame fr;
    memset(&fr, 0, sizeof fr);
    fr.struct_size = sizeof fr;
    fr.kind = kind;
    fr.depth = depth;
    memcpy(fr.from, from, 20);
    memcpy(fr.to, to, 20);
    fr.input = input_len ? input : NULL;
    fr.input_len = input_len;
    fr.gas = gas > 0 ? (uint64_t)gas : 0;
    if (value) fr.value = *value;
    ex->trace_enter(ex->trace_arg, &fr);
}

void evm_trace_exit(evm_exec *ex, int depth, int st, int64_t gas, int64_t gas_left, const uint8_t *out,
                    size_t out_len, const char *errtext)
{
    if (!ex->trace_exit) return;
    zg_exec_frame_end e;
    memset(&e, 0, sizeof e);
    e.struct_size = sizeof e;
    e.depth = depth;
    if (st == EVM_OK) {
        e.status = ZG_EXEC_SUCCESS;
    } else if (st == EVM_REVERT) {
        e.status = ZG_EXEC_REVERT;
    } else {
        e.status = ZG_EXEC_FAILURE;
        e.error = st;
        e.error_text = !errtext ? ex->trace_errtext : *errtext ? errtext : NULL;
        out = NULL;
        out_len = 0;
    }
    e.gas_used = gas > gas_left ? (uint64_t)(gas - gas_left) : 0;
    e.output = out_len ? out : NULL;
    e.output_len = out_len;
    ex->trace_exit(ex->trace_arg, &e);
}

#define EVM_TRACED 1
#define EVM_LOOP_NAME evm_interpret_traced
#include "interp_loop.h"

int evm_op_log_traced(evm_frame *f, zg_u256 *sp, unsigned ntopics)
{
    evm_exec *ex = f->ex;
    const size_t before = ex->nlogs;
    int st = evm_op_log(f, sp, ntopics);
    if (st == EVM_OK && ex->trace_log && ex->nlogs > before) {
        const evm_log *lg = &ex->logs[ex->nlogs - 1];
        zg_exec_log l = {.ntopics = lg->ntopics, .topics = (const uint8_t(*)[32])lg->topics,
                         .data = lg->data_len ? ex->logdata + lg->data_off : NULL, .data_len = lg->data_len};
        memcpy(l.address, lg->addr, 20);
        ex->trace_log(ex->trace_arg, f->depth, &l);
    }
    return st;
}

void evm_trace_message_exit(evm_exec *ex, const evm_msg *m, const evm_result *r)
{
    const uint8_t *out = r->out;
    size_t n = r->out_len;
    if ((m->kind == M_CREATE || m->kind == M_CREATE2) && r->status == EVM_OK) { /* the deployed code */
        out = m->to->code;
        n = m->to->code_len;
    }
    evm_trace_exit(ex, m->depth, r->status, m->gas, r->gas_left, out, n, NULL);
}
