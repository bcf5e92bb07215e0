/* plugins/kv/memory — a volatile kv backend: an ordered in-memory map.
 *
 * Data lives in RAM only and is LOST WHEN THE NODE STOPS (fini).  Closing and
 * reopening a database within the same plugin instance keeps its contents.
 * Useful for tests, ephemeral nodes and as a reference implementation.
 *
 * Design: one skip list per database, ordered by kv_keycmp.  Each key node
 * carries a chain of versions, newest first, stamped with the sequence number
 * of the write (batch) that made them; a delete adds a tombstone.  A write
 * takes the database's write lock, applies every operation with sequence
 * seq+1 and then publishes it, so batches are atomic for readers, which hold
 * the read lock.  A snapshot is just a registered sequence number: reads at
 * S see, per key, the newest version with seq <= S.  An iterator without a
 * snapshot registers its own, so it is a consistent view as of iter_new.
 *
 * Versions no live snapshot can see are dropped when their key is written,
 * and by an occasional full sweep once enough garbage accumulated.  A node
 * is freed only when its chain is a lone tombstone: then no reader can be
 * positioned on it, so iterator positions and the key/value pointers they
 * hand out stay valid without holding the lock between calls.
 *
 * Every allocation a write needs is made before the lock is taken, so a
 * batch either fails with ZG_ENOMEM before touching anything or is applied
 * whole.  No configuration.
 */
#include <config.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../kvcommon.h"

#define MAX_LEVEL 24

typedef struct mver {
    struct mver *older;
    uint64_t seq;
    int dead; /* tombstone */
    size_t vlen;
    unsigned char val[];
} mver;

typedef struct mnode {
    mver *ver; /* newest first; never NULL while linked */
    size_t klen;
    unsigned char *key; /* stored right after next[] */
    int lvl;
    struct mnode *next[];
} mnode;

typedef struct msnap {
    struct msnap *prev, *next;
    uint64_t seq;
} msnap;

typedef struct mem_state {
    zg_ctx *ctx;
    const zg_host_api *host;
    pthread_mutex_t lock; /* guards dbs and refs */
    struct zg_kv_db *dbs;
} mem_state;

struct zg_kv_db {
    mem_state *st;
    struct zg_kv_db *next_db;
    int refs;
    char name[KV_NAME_MAX + 1];

    pthread_rwlock_t lock; /* readers: get/iterate; writer: apply */
    mnode *head;
    int level;
    uint64_t seq; /* last published write */
    size_t n_versions, n_live; /* garbage = n_versions - n_live */
    size_t sweep_floor;        /* garbage the last sweep could not drop */
    uint64_t sweep_frees;      /* snap_frees at the last sweep */

    pthread_mutex_t snap_lock; /* guards the snapshot list */
    msnap snaps;               /* circular sentinel, oldest first */
    uint64_t snap_frees;       /* snapshots released so far */
};

struct zg_kv_snapshot {
    msnap rec;
};

/* one write operation; a batch owns `buf` (key then value) */
typedef struct mop {
    int del;
    const unsigned char *key, *val;
    size_t klen, vlen;
    unsigned char *buf;
} mop;

struct zg_kv_batch {
    mop *ops;
    size_t n, cap;
    int err;
};

struct zg_kv_iter {
    zg_kv_db *db;
    uint64_t seq;
    msnap own; /* registered when no snapshot was given */
    int own_reg;
    unsigned char *lower, *upper; /* NULL: open */
    size_t llen, ulen;
    mnode *cur; /* NULL: not positioned */
    mver *curv;
};

/* ---------------------------------------------------------------- helpers */

static int random_level(void)
{
    static __thread uint64_t s;
    if (!s) s = ((uint64_t)(uintptr_t)&s ^ ((uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull)) | 1;
    int l = 1;
    for (;;) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        if (l >= MAX_LEVEL || (s & 3)) break; /* p = 1/4 per level */
        l++;
    }
    return l;
}

