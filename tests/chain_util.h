/* tests/chain_util.h — helpers for the chain tests: start zgnode with the
 * chain plugin over a chosen kv backend, talk JSON-RPC to it over HTTP,
 * build and sign transactions with the dev accounts' keys. */
#ifndef ZG_TESTS_CHAIN_UTIL_H
#define ZG_TESTS_CHAIN_UTIL_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <zg/tx.h>

typedef struct cu_node {
    pid_t pid;
    char dir[1024];     /* datadir */
    char conf[1100];
    char log[1100];
    int port;
} cu_node;

/* Write a config for kv backend `kv` ("memory", "leveldb") with extra chain
 * config lines `chain_cfg` (may be NULL) and consensus config `cons_cfg`,
 * under a fresh directory named after tag.  Returns 0 on success. */
int cu_config(cu_node *n, const char *tag, const char *kv, const char *chain_cfg, const char *cons_cfg);
/* start zgnode on n's config (datadir kept); waits for rpc.port. 0 = ok */
int cu_start(cu_node *n);
/* SIGTERM and wait: the exit status, or -1 */
int cu_stop(cu_node *n);
/* SIGKILL and reap */
void cu_kill(cu_node *n);

/* JSON-RPC call; params is stolen (may be NULL).  Returns the whole
 * response object (new ref) or NULL when the node did not answer. */
json_t *cu_call(cu_node *n, const char *method, json_t *params);
/* result of a call (new ref), or NULL on error / no answer */
json_t *cu_result(cu_node *n, const char *method, json_t *params);
/* POST a raw body; the response body (malloc'd) or NULL */
char *cu_post(int port, const char *body, size_t len);

/* the i-th dev key ("test test ... junk" accounts) */
void cu_dev_key(int i, uint8_t key[32], uint8_t addr[20]);
/* sign tx with key and return "0x..." raw (malloc'd) */
char *cu_sign_raw(zg_tx *tx, const uint8_t key[32]);
/* A type-2 transfer from dev account `from` with nonce, to `to`, value wei. */
char *cu_transfer(int from, uint64_t nonce, const uint8_t to[20], uint64_t value, uint64_t chain_id);

/* QUANTITY, or the low 64 bits of a DATA word -> uint64 (0 on error) */
uint64_t cu_u64(const json_t *j);
/* hex string for bytes (static buffer rotated among 8) */
const char *cu_hex(const void *p, size_t n);
/* wait until the tx has a receipt (polls up to ~5 s); receipt or NULL */
json_t *cu_wait_receipt(cu_node *n, const char *hash);
#endif
