/* filters.c — log filters (eth_getLogs), polled filters (eth_newFilter,
 * eth_newBlockFilter, eth_newPendingTransactionFilter, eth_getFilterChanges,
 * eth_getFilterLogs, eth_uninstallFilter) and WebSocket subscriptions
 * (eth_subscribe newHeads / logs / newPendingTransactions) pushed through
 * the host's rpc_notify.  Polled filters idle for 5 minutes expire, as in
 * geth. */
#include "config.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <zg/hex.h>
#include "chain.h"

#define FILTER_TIMEOUT_MS (5 * 60 * 1000)
#define MAX_FILTERS 10000
#define MAX_PENDING_HASHES 10000

enum { F_LOGS = 1, F_BLOCKS, F_PENDING };

typedef struct filt {
    char id[35];
    int type;
    ch_logfilter lf;
    uint64_t last_block; /* blocks up to this one were reported */
    json_t *hashes;      /* F_PENDING (polled): accumulated */
    uint64_t last_poll_ms;
    uint64_t conn;       /* WebSocket subscription (0: polled filter) */
    struct filt *next;
} filt;

struct ch_filters {
    chain *c;
    filt *list;
    size_t n;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- log filters */

void ch_logfilter_free(ch_logfilter *f)
{
    json_decref(f->from);
    json_decref(f->to);
    free(f->addrs);
    for (int i = 0; i < 4; i++) free(f->topics[i].v);
    memset(f, 0, sizeof *f);
}

static int bad(zg_rpc_error *err, ch_logfilter *f, const char *msg)
{
    ch_logfilter_free(f);
    ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid filter: %s", msg);
    return ZG_EINVAL;
}

int ch_logfilter_parse(const json_t *o, ch_logfilter *f, zg_rpc_error *err)
{
    memset(f, 0, sizeof *f);
    if (o && json_is_null(o)) return ZG_OK;
    if (!json_is_object(o)) return bad(err, f, "expected a filter object {fromBlock, toBlock, address, topics}");
    json_t *bh = json_object_get(o, "blockHash"), *fb = json_object_get(o, "fromBlock"),
           *tb = json_object_get(o, "toBlock");
    if (bh && json_is_null(bh)) bh = NULL;
    if (fb && json_is_null(fb)) fb = NULL;
    if (tb && json_is_null(tb)) tb = NULL;
    if (bh) {
        if (fb || tb) return bad(err, f, "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
        if (ch_get_h256(bh, f->block_hash)) return bad(err, f, "blockHash must be a 32-byte hex hash");
        f->has_hash = 1;
    }
    if (fb && !json_is_string(fb)) return bad(err, f, "fromBlock must be a hex quantity or a block tag");
    if (tb && !json_is_string(tb)) return bad(err, f, "toBlock must be a hex quantity or a block tag");
    f->from = fb ? json_incref(fb) : NULL;
    f->to = tb ? json_incref(tb) : NULL;
    json_t *a = json_object_get(o, "address");
    if (a && !json_is_null(a)) {
        size_t n = json_is_array(a) ? json_array_size(a) : 1;
        if (n > 1000) return bad(err, f, "too many addresses (max 1000)");
        f->addrs = calloc(n + 1, 20);
        if (!f->addrs) return bad(err, f, "out of memory");
        for (size_t i = 0; i < n; i++)
            if (ch_get_addr(json_is_array(a) ? json_array_get(a, i) : a, f->addrs[i]))
                return bad(err, f, "address must be a 20-byte hex address or an array of them");
        f->naddr = n;
    }
    json_t *t = json_object_get(o, "topics");
    if (t && !json_is_null(t)) {
        if (!json_is_array(t)) return bad(err, f, "topics must be an array");
        if (json_array_size(t) > 4) return bad(err, f, "too many topics (max 4 positions)");
        f->ntopics = json_array_size(t);
        for (size_t i = 0; i < f->ntopics; i++) {
            json_t *e = json_array_get(t, i);
            if (json_is_null(e)) continue;
            size_t n = json_is_array(e) ? json_array_size(e) : 1;
            if (!json_is_array(e) && !json_is_string(e)) return bad(err, f, "each topic is null, a hash or an array of hashes");
            if (n > 1000) return bad(err, f, "too many alternatives for one topic (max 1000)");
            int wildcard = 0;
            f->topics[i].v = calloc(n + 1, 32);
            if (!f->topics[i].v) return bad(err, f, "out of memory");
            for (size_t k = 0; k < n; k++) {
                json_t *x = json_is_array(e) ? json_array_get(e, k) : e;
                if (json_is_null(x)) {
                    wildcard = 1;
                    continue;
                }
                if (ch_get_h256(x, f->topics[i].v[f->topics[i].n++]))
                    return bad(err, f, "topics must be 32-byte hex hashes");
            }
            if (wildcard || n == 0) f->topics[i].n = 0;
        }
    }
    return ZG_OK;
}

int ch_logfilter_match(const ch_logfilter *f, const ch_log *l)
{
    if (f->naddr) {
        size_t i = 0;
        while (i < f->naddr && memcmp(f->addrs[i], l->address, 20)) i++;
        if (i == f->naddr) return 0;
    }
    for (size_t p = 0; p < f->ntopics; p++) {
        if (!f->topics[p].n) continue;
        if (p >= l->ntopics) return 0;
        size_t i = 0;
        while (i < f->topics[p].n && memcmp(f->topics[p].v[i], l->topics[p], 32)) i++;
        if (i == f->topics[p].n) return 0;
    }
    return 1;
}

static int bloom_may_match(const ch_logfilter *f, const uint8_t bloom[256])
{
    if (f->naddr) {
        size_t i = 0;
        while (i < f->naddr && !ch_bloom_test(bloom, f->addrs[i], 20)) i++;
        if (i == f->naddr) return 0;
    }
    for (size_t p = 0; p < f->ntopics; p++) {
        if (!f->topics[p].n) continue;
        size_t i = 0;
        while (i < f->topics[p].n && !ch_bloom_test(bloom, f->topics[p].v[i], 32)) i++;
        if (i == f->topics[p].n) return 0;
    }
    return 1;
}

size_t ch_logfilter_block(const ch_logfilter *f, const ch_block *b, json_t *arr)
{
    size_t n = 0;
    uint32_t li = 0;
    for (size_t i = 0; i < b->ntx; i++)
        for (size_t k = 0; k < b->rcpts[i].nlogs; k++, li++)
            if (ch_logfilter_match(f, &b->rcpts[i].logs[k])) {
                json_array_append_new(arr, ch_json_log(&b->rcpts[i].logs[k], b, (uint32_t)i, li));
                n++;
            }
    return n;
}

int ch_logfilter_range(chain *c, const ch_logfilter *f, uint64_t *from, uint64_t *to, zg_rpc_error *err)
{
    uint64_t head = c->head.number;
    *from = head;
    *to = head;
    if (f->from && ch_block_number_param(c, f->from, from, err) != ZG_OK) return ZG_EINVAL;
    if (f->to && ch_block_number_param(c, f->to, to, err) != ZG_OK) return ZG_EINVAL;
    if (*from > *to && *to <= head) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid block range params: fromBlock %llu is after toBlock %llu",
               (unsigned long long)*from, (unsigned long long)*to);
        return ZG_EINVAL;
    }
    if (*to > head) *to = head;
    if (*from > *to) return ZG_ENOTFOUND;
    if (*to - *from >= c->max_logs_range) {
        ch_err(err, -32005, "block range too large: %llu blocks requested, the limit is %llu (narrow fromBlock/toBlock)",
               (unsigned long long)(*to - *from + 1), (unsigned long long)c->max_logs_range);
        return ZG_ERANGE;
    }
    return ZG_OK;
}

