/* tests/chain_rpc — the chain plugin end to end through zgnode's JSON-RPC,
 * over the memory and the leveldb kv backends: accounts and genesis,
 * transfers of every transaction type with exact balance accounting, block
 * and receipt shapes (header hash recomputed from the JSON fields), a
 * contract (deploy, call, storage, logs, revert reason), eth_getProof
 * checked against the state root, filters, dev methods, tracing, the
 * EIP-4788 beacon roots system call, bad input
 * answered with JSON-RPC errors, and (leveldb) a restart that keeps the
 * chain. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include <zg/rlp.h>
#include <zg/secp.h>
#include <zg/trie.h>
#include "chain_util.h"
#include "tap.h"

#define CHAIN_ID 31337
/* init code || runtime: stores calldata word 0 in slot 0, emits LOG1(topic
 * 0x77, word), returns the word; empty calldata reverts Error("nope") */
static const char *const CONTRACT =
    "0x6041600c60003960416000f33615601b5760003580600055600052607760206000a160206000f35b6308c379a060e01b600052602060"
    "04526004602452636e6f706560e01b60445260646000fd";

static cu_node node;

static json_t *R(const char *m, json_t *p) { return cu_result(&node, m, p); }

/* the error object of a call (new ref) or NULL if it succeeded */
static json_t *E(const char *m, json_t *p)
{
    json_t *r = cu_call(&node, m, p);
    json_t *e = r ? json_object_get(r, "error") : NULL;
    if (e) json_incref(e);
    json_decref(r);
    return e;
}

static int err_has(json_t *e, int code, const char *text)
{
    int ok_ = e && json_integer_value(json_object_get(e, "code")) == code &&
              (!text || strstr(json_string_value(json_object_get(e, "message")) ?: "", text));
    if (!ok_) {
        char *s = e ? json_dumps(e, JSON_COMPACT) : NULL;
        diag("unexpected error: %s (wanted %d '%s')", s ? s : "(none)", code, text ? text : "");
        free(s);
    }
    json_decref(e);
    return ok_;
}

static uint64_t block_number(void)
{
    json_t *r = R("eth_blockNumber", NULL);
    uint64_t n = cu_u64(r);
    json_decref(r);
    return n;
}

static void balance_of(const uint8_t a[20], zg_u256 *out)
{
    json_t *r = R("eth_getBalance", json_pack("[s,s]", cu_hex(a, 20), "latest"));
    uint8_t be[32] = {0};
    zg_json_get_quantity_be32(r, be);
    zg_u256_load_be32(out, be);
    json_decref(r);
}

static char *send_raw(const char *raw)
{
    json_t *r = R("eth_sendRawTransaction", json_pack("[s]", raw));
    char *h = json_is_string(r) ? strdup(json_string_value(r)) : NULL;
    json_decref(r);
    return h;
}

static uint64_t nonce_of(const uint8_t a[20])
{
    json_t *r = R("eth_getTransactionCount", json_pack("[s,s]", cu_hex(a, 20), "pending"));
    uint64_t n = cu_u64(r);
    json_decref(r);
    return n;
}

/* keccak(rlp(header fields from JSON)) == hash */
static int header_hash_ok(json_t *b)
{
    static const char *const f[] = {"parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot",
                                    "receiptsRoot", "logsBloom", "difficulty", "number", "gasLimit", "gasUsed",
                                    "timestamp", "extraData", "mixHash", "nonce", "baseFeePerGas", "withdrawalsRoot",
                                    "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot"};
    static const int is_q[] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0};
    zg_rlp_buf rb;
    zg_rlp_buf_init(&rb);
    zg_rlp_list_begin(&rb);
    for (int i = 0; i < 20; i++) {
        json_t *v = json_object_get(b, f[i]);
        uint8_t buf[512];
        size_t n = 0;
        if (is_q[i]) {
            uint8_t be[32];
            if (zg_json_get_quantity_be32(v, be) != ZG_OK) return 0;
            zg_rlp_put_be32(&rb, be);
        } else {
            if (zg_json_get_data(v, buf, sizeof buf, &n) != ZG_OK) return 0;
            zg_rlp_put_bytes(&rb, buf, n);
        }
    }
    zg_rlp_list_end(&rb);
    uint8_t h[32], want[32];
    zg_keccak256(rb.data, rb.len, h);
    zg_rlp_buf_free(&rb);
    size_t n;
    return zg_json_get_data(json_object_get(b, "hash"), want, 32, &n) == ZG_OK && memcmp(h, want, 32) == 0;
}

