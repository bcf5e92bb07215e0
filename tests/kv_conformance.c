/* tests/kv_conformance.c — one behavioural suite for every kv backend.
 *
 * usage: kv_conformance [BACKEND...]
 * Without arguments it runs memory and leveldb (both required) and rocksdb
 * when its plugin was built; plugins are loaded from $ZG_PLUGIN_PATH through
 * the test-only host in kv_host.c, so no daemon is involved.
 * Random choices come from one seed, printed first (ZG_TEST_SEED replays). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kv_host.h"
#include "tap.h"

static const char *B; /* backend under test */
static kvh_plugin P;
static const zg_kv_iface *K;
static uint64_t rs; /* PRNG state */

#define T(cond, fmt, ...) ok(cond, "%s: " fmt, B, ##__VA_ARGS__)
#define S(str) (str), strlen(str)

static uint64_t rnd(void)
{
    /* splitmix64 */
    uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

static int keycmp(const void *a, size_t al, const void *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = n ? memcmp(a, b, n) : 0;
    return c ? c : (al < bl ? -1 : al > bl);
}

/* get into a malloc'd NUL-terminated copy; returns the status */
static int getv(zg_kv_db *db, const zg_kv_snapshot *s, const void *k, size_t kl, char **out,
                size_t *ol)
{
    void *v = NULL;
    size_t n = 0;
    int rc = K->get(db, s, k, kl, &v, &n);
    if (out) *out = NULL;
    if (rc != ZG_OK) return rc;
    if (out) {
        *out = malloc(n + 1);
        if (n) memcpy(*out, v, n);
        (*out)[n] = 0;
    }
    if (ol) *ol = n;
    K->free_value(db, v);
    return rc;
}

/* 1 when key holds exactly val */
static int has(zg_kv_db *db, const zg_kv_snapshot *s, const void *k, size_t kl, const void *val,
               size_t vl)
{
    char *v;
    size_t n;
    if (getv(db, s, k, kl, &v, &n) != ZG_OK) return 0;
    int r = n == vl && (!n || !memcmp(v, val, n));
    free(v);
    return r;
}

static int missing(zg_kv_db *db, const zg_kv_snapshot *s, const void *k, size_t kl)
{
    void *v = NULL;
    size_t n;
    int rc = K->get(db, s, k, kl, &v, &n);
    if (rc == ZG_OK) K->free_value(db, v);
    return rc == ZG_ENOTFOUND;
}

/* Iterate the whole of it (forward or backward) into "k=v;k=v;" text. */
static char *dump(zg_kv_iter *it, int backward)
{
    size_t cap = 256, len = 0;
    char *s = malloc(cap);
    s[0] = 0;
    if (backward)
        K->iter_seek_last(it);
    else
        K->iter_seek_first(it);
    for (; K->iter_valid(it); backward ? K->iter_prev(it) : K->iter_next(it)) {
        size_t kl, vl;
        const char *k = K->iter_key(it, &kl), *v = K->iter_value(it, &vl);
        if (len + kl + vl + 3 >= cap) {
            cap = 2 * (cap + kl + vl);
            s = realloc(s, cap);
        }
        memcpy(s + len, k, kl);
        len += kl;
        s[len++] = '=';
        memcpy(s + len, v, vl);
        len += vl;
        s[len++] = ';';
        s[len] = 0;
    }
    return s;
}

static int dump_is(zg_kv_db *db, const zg_kv_snapshot *snap, const char *lo, const char *hi,
                   const char *fwd, const char *back)
{
    zg_kv_iter *it = K->iter_new(db, snap, lo, lo ? strlen(lo) : 0, hi, hi ? strlen(hi) : 0);
    if (!it) return 0;
    char *f = dump(it, 0), *b = dump(it, 1);
    int r = !strcmp(f, fwd) && !strcmp(b, back) && K->iter_status(it) == ZG_OK;
    if (!r) diag("%s: forward '%s' (want '%s'), backward '%s' (want '%s')", B, f, fwd, b, back);
    free(f);
    free(b);
    K->iter_free(it);
    return r;
}

/* ------------------------------------------------------------ basic ops */

static void test_basic(zg_kv_db *db)
{
    T(missing(db, NULL, S("nope")), "get of a missing key is ZG_ENOTFOUND");
    T(K->put(db, S("k1"), S("v1"), 0) == ZG_OK, "put");
    T(has(db, NULL, S("k1"), S("v1")), "get returns the value put");
    T(K->put(db, S("k1"), S("v1-longer"), 0) == ZG_OK && has(db, NULL, S("k1"), S("v1-longer")),
      "overwrite replaces the value");
    T(K->del(db, S("k1"), 0) == ZG_OK && missing(db, NULL, S("k1")), "delete removes the key");
    T(K->del(db, S("never-there"), 0) == ZG_OK, "delete of a missing key succeeds");

    size_t n = 99;
    char *v = NULL;
    T(K->put(db, S("emptyval"), "", 0, 0) == ZG_OK && getv(db, NULL, S("emptyval"), &v, &n) == ZG_OK &&
          n == 0,
      "empty value is stored and distinct from missing");
    free(v);
    T(K->put(db, S("nullval"), NULL, 0, 0) == ZG_OK && has(db, NULL, S("nullval"), "", 0),
      "NULL value with length 0 is the empty value");
    T(K->put(db, "", 0, S("empty-key"), 0) == ZG_OK && has(db, NULL, "", 0, S("empty-key")),
      "empty key is a valid key");
    T(has(db, NULL, NULL, 0, S("empty-key")), "NULL key with length 0 is the empty key");
    T(K->del(db, "", 0, 0) == ZG_OK && missing(db, NULL, "", 0), "empty key can be deleted");

    /* binary keys: zero bytes are ordinary bytes, prefixes sort first */
    static const struct {
        const char *k;
        size_t n;
    } bk[] = {{"\0", 1}, {"a", 1}, {"a\0", 2}, {"a\0\0", 3}, {"a\0b", 3}, {"a\0c", 3},
              {"a\x01", 2}, {"ab", 2}, {"\x7f", 1}, {"\x80", 1}, {"\xff", 1}, {"\xff\xff", 2}};
    int good = 1;
    for (size_t i = 0; i < sizeof bk / sizeof bk[0]; i++) {
        char val[16];
        snprintf(val, sizeof val, "bin%zu", i);
        good &= K->put(db, bk[i].k, bk[i].n, S(val), 0) == ZG_OK;
    }
    for (size_t i = 0; i < sizeof bk / sizeof bk[0]; i++) {
        char val[16];
        snprintf(val, sizeof val, "bin%zu", i);
        good &= has(db, NULL, bk[i].k, bk[i].n, S(val));
    }
    T(good, "binary keys with zero bytes are distinct keys");
    zg_kv_iter *it = K->iter_new(db, NULL, NULL, 0, NULL, 0);
    size_t idx = 0;
    good = it != NULL;
    for (K->iter_seek_first(it); good && K->iter_valid(it); K->iter_next(it)) {
        size_t kl;
        const char *k = K->iter_key(it, &kl);
        /* skip the non-binary keys of this test (all start with 'e' or 'n') */
        if (kl && (k[0] == 'e' || k[0] == 'n')) continue;
        good &= idx < sizeof bk / sizeof bk[0] && kl == bk[idx].n && !memcmp(k, bk[idx].k, kl);
        idx++;
    }
    T(good && idx == sizeof bk / sizeof bk[0], "binary keys iterate in bytewise order, prefix first");
    K->iter_free(it);
    for (size_t i = 0; i < sizeof bk / sizeof bk[0]; i++) K->del(db, bk[i].k, bk[i].n, 0);

    /* argument checks */
    void *vv;
    size_t vl;
    T(K->get(db, NULL, NULL, 3, &vv, &vl) == ZG_EINVAL, "get with a NULL key of length 3 is ZG_EINVAL");
    T(K->put(db, NULL, 3, S("x"), 0) == ZG_EINVAL, "put with a NULL key of length 3 is ZG_EINVAL");
    T(K->put(db, S("x"), NULL, 3, 0) == ZG_EINVAL, "put with a NULL value of length 3 is ZG_EINVAL");
    T(K->del(db, NULL, 3, 0) == ZG_EINVAL, "delete with a NULL key of length 3 is ZG_EINVAL");
    K->del(db, S("emptyval"), 0);
    K->del(db, S("nullval"), 0);
}

/* ------------------------------------------------------------ large values */

static unsigned char *rand_buf(size_t n)
{
    unsigned char *b = malloc(n);
    for (size_t i = 0; i < n; i += 8) {
        uint64_t r = rnd();
        memcpy(b + i, &r, n - i < 8 ? n - i : 8);
    }
    return b;
}

static void test_large(zg_kv_db *db)
{
    size_t n = 6u << 20;
    unsigned char *big = rand_buf(n);
    T(K->put(db, S("large"), big, n, 0) == ZG_OK && has(db, NULL, S("large"), big, n),
      "6 MiB value round-trips");
    zg_kv_batch *b = K->batch_new(db);
    unsigned char *parts[3];
    for (int i = 0; i < 3; i++) {
        parts[i] = rand_buf(3u << 20);
        char k[16];
        snprintf(k, sizeof k, "large%d", i);
        K->batch_put(b, S(k), parts[i], 3u << 20);
    }
    int good = K->batch_write(db, b, ZG_KV_SYNC) == ZG_OK;
    for (int i = 0; i < 3; i++) {
        char k[16];
        snprintf(k, sizeof k, "large%d", i);
        good &= has(db, NULL, S(k), parts[i], 3u << 20);
    }
    T(good, "a batch of three 3 MiB values round-trips");
    zg_kv_iter *it = K->iter_new(db, NULL, S("large"), S("large9"));
    size_t cnt = 0, vl;
    good = 1;
    for (K->iter_seek_first(it); K->iter_valid(it); K->iter_next(it), cnt++) {
        const void *v = K->iter_value(it, &vl);
        good &= cnt == 0 ? (vl == n && !memcmp(v, big, n))
                         : (vl == 3u << 20 && !memcmp(v, parts[cnt - 1], vl));
    }
    T(good && cnt == 4, "iterator returns the large values whole");
    K->iter_free(it);
    K->batch_free(b);
    for (int i = 0; i < 3; i++) free(parts[i]);
    free(big);
}

/* ------------------------------------------------------------ batches */

static void test_batch(zg_kv_db *db)
{
    K->put(db, S("x"), S("old"), 0);
    K->put(db, S("gone"), S("1"), 0);
    K->put(db, S("w"), S("0"), 0);
    zg_kv_batch *b = K->batch_new(db);
    T(b != NULL, "batch_new");
    K->batch_put(b, S("x"), S("new"));
    K->batch_put(b, S("y"), S("1"));
    K->batch_del(b, S("gone"));
    T(has(db, NULL, S("x"), S("old")) && missing(db, NULL, S("y")) && has(db, NULL, S("gone"), S("1")),
      "nothing of a batch is visible before batch_write");
    T(K->batch_write(db, b, 0) == ZG_OK, "batch_write");
    T(has(db, NULL, S("x"), S("new")) && has(db, NULL, S("y"), S("1")) && missing(db, NULL, S("gone")),
      "put + put + delete of one batch all applied");
    T(K->batch_write(db, b, 0) == ZG_OK && has(db, NULL, S("x"), S("new")), "a batch can be written again");

    K->batch_clear(b);
    K->batch_put(b, S("z"), S("1"));
    K->batch_del(b, S("z"));
    K->batch_del(b, S("w"));
    K->batch_put(b, S("w"), S("2"));
    K->batch_put(b, S("v"), S("1"));
    K->batch_put(b, S("v"), S("2"));
    T(K->batch_write(db, b, ZG_KV_SYNC) == ZG_OK && missing(db, NULL, S("z")) &&
          has(db, NULL, S("w"), S("2")) && has(db, NULL, S("v"), S("2")),
      "operations on one key within a batch apply in order");

    K->batch_clear(b);
    K->batch_put(b, S("cleared"), S("1"));
    K->batch_clear(b);
    K->batch_put(b, S("kept"), S("1"));
    T(K->batch_write(db, b, 0) == ZG_OK && missing(db, NULL, S("cleared")) && has(db, NULL, S("kept"), S("1")),
      "batch_clear drops what was queued");
    K->batch_clear(b);
    T(K->batch_write(db, b, 0) == ZG_OK, "an empty batch writes");

    K->batch_put(b, S("e-first"), S("1"));
    K->batch_put(b, NULL, 3, S("bad"));
    K->batch_put(b, S("e-last"), S("1"));
    T(K->batch_write(db, b, 0) == ZG_EINVAL && missing(db, NULL, S("e-first")) && missing(db, NULL, S("e-last")),
      "a batch holding a bad argument is refused whole (ZG_EINVAL)");
    K->batch_clear(b);
    K->batch_put(b, S("e-first"), S("1"));
    T(K->batch_write(db, b, 0) == ZG_OK && has(db, NULL, S("e-first"), S("1")), "batch_clear resets the error");
    K->batch_free(b);
    const char *keys[] = {"x", "y", "w", "v", "kept", "e-first"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) K->del(db, S(keys[i]), 0);
}

/* ------------------------------------------------------------ ordering, seek, bounds */

typedef struct rkey {
    unsigned char k[12];
    size_t n;
    int dead;
} rkey;

static rkey *ok_keys; /* sorted live keys of db "order", also checked after reopen */
static size_t n_ok_keys;

static int rkey_cmp(const void *a, const void *b)
{
    const rkey *x = a, *y = b;
    return keycmp(x->k, x->n, y->k, y->n);
}

static void rand_key(rkey *r)
{
    static const unsigned char alpha[] = {0x00, 0x01, 'a', 'b', 0x7f, 0x80, 0xfe, 0xff};
    r->n = rnd() % 9;
    for (size_t j = 0; j < r->n; j++) r->k[j] = alpha[rnd() % sizeof alpha];
    r->dead = 0;
}

static void key_value(const rkey *r, char *v, size_t *vl)
{
    *vl = (size_t)snprintf(v, 40, "v%016llx", (unsigned long long)fnv(r->k, r->n, 1469598103934665603ull));
}

/* index of the first key >= k */
static size_t lower_idx(const unsigned char *k, size_t n)
{
    size_t lo = 0, hi = n_ok_keys;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        if (keycmp(ok_keys[m].k, ok_keys[m].n, k, n) < 0)
            lo = m + 1;
        else
            hi = m;
    }
    return lo;
}

