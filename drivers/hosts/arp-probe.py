#!/usr/bin/env python3
# ARP request for one IPv4 address on one interface, answer printed as `MAC` (exit 0) or nothing
# (exit 1 after the timeout). Used where `arping` is not installed: a raw AF_PACKET socket, so the
# probe does not depend on (or disturb) the kernel's neighbour table.
# usage: arp-probe.py IFNAME TARGET_IPV4 SOURCE_IPV4 TIMEOUT_SECONDS
import fcntl, select, socket, struct, sys, time

ifname, target, source, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind((ifname, 0))
mac = fcntl.ioctl(s.fileno(), 0x8927, struct.pack('256s', ifname.encode()[:15]))[18:24]  # SIOCGIFHWADDR
tip, sip = socket.inet_aton(target), socket.inet_aton(source)
arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, mac, sip, b'\0' * 6, tip)
s.send(b'\xff' * 6 + mac + b'\x08\x06' + arp + b'\0' * 18)
end = time.monotonic() + timeout
while True:
    left = end - time.monotonic()
    if left <= 0 or not select.select([s], [], [], left)[0]:
        sys.exit(1)
    f = s.recv(2048)
    if len(f) >= 42 and f[12:14] == b'\x08\x06' and struct.unpack('!H', f[20:22])[0] == 2 and f[28:32] == tip:
        print(':'.join('%02x' % b for b in f[22:28]))
        sys.exit(0)
