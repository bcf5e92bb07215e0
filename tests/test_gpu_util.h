/* tests/test_gpu_util.h — helpers shared by the test_gpu* programs: loading a
 * gpu backend through the minimal host, random data, running one op. */
#ifndef ZG_TEST_GPU_UTIL_H
#define ZG_TEST_GPU_UTIL_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/gpu.h>

#include "../tools/gf256_ref.h"
#include "../tools/minihost.h"
#include "tap.h"

typedef struct gpu_t {
    zg_mh_plugin *p;
    const zg_gpu_iface *g;
    void *st;
    zg_gpu_dev *dev;
} gpu_t;

/* Load zg-gpu-NAME.so from $ZG_PLUGIN_PATH with config (JSON text or NULL)
 * and open its default device.  Returns 0, or -1 with *why set. */
static int __attribute__((unused)) gpu_load(gpu_t *t, const char *name, const char *config, char *why, size_t n)
{
    memset(t, 0, sizeof *t);
    const char *dirs = tap_env("ZG_PLUGIN_PATH", "");
    char file[256], path[4096];
    snprintf(file, sizeof file, "zg-gpu-%s.so", name);
    if (!*dirs || zg_mh_locate(dirs, file, path, sizeof path) != 0) {
        snprintf(why, n, "%s not found in ZG_PLUGIN_PATH='%s'", file, dirs);
        return -1;
    }
    json_t *cfg = NULL;
    if (config) {
        json_error_t je;
        cfg = json_loads(config, 0, &je);
        if (!cfg) {
            snprintf(why, n, "bad test config: %s", je.text);
            return -1;
        }
    }
    int rc = zg_mh_load(path, name, cfg, ZG_KIND_GPU, &t->p, why, n);
    json_decref(cfg);
    if (rc) return -1;
    t->g = t->p->desc->iface;
    t->st = t->p->state;
    return 0;
}

static int __attribute__((unused)) gpu_open(gpu_t *t, int index)
{
    return t->g->open(t->st, index, &t->dev);
}

static void __attribute__((unused)) gpu_unload(gpu_t *t)
{
    if (t->dev) t->g->close(t->dev);
    if (t->p) zg_mh_unload(t->p);
    memset(t, 0, sizeof *t);
}

/* submit and wait; returns submit's error or the fence's status */
static int __attribute__((unused)) gpu_run(gpu_t *t, uint32_t op, const void *args)
{
    zg_gpu_fence *f = NULL;
    int rc = t->g->submit(t->dev, op, args, &f);
    if (rc) return rc;
    rc = t->g->fence_wait(f, -1);
    t->g->fence_free(f);
    return rc;
}

/* a buffer holding a copy of src (len bytes; size >= len) */
static zg_gpu_buf *__attribute__((unused)) gpu_buf_with(gpu_t *t, const void *src, size_t len, uint64_t size,
                                                        unsigned flags)
{
    zg_gpu_buf *b = NULL;
    if (t->g->buf_alloc(t->dev, size, flags, &b)) return NULL;
    if (len && t->g->upload(b, 0, src, len)) {
        t->g->buf_free(b);
        return NULL;
    }
    return b;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t __attribute__((unused)) rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void __attribute__((unused)) fill_random(void *p, size_t n)
{
    uint8_t *b = p;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v = rnd();
        memcpy(b + i, &v, 8);
    }
    for (; i < n; i++) b[i] = (uint8_t)rnd();
}

static void *__attribute__((unused)) xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}
#endif
