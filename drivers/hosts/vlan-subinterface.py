#!/usr/bin/env python3
"""An 802.1Q subinterface in userspace, for kernels without the 8021q module.

  vlan-subinterface.py IFACE VID NAME SECONDS

Does what `ip link add link IFACE name NAME type vlan id VID` does where the kernel can: a TAP
device NAME carries the kernel's own IP traffic (ARP, ICMP, ...) of VLAN VID; frames the kernel
sends on NAME leave IFACE with an 802.1Q tag VID (PCP 0), and frames tagged VID arriving on IFACE
enter NAME untagged. Prints "ready" once NAME exists (the caller sets it up and addresses it).
Runs at most SECONDS, and ends when IFACE or NAME goes away (e.g. the namespace is deleted).

The kernel moves a received VLAN tag into skb metadata before AF_PACKET sees the frame; it comes
back through PACKET_AUXDATA (tp_vlan_tci), as libpcap reads it.
"""
import fcntl
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
TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def vid_of(data, anc):
    """The VLAN ID of a received frame (from auxdata or an inline tag), or None, and the untagged frame."""
    for level, kind, cdata in anc:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(cdata) >= 20:
            status, _len, _snap, _mac, _net, tci, _tpid = struct.unpack('=IIIHHHH', cdata[:20])
            if status & TP_STATUS_VLAN_VALID:
                return tci & 0xFFF, data
    if len(data) >= 18 and struct.unpack('!H', data[12:14])[0] == ETH_P_8021Q:
        return struct.unpack('!H', data[14:16])[0] & 0xFFF, data[:12] + data[16:]
    return None, data


def run(iface, vid, name, seconds):
    tap = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(tap, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TAP | IFF_NO_PI))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((iface, 0))
    print('ready', flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready = select.select([s, tap], [], [], 0.5)[0]
        if tap in ready:
            frame = os.read(tap, 65535)
            if len(frame) >= 14:  # kernel -> wire: the tag goes after the MAC addresses
                s.send(frame[:12] + struct.pack('!HH', ETH_P_8021Q, vid) + frame[12:])
        if s in ready:
            data, anc, _flags, addr = s.recvmsg(65535, socket.CMSG_SPACE(20))
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            got, untagged = vid_of(data, anc)
            if got == vid:  # wire -> kernel, untagged
                os.write(tap, untagged)
    return 0


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        return run(argv[0], int(argv[1]), argv[2], float(argv[3]))
    except (OSError, ValueError) as e:
        print('vlan-subinterface: %s' % e, file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
