#!/usr/bin/env bash
# Prepares the real-kernel peer of tests/interop/qemu (ipsec-facts.md: the Debian 12 kernel under
# qemu-system-x86_64): downloads Debian's linux-image and busybox-static .debs with `apt-get
# download` and extracts them into a cache folder (nothing is installed on the host), runs depmod
# on the extracted tree, and builds a small initramfs whose only job is to load the virtio and 9p
# modules, mount the host's root read-only over virtio-9p and hand over to the guest init script.
# Idempotent and quiet: does nothing when the cache is complete. Needs root (apt-get download into
# a root-owned cache), dpkg-deb, depmod/modprobe (kmod) and cpio.
# The folder: $L2TPV3_QEMU_DIR, default /var/cache/l2tpv3-conformance/qemu.
set -euo pipefail
dir=${L2TPV3_QEMU_DIR:-/var/cache/l2tpv3-conformance/qemu}
[ -s "$dir/guest.env" ] && [ -s "$dir/initramfs.img" ] && exit 0
# The kernel package linux-image-amd64 points at now (Debian 12: 6.1.0-N-amd64).
kernel_pkg() { apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1; }
pkg=$(kernel_pkg)
[ -n "$pkg" ] || { apt-get update -qq >/dev/null 2>&1 || true; pkg=$(kernel_pkg); }
[ -n "$pkg" ] || { echo "qemu guest: no linux-image-*-amd64 package known to apt (run apt-get update)" >&2; exit 1; }
kver=${pkg#linux-image-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dir"
chmod 755 "$tmp"   # apt's _apt user writes the download here
(cd "$tmp" && apt-get download -qq "$pkg" busybox-static >/dev/null 2>&1) || { echo "qemu guest: apt-get download $pkg busybox-static failed" >&2; exit 1; }
rm -rf "$dir/root"
mkdir -p "$dir/root"
for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
depmod -b "$dir/root" "$kver"
# Stage 1 (initramfs): busybox, the modules 9p-over-virtio needs in load order, and /init.
ird="$tmp/initramfs"
mkdir -p "$ird/bin" "$ird/mod" "$ird/proc" "$ird/sys" "$ird/dev" "$ird/newroot"
cp "$dir/root/bin/busybox" "$ird/bin/busybox"
: > "$ird/mod/order"
modprobe -d "$dir/root" -S "$kver" -a --show-depends virtio_pci 9pnet_virtio 9p | awk '$1 == "insmod" { print $2 }' | while read -r ko; do
  base=$(basename "$ko")
  grep -qx "$base" "$ird/mod/order" && continue
  cp "$ko" "$ird/mod/$base"
  echo "$base" >> "$ird/mod/order"
done
cat > "$ird/init" <<'INIT'
#!/bin/busybox sh
# Stage 1: load virtio + 9p, mount the host's root (tag "hostroot") read-only, move /dev /proc /sys
# into it and exec the stage-2 script named on the kernel command line (l2tpv3_init=PATH).
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
for m in $(/bin/busybox cat /mod/order); do /bin/busybox insmod "/mod/$m" || echo "stage1: insmod $m failed"; done
if ! /bin/busybox mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /newroot; then
  echo "stage1: cannot mount the host root over 9p"; /bin/busybox poweroff -f
fi
for d in dev proc sys; do /bin/busybox mount --move "/$d" "/newroot/$d"; done
exec /bin/busybox switch_root /newroot "${l2tpv3_init:-/bin/sh}"
INIT
chmod 755 "$ird/init"
(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) > "$dir/initramfs.img.new"
mv "$dir/initramfs.img.new" "$dir/initramfs.img"
cat > "$dir/guest.env" <<ENV
KVER=$kver
KERNEL=$dir/root/boot/vmlinuz-$kver
INITRAMFS=$dir/initramfs.img
MODULES_ROOT=$dir/root
ENV
