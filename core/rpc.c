#include "config.h"
#include "rpc.h"
#include "log.h"
#include "metrics.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef struct method {
    char *name;
    zg_rpc_fn fn;
    zg_rpc_conn_fn cfn; /* instead of fn, for handlers that need the connection */
    void *arg;
    unsigned flags;
    zg_ctx *owner;
    struct method *next; /* hash chain */
} method;

#define NBUCKETS 1024

struct zg_rpc_server {
    zg_node *node;
    struct evhttp *http;
    method *buckets[NBUCKETS];
    zg_rpc_opts o;
    char *token;
    uint64_t requests;
    zg_metric *m_requests, *m_errors, *m_http;
};

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

static method *lookup(zg_rpc_server *s, const char *name)
{
    for (method *m = s->buckets[hash(name) % NBUCKETS]; m; m = m->next)
        if (strcmp(m->name, name) == 0) return m;
    return NULL;
}

zg_rpc_server *zg_rpc_new(zg_node *n)
{
    zg_rpc_server *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->node = n;
    s->m_requests = zg_metric_new(NULL, "zg_rpc_requests_total", "JSON-RPC calls handled", ZG_METRIC_COUNTER);
    s->m_errors = zg_metric_new(NULL, "zg_rpc_errors_total", "JSON-RPC calls answered with an error",
                                ZG_METRIC_COUNTER);
    s->m_http = zg_metric_new(NULL, "zg_http_requests_total", "HTTP requests received", ZG_METRIC_COUNTER);
    return s;
}

static int add_method(zg_rpc_server *s, zg_ctx *owner, const char *name, zg_rpc_fn fn, zg_rpc_conn_fn cfn,
                      void *arg, unsigned flags)
{
    if (!name || !*name || (!fn && !cfn) || strlen(name) > 128) return ZG_EINVAL;
    for (const char *p = name; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.')) return ZG_EINVAL;
    if (lookup(s, name)) {
        LOG_E("JSON-RPC method %s is already registered", name);
        return ZG_EINVAL;
    }
    method *m = calloc(1, sizeof *m);
    if (!m || !(m->name = strdup(name))) {
        free(m);
        return ZG_ENOMEM;
    }
    m->fn = fn;
    m->cfn = cfn;
    m->arg = arg;
    m->flags = flags;
    m->owner = owner;
    uint32_t b = hash(name) % NBUCKETS;
    m->next = s->buckets[b];
    s->buckets[b] = m;
    return ZG_OK;
}

int zg_rpc_register(zg_rpc_server *s, zg_ctx *owner, const char *name, zg_rpc_fn fn, void *arg, unsigned flags)
{
    return fn ? add_method(s, owner, name, fn, NULL, arg, flags) : ZG_EINVAL;
}

int zg_rpc_register_conn(zg_rpc_server *s, zg_ctx *owner, const char *name, zg_rpc_conn_fn fn, void *arg,
                         unsigned flags)
{
    return fn ? add_method(s, owner, name, NULL, fn, arg, flags) : ZG_EINVAL;
}

uint64_t zg_rpc_requests(zg_rpc_server *s) { return s->requests; }

/* ---- JSON-RPC processing ---- */

static json_t *error_resp(json_t *id, int code, const char *msg, json_t *data)
{
    json_t *e = json_pack("{s:i,s:s}", "code", code, "message", msg);
    if (data) json_object_set_new(e, "data", data);
    return json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(), "error", e);
}

static int valid_id(const json_t *id)
{
    return json_is_string(id) || json_is_number(id) || json_is_null(id);
}

