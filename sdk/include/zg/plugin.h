/* zg/plugin.h — the stable C ABI between the zgnode core and its plugins.
 *
 * A plugin is a shared object exporting one symbol, zg_plugin_entry, which
 * returns a static descriptor (zg_plugin_desc).  The host checks the magic,
 * the ABI version and the struct sizes, then calls init() with a table of
 * host functions (zg_host_api).  Everything a plugin needs from the node goes
 * through that table; the host never includes a plugin's headers.
 *
 * Versioning (see docs/abi.md):
 *  - every struct crossing the boundary starts with (or carries) its size and
 *    only ever grows at the end;
 *  - ZG_ABI_MINOR is bumped when something is appended; a host loads plugins
 *    built against the same major and a minor <= its own;
 *  - ZG_ABI_MAJOR is bumped on any incompatible change; a host refuses to
 *    load a plugin of another major, naming both versions.
 */
#ifndef ZG_PLUGIN_H
#define ZG_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZG_PLUGIN_MAGIC 0x5a47504cu /* "ZGPL" */
#define ZG_ABI_MAJOR 1
#define ZG_ABI_MINOR 0

#if defined(__GNUC__)
#define ZG_EXPORT __attribute__((visibility("default")))
#define ZG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define ZG_EXPORT
#define ZG_PRINTF(a, b)
#endif

/* Status codes shared by every interface: 0 is success, errors are negative. */
enum {
    ZG_OK = 0,
    ZG_ERR = -1,          /* unspecified failure (details were logged) */
    ZG_ENOTFOUND = -2,    /* key / item / config path absent */
    ZG_EINVAL = -3,       /* bad argument or malformed input */
    ZG_ENOMEM = -4,
    ZG_EIO = -5,          /* I/O or backend failure */
    ZG_ECORRUPT = -6,     /* stored data failed a check */
    ZG_ETYPE = -7,        /* config value has the wrong type (host logged file:line) */
    ZG_EUNSUPPORTED = -8, /* optional operation not provided */
    ZG_EBUSY = -9,
    ZG_ERANGE = -10,
};

/* Plugin kinds.  A kind fixes which interface table (desc->iface) a plugin
 * provides; see zg/kv.h, zg/gpu.h, ... */
typedef enum zg_kind {
    ZG_KIND_KV = 1,
    ZG_KIND_CONSENSUS = 2,
    ZG_KIND_EXECUTOR = 3,
    ZG_KIND_DA = 4,
    ZG_KIND_GPU = 5,
    ZG_KIND_SERVICE = 6,
} zg_kind;

/* Log levels, most severe first. */
typedef enum zg_log_level {
    ZG_LOG_ERROR = 0,
    ZG_LOG_WARN = 1,
    ZG_LOG_INFO = 2,
    ZG_LOG_DEBUG = 3,
    ZG_LOG_TRACE = 4,
} zg_log_level;

/* Opaque handles owned by the host. */
typedef struct zg_ctx zg_ctx;         /* one per loaded plugin instance */
typedef struct zg_timer zg_timer;
typedef struct zg_fdwatch zg_fdwatch;
typedef struct zg_metric zg_metric;

/* fd event mask for fd_add */
enum { ZG_EV_READ = 1, ZG_EV_WRITE = 2 };

/* metric types */
enum { ZG_METRIC_COUNTER = 1, ZG_METRIC_GAUGE = 2 };

/* config value types (cfg_type) */
enum { ZG_CFG_INT = 1, ZG_CFG_FLOAT = 2, ZG_CFG_BOOL = 3, ZG_CFG_STRING = 4, ZG_CFG_GROUP = 5, ZG_CFG_LIST = 6 };

/* JSON-RPC method flags */
enum {
    ZG_RPC_ADMIN = 1, /* caller must present the admin token */
    /* The handler may run on an HTTP worker thread, concurrently with
     * itself, with other such handlers and with the event-loop thread; the
     * plugin synchronises what it shares with its loop-thread work.  From
     * there it may call the host's log, metric and post functions only.
     * Without this flag a handler always runs on the event-loop thread. */
    ZG_RPC_CONCURRENT = 2,
};

/* A JSON-RPC error a handler fills in when it returns NULL.  Frozen layout. */
typedef struct zg_rpc_error {
    int code;          /* JSON-RPC error code, e.g. -32602 invalid params */
    char message[256];
    json_t *data;      /* optional; the host takes the reference */
} zg_rpc_error;

