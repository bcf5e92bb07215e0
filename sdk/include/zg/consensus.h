/* zg/consensus.h — the consensus plugin kind (ZG_KIND_CONSENSUS): decides
 * which block comes next and when it is final.
 *
 * The split follows ABCI++ (CometBFT) so that a BFT engine drops in where
 * the single-node dev engine sits today:
 *  - the *application* (a service plugin such as "chain") owns transactions,
 *    execution and storage.  It hands the engine a zg_cons_app table of
 *    callbacks: build a proposal, validate someone else's proposal, commit a
 *    decided block, hear about finality;
 *  - the *engine* owns timing, leader choice, voting and the validator set.
 *    It calls the application back, always on the node's event-loop thread.
 *
 * Blocks are opaque to the engine: bytes the application produced in
 * propose() plus the few fields every engine needs (height, hash, parent,
 * timestamp).  The engine only compares hashes and forwards bytes.
 *
 * Typical flow for one height h (dev engine: one validator, no votes):
 *     app->propose(h, ts)            -> block B (app executed it already)
 *     [BFT: gossip B; others app->validate(B); prevote/precommit]
 *     app->commit(B, certificate)    -> B is the new head, durable
 *     app->finalized(h, B.hash)      -> B can never be reverted
 * With instant finality (dev, Tendermint-style BFT) finalized() follows
 * commit() at once; an engine with delayed finality calls it later.
 *
 * Versioning: every struct starts with its uint32_t struct_size and only
 * grows at the end; readers use only the fields the size covers. */
#ifndef ZG_CONSENSUS_H
#define ZG_CONSENSUS_H
#include <stddef.h>
#include <stdint.h>
#include <zg/plugin.h>
#ifdef __cplusplus
extern "C" {
#endif

/* A block as the engine sees it. */
typedef struct zg_cons_block {
    uint32_t struct_size;
    uint64_t height;
    uint8_t hash[32];
    uint8_t parent_hash[32];
    uint64_t timestamp;    /* seconds */
    const uint8_t *data;   /* the application's encoding of the whole block */
    size_t len;
    uint8_t proposer[20];  /* validator address that proposed it (zero: none) */
} zg_cons_block;

/* One validator: an identity and its voting power. */
typedef struct zg_cons_validator {
    uint8_t address[20];
    uint8_t pubkey[64];    /* secp256k1 X||Y, or zero when the engine uses another scheme */
    uint64_t power;
} zg_cons_validator;

/* flags of propose() */
enum {
    ZG_CONS_ALLOW_EMPTY = 1, /* produce a block even without transactions */
};

/* The application's side.  Callbacks run on the event-loop thread. */
typedef struct zg_cons_app {
    uint32_t struct_size;
    void *ctx; /* passed to every callback */
    /* the application's last committed block (height 0 = genesis) */
    int (*head)(void *ctx, uint64_t *height, uint8_t hash[32]);
    /* number of transactions waiting to be included */
    size_t (*pending)(void *ctx);
    /* Build a block on top of the head with this timestamp (the application
     * may raise it to keep timestamps increasing).  ZG_OK with *out filled
     * (memory owned by the application until its next propose/commit), or
     * ZG_ENOTFOUND when there is nothing to include and ZG_CONS_ALLOW_EMPTY
     * is not set. */
    int (*propose)(void *ctx, uint64_t timestamp, unsigned flags, zg_cons_block *out);
    /* Check a block proposed by another validator (re-execute it).  ZG_OK
     * or ZG_EINVAL.  Optional for single-validator engines. */
    int (*validate)(void *ctx, const zg_cons_block *b);
    /* Apply a decided block: it becomes the head and is durable when this
     * returns ZG_OK.  cert is the engine's proof of the decision (commit
     * signatures), stored by the application next to the block; may be
     * empty. */
    int (*commit)(void *ctx, const zg_cons_block *b, const uint8_t *cert, size_t cert_len);
    /* Blocks up to `height` (whose hash is given) are final. */
    void (*finalized)(void *ctx, uint64_t height, const uint8_t hash[32]);
    /* Fill height, hash, parent_hash and timestamp of the block encoded in
     * data (bytes received from a peer); out->data/len point at data.
     * ZG_OK or ZG_EINVAL (malformed).  Checks only the form, not validity. */
    int (*describe)(void *ctx, const uint8_t *data, size_t len, zg_cons_block *out);
} zg_cons_app;

/* Engine status. */
typedef struct zg_cons_status {
    uint32_t struct_size;
    uint64_t height;           /* last committed */
    uint64_t finalized_height; /* last final */
    uint64_t safe_height;      /* justified but not final (== finalized without such a notion) */
    const char *mode;          /* engine-specific, e.g. "instant", "interval" */
    uint32_t nvalidators;
} zg_cons_status;

/* desc->iface of a ZG_KIND_CONSENSUS plugin.  Append-only. */
typedef struct zg_consensus_iface {
    uint32_t struct_size;
    /* The application registers itself (from its start()); the engine may
     * begin producing blocks right away.  One application per engine:
     * ZG_EBUSY for a second one.  The table is copied. */
    int (*attach)(void *state, const zg_cons_app *app);
    /* Stop calling the application (before its fini). */
    void (*detach)(void *state);
    /* The application has new transactions (an engine that seals on demand
     * reacts to this; others ignore it). */
    void (*tx_arrived)(void *state);
    /* Produce a block now, with this timestamp (0: the engine's clock), even
     * if empty: development/testing only (evm_mine).  ZG_EUNSUPPORTED where
     * the engine cannot (BFT). */
    int (*seal_now)(void *state, uint64_t timestamp);
    /* Validators at `height` (0: current).  *n receives the count; up to cap
     * entries are written. */
    int (*validators)(void *state, uint64_t height, zg_cons_validator *out, size_t cap, size_t *n);
    int (*status)(void *state, zg_cons_status *out);
    /* Change how blocks are produced at run time (dev engines: "instant",
     * "interval" with interval_ms, "manual").  ZG_EUNSUPPORTED otherwise. */
    int (*set_mode)(void *state, const char *mode, uint64_t interval_ms);
} zg_consensus_iface;

#ifdef __cplusplus
}
#endif
#endif /* ZG_CONSENSUS_H */
