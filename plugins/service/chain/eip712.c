/* eip712.c — EIP-712 typed structured data hashing for
 * eth_signTypedData_v4: keccak256(0x19 0x01 || hashStruct(EIP712Domain) ||
 * hashStruct(primaryType, message)), with arrays and nested structs as v4
 * (MetaMask eth-sig-util, ethers TypedDataEncoder) define them. */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zg/hex.h>
#include <zg/keccak.h>
#include "chain.h"

typedef struct ctx712 {
    const json_t *types;
    char *why;
    size_t whylen;
    int depth;
} ctx712;

static int fail(ctx712 *x, const char *fmt, const char *a)
{
    snprintf(x->why, x->whylen, fmt, a);
    return ZG_EINVAL;
}

/* base name of a type without array suffixes: "Person[][2]" -> "Person" */
static void base_type(const char *t, char *out, size_t cap)
{
    size_t n = strcspn(t, "[");
    if (n >= cap) n = cap - 1;
    memcpy(out, t, n);
    out[n] = 0;
}

static int is_struct(ctx712 *x, const char *name) { return json_is_array(json_object_get(x->types, name)); }

/* collect struct dependencies of `name` (including itself) */
static int deps(ctx712 *x, const char *name, char ***list, size_t *n, int depth)
{
    if (depth > 32) return fail(x, "type nesting too deep at %s", name);
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*list)[i], name)) return ZG_OK;
    json_t *fields = json_object_get(x->types, name);
    if (!json_is_array(fields)) return fail(x, "unknown type %s", name);
    char **nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (!nl) return ZG_ENOMEM;
    *list = nl;
    nl[(*n)++] = (char *)name;
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f) {
        const char *t = json_string_value(json_object_get(f, "type"));
        if (!t || !json_string_value(json_object_get(f, "name"))) return fail(x, "malformed field in type %s", name);
        char b[128];
        base_type(t, b, sizeof b);
        if (is_struct(x, b)) {
            const char *key = NULL;
            json_t *v;
            json_object_foreach((json_t *)x->types, key, v) if (!strcmp(key, b)) break;
            int rc = deps(x, key, list, n, depth + 1);
            if (rc) return rc;
        }
    }
    return ZG_OK;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int encode_type(ctx712 *x, const char *name, char **out)
{
    char **list = NULL;
    size_t n = 0;
    int rc = deps(x, name, &list, &n, 0);
    if (rc) {
        free(list);
        return rc;
    }
    if (n > 1) qsort(list + 1, n - 1, sizeof *list, cmpstr);
    size_t cap = 256, len = 0;
    char *s = malloc(cap);
    if (!s) {
        free(list);
        return ZG_ENOMEM;
    }
    for (size_t k = 0; k < n; k++) {
        json_t *fields = json_object_get(x->types, list[k]);
        char part[4096];
        size_t pl = (size_t)snprintf(part, sizeof part, "%s(", list[k]);
        size_t i;
        json_t *f;
        json_array_foreach(fields, i, f) {
            pl += (size_t)snprintf(part + pl, pl < sizeof part ? sizeof part - pl : 0, "%s%s %s", i ? "," : "",
                                   json_string_value(json_object_get(f, "type")),
                                   json_string_value(json_object_get(f, "name")));
        }
        pl += (size_t)snprintf(part + pl, pl < sizeof part ? sizeof part - pl : 0, ")");
        if (pl >= sizeof part) {
            free(s);
            free(list);
            return fail(x, "type %s too long", list[k]);
        }
        while (len + pl + 1 > cap) {
            char *ns = realloc(s, cap *= 2);
            if (!ns) {
                free(s);
                free(list);
                return ZG_ENOMEM;
            }
            s = ns;
        }
        memcpy(s + len, part, pl);
        len += pl;
    }
    s[len] = 0;
    free(list);
    *out = s;
    return ZG_OK;
}

static int hash_struct(ctx712 *x, const char *name, const json_t *data, uint8_t out[32]);

/* integer from a JSON number, decimal or 0x-hex string (possibly negative) */
static int parse_int(const json_t *v, zg_u256 *out)
{
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        *out = zg_u256_from_u64((uint64_t)(i < 0 ? -i : i));
        if (i < 0) zg_u256_neg(out, out);
        return ZG_OK;
    }
    const char *s = json_string_value(v);
    if (!s) return ZG_EINVAL;
    int neg = 0;
    if (*s == '-') neg = 1, s++;
    zg_u256 r = ZG_U256_ZERO;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        if (!*s || strlen(s) > 64) return ZG_EINVAL;
        for (; *s; s++) {
            int d = isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) >= 'a' && tolower((unsigned char)*s) <= 'f') ? tolower((unsigned char)*s) - 'a' + 10 : -1;
            if (d < 0) return ZG_EINVAL;
            zg_u256_shl(&r, &r, 4);
            r.w[0] |= (uint64_t)d;
        }
    } else {
        if (!*s) return ZG_EINVAL;
        zg_u256 ten = zg_u256_from_u64(10);
        for (; *s; s++) {
            if (!isdigit((unsigned char)*s)) return ZG_EINVAL;
            zg_u256 d = zg_u256_from_u64((uint64_t)(*s - '0'));
            zg_u256_mul(&r, &r, &ten);
            zg_u256_add(&r, &r, &d);
        }
    }
    if (neg) zg_u256_neg(&r, &r);
    *out = r;
    return ZG_OK;
}