static mnode *node_new(const void *key, size_t klen, int lvl)
{
    mnode *n = malloc(sizeof *n + (size_t)lvl * sizeof(mnode *) + klen);
    if (!n) return NULL;
    n->ver = NULL;
    n->klen = klen;
    n->lvl = lvl;
    n->key = (unsigned char *)(n->next + lvl);
    for (int i = 0; i < lvl; i++) n->next[i] = NULL;
    if (klen) memcpy(n->key, key, klen);
    return n;
}

static void chain_free(mver *v)
{
    while (v) {
        mver *o = v->older;
        free(v);
        v = o;
    }
}

static inline int node_cmp(const mnode *n, const void *key, size_t klen)
{
    return kv_keycmp(n->key, n->klen, key, klen);
}

/* First node >= key; fills update[l] with the last node < key at each level. */
static mnode *find_ge(zg_kv_db *db, const void *key, size_t klen, mnode **update)
{
    mnode *x = db->head;
    for (int l = db->level - 1; l >= 0; l--) {
        while (x->next[l] && node_cmp(x->next[l], key, klen) < 0) x = x->next[l];
        if (update) update[l] = x;
    }
    return x->next[0];
}

/* Last node < key, or NULL. */
static mnode *find_lt(zg_kv_db *db, const void *key, size_t klen)
{
    mnode *x = db->head;
    for (int l = db->level - 1; l >= 0; l--)
        while (x->next[l] && node_cmp(x->next[l], key, klen) < 0) x = x->next[l];
    return x == db->head ? NULL : x;
}

static mnode *find_last(zg_kv_db *db)
{
    mnode *x = db->head;
    for (int l = db->level - 1; l >= 0; l--)
        while (x->next[l]) x = x->next[l];
    return x == db->head ? NULL : x;
}

/* The version a reader at `seq` sees, or NULL. */
static inline mver *visible(const mnode *x, uint64_t seq)
{
    mver *v = x->ver;
    while (v && v->seq > seq) v = v->older;
    return v;
}

/* The sequence numbers of the live snapshots, ascending, as a writer sees
 * them under the write lock (no snapshot can be registered meanwhile: that
 * takes the read lock; one released meanwhile only makes the set larger
 * than needed).  `coarse` when no memory was left to copy them: then every
 * version newer than the oldest snapshot is kept. */
typedef struct snapset {
    uint64_t *seq;
    size_t n;
    int coarse;
    uint64_t oldest;
    uint64_t frees;
    uint64_t buf[16];
} snapset;

static void snapset_load(zg_kv_db *db, snapset *ss)
{
    pthread_mutex_lock(&db->snap_lock);
    size_t n = 0;
    for (msnap *r = db->snaps.next; r != &db->snaps; r = r->next) n++;
    ss->seq = n <= 16 ? ss->buf : malloc(n * sizeof *ss->seq);
    ss->coarse = ss->seq == NULL;
    ss->n = 0;
    ss->oldest = n ? db->snaps.next->seq : UINT64_MAX;
    ss->frees = db->snap_frees;
    for (msnap *r = db->snaps.next; r != &db->snaps && ss->seq; r = r->next)
        if (!ss->n || ss->seq[ss->n - 1] != r->seq) ss->seq[ss->n++] = r->seq; /* registered in seq order */
    pthread_mutex_unlock(&db->snap_lock);
}

static void snapset_done(snapset *ss)
{
    if (ss->seq != ss->buf) free(ss->seq);
}

/* Whether a snapshot reads in [lo, hi), i.e. sees the version made at lo
 * that was superseded at hi. */
static int snapset_sees(const snapset *ss, uint64_t lo, uint64_t hi)
{
    if (ss->coarse) return hi > ss->oldest;
    size_t a = 0, b = ss->n;
    while (a < b) { /* first seq >= lo */
        size_t m = (a + b) / 2;
        if (ss->seq[m] < lo)
            a = m + 1;
        else
            b = m;
    }
    return a < ss->n && ss->seq[a] < hi;
}

