/* zgnode: the node daemon.  Loads the configured plugins, serves JSON-RPC and
 * metrics, runs the event loop until SIGTERM/SIGINT or zg_shutdown. */
#include "config.h"
#include "conf.h"
#include "loader.h"
#include "log.h"
#include "metrics.h"
#include "node.h"
#include "rpc.h"
#include "ws.h"
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zgnode [options]\n"
            "\n"
            "Runs a 0G node: loads the plugins named in the config (kv, consensus,\n"
            "executor, da, gpu, service), serves JSON-RPC and Prometheus metrics.\n"
            "\n"
            "  -c, --config FILE      config file (libconfig syntax), e.g. conf/dev.conf\n"
            "  -d, --datadir DIR      data directory (overrides node.datadir)\n"
            "  -l, --log-level LEVEL  error|warn|info|debug|trace (overrides node.log_level)\n"
            "      --log-format FMT   text|json (overrides node.log_format)\n"
            "      --check-config     validate the config, load and init plugins, then exit\n"
            "  -V, --version          print version and ABI version\n"
            "  -h, --help             this help\n"
            "\n"
            "Plugins are searched in node.plugin_path, then $ZG_PLUGIN_PATH (colon-separated),\n"
            "then %s.\n"
            "Signals: SIGTERM/SIGINT stop cleanly; SIGHUP re-reads node.log_level.\n",
            ZG_PLUGINDIR);
}

static int mkdir_p(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return -1;
            *p = '/';
        }
    return (mkdir(tmp, 0700) != 0 && errno != EEXIST) ? -1 : 0;
}

/* one daemon per datadir: an exclusive flock on <datadir>/LOCK */
static int lock_datadir(zg_node *n)
{
    char path[4608];
    snprintf(path, sizeof path, "%s/LOCK", n->datadir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        LOG_E("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = "";
        ssize_t r = pread(fd, pid, sizeof pid - 1, 0);
        pid[r > 0 ? r : 0] = 0;
        pid[strcspn(pid, "\n")] = 0;
        LOG_E("datadir %s is in use by another zgnode (pid %s)", n->datadir, pid[0] ? pid : "?");
        close(fd);
        return -1;
    }
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)len, 0) != len) LOG_W("cannot write pid to %s", path);
    n->lock_fd = fd;
    return 0;
}

/* admin token: <datadir>/<file>, created (0600, 32 random bytes hex) if absent */
static char *load_token(zg_node *n, const char *file)
{
    char path[4608];
    if (file[0] == '/')
        snprintf(path, sizeof path, "%s", file);
    else
        snprintf(path, sizeof path, "%s/%s", n->datadir, file);
    char buf[256];
    FILE *f = fopen(path, "r");
    if (f) {
        size_t r = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[r] = 0;
        buf[strcspn(buf, "\r\n")] = 0;
        if (strlen(buf) < 16) {
            LOG_E("admin token in %s is too short (need 16+ characters)", path);
            return NULL;
        }
        return strdup(buf);
    }
    unsigned char rnd[32];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
        LOG_E("getrandom failed: %s", strerror(errno));
        return NULL;
    }
    for (int i = 0; i < 32; i++) sprintf(buf + 2 * i, "%02x", rnd[i]);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || write(fd, buf, 64) != 64 || write(fd, "\n", 1) != 1) {
        LOG_E("cannot write admin token %s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return NULL;
    }
    close(fd);
    LOG_I("created admin token %s", path);
    return strdup(buf);
}

/* ---- core JSON-RPC methods ---- */

static json_t *rpc_version(void *arg, json_t *params, zg_rpc_error *err)
{
    return json_string("zgnode/" PACKAGE_VERSION);
}

static json_t *rpc_plugins(void *arg, json_t *params, zg_rpc_error *err)
{
    zg_node *n = arg;
    json_t *a = json_array();
    for (int i = 0; i < n->nplugins; i++) {
        zg_ctx *c = n->plugins[i];
        char abi[16];
        snprintf(abi, sizeof abi, "%u.%u", c->desc->abi_major, c->desc->abi_minor);
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "instance", c->instance, "kind",
                                           zg_kind_name(c->kind), "name", c->desc->name, "version",
                                           c->desc->version ? c->desc->version : "", "abi", abi, "path",
                                           c->path, "description",
                                           c->desc->description ? c->desc->description : "", "started",
                                           c->started));
    }
    return a;
}

