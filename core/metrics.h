/* core metrics registry, rendered as Prometheus text at /metrics */
#ifndef ZG_CORE_METRICS_H
#define ZG_CORE_METRICS_H
#include <stddef.h>
#include <zg/plugin.h>

zg_metric *zg_metric_new(zg_ctx *ctx, const char *name, const char *help, int type);
void zg_metric_add(zg_metric *m, double v);
void zg_metric_set(zg_metric *m, double v);
/* Prometheus text exposition; caller frees */
char *zg_metrics_render(size_t *len);
void zg_metrics_free_all(void);
#endif
