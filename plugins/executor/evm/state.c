/* state.c — the transaction's view of the world: an overlay over the host's
 * read-only state (zg_exec_state) holding every account, storage slot and
 * transient slot the transaction looks at, with a journal so that a failed
 * frame undoes exactly its own changes (balances, nonces, storage, warm
 * sets, touches, creations, self-destructs).  Logs and the refund counter
 * are rolled back by the message layer from marks.  At the end the overlay
 * becomes the result's change set.
 *
 * Host errors and allocation failures never stop execution half-way: they
 * are recorded (ex->host_err, ex->oom) and reads go on returning empty
 * values, so the interpreter needs no error paths for them; execute_* then
 * discards the whole result. */
#include "config.h"
#include <stdlib.h>
#include <zg/keccak.h>
#include "evm.h"

#define POOL_CHUNK 64
#define ARENA_CHUNK (64 * 1024)
#define INDEX_MIN 256
#define INDEX_SHRINK (1u << 16)
#define FRAME_KEEP ((size_t)4 << 20) /* memory kept per frame between txs */

/* ---------------------------------------------------------------- hashing */

static inline uint64_t fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

static inline uint64_t addr_hash(const uint8_t a[20])
{
    uint64_t x, y;
    uint32_t z;
    memcpy(&x, a, 8);
    memcpy(&y, a + 8, 8);
    memcpy(&z, a + 16, 4);
    return fmix64(x ^ (y * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)z << 17) ^ z);
}

static inline uint64_t slot_hash(uint32_t acct, const zg_u256 *k)
{
    uint64_t h = k->w[0] ^ (k->w[1] * 0x9e3779b97f4a7c15ULL) ^ (k->w[2] * 0xc2b2ae3d27d4eb4fULL) ^
                 (k->w[3] * 0x165667b19e3779f9ULL) ^ ((uint64_t)acct << 40) ^ acct;
    return fmix64(h);
}

/* ----------------------------------------------------------- index tables */

static int index_init(evm_index *x, size_t cap)
{
    x->tab = calloc(cap, sizeof *x->tab);
    x->cap = x->tab ? cap : 0;
    return x->tab ? 0 : -1;
}

static void index_reset(evm_index *x)
{
    if (x->cap > INDEX_SHRINK) {
        free(x->tab);
        index_init(x, INDEX_MIN);
    } else if (x->tab) {
        memset(x->tab, 0, x->cap * sizeof *x->tab);
    }
}

/* grow the table when n entries would exceed half of it; rehash with
 * hashfn(i) giving the hash of entry i */
static int index_grow(evm_index *x, size_t n, uint64_t (*hashfn)(const evm_exec *, uint32_t),
                      const evm_exec *ex)
{
    if (x->cap && n * 2 <= x->cap) return 0;
    size_t ncap = x->cap ? x->cap * 2 : INDEX_MIN;
    while (n * 2 > ncap) ncap *= 2;
    uint32_t *nt = calloc(ncap, sizeof *nt);
    if (!nt) return -1;
    for (size_t i = 0; i < x->cap; i++) {
        uint32_t v = x->tab[i];
        if (!v) continue;
        size_t p = (size_t)hashfn(ex, v - 1) & (ncap - 1);
        while (nt[p]) p = (p + 1) & (ncap - 1);
        nt[p] = v;
    }
    free(x->tab);
    x->tab = nt;
    x->cap = ncap;
    return 0;
}

static int grow_array(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) ncap *= 2;
    void *n = realloc(*arr, ncap * elem);
    if (!n) return -1;
    *arr = n;
    *cap = ncap;
    return 0;
}
#define GROW(ex, arr, cap, need) grow_array((void **)&(arr), &(cap), (need), sizeof *(arr))

/* ------------------------------------------------------------------ arena */

