/* plugin_entry.c — the one exported symbol of zg-executor-evm.so. */
#include "config.h"
#include "evm_plugin.h"

ZG_EXPORT const zg_plugin_desc *zg_plugin_entry(void) { return zg_evm_plugin_desc(); }
