/* tracer.c — EIP-3155 tracing.  The traced interpreter is interp_loop.h
 * compiled again with EVM_TRACED 1: every instruction goes through
 * evm_trace_step before its stack and base-gas checks, so the plain loop
 * carries no tracing code at all.  Lines go to the executor's trace sink
 * (zg_exec_trace_fn), one JSON object each:
 *   {"pc":0,"op":96,"gas":"0x5f5e100","gasCost":"0x3","memSize":0,
 *    "stack":[],"returnData":"0x","depth":1,"refund":0,"opName":"PUSH1"}
 * and after the transaction {"output":"..","gasUsed":"0x..","error":".."}.
 * A step's line is held until its gas cost is known: the gas left before
 * the frame's next instruction, or, for a call or creation, before the
 * callee's first one (so the cost includes the gas handed over, as geth
 * reports it), or when the frame ends. */
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

/* "0x..." quantity of a u256 */
static size_t put_quantity(char *p, const zg_u256 *v)
{
    static const char hx[] = "0123456789abcdef";
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

/* write the pending line with cost = gas before it - gas after it */
static void flush(evm_exec *ex, int64_t gas_after)
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

void evm_trace_step(evm_frame *f, size_t pc, int64_t gas, const zg_u256 *sp, ptrdiff_t height)
{
    evm_exec *ex = f->ex;
    /* the previous instruction ended: in this frame, or it called into this one */
    if (ex->trace_frame) flush(ex, ex->trace_frame == f ? gas : ex->trace_frame->gas_left);
    if (height < 0) height = 0;
    if (reserve(ex, 512 + (size_t)height * 70 + 2 * f->ret_len)) return;
    uint8_t op = f->code->code[pc];
    const evm_trait *t = &evm_traits[op];
    char *b = ex->trace_buf;
    int n = sprintf(b, "{\"pc\":%zu,\"op\":%u,\"gas\":\"0x%llx\",\"gasCost\":\"", pc, op, (unsigned long long)gas);
    ex->trace_split = (size_t)n;
    size_t len = (size_t)n;
    len += (size_t)sprintf(b + len, "\",\"memSize\":%zu,\"stack\":[", f->mem_size);
    const zg_u256 *bottom = sp - height + 1;
    for (ptrdiff_t i = 0; i < height; i++) {
        if (i) b[len++] = ',';
        b[len++] = '"';
        len += put_quantity(b + len, &bottom[i]);
        b[len++] = '"';
    }
    /* the last call's return data (RETURNDATA), "0x" when empty */
    static const char hx[] = "0123456789abcdef";
    len += (size_t)sprintf(b + len, "],\"returnData\":\"0x");
    for (size_t i = 0; i < f->ret_len; i++) {
        b[len++] = hx[f->ret[i] >> 4];
        b[len++] = hx[f->ret[i] & 15];
    }
    char name[16];
    if (t->name)
        snprintf(name, sizeof name, "%s", t->name);
    else
        snprintf(name, sizeof name, "opcode 0x%02x", op);
    len += (size_t)sprintf(b + len, "\",\"depth\":%d,\"refund\":%lld,\"opName\":\"%s\"}", f->depth + 1,
                           (long long)ex->refund, name);
    ex->trace_len = len;
    ex->trace_frame = f;
    ex->trace_gas = gas;
}

void evm_trace_frame_end(evm_exec *ex, const evm_frame *f)
{
    if (ex->trace_frame == f) flush(ex, f->gas_left);
}

void evm_trace_end(evm_exec *ex, const evm_result *r, int64_t gas_used)
{
    if (ex->trace_frame) flush(ex, ex->trace_frame->gas_left);
    if (reserve_out(ex, 256 + 2 * r->out_len)) return;
    char *b = ex->trace_out;
    size_t len = (size_t)sprintf(b, "{\"output\":\"");
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < r->out_len; i++) {
        b[len++] = hx[r->out[i] >> 4];
        b[len++] = hx[r->out[i] & 15];
    }
    len += (size_t)sprintf(b + len, "\",\"gasUsed\":\"0x%llx\"", (unsigned long long)gas_used);
    if (r->status == EVM_REVERT)
        len += (size_t)sprintf(b + len, ",\"error\":\"execution reverted\"");
    else if (r->status != EVM_OK)
        len += (size_t)sprintf(b + len, ",\"error\":\"%s\"", zg_exec_error_name(r->status));
    b[len++] = '}';
    ex->trace_fn(ex->trace_arg, b, len);
}

#define EVM_TRACED 1
#define EVM_LOOP_NAME evm_interpret_traced
#include "interp_loop.h"
