/* zg/rlp.h — Recursive Length Prefix encoding (yellow paper appendix B).
 *
 * Decoding is strict and zero-copy: items point into the input buffer.
 * Rejected with a reason: non-canonical sizes (long form for < 56 bytes,
 * single byte < 0x80 wrapped as a string), leading zeros in lengths,
 * truncated input, trailing bytes. */
#ifndef ZG_RLP_H
#define ZG_RLP_H
#include <stddef.h>
#include <stdint.h>
#include <zg/plugin.h>
#ifdef __cplusplus
extern "C" {
#endif

typedef struct zg_rlp_item {
    const uint8_t *data; /* payload (string bytes, or the list's concatenated items) */
    size_t len;          /* payload length */
    int is_list;
    const uint8_t *raw;  /* whole encoding including the header */
    size_t raw_len;
} zg_rlp_item;

/* Decode exactly one item spanning all of buf[0..len).  On error returns
 * ZG_EINVAL and, if why != NULL, a static reason string. */
ZG_EXPORT int zg_rlp_decode(const uint8_t *buf, size_t len, zg_rlp_item *out, const char **why);
/* Decode one item at the start of buf (trailing bytes allowed); *used = bytes consumed. */
ZG_EXPORT int zg_rlp_decode_prefix(const uint8_t *buf, size_t len, zg_rlp_item *out,
                                   size_t *used, const char **why);

/* List iteration: it = list payload; next() yields each element in turn.
 * Returns 1 with *out filled, 0 at the end, ZG_EINVAL on malformed input.
 * zg_rlp_decode has already checked the whole tree; next() re-reads only
 * each element's header.  A string item has no elements. */
typedef struct zg_rlp_iter {
    const uint8_t *p, *end;
} zg_rlp_iter;
ZG_EXPORT void zg_rlp_iter_init(zg_rlp_iter *it, const zg_rlp_item *list);
ZG_EXPORT int zg_rlp_iter_next(zg_rlp_iter *it, zg_rlp_item *out, const char **why);
/* number of elements in a list item, or ZG_EINVAL */
ZG_EXPORT int zg_rlp_list_count(const zg_rlp_item *list);

/* Strict scalar decoding of a string item: big-endian unsigned without
 * leading zeros (zero is the empty string), at most 8 / 32 bytes.
 * ZG_ERANGE when longer, ZG_EINVAL for a list or a leading zero. */
ZG_EXPORT int zg_rlp_to_u64(const zg_rlp_item *it, uint64_t *out);
ZG_EXPORT int zg_rlp_to_be32(const zg_rlp_item *it, uint8_t out[32]);

/* Encoder: a growable buffer.  Lists are opened and closed; the header is
 * fixed up on close. */
typedef struct zg_rlp_buf {
    uint8_t *data;
    size_t len, cap;
    size_t stack[32]; /* open list start offsets */
    int depth;
    int oom;          /* set when an allocation failed (or lists nested deeper
                       * than 32 / list_end without list_begin); output is invalid */
} zg_rlp_buf;

ZG_EXPORT void zg_rlp_buf_init(zg_rlp_buf *b);
ZG_EXPORT void zg_rlp_buf_free(zg_rlp_buf *b);
ZG_EXPORT void zg_rlp_buf_reset(zg_rlp_buf *b);
ZG_EXPORT void zg_rlp_put_bytes(zg_rlp_buf *b, const void *data, size_t len);
ZG_EXPORT void zg_rlp_put_u64(zg_rlp_buf *b, uint64_t v);
/* big-endian 32-byte integer, leading zeros stripped */
ZG_EXPORT void zg_rlp_put_be32(zg_rlp_buf *b, const uint8_t v[32]);
/* an already-encoded item, copied verbatim */
ZG_EXPORT void zg_rlp_put_raw(zg_rlp_buf *b, const void *enc, size_t len);
ZG_EXPORT void zg_rlp_list_begin(zg_rlp_buf *b);
ZG_EXPORT void zg_rlp_list_end(zg_rlp_buf *b);

#ifdef __cplusplus
}
#endif
#endif
