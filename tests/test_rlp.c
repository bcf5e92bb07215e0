/* test_rlp: RLP encoder/decoder.
 *
 * 1. Every vector of $ZG_ETH_TESTS/RLPTests (all *.json, recursively), in the
 *    ethereum/tests format {"name": {"in": ..., "out": "0x..."}}:
 *      - "in": "INVALID"  -> out must be rejected;
 *      - "in": "VALID"    -> out must decode, and re-encode to exactly out;
 *      - otherwise "in" is the value: strings are bytes, JSON integers and
 *        "#<decimal>" strings are (big) integers encoded big-endian without
 *        leading zeros, arrays are lists.  Encoding in must give out, and out
 *        must decode to in and re-encode to exactly out.
 * 2. Unit tests of strictness (with reason strings), scalars, the encoder's
 *    header boundaries, deep nesting and random round trips. */
#include <dirent.h>
#include <openssl/bn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zg/hex.h>
#include <zg/rlp.h>

#include "tap.h"

/* ------------------------------------------------------------ helpers -- */

/* the bytes a JSON scalar from the fixtures stands for; 0 on success */
static int json_scalar_bytes(json_t *v, uint8_t **out, size_t *n)
{
    if (json_is_integer(v)) {
        json_int_t x = json_integer_value(v);
        if (x < 0) return -1;
        uint8_t *b = malloc(8);
        size_t k = 0;
        for (int i = 7; i >= 0; i--) {
            uint8_t byte = (uint8_t)((uint64_t)x >> (8 * i));
            if (byte || k) b[k++] = byte;
        }
        *out = b, *n = k;
        return 0;
    }
    if (!json_is_string(v)) return -1;
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (len > 1 && s[0] == '#') { /* big integer in decimal */
        BIGNUM *bn = NULL;
        if (!BN_dec2bn(&bn, s + 1) || (size_t)BN_dec2bn(&bn, s + 1) != len - 1 || BN_is_negative(bn)) {
            BN_free(bn);
            return -1;
        }
        *n = (size_t)BN_num_bytes(bn);
        *out = malloc(*n + 1);
        BN_bn2bin(bn, *out); /* minimal big-endian, zero -> no bytes */
        BN_free(bn);
        return 0;
    }
    *out = malloc(len + 1);
    memcpy(*out, s, len);
    *n = len;
    return 0;
}

static int encode_json(zg_rlp_buf *b, json_t *v)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        zg_rlp_list_begin(b);
        json_array_foreach(v, i, e) if (encode_json(b, e)) return -1;
        zg_rlp_list_end(b);
        return 0;
    }
    uint8_t *bytes;
    size_t n;
    if (json_scalar_bytes(v, &bytes, &n)) return -1;
    zg_rlp_put_bytes(b, bytes, n);
    free(bytes);
    return 0;
}

/* does the decoded item equal the JSON value? */
static int match_json(const zg_rlp_item *it, json_t *v)
{
    if (json_is_array(v)) {
        if (!it->is_list) return 0;
        zg_rlp_iter iter;
        zg_rlp_item e;
        size_t i = 0;
        zg_rlp_iter_init(&iter, it);
        while (zg_rlp_iter_next(&iter, &e, NULL) == 1) {
            if (i >= json_array_size(v) || !match_json(&e, json_array_get(v, i))) return 0;
            i++;
        }
        return i == json_array_size(v);
    }
    uint8_t *bytes;
    size_t n;
    if (it->is_list || json_scalar_bytes(v, &bytes, &n)) return 0;
    int eq = n == it->len && (n == 0 || memcmp(bytes, it->data, n) == 0);
    free(bytes);
    return eq;
}

