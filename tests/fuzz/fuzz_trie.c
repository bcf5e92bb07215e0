/* fuzz_trie: Merkle-Patricia proofs and nodes from an untrusted database.
 *
 * Input: byte 0 = mode; then chunks, each a 2-byte big-endian length and
 * that many bytes (the last may be short).  Chunk 0 is the key, the others
 * are RLP nodes.
 *  - mode bit 0 clear: the nodes are a proof for the key against
 *    keccak(node 1) (or the empty root): verification must answer OK (value
 *    inside a node), ENOTFOUND or ECORRUPT, never crash;
 *  - mode bit 0 set: the nodes are stored in a kv store under their hashes
 *    and a trie is opened at node 1's hash.  Invariants: get and a proof
 *    built by zg_trie_prove agree (present with the same value, or absent);
 *    a successful put is read back after commit and reopen.
 * mode bit 1: secure trie (hashed key); bit 2: ZG_TRIE_TRUSTED. */
#include <string.h>
#include <zg/keccak.h>
#include <zg/trie.h>

#include "fuzz.h"
#include "../trie_memkv.h"

#define MAXN 64

static int valid_rc(int rc) { return rc == ZG_OK || rc == ZG_ENOTFOUND || rc == ZG_ECORRUPT; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zg_trie_bytes ch[MAXN + 1];
    size_t n = 0, p = 1;
    if (size < 1) return 0;
    unsigned mode = data[0];
    while (p < size && n <= MAXN) {
        size_t l = p + 2 <= size ? (size_t)data[p] << 8 | data[p + 1] : 0;
        p += 2;
        if (p > size) p = size;
        if (l > size - p) l = size - p;
        ch[n].data = data + p;
        ch[n].len = l;
        n++;
        p += l;
    }
    if (n == 0) return 0;
    const zg_trie_bytes key = ch[0];
    const zg_trie_bytes *nodes = ch + 1;
    size_t nn = n - 1;
    unsigned flags = (mode & 2) ? ZG_TRIE_SECURE : 0;
    uint8_t root[32];
    if (nn && nodes[0].len)
        zg_keccak256(nodes[0].data, nodes[0].len, root);
    else
        memcpy(root, zg_trie_empty_root, 32);

    if (!(mode & 1)) {
        const uint8_t *v = NULL;
        size_t vl = 0;
        int rc = zg_trie_verify_proof(root, key.data, key.len, flags, nodes, nn, &v, &vl);
        FUZZ_CHECK(valid_rc(rc) || (rc == ZG_EINVAL && key.len > ZG_TRIE_MAX_KEY));
        if (rc == ZG_OK) {
            int inside = 0;
            for (size_t i = 0; i < nn; i++)
                inside |= v >= nodes[i].data && v + vl <= nodes[i].data + nodes[i].len;
            FUZZ_CHECK(inside && vl > 0);
        }
        return 0;
    }

    zg_kv_db *db = mkv_new();
    FUZZ_CHECK(db);
    for (size_t i = 0; i < nn; i++) {
        uint8_t h[32];
        if (!nodes[i].len) continue;
        zg_keccak256(nodes[i].data, nodes[i].len, h);
        mkv_set(db, h, 32, nodes[i].data, nodes[i].len);
    }
    zg_trie *t;
    if (mode & 4) flags |= ZG_TRIE_TRUSTED;
    FUZZ_CHECK(zg_trie_open(&t, &mkv_iface, db, root, flags) == ZG_OK);
    const uint8_t *v;
    size_t vl;
    int rc = zg_trie_get(t, key.data, key.len, &v, &vl);
    FUZZ_CHECK(valid_rc(rc) || (rc == ZG_EINVAL && key.len > ZG_TRIE_MAX_KEY));
    if (rc == ZG_OK || rc == ZG_ENOTFOUND) {
        uint8_t *val = rc == ZG_OK ? malloc(vl) : NULL;
        if (val) memcpy(val, v, vl);
        zg_trie_proof pr;
        FUZZ_CHECK(zg_trie_prove(t, key.data, key.len, &pr) == ZG_OK);
        uint8_t r2[32];
        FUZZ_CHECK(zg_trie_root(t, r2) == ZG_OK && !memcmp(r2, root, 32));
        const uint8_t *pv;
        size_t pvl;
        int vrc = zg_trie_verify_proof(root, key.data, key.len, flags, pr.nodes, pr.n, &pv, &pvl);
        FUZZ_CHECK(vrc == rc);
        if (rc == ZG_OK) FUZZ_CHECK(pvl == vl && !memcmp(pv, val, vl));
        zg_trie_proof_free(&pr);
        free(val);
    }
    /* walks and a change: no crash, sane codes */
    const uint8_t *ok_;
    size_t okl;
    rc = zg_trie_next(t, key.data, key.len, mode & 8, &ok_, &okl, &v, &vl);
    FUZZ_CHECK(valid_rc(rc) || rc == ZG_EINVAL);
    rc = zg_trie_prev(t, key.data, key.len, mode & 8, &ok_, &okl, &v, &vl);
    FUZZ_CHECK(valid_rc(rc) || rc == ZG_EINVAL);
    int prc = (mode & 16) ? zg_trie_del(t, key.data, key.len)
                          : zg_trie_put(t, key.data, key.len, "fuzz", 4);
    FUZZ_CHECK(valid_rc(prc) || prc == ZG_EINVAL);
    if (prc == ZG_OK) {
        uint8_t nr[32];
        rc = zg_trie_commit(t, 0, nr);
        FUZZ_CHECK(valid_rc(rc));
        if (rc == ZG_OK) {
            zg_trie *t2;
            FUZZ_CHECK(zg_trie_open(&t2, &mkv_iface, db, nr, flags) == ZG_OK);
            rc = zg_trie_get(t2, key.data, key.len, &v, &vl);
            /* the key's whole path was just written */
            if (mode & 16)
                FUZZ_CHECK(rc == ZG_ENOTFOUND);
            else
                FUZZ_CHECK(rc == ZG_OK && vl == 4 && !memcmp(v, "fuzz", 4));
            zg_trie_free(t2);
        }
    }
    zg_trie_free(t);
    mkv_close(db);
    return 0;
}