static void test_basics(const char *kv)
{
    json_t *r = R("eth_chainId", NULL);
    ok(r && cu_u64(r) == CHAIN_ID, "%s: eth_chainId is 0x7a69", kv);
    json_decref(r);
    r = R("net_version", NULL);
    ok(json_is_string(r) && !strcmp(json_string_value(r), "31337"), "%s: net_version", kv);
    json_decref(r);
    r = R("web3_clientVersion", NULL);
    ok(json_is_string(r) && !strncmp(json_string_value(r), "zgnode/", 7), "%s: web3_clientVersion", kv);
    json_decref(r);
    r = R("eth_accounts", NULL);
    ok(json_array_size(r) == 10 &&
           !strcasecmp(json_string_value(json_array_get(r, 0)), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
       "%s: ten dev accounts, account 0 is 0xf39F...2266", kv);
    /* every listed account is the address of the matching well-known key */
    int match = json_array_size(r) == 10;
    for (int i = 0; i < 4 && match; i++) {
        uint8_t key[32], addr[20];
        cu_dev_key(i, key, addr);
        match = !strcasecmp(json_string_value(json_array_get(r, (size_t)i)), cu_hex(addr, 20));
    }
    ok(match, "%s: accounts 0-3 derive from the standard mnemonic", kv);
    json_decref(r);
    uint8_t key[32], a0[20];
    cu_dev_key(0, key, a0);
    zg_u256 bal, want;
    balance_of(a0, &bal);
    zg_u256 e22 = zg_u256_from_u64(10000), e18 = zg_u256_from_u64(1000000000000000000ull);
    zg_u256_mul(&want, &e22, &e18);
    ok(zg_u256_eq(&bal, &want), "%s: dev account 0 holds 10000 ETH", kv);
    r = R("eth_getBlockByNumber", json_pack("[s,b]", "earliest", 0));
    ok(r && cu_u64(json_object_get(r, "number")) == 0 && header_hash_ok(r), "%s: genesis block, hash matches its fields", kv);
    json_decref(r);
    r = R("eth_syncing", NULL);
    ok(json_is_false(r), "%s: eth_syncing false", kv);
    json_decref(r);
    r = R("eth_gasPrice", NULL);
    ok(r && cu_u64(r) > 0, "%s: eth_gasPrice", kv);
    json_decref(r);
}

/* send, wait, check status and balances exactly */
static void test_transfers(const char *kv)
{
    uint8_t k0[32], a0[20], k1[32], a1[20];
    cu_dev_key(0, k0, a0);
    cu_dev_key(1, k1, a1);
    for (int type = 0; type <= 2; type++) {
        zg_u256 b0, b1, c0, c1;
        balance_of(a0, &b0);
        balance_of(a1, &b1);
        uint64_t before = block_number();
        zg_tx tx;
        zg_tx_init(&tx);
        tx.type = (uint8_t)type;
        tx.has_chain_id = 1;
        tx.chain_id = CHAIN_ID;
        tx.nonce = nonce_of(a0);
        tx.gas_limit = 21000;
        tx.gas_price = tx.max_fee_per_gas = zg_u256_from_u64(5000000000ull);
        tx.max_priority_fee_per_gas = type == 2 ? zg_u256_from_u64(1000000000ull) : tx.gas_price;
        tx.has_to = 1;
        memcpy(tx.to, a1, 20);
        tx.value = zg_u256_from_u64(123456789);
        char *raw = cu_sign_raw(&tx, k0);
        char *h = raw ? send_raw(raw) : NULL;
        json_t *rc = h ? cu_wait_receipt(&node, h) : NULL;
        ok(rc && cu_u64(json_object_get(rc, "status")) == 1 && cu_u64(json_object_get(rc, "gasUsed")) == 21000 &&
               cu_u64(json_object_get(rc, "type")) == (uint64_t)type,
           "%s: type %d transfer mined with status 1, 21000 gas", kv, type);
        ok(block_number() == before + 1 && rc && cu_u64(json_object_get(rc, "blockNumber")) == before + 1,
           "%s: instant mode sealed one block for it", kv);
        balance_of(a0, &c0);
        balance_of(a1, &c1);
        uint8_t pbe[32] = {0};
        zg_json_get_quantity_be32(json_object_get(rc, "effectiveGasPrice"), pbe);
        zg_u256 price, fee, g = zg_u256_from_u64(21000), spent;
        zg_u256_load_be32(&price, pbe);
        zg_u256_mul(&fee, &price, &g);
        zg_u256_add(&spent, &fee, &tx.value);
        zg_u256 d0, d1;
        zg_u256_sub(&d0, &b0, &c0);
        zg_u256_sub(&d1, &c1, &b1);
        ok(zg_u256_eq(&d0, &spent) && zg_u256_eq(&d1, &tx.value),
           "%s: type %d: sender paid value + gasUsed * effectiveGasPrice, recipient got value", kv, type);
        json_t *t = h ? R("eth_getTransactionByHash", json_pack("[s]", h)) : NULL;
        ok(t && !strcasecmp(json_string_value(json_object_get(t, "from")) ?: "", cu_hex(a0, 20)) &&
               cu_u64(json_object_get(t, "value")) == 123456789 && cu_u64(json_object_get(t, "type")) == (uint64_t)type,
           "%s: eth_getTransactionByHash returns the mined tx", kv);
        json_t *blk = rc ? R("eth_getBlockByHash", json_pack("[O,b]", json_object_get(rc, "blockHash"), 1)) : NULL;
        ok(blk && header_hash_ok(blk) && json_array_size(json_object_get(blk, "transactions")) == 1 &&
               json_is_object(json_array_get(json_object_get(blk, "transactions"), 0)),
           "%s: block by hash with full txs, hash matches its fields", kv);
        json_decref(blk);
        json_decref(t);
        json_decref(rc);
        free(h);
        free(raw);
    }
}

static char *contract_addr;

static void test_contract(const char *kv)
{
    uint8_t k0[32], a0[20];
    cu_dev_key(0, k0, a0);
    json_t *r = R("eth_sendTransaction", json_pack("[{s:s,s:s}]", "from", cu_hex(a0, 20), "data", CONTRACT));
    char *h = json_is_string(r) ? strdup(json_string_value(r)) : NULL;
    json_decref(r);
    json_t *rc = h ? cu_wait_receipt(&node, h) : NULL;
    json_t *ca = rc ? json_object_get(rc, "contractAddress") : NULL;
    ok(rc && cu_u64(json_object_get(rc, "status")) == 1 && json_is_string(ca),
       "%s: eth_sendTransaction deploys the contract", kv);
    free(contract_addr);
    contract_addr = json_is_string(ca) ? strdup(json_string_value(ca)) : strdup("0x00");
    /* address = keccak(rlp([sender, nonce]))[12:] */
    json_t *t = h ? R("eth_getTransactionByHash", json_pack("[s]", h)) : NULL;
    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    zg_rlp_list_begin(&b);
    zg_rlp_put_bytes(&b, a0, 20);
    zg_rlp_put_u64(&b, cu_u64(json_object_get(t, "nonce")));
    zg_rlp_list_end(&b);
    uint8_t hh[32];
    zg_keccak256(b.data, b.len, hh);
    zg_rlp_buf_free(&b);
    ok(!strcasecmp(contract_addr, cu_hex(hh + 12, 20)), "%s: contractAddress derives from sender and nonce", kv);
    json_decref(t);
    json_decref(rc);
    free(h);
    r = R("eth_getCode", json_pack("[s,s]", contract_addr, "latest"));
    ok(json_is_string(r) && strlen(json_string_value(r)) == 2 + 2 * 65, "%s: eth_getCode returns the runtime", kv);
    json_decref(r);

    const char *word = "0x00000000000000000000000000000000000000000000000000000000deadbeef";
    r = R("eth_call", json_pack("[{s:s,s:s},s]", "to", contract_addr, "data", word, "latest"));
    ok(json_is_string(r) && !strcmp(json_string_value(r), word), "%s: eth_call returns the word", kv);
    json_decref(r);
    json_t *e = E("eth_call", json_pack("[{s:s},s]", "to", contract_addr, "latest"));
    json_t *data = e ? json_object_get(e, "data") : NULL;
    ok(data && !strncmp(json_string_value(data) ?: "", "0x08c379a0", 10) &&
           err_has(json_incref(e), 3, "execution reverted: nope"),
       "%s: revert: code 3, \"execution reverted: nope\", data = Error(string)", kv);
    json_decref(e);
    ok(err_has(E("eth_estimateGas", json_pack("[{s:s,s:s}]", "from", cu_hex(a0, 20), "to", contract_addr)), 3,
               "execution reverted: nope"),
       "%s: eth_estimateGas of a reverting call: code 3 with the reason", kv);
    r = R("eth_estimateGas", json_pack("[{s:s,s:s,s:s}]", "from", cu_hex(a0, 20), "to", contract_addr, "data", word));
    uint64_t est = cu_u64(r);
    json_decref(r);
    ok(est > 21000 + 20000 && est < 100000, "%s: eth_estimateGas for a store+log call (%llu)", kv, (unsigned long long)est);
    /* state override: code replaced for the call only */
    r = R("eth_call", json_pack("[{s:s,s:s},s,{s:{s:s}}]", "to", contract_addr, "data", word, "latest", contract_addr,
                                "code", "0x602a60005260206000f3"));
    ok(json_is_string(r) && cu_u64(r) == 42, "%s: eth_call with a code override", kv);
    json_decref(r);

    r = R("eth_sendTransaction", json_pack("[{s:s,s:s,s:s,s:s}]", "from", cu_hex(a0, 20), "to", contract_addr, "data",
                                           word, "gas", "0x30000"));
    h = json_is_string(r) ? strdup(json_string_value(r)) : NULL;
    json_decref(r);
    rc = h ? cu_wait_receipt(&node, h) : NULL;
    json_t *logs = rc ? json_object_get(rc, "logs") : NULL;
    ok(json_array_size(logs) == 1 &&
           !strcmp(json_string_value(json_object_get(json_array_get(logs, 0), "data")), word) &&
           !strcmp(json_string_value(json_array_get(json_object_get(json_array_get(logs, 0), "topics"), 0)),
                   "0x0000000000000000000000000000000000000000000000000000000000000077"),
       "%s: receipt carries the LOG1", kv);
    uint64_t bn = rc ? cu_u64(json_object_get(rc, "blockNumber")) : 0;
    r = R("eth_getStorageAt", json_pack("[s,s,s]", contract_addr, "0x0", "latest"));
    ok(json_is_string(r) && cu_u64(r) == 0xdeadbeef, "%s: eth_getStorageAt slot 0", kv);
    json_decref(r);
    char from[24];
    snprintf(from, sizeof from, "0x%llx", (unsigned long long)(bn > 2 ? bn - 2 : 0));
    r = R("eth_getLogs", json_pack("[{s:s,s:s,s:s,s:[s]}]", "fromBlock", from, "toBlock", "latest", "address",
                                   contract_addr, "topics",
                                   "0x0000000000000000000000000000000000000000000000000000000000000077"));
    ok(json_array_size(r) == 1 && cu_u64(json_object_get(json_array_get(r, 0), "blockNumber")) == bn,
       "%s: eth_getLogs by address and topic", kv);
    json_decref(r);
    r = R("eth_getLogs", json_pack("[{s:[s]}]", "topics",
                                   "0x0000000000000000000000000000000000000000000000000000000000000078"));
    ok(json_is_array(r) && json_array_size(r) == 0, "%s: eth_getLogs with a non-matching topic is empty", kv);
    json_decref(r);
    if (h) {
        r = R("debug_traceTransaction", json_pack("[s]", h));
        json_t *sl = r ? json_object_get(r, "structLogs") : NULL;
        ok(json_array_size(sl) > 10 && !strcmp(json_string_value(json_object_get(json_array_get(sl, 0), "op")), "CALLDATASIZE"),
           "%s: debug_traceTransaction struct logs", kv);
        json_decref(r);
        r = R("debug_traceTransaction", json_pack("[s,{s:s}]", h, "tracer", "callTracer"));
        ok(r && !strcmp(json_string_value(json_object_get(r, "type")) ?: "", "CALL") &&
               !strcasecmp(json_string_value(json_object_get(r, "to")) ?: "", contract_addr),
           "%s: debug_traceTransaction callTracer", kv);
        json_decref(r);
    }
    json_decref(rc);
    free(h);
}

static void test_proof(const char *kv)
{
    uint8_t k0[32], a0[20];
    cu_dev_key(0, k0, a0);
    json_t *blk = R("eth_getBlockByNumber", json_pack("[s,b]", "latest", 0));
    uint8_t root[32];
    size_t n;
    zg_json_get_data(json_object_get(blk, "stateRoot"), root, 32, &n);
    json_t *p = R("eth_getProof", json_pack("[s,[s],O]", contract_addr, "0x0", json_object_get(blk, "number")));
    json_t *ap = json_object_get(p, "accountProof");
    size_t np = json_array_size(ap);
    zg_trie_bytes *nodes = calloc(np + 1, sizeof *nodes);
    uint8_t **bufs = calloc(np + 1, sizeof *bufs);
    for (size_t i = 0; i < np; i++) {
        const char *s = json_string_value(json_array_get(ap, i));
        bufs[i] = malloc(strlen(s));
        size_t l = 0;
        zg_data_decode(s, bufs[i], strlen(s), &l);
        nodes[i].data = bufs[i];
        nodes[i].len = l;
    }
    uint8_t addr[20];
    zg_data_decode(contract_addr, addr, 20, &n);
    const uint8_t *val;
    size_t vl;
    int rc = np ? zg_trie_verify_proof(root, addr, 20, ZG_TRIE_SECURE, nodes, np, &val, &vl) : -1;
    ok(rc == ZG_OK, "%s: eth_getProof account proof verifies against the block's stateRoot", kv);
    /* the proven account's storage root is the storageHash reported */
    uint8_t sh[32];
    zg_json_get_data(json_object_get(p, "storageHash"), sh, 32, &n);
    int match = 0;
    if (rc == ZG_OK) {
        zg_rlp_item it, f;
        zg_rlp_iter iter;
        if (zg_rlp_decode(val, vl, &it, NULL) == ZG_OK) {
            zg_rlp_iter_init(&iter, &it);
            zg_rlp_iter_next(&iter, &f, NULL);
            zg_rlp_iter_next(&iter, &f, NULL);
            zg_rlp_iter_next(&iter, &f, NULL);
            match = f.len == 32 && !memcmp(f.data, sh, 32);
        }
    }
    ok(match, "%s: proven account's storage root equals storageHash", kv);
    json_t *sp = json_array_get(json_object_get(p, "storageProof"), 0);
    ok(sp && cu_u64(json_object_get(sp, "value")) == 0xdeadbeef, "%s: storage proof value", kv);
    for (size_t i = 0; i < np; i++) free(bufs[i]);
    free(bufs);
    free(nodes);
    json_decref(p);
    json_decref(blk);
}

static void test_bad_input(const char *kv)
{
    uint8_t k0[32], a0[20], k1[32], a1[20];
    cu_dev_key(0, k0, a0);
    cu_dev_key(1, k1, a1);
    ok(err_has(E("eth_sendRawTransaction", json_pack("[s]", "0xdeadbeef")), -32000, "invalid transaction"),
       "%s: malformed raw tx: -32000 invalid transaction", kv);
    ok(err_has(E("eth_sendRawTransaction", json_pack("[s]", "0xzz")), -32602, NULL), "%s: non-hex raw tx: -32602", kv);
    ok(err_has(E("eth_sendRawTransaction", json_pack("[i]", 5)), -32602, NULL), "%s: non-string raw tx: -32602", kv);
    char *raw = cu_transfer(0, nonce_of(a0), a1, 1, 1); /* chain id 1 */
    ok(err_has(E("eth_sendRawTransaction", json_pack("[s]", raw)), -32000, "invalid chain id for signer: have 1 want 31337"),
       "%s: wrong chain id rejected", kv);
    free(raw);
    raw = cu_transfer(0, nonce_of(a0), a1, 1, CHAIN_ID);
    /* flip a byte of s: signature no longer matches (or is invalid) */
    size_t L = strlen(raw);
    raw[L - 3] = raw[L - 3] == '1' ? '2' : '1';
    json_t *e = E("eth_sendRawTransaction", json_pack("[s]", raw));
    const char *m = e ? json_string_value(json_object_get(e, "message")) : NULL;
    /* a tampered s either recovers another sender (no funds, nonce 0) or fails to recover */
    ok(e && m && (strstr(m, "invalid sender") || strstr(m, "insufficient funds") || strstr(m, "invalid transaction") ||
                  strstr(m, "nonce")),
       "%s: tampered signature rejected (%s)", kv, m ? m : "accepted!");
    json_decref(e);
    free(raw);
    raw = cu_transfer(0, 0, a1, 1, CHAIN_ID);
    ok(err_has(E("eth_sendRawTransaction", json_pack("[s]", raw)), -32000, "nonce too low"), "%s: nonce too low", kv);
    free(raw);
    /* account 3 sends more than it has */
    uint8_t k3[32], a3[20];
    cu_dev_key(3, k3, a3);
    zg_tx tx;
    zg_tx_init(&tx);
    tx.type = ZG_TX_DYNAMIC_FEE;
    tx.has_chain_id = 1;
    tx.chain_id = CHAIN_ID;
    tx.nonce = nonce_of(a3);
    tx.gas_limit = 21000;
    tx.max_fee_per_gas = tx.gas_price = zg_u256_from_u64(10000000000ull);
    tx.max_priority_fee_per_gas = zg_u256_from_u64(1);
    tx.has_to = 1;
    memcpy(tx.to, a1, 20);
    tx.value = zg_u256_from_u64(1);
    zg_u256 big = zg_u256_from_u64(1000000);
    zg_u256 e18 = zg_u256_from_u64(1000000000000000000ull);
    zg_u256_mul(&tx.value, &big, &e18);
    raw = cu_sign_raw(&tx, k3);
    ok(err_has(E("eth_sendRawTransaction", json_pack("[s]", raw)), -32000, "insufficient funds for gas * price + value"),
       "%s: insufficient funds", kv);
    free(raw);
    tx.value = zg_u256_from_u64(1);
    tx.max_fee_per_gas = tx.gas_price = zg_u256_from_u64(1);
    tx.max_priority_fee_per_gas = zg_u256_from_u64(1);
    raw = cu_sign_raw(&tx, k3);
    ok(err_has(E("eth_sendRawTransaction", json_pack("[s]", raw)), -32000, "max fee per gas less than block base fee"),
       "%s: fee cap below the base fee", kv);
    free(raw);
    tx.max_fee_per_gas = tx.gas_price = zg_u256_from_u64(10000000000ull);
    tx.gas_limit = 20000;
    raw = cu_sign_raw(&tx, k3);
    ok(err_has(E("eth_sendRawTransaction", json_pack("[s]", raw)), -32000, "intrinsic gas too low"), "%s: intrinsic gas too low", kv);
    free(raw);
    /* oversized: 130 KB of calldata */
    size_t big_len = 130 * 1024;
    uint8_t *blob = calloc(1, big_len);
    tx.gas_limit = 29000000;
    tx.data = blob;
    tx.data_len = big_len;
    raw = cu_sign_raw(&tx, k3);
    ok(err_has(E("eth_sendRawTransaction", json_pack("[s]", raw)), -32000, "oversized data"), "%s: oversized transaction", kv);
    free(raw);
    free(blob);
    tx.data = NULL;
    tx.data_len = 0;
    /* replacement: same nonce, queued far ahead so it is not mined, then a too-small bump */
    tx.gas_limit = 21000;
    tx.nonce = nonce_of(a3) + 5;
    raw = cu_sign_raw(&tx, k3);
    char *h1 = send_raw(raw);
    free(raw);
    ok(h1 != NULL, "%s: a future-nonce tx is queued", kv);
    tx.max_fee_per_gas = tx.gas_price = zg_u256_from_u64(10500000000ull);
    raw = cu_sign_raw(&tx, k3);
    ok(err_has(E("eth_sendRawTransaction", json_pack("[s]", raw)), -32000, "replacement transaction underpriced"),
       "%s: 5%% bump: replacement transaction underpriced", kv);
    free(raw);
    tx.max_fee_per_gas = tx.gas_price = zg_u256_from_u64(11000000000ull);
    tx.max_priority_fee_per_gas = zg_u256_from_u64(2);
    raw = cu_sign_raw(&tx, k3);
    char *h2 = send_raw(raw);
    free(raw);
    json_t *st = R("txpool_status", NULL);
    ok(h2 && st && cu_u64(json_object_get(st, "queued")) == 1, "%s: 10%% bump replaces it (one queued tx)", kv);
    json_decref(st);
    if (h1) {
        json_t *t = R("eth_getTransactionByHash", json_pack("[s]", h1));
        ok(json_is_null(t), "%s: the replaced tx is gone", kv);
        json_decref(t);
    }
    free(h1);
    free(h2);
    raw = cu_transfer(1, nonce_of(a1), a0, 1, CHAIN_ID);
    char *h3 = send_raw(raw);
    json_t *rc3 = h3 ? cu_wait_receipt(&node, h3) : NULL;
    ok(rc3 && cu_u64(json_object_get(rc3, "status")) == 1, "%s: a good transaction right after the errors is mined", kv);
    json_decref(rc3);
    free(h3);
    free(raw);
    /* getLogs range limits and malformed filters */
    ok(err_has(E("eth_getLogs", json_pack("[{s:s,s:s}]", "fromBlock", "0x0", "toBlock", "latest")), -32005,
               "block range too large"),
       "%s: eth_getLogs over too many blocks: -32005", kv);
    ok(err_has(E("eth_getLogs", json_pack("[{s:s,s:s}]", "fromBlock", "0x5", "toBlock", "0x2")), -32602, "invalid block range"),
       "%s: eth_getLogs from > to: -32602", kv);
    ok(err_has(E("eth_getLogs", json_pack("[{s:s}]", "topics", "0x01")), -32602, "topics must be an array"),
       "%s: topics not an array: -32602", kv);
    ok(err_has(E("eth_getLogs", json_pack("[{s:s}]", "address", "0x1234")), -32602, "address"), "%s: short address: -32602", kv);
    ok(err_has(E("eth_getLogs", json_pack("[{s:s,s:s}]", "blockHash",
                                          "0x0000000000000000000000000000000000000000000000000000000000000001", "fromBlock", "0x1")),
               -32602, "cannot specify both"),
       "%s: blockHash with fromBlock: -32602", kv);
    ok(err_has(E("eth_getLogs", json_pack("[{s:[s,s,s,s,s]}]", "topics", "0x", "0x", "0x", "0x", "0x")), -32602, "too many topics"),
       "%s: five topic positions: -32602", kv);
    ok(err_has(E("eth_newFilter", json_pack("[{s:i}]", "topics", 3)), -32602, NULL), "%s: eth_newFilter with bad topics", kv);
    ok(err_has(E("eth_getFilterChanges", json_pack("[s]", "0x1234")), -32000, "filter not found"), "%s: unknown filter", kv);
    ok(err_has(E("eth_getBalance", json_pack("[s,s]", "0xabc", "latest")), -32602, NULL), "%s: bad address param", kv);
    ok(err_has(E("eth_getBalance", json_pack("[s,s]", cu_hex(a0, 20), "0x99999")), -32000, "header not found"),
       "%s: future block: header not found", kv);
    ok(err_has(E("eth_call", json_pack("[{s:s},s]", "to", "nothex", "latest")), -32602, NULL), "%s: eth_call bad to", kv);
    ok(err_has(E("eth_getBlockByNumber", json_pack("[s,b]", "0x01", 0)), -32602, NULL), "%s: leading-zero quantity rejected", kv);
    json_t *r = R("eth_getBlockByNumber", json_pack("[s,b]", "0xffffff", 0));
    ok(json_is_null(r), "%s: missing block is null", kv);
    json_decref(r);
    /* garbage bodies at the HTTP level */
    static const char trunc[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getLogs\",\"params\":[";
    char *resp = cu_post(node.port, trunc, sizeof trunc - 1);
    ok(resp && strstr(resp, "-32700"), "%s: truncated JSON: parse error", kv);
    free(resp);
    ok(block_number() > 0, "%s: node keeps serving after bad input", kv);
}

static void test_filters(const char *kv)
{
    uint8_t k0[32], a0[20], k1[32], a1[20];
    cu_dev_key(0, k0, a0);
    cu_dev_key(1, k1, a1);
    json_t *bf = R("eth_newBlockFilter", NULL);
    json_t *lf = R("eth_newFilter", json_pack("[{s:s}]", "address", contract_addr));
    json_t *pf = R("eth_newPendingTransactionFilter", NULL);
    ok(json_is_string(bf) && json_is_string(lf) && json_is_string(pf), "%s: filters installed", kv);
    const char *word = "0x0000000000000000000000000000000000000000000000000000000000000007";
    json_t *r = R("eth_sendTransaction", json_pack("[{s:s,s:s,s:s,s:s}]", "from", cu_hex(a0, 20), "to", contract_addr,
                                                   "data", word, "gas", "0x30000"));
    json_t *rc = json_is_string(r) ? cu_wait_receipt(&node, json_string_value(r)) : NULL;
    json_t *ch = R("eth_getFilterChanges", json_pack("[O]", bf));
    ok(json_array_size(ch) == 1 && !strcmp(json_string_value(json_array_get(ch, 0)),
                                           json_string_value(json_object_get(rc, "blockHash"))),
       "%s: block filter reports the new block", kv);
    json_decref(ch);
    ch = R("eth_getFilterChanges", json_pack("[O]", lf));
    ok(json_array_size(ch) == 1 && !strcmp(json_string_value(json_object_get(json_array_get(ch, 0), "data")), word),
       "%s: log filter reports the new log", kv);
    json_decref(ch);
    ch = R("eth_getFilterChanges", json_pack("[O]", lf));
    ok(json_is_array(ch) && json_array_size(ch) == 0, "%s: nothing new on the next poll", kv);
    json_decref(ch);
    ch = R("eth_getFilterChanges", json_pack("[O]", pf));
    ok(json_array_size(ch) == 1 && !strcmp(json_string_value(json_array_get(ch, 0)), json_string_value(r)),
       "%s: pending filter reports the tx hash", kv);
    json_decref(ch);
    ch = R("eth_getFilterLogs", json_pack("[O]", lf));
    ok(json_array_size(ch) >= 1, "%s: eth_getFilterLogs", kv);
    json_decref(ch);
    json_t *u = R("eth_uninstallFilter", json_pack("[O]", lf));
    json_t *u2 = R("eth_uninstallFilter", json_pack("[O]", lf));
    ok(json_is_true(u) && json_is_false(u2), "%s: uninstall once", kv);
    json_decref(u);
    json_decref(u2);
    json_t *e = E("eth_subscribe", json_pack("[s]", "newHeads"));
    ok(e != NULL, "%s: eth_subscribe over HTTP is an error", kv);
    json_decref(e);
    json_decref(r);
    json_decref(rc);
    json_decref(bf);
    json_decref(lf);
    json_decref(pf);
}

static void test_dev(const char *kv)
{
    uint8_t k0[32], a0[20];
    cu_dev_key(0, k0, a0);
    /* personal_sign: recover the signer */
    json_t *r = R("personal_sign", json_pack("[s,s]", "0x68656c6c6f", cu_hex(a0, 20)));
    uint8_t sig[65];
    size_t n = 0;
    int good = json_is_string(r) && zg_json_get_data(r, sig, 65, &n) == ZG_OK && n == 65;
    json_decref(r);
    if (good) {
        const char *pre = "\x19" "Ethereum Signed Message:\n5hello";
        uint8_t h[32], who[20];
        zg_keccak256(pre, strlen(pre), h);
        good = zg_secp_recover_address(h, sig[64] - 27, sig, sig + 32, who) == ZG_OK && !memcmp(who, a0, 20);
    }
    ok(good, "%s: personal_sign recovers to the account", kv);
    /* EIP-712's own example (Mail from Cow to Bob) */
    const char *typed =
        "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"version\",\"type\":\"string\"},"
        "{\"name\":\"chainId\",\"type\":\"uint256\"},{\"name\":\"verifyingContract\",\"type\":\"address\"}],"
        "\"Person\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"wallet\",\"type\":\"address\"}],"
        "\"Mail\":[{\"name\":\"from\",\"type\":\"Person\"},{\"name\":\"to\",\"type\":\"Person\"},"
        "{\"name\":\"contents\",\"type\":\"string\"}]},\"primaryType\":\"Mail\","
        "\"domain\":{\"name\":\"Ether Mail\",\"version\":\"1\",\"chainId\":1,"
        "\"verifyingContract\":\"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\"},"
        "\"message\":{\"from\":{\"name\":\"Cow\",\"wallet\":\"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"},"
        "\"to\":{\"name\":\"Bob\",\"wallet\":\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"},\"contents\":\"Hello, Bob!\"}}";
    json_t *td = json_loads(typed, 0, NULL);
    r = R("eth_signTypedData_v4", json_pack("[s,o]", cu_hex(a0, 20), td));
    good = json_is_string(r) && zg_json_get_data(r, sig, 65, &n) == ZG_OK && n == 65;
    json_decref(r);
    if (good) {
        uint8_t digest[32], who[20];
        /* the digest published with EIP-712's example */
        zg_hex_decode("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2", 64, digest);
        good = zg_secp_recover_address(digest, sig[64] - 27, sig, sig + 32, who) == ZG_OK && !memcmp(who, a0, 20);
    }
    ok(good, "%s: eth_signTypedData_v4 signs EIP-712's example digest", kv);
    ok(err_has(E("personal_sign", json_pack("[s,s]", "0x00", "0x0000000000000000000000000000000000000001")), -32000,
               "unknown account"),
       "%s: signing with a non-dev account: unknown account", kv);

    /* snapshot / mine / revert / time */
    json_t *snap = R("evm_snapshot", NULL);
    uint64_t n0 = block_number();
    json_t *blk0 = R("eth_getBlockByNumber", json_pack("[s,b]", "latest", 0));
    /* blocks sealed faster than one a second run ahead of the clock (each
     * timestamp is its parent's + 1 at least), so compare with the clock */
    uint64_t t0 = (uint64_t)time(NULL);
    (void)blk0;
    json_decref(blk0);
    json_decref(R("evm_increaseTime", json_pack("[i]", 3600)));
    json_decref(R("evm_mine", NULL));
    json_decref(R("evm_mine", NULL));
    json_t *blk = R("eth_getBlockByNumber", json_pack("[s,b]", "latest", 0));
    uint64_t n2 = block_number(), t2 = cu_u64(json_object_get(blk, "timestamp"));
    if (n2 != n0 + 2 || t2 < t0 + 3600)
        diag("blocks %llu -> %llu, time %llu -> %llu", (unsigned long long)n0, (unsigned long long)n2,
             (unsigned long long)t0, (unsigned long long)t2);
    ok(n2 == n0 + 2 && t2 >= t0 + 3600,
       "%s: evm_mine seals empty blocks; evm_increaseTime moves time", kv);
    json_decref(blk);
    r = R("evm_revert", json_pack("[O]", snap));
    ok(json_is_true(r) && block_number() == n0, "%s: evm_revert returns to the snapshot's block", kv);
    json_decref(r);
    r = R("evm_revert", json_pack("[O]", snap));
    ok(json_is_false(r), "%s: a snapshot reverts once", kv);
    json_decref(r);
    json_decref(snap);
    json_decref(R("evm_mine", NULL));
    ok(block_number() == n0 + 1, "%s: the chain continues after a revert", kv);
    r = R("eth_feeHistory", json_pack("[s,s,[i,i]]", "0x4", "latest", 25, 75));
    ok(r && json_array_size(json_object_get(r, "baseFeePerGas")) == 5 &&
           json_array_size(json_object_get(r, "gasUsedRatio")) == 4 && json_array_size(json_object_get(r, "reward")) == 4,
       "%s: eth_feeHistory shape", kv);
    json_decref(r);
    json_t *bh = R("eth_getBlockByNumber", json_pack("[s,b]", "0x1", 0));
    r = R("eth_getBalance", json_pack("[s,{s:O}]", cu_hex(a0, 20), "blockHash", json_object_get(bh, "hash")));
    ok(json_is_string(r), "%s: EIP-1898 {blockHash} parameter", kv);
    json_decref(r);
    json_decref(bh);
}

