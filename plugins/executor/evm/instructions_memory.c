/* instructions_memory.c — instructions that move bytes into or out of
 * memory: KECCAK256, the *COPY family, MCOPY, RETURN/REVERT. */
#include "config.h"
#include <zg/keccak.h>
#include "evm.h"

static inline uint64_t words(uint64_t n) { return (n + 31) / 32; }

static inline int charge(evm_frame *f, uint64_t g)
{
    if ((int64_t)g > f->gas_left) return ZG_EXEC_ERR_OUT_OF_GAS;
    f->gas_left -= (int64_t)g;
    return 0;
}

/* copy n bytes of src[off..] into memory at dst, zero-filling past len */
static void copy_padded(uint8_t *dst, const uint8_t *src, size_t len, const zg_u256 *off, uint64_t n)
{
    uint64_t o = zg_u256_clamp(off, UINT64_MAX);
    size_t avail = (zg_u256_fits_u64(off) && o < len) ? (size_t)(len - o) : 0;
    size_t k = avail < n ? avail : (size_t)n;
    if (k) memcpy(dst, src + o, k);
    if (k < n) memset(dst + k, 0, (size_t)n - k);
}

int evm_op_keccak(evm_frame *f, zg_u256 *sp)
{
    uint64_t o, n;
    int st = evm_mem_need(f, &sp[0], &sp[-1], &o, &n);
    if (st) return st;
    if ((st = charge(f, G_KECCAK_WORD * words(n)))) return st;
    uint8_t h[32];
    zg_keccak256(n ? f->mem + o : (const uint8_t *)"", (size_t)n, h);
    zg_u256_load_be32(&sp[-1], h);
    return EVM_OK;
}

/* dst offset sp[0], src offset sp[-1], size sp[-2] */
static int copy_op(evm_frame *f, zg_u256 *sp, const uint8_t *src, size_t len)
{
    uint64_t o, n;
    int st = evm_mem_need(f, &sp[0], &sp[-2], &o, &n);
    if (st) return st;
    if ((st = charge(f, G_COPY * words(n)))) return st;
    if (n) copy_padded(f->mem + o, src, len, &sp[-1], n);
    return EVM_OK;
}

int evm_op_calldatacopy(evm_frame *f, zg_u256 *sp) { return copy_op(f, sp, f->input, f->input_len); }

int evm_op_codecopy(evm_frame *f, zg_u256 *sp) { return copy_op(f, sp, f->code->code, f->code->len); }

int evm_op_returndatacopy(evm_frame *f, zg_u256 *sp)
{
    uint64_t o, n;
    int st = evm_mem_need(f, &sp[0], &sp[-2], &o, &n);
    if (st) return st;
    if ((st = charge(f, G_COPY * words(n)))) return st;
    zg_u256 end;
    if (zg_u256_add(&end, &sp[-1], &sp[-2]) || !zg_u256_fits_u64(&end) || end.w[0] > f->ret_len)
        return ZG_EXEC_ERR_RETURNDATA_RANGE;
    if (n) memcpy(f->mem + o, f->ret + sp[-1].w[0], (size_t)n);
    return EVM_OK;
}

int evm_op_mcopy(evm_frame *f, zg_u256 *sp)
{
    /* dst sp[0], src sp[-1], size sp[-2]: memory must cover both ranges */
    uint64_t d, s, n;
    int st = evm_mem_need(f, &sp[0], &sp[-2], &d, &n);
    if (st) return st;
    if ((st = evm_mem_need(f, &sp[-1], &sp[-2], &s, &n))) return st;
    if ((st = charge(f, G_COPY * words(n)))) return st;
    if (n) memmove(f->mem + d, f->mem + s, (size_t)n);
    return EVM_OK;
}

int evm_op_extcodecopy(evm_frame *f, zg_u256 *sp)
{
    /* address sp[0], dst sp[-1], code offset sp[-2], size sp[-3] */
    evm_exec *ex = f->ex;
    uint8_t addr[20];
    evm_u256_to_addr(&sp[0], addr);
    evm_acct *a = evm_acct_get(ex, addr);
    int st;
    if (evm_warm_acct(ex, a) && (st = charge(f, G_COLD_ACCOUNT - G_WARM))) return st;
    uint64_t o, n;
    if ((st = evm_mem_need(f, &sp[-1], &sp[-3], &o, &n))) return st;
    if ((st = charge(f, G_COPY * words(n)))) return st;
    if (n) {
        evm_acct_load_code(ex, a);
        copy_padded(f->mem + o, a->code, a->code_len, &sp[-2], n);
    }
    return EVM_OK;
}

int evm_op_return(evm_frame *f, zg_u256 *sp)
{
    uint64_t o, n;
    int st = evm_mem_need(f, &sp[0], &sp[-1], &o, &n);
    if (st) return st;
    f->out_off = (size_t)o;
    f->out_len = (size_t)n;
    return EVM_OK;
}
