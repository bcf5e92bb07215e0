/* runner.c — run the Cancun cases of one GeneralStateTests fixture file:
 * for each post["Cancun"][i] build the transaction from its (data, gas,
 * value) indexes, execute it on the pre-state, and compare the post-state
 * root and logs hash; an "expectException" case must be rejected (state
 * unchanged). */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include "statetest.h"

/* ------------------------------------------------------------- parsing */

int st_parse_u256(const char *s, zg_u256 *out)
{
    if (!s) return -1;
    if (strncmp(s, "0x:bigint ", 10) == 0) s += 10;
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return -1;
    s += 2;
    while (*s == '0' && s[1]) s++; /* leading zeros are fine here */
    size_t n = strlen(s);
    if (n == 0) return -1;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i])) return -1;
    if (n > 64) return 1;
    char buf[65];
    memset(buf, '0', 64 - n);
    memcpy(buf + 64 - n, s, n);
    uint8_t b[32];
    if (zg_hex_decode(buf, 64, b)) return -1;
    zg_u256_load_be32(out, b);
    return 0;
}

int st_parse_u64(const char *s, uint64_t *out)
{
    zg_u256 v;
    int rc = st_parse_u256(s, &v);
    if (rc) return rc;
    if (!zg_u256_fits_u64(&v)) return 1;
    *out = v.w[0];
    return 0;
}

int st_parse_bytes(const char *s, uint8_t **out, size_t *len)
{
    if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return -1;
    size_t n = strlen(s + 2);
    if (n % 2) return -1;
    uint8_t *b = malloc(n / 2 + 1);
    if (!b) return -1;
    if (n && zg_hex_decode(s + 2, n, b)) {
        free(b);
        return -1;
    }
    *out = b;
    *len = n / 2;
    return 0;
}

int st_parse_fixed(const char *s, uint8_t *out, size_t n)
{
    if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || strlen(s + 2) != 2 * n) return -1;
    return zg_hex_decode(s + 2, 2 * n, out) ? -1 : 0;
}

static int jstr_u256(json_t *o, const char *key, zg_u256 *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) return -1;
    return st_parse_u256(json_string_value(v), out);
}

static int jstr_u64(json_t *o, const char *key, uint64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) return -1;
    return st_parse_u64(json_string_value(v), out);
}

/* EIP-4844 fake_exponential(1, excess, 3338477) */
static void blob_base_fee(uint64_t excess, zg_u256 *out)
{
    const uint64_t denom = 3338477;
    zg_u256 acc = zg_u256_from_u64(denom), sum = ZG_U256_ZERO, num = zg_u256_from_u64(excess);
    for (uint64_t i = 1; !zg_u256_is_zero(&acc); i++) {
        zg_u256_add(&sum, &sum, &acc);
        zg_u256 t, d = zg_u256_from_u64(denom * i);
        if (zg_u256_mul_overflow(&t, &acc, &num)) {
            *out = ZG_U256_MAX;
            return;
        }
        zg_u256_div(&acc, &t, &d);
    }
    zg_u256 d = zg_u256_from_u64(denom);
    zg_u256_div(out, &sum, &d);
}

static int parse_env(json_t *j, zg_exec_env *env)
{
    memset(env, 0, sizeof *env);
    env->struct_size = sizeof *env;
    env->revision = ZG_EXEC_REV_CANCUN;
    env->chain_id = 1;
    json_t *cb = json_object_get(j, "currentCoinbase");
    if (!json_is_string(cb) || st_parse_fixed(json_string_value(cb), env->coinbase, 20)) return -1;
    if (jstr_u64(j, "currentNumber", &env->number) || jstr_u64(j, "currentTimestamp", &env->timestamp) ||
        jstr_u64(j, "currentGasLimit", &env->gas_limit))
        return -1;
    if (json_object_get(j, "currentBaseFee") && jstr_u256(j, "currentBaseFee", &env->base_fee)) return -1;
    if (json_object_get(j, "currentRandom")) {
        if (jstr_u256(j, "currentRandom", &env->prevrandao)) return -1;
    } else if (jstr_u256(j, "currentDifficulty", &env->prevrandao)) {
        return -1;
    }
    uint64_t excess = 0;
    if (json_object_get(j, "currentExcessBlobGas") && jstr_u64(j, "currentExcessBlobGas", &excess)) return -1;
    blob_base_fee(excess, &env->blob_base_fee);
    return 0;
}

