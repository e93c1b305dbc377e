#!/usr/bin/env bash
# Every Hotline benchmark, one command: prints each table and writes them all to
# artifacts/benchmarks/report.md (not committed; the README quotes a run of it). Each figure stands next to
# a baseline measured in the same run, on this machine:
#   1. micro-benchmarks (BenchmarkDotNet): envelope encryption, signature check, classification, each
#      against the bare primitives it is built on;
#   2. intake at 1, 8, 32 and 64 clients against the storage floor, CPU time per tip, peak RSS;
#   3. tip to first alert, under load and after an idle queue, and behind floods (SMS paced as Twilio does);
#   4. start-up: standalone to the first healthy response, and the worker host's build.
# Usage: benchmarks/run.sh [--quick]   (--quick: fewer requests and start-up runs; for a smoke test, not for quoting)
set -euo pipefail
cd "$(dirname "$0")/.."

requests=400 runs=5 tips=200 flood=20 big_flood=150
if [ "${1:-}" = "--quick" ]; then requests=64 runs=1 tips=40 flood=4 big_flood=30; fi

command -v dotnet >/dev/null || { echo "benchmarks: the .NET SDK is needed" >&2; exit 1; }
npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund

# Build once, quietly: the runs below then print only their tables.
for project in benchmarks/Hotline.Benchmarks benchmarks/Hotline.LoadTest; do
  dotnet build "$project" -c Release --nologo -v quiet >/dev/null || dotnet build "$project" -c Release --nologo -v quiet
done

out=artifacts/benchmarks
mkdir -p "$out"
report="$out/report.md"
{
  echo "# Hotline benchmarks"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), .NET $(dotnet --version); \`benchmarks/run.sh ${1:-}\`."
} >"$report"

section() { printf '\n## %s\n\n`%s`\n\n' "$1" "$2" | tee -a "$report"; }

section "Micro-benchmarks (BenchmarkDotNet, ShortRun, in process)" "dotnet run -c Release --project benchmarks/Hotline.Benchmarks -- --filter '*'"
rm -rf BenchmarkDotNet.Artifacts
dotnet run -c Release --no-build --project benchmarks/Hotline.Benchmarks -- --filter '*' --artifacts "$out/bdn" >"$out/bdn.log" 2>&1 || { tail -40 "$out/bdn.log"; exit 1; }
for table in "$out"/bdn/results/*-report-github.md; do
  grep '^|' "$table" | sed 's/&#39;//g; s/\*\*//g' | tee -a "$report"
  echo | tee -a "$report"
done

section "Intake against the storage floor" "dotnet run -c Release --project benchmarks/Hotline.LoadTest -- --intake $requests"
dotnet run -c Release --no-build --project benchmarks/Hotline.LoadTest -- --intake "$requests" | tee -a "$report"

section "Tip to alert" "dotnet run -c Release --project benchmarks/Hotline.LoadTest -- --tips $tips --concurrency 4 --idle 8 --flood $flood --big-flood $big_flood --digest-after 20"
dotnet run -c Release --no-build --project benchmarks/Hotline.LoadTest -- --tips "$tips" --concurrency 4 --idle 8 --flood "$flood" --big-flood "$big_flood" --digest-after 20 | tee -a "$report"

section "Start-up" "benchmarks/startup.sh $runs"
bash benchmarks/startup.sh "$runs" | tee -a "$report"

echo
echo "Written: $report"
