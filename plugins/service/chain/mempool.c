/* mempool.c — pending transactions.
 *
 * Per sender, transactions are kept sorted by nonce; the run of nonces that
 * continues the sender's state nonce is executable, the rest is queued
 * until the gap fills.  Block building takes executable transactions best
 * tip first (at the block's base fee), keeping each sender's nonce order.
 * Admission is checked against the head state and answered with geth's
 * messages, which client libraries (ethers, viem) recognise: "nonce too
 * low", "insufficient funds for gas * price + value", "replacement
 * transaction underpriced", ... */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zg/hex.h>
#include "chain.h"

typedef struct sender {
    uint8_t addr[20];
    struct sender *next;
    mp_tx **txs; /* sorted by nonce */
    size_t n, cap;
    uint64_t state_nonce;
} sender;

typedef struct tx_ent {
    mp_tx *t;
    sender *s;
    struct tx_ent *next;
} tx_ent;

struct mempool {
    chain *c;
    sender **sb;
    size_t nsb, nsenders;
    tx_ent **tb;
    size_t ntb, ntx;
    uint64_t seq;
};

static size_t h20(const uint8_t *a, size_t n)
{
    uint64_t h;
    memcpy(&h, a + 4, 8);
    h *= 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 20) & (n - 1);
}
static size_t h32(const uint8_t *a, size_t n)
{
    uint64_t h;
    memcpy(&h, a, 8);
    return (size_t)h & (n - 1);
}

int mp_new(chain *c, mempool **out)
{
    mempool *m = calloc(1, sizeof *m);
    if (!m) return ZG_ENOMEM;
    m->c = c;
    m->nsb = 256;
    m->ntb = 1024;
    m->sb = calloc(m->nsb, sizeof *m->sb);
    m->tb = calloc(m->ntb, sizeof *m->tb);
    if (!m->sb || !m->tb) {
        mp_free(m);
        return ZG_ENOMEM;
    }
    *out = m;
    return ZG_OK;
}

static void free_tx(mp_tx *t)
{
    zg_tx_free(&t->tx);
    free(t);
}

void mp_clear(mempool *m)
{
    for (size_t i = 0; i < m->ntb; i++) {
        tx_ent *e = m->tb[i];
        while (e) {
            tx_ent *n = e->next;
            free_tx(e->t);
            free(e);
            e = n;
        }
        m->tb[i] = NULL;
    }
    for (size_t i = 0; i < m->nsb; i++) {
        sender *s = m->sb[i];
        while (s) {
            sender *n = s->next;
            free(s->txs);
            free(s);
            s = n;
        }
        m->sb[i] = NULL;
    }
    m->ntx = m->nsenders = 0;
}

void mp_free(mempool *m)
{
    if (!m) return;
    if (m->sb && m->tb) mp_clear(m);
    free(m->sb);
    free(m->tb);
    free(m);
}

static sender *find_sender(mempool *m, const uint8_t addr[20])
{
    for (sender *s = m->sb[h20(addr, m->nsb)]; s; s = s->next)
        if (memcmp(s->addr, addr, 20) == 0) return s;
    return NULL;
}

static void grow_senders(mempool *m)
{
    size_t nn = m->nsb * 2;
    sender **b = calloc(nn, sizeof *b);
    if (!b) return;
    for (size_t i = 0; i < m->nsb; i++) {
        sender *s = m->sb[i];
        while (s) {
            sender *n = s->next;
            size_t k = h20(s->addr, nn);
            s->next = b[k];
            b[k] = s;
            s = n;
        }
    }
    free(m->sb);
    m->sb = b;
    m->nsb = nn;
}

static void grow_txs(mempool *m)
{
    size_t nn = m->ntb * 2;
    tx_ent **b = calloc(nn, sizeof *b);
    if (!b) return;
    for (size_t i = 0; i < m->ntb; i++) {
        tx_ent *e = m->tb[i];
        while (e) {
            tx_ent *n = e->next;
            size_t k = h32(e->t->tx.hash, nn);
            e->next = b[k];
            b[k] = e;
            e = n;
        }
    }
    free(m->tb);
    m->tb = b;
    m->ntb = nn;
}

