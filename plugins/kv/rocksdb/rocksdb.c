/* plugins/kv/rocksdb — optional kv backend: embedded RocksDB through its C
 * API (rocksdb/c.h).  Same layout and semantics as the leveldb plugin: each
 * named database is a RocksDB directory under the instance directory, one
 * LRU block cache is shared by all databases of an instance, and opening an
 * already open name returns the same (reference counted) handle.
 *
 * Iterator bounds are handed to RocksDB (iterate_lower/upper_bound, which
 * lets it skip tombstones and files outside the range) and also checked
 * here, so the edge semantics match the other backends exactly.
 *
 * Config (all optional):
 *   path             directory of the databases (absolute or relative to the datadir)
 *   cache_mb         shared block cache, MiB (64)
 *   write_buffer_mb  memtable size per database, MiB (64)
 *   max_open_files   table files kept open per database, -1 = unlimited (1000)
 *   block_size_kb    uncompressed data block size, KiB (4)
 *   bloom_bits       bloom filter bits per key, 0 disables (10)
 *   compression      "none", "snappy", "lz4" or "zstd" ("lz4")
 *   background_jobs  flush/compaction threads (2)
 *   paranoid_checks  stop on any detected corruption (true)
 *   verify_checksums verify block checksums on every read (true)
 *   sync_writes      treat every write as ZG_KV_SYNC (false)
 */
#include <config.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rocksdb/c.h>

#include "../kvcommon.h"

typedef struct rdb_state {
    zg_ctx *ctx;
    const zg_host_api *host;
    char *dir;
    int64_t cache_mb, write_buffer_mb, max_open_files, block_size_kb, bloom_bits, jobs;
    int compression;
    const char *compression_name;
    int paranoid, verify, sync_all;
    rocksdb_cache_t *cache;
    pthread_mutex_t lock; /* guards dbs */
    struct zg_kv_db *dbs;
} rdb_state;

struct zg_kv_db {
    rdb_state *st;
    struct zg_kv_db *next;
    int refs;
    char name[KV_NAME_MAX + 1];
    char *path;
    rocksdb_t *db;
    rocksdb_options_t *opts;
    rocksdb_readoptions_t *ro;
    rocksdb_writeoptions_t *wo[2]; /* [0] unsynced, [1] synced */
};

struct zg_kv_batch {
    rocksdb_writebatch_t *wb;
    int bad;
};

struct zg_kv_snapshot {
    const rocksdb_snapshot_t *snap;
    rocksdb_readoptions_t *ro;
};

struct zg_kv_iter {
    zg_kv_db *db;
    rocksdb_iterator_t *it;
    rocksdb_readoptions_t *ro; /* holds the bound slices: lives as long as it */
    char *lower, *upper;
    size_t llen, ulen;
    int valid;
    int status;
};

static const char empty[1];

static int rdb_fail(zg_kv_db *db, const char *op, char *err)
{
    int rc = kv_status_code(err);
    db->st->host->log(db->st->ctx, ZG_LOG_ERROR, "rocksdb %s: %s: %s", db->name, op, err);
    rocksdb_free(err);
    return rc;
}

static const struct {
    const char *name;
    int type;
} compressions[] = {
    {"none", rocksdb_no_compression},
    {"snappy", rocksdb_snappy_compression},
    {"lz4", rocksdb_lz4_compression},
    {"zstd", rocksdb_zstd_compression},
};

/* ---------------------------------------------------------------- init */

