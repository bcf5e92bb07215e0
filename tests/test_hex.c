/* test_hex: hex, JSON-RPC QUANTITY and DATA codecs and their jansson helpers.
 * Accept/reject rules from the Ethereum execution-apis spec: "0x" prefix
 * required; QUANTITY without leading zeros ("0x0" for zero, "0x" invalid);
 * DATA with two digits per byte ("0x" is empty data). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>

#include "tap.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static void test_hex(void)
{
    char s[2 * 32 + 1];
    uint8_t b[32];
    zg_hex_encode("\x00\x01\xab\xff", 4, s);
    ok(strcmp(s, "0001abff") == 0, "hex encode: %s", s);
    zg_hex_encode("", 0, s);
    ok(s[0] == 0, "hex encode of nothing is the empty string");
    ok(zg_hex_decode("0001aBfF", 8, b) == ZG_OK && memcmp(b, "\x00\x01\xab\xff", 4) == 0,
       "hex decode accepts either case");
    ok(zg_hex_decode("", 0, b) == ZG_OK, "hex decode of nothing");
    ok(zg_hex_decode("abc", 3, b) == ZG_EINVAL, "hex decode rejects an odd length");
    ok(zg_hex_decode("0g", 2, b) == ZG_EINVAL, "hex decode rejects 'g'");
    ok(zg_hex_decode("0x00", 4, b) == ZG_EINVAL, "hex decode takes no prefix");
    ok(zg_hex_decode("1 ", 2, b) == ZG_EINVAL, "hex decode rejects a space");
    ok(zg_hex_decode("\xc1\xc6", 2, b) == ZG_EINVAL, "hex decode rejects non-ASCII bytes");
    int bad = 0;
    for (int c = 0; c < 256; c++) {
        char in[2] = {'0', (char)c};
        int want = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if ((zg_hex_decode(in, 2, b) == ZG_OK) != want) bad++, diag("byte 0x%02x misclassified", c);
    }
    ok(!bad, "hex decode accepts exactly [0-9a-fA-F] (all 256 byte values)");
    bad = 0;
    for (int rep = 0; rep < 200; rep++) {
        uint8_t in[32], out[32];
        size_t n = rnd() % 33;
        for (size_t i = 0; i < n; i++) in[i] = (uint8_t)rnd();
        zg_hex_encode(in, n, s);
        if (strlen(s) != 2 * n || zg_hex_decode(s, 2 * n, out) || memcmp(in, out, n)) bad++;
    }
    ok(!bad, "hex round trip, 200 random strings");
}

static void test_data(void)
{
    uint8_t b[8];
    size_t n = 99;
    char *s;

    ok(zg_data_decode("0x", b, sizeof b, &n) == ZG_OK && n == 0, "DATA \"0x\" is empty");
    ok(zg_data_decode("0x41", b, sizeof b, &n) == ZG_OK && n == 1 && b[0] == 0x41, "DATA 0x41");
    ok(zg_data_decode("0x004200", b, sizeof b, &n) == ZG_OK && n == 3 && !memcmp(b, "\x00\x42\x00", 3),
       "DATA keeps leading zero bytes");
    ok(zg_data_decode("0xDEADbeef", b, sizeof b, &n) == ZG_OK && n == 4 && !memcmp(b, "\xde\xad\xbe\xef", 4),
       "DATA digits in either case");
    ok(zg_data_decode("0x0102030405060708", b, 8, &n) == ZG_OK && n == 8, "DATA exactly cap bytes");
    ok(zg_data_decode("0x010203040506070809", b, 8, &n) == ZG_ERANGE, "DATA over cap: ERANGE");
    ok(zg_data_decode("0x", NULL, 0, &n) == ZG_OK && n == 0, "DATA empty into a NULL buffer");
    ok(zg_data_decode("0x004", b, sizeof b, &n) == ZG_EINVAL, "DATA odd digit count rejected");
    ok(zg_data_decode("0x0", b, sizeof b, &n) == ZG_EINVAL, "DATA \"0x0\" rejected (odd)");
    ok(zg_data_decode("", b, sizeof b, &n) == ZG_EINVAL, "DATA empty string rejected");
    ok(zg_data_decode("0", b, sizeof b, &n) == ZG_EINVAL, "DATA \"0\" rejected");
    ok(zg_data_decode("41", b, sizeof b, &n) == ZG_EINVAL, "DATA without prefix rejected");
    ok(zg_data_decode("0X41", b, sizeof b, &n) == ZG_EINVAL, "DATA with 0X prefix rejected");
    ok(zg_data_decode("x41", b, sizeof b, &n) == ZG_EINVAL, "DATA with x prefix rejected");
    ok(zg_data_decode("0x4g", b, sizeof b, &n) == ZG_EINVAL, "DATA bad digit rejected");
    ok(zg_data_decode(" 0x41", b, sizeof b, &n) == ZG_EINVAL, "DATA leading space rejected");
    ok(zg_data_decode("0x41 ", b, sizeof b, &n) == ZG_EINVAL, "DATA trailing space rejected");
    ok(zg_data_decode("0x-1", b, sizeof b, &n) == ZG_EINVAL, "DATA sign rejected");
    ok(zg_data_decode("0x0x41", b, sizeof b, &n) == ZG_EINVAL, "DATA double prefix rejected");
    ok(zg_data_decode(NULL, b, sizeof b, &n) == ZG_EINVAL, "DATA NULL rejected");
    ok(zg_data_decode("0xzz0102030405060708", b, 8, &n) == ZG_EINVAL, "DATA: bad digit beats over-cap");

    s = zg_data_encode("\x00\xff\x10", 3);
    ok(s && strcmp(s, "0x00ff10") == 0, "DATA encode: %s", s ? s : "(null)");
    free(s);
    s = zg_data_encode(NULL, 0);
    ok(s && strcmp(s, "0x") == 0, "DATA encode of nothing: 0x");
    free(s);
}

static void test_quantity(void)
{
    uint64_t v;
    char s[67];
    uint8_t be[32], want[32];

    static const struct {
        const char *s;
        uint64_t v;
    } good[] = {
        {"0x0", 0},         {"0x1", 1},        {"0x41", 65},          {"0x400", 1024},
        {"0xA", 10},        {"0xfF", 255},     {"0x7fffffffffffffff", 0x7fffffffffffffffULL},
        {"0xffffffffffffffff", UINT64_MAX},    {"0x1000000000000000", 0x1000000000000000ULL},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ok(zg_quantity_decode_u64(good[i].s, &v) == ZG_OK && v == good[i].v, "QUANTITY %s accepted", good[i].s);

    static const struct {
        const char *s;
        int rc;
    } bad[] = {
        {"0x", ZG_EINVAL},   /* no digits */
        {"0x00", ZG_EINVAL}, /* leading zero */
        {"0x0400", ZG_EINVAL},
        {"0x01", ZG_EINVAL},
        {"0x000000000000000001", ZG_EINVAL}, /* leading zeros even if it would fit */
        {"400", ZG_EINVAL},                  /* prefix required */
        {"0", ZG_EINVAL},
        {"", ZG_EINVAL},
        {"0X1", ZG_EINVAL},
        {"0xg", ZG_EINVAL},
        {"0x1 ", ZG_EINVAL},
        {" 0x1", ZG_EINVAL},
        {"-0x1", ZG_EINVAL},
        {"0x-1", ZG_EINVAL},
        {"0x+1", ZG_EINVAL},
        {"1e3", ZG_EINVAL},
        {"0x10000000000000000", ZG_ERANGE}, /* 2^64 */
        {"0xffffffffffffffffff", ZG_ERANGE},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ok(zg_quantity_decode_u64(bad[i].s, &v) == bad[i].rc, "QUANTITY \"%s\" rejected (%d)", bad[i].s, bad[i].rc);
    ok(zg_quantity_decode_u64(NULL, &v) == ZG_EINVAL, "QUANTITY NULL rejected");

    static const struct {
        uint64_t v;
        const char *s;
    } enc[] = {{0, "0x0"}, {1, "0x1"}, {65, "0x41"}, {1024, "0x400"}, {0xabcdef, "0xabcdef"},
               {UINT64_MAX, "0xffffffffffffffff"}, {0x8000000000000000ULL, "0x8000000000000000"}};
    for (size_t i = 0; i < sizeof enc / sizeof enc[0]; i++) {
        int n = zg_quantity_encode_u64(enc[i].v, s);
        ok(strcmp(s, enc[i].s) == 0 && n == (int)strlen(enc[i].s), "QUANTITY encode -> %s", s);
    }
    int nbad = 0;
    for (int rep = 0; rep < 1000; rep++) {
        uint64_t x = rnd() >> (rnd() % 64), y = 0;
        zg_quantity_encode_u64(x, s);
        if (zg_quantity_decode_u64(s, &y) || x != y) nbad++;
    }
    ok(!nbad, "QUANTITY u64 round trip, 1000 values");

    /* 256-bit */
    memset(want, 0, 32);
    ok(zg_quantity_decode_be32("0x0", be) == ZG_OK && !memcmp(be, want, 32), "QUANTITY256 0x0");
    want[30] = 0x01, want[31] = 0x23;
    ok(zg_quantity_decode_be32("0x123", be) == ZG_OK && !memcmp(be, want, 32), "QUANTITY256 0x123 (odd digit count)");
    memset(want, 0xff, 32);
    ok(zg_quantity_decode_be32("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", be) == ZG_OK &&
           !memcmp(be, want, 32),
       "QUANTITY256 2^256-1");
    ok(zg_quantity_decode_be32("0x10000000000000000000000000000000000000000000000000000000000000000", be) ==
           ZG_ERANGE,
       "QUANTITY256 2^256 out of range");
    ok(zg_quantity_decode_be32("0x00", be) == ZG_EINVAL, "QUANTITY256 leading zero rejected");
    ok(zg_quantity_decode_be32("0x", be) == ZG_EINVAL, "QUANTITY256 no digits rejected");
    ok(zg_quantity_decode_be32("123", be) == ZG_EINVAL, "QUANTITY256 missing prefix rejected");
    memset(be, 0, 32);
    ok(zg_quantity_encode_be32(be, s) == 3 && strcmp(s, "0x0") == 0, "QUANTITY256 encode zero -> 0x0");
    be[31] = 0x0a, be[20] = 0x01;
    zg_quantity_encode_be32(be, s);
    ok(strcmp(s, "0x1000000000000000000000a") == 0, "QUANTITY256 encode -> %s", s);
    memset(be, 0xff, 32);
    ok(zg_quantity_encode_be32(be, s) == 66 && s[66] == 0, "QUANTITY256 encode max is 66 chars");
    nbad = 0;
    for (int rep = 0; rep < 1000; rep++) {
        uint8_t x[32], y[32];
        size_t lead = rnd() % 33;
        memset(x, 0, lead);
        for (size_t i = lead; i < 32; i++) x[i] = (uint8_t)rnd();
        zg_quantity_encode_be32(x, s);
        if (zg_quantity_decode_be32(s, y) || memcmp(x, y, 32) || (strlen(s) > 3 && s[2] == '0')) nbad++;
    }
    ok(!nbad, "QUANTITY256 round trip, 1000 values");
    /* u64 and be32 agree */
    nbad = 0;
    for (int rep = 0; rep < 200; rep++) {
        uint64_t x = rnd() >> (rnd() % 64);
        zg_quantity_encode_u64(x, s);
        char s2[67];
        memset(be, 0, 32);
        for (int i = 0; i < 8; i++) be[31 - i] = (uint8_t)(x >> (8 * i));
        zg_quantity_encode_be32(be, s2);
        if (strcmp(s, s2)) nbad++;
    }
    ok(!nbad, "QUANTITY u64 and 256-bit encoders agree");
}

