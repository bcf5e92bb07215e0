/* zg/gpu.h — the `gpu` plugin kind: compute backends for the storage, DA
 * and (later) KZG and inference paths.
 *
 * A gpu plugin's descriptor has kind ZG_KIND_GPU and iface pointing to a
 * zg_gpu_iface.  One plugin instance exposes one or more devices (the cpu
 * backend: one, the host's cores; vulkan: every Vulkan physical device).
 * A consumer gets the pair (iface, state) from host->plugin_find(ctx,
 * ZG_KIND_GPU, name, ...), opens a device, allocates buffers on it, and
 * submits operations ("ops"), each returning a fence.
 *
 * Execution model
 *  - Ops submitted to one opened device run in submission order: an op starts
 *    after the previous one finished, so an op may read what the previous op
 *    wrote without waiting on its fence.
 *  - upload()/download() are synchronous and ordered after every op submitted
 *    before them on the buffer's device (they wait for that work).  For
 *    overlap, write a host-visible buffer through buf_map() and submit a
 *    ZG_GPU_OP_COPY to a device buffer instead.
 *  - The host must not touch a mapped buffer, nor free any buffer, while an op
 *    that uses it is pending.
 *  - A buffer belongs to the opened device handle that allocated it and may
 *    only be used in ops submitted to that handle.
 *  - Argument errors are returned by submit() (no fence is made): ZG_EINVAL
 *    for a rule below broken, ZG_EUNSUPPORTED for an op the backend lacks,
 *    ZG_ERANGE for a size beyond the backend's own limits (e.g. vulkan: shards
 *    over 4 GiB).  Failures while running (ZG_EIO: device lost) are returned
 *    by fence_wait()/fence_poll().
 *
 * Thread-safety: every function may be called from several threads at once
 * on the same device, except that one fence belongs to one thread.
 *
 * Alignment: offsets and strides marked "(aligned)" below must be multiples
 * of ZG_GPU_ALIGN, else submit() returns ZG_EINVAL; every backend checks the
 * same rules so that behaviour does not depend on the backend.
 *
 * Reed–Solomon convention (bit-exact across backends): GF(2^8) with the
 * polynomial x^8+x^4+x^3+x^2+1 (0x11d); the (k+m) x k generator matrix is
 * ISA-L's gf_gen_cauchy1_matrix: rows 0..k-1 the identity (systematic: data
 * shards are stored as is), and parity row i (k <= i < k+m), column j:
 *     G[i][j] = 1 / (i XOR j)          (inverse in GF(2^8))
 * parity shard p = i-k is, byte by byte, XOR_j G[i][j] * data_j.  Every k x k
 * submatrix is invertible, so any k of the k+m shards recover the rest.
 * k >= 1, m >= 0, k+m <= ZG_GPU_RS_MAX_SHARDS.
 */
#ifndef ZG_GPU_H
#define ZG_GPU_H

#include <stddef.h>
#include <zg/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZG_GPU_ALIGN 4
#define ZG_GPU_RS_MAX_SHARDS 255
#define ZG_GPU_HASH_LEN 32

typedef struct zg_gpu_dev zg_gpu_dev;     /* an opened device (defined by the plugin) */
typedef struct zg_gpu_buf zg_gpu_buf;     /* a buffer on a device */
typedef struct zg_gpu_fence zg_gpu_fence; /* completion of one submitted op */

typedef enum zg_gpu_dev_type {
    ZG_GPU_DEV_OTHER = 0,
    ZG_GPU_DEV_CPU = 1,        /* runs on host cores (the cpu backend, lavapipe) */
    ZG_GPU_DEV_INTEGRATED = 2, /* GPU sharing host memory */
    ZG_GPU_DEV_DISCRETE = 3,   /* GPU with its own memory */
    ZG_GPU_DEV_VIRTUAL = 4,    /* virtualised GPU */
} zg_gpu_dev_type;

static inline const char *zg_gpu_dev_type_name(int t)
{
    switch (t) {
    case ZG_GPU_DEV_CPU: return "cpu";
    case ZG_GPU_DEV_INTEGRATED: return "integrated";
    case ZG_GPU_DEV_DISCRETE: return "discrete";
    case ZG_GPU_DEV_VIRTUAL: return "virtual";
    default: return "other";
    }
}

/* Op codes.  Values are frozen; new kernels get new codes (< 64, see
 * zg_gpu_device_info.ops).  A backend returns ZG_EUNSUPPORTED from submit()
 * for a code it does not implement. */
