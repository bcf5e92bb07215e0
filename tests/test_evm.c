/* tests/test_evm.c — unit tests of the evm executor (Cancun): tricky
 * opcodes, exact gas accounting (per-block charging must equal per-
 * instruction charging), memory expansion, SSTORE metering and refunds,
 * the 63/64 rule, stack and call depth limits, jumps, CREATE/CREATE2
 * addresses, EIP-6780, transient storage, precompiles, transaction
 * validation and the EIP-3155 tracer.  Everything goes through the
 * executor interface (zg/executor.h) over a small in-test world. */
#include "config.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <zg/executor.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include "plugins/executor/evm/evm.h"
#include "plugins/executor/evm/evm_plugin.h"
#include "tap.h"

/* ------------------------------------------------------------- a world */

typedef struct tslot {
    uint8_t key[32], val[32];
} tslot;
typedef struct tacct {
    uint8_t addr[20];
    zg_u256 bal;
    uint64_t nonce;
    uint8_t *code;
    size_t len;
    uint8_t hash[32];
    tslot slots[4];
    int nslots;
} tacct;

static tacct world[16];
static int nworld;

static tacct *w_find(const uint8_t a[20])
{
    for (int i = 0; i < nworld; i++)
        if (!memcmp(world[i].addr, a, 20)) return &world[i];
    return NULL;
}

static int v_acct(void *ctx, const uint8_t a[20], zg_exec_account *o)
{
    (void)ctx;
    tacct *t = w_find(a);
    if (!t) return ZG_ENOTFOUND;
    o->balance = t->bal;
    o->nonce = t->nonce;
    memcpy(o->code_hash, t->hash, 32);
    o->flags = t->nslots ? ZG_EXEC_ACCOUNT_HAS_STORAGE : 0;
    return ZG_OK;
}
static int v_code(void *ctx, const uint8_t a[20], const uint8_t **c, size_t *n)
{
    (void)ctx;
    tacct *t = w_find(a);
    *c = t ? t->code : NULL;
    *n = t ? t->len : 0;
    return ZG_OK;
}
static int v_storage(void *ctx, const uint8_t a[20], const uint8_t k[32], uint8_t v[32])
{
    (void)ctx;
    tacct *t = w_find(a);
    memset(v, 0, 32);
    for (int i = 0; t && i < t->nslots; i++)
        if (!memcmp(t->slots[i].key, k, 32)) memcpy(v, t->slots[i].val, 32);
    return ZG_OK;
}
static int v_bhash(void *ctx, uint64_t n, uint8_t h[32])
{
    (void)ctx;
    memset(h, 0, 32);
    h[31] = (uint8_t)n;
    h[0] = 0xbb;
    return ZG_OK;
}

static int bad_storage(void *ctx, const uint8_t a[20], const uint8_t k[32], uint8_t v[32])
{
    (void)ctx, (void)a, (void)k;
    memset(v, 0, 32);
    return ZG_EIO;
}

static const zg_exec_state view = {sizeof(zg_exec_state), NULL, v_acct, v_code, v_storage, v_bhash};

static void addr_of(uint8_t a[20], uint8_t tag)
{
    memset(a, 0, 20);
    a[0] = 0xaa;
    a[19] = tag;
}
#define SENDER 0x01
#define CONTRACT 0x02
#define OTHER 0x03

static tacct *w_add(uint8_t tag, uint64_t balance, const char *code_hex)
{
    tacct *t = &world[nworld++];
    memset(t, 0, sizeof *t);
    addr_of(t->addr, tag);
    t->bal = zg_u256_from_u64(balance);
    size_t n = code_hex ? strlen(code_hex) / 2 : 0;
    t->code = malloc(n + 1);
    if (n) zg_hex_decode(code_hex, 2 * n, t->code);
    t->len = n;
    zg_keccak256(t->code, n, t->hash);
    return t;
}

static void w_reset(void)
{
    for (int i = 0; i < nworld; i++) free(world[i].code);
    nworld = 0;
}

static zg_exec_env env;
static const zg_executor_iface *X;
static zg_executor *ex;

static void env_init(void)
{
    memset(&env, 0, sizeof env);
    env.struct_size = sizeof env;
    env.revision = ZG_EXEC_REV_CANCUN;
    env.number = 300;
    env.timestamp = 1000;
    env.gas_limit = 30000000;
    env.chain_id = 1;
    memset(env.coinbase, 0xcb, 20);
    env.base_fee = zg_u256_from_u64(7);
    env.blob_base_fee = zg_u256_from_u64(1);
}

/* run code_hex at CONTRACT as a bare message from SENDER */
static int run(const char *code_hex, const char *data_hex, uint64_t gas, zg_exec_result *r)
{
    w_reset();
    w_add(SENDER, 1000000000, NULL);
    w_add(CONTRACT, 0, code_hex);
    zg_exec_msg m;
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    addr_of(m.sender, SENDER);
    addr_of(m.to, CONTRACT);
    m.gas = gas;
    static uint8_t data[4096];
    size_t dn = data_hex ? strlen(data_hex) / 2 : 0;
    if (dn) zg_hex_decode(data_hex, 2 * dn, data);
    m.data = data;
    m.data_len = dn;
    memset(r, 0, sizeof *r);
    r->struct_size = sizeof *r;
    return X->execute_call(ex, &env, &view, &m, r);
}

static int out_is(const zg_exec_result *r, const char *hex)
{
    size_t n = strlen(hex) / 2;
    uint8_t want[256];
    zg_hex_decode(hex, 2 * n, want);
    return r->output_len == n && (n == 0 || memcmp(r->output, want, n) == 0);
}

/* "ops" leaving one item, then MSTORE at 0 and RETURN 32 bytes */
static char *ret_top(const char *ops)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "%s5f5260205ff3", ops);
    return buf;
}

static void word(char out[65], const char *hex_value)
{
    size_t n = strlen(hex_value);
    memset(out, '0', 64 - n);
    memcpy(out + 64 - n, hex_value, n + 1);
}

static void check_top(const char *what, const char *ops, const char *expect_hex)
{
    zg_exec_result r;
    char w[65];
    word(w, expect_hex);
    int rc = run(ret_top(ops), NULL, 1000000, &r);
    ok(rc == ZG_OK && r.status == ZG_EXEC_SUCCESS && out_is(&r, w), "%s", what);
}

