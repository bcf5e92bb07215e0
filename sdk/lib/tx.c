/* tx.c — Ethereum transactions (legacy, EIP-2930, EIP-1559, EIP-4844)
 * following the execution specs (Cancun): strict decoding, encoding,
 * signing hashes, signing, sender recovery and stateless validation. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <zg/keccak.h>
#include <zg/rlp.h>
#include <zg/secp.h>
#include <zg/tx.h>

static const struct {
    const char *name, *str;
} err_tab[ZG_TX_ERR__COUNT] = {
    [ZG_TX_OK] = {"OK", "ok"},
    [ZG_TX_ERR_EMPTY] = {"EMPTY", "empty transaction"},
    [ZG_TX_ERR_TYPE] = {"TYPE_NOT_SUPPORTED", "transaction type not supported"},
    [ZG_TX_ERR_RLP] = {"RLP", "malformed RLP"},
    [ZG_TX_ERR_NOT_LIST] = {"NOT_LIST", "transaction payload is not an RLP list"},
    [ZG_TX_ERR_FIELD_COUNT] = {"FIELD_COUNT", "wrong number of transaction fields"},
    [ZG_TX_ERR_FIELD_TYPE] = {"FIELD_TYPE", "transaction field has the wrong RLP kind (list/string)"},
    [ZG_TX_ERR_LEADING_ZEROS] = {"LEADING_ZEROS", "integer field with leading zero bytes"},
    [ZG_TX_ERR_NONCE_OVERFLOW] = {"NONCE_OVERFLOW", "nonce above 2^64-1"},
    [ZG_TX_ERR_GAS_LIMIT_OVERFLOW] = {"GAS_LIMIT_OVERFLOW", "gas limit above 2^64-1"},
    [ZG_TX_ERR_GAS_PRICE_OVERFLOW] = {"GAS_PRICE_OVERFLOW", "gas price above 2^256-1"},
    [ZG_TX_ERR_TIP_OVERFLOW] = {"TIP_OVERFLOW", "max priority fee per gas above 2^256-1"},
    [ZG_TX_ERR_BLOB_FEE_OVERFLOW] = {"BLOB_FEE_OVERFLOW", "max fee per blob gas above 2^256-1"},
    [ZG_TX_ERR_VALUE_OVERFLOW] = {"VALUE_OVERFLOW", "value above 2^256-1"},
    [ZG_TX_ERR_CHAIN_ID_OVERFLOW] = {"CHAIN_ID_OVERFLOW", "chain id above 2^64-1"},
    [ZG_TX_ERR_SIG_OVERFLOW] = {"SIGNATURE_OVERFLOW", "signature value v, r or s above 2^256-1"},
    [ZG_TX_ERR_TO_SIZE] = {"TO_SIZE", "destination address is neither empty nor 20 bytes"},
    [ZG_TX_ERR_ACCESS_LIST] = {"ACCESS_LIST", "malformed access list entry"},
    [ZG_TX_ERR_ACCESS_ADDRESS_SIZE] = {"ACCESS_LIST_ADDRESS_SIZE", "access list address is not 20 bytes"},
    [ZG_TX_ERR_ACCESS_KEY_SIZE] = {"ACCESS_LIST_KEY_SIZE", "access list storage key is not 32 bytes"},
    [ZG_TX_ERR_BLOB_HASH_SIZE] = {"BLOB_HASH_SIZE", "blob versioned hash is not 32 bytes"},
    [ZG_TX_ERR_BLOB_SIDECAR] = {"BLOB_SIDECAR", "blob transaction in network form with sidecar"},
    [ZG_TX_ERR_NOMEM] = {"NOMEM", "out of memory"},
    [ZG_TX_ERR_INVALID_V] = {"INVALID_V", "invalid signature v / y-parity"},
    [ZG_TX_ERR_CHAIN_ID] = {"CHAIN_ID_MISMATCH", "transaction signed for another chain"},
    [ZG_TX_ERR_SIGNATURE] = {"INVALID_SIGNATURE", "signature r or s out of range or s above n/2"},
    [ZG_TX_ERR_RECOVERY] = {"RECOVERY_FAILED", "no public key recovers from the signature"},
    [ZG_TX_ERR_NONCE_MAX] = {"NONCE_MAX", "nonce at its maximum 2^64-1"},
    [ZG_TX_ERR_INTRINSIC_GAS] = {"INTRINSIC_GAS", "gas limit below intrinsic gas"},
    [ZG_TX_ERR_INITCODE_SIZE] = {"INITCODE_SIZE", "initcode larger than 49152 bytes"},
    [ZG_TX_ERR_TIP_ABOVE_FEE_CAP] = {"TIP_ABOVE_FEE_CAP", "max priority fee above max fee per gas"},
    [ZG_TX_ERR_GAS_PRICE_PRODUCT] = {"GAS_PRICE_PRODUCT_OVERFLOW", "gas limit times gas price overflows 256 bits"},
    [ZG_TX_ERR_BLOB_CREATE] = {"BLOB_CREATE", "blob transaction cannot create a contract"},
    [ZG_TX_ERR_BLOB_NONE] = {"BLOB_NONE", "blob transaction without blobs"},
    [ZG_TX_ERR_BLOB_TOO_MANY] = {"BLOB_TOO_MANY", "more blobs than a block can hold"},
    [ZG_TX_ERR_BLOB_VERSION] = {"BLOB_VERSION", "blob versioned hash has an unknown version"},
};

ZG_EXPORT const char *zg_tx_err_str(int err)
{
    return err >= 0 && err < ZG_TX_ERR__COUNT && err_tab[err].str ? err_tab[err].str : "unknown error";
}
ZG_EXPORT const char *zg_tx_err_name(int err)
{
    return err >= 0 && err < ZG_TX_ERR__COUNT && err_tab[err].name ? err_tab[err].name : "UNKNOWN";
}

ZG_EXPORT void zg_tx_init(zg_tx *tx) { memset(tx, 0, sizeof *tx); }

ZG_EXPORT void zg_tx_free(zg_tx *tx)
{
    if (!tx) return;
    free(tx->owned_);
    zg_tx_init(tx);
}

/* ---- decoding ---- */

