/* tools/statetest — the pieces of zg-statetest: an in-memory world state
 * built from a GeneralStateTests "pre" section (serving the executor's
 * state view), post-state roots and log hashes, and the runner of one test
 * file. */
#ifndef ZG_STATETEST_H
#define ZG_STATETEST_H
#include <stdio.h>
#include <jansson.h>
#include <zg/executor.h>

/* ---- world state (state.c) ---- */
typedef struct st_slot {
    uint8_t key[32];
    uint8_t val[32];
} st_slot;

typedef struct st_account {
    uint8_t addr[20];
    zg_u256 balance;
    uint64_t nonce;
    uint8_t *code;
    size_t code_len;
    uint8_t code_hash[32];
    st_slot *slots; /* sorted by key, non-zero values only */
    size_t nslots;
    uint8_t *rlp;   /* rlp([nonce, balance, storage root, code hash]) */
    size_t rlp_len;
} st_account;

typedef struct st_world {
    st_account *accts; /* sorted by address */
    size_t n;
} st_world;

/* parse "pre"; returns 0 or -1 with a message in err */
int st_world_load(st_world *w, json_t *pre, char *err, size_t errlen);
void st_world_free(st_world *w);
/* the executor's read-only view of w */
void st_world_view(st_world *w, zg_exec_state *out);
/* state root of w with a result's changes applied (w is not modified) */
int st_world_root(const st_world *w, const zg_exec_result *res, uint8_t root[32]);
/* keccak(rlp(logs)) of a result */
int st_logs_hash(const zg_exec_result *res, uint8_t out[32]);

/* ---- hex helpers (runner.c) ---- */
/* "0x..." of any length (leading zeros allowed) into a u256; "0x:bigint "
 * prefix accepted; returns 0, -1 malformed, 1 above 2^256-1 */
int st_parse_u256(const char *s, zg_u256 *out);
int st_parse_u64(const char *s, uint64_t *out);
/* "0x..." bytes (malloc'd; *len) */
int st_parse_bytes(const char *s, uint8_t **out, size_t *len);
int st_parse_fixed(const char *s, uint8_t *out, size_t n);

/* ---- running (runner.c) ---- */
typedef struct st_options {
    const char *name_filter; /* substring of the test name, or NULL */
    int sel_d, sel_g, sel_v; /* -1: any */
    int trace;               /* EIP-3155 trace of the selected cases */
    int json;                /* one JSON object per case */
    int verbose;             /* print passes too */
    const zg_executor_iface *iface;
    void *plugin_state;
} st_options;

typedef struct st_counts {
    long passed, failed, skipped;
} st_counts;

/* Run every Cancun case of one fixture file with executor ex, writing
 * result lines to out.  Errors reading the file count as one failure. */
void st_run_file(const st_options *o, zg_executor *ex, const char *path, FILE *out, st_counts *c);

#endif
