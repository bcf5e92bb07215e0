/* bench/evm: throughput of the evm executor in Mgas/s on fixed workloads,
 * through the executor interface (zg/executor.h) and a trivial in-memory
 * host:
 *   alu      a loop of MUL/ADD/SHR/XOR/SHL/NOT/LT/OR and stack shuffles
 *   keccak   a loop of MSTORE + KECCAK256 over 64 bytes
 *   calls    a contract calling itself 64 deep per message
 *   erc20    ERC-20 transfer(to, amount) transactions: selector dispatch,
 *            mapping slots, 2 cold SLOADs + 2 SSTOREs, a LOG3; whole
 *            transactions (validation, fees, intrinsic gas, change set)
 * alu, keccak and calls run as bare messages and count execution gas only
 * (what @ethereumjs/evm's runCall reports as executionGasUsed); erc20
 * counts the transactions' gas used, as a block would (--json also gives
 * its execution gas alone, which bench/evm/run.sh compares).
 * The peer measured in the same run is this executor's traced interpreter
 * loop (per-instruction checks, EIP-3155 lines formatted and discarded);
 * bench/evm/run.sh runs the same bytecode on @ethereumjs/evm for the
 * cross-implementation ratio.  Each figure is the best of 5 runs, timed in
 * thread CPU time.
 *
 * usage: bench/evm [seconds-per-run, default 0.3] [--json] [--only NAME]
 *                  [--no-peer] [--print NAME] (hex code and call data) */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zg/executor.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include "plugins/executor/evm/evm_plugin.h"

static double run_s = 0.3;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ---- programs (hex), with their assembly */

/* PUSH4 N PUSH0; loop: JUMPDEST PUSH1 3 MUL PUSH1 7 ADD DUP1 PUSH1 13 SHR
 * XOR DUP1 PUSH1 5 SHL ADD DUP1 NOT DUP3 LT OR SWAP1 PUSH1 1 SWAP1 SUB
 * SWAP1 DUP2 PUSH1 6 JUMPI STOP */
#define ALU_CODE(n) "63" n "5f5b600302600701" "80600d1c18" "8060051b01" "8019821017" "90600190039081600657" "00"
/* PUSH4 N; loop: JUMPDEST DUP1 PUSH0 MSTORE PUSH1 64 PUSH0 KECCAK256
 * PUSH1 32 MSTORE PUSH1 1 SWAP1 SUB DUP1 PUSH1 5 JUMPI STOP */
#define KECCAK_CODE(n) "63" n "5b805f5260405f2060205260019003806005" "57" "00"
/* transfer(address,uint256) over mapping(address => uint256) at slot 0 */
#define ERC20_CODE                                                                                   \
    "5f3560e01c63a9059cbb146011575f5ffd5b335f525f60205260405f208054602435808210607357900390556004" \
    "355f5260405f2080546024350190556024355f52600435337fddf252ad1be2c89b69c2b068fc378daa952ba7f1" \
    "63c4a11628f55a4df523b3ef60205fa360015f5260205ff35b5f5ffd"
/* depth = calldata[0]; if depth: CALL(self, gas, calldata = depth - 1) */
#define CALLS_CODE "5f358015601757600190035f525f5f60205f5f305af1505b00"

/* ---- a host: one contract, every other account rich and code-less ---- */
static uint8_t contract_addr[20] = {0xc0, 0xde};
static uint8_t *contract_code;
static size_t contract_len;
static uint8_t contract_hash[32];

static int h_acct(void *ctx, const uint8_t a[20], zg_exec_account *o)
{
    (void)ctx;
    memset(o, 0, sizeof *o);
    if (!memcmp(a, contract_addr, 20)) {
        memcpy(o->code_hash, contract_hash, 32);
        o->flags = ZG_EXEC_ACCOUNT_HAS_STORAGE;
        return ZG_OK;
    }
    o->balance = zg_u256_from_u64(1ULL << 62);
    memcpy(o->code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32);
    return ZG_OK;
}
static int h_code(void *ctx, const uint8_t a[20], const uint8_t **c, size_t *n)
{
    (void)ctx;
    int mine = !memcmp(a, contract_addr, 20);
    *c = mine ? contract_code : NULL;
    *n = mine ? contract_len : 0;
    return ZG_OK;
}
/* every token balance starts at 2^64 */
static int h_storage(void *ctx, const uint8_t a[20], const uint8_t k[32], uint8_t v[32])
{
    (void)ctx, (void)a, (void)k;
    memset(v, 0, 32);
    v[23] = 1;
    return ZG_OK;
}
static int h_bhash(void *ctx, uint64_t n, uint8_t h[32])
{
    (void)ctx;
    memset(h, 0, 32);
    memcpy(h, &n, sizeof n);
    return ZG_OK;
}
static const zg_exec_state view = {sizeof(zg_exec_state), NULL, h_acct, h_code, h_storage, h_bhash};

