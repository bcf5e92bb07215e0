/* rpc_access.c — eth_createAccessList, as geth's (internal/ethapi and its
 * access-list tracer).
 *
 * The call runs traced on the executor's EIP-3155 lines and frame hooks;
 * the tracer notes
 *  - SLOAD/SSTORE: the slot (stack top) of the executing account (the
 *    caller's for CALLCODE/DELEGATECALL frames), whoever that account is;
 *  - BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH, SELFDESTRUCT: the
 *    address on the stack top; CALL, CALLCODE, DELEGATECALL, STATICCALL:
 *    the target (second from the top); unless excluded: the sender, the
 *    recipient (or the created contract) and the precompiles.
 * The call is run again with the list found as its access list until a
 * run finds the same list; gasUsed and error are that last run's.  The
 * list is sorted by address, each address's keys sorted. */
#include "config.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>
#include "chain.h"

#define P(i) (json_is_array(params) ? json_array_get(params, (i)) : NULL)
#define MAX_DEPTH (1024 + 2)
#define MAX_ROUNDS 32          /* geth loops until stable; a list only grows in practice */
#define MAX_TRACE_BYTES (512u << 20)
#define NPRECOMPILES 0x0a      /* Cancun: 0x01..0x0a */

enum { OP_SLOAD = 0x54, OP_SSTORE = 0x55, OP_BALANCE = 0x31, OP_EXTCODESIZE = 0x3b, OP_EXTCODECOPY = 0x3c,
       OP_EXTCODEHASH = 0x3f, OP_CALL = 0xf1, OP_CALLCODE = 0xf2, OP_DELEGATECALL = 0xf4, OP_STATICCALL = 0xfa,
       OP_SELFDESTRUCT = 0xff };

typedef struct acl_entry {
    uint8_t addr[20];
    uint8_t (*keys)[32];
    size_t nkeys, cap;
} acl_entry;

typedef struct acl {
    acl_entry *e;
    size_t n, cap;
} acl;

typedef struct acl_tracer {
    acl list;
    int err;
    size_t bytes;
    uint8_t excl[2][20]; /* sender, recipient or created contract */
    uint8_t (*addr)[20]; /* storage address of the frame at each depth (cur only) */
} acl_tracer;

static void acl_free(acl *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->e[i].keys);
    free(l->e);
    memset(l, 0, sizeof *l);
}

static acl_entry *acl_add_addr(acl *l, const uint8_t a[20])
{
    for (size_t i = 0; i < l->n; i++)
        if (!memcmp(l->e[i].addr, a, 20)) return &l->e[i];
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 8;
        acl_entry *ne = realloc(l->e, nc * sizeof *ne);
        if (!ne) return NULL;
        l->e = ne;
        l->cap = nc;
    }
    acl_entry *e = &l->e[l->n++];
    memset(e, 0, sizeof *e);
    memcpy(e->addr, a, 20);
    return e;
}

static int acl_add_slot(acl *l, const uint8_t a[20], const uint8_t k[32])
{
    acl_entry *e = acl_add_addr(l, a);
    if (!e) return ZG_ENOMEM;
    for (size_t i = 0; i < e->nkeys; i++)
        if (!memcmp(e->keys[i], k, 32)) return ZG_OK;
    if (e->nkeys == e->cap) {
        size_t nc = e->cap ? e->cap * 2 : 4;
        uint8_t(*nk)[32] = realloc(e->keys, nc * sizeof *nk);
        if (!nk) return ZG_ENOMEM;
        e->keys = nk;
        e->cap = nc;
    }
    memcpy(e->keys[e->nkeys++], k, 32);
    return ZG_OK;
}

static int cmp20(const void *a, const void *b) { return memcmp(a, b, 20); }
static int cmp32(const void *a, const void *b) { return memcmp(a, b, 32); }

/* canonical order (addresses, then each one's keys, ascending) */
static void acl_sort(acl *l)
{
    if (l->n) qsort(l->e, l->n, sizeof *l->e, cmp20); /* addr is the entry's first member */
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].nkeys) qsort(l->e[i].keys, l->e[i].nkeys, 32, cmp32);
}

/* both sorted */
static int acl_equal(const acl *a, const acl *b)
{
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++) {
        if (memcmp(a->e[i].addr, b->e[i].addr, 20) || a->e[i].nkeys != b->e[i].nkeys) return 0;
        if (a->e[i].nkeys && memcmp(a->e[i].keys, b->e[i].keys, 32 * a->e[i].nkeys)) return 0;
    }
    return 1;
}

static int excluded(const acl_tracer *t, const uint8_t a[20])
{
    static const uint8_t zero[19];
    if (!memcmp(a, zero, 19) && a[19] >= 1 && a[19] <= NPRECOMPILES) return 1;
    return !memcmp(a, t->excl[0], 20) || !memcmp(a, t->excl[1], 20);
}

