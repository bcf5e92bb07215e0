/* tests/test_trie.c — Merkle-Patricia trie (zg/trie.h).
 *
 *  - every vector of $ZG_ETH_TESTS/TrieTests: roots by incremental inserts
 *    and deletes, by the sorted builder, and after commit + reopen over a kv
 *    store (with proofs for every key); trietestnextprev's next/prev;
 *  - random tries against a sorted-array model: roots, gets, next/prev,
 *    deletes over lazily loaded tries, cache-limit compaction;
 *  - proofs for present and absent keys, and tampered proofs rejected;
 *  - failures: missing/corrupt nodes, failed batch writes. */
#include "config.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include <zg/trie.h>
#include "tap.h"
#include "trie_memkv.h"

/* ------------------------------------------------------------- helpers -- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}
static size_t rndn(size_t n) { return (size_t)(rnd() % n); }

static int bytes_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return al < bl ? -1 : al > bl;
}

static const char *hex(const uint8_t *p, size_t n)
{
    static char buf[4][2 * 64 + 1];
    static int k;
    char *b = buf[k++ & 3];
    if (n > 64) n = 64;
    zg_hex_encode(p, n, b);
    return b;
}

/* a model: pairs sorted by key */
typedef struct ment {
    uint8_t *k, *v;
    size_t kl, vl;
} ment;
typedef struct model {
    ment *e;
    size_t n, cap;
} model;

static size_t m_lower(const model *m, const uint8_t *k, size_t kl, int *found)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (bytes_cmp(m->e[mid].k, m->e[mid].kl, k, kl) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < m->n && !bytes_cmp(m->e[lo].k, m->e[lo].kl, k, kl);
    return lo;
}

static void *dup(const void *p, size_t n)
{
    void *d = malloc(n ? n : 1);
    if (!d) abort();
    if (n) memcpy(d, p, n);
    return d;
}

static void m_put(model *m, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    int f;
    size_t i = m_lower(m, k, kl, &f);
    if (f) {
        free(m->e[i].v);
        if (!vl) {
            free(m->e[i].k);
            memmove(&m->e[i], &m->e[i + 1], (m->n - i - 1) * sizeof *m->e);
            m->n--;
            return;
        }
        m->e[i].v = dup(v, vl);
        m->e[i].vl = vl;
        return;
    }
    if (!vl) return;
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 64;
        if (!(m->e = realloc(m->e, m->cap * sizeof *m->e))) abort();
    }
    memmove(&m->e[i + 1], &m->e[i], (m->n - i) * sizeof *m->e);
    m->e[i] = (ment){dup(k, kl), dup(v, vl), kl, vl};
    m->n++;
}

static void m_free(model *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->e[i].k);
        free(m->e[i].v);
    }
    free(m->e);
    memset(m, 0, sizeof *m);
}

static int m_root(const model *m, unsigned flags, uint8_t root[32])
{
    zg_trie_bytes *b = malloc(2 * m->n * sizeof *b + 1);
    if (!b) abort();
    for (size_t i = 0; i < m->n; i++) {
        b[i] = (zg_trie_bytes){m->e[i].k, m->e[i].kl};
        b[m->n + i] = (zg_trie_bytes){m->e[i].v, m->e[i].vl};
    }
    int rc = zg_trie_root_of(b, b + m->n, m->n, flags, root);
    free(b);
    return rc;
}

/* every model key readable with its value */
static int check_gets(zg_trie *t, const model *m)
{
    for (size_t i = 0; i < m->n; i++) {
        const uint8_t *v;
        size_t vl;
        int rc = zg_trie_get(t, m->e[i].k, m->e[i].kl, &v, &vl);
        if (rc || vl != m->e[i].vl || memcmp(v, m->e[i].v, vl)) {
            diag("get %s: rc %d", hex(m->e[i].k, m->e[i].kl), rc);
            return 0;
        }
    }
    return 1;
}

/* proof of key verifies against root with the expected outcome */
static int check_proof(zg_trie *t, const uint8_t root[32], unsigned flags, const uint8_t *k,
                       size_t kl, const uint8_t *want, size_t wl)
{
    zg_trie_proof p;
    const uint8_t *v = NULL;
    size_t vl = 0;
    int rc = zg_trie_prove(t, k, kl, &p);
    if (rc) {
        diag("prove %s: %d", hex(k, kl), rc);
        return 0;
    }
    rc = zg_trie_verify_proof(root, k, kl, flags, p.nodes, p.n, &v, &vl);
    int good = want ? rc == ZG_OK && vl == wl && !memcmp(v, want, wl) : rc == ZG_ENOTFOUND;
    if (!good) diag("verify %s: rc %d (want %s)", hex(k, kl), rc, want ? "found" : "absent");
    zg_trie_proof_free(&p);
    return good;
}

/* "0x.." is hex, anything else its own bytes */
static uint8_t *parse_str(const char *s, size_t *len)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '0' && s[1] == 'x') {
        uint8_t *b = malloc((n - 2) / 2 + 1);
        if (!b || (n & 1) || zg_hex_decode(s + 2, n - 2, b)) {
            free(b);
            return NULL;
        }
        *len = (n - 2) / 2;
        return b;
    }
    *len = n;
    return dup(s, n);
}

/* ------------------------------------------------------------ fixtures -- */

static int vectors_run;

typedef struct op {
    uint8_t *k, *v;
    size_t kl, vl; /* vl 0: delete */
} op;

