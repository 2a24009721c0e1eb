#!/usr/bin/env node
// Well-behaved clients for bench/soak.py: rooms of people who chat, socket.io-client 4.8.
//
//   node bench/soak_clients.js --url http://127.0.0.1:PORT --first-room 0 --rooms 50
//                              [--per-room 20] [--period 30] [--size 100] [--address-base 1]
//
// Connects ROOMS x PER-ROOM clients (websocket, a few at a time), each one
// joining its room `soak-K` (waits for the join's ack). Every client sends
// X-Forwarded-For 10.B.x.y, an address of its own (the server trusts
// 127.0.0.1 as a proxy: the per-address limit stays in force for everyone
// else). Prints {"event":"ready"}. Then on stdin {"cmd":"run","seconds":S}
// each client sends `send-message(text, room)` every PERIOD seconds, at a
// random phase, until S seconds have gone; then waits until every message has
// reached the room's other members (or 20 s without news) and prints
// {"event":"done", sent, acked, expected, delivered, lost, duplicated,
//  disconnects, latencies, sent_at}: lost and duplicated are counted per
// message id (sender, sequence) and receiver; latencies (ms, send to receive,
// both in this process's clock) are all of them, for the driver to merge,
// with each one's send time in sent_at (ms of CLOCK_MONOTONIC, libuv's
// hrtime, the clock of Python's time.monotonic: the driver places them in
// the attack phases).
// Rooms live whole in one process, so every count is exact here.
// Uses tests/interop/node_modules. Loopback only.
"use strict";

const readline = require("readline");
const { interop, opt, out } = require("./_clients");
const { io } = interop("socket.io-client");

const url = String(opt("--url"));
const firstRoom = Number(opt("--first-room", "0"));
const roomCount = Number(opt("--rooms", "50"));
const perRoom = Number(opt("--per-room", "20"));
const period = Number(opt("--period", "30")) * 1000;
const size = Number(opt("--size", "100"));
const addressBase = Number(opt("--address-base", "1"));
const QUIET_MS = 20000;
const BATCH = 20;

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

let disconnects = 0;

function connect(index) {
  const address = `10.${addressBase}.${(index >> 8) & 255}.${index & 255}`;
  return new Promise((resolve, reject) => {
    const s = io(url, {
      transports: ["websocket"],
      forceNew: true,
      auth: { name: `good${index}`, client: `soak-good-${addressBase}-${index}` },
      extraHeaders: { "X-Forwarded-For": address },
    });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
    s.on("disconnect", () => {
      disconnects += 1;
    });
  });
}

function join(s, room) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`join ${room} not acked in 30 s`)), 30000);
    s.emit("join-room", room, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function main() {
  const clients = []; // {s, room, index, seen: Set}
  const total = roomCount * perRoom;
  for (let start = 0; start < total; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(total, start + BATCH); i++) {
      const room = `soak-${firstRoom + Math.floor(i / perRoom)}`;
      batch.push(
        connect(i).then(async (s) => {
          await join(s, room);
          return { s, room, index: i, seen: new Set() };
        }),
      );
    }
    clients.push(...(await Promise.all(batch)));
  }
  // Per message id ("index:seq"): how many of its room's others got it.
  const reached = new Map();
  const latencies = [];
  const sentAt = [];
  let running = false;
  let sent = 0;
  let acked = 0;
  let duplicated = 0;
  let lastNews = now();

  for (const c of clients) {
    c.s.on("receive-message", (text) => {
      if (!running) return;
      const at = now();
      const [sender, seq, stamp] = String(text).split(":", 3);
      const id = `${sender}:${seq}`;
      lastNews = at;
      if (c.seen.has(id)) {
        duplicated += 1;
        return;
      }
      c.seen.add(id);
      reached.set(id, (reached.get(id) || 0) + 1);
      latencies.push(Math.round((at - Number(stamp)) * 10) / 10);
      sentAt.push(Math.round(Number(stamp)));
    });
  }
  out({ event: "ready", clients: clients.length });

  readline.createInterface({ input: process.stdin }).on("line", (line) => {
    const cmd = JSON.parse(line);
    if (cmd.cmd !== "run") return;
    running = true;
    const pad = "x".repeat(size);
    const until = now() + cmd.seconds * 1000;
    const timers = [];
    for (const c of clients) {
      let seq = 0;
      const send = () => {
        if (now() >= until) return;
        const id = `${c.index}:${seq++}`;
        reached.set(id, reached.get(id) || 0);
        sent += 1;
        c.s.emit("send-message", `${id}:${now()}:${pad}`, c.room, () => {
          acked += 1;
          lastNews = now();
        });
        timers.push(setTimeout(send, period));
      };
      timers.push(setTimeout(send, Math.random() * period));
    }
    const expected = () => sent * (perRoom - 1);
    const delivered = () => latencies.length;
    const watch = setInterval(() => {
      if (now() < until) return;
      const waiting = delivered() < expected() || acked < sent;
      if (waiting && now() - lastNews < QUIET_MS) return;
      clearInterval(watch);
      let lost = 0;
      for (const count of reached.values()) lost += perRoom - 1 - count;
      out({
        event: "done",
        sent,
        acked,
        expected: expected(),
        delivered: delivered(),
        lost,
        duplicated,
        disconnects,
        latencies,
        sent_at: sentAt,
      });
    }, 250);
  });
  process.stdin.on("end", () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`soak_clients.js: ${err.stack || err}\n`);
  process.exit(1);
});
