/* tests/fuzz/replay.c — runs a libFuzzer target without libFuzzer, so every
 * `make check` (and the --enable-sanitizers build) exercises each target.
 *
 * Without arguments it feeds LLVMFuzzerTestOneInput:
 *   1. every file of the seed corpus $ZG_ABS_SRCDIR/tests/fuzz/corpus/<target>/
 *      (a missing or empty corpus is a failure);
 *   2. deterministic pseudo-random inputs;
 *   3. deterministic mutations of the corpus files (bit flips, byte edits
 *      with boundary values, insertions, deletions, truncation, splicing);
 * each input copied into a buffer of exactly its size so ASan sees any
 * over-read.  It prints TAP lines; a failed FUZZ_CHECK or a sanitizer report
 * aborts the program, which the test runner counts as a failure.
 * With arguments (files or directories) it replays just those, e.g. a crash
 * file from a libFuzzer run:  ./tests/fuzz/replay_rlp crash-1234abcd
 * ZG_FUZZ_ITERATIONS=N changes the number of random and mutated inputs
 * (default 3000 each).
 *
 * Adding a target <name> (e.g. a transaction decoder), in your own .am:
 *   1. write tests/fuzz/fuzz_<name>.c: #include "fuzz.h", define
 *      int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size), decode
 *      and check invariants with FUZZ_CHECK (never abort on merely invalid
 *      input; return 0);
 *   2. commit a few small seed files in tests/fuzz/corpus/<name>/;
 *   3. the replay test, always built:
 *        check_PROGRAMS += tests/fuzz/replay_<name>
 *        ZG_TESTS += tests/fuzz/replay_<name>
 *        tests_fuzz_replay_<name>_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_<name>.c
 *        tests_fuzz_replay_<name>_CPPFLAGS = $(AM_CPPFLAGS) -DZG_FUZZ_TARGET='"<name>"'
 *        tests_fuzz_replay_<name>_CFLAGS = $(FUZZ_REPLAY_COMPILE_FLAGS)
 *        tests_fuzz_replay_<name>_LDADD = $(FUZZ_REPLAY_LIBS)
 *   4. the libFuzzer binary, inside `if FUZZING` ... `endif`:
 *        noinst_PROGRAMS += tests/fuzz/fuzz_<name>
 *        tests_fuzz_fuzz_<name>_SOURCES = tests/fuzz/fuzz_<name>.c
 *        tests_fuzz_fuzz_<name>_CFLAGS = $(FUZZ_COMPILE_FLAGS)
 *        tests_fuzz_fuzz_<name>_LDFLAGS = $(FUZZER_LINKFLAGS)
 *        tests_fuzz_fuzz_<name>_LDADD = $(FUZZ_LIBS)
 *      (FUZZ_LIBS is the support library rebuilt with coverage
 *      instrumentation; the variables are defined in sdk/lib/primitives.am).
 *      Run: CC=clang ../configure --enable-fuzzing --enable-sanitizers && make
 *           ./tests/fuzz/fuzz_<name> -max_total_time=60 ../tests/fuzz/corpus/<name>
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef ZG_FUZZ_TARGET
#error "compile with -DZG_FUZZ_TARGET='\"name\"'"
#endif

/* optional libFuzzer hook */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int ntests;

static void tap(int good, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tap(int good, const char *fmt, ...)
{
    va_list ap;
    printf("%sok %d - %s: ", good ? "" : "not ", ++ntests, ZG_FUZZ_TARGET);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static uint64_t rng = 0x6a09e667f3bcc908ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

/* run one input from an exactly-sized heap copy */
static void run(const uint8_t *data, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (n) memcpy(copy, data, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
}

typedef struct {
    uint8_t *data;
    size_t len;
} blob;

static int read_file(const char *path, blob *b)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 4096, len = 0, got;
    uint8_t *d = malloc(cap);
    while ((got = fread(d + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) d = realloc(d, cap *= 2);
    }
    fclose(f);
    b->data = d, b->len = len;
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* append the regular files of dir (sorted), or the file itself */
static int load(const char *path, blob **v, size_t *nv)
{
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) {
        *v = realloc(*v, (*nv + 1) * sizeof **v);
        return read_file(path, &(*v)[(*nv)++]);
    }
    DIR *d = opendir(path);
    if (!d) return -1;
    char **names = NULL;
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            names = realloc(names, (nn + 1) * sizeof *names);
            names[nn++] = strdup(e->d_name);
        }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_str);
    for (size_t i = 0; i < nn; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, names[i]);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            *v = realloc(*v, (*nv + 1) * sizeof **v);
            if (read_file(p, &(*v)[*nv]) == 0) (*nv)++;
        }
        free(names[i]);
    }
    free(names);
    return 0;
}

