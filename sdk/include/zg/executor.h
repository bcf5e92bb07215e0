/* zg/executor.h — the executor plugin kind (ZG_KIND_EXECUTOR): runs an
 * Ethereum transaction (or a bare message call) against a state the host
 * exposes read-only through callbacks, and returns what changed.
 *
 * Division of labour:
 *  - the host owns the persistent state and the block; it answers reads
 *    (zg_exec_state) and applies the change set of each result in order;
 *  - the executor owns everything inside one transaction: validation against
 *    the state, gas purchase and refund, the call tree, journaling and revert,
 *    warm/cold access tracking (EIP-2929/2930), transient storage (EIP-1153),
 *    the fee payment to the coinbase and the EIP-158 removal of touched empty
 *    accounts.  Nothing is written back through the callbacks.
 *
 * A plugin instance (desc->init) may serve several threads: each thread
 * opens its own zg_executor with iface->open (caches, scratch memory) and
 * calls execute_* on it; one zg_executor is not thread-safe.
 *
 * EVMC (ethereum/evmc) mapping, for adapter plugins:
 *  - our executor as an EVMC VM: zg_exec_state's callbacks are EVMC host
 *    reads (account_exists + get_balance + get_code_hash -> get_account,
 *    get_code_size + copy_code -> get_code, get_storage, get_block_hash),
 *    zg_exec_env is get_tx_context; an evmc_message at depth 0 becomes
 *    execute_call (zg_exec_msg has the same fields) and the returned change
 *    set is replayed through set_storage / the host's account setters;
 *  - an EVMC VM behind this interface needs the journal that EVMC leaves to
 *    the host: the adapter keeps an overlay over zg_exec_state exactly as
 *    this executor does, and fills zg_exec_result from it.
 * Values crossing the boundary use the same conventions as EVMC: addresses
 * are 20 bytes, storage keys/values and hashes 32 bytes big-endian; amounts
 * are zg_u256 (native limbs, zg/u256.h).
 *
 * Versioning: every struct starts with its uint32_t struct_size and only
 * grows at the end; the executor reads only the fields a caller's size
 * covers (missing ones are zero). */
