/* plugin loader: resolve, dlopen, check the descriptor, init/start/fini */
#ifndef ZG_CORE_LOADER_H
#define ZG_CORE_LOADER_H
#include "node.h"

/* load and init every entry of `plugins` in config order; -1 on the first
 * failure (already reported in one line) */
int zg_plugins_load(zg_node *n);
int zg_plugins_start(zg_node *n);
/* run shutdown hooks, then fini, in reverse order; unload */
void zg_plugins_unload(zg_node *n);
zg_ctx *zg_plugin_lookup(zg_node *n, int kind, const char *instance);
#endif
