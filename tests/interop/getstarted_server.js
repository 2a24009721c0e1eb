#!/usr/bin/env node
// A server that speaks the "get started" chat of socket.io's documentation:
// one `chat message` event (the text), sent back to everyone with io.emit,
// the sender included. No names, no rooms, no acks.
"use strict";

const { serve } = require("./serve_common");

serve("getstarted_server.js", (io, socket, log) => {
  log("connect", socket.id);
  socket.on("chat message", (msg) => {
    io.emit("chat message", msg);
  });
  socket.on("disconnect", (reason) => log("disconnect", socket.id, reason));
});
