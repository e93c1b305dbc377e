#!/usr/bin/env bash
# Start-up of the published app: the Native AOT executable that ships against a self-contained JIT
# single-file build of the same code (the baseline), measured in the same run on the same Azurite.
# Time is from exec to the first 200 on /api/health (which itself calls blob and queue storage):
# what a Functions cold start waits for. Usage: benchmarks/startup.sh [runs per build, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}

die() { echo "startup: $*" >&2; exit 1; }
for tool in dotnet node curl; do command -v $tool >/dev/null || die "$tool is needed"; done
[ -f node_modules/azurite/dist/src/azurite.js ] || npm ci --no-audit --no-fund

work=$(mktemp -d)
azurite_pid=""
cleanup() {
  [ -z "$azurite_pid" ] || kill "$azurite_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

echo "Publishing both builds (a few minutes)..."
dotnet publish src/Hotline.Functions -c Release -o "$work/aot" --artifacts-path "$work/build-aot" --nologo -v quiet >/dev/null
# The baseline restores with its own lock file: the repository's stays as it is.
dotnet publish src/Hotline.Functions -c Release -o "$work/jit" --artifacts-path "$work/build-jit" --nologo -v quiet \
  -p:PublishAot=false -p:SelfContained=true -p:PublishSingleFile=true \
  -p:NuGetLockFilePath="$work/jit.packages.lock.json" -p:RestoreLockedMode=false >/dev/null
dotnet run --project src/Hotline.Cli -- keys init --dir "$work/keys" >/dev/null

blob_port=$(free_port); queue_port=$(free_port); table_port=$(free_port)
node node_modules/azurite/dist/src/azurite.js --silent --inMemoryPersistence --disableTelemetry --skipApiVersionCheck \
  --blobPort "$blob_port" --queuePort "$queue_port" --tablePort "$table_port" >"$work/azurite.log" 2>&1 &
azurite_pid=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$queue_port/" && break
  kill -0 "$azurite_pid" 2>/dev/null || die "Azurite did not start: $(cat "$work/azurite.log")"
  sleep 0.1
done
key=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==
export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;"
export Hotline__PublicKeyPath="$work/keys/hotline-public.pem"
export Hotline__PhonePepper="startup-benchmark-pepper-0123456789abcdef"
export AzureWebJobs__DispatchTriage__Disabled=true AzureWebJobs__DispatchTriagePoison__Disabled=true
unset FUNCTIONS_CUSTOMHANDLER_PORT Hotline__KeyVaultUri Twilio__AccountSid || true

# Prints "<ms> <rss KB>" for one start of the executable in folder $1.
start_once() {
  local dir=$1 port pid begin end rss
  port=$(free_port)
  begin=$(date +%s%N)
  ( cd "$dir" && exec ./Hotline.Functions --urls "http://127.0.0.1:$port" >/dev/null 2>&1 ) &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/health" 2>/dev/null)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || die "$dir/Hotline.Functions exited"
    [ $(( $(date +%s%N) - begin )) -lt 60000000000 ] || { kill "$pid"; die "$dir/Hotline.Functions was not healthy within 60 s"; }
    sleep 0.005
  done
  end=$(date +%s%N)
  rss=$(ps -o rss= -p "$pid" | tr -d ' ')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (end - begin) / 1000000 )) $rss"
}

# Warm Azurite and the file cache once, then alternate the builds so drift hits both alike.
start_once "$work/jit" >/dev/null; start_once "$work/aot" >/dev/null
: >"$work/aot.txt"; : >"$work/jit.txt"
for _ in $(seq "$runs"); do
  start_once "$work/jit" >>"$work/jit.txt"
  start_once "$work/aot" >>"$work/aot.txt"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
jit_ms=$(cut -d' ' -f1 "$work/jit.txt" | median); aot_ms=$(cut -d' ' -f1 "$work/aot.txt" | median)
jit_rss=$(cut -d' ' -f2 "$work/jit.txt" | median); aot_rss=$(cut -d' ' -f2 "$work/aot.txt" | median)
size() { du -m "$1/Hotline.Functions" | cut -f1; }

echo
echo "Start to first healthy /api/health, median of $runs runs each ($(nproc) cores):"
echo
echo "| build | size MB | start ms (min-max) | median ms | RSS MB | median / baseline |"
echo "| --- | --- | --- | --- | --- | --- |"
for build in jit aot; do
  ms=$([ $build = jit ] && echo "$jit_ms" || echo "$aot_ms")
  rss=$([ $build = jit ] && echo "$jit_rss" || echo "$aot_rss")
  name=$([ $build = jit ] && echo "baseline: self-contained JIT single file" || echo "Native AOT (ships)")
  range="$(cut -d' ' -f1 "$work/$build.txt" | sort -n | head -1)-$(cut -d' ' -f1 "$work/$build.txt" | sort -n | tail -1)"
  echo "| $name | $(size "$work/$build") | $range | $ms | $((rss / 1024)) | $(awk -v a="$ms" -v b="$jit_ms" 'BEGIN { printf "%.2fx", a / b }') |"
done
