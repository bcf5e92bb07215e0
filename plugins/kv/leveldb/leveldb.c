/* plugins/kv/leveldb — the default kv backend: embedded LevelDB through its
 * C API (leveldb/c.h).
 *
 * Each named database is a LevelDB directory under the instance directory
 * (`path`, default "<datadir>/<instance name>").  One LRU block cache and one
 * bloom filter policy are shared by all databases of an instance.  Opening a
 * name that is already open returns the same handle (reference counted), as
 * LevelDB itself allows one opener per directory.
 *
 * LevelDB has no iterator bounds, so [lower, upper) is enforced here.
 *
 * Config (all optional):
 *   path             directory of the databases (absolute or relative to the datadir)
 *   cache_mb         shared block cache, MiB (64; 0 = LevelDB's 8 MiB per database)
 *   write_buffer_mb  memtable size per database, MiB (16)
 *   max_open_files   table files kept open per database (1000)
 *   block_size_kb    uncompressed data block size, KiB (4)
 *   max_file_mb      target table file size, MiB (2)
 *   bloom_bits       bloom filter bits per key, 0 disables (10)
 *   compression      snappy-compress blocks (true)
 *   paranoid_checks  stop on any detected corruption (false)
 *   verify_checksums verify block checksums on every read (false)
 *   sync_writes      treat every write as ZG_KV_SYNC (false)
 */
#include <config.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <leveldb/c.h>

#include "../kvcommon.h"

typedef struct ldb_state {
    zg_ctx *ctx;
    const zg_host_api *host;
    char *dir;
    int64_t cache_mb, write_buffer_mb, max_open_files, block_size_kb, max_file_mb, bloom_bits;
    int compression, paranoid, verify, sync_all;
    leveldb_cache_t *cache;
    leveldb_filterpolicy_t *filter;
    pthread_mutex_t lock; /* guards dbs */
    struct zg_kv_db *dbs;
} ldb_state;

struct zg_kv_db {
    ldb_state *st;
    struct zg_kv_db *next;
    int refs;
    char name[KV_NAME_MAX + 1];
    char *path;
    leveldb_t *db;
    leveldb_options_t *opts;
    leveldb_readoptions_t *ro;
    leveldb_writeoptions_t *wo[2]; /* [0] unsynced, [1] synced */
};

struct zg_kv_batch {
    leveldb_writebatch_t *wb;
    int bad; /* a bad argument was given to batch_put/batch_del */
};

struct zg_kv_snapshot {
    const leveldb_snapshot_t *snap;
    leveldb_readoptions_t *ro;
};

struct zg_kv_iter {
    zg_kv_db *db;
    leveldb_iterator_t *it;
    leveldb_readoptions_t *ro;
    char *lower, *upper; /* NULL: open */
    size_t llen, ulen;
    int valid;
    int status;
};

static const char empty[1];

/* Log a LevelDB error message, free it and map it to a status code. */
static int ldb_fail(zg_kv_db *db, const char *op, char *err)
{
    int rc = kv_status_code(err);
    db->st->host->log(db->st->ctx, ZG_LOG_ERROR, "leveldb %s: %s: %s", db->name, op, err);
    leveldb_free(err);
    return rc;
}

/* ---------------------------------------------------------------- init */