/* geth's NewAccessListTracer: the given list, its excluded addresses
 * dropped unless they have keys */
static int acl_seed(acl_tracer *t, const zg_tx_access *al, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!excluded(t, al[i].address) && !acl_add_addr(&t->list, al[i].address)) return ZG_ENOMEM;
        for (size_t k = 0; k < al[i].nkeys; k++)
            if (acl_add_slot(&t->list, al[i].address, al[i].keys[k]) != ZG_OK) return ZG_ENOMEM;
    }
    return ZG_OK;
}

/* stack item i from the top (0: top) as 32 big-endian bytes */
static int stack_word(const json_t *stack, size_t i, uint8_t out[32])
{
    size_t n = json_array_size(stack);
    if (i >= n) return ZG_EINVAL;
    const char *s = json_string_value(json_array_get(stack, n - 1 - i));
    memset(out, 0, 32);
    return s && zg_quantity_decode_be32(s, out) == ZG_OK ? ZG_OK : ZG_EINVAL;
}

static void on_step(void *arg, const char *line, size_t len)
{
    acl_tracer *t = arg;
    if (t->err) return;
    t->bytes += len;
    if (t->bytes > MAX_TRACE_BYTES) {
        t->err = ZG_ERANGE;
        return;
    }
    json_t *s = json_loadb(line, len, 0, NULL);
    if (!s) {
        t->err = ZG_EINVAL;
        return;
    }
    json_t *op_j = json_object_get(s, "op"), *stack = json_object_get(s, "stack");
    if (!json_object_get(s, "pc") || !json_is_integer(op_j) || !json_is_array(stack)) { /* summary line */
        json_decref(s);
        return;
    }
    int op = (int)json_integer_value(op_j);
    json_int_t depth = json_integer_value(json_object_get(s, "depth"));
    uint8_t w[32];
    switch (op) {
    case OP_SLOAD:
    case OP_SSTORE:
        if (depth >= 1 && depth <= MAX_DEPTH && stack_word(stack, 0, w) == ZG_OK &&
            acl_add_slot(&t->list, t->addr[depth - 1], w) != ZG_OK)
            t->err = ZG_ENOMEM;
        break;
    case OP_BALANCE:
    case OP_EXTCODESIZE:
    case OP_EXTCODECOPY:
    case OP_EXTCODEHASH:
    case OP_SELFDESTRUCT:
        if (stack_word(stack, 0, w) == ZG_OK && !excluded(t, w + 12) && !acl_add_addr(&t->list, w + 12))
            t->err = ZG_ENOMEM;
        break;
    case OP_CALL:
    case OP_CALLCODE:
    case OP_DELEGATECALL:
    case OP_STATICCALL: /* the target is under the gas (geth asks for 5 items) */
        if (json_array_size(stack) >= 5 && stack_word(stack, 1, w) == ZG_OK && !excluded(t, w + 12) &&
            !acl_add_addr(&t->list, w + 12))
            t->err = ZG_ENOMEM;
        break;
    default:
        break;
    }
    json_decref(s);
}

static void on_enter(void *arg, const zg_exec_frame *f)
{
    acl_tracer *t = arg;
    if (f->depth < 0 || f->depth >= MAX_DEPTH) {
        t->err = ZG_EINVAL;
        return;
    }
    int keeps = f->kind == ZG_EXEC_FRAME_CALLCODE || f->kind == ZG_EXEC_FRAME_DELEGATECALL;
    memcpy(t->addr[f->depth], keeps ? f->from : f->to, 20);
}

/* the list as the tx's access list (views into l) */
static zg_tx_access *acl_to_tx(const acl *l)
{
    zg_tx_access *a = calloc(l->n ? l->n : 1, sizeof *a);
    if (!a) return NULL;
    for (size_t i = 0; i < l->n; i++) {
        memcpy(a[i].address, l->e[i].addr, 20);
        a[i].nkeys = l->e[i].nkeys;
        a[i].keys = (const uint8_t(*)[32])l->e[i].keys;
    }
    return a;
}

static json_t *acl_json(const acl *l)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < l->n; i++) {
        json_t *keys = json_array();
        for (size_t k = 0; k < l->e[i].nkeys; k++) json_array_append_new(keys, ch_json_h256(l->e[i].keys[k]));
        json_array_append_new(arr, json_pack("{s:o,s:o}", "address", ch_json_addr(l->e[i].addr), "storageKeys", keys));
    }
    return arr;
}

