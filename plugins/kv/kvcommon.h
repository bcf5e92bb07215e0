/* plugins/kv/kvcommon.h — small helpers shared by the kv plugins
 * (header-only; every function is static so each plugin gets its own copy
 * and exports nothing but zg_plugin_entry). */
#ifndef ZG_KVCOMMON_H
#define ZG_KVCOMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <zg/kv.h>

#define KV_NAME_MAX 64

/* Database names become directory names: [A-Za-z0-9_-]{1,64}. */
static inline int kv_name_valid(const char *name)
{
    if (!name || !*name) return 0;
    size_t n = 0;
    for (const char *p = name; *p; p++, n++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return n <= KV_NAME_MAX;
}

/* Bytewise key order, a shorter key first when it is a prefix of the other. */
static inline int kv_keycmp(const void *a, size_t alen, const void *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

/* "a/b" in a new buffer (NULL on OOM). */
static inline char *kv_path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 2);
    if (!s) return NULL;
    memcpy(s, a, la);
    size_t o = la;
    if (la && a[la - 1] != '/') s[o++] = '/';
    memcpy(s + o, b, lb + 1);
    return s;
}

/* mkdir -p; returns 0 or an errno value. */
static inline int kv_mkdirs(const char *path)
{
    char *p = strdup(path);
    if (!p) return ENOMEM;
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0750) != 0 && errno != EEXIST) {
                rc = errno;
                break;
            }
            *s = c;
            if (!c) break;
        }
    }
    if (!rc) {
        struct stat st;
        if (stat(path, &st) != 0)
            rc = errno;
        else if (!S_ISDIR(st.st_mode))
            rc = ENOTDIR;
    }
    free(p);
    return rc;
}

/* Optional integer setting within [min, max]: ZG_OK (default used when the
 * key is absent), ZG_ETYPE (host logged it) or ZG_ERANGE (reported here). */
static inline int kv_cfg_int(const zg_host_api *host, zg_ctx *ctx, const char *key, int64_t def,
                             int64_t min, int64_t max, int64_t *out)
{
    int64_t v = def;
    int rc = host->cfg_int(ctx, key, &v);
    if (rc == ZG_ENOTFOUND) {
        *out = def;
        return ZG_OK;
    }
    if (rc != ZG_OK) return rc;
    if (v < min || v > max) {
        host->cfg_error(ctx, key, "%s must be between %lld and %lld (got %lld)", key,
                        (long long)min, (long long)max, (long long)v);
        return ZG_ERANGE;
    }
    *out = v;
    return ZG_OK;
}

static inline int kv_cfg_bool(const zg_host_api *host, zg_ctx *ctx, const char *key, int def,
                              int *out)
{
    int v = def;
    int rc = host->cfg_bool(ctx, key, &v);
    if (rc == ZG_ENOTFOUND) {
        *out = def;
        return ZG_OK;
    }
    if (rc != ZG_OK) return rc;
    *out = !!v;
    return ZG_OK;
}

/* The instance's base directory: `path` from the config (absolute, or
 * relative to the datadir), else "<datadir>/<instance name>".  Created. */
static inline int kv_base_dir(const zg_host_api *host, zg_ctx *ctx, const char *fallback_name,
                              char **out)
{
    const char *dd = host->datadir(ctx);
    const char *cfg = NULL;
    int rc = host->cfg_string(ctx, "path", &cfg);
    if (rc != ZG_OK && rc != ZG_ENOTFOUND) return rc;
    char *dir;
    if (rc == ZG_OK) {
        if (!*cfg) {
            host->cfg_error(ctx, "path", "path must not be empty");
            return ZG_EINVAL;
        }
        dir = cfg[0] == '/' ? strdup(cfg) : kv_path_join(dd ? dd : ".", cfg);
    } else {
        const char *inst = host->instance_name(ctx);
        dir = kv_path_join(dd ? dd : ".", inst && *inst ? inst : fallback_name);
    }
    if (!dir) return ZG_ENOMEM;
    int e = kv_mkdirs(dir);
    if (e) {
        host->log(ctx, ZG_LOG_ERROR, "cannot create directory %s: %s", dir, strerror(e));
        free(dir);
        return ZG_EIO;
    }
    *out = dir;
    return ZG_OK;
}

/* LevelDB and RocksDB report errors as Status::ToString() text
 * ("Corruption: ...", "IO error: ...", "Invalid argument: ..."). */
static inline int kv_status_code(const char *msg)
{
    if (!msg) return ZG_OK;
    /* another opener holds the database's LOCK file (another process:
     * "Resource temporarily unavailable"; this process: "already held",
     * RocksDB "lock hold by current process") */
    if (strstr(msg, "LOCK") &&
        (strstr(msg, "unavailable") || strstr(msg, " held") || strstr(msg, " hold ")))
        return ZG_EBUSY;
    if (!strncmp(msg, "Corruption", 10)) return ZG_ECORRUPT;
    if (!strncmp(msg, "Invalid argument", 16)) return ZG_EINVAL;
    if (!strncmp(msg, "Not implemented", 15)) return ZG_EUNSUPPORTED;
    if (!strncmp(msg, "Not found", 9)) return ZG_ENOTFOUND;
    if (!strncmp(msg, "Resource busy", 13) || !strncmp(msg, "Busy", 4)) return ZG_EBUSY;
    return ZG_EIO;
}

#endif