void *evm_arena_alloc(evm_exec *ex, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    evm_arena_chunk *c = ex->arena;
    if (!c || c->size - c->used < n) {
        size_t sz = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        c = malloc(sizeof *c + sz);
        if (!c) {
            ex->oom = 1;
            return NULL;
        }
        c->size = sz;
        c->used = 0;
        c->next = ex->arena;
        ex->arena = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

static void arena_reset(evm_exec *ex)
{
    /* keep one standard chunk */
    evm_arena_chunk *c = ex->arena, *keep = NULL;
    while (c) {
        evm_arena_chunk *n = c->next;
        if (!keep && c->size == ARENA_CHUNK) {
            keep = c;
            keep->used = 0;
            keep->next = NULL;
        } else {
            free(c);
        }
        c = n;
    }
    ex->arena = keep;
}

/* --------------------------------------------------------------- lifetime */

int evm_exec_init(evm_exec *ex)
{
    memset(ex, 0, sizeof *ex);
    evm_cache_init(&ex->cache, (size_t)256 << 20);
    if (index_init(&ex->acct_idx, INDEX_MIN) || index_init(&ex->slot_idx, INDEX_MIN) ||
        index_init(&ex->tslot_idx, INDEX_MIN)) {
        evm_exec_free(ex);
        return ZG_ENOMEM;
    }
    return ZG_OK;
}

static void free_owned_codes(evm_exec *ex)
{
    for (size_t i = 0; i < ex->nowned; i++) evm_code_free(ex->owned_codes[i]);
    ex->nowned = 0;
}

void evm_exec_free(evm_exec *ex)
{
    free_owned_codes(ex);
    free(ex->owned_codes);
    for (size_t i = 0; i < ex->npool_chunks; i++) free(ex->pool_chunks[i]);
    free(ex->pool_chunks);
    free(ex->acct_idx.tab);
    free(ex->slots);
    free(ex->slot_idx.tab);
    free(ex->tslots);
    free(ex->tslot_idx.tab);
    free(ex->journal);
    free(ex->logs);
    free(ex->logdata);
    arena_reset(ex);
    free(ex->arena);
    for (int d = 0; d <= EVM_MAX_DEPTH; d++) {
        evm_frame *f = ex->frames[d];
        if (!f) continue;
        free(f->mem);
        free(f->ret);
        free(f->stack);
        free(f);
    }
    free(ex->changes);
    free(ex->chslots);
    free(ex->xlogs);
    free(ex->output);
    free(ex->trace_buf);
    free(ex->trace_out);
    evm_cache_free(&ex->cache);
    memset(ex, 0, sizeof *ex);
}

void evm_tx_begin(evm_exec *ex, const zg_exec_env *env, const zg_exec_state *st)
{
    ex->env = env;
    ex->st = st;
    ex->host_err = 0;
    ex->oom = 0;
    ex->naccts = 0;
    ex->nslots = 0;
    ex->ntslots = 0;
    ex->njournal = 0;
    ex->nlogs = 0;
    ex->logdata_len = 0;
    ex->refund = 0;
    ex->nchanges = 0;
    ex->nchslots = 0;
    ex->output_len = 0;
    ex->blob_hashes = NULL;
    ex->nblob_hashes = 0;
    ex->trace_frame = NULL;
    index_reset(&ex->acct_idx);
    index_reset(&ex->slot_idx);
    index_reset(&ex->tslot_idx);
    if (!ex->acct_idx.tab || !ex->slot_idx.tab || !ex->tslot_idx.tab) ex->oom = 1;
    arena_reset(ex);
    free_owned_codes(ex);
    if (ex->cache.bytes > ex->cache.limit) evm_cache_clear(&ex->cache);
    /* give back frame buffers a big transaction left behind */
    for (int d = 0; d <= ex->depth_hw; d++) {
        evm_frame *f = ex->frames[d];
        if (f && f->mem_cap > FRAME_KEEP) {
            free(f->mem);
            f->mem = NULL;
            f->mem_cap = f->mem_size = 0;
        }
        if (f && f->ret_cap > FRAME_KEEP) {
            free(f->ret);
            f->ret = NULL;
            f->ret_cap = f->ret_len = 0;
        }
    }
    ex->depth_hw = 0;
}

/* --------------------------------------------------------------- accounts */

static inline evm_acct *acct_by_id(const evm_exec *ex, uint32_t id)
{
    return &((evm_acct *)ex->pool_chunks[id / POOL_CHUNK])[id % POOL_CHUNK];
}

static uint64_t acct_rehash(const evm_exec *ex, uint32_t id) { return addr_hash(acct_by_id(ex, id)->addr); }

static evm_acct *acct_new_slot(evm_exec *ex)
{
    size_t id = ex->naccts;
    size_t chunk = id / POOL_CHUNK;
    if (chunk >= ex->npool_chunks) {
        if (GROW(ex, ex->pool_chunks, ex->pool_chunks_cap, chunk + 1)) return NULL;
        void *c = malloc(POOL_CHUNK * sizeof(evm_acct));
        if (!c) return NULL;
        ex->pool_chunks[ex->npool_chunks++] = c;
    }
    ex->naccts++;
    evm_acct *a = acct_by_id(ex, (uint32_t)id);
    memset(a, 0, sizeof *a);
    a->id = (uint32_t)id;
    return a;
}

evm_acct *evm_acct_get(evm_exec *ex, const uint8_t addr[20])
{
    evm_index *x = &ex->acct_idx;
    if (EVM_UNLIKELY(!x->tab)) goto oom;
    size_t mask = x->cap - 1, p = (size_t)addr_hash(addr) & mask;
    for (;;) {
        uint32_t v = x->tab[p];
        if (!v) break;
        evm_acct *a = acct_by_id(ex, v - 1);
        if (memcmp(a->addr, addr, 20) == 0) return a;
        p = (p + 1) & mask;
    }
    if (index_grow(x, ex->naccts + 1, acct_rehash, ex)) goto oom;
    evm_acct *a = acct_new_slot(ex);
    if (!a) goto oom;
    memcpy(a->addr, addr, 20);
    zg_exec_account xa;
    memset(&xa, 0, sizeof xa);
    int r = ex->st->get_account(ex->st->ctx, addr, &xa);
    if (r == ZG_OK) {
        a->orig_exists = 1;
        a->balance = xa.balance;
        a->nonce = xa.nonce;
        memcpy(a->code_hash, xa.code_hash, 32);
        a->has_storage = (xa.flags & ZG_EXEC_ACCOUNT_HAS_STORAGE) != 0;
    } else {
        if (r != ZG_ENOTFOUND && !ex->host_err) ex->host_err = r;
        memcpy(a->code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32);
    }
    /* precompiles are warm from the start of every transaction (EIP-2929):
     * marking them here saves loading all ten up front */
    if (evm_precompile_id(addr)) a->warm = 1;
    a->orig_balance = a->balance;
    a->orig_nonce = a->nonce;
    memcpy(a->orig_code_hash, a->code_hash, 32);
    mask = x->cap - 1;
    p = (size_t)addr_hash(addr) & mask;
    while (x->tab[p]) p = (p + 1) & mask;
    x->tab[p] = a->id + 1;
    return a;
oom:
    ex->oom = 1;
    memset(&ex->dummy_acct, 0, sizeof ex->dummy_acct);
    memcpy(ex->dummy_acct.addr, addr, 20);
    memcpy(ex->dummy_acct.code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32);
    ex->dummy_acct.code_loaded = 1;
    ex->dummy_acct.id = UINT32_MAX;
    return &ex->dummy_acct;
}

void evm_acct_load_code(evm_exec *ex, evm_acct *a)
{
    if (a->code_loaded) return;
    a->code_loaded = 1;
    a->code = NULL;
    a->code_len = 0;
    if (!evm_acct_has_code(a)) return;
    const uint8_t *c = NULL;
    size_t n = 0;
    int r = ex->st->get_code(ex->st->ctx, a->addr, &c, &n);
    if (r != ZG_OK) {
        if (!ex->host_err) ex->host_err = r == ZG_ENOTFOUND ? ZG_ECORRUPT : r;
        return;
    }
    a->code = c;
    a->code_len = n;
}

const evm_code *evm_acct_analysis(evm_exec *ex, evm_acct *a)
{
    if (a->an) return a->an;
    evm_code *c = evm_cache_get(&ex->cache, a->code_hash);
    if (!c) {
        evm_acct_load_code(ex, a);
        c = evm_analyze(a->code, a->code_len);
        if (!c) {
            ex->oom = 1;
            return NULL;
        }
        memcpy(c->hash, a->code_hash, 32);
        if (evm_cache_put(&ex->cache, c) != ZG_OK) {
            if (GROW(ex, ex->owned_codes, ex->owned_cap, ex->nowned + 1)) {
                evm_code_free(c);
                ex->oom = 1;
                return NULL;
            }
            ex->owned_codes[ex->nowned++] = c;
        }
    }
    a->an = c;
    return c;
}

/* ---------------------------------------------------------------- journal */

void evm_journal_push(evm_exec *ex, uint32_t kind, uint32_t idx, const void *old, size_t n)
{
    if (EVM_UNLIKELY(idx == UINT32_MAX)) return; /* the dummy account */
    if (EVM_UNLIKELY(ex->njournal == ex->journal_cap) &&
        GROW(ex, ex->journal, ex->journal_cap, ex->njournal + 1)) {
        ex->oom = 1;
        return;
    }
    evm_jentry *e = &ex->journal[ex->njournal++];
    e->kind = kind;
    e->idx = idx;
    if (n) memcpy(&e->old, old, n);
}

void evm_journal_revert(evm_exec *ex, size_t mark)
{
    while (ex->njournal > mark) {
        evm_jentry *e = &ex->journal[--ex->njournal];
        switch (e->kind) {
        case J_BALANCE: acct_by_id(ex, e->idx)->balance = e->old.u; break;
        case J_NONCE: acct_by_id(ex, e->idx)->nonce = e->old.n; break;
        case J_TOUCHED: acct_by_id(ex, e->idx)->touched = 0; break;
        case J_WARM_ACCT: acct_by_id(ex, e->idx)->warm = 0; break;
        case J_WARM_SLOT: ex->slots[e->idx].warm = 0; break;
        case J_STORAGE: ex->slots[e->idx].cur = e->old.u; break;
        case J_TSTORAGE: ex->tslots[e->idx].val = e->old.u; break;
        case J_CREATED: acct_by_id(ex, e->idx)->created = 0; break;
        case J_DESTRUCTED: acct_by_id(ex, e->idx)->destructed = 0; break;
        case J_CODE: {
            evm_acct *a = acct_by_id(ex, e->idx);
            a->code = NULL;
            a->code_len = 0;
            a->code_loaded = 1;
            a->code_set = 0;
            a->an = NULL;
            memcpy(a->code_hash, ZG_EXEC_EMPTY_CODE_HASH, 32);
            break;
        }
        }
    }
}

void evm_touch(evm_exec *ex, evm_acct *a)
{
    if (a->touched) return;
    evm_journal_push(ex, J_TOUCHED, a->id, NULL, 0);
    a->touched = 1;
}

void evm_set_balance(evm_exec *ex, evm_acct *a, const zg_u256 *v)
{
    evm_journal_push(ex, J_BALANCE, a->id, &a->balance, sizeof a->balance);
    a->balance = *v;
    evm_touch(ex, a);
}

int evm_sub_balance(evm_exec *ex, evm_acct *a, const zg_u256 *v)
{
    zg_u256 r;
    if (zg_u256_sub(&r, &a->balance, v)) return 0;
    evm_set_balance(ex, a, &r);
    return 1;
}

void evm_add_balance(evm_exec *ex, evm_acct *a, const zg_u256 *v)
{
    zg_u256 r;
    zg_u256_add(&r, &a->balance, v); /* total supply keeps this below 2^256 */
    evm_set_balance(ex, a, &r);
}

void evm_set_nonce(evm_exec *ex, evm_acct *a, uint64_t n)
{
    evm_journal_push(ex, J_NONCE, a->id, &a->nonce, sizeof a->nonce);
    a->nonce = n;
    evm_touch(ex, a);
}

int evm_warm_acct(evm_exec *ex, evm_acct *a)
{
    if (a->warm) return 0;
    evm_journal_push(ex, J_WARM_ACCT, a->id, NULL, 0);
    a->warm = 1;
    return 1;
}

void evm_set_code(evm_exec *ex, evm_acct *a, const uint8_t *code, size_t len)
{
    uint8_t *copy = NULL;
    if (len) {
        copy = evm_arena_alloc(ex, len);
        if (!copy) return;
        memcpy(copy, code, len);
    }
    evm_journal_push(ex, J_CODE, a->id, NULL, 0);
    a->code = copy;
    a->code_len = len;
    a->code_loaded = 1;
    a->code_set = 1;
    a->an = NULL;
    zg_keccak256(copy ? copy : (const uint8_t *)"", len, a->code_hash);
    evm_touch(ex, a);
}

void evm_mark_created(evm_exec *ex, evm_acct *a)
{
    if (a->created) return;
    evm_journal_push(ex, J_CREATED, a->id, NULL, 0);
    a->created = 1;
}

void evm_mark_destructed(evm_exec *ex, evm_acct *a)
{
    if (a->destructed) return;
    evm_journal_push(ex, J_DESTRUCTED, a->id, NULL, 0);
    a->destructed = 1;
}

/* ---------------------------------------------------------------- storage */

static uint64_t slot_rehash(const evm_exec *ex, uint32_t i)
{
    return slot_hash(ex->slots[i].acct, &ex->slots[i].key);
}

evm_slot *evm_slot_get(evm_exec *ex, evm_acct *a, const zg_u256 *key)
{
    evm_index *x = &ex->slot_idx;
    if (EVM_UNLIKELY(!x->tab || a->id == UINT32_MAX)) goto oom;
    uint64_t h = slot_hash(a->id, key);
    size_t mask = x->cap - 1, p = (size_t)h & mask;
    for (;;) {
        uint32_t v = x->tab[p];
        if (!v) break;
        evm_slot *s = &ex->slots[v - 1];
        if (s->acct == a->id && zg_u256_eq(&s->key, key)) return s;
        p = (p + 1) & mask;
    }
    if (index_grow(x, ex->nslots + 1, slot_rehash, ex)) goto oom;
    if (GROW(ex, ex->slots, ex->slots_cap, ex->nslots + 1)) goto oom;
    evm_slot *s = &ex->slots[ex->nslots];
    s->key = *key;
    s->acct = a->id;
    s->warm = 0;
    s->orig = ZG_U256_ZERO;
    if (a->orig_exists && !a->created) {
        /* a creation (EIP-7610: only over storage-less accounts) starts
         * from empty storage: nothing to ask the host */
        uint8_t k[32], v[32];
        zg_u256_store_be32(key, k);
        int r = ex->st->get_storage(ex->st->ctx, a->addr, k, v);
        if (r == ZG_OK)
            zg_u256_load_be32(&s->orig, v);
        else if (!ex->host_err)
            ex->host_err = r;
    }
    s->cur = s->orig;
    mask = x->cap - 1;
    p = (size_t)h & mask;
    while (x->tab[p]) p = (p + 1) & mask;
    x->tab[p] = (uint32_t)ex->nslots + 1;
    ex->nslots++;
    return s;
oom:
    ex->oom = 1;
    memset(&ex->dummy_slot, 0, sizeof ex->dummy_slot);
    return &ex->dummy_slot;
}

void evm_slot_set(evm_exec *ex, evm_slot *s, const zg_u256 *v)
{
    if (s != &ex->dummy_slot) evm_journal_push(ex, J_STORAGE, evm_slot_index(ex, s), &s->cur, sizeof s->cur);
    s->cur = *v;
}

int evm_slot_warm(evm_exec *ex, evm_slot *s)
{
    if (s->warm) return 0;
    if (s != &ex->dummy_slot) evm_journal_push(ex, J_WARM_SLOT, evm_slot_index(ex, s), NULL, 0);
    s->warm = 1;
    return 1;
}

static uint64_t tslot_rehash(const evm_exec *ex, uint32_t i)
{
    return slot_hash(ex->tslots[i].acct, &ex->tslots[i].key);
}

static evm_tslot *tslot_find(evm_exec *ex, evm_acct *a, const zg_u256 *key, int create)
{
    evm_index *x = &ex->tslot_idx;
    if (!x->tab || a->id == UINT32_MAX) return NULL;
    uint64_t h = slot_hash(a->id, key);
    size_t mask = x->cap - 1, p = (size_t)h & mask;
    for (;;) {
        uint32_t v = x->tab[p];
        if (!v) break;
        evm_tslot *s = &ex->tslots[v - 1];
        if (s->acct == a->id && zg_u256_eq(&s->key, key)) return s;
        p = (p + 1) & mask;
    }
    if (!create) return NULL;
    if (index_grow(x, ex->ntslots + 1, tslot_rehash, ex) ||
        GROW(ex, ex->tslots, ex->tslots_cap, ex->ntslots + 1)) {
        ex->oom = 1;
        return NULL;
    }
    evm_tslot *s = &ex->tslots[ex->ntslots];
    s->key = *key;
    s->acct = a->id;
    s->val = ZG_U256_ZERO;
    mask = x->cap - 1;
    p = (size_t)h & mask;
    while (x->tab[p]) p = (p + 1) & mask;
    x->tab[p] = (uint32_t)ex->ntslots + 1;
    ex->ntslots++;
    return s;
}

zg_u256 evm_tload(evm_exec *ex, evm_acct *a, const zg_u256 *key)
{
    evm_tslot *s = tslot_find(ex, a, key, 0);
    return s ? s->val : ZG_U256_ZERO;
}

void evm_tstore(evm_exec *ex, evm_acct *a, const zg_u256 *key, const zg_u256 *v)
{
    evm_tslot *s = tslot_find(ex, a, key, 1);
    if (!s) return;
    evm_journal_push(ex, J_TSTORAGE, (uint32_t)(s - ex->tslots), &s->val, sizeof s->val);
    s->val = *v;
}

/* ------------------------------------------------------------ logs, misc */

int evm_log_push(evm_exec *ex, const uint8_t addr[20], unsigned ntopics, const zg_u256 *topics_top,
                 const uint8_t *data, size_t len)
{
    if (GROW(ex, ex->logs, ex->logs_cap, ex->nlogs + 1) ||
        GROW(ex, ex->logdata, ex->logdata_cap, ex->logdata_len + len)) {
        ex->oom = 1;
        return ZG_ENOMEM;
    }
    evm_log *l = &ex->logs[ex->nlogs++];
    memcpy(l->addr, addr, 20);
    l->ntopics = ntopics;
    for (unsigned i = 0; i < ntopics; i++) zg_u256_store_be32(topics_top - i, l->topics[i]);
    l->data_off = ex->logdata_len;
    l->data_len = len;
    if (len) memcpy(ex->logdata + ex->logdata_len, data, len);
    ex->logdata_len += len;
    return ZG_OK;
}

void evm_block_hash(evm_exec *ex, uint64_t number, uint8_t out[32])
{
    memset(out, 0, 32);
    uint64_t cur = ex->env->number;
    if (number >= cur || cur - number > 256) return;
    int r = ex->st->get_block_hash(ex->st->ctx, number, out);
    if (r == ZG_ENOTFOUND)
        memset(out, 0, 32);
    else if (r != ZG_OK && !ex->host_err)
        ex->host_err = r;
}

/* ----------------------------------------------------------------- frames */

evm_frame *evm_frame_get(evm_exec *ex, int depth)
{
    evm_frame *f = ex->frames[depth];
    if (f) return f;
    f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->stack = aligned_alloc(32, (EVM_STACK_LIMIT + 1) * sizeof(zg_u256));
    if (!f->stack) {
        free(f);
        return NULL;
    }
    f->ex = ex;
    ex->frames[depth] = f;
    return f;
}

int evm_mem_grow(evm_frame *f, uint64_t end)
{
    uint64_t words = (end + 31) / 32, old = f->mem_size / 32;
    uint64_t cost = evm_mem_cost(words) - evm_mem_cost(old);
    if ((int64_t)cost > f->gas_left) return ZG_EXEC_ERR_OUT_OF_GAS;
    f->gas_left -= (int64_t)cost;
    size_t nsize = (size_t)words * 32;
    if (nsize > f->mem_cap) {
        size_t ncap = f->mem_cap ? f->mem_cap : 4096;
        while (ncap < nsize) ncap *= 2;
        uint8_t *m = realloc(f->mem, ncap);
        if (!m) {
            f->ex->oom = 1;
            return ZG_EXEC_ERR_OUT_OF_GAS;
        }
        f->mem = m;
        f->mem_cap = ncap;
    }
    memset(f->mem + f->mem_size, 0, nsize - f->mem_size);
    f->mem_size = nsize;
    return 0;
}

int evm_ret_copy(evm_frame *f, const uint8_t *data, size_t len)
{
    if (len > f->ret_cap) {
        size_t ncap = f->ret_cap ? f->ret_cap : 256;
        while (ncap < len) ncap *= 2;
        uint8_t *m = realloc(f->ret, ncap);
        if (!m) {
            f->ex->oom = 1;
            f->ret_len = 0;
            return ZG_ENOMEM;
        }
        f->ret = m;
        f->ret_cap = ncap;
    }
    if (len) memcpy(f->ret, data, len);
    f->ret_len = len;
    return ZG_OK;
}

/* ----------------------------------------------------------- change set */

int evm_collect_changes(evm_exec *ex)
{
    size_t n = ex->naccts;
    ex->nchanges = 0;
    ex->nchslots = 0;
    if (!n) return ZG_OK;
    /* changed slots per account */
    uint32_t *cnt = evm_arena_alloc(ex, n * sizeof *cnt);
    if (!cnt) return ZG_ENOMEM;
    memset(cnt, 0, n * sizeof *cnt);
    size_t total = 0;
    for (size_t i = 0; i < ex->nslots; i++) {
        const evm_slot *s = &ex->slots[i];
        if (!zg_u256_eq(&s->cur, &s->orig)) cnt[s->acct]++, total++;
    }
    if (GROW(ex, ex->changes, ex->changes_cap, n) || GROW(ex, ex->chslots, ex->chslots_cap, total))
        return ZG_ENOMEM;
    /* first slot position of each account in chslots */
    uint32_t *pos = evm_arena_alloc(ex, n * sizeof *pos);
    if (!pos) return ZG_ENOMEM;
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) pos[i] = acc, acc += cnt[i];
    uint32_t *fill = evm_arena_alloc(ex, n * sizeof *fill);
    if (!fill) return ZG_ENOMEM;
    memcpy(fill, pos, n * sizeof *fill);
    for (size_t i = 0; i < ex->nslots; i++) {
        const evm_slot *s = &ex->slots[i];
        if (zg_u256_eq(&s->cur, &s->orig)) continue;
        zg_exec_slot *o = &ex->chslots[fill[s->acct]++];
        zg_u256_store_be32(&s->key, o->key);
        zg_u256_store_be32(&s->cur, o->value);
    }
    ex->nchslots = total;
    for (size_t i = 0; i < n; i++) {
        evm_acct *a = acct_by_id(ex, (uint32_t)i);
        if (a->destructed || (a->touched && evm_acct_empty(a))) {
            if (a->orig_exists) {
                zg_exec_change *c = &ex->changes[ex->nchanges++];
                memset(c, 0, sizeof *c);
                memcpy(c->address, a->addr, 20);
                c->flags = ZG_EXEC_ACC_DELETED;
            }
            continue;
        }
        int changed = !a->orig_exists || a->created || a->code_set || a->nonce != a->orig_nonce ||
                      !zg_u256_eq(&a->balance, &a->orig_balance) || cnt[i];
        if (!changed) continue;
        if (!a->orig_exists && evm_acct_empty(a) && !cnt[i]) continue; /* looked at, never created */
        zg_exec_change *c = &ex->changes[ex->nchanges++];
        memset(c, 0, sizeof *c);
        memcpy(c->address, a->addr, 20);
        if (a->created) c->flags |= ZG_EXEC_ACC_CREATED;
        if (a->code_set) {
            c->flags |= ZG_EXEC_ACC_CODE;
            memcpy(c->code_hash, a->code_hash, 32);
            c->code = a->code;
            c->code_len = a->code_len;
        }
        c->balance = a->balance;
        c->nonce = a->nonce;
        c->storage = cnt[i] ? &ex->chslots[pos[i]] : NULL;
        c->nstorage = cnt[i];
    }
    return ZG_OK;
}