json_t *ch_logs_range(chain *c, const ch_logfilter *f, uint64_t from, uint64_t to, zg_rpc_error *err)
{
    json_t *arr = json_array();
    for (uint64_t n = from; n <= to; n++) {
        uint8_t hash[32];
        ch_header h;
        if (ch_canonical_hash(c, n, hash) != ZG_OK || ch_read_header(c, hash, &h) != ZG_OK) continue;
        if (!bloom_may_match(f, h.bloom)) continue;
        ch_block b;
        if (ch_read_block(c, hash, 1, &b) != ZG_OK) continue;
        ch_logfilter_block(f, &b, arr);
        ch_block_free(&b);
        if (json_array_size(arr) > c->max_logs) {
            json_decref(arr);
            ch_err(err, -32005, "query returned more than %llu results (narrow the block range or the filter)",
                   (unsigned long long)c->max_logs);
            return NULL;
        }
        if (n == UINT64_MAX) break;
    }
    return arr;
}

/* ---------------------------------------------------------------- filter table */

static void new_id(char out[35])
{
    uint8_t r[16];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        static uint64_t ctr;
        uint64_t v = ++ctr ^ now_ms();
        memcpy(r, &v, 8);
        memcpy(r + 8, &ctr, 8);
    }
    out[0] = '0';
    out[1] = 'x';
    zg_hex_encode(r, 16, out + 2);
}

