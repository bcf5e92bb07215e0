/* bench/trie.c — Merkle-Patricia trie throughput.
 *
 *  1. root of N random accounts: incremental in-memory trie vs the sorted
 *     builder (zg_trie_root_of), the peer measured in the same run;
 *  2. block transaction roots: zg_trie_list_root vs an in-memory trie;
 *  3. block commits over an in-memory kv store: a state of S accounts, then
 *     blocks of U updates each committed in one batch, with the trie kept
 *     open across blocks (warm cache) vs reopened per block (lazy loads);
 *  4. eth_getProof-style proofs: generation and verification rates.
 *
 * usage: bench/trie [scale]   (scale 1 = default sizes; 0.1 for a quick run) */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zg/keccak.h>
#include <zg/trie.h>
#include "../tests/trie_memkv.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rs = 88172645463325252ull;
static uint64_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

/* an account-like value: ~70 bytes */
static void account(uint8_t v[70], uint64_t seed)
{
    for (int i = 0; i < 70; i++) v[i] = (uint8_t)(seed >> (8 * (i & 7))) ^ (uint8_t)i;
    v[0] = 0xf8;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench/trie: %s failed: %d\n", what, rc);
    exit(1);
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    if (scale <= 0) scale = 1.0;
    size_t N = (size_t)(200000 * scale), S = (size_t)(200000 * scale), U = 2000,
           blocks = (size_t)(20 * (scale < 1 ? 1 : scale));
    if (N < 1000) N = 1000;
    if (S < 1000) S = 1000;
    int rc;

    /* ---- 1: N accounts, incremental vs sorted builder ---- */
    uint8_t(*keys)[20] = malloc(N * 20);
    uint8_t(*vals)[70] = malloc(N * 70);
    zg_trie_bytes *kb = malloc(N * sizeof *kb), *vb = malloc(N * sizeof *vb);
    for (size_t i = 0; i < N; i++) {
        for (int j = 0; j < 20; j++) keys[i][j] = (uint8_t)rnd();
        account(vals[i], rnd());
        kb[i] = (zg_trie_bytes){keys[i], 20};
        vb[i] = (zg_trie_bytes){vals[i], 70};
    }
    uint8_t r1[32], r2[32];
    zg_trie *t;
    double t0 = now();
    zg_trie_open(&t, NULL, NULL, NULL, ZG_TRIE_SECURE);
    for (size_t i = 0; i < N; i++)
        if ((rc = zg_trie_put(t, keys[i], 20, vals[i], 70))) die("put", rc);
    double t1 = now();
    if ((rc = zg_trie_root(t, r1))) die("root", rc);
    double t2 = now();
    size_t mem = zg_trie_mem(t);
    zg_trie_free(t);
    double t3 = now();
    if ((rc = zg_trie_root_of(kb, vb, N, ZG_TRIE_SECURE, r2))) die("root_of", rc);
    double t4 = now();
    if (memcmp(r1, r2, 32)) die("root comparison", -1);
    printf("state root of %zu accounts (secure, 70-byte values):\n", N);
    printf("  incremental trie: %.0f ms (inserts %.0f ms = %.2f Mops/s, hashing %.0f ms), "
           "%.1f MiB arena\n",
           (t2 - t0) * 1e3, (t1 - t0) * 1e3, N / (t1 - t0) / 1e6, (t2 - t1) * 1e3,
           mem / 1048576.0);
    printf("  sorted builder:   %.0f ms (hash keys, sort, hash nodes)\n", (t4 - t3) * 1e3);
    printf("  ratio incremental/builder: %.2f\n", (t2 - t0) / (t4 - t3));

    /* ---- 2: transaction roots of 300-transaction blocks ---- */
    size_t ntx = 300, reps = (size_t)(200 * (scale < 1 ? 1 : scale));
    uint8_t *txs = malloc(ntx * 160);
    zg_trie_bytes *items = malloc(ntx * sizeof *items);
    for (size_t i = 0; i < ntx * 160; i++) txs[i] = (uint8_t)rnd();
    for (size_t i = 0; i < ntx; i++) items[i] = (zg_trie_bytes){txs + 160 * i, 100 + i % 60};
    t0 = now();
    for (size_t r = 0; r < reps; r++)
        if ((rc = zg_trie_list_root(items, ntx, r1))) die("list_root", rc);
    t1 = now();
    for (size_t r = 0; r < reps; r++) {
        zg_trie_open(&t, NULL, NULL, NULL, 0);
        for (size_t i = 0; i < ntx; i++) {
            uint8_t k[3];
            size_t kl;
            if (i == 0) {
                k[0] = 0x80;
                kl = 1;
            } else if (i < 128) {
                k[0] = (uint8_t)i;
                kl = 1;
            } else if (i < 256) {
                k[0] = 0x81;
                k[1] = (uint8_t)i;
                kl = 2;
            } else {
                k[0] = 0x82;
                k[1] = (uint8_t)(i >> 8);
                k[2] = (uint8_t)i;
                kl = 3;
            }
            zg_trie_put(t, k, kl, items[i].data, items[i].len);
        }
        zg_trie_root(t, r2);
        zg_trie_free(t);
    }
    t2 = now();
    if (memcmp(r1, r2, 32)) die("list root comparison", -1);
    printf("transactions root, %zu txs of 100-160 bytes:\n", ntx);
    printf("  zg_trie_list_root: %.1f us/block\n", (t1 - t0) / reps * 1e6);
    printf("  in-memory trie:    %.1f us/block\n", (t2 - t1) / reps * 1e6);
    printf("  ratio trie/list_root: %.2f\n", (t2 - t1) / (t1 - t0));

    /* ---- 3: block commits over a kv store ---- */
    zg_kv_db *db = mkv_new();
    uint8_t root[32];
    zg_trie_open(&t, &mkv_iface, db, NULL, ZG_TRIE_SECURE);
    for (size_t i = 0; i < S; i++) zg_trie_put(t, keys[i % N], 20, vals[i % N], 70);
    t0 = now();
    if ((rc = zg_trie_commit(t, 0, root))) die("commit", rc);
    t1 = now();
    printf("block commits, state of %zu accounts (initial commit %.0f ms, %zu nodes):\n", S,
           (t1 - t0) * 1e3, db->count);
    static const char *const modes[] = {"kept open (warm)          ",
                                        "kept open, 8 MiB cache    ",
                                        "reopened per block (cold) "};
    for (int mode = 0; mode < 3; mode++) {
        uint64_t save = rs;
        if (mode == 1) zg_trie_set_cache_limit(t, 8u << 20);
        size_t gets0 = db->gets, puts0 = db->batch_puts;
        double upd = 0, hsh = 0, com = 0;
        for (size_t b = 0; b < blocks; b++) {
            if (mode == 2) { /* cold: a fresh trie per block */
                zg_trie_free(t);
                zg_trie_open(&t, &mkv_iface, db, root, ZG_TRIE_SECURE);
            }
            t0 = now();
            for (size_t u = 0; u < U; u++) {
                uint8_t v[70];
                size_t ki = (size_t)(rnd() % N);
                account(v, rnd());
                if ((rc = zg_trie_put(t, keys[ki], 20, v, 70))) die("put", rc);
            }
            t1 = now();
            if ((rc = zg_trie_root(t, root))) die("root", rc);
            t2 = now();
            if ((rc = zg_trie_commit(t, 0, root))) die("commit", rc);
            t3 = now();
            upd += t1 - t0;
            hsh += t2 - t1;
            com += t3 - t2;
        }
        printf("  %s: per block of %zu updates: updates %.2f ms, root %.2f ms, "
               "commit %.2f ms (kv batch of %.0f nodes), %.0f node reads, %.1f MiB\n",
               modes[mode], U,
               upd / blocks * 1e3, hsh / blocks * 1e3, com / blocks * 1e3,
               (double)(db->batch_puts - puts0) / blocks, (double)(db->gets - gets0) / blocks,
               zg_trie_mem(t) / 1048576.0);
        rs = save + 1;
    }

    /* ---- 4: proofs ---- */
    size_t np = 20000;
    zg_trie_proof p;
    double gen = 0, ver = 0;
    size_t nodes = 0;
    for (size_t i = 0; i < np; i++) {
        const uint8_t *v;
        size_t vl;
        const uint8_t *k = keys[rnd() % N];
        t0 = now();
        if ((rc = zg_trie_prove(t, k, 20, &p))) die("prove", rc);
        t1 = now();
        rc = zg_trie_verify_proof(root, k, 20, ZG_TRIE_SECURE, p.nodes, p.n, &v, &vl);
        t2 = now();
        if (rc != ZG_OK && rc != ZG_ENOTFOUND) die("verify", rc);
        nodes += p.n;
        gen += t1 - t0;
        ver += t2 - t1;
        zg_trie_proof_free(&p);
    }
    printf("proofs (%.1f nodes each): generate %.1f us, verify %.1f us\n", (double)nodes / np,
           gen / np * 1e6, ver / np * 1e6);
    zg_trie_free(t);
    mkv_close(db);
    free(keys);
    free(vals);
    free(kb);
    free(vb);
    free(txs);
    free(items);
    return 0;
}
