// What the benches' Node client scripts share (fanout_clients.js,
// soak_clients.js, conns_clients.js): the interop tests' node_modules, the
// command line, and one JSON line per event on stdout.
"use strict";

const path = require("path");

const args = process.argv.slice(2);

// A package of tests/interop/node_modules (socket.io-client, ws).
const interop = (name) => require(path.join(__dirname, "..", "tests", "interop", "node_modules", name));

// The value after `--name` on the command line, else `dflt`.
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};

// Whether the flag `--name` was given.
const has = (name) => args.includes(name);

// One event for the Python driver: a JSON line on stdout.
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

module.exports = { args, interop, opt, has, out };
