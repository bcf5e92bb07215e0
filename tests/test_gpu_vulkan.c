/* The vulkan gpu backend: conformance against the references on every usable
 * Vulkan device (both keccak shader variants, split dispatches), outputs
 * identical to the cpu backend for every kernel, erasure coding through it,
 * config errors.  Skips (with the reason) only when no Vulkan device exists
 * or the build has no Vulkan support.  Sizes stay small: lavapipe runs the
 * shaders on the CPU. */
#include "config.h"

#include <ctype.h>
#include <zg/erasure.h>

#include "test_gpu_conf.h"

static void cross_check(gpu_t *vk, gpu_t *cpu, const char *tag, int rounds)
{
    int good = 0, total = 0;
    for (int it = 0; it < rounds; it++) {
        /* rs_encode */
        unsigned k = 1 + (unsigned)(rnd() % 40), m = (unsigned)(rnd() % 12);
        size_t len = (size_t)(rnd() % 20000), stride = (len + 3) / 4 * 4 + 4 * (size_t)(rnd() % 3);
        size_t size = (k + m) * stride + 8;
        uint8_t *img = xmalloc(size);
        fill_random(img, size);
        zg_gpu_rs_encode_args A = {.struct_size = sizeof A, .k = k, .m = m, .shard_len = len, .data_off = 8,
                                    .data_stride = stride, .parity_off = 8 + k * stride, .parity_stride = stride};
        zg_gpu_rs_encode_args B = A;
        {
            uint8_t *ra = xmalloc(size), *rb = xmalloc(size);
            zg_gpu_buf *x = gpu_buf_with(vk, img, size, size, ZG_GPU_BUF_DEVICE);
            zg_gpu_buf *y = gpu_buf_with(cpu, img, size, size, ZG_GPU_BUF_DEVICE);
            A.data = A.parity = x;
            B.data = B.parity = y;
            int ok1 = x && y && gpu_run(vk, ZG_GPU_OP_RS_ENCODE, &A) == ZG_OK &&
                      gpu_run(cpu, ZG_GPU_OP_RS_ENCODE, &B) == ZG_OK && vk->g->download(x, 0, ra, size) == 0 &&
                      cpu->g->download(y, 0, rb, size) == 0 && memcmp(ra, rb, size) == 0;
            if (!ok1) diag("%s: rs_encode k=%u m=%u len=%zu differs", tag, k, m, len);
            good += ok1;
            total++;
            /* rs_reconstruct of up to m lost shards, from the encoded image */
            if (m && ok1) {
                uint8_t present[ZG_GPU_RS_MAX_SHARDS];
                memset(present, 1, k + m);
                unsigned lost = 1 + (unsigned)(rnd() % m);
                for (unsigned i = 0; i < lost; i++) present[rnd() % (k + m)] = 0;
                zg_gpu_rs_reconstruct_args r = {.struct_size = sizeof r, .k = k, .m = m, .shard_len = len, .off = 8,
                                                .stride = stride, .present = present};
                zg_gpu_rs_reconstruct_args r2 = r;
                r.shards = x, r2.shards = y;
                for (unsigned i = 0; i < k + m; i++)
                    if (!present[i]) memset(ra + 8 + i * stride, 0xee, len);
                int ok2 = vk->g->upload(x, 0, ra, size) == 0 && cpu->g->upload(y, 0, ra, size) == 0 &&
                          gpu_run(vk, ZG_GPU_OP_RS_RECONSTRUCT, &r) == ZG_OK &&
                          gpu_run(cpu, ZG_GPU_OP_RS_RECONSTRUCT, &r2) == ZG_OK && vk->g->download(x, 0, ra, size) == 0 &&
                          cpu->g->download(y, 0, rb, size) == 0 && memcmp(ra, rb, size) == 0;
                if (!ok2) diag("%s: rs_reconstruct k=%u m=%u len=%zu lost=%u differs", tag, k, m, len, lost);
                good += ok2;
                total++;
            }
            if (x) vk->g->buf_free(x);
            if (y) cpu->g->buf_free(y);
            free(ra);
            free(rb);
        }
        free(img);

        /* keccak256_batch */
        uint64_t n = rnd() % 300, klen = rnd() % 700, kst = klen + rnd() % 9, koff = rnd() % 8;
        size_t isz = koff + n * kst + 1, osz = n * 32 + 4;
        size = isz + osz + (4 - isz % 4) % 4;
        size_t out_off = size - osz;
        img = xmalloc(size);
        fill_random(img, size);
        zg_gpu_keccak_args ka = {.struct_size = sizeof ka, .n = n, .len = klen, .in_stride = kst, .in_off = koff,
                                 .out_off = out_off};
        zg_gpu_keccak_args kb = ka;
        {
            uint8_t *ra = xmalloc(size), *rb = xmalloc(size);
            zg_gpu_buf *x = gpu_buf_with(vk, img, size, size, ZG_GPU_BUF_DEVICE);
            zg_gpu_buf *y = gpu_buf_with(cpu, img, size, size, ZG_GPU_BUF_HOST);
            ka.in = ka.out = x;
            kb.in = kb.out = y;
            int ok3 = x && y && gpu_run(vk, ZG_GPU_OP_KECCAK256_BATCH, &ka) == ZG_OK &&
                      gpu_run(cpu, ZG_GPU_OP_KECCAK256_BATCH, &kb) == ZG_OK && vk->g->download(x, 0, ra, size) == 0 &&
                      cpu->g->download(y, 0, rb, size) == 0 && memcmp(ra, rb, size) == 0;
            if (!ok3)
                diag("%s: keccak n=%llu len=%llu stride=%llu differs", tag, (unsigned long long)n,
                     (unsigned long long)klen, (unsigned long long)kst);
            good += ok3;
            total++;
            if (x) vk->g->buf_free(x);
            if (y) cpu->g->buf_free(y);
            free(ra);
            free(rb);
        }
        free(img);

        /* merkle_level */
        uint64_t mn = 1 + rnd() % 3000, mout = mn / 2 + (mn & 1);
        size = (mn + mout) * 32;
        img = xmalloc(size);
        fill_random(img, size);
        zg_gpu_merkle_args ma = {.struct_size = sizeof ma, .odd = (uint32_t)(rnd() & 1), .n = mn, .out_off = mn * 32};
        zg_gpu_merkle_args mb = ma;
        {
            uint8_t *ra = xmalloc(size), *rb = xmalloc(size);
            zg_gpu_buf *x = gpu_buf_with(vk, img, size, size, ZG_GPU_BUF_HOST);
            zg_gpu_buf *y = gpu_buf_with(cpu, img, size, size, ZG_GPU_BUF_DEVICE);
            ma.in = ma.out = x;
            mb.in = mb.out = y;
            int ok4 = x && y && gpu_run(vk, ZG_GPU_OP_MERKLE_LEVEL, &ma) == ZG_OK &&
                      gpu_run(cpu, ZG_GPU_OP_MERKLE_LEVEL, &mb) == ZG_OK && vk->g->download(x, 0, ra, size) == 0 &&
                      cpu->g->download(y, 0, rb, size) == 0 && memcmp(ra, rb, size) == 0;
            if (!ok4) diag("%s: merkle n=%llu differs", tag, (unsigned long long)mn);
            good += ok4;
            total++;
            if (x) vk->g->buf_free(x);
            if (y) cpu->g->buf_free(y);
            free(ra);
            free(rb);
        }
        free(img);
    }
    ok(good == total, "%s: %d/%d random ops give byte-identical buffers on vulkan and cpu", tag, good, total);
}

