#!/usr/bin/env bash
# Runs Hotline locally: Azurite (data in .local/azurite) + the app on http://127.0.0.1:7071, under the
# Functions host (`func start`) when Azure Functions Core Tools are installed, standalone otherwise.
# Installs what it needs on first run. Ctrl-C stops both. HOTLINE_HOST=standalone forces standalone.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

die() { echo "run-local: $*" >&2; exit 1; }
command -v dotnet >/dev/null || die "the .NET SDK is needed: https://dot.net"
command -v node >/dev/null || die "Node.js 20+ is needed for Azurite: https://nodejs.org"

if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  echo "Installing Azurite (npm ci)..."
  npm ci --no-audit --no-fund
fi

echo "Building..."
dotnet build Hotline.sln -c Debug --nologo -v quiet -clp:ErrorsOnly

keys=.local/keys
# Never replace an existing private key (it would make the stored reports unreadable): a lost public key is
# made again from it.
if [ ! -f "$keys/hotline-private.pem" ]; then
  echo "Creating a development key pair in $keys (never use it for real reports)..."
  dotnet src/Hotline.Cli/bin/Debug/net10.0/hotline.dll keys init --unprotected --dir "$keys"
elif [ ! -f "$keys/hotline-public.pem" ]; then
  echo "Recreating the public key in $keys from the private key..."
  dotnet src/Hotline.Cli/bin/Debug/net10.0/hotline.dll keys public --dir "$keys"
fi

if [ ! -f local.settings.json ]; then
  # A local Twilio account: Hotline's sends go to scripts/twilio-sink.js (printed, not sent), and
  # scripts/send-sms.sh signs test SMS with this token. Replace all of it to use a real Twilio account.
  echo "Creating local.settings.json from local.settings.sample.json (a fresh phone pepper, a local Twilio stand-in)..."
  node -e '
    const fs = require("fs"), crypto = require("crypto");
    const s = JSON.parse(fs.readFileSync("local.settings.sample.json", "utf8"));
    Object.assign(s.Values, {
      Hotline__PhonePepper: crypto.randomBytes(32).toString("base64"),
      Twilio__AccountSid: "AC" + crypto.randomBytes(16).toString("hex"),
      Twilio__AuthToken: crypto.randomBytes(16).toString("hex"),
      Twilio__PhoneNumber: "+15005550006",
      Twilio__ApiBaseUrl: "http://127.0.0.1:7072",
      Twilio__WebhookBaseUrl: "http://127.0.0.1:7071",
      Responders__0__Name: "Local responder",
      Responders__0__Phone: "+15005550009",
    });
    fs.writeFileSync("local.settings.json", JSON.stringify(s, null, 2) + "\n", { mode: 0o600 });'
fi

mkdir -p .local/azurite
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
azurite_pid=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$azurite_pid" ] && kill "$azurite_pid" 2>/dev/null || true
  [ -n "${sink_pid:-}" ] && kill "$sink_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if port_open 10000 && port_open 10001; then
  echo "Azurite (or another storage emulator) is already listening on 10000/10001: using it."
else
  node node_modules/azurite/dist/src/azurite.js --disableTelemetry --skipApiVersionCheck --loose \
    --location .local/azurite --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    > .local/azurite.log 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 100); do
    port_open 10000 && port_open 10001 && break
    kill -0 "$azurite_pid" 2>/dev/null || die "Azurite failed to start; see .local/azurite.log"
    sleep 0.2
  done
fi

# The local Twilio stand-in, when the settings point Hotline's Twilio calls at it.
sink_pid=""
if [ "$(node -p 'JSON.parse(require("fs").readFileSync("local.settings.json","utf8")).Values.Twilio__ApiBaseUrl || ""')" = "http://127.0.0.1:7072" ]; then
  port_open 7072 && die "port 7072 (the local Twilio stand-in) is in use by another process"
  node scripts/twilio-sink.js 7072 &
  sink_pid=$!
fi

host=standalone
if [ "${HOTLINE_HOST:-}" != standalone ] && command -v func >/dev/null; then
  host=func
fi

cat <<TEXT

  Hotline is starting ($([ $host = func ] && echo "under the Functions host: func start" || echo "standalone: Azure Functions Core Tools (func) not found, or HOTLINE_HOST=standalone"), Azurite storage):
    web form        http://127.0.0.1:7071/
    health          http://127.0.0.1:7071/api/health
    tips API        POST http://127.0.0.1:7071/api/tips
    SMS webhook     POST http://127.0.0.1:7071/api/sms   (try: ./scripts/send-sms.sh "a message")
    settings        $root/local.settings.json
    public key      $root/$keys/hotline-public.pem   (the app's: encrypts only)
    private key     $root/$keys/hotline-private.pem  (responders': reads reports)
    Azurite data    $root/.local/azurite  (log: .local/azurite.log)
  Ctrl-C stops the app and Azurite.

TEXT
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
if [ $host = func ]; then
  # Core Tools read local.settings.json from the folder they start in, and never override a variable that
  # is already set: the key paths, relative to the repository, are passed absolute.
  export Hotline__PublicKeyPath="$root/$keys/hotline-public.pem" Hotline__PrivateKeyPath="$root/$keys/hotline-private.pem"
  out=src/Hotline.Functions/bin/Debug/net10.0
  install -m 600 local.settings.json "$out/local.settings.json"
  (cd "$out" && exec func start --port 7071 "$@") &
else
  dotnet src/Hotline.Functions/bin/Debug/net10.0/Hotline.Functions.dll --standalone "$@" &
fi
app_pid=$!
wait "$app_pid"
