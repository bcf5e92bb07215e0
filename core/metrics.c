#include "config.h"
#include "metrics.h"
#include "log.h"
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct zg_metric {
    char *name; /* full name incl. labels */
    size_t base_len;
    char *help;
    int type;
    _Atomic uint64_t bits; /* a double, updated by CAS so add() is lock-free */
    struct zg_metric *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct zg_metric *head, **tail = &head;

static int valid_name(const char *n, size_t len)
{
    if (len == 0 || !(isalpha((unsigned char)n[0]) || n[0] == '_' || n[0] == ':')) return 0;
    for (size_t i = 1; i < len; i++)
        if (!(isalnum((unsigned char)n[i]) || n[i] == '_' || n[i] == ':')) return 0;
    return 1;
}

zg_metric *zg_metric_new(zg_ctx *ctx, const char *name, const char *help, int type)
{
    (void)ctx;
    if (!name || (type != ZG_METRIC_COUNTER && type != ZG_METRIC_GAUGE)) return NULL;
    const char *brace = strchr(name, '{');
    size_t base = brace ? (size_t)(brace - name) : strlen(name);
    if (!valid_name(name, base) || (brace && name[strlen(name) - 1] != '}')) {
        LOG_E("metric name '%s' is not a valid Prometheus name", name);
        return NULL;
    }
    pthread_mutex_lock(&mu);
    for (struct zg_metric *m = head; m; m = m->next)
        if (strcmp(m->name, name) == 0) { /* same series registered twice: share it */
            pthread_mutex_unlock(&mu);
            return m->type == type ? m : NULL;
        }
    struct zg_metric *m = calloc(1, sizeof *m);
    if (m) {
        m->name = strdup(name);
        m->help = strdup(help ? help : "");
        m->base_len = base;
        m->type = type;
        /* keep series of one family together for the exposition format */
        struct zg_metric **at = tail;
        for (struct zg_metric **p = &head; *p; p = &(*p)->next)
            if ((*p)->base_len == base && strncmp((*p)->name, name, base) == 0) {
                at = &(*p)->next;
                while (*at && (*at)->base_len == base && strncmp((*at)->name, name, base) == 0) at = &(*at)->next;
                break;
            }
        m->next = *at;
        *at = m;
        if (!m->next) tail = &m->next;
    }
    pthread_mutex_unlock(&mu);
    return m;
}

static double d_of(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}
static uint64_t b_of(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

void zg_metric_add(zg_metric *m, double v)
{
    if (!m) return;
    uint64_t old = atomic_load_explicit(&m->bits, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&m->bits, &old, b_of(d_of(old) + v), memory_order_relaxed,
                                                  memory_order_relaxed)) {
    }
}

void zg_metric_set(zg_metric *m, double v)
{
    if (m) atomic_store_explicit(&m->bits, b_of(v), memory_order_relaxed);
}

char *zg_metrics_render(size_t *len)
{
    char *buf = NULL;
    size_t sz = 0;
    FILE *f = open_memstream(&buf, &sz);
    if (!f) return NULL;
    pthread_mutex_lock(&mu);
    const struct zg_metric *prev = NULL;
    for (struct zg_metric *m = head; m; prev = m, m = m->next) {
        if (!prev || prev->base_len != m->base_len || strncmp(prev->name, m->name, m->base_len) != 0) {
            fprintf(f, "# HELP %.*s %s\n", (int)m->base_len, m->name, m->help);
            fprintf(f, "# TYPE %.*s %s\n", (int)m->base_len, m->name,
                    m->type == ZG_METRIC_COUNTER ? "counter" : "gauge");
        }
        fprintf(f, "%s %.17g\n", m->name, d_of(atomic_load(&m->bits)));
    }
    pthread_mutex_unlock(&mu);
    fclose(f);
    *len = sz;
    return buf;
}

void zg_metrics_free_all(void)
{
    pthread_mutex_lock(&mu);
    struct zg_metric *m = head;
    while (m) {
        struct zg_metric *n = m->next;
        free(m->name);
        free(m->help);
        free(m);
        m = n;
    }
    head = NULL;
    tail = &head;
    pthread_mutex_unlock(&mu);
}
