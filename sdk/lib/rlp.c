/* rlp.c — Recursive Length Prefix (yellow paper, appendix B).
 *
 * Decoding is strict: only the one canonical encoding of an item is
 * accepted, so decode(encode(x)) and encode(decode(b)) == b both hold.
 * zg_rlp_decode / zg_rlp_decode_prefix validate the whole tree (every nested
 * item well-formed and exactly filling its list) without recursion, so deep
 * nesting cannot exhaust the stack; iteration afterwards only re-reads
 * headers. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <zg/rlp.h>

static int fail(const char **why, const char *msg)
{
    if (why) *why = msg;
    return ZG_EINVAL;
}

/* Parse the header of the item at p[0..n) (n > 0) and fill *it; the item
 * must fit in n bytes.  Shallow: a list's payload is not looked at. */
static int parse_header(const uint8_t *p, size_t n, zg_rlp_item *it, const char **why)
{
    uint8_t b = p[0];
    size_t hdr;
    uint64_t plen;
    int list = b >= 0xc0;
    unsigned base = list ? 0xc0 : 0x80;

    if (b < 0x80) { /* a byte below 0x80 is its own encoding */
        it->data = it->raw = p;
        it->len = it->raw_len = 1;
        it->is_list = 0;
        return ZG_OK;
    }
    if (b < base + 56) { /* short form: length in the prefix byte */
        hdr = 1;
        plen = b - base;
        if (plen > n - 1) return fail(why, list ? "list payload truncated" : "string payload truncated");
        if (!list && plen == 1 && p[1] < 0x80)
            return fail(why, "single byte below 0x80 encoded as a string");
    } else { /* long form: 1..8 length bytes follow */
        size_t ll = b - (base + 55);
        if (ll > n - 1) return fail(why, "length bytes truncated");
        if (p[1] == 0) return fail(why, "leading zero in length");
        plen = 0;
        for (size_t i = 1; i <= ll; i++) plen = plen << 8 | p[i];
        if (plen < 56) return fail(why, "long form used for a length below 56");
        hdr = 1 + ll;
        if (plen > n - hdr) return fail(why, list ? "list payload truncated" : "string payload truncated");
    }
    it->raw = p;
    it->data = p + hdr;
    it->len = (size_t)plen;
    it->raw_len = hdr + (size_t)plen;
    it->is_list = list;
    return ZG_OK;
}

/* Check every item nested in a list, depth first, with an explicit stack
 * of enclosing list ends (on the heap beyond 64 levels). */
static int validate(const zg_rlp_item *top, const char **why)
{
    const uint8_t *local[64], **ends = local;
    size_t cap = 64, depth = 0;
    const uint8_t *p = top->data, *end = top->data + top->len;
    int rc = ZG_OK;

    if (!top->is_list) return ZG_OK;
    for (;;) {
        if (p == end) {
            if (depth == 0) break;
            end = ends[--depth];
            continue;
        }
        zg_rlp_item it;
        if ((rc = parse_header(p, (size_t)(end - p), &it, why))) break;
        if (!it.is_list || it.len == 0) {
            p = it.raw + it.raw_len;
            continue;
        }
        if (depth == cap) {
            const uint8_t **n = malloc(2 * cap * sizeof *n);
            if (!n) {
                rc = ZG_ENOMEM;
                if (why) *why = "out of memory";
                break;
            }
            memcpy(n, ends, depth * sizeof *n);
            if (ends != local) free(ends);
            ends = n, cap *= 2;
        }
        ends[depth++] = end;
        p = it.data;
        end = it.data + it.len;
    }
    if (ends != local) free(ends);
    return rc;
}

ZG_EXPORT int zg_rlp_decode_prefix(const uint8_t *buf, size_t len, zg_rlp_item *out, size_t *used,
                                   const char **why)
{
    zg_rlp_item it;
    int rc;
    if (!buf || len == 0) return fail(why, "empty input");
    if ((rc = parse_header(buf, len, &it, why)) || (rc = validate(&it, why))) return rc;
    if (out) *out = it;
    if (used) *used = it.raw_len;
    return ZG_OK;
}

ZG_EXPORT int zg_rlp_decode(const uint8_t *buf, size_t len, zg_rlp_item *out, const char **why)
{
    zg_rlp_item it;
    size_t used;
    int rc = zg_rlp_decode_prefix(buf, len, &it, &used, why);
    if (rc) return rc;
    if (used != len) return fail(why, "trailing bytes after the item");
    if (out) *out = it;
    return ZG_OK;
}

ZG_EXPORT void zg_rlp_iter_init(zg_rlp_iter *it, const zg_rlp_item *list)
{
    it->p = list->data;
    it->end = list->is_list ? list->data + list->len : list->data; /* a string has no elements */
}

ZG_EXPORT int zg_rlp_iter_next(zg_rlp_iter *it, zg_rlp_item *out, const char **why)
{
    if (it->p >= it->end) return 0;
    int rc = parse_header(it->p, (size_t)(it->end - it->p), out, why);
    if (rc) return rc;
    it->p = out->raw + out->raw_len;
    return 1;
}

ZG_EXPORT int zg_rlp_list_count(const zg_rlp_item *list)
{
    zg_rlp_iter it;
    zg_rlp_item x;
    int n = 0, rc;
    if (!list->is_list) return ZG_EINVAL;
    zg_rlp_iter_init(&it, list);
    while ((rc = zg_rlp_iter_next(&it, &x, NULL)) == 1) {
        if (n == INT32_MAX) return ZG_ERANGE;
        n++;
    }
    return rc < 0 ? rc : n;
}

