/* core logging: text or JSON lines on stderr, thread-safe, one write per line. */
#ifndef ZG_CORE_LOG_H
#define ZG_CORE_LOG_H
#include <stdarg.h>
#include <zg/plugin.h>

enum { ZG_LOGFMT_TEXT = 0, ZG_LOGFMT_JSON = 1 };

void zg_log_setup(int level, int format);
void zg_log_set_level(int level);
int zg_log_get_level(void);
/* "error".."trace" -> level, or -1 */
int zg_log_level_parse(const char *s);
const char *zg_log_level_name(int level);

void zg_logv(const char *src, int level, const char *fmt, va_list ap);
void zg_log(const char *src, int level, const char *fmt, ...) ZG_PRINTF(3, 4);

#define LOG_E(...) zg_log("core", ZG_LOG_ERROR, __VA_ARGS__)
#define LOG_W(...) zg_log("core", ZG_LOG_WARN, __VA_ARGS__)
#define LOG_I(...) zg_log("core", ZG_LOG_INFO, __VA_ARGS__)
#define LOG_D(...) zg_log("core", ZG_LOG_DEBUG, __VA_ARGS__)
#endif