static tx_ent *find_ent(mempool *m, const uint8_t hash[32])
{
    for (tx_ent *e = m->tb[h32(hash, m->ntb)]; e; e = e->next)
        if (memcmp(e->t->tx.hash, hash, 32) == 0) return e;
    return NULL;
}

const mp_tx *mp_get(mempool *m, const uint8_t hash[32])
{
    tx_ent *e = find_ent(m, hash);
    return e ? e->t : NULL;
}

static void unlink_ent(mempool *m, const uint8_t hash[32])
{
    tx_ent **pp = &m->tb[h32(hash, m->ntb)];
    while (*pp) {
        if (memcmp((*pp)->t->tx.hash, hash, 32) == 0) {
            tx_ent *e = *pp;
            *pp = e->next;
            free(e);
            m->ntx--;
            return;
        }
        pp = &(*pp)->next;
    }
}

static void drop_sender_if_empty(mempool *m, sender *s)
{
    if (s->n) return;
    sender **pp = &m->sb[h20(s->addr, m->nsb)];
    while (*pp && *pp != s) pp = &(*pp)->next;
    if (*pp) *pp = s->next;
    free(s->txs);
    free(s);
    m->nsenders--;
}

/* remove txs[i] of s (frees it) */
static void remove_at(mempool *m, sender *s, size_t i)
{
    mp_tx *t = s->txs[i];
    unlink_ent(m, t->tx.hash);
    memmove(&s->txs[i], &s->txs[i + 1], (s->n - i - 1) * sizeof *s->txs);
    s->n--;
    free_tx(t);
}

void mp_remove(mempool *m, const uint8_t hash[32])
{
    tx_ent *e = find_ent(m, hash);
    if (!e) return;
    sender *s = e->s;
    for (size_t i = 0; i < s->n; i++)
        if (s->txs[i] == e->t) {
            remove_at(m, s, i);
            break;
        }
    drop_sender_if_empty(m, s);
}

/* index of the first tx with nonce >= n */
static size_t lower_bound(const sender *s, uint64_t n)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->txs[mid]->tx.nonce < n) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* length of the executable run */
static size_t run_len(const sender *s, uint64_t from)
{
    size_t i = lower_bound(s, from), k = 0;
    while (i + k < s->n && s->txs[i + k]->tx.nonce == from + k) k++;
    return k;
}

size_t mp_count(mempool *m, size_t *queued)
{
    if (queued) {
        size_t exec = mp_executable(m);
        *queued = m->ntx - exec;
    }
    return m->ntx;
}

size_t mp_executable(mempool *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nsb; i++)
        for (sender *s = m->sb[i]; s; s = s->next) n += run_len(s, s->state_nonce);
    return n;
}

uint64_t mp_pending_nonce(mempool *m, const uint8_t addr[20], uint64_t state_nonce)
{
    sender *s = find_sender(m, addr);
    return s ? state_nonce + run_len(s, state_nonce) : state_nonce;
}

static void u256_dec(const zg_u256 *v, char *out, size_t cap)
{
    /* decimal, as geth prints big.Int values in these messages */
    char buf[80];
    size_t n = 0;
    zg_u256 x = *v, ten = zg_u256_from_u64(10), r;
    do {
        zg_u256_divmod(&x, &r, &x, &ten);
        buf[n++] = (char)('0' + r.w[0]);
    } while (!zg_u256_is_zero(&x) && n < sizeof buf);
    size_t i = 0;
    for (; i < n && i + 1 < cap; i++) out[i] = buf[n - 1 - i];
    out[i] = 0;
}

