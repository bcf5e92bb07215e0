#include "config.h"
#include "loader.h"
#include "conf.h"
#include "log.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zg/kv.h>

/* smallest interface table a v1.0 plugin of each kind must provide */
static size_t min_iface_size(int kind)
{
    switch (kind) {
    case ZG_KIND_KV: return sizeof(zg_kv_iface);
    case ZG_KIND_SERVICE: return 0; /* no table */
    default: return sizeof(uint32_t);
    }
}

static int resolve(zg_node *n, zg_ctx *c, const char *file, char *out, size_t outlen)
{
    char fname[512];
    if (file && strchr(file, '/')) {
        if (access(file, R_OK) != 0) {
            LOG_E("plugin %s: file not found: %s", c->instance, file);
            return -1;
        }
        snprintf(out, outlen, "%s", file);
        return 0;
    }
    if (file)
        snprintf(fname, sizeof fname, "%s", file);
    else
        snprintf(fname, sizeof fname, "zg-%s-%s.so", zg_kind_name(c->kind), c->name);
    char searched[2048] = "";
    size_t sl = 0;
    for (int i = 0; i < n->nplugin_path; i++) {
        snprintf(out, outlen, "%s/%s", n->plugin_path[i], fname);
        if (access(out, R_OK) == 0) return 0;
        int w = snprintf(searched + sl, sizeof searched - sl, "%s%s", sl ? ":" : "", n->plugin_path[i]);
        if (w > 0 && (size_t)w < sizeof searched - sl) sl += (size_t)w;
    }
    LOG_E("plugin %s: file not found: %s (searched %s)", c->instance, fname, searched[0] ? searched : "nothing");
    return -1;
}

static int load_one(zg_node *n, zg_ctx *c, const char *file)
{
    char path[4096];
    if (resolve(n, c, file, path, sizeof path) != 0) return -1;
    c->path = strdup(path);
    /* RTLD_NOW: undefined symbols fail here, not at first call; NODELETE:
     * a plugin's leftover threads (LevelDB's compactor) never run unmapped code */
    c->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!c->dl) {
        LOG_E("plugin %s: cannot load %s: %s", c->instance, path, dlerror());
        return -1;
    }
    zg_plugin_entry_fn entry = (zg_plugin_entry_fn)dlsym(c->dl, ZG_PLUGIN_ENTRY_SYMBOL);
    if (!entry) {
        LOG_E("plugin %s: %s is not a zg plugin (no %s symbol)", c->instance, path, ZG_PLUGIN_ENTRY_SYMBOL);
        return -1;
    }
    const zg_plugin_desc *d = entry();
    if (!d) {
        LOG_E("plugin %s: %s: %s returned no descriptor", c->instance, path, ZG_PLUGIN_ENTRY_SYMBOL);
        return -1;
    }
    if (d->magic != ZG_PLUGIN_MAGIC) {
        LOG_E("plugin %s: %s: wrong magic 0x%08x (expected 0x%08x): not a zg plugin or a corrupt build",
              c->instance, path, d->magic, ZG_PLUGIN_MAGIC);
        return -1;
    }
    if (d->abi_major != ZG_ABI_MAJOR) {
        LOG_E("plugin %s: %s: ABI major mismatch: plugin built for ABI %u.%u, this zgnode provides ABI %d.%d",
              c->instance, path, d->abi_major, d->abi_minor, ZG_ABI_MAJOR, ZG_ABI_MINOR);
        return -1;
    }
    if (d->abi_minor > ZG_ABI_MINOR) {
        LOG_E("plugin %s: %s: plugin needs ABI %u.%u, this zgnode provides ABI %d.%d: upgrade zgnode",
              c->instance, path, d->abi_major, d->abi_minor, ZG_ABI_MAJOR, ZG_ABI_MINOR);
        return -1;
    }
    if (d->struct_size < sizeof(zg_plugin_desc) || !d->init || !d->fini || !d->name) {
        LOG_E("plugin %s: %s: malformed descriptor (size %u, expected %zu, init/fini/name required)", c->instance,
              path, d->struct_size, sizeof(zg_plugin_desc));
        return -1;
    }
    if ((int)d->kind != c->kind) {
        const char *k = zg_kind_name((int)d->kind);
        LOG_E("plugin %s: %s: kind mismatch: it is a '%s' plugin, configured as '%s'", c->instance, path,
              k ? k : "unknown", zg_kind_name(c->kind));
        return -1;
    }
    size_t need = min_iface_size(c->kind);
    if (need && (!d->iface || *(const uint32_t *)d->iface < need)) {
        LOG_E("plugin %s: %s: %s interface table missing or too small (%u < %zu bytes)", c->instance, path,
              zg_kind_name(c->kind), d->iface ? *(const uint32_t *)d->iface : 0, need);
        return -1;
    }
    c->desc = d;
    int rc = d->init(c, &zg_host_table, &c->state);
    if (rc != 0) {
        LOG_E("plugin %s: %s: init failed (status %d)", c->instance, path, rc);
        return -1;
    }
    c->initialized = 1;
    if (zg_conf_report_unused(c) > 0) {
        LOG_E("plugin %s: configuration has unknown keys (see above)", c->instance);
        return -1;
    }
    LOG_I("loaded %s plugin %s (%s %s, ABI %u.%u) from %s", zg_kind_name(c->kind), c->instance, d->name,
          d->version ? d->version : "?", d->abi_major, d->abi_minor, path);
    return 0;
}

