#!/usr/bin/env node
// Opens local HTML files (file:// URLs) in Debian's headless Chromium through
// playwright-core, one page each, and reports what each page did: every
// request it made, every dialog, page error and console line, whether it
// navigated away, its title and visible text. One JSON line per file on
// stdout, then exit. tests/interop/test_export_browser.py uses it to show
// that an exported conversation runs nothing and loads nothing.
//
// Only the loopback address 127.0.0.1 resolves (other names fail), so that
// a page that does try to load something from the test's recording server
// reaches it, and nothing leaves the machine.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { pathToFileURL } = require("url");
const { chromium } = require("playwright-core");

const USAGE = `usage: node open_export.js [options] FILE...
  --chromium PATH    browser executable (env CHROMIUM_PATH, default /usr/bin/chromium)
  --timeout MS       timeout for loading each page (default 15000)
  --settle MS        time to wait after load for anything late (default 1000)
  -h, --help`;

function fail(msg) {
  process.stderr.write(`open_export.js: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { chromium: process.env.CHROMIUM_PATH || "/usr/bin/chromium", timeout: 15000, settle: 1000, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(USAGE + "\n");
      process.exit(0);
    } else if (arg === "--chromium" || arg === "--timeout" || arg === "--settle") {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`);
      opts[arg.slice(2)] = argv[++i];
    } else if (arg.startsWith("--")) {
      fail(`unknown argument ${arg}`);
    } else {
      opts.files.push(path.resolve(arg));
    }
  }
  if (opts.files.length === 0) fail("no FILE given");
  for (const key of ["timeout", "settle"]) {
    opts[key] = Number(opts[key]);
    if (!Number.isFinite(opts[key]) || opts[key] < 0) fail(`bad --${key}`);
  }
  return opts;
}

function emitLine(obj) {
  const line = JSON.stringify(obj).replace(/[\u0085\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  process.stdout.write(line + "\n");
}

async function visit(context, file, opts) {
  const url = pathToFileURL(file).href;
  const report = { file, url, requests: [], dialogs: [], page_errors: [], console: [], navigations: [] };
  const page = await context.newPage();
  // Every request of the page and its frames, the blocked ones included
  // where Chromium lets playwright see them.
  page.on("request", (req) => report.requests.push(req.url()));
  page.on("dialog", (dialog) => {
    report.dialogs.push({ type: dialog.type(), message: dialog.message() });
    dialog.dismiss().catch(() => {});
  });
  page.on("pageerror", (err) => report.page_errors.push(String((err && err.message) || err)));
  page.on("console", (msg) => report.console.push(`${msg.type()}: ${msg.text()}`));
  page.on("framenavigated", (frame) => report.navigations.push(frame.url()));
  page.on("popup", (popup) => report.requests.push(`popup: ${popup.url()}`));
  await page.goto(url, { waitUntil: "load", timeout: opts.timeout });
  // A meta refresh or a timer would act after load: give it the time.
  await page.waitForTimeout(opts.settle);
  report.final_url = page.url();
  report.title = await page.title();
  report.text = await page.evaluate(() => (document.body ? document.body.innerText : ""));
  report.elements = await page.evaluate(() => Array.from(document.querySelectorAll("*"), (el) => el.localName));
  await page.close();
  return report;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "desktop-chat-export-"));
  let context = null;
  let code = 0;
  try {
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
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      ],
      timeout: opts.timeout,
    });
    // Requests by anything in the context (workers, other pages), not only
    // the pages' own: reported with the file being visited.
    const extra = [];
    context.on("request", (req) => extra.push(req.url()));
    for (const file of opts.files) {
      extra.length = 0;
      const report = await visit(context, file, opts);
      report.context_requests = extra.slice();
      emitLine(report);
    }
  } catch (err) {
    emitLine({ error: String((err && err.message) || err) });
    code = 1;
  } finally {
    try {
      if (context) await context.close();
    } catch (err) {
      process.stderr.write(`open_export.js: close: ${err.message}\n`);
    }
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  process.exit(code);
}

main();
