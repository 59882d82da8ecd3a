#!/usr/bin/env python3
"""Hostile peers for the real-peer suite: frames forged with scapy, and a kernel client to attack.

Runs inside the test's network namespace with Debian's python3 (python3-scapy). Forged frames go
out on the TAP (sendp, layer 2) straight to the board's MAC; every one of them carries the source
MAC FORGED_MAC and IP TTL FORGED_TTL so that captures can tell them from the kernel's own.
Nothing is ever sent anywhere but the board's TAP link. Every command prints JSON lines.

  hostile.py burst IFACE KIND COUNT      COUNT frames of one kind, then one marker ping
  hostile.py forge IFACE SPORT DPORT FLAGS SEQ ACK [DATA]
                                         one segment from the kernel's address and port
  hostile.py client PORT                 a kernel client: connects, echoes a line, prints
                                         {"local_port": ...}, then obeys stdin: "echo TEXT", "quit"
"""
import json
import select
import socket
import subprocess
import sys

BOARD = "192.168.77.2"
BOARD_MAC = "02:4e:54:00:00:02"
HOST = "192.168.77.1"
FORGED_MAC = "02:00:00:66:66:66"
FORGED_TTL = 66
FORGED_PORT_BASE = 20000  # below Linux's ephemeral range: never one of the kernel's own connections
MARKER_ID = 0x6666


def done(**result):
    print(json.dumps(result), flush=True)


def frames(kind, count):
    """The frames of a burst: a list of (bytes, note)."""
    # Imported here: scapy takes a second to load and the client command does not need it.
    from scapy.all import Ether, IP, TCP, Raw, raw

    def eth(dst=BOARD_MAC):
        return Ether(src=FORGED_MAC, dst=dst)

    def ip(**kw):
        kw.setdefault("src", HOST)
        kw.setdefault("dst", BOARD)
        return IP(ttl=FORGED_TTL, **kw)

    def syn(i, dport=7, **kw):
        return TCP(sport=FORGED_PORT_BASE + i, dport=dport, seq=0x66000000 + i, flags="S", window=4096, **kw)

    def with_bad_checksum(pkt, layer):
        good = pkt.__class__(raw(pkt))[layer].chksum
        pkt[layer].chksum = good ^ 0x5555
        return raw(pkt)

    out = []
    for i in range(count):
        if kind == "eth-header-only":
            # A bare Ethernet header saying IPv4: the sender's padding is all the IP packet there is.
            f = raw(Ether(src=FORGED_MAC, dst=BOARD_MAC, type=0x0800))
        elif kind == "ip-truncated":
            if i % 2 == 0:
                f = raw(eth() / ip(len=1000) / syn(i))  # total length far past the frame
            else:
                f = raw(eth() / ip(ihl=15, proto=6))  # a 60-byte header in a minimum frame
        elif kind == "bad-ihl":
            f = raw(eth() / ip(ihl=4) / syn(i))
        elif kind == "bad-ip-checksum":
            f = with_bad_checksum(eth() / ip() / syn(i), IP)
        elif kind == "tcp-truncated":
            # 12 or 16 of the 20 bytes.
            f = raw(eth() / ip(proto=6) / Raw(raw(syn(i))[:12 if i % 2 == 0 else 16]))
        elif kind == "bad-tcp-data-offset":
            # Headers longer than the segment (24 and 60 bytes in 20) and shorter than a TCP header (8 bytes).
            f = raw(eth() / ip() / syn(i, dataofs=(6, 15, 2)[i % 3]))
        elif kind == "bad-tcp-checksum":
            f = with_bad_checksum(eth() / ip() / syn(i), TCP)
        elif kind == "tcp-option-length-0":
            f = raw(eth() / ip() / syn(i, dataofs=6) / Raw(b"\x02\x00\x05\xb4"))  # MSS, length 0
        elif kind == "tcp-option-length-1":
            f = raw(eth() / ip() / syn(i, dataofs=6) / Raw(b"\x02\x01\x05\xb4"))  # MSS, length 1
        elif kind == "tcp-option-overflow":
            f = raw(eth() / ip() / syn(i, dataofs=6) / Raw(b"\x01\x01\x08\x0a"))  # timestamps: 10 bytes in 2
        elif kind == "syn-fin":
            f = raw(eth() / ip() / TCP(sport=FORGED_PORT_BASE + i, dport=7, seq=0x66000000 + i, flags="SF", window=4096))
        elif kind == "syn-rst":
            f = raw(eth() / ip() / TCP(sport=FORGED_PORT_BASE + i, dport=7, seq=0x66000000 + i, flags="SR", window=4096))
        elif kind == "no-flags":
            f = raw(eth() / ip() / TCP(sport=FORGED_PORT_BASE + i, dport=7, seq=0x66000000 + i, flags=0, window=4096))
        elif kind == "ack-data-listen":
            f = raw(eth() / ip() / TCP(sport=FORGED_PORT_BASE + i, dport=7, seq=0x66000000 + i, ack=0x66660000 + i,
                                       flags="PA", window=4096) / Raw(b"hostile data %d\n" % i))
        elif kind == "syn-wscale-200":
            f = raw(eth() / ip() / syn(i, options=[("MSS", 1460), ("WScale", 200)]))
        elif kind == "syn-closed-port":
            f = raw(eth() / ip() / syn(i, dport=4444))
        elif kind == "ip-fragment-first":
            # 36 bytes with more to follow: not a multiple of 8, so no fragment could follow it.
            f = raw(eth() / ip(flags="MF", frag=0, proto=6) / syn(i) / Raw(b"x" * 16))
        elif kind == "ip-fragment-later":
            # A last fragment at byte 3200: past the board's 2048-byte reassembly slot.
            f = raw(eth() / ip(flags=0, frag=400, proto=6) / Raw(b"y" * 40))
        elif kind == "oversize":
            # 1600 bytes on the wire: 86 past the largest Ethernet II frame.
            f = raw(eth() / ip() / syn(i) / Raw(b"z" * (1600 - 14 - 20 - 20)))
        elif kind == "broadcast-ip":
            # Subnet broadcast and limited broadcast, in link-layer broadcast frames.
            f = raw(eth(dst="ff:ff:ff:ff:ff:ff") / ip(dst="192.168.77.255" if i % 2 == 0 else "255.255.255.255") / syn(i))
        elif kind == "broadcast-mac":
            # Unicast IP to the board in a link-layer broadcast frame (RFC 1122 §3.3.6).
            f = raw(eth(dst="ff:ff:ff:ff:ff:ff") / ip() / syn(i))
        elif kind == "multicast-mac":
            f = raw(eth(dst="01:00:5e:00:00:01") / ip(dst="224.0.0.1") / syn(i))
        elif kind == "multicast-ip":
            f = raw(eth() / ip(dst="224.0.0.1") / syn(i))
        elif kind == "land":
            f = raw(eth() / ip(src=BOARD) / TCP(sport=7, dport=7, seq=0x66000000 + i, flags="S", window=4096))
        else:
            raise SystemExit("unknown kind " + kind)
        out.append(f)
    return out


