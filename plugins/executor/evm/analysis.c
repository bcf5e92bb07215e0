/* analysis.c — one pass over a contract's code before it runs:
 *  - the bitmap of valid JUMPDESTs (not inside PUSH data);
 *  - basic blocks, each with the sum of its instructions' base gas and its
 *    stack requirement / growth, so that the plain interpreter checks gas
 *    and stack once per block instead of once per instruction.
 * A block starts at pc 0, at every JUMPDEST and after every instruction
 * that ends one (K_TERM, K_JUMPI, K_GASOBS, undefined).  Charging a whole
 * block's base gas up front is exact: nothing inside a block can end the
 * frame successfully before its last instruction, and an exceptional halt
 * consumes all the gas whichever instruction causes it.  Instructions that
 * read the gas left (K_GASOBS) end their block, so they see the exact value.
 *
 * Analyses of deployed code are cached by code hash. */
#include "config.h"
#include <stdlib.h>
#include "evm.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Woverride-init"
#elif defined(__clang__)
#pragma clang diagnostic ignored "-Winitializer-overrides"
#endif
const evm_trait evm_traits[256] = {
    [0 ... 255] = {NULL, 0, 0, 0, K_UNDEFINED},
#define EVM_TRAIT(code, name, gas, in, out, kind) [code] = {#name, gas, in, out, kind},
    EVM_OPCODES(EVM_TRAIT)
#undef EVM_TRAIT
};

static inline int push_size(uint8_t op) { return (op >= 0x60 && op <= 0x7f) ? op - 0x5f : 0; }

/* One walk over the code; with c == NULL only counts the blocks. */
static size_t walk(const uint8_t *code, size_t len, evm_code *c)
{
    size_t nblocks = 0;
    int start = 1; /* the next instruction starts a block */
    int32_t h = 0, minh = 0, maxh = 0;
    uint64_t gas = 0;
    evm_block *cur = NULL;
    for (size_t pc = 0; pc <= len;) {
        uint8_t op = pc < len ? code[pc] : 0; /* the implicit STOP at the end */
        const evm_trait *t = &evm_traits[op];
        if (op == OP_JUMPDEST) {
            start = 1;
            if (c) c->jumpdest[pc >> 6] |= 1ULL << (pc & 63);
        }
        if (start) {
            if (c) {
                if (cur) {
                    cur->gas = gas > UINT32_MAX ? UINT32_MAX : (uint32_t)gas;
                    cur->req = (uint16_t)-minh;
                    cur->growth = (uint16_t)maxh;
                }
                c->blk_at[pc] = (uint32_t)nblocks;
                cur = &c->blocks[nblocks];
            }
            nblocks++;
            start = 0;
            h = minh = maxh = 0;
            gas = 0;
        }
        gas += t->gas;
        h -= t->in;
        if (h < minh) minh = h;
        h += t->out;
        if (h > maxh) maxh = h;
        if (t->kind != K_NORMAL && t->kind != K_JUMPDEST) start = 1;
        if (pc == len) break;
        pc += 1 + (size_t)push_size(op);
    }
    if (c && cur) {
        cur->gas = gas > UINT32_MAX ? UINT32_MAX : (uint32_t)gas;
        cur->req = (uint16_t)-minh;
        cur->growth = (uint16_t)maxh;
    }
    return nblocks;
}

evm_code *evm_analyze(const uint8_t *code, size_t len)
{
    size_t nblocks = walk(code, len, NULL);
    size_t bm_words = len / 64 + 1;
    size_t off_code = (sizeof(evm_code) + 63) & ~(size_t)63;
    size_t off_bm = (off_code + len + EVM_CODE_PAD + 7) & ~(size_t)7;
    size_t off_blk_at = off_bm + bm_words * 8;
    size_t off_blocks = (off_blk_at + (len + 1) * 4 + 7) & ~(size_t)7;
    size_t total = off_blocks + nblocks * sizeof(evm_block);
    unsigned char *m = malloc(total);
    if (!m) return NULL;
    evm_code *c = (evm_code *)m;
    memset(c, 0, sizeof *c);
    c->len = len;
    c->code = m + off_code;
    if (len) memcpy(c->code, code, len);
    memset(c->code + len, 0, EVM_CODE_PAD);
    c->jumpdest = (uint64_t *)(m + off_bm);
    memset(c->jumpdest, 0, bm_words * 8);
    c->blk_at = (uint32_t *)(m + off_blk_at);
    /* blk_at is read only at block starts, which walk() fills */
    c->blocks = (evm_block *)(m + off_blocks);
    c->nblocks = nblocks;
    c->mem = total;
    walk(code, len, c);
    return c;
}

void evm_code_free(evm_code *c) { free(c); }

/* ------------------------------------------------------------------ cache */

void evm_cache_init(evm_code_cache *c, size_t limit)
{
    memset(c, 0, sizeof *c);
    c->limit = limit;
}

void evm_cache_clear(evm_code_cache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        evm_code *e = c->tab[i];
        while (e) {
            evm_code *n = e->next;
            evm_code_free(e);
            e = n;
        }
        c->tab[i] = NULL;
    }
    c->n = 0;
    c->bytes = 0;
}

void evm_cache_free(evm_code_cache *c)
{
    evm_cache_clear(c);
    free(c->tab);
    c->tab = NULL;
    c->cap = 0;
}

static inline size_t hash_slot(const uint8_t h[32], size_t cap)
{
    uint64_t v;
    memcpy(&v, h, 8); /* code hashes are uniformly distributed already */
    return (size_t)v & (cap - 1);
}

evm_code *evm_cache_get(evm_code_cache *c, const uint8_t hash[32])
{
    if (!c->cap) return NULL;
    for (evm_code *e = c->tab[hash_slot(hash, c->cap)]; e; e = e->next)
        if (memcmp(e->hash, hash, 32) == 0) return e;
    return NULL;
}

int evm_cache_put(evm_code_cache *c, evm_code *code)
{
    if (c->n + 1 > c->cap / 2) {
        size_t ncap = c->cap ? c->cap * 2 : 256;
        evm_code **nt = calloc(ncap, sizeof *nt);
        if (!nt) return ZG_ENOMEM;
        for (size_t i = 0; i < c->cap; i++) {
            evm_code *e = c->tab[i];
            while (e) {
                evm_code *n = e->next;
                size_t s = hash_slot(e->hash, ncap);
                e->next = nt[s];
                nt[s] = e;
                e = n;
            }
        }
        free(c->tab);
        c->tab = nt;
        c->cap = ncap;
    }
    size_t s = hash_slot(code->hash, c->cap);
    code->next = c->tab[s];
    code->cached = 1;
    c->tab[s] = code;
    c->n++;
    c->bytes += code->mem;
    return ZG_OK;
}