static void snap_register(zg_kv_db *db, msnap *r)
{
    pthread_mutex_lock(&db->snap_lock);
    r->next = &db->snaps;
    r->prev = db->snaps.prev;
    r->prev->next = r;
    db->snaps.prev = r;
    pthread_mutex_unlock(&db->snap_lock);
}

static void snap_unregister(zg_kv_db *db, msnap *r)
{
    pthread_mutex_lock(&db->snap_lock);
    r->prev->next = r->next;
    r->next->prev = r->prev;
    db->snap_frees++;
    pthread_mutex_unlock(&db->snap_lock);
}

/* Drop the versions of x below the newest that no live snapshot reads,
 * then a tombstone left at the bottom (absence reads the same without it).
 * Readers of the latest state only ever need the newest version. */
static void prune(zg_kv_db *db, mnode *x, const snapset *ss)
{
    mver *newer = x->ver, *v = newer->older;
    while (v) {
        if (snapset_sees(ss, v->seq, newer->seq)) {
            newer = v;
            v = v->older;
        } else {
            newer->older = v->older;
            free(v);
            db->n_versions--;
            v = newer->older;
        }
    }
    mver *prev = NULL;
    for (v = x->ver; v->older; v = v->older) prev = v;
    if (prev && v->dead) {
        prev->older = NULL;
        free(v);
        db->n_versions--;
    }
}

static void unlink_node(zg_kv_db *db, mnode *x, mnode **update)
{
    for (int l = 0; l < x->lvl; l++)
        if (update[l]->next[l] == x) update[l]->next[l] = x->next[l];
    while (db->level > 1 && !db->head->next[db->level - 1]) db->level--;
    db->n_versions--; /* the lone tombstone */
    free(x->ver);
    free(x);
}

/* Full pass dropping invisible versions and deleted keys. */
static void sweep(zg_kv_db *db, const snapset *ss)
{
    mnode *update[MAX_LEVEL];
    for (int l = 0; l < MAX_LEVEL; l++) update[l] = db->head;
    mnode *x = db->head->next[0];
    while (x) {
        mnode *nx = x->next[0];
        prune(db, x, ss);
        if (x->ver->dead && !x->ver->older) {
            for (int l = 0; l < x->lvl; l++) update[l]->next[l] = x->next[l];
            db->n_versions--;
            free(x->ver);
            free(x);
        } else {
            for (int l = 0; l < x->lvl; l++) update[l] = x;
        }
        x = nx;
    }
    while (db->level > 1 && !db->head->next[db->level - 1]) db->level--;
    db->sweep_floor = db->n_versions - db->n_live;
    db->sweep_frees = ss->frees;
    db->st->host->log(db->st->ctx, ZG_LOG_DEBUG, "memory %s: swept old versions, %zu left for %zu keys",
                      db->name, db->n_versions, db->n_live);
}

/* ---------------------------------------------------------------- writes */

typedef struct prep {
    mver *ver;
    mnode *node; /* for puts: used if the key is new */
} prep;

static void apply_one(zg_kv_db *db, const mop *op, prep *p, uint64_t seq, const snapset *ss)
{
    mnode *update[MAX_LEVEL];
    mnode *x = find_ge(db, op->key, op->klen, update);
    int found = x && node_cmp(x, op->key, op->klen) == 0;
    mver *v = p->ver;
    if (!found) {
        if (op->del) return; /* nothing to delete: p->ver is freed by the caller */
        mnode *n = p->node;
        if (n->lvl > db->level) {
            for (int l = db->level; l < n->lvl; l++) update[l] = db->head;
            db->level = n->lvl;
        }
        for (int l = 0; l < n->lvl; l++) {
            n->next[l] = update[l]->next[l];
            update[l]->next[l] = n;
        }
        v->older = NULL;
        n->ver = v;
        p->node = NULL;
        p->ver = NULL;
        db->n_versions++;
        db->n_live++;
        return;
    }
    mver *h = x->ver;
    if (h->dead && v->dead) return; /* already absent */
    if (h->dead && !v->dead) db->n_live++;
    if (!h->dead && v->dead) db->n_live--;
    if (h->seq == seq) { /* an earlier op of the same batch: replace it */
        v->older = h->older;
        free(h);
    } else {
        v->older = h;
        db->n_versions++;
    }
    x->ver = v;
    p->ver = NULL;
    prune(db, x, ss);
    if (x->ver->dead && !x->ver->older) unlink_node(db, x, update);
}

