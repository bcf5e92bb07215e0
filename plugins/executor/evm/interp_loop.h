/* interp_loop.h — the interpreter loop, compiled twice from this one source:
 *   interp.c:  EVM_TRACED 0, EVM_LOOP_NAME evm_interpret
 *   tracer.c:  EVM_TRACED 1, EVM_LOOP_NAME evm_interpret_traced
 *
 * Dispatch is a computed goto through a table generated from opcodes.h.
 * The plain loop charges base gas and checks the stack once per basic block
 * (BLOCK_CHECK at block starts, see analysis.c); the traced loop checks and
 * charges each instruction before it runs and reports it (TRACE_STEP),
 * which is what EIP-3155 output needs.  Instruction bodies do not know
 * which loop they are in.
 *
 * Registers: ip (current instruction), sp (top stack item), gas.  Before
 * calling an out-of-line instruction the gas is stored in the frame and
 * reloaded afterwards (OUTLINE). */

#if EVM_TRACED
#define DISPATCH() goto L_trace_step
#define LOG_OP evm_op_log_traced /* reports the log to the tracer */
#define BLOCK_CHECK(pcv) ((void)0)
#else
#define DISPATCH() goto *labels[*ip]
#define LOG_OP evm_op_log
#define BLOCK_CHECK(pcv)                                                               \
    do {                                                                               \
        const evm_block *b_ = &cd->blocks[cd->blk_at[(pcv)]];                          \
        ptrdiff_t h_ = sp - stack0;                                                    \
        if (EVM_UNLIKELY(gas < (int64_t)b_->gas)) FAIL(ZG_EXEC_ERR_OUT_OF_GAS);         \
        if (EVM_UNLIKELY(h_ < (ptrdiff_t)b_->req)) FAIL(ZG_EXEC_ERR_STACK_UNDERFLOW);   \
        if (EVM_UNLIKELY(h_ + (ptrdiff_t)b_->growth > EVM_STACK_LIMIT))                 \
            FAIL(ZG_EXEC_ERR_STACK_OVERFLOW);                                          \
        gas -= (int64_t)b_->gas;                                                       \
    } while (0)
#endif

#define NEXT(n)                                                                        \
    do {                                                                               \
        ip += (n);                                                                     \
        DISPATCH();                                                                    \
    } while (0)
/* continue after an instruction that ended its block */
#define NEXT_BLOCK()                                                                   \
    do {                                                                               \
        ip += 1;                                                                       \
        if (!EVM_TRACED && *ip != OP_JUMPDEST) BLOCK_CHECK(ip - code);                  \
        DISPATCH();                                                                    \
    } while (0)
#define FAIL(e)                                                                        \
    do {                                                                               \
        st = (e);                                                                      \
        goto L_fail;                                                                   \
    } while (0)
#define OUTLINE(call, popped)                                                          \
    do {                                                                               \
        f->gas_left = gas;                                                             \
        st = (call);                                                                   \
        gas = f->gas_left;                                                             \
        if (EVM_UNLIKELY(st != EVM_OK)) goto L_fail;                                    \
        sp -= (popped);                                                                \
    } while (0)
#define BINOP(fn)                                                                      \
    do {                                                                               \
        fn(sp);                                                                        \
        sp--;                                                                          \
        NEXT(1);                                                                       \
    } while (0)
#define MEM_WORD(offp, width)                                                          \
    do {                                                                               \
        if (EVM_UNLIKELY(!zg_u256_fits_u64(offp) || (offp)->w[0] > (1ULL << 32)))      \
            FAIL(ZG_EXEC_ERR_OUT_OF_GAS);                                              \
        if ((offp)->w[0] + (width) > f->mem_size) {                                    \
            f->gas_left = gas;                                                         \
            st = evm_mem_grow(f, (offp)->w[0] + (width));                              \
            gas = f->gas_left;                                                         \
            if (st) goto L_fail;                                                       \
        }                                                                              \
    } while (0)