/* re-encode a decoded tree item by item */
static void reencode(zg_rlp_buf *b, const zg_rlp_item *it, int depth)
{
    if (!it->is_list) {
        zg_rlp_put_bytes(b, it->data, it->len);
        return;
    }
    if (depth >= 30) { /* builder nests 32 deep at most; validated raw bytes are canonical */
        zg_rlp_put_raw(b, it->raw, it->raw_len);
        return;
    }
    zg_rlp_iter iter;
    zg_rlp_item e;
    zg_rlp_list_begin(b);
    zg_rlp_iter_init(&iter, it);
    while (zg_rlp_iter_next(&iter, &e, NULL) == 1) reencode(b, &e, depth + 1);
    zg_rlp_list_end(b);
}

static int same(const zg_rlp_buf *b, const uint8_t *p, size_t n)
{
    return !b->oom && b->len == n && (n == 0 || memcmp(b->data, p, n) == 0);
}

/* ----------------------------------------------------------- fixtures -- */

static int nvec, nvalid, ninvalid, nfiles;

static void run_vector(const char *file, const char *name, json_t *t)
{
    json_t *in = json_object_get(t, "in"), *outj = json_object_get(t, "out");
    if (!in || !json_is_string(outj)) {
        ok(0, "%s/%s: malformed vector", file, name);
        return;
    }
    const char *hex = json_string_value(outj);
    size_t hl = json_string_length(outj);
    if (hl >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex += 2, hl -= 2;
    uint8_t *out = malloc(hl / 2 + 1);
    size_t n = hl / 2;
    int hex_ok = zg_hex_decode(hex, hl, out) == ZG_OK;
    zg_rlp_item it;
    const char *why = NULL;
    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    nvec++;

    if (json_is_string(in) && strcmp(json_string_value(in), "INVALID") == 0) {
        ninvalid++;
        int rc = hex_ok ? zg_rlp_decode(out, n, &it, &why) : ZG_EINVAL;
        ok(rc == ZG_EINVAL && (!hex_ok || why), "%s/%s: INVALID rejected (%s)", file, name,
           hex_ok ? (why ? why : "no reason!") : "bad hex");
    } else if (json_is_string(in) && strcmp(json_string_value(in), "VALID") == 0) {
        nvalid++;
        int rc = hex_ok ? zg_rlp_decode(out, n, &it, &why) : ZG_EINVAL;
        if (rc == ZG_OK) reencode(&b, &it, 0);
        ok(rc == ZG_OK && same(&b, out, n), "%s/%s: VALID decodes and re-encodes to out%s%s", file, name,
           rc ? ": " : "", rc ? (why ? why : "bad hex") : "");
    } else {
        nvalid++;
        int enc_ok = encode_json(&b, in) == 0 && hex_ok && same(&b, out, n);
        int rc = hex_ok ? zg_rlp_decode(out, n, &it, &why) : ZG_EINVAL;
        int dec_ok = rc == ZG_OK && match_json(&it, in);
        zg_rlp_buf_reset(&b);
        if (rc == ZG_OK) reencode(&b, &it, 0);
        int re_ok = rc == ZG_OK && same(&b, out, n);
        ok(enc_ok && dec_ok && re_ok, "%s/%s: encode(in) == out%s, decode(out) == in%s, re-encode%s", file, name,
           enc_ok ? "" : " FAILED", dec_ok ? "" : " FAILED", re_ok ? "" : " FAILED");
    }
    zg_rlp_buf_free(&b);
    free(out);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* every *.json under dir, recursively, in sorted order */
static void run_dir(const char *dir, const char *rel)
{
    DIR *d = opendir(dir);
    if (!d) {
        ok(0, "cannot open fixture directory %s", dir);
        return;
    }
    char **names = NULL;
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        names = realloc(names, (nn + 1) * sizeof *names);
        names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_str);
    for (size_t i = 0; i < nn; i++) {
        char path[4096], sub[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", names[i]);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            run_dir(path, sub);
        } else if (strlen(names[i]) > 5 && strcmp(names[i] + strlen(names[i]) - 5, ".json") == 0) {
            json_error_t err;
            json_t *root = json_load_file(path, JSON_ALLOW_NUL, &err);
            nfiles++;
            if (!json_is_object(root)) {
                ok(0, "%s: cannot parse: %s (line %d)", sub, err.text, err.line);
            } else {
                const char *key;
                json_t *v;
                json_object_foreach(root, key, v) run_vector(sub, key, v);
            }
            json_decref(root);
        }
        free(names[i]);
    }
    free(names);
}

static void test_fixtures(void)
{
    const char *root = tap_env("ZG_ETH_TESTS", NULL);
    char dir[4096];
    struct stat st;
    if (!root) {
        ok(0, "ZG_ETH_TESTS is not set: cannot find RLPTests");
        return;
    }
    snprintf(dir, sizeof dir, "%s/RLPTests", root);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        ok(0, "RLPTests fixture directory missing: %s", dir);
        return;
    }
    run_dir(dir, "RLPTests");
    diag("RLPTests: %d vectors run from %d files (%d valid, %d invalid)", nvec, nfiles, nvalid, ninvalid);
    printf("RLPTests vectors run: %d\n", nvec);
    ok(nvec > 0 && nvalid > 0 && ninvalid > 0, "RLPTests: %d vectors run", nvec);
}

