/* genesis.c — the chain plugin's configuration and the genesis block:
 * chain id, gas limit, base fee, timestamp, allocations (balance, nonce,
 * code, storage: enough to pre-deploy system contracts) and, in dev mode,
 * prefunded accounts derived from a mnemonic. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>
#include <zg/secp.h>
#include "chain.h"

#define DEFAULT_MNEMONIC "test test test test test test test test test test test junk"

/* decimal or 0x-hex 256-bit integer */
static int parse_u256(const char *s, zg_u256 *out)
{
    if (!s || !*s) return ZG_EINVAL;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        size_t n = strlen(s + 2);
        if (n == 0 || n > 64) return ZG_EINVAL;
        char buf[65];
        size_t pad = 64 - n;
        memset(buf, '0', pad);
        memcpy(buf + pad, s + 2, n);
        uint8_t be[32];
        if (zg_hex_decode(buf, 64, be) != ZG_OK) return ZG_EINVAL;
        zg_u256_load_be32(out, be);
        return ZG_OK;
    }
    zg_u256 v = ZG_U256_ZERO, ten = zg_u256_from_u64(10);
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return ZG_EINVAL;
        uint64_t hi[8];
        zg_u256_mul_full(hi, &v, &ten);
        if (hi[4] | hi[5] | hi[6] | hi[7]) return ZG_ERANGE;
        zg_u256_mul(&v, &v, &ten);
        zg_u256 d = zg_u256_from_u64((uint64_t)(*p - '0'));
        if (zg_u256_add(&v, &v, &d)) return ZG_ERANGE;
    }
    *out = v;
    return ZG_OK;
}

/* an amount given as an integer or a string */
static int cfg_amount(chain *c, const char *path, zg_u256 *out)
{
    const zg_host_api *h = c->h;
    int t = h->cfg_type(c->ctx, path);
    if (t == ZG_ENOTFOUND) return ZG_ENOTFOUND;
    if (t == ZG_CFG_INT) {
        int64_t v;
        h->cfg_int(c->ctx, path, &v);
        if (v < 0) {
            h->cfg_error(c->ctx, path, "must not be negative");
            return ZG_EINVAL;
        }
        *out = zg_u256_from_u64((uint64_t)v);
        return ZG_OK;
    }
    const char *s;
    if (t != ZG_CFG_STRING || h->cfg_string(c->ctx, path, &s) != ZG_OK || parse_u256(s, out) != ZG_OK) {
        h->cfg_error(c->ctx, path, "must be an integer, or a decimal or 0x-hex string (wei)");
        return ZG_EINVAL;
    }
    return ZG_OK;
}

static int cfg_u64(chain *c, const char *path, uint64_t *out, uint64_t min, uint64_t max)
{
    int64_t v;
    int rc = c->h->cfg_int(c->ctx, path, &v);
    if (rc != ZG_OK) return rc;
    if (v < 0 || (uint64_t)v < min || (uint64_t)v > max) {
        c->h->cfg_error(c->ctx, path, "must be between %llu and %llu", (unsigned long long)min,
                        (unsigned long long)max);
        return ZG_EINVAL;
    }
    *out = (uint64_t)v;
    return ZG_OK;
}

#define OPT(expr)                                                                                                \
    do {                                                                                                         \
        int rc_ = (expr);                                                                                        \
        if (rc_ != ZG_OK && rc_ != ZG_ENOTFOUND) return ZG_EINVAL;                                               \
    } while (0)

static int cfg_bytes(chain *c, const char *path, uint8_t *out, size_t cap, size_t exact, size_t *len)
{
    const char *s;
    int rc = c->h->cfg_string(c->ctx, path, &s);
    if (rc != ZG_OK) return rc;
    size_t n;
    if (zg_data_decode(s, out, cap, &n) != ZG_OK || (exact && n != exact)) {
        if (exact)
            c->h->cfg_error(c->ctx, path, "must be 0x followed by %zu hex bytes", exact);
        else
            c->h->cfg_error(c->ctx, path, "must be 0x-prefixed hex of at most %zu bytes", cap);
        return ZG_EINVAL;
    }
    if (len) *len = n;
    return ZG_OK;
}