#define FF32 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define FF31 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define ADDR3 "aa00000000000000000000000000000000000003"
_Static_assert(sizeof FF32 == 65 && sizeof FF31 == 63 && sizeof ADDR3 == 41, "hex constants");

static void test_arith(void)
{
    check_top("ADD wraps", "7f" FF32 "600101", "0");
    check_top("SUB underflows", "60015f03", FF32);
    check_top("DIV by zero is 0", "5f600504", "0");
    check_top("MOD by zero is 0", "5f600506", "0");
    check_top("SDIV(-2^255, -1) = -2^255", "7f" FF32 "7f8000000000000000000000000000000000000000000000000000000000000000" "05",
              "8000000000000000000000000000000000000000000000000000000000000000");
    check_top("SMOD(-7, 2) = -1", "60027f" FF31 "f907",
              FF32);
    check_top("ADDMOD uses 257 bits", "60077f" FF32 "7f" FF32 "08", "2");
    check_top("MULMOD uses 512 bits", "6130397f" FF32 "7f" FF32 "09", "13b");
    check_top("EXP 2^255", "60ff60020a", "8000000000000000000000000000000000000000000000000000000000000000");
    check_top("SIGNEXTEND byte 0 of 0xff", "60ff5f0b", FF32);
    check_top("SIGNEXTEND past 31 keeps x", "607f60200b", "7f");
    check_top("BYTE 31", "61abcd601f1a", "cd");
    check_top("BYTE 32 is 0", "61abcd60201a", "0");
    check_top("SHL by 256 is 0", "60016101001b", "0");
    check_top("SHR 1", "60f060041c", "f");
    check_top("SAR -16 >> 2 = -4", "7f" FF31 "f060021d",
              "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc");
    check_top("SAR negative by 300 = -1", "7f" FF32 "61012c1d", FF32);
    check_top("SLT -1 < 1", "60017f" FF32 "12", "1");
    check_top("GT unsigned", "60017f" FF32 "11", "1");
}

static void test_misc_ops(void)
{
    zg_exec_result r;
    /* PUSH2 truncated by the end of code: the missing byte reads as zero */
    run("61ab", NULL, 100000, &r);
    ok(r.status == ZG_EXEC_SUCCESS, "truncated PUSH at the end of code stops cleanly");
    check_top("CALLDATALOAD past the end pads with zeros", "601f35", "0");
    check_top("PC", "60005058", "3");
    check_top("MSIZE after MSTORE8 at 31", "6001601f5359", "20");
    check_top("CODESIZE", "38", "7");
    check_top("CHAINID", "46", "1");
    check_top("NUMBER", "43", "12c");
    check_top("BASEFEE", "48", "7");
    check_top("BLOBBASEFEE", "4a", "1");
    check_top("BLOCKHASH of the current block is 0", "61012c40", "0");
    check_top("BLOCKHASH of the previous block", "61012b40", "bb0000000000000000000000000000000000000000000000000000000000002b");
    check_top("BLOCKHASH 256 back", "602c40", "bb0000000000000000000000000000000000000000000000000000000000002c");
    check_top("BLOCKHASH 257 back is 0", "602b40", "0");
    check_top("PUSH0", "5f", "0");
    /* MCOPY with overlap: memory 0x00..1f = 01 02 .. 20, copy [0,31) to 1 */
    check_top("MCOPY overlapping ranges", "7f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" "5f52"
              "601f5f60015e" "5f51",
              "0101020304050607" "08090a0b0c0d0e0f" "1011121314151617" "18191a1b1c1d1e1f");
    check_top("TSTORE then TLOAD", "602a60075d60075c", "2a");
}

static void test_gas(void)
{
    zg_exec_result r;
    /* GAS sees exactly what per-instruction charging leaves */
    run(ret_top("5a"), NULL, 100000, &r);
    char w[65];
    word(w, "1869e"); /* 100000 - 2 */
    ok(r.status == ZG_EXEC_SUCCESS && out_is(&r, w), "GAS after one instruction");
    run(ret_top("6001600201505a"), NULL, 100000, &r);
    word(w, "18693"); /* 100000 - 3 - 3 - 3 - 2 - 2 */
    ok(r.status == ZG_EXEC_SUCCESS && out_is(&r, w), "GAS after a block of five");
    /* loop: the block behind a JUMPDEST is charged on every pass */
    run(ret_top("60035b6001900380600257505a"), NULL, 100000, &r);
    /* 3 + 3*(1+3+3+3+3+3+10) - ... computed: */
    {
        /* PUSH1 3 (3); then per pass: JUMPDEST 1, PUSH1 3, SWAP1 3, SUB 3,
         * DUP1 3, PUSH1 3, JUMPI 10 = 26; 3 passes; then POP 2, GAS 2 */
        uint64_t left = 100000 - 3 - 3 * 26 - 2 - 2;
        char hx[32];
        snprintf(hx, sizeof hx, "%llx", (unsigned long long)left);
        word(w, hx);
        ok(r.status == ZG_EXEC_SUCCESS && out_is(&r, w), "GAS after a loop (%llu)", (unsigned long long)left);
    }
    /* exact memory expansion: PUSH1 0, MLOAD, STOP = 3 + 3 + 3 (one word) */
    run("600051" "00", NULL, 9, &r);
    ok(r.status == ZG_EXEC_SUCCESS && r.gas_left == 0, "MLOAD with exactly enough gas");
    run("600051" "00", NULL, 8, &r);
    ok(r.status == ZG_EXEC_FAILURE && r.error == ZG_EXEC_ERR_OUT_OF_GAS, "MLOAD one gas short fails");
    /* quadratic term: 1024 words cost 3*1024 + 1024^2/512 = 5120 */
    run("617fe051" "00", NULL, 3 + 3 + 5120, &r);
    ok(r.status == ZG_EXEC_SUCCESS && r.gas_left == 0, "memory expansion to 1024 words costs 5120");
    run("63ffffffff51", NULL, 10000000, &r);
    ok(r.status == ZG_EXEC_FAILURE && r.gas_used == 10000000, "MLOAD at 4 GiB runs out of gas");
    run("7f" FF32 "51", NULL, 10000000, &r);
    ok(r.status == ZG_EXEC_FAILURE, "MLOAD at 2^256-1 runs out of gas");
    /* a zero-size access at a huge offset costs nothing */
    run("5f7f" FF32 "5f37" "00", NULL, 100, &r);
    ok(r.status == ZG_EXEC_SUCCESS && r.gas_left == 100 - 2 - 3 - 2 - 3, "zero-length CALLDATACOPY from 2^256-1");
    run("5f7f" FF32 "f3", NULL, 100, &r);
    ok(r.status == ZG_EXEC_SUCCESS && r.gas_left == 100 - 2 - 3, "zero-length RETURN at 2^256-1 needs no memory");
    /* EXP: 10 + 50 per exponent byte */
    run("61010060020a00", NULL, 3 + 3 + 10 + 100, &r);
    ok(r.status == ZG_EXEC_SUCCESS && r.gas_left == 0, "EXP with a 2-byte exponent costs 110");
    /* SLOAD cold then warm: 2100 + 100 */
    run("5f54505f545000", NULL, 2 + 2100 + 2 + 2 + 100 + 2, &r);
    ok(r.status == ZG_EXEC_SUCCESS && r.gas_left == 0, "SLOAD cold 2100, warm 100");
    /* BALANCE of a cold account 2600, then warm 100 */
    run("73" ADDR3 "31" "50" "73" ADDR3 "31" "5000",
        NULL, 3 + 2600 + 2 + 3 + 100 + 2, &r);
    ok(r.status == ZG_EXEC_SUCCESS && r.gas_left == 0, "BALANCE cold 2600, warm 100");
    /* SSTORE fails with the stipend or less left (EIP-2200) */
    run("5f54505f5f5500", NULL, 2108 + 2300, &r);
    ok(r.status == ZG_EXEC_FAILURE, "SSTORE with 2300 gas left fails");
    run("5f54505f5f5500", NULL, 2108 + 2301, &r);
    ok(r.status == ZG_EXEC_SUCCESS && r.gas_left == 2201, "SSTORE with 2301 left costs 100 (no-op, warm)");
}

