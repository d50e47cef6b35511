#!/usr/bin/env bash
# The demo. Until the node runs, it builds actorha and checks every conf.d example.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dotnet >/dev/null || { echo "deploy/demo.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish src/ActorHa.Node -c Release -o artifacts/actorha -nologo -v q
./artifacts/actorha/actorha --help
