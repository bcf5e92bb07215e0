/* evm.h — internals of the EVM executor (Cancun).
 *
 * Layout of the plugin:
 *   opcodes.h               the instruction set (X-macro) and traits
 *   analysis.c              code analysis (jumpdests, basic blocks) + cache
 *   state.c                 per-transaction overlay of the host state:
 *                           accounts, storage, transient storage, journal,
 *                           access lists, logs, the final change set
 *   interp_loop.h           the dispatch loop, compiled twice:
 *   interp.c                  - plain (per-block gas/stack checks)
 *   tracer.c                  - traced (per-instruction checks + EIP-3155)
 *   instructions.h          inline bodies of the simple instructions
 *   instructions_*.c        the heavier ones, grouped by domain
 *   precompiles.c           0x01..0x0a
 *   transaction.c           tx validation, gas purchase/refund, fees,
 *                           message calls and creations
 *   plugin.c                the zg_executor_iface glue
 */
#ifndef ZG_EVM_H
#define ZG_EVM_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zg/executor.h>
#include <zg/u256.h>
#include "opcodes.h"

#define EVM_STACK_LIMIT 1024
#define EVM_MAX_DEPTH 1024
#define EVM_MAX_CODE_SIZE 24576
#define EVM_MAX_INITCODE_SIZE 49152
#define EVM_CODE_PAD 33 /* zero bytes after the code: PUSH32 reads and a final STOP */

