#!/usr/bin/env node
// The tutorial's Socket.IO chat server (shared/seed/socketio-tutorial.md),
// written from the tutorial text: express + socket.io 4, `path` option,
// connect/disconnect logs with ip and socket.id, an `error` handler,
// `send-message` (broadcast / room) and `join-room` (with the "Joined <room>"
// ack of the tutorial's reference video).
//
// Variants for the interop tests are selected by flags (or INTEROP_* env vars,
// flags win). See README.md. On listen it prints exactly one line
// `LISTENING <port>` to stdout before any other output to stdout.
"use strict";

const path = require("path");
const express = require("express");
const SocketIO = require("socket.io");

const USAGE = `usage: node server.js [options]
  --port N              port to listen on; 0 picks a free port   (INTEROP_PORT, default 0)
  --host ADDR           address to bind                          (INTEROP_HOST, default 127.0.0.1)
  --path P              Engine.IO path                           (INTEROP_PATH, default /socket.io)
  --no-ack              join-room never calls its ack            (INTEROP_NO_ACK=1)
  --echo                io.emit / io.to(room).emit: the sender gets its own message too (INTEROP_ECHO=1)
  --transports LIST     allowed transports, e.g. polling or websocket,polling (INTEROP_TRANSPORTS, default websocket,polling)
  --serve-static        serve public/ at / (the tutorial page)   (INTEROP_SERVE_STATIC=1)
  --max-http-buffer-size N  bytes per message / polling payload  (INTEROP_MAX_HTTP_BUFFER_SIZE, default 100000000)
  --quiet               no connect/disconnect logs on stdout      (INTEROP_QUIET=1)
  --exit-with-stdin     exit when stdin reaches EOF, so a test harness that dies
                        takes the server with it           (INTEROP_EXIT_WITH_STDIN=1)
  -h, --help`;

function envFlag(name) {
  const v = process.env[name];
  return v !== undefined && v !== "" && !/^(0|false|no|off)$/i.test(v);
}

function fail(msg) {
  process.stderr.write(`server.js: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    port: process.env.INTEROP_PORT !== undefined && process.env.INTEROP_PORT !== "" ? process.env.INTEROP_PORT : "0",
    host: process.env.INTEROP_HOST || "127.0.0.1",
    path: process.env.INTEROP_PATH || "/socket.io",
    noAck: envFlag("INTEROP_NO_ACK"),
    echo: envFlag("INTEROP_ECHO"),
    transports: process.env.INTEROP_TRANSPORTS || "websocket,polling",
    serveStatic: envFlag("INTEROP_SERVE_STATIC"),
    maxHttpBufferSize: process.env.INTEROP_MAX_HTTP_BUFFER_SIZE || "100000000",
    quiet: envFlag("INTEROP_QUIET"),
    exitWithStdin: envFlag("INTEROP_EXIT_WITH_STDIN"),
  };
  const withValue = { "--port": "port", "--host": "host", "--path": "path", "--transports": "transports", "--max-http-buffer-size": "maxHttpBufferSize" };
  const booleans = { "--no-ack": "noAck", "--echo": "echo", "--serve-static": "serveStatic", "--quiet": "quiet", "--exit-with-stdin": "exitWithStdin" };
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
    } else if (booleans[arg]) {
      if (value !== undefined) fail(`${arg} takes no value`);
      opts[booleans[arg]] = true;
    } else {
      fail(`unknown argument ${argv[i]}`);
    }
  }

  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad port ${opts.port}`);
  opts.port = port;
  if (!opts.path.startsWith("/")) fail(`path must start with /: ${opts.path}`);
  if (opts.path.length > 1 && opts.path.endsWith("/")) opts.path = opts.path.replace(/\/+$/, "");
  const transports = opts.transports.split(",").map((t) => t.trim()).filter(Boolean);
  if (transports.length === 0 || transports.some((t) => t !== "websocket" && t !== "polling")) {
    fail(`bad transports ${opts.transports} (use polling, websocket or websocket,polling)`);
  }
  // socket.io orders upgrades from the listed transports; keep polling first
  // when both are allowed (the library default ["polling", "websocket"]).
  opts.transports = ["polling", "websocket"].filter((t) => transports.includes(t));
  const max = Number(opts.maxHttpBufferSize);
  if (!Number.isInteger(max) || max < 1) fail(`bad max-http-buffer-size ${opts.maxHttpBufferSize}`);
  opts.maxHttpBufferSize = max;
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const log = opts.quiet ? () => {} : (...args) => console.log(...args);

const app = express();
if (opts.serveStatic) {
  app.use(express.static(path.join(__dirname, "public")));
}

const server = app.listen(opts.port, opts.host, () => {
  // Exactly one line, first on stdout: the tests parse it.
  process.stdout.write(`LISTENING ${server.address().port}\n`);
  process.stderr.write(
    `server.js: listening on http://${opts.host}:${server.address().port} path=${opts.path}` +
      ` transports=${opts.transports.join(",")} echo=${opts.echo} ack=${!opts.noAck}` +
      ` static=${opts.serveStatic} maxHttpBufferSize=${opts.maxHttpBufferSize}\n`
  );
});
server.on("error", (err) => {
  process.stderr.write(`server.js: ${err.stack || err}\n`);
  process.exit(1);
});

// 서버 연결, path는 프론트와 일치시켜준다.
const io = SocketIO(server, {
  path: opts.path,
  transports: opts.transports,
  maxHttpBufferSize: opts.maxHttpBufferSize,
  serveClient: true, // <path>/socket.io.js for the tutorial page
});

// 웹소켓 연결 시
io.on("connection", (socket) => {
  const req = socket.request;
  const ip = req.headers["x-forwarded-for"] || socket.handshake.address;
  log("새로운 클라이언트 접속", ip, socket.id);

  // 연결 종료 Event
  socket.on("disconnect", (reason) => {
    log("클라이언트 접속 해제", ip, socket.id, reason);
  });

  // 에러 발생 Event
  socket.on("error", (error) => {
    console.error(error);
  });

  socket.on("send-message", (message, room) => {
    if (opts.echo) {
      // io.emit: every socket, the sender included
      if (room) io.to(room).emit("receive-message", message);
      else io.emit("receive-message", message);
    } else if (room) {
      // to(room)은 broadcast 특징을 함께 가짐
      socket.to(room).emit("receive-message", message);
    } else {
      socket.broadcast.emit("receive-message", message);
    }
  });

  socket.on("join-room", (room, cb) => {
    socket.join(room);
    if (!opts.noAck && typeof cb === "function") cb(`Joined ${room}`);
  });
});

let closing = false;
function shutdown(signal) {
  if (closing) return;
  closing = true;
  process.stderr.write(`server.js: ${signal}, closing\n`);
  const force = setTimeout(() => process.exit(0), 3000);
  force.unref();
  // io.close() disconnects every socket and closes the http server.
  io.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
if (opts.exitWithStdin) {
  process.stdin.on("end", () => shutdown("end of stdin"));
  process.stdin.on("error", () => shutdown("stdin error"));
  process.stdin.resume();
}
