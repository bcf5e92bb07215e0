/* The host function table handed to every plugin's init(). */
#include "config.h"
#include "conf.h"
#include "loader.h"
#include "log.h"
#include "metrics.h"
#include "node.h"
#include "rpc.h"
#include "ws.h"
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

static void h_vlog(zg_ctx *ctx, int level, const char *fmt, va_list ap)
{
    zg_logv(ctx ? ctx->instance : "plugin", level, fmt, ap);
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
    (void)ctx;
    return level <= zg_log_get_level();
}

static const char *h_datadir(zg_ctx *ctx) { return ctx->node->datadir; }
static const char *h_instance_name(zg_ctx *ctx) { return ctx->instance; }

/* ---- event loop ---- */

struct zg_timer {
    struct event *ev;
    void (*cb)(void *);
    void *arg;
};

static void timer_fire(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    zg_timer *t = arg;
    t->cb(t->arg);
}

static zg_timer *h_timer_add(zg_ctx *ctx, uint64_t ms, int repeat, void (*cb)(void *), void *arg)
{
    zg_timer *t = calloc(1, sizeof *t);
    if (!t || !cb) {
        free(t);
        return NULL;
    }
    t->cb = cb;
    t->arg = arg;
    t->ev = event_new(ctx->node->base, -1, repeat ? EV_PERSIST : 0, timer_fire, t);
    struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)((ms % 1000) * 1000)};
    if (!t->ev || event_add(t->ev, &tv) != 0) {
        if (t->ev) event_free(t->ev);
        free(t);
        return NULL;
    }
    return t;
}

static void h_timer_del(zg_timer *t)
{
    if (!t) return;
    event_free(t->ev);
    free(t);
}

struct zg_fdwatch {
    struct event *ev;
    void (*cb)(int, unsigned, void *);
    void *arg;
};

static void fd_fire(evutil_socket_t fd, short what, void *arg)
{
    zg_fdwatch *w = arg;
    unsigned ev = ((what & EV_READ) ? ZG_EV_READ : 0) | ((what & EV_WRITE) ? ZG_EV_WRITE : 0);
    w->cb((int)fd, ev, w->arg);
}

static zg_fdwatch *h_fd_add(zg_ctx *ctx, int fd, unsigned events, void (*cb)(int, unsigned, void *), void *arg)
{
    zg_fdwatch *w = calloc(1, sizeof *w);
    if (!w || !cb || fd < 0) {
        free(w);
        return NULL;
    }
    w->cb = cb;
    w->arg = arg;
    short what = EV_PERSIST | ((events & ZG_EV_READ) ? EV_READ : 0) | ((events & ZG_EV_WRITE) ? EV_WRITE : 0);
    w->ev = event_new(ctx->node->base, fd, what, fd_fire, w);
    if (!w->ev || event_add(w->ev, NULL) != 0) {
        if (w->ev) event_free(w->ev);
        free(w);
        return NULL;
    }
    return w;
}

static void h_fd_del(zg_fdwatch *w)
{
    if (!w) return;
    event_free(w->ev);
    free(w);
}

struct posted {
    void (*cb)(void *);
    void *arg;
};

static void post_fire(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct posted p = *(struct posted *)arg;
    free(arg);
    p.cb(p.arg);
}

static int h_post(zg_ctx *ctx, void (*cb)(void *), void *arg)
{
    struct posted *p = malloc(sizeof *p);
    if (!p) return ZG_ENOMEM;
    p->cb = cb;
    p->arg = arg;
    struct timeval zero = {0, 0};
    /* thread-safe: the base was made with evthread_use_pthreads() */
    if (event_base_once(ctx->node->base, -1, EV_TIMEOUT, post_fire, p, &zero) != 0) {
        free(p);
        return ZG_ERR;
    }
    return ZG_OK;
}

/* ---- rpc, plugins, lifecycle ---- */

