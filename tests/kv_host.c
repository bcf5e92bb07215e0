/* tests/kv_host.c — the test-only kv plugin host (see kv_host.h). */
#define _GNU_SOURCE
#include "kv_host.h"

#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct zg_ctx {
    kvh_plugin *p;
    char *datadir;
    char *instance;
    kvh_cfg *cfg;
    size_t ncfg;
};

static atomic_uint error_count;
static int log_level = -1;

unsigned kvh_error_count(void)
{
    return atomic_load(&error_count);
}

void kvh_set_log_level(int level)
{
    log_level = level;
}

static int cur_level(void)
{
    if (log_level < 0) {
        const char *e = getenv("ZG_TEST_LOG_LEVEL");
        log_level = e && *e ? atoi(e) : ZG_LOG_INFO;
    }
    return log_level;
}

/* ---------------------------------------------------------------- host api */

static void h_vlog(zg_ctx *ctx, int level, const char *fmt, va_list ap)
{
    static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
    if (level <= ZG_LOG_ERROR) atomic_fetch_add(&error_count, 1);
    if (level > cur_level()) return;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    /* one write per line so threads do not interleave; "# " keeps TAP clean */
    fprintf(stderr, "# [kv-%s] %s %s\n", ctx && ctx->p ? ctx->p->name : "?",
            level >= 0 && level <= 4 ? names[level] : "?", msg);
}

static void h_log(zg_ctx *ctx, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    h_vlog(ctx, level, fmt, ap);
    va_end(ap);
}

static int h_log_enabled(zg_ctx *ctx, int level)
{
    return level <= cur_level();
}

static const kvh_cfg *cfg_find(zg_ctx *ctx, const char *path)
{
    for (size_t i = 0; ctx && path && i < ctx->ncfg; i++)
        if (!strcmp(ctx->cfg[i].key, path)) return &ctx->cfg[i];
    return NULL;
}

static int cfg_type_error(zg_ctx *ctx, const char *path, const char *want)
{
    h_log(ctx, ZG_LOG_ERROR, "test.conf:1: %s: expected %s", path, want);
    return ZG_ETYPE;
}

static int h_cfg_int(zg_ctx *ctx, const char *path, int64_t *out)
{
    const kvh_cfg *c = cfg_find(ctx, path);
    if (!c) return ZG_ENOTFOUND;
    if (c->type != 'i') return cfg_type_error(ctx, path, "an integer");
    *out = c->i;
    return ZG_OK;
}

static int h_cfg_float(zg_ctx *ctx, const char *path, double *out)
{
    const kvh_cfg *c = cfg_find(ctx, path);
    if (!c) return ZG_ENOTFOUND;
    if (c->type == 'f')
        *out = c->f;
    else if (c->type == 'i')
        *out = (double)c->i;
    else
        return cfg_type_error(ctx, path, "a number");
    return ZG_OK;
}

static int h_cfg_bool(zg_ctx *ctx, const char *path, int *out)
{
    const kvh_cfg *c = cfg_find(ctx, path);
    if (!c) return ZG_ENOTFOUND;
    if (c->type != 'b') return cfg_type_error(ctx, path, "a boolean");
    *out = c->i != 0;
    return ZG_OK;
}

static int h_cfg_string(zg_ctx *ctx, const char *path, const char **out)
{
    const kvh_cfg *c = cfg_find(ctx, path);
    if (!c) return ZG_ENOTFOUND;
    if (c->type != 's') return cfg_type_error(ctx, path, "a string");
    *out = c->s;
    return ZG_OK;
}

static int h_cfg_count(zg_ctx *ctx, const char *path)
{
    if (!path || !*path) return (int)(ctx ? ctx->ncfg : 0);
    return cfg_find(ctx, path) ? ZG_ETYPE : ZG_ENOTFOUND;
}

static int h_cfg_type(zg_ctx *ctx, const char *path)
{
    if (!path || !*path) return ZG_CFG_GROUP;
    const kvh_cfg *c = cfg_find(ctx, path);
    if (!c) return ZG_ENOTFOUND;
    switch (c->type) {
    case 'i': return ZG_CFG_INT;
    case 'f': return ZG_CFG_FLOAT;
    case 'b': return ZG_CFG_BOOL;
    default: return ZG_CFG_STRING;
    }
}

static void h_cfg_error(zg_ctx *ctx, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    h_log(ctx, ZG_LOG_ERROR, "test.conf:1: %s: %s", path ? path : "", msg);
}