static void free_filt(filt *x)
{
    ch_logfilter_free(&x->lf);
    json_decref(x->hashes);
    free(x);
}

static void expire(ch_filters *fs)
{
    uint64_t now = now_ms();
    filt **pp = &fs->list;
    while (*pp) {
        filt *x = *pp;
        if (!x->conn && now - x->last_poll_ms > FILTER_TIMEOUT_MS) {
            *pp = x->next;
            free_filt(x);
            fs->n--;
        } else
            pp = &x->next;
    }
}

static filt *find(ch_filters *fs, const char *id)
{
    for (filt *x = fs->list; x; x = x->next)
        if (strcasecmp(x->id, id) == 0) return x;
    return NULL;
}

static int remove_id(ch_filters *fs, const char *id, uint64_t conn)
{
    for (filt **pp = &fs->list; *pp; pp = &(*pp)->next)
        if (strcasecmp((*pp)->id, id) == 0 && (*pp)->conn == conn) {
            filt *x = *pp;
            *pp = x->next;
            free_filt(x);
            fs->n--;
            return 1;
        }
    return 0;
}

static filt *add(ch_filters *fs, int type, zg_rpc_error *err)
{
    expire(fs);
    if (fs->n >= MAX_FILTERS) {
        ch_err(err, -32000, "too many filters installed (max %d): uninstall some", MAX_FILTERS);
        return NULL;
    }
    filt *x = calloc(1, sizeof *x);
    if (!x) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "out of memory");
        return NULL;
    }
    new_id(x->id);
    x->type = type;
    x->last_block = fs->c->head.number;
    x->last_poll_ms = now_ms();
    x->next = fs->list;
    fs->list = x;
    fs->n++;
    return x;
}

int ch_filters_new(chain *c, ch_filters **out)
{
    ch_filters *f = calloc(1, sizeof *f);
    if (!f) return ZG_ENOMEM;
    f->c = c;
    *out = f;
    return ZG_OK;
}

void ch_filters_free(ch_filters *f)
{
    if (!f) return;
    filt *x = f->list;
    while (x) {
        filt *n = x->next;
        free_filt(x);
        x = n;
    }
    free(f);
}

static void notify(chain *c, filt *x, json_t *result)
{
    json_t *p = json_pack("{s:s,s:o}", "subscription", x->id, "result", result);
    int rc = c->h->rpc_notify(c->ctx, x->conn, "eth_subscription", p);
    if (rc == ZG_ENOTFOUND) x->conn = UINT64_MAX; /* closed: dropped below */
}

int ch_filters_active(const ch_filters *fs) { return fs && fs->list != NULL; }

void ch_filters_on_block(ch_filters *fs, const ch_block *b)
{
    chain *c = fs->c;
    for (filt *x = fs->list; x; x = x->next) {
        if (!x->conn || x->conn == UINT64_MAX) continue;
        if (x->type == F_BLOCKS) {
            notify(c, x, ch_json_header(&b->h, b->size));
        } else if (x->type == F_LOGS) {
            json_t *arr = json_array();
            ch_logfilter_block(&x->lf, b, arr);
            size_t i;
            json_t *l;
            json_array_foreach(arr, i, l) {
                if (x->conn == UINT64_MAX) break;
                notify(c, x, json_incref(l));
            }
            json_decref(arr);
        }
    }
    for (filt **pp = &fs->list; *pp;) {
        if ((*pp)->conn == UINT64_MAX) {
            filt *x = *pp;
            *pp = x->next;
            free_filt(x);
            fs->n--;
        } else
            pp = &(*pp)->next;
    }
}

