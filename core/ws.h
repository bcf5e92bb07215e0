/* core WebSocket JSON-RPC server (RFC 6455) on its own port: the same
 * methods as HTTP, plus server push for subscriptions (rpc_notify). */
#ifndef ZG_CORE_WS_H
#define ZG_CORE_WS_H
#include "node.h"
#include "rpc.h"

typedef struct zg_ws_server zg_ws_server;

zg_ws_server *zg_ws_new(zg_node *n, zg_rpc_server *rpc);
/* listen on addr:port (0 = any free port); returns the bound port or -1 */
int zg_ws_listen(zg_ws_server *w, const char *addr, int port);
/* send a text message to connection id; ZG_ENOTFOUND when gone */
int zg_ws_send(zg_ws_server *w, uint64_t conn, const char *text, size_t len);
int zg_ws_on_close(zg_ws_server *w, void (*cb)(void *arg, uint64_t conn), void *arg);
size_t zg_ws_connections(zg_ws_server *w);
void zg_ws_free(zg_ws_server *w);
#endif
