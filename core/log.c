#include "config.h"
#include "log.h"
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static atomic_int log_level = ZG_LOG_INFO;
static int log_format = ZG_LOGFMT_TEXT;
static const char *const names[] = {"error", "warn", "info", "debug", "trace"};

void zg_log_setup(int level, int format)
{
    atomic_store(&log_level, level);
    log_format = format;
}
void zg_log_set_level(int level) { atomic_store(&log_level, level); }
int zg_log_get_level(void) { return atomic_load(&log_level); }

int zg_log_level_parse(const char *s)
{
    for (int i = 0; i <= ZG_LOG_TRACE; i++)
        if (strcmp(s, names[i]) == 0) return i;
    if (strcmp(s, "warning") == 0) return ZG_LOG_WARN;
    return -1;
}

const char *zg_log_level_name(int level)
{
    return (level >= 0 && level <= ZG_LOG_TRACE) ? names[level] : "?";
}

void zg_logv(const char *src, int level, const char *fmt, va_list ap)
{
    if (level > atomic_load(&log_level)) return;
    char msg[2048], ts[40], line[4096];
    vsnprintf(msg, sizeof msg, fmt, ap);
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(ts + n, sizeof ts - n, ".%03dZ", (int)(tv.tv_usec / 1000));
    int len;
    if (log_format == ZG_LOGFMT_JSON) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "ts", ts, "level", zg_log_level_name(level),
                              "src", src, "msg", msg);
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        len = snprintf(line, sizeof line, "%s\n", s ? s : "{}");
        free(s);
        json_decref(o);
    } else {
        len = snprintf(line, sizeof line, "%s %-5s [%s] %s\n", ts, zg_log_level_name(level), src, msg);
    }
    if (len >= (int)sizeof line) {
        len = sizeof line - 1;
        line[len - 1] = '\n';
    }
    /* one write() per line keeps lines from different threads whole */
    ssize_t w = write(STDERR_FILENO, line, (size_t)len);
    (void)w;
}

void zg_log(const char *src, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    zg_logv(src, level, fmt, ap);
    va_end(ap);
}
