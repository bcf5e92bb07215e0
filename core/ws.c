#include "config.h"
#include "ws.h"
#include "log.h"
#include "metrics.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define MAX_HANDSHAKE 16384
#define MAX_PENDING_OUT (64u << 20) /* a client this far behind is dropped */
#define NBUCKETS 256

typedef struct wsconn {
    zg_ws_server *w;
    uint64_t id;
    struct bufferevent *bev;
    int open;        /* handshake done */
    int authorized;  /* admin token presented at the handshake */
    int closing;
    unsigned char *msg; /* fragmented message being assembled */
    size_t msg_len;
    int msg_op;
    struct wsconn *next; /* bucket chain */
} wsconn;

typedef struct close_hook {
    void (*cb)(void *, uint64_t);
    void *arg;
    struct close_hook *next;
} close_hook;

struct zg_ws_server {
    zg_node *node;
    zg_rpc_server *rpc;
    struct evconnlistener *lis;
    wsconn *buckets[NBUCKETS];
    uint64_t next_id;
    size_t nconns;
    close_hook *hooks;
    zg_metric *m_conns;
};

zg_ws_server *zg_ws_new(zg_node *n, zg_rpc_server *rpc)
{
    zg_ws_server *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->node = n;
    w->rpc = rpc;
    w->next_id = 1;
    w->m_conns = zg_metric_new(NULL, "zg_ws_connections", "open WebSocket connections", ZG_METRIC_GAUGE);
    return w;
}

static wsconn *find(zg_ws_server *w, uint64_t id)
{
    for (wsconn *c = w->buckets[id % NBUCKETS]; c; c = c->next)
        if (c->id == id) return c;
    return NULL;
}

static void conn_free(wsconn *c)
{
    zg_ws_server *w = c->w;
    wsconn **pp = &w->buckets[c->id % NBUCKETS];
    while (*pp && *pp != c) pp = &(*pp)->next;
    if (*pp) *pp = c->next;
    w->nconns--;
    zg_metric_set(w->m_conns, (double)w->nconns);
    if (c->open)
        for (close_hook *h = w->hooks; h; h = h->next) h->cb(h->arg, c->id);
    bufferevent_free(c->bev);
    free(c->msg);
    free(c);
}

/* queue one frame (server frames are never masked) */
static void send_frame(wsconn *c, int op, const void *data, size_t len)
{
    unsigned char h[10];
    size_t hl;
    h[0] = (unsigned char)(0x80 | op);
    if (len < 126) {
        h[1] = (unsigned char)len;
        hl = 2;
    } else if (len < 65536) {
        h[1] = 126;
        h[2] = (unsigned char)(len >> 8);
        h[3] = (unsigned char)len;
        hl = 4;
    } else {
        h[1] = 127;
        for (int i = 0; i < 8; i++) h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
        hl = 10;
    }
    struct evbuffer *out = bufferevent_get_output(c->bev);
    evbuffer_add(out, h, hl);
    evbuffer_add(out, data, len);
}

/* close with a status code; the connection is freed once the frame is out */
static void ws_close(wsconn *c, int code, const char *reason)
{
    if (c->closing) return;
    unsigned char b[128];
    size_t rl = strlen(reason);
    if (rl > sizeof b - 2) rl = sizeof b - 2;
    b[0] = (unsigned char)(code >> 8);
    b[1] = (unsigned char)code;
    memcpy(b + 2, reason, rl);
    send_frame(c, 8, b, rl + 2);
    c->closing = 1;
    bufferevent_disable(c->bev, EV_READ);
}

int zg_ws_send(zg_ws_server *w, uint64_t id, const char *text, size_t len)
{
    wsconn *c = w ? find(w, id) : NULL;
    if (!c || !c->open || c->closing) return ZG_ENOTFOUND;
    if (evbuffer_get_length(bufferevent_get_output(c->bev)) > MAX_PENDING_OUT) {
        LOG_W("ws connection %llu is not reading its messages; closing it", (unsigned long long)id);
        ws_close(c, 1008, "too slow");
        return ZG_EBUSY;
    }
    send_frame(c, 1, text, len);
    return ZG_OK;
}

static void handle_message(wsconn *c, const unsigned char *data, size_t len)
{
    size_t rlen;
    char *resp = zg_rpc_process(c->w->rpc, (const char *)data, len, c->authorized, c->id, &rlen);
    if (resp) {
        send_frame(c, 1, resp, rlen);
        free(resp);
    }
}

