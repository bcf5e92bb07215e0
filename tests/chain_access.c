/* tests/chain_access — eth_createAccessList against lists the test works
 * out from its own contracts:
 *  - A (the call's `to`) SLOADs slots 1 and 2, CALLs C, STATICCALLs the
 *    identity precompile, BALANCEs CALLER (the sender) and ADDRESS (itself);
 *    C does BALANCE(X) and SSTOREs slot 7: the list is exactly
 *    {A: [1, 2], C: [7], X: []} sorted by address (A only for its slots;
 *    sender and the precompile left out);
 *  - gasUsed is the one worked out from the gas schedule and equals the receipt's gasUsed of a type-2 transaction signed
 *    with that list; asking again with the list gives the same answer;
 *  - a reverting call: the list plus "error": "execution reverted";
 *  - a creation: the created address is left out;
 *  - DELEGATECALL: the callee's slots are the caller's;
 *  - bad params: -32602. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zg/hex.h>
#include "chain_util.h"
#include "tap.h"

static cu_node node;
static uint8_t sender[20], key[32];

static json_t *R(const char *m, json_t *p) { return cu_result(&node, m, p); }
static const char *S(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* init code deploying runtime hex: PUSH2 len PUSH1 14 PUSH1 0 CODECOPY PUSH2 len PUSH1 0 RETURN */
static char *deployer(const char *runtime)
{
    size_t n = strlen(runtime) / 2;
    char *s = malloc(strlen(runtime) + 40);
    sprintf(s, "0x61%04zx600e60003961%04zx6000f3%s", n, n, runtime);
    return s;
}

/* deploy from the dev account; the address ("0x..", 43 bytes) or "" */
static void deploy(const char *runtime, char out[43])
{
    char *d = deployer(runtime);
    json_t *o = json_pack("{s:s,s:s,s:s}", "from", cu_hex(sender, 20), "data", d, "gas", "0xf4240");
    json_t *r = R("eth_sendTransaction", json_pack("[o]", o));
    json_t *rc = json_is_string(r) ? cu_wait_receipt(&node, json_string_value(r)) : NULL;
    snprintf(out, 43, "%s", rc && S(rc, "contractAddress") ? S(rc, "contractAddress") : "");
    json_decref(rc);
    json_decref(r);
    free(d);
}

static json_t *create_acl(json_t *callobj, const char *block)
{
    return R("eth_createAccessList", block ? json_pack("[o,s]", callobj, block) : json_pack("[o]", callobj));
}

static int error_code(json_t *params)
{
    json_t *r = cu_call(&node, "eth_createAccessList", params);
    json_t *e = r ? json_object_get(r, "error") : NULL;
    int code = e ? (int)json_integer_value(json_object_get(e, "code")) : 0;
    json_decref(r);
    return code;
}

/* want: n entries of (address, nkeys, key...) with keys as small numbers */
typedef struct want {
    const char *addr;
    int nkeys;
    unsigned keys[4];
} want;

static int list_is(const json_t *list, const want *w, size_t n)
{
    if (json_array_size(list) != n) return 0;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(list, i), *keys = json_object_get(e, "storageKeys");
        if (!S(e, "address") || strcasecmp(S(e, "address"), w[i].addr) || !json_is_array(keys) ||
            json_array_size(keys) != (size_t)w[i].nkeys)
            return 0;
        for (int k = 0; k < w[i].nkeys; k++) {
            char want_key[67];
            snprintf(want_key, sizeof want_key, "0x%064x", w[i].keys[k]);
            const char *got = json_string_value(json_array_get(keys, (size_t)k));
            if (!got || strcasecmp(got, want_key)) return 0;
        }
    }
    return 1;
}

