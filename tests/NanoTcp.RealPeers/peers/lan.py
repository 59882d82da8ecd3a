#!/usr/bin/env python3
"""A hostile neighbour on the board's /24, for the real-peer suite's hostile-LAN tests.

Runs inside the test's network namespace with Debian's python3 (python3-scapy builds the frames);
frames go out on the TAP (AF_PACKET, layer 2) and nowhere else: the namespace does not forward.
Every frame carries the source MAC FORGED_MAC or one from FLOOD_MACS (02:00:00:66:xx:xx) so captures
can tell them from the kernel's own. Each command prints one JSON line when it ends.

  lan.py syn IFACE PORT RATE SECONDS     SYNs from random addresses of the /24 (never .1 or .2) to
                                         the board's PORT; RATE per second, 0 = as fast as this goes
  lan.py arp-flood IFACE RATE SECONDS    ARP requests from random /24 senders (random MACs) for
                                         random /24 addresses, one in four for the board's
  lan.py arp-claim IFACE IP RATE SECONDS gratuitous ARP requests and unsolicited replies to the board
                                         claiming IP for FORGED_MAC
"""
import json
import random
import socket
import sys
import time

BOARD = "192.168.77.2"
BOARD_MAC = "02:4e:54:00:00:02"
HOST = "192.168.77.1"
NET = "192.168.77."
FORGED_MAC = "02:00:00:66:66:66"
FRAMES = 1024  # distinct frames built up front, sent round-robin


def done(**result):
    print(json.dumps(result), flush=True)


def flood_mac(i):
    return "02:00:00:66:%02x:%02x" % ((i >> 8) & 0xFF, i & 0xFF)


def stranger(rng):
    """An address of the /24 that is neither the host (.1) nor the board (.2)."""
    return NET + str(rng.randint(3, 254))


def syn_frames(port, rng):
    from scapy.all import Ether, IP, TCP, raw
    return [raw(Ether(src=FORGED_MAC, dst=BOARD_MAC)
                / IP(src=stranger(rng), dst=BOARD, ttl=66, id=rng.randint(0, 65535))
                / TCP(sport=rng.randint(1024, 65535), dport=port, seq=rng.getrandbits(32), flags="S", window=64240,
                      options=[("MSS", 1460)]))
            for _ in range(FRAMES)]


def arp_flood_frames(rng):
    from scapy.all import Ether, ARP, raw
    out = []
    for i in range(FRAMES):
        mac = flood_mac(i)
        target = BOARD if i % 4 == 0 else stranger(rng)
        out.append(raw(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff")
                       / ARP(op=1, hwsrc=mac, psrc=stranger(rng), hwdst="00:00:00:00:00:00", pdst=target)))
    return out


def arp_claim_frames(ip):
    from scapy.all import Ether, ARP, raw
    gratuitous = raw(Ether(src=FORGED_MAC, dst="ff:ff:ff:ff:ff:ff")
                     / ARP(op=1, hwsrc=FORGED_MAC, psrc=ip, hwdst="00:00:00:00:00:00", pdst=ip))
    reply = raw(Ether(src=FORGED_MAC, dst=BOARD_MAC) / ARP(op=2, hwsrc=FORGED_MAC, psrc=ip, hwdst=BOARD_MAC, pdst=BOARD))
    return [gratuitous, reply]


def send(iface, frames, rate, seconds):
    """Sends frames round-robin at rate per second (0: flat out) for seconds; reports what it did."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    n = 0
    refused = 0
    t0 = time.monotonic()
    end = t0 + seconds
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if rate > 0:
            due = int((now - t0) * rate) + 1
            if n >= due:
                time.sleep(min(0.005, (n + 1) / rate - (now - t0)))
                continue
            batch = due - n
        else:
            batch = 256
        for _ in range(batch):
            try:
                s.send(frames[n % len(frames)])
            except OSError:
                refused += 1  # the TAP's queue is full: the wire is saturated
            n += 1
    elapsed = time.monotonic() - t0
    s.close()
    done(sent=n, refused=refused, seconds=round(elapsed, 3), rate=round(n / elapsed))


if __name__ == "__main__":
    rng = random.Random(6)
    cmd, args = sys.argv[1] if len(sys.argv) > 1 else "", sys.argv[2:]
    if cmd == "syn":
        send(args[0], syn_frames(int(args[1]), rng), float(args[2]), float(args[3]))
    elif cmd == "arp-flood":
        send(args[0], arp_flood_frames(rng), float(args[1]), float(args[2]))
    elif cmd == "arp-claim":
        send(args[0], arp_claim_frames(args[1]), float(args[2]), float(args[3]))
    else:
        raise SystemExit(__doc__)