#define JUMP_TO(dst)                                                                   \
    do {                                                                               \
        if (EVM_UNLIKELY(!zg_u256_fits_u64(dst) || !evm_is_jumpdest(cd, (dst)->w[0])))  \
            FAIL(ZG_EXEC_ERR_BAD_JUMP);                                                \
        ip = code + (dst)->w[0];                                                       \
    } while (0)

int EVM_LOOP_NAME(evm_frame *f)
{
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#elif defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winitializer-overrides"
#endif
#define EVM_LABEL(c, name, g, i, o, k) [c] = &&L_##name,
    static const void *const labels[256] = {[0 ... 255] = &&L_UNDEFINED, EVM_OPCODES(EVM_LABEL)};
#undef EVM_LABEL
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#elif defined(__clang__)
#pragma clang diagnostic pop
#endif
    evm_exec *const ex = f->ex;
    const evm_code *const cd = f->code;
    const uint8_t *const code = cd->code;
    zg_u256 *const stack0 = f->stack; /* stack0[0] is a guard; items from stack0[1] */
    const uint8_t *ip = code;
    zg_u256 *sp = stack0;
    int64_t gas = f->gas_left;
    int st = EVM_OK;

    f->mem_size = 0;
    f->ret_len = 0;
    f->out_off = f->out_len = 0;

    if (*ip != OP_JUMPDEST) BLOCK_CHECK(0);
    DISPATCH();

#if EVM_TRACED
L_trace_step: {
    const evm_trait *t = &evm_traits[*ip];
    evm_trace_step(f, (size_t)(ip - code), gas, sp, sp - stack0);
    if (t->kind != K_UNDEFINED) {
        ptrdiff_t h = sp - stack0;
        if (h < t->in) FAIL(ZG_EXEC_ERR_STACK_UNDERFLOW);
        if (h - t->in + t->out > EVM_STACK_LIMIT) FAIL(ZG_EXEC_ERR_STACK_OVERFLOW);
        if (gas < t->gas) FAIL(ZG_EXEC_ERR_OUT_OF_GAS);
        gas -= t->gas;
    }
    goto *labels[*ip];
}
#endif

L_STOP:
    st = EVM_OK;
    goto L_exit;
L_ADD: BINOP(op_add);
L_MUL: BINOP(op_mul);
L_SUB: BINOP(op_sub);
L_DIV: BINOP(op_div);
L_SDIV: BINOP(op_sdiv);
L_MOD: BINOP(op_mod);
L_SMOD: BINOP(op_smod);
L_ADDMOD:
    op_addmod(sp);
    sp -= 2;
    NEXT(1);
L_MULMOD:
    op_mulmod(sp);
    sp -= 2;
    NEXT(1);
L_EXP: {
    int64_t cost = G_EXP_BYTE * (int64_t)zg_u256_bytelen(&sp[-1]);
    if (gas < cost) FAIL(ZG_EXEC_ERR_OUT_OF_GAS);
    gas -= cost;
    zg_u256_exp(&sp[-1], &sp[0], &sp[-1]);
    sp--;
    NEXT(1);
}
L_SIGNEXTEND: BINOP(op_signextend);
L_LT: BINOP(op_lt);
L_GT: BINOP(op_gt);
L_SLT: BINOP(op_slt);
L_SGT: BINOP(op_sgt);
L_EQ: BINOP(op_eq);
L_ISZERO:
    op_iszero(sp);
    NEXT(1);
L_AND: BINOP(op_and);
L_OR: BINOP(op_or);
L_XOR: BINOP(op_xor);
L_NOT:
    op_not(sp);
    NEXT(1);
L_BYTE: BINOP(op_byte);
L_SHL: BINOP(op_shl);
L_SHR: BINOP(op_shr);
L_SAR: BINOP(op_sar);
L_KECCAK256:
    OUTLINE(evm_op_keccak(f, sp), 1);
    NEXT(1);

L_ADDRESS:
    evm_addr_to_u256(++sp, f->self->addr);
    NEXT(1);
L_BALANCE:
    OUTLINE(evm_op_balance(f, sp), 0);
    NEXT(1);
L_ORIGIN:
    evm_addr_to_u256(++sp, ex->origin);
    NEXT(1);
L_CALLER:
    evm_addr_to_u256(++sp, f->caller);
    NEXT(1);
L_CALLVALUE:
    *++sp = f->value;
    NEXT(1);
L_CALLDATALOAD:
    op_calldataload(sp, f->input, f->input_len);
    NEXT(1);
L_CALLDATASIZE:
    zg_u256_set_u64(++sp, f->input_len);
    NEXT(1);
L_CALLDATACOPY:
    OUTLINE(evm_op_calldatacopy(f, sp), 3);
    NEXT(1);
L_CODESIZE:
    zg_u256_set_u64(++sp, cd->len);
    NEXT(1);
L_CODECOPY:
    OUTLINE(evm_op_codecopy(f, sp), 3);
    NEXT(1);
L_GASPRICE:
    *++sp = ex->gas_price;
    NEXT(1);
L_EXTCODESIZE:
    OUTLINE(evm_op_extcodesize(f, sp), 0);
    NEXT(1);
L_EXTCODECOPY:
    OUTLINE(evm_op_extcodecopy(f, sp), 4);
    NEXT(1);
L_RETURNDATASIZE:
    zg_u256_set_u64(++sp, f->ret_len);
    NEXT(1);
L_RETURNDATACOPY:
    OUTLINE(evm_op_returndatacopy(f, sp), 3);
    NEXT(1);
L_EXTCODEHASH:
    OUTLINE(evm_op_extcodehash(f, sp), 0);
    NEXT(1);
L_BLOCKHASH:
    OUTLINE(evm_op_blockhash(f, sp), 0);
    NEXT(1);
L_COINBASE:
    evm_addr_to_u256(++sp, ex->env->coinbase);
    NEXT(1);
L_TIMESTAMP:
    zg_u256_set_u64(++sp, ex->env->timestamp);
    NEXT(1);
L_NUMBER:
    zg_u256_set_u64(++sp, ex->env->number);
    NEXT(1);
L_PREVRANDAO:
    *++sp = ex->env->prevrandao;
    NEXT(1);
L_GASLIMIT:
    zg_u256_set_u64(++sp, ex->env->gas_limit);
    NEXT(1);
L_CHAINID:
    zg_u256_set_u64(++sp, ex->env->chain_id);
    NEXT(1);
L_SELFBALANCE:
    *++sp = f->self->balance;
    NEXT(1);
L_BASEFEE:
    *++sp = ex->env->base_fee;
    NEXT(1);
L_BLOBHASH:
    if (zg_u256_fits_u64(sp) && sp->w[0] < ex->nblob_hashes)
        zg_u256_load_be32(sp, ex->blob_hashes[sp->w[0]]);
    else
        *sp = ZG_U256_ZERO;
    NEXT(1);
L_BLOBBASEFEE:
    *++sp = ex->env->blob_base_fee;
    NEXT(1);

L_POP:
    sp--;
    NEXT(1);
L_MLOAD:
    MEM_WORD(sp, 32);
    zg_u256_load_be32(sp, f->mem + sp->w[0]);
    NEXT(1);
L_MSTORE:
    MEM_WORD(sp, 32);
    zg_u256_store_be32(&sp[-1], f->mem + sp->w[0]);
    sp -= 2;
    NEXT(1);
L_MSTORE8:
    MEM_WORD(sp, 1);
    f->mem[sp->w[0]] = (uint8_t)sp[-1].w[0];
    sp -= 2;
    NEXT(1);
L_SLOAD:
    OUTLINE(evm_op_sload(f, sp), 0);
    NEXT(1);
L_SSTORE:
    OUTLINE(evm_op_sstore(f, sp), 2);
    NEXT_BLOCK();
L_JUMP:
    JUMP_TO(sp);
    sp--;
    DISPATCH();
L_JUMPI:
    if (!zg_u256_is_zero(&sp[-1])) {
        JUMP_TO(sp);
        sp -= 2;
        DISPATCH();
    }
    sp -= 2;
    NEXT_BLOCK();
L_PC:
    zg_u256_set_u64(++sp, (uint64_t)(ip - code));
    NEXT(1);
L_MSIZE:
    zg_u256_set_u64(++sp, f->mem_size);
    NEXT(1);
L_GAS:
    zg_u256_set_u64(++sp, (uint64_t)gas);
    NEXT_BLOCK();
L_JUMPDEST:
    BLOCK_CHECK(ip - code);
    NEXT(1);
L_TLOAD:
    OUTLINE(evm_op_tload(f, sp), 0);
    NEXT(1);
L_TSTORE:
    OUTLINE(evm_op_tstore(f, sp), 2);
    NEXT(1);
L_MCOPY:
    OUTLINE(evm_op_mcopy(f, sp), 3);
    NEXT(1);
L_PUSH0:
    *++sp = ZG_U256_ZERO;
    NEXT(1);
#define EVM_PUSH_HANDLER(c, name, g, i, o, k)                                          \
    L_##name : op_push(++sp, ip + 1, (c) - 0x5f);                                      \
    NEXT(1 + (c) - 0x5f);
    EVM_PUSH_OPS(EVM_PUSH_HANDLER)
#undef EVM_PUSH_HANDLER

#define EVM_DUP_HANDLER(c, name, g, i, o, k)                                           \
    L_##name : sp[1] = sp[1 - ((c) - 0x7f)];                                           \
    sp++;                                                                              \
    NEXT(1);
    EVM_DUP_OPS(EVM_DUP_HANDLER)
#undef EVM_DUP_HANDLER

#define EVM_SWAP_HANDLER(c, name, g, i, o, k)                                          \
    L_##name : {                                                                       \
        zg_u256 t_ = sp[0];                                                            \
        sp[0] = sp[-((c) - 0x8f)];                                                     \
        sp[-((c) - 0x8f)] = t_;                                                        \
        NEXT(1);                                                                       \
    }
    EVM_SWAP_OPS(EVM_SWAP_HANDLER)
