#!/usr/bin/env python3
"""Frame injector/receiver for the Linux bridge cross-check (run inside the test's host netns).

Protocol: JSON lines on stdin, one JSON line answer on stdout per request.
  {"op": "open", "ports": ["h0", ...]}                      -> {"ok": true}
  {"op": "send", "port": "h0", "frame": HEX, "probe": HEX, "probeId": N, "timeoutMs": T}
      sends frame then probe (a broadcast) on port; collects every marked test frame received on
      the other ports (plus unmarked frames identical to the one sent) until the probe has
      arrived on all of them (the bridge keeps order on one CPU, so the frame, if forwarded,
      arrives first) -> {"ok": true, "received": {"h1": [HEX, ...]}}
Marked frames: EtherType 0x88b5 (after any VLAN tags), payload b"BX" + u32 id + kind (0 test, 1 probe).
Errors -> {"ok": false, "error": "..."}; the process never prints a traceback for bad input.
"""
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_VLAN_TPID_VALID = 0x40
VLAN_TPIDS = (0x8100, 0x88A8, 0x9100)

socks = {}


def marker(frame: bytes):
    """Returns (id, kind) of a marked frame, or None."""
    o = 12
    while len(frame) >= o + 2 and struct.unpack_from("!H", frame, o)[0] in VLAN_TPIDS:
        o += 4
    if len(frame) < o + 9 or struct.unpack_from("!H", frame, o)[0] != 0x88B5:
        return None
    if frame[o + 2 : o + 4] != b"BX":
        return None
    return struct.unpack_from("!I", frame, o + 4)[0], frame[o + 8]


def recv_frame(s):
    """One frame as it was on the wire: the kernel moves a VLAN tag into metadata; put it back."""
    data, anc, _flags, addr = s.recvmsg(65535, socket.CMSG_SPACE(20))
    if addr[2] == PACKET_OUTGOING:
        return None
    for level, typ, cdata in anc:
        if level == SOL_PACKET and typ == PACKET_AUXDATA and len(cdata) >= 20:
            status, _len, _snap, _mac, _net, tci, tpid = struct.unpack_from("=IIIHHHH", cdata)
            if status & TP_STATUS_VLAN_VALID:
                if not status & TP_STATUS_VLAN_TPID_VALID:
                    tpid = 0x8100
                data = data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
    return data


def do_open(req):
    for p in req["ports"]:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        s.bind((p, 0))
        s.setblocking(False)
        socks[p] = s
    return {"ok": True}


def drain_all():
    for s in socks.values():
        while True:
            try:
                s.recv(65535)
            except BlockingIOError:
                break


def do_send(req):
    port = req["port"]
    if port not in socks:
        return {"ok": False, "error": f"port {port} is not open"}
    frame = bytes.fromhex(req["frame"])
    probe = bytes.fromhex(req["probe"])
    probe_id = req["probeId"]
    deadline = time.monotonic() + req.get("timeoutMs", 2000) / 1000
    drain_all()
    socks[port].send(frame)
    socks[port].send(probe)
    others = [p for p in socks if p != port]
    received = {p: [] for p in others}
    waiting = set(others)
    fd_port = {socks[p].fileno(): p for p in others}
    while waiting:
        left = deadline - time.monotonic()
        if left <= 0:
            return {"ok": False, "error": f"probe {probe_id} did not reach {sorted(waiting)} in time"}
        ready, _, _ = select.select(list(fd_port), [], [], left)
        for fd in ready:
            p = fd_port[fd]
            while True:
                try:
                    f = recv_frame(socks[p])
                except BlockingIOError:
                    break
                if f is None:
                    continue
                m = marker(f)
                if m is None:
                    # unmarked frames (a BPDU has no EtherType to mark) count only if they are ours
                    if f == frame:
                        received[p].append(f.hex())
                    continue
                if m[1] == 1:
                    if m[0] == probe_id:
                        waiting.discard(p)
                else:
                    received[p].append(f.hex())
    return {"ok": True, "received": received}


def main():
    # One CPU: both frames enter the same backlog queue, so the bridge handles them in order.
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except OSError:
        pass
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "open":
                ans = do_open(req)
            elif op == "send":
                ans = do_send(req)
            else:
                ans = {"ok": False, "error": f"unknown op {op!r}"}
        except (ValueError, KeyError, OSError) as e:
            ans = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(ans) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