/* fields per type, and where the list-valued ones sit */
static const int field_count[4] = {9, 11, 12, 14};

/* big-endian unsigned integer field: strings only, no leading zeros, at
 * most max bytes (else overflow_err) */
static int rd_int(const zg_rlp_item *it, size_t max, int overflow_err)
{
    if (it->is_list) return ZG_TX_ERR_FIELD_TYPE;
    if (it->len > 0 && it->data[0] == 0) return ZG_TX_ERR_LEADING_ZEROS;
    if (it->len > max) return overflow_err;
    return ZG_TX_OK;
}
static int rd_u64(const zg_rlp_item *it, uint64_t *out, int overflow_err)
{
    int rc = rd_int(it, 8, overflow_err);
    if (rc) return rc;
    uint64_t v = 0;
    for (size_t i = 0; i < it->len; i++) v = (v << 8) | it->data[i];
    *out = v;
    return ZG_TX_OK;
}
static int rd_u256(const zg_rlp_item *it, zg_u256 *out, int overflow_err)
{
    int rc = rd_int(it, 32, overflow_err);
    if (rc) return rc;
    zg_u256_load_be(out, it->data, it->len);
    return ZG_TX_OK;
}
static int rd_be32(const zg_rlp_item *it, uint8_t out[32], int overflow_err)
{
    int rc = rd_int(it, 32, overflow_err);
    if (rc) return rc;
    memset(out, 0, 32);
    memcpy(out + 32 - it->len, it->data, it->len);
    return ZG_TX_OK;
}

/* iterator step: 1 item, 0 end, or ZG_TX_ERR_RLP */
static int next_item(zg_rlp_iter *it, zg_rlp_item *out)
{
    int rc = zg_rlp_iter_next(it, out, NULL);
    return rc < 0 ? -1 : rc;
}