typedef enum zg_gpu_op {
    ZG_GPU_OP_COPY = 1,            /* zg_gpu_copy_args */
    ZG_GPU_OP_RS_ENCODE = 2,       /* zg_gpu_rs_encode_args */
    ZG_GPU_OP_RS_RECONSTRUCT = 3,  /* zg_gpu_rs_reconstruct_args */
    ZG_GPU_OP_KECCAK256_BATCH = 4, /* zg_gpu_keccak_args */
    ZG_GPU_OP_MERKLE_LEVEL = 5,    /* zg_gpu_merkle_args */
    /* reserved: KZG commitments over BN254 */
    ZG_GPU_OP_BN254_NTT = 16,
    ZG_GPU_OP_BN254_INTT = 17,
    ZG_GPU_OP_BN254_MSM_G1 = 18,
    /* reserved: inference */
    ZG_GPU_OP_MATMUL_F32 = 32,
    ZG_GPU_OP_MATMUL_F16 = 33,
    ZG_GPU_OP_MAX = 63
} zg_gpu_op;

static inline const char *zg_gpu_op_name(int op)
{
    switch (op) {
    case ZG_GPU_OP_COPY: return "copy";
    case ZG_GPU_OP_RS_ENCODE: return "rs_encode";
    case ZG_GPU_OP_RS_RECONSTRUCT: return "rs_reconstruct";
    case ZG_GPU_OP_KECCAK256_BATCH: return "keccak256_batch";
    case ZG_GPU_OP_MERKLE_LEVEL: return "merkle_level";
    case ZG_GPU_OP_BN254_NTT: return "bn254_ntt";
    case ZG_GPU_OP_BN254_INTT: return "bn254_intt";
    case ZG_GPU_OP_BN254_MSM_G1: return "bn254_msm_g1";
    case ZG_GPU_OP_MATMUL_F32: return "matmul_f32";
    case ZG_GPU_OP_MATMUL_F16: return "matmul_f16";
    default: return NULL;
    }
}

/* device flags */
enum {
    ZG_GPU_DEVF_UNIFIED = 1, /* every buffer is host memory: buf_map() never fails */
    ZG_GPU_DEVF_USABLE = 2,  /* open() can succeed (the backend's requirements are met) */
};

/* Filled by device_info().  The caller sets struct_size; the plugin fills at
 * most that many bytes (append-only). */
typedef struct zg_gpu_device_info {
    uint32_t struct_size; /* sizeof(zg_gpu_device_info) in the caller */
    uint32_t type;        /* zg_gpu_dev_type */
    char name[256];       /* e.g. "NVIDIA H100", "llvmpipe (LLVM 15.0.6, 256 bits)" */
    char driver[128];     /* implementation, e.g. "Mesa 22.3.6", "ISA-L" */
    uint64_t memory;      /* bytes of device memory (host RAM for cpu devices) */
    uint32_t compute_units; /* worker threads / not known: 0 */
    uint32_t flags;       /* ZG_GPU_DEVF_* */
    uint64_t ops;         /* bit (1 << op) set for every op the device runs */
} zg_gpu_device_info;

/* buf_alloc flags */
enum {
    ZG_GPU_BUF_DEVICE = 0, /* device memory (fastest for kernels; maybe not mappable) */
    ZG_GPU_BUF_HOST = 1,   /* host-visible memory: buf_map() gives a pointer */
};

/* ---- op arguments: each struct starts with its size (append-only) ---- */

/* dst[dst_off, +len) = src[src_off, +len).  No alignment rule; the ranges
 * must not overlap. */
typedef struct zg_gpu_copy_args {
    uint32_t struct_size;
    zg_gpu_buf *src;
    uint64_t src_off;
    zg_gpu_buf *dst;
    uint64_t dst_off;
    uint64_t len;
} zg_gpu_copy_args;

/* Compute the m parity shards of k data shards of shard_len bytes (any
 * length).  Data shard j is at data + data_off + j*data_stride, parity shard p
 * at parity + parity_off + p*parity_stride; a stride of 0 means shard_len.
 * Offsets and strides (aligned); strides >= shard_len; parity must not
 * overlap data.  Bytes of a stride beyond shard_len are left untouched. */
typedef struct zg_gpu_rs_encode_args {
    uint32_t struct_size;
    uint32_t k, m;
    uint64_t shard_len;
    zg_gpu_buf *data;
    uint64_t data_off, data_stride;
    zg_gpu_buf *parity;
    uint64_t parity_off, parity_stride;
} zg_gpu_rs_encode_args;

/* Rebuild missing shards in place.  The k+m shards (data 0..k-1, then
 * parity) occupy slots of one buffer: shard i at shards + off + i*stride
 * (aligned; stride 0 = shard_len).  present[i] != 0 says slot i holds shard i;
 * at least k must be present.  Every slot i with want[i] != 0 and
 * present[i] == 0 is written (want NULL: every missing slot).  The arrays are
 * read during submit() only. */
