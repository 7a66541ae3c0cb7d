// Shared pieces of the end-to-end tests: the demo server, the browser, logging in, screenshots,
// form submissions that report their status codes, and small waits for htmx swaps.
//
// Nothing here skips: a missing binary or browser fails the test that needs it, loudly.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

import { chromium } from "playwright-core";

export const E2E_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const SCREENSHOT_DIR = path.join(E2E_DIR, "screenshots");
export const STUDY = "was-anti-il1";

/** The casebook binary: $CASEBOOK_BIN, or the debug build next to this folder. */
export function casebookBinary() {
  const binary = process.env.CASEBOOK_BIN
    ? path.resolve(process.env.CASEBOOK_BIN)
    : path.resolve(E2E_DIR, "..", "target", "debug", "casebook");
  if (!existsSync(binary)) {
    throw new Error(`the casebook binary is missing at ${binary}: run \`cargo build -p casebook\` or set CASEBOOK_BIN`);
  }
  return binary;
}

/** Debian's chromium (or $CHROMIUM_PATH); never a downloaded browser. */
export function chromiumPath() {
  const executable = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  if (!existsSync(executable)) {
    throw new Error(`chromium is missing at ${executable}: install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
  }
  return executable;
}

/**
 * Starts `casebook demo` on a free port in a new temporary folder and resolves once it prints
 * its address. Returns { url, accounts: {username: {role, password}}, stop() }.
 */
export async function startDemo() {
  const out = mkdtempSync(path.join(tmpdir(), "casebook-e2e-"));
  const child = spawn(casebookBinary(), ["demo", "--out", path.join(out, "demo"), "--listen", "127.0.0.1:0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`casebook demo printed no address within 60 s:\n${stdout}\n${stderr}`)), 60_000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = stdout.match(/Open (http:\/\/127\.0\.0\.1:\d+)\//);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`casebook demo exited with ${code} before serving:\n${stdout}\n${stderr}`));
    });
  });
  const accounts = {};
  for (const line of stdout.split("\n")) {
    const match = line.match(/^\s+(\S+)\s+(administrator|coordinator|center-lead|data-entry)\s+(\S+)\s*$/);
    if (match) accounts[match[1]] = { role: match[2], password: match[3] };
  }
  for (const user of ["admin", "coordinator", "lead.it1", "entry.it1", "lead.gb1", "entry.gb1"]) {
    assert.ok(accounts[user], `casebook demo printed no account ${user}:\n${stdout}`);
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    rmSync(out, { recursive: true, force: true });
  };
  // A test run that dies must not leave the server behind.
  process.once("exit", () => child.kill("SIGKILL"));
  return { url, accounts, stop, serverErrors: () => stderr };
}

/** Headless Debian chromium with the flags this closed network needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh browser context (its own cookies) with a desktop-sized window. */
export async function newContext(browser, options = {}) {
  return browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options });
}

/**
 * Collects script errors and Content-Security-Policy violations of a page, so a test can require
 * none. Chromium's "Failed to load resource" lines are left out: the tests check status codes
 * themselves, and some steps expect a 404 or a 422.
 */
export function watchConsole(page) {
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource: the server responded with a status of")) {
      problems.push(`${message.text()} (${page.url()})`);
    }
  });
  page.on("pageerror", (error) => problems.push(String(error)));
  return problems;
}

/** Logs `username` in through the login form and checks that the studies page follows. */
export async function logIn(page, server, username) {
  const account = server.accounts[username];
  assert.ok(account, `no demo account ${username}`);
  const response = await page.goto(`${server.url}/login`);
  assert.equal(response.status(), 200, "the login page answers 200");
  await page.fill("#username", username);
  await page.fill("#password", account.password);
  const { response: landed, chain } = await submit(page, page.getByRole("button", { name: "Log in" }));
  assert.equal(chain[0].status, 303, `logging in as ${username} redirects`);
  assert.equal(landed.status(), 200);
  assert.equal(new URL(page.url()).pathname, "/", `${username} lands on the studies page`);
  assert.match(await page.locator("header .who").innerText(), new RegExp(`${escapeRegExp(username)}\\s+${account.role}`));
}

/**
 * Clicks `locator` (a submit button or a link) and waits for the page it leads to. Returns the
 * final document response and the redirect chain as [{method, url, status}], first request
 * first, so a test can check both the POST's 303 and the page after it.
 */
export async function submit(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), locator.click()]);
  assert.ok(response, "the click led to a new document");
  const requests = [];
  for (let request = response.request(); request; request = request.redirectedFrom()) requests.unshift(request);
  const chain = [];
  for (const request of requests) {
    const answered = await request.response();
    chain.push({ method: request.method(), url: request.url(), status: answered ? answered.status() : 0 });
  }
  return { response, chain };
}

/**
 * Full-page screenshots numbered from `first` (each test file owns a block of numbers, so files
 * may run in parallel): shoot(page, "name") writes e2e/screenshots/NN-name.png. Old screenshots
 * of the block are removed first, so the folder shows only the latest run.
 */
export function screenshots(first, last) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const file of readdirSync(SCREENSHOT_DIR)) {
    const number = Number.parseInt(file, 10);
    if (file.endsWith(".png") && number >= first && number <= last) rmSync(path.join(SCREENSHOT_DIR, file));
  }
  let next = first;
  return async function shoot(page, name) {
    assert.ok(next <= last, `more screenshots than the block ${first}-${last} holds`);
    const file = path.join(SCREENSHOT_DIR, `${String(next).padStart(2, "0")}-${name}.png`);
    next += 1;
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/** The visible text of the first element matching `selector`, whitespace collapsed. */
export async function text(page, selector) {
  return (await page.locator(selector).first().innerText()).replace(/\s+/g, " ").trim();
}

/** Waits until an element matching `selector` shows `pattern` (htmx swaps land asynchronously). */
export async function waitForText(page, selector, pattern, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let seen = "";
  while (Date.now() < deadline) {
    seen = await page
      .locator(selector)
      .first()
      .innerText({ timeout: 1_000 })
      .catch(() => "");
    if (pattern.test(seen)) return seen.replace(/\s+/g, " ").trim();
    await page.waitForTimeout(100);
  }
  assert.fail(`${selector} never showed ${pattern} within ${timeout} ms; it showed: ${seen}`);
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}


/**
 * The value the record view shows for a JSON path such as `$.weights[0].kg`, or null when the
 * record has no such field. The view lists each leaf as a <dd> holding the value and its path.
 */
export async function recordValue(page, jsonPath) {
  const cell = page.locator("section[aria-labelledby=record-h] dd").filter({ has: page.locator("code.path", { hasText: new RegExp(`^${escapeRegExp(jsonPath)}$`) }) });
  const count = await cell.count();
  assert.ok(count <= 1, `the record view shows ${jsonPath} once, not ${count} times`);
  if (count === 0) return null;
  return cell.evaluate((dd) => {
    const copy = dd.cloneNode(true);
    copy.querySelectorAll("code.path").forEach((code) => code.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  });
}

/** Shortens text for an assertion message. */
export function clip(text, length = 400) {
  return text.length <= length ? text : `${text.slice(0, length)}… (${text.length} characters)`;
}
