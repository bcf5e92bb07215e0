/* zg-consensus-dev — single-node development consensus (like geth --dev or
 * anvil): one validator, every block final as soon as it is committed.
 *
 * Config (all optional):
 *   mode = "instant";     # instant: seal as soon as transactions arrive
 *                         # interval: seal every interval_ms
 *                         # manual: only on seal_now (evm_mine)
 *   interval_ms = 1000;   # interval mode period
 *   empty_blocks = true;  # interval mode: seal even without transactions
 *   validator = "0x...";  # address reported as the validator and proposer
 */
#include "config.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <zg/consensus.h>
#include <zg/hex.h>

enum { MODE_INSTANT, MODE_INTERVAL, MODE_MANUAL };
static const char *const mode_names[] = {"instant", "interval", "manual"};

/* most blocks sealed in one loop turn in instant mode before yielding to
 * other events (RPC requests) */
#define INSTANT_BURST 32

typedef struct dev {
    zg_ctx *ctx;
    const zg_host_api *h;
    int mode;
    uint64_t interval_ms;
    int empty_blocks;
    uint8_t validator[20];
    zg_cons_app app;
    int attached;
    int scheduled;    /* a seal is posted */
    int stopping;
    zg_timer *timer;
    uint64_t height, finalized;
    zg_metric *m_blocks;
} dev;

static uint64_t now_s(void) { return (uint64_t)time(NULL); }

/* propose + commit one block; ZG_ENOTFOUND when there was nothing to seal */
static int seal_one(dev *d, uint64_t ts, unsigned flags)
{
    zg_cons_block b;
    memset(&b, 0, sizeof b);
    b.struct_size = sizeof b;
    int rc = d->app.propose(d->app.ctx, ts ? ts : now_s(), flags, &b);
    if (rc != ZG_OK) return rc;
    memcpy(b.proposer, d->validator, 20);
    rc = d->app.commit(d->app.ctx, &b, NULL, 0);
    if (rc != ZG_OK) {
        d->h->log(d->ctx, ZG_LOG_ERROR, "commit of block %llu failed (status %d)", (unsigned long long)b.height, rc);
        return rc;
    }
    d->height = b.height;
    d->finalized = b.height;
    if (d->app.finalized) d->app.finalized(d->app.ctx, b.height, b.hash);
    d->h->metric_add(d->m_blocks, 1);
    return ZG_OK;
}

static void instant_fire(void *arg)
{
    dev *d = arg;
    d->scheduled = 0;
    if (!d->attached || d->stopping || d->mode != MODE_INSTANT) return;
    for (int i = 0; i < INSTANT_BURST; i++) {
        if (!d->app.pending(d->app.ctx)) return;
        if (seal_one(d, 0, 0) != ZG_OK) return;
    }
    /* still more: let other events run, then continue */
    if (d->app.pending(d->app.ctx) && d->h->post(d->ctx, instant_fire, d) == ZG_OK) d->scheduled = 1;
}

static void schedule_instant(dev *d)
{
    if (d->scheduled || !d->attached) return;
    if (d->h->post(d->ctx, instant_fire, d) == ZG_OK) d->scheduled = 1;
}

static void interval_fire(void *arg)
{
    dev *d = arg;
    if (!d->attached || d->stopping) return;
    int rc = seal_one(d, 0, d->empty_blocks ? ZG_CONS_ALLOW_EMPTY : 0);
    if (rc != ZG_OK && rc != ZG_ENOTFOUND)
        d->h->log(d->ctx, ZG_LOG_WARN, "interval seal failed (status %d)", rc);
}

static void stop_timer(dev *d)
{
    if (d->timer) d->h->timer_del(d->timer);
    d->timer = NULL;
}

static int apply_mode(dev *d)
{
    stop_timer(d);
    if (!d->attached) return ZG_OK;
    if (d->mode == MODE_INTERVAL) {
        d->timer = d->h->timer_add(d->ctx, d->interval_ms, 1, interval_fire, d);
        if (!d->timer) return ZG_ERR;
    } else if (d->mode == MODE_INSTANT) {
        if (d->app.pending(d->app.ctx)) schedule_instant(d);
    }
    return ZG_OK;
}