static int at_key(zg_kv_iter *it, size_t idx, size_t end)
{
    if (idx >= end) return !K->iter_valid(it);
    size_t kl, vl;
    if (!K->iter_valid(it)) return 0;
    const void *k = K->iter_key(it, &kl);
    const void *v = K->iter_value(it, &vl);
    char ev[40];
    size_t evl;
    key_value(&ok_keys[idx], ev, &evl);
    return kl == ok_keys[idx].n && !keycmp(k, kl, ok_keys[idx].k, kl) && vl == evl && !memcmp(v, ev, vl);
}

/* Check iteration over [lo, hi) both ways and seeks inside it. */
static int check_range(zg_kv_db *db, const zg_kv_snapshot *snap, const rkey *lo, const rkey *hi)
{
    size_t b = lo ? lower_idx(lo->k, lo->n) : 0;
    size_t e = hi ? lower_idx(hi->k, hi->n) : n_ok_keys;
    if (e < b) e = b;
    zg_kv_iter *it = K->iter_new(db, snap, lo ? lo->k : NULL, lo ? lo->n : 0, hi ? hi->k : NULL,
                                 hi ? hi->n : 0);
    if (!it) return 0;
    int good = !K->iter_valid(it); /* unpositioned */
    size_t i = b;
    for (K->iter_seek_first(it); good && K->iter_valid(it); K->iter_next(it), i++) good &= at_key(it, i, e);
    good &= i == e;
    K->iter_next(it); /* moving an exhausted iterator is harmless */
    good &= !K->iter_valid(it);
    i = e;
    for (K->iter_seek_last(it); good && K->iter_valid(it); K->iter_prev(it)) good &= i > b && at_key(it, --i, e);
    good &= i == b;
    for (int s = 0; s < 8 && good; s++) {
        rkey t;
        rand_key(&t);
        size_t j = lower_idx(t.k, t.n);
        if (j < b) j = b;
        K->iter_seek(it, t.k, t.n);
        good &= at_key(it, j, e);
        if (j < e) {
            K->iter_prev(it);
            good &= j > b ? at_key(it, j - 1, e) : !K->iter_valid(it);
            K->iter_seek(it, t.k, t.n);
            K->iter_next(it);
            good &= at_key(it, j + 1, e);
        }
    }
    good &= K->iter_status(it) == ZG_OK;
    K->iter_free(it);
    return good;
}