static void set_code(const char *hex)
{
    free(contract_code);
    contract_len = strlen(hex) / 2;
    contract_code = malloc(contract_len + 1);
    zg_hex_decode(hex, 2 * contract_len, contract_code);
    zg_keccak256(contract_code, contract_len, contract_hash);
}

static const zg_executor_iface *X;
static zg_executor *ex;
static zg_exec_env env;

typedef struct workload {
    const char *name;
    const char *code;
    int ntx;          /* transactions or messages per run */
    int erc20;        /* transactions with transfer calldata (else bare messages) */
    uint8_t data[68];
    size_t data_len;
} workload;

static void discard(void *arg, const char *line, size_t len) { (void)arg, (void)line, (void)len; }

/* execution gas (without intrinsic gas) summed by run_once: what the
 * ethereumjs comparison of erc20 (runCall, executionGasUsed) counts */
static long long exec_gas;

/* run the workload once; returns the gas counted, -1 on a failure */
static long long run_once(workload *w, unsigned *seq)
{
    long long gas = 0;
    for (int i = 0; i < w->ntx; i++) {
        unsigned s = (*seq)++;
        zg_exec_result r;
        memset(&r, 0, sizeof r);
        r.struct_size = sizeof r;
        if (!w->erc20) {
            zg_exec_msg m;
            memset(&m, 0, sizeof m);
            m.struct_size = sizeof m;
            m.sender[0] = 0x5e;
            memcpy(m.to, contract_addr, 20);
            m.gas = 29000000;
            m.data = w->data;
            m.data_len = w->data_len;
            if (X->execute_call(ex, &env, &view, &m, &r) != ZG_OK || r.status != ZG_EXEC_SUCCESS) return -1;
            gas += (long long)(m.gas - r.gas_left);
            exec_gas += (long long)(m.gas - r.gas_left);
            continue;
        }
        zg_exec_tx tx;
        memset(&tx, 0, sizeof tx);
        tx.struct_size = sizeof tx;
        tx.type = ZG_TX_DYNAMIC_FEE;
        tx.has_to = 1;
        memcpy(tx.to, contract_addr, 20);
        tx.sender[0] = 0x5e;
        memcpy(tx.sender + 16, &s, 4);
        tx.gas_limit = 200000;
        tx.max_fee_per_gas = zg_u256_from_u64(10);
        tx.max_priority_fee_per_gas = zg_u256_from_u64(1);
        /* transfer(to = 0xaa..seq, 1000) */
        memset(w->data, 0, sizeof w->data);
        w->data[0] = 0xa9, w->data[1] = 0x05, w->data[2] = 0x9c, w->data[3] = 0xbb;
        w->data[4 + 12] = 0xaa;
        memcpy(w->data + 4 + 28, &s, 4);
        w->data[4 + 32 + 30] = 0x03, w->data[4 + 32 + 31] = 0xe8;
        w->data_len = 68;
        tx.data = w->data;
        tx.data_len = w->data_len;
        if (X->execute_tx(ex, &env, &view, &tx, &r) != ZG_OK || r.status != ZG_EXEC_SUCCESS) return -1;
        gas += (long long)r.gas_used;
        /* execution gas = gas used - intrinsic (21000 + calldata; no access
         * list, no refund: every SSTORE here is nonzero -> other nonzero) */
        long long intrinsic = 21000;
        for (size_t b = 0; b < tx.data_len; b++) intrinsic += tx.data[b] ? 16 : 4;
        exec_gas += (long long)r.gas_used - intrinsic;
    }
    return gas;
}

/* per-run figures of the best (highest Mgas/s) of 5 runs */
typedef struct figures {
    double mgas_per_s;      /* gas counted (tx gas used for erc20) */
    double exec_mgas_per_s; /* execution gas only */
    double gas_per_tx, exec_gas_per_tx;
} figures;