/* the transaction of one (data, gas, value) case; owns its buffers */
typedef struct st_tx {
    zg_exec_tx tx;
    uint8_t *data;
    zg_tx_access *al;
    uint8_t (*keys)[32];
    uint8_t (*blobs)[32];
} st_tx;

static void st_tx_free(st_tx *t)
{
    free(t->data);
    free(t->al);
    free(t->keys);
    free(t->blobs);
    memset(t, 0, sizeof *t);
}

/* 0 ok, -1 malformed fixture, 1 the transaction cannot exist (a field out
 * of range: it must be rejected) */
static int build_tx(json_t *j, size_t d, size_t g, size_t v, st_tx *t)
{
    memset(t, 0, sizeof *t);
    zg_exec_tx *tx = &t->tx;
    tx->struct_size = sizeof *tx;
    int rc;
    json_t *x;
    if ((rc = jstr_u64(j, "nonce", &tx->nonce))) return rc;
    x = json_object_get(j, "sender");
    if (!json_is_string(x) || st_parse_fixed(json_string_value(x), tx->sender, 20)) return -1;
    x = json_object_get(j, "to");
    if (!json_is_string(x)) return -1;
    if (json_string_length(x) == 0) {
        tx->has_to = 0;
    } else {
        tx->has_to = 1;
        if (st_parse_fixed(json_string_value(x), tx->to, 20)) return -1;
    }
    x = json_array_get(json_object_get(j, "data"), d);
    if (!json_is_string(x) || st_parse_bytes(json_string_value(x), &t->data, &tx->data_len)) return -1;
    tx->data = t->data;
    x = json_array_get(json_object_get(j, "gasLimit"), g);
    if (!json_is_string(x) || (rc = st_parse_u64(json_string_value(x), &tx->gas_limit))) return rc ? rc : -1;
    x = json_array_get(json_object_get(j, "value"), v);
    if (!json_is_string(x) || (rc = st_parse_u256(json_string_value(x), &tx->value))) return rc ? rc : -1;

    if (json_object_get(j, "maxFeePerGas")) {
        tx->type = ZG_TX_DYNAMIC_FEE;
        if ((rc = jstr_u256(j, "maxFeePerGas", &tx->max_fee_per_gas)) ||
            (rc = jstr_u256(j, "maxPriorityFeePerGas", &tx->max_priority_fee_per_gas)))
            return rc;
        tx->gas_price = tx->max_fee_per_gas;
    } else {
        if ((rc = jstr_u256(j, "gasPrice", &tx->gas_price))) return rc;
        tx->max_fee_per_gas = tx->max_priority_fee_per_gas = tx->gas_price;
    }
    json_t *als = json_object_get(j, "accessLists");
    json_t *al = json_is_array(als) ? json_array_get(als, d) : NULL;
    if (json_is_array(al)) {
        if (tx->type == ZG_TX_LEGACY) tx->type = ZG_TX_ACCESS_LIST;
        size_t n = json_array_size(al), nkeys = 0, i;
        json_t *e;
        json_array_foreach(al, i, e) nkeys += json_array_size(json_object_get(e, "storageKeys"));
        t->al = calloc(n + 1, sizeof *t->al);
        t->keys = calloc(nkeys + 1, 32);
        if (!t->al || !t->keys) return -1;
        size_t k = 0;
        json_array_foreach(al, i, e)
        {
            json_t *a = json_object_get(e, "address");
            if (!json_is_string(a) || st_parse_fixed(json_string_value(a), t->al[i].address, 20)) return -1;
            t->al[i].keys = (const uint8_t(*)[32])&t->keys[k];
            size_t ki;
            json_t *key;
            json_array_foreach(json_object_get(e, "storageKeys"), ki, key)
            {
                zg_u256 kv;
                if (!json_is_string(key) || st_parse_u256(json_string_value(key), &kv)) return -1;
                zg_u256_store_be32(&kv, t->keys[k++]);
                t->al[i].nkeys++;
            }
        }
        tx->access_list = t->al;
        tx->access_list_len = n;
    }
    json_t *bh = json_object_get(j, "blobVersionedHashes");
    if (json_is_array(bh)) {
        tx->type = ZG_TX_BLOB;
        if ((rc = jstr_u256(j, "maxFeePerBlobGas", &tx->max_fee_per_blob_gas))) return rc;
        size_t n = json_array_size(bh), i;
        json_t *e;
        t->blobs = calloc(n + 1, 32);
        if (!t->blobs) return -1;
        json_array_foreach(bh, i, e)
        {
            if (!json_is_string(e) || st_parse_fixed(json_string_value(e), t->blobs[i], 32)) return -1;
        }
        tx->blob_hashes = (const uint8_t(*)[32])t->blobs;
        tx->blob_hashes_len = n;
    }
    return 0;
}

