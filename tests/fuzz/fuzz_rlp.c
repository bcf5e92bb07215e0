/* fuzz_rlp: the strict RLP decoder.  Invariants:
 *  - decode() succeeds exactly when decode_prefix() does and uses every byte;
 *  - a rejection is ZG_EINVAL (or ZG_ENOMEM) with a reason string;
 *  - an accepted input re-encodes, item by item through the encoder, to
 *    exactly the input (canonical form is unique);
 *  - iteration over every accepted list succeeds, list_count agrees, and the
 *    scalar readers never fail except by the documented rules. */
#include <string.h>
#include <zg/rlp.h>

#include "fuzz.h"

static void walk(zg_rlp_buf *b, const zg_rlp_item *it, int depth)
{
    if (!it->is_list) {
        uint64_t v;
        uint8_t be[32];
        int rc = zg_rlp_to_u64(it, &v), rc32 = zg_rlp_to_be32(it, be);
        int canon = it->len == 0 || it->data[0] != 0;
        FUZZ_CHECK(rc == (!canon ? ZG_EINVAL : it->len > 8 ? ZG_ERANGE : ZG_OK));
        FUZZ_CHECK(rc32 == (!canon ? ZG_EINVAL : it->len > 32 ? ZG_ERANGE : ZG_OK));
        if (rc == ZG_OK) {
            zg_rlp_buf u;
            zg_rlp_buf_init(&u);
            zg_rlp_put_u64(&u, v);
            zg_rlp_item back;
            FUZZ_CHECK(!u.oom && u.len == it->raw_len && memcmp(u.data, it->raw, u.len) == 0);
            FUZZ_CHECK(zg_rlp_decode(u.data, u.len, &back, NULL) == ZG_OK);
            zg_rlp_buf_free(&u);
        }
        zg_rlp_put_bytes(b, it->data, it->len);
        return;
    }
    if (depth >= 30) { /* the builder nests 32 deep at most */
        zg_rlp_put_raw(b, it->raw, it->raw_len);
        return;
    }
    zg_rlp_iter iter;
    zg_rlp_item e;
    int n = 0, rc;
    zg_rlp_list_begin(b);
    zg_rlp_iter_init(&iter, it);
    while ((rc = zg_rlp_iter_next(&iter, &e, NULL)) == 1) {
        FUZZ_CHECK(e.raw >= it->data && e.raw + e.raw_len <= it->data + it->len);
        walk(b, &e, depth + 1);
        n++;
    }
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(zg_rlp_list_count(it) == n);
    zg_rlp_list_end(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zg_rlp_item it, pit;
    const char *why = NULL;
    size_t used = 0;
    int rc = zg_rlp_decode(data, size, &it, &why);
    int prc = zg_rlp_decode_prefix(data, size, &pit, &used, NULL);

    FUZZ_CHECK((rc == ZG_OK) == (prc == ZG_OK && used == size));
    if (prc == ZG_OK) {
        FUZZ_CHECK(used >= 1 && used <= size && pit.raw == data && pit.raw_len == used);
        FUZZ_CHECK(zg_rlp_decode(data, used, NULL, NULL) == ZG_OK);
    }
    if (rc != ZG_OK) {
        FUZZ_CHECK((rc == ZG_EINVAL || rc == ZG_ENOMEM) && why != NULL);
        return 0;
    }
    FUZZ_CHECK(it.raw == data && it.raw_len == size && it.data + it.len == data + size);

    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    walk(&b, &it, 0);
    FUZZ_CHECK(!b.oom && b.len == size && memcmp(b.data, data, size) == 0);
    zg_rlp_buf_free(&b);
    return 0;
}
