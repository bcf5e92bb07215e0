/* zg-service-chain — the 0G chain on a node: ledger, mempool and the
 * Ethereum JSON-RPC API, over a kv plugin (storage), an executor plugin
 * (the EVM) and a consensus plugin (block production).
 *
 * Config (all optional; see conf/dev.conf):
 *   chain_id = 31337; gas_limit = 30000000; base_fee = "1000000000";
 *   timestamp = 0; coinbase = "0x.."; extra_data = "0x..";
 *   dev = true; mnemonic = "test test ... junk"; dev_accounts = 10;
 *   dev_balance = "10000000000000000000000";
 *   alloc = ( { address = "0x.."; balance = "..."; nonce = 1; code = "0x..";
 *               storage = ( ("0xslot", "0xvalue") ); } );
 *   kv = "leveldb"; executor = "evm"; consensus = "dev";   (instance names)
 *   db = "chain";  max_logs_range = 10000; max_logs = 10000;
 *   max_block_txs = 0; rpc_gas_cap = 50000000; priority_fee = 1000000000;
 *   mempool = { max_txs = 10000; max_per_sender = 1000; };
 *   allow_unprotected_txs = true; sync_writes = false;
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "chain.h"

/* ---- the consensus application callbacks ---- */

static int app_head(void *ctx, uint64_t *height, uint8_t hash[32])
{
    chain *c = ctx;
    *height = c->head.number;
    memcpy(hash, c->head.hash, 32);
    return ZG_OK;
}

static size_t app_pending(void *ctx) { return mp_executable(((chain *)ctx)->mp); }

static int app_propose(void *ctx, uint64_t ts, unsigned flags, zg_cons_block *out)
{
    return ch_propose(ctx, ts, flags, out);
}

static int app_validate(void *ctx, const zg_cons_block *b) { return ch_validate(ctx, b); }

static int app_commit(void *ctx, const zg_cons_block *b, const uint8_t *cert, size_t cert_len)
{
    (void)cert;
    (void)cert_len;
    return ch_commit(ctx, b);
}

static int app_describe(void *ctx, const uint8_t *data, size_t len, zg_cons_block *out)
{
    return ch_describe(ctx, data, len, out);
}

static void app_finalized(void *ctx, uint64_t height, const uint8_t hash[32])
{
    (void)ctx;
    (void)height;
    (void)hash;
}

/* ---- lifecycle ---- */

static int c_init(zg_ctx *ctx, const zg_host_api *h, void **state)
{
    chain *c = calloc(1, sizeof *c);
    if (!c) return ZG_ENOMEM;
    c->ctx = ctx;
    c->h = h;
    c->loop = pthread_self(); /* init runs on the event-loop thread */
    if (ch_genesis_config(c) != ZG_OK) {
        ch_config_free(c);
        free(c);
        return ZG_EINVAL;
    }
    pthread_rwlock_init(&c->lock, NULL);
    c->m_blocks = h->metric_new(ctx, "zg_chain_blocks_total", "blocks committed", ZG_METRIC_COUNTER);
    c->m_txs = h->metric_new(ctx, "zg_chain_transactions_total", "transactions included in blocks", ZG_METRIC_COUNTER);
    c->m_pool = h->metric_new(ctx, "zg_chain_mempool_transactions", "transactions in the mempool", ZG_METRIC_GAUGE);
    *state = c;
    return ZG_OK;
}

static void worker_free(void *p)
{
    ch_worker *w = p;
    if (w->ex) w->exi->close(w->ex);
    if (w->trie) zg_trie_free(w->trie);
    free(w);
}

ch_worker *ch_worker_get(chain *c)
{
    if (pthread_equal(pthread_self(), c->loop) || !c->worker_key_ok) return NULL;
    ch_worker *w = pthread_getspecific(c->worker_key);
    if (w || !(w = calloc(1, sizeof *w))) return w;
    w->exi = c->exi;
    if (pthread_setspecific(c->worker_key, w) != 0) {
        free(w);
        return NULL;
    }
    return w;
}

zg_executor *ch_executor(chain *c)
{
    if (pthread_equal(pthread_self(), c->loop)) return c->ex;
    ch_worker *w = ch_worker_get(c);
    if (w && !w->ex && c->exi->open(c->ex_state, &w->ex) != ZG_OK) {
        if (w->ex) c->exi->close(w->ex);
        w->ex = NULL;
    }
    return w ? w->ex : NULL;
}

