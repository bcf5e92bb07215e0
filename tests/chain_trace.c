/* tests/chain_trace — debug_traceTransaction / debug_traceCall against
 * values the test works out itself (the yellow paper's gas costs, the
 * calldata it encodes, what its contracts return, create addresses,
 * SHA-256 of "abc"):
 *  - the struct logger: storage maps on SLOAD/SSTORE (every slot of the
 *    executing account touched so far, 64 hex digits), memory words with
 *    enableMemory only, returnData with enableReturnData, disableStack,
 *    disableStorage, geth's gasCost of calls and creations, "error" on the
 *    instruction an out-of-gas frame stopped at;
 *  - callTracer: every frame (calls with calldata and return data, an
 *    inner revert with its reason, an out-of-gas call, a CREATE, a
 *    STATICCALL to sha256, a CALL to identity, a value transfer to an
 *    account without code) with its from, to, input, output, value, gas,
 *    gasUsed and error; withLog (a failed frame's log dropped) and
 *    onlyTopCall; creations at the top (tx and debug_traceCall); a
 *    reverted transaction. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include <zg/rlp.h>
#include "chain_util.h"
#include "tap.h"

static cu_node node;
static uint8_t sender[20];

static json_t *R(const char *m, json_t *p) { return cu_result(&node, m, p); }

/* B (callee), runtime:
 *   PUSH0 CALLDATALOAD DUP1 ISZERO PUSH1 rev JUMPI     x = calldata[0]; x == 0: revert
 *   PUSH1 1 ADD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN     return x + 1
 *   rev: JUMPDEST PUSH0 PUSH0 LOG0                     an empty log (dropped: the frame reverts)
 *   PUSH4 08c379a0 PUSH1 224 SHL PUSH0 MSTORE          Error(string) selector
 *   PUSH1 32 PUSH1 4 MSTORE  PUSH1 4 PUSH1 36 MSTORE   offset 32, length 4
 *   PUSH4 "zero" PUSH1 224 SHL PUSH1 68 MSTORE
 *   PUSH1 100 PUSH0 REVERT                              revert Error("zero") */
static const char *const B_RUNTIME = "5f3580156010576001015f5260205ff35b5f5fa06308c379a060e01b5f5260206004526004602452"
                                     "637a65726f60e01b60445260645ffd";
/* its gas, by the yellow paper: the success path PUSH0 2, CALLDATALOAD 3,
 * DUP1 3, ISZERO 3, PUSH1 3, JUMPI 10, PUSH1 3, ADD 3, PUSH0 2, MSTORE 3 + 3
 * (1 word), PUSH1 3, PUSH0 2, RETURN 0 */
#define B_OK_GAS (2 + 3 + 3 + 3 + 3 + 10 + 3 + 3 + 2 + 6 + 3 + 2)
/* the revert path: to JUMPI 24, JUMPDEST 1, PUSH0 PUSH0 LOG0 2+2+375,
 * PUSH4 PUSH1 SHL PUSH0 MSTORE 3+3+3+2+6, two PUSH1 PUSH1 MSTORE growing to
 * 2 then 3 words 2*(3+3+3+3), PUSH4 PUSH1 SHL PUSH1 MSTORE (4 words)
 * 3+3+3+3+6, PUSH1 PUSH0 REVERT 3+2 */
#define B_REVERT_GAS (24 + 1 + 379 + 17 + 24 + 18 + 5)

/* the init code A's CREATE runs: PUSH10 <runtime> PUSH0 MSTORE PUSH1 10
 * PUSH1 22 RETURN; runtime returns 42: PUSH1 42 PUSH1 0 MSTORE PUSH1 32
 * PUSH1 0 RETURN */
#define SMALL_INIT "69602a60005260206000f35f52600a6016f3"
#define SMALL_RUNTIME "602a60005260206000f3"
/* PUSH10 3, PUSH0 2, MSTORE 3 + 3, PUSH1 3, PUSH1 3, RETURN 0; 200 per byte of code */
#define SMALL_CREATE_GAS (3 + 2 + 6 + 3 + 3 + 10 * 200)