static int run_vector(const char *file, const char *name, json_t *tc, unsigned flags)
{
    json_t *in = json_object_get(tc, "in");
    const char *rs = json_string_value(json_object_get(tc, "root"));
    uint8_t want[32], got[32];
    size_t rl, nops = 0;
    op *ops = NULL;
    int okv = 1;
    uint8_t *r = rs ? parse_str(rs, &rl) : NULL;
    if (!r || rl != 32 || (!json_is_array(in) && !json_is_object(in))) {
        ok(0, "%s/%s: malformed vector", file, name);
        free(r);
        return 0;
    }
    memcpy(want, r, 32);
    free(r);

    /* collect the operations in order */
    size_t cnt = json_is_array(in) ? json_array_size(in) : json_object_size(in);
    ops = calloc(cnt + 1, sizeof *ops);
    if (json_is_array(in)) {
        size_t i;
        json_t *pr;
        json_array_foreach(in, i, pr) {
            json_t *kj = json_array_get(pr, 0), *vj = json_array_get(pr, 1);
            op *o = &ops[nops++];
            o->k = json_is_string(kj) ? parse_str(json_string_value(kj), &o->kl) : NULL;
            if (json_is_string(vj)) o->v = parse_str(json_string_value(vj), &o->vl);
            if (!o->k || (!json_is_null(vj) && !o->v)) okv = 0;
        }
    } else {
        const char *key;
        json_t *vj;
        json_object_foreach(in, key, vj) {
            op *o = &ops[nops++];
            o->k = parse_str(key, &o->kl);
            if (json_is_string(vj)) o->v = parse_str(json_string_value(vj), &o->vl);
            if (!o->k || (!json_is_null(vj) && !o->v)) okv = 0;
        }
    }
    if (!okv) {
        ok(0, "%s/%s: unparsable key/value", file, name);
        goto out;
    }

    /* 1: in-memory trie, operations in order */
    zg_trie *t;
    model m = {0};
    int good = zg_trie_open(&t, NULL, NULL, NULL, flags) == ZG_OK;
    for (size_t i = 0; good && i < nops; i++) {
        good = zg_trie_put(t, ops[i].k, ops[i].kl, ops[i].v, ops[i].vl) == ZG_OK;
        m_put(&m, ops[i].k, ops[i].kl, ops[i].v, ops[i].vl);
    }
    good = good && zg_trie_root(t, got) == ZG_OK && !memcmp(got, want, 32);
    ok(good, "%s/%s: root %s", file, name, hex(want, 32));
    zg_trie_free(t);

    /* 2: the sorted builder over the final contents */
    good = m_root(&m, flags, got) == ZG_OK && !memcmp(got, want, 32);

    /* 3: over a kv store: commit in one batch, reopen, read back, prove */
    zg_kv_db *db = mkv_new();
    int good3 = zg_trie_open(&t, &mkv_iface, db, NULL, flags) == ZG_OK;
    for (size_t i = 0; good3 && i < nops; i++)
        good3 = zg_trie_put(t, ops[i].k, ops[i].kl, ops[i].v, ops[i].vl) == ZG_OK;
    good3 = good3 && zg_trie_commit(t, 0, got) == ZG_OK && !memcmp(got, want, 32) &&
            db->batch_writes == (m.n ? 1u : 0u) && db->puts == 0;
    zg_trie_free(t);
    good3 = good3 && zg_trie_open(&t, &mkv_iface, db, want, flags) == ZG_OK;
    if (good3) {
        good3 = check_gets(t, &m) && zg_trie_root(t, got) == ZG_OK && !memcmp(got, want, 32);
        for (size_t i = 0; good3 && i < m.n; i++)
            good3 = check_proof(t, want, flags, m.e[i].k, m.e[i].kl, m.e[i].v, m.e[i].vl);
        for (size_t i = 0; good3 && i < nops; i++) { /* deleted keys: absence */
            int f;
            m_lower(&m, ops[i].k, ops[i].kl, &f);
            if (!f) good3 = check_proof(t, want, flags, ops[i].k, ops[i].kl, NULL, 0);
        }
        zg_trie_free(t);
    }
    mkv_close(db);
    ok(good && good3, "%s/%s: builder, commit/reopen, proofs", file, name);
    m_free(&m);
    vectors_run++;
out:
    for (size_t i = 0; i < nops; i++) {
        free(ops[i].k);
        free(ops[i].v);
    }
    free(ops);
    return 1;
}

