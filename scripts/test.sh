#!/usr/bin/env bash
# Runs every test on a fresh machine: installs Azurite (npm ci), Debian's Chromium for the
# browser tests and clang for the Native AOT publish test if they are missing, checks infra/
# (Bicep build and lint), then `dotnet test`.
# The tests start their own Azurite.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "test: $*" >&2; exit 1; }
command -v dotnet >/dev/null || die "the .NET SDK is needed: https://dot.net"
command -v node >/dev/null || die "Node.js 20+ is needed for Azurite: https://nodejs.org"

if [ ! -f node_modules/azurite/dist/src/azurite.js ] || [ ! -d node_modules/twilio ]; then
  npm ci --no-audit --no-fund
fi

apt_packages=()
command -v chromium >/dev/null || apt_packages+=(chromium)
# The publish test builds the Native AOT executable: it links with clang (or gcc) and needs objcopy (binutils).
{ command -v clang >/dev/null || command -v gcc >/dev/null; } && command -v objcopy >/dev/null || apt_packages+=(clang)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "Installing Debian's ${apt_packages[*]} (browser tests, Native AOT publish)..."
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

# infra/ compiles and lints clean (the Bicep CLI comes from NuGet).
bash scripts/check-infra.sh

results=$(mktemp -d)
set +e
dotnet test Hotline.sln -c Release --nologo --results-directory "$results" --logger "trx;LogFileName=hotline.trx" "$@"
status=$?
set -e

# One plain closing line: "N passed, N failed".
trx="$results/hotline.trx"
if [ -f "$trx" ]; then
  passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
  failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
  echo "Tests: ${passed:-0} passed, ${failed:-0} failed"
fi
exit $status
