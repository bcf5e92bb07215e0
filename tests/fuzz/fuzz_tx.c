/* fuzz_tx: the transaction decoder / validator / encoder.  Invariants:
 *  - every result is ZG_TX_OK or a named error (zg_tx_err_name knows it);
 *  - decoding with and without ZG_TX_COPY agrees, field for field;
 *  - an accepted input hashes to keccak256(input), references only memory
 *    inside the input (borrowed) or the tx's own copy, and re-encodes to
 *    exactly the input (the strict decoder admits one form per tx);
 *  - validation and sender recovery never crash, and a recovered sender is
 *    stable;
 *  - re-signing an accepted tx with a fixed key gives bytes that decode,
 *    validate for its chain and recover that key's address. */
#include <string.h>
#include <zg/keccak.h>
#include <zg/secp.h>
#include <zg/tx.h>

#include "fuzz.h"

static int inside(const void *p, size_t n, const uint8_t *base, size_t len)
{
    const uint8_t *q = p;
    return n == 0 || (q >= base && q + n <= base + len);
}

static void same_fields(const zg_tx *a, const zg_tx *b)
{
    FUZZ_CHECK(a->type == b->type && a->has_to == b->has_to && a->has_chain_id == b->has_chain_id);
    FUZZ_CHECK(a->chain_id == b->chain_id && a->nonce == b->nonce && a->gas_limit == b->gas_limit);
    FUZZ_CHECK(zg_u256_eq(&a->gas_price, &b->gas_price) && zg_u256_eq(&a->value, &b->value));
    FUZZ_CHECK(zg_u256_eq(&a->max_fee_per_gas, &b->max_fee_per_gas));
    FUZZ_CHECK(zg_u256_eq(&a->max_priority_fee_per_gas, &b->max_priority_fee_per_gas));
    FUZZ_CHECK(zg_u256_eq(&a->max_fee_per_blob_gas, &b->max_fee_per_blob_gas) && zg_u256_eq(&a->v, &b->v));
    FUZZ_CHECK(!memcmp(a->to, b->to, 20) && !memcmp(a->r, b->r, 32) && !memcmp(a->s, b->s, 32));
    FUZZ_CHECK(a->data_len == b->data_len && (!a->data_len || !memcmp(a->data, b->data, a->data_len)));
    FUZZ_CHECK(a->access_list_len == b->access_list_len && a->access_keys_total == b->access_keys_total);
    for (size_t i = 0; i < a->access_list_len; i++) {
        FUZZ_CHECK(!memcmp(a->access_list[i].address, b->access_list[i].address, 20));
        FUZZ_CHECK(a->access_list[i].nkeys == b->access_list[i].nkeys);
        if (a->access_list[i].nkeys)
            FUZZ_CHECK(!memcmp(a->access_list[i].keys, b->access_list[i].keys, 32 * a->access_list[i].nkeys));
    }
    FUZZ_CHECK(a->blob_hashes_len == b->blob_hashes_len);
    if (a->blob_hashes_len) FUZZ_CHECK(!memcmp(a->blob_hashes, b->blob_hashes, 32 * a->blob_hashes_len));
    FUZZ_CHECK(!memcmp(a->hash, b->hash, 32) && a->y_parity == b->y_parity);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zg_tx tx, cp;
    int rc = zg_tx_decode(data, size, 0, &tx);
    int rc2 = zg_tx_decode(data, size, ZG_TX_COPY, &cp);
    FUZZ_CHECK(rc >= 0 && rc < ZG_TX_ERR__COUNT && strcmp(zg_tx_err_name(rc), "UNKNOWN") != 0);
    FUZZ_CHECK(rc == rc2);
    if (rc != ZG_TX_OK) {
        zg_tx_free(&tx);
        zg_tx_free(&cp);
        return 0;
    }
    same_fields(&tx, &cp);
    FUZZ_CHECK(tx.raw == data && tx.raw_len == size && cp.raw != data && !memcmp(cp.raw, data, size));
    FUZZ_CHECK(inside(tx.data, tx.data_len, data, size));
    FUZZ_CHECK(inside(cp.data, cp.data_len, cp.raw, cp.raw_len));
    FUZZ_CHECK(tx.type <= ZG_TX_BLOB && (tx.y_parity <= 1 || tx.y_parity == 0xff));

    uint8_t h[32];
    zg_keccak256(data, size, h);
    FUZZ_CHECK(!memcmp(h, tx.hash, 32));

    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    FUZZ_CHECK(zg_tx_encode(&tx, &b) == ZG_OK);
    FUZZ_CHECK(b.len == size && !memcmp(b.data, data, size));
    zg_rlp_buf_free(&b);

    (void)zg_tx_intrinsic_gas(&tx);
    zg_u256 cost;
    (void)zg_tx_max_cost(&tx, &cost);
    int vr = zg_tx_validate(&tx, tx.chain_id);
    FUZZ_CHECK(vr == ZG_TX_OK || (vr > ZG_TX_ERR_NOMEM && vr < ZG_TX_ERR__COUNT));
    int sr = zg_tx_recover_sender(&tx);
    FUZZ_CHECK(sr == ZG_TX_OK || (sr > ZG_TX_ERR_NOMEM && sr < ZG_TX_ERR__COUNT));
    if (sr == ZG_TX_OK) {
        uint8_t s1[20];
        memcpy(s1, tx.sender, 20);
        FUZZ_CHECK(zg_tx_recover_sender(&cp) == ZG_TX_OK && !memcmp(s1, cp.sender, 20));
    }

    /* re-sign with a fixed key: the result must be fully valid for the
     * fields' own chain unless a non-signature rule fails */
    static const uint8_t key[32] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
                                    0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
                                    0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20};
    if (tx.type == ZG_TX_LEGACY && tx.y_parity > 1) tx.has_chain_id = 0; /* v was unusable */
    if (zg_tx_sign(&tx, key) == ZG_OK) {
        zg_rlp_buf e;
        zg_tx d;
        zg_rlp_buf_init(&e);
        FUZZ_CHECK(zg_tx_encode(&tx, &e) == ZG_OK);
        int pr = zg_tx_decode(e.data, e.len, 0, &d);
        FUZZ_CHECK(pr == ZG_TX_OK && !memcmp(d.hash, tx.hash, 32));
        int v2 = zg_tx_validate(&d, d.chain_id);
        /* only rules about the unsigned fields may still fail */
        FUZZ_CHECK(v2 != ZG_TX_ERR_SIGNATURE && v2 != ZG_TX_ERR_INVALID_V && v2 != ZG_TX_ERR_CHAIN_ID);
        FUZZ_CHECK(zg_tx_recover_sender(&d) == ZG_TX_OK && !memcmp(d.sender, tx.sender, 20));
        zg_tx_free(&d);
        zg_rlp_buf_free(&e);
    }
    zg_tx_free(&tx);
    zg_tx_free(&cp);
    return 0;
}