/* one request object -> response (new ref) or NULL for a notification */
static json_t *handle_one(zg_rpc_server *s, json_t *req, int authorized, uint64_t conn)
{
    s->requests++;
    zg_metric_add(s->m_requests, 1);
    if (!json_is_object(req)) {
        zg_metric_add(s->m_errors, 1);
        return error_resp(NULL, ZG_RPC_INVALID_REQUEST, "invalid request: not a JSON object", NULL);
    }
    json_t *id = json_object_get(req, "id");
    int notification = (id == NULL);
    if (id && !valid_id(id)) {
        zg_metric_add(s->m_errors, 1);
        return error_resp(NULL, ZG_RPC_INVALID_REQUEST, "invalid request: id must be a string, number or null",
                          NULL);
    }
    json_t *ver = json_object_get(req, "jsonrpc");
    json_t *mj = json_object_get(req, "method");
    json_t *params = json_object_get(req, "params");
    const char *why = NULL;
    int code = ZG_RPC_INVALID_REQUEST;
    if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0") != 0)
        why = "invalid request: \"jsonrpc\" must be \"2.0\"";
    else if (!json_is_string(mj))
        why = "invalid request: \"method\" must be a string";
    else if (params && !json_is_array(params) && !json_is_object(params) && !json_is_null(params))
        why = "invalid request: \"params\" must be an array or an object";
    if (why) {
        zg_metric_add(s->m_errors, 1);
        return error_resp(id, code, why, NULL);
    }
    const char *name = json_string_value(mj);
    method *m = lookup(s, name);
    char msg[512];
    if (!m) {
        zg_metric_add(s->m_errors, 1);
        if (notification) return NULL;
        snprintf(msg, sizeof msg, "the method %.200s does not exist/is not available", name);
        return error_resp(id, ZG_RPC_METHOD_NOT_FOUND, msg, NULL);
    }
    if ((m->flags & ZG_RPC_ADMIN) && !authorized) {
        zg_metric_add(s->m_errors, 1);
        if (notification) return NULL;
        snprintf(msg, sizeof msg, "unauthorized: %.200s needs the admin token (Authorization: Bearer ...)", name);
        return error_resp(id, ZG_RPC_UNAUTHORIZED, msg, NULL);
    }
    zg_rpc_error err = {ZG_RPC_INTERNAL_ERROR, "internal error", NULL};
    json_t *p = json_is_null(params) ? NULL : params;
    json_t *result = m->fn ? m->fn(m->arg, p, &err) : m->cfn(m->arg, p, conn, &err);
    if (notification) {
        json_decref(result);
        json_decref(err.data);
        return NULL;
    }
    if (!result) {
        zg_metric_add(s->m_errors, 1);
        err.message[sizeof err.message - 1] = 0;
        return error_resp(id, err.code, err.message, err.data);
    }
    return json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", id, "result", result);
}

static char *dump(json_t *j, size_t *len)
{
    char *out = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(j);
    *len = out ? strlen(out) : 0;
    return out;
}

char *zg_rpc_process(zg_rpc_server *s, const char *body, size_t len, int authorized, uint64_t conn,
                     size_t *outlen)
{
    json_error_t jerr;
    json_t *req = json_loadb(body, len, JSON_DECODE_ANY, &jerr);
    *outlen = 0;
    if (!req) {
        char msg[300];
        snprintf(msg, sizeof msg, "parse error: %s at line %d column %d", jerr.text, jerr.line, jerr.column);
        zg_metric_add(s->m_errors, 1);
        return dump(error_resp(NULL, ZG_RPC_PARSE_ERROR, msg, NULL), outlen);
    }
    json_t *resp;
    if (json_is_array(req)) {
        size_t n = json_array_size(req);
        if (n == 0) {
            resp = error_resp(NULL, ZG_RPC_INVALID_REQUEST, "invalid request: empty batch", NULL);
        } else if ((int)n > s->o.max_batch) {
            char msg[128];
            snprintf(msg, sizeof msg, "invalid request: batch of %zu exceeds the limit of %d", n, s->o.max_batch);
            resp = error_resp(NULL, ZG_RPC_INVALID_REQUEST, msg, NULL);
        } else {
            resp = json_array();
            for (size_t i = 0; i < n; i++) {
                json_t *r = handle_one(s, json_array_get(req, i), authorized, conn);
                if (r) json_array_append_new(resp, r);
            }
            if (json_array_size(resp) == 0) { /* all notifications: nothing to send */
                json_decref(resp);
                resp = NULL;
            }
        }
    } else {
        resp = handle_one(s, req, authorized, conn);
    }
    json_decref(req);
    return resp ? dump(resp, outlen) : NULL;
}

/* ---- HTTP ---- */

int zg_rpc_check_token(zg_rpc_server *s, const char *h)
{
    if (!h || !s->token || strncasecmp(h, "Bearer ", 7) != 0) return 0;
    h += 7;
    size_t a = strlen(h), b = strlen(s->token);
    unsigned char diff = (unsigned char)(a != b);
    for (size_t i = 0; i < a && i < b; i++) diff |= (unsigned char)(h[i] ^ s->token[i]);
    return diff == 0;
}

static void send_text(struct evhttp_request *req, int code, const char *reason, const char *ctype,
                      const char *body, size_t len)
{
    struct evbuffer *out = evbuffer_new();
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", ctype);
    if (body) evbuffer_add(out, body, len);
    evhttp_send_reply(req, code, reason, out);
    evbuffer_free(out);
}

