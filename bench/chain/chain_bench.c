/* bench/chain/chain_bench — zgnode's chain against a Hardhat node on the same
 * machine, both driven by the same client code over HTTP keep-alive:
 *
 *   transfers/s   pre-signed EIP-1559 transfers from 8 accounts sent with
 *                 eth_sendRawTransaction by 8 connections; timed from the
 *                 first send until every one is in a sealed block
 *   reads/s       eth_blockNumber, eth_getBalance and eth_call (a small
 *                 contract), 8 concurrent keep-alive connections driven by
 *                 one epoll thread, as wrk does
 *
 * The Hardhat node comes from tests/e2e/node_modules (run tests/e2e/run.sh
 * once to install it); without it only zgnode is measured.
 *
 * usage: bench/chain/chain_bench [--txs N] [--reads N] [--conns N] [--kv memory|leveldb]
 * env: ZGNODE, ZG_PLUGIN_PATH, ZG_SRCDIR (as make check sets them; defaults
 * suit running from the build directory). */
#define _GNU_SOURCE 1
#include "config.h"
#include <fcntl.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zg/hex.h>
#include <zg/secp.h>
#include <zg/tx.h>
#include "../../tests/chain_util.h"

#define CHAIN_ID 31337
#define NACCTS 8

static const char *const KEYS[NACCTS] = {
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
};
/* stores calldata word 0 and returns it (see tests/chain_rpc.c) */
static const char *const CONTRACT =
    "0x6041600c60003960416000f33615601b5760003580600055600052607760206000a160206000f35b6308c379a060e01b600052602060"
    "04526004602452636e6f706560e01b60445260646000fd";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- a keep-alive HTTP JSON-RPC client ---- */

typedef struct conn {
    int fd;
    int port;
    char *buf;
    size_t cap;
} conn;

static int conn_open(conn *c, int port)
{
    c->port = port;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) return -1;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {60, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    if (!c->buf) {
        c->cap = 1 << 16;
        c->buf = malloc(c->cap);
    }
    return 0;
}

static void conn_close(conn *c)
{
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
}

/* send body, return the response body (points into c->buf) or NULL */
static const char *conn_call(conn *c, const char *body, size_t len)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (c->fd < 0 && conn_open(c, c->port) != 0) return NULL;
        char head[256];
        int hl = snprintf(head, sizeof head,
                          "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                          len);
        /* one segment per request: two writes would wake the server twice */
        struct iovec iov[2] = {{head, (size_t)hl}, {(void *)body, len}};
        if (writev(c->fd, iov, 2) != (ssize_t)((size_t)hl + len)) {
            close(c->fd);
            c->fd = -1;
            continue;
        }
        size_t n = 0, need = 0, hend = 0;
        for (;;) {
            if (n + 1 >= c->cap) {
                c->cap *= 2;
                c->buf = realloc(c->buf, c->cap);
            }
            ssize_t r = read(c->fd, c->buf + n, c->cap - n - 1);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            n += (size_t)r;
            c->buf[n] = 0;
            if (!hend) {
                char *e = strstr(c->buf, "\r\n\r\n");
                if (!e) continue;
                hend = (size_t)(e - c->buf) + 4;
                char *cl = strcasestr(c->buf, "Content-Length:");
                if (cl && cl < e)
                    need = hend + strtoul(cl + 15, NULL, 10);
                else if (strcasestr(c->buf, "chunked"))
                    need = SIZE_MAX; /* chunked (Node's http): read to the last chunk */
                else
                    break;
            }
            if (need == SIZE_MAX) {
                if (n < hend + 5 || memcmp(c->buf + n - 5, "0\r\n\r\n", 5) != 0) continue;
                /* de-chunk in place */
                char *src = c->buf + hend, *dst = src, *end = c->buf + n;
                while (src < end) {
                    size_t len = strtoul(src, &src, 16);
                    src = strstr(src, "\r\n");
                    if (!src || !len) break;
                    src += 2;
                    memmove(dst, src, len);
                    dst += len;
                    src += len + 2;
                }
                *dst = 0;
                return c->buf + hend;
            }
            if (n >= need) return c->buf + hend;
        }
        close(c->fd);
        c->fd = -1;
    }
    return NULL;
}

/* ---- the two nodes ---- */

