/* A minimal zg_host_api for tools and tests (see minihost.h). */
#include "config.h"
#include "minihost.h"

#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#ifndef ZG_PLUGINDIR
#define ZG_PLUGINDIR "/usr/local/lib/zgnode/plugins"
#endif

struct zg_ctx {
    zg_mh_plugin *p;
    json_t *cfg; /* own reference, or NULL */
};

#define MAX_LOADED 64
static zg_mh_plugin *loaded[MAX_LOADED];
static int log_level = -1;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

void zg_mh_set_log_level(int level) { log_level = level; }

static int level_now(void)
{
    if (log_level < 0) {
        const char *e = getenv("ZG_LOG_LEVEL");
        static const char *const names[] = {"error", "warn", "info", "debug", "trace"};
        log_level = ZG_LOG_WARN;
        for (int i = 0; e && i < 5; i++)
            if (strcasecmp(e, names[i]) == 0) log_level = i;
    }
    return log_level;
}

static int mh_log_enabled(zg_ctx *ctx, int level) { return level <= level_now(); }

static void mh_vlog(zg_ctx *ctx, int level, const char *fmt, va_list ap)
{
    static const char *const tags[] = {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
    if (level > level_now()) return;
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    pthread_mutex_lock(&log_mu);
    fprintf(stderr, "[%s] %s: %s\n", ctx && ctx->p ? ctx->p->instance : "host",
            level >= 0 && level <= 4 ? tags[level] : "?", msg);
    pthread_mutex_unlock(&log_mu);
}

static void mh_log(zg_ctx *ctx, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mh_vlog(ctx, level, fmt, ap);
    va_end(ap);
}

/* "a.b.[2].c" relative to the plugin's config object */
static json_t *walk(zg_ctx *ctx, const char *path)
{
    json_t *v = ctx->cfg;
    if (!path || !*path) return v;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save)) {
        if (tok[0] == '[') {
            char *end;
            long i = strtol(tok + 1, &end, 10);
            v = (*end == ']' && i >= 0 && json_is_array(v)) ? json_array_get(v, (size_t)i) : NULL;
        } else {
            v = json_is_object(v) ? json_object_get(v, tok) : NULL;
        }
    }
    return v;
}

static int type_error(zg_ctx *ctx, const char *path, const char *want)
{
    mh_log(ctx, ZG_LOG_ERROR, "config %s: must be %s", path ? path : "(group)", want);
    return ZG_ETYPE;
}

static int mh_cfg_int(zg_ctx *ctx, const char *path, int64_t *out)
{
    json_t *v = walk(ctx, path);
    if (!v) return ZG_ENOTFOUND;
    if (!json_is_integer(v)) return type_error(ctx, path, "an integer");
    *out = json_integer_value(v);
    return ZG_OK;
}

static int mh_cfg_float(zg_ctx *ctx, const char *path, double *out)
{
    json_t *v = walk(ctx, path);
    if (!v) return ZG_ENOTFOUND;
    if (!json_is_number(v)) return type_error(ctx, path, "a number");
    *out = json_number_value(v);
    return ZG_OK;
}

static int mh_cfg_bool(zg_ctx *ctx, const char *path, int *out)
{
    json_t *v = walk(ctx, path);
    if (!v) return ZG_ENOTFOUND;
    if (!json_is_boolean(v)) return type_error(ctx, path, "a boolean");
    *out = json_is_true(v);
    return ZG_OK;
}

static int mh_cfg_string(zg_ctx *ctx, const char *path, const char **out)
{
    json_t *v = walk(ctx, path);
    if (!v) return ZG_ENOTFOUND;
    if (!json_is_string(v)) return type_error(ctx, path, "a string");
    *out = json_string_value(v);
    return ZG_OK;
}

static int mh_cfg_count(zg_ctx *ctx, const char *path)
{
    json_t *v = walk(ctx, path);
    if (!v) return ZG_ENOTFOUND;
    if (json_is_array(v)) return (int)json_array_size(v);
    if (json_is_object(v)) return (int)json_object_size(v);
    return type_error(ctx, path, "a group or list");
}

static int mh_cfg_type(zg_ctx *ctx, const char *path)
{
    json_t *v = walk(ctx, path);
    if (!v) return ZG_ENOTFOUND;
    if (json_is_integer(v)) return ZG_CFG_INT;
    if (json_is_real(v)) return ZG_CFG_FLOAT;
    if (json_is_boolean(v)) return ZG_CFG_BOOL;
    if (json_is_string(v)) return ZG_CFG_STRING;
    return json_is_object(v) ? ZG_CFG_GROUP : ZG_CFG_LIST;
}

static void mh_cfg_error(zg_ctx *ctx, const char *path, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mh_log(ctx, ZG_LOG_ERROR, "config %s: %s", path ? path : "(group)", msg);
}

static const char *mh_datadir(zg_ctx *ctx)
{
    const char *d = getenv("ZG_DATADIR");
    return d && *d ? d : "/tmp";
}

