/* zg-gpu-vulkan — the gpu kind on Vulkan compute (NVIDIA, AMD, Intel, Mesa's
 * lavapipe on CPU).
 *
 * Kernels are GLSL compute shaders (shaders/NAME.comp) compiled to SPIR-V at
 * build time and embedded (spirv.h).  Buffers are reached through buffer
 * device addresses (Vulkan 1.2 bufferDeviceAddress) passed in push constants,
 * so there are no descriptor sets and no maxStorageBufferRange limit.
 * Reed–Solomon coefficient matrices are computed on the host with ISA-L (as
 * the cpu backend does) and applied by gf_matmul.comp, so parity is
 * bit-identical to ISA-L.  keccak-f runs on 64-bit lanes when the device has
 * shaderInt64, else on pairs of 32-bit words.
 *
 * Ordering: every op is one command buffer submitted to one queue; each
 * command buffer starts with a full memory barrier (which orders it after all
 * earlier submissions on the queue) and ends with a barrier making writes
 * visible to the host.
 *
 * config:
 *   device = 0;  or  device = "NVIDIA";   index or case-insensitive name
 *                     substring (default: discrete > integrated > virtual > cpu)
 *   shader_int64 = true;   use 64-bit keccak lanes when the device has them
 *   dispatch_groups = N;   cap on workgroups per dispatch (default: device limit;
 *                          small values exercise the split-dispatch path)
 */
#include "config.h"

#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <vulkan/vulkan.h>
#include <zg/gpu.h>

#include "../common/gpucommon.h"
#include "spirv.h"

#define GF_WG 128       /* local_size_x of gf_matmul.comp */
#define GF_WPI 4        /* words per gf_matmul invocation */
#define HASH_WG 64      /* local_size_x of keccak.comp / merkle.comp */
#define GF_VARIANTS 4   /* gf_matmul pipelines for 1, 2, 4, 8 rows per workgroup */
#define ARGBLK_SIZE (8 * 2 * ZG_GPU_RS_MAX_SHARDS + ZG_GPU_RS_MAX_SHARDS * ZG_GPU_RS_MAX_SHARDS + 64)
#define STAGING_MAX (16u << 20)
#define BUF_PAD 16 /* shaders read whole words: allocations end with slack */

typedef struct vk_phys {
    VkPhysicalDevice pd;
    VkPhysicalDeviceProperties props;
    VkPhysicalDeviceMemoryProperties mem;
    char driver[128];
    uint32_t qfam;
    int has_int64, usable;
    char why[160]; /* why not usable */
    uint64_t devmem;
} vk_phys;

typedef struct vk_state {
    zg_ctx *ctx;
    const zg_host_api *host;
    VkInstance inst;
    int nphys;
    vk_phys *phys;
    int def;
    int want_int64;
    uint32_t dispatch_groups;
} vk_state;

struct zg_gpu_buf {
    zg_gpu_dev *dev;
    uint64_t size;
    VkBuffer buf;
    VkDeviceMemory mem;
    VkDeviceAddress addr;
    uint8_t *map; /* host-visible buffers only */
    int host;
    zg_gpu_buf *next_free; /* argument block free list */
};

typedef struct vk_sub vk_sub;

struct zg_gpu_dev {
    vk_state *st;
    vk_phys *ph;
    VkDevice dev;
    VkQueue q;
    pthread_mutex_t mu; /* queue, command pool, lists */
    pthread_mutex_t stage_mu;
    VkCommandPool pool;
    VkPipelineLayout layout;
    VkPipeline p_gf[GF_VARIANTS], p_keccak, p_merkle;
    VkShaderModule m_gf, m_keccak, m_merkle;
    uint32_t max_groups;
    int int64;
    uint32_t mt_device, mt_host;
    vk_sub *detached; /* fire-and-forget submissions not yet reaped */
    zg_gpu_buf *free_args;
    zg_gpu_buf *staging;
    int first_err;
};

/* one submitted op; doubles as the fence */
struct vk_sub {
    zg_gpu_dev *d;
    VkCommandBuffer cb;
    VkFence fence;
    zg_gpu_buf *args;
    vk_sub *next;
};

#define LOG(st, lvl, ...) (st)->host->log((st)->ctx, (lvl), __VA_ARGS__)

static int vkerr(VkResult r)
{
    switch (r) {
    case VK_SUCCESS: return ZG_OK;
    case VK_TIMEOUT:
    case VK_NOT_READY: return ZG_EBUSY;
    case VK_ERROR_OUT_OF_HOST_MEMORY:
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    case VK_ERROR_TOO_MANY_OBJECTS: return ZG_ENOMEM;
    case VK_ERROR_FEATURE_NOT_PRESENT:
    case VK_ERROR_EXTENSION_NOT_PRESENT:
    case VK_ERROR_INCOMPATIBLE_DRIVER: return ZG_EUNSUPPORTED;
    default: return ZG_EIO;
    }
}

/* ---- instance and physical devices ---- */

static int type_of(VkPhysicalDeviceType t)
{
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return ZG_GPU_DEV_CPU;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return ZG_GPU_DEV_INTEGRATED;
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return ZG_GPU_DEV_DISCRETE;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return ZG_GPU_DEV_VIRTUAL;
    default: return ZG_GPU_DEV_OTHER;
    }
}