static json_t *rpc_status(void *arg, json_t *params, zg_rpc_error *err)
{
    zg_node *n = arg;
    char abi[16];
    snprintf(abi, sizeof abi, "%d.%d", ZG_ABI_MAJOR, ZG_ABI_MINOR);
    return json_pack("{s:s,s:s,s:I,s:I,s:s,s:s,s:i,s:I,s:s}", "version", PACKAGE_VERSION, "abi", abi, "pid",
                     (json_int_t)getpid(), "uptime_s", (json_int_t)(time(NULL) - n->started_at), "datadir",
                     n->datadir, "config", n->config_file, "plugins", n->nplugins, "rpc_requests",
                     (json_int_t)zg_rpc_requests(n->rpc), "log_level", zg_log_level_name(zg_log_get_level()));
}

static void stop_soon(evutil_socket_t fd, short what, void *arg)
{
    zg_node *n = arg;
    event_base_loopexit(n->base, NULL);
}

static json_t *rpc_shutdown(void *arg, json_t *params, zg_rpc_error *err)
{
    zg_node *n = arg;
    snprintf(n->stop_reason, sizeof n->stop_reason, "zg_shutdown over JSON-RPC");
    n->stopping = 1;
    /* let the reply go out first */
    struct timeval tv = {0, 100000};
    event_base_once(n->base, -1, EV_TIMEOUT, stop_soon, n, &tv);
    return json_true();
}

/* ---- signals ---- */

static void on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
    zg_node *n = arg;
    snprintf(n->stop_reason, sizeof n->stop_reason, "signal %s", sig == SIGINT ? "SIGINT" : "SIGTERM");
    n->stopping = 1;
    event_base_loopexit(n->base, NULL);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
    zg_node *n = arg;
    config_t c;
    config_init(&c);
    if (!config_read_file(&c, n->config_file)) {
        LOG_E("SIGHUP: cannot re-read %s: %s (line %d); keeping log level %s", n->config_file,
              config_error_text(&c), config_error_line(&c), zg_log_level_name(zg_log_get_level()));
    } else {
        const char *lv = NULL;
        int l = ZG_LOG_INFO;
        if (config_lookup_string(&c, "node.log_level", &lv) && (l = zg_log_level_parse(lv)) < 0)
            LOG_E("SIGHUP: node.log_level '%s' is not one of error|warn|info|debug|trace", lv);
        else {
            zg_log_set_level(l);
            zg_log("core", ZG_LOG_WARN, "SIGHUP: log level is now %s", zg_log_level_name(l));
        }
    }
    config_destroy(&c);
}

/* <datadir>/<name> holds the port in use, for clients and tests (port 0) */
static void write_port_file(zg_node *n, const char *name, int port)
{
    char pf[4608];
    snprintf(pf, sizeof pf, "%s/%s", n->datadir, name);
    FILE *f = fopen(pf, "w");
    if (f) {
        fprintf(f, "%d\n", port);
        fclose(f);
    }
}

