/* instructions_storage.c — SLOAD/SSTORE (EIP-2929 access costs, EIP-2200
 * net metering with EIP-3529 refunds), TLOAD/TSTORE (EIP-1153), LOGn. */
#include "config.h"
#include "evm.h"

int evm_op_sload(evm_frame *f, zg_u256 *sp)
{
    evm_slot *s = evm_slot_get(f->ex, f->self, sp);
    if (evm_slot_warm(f->ex, s)) {
        if (f->gas_left < G_COLD_SLOAD - G_WARM) return ZG_EXEC_ERR_OUT_OF_GAS;
        f->gas_left -= G_COLD_SLOAD - G_WARM;
    }
    *sp = s->cur;
    return EVM_OK;
}

int evm_op_sstore(evm_frame *f, zg_u256 *sp)
{
    evm_exec *ex = f->ex;
    if (f->is_static) return ZG_EXEC_ERR_STATIC_WRITE;
    /* EIP-2200: fails when no more than the call stipend is left */
    if (f->gas_left <= G_CALL_STIPEND) return ZG_EXEC_ERR_OUT_OF_GAS;
    const zg_u256 *key = &sp[0], *nv = &sp[-1];
    evm_slot *s = evm_slot_get(ex, f->self, key);
    int64_t cost = 0;
    if (evm_slot_warm(ex, s)) cost += G_COLD_SLOAD;
    const zg_u256 *orig = &s->orig, *cur = &s->cur;
    int cur_eq_new = zg_u256_eq(cur, nv);
    if (zg_u256_eq(orig, cur) && !cur_eq_new)
        cost += zg_u256_is_zero(orig) ? G_SSET : G_SRESET - G_COLD_SLOAD;
    else
        cost += G_WARM;
    if (!cur_eq_new) {
        int orig_zero = zg_u256_is_zero(orig), cur_zero = zg_u256_is_zero(cur);
        if (!orig_zero && !cur_zero && zg_u256_is_zero(nv)) ex->refund += G_SCLEAR_REFUND;
        if (!orig_zero && cur_zero) ex->refund -= G_SCLEAR_REFUND;
        if (zg_u256_eq(orig, nv))
            ex->refund += orig_zero ? G_SSET - G_WARM : G_SRESET - G_COLD_SLOAD - G_WARM;
    }
    if (cost > f->gas_left) return ZG_EXEC_ERR_OUT_OF_GAS;
    f->gas_left -= cost;
    if (!cur_eq_new) evm_slot_set(ex, s, nv);
    return EVM_OK;
}

int evm_op_tload(evm_frame *f, zg_u256 *sp)
{
    *sp = evm_tload(f->ex, f->self, sp);
    return EVM_OK;
}

int evm_op_tstore(evm_frame *f, zg_u256 *sp)
{
    if (f->is_static) return ZG_EXEC_ERR_STATIC_WRITE;
    evm_tstore(f->ex, f->self, &sp[0], &sp[-1]);
    return EVM_OK;
}

int evm_op_log(evm_frame *f, zg_u256 *sp, unsigned ntopics)
{
    if (f->is_static) return ZG_EXEC_ERR_STATIC_WRITE;
    uint64_t o, n;
    int st = evm_mem_need(f, &sp[0], &sp[-1], &o, &n);
    if (st) return st;
    if ((int64_t)(G_LOG_DATA * n) > f->gas_left) return ZG_EXEC_ERR_OUT_OF_GAS;
    f->gas_left -= (int64_t)(G_LOG_DATA * n);
    evm_log_push(f->ex, f->self->addr, ntopics, &sp[-2], n ? f->mem + o : NULL, (size_t)n);
    return EVM_OK;
}