/* trietestnextprev: "in" keys, tests [key, prev, next] ("" = none) */
static void run_nextprev(const char *file, const char *name, json_t *tc)
{
    zg_trie *t;
    size_t i;
    json_t *k, *tst;
    int good = zg_trie_open(&t, NULL, NULL, NULL, 0) == ZG_OK;
    json_array_foreach(json_object_get(tc, "in"), i, k) {
        const char *s = json_string_value(k);
        good = good && s && zg_trie_put(t, s, strlen(s), s, strlen(s)) == ZG_OK;
    }
    size_t ntests = 0;
    json_array_foreach(json_object_get(tc, "tests"), i, tst) {
        const char *key = json_string_value(json_array_get(tst, 0));
        const char *want[2] = {json_string_value(json_array_get(tst, 1)),
                               json_string_value(json_array_get(tst, 2))};
        if (!key || !want[0] || !want[1]) {
            good = 0;
            break;
        }
        for (int dir = 0; dir < 2; dir++) {
            const uint8_t *ok_, *v;
            size_t okl, vl;
            int rc = dir ? zg_trie_next(t, key, strlen(key), 0, &ok_, &okl, &v, &vl)
                         : zg_trie_prev(t, key, strlen(key), 0, &ok_, &okl, &v, &vl);
            int g = *want[dir] ? rc == ZG_OK && okl == strlen(want[dir]) &&
                                     !memcmp(ok_, want[dir], okl) && vl == okl &&
                                     !memcmp(v, ok_, vl)
                               : rc == ZG_ENOTFOUND;
            if (!g) diag("%s of \"%s\": rc %d", dir ? "next" : "prev", key, rc);
            good = good && g;
        }
        ntests++;
    }
    ok(good && ntests > 0, "%s/%s: %zu next/prev lookups", file, name, ntests);
    zg_trie_free(t);
    vectors_run++;
}

static void run_fixtures(void)
{
    const char *base = getenv("ZG_ETH_TESTS");
    char dir[4096];
    if (!base || !*base) {
        ok(0, "ZG_ETH_TESTS is not set: cannot find TrieTests");
        return;
    }
    snprintf(dir, sizeof dir, "%s/TrieTests", base);
    DIR *d = opendir(dir);
    if (!d) {
        ok(0, "fixture directory %s is missing", dir);
        return;
    }
    /* sorted file list for a stable order */
    char *names[64];
    int nn = 0;
    struct dirent *de;
    while ((de = readdir(d)) && nn < 64) {
        size_t l = strlen(de->d_name);
        if (l > 5 && !strcmp(de->d_name + l - 5, ".json")) names[nn++] = strdup(de->d_name);
    }
    closedir(d);
    for (int i = 0; i < nn; i++)
        for (int j = i + 1; j < nn; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char *x = names[i];
                names[i] = names[j];
                names[j] = x;
            }
    int files = 0;
    for (int i = 0; i < nn; i++) {
        char path[8192];
        json_error_t err;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        json_t *root = json_load_file(path, 0, &err);
        if (!json_is_object(root)) {
            ok(0, "%s: %s", path, err.text);
            json_decref(root);
            continue;
        }
        /* secure-trie vectors say so in the file name */
        unsigned flags = strstr(names[i], "ecure") ? ZG_TRIE_SECURE : 0;
        const char *name;
        json_t *tc;
        json_object_foreach(root, name, tc) {
            if (json_object_get(tc, "tests"))
                run_nextprev(names[i], name, tc);
            else
                run_vector(names[i], name, tc, flags);
        }
        json_decref(root);
        files++;
    }
    for (int i = 0; i < nn; i++) free(names[i]);
    ok(files >= 6, "TrieTests: %d fixture files read", files);
}

/* ------------------------------------------------------- random tries -- */

/* plain keys from a tiny alphabet, so that prefixes and shared nibbles are
 * common; values of 1..48 bytes, so that nodes are both embedded and hashed */
static size_t rand_key(uint8_t *k, int secure)
{
    static const uint8_t alpha[] = {0x00, 0x01, 0x10, 0x11, 0x1f, 0xf0, 0xff};
    size_t n = secure ? 1 + rndn(8) : rndn(6);
    for (size_t i = 0; i < n; i++) k[i] = alpha[rndn(sizeof alpha)];
    return n;
}
static size_t rand_val(uint8_t *v)
{
    size_t n = 1 + (rndn(4) ? rndn(6) : rndn(48));
    for (size_t i = 0; i < n; i++) v[i] = (uint8_t)rnd();
    return n;
}

/* random operations applied to an in-memory trie, a kv-backed trie that
 * commits every few operations and is sometimes reopened, and the model */