/* ------------------------------------------------------------- running */

static void hex32(const uint8_t h[32], char out[67])
{
    out[0] = '0', out[1] = 'x';
    zg_hex_encode(h, 32, out + 2);
}

typedef struct trace_sink {
    FILE *out;
} trace_sink;

static void trace_line(void *arg, const char *line, size_t len)
{
    trace_sink *s = arg;
    fwrite(line, 1, len, s->out);
    fputc('\n', s->out);
}

static const char *status_name(int s)
{
    switch (s) {
    case ZG_EXEC_SUCCESS: return "success";
    case ZG_EXEC_REVERT: return "revert";
    case ZG_EXEC_FAILURE: return "failure";
    case ZG_EXEC_REJECTED: return "rejected";
    default: return "?";
    }
}

static void report_error(const st_options *o, FILE *out, st_counts *c, const char *path, const char *name,
                         const char *msg)
{
    c->failed++;
    if (o->json) {
        json_t *j = json_pack("{s:s,s:s?,s:b,s:s}", "file", path, "test", name, "pass", 0, "error", msg);
        char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
        if (s) fprintf(out, "%s\n", s);
        free(s);
        json_decref(j);
    } else {
        fprintf(out, "FAIL %s%s%s: %s\n", path, name ? " " : "", name ? name : "", msg);
    }
}