/* Walk an access list: count entries and keys, and when ent != NULL fill
 * the arrays (ent[nent], keys[nkeys]). */
static int access_list_walk(const zg_rlp_item *al, size_t *nent, size_t *nkeys, zg_tx_access *ent,
                            uint8_t (*keys)[32])
{
    zg_rlp_iter it;
    zg_rlp_item e;
    int rc;
    size_t ne = 0, nk = 0;
    if (!al->is_list) return ZG_TX_ERR_FIELD_TYPE;
    zg_rlp_iter_init(&it, al);
    while ((rc = next_item(&it, &e)) == 1) {
        zg_rlp_iter it2, ik;
        zg_rlp_item a, ks, extra, k;
        if (!e.is_list) return ZG_TX_ERR_ACCESS_LIST;
        zg_rlp_iter_init(&it2, &e);
        int r1 = next_item(&it2, &a), r2 = r1 == 1 ? next_item(&it2, &ks) : r1;
        int r3 = r2 == 1 ? next_item(&it2, &extra) : r2;
        if (r1 < 0 || r2 < 0 || r3 < 0) return ZG_TX_ERR_RLP;
        if (r1 != 1 || r2 != 1 || r3 != 0) return ZG_TX_ERR_ACCESS_LIST;
        if (a.is_list || !ks.is_list) return ZG_TX_ERR_ACCESS_LIST;
        if (a.len != 20) return ZG_TX_ERR_ACCESS_ADDRESS_SIZE;
        size_t first = nk;
        zg_rlp_iter_init(&ik, &ks);
        while ((rc = next_item(&ik, &k)) == 1) {
            if (k.is_list) return ZG_TX_ERR_ACCESS_LIST;
            if (k.len != 32) return ZG_TX_ERR_ACCESS_KEY_SIZE;
            if (keys) memcpy(keys[nk], k.data, 32);
            nk++;
        }
        if (rc < 0) return ZG_TX_ERR_RLP;
        if (ent) {
            memcpy(ent[ne].address, a.data, 20);
            ent[ne].nkeys = nk - first;
            ent[ne].keys = keys ? (const uint8_t(*)[32])&keys[first] : NULL;
        }
        ne++;
    }
    if (rc < 0) return ZG_TX_ERR_RLP;
    *nent = ne;
    *nkeys = nk;
    return ZG_TX_OK;
}

static int blob_hashes_walk(const zg_rlp_item *bl, size_t *n, uint8_t (*out)[32])
{
    zg_rlp_iter it;
    zg_rlp_item h;
    int rc;
    size_t c = 0;
    if (!bl->is_list) return ZG_TX_ERR_FIELD_TYPE;
    zg_rlp_iter_init(&it, bl);
    while ((rc = next_item(&it, &h)) == 1) {
        if (h.is_list) return ZG_TX_ERR_FIELD_TYPE;
        if (h.len != 32) return ZG_TX_ERR_BLOB_HASH_SIZE;
        if (out) memcpy(out[c], h.data, 32);
        c++;
    }
    if (rc < 0) return ZG_TX_ERR_RLP;
    *n = c;
    return ZG_TX_OK;
}

/* the v field -> chain id (legacy) and y-parity */
static void interpret_v(zg_tx *tx)
{
    const zg_u256 *v = &tx->v;
    tx->y_parity = 0xff;
    if (tx->type != ZG_TX_LEGACY) {
        if (zg_u256_fits_u64(v) && v->w[0] <= 1) tx->y_parity = (uint8_t)v->w[0];
        return;
    }
    tx->has_chain_id = 0;
    tx->chain_id = 0;
    if (zg_u256_fits_u64(v) && (v->w[0] == 27 || v->w[0] == 28)) {
        tx->y_parity = (uint8_t)(v->w[0] - 27);
        return;
    }
    zg_u256 t, c35 = zg_u256_from_u64(35);
    if (zg_u256_sub(&t, v, &c35)) return; /* v < 35 */
    int parity = (int)(t.w[0] & 1);
    zg_u256_shr(&t, &t, 1);
    if (!zg_u256_fits_u64(&t)) return; /* chain id would not fit: unusable v */
    tx->has_chain_id = 1;
    tx->chain_id = t.w[0];
    tx->y_parity = (uint8_t)parity;
}

