/* tests/kv_host.h — a minimal, test-only plugin host for kv plugins.
 *
 * Loads $ZG_PLUGIN_PATH/zg-kv-<name>.so with dlopen(), checks its
 * descriptor the way the node does (magic, ABI version, struct sizes, kind)
 * and provides a complete zg_host_api: logging to stderr, cfg_* answered
 * from a small key/value table, a datadir, and inert stubs for the event
 * loop, metrics and RPC (kv plugins never need them). */
#ifndef ZG_TESTS_KV_HOST_H
#define ZG_TESTS_KV_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <zg/kv.h>

/* One config setting; type is 'i' (int), 'b' (bool, in i), 'f' (float) or 's'. */
typedef struct kvh_cfg {
    const char *key;
    char type;
    int64_t i;
    double f;
    const char *s;
} kvh_cfg;

typedef struct kvh_plugin {
    char name[64];
    char file[4096];
    void *dl;
    const zg_plugin_desc *desc;
    const zg_kv_iface *kv;
    void *state; /* from init(); NULL when not initialised */
    struct zg_ctx *ctx;
} kvh_plugin;

/* Path of zg-kv-<name>.so under $ZG_PLUGIN_PATH (default ".plugins"). */
void kvh_plugin_file(const char *name, char *buf, size_t len);
/* Whether that file exists. */
int kvh_plugin_exists(const char *name);

/* dlopen and check the descriptor; 0, or -1 with a reason in err. */
int kvh_load(kvh_plugin *p, const char *name, char *err, size_t errlen);
/* init() the plugin with this datadir, instance name and config table
 * (copied); returns init()'s status. */
int kvh_init(kvh_plugin *p, const char *datadir, const char *instance, const kvh_cfg *cfg,
             size_t ncfg);
void kvh_fini(kvh_plugin *p);
void kvh_unload(kvh_plugin *p);

/* Number of messages logged at ZG_LOG_ERROR so far, process-wide. */
unsigned kvh_error_count(void);
/* Messages above this level are not printed (default ZG_LOG_INFO;
 * env ZG_TEST_LOG_LEVEL overrides). */
void kvh_set_log_level(int level);

/* A fresh directory $ZG_BUILDDIR/tests/tmp/<tag>-<pid>-<n> (or under the
 * current directory); malloc'd absolute path, NULL on failure. */
char *kvh_tmpdir(const char *tag);
/* rm -rf; 0 on success. */
int kvh_rmtree(const char *path);

/* Seed from $ZG_TEST_SEED or the clock (printed by callers for replay). */
uint64_t kvh_seed(void);

#endif