typedef struct target {
    const char *name;
    int port;
    pid_t pid;
    cu_node zg; /* zgnode only */
} target;

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(fd, (struct sockaddr *)&a, &l) != 0) {
        close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static int start_hardhat(target *t)
{
    const char *src = getenv("ZG_SRCDIR");
    char cli[2048], dir[2048];
    snprintf(cli, sizeof cli, "%s/tests/e2e/node_modules/hardhat/internal/cli/cli.js", src ? src : "..");
    snprintf(dir, sizeof dir, "%s/tests/e2e/hardhat", src ? src : "..");
    if (access(cli, R_OK) != 0) return -1;
    t->port = free_port();
    char port[16];
    snprintf(port, sizeof port, "%d", t->port);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir) != 0) _exit(127);
        int null = open(getenv("ZG_BENCH_HARDHAT_LOG") ? getenv("ZG_BENCH_HARDHAT_LOG") : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(null, 1);
        dup2(null, 2);
        setenv("HARDHAT_DISABLE_TELEMETRY_PROMPT", "true", 1);
        execlp("node", "node", cli, "node", "--hostname", "127.0.0.1", "--port", port, (char *)NULL);
        _exit(127);
    }
    t->pid = pid;
    conn c = {.fd = -1};
    for (int i = 0; i < 600; i++) {
        if (conn_open(&c, t->port) == 0) {
            static const char probe[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
            const char *r = conn_call(&c, probe, sizeof probe - 1);
            if (r && strstr(r, "0x7a69")) {
                conn_close(&c);
                return 0;
            }
            close(c.fd);
            c.fd = -1;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid) break;
        usleep(100000);
    }
    conn_close(&c);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    t->pid = 0;
    return -1;
}

static void stop_target(target *t)
{
    if (t->zg.pid) cu_stop(&t->zg);
    if (t->pid) {
        kill(t->pid, SIGTERM);
        waitpid(t->pid, NULL, 0);
        t->pid = 0;
    }
}

/* ---- helpers over a conn ---- */

static json_t *call(conn *c, const char *method, json_t *params)
{
    json_t *req = json_pack("{s:s,s:i,s:s,s:o}", "jsonrpc", "2.0", "id", 1, "method", method, "params", params);
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    const char *r = conn_call(c, body, strlen(body));
    free(body);
    if (!r) return NULL;
    json_t *j = json_loads(r, 0, NULL);
    json_t *res = j ? json_object_get(j, "result") : NULL;
    if (res) json_incref(res);
    else if (j) {
        char *s = json_dumps(json_object_get(j, "error"), JSON_COMPACT);
        fprintf(stderr, "%s: %s\n", method, s ? s : "?");
        free(s);
    }
    json_decref(j);
    return res;
}

static uint64_t qty(json_t *j)
{
    uint64_t v = 0;
    zg_json_get_quantity_u64(j, &v);
    return v;
}

/* ---- transfers ---- */

typedef struct sender_job {
    int port;
    char **raws;
    size_t n;
    size_t sent;
    char last_hash[67];
} sender_job;

static void *send_worker(void *arg)
{
    sender_job *j = arg;
    conn c = {.fd = -1};
    if (conn_open(&c, j->port) != 0) return NULL;
    char body[2048];
    for (size_t i = 0; i < j->n; i++) {
        int bl = snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\"%s\"]}",
                          j->raws[i]);
        const char *r = conn_call(&c, body, (size_t)bl);
        const char *h = r ? strstr(r, "\"result\":\"0x") : NULL;
        if (!h) {
            fprintf(stderr, "send failed: %.300s\n", r ? r : "(no answer)");
            break;
        }
        memcpy(j->last_hash, h + 10, 66);
        j->last_hash[66] = 0;
        j->sent++;
    }
    conn_close(&c);
    return NULL;
}