static void probe(vk_phys *p)
{
    vkGetPhysicalDeviceProperties(p->pd, &p->props);
    vkGetPhysicalDeviceMemoryProperties(p->pd, &p->mem);
    for (uint32_t i = 0; i < p->mem.memoryHeapCount; i++)
        if (p->mem.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) p->devmem += p->mem.memoryHeaps[i].size;
    snprintf(p->driver, sizeof p->driver, "Vulkan %u.%u", VK_API_VERSION_MAJOR(p->props.apiVersion),
             VK_API_VERSION_MINOR(p->props.apiVersion));
    if (p->props.apiVersion < VK_API_VERSION_1_2) {
        snprintf(p->why, sizeof p->why, "needs Vulkan 1.2 (device has %u.%u)", VK_API_VERSION_MAJOR(p->props.apiVersion),
                 VK_API_VERSION_MINOR(p->props.apiVersion));
        return;
    }
    VkPhysicalDeviceDriverProperties drv = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &drv};
    vkGetPhysicalDeviceProperties2(p->pd, &p2);
    snprintf(p->driver, sizeof p->driver, "%.40s %.60s (Vulkan %u.%u)", drv.driverName, drv.driverInfo,
             VK_API_VERSION_MAJOR(p->props.apiVersion), VK_API_VERSION_MINOR(p->props.apiVersion));
    VkPhysicalDeviceVulkan12Features f12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &f12};
    vkGetPhysicalDeviceFeatures2(p->pd, &f2);
    p->has_int64 = f2.features.shaderInt64 == VK_TRUE;
    if (!f12.bufferDeviceAddress) {
        snprintf(p->why, sizeof p->why, "no bufferDeviceAddress feature");
        return;
    }
    uint32_t nq = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(p->pd, &nq, NULL);
    VkQueueFamilyProperties *qf = calloc(nq ? nq : 1, sizeof *qf);
    if (!qf) return;
    vkGetPhysicalDeviceQueueFamilyProperties(p->pd, &nq, qf);
    p->qfam = UINT32_MAX;
    /* prefer a compute queue that is not the graphics one */
    for (uint32_t i = 0; i < nq; i++)
        if ((qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) && !(qf[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) && qf[i].queueCount) {
            p->qfam = i;
            break;
        }
    for (uint32_t i = 0; i < nq && p->qfam == UINT32_MAX; i++)
        if ((qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) && qf[i].queueCount) p->qfam = i;
    free(qf);
    if (p->qfam == UINT32_MAX) {
        snprintf(p->why, sizeof p->why, "no compute queue");
        return;
    }
    p->usable = 1;
}

static int rank(const vk_phys *p)
{
    static const int order[] = {[ZG_GPU_DEV_DISCRETE] = 5, [ZG_GPU_DEV_INTEGRATED] = 4, [ZG_GPU_DEV_VIRTUAL] = 3,
                                [ZG_GPU_DEV_CPU] = 2, [ZG_GPU_DEV_OTHER] = 1};
    return p->usable ? order[type_of(p->props.deviceType)] : 0;
}

static int ci_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return 1;
    return n == 0;
}

static void vk_fini(void *state);

static int vk_init(zg_ctx *ctx, const zg_host_api *host, void **state)
{
    vk_state *st = calloc(1, sizeof *st);
    if (!st) return ZG_ENOMEM;
    st->ctx = ctx;
    st->host = host;
    st->def = -1;
    st->want_int64 = 1;

    /* config first, so that mistakes are reported even without a device */
    int64_t idx = -1, groups = 0;
    const char *name = NULL;
    /* `device` is an index or a name substring; hosts older than cfg_type
     * (struct_size) get the integer form only */
    int rc = ZG_ENOTFOUND;
    if (host->struct_size > offsetof(zg_host_api, cfg_type) && host->cfg_type &&
        host->cfg_type(ctx, "device") == ZG_CFG_STRING)
        rc = host->cfg_string(ctx, "device", &name);
    else
        rc = host->cfg_int(ctx, "device", &idx);
    if (rc != ZG_OK && rc != ZG_ENOTFOUND) goto fail;
    rc = host->cfg_bool(ctx, "shader_int64", &st->want_int64);
    if (rc != ZG_OK && rc != ZG_ENOTFOUND) goto fail;
    rc = host->cfg_int(ctx, "dispatch_groups", &groups);
    if (rc != ZG_OK && rc != ZG_ENOTFOUND) goto fail;
    if (groups < 0 || groups > 0x7fffffff) {
        host->cfg_error(ctx, "dispatch_groups", "must be between 1 and 2^31-1");
        rc = ZG_EINVAL;
        goto fail;
    }
    st->dispatch_groups = (uint32_t)groups;

    VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                             .pApplicationName = "zgnode",
                             .applicationVersion = 1,
                             .pEngineName = "zg-gpu-vulkan",
                             .apiVersion = VK_API_VERSION_1_2};
    VkInstanceCreateInfo ici = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pApplicationInfo = &app};
    VkResult vr = vkCreateInstance(&ici, NULL, &st->inst);
    if (vr != VK_SUCCESS) {
        /* no loader/driver: the plugin loads with no devices */
        LOG(st, ZG_LOG_WARN, "vulkan: no instance (VkResult %d): no Vulkan driver installed?", (int)vr);
        st->inst = VK_NULL_HANDLE;
    } else {
        uint32_t n = 0;
        vkEnumeratePhysicalDevices(st->inst, &n, NULL);
        st->phys = calloc(n ? n : 1, sizeof *st->phys);
        VkPhysicalDevice *pds = calloc(n ? n : 1, sizeof *pds);
        if (!st->phys || !pds) {
            free(pds);
            rc = ZG_ENOMEM;
            goto fail;
        }
        vkEnumeratePhysicalDevices(st->inst, &n, pds);
        st->nphys = (int)n;
        for (uint32_t i = 0; i < n; i++) {
            st->phys[i].pd = pds[i];
            probe(&st->phys[i]);
            LOG(st, ZG_LOG_DEBUG, "vulkan device %u: %s (%s)%s%s", i, st->phys[i].props.deviceName,
                zg_gpu_dev_type_name(type_of(st->phys[i].props.deviceType)), st->phys[i].usable ? "" : ": ",
                st->phys[i].why);
        }
        free(pds);
    }

    if (name) {
        for (int i = 0; i < st->nphys && st->def < 0; i++)
            if (ci_contains(st->phys[i].props.deviceName, name)) st->def = i;
        if (st->def < 0) {
            host->cfg_error(ctx, "device", "no Vulkan device named like \"%s\" (%d devices)", name, st->nphys);
            rc = ZG_ENOTFOUND;
            goto fail;
        }
    } else if (idx >= 0) {
        if (idx >= st->nphys) {
            host->cfg_error(ctx, "device", "device index %lld, but there are %d Vulkan devices", (long long)idx,
                            st->nphys);
            rc = ZG_ENOTFOUND;
            goto fail;
        }
        st->def = (int)idx;
    } else if (idx < -1) {
        host->cfg_error(ctx, "device", "device index must be >= 0");
        rc = ZG_EINVAL;
        goto fail;
    } else {
        for (int i = 0; i < st->nphys; i++)
            if (rank(&st->phys[i]) > (st->def < 0 ? 0 : rank(&st->phys[st->def]))) st->def = i;
    }
    if (st->def >= 0 && !st->phys[st->def].usable)
        LOG(st, ZG_LOG_WARN, "vulkan: device %d (%s) cannot be used: %s", st->def, st->phys[st->def].props.deviceName,
            st->phys[st->def].why);
    *state = st;
    return ZG_OK;