static int ldb_init(zg_ctx *ctx, const zg_host_api *host, void **state)
{
    ldb_state *st = calloc(1, sizeof *st);
    if (!st) return ZG_ENOMEM;
    st->ctx = ctx;
    st->host = host;
    int rc = 0;
    rc = rc ? rc : kv_cfg_int(host, ctx, "cache_mb", 64, 0, 1 << 20, &st->cache_mb);
    rc = rc ? rc : kv_cfg_int(host, ctx, "write_buffer_mb", 16, 1, 1 << 16, &st->write_buffer_mb);
    rc = rc ? rc : kv_cfg_int(host, ctx, "max_open_files", 1000, 16, 1 << 20, &st->max_open_files);
    rc = rc ? rc : kv_cfg_int(host, ctx, "block_size_kb", 4, 1, 1 << 14, &st->block_size_kb);
    rc = rc ? rc : kv_cfg_int(host, ctx, "max_file_mb", 2, 1, 1 << 12, &st->max_file_mb);
    rc = rc ? rc : kv_cfg_int(host, ctx, "bloom_bits", 10, 0, 64, &st->bloom_bits);
    rc = rc ? rc : kv_cfg_bool(host, ctx, "compression", 1, &st->compression);
    rc = rc ? rc : kv_cfg_bool(host, ctx, "paranoid_checks", 0, &st->paranoid);
    rc = rc ? rc : kv_cfg_bool(host, ctx, "verify_checksums", 0, &st->verify);
    rc = rc ? rc : kv_cfg_bool(host, ctx, "sync_writes", 0, &st->sync_all);
    rc = rc ? rc : kv_base_dir(host, ctx, "leveldb", &st->dir);
    if (rc) {
        free(st);
        return rc;
    }
    if (st->cache_mb) st->cache = leveldb_cache_create_lru((size_t)st->cache_mb << 20);
    if (st->bloom_bits) st->filter = leveldb_filterpolicy_create_bloom((int)st->bloom_bits);
    pthread_mutex_init(&st->lock, NULL);
    host->log(ctx, ZG_LOG_INFO,
              "leveldb %d.%d: databases under %s (cache %lld MiB, write buffer %lld MiB, "
              "bloom %lld bits/key, %s%s)",
              leveldb_major_version(), leveldb_minor_version(), st->dir, (long long)st->cache_mb,
              (long long)st->write_buffer_mb, (long long)st->bloom_bits,
              st->compression ? "snappy" : "no compression",
              st->sync_all ? ", every write synced" : "");
    *state = st;
    return ZG_OK;
}

static void db_destroy(zg_kv_db *db)
{
    if (db->db) leveldb_close(db->db);
    if (db->opts) leveldb_options_destroy(db->opts);
    if (db->ro) leveldb_readoptions_destroy(db->ro);
    if (db->wo[0]) leveldb_writeoptions_destroy(db->wo[0]);
    if (db->wo[1]) leveldb_writeoptions_destroy(db->wo[1]);
    free(db->path);
    free(db);
}

/* Sync LevelDB's log: an empty synced batch appends a record and fsyncs. */
static int db_sync(zg_kv_db *db)
{
    leveldb_writebatch_t *wb = leveldb_writebatch_create();
    char *err = NULL;
    leveldb_write(db->db, db->wo[1], wb, &err);
    leveldb_writebatch_destroy(wb);
    return err ? ldb_fail(db, "flush", err) : ZG_OK;
}

static void ldb_fini(void *state)
{
    ldb_state *st = state;
    if (!st) return;
    while (st->dbs) {
        zg_kv_db *db = st->dbs;
        st->dbs = db->next;
        st->host->log(st->ctx, ZG_LOG_WARN, "leveldb %s: still open at shutdown, closing", db->name);
        db_sync(db);
        db_destroy(db);
    }
    if (st->filter) leveldb_filterpolicy_destroy(st->filter);
    if (st->cache) leveldb_cache_destroy(st->cache);
    pthread_mutex_destroy(&st->lock);
    free(st->dir);
    free(st);
}

/* ---------------------------------------------------------------- open/close */

