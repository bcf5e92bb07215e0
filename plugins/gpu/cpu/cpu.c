/* zg-gpu-cpu — the gpu kind on host cores.
 *
 * Reed–Solomon is ISA-L (ec_init_tables + ec_encode_data, the matrices from
 * gf_gen_cauchy1_matrix / gf_invert_matrix), keccak-256 is libzgsupport's
 * zg_keccak256_batch.  Each opened device has an in-order op queue served
 * by a pool of worker threads (config `threads`, default: online CPUs): the
 * head op is cut into chunks (column ranges of the shards, ranges of hash
 * inputs) that the workers run in parallel; the op's fence completes when
 * its last chunk is done, and only then does the next op start.
 *
 * config: threads = N;   (1..1024)
 */
#include "config.h"

#include <errno.h>
#include <isa-l/erasure_code.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zg/gpu.h>
#include <zg/keccak.h>

#include "../common/gpucommon.h"

typedef struct cpu_state {
    zg_ctx *ctx;
    const zg_host_api *host;
    int threads;
    char name[256];
} cpu_state;

typedef struct cpu_job cpu_job;

struct zg_gpu_dev {
    cpu_state *st;
    pthread_mutex_t mu;
    pthread_cond_t work; /* a chunk may be available, or stop */
    pthread_cond_t done; /* a job finished */
    cpu_job *head, *tail;
    uint64_t submitted, completed; /* job sequence numbers */
    int first_err;                 /* first op error since the last finish() */
    int stop;
    int nthreads;
    pthread_t *tids;
};

struct zg_gpu_buf {
    zg_gpu_dev *dev;
    uint64_t size;
    uint8_t *p;
};

/* A queued op; it doubles as the fence handed to the caller. */
struct cpu_job {
    zg_gpu_dev *dev;
    zgg_op op;
    unsigned char *gftbls; /* ISA-L tables for rs ops */
    uint64_t chunk;        /* units per chunk (bytes, inputs or pairs) */
    uint64_t nchunks, next, ndone;
    uint64_t seq;
    int status;
    int finished;
    int refs; /* the queue's and the caller's fence */
    cpu_job *qnext;
};

/* ---- helpers ---- */

