/* zg-gpuinfo — list the gpu backends (zg-gpu-*.so plugins) and their devices,
 * and self-test each usable device: Reed–Solomon encode and reconstruct,
 * keccak-256 batches and a merkle level, checked against CPU references (the
 * plain GF(2^8) definition, libzgsupport's keccak-256) and, for devices other
 * than the cpu backend, against the cpu backend's output. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zg/gpu.h>
#include <zg/keccak.h>

#include "gf256_ref.h"
#include "minihost.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zg-gpuinfo [OPTIONS]\n"
            "List the gpu backends found in the plugin path and their devices, then\n"
            "self-test every usable device (RS encode/reconstruct, keccak-256 batch,\n"
            "merkle level against CPU references and the cpu backend) and print\n"
            "PASS or FAIL for each and overall.\n"
            "\n"
            "  -p, --plugin-path DIRS  colon-separated plugin directories\n"
            "                          (default: $ZG_PLUGIN_PATH, then %s)\n"
            "  -b, --backend NAME      only zg-gpu-NAME.so (e.g. cpu, vulkan)\n"
            "  -c, --config JSON       config object for the backends, e.g. '{\"device\": 1}'\n"
            "  -n, --no-selftest       list only\n"
            "  -v, --verbose           log plugin messages (ZG_LOG_LEVEL=debug)\n"
            "  -h, --help              this text\n"
            "\n"
            "Exit status: 0 all self-tests passed, 1 a self-test failed, 2 bad usage,\n"
            "3 no gpu backend found or none could be loaded.\n",
            ZG_PLUGINDIR);
}

typedef struct backend {
    const char *name;
    const zg_gpu_iface *g;
    void *st;
    zg_gpu_dev *dev;
} backend;

static gf256_ref gf;
static uint64_t seed = 0x243f6a8885a308d3ull;

static void fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        p[i] = (uint8_t)seed;
    }
}

static int run(const backend *b, uint32_t op, const void *args)
{
    zg_gpu_fence *f = NULL;
    int rc = b->g->submit(b->dev, op, args, &f);
    if (rc) return rc;
    rc = b->g->fence_wait(f, -1);
    b->g->fence_free(f);
    return rc;
}

static int check(int cond, const char *what, int *fails)
{
    printf("      %-44s %s\n", what, cond ? "ok" : "FAILED");
    if (!cond) (*fails)++;
    return cond;
}

/* RS encode of k=10, m=4 and reconstruct after losing 2 data + 2 parity
 * shards; returns the parity in *parity_out (malloc'd) for comparison */
static void test_rs(const backend *b, const backend *cpu, int *fails)
{
    const unsigned k = 10, m = 4, n = k + m;
    const size_t len = 65536 + 5, stride = 65536 + 8, size = n * stride;
    uint8_t *img = calloc(1, size), *out = malloc(size), *ref = malloc(m * len);
    zg_gpu_buf *buf = NULL;
    if (!img || !out || !ref || b->g->buf_alloc(b->dev, size, ZG_GPU_BUF_DEVICE, &buf) != ZG_OK) {
        check(0, "allocate RS buffers", fails);
        goto done;
    }
    for (unsigned j = 0; j < k; j++) fill(img + j * stride, len);
    const uint8_t *d[10];
    uint8_t *p[4];
    for (unsigned j = 0; j < k; j++) d[j] = img + j * stride;
    for (unsigned i = 0; i < m; i++) p[i] = ref + i * len;
    gf256_ref_encode(&gf, k, m, len, d, p);

    zg_gpu_rs_encode_args ea = {.struct_size = sizeof ea, .k = k, .m = m, .shard_len = len, .data = buf,
                                .data_stride = stride, .parity = buf, .parity_off = k * stride, .parity_stride = stride};
    int good = b->g->upload(buf, 0, img, size) == ZG_OK && run(b, ZG_GPU_OP_RS_ENCODE, &ea) == ZG_OK &&
               b->g->download(buf, 0, out, size) == ZG_OK;
    for (unsigned i = 0; i < m && good; i++) good = memcmp(out + (k + i) * stride, ref + i * len, len) == 0;
    check(good, "rs_encode k=10 m=4 vs GF(2^8) reference", fails);
    if (cpu && cpu != b) {
        uint8_t *cimg = malloc(size);
        zg_gpu_buf *cb = NULL;
        int same = cimg && cpu->g->buf_alloc(cpu->dev, size, ZG_GPU_BUF_HOST, &cb) == ZG_OK;
        if (same) {
            zg_gpu_rs_encode_args ca = ea;
            ca.data = ca.parity = cb;
            same = cpu->g->upload(cb, 0, img, size) == ZG_OK && run(cpu, ZG_GPU_OP_RS_ENCODE, &ca) == ZG_OK &&
                   cpu->g->download(cb, 0, cimg, size) == ZG_OK && memcmp(cimg, out, size) == 0;
        }
        check(same, "rs_encode identical to the cpu backend", fails);
        if (cb) cpu->g->buf_free(cb);
        free(cimg);
    }
    /* lose data shards 1 and 7, parity shards 0 and 3 */
    if (good) {
        uint8_t present[14];
        memset(present, 1, n);
        const unsigned lost[] = {1, 7, k + 0, k + 3};
        memcpy(img, out, size);
        for (int i = 0; i < 4; i++) {
            present[lost[i]] = 0;
            memset(out + lost[i] * stride, 0xa5, len);
        }
        zg_gpu_rs_reconstruct_args ra = {.struct_size = sizeof ra, .k = k, .m = m, .shard_len = len, .shards = buf,
                                         .stride = stride, .present = present};
        int rgood = b->g->upload(buf, 0, out, size) == ZG_OK && run(b, ZG_GPU_OP_RS_RECONSTRUCT, &ra) == ZG_OK &&
                    b->g->download(buf, 0, out, size) == ZG_OK && memcmp(out, img, size) == 0;
        check(rgood, "rs_reconstruct after losing 4 of 14 shards", fails);
    }
done:
    if (buf) b->g->buf_free(buf);
    free(img);
    free(out);
    free(ref);
}