static void test_stack_jumps(void)
{
    zg_exec_result r;
    char code[2 * 1100 + 8];
    memset(code, 0, sizeof code);
    for (int i = 0; i < 1024; i++) memcpy(code + 2 * i, "5f", 2);
    memcpy(code + 2048, "00", 3);
    run(code, NULL, 10000, &r);
    ok(r.status == ZG_EXEC_SUCCESS, "1024 stack items are fine");
    memcpy(code + 2048, "5f00", 5);
    run(code, NULL, 10000, &r);
    ok(r.status == ZG_EXEC_FAILURE && r.error == ZG_EXEC_ERR_STACK_OVERFLOW, "the 1025th item overflows");
    run("01", NULL, 10000, &r);
    ok(r.status == ZG_EXEC_FAILURE && r.error == ZG_EXEC_ERR_STACK_UNDERFLOW, "ADD on an empty stack underflows");
    run("600456605b00", NULL, 10000, &r);
    ok(r.status == ZG_EXEC_FAILURE && r.error == ZG_EXEC_ERR_BAD_JUMP, "JUMP into PUSH data is invalid");
    run("600456fe5b00", NULL, 10000, &r);
    ok(r.status == ZG_EXEC_SUCCESS, "JUMP to a JUMPDEST");
    run("5f600457fe5b00", NULL, 10000, &r);
    ok(r.status == ZG_EXEC_FAILURE && r.error == ZG_EXEC_ERR_INVALID_OPCODE, "JUMPI not taken falls through");
    run("5f60ff5700", NULL, 10000, &r);
    ok(r.status == ZG_EXEC_SUCCESS, "JUMPI not taken ignores a bad destination");
    run("600160ff5700", NULL, 10000, &r);
    ok(r.status == ZG_EXEC_FAILURE && r.error == ZG_EXEC_ERR_BAD_JUMP, "JUMPI taken to a bad destination fails");
    run("0c", NULL, 10000, &r);
    ok(r.status == ZG_EXEC_FAILURE && r.error == ZG_EXEC_ERR_INVALID_OPCODE && r.gas_used == 10000,
       "undefined opcode consumes all gas");
    run("60016000fd", NULL, 10000, &r);
    ok(r.status == ZG_EXEC_REVERT && r.gas_left == 10000 - 3 - 3 - 3 && out_is(&r, "00"), "REVERT keeps the gas left and returns data");
}

/* deploy code at tag with storage, then call */
static void test_calls(void)
{
    zg_exec_result r;
    zg_exec_msg m;
    /* A: CALL(gas=all, to=B, 0, 0, 0, 0, 32) then RETURN mem[0..32];
     * B: GAS, MSTORE, RETURN 32 */
    const char *a_code = "6020" "5f" "5f" "5f" "5f" "73" ADDR3
                         "7f" FF32 "f1" "50" "60205ff3";
    w_reset();
    w_add(SENDER, 1000000000, NULL);
    w_add(CONTRACT, 0, a_code);
    w_add(OTHER, 0, ret_top("5a"));
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    addr_of(m.sender, SENDER);
    addr_of(m.to, CONTRACT);
    m.gas = 1000000;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    X->execute_call(ex, &env, &view, &m, &r);
    /* before CALL: PUSH1, 4x PUSH0, PUSH20, PUSH32 = 3+8+3+3 = 17; CALL:
     * 100 warm base + 2500 cold + 3 memory word */
    uint64_t left = 1000000 - 17 - 100 - 2500 - 3;
    uint64_t passed = left - left / 64;
    uint64_t seen = passed - 2;
    char hx[32], w[65];
    snprintf(hx, sizeof hx, "%llx", (unsigned long long)seen);
    word(w, hx);
    ok(r.status == ZG_EXEC_SUCCESS && out_is(&r, w), "CALL passes all but 1/64 (callee sees %llu)",
       (unsigned long long)seen);

    /* recursion to the depth limit: each frame increments slot 0 and calls
     * itself with all its gas; frames at depths 0..1024 run: 1025 */
    const char *rec = "5f54600101" "5f55" "5f5f5f5f5f30" "5af1" "00";
    w_reset();
    w_add(SENDER, 1000000000, NULL);
    w_add(CONTRACT, 0, rec);
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    addr_of(m.sender, SENDER);
    addr_of(m.to, CONTRACT);
    m.gas = 2000000000000ULL;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    int rc = X->execute_call(ex, &env, &view, &m, &r);
    int found = 0;
    for (size_t i = 0; rc == ZG_OK && i < r.nchanges; i++)
        if (r.changes[i].address[19] == CONTRACT && r.changes[i].nstorage == 1 &&
            r.changes[i].storage[0].value[31] == 0x01 && r.changes[i].storage[0].value[30] == 0x04)
            found = 1;
    ok(rc == ZG_OK && r.status == ZG_EXEC_SUCCESS && found, "recursion stops at call depth 1024 (1025 frames)");

    /* a reverted child undoes its transient and persistent writes:
     * A: TSTORE(1,1); CALL B; TLOAD(1) -> returned; B: SSTORE(0,1), REVERT */
    w_reset();
    w_add(SENDER, 1000000000, NULL);
    w_add(CONTRACT, 0, "600160015d" "5f5f5f5f5f73" ADDR3 "5af150" "60015c" "5f5260205ff3");
    w_add(OTHER, 0, "60015f55" "5f5ffd");
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    m.gas = 1000000;
    X->execute_call(ex, &env, &view, &m, &r);
    word(w, "1");
    int b_changed = 0;
    for (size_t i = 0; i < r.nchanges; i++)
        if (r.changes[i].address[19] == OTHER && r.changes[i].nstorage) b_changed = 1;
    ok(r.status == ZG_EXEC_SUCCESS && out_is(&r, w) && !b_changed, "REVERT in a child undoes its storage writes");

    /* STATICCALL forbids SSTORE / TSTORE / LOG / value CALL */
    w_reset();
    w_add(SENDER, 1000000000, NULL);
    w_add(CONTRACT, 0, "6020" "5f5f5f" "73" ADDR3 "5afa" "5f5260205ff3");
    w_add(OTHER, 0, "600160015d00");
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    X->execute_call(ex, &env, &view, &m, &r);
    word(w, "0");
    ok(r.status == ZG_EXEC_SUCCESS && out_is(&r, w), "TSTORE under STATICCALL fails the child");
}