int zg_plugins_load(zg_node *n)
{
    config_setting_t *list = config_lookup(&n->cfg, "plugins");
    int count = list ? config_setting_length(list) : 0;
    n->plugins = calloc((size_t)(count ? count : 1), sizeof *n->plugins);
    if (!n->plugins) return -1;
    for (int i = 0; i < count; i++) {
        config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
        const char *kind = NULL, *name = NULL, *inst = NULL, *file = NULL;
        int enabled = 1;
        zg_conf_string(e, "kind", &kind);
        zg_conf_string(e, "name", &name);
        zg_conf_string(e, "instance", &inst);
        zg_conf_string(e, "file", &file);
        zg_conf_bool(e, "enabled", &enabled);
        if (!enabled) continue;
        int k = zg_kind_from_name(kind);
        if (!k) {
            zg_conf_error(config_setting_get_member(e, "kind"),
                          "unknown plugin kind '%s' (kv, consensus, executor, da, gpu, service)", kind);
            return -1;
        }
        if (!inst) inst = name;
        for (int j = 0; j < n->nplugins; j++)
            if (strcmp(n->plugins[j]->instance, inst) == 0) {
                zg_conf_error(e, "duplicate plugin instance '%s' (set `instance` to tell them apart)", inst);
                return -1;
            }
        zg_ctx *c = calloc(1, sizeof *c);
        if (!c) return -1;
        c->node = n;
        c->kind = k;
        c->name = strdup(name);
        c->instance = strdup(inst);
        c->entry = e;
        c->cfg = config_setting_get_member(e, "config");
        n->plugins[n->nplugins++] = c;
        if (load_one(n, c, file) != 0) return -1;
    }
    return 0;
}

int zg_plugins_start(zg_node *n)
{
    for (int i = 0; i < n->nplugins; i++) {
        zg_ctx *c = n->plugins[i];
        if (c->desc->start) {
            int rc = c->desc->start(c->state);
            if (rc != 0) {
                LOG_E("plugin %s: start failed (status %d)", c->instance, rc);
                return -1;
            }
        }
        c->started = 1;
    }
    return 0;
}

void zg_plugins_unload(zg_node *n)
{
    for (int i = n->nplugins - 1; i >= 0; i--) {
        zg_ctx *c = n->plugins[i];
        for (zg_hook *h = c->on_shutdown; h; h = h->next) h->cb(h->arg);
    }
    for (int i = n->nplugins - 1; i >= 0; i--) {
        zg_ctx *c = n->plugins[i];
        if (c->initialized) {
            LOG_D("stopping plugin %s", c->instance);
            c->desc->fini(c->state);
        }
        zg_hook *h = c->on_shutdown;
        while (h) {
            zg_hook *nx = h->next;
            free(h);
            h = nx;
        }
        if (c->dl) dlclose(c->dl);
        free(c->path);
        free(c->name);
        free(c->instance);
        free(c);
    }
    free(n->plugins);
    n->plugins = NULL;
    n->nplugins = 0;
}

zg_ctx *zg_plugin_lookup(zg_node *n, int kind, const char *instance)
{
    for (int i = 0; i < n->nplugins; i++) {
        zg_ctx *c = n->plugins[i];
        if (c->kind == kind && c->initialized && (!instance || strcmp(c->instance, instance) == 0)) return c;
    }
    return NULL;
}
