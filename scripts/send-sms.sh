#!/usr/bin/env bash
# Sends one SMS to a local Hotline as Twilio would: a webhook request to /api/sms, signed with the auth token
# over the public webhook URL, and prints Hotline's reply. No Twilio account needed.
#   scripts/send-sms.sh "They took our passports"            a tipster's message (same sender: same case)
#   scripts/send-sms.sh --from +15005550011 "LANG"           another sender
# Defaults come from local.settings.json (Twilio__AuthToken, Twilio__AccountSid, Twilio__PhoneNumber,
# Twilio__WebhookBaseUrl) and run-local's address; override with --url URL (where to post), --token T,
# --account AC..., --to NUMBER (the hotline's), --from NUMBER (the tipster's), --settings FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "send-sms: $*" >&2; exit 1; }
url="" token="" account="" to="" from="" settings="local.settings.json" body=""
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url=${2:?--url needs a value}; shift 2 ;;
    --token) token=${2:?--token needs a value}; shift 2 ;;
    --account) account=${2:?--account needs a value}; shift 2 ;;
    --to) to=${2:?--to needs a value}; shift 2 ;;
    --from) from=${2:?--from needs a value}; shift 2 ;;
    --settings) settings=${2:?--settings needs a value}; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; body=${1-}; shift $# ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$body" ] || die "one message at a time: quote it (\"...\")"; body=$1; shift ;;
  esac
done
[ -n "$body" ] || die "no message: scripts/send-sms.sh \"text\""
command -v node >/dev/null || die "Node.js is needed: https://nodejs.org"
[ -f node_modules/twilio/package.json ] || die "Twilio's Node library is missing: run npm ci (run-local.sh does)"

URL=$url TOKEN=$token ACCOUNT=$account TO=$to FROM=$from SETTINGS=$settings BODY=$body exec node -e '
const fs = require("fs"), crypto = require("crypto"), twilio = require("twilio");
const fail = (line) => { console.error("send-sms: " + line); process.exit(1); };
let values = {};
if (fs.existsSync(process.env.SETTINGS)) {
  try { values = JSON.parse(fs.readFileSync(process.env.SETTINGS, "utf8")).Values || {}; }
  catch { fail(process.env.SETTINGS + " is not valid JSON"); }
}
const pick = (given, name, fallback) => given || values[name] || fallback;
const url = pick(process.env.URL, "", "http://127.0.0.1:7071").replace(/\/+$/, "");
const token = pick(process.env.TOKEN, "Twilio__AuthToken", "");
const account = pick(process.env.ACCOUNT, "Twilio__AccountSid", "");
const publicBase = (values.Twilio__WebhookBaseUrl || url).replace(/\/+$/, "");
if (!token) fail("no auth token: set Twilio__AuthToken in " + process.env.SETTINGS + " (run-local.sh writes a local one) or pass --token");
if (!/^AC[0-9a-f]{32}$/.test(account)) fail("no account SID (AC + 32 hex digits): set Twilio__AccountSid in " + process.env.SETTINGS + " or pass --account");
const sid = "SM" + crypto.randomBytes(16).toString("hex");
const params = {
  MessageSid: sid, SmsMessageSid: sid, SmsSid: sid, AccountSid: account,
  From: pick(process.env.FROM, "", "+15005550010"), To: pick(process.env.TO, "Twilio__PhoneNumber", "+15005550006"),
  Body: process.env.BODY, NumMedia: "0", NumSegments: "1", ApiVersion: "2010-04-01",
};
// Signed over the public URL, as Twilio signs: the app checks the signature against Twilio__WebhookBaseUrl.
const signature = twilio.getExpectedTwilioSignature(token, publicBase + "/api/sms", params);
fetch(url + "/api/sms", {
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature },
  body: new URLSearchParams(params).toString(),
}).then(async (response) => {
  const text = await response.text();
  if (response.status !== 200) fail("Hotline answered " + response.status + (response.status === 403 ? " (the signature: are --token and Twilio__WebhookBaseUrl the app'"'"'s?)" : ""));
  const replies = [...text.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) => m[1]
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&apos;/g, "'"'"'").replace(/&amp;/g, "&"));
  console.log(replies.length ? replies.join("\n") : "(no reply: Hotline stored it and says nothing, as for STOP)");
}, (error) => fail("cannot reach " + url + " (" + (error.cause?.code || error.message) + "): is Hotline running? ./scripts/run-local.sh"));
'