static void run_test(const st_options *o, zg_executor *ex, const char *path, const char *name, json_t *t,
                     FILE *out, st_counts *c)
{
    json_t *cases = json_object_get(json_object_get(t, "post"), "Cancun");
    if (!json_is_array(cases)) {
        c->skipped++;
        return;
    }
    zg_exec_env env;
    if (parse_env(json_object_get(t, "env"), &env)) {
        report_error(o, out, c, path, name, "bad env");
        return;
    }
    st_world w;
    char err[256];
    if (st_world_load(&w, json_object_get(t, "pre"), err, sizeof err)) {
        st_world_free(&w);
        report_error(o, out, c, path, name, err);
        return;
    }
    zg_exec_state view;
    st_world_view(&w, &view);
    json_t *txj = json_object_get(t, "transaction");
    size_t i;
    json_t *pc;
    json_array_foreach(cases, i, pc)
    {
        json_t *ix = json_object_get(pc, "indexes");
        json_int_t d = json_integer_value(json_object_get(ix, "data"));
        json_int_t g = json_integer_value(json_object_get(ix, "gas"));
        json_int_t v = json_integer_value(json_object_get(ix, "value"));
        if ((o->sel_d >= 0 && d != o->sel_d) || (o->sel_g >= 0 && g != o->sel_g) ||
            (o->sel_v >= 0 && v != o->sel_v))
            continue;
        uint8_t want_root[32], want_logs[32], root[32], logs[32];
        json_t *hj = json_object_get(pc, "hash"), *lj = json_object_get(pc, "logs");
        const int expect_exc = json_object_get(pc, "expectException") != NULL;
        char msg[512];
        msg[0] = 0;
        if (!json_is_string(hj) || st_parse_fixed(json_string_value(hj), want_root, 32) || !json_is_string(lj) ||
            st_parse_fixed(json_string_value(lj), want_logs, 32)) {
            report_error(o, out, c, path, name, "bad post entry");
            continue;
        }
        st_tx tx;
        int brc = build_tx(txj, (size_t)d, (size_t)g, (size_t)v, &tx);
        zg_exec_result res;
        memset(&res, 0, sizeof res);
        res.struct_size = sizeof res;
        int rc = ZG_OK;
        trace_sink sink = {out};
        if (brc < 0) {
            st_tx_free(&tx);
            report_error(o, out, c, path, name, "bad transaction");
            continue;
        } else if (brc > 0) {
            res.status = ZG_EXEC_REJECTED; /* a field does not fit its type */
        } else {
            if (o->trace) o->iface->set_tracer(ex, trace_line, &sink);
            rc = o->iface->execute_tx(ex, &env, &view, &tx.tx, &res);
            if (o->trace) o->iface->set_tracer(ex, NULL, NULL);
        }
        int pass = 0;
        if (rc != ZG_OK) {
            snprintf(msg, sizeof msg, "executor error %d", rc);
        } else if (st_world_root(&w, &res, root) || st_logs_hash(&res, logs)) {
            snprintf(msg, sizeof msg, "cannot compute the post state");
        } else if (expect_exc && res.status != ZG_EXEC_REJECTED) {
            snprintf(msg, sizeof msg, "expected exception %s, got %s",
                     json_string_value(json_object_get(pc, "expectException")), status_name(res.status));
        } else if (!expect_exc && res.status == ZG_EXEC_REJECTED) {
            snprintf(msg, sizeof msg, "transaction rejected: %s", zg_exec_error_name(res.error));
        } else if (memcmp(root, want_root, 32) != 0) {
            char a[67], b[67];
            hex32(root, a);
            hex32(want_root, b);
            snprintf(msg, sizeof msg, "state root %s, expected %s (%s%s%s, gas used %llu)", a, b,
                     status_name(res.status), res.error ? ": " : "", zg_exec_error_name(res.error),
                     (unsigned long long)res.gas_used);
        } else if (memcmp(logs, want_logs, 32) != 0) {
            char a[67], b[67];
            hex32(logs, a);
            hex32(want_logs, b);
            snprintf(msg, sizeof msg, "logs hash %s, expected %s", a, b);
        } else {
            pass = 1;
        }
        if (o->trace) {
            char r[67];
            hex32(root, r);
            fprintf(out, "{\"stateRoot\":\"%s\",\"gasUsed\":\"0x%llx\",\"pass\":%s,\"fork\":\"Cancun\"}\n", r,
                    (unsigned long long)res.gas_used, pass ? "true" : "false");
        }
        if (pass)
            c->passed++;
        else
            c->failed++;
        if (o->json) {
            char r[67], lh[67];
            hex32(root, r);
            hex32(logs, lh);
            json_t *jo = json_pack("{s:s,s:s,s:[I,I,I],s:b,s:s,s:s,s:s,s:s,s:I}", "file", path, "test", name,
                                   "index", d, g, v, "pass", pass, "stateRoot", r, "logsHash", lh, "status",
                                   status_name(res.status), "error", zg_exec_error_name(res.error), "gasUsed",
                                   (json_int_t)res.gas_used);
            if (jo && !pass) json_object_set_new(jo, "reason", json_string(msg));
            char *s = jo ? json_dumps(jo, JSON_COMPACT) : NULL;
            if (s) fprintf(out, "%s\n", s);
            free(s);
            json_decref(jo);
        } else if (!pass) {
            fprintf(out, "FAIL %s %s [%lld:%lld:%lld]: %s\n", path, name, (long long)d, (long long)g,
                    (long long)v, msg);
        } else if (o->verbose) {
            fprintf(out, "PASS %s %s [%lld:%lld:%lld]\n", path, name, (long long)d, (long long)g, (long long)v);
        }
        st_tx_free(&tx);
    }
    st_world_free(&w);
}

void st_run_file(const st_options *o, zg_executor *ex, const char *path, FILE *out, st_counts *c)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root || !json_is_object(root)) {
        char msg[300];
        snprintf(msg, sizeof msg, "cannot parse: %s (line %d)", je.text, je.line);
        report_error(o, out, c, path, NULL, msg);
        json_decref(root);
        return;
    }
    const char *name;
    json_t *t;
    json_object_foreach(root, name, t)
    {
        if (o->name_filter && !strstr(name, o->name_filter)) continue;
        run_test(o, ex, path, name, t, out, c);
    }
    json_decref(root);
}