static int ldb_open(void *state, const char *name, zg_kv_db **out)
{
    ldb_state *st = state;
    if (!st || !out) return ZG_EINVAL;
    *out = NULL;
    if (!kv_name_valid(name)) {
        st->host->log(st->ctx, ZG_LOG_ERROR, "leveldb: invalid database name '%s'", name ? name : "(null)");
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
    zg_kv_db *db = calloc(1, sizeof *db);
    if (!db) goto out;
    db->st = st;
    db->refs = 1;
    strcpy(db->name, name);
    db->path = kv_path_join(st->dir, name);
    db->opts = leveldb_options_create();
    db->ro = leveldb_readoptions_create();
    db->wo[0] = leveldb_writeoptions_create();
    db->wo[1] = leveldb_writeoptions_create();
    if (!db->path || !db->opts || !db->ro || !db->wo[0] || !db->wo[1]) goto out;
    leveldb_writeoptions_set_sync(db->wo[0], st->sync_all);
    leveldb_writeoptions_set_sync(db->wo[1], 1);
    leveldb_readoptions_set_verify_checksums(db->ro, (uint8_t)st->verify);
    leveldb_options_set_create_if_missing(db->opts, 1);
    leveldb_options_set_paranoid_checks(db->opts, (uint8_t)st->paranoid);
    leveldb_options_set_write_buffer_size(db->opts, (size_t)st->write_buffer_mb << 20);
    leveldb_options_set_max_open_files(db->opts, (int)st->max_open_files);
    leveldb_options_set_block_size(db->opts, (size_t)st->block_size_kb << 10);
    leveldb_options_set_max_file_size(db->opts, (size_t)st->max_file_mb << 20);
    leveldb_options_set_compression(db->opts, st->compression ? leveldb_snappy_compression
                                                              : leveldb_no_compression);
    if (st->cache) leveldb_options_set_cache(db->opts, st->cache);
    if (st->filter) leveldb_options_set_filter_policy(db->opts, st->filter);
    char *err = NULL;
    db->db = leveldb_open(db->opts, db->path, &err);
    if (err) {
        rc = ldb_fail(db, "open", err);
        db->db = NULL;
        goto out;
    }
    db->next = st->dbs;
    st->dbs = db;
    st->host->log(st->ctx, ZG_LOG_INFO, "leveldb %s: opened %s", name, db->path);
    *out = db;
    db = NULL;
    rc = ZG_OK;
out:
    pthread_mutex_unlock(&st->lock);
    if (db) db_destroy(db);
    return rc;
}

static void ldb_close(zg_kv_db *db)
{
    if (!db) return;
    ldb_state *st = db->st;
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
    st->host->log(st->ctx, ZG_LOG_DEBUG, "leveldb %s: closed", db->name);
    db_destroy(db);
}

/* ---------------------------------------------------------------- point ops */

static int ldb_get(zg_kv_db *db, const zg_kv_snapshot *snap, const void *key, size_t klen,
                   void **val, size_t *vlen)
{
    if (!db || !val || !vlen || (!key && klen)) return ZG_EINVAL;
    char *err = NULL;
    size_t n = 0;
    char *v = leveldb_get(db->db, snap ? snap->ro : db->ro, key ? key : empty, klen, &n, &err);
    if (err) return ldb_fail(db, "get", err);
    if (!v) return ZG_ENOTFOUND;
    *val = v;
    *vlen = n;
    return ZG_OK;
}

static void ldb_free_value(zg_kv_db *db, void *val)
{
    leveldb_free(val);
}

static int ldb_put(zg_kv_db *db, const void *key, size_t klen, const void *val, size_t vlen,
                   unsigned flags)
{
    if (!db || (!key && klen) || (!val && vlen)) return ZG_EINVAL;
    char *err = NULL;
    leveldb_put(db->db, db->wo[(flags & ZG_KV_SYNC) != 0], key ? key : empty, klen,
                val ? val : empty, vlen, &err);
    return err ? ldb_fail(db, "put", err) : ZG_OK;
}

static int ldb_del(zg_kv_db *db, const void *key, size_t klen, unsigned flags)
{
    if (!db || (!key && klen)) return ZG_EINVAL;
    char *err = NULL;
    leveldb_delete(db->db, db->wo[(flags & ZG_KV_SYNC) != 0], key ? key : empty, klen, &err);
    return err ? ldb_fail(db, "delete", err) : ZG_OK;
}

/* ---------------------------------------------------------------- batches */

static zg_kv_batch *ldb_batch_new(zg_kv_db *db)
{
    zg_kv_batch *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->wb = leveldb_writebatch_create();
    if (!b->wb) {
        free(b);
        return NULL;
    }
    return b;
}

static void ldb_batch_put(zg_kv_batch *b, const void *key, size_t klen, const void *val,
                          size_t vlen)
{
    if (!b) return;
    if ((!key && klen) || (!val && vlen)) {
        b->bad = 1;
        return;
    }
    leveldb_writebatch_put(b->wb, key ? key : empty, klen, val ? val : empty, vlen);
}

static void ldb_batch_del(zg_kv_batch *b, const void *key, size_t klen)
{
    if (!b) return;
    if (!key && klen) {
        b->bad = 1;
        return;
    }
    leveldb_writebatch_delete(b->wb, key ? key : empty, klen);
}

static void ldb_batch_clear(zg_kv_batch *b)
{
    if (!b) return;
    leveldb_writebatch_clear(b->wb);
    b->bad = 0;
}

static int ldb_batch_write(zg_kv_db *db, zg_kv_batch *b, unsigned flags)
{
    if (!db || !b) return ZG_EINVAL;
    if (b->bad) {
        db->st->host->log(db->st->ctx, ZG_LOG_ERROR,
                          "leveldb %s: batch holds a NULL key or value, not written", db->name);
        return ZG_EINVAL;
    }
    char *err = NULL;
    leveldb_write(db->db, db->wo[(flags & ZG_KV_SYNC) != 0], b->wb, &err);
    return err ? ldb_fail(db, "write", err) : ZG_OK;
}

static void ldb_batch_free(zg_kv_batch *b)
{
    if (!b) return;
    leveldb_writebatch_destroy(b->wb);
    free(b);
}

/* ---------------------------------------------------------------- snapshots */

static zg_kv_snapshot *ldb_snapshot_new(zg_kv_db *db)
{
    if (!db) return NULL;
    zg_kv_snapshot *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->ro = leveldb_readoptions_create();
    if (!s->ro) {
        free(s);
        return NULL;
    }
    s->snap = leveldb_create_snapshot(db->db);
    leveldb_readoptions_set_snapshot(s->ro, s->snap);
    leveldb_readoptions_set_verify_checksums(s->ro, (uint8_t)db->st->verify);
    return s;
}

static void ldb_snapshot_free(zg_kv_db *db, zg_kv_snapshot *s)
{
    if (!db || !s) return;
    leveldb_release_snapshot(db->db, s->snap);
    leveldb_readoptions_destroy(s->ro);
    free(s);
}

/* ---------------------------------------------------------------- iterators */

static zg_kv_iter *ldb_iter_new(zg_kv_db *db, const zg_kv_snapshot *snap, const void *lower,
                                size_t lower_len, const void *upper, size_t upper_len)
{
    if (!db) return NULL;
    zg_kv_iter *it = calloc(1, sizeof *it);
    if (!it) return NULL;
    it->db = db;
    /* an empty lower bound is the smallest key: the same as none */
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
    if (!(it->ro = leveldb_readoptions_create())) goto fail;
    leveldb_readoptions_set_verify_checksums(it->ro, (uint8_t)db->st->verify);
    if (snap) leveldb_readoptions_set_snapshot(it->ro, snap->snap);
    if (!(it->it = leveldb_create_iterator(db->db, it->ro))) goto fail;
    return it;
fail:
    if (it->ro) leveldb_readoptions_destroy(it->ro);
    free(it->lower);
    free(it->upper);
    free(it);
    return NULL;
}

/* After a move: valid only on a key inside [lower, upper). */
static void it_settle(zg_kv_iter *it)
{
    it->valid = 0;
    if (!leveldb_iter_valid(it->it)) {
        char *err = NULL;
        leveldb_iter_get_error(it->it, &err);
        if (err) it->status = ldb_fail(it->db, "iterator", err);
        return;
    }
    size_t kl;
    const char *k = leveldb_iter_key(it->it, &kl);
    if (it->upper && kv_keycmp(k, kl, it->upper, it->ulen) >= 0) return;
    if (it->lower && kv_keycmp(k, kl, it->lower, it->llen) < 0) return;
    it->valid = 1;
}

static void ldb_iter_seek_first(zg_kv_iter *it)
{
    if (!it) return;
    if (it->lower)
        leveldb_iter_seek(it->it, it->lower, it->llen);
    else
        leveldb_iter_seek_to_first(it->it);
    it_settle(it);
}

static void ldb_iter_seek_last(zg_kv_iter *it)
{
    if (!it) return;
    if (it->upper) {
        leveldb_iter_seek(it->it, it->upper, it->ulen); /* first key >= upper ... */
        if (leveldb_iter_valid(it->it))
            leveldb_iter_prev(it->it); /* ... and the one before it */
        else
            leveldb_iter_seek_to_last(it->it);
    } else {
        leveldb_iter_seek_to_last(it->it);
    }
    it_settle(it);
}

static void ldb_iter_seek(zg_kv_iter *it, const void *key, size_t klen)
{
    if (!it) return;
    if (!key && klen) {
        it->valid = 0;
        return;
    }
    if (it->lower && kv_keycmp(key, klen, it->lower, it->llen) < 0)
        leveldb_iter_seek(it->it, it->lower, it->llen);
    else
        leveldb_iter_seek(it->it, key ? key : empty, klen);
    it_settle(it);
}

static int ldb_iter_valid(zg_kv_iter *it)
{
    return it && it->valid;
}

static void ldb_iter_next(zg_kv_iter *it)
{
    if (!it || !it->valid) return; /* LevelDB asserts on moving an invalid iterator */
    leveldb_iter_next(it->it);
    it_settle(it);
}

static void ldb_iter_prev(zg_kv_iter *it)
{
    if (!it || !it->valid) return;
    leveldb_iter_prev(it->it);
    it_settle(it);
}

static const void *ldb_iter_key(zg_kv_iter *it, size_t *len)
{
    if (!it || !it->valid) {
        if (len) *len = 0;
        return NULL;
    }
    size_t n;
    const char *k = leveldb_iter_key(it->it, &n);
    if (len) *len = n;
    return k;
}

static const void *ldb_iter_value(zg_kv_iter *it, size_t *len)
{
    if (!it || !it->valid) {
        if (len) *len = 0;
        return NULL;
    }
    size_t n;
    const char *v = leveldb_iter_value(it->it, &n);
    if (len) *len = n;
    return v;
}

static int ldb_iter_status(zg_kv_iter *it)
{
    return it ? it->status : ZG_EINVAL;
}

static void ldb_iter_free(zg_kv_iter *it)
{
    if (!it) return;
    leveldb_iter_destroy(it->it);
    leveldb_readoptions_destroy(it->ro);
    free(it->lower);
    free(it->upper);
    free(it);
}

static int ldb_flush(zg_kv_db *db)
{
    return db ? db_sync(db) : ZG_EINVAL;
}

/* ---------------------------------------------------------------- descriptor */

static const zg_kv_iface kv_iface = {
    .struct_size = sizeof(zg_kv_iface),
    .open = ldb_open,
    .close = ldb_close,
    .get = ldb_get,
    .free_value = ldb_free_value,
    .put = ldb_put,
    .del = ldb_del,
    .batch_new = ldb_batch_new,
    .batch_put = ldb_batch_put,
    .batch_del = ldb_batch_del,
    .batch_clear = ldb_batch_clear,
    .batch_write = ldb_batch_write,
    .batch_free = ldb_batch_free,
    .snapshot_new = ldb_snapshot_new,
    .snapshot_free = ldb_snapshot_free,
    .iter_new = ldb_iter_new,
    .iter_seek_first = ldb_iter_seek_first,
    .iter_seek_last = ldb_iter_seek_last,
    .iter_seek = ldb_iter_seek,
    .iter_valid = ldb_iter_valid,
    .iter_next = ldb_iter_next,
    .iter_prev = ldb_iter_prev,
    .iter_key = ldb_iter_key,
    .iter_value = ldb_iter_value,
    .iter_status = ldb_iter_status,
    .iter_free = ldb_iter_free,
    .flush = ldb_flush,
};

static const zg_plugin_desc desc = {
    ZG_PLUGIN_HEADER(ZG_KIND_KV),
    .name = "leveldb",
    .version = PACKAGE_VERSION,
    .description = "ordered key-value storage in embedded LevelDB",
    .init = ldb_init,
    .fini = ldb_fini,
    .iface = &kv_iface,
};

ZG_PLUGIN_DEFINE(desc)
