/* zg/trie.h — Ethereum Merkle-Patricia trie (yellow paper appendix D).
 *
 * A zg_trie maps byte-string keys to non-empty byte-string values and
 * commits to them with a 32-byte root hash.  Nodes live in a kv database
 * (zg/kv.h) keyed by their keccak-256 hash; a trie opened at a root loads
 * nodes lazily and keeps them in memory.  Changes stay in memory (dirty
 * nodes) until zg_trie_commit() writes every new node in one kv batch, so
 * the usual pattern is: open at the parent block's root, apply the block's
 * updates, commit once.  Nodes whose RLP encoding is shorter than 32 bytes
 * are embedded in their parent, as the spec says, and never stored alone.
 *
 * With kv == NULL the trie is purely in memory, e.g. to compute the
 * transactions/receipts root of a block; zg_trie_root_sorted() and
 * zg_trie_list_root() compute such roots faster without building a trie.
 *
 * Secure mode (ZG_TRIE_SECURE, Ethereum's state and storage tries) uses
 * keccak256(key) as the path.
 *
 * Lifetimes: value pointers returned by get/next/prev stay valid until the
 * next put/del/commit/compaction on the same trie.  A trie is not
 * thread-safe; use one per thread.  Storage is append-only: stale nodes are
 * never deleted from the kv database (no pruning).
 */
