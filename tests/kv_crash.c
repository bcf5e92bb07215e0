/* tests/kv_crash.c — crash safety of the persistent kv backends.
 *
 * usage: kv_crash [BACKEND...]   (default: leveldb, and rocksdb when built)
 *
 * Each round starts a child (this program re-executed with --child) that
 * commits synced batches to database "crash" in a loop and, after each
 * write returns, reports the batch number to the parent through a pipe.  The
 * parent kills it with SIGKILL at a random moment (sometimes while it is
 * still opening or recovering the database), reopens the database itself and
 * checks that:
 *   - every acknowledged batch is there (and every batch recovered by an
 *     earlier round), and at most the one batch in flight beyond the last
 *     acknowledgement;
 *   - no batch is half applied: the SLOTS keys every batch rewrites all carry
 *     the same batch number, and each kept batch has all its own keys;
 *   - every value's checksum is intact.
 * The next round's child continues from what it finds.  ZG_TEST_SEED replays.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kv_host.h"
#include "tap.h"

#define SLOTS 4 /* keys every batch rewrites */
#define KEEP 8  /* batches whose own keys stay; older ones are deleted */
#define MAX_PAYLOAD 12000

static const kvh_cfg crash_cfg[] = {
    /* a small memtable so kills also land in flushes and compactions */
    {.key = "write_buffer_mb", .type = 'i', .i = 1},
    {.key = "cache_mb", .type = 'i', .i = 4},
};

static uint64_t mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t fnv(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static void put_be(unsigned char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8) p[i] = (unsigned char)v;
}

static uint64_t get_be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

/* value(batch, index): batch(8) index(4) len(4) payload(len) fnv(8) */
static size_t make_value(unsigned char *out, uint64_t batch, unsigned idx)
{
    size_t len = (size_t)(mix(batch * 64 + idx) % MAX_PAYLOAD);
    put_be(out, batch, 8);
    put_be(out + 8, idx, 4);
    put_be(out + 12, len, 4);
    for (size_t i = 0; i < len; i++) out[16 + i] = (unsigned char)mix(batch * 1000003u + idx * 7919u + i);
    put_be(out + 16 + len, fnv(out, 16 + len), 8);
    return 24 + len;
}

/* batch number of a well-formed value with index idx, or 0 */
static uint64_t check_value(const unsigned char *v, size_t n, unsigned idx)
{
    if (n < 24) return 0;
    uint64_t len = get_be(v + 12, 4);
    if (len != n - 24 || get_be(v + 8, 4) != idx) return 0;
    if (get_be(v + 16 + len, 8) != fnv(v, 16 + len)) return 0;
    unsigned char want[24 + MAX_PAYLOAD];
    uint64_t b = get_be(v, 8);
    if (make_value(want, b, idx) != n || memcmp(want, v, n)) return 0;
    return b;
}

/* ------------------------------------------------------------ child */

static int child_main(const char *backend, const char *dir, int fd)
{
    kvh_plugin p;
    char err[512];
    kvh_set_log_level(ZG_LOG_WARN);
    if (kvh_load(&p, backend, err, sizeof err) != 0) {
        fprintf(stderr, "# child: %s\n", err);
        return 2;
    }
    zg_kv_db *db = NULL;
    if (kvh_init(&p, dir, backend, crash_cfg, 2) != 0 || p.kv->open(p.state, "crash", &db) != ZG_OK) {
        fprintf(stderr, "# child: cannot open the database\n");
        return 2;
    }
    const zg_kv_iface *K = p.kv;
    uint64_t next = 1;
    void *v;
    size_t vl;
    if (K->get(db, NULL, "slot-0", 6, &v, &vl) == ZG_OK) {
        next = check_value(v, vl, 0) + 1;
        K->free_value(db, v);
    }
    unsigned char *buf = malloc(24 + MAX_PAYLOAD);
    zg_kv_batch *b = K->batch_new(db);
    time_t start = time(NULL);
    for (;; next++) {
        char k[40];
        K->batch_clear(b);
        for (unsigned i = 0; i < SLOTS; i++) {
            snprintf(k, sizeof k, "slot-%u", i);
            K->batch_put(b, k, strlen(k), buf, make_value(buf, next, i));
            snprintf(k, sizeof k, "b-%012llu-%u", (unsigned long long)next, i);
            K->batch_put(b, k, strlen(k), buf, make_value(buf, next, SLOTS + i));
            if (next > KEEP) {
                snprintf(k, sizeof k, "b-%012llu-%u", (unsigned long long)(next - KEEP), i);
                K->batch_del(b, k, strlen(k));
            }
        }
        if (K->batch_write(db, b, ZG_KV_SYNC) != ZG_OK) {
            fprintf(stderr, "# child: batch %llu failed\n", (unsigned long long)next);
            return 3;
        }
        unsigned char ack[8];
        put_be(ack, next, 8);
        if (write(fd, ack, 8) != 8) return 0; /* parent gone */
        if (time(NULL) - start > 60) return 4; /* never killed: give up */
    }
}

