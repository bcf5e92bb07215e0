/* zg/hex.h — hex and Ethereum JSON-RPC QUANTITY / DATA codecs.
 * QUANTITY: "0x" + lowercase hex, no leading zeros ("0x0" for zero).
 * DATA: "0x" + two hex digits per byte ("0x" for empty). */
#ifndef ZG_HEX_H
#define ZG_HEX_H
#include <stddef.h>
#include <stdint.h>
#include <zg/plugin.h> /* jansson, ZG_EXPORT, status codes */
#ifdef __cplusplus
extern "C" {
#endif

/* encode n bytes as 2n lowercase hex chars + NUL (out holds 2n+1) */
ZG_EXPORT void zg_hex_encode(const void *in, size_t n, char *out);
/* decode inlen hex chars (either case, no prefix) into inlen/2 bytes;
 * ZG_EINVAL for an odd length or a bad digit */
ZG_EXPORT int zg_hex_decode(const char *in, size_t inlen, uint8_t *out);

/* DATA: "0x..." -> bytes.  *outlen receives the byte count; ZG_ERANGE when
 * more than cap bytes, ZG_EINVAL for a missing prefix, odd length or bad digit. */
ZG_EXPORT int zg_data_decode(const char *s, uint8_t *out, size_t cap, size_t *outlen);
/* bytes -> malloc'd "0x..." string (NULL on ENOMEM) */
ZG_EXPORT char *zg_data_encode(const void *in, size_t n);

/* QUANTITY <-> uint64: strict (prefix required, no leading zeros, non-empty,
 * fits in 64 bits); ZG_EINVAL / ZG_ERANGE otherwise. */
ZG_EXPORT int zg_quantity_decode_u64(const char *s, uint64_t *out);
/* writes "0x..." into out (at least 19 bytes); returns the length */
ZG_EXPORT int zg_quantity_encode_u64(uint64_t v, char out[19]);
/* QUANTITY <-> 32-byte big-endian integer (up to 256 bits) */
ZG_EXPORT int zg_quantity_decode_be32(const char *s, uint8_t out[32]);
ZG_EXPORT int zg_quantity_encode_be32(const uint8_t in[32], char out[67]);

/* jansson helpers: new json strings (NULL on ENOMEM), and decoding from a
 * json value (ZG_EINVAL unless it is a string of the right form) */
ZG_EXPORT json_t *zg_json_quantity_u64(uint64_t v);
ZG_EXPORT json_t *zg_json_data(const void *in, size_t n);
ZG_EXPORT int zg_json_get_quantity_u64(const json_t *j, uint64_t *out);
ZG_EXPORT int zg_json_get_data(const json_t *j, uint8_t *out, size_t cap, size_t *outlen);
/* 256-bit QUANTITY (balances, difficulty...) as a 32-byte big-endian integer */
ZG_EXPORT json_t *zg_json_quantity_be32(const uint8_t v[32]);
ZG_EXPORT int zg_json_get_quantity_be32(const json_t *j, uint8_t out[32]);

#ifdef __cplusplus
}
#endif
#endif
