#!/usr/bin/env node
// Drives public/index.html (the tutorial's browser page) in Debian's headless
// Chromium through playwright-core, over JSON lines like peer.js: commands on
// stdin, events on stdout. See README.md.
//
// playwright-core never downloads a browser: it only launches the executable
// given (default /usr/bin/chromium, `apt-get install chromium`).
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const readline = require("readline");
const { chromium } = require("playwright-core");

const USAGE = `usage: node browser.js --url "http://127.0.0.1:PORT/?path=/socket.io" [options]
  --url URL          page URL; must be on a loopback address (required)
  --chromium PATH    browser executable (env CHROMIUM_PATH, default /usr/bin/chromium)
  --timeout MS       timeout for page actions and the initial load (default 15000)
  -h, --help`;

function fail(msg) {
  process.stderr.write(`browser.js: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { url: null, chromium: process.env.CHROMIUM_PATH || "/usr/bin/chromium", timeout: 15000 };
  const withValue = { "--url": "url", "--chromium": "chromium", "--timeout": "timeout" };
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
    } else {
      fail(`unknown argument ${argv[i]}`);
    }
  }
  if (!opts.url) fail("--url is required");
  let u;
  try {
    u = new URL(opts.url);
  } catch (err) {
    fail(`bad --url ${opts.url}`);
  }
  const loopback = /^127\.\d+\.\d+\.\d+$/.test(u.hostname) || u.hostname === "localhost" || u.hostname === "[::1]";
  if (!loopback || (u.protocol !== "http:" && u.protocol !== "https:")) fail(`--url must be http(s) on a loopback address: ${opts.url}`);
  opts.host = u.hostname;
  opts.timeout = Number(opts.timeout);
  if (!Number.isFinite(opts.timeout) || opts.timeout <= 0) fail("bad --timeout");
  return opts;
}

function emitLine(obj) {
  // Same framing as peer.js: one JSON object per line, no raw line
  // separators of any kind inside it; synchronous write (no flush needed).
  const line = JSON.stringify(obj).replace(/[\u0085\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  process.stdout.write(line + "\n");
}

// Runs in the page before its own scripts: report every element with class
// "message" as it is added, in document order, with its text.
function observeMessages() {
  let index = 0;
  const seen = new WeakSet();
  const report = (el) => {
    if (seen.has(el)) return;
    seen.add(el);
    window.__interopLine(index++, el.textContent);
  };
  const scan = (node) => {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.classList.contains("message")) report(node);
    node.querySelectorAll(".message").forEach(report);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) m.addedNodes.forEach(scan);
  }).observe(document, { childList: true, subtree: true });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "desktop-chat-browser-"));
  let context = null;
  let closing = false;

  const cleanup = async (code) => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(code), 10000);
    force.unref();
    try {
      if (context) await context.close();
    } catch (err) {
      process.stderr.write(`browser.js: close: ${err.message}\n`);
    }
    fs.rmSync(userDataDir, { recursive: true, force: true });
    process.exit(code);
  };
  shutdown = cleanup;

  try {
    // launchPersistentContext is how playwright takes a --user-data-dir.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: opts.chromium,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-proxy-server",
        // Nothing but the page's own loopback host resolves (the rules apply
        // to IP literals too, so that host must be excluded by name).
        `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${opts.host}`,
      ],
      timeout: opts.timeout,
    });
    context.setDefaultTimeout(opts.timeout);
    const page = context.pages()[0] || (await context.newPage());

    // "ready" is always the first event: lines shown before it (the connect
    // line can be) are held back and printed right after it.
    let held = [];
    const emitOrHold = (obj) => (held ? held.push(obj) : emitLine(obj));
    await page.exposeFunction("__interopLine", (index, text) => {
      emitOrHold({ event: "line", text, index });
    });
    await page.addInitScript(observeMessages);
    page.on("pageerror", (err) => emitOrHold({ event: "page_error", message: String(err && err.message || err) }));
    page.on("dialog", (dialog) => {
      // alert()/confirm() would mean markup in a message got executed.
      emitOrHold({ event: "dialog", type: dialog.type(), message: dialog.message() });
      dialog.dismiss().catch(() => {});
    });
    page.on("console", (msg) => process.stderr.write(`browser.js: console.${msg.type()}: ${msg.text()}\n`));
    page.on("close", () => cleanup(0));

    await page.goto(opts.url, { waitUntil: "load", timeout: opts.timeout });
    // The page loads <path>/socket.io.js itself; wait until it has run.
    await page.waitForFunction(() => typeof window.io === "function", null, { timeout: opts.timeout });
    emitLine({ event: "ready" });
    for (const obj of held) emitLine(obj);
    held = null;

    const handle = async (cmd) => {
      switch (cmd.cmd) {
        case "join":
          await page.fill("#room-input", String(cmd.room === undefined || cmd.room === null ? "" : cmd.room));
          await page.click("#room-button");
          break;
        case "send":
          await page.fill("#room-input", String(cmd.room === undefined || cmd.room === null ? "" : cmd.room));
          await page.fill("#message-input", String(cmd.message === undefined || cmd.message === null ? "" : cmd.message));
          await page.click("#send-button");
          break;
        // For demo.html (the chat demo's events): log in, type without
        // sending (keystrokes, so the page's typing notice goes out), say.
        case "login":
          await page.fill("#username-input", String(cmd.name === undefined || cmd.name === null ? "" : cmd.name));
          await page.click("#login-button");
          break;
        case "type":
          await page.type("#message-input", String(cmd.text === undefined || cmd.text === null ? "" : cmd.text));
          break;
        case "say":
          await page.fill("#message-input", String(cmd.message === undefined || cmd.message === null ? "" : cmd.message));
          await page.click("#send-button");
          break;
        case "text":
          // The text of one element (e.g. #typing, #participants), as an event.
          if (typeof cmd.selector !== "string") throw new Error("text needs a 'selector'");
          emitLine({ event: "text", seq: cmd.seq === undefined ? null : cmd.seq, selector: cmd.selector,
                     text: await page.textContent(cmd.selector) });
          break;
        case "screenshot":
          if (typeof cmd.path !== "string") throw new Error("screenshot needs a 'path'");
          await page.screenshot({ path: cmd.path, fullPage: true });
          break;
        case "close":
          await cleanup(0);
          return;
        default:
          throw new Error(`unknown cmd ${JSON.stringify(cmd.cmd)}`);
      }
      if (cmd.seq !== undefined) emitLine({ event: "sent", seq: cmd.seq });
    };

    // Commands run one after another, in the order they were read.
    let queue = Promise.resolve();
    const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    rl.on("line", (line) => {
      if (line.trim() === "") return;
      queue = queue.then(async () => {
        if (closing) return;
        try {
          const cmd = JSON.parse(line);
          if (cmd === null || typeof cmd !== "object" || Array.isArray(cmd)) throw new Error("command is not a JSON object");
          await handle(cmd);
        } catch (err) {
          emitLine({ event: "error", message: String(err && err.message || err) });
        }
      });
    });
    // End of stdin: close after the queued commands.
    rl.on("close", () => {
      queue = queue.then(() => cleanup(0));
    });
  } catch (err) {
    emitLine({ event: "error", message: String(err && err.message || err) });
    await cleanup(1);
  }
}

let shutdown = (code) => process.exit(code);
process.on("SIGTERM", () => shutdown(0));
process.on("SIGINT", () => shutdown(0));
main();