static void add_path(zg_node *n, const char *dir)
{
    if (n->nplugin_path < (int)(sizeof n->plugin_path / sizeof n->plugin_path[0]) && dir && *dir)
        n->plugin_path[n->nplugin_path++] = strdup(dir);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, 0, 'c'},   {"datadir", required_argument, 0, 'd'},
        {"log-level", required_argument, 0, 'l'}, {"log-format", required_argument, 0, 'F'},
        {"check-config", no_argument, 0, 'C'},   {"version", no_argument, 0, 'V'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    const char *config_file = NULL, *datadir = NULL, *level = NULL, *format = NULL;
    int check_only = 0, o;
    while ((o = getopt_long(argc, argv, "c:d:l:Vh", opts, NULL)) != -1) {
        switch (o) {
        case 'c': config_file = optarg; break;
        case 'd': datadir = optarg; break;
        case 'l': level = optarg; break;
        case 'F': format = optarg; break;
        case 'C': check_only = 1; break;
        case 'V': printf("zgnode %s (plugin ABI %d.%d)\n", PACKAGE_VERSION, ZG_ABI_MAJOR, ZG_ABI_MINOR); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "zgnode: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    if (level && zg_log_level_parse(level) < 0) {
        fprintf(stderr, "zgnode: --log-level must be one of error|warn|info|debug|trace, not '%s'\n", level);
        return 2;
    }
    if (format && strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
        fprintf(stderr, "zgnode: --log-format must be text or json, not '%s'\n", format);
        return 2;
    }
    if (!config_file) {
        fprintf(stderr, "zgnode: no config file: pass --config FILE (example: conf/dev.conf or %s/dev.conf)\n",
                ZG_CONFDIR);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    static zg_node node;
    zg_node *n = &node;
    n->config_file = config_file;
    n->lock_fd = -1;
    zg_log_setup(level ? zg_log_level_parse(level) : ZG_LOG_INFO, format && !strcmp(format, "json"));
    if (zg_conf_load(n, config_file) != 0) {
        LOG_E("invalid configuration %s", config_file);
        return 1;
    }
    config_setting_t *nodecfg = config_lookup(&n->cfg, "node");
    config_setting_t *rpccfg = config_lookup(&n->cfg, "rpc");
    const char *s;
    if (!level && zg_conf_string(nodecfg, "log_level", &s) == ZG_OK) {
        if (zg_log_level_parse(s) < 0) {
            zg_conf_error(config_setting_get_member(nodecfg, "log_level"),
                          "must be one of error|warn|info|debug|trace");
            return 1;
        }
        zg_log_set_level(zg_log_level_parse(s));
    }
    if (!format && zg_conf_string(nodecfg, "log_format", &s) == ZG_OK) {
        if (strcmp(s, "text") != 0 && strcmp(s, "json") != 0) {
            zg_conf_error(config_setting_get_member(nodecfg, "log_format"), "must be \"text\" or \"json\"");
            return 1;
        }
        zg_log_setup(zg_log_get_level(), !strcmp(s, "json"));
    }
    if (!datadir && zg_conf_string(nodecfg, "datadir", &datadir) != ZG_OK) {
        LOG_E("no data directory: set node.datadir in %s or pass --datadir", config_file);
        return 1;
    }
    if (mkdir_p(datadir) != 0 || !realpath(datadir, n->datadir)) {
        LOG_E("cannot create data directory %s: %s", datadir, strerror(errno));
        return 1;
    }
    if (lock_datadir(n) != 0) return 1;

    /* plugin search path: config, environment, install dir */
    config_setting_t *pp = config_setting_get_member(nodecfg ? nodecfg : config_root_setting(&n->cfg), "plugin_path");
    for (int i = 0; pp && i < config_setting_length(pp); i++) {
        const char *d = config_setting_get_string_elem(pp, i);
        if (!d) {
            zg_conf_error(config_setting_get_elem(pp, (unsigned)i), "must be a string");
            return 1;
        }
        add_path(n, d);
    }
    const char *env = getenv("ZG_PLUGIN_PATH");
    if (env) {
        char *copy = strdup(env), *save = NULL;
        for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save)) add_path(n, t);
        free(copy);
    }
    add_path(n, ZG_PLUGINDIR);

    evthread_use_pthreads();
    n->base = zg_rpc_base_new();
    n->rpc = n->base ? zg_rpc_new(n) : NULL;
    n->ws = n->rpc ? zg_ws_new(n, n->rpc) : NULL;
    if (!n->ws) {
        LOG_E("cannot create the event loop");
        return 1;
    }
    n->started_at = time(NULL);
    zg_rpc_register(n->rpc, NULL, "zg_version", rpc_version, n, 0);
    zg_rpc_register(n->rpc, NULL, "zg_plugins", rpc_plugins, n, ZG_RPC_ADMIN);
    zg_rpc_register(n->rpc, NULL, "zg_status", rpc_status, n, ZG_RPC_ADMIN);
    zg_rpc_register(n->rpc, NULL, "zg_shutdown", rpc_shutdown, n, ZG_RPC_ADMIN);
    zg_metric *up = zg_metric_new(NULL, "zg_start_time_seconds", "Unix time the node started", ZG_METRIC_GAUGE);
    zg_metric_set(up, (double)n->started_at);

    LOG_I("zgnode %s starting: config %s, datadir %s", PACKAGE_VERSION, config_file, n->datadir);
    int rc = 1;
    if (zg_plugins_load(n) != 0 || zg_plugins_start(n) != 0) goto out;
    zg_metric_set(zg_metric_new(NULL, "zg_plugins_loaded", "plugins loaded", ZG_METRIC_GAUGE), n->nplugins);
    if (check_only) {
        LOG_I("configuration OK: %d plugin(s) loaded", n->nplugins);
        rc = 0;
        goto out;
    }

    int enabled = 1;
    if (zg_conf_bool(rpccfg, "enabled", &enabled) == ZG_ETYPE) goto out;
    if (enabled) {
        zg_rpc_opts ro = {.listen = "127.0.0.1", .port = 8545, .max_body = 5 << 20, .max_batch = 1000,
                          .timeout_s = 30};
        int64_t v;
        const char *tokfile = "admin.token";
        if (zg_conf_string(rpccfg, "listen", &ro.listen) == ZG_ETYPE) goto out;
        if (zg_conf_int(rpccfg, "port", &v) == ZG_OK) {
            if (v < 0 || v > 65535) {
                zg_conf_error(config_setting_get_member(rpccfg, "port"), "must be 0..65535");
                goto out;
            }
            ro.port = (int)v;
        }
        if (zg_conf_int(rpccfg, "max_body_bytes", &v) == ZG_OK) ro.max_body = v > 0 ? (size_t)v : ro.max_body;
        if (zg_conf_int(rpccfg, "max_batch", &v) == ZG_OK) ro.max_batch = v > 0 ? (int)v : ro.max_batch;
        if (zg_conf_int(rpccfg, "timeout_s", &v) == ZG_OK) ro.timeout_s = v > 0 ? (int)v : ro.timeout_s;
        /* HTTP worker threads: one per CPU by default (concurrent read calls
         * scale with them); 0 serves everything on the loop thread */
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        ro.threads = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (int)ncpu;
        if (zg_conf_int(rpccfg, "threads", &v) == ZG_OK) {
            if (v < 0 || v > 64) {
                zg_conf_error(config_setting_get_member(rpccfg, "threads"), "must be 0..64");
                goto out;
            }
            ro.threads = (int)v;
        }
        zg_conf_string(rpccfg, "admin_token_file", &tokfile);
        char *token = load_token(n, tokfile);
        if (!token) goto out;
        ro.token = token;
        int ws_on = 1;
        int64_t ws_port = 8546;
        if (zg_conf_bool(rpccfg, "ws_enabled", &ws_on) == ZG_ETYPE || zg_conf_int(rpccfg, "ws_port", &ws_port) == ZG_ETYPE) {
            free(token);
            goto out;
        }
        if (ws_port < 0 || ws_port > 65535) {
            zg_conf_error(config_setting_get_member(rpccfg, "ws_port"), "must be 0..65535");
            free(token);
            goto out;
        }
        int port = zg_rpc_listen(n->rpc, &ro);
        free(token);
        if (port < 0) goto out;
        /* the WebSocket port first, so that rpc.port appearing means both are up */
        if (ws_on) {
            int wp = zg_ws_listen(n->ws, ro.listen, (int)ws_port);
            if (wp < 0) goto out;
            write_port_file(n, "ws.port", wp);
            LOG_I("JSON-RPC over WebSocket listening on ws://%s:%d/", ro.listen, wp);
        }
        write_port_file(n, "rpc.port", port);
        LOG_I("JSON-RPC listening on http://%s:%d/ (%d HTTP thread%s%s; metrics at /metrics)", ro.listen, port,
              ro.threads, ro.threads == 1 ? "" : "s", ro.threads ? "" : ", served on the event loop");
    }

    struct event *sigs[3] = {evsignal_new(n->base, SIGTERM, on_stop_signal, n),
                             evsignal_new(n->base, SIGINT, on_stop_signal, n), evsignal_new(n->base, SIGHUP, on_hup, n)};
    for (int i = 0; i < 3; i++) event_add(sigs[i], NULL);
    LOG_I("node ready (%d plugin(s))", n->nplugins);
    event_base_dispatch(n->base);
    LOG_I("stopping: %s", n->stop_reason[0] ? n->stop_reason : "event loop ended");
    for (int i = 0; i < 3; i++) event_free(sigs[i]);
    rc = 0;
out:
    zg_rpc_stop(n->rpc); /* workers may be inside plugin code */
    zg_ws_free(n->ws); /* before the plugins: no close hooks into unloaded code */
    zg_plugins_unload(n);
    zg_rpc_free(n->rpc);
    zg_metrics_free_all();
    event_base_free(n->base);
    config_destroy(&n->cfg);
    for (int i = 0; i < n->nplugin_path; i++) free(n->plugin_path[i]);
    if (n->lock_fd >= 0) {
        char pf[4608];
        snprintf(pf, sizeof pf, "%s/rpc.port", n->datadir);
        unlink(pf);
        snprintf(pf, sizeof pf, "%s/ws.port", n->datadir);
        unlink(pf);
        close(n->lock_fd);
    }
    if (rc == 0) LOG_I("stopped cleanly");
    libevent_global_shutdown();
    return rc;
}