static int h_rpc_register(zg_ctx *ctx, const char *method, zg_rpc_fn fn, void *arg, unsigned flags)
{
    int rc = zg_rpc_register(ctx->node->rpc, ctx, method, fn, arg, flags);
    if (rc != ZG_OK) LOG_E("plugin %s: cannot register JSON-RPC method '%s'", ctx->instance, method ? method : "");
    return rc;
}

static int h_rpc_register_conn(zg_ctx *ctx, const char *method, zg_rpc_conn_fn fn, void *arg, unsigned flags)
{
    int rc = zg_rpc_register_conn(ctx->node->rpc, ctx, method, fn, arg, flags);
    if (rc != ZG_OK) LOG_E("plugin %s: cannot register JSON-RPC method '%s'", ctx->instance, method ? method : "");
    return rc;
}

static int h_rpc_notify(zg_ctx *ctx, uint64_t conn, const char *method, json_t *params)
{
    json_t *msg = json_pack("{s:s,s:s,s:o}", "jsonrpc", "2.0", "method", method ? method : "", "params",
                            params ? params : json_null());
    if (!msg) return ZG_ENOMEM;
    char *text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (!text) return ZG_ENOMEM;
    int rc = zg_ws_send(ctx->node->ws, conn, text, strlen(text));
    free(text);
    return rc;
}

static int h_rpc_on_close(zg_ctx *ctx, void (*cb)(void *, uint64_t), void *arg)
{
    return ctx->node->ws ? zg_ws_on_close(ctx->node->ws, cb, arg) : ZG_OK;
}

static int h_plugin_find(zg_ctx *ctx, int kind, const char *name, const void **iface, void **state)
{
    zg_ctx *c = zg_plugin_lookup(ctx->node, kind, name);
    if (!c) return ZG_ENOTFOUND;
    if (iface) *iface = c->desc->iface;
    if (state) *state = c->state;
    return ZG_OK;
}

static int h_on_shutdown(zg_ctx *ctx, void (*cb)(void *), void *arg)
{
    zg_hook *h = calloc(1, sizeof *h);
    if (!h) return ZG_ENOMEM;
    h->cb = cb;
    h->arg = arg;
    h->next = ctx->on_shutdown;
    ctx->on_shutdown = h;
    return ZG_OK;
}

static void h_shutdown(zg_ctx *ctx, const char *reason)
{
    zg_node *n = ctx->node;
    snprintf(n->stop_reason, sizeof n->stop_reason, "%s: %s", ctx->instance, reason ? reason : "requested");
    n->stopping = 1;
    event_base_loopexit(n->base, NULL);
}

const zg_host_api zg_host_table = {
    .struct_size = sizeof(zg_host_api),
    .abi_major = ZG_ABI_MAJOR,
    .abi_minor = ZG_ABI_MINOR,
    .log = h_log,
    .vlog = h_vlog,
    .log_enabled = h_log_enabled,
    .cfg_int = zg_cfg_int,
    .cfg_float = zg_cfg_float,
    .cfg_bool = zg_cfg_bool,
    .cfg_string = zg_cfg_string,
    .cfg_count = zg_cfg_count,
    .cfg_error = zg_cfg_error,
    .datadir = h_datadir,
    .instance_name = h_instance_name,
    .timer_add = h_timer_add,
    .timer_del = h_timer_del,
    .fd_add = h_fd_add,
    .fd_del = h_fd_del,
    .post = h_post,
    .metric_new = zg_metric_new,
    .metric_add = zg_metric_add,
    .metric_set = zg_metric_set,
    .rpc_register = h_rpc_register,
    .plugin_find = h_plugin_find,
    .on_shutdown = h_on_shutdown,
    .shutdown = h_shutdown,
    .cfg_type = zg_cfg_type,
    .rpc_register_conn = h_rpc_register_conn,
    .rpc_notify = h_rpc_notify,
    .rpc_on_close = h_rpc_on_close,
};
