#include "config.h"
#include "conf.h"
#include "log.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A setting's hook pointer marks it as read by its plugin. */
static char used_mark;

static void where(const config_setting_t *s, char *buf, size_t n)
{
    const char *f = s ? config_setting_source_file(s) : NULL;
    snprintf(buf, n, "%s:%u", f ? f : "?", s ? config_setting_source_line(s) : 0);
}

static void path_of(const config_setting_t *s, char *buf, size_t n)
{
    const char *parts[32];
    int np = 0;
    char idx[32][16];
    for (const config_setting_t *p = s; p && config_setting_parent(p) && np < 32; p = config_setting_parent(p)) {
        if (config_setting_name(p)) {
            parts[np++] = config_setting_name(p);
        } else {
            snprintf(idx[np], sizeof idx[np], "[%d]", config_setting_index(p));
            parts[np] = idx[np];
            np++;
        }
    }
    buf[0] = 0;
    size_t len = 0;
    for (int i = np - 1; i >= 0; i--) {
        int w = snprintf(buf + len, n - len, "%s%s", (len && parts[i][0] != '[') ? "." : "", parts[i]);
        if (w < 0 || (size_t)w >= n - len) break;
        len += (size_t)w;
    }
}

void zg_conf_error(const config_setting_t *s, const char *fmt, ...)
{
    char loc[512], msg[1024], path[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    where(s, loc, sizeof loc);
    path_of(s, path, sizeof path);
    LOG_E("%s: %s%s%s", loc, path, path[0] ? ": " : "", msg);
}

static const char *type_name(int t)
{
    switch (t) {
    case CONFIG_TYPE_GROUP: return "a group";
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: return "an integer";
    case CONFIG_TYPE_FLOAT: return "a number";
    case CONFIG_TYPE_STRING: return "a string";
    case CONFIG_TYPE_BOOL: return "a boolean";
    case CONFIG_TYPE_ARRAY: return "an array";
    case CONFIG_TYPE_LIST: return "a list";
    }
    return "?";
}

/* ---- core schema ---- */

typedef struct {
    const char *key;
    int type; /* CONFIG_TYPE_*; INT accepts INT64; ARRAY accepts LIST */
} field;

static const field node_fields[] = {
    {"datadir", CONFIG_TYPE_STRING},   {"log_level", CONFIG_TYPE_STRING},
    {"log_format", CONFIG_TYPE_STRING}, {"plugin_path", CONFIG_TYPE_ARRAY},
    {NULL, 0}};
static const field rpc_fields[] = {
    {"enabled", CONFIG_TYPE_BOOL},         {"listen", CONFIG_TYPE_STRING},
    {"port", CONFIG_TYPE_INT},             {"max_body_bytes", CONFIG_TYPE_INT},
    {"max_batch", CONFIG_TYPE_INT},        {"admin_token_file", CONFIG_TYPE_STRING},
    {"timeout_s", CONFIG_TYPE_INT},
    {"ws_enabled", CONFIG_TYPE_BOOL},      {"ws_port", CONFIG_TYPE_INT},
    {"threads", CONFIG_TYPE_INT},          {NULL, 0}};
static const field plugin_fields[] = {
    {"kind", CONFIG_TYPE_STRING}, {"name", CONFIG_TYPE_STRING},  {"instance", CONFIG_TYPE_STRING},
    {"file", CONFIG_TYPE_STRING}, {"config", CONFIG_TYPE_GROUP}, {"enabled", CONFIG_TYPE_BOOL},
    {NULL, 0}};

static int type_ok(int want, int have)
{
    if (want == have) return 1;
    if (want == CONFIG_TYPE_INT && have == CONFIG_TYPE_INT64) return 1;
    if (want == CONFIG_TYPE_ARRAY && have == CONFIG_TYPE_LIST) return 1;
    return 0;
}

static int check_group(const config_setting_t *g, const field *fields)
{
    int errs = 0;
    if (!config_setting_is_group(g)) {
        zg_conf_error(g, "must be a group { ... }");
        return 1;
    }
    for (int i = 0; i < config_setting_length(g); i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const field *f = fields;
        while (f->key && strcmp(f->key, config_setting_name(s)) != 0) f++;
        if (!f->key) {
            zg_conf_error(s, "unknown key");
            errs++;
        } else if (!type_ok(f->type, config_setting_type(s))) {
            zg_conf_error(s, "must be %s, not %s", type_name(f->type), type_name(config_setting_type(s)));
            errs++;
        }
    }
    return errs;
}

int zg_conf_load(zg_node *n, const char *file)
{
    config_init(&n->cfg);
    if (!config_read_file(&n->cfg, file)) {
        if (config_error_type(&n->cfg) == CONFIG_ERR_FILE_IO)
            LOG_E("cannot read config file %s", file);
        else
            LOG_E("%s:%d: %s", config_error_file(&n->cfg) ? config_error_file(&n->cfg) : file,
                  config_error_line(&n->cfg), config_error_text(&n->cfg));
        return -1;
    }
    int errs = 0;
    config_setting_t *root = config_root_setting(&n->cfg);
    for (int i = 0; i < config_setting_length(root); i++) {
        config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
        const char *k = config_setting_name(s);
        if (strcmp(k, "node") == 0)
            errs += check_group(s, node_fields);
        else if (strcmp(k, "rpc") == 0)
            errs += check_group(s, rpc_fields);
        else if (strcmp(k, "plugins") == 0) {
            if (!config_setting_is_list(s)) {
                zg_conf_error(s, "must be a list ( {...}, ... )");
                errs++;
                continue;
            }
            for (int j = 0; j < config_setting_length(s); j++) {
                config_setting_t *e = config_setting_get_elem(s, (unsigned)j);
                errs += check_group(e, plugin_fields);
                if (config_setting_is_group(e)) {
                    if (!config_setting_get_member(e, "kind")) {
                        zg_conf_error(e, "plugin entry needs `kind`");
                        errs++;
                    }
                    if (!config_setting_get_member(e, "name")) {
                        zg_conf_error(e, "plugin entry needs `name`");
                        errs++;
                    }
                }
            }
        } else {
            zg_conf_error(s, "unknown top-level setting (expected node, rpc, plugins)");
            errs++;
        }
    }
    return errs ? -1 : 0;
}

static config_setting_t *member(const config_setting_t *g, const char *key)
{
    return g ? config_setting_get_member(g, key) : NULL;
}

int zg_conf_string(const config_setting_t *g, const char *key, const char **out)
{
    config_setting_t *s = member(g, key);
    if (!s) return ZG_ENOTFOUND;
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        zg_conf_error(s, "must be a string");
        return ZG_ETYPE;
    }
    *out = config_setting_get_string(s);
    return ZG_OK;
}

