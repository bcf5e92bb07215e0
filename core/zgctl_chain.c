/* zgctl chain commands (see zgctl_chain.h).  Transactions are signed by the
 * node (eth_sendTransaction with a dev account), so zgctl needs no keys. */
#include "zgctl_chain.h"
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void zgctl_chain_usage(FILE *f)
{
    fprintf(f, "chain commands (Ethereum JSON-RPC of the chain plugin):\n"
               "  balance ADDRESS [BLOCK]            balance in wei and ETH\n"
               "  send FROM TO AMOUNT [DATA]         transfer from a node-held dev account and wait for\n"
               "                                     the receipt; AMOUNT in wei, or with gwei/eth suffix\n"
               "  deploy FROM BYTECODE               deploy a contract (0x init code), print its address\n"
               "  block [NUMBER|latest|HASH]         block summary\n"
               "  tx HASH                            transaction and its receipt\n");
}

/* "1.5eth", "20gwei", "1000" (wei) -> 0x quantity; 0 on success */
static int parse_amount(const char *s, char out[80])
{
    int scale = 0;
    size_t n = strlen(s);
    if (n > 3 && !strcasecmp(s + n - 3, "eth")) scale = 18, n -= 3;
    else if (n > 4 && !strcasecmp(s + n - 4, "gwei")) scale = 9, n -= 4;
    else if (n > 3 && !strcasecmp(s + n - 3, "wei")) n -= 3;
    /* decimal digits with at most `scale` fraction digits, as a base-10 string */
    char dec[100];
    size_t d = 0;
    int frac = -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (!isdigit((unsigned char)s[i]) || d >= 80) return -1;
        if (frac >= 0) frac++;
        dec[d++] = s[i];
    }
    if (!d || frac > scale) return -1;
    for (int k = frac < 0 ? 0 : frac; k < scale; k++) dec[d++] = '0';
    dec[d] = 0;
    /* base 10 -> base 16 by repeated division */
    char hex[80];
    size_t h = 0;
    char *p = dec;
    while (*p == '0' && p[1]) p++;
    while (!(p[0] == '0' && p[1] == 0)) {
        int rem = 0;
        char *q = p;
        for (char *c = p; *c; c++) {
            int v = rem * 10 + (*c - '0');
            *q++ = (char)('0' + v / 16);
            rem = v % 16;
        }
        *q = 0;
        hex[h++] = "0123456789abcdef"[rem];
        while (*p == '0' && p[1]) p++;
        if (h >= 70) return -1;
    }
    if (!h) hex[h++] = '0';
    out[0] = '0', out[1] = 'x';
    for (size_t i = 0; i < h; i++) out[2 + i] = hex[h - 1 - i];
    out[2 + h] = 0;
    return 0;
}

/* 0x quantity (up to 256 bits) -> decimal wei and "x.yyyyyy" ETH */
static void fmt_wei(const char *q, char *wei, size_t wl, char *eth, size_t el)
{
    char dec[100] = "0";
    size_t dl = 1;
    for (const char *p = q + 2; *p; p++) { /* dec = dec * 16 + digit */
        int v = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
        int carry = v;
        for (size_t i = dl; i-- > 0;) {
            int x = (dec[i] - '0') * 16 + carry;
            dec[i] = (char)('0' + x % 10);
            carry = x / 10;
        }
        while (carry) {
            memmove(dec + 1, dec, dl + 1);
            dec[0] = (char)('0' + carry % 10);
            carry /= 10;
            dl++;
        }
    }
    snprintf(wei, wl, "%s", dec);
    char pad[100];
    snprintf(pad, sizeof pad, "%19s", dec); /* at least one integer digit */
    for (char *p = pad; *p == ' '; p++) *p = '0';
    size_t pl = strlen(pad);
    snprintf(eth, el, "%.*s.%.6s", (int)(pl - 18), pad, pad + pl - 18);
}

static json_t *need(zgctl_rpc_fn rpc, void *ctx, const char *m, json_t *p, FILE *out)
{
    (void)out;
    char err[512] = "";
    json_t *r = rpc(ctx, m, p, err, sizeof err);
    if (!r) fprintf(stderr, "zgctl: %s: %s\n", m, err[0] ? err : "failed");
    return r;
}

static void print(FILE *out, json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY);
    fprintf(out, "%s\n", s ? s : "null");
    free(s);
}

static json_t *wait_receipt(zgctl_rpc_fn rpc, void *ctx, json_t *hash, FILE *out)
{
    for (int i = 0; i < 600; i++) {
        json_t *r = need(rpc, ctx, "eth_getTransactionReceipt", json_pack("[O]", hash), out);
        if (!r) return NULL;
        if (json_is_object(r)) return r;
        json_decref(r);
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "zgctl: no receipt after 60 s for %s\n", json_string_value(hash));
    return NULL;
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "null";
}

static unsigned long long num(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? strtoull(s, NULL, 16) : 0;
}

static int send_and_wait(zgctl_rpc_fn rpc, void *ctx, json_t *txobj, int raw, FILE *out, int deploy)
{
    json_t *h = need(rpc, ctx, "eth_sendTransaction", json_pack("[o]", txobj), out);
    if (!h) return 1;
    json_t *r = wait_receipt(rpc, ctx, h, out);
    json_decref(h);
    if (!r) return 1;
    int okk = num(r, "status") == 1;
    if (raw)
        print(out, r);
    else {
        fprintf(out, "transaction %s\nblock       %llu\nstatus      %s\ngas used    %llu\n", str(r, "transactionHash"),
                num(r, "blockNumber"), okk ? "success" : "failed (reverted)", num(r, "gasUsed"));
        if (deploy) fprintf(out, "contract    %s\n", str(r, "contractAddress"));
    }
    json_decref(r);
    return okk ? 0 : 1;
}