ZG_EXPORT int zg_tx_decode(const uint8_t *raw, size_t len, unsigned flags, zg_tx *tx)
{
    zg_rlp_item top, f[14];
    zg_rlp_iter it;
    int rc, type, n;
    const uint8_t *p = raw;
    size_t plen = len;

    zg_tx_init(tx);
    if (!raw || len == 0) return ZG_TX_ERR_EMPTY;
    if (raw[0] >= 0xc0) {
        type = ZG_TX_LEGACY;
    } else if (raw[0] >= ZG_TX_ACCESS_LIST && raw[0] <= ZG_TX_BLOB) {
        type = raw[0]; /* EIP-2718 envelope: type byte || rlp payload */
        p++, plen--;
    } else {
        return ZG_TX_ERR_TYPE; /* other types, and RLP strings (0x80..0xbf) */
    }
    if (zg_rlp_decode(p, plen, &top, NULL) != ZG_OK) return ZG_TX_ERR_RLP;
    if (!top.is_list) return ZG_TX_ERR_NOT_LIST;
    n = zg_rlp_list_count(&top);
    if (n < 0) return ZG_TX_ERR_RLP;
    zg_rlp_iter_init(&it, &top);
    for (int i = 0; i < n && i < 14; i++)
        if (next_item(&it, &f[i]) != 1) return ZG_TX_ERR_RLP;
    if (type == ZG_TX_BLOB && n == 4 && f[0].is_list) return ZG_TX_ERR_BLOB_SIDECAR;
    if (n != field_count[type]) return ZG_TX_ERR_FIELD_COUNT;

    tx->type = (uint8_t)type;
    int i = 0;
    if (type != ZG_TX_LEGACY) {
        if ((rc = rd_u64(&f[i++], &tx->chain_id, ZG_TX_ERR_CHAIN_ID_OVERFLOW))) return rc;
        tx->has_chain_id = 1;
    }
    if ((rc = rd_u64(&f[i++], &tx->nonce, ZG_TX_ERR_NONCE_OVERFLOW))) return rc;
    if (type == ZG_TX_LEGACY || type == ZG_TX_ACCESS_LIST) {
        if ((rc = rd_u256(&f[i++], &tx->gas_price, ZG_TX_ERR_GAS_PRICE_OVERFLOW))) return rc;
        tx->max_fee_per_gas = tx->max_priority_fee_per_gas = tx->gas_price;
    } else {
        if ((rc = rd_u256(&f[i++], &tx->max_priority_fee_per_gas, ZG_TX_ERR_TIP_OVERFLOW))) return rc;
        if ((rc = rd_u256(&f[i++], &tx->max_fee_per_gas, ZG_TX_ERR_GAS_PRICE_OVERFLOW))) return rc;
        tx->gas_price = tx->max_fee_per_gas;
    }
    if ((rc = rd_u64(&f[i++], &tx->gas_limit, ZG_TX_ERR_GAS_LIMIT_OVERFLOW))) return rc;
    {
        const zg_rlp_item *to = &f[i++];
        if (to->is_list) return ZG_TX_ERR_FIELD_TYPE;
        if (to->len != 0 && to->len != 20) return ZG_TX_ERR_TO_SIZE;
        tx->has_to = to->len == 20;
        if (tx->has_to) memcpy(tx->to, to->data, 20);
    }
    if ((rc = rd_u256(&f[i++], &tx->value, ZG_TX_ERR_VALUE_OVERFLOW))) return rc;
    {
        const zg_rlp_item *d = &f[i++];
        if (d->is_list) return ZG_TX_ERR_FIELD_TYPE;
        tx->data = d->data;
        tx->data_len = d->len;
    }
    const zg_rlp_item *al = NULL, *bl = NULL;
    size_t nent = 0, nkeys = 0, nblobs = 0;
    if (type != ZG_TX_LEGACY) {
        al = &f[i++];
        if ((rc = access_list_walk(al, &nent, &nkeys, NULL, NULL))) return rc;
    }
    if (type == ZG_TX_BLOB) {
        if ((rc = rd_u256(&f[i++], &tx->max_fee_per_blob_gas, ZG_TX_ERR_BLOB_FEE_OVERFLOW))) return rc;
        bl = &f[i++];
        if ((rc = blob_hashes_walk(bl, &nblobs, NULL))) return rc;
    }
    if ((rc = rd_u256(&f[i++], &tx->v, ZG_TX_ERR_SIG_OVERFLOW))) return rc;
    if ((rc = rd_be32(&f[i++], tx->r, ZG_TX_ERR_SIG_OVERFLOW))) return rc;
    if ((rc = rd_be32(&f[i++], tx->s, ZG_TX_ERR_SIG_OVERFLOW))) return rc;
    interpret_v(tx);

    /* one allocation: access entries, storage keys, blob hashes, raw copy */
    size_t sz_ent = nent * sizeof(zg_tx_access), sz_keys = nkeys * 32, sz_blobs = nblobs * 32;
    size_t sz_raw = (flags & ZG_TX_COPY) ? len : 0, total = sz_ent + sz_keys + sz_blobs + sz_raw;
    uint8_t *mem = NULL;
    if (total) {
        mem = malloc(total);
        if (!mem) {
            zg_tx_init(tx);
            return ZG_TX_ERR_NOMEM;
        }
    }
    /* no arithmetic on a NULL mem (nothing to place when total == 0) */
    zg_tx_access *ent = (zg_tx_access *)mem;
    uint8_t(*keys)[32] = mem ? (uint8_t(*)[32])(mem + sz_ent) : NULL;
    uint8_t(*blobs)[32] = mem ? (uint8_t(*)[32])(mem + sz_ent + sz_keys) : NULL;
    if (al && nent) access_list_walk(al, &nent, &nkeys, ent, keys);
    if (bl && nblobs) blob_hashes_walk(bl, &nblobs, blobs);
    tx->access_list = nent ? ent : NULL;
    tx->access_list_len = nent;
    tx->access_keys_total = nkeys;
    tx->blob_hashes = nblobs ? (const uint8_t(*)[32])blobs : NULL;
    tx->blob_hashes_len = nblobs;
    tx->raw = raw;
    tx->raw_len = len;
    if (sz_raw) { /* re-point everything that referenced the input */
        uint8_t *copy = mem + sz_ent + sz_keys + sz_blobs;
        memcpy(copy, raw, len);
        if (tx->data) tx->data = copy + (tx->data - raw);
        tx->raw = copy;
    }
    tx->owned_ = mem;
    zg_keccak256(raw, len, tx->hash);
    return ZG_TX_OK;
}