void ch_filters_on_pending(ch_filters *fs, const uint8_t hash[32])
{
    for (filt *x = fs->list; x; x = x->next) {
        if (x->type != F_PENDING) continue;
        if (x->conn) {
            if (x->conn != UINT64_MAX) notify(fs->c, x, ch_json_h256(hash));
        } else if (json_array_size(x->hashes) < MAX_PENDING_HASHES)
            json_array_append_new(x->hashes, ch_json_h256(hash));
    }
}

void ch_filters_on_close(ch_filters *fs, uint64_t conn)
{
    for (filt **pp = &fs->list; *pp;) {
        if ((*pp)->conn == conn) {
            filt *x = *pp;
            *pp = x->next;
            free_filt(x);
            fs->n--;
        } else
            pp = &(*pp)->next;
    }
}

/* ---------------------------------------------------------------- RPC */

#define P(i) (json_is_array(params) ? json_array_get(params, (i)) : NULL)

static json_t *m_new_filter(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    ch_logfilter lf;
    if (ch_logfilter_parse(P(0), &lf, err) != ZG_OK) return NULL;
    if (lf.has_hash) {
        ch_logfilter_free(&lf);
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid filter: blockHash is not supported by eth_newFilter");
        return NULL;
    }
    uint64_t from, to;
    zg_rpc_error e2 = {0};
    if (ch_logfilter_range(c, &lf, &from, &to, &e2) == ZG_EINVAL) {
        ch_logfilter_free(&lf);
        *err = e2;
        return NULL;
    }
    json_decref(e2.data);
    filt *x = add(c->filters, F_LOGS, err);
    if (!x) {
        ch_logfilter_free(&lf);
        return NULL;
    }
    x->lf = lf;
    return json_string(x->id);
}

static json_t *m_new_block_filter(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    filt *x = add(c->filters, F_BLOCKS, err);
    return x ? json_string(x->id) : NULL;
}

static json_t *m_new_pending_filter(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    filt *x = add(c->filters, F_PENDING, err);
    if (!x) return NULL;
    x->hashes = json_array();
    return json_string(x->id);
}

static filt *get_filter(chain *c, json_t *params, zg_rpc_error *err)
{
    json_t *id = P(0);
    filt *x = json_is_string(id) ? find(c->filters, json_string_value(id)) : NULL;
    if (!x || x->conn) {
        ch_err(err, -32000, "filter not found");
        return NULL;
    }
    x->last_poll_ms = now_ms();
    return x;
}

static json_t *m_filter_changes(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    expire(c->filters);
    filt *x = get_filter(c, params, err);
    if (!x) return NULL;
    uint64_t head = c->head.number;
    if (x->last_block > head) x->last_block = head; /* evm_revert went back */
    if (x->type == F_PENDING) {
        json_t *r = x->hashes;
        x->hashes = json_array();
        return r;
    }
    json_t *arr = json_array();
    uint64_t from = x->last_block + 1;
    if (x->type == F_BLOCKS) {
        for (uint64_t n = from; n <= head; n++) {
            uint8_t h[32];
            if (ch_canonical_hash(c, n, h) == ZG_OK) json_array_append_new(arr, ch_json_h256(h));
        }
        x->last_block = head;
        return arr;
    }
    json_decref(arr);
    /* logs: the new blocks, within the filter's own range */
    uint64_t lo, hi;
    zg_rpc_error e2 = {0};
    int rc = ch_logfilter_range(c, &x->lf, &lo, &hi, &e2);
    json_decref(e2.data);
    if (!x->lf.from) lo = 0;
    if (!x->lf.to) hi = head;
    if (from > lo) lo = from;
    x->last_block = head;
    if (rc == ZG_EINVAL || lo > hi) return json_array();
    if (hi - lo >= c->max_logs_range) lo = hi - c->max_logs_range + 1;
    return ch_logs_range(c, &x->lf, lo, hi, err);
}

