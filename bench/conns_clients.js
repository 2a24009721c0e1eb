#!/usr/bin/env node
// N idle Engine.IO/Socket.IO connections over raw websocket frames, for bench/connections.py.
//
//   node bench/conns_clients.js --urls ws://127.0.0.1:P1/socket.io/[,ws://...] --count N
//                               [--local 127.0.0.2,127.0.0.3] [--first 0] [--inflight 200]
//                               [--sender] [--catchup]
//
// Each connection is a bare `ws` socket speaking Engine.IO v4 by hand: it
// answers the server's pings ("2" -> "3"), joins the default namespace
// ("40" with auth {name, client, offset, epoch}) and otherwise stays idle, so
// what the server holds per connection is what is measured, not a client
// library. Connection i goes to urls[i % len] from local address
// local[i % len] (several source addresses: each one has its own 64k ports,
// and the servers count connections per address). `--sender` adds one
// more connection (not counted in N) that sends on command.
//
// stdin commands (one JSON line each), stdout events:
//   (start)                     -> {"event":"open","seconds":S,"failed":F}  once all N are in
//   {"cmd":"send","token":T}    -> the sender emits send-message(T): {"event":"sent","ns":t}
//   {"cmd":"expect","token":T}  -> {"event":"got","token":T,"last_ns":t,"missing":m}
//                                   once every connection has T (or 60 s passed)
//   {"cmd":"storm","token":T,"post":K}
//                               -> armed for a server restart: every connection that
//                                  closes reconnects after a random 0-1 s (then as the
//                                  desktop client does: `backoff` below); prints
//                                  {"event":"back","last_ns":t,"reconnects":R} once
//                                  all N are connected again, and with --catchup
//                                  {"event":"caughtup","last_ns":t,"missing":m} once every
//                                  one has had replay-done and the K messages "T-i"
//                                  the sender posts as soon as it is back (live or replayed)
//   {"cmd":"rss"}               -> {"event":"rss","bytes":B} (this process)
// Times are process.hrtime.bigint(): CLOCK_MONOTONIC, the clock of Python's
// time.monotonic_ns() on Linux. Exits when stdin ends. Loopback only.
"use strict";

const readline = require("readline");
const { interop, opt, has, out } = require("./_clients");
const WebSocket = interop("ws");

const urls = String(opt("--urls")).split(",");
const count = Number(opt("--count", "1000"));
const locals = String(opt("--local", "127.0.0.1")).split(",");
const first = Number(opt("--first", "0"));
const inflight = Number(opt("--inflight", "200"));
const hasSender = has("--sender");
const catchup = has("--catchup");

const now = () => process.hrtime.bigint();

class Conn {
  constructor(index, url, local) {
    this.index = index;
    this.url = url;
    this.local = local;
    this.key = `bench-${process.pid}-${index}`;
    this.connected = false;
    this.offset = null;
    this.epoch = "";
    this.tokens = new Set();
    this.replayed = false;
    this.caught = false;
    this.onConnect = null;
    this.reconnecting = false;
    this.ws = null;
  }

  open() {
    const ws = new WebSocket(this.url, { localAddress: this.local, perMessageDeflate: false });
    this.ws = ws;
    ws.on("message", (data) => this.packet(data.toString()));
    ws.on("close", () => this.closed());
    ws.on("error", () => {}); // "close" follows
  }

  packet(text) {
    const type = text[0];
    if (type === "2") {
      this.ws.send("3");
    } else if (type === "0") {
      const auth = { name: `c${this.index}`, client: this.key };
      if (this.offset !== null) {
        auth.offset = this.offset;
        if (this.epoch) auth.epoch = this.epoch;
      }
      this.ws.send("40" + JSON.stringify(auth));
    } else if (text.startsWith("40")) {
      if (!this.connected && this !== sender) connectedCount += 1;
      this.connected = true;
      const cb = this.onConnect;
      this.onConnect = null;
      if (cb) cb(true);
    } else if (text.startsWith("44")) {
      const cb = this.onConnect;
      this.onConnect = null;
      if (cb) cb(false);
    } else if (text.startsWith("42")) {
      this.event(JSON.parse(text.slice(2)));
    }
  }

  event([name, a, b]) {
    if (name === "receive-message") {
      if (b && typeof b.offset === "number") this.offset = b.offset;
      if (typeof a === "string") {
        this.tokens.add(a);
        waiters.forEach((w) => w(this, a));
      }
    } else if (name === "server-info") {
      if (this.offset === null && typeof a.offset === "number") this.offset = a.offset;
      if (a.epoch) this.epoch = a.epoch;
    } else if (name === "replay-done") {
      if (typeof a.offset === "number") this.offset = Math.max(this.offset || 0, a.offset);
      this.replayed = true;
      waiters.forEach((w) => w(this, null));
    }
  }

  closed() {
    const was = this.connected;
    if (was && this !== sender) connectedCount -= 1;
    this.connected = false;
    this.caught = false;
    this.ws = null;
    const cb = this.onConnect;
    this.onConnect = null;
    if (cb) cb(false);
    if (storm && was) {
      storm.down += 1;
      this.replayed = false;
      const delay = this === sender ? 20 : Math.random() * 1000;
      setTimeout(() => this.reconnect(), delay);
    }
  }