static const char *h_datadir(zg_ctx *ctx)
{
    return ctx ? ctx->datadir : NULL;
}

static const char *h_instance_name(zg_ctx *ctx)
{
    return ctx ? ctx->instance : NULL;
}

/* No event loop in the test host: registrations fail politely. */
static zg_timer *h_timer_add(zg_ctx *ctx, uint64_t ms, int repeat, void (*cb)(void *), void *arg)
{
    return NULL;
}
static void h_timer_del(zg_timer *t) {}
static zg_fdwatch *h_fd_add(zg_ctx *ctx, int fd, unsigned ev, void (*cb)(int, unsigned, void *),
                            void *arg)
{
    return NULL;
}
static void h_fd_del(zg_fdwatch *w) {}
static int h_post(zg_ctx *ctx, void (*cb)(void *), void *arg)
{
    return ZG_EUNSUPPORTED;
}

/* Metrics: one static dummy so plugins can call metric_add blindly. */
static struct zg_metric {
    int unused;
} dummy_metric;
static zg_metric *h_metric_new(zg_ctx *ctx, const char *name, const char *help, int type)
{
    return &dummy_metric;
}
static void h_metric_add(zg_metric *m, double v) {}
static void h_metric_set(zg_metric *m, double v) {}

static int h_rpc_register(zg_ctx *ctx, const char *method, zg_rpc_fn fn, void *arg, unsigned flags)
{
    return ZG_OK;
}
static int h_plugin_find(zg_ctx *ctx, int kind, const char *name, const void **iface, void **state)
{
    return ZG_ENOTFOUND;
}
static int h_on_shutdown(zg_ctx *ctx, void (*cb)(void *), void *arg)
{
    return ZG_OK;
}
static void h_shutdown(zg_ctx *ctx, const char *reason)
{
    h_log(ctx, ZG_LOG_WARN, "plugin asked the node to stop: %s", reason ? reason : "");
}

static const zg_host_api host_api = {
    .struct_size = sizeof(zg_host_api),
    .abi_major = ZG_ABI_MAJOR,
    .abi_minor = ZG_ABI_MINOR,
    .log = h_log,
    .vlog = h_vlog,
    .log_enabled = h_log_enabled,
    .cfg_int = h_cfg_int,
    .cfg_float = h_cfg_float,
    .cfg_bool = h_cfg_bool,
    .cfg_string = h_cfg_string,
    .cfg_count = h_cfg_count,
    .cfg_error = h_cfg_error,
    .datadir = h_datadir,
    .instance_name = h_instance_name,
    .timer_add = h_timer_add,
    .timer_del = h_timer_del,
    .fd_add = h_fd_add,
    .fd_del = h_fd_del,
    .post = h_post,
    .metric_new = h_metric_new,
    .metric_add = h_metric_add,
    .metric_set = h_metric_set,
    .rpc_register = h_rpc_register,
    .plugin_find = h_plugin_find,
    .on_shutdown = h_on_shutdown,
    .shutdown = h_shutdown,
    .cfg_type = h_cfg_type,
};

/* ---------------------------------------------------------------- loading */

void kvh_plugin_file(const char *name, char *buf, size_t len)
{
    const char *dir = getenv("ZG_PLUGIN_PATH");
    if (!dir || !*dir) dir = ".plugins";
    snprintf(buf, len, "%s/zg-kv-%s.so", dir, name);
}

int kvh_plugin_exists(const char *name)
{
    char f[4096];
    kvh_plugin_file(name, f, sizeof f);
    return access(f, R_OK) == 0;
}

