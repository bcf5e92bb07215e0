/* The cpu gpu backend (ISA-L + libzgsupport keccak): conformance against the
 * independent references, config, concurrent submitters. */
#include "config.h"

#include "test_gpu_conf.h"

int main(void)
{
    char why[512];
    gpu_t t;
    if (gpu_load(&t, "cpu", NULL, why, sizeof why) != 0) {
        ok(0, "load the cpu backend: %s", why);
        return tap_done();
    }
    ok(t.p->desc->kind == ZG_KIND_GPU && t.g && t.g->struct_size >= sizeof(zg_gpu_iface), "cpu plugin is a gpu kind");
    ok(t.g->device_count(t.st) == 1, "one cpu device");
    ok(t.g->open(t.st, 1, &t.dev) == ZG_ENOTFOUND, "open(1) is ENOTFOUND");
    ok(gpu_open(&t, -1) == ZG_OK, "open the default device");
    zg_gpu_device_info info = {.struct_size = sizeof info};
    t.g->device_info(t.st, 0, &info);
    ok(info.type == ZG_GPU_DEV_CPU && (info.flags & ZG_GPU_DEVF_UNIFIED) && info.compute_units >= 1,
       "cpu device: %s, %u threads", info.name, info.compute_units);
    gpu_conformance(&t, "cpu", 1);

    /* a second handle on the same device, used concurrently */
    gpu_t t2 = t;
    t2.dev = NULL;
    ok(gpu_open(&t2, 0) == ZG_OK, "open a second handle");
    zg_gpu_buf *b = NULL;
    t2.g->buf_alloc(t2.dev, 64, ZG_GPU_BUF_HOST, &b);
    zg_gpu_copy_args cross = {.struct_size = sizeof cross, .src = b, .dst = b, .dst_off = 32, .len = 16};
    ok(t.g->submit(t.dev, ZG_GPU_OP_COPY, &cross, NULL) == ZG_EINVAL, "a buffer of another handle is EINVAL");
    t2.g->buf_free(b);

    conf_threads(&t, &t2, "cpu", 20);
    t.g->close(t2.dev);
    gpu_unload(&t);

    /* config */
    ok(gpu_load(&t, "cpu", "{\"threads\": 3}", why, sizeof why) == 0, "load with threads = 3");
    if (t.p) {
        info.struct_size = sizeof info;
        t.g->device_info(t.st, 0, &info);
        ok(info.compute_units == 3, "threads = 3 gives 3 workers (%u)", info.compute_units);
        ok(gpu_open(&t, 0) == ZG_OK, "open with 3 threads");
        conf_encode_one(&t, "cpu3", 10, 4, 100000, ZG_GPU_BUF_DEVICE);
        gpu_unload(&t);
    }
    ok(gpu_load(&t, "cpu", "{\"threads\": 1}", why, sizeof why) == 0 && gpu_open(&t, 0) == ZG_OK,
       "load with one thread");
    if (t.p) {
        conf_encode_one(&t, "cpu1", 4, 2, 5000, ZG_GPU_BUF_HOST);
        conf_ordering(&t, "cpu1", 4096);
        gpu_unload(&t);
    }
    ok(gpu_load(&t, "cpu", "{\"threads\": 0}", why, sizeof why) != 0, "threads = 0 is refused: %s", why);
    ok(gpu_load(&t, "cpu", "{\"threads\": \"many\"}", why, sizeof why) != 0, "threads = \"many\" is refused: %s", why);
    return tap_done();
}
