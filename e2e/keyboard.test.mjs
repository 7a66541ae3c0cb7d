// Keyboard only: log in, open a patient, edit and save, with nothing but page.keyboard (Tab,
// Shift+Tab, Enter, Space, typing). The test reads where the focus is after each key and checks
// that it is visible, but never clicks or fills.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { STUDY, clip, launchBrowser, recordValue, newContext, screenshots, startDemo, watchConsole } from "./lib/harness.mjs";

const shoot = screenshots(40, 59);

/** What has the focus: tag, id, name, role-ish text and whether an outline or ring shows. */
function focused(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return { tag: "body", text: "", visible: false };
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    const ring = (style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
    return {
      tag: element.tagName.toLowerCase(),
      id: element.id,
      name: element.getAttribute("name") || "",
      href: element.getAttribute("href") || "",
      text: (element.innerText || element.value || "").replace(/\s+/g, " ").trim(),
      matchesFocusVisible: element.matches(":focus-visible"),
      ring,
      onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0 && box.left < innerWidth,
    };
  });
}

/** Focus must show: a visible outline (the app's :focus-visible ring) on an element on screen. */
function assertVisibleFocus(where, what) {
  assert.ok(where.onScreen, `${what}: the focused element is on screen (${JSON.stringify(where)})`);
  assert.ok(where.matchesFocusVisible && where.ring, `${what}: the focus ring shows (${JSON.stringify(where)})`);
}

/** Presses Tab (or Shift+Tab) until `wanted` holds for the focused element; returns the count. */
async function tabUntil(page, wanted, description, { back = false, limit = 300 } = {}) {
  const seen = [];
  for (let presses = 1; presses <= limit; presses += 1) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const where = await focused(page);
    seen.push(`${where.tag}${where.id ? `#${where.id}` : ""} ${where.text.slice(0, 30)}`);
    if (wanted(where)) {
      assertVisibleFocus(where, description);
      return presses;
    }
  }
  assert.fail(`${description}: not reached in ${limit} presses of ${back ? "Shift+Tab" : "Tab"}; focus went ${clip(seen.join(" → "), 1500)}`);
}

/** Presses `key` on the focused element and waits for the page it leads to. */
async function pressAndWait(page, key) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press(key)]);
  return response;
}

/**
 * Opens the login page and waits until its autofocus has put the focus in the username field.
 * Chromium applies autofocus at the next rendering update, which may come after the load event,
 * so keys pressed right after `goto` can land on the body instead.
 */
async function openLoginPage(page, server) {
  await page.goto(`${server.url}/login`);
  await page
    .waitForFunction(() => document.activeElement?.id === "username", null, { timeout: 5_000 })
    .catch(() => assert.fail("the login page puts the focus in the username field on arrival"));
}

/** Logs `username` in by typing into the login form and pressing Enter. */
async function logInByKeyboard(page, server, username) {
  await openLoginPage(page, server);
  await page.keyboard.type(username);
  await page.keyboard.press("Tab");
  await page.keyboard.type(server.accounts[username].password);
  await pressAndWait(page, "Enter");
  assert.equal(new URL(page.url()).pathname, "/", `${username} is logged in`);
}