static void random_ops(unsigned flags, int rounds, int per_round)
{
    model m = {0};
    zg_kv_db *db = mkv_new();
    zg_trie *mt, *kt;
    uint8_t r1[32], r2[32], r3[32], committed[32];
    int good = zg_trie_open(&mt, NULL, NULL, NULL, flags) == ZG_OK &&
               zg_trie_open(&kt, &mkv_iface, db, NULL, flags) == ZG_OK;
    int secure = flags & ZG_TRIE_SECURE, reopens = 0, commits = 0;
    size_t writes0 = 0;
    for (int r = 0; good && r < rounds; r++) {
        for (int i = 0; good && i < per_round; i++) {
            uint8_t k[16], v[64];
            size_t kl, vl;
            if (m.n && rndn(3) == 0) { /* delete or update an existing key */
                ment *e = &m.e[rndn(m.n)];
                kl = e->kl;
                memcpy(k, e->k, kl);
            } else {
                kl = rand_key(k, secure);
            }
            vl = rndn(4) == 0 ? 0 : rand_val(v);
            if (vl == 0 && rndn(2)) {
                good = zg_trie_del(mt, k, kl) == ZG_OK && zg_trie_del(kt, k, kl) == ZG_OK;
            } else {
                good = zg_trie_put(mt, k, kl, v, vl) == ZG_OK &&
                       zg_trie_put(kt, k, kl, v, vl) == ZG_OK;
            }
            m_put(&m, k, kl, v, vl);
        }
        good = good && zg_trie_root(mt, r1) == ZG_OK && m_root(&m, flags, r3) == ZG_OK &&
               !memcmp(r1, r3, 32);
        if (!good) diag("round %d: root mismatch with the model (%zu keys)", r, m.n);
        writes0 = db->batch_writes;
        good = good && zg_trie_commit(kt, 0, r2) == ZG_OK && !memcmp(r2, r3, 32) &&
               db->batch_writes <= writes0 + 1;
        commits++;
        memcpy(committed, r2, 32);
        if (good && rndn(2)) { /* continue on a fresh trie loading lazily */
            zg_trie_free(kt);
            good = zg_trie_open(&kt, &mkv_iface, db, committed, flags) == ZG_OK;
            reopens++;
        }
        if (good && r % 4 == 3) good = check_gets(mt, &m) && check_gets(kt, &m);
    }
    good = good && db->puts == 0;
    ok(good, "random %s trie: %d rounds x %d ops, %d commits, %d reopens, %zu keys, %zu nodes",
       secure ? "secure" : "plain", rounds, per_round, commits, reopens, m.n, db->count);

    /* absent keys are absent everywhere */
    int absent_ok = 1;
    for (int i = 0; i < 200; i++) {
        uint8_t k[16];
        size_t kl = rand_key(k, secure);
        int f;
        m_lower(&m, k, kl, &f);
        int want = f ? ZG_OK : ZG_ENOTFOUND;
        absent_ok = absent_ok && zg_trie_get(mt, k, kl, NULL, NULL) == want &&
                    zg_trie_get(kt, k, kl, NULL, NULL) == want;
    }
    ok(absent_ok, "random %s trie: gets of random keys agree with the model",
       secure ? "secure" : "plain");

    /* proofs of present and absent keys, from memory and from the kv */
    int pgood = 1, np = 0;
    uint8_t root[32];
    zg_trie_root(mt, root);
    for (size_t i = 0; pgood && i < m.n; i += 1 + m.n / 50, np += 2)
        pgood = check_proof(mt, root, flags, m.e[i].k, m.e[i].kl, m.e[i].v, m.e[i].vl) &&
                check_proof(kt, root, flags, m.e[i].k, m.e[i].kl, m.e[i].v, m.e[i].vl);
    for (int i = 0; pgood && i < 50; i++) {
        uint8_t k[16];
        size_t kl = rand_key(k, secure);
        int f;
        size_t j = m_lower(&m, k, kl, &f);
        pgood = check_proof(kt, root, flags, k, kl, f ? m.e[j].v : NULL, f ? m.e[j].vl : 0);
        np++;
    }
    ok(pgood, "random %s trie: %d proofs verify", secure ? "secure" : "plain", np);

    if (!secure) { /* ordered walks against the model */
        int wgood = 1;
        for (int i = 0; wgood && i < 300; i++) {
            uint8_t k[16];
            size_t kl = rand_key(k, 0);
            int incl = (int)rndn(2), f;
            size_t j = m_lower(&m, k, kl, &f);
            /* next: first >= (incl) or > ; prev: last <= or < */
            size_t nx = f && !incl ? j + 1 : j;
            long pv = f && incl ? (long)j : (long)j - 1;
            const uint8_t *ok_, *v;
            size_t okl, vl;
            zg_trie *tt = i & 1 ? kt : mt;
            int rc = zg_trie_next(tt, k, kl, incl, &ok_, &okl, &v, &vl);
            if (nx < m.n)
                wgood = rc == ZG_OK && !bytes_cmp(ok_, okl, m.e[nx].k, m.e[nx].kl) &&
                        !bytes_cmp(v, vl, m.e[nx].v, m.e[nx].vl);
            else
                wgood = rc == ZG_ENOTFOUND;
            rc = zg_trie_prev(tt, k, kl, incl, &ok_, &okl, &v, &vl);
            if (pv >= 0)
                wgood = wgood && rc == ZG_OK && !bytes_cmp(ok_, okl, m.e[pv].k, m.e[pv].kl);
            else
                wgood = wgood && rc == ZG_ENOTFOUND;
            if (!wgood) diag("walk from %s incl %d", hex(k, kl), incl);
        }
        /* full iteration */
        size_t seen = 0;
        uint8_t cur[ZG_TRIE_MAX_KEY];
        size_t cl = 0;
        int incl = 1;
        for (;;) {
            const uint8_t *ok_;
            size_t okl;
            int rc = zg_trie_next(kt, cur, cl, incl, &ok_, &okl, NULL, NULL);
            if (rc) {
                wgood = wgood && rc == ZG_ENOTFOUND;
                break;
            }
            if (seen >= m.n || bytes_cmp(ok_, okl, m.e[seen].k, m.e[seen].kl)) {
                wgood = 0;
                break;
            }
            memcpy(cur, ok_, okl);
            cl = okl;
            incl = 0;
            seen++;
        }
        ok(wgood && seen == m.n, "random plain trie: next/prev and a full walk (%zu keys)", seen);
    }
    zg_trie_free(mt);
    zg_trie_free(kt);
    mkv_close(db);
    m_free(&m);
}

/* -------------------------------------------------------------- proofs -- */