/* Standard JSON-RPC 2.0 codes */
#define ZG_RPC_PARSE_ERROR -32700
#define ZG_RPC_INVALID_REQUEST -32600
#define ZG_RPC_METHOD_NOT_FOUND -32601
#define ZG_RPC_INVALID_PARAMS -32602
#define ZG_RPC_INTERNAL_ERROR -32603
#define ZG_RPC_UNAUTHORIZED -32001

/* A method handler: params is the request's "params" (array, object or NULL;
 * borrowed).  Return a new reference to the result, or NULL after filling
 * *err.  Runs on the event-loop thread unless registered ZG_RPC_CONCURRENT. */
typedef json_t *(*zg_rpc_fn)(void *arg, json_t *params, zg_rpc_error *err);

/* A handler that also learns which connection called it: conn is a
 * WebSocket connection id (> 0) that can receive notifications later
 * through rpc_notify, or 0 for a plain HTTP request. */
typedef json_t *(*zg_rpc_conn_fn)(void *arg, json_t *params, uint64_t conn, zg_rpc_error *err);

/* The host function table handed to init().  Append-only. */
typedef struct zg_host_api {
    uint32_t struct_size; /* sizeof(zg_host_api) in the host */
    uint16_t abi_major, abi_minor;

    /* --- logging --- */
    void (*log)(zg_ctx *ctx, int level, const char *fmt, ...) ZG_PRINTF(3, 4);
    void (*vlog)(zg_ctx *ctx, int level, const char *fmt, va_list ap);
    int (*log_enabled)(zg_ctx *ctx, int level);

    /* --- configuration: the plugin's own `config` group ---
     * path is relative to that group ("cache_mb", "peers.[0].host"); NULL or
     * "" names the group itself.  Returns ZG_OK, ZG_ENOTFOUND when absent
     * (use your default), or ZG_ETYPE after logging "file:line: ..." for a
     * value of the wrong type.  Strings stay valid until fini().  Keys the
     * plugin never asked for are reported as unknown after init(). */
    int (*cfg_int)(zg_ctx *ctx, const char *path, int64_t *out);
    int (*cfg_float)(zg_ctx *ctx, const char *path, double *out);
    int (*cfg_bool)(zg_ctx *ctx, const char *path, int *out);
    int (*cfg_string)(zg_ctx *ctx, const char *path, const char **out);
    /* number of elements of a list/array/group at path, or ZG_ENOTFOUND */
    int (*cfg_count)(zg_ctx *ctx, const char *path);
    /* report a semantic error in the value at path, with file:line */
    void (*cfg_error)(zg_ctx *ctx, const char *path, const char *fmt, ...) ZG_PRINTF(3, 4);

    /* node data directory (absolute; exists) and this instance's name */
    const char *(*datadir)(zg_ctx *ctx);
    const char *(*instance_name)(zg_ctx *ctx);

    /* --- event loop (single thread; callbacks run on it) --- */
    zg_timer *(*timer_add)(zg_ctx *ctx, uint64_t ms, int repeat, void (*cb)(void *arg), void *arg);
    void (*timer_del)(zg_timer *t);
    zg_fdwatch *(*fd_add)(zg_ctx *ctx, int fd, unsigned events,
                          void (*cb)(int fd, unsigned events, void *arg), void *arg);
    void (*fd_del)(zg_fdwatch *w);
    /* thread-safe: queue cb(arg) to run on the loop thread */
    int (*post)(zg_ctx *ctx, void (*cb)(void *arg), void *arg);

    /* --- metrics (Prometheus text at /metrics) ---
     * name may carry labels: "zg_kv_ops_total{op=\"get\"}".  Thread-safe. */
    zg_metric *(*metric_new)(zg_ctx *ctx, const char *name, const char *help, int type);
    void (*metric_add)(zg_metric *m, double v);
    void (*metric_set)(zg_metric *m, double v);

    /* --- JSON-RPC --- */
    int (*rpc_register)(zg_ctx *ctx, const char *method, zg_rpc_fn fn, void *arg, unsigned flags);

    /* --- other plugins ---
     * Find a loaded plugin by kind and instance name (NULL: the first of that
     * kind).  Gives its interface table and state; call from start() or later
     * so that every plugin is initialised. */
    int (*plugin_find)(zg_ctx *ctx, int kind, const char *name, const void **iface, void **state);

    /* --- lifecycle --- */
    int (*on_shutdown)(zg_ctx *ctx, void (*cb)(void *arg), void *arg);
    void (*shutdown)(zg_ctx *ctx, const char *reason); /* ask the node to stop */

    /* type of the config value at path (ZG_CFG_*), or ZG_ENOTFOUND: for
     * settings that accept several types, e.g. a device index or name */
    int (*cfg_type)(zg_ctx *ctx, const char *path);

    /* --- JSON-RPC over WebSocket: subscriptions and server push --- */
    /* like rpc_register, for handlers that need the caller's connection */
    int (*rpc_register_conn)(zg_ctx *ctx, const char *method, zg_rpc_conn_fn fn, void *arg, unsigned flags);
    /* send {"jsonrpc":"2.0","method":method,"params":params} to connection
     * conn; takes the reference to params.  ZG_ENOTFOUND once conn closed.
     * Loop thread only (use post from other threads). */
    int (*rpc_notify)(zg_ctx *ctx, uint64_t conn, const char *method, json_t *params);
    /* cb(arg, conn) runs on the loop thread whenever a WebSocket connection
     * closes, so that its subscriptions can be dropped */
    int (*rpc_on_close)(zg_ctx *ctx, void (*cb)(void *arg, uint64_t conn), void *arg);
} zg_host_api;