/* A, runtime (BB..BB: B's address); calldata: a word v
 *   PUSH0 CALLDATALOAD PUSH1 1 SSTORE               slot 1 = v
 *   PUSH1 1 SLOAD POP
 *   PUSH0 CALLDATALOAD PUSH0 MSTORE                 mem[0] = v
 *   CALL(30000, B, 0, in 0..32, out 32..64) POP     -> v + 1 at mem[32]
 *   PUSH1 32 MLOAD PUSH1 2 SSTORE                   slot 2 = v + 1
 *   PUSH0 PUSH1 64 MSTORE
 *   CALL(30000, B, 0, in 64..96 (zero), out none)   B reverts Error("zero")
 *   CALL(10, B, 0, in 0..32, out none)              out of gas
 *   PUSH32 SMALL_INIT.. PUSH1 96 MSTORE
 *   CREATE(0, 96, 18) PUSH1 3 SSTORE                slot 3 = the new address
 *   PUSH32 "abc".. PUSH1 128 MSTORE
 *   STATICCALL(10000, 0x02, in 128..131, out 160..192) POP   sha256("abc")
 *   PUSH1 160 MLOAD PUSH1 4 SSTORE                  slot 4 = sha256("abc")
 *   CALL(10000, 0x04, 0, in 128..133, out 192..197) POP      identity
 *   CALL(10000, 0xdead, 1, none, none) POP          1 wei to an empty account
 *   LOG1(32, 32, topic 0x77)                        log v + 1
 *   RETURN(32, 32)                                  return v + 1 */
static const char *const A_RUNTIME =
    "5f35600155600154505f355f526020602060205f5f73bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb617530f15060205160025"
    "55f6040525f5f602060405f73bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb617530f1505f5f60205f5f73bbbbbbbbbbbbbbbb"
    "bbbbbbbbbbbbbbbbbbbbbbbb600af1507f" SMALL_INIT "0000000000000000000000000000606052601260605ff06003557f616263"
    "0000000000000000000000000000000000000000000000000000000000608052602060a0600360806002612710fa5060a05160045560"
    "0560c0600560805f6004612710f1505f5f5f5f600161dead612710f150607760206020a160206020f3";

/* SHA-256("abc") (FIPS 180-2 test vector) */
static const char *const SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

/* init code deploying runtime hex: PUSH2 len PUSH1 14 PUSH1 0 CODECOPY PUSH2 len PUSH1 0 RETURN */
static char *deployer(const char *runtime)
{
    size_t n = strlen(runtime) / 2;
    char *s = malloc(strlen(runtime) + 40);
    sprintf(s, "0x61%04zx600e60003961%04zx6000f3%s", n, n, runtime);
    return s;
}

static void create_addr(const uint8_t from[20], uint64_t nonce, uint8_t out[20])
{
    zg_rlp_buf b;
    uint8_t h[32];
    zg_rlp_buf_init(&b);
    zg_rlp_list_begin(&b);
    zg_rlp_put_bytes(&b, from, 20);
    zg_rlp_put_u64(&b, nonce);
    zg_rlp_list_end(&b);
    zg_keccak256(b.data, b.len, h);
    zg_rlp_buf_free(&b);
    memcpy(out, h + 12, 20);
}

/* 64 hex digits of a small number / of an address */
static void pad_u64(uint64_t v, char out[65]) { snprintf(out, 65, "%064llx", (unsigned long long)v); }
static void pad_addr(const uint8_t a[20], char out[65])
{
    memset(out, '0', 24);
    zg_hex_encode(a, 20, out + 24);
}

