/* hello: an example zgnode service plugin, built outside the zgnode tree
 * against the installed SDK only (pkg-config zg-plugin).
 *
 * It shows the whole plugin surface: reading its config, logging, finding
 * another plugin (the kv backend), registering a JSON-RPC method, a metric
 * and the support library (keccak-256).
 *
 *   hello_greet(name) -> {"message": "<greeting>, <name>!", "count": N, "hash": "0x.."}
 * N counts greetings per name, persisted in the kv backend. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/keccak.h>
#include <zg/kv.h>
#include <zg/plugin.h>

typedef struct {
    zg_ctx *ctx;
    const zg_host_api *h;
    const char *greeting;
    const char *kv_name; /* kv instance to use; NULL = the first one */
    const zg_kv_iface *kv;
    void *kv_state;
    zg_kv_db *db;
    zg_metric *greets;
} hello;

static json_t *greet(void *arg, json_t *params, zg_rpc_error *err)
{
    hello *s = arg;
    const char *name = json_string_value(json_array_get(params, 0));
    if (!json_is_array(params) || json_array_size(params) != 1 || !name) {
        err->code = ZG_RPC_INVALID_PARAMS;
        snprintf(err->message, sizeof err->message, "expected params [name]");
        return NULL;
    }
    uint64_t count = 0;
    void *val;
    size_t vlen;
    int rc = s->kv->get(s->db, NULL, name, strlen(name), &val, &vlen);
    if (rc == ZG_OK) {
        if (vlen == sizeof count) memcpy(&count, val, sizeof count);
        s->kv->free_value(s->db, val);
    } else if (rc != ZG_ENOTFOUND) {
        snprintf(err->message, sizeof err->message, "kv read failed (%d)", rc);
        return NULL;
    }
    count++;
    if (s->kv->put(s->db, name, strlen(name), &count, sizeof count, ZG_KV_SYNC) != ZG_OK) {
        snprintf(err->message, sizeof err->message, "kv write failed");
        return NULL;
    }
    s->h->metric_add(s->greets, 1);
    char msg[300], hex[67] = "0x";
    snprintf(msg, sizeof msg, "%s, %s!", s->greeting, name);
    uint8_t d[32];
    zg_keccak256(msg, strlen(msg), d);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 + 2 * i, 3, "%02x", d[i]);
    return json_pack("{s:s,s:I,s:s}", "message", msg, "count", (json_int_t)count, "hash", hex);
}

static int init(zg_ctx *ctx, const zg_host_api *h, void **out)
{
    hello *s = calloc(1, sizeof *s);
    if (!s) return ZG_ENOMEM;
    s->ctx = ctx;
    s->h = h;
    s->greeting = "Hello";
    /* absent keys keep their defaults; a wrong type fails the start */
    if (h->cfg_string(ctx, "greeting", &s->greeting) == ZG_ETYPE ||
        h->cfg_string(ctx, "kv", &s->kv_name) == ZG_ETYPE) {
        free(s);
        return ZG_ETYPE;
    }
    s->greets = h->metric_new(ctx, "zg_hello_greetings_total", "greetings served", ZG_METRIC_COUNTER);
    if (h->rpc_register(ctx, "hello_greet", greet, s, 0) != ZG_OK) {
        free(s);
        return ZG_ERR;
    }
    *out = s;
    return ZG_OK;
}

/* other plugins are initialised by now: find the kv backend */
static int start(void *st)
{
    hello *s = st;
    const void *iface;
    if (s->h->plugin_find(s->ctx, ZG_KIND_KV, s->kv_name, &iface, &s->kv_state) != ZG_OK) {
        s->h->log(s->ctx, ZG_LOG_ERROR, "no kv plugin%s%s loaded: add one before hello in `plugins`",
                  s->kv_name ? " named " : "", s->kv_name ? s->kv_name : "");
        return ZG_ENOTFOUND;
    }
    s->kv = iface;
    int rc = s->kv->open(s->kv_state, "hello", &s->db);
    if (rc != ZG_OK) return rc;
    s->h->log(s->ctx, ZG_LOG_INFO, "hello ready, greeting '%s'", s->greeting);
    return ZG_OK;
}

static void fini(void *st)
{
    hello *s = st;
    if (s->db) s->kv->close(s->db);
    free(s);
}

static const zg_plugin_desc desc = {
    ZG_PLUGIN_HEADER(ZG_KIND_SERVICE),
    .name = "hello",
    .version = "1.0.0",
    .description = "example service plugin: greets and counts",
    .init = init,
    .start = start,
    .fini = fini,
};
ZG_PLUGIN_DEFINE(desc)
