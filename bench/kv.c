/* bench/kv.c — cost of the kv plugin ABI: the leveldb plugin (dlopen'd
 * zg-kv-leveldb.so, called through zg_kv_iface) against LevelDB's C API
 * called directly, with the same options, keys and values, in one run.
 *
 * usage: bench/kv [N]   (N keys, default 1000000; env ZG_PLUGIN_PATH)
 *
 * Workload: N random 32-byte keys, 100-byte values.
 *   fill   N unsynced puts in random key order into an empty database
 *   get    N point reads of existing keys in another random order (twice:
 *          get2 is the second pass)
 *   batch  N puts overwriting every key, in batches of 100
 * Phases run in chunks of 10000 operations alternating the two sides (see
 * phase()); both databases are compacted offline between fill and get.  Prints ops/s and the ratio plugin/direct (goal >= 0.9). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <leveldb/c.h>

#include "../tests/kv_host.h"

#define KLEN 32
#define VLEN 100
#define BATCH 100
#define VBUF (1u << 20)

/* identical settings on both sides (they are also the plugin's defaults) */
#define CACHE_MB 64
#define WBUF_MB 16
#define MAX_OPEN 1000
#define BLOOM 10
#define BLOCK_KB 4
#define FILE_MB 2

static size_t N;
static unsigned char *keys;
static unsigned char *vbuf;
static uint32_t *get_order;