#ifndef ZG_TRIE_H
#define ZG_TRIE_H
#include <stddef.h>
#include <stdint.h>
#include <zg/plugin.h>
#include <zg/kv.h>
#ifdef __cplusplus
extern "C" {
#endif

/* flags for zg_trie_open / zg_trie_verify_proof / zg_trie_root_of */
enum {
    ZG_TRIE_SECURE = 1,  /* path = keccak256(key) */
    ZG_TRIE_TRUSTED = 2, /* zg_trie_open: don't re-hash nodes read from the db
                          * (by default a node whose hash differs from its key
                          * is reported as ZG_ECORRUPT) */
};

/* keys longer than this are rejected with ZG_EINVAL (bounds recursion) */
#define ZG_TRIE_MAX_KEY 1024

/* keccak256(rlp("")) — the root of the empty trie */
ZG_EXPORT extern const uint8_t zg_trie_empty_root[32];

/* a borrowed byte string */
typedef struct zg_trie_bytes {
    const uint8_t *data;
    size_t len;
} zg_trie_bytes;

typedef struct zg_trie zg_trie;

/* Open a trie at `root` (NULL or zg_trie_empty_root: empty).  kv/db may be
 * NULL for a purely in-memory trie; then only the empty root can be opened.
 * Opening does no I/O: a missing root node is reported by the first access
 * (ZG_ECORRUPT).  Returns ZG_OK, ZG_EINVAL or ZG_ENOMEM. */
ZG_EXPORT int zg_trie_open(zg_trie **out, const zg_kv_iface *kv, zg_kv_db *db,
                           const uint8_t root[32], unsigned flags);
ZG_EXPORT void zg_trie_free(zg_trie *t);
/* Drop all in-memory state (uncommitted changes included) and re-point the
 * trie at `root`, keeping its memory for reuse. */
ZG_EXPORT int zg_trie_reset(zg_trie *t, const uint8_t root[32]);

/* ZG_OK with *val and *vlen set, ZG_ENOTFOUND, or an error (ZG_ECORRUPT for a
 * missing or malformed node, ZG_EIO from the kv backend, ZG_EINVAL). */
ZG_EXPORT int zg_trie_get(zg_trie *t, const void *key, size_t klen, const uint8_t **val,
                          size_t *vlen);
/* Insert or update; an empty value (vlen == 0) deletes the key, as in
 * Ethereum.  The value is copied. */
ZG_EXPORT int zg_trie_put(zg_trie *t, const void *key, size_t klen, const void *val,
                          size_t vlen);
/* Delete; deleting an absent key is not an error (ZG_OK). */
ZG_EXPORT int zg_trie_del(zg_trie *t, const void *key, size_t klen);

/* The root hash of the current contents (hashes dirty nodes; no I/O). */
ZG_EXPORT int zg_trie_root(zg_trie *t, uint8_t root[32]);
/* Write every uncommitted node in one kv batch (written with kv_flags, e.g.
 * ZG_KV_SYNC) and return the new root.  Without a kv database it only
 * computes the root.  On failure the changes stay uncommitted. */
ZG_EXPORT int zg_trie_commit(zg_trie *t, unsigned kv_flags, uint8_t root[32]);
/* Same, but add the nodes to the caller's batch `b` (made from the trie's
 * db), so that several tries and other data commit atomically.  The nodes
 * count as committed at once: if writing `b` fails, discard the trie (or
 * zg_trie_reset it to the old root). */
ZG_EXPORT int zg_trie_commit_batch(zg_trie *t, zg_kv_batch *b, uint8_t root[32]);

/* In-memory cache bound (bytes, default 64 MiB) for tries with a kv
 * database: after a commit the trie compacts its memory, keeping the nodes
 * nearest the root and leaving the rest to be reloaded on demand.  Tries
 * without a database keep everything and only drop garbage. */
ZG_EXPORT void zg_trie_set_cache_limit(zg_trie *t, size_t bytes);
/* bytes of memory the trie holds (nodes, values and free space) */
ZG_EXPORT size_t zg_trie_mem(const zg_trie *t);

/* Ordered walk over paths (for secure tries the *hashed* key: `key` is not
 * hashed and *okey is a hash).  zg_trie_next finds the first key > key
 * (>= when inclusive), zg_trie_prev the last key < key (<=).  ZG_OK with
 * *okey (trie-owned, valid until the next call) and the value, or
 * ZG_ENOTFOUND. */
ZG_EXPORT int zg_trie_next(zg_trie *t, const void *key, size_t klen, int inclusive,
                           const uint8_t **okey, size_t *oklen, const uint8_t **val, size_t *vlen);
ZG_EXPORT int zg_trie_prev(zg_trie *t, const void *key, size_t klen, int inclusive,
                           const uint8_t **okey, size_t *oklen, const uint8_t **val, size_t *vlen);

/* --- Merkle proofs (eth_getProof) --- */

/* RLP-encoded nodes from the root down along the key's path: every node
 * stored by hash (embedded nodes are inside their parent), the root always.
 * For an absent key the path ends where the key diverges. */
typedef struct zg_trie_proof {
    size_t n;
    zg_trie_bytes *nodes; /* n entries; owned by the proof */
} zg_trie_proof;

/* Build the proof of `key` (present or absent).  Hashes dirty nodes first,
 * so it works on uncommitted tries too. */
ZG_EXPORT int zg_trie_prove(zg_trie *t, const void *key, size_t klen, zg_trie_proof *out);
ZG_EXPORT void zg_trie_proof_free(zg_trie_proof *p);

/* Check a proof against `root`.  ZG_OK: the key is present, *val and *vlen
 * (may be NULL) point into the proof's nodes.  ZG_ENOTFOUND: the proof shows
 * the key absent.  ZG_ECORRUPT: the proof is invalid (hash mismatch, missing,
 * extra or malformed node).  flags: ZG_TRIE_SECURE hashes the key. */
ZG_EXPORT int zg_trie_verify_proof(const uint8_t root[32], const void *key, size_t klen,
                                   unsigned flags, const zg_trie_bytes *nodes, size_t n,
                                   const uint8_t **val, size_t *vlen);

/* --- roots without a trie --- */

/* Root of n pairs whose keys are strictly increasing (bytewise, a prefix
 * before its extensions) with non-empty values; ZG_EINVAL otherwise.  Builds
 * nothing: hashes bottom-up over the sorted array. */
ZG_EXPORT int zg_trie_root_sorted(const zg_trie_bytes *keys, const zg_trie_bytes *vals,
                                  size_t n, uint8_t root[32]);
/* Root of n pairs in any order (ZG_TRIE_SECURE: keys are hashed); empty
 * values are skipped; duplicate keys are ZG_EINVAL. */
ZG_EXPORT int zg_trie_root_of(const zg_trie_bytes *keys, const zg_trie_bytes *vals, size_t n,
                              unsigned flags, uint8_t root[32]);
/* Root of a list (transactions, receipts, withdrawals of a block): item i
 * stored under key rlp(i). */
ZG_EXPORT int zg_trie_list_root(const zg_trie_bytes *items, size_t n, uint8_t root[32]);

#ifdef __cplusplus
}
#endif
#endif