static void tamper_tests(void)
{
    zg_trie *t;
    model m = {0};
    uint8_t root[32];
    zg_trie_open(&t, NULL, NULL, NULL, ZG_TRIE_SECURE);
    for (int i = 0; i < 300; i++) {
        uint8_t k[8], v[64];
        size_t vl = rand_val(v);
        memcpy(k, &i, sizeof i);
        zg_trie_put(t, k, sizeof i, v, vl);
        m_put(&m, k, sizeof i, v, vl);
    }
    zg_trie_root(t, root);
    int flip = 1, drop = 1, extra = 1, wrongroot = 1, swapped = 1, trials = 0;
    for (int i = 0; i < 400; i++, trials++) {
        int key = (int)rndn(600); /* half present, half absent */
        uint8_t k[8];
        memcpy(k, &key, sizeof key);
        zg_trie_proof p;
        if (zg_trie_prove(t, k, sizeof key, &p) || p.n == 0) {
            flip = 0;
            break;
        }
        zg_trie_bytes *nb = malloc((p.n + 1) * sizeof *nb);
        uint8_t *copy = NULL;
        /* 1: one flipped bit anywhere */
        size_t ni = rndn(p.n), bi = rndn(p.nodes[ni].len);
        copy = dup(p.nodes[ni].data, p.nodes[ni].len);
        copy[bi] ^= (uint8_t)(1u << rndn(8));
        memcpy(nb, p.nodes, p.n * sizeof *nb);
        nb[ni].data = copy;
        flip = flip && zg_trie_verify_proof(root, k, sizeof key, ZG_TRIE_SECURE, nb, p.n, NULL,
                                            NULL) == ZG_ECORRUPT;
        free(copy);
        /* 2: a node left out */
        memcpy(nb, p.nodes, p.n * sizeof *nb);
        ni = rndn(p.n);
        memmove(&nb[ni], &nb[ni + 1], (p.n - ni - 1) * sizeof *nb);
        drop = drop && zg_trie_verify_proof(root, k, sizeof key, ZG_TRIE_SECURE, nb, p.n - 1,
                                            NULL, NULL) == ZG_ECORRUPT;
        /* 3: a node too many */
        memcpy(nb, p.nodes, p.n * sizeof *nb);
        nb[p.n] = p.nodes[rndn(p.n)];
        extra = extra && zg_trie_verify_proof(root, k, sizeof key, ZG_TRIE_SECURE, nb, p.n + 1,
                                              NULL, NULL) == ZG_ECORRUPT;
        /* 4: another root */
        uint8_t r2[32];
        memcpy(r2, root, 32);
        r2[rndn(32)] ^= 1;
        wrongroot = wrongroot && zg_trie_verify_proof(r2, k, sizeof key, ZG_TRIE_SECURE, p.nodes,
                                                      p.n, NULL, NULL) == ZG_ECORRUPT;
        /* 5: two nodes swapped */
        if (p.n >= 2) {
            memcpy(nb, p.nodes, p.n * sizeof *nb);
            zg_trie_bytes x = nb[0];
            nb[0] = nb[p.n - 1];
            nb[p.n - 1] = x;
            swapped = swapped && zg_trie_verify_proof(root, k, sizeof key, ZG_TRIE_SECURE, nb,
                                                      p.n, NULL, NULL) == ZG_ECORRUPT;
        }
        free(nb);
        zg_trie_proof_free(&p);
    }
    ok(flip, "tampered proofs: a flipped bit is rejected (%d proofs)", trials);
    ok(drop, "tampered proofs: a missing node is rejected");
    ok(extra, "tampered proofs: an extra node is rejected");
    ok(wrongroot, "tampered proofs: a wrong root is rejected");
    ok(swapped, "tampered proofs: reordered nodes are rejected");

    /* a present key's proof cannot prove a different value */
    int k0 = 7;
    zg_trie_proof p;
    const uint8_t *v;
    size_t vl;
    int f;
    size_t j = m_lower(&m, (uint8_t *)&k0, sizeof k0, &f);
    zg_trie_prove(t, &k0, sizeof k0, &p);
    int rc = zg_trie_verify_proof(root, &k0, sizeof k0, ZG_TRIE_SECURE, p.nodes, p.n, &v, &vl);
    ok(f && rc == ZG_OK && vl == m.e[j].vl && !memcmp(v, m.e[j].v, vl),
       "proof of a present key yields its value");
    /* non-secure verification of a secure proof: a different path */
    rc = zg_trie_verify_proof(root, &k0, sizeof k0, 0, p.nodes, p.n, &v, &vl);
    ok(rc == ZG_ECORRUPT || rc == ZG_ENOTFOUND, "proof checked with the wrong key mode fails");
    zg_trie_proof_free(&p);

    /* empty trie */
    zg_trie *e;
    zg_trie_open(&e, NULL, NULL, NULL, 0);
    rc = zg_trie_prove(e, "x", 1, &p);
    ok(rc == ZG_OK && p.n == 0 &&
           zg_trie_verify_proof(zg_trie_empty_root, "x", 1, 0, p.nodes, p.n, NULL, NULL) ==
               ZG_ENOTFOUND &&
           zg_trie_verify_proof(root, "x", 1, 0, p.nodes, p.n, NULL, NULL) == ZG_ECORRUPT,
       "empty trie: empty proof of absence, rejected for another root");
    uint8_t rlp_empty = 0x80;
    zg_trie_bytes eb = {&rlp_empty, 1};
    ok(zg_trie_verify_proof(zg_trie_empty_root, "x", 1, 0, &eb, 1, NULL, NULL) == ZG_ENOTFOUND,
       "empty trie: proof [rlp(\"\")] of absence");
    zg_trie_proof_free(&p);
    zg_trie_free(e);

    /* a root node shorter than 32 bytes */
    zg_trie_open(&e, NULL, NULL, NULL, 0);
    zg_trie_put(e, "a", 1, "b", 1);
    zg_trie_root(e, root);
    rc = zg_trie_prove(e, "a", 1, &p);
    ok(rc == ZG_OK && p.n == 1 && p.nodes[0].len < 32 &&
           zg_trie_verify_proof(root, "a", 1, 0, p.nodes, p.n, &v, &vl) == ZG_OK && vl == 1 &&
           v[0] == 'b' &&
           zg_trie_verify_proof(root, "c", 1, 0, p.nodes, p.n, &v, &vl) == ZG_ENOTFOUND,
       "small root node: proofs of presence and absence");
    zg_trie_proof_free(&p);
    zg_trie_free(e);
    zg_trie_free(t);
    m_free(&m);
}

