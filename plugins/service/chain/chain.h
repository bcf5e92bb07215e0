/* chain.h — internals of the "chain" service plugin: an Ethereum-compatible
 * ledger (blocks, receipts, world state in a kv backend), a mempool, and the
 * Ethereum JSON-RPC API, driven by a consensus plugin (zg/consensus.h) and
 * executed by an executor plugin (zg/executor.h).
 *
 * Everything runs on the node's event-loop thread (RPC handlers, consensus
 * callbacks, timers) except the read-only RPC methods registered
 * ZG_RPC_CONCURRENT: they run on HTTP worker threads holding c->lock for
 * reading and touch only the head header, config and the kv store (which is
 * thread-safe); the loop thread holds c->lock for writing while it changes
 * the head or writes the store. */
#ifndef ZG_CHAIN_H
#define ZG_CHAIN_H
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <zg/consensus.h>
#include <zg/executor.h>
#include <zg/kv.h>
#include <zg/plugin.h>
#include <zg/trie.h>
#include <zg/tx.h>
#include <zg/u256.h>

typedef struct chain chain;
typedef struct ch_state ch_state;
typedef struct mempool mempool;
typedef struct ch_filters ch_filters;

#define CH_ADDR_LEN 20
#define CH_MAX_TX_SIZE (128 * 1024) /* as geth's txpool: 4 slots of 32 KiB */

/* ---------------------------------------------------------------- header */

typedef struct ch_header {
    uint8_t parent_hash[32];
    uint8_t ommers_hash[32];
    uint8_t coinbase[20];
    uint8_t state_root[32];
    uint8_t tx_root[32];
    uint8_t receipts_root[32];
    uint8_t bloom[256];
    uint64_t number;
    uint64_t gas_limit;
    uint64_t gas_used;
    uint64_t timestamp;
    uint8_t extra[32];
    size_t extra_len;
    uint8_t mix_hash[32]; /* prevRandao */
    uint8_t nonce[8];
    zg_u256 base_fee;
    uint8_t withdrawals_root[32];
    uint64_t blob_gas_used;
    uint64_t excess_blob_gas;
    uint8_t parent_beacon_root[32];
    uint8_t hash[32]; /* keccak256(rlp(header)) */
} ch_header;

/* RLP of a header (Cancun: 20 fields) */
int ch_header_encode(const ch_header *h, zg_rlp_buf *out);
int ch_header_decode(const uint8_t *p, size_t n, ch_header *h);
void ch_header_hash(ch_header *h);

/* ---------------------------------------------------------------- receipts */

typedef struct ch_log {
    uint8_t address[20];
    uint32_t ntopics;
    uint8_t topics[4][32];
    uint8_t *data;
    size_t data_len;
} ch_log;

typedef struct ch_receipt {
    uint8_t type;
    uint8_t status;        /* 1 success, 0 failure */
    uint64_t cumulative_gas;
    uint64_t gas_used;
    uint64_t blob_gas_used;
    uint8_t sender[20];
    int has_contract;
    uint8_t contract[20];
    ch_log *logs;
    size_t nlogs;
} ch_receipt;

void ch_receipt_free(ch_receipt *r);
/* consensus encoding (type || rlp([status, cumulativeGas, bloom, logs])) */
int ch_receipt_encode_consensus(const ch_receipt *r, zg_rlp_buf *out);
void ch_bloom_add(uint8_t bloom[256], const uint8_t *data, size_t len);
void ch_receipt_bloom(const ch_receipt *r, uint8_t bloom[256]);
int ch_bloom_test(const uint8_t bloom[256], const uint8_t *data, size_t len);

/* A block read back from the ledger: header, transactions (with senders
 * from the stored receipts) and receipts. */
typedef struct ch_block {
    ch_header h;
    size_t size;  /* bytes of the whole block's RLP */
    size_t ntx;
    zg_tx *txs;   /* decoded, senders set (has_sender) */
    ch_receipt *rcpts; /* ntx receipts when loaded with receipts */
    int has_receipts;
} ch_block;