static const char *hdr(const char *req, const char *name, char *out, size_t outlen)
{
    size_t nl = strlen(name);
    for (const char *p = strstr(req, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
        const char *line = p + 2;
        if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ' || *v == '\t') v++;
            const char *e = strstr(v, "\r\n");
            size_t l = e ? (size_t)(e - v) : strlen(v);
            while (l && (v[l - 1] == ' ' || v[l - 1] == '\t')) l--;
            if (l >= outlen) l = outlen - 1;
            memcpy(out, v, l);
            out[l] = 0;
            return out;
        }
    }
    return NULL;
}

static int has_token(const char *list, const char *tok)
{
    size_t tl = strlen(tok);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',') p++;
        if (strncasecmp(p, tok, tl) == 0 && (p[tl] == 0 || p[tl] == ',' || p[tl] == ' ')) return 1;
        while (*p && *p != ',') p++;
    }
    return 0;
}

static void http_error(wsconn *c, const char *status, const char *msg)
{
    evbuffer_add_printf(bufferevent_get_output(c->bev),
                        "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                        status, strlen(msg), msg);
    c->closing = 1;
    bufferevent_disable(c->bev, EV_READ);
}

/* returns 1 when the handshake completed, 0 to wait for more, -1 on error */
static int handshake(wsconn *c, struct evbuffer *in)
{
    struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
    if (end.pos < 0) {
        if (evbuffer_get_length(in) > MAX_HANDSHAKE) {
            http_error(c, "431 Request Header Fields Too Large", "handshake too large\n");
            return -1;
        }
        return 0;
    }
    size_t len = (size_t)end.pos + 4;
    char *req = malloc(len + 1);
    evbuffer_remove(in, req, len);
    req[len] = 0;
    char up[64], connh[256], key[128], ver[16], auth[300];
    int ok = strncmp(req, "GET ", 4) == 0 && hdr(req, "Upgrade", up, sizeof up) &&
             strcasecmp(up, "websocket") == 0 && hdr(req, "Connection", connh, sizeof connh) &&
             has_token(connh, "upgrade") && hdr(req, "Sec-WebSocket-Key", key, sizeof key) && strlen(key) == 24;
    if (!ok) {
        free(req);
        http_error(c, "400 Bad Request", "this port serves JSON-RPC over WebSocket only\n");
        return -1;
    }
    if (!hdr(req, "Sec-WebSocket-Version", ver, sizeof ver) || strcmp(ver, "13") != 0) {
        free(req);
        evbuffer_add_printf(bufferevent_get_output(c->bev),
                            "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n");
        c->closing = 1;
        return -1;
    }
    c->authorized = zg_rpc_check_token(c->w->rpc, hdr(req, "Authorization", auth, sizeof auth));
    free(req);
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    char cat[128];
    unsigned char sha[SHA_DIGEST_LENGTH];
    unsigned char acc[64];
    snprintf(cat, sizeof cat, "%s%s", key, guid);
    SHA1((const unsigned char *)cat, strlen(cat), sha);
    EVP_EncodeBlock(acc, sha, SHA_DIGEST_LENGTH);
    evbuffer_add_printf(bufferevent_get_output(c->bev),
                        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Accept: %s\r\n\r\n",
                        acc);
    c->open = 1;
    return 1;
}

/* parse as many complete frames as are buffered; -1 when the connection ended */
static int frames(wsconn *c, struct evbuffer *in)
{
    size_t max = zg_rpc_max_body(c->w->rpc);
    for (;;) {
        size_t avail = evbuffer_get_length(in);
        if (avail < 2) return 0;
        unsigned char h[14];
        evbuffer_copyout(in, h, avail < 14 ? avail : 14);
        int fin = h[0] & 0x80, op = h[0] & 0x0f, masked = h[1] & 0x80;
        uint64_t plen = h[1] & 0x7f;
        size_t hl = 2;
        if (plen == 126) {
            if (avail < 4) return 0;
            plen = ((uint64_t)h[2] << 8) | h[3];
            hl = 4;
        } else if (plen == 127) {
            if (avail < 10) return 0;
            plen = 0;
            for (int i = 0; i < 8; i++) plen = (plen << 8) | h[2 + i];
            hl = 10;
        }
        if (h[0] & 0x70) {
            ws_close(c, 1002, "reserved bits set");
            return -1;
        }
        if (!masked) {
            ws_close(c, 1002, "client frames must be masked");
            return -1;
        }
        if (op >= 8 && (plen > 125 || !fin)) {
            ws_close(c, 1002, "bad control frame");
            return -1;
        }
        if (plen > max || c->msg_len + plen > max) {
            char r[100];
            snprintf(r, sizeof r, "message exceeds the limit of %zu bytes", max);
            ws_close(c, 1009, r);
            return -1;
        }
        if (avail < hl + 4 + plen) return 0;
        unsigned char mask[4];
        evbuffer_drain(in, hl);
        evbuffer_remove(in, mask, 4);
        unsigned char *p = malloc(plen ? plen : 1);
        if (!p) return -1;
        evbuffer_remove(in, p, plen);
        for (uint64_t i = 0; i < plen; i++) p[i] ^= mask[i & 3];
        switch (op) {
        case 0x0: /* continuation */
        case 0x1: /* text */
        case 0x2: /* binary */
            if ((op == 0) == (c->msg_op == 0)) { /* continuation without a start, or a start mid-message */
                free(p);
                ws_close(c, 1002, "bad fragmentation");
                return -1;
            }
            if (op) c->msg_op = op;
            if (fin && !c->msg) {
                handle_message(c, p, plen);
            } else {
                unsigned char *m = realloc(c->msg, c->msg_len + plen + 1);
                if (!m) {
                    free(p);
                    return -1;
                }
                memcpy(m + c->msg_len, p, plen);
                c->msg = m;
                c->msg_len += plen;
                if (fin) {
                    handle_message(c, c->msg, c->msg_len);
                    free(c->msg);
                    c->msg = NULL;
                    c->msg_len = 0;
                }
            }
            if (fin) c->msg_op = 0;
            break;
        case 0x8: /* close: echo the code */
            send_frame(c, 8, p, plen >= 2 ? 2 : 0);
            c->closing = 1;
            bufferevent_disable(c->bev, EV_READ);
            free(p);
            return -1;
        case 0x9: send_frame(c, 0xA, p, plen); break; /* ping -> pong */
        case 0xA: break;                              /* pong */
        default:
            free(p);
            ws_close(c, 1002, "unknown opcode");
            return -1;
        }
        free(p);
    }
}

static void on_read(struct bufferevent *bev, void *arg)
{
    wsconn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    if (c->closing) {
        evbuffer_drain(in, evbuffer_get_length(in));
        return;
    }
    if (!c->open && handshake(c, in) <= 0) return;
    frames(c, in);
}

static void on_write(struct bufferevent *bev, void *arg)
{
    wsconn *c = arg;
    if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0) conn_free(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) conn_free(arg);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
    zg_ws_server *w = arg;
    wsconn *c = calloc(1, sizeof *c);
    struct bufferevent *bev = c ? bufferevent_socket_new(w->node->base, fd, BEV_OPT_CLOSE_ON_FREE) : NULL;
    if (!bev) {
        free(c);
        evutil_closesocket(fd);
        return;
    }
    c->w = w;
    c->bev = bev;
    c->id = w->next_id++;
    c->next = w->buckets[c->id % NBUCKETS];
    w->buckets[c->id % NBUCKETS] = c;
    w->nconns++;
    zg_metric_set(w->m_conns, (double)w->nconns);
    bufferevent_setcb(bev, on_read, on_write, on_event, c);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
}

