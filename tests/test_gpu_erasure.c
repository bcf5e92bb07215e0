/* zg/erasure.h over the cpu backend: sizes 0 .. multi-MiB, every erasure
 * pattern for small k+m, repair, headers, and the documented errors. */
#include "config.h"

#include <zg/erasure.h>

#include "test_gpu_util.h"

static gf256_ref gf;

typedef struct coded {
    unsigned k, m;
    uint64_t sl;
    uint8_t *mem;
    uint8_t *sh[ZG_ERASURE_MAX_SHARDS];
    zg_erasure_header h;
} coded;

static int encode(zg_erasure *e, unsigned k, unsigned m, const uint8_t *data, size_t len, coded *c)
{
    c->k = k, c->m = m;
    c->sl = zg_erasure_shard_len(len, k);
    c->mem = xmalloc((k + m) * c->sl);
    memset(c->mem, 0xcc, (k + m) * c->sl);
    for (unsigned i = 0; i < k + m; i++) c->sh[i] = c->mem + i * c->sl;
    return zg_erasure_encode(e, k, m, data, len, c->sh, c->sl, &c->h);
}

/* layout and parity as documented: padded data shards, reference parity */
static int layout_ok(const coded *c, const uint8_t *data, size_t len)
{
    uint8_t *pad = xmalloc(c->k * c->sl);
    memset(pad, 0, c->k * c->sl);
    if (len) memcpy(pad, data, len);
    int good = memcmp(pad, c->mem, c->k * c->sl) == 0;
    const uint8_t *d[ZG_ERASURE_MAX_SHARDS];
    uint8_t *p[ZG_ERASURE_MAX_SHARDS];
    uint8_t *ref = xmalloc(c->m * c->sl);
    for (unsigned j = 0; j < c->k; j++) d[j] = pad + j * c->sl;
    for (unsigned i = 0; i < c->m; i++) p[i] = ref + i * c->sl;
    gf256_ref_encode(&gf, c->k, c->m, c->sl, d, p);
    good &= memcmp(ref, c->mem + c->k * c->sl, c->m * c->sl) == 0;
    free(pad);
    free(ref);
    return good;
}

static int next_comb(unsigned *c, unsigned r, unsigned n)
{
    int i = (int)r - 1;
    while (i >= 0 && c[i] == n - r + (unsigned)i) i--;
    if (i < 0) return 0;
    c[i]++;
    for (unsigned j = (unsigned)i + 1; j < r; j++) c[j] = c[j - 1] + 1;
    return 1;
}

/* reconstruct after erasing the shards in lost[0..r) */
static int recon_ok(zg_erasure *e, const coded *c, const uint8_t *data, size_t len, const unsigned *lost, unsigned r)
{
    const uint8_t *in[ZG_ERASURE_MAX_SHARDS];
    size_t sizes[ZG_ERASURE_MAX_SHARDS];
    for (unsigned i = 0; i < c->k + c->m; i++) in[i] = c->sh[i], sizes[i] = c->sl;
    for (unsigned i = 0; i < r; i++) in[lost[i]] = NULL;
    uint8_t *out = xmalloc(len + 1);
    out[len] = 0xee;
    int rc = zg_erasure_reconstruct(e, &c->h, in, sizes, out, len);
    int good = rc == ZG_OK && (len == 0 || memcmp(out, data, len) == 0) && out[len] == 0xee;
    free(out);
    return good;
}

static void all_patterns(zg_erasure *e, unsigned k, unsigned m, size_t len)
{
    uint8_t *data = xmalloc(len);
    fill_random(data, len);
    coded c;
    int rc = encode(e, k, m, data, len, &c);
    ok(rc == ZG_OK && layout_ok(&c, data, len), "encode k=%u m=%u len=%zu: padded data shards + reference parity", k, m,
       len);
    unsigned total = 0, good = 0, n = k + m;
    for (unsigned r = 0; r <= m; r++) {
        unsigned lost[ZG_ERASURE_MAX_SHARDS];
        for (unsigned i = 0; i < r; i++) lost[i] = i;
        do {
            total++;
            good += recon_ok(e, &c, data, len, lost, r);
        } while (r && next_comb(lost, r, n));
    }
    ok(good == total, "k=%u m=%u len=%zu: %u/%u erasure patterns (0..%u missing) give the original back", k, m, len,
       good, total, m);
    /* repair: every missing shard rebuilt equal to the original */
    if (m >= 2) {
        const uint8_t *in[ZG_ERASURE_MAX_SHARDS];
        uint8_t *rebuilt[ZG_ERASURE_MAX_SHARDS] = {0};
        for (unsigned i = 0; i < n; i++) in[i] = c.sh[i];
        unsigned a = 0, b = n - 1;
        in[a] = in[b] = NULL;
        rebuilt[a] = xmalloc(c.sl);
        rebuilt[b] = xmalloc(c.sl);
        rc = zg_erasure_repair(e, &c.h, in, NULL, rebuilt);
        ok(rc == ZG_OK && memcmp(rebuilt[a], c.sh[a], c.sl) == 0 && memcmp(rebuilt[b], c.sh[b], c.sl) == 0,
           "repair k=%u m=%u rebuilds data shard %u and parity shard %u", k, m, a, b);
        free(rebuilt[a]);
        free(rebuilt[b]);
    }
    free(c.mem);
    free(data);
}