typedef struct zg_gpu_rs_reconstruct_args {
    uint32_t struct_size;
    uint32_t k, m;
    uint64_t shard_len;
    zg_gpu_buf *shards;
    uint64_t off, stride;
    const uint8_t *present; /* k+m flags */
    const uint8_t *want;    /* k+m flags or NULL */
} zg_gpu_rs_reconstruct_args;

/* out[i] = keccak256(input i) for i < n, where input i is the len bytes at
 * in + in_off + i*in_stride (in_stride 0 = len; no alignment rule).  The n
 * digests of 32 bytes go back to back at out + out_off (aligned). */
typedef struct zg_gpu_keccak_args {
    uint32_t struct_size;
    uint64_t n, len, in_stride;
    zg_gpu_buf *in;
    uint64_t in_off;
    zg_gpu_buf *out;
    uint64_t out_off;
} zg_gpu_keccak_args;

/* what merkle_level does with the last node of an odd level */
enum {
    ZG_GPU_MERKLE_ODD_PROMOTE = 0,   /* carried up unchanged */
    ZG_GPU_MERKLE_ODD_DUPLICATE = 1, /* hashed with itself (keccak256(x || x)) */
};

/* One level of a binary keccak-256 merkle tree: n nodes of 32 bytes at
 * in + in_off become (n+1)/2 nodes at out + out_off (both aligned, must not
 * overlap): out[i] = keccak256(in[2i] || in[2i+1]); an odd last node as
 * `odd` says.  n >= 1. */
typedef struct zg_gpu_merkle_args {
    uint32_t struct_size;
    uint32_t odd; /* ZG_GPU_MERKLE_ODD_* */
    uint64_t n;
    zg_gpu_buf *in;
    uint64_t in_off;
    zg_gpu_buf *out;
    uint64_t out_off;
} zg_gpu_merkle_args;

/* ---- the interface table ---- */
typedef struct zg_gpu_iface {
    uint32_t struct_size; /* sizeof(zg_gpu_iface) in the plugin */

    /* devices: indices 0..count-1 */
    int (*device_count)(void *state);
    /* info->struct_size must be set; ZG_ENOTFOUND for a bad index */
    int (*device_info)(void *state, int index, zg_gpu_device_info *info);
    /* open device `index` (-1: the one the plugin's config chose).  A device
     * may be opened several times; each handle has its own op queue. */
    int (*open)(void *state, int index, zg_gpu_dev **out);
    /* waits for pending ops; every buffer and fence of dev must be freed */
    void (*close)(zg_gpu_dev *dev);

    /* buffers: size in bytes (0 allowed); flags ZG_GPU_BUF_* */
    int (*buf_alloc)(zg_gpu_dev *dev, uint64_t size, unsigned flags, zg_gpu_buf **out);
    void (*buf_free)(zg_gpu_buf *buf);
    /* host pointer to a host-visible buffer (valid until buf_free), or NULL */
    void *(*buf_map)(zg_gpu_buf *buf);
    uint64_t (*buf_size)(zg_gpu_buf *buf);
    /* synchronous copies between host memory and a buffer (see above) */
    int (*upload)(zg_gpu_buf *dst, uint64_t off, const void *src, size_t len);
    int (*download)(zg_gpu_buf *src, uint64_t off, void *dst, size_t len);

    /* submit op with its args struct.  *fence receives a fence to wait on and
     * free; fence may be NULL (fire and forget: completion is only observable
     * through later ops, upload/download or finish). */
    int (*submit)(zg_gpu_dev *dev, uint32_t op, const void *args, zg_gpu_fence **fence);
    /* ZG_OK when the op finished, ZG_EBUSY on timeout (timeout_ns < 0: no
     * limit), or the op's error */
    int (*fence_wait)(zg_gpu_fence *f, int64_t timeout_ns);
    /* fence_wait(f, 0) */
    int (*fence_poll)(zg_gpu_fence *f);
    /* release a fence; waits first if the op is still pending */
    void (*fence_free)(zg_gpu_fence *f);
    /* wait for every op submitted so far on dev; ZG_OK or the first error
     * since the previous finish() */
    int (*finish)(zg_gpu_dev *dev);
} zg_gpu_iface;

/* Does iface (of struct_size bytes) provide member? */
#define ZG_GPU_HAS(iface, member)                                                         \
    ((iface)->struct_size >= offsetof(zg_gpu_iface, member) + sizeof((iface)->member) && \
     (iface)->member != NULL)

#ifdef __cplusplus
}
#endif
#endif /* ZG_GPU_H */