static void test_hash(const backend *b, int *fails)
{
    const uint64_t n = 1000, len = 137, nodes = 777, nout = nodes / 2 + 1;
    size_t isz = n * len, msz = nodes * 32;
    uint8_t *in = malloc(isz), *ref = malloc(n * 32), *out = malloc(n * 32);
    zg_gpu_buf *bi = NULL, *bo = NULL;
    if (!in || !ref || !out || b->g->buf_alloc(b->dev, isz, ZG_GPU_BUF_DEVICE, &bi) ||
        b->g->buf_alloc(b->dev, n * 32, ZG_GPU_BUF_DEVICE, &bo)) {
        check(0, "allocate hash buffers", fails);
        goto done;
    }
    fill(in, isz);
    for (uint64_t i = 0; i < n; i++) zg_keccak256(in + i * len, len, ref + i * 32);
    zg_gpu_keccak_args ka = {.struct_size = sizeof ka, .n = n, .len = len, .in = bi, .out = bo};
    int good = b->g->upload(bi, 0, in, isz) == ZG_OK && run(b, ZG_GPU_OP_KECCAK256_BATCH, &ka) == ZG_OK &&
               b->g->download(bo, 0, out, n * 32) == ZG_OK && memcmp(out, ref, n * 32) == 0;
    check(good, "keccak256_batch 1000 x 137 B vs libzgsupport", fails);
    /* merkle level of 777 nodes (odd: last one promoted) */
    for (uint64_t i = 0; i < nodes / 2; i++) zg_keccak256(in + 64 * i, 64, ref + 32 * i);
    memcpy(ref + 32 * (nout - 1), in + 32 * (nodes - 1), 32);
    zg_gpu_merkle_args ma = {.struct_size = sizeof ma, .odd = ZG_GPU_MERKLE_ODD_PROMOTE, .n = nodes, .in = bi,
                             .out = bo};
    good = msz <= isz && run(b, ZG_GPU_OP_MERKLE_LEVEL, &ma) == ZG_OK &&
           b->g->download(bo, 0, out, nout * 32) == ZG_OK && memcmp(out, ref, nout * 32) == 0;
    check(good, "merkle_level 777 nodes vs libzgsupport", fails);
done:
    if (bi) b->g->buf_free(bi);
    if (bo) b->g->buf_free(bo);
    free(in);
    free(ref);
    free(out);
}

