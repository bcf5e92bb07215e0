/* hex.c — hex and Ethereum JSON-RPC QUANTITY / DATA codecs.
 *
 * Per the execution-apis JSON-RPC spec: both kinds carry a "0x" prefix;
 * QUANTITY is hex without leading zeros ("0x0" for zero, "0x" and "0x00"
 * are invalid); DATA has two hex digits per byte ("0x" for empty).  Input
 * digits may be either case; output is lowercase.  Decoders take an explicit
 * length internally so JSON strings with embedded NULs are rejected. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>

static const char hexdig[16] = "0123456789abcdef";

static inline int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20; /* fold ASCII upper case; other bytes stay outside a..f */
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static inline int has_prefix(const char *s, size_t n) { return n >= 2 && s[0] == '0' && s[1] == 'x'; }

static int all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (hexval((unsigned char)s[i]) < 0) return 0;
    return 1;
}

ZG_EXPORT void zg_hex_encode(const void *in, size_t n, char *out)
{
    const uint8_t *p = in;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdig[p[i] >> 4];
        out[2 * i + 1] = hexdig[p[i] & 15];
    }
    out[2 * n] = 0;
}

ZG_EXPORT int zg_hex_decode(const char *in, size_t inlen, uint8_t *out)
{
    if (inlen % 2 || (inlen && !in)) return ZG_EINVAL;
    for (size_t i = 0; i < inlen / 2; i++) {
        int hi = hexval((unsigned char)in[2 * i]), lo = hexval((unsigned char)in[2 * i + 1]);
        if (hi < 0 || lo < 0) return ZG_EINVAL;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return ZG_OK;
}

/* ---- DATA ---- */

static int data_decode_n(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
    if (!s || !has_prefix(s, n)) return ZG_EINVAL;
    s += 2, n -= 2;
    if (n % 2 || !all_hex(s, n)) return ZG_EINVAL;
    if (n / 2 > cap) return ZG_ERANGE;
    zg_hex_decode(s, n, out); /* cannot fail: validated above */
    if (outlen) *outlen = n / 2;
    return ZG_OK;
}

ZG_EXPORT int zg_data_decode(const char *s, uint8_t *out, size_t cap, size_t *outlen)
{
    return data_decode_n(s, s ? strlen(s) : 0, out, cap, outlen);
}

ZG_EXPORT char *zg_data_encode(const void *in, size_t n)
{
    if (n > (SIZE_MAX - 3) / 2) return NULL;
    char *s = malloc(2 * n + 3);
    if (!s) return NULL;
    s[0] = '0', s[1] = 'x';
    zg_hex_encode(in, n, s + 2);
    return s;
}

/* ---- QUANTITY ---- */

/* Shared syntax check: prefix, at least one digit, no leading zero, all hex.
 * Sets *digits and *ndig to the digits after the prefix. */
static int quantity_digits(const char *s, size_t n, const char **digits, size_t *ndig)
{
    if (!s || !has_prefix(s, n)) return ZG_EINVAL;
    s += 2, n -= 2;
    if (n == 0) return ZG_EINVAL;                /* "0x": no digits */
    if (n > 1 && s[0] == '0') return ZG_EINVAL;  /* leading zero */
    if (!all_hex(s, n)) return ZG_EINVAL;
    *digits = s, *ndig = n;
    return ZG_OK;
}

static int quantity_u64_n(const char *s, size_t n, uint64_t *out)
{
    const char *d;
    size_t nd;
    int rc = quantity_digits(s, n, &d, &nd);
    if (rc) return rc;
    if (nd > 16) return ZG_ERANGE;
    uint64_t v = 0;
    for (size_t i = 0; i < nd; i++) v = v << 4 | (uint64_t)hexval((unsigned char)d[i]);
    *out = v;
    return ZG_OK;
}

static int quantity_be32_n(const char *s, size_t n, uint8_t out[32])
{
    const char *d;
    size_t nd;
    int rc = quantity_digits(s, n, &d, &nd);
    if (rc) return rc;
    if (nd > 64) return ZG_ERANGE;
    memset(out, 0, 32);
    for (size_t i = 0; i < nd; i++) { /* fill nibbles from the least significant end */
        size_t k = nd - 1 - i;        /* nibble index from the right */
        out[31 - k / 2] |= (uint8_t)(hexval((unsigned char)d[i]) << (4 * (k % 2)));
    }
    return ZG_OK;
}

ZG_EXPORT int zg_quantity_decode_u64(const char *s, uint64_t *out)
{
    return quantity_u64_n(s, s ? strlen(s) : 0, out);
}

ZG_EXPORT int zg_quantity_encode_u64(uint64_t v, char out[19])
{
    int n = 2;
    out[0] = '0', out[1] = 'x';
    int shift = 60;
    while (shift > 0 && (v >> shift) == 0) shift -= 4;
    for (; shift >= 0; shift -= 4) out[n++] = hexdig[(v >> shift) & 15];
    out[n] = 0;
    return n;
}

ZG_EXPORT int zg_quantity_decode_be32(const char *s, uint8_t out[32])
{
    return quantity_be32_n(s, s ? strlen(s) : 0, out);
}

ZG_EXPORT int zg_quantity_encode_be32(const uint8_t in[32], char out[67])
{
    int n = 2, i = 0;
    out[0] = '0', out[1] = 'x';
    while (i < 63 && ((in[i / 2] >> (i % 2 ? 0 : 4)) & 15) == 0) i++; /* skip leading zero nibbles */
    for (; i < 64; i++) out[n++] = hexdig[(in[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[n] = 0;
    return n;
}

/* ---- jansson ---- */

ZG_EXPORT json_t *zg_json_quantity_u64(uint64_t v)
{
    char buf[19];
    int n = zg_quantity_encode_u64(v, buf);
    return json_stringn_nocheck(buf, (size_t)n);
}

ZG_EXPORT json_t *zg_json_quantity_be32(const uint8_t v[32])
{
    char buf[67];
    int n = zg_quantity_encode_be32(v, buf);
    return json_stringn_nocheck(buf, (size_t)n);
}

ZG_EXPORT json_t *zg_json_data(const void *in, size_t n)
{
    char *s = zg_data_encode(in, n);
    if (!s) return NULL;
    json_t *j = json_stringn_nocheck(s, 2 * n + 2);
    free(s);
    return j;
}

ZG_EXPORT int zg_json_get_quantity_u64(const json_t *j, uint64_t *out)
{
    if (!json_is_string(j)) return ZG_EINVAL;
    return quantity_u64_n(json_string_value(j), json_string_length(j), out);
}

ZG_EXPORT int zg_json_get_quantity_be32(const json_t *j, uint8_t out[32])
{
    if (!json_is_string(j)) return ZG_EINVAL;
    return quantity_be32_n(json_string_value(j), json_string_length(j), out);
}

ZG_EXPORT int zg_json_get_data(const json_t *j, uint8_t *out, size_t cap, size_t *outlen)
{
    if (!json_is_string(j)) return ZG_EINVAL;
    return data_decode_n(json_string_value(j), json_string_length(j), out, cap, outlen);
}