static uint64_t rs = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void)
{
    uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline const unsigned char *key(size_t i)
{
    return keys + i * KLEN;
}
static inline const unsigned char *val(size_t i, unsigned round)
{
    return vbuf + ((i * 131 + round * 7919) % (VBUF - VLEN));
}

/* ------------------------------------------------------------ the two sides */

typedef struct side {
    const char *name;
    /* plugin */
    const zg_kv_iface *kv;
    zg_kv_db *db;
    /* direct */
    leveldb_t *ldb;
    leveldb_options_t *opts;
    leveldb_cache_t *cache;
    leveldb_filterpolicy_t *filter;
    leveldb_readoptions_t *ro;
    leveldb_writeoptions_t *wo;
} side;

/* Each phase runs in chunks, alternating plugin and direct (and which of
 * them goes first), so both see the same background compaction debt (one
 * LevelDB background thread serves both) and the same machine noise. */
#define CHUNK 10000

static int fill(side *s, size_t from, size_t to)
{
    int errs = 0;
    for (size_t i = from; i < to; i++) {
        if (s->kv) {
            errs += s->kv->put(s->db, key(i), KLEN, val(i, 0), VLEN, 0) != ZG_OK;
        } else {
            char *err = NULL;
            leveldb_put(s->ldb, s->wo, (const char *)key(i), KLEN, (const char *)val(i, 0), VLEN, &err);
            if (err) {
                errs++;
                leveldb_free(err);
            }
        }
    }
    return errs;
}

static size_t gets(side *s, size_t from, size_t to)
{
    size_t found = 0;
    for (size_t j = from; j < to; j++) {
        size_t i = get_order[j];
        if (s->kv) {
            void *v;
            size_t vl;
            if (s->kv->get(s->db, NULL, key(i), KLEN, &v, &vl) == ZG_OK) {
                found += vl == VLEN;
                s->kv->free_value(s->db, v);
            }
        } else {
            char *err = NULL;
            size_t vl;
            char *v = leveldb_get(s->ldb, s->ro, (const char *)key(i), KLEN, &vl, &err);
            if (err) leveldb_free(err);
            if (v) {
                found += vl == VLEN;
                leveldb_free(v);
            }
        }
    }
    return found;
}

static int batches(side *s, size_t from, size_t to, unsigned round)
{
    int errs = 0;
    if (s->kv) {
        zg_kv_batch *b = s->kv->batch_new(s->db);
        for (size_t i = from; i < to; i += BATCH) {
            s->kv->batch_clear(b);
            for (size_t j = i; j < i + BATCH && j < to; j++) s->kv->batch_put(b, key(j), KLEN, val(j, round), VLEN);
            errs += s->kv->batch_write(s->db, b, 0) != ZG_OK;
        }
        s->kv->batch_free(b);
    } else {
        leveldb_writebatch_t *b = leveldb_writebatch_create();
        for (size_t i = from; i < to; i += BATCH) {
            leveldb_writebatch_clear(b);
            for (size_t j = i; j < i + BATCH && j < to; j++)
                leveldb_writebatch_put(b, (const char *)key(j), KLEN, (const char *)val(j, round), VLEN);
            char *err = NULL;
            leveldb_write(s->ldb, s->wo, b, &err);
            if (err) {
                errs++;
                leveldb_free(err);
            }
        }
        leveldb_writebatch_destroy(b);
    }
    return errs;
}

enum { PH_FILL, PH_GET, PH_BATCH };

/* Run one phase over all N items for both sides; ops/s into rate[0] (plugin), rate[1] (direct). */
static int phase(int ph, side *sides[2], double rate[2], size_t found[2], unsigned round)
{
    double spent[2] = {0, 0};
    int errs = 0;
    for (size_t c = 0, k = 0; c < N; c += CHUNK, k++) {
        size_t to = c + CHUNK < N ? c + CHUNK : N;
        for (int o = 0; o < 2; o++) {
            int w = (int)((k + o) & 1); /* alternate who goes first */
            double t = now();
            if (ph == PH_FILL)
                errs += fill(sides[w], c, to);
            else if (ph == PH_GET)
                found[w] += gets(sides[w], c, to);
            else
                errs += batches(sides[w], c, to, round);
            spent[w] += now() - t;
        }
    }
    rate[0] = N / spent[0];
    rate[1] = N / spent[1];
    return errs;
}

static void close_direct(side *d);

static int open_direct(side *d, const char *dir)
{
    d->opts = leveldb_options_create();
    d->cache = leveldb_cache_create_lru((size_t)CACHE_MB << 20);
    d->filter = leveldb_filterpolicy_create_bloom(BLOOM);
    leveldb_options_set_create_if_missing(d->opts, 1);
    leveldb_options_set_cache(d->opts, d->cache);
    leveldb_options_set_filter_policy(d->opts, d->filter);
    leveldb_options_set_write_buffer_size(d->opts, (size_t)WBUF_MB << 20);
    leveldb_options_set_max_open_files(d->opts, MAX_OPEN);
    leveldb_options_set_block_size(d->opts, (size_t)BLOCK_KB << 10);
    leveldb_options_set_max_file_size(d->opts, (size_t)FILE_MB << 20);
    leveldb_options_set_compression(d->opts, leveldb_snappy_compression);
    d->ro = leveldb_readoptions_create();
    d->wo = leveldb_writeoptions_create();
    char path[4300];
    snprintf(path, sizeof path, "%s/bench", dir);
    char *err = NULL;
    d->ldb = leveldb_open(d->opts, path, &err);
    if (err) {
        fprintf(stderr, "leveldb_open %s: %s\n", path, err);
        leveldb_free(err);
        return -1;
    }
    return 0;
}

/* Offline full compaction, so both sides read from equal LSM layouts
 * rather than from whatever their background compactions reached. */
static int compact_dir(const char *dir)
{
    side t = {0};
    if (open_direct(&t, dir) != 0) return -1;
    leveldb_compact_range(t.ldb, NULL, 0, NULL, 0);
    close_direct(&t);
    return 0;
}

static void close_direct(side *d)
{
    leveldb_close(d->ldb);
    leveldb_options_destroy(d->opts);
    leveldb_cache_destroy(d->cache);
    leveldb_filterpolicy_destroy(d->filter);
    leveldb_readoptions_destroy(d->ro);
    leveldb_writeoptions_destroy(d->wo);
}

static void report(const char *what, double p, double d)
{
    printf("%-6s plugin %10.0f ops/s   direct %10.0f ops/s   ratio %.3f%s\n", what, p, d, p / d,
           p / d >= 0.9 ? "" : "   (below 0.9)");
}

int main(int argc, char **argv)
{
    N = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    if (N < BATCH) N = BATCH;
    keys = malloc(N * KLEN);
    vbuf = malloc(VBUF);
    get_order = malloc(N * sizeof *get_order);
    for (size_t i = 0; i < N * KLEN; i += 8) {
        uint64_t r = rnd();
        memcpy(keys + i, &r, 8);
    }
    for (size_t i = 0; i < VBUF; i += 8) {
        uint64_t r = rnd() & 0x3f3f3f3f3f3f3f3full; /* compressible like real values, not trivially */
        memcpy(vbuf + i, &r, 8);
    }
    for (size_t i = 0; i < N; i++) get_order[i] = (uint32_t)i;
    for (size_t i = N - 1; i > 0; i--) {
        size_t j = rnd() % (i + 1);
        uint32_t t = get_order[i];
        get_order[i] = get_order[j];
        get_order[j] = t;
    }

    char *dir = kvh_tmpdir("bench-kv");
    if (!dir) return 1;
    char pdir[4100], ddir[4100];
    snprintf(pdir, sizeof pdir, "%s/plugin", dir);
    snprintf(ddir, sizeof ddir, "%s/direct", dir);

    kvh_plugin p;
    char err[512];
    kvh_set_log_level(ZG_LOG_WARN);
    if (kvh_load(&p, "leveldb", err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    kvh_cfg cfg[] = {
        {.key = "path", .type = 's', .s = pdir},
        {.key = "cache_mb", .type = 'i', .i = CACHE_MB},
        {.key = "write_buffer_mb", .type = 'i', .i = WBUF_MB},
        {.key = "max_open_files", .type = 'i', .i = MAX_OPEN},
        {.key = "bloom_bits", .type = 'i', .i = BLOOM},
        {.key = "block_size_kb", .type = 'i', .i = BLOCK_KB},
        {.key = "max_file_mb", .type = 'i', .i = FILE_MB},
        {.key = "compression", .type = 'b', .i = 1},
    };
    side P = {.name = "plugin"}, D = {.name = "direct"};
    if (kvh_init(&p, dir, "bench", cfg, sizeof cfg / sizeof cfg[0]) != 0 ||
        p.kv->open(p.state, "bench", &P.db) != ZG_OK) {
        fprintf(stderr, "plugin init/open failed\n");
        return 1;
    }
    P.kv = p.kv;
    if (mkdir(ddir, 0755) != 0) {
        perror(ddir);
        return 1;
    }
    if (open_direct(&D, ddir) != 0) return 1;

    printf("# kv bench: %zu random %d-byte keys, %d-byte values; leveldb %d.%d, "
           "cache %d MiB, write buffer %d MiB, bloom %d, snappy\n",
           N, KLEN, VLEN, leveldb_major_version(), leveldb_minor_version(), CACHE_MB, WBUF_MB, BLOOM);

    side *sides[2] = {&P, &D};
    double fr[2], gr[2], g2[2], br[2];
    size_t found[2] = {0, 0}, found2[2] = {0, 0};
    int errs = phase(PH_FILL, sides, fr, NULL, 0);
    /* compact both offline, then reopen: P through the plugin, D directly */
    p.kv->close(P.db);
    close_direct(&D);
    if (compact_dir(pdir) || compact_dir(ddir) || p.kv->open(p.state, "bench", &P.db) != ZG_OK ||
        open_direct(&D, ddir) != 0) {
        fprintf(stderr, "reopen after compaction failed\n");
        return 1;
    }
    phase(PH_GET, sides, gr, found, 0);
    phase(PH_GET, sides, g2, found2, 0); /* warm cache second pass */
    errs += phase(PH_BATCH, sides, br, NULL, 1);
    report("fill", fr[0], fr[1]);
    report("get", gr[0], gr[1]);
    report("get2", g2[0], g2[1]);
    report("batch", br[0], br[1]);
    if (errs || found[0] != N || found[1] != N || found2[0] != N || found2[1] != N) {
        printf("# ERROR: %d write errors; gets found %zu (plugin) and %zu (direct) of %zu\n", errs, found[0],
               found[1], N);
        return 1;
    }
    p.kv->close(P.db);
    kvh_unload(&p);
    close_direct(&D);
    kvh_rmtree(dir);
    free(dir);
    free(keys);
    free(vbuf);
    free(get_order);
    return 0;
}