#undef EVM_SWAP_HANDLER

L_LOG0:
    OUTLINE(LOG_OP(f, sp, 0), 2);
    NEXT(1);
L_LOG1:
    OUTLINE(LOG_OP(f, sp, 1), 3);
    NEXT(1);
L_LOG2:
    OUTLINE(LOG_OP(f, sp, 2), 4);
    NEXT(1);
L_LOG3:
    OUTLINE(LOG_OP(f, sp, 3), 5);
    NEXT(1);
L_LOG4:
    OUTLINE(LOG_OP(f, sp, 4), 6);
    NEXT(1);

L_CREATE:
    OUTLINE(evm_op_create(f, sp, M_CREATE), 2);
    NEXT_BLOCK();
L_CREATE2:
    OUTLINE(evm_op_create(f, sp, M_CREATE2), 3);
    NEXT_BLOCK();
L_CALL:
    OUTLINE(evm_op_call(f, sp, M_CALL), 6);
    NEXT_BLOCK();
L_CALLCODE:
    OUTLINE(evm_op_call(f, sp, M_CALLCODE), 6);
    NEXT_BLOCK();
L_DELEGATECALL:
    OUTLINE(evm_op_call(f, sp, M_DELEGATECALL), 5);
    NEXT_BLOCK();
L_STATICCALL:
    OUTLINE(evm_op_call(f, sp, M_STATICCALL), 5);
    NEXT_BLOCK();
L_RETURN:
    OUTLINE(evm_op_return(f, sp), 2);
    st = EVM_OK;
    goto L_exit;
L_REVERT:
    OUTLINE(evm_op_return(f, sp), 2);
    st = EVM_REVERT;
    goto L_exit;
L_SELFDESTRUCT:
    OUTLINE(evm_op_selfdestruct(f, sp), 1);
    st = EVM_OK;
    goto L_exit;
L_INVALID:
L_UNDEFINED:
    FAIL(ZG_EXEC_ERR_INVALID_OPCODE);

L_exit:
    f->gas_left = gas;
    return st;
L_fail:
    f->gas_left = 0;
    f->out_len = 0;
    return st;
}

#undef DISPATCH
#undef LOG_OP
#undef BLOCK_CHECK
#undef NEXT
#undef NEXT_BLOCK
#undef FAIL
#undef OUTLINE
#undef BINOP
#undef MEM_WORD
#undef JUMP_TO