static int parse_mode(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, mode_names[i]) == 0) return i;
    return -1;
}

/* dev_importBlock ["0x<block RLP>"]: apply a block built by another node
 * (same genesis) through validate + commit, the path a BFT engine takes for
 * a peer's proposal.  For tests and block replay. */
static json_t *rpc_import(void *arg, json_t *params, zg_rpc_error *err)
{
    dev *d = arg;
    const char *hex = json_string_value(json_is_array(params) ? json_array_get(params, 0) : NULL);
    size_t cap = hex ? strlen(hex) / 2 + 1 : 0, len = 0;
    uint8_t *data = cap ? malloc(cap) : NULL;
    int rc = ZG_EINVAL;
    zg_cons_block b;
    const char *why = "expected [\"0x<block RLP>\"]";
    if (!d->attached || !d->app.describe || !d->app.validate) {
        why = "no application that can import blocks is attached";
        goto fail;
    }
    if (!data || zg_data_decode(hex, data, cap, &len) != ZG_OK) goto fail;
    why = "malformed block";
    if (d->app.describe(d->app.ctx, data, len, &b) != ZG_OK) goto fail;
    uint64_t height;
    uint8_t head[32];
    d->app.head(d->app.ctx, &height, head);
    why = "block does not extend the head";
    if (b.height != height + 1 || memcmp(b.parent_hash, head, 32)) goto fail;
    why = "invalid block (see the node log)";
    if ((rc = d->app.validate(d->app.ctx, &b)) != ZG_OK) goto fail;
    why = "commit failed (see the node log)";
    if ((rc = d->app.commit(d->app.ctx, &b, NULL, 0)) != ZG_OK) goto fail;
    d->height = d->finalized = b.height;
    if (d->app.finalized) d->app.finalized(d->app.ctx, b.height, b.hash);
    free(data);
    char hx[67];
    hx[0] = '0', hx[1] = 'x';
    zg_hex_encode(b.hash, 32, hx + 2);
    return json_pack("{s:o,s:s}", "number", zg_json_quantity_u64(b.height), "hash", hx);
fail:
    free(data);
    err->code = rc == ZG_EINVAL ? -32000 : ZG_RPC_INTERNAL_ERROR;
    snprintf(err->message, sizeof err->message, "dev_importBlock: %s", why);
    return NULL;
}

static int d_init(zg_ctx *ctx, const zg_host_api *h, void **state)
{
    dev *d = calloc(1, sizeof *d);
    if (!d) return ZG_ENOMEM;
    d->ctx = ctx;
    d->h = h;
    d->mode = MODE_INSTANT;
    d->interval_ms = 1000;
    d->empty_blocks = 1;
    const char *s;
    int rc = h->cfg_string(ctx, "mode", &s);
    if (rc == ZG_OK) {
        d->mode = parse_mode(s);
        if (d->mode < 0) {
            h->cfg_error(ctx, "mode", "must be \"instant\", \"interval\" or \"manual\"");
            goto bad;
        }
    } else if (rc != ZG_ENOTFOUND)
        goto bad;
    int64_t v;
    rc = h->cfg_int(ctx, "interval_ms", &v);
    if (rc == ZG_OK) {
        if (v < 1 || v > 86400000) {
            h->cfg_error(ctx, "interval_ms", "must be between 1 and 86400000");
            goto bad;
        }
        d->interval_ms = (uint64_t)v;
    } else if (rc != ZG_ENOTFOUND)
        goto bad;
    rc = h->cfg_bool(ctx, "empty_blocks", &d->empty_blocks);
    if (rc != ZG_OK && rc != ZG_ENOTFOUND) goto bad;
    rc = h->cfg_string(ctx, "validator", &s);
    if (rc == ZG_OK) {
        size_t n;
        if (zg_data_decode(s, d->validator, 20, &n) != ZG_OK || n != 20) {
            h->cfg_error(ctx, "validator", "must be a 0x-prefixed 20-byte address");
            goto bad;
        }
    } else if (rc != ZG_ENOTFOUND)
        goto bad;
    d->m_blocks = h->metric_new(ctx, "zg_consensus_blocks_total", "blocks sealed by the dev consensus",
                                ZG_METRIC_COUNTER);
    if (h->rpc_register(ctx, "dev_importBlock", rpc_import, d, 0) != ZG_OK) goto bad;
    *state = d;
    return ZG_OK;
bad:
    free(d);
    return ZG_EINVAL;
}