static int rdb_init(zg_ctx *ctx, const zg_host_api *host, void **state)
{
    rdb_state *st = calloc(1, sizeof *st);
    if (!st) return ZG_ENOMEM;
    st->ctx = ctx;
    st->host = host;
    int rc = 0;
    rc = rc ? rc : kv_cfg_int(host, ctx, "cache_mb", 64, 1, 1 << 20, &st->cache_mb);
    rc = rc ? rc : kv_cfg_int(host, ctx, "write_buffer_mb", 64, 1, 1 << 16, &st->write_buffer_mb);
    rc = rc ? rc : kv_cfg_int(host, ctx, "max_open_files", 1000, -1, 1 << 20, &st->max_open_files);
    rc = rc ? rc : kv_cfg_int(host, ctx, "block_size_kb", 4, 1, 1 << 14, &st->block_size_kb);
    rc = rc ? rc : kv_cfg_int(host, ctx, "bloom_bits", 10, 0, 64, &st->bloom_bits);
    rc = rc ? rc : kv_cfg_int(host, ctx, "background_jobs", 2, 1, 256, &st->jobs);
    rc = rc ? rc : kv_cfg_bool(host, ctx, "paranoid_checks", 1, &st->paranoid);
    rc = rc ? rc : kv_cfg_bool(host, ctx, "verify_checksums", 1, &st->verify);
    rc = rc ? rc : kv_cfg_bool(host, ctx, "sync_writes", 0, &st->sync_all);
    if (!rc && st->max_open_files >= 0 && st->max_open_files < 16) {
        host->cfg_error(ctx, "max_open_files", "max_open_files must be -1 or at least 16");
        rc = ZG_ERANGE;
    }
    if (!rc) {
        const char *c = "lz4";
        int r = host->cfg_string(ctx, "compression", &c);
        if (r != ZG_OK && r != ZG_ENOTFOUND) rc = r;
        st->compression = -1;
        for (size_t i = 0; !rc && i < sizeof compressions / sizeof compressions[0]; i++) {
            if (!strcmp(c, compressions[i].name)) {
                st->compression = compressions[i].type;
                st->compression_name = compressions[i].name;
            }
        }
        if (!rc && st->compression < 0) {
            host->cfg_error(ctx, "compression", "compression must be none, snappy, lz4 or zstd (got '%s')", c);
            rc = ZG_EINVAL;
        }
    }
    rc = rc ? rc : kv_base_dir(host, ctx, "rocksdb", &st->dir);
    if (rc) {
        free(st);
        return rc;
    }
    st->cache = rocksdb_cache_create_lru((size_t)st->cache_mb << 20);
    pthread_mutex_init(&st->lock, NULL);
    host->log(ctx, ZG_LOG_INFO,
              "rocksdb: databases under %s (cache %lld MiB, write buffer %lld MiB, bloom %lld "
              "bits/key, %s compression, %lld background jobs%s)",
              st->dir, (long long)st->cache_mb, (long long)st->write_buffer_mb,
              (long long)st->bloom_bits, st->compression_name, (long long)st->jobs,
              st->sync_all ? ", every write synced" : "");
    *state = st;
    return ZG_OK;
}

static void db_destroy(zg_kv_db *db)
{
    if (db->db) rocksdb_close(db->db);
    if (db->opts) rocksdb_options_destroy(db->opts);
    if (db->ro) rocksdb_readoptions_destroy(db->ro);
    if (db->wo[0]) rocksdb_writeoptions_destroy(db->wo[0]);
    if (db->wo[1]) rocksdb_writeoptions_destroy(db->wo[1]);
    free(db->path);
    free(db);
}

static int db_sync(zg_kv_db *db)
{
    char *err = NULL;
    rocksdb_flush_wal(db->db, 1, &err);
    return err ? rdb_fail(db, "flush", err) : ZG_OK;
}

static void rdb_fini(void *state)
{
    rdb_state *st = state;
    if (!st) return;
    while (st->dbs) {
        zg_kv_db *db = st->dbs;
        st->dbs = db->next;
        st->host->log(st->ctx, ZG_LOG_WARN, "rocksdb %s: still open at shutdown, closing", db->name);
        db_sync(db);
        db_destroy(db);
    }
    if (st->cache) rocksdb_cache_destroy(st->cache);
    pthread_mutex_destroy(&st->lock);
    free(st->dir);
    free(st);
}

/* ---------------------------------------------------------------- open/close */