static void test_order(zg_kv_db *db)
{
    size_t n = 1500;
    rkey *keys = calloc(n, sizeof *keys);
    for (size_t i = 0; i < n; i++) rand_key(&keys[i]);
    /* insert in random order, half singly, half through batches */
    zg_kv_batch *b = K->batch_new(db);
    int good = 1;
    for (size_t i = 0; i < n; i++) {
        char v[40];
        size_t vl;
        key_value(&keys[i], v, &vl);
        if (i % 2) {
            good &= K->put(db, keys[i].k, keys[i].n, v, vl, 0) == ZG_OK;
        } else {
            K->batch_put(b, keys[i].k, keys[i].n, v, vl);
            if (i % 64 == 0) {
                good &= K->batch_write(db, b, 0) == ZG_OK;
                K->batch_clear(b);
            }
        }
    }
    good &= K->batch_write(db, b, 0) == ZG_OK;
    K->batch_free(b);
    qsort(keys, n, sizeof *keys, rkey_cmp);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || rkey_cmp(&keys[u - 1], &keys[i])) keys[u++] = keys[i];
    /* delete about a tenth */
    size_t live = 0;
    for (size_t i = 0; i < u; i++) {
        if (rnd() % 10 == 0) {
            good &= K->del(db, keys[i].k, keys[i].n, 0) == ZG_OK;
        } else {
            keys[live++] = keys[i];
        }
    }
    ok_keys = keys;
    n_ok_keys = live;
    T(good, "%zu random binary keys written (%zu distinct, %zu left after deletes)", n, u, live);
    diag("%s: %zu keys in the order test", B, live);

    T(check_range(db, NULL, NULL, NULL), "full iteration forward and backward matches sorted order");
    int rgood = 1;
    for (int r = 0; r < 150 && rgood; r++) {
        rkey lo, hi;
        rand_key(&lo);
        rand_key(&hi);
        if (rkey_cmp(&lo, &hi) > 0) {
            rkey t = lo;
            lo = hi;
            hi = t;
        }
        int which = r % 4; /* both bounds, lower only, upper only, both */
        rgood &= check_range(db, NULL, which == 2 ? NULL : &lo, which == 1 ? NULL : &hi);
        if (!rgood)
            diag("%s: range failure at round %d (lower %zu bytes, upper %zu bytes)", B, r, lo.n, hi.n);
    }
    T(rgood, "150 random [lower, upper) ranges: iteration both ways and seeks");

    /* prefix ranges: [p, successor(p)) holds exactly the keys starting with p */
    int pgood = 1;
    for (int r = 0; r < 40 && pgood; r++) {
        rkey p = ok_keys[rnd() % n_ok_keys], hi;
        p.n = p.n ? 1 + rnd() % p.n : 0;
        if (p.n > 2) p.n = 2;
        hi = p;
        while (hi.n && hi.k[hi.n - 1] == 0xff) hi.n--;
        int open_hi = hi.n == 0;
        if (!open_hi) hi.k[hi.n - 1]++;
        pgood &= check_range(db, NULL, &p, open_hi ? NULL : &hi);
        /* and the keys found there really carry the prefix */
        zg_kv_iter *it = K->iter_new(db, NULL, p.k, p.n, open_hi ? NULL : hi.k, hi.n);
        size_t cnt = 0, want = 0;
        for (K->iter_seek_first(it); K->iter_valid(it); K->iter_next(it)) {
            size_t kl;
            const unsigned char *k = K->iter_key(it, &kl);
            pgood &= kl >= p.n && (!p.n || !memcmp(k, p.k, p.n));
            cnt++;
        }
        for (size_t i = 0; i < n_ok_keys; i++)
            want += ok_keys[i].n >= p.n && (!p.n || !memcmp(ok_keys[i].k, p.k, p.n));
        pgood &= cnt == want;
        K->iter_free(it);
    }
    T(pgood, "prefix ranges (including prefixes ending in 0xff) hold exactly the prefixed keys");

    /* edge ranges */
    zg_kv_iter *it = K->iter_new(db, NULL, "a", 1, "a", 1);
    K->iter_seek_first(it);
    int e1 = !K->iter_valid(it);
    K->iter_seek_last(it);
    e1 &= !K->iter_valid(it);
    K->iter_free(it);
    T(e1, "lower == upper is an empty range");
    it = K->iter_new(db, NULL, NULL, 0, "", 0);
    K->iter_seek_first(it);
    e1 = !K->iter_valid(it);
    K->iter_seek_last(it);
    e1 &= !K->iter_valid(it);
    K->iter_free(it);
    T(e1, "an empty upper bound (\"\", not NULL) is an empty range");
    it = K->iter_new(db, NULL, "b", 1, "a", 1);
    K->iter_seek_first(it);
    e1 = !K->iter_valid(it);
    K->iter_seek_last(it);
    e1 &= !K->iter_valid(it);
    K->iter_seek(it, "a", 1);
    e1 &= !K->iter_valid(it);
    K->iter_free(it);
    T(e1, "lower > upper is an empty range");
    it = K->iter_new(db, NULL, NULL, 0, NULL, 0);
    size_t kl = 7;
    e1 = !K->iter_valid(it) && K->iter_key(it, &kl) == NULL && kl == 0;
    K->iter_next(it);
    K->iter_prev(it);
    e1 &= !K->iter_valid(it);
    K->iter_seek(it, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 10);
    e1 &= !K->iter_valid(it);
    K->iter_free(it);
    T(e1, "unpositioned / past-the-end iterators are invalid and safe to move");
}

