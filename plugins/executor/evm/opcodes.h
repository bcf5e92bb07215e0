/* opcodes.h — the Cancun instruction set, listed once.
 *
 * X(code, NAME, base_gas, stack_in, stack_out, kind) for every defined
 * opcode.  The list generates the dispatch tables of both interpreter loops,
 * the opcode names (tracer), and the traits table the analysis uses for
 * per-block gas and stack checks (evm_traits in analysis.c).
 *
 * base_gas is the part of the cost known without looking at operands; the
 * rest (memory expansion, copies, cold access surcharges, EXP bytes, ...)
 * is charged by the instruction itself.  Warm access (100) is the base of
 * the EIP-2929 instructions; a cold access adds the difference.
 *
 * kind:
 *   K_NORMAL   falls through to the next instruction
 *   K_TERM     never falls through (STOP, RETURN, JUMP, INVALID, ...): ends
 *              a basic block
 *   K_GASOBS   reads the gas left (GAS, SSTORE's stipend check, calls and
 *              creations): ends a block so that the gas it sees is exact
 *   K_JUMPI    conditional jump: ends a block, may fall through
 *   K_JUMPDEST starts a block
 */
#ifndef ZG_EVM_OPCODES_H
#define ZG_EVM_OPCODES_H

enum { K_NORMAL = 0, K_TERM = 1, K_GASOBS = 2, K_JUMPI = 3, K_JUMPDEST = 4, K_UNDEFINED = 5 };

#define EVM_PUSH_OPS(X)                                                        \
    X(0x60, PUSH1, 3, 0, 1, K_NORMAL) X(0x61, PUSH2, 3, 0, 1, K_NORMAL)        \
    X(0x62, PUSH3, 3, 0, 1, K_NORMAL) X(0x63, PUSH4, 3, 0, 1, K_NORMAL)        \
    X(0x64, PUSH5, 3, 0, 1, K_NORMAL) X(0x65, PUSH6, 3, 0, 1, K_NORMAL)        \
    X(0x66, PUSH7, 3, 0, 1, K_NORMAL) X(0x67, PUSH8, 3, 0, 1, K_NORMAL)        \
    X(0x68, PUSH9, 3, 0, 1, K_NORMAL) X(0x69, PUSH10, 3, 0, 1, K_NORMAL)       \
    X(0x6a, PUSH11, 3, 0, 1, K_NORMAL) X(0x6b, PUSH12, 3, 0, 1, K_NORMAL)      \
    X(0x6c, PUSH13, 3, 0, 1, K_NORMAL) X(0x6d, PUSH14, 3, 0, 1, K_NORMAL)      \
    X(0x6e, PUSH15, 3, 0, 1, K_NORMAL) X(0x6f, PUSH16, 3, 0, 1, K_NORMAL)      \
    X(0x70, PUSH17, 3, 0, 1, K_NORMAL) X(0x71, PUSH18, 3, 0, 1, K_NORMAL)      \
    X(0x72, PUSH19, 3, 0, 1, K_NORMAL) X(0x73, PUSH20, 3, 0, 1, K_NORMAL)      \
    X(0x74, PUSH21, 3, 0, 1, K_NORMAL) X(0x75, PUSH22, 3, 0, 1, K_NORMAL)      \
    X(0x76, PUSH23, 3, 0, 1, K_NORMAL) X(0x77, PUSH24, 3, 0, 1, K_NORMAL)      \
    X(0x78, PUSH25, 3, 0, 1, K_NORMAL) X(0x79, PUSH26, 3, 0, 1, K_NORMAL)      \
    X(0x7a, PUSH27, 3, 0, 1, K_NORMAL) X(0x7b, PUSH28, 3, 0, 1, K_NORMAL)      \
    X(0x7c, PUSH29, 3, 0, 1, K_NORMAL) X(0x7d, PUSH30, 3, 0, 1, K_NORMAL)      \
    X(0x7e, PUSH31, 3, 0, 1, K_NORMAL) X(0x7f, PUSH32, 3, 0, 1, K_NORMAL)

#define EVM_DUP_OPS(X)                                                         \
    X(0x80, DUP1, 3, 1, 2, K_NORMAL) X(0x81, DUP2, 3, 2, 3, K_NORMAL)          \
    X(0x82, DUP3, 3, 3, 4, K_NORMAL) X(0x83, DUP4, 3, 4, 5, K_NORMAL)          \
    X(0x84, DUP5, 3, 5, 6, K_NORMAL) X(0x85, DUP6, 3, 6, 7, K_NORMAL)          \
    X(0x86, DUP7, 3, 7, 8, K_NORMAL) X(0x87, DUP8, 3, 8, 9, K_NORMAL)          \
    X(0x88, DUP9, 3, 9, 10, K_NORMAL) X(0x89, DUP10, 3, 10, 11, K_NORMAL)      \
    X(0x8a, DUP11, 3, 11, 12, K_NORMAL) X(0x8b, DUP12, 3, 12, 13, K_NORMAL)    \
    X(0x8c, DUP13, 3, 13, 14, K_NORMAL) X(0x8d, DUP14, 3, 14, 15, K_NORMAL)    \
    X(0x8e, DUP15, 3, 15, 16, K_NORMAL) X(0x8f, DUP16, 3, 16, 17, K_NORMAL)

