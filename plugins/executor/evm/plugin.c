/* plugin.c — the executor interface (zg/executor.h) over the interpreter.
 * Config (all optional):
 *   cache_mb = 256;   # analysis cache per executor, MiB (cleared when full)
 * The descriptor is also reachable without dlopen through
 * zg_evm_plugin_desc() (evm_plugin.h) for tools and tests that link the
 * interpreter statically. */
#include "config.h"
#include <stddef.h>
#include <stdlib.h>
#include "evm.h"
#include "evm_plugin.h"

typedef struct evm_plugin {
    zg_ctx *ctx;
    const zg_host_api *host;
    size_t cache_bytes;
} evm_plugin;

struct zg_executor {
    evm_exec ex;
};

static int p_init(zg_ctx *ctx, const zg_host_api *host, void **state)
{
    evm_plugin *p = calloc(1, sizeof *p);
    if (!p) return ZG_ENOMEM;
    p->ctx = ctx;
    p->host = host;
    p->cache_bytes = (size_t)256 << 20;
    if (host && ctx) {
        int64_t mb;
        int rc = host->cfg_int(ctx, "cache_mb", &mb);
        if (rc == ZG_OK) {
            if (mb < 1 || mb > (1 << 20)) {
                host->cfg_error(ctx, "cache_mb", "must be between 1 and 1048576");
                free(p);
                return ZG_EINVAL;
            }
            p->cache_bytes = (size_t)mb << 20;
        } else if (rc != ZG_ENOTFOUND) {
            free(p);
            return rc;
        }
    }
    *state = p;
    return ZG_OK;
}

static void p_fini(void *state) { free(state); }

static int p_open(void *state, zg_executor **out)
{
    evm_plugin *p = state;
    zg_executor *e = malloc(sizeof *e);
    if (!e) return ZG_ENOMEM;
    int rc = evm_exec_init(&e->ex);
    if (rc) {
        free(e);
        return rc;
    }
    if (p) e->ex.cache.limit = p->cache_bytes;
    *out = e;
    return ZG_OK;
}

static void p_close(zg_executor *e)
{
    if (!e) return;
    evm_exec_free(&e->ex);
    free(e);
}

static int p_execute_tx(zg_executor *e, const zg_exec_env *env, const zg_exec_state *st, const zg_exec_tx *tx,
                        zg_exec_result *res)
{
    if (!e) return ZG_EINVAL;
    return evm_execute_tx(&e->ex, env, st, tx, res);
}

static int p_execute_call(zg_executor *e, const zg_exec_env *env, const zg_exec_state *st,
                          const zg_exec_msg *msg, zg_exec_result *res)
{
    if (!e) return ZG_EINVAL;
    return evm_execute_call(&e->ex, env, st, msg, res);
}

static int p_set_tracer(zg_executor *e, zg_exec_trace_fn fn, void *arg)
{
    if (!e) return ZG_EINVAL;
    e->ex.trace_fn = fn;
    e->ex.trace_arg = arg;
    e->ex.trace_flags = 0;
    e->ex.trace_enter = NULL;
    e->ex.trace_exit = NULL;
    e->ex.trace_log = NULL;
    e->ex.tracing = fn != NULL;
    return ZG_OK;
}

static int p_set_trace(zg_executor *e, const zg_exec_tracer *t)
{
    if (!e) return ZG_EINVAL;
    zg_exec_tracer c;
    memset(&c, 0, sizeof c);
    if (t) { /* the fields the caller's struct has */
        if (t->struct_size < offsetof(zg_exec_tracer, step)) return ZG_EINVAL;
        memcpy(&c, t, t->struct_size < sizeof c ? t->struct_size : sizeof c);
    }
    int rc = p_set_tracer(e, c.step, c.arg);
    e->ex.trace_arg = c.arg;
    e->ex.trace_flags = c.flags;
    e->ex.trace_enter = c.enter;
    e->ex.trace_exit = c.exit;
    e->ex.trace_log = c.log;
    e->ex.tracing = c.step || c.enter || c.exit || c.log;
    return rc;
}

static const zg_executor_iface iface = {
    .struct_size = sizeof(zg_executor_iface),
    .open = p_open,
    .close = p_close,
    .execute_tx = p_execute_tx,
    .execute_call = p_execute_call,
    .set_tracer = p_set_tracer,
    .set_trace = p_set_trace,
};

static const zg_plugin_desc desc = {
    ZG_PLUGIN_HEADER(ZG_KIND_EXECUTOR),
    .name = "evm",
    .version = PACKAGE_VERSION,
    .description = "Ethereum virtual machine (Cancun): transactions against a host state view",
    .init = p_init,
    .fini = p_fini,
    .iface = &iface,
};

const zg_plugin_desc *zg_evm_plugin_desc(void) { return &desc; }
