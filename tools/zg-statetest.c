/* zg-statetest — run Ethereum GeneralStateTests (Cancun) through an
 * executor plugin.
 *
 *   zg-statetest [options] FILE|DIR...
 *     -j N            worker threads (default 1)
 *     -t, --test S    only tests whose name contains S
 *     --index D:G:V   only that (data, gas, value) case (any part may be *)
 *     --trace         EIP-3155 trace (one JSON line per instruction) of the
 *                     selected cases, then a summary line
 *     --json          one JSON object per case, then {"passed":N,"failed":N}
 *     --plugin PATH   load this executor plugin instead of the built-in evm
 *     -v              print passing cases too
 *
 * Directories are walked recursively for *.json.  One line per failing
 * case, and a final "N passed, N failed" line; the exit status is 0 only
 * when nothing failed. */
#include "config.h"
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "plugins/executor/evm/evm_plugin.h"
#include "tools/minihost.h"
#include "statetest/statetest.h"

typedef struct file_list {
    char **v;
    size_t n, cap;
} file_list;

static int push_file(file_list *l, const char *p)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 256;
        char **nv = realloc(l->v, nc * sizeof *nv);
        if (!nv) return -1;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n] = strdup(p);
    return l->v[l->n] ? (int)(l->n++, 0) : -1;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int walk(file_list *l, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "zg-statetest: %s: cannot access\n", path);
        return -1;
    }
    if (!S_ISDIR(sb.st_mode)) return push_file(l, path);
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "zg-statetest: %s: cannot open directory\n", path);
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    size_t first = l->n;
    file_list sub = {0};
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p) {
            rc = -1;
            break;
        }
        size_t pl = strlen(path);
        snprintf(p, n, "%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/", e->d_name);
        struct stat cs;
        if (stat(p, &cs) == 0 && S_ISDIR(cs.st_mode)) {
            push_file(&sub, p);
        } else {
            size_t ln = strlen(e->d_name);
            if (ln > 5 && strcmp(e->d_name + ln - 5, ".json") == 0) push_file(l, p);
        }
        free(p);
    }
    closedir(d);
    if (l->n > first) qsort(l->v + first, l->n - first, sizeof *l->v, cmp_str);
    if (sub.n) qsort(sub.v, sub.n, sizeof *sub.v, cmp_str);
    for (size_t i = 0; i < sub.n; i++) {
        if (walk(l, sub.v[i])) rc = -1;
        free(sub.v[i]);
    }
    free(sub.v);
    return rc;
}

typedef struct shared {
    const st_options *o;
    file_list *files;
    size_t next;
    pthread_mutex_t mu;
    st_counts total;
    int open_failed;
} shared;

static void *worker(void *arg)
{
    shared *s = arg;
    zg_executor *ex = NULL;
    if (s->o->iface->open(s->o->plugin_state, &ex) != ZG_OK) {
        pthread_mutex_lock(&s->mu);
        s->open_failed = 1;
        pthread_mutex_unlock(&s->mu);
        return NULL;
    }
    char *buf = NULL;
    size_t blen = 0;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        size_t i = s->next++;
        pthread_mutex_unlock(&s->mu);
        if (i >= s->files->n) break;
        FILE *mem = open_memstream(&buf, &blen);
        if (!mem) break;
        st_counts c = {0};
        st_run_file(s->o, ex, s->files->v[i], mem, &c);
        fclose(mem);
        pthread_mutex_lock(&s->mu);
        fwrite(buf, 1, blen, stdout);
        fflush(stdout);
        s->total.passed += c.passed;
        s->total.failed += c.failed;
        s->total.skipped += c.skipped;
        pthread_mutex_unlock(&s->mu);
        free(buf);
        buf = NULL;
    }
    s->o->iface->close(ex);
    return NULL;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: zg-statetest [-j N] [-t NAME] [--index D:G:V] [--trace] [--json] [--plugin PATH] [-v]\n"
            "                    FILE|DIR...\n");
}

static int parse_index_part(const char *s, int *out)
{
    if (strcmp(s, "*") == 0 || *s == 0) {
        *out = -1;
        return 0;
    }
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 0 || v > 1000000) return -1;
    *out = (int)v;
    return 0;
}

