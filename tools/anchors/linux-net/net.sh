#!/usr/bin/env bash
# Builds the Linux side of `cargo xtask bench net`: the Debian kernel of the
# Linux anchor (shared/anchors/linux/build.sh downloads and caches it), its
# NIC modules (virtio_pci, virtio_net, e1000e and what they depend on, in
# modprobe's order) and an initramfs whose /init is net.c. Boots nothing:
# xtask boots it with the same QEMU options as AIOS, connects through the
# host forward, sends the data and reads the result off the console.
#
#   tools/anchors/linux-net/net.sh    build what is missing
#
# Downloads and outputs go to $LINUX_ANCHOR_CACHE (default
# ~/.cache/linux-anchor, the anchor's own cache), under net/. The anchor's
# folder is found at $LINUX_ANCHOR (default: shared/anchors/linux beside the
# repository, then /work/shared/anchors/linux).
# The last line of stdout is `kernel=PATH initrd=PATH release=R package=P version=V`.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
CACHE=${LINUX_ANCHOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linux-anchor}
S=$CACHE/net
log() { echo "[linux-net] $*" >&2; }

ANCHOR=${LINUX_ANCHOR:-}
if [ -z "$ANCHOR" ]; then
    for candidate in "$REPO/../shared/anchors/linux" /work/shared/anchors/linux; do
        if [ -x "$candidate/build.sh" ]; then ANCHOR=$candidate; break; fi
    done
fi
[ -n "$ANCHOR" ] && [ -x "$ANCHOR/build.sh" ] || {
    echo "the Linux anchor (build.sh) was not found; set LINUX_ANCHOR" >&2
    exit 1
}

apt_updated=0
apt_install() { # tool package
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ $apt_updated = 0 ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
    log "apt-get install $2"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

"$ANCHOR/build.sh" >&2   # the kernel (vmlinuz), cached
KPKG=$(sed -n 1p "$CACHE/kernel/version")
KVERSION=$(sed -n 2p "$CACHE/kernel/version")
KVER=$(sed -n 3p "$CACHE/kernel/version")
MODDIR=$S/modules/$KVER
mkdir -p "$S"

# ---- 1. NIC modules --------------------------------------------------------------------------
# The .deb has no modules.dep: extract lib/modules, run depmod on it, and let
# `modprobe --show-depends` give the insmod order (as the storage anchor does).
if [ ! -s "$MODDIR/order" ]; then
    apt_install depmod kmod
    apt_install modprobe kmod
    tmp=$S/modtree.tmp
    rm -rf "$tmp" "$MODDIR"
    mkdir -p "$tmp" "$MODDIR" "$CACHE/debs"
    rm -f "$CACHE/debs/${KPKG}"_*.deb
    sandbox=()
    [ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
    log "apt-get download $KPKG=$KVERSION (for its modules)"
    (cd "$CACHE/debs" && apt-get download -qq "${sandbox[@]}" "$KPKG=$KVERSION" >/dev/null 2>&1) || {
        apt-get update -qq >/dev/null
        (cd "$CACHE/debs" && apt-get download -qq "${sandbox[@]}" "$KPKG=$KVERSION" >/dev/null)
    }
    deb=$(ls "$CACHE/debs/${KPKG}"_*.deb | head -1)
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./lib/modules/$KVER"
    depmod -b "$tmp" "$KVER"
    for m in virtio_pci virtio_net e1000e; do
        modprobe -d "$tmp" -S "$KVER" --show-depends "$m"
    done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' >"$MODDIR/paths"
    : >"$MODDIR/order.tmp"
    while read -r p; do
        cp "$p" "$MODDIR/"
        basename "$p" >>"$MODDIR/order.tmp"
    done <"$MODDIR/paths"
    mv "$MODDIR/order.tmp" "$MODDIR/order"
    rm -rf "$tmp" "$deb"
    log "modules: $(tr '\n' ' ' <"$MODDIR/order")"
else
    log "modules cached: $(tr '\n' ' ' <"$MODDIR/order")"
fi

# ---- 2. /init and the initramfs (reproducible: fixed mtimes, owners, inodes) -----------------
log "compiling net.c (gcc -O2 -static)"
gcc -O2 -static -Wall -o "$S/init" "$HERE/net.c"
python3 - "$S/init" "$MODDIR" "$S/initrd.cpio" <<'PY'
import os, sys
init, moddir, outpath = sys.argv[1:4]
S_IFDIR, S_IFREG, S_IFCHR = 0o040000, 0o100000, 0o020000
entries = []
def d(name): entries.append((name, S_IFDIR | 0o755, b"", 0, 0))
def f(name, src, perm=0o755): entries.append((name, S_IFREG | perm, open(src, "rb").read(), 0, 0))
def c(name, maj, mn, perm=0o600): entries.append((name, S_IFCHR | perm, b"", maj, mn))
for x in ["dev", "proc", "sys", "lib", "lib/modules"]: d(x)
c("dev/console", 5, 1); c("dev/null", 1, 3, 0o666); c("dev/ttyS0", 4, 64)
f("init", init)
f("lib/modules/order", os.path.join(moddir, "order"), 0o644)
for m in open(os.path.join(moddir, "order")).read().split():
    f(f"lib/modules/{m}", os.path.join(moddir, m), 0o644)
out = bytearray()
def hdr(ino, name, mode, size, maj, mn):
    nb = name.encode() + b"\0"
    h = b"070701" + b"".join(b"%08X" % v for v in
        (ino, mode, 0, 0, 1, 0, size, 0, 0, maj, mn, len(nb), 0)) + nb
    h += b"\0" * (-len(h) % 4)
    return h
for ino, (name, mode, data, maj, mn) in enumerate(entries, 1):
    out += hdr(ino, name, mode, len(data), maj, mn) + data + b"\0" * (-len(data) % 4)
out += hdr(0, "TRAILER!!!", 0, 0, 0, 0)
out += b"\0" * (-len(out) % 512)
open(outpath, "wb").write(out)
PY
gzip -9 -n -c "$S/initrd.cpio" >"$S/initrd.gz"
rm -f "$S/initrd.cpio"
log "initramfs: $S/initrd.gz"
echo "kernel=$CACHE/kernel/vmlinuz initrd=$S/initrd.gz release=$KVER package=$KPKG version=$KVERSION"
