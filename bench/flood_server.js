#!/usr/bin/env node
// A socket.io 4 server that floods its clients, for the benchmarks in bench/.
//
//   node bench/flood_server.js [--port 0]
//
// Uses the socket.io installed for the interop tests (tests/interop/node_modules;
// run `npm ci` there first). Listens on 127.0.0.1 only, polling and websocket
// (socket.io's defaults; the clients upgrade to websocket). First stdout line:
// `LISTENING <port>`. Then one JSON object per line each way.
//
// Commands (stdin):
//   {"cmd":"flood","count":N,"size":100,"rate":0,"meta":false}
//       N `receive-message` events to every connected client, the tutorial's
//       payload (the message alone; with meta, our server's {id, room, from, ts}
//       as a second argument). rate 0 = as fast as Node goes (in chunks of 500
//       per turn of its loop, so it keeps reading); rate R = R messages/s, sent
//       every 5 ms.
//   {"cmd":"clients"}  -> {"event":"clients","count":C}
//
// Events (stdout):
//   {"event":"flood_done","count":N,"t_ns":T}   the last message was handed to socket.io
//   {"event":"got","text":X,"t_ns":T}           a client emitted send-message (its first argument)
//   {"event":"clients","count":C}
// t_ns is process.hrtime.bigint(), CLOCK_MONOTONIC on Linux: the same clock as
// Python's time.monotonic_ns().
"use strict";

const path = require("path");
const http = require("http");
const readline = require("readline");

const modules = path.join(__dirname, "..", "tests", "interop", "node_modules");
const { Server } = require(path.join(modules, "socket.io"));

let port = 0;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--port") port = Number(argv[++i]);
}

const server = http.createServer();
const io = new Server(server, { maxHttpBufferSize: 1e8 });

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

io.on("connection", (socket) => {
  socket.on("send-message", (message) => {
    out({ event: "got", text: String(message), t_ns: process.hrtime.bigint().toString() });
  });
  socket.on("join-room", (room, cb) => {
    socket.join(room);
    if (typeof cb === "function") cb(`Joined ${room}`);
  });
});

function payload(i, size) {
  const head = `flood ${i} `;
  return head + "x".repeat(Math.max(0, size - head.length));
}

function flood(count, size, rate, meta) {
  let i = 0;
  const done = () => out({ event: "flood_done", count, t_ns: process.hrtime.bigint().toString() });
  const send = (n) => {
    const end = Math.min(count, i + n);
    for (; i < end; i++) {
      const text = payload(i, size);
      if (meta) {
        io.emit("receive-message", text, {
          id: `f${i}`, room: "", from: { sid: "flood", name: "flood" }, ts: Date.now() / 1000,
        });
      } else {
        io.emit("receive-message", text);
      }
    }
  };
  if (!rate) {
    const step = () => {
      send(500);
      if (i < count) setImmediate(step);
      else done();
    };
    step();
    return;
  }
  const start = process.hrtime.bigint();
  const timer = setInterval(() => {
    const due = Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * rate);
    send(Math.max(0, Math.min(count, due) - i));
    if (i >= count) {
      clearInterval(timer);
      done();
    }
  }, 5);
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    return;
  }
  if (cmd.cmd === "flood") {
    flood(cmd.count || 1000, cmd.size || 100, cmd.rate || 0, !!cmd.meta);
  } else if (cmd.cmd === "clients") {
    out({ event: "clients", count: io.engine.clientsCount });
  }
});
process.stdin.on("end", () => process.exit(0));

server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
