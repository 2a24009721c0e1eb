#!/usr/bin/env node
// A server that speaks the event protocol of Socket.IO's chat demo
// (examples/chat of the socket.io repository), written for these tests:
// `add user` (name) logs in and answers `login {numUsers}`, tells the others
// `user joined {username, numUsers}`; `new message` (text) goes to the
// others as `{username, message}`; `typing` / `stop typing` go to the others
// as `{username}`; a logged-in user's disconnect is `user left {username,
// numUsers}`. No rooms, no acks, never back to the sender.
// Serves public/ (demo.html is a page that speaks these events).
"use strict";

const { serve } = require("./serve_common");

let numUsers = 0;

serve("demo_server.js", (io, socket, log) => {
  let addedUser = false;
  log("connect", socket.id);

  socket.on("new message", (data) => {
    socket.broadcast.emit("new message", { username: socket.username, message: data });
  });

  socket.on("add user", (username) => {
    if (addedUser) return;
    socket.username = username;
    ++numUsers;
    addedUser = true;
    socket.emit("login", { numUsers });
    socket.broadcast.emit("user joined", { username: socket.username, numUsers });
  });

  socket.on("typing", () => {
    socket.broadcast.emit("typing", { username: socket.username });
  });

  socket.on("stop typing", () => {
    socket.broadcast.emit("stop typing", { username: socket.username });
  });

  socket.on("disconnect", (reason) => {
    log("disconnect", socket.id, reason);
    if (addedUser) {
      --numUsers;
      socket.broadcast.emit("user left", { username: socket.username, numUsers });
    }
  });
});