fail:
    vk_fini(st);
    return rc;
}

static void vk_fini(void *state)
{
    vk_state *st = state;
    if (!st) return;
    if (st->inst) vkDestroyInstance(st->inst, NULL);
    free(st->phys);
    free(st);
}

static int vk_device_count(void *state) { return ((vk_state *)state)->nphys; }

static int vk_device_info(void *state, int index, zg_gpu_device_info *info)
{
    vk_state *st = state;
    if (index < 0 || index >= st->nphys) return ZG_ENOTFOUND;
    if (!info || info->struct_size < offsetof(zg_gpu_device_info, name)) return ZG_EINVAL;
    vk_phys *p = &st->phys[index];
    zg_gpu_device_info d = {.struct_size = info->struct_size};
    d.type = (uint32_t)type_of(p->props.deviceType);
    snprintf(d.name, sizeof d.name, "%s", p->props.deviceName);
    snprintf(d.driver, sizeof d.driver, "%s", p->driver);
    d.memory = p->devmem;
    d.flags = p->usable ? ZG_GPU_DEVF_USABLE : 0;
    d.ops = p->usable ? ZGG_OPS_STORAGE : 0;
    memcpy(info, &d, info->struct_size < sizeof d ? info->struct_size : sizeof d);
    return ZG_OK;
}

/* ---- buffers ---- */

static int pick_mem(const vk_phys *p, uint32_t bits, VkMemoryPropertyFlags want, VkMemoryPropertyFlags avoid)
{
    for (uint32_t i = 0; i < p->mem.memoryTypeCount; i++) {
        VkMemoryPropertyFlags f = p->mem.memoryTypes[i].propertyFlags;
        if ((bits & (1u << i)) && (f & want) == want && !(f & avoid)) return (int)i;
    }
    return -1;
}

static int buf_new(zg_gpu_dev *d, uint64_t size, int host, zg_gpu_buf **out)
{
    zg_gpu_buf *b = calloc(1, sizeof *b);
    if (!b) return ZG_ENOMEM;
    b->dev = d;
    b->size = size;
    b->host = host;
    uint64_t asize = (size + 15) / 16 * 16 + BUF_PAD;
    VkBufferCreateInfo bci = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                              .size = asize,
                              .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                       VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT,
                              .sharingMode = VK_SHARING_MODE_EXCLUSIVE};
    VkResult r = vkCreateBuffer(d->dev, &bci, NULL, &b->buf);
    if (r != VK_SUCCESS) {
        free(b);
        return r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_OUT_OF_DEVICE_MEMORY ? ZG_ENOMEM : ZG_EINVAL;
    }
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(d->dev, b->buf, &req);
    const VkMemoryPropertyFlags HV = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    int mt;
    if (host) {
        mt = pick_mem(d->ph, req.memoryTypeBits, HV | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, 0);
        if (mt < 0) mt = pick_mem(d->ph, req.memoryTypeBits, HV, 0);
    } else {
        mt = pick_mem(d->ph, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT);
        if (mt < 0) mt = pick_mem(d->ph, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
        if (mt < 0) mt = pick_mem(d->ph, req.memoryTypeBits, 0, 0);
    }
    int rc = ZG_ENOMEM;
    if (mt >= 0) {
        VkMemoryAllocateFlagsInfo fl = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO,
                                        .flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT};
        VkMemoryAllocateInfo mai = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                    .pNext = &fl,
                                    .allocationSize = req.size,
                                    .memoryTypeIndex = (uint32_t)mt};
        if (vkAllocateMemory(d->dev, &mai, NULL, &b->mem) == VK_SUCCESS &&
            vkBindBufferMemory(d->dev, b->buf, b->mem, 0) == VK_SUCCESS &&
            (!host || vkMapMemory(d->dev, b->mem, 0, VK_WHOLE_SIZE, 0, (void **)&b->map) == VK_SUCCESS)) {
            VkBufferDeviceAddressInfo ai = {.sType = VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO, .buffer = b->buf};
            b->addr = vkGetBufferDeviceAddress(d->dev, &ai);
            rc = ZG_OK;
        }
    }
    if (rc != ZG_OK) {
        if (b->mem) vkFreeMemory(d->dev, b->mem, NULL);
        vkDestroyBuffer(d->dev, b->buf, NULL);
        free(b);
        return rc;
    }
    *out = b;
    return ZG_OK;
}

