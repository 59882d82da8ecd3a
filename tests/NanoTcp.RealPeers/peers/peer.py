#!/usr/bin/env python3
"""Kernel-socket peers for the real-peer suite: the Linux TCP stack as client and as server.

Runs inside the test's network namespace (ip netns exec NS python3 peer.py ...); the board is
192.168.77.2, this side 192.168.77.1. Every command prints one JSON object as its last line.
Data the board generates or checks follows one pattern: byte i is i % 251.
"""
import json
import errno
import os
import select
import socket
import sys
import threading
import time

BOARD = "192.168.77.2"
HOST = os.environ.get("NANOTCP_PEER_HOST", "192.168.77.1")  # a test may bind a server elsewhere


def pattern(start, n):
    """n bytes of the pattern from stream position start."""
    base = bytes(range(251)) * (n // 251 + 2)
    o = start % 251
    return base[o:o + n]


def chargen_byte(pos):
    """RFC 864 as the board sends it: 72 characters + CR LF a line, each line one character later."""
    line, col = divmod(pos, 74)
    if col == 72:
        return 13
    if col == 73:
        return 10
    return 32 + (line + col + 1) % 95


def done(**result):
    print(json.dumps(result), flush=True)


def connect(port, timeout=10.0):
    return socket.create_connection((BOARD, port), timeout=timeout)


def read_to_eof(s, sink=None):
    total = 0
    while True:
        b = s.recv(65536)
        if not b:
            return total
        if sink:
            sink(b)
        total += len(b)


def cmd_echo(port, n):
    """Sends n random bytes, half-closes, reads the echo to EOF: the client closes first."""
    data = os.urandom(n)
    t0 = time.monotonic()
    s = connect(int(port))
    s.settimeout(None)  # blocking: sendall's timeout would count the whole transfer; the test's own limit kills a stuck peer

    def send():
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)

    th = threading.Thread(target=send, daemon=True)
    th.start()
    got = bytearray()
    read_to_eof(s, got.extend)
    th.join()
    local = s.getsockname()[1]
    s.close()
    done(sent=n, received=len(got), same=bytes(got) == data, seconds=round(time.monotonic() - t0, 3), local_port=local)


def cmd_roundtrips(port, count, n):
    """count request/reply exchanges of n bytes each on one connection (send n, read n back), then close."""
    count, n = int(count), int(n)
    s = connect(int(port))
    same = True
    for i in range(count):
        data = os.urandom(n)
        s.sendall(data)
        got = bytearray()
        while len(got) < n:
            b = s.recv(n - len(got))
            if not b:
                break
            got.extend(b)
        same = same and bytes(got) == data
    s.close()
    done(count=count, size=n, same=same)


def cmd_discard(port, n):
    """Sends n bytes to discard, half-closes and waits for the board's FIN."""
    data = os.urandom(n)
    t0 = time.monotonic()
    s = connect(int(port))
    s.settimeout(None)  # blocking: sendall's timeout would count the whole transfer; the test's own limit kills a stuck peer
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    extra = read_to_eof(s)
    s.close()
    done(sent=n, received=extra, seconds=round(time.monotonic() - t0, 3))


def cmd_chargen(port, n):
    """Reads at least n bytes of chargen, checking every byte, then half-closes and reads to EOF."""
    t0 = time.monotonic()
    s = connect(int(port))
    s.settimeout(None)  # blocking: sendall's timeout would count the whole transfer; the test's own limit kills a stuck peer
    pos = 0
    bad = -1
    half_closed = False
    while True:
        b = s.recv(65536)
        if not b:
            break
        for i, c in enumerate(b):
            if bad < 0 and c != chargen_byte(pos + i):
                bad = pos + i
        pos += len(b)
        if pos >= n and not half_closed:
            s.shutdown(socket.SHUT_WR)  # the board sees EOF and closes after what it queued
            half_closed = True
    s.close()
    done(received=pos, pattern_ok=bad < 0, first_bad=bad, seconds=round(time.monotonic() - t0, 3))


def cmd_http(count, gap_ms="0"):
    """count sequential GET / requests, gap_ms apart; the board closes each connection after the page."""
    ok = 0
    size = 0
    first = ""
    for _ in range(int(count)):
        s = connect(80)
        s.sendall(b"GET / HTTP/1.0\r\nHost: 192.168.77.2\r\n\r\n")
        page = bytearray()
        read_to_eof(s, page.extend)
        s.close()
        text = page.decode("ascii", "replace")
        first = first or text[:400]
        if text.startswith("HTTP/1.0 200 OK\r\n") and "NanoTcp status" in text:
            ok += 1
        size = len(page)
        time.sleep(int(gap_ms) / 1000.0)
    done(requests=int(count), ok=ok, last_bytes=size, first_page=first)