int zgctl_chain(int argc, char **argv, zgctl_rpc_fn rpc, void *ctx, int raw, FILE *out)
{
    const char *cmd = argv[0];
    if (!strcmp(cmd, "balance")) {
        if (argc < 2 || argc > 3) {
            fprintf(stderr, "usage: zgctl balance ADDRESS [BLOCK]\n");
            return 2;
        }
        json_t *r = need(rpc, ctx, "eth_getBalance", json_pack("[s,s]", argv[1], argc > 2 ? argv[2] : "latest"), out);
        if (!r) return 1;
        if (raw || !json_is_string(r))
            print(out, r);
        else {
            char wei[100], eth[120];
            fmt_wei(json_string_value(r), wei, sizeof wei, eth, sizeof eth);
            fprintf(out, "%s wei (%s ETH)\n", wei, eth);
        }
        json_decref(r);
        return 0;
    }
    if (!strcmp(cmd, "send")) {
        char amt[80];
        if (argc < 4 || argc > 5) {
            fprintf(stderr, "usage: zgctl send FROM TO AMOUNT [DATA]\n");
            return 2;
        }
        if (parse_amount(argv[3], amt) != 0) {
            fprintf(stderr, "zgctl: AMOUNT must be wei, or a number with a gwei/eth suffix (e.g. 1.5eth), not '%s'\n", argv[3]);
            return 2;
        }
        json_t *tx = json_pack("{s:s,s:s,s:s}", "from", argv[1], "to", argv[2], "value", amt);
        if (argc > 4) json_object_set_new(tx, "input", json_string(argv[4]));
        return send_and_wait(rpc, ctx, tx, raw, out, 0);
    }
    if (!strcmp(cmd, "deploy")) {
        if (argc != 3) {
            fprintf(stderr, "usage: zgctl deploy FROM BYTECODE\n");
            return 2;
        }
        return send_and_wait(rpc, ctx, json_pack("{s:s,s:s}", "from", argv[1], "input", argv[2]), raw, out, 1);
    }
    if (!strcmp(cmd, "block")) {
        const char *b = argc > 1 ? argv[1] : "latest";
        char q[40];
        json_t *r;
        if (strlen(b) == 66)
            r = need(rpc, ctx, "eth_getBlockByHash", json_pack("[s,b]", b, 0), out);
        else {
            if (isdigit((unsigned char)b[0]) && strncmp(b, "0x", 2)) {
                snprintf(q, sizeof q, "0x%llx", strtoull(b, NULL, 10));
                b = q;
            }
            r = need(rpc, ctx, "eth_getBlockByNumber", json_pack("[s,b]", b, 0), out);
        }
        if (!r) return 1;
        if (json_is_null(r)) {
            fprintf(stderr, "zgctl: no such block\n");
            json_decref(r);
            return 1;
        }
        if (raw)
            print(out, r);
        else {
            time_t t = (time_t)num(r, "timestamp");
            char ts[64];
            strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
            fprintf(out, "number      %llu\nhash        %s\nparent      %s\ntime        %s\ntxs         %zu\n"
                         "gas used    %llu / %llu\nbase fee    %llu wei\nstate root  %s\n",
                    num(r, "number"), str(r, "hash"), str(r, "parentHash"), ts,
                    json_array_size(json_object_get(r, "transactions")), num(r, "gasUsed"), num(r, "gasLimit"),
                    num(r, "baseFeePerGas"), str(r, "stateRoot"));
            size_t i;
            json_t *h;
            json_array_foreach(json_object_get(r, "transactions"), i, h) fprintf(out, "  tx %s\n", json_string_value(h));
        }
        json_decref(r);
        return 0;
    }
    if (!strcmp(cmd, "tx")) {
        if (argc != 2) {
            fprintf(stderr, "usage: zgctl tx HASH\n");
            return 2;
        }
        json_t *t = need(rpc, ctx, "eth_getTransactionByHash", json_pack("[s]", argv[1]), out);
        if (!t) return 1;
        if (json_is_null(t)) {
            fprintf(stderr, "zgctl: unknown transaction %s\n", argv[1]);
            json_decref(t);
            return 1;
        }
        json_t *r = need(rpc, ctx, "eth_getTransactionReceipt", json_pack("[s]", argv[1]), out);
        if (raw) {
            json_t *o = json_pack("{s:O,s:O}", "transaction", t, "receipt", r ? r : json_null());
            print(out, o);
            json_decref(o);
        } else {
            char wei[100], eth[120];
            fmt_wei(str(t, "value"), wei, sizeof wei, eth, sizeof eth);
            fprintf(out, "hash        %s\nfrom        %s\nto          %s\nvalue       %s wei (%s ETH)\nnonce       %llu\n",
                    str(t, "hash"), str(t, "from"), str(t, "to"), wei, eth, num(t, "nonce"));
            if (json_is_object(r))
                fprintf(out, "block       %llu\nstatus      %s\ngas used    %llu\ncontract    %s\nlogs        %zu\n",
                        num(r, "blockNumber"), num(r, "status") == 1 ? "success" : "failed (reverted)",
                        num(r, "gasUsed"), str(r, "contractAddress"), json_array_size(json_object_get(r, "logs")));
            else
                fprintf(out, "status      pending\n");
        }
        json_decref(t);
        json_decref(r);
        return 0;
    }
    return -1;
}