/* -------------------------------------------------------------- units -- */

static uint64_t rng = 0x853c49e6748fea9bULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

/* decode hex, expect rejection with the given reason */
static void reject(const char *hex, const char *reason)
{
    uint8_t buf[256];
    size_t n = strlen(hex) / 2;
    zg_rlp_item it;
    const char *why = NULL;
    zg_hex_decode(hex, 2 * n, buf);
    int rc = zg_rlp_decode(buf, n, &it, &why);
    int good = rc == ZG_EINVAL && why && strcmp(why, reason) == 0;
    ok(good, "reject %s: %s%s%s", hex, reason, good ? "" : " -- got: ", good ? "" : why ? why : "accepted");
}

static void accept(const char *hex)
{
    uint8_t buf[256];
    size_t n = strlen(hex) / 2;
    zg_rlp_item it;
    const char *why = NULL;
    zg_hex_decode(hex, 2 * n, buf);
    int rc = zg_rlp_decode(buf, n, &it, &why);
    ok(rc == ZG_OK && it.raw == buf && it.raw_len == n, "accept %s%s%s", hex, why ? ": " : "", why ? why : "");
}

static void test_strict(void)
{
    zg_rlp_item it;
    const char *why = NULL;
    ok(zg_rlp_decode(NULL, 0, &it, &why) == ZG_EINVAL && why && !strcmp(why, "empty input"), "empty input rejected");
    accept("00");
    accept("7f");
    accept("80");
    accept("8180");
    accept("81ff");
    accept("c0");
    accept("c180");
    accept("c3c1c0c0");
    reject("8100", "single byte below 0x80 encoded as a string");
    reject("817f", "single byte below 0x80 encoded as a string");
    reject("c28100", "single byte below 0x80 encoded as a string"); /* nested */
    reject("81", "string payload truncated");
    reject("83646f", "string payload truncated");
    reject("c3", "list payload truncated");
    reject("c38080", "list payload truncated");
    reject("c2c28080", "list payload truncated"); /* inner list overruns its parent */
    reject("c3c2828080", "string payload truncated"); /* element overruns its list */
    reject("b8", "length bytes truncated");
    reject("b900", "length bytes truncated");
    reject("f8", "length bytes truncated");
    reject("b800", "leading zero in length");
    reject("f90000", "leading zero in length");
    reject("b80100", "long form used for a length below 56");
    reject("b837" "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
           "long form used for a length below 56");
    reject("f80180", "long form used for a length below 56");
    reject("bf0f000000000000021111", "string payload truncated"); /* 64-bit length */
    reject("ffffffffffffffffff0001020304050607", "list payload truncated");
    reject("8000", "trailing bytes after the item");
    reject("c0c0", "trailing bytes after the item");
    reject("0000", "trailing bytes after the item");
    accept("b838" "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000");

    /* decode_prefix allows trailing bytes and reports the size used */
    uint8_t two[] = {0x83, 'd', 'o', 'g', 0xc0};
    size_t used = 0;
    ok(zg_rlp_decode_prefix(two, sizeof two, &it, &used, NULL) == ZG_OK && used == 4 && it.len == 3 &&
           !memcmp(it.data, "dog", 3) && !it.is_list,
       "decode_prefix: first of two items");
    ok(zg_rlp_decode_prefix(two + 4, 1, &it, &used, NULL) == ZG_OK && used == 1 && it.is_list && it.len == 0,
       "decode_prefix: second item");
    ok(zg_rlp_decode_prefix(two, 3, &it, &used, &why) == ZG_EINVAL, "decode_prefix: truncated item rejected");
}