/* ------------------------------------------------------------ parent */

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read acks until the deadline or EOF; returns 0 on EOF. */
static int read_acks(int fd, long deadline, uint64_t *last, unsigned *count)
{
    static unsigned char pend[8];
    static size_t npend;
    for (;;) {
        long wait = deadline < 0 ? -1 : deadline - now_ms();
        if (deadline >= 0 && wait <= 0) return 1;
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        int r = poll(&pf, 1, (int)wait);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return 1;
        unsigned char buf[512];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            npend = 0;
            return 0;
        }
        for (ssize_t i = 0; i < n; i++) {
            pend[npend++] = buf[i];
            if (npend == 8) {
                *last = get_be(pend, 8);
                (*count)++;
                npend = 0;
            }
        }
    }
}

/* Reopen and check; returns the recovered batch number or -1 (diagnosed). */
static long long verify(kvh_plugin *p, const char *dir, const char *backend)
{
    zg_kv_db *db = NULL;
    if (kvh_init(p, dir, backend, crash_cfg, 2) != 0 || p->kv->open(p->state, "crash", &db) != ZG_OK) {
        diag("%s: cannot reopen the database after the kill", backend);
        if (p->state) kvh_fini(p);
        return -1;
    }
    const zg_kv_iface *K = p->kv;
    long long m = -1, bad = 0;
    for (unsigned i = 0; i < SLOTS; i++) {
        char k[16];
        void *v;
        size_t vl;
        snprintf(k, sizeof k, "slot-%u", i);
        int rc = K->get(db, NULL, k, strlen(k), &v, &vl);
        long long b = 0;
        if (rc == ZG_OK) {
            b = (long long)check_value(v, vl, i);
            K->free_value(db, v);
            if (!b) {
                diag("%s: %s has a damaged value", backend, k);
                bad++;
            }
        } else if (rc != ZG_ENOTFOUND) {
            diag("%s: get %s failed: %d", backend, k, rc);
            bad++;
        }
        if (m < 0) m = b;
        if (b != m) {
            diag("%s: half-applied batch: slot-0 is batch %lld, %s is batch %lld", backend, m, k, b);
            bad++;
        }
    }
    /* the kept batches' own keys: each complete, none beyond m */
    long long first = m > KEEP ? m - KEEP + 1 : 1;
    long long count = 0;
    zg_kv_iter *it = K->iter_new(db, NULL, "b-", 2, "b.", 2);
    for (K->iter_seek_first(it); K->iter_valid(it); K->iter_next(it)) {
        size_t kl, vl;
        const char *k = K->iter_key(it, &kl);
        const unsigned char *v = K->iter_value(it, &vl);
        char ks[64];
        unsigned long long kb;
        unsigned ki;
        snprintf(ks, sizeof ks, "%.*s", (int)(kl < 63 ? kl : 63), k);
        if (sscanf(ks, "b-%12llu-%u", &kb, &ki) != 2 || ki >= SLOTS ||
            check_value(v, vl, SLOTS + ki) != kb || (long long)kb < first || (long long)kb > m) {
            if (bad++ < 5) diag("%s: unexpected or damaged key %s (recovered batch %lld)", backend, ks, m);
            continue;
        }
        count++;
    }
    if (K->iter_status(it) != ZG_OK) {
        diag("%s: iteration failed", backend);
        bad++;
    }
    K->iter_free(it);
    long long want = m > 0 ? (m - first + 1) * SLOTS : 0;
    if (count != want) {
        diag("%s: %lld batch keys for batches %lld..%lld, want %lld", backend, count, first, m, want);
        bad++;
    }
    K->close(db);
    kvh_fini(p);
    return bad ? -1 : m;
}

