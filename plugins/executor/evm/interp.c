/* interp.c — the plain interpreter: interp_loop.h without tracing, with
 * per-basic-block gas and stack checks. */
#include "config.h"
#include "evm.h"
#include "instructions.h"

#define EVM_TRACED 0
#define EVM_LOOP_NAME evm_interpret
#include "interp_loop.h"
