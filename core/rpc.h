/* core JSON-RPC 2.0 server over HTTP (libevent evhttp + jansson), plus
 * GET /metrics (Prometheus) and GET /health.  HTTP is served by worker
 * threads (rpc.threads); methods registered ZG_RPC_CONCURRENT run there,
 * the others are handed to the event-loop thread and answered from it. */
#ifndef ZG_CORE_RPC_H
#define ZG_CORE_RPC_H
#include "node.h"

typedef struct zg_rpc_opts {
    const char *listen; /* address, default 127.0.0.1 */
    int port;           /* 0 = any free port */
    size_t max_body;    /* bytes */
    int max_batch;
    int timeout_s;
    const char *token;  /* admin token */
    int threads;        /* HTTP worker threads; 0 serves on the loop thread */
} zg_rpc_opts;

typedef struct zg_rpc_server zg_rpc_server;

/* an event base suited to serving HTTP (the loop's and each worker's) */
struct event_base *zg_rpc_base_new(void);
zg_rpc_server *zg_rpc_new(zg_node *n);
/* register a method; ZG_EINVAL if the name is taken or malformed */
int zg_rpc_register(zg_rpc_server *s, zg_ctx *owner, const char *method, zg_rpc_fn fn, void *arg,
                    unsigned flags);
int zg_rpc_register_conn(zg_rpc_server *s, zg_ctx *owner, const char *method, zg_rpc_conn_fn fn, void *arg,
                         unsigned flags);
/* set limits and the admin token without listening (zg_rpc_listen does it too) */
void zg_rpc_configure(zg_rpc_server *s, const zg_rpc_opts *o);
size_t zg_rpc_max_body(zg_rpc_server *s);
/* 1 when an Authorization header value carries the admin token */
int zg_rpc_check_token(zg_rpc_server *s, const char *authorization);
/* start listening; returns the bound port or -1 */
int zg_rpc_listen(zg_rpc_server *s, const zg_rpc_opts *o);
/* process one JSON-RPC body (single or batch); returns the response text
 * (malloc'd, NULL when nothing is to be sent) — used by the HTTP handler and tests */
char *zg_rpc_process(zg_rpc_server *s, const char *body, size_t len, int authorized, uint64_t conn,
                     size_t *outlen);
uint64_t zg_rpc_requests(zg_rpc_server *s);
/* stop the worker threads (after the loop has returned, before plugins
 * unload): pending calls are answered, running ones finish */
void zg_rpc_stop(zg_rpc_server *s);
void zg_rpc_free(zg_rpc_server *s);
#endif
