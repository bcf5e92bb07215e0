#include "config.h"
#include <zg/support.h>

ZG_EXPORT const char *zg_support_version(void) { return PACKAGE_VERSION; }
