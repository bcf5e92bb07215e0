#include "config.h"
#include "rpc.h"
#include "log.h"
#include "metrics.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <ctype.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
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
#define MAX_WORKERS 64

/* A request a worker hands to the loop thread (its methods are not
 * ZG_RPC_CONCURRENT), and the answer that comes back. */
typedef struct rpc_job {
    struct rpc_job *next;
    struct rpc_worker *w;
    struct evhttp_request *req; /* evhttp keeps it until we reply: reading is off meanwhile */
    json_t *body;
    int authorized;
    char *resp;
    size_t rlen;
} rpc_job;

/* jobs for one thread; wake is a manual event on that thread's base */
typedef struct rpc_queue {
    pthread_mutex_t mu;
    rpc_job *head, **tail;
    struct event *wake;
} rpc_queue;

/* One HTTP server: on the loop thread (threads = 0) or a worker thread
 * with its own event base, all accepting from the same listening socket. */
typedef struct rpc_worker {
    zg_rpc_server *s;
    int threaded;
    int started;
    pthread_t th;
    struct event_base *base;
    struct evhttp *http;
    struct evconnlistener *lev; /* threaded: this worker's handle on the socket */
    rpc_queue done; /* answered jobs to send (threaded only) */
} rpc_worker;

struct zg_rpc_server {
    zg_node *node;
    pthread_rwlock_t mlock; /* the method table; registration may follow listen */
    method *buckets[NBUCKETS];
    zg_rpc_opts o;
    char *token;
    _Atomic uint64_t requests;
    zg_metric *m_requests, *m_errors, *m_http;
    int nworkers;
    rpc_worker *workers;
    rpc_queue todo; /* for the loop thread (threaded only: todo.wake set) */
};

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

/* methods are never removed before zg_rpc_free, so the entry outlives the lock */
static method *lookup(zg_rpc_server *s, const char *name)
{
    method *found = NULL;
    pthread_rwlock_rdlock(&s->mlock);
    for (method *m = s->buckets[hash(name) % NBUCKETS]; m; m = m->next)
        if (strcmp(m->name, name) == 0) {
            found = m;
            break;
        }
    pthread_rwlock_unlock(&s->mlock);
    return found;
}