static int apply(zg_kv_db *db, const mop *ops, size_t n)
{
    if (!n) return ZG_OK;
    prep one, *pp = n == 1 ? &one : calloc(n, sizeof *pp);
    if (!pp) return ZG_ENOMEM;
    memset(pp, 0, n * sizeof *pp);
    int rc = ZG_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const mop *op = &ops[i];
        size_t vl = op->del ? 0 : op->vlen;
        mver *v = malloc(sizeof *v + vl);
        if (!v) {
            rc = ZG_ENOMEM;
            break;
        }
        v->older = NULL;
        v->dead = op->del;
        v->vlen = vl;
        if (vl) memcpy(v->val, op->val, vl);
        pp[i].ver = v;
        if (!op->del && !(pp[i].node = node_new(op->key, op->klen, random_level()))) rc = ZG_ENOMEM;
    }
    if (!rc) {
        pthread_rwlock_wrlock(&db->lock);
        uint64_t seq = db->seq + 1;
        snapset ss;
        snapset_load(db, &ss);
        for (size_t i = 0; i < n; i++) {
            pp[i].ver->seq = seq;
            apply_one(db, &ops[i], &pp[i], seq, &ss);
        }
        db->seq = seq;
        size_t garbage = db->n_versions - db->n_live;
        if (garbage > 2 * db->sweep_floor + 1024 + db->n_live / 2 && ss.frees != db->sweep_frees)
            sweep(db, &ss);
        snapset_done(&ss);
        pthread_rwlock_unlock(&db->lock);
    } else {
        db->st->host->log(db->st->ctx, ZG_LOG_ERROR, "memory %s: out of memory, write dropped",
                          db->name);
    }
    for (size_t i = 0; i < n; i++) {
        free(pp[i].ver);
        free(pp[i].node);
    }
    if (pp != &one) free(pp);
    return rc;
}

static int mem_put(zg_kv_db *db, const void *key, size_t klen, const void *val, size_t vlen,
                   unsigned flags)
{
    if (!db || (!key && klen) || (!val && vlen)) return ZG_EINVAL;
    mop op = {.del = 0, .key = key, .klen = klen, .val = val, .vlen = vlen};
    return apply(db, &op, 1);
}

static int mem_del(zg_kv_db *db, const void *key, size_t klen, unsigned flags)
{
    if (!db || (!key && klen)) return ZG_EINVAL;
    mop op = {.del = 1, .key = key, .klen = klen};
    return apply(db, &op, 1);
}

/* ---------------------------------------------------------------- reads */

static int mem_get(zg_kv_db *db, const zg_kv_snapshot *snap, const void *key, size_t klen,
                   void **val, size_t *vlen)
{
    if (!db || !val || !vlen || (!key && klen)) return ZG_EINVAL;
    int rc = ZG_ENOTFOUND;
    pthread_rwlock_rdlock(&db->lock);
    uint64_t seq = snap ? snap->rec.seq : db->seq;
    mnode *x = find_ge(db, key, klen, NULL);
    if (x && node_cmp(x, key, klen) == 0) {
        mver *v = visible(x, seq);
        if (v && !v->dead) {
            void *c = malloc(v->vlen ? v->vlen : 1);
            if (!c) {
                rc = ZG_ENOMEM;
            } else {
                if (v->vlen) memcpy(c, v->val, v->vlen);
                *val = c;
                *vlen = v->vlen;
                rc = ZG_OK;
            }
        }
    }
    pthread_rwlock_unlock(&db->lock);
    return rc;
}

static void mem_free_value(zg_kv_db *db, void *val)
{
    free(val);
}