static uint64_t div_up(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/* chunk size: about 4 chunks per thread, at least `min`, a multiple of `align` */
static uint64_t chunk_of(uint64_t total, int threads, uint64_t min, uint64_t align)
{
    uint64_t c = div_up(total, (uint64_t)threads * 4);
    if (c < min) c = min;
    return div_up(c, align) * align;
}

static int bufsize(void *dev, zg_gpu_buf *b, uint64_t *size)
{
    if (b->dev != dev) return -1;
    *size = b->size;
    return 0;
}

static void job_unref(cpu_job *j) /* dev->mu held */
{
    if (--j->refs == 0) {
        zgg_op_clear(&j->op);
        free(j->gftbls);
        free(j);
    }
}

/* ---- running one chunk (no lock held) ---- */

static int run_chunk(cpu_job *j, uint64_t c)
{
    zgg_op *op = &j->op;
    if (!j->chunk) return ZG_OK; /* empty op */
    uint64_t lo = c * j->chunk;
    switch (op->op) {
    case ZG_GPU_OP_COPY: {
        uint64_t n = op->u.copy.len - lo < j->chunk ? op->u.copy.len - lo : j->chunk;
        if (n) memcpy(op->u.copy.dst->p + op->u.copy.dst_off + lo, op->u.copy.src->p + op->u.copy.src_off + lo, n);
        return ZG_OK;
    }
    case ZG_GPU_OP_RS_ENCODE:
    case ZG_GPU_OP_RS_RECONSTRUCT: {
        zgg_gfmat *g = op->u.gf;
        if (g->ndst == 0 || g->len == 0) return ZG_OK;
        uint64_t n = g->len - lo < j->chunk ? g->len - lo : j->chunk;
        unsigned char *src[ZG_GPU_RS_MAX_SHARDS], *dst[ZG_GPU_RS_MAX_SHARDS];
        for (unsigned i = 0; i < g->nsrc; i++) src[i] = g->sbuf->p + g->soff[i] + lo;
        for (unsigned i = 0; i < g->ndst; i++) dst[i] = g->dbuf->p + g->doff[i] + lo;
        ec_encode_data((int)n, (int)g->nsrc, (int)g->ndst, j->gftbls, src, dst);
        return ZG_OK;
    }
    case ZG_GPU_OP_KECCAK256_BATCH: {
        uint64_t n = op->u.keccak.n - lo < j->chunk ? op->u.keccak.n - lo : j->chunk;
        const uint8_t *in = op->u.keccak.in ? op->u.keccak.in->p + op->u.keccak.in_off : NULL;
        uint8_t *out = op->u.keccak.out->p + op->u.keccak.out_off;
        uint64_t st = op->u.keccak.stride, len = op->u.keccak.len;
        if (st == len) {
            zg_keccak256_batch(len ? in + lo * st : (const uint8_t *)"", len, n, out + lo * 32);
        } else {
            for (uint64_t i = lo; i < lo + n; i++) zg_keccak256(in + i * st, len, out + i * 32);
        }
        return ZG_OK;
    }
    case ZG_GPU_OP_MERKLE_LEVEL: {
        uint64_t pairs = op->u.merkle.n / 2, nout = pairs + (op->u.merkle.n & 1);
        uint64_t n = nout - lo < j->chunk ? nout - lo : j->chunk;
        const uint8_t *in = op->u.merkle.in->p + op->u.merkle.in_off;
        uint8_t *out = op->u.merkle.out->p + op->u.merkle.out_off;
        uint64_t full = lo + n <= pairs ? n : pairs - lo; /* pairs in this chunk */
        if (full) zg_keccak256_batch(in + lo * 64, 64, full, out + lo * 32);
        if (lo + n > pairs) { /* the odd last node */
            const uint8_t *last = in + (op->u.merkle.n - 1) * 32;
            if (op->u.merkle.odd == ZG_GPU_MERKLE_ODD_DUPLICATE) {
                uint8_t two[64];
                memcpy(two, last, 32);
                memcpy(two + 32, last, 32);
                zg_keccak256(two, 64, out + pairs * 32);
            } else {
                memcpy(out + pairs * 32, last, 32);
            }
        }
        return ZG_OK;
    }
    }
    return ZG_EUNSUPPORTED;
}

static void *worker(void *arg)
{
    zg_gpu_dev *d = arg;
    pthread_mutex_lock(&d->mu);
    for (;;) {
        while (!d->stop && (!d->head || d->head->next >= d->head->nchunks)) pthread_cond_wait(&d->work, &d->mu);
        if (!d->head || d->head->next >= d->head->nchunks) break; /* stopping and drained */
        cpu_job *j = d->head;
        uint64_t c = j->next++;
        pthread_mutex_unlock(&d->mu);
        int rc = run_chunk(j, c);
        pthread_mutex_lock(&d->mu);
        if (rc && !j->status) j->status = rc;
        if (++j->ndone == j->nchunks) {
            d->head = j->qnext;
            if (!d->head) d->tail = NULL;
            d->completed = j->seq;
            if (j->status && !d->first_err) d->first_err = j->status;
            j->finished = 1;
            pthread_cond_broadcast(&d->done);
            pthread_cond_broadcast(&d->work);
            job_unref(j);
        }
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

/* ---- devices ---- */

static uint64_t host_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    return pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz : 0;
}

static void cpu_model(char *out, size_t n)
{
    snprintf(out, n, "cpu");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *v = strchr(line, ':');
            if (v) {
                v++;
                while (*v == ' ') v++;
                v[strcspn(v, "\n")] = 0;
                snprintf(out, n, "%s", v);
            }
            break;
        }
    }
    fclose(f);
}