/* erasure coding through vulkan gives the cpu backend's shards */
static void erasure_same(gpu_t *vk, gpu_t *cpu, const char *tag)
{
    zg_erasure *ev = NULL, *ec = NULL;
    ok(zg_erasure_new(vk->g, vk->st, -1, &ev) == ZG_OK && zg_erasure_new(cpu->g, cpu->st, -1, &ec) == ZG_OK,
       "%s: erasure contexts", tag);
    if (!ev || !ec) return;
    static const size_t lens[] = {0, 1, 999, 65536 + 3, 300001};
    static const unsigned km[][2] = {{4, 2}, {5, 3}, {10, 4}, {32, 8}};
    for (size_t i = 0; i < sizeof km / sizeof km[0]; i++)
        for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
            unsigned k = km[i][0], m = km[i][1], n = k + m;
            size_t len = lens[l];
            uint64_t sl = zg_erasure_shard_len(len, k);
            uint8_t *data = xmalloc(len), *mv = xmalloc(n * sl), *mc = xmalloc(n * sl), *out = xmalloc(len);
            fill_random(data, len);
            uint8_t *sv[ZG_ERASURE_MAX_SHARDS], *sc[ZG_ERASURE_MAX_SHARDS];
            for (unsigned s = 0; s < n; s++) sv[s] = mv + s * sl, sc[s] = mc + s * sl;
            zg_erasure_header hv, hc;
            int rc = zg_erasure_encode(ev, k, m, data, len, sv, sl, &hv);
            int rc2 = zg_erasure_encode(ec, k, m, data, len, sc, sl, &hc);
            const uint8_t *in[ZG_ERASURE_MAX_SHARDS];
            for (unsigned s = 0; s < n; s++) in[s] = sv[s];
            for (unsigned s = 0; s < m; s++) in[(s * 3) % n] = NULL; /* lose m shards, data and parity */
            int rc3 = zg_erasure_reconstruct(ev, &hv, in, NULL, out, len);
            ok(rc == ZG_OK && rc2 == ZG_OK && memcmp(mv, mc, n * sl) == 0 && rc3 == ZG_OK &&
                   (len == 0 || memcmp(out, data, len) == 0),
               "%s: erasure k=%u m=%u len=%zu: shards equal cpu's, rebuilt after losing %u", tag, k, m, len, m);
            free(data);
            free(mv);
            free(mc);
            free(out);
        }
    zg_erasure_free(ev);
    zg_erasure_free(ec);
}

