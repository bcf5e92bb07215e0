/* tests/tap.h — minimal TAP output for zgnode's C tests.
 * tests/run-tests.sh counts the "ok"/"not ok" lines of every test program. */
#ifndef ZG_TAP_H
#define ZG_TAP_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_count, tap_failed;

static void tap_ok_(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), unused));
static void tap_ok_(int cond, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (!cond) {
        printf(" # at %s:%d", file, line);
        tap_failed++;
    }
    printf("\n");
    fflush(stdout);
}

/* ok(cond, "description %d", x) */
#define ok(cond, ...) tap_ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* diagnostic line */
#define diag(...) (printf("# "), printf(__VA_ARGS__), printf("\n"), fflush(stdout))

/* print the plan and return the exit status for main() */
__attribute__((unused)) static int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

/* environment helper: value or fallback */
__attribute__((unused)) static const char *tap_env(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}
#endif