def cmd_sequential(port, count):
    """count connections one after another: a line echoed, then the client closes."""
    ok = 0
    failures = []
    ports = []
    t0 = time.monotonic()
    for i in range(int(count)):
        try:
            s = connect(int(port))
            s.settimeout(10)
            line = ("connection %d of %s\n" % (i, count)).encode()
            s.sendall(line)
            got = bytearray()
            while len(got) < len(line):
                b = s.recv(4096)
                if not b:
                    break
                got += b
            s.shutdown(socket.SHUT_WR)
            read_to_eof(s)
            ports.append(s.getsockname()[1])
            s.close()
            if bytes(got) == line:
                ok += 1
            else:
                failures.append("%d: got %r" % (i, bytes(got)))
        except OSError as e:
            failures.append("%d: %s" % (i, e))
    done(connections=int(count), ok=ok, failures=failures[:10], seconds=round(time.monotonic() - t0, 3))


def echo_check(s, text):
    s.sendall(text)
    got = bytearray()
    while len(got) < len(text):
        b = s.recv(4096)
        if not b:
            break
        got += b
    return bytes(got) == text


def close_gracefully(s):
    s.shutdown(socket.SHUT_WR)
    read_to_eof(s)
    s.close()


def try_connect(port, timeout):
    t0 = time.monotonic()
    try:
        s = connect(port, timeout)
        return s, "connected", round(time.monotonic() - t0, 3)
    except ConnectionRefusedError:
        return None, "refused", round(time.monotonic() - t0, 3)
    except (socket.timeout, TimeoutError):
        return None, "timeout", round(time.monotonic() - t0, 3)


def cmd_concurrent(port, k, past_timeout):
    """k connections open at once, each echoing; one more past them; then one of the k closes."""
    port, k = int(port), int(k)
    conns = []
    for i in range(k):
        s = connect(port)
        s.settimeout(10)
        conns.append(s)
    echoed = sum(1 for i, s in enumerate(conns) if echo_check(s, b"concurrent %d\n" % i))
    extra, past, past_s = try_connect(port, float(past_timeout))
    if extra:
        extra.close()
    close_gracefully(conns.pop(0))
    t0 = time.monotonic()
    s, after, _ = try_connect(port, 20.0)
    after_s = round(time.monotonic() - t0, 3)
    after_echo = False
    if s:
        s.settimeout(10)
        after_echo = echo_check(s, b"after a slot freed\n")
        conns.append(s)
    for s in conns:
        close_gracefully(s)
    done(opened=k, echoed=echoed, one_past=past, one_past_seconds=past_s, after_close=after,
         after_close_seconds=after_s, after_close_echo=after_echo)


def cmd_hold(port):
    """An established echo connection kept busy (1000 random bytes a round, 20 ms apart, every byte
    checked) until 'stop' arrives on stdin. Prints "ready" after the first round; on stdin "report"
    prints {"max_gap": longest time in s between two consecutive completed echoes since the last
    report, ...}: a stall of the connection shows as a long gap."""
    s = connect(int(port))
    s.settimeout(30)
    local = s.getsockname()[1]
    rounds = 0
    errors = 0
    error = None
    said_ready = False
    last = time.monotonic()
    max_gap = 0.0
    try:
        while True:
            if select.select([sys.stdin], [], [], 0)[0]:
                line = sys.stdin.readline().strip()
                if line == "stop":
                    break
                if line == "report":
                    print(json.dumps({"max_gap": round(max_gap, 3), "rounds": rounds, "errors": errors}), flush=True)
                    max_gap = 0.0
            data = os.urandom(1000)
            if echo_check(s, data):
                rounds += 1
            else:
                errors += 1
            now = time.monotonic()
            max_gap = max(max_gap, now - last)
            last = now
            if not said_ready:
                print("ready", flush=True)
                said_ready = True
            time.sleep(0.02)
        close_gracefully(s)
    except OSError as e:
        error = "%s: %s" % (type(e).__name__, e)
    done(rounds=rounds, errors=errors, error=error, local_port=local, max_gap=round(max_gap, 3))


def cmd_connect(port, timeout, attempts="1"):
    """Connects and has a line echoed, as a client that retries would: an attempt whose connection
    is reset (its half-open slot was taken before the handshake's ACK arrived) starts again, up to
    attempts times. Reports the last result, the attempts used and the total time."""
    t0 = time.monotonic()
    result, echoed, used, resets = "timeout", False, 0, 0
    for used in range(1, int(attempts) + 1):
        s, result, _ = try_connect(int(port), float(timeout))
        if not s:
            break
        try:
            s.settimeout(10)
            echoed = echo_check(s, b"hello\n")
            close_gracefully(s)
            break
        except ConnectionResetError:
            resets += 1
            s.close()
    done(result=result, seconds=round(time.monotonic() - t0, 3), echoed=echoed, attempts=used, resets=resets)