/* ------------------------------------------------------- roots of lists -- */

static void list_root_tests(void)
{
    static const size_t sizes[] = {0, 1, 2, 3, 127, 128, 129, 130, 255, 256, 257, 300};
    int good = 1;
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        zg_trie_bytes *items = calloc(n + 1, sizeof *items);
        uint8_t *store = malloc(64 * (n + 1)), r1[32], r2[32];
        zg_trie *t;
        zg_trie_open(&t, NULL, NULL, NULL, 0);
        for (size_t i = 0; i < n; i++) {
            size_t l = rand_val(store + 64 * i);
            items[i] = (zg_trie_bytes){store + 64 * i, l};
            /* key rlp(i) */
            uint8_t k[9];
            size_t kl;
            if (i == 0) {
                k[0] = 0x80;
                kl = 1;
            } else if (i < 128) {
                k[0] = (uint8_t)i;
                kl = 1;
            } else {
                int nb = i < 256 ? 1 : 2;
                k[0] = (uint8_t)(0x80 + nb);
                for (int b = 0; b < nb; b++) k[1 + b] = (uint8_t)(i >> (8 * (nb - 1 - b)));
                kl = 1 + (size_t)nb;
            }
            zg_trie_put(t, k, kl, items[i].data, items[i].len);
        }
        int g = zg_trie_list_root(items, n, r1) == ZG_OK && zg_trie_root(t, r2) == ZG_OK &&
                !memcmp(r1, r2, 32);
        if (!g) diag("list of %zu", n);
        good = good && g;
        zg_trie_free(t);
        free(items);
        free(store);
    }
    ok(good, "list roots (keys rlp(i)) equal incremental tries, n up to 300");
    uint8_t r[32];
    ok(zg_trie_list_root(NULL, 0, r) == ZG_OK && !memcmp(r, zg_trie_empty_root, 32),
       "empty list root is the empty trie root");
    /* the empty root is keccak(rlp("")) */
    uint8_t e = 0x80, h[32];
    zg_keccak256(&e, 1, h);
    ok(!memcmp(h, zg_trie_empty_root, 32), "empty root = keccak256(0x80) = %s", hex(h, 32));

    zg_trie_bytes k[3] = {{(const uint8_t *)"b", 1}, {(const uint8_t *)"a", 1},
                          {(const uint8_t *)"a", 1}};
    zg_trie_bytes v[3] = {{(const uint8_t *)"1", 1}, {(const uint8_t *)"2", 1},
                          {(const uint8_t *)"3", 1}};
    ok(zg_trie_root_sorted(k, v, 2, r) == ZG_EINVAL && zg_trie_root_sorted(k + 1, v, 2, r) ==
           ZG_EINVAL && zg_trie_root_of(k, v, 3, 0, r) == ZG_EINVAL,
       "sorted builder rejects unsorted and duplicate keys");
    zg_trie_bytes ev = {(const uint8_t *)"", 0};
    ok(zg_trie_root_sorted(k, &ev, 1, r) == ZG_EINVAL, "sorted builder rejects empty values");
}

/* ----------------------------------------------------- kv failure paths -- */

typedef struct ent_ref {
    uint8_t key[32];
} ent_ref;

static size_t db_keys(zg_kv_db *db, ent_ref **out)
{
    ent_ref *r = malloc((db->count + 1) * sizeof *r);
    size_t n = 0;
    for (size_t i = 0; i < db->nbuck; i++)
        for (mkv_ent *e = db->tab[i]; e; e = e->next) memcpy(r[n++].key, e->key, 32);
    *out = r;
    return n;
}

