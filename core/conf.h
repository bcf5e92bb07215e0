/* core configuration: libconfig files, core schema validation, and the
 * config access given to plugins (their own `config` group). */
#ifndef ZG_CORE_CONF_H
#define ZG_CORE_CONF_H
#include "node.h"

/* load and validate `file` into n->cfg; errors are logged as file:line */
int zg_conf_load(zg_node *n, const char *file);

/* report "file:line: msg" for a setting */
void zg_conf_error(const config_setting_t *s, const char *fmt, ...) ZG_PRINTF(2, 3);

/* typed lookups in a core group: ZG_OK, ZG_ENOTFOUND, ZG_ETYPE (logged) */
int zg_conf_string(const config_setting_t *group, const char *key, const char **out);
int zg_conf_int(const config_setting_t *group, const char *key, int64_t *out);
int zg_conf_bool(const config_setting_t *group, const char *key, int *out);

/* plugin-facing config functions (host table) */
int zg_cfg_int(zg_ctx *ctx, const char *path, int64_t *out);
int zg_cfg_float(zg_ctx *ctx, const char *path, double *out);
int zg_cfg_bool(zg_ctx *ctx, const char *path, int *out);
int zg_cfg_string(zg_ctx *ctx, const char *path, const char **out);
int zg_cfg_count(zg_ctx *ctx, const char *path);
int zg_cfg_type(zg_ctx *ctx, const char *path);
void zg_cfg_error(zg_ctx *ctx, const char *path, const char *fmt, ...) ZG_PRINTF(3, 4);

/* after a plugin's init: report keys in its config group it never read;
 * returns the number reported */
int zg_conf_report_unused(zg_ctx *ctx);
#endif