static void buf_del(zg_gpu_buf *b)
{
    if (!b) return;
    zg_gpu_dev *d = b->dev;
    vkDestroyBuffer(d->dev, b->buf, NULL);
    vkFreeMemory(d->dev, b->mem, NULL); /* unmaps */
    free(b);
}

static int vk_buf_alloc(zg_gpu_dev *d, uint64_t size, unsigned flags, zg_gpu_buf **out)
{
    if (!d || !out || (flags & ~(unsigned)ZG_GPU_BUF_HOST)) return ZG_EINVAL;
    if (size > UINT64_MAX / 2) return ZG_ENOMEM;
    return buf_new(d, size, (flags & ZG_GPU_BUF_HOST) != 0, out);
}

static void vk_buf_free(zg_gpu_buf *b) { buf_del(b); }
static void *vk_buf_map(zg_gpu_buf *b) { return b ? b->map : NULL; }
static uint64_t vk_buf_size(zg_gpu_buf *b) { return b ? b->size : 0; }

static int bufsize(void *dev, zg_gpu_buf *b, uint64_t *size)
{
    if (b->dev != dev) return -1;
    *size = b->size;
    return 0;
}

/* ---- submissions ---- */

static void sub_free(vk_sub *s) /* d->mu held */
{
    zg_gpu_dev *d = s->d;
    if (s->cb) vkFreeCommandBuffers(d->dev, d->pool, 1, &s->cb);
    if (s->fence) vkDestroyFence(d->dev, s->fence, NULL);
    if (s->args) {
        s->args->next_free = d->free_args;
        d->free_args = s->args;
    }
    free(s);
}

/* free finished fire-and-forget submissions (d->mu held) */
static void reap(zg_gpu_dev *d)
{
    vk_sub **pp = &d->detached;
    while (*pp) {
        vk_sub *s = *pp;
        VkResult r = vkGetFenceStatus(d->dev, s->fence);
        if (r == VK_NOT_READY) {
            pp = &s->next;
            continue;
        }
        if (r != VK_SUCCESS && !d->first_err) d->first_err = vkerr(r);
        *pp = s->next;
        sub_free(s);
    }
}

static void full_barrier(VkCommandBuffer cb, VkPipelineStageFlags dst_stage, VkAccessFlags dst_access)
{
    VkMemoryBarrier mb = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
                          .srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT,
                          .dstAccessMask = dst_access};
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, dst_stage, 0, 1, &mb, 0, NULL, 0, NULL);
}

/* Command buffers come from one pool, and Vulkan wants the pool externally
 * synchronised even while recording: allocation, recording and submission
 * all happen under d->mu (recording a few commands is cheap). */

/* a recording command buffer whose commands run after all earlier work
 * (d->mu held) */
static int sub_begin(zg_gpu_dev *d, vk_sub **out)
{
    vk_sub *s = calloc(1, sizeof *s);
    if (!s) return ZG_ENOMEM;
    s->d = d;
    VkCommandBufferAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                      .commandPool = d->pool,
                                      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                      .commandBufferCount = 1};
    VkFenceCreateInfo fi = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                   .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    VkResult r = vkAllocateCommandBuffers(d->dev, &ai, &s->cb);
    if (r != VK_SUCCESS) s->cb = VK_NULL_HANDLE;
    if (r == VK_SUCCESS) r = vkCreateFence(d->dev, &fi, NULL, &s->fence);
    if (r == VK_SUCCESS) r = vkBeginCommandBuffer(s->cb, &bi);
    if (r != VK_SUCCESS) {
        sub_free(s);
        return vkerr(r);
    }
    full_barrier(s->cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT);
    *out = s;
    return ZG_OK;
}

/* end and submit (d->mu held); fence NULL: fire and forget */
static int sub_end(zg_gpu_dev *d, vk_sub *s, zg_gpu_fence **fence)
{
    full_barrier(s->cb, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
    VkResult r = vkEndCommandBuffer(s->cb);
    VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &s->cb};
    reap(d);
    if (r == VK_SUCCESS) r = vkQueueSubmit(d->q, 1, &si, s->fence);
    if (r != VK_SUCCESS) {
        sub_free(s);
        LOG(d->st, ZG_LOG_ERROR, "vulkan: vkQueueSubmit failed (VkResult %d)", (int)r);
        return vkerr(r);
    }
    if (fence) {
        *fence = (zg_gpu_fence *)s;
    } else {
        s->next = d->detached;
        d->detached = s;
    }
    return ZG_OK;
}