#define EVM_SWAP_OPS(X)                                                        \
    X(0x90, SWAP1, 3, 2, 2, K_NORMAL) X(0x91, SWAP2, 3, 3, 3, K_NORMAL)        \
    X(0x92, SWAP3, 3, 4, 4, K_NORMAL) X(0x93, SWAP4, 3, 5, 5, K_NORMAL)        \
    X(0x94, SWAP5, 3, 6, 6, K_NORMAL) X(0x95, SWAP6, 3, 7, 7, K_NORMAL)        \
    X(0x96, SWAP7, 3, 8, 8, K_NORMAL) X(0x97, SWAP8, 3, 9, 9, K_NORMAL)        \
    X(0x98, SWAP9, 3, 10, 10, K_NORMAL) X(0x99, SWAP10, 3, 11, 11, K_NORMAL)   \
    X(0x9a, SWAP11, 3, 12, 12, K_NORMAL) X(0x9b, SWAP12, 3, 13, 13, K_NORMAL)  \
    X(0x9c, SWAP13, 3, 14, 14, K_NORMAL) X(0x9d, SWAP14, 3, 15, 15, K_NORMAL)  \
    X(0x9e, SWAP15, 3, 16, 16, K_NORMAL) X(0x9f, SWAP16, 3, 17, 17, K_NORMAL)