static int cpu_device_count(void *state) { return 1; }

static int cpu_device_info(void *state, int index, zg_gpu_device_info *info)
{
    cpu_state *st = state;
    if (index != 0) return ZG_ENOTFOUND;
    if (!info || info->struct_size < offsetof(zg_gpu_device_info, name)) return ZG_EINVAL;
    zg_gpu_device_info d = {.struct_size = info->struct_size};
    d.type = ZG_GPU_DEV_CPU;
    snprintf(d.name, sizeof d.name, "%.200s (%d threads)", st->name, st->threads);
    snprintf(d.driver, sizeof d.driver, "ISA-L erasure code, libzgsupport keccak");
    d.memory = host_memory();
    d.compute_units = (uint32_t)st->threads;
    d.flags = ZG_GPU_DEVF_UNIFIED | ZG_GPU_DEVF_USABLE;
    d.ops = ZGG_OPS_STORAGE;
    memcpy(info, &d, info->struct_size < sizeof d ? info->struct_size : sizeof d);
    return ZG_OK;
}

static void cpu_close(zg_gpu_dev *d);

static int cpu_open(void *state, int index, zg_gpu_dev **out)
{
    cpu_state *st = state;
    if (!out) return ZG_EINVAL;
    if (index != 0 && index != -1) return ZG_ENOTFOUND;
    zg_gpu_dev *d = calloc(1, sizeof *d);
    if (!d) return ZG_ENOMEM;
    d->st = st;
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->work, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->done, &ca);
    pthread_condattr_destroy(&ca);
    d->tids = calloc((size_t)st->threads, sizeof *d->tids);
    if (!d->tids) {
        cpu_close(d);
        return ZG_ENOMEM;
    }
    for (int i = 0; i < st->threads; i++) {
        if (pthread_create(&d->tids[i], NULL, worker, d) != 0) {
            st->host->log(st->ctx, ZG_LOG_ERROR, "cannot start worker thread %d: %s", i, strerror(errno));
            cpu_close(d);
            return ZG_ERR;
        }
        d->nthreads++;
    }
    *out = d;
    return ZG_OK;
}

static void cpu_close(zg_gpu_dev *d)
{
    if (!d) return;
    pthread_mutex_lock(&d->mu);
    d->stop = 1;
    pthread_cond_broadcast(&d->work);
    pthread_mutex_unlock(&d->mu);
    for (int i = 0; i < d->nthreads; i++) pthread_join(d->tids[i], NULL);
    free(d->tids);
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->work);
    pthread_cond_destroy(&d->done);
    free(d);
}

/* ---- buffers ---- */

static int cpu_buf_alloc(zg_gpu_dev *d, uint64_t size, unsigned flags, zg_gpu_buf **out)
{
    if (!d || !out || (flags & ~(unsigned)ZG_GPU_BUF_HOST)) return ZG_EINVAL;
    if (size > (uint64_t)SIZE_MAX - 64) return ZG_ENOMEM;
    zg_gpu_buf *b = calloc(1, sizeof *b);
    if (!b) return ZG_ENOMEM;
    /* 64-byte aligned for ISA-L's vector loads; never a NULL pointer for size 0 */
    if (posix_memalign((void **)&b->p, 64, size ? (size_t)size : 64) != 0) {
        free(b);
        return ZG_ENOMEM;
    }
    b->dev = d;
    b->size = size;
    *out = b;
    return ZG_OK;
}

static void cpu_buf_free(zg_gpu_buf *b)
{
    if (!b) return;
    free(b->p);
    free(b);
}

static void *cpu_buf_map(zg_gpu_buf *b) { return b ? b->p : NULL; }
static uint64_t cpu_buf_size(zg_gpu_buf *b) { return b ? b->size : 0; }

/* wait until every job submitted so far has finished */
static void drain(zg_gpu_dev *d)
{
    pthread_mutex_lock(&d->mu);
    uint64_t upto = d->submitted;
    while (d->completed < upto) pthread_cond_wait(&d->done, &d->mu);
    pthread_mutex_unlock(&d->mu);
}

