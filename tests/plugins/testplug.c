/* A service plugin for core tests, built several times with -D switches to
 * make each broken-plugin case the loader must reject. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zg/kv.h>
#include <zg/plugin.h>

typedef struct {
    zg_ctx *ctx;
    const zg_host_api *h;
    zg_timer *tick;
    zg_metric *ticks;
    const char *greeting;
    int64_t started;
    int use_kv;
    uint64_t subs[16]; /* WebSocket connections subscribed to ticks */
    int nsubs, closed;
    const zg_kv_iface *kv;
    void *kv_state;
    zg_kv_db *db;
    pthread_t loop; /* the thread init ran on: the event loop */
} state_t;

/* which thread a handler ran on: test_thread (plain) must always be the
 * loop; test_thread_conc (ZG_RPC_CONCURRENT) a worker when served over HTTP */
static json_t *on_thread(void *arg, json_t *params, zg_rpc_error *err)
{
    return json_pack("{s:b}", "loop", pthread_equal(pthread_self(), ((state_t *)arg)->loop) != 0);
}

static json_t *echo(void *arg, json_t *params, zg_rpc_error *err)
{
    return json_pack("{s:O?,s:s}", "params", params, "greeting", ((state_t *)arg)->greeting);
}

static json_t *fail(void *arg, json_t *params, zg_rpc_error *err)
{
    err->code = -32000;
    strcpy(err->message, "test failure requested");
    err->data = json_string("0xdeadbeef");
    return NULL;
}

static json_t *started(void *arg, json_t *params, zg_rpc_error *err)
{
    return json_integer(((state_t *)arg)->started);
}

/* test_kv_put [key, value] / test_kv_get [key]: go through the configured kv plugin */
static json_t *kv_put(void *arg, json_t *params, zg_rpc_error *err)
{
    state_t *s = arg;
    const char *k = json_string_value(json_array_get(params, 0)), *v = json_string_value(json_array_get(params, 1));
    if (!s->db || !k || !v) {
        err->code = ZG_RPC_INVALID_PARAMS;
        strcpy(err->message, "need [key, value] and a kv plugin");
        return NULL;
    }
    return json_integer(s->kv->put(s->db, k, strlen(k), v, strlen(v), ZG_KV_SYNC));
}

static json_t *kv_get(void *arg, json_t *params, zg_rpc_error *err)
{
    state_t *s = arg;
    const char *k = json_string_value(json_array_get(params, 0));
    if (!s->db || !k) {
        err->code = ZG_RPC_INVALID_PARAMS;
        strcpy(err->message, "need [key] and a kv plugin");
        return NULL;
    }
    void *v;
    size_t vl;
    int rc = s->kv->get(s->db, NULL, k, strlen(k), &v, &vl);
    if (rc == ZG_ENOTFOUND) return json_null();
    if (rc != ZG_OK) return json_integer(rc);
    json_t *r = json_stringn(v, vl);
    s->kv->free_value(s->db, v);
    return r;
}

/* test_subscribe: push a "test_tick" notification to this connection on every tick */
static json_t *subscribe(void *arg, json_t *params, uint64_t conn, zg_rpc_error *err)
{
    state_t *s = arg;
    if (!conn || s->nsubs == 16) {
        err->code = -32000;
        strcpy(err->message, conn ? "too many subscriptions" : "notifications need a WebSocket connection");
        return NULL;
    }
    s->subs[s->nsubs++] = conn;
    return json_integer((json_int_t)conn);
}

/* test_closed: how many subscribed connections were reported closed */
static json_t *closed(void *arg, json_t *params, zg_rpc_error *err)
{
    return json_integer(((state_t *)arg)->closed);
}

static void on_close(void *arg, uint64_t conn)
{
    state_t *s = arg;
    for (int i = 0; i < s->nsubs; i++)
        if (s->subs[i] == conn) {
            s->subs[i--] = s->subs[--s->nsubs];
            s->closed++;
        }
}