/* ---------------------------------------------------------------- batches */

static zg_kv_batch *mem_batch_new(zg_kv_db *db)
{
    return calloc(1, sizeof(zg_kv_batch));
}

static void batch_add(zg_kv_batch *b, int del, const void *key, size_t klen, const void *val,
                      size_t vlen)
{
    if (!b || b->err) return;
    if ((!key && klen) || (!val && vlen)) {
        b->err = ZG_EINVAL;
        return;
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        mop *o = realloc(b->ops, cap * sizeof *o);
        if (!o) {
            b->err = ZG_ENOMEM;
            return;
        }
        b->ops = o;
        b->cap = cap;
    }
    unsigned char *buf = malloc(klen + vlen ? klen + vlen : 1);
    if (!buf) {
        b->err = ZG_ENOMEM;
        return;
    }
    if (klen) memcpy(buf, key, klen);
    if (vlen) memcpy(buf + klen, val, vlen);
    b->ops[b->n++] = (mop){.del = del, .key = buf, .klen = klen, .val = buf + klen, .vlen = vlen, .buf = buf};
}

static void mem_batch_put(zg_kv_batch *b, const void *key, size_t klen, const void *val, size_t vlen)
{
    batch_add(b, 0, key, klen, val, vlen);
}

static void mem_batch_del(zg_kv_batch *b, const void *key, size_t klen)
{
    batch_add(b, 1, key, klen, NULL, 0);
}

static void mem_batch_clear(zg_kv_batch *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->n; i++) free(b->ops[i].buf);
    b->n = 0;
    b->err = 0;
}

static int mem_batch_write(zg_kv_db *db, zg_kv_batch *b, unsigned flags)
{
    if (!db || !b) return ZG_EINVAL;
    if (b->err) {
        db->st->host->log(db->st->ctx, ZG_LOG_ERROR, "memory %s: batch is invalid (%s), not written",
                          db->name, b->err == ZG_ENOMEM ? "out of memory" : "NULL key or value");
        return b->err;
    }
    return apply(db, b->ops, b->n);
}

static void mem_batch_free(zg_kv_batch *b)
{
    if (!b) return;
    mem_batch_clear(b);
    free(b->ops);
    free(b);
}

/* ---------------------------------------------------------------- snapshots */

static zg_kv_snapshot *mem_snapshot_new(zg_kv_db *db)
{
    if (!db) return NULL;
    zg_kv_snapshot *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    /* read lock: no write can publish between reading seq and registering */
    pthread_rwlock_rdlock(&db->lock);
    s->rec.seq = db->seq;
    snap_register(db, &s->rec);
    pthread_rwlock_unlock(&db->lock);
    return s;
}

static void mem_snapshot_free(zg_kv_db *db, zg_kv_snapshot *s)
{
    if (!db || !s) return;
    snap_unregister(db, &s->rec);
    free(s);
}

/* ---------------------------------------------------------------- iterators */

static zg_kv_iter *mem_iter_new(zg_kv_db *db, const zg_kv_snapshot *snap, const void *lower,
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
    if (snap) {
        it->seq = snap->rec.seq;
    } else {
        pthread_rwlock_rdlock(&db->lock);
        it->own.seq = it->seq = db->seq;
        snap_register(db, &it->own);
        it->own_reg = 1;
        pthread_rwlock_unlock(&db->lock);
    }
    return it;
fail:
    free(it->lower);
    free(it->upper);
    free(it);
    return NULL;
}

/* Position on the first visible node from x onwards, below upper.  Under rdlock. */
static void settle_fwd(zg_kv_iter *it, mnode *x)
{
    for (; x; x = x->next[0]) {
        if (it->upper && node_cmp(x, it->upper, it->ulen) >= 0) break;
        mver *v = visible(x, it->seq);
        if (v && !v->dead) {
            it->cur = x;
            it->curv = v;
            return;
        }
    }
    it->cur = NULL;
    it->curv = NULL;
}