#define EVM_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Frame outcome: 0 success (STOP/RETURN/SELFDESTRUCT), EVM_REVERT, or a
 * zg_exec_error (exceptional halt: all the frame's gas is consumed). */
#define EVM_OK 0
#define EVM_REVERT 255

/* gas constants (Cancun) */
enum {
    G_WARM = 100,
    G_COLD_ACCOUNT = 2600,
    G_COLD_SLOAD = 2100,
    G_SSET = 20000,
    G_SRESET = 5000, /* EIP-2929: 5000 - COLD_SLOAD is charged when warm */
    G_SCLEAR_REFUND = 4800,
    G_CALL_VALUE = 9000,
    G_CALL_STIPEND = 2300,
    G_NEW_ACCOUNT = 25000,
    G_SELFDESTRUCT_NEW = 25000,
    G_CODE_DEPOSIT = 200,
    G_COPY = 3,
    G_KECCAK_WORD = 6,
    G_LOG_DATA = 8,
    G_EXP_BYTE = 50,
    G_INITCODE_WORD = 2,
};

/* ---------------------------------------------------------------- analysis */

typedef struct evm_block {
    uint32_t gas;      /* base gas of every instruction of the block */
    uint16_t req;      /* stack items the block needs on entry */
    uint16_t growth;   /* most items it adds above its entry height */
} evm_block;

typedef struct evm_code {
    struct evm_code *next; /* cache chain */
    uint8_t hash[32];
    int cached;
    size_t len;            /* code length */
    uint8_t *code;         /* len + EVM_CODE_PAD bytes, zero padded */
    uint64_t *jumpdest;    /* bitmap of valid JUMPDEST positions */
    uint32_t *blk_at;      /* block index for each pc that starts a block */
    evm_block *blocks;
    size_t nblocks;
    size_t mem;            /* bytes held */
} evm_code;

static inline int evm_is_jumpdest(const evm_code *c, uint64_t pc)
{
    return pc < c->len && ((c->jumpdest[pc >> 6] >> (pc & 63)) & 1);
}

evm_code *evm_analyze(const uint8_t *code, size_t len);
void evm_code_free(evm_code *c);

typedef struct evm_code_cache {
    evm_code **tab;
    size_t cap, n, bytes, limit;
} evm_code_cache;

void evm_cache_init(evm_code_cache *c, size_t limit);
void evm_cache_clear(evm_code_cache *c);
void evm_cache_free(evm_code_cache *c);
evm_code *evm_cache_get(evm_code_cache *c, const uint8_t hash[32]);
/* takes ownership of code (marks it cached) */
int evm_cache_put(evm_code_cache *c, evm_code *code);

/* ------------------------------------------------------------------- state */

typedef struct evm_acct {
    uint8_t addr[20];
    uint8_t orig_exists;   /* present in the host state */
    uint8_t warm;          /* EIP-2929 */
    uint8_t touched;       /* modified or touched (EIP-158 clean-up candidate) */
    uint8_t created;       /* created in this tx (EIP-6780, original storage = 0) */
    uint8_t destructed;    /* SELFDESTRUCT of an account created in this tx */
    uint8_t code_loaded;
    uint8_t code_set;      /* code deployed in this tx */
    uint8_t has_storage;   /* host says it has non-zero slots (EIP-7610) */
    uint32_t id;
    uint64_t nonce, orig_nonce;
    zg_u256 balance, orig_balance;
    uint8_t code_hash[32], orig_code_hash[32];
    const uint8_t *code;
    size_t code_len;
    evm_code *an;          /* analysis of code (cached or owned by the tx) */
} evm_acct;

static inline int evm_acct_empty(const evm_acct *a)
{
    return a->nonce == 0 && zg_u256_is_zero(&a->balance) &&
           memcmp(a->code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32) == 0;
}
static inline int evm_acct_has_code(const evm_acct *a)
{
    return memcmp(a->code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32) != 0;
}

typedef struct evm_slot {
    zg_u256 key;
    zg_u256 orig; /* value at the start of the transaction */
    zg_u256 cur;
    uint32_t acct;
    uint32_t warm;
} evm_slot;

typedef struct evm_tslot {
    zg_u256 key;
    zg_u256 val;
    uint32_t acct;
} evm_tslot;

enum {
    J_BALANCE, J_NONCE, J_TOUCHED, J_WARM_ACCT, J_WARM_SLOT, J_STORAGE,
    J_TSTORAGE, J_CREATED, J_DESTRUCTED, J_CODE,
};
typedef struct evm_jentry {
    uint32_t kind;
    uint32_t idx;        /* account id, slot or tslot index */
    union {
        zg_u256 u;
        uint64_t n;
    } old;
} evm_jentry;

typedef struct evm_log {
    uint8_t addr[20];
    uint32_t ntopics;
    uint8_t topics[4][32];
    size_t data_off, data_len; /* into the log data buffer */
} evm_log;

/* a growable index table of uint32 (0 = empty, else index + 1) */
typedef struct evm_index {
    uint32_t *tab;
    size_t cap; /* power of two */
} evm_index;

/* bump allocator, reset per transaction */
typedef struct evm_arena_chunk {
    struct evm_arena_chunk *next;
    size_t size, used;
    unsigned char data[];
} evm_arena_chunk;

/* ------------------------------------------------------------------- frames */

struct evm_exec;

typedef struct evm_frame {
    struct evm_exec *ex;
    const evm_code *code;
    evm_acct *self;          /* ADDRESS: the account whose storage is used */
    uint8_t caller[20];
    zg_u256 value;           /* CALLVALUE */
    const uint8_t *input;
    size_t input_len;
    int depth;
    int is_static;
    int64_t gas_left;
    /* memory */
    uint8_t *mem;
    size_t mem_size;         /* bytes, a multiple of 32 */
    size_t mem_cap;
    /* RETURNDATA of the last call (owned) */
    uint8_t *ret;
    size_t ret_len, ret_cap;
    /* output of this frame (RETURN/REVERT data, in mem) */
    size_t out_off, out_len;
    zg_u256 *stack;          /* EVM_STACK_LIMIT + 1 items; stack[0] is a guard */
} evm_frame;

/* a message (call or creation) */
enum { M_CALL, M_CALLCODE, M_DELEGATECALL, M_STATICCALL, M_CREATE, M_CREATE2 };
typedef struct evm_msg {
    int kind;
    int depth;
    int is_static;
    int64_t gas;
    evm_acct *to;            /* recipient (storage, ADDRESS); created address */
    evm_acct *code_from;     /* whose code runs (calls) */
    evm_acct *from;          /* pays the value (transfer) */
    const uint8_t *caller;   /* 20 bytes */
    zg_u256 value;           /* CALLVALUE */
    int transfer;            /* move value caller -> to */
    const uint8_t *input;    /* calldata or initcode */
    size_t input_len;
} evm_msg;

typedef struct evm_result {
    int status;              /* EVM_OK, EVM_REVERT or error */
    int64_t gas_left;
    const uint8_t *out;      /* valid until the next message at the same depth */
    size_t out_len;
} evm_result;

/* ------------------------------------------------------------ the executor */

typedef struct evm_exec {
    /* per transaction */
    const zg_exec_env *env;
    const zg_exec_state *st;
    uint8_t origin[20];
    zg_u256 gas_price;
    const uint8_t (*blob_hashes)[32];
    size_t nblob_hashes;
    int host_err;            /* first host callback error (aborts the tx) */
    int oom;

    evm_acct **accts;        /* by id */
    size_t naccts, accts_cap;
    evm_index acct_idx;
    evm_acct *acct_pool;     /* current chunk */
    size_t pool_left;
    void **pool_chunks;
    size_t npool_chunks, pool_chunks_cap;

    evm_slot *slots;
    size_t nslots, slots_cap;
    evm_index slot_idx;

    evm_tslot *tslots;
    size_t ntslots, tslots_cap;
    evm_index tslot_idx;

    evm_jentry *journal;
    size_t njournal, journal_cap;

    evm_log *logs;
    size_t nlogs, logs_cap;
    uint8_t *logdata;
    size_t logdata_len, logdata_cap;

    int64_t refund;

    evm_arena_chunk *arena;
    evm_code **owned_codes;  /* analyses the cache could not take, freed per tx */
    size_t nowned, owned_cap;

    evm_frame *frames[EVM_MAX_DEPTH + 1];
    int depth_hw;            /* deepest frame used since the last trim */

    /* results */
    zg_exec_change *changes;
    size_t nchanges, changes_cap;
    zg_exec_slot *chslots;
    size_t nchslots, chslots_cap;
    zg_exec_log *xlogs;
    size_t xlogs_cap;
    uint8_t *output;
    size_t output_len, output_cap;

    /* across transactions */
    evm_code_cache cache;
    zg_exec_trace_fn trace_fn;
    void *trace_arg;
    char *trace_buf;         /* the pending step line, without its gas cost */
    size_t trace_cap;
    char *trace_out;         /* a finished line */
    size_t trace_out_cap;
    size_t trace_len, trace_split; /* pending line length; where the cost goes */
    const evm_frame *trace_frame;  /* frame of the pending line (NULL: none) */
    int64_t trace_gas;             /* gas before the pending instruction */

    uint8_t pc_small[64];    /* small precompile outputs */
    evm_acct dummy_acct;     /* handed out after an allocation failure */
    evm_slot dummy_slot;

    /* detailed tracing (zg_exec_tracer); `tracing` selects the traced loop
     * and the frame hooks (any of trace_fn, trace_enter, trace_exit,
     * trace_log set) */
    int tracing;
    uint32_t trace_flags;          /* ZG_EXEC_TRACE_* */
    void (*trace_enter)(void *arg, const zg_exec_frame *f);
    void (*trace_exit)(void *arg, const zg_exec_frame_end *e);
    void (*trace_log)(void *arg, int32_t depth, const zg_exec_log *l);
    uint8_t trace_op;              /* the last instruction stepped, its stack height */
    int trace_height;
    const char *trace_errtext;     /* geth's words for the last message's failure */
    char trace_errbuf[96];
} evm_exec;

/* state.c */
int evm_exec_init(evm_exec *ex);
void evm_exec_free(evm_exec *ex);
void evm_tx_begin(evm_exec *ex, const zg_exec_env *env, const zg_exec_state *st);
evm_acct *evm_acct_get(evm_exec *ex, const uint8_t addr[20]);
void evm_acct_load_code(evm_exec *ex, evm_acct *a);
const evm_code *evm_acct_analysis(evm_exec *ex, evm_acct *a);
void *evm_arena_alloc(evm_exec *ex, size_t n);

static inline size_t evm_journal_mark(const evm_exec *ex) { return ex->njournal; }
void evm_journal_revert(evm_exec *ex, size_t mark);
void evm_journal_push(evm_exec *ex, uint32_t kind, uint32_t idx, const void *old, size_t n);

void evm_set_balance(evm_exec *ex, evm_acct *a, const zg_u256 *v);
void evm_set_nonce(evm_exec *ex, evm_acct *a, uint64_t n);
void evm_touch(evm_exec *ex, evm_acct *a);
/* 1 when it was cold (and is now warm) */
int evm_warm_acct(evm_exec *ex, evm_acct *a);
void evm_set_code(evm_exec *ex, evm_acct *a, const uint8_t *code, size_t len);
void evm_mark_created(evm_exec *ex, evm_acct *a);
void evm_mark_destructed(evm_exec *ex, evm_acct *a);
/* a - v; 0 when a < v (nothing changed) */
int evm_sub_balance(evm_exec *ex, evm_acct *a, const zg_u256 *v);
void evm_add_balance(evm_exec *ex, evm_acct *a, const zg_u256 *v);

evm_slot *evm_slot_get(evm_exec *ex, evm_acct *a, const zg_u256 *key);
static inline uint32_t evm_slot_index(const evm_exec *ex, const evm_slot *s) { return (uint32_t)(s - ex->slots); }
void evm_slot_set(evm_exec *ex, evm_slot *s, const zg_u256 *v);
int evm_slot_warm(evm_exec *ex, evm_slot *s); /* 1 when it was cold */
zg_u256 evm_tload(evm_exec *ex, evm_acct *a, const zg_u256 *key);
void evm_tstore(evm_exec *ex, evm_acct *a, const zg_u256 *key, const zg_u256 *v);

int evm_log_push(evm_exec *ex, const uint8_t addr[20], unsigned ntopics, const zg_u256 *topics_top,
                 const uint8_t *data, size_t len);
void evm_block_hash(evm_exec *ex, uint64_t number, uint8_t out[32]);

/* builds ex->changes etc. after the transaction */
int evm_collect_changes(evm_exec *ex);

/* frames / memory */
evm_frame *evm_frame_get(evm_exec *ex, int depth);
/* grow memory to cover [off, off+len) charging gas; 0 ok, else error */
int evm_mem_grow(evm_frame *f, uint64_t end);
static inline uint64_t evm_mem_cost(uint64_t words) { return 3 * words + words * words / 512; }
/* Check a (offset, size) operand pair and expand memory: 0 ok or an error.
 * Sizes beyond 2^32 cannot be paid for with any gas a tx can hold. */
static inline int evm_mem_need(evm_frame *f, const zg_u256 *off, const zg_u256 *size, uint64_t *o,
                               uint64_t *n)
{
    if (zg_u256_is_zero(size)) {
        *o = 0, *n = 0;
        return 0;
    }
    if (EVM_UNLIKELY(!zg_u256_fits_u64(off) || !zg_u256_fits_u64(size) || off->w[0] > (1ULL << 32) ||
                     size->w[0] > (1ULL << 32)))
        return ZG_EXEC_ERR_OUT_OF_GAS;
    *o = off->w[0], *n = size->w[0];
    uint64_t end = *o + *n;
    if (end > f->mem_size) return evm_mem_grow(f, end);
    return 0;
}
int evm_ret_copy(evm_frame *f, const uint8_t *data, size_t len);

/* interpreter entry points (interp.c, tracer.c) */
int evm_interpret(evm_frame *f);
int evm_interpret_traced(evm_frame *f);
/* tracer.c: one EIP-3155 line per instruction (written once its gas cost
 * is known: at the next instruction, at the callee's first one, or when
 * the frame ends), one after the transaction */
void evm_trace_step(evm_frame *f, size_t pc, int64_t gas, const zg_u256 *sp, ptrdiff_t height);
/* the frame's interpreter returned st: its last line is written (with
 * "error" when geth reports one there) */
void evm_trace_frame_end(evm_exec *ex, const evm_frame *f, int st);
void evm_trace_end(evm_exec *ex, const evm_result *r, int64_t gas_used);
/* write the pending line with the gas left after it (its cost = the gas
 * before it - gas_after) */
void evm_trace_flush(evm_exec *ex, int64_t gas_after);
/* frame hooks (ex->tracing): the pending line is written first, with the
 * caller's current gas left */
void evm_trace_enter(evm_exec *ex, int kind, int depth, const uint8_t from[20], const uint8_t to[20],
                     const uint8_t *input, size_t input_len, int64_t gas, const zg_u256 *value);
/* st: EVM_OK, EVM_REVERT or an error; gas: what the message was given;
 * out: its output (a creation's code); errtext: geth's words for the
 * error, "" for zg_exec_error_name's, NULL for ex->trace_errtext (set by
 * the last message that ran) */
void evm_trace_exit(evm_exec *ex, int depth, int st, int64_t gas, int64_t gas_left, const uint8_t *out,
                    size_t out_len, const char *errtext);
/* LOGn in the traced loop: evm_op_log, then the log to the tracer */
int evm_op_log_traced(evm_frame *f, zg_u256 *sp, unsigned ntopics);
/* evm_trace_exit for message m that evm_message ran (result r) */
void evm_trace_message_exit(evm_exec *ex, const evm_msg *m, const evm_result *r);

/* transaction.c */
int evm_message(evm_exec *ex, const evm_msg *m, evm_result *r);
int evm_execute_tx(evm_exec *ex, const zg_exec_env *env, const zg_exec_state *st, const zg_exec_tx *tx,
                   zg_exec_result *res);
int evm_execute_call(evm_exec *ex, const zg_exec_env *env, const zg_exec_state *st,
                     const zg_exec_msg *msg, zg_exec_result *res);
void evm_create_address(const uint8_t sender[20], uint64_t nonce, uint8_t out[20]);
void evm_create2_address(const uint8_t sender[20], const uint8_t salt[32], const uint8_t *code,
                         size_t len, uint8_t out[20]);

/* precompiles.c: 1..10 are precompiles (0x01..0x0a) */
static inline int evm_precompile_id(const uint8_t a[20])
{
    for (int i = 0; i < 19; i++)
        if (a[i]) return 0;
    return (a[19] >= 1 && a[19] <= 10) ? a[19] : 0;
}
/* run precompile id: status (EVM_OK or an error), gas left, output into buf */
int evm_precompile(evm_exec *ex, int id, const uint8_t *in, size_t len, int64_t *gas,
                   uint8_t **out, size_t *out_len);

/* instructions_*.c: out-of-line instruction bodies.  sp points at the top
 * item; they return EVM_OK or an error and update f->gas_left. */
int evm_op_keccak(evm_frame *f, zg_u256 *sp);
int evm_op_calldatacopy(evm_frame *f, zg_u256 *sp);
int evm_op_codecopy(evm_frame *f, zg_u256 *sp);
int evm_op_returndatacopy(evm_frame *f, zg_u256 *sp);
int evm_op_extcodecopy(evm_frame *f, zg_u256 *sp);
int evm_op_mcopy(evm_frame *f, zg_u256 *sp);
int evm_op_balance(evm_frame *f, zg_u256 *sp);
int evm_op_extcodesize(evm_frame *f, zg_u256 *sp);
int evm_op_extcodehash(evm_frame *f, zg_u256 *sp);
int evm_op_blockhash(evm_frame *f, zg_u256 *sp);
int evm_op_sload(evm_frame *f, zg_u256 *sp);
int evm_op_sstore(evm_frame *f, zg_u256 *sp);
int evm_op_tload(evm_frame *f, zg_u256 *sp);
int evm_op_tstore(evm_frame *f, zg_u256 *sp);
int evm_op_log(evm_frame *f, zg_u256 *sp, unsigned ntopics);
int evm_op_call(evm_frame *f, zg_u256 *sp, int kind);
int evm_op_create(evm_frame *f, zg_u256 *sp, int kind);
int evm_op_selfdestruct(evm_frame *f, zg_u256 *sp);
int evm_op_return(evm_frame *f, zg_u256 *sp);

/* address <-> 256-bit word, limb by limb (no byte buffer round trip) */
static inline void evm_addr_to_u256(zg_u256 *r, const uint8_t a[20])
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t hi;
    uint64_t mid, lo;
    memcpy(&hi, a, 4);
    memcpy(&mid, a + 4, 8);
    memcpy(&lo, a + 12, 8);
    r->w[0] = __builtin_bswap64(lo);
    r->w[1] = __builtin_bswap64(mid);
    r->w[2] = __builtin_bswap32(hi);
    r->w[3] = 0;
#else
    uint8_t b[32] = {0};
    memcpy(b + 12, a, 20);
    zg_u256_load_be32(r, b);
#endif
}
static inline void evm_u256_to_addr(const zg_u256 *v, uint8_t a[20])
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t hi = __builtin_bswap32((uint32_t)v->w[2]);
    uint64_t mid = __builtin_bswap64(v->w[1]), lo = __builtin_bswap64(v->w[0]);
    memcpy(a, &hi, 4);
    memcpy(a + 4, &mid, 8);
    memcpy(a + 12, &lo, 8);
#else
    uint8_t b[32];
    zg_u256_store_be32(v, b);
    memcpy(a, b + 12, 20);
#endif
}

#endif
