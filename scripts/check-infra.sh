#!/usr/bin/env bash
# Compiles and lints infra/ with the Bicep CLI from NuGet (no Azure CLI needed). Any diagnostic,
# warning or error, fails: a warning in Bicep is usually a deployment that fails later in Azure.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "check-infra: $*" >&2; exit 1; }
command -v dotnet >/dev/null || die "the .NET SDK is needed: https://dot.net"

version=$(sed -n 's/.*Azure.Bicep.CommandLine.linux-x64" Version="\[\(.*\)\]".*/\1/p' infra/tools/BicepCli.csproj)
dotnet restore infra/tools/BicepCli.csproj --nologo -v quiet >/dev/null || die "could not restore Azure.Bicep.CommandLine.linux-x64 $version"
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
bicep="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"
[ -f "$bicep" ] || die "no Bicep CLI at $bicep"
[ -x "$bicep" ] || chmod u+x "$bicep"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
run() {
  local log="$out/log"
  if ! "$bicep" "$@" >"$out/stdout" 2>"$log" || grep -Eq '(Warning|Error) ' "$log"; then
    cat "$log" >&2
    status=1
  fi
}
run build infra/main.bicep --outdir "$out"
run lint infra/main.bicep
# main.parameters.json is azd's (placeholders azd fills from its environment): tests/Hotline.Tests/Infra checks
# it names only the template's parameters and every required one, and bash -n checks the postprovision hook.
bash -n infra/hooks/postprovision.sh || status=1

[ $status -eq 0 ] || die "infra/ has Bicep diagnostics (above)"
echo "infra: main.bicep builds and lints clean (Bicep $version); the azd hook parses"