/* EIP-4788: the dev genesis deploys the beacon roots contract and every
 * block's system call stores (timestamp, parent beacon root) in its ring */
static void test_beacon_roots(const char *kv)
{
    static const char *const addr = "0x000f3df6d732807ef1319fb7b8bb8522d0beac02";
    json_t *code = R("eth_getCode", json_pack("[s,s]", addr, "latest"));
    uint8_t buf[256], h[32];
    size_t n = 0;
    int got = json_is_string(code) && zg_json_get_data(code, buf, sizeof buf, &n) == ZG_OK;
    if (got) zg_keccak256(buf, n, h);
    ok(got && !strcmp(cu_hex(h, 32), "0xf57acd40259872606d76197ef052f3d35588dadf919ee1f0e3cb9b62d3f4b02c"),
       "%s: dev genesis has EIP-4788's beacon roots contract (code hash)", kv);
    json_decref(code);
    uint8_t k0[32], a0[20], to[20];
    cu_dev_key(0, k0, a0);
    memset(to, 0x4b, 20);
    json_t *nn = R("eth_getTransactionCount", json_pack("[s,s]", cu_hex(a0, 20), "pending"));
    char *raw = cu_transfer(0, cu_u64(nn), to, 1, CHAIN_ID);
    json_decref(nn);
    char *hsh = send_raw(raw);
    json_t *rc = hsh ? cu_wait_receipt(&node, hsh) : NULL;
    json_t *b = rc ? R("eth_getBlockByHash", json_pack("[O,b]", json_object_get(rc, "blockHash"), 0)) : NULL;
    uint64_t ts = cu_u64(json_object_get(b, "timestamp"));
    const char *pbr = json_string_value(json_object_get(b, "parentBeaconBlockRoot"));
    char slot[32], bn[32];
    snprintf(slot, sizeof slot, "0x%llx", (unsigned long long)(ts % 8191));
    snprintf(bn, sizeof bn, "0x%llx", (unsigned long long)cu_u64(json_object_get(b, "number")));
    json_t *s1 = R("eth_getStorageAt", json_pack("[s,s,s]", addr, slot, bn));
    snprintf(slot, sizeof slot, "0x%llx", (unsigned long long)(ts % 8191 + 8191));
    json_t *s2 = R("eth_getStorageAt", json_pack("[s,s,s]", addr, slot, bn));
    ok(b && ts && cu_u64(s1) == ts, "%s: block %s stored its timestamp %llu in the ring", kv, bn, (unsigned long long)ts);
    ok(pbr && json_is_string(s2) && !strcmp(json_string_value(s2), pbr), "%s: and its parent beacon root (%s)", kv,
       json_string_value(s2) ?: "?");
    /* get(): a caller reads the root back by timestamp; an unknown one reverts */
    uint8_t word[32] = {0};
    for (int i = 0; i < 8; i++) word[31 - i] = (uint8_t)(ts >> (8 * i));
    json_t *g = R("eth_call", json_pack("[{s:s,s:s},s]", "to", addr, "data", cu_hex(word, 32), bn));
    ok(pbr && json_is_string(g) && !strcmp(json_string_value(g), pbr), "%s: get(timestamp) returns it", kv);
    uint64_t later = ts + 1000003; /* no block has it (nearby ones may: blocks come every second) */
    for (int i = 0; i < 8; i++) word[31 - i] = (uint8_t)(later >> (8 * i));
    json_t *e = E("eth_call", json_pack("[{s:s,s:s},s]", "to", addr, "data", cu_hex(word, 32), bn));
    ok(e != NULL, "%s: get(unknown timestamp) reverts", kv);
    json_decref(e);
    json_decref(g);
    json_decref(s1);
    json_decref(s2);
    json_decref(b);
    json_decref(rc);
    free(hsh);
    free(raw);
}

