#!/bin/bash
# Stage 2 of the QEMU guest (PID 1 after the initramfs switched root to the host's root, shared
# read-only over virtio-9p; scripts/qemu-guest-kernel.sh builds stage 1). It makes the writable
# places a test needs (tmpfs), points the kernel's module loader at the extracted kernel package
# (modprobe -d), configures eth0 from the kernel command line, and then serves commands on the
# second serial port (ttyS1): each line is `ID BASE64-OF-A-BASH-SCRIPT`; the script's output
# follows `@@BEGIN ID` and ends with `@@DONE ID EXIT-CODE`. guest-vm.ts is the other side.
# Kernel command line (unknown name=value words reach PID 1 as environment variables):
#   l2tpv3_modroot=DIR  the extracted package (DIR/lib/modules/$(uname -r))
#   l2tpv3_addr=CIDR    eth0's address; l2tpv3_gw=ADDR an optional default route
#   l2tpv3_keep=P1:P2   host folders the guest needs (the checkout, the kernel tree): any of them
#                       under /tmp is bound back over the guest's own /tmp tmpfs
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp TERM=dumb
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/host-tmp && mount --bind /tmp /run/host-tmp
mount -t tmpfs -o mode=1777 tmpfs /tmp
IFS=: read -r -a keep <<< "${l2tpv3_keep:-}"
for p in "${keep[@]}"; do
  case "$p" in /tmp/?*) mkdir -p "$p" && mount --bind "/run/host-tmp/${p#/tmp/}" "$p" ;; esac
done
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
hostname l2tpv3-guest
# Modules: the kernel calls /proc/sys/kernel/modprobe for request_module (xfrm, esp4, crypto).
printf '#!/bin/sh\nexec /usr/sbin/modprobe -d %s "$@"\n' "$l2tpv3_modroot" > /run/modprobe
chmod 755 /run/modprobe
echo /run/modprobe > /proc/sys/kernel/modprobe
# One modprobe for the modules tests use directly; the crypto templates ESP needs (authenc, cbc,
# hmac, ...) the kernel requests itself through /run/modprobe when an SA is added.
/run/modprobe -a -q virtio_net l2tp_eth l2tp_netlink esp4 xfrm_user || echo "guest: modprobe failed" > /dev/ttyS0
ip link set lo up
if [ -n "${l2tpv3_addr:-}" ]; then
  ip link set eth0 up
  ip addr add "$l2tpv3_addr" dev eth0
  [ -n "${l2tpv3_gw:-}" ] && ip route add default via "$l2tpv3_gw"
fi
stty -F /dev/ttyS1 raw -echo 115200 2>/dev/null
exec 3<>/dev/ttyS1
echo "@@READY $(uname -r)" >&3
while IFS=' ' read -r id b64 <&3; do
  [ -n "$id" ] || continue
  echo "$b64" | base64 -d > "/tmp/cmd.$id.sh" 2>/dev/null
  echo "@@BEGIN $id" >&3
  bash "/tmp/cmd.$id.sh" </dev/null >&3 2>&1
  echo "@@DONE $id $?" >&3
done
echo "guest: command channel closed" > /dev/ttyS0
echo o > /proc/sysrq-trigger
