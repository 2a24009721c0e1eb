#!/usr/bin/env node
// The tutorial's Socket.IO chat server with @socket.io/redis-adapter, for bench/scale.py:
// the Node way to run several processes, each delivering to its own clients
// first and publishing through Redis pub/sub for the others.
//
//   node bench/scale_server.js --redis unix:///path/redis.sock|redis://127.0.0.1:6379 [--port N]
//
// Listens on 127.0.0.1, a free port (or --port, so that bench/connections.py can restart it); prints `LISTENING <port>` once the
// adapter is connected. `send-message(message, room)` goes to the room, or
// to everyone, but the sender (as tests/interop/server.js); `join-room(room,
// ack)` acks "Joined <room>". Exits when stdin ends. Loopback only.
"use strict";

const path = require("path");
const http = require("http");
const modules = path.join(__dirname, "..", "tests", "interop", "node_modules");
const { Server } = require(path.join(modules, "socket.io"));
const { createAdapter } = require(path.join(modules, "@socket.io", "redis-adapter"));
const { createClient } = require(path.join(modules, "redis"));

const args = process.argv.slice(2);
const i = args.indexOf("--redis");
const redisUrl = i >= 0 ? args[i + 1] : "redis://127.0.0.1:6379";
const p = args.indexOf("--port");
const port = p >= 0 ? Number(args[p + 1]) : 0;

function client() {
  if (redisUrl.startsWith("unix://")) return createClient({ socket: { path: redisUrl.slice(7) } });
  return createClient({ url: redisUrl });
}

async function main() {
  const pub = client();
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  // GET /health as desktop-chat-server answers it, for HAProxy's checks (docs/haproxy.cfg).
  const server = http.createServer((req, res) => {
    if (req.url === "/health") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok\n");
    }
  });
  const io = new Server(server, { adapter: createAdapter(pub, sub) });
  io.on("connection", (socket) => {
    socket.on("send-message", (message, room) => {
      if (room) socket.to(room).emit("receive-message", message);
      else socket.broadcast.emit("receive-message", message);
    });
    socket.on("join-room", (room, cb) => {
      socket.join(room);
      if (typeof cb === "function") cb(`Joined ${room}`);
    });
  });
  server.listen(port, "127.0.0.1", () => {
    process.stdout.write(`LISTENING ${server.address().port}\n`);
  });
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`scale_server.js: ${err.stack || err}\n`);
  process.exit(1);
});
