/*
 * The reference receiver of the side-by-side bench: the Linux kernel's own TCP serving discard
 * (port 9) and echo (port 7), its receive buffer sized and its window clamped (SO_RCVBUF,
 * TCP_WINDOW_CLAMP) so that it offers what the stack under test offers. Runs in a namespace of the bench's own, behind the
 * same bridge and the same loss rule as the stacks, so that "kernel -> kernel" shows what the
 * sender allows at that window and loss rate.
 *
 *   kernel_server IPV4 WINDOW
 *
 * Prints "kernel_server listening on IPV4 window WINDOW" when ready; one child process per
 * connection; stops when stdin ends.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_on(const char *ip, int port, int window)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        perror("socket");
        exit(1);
    }
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    /* The receive buffer sized so that the SYN-ACK already offers the window, so that the sender
       bounds its segments to it as it does for the stacks (the kernel doubles the value and offers
       about half of it); accepted connections inherit it. The kernel offers its window in whole
       segments (receiver SWS avoidance): asked for 2 KB, it offers 1448 or 2896 B, which the
       client reports (snd_wnd). */
    int rcvbuf = window < 8192 ? 2 * window : window;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
        fprintf(stderr, "kernel_server: bad address %s\n", ip);
        exit(2);
    }
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 64) < 0) {
        perror("bind/listen");
        exit(1);
    }
    return s;
}

static void serve(int c, int echo, int window)
{
    static char buf[65536];
    /* A listener's window clamp is not inherited by the connections it accepts: clamp each one. */
    if (setsockopt(c, IPPROTO_TCP, TCP_WINDOW_CLAMP, &window, sizeof window) < 0) {
        perror("TCP_WINDOW_CLAMP");
        _exit(1);
    }
    for (;;) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        if (echo) {
            ssize_t off = 0;
            while (off < n) {
                ssize_t w = send(c, buf + off, n - off, 0);
                if (w <= 0) _exit(0);
                off += w;
            }
        }
    }
    close(c);
    _exit(0);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: kernel_server IPV4 WINDOW\n");
        return 2;
    }
    int window = atoi(argv[2]);
    signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
    struct pollfd p[3] = {
        { listen_on(argv[1], 9, window), POLLIN, 0 },
        { listen_on(argv[1], 7, window), POLLIN, 0 },
        { 0, POLLIN, 0 },
    };
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("kernel_server listening on %s window %d\n", argv[1], window);
    for (;;) {
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR) continue;
            perror("poll");
            return 1;
        }
        if (p[2].revents) {
            char line[64];
            if (read(0, line, sizeof line) <= 0) return 0;
        }
        for (int i = 0; i < 2; i++) {
            if (!(p[i].revents & POLLIN)) continue;
            int c = accept(p[i].fd, NULL, NULL);
            if (c < 0) continue;
            pid_t pid = fork();
            if (pid == 0) {
                close(p[0].fd);
                close(p[1].fd);
                serve(c, i == 1, window);
            }
            close(c);
        }
    }
}