def marker(n):
    """A well-formed ping after a burst: once the board counts it, it has taken every frame before it."""
    from scapy.all import Ether, IP, ICMP, Raw, raw
    return raw(Ether(src=FORGED_MAC, dst=BOARD_MAC) / IP(src=HOST, dst=BOARD, ttl=FORGED_TTL)
               / ICMP(id=MARKER_ID, seq=n) / Raw(b"end of burst"))


def set_mtu(iface, mtu):
    subprocess.run(["ip", "link", "set", "dev", iface, "mtu", str(mtu)], check=True)


def cmd_burst(iface, kind, count):
    from scapy.all import conf
    count = int(count)
    conf.verb = 0
    fs = frames(kind, count)
    # The kernel refuses to send a frame longer than the interface's MTU allows: raise it for the burst only.
    big = max(len(f) for f in fs) > 1514
    if big:
        set_mtu(iface, 1600)
    s = conf.L2socket(iface=iface)
    try:
        for f in fs:
            s.send(f)
        s.send(marker(count))
    finally:
        s.close()
        if big:
            set_mtu(iface, 1500)
    done(kind=kind, sent=len(fs), lengths=sorted(set(len(f) for f in fs)), marker=True)


def cmd_forge(iface, sport, dport, flags, seq, ack, data=""):
    from scapy.all import Ether, IP, TCP, Raw, sendp
    pkt = (Ether(src=FORGED_MAC, dst=BOARD_MAC) / IP(src=HOST, dst=BOARD, ttl=FORGED_TTL)
           / TCP(sport=int(sport), dport=int(dport), flags=flags, seq=int(seq) & 0xFFFFFFFF,
                 ack=int(ack) & 0xFFFFFFFF, window=65535))
    if data:
        pkt = pkt / Raw(data.encode())
    sendp(pkt, iface=iface, verbose=False)
    done(forged=flags, sport=int(sport), dport=int(dport), seq=int(seq) & 0xFFFFFFFF, ack=int(ack) & 0xFFFFFFFF, data=data)


def echo(s, text):
    """Sends text and reads as many bytes back; returns what came (a reset or EOF shows as an error)."""
    data = text.encode()
    s.sendall(data)
    got = bytearray()
    while len(got) < len(data):
        b = s.recv(4096)
        if not b:
            raise ConnectionError("EOF from the board")
        got += b
    return bytes(got).decode("ascii", "replace")


def cmd_client(port):
    """A kernel connection that stays idle between commands, for blind attacks on it."""
    s = socket.create_connection((BOARD, int(port)), timeout=10)
    s.settimeout(10)
    first = echo(s, "hello\n")
    done(local_port=s.getsockname()[1], echoed=first == "hello\n")
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line.startswith("echo "):
            text = line[5:] + "\n"
            try:
                got = echo(s, text)
                # Anything more than the echo (injected data) shows up here.
                if select.select([s], [], [], 0.3)[0]:
                    got += s.recv(4096).decode("ascii", "replace")
                done(cmd="echo", sent=text, got=got, same=got == text, error=None)
            except OSError as e:
                done(cmd="echo", sent=text, got=None, same=False, error="%s: %s" % (type(e).__name__, e))
        elif line == "quit":
            try:
                s.shutdown(socket.SHUT_WR)
                while s.recv(4096):
                    pass
                s.close()
                done(cmd="quit", error=None)
            except OSError as e:
                done(cmd="quit", error="%s: %s" % (type(e).__name__, e))
            return


COMMANDS = {"burst": cmd_burst, "forge": cmd_forge, "client": cmd_client}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit("usage: hostile.py " + "|".join(COMMANDS) + " ARGS...")
    COMMANDS[sys.argv[1]](*sys.argv[2:])