/* ---- encoding ---- */

static void put_u256(zg_rlp_buf *b, const zg_u256 *v)
{
    uint8_t be[32];
    zg_u256_store_be32(v, be);
    zg_rlp_put_be32(b, be);
}

/* the fields of tx in order; with_sig adds v, r, s; eip155 adds
 * (chain_id, 0, 0) to a legacy tx instead */
static void put_fields(zg_rlp_buf *b, const zg_tx *tx, int with_sig, int eip155)
{
    zg_rlp_list_begin(b);
    if (tx->type != ZG_TX_LEGACY) zg_rlp_put_u64(b, tx->chain_id);
    zg_rlp_put_u64(b, tx->nonce);
    if (tx->type == ZG_TX_LEGACY || tx->type == ZG_TX_ACCESS_LIST) {
        put_u256(b, &tx->gas_price);
    } else {
        put_u256(b, &tx->max_priority_fee_per_gas);
        put_u256(b, &tx->max_fee_per_gas);
    }
    zg_rlp_put_u64(b, tx->gas_limit);
    zg_rlp_put_bytes(b, tx->to, tx->has_to ? 20 : 0);
    put_u256(b, &tx->value);
    zg_rlp_put_bytes(b, tx->data_len ? tx->data : (const uint8_t *)"", tx->data_len);
    if (tx->type != ZG_TX_LEGACY) {
        zg_rlp_list_begin(b);
        for (size_t i = 0; i < tx->access_list_len; i++) {
            const zg_tx_access *e = &tx->access_list[i];
            zg_rlp_list_begin(b);
            zg_rlp_put_bytes(b, e->address, 20);
            zg_rlp_list_begin(b);
            for (size_t k = 0; k < e->nkeys; k++) zg_rlp_put_bytes(b, e->keys[k], 32);
            zg_rlp_list_end(b);
            zg_rlp_list_end(b);
        }
        zg_rlp_list_end(b);
    }
    if (tx->type == ZG_TX_BLOB) {
        put_u256(b, &tx->max_fee_per_blob_gas);
        zg_rlp_list_begin(b);
        for (size_t i = 0; i < tx->blob_hashes_len; i++) zg_rlp_put_bytes(b, tx->blob_hashes[i], 32);
        zg_rlp_list_end(b);
    }
    if (with_sig) {
        put_u256(b, &tx->v);
        zg_rlp_put_be32(b, tx->r);
        zg_rlp_put_be32(b, tx->s);
    } else if (eip155) {
        zg_rlp_put_u64(b, tx->chain_id);
        zg_rlp_put_u64(b, 0);
        zg_rlp_put_u64(b, 0);
    }
    zg_rlp_list_end(b);
}