static json_t *m_filter_logs(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    filt *x = get_filter(c, params, err);
    if (!x) return NULL;
    if (x->type != F_LOGS) {
        ch_err(err, -32000, "filter not found");
        return NULL;
    }
    uint64_t from, to;
    int rc = ch_logfilter_range(c, &x->lf, &from, &to, err);
    if (rc == ZG_ENOTFOUND) return json_array();
    if (rc != ZG_OK) return NULL;
    return ch_logs_range(c, &x->lf, from, to, err);
}

static json_t *m_uninstall(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    json_t *id = P(0);
    if (!json_is_string(id)) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected a filter id");
        return NULL;
    }
    return json_boolean(remove_id(c->filters, json_string_value(id), 0));
}

/* ---- subscriptions ---- */

static json_t *m_subscribe(void *arg, json_t *params, uint64_t conn, zg_rpc_error *err)
{
    chain *c = arg;
    if (!conn) {
        ch_err(err, -32601, "notifications not supported: use the WebSocket endpoint for eth_subscribe");
        return NULL;
    }
    json_t *kind = P(0);
    const char *k = json_string_value(kind);
    if (!k) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected a subscription name");
        return NULL;
    }
    int type;
    ch_logfilter lf = {0};
    if (!strcmp(k, "newHeads")) type = F_BLOCKS;
    else if (!strcmp(k, "newPendingTransactions")) type = F_PENDING;
    else if (!strcmp(k, "logs")) {
        type = F_LOGS;
        json_t *o = P(1);
        if (o && ch_logfilter_parse(o, &lf, err) != ZG_OK) return NULL;
    } else {
        ch_err(err, -32602, "no \"%.40s\" subscription in eth namespace (newHeads, logs, newPendingTransactions)", k);
        return NULL;
    }
    filt *x = add(c->filters, type, err);
    if (!x) {
        ch_logfilter_free(&lf);
        return NULL;
    }
    x->lf = lf;
    x->conn = conn;
    return json_string(x->id);
}

static json_t *m_unsubscribe(void *arg, json_t *params, uint64_t conn, zg_rpc_error *err)
{
    chain *c = arg;
    json_t *id = P(0);
    if (!json_is_string(id)) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "invalid argument 0: expected a subscription id");
        return NULL;
    }
    if (!conn) return json_false();
    return json_boolean(remove_id(c->filters, json_string_value(id), conn));
}

static json_t *m_subscribe_http(void *arg, json_t *params, zg_rpc_error *err)
{
    ch_err(err, -32601, "notifications not supported: this node has no WebSocket endpoint");
    return NULL;
}

static void on_close(void *arg, uint64_t conn)
{
    chain *c = arg;
    if (c->filters) ch_filters_on_close(c->filters, conn);
}

int ch_filters_register(chain *c)
{
    static const struct {
        const char *name;
        zg_rpc_fn fn;
    } m[] = {
        {"eth_newFilter", m_new_filter},
        {"eth_newBlockFilter", m_new_block_filter},
        {"eth_newPendingTransactionFilter", m_new_pending_filter},
        {"eth_getFilterChanges", m_filter_changes},
        {"eth_getFilterLogs", m_filter_logs},
        {"eth_uninstallFilter", m_uninstall},
    };
    const zg_host_api *h = c->h;
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        int rc = h->rpc_register(c->ctx, m[i].name, m[i].fn, c, 0);
        if (rc != ZG_OK) return rc;
    }
    /* WebSocket push: only with a host new enough to have it */
    c->ws = h->struct_size >= offsetof(zg_host_api, rpc_on_close) + sizeof(h->rpc_on_close) && h->rpc_register_conn &&
            h->rpc_notify && h->rpc_on_close;
    if (c->ws) {
        int rc = h->rpc_register_conn(c->ctx, "eth_subscribe", m_subscribe, c, 0);
        if (rc == ZG_OK) rc = h->rpc_register_conn(c->ctx, "eth_unsubscribe", m_unsubscribe, c, 0);
        if (rc == ZG_OK) rc = h->rpc_on_close(c->ctx, on_close, c);
        return rc;
    }
    int rc = h->rpc_register(c->ctx, "eth_subscribe", m_subscribe_http, c, 0);
    if (rc == ZG_OK) rc = h->rpc_register(c->ctx, "eth_unsubscribe", m_subscribe_http, c, 0);
    return rc;
}