/* a >= b * 110% */
static int bumped(const zg_u256 *a, const zg_u256 *b)
{
    zg_u256 t = *b, h = zg_u256_from_u64(100), k = zg_u256_from_u64(110), lhs;
    zg_u256_mul(&t, &t, &k);
    zg_u256_mul(&lhs, a, &h);
    return !zg_u256_lt(&lhs, &t);
}

#define FAIL(...)                                                                                                \
    do {                                                                                                         \
        snprintf(why, whylen, __VA_ARGS__);                                                                      \
        rc = ZG_EINVAL;                                                                                          \
        goto out;                                                                                                \
    } while (0)

int mp_add(mempool *m, const uint8_t *raw, size_t len, uint8_t hash[32], char *why, size_t whylen, int *code)
{
    chain *c = m->c;
    int rc = ZG_OK;
    *code = -32000;
    mp_tx *t = NULL;
    ch_state *st = NULL;
    char addr[43];
    if (len > CH_MAX_TX_SIZE) {
        snprintf(why, whylen, "oversized data: transaction size %zu, limit %d", len, CH_MAX_TX_SIZE);
        return ZG_EINVAL;
    }
    t = calloc(1, sizeof *t);
    if (!t) return ZG_ENOMEM;
    zg_tx_init(&t->tx);
    int e = zg_tx_decode(raw, len, ZG_TX_COPY, &t->tx);
    if (e != ZG_TX_OK) FAIL("invalid transaction: %s", zg_tx_err_str(e));
    memcpy(hash, t->tx.hash, 32);
    if (find_ent(m, t->tx.hash)) FAIL("already known");
    if (t->tx.type == ZG_TX_LEGACY && !t->tx.has_chain_id && !c->allow_unprotected)
        FAIL("only replay-protected (EIP-155) transactions allowed over RPC");
    e = zg_tx_validate(&t->tx, c->chain_id);
    if (e == ZG_TX_ERR_CHAIN_ID)
        FAIL("invalid chain id for signer: have %llu want %llu", (unsigned long long)t->tx.chain_id,
             (unsigned long long)c->chain_id);
    if (e == ZG_TX_ERR_INTRINSIC_GAS)
        FAIL("intrinsic gas too low: have %llu, want %llu", (unsigned long long)t->tx.gas_limit,
             (unsigned long long)zg_tx_intrinsic_gas(&t->tx));
    if (e != ZG_TX_OK) FAIL("invalid transaction: %s", zg_tx_err_str(e));
    e = zg_tx_recover_sender(&t->tx);
    if (e != ZG_TX_OK) FAIL("invalid sender: %s", zg_tx_err_str(e));
    ch_addr_checksum(t->tx.sender, addr);
    if (t->tx.gas_limit > c->gas_limit) FAIL("exceeds block gas limit");

    if ((rc = ch_state_open(c, c->head.state_root, c->head_trie, &st)) != ZG_OK) goto out;
    zg_exec_account acc = {0};
    rc = ch_state_account(st, t->tx.sender, &acc, NULL);
    if (rc == ZG_ENOTFOUND) {
        memset(&acc, 0, sizeof acc);
        memcpy(acc.code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32);
    } else if (rc != ZG_OK)
        goto out;
    rc = ZG_OK;
    if (memcmp(acc.code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32) != 0) FAIL("sender not an eoa: address %s", addr);
    if (t->tx.nonce < acc.nonce)
        FAIL("nonce too low: address %s, tx: %llu state: %llu", addr, (unsigned long long)t->tx.nonce,
             (unsigned long long)acc.nonce);
    if (t->tx.nonce - acc.nonce >= (uint64_t)c->mp_max_per_sender)
        FAIL("nonce too high: address %s, tx: %llu state: %llu (more than %lld ahead)", addr,
             (unsigned long long)t->tx.nonce, (unsigned long long)acc.nonce, (long long)c->mp_max_per_sender);
    zg_u256 base;
    ch_next_base_fee(&c->head, &base);
    if (zg_u256_lt(&t->tx.max_fee_per_gas, &base)) {
        char a[80], b[80];
        u256_dec(&t->tx.max_fee_per_gas, a, sizeof a);
        u256_dec(&base, b, sizeof b);
        FAIL("max fee per gas less than block base fee: address %s, maxFeePerGas: %s, baseFee: %s", addr, a, b);
    }
    zg_u256 cost;
    if (zg_tx_max_cost(&t->tx, &cost)) FAIL("insufficient funds for gas * price + value: cost overflows");
    if (zg_u256_lt(&acc.balance, &cost)) {
        char a[80], b[80];
        u256_dec(&acc.balance, a, sizeof a);
        u256_dec(&cost, b, sizeof b);
        FAIL("insufficient funds for gas * price + value: address %s have %s want %s", addr, a, b);
    }
    sender *s = find_sender(m, t->tx.sender);
    size_t pos = s ? lower_bound(s, t->tx.nonce) : 0;
    if (s && pos < s->n && s->txs[pos]->tx.nonce == t->tx.nonce) {
        const zg_tx *old = &s->txs[pos]->tx;
        if (!bumped(&t->tx.max_fee_per_gas, &old->max_fee_per_gas) ||
            !bumped(&t->tx.max_priority_fee_per_gas, &old->max_priority_fee_per_gas))
            FAIL("replacement transaction underpriced");
        remove_at(m, s, pos); /* s keeps at least the new one below */
        if (!s->n) {
            /* keep the (now empty) sender: reinserted into just after */
        }
    } else {
        if (m->ntx >= (size_t)c->mp_max_txs) FAIL("txpool is full");
        if (s && s->n >= (size_t)c->mp_max_per_sender) FAIL("account limit exceeded: address %s", addr);
    }
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) {
            rc = ZG_ENOMEM;
            goto out;
        }
        memcpy(s->addr, t->tx.sender, 20);
        size_t k = h20(s->addr, m->nsb);
        s->next = m->sb[k];
        m->sb[k] = s;
        m->nsenders++;
        if (m->nsenders > m->nsb) grow_senders(m);
        pos = 0;
    }
    s->state_nonce = acc.nonce;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 4;
        mp_tx **a = realloc(s->txs, nc * sizeof *a);
        tx_ent *dummy = NULL;
        (void)dummy;
        if (!a) {
            rc = ZG_ENOMEM;
            drop_sender_if_empty(m, s);
            goto out;
        }
        s->txs = a;
        s->cap = nc;
    }
    tx_ent *ent = calloc(1, sizeof *ent);
    if (!ent) {
        rc = ZG_ENOMEM;
        drop_sender_if_empty(m, s);
        goto out;
    }
    memmove(&s->txs[pos + 1], &s->txs[pos], (s->n - pos) * sizeof *s->txs);
    s->txs[pos] = t;
    s->n++;
    t->seq = ++m->seq;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    t->added_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    ent->t = t;
    ent->s = s;
    size_t k = h32(t->tx.hash, m->ntb);
    ent->next = m->tb[k];
    m->tb[k] = ent;
    m->ntx++;
    if (m->ntx > m->ntb) grow_txs(m);
    t = NULL;