zg_rpc_server *zg_rpc_new(zg_node *n)
{
    zg_rpc_server *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->node = n;
    pthread_rwlock_init(&s->mlock, NULL);
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
    pthread_rwlock_wrlock(&s->mlock);
    m->next = s->buckets[b];
    s->buckets[b] = m;
    pthread_rwlock_unlock(&s->mlock);
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

uint64_t zg_rpc_requests(zg_rpc_server *s) { return atomic_load(&s->requests); }

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
    atomic_fetch_add_explicit(&s->requests, 1, memory_order_relaxed);
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

static char *parse_error(zg_rpc_server *s, const json_error_t *jerr, size_t *outlen)
{
    char msg[300];
    snprintf(msg, sizeof msg, "parse error: %s at line %d column %d", jerr->text, jerr->line, jerr->column);
    zg_metric_add(s->m_errors, 1);
    return dump(error_resp(NULL, ZG_RPC_PARSE_ERROR, msg, NULL), outlen);
}

/* a parsed body (single or batch; consumed) -> response text or NULL */
static char *process_json(zg_rpc_server *s, json_t *req, int authorized, uint64_t conn, size_t *outlen)
{
    *outlen = 0;
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

char *zg_rpc_process(zg_rpc_server *s, const char *body, size_t len, int authorized, uint64_t conn,
                     size_t *outlen)
{
    json_error_t jerr;
    json_t *req = json_loadb(body, len, JSON_DECODE_ANY, &jerr);
    *outlen = 0;
    return req ? process_json(s, req, authorized, conn, outlen) : parse_error(s, &jerr, outlen);
}

/* 1 when a worker may answer this call itself (errors included) */
static int concurrent_one(zg_rpc_server *s, json_t *r)
{
    json_t *mj = json_is_object(r) ? json_object_get(r, "method") : NULL;
    if (!json_is_string(mj)) return 1;
    method *m = lookup(s, json_string_value(mj));
    return !m || (m->flags & ZG_RPC_CONCURRENT);
}

static int concurrent(zg_rpc_server *s, json_t *req)
{
    if (!json_is_array(req)) return concurrent_one(s, req);
    for (size_t i = 0; i < json_array_size(req); i++)
        if (!concurrent_one(s, json_array_get(req, i))) return 0;
    return 1;
}

/* ---- handing work between threads ---- */

static int queue_init(rpc_queue *q, struct event_base *base, event_callback_fn cb, void *arg)
{
    pthread_mutex_init(&q->mu, NULL);
    q->head = NULL;
    q->tail = &q->head;
    q->wake = event_new(base, -1, 0, cb, arg);
    return q->wake ? 0 : -1;
}

static void queue_push(rpc_queue *q, rpc_job *j)
{
    j->next = NULL;
    pthread_mutex_lock(&q->mu);
    *q->tail = j;
    q->tail = &j->next;
    pthread_mutex_unlock(&q->mu);
    event_active(q->wake, EV_READ, 1); /* thread-safe: evthread_use_pthreads() */
}

static rpc_job *queue_take(rpc_queue *q)
{
    pthread_mutex_lock(&q->mu);
    rpc_job *j = q->head;
    q->head = NULL;
    q->tail = &q->head;
    pthread_mutex_unlock(&q->mu);
    return j;
}

static void queue_fini(rpc_queue *q)
{
    if (q->wake) event_free(q->wake);
    q->wake = NULL;
    pthread_mutex_destroy(&q->mu);
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

static void send_json(struct evhttp_request *req, char *resp, size_t rlen, int code)
{
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

/* loop thread: answer what the workers handed over */
static void on_todo(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    zg_rpc_server *s = arg;
    rpc_job *j = queue_take(&s->todo), *next;
    for (; j; j = next) {
        next = j->next;
        j->resp = process_json(s, j->body, j->authorized, 0, &j->rlen);
        j->body = NULL;
        queue_push(&j->w->done, j);
    }
}

/* worker thread: send the answers back */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    rpc_worker *w = arg;
    rpc_job *j = queue_take(&w->done), *next;
    for (; j; j = next) {
        next = j->next;
        send_json(j->req, j->resp, j->rlen, 200);
        free(j);
    }
}

static void on_request(struct evhttp_request *req, void *arg)
{
    rpc_worker *w = arg;
    zg_rpc_server *s = w->s;
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
        int auth = zg_rpc_check_token(s, evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization"));
        json_error_t jerr;
        json_t *j = json_loadb(body ? body : "", len, JSON_DECODE_ANY, &jerr);
        rpc_job *job;
        if (!j) {
            resp = parse_error(s, &jerr, &rlen);
        } else if (w->threaded && !concurrent(s, j)) {
            if ((job = calloc(1, sizeof *job))) {
                job->w = w;
                job->req = req;
                job->body = j;
                job->authorized = auth;
                queue_push(&s->todo, job);
                return;
            }
            json_decref(j);
            resp = dump(error_resp(NULL, ZG_RPC_INTERNAL_ERROR, "out of memory", NULL), &rlen);
        } else {
            resp = process_json(s, j, auth, 0, &rlen);
        }
    }
    send_json(req, resp, rlen, code);
}

void zg_rpc_configure(zg_rpc_server *s, const zg_rpc_opts *o)
{
    s->o = *o;
    free(s->token);
    s->token = o->token ? strdup(o->token) : NULL;
    s->o.token = NULL;
}

size_t zg_rpc_max_body(zg_rpc_server *s) { return s->o.max_body; }

struct event_base *zg_rpc_base_new(void)
{
    /* the changelist folds the del/add/mod that evhttp makes on every
     * keep-alive request into one epoll_ctl per loop iteration */
    struct event_config *cfg = event_config_new();
    if (!cfg) return NULL;
    event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    struct event_base *b = event_base_new_with_config(cfg);
    event_config_free(cfg);
    return b;
}

static struct evhttp *new_http(zg_rpc_server *s, rpc_worker *w)
{
    struct evhttp *h = evhttp_new(w->base);
    if (!h) return NULL;
    /* bodies between max_body and twice that get a JSON-RPC error from us;
     * beyond, evhttp drops the connection with a bare 413 before buffering */
    evhttp_set_max_body_size(h, (ev_ssize_t)(s->o.max_body * 2 + 65536));
    evhttp_set_max_headers_size(h, 64 * 1024);
    evhttp_set_timeout(h, s->o.timeout_s);
    evhttp_set_allowed_methods(h, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PUT |
                                      EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD | EVHTTP_REQ_PATCH);
    evhttp_set_gencb(h, on_request, w);
    return h;
}

static void *worker_main(void *arg)
{
    rpc_worker *w = arg;
    event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

/* Connections go to the workers in turn: only one listener is enabled at a
 * time, and accepting a connection passes the turn on.  (Listeners sharing
 * a socket would let whichever thread wakes first take a whole burst of
 * connects.)  evhttp calls this for each accepted connection, on the
 * accepting worker's thread; the listeners are LEV_OPT_THREADSAFE. */
static struct bufferevent *on_accept(struct event_base *base, void *arg)
{
    rpc_worker *w = arg;
    zg_rpc_server *s = w->s;
    if (s->nworkers > 1) {
        evconnlistener_disable(w->lev); /* ends evconnlistener's accept loop */
        evconnlistener_enable(s->workers[(w - s->workers + 1) % s->nworkers].lev);
    }
    return bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE); /* as evhttp makes it */
}

static struct evconnlistener *bind_listener(struct event_base *base, const char *host, int port)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV}, *ai;
    char ps[16];
    snprintf(ps, sizeof ps, "%d", port);
    if (getaddrinfo(host, ps, &hints, &ai) != 0) return NULL;
    struct evconnlistener *l = evconnlistener_new_bind(
        base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE | LEV_OPT_THREADSAFE, 128,
        ai->ai_addr, (int)ai->ai_addrlen);
    freeaddrinfo(ai);
    return l;
}

int zg_rpc_listen(zg_rpc_server *s, const zg_rpc_opts *o)
{
    zg_rpc_configure(s, o);
    int threads = o->threads < 0 ? 0 : o->threads > MAX_WORKERS ? MAX_WORKERS : o->threads;
    s->nworkers = threads ? threads : 1;
    s->workers = calloc((size_t)s->nworkers, sizeof *s->workers);
    if (!s->workers) return -1;
    if (threads && queue_init(&s->todo, s->node->base, on_todo, s) != 0) return -1;
    for (int i = 0; i < s->nworkers; i++) {
        rpc_worker *w = &s->workers[i];
        w->s = s;
        w->threaded = threads > 0;
        w->base = threads ? zg_rpc_base_new() : s->node->base;
        if (!w->base || !(w->http = new_http(s, w))) return -1;
        if (threads && queue_init(&w->done, w->base, on_done, w) != 0) return -1;
    }
    int fd;
    if (!threads) {
        struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(s->workers[0].http, o->listen, (uint16_t)o->port);
        if (!bs) {
            LOG_E("cannot listen for JSON-RPC on %s:%d: address in use or not available", o->listen, o->port);
            return -1;
        }
        fd = evhttp_bound_socket_get_fd(bs);
    } else {
        rpc_worker *w0 = &s->workers[0];
        if (!(w0->lev = bind_listener(w0->base, o->listen, o->port))) {
            LOG_E("cannot listen for JSON-RPC on %s:%d: address in use or not available", o->listen, o->port);
            return -1;
        }
        fd = evconnlistener_get_fd(w0->lev);
        /* the others accept from the same socket, each through its own
         * descriptor (a listener closes its own when freed), disabled
         * until their turn */
        for (int i = 1; i < s->nworkers; i++) {
            int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
            if (d < 0 || !(s->workers[i].lev = evconnlistener_new(
                               s->workers[i].base, NULL, NULL,
                               LEV_OPT_CLOSE_ON_FREE | LEV_OPT_THREADSAFE | LEV_OPT_DISABLED, 0, d))) {
                if (d >= 0) close(d);
                LOG_E("cannot share the JSON-RPC socket with worker %d", i);
                return -1;
            }
        }
        for (int i = 0; i < s->nworkers; i++) {
            evhttp_set_bevcb(s->workers[i].http, on_accept, &s->workers[i]);
            if (!evhttp_bind_listener(s->workers[i].http, s->workers[i].lev)) {
                LOG_E("cannot serve HTTP on the JSON-RPC socket");
                return -1;
            }
        }
    }
    for (int i = 0; threads && i < s->nworkers; i++) {
        if (pthread_create(&s->workers[i].th, NULL, worker_main, &s->workers[i]) != 0) {
            LOG_E("cannot start JSON-RPC worker thread %d", i);
            return -1;
        }
        s->workers[i].started = 1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int port = o->port;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                              : ((struct sockaddr_in *)&ss)->sin_port);
    return port;
}

static void free_jobs(rpc_job *j)
{
    while (j) {
        rpc_job *n = j->next;
        json_decref(j->body);
        free(j->resp);
        free(j);
        j = n;
    }
}

void zg_rpc_stop(zg_rpc_server *s)
{
    if (!s || !s->workers) return;
    /* answer what was handed to the loop thread, then let the workers send
     * it and finish the calls they are in (plugin code) before returning */
    if (s->todo.wake) on_todo(-1, 0, s);
    for (int i = 0; i < s->nworkers; i++) {
        rpc_worker *w = &s->workers[i];
        if (w->started) {
            event_base_loopexit(w->base, NULL);
            pthread_join(w->th, NULL);
            w->started = 0;
        }
    }
    for (int i = 0; i < s->nworkers; i++) {
        rpc_worker *w = &s->workers[i];
        if (w->http) evhttp_free(w->http);
        w->http = NULL;
        if (w->threaded) {
            free_jobs(queue_take(&w->done));
            queue_fini(&w->done);
            if (w->base) event_base_free(w->base);
        }
    }
    if (s->todo.wake) {
        free_jobs(queue_take(&s->todo));
        queue_fini(&s->todo);
    }
    free(s->workers);
    s->workers = NULL;
    s->nworkers = 0;
}

void zg_rpc_free(zg_rpc_server *s)
{
    if (!s) return;
    zg_rpc_stop(s);
    for (int i = 0; i < NBUCKETS; i++) {
        method *m = s->buckets[i];
        while (m) {
            method *n = m->next;
            free(m->name);
            free(m);
            m = n;
        }
    }
    pthread_rwlock_destroy(&s->mlock);
    free(s->token);
    free(s);
}