static int parse_alloc(chain *c)
{
    int n = c->h->cfg_count(c->ctx, "alloc");
    if (n == ZG_ENOTFOUND) return ZG_OK;
    if (n < 0) return ZG_EINVAL;
    c->alloc = calloc((size_t)n + 1, sizeof *c->alloc);
    if (!c->alloc) return ZG_ENOMEM;
    char p[128];
    for (int i = 0; i < n; i++) {
        ch_alloc *a = &c->alloc[c->nalloc++];
        snprintf(p, sizeof p, "alloc.[%d].address", i);
        int rc = cfg_bytes(c, p, a->addr, 20, 20, NULL);
        if (rc == ZG_ENOTFOUND) {
            c->h->cfg_error(c->ctx, p, "each alloc entry needs an address");
            return ZG_EINVAL;
        }
        if (rc != ZG_OK) return rc;
        snprintf(p, sizeof p, "alloc.[%d].balance", i);
        OPT(cfg_amount(c, p, &a->balance));
        snprintf(p, sizeof p, "alloc.[%d].nonce", i);
        OPT(cfg_u64(c, p, &a->nonce, 0, UINT64_MAX / 2));
        snprintf(p, sizeof p, "alloc.[%d].code", i);
        const char *code;
        rc = c->h->cfg_string(c->ctx, p, &code);
        if (rc == ZG_OK) {
            size_t cl = strlen(code);
            a->code = malloc(cl / 2 + 1);
            if (!a->code) return ZG_ENOMEM;
            if (zg_data_decode(code, a->code, cl / 2 + 1, &a->code_len) != ZG_OK || a->code_len > 24576) {
                c->h->cfg_error(c->ctx, p, "must be 0x-prefixed hex bytecode of at most 24576 bytes");
                return ZG_EINVAL;
            }
        } else if (rc != ZG_ENOTFOUND)
            return ZG_EINVAL;
        snprintf(p, sizeof p, "alloc.[%d].storage", i);
        int ns = c->h->cfg_count(c->ctx, p);
        if (ns > 0) {
            a->storage = calloc((size_t)ns, sizeof *a->storage);
            if (!a->storage) return ZG_ENOMEM;
            for (int j = 0; j < ns; j++) {
                for (int k = 0; k < 2; k++) {
                    snprintf(p, sizeof p, "alloc.[%d].storage.[%d].[%d]", i, j, k);
                    zg_u256 v;
                    if (cfg_amount(c, p, &v) != ZG_OK) {
                        snprintf(p, sizeof p, "alloc.[%d].storage.[%d]", i, j);
                        c->h->cfg_error(c->ctx, p, "storage entries are [\"0xslot\", \"0xvalue\"] pairs");
                        return ZG_EINVAL;
                    }
                    zg_u256_store_be32(&v, a->storage[j][k]);
                }
            }
            a->nstorage = (size_t)ns;
        }
    }
    return ZG_OK;
}