/* big inputs: a handful of patterns */
static void some_patterns(zg_erasure *e, unsigned k, unsigned m, size_t len)
{
    uint8_t *data = xmalloc(len);
    fill_random(data, len);
    coded c;
    int rc = encode(e, k, m, data, len, &c);
    ok(rc == ZG_OK && c.h.length == len && c.h.k == k && c.h.m == m && c.h.shard_len == c.sl,
       "encode k=%u m=%u len=%zu (shard_len %llu)", k, m, len, (unsigned long long)c.sl);
    ok(layout_ok(&c, data, len), "k=%u m=%u len=%zu: layout and parity match the reference", k, m, len);
    unsigned lost_first[ZG_ERASURE_MAX_SHARDS], lost_last[ZG_ERASURE_MAX_SHARDS], lost_mix[2] = {1, k};
    for (unsigned i = 0; i < m; i++) lost_first[i] = i, lost_last[i] = k + i;
    ok(recon_ok(e, &c, data, len, lost_first, m), "k=%u m=%u len=%zu: first %u data shards lost", k, m, len, m);
    ok(recon_ok(e, &c, data, len, lost_last, m), "k=%u m=%u len=%zu: all parity lost", k, m, len);
    ok(recon_ok(e, &c, data, len, lost_mix, m < 2 ? m : 2), "k=%u m=%u len=%zu: data and parity lost", k, m, len);
    free(c.mem);
    free(data);
}

