// A stand-in for Twilio's REST API on loopback, for local runs without a Twilio account (run-local.sh starts
// it when local.settings.json points Twilio__ApiBaseUrl at it). Every SMS Hotline sends (alerts, replies to
// tipsters) is printed here instead of being sent; deletions of Twilio's copies are answered as done. It keeps
// nothing. Never point a real deployment at it.
"use strict";
const http = require("http");
const crypto = require("crypto");

const port = Number(process.argv[2] || 7072);
const messages = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/;
const message = /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages\/(SM|MM)[0-9a-f]{32}\.json$/;

http.createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const path = request.url.split("?")[0];
    const answer = (status, body) => {
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(body === undefined ? "" : JSON.stringify(body));
    };
    if (request.method === "POST" && messages.test(path)) {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const sid = "SM" + crypto.randomBytes(16).toString("hex");
      console.log(`\n[twilio-sink] SMS to ${form.get("To")} (not sent; no Twilio account):\n${form.get("Body")}`);
      return answer(201, { sid, status: "queued", to: form.get("To"), body: form.get("Body") });
    }
    if (request.method === "DELETE" && message.test(path)) {
      return answer(204);
    }
    return answer(404, { code: 20404, message: "The local Twilio stand-in only takes sends and deletions.", status: 404 });
  });
}).listen(port, "127.0.0.1", () => console.log(`[twilio-sink] listening on http://127.0.0.1:${port} (SMS are printed here, not sent)`));