static const char *mh_instance_name(zg_ctx *ctx) { return ctx->p->instance; }

static zg_timer *mh_timer_add(zg_ctx *ctx, uint64_t ms, int repeat, void (*cb)(void *), void *arg)
{
    mh_log(ctx, ZG_LOG_WARN, "timer_add: this host has no event loop");
    return NULL;
}
static void mh_timer_del(zg_timer *t) {}
static zg_fdwatch *mh_fd_add(zg_ctx *ctx, int fd, unsigned ev, void (*cb)(int, unsigned, void *), void *arg)
{
    mh_log(ctx, ZG_LOG_WARN, "fd_add: this host has no event loop");
    return NULL;
}
static void mh_fd_del(zg_fdwatch *w) {}
static int mh_post(zg_ctx *ctx, void (*cb)(void *), void *arg) { return ZG_EUNSUPPORTED; }

/* metrics are accepted and dropped */
static zg_metric *mh_metric_new(zg_ctx *ctx, const char *name, const char *help, int type)
{
    static char dummy;
    return (zg_metric *)&dummy;
}
static void mh_metric_add(zg_metric *m, double v) {}
static void mh_metric_set(zg_metric *m, double v) {}
static int mh_rpc_register(zg_ctx *ctx, const char *method, zg_rpc_fn fn, void *arg, unsigned flags)
{
    return ZG_OK;
}

static int mh_plugin_find(zg_ctx *ctx, int kind, const char *name, const void **iface, void **state)
{
    for (int i = 0; i < MAX_LOADED; i++) {
        zg_mh_plugin *p = loaded[i];
        if (!p || (int)p->desc->kind != kind) continue;
        if (name && strcmp(name, p->instance) != 0) continue;
        if (iface) *iface = p->desc->iface;
        if (state) *state = p->state;
        return ZG_OK;
    }
    return ZG_ENOTFOUND;
}

static int mh_on_shutdown(zg_ctx *ctx, void (*cb)(void *), void *arg) { return ZG_OK; }
static void mh_shutdown(zg_ctx *ctx, const char *reason)
{
    mh_log(ctx, ZG_LOG_WARN, "plugin asked to shut down: %s", reason ? reason : "");
}

static const zg_host_api mh_api = {
    .struct_size = sizeof(zg_host_api),
    .abi_major = ZG_ABI_MAJOR,
    .abi_minor = ZG_ABI_MINOR,
    .log = mh_log,
    .vlog = mh_vlog,
    .log_enabled = mh_log_enabled,
    .cfg_int = mh_cfg_int,
    .cfg_float = mh_cfg_float,
    .cfg_bool = mh_cfg_bool,
    .cfg_string = mh_cfg_string,
    .cfg_type = mh_cfg_type,
    .cfg_count = mh_cfg_count,
    .cfg_error = mh_cfg_error,
    .datadir = mh_datadir,
    .instance_name = mh_instance_name,
    .timer_add = mh_timer_add,
    .timer_del = mh_timer_del,
    .fd_add = mh_fd_add,
    .fd_del = mh_fd_del,
    .post = mh_post,
    .metric_new = mh_metric_new,
    .metric_add = mh_metric_add,
    .metric_set = mh_metric_set,
    .rpc_register = mh_rpc_register,
    .plugin_find = mh_plugin_find,
    .on_shutdown = mh_on_shutdown,
    .shutdown = mh_shutdown,
};

static void free_plugin(zg_mh_plugin *p)
{
    if (!p) return;
    if (p->ctx) {
        json_decref(p->ctx->cfg);
        free(p->ctx);
    }
    if (p->dl) dlclose(p->dl);
    free(p->path);
    free(p->instance);
    free(p);
}