void ch_block_free(ch_block *b);

/* ---------------------------------------------------------------- state */

/* A view of the world state at a root with a writable in-memory overlay:
 * block building applies each transaction's change set to it, eth_call
 * applies state overrides; nothing reaches the kv store before commit. */
int ch_state_open(chain *c, const uint8_t root[32], zg_trie *borrow, ch_state **out);
void ch_state_free(ch_state *s);
const zg_exec_state *ch_state_exec(ch_state *s);
/* ZG_OK or ZG_ENOTFOUND; storage_root may be NULL */
int ch_state_account(ch_state *s, const uint8_t addr[20], zg_exec_account *out, uint8_t storage_root[32]);
int ch_state_code(ch_state *s, const uint8_t addr[20], const uint8_t **code, size_t *len);
int ch_state_storage(ch_state *s, const uint8_t addr[20], const uint8_t key[32], uint8_t val[32]);
int ch_state_apply(ch_state *s, const zg_exec_result *r);
/* overrides / genesis */
int ch_state_set_balance(ch_state *s, const uint8_t addr[20], const zg_u256 *v);
int ch_state_set_nonce(ch_state *s, const uint8_t addr[20], uint64_t nonce);
int ch_state_set_code(ch_state *s, const uint8_t addr[20], const uint8_t *code, size_t len);
int ch_state_set_storage(ch_state *s, const uint8_t addr[20], const uint8_t key[32], const uint8_t val[32]);
int ch_state_clear_storage(ch_state *s, const uint8_t addr[20]);
/* write the overlay (tries, code) into batch b (NULL: only compute) */
int ch_state_commit(ch_state *s, zg_kv_batch *b, uint8_t root[32]);
/* eth_getProof: account proof and per-key storage proofs as JSON */
json_t *ch_state_proof(ch_state *s, const uint8_t addr[20], const uint8_t (*keys)[32], size_t nkeys, int *rc);

/* a state view at a block (borrows the head trie for the head block) */
int ch_state_at(chain *c, const ch_header *h, ch_state **out);

/* ---------------------------------------------------------------- mempool */

typedef struct mp_tx {
    zg_tx tx;          /* decoded with ZG_TX_COPY; sender set */
    uint64_t seq;      /* arrival order */
    uint64_t added_ms;
} mp_tx;

int mp_new(chain *c, mempool **out);
void mp_free(mempool *m);
/* Admit a raw transaction.  ZG_OK with hash set; otherwise *why holds a
 * geth-compatible message (and *code the JSON-RPC error code). */
int mp_add(mempool *m, const uint8_t *raw, size_t len, uint8_t hash[32], char *why, size_t whylen, int *code);
const mp_tx *mp_get(mempool *m, const uint8_t hash[32]);
size_t mp_count(mempool *m, size_t *queued);
size_t mp_executable(mempool *m);
/* nonce after the sender's pending transactions (eth_getTransactionCount "pending") */
uint64_t mp_pending_nonce(mempool *m, const uint8_t addr[20], uint64_t state_nonce);
/* Transactions for a block, best first, nonces in order per sender: calls
 * take(arg, tx) until it returns non-zero ("block full"); take returns -1
 * to skip the rest of that sender's transactions (rejected). */
typedef int (*mp_take_fn)(void *arg, const mp_tx *t);
int mp_select(mempool *m, ch_state *st, const zg_u256 *base_fee, mp_take_fn take, void *arg);
/* after a block: drop included/stale transactions */
void mp_on_block(mempool *m);
void mp_remove(mempool *m, const uint8_t hash[32]);
/* all transactions, for txpool_content: fn per tx */
void mp_foreach(mempool *m, void (*fn)(void *arg, const mp_tx *t, int executable), void *arg);
void mp_clear(mempool *m);

/* ---------------------------------------------------------------- filters */

