/* bench/keccak: throughput of zg keccak-256 against OpenSSL's SHA3-256, in
 * the same run.  SHA3-256 uses the same Keccak-f[1600] permutation and rate
 * (136 bytes) and differs only in the padding byte, so OpenSSL's optimised
 * (assembly) SHA3 is the ceiling a keccak-256 implementation can be compared
 * with; OpenSSL 3.0 has no keccak-256 digest.
 *
 * Cases: one large buffer; single 32/64/256-byte messages (one-shot each);
 * batches of 64- and 256-byte inputs (merkle node pairs / 0G storage chunks)
 * through zg_keccak256_batch, with every implementation usable on this CPU.
 * OpenSSL hashes the same inputs one at a time with a reused EVP_MD_CTX
 * (its fastest path).  Each figure is the best of 5 timed runs, timed in
 * thread CPU time so that other load on a shared machine does not skew
 * either side (everything runs in this one thread).
 *
 * usage: bench/keccak [seconds-per-run, default 0.2] */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zg/keccak.h>

static double run_s = 0.2;
static volatile uint8_t sink;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef void (*work_fn)(void *arg);

/* MB/s (1e6 bytes) for bytes_per_call, best of 5 runs of >= run_s each */
static double measure(work_fn f, void *arg, double bytes_per_call)
{
    double best = 0;
    f(arg); /* warm up caches, page in buffers, resolve dispatch */
    for (int r = 0; r < 5; r++) {
        long calls = 0;
        double t0 = now(), t;
        do {
            f(arg);
            calls++;
        } while ((t = now() - t0) < run_s);
        double mbs = bytes_per_call * (double)calls / t / 1e6;
        if (mbs > best) best = mbs;
    }
    return best;
}

typedef struct {
    const uint8_t *in;
    size_t len, n;
    uint8_t *out;
    EVP_MD_CTX *ctx;
    const EVP_MD *md;
} job;

static void zg_each(void *a)
{
    job *j = a;
    for (size_t i = 0; i < j->n; i++) zg_keccak256(j->in + i * j->len, j->len, j->out + 32 * i);
    sink ^= j->out[0];
}

static void zg_batch(void *a)
{
    job *j = a;
    zg_keccak256_batch(j->in, j->len, j->n, j->out);
    sink ^= j->out[0];
}

static void ossl_each(void *a)
{
    job *j = a;
    unsigned int olen;
    for (size_t i = 0; i < j->n; i++) {
        EVP_DigestInit_ex2(j->ctx, j->md, NULL);
        EVP_DigestUpdate(j->ctx, j->in + i * j->len, j->len);
        EVP_DigestFinal_ex(j->ctx, j->out + 32 * i, &olen);
    }
    sink ^= j->out[0];
}

static void row(const char *what, double zg, double ossl)
{
    printf("%-34s %10.1f %10.1f %8.3fx\n", what, zg, ossl, zg / ossl);
}

int main(int argc, char **argv)
{
    if (argc > 1 && atof(argv[1]) > 0) run_s = atof(argv[1]);
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA3-256", NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!md || !ctx) {
        fprintf(stderr, "OpenSSL SHA3-256 unavailable\n");
        return 1;
    }
    const size_t big = 16 << 20, nmsg = 16384;
    uint8_t *buf = malloc(big), *out = malloc(32 * nmsg);
    for (size_t i = 0; i < big; i++) buf[i] = (uint8_t)(i * 131 + (i >> 9));
    memset(out, 0, 32 * nmsg);

    const char *best = zg_keccak_impl();
    printf("zg keccak-256 vs OpenSSL %s SHA3-256 (MB/s = 1e6 bytes/s, best of 5)\n",
           OpenSSL_version(OPENSSL_VERSION_STRING));
    printf("implementations usable here:");
    for (int i = 0; zg_keccak_impl_name(i); i++) printf(" %s", zg_keccak_impl_name(i));
    printf(" (automatic: %s)\n\n", best);
    printf("%-34s %10s %10s %9s\n", "case", "zg MB/s", "ossl MB/s", "zg/ossl");

    job j = {.in = buf, .out = out, .ctx = ctx, .md = md};

    /* one-shot hashing runs the scalar permutation: compare its builds
     * (avx2/avx512 levels use the bmi2 one for single messages) */
    const char *scalar[2];
    int nscalar = 0;
    for (int i = 0; zg_keccak_impl_name(i); i++) {
        const char *im = zg_keccak_impl_name(i);
        if (strcmp(im, "bmi2") == 0 || strcmp(im, "portable") == 0) scalar[nscalar++] = im;
    }
    char name[64];

    /* single large buffer */
    j.len = big, j.n = 1;
    double o_big = measure(ossl_each, &j, (double)big);
    for (int i = 0; i < nscalar; i++) {
        zg_keccak_select(scalar[i]);
        snprintf(name, sizeof name, "16 MiB buffer [%s]", scalar[i]);
        row(name, measure(zg_each, &j, (double)big), o_big);
    }

    /* single short messages, one-shot each */
    static const size_t sizes[] = {32, 64, 256};
    for (size_t s = 0; s < 3; s++) {
        j.len = sizes[s], j.n = nmsg;
        double o = measure(ossl_each, &j, (double)(sizes[s] * nmsg));
        for (int i = 0; i < nscalar; i++) {
            zg_keccak_select(scalar[i]);
            snprintf(name, sizeof name, "single %zu-byte messages [%s]", sizes[s], scalar[i]);
            row(name, measure(zg_each, &j, (double)(sizes[s] * nmsg)), o);
        }
    }

    /* batches */
    static const size_t bsizes[] = {64, 256};
    for (size_t s = 0; s < 2; s++) {
        j.len = bsizes[s], j.n = nmsg;
        double o = measure(ossl_each, &j, (double)(bsizes[s] * nmsg));
        for (int i = 0; zg_keccak_impl_name(i); i++) {
            const char *im = zg_keccak_impl_name(i);
            zg_keccak_select(im);
            snprintf(name, sizeof name, "batch %zu x %zu B [%s]", nmsg, bsizes[s], im);
            row(name, measure(zg_batch, &j, (double)(bsizes[s] * nmsg)), o);
        }
    }
    zg_keccak_select(NULL);

    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    free(buf);
    free(out);
    return 0;
}
