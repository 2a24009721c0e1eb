#!/usr/bin/env node
// A socket.io-client 4 peer that behaves like the tutorial's browser client,
// driven over JSON lines: commands on stdin, events on stdout (one JSON object
// per line, written synchronously, so each line is flushed as it is printed).
// See README.md for the protocol.
"use strict";

const readline = require("readline");
const { io } = require("socket.io-client");

const USAGE = `usage: node peer.js --url http://127.0.0.1:PORT [options]
  --url URL             server URL (required)
  --path P              Engine.IO path (default /socket.io)
  --transports LIST     e.g. websocket,polling or polling (default: socket.io-client's default)
  --name NAME           sent as auth {name}
  --no-reconnect        do not reconnect after a lost connection
  --try-all-transports  fall back to the next transport when the first fails to open
  -h, --help`;

function fail(msg) {
  process.stderr.write(`peer.js: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { url: null, path: "/socket.io", transports: null, name: null, reconnect: true, tryAllTransports: false };
  const withValue = { "--url": "url", "--path": "path", "--transports": "transports", "--name": "name" };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(USAGE + "\n");
      process.exit(0);
    } else if (withValue[arg]) {
      if (value === undefined) {
        if (i + 1 >= argv.length) fail(`${arg} needs a value`);
        value = argv[++i];
      }
      opts[withValue[arg]] = value;
    } else if (arg === "--no-reconnect" && value === undefined) {
      opts.reconnect = false;
    } else if (arg === "--try-all-transports" && value === undefined) {
      opts.tryAllTransports = true;
    } else {
      fail(`unknown argument ${argv[i]}`);
    }
  }
  if (!opts.url) fail("--url is required");
  if (opts.transports !== null) {
    opts.transports = opts.transports.split(",").map((t) => t.trim()).filter(Boolean);
    if (opts.transports.length === 0) fail("empty --transports");
  }
  return opts;
}

// ---- output ---------------------------------------------------------------

// Values socket.io can deliver that JSON cannot carry as-is.
function toJSONable(value) {
  if (value === undefined) return null;
  if (Buffer.isBuffer(value)) return { $bytes: value.toString("base64") };
  if (value instanceof ArrayBuffer) return { $bytes: Buffer.from(value).toString("base64") };
  if (ArrayBuffer.isView(value)) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (Array.isArray(value)) return value.map(toJSONable);
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJSONable(v);
    return out;
  }
  return value;
}

function emitLine(obj) {
  // JSON.stringify escapes \n, \r and every other C0 control character, and
  // lone surrogates. Also escape the characters that str.splitlines() (not
  // readline()) would treat as line breaks, so any line splitter is safe.
  const line = JSON.stringify(obj).replace(/[\u0085\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  // Writes to a pipe or file are synchronous on Linux: no buffering to flush.
  process.stdout.write(line + "\n");
}

// ---- socket ---------------------------------------------------------------

const opts = parseArgs(process.argv.slice(2));
const clientOpts = { path: opts.path, reconnection: opts.reconnect };
if (opts.transports) clientOpts.transports = opts.transports;
if (opts.tryAllTransports) clientOpts.tryAllTransports = true;
if (opts.name !== null) clientOpts.auth = { name: opts.name };

const socket = io(opts.url, clientOpts);

socket.on("connect", () => {
  emitLine({ event: "connect", id: socket.id, transport: socket.io.engine && socket.io.engine.transport.name });
});
socket.on("disconnect", (reason, details) => {
  const out = { event: "disconnect", reason };
  if (details && details.description !== undefined) out.description = String(details.description && details.description.message || details.description);
  emitLine(out);
});
socket.on("connect_error", (err) => {
  emitLine({ event: "connect_error", message: err && err.message !== undefined ? String(err.message) : String(err) });
});
socket.on("receive-message", (...args) => {
  emitLine({ event: "receive", args: toJSONable(args) });
});
// Every other event, for servers of other protocols (the chat demo's
// `new message`, `user joined`, `typing`, …): {"event":"on","name":E,"args":[...]}.
socket.onAny((name, ...args) => {
  if (name !== "receive-message") emitLine({ event: "on", name, args: toJSONable(args) });
});

// ---- commands -------------------------------------------------------------

function ackCallback(seq) {
  return (...args) => emitLine({ event: "ack", seq: seq === undefined ? null : seq, args: toJSONable(args) });
}

function sent(seq) {
  emitLine({ event: "sent", seq: seq === undefined ? null : seq });
}

function roomOf(cmd) {
  return cmd.room === undefined || cmd.room === null ? "" : cmd.room;
}

let closing = false;
function close(lingerMs) {
  if (closing) return;
  closing = true;
  rl.close();
  process.stdin.destroy();
  setTimeout(() => process.exit(0), 15000).unref();
  // socket.io's server dispatches events on process.nextTick and drops those
  // still pending when the client's DISCONNECT packet is read in the same
  // chunk. So before disconnecting: let the engine hand everything to the
  // transport, then linger a moment so the server has read it all.
  const linger = Number.isFinite(lingerMs) && lingerMs >= 0 ? lingerMs : 200;
  const started = Date.now();
  const waitDrained = () => {
    const engine = socket.io.engine;
    const pending = socket.connected
      ? engine && engine.readyState === "open" &&
        (engine.writeBuffer.length > 0 || !engine.transport.writable || engine.upgrading)
      : socket.active && socket.sendBuffer.length > 0; // still connecting: flush what was queued
    if (pending && Date.now() - started < 10000) setTimeout(waitDrained, 10);
    else setTimeout(disconnectAndExit, socket.connected ? linger : 0);
  };
  waitDrained();
}

function disconnectAndExit() {
  // The process exits by itself once the transport is closed. Do not
  // process.exit() on the engine's "close" event: it fires before the
  // transport has written its last frames, and they would be lost.
  socket.disconnect();
}

function handle(cmd) {
  switch (cmd.cmd) {
    case "join":
      socket.emit("join-room", roomOf(cmd), ackCallback(cmd.seq));
      sent(cmd.seq);
      break;
    case "send": {
      const message = cmd.message === undefined ? "" : cmd.message;
      if (cmd.ack) socket.emit("send-message", message, roomOf(cmd), ackCallback(cmd.seq));
      else socket.emit("send-message", message, roomOf(cmd));
      sent(cmd.seq);
      break;
    }
    case "emit": {
      // Raw emit of any event with any JSON args (for extension tests).
      const args = Array.isArray(cmd.args) ? cmd.args : [];
      if (typeof cmd.event !== "string") throw new Error("emit needs a string 'event'");
      if (cmd.ack) socket.emit(cmd.event, ...args, ackCallback(cmd.seq));
      else socket.emit(cmd.event, ...args);
      sent(cmd.seq);
      break;
    }
    case "burst": {
      const count = Number(cmd.count) || 0;
      const prefix = cmd.prefix === undefined ? "" : String(cmd.prefix);
      const room = roomOf(cmd);
      for (let i = 0; i < count; i++) socket.emit("send-message", `${prefix}${i}`, room);
      emitLine({ event: "burst_done", count });
      break;
    }
    case "close":
      close(cmd.linger_ms === undefined ? undefined : Number(cmd.linger_ms));
      break;
    default:
      throw new Error(`unknown cmd ${JSON.stringify(cmd.cmd)}`);
  }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
rl.on("line", (line) => {
  if (closing || line.trim() === "") return;
  let cmd;
  try {
    cmd = JSON.parse(line);
    if (cmd === null || typeof cmd !== "object" || Array.isArray(cmd)) throw new Error("command is not a JSON object");
    handle(cmd);
  } catch (err) {
    emitLine({ event: "error", message: String(err && err.message || err) });
  }
});
// End of stdin (the test harness went away): same as {"cmd":"close"}.
rl.on("close", () => close());

process.on("SIGTERM", () => close());
process.on("SIGINT", () => close());