static int cpu_upload(zg_gpu_buf *b, uint64_t off, const void *src, size_t len)
{
    if (!b || (len && !src) || off > b->size || len > b->size - off) return ZG_EINVAL;
    drain(b->dev);
    if (len) memcpy(b->p + off, src, len);
    return ZG_OK;
}

static int cpu_download(zg_gpu_buf *b, uint64_t off, void *dst, size_t len)
{
    if (!b || (len && !dst) || off > b->size || len > b->size - off) return ZG_EINVAL;
    drain(b->dev);
    if (len) memcpy(dst, b->p + off, len);
    return ZG_OK;
}

/* ---- ops ---- */

static int cpu_submit(zg_gpu_dev *d, uint32_t opcode, const void *args, zg_gpu_fence **fence)
{
    if (!d) return ZG_EINVAL;
    cpu_state *st = d->st;
    cpu_job *j = calloc(1, sizeof *j);
    if (!j) return ZG_ENOMEM;
    char why[256];
    int rc = zgg_prepare(opcode, args, ZGG_OPS_STORAGE, bufsize, d, &j->op, why, sizeof why);
    if (rc) {
        if (rc != ZG_EUNSUPPORTED || st->host->log_enabled(st->ctx, ZG_LOG_DEBUG))
            st->host->log(st->ctx, rc == ZG_EUNSUPPORTED ? ZG_LOG_DEBUG : ZG_LOG_WARN, "submit: %s", why);
        free(j);
        return rc;
    }
    int T = st->threads;
    uint64_t units = 0;
    zgg_op *op = &j->op;
    switch (opcode) {
    case ZG_GPU_OP_COPY:
        units = op->u.copy.len;
        j->chunk = chunk_of(units, T, 1u << 20, 64);
        break;
    case ZG_GPU_OP_RS_ENCODE:
    case ZG_GPU_OP_RS_RECONSTRUCT: {
        zgg_gfmat *g = op->u.gf;
        units = g->ndst ? g->len : 0;
        /* A column chunk touches nsrc+ndst shards, and ISA-L reads the
         * sources once per group of output rows: keep a chunk's footprint
         * within a core's L2 (~512 KiB), but chunks no smaller than 4 KiB. */
        uint64_t fit = (512u << 10) / (g->nsrc + g->ndst) / 64 * 64;
        j->chunk = chunk_of(units, T, 4096, 64);
        if (j->chunk > fit) j->chunk = fit > 4096 ? fit : 4096;
        if (g->ndst) {
            j->gftbls = malloc((size_t)32 * g->nsrc * g->ndst);
            if (!j->gftbls) {
                zgg_op_clear(op);
                free(j);
                return ZG_ENOMEM;
            }
            ec_init_tables((int)g->nsrc, (int)g->ndst, g->coef, j->gftbls);
        }
        break;
    }
    case ZG_GPU_OP_KECCAK256_BATCH:
        units = op->u.keccak.n;
        j->chunk = chunk_of(units, T, 1 + (256u << 10) / (op->u.keccak.len + 1), 1);
        break;
    case ZG_GPU_OP_MERKLE_LEVEL:
        units = op->u.merkle.n / 2 + (op->u.merkle.n & 1);
        j->chunk = chunk_of(units, T, 4096, 1);
        break;
    }
    /* an empty op still takes one (no-op) chunk so that it completes in order */
    j->nchunks = units ? div_up(units, j->chunk) : 1;
    if (!units) j->chunk = 0;
    j->dev = d;
    j->refs = fence ? 2 : 1;

    pthread_mutex_lock(&d->mu);
    j->seq = ++d->submitted;
    if (d->tail)
        d->tail->qnext = j;
    else
        d->head = j;
    d->tail = j;
    pthread_cond_broadcast(&d->work);
    pthread_mutex_unlock(&d->mu);
    if (fence) *fence = (zg_gpu_fence *)j;
    return ZG_OK;
}