static int put_tx(zg_rlp_buf *b, const zg_tx *tx, int with_sig)
{
    if (tx->type > ZG_TX_BLOB) return ZG_EINVAL;
    if (tx->type != ZG_TX_LEGACY) {
        uint8_t t = tx->type;
        zg_rlp_put_raw(b, &t, 1);
    }
    put_fields(b, tx, with_sig, !with_sig && tx->type == ZG_TX_LEGACY && tx->has_chain_id);
    return b->oom ? ZG_ENOMEM : ZG_OK;
}

ZG_EXPORT int zg_tx_encode(const zg_tx *tx, zg_rlp_buf *out) { return put_tx(out, tx, 1); }

/* keccak256 of the encoding (signed or unsigned form) */
static int hash_form(const zg_tx *tx, int with_sig, uint8_t out[32])
{
    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    int rc = put_tx(&b, tx, with_sig);
    if (rc == ZG_OK) zg_keccak256(b.data, b.len, out);
    zg_rlp_buf_free(&b);
    return rc;
}

ZG_EXPORT int zg_tx_signing_hash(const zg_tx *tx, uint8_t out[32]) { return hash_form(tx, 0, out); }

ZG_EXPORT int zg_tx_sign(zg_tx *tx, const uint8_t seckey[32])
{
    uint8_t h[32];
    int recid, rc;
    if (tx->type != ZG_TX_LEGACY) tx->has_chain_id = 1;
    if ((rc = zg_tx_signing_hash(tx, h)) != ZG_OK) return rc;
    if ((rc = zg_secp_sign(h, seckey, tx->r, tx->s, &recid)) != ZG_OK) return rc;
    if (recid > 1) return ZG_ERR; /* r >= n as an x coordinate: not expressible in v (p ~ 2^-128) */
    if (tx->type != ZG_TX_LEGACY) {
        tx->v = zg_u256_from_u64((uint64_t)recid);
    } else if (tx->has_chain_id) { /* EIP-155: chain_id * 2 + 35 + parity, in 256 bits */
        zg_u256 c = zg_u256_from_u64(tx->chain_id), k = zg_u256_from_u64(35 + (uint64_t)recid);
        zg_u256_add(&tx->v, &c, &c);
        zg_u256_add(&tx->v, &tx->v, &k);
    } else {
        tx->v = zg_u256_from_u64(27 + (uint64_t)recid);
    }
    tx->y_parity = (uint8_t)recid;
    if ((rc = hash_form(tx, 1, tx->hash)) != ZG_OK) return rc;
    if ((rc = zg_secp_address(seckey, tx->sender)) != ZG_OK) return rc;
    tx->has_sender = 1;
    return ZG_OK;
}