/* Canonical unsigned integer payload: at most max bytes, no leading zero. */
static int check_uint(const zg_rlp_item *it, size_t max)
{
    if (it->is_list) return ZG_EINVAL;
    if (it->len && it->data[0] == 0) return ZG_EINVAL;
    if (it->len > max) return ZG_ERANGE;
    return ZG_OK;
}

ZG_EXPORT int zg_rlp_to_u64(const zg_rlp_item *it, uint64_t *out)
{
    int rc = check_uint(it, 8);
    if (rc) return rc;
    uint64_t v = 0;
    for (size_t i = 0; i < it->len; i++) v = v << 8 | it->data[i];
    *out = v;
    return ZG_OK;
}

ZG_EXPORT int zg_rlp_to_be32(const zg_rlp_item *it, uint8_t out[32])
{
    int rc = check_uint(it, 32);
    if (rc) return rc;
    memset(out, 0, 32 - it->len);
    if (it->len) memcpy(out + 32 - it->len, it->data, it->len);
    return ZG_OK;
}

/* ------------------------------------------------------------- encoder -- */

ZG_EXPORT void zg_rlp_buf_init(zg_rlp_buf *b) { memset(b, 0, sizeof *b); }

ZG_EXPORT void zg_rlp_buf_free(zg_rlp_buf *b)
{
    free(b->data);
    zg_rlp_buf_init(b);
}

ZG_EXPORT void zg_rlp_buf_reset(zg_rlp_buf *b)
{
    b->len = 0;
    b->depth = 0;
    b->oom = 0;
}

/* Make room for extra more bytes; sets oom and returns -1 on failure. */
static int reserve(zg_rlp_buf *b, size_t extra)
{
    if (b->oom) return -1;
    if (extra <= b->cap - b->len) return 0;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->oom = 1;
        return -1;
    }
    size_t need = b->len + extra, cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    uint8_t *d = realloc(b->data, cap);
    if (!d) {
        b->oom = 1;
        return -1;
    }
    b->data = d, b->cap = cap;
    return 0;
}

/* bytes needed for v big-endian without leading zeros (0 for 0) */
static int be_len(uint64_t v)
{
    int n = 0;
    for (; v; v >>= 8) n++;
    return n;
}

/* Header for a payload of len bytes at d (room already reserved);
 * base 0x80 for strings, 0xc0 for lists.  Returns the header size. */
static size_t write_header(uint8_t *d, unsigned base, size_t len)
{
    if (len < 56) {
        d[0] = (uint8_t)(base + len);
        return 1;
    }
    int ll = be_len(len);
    d[0] = (uint8_t)(base + 55 + ll);
    for (int i = 0; i < ll; i++) d[1 + i] = (uint8_t)((uint64_t)len >> (8 * (ll - 1 - i)));
    return 1 + (size_t)ll;
}

ZG_EXPORT void zg_rlp_put_bytes(zg_rlp_buf *b, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (len == 1 && p[0] < 0x80) { /* its own encoding */
        if (reserve(b, 1) == 0) b->data[b->len++] = p[0];
        return;
    }
    if (len > SIZE_MAX - 9 || reserve(b, len + 9)) {
        b->oom = 1;
        return;
    }
    b->len += write_header(b->data + b->len, 0x80, len);
    if (len) memcpy(b->data + b->len, p, len);
    b->len += len;
}

ZG_EXPORT void zg_rlp_put_u64(zg_rlp_buf *b, uint64_t v)
{
    uint8_t be[8];
    int n = be_len(v);
    for (int i = 0; i < n; i++) be[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    zg_rlp_put_bytes(b, be, (size_t)n); /* 0 -> empty string 0x80 */
}

ZG_EXPORT void zg_rlp_put_be32(zg_rlp_buf *b, const uint8_t v[32])
{
    size_t i = 0;
    while (i < 32 && v[i] == 0) i++;
    zg_rlp_put_bytes(b, v + i, 32 - i);
}

ZG_EXPORT void zg_rlp_put_raw(zg_rlp_buf *b, const void *enc, size_t len)
{
    if (reserve(b, len)) return;
    if (len) memcpy(b->data + b->len, enc, len);
    b->len += len;
}

ZG_EXPORT void zg_rlp_list_begin(zg_rlp_buf *b)
{
    if (b->oom) return;
    if (b->depth >= (int)(sizeof b->stack / sizeof b->stack[0])) {
        b->oom = 1; /* nested too deep for the builder */
        return;
    }
    if (reserve(b, 1)) return;
    b->stack[b->depth++] = b->len;
    b->len++; /* room for a short header; grown on list_end if needed */
}

ZG_EXPORT void zg_rlp_list_end(zg_rlp_buf *b)
{
    if (b->oom) return;
    if (b->depth <= 0) {
        b->oom = 1; /* unbalanced list_end */
        return;
    }
    size_t start = b->stack[--b->depth], plen = b->len - start - 1;
    if (plen >= 56) {
        size_t extra = (size_t)be_len(plen);
        if (reserve(b, extra)) return;
        memmove(b->data + start + 1 + extra, b->data + start + 1, plen);
        b->len += extra;
    }
    write_header(b->data + start, 0xc0, plen);
}
