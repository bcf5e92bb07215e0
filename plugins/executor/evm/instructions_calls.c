/* instructions_calls.c — CALL, CALLCODE, DELEGATECALL, STATICCALL, CREATE,
 * CREATE2 and SELFDESTRUCT (EIP-6780): the gas rules around a child
 * message (EIP-150 63/64, EIP-2929 access, value and new-account costs,
 * stipend, EIP-3860 initcode metering) and the stack effects.  The child
 * message itself runs in transaction.c (evm_message). */
#include "config.h"
#include "evm.h"

static inline int charge(evm_frame *f, int64_t g)
{
    if (g > f->gas_left) return ZG_EXEC_ERR_OUT_OF_GAS;
    f->gas_left -= g;
    return 0;
}

int evm_op_call(evm_frame *f, zg_u256 *sp, int kind)
{
    evm_exec *ex = f->ex;
    const int has_value = kind == M_CALL || kind == M_CALLCODE;
    const zg_u256 *args = has_value ? &sp[-3] : &sp[-2]; /* in off, in size, out off, out size */
    zg_u256 *result = has_value ? &sp[-6] : &sp[-5];
    zg_u256 value = has_value ? sp[-2] : ZG_U256_ZERO;
    int st;

    uint64_t in_o, in_n, out_o, out_n;
    if ((st = evm_mem_need(f, &args[0], &args[-1], &in_o, &in_n))) return st;
    if ((st = evm_mem_need(f, &args[-2], &args[-3], &out_o, &out_n))) return st;

    uint8_t to_addr[20];
    evm_u256_to_addr(&sp[-1], to_addr);
    evm_acct *to = evm_acct_get(ex, to_addr);
    int nonzero = !zg_u256_is_zero(&value);
    int64_t extra = 0; /* the warm access cost is the instruction's base gas */
    if (evm_warm_acct(ex, to)) extra += G_COLD_ACCOUNT - G_WARM;
    if (nonzero) {
        extra += G_CALL_VALUE;
        if (kind == M_CALL && evm_acct_empty(to)) extra += G_NEW_ACCOUNT;
    }
    if ((st = charge(f, extra))) return st;
    /* EIP-150: at most all but one 64th of what is left */
    int64_t cap = f->gas_left - f->gas_left / 64;
    int64_t g = (zg_u256_fits_u64(&sp[0]) && sp[0].w[0] < (uint64_t)cap) ? (int64_t)sp[0].w[0] : cap;
    f->gas_left -= g;
    if (kind == M_CALL && nonzero && f->is_static) return ZG_EXEC_ERR_STATIC_WRITE;
    if (nonzero) g += G_CALL_STIPEND;

    f->ret_len = 0;
    if (EVM_UNLIKELY(ex->tracing)) /* DELEGATECALL: the value the callee sees */
        evm_trace_enter(ex, kind, f->depth + 1, f->self->addr, to_addr, in_n ? f->mem + in_o : NULL, (size_t)in_n, g,
                        kind == M_DELEGATECALL ? &f->value : &value);
    if ((has_value && zg_u256_lt(&f->self->balance, &value)) || f->depth + 1 > EVM_MAX_DEPTH) {
        f->gas_left += g;
        *result = ZG_U256_ZERO;
        if (EVM_UNLIKELY(ex->tracing))
            evm_trace_exit(ex, f->depth + 1,
                           f->depth + 1 > EVM_MAX_DEPTH ? ZG_EXEC_ERR_CALL_DEPTH : ZG_EXEC_ERR_INSUFFICIENT_BALANCE, g, g,
                           NULL, 0, "");
        return EVM_OK;
    }

    evm_msg m;
    memset(&m, 0, sizeof m);
    m.kind = kind;
    m.depth = f->depth + 1;
    m.gas = g;
    m.input = in_n ? f->mem + in_o : NULL;
    m.input_len = (size_t)in_n;
    m.code_from = to;
    m.is_static = f->is_static;
    switch (kind) {
    case M_CALL:
        m.to = to;
        m.from = f->self;
        m.caller = f->self->addr;
        m.value = value;
        m.transfer = 1;
        break;
    case M_CALLCODE:
        m.to = f->self;
        m.from = f->self;
        m.caller = f->self->addr;
        m.value = value;
        m.transfer = 1;
        break;
    case M_DELEGATECALL:
        m.to = f->self;
        m.from = NULL;
        m.caller = f->caller;
        m.value = f->value;
        m.transfer = 0;
        break;
    default: /* M_STATICCALL */
        m.to = to;
        m.from = f->self;
        m.caller = f->self->addr;
        m.transfer = 1; /* of zero: touches the recipient */
        m.is_static = 1;
        break;
    }
    evm_result r;
    evm_message(ex, &m, &r);
    if (EVM_UNLIKELY(ex->tracing)) evm_trace_message_exit(ex, &m, &r);
    f->gas_left += r.gas_left;
    evm_ret_copy(f, r.out, r.out_len);
    size_t k = r.out_len < out_n ? r.out_len : (size_t)out_n;
    if (k) memcpy(f->mem + out_o, f->ret, k);
    zg_u256_set_u64(result, r.status == EVM_OK);
    return EVM_OK;
}