static double bench_transfers(target *t, size_t ntx, int conns)
{
    conn c = {.fd = -1};
    if (conn_open(&c, t->port) != 0) return -1;
    sender_job jobs[NACCTS];
    size_t per = ntx / NACCTS;
    uint8_t to[20];
    memset(to, 0x5a, 20);
    json_t *fee = call(&c, "eth_gasPrice", json_array());
    uint64_t price = qty(fee) * 4 + 1000000000ull;
    json_decref(fee);
    for (int a = 0; a < NACCTS; a++) {
        uint8_t key[32], addr[20];
        zg_hex_decode(KEYS[a], 64, key);
        zg_secp_address(key, addr);
        json_t *n = call(&c, "eth_getTransactionCount", json_pack("[s,s]", cu_hex(addr, 20), "pending"));
        uint64_t nonce = qty(n);
        json_decref(n);
        jobs[a] = (sender_job){.port = t->port, .n = per};
        jobs[a].raws = calloc(per, sizeof *jobs[a].raws);
        for (size_t i = 0; i < per; i++) { /* signing happens before the clock starts */
            zg_tx tx;
            zg_tx_init(&tx);
            tx.type = ZG_TX_DYNAMIC_FEE;
            tx.has_chain_id = 1;
            tx.chain_id = CHAIN_ID;
            tx.nonce = nonce + i;
            tx.gas_limit = 21000;
            tx.max_fee_per_gas = tx.gas_price = zg_u256_from_u64(price);
            tx.max_priority_fee_per_gas = zg_u256_from_u64(1000000000ull);
            tx.has_to = 1;
            memcpy(tx.to, to, 20);
            tx.value = zg_u256_from_u64(1 + i);
            jobs[a].raws[i] = cu_sign_raw(&tx, key);
        }
    }
    (void)conns; /* one connection per sending account keeps nonces in order */
    double t0 = now_s();
    pthread_t th[NACCTS];
    for (int a = 0; a < NACCTS; a++) pthread_create(&th[a], NULL, send_worker, &jobs[a]);
    for (int a = 0; a < NACCTS; a++) pthread_join(th[a], NULL);
    /* done when each sender's last transaction has a receipt */
    size_t total = 0;
    for (int a = 0; a < NACCTS; a++) {
        total += jobs[a].sent;
        if (!jobs[a].sent) continue;
        for (int k = 0; k < 60000; k++) {
            json_t *r = call(&c, "eth_getTransactionReceipt", json_pack("[s]", jobs[a].last_hash));
            int done = json_is_object(r);
            json_decref(r);
            if (done) break;
            usleep(1000);
        }
    }
    double dt = now_s() - t0;
    for (int a = 0; a < NACCTS; a++) {
        for (size_t i = 0; i < per; i++) free(jobs[a].raws[i]);
        free(jobs[a].raws);
    }
    conn_close(&c);
    if (total != per * NACCTS) {
        fprintf(stderr, "%s: only %zu of %zu transfers were accepted\n", t->name, total, per * NACCTS);
        return -1;
    }
    return (double)total / dt;
}

/* ---- reads ---- */

/* A response in b[0..n) is complete: its Content-Length is there, or the
 * last chunk of a chunked body (Node's http) has arrived. */
static int response_complete(const char *b, size_t n)
{
    const char *e = memmem(b, n, "\r\n\r\n", 4);
    if (!e) return 0;
    size_t hend = (size_t)(e - b) + 4;
    const char *cl = memmem(b, hend, "Content-Length:", 15);
    if (!cl) cl = memmem(b, hend, "content-length:", 15);
    if (cl) return n >= hend + strtoul(cl + 15, NULL, 10);
    return n >= hend + 5 && memcmp(b + n - 5, "0\r\n\r\n", 5) == 0;
}

/* Reads are driven like wrk drives a server: one thread, `conns` keep-alive
 * connections in an epoll loop, one request outstanding on each.  (Blocking
 * threads would make every response wake a sleeping thread, a cost the
 * sender pays, and the benchmark would measure the client's wakeups.) */
static double bench_reads(target *t, const char *body, size_t n, int conns)
{
    if (conns < 1) conns = 1;
    if (conns > 256) conns = 256;
    size_t total = n / (size_t)conns * (size_t)conns, issued = 0, done = 0, okc = 0;
    char req[2048];
    int rl = snprintf(req, sizeof req,
                      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                      strlen(body), body);
    if (rl <= 0 || (size_t)rl >= sizeof req) return -1;
    int ep = epoll_create1(0);
    if (ep < 0) return -1;
    struct rconn {
        int fd;
        size_t n;
        char buf[16384];
    } *cs = calloc((size_t)conns, sizeof *cs);
    double t0 = now_s(), rate = -1;
    int nc = 0;
    for (; nc < conns; nc++) {
        conn c = {.fd = -1};
        if (conn_open(&c, t->port) != 0) goto out;
        free(c.buf);
        cs[nc].fd = c.fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)nc};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev) != 0) goto out;
    }
    t0 = now_s();
    for (int i = 0; i < nc && issued < total; i++, issued++)
        if (write(cs[i].fd, req, (size_t)rl) != rl) goto out;
    while (done < total) {
        struct epoll_event evs[256];
        int k = epoll_wait(ep, evs, 256, 10000);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            fprintf(stderr, "%s: no response in 10 s\n", t->name);
            goto out;
        }
        for (int e = 0; e < k; e++) {
            struct rconn *c = &cs[evs[e].data.u32];
            ssize_t r = read(c->fd, c->buf + c->n, sizeof c->buf - 1 - c->n);
            if (r <= 0) {
                if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                fprintf(stderr, "%s: connection closed during reads\n", t->name);
                goto out;
            }
            c->n += (size_t)r;
            c->buf[c->n] = 0;
            if (!response_complete(c->buf, c->n)) {
                if (c->n >= sizeof c->buf - 1) goto out;
                continue;
            }
            if (strstr(c->buf, "\"result\"")) okc++;
            done++;
            c->n = 0;
            if (issued < total) {
                if (write(c->fd, req, (size_t)rl) != rl) goto out;
                issued++;
            }
        }
    }
    rate = (double)okc / (now_s() - t0);
    if (okc != total) {
        fprintf(stderr, "%s: %zu of %zu reads failed\n", t->name, total - okc, total);
        rate = -1;
    }