out:
    if (st) ch_state_free(st);
    if (t) free_tx(t);
    return rc;
}

/* ---- selection: a binary max-heap of sender heads ---- */

typedef struct cand {
    sender *s;
    size_t i;      /* index of the head tx in s->txs */
    zg_u256 tip;   /* effective tip at the base fee */
    uint64_t seq;
} cand;

static int better(const cand *a, const cand *b)
{
    int c = zg_u256_cmp(&a->tip, &b->tip);
    return c > 0 || (c == 0 && a->seq < b->seq);
}

static void heap_push(cand *h, size_t *n, cand x)
{
    size_t i = (*n)++;
    h[i] = x;
    while (i && better(&h[i], &h[(i - 1) / 2])) {
        cand t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static cand heap_pop(cand *h, size_t *n)
{
    cand top = h[0];
    h[0] = h[--(*n)];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, b = i;
        if (l < *n && better(&h[l], &h[b])) b = l;
        if (r < *n && better(&h[r], &h[b])) b = r;
        if (b == i) break;
        cand t = h[i];
        h[i] = h[b];
        h[b] = t;
        i = b;
    }
    return top;
}

/* effective tip; 0 when the tx cannot pay the base fee */
static int tip_at(const zg_tx *tx, const zg_u256 *base, zg_u256 *tip)
{
    if (zg_u256_lt(&tx->max_fee_per_gas, base)) return 0;
    zg_u256 room;
    zg_u256_sub(&room, &tx->max_fee_per_gas, base);
    *tip = zg_u256_lt(&tx->max_priority_fee_per_gas, &room) ? tx->max_priority_fee_per_gas : room;
    return 1;
}

static int make_cand(sender *s, size_t i, const zg_u256 *base, cand *out)
{
    out->s = s;
    out->i = i;
    out->seq = s->txs[i]->seq;
    return tip_at(&s->txs[i]->tx, base, &out->tip);
}

int mp_select(mempool *m, ch_state *st, const zg_u256 *base_fee, mp_take_fn take, void *arg)
{
    cand *h = malloc((m->nsenders + 1) * sizeof *h);
    if (!h) return ZG_ENOMEM;
    size_t n = 0;
    for (size_t b = 0; b < m->nsb; b++)
        for (sender *s = m->sb[b]; s; s = s->next) {
            zg_exec_account acc;
            uint64_t nonce = 0;
            if (ch_state_account(st, s->addr, &acc, NULL) == ZG_OK) nonce = acc.nonce;
            s->state_nonce = nonce;
            size_t i = lower_bound(s, nonce);
            cand cd;
            if (i < s->n && s->txs[i]->tx.nonce == nonce && make_cand(s, i, base_fee, &cd)) heap_push(h, &n, cd);
        }
    while (n) {
        cand cd = heap_pop(h, &n);
        int r = take(arg, cd.s->txs[cd.i]);
        if (r > 0) break;
        if (r < 0) continue;
        size_t j = cd.i + 1;
        cand nx;
        if (j < cd.s->n && cd.s->txs[j]->tx.nonce == cd.s->txs[cd.i]->tx.nonce + 1 && make_cand(cd.s, j, base_fee, &nx))
            heap_push(h, &n, nx);
    }
    free(h);
    return ZG_OK;
}

void mp_on_block(mempool *m)
{
    chain *c = m->c;
    if (!m->ntx) return;
    ch_state *st;
    if (ch_state_open(c, c->head.state_root, c->head_trie, &st) != ZG_OK) return;
    for (size_t b = 0; b < m->nsb; b++) {
        sender *s = m->sb[b];
        while (s) {
            sender *next = s->next;
            zg_exec_account acc;
            uint64_t nonce = 0;
            if (ch_state_account(st, s->addr, &acc, NULL) == ZG_OK) nonce = acc.nonce;
            s->state_nonce = nonce;
            size_t k = lower_bound(s, nonce);
            for (size_t i = 0; i < k; i++) unlink_ent(m, s->txs[i]->tx.hash), free_tx(s->txs[i]);
            memmove(s->txs, s->txs + k, (s->n - k) * sizeof *s->txs);
            s->n -= k;
            drop_sender_if_empty(m, s);
            s = next;
        }
    }
    ch_state_free(st);
    c->h->metric_set(c->m_pool, (double)m->ntx);
}

void mp_foreach(mempool *m, void (*fn)(void *arg, const mp_tx *t, int executable), void *arg)
{
    for (size_t b = 0; b < m->nsb; b++)
        for (sender *s = m->sb[b]; s; s = s->next) {
            size_t start = lower_bound(s, s->state_nonce), run = run_len(s, s->state_nonce);
            for (size_t i = 0; i < s->n; i++) fn(arg, s->txs[i], i >= start && i < start + run);
        }
}
