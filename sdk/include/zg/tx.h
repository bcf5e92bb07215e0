/* zg/tx.h — Ethereum transactions (Cancun rules): decode, encode, hash,
 * sign, recover the sender, validate statelessly, intrinsic gas.
 *
 * Types: legacy (pre-EIP-155 and EIP-155), 1 (EIP-2930 access list),
 * 2 (EIP-1559 dynamic fee), 3 (EIP-4844 blob, canonical form without the
 * blob sidecar).  The encoding is the one hashed into blocks and by
 * eth_sendRawTransaction: rlp(list) for legacy, type || rlp(list) for the
 * others; the transaction hash is keccak256 of it.
 *
 * Typical use:
 *     zg_tx tx;
 *     int err = zg_tx_parse(raw, len, chain_id, 0, &tx);  // decode+validate+sender
 *     if (err) log("%s", zg_tx_err_str(err));
 *     ...
 *     zg_tx_free(&tx);
 *
 * After zg_tx_decode the variable-size fields (data, access list, blob
 * hashes) point into memory the zg_tx owns or, for data, into raw: raw must
 * outlive the tx unless ZG_TX_COPY is given.  A tx built by hand for
 * signing may point its arrays anywhere; zg_tx_free only releases what the
 * decoder allocated. */
#ifndef ZG_TX_H
#define ZG_TX_H
#include <stddef.h>
#include <stdint.h>
#include <zg/plugin.h>
#include <zg/rlp.h>
#include <zg/u256.h>
#ifdef __cplusplus
extern "C" {
#endif

enum {
    ZG_TX_LEGACY = 0,
    ZG_TX_ACCESS_LIST = 1, /* EIP-2930 */
    ZG_TX_DYNAMIC_FEE = 2, /* EIP-1559 */
    ZG_TX_BLOB = 3,        /* EIP-4844 */
};

/* Cancun constants */
#define ZG_TX_GAS_BASE 21000u
#define ZG_TX_GAS_CREATE 32000u           /* added for contract creation */
#define ZG_TX_GAS_DATA_ZERO 4u
#define ZG_TX_GAS_DATA_NONZERO 16u        /* EIP-2028 */
#define ZG_TX_GAS_ACCESS_ADDRESS 2400u    /* EIP-2930 */
#define ZG_TX_GAS_ACCESS_KEY 1900u
#define ZG_TX_GAS_INITCODE_WORD 2u        /* EIP-3860 */
#define ZG_TX_MAX_INITCODE_SIZE 49152u    /* 2 * MAX_CODE_SIZE (EIP-3860) */
#define ZG_TX_GAS_PER_BLOB 131072u        /* EIP-4844 */
#define ZG_TX_MAX_BLOBS 6u                /* MAX_BLOB_GAS_PER_BLOCK / GAS_PER_BLOB */
#define ZG_TX_BLOB_HASH_VERSION 0x01      /* VERSIONED_HASH_VERSION_KZG */

/* Named errors: decode errors first, then validation errors. */
typedef enum zg_tx_err {
    ZG_TX_OK = 0,
    ZG_TX_ERR_EMPTY,                 /* no bytes */
    ZG_TX_ERR_TYPE,                  /* unsupported transaction type */
    ZG_TX_ERR_RLP,                   /* malformed RLP: sizes, truncation, trailing bytes, non-canonical */
    ZG_TX_ERR_NOT_LIST,              /* payload is not an RLP list */
    ZG_TX_ERR_FIELD_COUNT,           /* too few or too many fields */
    ZG_TX_ERR_FIELD_TYPE,            /* a list where a string belongs, or the reverse */
    ZG_TX_ERR_LEADING_ZEROS,         /* integer encoded with leading zero bytes */
    ZG_TX_ERR_NONCE_OVERFLOW,        /* nonce above 2^64-1 */
    ZG_TX_ERR_GAS_LIMIT_OVERFLOW,    /* gas limit above 2^64-1 */
    ZG_TX_ERR_GAS_PRICE_OVERFLOW,    /* gas price / max fee per gas above 2^256-1 */
    ZG_TX_ERR_TIP_OVERFLOW,          /* max priority fee above 2^256-1 */
    ZG_TX_ERR_BLOB_FEE_OVERFLOW,     /* max fee per blob gas above 2^256-1 */
    ZG_TX_ERR_VALUE_OVERFLOW,        /* value above 2^256-1 */
    ZG_TX_ERR_CHAIN_ID_OVERFLOW,     /* chain id above 2^64-1 */
    ZG_TX_ERR_SIG_OVERFLOW,          /* v, r or s above 2^256-1 */
    ZG_TX_ERR_TO_SIZE,               /* destination neither empty nor 20 bytes */
    ZG_TX_ERR_ACCESS_LIST,           /* access list entry is not [address, [keys...]] */
    ZG_TX_ERR_ACCESS_ADDRESS_SIZE,   /* access list address not 20 bytes */
    ZG_TX_ERR_ACCESS_KEY_SIZE,       /* access list storage key not 32 bytes */
    ZG_TX_ERR_BLOB_HASH_SIZE,        /* blob versioned hash not 32 bytes */
    ZG_TX_ERR_BLOB_SIDECAR,          /* blob tx in the network wrapper (with blobs): not accepted */
    ZG_TX_ERR_NOMEM,
    /* validation (zg_tx_validate, zg_tx_recover_sender) */
    ZG_TX_ERR_INVALID_V,             /* legacy v not 27, 28 or 35+2*chain_id(+1); y-parity not 0/1 */
    ZG_TX_ERR_CHAIN_ID,              /* signed for another chain */
    ZG_TX_ERR_SIGNATURE,             /* r or s outside [1, n-1], or s > n/2 (EIP-2) */
    ZG_TX_ERR_RECOVERY,              /* no public key recovers from the signature */
    ZG_TX_ERR_NONCE_MAX,             /* nonce is 2^64-1 (EIP-2681) */
    ZG_TX_ERR_INTRINSIC_GAS,         /* gas limit below the intrinsic gas */
    ZG_TX_ERR_INITCODE_SIZE,         /* creation with more than 49152 bytes of initcode (EIP-3860) */
    ZG_TX_ERR_TIP_ABOVE_FEE_CAP,     /* max priority fee above max fee per gas */
    ZG_TX_ERR_GAS_PRICE_PRODUCT,     /* gas limit * (max) gas price overflows 256 bits */
    ZG_TX_ERR_BLOB_CREATE,           /* blob transaction without a destination */
    ZG_TX_ERR_BLOB_NONE,             /* blob transaction without blob hashes */
    ZG_TX_ERR_BLOB_TOO_MANY,         /* more blobs than a block can hold */
    ZG_TX_ERR_BLOB_VERSION,          /* blob versioned hash with a version other than 0x01 */
    ZG_TX_ERR__COUNT
} zg_tx_err;

/* "nonce above 2^64-1", ...; "unknown error" outside the enum */
ZG_EXPORT const char *zg_tx_err_str(int err);
/* short constant-like name: "NONCE_OVERFLOW", ... */
ZG_EXPORT const char *zg_tx_err_name(int err);

typedef struct zg_tx_access {
    uint8_t address[20];
    size_t nkeys;
    const uint8_t (*keys)[32]; /* nkeys storage keys */
} zg_tx_access;

typedef struct zg_tx {
    uint8_t type;          /* ZG_TX_LEGACY .. ZG_TX_BLOB */
    uint8_t has_to;        /* 0: contract creation */
    uint8_t has_chain_id;  /* typed: always; legacy: EIP-155 signed */
    uint8_t has_sender;    /* sender recovered (or set by zg_tx_sign) */
    uint8_t y_parity;      /* 0/1 from v; 0xff when v is not a valid encoding */
    uint64_t chain_id;
    uint64_t nonce;
    uint64_t gas_limit;
    zg_u256 gas_price;     /* legacy and type 1; for types 2 and 3 equal to max_fee_per_gas */
    zg_u256 max_fee_per_gas;          /* types 2, 3 (legacy/1: gas_price) */
    zg_u256 max_priority_fee_per_gas; /* types 2, 3 (legacy/1: gas_price) */
    uint8_t to[20];
    zg_u256 value;
    const uint8_t *data;
    size_t data_len;
    const zg_tx_access *access_list; /* types 1, 2, 3 */
    size_t access_list_len;
    size_t access_keys_total;        /* storage keys over all entries */
    zg_u256 max_fee_per_blob_gas;    /* type 3 */
    const uint8_t (*blob_hashes)[32];
    size_t blob_hashes_len;
    zg_u256 v;             /* as encoded: legacy v, or y-parity for typed */
    uint8_t r[32], s[32];  /* big-endian */
    uint8_t hash[32];      /* keccak256 of the encoding (after decode or sign) */
    uint8_t sender[20];
    const uint8_t *raw;    /* the decoded encoding (borrowed, or owned with ZG_TX_COPY) */
    size_t raw_len;
    void *owned_;          /* decoder allocations, released by zg_tx_free */
} zg_tx;

/* decode flags */
#define ZG_TX_COPY 1u /* copy the input: the tx does not reference raw afterwards */

ZG_EXPORT void zg_tx_init(zg_tx *tx);
ZG_EXPORT void zg_tx_free(zg_tx *tx);

/* Decode one transaction spanning raw[0..len) (strict RLP, exact field
 * counts and sizes) and compute its hash.  Returns ZG_TX_OK or a decode
 * error; on error the tx holds nothing to free (freeing it is harmless). */
ZG_EXPORT int zg_tx_decode(const uint8_t *raw, size_t len, unsigned flags, zg_tx *tx);

/* Stateless validity under Cancun for a chain: v / chain id, signature
 * ranges (low s), nonce < 2^64-1, fee fields, gas limit * price overflow,
 * intrinsic gas, initcode size, blob rules.  Does not recover the sender.
 * Returns ZG_TX_OK or a validation error. */
ZG_EXPORT int zg_tx_validate(const zg_tx *tx, uint64_t chain_id);

/* Recover tx->sender from the signature (sets has_sender).  Checks v and
 * the signature ranges itself.  ZG_TX_OK or an error. */
ZG_EXPORT int zg_tx_recover_sender(zg_tx *tx);

/* decode + validate + recover: the whole admission check of a raw tx */
ZG_EXPORT int zg_tx_parse(const uint8_t *raw, size_t len, uint64_t chain_id, unsigned flags, zg_tx *tx);

/* Intrinsic gas (Cancun): 21000 (+32000 and 2 per initcode word for
 * creation), 4/16 per zero/non-zero data byte, 2400 per access list
 * address and 1900 per storage key.  Saturates at UINT64_MAX. */
ZG_EXPORT uint64_t zg_tx_intrinsic_gas(const zg_tx *tx);
/* blob gas used: GAS_PER_BLOB * number of blobs */
ZG_EXPORT uint64_t zg_tx_blob_gas(const zg_tx *tx);
/* Price paid per gas at a base fee: legacy/1 gas_price, else
 * min(max_fee, base_fee + tip).  ZG_EINVAL when the fee cap is below the
 * base fee (the tx cannot be included). */
ZG_EXPORT int zg_tx_effective_gas_price(const zg_tx *tx, const zg_u256 *base_fee, zg_u256 *out);
/* Most the sender may pay: gas_limit * max price + blob_gas * max blob fee
 * + value.  Returns 1 when that overflows 256 bits (out then undefined). */
ZG_EXPORT int zg_tx_max_cost(const zg_tx *tx, zg_u256 *out);

/* Append the encoding of tx (with its signature fields) to out.  ZG_OK, or
 * ZG_ENOMEM / ZG_EINVAL (unknown type). */
ZG_EXPORT int zg_tx_encode(const zg_tx *tx, zg_rlp_buf *out);
/* The hash that is signed: keccak256 of the unsigned fields — legacy
 * pre-EIP-155 (has_chain_id == 0) or EIP-155 (chain_id, 0, 0 appended),
 * typed: type || rlp(fields without the signature). */
ZG_EXPORT int zg_tx_signing_hash(const zg_tx *tx, uint8_t out[32]);
/* Sign with seckey: sets v (legacy: 27/28 or chain_id*2+35/36 as
 * has_chain_id says; typed: y-parity), r, s, y_parity, hash, sender and
 * has_sender.  ZG_OK, ZG_EINVAL (bad key or type), ZG_ENOMEM. */
ZG_EXPORT int zg_tx_sign(zg_tx *tx, const uint8_t seckey[32]);

#ifdef __cplusplus
}
#endif
#endif