static void sub_abort(vk_sub *s) /* d->mu held */
{
    vkEndCommandBuffer(s->cb);
    sub_free(s);
}

static int vk_fence_wait(zg_gpu_fence *f, int64_t timeout_ns)
{
    vk_sub *s = (vk_sub *)f;
    if (!s) return ZG_EINVAL;
    VkResult r = vkWaitForFences(s->d->dev, 1, &s->fence, VK_TRUE, timeout_ns < 0 ? UINT64_MAX : (uint64_t)timeout_ns);
    if (r != VK_SUCCESS && r != VK_TIMEOUT) LOG(s->d->st, ZG_LOG_ERROR, "vulkan: fence wait failed (VkResult %d)", (int)r);
    return vkerr(r);
}

static int vk_fence_poll(zg_gpu_fence *f)
{
    vk_sub *s = (vk_sub *)f;
    if (!s) return ZG_EINVAL;
    return vkerr(vkGetFenceStatus(s->d->dev, s->fence));
}

static void vk_fence_free(zg_gpu_fence *f)
{
    vk_sub *s = (vk_sub *)f;
    if (!s) return;
    zg_gpu_dev *d = s->d;
    int rc = vk_fence_wait(f, -1);
    pthread_mutex_lock(&d->mu);
    if (rc && !d->first_err) d->first_err = rc;
    sub_free(s);
    pthread_mutex_unlock(&d->mu);
}

/* wait for everything submitted so far */
static int drain(zg_gpu_dev *d)
{
    pthread_mutex_lock(&d->mu);
    VkResult r = vkQueueWaitIdle(d->q);
    reap(d);
    if (r != VK_SUCCESS && !d->first_err) d->first_err = vkerr(r);
    pthread_mutex_unlock(&d->mu);
    return vkerr(r);
}

static int vk_finish(zg_gpu_dev *d)
{
    if (!d) return ZG_EINVAL;
    drain(d);
    pthread_mutex_lock(&d->mu);
    int rc = d->first_err;
    d->first_err = 0;
    pthread_mutex_unlock(&d->mu);
    return rc;
}

/* ---- upload / download ---- */

/* copy between buffers on the queue and wait */
static int copy_now(zg_gpu_dev *d, zg_gpu_buf *src, uint64_t soff, zg_gpu_buf *dst, uint64_t doff, uint64_t len)
{
    vk_sub *s;
    zg_gpu_fence *f = NULL;
    pthread_mutex_lock(&d->mu);
    int rc = sub_begin(d, &s);
    if (!rc) {
        VkBufferCopy reg = {.srcOffset = soff, .dstOffset = doff, .size = len};
        vkCmdCopyBuffer(s->cb, src->buf, dst->buf, 1, &reg);
        rc = sub_end(d, s, &f);
    }
    pthread_mutex_unlock(&d->mu);
    if (rc) return rc;
    rc = vk_fence_wait(f, -1);
    vk_fence_free(f);
    return rc;
}

static int staging(zg_gpu_dev *d) /* stage_mu held */
{
    if (d->staging) return ZG_OK;
    return buf_new(d, STAGING_MAX, 1, &d->staging);
}

static int vk_upload(zg_gpu_buf *b, uint64_t off, const void *src, size_t len)
{
    if (!b || (len && !src) || off > b->size || len > b->size - off) return ZG_EINVAL;
    zg_gpu_dev *d = b->dev;
    if (b->map) {
        int rc = drain(d);
        if (len) memcpy(b->map + off, src, len);
        return rc;
    }
    if (!len) return drain(d);
    pthread_mutex_lock(&d->stage_mu);
    int rc = staging(d);
    for (size_t done = 0; !rc && done < len;) {
        size_t n = len - done < STAGING_MAX ? len - done : STAGING_MAX;
        memcpy(d->staging->map, (const uint8_t *)src + done, n);
        rc = copy_now(d, d->staging, 0, b, off + done, n);
        done += n;
    }
    pthread_mutex_unlock(&d->stage_mu);
    return rc;
}

static int vk_download(zg_gpu_buf *b, uint64_t off, void *dst, size_t len)
{
    if (!b || (len && !dst) || off > b->size || len > b->size - off) return ZG_EINVAL;
    zg_gpu_dev *d = b->dev;
    if (b->map) {
        int rc = drain(d);
        if (len) memcpy(dst, b->map + off, len);
        return rc;
    }
    if (!len) return drain(d);
    pthread_mutex_lock(&d->stage_mu);
    int rc = staging(d);
    for (size_t done = 0; !rc && done < len;) {
        size_t n = len - done < STAGING_MAX ? len - done : STAGING_MAX;
        rc = copy_now(d, b, off + done, d->staging, 0, n);
        if (!rc) memcpy((uint8_t *)dst + done, d->staging->map, n);
        done += n;
    }
    pthread_mutex_unlock(&d->stage_mu);
    return rc;
}

/* ---- ops ---- */

