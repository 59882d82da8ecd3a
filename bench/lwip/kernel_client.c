/*
 * The client side of the side-by-side bench: the Linux kernel's TCP, driven with as little user
 * space in the way as possible. Runs inside the bench's client namespace; prints one line of
 * key=value pairs per run.
 *
 *   kernel_client conn    HOST COUNT      COUNT x (connect, 64 B to echo, 64 B back, close): conn/s
 *   kernel_client rtt     HOST COUNT [SIZE]  SIZE-byte (1) echo round trips on one connection: us min/median/max
 *   kernel_client wrtt    HOST COUNT SIZE    window round trips: SIZE bytes to discard, then wait (spinning on
 *                                         TCP_INFO) until the peer has acknowledged them all: us min/median/max
 *   kernel_client discard HOST SECONDS    send to discard for SECONDS, then FIN; MiB/s until the peer's FIN
 *                                         (stalled=1: no FIN within 30 s; MiB/s of what was acknowledged by then)
 *   kernel_client echo    HOST SECONDS    send to echo for SECONDS while reading it back; MiB/s echoed
 *
 * discard and echo also print the connection's TCP_INFO as `ss -tin` shows it (retrans, rtt, mss,
 * cwnd, the peer's window) taken when the transfer ends. Every wait is bounded (30 s); a failure prints error=... and exits 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <linux/tcp.h> /* struct tcp_info with tcpi_bytes_acked */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in peer;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *what)
{
    printf("error=%s:%s\n", what, strerror(errno));
    exit(1);
}

static int connect_to(int port, int nodelay)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) fail("socket");
    struct timeval tv = { 30, 0 };
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (nodelay) {
        int one = 1;
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    peer.sin_port = htons(port);
    if (connect(s, (struct sockaddr *)&peer, sizeof peer) < 0) fail("connect");
    return s;
}

static void read_exactly(int s, char *buf, int n)
{
    int got = 0;
    while (got < n) {
        ssize_t r = recv(s, buf + got, n - got, 0);
        if (r <= 0) fail(r == 0 ? "eof" : "recv");
        got += r;
    }
}

static void print_tcp_info(int s)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
        printf(" retrans=%u rtt_us=%u rto_ms=%u mss=%u cwnd=%u snd_wnd=%u", ti.tcpi_total_retrans, ti.tcpi_rtt, ti.tcpi_rto / 1000,
               ti.tcpi_snd_mss, ti.tcpi_snd_cwnd, ti.tcpi_snd_wnd);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int run_conn(int count)
{
    char out[64], in[64];
    memset(out, 'c', sizeof out);
    double t0 = now_s();
    for (int i = 0; i < count; i++) {
        int s = connect_to(7, 1);
        if (send(s, out, sizeof out, 0) != sizeof out) fail("send");
        read_exactly(s, in, sizeof in);
        close(s);
    }
    double dt = now_s() - t0;
    printf("conn_per_s=%.1f count=%d seconds=%.3f\n", count / dt, count, dt);
    return 0;
}

static void print_round_trips(double *t, int count, int size)
{
    qsort(t, count, sizeof(double), cmp_double);
    printf("rtt_us_median=%.1f rtt_us_min=%.1f rtt_us_max=%.1f count=%d size=%d\n", t[count / 2], t[0], t[count - 1], count, size);
}

static int run_rtt(int count, int size)
{
    static char buf[65536];
    if (size < 1 || size > (int)sizeof buf) size = 1;
    memset(buf, 'x', size);
    int s = connect_to(7, 1);
    double *t = malloc(sizeof(double) * count);
    for (int i = 0; i < count; i++) {
        double t0 = now_s();
        if (send(s, buf, size, 0) != size) fail("send");
        read_exactly(s, buf, size);
        t[i] = (now_s() - t0) * 1e6;
    }
    close(s);
    print_round_trips(t, count, size);
    return 0;
}

/* What one turn of a window-limited transfer costs: a window's worth of data out, and the peer's
   acknowledgment of all of it back (seen in TCP_INFO's bytes_acked, polled without sleeping). */
