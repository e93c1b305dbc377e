#!/usr/bin/env bash
# Start-up of the published app against a plain JIT build of the same code (the baseline), measured in the
# same run on the same Azurite, two ways:
#   standalone   exec to the first 200 on /api/health (which itself calls blob and queue storage);
#   worker host  exec to exit of `--verify-worker` with the Functions host's switches: the worker host built
#                as the host's launch builds it, settings validated, every function activated (no host runs here).
# Builds: the baseline (`dotnet build -c Release`), the publish without ReadyToRun, and the shipped publish
# (linux-x64, framework-dependent, ReadyToRun). Usage: benchmarks/startup.sh [runs per build, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}

die() { echo "startup: $*" >&2; exit 1; }
for tool in dotnet node curl; do command -v $tool >/dev/null || die "$tool is needed"; done
npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund

work=$(mktemp -d)
azurite_pid=""
cleanup() {
  [ -z "$azurite_pid" ] || kill "$azurite_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

echo "Building the three variants (a few minutes)..."
app=src/Hotline.Functions
dotnet build "$app" -c Release -o "$work/jit" --artifacts-path "$work/build-jit" --nologo -v quiet >/dev/null
dotnet publish "$app" -c Release -o "$work/plain" --artifacts-path "$work/build-plain" --nologo -v quiet -p:PublishReadyToRun=false >/dev/null
dotnet publish "$app" -c Release -o "$work/ship" --artifacts-path "$work/build-ship" --nologo -v quiet >/dev/null
dotnet run --project src/Hotline.Cli -- keys init --unprotected --dir "$work/keys" >/dev/null

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
unset FUNCTIONS_WORKER_DIRECTORY Functions__Worker__HostEndpoint Hotline__KeyVaultUri Twilio__AccountSid ASPNETCORE_URLS || true

# Prints "<ms> <rss KB>" for one standalone start of the app in folder $1.
start_once() {
  local dir=$1 port pid begin end rss
  port=$(free_port)
  begin=$(date +%s%N)
  ( cd "$dir" && exec dotnet Hotline.Functions.dll --urls "http://127.0.0.1:$port" >/dev/null 2>&1 ) &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/health" 2>/dev/null)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || die "$dir/Hotline.Functions.dll exited"
    [ $(( $(date +%s%N) - begin )) -lt 60000000000 ] || { kill "$pid"; die "$dir was not healthy within 60 s"; }
    sleep 0.005
  done
  end=$(date +%s%N)
  rss=$(ps -o rss= -p "$pid" | tr -d ' ')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (end - begin) / 1000000 )) $rss"
}

# Prints "<ms>" for one worker-host build (--verify-worker) of the app in folder $1, started as the host starts it.
worker_once() {
  local dir=$1 port begin end
  port=$(free_port)
  begin=$(date +%s%N)
  ( cd "$dir" && FUNCTIONS_WORKER_DIRECTORY="$dir" exec dotnet Hotline.Functions.dll \
      --host 127.0.0.1 --port "$port" --workerId bench --requestId bench --grpcMaxMessageLength 2147483647 \
      --functions-uri "http://127.0.0.1:$port/" --functions-worker-id bench --functions-request-id bench \
      --functions-grpc-max-message-length 2147483647 --verify-worker >"$work/verify.log" 2>&1 ) || die "--verify-worker failed in $dir: $(cat "$work/verify.log")"
  end=$(date +%s%N)
  echo "$(( (end - begin) / 1000000 ))"
}

builds="jit plain ship"
# Warm Azurite and the file cache once, then alternate the builds so drift hits all alike.
for b in $builds; do start_once "$work/$b" >/dev/null; worker_once "$work/$b" >/dev/null; : >"$work/$b.txt"; : >"$work/$b.worker.txt"; done
for _ in $(seq "$runs"); do
  for b in $builds; do
    start_once "$work/$b" >>"$work/$b.txt"
    worker_once "$work/$b" >>"$work/$b.worker.txt"
  done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
jit_ms=$(cut -d' ' -f1 "$work/jit.txt" | median); jit_worker=$(median <"$work/jit.worker.txt")

echo
echo "Median of $runs runs each ($(nproc) cores); ratios against the baseline in this run:"
echo
echo "| build | size MB | standalone start ms (min-max) | median | / baseline | RSS MB | worker host ms (min-max) | median | / baseline |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for b in $builds; do
  case $b in jit) name="baseline: dotnet build (JIT)";; plain) name="publish linux-x64, no ReadyToRun";; ship) name="publish linux-x64 + ReadyToRun (ships)";; esac
  ms=$(cut -d' ' -f1 "$work/$b.txt" | median); rss=$(cut -d' ' -f2 "$work/$b.txt" | median); worker=$(median <"$work/$b.worker.txt")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$(du -sm --exclude=.azurefunctions "$work/$b" | cut -f1)" \
    "$(cut -d' ' -f1 "$work/$b.txt" | range)" "$ms" "$(awk -v a="$ms" -v b="$jit_ms" 'BEGIN { printf "%.2fx", a / b }')" "$((${rss%.*} / 1024))" \
    "$(range <"$work/$b.worker.txt")" "$worker" "$(awk -v a="$worker" -v b="$jit_worker" 'BEGIN { printf "%.2fx", a / b }')"
done