#ifndef ZG_EXECUTOR_H
#define ZG_EXECUTOR_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zg/plugin.h>
#include <zg/tx.h>
#include <zg/u256.h>
#ifdef __cplusplus
extern "C" {
#endif

/* Protocol rules.  Only Cancun is implemented; others give ZG_EUNSUPPORTED. */
enum zg_exec_revision {
    ZG_EXEC_REV_CANCUN = 1,
};

/* keccak256("") — the code hash of an account without code */
#define ZG_EXEC_EMPTY_CODE_HASH                                                      \
    "\xc5\xd2\x46\x01\x86\xf7\x23\x3c\x92\x7e\x7d\xb2\xdc\xc7\x03\xc0\xe5\x00\xb6\x53" \
    "\xca\x82\x27\x3b\x7b\xfa\xd8\x04\x5d\x85\xa4\x70"

/* The block being built or replayed. */
typedef struct zg_exec_env {
    uint32_t struct_size;
    uint32_t revision;    /* zg_exec_revision */
    uint64_t number;
    uint64_t timestamp;
    uint64_t gas_limit;   /* block gas limit (a tx may not ask for more) */
    uint64_t chain_id;
    uint8_t coinbase[20];
    zg_u256 base_fee;     /* EIP-1559 base fee per gas */
    zg_u256 prevrandao;   /* PREVRANDAO (EIP-4399) */
    zg_u256 blob_base_fee; /* EIP-4844 blob gas price, from the excess blob gas */
} zg_exec_env;

/* flags of a zg_exec_account */
enum {
    ZG_EXEC_ACCOUNT_HAS_STORAGE = 1, /* at least one non-zero slot (EIP-7610 collisions) */
};

/* An account as the host stores it. */
typedef struct zg_exec_account {
    zg_u256 balance;
    uint64_t nonce;
    uint8_t code_hash[32]; /* ZG_EXEC_EMPTY_CODE_HASH when the account has no code */
    uint32_t flags;        /* ZG_EXEC_ACCOUNT_* */
} zg_exec_account;

/* Read-only view of the state before the transaction.  Every callback
 * returns ZG_OK, or a negative status that aborts the execution (execute_*
 * then returns it; the result is void).  Pointers handed back stay valid
 * until execute_* returns. */
typedef struct zg_exec_state {
    uint32_t struct_size;
    void *ctx; /* passed to every callback */
    /* ZG_OK with *out filled, or ZG_ENOTFOUND for an absent account */
    int (*get_account)(void *ctx, const uint8_t addr[20], zg_exec_account *out);
    /* the account's code (*len = 0: none) */
    int (*get_code)(void *ctx, const uint8_t addr[20], const uint8_t **code, size_t *len);
    /* value of a storage slot; absent slots are zero */
    int (*get_storage)(void *ctx, const uint8_t addr[20], const uint8_t key[32], uint8_t val[32]);
    /* hash of an ancestor block (asked only for env->number-256 ..
     * env->number-1); ZG_ENOTFOUND reads as zero */
    int (*get_block_hash)(void *ctx, uint64_t number, uint8_t hash[32]);
} zg_exec_state;

/* A transaction whose sender is known (recovered by the host, e.g. with
 * zg_tx_recover_sender).  Fields follow zg_tx (zg/tx.h). */
typedef struct zg_exec_tx {
    uint32_t struct_size;
    uint8_t type;         /* ZG_TX_LEGACY .. ZG_TX_BLOB */
    uint8_t has_to;       /* 0: contract creation */
    uint8_t sender[20];
    uint8_t to[20];
    uint64_t nonce;
    uint64_t gas_limit;
    zg_u256 gas_price;                /* legacy and type 1 */
    zg_u256 max_fee_per_gas;          /* types 2, 3 */
    zg_u256 max_priority_fee_per_gas; /* types 2, 3 */
    zg_u256 max_fee_per_blob_gas;     /* type 3 */
    zg_u256 value;
    const uint8_t *data;
    size_t data_len;
    const zg_tx_access *access_list;  /* types 1, 2, 3 */
    size_t access_list_len;
    const uint8_t (*blob_hashes)[32]; /* type 3 */
    size_t blob_hashes_len;
} zg_exec_tx;

/* Fill an exec tx from a decoded zg_tx (which must have its sender). */
static inline void zg_exec_tx_from_tx(zg_exec_tx *out, const zg_tx *tx)
{
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    out->type = tx->type;
    out->has_to = tx->has_to;
    memcpy(out->sender, tx->sender, 20);
    memcpy(out->to, tx->to, 20);
    out->nonce = tx->nonce;
    out->gas_limit = tx->gas_limit;
    out->gas_price = tx->gas_price;
    out->max_fee_per_gas = tx->max_fee_per_gas;
    out->max_priority_fee_per_gas = tx->max_priority_fee_per_gas;
    out->max_fee_per_blob_gas = tx->max_fee_per_blob_gas;
    out->value = tx->value;
    out->data = tx->data;
    out->data_len = tx->data_len;
    out->access_list = tx->access_list;
    out->access_list_len = tx->access_list_len;
    out->blob_hashes = tx->blob_hashes;
    out->blob_hashes_len = tx->blob_hashes_len;
}

/* A bare message (eth_call / estimateGas style, or an EVMC message at depth
 * 0): no nonce check, no gas purchase, no intrinsic gas, no fee payment.
 * A creation bumps the sender's nonce and derives the address from it (or
 * from salt with ZG_EXEC_MSG_CREATE2). */
enum {
    ZG_EXEC_MSG_CREATE = 1,
    ZG_EXEC_MSG_CREATE2 = 2, /* with CREATE */
    ZG_EXEC_MSG_STATIC = 4,
};
typedef struct zg_exec_msg {
    uint32_t struct_size;
    uint32_t flags;
    uint8_t sender[20];   /* CALLER and ORIGIN */
    uint8_t to[20];       /* ignored for creations */
    zg_u256 value;
    uint64_t gas;
    zg_u256 gas_price;    /* what GASPRICE returns */
    uint8_t salt[32];     /* CREATE2 */
    const uint8_t *data;  /* call data, or init code for creations */
    size_t data_len;
} zg_exec_msg;

/* Outcome of execute_*. */
typedef enum zg_exec_status {
    ZG_EXEC_SUCCESS = 0,
    ZG_EXEC_REVERT = 1,   /* REVERT at depth 0: state reverted, gas left refunded */
    ZG_EXEC_FAILURE = 2,  /* exceptional halt at depth 0: all the gas consumed */
    ZG_EXEC_REJECTED = 3, /* invalid transaction: not executed, empty change set */
} zg_exec_status;

/* Details: why a tx was rejected, or why execution halted. */
typedef enum zg_exec_error {
    ZG_EXEC_ERR_NONE = 0,
    /* halts */
    ZG_EXEC_ERR_OUT_OF_GAS,
    ZG_EXEC_ERR_STACK_UNDERFLOW,
    ZG_EXEC_ERR_STACK_OVERFLOW,
    ZG_EXEC_ERR_BAD_JUMP,
    ZG_EXEC_ERR_INVALID_OPCODE,
    ZG_EXEC_ERR_STATIC_WRITE,       /* state change inside STATICCALL */
    ZG_EXEC_ERR_RETURNDATA_RANGE,   /* RETURNDATACOPY past the end */
    ZG_EXEC_ERR_CODE_PREFIX,        /* EIP-3541: new code starting with 0xEF */
    ZG_EXEC_ERR_CODE_SIZE,          /* EIP-170: new code above 24576 bytes */
    ZG_EXEC_ERR_ADDRESS_COLLISION,  /* creation at an address with code, nonce or storage */
    ZG_EXEC_ERR_INSUFFICIENT_BALANCE, /* execute_call: value above the sender's balance */
    ZG_EXEC_ERR_PRECOMPILE,         /* precompile rejected its input */
    ZG_EXEC_ERR_CALL_DEPTH,
    /* transaction rejections (status ZG_EXEC_REJECTED) */
    ZG_EXEC_TXERR_NONCE_TOO_LOW = 64,
    ZG_EXEC_TXERR_NONCE_TOO_HIGH,
    ZG_EXEC_TXERR_NONCE_MAX,          /* EIP-2681 */
    ZG_EXEC_TXERR_SENDER_NOT_EOA,     /* EIP-3607 */
    ZG_EXEC_TXERR_INSUFFICIENT_FUNDS, /* balance below gas * max price + blob fee + value */
    ZG_EXEC_TXERR_INTRINSIC_GAS,
    ZG_EXEC_TXERR_GAS_ALLOWANCE,      /* gas limit above the block's */
    ZG_EXEC_TXERR_FEE_CAP_TOO_LOW,    /* max fee (or gas price) below the base fee */
    ZG_EXEC_TXERR_TIP_ABOVE_FEE_CAP,
    ZG_EXEC_TXERR_INITCODE_SIZE,      /* EIP-3860 */
    ZG_EXEC_TXERR_BLOB_FEE_CAP_TOO_LOW,
    ZG_EXEC_TXERR_BLOB_CREATE,
    ZG_EXEC_TXERR_BLOB_NONE,
    ZG_EXEC_TXERR_BLOB_TOO_MANY,
    ZG_EXEC_TXERR_BLOB_VERSION,
    ZG_EXEC_TXERR_TYPE,               /* unknown tx type */
    ZG_EXEC_TXERR_GAS_PRICE_OVERFLOW, /* gas limit * price overflows 256 bits */
} zg_exec_error;

static inline const char *zg_exec_error_name(int e)
{
    switch (e) {
    case ZG_EXEC_ERR_NONE: return "";
    case ZG_EXEC_ERR_OUT_OF_GAS: return "out of gas";
    case ZG_EXEC_ERR_STACK_UNDERFLOW: return "stack underflow";
    case ZG_EXEC_ERR_STACK_OVERFLOW: return "stack overflow";
    case ZG_EXEC_ERR_BAD_JUMP: return "invalid jump destination";
    case ZG_EXEC_ERR_INVALID_OPCODE: return "invalid opcode";
    case ZG_EXEC_ERR_STATIC_WRITE: return "write protection";
    case ZG_EXEC_ERR_RETURNDATA_RANGE: return "return data out of bounds";
    case ZG_EXEC_ERR_CODE_PREFIX: return "invalid code: must not begin with 0xef";
    case ZG_EXEC_ERR_CODE_SIZE: return "max code size exceeded";
    case ZG_EXEC_ERR_ADDRESS_COLLISION: return "contract address collision";
    case ZG_EXEC_ERR_INSUFFICIENT_BALANCE: return "insufficient balance for transfer";
    case ZG_EXEC_ERR_PRECOMPILE: return "precompile failure";
    case ZG_EXEC_ERR_CALL_DEPTH: return "max call depth exceeded";
    case ZG_EXEC_TXERR_NONCE_TOO_LOW: return "nonce too low";
    case ZG_EXEC_TXERR_NONCE_TOO_HIGH: return "nonce too high";
    case ZG_EXEC_TXERR_NONCE_MAX: return "nonce has max value";
    case ZG_EXEC_TXERR_SENDER_NOT_EOA: return "sender not an eoa";
    case ZG_EXEC_TXERR_INSUFFICIENT_FUNDS: return "insufficient funds for gas * price + value";
    case ZG_EXEC_TXERR_INTRINSIC_GAS: return "intrinsic gas too low";
    case ZG_EXEC_TXERR_GAS_ALLOWANCE: return "gas limit reached";
    case ZG_EXEC_TXERR_FEE_CAP_TOO_LOW: return "max fee per gas less than block base fee";
    case ZG_EXEC_TXERR_TIP_ABOVE_FEE_CAP: return "max priority fee per gas higher than max fee per gas";
    case ZG_EXEC_TXERR_INITCODE_SIZE: return "max initcode size exceeded";
    case ZG_EXEC_TXERR_BLOB_FEE_CAP_TOO_LOW: return "max fee per blob gas less than block blob gas fee";
    case ZG_EXEC_TXERR_BLOB_CREATE: return "blob transaction of type create";
    case ZG_EXEC_TXERR_BLOB_NONE: return "blob transaction missing blob hashes";
    case ZG_EXEC_TXERR_BLOB_TOO_MANY: return "too many blobs";
    case ZG_EXEC_TXERR_BLOB_VERSION: return "blob version not supported";
    case ZG_EXEC_TXERR_TYPE: return "transaction type not supported";
    case ZG_EXEC_TXERR_GAS_PRICE_OVERFLOW: return "gas * gas price overflows";
    default: return "unknown error";
    }
}

typedef struct zg_exec_log {
    uint8_t address[20];
    uint32_t ntopics;             /* 0..4 */
    const uint8_t (*topics)[32];
    const uint8_t *data;
    size_t data_len;
} zg_exec_log;

typedef struct zg_exec_slot {
    uint8_t key[32];
    uint8_t value[32];            /* zero: delete the slot */
} zg_exec_slot;

/* flags of a zg_exec_change */
enum {
    ZG_EXEC_ACC_DELETED = 1, /* remove the account and its storage; other fields unset */
    ZG_EXEC_ACC_CREATED = 2, /* (re)created: drop any old storage before applying `storage` */
    ZG_EXEC_ACC_CODE = 4,    /* code / code_hash were set */
};

/* The final state of one account the transaction changed.  Accounts are
 * listed once each; balance and nonce are always the new values. */
typedef struct zg_exec_change {
    uint8_t address[20];
    uint32_t flags;
    zg_u256 balance;
    uint64_t nonce;
    uint8_t code_hash[32];      /* with ZG_EXEC_ACC_CODE */
    const uint8_t *code;
    size_t code_len;
    const zg_exec_slot *storage; /* slots whose value differs from before the tx */
    size_t nstorage;
} zg_exec_change;

/* Everything in a result is owned by the zg_executor and stays valid until
 * its next execute_* or close. */
typedef struct zg_exec_result {
    uint32_t struct_size;
    int32_t status;             /* zg_exec_status */
    int32_t error;              /* zg_exec_error */
    uint64_t gas_used;          /* what the sender pays for (after the refund) */
    uint64_t gas_refund;        /* refund granted (EIP-3529 capped) */
    uint64_t gas_left;          /* gas not used by execution, before the refund */
    uint64_t blob_gas_used;
    const uint8_t *output;      /* RETURN / REVERT data of the outermost frame */
    size_t output_len;
    const zg_exec_log *logs;    /* none unless SUCCESS */
    size_t nlogs;
    int32_t has_created;        /* a creation succeeded: created_address is set */
    uint8_t created_address[20];
    const zg_exec_change *changes;
    size_t nchanges;
} zg_exec_result;

typedef struct zg_executor zg_executor; /* one per thread */

/* Receives one EIP-3155 JSON object per executed instruction (no newline). */
typedef void (*zg_exec_trace_fn)(void *arg, const char *line, size_t len);

/* ---- detailed tracing (set_trace): what geth-style tracers need beyond
 * plain EIP-3155 lines — each call frame's input and output (callTracer),
 * memory and storage at each step (the struct logger). */

/* flags of a zg_exec_tracer: optional EIP-3155 fields in the step lines */
enum {
    /* "memory": the whole memory before the instruction, "0x..." (costly:
     * every line grows with the memory) */
    ZG_EXEC_TRACE_MEMORY = 1,
    /* "storage" on SLOAD and SSTORE lines: {"0x<slot>":"0x<value>"}, the
     * value the SLOAD reads or the SSTORE writes, in the executing
     * account's storage */
    ZG_EXEC_TRACE_STORAGE = 2,
};

/* kind of a zg_exec_frame */
enum {
    ZG_EXEC_FRAME_CALL = 0,
    ZG_EXEC_FRAME_CALLCODE = 1,
    ZG_EXEC_FRAME_DELEGATECALL = 2,
    ZG_EXEC_FRAME_STATICCALL = 3,
    ZG_EXEC_FRAME_CREATE = 4,
    ZG_EXEC_FRAME_CREATE2 = 5,
    ZG_EXEC_FRAME_SELFDESTRUCT = 6, /* the balance moved to the beneficiary: no code runs */
};

/* A message starting (geth's OnEnter): every call and creation, including
 * those that run no code (precompiles, accounts without code) and those
 * that fail before running (call depth, balance, address collision). */
typedef struct zg_exec_frame {
    uint32_t struct_size;
    int32_t kind;           /* ZG_EXEC_FRAME_* */
    int32_t depth;          /* 0: the transaction's own message; the frame's
                             * EIP-3155 lines carry depth + 1 */
    uint8_t from[20];       /* the sender at depth 0, else the calling frame's
                             * own address (its ADDRESS) */
    uint8_t to[20];         /* the callee (for CALLCODE and DELEGATECALL the
                             * code's address), the new address of a creation,
                             * the beneficiary of a SELFDESTRUCT */
    const uint8_t *input;   /* call data, or init code for a creation */
    size_t input_len;
    uint64_t gas;           /* gas handed to the frame (a value call's stipend included) */
    zg_u256 value;          /* CALL, CALLCODE, creations: the value sent;
                             * DELEGATECALL: the caller's CALLVALUE; STATICCALL: 0;
                             * SELFDESTRUCT: the balance moved */
} zg_exec_frame;

/* The message ended (geth's OnExit). */
typedef struct zg_exec_frame_end {
    uint32_t struct_size;
    int32_t depth;
    int32_t status;         /* ZG_EXEC_SUCCESS, ZG_EXEC_REVERT or ZG_EXEC_FAILURE */
    int32_t error;          /* zg_exec_error of a FAILURE */
    const char *error_text; /* a FAILURE as geth words it ("stack underflow (0 <=> 2)",
                             * "contract creation code storage out of gas", ...),
                             * NULL: zg_exec_error_name(error) */
    uint64_t gas_used;      /* out of zg_exec_frame.gas */
    const uint8_t *output;  /* RETURN or REVERT data; a successful creation's code */
    size_t output_len;
} zg_exec_frame_end;

/* Callbacks of set_trace, all optional.  They come in execution order: an
 * instruction's line, then (for a call or creation) the callee's enter,
 * its lines, its exit, then the caller's next line.  Pointers are valid
 * during the callback only. */
typedef struct zg_exec_tracer {
    uint32_t struct_size;
    uint32_t flags;          /* ZG_EXEC_TRACE_* */
    void *arg;               /* passed to every callback */
    zg_exec_trace_fn step;   /* EIP-3155 lines and the summary line, as set_tracer's */
    void (*enter)(void *arg, const zg_exec_frame *f);
    void (*exit)(void *arg, const zg_exec_frame_end *e);
    /* a LOGn as it runs; it does not survive if its frame or an outer
     * one fails */
    void (*log)(void *arg, int32_t depth, const zg_exec_log *l);
} zg_exec_tracer;

/* desc->iface of a ZG_KIND_EXECUTOR plugin.  Append-only. */
typedef struct zg_executor_iface {
    uint32_t struct_size;
    /* plugin state (from init) -> a new executor for the calling thread */
    int (*open)(void *state, zg_executor **out);
    void (*close)(zg_executor *ex);
    /* Run a transaction.  ZG_OK with *res filled (whatever the tx did,
     * including ZG_EXEC_REJECTED); negative for a host callback error,
     * ZG_ENOMEM, ZG_EINVAL (bad arguments) or ZG_EUNSUPPORTED (revision). */
    int (*execute_tx)(zg_executor *ex, const zg_exec_env *env, const zg_exec_state *st,
                      const zg_exec_tx *tx, zg_exec_result *res);
    /* Run a bare message (see zg_exec_msg).  Same returns. */
    int (*execute_call)(zg_executor *ex, const zg_exec_env *env, const zg_exec_state *st,
                        const zg_exec_msg *msg, zg_exec_result *res);
    /* EIP-3155 tracing of the following executions (fn NULL: off).  The
     * traced interpreter is a separate, slower loop; the untraced one pays
     * nothing for this. */
    int (*set_tracer)(zg_executor *ex, zg_exec_trace_fn fn, void *arg);
    /* Detailed tracing of the following executions (t NULL: off); replaces
     * set_tracer's sink.  *t is copied.  The traced loop runs while any
     * callback is set.  Check struct_size before calling: executors built
     * against an older header lack it. */
    int (*set_trace)(zg_executor *ex, const zg_exec_tracer *t);
} zg_executor_iface;

#ifdef __cplusplus
}
#endif
#endif /* ZG_EXECUTOR_H */
