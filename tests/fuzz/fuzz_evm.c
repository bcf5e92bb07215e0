/* tests/fuzz/fuzz_evm.c — random bytecode through the evm executor.
 *
 * Input: byte 0 picks the gas limit (1000 .. 64750), byte 1 the call
 * value and static flag, the rest is the contract's code (it may call
 * itself, precompiles, create, self-destruct, ...).  It runs twice: with
 * the plain interpreter (per-block gas and stack checks) and with the
 * traced one (per-instruction checks); both must agree exactly on status,
 * gas, output, logs and state changes.  Other invariants: the executor
 * never errors, gas used never exceeds the limit, an exceptional halt
 * consumes everything and changes nothing but fees, changes are listed
 * once per account. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zg/executor.h>
#include <zg/keccak.h>
#include "fuzz.h"
#include "plugins/executor/evm/evm_plugin.h"

static uint8_t code_addr[20] = {0xc0, 0xde};
static const uint8_t *g_code;
static size_t g_len;
static uint8_t g_hash[32];

static int f_acct(void *ctx, const uint8_t a[20], zg_exec_account *o)
{
    (void)ctx;
    memset(o, 0, sizeof *o);
    if (!memcmp(a, code_addr, 20)) {
        o->balance = zg_u256_from_u64(1000000);
        o->nonce = 1;
        memcpy(o->code_hash, g_hash, 32);
        o->flags = ZG_EXEC_ACCOUNT_HAS_STORAGE;
        return ZG_OK;
    }
    if (a[0] == 0x5e) { /* the sender */
        o->balance = zg_u256_from_u64(1ULL << 50);
        memcpy(o->code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32);
        return ZG_OK;
    }
    return ZG_ENOTFOUND;
}
static int f_code(void *ctx, const uint8_t a[20], const uint8_t **c, size_t *n)
{
    (void)ctx;
    int mine = !memcmp(a, code_addr, 20);
    *c = mine ? g_code : NULL;
    *n = mine ? g_len : 0;
    return ZG_OK;
}
static int f_storage(void *ctx, const uint8_t a[20], const uint8_t k[32], uint8_t v[32])
{
    (void)ctx, (void)a;
    memset(v, 0, 32);
    v[31] = k[31] & 3; /* a few non-zero slots */
    return ZG_OK;
}
static int f_bhash(void *ctx, uint64_t n, uint8_t h[32])
{
    (void)ctx;
    memset(h, 0x11, 32);
    h[0] = (uint8_t)n;
    return ZG_OK;
}
static const zg_exec_state view = {sizeof(zg_exec_state), NULL, f_acct, f_code, f_storage, f_bhash};

static const zg_executor_iface *X;
static zg_executor *ex;
static void *pstate;

static void discard(void *arg, const char *line, size_t len)
{
    (void)arg;
    FUZZ_CHECK(len > 2 && line[0] == '{' && line[len - 1] == '}');
}

/* a copy of what must match between the two runs */
typedef struct snap {
    int status;
    uint64_t gas_used, gas_left, refund;
    uint8_t *output;
    size_t output_len, nlogs, nchanges;
    uint8_t digest[32]; /* of logs and changes */
} snap;