static void print_ops(uint64_t ops)
{
    int any = 0;
    for (int op = 0; op <= ZG_GPU_OP_MAX; op++)
        if (ops & (1ull << op)) {
            const char *nm = zg_gpu_op_name(op);
            printf("%s%s", any++ ? " " : "", nm ? nm : "?");
        }
    printf("%s\n", any ? "" : "(none)");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"plugin-path", required_argument, 0, 'p'},
                                         {"backend", required_argument, 0, 'b'},
                                         {"config", required_argument, 0, 'c'},
                                         {"no-selftest", no_argument, 0, 'n'},
                                         {"verbose", no_argument, 0, 'v'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *path = NULL, *only = NULL, *cfgtext = NULL;
    int selftest = 1, c;
    while ((c = getopt_long(argc, argv, "p:b:c:nvh", opts, NULL)) != -1) {
        switch (c) {
        case 'p': path = optarg; break;
        case 'b': only = optarg; break;
        case 'c': cfgtext = optarg; break;
        case 'n': selftest = 0; break;
        case 'v': zg_mh_set_log_level(ZG_LOG_DEBUG); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "zg-gpuinfo: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    json_t *cfg = NULL;
    if (cfgtext) {
        json_error_t je;
        cfg = json_loads(cfgtext, 0, &je);
        if (!json_is_object(cfg)) {
            fprintf(stderr, "zg-gpuinfo: --config must be a JSON object: %s\n", cfg ? "not an object" : je.text);
            json_decref(cfg);
            return 2;
        }
    }
    if (!path) path = zg_mh_default_path();
    gf256_ref_init(&gf);

    char prefix[128];
    snprintf(prefix, sizeof prefix, "zg-gpu-%s", only ? only : "");
    char **files = NULL;
    int nfiles = zg_mh_scan(path, prefix, &files);
    if (only) { /* exact name only: zg-gpu-NAME.so */
        int keep = 0;
        for (int i = 0; i < nfiles; i++) {
            const char *base = strrchr(files[i], '/') + 1;
            if (strlen(base) == strlen(prefix) + 3) files[keep++] = files[i];
            else free(files[i]);
        }
        nfiles = keep;
    }
    printf("plugin path: %s\n", path);
    if (nfiles <= 0) {
        printf("no gpu backend (%s*.so) found\nFAIL\n", prefix);
        zg_mh_free_list(files, nfiles > 0 ? nfiles : 0);
        json_decref(cfg);
        return 3;
    }

    /* load all first: the cpu backend is the comparison peer for the others */
    zg_mh_plugin *pl[64] = {0};
    int np = 0, loaded = 0, fails = 0, devices = 0;
    backend cpu = {0};
    for (int i = 0; i < nfiles && np < 64; i++, np++) {
        char err[512];
        if (zg_mh_load(files[i], NULL, cfg, ZG_KIND_GPU, &pl[np], err, sizeof err) != ZG_OK) {
            printf("backend %s: cannot load: %s\n", files[i], err);
            fails++;
            pl[np] = NULL;
            continue;
        }
        loaded++;
        if (strcmp(pl[np]->desc->name, "cpu") == 0 && selftest) {
            cpu.name = "cpu";
            cpu.g = pl[np]->desc->iface;
            cpu.st = pl[np]->state;
            if (cpu.g->open(cpu.st, -1, &cpu.dev) != ZG_OK) cpu.g = NULL;
        }
    }
    for (int i = 0; i < np; i++) {
        if (!pl[i]) continue;
        const zg_plugin_desc *d = pl[i]->desc;
        const zg_gpu_iface *g = d->iface;
        printf("backend %s %s (%s)\n  %s\n", d->name, d->version, pl[i]->path, d->description);
        if (!g || g->struct_size < offsetof(zg_gpu_iface, finish) + sizeof(g->finish)) {
            printf("  interface table too old or missing\n");
            fails++;
            continue;
        }
        int n = g->device_count(pl[i]->state);
        if (n == 0) printf("  no devices\n");
        for (int di = 0; di < n; di++) {
            zg_gpu_device_info info = {.struct_size = sizeof info};
            if (g->device_info(pl[i]->state, di, &info) != ZG_OK) continue;
            devices++;
            printf("  device %d: %s\n", di, info.name);
            printf("    type %s, %s\n", zg_gpu_dev_type_name((int)info.type), info.driver);
            printf("    memory %llu MiB", (unsigned long long)(info.memory >> 20));
            if (info.compute_units) printf(", %u compute units", info.compute_units);
            printf("%s\n", info.flags & ZG_GPU_DEVF_USABLE ? "" : " (not usable)");
            printf("    ops: ");
            print_ops(info.ops);
            if (!selftest || !(info.flags & ZG_GPU_DEVF_USABLE)) continue;
            backend b = {.name = d->name, .g = g, .st = pl[i]->state};
            int devfails = 0, rc = g->open(b.st, di, &b.dev);
            printf("    self-test:\n");
            if (rc != ZG_OK) {
                check(0, "open", &devfails);
            } else {
                struct timespec t0, t1;
                clock_gettime(CLOCK_MONOTONIC, &t0);
                int is_cpu = strcmp(d->name, "cpu") == 0;
                test_rs(&b, is_cpu || !cpu.g ? NULL : &cpu, &devfails);
                test_hash(&b, &devfails);
                clock_gettime(CLOCK_MONOTONIC, &t1);
                g->close(b.dev);
                printf("    %s (%.2f s)\n", devfails ? "FAIL" : "PASS",
                       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
            }
            fails += devfails;
        }
    }
    if (cpu.dev) cpu.g->close(cpu.dev);
    for (int i = np - 1; i >= 0; i--) zg_mh_unload(pl[i]);
    zg_mh_free_list(files, nfiles);
    json_decref(cfg);
    if (!loaded) {
        printf("FAIL: no gpu backend could be loaded\n");
        return 3;
    }
    if (selftest) printf("%s: %d backend(s), %d device(s)\n", fails ? "FAIL" : "PASS", loaded, devices);
    return fails ? 1 : 0;
}