static int encode_value(ctx712 *x, const char *type, const json_t *v, uint8_t out[32])
{
    memset(out, 0, 32);
    size_t tl = strlen(type);
    if (tl && type[tl - 1] == ']') { /* array: hash of the concatenated encodings */
        const char *lb = strrchr(type, '[');
        char inner[128];
        size_t il = (size_t)(lb - type);
        if (il >= sizeof inner) return fail(x, "type name too long: %s", type);
        memcpy(inner, type, il);
        inner[il] = 0;
        if (!json_is_array(v)) return fail(x, "expected an array for %s", type);
        zg_keccak_ctx k;
        zg_keccak256_init(&k);
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            uint8_t h[32];
            int rc = encode_value(x, inner, e, h);
            if (rc) return rc;
            zg_keccak256_update(&k, h, 32);
        }
        zg_keccak256_final(&k, out);
        return ZG_OK;
    }
    if (is_struct(x, type)) return hash_struct(x, type, v, out);
    if (!strcmp(type, "string")) {
        const char *s = json_string_value(v);
        if (!s) return fail(x, "expected a string for %s", type);
        zg_keccak256(s, json_string_length(v), out);
        return ZG_OK;
    }
    if (!strcmp(type, "bytes")) {
        uint8_t *b;
        size_t n;
        if (ch_get_bytes(v, &b, &n) != ZG_OK) return fail(x, "expected 0x hex for %s", type);
        zg_keccak256(b, n, out);
        free(b);
        return ZG_OK;
    }
    if (!strcmp(type, "bool")) {
        if (json_is_boolean(v)) out[31] = json_is_true(v);
        else if (json_is_string(v)) out[31] = !strcmp(json_string_value(v), "true");
        else return fail(x, "expected a boolean for %s", type);
        return ZG_OK;
    }
    if (!strcmp(type, "address")) {
        if (ch_get_addr(v, out + 12) != ZG_OK) return fail(x, "expected a 20-byte address for %s", type);
        return ZG_OK;
    }
    if (!strncmp(type, "bytes", 5)) {
        int n = atoi(type + 5);
        size_t got;
        if (n < 1 || n > 32 || zg_json_get_data(v, out, (size_t)n, &got) != ZG_OK)
            return fail(x, "expected hex bytes for %s", type);
        return ZG_OK;
    }
    if (!strncmp(type, "uint", 4) || !strncmp(type, "int", 3)) {
        zg_u256 r;
        if (parse_int(v, &r) != ZG_OK) return fail(x, "expected an integer for %s", type);
        zg_u256_store_be32(&r, out);
        return ZG_OK;
    }
    return fail(x, "unsupported type %s", type);
}

static int hash_struct(ctx712 *x, const char *name, const json_t *data, uint8_t out[32])
{
    if (++x->depth > 64) return fail(x, "data nesting too deep at %s", name);
    if (!json_is_object(data)) return fail(x, "expected an object for %s", name);
    char *enc;
    int rc = encode_type(x, name, &enc);
    if (rc) return rc;
    zg_keccak_ctx k;
    uint8_t th[32];
    zg_keccak256(enc, strlen(enc), th);
    free(enc);
    zg_keccak256_init(&k);
    zg_keccak256_update(&k, th, 32);
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(x->types, name), i, f) {
        const char *fname = json_string_value(json_object_get(f, "name"));
        const char *ftype = json_string_value(json_object_get(f, "type"));
        json_t *v = json_object_get(data, fname);
        uint8_t h[32];
        if (!v || json_is_null(v)) {
            if (is_struct(x, ftype)) return fail(x, "missing value for field %s", fname);
            memset(h, 0, 32);
        } else if ((rc = encode_value(x, ftype, v, h)) != ZG_OK)
            return rc;
        zg_keccak256_update(&k, h, 32);
    }
    zg_keccak256_final(&k, out);
    x->depth--;
    return ZG_OK;
}

int ch_eip712_hash(const json_t *typed, uint8_t out[32], char *why, size_t whylen)
{
    ctx712 x = {.why = why, .whylen = whylen};
    if (!json_is_object(typed)) return fail(&x, "%s", "typed data must be an object");
    json_t *types = json_object_get(typed, "types");
    const char *primary = json_string_value(json_object_get(typed, "primaryType"));
    json_t *domain = json_object_get(typed, "domain"), *msg = json_object_get(typed, "message");
    if (!json_is_object(types) || !primary || !json_is_object(domain) || !json_is_object(msg))
        return fail(&x, "%s", "typed data needs types, primaryType, domain and message");
    json_t *own = json_deep_copy(types);
    if (!own) return ZG_ENOMEM;
    if (!json_object_get(own, "EIP712Domain")) { /* derive it from the domain's fields */
        static const char *const names[] = {"name", "version", "chainId", "verifyingContract", "salt"};
        static const char *const tys[] = {"string", "string", "uint256", "address", "bytes32"};
        json_t *d = json_array();
        for (int i = 0; i < 5; i++)
            if (json_object_get(domain, names[i]))
                json_array_append_new(d, json_pack("{s:s,s:s}", "name", names[i], "type", tys[i]));
        json_object_set_new(own, "EIP712Domain", d);
    }
    x.types = own;
    uint8_t buf[66] = {0x19, 0x01};
    int rc = hash_struct(&x, "EIP712Domain", domain, buf + 2);
    if (rc == ZG_OK) {
        if (!strcmp(primary, "EIP712Domain")) {
            zg_keccak256(buf, 34, out);
        } else if ((rc = hash_struct(&x, primary, msg, buf + 34)) == ZG_OK)
            zg_keccak256(buf, 66, out);
    }
    json_decref(own);
    return rc;
}