int zg_ws_listen(zg_ws_server *w, const char *addr, int port)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    int sl;
    char spec[300];
    snprintf(spec, sizeof spec, strchr(addr, ':') ? "[%s]:%d" : "%s:%d", addr, port);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        sl = sizeof *v4;
    } else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        sl = sizeof *v6;
    } else {
        LOG_E("rpc.listen: '%s' is not an IP address", addr);
        return -1;
    }
    w->lis = evconnlistener_new_bind(w->node->base, on_accept, w, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
                                     (struct sockaddr *)&ss, sl);
    if (!w->lis) {
        LOG_E("cannot listen for WebSocket JSON-RPC on %s: address in use or not available", spec);
        return -1;
    }
    struct sockaddr_storage b;
    socklen_t bl = sizeof b;
    if (getsockname(evconnlistener_get_fd(w->lis), (struct sockaddr *)&b, &bl) != 0) return port;
    return ntohs(b.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&b)->sin6_port
                                         : ((struct sockaddr_in *)&b)->sin_port);
}

int zg_ws_on_close(zg_ws_server *w, void (*cb)(void *, uint64_t), void *arg)
{
    close_hook *h = calloc(1, sizeof *h);
    if (!h) return ZG_ENOMEM;
    h->cb = cb;
    h->arg = arg;
    h->next = w->hooks;
    w->hooks = h;
    return ZG_OK;
}

size_t zg_ws_connections(zg_ws_server *w) { return w ? w->nconns : 0; }

void zg_ws_free(zg_ws_server *w)
{
    if (!w) return;
    if (w->lis) evconnlistener_free(w->lis);
    for (int i = 0; i < NBUCKETS; i++)
        while (w->buckets[i]) {
            wsconn *c = w->buckets[i];
            c->open = 0; /* plugins are gone: no close hooks */
            conn_free(c);
        }
    while (w->hooks) {
        close_hook *n = w->hooks->next;
        free(w->hooks);
        w->hooks = n;
    }
    free(w);
}