static void errors(zg_erasure *e)
{
    uint8_t data[1000];
    fill_random(data, sizeof data);
    uint8_t *sh[256];
    uint8_t mem[256 * 64];
    for (int i = 0; i < 256; i++) sh[i] = mem + i * 64;
    ok(zg_erasure_encode(e, 200, 56, data, 100, sh, 64, NULL) == ZG_ERANGE && strstr(zg_erasure_error(), "255"),
       "encode k+m=256 is ZG_ERANGE: %s", zg_erasure_error());
    ok(zg_erasure_encode(e, 0, 2, data, 100, sh, 64, NULL) == ZG_ERANGE, "encode k=0 is ZG_ERANGE: %s",
       zg_erasure_error());
    ok(zg_erasure_encode(e, 4, 2, data, 1000, sh, 64, NULL) == ZG_EINVAL, "encode into too small shards is EINVAL: %s",
       zg_erasure_error());
    ok(zg_erasure_encode(e, 4, 2, NULL, 10, sh, 64, NULL) == ZG_EINVAL, "encode NULL data is EINVAL");

    coded c;
    ok(encode(e, 4, 2, data, sizeof data, &c) == ZG_OK, "encode k=4 m=2 for the error cases");
    const uint8_t *in[6];
    size_t sizes[6];
    for (int i = 0; i < 6; i++) in[i] = c.sh[i], sizes[i] = c.sl;
    uint8_t out[1000];
    sizes[3] = c.sl - 1;
    ok(zg_erasure_reconstruct(e, &c.h, in, sizes, out, sizeof out) == ZG_EINVAL && strstr(zg_erasure_error(), "shard 3"),
       "mismatched shard size is EINVAL: %s", zg_erasure_error());
    sizes[3] = c.sl;
    in[0] = NULL;
    sizes[5] = c.sl + 64;
    ok(zg_erasure_reconstruct(e, &c.h, in, sizes, out, sizeof out) == ZG_EINVAL,
       "mismatched parity shard size is EINVAL when decoding: %s", zg_erasure_error());
    sizes[5] = c.sl;
    in[1] = in[2] = NULL;
    ok(zg_erasure_reconstruct(e, &c.h, in, sizes, out, sizeof out) == ZG_ECORRUPT && strstr(zg_erasure_error(), "need 4"),
       "3 of 6 shards with k=4 is ZG_ECORRUPT: %s", zg_erasure_error());
    uint8_t *rebuilt[6] = {out};
    ok(zg_erasure_repair(e, &c.h, in, sizes, rebuilt) == ZG_ECORRUPT, "repair with too few shards is ZG_ECORRUPT");
    in[1] = c.sh[1], in[2] = c.sh[2];
    ok(zg_erasure_reconstruct(e, &c.h, in, sizes, out, 999) == ZG_EINVAL, "output too small is EINVAL: %s",
       zg_erasure_error());
    zg_erasure_header bad = c.h;
    bad.shard_len += 64;
    ok(zg_erasure_reconstruct(e, &bad, in, sizes, out, sizeof out) == ZG_ECORRUPT,
       "inconsistent header is ZG_ECORRUPT: %s", zg_erasure_error());
    bad = c.h;
    bad.m = 252;
    ok(zg_erasure_reconstruct(e, &bad, in, NULL, out, sizeof out) == ZG_ERANGE, "header k+m > 255 is ZG_ERANGE");

    /* header serialization */
    uint8_t raw[ZG_ERASURE_HEADER_SIZE];
    zg_erasure_header back;
    ok(zg_erasure_header_encode(&c.h, raw) == ZG_OK && memcmp(raw, "ZGEC", 4) == 0 && raw[5] == 4 && raw[6] == 2 &&
           raw[8] == (1000 & 0xff) && raw[9] == (1000 >> 8),
       "header encodes as documented");
    ok(zg_erasure_header_decode(raw, sizeof raw, &back) == ZG_OK && back.k == 4 && back.m == 2 &&
           back.length == 1000 && back.shard_len == c.sl && back.version == 1,
       "header round-trips");
    ok(zg_erasure_header_decode(raw, 23, &back) == ZG_ECORRUPT, "short header is ZG_ECORRUPT");
    raw[0] = 'X';
    ok(zg_erasure_header_decode(raw, sizeof raw, &back) == ZG_ECORRUPT, "bad magic is ZG_ECORRUPT");
    raw[0] = 'Z';
    raw[16]++;
    ok(zg_erasure_header_decode(raw, sizeof raw, &back) == ZG_ECORRUPT, "wrong shard_len is ZG_ECORRUPT: %s",
       zg_erasure_error());
    raw[16]--;
    raw[6] = 252;
    ok(zg_erasure_header_decode(raw, sizeof raw, &back) == ZG_ECORRUPT, "k+m > 255 in a header is ZG_ECORRUPT: %s",
       zg_erasure_error());
    raw[6] = 2;
    for (int i = 8; i < 16; i++) raw[i] = 0xff;
    ok(zg_erasure_header_decode(raw, sizeof raw, &back) == ZG_ECORRUPT, "absurd length is ZG_ECORRUPT");
    free(c.mem);
}

int main(void)
{
    char why[512];
    gf256_ref_init(&gf);
    gpu_t t;
    if (gpu_load(&t, "cpu", NULL, why, sizeof why) != 0) {
        ok(0, "load the cpu backend: %s", why);
        return tap_done();
    }
    zg_erasure *e = NULL;
    ok(zg_erasure_new(t.g, t.st, -1, &e) == ZG_OK && e, "erasure context on the cpu backend");
    if (!e) return tap_done();
    ok(zg_erasure_new(t.g, t.st, 7, &(zg_erasure *){NULL}) == ZG_ENOTFOUND, "bad device index: %s", zg_erasure_error());

    ok(zg_erasure_shard_len(0, 4) == 64 && zg_erasure_shard_len(1, 4) == 64 && zg_erasure_shard_len(256, 4) == 64 &&
           zg_erasure_shard_len(257, 4) == 128 && zg_erasure_shard_len(1000, 0) == 0,
       "shard_len as documented");

    static const size_t small[] = {0, 1, 2, 63, 64, 65, 255, 1000, 4097};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        all_patterns(e, 4, 2, small[i]);
        all_patterns(e, 5, 3, small[i]);
    }
    all_patterns(e, 1, 0, 77);
    all_patterns(e, 1, 3, 77);
    all_patterns(e, 3, 1, 12345);
    some_patterns(e, 10, 4, (3u << 20) + 7);
    some_patterns(e, 32, 8, (5u << 20) + 1);
    some_patterns(e, 200, 55, 1u << 20);
    errors(e);
    zg_erasure_free(e);
    gpu_unload(&t);
    return tap_done();
}