/* ------------------------------------------------------------ snapshots */

static void test_snapshot(zg_kv_db *db)
{
    K->put(db, S("a"), S("1"), 0);
    K->put(db, S("b"), S("1"), 0);
    K->put(db, S("d"), S("1"), 0);
    zg_kv_snapshot *s = K->snapshot_new(db);
    zg_kv_iter *early = K->iter_new(db, NULL, NULL, 0, NULL, 0);
    zg_kv_iter *early_s = K->iter_new(db, s, NULL, 0, NULL, 0);
    T(s && early && early_s, "snapshot and iterators created");
    K->put(db, S("a"), S("2"), 0);
    K->del(db, S("b"), 0);
    K->put(db, S("c"), S("1"), 0);
    zg_kv_batch *b = K->batch_new(db);
    K->batch_put(b, S("d"), S("2"));
    K->batch_put(b, S("e"), S("1"));
    K->batch_write(db, b, 0);
    K->batch_free(b);

    T(has(db, s, S("a"), S("1")) && has(db, s, S("b"), S("1")) && missing(db, s, S("c")) &&
          has(db, s, S("d"), S("1")) && missing(db, s, S("e")),
      "get on a snapshot ignores later puts, deletes and batches");
    T(has(db, NULL, S("a"), S("2")) && missing(db, NULL, S("b")) && has(db, NULL, S("c"), S("1")) &&
          has(db, NULL, S("d"), S("2")) && has(db, NULL, S("e"), S("1")),
      "latest reads see the later writes");
    T(dump_is(db, s, NULL, NULL, "a=1;b=1;d=1;", "d=1;b=1;a=1;"), "iteration over a snapshot is unaffected by later writes");
    T(dump_is(db, s, "b", "e", "b=1;d=1;", "d=1;b=1;"), "bounded iteration over a snapshot");
    T(dump_is(db, NULL, NULL, NULL, "a=2;c=1;d=2;e=1;", "e=1;d=2;c=1;a=2;"), "iteration of the latest state");
    char *f = dump(early, 0), *g = dump(early_s, 1);
    T(!strcmp(f, "a=1;b=1;d=1;") && !strcmp(g, "d=1;b=1;a=1;"),
      "an iterator made before writes keeps its view (implicit snapshot)");
    free(f);
    free(g);
    K->iter_free(early);
    K->iter_free(early_s);

    /* two snapshots, freed out of order, with churn in between */
    zg_kv_snapshot *s2 = K->snapshot_new(db);
    for (int i = 0; i < 2000; i++) {
        char v[16];
        snprintf(v, sizeof v, "%d", i);
        K->put(db, S("churn"), S(v), 0);
        if (i == 1000) K->del(db, S("c"), 0);
    }
    K->snapshot_free(db, s);
    K->put(db, S("a"), S("3"), 0);
    T(has(db, s2, S("a"), S("2")) && has(db, s2, S("c"), S("1")) && missing(db, s2, S("churn")) &&
          has(db, NULL, S("churn"), S("1999")) && missing(db, NULL, S("c")),
      "a second snapshot survives the first being freed and 2000 overwrites");
    T(dump_is(db, s2, NULL, NULL, "a=2;c=1;d=2;e=1;", "e=1;d=2;c=1;a=2;"), "its iteration is intact");

    /* many keys rewritten under two snapshots, released one at a time with
     * enough writes after each release to trigger cleanup of old versions */
    char k[16], v[16];
    for (int i = 0; i < 3000; i++) {
        snprintf(k, sizeof k, "m%05d", i);
        K->put(db, S(k), S("old"), 0);
    }
    zg_kv_snapshot *s3 = K->snapshot_new(db);
    for (int i = 0; i < 3000; i++) {
        snprintf(k, sizeof k, "m%05d", i);
        if (i % 3 == 0)
            K->del(db, S(k), 0);
        else
            K->put(db, S(k), S("new"), 0);
    }
    zg_kv_snapshot *s4 = K->snapshot_new(db);
    for (int i = 0; i < 3000; i++) {
        snprintf(k, sizeof k, "m%05d", i);
        K->put(db, S(k), S("newer"), 0);
    }
    int good = 1;
    for (int i = 0; i < 3000; i += 7) {
        snprintf(k, sizeof k, "m%05d", i);
        good &= has(db, s3, S(k), S("old"));
    }
    K->snapshot_free(db, s3);
    K->snapshot_free(db, s2);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 3000; i++) {
            snprintf(k, sizeof k, "n%05d", i);
            snprintf(v, sizeof v, "%d", round);
            K->put(db, S(k), S(v), 0);
        }
        for (int i = 0; i < 3000; i++) {
            snprintf(k, sizeof k, "m%05d", i);
            good &= has(db, NULL, S(k), S("newer"));
            if (s4) good &= i % 3 == 0 ? missing(db, s4, S(k)) : has(db, s4, S(k), S("new"));
        }
        zg_kv_iter *it = K->iter_new(db, s4, S("m"), S("n"));
        size_t cnt = 0;
        for (K->iter_seek_first(it); K->iter_valid(it); K->iter_next(it)) cnt++;
        K->iter_free(it);
        good &= cnt == (s4 ? 2000u : 3000u);
        if (s4) K->snapshot_free(db, s4);
        s4 = NULL;
    }
    T(good, "old versions kept exactly as long as a snapshot needs them");
}

