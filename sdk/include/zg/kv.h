/* zg/kv.h — the `kv` plugin kind: ordered key-value storage backends.
 *
 * A kv plugin's descriptor has kind ZG_KIND_KV and iface pointing to a
 * zg_kv_iface.  One plugin instance can open several named databases
 * (e.g. "chain", "storage"); each lives under the instance's directory in the
 * node's datadir.  Keys are ordered bytewise (memcmp, shorter first).
 *
 * Thread-safety: a zg_kv_db may be used from several threads at once, except
 * that a single batch, iterator or snapshot handle belongs to one thread.
 */
#ifndef ZG_KV_H
#define ZG_KV_H

#include <zg/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zg_kv_db zg_kv_db;           /* defined by the plugin */
typedef struct zg_kv_batch zg_kv_batch;
typedef struct zg_kv_iter zg_kv_iter;
typedef struct zg_kv_snapshot zg_kv_snapshot;

/* write flags */
enum {
    ZG_KV_SYNC = 1, /* durable before return (fsync / WAL sync) */
};

typedef struct zg_kv_iface {
    uint32_t struct_size; /* sizeof(zg_kv_iface) in the plugin */

    /* open (creating if needed) the database `name` ([A-Za-z0-9_-], 1 to 64).
     * Opening a name that is already open returns the same handle; every
     * successful open is paired with one close. */
    int (*open)(void *state, const char *name, zg_kv_db **out);
    /* flush and close; every handle made from db must be released first */
    void (*close)(zg_kv_db *db);

    /* get: on ZG_OK *val is a buffer the caller releases with free_value();
     * ZG_ENOTFOUND when absent.  snap may be NULL (latest). */
    int (*get)(zg_kv_db *db, const zg_kv_snapshot *snap, const void *key, size_t klen,
               void **val, size_t *vlen);
    void (*free_value)(zg_kv_db *db, void *val);
    int (*put)(zg_kv_db *db, const void *key, size_t klen, const void *val, size_t vlen,
               unsigned flags);
    int (*del)(zg_kv_db *db, const void *key, size_t klen, unsigned flags);

    /* atomic write batch: all of it or none of it is applied */
    zg_kv_batch *(*batch_new)(zg_kv_db *db);
    void (*batch_put)(zg_kv_batch *b, const void *key, size_t klen, const void *val, size_t vlen);
    void (*batch_del)(zg_kv_batch *b, const void *key, size_t klen);
    void (*batch_clear)(zg_kv_batch *b);
    int (*batch_write)(zg_kv_db *db, zg_kv_batch *b, unsigned flags);
    void (*batch_free)(zg_kv_batch *b);

    /* consistent read view */
    zg_kv_snapshot *(*snapshot_new)(zg_kv_db *db);
    void (*snapshot_free)(zg_kv_db *db, zg_kv_snapshot *s);

    /* ordered iterator over [lower, upper); either bound may be NULL (open).
     * Starts unpositioned: call seek_first/seek/seek_last.  With snap NULL it
     * reads a consistent view as of iter_new (an implicit snapshot). */
    zg_kv_iter *(*iter_new)(zg_kv_db *db, const zg_kv_snapshot *snap, const void *lower,
                            size_t lower_len, const void *upper, size_t upper_len);
    void (*iter_seek_first)(zg_kv_iter *it);
    void (*iter_seek_last)(zg_kv_iter *it);
    void (*iter_seek)(zg_kv_iter *it, const void *key, size_t klen); /* first key >= key */
    int (*iter_valid)(zg_kv_iter *it);
    void (*iter_next)(zg_kv_iter *it);
    void (*iter_prev)(zg_kv_iter *it);
    /* borrowed until the iterator moves */
    const void *(*iter_key)(zg_kv_iter *it, size_t *len);
    const void *(*iter_value)(zg_kv_iter *it, size_t *len);
    /* ZG_OK, or the error that ended iteration early */
    int (*iter_status)(zg_kv_iter *it);
    void (*iter_free)(zg_kv_iter *it);

    /* make every acknowledged write durable */
    int (*flush)(zg_kv_db *db);
} zg_kv_iface;

#ifdef __cplusplus
}
#endif
#endif /* ZG_KV_H */