static int args_block(zg_gpu_dev *d, zg_gpu_buf **out) /* d->mu held */
{
    zg_gpu_buf *b = d->free_args;
    if (!b) return buf_new(d, ARGBLK_SIZE, 1, out);
    d->free_args = b->next_free;
    *out = b;
    return ZG_OK;
}

/* dispatch `groups` workgroups along x in chunks of at most max_groups; the
 * push constant at base_off receives each chunk's first item (groups * wg) */
static void dispatch_split(zg_gpu_dev *d, VkCommandBuffer cb, uint64_t groups, uint32_t wg, uint32_t gy,
                           uint32_t base_off)
{
    for (uint64_t g0 = 0; g0 < groups;) {
        uint64_t n = groups - g0 < d->max_groups ? groups - g0 : d->max_groups;
        uint32_t base = (uint32_t)(g0 * wg);
        vkCmdPushConstants(cb, d->layout, VK_SHADER_STAGE_COMPUTE_BIT, base_off, 4, &base);
        vkCmdDispatch(cb, (uint32_t)n, gy, 1);
        g0 += n;
    }
}

static int record_gf(zg_gpu_dev *d, vk_sub *s, const zgg_gfmat *g)
{
    if (!g->ndst || !g->len) return ZG_OK;
    int rc = args_block(d, &s->args);
    if (rc) return rc;
    uint32_t *w = (uint32_t *)s->args->map;
    for (unsigned j = 0; j < g->nsrc; j++) {
        uint64_t a = g->sbuf->addr + g->soff[j];
        w[2 * j] = (uint32_t)a, w[2 * j + 1] = (uint32_t)(a >> 32);
    }
    for (unsigned r = 0; r < g->ndst; r++) {
        uint64_t a = g->dbuf->addr + g->doff[r];
        w[2 * (g->nsrc + r)] = (uint32_t)a, w[2 * (g->nsrc + r) + 1] = (uint32_t)(a >> 32);
    }
    memcpy(w + 2 * (g->nsrc + g->ndst), g->coef, (size_t)g->nsrc * g->ndst);
    struct {
        uint64_t args;
        uint32_t nsrc, ndst, len, word_base, span;
    } pc = {s->args->addr, g->nsrc, g->ndst, (uint32_t)g->len, 0, 0};
    int v = g->ndst >= 8 ? 3 : g->ndst > 2 ? 2 : (int)g->ndst - 1; /* rows per workgroup: 1 << v */
    uint32_t rows = 1u << v;
    vkCmdBindPipeline(s->cb, VK_PIPELINE_BIND_POINT_COMPUTE, d->p_gf[v]);
    /* each invocation does GF_WPI words, spread by the dispatch's width */
    uint64_t words = (g->len + 3) / 4, per_group = (uint64_t)GF_WG * GF_WPI;
    for (uint64_t w0 = 0; w0 < words;) {
        uint64_t groups = (words - w0 + per_group - 1) / per_group;
        if (groups > d->max_groups) groups = d->max_groups;
        pc.word_base = (uint32_t)w0;
        pc.span = (uint32_t)(groups * GF_WG);
        vkCmdPushConstants(s->cb, d->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof pc, &pc);
        vkCmdDispatch(s->cb, (uint32_t)groups, (g->ndst + rows - 1) / rows, 1);
        w0 += groups * per_group;
    }
    return ZG_OK;
}

static int record(zg_gpu_dev *d, vk_sub *s, const zgg_op *op)
{
    switch (op->op) {
    case ZG_GPU_OP_COPY:
        if (op->u.copy.len) {
            VkBufferCopy reg = {.srcOffset = op->u.copy.src_off, .dstOffset = op->u.copy.dst_off, .size = op->u.copy.len};
            vkCmdCopyBuffer(s->cb, op->u.copy.src->buf, op->u.copy.dst->buf, 1, &reg);
        }
        return ZG_OK;
    case ZG_GPU_OP_RS_ENCODE:
    case ZG_GPU_OP_RS_RECONSTRUCT: return record_gf(d, s, op->u.gf);
    case ZG_GPU_OP_KECCAK256_BATCH: {
        if (!op->u.keccak.n) return ZG_OK;
        struct {
            uint64_t in, out;
            uint32_t n, len, stride, base;
        } pc = {op->u.keccak.in->addr + op->u.keccak.in_off, op->u.keccak.out->addr + op->u.keccak.out_off,
                (uint32_t)op->u.keccak.n, (uint32_t)op->u.keccak.len, (uint32_t)op->u.keccak.stride, 0};
        vkCmdBindPipeline(s->cb, VK_PIPELINE_BIND_POINT_COMPUTE, d->p_keccak);
        vkCmdPushConstants(s->cb, d->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof pc, &pc);
        dispatch_split(d, s->cb, (op->u.keccak.n + HASH_WG - 1) / HASH_WG, HASH_WG, 1, offsetof(__typeof__(pc), base));
        return ZG_OK;
    }
    case ZG_GPU_OP_MERKLE_LEVEL: {
        struct {
            uint64_t in, out;
            uint32_t n, odd, base;
        } pc = {op->u.merkle.in->addr + op->u.merkle.in_off, op->u.merkle.out->addr + op->u.merkle.out_off,
                (uint32_t)op->u.merkle.n, op->u.merkle.odd, 0};
        uint64_t nout = op->u.merkle.n / 2 + (op->u.merkle.n & 1);
        vkCmdBindPipeline(s->cb, VK_PIPELINE_BIND_POINT_COMPUTE, d->p_merkle);
        vkCmdPushConstants(s->cb, d->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof pc, &pc);
        dispatch_split(d, s->cb, (nout + HASH_WG - 1) / HASH_WG, HASH_WG, 1, offsetof(__typeof__(pc), base));
        return ZG_OK;
    }
    }
    return ZG_EUNSUPPORTED;
}