int kvh_load(kvh_plugin *p, const char *name, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    kvh_plugin_file(name, p->file, sizeof p->file);
    /* RTLD_NODELETE: storage engines leave background threads running in
     * their library; unmapping it under them would crash the process. */
    p->dl = dlopen(p->file, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!p->dl) {
        snprintf(err, errlen, "dlopen %s: %s", p->file, dlerror());
        return -1;
    }
    zg_plugin_entry_fn entry;
    *(void **)&entry = dlsym(p->dl, ZG_PLUGIN_ENTRY_SYMBOL);
    const zg_plugin_desc *d = entry ? entry() : NULL;
    const char *why = NULL;
    if (!entry)
        why = "no " ZG_PLUGIN_ENTRY_SYMBOL " symbol";
    else if (!d)
        why = "entry returned NULL";
    else if (d->magic != ZG_PLUGIN_MAGIC)
        why = "bad magic";
    else if (d->abi_major != ZG_ABI_MAJOR || d->abi_minor > ZG_ABI_MINOR)
        why = "ABI version mismatch";
    else if (d->struct_size < offsetof(zg_plugin_desc, iface) + sizeof(void *))
        why = "descriptor too small";
    else if (d->kind != ZG_KIND_KV)
        why = "not a kv plugin";
    else if (!d->name || strcmp(d->name, name))
        why = "descriptor name differs from the file name";
    else if (!d->init || !d->fini || !d->iface)
        why = "init, fini or iface missing";
    else if (((const zg_kv_iface *)d->iface)->struct_size < sizeof(zg_kv_iface))
        why = "kv interface table too small";
    if (why) {
        if (d && d->magic == ZG_PLUGIN_MAGIC && why[0] == 'A')
            snprintf(err, errlen, "%s: %s (plugin %u.%u, host %u.%u)", p->file, why, d->abi_major,
                     d->abi_minor, ZG_ABI_MAJOR, ZG_ABI_MINOR);
        else
            snprintf(err, errlen, "%s: %s", p->file, why);
        dlclose(p->dl);
        p->dl = NULL;
        return -1;
    }
    p->desc = d;
    p->kv = d->iface;
    return 0;
}

int kvh_init(kvh_plugin *p, const char *datadir, const char *instance, const kvh_cfg *cfg,
             size_t ncfg)
{
    struct zg_ctx *c = calloc(1, sizeof *c);
    if (!c) return ZG_ENOMEM;
    c->p = p;
    c->datadir = strdup(datadir);
    c->instance = strdup(instance ? instance : p->name);
    c->cfg = ncfg ? calloc(ncfg, sizeof *cfg) : NULL;
    if (!c->datadir || !c->instance || (ncfg && !c->cfg)) {
        free(c->datadir);
        free(c->instance);
        free(c->cfg);
        free(c);
        return ZG_ENOMEM;
    }
    if (ncfg) memcpy(c->cfg, cfg, ncfg * sizeof *cfg);
    c->ncfg = ncfg;
    p->ctx = c;
    p->state = NULL;
    int rc = p->desc->init(c, &host_api, &p->state);
    if (rc == 0 && p->desc->start) rc = p->desc->start(p->state);
    if (rc != 0) {
        if (p->state) p->desc->fini(p->state);
        p->state = NULL;
        free(c->datadir);
        free(c->instance);
        free(c->cfg);
        free(c);
        p->ctx = NULL;
    }
    return rc;
}

void kvh_fini(kvh_plugin *p)
{
    if (p->ctx) {
        p->desc->fini(p->state);
        free(p->ctx->datadir);
        free(p->ctx->instance);
        free(p->ctx->cfg);
        free(p->ctx);
    }
    p->ctx = NULL;
    p->state = NULL;
}

void kvh_unload(kvh_plugin *p)
{
    kvh_fini(p);
    if (p->dl) dlclose(p->dl);
    p->dl = NULL;
    p->desc = NULL;
    p->kv = NULL;
}

/* ---------------------------------------------------------------- files */

char *kvh_tmpdir(const char *tag)
{
    static atomic_uint counter;
    const char *base = getenv("ZG_BUILDDIR");
    char cwd[PATH_MAX];
    if (!base || !*base) base = getcwd(cwd, sizeof cwd);
    if (!base) return NULL;
    char *dir = NULL;
    if (asprintf(&dir, "%s/tests", base) < 0) return NULL;
    mkdir(dir, 0755);
    free(dir);
    if (asprintf(&dir, "%s/tests/tmp", base) < 0) return NULL;
    mkdir(dir, 0755);
    free(dir);
    unsigned n = atomic_fetch_add(&counter, 1);
    if (asprintf(&dir, "%s/tests/tmp/%s-%ld-%u", base, tag, (long)getpid(), n) < 0) return NULL;
    kvh_rmtree(dir);
    if (mkdir(dir, 0755) != 0) {
        fprintf(stderr, "# cannot create %s: %s\n", dir, strerror(errno));
        free(dir);
        return NULL;
    }
    return dir;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

int kvh_rmtree(const char *path)
{
    if (access(path, F_OK) != 0) return 0;
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

uint64_t kvh_seed(void)
{
    const char *e = getenv("ZG_TEST_SEED");
    if (e && *e) return strtoull(e, NULL, 0);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_sec * 1000003u) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
}
