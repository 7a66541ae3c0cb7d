// The whole study in a real browser, one role at a time: data entry at two centers, the record
// marked complete and signed, a data query opened, answered and closed, the report and every
// export, and the walls between centers and roles. Each step asserts what the page says after
// the action, and saves a full-page screenshot in e2e/screenshots/.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { STUDY, launchBrowser, recordValue, logIn, newContext, screenshots, startDemo, submit, text, waitForText, watchConsole } from "./lib/harness.mjs";

const NEW = "WAS-IT1-99";
const GB = "WAS-GB1-01";
const shoot = screenshots(1, 39);

describe("a study walked through by every role", () => {
  let server;
  let browser;
  const pages = {};
  const consoleProblems = {};
  let queryId;

  /** The page of `username`, logged in through the form on first use (one context per user). */
  async function as(username) {
    if (!pages[username]) {
      const context = await newContext(browser);
      const page = await context.newPage();
      consoleProblems[username] = watchConsole(page);
      await logIn(page, server, username);
      pages[username] = page;
    }
    return pages[username];
  }

  const studyUrl = (rest = "") => `${server.url}/studies/${STUDY}${rest}`;

  before(async () => {
    server = await startDemo();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the login page refuses a wrong password and lets a data-entry user in", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/studies/${STUDY}`);
    assert.equal(new URL(page.url()).pathname, "/login", "a page behind the login redirects to it");
    await page.fill("#username", "entry.it1");
    await page.fill("#password", "not-the-password");
    const { response } = await submit(page, page.getByRole("button", { name: "Log in" }));
    assert.equal(response.status(), 401);
    assert.equal(await text(page, "#login-error"), "Wrong username or password.");
    assert.equal(await page.inputValue("#username"), "entry.it1", "the username is kept");
    await shoot(page, "login-wrong-password");
    await context.close();

    const entry = await as("entry.it1");
    assert.equal(await text(entry, "h1"), "Studies");
    assert.match(await text(entry, "ul.cards"), /was-anti-il1 · 4 centers · 7 patients/);
    await shoot(entry, "studies");
  });

  test("entry.it1 sees only IT1 on the dashboard and in the patient list", async () => {
    const page = await as("entry.it1");
    await submit(page, page.getByRole("link", { name: /Anakinra for autoinflammatory/ }));
    assert.match(await text(page, "h1"), /^Anakinra for autoinflammatory manifestations/);
    const rows = await page.locator("section[aria-labelledby=centers-h] tbody tr").allInnerTexts();
    assert.equal(rows.length, 1, `a data-entry user of IT1 sees one center: ${rows}`);
    assert.match(rows[0], /\(IT1\)\s+2\s+2/);
    assert.equal(await page.locator("#downloads-h").count(), 0, "data entry may not download exports");
    await shoot(page, "dashboard-entry-it1");

    await submit(page, page.getByRole("navigation", { name: "Study" }).getByRole("link", { name: "Patients" }));
    const listed = await page.locator("tbody th a").allInnerTexts();
    assert.deepEqual(listed, ["WAS-IT1-01", "WAS-IT1-02"]);
    assert.equal(await page.getByRole("link", { name: "New patient" }).count(), 1);
  });

  test("entry.it1 enters a new patient with an HPO feature from the autocomplete, a weight and anakinra, and sees mg/kg/day live", async () => {
    const page = await as("entry.it1");
    const opened = await submit(page, page.getByRole("link", { name: "New patient" }));
    assert.equal(opened.response.status(), 200);
    assert.equal(await text(page, "h1"), "New patient");
    assert.equal(await page.inputValue("#f-center"), "IT1", "the center is the user's own");

    await page.fill("#f-pseudonym", NEW);
    await page.selectOption("#f-sex", "male");
    await page.fill("#f-birth", "2019-03");
    await page.fill("#f-lastFollowUp", "2024-06");

    // Adding a section re-renders the form with everything typed so far.
    let step = await submit(page, page.getByRole("button", { name: "Add a feature" }));
    assert.equal(step.chain.at(-1).method, "POST");
    assert.equal(step.response.status(), 200);
    assert.equal(await page.inputValue("#f-pseudonym"), NEW, "typed values survive adding a section");
    assert.equal(await page.locator("#f-features-0 legend").first().innerText(), "Feature 1");

    await page.locator("#f-features-0-id").pressSequentially("eczema", { delay: 30 });
    const suggestion = page.locator("#f-features-0-id-suggestions button.suggestion", { hasText: "HP:0000964 Eczematoid dermatitis" });
    await suggestion.waitFor({ timeout: 10_000 });
    assert.match(await text(page, "#f-features-0-id-suggestions"), /HPO release 2025-01-16/);
    await shoot(page, "new-patient-hpo-autocomplete");
    await suggestion.click();
    assert.equal(await page.inputValue("#f-features-0-id"), "HP:0000964", "the suggestion fills the HPO id");
    assert.equal(await page.locator("#f-features-0-id-suggestions button").count(), 0, "the suggestions close");
    assert.equal(await page.inputValue("#f-features-0-label"), "Eczematoid dermatitis", "and its label");

    step = await submit(page, page.getByRole("button", { name: "Add a weight" }));
    assert.equal(step.response.status(), 200);
    assert.equal(await page.inputValue("#f-features-0-id"), "HP:0000964");
    await page.fill("#f-weights-0-date", "2021-05-01");
    await page.fill("#f-weights-0-kg", "15");

    step = await submit(page, page.getByRole("button", { name: "Add a course" }));
    assert.equal(step.response.status(), 200);
    await page.fill("#f-courses-0-id", "C1");
    await page.fill("#f-courses-0-drug", "anakinra");
    await page.selectOption("#f-courses-0-route", "sc");
    await page.fill("#f-courses-0-dose-value", "30");
    await page.selectOption("#f-courses-0-dose-unit", "mg");
    await page.selectOption("#f-courses-0-frequency", "qd");
    await page.fill("#f-courses-0-start", "2021-05-01");
    await page.selectOption("#f-courses-0-ongoing", "yes");
    await page.selectOption("#f-courses-0-phase", "no-definitive-therapy");

    // 30 mg once daily at 15 kg is 2 mg/kg/day; htmx refreshes the panel after a change.
    const live = await waitForText(page, "#live-check", /C1 \(anakinra\): 2\.00 mg\/kg\/day/);
    assert.match(live, /No problems found\./);
    await shoot(page, "new-patient-live-check");

    const saved = await submit(page, page.getByRole("button", { name: "Save", exact: true }));
    assert.deepEqual(saved.chain.map((hop) => hop.status), [303, 200], "saving redirects to the record");
    assert.equal(new URL(page.url()).pathname, `/studies/${STUDY}/patients/${NEW}`);
    assert.equal(await text(page, "h1"), `Patient ${NEW}`);
    assert.match(await text(page, "main > p:has(.badge)"), /Center IT1 · draft · version 1/);
    assert.equal(await recordValue(page, "$.features[0].id"), "HP:0000964");
    assert.equal(await recordValue(page, "$.features[0].label"), "Eczematoid dermatitis");
    assert.match(await recordValue(page, "$.weights[0].kg"), /^15(\.0)?$/);
    assert.equal(await recordValue(page, "$.courses[0].drug"), "anakinra");
    assert.equal(await recordValue(page, "$.courses[0].frequency"), "qd (once daily)");
    assert.equal(await recordValue(page, "$.courses[0].phase"), "no definitive therapy", "a choice reads as words");
    await shoot(page, "new-patient-saved");
  });

  test("entry.it1 marks the record complete and is offered no signature", async () => {
    const page = await as("entry.it1");
    const marked = await submit(page, page.getByRole("button", { name: "Mark complete" }));
    assert.deepEqual(marked.chain.map((hop) => hop.status), [303, 200]);
    assert.match(await text(page, "main > p:has(.badge)"), /Center IT1 · complete · version 2/);
    assert.equal(await page.getByRole("button", { name: "Sign" }).count(), 0, "a data-entry user sees no sign button");
    assert.equal(await page.locator("#sign-password").count(), 0, "a data-entry user sees no password field to sign");
    assert.equal(await page.getByRole("button", { name: "Reopen for entry" }).count(), 1, "data entry may reopen a complete record");
    assert.equal(await page.getByRole("link", { name: "Edit", exact: true }).count(), 1, "a complete record can still be corrected");
    await shoot(page, "complete-entry-it1-no-sign");

    // Nor can the step be forced past the page.
    const forced = await page.request.post(`${server.url}/studies/${STUDY}/patients/${NEW}/workflow`, {
      headers: { Origin: server.url },
      form: { version: "2", step: "sign", meaning: "I approve this record as the responsible clinician of my center", password: server.accounts["entry.it1"].password },
    });
    assert.equal(forced.status(), 403, "data entry may not sign, even by posting the form");
    assert.match(await forced.text(), /Not allowed/);
  });

  test("entry.gb1 edits one of its own patients, and the history shows the change", async () => {
    const page = await as("entry.gb1");
    let response = await page.goto(studyUrl(`/patients/${GB}`));
    assert.equal(response.status(), 200);
    assert.match(await text(page, "main > p:has(.badge)"), /Center GB1 · draft · version 1/);
    await submit(page, page.getByRole("link", { name: "Edit", exact: true }));
    assert.equal(await text(page, "h1"), `Edit ${GB}`);
    assert.equal(await page.inputValue("#f-lastFollowUp"), "2024-05-20");
    await page.fill("#f-lastFollowUp", "2024-11-15");
    await page.fill("#f-notes", "Follow-up visit in November 2024 added by the GB1 data manager.");
    await shoot(page, "edit-entry-gb1");
    const saved = await submit(page, page.getByRole("button", { name: "Save", exact: true }));
    assert.deepEqual(saved.chain.map((hop) => hop.status), [303, 200]);
    assert.match(await text(page, "main > p:has(.badge)"), /Center GB1 · draft · version 2/);
    assert.equal(await recordValue(page, "$.lastFollowUp"), "2024-11-15");
    assert.equal(await recordValue(page, "$.notes"), "Follow-up visit in November 2024 added by the GB1 data manager.");

    await submit(page, page.getByRole("link", { name: "History" }));
    assert.equal(await text(page, "h1"), `History of ${GB}`);
    const rows = await page.locator("table.history tbody tr").allInnerTexts();
    const change = rows.find((row) => row.split("\t")[4] === "$.lastFollowUp");
    assert.ok(change, `the history has a row for lastFollowUp: ${rows.join(" | ")}`);
    assert.deepEqual(change.split("\t").slice(2, 7), ["entry.gb1", "update", "$.lastFollowUp", '"2024-05-20"', '"2024-11-15"']);
    await shoot(page, "history-gb1");

    // entry.gb1 cannot reach an IT1 patient: it does not exist for GB1.
    response = await page.goto(studyUrl("/patients/WAS-IT1-01"));
    assert.equal(response.status(), 404);
    assert.equal(await text(page, "h1"), "Not found");
    assert.doesNotMatch(await page.content(), /WAS-IT1-01/, "the 404 page does not echo the other center's pseudonym");
    response = await page.goto(studyUrl(`/patients/${NEW}/edit`));
    assert.equal(response.status(), 404, "nor its edit form");
    response = await page.goto(studyUrl("/patients/WAS-IT1-01/history"));
    assert.equal(response.status(), 404, "nor its history");
    await shoot(page, "other-center-not-found");
  });

  test("lead.it1 signs the record with a meaning and the password", async () => {
    const page = await as("lead.it1");
    await page.goto(studyUrl(`/patients/${NEW}`));
    assert.equal(await page.locator("legend", { hasText: "Sign this record" }).count(), 1);
    const meaning = "I have reviewed this record against the source documents and confirm it is accurate and complete";
    await page.selectOption("#meaning", meaning);

    await page.fill("#sign-password", "wrong-password-123");
    const refused = await submit(page, page.getByRole("button", { name: "Sign", exact: true }));
    assert.equal(refused.response.status(), 422);
    assert.equal(await text(page, "#problem"), "The password is wrong: the record was not signed", "the refusal is shown on the record");
    assert.match(await text(page, "main > p:has(.badge)"), /complete · version 2/, "and the record is still complete, unsigned");
    await shoot(page, "sign-wrong-password");

    await page.goto(studyUrl(`/patients/${NEW}`));
    await page.selectOption("#meaning", meaning);
    await page.fill("#sign-password", server.accounts["lead.it1"].password);
    const signed = await submit(page, page.getByRole("button", { name: "Sign", exact: true }));
    assert.deepEqual(signed.chain.map((hop) => hop.status), [303, 200]);
    const status = await text(page, "main > p:has(.badge)");
    assert.match(status, /Center IT1 · verified · version 3/);
    assert.match(status, new RegExp(`signed by lead\\.it1 on .+: “${meaning}”`));
    assert.equal(await page.locator("#sign-password").count(), 0, "a signed record offers no second signature");
    assert.equal(await page.getByRole("button", { name: "Lock", exact: true }).count(), 1);
    assert.equal(await page.getByRole("link", { name: "Edit", exact: true }).count(), 0, "a verified record is not editable");
    await shoot(page, "signed-lead-it1");
  });

  test("the coordinator opens a data query on a field of the signed record", async () => {
    const page = await as("coordinator");
    await page.goto(studyUrl(`/patients/${NEW}`));
    assert.equal(await page.getByRole("button", { name: "Edit" }).count(), 0);
    await page.selectOption("#query-field", "$.weights[0].kg");
    await page.fill("#query-question", "Is 15 kg the weight at the start of anakinra? Please confirm from the chart.");
    const opened = await submit(page, page.getByRole("button", { name: "Open query" }));
    assert.deepEqual(opened.chain.map((hop) => hop.status), [303, 200]);
    const query = await text(page, "#queries article.query");
    assert.match(query, /^open \$\.weights\[0\]\.kg — Is 15 kg the weight at the start of anakinra\?/);
    assert.match(query, /\(coordinator, /);
    const close = page.getByRole("button", { name: /^Close query \d+$/ });
    assert.equal(await close.count(), 1);
    queryId = (await close.innerText()).match(/\d+/)[0];
    await shoot(page, "query-opened");

    await page.goto(studyUrl());
    assert.match(await text(page, "section[aria-labelledby=queries-h]"), new RegExp(`${NEW} · \\$\\.weights\\[0\\]\\.kg · Is 15 kg .* open`));
  });

  test("entry.it1 sees the query and answers it", async () => {
    const page = await as("entry.it1");
    await page.goto(studyUrl("/patients"));
    const row = page.locator("tbody tr", { has: page.getByRole("link", { name: NEW }) });
    assert.match((await row.innerText()).replace(/\s+/g, " "), new RegExp(`${NEW} IT1 verified 3 1 `), "the list counts one unresolved query");
    await submit(page, row.getByRole("link", { name: NEW }));
    assert.equal(await page.getByRole("button", { name: /^Close query/ }).count(), 0, "the center cannot close a query");
    await page.getByLabel(`Answer query ${queryId}`).fill("Yes: 15.0 kg on 2021-05-01, the day anakinra started (clinic chart).");
    await shoot(page, "query-answer-typed");
    const answered = await submit(page, page.getByRole("button", { name: "Send answer" }));
    assert.deepEqual(answered.chain.map((hop) => hop.status), [303, 200]);
    assert.equal(new URL(page.url()).pathname, `/studies/${STUDY}/queries`);
    const listed = await text(page, `tbody tr:has(td:text-is("${queryId}"))`);
    assert.match(listed, new RegExp(`${NEW} IT1 \\$\\.weights\\[0\\]\\.kg Is 15 kg .* answered Yes: 15\\.0 kg on 2021-05-01`));
    await shoot(page, "query-answered");
  });

  test("the coordinator sees the answer on the dashboard and the queries page, and closes the query", async () => {
    const page = await as("coordinator");
    await page.goto(studyUrl());
    assert.match(await text(page, "section[aria-labelledby=queries-h]"), new RegExp(`${NEW} .* answered`));
    const rows = await page.locator("section[aria-labelledby=centers-h] tbody tr").allInnerTexts();
    assert.equal(rows.length, 4, "the coordinator sees every center");
    const it1 = rows.find((row) => row.includes("(IT1)")).replace(/\s+/g, " ");
    // IT1: 3 patients, 2 draft, 0 complete, 1 verified, 0 locked; 1 of 3 complete or later.
    assert.match(it1, /\(IT1\) 3 2 0 1 0 33 %/);
    await shoot(page, "dashboard-coordinator-answered");

    await submit(page, page.getByRole("navigation", { name: "Study" }).getByRole("link", { name: "Queries" }));
    assert.equal(await text(page, "h1"), "Data queries");
    assert.match(await text(page, `tbody tr:has(td:text-is("${queryId}"))`), /answered Yes: 15\.0 kg/);
    await page.goto(studyUrl(`/patients/${NEW}`));
    assert.match(await text(page, "#queries article.query"), /Answer: Yes: 15\.0 kg .*\(entry\.it1\)/);
    const closed = await submit(page, page.getByRole("button", { name: `Close query ${queryId}` }));
    assert.deepEqual(closed.chain.map((hop) => hop.status), [303, 200]);
    assert.match(await text(page, `tbody tr:has(td:text-is("${queryId}"))`), /closed Yes: 15\.0 kg/);
    await shoot(page, "query-closed");
    await page.goto(studyUrl());
    assert.equal(await text(page, "section[aria-labelledby=queries-h] p:not(.muted)"), "No unresolved queries.");
  });

  test("the coordinator reads the report and downloads every export", async () => {
    const page = await as("coordinator");
    const opened = await page.goto(studyUrl("/report"));
    assert.equal(opened.status(), 200);
    assert.match(await text(page, "main"), /Computed now from the 8 records of every center/);
    const frame = page.frameLocator("iframe[title='Study report']");
    await frame.locator("h1").waitFor();
    assert.match(await frame.locator("h1").innerText(), /Anakinra for autoinflammatory manifestations/);
    assert.match(await frame.locator("body").innerText(), new RegExp(NEW), "the report includes the new patient");
    await shoot(page, "report");

    await page.goto(studyUrl());
    const downloads = page.locator("section[aria-labelledby=downloads-h] a[download]");
    assert.equal(await downloads.count(), 6);
    const files = {};
    for (const link of await downloads.all()) {
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      assert.equal(await download.failure(), null);
      files[download.suggestedFilename()] = readFileSync(await download.path());
    }
    assert.deepEqual(Object.keys(files).sort(), [
      `${STUDY}-fhir-bundle.json`,
      `${STUDY}-native.json`,
      `${STUDY}-phenopackets.zip`,
      `${STUDY}-report.html`,
      `${STUDY}-report.json`,
      `${STUDY}-statistics.csv`,
    ]);

    const native = JSON.parse(files[`${STUDY}-native.json`].toString("utf8"));
    assert.equal(native.study, STUDY);
    assert.equal(native.patients.length, 8, "the native export holds all 8 patients");
    const mine = native.patients.find((patient) => patient.pseudonym === NEW);
    assert.equal(mine.weights[0].kg, 15);
    assert.equal(mine.features[0].id, "HP:0000964");
    assert.equal(native.patients.find((patient) => patient.pseudonym === GB).lastFollowUp, "2024-11-15", "the GB1 edit is exported");

    const zip = files[`${STUDY}-phenopackets.zip`];
    assert.equal(zip.subarray(0, 4).toString("binary"), "PK\x03\x04", "the phenopackets download is a zip");
    const names = zipEntryNames(zip);
    assert.equal(names.length, 8, `one phenopacket per patient: ${names}`);
    assert.ok(names.some((name) => name.includes(NEW)), `the zip has ${NEW}: ${names}`);

    const bundle = JSON.parse(files[`${STUDY}-fhir-bundle.json`].toString("utf8"));
    assert.equal(bundle.resourceType, "Bundle");
    const fhirPatients = bundle.entry.filter((entry) => entry.resource.resourceType === "Patient");
    assert.equal(fhirPatients.length, 8);

    const statistics = JSON.parse(files[`${STUDY}-report.json`].toString("utf8"));
    assert.equal(statistics.study.patients, 8, "report.json counts the 8 patients");

    const report = files[`${STUDY}-report.html`].toString("utf8");
    assert.match(report, /^<!doctype html>/i);
    assert.match(report, new RegExp(NEW));
    const csv = files[`${STUDY}-statistics.csv`].toString("utf8").split("\n");
    assert.match(csv[0], /^id,section,label,kind,numerator,denominator,/);
    assert.match(csv.find((line) => line.startsWith("cohort.patients,")), /^cohort\.patients,cohort,Patients,count,8,8,8,/);
  });

  test("no page logged a script error or a Content-Security-Policy violation", () => {
    for (const [user, problems] of Object.entries(consoleProblems)) {
      assert.deepEqual(problems, [], `console errors on the pages of ${user}`);
    }
  });
});

/** The file names in a zip's central directory. */
function zipEntryNames(zip) {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, "the zip has an end of central directory record");
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names = [];
  for (let index = 0; index < count; index += 1) {
    assert.equal(zip.readUInt32LE(offset), 0x02014b50, "a central directory entry");
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.subarray(offset + 46, offset + 46 + nameLength).toString("utf8"));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}