int ch_filters_new(chain *c, ch_filters **out);
void ch_filters_free(ch_filters *f);
/* any polled filter or subscription installed (else blocks need not be read back) */
int ch_filters_active(const ch_filters *f);
void ch_filters_on_block(ch_filters *f, const ch_block *b);
void ch_filters_on_pending(ch_filters *f, const uint8_t hash[32]);
void ch_filters_on_close(ch_filters *f, uint64_t conn);
int ch_filters_register(chain *c);

/* log filters (eth_getLogs, eth_newFilter, eth_subscribe "logs") */
typedef struct ch_logfilter {
    int has_hash;
    uint8_t block_hash[32];
    json_t *from, *to; /* block parameters as given (NULL: latest) */
    size_t naddr;
    uint8_t (*addrs)[20];
    size_t ntopics;
    struct {
        size_t n; /* 0: wildcard */
        uint8_t (*v)[32];
    } topics[4];
} ch_logfilter;
int ch_logfilter_parse(const json_t *o, ch_logfilter *f, zg_rpc_error *err);
void ch_logfilter_free(ch_logfilter *f);
int ch_logfilter_match(const ch_logfilter *f, const ch_log *l);
/* append the matching logs of block b to arr; returns count appended */
size_t ch_logfilter_block(const ch_logfilter *f, const ch_block *b, json_t *arr);
/* logs over [from, to] of the canonical chain into a new array, or NULL + err */
json_t *ch_logs_range(chain *c, const ch_logfilter *f, uint64_t from, uint64_t to, zg_rpc_error *err);
/* resolve f's range against the head; ZG_ENOTFOUND for an empty range */
int ch_logfilter_range(chain *c, const ch_logfilter *f, uint64_t *from, uint64_t *to, zg_rpc_error *err);

/* ---------------------------------------------------------------- dev accounts */

typedef struct ch_devacct {
    uint8_t key[32];
    uint8_t addr[20];
} ch_devacct;

/* BIP-39 mnemonic -> BIP-32 seed -> m/44'/60'/0'/0/i */
int ch_dev_derive(const char *mnemonic, const char *passphrase, uint32_t index, uint8_t key[32]);
/* EIP-55 mixed-case hex ("0x" + 40) into out[43] */
void ch_addr_checksum(const uint8_t addr[20], char out[43]);

/* ---------------------------------------------------------------- chain */

typedef struct ch_alloc {
    uint8_t addr[20];
    zg_u256 balance;
    uint64_t nonce;
    uint8_t *code;
    size_t code_len;
    size_t nstorage;
    uint8_t (*storage)[2][32];
} ch_alloc;

typedef struct ch_pending_block ch_pending_block;

typedef struct ch_snapshot {
    uint64_t id;
    uint64_t number;
    uint8_t hash[32];
    int64_t time_offset;
} ch_snapshot;

struct chain {
    zg_ctx *ctx;
    const zg_host_api *h;

    /* config */
    uint64_t chain_id;
    uint64_t gas_limit;
    zg_u256 genesis_base_fee;
    uint64_t genesis_timestamp;
    uint8_t coinbase[20];
    uint8_t genesis_extra[32];
    size_t genesis_extra_len;
    int dev;
    const char *mnemonic;
    int64_t dev_naccounts;
    zg_u256 dev_balance;
    ch_alloc *alloc;
    size_t nalloc;
    uint64_t max_logs_range;
    uint64_t max_logs;
    uint64_t max_block_txs;
    int64_t mp_max_txs, mp_max_per_sender;
    uint64_t rpc_gas_cap;
    int allow_unprotected;
    int sync_writes;
    const char *kv_name, *executor_name, *consensus_name, *db_name;
    uint64_t min_priority_fee; /* eth_maxPriorityFeePerGas suggestion */

    /* plugins */
    const zg_kv_iface *kv;
    void *kv_state;
    zg_kv_db *db;
    const zg_executor_iface *exi;
    void *ex_state;
    zg_executor *ex;
    const zg_consensus_iface *cons;
    void *cons_state;
    int attached;