/* byte values that sit on encoding boundaries (RLP prefixes, hex syntax) */
static const uint8_t interesting[] = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xb7, 0xb8, 0xb9, 0xbf, 0xc0,
                                      0xc1, 0xf7, 0xf8, 0xf9, 0xff, '0',  'x',  'X',  'a',  'f',
                                      'F',  'g',  ' ',  '9',  '"',  '#',  '-'};

static size_t mutate(uint8_t *buf, size_t len, size_t cap, const blob *corpus, size_t ncorpus)
{
    for (int m = 1 + (int)(rnd() % 4); m > 0; m--) {
        size_t pos = len ? rnd() % len : 0;
        switch (rnd() % 8) {
        case 0: /* flip a bit */
            if (len) buf[pos] ^= (uint8_t)(1u << (rnd() % 8));
            break;
        case 1: /* random byte */
            if (len) buf[pos] = (uint8_t)rnd();
            break;
        case 2: /* boundary byte */
            if (len) buf[pos] = interesting[rnd() % sizeof interesting];
            break;
        case 3: /* insert a byte */
            if (len < cap) {
                memmove(buf + pos + 1, buf + pos, len - pos);
                buf[pos] = rnd() % 2 ? (uint8_t)rnd() : interesting[rnd() % sizeof interesting];
                len++;
            }
            break;
        case 4: /* delete a run */
            if (len) {
                size_t k = 1 + rnd() % (len - pos);
                memmove(buf + pos, buf + pos + k, len - pos - k);
                len -= k;
            }
            break;
        case 5: /* truncate */
            len = pos;
            break;
        case 6: { /* splice in part of another corpus entry */
            const blob *o = &corpus[rnd() % ncorpus];
            if (o->len) {
                size_t from = rnd() % o->len, k = 1 + rnd() % (o->len - from);
                if (k > cap - pos) k = cap - pos;
                memcpy(buf + pos, o->data + from, k);
                if (pos + k > len) len = pos + k;
            }
            break;
        }
        default: /* duplicate a chunk in place */
            if (len) {
                size_t k = 1 + rnd() % (len - pos);
                if (k > cap - len) k = cap - len;
                memmove(buf + pos + k, buf + pos, len - pos);
                len += k;
            }
            break;
        }
    }
    return len;
}

int main(int argc, char **argv)
{
    blob *corpus = NULL;
    size_t ncorpus = 0;

    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);

    if (argc > 1) { /* replay the given files / directories only */
        for (int i = 1; i < argc; i++) {
            size_t before = ncorpus;
            int rc = load(argv[i], &corpus, &ncorpus);
            for (size_t k = before; k < ncorpus; k++) run(corpus[k].data, corpus[k].len);
            tap(rc == 0, "replayed %s (%ld inputs)", argv[i], (long)(ncorpus - before));
        }
        printf("1..%d\n", ntests);
        return 0;
    }

    const char *src = getenv("ZG_ABS_SRCDIR");
    if (!src || !*src) src = getenv("ZG_SRCDIR");
    if (!src || !*src) src = "..";
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", src, ZG_FUZZ_TARGET);
    if (load(dir, &corpus, &ncorpus) != 0 || ncorpus == 0) {
        tap(0, "seed corpus %s missing or empty", dir);
        printf("1..%d\n", ntests);
        return 1;
    }
    for (size_t i = 0; i < ncorpus; i++) run(corpus[i].data, corpus[i].len);
    tap(1, "seed corpus %s: %ld files", dir, (long)ncorpus);

    long iters = 3000;
    const char *it = getenv("ZG_FUZZ_ITERATIONS");
    if (it && atol(it) > 0) iters = atol(it);

    enum { CAP = 4096 };
    uint8_t *buf = malloc(CAP);
    for (long i = 0; i < iters; i++) {
        size_t len = rnd() % 4 == 0 ? rnd() % CAP : rnd() % 64;
        for (size_t k = 0; k < len; k++)
            buf[k] = rnd() % 4 ? (uint8_t)rnd() : interesting[rnd() % sizeof interesting];
        run(buf, len);
    }
    tap(1, "%ld pseudo-random inputs", iters);

    for (long i = 0; i < iters; i++) {
        const blob *b = &corpus[rnd() % ncorpus];
        size_t len = b->len < CAP ? b->len : CAP;
        memcpy(buf, b->data, len);
        len = mutate(buf, len, CAP, corpus, ncorpus);
        run(buf, len);
    }
    tap(1, "%ld mutated corpus inputs", iters);
    free(buf);
    for (size_t i = 0; i < ncorpus; i++) free(corpus[i].data);
    free(corpus);
    printf("1..%d\n", ntests);
    return 0;
}