static int run_window_rtt(int count, int size)
{
    static char buf[65536];
    if (size < 1 || size > (int)sizeof buf) size = 1;
    memset(buf, 'w', size);
    int s = connect_to(9, 1);
    double *t = malloc(sizeof(double) * count);
    unsigned long long acked = 0;
    struct tcp_info ti;
    socklen_t len;
    len = sizeof ti;
    if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0) fail("tcp_info");
    acked = ti.tcpi_bytes_acked;
    for (int i = 0; i < count; i++) {
        double t0 = now_s();
        if (send(s, buf, size, 0) != size) fail("send");
        acked += size;
        do {
            len = sizeof ti;
            if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0) fail("tcp_info");
            if (now_s() - t0 > 30) {
                errno = ETIMEDOUT;
                fail("window-not-acknowledged");
            }
        } while (ti.tcpi_bytes_acked < acked);
        t[i] = (now_s() - t0) * 1e6;
    }
    close(s);
    print_round_trips(t, count, size);
    return 0;
}

static int run_discard(double seconds)
{
    static char buf[65536];
    memset(buf, 'd', sizeof buf);
    int s = connect_to(9, 0);
    double t0 = now_s(), stop = t0 + seconds;
    long long sent = 0;
    while (now_s() < stop) {
        ssize_t n = send(s, buf, sizeof buf, 0);
        if (n <= 0) fail("send");
        sent += n;
    }
    shutdown(s, SHUT_WR);
    char sink[256];
    ssize_t r;
    while ((r = recv(s, sink, sizeof sink, 0)) > 0) {
    }
    double dt = now_s() - t0;
    if (r < 0) {
        /* No FIN from the stack within the receive timeout: report what was delivered by then
           (the kernel's bytes_acked), and reset the connection so that it frees the stack's slot. */
        struct tcp_info ti;
        socklen_t len = sizeof ti;
        memset(&ti, 0, sizeof ti);
        getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len);
        long long acked = (long long)ti.tcpi_bytes_acked;
        printf("stalled=1 mib_per_s=%.2f bytes=%lld seconds=%.3f", acked / dt / 1048576.0, acked, dt);
        print_tcp_info(s);
        printf("\n");
        struct linger lg = { 1, 0 };
        setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        close(s);
        return 0;
    }
    printf("stalled=0 mib_per_s=%.2f bytes=%lld seconds=%.3f", sent / dt / 1048576.0, sent, dt);
    print_tcp_info(s);
    printf("\n");
    close(s);
    return 0;
}

static int run_echo(double seconds)
{
    static char out[65536], in[65536];
    memset(out, 'e', sizeof out);
    int s = connect_to(7, 0);
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
    double t0 = now_s(), stop = t0 + seconds, last_progress = t0;
    long long sent = 0, received = 0;
    int shut = 0;
    for (;;) {
        double t = now_s();
        if (!shut && t >= stop) {
            shutdown(s, SHUT_WR);
            shut = 1;
        }
        struct pollfd p = { s, (short)(POLLIN | (shut ? 0 : POLLOUT)), 0 };
        if (poll(&p, 1, 100) < 0 && errno != EINTR) fail("poll");
        if (p.revents & POLLOUT) {
            ssize_t n = send(s, out, sizeof out, 0);
            if (n > 0) sent += n;
            else if (n < 0 && errno != EAGAIN) fail("send");
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = recv(s, in, sizeof in, 0);
            if (n > 0) {
                received += n;
                last_progress = now_s();
            } else if (n == 0) {
                break;
            } else if (errno != EAGAIN) {
                fail("recv");
            }
        }
        if (now_s() - last_progress > 30) {
            errno = ETIMEDOUT;
            fail("echo-stalled");
        }
    }
    double dt = now_s() - t0;
    if (received != sent) printf("error=echoed-%lld-of-%lld ", received, sent);
    printf("mib_per_s=%.2f bytes=%lld seconds=%.3f", received / dt / 1048576.0, received, dt);
    print_tcp_info(s);
    printf("\n");
    close(s);
    return received == sent ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: kernel_client conn|rtt|wrtt|discard|echo HOST N [SIZE]\n");
        return 2;
    }
    peer.sin_family = AF_INET;
    if (inet_pton(AF_INET, argv[2], &peer.sin_addr) != 1) {
        fprintf(stderr, "kernel_client: bad address %s\n", argv[2]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(argv[1], "conn") == 0) return run_conn(atoi(argv[3]));
    int size = argc == 5 ? atoi(argv[4]) : 1;
    if (strcmp(argv[1], "rtt") == 0) return run_rtt(atoi(argv[3]), size);
    if (strcmp(argv[1], "wrtt") == 0) return run_window_rtt(atoi(argv[3]), size);
    if (strcmp(argv[1], "discard") == 0) return run_discard(atof(argv[3]));
    if (strcmp(argv[1], "echo") == 0) return run_echo(atof(argv[3]));
    fprintf(stderr, "kernel_client: unknown mode %s\n", argv[1]);
    return 2;
}
