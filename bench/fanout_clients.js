#!/usr/bin/env node
// Senders and N receivers in a room, socket.io-client 4.8, for bench/fanout.py and bench/scale.py.
//
//   node bench/fanout_clients.js --url http://127.0.0.1:PORT[,http://127.0.0.1:PORT2...]
//                                [--clients 100] [--senders 1] [--room bench]
//
// Connects the receivers (websocket; receiver i to the i-th URL round-robin),
// joins them to the room (waits for each join's ack, or 2 s), connects the
// senders (also round-robin), prints {"event":"ready"}. Then on stdin
// {"cmd":"run","count":N,"size":100,"rate":0} the senders emit N
// `send-message(text, room)` between them (the tutorial's two arguments):
// all at once (rate 0, bursty), or paced at `rate` messages a second in all.
// Once every receiver has all N, or nothing has arrived for 10 s, it prints
// {"event":"done","seconds":S,"deliveries":D,"p50_ms","p99_ms","gaps",
//  "duplicates","disorder","orders"}:
//   gaps        messages a receiver never got (summed over receivers)
//   duplicates  messages a receiver got more than once
//   disorder    a sender's messages that came out of that sender's order
//   orders      how many different arrival orders the receivers saw (1: one order)
// Latency is from the emit to the receipt, both in this process's clock.
// Uses tests/interop/node_modules. Loopback only.
"use strict";

const readline = require("readline");
const { interop, opt, out } = require("./_clients");
const { io } = interop("socket.io-client");

const urls = String(opt("--url")).split(",");
const clients = Number(opt("--clients", "100"));
const senderCount = Number(opt("--senders", "1"));
const room = opt("--room", "bench");
const STALL_MS = 10000;

function connect(name, url) {
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

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

async function main() {
  const receivers = [];
  for (let i = 0; i < clients; i++) receivers.push(await connect(`r${i}`, urls[i % urls.length]));
  await Promise.all(receivers.map(join));
  const senders = [];
  for (let j = 0; j < senderCount; j++) {
    const s = await connect(`sender${j}`, urls[j % urls.length]);
    await join(s);
    senders.push(s);
  }
  let run = null;

  receivers.forEach((s, i) => {
    s.on("receive-message", (text) => {
      if (run === null) return;
      const at = now();
      // text: "<sender>:<seq>:<sent ms>:<padding>"
      const [sender, seq, sent] = String(text).split(":", 3);
      const key = Number(sender) * run.perSender + Number(seq);
      const r = run.receivers[i];
      if (r.seen[key]) {
        run.duplicates += 1;
        return;
      }
      r.seen[key] = 1;
      if (Number(seq) <= r.lastSeq[sender]) run.disorder += 1;
      r.lastSeq[sender] = Number(seq);
      r.order = (Math.imul(r.order, 31) + key + 1) | 0;
      r.count += 1;
      run.latencies.push(at - Number(sent));
      run.last = at;
      if (r.count === run.total) {
        run.finished += 1;
        if (run.finished === clients) finish();
      }
    });
  });

  function finish() {
    if (run === null || run.ended) return;
    run.ended = true;
    clearInterval(run.watch);
    const seconds = (run.last - run.start) / 1000;
    const lat = Float64Array.from(run.latencies).sort();
    const pick = (q) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] : null);
    const gaps = run.receivers.reduce((sum, r) => sum + (run.total - r.count), 0);
    out({
      event: "done",
      seconds,
      deliveries: run.latencies.length,
      p50_ms: pick(0.5),
      p99_ms: pick(0.99),
      gaps,
      duplicates: run.duplicates,
      disorder: run.disorder,
      orders: new Set(run.receivers.map((r) => r.order)).size,
    });
  }

  out({ event: "ready" });
  readline.createInterface({ input: process.stdin }).on("line", (line) => {
    const cmd = JSON.parse(line);
    if (cmd.cmd !== "run") return;
    const total = cmd.count;
    const perSender = Math.ceil(total / senderCount);
    const pad = "x".repeat(cmd.size || 100);
    run = {
      total,
      perSender,
      start: now(),
      last: now(),
      finished: 0,
      duplicates: 0,
      disorder: 0,
      latencies: [],
      ended: false,
      receivers: receivers.map(() => ({
        seen: new Uint8Array(perSender * senderCount),
        lastSeq: new Array(senderCount).fill(-1),
        order: 0,
        count: 0,
      })),
    };
    run.watch = setInterval(() => {
      if (now() - run.last > STALL_MS) finish();
    }, 500);
    const emit = (n) => {
      const j = n % senderCount;
      const seq = Math.floor(n / senderCount);
      senders[j].emit("send-message", `${j}:${seq}:${now()}:${pad}`, room);
    };
    if (!cmd.rate) {
      for (let n = 0; n < total; n++) emit(n);
      return;
    }
    // Paced: every millisecond tick, what is due by now.
    let n = 0;
    const started = now();
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((now() - started) / 1000) * cmd.rate) + 1);
      while (n < due) emit(n++);
      if (n >= total) clearInterval(tick);
    }, 1);
  });
  process.stdin.on("end", () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`fanout_clients.js: ${err.stack || err}\n`);
  process.exit(1);
});
