#!/usr/bin/env bash
# Builds the ActorHa .deb with dpkg-deb (no debhelper): a self-contained publish of src/ActorHa.Node (the .NET 10
# runtime inside, so a plain Debian 12 needs no Microsoft repository), the systemd unit, /etc/actorha/keepalived.conf
# and /etc/default/actorha (both conffiles), a logrotate file, and maintainer scripts that enable the unit without
# starting it.
#
#   bash deploy/deb/build.sh [OUTDIR]      -> OUTDIR/actorha_<version>_amd64.deb (OUTDIR defaults to artifacts/)
#
# ACTORHA_DEB_VERSION=... overrides the package version (default 0.1.0~git<commits>.<hash>); not VERSION: MSBuild
# reads every environment variable as a property, and a Debian version in $(Version) makes the restore fail silently.
# Needs the .NET 10 SDK and dpkg-deb.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
out=$(mkdir -p "${1:-artifacts}" && cd "${1:-artifacts}" && pwd)

VERSION=${ACTORHA_DEB_VERSION:-}
if [[ -z $VERSION ]]; then
    if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
        VERSION="0.1.0~git$(git -C "$repo" rev-list --count HEAD).$(git -C "$repo" rev-parse --short HEAD)"
    else
        VERSION=0.1.0
    fi
fi

work=$(mktemp -d "$out/deb-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Self-contained and ReadyToRun (the project's publish default) for linux-x64; global properties beat the
# project's SelfContained=false.
dotnet publish src/ActorHa.Node -c Release -r linux-x64 -p:SelfContained=true --disable-build-servers -nologo -v "${BUILD_VERBOSITY:-q}" -o "$work/publish"

install -d "$root/DEBIAN" "$root/usr/lib/actorha" "$root/usr/sbin" "$root/lib/systemd/system" \
    "$root/etc/actorha" "$root/etc/default" "$root/etc/logrotate.d" "$root/usr/share/doc/actorha"
cp -a "$work/publish/." "$root/usr/lib/actorha/"
# Debug symbols stay out of the package.
find "$root/usr/lib/actorha" -name '*.pdb' -delete
chmod 0755 "$root/usr/lib/actorha/actorha"
ln -s ../lib/actorha/actorha "$root/usr/sbin/actorha"
install -m 0644 deploy/systemd/actorha.service "$root/lib/systemd/system/actorha.service"
install -m 0644 deploy/deb/keepalived.conf "$root/etc/actorha/keepalived.conf"
install -m 0644 deploy/deb/default "$root/etc/default/actorha"
install -m 0644 deploy/deb/logrotate "$root/etc/logrotate.d/actorha"
install -m 0644 README.md "$root/usr/share/doc/actorha/README.md"

cat > "$root/DEBIAN/conffiles" <<CONFFILES
/etc/actorha/keepalived.conf
/etc/default/actorha
/etc/logrotate.d/actorha
CONFFILES

installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: actorha
Version: $VERSION
Architecture: amd64
Maintainer: ActorHa developers <actorha@example.org>
Installed-Size: $installed_size
Depends: libc6 (>= 2.27), libgcc-s1, libstdc++6, libssl3 | libssl1.1, util-linux
Suggests: ipvsadm
Section: net
Priority: optional
Homepage: https://example.org/actorha
Description: keepalived-compatible VRRP and health-checking node on Akka.NET
 ActorHa reads keepalived.conf unchanged, speaks VRRP v2/v3 with keepalived peers,
 moves virtual IPs and health-checks real servers. This package ships a
 self-contained build (the .NET runtime included), a hardened Type=notify
 systemd unit, and /etc/actorha/keepalived.conf.
CONTROL

cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
# Enable the unit at boot but do not start it: the shipped configuration does nothing until edited.
set -e
if [ "$1" = "configure" ]; then
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload || true
    fi
    if command -v systemctl >/dev/null 2>&1; then
        # Works offline too (a chroot, an image build): it only creates the WantedBy symlink.
        systemctl enable actorha.service >/dev/null 2>&1 || true
    fi
fi
exit 0
POSTINST

cat > "$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
# On removal the node stops the protocol's way (priority-0 advert, VIPs removed) before its files go.
set -e
if [ "$1" = "remove" ] || [ "$1" = "deconfigure" ]; then
    if [ -d /run/systemd/system ]; then
        systemctl stop actorha.service || true
    fi
    if command -v systemctl >/dev/null 2>&1; then
        systemctl disable actorha.service >/dev/null 2>&1 || true
    fi
fi
exit 0
PRERM

cat > "$root/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
fi
if [ "$1" = "purge" ]; then
    rm -rf /run/actorha /var/log/actorha
fi
exit 0
POSTRM
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

deb="$out/actorha_${VERSION}_amd64.deb"
dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
echo "$deb"
