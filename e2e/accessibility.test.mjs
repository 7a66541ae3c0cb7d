// axe-core over the main pages, in the states people meet them in (errors shown, suggestions
// open, queries waiting): zero WCAG 2.0/2.1 A and AA violations allowed.
//
// The pages' Content-Security-Policy (script-src 'self') refuses axe's injected script, so this
// pass alone runs in a browser context that bypasses CSP. The walkthrough runs with the policy
// in force and fails on any violation report.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import { STUDY, launchBrowser, logIn, newContext, screenshots, startDemo, submit } from "./lib/harness.mjs";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const shoot = screenshots(60, 89);

/** Runs axe on the page as it is now and returns its violations. */
async function axeViolations(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (tags) => {
    const results = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({ target: node.target.join(" "), html: node.html, summary: node.failureSummary })),
    }));
  }, TAGS);
}

/** The violations as text a person can act on: rule, impact, each element and why. */
function describeViolations(where, violations) {
  const lines = [`${violations.length} accessibility violation(s) on ${where}:`];
  for (const violation of violations) {
    lines.push(`- ${violation.id} (${violation.impact}): ${violation.help}  ${violation.helpUrl}`);
    for (const node of violation.nodes.slice(0, 8)) {
      lines.push(`    at ${node.target}`);
      lines.push(`       ${node.html.slice(0, 200)}`);
      lines.push(`       ${node.summary.replace(/\n/g, "\n       ")}`);
    }
    if (violation.nodes.length > 8) lines.push(`    … and ${violation.nodes.length - 8} more elements`);
  }
  return lines.join("\n");
}

describe("accessibility of the main pages (axe-core, WCAG 2.1 A and AA)", () => {
  let server;
  let browser;
  const pages = {};

  async function as(username) {
    if (!pages[username]) {
      const context = await newContext(browser, { bypassCSP: true });
      const page = await context.newPage();
      await logIn(page, server, username);
      pages[username] = page;
    }
    return pages[username];
  }

  const studyUrl = (rest = "") => `${server.url}/studies/${STUDY}${rest}`;

  /** Opens `url` as `username` (unless `url` is null: the page as it is), checks the status and runs axe. */
  async function check(username, url, name, { status = 200, prepare } = {}) {
    const page = await as(username);
    if (url) {
      const response = await page.goto(url);
      assert.equal(response.status(), status, `${url} answers ${status}`);
    }
    if (prepare) await prepare(page);
    await shoot(page, `a11y-${name}`);
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, describeViolations(`${name} (${page.url()}) as ${username}`, violations));
  }

  before(async () => {
    server = await startDemo();
    browser = await launchBrowser();
    // A query waiting for an answer, so the patient pages show the answer and close forms.
    const coordinator = await as("coordinator");
    await coordinator.goto(studyUrl("/patients/WAS-IT1-01"));
    await coordinator.selectOption("#query-field", "$.birth");
    await coordinator.fill("#query-question", "Is the month of birth right?");
    await submit(coordinator, coordinator.getByRole("button", { name: "Open query" }));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("login page, and with a wrong password", async () => {
    const context = await newContext(browser, { bypassCSP: true });
    const page = await context.newPage();
    pages.anonymous = page;
    await check("anonymous", `${server.url}/login`, "login");
    await page.fill("#username", "entry.it1");
    await page.fill("#password", "wrong-password");
    await submit(page, page.getByRole("button", { name: "Log in" }));
    await check("anonymous", null, "login-error");
  });

  test("studies", () => check("entry.it1", `${server.url}/`, "studies"));
  test("dashboard with downloads and open queries", () => check("coordinator", studyUrl(), "dashboard"));
  test("patient list", () => check("entry.it1", studyUrl("/patients"), "patients"));
  test("patient view for data entry, with a query to answer", () => check("entry.it1", studyUrl("/patients/WAS-IT1-01"), "patient-entry"));
  test("patient view for the coordinator, with the query forms", () => check("coordinator", studyUrl("/patients/WAS-IT1-01"), "patient-coordinator"));

  test("patient view for a center lead, with the sign form", async () => {
    const entry = await as("entry.it1");
    await entry.goto(studyUrl("/patients/WAS-IT1-02"));
    await submit(entry, entry.getByRole("button", { name: "Mark complete" }));
    await check("lead.it1", studyUrl("/patients/WAS-IT1-02"), "patient-lead-sign");
  });

  test("edit form with the HPO suggestions open and the live checks", () =>
    check("entry.it1", studyUrl("/patients/WAS-IT1-01/edit"), "edit", {
      prepare: async (page) => {
        await page.locator("#f-features-0-id").fill("");
        await page.locator("#f-features-0-id").pressSequentially("eczema", { delay: 20 });
        await page.locator("#f-features-0-id-suggestions button.suggestion").first().waitFor();
        await page.locator("#f-weights-0-kg").fill("150");
        await page.locator("#f-weights-0-kg").dispatchEvent("change");
        await page.locator("#live-check li.note, #live-check li.warning, #live-check li.error").first().waitFor({ timeout: 10_000 });
      },
    }));

  test("new-patient form after a save with errors", () =>
    check("entry.it1", studyUrl("/patients/new"), "new-patient-errors", {
      prepare: async (page) => {
        await page.fill("#f-birth", "2019-13");
        const { response } = await submit(page, page.getByRole("button", { name: "Save", exact: true }));
        assert.equal(response.status(), 422, "a record with errors is refused");
        await page.locator(".form-errors").waitFor();
      },
    }));

  test("history", () => check("entry.it1", studyUrl("/patients/WAS-IT1-01/history"), "history"));
  test("queries", () => check("coordinator", studyUrl("/queries"), "queries"));
  test("report page", () => check("coordinator", studyUrl("/report"), "report"));
  // The report document inside the page's frame is sandboxed without scripts, so axe cannot
  // reach into the frame; it is checked on its own.
  test("report document", () => check("coordinator", studyUrl("/report/document"), "report-document"));
  test("account, after issuing a token", () =>
    check("coordinator", `${server.url}/account`, "account", {
      prepare: async (page) => {
        await page.fill("#token-label", "nightly export");
        await submit(page, page.getByRole("button", { name: "Issue a token" }));
        await page.locator("#new-token").waitFor();
      },
    }));
  test("users", () => check("admin", `${server.url}/admin/users`, "users"));
  test("not found", () => check("entry.gb1", studyUrl("/patients/WAS-IT1-01"), "not-found", { status: 404 }));
});