static void run_backend(const char *self, const char *backend, int rounds)
{
    kvh_plugin p;
    char err[512];
    if (kvh_load(&p, backend, err, sizeof err) != 0) {
        ok(0, "%s: load plugin: %s", backend, err);
        return;
    }
    char *dir = kvh_tmpdir("crash");
    if (!dir) {
        ok(0, "%s: temp dir", backend);
        return;
    }
    uint64_t acked = 0; /* highest batch ever acknowledged */
    uint64_t prev = 0;  /* batch recovered by the previous round: the child went on from prev + 1 */
    long t0 = now_ms();
    int fails = 0;
    for (int r = 1; r <= rounds; r++) {
        int fds[2];
        if (pipe(fds) != 0) {
            ok(0, "%s: pipe", backend);
            break;
        }
        char fdarg[16];
        snprintf(fdarg, sizeof fdarg, "%d", fds[1]);
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            execl(self, self, "--child", backend, dir, fdarg, (char *)NULL);
            _exit(127);
        }
        close(fds[1]);
        uint64_t last = 0;
        unsigned count = 0;
        int early = rand() % 4 == 0; /* a quarter of the kills hit open/recovery */
        int alive = 1;
        if (early) {
            alive = read_acks(fds[0], now_ms() + rand() % 40, &last, &count);
        } else {
            /* wait for the first ack (the child is writing), then a while more */
            long limit = now_ms() + 20000;
            while (alive && count == 0 && now_ms() < limit) alive = read_acks(fds[0], now_ms() + 50, &last, &count);
            if (alive) alive = read_acks(fds[0], now_ms() + rand() % 150, &last, &count);
        }
        kill(pid, SIGKILL);
        read_acks(fds[0], -1, &last, &count); /* drain until EOF */
        close(fds[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        int killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        if (!killed) {
            ok(0, "%s round %d: child ended by itself (status %d) before the kill", backend, r, status);
            fails++;
            break;
        }
        if (count && last > acked) acked = last;
        long long m = verify(&p, dir, backend);
        /* nothing acknowledged or recovered before is lost, and at most the
         * one batch in flight at the kill was applied beyond the last ack */
        uint64_t hi = (count ? last : prev) + 1;
        int good = m >= 0 && (uint64_t)m >= acked && (uint64_t)m >= prev && (uint64_t)m <= hi;
        if (!good && m >= 0)
            diag("%s: recovered batch %lld; acknowledged %llu, previously recovered %llu, at most %llu possible",
                 backend, m, (unsigned long long)acked, (unsigned long long)prev, (unsigned long long)hi);
        if (m >= 0) prev = (uint64_t)m;
        ok(good, "%s round %d: killed %s after %u acks; recovered batch %lld %s (acked %llu)", backend, r,
           early && !count ? "early" : "mid-write", count, m, m >= 0 ? "intact" : "DAMAGED",
           (unsigned long long)acked);
        if (!good && ++fails >= 3) break;
    }
    ok(acked > 0, "%s: the children committed batches (%llu in %.1f s)", backend, (unsigned long long)acked,
       (now_ms() - t0) / 1000.0);
    kvh_unload(&p);
    if (!fails) kvh_rmtree(dir);
    else diag("kept %s for inspection", dir);
    free(dir);
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "--child")) return child_main(argv[2], argv[3], atoi(argv[4]));
    signal(SIGPIPE, SIG_IGN);
    uint64_t seed = kvh_seed();
    srand((unsigned)(seed ^ (seed >> 32)));
    printf("# seed %llu (set ZG_TEST_SEED to replay the kill schedule)\n", (unsigned long long)seed);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        ok(0, "readlink /proc/self/exe");
        return tap_done();
    }
    self[n] = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++) run_backend(self, argv[i], 20);
    } else {
        run_backend(self, "leveldb", 20);
        if (kvh_plugin_exists("rocksdb"))
            run_backend(self, "rocksdb", 20);
        else
            printf("# rocksdb plugin not built: not run\n");
    }
    return tap_done();
}