/* ---- validation ---- */

ZG_EXPORT uint64_t zg_tx_intrinsic_gas(const zg_tx *tx)
{
    uint64_t g = ZG_TX_GAS_BASE, zeros = 0, t;
    for (size_t i = 0; i < tx->data_len; i++) zeros += tx->data[i] == 0;
    uint64_t nonzero = tx->data_len - zeros, keys = 0;
    for (size_t i = 0; i < tx->access_list_len; i++) keys += tx->access_list[i].nkeys;
#define SAT_ADD(x)                                                                                  \
    do {                                                                                            \
        if (__builtin_add_overflow(g, (x), &g)) return UINT64_MAX;                                  \
    } while (0)
#define SAT_MUL(a, b) (__builtin_mul_overflow((uint64_t)(a), (uint64_t)(b), &t) ? UINT64_MAX : t)
    SAT_ADD(SAT_MUL(zeros, ZG_TX_GAS_DATA_ZERO));
    SAT_ADD(SAT_MUL(nonzero, ZG_TX_GAS_DATA_NONZERO));
    if (!tx->has_to) {
        SAT_ADD(ZG_TX_GAS_CREATE);
        SAT_ADD(SAT_MUL((tx->data_len / 32) + (tx->data_len % 32 != 0), ZG_TX_GAS_INITCODE_WORD));
    }
    SAT_ADD(SAT_MUL(tx->access_list_len, ZG_TX_GAS_ACCESS_ADDRESS));
    SAT_ADD(SAT_MUL(keys, ZG_TX_GAS_ACCESS_KEY));
#undef SAT_ADD
#undef SAT_MUL
    return g;
}

ZG_EXPORT uint64_t zg_tx_blob_gas(const zg_tx *tx)
{
    uint64_t g;
    if (tx->type != ZG_TX_BLOB) return 0;
    return __builtin_mul_overflow((uint64_t)tx->blob_hashes_len, (uint64_t)ZG_TX_GAS_PER_BLOB, &g) ? UINT64_MAX
                                                                                                  : g;
}

/* the per-gas price cap: gas_price for legacy/1, max_fee_per_gas otherwise */
static const zg_u256 *fee_cap(const zg_tx *tx)
{
    return tx->type >= ZG_TX_DYNAMIC_FEE ? &tx->max_fee_per_gas : &tx->gas_price;
}

ZG_EXPORT int zg_tx_effective_gas_price(const zg_tx *tx, const zg_u256 *base_fee, zg_u256 *out)
{
    const zg_u256 *cap = fee_cap(tx);
    if (zg_u256_lt(cap, base_fee)) return ZG_EINVAL;
    if (tx->type < ZG_TX_DYNAMIC_FEE) {
        *out = *cap;
        return ZG_OK;
    }
    zg_u256 p;
    int carry = zg_u256_add(&p, base_fee, &tx->max_priority_fee_per_gas);
    *out = (carry || zg_u256_lt(cap, &p)) ? *cap : p;
    return ZG_OK;
}