/* ------------------------------------------------------------ model check */

/* Random operations against a reference model: a small key space (lots of
 * overwrites and deletes), up to four live snapshots (model: copies of the
 * state), and one long-lived iterator stepped between writes, which must keep
 * the view it was created with. */
#define MK 192
#define MSNAP 4

typedef struct mview {
    zg_kv_snapshot *s;
    int v[MK];
} mview;

static rkey mkeys[MK];
static size_t nmk;

static void mval(int x, char *buf, size_t *n)
{
    *n = (size_t)snprintf(buf, 24, "val-%d", x);
}

static int model_at(zg_kv_iter *it, const int *v, int id)
{
    if (id < 0 || id >= (int)nmk) return !K->iter_valid(it);
    if (!K->iter_valid(it)) return 0;
    size_t kl, vl;
    const void *k = K->iter_key(it, &kl), *val = K->iter_value(it, &vl);
    char want[24];
    size_t wl;
    mval(v[id], want, &wl);
    return kl == mkeys[id].n && !keycmp(k, kl, mkeys[id].k, kl) && vl == wl && !memcmp(val, want, vl);
}

/* next live id from id in direction d, within [lo, hi) ids */
static int model_step(const int *v, int id, int d, int lo, int hi)
{
    for (id += d; id >= lo && id < hi; id += d)
        if (v[id] >= 0) return id;
    return -1;
}

static void test_model(zg_kv_db *db)
{
    /* key space: distinct random binary keys, sorted so that id order is key order */
    rkey tmp[MK * 2];
    size_t n = 0;
    for (size_t i = 0; i < MK * 2; i++) rand_key(&tmp[i]);
    qsort(tmp, MK * 2, sizeof tmp[0], rkey_cmp);
    for (size_t i = 0; i < MK * 2 && n < MK; i++)
        if (!n || rkey_cmp(&mkeys[n - 1], &tmp[i])) mkeys[n++] = tmp[i];
    nmk = n;
    int cur[MK];
    for (size_t i = 0; i < MK; i++) cur[i] = -1;
    mview views[MSNAP];
    int nviews = 0;
    /* the long-lived iterator */
    zg_kv_iter *li = NULL;
    int liv[MK], lid = -1, llo = 0, lhi = 0, ldir = 1;
    zg_kv_batch *b = K->batch_new(db);
    int counter = 0, bad = 0, gets = 0, iters = 0, steps = 0;
    char v[24];
    size_t vl;
    for (int op = 0; op < 5000 && bad < 3; op++) {
        int r = (int)(rnd() % 100);
        int id = (int)(rnd() % nmk);
        if (r < 30) {
            mval(++counter, v, &vl);
            bad += K->put(db, mkeys[id].k, mkeys[id].n, v, vl, 0) != ZG_OK;
            cur[id] = counter;
        } else if (r < 40) {
            bad += K->del(db, mkeys[id].k, mkeys[id].n, 0) != ZG_OK;
            cur[id] = -1;
        } else if (r < 52) {
            int nb = 1 + (int)(rnd() % 8), nv[MK];
            memcpy(nv, cur, sizeof nv);
            K->batch_clear(b);
            for (int j = 0; j < nb; j++) {
                int k = (int)(rnd() % nmk);
                if (rnd() % 3) {
                    mval(++counter, v, &vl);
                    K->batch_put(b, mkeys[k].k, mkeys[k].n, v, vl);
                    nv[k] = counter;
                } else {
                    K->batch_del(b, mkeys[k].k, mkeys[k].n);
                    nv[k] = -1;
                }
            }
            bad += K->batch_write(db, b, 0) != ZG_OK;
            memcpy(cur, nv, sizeof nv);
        } else if (r < 57) {
            if (nviews < MSNAP) {
                views[nviews].s = K->snapshot_new(db);
                memcpy(views[nviews].v, cur, sizeof cur);
                bad += !views[nviews].s;
                nviews++;
            }
        } else if (r < 61) {
            if (nviews) {
                int k = (int)(rnd() % nviews);
                K->snapshot_free(db, views[k].s);
                views[k] = views[--nviews];
            }
        } else if (r < 76) {
            int w = nviews ? (int)(rnd() % (nviews + 1)) - 1 : -1;
            const int *mv = w < 0 ? cur : views[w].v;
            char *got = NULL;
            size_t gl;
            int rc = getv(db, w < 0 ? NULL : views[w].s, mkeys[id].k, mkeys[id].n, &got, &gl);
            if (mv[id] < 0) {
                bad += rc != ZG_ENOTFOUND;
            } else {
                mval(mv[id], v, &vl);
                bad += rc != ZG_OK || gl != vl || memcmp(got, v, vl);
            }
            free(got);
            gets++;
        } else if (r < 86) {
            /* a fresh bounded iteration, one direction, on latest or a snapshot */
            int w = nviews ? (int)(rnd() % (nviews + 1)) - 1 : -1;
            const int *mv = w < 0 ? cur : views[w].v;
            int lo = (int)(rnd() % nmk), hi = lo + (int)(rnd() % (nmk - lo + 1));
            zg_kv_iter *it = K->iter_new(db, w < 0 ? NULL : views[w].s, mkeys[lo].k, mkeys[lo].n,
                                         hi < (int)nmk ? mkeys[hi].k : NULL, hi < (int)nmk ? mkeys[hi].n : 0);
            int back = rnd() & 1;
            int e = back ? model_step(mv, hi, -1, lo, hi) : model_step(mv, lo - 1, 1, lo, hi);
            back ? K->iter_seek_last(it) : K->iter_seek_first(it);
            for (;;) {
                if (!model_at(it, mv, e)) {
                    bad++;
                    break;
                }
                if (e < 0) break;
                back ? K->iter_prev(it) : K->iter_next(it);
                e = model_step(mv, e, back ? -1 : 1, lo, hi);
            }
            K->iter_free(it);
            iters++;
        } else {
            /* the long-lived iterator: create, or step it once and compare */
            if (!li || lid < 0) {
                if (li) K->iter_free(li);
                llo = (int)(rnd() % nmk);
                lhi = llo + (int)(rnd() % (nmk - llo + 1));
                li = K->iter_new(db, NULL, mkeys[llo].k, mkeys[llo].n, lhi < (int)nmk ? mkeys[lhi].k : NULL,
                                 lhi < (int)nmk ? mkeys[lhi].n : 0);
                memcpy(liv, cur, sizeof liv);
                ldir = rnd() & 1 ? -1 : 1;
                ldir < 0 ? K->iter_seek_last(li) : K->iter_seek_first(li);
                lid = ldir < 0 ? model_step(liv, lhi, -1, llo, lhi) : model_step(liv, llo - 1, 1, llo, lhi);
            } else {
                ldir < 0 ? K->iter_prev(li) : K->iter_next(li);
                lid = model_step(liv, lid, ldir, llo, lhi);
            }
            bad += !model_at(li, liv, lid);
            steps++;
        }
    }
    if (li) K->iter_free(li);
    for (int i = 0; i < nviews; i++) K->snapshot_free(db, views[i].s);
    K->batch_free(b);
    /* final state, whole */
    zg_kv_iter *it = K->iter_new(db, NULL, NULL, 0, NULL, 0);
    int e = model_step(cur, -1, 1, 0, (int)nmk);
    for (K->iter_seek_first(it);; K->iter_next(it)) {
        if (!model_at(it, cur, e)) {
            bad++;
            break;
        }
        if (e < 0) break;
        e = model_step(cur, e, 1, 0, (int)nmk);
    }
    K->iter_free(it);
    T(!bad, "5000 random operations agree with a reference model (%d gets, %d iterations, %d steps of a long-lived iterator)",
      gets, iters, steps);
}

