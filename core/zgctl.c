/* zgctl: command-line client for a running zgnode, over JSON-RPC. */
#include "config.h"
#include "zgctl_chain.h"
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: zgctl [options] COMMAND [ARGS]\n"
               "\n"
               "commands:\n"
               "  status                 node status (admin)\n"
               "  plugins                loaded plugins (admin)\n"
               "  version                node version\n"
               "  shutdown               stop the node (admin)\n"
               "  call METHOD [PARAMS]   any JSON-RPC method; PARAMS is a JSON array or object\n");
    zgctl_chain_usage(f);
    fprintf(f, "\n"
               "options:\n"
               "  --rpc URL              node JSON-RPC endpoint (default $ZG_RPC_URL, else from\n"
               "                         DATADIR/rpc.port, else http://127.0.0.1:8545/)\n"
               "  -d, --datadir DIR      node data directory (admin token and port are read there)\n"
               "  --token-file FILE      admin token file (default DATADIR/admin.token; or $ZG_ADMIN_TOKEN)\n"
               "  --json                 print raw JSON results\n"
               "  --timeout SECONDS      request timeout (default 30)\n"
               "  -h, --help             this help\n");
}

typedef struct {
    char host[300], port[16], path[512];
} url_t;

static int parse_url(const char *u, url_t *out)
{
    if (strncmp(u, "http://", 7) != 0) return -1;
    u += 7;
    const char *slash = strchr(u, '/');
    size_t hl = slash ? (size_t)(slash - u) : strlen(u);
    char hp[300];
    if (hl == 0 || hl >= sizeof hp) return -1;
    memcpy(hp, u, hl);
    hp[hl] = 0;
    snprintf(out->path, sizeof out->path, "%s", slash ? slash : "/");
    char *colon = strrchr(hp, ':');
    if (hp[0] == '[') { /* [ipv6]:port */
        char *rb = strchr(hp, ']');
        if (!rb) return -1;
        *rb = 0;
        snprintf(out->host, sizeof out->host, "%s", hp + 1);
        colon = rb[1] == ':' ? rb + 1 : NULL;
    } else {
        if (colon) *colon = 0;
        snprintf(out->host, sizeof out->host, "%s", hp);
    }
    snprintf(out->port, sizeof out->port, "%s", colon ? colon + 1 : "80");
    return 0;
}