int zg_conf_int(const config_setting_t *g, const char *key, int64_t *out)
{
    config_setting_t *s = member(g, key);
    if (!s) return ZG_ENOTFOUND;
    if (!type_ok(CONFIG_TYPE_INT, config_setting_type(s))) {
        zg_conf_error(s, "must be an integer");
        return ZG_ETYPE;
    }
    *out = config_setting_get_int64(s);
    return ZG_OK;
}

int zg_conf_bool(const config_setting_t *g, const char *key, int *out)
{
    config_setting_t *s = member(g, key);
    if (!s) return ZG_ENOTFOUND;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
        zg_conf_error(s, "must be a boolean (true/false)");
        return ZG_ETYPE;
    }
    *out = config_setting_get_bool(s);
    return ZG_OK;
}

/* ---- plugin config ---- */

/* Walk "a.b.[2].c" from the plugin's group, marking each step as used. */
static config_setting_t *walk(zg_ctx *ctx, const char *path)
{
    config_setting_t *s = ctx->cfg;
    if (!s) return NULL;
    if (!path || !*path) {
        config_setting_set_hook(s, &used_mark);
        return s;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok && s; tok = strtok_r(NULL, ".", &save)) {
        if (tok[0] == '[') {
            char *end;
            long i = strtol(tok + 1, &end, 10);
            if (*end != ']' || i < 0 || !(config_setting_is_aggregate(s))) return NULL;
            s = config_setting_get_elem(s, (unsigned)i);
        } else {
            if (!config_setting_is_group(s)) return NULL;
            s = config_setting_get_member(s, tok);
        }
        if (s) config_setting_set_hook(s, &used_mark);
    }
    return s;
}