/* ------------------------------------------------------------ sync / flush */

static void test_sync(zg_kv_db *db)
{
    T(K->put(db, S("synced"), S("1"), ZG_KV_SYNC) == ZG_OK, "synced put");
    T(K->put(db, S("unsynced"), S("1"), 0) == ZG_OK, "unsynced put");
    T(K->put(db, S("to-delete"), S("1"), 0) == ZG_OK && K->del(db, S("to-delete"), ZG_KV_SYNC) == ZG_OK,
      "synced delete");
    T(K->flush(db) == ZG_OK, "flush");
    T(has(db, NULL, S("synced"), S("1")) && has(db, NULL, S("unsynced"), S("1")) &&
          missing(db, NULL, S("to-delete")),
      "synced and unsynced writes read back alike");
}

/* ------------------------------------------------------------ concurrency */

#define NW 2
#define NR 2
#define W_ITERS 400

typedef struct cshared {
    zg_kv_db *db;
    atomic_int writers_left;
    atomic_int violations;
    atomic_long reads;
} cshared;

typedef struct carg {
    cshared *sh;
    int id;
} carg;

static void enc(unsigned char out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8) out[i] = (unsigned char)v;
}

static uint64_t dec(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t v = 0;
    for (size_t i = 0; i < n && i < 8; i++) v = v << 8 | s[i];
    return n == 8 ? v : UINT64_MAX;
}

static void *writer(void *p)
{
    carg *a = p;
    zg_kv_db *db = a->sh->db;
    zg_kv_batch *b = K->batch_new(db);
    char ka[16], kb[16], kk[16];
    snprintf(ka, sizeof ka, "w%d/a", a->id);
    snprintf(kb, sizeof kb, "w%d/b", a->id);
    for (uint64_t i = 1; i <= W_ITERS; i++) {
        unsigned char v[8];
        enc(v, i);
        K->batch_clear(b);
        K->batch_put(b, S(ka), v, 8);
        snprintf(kk, sizeof kk, "w%d/k%02d", a->id, (int)(i % 32));
        K->batch_put(b, S(kk), v, 8);
        snprintf(kk, sizeof kk, "w%d/k%02d", a->id, (int)((i + 16) % 32));
        K->batch_del(b, S(kk));
        K->batch_put(b, S(kb), v, 8);
        if (K->batch_write(db, b, i % 100 == 0 ? ZG_KV_SYNC : 0) != ZG_OK) atomic_fetch_add(&a->sh->violations, 1);
        if (i % 50 == 0) {
            snprintf(kk, sizeof kk, "w%d/single", a->id);
            K->put(db, S(kk), v, 8, 0);
        }
    }
    K->batch_free(b);
    atomic_fetch_sub(&a->sh->writers_left, 1);
    return NULL;
}