    /* concurrent RPC reads vs head changes (see the top of this file) */
    pthread_rwlock_t lock;
    pthread_t loop; /* the event-loop thread */
    struct ch_conc_method *conc; /* trampolines of the concurrent methods */
    pthread_key_t worker_key; /* an RPC worker thread's ch_worker */
    int worker_key_ok;

    /* head */
    ch_header head;
    ch_header genesis;
    zg_trie *head_trie; /* account trie at head.state_root */
    ch_pending_block *prop; /* built by propose, written by commit */

    mempool *mp;
    ch_filters *filters;
    ch_devacct *accts;
    size_t naccts;

    int64_t time_offset;      /* evm_increaseTime */
    uint64_t next_timestamp;  /* evm_setNextBlockTimestamp (0: none) */
    ch_snapshot *snaps;
    size_t nsnaps;
    uint64_t next_snap_id;

    int ws; /* host has WebSocket notifications */
    zg_metric *m_blocks, *m_txs, *m_pool;
};

/* What an RPC worker thread keeps between calls (freed at thread exit,
 * before plugins unload): its own executor (executors are one per thread)
 * and account trie (its node cache stays warm while the root stays); each
 * opened on first use. */
typedef struct ch_worker {
    const zg_executor_iface *exi;
    zg_executor *ex;
    zg_trie *trie;
    uint8_t root[32]; /* trie's root */
} ch_worker;
/* the calling worker's ch_worker; NULL on the loop thread or out of memory */
ch_worker *ch_worker_get(chain *c);
/* the executor for the calling thread: c->ex on the loop thread, the
 * worker's own on an RPC worker; NULL if it cannot be opened */
zg_executor *ch_executor(chain *c);

/* logging */
#define CH_LOG(c, lvl, ...) (c)->h->log((c)->ctx, (lvl), __VA_ARGS__)

/* EIP-4788's beacon roots contract: address and runtime code (dev
 * genesis deploys it, as geth --dev does) */
extern const uint8_t ch_beacon_roots_addr[20];
extern const char ch_beacon_roots_code[];

/* genesis.c */
int ch_genesis_config(chain *c);
int ch_genesis_build(chain *c, ch_header *g, zg_kv_batch *b);
void ch_genesis_print_accounts(chain *c);
void ch_config_free(chain *c);

/* ledger.c */
int ch_ledger_open(chain *c);
void ch_ledger_close(chain *c);
int ch_canonical_hash(chain *c, uint64_t number, uint8_t hash[32]);
int ch_read_header(chain *c, const uint8_t hash[32], ch_header *h);
/* with_receipts: also load receipts (needed for senders) */
int ch_read_block(chain *c, const uint8_t hash[32], int with_receipts, ch_block *b);
int ch_tx_lookup(chain *c, const uint8_t txhash[32], uint64_t *number, uint32_t *index, uint8_t bhash[32]);
void ch_next_base_fee(const ch_header *parent, zg_u256 *out);
void ch_exec_env(chain *c, const ch_header *h, zg_exec_env *env);
int ch_propose(chain *c, uint64_t ts, unsigned flags, zg_cons_block *out);
int ch_commit(chain *c, const zg_cons_block *b);
int ch_validate(chain *c, const zg_cons_block *b);
int ch_describe(chain *c, const uint8_t *data, size_t len, zg_cons_block *out);
/* the whole block RLP [header, txs, ommers, withdrawals] (debug_getRawBlock) */
int ch_raw_block(chain *c, const uint8_t hash[32], zg_rlp_buf *out);
/* evm_revert: make block `number` the head again */
int ch_rewind(chain *c, uint64_t number);
void ch_contract_address(const uint8_t sender[20], uint64_t nonce, uint8_t out[20]);
/* seal through the consensus plugin (evm_mine) */
int ch_seal_now(chain *c, uint64_t ts);

/* rpc_util.c: revert data as geth's abi.UnpackRevert reads it: the text of
 * a Solidity Panic(uint256) code (NULL if unknown), and the bytes of an
 * Error(string) (1 with *s, *len set; 0 if d is not one) */