/* The descriptor a plugin returns from zg_plugin_entry().  Append-only. */
typedef struct zg_plugin_desc {
    uint32_t magic;       /* ZG_PLUGIN_MAGIC */
    uint16_t abi_major;   /* ZG_ABI_MAJOR the plugin was built against */
    uint16_t abi_minor;   /* ZG_ABI_MINOR the plugin was built against */
    uint32_t struct_size; /* sizeof(zg_plugin_desc) in the plugin */
    uint32_t kind;        /* zg_kind */
    const char *name;     /* short name, e.g. "leveldb" */
    const char *version;  /* plugin's own version string */
    const char *description;

    /* init: read config, allocate state.  Non-zero fails the node's start.
     * host and ctx stay valid until fini returns. */
    int (*init)(zg_ctx *ctx, const zg_host_api *host, void **state);
    /* start (optional): called after every plugin's init, in config order. */
    int (*start)(void *state);
    /* fini: release everything; called in reverse order at shutdown. */
    void (*fini)(void *state);

    /* kind-specific interface table; its first member is its uint32_t size.
     * NULL for kinds without one (service). */
    const void *iface;
} zg_plugin_desc;

/* The one symbol a plugin exports. */
#define ZG_PLUGIN_ENTRY_SYMBOL "zg_plugin_entry"
typedef const zg_plugin_desc *(*zg_plugin_entry_fn)(void);

/* Fill the fixed header fields of a descriptor:
 *   static const zg_plugin_desc desc = { ZG_PLUGIN_HEADER(ZG_KIND_KV), .name = ... }; */
#define ZG_PLUGIN_HEADER(k)                                                    \
    .magic = ZG_PLUGIN_MAGIC, .abi_major = ZG_ABI_MAJOR, .abi_minor = ZG_ABI_MINOR, \
    .struct_size = sizeof(zg_plugin_desc), .kind = (k)

/* Define the entry point returning `desc`. */
#define ZG_PLUGIN_DEFINE(desc)                                                 \
    ZG_EXPORT const zg_plugin_desc *zg_plugin_entry(void) { return &(desc); }

/* Human-readable kind name ("kv", ...) or NULL. */
static inline const char *zg_kind_name(int kind)
{
    static const char *const names[] = {NULL, "kv", "consensus", "executor", "da", "gpu", "service"};
    return (kind >= 1 && kind <= 6) ? names[kind] : NULL;
}

static inline int zg_kind_from_name(const char *s)
{
    for (int k = 1; k <= 6; k++) {
        const char *n = zg_kind_name(k);
        const char *a = s, *b = n;
        while (*a && *a == *b) a++, b++;
        if (*a == 0 && *b == 0) return k;
    }
    return 0;
}

#ifdef __cplusplus
}
#endif
#endif /* ZG_PLUGIN_H */