int main(void)
{
#ifndef HAVE_VULKAN
    printf("ok 1 # SKIP built without Vulkan (configure found no libvulkan/glslc)\n1..1\n");
    return 0;
#else
    char why[512];
    gpu_t vk, cpu;
    if (gpu_load(&vk, "vulkan", NULL, why, sizeof why) != 0) {
        ok(0, "load the vulkan backend: %s", why);
        return tap_done();
    }
    int ndev = vk.g->device_count(vk.st);
    if (ndev == 0) {
        printf("ok 1 # SKIP no Vulkan device (no ICD found: install mesa-vulkan-drivers for lavapipe)\n1..1\n");
        gpu_unload(&vk);
        return 0;
    }
    if (gpu_load(&cpu, "cpu", "{\"threads\": 2}", why, sizeof why) != 0 || gpu_open(&cpu, 0) != ZG_OK) {
        ok(0, "load the cpu backend: %s", why);
        return tap_done();
    }
    gf256_ref_init(&conf_gf);
    int tested = 0;
    for (int i = 0; i < ndev; i++) {
        zg_gpu_device_info info = {.struct_size = sizeof info};
        vk.g->device_info(vk.st, i, &info);
        diag("vulkan device %d: %s [%s] %s, %llu MiB%s", i, info.name, zg_gpu_dev_type_name((int)info.type), info.driver,
             (unsigned long long)(info.memory >> 20), info.flags & ZG_GPU_DEVF_USABLE ? "" : " (not usable)");
        if (!(info.flags & ZG_GPU_DEVF_USABLE)) {
            ok(vk.g->open(vk.st, i, &vk.dev) == ZG_EUNSUPPORTED, "unusable device %d refuses open", i);
            continue;
        }
        char tag[64];
        snprintf(tag, sizeof tag, "vulkan%d", i);
        ok(gpu_open(&vk, i) == ZG_OK, "%s: open %s", tag, info.name);
        if (!vk.dev) continue;
        tested++;
        gpu_conformance(&vk, tag, 0);
        gpu_t vk2 = vk;
        vk2.dev = NULL;
        if (gpu_open(&vk2, i) == ZG_OK) {
            conf_threads(&vk, &vk2, tag, 4);
            vk.g->close(vk2.dev);
        } else {
            ok(0, "%s: open a second handle", tag);
        }
        cross_check(&vk, &cpu, tag, 6);
        erasure_same(&vk, &cpu, tag);
        vk.g->close(vk.dev);
        vk.dev = NULL;
    }
    ok(tested > 0, "at least one usable Vulkan device tested (%d)", tested);
    gpu_unload(&vk);

    /* the 2x32-bit keccak shaders, and dispatches split in many pieces */
    if (gpu_load(&vk, "vulkan", "{\"shader_int64\": false, \"dispatch_groups\": 2}", why, sizeof why) == 0 &&
        gpu_open(&vk, -1) == ZG_OK) {
        conf_keccak(&vk, "vk32", 0);
        conf_merkle(&vk, "vk32", 0);
        conf_encode_one(&vk, "vk32", 10, 4, 5000, ZG_GPU_BUF_DEVICE);
        conf_reconstruct_random(&vk, "vk32", 5, 3, 7001, 4);
        cross_check(&vk, &cpu, "vk32-split", 3);
    } else {
        ok(0, "load vulkan with shader_int64 = false: %s", why);
    }
    gpu_unload(&vk);

    /* device selection by name substring and by index; bad values refused */
    zg_gpu_device_info info0 = {.struct_size = sizeof info0};
    if (gpu_load(&vk, "vulkan", NULL, why, sizeof why) == 0) {
        vk.g->device_info(vk.st, 0, &info0);
        gpu_unload(&vk);
    }
    char cfg[512], sub[8] = {0};
    for (int i = 0; i < 4 && info0.name[i]; i++) sub[i] = (char)toupper((unsigned char)info0.name[i]);
    snprintf(cfg, sizeof cfg, "{\"device\": \"%s\"}", sub);
    ok(gpu_load(&vk, "vulkan", cfg, why, sizeof why) == 0, "device = \"%s\" (name substring, any case)", sub);
    gpu_unload(&vk);
    ok(gpu_load(&vk, "vulkan", "{\"device\": 0}", why, sizeof why) == 0 && gpu_open(&vk, -1) == ZG_OK,
       "device = 0 opens");
    gpu_unload(&vk);
    ok(gpu_load(&vk, "vulkan", "{\"device\": 99}", why, sizeof why) != 0, "device = 99 refused: %s", why);
    ok(gpu_load(&vk, "vulkan", "{\"device\": \"no such gpu\"}", why, sizeof why) != 0, "unknown device name refused");
    ok(gpu_load(&vk, "vulkan", "{\"dispatch_groups\": -1}", why, sizeof why) != 0, "dispatch_groups = -1 refused");
    gpu_unload(&cpu);
    return tap_done();
#endif
}