/* sizes the shaders' 32-bit arithmetic cannot index */
static const char *too_big(const zgg_op *op)
{
    switch (op->op) {
    case ZG_GPU_OP_RS_ENCODE:
    case ZG_GPU_OP_RS_RECONSTRUCT:
        return op->u.gf->len > 0xfffffff0u ? "shard_len over 4 GiB" : NULL;
    case ZG_GPU_OP_KECCAK256_BATCH:
        return op->u.keccak.n > 0xffffffffu || op->u.keccak.len > 0xffffff00u || op->u.keccak.stride > 0xffffffffu
                   ? "keccak n, len or stride over 2^32"
                   : NULL;
    case ZG_GPU_OP_MERKLE_LEVEL: return op->u.merkle.n > 0xfffffffeu ? "merkle n over 2^32" : NULL;
    }
    return NULL;
}

static int vk_submit(zg_gpu_dev *d, uint32_t opcode, const void *args, zg_gpu_fence **fence)
{
    if (!d) return ZG_EINVAL;
    zgg_op op;
    char why[256];
    int rc = zgg_prepare(opcode, args, ZGG_OPS_STORAGE, bufsize, d, &op, why, sizeof why);
    if (rc) {
        LOG(d->st, rc == ZG_EUNSUPPORTED ? ZG_LOG_DEBUG : ZG_LOG_WARN, "submit: %s", why);
        return rc;
    }
    const char *big = too_big(&op);
    if (big) {
        LOG(d->st, ZG_LOG_WARN, "submit %s: %s is beyond this backend", zg_gpu_op_name((int)opcode), big);
        zgg_op_clear(&op);
        return ZG_ERANGE;
    }
    vk_sub *s;
    pthread_mutex_lock(&d->mu);
    if ((rc = sub_begin(d, &s)) == ZG_OK) {
        rc = record(d, s, &op);
        if (rc)
            sub_abort(s);
        else
            rc = sub_end(d, s, fence);
    }
    pthread_mutex_unlock(&d->mu);
    zgg_op_clear(&op);
    return rc;
}

/* ---- devices ---- */

/* a compute pipeline from embedded SPIR-V; *mod is created on first use.
 * spec: value of specialization constant 0, or -1 for none */
static int make_pipeline(zg_gpu_dev *d, const uint32_t *code, size_t size, VkShaderModule *mod, VkPipeline *pipe,
                         int spec)
{
    if (size < 4 || code[0] != 0x07230203u) {
        LOG(d->st, ZG_LOG_ERROR, "vulkan: embedded SPIR-V is malformed");
        return ZG_ERR;
    }
    VkResult r = VK_SUCCESS;
    if (!*mod) {
        VkShaderModuleCreateInfo mi = {.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO, .codeSize = size, .pCode = code};
        r = vkCreateShaderModule(d->dev, &mi, NULL, mod);
        if (r != VK_SUCCESS) return vkerr(r);
    }
    uint32_t val = (uint32_t)spec;
    VkSpecializationMapEntry me = {.constantID = 0, .offset = 0, .size = 4};
    VkSpecializationInfo si = {.mapEntryCount = 1, .pMapEntries = &me, .dataSize = 4, .pData = &val};
    VkComputePipelineCreateInfo ci = {.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
                                      .stage = {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                                                .stage = VK_SHADER_STAGE_COMPUTE_BIT,
                                                .module = *mod,
                                                .pName = "main",
                                                .pSpecializationInfo = spec >= 0 ? &si : NULL},
                                      .layout = d->layout};
    r = vkCreateComputePipelines(d->dev, VK_NULL_HANDLE, 1, &ci, NULL, pipe);
    if (r != VK_SUCCESS) LOG(d->st, ZG_LOG_ERROR, "vulkan: cannot create a compute pipeline (VkResult %d)", (int)r);
    return vkerr(r);
}

static void vk_close(zg_gpu_dev *d)
{
    if (!d) return;
    if (d->dev) {
        if (d->q) vkQueueWaitIdle(d->q);
        pthread_mutex_lock(&d->mu);
        reap(d);
        while (d->detached) { /* device lost: free anyway */
            vk_sub *s = d->detached;
            d->detached = s->next;
            sub_free(s);
        }
        pthread_mutex_unlock(&d->mu);
        while (d->free_args) {
            zg_gpu_buf *b = d->free_args;
            d->free_args = b->next_free;
            buf_del(b);
        }
        buf_del(d->staging);
        VkPipeline ps[] = {d->p_gf[0], d->p_gf[1], d->p_gf[2], d->p_gf[3], d->p_keccak, d->p_merkle};
        VkShaderModule ms[] = {d->m_gf, d->m_keccak, d->m_merkle};
        for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
            if (ps[i]) vkDestroyPipeline(d->dev, ps[i], NULL);
        for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
            if (ms[i]) vkDestroyShaderModule(d->dev, ms[i], NULL);
        if (d->layout) vkDestroyPipelineLayout(d->dev, d->layout, NULL);
        if (d->pool) vkDestroyCommandPool(d->dev, d->pool, NULL);
        vkDestroyDevice(d->dev, NULL);
    }
    pthread_mutex_destroy(&d->mu);
    pthread_mutex_destroy(&d->stage_mu);
    free(d);
}

