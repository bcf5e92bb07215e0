/* tests/trie_memkv.h — a tiny in-memory zg_kv_iface for trie tests and the
 * trie benchmark: a chained hash table, with counters.  Only what the trie
 * uses: get/free_value/put/del and batches (iterators and snapshots are
 * absent).  Not thread-safe. */
#ifndef ZG_TRIE_MEMKV_H
#define ZG_TRIE_MEMKV_H
#include <stdlib.h>
#include <string.h>
#include <zg/kv.h>

typedef struct mkv_ent {
    struct mkv_ent *next;
    size_t klen, vlen;
    uint8_t *key, *val;
} mkv_ent;

struct zg_kv_db {
    mkv_ent **tab;
    size_t nbuck, count;
    /* counters */
    size_t gets, puts, batch_writes, batch_puts;
    int fail_writes; /* make batch_write fail */
};

typedef struct mkv_op {
    int del;
    uint8_t *key, *val;
    size_t klen, vlen;
} mkv_op;

struct zg_kv_batch {
    mkv_op *ops;
    size_t n, cap;
};

static size_t mkv_hash(const void *k, size_t n)
{
    const uint8_t *p = k;
    size_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static mkv_ent **mkv_find(zg_kv_db *db, const void *k, size_t kl)
{
    mkv_ent **e = &db->tab[mkv_hash(k, kl) & (db->nbuck - 1)];
    while (*e && ((*e)->klen != kl || memcmp((*e)->key, k, kl))) e = &(*e)->next;
    return e;
}

static void *mkv_dup(const void *p, size_t n)
{
    void *d = malloc(n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}

static int mkv_set(zg_kv_db *db, const void *k, size_t kl, const void *v, size_t vl)
{
    if (db->count >= db->nbuck) { /* grow */
        size_t nb = db->nbuck * 2;
        mkv_ent **nt = calloc(nb, sizeof *nt);
        if (!nt) return ZG_ENOMEM;
        for (size_t i = 0; i < db->nbuck; i++)
            for (mkv_ent *e = db->tab[i], *nx; e; e = nx) {
                nx = e->next;
                size_t h = mkv_hash(e->key, e->klen) & (nb - 1);
                e->next = nt[h];
                nt[h] = e;
            }
        free(db->tab);
        db->tab = nt;
        db->nbuck = nb;
    }
    mkv_ent **s = mkv_find(db, k, kl), *e = *s;
    uint8_t *nv = mkv_dup(v, vl);
    if (!nv) return ZG_ENOMEM;
    if (e) {
        free(e->val);
    } else {
        if (!(e = calloc(1, sizeof *e)) || !(e->key = mkv_dup(k, kl))) {
            free(e);
            free(nv);
            return ZG_ENOMEM;
        }
        e->klen = kl;
        *s = e;
        db->count++;
    }
    e->val = nv;
    e->vlen = vl;
    return ZG_OK;
}

static int mkv_remove(zg_kv_db *db, const void *k, size_t kl)
{
    mkv_ent **s = mkv_find(db, k, kl), *e = *s;
    if (!e) return ZG_ENOTFOUND;
    *s = e->next;
    free(e->key);
    free(e->val);
    free(e);
    db->count--;
    return ZG_OK;
}

static zg_kv_db *mkv_new(void)
{
    zg_kv_db *db = calloc(1, sizeof *db);
    if (!db) return NULL;
    db->nbuck = 1024;
    if (!(db->tab = calloc(db->nbuck, sizeof *db->tab))) {
        free(db);
        return NULL;
    }
    return db;
}

static void mkv_close(zg_kv_db *db)
{
    if (!db) return;
    for (size_t i = 0; i < db->nbuck; i++)
        for (mkv_ent *e = db->tab[i], *nx; e; e = nx) {
            nx = e->next;
            free(e->key);
            free(e->val);
            free(e);
        }
    free(db->tab);
    free(db);
}

static int mkv_get(zg_kv_db *db, const zg_kv_snapshot *snap, const void *k, size_t kl, void **v,
                   size_t *vl)
{
    (void)snap;
    db->gets++;
    mkv_ent *e = *mkv_find(db, k, kl);
    if (!e) return ZG_ENOTFOUND;
    if (!(*v = mkv_dup(e->val, e->vlen))) return ZG_ENOMEM;
    *vl = e->vlen;
    return ZG_OK;
}

static void mkv_free_value(zg_kv_db *db, void *v)
{
    (void)db;
    free(v);
}

static int mkv_put(zg_kv_db *db, const void *k, size_t kl, const void *v, size_t vl, unsigned f)
{
    (void)f;
    db->puts++;
    return mkv_set(db, k, kl, v, vl);
}

static int mkv_del(zg_kv_db *db, const void *k, size_t kl, unsigned f)
{
    (void)f;
    mkv_remove(db, k, kl);
    return ZG_OK;
}

static zg_kv_batch *mkv_batch_new(zg_kv_db *db)
{
    (void)db;
    return calloc(1, sizeof(zg_kv_batch));
}

static void mkv_batch_add(zg_kv_batch *b, int del, const void *k, size_t kl, const void *v,
                          size_t vl)
{
    if (b->n == b->cap) {
        size_t nc = b->cap ? 2 * b->cap : 64;
        mkv_op *no = realloc(b->ops, nc * sizeof *no);
        if (!no) abort(); /* test helper */
        b->ops = no;
        b->cap = nc;
    }
    mkv_op *o = &b->ops[b->n++];
    o->del = del;
    o->key = mkv_dup(k, kl);
    o->klen = kl;
    o->val = del ? NULL : mkv_dup(v, vl);
    o->vlen = vl;
    if (!o->key || (!del && !o->val)) abort();
}

static void mkv_batch_put(zg_kv_batch *b, const void *k, size_t kl, const void *v, size_t vl)
{
    mkv_batch_add(b, 0, k, kl, v, vl);
}

static void mkv_batch_del(zg_kv_batch *b, const void *k, size_t kl)
{
    mkv_batch_add(b, 1, k, kl, NULL, 0);
}

static void mkv_batch_clear(zg_kv_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->ops[i].key);
        free(b->ops[i].val);
    }
    b->n = 0;
}

static int mkv_batch_write(zg_kv_db *db, zg_kv_batch *b, unsigned f)
{
    (void)f;
    if (db->fail_writes) return ZG_EIO;
    db->batch_writes++;
    for (size_t i = 0; i < b->n; i++) {
        mkv_op *o = &b->ops[i];
        if (o->del) {
            mkv_remove(db, o->key, o->klen);
        } else {
            db->batch_puts++;
            if (mkv_set(db, o->key, o->klen, o->val, o->vlen)) return ZG_ENOMEM;
        }
    }
    return ZG_OK;
}

static void mkv_batch_free(zg_kv_batch *b)
{
    if (!b) return;
    mkv_batch_clear(b);
    free(b->ops);
    free(b);
}

static const zg_kv_iface mkv_iface = {
    .struct_size = sizeof(zg_kv_iface),
    .close = mkv_close,
    .get = mkv_get,
    .free_value = mkv_free_value,
    .put = mkv_put,
    .del = mkv_del,
    .batch_new = mkv_batch_new,
    .batch_put = mkv_batch_put,
    .batch_del = mkv_batch_del,
    .batch_clear = mkv_batch_clear,
    .batch_write = mkv_batch_write,
    .batch_free = mkv_batch_free,
};
#endif