static int run_suite(const char *kv)
{
    if (cu_config(&node, kv, kv, "max_logs_range = 5;", NULL) != 0 || cu_start(&node) != 0) {
        ok(0, "%s: node starts (see %s)", kv, node.log);
        return -1;
    }
    ok(1, "%s: node starts with kv %s, evm, dev consensus, chain", kv, kv);
    test_basics(kv);
    test_transfers(kv);
    test_contract(kv);
    test_proof(kv);
    test_filters(kv);
    test_bad_input(kv);
    test_dev(kv);
    test_beacon_roots(kv);
    if (!strcmp(kv, "leveldb")) {
        json_t *before = R("eth_getBlockByNumber", json_pack("[s,b]", "latest", 0));
        uint8_t k0[32], a0[20];
        cu_dev_key(0, k0, a0);
        zg_u256 b0, b1;
        balance_of(a0, &b0);
        ok(cu_stop(&node) == 0, "%s: clean stop", kv);
        ok(cu_start(&node) == 0, "%s: restart on the same datadir", kv);
        json_t *after = R("eth_getBlockByNumber", json_pack("[s,b]", "latest", 0));
        balance_of(a0, &b1);
        ok(before && after && json_equal(json_object_get(before, "hash"), json_object_get(after, "hash")) &&
               zg_u256_eq(&b0, &b1),
           "%s: restart keeps the head block and the state", kv);
        json_decref(before);
        json_decref(after);
        json_t *r = R("eth_getCode", json_pack("[s,s]", contract_addr, "latest"));
        ok(json_is_string(r) && strlen(json_string_value(r)) > 2, "%s: contract code survives the restart", kv);
        json_decref(r);
    }
    ok(cu_stop(&node) == 0, "%s: node stops cleanly", kv);
    return 0;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* the dev consensus' other modes: interval (with empty blocks) and manual */
static void test_modes(void)
{
    uint8_t k0[32], a0[20], to[20];
    cu_dev_key(0, k0, a0);
    memset(to, 0x11, 20);
    if (cu_config(&node, "interval", "memory", NULL, "mode = \"interval\"; interval_ms = 100;") != 0 ||
        cu_start(&node) != 0) {
        ok(0, "interval mode: node starts");
        return;
    }
    uint64_t n0 = block_number();
    sleep_ms(650);
    uint64_t n1 = block_number();
    ok(n1 >= n0 + 3, "interval mode: empty blocks every 100 ms (%llu -> %llu)", (unsigned long long)n0,
       (unsigned long long)n1);
    char *raw = cu_transfer(0, 0, to, 5, CHAIN_ID);
    char *h = send_raw(raw);
    json_t *rc = h ? cu_wait_receipt(&node, h) : NULL;
    ok(rc && cu_u64(json_object_get(rc, "status")) == 1, "interval mode: a transfer is mined by the timer");
    json_decref(rc);
    free(h);
    free(raw);
    /* switch to manual at run time: nothing is sealed until evm_mine */
    json_t *r = R("evm_setAutomine", json_pack("[b]", 0));
    json_decref(r);
    raw = cu_transfer(0, 1, to, 5, CHAIN_ID);
    h = send_raw(raw);
    uint64_t m0 = block_number();
    sleep_ms(300);
    r = h ? R("eth_getTransactionReceipt", json_pack("[s]", h)) : NULL;
    ok(h && json_is_null(r) && block_number() == m0, "manual mode: a sent transaction waits in the mempool");
    json_decref(r);
    json_t *pending = R("eth_getTransactionCount", json_pack("[s,s]", cu_hex(a0, 20), "pending"));
    json_t *latest = R("eth_getTransactionCount", json_pack("[s,s]", cu_hex(a0, 20), "latest"));
    ok(cu_u64(pending) == 2 && cu_u64(latest) == 1, "manual mode: pending nonce counts the waiting tx");
    json_decref(pending);
    json_decref(latest);
    json_decref(R("evm_mine", NULL));
    rc = h ? cu_wait_receipt(&node, h) : NULL;
    ok(rc && cu_u64(json_object_get(rc, "blockNumber")) == m0 + 1, "manual mode: evm_mine includes it");
    json_decref(rc);
    free(h);
    free(raw);
    r = R("evm_setAutomine", json_pack("[b]", 1));
    json_decref(r);
    raw = cu_transfer(0, 2, to, 5, CHAIN_ID);
    h = send_raw(raw);
    rc = h ? cu_wait_receipt(&node, h) : NULL;
    ok(rc != NULL, "evm_setAutomine(true): instant again");
    json_decref(rc);
    free(h);
    free(raw);
    ok(cu_stop(&node) == 0, "modes: node stops cleanly");
}

/* another node's blocks applied through the consensus validate/commit path
 * (dev_importBlock): the replica ends with the same hashes and state */
static void test_import(void)
{
    cu_node a, b;
    if (cu_config(&a, "import-a", "memory", NULL, NULL) != 0 || cu_start(&a) != 0 ||
        cu_config(&b, "import-b", "leveldb", NULL, "mode = \"manual\";") != 0 || cu_start(&b) != 0) {
        ok(0, "import: two nodes start");
        cu_stop(&a);
        return;
    }
    uint8_t to[20];
    memset(to, 0x33, 20);
    for (int i = 0; i < 3; i++) {
        char *raw = cu_transfer(i, 0, to, 1000 + (uint64_t)i, CHAIN_ID);
        json_t *h = cu_result(&a, "eth_sendRawTransaction", json_pack("[s]", raw));
        json_t *rc = json_is_string(h) ? cu_wait_receipt(&a, json_string_value(h)) : NULL;
        json_decref(rc);
        json_decref(h);
        free(raw);
    }
    json_t *h = cu_result(&a, "eth_sendTransaction",
                          json_pack("[{s:s,s:s}]", "from", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "data", CONTRACT));
    json_t *rc = json_is_string(h) ? cu_wait_receipt(&a, json_string_value(h)) : NULL;
    json_decref(rc);
    json_decref(h);
    json_t *bn = cu_result(&a, "eth_blockNumber", NULL);
    uint64_t head = cu_u64(bn);
    json_decref(bn);
    int same = head >= 4;
    char *blk2 = NULL;
    for (uint64_t n = 1; n <= head && same; n++) {
        char num[24];
        snprintf(num, sizeof num, "0x%llx", (unsigned long long)n);
        json_t *raw = cu_result(&a, "debug_getRawBlock", json_pack("[s]", num));
        json_t *blk = cu_result(&a, "eth_getBlockByNumber", json_pack("[s,b]", num, 0));
        if (n == 2 && json_is_string(raw)) blk2 = strdup(json_string_value(raw));
        if (n == head && json_is_string(raw)) {
            /* a tampered copy of the last block first: refused, head unchanged */
            char *bad = strdup(json_string_value(raw));
            size_t L = strlen(bad);
            bad[L - 10] = bad[L - 10] == 'a' ? 'b' : 'a';
            json_t *e = cu_call(&b, "dev_importBlock", json_pack("[s]", bad));
            ok(e && json_object_get(e, "error"), "import: a tampered block is refused");
            json_decref(e);
            free(bad);
        }
        json_t *r = json_is_string(raw) ? cu_result(&b, "dev_importBlock", json_pack("[O]", raw)) : NULL;
        same = r && blk && json_equal(json_object_get(r, "hash"), json_object_get(blk, "hash"));
        json_decref(r);
        json_decref(raw);
        json_decref(blk);
    }
    ok(same, "import: blocks 1..%llu of one node replay on another with identical hashes", (unsigned long long)head);
    json_t *e = blk2 ? cu_call(&b, "dev_importBlock", json_pack("[s]", blk2)) : NULL;
    ok(e && json_object_get(e, "error"), "import: a block that does not extend the head is refused");
    json_decref(e);
    free(blk2);
    json_t *ba = cu_result(&a, "eth_getBalance", json_pack("[s,s]", cu_hex(to, 20), "latest"));
    json_t *bb = cu_result(&b, "eth_getBalance", json_pack("[s,s]", cu_hex(to, 20), "latest"));
    ok(ba && bb && json_equal(ba, bb) && cu_u64(bb) == 3003, "import: the replica's state matches");
    json_decref(ba);
    json_decref(bb);
    ok(cu_stop(&a) == 0 && cu_stop(&b) == 0, "import: both nodes stop cleanly");
}

int main(void)
{
    test_modes();
    test_import();
    run_suite("memory");
    run_suite("leveldb");
    free(contract_addr);
    return tap_done();
}