/* POST body to url; returns the HTTP status and the response body (malloc'd) */
static int http_post(const url_t *u, const char *token, const char *body, int timeout_s, char **resp)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
    int rc = getaddrinfo(u->host, u->port, &hints, &ai);
    if (rc != 0) {
        fprintf(stderr, "zgctl: cannot resolve %s: %s\n", u->host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) continue;
        struct timeval tv = {timeout_s, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (fd < 0) {
        fprintf(stderr, "zgctl: cannot connect to http://%s:%s/: %s (is zgnode running?)\n", u->host, u->port,
                strerror(errno));
        return -1;
    }
    char auth[400] = "";
    if (token) snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
    char head[1200];
    int hl = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\n%sConnection: close\r\n\r\n",
                      u->path, u->host, u->port, strlen(body), auth);
    if (write(fd, head, (size_t)hl) != hl || write(fd, body, strlen(body)) != (ssize_t)strlen(body)) {
        fprintf(stderr, "zgctl: send failed: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 4096 > cap) buf = realloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + len, cap - len - 1);
        if (r < 0) {
            fprintf(stderr, "zgctl: read failed: %s\n", errno == EAGAIN ? "timed out" : strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (r == 0) break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = 0;
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1) {
        fprintf(stderr, "zgctl: malformed HTTP response\n");
        free(buf);
        return -1;
    }
    char *b = strstr(buf, "\r\n\r\n");
    *resp = strdup(b ? b + 4 : "");
    free(buf);
    return status;
}

static char *read_first_line(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char buf[512];
    char *r = fgets(buf, sizeof buf, f);
    fclose(f);
    if (!r) return NULL;
    buf[strcspn(buf, "\r\n")] = 0;
    return strdup(buf);
}

static void print_status(json_t *r)
{
    const char *k;
    json_t *v;
    json_object_foreach(r, k, v) {
        char *s = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_ENCODE_ANY);
        printf("%-14s %s\n", k, s);
        free(s);
    }
}

static void print_plugins(json_t *r)
{
    printf("%-12s %-10s %-10s %-8s %-5s %s\n", "INSTANCE", "KIND", "NAME", "VERSION", "ABI", "PATH");
    size_t i;
    json_t *p;
    json_array_foreach(r, i, p) {
        printf("%-12s %-10s %-10s %-8s %-5s %s\n", json_string_value(json_object_get(p, "instance")),
               json_string_value(json_object_get(p, "kind")), json_string_value(json_object_get(p, "name")),
               json_string_value(json_object_get(p, "version")), json_string_value(json_object_get(p, "abi")),
               json_string_value(json_object_get(p, "path")));
    }
}

typedef struct {
    url_t u;
    const char *token;
    int timeout_s;
} rpc_ctx;

/* one JSON-RPC call for the chain commands */
static json_t *chain_rpc(void *arg, const char *method, json_t *params, char *err, size_t errlen)
{
    rpc_ctx *c = arg;
    json_t *req = json_pack("{s:s,s:i,s:s,s:O}", "jsonrpc", "2.0", "id", 1, "method", method, "params",
                            params ? params : json_array());
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    char *resp = NULL;
    int status = http_post(&c->u, c->token, body, c->timeout_s, &resp);
    free(body);
    if (status < 0) {
        snprintf(err, errlen, "cannot reach the node at http://%s:%s/", c->u.host, c->u.port);
        return NULL;
    }
    json_t *r = json_loads(resp, 0, NULL);
    free(resp);
    json_t *e = json_object_get(r, "error");
    json_t *res = json_object_get(r, "result");
    if (!r || e || !res) {
        snprintf(err, errlen, "%s", e ? json_string_value(json_object_get(e, "message")) : "malformed response");
        json_decref(r);
        return NULL;
    }
    json_incref(res);
    json_decref(r);
    return res;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"rpc", required_argument, 0, 'r'},        {"datadir", required_argument, 0, 'd'},
                                         {"token-file", required_argument, 0, 't'}, {"json", no_argument, 0, 'j'},
                                         {"timeout", required_argument, 0, 'T'},    {"help", no_argument, 0, 'h'},
                                         {"version", no_argument, 0, 'V'},          {0, 0, 0, 0}};
    const char *rpc = getenv("ZG_RPC_URL"), *datadir = NULL, *tokfile = NULL;
    int raw = 0, timeout_s = 30, o;
    while ((o = getopt_long(argc, argv, "+d:hV", opts, NULL)) != -1) {
        switch (o) {
        case 'r': rpc = optarg; break;
        case 'd': datadir = optarg; break;
        case 't': tokfile = optarg; break;
        case 'j': raw = 1; break;
        case 'T': timeout_s = atoi(optarg) > 0 ? atoi(optarg) : 30; break;
        case 'V': printf("zgctl %s\n", PACKAGE_VERSION); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    char urlbuf[600], path[4608];
    if (!rpc && datadir) {
        snprintf(path, sizeof path, "%s/rpc.port", datadir);
        char *port = read_first_line(path);
        if (port) {
            snprintf(urlbuf, sizeof urlbuf, "http://127.0.0.1:%s/", port);
            rpc = urlbuf;
            free(port);
        }
    }
    if (!rpc) rpc = "http://127.0.0.1:8545/";
    url_t u;
    if (parse_url(rpc, &u) != 0) {
        fprintf(stderr, "zgctl: --rpc must look like http://HOST:PORT/, not '%s'\n", rpc);
        return 2;
    }
    char *token = getenv("ZG_ADMIN_TOKEN") ? strdup(getenv("ZG_ADMIN_TOKEN")) : NULL;
    if (tokfile || (!token && datadir)) {
        if (!tokfile) snprintf(path, sizeof path, "%s/admin.token", datadir);
        free(token);
        token = read_first_line(tokfile ? tokfile : path);
        if (!token && tokfile) {
            fprintf(stderr, "zgctl: cannot read token file %s: %s\n", tokfile, strerror(errno));
            return 1;
        }
    }
    rpc_ctx rc_ctx = {u, token, timeout_s};
    int crc = zgctl_chain(argc - optind, argv + optind, chain_rpc, &rc_ctx, raw, stdout);
    if (crc != -1) {
        free(token);
        return crc;
    }
    const char *cmd = argv[optind++];
    const char *method = NULL;
    json_t *params = json_array();
    if (!strcmp(cmd, "status")) method = "zg_status";
    else if (!strcmp(cmd, "plugins")) method = "zg_plugins";
    else if (!strcmp(cmd, "version")) method = "zg_version";
    else if (!strcmp(cmd, "shutdown")) method = "zg_shutdown";
    else if (!strcmp(cmd, "call")) {
        if (optind >= argc) {
            fprintf(stderr, "zgctl: call needs a METHOD\n");
            return 2;
        }
        method = argv[optind++];
        if (optind < argc) {
            json_error_t e;
            json_decref(params);
            params = json_loads(argv[optind++], 0, &e);
            if (!params || !(json_is_array(params) || json_is_object(params))) {
                fprintf(stderr, "zgctl: PARAMS must be a JSON array or object (%s)\n", params ? "wrong type" : e.text);
                return 2;
            }
        }
    } else {
        fprintf(stderr, "zgctl: unknown command '%s' (see --help)\n", cmd);
        return 2;
    }
    if (optind < argc) {
        fprintf(stderr, "zgctl: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }

    json_t *req = json_pack("{s:s,s:i,s:s,s:o}", "jsonrpc", "2.0", "id", 1, "method", method, "params", params);
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    char *resp = NULL;
    int status = http_post(&u, token, body, timeout_s, &resp);
    free(body);
    free(token);
    if (status < 0) return 1;
    json_error_t e;
    json_t *r = json_loads(resp, 0, &e);
    if (!r) {
        fprintf(stderr, "zgctl: HTTP %d, response is not JSON: %.200s\n", status, resp);
        free(resp);
        return 1;
    }
    free(resp);
    json_t *err = json_object_get(r, "error");
    if (err) {
        fprintf(stderr, "zgctl: %s failed: %s (code %lld)\n", method, json_string_value(json_object_get(err, "message")),
                (long long)json_integer_value(json_object_get(err, "code")));
        if (json_integer_value(json_object_get(err, "code")) == -32001)
            fprintf(stderr, "zgctl: pass --datadir DIR or --token-file FILE for the admin token\n");
        json_decref(r);
        return 1;
    }
    json_t *res = json_object_get(r, "result");
    if (!raw && !strcmp(cmd, "status") && json_is_object(res))
        print_status(res);
    else if (!raw && !strcmp(cmd, "plugins") && json_is_array(res))
        print_plugins(res);
    else if (!raw && json_is_string(res))
        printf("%s\n", json_string_value(res));
    else {
        char *s = json_dumps(res, JSON_INDENT(2) | JSON_ENCODE_ANY);
        printf("%s\n", s);
        free(s);
    }
    json_decref(r);
    return 0;
}