int main(void)
{
    cu_dev_key(4, key, sender);
    if (cu_config(&node, "access", "memory", NULL, NULL) != 0 || cu_start(&node) != 0) {
        ok(0, "node starts (see %s)", node.log);
        return tap_done();
    }
    const char *X = "0x1111111111111111111111111111111111111111";
    /* C: PUSH20 X BALANCE POP  PUSH1 42 PUSH1 7 SSTORE  STOP */
    char c_run[128], c_addr[43], a_addr[43];
    snprintf(c_run, sizeof c_run, "73%s3150602a60075500", X + 2);
    deploy(c_run, c_addr);
    ok(strlen(c_addr) == 42, "C deployed");
    /* A:  PUSH1 1 SLOAD POP  PUSH1 2 SLOAD POP
     *     PUSH0 x5 PUSH20 C GAS CALL POP                 call C
     *     PUSH0 x4 PUSH1 4 GAS STATICCALL POP            identity precompile
     *     CALLER BALANCE POP  ADDRESS BALANCE POP
     *     PUSH0 CALLDATALOAD PUSH1 58 JUMPI STOP         calldata word != 0: revert
     *     58: JUMPDEST PUSH0 PUSH0 REVERT */
    char a_run[256];
    snprintf(a_run, sizeof a_run,
             "6001545060025450" "5f5f5f5f5f73%s5af150" "5f5f5f5f60045afa50" "333150303150" "5f35603a5700" "5b5f5ffd",
             c_addr + 2);
    deploy(a_run, a_addr);
    ok(strlen(a_addr) == 42, "A deployed");

    /* the expected list, sorted by address */
    want w[3] = {{a_addr, 2, {1, 2}}, {c_addr, 1, {7}}, {X, 0, {0}}};
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (strcasecmp(w[i].addr, w[j].addr) > 0) {
                want t = w[i];
                w[i] = w[j];
                w[j] = t;
            }

    json_t *r = create_acl(json_pack("{s:s,s:s}", "from", cu_hex(sender, 20), "to", a_addr), "latest");
    json_t *list = json_object_get(r, "accessList");
    ok(r && list_is(list, w, 3), "list: exactly A [1,2], C [7], X []; no sender, no precompile");
    ok(r && !json_object_get(r, "error"), "no error for a successful call");
    uint64_t gas = r ? cu_u64(json_object_get(r, "gasUsed")) : 0;
    /* gasUsed worked out (EIP-2929/2930 costs, everything in the list warm):
     * 21000 + 3 addresses * 2400 + 3 keys * 1900, then A:
     *   2 x (PUSH1 3 + warm SLOAD 100 + POP 2)                        210
     *   5 PUSH0 10 + PUSH20 3 + GAS 2 + warm CALL 100 + POP 2          117
     *   C: PUSH20 3 + warm BALANCE 100 + POP 2 + 2 PUSH1 6
     *      + SSTORE 0 -> 42 on a warm slot 20000                      20111
     *   4 PUSH0 8 + PUSH1 3 + GAS 2 + warm STATICCALL 100
     *      + identity of 0 bytes 15 + POP 2                            130
     *   CALLER/ADDRESS 2 + warm BALANCE 100 + POP 2, twice             208
     *   PUSH0 2 + CALLDATALOAD 3 + PUSH1 3 + JUMPI 10 + STOP            18 */
    const uint64_t want_gas = 21000 + 3 * 2400 + 3 * 1900 + 210 + 117 + 20111 + 130 + 208 + 18;
    ok(gas == want_gas, "gasUsed %llu = %llu worked out", (unsigned long long)gas, (unsigned long long)want_gas);

    /* again with the list as the call's access list: the same answer */
    json_t *r2 = create_acl(json_pack("{s:s,s:s,s:O}", "from", cu_hex(sender, 20), "to", a_addr, "accessList", list),
                            NULL);
    ok(r2 && json_equal(json_object_get(r2, "accessList"), list) && cu_u64(json_object_get(r2, "gasUsed")) == gas,
       "given its own list (block param absent): same list and gasUsed");
    json_decref(r2);

    /* a real type-2 transaction with that list uses gasUsed */
    {
        json_t *cid = R("eth_chainId", NULL), *nonce = R("eth_getTransactionCount",
                                                          json_pack("[s,s]", cu_hex(sender, 20), "latest"));
        size_t n = json_array_size(list);
        zg_tx_access *al = calloc(n ? n : 1, sizeof *al);
        uint8_t(*keys)[32] = calloc(16, 32);
        size_t nk = 0;
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_array_get(list, i), *ks = json_object_get(e, "storageKeys");
            size_t len;
            zg_data_decode(S(e, "address"), al[i].address, 20, &len);
            al[i].keys = (const uint8_t(*)[32])keys + nk;
            for (size_t k = 0; k < json_array_size(ks) && nk < 16; k++, nk++) {
                zg_data_decode(json_string_value(json_array_get(ks, k)), keys[nk], 32, &len);
                al[i].nkeys++;
            }
        }
        zg_tx tx;
        zg_tx_init(&tx);
        tx.type = ZG_TX_DYNAMIC_FEE;
        tx.has_chain_id = 1;
        tx.chain_id = cu_u64(cid);
        tx.nonce = cu_u64(nonce);
        tx.gas_limit = 300000;
        tx.max_fee_per_gas = tx.gas_price = zg_u256_from_u64(10000000000ull);
        tx.max_priority_fee_per_gas = zg_u256_from_u64(1000000000ull);
        tx.has_to = 1;
        size_t len;
        zg_data_decode(a_addr, tx.to, 20, &len);
        tx.access_list = al;
        tx.access_list_len = n;
        tx.access_keys_total = nk;
        char *raw = cu_sign_raw(&tx, key);
        json_t *h = raw ? R("eth_sendRawTransaction", json_pack("[s]", raw)) : NULL;
        json_t *rc = json_is_string(h) ? cu_wait_receipt(&node, json_string_value(h)) : NULL;
        ok(rc && cu_u64(json_object_get(rc, "status")) == 1 && cu_u64(json_object_get(rc, "gasUsed")) == gas,
           "a type-2 tx with the list: receipt gasUsed %llu = createAccessList's %llu",
           (unsigned long long)(rc ? cu_u64(json_object_get(rc, "gasUsed")) : 0), (unsigned long long)gas);
        json_decref(rc);
        json_decref(h);
        free(raw);
        free(al);
        free(keys);
        json_decref(cid);
        json_decref(nonce);
    }
    json_decref(r);

    /* a reverting call: the list so far and the error */
    r = create_acl(json_pack("{s:s,s:s,s:s}", "from", cu_hex(sender, 20), "to", a_addr, "data",
                             "0x0000000000000000000000000000000000000000000000000000000000000001"),
                   "latest");
    ok(r && list_is(json_object_get(r, "accessList"), w, 3) && S(r, "error") &&
           !strcmp(S(r, "error"), "execution reverted") && cu_u64(json_object_get(r, "gasUsed")) > 21000,
       "reverting call: same list, error \"execution reverted\", gasUsed");
    json_decref(r);

    /* a creation: PUSH20 X BALANCE POP ADDRESS BALANCE POP STOP -> [X] only */
    {
        char init[80];
        snprintf(init, sizeof init, "0x73%s315030315000", X + 2);
        r = create_acl(json_pack("{s:s,s:s}", "from", cu_hex(sender, 20), "data", init), "latest");
        want wx = {X, 0, {0}};
        ok(r && list_is(json_object_get(r, "accessList"), &wx, 1) && !json_object_get(r, "error"),
           "creation: [X] only (the new address left out)");
        json_decref(r);
    }

    /* DELEGATECALL: the callee's SLOAD is of the caller's storage.
     * D: PUSH1 9 SLOAD POP STOP;  E: PUSH0 x4 PUSH20 D GAS DELEGATECALL POP STOP
     * -> {E: [9]}, {D: []} */
    {
        char d_addr[43], e_addr[43], e_run[128];
        deploy("6009545000", d_addr);
        snprintf(e_run, sizeof e_run, "5f5f5f5f73%s5af45000", d_addr + 2);
        deploy(e_run, e_addr);
        want wd[2] = {{e_addr, 1, {9}}, {d_addr, 0, {0}}};
        if (strcasecmp(wd[0].addr, wd[1].addr) > 0) {
            want t = wd[0];
            wd[0] = wd[1];
            wd[1] = t;
        }
        r = create_acl(json_pack("{s:s,s:s}", "from", cu_hex(sender, 20), "to", e_addr), "latest");
        ok(strlen(d_addr) == 42 && strlen(e_addr) == 42 && r && list_is(json_object_get(r, "accessList"), wd, 2),
           "delegatecall: slot 9 under the caller E, D without keys");
        json_decref(r);
    }

    /* bad params */
    ok(error_code(json_pack("[]")) == -32602, "no params: -32602");
    ok(error_code(json_pack("[s]", "0x12")) == -32602, "call object not an object: -32602");
    ok(error_code(json_pack("[{s:s},s,s]", "to", a_addr, "latest", "x")) == -32602, "three params: -32602");
    ok(error_code(json_pack("[{s:s}]", "to", "0x1234")) == -32602, "bad to address: -32602");

    cu_stop(&node);
    return tap_done();
}