/* Position on the last visible node from x backwards, not below lower. */
static void settle_back(zg_kv_iter *it, mnode *x)
{
    while (x) {
        if (it->lower && node_cmp(x, it->lower, it->llen) < 0) break;
        mver *v = visible(x, it->seq);
        if (v && !v->dead) {
            it->cur = x;
            it->curv = v;
            return;
        }
        x = find_lt(it->db, x->key, x->klen);
    }
    it->cur = NULL;
    it->curv = NULL;
}

static void mem_iter_seek(zg_kv_iter *it, const void *key, size_t klen)
{
    if (!it) return;
    if (!key && klen) {
        it->cur = NULL;
        return;
    }
    if (it->lower && kv_keycmp(key, klen, it->lower, it->llen) < 0) {
        key = it->lower;
        klen = it->llen;
    }
    pthread_rwlock_rdlock(&it->db->lock);
    settle_fwd(it, find_ge(it->db, key, klen, NULL));
    pthread_rwlock_unlock(&it->db->lock);
}

static void mem_iter_seek_first(zg_kv_iter *it)
{
    if (!it) return;
    mem_iter_seek(it, it->lower ? it->lower : (const unsigned char *)"", it->llen);
}

static void mem_iter_seek_last(zg_kv_iter *it)
{
    if (!it) return;
    pthread_rwlock_rdlock(&it->db->lock);
    settle_back(it, it->upper ? find_lt(it->db, it->upper, it->ulen) : find_last(it->db));
    pthread_rwlock_unlock(&it->db->lock);
}

static int mem_iter_valid(zg_kv_iter *it)
{
    return it && it->cur;
}

static void mem_iter_next(zg_kv_iter *it)
{
    if (!it || !it->cur) return;
    pthread_rwlock_rdlock(&it->db->lock);
    settle_fwd(it, it->cur->next[0]);
    pthread_rwlock_unlock(&it->db->lock);
}

static void mem_iter_prev(zg_kv_iter *it)
{
    if (!it || !it->cur) return;
    pthread_rwlock_rdlock(&it->db->lock);
    settle_back(it, find_lt(it->db, it->cur->key, it->cur->klen));
    pthread_rwlock_unlock(&it->db->lock);
}

static const void *mem_iter_key(zg_kv_iter *it, size_t *len)
{
    if (!it || !it->cur) {
        if (len) *len = 0;
        return NULL;
    }
    if (len) *len = it->cur->klen;
    return it->cur->key;
}

static const void *mem_iter_value(zg_kv_iter *it, size_t *len)
{
    if (!it || !it->cur) {
        if (len) *len = 0;
        return NULL;
    }
    if (len) *len = it->curv->vlen;
    return it->curv->val;
}

static int mem_iter_status(zg_kv_iter *it)
{
    return it ? ZG_OK : ZG_EINVAL;
}

static void mem_iter_free(zg_kv_iter *it)
{
    if (!it) return;
    if (it->own_reg) snap_unregister(it->db, &it->own);
    free(it->lower);
    free(it->upper);
    free(it);
}

static int mem_flush(zg_kv_db *db)
{
    return db ? ZG_OK : ZG_EINVAL;
}

/* ---------------------------------------------------------------- open/close */

static void db_free(zg_kv_db *db)
{
    if (db->head) {
        mnode *x = db->head->next[0];
        while (x) {
            mnode *nx = x->next[0];
            chain_free(x->ver);
            free(x);
            x = nx;
        }
        free(db->head);
    }
    pthread_rwlock_destroy(&db->lock);
    pthread_mutex_destroy(&db->snap_lock);
    free(db);
}