static int cpu_fence_wait(zg_gpu_fence *f, int64_t timeout_ns)
{
    cpu_job *j = (cpu_job *)f;
    if (!j) return ZG_EINVAL;
    zg_gpu_dev *d = j->dev;
    struct timespec until;
    if (timeout_ns > 0) {
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += timeout_ns / 1000000000;
        until.tv_nsec += timeout_ns % 1000000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
    }
    pthread_mutex_lock(&d->mu);
    while (!j->finished && timeout_ns != 0) {
        if (timeout_ns < 0) {
            pthread_cond_wait(&d->done, &d->mu);
        } else if (pthread_cond_timedwait(&d->done, &d->mu, &until) == ETIMEDOUT) {
            break;
        }
    }
    int rc = j->finished ? j->status : ZG_EBUSY;
    pthread_mutex_unlock(&d->mu);
    return rc;
}

static int cpu_fence_poll(zg_gpu_fence *f) { return cpu_fence_wait(f, 0); }

static void cpu_fence_free(zg_gpu_fence *f)
{
    cpu_job *j = (cpu_job *)f;
    if (!j) return;
    cpu_fence_wait(f, -1);
    zg_gpu_dev *d = j->dev;
    pthread_mutex_lock(&d->mu);
    job_unref(j);
    pthread_mutex_unlock(&d->mu);
}

static int cpu_finish(zg_gpu_dev *d)
{
    if (!d) return ZG_EINVAL;
    drain(d);
    pthread_mutex_lock(&d->mu);
    int rc = d->first_err;
    d->first_err = 0;
    pthread_mutex_unlock(&d->mu);
    return rc;
}

static const zg_gpu_iface cpu_iface = {
    .struct_size = sizeof(zg_gpu_iface),
    .device_count = cpu_device_count,
    .device_info = cpu_device_info,
    .open = cpu_open,
    .close = cpu_close,
    .buf_alloc = cpu_buf_alloc,
    .buf_free = cpu_buf_free,
    .buf_map = cpu_buf_map,
    .buf_size = cpu_buf_size,
    .upload = cpu_upload,
    .download = cpu_download,
    .submit = cpu_submit,
    .fence_wait = cpu_fence_wait,
    .fence_poll = cpu_fence_poll,
    .fence_free = cpu_fence_free,
    .finish = cpu_finish,
};

/* ---- plugin ---- */

static int cpu_init(zg_ctx *ctx, const zg_host_api *host, void **state)
{
    cpu_state *st = calloc(1, sizeof *st);
    if (!st) return ZG_ENOMEM;
    st->ctx = ctx;
    st->host = host;
    st->threads = zgg_nproc();
    int64_t t;
    int rc = host->cfg_int(ctx, "threads", &t);
    if (rc == ZG_OK) {
        if (t < 1 || t > 1024) {
            host->cfg_error(ctx, "threads", "threads must be between 1 and 1024");
            free(st);
            return ZG_EINVAL;
        }
        st->threads = (int)t;
    } else if (rc != ZG_ENOTFOUND) {
        free(st);
        return rc;
    }
    cpu_model(st->name, sizeof st->name);
    host->log(ctx, ZG_LOG_DEBUG, "gpu cpu backend: %s, %d worker threads", st->name, st->threads);
    *state = st;
    return ZG_OK;
}

static void cpu_fini(void *state) { free(state); }

static const zg_plugin_desc cpu_desc = {
    ZG_PLUGIN_HEADER(ZG_KIND_GPU),
    .name = "cpu",
    .version = PACKAGE_VERSION,
    .description = "gpu kind on host cores: ISA-L Reed-Solomon, keccak-256, merkle levels",
    .init = cpu_init,
    .fini = cpu_fini,
    .iface = &cpu_iface,
};

ZG_PLUGIN_DEFINE(cpu_desc)
