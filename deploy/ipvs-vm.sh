#!/usr/bin/env bash
# Runs one shell command inside a throw-away VM whose kernel has IPVS (this project's CI kernel has none).
#
#   deploy/ipvs-vm.sh WORKDIR 'COMMAND'
#
# The VM boots Debian 12's own kernel under `qemu-system-x86_64 -accel tcg` (KVM is not available here) with a
# busybox initramfs that loads ip_vs (and its schedulers), 9p-mounts the host's root read-only and chroots into
# it, so the command sees the host's programs (dotnet, ipvsadm, python3, the published actorha) unchanged.
# /tmp, /run and /var/tmp are fresh tmpfs mounts inside the VM; WORKDIR (an existing host directory) is shared
# writable at the same path and is the command's working directory, so files put there by the caller are seen
# by the command and files the command writes there are seen by the caller.
#
# The command's output comes back on stdout (through the VM's serial console, prefixed lines of the kernel
# excluded); the script exits with the command's exit code, 124 when the VM ran past IPVS_VM_TIMEOUT seconds
# (default 900), 3 when the VM could not be prepared. Nothing is installed on the host: the kernel package is
# downloaded with `apt-get download` and unpacked into IPVS_VM_CACHE (default ~/.cache/actorha-ipvs-vm).
# Needs: qemu-system-x86 and busybox-static (deploy/test.sh installs them).
set -euo pipefail

if (($# != 2)); then
    echo "usage: $0 WORKDIR 'COMMAND'" >&2
    exit 3
fi
workdir=$(realpath "$1")
command=$2
[[ -d $workdir ]] || { echo "ipvs-vm: $workdir is not a directory" >&2; exit 3; }
for tool in qemu-system-x86_64 busybox apt-get dpkg-deb; do
    command -v "$tool" >/dev/null || { echo "ipvs-vm: $tool is missing (apt-get install qemu-system-x86 busybox-static)" >&2; exit 3; }
done
busybox_bin=$(command -v busybox)

cache=${IPVS_VM_CACHE:-$HOME/.cache/actorha-ipvs-vm}
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

# The kernel linux-image-amd64 points at today, unpacked once per version.
version=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -1)
if [[ -z $version ]]; then
    version=$(find "$cache" -maxdepth 1 -name 'kernel-*' -printf '%f\n' | sed 's/^kernel-//' | sort -V | tail -1)
fi
[[ -n $version ]] || { echo "ipvs-vm: cannot find Debian's linux-image-amd64 (apt-get update?)" >&2; exit 3; }
kdir=$cache/kernel-$version
if [[ ! -f $kdir/.complete ]]; then
    rm -rf "$kdir" "$cache"/linux-image-*.deb
    (cd "$cache" && apt-get download "linux-image-$version" >/dev/null 2>&1) || { echo "ipvs-vm: apt-get download linux-image-$version failed" >&2; exit 3; }
    dpkg-deb -x "$cache"/linux-image-"$version"_*.deb "$kdir"
    rm -f "$cache"/linux-image-*.deb
    # The package's postinst would run depmod; busybox's depmod writes the modules.dep modprobe reads.
    busybox depmod -b "$kdir" "$version"
    touch "$kdir/.complete"
fi

# The initramfs: static busybox, the module closure of what the VM needs, and /init.
initrd=$cache/initrd-$version.cpio.gz
if [[ ! -f $initrd || $0 -nt $initrd ]]; then
    staging=$(mktemp -d)
    trap 'rm -rf "$staging"' EXIT
    mkdir -p "$staging"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,host,lib/modules}
    cp "$busybox_bin" "$staging/bin/busybox"
    mods=$kdir/lib/modules/$version
    want=(virtio_pci 9pnet_virtio 9p ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_sed ip_vs_nq
          ip_vs_dh ip_vs_lblc ip_vs_lblcr ip_vs_fo ip_vs_ovf ip_vs_mh crc32c_generic crc32c-intel dummy)
    mkdir -p "$staging/lib/modules/$version"
    for m in "${want[@]}"; do
        line=$(grep -E "/${m}\.ko(\.[a-z]+)?:" "$mods/modules.dep" || true)
        [[ -n $line ]] || continue
        for f in ${line/:/}; do
            mkdir -p "$staging/lib/modules/$version/$(dirname "$f")"
            cp -n "$mods/$f" "$staging/lib/modules/$version/$f"
        done
    done
    cp "$mods"/modules.{dep,alias,symbols,builtin,order} "$staging/lib/modules/$version/"
    cat >"$staging/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_pci 9pnet_virtio 9p crc32c_generic ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_sed \
         ip_vs_nq ip_vs_dh ip_vs_lblc ip_vs_lblcr ip_vs_fo ip_vs_ovf ip_vs_mh dummy; do
    modprobe "$m" 2>/dev/null || echo "ipvs-vm: cannot load $m"
done
workdir=$(sed -n 's/.*ipvsvm.workdir=\([^ ]*\).*/\1/p' /proc/cmdline)
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host || { echo "ipvs-vm: 9p mount failed"; poweroff -f; }
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts devpts /host/dev/pts
mount -t tmpfs shm /host/dev/shm
for d in /tmp /run /var/tmp; do mount -t tmpfs tmp "/host$d"; done
mkdir -p "/host$workdir"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 work "/host$workdir" || { echo "ipvs-vm: work mount failed"; poweroff -f; }
ip link set lo up
chroot /host /bin/sh -c "cd '$workdir' && ip link set lo up && HOME=/tmp PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/share/dotnet:${DOTNET_ROOT:-/usr/lib/dotnet} /bin/sh ./.vm-command > /dev/console 2>&1; echo \$? > .vm-rc"
sync
poweroff -f
EOF
    chmod +x "$staging/init"
    (cd "$staging" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$initrd.tmp"
    mv "$initrd.tmp" "$initrd"
    rm -rf "$staging"
    trap - EXIT
fi
flock -u 9

printf '%s\n' "$command" >"$workdir/.vm-command"
rm -f "$workdir/.vm-rc"
timeout_s=${IPVS_VM_TIMEOUT:-900}
set +e
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m "${IPVS_VM_MEM:-1536}" \
    -nographic -no-reboot -nodefaults -serial stdio -monitor none \
    -kernel "$kdir/boot/vmlinuz-$version" -initrd "$initrd" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init ipvsvm.workdir=$workdir" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap,id=hostroot \
    -virtfs "local,path=$workdir,mount_tag=work,security_model=none,id=work" </dev/null
qrc=$?
set -e
rm -f "$workdir/.vm-command"
if ((qrc == 124 || qrc == 137)); then
    echo "ipvs-vm: the VM ran past ${timeout_s}s and was stopped" >&2
    exit 124
fi
if [[ ! -f $workdir/.vm-rc ]]; then
    echo "ipvs-vm: the VM stopped without the command's exit code (qemu exit $qrc)" >&2
    exit 3
fi
rc=$(cat "$workdir/.vm-rc")
rm -f "$workdir/.vm-rc"
exit "$rc"
