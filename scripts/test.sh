#!/usr/bin/env bash
# Runs every test on a fresh machine: installs Azurite and Twilio's Node library (npm ci),
# Debian's Chromium for the browser tests and tmux for the terminal tests if they are missing, checks infra/ (Bicep build and
# lint), then `dotnet test`.
# The tests start their own Azurite.
#
# --fast (first argument): the developers' loop. Every test but the slow tier (browser, publish, pack, Bicep, the
# crash, fault and corpus runs, real-time deadlines: tests/Hotline.Tests/Infrastructure/Tier.cs), no apt and no
# infra check. It builds the test project and runs its xunit executable directly: `dotnet test` spends about ten
# seconds of CPU on MSBuild, vstest and a discovery pass before the first test. Further arguments go to xunit
# (`-class Hotline.Tests.Sms.MediaTests`, `-method "*Media*"`, `-stopOnFail`). CI runs everything.
set -euo pipefail
cd "$(dirname "$0")/.."

fast=false
if [ "${1:-}" = "--fast" ]; then
  fast=true
  shift
fi

die() { echo "test: $*" >&2; exit 1; }
command -v dotnet >/dev/null || die "the .NET SDK is needed: https://dot.net"
command -v node >/dev/null || die "Node.js 20+ is needed for Azurite: https://nodejs.org"

if ! npm ls --depth=0 >/dev/null 2>&1; then  # missing, or not what package-lock.json pins
  npm ci --no-audit --no-fund
fi

if [ "$fast" = true ]; then
  dotnet build tests/Hotline.Tests -c Release --nologo -v quiet -clp:ErrorsOnly
  # Four tests at a time: the fast tier waits on storage and processes enough that two left the cores a third idle
  # (three runs in a row green). CI keeps xunit.runner.json's two, next to the slow tier's load tests.
  exec dotnet tests/Hotline.Tests/bin/Release/net10.0/Hotline.Tests.dll -noLogo -maxThreads 4 -trait- "Tier=Slow" "$@"
fi

# Debian packages the tests drive: chromium (browser tests), tmux (the responder tool's prompts are
# answered at a real terminal). Installed with apt-get, as root or with sudo, only when missing.
missing=""
command -v chromium >/dev/null || missing="$missing chromium"
command -v tmux >/dev/null || missing="$missing tmux"
if [ -n "$missing" ]; then
  echo "Installing$missing from Debian's packages..."
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq $missing >/dev/null
fi

# infra/ compiles and lints clean (the Bicep CLI comes from NuGet).
bash scripts/check-infra.sh

# The whole solution builds, benchmarks and load harness included: `dotnet test` builds only the test project
# and what it references, and run-local.sh builds everything.
dotnet build Hotline.sln -c Release --nologo -v quiet -clp:ErrorsOnly

results=$(mktemp -d)
set +e
# A test that hangs (a browser waiting on a page that never answers) is stopped after 10 minutes and named, with a
# dump, instead of holding the run until CI's own limit.
dotnet test Hotline.sln -c Release --nologo --results-directory "$results" --logger "trx;LogFileName=hotline.trx" \
  --blame-hang-timeout 10m --blame-hang-dump-type none "$@"
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
