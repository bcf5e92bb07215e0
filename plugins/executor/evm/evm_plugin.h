/* evm_plugin.h — static access to the evm executor plugin's descriptor, for
 * programs that link the interpreter directly (zg-statetest, tests, bench)
 * instead of loading zg-executor-evm.so.  init() accepts a NULL host. */
#ifndef ZG_EVM_PLUGIN_H
#define ZG_EVM_PLUGIN_H
#include <zg/plugin.h>
#include <zg/executor.h>
const zg_plugin_desc *zg_evm_plugin_desc(void);
#endif