out:
    for (int i = 0; i < nc; i++) close(cs[i].fd);
    free(cs);
    close(ep);
    return rate;
}

static char *deploy(target *t)
{
    conn c = {.fd = -1};
    if (conn_open(&c, t->port) != 0) return NULL;
    json_t *h = call(&c, "eth_sendTransaction",
                     json_pack("[{s:s,s:s,s:s}]", "from", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "data", CONTRACT,
                               "gas", "0x30000"));
    char *addr = NULL;
    for (int k = 0; h && k < 5000 && !addr; k++) {
        json_t *r = call(&c, "eth_getTransactionReceipt", json_pack("[O]", h));
        if (json_is_object(r)) addr = strdup(json_string_value(json_object_get(r, "contractAddress")) ?: "");
        json_decref(r);
        if (!addr) usleep(1000);
    }
    json_decref(h);
    conn_close(&c);
    return addr;
}

int main(int argc, char **argv)
{
    size_t ntx = 2000, nreads = 20000;
    int conns = 8;
    const char *kv = "memory";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--txs") && i + 1 < argc) ntx = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--reads") && i + 1 < argc) nreads = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--conns") && i + 1 < argc) conns = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--kv") && i + 1 < argc) kv = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--txs N] [--reads N] [--conns N] [--kv memory|leveldb]\n", argv[0]);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    if (!getenv("ZGNODE")) setenv("ZGNODE", "./zgnode", 0);
    if (!getenv("ZG_PLUGIN_PATH")) setenv("ZG_PLUGIN_PATH", ".plugins", 0);
    if (!getenv("ZG_BUILDDIR")) setenv("ZG_BUILDDIR", ".", 0);
    mkdir("tests", 0755);
    mkdir("tests/tmp", 0755);

    target tg[2];
    memset(tg, 0, sizeof tg);
    tg[0].name = "zgnode";
    tg[1].name = "hardhat";
    int have[2] = {0, 0};
    if (cu_config(&tg[0].zg, "bench-chain", kv, "mempool = { max_txs = 100000; max_per_sender = 100000; };",
                  NULL) == 0 &&
        cu_start(&tg[0].zg) == 0) {
        tg[0].port = tg[0].zg.port;
        have[0] = 1;
    } else {
        fprintf(stderr, "zgnode did not start (log %s)\n", tg[0].zg.log);
        return 1;
    }
    have[1] = start_hardhat(&tg[1]) == 0;
    printf("chain bench: %zu transfers, %zu reads per method, %d connections, zgnode kv %s\n", ntx, nreads, conns, kv);
    if (!have[1]) printf("hardhat: not available (run tests/e2e/run.sh once to install it); zgnode only\n");

    double res[2][4] = {{0}};
    for (int k = 0; k < 2; k++) {
        if (!have[k]) continue;
        target *t = &tg[k];
        res[k][0] = bench_transfers(t, ntx, conns);
        char *addr = deploy(t);
        char body[512];
        snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}");
        res[k][1] = bench_reads(t, body, nreads, conns);
        snprintf(body, sizeof body,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\",\"latest\"]}");
        res[k][2] = bench_reads(t, body, nreads, conns);
        snprintf(body, sizeof body,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":[{\"to\":\"%s\",\"data\":"
                 "\"0x00000000000000000000000000000000000000000000000000000000deadbeef\"},\"latest\"]}",
                 addr ? addr : "0x0000000000000000000000000000000000000000");
        res[k][3] = addr ? bench_reads(t, body, nreads, conns) : -1;
        free(addr);
    }
    static const char *const what[] = {"transfers/s (send -> sealed)", "eth_blockNumber req/s", "eth_getBalance req/s",
                                       "eth_call req/s"};
    printf("%-32s %14s %14s %10s\n", "", "zgnode", have[1] ? "hardhat" : "-", have[1] ? "ratio" : "");
    for (int m = 0; m < 4; m++) {
        if (have[1] && res[0][m] > 0 && res[1][m] > 0)
            printf("%-32s %14.0f %14.0f %9.1fx\n", what[m], res[0][m], res[1][m], res[0][m] / res[1][m]);
        else
            printf("%-32s %14.0f %14s\n", what[m], res[0][m], have[1] ? "failed" : "-");
    }
    for (int k = 0; k < 2; k++) stop_target(&tg[k]);
    return 0;
}
