/*
 * The reference stack of the side-by-side bench: lwIP (Debian's liblwip-dev) serving TCP echo
 * (port 7) and discard (port 9) on a TAP interface, with the raw API, from lwIP's own thread
 * (tcpip_thread). Frames are read from the TAP by one thread and handed to lwIP; lwIP's output
 * goes straight to the TAP.
 *
 *   lwip_tap_server TAPNAME IPV4 MAC
 *
 * The TAP is created in the namespace the program runs in; the bench attaches it to its bridge.
 * stdin: "stats" prints one line of counters; end of input stops the program.
 * Retransmissions are counted at the link output as the bench counts them for NanoTcp: a TCP
 * segment carrying data whose end is at or below the highest sequence already sent on its flow.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "netif/etharp.h"
#include "netif/ethernet.h"

static int tap_fd = -1;
static struct netif tap_netif;
static unsigned char tap_mac[6];
static volatile int ready;

static volatile unsigned long frames_in, frames_out, retransmitted, echo_bytes, discard_bytes, connections;

/* ------------------------------------------------------------------ retransmission counter */

#define FLOWS 64
static struct flow { uint32_t key_ip; uint32_t key_ports; uint32_t high; int used; } flows[FLOWS];
static unsigned flow_next;

static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static void count_retransmission(const unsigned char *f, int len)
{
    if (len < 14 + 20 + 20 || f[12] != 0x08 || f[13] != 0x00 || f[14 + 9] != 6) return;
    int ihl = (f[14] & 0x0F) * 4;
    int total = f[16] << 8 | f[17];
    const unsigned char *t = f + 14 + ihl;
    int doff = (t[12] >> 4) * 4;
    int payload = total - ihl - doff;
    uint32_t seq = rd32(t + 4);
    uint32_t ip = rd32(f + 14 + 16), ports = rd32(t);
    int syn_fin = (t[13] & 0x03) != 0;
    if (payload <= 0 && !syn_fin) return;
    uint32_t end = seq + (uint32_t)payload + (syn_fin ? 1 : 0);
    struct flow *fl = NULL;
    for (int i = 0; i < FLOWS; i++) {
        if (flows[i].used && flows[i].key_ip == ip && flows[i].key_ports == ports) { fl = &flows[i]; break; }
    }
    if (fl == NULL || (t[13] & 0x02)) { /* a new flow (or a new SYN on a reused one) */
        if (fl == NULL) fl = &flows[flow_next++ % FLOWS];
        fl->used = 1; fl->key_ip = ip; fl->key_ports = ports; fl->high = end;
        return;
    }
    if ((int32_t)(end - fl->high) <= 0) retransmitted++;
    else fl->high = end;
}

/* ------------------------------------------------------------------ the TAP netif */

static err_t tap_linkoutput(struct netif *netif, struct pbuf *p)
{
    unsigned char buf[1600];
    (void)netif;
    u16_t len = pbuf_copy_partial(p, buf, sizeof buf, 0);
    count_retransmission(buf, len);
    if (write(tap_fd, buf, len) == (ssize_t)len) frames_out++;
    return ERR_OK;
}

static err_t tap_netif_init(struct netif *netif)
{
    netif->name[0] = 't';
    netif->name[1] = 'p';
    netif->output = etharp_output;
    netif->linkoutput = tap_linkoutput;
    netif->mtu = 1500;
    netif->hwaddr_len = 6;
    memcpy(netif->hwaddr, tap_mac, 6);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

static void *tap_reader(void *arg)
{
    (void)arg;
    unsigned char buf[2048];
    for (;;) {
        ssize_t n = read(tap_fd, buf, sizeof buf);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EBADF) return NULL;
            continue;
        }
        frames_in++;
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM); /* one contiguous buffer */
        if (p == NULL) continue;
        pbuf_take(p, buf, (u16_t)n);
        if (tap_netif.input(p, &tap_netif) != ERR_OK) pbuf_free(p);
    }
}

static int tap_open(const char *name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) { perror("lwip_tap_server: /dev/net/tun"); return -1; }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("lwip_tap_server: TUNSETIFF"); close(fd); return -1; }
    return fd;
}

/* ------------------------------------------------------------------ echo (7) and discard (9) */

struct echo_state { struct pbuf *pending; u16_t offset; int peer_closed; };

static void echo_free(struct tcp_pcb *pcb, struct echo_state *es)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    if (es) {
        if (es->pending) pbuf_free(es->pending);
        free(es);
    }
}