static void test_iter_scalars(void)
{
    /* ["cat", ["puppy", "cow"], "horse", [[]], "pig", [""], "sheep"] */
    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    zg_rlp_list_begin(&b);
    zg_rlp_put_bytes(&b, "cat", 3);
    zg_rlp_list_begin(&b);
    zg_rlp_put_bytes(&b, "puppy", 5);
    zg_rlp_put_bytes(&b, "cow", 3);
    zg_rlp_list_end(&b);
    zg_rlp_put_bytes(&b, "horse", 5);
    zg_rlp_list_begin(&b);
    zg_rlp_list_begin(&b);
    zg_rlp_list_end(&b);
    zg_rlp_list_end(&b);
    zg_rlp_put_bytes(&b, "pig", 3);
    zg_rlp_list_begin(&b);
    zg_rlp_put_bytes(&b, "", 0);
    zg_rlp_list_end(&b);
    zg_rlp_put_bytes(&b, "sheep", 5);
    zg_rlp_list_end(&b);
    uint8_t buf[64];
    zg_rlp_item l, e;
    zg_rlp_iter iter;
    size_t n = b.len;
    ok(!b.oom && n == 36 && n <= sizeof buf, "built a 36-byte nested list");
    memcpy(buf, b.data, n);
    zg_rlp_buf_free(&b);
    ok(zg_rlp_decode(buf, n, &l, NULL) == ZG_OK && l.is_list, "decode nested list");
    ok(zg_rlp_list_count(&l) == 7, "list_count = 7");
    zg_rlp_iter_init(&iter, &l);
    int k = 0, good = 1;
    const char *want[] = {"cat", NULL, "horse", NULL, "pig", NULL, "sheep"};
    while (zg_rlp_iter_next(&iter, &e, NULL) == 1) {
        if (want[k] ? (e.is_list || e.len != strlen(want[k]) || memcmp(e.data, want[k], e.len)) : !e.is_list) good = 0;
        if (k == 1 && zg_rlp_list_count(&e) != 2) good = 0;
        k++;
    }
    ok(good && k == 7, "iterate elements");
    ok(zg_rlp_list_count(&(zg_rlp_item){.data = buf, .len = 3, .is_list = 0}) == ZG_EINVAL,
       "list_count of a string is EINVAL");
    zg_rlp_iter_init(&iter, &(zg_rlp_item){.data = (const uint8_t *)"abc", .len = 3, .is_list = 0});
    ok(zg_rlp_iter_next(&iter, &e, NULL) == 0, "a string has no elements");
    /* an ill-formed list payload handed to the iterator */
    const char *why = NULL;
    zg_rlp_iter_init(&iter, &(zg_rlp_item){.data = (const uint8_t *)"\x83" "ab", .len = 3, .is_list = 1});
    ok(zg_rlp_iter_next(&iter, &e, &why) == ZG_EINVAL && why, "iterator reports malformed element (%s)", why);

    uint64_t v;
    uint8_t be[32];
#define ITEM(s, n) (&(zg_rlp_item){.data = (const uint8_t *)(s), .len = (n), .is_list = 0})
    ok(zg_rlp_to_u64(ITEM("", 0), &v) == ZG_OK && v == 0, "u64: empty string is 0");
    ok(zg_rlp_to_u64(ITEM("\x7f", 1), &v) == ZG_OK && v == 127, "u64: 0x7f");
    ok(zg_rlp_to_u64(ITEM("\x04\x00", 2), &v) == ZG_OK && v == 1024, "u64: 1024");
    ok(zg_rlp_to_u64(ITEM("\xff\xff\xff\xff\xff\xff\xff\xff", 8), &v) == ZG_OK && v == UINT64_MAX, "u64: max");
    ok(zg_rlp_to_u64(ITEM("\x01\x00\x00\x00\x00\x00\x00\x00\x00", 9), &v) == ZG_ERANGE, "u64: 9 bytes is ERANGE");
    ok(zg_rlp_to_u64(ITEM("\x00", 1), &v) == ZG_EINVAL, "u64: 0x00 (non-canonical zero) rejected");
    ok(zg_rlp_to_u64(ITEM("\x00\x01", 2), &v) == ZG_EINVAL, "u64: leading zero rejected");
    ok(zg_rlp_to_u64(&(zg_rlp_item){.data = buf, .len = 0, .is_list = 1}, &v) == ZG_EINVAL, "u64: a list is EINVAL");
    uint8_t x33[33] = {1};
    ok(zg_rlp_to_be32(ITEM(x33, 32), be) == ZG_OK && be[0] == 1 && be[31] == 0, "be32: 32 bytes");
    ok(zg_rlp_to_be32(ITEM(x33, 33), be) == ZG_ERANGE, "be32: 33 bytes is ERANGE");
    ok(zg_rlp_to_be32(ITEM("\x12\x34", 2), be) == ZG_OK && be[30] == 0x12 && be[31] == 0x34 && be[0] == 0,
       "be32: right-aligned");
    ok(zg_rlp_to_be32(ITEM("\x00\x34", 2), be) == ZG_EINVAL, "be32: leading zero rejected");
#undef ITEM
}

