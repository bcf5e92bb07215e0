/* tests/chain_util.c — see chain_util.h */
#include "config.h"
#include "chain_util.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zg/hex.h>
#include <zg/secp.h>

static const char *const dev_keys[] = {
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
};

void cu_dev_key(int i, uint8_t key[32], uint8_t addr[20])
{
    zg_hex_decode(dev_keys[i & 3], 64, key);
    zg_secp_address(key, addr);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int cu_config(cu_node *n, const char *tag, const char *kv, const char *chain_cfg, const char *cons_cfg)
{
    memset(n, 0, sizeof *n);
    const char *b = getenv("ZG_BUILDDIR");
    snprintf(n->dir, sizeof n->dir, "%s/tests/tmp/%s-%d", b ? b : ".", tag, (int)getpid());
    char cmd[2200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", n->dir, n->dir);
    if (system(cmd) != 0) return -1;
    snprintf(n->conf, sizeof n->conf, "%s/node.conf", n->dir);
    snprintf(n->log, sizeof n->log, "%s/node.log", n->dir);
    FILE *f = fopen(n->conf, "w");
    if (!f) return -1;
    fprintf(f,
            "node: { datadir = \"%s/data\"; log_level = \"info\"; };\n"
            "rpc: { port = 0; ws_port = 0; };\n"
            "plugins = (\n"
            "  { kind = \"kv\"; name = \"%s\"; },\n"
            "  { kind = \"executor\"; name = \"evm\"; },\n"
            "  { kind = \"consensus\"; name = \"dev\"; config = { %s }; },\n"
            "  { kind = \"service\"; name = \"chain\"; config = { %s }; }\n"
            ");\n",
            n->dir, kv, cons_cfg ? cons_cfg : "", chain_cfg ? chain_cfg : "");
    fclose(f);
    return 0;
}

int cu_start(cu_node *n)
{
    char pf[1200];
    snprintf(pf, sizeof pf, "%s/data/rpc.port", n->dir);
    unlink(pf);
    const char *zg = getenv("ZGNODE");
    if (!zg) zg = "./zgnode";
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        FILE *lf = fopen(n->log, "a");
        if (lf) {
            dup2(fileno(lf), 1);
            dup2(fileno(lf), 2);
        }
        execl(zg, zg, "--config", n->conf, (char *)NULL);
        _exit(127);
    }
    n->pid = pid;
    for (int i = 0; i < 400; i++) {
        FILE *f = fopen(pf, "r");
        if (f) {
            int port = 0;
            if (fscanf(f, "%d", &port) == 1 && port > 0) {
                fclose(f);
                n->port = port;
                return 0;
            }
            fclose(f);
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            n->pid = 0;
            return -1;
        }
        sleep_ms(25);
    }
    return -1;
}

int cu_stop(cu_node *n)
{
    if (!n->pid) return -1;
    kill(n->pid, SIGTERM);
    int st = 0;
    waitpid(n->pid, &st, 0);
    n->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void cu_kill(cu_node *n)
{
    if (!n->pid) return;
    kill(n->pid, SIGKILL);
    waitpid(n->pid, NULL, 0);
    n->pid = 0;
}

char *cu_post(int port, const char *body, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return NULL;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return NULL;
    }
    char head[256];
    int hl = snprintf(head, sizeof head,
                      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      len);
    size_t off = 0;
    /* MSG_NOSIGNAL: a node killed mid-request (chain_crash) must not SIGPIPE us */
    if (send(fd, head, (size_t)hl, MSG_NOSIGNAL) != hl) goto fail;
    while (off < len) {
        ssize_t w = send(fd, body + off, len - off, MSG_NOSIGNAL);
        if (w <= 0) goto fail;
        off += (size_t)w;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (!buf) goto fail;
    for (;;) {
        if (n + 4096 > cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                goto fail;
            }
            buf = nb;
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    char *b = strstr(buf, "\r\n\r\n");
    char *out = b ? strdup(b + 4) : NULL;
    free(buf);
    return out;
fail:
    close(fd);
    return NULL;
}

json_t *cu_call(cu_node *n, const char *method, json_t *params)
{
    static int id;
    json_t *req = json_pack("{s:s,s:i,s:s,s:o}", "jsonrpc", "2.0", "id", __atomic_add_fetch(&id, 1, __ATOMIC_RELAXED), "method", method, "params",
                            params ? params : json_array());
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    char *resp = cu_post(n->port, body, strlen(body));
    free(body);
    if (!resp) return NULL;
    json_t *r = json_loads(resp, 0, NULL);
    free(resp);
    return r;
}

json_t *cu_result(cu_node *n, const char *method, json_t *params)
{
    json_t *r = cu_call(n, method, params);
    json_t *res = r ? json_object_get(r, "result") : NULL;
    if (res) json_incref(res);
    json_decref(r);
    return res;
}

char *cu_sign_raw(zg_tx *tx, const uint8_t key[32])
{
    if (zg_tx_sign(tx, key) != ZG_OK) return NULL;
    zg_rlp_buf b;
    zg_rlp_buf_init(&b);
    zg_tx_encode(tx, &b);
    char *s = zg_data_encode(b.data, b.len);
    zg_rlp_buf_free(&b);
    return s;
}

char *cu_transfer(int from, uint64_t nonce, const uint8_t to[20], uint64_t value, uint64_t chain_id)
{
    uint8_t key[32], addr[20];
    cu_dev_key(from, key, addr);
    zg_tx tx;
    zg_tx_init(&tx);
    tx.type = ZG_TX_DYNAMIC_FEE;
    tx.has_chain_id = 1;
    tx.chain_id = chain_id;
    tx.nonce = nonce;
    tx.gas_limit = 21000;
    tx.max_fee_per_gas = tx.gas_price = zg_u256_from_u64(10000000000ull);
    tx.max_priority_fee_per_gas = zg_u256_from_u64(1000000000ull);
    tx.has_to = 1;
    memcpy(tx.to, to, 20);
    tx.value = zg_u256_from_u64(value);
    return cu_sign_raw(&tx, key);
}

uint64_t cu_u64(const json_t *j)
{
    uint64_t v = 0;
    if (zg_json_get_quantity_u64(j, &v) == ZG_OK) return v;
    /* a 32-byte DATA word (eth_call, eth_getStorageAt): its low 64 bits */
    uint8_t w[32];
    size_t n;
    if (zg_json_get_data(j, w, 32, &n) != ZG_OK) return 0;
    for (size_t i = n > 8 ? n - 8 : 0; i < n; i++) v = v << 8 | w[i];
    return v;
}

const char *cu_hex(const void *p, size_t n)
{
    static char bufs[8][2 * 1024 + 3];
    static int k;
    char *b = bufs[k++ & 7];
    if (n > 1024) n = 1024;
    b[0] = '0', b[1] = 'x';
    zg_hex_encode(p, n, b + 2);
    return b;
}

json_t *cu_wait_receipt(cu_node *n, const char *hash)
{
    for (int i = 0; i < 500; i++) {
        json_t *r = cu_result(n, "eth_getTransactionReceipt", json_pack("[s]", hash));
        if (r && !json_is_null(r)) return r;
        json_decref(r);
        sleep_ms(10);
    }
    return NULL;
}
