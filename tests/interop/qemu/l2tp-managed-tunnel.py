#!/usr/bin/env python3
"""Hands a UDP socket to the kernel as a *managed* L2TPv3 tunnel (generic netlink, family "l2tp",
L2TP_CMD_TUNNEL_CREATE with L2TP_ATTR_FD): the kernel then takes the data messages arriving on the
socket for its sessions (l2tp_eth) and sends theirs through it, while control messages still reach
the process that owns the socket. That is how a Linux L2TP daemon runs the control plane in
userspace and the data plane in the kernel; `ip l2tp add tunnel` has no fd option, hence this.

Usage: l2tp-managed-tunnel.py FD CONN_ID PEER_CONN_ID
FD is an inherited descriptor of a bound and connected UDP socket (the guest's LAC passes its own
as fd 3). Constants are from <linux/l2tp.h> and <linux/genetlink.h>. Exit 0 on success; the kernel's
error (negative errno) is printed otherwise.
"""
import socket
import struct
import sys

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 0x10, 3, 1, 2
L2TP_GENL_VERSION, L2TP_CMD_TUNNEL_CREATE = 1, 1
L2TP_ATTR_ENCAP_TYPE, L2TP_ATTR_PROTO_VERSION, L2TP_ATTR_CONN_ID, L2TP_ATTR_PEER_CONN_ID, L2TP_ATTR_FD = 2, 7, 9, 10, 23
L2TP_ENCAPTYPE_UDP = 0


def attr(kind, data):
    n = 4 + len(data)
    return struct.pack("=HH", n, kind) + data + b"\0" * ((4 - n % 4) % 4)


def attrs(buf):
    out, i = {}, 0
    while i + 4 <= len(buf):
        n, kind = struct.unpack_from("=HH", buf, i)
        if n < 4:
            break
        out[kind & 0x3FFF] = buf[i + 4 : i + n]
        i += (n + 3) & ~3
    return out


def request(sock, family, cmd, version, payload, seq):
    body = struct.pack("=BBH", cmd, version, 0) + payload
    sock.send(struct.pack("=IHHII", 16 + len(body), family, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body)
    result = None
    while True:
        data = sock.recv(65536)
        i = 0
        while i + 16 <= len(data):
            n, kind, _flags, rseq, _pid = struct.unpack_from("=IHHII", data, i)
            if rseq == seq:
                if kind == NLMSG_ERROR:
                    (err,) = struct.unpack_from("=i", data, i + 16)
                    if err != 0:
                        raise OSError(-err, f"netlink command {cmd}: errno {-err}")
                    return result
                result = attrs(data[i + 20 : i + n])
            i += (n + 3) & ~3


def main(argv):
    fd, conn, peer = (int(a) for a in argv[1:4])
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    nl.bind((0, 0))
    fam = request(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, attr(CTRL_ATTR_FAMILY_NAME, b"l2tp\0"), 1)
    (family,) = struct.unpack("=H", fam[CTRL_ATTR_FAMILY_ID][:2])
    payload = (
        attr(L2TP_ATTR_CONN_ID, struct.pack("=I", conn))
        + attr(L2TP_ATTR_PEER_CONN_ID, struct.pack("=I", peer))
        + attr(L2TP_ATTR_PROTO_VERSION, struct.pack("=B", 3))
        + attr(L2TP_ATTR_ENCAP_TYPE, struct.pack("=H", L2TP_ENCAPTYPE_UDP))
        + attr(L2TP_ATTR_FD, struct.pack("=I", fd))
    )
    request(nl, family, L2TP_CMD_TUNNEL_CREATE, L2TP_GENL_VERSION, payload, 2)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, KeyError, ValueError) as e:
        print(f"l2tp-managed-tunnel: {e}", file=sys.stderr)
        sys.exit(1)
