#!/usr/bin/env node
// One sender and N receivers in a room, socket.io-client 4.8, for bench/fanout.py.
//
//   node bench/fanout_clients.js --url http://127.0.0.1:PORT [--clients 100] [--room bench]
//
// Connects the receivers (websocket), joins them to the room (waits for each
// join's ack, or 2 s), connects the sender, prints {"event":"ready"}. Then on
// stdin {"cmd":"run","count":N,"size":100} the sender emits N
// `send-message(text, room)` (the tutorial's two arguments) and, once every
// receiver has N, it prints {"event":"done","seconds":S,"deliveries":D}.
// Uses tests/interop/node_modules. Loopback only.
"use strict";

const path = require("path");
const readline = require("readline");
const { io } = require(path.join(__dirname, "..", "tests", "interop", "node_modules", "socket.io-client"));

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const url = opt("--url");
const clients = Number(opt("--clients", "100"));
const room = opt("--room", "bench");

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

function connect(name) {
  return new Promise((resolve, reject) => {
    const s = io(url, { transports: ["websocket"], reconnection: false, auth: { name } });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

function join(s) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 2000);
    s.emit("join-room", room, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function main() {
  const receivers = [];
  for (let i = 0; i < clients; i++) receivers.push(await connect(`r${i}`));
  await Promise.all(receivers.map(join));
  const sender = await connect("sender");
  let counts = new Array(clients).fill(0);
  let target = 0;
  let finished = clients;
  let start = 0n;
  receivers.forEach((s, i) => {
    s.on("receive-message", () => {
      counts[i] += 1;
      if (counts[i] === target) {
        finished += 1;
        if (finished === clients) {
          const seconds = Number(process.hrtime.bigint() - start) / 1e9;
          out({ event: "done", seconds, deliveries: target * clients });
        }
      }
    });
  });
  out({ event: "ready" });
  readline.createInterface({ input: process.stdin }).on("line", (line) => {
    const cmd = JSON.parse(line);
    if (cmd.cmd !== "run") return;
    counts = new Array(clients).fill(0);
    target = cmd.count;
    finished = 0;
    const text = "x".repeat(cmd.size || 100);
    start = process.hrtime.bigint();
    for (let i = 0; i < target; i++) sender.emit("send-message", text, room);
  });
  process.stdin.on("end", () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`fanout_clients.js: ${err.stack || err}\n`);
  process.exit(1);
});