static int mem_open(void *state, const char *name, zg_kv_db **out)
{
    mem_state *st = state;
    if (!st || !out) return ZG_EINVAL;
    *out = NULL;
    if (!kv_name_valid(name)) {
        st->host->log(st->ctx, ZG_LOG_ERROR, "memory: invalid database name '%s'", name ? name : "(null)");
        return ZG_EINVAL;
    }
    pthread_mutex_lock(&st->lock);
    zg_kv_db *db;
    for (db = st->dbs; db; db = db->next_db)
        if (!strcmp(db->name, name)) break;
    if (db) {
        db->refs++;
        *out = db;
        pthread_mutex_unlock(&st->lock);
        return ZG_OK;
    }
    db = calloc(1, sizeof *db);
    if (!db || !(db->head = node_new(NULL, 0, MAX_LEVEL))) {
        pthread_mutex_unlock(&st->lock);
        free(db);
        return ZG_ENOMEM;
    }
    db->st = st;
    db->refs = 1;
    strcpy(db->name, name);
    db->level = 1;
    db->snaps.next = db->snaps.prev = &db->snaps;
    /* writers first: a steady stream of readers must not starve commits */
    pthread_rwlockattr_t ra;
    pthread_rwlockattr_init(&ra);
    pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&db->lock, &ra);
    pthread_rwlockattr_destroy(&ra);
    pthread_mutex_init(&db->snap_lock, NULL);
    db->next_db = st->dbs;
    st->dbs = db;
    pthread_mutex_unlock(&st->lock);
    st->host->log(st->ctx, ZG_LOG_INFO, "memory %s: opened (volatile, lost at shutdown)", name);
    *out = db;
    return ZG_OK;
}

/* The contents stay until fini so that a reopen finds them. */
static void mem_close(zg_kv_db *db)
{
    if (!db) return;
    pthread_mutex_lock(&db->st->lock);
    if (db->refs > 0) db->refs--;
    pthread_mutex_unlock(&db->st->lock);
}

static int mem_init(zg_ctx *ctx, const zg_host_api *host, void **state)
{
    mem_state *st = calloc(1, sizeof *st);
    if (!st) return ZG_ENOMEM;
    st->ctx = ctx;
    st->host = host;
    pthread_mutex_init(&st->lock, NULL);
    host->log(ctx, ZG_LOG_INFO, "memory kv: data is kept in RAM only and lost when the node stops");
    *state = st;
    return ZG_OK;
}

static void mem_fini(void *state)
{
    mem_state *st = state;
    if (!st) return;
    while (st->dbs) {
        zg_kv_db *db = st->dbs;
        st->dbs = db->next_db;
        if (db->refs) st->host->log(st->ctx, ZG_LOG_WARN, "memory %s: still open at shutdown", db->name);
        db_free(db);
    }
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* ---------------------------------------------------------------- descriptor */

static const zg_kv_iface kv_iface = {
    .struct_size = sizeof(zg_kv_iface),
    .open = mem_open,
    .close = mem_close,
    .get = mem_get,
    .free_value = mem_free_value,
    .put = mem_put,
    .del = mem_del,
    .batch_new = mem_batch_new,
    .batch_put = mem_batch_put,
    .batch_del = mem_batch_del,
    .batch_clear = mem_batch_clear,
    .batch_write = mem_batch_write,
    .batch_free = mem_batch_free,
    .snapshot_new = mem_snapshot_new,
    .snapshot_free = mem_snapshot_free,
    .iter_new = mem_iter_new,
    .iter_seek_first = mem_iter_seek_first,
    .iter_seek_last = mem_iter_seek_last,
    .iter_seek = mem_iter_seek,
    .iter_valid = mem_iter_valid,
    .iter_next = mem_iter_next,
    .iter_prev = mem_iter_prev,
    .iter_key = mem_iter_key,
    .iter_value = mem_iter_value,
    .iter_status = mem_iter_status,
    .iter_free = mem_iter_free,
    .flush = mem_flush,
};

static const zg_plugin_desc desc = {
    ZG_PLUGIN_HEADER(ZG_KIND_KV),
    .name = "memory",
    .version = PACKAGE_VERSION,
    .description = "volatile in-memory ordered key-value store (data lost at shutdown)",
    .init = mem_init,
    .fini = mem_fini,
    .iface = &kv_iface,
};

ZG_PLUGIN_DEFINE(desc)