static void failure_tests(void)
{
    zg_kv_db *db = mkv_new();
    zg_trie *t;
    model m = {0};
    uint8_t root[32], r2[32];
    zg_trie_open(&t, &mkv_iface, db, NULL, ZG_TRIE_SECURE);
    for (int i = 0; i < 500; i++) {
        uint8_t v[64];
        size_t vl = rand_val(v);
        zg_trie_put(t, &i, sizeof i, v, vl);
        m_put(&m, (uint8_t *)&i, sizeof i, v, vl);
    }
    /* a failed batch write keeps the changes uncommitted */
    db->fail_writes = 1;
    int rc = zg_trie_commit(t, 0, root);
    db->fail_writes = 0;
    ok(rc == ZG_EIO && db->count == 0, "failed batch write: commit reports it, nothing written");
    rc = zg_trie_commit(t, ZG_KV_SYNC, root);
    ok(rc == ZG_OK && db->batch_writes == 1 && db->count > 0 && db->puts == 0,
       "commit after a failed write: one batch of %zu nodes", db->count);
    m_root(&m, ZG_TRIE_SECURE, r2);
    ok(!memcmp(root, r2, 32), "committed root matches the model");
    size_t gets0 = db->gets;
    zg_trie_free(t);

    /* lazy loading: one get loads one path */
    zg_trie_open(&t, &mkv_iface, db, root, ZG_TRIE_SECURE);
    int k5 = 5;
    rc = zg_trie_get(t, &k5, sizeof k5, NULL, NULL);
    ok(rc == ZG_OK && db->gets - gets0 >= 2 && db->gets - gets0 <= 6,
       "reopened trie loads lazily: %zu node reads for one get", db->gets - gets0);
    gets0 = db->gets;
    rc = zg_trie_get(t, &k5, sizeof k5, NULL, NULL);
    ok(rc == ZG_OK && db->gets == gets0, "loaded nodes stay cached");
    zg_trie_free(t);
    zg_trie_open(&t, &mkv_iface, db, root, ZG_TRIE_SECURE | ZG_TRIE_TRUSTED);
    ok(check_gets(t, &m) && zg_trie_root(t, r2) == ZG_OK && !memcmp(root, r2, 32),
       "ZG_TRIE_TRUSTED: reads without re-hashing loaded nodes");
    zg_trie_free(t);

    /* corruption: every node flipped once must never give a wrong answer;
     * missing nodes give ZG_ECORRUPT */
    ent_ref *keys;
    size_t nk = db_keys(db, &keys);
    int corrupt_ok = 1, seen_corrupt = 0;
    for (size_t i = 0; i < nk && i < 40; i++) {
        mkv_ent *e = *mkv_find(db, keys[i].key, 32);
        size_t bi = rndn(e->vlen);
        e->val[bi] ^= 0x20;
        zg_trie_open(&t, &mkv_iface, db, root, ZG_TRIE_SECURE);
        for (size_t j = 0; j < m.n; j++) {
            const uint8_t *v;
            size_t vl;
            rc = zg_trie_get(t, m.e[j].k, m.e[j].kl, &v, &vl);
            if (rc == ZG_ECORRUPT) {
                seen_corrupt++;
                continue;
            }
            if (rc || vl != m.e[j].vl || memcmp(v, m.e[j].v, vl)) corrupt_ok = 0;
        }
        zg_trie_free(t);
        e->val[bi] ^= 0x20;
    }
    ok(corrupt_ok && seen_corrupt > 0, "corrupted nodes: %d reads failed with ZG_ECORRUPT, none "
                                       "returned a wrong value", seen_corrupt);

    /* a missing node: reads through it fail, others work, and a delete that
     * needs it fails without changing the trie */
    int missing_ok = 1, deletes_failed = 0;
    for (size_t i = 0; i < nk && i < 40; i++) {
        mkv_ent *e = *mkv_find(db, keys[i].key, 32);
        uint8_t *sv = dup(e->val, e->vlen);
        size_t svl = e->vlen;
        mkv_remove(db, keys[i].key, 32);
        zg_trie_open(&t, &mkv_iface, db, root, ZG_TRIE_SECURE);
        for (size_t j = 0; j < m.n; j++) {
            rc = zg_trie_get(t, m.e[j].k, m.e[j].kl, NULL, NULL);
            if (rc != ZG_OK && rc != ZG_ECORRUPT) missing_ok = 0;
        }
        for (size_t j = 0; j < m.n; j += 7) {
            uint8_t before[32], after[32];
            if (zg_trie_root(t, before) != ZG_OK) missing_ok = 0;
            rc = zg_trie_del(t, m.e[j].k, m.e[j].kl);
            if (rc == ZG_ECORRUPT) {
                deletes_failed++;
                /* nothing changed */
                if (zg_trie_root(t, after) != ZG_OK || memcmp(before, after, 32)) missing_ok = 0;
                break;
            }
            if (rc != ZG_OK) missing_ok = 0;
        }
        zg_trie_free(t);
        mkv_set(db, keys[i].key, 32, sv, svl);
        free(sv);
    }
    ok(missing_ok && deletes_failed > 0,
       "missing nodes: reads fail cleanly, %d failed deletes left the trie unchanged",
       deletes_failed);
    free(keys);

    /* two tries committed in one caller batch */
    zg_trie *a, *b;
    size_t w0 = db->batch_writes;
    zg_trie_open(&a, &mkv_iface, db, root, ZG_TRIE_SECURE);
    zg_trie_open(&b, &mkv_iface, db, NULL, 0);
    zg_trie_put(a, "new", 3, "value", 5);
    zg_trie_put(b, "other", 5, "x", 1);
    zg_kv_batch *bt = mkv_iface.batch_new(db);
    uint8_t ra[32], rb[32];
    rc = zg_trie_commit_batch(a, bt, ra) | zg_trie_commit_batch(b, bt, rb);
    rc |= mkv_iface.batch_write(db, bt, 0);
    mkv_iface.batch_free(bt);
    zg_trie_free(a);
    zg_trie_free(b);
    zg_trie_open(&a, &mkv_iface, db, ra, ZG_TRIE_SECURE);
    zg_trie_open(&b, &mkv_iface, db, rb, 0);
    const uint8_t *v;
    size_t vl;
    ok(rc == 0 && db->batch_writes == w0 + 1 && zg_trie_get(a, "new", 3, &v, &vl) == ZG_OK &&
           vl == 5 && zg_trie_get(b, "other", 5, &v, &vl) == ZG_OK && vl == 1 &&
           v[0] == 'x' && zg_trie_get(a, &k5, sizeof k5, NULL, NULL) == ZG_OK,
       "two tries committed atomically in one caller batch (small root included)");
    zg_trie_free(a);
    zg_trie_free(b);

    /* argument checks */
    uint8_t big[ZG_TRIE_MAX_KEY + 1] = {0};
    ok(zg_trie_open(&t, NULL, NULL, root, 0) == ZG_EINVAL, "no kv: only the empty root opens");
    zg_trie_open(&t, NULL, NULL, NULL, 0);
    ok(zg_trie_put(t, big, sizeof big, "v", 1) == ZG_EINVAL &&
           zg_trie_put(t, big, ZG_TRIE_MAX_KEY, "v", 1) == ZG_OK,
       "keys up to ZG_TRIE_MAX_KEY bytes");
    ok(zg_trie_put(t, "k", 1, "", 0) == ZG_OK && zg_trie_get(t, "k", 1, NULL, NULL) ==
           ZG_ENOTFOUND && zg_trie_del(t, "absent", 6) == ZG_OK,
       "empty value deletes; deleting an absent key is fine");
    zg_trie_free(t);
    zg_trie_open(&t, NULL, NULL, NULL, ZG_TRIE_SECURE);
    ok(zg_trie_put(t, big, sizeof big, "v", 1) == ZG_OK, "secure tries take any key length");
    zg_trie_free(t);

    mkv_close(db);
    m_free(&m);
}