static int buf_is(zg_rlp_buf *b, const char *hex)
{
    char h[512];
    if (b->oom || b->len * 2 >= sizeof h) return 0;
    zg_hex_encode(b->data, b->len, h);
    if (strcmp(h, hex)) diag("got %s want %s", h, hex);
    return strcmp(h, hex) == 0;
}

static void test_encoder(void)
{
    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    static const struct {
        uint64_t v;
        const char *hex;
    } u[] = {{0, "80"}, {1, "01"}, {0x7f, "7f"}, {0x80, "8180"}, {1024, "820400"},
             {0xffffffffffffffffULL, "88ffffffffffffffff"}};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        zg_rlp_buf_reset(&b);
        zg_rlp_put_u64(&b, u[i].v);
        ok(buf_is(&b, u[i].hex), "put_u64 -> %s", u[i].hex);
    }
    uint8_t be[32] = {0};
    zg_rlp_buf_reset(&b);
    zg_rlp_put_be32(&b, be);
    ok(buf_is(&b, "80"), "put_be32(0) -> 80");
    be[31] = 5, be[30] = 1;
    zg_rlp_buf_reset(&b);
    zg_rlp_put_be32(&b, be);
    ok(buf_is(&b, "820105"), "put_be32(0x105) -> 820105");
    zg_rlp_buf_reset(&b);
    zg_rlp_put_bytes(&b, NULL, 0);
    zg_rlp_put_bytes(&b, "\x00", 1);
    zg_rlp_put_bytes(&b, "\x80", 1);
    ok(buf_is(&b, "80008180"), "put_bytes: empty, 0x00, 0x80");

    /* header boundaries: string lengths 55/56/255/256/65535/65536, lists likewise */
    static const size_t sl[] = {55, 56, 255, 256, 65535, 65536, 1 << 24};
    uint8_t *big = malloc((1 << 24) + 8);
    memset(big, 'z', (1 << 24) + 8);
    for (size_t i = 0; i < sizeof sl / sizeof sl[0]; i++) {
        size_t n = sl[i], hdr = n < 56 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : n < (1 << 24) ? 4 : 5;
        zg_rlp_item it;
        zg_rlp_buf_reset(&b);
        zg_rlp_put_bytes(&b, big, n);
        int good = !b.oom && b.len == n + hdr && b.data[0] == (n < 56 ? 0x80 + n : 0xb7 + hdr - 1) &&
                   zg_rlp_decode(b.data, b.len, &it, NULL) == ZG_OK && it.len == n && !it.is_list;
        ok(good, "string of %zu bytes: %zu-byte header, decodes", n, hdr);

        /* a list whose payload is n bytes: n - 1 single bytes... built from 'z' strings */
        zg_rlp_buf_reset(&b);
        zg_rlp_list_begin(&b);
        for (size_t k = 0; k < n; k++) zg_rlp_put_bytes(&b, "z", 1);
        zg_rlp_list_end(&b);
        good = !b.oom && b.len == n + hdr && b.data[0] == (n < 56 ? 0xc0 + n : 0xf7 + hdr - 1) &&
               zg_rlp_decode(b.data, b.len, &it, NULL) == ZG_OK && it.len == n && it.is_list &&
               zg_rlp_list_count(&it) == (int)n;
        ok(good, "list with %zu-byte payload: %zu-byte header, decodes", n, hdr);
    }
    /* long inner list inside an outer list: the header fix-up moves data */
    zg_rlp_buf_reset(&b);
    zg_rlp_list_begin(&b);
    zg_rlp_put_bytes(&b, "ab", 2);
    zg_rlp_list_begin(&b);
    zg_rlp_put_bytes(&b, big, 60);
    zg_rlp_list_end(&b);
    zg_rlp_put_u64(&b, 7);
    zg_rlp_list_end(&b);
    {
        zg_rlp_item it, e;
        zg_rlp_iter iter;
        int good = !b.oom && zg_rlp_decode(b.data, b.len, &it, NULL) == ZG_OK && zg_rlp_list_count(&it) == 3;
        zg_rlp_iter_init(&iter, &it);
        good = good && zg_rlp_iter_next(&iter, &e, NULL) == 1 && e.len == 2;
        good = good && zg_rlp_iter_next(&iter, &e, NULL) == 1 && e.is_list && e.len == 62 && e.raw[0] == 0xf8;
        good = good && zg_rlp_iter_next(&iter, &e, NULL) == 1 && e.len == 1 && e.data[0] == 7;
        ok(good && b.len == 1 + 1 + 3 + 2 + 62 + 1 && b.data[0] == 0xf8 && b.data[1] == 68,
           "nested long list: headers fixed up");
    }
    free(big);

    zg_rlp_buf_reset(&b);
    zg_rlp_list_begin(&b);
    zg_rlp_put_raw(&b, "\x83" "dog", 4);
    zg_rlp_list_end(&b);
    ok(buf_is(&b, "c483646f67"), "put_raw inside a list");

    zg_rlp_buf_reset(&b);
    for (int i = 0; i < 32; i++) zg_rlp_list_begin(&b);
    ok(!b.oom, "32 nested lists fit");
    zg_rlp_list_begin(&b);
    ok(b.oom, "33rd nested list sets the error flag");
    zg_rlp_buf_reset(&b);
    ok(!b.oom && b.len == 0 && b.depth == 0, "reset clears the error");
    zg_rlp_list_end(&b);
    ok(b.oom, "list_end without list_begin sets the error flag");
    zg_rlp_buf_free(&b);
    ok(b.data == NULL && b.len == 0 && b.cap == 0, "buf_free leaves an empty buffer");
}