static int rdb_open(void *state, const char *name, zg_kv_db **out)
{
    rdb_state *st = state;
    if (!st || !out) return ZG_EINVAL;
    *out = NULL;
    if (!kv_name_valid(name)) {
        st->host->log(st->ctx, ZG_LOG_ERROR, "rocksdb: invalid database name '%s'", name ? name : "(null)");
        return ZG_EINVAL;
    }
    pthread_mutex_lock(&st->lock);
    for (zg_kv_db *d = st->dbs; d; d = d->next) {
        if (!strcmp(d->name, name)) {
            d->refs++;
            *out = d;
            pthread_mutex_unlock(&st->lock);
            return ZG_OK;
        }
    }
    int rc = ZG_ENOMEM;
    rocksdb_block_based_table_options_t *bbo = NULL;
    zg_kv_db *db = calloc(1, sizeof *db);
    if (!db) goto out;
    db->st = st;
    db->refs = 1;
    strcpy(db->name, name);
    db->path = kv_path_join(st->dir, name);
    db->opts = rocksdb_options_create();
    db->ro = rocksdb_readoptions_create();
    db->wo[0] = rocksdb_writeoptions_create();
    db->wo[1] = rocksdb_writeoptions_create();
    bbo = rocksdb_block_based_options_create();
    if (!db->path || !db->opts || !db->ro || !db->wo[0] || !db->wo[1] || !bbo) goto out;
    rocksdb_writeoptions_set_sync(db->wo[0], (unsigned char)st->sync_all);
    rocksdb_writeoptions_set_sync(db->wo[1], 1);
    rocksdb_readoptions_set_verify_checksums(db->ro, (unsigned char)st->verify);

    rocksdb_block_based_options_set_block_cache(bbo, st->cache);
    rocksdb_block_based_options_set_block_size(bbo, (size_t)st->block_size_kb << 10);
    if (st->bloom_bits) /* the table options take ownership of the policy */
        rocksdb_block_based_options_set_filter_policy(
            bbo, rocksdb_filterpolicy_create_bloom_full((double)st->bloom_bits));
    rocksdb_options_set_block_based_table_factory(db->opts, bbo);

    rocksdb_options_set_create_if_missing(db->opts, 1);
    rocksdb_options_set_paranoid_checks(db->opts, (unsigned char)st->paranoid);
    rocksdb_options_set_write_buffer_size(db->opts, (size_t)st->write_buffer_mb << 20);
    rocksdb_options_set_max_open_files(db->opts, (int)st->max_open_files);
    rocksdb_options_set_compression(db->opts, st->compression);
    rocksdb_options_set_max_background_jobs(db->opts, (int)st->jobs);
    rocksdb_options_set_level_compaction_dynamic_level_bytes(db->opts, 1);
    rocksdb_options_set_info_log_level(db->opts, 2 /* WARN */);
    rocksdb_options_set_keep_log_file_num(db->opts, 4);

    char *err = NULL;
    db->db = rocksdb_open(db->opts, db->path, &err);
    if (err) {
        rc = rdb_fail(db, "open", err);
        db->db = NULL;
        goto out;
    }
    db->next = st->dbs;
    st->dbs = db;
    st->host->log(st->ctx, ZG_LOG_INFO, "rocksdb %s: opened %s", name, db->path);
    *out = db;
    db = NULL;
    rc = ZG_OK;
out:
    pthread_mutex_unlock(&st->lock);
    if (bbo) rocksdb_block_based_options_destroy(bbo);
    if (db) db_destroy(db);
    return rc;
}

static void rdb_close(zg_kv_db *db)
{
    if (!db) return;
    rdb_state *st = db->st;
    pthread_mutex_lock(&st->lock);
    if (--db->refs > 0) {
        pthread_mutex_unlock(&st->lock);
        return;
    }
    for (zg_kv_db **p = &st->dbs; *p; p = &(*p)->next) {
        if (*p == db) {
            *p = db->next;
            break;
        }
    }
    pthread_mutex_unlock(&st->lock);
    db_sync(db);
    st->host->log(st->ctx, ZG_LOG_DEBUG, "rocksdb %s: closed", db->name);
    db_destroy(db);
}

/* ---------------------------------------------------------------- point ops */

static int rdb_get(zg_kv_db *db, const zg_kv_snapshot *snap, const void *key, size_t klen,
                   void **val, size_t *vlen)
{
    if (!db || !val || !vlen || (!key && klen)) return ZG_EINVAL;
    char *err = NULL;
    size_t n = 0;
    char *v = rocksdb_get(db->db, snap ? snap->ro : db->ro, key ? key : empty, klen, &n, &err);
    if (err) return rdb_fail(db, "get", err);
    if (!v) return ZG_ENOTFOUND;
    *val = v;
    *vlen = n;
    return ZG_OK;
}

static void rdb_free_value(zg_kv_db *db, void *val)
{
    rocksdb_free(val);
}

static int rdb_put(zg_kv_db *db, const void *key, size_t klen, const void *val, size_t vlen,
                   unsigned flags)
{
    if (!db || (!key && klen) || (!val && vlen)) return ZG_EINVAL;
    char *err = NULL;
    rocksdb_put(db->db, db->wo[(flags & ZG_KV_SYNC) != 0], key ? key : empty, klen,
                val ? val : empty, vlen, &err);
    return err ? rdb_fail(db, "put", err) : ZG_OK;
}

static int rdb_del(zg_kv_db *db, const void *key, size_t klen, unsigned flags)
{
    if (!db || (!key && klen)) return ZG_EINVAL;
    char *err = NULL;
    rocksdb_delete(db->db, db->wo[(flags & ZG_KV_SYNC) != 0], key ? key : empty, klen, &err);
    return err ? rdb_fail(db, "delete", err) : ZG_OK;
}