static int find(chain *c, int kind, const char *name, const char *what, const void **iface, void **st)
{
    int rc = c->h->plugin_find(c->ctx, kind, name, iface, st);
    if (rc != ZG_OK) {
        if (name)
            CH_LOG(c, ZG_LOG_ERROR, "no %s plugin instance named '%s' is loaded (check `%s` in this plugin's config)",
                   what, name, what);
        else
            CH_LOG(c, ZG_LOG_ERROR, "the chain needs a %s plugin: add one (kind = \"%s\") before it in `plugins`", what,
                   what);
    }
    return rc;
}

static int c_start(void *state)
{
    chain *c = state;
    const void *iface;
    int rc;
    if ((rc = find(c, ZG_KIND_KV, c->kv_name, "kv", &iface, &c->kv_state)) != ZG_OK) return rc;
    c->kv = iface;
    if ((rc = find(c, ZG_KIND_EXECUTOR, c->executor_name, "executor", &iface, &c->ex_state)) != ZG_OK) return rc;
    c->exi = iface;
    if (c->exi->struct_size < offsetof(zg_executor_iface, set_tracer) || !c->exi->open || !c->exi->execute_tx ||
        !c->exi->execute_call) {
        CH_LOG(c, ZG_LOG_ERROR, "the executor plugin's interface is too old or incomplete");
        return ZG_EINVAL;
    }
    if ((rc = find(c, ZG_KIND_CONSENSUS, c->consensus_name, "consensus", &iface, &c->cons_state)) != ZG_OK) return rc;
    c->cons = iface;
    if (c->cons->struct_size < sizeof(zg_consensus_iface) || !c->cons->attach) {
        CH_LOG(c, ZG_LOG_ERROR, "the consensus plugin's interface is too old or incomplete");
        return ZG_EINVAL;
    }
    if ((rc = c->exi->open(c->ex_state, &c->ex)) != ZG_OK) {
        CH_LOG(c, ZG_LOG_ERROR, "cannot open the executor (status %d)", rc);
        return rc;
    }
    /* RPC workers close theirs when they exit, before plugins unload */
    c->worker_key_ok = pthread_key_create(&c->worker_key, worker_free) == 0;
    if ((rc = mp_new(c, &c->mp)) != ZG_OK) return rc;
    if ((rc = ch_filters_new(c, &c->filters)) != ZG_OK) return rc;
    if ((rc = ch_ledger_open(c)) != ZG_OK) return rc;
    if ((rc = ch_rpc_register(c)) != ZG_OK || (rc = ch_filters_register(c)) != ZG_OK ||
        (rc = ch_rpc_debug_register(c)) != ZG_OK ||
        (rc = ch_rpc_access_register(c)) != ZG_OK || (c->dev && (rc = ch_rpc_dev_register(c)) != ZG_OK)) {
        CH_LOG(c, ZG_LOG_ERROR, "cannot register the JSON-RPC methods (status %d)", rc);
        return rc;
    }
    if (c->dev) ch_genesis_print_accounts(c);
    zg_cons_app app = {
        .struct_size = sizeof app,
        .ctx = c,
        .head = app_head,
        .pending = app_pending,
        .propose = app_propose,
        .validate = app_validate,
        .commit = app_commit,
        .finalized = app_finalized,
        .describe = app_describe,
    };
    if ((rc = c->cons->attach(c->cons_state, &app)) != ZG_OK) {
        CH_LOG(c, ZG_LOG_ERROR, "the consensus plugin refused the chain (status %d)", rc);
        return rc;
    }
    c->attached = 1;
    if (!c->ws)
        CH_LOG(c, ZG_LOG_INFO, "this zgnode has no WebSocket JSON-RPC: eth_subscribe is unavailable (filters work)");
    return ZG_OK;
}

static void c_fini(void *state)
{
    chain *c = state;
    if (c->attached && c->cons->detach) c->cons->detach(c->cons_state);
    ch_filters_free(c->filters);
    mp_free(c->mp);
    if (c->kv) ch_ledger_close(c);
    if (c->ex) c->exi->close(c->ex);
    if (c->worker_key_ok) pthread_key_delete(c->worker_key);
    free(c->snaps);
    free(c->conc);
    ch_config_free(c);
    pthread_rwlock_destroy(&c->lock);
    free(c);
}

static const zg_plugin_desc desc = {
    ZG_PLUGIN_HEADER(ZG_KIND_SERVICE),
    .name = "chain",
    .version = PACKAGE_VERSION,
    .description = "Ethereum-compatible chain: ledger, mempool, eth_* JSON-RPC",
    .init = c_init,
    .start = c_start,
    .fini = c_fini,
    .iface = NULL,
};

ZG_PLUGIN_DEFINE(desc)
