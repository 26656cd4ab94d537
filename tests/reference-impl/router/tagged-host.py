#!/usr/bin/env python3
"""An 802.1Q-tagged IPv4 host in userspace, for kernels without the 8021q module.

Used by namespaces.spec.ts (issue 6 point 3): it runs inside a network namespace on an interface
and speaks tagged ARP and ICMP echo over an AF_PACKET raw socket.

  tagged-host.py respond IFACE VID PCP MY_IP SECONDS
      answers tagged ARP requests and echo requests for MY_IP on VLAN VID (replies carry PCP),
      prints one JSON line per tagged frame it received ({"seen": ...}), "ready" once listening.
  tagged-host.py ask IFACE VID PCP MY_IP PEER_IP SECONDS
      sends a tagged ARP request for PEER_IP, then a tagged echo request to the MAC that answered;
      prints one JSON line with the tags (vid, pcp, dei) each reply arrived with.

The kernel strips a received VLAN tag into skb metadata before AF_PACKET sees the frame; the tag
comes back through PACKET_AUXDATA (tp_vlan_tci), as libpcap reads it.
"""
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_8021Q = 0x8100
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 1 << 4
TP_STATUS_VLAN_TPID_VALID = 1 << 6


def open_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((iface, 0))
    return s, s.getsockname()[4]


def receive(s):
    """One incoming frame as (bytes with its 802.1Q tag put back, tag dict or None)."""
    data, anc, _flags, addr = s.recvmsg(65535, socket.CMSG_SPACE(20))
    if addr[2] == socket.PACKET_OUTGOING:
        return None, None
    for level, kind, cdata in anc:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(cdata) >= 20:
            status, _len, _snap, _mac, _net, tci, tpid = struct.unpack('=IIIHHHH', cdata[:20])
            if status & TP_STATUS_VLAN_VALID:
                tpid = tpid if status & TP_STATUS_VLAN_TPID_VALID and tpid else ETH_P_8021Q
                data = data[:12] + struct.pack('!HH', tpid, tci) + data[12:]
    if len(data) >= 18 and struct.unpack('!H', data[12:14])[0] == ETH_P_8021Q:
        tci = struct.unpack('!H', data[14:16])[0]
        return data, {'vid': tci & 0xFFF, 'pcp': tci >> 13, 'dei': (tci >> 12) & 1}
    return data, None


def tagged(dst, src, vid, pcp, ethertype, payload):
    frame = dst + src + struct.pack('!HHH', ETH_P_8021Q, (pcp << 13) | vid, ethertype) + payload
    return frame.ljust(64, b'\0')


def checksum(b):
    if len(b) % 2:
        b += b'\0'
    total = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def arp(op, smac, sip, tmac, tip):
    return struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, op, smac, sip, tmac, tip)


def ipv4_icmp(src, dst, icmp_type, ident, seq, data):
    icmp = struct.pack('!BBHHH', icmp_type, 0, 0, ident, seq) + data
    icmp = icmp[:2] + struct.pack('!H', checksum(icmp)) + icmp[4:]
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(icmp), 0, 0x4000, 64, 1, 0, src, dst)
    hdr = hdr[:10] + struct.pack('!H', checksum(hdr)) + hdr[12:]
    return hdr + icmp


def parse(data):
    """(ethertype after the tag, payload) of a tagged frame."""
    return struct.unpack('!H', data[16:18])[0], data[18:]


def respond(iface, vid, pcp, my_ip, seconds):
    s, my_mac = open_socket(iface)
    me = socket.inet_aton(my_ip)
    print('ready', flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not select.select([s], [], [], 0.2)[0]:
            continue
        data, tag = receive(s)
        if tag is None:
            continue
        etype, p = parse(data)
        print(json.dumps({'seen': {**tag, 'ethertype': etype}}), flush=True)
        if tag['vid'] != vid:
            continue
        if etype == 0x0806 and len(p) >= 28:
            op, smac, sip, _tmac, tip = struct.unpack('!6xH6s4s6s4s', p[:28])
            if op == 1 and tip == me:
                s.send(tagged(smac, my_mac, vid, pcp, 0x0806, arp(2, my_mac, me, smac, sip)))
        elif etype == 0x0800 and len(p) >= 28 and p[9] == 1 and p[16:20] == me and p[20] == 8:
            ihl = (p[0] & 0x0F) * 4
            total = struct.unpack('!H', p[2:4])[0]
            ident, seq = struct.unpack('!HH', p[ihl + 4:ihl + 8])
            reply = ipv4_icmp(me, p[12:16], 0, ident, seq, p[ihl + 8:total])
            s.send(tagged(data[6:12], my_mac, vid, pcp, 0x0800, reply))


def ask(iface, vid, pcp, my_ip, peer_ip, seconds):
    s, my_mac = open_socket(iface)
    me, peer = socket.inet_aton(my_ip), socket.inet_aton(peer_ip)
    result = {'arp': None, 'echo': None, 'peerMac': None}
    ident, seq, payload = os.getpid() & 0xFFFF, 1, b'tagged-host-echo'.ljust(32, b'.')
    end = time.monotonic() + seconds
    next_send = 0.0
    while time.monotonic() < end and result['echo'] is None:
        now = time.monotonic()
        if now >= next_send:  # resend every 0.5 s until answered (the first may race learning)
            next_send = now + 0.5
            if result['peerMac'] is None:
                s.send(tagged(b'\xff' * 6, my_mac, vid, pcp, 0x0806, arp(1, my_mac, me, b'\0' * 6, peer)))
            else:
                mac = bytes.fromhex(result['peerMac'].replace(':', ''))
                s.send(tagged(mac, my_mac, vid, pcp, 0x0800, ipv4_icmp(me, peer, 8, ident, seq, payload)))
        if not select.select([s], [], [], 0.1)[0]:
            continue
        data, tag = receive(s)
        if tag is None or data[:6] != my_mac:
            continue
        etype, p = parse(data)
        if etype == 0x0806 and len(p) >= 28:
            op, smac, sip = struct.unpack('!6xH6s4s', p[:18])
            if op == 2 and sip == peer and result['arp'] is None:
                result['arp'] = tag
                result['peerMac'] = smac.hex(':')
                next_send = 0.0
        elif etype == 0x0800 and len(p) >= 28 and p[9] == 1 and p[12:16] == peer and p[20] == 0:
            ihl = (p[0] & 0x0F) * 4
            if struct.unpack('!HH', p[ihl + 4:ihl + 8]) == (ident, seq) and p[ihl + 8:ihl + 8 + len(payload)] == payload:
                result['echo'] = tag
    print(json.dumps(result), flush=True)
    return 0 if result['echo'] is not None else 1


def main(argv):
    try:
        if len(argv) == 6 and argv[0] == 'respond':
            return respond(argv[1], int(argv[2]), int(argv[3]), argv[4], float(argv[5])) or 0
        if len(argv) == 7 and argv[0] == 'ask':
            return ask(argv[1], int(argv[2]), int(argv[3]), argv[4], argv[5], float(argv[6]))
    except (OSError, ValueError) as e:
        print('tagged-host: %s' % e, file=sys.stderr)
        return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