/* ---------------------------------------------------------------- batches */

static zg_kv_batch *rdb_batch_new(zg_kv_db *db)
{
    zg_kv_batch *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    if (!(b->wb = rocksdb_writebatch_create())) {
        free(b);
        return NULL;
    }
    return b;
}

static void rdb_batch_put(zg_kv_batch *b, const void *key, size_t klen, const void *val,
                          size_t vlen)
{
    if (!b) return;
    if ((!key && klen) || (!val && vlen)) {
        b->bad = 1;
        return;
    }
    rocksdb_writebatch_put(b->wb, key ? key : empty, klen, val ? val : empty, vlen);
}

static void rdb_batch_del(zg_kv_batch *b, const void *key, size_t klen)
{
    if (!b) return;
    if (!key && klen) {
        b->bad = 1;
        return;
    }
    rocksdb_writebatch_delete(b->wb, key ? key : empty, klen);
}

static void rdb_batch_clear(zg_kv_batch *b)
{
    if (!b) return;
    rocksdb_writebatch_clear(b->wb);
    b->bad = 0;
}

static int rdb_batch_write(zg_kv_db *db, zg_kv_batch *b, unsigned flags)
{
    if (!db || !b) return ZG_EINVAL;
    if (b->bad) {
        db->st->host->log(db->st->ctx, ZG_LOG_ERROR,
                          "rocksdb %s: batch holds a NULL key or value, not written", db->name);
        return ZG_EINVAL;
    }
    char *err = NULL;
    rocksdb_write(db->db, db->wo[(flags & ZG_KV_SYNC) != 0], b->wb, &err);
    return err ? rdb_fail(db, "write", err) : ZG_OK;
}

static void rdb_batch_free(zg_kv_batch *b)
{
    if (!b) return;
    rocksdb_writebatch_destroy(b->wb);
    free(b);
}

/* ---------------------------------------------------------------- snapshots */

static zg_kv_snapshot *rdb_snapshot_new(zg_kv_db *db)
{
    if (!db) return NULL;
    zg_kv_snapshot *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (!(s->ro = rocksdb_readoptions_create())) {
        free(s);
        return NULL;
    }
    s->snap = rocksdb_create_snapshot(db->db);
    rocksdb_readoptions_set_snapshot(s->ro, s->snap);
    rocksdb_readoptions_set_verify_checksums(s->ro, (unsigned char)db->st->verify);
    return s;
}

static void rdb_snapshot_free(zg_kv_db *db, zg_kv_snapshot *s)
{
    if (!db || !s) return;
    rocksdb_release_snapshot(db->db, s->snap);
    rocksdb_readoptions_destroy(s->ro);
    free(s);
}

/* ---------------------------------------------------------------- iterators */

static zg_kv_iter *rdb_iter_new(zg_kv_db *db, const zg_kv_snapshot *snap, const void *lower,
                                size_t lower_len, const void *upper, size_t upper_len)
{
    if (!db) return NULL;
    zg_kv_iter *it = calloc(1, sizeof *it);
    if (!it) return NULL;
    it->db = db;
    if (lower && lower_len) {
        if (!(it->lower = malloc(lower_len))) goto fail;
        memcpy(it->lower, lower, lower_len);
        it->llen = lower_len;
    }
    if (upper) {
        if (!(it->upper = malloc(upper_len ? upper_len : 1))) goto fail;
        if (upper_len) memcpy(it->upper, upper, upper_len);
        it->ulen = upper_len;
    }
    if (!(it->ro = rocksdb_readoptions_create())) goto fail;
    rocksdb_readoptions_set_verify_checksums(it->ro, (unsigned char)db->st->verify);
    if (snap) rocksdb_readoptions_set_snapshot(it->ro, snap->snap);
    if (it->lower) rocksdb_readoptions_set_iterate_lower_bound(it->ro, it->lower, it->llen);
    if (it->upper) rocksdb_readoptions_set_iterate_upper_bound(it->ro, it->upper, it->ulen);
    if (!(it->it = rocksdb_create_iterator(db->db, it->ro))) goto fail;
    return it;
fail:
    if (it->ro) rocksdb_readoptions_destroy(it->ro);
    free(it->lower);
    free(it->upper);
    free(it);
    return NULL;
}