static void test_json(void)
{
    uint64_t v;
    uint8_t b[8], be[32];
    size_t n;
    json_t *j;

    j = zg_json_quantity_u64(1024);
    ok(j && json_is_string(j) && strcmp(json_string_value(j), "0x400") == 0, "json quantity 1024");
    ok(zg_json_get_quantity_u64(j, &v) == ZG_OK && v == 1024, "json quantity read back");
    json_decref(j);
    j = zg_json_data("\x01\x02", 2);
    ok(j && strcmp(json_string_value(j), "0x0102") == 0, "json data");
    ok(zg_json_get_data(j, b, sizeof b, &n) == ZG_OK && n == 2 && b[0] == 1 && b[1] == 2, "json data read back");
    ok(zg_json_get_data(j, b, 1, &n) == ZG_ERANGE, "json data over cap");
    json_decref(j);
    j = zg_json_data(NULL, 0);
    ok(j && strcmp(json_string_value(j), "0x") == 0, "json empty data");
    json_decref(j);

    memset(be, 0, 32);
    be[0] = 0x80;
    j = zg_json_quantity_be32(be);
    ok(j && strlen(json_string_value(j)) == 66 && strncmp(json_string_value(j), "0x8000", 6) == 0, "json quantity256");
    uint8_t back[32];
    ok(zg_json_get_quantity_be32(j, back) == ZG_OK && !memcmp(back, be, 32), "json quantity256 read back");
    json_decref(j);

    j = json_integer(5);
    ok(zg_json_get_quantity_u64(j, &v) == ZG_EINVAL, "json: a number is not a QUANTITY");
    ok(zg_json_get_data(j, b, sizeof b, &n) == ZG_EINVAL, "json: a number is not DATA");
    ok(zg_json_get_quantity_be32(j, be) == ZG_EINVAL, "json: a number is not a QUANTITY256");
    json_decref(j);
    ok(zg_json_get_quantity_u64(NULL, &v) == ZG_EINVAL, "json: NULL rejected");
    j = json_null();
    ok(zg_json_get_quantity_u64(j, &v) == ZG_EINVAL, "json: null rejected");
    json_decref(j);
    j = json_stringn("0x1\0" "0", 5); /* embedded NUL */
    ok(zg_json_get_quantity_u64(j, &v) == ZG_EINVAL, "json: QUANTITY with embedded NUL rejected");
    json_decref(j);
    j = json_stringn("0x01\0" "02", 7);
    ok(zg_json_get_data(j, b, sizeof b, &n) == ZG_EINVAL, "json: DATA with embedded NUL rejected");
    json_decref(j);
    j = json_string("0x00");
    ok(zg_json_get_quantity_u64(j, &v) == ZG_EINVAL, "json: QUANTITY leading zero rejected");
    ok(zg_json_get_data(j, b, sizeof b, &n) == ZG_OK && n == 1 && b[0] == 0, "json: same string is valid DATA");
    json_decref(j);
}

int main(void)
{
    test_hex();
    test_data();
    test_quantity();
    test_json();
    return tap_done();
}