static void *reader(void *p)
{
    carg *a = p;
    cshared *sh = a->sh;
    zg_kv_db *db = sh->db;
    long loops = 0;
    while (atomic_load(&sh->writers_left) > 0 || loops < 50) {
        int w = (int)(loops % NW);
        char ka[16], kb[16], lo[8], hi[8];
        snprintf(ka, sizeof ka, "w%d/a", w);
        snprintf(kb, sizeof kb, "w%d/b", w);
        snprintf(lo, sizeof lo, "w%d/", w);
        snprintf(hi, sizeof hi, "w%d0", w); /* '0' follows '/' */
        /* snapshot: both keys of a batch or neither */
        zg_kv_snapshot *s = K->snapshot_new(db);
        void *va = NULL, *vb = NULL;
        size_t la = 0, lb = 0;
        int ra = K->get(db, s, S(ka), &va, &la), rb = K->get(db, s, S(kb), &vb, &lb);
        uint64_t xa = ra == ZG_OK ? dec(va, la) : 0, xb = rb == ZG_OK ? dec(vb, lb) : 0;
        if (ra != rb || xa != xb) atomic_fetch_add(&sh->violations, 1);
        if (va) K->free_value(db, va);
        if (vb) K->free_value(db, vb);
        /* an iterator without snapshot must be just as consistent */
        zg_kv_iter *it = K->iter_new(db, (loops & 1) ? s : NULL, S(lo), S(hi));
        uint64_t ia = 0, ib = 0, last_k = 0;
        int keys = 0;
        for (K->iter_seek_last(it); K->iter_valid(it); K->iter_prev(it)) {
            size_t kl, vl;
            const char *k = K->iter_key(it, &kl);
            const void *v = K->iter_value(it, &vl);
            if (kl == strlen(ka) && !memcmp(k, ka, kl)) ia = dec(v, vl);
            if (kl == strlen(kb) && !memcmp(k, kb, kl)) ib = dec(v, vl);
            if (kl > 3 && k[3] == 'k') {
                keys++;
                uint64_t x = dec(v, vl);
                if (x > last_k) last_k = x;
            }
        }
        if (ia != ib || last_k > ia || K->iter_status(it) != ZG_OK) atomic_fetch_add(&sh->violations, 1);
        if ((loops & 1) && ia != xa) atomic_fetch_add(&sh->violations, 1);
        if (keys > 16) atomic_fetch_add(&sh->violations, 1); /* each batch keeps 16 of 32 alive */
        K->iter_free(it);
        K->snapshot_free(db, s);
        /* latest reads: b is written with a, so b read after a is never older */
        va = vb = NULL;
        ra = K->get(db, NULL, S(ka), &va, &la);
        rb = K->get(db, NULL, S(kb), &vb, &lb);
        xa = ra == ZG_OK ? dec(va, la) : 0;
        xb = rb == ZG_OK ? dec(vb, lb) : 0;
        if (xb < xa) atomic_fetch_add(&sh->violations, 1);
        if (va) K->free_value(db, va);
        if (vb) K->free_value(db, vb);
        loops++;
        atomic_fetch_add(&sh->reads, 1);
    }
    return NULL;
}

static void test_concurrency(zg_kv_db *db)
{
    cshared sh = {.db = db};
    atomic_init(&sh.writers_left, NW);
    atomic_init(&sh.violations, 0);
    atomic_init(&sh.reads, 0);
    pthread_t th[NW + NR];
    carg args[NW + NR];
    for (int i = 0; i < NR; i++) {
        args[NW + i] = (carg){&sh, i};
        pthread_create(&th[NW + i], NULL, reader, &args[NW + i]);
    }
    for (int i = 0; i < NW; i++) {
        args[i] = (carg){&sh, i};
        pthread_create(&th[i], NULL, writer, &args[i]);
    }
    for (int i = 0; i < NW + NR; i++) pthread_join(th[i], NULL);
    T(atomic_load(&sh.violations) == 0, "%d writers + %d readers: batches atomic, snapshots consistent (%ld read rounds, %d violations)",
      NW, NR, (long)atomic_load(&sh.reads), atomic_load(&sh.violations));
    int good = 1;
    for (int w = 0; w < NW; w++) {
        char k[16];
        unsigned char v[8];
        enc(v, W_ITERS);
        snprintf(k, sizeof k, "w%d/a", w);
        good &= has(db, NULL, S(k), v, 8);
        snprintf(k, sizeof k, "w%d/b", w);
        good &= has(db, NULL, S(k), v, 8);
    }
    T(good, "every writer's last batch is there");
}

/* ------------------------------------------------------------ named dbs, config */

static void test_named(void)
{
    zg_kv_db *a = NULL, *b = NULL, *a2 = NULL;
    T(K->open(P.state, "alpha", &a) == ZG_OK && K->open(P.state, "beta", &b) == ZG_OK && a && b && a != b,
      "two named databases open");
    K->put(a, S("k"), S("A"), 0);
    K->put(a, S("only-a"), S("1"), 0);
    K->put(b, S("k"), S("B"), 0);
    T(has(a, NULL, S("k"), S("A")) && has(b, NULL, S("k"), S("B")) && missing(b, NULL, S("only-a")),
      "named databases are isolated");
    T(dump_is(b, NULL, NULL, NULL, "k=B;", "k=B;"), "iteration sees only its own database");
    T(K->open(P.state, "alpha", &a2) == ZG_OK && a2 && has(a2, NULL, S("k"), S("A")), "opening an open name again works");
    K->close(a2);
    T(has(a, NULL, S("k"), S("A")), "closing one of two openers leaves the database usable");
    K->close(a);
    K->close(b);
    const char *bad[] = {"", "a/b", "..", "a b", "x.y", "\xc3\xa9", NULL};
    int good = 1;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        zg_kv_db *d = (zg_kv_db *)&good;
        good &= K->open(P.state, bad[i], &d) == ZG_EINVAL && d == NULL;
    }
    char longname[80];
    memset(longname, 'n', 65);
    longname[65] = 0;
    zg_kv_db *d = NULL;
    good &= K->open(P.state, longname, &d) == ZG_EINVAL;
    T(good, "invalid database names are refused with ZG_EINVAL");
    longname[64] = 0;
    T(K->open(P.state, longname, &d) == ZG_OK && d, "a 64-character name is accepted");
    if (d) K->close(d);
    T(K->open(P.state, "Good_name-1", &d) == ZG_OK && d, "letters, digits, '_' and '-' are accepted");
    if (d) K->close(d);
}

/* Things only the on-disk backends have: config, errors, reopen. */
static void test_disk_config(const char *dir)
{
    kvh_plugin q;
    char err[512];
    if (kvh_load(&q, B, err, sizeof err) != 0) {
        T(0, "second load: %s", err);
        return;
    }
    unsigned e0 = kvh_error_count();
    kvh_cfg bad1[] = {{.key = "write_buffer_mb", .type = 'i', .i = 0}};
    T(kvh_init(&q, dir, "bad", bad1, 1) != 0 && kvh_error_count() > e0, "out-of-range write_buffer_mb fails init, logged");
    kvh_cfg bad2[] = {{.key = "cache_mb", .type = 's', .s = "lots"}};
    T(kvh_init(&q, dir, "bad", bad2, 1) == ZG_ETYPE, "a string for cache_mb fails init with ZG_ETYPE");

    /* relative `path` lives under the datadir; each db is a subdirectory */
    kvh_cfg rel[] = {{.key = "path", .type = 's', .s = "custom/place"}, {.key = "cache_mb", .type = 'i', .i = 4}};
    zg_kv_db *db = NULL;
    char sub[4096];
    struct stat st;
    snprintf(sub, sizeof sub, "%s/custom/place/rel", dir);
    T(kvh_init(&q, dir, "other", rel, 2) == 0 && q.kv->open(q.state, "rel", &db) == ZG_OK &&
          stat(sub, &st) == 0 && S_ISDIR(st.st_mode),
      "relative path puts databases under <datadir>/<path>/<name>");

    /* the same directory from a second instance is busy (LevelDB's LOCK) */
    zg_kv_db *db2 = NULL;
    kvh_plugin q2;
    if (kvh_load(&q2, B, err, sizeof err) == 0 && kvh_init(&q2, dir, "other", rel, 2) == 0) {
        T(q2.kv->open(q2.state, "rel", &db2) == ZG_EBUSY && !db2, "a database held by another instance is ZG_EBUSY");
        kvh_fini(&q2);
    } else {
        T(0, "second instance: %s", err);
    }
    if (db) q.kv->close(db);

    /* corruption is reported as ZG_ECORRUPT */
    snprintf(sub, sizeof sub, "%s/custom/place/rel/CURRENT", dir);
    FILE *f = fopen(sub, "w");
    if (f) {
        fputs("garbage-without-newline", f);
        fclose(f);
    }
    e0 = kvh_error_count();
    db = NULL;
    int rc = q.kv->open(q.state, "rel", &db);
    T(f && rc == ZG_ECORRUPT && !db && kvh_error_count() > e0, "a corrupt database fails to open with ZG_ECORRUPT (got %d), logged", rc);
    if (db) q.kv->close(db);
    kvh_fini(&q);
}