static void take(const zg_exec_result *r, snap *s)
{
    s->status = r->status;
    s->gas_used = r->gas_used;
    s->gas_left = r->gas_left;
    s->refund = r->gas_refund;
    s->output_len = r->output_len;
    s->output = malloc(r->output_len + 1);
    if (r->output_len) memcpy(s->output, r->output, r->output_len);
    s->nlogs = r->nlogs;
    s->nchanges = r->nchanges;
    zg_keccak_ctx k;
    zg_keccak256_init(&k);
    for (size_t i = 0; i < r->nlogs; i++) {
        const zg_exec_log *l = &r->logs[i];
        zg_keccak256_update(&k, l->address, 20);
        zg_keccak256_update(&k, &l->ntopics, sizeof l->ntopics);
        if (l->ntopics) zg_keccak256_update(&k, l->topics, 32 * (size_t)l->ntopics);
        if (l->data_len) zg_keccak256_update(&k, l->data, l->data_len);
    }
    for (size_t i = 0; i < r->nchanges; i++) {
        const zg_exec_change *c = &r->changes[i];
        zg_keccak256_update(&k, c->address, 20);
        zg_keccak256_update(&k, &c->flags, sizeof c->flags);
        zg_keccak256_update(&k, &c->balance, sizeof c->balance);
        zg_keccak256_update(&k, &c->nonce, sizeof c->nonce);
        if (c->flags & ZG_EXEC_ACC_CODE) zg_keccak256_update(&k, c->code_hash, 32);
        if (c->nstorage) zg_keccak256_update(&k, c->storage, c->nstorage * sizeof *c->storage);
        for (size_t j = 0; j < i; j++) FUZZ_CHECK(memcmp(r->changes[j].address, c->address, 20) != 0);
    }
    zg_keccak256_final(&k, s->digest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!X) {
        const zg_plugin_desc *d = zg_evm_plugin_desc();
        FUZZ_CHECK(d->init(NULL, NULL, &pstate) == ZG_OK);
        X = d->iface;
        FUZZ_CHECK(X->open(pstate, &ex) == ZG_OK);
    }
    if (size < 2) return 0;
    uint64_t gas = 1000 + (uint64_t)data[0] * 250;
    g_code = data + 2;
    g_len = size - 2;
    zg_keccak256(g_code, g_len, g_hash);

    zg_exec_env env;
    memset(&env, 0, sizeof env);
    env.struct_size = sizeof env;
    env.revision = ZG_EXEC_REV_CANCUN;
    env.number = 500;
    env.timestamp = 1700000000;
    env.gas_limit = 30000000;
    env.chain_id = 1;
    env.coinbase[0] = 0xcb;
    env.base_fee = zg_u256_from_u64(7);
    env.blob_base_fee = zg_u256_from_u64(1);

    zg_exec_msg m;
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    m.sender[0] = 0x5e;
    memcpy(m.to, code_addr, 20);
    m.gas = gas;
    m.value = zg_u256_from_u64(data[1] & 0x7f);
    m.flags = (data[1] & 0x80) ? ZG_EXEC_MSG_STATIC : 0;
    static const uint8_t calldata[36] = {0xa9, 0x05, 0x9c, 0xbb, 1, 2, 3};
    m.data = calldata;
    m.data_len = sizeof calldata;

    snap a, b;
    zg_exec_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    FUZZ_CHECK(X->execute_call(ex, &env, &view, &m, &r) == ZG_OK);
    FUZZ_CHECK(r.status == ZG_EXEC_SUCCESS || r.status == ZG_EXEC_REVERT || r.status == ZG_EXEC_FAILURE);
    FUZZ_CHECK(r.gas_left <= gas && r.gas_used <= gas);
    if (r.status == ZG_EXEC_FAILURE) FUZZ_CHECK(r.gas_left == 0 && r.nlogs == 0 && r.output_len == 0);
    if (r.status != ZG_EXEC_SUCCESS) FUZZ_CHECK(r.nlogs == 0);
    take(&r, &a);

    X->set_tracer(ex, discard, NULL);
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    FUZZ_CHECK(X->execute_call(ex, &env, &view, &m, &r) == ZG_OK);
    X->set_tracer(ex, NULL, NULL);
    take(&r, &b);

    FUZZ_CHECK(a.status == b.status);
    FUZZ_CHECK(a.gas_used == b.gas_used && a.gas_left == b.gas_left && a.refund == b.refund);
    FUZZ_CHECK(a.output_len == b.output_len && memcmp(a.output, b.output, a.output_len) == 0);
    FUZZ_CHECK(a.nlogs == b.nlogs && a.nchanges == b.nchanges);
    FUZZ_CHECK(memcmp(a.digest, b.digest, 32) == 0);
    free(a.output);
    free(b.output);
    return 0;
}