/* best Mgas/s of 5 runs */
static double measure(workload *w, int traced, figures *fig)
{
    set_code(w->code);
    X->set_tracer(ex, traced ? discard : NULL, NULL);
    unsigned seq = 1;
    if (run_once(w, &seq) < 0) return -1;
    double best = 0;
    for (int r = 0; r < 5; r++) {
        long long gas = 0, n = 0;
        exec_gas = 0;
        double t0 = now(), t;
        do {
            long long g = run_once(w, &seq);
            if (g < 0) return -1;
            gas += g;
            n += w->ntx;
        } while ((t = now() - t0) < run_s);
        double mgs = (double)gas / t / 1e6;
        if (mgs > best) {
            best = mgs;
            if (fig) {
                fig->mgas_per_s = mgs;
                fig->exec_mgas_per_s = (double)exec_gas / t / 1e6;
                fig->gas_per_tx = (double)gas / (double)n;
                fig->exec_gas_per_tx = (double)exec_gas / (double)n;
            }
        }
    }
    X->set_tracer(ex, NULL, NULL);
    return best;
}

int main(int argc, char **argv)
{
    int json = 0, peer = 1;
    const char *only = NULL, *print = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--no-peer"))
            peer = 0;
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "--print") && i + 1 < argc)
            print = argv[++i];
        else if (atof(argv[i]) > 0)
            run_s = atof(argv[i]);
    }
    const zg_plugin_desc *d = zg_evm_plugin_desc();
    void *st = NULL;
    if (d->init(NULL, NULL, &st) != ZG_OK || (X = d->iface)->open(st, &ex) != ZG_OK) {
        fprintf(stderr, "bench/evm: cannot open the executor\n");
        return 1;
    }
    memset(&env, 0, sizeof env);
    env.struct_size = sizeof env;
    env.revision = ZG_EXEC_REV_CANCUN;
    env.number = 1000;
    env.timestamp = 1700000000;
    env.gas_limit = 30000000;
    env.chain_id = 1;
    memset(env.coinbase, 0xcb, 20);
    env.base_fee = zg_u256_from_u64(7);
    env.blob_base_fee = zg_u256_from_u64(1);

    workload ws[] = {
        {"alu", ALU_CODE("00030d40"), 1, 0, {0}, 0},       /* 200000 iterations */
        {"keccak", KECCAK_CODE("000186a0"), 1, 0, {0}, 0}, /* 100000 iterations */
        {"calls", CALLS_CODE, 20, 0, {0}, 32},
        {"erc20", ERC20_CODE, 100, 1, {0}, 0},
    };
    ws[2].data[31] = 64; /* depth */
    if (print) {
        for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++)
            if (!strcmp(print, ws[i].name)) {
                char hx[2 * sizeof ws[i].data + 1];
                zg_hex_encode(ws[i].data, ws[i].data_len, hx);
                printf("%s %s\n", ws[i].code, ws[i].data_len ? hx : "-");
                return 0;
            }
        fprintf(stderr, "bench/evm: no workload %s\n", print);
        return 2;
    }
    if (!json) printf("%-8s %12s %14s %8s\n", "workload", "Mgas/s", "traced Mgas/s", "ratio");
    int bad = 0;
    for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
        if (only && strcmp(only, ws[i].name)) continue;
        figures fig;
        double fast = measure(&ws[i], 0, &fig), slow = peer ? measure(&ws[i], 1, NULL) : 1;
        if (fast < 0 || slow < 0) {
            fprintf(stderr, "bench/evm: workload %s failed\n", ws[i].name);
            bad = 1;
            continue;
        }
        if (json)
            printf("{\"workload\":\"%s\",\"mgas_per_s\":%.1f,\"traced_mgas_per_s\":%.1f,"
                   "\"exec_mgas_per_s\":%.1f,\"gas_per_tx\":%.1f,\"exec_gas_per_tx\":%.1f}\n",
                   ws[i].name, fast, slow, fig.exec_mgas_per_s, fig.gas_per_tx, fig.exec_gas_per_tx);
        else
            if (peer)
            printf("%-8s %12.1f %14.1f %7.1fx\n", ws[i].name, fast, slow, fast / slow);
        else
            printf("%-8s %12.1f %14s %8s\n", ws[i].name, fast, "-", "-");
    }
    X->close(ex);
    d->fini(st);
    free(contract_code);
    return bad;
}