static void on_tick(void *arg)
{
    state_t *s = arg;
    s->h->metric_add(s->ticks, 1);
    for (int i = 0; i < s->nsubs; i++)
        if (s->h->rpc_notify(s->ctx, s->subs[i], "test_tick", json_pack("{s:I}", "sub", (json_int_t)s->subs[i])) ==
            ZG_ENOTFOUND)
            s->h->log(s->ctx, ZG_LOG_ERROR, "notify: connection %llu vanished without a close hook",
                      (unsigned long long)s->subs[i]);
}

static int init(zg_ctx *ctx, const zg_host_api *h, void **out)
{
#ifdef TP_INIT_FAIL
    h->log(ctx, ZG_LOG_ERROR, "refusing to start: built to fail");
    return ZG_EINVAL;
#endif
    state_t *s = calloc(1, sizeof *s);
    if (!s) return ZG_ENOMEM;
    s->ctx = ctx;
    s->h = h;
    s->loop = pthread_self();
    s->greeting = "hello";
    if (h->cfg_string(ctx, "greeting", &s->greeting) == ZG_ETYPE) {
        free(s);
        return ZG_ETYPE;
    }
    if (h->cfg_bool(ctx, "use_kv", &s->use_kv) == ZG_ETYPE) {
        free(s);
        return ZG_ETYPE;
    }
    int64_t ms = 50;
    if (h->cfg_int(ctx, "tick_ms", &ms) == ZG_ETYPE) {
        free(s);
        return ZG_ETYPE;
    }
    s->ticks = h->metric_new(ctx, "zg_test_ticks_total", "timer ticks of the test plugin", ZG_METRIC_COUNTER);
    s->tick = h->timer_add(ctx, (uint64_t)ms, 1, on_tick, s);
    h->rpc_register(ctx, "test_echo", echo, s, 0);
    h->rpc_register(ctx, "test_fail", fail, s, 0);
    h->rpc_register(ctx, "test_started", started, s, 0);
    h->rpc_register(ctx, "test_kv_put", kv_put, s, 0);
    h->rpc_register(ctx, "test_kv_get", kv_get, s, 0);
    h->rpc_register_conn(ctx, "test_subscribe", subscribe, s, 0);
    h->rpc_register(ctx, "test_closed", closed, s, 0);
    h->rpc_register(ctx, "test_thread", on_thread, s, 0);
    h->rpc_register(ctx, "test_thread_conc", on_thread, s, ZG_RPC_CONCURRENT);
    h->rpc_on_close(ctx, on_close, s);
    h->log(ctx, ZG_LOG_INFO, "test plugin up, greeting '%s'", s->greeting);
    *out = s;
    return ZG_OK;
}

static int start(void *st)
{
    state_t *s = st;
    s->started = 1;
    if (s->use_kv) {
        const void *iface;
        if (s->h->plugin_find(s->ctx, ZG_KIND_KV, NULL, &iface, &s->kv_state) != ZG_OK) return ZG_ENOTFOUND;
        s->kv = iface;
        return s->kv->open(s->kv_state, "test", &s->db);
    }
    return ZG_OK;
}

static void fini(void *st)
{
    state_t *s = st;
    s->h->timer_del(s->tick);
    if (s->db) s->kv->close(s->db);
    s->h->log(s->ctx, ZG_LOG_INFO, "test plugin stopped");
    free(s);
}

#ifndef TP_KIND
#define TP_KIND ZG_KIND_SERVICE
#endif

static const zg_plugin_desc desc = {
    ZG_PLUGIN_HEADER(TP_KIND),
    .name = "test",
    .version = "0.0.1",
    .description = "core test plugin",
    .init = init,
    .start = start,
    .fini = fini,
};

#ifdef TP_WRONG_MAGIC
static zg_plugin_desc bad;
ZG_EXPORT const zg_plugin_desc *zg_plugin_entry(void)
{
    bad = desc;
    bad.magic = 0x12345678;
    return &bad;
}
#elif defined(TP_WRONG_ABI)
static zg_plugin_desc bad;
ZG_EXPORT const zg_plugin_desc *zg_plugin_entry(void)
{
    bad = desc;
    bad.abi_major = 99;
    return &bad;
}
#elif defined(TP_NO_ENTRY)
ZG_EXPORT const zg_plugin_desc *some_other_symbol(void) { return &desc; }
#else
ZG_PLUGIN_DEFINE(desc)
#endif