static int vk_open(void *state, int index, zg_gpu_dev **out)
{
    vk_state *st = state;
    if (!out) return ZG_EINVAL;
    if (index == -1) index = st->def;
    if (index < 0 || index >= st->nphys) return ZG_ENOTFOUND;
    vk_phys *ph = &st->phys[index];
    if (!ph->usable) {
        LOG(st, ZG_LOG_ERROR, "vulkan: device %d (%s) cannot be used: %s", index, ph->props.deviceName, ph->why);
        return ZG_EUNSUPPORTED;
    }
    zg_gpu_dev *d = calloc(1, sizeof *d);
    if (!d) return ZG_ENOMEM;
    d->st = st;
    d->ph = ph;
    pthread_mutex_init(&d->mu, NULL);
    pthread_mutex_init(&d->stage_mu, NULL);
    d->int64 = ph->has_int64 && st->want_int64;
    d->max_groups = ph->props.limits.maxComputeWorkGroupCount[0];
    if (st->dispatch_groups && st->dispatch_groups < d->max_groups) d->max_groups = st->dispatch_groups;

    float prio = 1.0f;
    VkDeviceQueueCreateInfo qci = {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                   .queueFamilyIndex = ph->qfam,
                                   .queueCount = 1,
                                   .pQueuePriorities = &prio};
    VkPhysicalDeviceVulkan12Features f12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
                                            .bufferDeviceAddress = VK_TRUE};
    VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &f12};
    f2.features.shaderInt64 = d->int64 ? VK_TRUE : VK_FALSE;
    VkDeviceCreateInfo dci = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                              .pNext = &f2,
                              .queueCreateInfoCount = 1,
                              .pQueueCreateInfos = &qci};
    VkResult r = vkCreateDevice(ph->pd, &dci, NULL, &d->dev);
    int rc = vkerr(r);
    if (r != VK_SUCCESS) {
        LOG(st, ZG_LOG_ERROR, "vulkan: vkCreateDevice(%s) failed (VkResult %d)", ph->props.deviceName, (int)r);
        d->dev = VK_NULL_HANDLE;
        goto fail;
    }
    vkGetDeviceQueue(d->dev, ph->qfam, 0, &d->q);
    VkCommandPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                   .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                   .queueFamilyIndex = ph->qfam};
    VkPushConstantRange pcr = {.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT, .offset = 0, .size = 32};
    VkPipelineLayoutCreateInfo lci = {.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
                                      .pushConstantRangeCount = 1,
                                      .pPushConstantRanges = &pcr};
    if ((rc = vkerr(vkCreateCommandPool(d->dev, &pci, NULL, &d->pool))) ||
        (rc = vkerr(vkCreatePipelineLayout(d->dev, &lci, NULL, &d->layout))))
        goto fail;
    for (int v = 0; v < GF_VARIANTS; v++)
        if ((rc = make_pipeline(d, zg_spv_gf_matmul, sizeof zg_spv_gf_matmul, &d->m_gf, &d->p_gf[v], 1 << v)))
            goto fail;
    if ((rc = d->int64 ? make_pipeline(d, zg_spv_keccak64, sizeof zg_spv_keccak64, &d->m_keccak, &d->p_keccak, -1)
                       : make_pipeline(d, zg_spv_keccak32, sizeof zg_spv_keccak32, &d->m_keccak, &d->p_keccak, -1)) ||
        (rc = d->int64 ? make_pipeline(d, zg_spv_merkle64, sizeof zg_spv_merkle64, &d->m_merkle, &d->p_merkle, -1)
                       : make_pipeline(d, zg_spv_merkle32, sizeof zg_spv_merkle32, &d->m_merkle, &d->p_merkle, -1)))
        goto fail;
    LOG(st, ZG_LOG_DEBUG, "vulkan: opened %s (keccak on %s lanes)", ph->props.deviceName, d->int64 ? "64-bit" : "2x32-bit");
    *out = d;
    return ZG_OK;
fail:
    vk_close(d);
    return rc ? rc : ZG_ERR;
}

static const zg_gpu_iface vk_iface = {
    .struct_size = sizeof(zg_gpu_iface),
    .device_count = vk_device_count,
    .device_info = vk_device_info,
    .open = vk_open,
    .close = vk_close,
    .buf_alloc = vk_buf_alloc,
    .buf_free = vk_buf_free,
    .buf_map = vk_buf_map,
    .buf_size = vk_buf_size,
    .upload = vk_upload,
    .download = vk_download,
    .submit = vk_submit,
    .fence_wait = vk_fence_wait,
    .fence_poll = vk_fence_poll,
    .fence_free = vk_fence_free,
    .finish = vk_finish,
};

static const zg_plugin_desc vk_desc = {
    ZG_PLUGIN_HEADER(ZG_KIND_GPU),
    .name = "vulkan",
    .version = PACKAGE_VERSION,
    .description = "gpu kind on Vulkan compute: Reed-Solomon (ISA-L compatible), keccak-256, merkle levels",
    .init = vk_init,
    .fini = vk_fini,
    .iface = &vk_iface,
};

ZG_PLUGIN_DEFINE(vk_desc)