int zg_mh_load(const char *path, const char *instance, json_t *config, int want_kind,
               zg_mh_plugin **out, char *err, size_t errlen)
{
    zg_mh_plugin *p = calloc(1, sizeof *p);
    if (!p) return ZG_ENOMEM;
    p->path = strdup(path);
    p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!p->dl) {
        snprintf(err, errlen, "%s", dlerror());
        free_plugin(p);
        return ZG_ENOTFOUND;
    }
    zg_plugin_entry_fn entry;
    *(void **)&entry = dlsym(p->dl, ZG_PLUGIN_ENTRY_SYMBOL);
    const zg_plugin_desc *d = entry ? entry() : NULL;
    if (!d) {
        snprintf(err, errlen, "%s: no %s", path, ZG_PLUGIN_ENTRY_SYMBOL);
        free_plugin(p);
        return ZG_EINVAL;
    }
    if (d->magic != ZG_PLUGIN_MAGIC || d->abi_major != ZG_ABI_MAJOR || d->abi_minor > ZG_ABI_MINOR ||
        d->struct_size < offsetof(zg_plugin_desc, iface) + sizeof(void *)) {
        snprintf(err, errlen, "%s: incompatible plugin (ABI %u.%u, host %d.%d)", path, d->abi_major,
                 d->abi_minor, ZG_ABI_MAJOR, ZG_ABI_MINOR);
        free_plugin(p);
        return ZG_EINVAL;
    }
    if (want_kind && (int)d->kind != want_kind) {
        snprintf(err, errlen, "%s: kind %s, expected %s", path, zg_kind_name((int)d->kind) ? zg_kind_name((int)d->kind) : "?",
                 zg_kind_name(want_kind) ? zg_kind_name(want_kind) : "?");
        free_plugin(p);
        return ZG_EINVAL;
    }
    p->desc = d;
    p->instance = strdup(instance ? instance : d->name);
    p->ctx = calloc(1, sizeof *p->ctx);
    if (!p->path || !p->instance || !p->ctx) {
        free_plugin(p);
        return ZG_ENOMEM;
    }
    p->ctx->p = p;
    p->ctx->cfg = config ? json_incref(config) : NULL;
    int slot = -1;
    for (int i = 0; i < MAX_LOADED && slot < 0; i++)
        if (!loaded[i]) slot = i;
    if (slot < 0) {
        snprintf(err, errlen, "too many plugins loaded");
        free_plugin(p);
        return ZG_ERANGE;
    }
    int rc = d->init ? d->init(p->ctx, &mh_api, &p->state) : ZG_OK;
    if (rc != ZG_OK) {
        snprintf(err, errlen, "%s: init failed (%d)", path, rc);
        free_plugin(p);
        return rc;
    }
    loaded[slot] = p;
    if (d->start && (rc = d->start(p->state)) != ZG_OK) {
        snprintf(err, errlen, "%s: start failed (%d)", path, rc);
        zg_mh_unload(p);
        return rc;
    }
    *out = p;
    return ZG_OK;
}

void zg_mh_unload(zg_mh_plugin *p)
{
    if (!p) return;
    for (int i = 0; i < MAX_LOADED; i++)
        if (loaded[i] == p) loaded[i] = NULL;
    if (p->desc && p->desc->fini) p->desc->fini(p->state);
    free_plugin(p);
}

const char *zg_mh_default_path(void)
{
    static char buf[8192];
    const char *e = getenv("ZG_PLUGIN_PATH");
    if (e && *e)
        snprintf(buf, sizeof buf, "%s:%s", e, ZG_PLUGINDIR);
    else
        snprintf(buf, sizeof buf, "%s", ZG_PLUGINDIR);
    return buf;
}

int zg_mh_locate(const char *dirs, const char *name, char *out, size_t outlen)
{
    const char *s = dirs;
    while (s && *s) {
        size_t n = strcspn(s, ":");
        if (n) {
            struct stat sb;
            snprintf(out, outlen, "%.*s/%s", (int)n, s, name);
            if (stat(out, &sb) == 0 && S_ISREG(sb.st_mode)) return 0;
        }
        s += n;
        if (*s == ':') s++;
    }
    return -1;
}

static int cmp_base(const void *a, const void *b)
{
    const char *x = strrchr(*(char *const *)a, '/'), *y = strrchr(*(char *const *)b, '/');
    return strcmp(x ? x : *(char *const *)a, y ? y : *(char *const *)b);
}

int zg_mh_scan(const char *dirs, const char *prefix, char ***paths)
{
    char **v = NULL;
    int n = 0, cap = 0;
    size_t plen = strlen(prefix);
    const char *s = dirs;
    while (s && *s) {
        size_t dl = strcspn(s, ":");
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", (int)dl, s);
        s += dl;
        if (*s == ':') s++;
        DIR *d = dl ? opendir(dir) : NULL;
        if (!d) continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t el = strlen(e->d_name);
            if (el < plen + 3 || strncmp(e->d_name, prefix, plen) != 0 || strcmp(e->d_name + el - 3, ".so") != 0)
                continue;
            int dup = 0;
            for (int i = 0; i < n && !dup; i++) dup = strcmp(strrchr(v[i], '/') + 1, e->d_name) == 0;
            if (dup) continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                char **nv = realloc(v, (size_t)cap * sizeof *v);
                if (!nv) {
                    closedir(d);
                    zg_mh_free_list(v, n);
                    return -1;
                }
                v = nv;
            }
            size_t len = strlen(dir) + el + 2;
            v[n] = malloc(len);
            if (!v[n]) {
                closedir(d);
                zg_mh_free_list(v, n);
                return -1;
            }
            snprintf(v[n], len, "%s/%s", dir, e->d_name);
            n++;
        }
        closedir(d);
    }
    if (n > 1) qsort(v, (size_t)n, sizeof *v, cmp_base);
    *paths = v;
    return n;
}

void zg_mh_free_list(char **paths, int n)
{
    for (int i = 0; i < n; i++) free(paths[i]);
    free(paths);
}