/* ------------------------------------------------------------ persistence */

static void check_order_db(zg_kv_db *db, const char *what)
{
    T(check_range(db, NULL, NULL, NULL), "%s: ordered keys and values all there", what);
    zg_kv_snapshot *s = K->snapshot_new(db);
    int good = 1;
    for (int r = 0; r < 20; r++) {
        rkey lo, hi;
        rand_key(&lo);
        rand_key(&hi);
        if (rkey_cmp(&lo, &hi) > 0) {
            rkey t = lo;
            lo = hi;
            hi = t;
        }
        good &= check_range(db, s, &lo, &hi);
    }
    K->snapshot_free(db, s);
    T(good, "%s: ranges over a snapshot", what);
}

/* ------------------------------------------------------------ driver */

static kvh_cfg small_cfg[] = {
    /* small buffers so the tests cross memtable flushes and compactions */
    {.key = "write_buffer_mb", .type = 'i', .i = 1},
    {.key = "cache_mb", .type = 'i', .i = 8},
};

static void run_backend(const char *name, int persistent)
{
    B = name;
    char err[512];
    if (kvh_load(&P, name, err, sizeof err) != 0) {
        T(0, "load plugin: %s", err);
        return;
    }
    K = P.kv;
    T(1, "loaded %s (%s %s: %s)", P.file, P.desc->name, P.desc->version, P.desc->description);
    char *dir = kvh_tmpdir(name);
    size_t ncfg = persistent ? sizeof small_cfg / sizeof small_cfg[0] : 0;
    int rc = dir ? kvh_init(&P, dir, name, small_cfg, ncfg) : -1;
    T(rc == 0, "init (%d)", rc);
    if (rc != 0) {
        kvh_unload(&P);
        free(dir);
        return;
    }
    zg_kv_db *db = NULL, *order = NULL, *snap = NULL, *conc = NULL, *model = NULL;
    T(K->open(P.state, "main", &db) == ZG_OK && db, "open 'main'");
    T(K->open(P.state, "order", &order) == ZG_OK && order, "open 'order'");
    T(K->open(P.state, "snap", &snap) == ZG_OK && snap, "open 'snap'");
    T(K->open(P.state, "conc", &conc) == ZG_OK && conc, "open 'conc'");
    T(K->open(P.state, "model", &model) == ZG_OK && model, "open 'model'");
    if (!db || !order || !snap || !conc || !model) {
        kvh_unload(&P);
        free(dir);
        return;
    }
    test_basic(db);
    test_large(db);
    test_batch(db);
    test_sync(db);
    test_order(order);
    test_snapshot(snap);
    test_concurrency(conc);
    test_model(model);
    test_named();

    /* reopen */
    unsigned char *big = NULL;
    size_t bign = 0;
    char *tmp;
    if (getv(db, NULL, S("large"), &tmp, &bign) == ZG_OK) big = (unsigned char *)tmp;
    K->close(db);
    K->close(order);
    K->close(snap);
    K->close(conc);
    K->close(model);
    db = order = NULL;
    T(K->open(P.state, "order", &order) == ZG_OK, "reopen 'order' in the same instance");
    check_order_db(order, "close + reopen");
    K->close(order);
    kvh_fini(&P);
    T(kvh_init(&P, dir, name, small_cfg, ncfg) == 0, "fini + init again");
    T(K->open(P.state, "main", &db) == ZG_OK && K->open(P.state, "order", &order) == ZG_OK, "open after restart");
    if (persistent) {
        check_order_db(order, "after restart");
        T(big && has(db, NULL, S("large"), big, bign), "after restart: the 6 MiB value is intact");
        T(has(db, NULL, S("synced"), S("1")) && has(db, NULL, S("unsynced"), S("1")) && missing(db, NULL, S("to-delete")),
          "after restart: synced and unsynced writes are there");
        zg_kv_db *a = NULL;
        T(K->open(P.state, "alpha", &a) == ZG_OK && has(a, NULL, S("k"), S("A")), "after restart: named database 'alpha'");
        if (a) K->close(a);
    } else {
        T(missing(db, NULL, S("synced")) && dump_is(order, NULL, NULL, NULL, "", ""),
          "volatile backend starts empty after restart (documented)");
    }
    free(big);
    K->close(db);
    K->close(order);
    kvh_fini(&P);
    if (persistent) test_disk_config(dir);
    kvh_unload(&P);
    free(ok_keys);
    ok_keys = NULL;
    if (kvh_rmtree(dir) != 0) diag("could not remove %s", dir);
    free(dir);
}

int main(int argc, char **argv)
{
    uint64_t seed = kvh_seed();
    rs = seed;
    printf("# seed %llu (set ZG_TEST_SEED to replay)\n", (unsigned long long)seed);
    const char *defaults[] = {"memory", "leveldb", "rocksdb"};
    const char **list = (const char **)argv + 1;
    int n = argc - 1;
    if (n == 0) {
        list = defaults;
        n = 3;
    }
    char ran[256] = "";
    for (int i = 0; i < n; i++) {
        const char *b = list[i];
        if (argc == 1 && !strcmp(b, "rocksdb") && !kvh_plugin_exists(b)) {
            printf("# rocksdb plugin not built (configure found no librocksdb): not run\n");
            continue;
        }
        printf("# ---- backend %s\n", b);
        run_backend(b, strcmp(b, "memory") != 0);
        strncat(ran, " ", sizeof ran - strlen(ran) - 1);
        strncat(ran, b, sizeof ran - strlen(ran) - 1);
    }
    printf("# backends run:%s\n", ran);
    return tap_done();
}