static void test_create(void)
{
    uint8_t a[20], s[20], want[20], salt[32] = {0};
    zg_hex_decode("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0", 40, s);
    evm_create_address(s, 0, a);
    zg_hex_decode("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d", 40, want);
    ok(!memcmp(a, want, 20), "CREATE address, nonce 0");
    evm_create_address(s, 1, a);
    zg_hex_decode("343c43a37d37dff08ae8c4a11544c718abb4fcf8", 40, want);
    ok(!memcmp(a, want, 20), "CREATE address, nonce 1");
    memset(s, 0, 20);
    uint8_t code0 = 0;
    evm_create2_address(s, salt, &code0, 1, a);
    zg_hex_decode("4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38", 40, want);
    ok(!memcmp(a, want, 20), "CREATE2 address (EIP-1014 example 0)");
    zg_hex_decode("deadbeef00000000000000000000000000000000", 40, s);
    evm_create2_address(s, salt, &code0, 1, a);
    zg_hex_decode("b928f69bb1d91cd65274e3c79d8986362984fda3", 40, want);
    ok(!memcmp(a, want, 20), "CREATE2 address (EIP-1014 example 1)");

    /* a creation message deploys the returned code: init returns 0x5f00 */
    w_reset();
    w_add(SENDER, 1000000000, NULL);
    zg_exec_msg m;
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    m.flags = ZG_EXEC_MSG_CREATE;
    addr_of(m.sender, SENDER);
    static const uint8_t init[] = {0x61, 0x5f, 0x00, 0x5f, 0x52, 0x60, 0x02, 0x60, 0x1e, 0xf3};
    m.data = init;
    m.data_len = sizeof init;
    m.gas = 100000;
    zg_exec_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    X->execute_call(ex, &env, &view, &m, &r);
    int deployed = 0;
    for (size_t i = 0; i < r.nchanges; i++)
        if (r.has_created && !memcmp(r.changes[i].address, r.created_address, 20) &&
            (r.changes[i].flags & ZG_EXEC_ACC_CODE) && r.changes[i].code_len == 2 && r.changes[i].nonce == 1)
            deployed = 1;
    ok(r.status == ZG_EXEC_SUCCESS && deployed, "creation deploys the returned code with nonce 1");
    /* EIP-3541: code starting with 0xEF is rejected */
    static const uint8_t init_ef[] = {0x60, 0xef, 0x5f, 0x53, 0x60, 0x01, 0x5f, 0xf3};
    m.data = init_ef;
    m.data_len = sizeof init_ef;
    X->execute_call(ex, &env, &view, &m, &r);
    ok(r.status == ZG_EXEC_FAILURE && r.error == ZG_EXEC_ERR_CODE_PREFIX, "EIP-3541 rejects 0xEF code");
}

static void test_selfdestruct(void)
{
    /* an existing contract self-destructs: EIP-6780 keeps it, the balance moves */
    zg_exec_result r;
    w_reset();
    w_add(SENDER, 1000000000, NULL);
    w_add(CONTRACT, 500, "73" ADDR3 "ff");
    zg_exec_msg m;
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    addr_of(m.sender, SENDER);
    addr_of(m.to, CONTRACT);
    m.gas = 100000;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    X->execute_call(ex, &env, &view, &m, &r);
    int kept = 0, paid = 0;
    for (size_t i = 0; i < r.nchanges; i++) {
        const zg_exec_change *c = &r.changes[i];
        if (c->address[19] == CONTRACT && !(c->flags & ZG_EXEC_ACC_DELETED) && zg_u256_is_zero(&c->balance)) kept = 1;
        if (c->address[19] == OTHER && c->balance.w[0] == 500) paid = 1;
    }
    ok(r.status == ZG_EXEC_SUCCESS && kept && paid, "SELFDESTRUCT of an old contract only moves its balance");
    ok(r.gas_left == 100000 - 3 - 5000 - 2600 - 25000, "SELFDESTRUCT to a new account costs 5000+2600+25000");

    /* created and destroyed in the same transaction: gone */
    w_reset();
    w_add(SENDER, 1000000000, NULL);
    static const uint8_t init[] = {0x73, 0xaa, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xff};
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    m.flags = ZG_EXEC_MSG_CREATE;
    addr_of(m.sender, SENDER);
    m.value = zg_u256_from_u64(7);
    m.data = init;
    m.data_len = sizeof init;
    m.gas = 100000;
    X->execute_call(ex, &env, &view, &m, &r);
    int gone = 1, paid7 = 0;
    for (size_t i = 0; i < r.nchanges; i++) {
        const zg_exec_change *c = &r.changes[i];
        if (r.has_created && !memcmp(c->address, r.created_address, 20)) gone = 0;
        if (c->address[19] == OTHER && c->balance.w[0] == 7) paid7 = 1;
    }
    ok(r.status == ZG_EXEC_SUCCESS && gone && paid7, "SELFDESTRUCT during creation removes the account");
}