/* 200000 nested empty lists, checked without recursion */
static void test_deep(void)
{
    enum { D = 200000 };
    size_t *len = malloc((D + 1) * sizeof *len);
    len[0] = 1; /* c0 */
    for (int i = 1; i <= D; i++) {
        size_t p = len[i - 1];
        len[i] = p + (p < 56 ? 1 : p < 256 ? 2 : p < 65536 ? 3 : p < (1u << 24) ? 4 : 5);
    }
    uint8_t *buf = malloc(len[D]), *w = buf;
    for (int i = D; i >= 1; i--) { /* header of level i wraps a payload of len[i-1] */
        zg_rlp_buf hb;
        zg_rlp_buf_init(&hb);
        size_t p = len[i - 1];
        size_t h = len[i] - p;
        w[0] = (uint8_t)(h == 1 ? 0xc0 + p : 0xf7 + h - 1);
        for (size_t k = 1; k < h; k++) w[k] = (uint8_t)(p >> (8 * (h - 1 - k)));
        w += h;
    }
    *w = 0xc0;
    zg_rlp_item it;
    const char *why = NULL;
    ok(zg_rlp_decode(buf, len[D], &it, &why) == ZG_OK, "%d nested lists decode (%s)", D, why ? why : "ok");
    buf[len[D] - 1] = 0x80; /* innermost c0 -> 80: still valid */
    ok(zg_rlp_decode(buf, len[D], &it, NULL) == ZG_OK, "deepest element replaced: still valid");
    buf[len[D] - 1] = 0x81; /* innermost becomes a truncated string */
    ok(zg_rlp_decode(buf, len[D], &it, &why) == ZG_EINVAL, "error at depth %d found (%s)", D, why);
    free(buf);
    free(len);
}

