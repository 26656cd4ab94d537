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
if [ ${#need[@]} -eq 0 ]; then
  echo "system dependencies: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]} (run this script as root, or install them with apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "installing: ${need[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
