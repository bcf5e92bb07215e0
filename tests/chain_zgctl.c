/* tests/chain_zgctl — the zgctl chain commands (core/zgctl_chain.c) against a
 * running node: balance, send with an amount suffix, deploy, block, tx, and
 * usage errors. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/zgctl_chain.h"
#include "chain_util.h"
#include "tap.h"

static cu_node node;

static json_t *rpc(void *ctx, const char *method, json_t *params, char *err, size_t errlen)
{
    json_t *r = cu_call(ctx, method, params);
    if (!r) {
        snprintf(err, errlen, "no answer");
        return NULL;
    }
    json_t *res = json_object_get(r, "result");
    if (res) json_incref(res);
    else snprintf(err, errlen, "%s", json_string_value(json_object_get(json_object_get(r, "error"), "message")) ?: "error");
    json_decref(r);
    return res;
}

/* run a command, capture its output */
static int run(char **out, int argc, ...)
{
    char *argv[8];
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < argc; i++) argv[i] = va_arg(ap, char *);
    va_end(ap);
    size_t len;
    FILE *f = open_memstream(out, &len);
    int rc = zgctl_chain(argc, argv, rpc, &node, 0, f);
    fclose(f);
    return rc;
}

static const char *const CONTRACT =
    "0x6041600c60003960416000f33615601b5760003580600055600052607760206000a160206000f35b6308c379a060e01b600052602060"
    "04526004602452636e6f706560e01b60445260646000fd";

int main(void)
{
    if (cu_config(&node, "zgctl", "memory", NULL, NULL) != 0 || cu_start(&node) != 0) {
        ok(0, "node starts");
        return tap_done();
    }
    const char *a0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", *a5 = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
    char *o = NULL;
    int rc = run(&o, 2, "balance", a0);
    ok(rc == 0 && !strcmp(o, "10000000000000000000000 wei (10000.000000 ETH)\n"), "balance prints wei and ETH");
    free(o);
    rc = run(&o, 4, "send", a0, a5, "1.5eth");
    ok(rc == 0 && strstr(o, "status      success"), "send 1.5eth waits for a successful receipt");
    char hash[67] = "";
    if (o && strstr(o, "transaction ")) snprintf(hash, sizeof hash, "%.66s", strstr(o, "transaction ") + 12);
    free(o);
    rc = run(&o, 2, "balance", a5);
    ok(rc == 0 && !strcmp(o, "10001500000000000000000 wei (10001.500000 ETH)\n"), "recipient got 1.5 ETH");
    free(o);
    rc = run(&o, 2, "tx", hash);
    ok(rc == 0 && strstr(o, "value       1500000000000000000 wei (1.500000 ETH)") && strstr(o, "status      success"),
       "tx shows the transfer and its receipt");
    free(o);
    rc = run(&o, 3, "deploy", a0, (char *)CONTRACT);
    ok(rc == 0 && strstr(o, "contract    0x"), "deploy prints the contract address");
    free(o);
    rc = run(&o, 2, "block", "latest");
    ok(rc == 0 && strstr(o, "number      2\n") && strstr(o, "txs         1\n"), "block latest summarises block 2");
    free(o);
    rc = run(&o, 2, "block", "1");
    ok(rc == 0 && strstr(o, "number      1\n") && strstr(o, hash), "block 1 lists the transfer");
    free(o);
    rc = run(&o, 4, "send", a0, a5, "1.2.3");
    ok(rc == 2, "a malformed amount is a usage error");
    free(o);
    rc = run(&o, 4, "send", "0x0000000000000000000000000000000000000001", a5, "1");
    ok(rc == 1, "sending from a non-dev account fails");
    free(o);
    rc = run(&o, 2, "block", "999");
    ok(rc == 1, "a missing block fails");
    free(o);
    rc = run(&o, 1, "status");
    ok(rc == -1, "other commands are left to zgctl");
    free(o);
    ok(cu_stop(&node) == 0, "node stops cleanly");
    return tap_done();
}