/* random trees: builder -> decode -> re-encode */
static void build_random(zg_rlp_buf *b, int depth)
{
    int kind = depth >= 6 ? (int)(rnd() % 3) : (int)(rnd() % 4);
    if (kind == 3) {
        zg_rlp_list_begin(b);
        for (int n = (int)(rnd() % 6); n > 0; n--) build_random(b, depth + 1);
        zg_rlp_list_end(b);
    } else if (kind == 2) {
        zg_rlp_put_u64(b, rnd() >> (rnd() % 64));
    } else {
        uint8_t s[300];
        size_t n = rnd() % 4 == 0 ? rnd() % 300 : rnd() % 3;
        for (size_t i = 0; i < n; i++) s[i] = (uint8_t)(rnd() % 3 ? rnd() : rnd() % 0x80);
        zg_rlp_put_bytes(b, s, n);
    }
}

static void test_random(void)
{
    int bad = 0;
    zg_rlp_buf a, c;
    zg_rlp_buf_init(&a);
    zg_rlp_buf_init(&c);
    for (int rep = 0; rep < 2000; rep++) {
        zg_rlp_item it;
        zg_rlp_buf_reset(&a);
        zg_rlp_buf_reset(&c);
        build_random(&a, 0);
        if (a.oom || zg_rlp_decode(a.data, a.len, &it, NULL) != ZG_OK) {
            bad++;
            continue;
        }
        reencode(&c, &it, 0);
        if (!same(&c, a.data, a.len)) bad++;
        /* every strict prefix is rejected (truncated input) */
        if (a.len > 1 && zg_rlp_decode(a.data, a.len - 1 - rnd() % (a.len - 1), &it, NULL) != ZG_EINVAL) bad++;
    }
    ok(!bad, "2000 random trees: encode/decode/re-encode identical, truncations rejected (%d bad)", bad);
    zg_rlp_buf_free(&a);
    zg_rlp_buf_free(&c);
}

int main(void)
{
    test_fixtures();
    test_strict();
    test_iter_scalars();
    test_encoder();
    test_deep();
    test_random();
    return tap_done();
}