static int type_error(zg_ctx *ctx, config_setting_t *s, const char *want)
{
    zg_conf_error(s, "plugin %s: must be %s, not %s", ctx->instance, want, type_name(config_setting_type(s)));
    return ZG_ETYPE;
}

int zg_cfg_int(zg_ctx *ctx, const char *path, int64_t *out)
{
    config_setting_t *s = walk(ctx, path);
    if (!s) return ZG_ENOTFOUND;
    if (!type_ok(CONFIG_TYPE_INT, config_setting_type(s))) return type_error(ctx, s, "an integer");
    *out = config_setting_get_int64(s);
    return ZG_OK;
}

int zg_cfg_float(zg_ctx *ctx, const char *path, double *out)
{
    config_setting_t *s = walk(ctx, path);
    if (!s) return ZG_ENOTFOUND;
    int t = config_setting_type(s);
    if (t == CONFIG_TYPE_FLOAT)
        *out = config_setting_get_float(s);
    else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
        *out = (double)config_setting_get_int64(s);
    else
        return type_error(ctx, s, "a number");
    return ZG_OK;
}

int zg_cfg_bool(zg_ctx *ctx, const char *path, int *out)
{
    config_setting_t *s = walk(ctx, path);
    if (!s) return ZG_ENOTFOUND;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL) return type_error(ctx, s, "a boolean (true/false)");
    *out = config_setting_get_bool(s);
    return ZG_OK;
}

int zg_cfg_string(zg_ctx *ctx, const char *path, const char **out)
{
    config_setting_t *s = walk(ctx, path);
    if (!s) return ZG_ENOTFOUND;
    if (config_setting_type(s) != CONFIG_TYPE_STRING) return type_error(ctx, s, "a string");
    *out = config_setting_get_string(s);
    return ZG_OK;
}

int zg_cfg_count(zg_ctx *ctx, const char *path)
{
    config_setting_t *s = walk(ctx, path);
    if (!s) return ZG_ENOTFOUND;
    if (!config_setting_is_aggregate(s)) return type_error(ctx, s, "a group, list or array");
    return config_setting_length(s);
}

int zg_cfg_type(zg_ctx *ctx, const char *path)
{
    config_setting_t *s = walk(ctx, path);
    if (!s) return ZG_ENOTFOUND;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: return ZG_CFG_INT;
    case CONFIG_TYPE_FLOAT: return ZG_CFG_FLOAT;
    case CONFIG_TYPE_BOOL: return ZG_CFG_BOOL;
    case CONFIG_TYPE_STRING: return ZG_CFG_STRING;
    case CONFIG_TYPE_GROUP: return ZG_CFG_GROUP;
    default: return ZG_CFG_LIST;
    }
}

void zg_cfg_error(zg_ctx *ctx, const char *path, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    config_setting_t *s = walk(ctx, path);
    if (!s) s = ctx->cfg ? ctx->cfg : ctx->entry;
    zg_conf_error(s, "plugin %s: %s", ctx->instance, msg);
}

static int report_unused(zg_ctx *ctx, config_setting_t *g)
{
    int n = 0;
    for (int i = 0; i < config_setting_length(g); i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        if (config_setting_get_hook(s) != &used_mark) {
            zg_conf_error(s, "unknown key for plugin %s (%s)", ctx->instance, ctx->name);
            n++;
        } else if (config_setting_is_aggregate(s)) {
            n += report_unused(ctx, s);
        }
    }
    return n;
}

int zg_conf_report_unused(zg_ctx *ctx)
{
    return ctx->cfg ? report_unused(ctx, ctx->cfg) : 0;
}
