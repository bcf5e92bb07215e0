/* bench/gpu: throughput of the gpu backends (cpu = ISA-L + libzgsupport
 * keccak on a worker pool; vulkan = compute shaders), in one run:
 *
 *   - ceiling: host memcpy bandwidth, and each device's own buffer-to-buffer
 *     copy (its memory bandwidth as the kernels see it);
 *   - rs_encode GB/s of data input for (k,m) = (10,4) and (32,8) at 1, 16 and
 *     256 MiB, on device-resident buffers, plus the same with the host
 *     transfers (upload data, download parity) for the largest size;
 *   - keccak256_batch MB/s over 256-byte inputs (0G storage sectors) and
 *     merkle_level MB/s (64-byte node pairs).
 *
 * Each figure is the mean over as many runs as fit in --seconds (at least
 * one, after one warm-up run).  Ratios compare with host memcpy measured in
 * this run.
 *
 * usage: bench/gpu [--max-mib N] [--backend NAME]... [--seconds S]
 *                  [--plugin-path DIRS] [--config JSON]
 * From the build tree: ZG_PLUGIN_PATH=$PWD/.plugins bench/gpu --max-mib 16 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zg/gpu.h>

#include "../tools/minihost.h"

static double run_s = 0.5;
static double host_bw; /* host memcpy GB/s */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void fill(uint8_t *p, size_t n)
{
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        p[i] = (uint8_t)s;
    }
}

typedef struct bdev {
    const char *backend;
    char name[64];
    const zg_gpu_iface *g;
    zg_gpu_dev *d;
} bdev;

typedef int (*step_fn)(bdev *d, void *arg);

/* seconds per call of f: one warm-up, then calls until run_s has passed */
static double timed(bdev *d, step_fn f, void *arg, int *iters)
{
    if (f(d, arg)) return -1;
    int n = 0;
    double t0 = now(), t;
    do {
        if (f(d, arg)) return -1;
        n++;
        t = now() - t0;
    } while (t < run_s);
    *iters = n;
    return t / n;
}

static int submit_wait(bdev *d, uint32_t op, const void *args)
{
    zg_gpu_fence *f = NULL;
    int rc = d->g->submit(d->d, op, args, &f);
    if (rc) return rc;
    rc = d->g->fence_wait(f, -1);
    d->g->fence_free(f);
    return rc;
}

static void row(const bdev *d, const char *what, const char *size, double rate, const char *unit, double vs,
                int iters)
{
    printf("%-8s %-22.22s %-24s %9s %10.2f %-4s", d ? d->backend : "host", d ? d->name : "memcpy", what, size, rate,
           unit);
    if (vs > 0)
        printf(" %7.2fx", vs);
    else
        printf(" %8s", "");
    printf(" %6d\n", iters);
    fflush(stdout);
}

/* ---- host memcpy ---- */
static void bench_memcpy(size_t mib)
{
    size_t n = mib << 20;
    uint8_t *a = malloc(n), *b = malloc(n);
    if (!a || !b) {
        free(a), free(b);
        return;
    }
    fill(a, n);
    memcpy(b, a, n);
    int iters = 0;
    double t0 = now(), t;
    do {
        memcpy(iters & 1 ? a : b, iters & 1 ? b : a, n);
        iters++;
        t = now() - t0;
    } while (t < run_s);
    host_bw = (double)n * iters / t / 1e9;
    char sz[32];
    snprintf(sz, sizeof sz, "%zu MiB", mib);
    row(NULL, "memcpy (1 thread)", sz, host_bw, "GB/s", 1.0, iters);
    free(a);
    free(b);
}

/* ---- device copy ---- */
typedef struct copy_arg {
    zg_gpu_copy_args a;
} copy_arg;
static int step_copy(bdev *d, void *arg) { return submit_wait(d, ZG_GPU_OP_COPY, &((copy_arg *)arg)->a); }

static void bench_dev_copy(bdev *d, size_t mib)
{
    uint64_t n = (uint64_t)mib << 20;
    zg_gpu_buf *a = NULL, *b = NULL;
    if (d->g->buf_alloc(d->d, n, ZG_GPU_BUF_DEVICE, &a) || d->g->buf_alloc(d->d, n, ZG_GPU_BUF_DEVICE, &b)) {
        printf("%-8s %-22.22s copy: cannot allocate 2 x %zu MiB\n", d->backend, d->name, mib);
    } else {
        copy_arg c = {{.struct_size = sizeof c.a, .src = a, .dst = b, .len = n}};
        int iters = 0;
        double s = timed(d, step_copy, &c, &iters);
        char sz[32];
        snprintf(sz, sizeof sz, "%zu MiB", mib);
        if (s > 0) row(d, "device copy", sz, (double)n / s / 1e9, "GB/s", (double)n / s / 1e9 / host_bw, iters);
    }
    if (a) d->g->buf_free(a);
    if (b) d->g->buf_free(b);
}