/* Sends what the send buffer takes of what was received; the window opens by what left. */
static void echo_flush(struct tcp_pcb *pcb, struct echo_state *es)
{
    u32_t moved = 0;
    while (es->pending) {
        struct pbuf *q = es->pending;
        u16_t room = tcp_sndbuf(pcb);
        u16_t avail = q->len - es->offset;
        u16_t n = avail < room ? avail : room;
        if (n == 0) break;
        if (tcp_write(pcb, (u8_t *)q->payload + es->offset, n, TCP_WRITE_FLAG_COPY) != ERR_OK) break;
        es->offset += n;
        moved += n;
        if (es->offset == q->len) {
            es->pending = q->next;
            if (es->pending) pbuf_ref(es->pending);
            pbuf_free(q);
            es->offset = 0;
        }
    }
    if (moved) {
        echo_bytes += moved;
        tcp_recved(pcb, (u16_t)moved);
        tcp_output(pcb);
    }
    if (es->peer_closed && es->pending == NULL) {
        echo_free(pcb, es);
        if (tcp_close(pcb) != ERR_OK) tcp_abort(pcb);
    }
}

static err_t echo_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct echo_state *es = arg;
    (void)err;
    if (p == NULL) {
        es->peer_closed = 1;
        echo_flush(pcb, es);
        return ERR_OK;
    }
    if (es->pending) pbuf_cat(es->pending, p);
    else es->pending = p;
    echo_flush(pcb, es);
    return ERR_OK;
}

static err_t echo_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)len;
    if (arg) echo_flush(pcb, arg);
    return ERR_OK;
}

static void echo_error(void *arg, err_t err)
{
    struct echo_state *es = arg;
    (void)err;
    if (es) {
        if (es->pending) pbuf_free(es->pending);
        free(es);
    }
}

static err_t echo_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL) return ERR_VAL;
    struct echo_state *es = calloc(1, sizeof *es);
    if (es == NULL) return ERR_MEM;
    connections++;
    tcp_arg(pcb, es);
    tcp_recv(pcb, echo_recv);
    tcp_sent(pcb, echo_sent);
    tcp_err(pcb, echo_error);
    return ERR_OK;
}

static err_t discard_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (p == NULL) {
        tcp_recv(pcb, NULL);
        if (tcp_close(pcb) != ERR_OK) tcp_abort(pcb);
        return ERR_OK;
    }
    discard_bytes += p->tot_len;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t discard_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL) return ERR_VAL;
    connections++;
    tcp_recv(pcb, discard_recv);
    return ERR_OK;
}

static void listen_on(u16_t port, tcp_accept_fn accept)
{
    struct tcp_pcb *pcb = tcp_new();
    if (pcb == NULL || tcp_bind(pcb, IP_ADDR_ANY, port) != ERR_OK) {
        fprintf(stderr, "lwip_tap_server: cannot bind port %u\n", port);
        exit(1);
    }
    pcb = tcp_listen(pcb);
    tcp_accept(pcb, accept);
}

static ip4_addr_t address, netmask, gateway;

static void start(void *arg)
{
    (void)arg;
    netif_add(&tap_netif, &address, &netmask, &gateway, NULL, tap_netif_init, tcpip_input);
    netif_set_default(&tap_netif);
    netif_set_up(&tap_netif);
    listen_on(7, echo_accept);
    listen_on(9, discard_accept);
    ready = 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: lwip_tap_server TAPNAME IPV4 MAC\n");
        return 2;
    }
    unsigned m[6];
    if (!ip4addr_aton(argv[2], &address)
        || sscanf(argv[3], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6) {
        fprintf(stderr, "lwip_tap_server: bad address or MAC\n");
        return 2;
    }
    for (int i = 0; i < 6; i++) tap_mac[i] = (unsigned char)m[i];
    IP4_ADDR(&netmask, 255, 255, 255, 0);
    IP4_ADDR(&gateway, 0, 0, 0, 0);
    tap_fd = tap_open(argv[1]);
    if (tap_fd < 0) return 1;

    tcpip_init(start, NULL);
    while (!ready) usleep(1000);
    pthread_t reader;
    pthread_create(&reader, NULL, tap_reader, NULL);
    printf("lwip %s on %s %s (TCP_WND %d, TCP_SND_BUF %d, TCP_MSS %d)\n", LWIP_VERSION_STRING, argv[1], argv[2], TCP_WND, TCP_SND_BUF, TCP_MSS);
    fflush(stdout);

    char line[128];
    while (fgets(line, sizeof line, stdin)) {
        if (strncmp(line, "stats", 5) == 0) {
            printf("lwip frames-in %lu frames-out %lu retransmitted %lu connections %lu echoed %lu discarded %lu\n",
                   frames_in, frames_out, retransmitted, connections, echo_bytes, discard_bytes);
            fflush(stdout);
        }
    }
    return 0;
}
