#!/usr/bin/env bash
# Installs the system packages that `npm install` cannot provide: tshark (the
# independent decoder our codec is checked against), libpcap, iproute2 (network
# namespaces), OpenSSH (interop tests), socat, a JRE for allure-commandline,
# chromium (report rendering tests).
# Debian/Ubuntu only; run as root. Safe to run again: it installs only what is missing.
set -euo pipefail
need=()
command -v tshark >/dev/null || need+=(tshark)
[ -e /usr/include/pcap/pcap.h ] || need+=(libpcap-dev)
command -v ip >/dev/null || need+=(iproute2)
command -v socat >/dev/null || need+=(socat)
# traffic hosts in namespaces (drivers/hosts): ping, DHCP server and client
command -v ping >/dev/null || need+=(iputils-ping)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v dhclient >/dev/null || need+=(isc-dhcp-client)
command -v nft >/dev/null || need+=(nftables)
command -v ssh >/dev/null || need+=(openssh-client)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v java >/dev/null || need+=(default-jre-headless)
# Debian's chromium: renders the reports (matrix.html, Allure) in headless tests; Playwright never downloads a browser.
command -v chromium >/dev/null || need+=(chromium)
# A Japanese font, so the seed's model and band names (vRX VMware ESXi版, Rev.x以降) render in those screenshots.
[ -d /usr/share/fonts/opentype/ipafont-gothic ] || need+=(fonts-ipafont-gothic)
# strongSwan charon + swanctl: the independent IKEv1 implementation the oracle's IKE is checked against (tests/interop/strongswan).
[ -x /usr/lib/ipsec/charon ] || need+=(strongswan-charon)
command -v swanctl >/dev/null || need+=(strongswan-swanctl)
[ -e /usr/lib/ipsec/plugins/libstrongswan-openssl.so ] || need+=(libstrongswan-standard-plugins)
# The real-kernel peer (tests/interop/qemu): QEMU, plus kmod (depmod/modprobe for the guest, which
# boots from this root), cpio (its initramfs) and python3 (the guest's netlink helper). The guest
# kernel itself is only extracted, below.
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /usr/sbin/modprobe ] || need+=(kmod)
command -v cpio >/dev/null || need+=(cpio)
command -v python3 >/dev/null || need+=(python3)
# PostgreSQL server binaries: the cross-machine lease backend's tests start a throwaway cluster (tests/drivers/lease).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then
  echo "system dependencies: all present"
elif [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]} (run this script as root, or install them with apt-get)" >&2
  exit 1
else
  export DEBIAN_FRONTEND=noninteractive
  echo "installing: ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian's kernel for the QEMU guest, extracted into a cache (not installed); without it that test skips, saying why.
if [ "$(id -u)" -eq 0 ]; then
  bash "$(dirname "$0")/qemu-guest-kernel.sh" || echo "warning: the QEMU guest kernel could not be prepared (tests/interop/qemu will skip)" >&2
fi