static void d_fini(void *state)
{
    dev *d = state;
    d->stopping = 1;
    stop_timer(d);
    free(d);
}

static int d_attach(void *state, const zg_cons_app *app)
{
    dev *d = state;
    if (d->attached) return ZG_EBUSY;
    /* applications built before `describe` was appended are fine */
    if (!app || app->struct_size < offsetof(zg_cons_app, describe) || !app->propose || !app->commit ||
        !app->pending || !app->head)
        return ZG_EINVAL;
    memset(&d->app, 0, sizeof d->app);
    memcpy(&d->app, app, app->struct_size < sizeof d->app ? app->struct_size : sizeof d->app);
    d->attached = 1;
    uint8_t hash[32];
    if (app->head(app->ctx, &d->height, hash) == ZG_OK) d->finalized = d->height;
    d->h->log(d->ctx, ZG_LOG_INFO, "dev consensus: %s mode%s, head at block %llu", mode_names[d->mode],
              d->mode == MODE_INTERVAL ? " (timer)" : "", (unsigned long long)d->height);
    return apply_mode(d);
}

static void d_detach(void *state)
{
    dev *d = state;
    stop_timer(d);
    d->attached = 0;
}

static void d_tx_arrived(void *state)
{
    dev *d = state;
    if (d->mode == MODE_INSTANT) schedule_instant(d);
}

static int d_seal_now(void *state, uint64_t ts)
{
    dev *d = state;
    if (!d->attached) return ZG_EINVAL;
    return seal_one(d, ts, ZG_CONS_ALLOW_EMPTY);
}

static int d_validators(void *state, uint64_t height, zg_cons_validator *out, size_t cap, size_t *n)
{
    dev *d = state;
    (void)height;
    *n = 1;
    if (cap >= 1) {
        memset(&out[0], 0, sizeof out[0]);
        memcpy(out[0].address, d->validator, 20);
        out[0].power = 1;
    }
    return ZG_OK;
}

static int d_status(void *state, zg_cons_status *out)
{
    dev *d = state;
    zg_cons_status s = {.struct_size = sizeof s};
    uint8_t hash[32];
    if (d->attached) d->app.head(d->app.ctx, &d->height, hash);
    s.height = d->height;
    s.finalized_height = d->height;
    s.safe_height = d->height;
    s.mode = mode_names[d->mode];
    s.nvalidators = 1;
    size_t sz = out->struct_size && out->struct_size < sizeof s ? out->struct_size : sizeof s;
    memcpy(out, &s, sz);
    out->struct_size = (uint32_t)sz;
    return ZG_OK;
}

static int d_set_mode(void *state, const char *mode, uint64_t interval_ms)
{
    dev *d = state;
    int m = mode ? parse_mode(mode) : -1;
    if (m < 0) return ZG_EINVAL;
    if (m == MODE_INTERVAL) {
        if (interval_ms < 1) return ZG_EINVAL;
        d->interval_ms = interval_ms;
    }
    d->mode = m;
    return apply_mode(d);
}

static const zg_consensus_iface iface = {
    .struct_size = sizeof(zg_consensus_iface),
    .attach = d_attach,
    .detach = d_detach,
    .tx_arrived = d_tx_arrived,
    .seal_now = d_seal_now,
    .validators = d_validators,
    .status = d_status,
    .set_mode = d_set_mode,
};

static const zg_plugin_desc desc = {
    ZG_PLUGIN_HEADER(ZG_KIND_CONSENSUS),
    .name = "dev",
    .version = PACKAGE_VERSION,
    .description = "single-node development consensus: instant, interval or manual sealing",
    .init = d_init,
    .fini = d_fini,
    .iface = &iface,
};

ZG_PLUGIN_DEFINE(desc)