const char *ch_panic_reason(uint64_t code);
int ch_revert_string(const uint8_t *d, size_t n, const uint8_t **s, size_t *len);

/* rpc_util.c: JSON helpers */
void ch_err(zg_rpc_error *err, int code, const char *fmt, ...) ZG_PRINTF(3, 4);
json_t *ch_json_addr(const uint8_t a[20]);
json_t *ch_json_h256(const uint8_t h[32]);
json_t *ch_json_u256(const zg_u256 *v);
int ch_get_addr(const json_t *j, uint8_t out[20]);
int ch_get_h256(const json_t *j, uint8_t out[32]);
int ch_get_u256(const json_t *j, zg_u256 *out);
/* "0x.." DATA of any length: malloc'd */
int ch_get_bytes(const json_t *j, uint8_t **out, size_t *len);
/* block parameter: tag, number or EIP-1898 object -> header of that block.
 * def_latest: param may be absent (latest). */
int ch_resolve_block(chain *c, const json_t *p, int allow_absent, ch_header *h, zg_rpc_error *err);
/* block number for filters/logs ranges (tags resolved, not checked to exist) */
int ch_block_number_param(chain *c, const json_t *p, uint64_t *out, zg_rpc_error *err);
json_t *ch_json_header(const ch_header *h, size_t size);
json_t *ch_json_tx(const zg_tx *tx, const ch_header *h, uint32_t index, int mined);
json_t *ch_json_receipt(chain *c, const ch_block *b, uint32_t index, uint32_t first_log_index);
json_t *ch_json_log(const ch_log *l, const ch_block *b, uint32_t txi, uint32_t logi);
json_t *ch_json_block(chain *c, const ch_block *b, int full);

/* a call/transaction JSON object (eth_call, eth_estimateGas, eth_sendTransaction) */
typedef struct ch_callargs {
    int has_from, has_to, has_gas, has_gas_price, has_max_fee, has_tip, has_value, has_nonce, has_type;
    int has_chain_id;
    uint8_t from[20], to[20];
    uint64_t gas, nonce, chain_id;
    zg_u256 gas_price, max_fee, tip, value;
    uint8_t type;
    uint8_t *data;
    size_t data_len;
    zg_tx_access *access;
    size_t naccess;
    uint8_t (*keys)[32]; /* storage for access list keys */
} ch_callargs;
int ch_parse_callargs(const json_t *o, ch_callargs *a, zg_rpc_error *err);
void ch_callargs_free(ch_callargs *a);

/* rpc_eth.c */
int ch_rpc_register(chain *c);
/* Run a call on state st (not committed); fills res.  Errors to err.
 * Returns ZG_OK when the executor ran (check res->status). */
int ch_do_call(chain *c, ch_state *st, const ch_header *h, const ch_callargs *a, uint64_t gas,
               zg_exec_result *res, zg_rpc_error *err);
/* turn a failed/reverted result into a geth-style error; returns NULL */
json_t *ch_exec_error(const zg_exec_result *res, zg_rpc_error *err);
int ch_apply_overrides(chain *c, ch_state *st, const json_t *ov, zg_rpc_error *err);

int ch_estimate(chain *c, ch_state *st, const ch_header *h, const ch_callargs *a, uint64_t *out, zg_rpc_error *err);
/* admit a raw tx to the mempool, tell filters and consensus; the hash or NULL */
json_t *ch_submit_raw(chain *c, const uint8_t *raw, size_t len, zg_rpc_error *err);

/* rpc_dev.c */
int ch_rpc_dev_register(chain *c);
const ch_devacct *ch_find_account(chain *c, const uint8_t addr[20]);

/* rpc_debug.c */
int ch_rpc_debug_register(chain *c);

/* rpc_access.c: eth_createAccessList */
int ch_rpc_access_register(chain *c);

/* eip712.c: hash of EIP-712 typed data (JSON) */
int ch_eip712_hash(const json_t *typed, uint8_t out[32], char *why, size_t whylen);

#endif