describe("the registry by keyboard alone", () => {
  let server;
  let browser;

  before(async () => {
    server = await startDemo();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("a data-entry user logs in, opens a patient, edits it and saves, with the keyboard only", async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const problems = watchConsole(page);
    // The login page puts the focus in the username field; Tab and Shift+Tab walk the form.
    await openLoginPage(page, server);
    let where = await focused(page);
    await page.keyboard.type("entry.gb1");
    await page.keyboard.press("Tab");
    where = await focused(page);
    assert.equal(where.id, "password");
    assertVisibleFocus(where, "password field");
    await page.keyboard.press("Shift+Tab");
    assert.equal((await focused(page)).id, "username", "Shift+Tab goes back to the username");
    await page.keyboard.press("Tab");
    await page.keyboard.type(server.accounts["entry.gb1"].password);
    await page.keyboard.press("Tab");
    where = await focused(page);
    assert.deepEqual([where.tag, where.text], ["button", "Log in"]);
    assertVisibleFocus(where, "the Log in button");
    await shoot(page, "keyboard-login");
    let response = await pressAndWait(page, "Enter");
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, "/");

    // The skip link is the first Tab stop of every page, shows when focused and moves the focus
    // to the main content.
    await page.keyboard.press("Tab");
    where = await focused(page);
    assert.deepEqual([where.tag, where.text, where.href], ["a", "Skip to content", "#main"], "the skip link is the first Tab stop");
    assertVisibleFocus(where, "the skip link");
    await shoot(page, "keyboard-skip-link");
    await page.keyboard.press("Enter");
    assert.equal((await focused(page)).id, "main", "the skip link moves the focus to <main>");
    await page.keyboard.press("Tab");
    where = await focused(page);
    assert.match(where.text, /^Anakinra for autoinflammatory/, "after skipping, the next stop is the first study");
    response = await pressAndWait(page, "Enter");
    assert.equal(new URL(page.url()).pathname, `/studies/${STUDY}`);

    // Dashboard → Patients through the study navigation.
    await tabUntil(page, (f) => f.tag === "a" && f.text === "Patients", "the Patients link of the study navigation");
    await pressAndWait(page, "Enter");
    assert.equal(await page.locator("h1").innerText(), "Patients");
    await tabUntil(page, (f) => f.tag === "a" && f.text === "WAS-GB1-02", "the link to WAS-GB1-02");
    await pressAndWait(page, "Enter");
    assert.equal(await page.locator("h1").innerText(), "Patient WAS-GB1-02");
    assert.match(await page.locator("main > p:has(.badge)").innerText(), /version 1/);

    // Open the edit form, change the last follow-up date, add and remove a diagnosis, type a
    // note at the end of the form, and save.
    await tabUntil(page, (f) => f.tag === "a" && f.text === "Edit", "the Edit link");
    await shoot(page, "keyboard-patient-edit-link");
    await pressAndWait(page, "Enter");
    assert.equal(await page.locator("h1").innerText(), "Edit WAS-GB1-02");
    const presses = await tabUntil(page, (f) => f.id === "f-lastFollowUp", "the Last follow-up field");
    assert.ok(presses < 40, `the first fields come early in the tab order (${presses} presses)`);
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("2024-12");
    // Space presses a button: Add a diagnosis adds a section and keeps what was typed.
    await tabUntil(page, (f) => f.tag === "button" && f.text === "Add a diagnosis", "the Add a diagnosis button");
    response = await pressAndWait(page, "Space");
    assert.equal(response.status(), 200);
    assert.equal(await page.locator("#f-diagnoses > fieldset.item").count(), 2, "Space on Add a diagnosis adds a second diagnosis");
    assert.equal(await page.inputValue("#f-lastFollowUp"), "2024-12", "the typed date survives adding a section");
    await tabUntil(page, (f) => f.tag === "button" && f.text === "Remove diagnosis 2", "the Remove diagnosis 2 button");
    await pressAndWait(page, "Enter");
    assert.equal(await page.locator("#f-diagnoses > fieldset.item").count(), 1, "Enter on Remove diagnosis 2 removes it");

    // The notes are the last field, after every feature, lab and course: a long way by Tab.
    const toNotes = await tabUntil(page, (f) => f.id === "f-notes", "the Notes field", { limit: 1000 });
    await page.keyboard.type("Seen in clinic in December 2024.");
    await page.keyboard.press("Tab");
    where = await focused(page);
    assert.deepEqual([where.tag, where.text], ["button", "Save"], "Save follows the last field");
    assertVisibleFocus(where, "the Save button");
    await shoot(page, "keyboard-save-focused");
    await page.keyboard.press("Shift+Tab");
    assert.equal((await focused(page)).id, "f-notes", "Shift+Tab goes back to the notes");
    await page.keyboard.press("Tab");
    response = await pressAndWait(page, "Enter");
    assert.equal(response.status(), 200);
    assert.equal(await page.locator("h1").innerText(), "Patient WAS-GB1-02");
    assert.match(await page.locator("main > p:has(.badge)").innerText(), /version 2/);
    assert.equal(await recordValue(page, "$.lastFollowUp"), "2024-12");
    assert.equal(await recordValue(page, "$.notes"), "Seen in clinic in December 2024.");
    assert.equal(await recordValue(page, "$.diagnoses[1].id"), null, "the removed diagnosis was not saved");
    assert.match(await recordValue(page, "$.diagnoses[0].id"), /^MONDO:/, "the first diagnosis is still there");
    t.diagnostic(`${toNotes} Tab presses from the Last follow-up field to Notes in the edit form of WAS-GB1-02`);
    assert.deepEqual(problems, []);
  });

  test("Enter in a text field of the edit form saves the record and removes nothing", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logInByKeyboard(page, server, "entry.gb1");
    await page.goto(`${server.url}/studies/${STUDY}/patients/WAS-GB1-01/edit`);
    const diagnoses = await page.locator("#f-diagnoses > fieldset.item").count();
    assert.ok(diagnoses >= 1, "WAS-GB1-01 has a diagnosis, so the form starts with Remove buttons");
    await tabUntil(page, (f) => f.id === "f-pseudonym", "the Pseudonym field");
    await tabUntil(page, (f) => f.id === "f-lastFollowUp", "the Last follow-up field");
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("2024-10-01");
    const response = await pressAndWait(page, "Enter");
    const request = response.request().redirectedFrom() ?? response.request();
    assert.match(request.postData(), /(^|&)_save=1(&|$)/, "Enter sends the Save button");
    assert.doesNotMatch(request.postData(), /_remove=|_add=/, "Enter presses neither Remove nor Add");
    assert.equal(await page.locator("h1").innerText(), "Patient WAS-GB1-01", "Enter saved and showed the record");
    assert.equal(await recordValue(page, "$.lastFollowUp"), "2024-10-01");
    assert.equal(await recordValue(page, "$.diagnoses[0].id"), "MONDO:0010518", "no diagnosis was removed");
  });

  test("an HPO term can be searched and chosen with the keyboard", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logInByKeyboard(page, server, "entry.it1");
    await page.goto(`${server.url}/studies/${STUDY}/patients/WAS-IT1-01/edit`);
    await tabUntil(page, (f) => f.tag === "button" && f.text === "Add a feature", "the Add a feature button", { limit: 400 });
    await pressAndWait(page, "Enter");
    const features = await page.locator("#f-features > fieldset.item").count();
    const input = `f-features-${features - 1}-id`;
    // The form comes back with the focus at the top; walk to the new feature's HPO field.
    await tabUntil(page, (f) => f.id === input, "the new feature's HPO id field", { limit: 600 });
    await page.keyboard.type("thrombocytop", { delay: 30 });
    const suggestion = page.locator(`#${input}-suggestions button.suggestion`, { hasText: "HP:0001873 Thrombocytopenia" });
    await suggestion.waitFor({ timeout: 10_000 });
    await tabUntil(page, (f) => f.tag === "button" && f.text.startsWith("HP:0001873 Thrombocytopenia"), "the Thrombocytopenia suggestion", { limit: 12 });
    await shoot(page, "keyboard-hpo-suggestion");
    await page.keyboard.press("Enter");
    const where = await focused(page);
    assert.equal(where.id, input, "choosing a suggestion puts the focus back in the field");
    assert.equal(await page.inputValue(`#${input}`), "HP:0001873");
  });
});
