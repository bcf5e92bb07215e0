/* The node: the runtime state shared by core's units. */
#ifndef ZG_CORE_NODE_H
#define ZG_CORE_NODE_H
#include <libconfig.h>
#include <stdint.h>
#include <time.h>
#include <zg/plugin.h>

struct event_base;
struct zg_rpc_server;
struct zg_ws_server;
struct zg_metrics;

typedef struct zg_hook {
    void (*cb)(void *arg);
    void *arg;
    struct zg_hook *next;
} zg_hook;

/* one loaded plugin instance (the host side of zg_ctx) */
struct zg_ctx {
    struct zg_node *node;
    char *instance;         /* instance name (config `instance`, default the plugin name) */
    char *name;             /* plugin name as configured */
    int kind;               /* configured kind */
    char *path;             /* resolved .so path */
    void *dl;
    const zg_plugin_desc *desc;
    void *state;
    config_setting_t *cfg;  /* the entry's `config` group, or NULL */
    config_setting_t *entry;/* the whole plugins list entry */
    int initialized, started;
    zg_hook *on_shutdown;
};

typedef struct zg_node {
    const char *config_file;
    config_t cfg;
    char datadir[4096];
    int lock_fd;
    struct event_base *base;
    struct zg_ctx **plugins;
    int nplugins;
    struct zg_rpc_server *rpc;
    struct zg_ws_server *ws;
    time_t started_at;
    volatile int stopping;
    char stop_reason[128];
    char *plugin_path[32];  /* search path, in order */
    int nplugin_path;
} zg_node;

extern const zg_host_api zg_host_table;
#endif