/* send a tx from the dev account; the receipt (new ref) or NULL */
static json_t *send(const char *to, const char *data, const char *value, char hash[67])
{
    json_t *o = json_pack("{s:s,s:s,s:s}", "from", cu_hex(sender, 20), "data", data, "gas", "0xf4240");
    if (to) json_object_set_new(o, "to", json_string(to));
    if (value) json_object_set_new(o, "value", json_string(value));
    json_t *r = R("eth_sendTransaction", json_pack("[o]", o));
    json_t *rc = NULL;
    if (json_is_string(r)) {
        snprintf(hash, 67, "%s", json_string_value(r));
        rc = cu_wait_receipt(&node, hash);
    }
    json_decref(r);
    return rc;
}

static const char *S(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static int S_is(const json_t *o, const char *k, const char *want)
{
    const char *v = S(o, k);
    return v && !strcasecmp(v, want);
}
static uint64_t Q(const json_t *o, const char *k) { return cu_u64(json_object_get(o, k)); }
static json_int_t I(const json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

static json_t *trace_tx(const char *hash, json_t *opts)
{
    return R("debug_traceTransaction", opts ? json_pack("[s,o]", hash, opts) : json_pack("[s]", hash));
}

/* the n-th struct log (from 0) with op at depth, or NULL */
static json_t *find_op(json_t *logs, const char *op, int depth, int n)
{
    size_t i;
    json_t *l;
    json_array_foreach(logs, i, l) {
        if (I(l, "depth") == depth && S_is(l, "op", op) && n-- == 0) return l;
    }
    return NULL;
}

/* storage map of a log has exactly these slot -> value pairs (NULL-ended) */
static int storage_is(const json_t *l, ...)
{
    json_t *m = json_object_get(l, "storage");
    if (!json_is_object(m)) return 0;
    va_list ap;
    va_start(ap, l);
    size_t n = 0;
    int good = 1;
    for (const char *k; (k = va_arg(ap, const char *));) {
        const char *v = va_arg(ap, const char *);
        n++;
        if (!S_is(m, k, v)) good = 0;
    }
    va_end(ap);
    return good && json_object_size(m) == n;
}

static int has_key_anywhere(json_t *logs, const char *key)
{
    size_t i;
    json_t *l;
    json_array_foreach(logs, i, l) if (json_object_get(l, key)) return 1;
    return 0;
}

int main(void)
{
    uint8_t key[32];
    cu_dev_key(3, key, sender);
    if (cu_config(&node, "trace", "memory", NULL, NULL) != 0 || cu_start(&node) != 0) {
        ok(0, "node starts (see %s)", node.log);
        return tap_done();
    }
    char h[67], hb[67], ha[67], hr[67];
    uint64_t n0 = 0;
    {
        json_t *r = R("eth_getTransactionCount", json_pack("[s,s]", cu_hex(sender, 20), "latest"));
        n0 = cu_u64(r);
        json_decref(r);
    }
    uint8_t b_addr[20], a_addr[20], small_addr[20];
    create_addr(sender, n0, b_addr);
    create_addr(sender, n0 + 1, a_addr);
    create_addr(a_addr, 1, small_addr); /* a contract's first CREATE uses nonce 1 (EIP-161) */
    char b_hex[41], a_hex[43], b_pad[65], a_pad[65], small_pad[65];
    zg_hex_encode(b_addr, 20, b_hex);
    snprintf(a_hex, sizeof a_hex, "0x%s", cu_hex(a_addr, 20) + 2);
    pad_addr(b_addr, b_pad);
    pad_addr(a_addr, a_pad);
    pad_addr(small_addr, small_pad);

    /* deploy B, then A with B's address in it */
    char *bd = deployer(B_RUNTIME);
    json_t *rc = send(NULL, bd, NULL, hb);
    ok(rc && S_is(rc, "contractAddress", cu_hex(b_addr, 20)), "B deployed at keccak(rlp(sender, nonce))");
    json_decref(rc);
    char *arun = strdup(A_RUNTIME);
    for (char *p; (p = strstr(arun, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));) memcpy(p, b_hex, 40);
    char *ad = deployer(arun);
    rc = send(NULL, ad, NULL, ha);
    ok(rc && S_is(rc, "contractAddress", a_hex), "A deployed");
    json_decref(rc);

    /* the call: v = 0x1234, 5 wei */
    const uint64_t v = 0x1234;
    char v_pad[65], v1_pad[65], calldata[67];
    pad_u64(v, v_pad);
    pad_u64(v + 1, v1_pad);
    snprintf(calldata, sizeof calldata, "0x%s", v_pad);
    rc = send(a_hex, calldata, "0x5", h);
    uint64_t gas_used = rc ? Q(rc, "gasUsed") : 0;
    ok(rc && Q(rc, "status") == 1 && json_array_size(json_object_get(rc, "logs")) == 1,
       "A's transaction succeeds with one log (B's reverted one is gone)");
    json_decref(rc);
    char ret_word[67];
    snprintf(ret_word, sizeof ret_word, "0x%s", v1_pad);

    /* ---- the struct logger, default options ---- */
    json_t *t = trace_tx(h, NULL);
    json_t *logs = json_object_get(t, "structLogs");
    ok(t && (uint64_t)I(t, "gas") == gas_used && json_is_false(json_object_get(t, "failed")) &&
           S_is(t, "returnValue", ret_word),
       "struct logger: gas = receipt's gasUsed, failed false, returnValue = v + 1");
    char s1[65], s2[65], s3[65], s4[65];
    pad_u64(1, s1);
    pad_u64(2, s2);
    pad_u64(3, s3);
    pad_u64(4, s4);
    json_t *l = find_op(logs, "SSTORE", 1, 0);
    json_t *st = l ? json_object_get(l, "stack") : NULL;
    char vq[24];
    snprintf(vq, sizeof vq, "0x%llx", (unsigned long long)v);
    ok(l && storage_is(l, s1, v_pad, NULL) && json_array_size(st) == 2 &&
           !strcmp(json_string_value(json_array_get(st, 0)) ?: "", vq) &&
           !strcmp(json_string_value(json_array_get(st, 1)) ?: "", "0x1"),
       "first SSTORE: storage {slot 1: v}, stack [v, 1] bottom first");
    l = find_op(logs, "SLOAD", 1, 0);
    ok(l && storage_is(l, s1, v_pad, NULL), "SLOAD: storage {slot 1: v}");
    l = find_op(logs, "SSTORE", 1, 1);
    ok(l && storage_is(l, s1, v_pad, s2, v1_pad, NULL), "second SSTORE: slots 1 and 2 (v + 1 from B)");
    l = find_op(logs, "SSTORE", 1, 2);
    ok(l && storage_is(l, s1, v_pad, s2, v1_pad, s3, small_pad, NULL), "third SSTORE: slot 3 = the CREATE's address");
    l = find_op(logs, "SSTORE", 1, 3);
    ok(l && storage_is(l, s1, v_pad, s2, v1_pad, s3, small_pad, s4, SHA256_ABC, NULL),
       "fourth SSTORE: slot 4 = sha256(\"abc\")");
    {
        size_t i, with = 0, sops = 0;
        json_t *x;
        json_array_foreach(logs, i, x) {
            if (json_object_get(x, "storage")) with++;
            if (S_is(x, "op", "SLOAD") || S_is(x, "op", "SSTORE")) sops++;
        }
        ok(with == 5 && sops == 5, "storage only on the 5 SLOAD/SSTORE steps (%zu, %zu)", with, sops);
    }
    ok(!has_key_anywhere(logs, "memory") && !has_key_anywhere(logs, "returnData"),
       "no memory or returnData by default");
    /* geth's gasCost: a call includes the gas handed over (not the
     * stipend), a creation leaves the callee's gas out */
    l = find_op(logs, "CALL", 1, 0);
    ok(l && I(l, "gasCost") == 2600 + 3 + 30000, "CALL to cold B: 2600 + 3 (memory to 2 words) + 30000 handed over");
    l = find_op(logs, "CALL", 1, 1);
    ok(l && I(l, "gasCost") == 100 + 30000, "CALL to warm B: 100 + 30000");
    l = find_op(logs, "CREATE", 1, 0);
    json_int_t create_gas_before = l ? I(l, "gas") : 0;
    ok(l && I(l, "gasCost") == 32000 + 2, "CREATE: 32000 + 2 per initcode word, not the callee's gas");
    l = find_op(logs, "STATICCALL", 1, 0);
    ok(l && I(l, "gasCost") == 100 + 3 + 10000, "STATICCALL to sha256 (warm): 100 + 3 + 10000");
    l = find_op(logs, "CALL", 1, 3);
    ok(l && I(l, "gasCost") == 100 + 3 + 10000, "CALL to identity: 100 + 3 + 10000");
    l = find_op(logs, "CALL", 1, 4);
    ok(l && I(l, "gasCost") == 2600 + 9000 + 25000 + 10000, "CALL with value to a new account: 2600 + 9000 + 25000 + 10000");
    {
        size_t i, nerr = 0;
        json_t *x, *e = NULL;
        json_array_foreach(logs, i, x) if (json_object_get(x, "error")) nerr++, e = x;
        ok(nerr == 1 && e && S_is(e, "op", "ISZERO") && I(e, "depth") == 2 && I(e, "gas") == 10 - 2 - 3 - 3 &&
               I(e, "gasCost") == 3 && S_is(e, "error", "out of gas"),
           "the 10-gas call stops at ISZERO (2 gas left, costs 3): \"error\": \"out of gas\"");
        size_t d2 = 0, d2_storage = 0;
        json_array_foreach(logs, i, x) if (I(x, "depth") == 2) d2++, d2_storage += json_object_get(x, "storage") != NULL;
        ok(d2 > 20 && d2_storage == 0, "B's steps at depth 2, without storage (%zu steps)", d2);
    }
    json_decref(t);

    /* ---- enableMemory, enableReturnData, disableStack, disableStorage ---- */
    t = trace_tx(h, json_pack("{s:b,s:b,s:b,s:b}", "enableMemory", 1, "enableReturnData", 1, "disableStack", 1,
                              "disableStorage", 1));
    logs = json_object_get(t, "structLogs");
    ok(t && json_array_size(logs) > 50 && !has_key_anywhere(logs, "stack") && !has_key_anywhere(logs, "storage"),
       "disableStack, disableStorage: neither field");
    l = find_op(logs, "CALL", 1, 0);
    json_t *mem = l ? json_object_get(l, "memory") : NULL;
    ok(json_array_size(mem) == 1 && !strcmp(json_string_value(json_array_get(mem, 0)) ?: "", v_pad),
       "memory at the first CALL: [v] (32-byte words, no 0x)");
    {
        /* A's RETURN: every word A wrote */
        json_t *ret = NULL, *x;
        size_t i;
        json_array_foreach(logs, i, x) if (I(x, "depth") == 1 && S_is(x, "op", "RETURN")) ret = x;
        mem = ret ? json_object_get(ret, "memory") : NULL;
        char w3[65], w4[65], w6[65], zero[65];
        snprintf(w3, sizeof w3, "%s%028d", SMALL_INIT, 0);
        snprintf(w4, sizeof w4, "616263%058d", 0);
        snprintf(w6, sizeof w6, "6162630000%054d", 0);
        pad_u64(0, zero);
        const char *want[7] = {v_pad, v1_pad, zero, w3, w4, SHA256_ABC, w6};
        int good = json_array_size(mem) == 7;
        for (int k = 0; good && k < 7; k++) good = !strcmp(json_string_value(json_array_get(mem, (size_t)k)) ?: "", want[k]);
        ok(good, "memory at A's RETURN: v, v + 1, 0, init code, \"abc\", sha256, identity's copy");
    }
    l = find_op(logs, "POP", 1, 1); /* after the first CALL (the first POP follows SLOAD) */
    ok(l && S_is(l, "returnData", ret_word), "returnData after the first CALL: B's v + 1");
    l = find_op(logs, "PUSH0", 1, 0);
    ok(l && !json_object_get(l, "returnData") && !json_object_get(l, "memory"),
       "no returnData before any call, no memory while it is empty");
    json_decref(t);

    /* ---- callTracer ---- */
    t = trace_tx(h, json_pack("{s:s}", "tracer", "callTracer"));
    json_t *calls = json_object_get(t, "calls");
    ok(t && S_is(t, "type", "CALL") && S_is(t, "from", cu_hex(sender, 20)) && S_is(t, "to", a_hex) &&
           S_is(t, "value", "0x5") && Q(t, "gas") == 1000000 && Q(t, "gasUsed") == gas_used &&
           S_is(t, "input", calldata) && S_is(t, "output", ret_word) && !json_object_get(t, "error"),
       "top frame: from, to, value, gas (tx limit), gasUsed (receipt), input, output");
    ok(json_array_size(calls) == 7, "seven inner frames (%zu)", json_array_size(calls));
    json_t *f = json_array_get(calls, 0);
    ok(f && S_is(f, "type", "CALL") && S_is(f, "from", a_hex) && S_is(f, "to", cu_hex(b_addr, 20)) &&
           S_is(f, "value", "0x0") && Q(f, "gas") == 30000 && Q(f, "gasUsed") == B_OK_GAS && S_is(f, "input", calldata) &&
           S_is(f, "output", ret_word) && !json_object_get(f, "error"),
       "CALL B(v): input v, output v + 1, gas 30000, gasUsed %d", B_OK_GAS);
    f = json_array_get(calls, 1);
    {
        char zero_word[67], revert_data[2 + 200 + 1];
        snprintf(zero_word, sizeof zero_word, "0x%064d", 0);
        /* Error("zero"): selector, offset 32, length 4, "zero" padded */
        snprintf(revert_data, sizeof revert_data, "0x08c379a0%064x%064x7a65726f%056d", 32, 4, 0);
        ok(f && S_is(f, "type", "CALL") && S_is(f, "input", zero_word) && S_is(f, "error", "execution reverted") &&
               S_is(f, "revertReason", "zero") && S_is(f, "output", revert_data) && Q(f, "gasUsed") == B_REVERT_GAS,
           "CALL B(0): reverted, revertReason \"zero\", output = Error(\"zero\"), gasUsed %d", B_REVERT_GAS);
    }
    f = json_array_get(calls, 2);
    ok(f && S_is(f, "type", "CALL") && Q(f, "gas") == 10 && Q(f, "gasUsed") == 10 && S_is(f, "error", "out of gas") &&
           !json_object_get(f, "output") && S_is(f, "input", calldata),
       "CALL B with 10 gas: out of gas, all used, no output");
    f = json_array_get(calls, 3);
    {
        char want_out[2 + 20 + 1];
        snprintf(want_out, sizeof want_out, "0x%s", SMALL_RUNTIME);
        /* EIP-150: the callee gets all but a 64th of what is left after CREATE's own cost */
        uint64_t left = (uint64_t)create_gas_before - 32002;
        ok(f && S_is(f, "type", "CREATE") && S_is(f, "from", a_hex) && S_is(f, "to", cu_hex(small_addr, 20)) &&
               S_is(f, "input", "0x" SMALL_INIT) && S_is(f, "output", want_out) && S_is(f, "value", "0x0") &&
               Q(f, "gasUsed") == SMALL_CREATE_GAS && Q(f, "gas") == left - left / 64,
           "CREATE: input = init code, output = deployed code, to = keccak(rlp(A, 1)), gas = all but 1/64, "
           "gasUsed %d",
           SMALL_CREATE_GAS);
    }
    f = json_array_get(calls, 4);
    {
        char want_out[67];
        snprintf(want_out, sizeof want_out, "0x%s", SHA256_ABC);
        ok(f && S_is(f, "type", "STATICCALL") && S_is(f, "to", "0x0000000000000000000000000000000000000002") &&
               S_is(f, "input", "0x616263") && S_is(f, "output", want_out) && Q(f, "gas") == 10000 &&
               Q(f, "gasUsed") == 60 + 12 && !json_object_get(f, "value"),
           "STATICCALL sha256(\"abc\"): the digest, gasUsed 60 + 12, no value field");
    }
    f = json_array_get(calls, 5);
    ok(f && S_is(f, "type", "CALL") && S_is(f, "to", "0x0000000000000000000000000000000000000004") &&
           S_is(f, "input", "0x6162630000") && S_is(f, "output", "0x6162630000") && Q(f, "gasUsed") == 15 + 3 &&
           S_is(f, "value", "0x0"),
       "CALL identity: output = input, gasUsed 15 + 3");
    f = json_array_get(calls, 6);
    ok(f && S_is(f, "type", "CALL") && S_is(f, "to", "0x000000000000000000000000000000000000dead") &&
           S_is(f, "value", "0x1") && Q(f, "gas") == 10000 + 2300 && Q(f, "gasUsed") == 0 && S_is(f, "input", "0x") &&
           !json_object_get(f, "output"),
       "CALL with 1 wei to an account without code: gas 10000 + stipend, gasUsed 0");
    ok(!has_key_anywhere(calls, "logs") && !json_object_get(t, "logs"), "no logs without withLog");
    json_decref(t);

    t = trace_tx(h, json_pack("{s:s,s:{s:b}}", "tracer", "callTracer", "tracerConfig", "withLog", 1));
    json_t *tl = json_object_get(t, "logs");
    json_t *lg = json_array_get(tl, 0);
    char topic[67];
    snprintf(topic, sizeof topic, "0x%064x", 0x77);
    json_t *topics = json_object_get(lg, "topics");
    ok(json_array_size(tl) == 1 && S_is(lg, "address", a_hex) && S_is(lg, "data", ret_word) &&
           json_array_size(topics) == 1 && !strcmp(json_string_value(json_array_get(topics, 0)) ?: "", topic) &&
           S_is(lg, "position", "0x7"),
       "withLog: A's LOG1 after its 7 calls (position 0x7)");
    ok(!json_object_get(json_array_get(json_object_get(t, "calls"), 1), "logs"),
       "withLog: the reverted frame's LOG0 is dropped");
    json_decref(t);
    t = trace_tx(h, json_pack("{s:s,s:{s:b}}", "tracer", "callTracer", "tracerConfig", "onlyTopCall", 1));
    ok(t && !json_object_get(t, "calls") && S_is(t, "output", ret_word), "onlyTopCall: the top frame alone");
    json_decref(t);

    /* ---- creations at the top ---- */
    t = trace_tx(ha, json_pack("{s:s}", "tracer", "callTracer"));
    {
        char *want_out = malloc(strlen(arun) + 3);
        sprintf(want_out, "0x%s", arun);
        ok(t && S_is(t, "type", "CREATE") && S_is(t, "to", a_hex) && S_is(t, "input", ad) &&
               S_is(t, "output", want_out) && !json_object_get(t, "calls"),
           "deploy tx: CREATE, to = A, input = init code, output = runtime");
        json_decref(t);
        t = trace_tx(ha, NULL);
        ok(t && S_is(t, "returnValue", want_out), "deploy tx, struct logger: returnValue = the deployed code");
        free(want_out);
        json_decref(t);
    }
    {
        json_t *r = R("eth_getTransactionCount", json_pack("[s,s]", cu_hex(sender, 20), "latest"));
        uint64_t nonce = cu_u64(r);
        json_decref(r);
        uint8_t will[20];
        create_addr(sender, nonce, will);
        t = R("debug_traceCall", json_pack("[{s:s,s:s},s,{s:s}]", "from", cu_hex(sender, 20), "data", "0x" SMALL_INIT,
                                           "latest", "tracer", "callTracer"));
        ok(t && S_is(t, "type", "CREATE") && S_is(t, "to", cu_hex(will, 20)) && S_is(t, "output", "0x" SMALL_RUNTIME),
           "debug_traceCall of a creation: to = keccak(rlp(from, nonce)), output = the code");
        json_decref(t);
    }
    /* debug_traceCall on A: the same storage maps */
    {
        char cd[67], want[67], w7[65], w8[65];
        pad_u64(7, w7);
        pad_u64(8, w8);
        snprintf(cd, sizeof cd, "0x%s", w7);
        snprintf(want, sizeof want, "0x%s", w8);
        t = R("debug_traceCall", json_pack("[{s:s,s:s,s:s,s:s},s]", "from", cu_hex(sender, 20), "to", a_hex, "data", cd,
                                           "value", "0x1", "latest"));
        logs = json_object_get(t, "structLogs");
        l = find_op(logs, "SSTORE", 1, 1);
        ok(t && S_is(t, "returnValue", want) && l && storage_is(l, s1, w7, s2, w8, NULL),
           "debug_traceCall, struct logger: slots 1 = 7 and 2 = 8");
        json_decref(t);
    }

    /* ---- a reverted transaction ---- */
    {
        char zero_word[67];
        snprintf(zero_word, sizeof zero_word, "0x%064d", 0);
        rc = send(cu_hex(b_addr, 20), zero_word, NULL, hr);
        ok(rc && Q(rc, "status") == 0, "B(0) as a transaction reverts");
        json_decref(rc);
        t = trace_tx(hr, json_pack("{s:s}", "tracer", "callTracer"));
        ok(t && S_is(t, "error", "execution reverted") && S_is(t, "revertReason", "zero") &&
               !strncmp(S(t, "output") ?: "", "0x08c379a0", 10),
           "callTracer: top frame reverted with reason and data");
        json_decref(t);
        t = trace_tx(hr, NULL);
        ok(t && json_is_true(json_object_get(t, "failed")) && !strncmp(S(t, "returnValue") ?: "", "0x08c379a0", 10),
           "struct logger: failed, returnValue = the revert data");
        json_decref(t);
    }

    /* ---- block tracing and bad options ---- */
    {
        json_t *r1 = R("eth_getTransactionReceipt", json_pack("[s]", h));
        json_t *bt = r1 ? R("debug_traceBlockByNumber", json_pack("[O,{s:s}]", json_object_get(r1, "blockNumber"),
                                                                  "tracer", "callTracer"))
                        : NULL;
        json_t *one = trace_tx(h, json_pack("{s:s}", "tracer", "callTracer"));
        json_t *mine = NULL, *x;
        size_t i;
        json_array_foreach(bt, i, x) if (S_is(x, "txHash", h)) mine = json_object_get(x, "result");
        ok(mine && one && json_equal(mine, one), "debug_traceBlockByNumber gives the same callTracer frame");
        json_decref(r1);
        json_decref(bt);
        json_decref(one);
    }
    {
        json_t *r = cu_call(&node, "debug_traceTransaction", json_pack("[s,{s:s}]", h, "tracer", "prestateTracerX"));
        ok(r && json_object_get(r, "error") && !json_object_get(r, "result"), "unknown tracer: an error");
        json_decref(r);
        r = cu_call(&node, "debug_traceTransaction", json_pack("[s,{s:s}]", h, "enableMemory", "yes"));
        ok(r && json_object_get(r, "error"), "enableMemory must be a boolean");
        json_decref(r);
        t = trace_tx(h, json_pack("{s:s}", "tracer", "noopTracer"));
        ok(json_is_object(t) && json_object_size(t) == 0, "noopTracer: {}");
        json_decref(t);
    }
    free(bd);
    free(ad);
    free(arun);
    ok(cu_stop(&node) == 0, "node stops cleanly");
    return tap_done();
}
