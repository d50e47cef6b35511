#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root: installs what the tests use, builds with
# warnings as errors, runs every test project and prints one closing "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

# qemu-system-x86 and busybox-static run the IPVS VM (deploy/ipvs-vm.sh downloads Debian's kernel package into a
# cache with apt-get download; nothing is installed on the host's kernel).
need_pkgs=(keepalived tcpdump iproute2 nftables ipvsadm iputils-ping arping python3 util-linux systemd qemu-system-x86 busybox-static)
missing=()
for p in "${need_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then echo "deploy/test.sh: run as root to install: ${missing[*]}" >&2; exit 2; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "deploy/test.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build ActorHa.sln -c Release -warnaserror -nologo -v q
# The IPVS VM test runs the published (ReadyToRun) node: under qemu's TCG a JIT-compiled start-up is far slower.
dotnet publish src/ActorHa.Node -c Release -o artifacts/actorha -nologo -v q >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test ActorHa.sln -c Release --no-build -nologo 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# dotnet test prints one summary per test assembly; add them up into the single closing line CI reads.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "${passed} passed, ${failed} failed"
exit "$rc"
