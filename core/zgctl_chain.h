/* zgctl chain commands: balance, send, block, tx, deploy — over the node's
 * Ethereum JSON-RPC.  zgctl's command dispatch calls zgctl_chain() first
 * and falls back to its own commands when it returns -1. */
#ifndef ZGCTL_CHAIN_H
#define ZGCTL_CHAIN_H
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* One JSON-RPC call: the result (new reference), or NULL with a message in
 * err (the node's error message, or why it could not be reached). */
typedef json_t *(*zgctl_rpc_fn)(void *ctx, const char *method, json_t *params, char *err, size_t errlen);

/* argv[0] is the command.  Returns the exit status (0 ok, 1 failure, 2
 * usage), or -1 when argv[0] is not a chain command.  raw: print JSON. */
int zgctl_chain(int argc, char **argv, zgctl_rpc_fn rpc, void *ctx, int raw, FILE *out);
/* the commands' lines for zgctl --help */
void zgctl_chain_usage(FILE *f);
#endif