/* ---- rs_encode ---- */
typedef struct rs_arg {
    zg_gpu_rs_encode_args a;
    zg_gpu_buf *buf;
    uint8_t *host; /* data + parity image for the transfer variant */
    int transfers;
} rs_arg;

static int step_rs(bdev *d, void *arg)
{
    rs_arg *r = arg;
    uint64_t data = (uint64_t)r->a.k * r->a.shard_len, par = (uint64_t)r->a.m * r->a.shard_len;
    if (r->transfers && d->g->upload(r->buf, 0, r->host, data)) return -1;
    int rc = submit_wait(d, ZG_GPU_OP_RS_ENCODE, &r->a);
    if (!rc && r->transfers) rc = d->g->download(r->buf, data, r->host + data, par);
    return rc;
}

static void bench_rs(bdev *d, unsigned k, unsigned m, size_t mib, int transfers)
{
    uint64_t sl = ((uint64_t)mib << 20) / k / 64 * 64, data = sl * k, total = sl * (k + m);
    rs_arg r = {.a = {.struct_size = sizeof r.a, .k = k, .m = m, .shard_len = sl, .parity_off = data},
                .transfers = transfers};
    char what[64], sz[32];
    snprintf(what, sizeof what, "rs_encode %u+%u%s", k, m, transfers ? " +xfer" : "");
    snprintf(sz, sizeof sz, "%zu MiB", mib);
    r.host = malloc(total);
    if (!r.host || d->g->buf_alloc(d->d, total, ZG_GPU_BUF_DEVICE, &r.buf)) {
        printf("%-8s %-22.22s %-24s %9s cannot allocate %llu MiB\n", d->backend, d->name, what, sz,
               (unsigned long long)(total >> 20));
        free(r.host);
        return;
    }
    fill(r.host, data);
    r.a.data = r.a.parity = r.buf;
    int iters = 0;
    double s = d->g->upload(r.buf, 0, r.host, data) ? -1 : timed(d, step_rs, &r, &iters);
    if (s > 0)
        row(d, what, sz, (double)data / s / 1e9, "GB/s", (double)data / s / 1e9 / host_bw, iters);
    else
        printf("%-8s %-22.22s %-24s %9s failed\n", d->backend, d->name, what, sz);
    d->g->buf_free(r.buf);
    free(r.host);
}

/* ---- keccak / merkle ---- */
typedef struct hash_arg {
    uint32_t op;
    const void *args;
} hash_arg;
static int step_hash(bdev *d, void *arg) { return submit_wait(d, ((hash_arg *)arg)->op, ((hash_arg *)arg)->args); }