int ch_genesis_config(chain *c)
{
    const zg_host_api *h = c->h;
    zg_ctx *x = c->ctx;
    c->chain_id = 31337;
    c->gas_limit = 30000000;
    c->genesis_base_fee = zg_u256_from_u64(1000000000);
    c->dev = 1;
    c->mnemonic = DEFAULT_MNEMONIC;
    c->dev_naccounts = 10;
    parse_u256("10000000000000000000000", &c->dev_balance);
    c->max_logs_range = 10000;
    c->max_logs = 10000;
    c->mp_max_txs = 10000;
    c->mp_max_per_sender = 1000;
    c->rpc_gas_cap = 50000000;
    c->allow_unprotected = 1;
    c->min_priority_fee = 1000000000;
    c->db_name = "chain";

    OPT(cfg_u64(c, "chain_id", &c->chain_id, 1, UINT64_MAX / 2 - 36));
    OPT(cfg_u64(c, "gas_limit", &c->gas_limit, 5000, UINT64_MAX / 2));
    OPT(cfg_amount(c, "base_fee", &c->genesis_base_fee));
    OPT(cfg_u64(c, "timestamp", &c->genesis_timestamp, 0, UINT64_MAX / 4));
    OPT(cfg_bytes(c, "coinbase", c->coinbase, 20, 20, NULL));
    OPT(cfg_bytes(c, "extra_data", c->genesis_extra, 32, 0, &c->genesis_extra_len));
    OPT(h->cfg_bool(x, "dev", &c->dev));
    OPT(h->cfg_string(x, "mnemonic", &c->mnemonic));
    uint64_t v;
    if (cfg_u64(c, "dev_accounts", &v, 0, 1000) == ZG_OK) c->dev_naccounts = (int64_t)v;
    else if (h->cfg_type(x, "dev_accounts") != ZG_ENOTFOUND) return ZG_EINVAL;
    OPT(cfg_amount(c, "dev_balance", &c->dev_balance));
    OPT(cfg_u64(c, "max_logs_range", &c->max_logs_range, 1, UINT64_MAX / 2));
    OPT(cfg_u64(c, "max_logs", &c->max_logs, 1, UINT64_MAX / 2));
    OPT(cfg_u64(c, "max_block_txs", &c->max_block_txs, 0, 1u << 30));
    OPT(cfg_u64(c, "rpc_gas_cap", &c->rpc_gas_cap, 21000, UINT64_MAX / 2));
    OPT(cfg_u64(c, "priority_fee", &c->min_priority_fee, 0, UINT64_MAX / 2));
    if (cfg_u64(c, "mempool.max_txs", &v, 1, 1u << 24) == ZG_OK) c->mp_max_txs = (int64_t)v;
    else if (h->cfg_type(x, "mempool.max_txs") != ZG_ENOTFOUND) return ZG_EINVAL;
    if (cfg_u64(c, "mempool.max_per_sender", &v, 1, 1u << 24) == ZG_OK) c->mp_max_per_sender = (int64_t)v;
    else if (h->cfg_type(x, "mempool.max_per_sender") != ZG_ENOTFOUND) return ZG_EINVAL;
    OPT(h->cfg_bool(x, "allow_unprotected_txs", &c->allow_unprotected));
    OPT(h->cfg_bool(x, "sync_writes", &c->sync_writes));
    OPT(h->cfg_string(x, "db", &c->db_name));
    OPT(h->cfg_string(x, "kv", &c->kv_name));
    OPT(h->cfg_string(x, "executor", &c->executor_name));
    OPT(h->cfg_string(x, "consensus", &c->consensus_name));
    if (parse_alloc(c) != ZG_OK) return ZG_EINVAL;

    if (c->dev && c->dev_naccounts > 0) {
        c->accts = calloc((size_t)c->dev_naccounts, sizeof *c->accts);
        if (!c->accts) return ZG_ENOMEM;
        for (int64_t i = 0; i < c->dev_naccounts; i++) {
            if (ch_dev_derive(c->mnemonic, "", (uint32_t)i, c->accts[i].key) != ZG_OK ||
                zg_secp_address(c->accts[i].key, c->accts[i].addr) != ZG_OK) {
                h->cfg_error(x, "mnemonic", "cannot derive account %lld from this mnemonic", (long long)i);
                return ZG_EINVAL;
            }
            c->naccts++;
        }
    }
    return ZG_OK;
}

void ch_config_free(chain *c)
{
    for (size_t i = 0; i < c->nalloc; i++) {
        free(c->alloc[i].code);
        free(c->alloc[i].storage);
    }
    free(c->alloc);
    c->alloc = NULL;
    c->nalloc = 0;
    if (c->accts) memset(c->accts, 0, c->naccts * sizeof *c->accts);
    free(c->accts);
    c->accts = NULL;
    c->naccts = 0;
}

const uint8_t ch_beacon_roots_addr[20] = {0x00, 0x0f, 0x3d, 0xf6, 0xd7, 0x32, 0x80, 0x7e, 0xf1, 0x31,
                                          0x9f, 0xb7, 0xb8, 0xbb, 0x85, 0x22, 0xd0, 0xbe, 0xac, 0x02};
/* EIP-4788, "Deployment" (code hash 0xf57acd40...b02c) */
const char ch_beacon_roots_code[] =
    "3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414"
    "603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500";