  connect() {
    return new Promise((resolve) => {
      this.onConnect = resolve;
      this.open();
    });
  }

  async reconnect() {
    if (this.reconnecting) return;
    this.reconnecting = true;
    for (let attempt = 1; ; attempt++) {
      if (await this.connect()) break;
      if (this.ws) this.ws.terminate();
      await new Promise((r) => setTimeout(r, this === sender ? 20 : backoff(attempt)));
    }
    this.reconnecting = false;
    storm.reconnects += 1;
    if (this === sender) senderBack();
    stormCheck(this);
  }
}

// The desktop client's backoff (client/status.py Backoff): 0.5 s doubling to
// 10 s, each less up to 30 % at random. (socket.io-client's: 1 s doubling to
// 5 s, +-50 %.) Retrying every 0.25-0.5 s, as this did, 15,000 clients made
// 30,000-60,000 refused connects a second while the server restarted.
function backoff(attempt) {
  const base = Math.min(10000, 500 * 2 ** (attempt - 1));
  return base * (1 - 0.3 * Math.random());
}

const conns = [];
for (let i = 0; i < count; i++) {
  const n = first + i;
  conns.push(new Conn(n, urls[n % urls.length], locals[n % locals.length]));
}
const sender = hasSender ? new Conn(-1, urls[0], locals[0]) : null;
const waiters = new Set();
let storm = null;
let connectedCount = 0;
let caughtCount = 0;

async function openAll() {
  const started = now();
  let next = 0;
  let failed = 0;
  async function lane() {
    while (next < conns.length) {
      const conn = conns[next++];
      for (let attempt = 0; ; attempt++) {
        if (await conn.connect()) break;
        if (conn.ws) conn.ws.terminate();
        if (attempt === 20) {
          failed += 1;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  await Promise.all(Array.from({ length: inflight }, lane));
  const seconds = Number(now() - started) / 1e9;
  if (sender) await sender.connect();
  out({ event: "open", seconds, failed });
}

function expect(token) {
  let last = 0n;
  let left = conns.filter((c) => !c.tokens.has(token)).length;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    waiters.delete(waiter);
    clearTimeout(timer);
    const missing = conns.filter((c) => !c.tokens.has(token)).length;
    out({ event: "got", token, last_ns: String(last), missing });
  };
  const waiter = (conn, text) => {
    if (text !== token) return;
    last = now();
    left -= 1;
    if (left <= 0) finish();
  };
  waiters.add(waiter);
  const timer = setTimeout(finish, 60000);
  if (left <= 0) finish();
}

function stormCheck(conn) {
  if (!storm) return;
  if (catchup && conn && conn !== sender && !conn.caught && caughtUp(conn)) {
    conn.caught = true;
    caughtCount += 1;
  }
  if (!storm.backSent && connectedCount === conns.length) {
    storm.backSent = true;
    out({ event: "back", last_ns: String(now()), reconnects: storm.reconnects, down: storm.down });
  }
  if (catchup && !storm.caughtSent && storm.posted && caughtCount === conns.length) {
    storm.caughtSent = true;
    out({ event: "caughtup", last_ns: String(now()), missing: 0 });
  }
}

function caughtUp(conn) {
  if (!conn.connected || !conn.replayed) return false;
  for (const t of storm.expected) if (!conn.tokens.has(t)) return false;
  return true;
}

function senderBack() {
  if (!storm || storm.posted || storm.post === 0) return;
  for (const t of storm.expected) sender.ws.send("42" + JSON.stringify(["send-message", t]));
  storm.posted = true;
}

function arm(token, post) {
  const expected = Array.from({ length: post }, (_, i) => `${token}-${i}`);
  storm = { token, post, expected, reconnects: 0, down: 0, posted: !sender || post === 0,
            backSent: false, caughtSent: false };
  caughtCount = 0;
  waiters.add((conn) => stormCheck(conn));
  setTimeout(() => {
    if (storm && !storm.caughtSent && catchup) {
      const missing = conns.filter((c) => !caughtUp(c)).length;
      out({ event: "caughtup", last_ns: String(now()), missing });
      storm.caughtSent = true;
    }
    if (storm && !storm.backSent) {
      out({ event: "back", last_ns: String(now()), reconnects: storm.reconnects,
            missing: conns.filter((c) => !c.connected).length });
      storm.backSent = true;
    }
  }, 180000).unref();
}

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const cmd = JSON.parse(line);
  if (cmd.cmd === "send") {
    sender.ws.send("42" + JSON.stringify(["send-message", cmd.token]));
    out({ event: "sent", ns: String(now()) });
  } else if (cmd.cmd === "expect") {
    expect(cmd.token);
  } else if (cmd.cmd === "storm") {
    arm(cmd.token, cmd.post || 0);
    out({ event: "armed" });
  } else if (cmd.cmd === "rss") {
    out({ event: "rss", bytes: process.memoryUsage().rss });
  }
});
rl.on("close", () => process.exit(0));

openAll().catch((err) => {
  process.stderr.write(`conns_clients.js: ${err.stack || err}\n`);
  process.exit(1);
});