#define EVM_OPCODES(X)                                                         \
    X(0x00, STOP, 0, 0, 0, K_TERM)                                             \
    X(0x01, ADD, 3, 2, 1, K_NORMAL)                                            \
    X(0x02, MUL, 5, 2, 1, K_NORMAL)                                            \
    X(0x03, SUB, 3, 2, 1, K_NORMAL)                                            \
    X(0x04, DIV, 5, 2, 1, K_NORMAL)                                            \
    X(0x05, SDIV, 5, 2, 1, K_NORMAL)                                           \
    X(0x06, MOD, 5, 2, 1, K_NORMAL)                                            \
    X(0x07, SMOD, 5, 2, 1, K_NORMAL)                                           \
    X(0x08, ADDMOD, 8, 3, 1, K_NORMAL)                                         \
    X(0x09, MULMOD, 8, 3, 1, K_NORMAL)                                         \
    X(0x0a, EXP, 10, 2, 1, K_NORMAL)                                           \
    X(0x0b, SIGNEXTEND, 5, 2, 1, K_NORMAL)                                     \
    X(0x10, LT, 3, 2, 1, K_NORMAL)                                             \
    X(0x11, GT, 3, 2, 1, K_NORMAL)                                             \
    X(0x12, SLT, 3, 2, 1, K_NORMAL)                                            \
    X(0x13, SGT, 3, 2, 1, K_NORMAL)                                            \
    X(0x14, EQ, 3, 2, 1, K_NORMAL)                                             \
    X(0x15, ISZERO, 3, 1, 1, K_NORMAL)                                         \
    X(0x16, AND, 3, 2, 1, K_NORMAL)                                            \
    X(0x17, OR, 3, 2, 1, K_NORMAL)                                             \
    X(0x18, XOR, 3, 2, 1, K_NORMAL)                                            \
    X(0x19, NOT, 3, 1, 1, K_NORMAL)                                            \
    X(0x1a, BYTE, 3, 2, 1, K_NORMAL)                                           \
    X(0x1b, SHL, 3, 2, 1, K_NORMAL)                                            \
    X(0x1c, SHR, 3, 2, 1, K_NORMAL)                                            \
    X(0x1d, SAR, 3, 2, 1, K_NORMAL)                                            \
    X(0x20, KECCAK256, 30, 2, 1, K_NORMAL)                                     \
    X(0x30, ADDRESS, 2, 0, 1, K_NORMAL)                                        \
    X(0x31, BALANCE, 100, 1, 1, K_NORMAL)                                      \
    X(0x32, ORIGIN, 2, 0, 1, K_NORMAL)                                         \
    X(0x33, CALLER, 2, 0, 1, K_NORMAL)                                         \
    X(0x34, CALLVALUE, 2, 0, 1, K_NORMAL)                                      \
    X(0x35, CALLDATALOAD, 3, 1, 1, K_NORMAL)                                   \
    X(0x36, CALLDATASIZE, 2, 0, 1, K_NORMAL)                                   \
    X(0x37, CALLDATACOPY, 3, 3, 0, K_NORMAL)                                   \
    X(0x38, CODESIZE, 2, 0, 1, K_NORMAL)                                       \
    X(0x39, CODECOPY, 3, 3, 0, K_NORMAL)                                       \
    X(0x3a, GASPRICE, 2, 0, 1, K_NORMAL)                                       \
    X(0x3b, EXTCODESIZE, 100, 1, 1, K_NORMAL)                                  \
    X(0x3c, EXTCODECOPY, 100, 4, 0, K_NORMAL)                                  \
    X(0x3d, RETURNDATASIZE, 2, 0, 1, K_NORMAL)                                 \
    X(0x3e, RETURNDATACOPY, 3, 3, 0, K_NORMAL)                                 \
    X(0x3f, EXTCODEHASH, 100, 1, 1, K_NORMAL)                                  \
    X(0x40, BLOCKHASH, 20, 1, 1, K_NORMAL)                                     \
    X(0x41, COINBASE, 2, 0, 1, K_NORMAL)                                       \
    X(0x42, TIMESTAMP, 2, 0, 1, K_NORMAL)                                      \
    X(0x43, NUMBER, 2, 0, 1, K_NORMAL)                                         \
    X(0x44, PREVRANDAO, 2, 0, 1, K_NORMAL)                                     \
    X(0x45, GASLIMIT, 2, 0, 1, K_NORMAL)                                       \
    X(0x46, CHAINID, 2, 0, 1, K_NORMAL)                                        \
    X(0x47, SELFBALANCE, 5, 0, 1, K_NORMAL)                                    \
    X(0x48, BASEFEE, 2, 0, 1, K_NORMAL)                                        \
    X(0x49, BLOBHASH, 3, 1, 1, K_NORMAL)                                       \
    X(0x4a, BLOBBASEFEE, 2, 0, 1, K_NORMAL)                                    \
    X(0x50, POP, 2, 1, 0, K_NORMAL)                                            \
    X(0x51, MLOAD, 3, 1, 1, K_NORMAL)                                          \
    X(0x52, MSTORE, 3, 2, 0, K_NORMAL)                                         \
    X(0x53, MSTORE8, 3, 2, 0, K_NORMAL)                                        \
    X(0x54, SLOAD, 100, 1, 1, K_NORMAL)                                        \
    X(0x55, SSTORE, 0, 2, 0, K_GASOBS)                                         \
    X(0x56, JUMP, 8, 1, 0, K_TERM)                                             \
    X(0x57, JUMPI, 10, 2, 0, K_JUMPI)                                          \
    X(0x58, PC, 2, 0, 1, K_NORMAL)                                             \
    X(0x59, MSIZE, 2, 0, 1, K_NORMAL)                                          \
    X(0x5a, GAS, 2, 0, 1, K_GASOBS)                                            \
    X(0x5b, JUMPDEST, 1, 0, 0, K_JUMPDEST)                                     \
    X(0x5c, TLOAD, 100, 1, 1, K_NORMAL)                                        \
    X(0x5d, TSTORE, 100, 2, 0, K_NORMAL)                                       \
    X(0x5e, MCOPY, 3, 3, 0, K_NORMAL)                                          \
    X(0x5f, PUSH0, 2, 0, 1, K_NORMAL)                                          \
    EVM_PUSH_OPS(X)                                                            \
    EVM_DUP_OPS(X)                                                             \
    EVM_SWAP_OPS(X)                                                            \
    X(0xa0, LOG0, 375, 2, 0, K_NORMAL)                                         \
    X(0xa1, LOG1, 750, 3, 0, K_NORMAL)                                         \
    X(0xa2, LOG2, 1125, 4, 0, K_NORMAL)                                        \
    X(0xa3, LOG3, 1500, 5, 0, K_NORMAL)                                        \
    X(0xa4, LOG4, 1875, 6, 0, K_NORMAL)                                        \
    X(0xf0, CREATE, 32000, 3, 1, K_GASOBS)                                     \
    X(0xf1, CALL, 100, 7, 1, K_GASOBS)                                         \
    X(0xf2, CALLCODE, 100, 7, 1, K_GASOBS)                                     \
    X(0xf3, RETURN, 0, 2, 0, K_TERM)                                           \
    X(0xf4, DELEGATECALL, 100, 6, 1, K_GASOBS)                                 \
    X(0xf5, CREATE2, 32000, 4, 1, K_GASOBS)                                    \
    X(0xfa, STATICCALL, 100, 6, 1, K_GASOBS)                                   \
    X(0xfd, REVERT, 0, 2, 0, K_TERM)                                           \
    X(0xfe, INVALID, 0, 0, 0, K_TERM)                                          \
    X(0xff, SELFDESTRUCT, 5000, 1, 0, K_TERM)

/* opcode constants: OP_ADD, ... */
enum {
#define EVM_OP_ENUM(code, name, gas, in, out, kind) OP_##name = code,
    EVM_OPCODES(EVM_OP_ENUM)
#undef EVM_OP_ENUM
};

/* Per-opcode traits (undefined opcodes: kind K_UNDEFINED, name NULL). */
typedef struct evm_trait {
    const char *name;
    uint16_t gas;
    uint8_t in, out;
    uint8_t kind;
} evm_trait;
extern const evm_trait evm_traits[256];

#endif