def cmd_server(port, mode, n, m):
    """A kernel server for the board's active open. Prints {"listening": port} first.

    board-closes-first: read the board's n pattern bytes to EOF, then send m back and close.
    kernel-closes-first: send m pattern bytes and half-close at once, then read the board's n to EOF.
    """
    port, n, m = int(port), int(n), int(m)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((HOST, port))
    ls.listen(1)
    ls.settimeout(60)
    print(json.dumps({"listening": port}), flush=True)
    s, peer = ls.accept()
    s.settimeout(None)  # blocking: sendall's timeout would count the whole transfer; the test's own limit kills a stuck peer
    got = bytearray()
    t0 = time.monotonic()
    if mode == "board-closes-first":
        read_to_eof(s, got.extend)
        s.sendall(pattern(0, m))
        s.close()
    elif mode == "kernel-closes-first":
        s.sendall(pattern(0, m))
        s.shutdown(socket.SHUT_WR)
        read_to_eof(s, got.extend)
        s.close()
    else:
        raise SystemExit("unknown mode " + mode)
    ls.close()
    done(peer="%s:%d" % peer, received=len(got), pattern_ok=bytes(got) == pattern(0, len(got)) and len(got) == n,
         sent=m, seconds=round(time.monotonic() - t0, 3))


def cmd_slowloris(port, interval, limit):
    """An HTTP client that sends its request one header line every interval seconds and never ends
    it; reports how long after the handshake the board cut it and how (reset, closed), or alive."""
    s = connect(int(port))
    t0 = time.monotonic()
    s.settimeout(float(interval))
    lines = 0
    how = "alive"
    try:
        s.sendall(b"GET / HTTP/1.0\r\n")
        while time.monotonic() - t0 < float(limit):
            try:
                if not s.recv(4096):
                    how = "closed"
                    break
            except socket.timeout:
                s.sendall(b"X-Slow-%d: still here\r\n" % lines)
                lines += 1
    except ConnectionResetError:
        how = "reset"
    except BrokenPipeError:
        how = "reset"
    s.close()
    done(how=how, after=round(time.monotonic() - t0, 3), lines=lines)


def cmd_idle(port, count, limit):
    """count clients that connect and send nothing; reports, for each, whether its handshake
    completed and when (s after the start) the board reset or closed it (null: still open at limit)."""
    port, count, limit = int(port), int(count), float(limit)
    t0 = time.monotonic()
    socks = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((BOARD, port))
        socks.append(s)
    connected = [None] * count
    ended = [None] * count
    how = [None] * count
    while time.monotonic() - t0 < limit and any(e is None for e in ended):
        pending = [s for i, s in enumerate(socks) if ended[i] is None]
        r, w, _ = select.select(pending, [s for i, s in enumerate(socks) if connected[i] is None and ended[i] is None], [], 0.05)
        now = round(time.monotonic() - t0, 3)
        for s in w:
            i = socks.index(s)
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err == 0:
                connected[i] = now
            elif err == errno.ECONNRESET:
                # Established and reset before this loop saw it writable (a refused SYN is ECONNREFUSED).
                ended[i], how[i] = now, "reset"
            else:
                ended[i], how[i] = now, os.strerror(err)
        for s in r:
            i = socks.index(s)
            if connected[i] is None:
                continue
            try:
                how[i] = "closed" if not s.recv(4096) else "data"
            except OSError as e:
                how[i] = "reset" if isinstance(e, ConnectionResetError) else str(e)
            ended[i] = now
    for s in socks:
        s.close()
    done(connected=connected, ended=ended, how=how)


def cmd_vanish(port):
    """A client that echoes one line, prints {"local_port": ...}, and then says nothing; the test makes
    it vanish (nft drops its traffic) and ends it with "quit" on stdin."""
    s = connect(int(port))
    s.settimeout(10)
    ok = echo_check(s, b"about to vanish\n")
    print(json.dumps({"local_port": s.getsockname()[1], "echoed": ok}), flush=True)
    sys.stdin.readline()
    s.close()
    done(echoed=ok)


COMMANDS = {
    "echo": cmd_echo, "discard": cmd_discard, "chargen": cmd_chargen, "http": cmd_http,
    "sequential": cmd_sequential, "concurrent": cmd_concurrent, "hold": cmd_hold,
    "connect": cmd_connect, "server": cmd_server, "slowloris": cmd_slowloris,
    "idle": cmd_idle, "vanish": cmd_vanish, "roundtrips": cmd_roundtrips,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit("usage: peer.py " + "|".join(COMMANDS) + " ARGS...")
    f = COMMANDS[sys.argv[1]]
    args = sys.argv[2:]
    if f in (cmd_echo, cmd_discard, cmd_chargen):
        args = [args[0], int(args[1])]
    f(*args)