ZG_EXPORT int zg_tx_max_cost(const zg_tx *tx, zg_u256 *out)
{
    zg_u256 g = zg_u256_from_u64(tx->gas_limit), c, b;
    if (zg_u256_mul_overflow(&c, &g, fee_cap(tx))) return 1;
    if (tx->type == ZG_TX_BLOB) {
        zg_u256 bg = zg_u256_from_u64(zg_tx_blob_gas(tx));
        if (zg_u256_mul_overflow(&b, &bg, &tx->max_fee_per_blob_gas)) return 1;
        if (zg_u256_add(&c, &c, &b)) return 1;
    }
    if (zg_u256_add(&c, &c, &tx->value)) return 1;
    *out = c;
    return 0;
}

ZG_EXPORT int zg_tx_validate(const zg_tx *tx, uint64_t chain_id)
{
    if (tx->type > ZG_TX_BLOB) return ZG_TX_ERR_TYPE;
    if (tx->y_parity > 1) return ZG_TX_ERR_INVALID_V;
    /* pre-EIP-155 legacy signatures are valid on every chain */
    if ((tx->type != ZG_TX_LEGACY || tx->has_chain_id) && tx->chain_id != chain_id) return ZG_TX_ERR_CHAIN_ID;
    if (!zg_secp_rs_valid(tx->r, tx->s, 1)) return ZG_TX_ERR_SIGNATURE;
    if (tx->nonce == UINT64_MAX) return ZG_TX_ERR_NONCE_MAX;
    if (tx->type >= ZG_TX_DYNAMIC_FEE && zg_u256_gt(&tx->max_priority_fee_per_gas, &tx->max_fee_per_gas))
        return ZG_TX_ERR_TIP_ABOVE_FEE_CAP;
    zg_u256 g = zg_u256_from_u64(tx->gas_limit), prod;
    if (zg_u256_mul_overflow(&prod, &g, fee_cap(tx))) return ZG_TX_ERR_GAS_PRICE_PRODUCT;
    if (tx->type == ZG_TX_BLOB) {
        if (!tx->has_to) return ZG_TX_ERR_BLOB_CREATE;
        if (tx->blob_hashes_len == 0) return ZG_TX_ERR_BLOB_NONE;
        if (tx->blob_hashes_len > ZG_TX_MAX_BLOBS) return ZG_TX_ERR_BLOB_TOO_MANY;
        for (size_t i = 0; i < tx->blob_hashes_len; i++)
            if (tx->blob_hashes[i][0] != ZG_TX_BLOB_HASH_VERSION) return ZG_TX_ERR_BLOB_VERSION;
    }
    if (!tx->has_to && tx->data_len > ZG_TX_MAX_INITCODE_SIZE) return ZG_TX_ERR_INITCODE_SIZE;
    if (zg_tx_intrinsic_gas(tx) > tx->gas_limit) return ZG_TX_ERR_INTRINSIC_GAS;
    return ZG_TX_OK;
}

ZG_EXPORT int zg_tx_recover_sender(zg_tx *tx)
{
    uint8_t h[32];
    if (tx->y_parity > 1) return ZG_TX_ERR_INVALID_V;
    if (!zg_secp_rs_valid(tx->r, tx->s, 1)) return ZG_TX_ERR_SIGNATURE;
    int rc = zg_tx_signing_hash(tx, h);
    if (rc == ZG_ENOMEM) return ZG_TX_ERR_NOMEM;
    if (rc != ZG_OK) return ZG_TX_ERR_TYPE;
    if (zg_secp_recover_address(h, tx->y_parity, tx->r, tx->s, tx->sender) != ZG_OK) return ZG_TX_ERR_RECOVERY;
    tx->has_sender = 1;
    return ZG_TX_OK;
}

ZG_EXPORT int zg_tx_parse(const uint8_t *raw, size_t len, uint64_t chain_id, unsigned flags, zg_tx *tx)
{
    int rc = zg_tx_decode(raw, len, flags, tx);
    if (rc == ZG_TX_OK) rc = zg_tx_validate(tx, chain_id);
    if (rc == ZG_TX_OK) rc = zg_tx_recover_sender(tx);
    if (rc != ZG_TX_OK) zg_tx_free(tx);
    return rc;
}
