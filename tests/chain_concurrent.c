/* tests/chain_concurrent — the chain's read methods served by HTTP worker
 * threads (ZG_RPC_CONCURRENT) while the loop thread seals blocks.  One
 * sender makes one-transfer blocks (1 wei each to a fresh address) while
 * four readers, each on its own connection per call, check that what they
 * see is always a consistent state: the head only moves forward, the
 * recipient's balance at block k is exactly k - base, every block up to the
 * head they saw exists with the right number, eth_call (the EVM on the
 * worker's own executor) reads the same balance, and a batch that mixes a
 * concurrent and a loop-thread method is answered whole.  Run under
 * ASan/UBSan in CI (and by hand under TSan, see docs/architecture.md). */
#include "config.h"
#include <inttypes.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "chain_util.h"
#include "tap.h"

#define NTX 300
#define NREADERS 4

static cu_node node;
static uint64_t base;
static uint8_t recip[20];
static char addr[43], sender[43]; /* as hex (cu_hex is not thread-safe) */
/* genesis contract: returns BALANCE(recipient) */
#define PROBE "0x00000000000000000000000000000000000b0b0b"
#define PROBE_CODE "0x73c0000000000000000000000000000000000000013160005260206000f3"
static atomic_int done_sending;

typedef struct reader {
    int id;
    unsigned reads, errors;
    char first_error[256];
} reader;

static void fail(reader *r, const char *fmt, uint64_t a, uint64_t b)
{
    if (!r->errors++) snprintf(r->first_error, sizeof r->first_error, fmt, a, b);
}

static void *read_loop(void *arg)
{
    reader *r = arg;
    uint64_t last_bn = base, last_bal = 0;
    int final = 0;
    while (!final) {
        final = done_sending; /* one more round after the sender is done */
        json_t *j = cu_result(&node, "eth_blockNumber", NULL);
        uint64_t bn = cu_u64(j);
        json_decref(j);
        if (!j) fail(r, "eth_blockNumber failed (%" PRIu64 "%" PRIu64 ")", 0, 0);
        if (bn < last_bn) fail(r, "head went back from %" PRIu64 " to %" PRIu64, last_bn, bn);
        last_bn = bn;
        j = cu_result(&node, "eth_getBalance", json_pack("[s,s]", addr, "latest"));
        uint64_t bal = cu_u64(j);
        if (!j || bal < last_bal || bal > NTX) fail(r, "latest balance %" PRIu64 " after %" PRIu64, bal, last_bal);
        json_decref(j);
        last_bal = bal;
        char num[32];
        snprintf(num, sizeof num, "0x%" PRIx64, bn);
        j = cu_result(&node, "eth_getBalance", json_pack("[s,s]", addr, num));
        if (!j || cu_u64(j) != bn - base) fail(r, "balance at block %" PRIu64 " is %" PRIu64, bn, j ? cu_u64(j) : 0);
        json_decref(j);
        /* the EVM on the worker's own executor: BALANCE(recipient) at block bn */
        j = cu_result(&node, "eth_call", json_pack("[{s:s},s]", "to", PROBE, num));
        if (!j || cu_u64(j) != bn - base) fail(r, "eth_call at block %" PRIu64 " says %" PRIu64, bn, j ? cu_u64(j) : 0);
        json_decref(j);
        j = cu_result(&node, "eth_estimateGas", json_pack("[{s:s,s:s,s:s}]", "from", sender, "to", addr, "value", "0x1"));
        if (cu_u64(j) != 21000) fail(r, "estimateGas of a transfer: %" PRIu64 "%" PRIu64, cu_u64(j), 0);
        json_decref(j);
        j = cu_result(&node, "eth_getLogs", json_pack("[{s:s,s:s}]", "fromBlock", "0x0", "toBlock", num));
        if (!json_is_array(j) || json_array_size(j)) fail(r, "getLogs to %" PRIu64 ": %" PRIu64 " logs", bn, json_array_size(j));
        json_decref(j);
        j = cu_result(&node, "eth_getBlockByNumber", json_pack("[s,b]", num, 0));
        if (!json_is_object(j) || cu_u64(json_object_get(j, "number")) != bn)
            fail(r, "block %" PRIu64 " missing or misnumbered (%" PRIu64 ")", bn, 0);
        json_decref(j);
        /* a batch with a loop-thread method: answered whole, in order */
        char body[512];
        snprintf(body, sizeof body,
                 "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"},"
                 "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_getTransactionCount\",\"params\":[\"%s\",\"latest\"]}]",
                 addr);
        char *resp = cu_post(node.port, body, strlen(body));
        json_t *b = resp ? json_loads(resp, 0, NULL) : NULL;
        free(resp);
        if (json_array_size(b) != 2 || !json_object_get(json_array_get(b, 0), "result") ||
            !json_object_get(json_array_get(b, 1), "result"))
            fail(r, "mixed batch not answered whole (%" PRIu64 " items)%" PRIu64, json_array_size(b), 0);
        json_decref(b);
        r->reads += 8;
    }
    return NULL;
}