/* ---------------------------------------------------------- compaction -- */

static void compaction_tests(void)
{
    /* with a kv: a small cache limit keeps memory bounded; reads reload */
    zg_kv_db *db = mkv_new();
    zg_trie *t;
    model m = {0};
    uint8_t root[32], r2[32];
    zg_trie_open(&t, &mkv_iface, db, NULL, ZG_TRIE_SECURE);
    zg_trie_set_cache_limit(t, 256 << 10);
    size_t maxmem = 0;
    int good = 1;
    for (int r = 0; r < 20 && good; r++) {
        for (int i = 0; i < 400; i++) {
            uint32_t k = (uint32_t)rndn(4000);
            uint8_t v[64];
            size_t vl = rand_val(v);
            good = good && zg_trie_put(t, &k, sizeof k, v, vl) == ZG_OK;
            m_put(&m, (uint8_t *)&k, sizeof k, v, vl);
        }
        good = good && zg_trie_commit(t, 0, root) == ZG_OK;
        if (zg_trie_mem(t) > maxmem) maxmem = zg_trie_mem(t);
    }
    size_t g0 = db->gets;
    good = good && check_gets(t, &m);
    m_root(&m, ZG_TRIE_SECURE, r2);
    ok(good && !memcmp(root, r2, 32) && maxmem < (4u << 20) && db->gets > g0,
       "cache limit 256 KiB: %zu keys, peak %zu KiB after commits, evicted nodes reloaded "
       "(%zu reads)", m.n, maxmem >> 10, db->gets - g0);
    zg_trie_free(t);
    mkv_close(db);
    m_free(&m);

    /* in memory: garbage from updates is dropped, content kept */
    zg_trie_open(&t, NULL, NULL, NULL, ZG_TRIE_SECURE);
    size_t first = 0, last = 0;
    good = 1;
    for (int r = 0; r < 40 && good; r++) {
        for (uint32_t k = 0; k < 2000; k++) {
            uint8_t v[8];
            memcpy(v, &r, sizeof r);
            memcpy(v + 4, &k, sizeof k);
            good = good && zg_trie_put(t, &k, sizeof k, v, sizeof v) == ZG_OK;
            if (r == 39) m_put(&m, (uint8_t *)&k, sizeof k, v, sizeof v);
        }
        good = good && zg_trie_commit(t, 0, root) == ZG_OK;
        if (r == 0) first = zg_trie_mem(t);
        last = zg_trie_mem(t);
    }
    m_root(&m, ZG_TRIE_SECURE, r2);
    ok(good && check_gets(t, &m) && !memcmp(root, r2, 32) && last < 4 * first + (2u << 20),
       "in-memory trie: 40 rewrites of 2000 keys, memory %zu KiB (first %zu KiB)", last >> 10,
       first >> 10);
    zg_trie_free(t);
    m_free(&m);

    /* reset reuses the trie */
    zg_trie_open(&t, NULL, NULL, NULL, 0);
    zg_trie_put(t, "a", 1, "1", 1);
    zg_trie_reset(t, NULL);
    ok(zg_trie_root(t, root) == ZG_OK && !memcmp(root, zg_trie_empty_root, 32) &&
           zg_trie_get(t, "a", 1, NULL, NULL) == ZG_ENOTFOUND,
       "reset empties the trie");
    zg_trie_free(t);
}

int main(void)
{
    run_fixtures();
    diag("%d TrieTests vectors run", vectors_run);
    ok(vectors_run >= 25, "ran %d TrieTests vectors", vectors_run);
    random_ops(0, 40, 60);
    random_ops(ZG_TRIE_SECURE, 40, 60);
    random_ops(0, 10, 400);
    tamper_tests();
    list_root_tests();
    failure_tests();
    compaction_tests();
    return tap_done();
}
