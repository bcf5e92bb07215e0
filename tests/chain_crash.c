/* tests/chain_crash — crash safety of the chain over LevelDB: four clients
 * send transfers and wait for their receipts while the node is killed with
 * SIGKILL at an arbitrary moment (twice).  After each restart every
 * transaction whose receipt a client had seen must still be there, in the
 * same block, and the chain must be whole (each block's parent is the
 * previous block, each hash matches its header). */
#include "config.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include <zg/rlp.h>
#include "chain_util.h"
#include "tap.h"

#define NCLIENTS 4
#define MAXREC 20000

typedef struct rec {
    char hash[67];
    char block[67];
    uint64_t number;
    int client;
    uint64_t nonce;
} rec;

static cu_node node;
static rec recs[MAXREC];
static int nrecs;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop_clients;

static void *client(void *arg)
{
    int id = (int)(intptr_t)arg;
    uint8_t key[32], me[20], to[20];
    cu_dev_key(id, key, me);
    memset(to, 0x42, 20);
    json_t *r = cu_result(&node, "eth_getTransactionCount", json_pack("[s,s]", cu_hex(me, 20), "pending"));
    uint64_t nonce = cu_u64(r);
    json_decref(r);
    while (!stop_clients) {
        char *raw = cu_transfer(id, nonce, to, 1 + nonce, 31337);
        json_t *h = cu_result(&node, "eth_sendRawTransaction", json_pack("[s]", raw));
        free(raw);
        if (!json_is_string(h)) {
            json_decref(h);
            break; /* node gone */
        }
        json_t *rc = cu_wait_receipt(&node, json_string_value(h));
        if (!rc) {
            json_decref(h);
            break;
        }
        pthread_mutex_lock(&mu);
        if (nrecs < MAXREC) {
            rec *x = &recs[nrecs++];
            snprintf(x->hash, sizeof x->hash, "%s", json_string_value(h));
            snprintf(x->block, sizeof x->block, "%s", json_string_value(json_object_get(rc, "blockHash")));
            x->number = cu_u64(json_object_get(rc, "blockNumber"));
            x->client = id;
            x->nonce = nonce;
        }
        pthread_mutex_unlock(&mu);
        json_decref(rc);
        json_decref(h);
        nonce++;
    }
    return NULL;
}

/* recompute a header's hash from its JSON fields */
static int header_ok(json_t *b)
{
    static const char *const f[] = {"parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot",
                                    "receiptsRoot", "logsBloom", "difficulty", "number", "gasLimit", "gasUsed",
                                    "timestamp", "extraData", "mixHash", "nonce", "baseFeePerGas", "withdrawalsRoot",
                                    "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot"};
    static const int q[] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0};
    zg_rlp_buf rb;
    zg_rlp_buf_init(&rb);
    zg_rlp_list_begin(&rb);
    for (int i = 0; i < 20; i++) {
        uint8_t buf[512];
        size_t n = 0;
        json_t *v = json_object_get(b, f[i]);
        if (q[i]) {
            if (zg_json_get_quantity_be32(v, buf) != ZG_OK) return 0;
            zg_rlp_put_be32(&rb, buf);
        } else {
            if (zg_json_get_data(v, buf, sizeof buf, &n) != ZG_OK) return 0;
            zg_rlp_put_bytes(&rb, buf, n);
        }
    }
    zg_rlp_list_end(&rb);
    uint8_t h[32], want[32];
    size_t n;
    zg_keccak256(rb.data, rb.len, h);
    zg_rlp_buf_free(&rb);
    return zg_json_get_data(json_object_get(b, "hash"), want, 32, &n) == ZG_OK && !memcmp(h, want, 32);
}

static void round_(int round, int kill_after_ms)
{
    stop_clients = 0;
    int start_recs = nrecs;
    pthread_t th[NCLIENTS];
    for (int i = 0; i < NCLIENTS; i++) pthread_create(&th[i], NULL, client, (void *)(intptr_t)i);
    /* kill at an arbitrary moment, with clients mid-flight */
    struct timespec ts = {kill_after_ms / 1000, (long)(kill_after_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    cu_kill(&node);
    stop_clients = 1;
    for (int i = 0; i < NCLIENTS; i++) pthread_join(th[i], NULL);
    ok(nrecs - start_recs > 5, "round %d: clients saw %d receipts before SIGKILL", round, nrecs - start_recs);

    ok(cu_start(&node) == 0, "round %d: node restarts after SIGKILL (log %s)", round, node.log);
    int missing = 0, moved = 0;
    uint64_t maxn = 0;
    for (int i = 0; i < nrecs; i++) {
        json_t *rc = cu_result(&node, "eth_getTransactionReceipt", json_pack("[s]", recs[i].hash));
        if (!json_is_object(rc))
            missing++;
        else if (strcmp(json_string_value(json_object_get(rc, "blockHash")) ?: "", recs[i].block) ||
                 cu_u64(json_object_get(rc, "blockNumber")) != recs[i].number)
            moved++;
        if (recs[i].number > maxn) maxn = recs[i].number;
        json_decref(rc);
    }
    ok(missing == 0 && moved == 0, "round %d: all %d acknowledged transactions survive in their blocks (%d missing, %d moved)",
       round, nrecs, missing, moved);
    json_t *bn = cu_result(&node, "eth_blockNumber", NULL);
    uint64_t head = cu_u64(bn);
    json_decref(bn);
    ok(head >= maxn, "round %d: head %llu >= last acknowledged block %llu", round, (unsigned long long)head,
       (unsigned long long)maxn);
    /* state agrees with the blocks: each client's nonce covers its acknowledged txs */
    int nonce_ok = 1;
    for (int c = 0; c < NCLIENTS; c++) {
        uint8_t k[32], a[20];
        cu_dev_key(c, k, a);
        json_t *r = cu_result(&node, "eth_getTransactionCount", json_pack("[s,s]", cu_hex(a, 20), "latest"));
        uint64_t n = cu_u64(r);
        json_decref(r);
        for (int i = 0; i < nrecs; i++)
            if (recs[i].client == c && recs[i].nonce >= n) nonce_ok = 0;
    }
    ok(nonce_ok, "round %d: account nonces include every acknowledged transaction", round);
    /* whole chain: hashes and parent links */
    char prev[67] = "";
    int linked = 1, hashes = 1;
    for (uint64_t n = 0; n <= head; n++) {
        char num[24];
        snprintf(num, sizeof num, "0x%llx", (unsigned long long)n);
        json_t *b = cu_result(&node, "eth_getBlockByNumber", json_pack("[s,b]", num, 0));
        if (!json_is_object(b)) {
            linked = 0;
            json_decref(b);
            break;
        }
        if (!header_ok(b)) hashes = 0;
        if (n && strcmp(json_string_value(json_object_get(b, "parentHash")), prev)) linked = 0;
        snprintf(prev, sizeof prev, "%s", json_string_value(json_object_get(b, "hash")));
        json_decref(b);
    }
    ok(linked && hashes, "round %d: blocks 0..%llu link up and hash correctly", round, (unsigned long long)head);
}

int main(void)
{
    if (cu_config(&node, "crash", "leveldb", NULL, NULL) != 0 || cu_start(&node) != 0) {
        ok(0, "node starts");
        return tap_done();
    }
    srand((unsigned)time(NULL));
    round_(1, 300 + rand() % 400);
    round_(2, 200 + rand() % 400);
    ok(cu_stop(&node) == 0, "node stops cleanly after the crash rounds");
    return tap_done();
}
