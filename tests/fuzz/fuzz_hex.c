/* fuzz_hex: hex, QUANTITY and DATA decoders on arbitrary strings.
 * Invariants: whatever a decoder accepts re-encodes to the input with the
 * digits lowercased (one canonical form per value); the u64 and 256-bit
 * QUANTITY decoders agree; the jansson getters agree with the C-string
 * decoders and reject strings with embedded NULs. */
#include <ctype.h>
#include <string.h>
#include <zg/hex.h>

#include "fuzz.h"

static char *lower(const char *s, size_t n)
{
    char *l = malloc(n + 1);
    for (size_t i = 0; i < n; i++) l[i] = (char)tolower((unsigned char)s[i]);
    l[n] = 0;
    return l;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16) return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    size_t slen = strlen(s); /* the C-string view stops at a NUL */
    char *low = lower(s, slen);
    int has_nul = slen != size;

    /* raw hex, over the whole input */
    uint8_t *bin = malloc(size / 2 + 1);
    if (zg_hex_decode((const char *)data, size, bin) == ZG_OK) {
        char *enc = malloc(size + 1);
        zg_hex_encode(bin, size / 2, enc);
        FUZZ_CHECK(size % 2 == 0 && !has_nul);
        FUZZ_CHECK(strcmp(enc, low) == 0);
        free(enc);
    }

    /* DATA */
    size_t n = 0, cap = slen / 2 + 1;
    uint8_t *out = malloc(cap);
    int drc = zg_data_decode(s, out, cap, &n);
    FUZZ_CHECK(drc == ZG_OK || drc == ZG_EINVAL);
    if (drc == ZG_OK) {
        char *enc = zg_data_encode(out, n);
        FUZZ_CHECK(enc && strcmp(enc, low) == 0);
        free(enc);
        if (n > 0) FUZZ_CHECK(zg_data_decode(s, out, n - 1, &n) == ZG_ERANGE);
    }

    /* QUANTITY */
    uint64_t v = 0;
    uint8_t be[32];
    char q[67];
    int qrc = zg_quantity_decode_u64(s, &v), brc = zg_quantity_decode_be32(s, be);
    FUZZ_CHECK(qrc == ZG_OK || qrc == ZG_EINVAL || qrc == ZG_ERANGE);
    FUZZ_CHECK(brc == ZG_OK || brc == ZG_EINVAL || brc == ZG_ERANGE);
    if (qrc == ZG_OK) {
        zg_quantity_encode_u64(v, q);
        FUZZ_CHECK(strcmp(q, low) == 0);
        FUZZ_CHECK(brc == ZG_OK);
        for (int i = 0; i < 8; i++) FUZZ_CHECK(be[31 - i] == (uint8_t)(v >> (8 * i)));
    }
    if (qrc == ZG_EINVAL) FUZZ_CHECK(brc == ZG_EINVAL);
    if (brc == ZG_OK) {
        zg_quantity_encode_be32(be, q);
        FUZZ_CHECK(strcmp(q, low) == 0);
    }

    /* jansson getters see the full string, NULs included */
    json_t *j = json_stringn((const char *)data, size); /* NULL unless valid UTF-8 */
    if (j) {
        uint64_t jv;
        uint8_t jbe[32];
        size_t jn;
        int jq = zg_json_get_quantity_u64(j, &jv), jb = zg_json_get_quantity_be32(j, jbe);
        int jd = zg_json_get_data(j, out, cap, &jn);
        if (has_nul) {
            FUZZ_CHECK(jq == ZG_EINVAL && jb == ZG_EINVAL && jd == ZG_EINVAL);
        } else {
            FUZZ_CHECK(jq == qrc && (jq != ZG_OK || jv == v));
            FUZZ_CHECK(jb == brc && (jb != ZG_OK || memcmp(jbe, be, 32) == 0));
            FUZZ_CHECK(jd == drc && (jd != ZG_OK || jn == n));
        }
        json_decref(j);
    }
    free(out);
    free(bin);
    free(low);
    free(s);
    return 0;
}
