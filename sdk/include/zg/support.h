/* zg/support.h — the SDK support library (libzgsupport), shared primitives
 * that core plugins and third-party plugins link: hashing, encodings, ...
 * Each primitive has its own header (zg/keccak.h, zg/rlp.h, ...). */
#ifndef ZG_SUPPORT_H
#define ZG_SUPPORT_H
#ifdef __cplusplus
extern "C" {
#endif
#include <zg/plugin.h>

/* "major.minor.patch" of the support library */
ZG_EXPORT const char *zg_support_version(void);

#ifdef __cplusplus
}
#endif
#endif
