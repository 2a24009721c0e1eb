// What demo_server.js and getstarted_server.js share: options, an express
// app serving public/ (for demo.html), socket.io on it, the LISTENING line,
// and a shutdown on SIGTERM / SIGINT / end of stdin. Loopback only unless
// asked. See README.md.
"use strict";

const path = require("path");
const express = require("express");
const SocketIO = require("socket.io");

function parseArgs(script, argv) {
  const usage = `usage: node ${script} [--port 0] [--host 127.0.0.1] [--path /socket.io] [--ping-interval MS] [--quiet] [--exit-with-stdin]`;
  const opts = { port: "0", host: "127.0.0.1", path: "/socket.io", "ping-interval": "25000", quiet: false, exitWithStdin: false };
  for (let i = 0; i < argv.length; i++) {
    let [arg, value] = argv[i].startsWith("--") && argv[i].includes("=") ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    if (arg === "--port" || arg === "--host" || arg === "--path" || arg === "--ping-interval") {
      if (value === undefined) value = argv[++i];
      if (value === undefined) { process.stderr.write(`${script}: ${arg} needs a value\n${usage}\n`); process.exit(2); }
      opts[arg.slice(2)] = value;
    } else if (arg === "--quiet") opts.quiet = true;
    else if (arg === "--exit-with-stdin") opts.exitWithStdin = true;
    else if (arg === "-h" || arg === "--help") { process.stdout.write(usage + "\n"); process.exit(0); }
    else { process.stderr.write(`${script}: unknown argument ${argv[i]}\n${usage}\n`); process.exit(2); }
  }
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) { process.stderr.write(`${script}: bad --port\n`); process.exit(2); }
  opts.port = port;
  opts.pingInterval = Number(opts["ping-interval"]);
  if (!Number.isInteger(opts.pingInterval) || opts.pingInterval < 50) { process.stderr.write(`${script}: bad --ping-interval\n`); process.exit(2); }
  return opts;
}

// Starts the server; `onConnection(io, socket, log)` is the chat itself.
function serve(script, onConnection) {
  const opts = parseArgs(script, process.argv.slice(2));
  const app = express();
  app.use(express.static(path.join(__dirname, "public")));
  const server = app.listen(opts.port, opts.host, () => {
    process.stdout.write(`LISTENING ${server.address().port}\n`);
  });
  const io = SocketIO(server, { path: opts.path, serveClient: true, pingInterval: opts.pingInterval });
  const log = (...words) => { if (!opts.quiet) process.stdout.write(words.join(" ") + "\n"); };
  io.on("connection", (socket) => onConnection(io, socket, log));
  let closing = false;
  const shutdown = (why) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`${script}: ${why}, closing\n`);
    setTimeout(() => process.exit(0), 3000).unref();
    io.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  if (opts.exitWithStdin) {
    process.stdin.on("end", () => shutdown("end of stdin"));
    process.stdin.on("error", () => shutdown("stdin error"));
    process.stdin.resume();
  }
  return io;
}

module.exports = { serve };