static void set_threads(const char *conf, int n)
{
    /* cu_config writes "rpc: { port = 0; ws_port = 0; };": add threads */
    FILE *f = fopen(conf, "r");
    char buf[8192];
    size_t len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[len] = 0;
    char *p = strstr(buf, "ws_port = 0;");
    if (!p) return;
    p += strlen("ws_port = 0;");
    f = fopen(conf, "w");
    if (!f) return;
    fwrite(buf, 1, (size_t)(p - buf), f);
    fprintf(f, " threads = %d;", n);
    fputs(p, f);
    fclose(f);
}

int main(void)
{
    uint8_t key[32], me[20];
    cu_dev_key(0, key, me);
    memset(recip, 0, 20);
    recip[0] = 0xc0;
    recip[19] = 0x01;
    snprintf(addr, sizeof addr, "%s", cu_hex(recip, 20));
    snprintf(sender, sizeof sender, "%s", cu_hex(me, 20));
    ok(cu_config(&node, "chain-conc", "memory", "alloc = ( { address = \"" PROBE "\"; code = \"" PROBE_CODE "\"; } );",
                 NULL) == 0,
       "config written");
    set_threads(node.conf, 4);
    int started = cu_start(&node) == 0;
    ok(started, "node starts with 4 HTTP threads");
    if (!started) return tap_done();
    json_t *j = cu_result(&node, "eth_blockNumber", NULL);
    base = cu_u64(j);
    json_decref(j);

    reader rd[NREADERS];
    pthread_t th[NREADERS];
    for (int i = 0; i < NREADERS; i++) {
        rd[i] = (reader){.id = i};
        pthread_create(&th[i], NULL, read_loop, &rd[i]);
    }
    int sent = 0;
    for (uint64_t n = 0; n < NTX; n++) {
        char *raw = cu_transfer(0, n, recip, 1, 31337);
        json_t *h = cu_result(&node, "eth_sendRawTransaction", json_pack("[s]", raw));
        free(raw);
        json_t *rc = h ? cu_wait_receipt(&node, json_string_value(h)) : NULL;
        sent += rc != NULL;
        json_decref(rc);
        json_decref(h);
    }
    done_sending = 1;
    unsigned reads = 0, errors = 0;
    for (int i = 0; i < NREADERS; i++) {
        pthread_join(th[i], NULL);
        reads += rd[i].reads;
        errors += rd[i].errors;
        if (rd[i].errors) diag("reader %d: %u errors, first: %s", i, rd[i].errors, rd[i].first_error);
    }
    ok(sent == NTX, "%d of %d one-transfer blocks sealed while reading", sent, NTX);
    ok(reads >= NREADERS * 20, "readers made %u calls meanwhile", reads);
    ok(errors == 0, "every read saw a consistent chain (%u inconsistencies)", errors);
    j = cu_result(&node, "eth_blockNumber", NULL);
    ok(cu_u64(j) == base + NTX, "head is block %" PRIu64 " (base %" PRIu64 " + %d)", cu_u64(j), base, NTX);
    json_decref(j);
    j = cu_result(&node, "eth_getBalance", json_pack("[s,s]", addr, "latest"));
    ok(cu_u64(j) == NTX, "recipient holds %" PRIu64 " wei", cu_u64(j));
    json_decref(j);
    /* a caller that hangs up while its call waits for the loop thread: the
     * call still runs, its answer is dropped, the node keeps serving */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)node.port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    static const char mine[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"evm_mine\",\"params\":[{\"blocks\":2000}]}";
    char req[512];
    int rl = snprintf(req, sizeof req, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                      sizeof mine - 1, mine);
    int sent_ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && send(fd, req, (size_t)rl, MSG_NOSIGNAL) == rl;
    if (fd >= 0) close(fd);
    ok(sent_ok, "sent evm_mine(2000 blocks) and hung up");
    uint64_t want = base + NTX + 2000, got = 0;
    for (int i = 0; i < 600 && got < want; i++) {
        j = cu_result(&node, "eth_blockNumber", NULL);
        got = cu_u64(j);
        json_decref(j);
        if (got < want) usleep(50000);
    }
    ok(got == want, "the abandoned call still ran (head %" PRIu64 ", want %" PRIu64 ")", got, want);
    j = cu_result(&node, "eth_getTransactionCount", json_pack("[s,s]", sender, "latest"));
    ok(cu_u64(j) == NTX, "loop-thread methods still answer (nonce %" PRIu64 ")", cu_u64(j));
    json_decref(j);
    int st = cu_stop(&node);
    ok(st == 0, "clean stop with worker threads (exit %d)", st);
    return tap_done();
}