int ch_genesis_build(chain *c, ch_header *g, zg_kv_batch *b)
{
    ch_state *st;
    int rc = ch_state_open(c, zg_trie_empty_root, NULL, &st);
    if (rc != ZG_OK) return rc;
    if (c->dev) { /* Cancun's system contract, as on mainnet (an alloc entry may override it) */
        uint8_t code[sizeof ch_beacon_roots_code / 2];
        size_t cl = (sizeof ch_beacon_roots_code - 1) / 2;
        zg_hex_decode(ch_beacon_roots_code, cl * 2, code);
        rc = ch_state_set_nonce(st, ch_beacon_roots_addr, 1);
        if (rc == ZG_OK) rc = ch_state_set_code(st, ch_beacon_roots_addr, code, cl);
    }
    for (size_t i = 0; i < c->naccts && rc == ZG_OK; i++) rc = ch_state_set_balance(st, c->accts[i].addr, &c->dev_balance);
    for (size_t i = 0; i < c->nalloc && rc == ZG_OK; i++) {
        const ch_alloc *a = &c->alloc[i];
        /* an alloc entry for a dev account adds to it */
        zg_exec_account cur;
        zg_u256 bal = a->balance;
        if (ch_state_account(st, a->addr, &cur, NULL) == ZG_OK) zg_u256_add(&bal, &bal, &cur.balance);
        rc = ch_state_set_balance(st, a->addr, &bal);
        if (rc == ZG_OK && a->nonce) rc = ch_state_set_nonce(st, a->addr, a->nonce);
        if (rc == ZG_OK && a->code_len) rc = ch_state_set_code(st, a->addr, a->code, a->code_len);
        for (size_t j = 0; rc == ZG_OK && j < a->nstorage; j++)
            rc = ch_state_set_storage(st, a->addr, a->storage[j][0], a->storage[j][1]);
    }
    memset(g, 0, sizeof *g);
    if (rc == ZG_OK) rc = ch_state_commit(st, b, g->state_root);
    ch_state_free(st);
    if (rc != ZG_OK) return rc;
    static const uint8_t ommers_empty[32] = {0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5,
                                             0x67, 0xb6, 0xcc, 0xd4, 0x1a, 0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a,
                                             0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};
    memcpy(g->ommers_hash, ommers_empty, 32);
    memcpy(g->coinbase, c->coinbase, 20);
    memcpy(g->tx_root, zg_trie_empty_root, 32);
    memcpy(g->receipts_root, zg_trie_empty_root, 32);
    memcpy(g->withdrawals_root, zg_trie_empty_root, 32);
    g->gas_limit = c->gas_limit;
    g->timestamp = c->genesis_timestamp;
    memcpy(g->extra, c->genesis_extra, c->genesis_extra_len);
    g->extra_len = c->genesis_extra_len;
    g->base_fee = c->genesis_base_fee;
    ch_header_hash(g);
    return ZG_OK;
}

/* "10000.000000000000000000" from wei */
static void fmt_ether(const zg_u256 *wei, char *out, size_t cap)
{
    zg_u256 q, r, e18 = zg_u256_from_u64(1000000000000000000ull);
    zg_u256_divmod(&q, &r, wei, &e18);
    /* the integer part fits comfortably for display unless absurd */
    char ip[80];
    if (zg_u256_fits_u64(&q))
        snprintf(ip, sizeof ip, "%llu", (unsigned long long)q.w[0]);
    else
        snprintf(ip, sizeof ip, "(huge)");
    snprintf(out, cap, "%s.%018llu", ip, (unsigned long long)r.w[0]);
}

void ch_genesis_print_accounts(chain *c)
{
    if (!c->naccts) return;
    char amt[128], addr[43], key[65];
    fmt_ether(&c->dev_balance, amt, sizeof amt);
    CH_LOG(c, ZG_LOG_INFO, "Available Accounts");
    CH_LOG(c, ZG_LOG_INFO, "==================");
    for (size_t i = 0; i < c->naccts; i++) {
        ch_addr_checksum(c->accts[i].addr, addr);
        CH_LOG(c, ZG_LOG_INFO, "(%zu) %s (%s ETH)", i, addr, amt);
    }
    CH_LOG(c, ZG_LOG_INFO, "Private Keys");
    CH_LOG(c, ZG_LOG_INFO, "==================");
    for (size_t i = 0; i < c->naccts; i++) {
        zg_hex_encode(c->accts[i].key, 32, key);
        CH_LOG(c, ZG_LOG_INFO, "(%zu) 0x%s", i, key);
    }
    CH_LOG(c, ZG_LOG_INFO, "Wallet: mnemonic \"%s\", derivation path m/44'/60'/0'/0/", c->mnemonic);
    CH_LOG(c, ZG_LOG_INFO, "Chain ID: %llu", (unsigned long long)c->chain_id);
}
