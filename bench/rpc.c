/* bench/rpc: JSON-RPC requests/s of zgnode on a trivial method (zg_version),
 * from a keep-alive load generator in this process (threads × connections).
 *
 *   bench/rpc [--zgnode PATH] [--seconds N] [--threads T] [--conns C] [--batch B]
 *
 * Starts its own zgnode on 127.0.0.1 (port 0) with no plugins. Goal: >= 50k req/s
 * on a 2-core machine (the generator shares those cores). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int port, seconds = 5, threads = 1, conns = 32, batch = 1;
static atomic_long done_reqs, errors;
static volatile int stop;
static char request[4096];
static size_t reqlen;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct {
    int fd;
    char buf[65536];
    size_t have;
} conn_t;

static int connect_one(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* a complete response in c->buf? returns its length or 0 */
static size_t complete(conn_t *c)
{
    c->buf[c->have] = 0;
    char *end = strstr(c->buf, "\r\n\r\n");
    if (!end) return 0;
    char *cl = strcasestr(c->buf, "Content-Length:");
    size_t body = cl ? strtoul(cl + 15, NULL, 10) : 0;
    size_t total = (size_t)(end + 4 - c->buf) + body;
    return c->have >= total ? total : 0;
}

static void *worker(void *arg)
{
    (void)arg;
    conn_t *cs = calloc((size_t)conns, sizeof *cs);
    struct pollfd *pf = calloc((size_t)conns, sizeof *pf);
    for (int i = 0; i < conns; i++) {
        cs[i].fd = connect_one();
        if (cs[i].fd < 0 || write(cs[i].fd, request, reqlen) != (ssize_t)reqlen) {
            atomic_fetch_add(&errors, 1);
            return NULL;
        }
        pf[i].fd = cs[i].fd;
        pf[i].events = POLLIN;
    }
    while (!stop) {
        int n = poll(pf, (nfds_t)conns, 100);
        if (n <= 0) continue;
        for (int i = 0; i < conns; i++) {
            if (!(pf[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
            conn_t *c = &cs[i];
            ssize_t r = read(c->fd, c->buf + c->have, sizeof c->buf - 1 - c->have);
            if (r <= 0) {
                atomic_fetch_add(&errors, 1);
                pf[i].fd = -1;
                continue;
            }
            c->have += (size_t)r;
            size_t len;
            while ((len = complete(c)) > 0) {
                if (strncmp(c->buf, "HTTP/1.1 200", 12) != 0) atomic_fetch_add(&errors, 1);
                memmove(c->buf, c->buf + len, c->have - len);
                c->have -= len;
                atomic_fetch_add(&done_reqs, batch);
                if (!stop && write(c->fd, request, reqlen) != (ssize_t)reqlen) atomic_fetch_add(&errors, 1);
            }
        }
    }
    for (int i = 0; i < conns; i++) close(cs[i].fd);
    free(cs);
    free(pf);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *zgnode = getenv("ZGNODE") ? getenv("ZGNODE") : "./zgnode";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--zgnode") && i + 1 < argc) zgnode = argv[++i];
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--conns") && i + 1 < argc) conns = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--batch") && i + 1 < argc) batch = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: %s [--zgnode PATH] [--seconds N] [--threads T] [--conns C] [--batch B]\n", argv[0]);
            return 2;
        }
    }
    char dir[] = "/tmp/zg-bench-rpc.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char conf[256], portfile[256];
    snprintf(conf, sizeof conf, "%s/node.conf", dir);
    snprintf(portfile, sizeof portfile, "%s/rpc.port", dir);
    FILE *f = fopen(conf, "w");
    fprintf(f, "node: { datadir = \"%s\"; log_level = \"warn\"; };\nrpc: { port = 0; ws_enabled = false; };\n", dir);
    fclose(f);
    pid_t pid = fork();
    if (pid == 0) {
        execl(zgnode, "zgnode", "--config", conf, (char *)NULL);
        perror(zgnode);
        _exit(127);
    }
    for (int i = 0; i < 200 && !port; i++) {
        usleep(20000);
        FILE *p = fopen(portfile, "r");
        if (p) {
            if (fscanf(p, "%d", &port) != 1) port = 0;
            fclose(p);
        }
    }
    if (!port) {
        fprintf(stderr, "bench/rpc: zgnode (%s) did not start\n", zgnode);
        kill(pid, SIGKILL);
        return 1;
    }
    char body[3500];
    size_t bl = 0;
    if (batch > 1) body[bl++] = '[';
    for (int i = 0; i < batch && bl < sizeof body - 100; i++)
        bl += (size_t)snprintf(body + bl, sizeof body - bl, "%s{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"zg_version\"}",
                               i ? "," : "", i + 1);
    if (batch > 1) body[bl++] = ']';
    body[bl] = 0;
    reqlen = (size_t)snprintf(request, sizeof request,
                              "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                              "Content-Length: %zu\r\n\r\n%s",
                              bl, body);
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    double t0 = now();
    for (int i = 0; i < threads; i++) pthread_create(&th[i], NULL, worker, NULL);
    sleep((unsigned)seconds);
    stop = 1;
    double el = now() - t0;
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    long n = atomic_load(&done_reqs);
    double rate = n / el;
    printf("bench/rpc: zg_version over HTTP keep-alive, %d thread(s) x %d connections, batch %d, %.1fs\n", threads,
           conns, batch, el);
    printf("  requests: %ld, errors: %ld\n", n, atomic_load(&errors));
    printf("  %.0f req/s  (goal 50000 req/s: ratio %.2f)\n", rate, rate / 50000.0);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return atomic_load(&errors) ? 1 : 0;
}