static void it_settle(zg_kv_iter *it)
{
    it->valid = 0;
    if (!rocksdb_iter_valid(it->it)) {
        char *err = NULL;
        rocksdb_iter_get_error(it->it, &err);
        if (err) it->status = rdb_fail(it->db, "iterator", err);
        return;
    }
    size_t kl;
    const char *k = rocksdb_iter_key(it->it, &kl);
    if (it->upper && kv_keycmp(k, kl, it->upper, it->ulen) >= 0) return;
    if (it->lower && kv_keycmp(k, kl, it->lower, it->llen) < 0) return;
    it->valid = 1;
}

static void rdb_iter_seek_first(zg_kv_iter *it)
{
    if (!it) return;
    if (it->lower)
        rocksdb_iter_seek(it->it, it->lower, it->llen);
    else
        rocksdb_iter_seek_to_first(it->it);
    it_settle(it);
}

static void rdb_iter_seek_last(zg_kv_iter *it)
{
    if (!it) return;
    rocksdb_iter_seek_to_last(it->it); /* honours iterate_upper_bound */
    it_settle(it);
}

static void rdb_iter_seek(zg_kv_iter *it, const void *key, size_t klen)
{
    if (!it) return;
    if (!key && klen) {
        it->valid = 0;
        return;
    }
    if (it->lower && kv_keycmp(key, klen, it->lower, it->llen) < 0)
        rocksdb_iter_seek(it->it, it->lower, it->llen);
    else
        rocksdb_iter_seek(it->it, key ? key : empty, klen);
    it_settle(it);
}

static int rdb_iter_valid(zg_kv_iter *it)
{
    return it && it->valid;
}

static void rdb_iter_next(zg_kv_iter *it)
{
    if (!it || !it->valid) return;
    rocksdb_iter_next(it->it);
    it_settle(it);
}

static void rdb_iter_prev(zg_kv_iter *it)
{
    if (!it || !it->valid) return;
    rocksdb_iter_prev(it->it);
    it_settle(it);
}

static const void *rdb_iter_key(zg_kv_iter *it, size_t *len)
{
    if (!it || !it->valid) {
        if (len) *len = 0;
        return NULL;
    }
    size_t n;
    const char *k = rocksdb_iter_key(it->it, &n);
    if (len) *len = n;
    return k;
}

static const void *rdb_iter_value(zg_kv_iter *it, size_t *len)
{
    if (!it || !it->valid) {
        if (len) *len = 0;
        return NULL;
    }
    size_t n;
    const char *v = rocksdb_iter_value(it->it, &n);
    if (len) *len = n;
    return v;
}

static int rdb_iter_status(zg_kv_iter *it)
{
    return it ? it->status : ZG_EINVAL;
}

static void rdb_iter_free(zg_kv_iter *it)
{
    if (!it) return;
    rocksdb_iter_destroy(it->it);
    rocksdb_readoptions_destroy(it->ro);
    free(it->lower);
    free(it->upper);
    free(it);
}

static int rdb_flush(zg_kv_db *db)
{
    return db ? db_sync(db) : ZG_EINVAL;
}

/* ---------------------------------------------------------------- descriptor */

static const zg_kv_iface kv_iface = {
    .struct_size = sizeof(zg_kv_iface),
    .open = rdb_open,
    .close = rdb_close,
    .get = rdb_get,
    .free_value = rdb_free_value,
    .put = rdb_put,
    .del = rdb_del,
    .batch_new = rdb_batch_new,
    .batch_put = rdb_batch_put,
    .batch_del = rdb_batch_del,
    .batch_clear = rdb_batch_clear,
    .batch_write = rdb_batch_write,
    .batch_free = rdb_batch_free,
    .snapshot_new = rdb_snapshot_new,
    .snapshot_free = rdb_snapshot_free,
    .iter_new = rdb_iter_new,
    .iter_seek_first = rdb_iter_seek_first,
    .iter_seek_last = rdb_iter_seek_last,
    .iter_seek = rdb_iter_seek,
    .iter_valid = rdb_iter_valid,
    .iter_next = rdb_iter_next,
    .iter_prev = rdb_iter_prev,
    .iter_key = rdb_iter_key,
    .iter_value = rdb_iter_value,
    .iter_status = rdb_iter_status,
    .iter_free = rdb_iter_free,
    .flush = rdb_flush,
};

static const zg_plugin_desc desc = {
    ZG_PLUGIN_HEADER(ZG_KIND_KV),
    .name = "rocksdb",
    .version = PACKAGE_VERSION,
    .description = "ordered key-value storage in embedded RocksDB",
    .init = rdb_init,
    .fini = rdb_fini,
    .iface = &kv_iface,
};

ZG_PLUGIN_DEFINE(desc)
