/* tools/minihost — a minimal zg_host_api for tools, tests and benchmarks that
 * load plugins without the node: logging to stderr, configuration from a
 * jansson object, plugin_find among the plugins it loaded.  No event loop:
 * timers, fd watches and post() return errors; metrics are discarded.
 * Not thread-safe for load/unload (plugins' own threads may log). */
#ifndef ZG_MINIHOST_H
#define ZG_MINIHOST_H
#include <jansson.h>
#include <zg/plugin.h>

typedef struct zg_mh_plugin {
    char *path;
    char *instance;
    void *dl;
    const zg_plugin_desc *desc;
    void *state;
    zg_ctx *ctx;
} zg_mh_plugin;

/* Messages at or above this severity are printed (default ZG_LOG_WARN, or
 * env ZG_LOG_LEVEL=error|warn|info|debug|trace). */
void zg_mh_set_log_level(int level);

/* dlopen path, check the descriptor (magic, ABI, kind if want_kind != 0) and
 * init it with config (borrowed; may be NULL).  On failure err says why. */
int zg_mh_load(const char *path, const char *instance, json_t *config, int want_kind,
               zg_mh_plugin **out, char *err, size_t errlen);
/* fini and dlclose */
void zg_mh_unload(zg_mh_plugin *p);

/* The default plugin search path: $ZG_PLUGIN_PATH (colon-separated), then the
 * build's ZG_PLUGINDIR.  Returned string is static. */
const char *zg_mh_default_path(void);
/* Full path of file `name` in the first directory of `dirs` (colon-separated)
 * that has it; 0 on success, -1 if none. */
int zg_mh_locate(const char *dirs, const char *name, char *out, size_t outlen);
/* Every file named PREFIX*.so in dirs (first directory wins for duplicate
 * names), sorted by name.  Returns the count and a malloc'd array of malloc'd
 * paths (free with zg_mh_free_list), or -1. */
int zg_mh_scan(const char *dirs, const char *prefix, char ***paths);
void zg_mh_free_list(char **paths, int n);
#endif