int main(int argc, char **argv)
{
    st_options o;
    memset(&o, 0, sizeof o);
    o.sel_d = o.sel_g = o.sel_v = -1;
    int jobs = 1;
    const char *plugin = NULL;
    file_list files = {0};
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-j") == 0) && i + 1 < argc) {
            jobs = atoi(argv[++i]);
            if (jobs < 1) jobs = 1;
        } else if (strncmp(a, "-j", 2) == 0 && a[2]) {
            jobs = atoi(a + 2);
            if (jobs < 1) jobs = 1;
        } else if ((strcmp(a, "-t") == 0 || strcmp(a, "--test") == 0) && i + 1 < argc) {
            o.name_filter = argv[++i];
        } else if (strcmp(a, "--index") == 0 && i + 1 < argc) {
            char buf[64];
            snprintf(buf, sizeof buf, "%s", argv[++i]);
            char *p1 = strchr(buf, ':'), *p2 = p1 ? strchr(p1 + 1, ':') : NULL;
            if (!p1 || !p2) {
                fprintf(stderr, "zg-statetest: --index wants D:G:V\n");
                return 2;
            }
            *p1 = *p2 = 0;
            if (parse_index_part(buf, &o.sel_d) || parse_index_part(p1 + 1, &o.sel_g) ||
                parse_index_part(p2 + 1, &o.sel_v)) {
                fprintf(stderr, "zg-statetest: bad --index\n");
                return 2;
            }
        } else if (strcmp(a, "--trace") == 0) {
            o.trace = 1;
        } else if (strcmp(a, "--json") == 0) {
            o.json = 1;
        } else if (strcmp(a, "-v") == 0) {
            o.verbose = 1;
        } else if (strcmp(a, "--plugin") == 0 && i + 1 < argc) {
            plugin = argv[++i];
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage();
            return 0;
        } else if (a[0] == '-') {
            usage();
            return 2;
        } else if (walk(&files, a)) {
            bad = 1;
        }
    }
    if (files.n == 0 && !bad) {
        usage();
        return 2;
    }
    if (o.trace) jobs = 1; /* traces must not interleave */

    zg_mh_plugin *mp = NULL;
    const zg_plugin_desc *desc;
    void *pstate = NULL;
    if (plugin) {
        char err[512];
        if (zg_mh_load(plugin, "executor", NULL, ZG_KIND_EXECUTOR, &mp, err, sizeof err)) {
            fprintf(stderr, "zg-statetest: %s\n", err);
            return 2;
        }
        desc = mp->desc;
        pstate = mp->state;
    } else {
        desc = zg_evm_plugin_desc();
        if (desc->init(NULL, NULL, &pstate) != ZG_OK) {
            fprintf(stderr, "zg-statetest: executor init failed\n");
            return 2;
        }
    }
    const zg_executor_iface *iface = desc->iface;
    if (!iface || iface->struct_size < sizeof(zg_executor_iface)) {
        fprintf(stderr, "zg-statetest: plugin %s has an older executor interface\n", desc->name);
        return 2;
    }
    o.iface = iface;
    o.plugin_state = pstate;

    shared s;
    memset(&s, 0, sizeof s);
    s.o = &o;
    s.files = &files;
    pthread_mutex_init(&s.mu, NULL);
    {
        /* workers run on threads with a large stack: 1024 nested calls */
        pthread_t *th = calloc((size_t)jobs, sizeof *th);
        int started = 0;
        for (int i = 0; th && i < jobs; i++) {
            pthread_attr_t at;
            pthread_attr_init(&at);
            pthread_attr_setstacksize(&at, (size_t)64 << 20); /* 1024-deep calls */
            if (pthread_create(&th[i], &at, worker, &s) == 0) started++;
            pthread_attr_destroy(&at);
        }
        for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
        if (!started) worker(&s);
        free(th);
    }
    if (s.open_failed) {
        fprintf(stderr, "zg-statetest: cannot open an executor\n");
        s.total.failed++;
    }
    if (bad) s.total.failed++;
    if (o.json)
        printf("{\"passed\":%ld,\"failed\":%ld}\n", s.total.passed, s.total.failed);
    else
        printf("%ld passed, %ld failed\n", s.total.passed, s.total.failed);
    for (size_t i = 0; i < files.n; i++) free(files.v[i]);
    free(files.v);
    if (mp)
        zg_mh_unload(mp);
    else
        desc->fini(pstate);
    pthread_mutex_destroy(&s.mu);
    return s.total.failed ? 1 : 0;
}
