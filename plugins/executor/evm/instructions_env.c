/* instructions_env.c — reads of other accounts (EIP-2929 priced) and of
 * the chain: BALANCE, EXTCODESIZE, EXTCODEHASH, BLOCKHASH. */
#include "config.h"
#include "evm.h"

/* the account named by the top item, charging the cold surcharge */
static int access(evm_frame *f, const zg_u256 *v, evm_acct **out)
{
    uint8_t addr[20];
    evm_u256_to_addr(v, addr);
    evm_acct *a = evm_acct_get(f->ex, addr);
    if (evm_warm_acct(f->ex, a)) {
        if (f->gas_left < G_COLD_ACCOUNT - G_WARM) return ZG_EXEC_ERR_OUT_OF_GAS;
        f->gas_left -= G_COLD_ACCOUNT - G_WARM;
    }
    *out = a;
    return EVM_OK;
}

int evm_op_balance(evm_frame *f, zg_u256 *sp)
{
    evm_acct *a;
    int st = access(f, sp, &a);
    if (st) return st;
    *sp = a->balance;
    return EVM_OK;
}

int evm_op_extcodesize(evm_frame *f, zg_u256 *sp)
{
    evm_acct *a;
    int st = access(f, sp, &a);
    if (st) return st;
    evm_acct_load_code(f->ex, a);
    zg_u256_set_u64(sp, a->code_len);
    return EVM_OK;
}

int evm_op_extcodehash(evm_frame *f, zg_u256 *sp)
{
    evm_acct *a;
    int st = access(f, sp, &a);
    if (st) return st;
    /* EIP-1052 with EIP-161: an empty account hashes to zero */
    if (evm_acct_empty(a))
        *sp = ZG_U256_ZERO;
    else
        zg_u256_load_be32(sp, a->code_hash);
    return EVM_OK;
}

int evm_op_blockhash(evm_frame *f, zg_u256 *sp)
{
    uint8_t h[32] = {0};
    if (zg_u256_fits_u64(sp)) evm_block_hash(f->ex, sp->w[0], h);
    zg_u256_load_be32(sp, h);
    return EVM_OK;
}