static json_t *m_create_access_list(void *arg, json_t *params, zg_rpc_error *err)
{
    chain *c = arg;
    const zg_executor_iface *x = c->exi;
    ch_callargs a;
    if (!json_is_array(params) || json_array_size(params) < 1 || json_array_size(params) > 2) {
        ch_err(err, ZG_RPC_INVALID_PARAMS, "expected [call object, block]");
        return NULL;
    }
    if (ch_parse_callargs(P(0), &a, err) != ZG_OK) return NULL;
    const zg_tx_access *given = a.access;
    size_t ngiven = a.naccess;
    ch_header h;
    ch_state *st = NULL;
    json_t *r = NULL;
    acl_tracer prev, cur;
    memset(&prev, 0, sizeof prev);
    memset(&cur, 0, sizeof cur);
    zg_tx_access *txal = NULL;
    json_t *blk = P(1);
    if (ch_resolve_block(c, blk && !json_is_null(blk) ? blk : NULL, 1, &h, err) != ZG_OK) goto out;
    if (ch_state_at(c, &h, &st) != ZG_OK) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "cannot open state");
        goto out;
    }
    zg_executor *ex = ch_executor(c);
    if (!ex) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "cannot open an executor for this thread");
        goto out;
    }
    /* excluded: sender, recipient or the address a creation gets */
    memcpy(prev.excl[0], a.from, 20);
    if (a.has_to)
        memcpy(prev.excl[1], a.to, 20);
    else {
        zg_exec_account acc;
        uint64_t nonce = ch_state_account(st, a.from, &acc, NULL) == ZG_OK ? acc.nonce : 0;
        ch_contract_address(a.from, nonce, prev.excl[1]);
    }
    memcpy(cur.excl, prev.excl, sizeof cur.excl);
    if (acl_seed(&prev, given, ngiven) != ZG_OK) {
        ch_err(err, ZG_RPC_INTERNAL_ERROR, "out of memory");
        goto out;
    }
    acl_sort(&prev.list);
    uint64_t gas = a.has_gas ? a.gas : c->rpc_gas_cap;
    cur.addr = calloc(MAX_DEPTH, sizeof *cur.addr);
    for (int round = 0;; round++) {
        free(txal);
        txal = acl_to_tx(&prev.list);
        if (!txal || !cur.addr) {
            ch_err(err, ZG_RPC_INTERNAL_ERROR, "out of memory");
            goto out;
        }
        a.access = txal;
        a.naccess = prev.list.n;
        /* the new tracer starts from the list the run gets (geth) */
        if (acl_seed(&cur, txal, prev.list.n) != ZG_OK) {
            ch_err(err, ZG_RPC_INTERNAL_ERROR, "out of memory");
            goto out;
        }
        zg_exec_tracer tr;
        memset(&tr, 0, sizeof tr);
        tr.struct_size = sizeof tr;
        tr.arg = &cur;
        tr.step = on_step;
        tr.enter = on_enter;
        int rc = x->set_trace(ex, &tr);
        zg_exec_result res;
        if (rc == ZG_OK) rc = ch_do_call(c, st, &h, &a, gas, &res, err);
        else ch_err(err, ZG_RPC_INTERNAL_ERROR, "cannot set up the tracer (status %d)", rc);
        x->set_trace(ex, NULL);
        if (rc != ZG_OK) goto out;
        if (res.status == ZG_EXEC_REJECTED) {
            ch_exec_error(&res, err);
            goto out;
        }
        if (cur.err) {
            ch_err(err, cur.err == ZG_ERANGE ? -32000 : ZG_RPC_INTERNAL_ERROR, "tracing failed (status %d)", cur.err);
            goto out;
        }
        acl_sort(&cur.list);
        if (acl_equal(&cur.list, &prev.list) || round + 1 >= MAX_ROUNDS) {
            /* geth's field order: accessList, error, gasUsed */
            r = json_object();
            json_object_set_new(r, "accessList", acl_json(&prev.list));
            if (res.status == ZG_EXEC_REVERT)
                json_object_set_new(r, "error", json_string("execution reverted"));
            else if (res.status != ZG_EXEC_SUCCESS)
                json_object_set_new(r, "error", json_string(zg_exec_error_name(res.error)));
            json_object_set_new(r, "gasUsed", zg_json_quantity_u64(res.gas_used));
            goto out;
        }
        acl_free(&prev.list);
        prev.list = cur.list;
        memset(&cur.list, 0, sizeof cur.list);
        cur.bytes = 0;
    }
out:
    free(txal);
    acl_free(&prev.list);
    acl_free(&cur.list);
    free(cur.addr);
    a.access = (zg_tx_access *)given;
    a.naccess = ngiven;
    ch_state_free(st);
    ch_callargs_free(&a);
    return r;
}

int ch_rpc_access_register(chain *c)
{
    const zg_executor_iface *x = c->exi;
    if (x->struct_size < offsetof(zg_executor_iface, set_trace) + sizeof(void *) || !x->set_trace) return ZG_OK;
    return c->h->rpc_register(c->ctx, "eth_createAccessList", m_create_access_list, c, 0);
}