static int call_precompile(int id, const char *in_hex, uint64_t gas, zg_exec_result *r)
{
    w_reset();
    w_add(SENDER, 1000000000, NULL);
    zg_exec_msg m;
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    addr_of(m.sender, SENDER);
    memset(m.to, 0, 20);
    m.to[19] = (uint8_t)id;
    static uint8_t in[512];
    size_t n = strlen(in_hex) / 2;
    zg_hex_decode(in_hex, 2 * n, in);
    m.data = in;
    m.data_len = n;
    m.gas = gas;
    memset(r, 0, sizeof *r);
    r->struct_size = sizeof *r;
    return X->execute_call(ex, &env, &view, &m, r);
}

static void test_precompiles(void)
{
    zg_exec_result r;
    call_precompile(2, "", 100, &r);
    ok(r.status == ZG_EXEC_SUCCESS && out_is(&r, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") &&
           r.gas_left == 40,
       "sha256(\"\") costs 60");
    call_precompile(3, "", 1000, &r);
    ok(r.status == ZG_EXEC_SUCCESS &&
           out_is(&r, "0000000000000000000000009c1185a5c5e9fc54612808977ee8f548b2258d31") && r.gas_left == 400,
       "ripemd160(\"\") costs 600");
    call_precompile(4, "0102030405", 100, &r);
    ok(r.status == ZG_EXEC_SUCCESS && out_is(&r, "0102030405") && r.gas_left == 100 - 18, "identity");
    call_precompile(1,
                    "18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c"
                    "000000000000000000000000000000000000000000000000000000000000001c"
                    "73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f"
                    "eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549",
                    5000, &r);
    ok(r.status == ZG_EXEC_SUCCESS && out_is(&r, "000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b"),
       "ecrecover");
    call_precompile(1, "00", 5000, &r);
    ok(r.status == ZG_EXEC_SUCCESS && r.output_len == 0 && r.gas_left == 2000, "ecrecover of garbage returns nothing");
    call_precompile(5,
                    "0000000000000000000000000000000000000000000000000000000000000001"
                    "0000000000000000000000000000000000000000000000000000000000000020"
                    "0000000000000000000000000000000000000000000000000000000000000020"
                    "03"
                    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e"
                    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
                    100000, &r);
    ok(r.status == ZG_EXEC_SUCCESS &&
           out_is(&r, "0000000000000000000000000000000000000000000000000000000000000001") &&
           r.gas_left == 100000 - 1360,
       "modexp 3^(p-1) mod p = 1, EIP-2565 price 1360");
    call_precompile(9,
                    "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b"
                    "61626300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                    "0300000000000000000000000000000001",
                    1000, &r);
    ok(r.status == ZG_EXEC_SUCCESS &&
           out_is(&r, "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923") &&
           r.gas_left == 1000 - 12,
       "blake2f EIP-152 vector 5");
    call_precompile(9, "00", 1000, &r);
    ok(r.status == ZG_EXEC_FAILURE && r.gas_left == 0, "blake2f with a bad length fails");
    call_precompile(6, "", 1000, &r);
    ok(r.status == ZG_EXEC_SUCCESS && r.output_len == 64 && r.gas_left == 850, "bn254 add of two identities");
}

/* ---- transactions ---- */
static int run_tx(zg_exec_tx *tx, zg_exec_result *r)
{
    memset(r, 0, sizeof *r);
    r->struct_size = sizeof *r;
    return X->execute_tx(ex, &env, &view, tx, r);
}

static void tx_init(zg_exec_tx *tx)
{
    memset(tx, 0, sizeof *tx);
    tx->struct_size = sizeof *tx;
    tx->type = ZG_TX_DYNAMIC_FEE;
    tx->has_to = 1;
    addr_of(tx->sender, SENDER);
    addr_of(tx->to, CONTRACT);
    tx->gas_limit = 100000;
    tx->max_fee_per_gas = zg_u256_from_u64(10);
    tx->max_priority_fee_per_gas = zg_u256_from_u64(2);
}

static void test_tx(void)
{
    zg_exec_tx tx;
    zg_exec_result r;
    /* SSTORE 0->1->0 in one tx: 22100 + 100 charged, 19900 refunded (capped) */
    w_reset();
    w_add(SENDER, 10000000, NULL);
    w_add(CONTRACT, 10000000, "60015f555f5f5500");
    tx_init(&tx);
    run_tx(&tx, &r);
    uint64_t used = 21000 + 3 + 2 + 22100 + 2 + 2 + 100;
    ok(r.status == ZG_EXEC_SUCCESS && r.gas_refund == used / 5 && r.gas_used == used - used / 5,
       "SSTORE set-and-clear refund capped at a fifth (used %llu, refund %llu)", (unsigned long long)r.gas_used,
       (unsigned long long)r.gas_refund);
    int sender_ok = 0, coinbase_ok = 0;
    for (size_t i = 0; i < r.nchanges; i++) {
        const zg_exec_change *c = &r.changes[i];
        /* price = min(10, 7 + 2) = 9: sender pays 9 per gas, coinbase gets 2 */
        if (c->address[19] == SENDER && c->nonce == 1 && c->balance.w[0] == 10000000 - 9 * r.gas_used) sender_ok = 1;
        if (c->address[0] == 0xcb && c->balance.w[0] == 2 * r.gas_used) coinbase_ok = 1;
    }
    ok(sender_ok && coinbase_ok, "fees: sender pays the effective price, coinbase the tip");

    tx.nonce = 1;
    run_tx(&tx, &r);
    ok(r.status == ZG_EXEC_REJECTED && r.error == ZG_EXEC_TXERR_NONCE_TOO_HIGH && r.nchanges == 0, "nonce too high");
    tx.nonce = 0;
    tx.gas_limit = 20999;
    run_tx(&tx, &r);
    ok(r.status == ZG_EXEC_REJECTED && r.error == ZG_EXEC_TXERR_INTRINSIC_GAS, "intrinsic gas");
    tx.gas_limit = 31000000;
    run_tx(&tx, &r);
    ok(r.status == ZG_EXEC_REJECTED && r.error == ZG_EXEC_TXERR_GAS_ALLOWANCE, "gas above the block limit");
    tx.gas_limit = 100000;
    tx.max_fee_per_gas = zg_u256_from_u64(6);
    tx.max_priority_fee_per_gas = zg_u256_from_u64(1);
    run_tx(&tx, &r);
    ok(r.status == ZG_EXEC_REJECTED && r.error == ZG_EXEC_TXERR_FEE_CAP_TOO_LOW, "max fee below the base fee");
    tx.max_fee_per_gas = zg_u256_from_u64(10);
    tx.max_priority_fee_per_gas = zg_u256_from_u64(11);
    run_tx(&tx, &r);
    ok(r.status == ZG_EXEC_REJECTED && r.error == ZG_EXEC_TXERR_TIP_ABOVE_FEE_CAP, "tip above the fee cap");
    tx.max_priority_fee_per_gas = zg_u256_from_u64(2);
    tx.value = zg_u256_from_u64(10000000);
    run_tx(&tx, &r);
    ok(r.status == ZG_EXEC_REJECTED && r.error == ZG_EXEC_TXERR_INSUFFICIENT_FUNDS, "balance below gas + value");
    tx.value = ZG_U256_ZERO;
    addr_of(tx.sender, CONTRACT);
    run_tx(&tx, &r);
    ok(r.status == ZG_EXEC_REJECTED && r.error == ZG_EXEC_TXERR_SENDER_NOT_EOA, "EIP-3607 sender with code");
    addr_of(tx.sender, SENDER);
    tx.type = ZG_TX_BLOB;
    run_tx(&tx, &r);
    ok(r.status == ZG_EXEC_REJECTED && r.error == ZG_EXEC_TXERR_BLOB_NONE, "blob tx without blobs");
    uint8_t blob[1][32] = {{0x02}};
    tx.blob_hashes = (const uint8_t(*)[32])blob;
    tx.blob_hashes_len = 1;
    tx.max_fee_per_blob_gas = zg_u256_from_u64(1);
    run_tx(&tx, &r);
    ok(r.status == ZG_EXEC_REJECTED && r.error == ZG_EXEC_TXERR_BLOB_VERSION, "blob hash of version 2");
    blob[0][0] = 0x01;
    run_tx(&tx, &r);
    ok(r.status == ZG_EXEC_SUCCESS && r.blob_gas_used == 131072, "blob tx runs and uses 131072 blob gas");
    /* creation with a max-size+1 initcode */
    tx.type = ZG_TX_DYNAMIC_FEE;
    tx.has_to = 0;
    tx.blob_hashes_len = 0;
    static uint8_t big[49153];
    tx.data = big;
    tx.data_len = sizeof big;
    tx.gas_limit = 10000000;
    run_tx(&tx, &r);
    ok(r.status == ZG_EXEC_REJECTED && r.error == ZG_EXEC_TXERR_INITCODE_SIZE, "EIP-3860 initcode limit");
}

/* ---- tracer ---- */
static char trace_text[8192];
static size_t trace_len;
static int trace_lines;
static void trace_fn(void *arg, const char *line, size_t len)
{
    (void)arg;
    if (trace_len + len + 1 < sizeof trace_text) {
        memcpy(trace_text + trace_len, line, len);
        trace_len += len;
        trace_text[trace_len++] = '\n';
        trace_text[trace_len] = 0;
    }
    trace_lines++;
}

static void test_trace(void)
{
    zg_exec_result r;
    trace_len = 0;
    trace_lines = 0;
    X->set_tracer(ex, trace_fn, NULL);
    run("600160020100", NULL, 1000, &r);
    X->set_tracer(ex, NULL, NULL);
    ok(trace_lines == 5, "one trace line per instruction plus a summary (%d)", trace_lines);
    ok(strstr(trace_text, "{\"pc\":0,\"op\":96,\"gas\":\"0x3e8\",\"gasCost\":\"0x3\",\"memSize\":0,\"stack\":[],"
                          "\"returnData\":\"0x\",\"depth\":1,\"refund\":0,\"opName\":\"PUSH1\"}") == trace_text,
       "first trace line");
    ok(strstr(trace_text, "\"pc\":4,\"op\":1,\"gas\":\"0x3e2\",\"gasCost\":\"0x3\",\"memSize\":0,\"stack\":[\"0x1\",\"0x2\"]") != NULL,
       "stack shown bottom first");
    ok(strstr(trace_text, "{\"output\":\"\",\"gasUsed\":\"0x9\"}") != NULL, "summary line");
    /* dynamic costs: SSTORE of a new value to a cold slot costs 22100 */
    trace_len = 0;
    trace_lines = 0;
    X->set_tracer(ex, trace_fn, NULL);
    run("60015f5500", NULL, 100000, &r);
    X->set_tracer(ex, NULL, NULL);
    ok(strstr(trace_text, "\"gasCost\":\"0x5654\",\"memSize\":0,\"stack\":[\"0x1\",\"0x0\"],\"returnData\":\"0x\",\"depth\":1,"
                          "\"refund\":0,\"opName\":\"SSTORE\"}") != NULL,
       "SSTORE's line carries its full cost");
    /* a call's line carries the gas handed to the callee; the callee's
     * lines follow at depth 2 */
    trace_len = 0;
    trace_lines = 0;
    w_reset();
    w_add(SENDER, 1000000000, NULL);
    w_add(CONTRACT, 0, "5f5f5f5f5f73" ADDR3 "61c350f100");
    w_add(OTHER, 0, "00");
    zg_exec_msg m;
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    addr_of(m.sender, SENDER);
    addr_of(m.to, CONTRACT);
    m.gas = 100000;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    X->set_tracer(ex, trace_fn, NULL);
    X->execute_call(ex, &env, &view, &m, &r);
    X->set_tracer(ex, NULL, NULL);
    const char *call = strstr(trace_text, "\"opName\":\"CALL\"}");
    const char *callee = strstr(trace_text, "\"depth\":2");
    ok(strstr(trace_text, "\"gasCost\":\"0xcd78\"") != NULL && call && callee && call < callee,
       "CALL costs 100 + 2500 + 50000 handed over, before the callee's lines");
    ok(call && strstr(trace_text, "\"returnData\":\"0x\",\"depth\":1,\"refund\":0,\"opName\":\"CALL\"}") != NULL,
       "returnData is 0x before any call returned data");
    /* returnData: the callee returns 32 bytes (0x2a); the caller's next
     * line (POP) shows them */
    trace_len = 0;
    trace_lines = 0;
    w_reset();
    w_add(SENDER, 1000000000, NULL);
    w_add(CONTRACT, 0, "5f5f5f5f5f73" ADDR3 "61c350f15000");
    w_add(OTHER, 0, "602a5f5260205ff3");
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    X->set_tracer(ex, trace_fn, NULL);
    X->execute_call(ex, &env, &view, &m, &r);
    X->set_tracer(ex, NULL, NULL);
    ok(r.status == ZG_EXEC_SUCCESS &&
           strstr(trace_text, "\"stack\":[\"0x1\"],\"returnData\":\"0x"
                              "000000000000000000000000000000000000000000000000000000000000002a\","
                              "\"depth\":1,\"refund\":0,\"opName\":\"POP\"}") != NULL,
       "returnData shows the last call's return data");
    /* the traced and plain loops agree on gas */
    zg_exec_result r2;
    X->set_tracer(ex, trace_fn, NULL);
    run(ret_top("60035b6001900380600257505a"), NULL, 100000, &r);
    X->set_tracer(ex, NULL, NULL);
    uint8_t o1[32];
    memcpy(o1, r.output, 32);
    run(ret_top("60035b6001900380600257505a"), NULL, 100000, &r2);
    ok(!memcmp(o1, r2.output, 32) && r.gas_left == r2.gas_left, "traced and plain loops charge the same gas");
}


/* ---- detailed tracing: set_trace's frame hooks and optional fields ---- */
typedef struct ev {
    char what;           /* 'e' enter, 'x' exit, 'l' log */
    int kind, depth, status, error;
    uint8_t to[20];
    uint8_t data[128];   /* input or output */
    size_t len;
    uint64_t gas, gas_used;
    zg_u256 value;
    char text[64];
} ev;
static ev evs[16];
static int nevs;
static void on_e(void *arg, const zg_exec_frame *f)
{
    (void)arg;
    if (nevs >= 16) return;
    ev *e = &evs[nevs++];
    memset(e, 0, sizeof *e);
    e->what = 'e';
    e->kind = f->kind;
    e->depth = f->depth;
    memcpy(e->to, f->to, 20);
    e->len = f->input_len < sizeof e->data ? f->input_len : sizeof e->data;
    if (e->len) memcpy(e->data, f->input, e->len);
    e->gas = f->gas;
    e->value = f->value;
}
static void on_x(void *arg, const zg_exec_frame_end *x)
{
    (void)arg;
    if (nevs >= 16) return;
    ev *e = &evs[nevs++];
    memset(e, 0, sizeof *e);
    e->what = 'x';
    e->depth = x->depth;
    e->status = x->status;
    e->error = x->error;
    e->len = x->output_len < sizeof e->data ? x->output_len : sizeof e->data;
    if (e->len) memcpy(e->data, x->output, e->len);
    e->gas_used = x->gas_used;
    snprintf(e->text, sizeof e->text, "%s", x->error_text ? x->error_text : "");
}
static void on_l(void *arg, int32_t depth, const zg_exec_log *l)
{
    (void)arg;
    if (nevs >= 16) return;
    ev *e = &evs[nevs++];
    memset(e, 0, sizeof *e);
    e->what = 'l';
    e->depth = depth;
    e->len = l->data_len;
}

static void trace_run(const char *code, uint64_t gas, uint32_t flags, zg_exec_result *r)
{
    zg_exec_tracer t = {.struct_size = sizeof t, .flags = flags, .step = flags ? trace_fn : NULL,
                        .enter = on_e, .exit = on_x, .log = on_l};
    nevs = 0;
    trace_len = 0;
    trace_lines = 0;
    X->set_trace(ex, &t);
    run(code, NULL, gas, r);
    X->set_trace(ex, NULL);
}

static void test_trace_hooks(void)
{
    zg_exec_result r;
    ok(X->struct_size >= offsetof(zg_executor_iface, set_trace) + sizeof(void *) && X->set_trace,
       "set_trace is in the interface");
    /* CALL identity with 3 bytes: mem[29..32] = abcdef */
    trace_run("62abcdef5f52" "5f5f" "6003" "601d" "5f" "6004" "610100" "f1" "00", 100000, 0, &r);
    const uint8_t abcdef[3] = {0xab, 0xcd, 0xef};
    uint8_t c_addr[20], id_addr[20] = {[19] = 4};
    addr_of(c_addr, CONTRACT);
    ok(nevs == 4 && evs[0].what == 'e' && evs[0].depth == 0 && evs[0].kind == ZG_EXEC_FRAME_CALL &&
           !memcmp(evs[0].to, c_addr, 20) && evs[0].gas == 100000,
       "enter at depth 0: the message");
    ok(nevs == 4 && evs[1].what == 'e' && evs[1].depth == 1 && evs[1].kind == ZG_EXEC_FRAME_CALL &&
           !memcmp(evs[1].to, id_addr, 20) && evs[1].gas == 256 && evs[1].len == 3 && !memcmp(evs[1].data, abcdef, 3),
       "enter for the precompile: input and gas");
    ok(nevs == 4 && evs[2].what == 'x' && evs[2].depth == 1 && evs[2].status == ZG_EXEC_SUCCESS && evs[2].len == 3 &&
           !memcmp(evs[2].data, abcdef, 3) && evs[2].gas_used == 15 + 3,
       "exit of the precompile: output = input, gas used 15 + 3");
    ok(nevs == 4 && evs[3].what == 'x' && evs[3].depth == 0 && evs[3].status == ZG_EXEC_SUCCESS &&
           evs[3].gas_used == 100000 - r.gas_left,
       "exit at depth 0");
    /* geth's words for failures */
    trace_run("01", 1000, 0, &r);
    ok(nevs == 2 && evs[1].status == ZG_EXEC_FAILURE && evs[1].error == ZG_EXEC_ERR_STACK_UNDERFLOW &&
           !strcmp(evs[1].text, "stack underflow (0 <=> 2)") && evs[1].gas_used == 1000,
       "stack underflow (0 <=> 2), all gas used");
    trace_run("fe", 1000, 0, &r);
    ok(nevs == 2 && !strcmp(evs[1].text, "invalid opcode: INVALID"), "invalid opcode: INVALID");
    trace_run("0c", 1000, 0, &r);
    ok(nevs == 2 && !strcmp(evs[1].text, "invalid opcode: opcode 0xc not defined"),
       "invalid opcode: opcode 0xc not defined");
    /* CREATE of 100 bytes of code (init: PUSH1 100 PUSH0 RETURN): with
     * little gas the deposit (20000) fails */
    const char *creator = "6360645ff360e01b5f52" "60045f5ff0" "00";
    trace_run(creator, 50000, 0, &r);
    ok(nevs == 4 && evs[1].kind == ZG_EXEC_FRAME_CREATE && evs[1].len == 4 && evs[1].data[0] == 0x60 &&
           evs[2].status == ZG_EXEC_FAILURE && !strcmp(evs[2].text, "contract creation code storage out of gas") &&
           evs[2].gas_used == evs[1].gas && evs[2].len == 0,
       "CREATE whose code deposit runs out of gas: geth's words, all its gas used");
    trace_run(creator, 200000, 1, &r);
    ok(nevs == 4 && evs[2].status == ZG_EXEC_SUCCESS && evs[2].len == 100 && evs[2].data[0] == 0 &&
           evs[2].gas_used == 3 + 2 + 12 + 100 * 200,
       "CREATE: exit output = the 100-byte code, gas used 3 + 2 + 12 (4 words) + 20000");
    ok(strstr(trace_text, "\"gasCost\":\"0x7d02\",\"memSize\":32,") != NULL,
       "CREATE's line costs 32000 + 2, the callee's gas left out (geth)");
    /* optional EIP-3155 fields */
    trace_run("602a5f52" "60075f55" "5f54" "50" "00", 100000, ZG_EXEC_TRACE_MEMORY | ZG_EXEC_TRACE_STORAGE, &r);
    ok(strstr(trace_text, "\"memSize\":32,\"memory\":\"0x000000000000000000000000000000000000000000000000000000000000002a\","
                          "\"stack\":[\"0x7\",\"0x0\"]") != NULL,
       "memory: the whole memory before the instruction");
    ok(strstr(trace_text, "\"opName\":\"SSTORE\",\"storage\":{\"0x0\":\"0x7\"}}") != NULL &&
           strstr(trace_text, "\"opName\":\"SLOAD\",\"storage\":{\"0x0\":\"0x7\"}}") != NULL,
       "storage: the slot SSTORE writes and SLOAD reads");
    ok(strstr(trace_text, "\"opName\":\"PUSH1\",\"storage\"") == NULL && strstr(trace_text, "\"memory\":\"0x\",") != NULL,
       "storage only on SLOAD/SSTORE; memory \"0x\" while empty");
    /* the instruction a frame runs out of gas at: its cost and an error */
    trace_run("5f5f01", 5, ZG_EXEC_TRACE_MEMORY, &r);
    ok(strstr(trace_text, "{\"pc\":2,\"op\":1,\"gas\":\"0x1\",\"gasCost\":\"0x3\",") != NULL &&
           strstr(trace_text, "\"opName\":\"ADD\",\"error\":\"out of gas\"}") != NULL,
       "ADD with 1 gas left: gasCost 3 and \"error\": \"out of gas\"");
    /* a log and a SELFDESTRUCT */
    w_reset();
    trace_run("5f5fa0" "73" ADDR3 "ff", 100000, 0, &r);
    uint8_t other[20];
    addr_of(other, OTHER);
    ok(nevs == 5 && evs[1].what == 'l' && evs[1].depth == 0 && evs[2].what == 'e' &&
           evs[2].kind == ZG_EXEC_FRAME_SELFDESTRUCT && evs[2].depth == 1 && !memcmp(evs[2].to, other, 20) &&
           evs[3].what == 'x' && evs[3].gas_used == 0,
       "LOG0 reported with its depth; SELFDESTRUCT as a frame to the beneficiary");
    /* off, and struct_size checked */
    run("600160020100", NULL, 1000, &r);
    ok(nevs == 5, "set_trace(NULL): no more events");
    zg_exec_tracer small = {.struct_size = 4};
    ok(X->set_trace(ex, &small) == ZG_EINVAL, "a tracer struct too small is refused");
    /* the plain and traced loops agree with the hooks on */
    zg_exec_result r2;
    trace_run(ret_top("60035b6001900380600257505a"), 100000, 0, &r);
    run(ret_top("60035b6001900380600257505a"), NULL, 100000, &r2);
    ok(r.gas_left == r2.gas_left && r.status == r2.status, "frame hooks do not change gas");
}

int main(void)
{
    const zg_plugin_desc *d = zg_evm_plugin_desc();
    void *st = NULL;
    ok(d->kind == ZG_KIND_EXECUTOR && d->init(NULL, NULL, &st) == ZG_OK, "plugin descriptor and init");
    X = d->iface;
    ok(X->struct_size == sizeof(zg_executor_iface) && X->open(st, &ex) == ZG_OK, "open an executor");
    env_init();
    test_arith();
    test_misc_ops();
    test_gas();
    test_stack_jumps();
    test_calls();
    test_create();
    test_selfdestruct();
    test_precompiles();
    test_tx();
    test_trace();
    test_trace_hooks();
    /* a host error aborts the execution with that error */
    {
        zg_exec_state bad = view;
        bad.get_storage = bad_storage;
        w_reset();
        w_add(SENDER, 1000000000, NULL);
        w_add(CONTRACT, 0, "5f5400");
        zg_exec_msg m;
        memset(&m, 0, sizeof m);
        m.struct_size = sizeof m;
        addr_of(m.sender, SENDER);
        addr_of(m.to, CONTRACT);
        m.gas = 100000;
        zg_exec_result r0;
        memset(&r0, 0, sizeof r0);
        r0.struct_size = sizeof r0;
        ok(X->execute_call(ex, &env, &bad, &m, &r0) == ZG_EIO, "a host read error is returned");
        /* an older caller's smaller result struct is filled only as far as it goes */
        struct {
            uint32_t struct_size;
            int32_t status;
            int32_t error;
            uint64_t gas_used;
            uint64_t canary;
        } small;
        memset(&small, 0, sizeof small);
        small.struct_size = offsetof(zg_exec_result, gas_refund);
        small.canary = 0x1234;
        ok(X->execute_call(ex, &env, &view, &m, (zg_exec_result *)&small) == ZG_OK &&
               small.status == ZG_EXEC_SUCCESS && small.gas_used == 2 + 2100 && small.canary == 0x1234,
           "result written up to the caller's struct_size");
    }
    env.revision = 99;
    zg_exec_result r;
    ok(run("00", NULL, 100, &r) == ZG_EUNSUPPORTED, "unknown revision is unsupported");
    X->close(ex);
    d->fini(st);
    w_reset();
    return tap_done();
}