int evm_op_create(evm_frame *f, zg_u256 *sp, int kind)
{
    evm_exec *ex = f->ex;
    zg_u256 *result = kind == M_CREATE2 ? &sp[-3] : &sp[-2];
    const zg_u256 value = sp[0];
    int st;
    uint64_t o, n;
    if ((st = evm_mem_need(f, &sp[-1], &sp[-2], &o, &n))) return st;
    uint64_t w = (n + 31) / 32;
    if ((st = charge(f, (int64_t)(G_INITCODE_WORD * w + (kind == M_CREATE2 ? G_KECCAK_WORD * w : 0)))))
        return st;
    if (n > EVM_MAX_INITCODE_SIZE) return ZG_EXEC_ERR_OUT_OF_GAS; /* EIP-3860 */
    if (f->is_static) return ZG_EXEC_ERR_STATIC_WRITE;

    const uint8_t *init = n ? f->mem + o : NULL;
    evm_acct *self = f->self;
    uint8_t addr[20];
    if (kind == M_CREATE2) {
        uint8_t salt[32];
        zg_u256_store_be32(&sp[-3], salt);
        evm_create2_address(self->addr, salt, init, (size_t)n, addr);
    } else {
        evm_create_address(self->addr, self->nonce, addr);
    }
    evm_acct *na = evm_acct_get(ex, addr);
    evm_warm_acct(ex, na);
    int64_t g = f->gas_left - f->gas_left / 64;
    if (EVM_UNLIKELY(ex->tracing)) {
        evm_trace_flush(ex, f->gas_left); /* geth's CREATE cost leaves the callee's gas out */
        evm_trace_enter(ex, kind, f->depth + 1, self->addr, addr, init, (size_t)n, g, &value);
    }
    f->gas_left -= g;
    f->ret_len = 0;
    if (zg_u256_lt(&self->balance, &value) || self->nonce == UINT64_MAX || f->depth + 1 > EVM_MAX_DEPTH) {
        f->gas_left += g;
        *result = ZG_U256_ZERO;
        if (EVM_UNLIKELY(ex->tracing)) { /* in geth's order of checks */
            int e = f->depth + 1 > EVM_MAX_DEPTH          ? ZG_EXEC_ERR_CALL_DEPTH
                    : zg_u256_lt(&self->balance, &value) ? ZG_EXEC_ERR_INSUFFICIENT_BALANCE
                                                         : ZG_EXEC_ERR_ADDRESS_COLLISION;
            evm_trace_exit(ex, f->depth + 1, e, g, g, NULL, 0,
                           e == ZG_EXEC_ERR_ADDRESS_COLLISION ? "nonce uint64 overflow" : "");
        }
        return EVM_OK;
    }
    evm_set_nonce(ex, self, self->nonce + 1);
    if (na->nonce != 0 || evm_acct_has_code(na) || na->has_storage) {
        /* collision: the child's gas is lost */
        *result = ZG_U256_ZERO;
        if (EVM_UNLIKELY(ex->tracing)) evm_trace_exit(ex, f->depth + 1, ZG_EXEC_ERR_ADDRESS_COLLISION, g, 0, NULL, 0, "");
        return EVM_OK;
    }
    evm_msg m;
    memset(&m, 0, sizeof m);
    m.kind = kind;
    m.depth = f->depth + 1;
    m.gas = g;
    m.to = na;
    m.from = self;
    m.caller = self->addr;
    m.value = value;
    m.transfer = 1;
    m.input = init;
    m.input_len = (size_t)n;
    evm_result r;
    evm_message(ex, &m, &r);
    if (EVM_UNLIKELY(ex->tracing)) evm_trace_message_exit(ex, &m, &r);
    f->gas_left += r.gas_left;
    if (r.status == EVM_OK) {
        evm_addr_to_u256(result, addr);
    } else {
        evm_ret_copy(f, r.out, r.out_len);
        *result = ZG_U256_ZERO;
    }
    return EVM_OK;
}

int evm_op_selfdestruct(evm_frame *f, zg_u256 *sp)
{
    evm_exec *ex = f->ex;
    evm_acct *self = f->self;
    uint8_t addr[20];
    evm_u256_to_addr(sp, addr);
    evm_acct *b = evm_acct_get(ex, addr);
    int64_t cost = 0;
    if (evm_warm_acct(ex, b)) cost += G_COLD_ACCOUNT;
    if (evm_acct_empty(b) && !zg_u256_is_zero(&self->balance)) cost += G_SELFDESTRUCT_NEW;
    int st;
    if ((st = charge(f, cost))) return st;
    if (f->is_static) return ZG_EXEC_ERR_STATIC_WRITE;
    zg_u256 bal = self->balance;
    if (EVM_UNLIKELY(ex->tracing)) { /* geth reports the transfer as a frame */
        evm_trace_enter(ex, ZG_EXEC_FRAME_SELFDESTRUCT, f->depth + 1, self->addr, addr, NULL, 0, 0, &bal);
        evm_trace_exit(ex, f->depth + 1, EVM_OK, 0, 0, NULL, 0, NULL);
    }
    evm_sub_balance(ex, self, &bal);
    evm_add_balance(ex, b, &bal);
    if (self->created) {
        /* EIP-6780: only an account created in this transaction goes; a
         * beneficiary equal to itself burns the balance */
        zg_u256 z = ZG_U256_ZERO;
        evm_set_balance(ex, self, &z);
        evm_mark_destructed(ex, self);
    }
    evm_touch(ex, b);
    return EVM_OK;
}