static void cleanup_free(const void *data, size_t len, void *arg)
{
    (void)len;
    (void)arg;
    free((void *)data);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    zg_rpc_server *s = arg;
    zg_metric_add(s->m_http, 1);
    const char *uri = evhttp_request_get_uri(req);
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    if (cmd == EVHTTP_REQ_GET && uri) {
        if (strcmp(uri, "/metrics") == 0) {
            size_t len;
            char *text = zg_metrics_render(&len);
            send_text(req, 200, "OK", "text/plain; version=0.0.4", text, len);
            free(text);
            return;
        }
        if (strcmp(uri, "/health") == 0) {
            send_text(req, 200, "OK", "text/plain", "ok\n", 3);
            return;
        }
        send_text(req, 404, "Not Found", "text/plain", "not found: POST JSON-RPC to /, GET /metrics or /health\n",
                  55);
        return;
    }
    if (cmd == EVHTTP_REQ_OPTIONS) {
        struct evkeyvalq *h = evhttp_request_get_output_headers(req);
        evhttp_add_header(h, "Access-Control-Allow-Origin", "*");
        evhttp_add_header(h, "Access-Control-Allow-Methods", "POST, GET, OPTIONS");
        evhttp_add_header(h, "Access-Control-Allow-Headers", "Content-Type, Authorization");
        evhttp_send_reply(req, 204, "No Content", NULL);
        return;
    }
    if (cmd != EVHTTP_REQ_POST) {
        send_text(req, 405, "Method Not Allowed", "text/plain", "use POST for JSON-RPC\n", 22);
        return;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    char *resp;
    size_t rlen;
    int code = 200;
    if (len > s->o.max_body) {
        char msg[160];
        snprintf(msg, sizeof msg, "request body of %zu bytes exceeds the limit of %zu bytes", len, s->o.max_body);
        zg_metric_add(s->m_errors, 1);
        resp = dump(error_resp(NULL, ZG_RPC_INVALID_REQUEST, msg, NULL), &rlen);
        code = 413;
    } else {
        const char *body = (const char *)evbuffer_pullup(in, -1);
        resp = zg_rpc_process(s, body ? body : "", len, zg_rpc_check_token(s, evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization")), 0, &rlen);
    }
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Access-Control-Allow-Origin", "*");
    if (!resp) { /* only notifications */
        evhttp_send_reply(req, 204, "No Content", NULL);
        return;
    }
    evhttp_add_header(h, "Content-Type", "application/json");
    struct evbuffer *out = evbuffer_new();
    evbuffer_add_reference(out, resp, rlen, cleanup_free, NULL);
    evhttp_send_reply(req, code, code == 200 ? "OK" : "Payload Too Large", out);
    evbuffer_free(out);
}

void zg_rpc_configure(zg_rpc_server *s, const zg_rpc_opts *o)
{
    s->o = *o;
    free(s->token);
    s->token = o->token ? strdup(o->token) : NULL;
    s->o.token = NULL;
}

size_t zg_rpc_max_body(zg_rpc_server *s) { return s->o.max_body; }

int zg_rpc_listen(zg_rpc_server *s, const zg_rpc_opts *o)
{
    zg_rpc_configure(s, o);
    s->http = evhttp_new(s->node->base);
    if (!s->http) return -1;
    /* bodies between max_body and twice that get a JSON-RPC error from us;
     * beyond, evhttp drops the connection with a bare 413 before buffering */
    evhttp_set_max_body_size(s->http, (ev_ssize_t)(o->max_body * 2 + 65536));
    evhttp_set_max_headers_size(s->http, 64 * 1024);
    evhttp_set_timeout(s->http, o->timeout_s);
    evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PUT |
                                            EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD | EVHTTP_REQ_PATCH);
    evhttp_set_gencb(s->http, on_request, s);
    struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(s->http, o->listen, (uint16_t)o->port);
    if (!bs) {
        LOG_E("cannot listen for JSON-RPC on %s:%d: address in use or not available", o->listen, o->port);
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int port = o->port;
    if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss, &sl) == 0)
        port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                              : ((struct sockaddr_in *)&ss)->sin_port);
    return port;
}

void zg_rpc_free(zg_rpc_server *s)
{
    if (!s) return;
    if (s->http) evhttp_free(s->http);
    for (int i = 0; i < NBUCKETS; i++) {
        method *m = s->buckets[i];
        while (m) {
            method *n = m->next;
            free(m->name);
            free(m);
            m = n;
        }
    }
    free(s->token);
    free(s);
}
