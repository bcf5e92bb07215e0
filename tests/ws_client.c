/* A minimal WebSocket client for the core tests.
 *   ws_client PORT [-t TOKEN] [-n NOTIFICATIONS] [-w SECONDS] [-r RAWHANDSHAKE] MESSAGE...
 * Sends each MESSAGE as a masked text frame, waits for one reply each, then
 * for NOTIFICATIONS more messages; prints every message received on its own
 * line.  "@big:N" sends N bytes of spaces.  Exit 0 if everything expected
 * arrived, 3 if the server closed the connection (close code printed). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fd;
static unsigned char buf[1 << 22];
static size_t have;
static int wait_s = 5;

static int fill(void)
{
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, wait_s * 1000) <= 0) return -1;
    ssize_t r = read(fd, buf + have, sizeof buf - have);
    if (r <= 0) return -1;
    have += (size_t)r;
    return 0;
}

static void send_frame(int op, const void *data, size_t len)
{
    unsigned char h[14], mask[4] = {0x12, 0x34, 0x56, 0x78};
    size_t hl = 2;
    h[0] = (unsigned char)(0x80 | op);
    if (len < 126) h[1] = (unsigned char)(0x80 | len);
    else if (len < 65536) { h[1] = 0x80 | 126; h[2] = (unsigned char)(len >> 8); h[3] = (unsigned char)len; hl = 4; }
    else { h[1] = 0x80 | 127; for (int i = 0; i < 8; i++) h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i)); hl = 10; }
    memcpy(h + hl, mask, 4);
    hl += 4;
    unsigned char *m = malloc(len + hl);
    memcpy(m, h, hl);
    for (size_t i = 0; i < len; i++) m[hl + i] = ((const unsigned char *)data)[i] ^ mask[i & 3];
    size_t off = 0;
    while (off < len + hl) {
        ssize_t w = write(fd, m + off, len + hl - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    free(m);
}

/* read one message; returns opcode or -1 */
static int recv_msg(void)
{
    for (;;) {
        if (have >= 2) {
            size_t plen = buf[1] & 0x7f, hl = 2;
            if (plen == 126) { if (have < 4) goto more; plen = (size_t)buf[2] << 8 | buf[3]; hl = 4; }
            else if (plen == 127) { if (have < 10) goto more; plen = 0; for (int i = 0; i < 8; i++) plen = plen << 8 | buf[2 + i]; hl = 10; }
            if (have >= hl + plen) {
                int op = buf[0] & 0x0f;
                if (op == 8) printf("CLOSE %d %.*s\n", plen >= 2 ? buf[hl] << 8 | buf[hl + 1] : 0, plen > 2 ? (int)plen - 2 : 0, buf + hl + 2);
                else if (op == 1) printf("%.*s\n", (int)plen, buf + hl);
                else if (op == 0xA) printf("PONG %.*s\n", (int)plen, buf + hl);
                memmove(buf, buf + hl + plen, have - hl - plen);
                have -= hl + plen;
                fflush(stdout);
                return op;
            }
        }
    more:
        if (fill() != 0) return -1;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) return 2;
    int port = atoi(argv[1]), notes = 0;
    const char *token = NULL, *raw = NULL;
    int i = 2;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i += 2) {
        if (i + 1 >= argc) return 2;
        if (!strcmp(argv[i], "-t")) token = argv[i + 1];
        else if (!strcmp(argv[i], "-n")) notes = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-w")) wait_s = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-r")) raw = argv[i + 1];
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); return 1; }
    char req[1024];
    int n = raw ? snprintf(req, sizeof req, "%s", raw)
                : snprintf(req, sizeof req,
                           "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n%s%s%s\r\n",
                           token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "");
    if (write(fd, req, (size_t)n) != n) return 1;
    /* the handshake response */
    for (;;) {
        buf[have] = 0;
        char *e = strstr((char *)buf, "\r\n\r\n");
        if (e) {
            size_t hl = (size_t)(e + 4 - (char *)buf);
            printf("%.*s\n", (int)(strchr((char *)buf, '\r') - (char *)buf), buf);
            int up = strncmp((char *)buf, "HTTP/1.1 101", 12) == 0;
            /* RFC 6455's sample key has this accept value */
            if (up && !strstr((char *)buf, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")) return 4;
            memmove(buf, buf + hl, have - hl);
            have -= hl;
            if (!up) return 5;
            break;
        }
        if (fill() != 0) return 1;
    }
    for (; i < argc; i++) {
        if (!strncmp(argv[i], "@big:", 5)) {
            size_t len = strtoul(argv[i] + 5, NULL, 10);
            char *b = malloc(len);
            memset(b, ' ', len);
            send_frame(1, b, len);
            free(b);
        } else if (!strcmp(argv[i], "@ping")) {
            send_frame(9, "hi", 2);
        } else if (!strcmp(argv[i], "@frag")) { /* a JSON request split over three frames */
            const char *m = "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"zg_version\"}";
            unsigned char h0 = 0x01, h1 = 0x00;
            (void)h0; (void)h1;
            /* non-final text, continuation, final continuation */
            size_t l = strlen(m), a1 = 10, a2 = 20;
            unsigned char mask[4] = {1, 2, 3, 4}, f[128];
            const size_t parts[3][2] = {{0, a1}, {a1, a2}, {a2, l}};
            for (int k = 0; k < 3; k++) {
                size_t pl = parts[k][1] - parts[k][0];
                f[0] = (unsigned char)((k == 2 ? 0x80 : 0) | (k == 0 ? 1 : 0));
                f[1] = (unsigned char)(0x80 | pl);
                memcpy(f + 2, mask, 4);
                for (size_t j = 0; j < pl; j++) f[6 + j] = (unsigned char)m[parts[k][0] + j] ^ mask[j & 3];
                if (write(fd, f, 6 + pl) != (ssize_t)(6 + pl)) return 1;
            }
        } else {
            send_frame(1, argv[i], strlen(argv[i]));
        }
        int op = recv_msg();
        if (op < 0) return 1;
        if (op == 8) return 3;
    }
    for (int k = 0; k < notes; k++) {
        int op = recv_msg();
        if (op < 0) return 1;
        if (op == 8) return 3;
    }
    send_frame(8, "\x03\xe8", 2);
    recv_msg();
    close(fd);
    return 0;
}
