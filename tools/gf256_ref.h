/* tools/gf256_ref.h — a deliberately plain GF(2^8) Reed–Solomon encoder of
 * the convention in zg/gpu.h (polynomial 0x11d, parity coefficient
 * 1/(i XOR j)), written from the definition with log/exp tables.  Used by
 * zg-gpuinfo's self-test and the tests as the independent reference that
 * every backend (ISA-L included) must match byte for byte.  Slow. */
#ifndef ZG_GF256_REF_H
#define ZG_GF256_REF_H
#include <stddef.h>
#include <stdint.h>

typedef struct gf256_ref {
    uint8_t exp[512];
    uint8_t log[256];
} gf256_ref;

static inline void gf256_ref_init(gf256_ref *g)
{
    unsigned x = 1;
    for (int i = 0; i < 255; i++) {
        g->exp[i] = g->exp[i + 255] = (uint8_t)x;
        g->log[x] = (uint8_t)i;
        x <<= 1;
        if (x & 0x100) x ^= 0x11d;
    }
    g->exp[510] = g->exp[511] = g->exp[0];
    g->log[0] = 0;
}

static inline uint8_t gf256_ref_mul(const gf256_ref *g, uint8_t a, uint8_t b)
{
    return a && b ? g->exp[g->log[a] + g->log[b]] : 0;
}

static inline uint8_t gf256_ref_inv(const gf256_ref *g, uint8_t a)
{
    return a ? g->exp[255 - g->log[a]] : 0;
}

/* generator coefficient of parity row i (k <= i < k+m) and data column j */
static inline uint8_t gf256_ref_coef(const gf256_ref *g, unsigned i, unsigned j)
{
    return gf256_ref_inv(g, (uint8_t)(i ^ j));
}

/* parity[p][b] = XOR_j coef(k+p, j) * data[j][b] */
static inline void gf256_ref_encode(const gf256_ref *g, unsigned k, unsigned m, size_t len,
                                    const uint8_t *const *data, uint8_t *const *parity)
{
    for (unsigned p = 0; p < m; p++) {
        uint8_t mul[256];
        for (size_t b = 0; b < len; b++) parity[p][b] = 0;
        for (unsigned j = 0; j < k; j++) {
            uint8_t c = gf256_ref_coef(g, k + p, j);
            for (int v = 0; v < 256; v++) mul[v] = gf256_ref_mul(g, c, (uint8_t)v);
            for (size_t b = 0; b < len; b++) parity[p][b] ^= mul[data[j][b]];
        }
    }
}
#endif