static void bench_hash(bdev *d, size_t mib)
{
    uint64_t bytes = (uint64_t)mib << 20, n = bytes / 256;
    zg_gpu_buf *in = NULL, *out = NULL;
    uint8_t *tmp = malloc(bytes);
    char sz[32];
    snprintf(sz, sizeof sz, "%zu MiB", mib);
    if (!tmp || d->g->buf_alloc(d->d, bytes, ZG_GPU_BUF_DEVICE, &in) ||
        d->g->buf_alloc(d->d, bytes / 2, ZG_GPU_BUF_DEVICE, &out)) {
        printf("%-8s %-22.22s hash: cannot allocate %zu MiB\n", d->backend, d->name, mib);
        goto done;
    }
    fill(tmp, bytes);
    d->g->upload(in, 0, tmp, bytes);
    zg_gpu_keccak_args ka = {.struct_size = sizeof ka, .n = n, .len = 256, .in = in, .out = out};
    hash_arg h = {ZG_GPU_OP_KECCAK256_BATCH, &ka};
    int iters = 0;
    double s = timed(d, step_hash, &h, &iters);
    if (s > 0) row(d, "keccak256_batch 256 B", sz, (double)bytes / s / 1e6, "MB/s", 0, iters);
    zg_gpu_merkle_args ma = {.struct_size = sizeof ma, .n = bytes / 32, .in = in, .out = out};
    h = (hash_arg){ZG_GPU_OP_MERKLE_LEVEL, &ma};
    s = timed(d, step_hash, &h, &iters);
    if (s > 0) row(d, "merkle_level (64 B pairs)", sz, (double)bytes / s / 1e6, "MB/s", 0, iters);
done:
    if (in) d->g->buf_free(in);
    if (out) d->g->buf_free(out);
    free(tmp);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: bench/gpu [--max-mib N] [--backend NAME]... [--seconds S] [--plugin-path DIRS]\n"
               "                 [--config JSON]\n"
               "  --max-mib N      largest buffer size (default 256; the sizes are 1, 16, 256 MiB)\n"
               "  --backend NAME   zg-gpu-NAME.so, repeatable (default: cpu and vulkan when present)\n"
               "  --seconds S      timed seconds per figure (default 0.5)\n"
               "  --plugin-path D  plugin directories (default: $ZG_PLUGIN_PATH, then %s)\n"
               "  --config JSON    config object for the backends, e.g. '{\"device\": 1}'\n",
            ZG_PLUGINDIR);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"max-mib", required_argument, 0, 'm'},
                                         {"backend", required_argument, 0, 'b'},
                                         {"seconds", required_argument, 0, 's'},
                                         {"plugin-path", required_argument, 0, 'p'},
                                         {"config", required_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    size_t max_mib = 256;
    const char *backends[8] = {0}, *path = NULL, *cfgtext = NULL;
    int nb = 0, c;
    while ((c = getopt_long(argc, argv, "m:b:s:p:c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': max_mib = strtoul(optarg, NULL, 10); break;
        case 'b':
            if (nb < 8) backends[nb++] = optarg;
            break;
        case 's': run_s = atof(optarg); break;
        case 'p': path = optarg; break;
        case 'c': cfgtext = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (max_mib < 1 || run_s <= 0) {
        usage(stderr);
        return 2;
    }
    if (!nb) backends[nb++] = "cpu", backends[nb++] = "vulkan";
    if (!path) path = zg_mh_default_path();
    json_t *cfg = cfgtext ? json_loads(cfgtext, 0, NULL) : NULL;
    if (cfgtext && !json_is_object(cfg)) {
        fprintf(stderr, "bench/gpu: --config must be a JSON object\n");
        return 2;
    }

    static const size_t sizes[] = {1, 16, 256};
    static const unsigned km[][2] = {{10, 4}, {32, 8}};
    size_t top = 1;
    for (size_t i = 0; i < 3; i++)
        if (sizes[i] <= max_mib) top = sizes[i];
    printf("# bench/gpu: rs_encode rates are GB/s of data input (1e9 B/s); ratios vs host memcpy\n");
    printf("%-8s %-22s %-24s %9s %10s %-4s %8s %6s\n", "backend", "device", "what", "size", "rate", "", "vs cpy",
           "runs");
    bench_memcpy(top);

    zg_mh_plugin *pl[8] = {0};
    bdev devs[8];
    int nd = 0;
    for (int i = 0; i < nb; i++) {
        char file[128], full[4096], err[512];
        snprintf(file, sizeof file, "zg-gpu-%s.so", backends[i]);
        if (zg_mh_locate(path, file, full, sizeof full) != 0) {
            printf("# %s: not found in %s\n", file, path);
            continue;
        }
        if (zg_mh_load(full, NULL, cfg, ZG_KIND_GPU, &pl[i], err, sizeof err) != ZG_OK) {
            printf("# %s: %s\n", file, err);
            continue;
        }
        bdev *d = &devs[nd];
        memset(d, 0, sizeof *d);
        d->backend = backends[i];
        d->g = pl[i]->desc->iface;
        /* the best-ranked usable device (the plugins' default), unless the
         * config names one */
        static const int rank[] = {[ZG_GPU_DEV_DISCRETE] = 5, [ZG_GPU_DEV_INTEGRATED] = 4,
                                   [ZG_GPU_DEV_VIRTUAL] = 3, [ZG_GPU_DEV_CPU] = 2, [ZG_GPU_DEV_OTHER] = 1};
        zg_gpu_device_info info = {.struct_size = sizeof info}, best = {.struct_size = sizeof best};
        int pick = -1;
        for (int di = 0; di < d->g->device_count(pl[i]->state); di++)
            if (d->g->device_info(pl[i]->state, di, &info) == ZG_OK && (info.flags & ZG_GPU_DEVF_USABLE) &&
                info.type <= ZG_GPU_DEV_VIRTUAL && (pick < 0 || rank[info.type] > rank[best.type]))
                pick = di, best = info;
        if (cfg && json_object_get(cfg, "device")) pick = -1, snprintf(best.name, sizeof best.name, "(config)");
        if (d->g->open(pl[i]->state, pick, &d->d) != ZG_OK) {
            printf("# %s: no usable device\n", file);
            continue;
        }
        info = best;
        snprintf(d->name, sizeof d->name, "%s", info.name);
        nd++;
    }
    for (int i = 0; i < nd; i++) bench_dev_copy(&devs[i], top);
    for (size_t ki = 0; ki < 2; ki++)
        for (size_t si = 0; si < 3; si++) {
            if (sizes[si] > max_mib) continue;
            for (int i = 0; i < nd; i++) bench_rs(&devs[i], km[ki][0], km[ki][1], sizes[si], 0);
        }
    for (size_t ki = 0; ki < 2; ki++)
        for (int i = 0; i < nd; i++) bench_rs(&devs[i], km[ki][0], km[ki][1], top, 1);
    for (int i = 0; i < nd; i++) bench_hash(&devs[i], top < 64 ? top : 64);
    for (int i = 0; i < nd; i++) devs[i].g->close(devs[i].d);
    for (int i = 0; i < nb; i++)
        if (pl[i]) zg_mh_unload(pl[i]);
    json_decref(cfg);
    return 0;
}
