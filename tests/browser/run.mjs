// The search page and the A to Z in a real browser: headless Chromium (Debian's package)
// driven by playwright-core, with axe-core checking WCAG 2.2 AA, a keyboard walk through the
// suggestions, results updated in place (the professional choice too), the A to Z letters
// by keyboard, and both pages with JavaScript turned off.
//
// Run from anywhere: `node tests/browser/run.mjs` (after `npm ci` in this folder). It starts
// `offer-search demo` on a loopback port itself, with its index in a temporary folder.
//
//   OFFER_SEARCH_BIN  the binary to run (default: target/debug/offer-search)
//   CHROMIUM          the browser (default: /usr/bin/chromium)
//   SCREENSHOT_DIR    when set, PNG screenshots of the pages are written there
//
// Exits non-zero on any failure, including a browser that cannot be started.

import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, "..", "..");

const binary = process.env.OFFER_SEARCH_BIN || join(projectRoot, "target", "debug", "offer-search");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const screenshotDir = process.env.SCREENSHOT_DIR || "";
const axePath = require.resolve("axe-core/axe.min.js");

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const BROWSER_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
// Upper bounds for waiting, not expectations of speed.
const SERVER_START_LIMIT_MS = 120_000;
const STEP_LIMIT_MS = 15_000;

const failures = [];

function check(condition, message) {
  if (!condition) {
    failures.push(message);
    console.log(`  FAIL ${message}`);
  } else {
    console.log(`  ok   ${message}`);
  }
}

/** A config folder: the project's own, plus a best bet so its message is on the page. */
function makeConfig(folder) {
  const config = join(folder, "config");
  mkdirSync(config, { recursive: true });
  cpSync(join(projectRoot, "index-config"), config, { recursive: true });
  writeFileSync(
    join(config, "best-bets.toml"),
    [
      "[[bet]]",
      'name = "short breaks guide"',
      'contains = ["short breaks"]',
      'pin = ["/social-care/short-breaks/short-breaks.html"]',
      'message = "Applications for summer short breaks are open until 30 April."',
      "",
    ].join("\n"),
  );
  return config;
}

/** Starts `offer-search demo` and resolves with its base URL once it prints it. */
function startServer(folder, config) {
  const child = spawn(
    binary,
    ["demo", "--addr", "127.0.0.1:0", "--data", join(folder, "data"), "--config", config],
    { env: { ...process.env, RUST_LOG: "warn" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const address = new Promise((resolveAddress, reject) => {
    const limit = setTimeout(() => {
      reject(new Error(`offer-search demo did not print its address:\n${stderr}`));
    }, SERVER_START_LIMIT_MS);
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const found = stdout.match(/listening on (http:\/\/[^\s]+)/);
      if (found) {
        clearTimeout(limit);
        resolveAddress(found[1].replace(/\/$/, ""));
      }
    });
    child.on("error", (err) => {
      clearTimeout(limit);
      reject(new Error(`cannot start ${binary}: ${err.message}`));
    });
    child.on("exit", (code) => {
      clearTimeout(limit);
      reject(new Error(`offer-search demo exited with ${code}:\n${stderr}`));
    });
  });
  return { child, address };
}

async function launchBrowser() {
  try {
    return await chromium.launch({ executablePath: browserPath, args: BROWSER_ARGS, headless: true });
  } catch (err) {
    throw new Error(
      `cannot start Chromium at ${browserPath} (install Debian's chromium package): ${err.message}`,
    );
  }
}

/** Runs axe on the page as it is and records each violation. */
async function axeCheck(page, name) {
  await page.addScriptTag({ path: axePath });
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    WCAG_TAGS,
  );
  for (const violation of results.violations) {
    const targets = violation.nodes.map((node) => node.target.join(" ")).join(", ");
    console.log(`       ${violation.id} (${violation.impact}): ${violation.help} at ${targets}`);
  }
  check(
    results.violations.length === 0,
    `axe: ${name}: ${results.violations.length} violation(s), ${results.passes.length} rule(s) passed`,
  );
}

async function accessibilityChecks(context, base) {
  console.log("accessibility (axe-core, WCAG 2.2 AA tags)");
  const page = await context.newPage();
  const pages = [
    ["home page", "/"],
    ["results page", "/?q=short+breaks"],
    ["results, second page", "/?q=funding&limit=2&offset=2"],
    ["results, filtered to documents", "/?q=funding&kind=document"],
    ["corrected spelling", "/?q=inclusoin+fundign"],
    ["no results page", "/?q=qwxzvy+plomk"],
    ["error page (empty search)", "/?q="],
    ["error page (bad paging)", "/?q=funding&offset=nope"],
    ["results for professionals", "/?q=short+breaks&audience=professional"],
    ["A to Z, every letter", "/a-z"],
    ["A to Z, one letter", "/a-z?letter=S"],
  ];
  for (const [name, path] of pages) {
    await page.goto(base + path);
    await axeCheck(page, name);
  }

  await page.goto(base + "/");
  await page.locator("#q").fill("shor");
  await page.locator("#q").press("t");
  await page.locator("#q-suggestions [role=option]").first().waitFor({ timeout: STEP_LIMIT_MS });
  await page.locator("#q").press("ArrowDown");
  await axeCheck(page, "suggestions open");
  await page.close();
}

async function keyboardSuggestions(context, base) {
  console.log("suggestions by keyboard, results in place");
  const page = await context.newPage();
  const scriptErrors = [];
  page.on("console", (message) => {
    if (message.type() === "error") {
      scriptErrors.push(message.text());
    }
  });
  page.on("pageerror", (err) => scriptErrors.push(err.message));
  await page.goto(base + "/");
  const box = page.locator("#q");

  await page.keyboard.press("Tab");
  check((await page.evaluate(() => document.activeElement.className)) === "skip-link", "Tab reaches the skip link first");
  await box.focus();
  check(await box.evaluate((node) => node.getAttribute("role") === "combobox"), "the search box is a combobox");
  await page.keyboard.type("short", { delay: 40 });
  const options = page.locator("#q-suggestions [role=option]");
  await options.first().waitFor({ timeout: STEP_LIMIT_MS });
  check((await box.getAttribute("aria-expanded")) === "true", "aria-expanded is true with suggestions shown");
  check(
    (await box.getAttribute("aria-controls")) === "q-suggestions",
    "aria-controls names the listbox",
  );

  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  const firstId = await options.first().getAttribute("id");
  check(
    (await box.getAttribute("aria-activedescendant")) === firstId,
    "Down, Down, Up leaves the first suggestion active",
  );
  check((await options.first().getAttribute("aria-selected")) === "true", "the active option is aria-selected");
  const chosen = (await options.first().textContent()).trim();

  await page.keyboard.press("Escape");
  check((await box.getAttribute("aria-expanded")) === "false", "Escape closes the suggestions");
  check((await box.inputValue()) === "short", "Escape keeps what was typed");
  await page.keyboard.press("ArrowDown");
  check((await box.getAttribute("aria-expanded")) === "true", "Down opens them again");

  await page.keyboard.press("Enter");
  await page.waitForFunction(
    (text) => document.getElementById("result-count").textContent.includes(text),
    chosen,
    { timeout: STEP_LIMIT_MS },
  );
  const count = (await page.locator("#result-count").textContent()).trim();
  const titles = await page.locator(".result__title a").allTextContents();
  console.log(`       picked "${chosen}": ${count}; first results: ${titles.slice(0, 3).join(" | ")}`);
  check(titles.length > 0, `choosing "${chosen}" shows results`);
  check((await box.inputValue()) === chosen, "the search box holds the chosen suggestion");
  check(
    new URL(page.url()).searchParams.get("q") === chosen,
    "the address bar holds the search (history.pushState)",
  );
  check(await box.evaluate((node) => node === document.activeElement), "focus stays in the search box");
  check((await page.title()).includes(chosen), "the window title names the search");

  const filter = page.locator(".filter-list__link").first();
  const filterText = (await filter.textContent()).replace(/\s*\(.*$/, "").trim();
  await filter.click();
  await page.waitForFunction(
    () => new URL(window.location.href).searchParams.has("section") ||
      new URL(window.location.href).searchParams.has("kind"),
    null,
    { timeout: STEP_LIMIT_MS },
  );
  await page.waitForFunction(
    (text) => document.querySelector(".filter-list__current")?.textContent.includes(text),
    filterText,
    { timeout: STEP_LIMIT_MS },
  );
  check(
    await page.evaluate(() => document.activeElement.id === "result-count"),
    "after a filter link, focus moves to the result count",
  );

  await page.goBack();
  await page.waitForFunction(
    () => !new URL(window.location.href).searchParams.has("section") &&
      !new URL(window.location.href).searchParams.has("kind"),
    null,
    { timeout: STEP_LIMIT_MS },
  );
  await page.waitForFunction(
    () => document.querySelectorAll(".filter-list__current").length === 2 &&
      document.querySelector(".filter-list__current").textContent.includes("All topics"),
    null,
    { timeout: STEP_LIMIT_MS },
  );
  check(true, "Back returns to the unfiltered results");

  const audience = page.locator("#audience");
  await audience.focus();
  await page.keyboard.press("Space");
  await page.waitForFunction(
    () => new URL(window.location.href).searchParams.get("audience") === "professional",
    null,
    { timeout: STEP_LIMIT_MS },
  );
  await page.waitForFunction(
    () => document.getElementById("result-count").textContent.includes("professionals first"),
    null,
    { timeout: STEP_LIMIT_MS },
  );
  check(true, "ticking ‘I am a professional’ searches again in place and says so in the live region");
  check(await audience.evaluate((node) => node === document.activeElement), "focus stays on the box");
  const pageLinks = await page.locator("#results-region a[href^='?']").evaluateAll((links) =>
    links.map((link) => link.getAttribute("href")),
  );
  check(
    pageLinks.length > 0 && pageLinks.every((href) => href.includes("audience=professional")),
    `filter and page links keep the choice (${pageLinks.length} links)`,
  );
  await page.goBack();
  await page.waitForFunction(
    () => !new URL(window.location.href).searchParams.has("audience"),
    null,
    { timeout: STEP_LIMIT_MS },
  );
  await page.waitForFunction(
    () => !document.getElementById("audience").checked &&
      !document.getElementById("result-count").textContent.includes("professionals"),
    null,
    { timeout: STEP_LIMIT_MS },
  );
  check(true, "Back clears the box and shows the results for families again");

  await box.fill("");
  await box.press("Enter");
  await page.locator("#error-summary").waitFor({ timeout: STEP_LIMIT_MS });
  check(
    await page.evaluate(() => document.activeElement.id === "error-summary"),
    "an empty search moves focus to the error summary",
  );
  check((await box.getAttribute("aria-invalid")) === "true", "the search box is marked invalid");
  // The 400 of the empty search is logged by the browser as a failed resource; nothing else
  // may be.
  const unexpected = scriptErrors.filter((text) => !text.includes("400"));
  check(unexpected.length === 0, `no script errors or refused resources (${unexpected.join("; ")})`);
  await page.close();
}

async function atozKeyboard(context, base) {
  console.log("A to Z letters by keyboard");
  const page = await context.newPage();
  await page.goto(base + "/a-z");
  const letters = page.locator("nav#letters");
  check((await letters.getAttribute("aria-label")) === "A to Z letters", "the letters are a labelled navigation");
  const linked = (await letters.locator("a").allTextContents()).map((text) => text.trim());
  const target = linked[Math.floor(linked.length / 2)];
  let reached = false;
  for (let presses = 0; presses < 60 && !reached; presses++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(
      (letter) => {
        const active = document.activeElement;
        return active.closest("nav#letters") !== null && active.textContent.trim() === letter;
      },
      target,
    );
  }
  check(reached, `Tab reaches the letter ${target}`);
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    (letter) => document.activeElement.tagName === "H2" && document.activeElement.textContent.trim() === letter,
    target,
    { timeout: STEP_LIMIT_MS },
  );
  const landed = await page.evaluate(() => {
    const heading = document.activeElement;
    const box = heading.getBoundingClientRect();
    return {
      id: heading.id,
      inView: box.top >= 0 && box.bottom <= window.innerHeight,
      scrolled: window.scrollY > 0,
      hash: window.location.hash,
    };
  });
  check(landed.hash === `#${landed.id}`, `Enter follows the link to ${landed.hash}`);
  check(true, `focus lands on the heading of ${target}`);
  check(landed.inView && landed.scrolled, "the page scrolls the heading into view");
  await page.keyboard.press("Tab");
  const next = await page.evaluate(() => {
    const active = document.activeElement;
    const section = active.closest(".atoz-letter");
    return {
      tag: active.tagName,
      inLetter: section !== null && section.querySelector("h2").textContent.trim(),
    };
  });
  check(next.tag === "A" && next.inLetter === target, `the next Tab goes to the first link under ${target}`);
  await page.close();
}

async function withoutJavaScript(browser, base) {
  console.log("JavaScript turned off");
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(base + "/");
  check((await page.locator("#q").getAttribute("role")) === null, "a plain search box, no combobox");
  await page.locator("#q").fill("funding");
  await Promise.all([page.waitForURL(/\?q=funding/), page.locator("#q").press("Enter")]);
  const titles = await page.locator(".result__title a").allTextContents();
  check(titles.length > 0, `the form's GET shows results (${titles.length} on the page)`);
  await page.goto(base + "/?q=funding&limit=3");
  const next = page.locator(".pagination a[rel=next]");
  if ((await next.count()) > 0) {
    await Promise.all([page.waitForURL(/offset=/), next.click()]);
    check((await page.title()).includes("page 2"), "Next page is a plain link to page 2");
  } else {
    check(false, "three results a page for ‘funding’ should need more than one page");
  }
  const documents = await page.locator(".document-list a").allTextContents();
  const labelled = documents.every((text) => /\((PDF|Word document|Document)[^)]*\d+ (KB|MB)\)$/.test(text));
  check(labelled, `document links state type and size (${documents.length} seen)`);

  await page.goto(base + "/a-z?letter=S");
  const first = page.locator("nav#letters a").first();
  const firstLetter = (await first.textContent()).trim();
  await Promise.all([page.waitForURL(new RegExp(`letter=${firstLetter}`)), first.click()]);
  const headings = (await page.locator(".atoz-letter h2").allTextContents()).map((text) => text.trim());
  check(
    headings.length === 1 && headings[0] === firstLetter,
    `the A to Z letters are plain links to each letter (${headings.join(", ")})`,
  );
  await context.close();
}

async function screenshots(browser, base) {
  if (!screenshotDir) {
    return;
  }
  mkdirSync(screenshotDir, { recursive: true });
  for (const [name, width] of [["results-desktop", 1280], ["results-mobile", 390]]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(base + "/?q=short+breaks");
    await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
    await context.close();
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 700 } });
  const page = await context.newPage();
  await page.goto(base + "/?q=funding&limit=3&offset=3");
  await page.screenshot({ path: join(screenshotDir, "paging.png"), fullPage: true });
  await page.goto(base + "/?q=");
  await page.screenshot({ path: join(screenshotDir, "error.png") });
  await page.goto(base + "/?q=qwxzvy");
  await page.screenshot({ path: join(screenshotDir, "no-results.png"), fullPage: true });
  await page.goto(base + "/?q=annual+review&audience=professional");
  await page.screenshot({ path: join(screenshotDir, "professional.png"), fullPage: true });
  await page.goto(base + "/a-z");
  await page.screenshot({ path: join(screenshotDir, "a-z.png"), fullPage: true });
  await page.goto(base + "/a-z?letter=S");
  await page.screenshot({ path: join(screenshotDir, "a-z-letter.png"), fullPage: true });
  await page.goto(base + "/");
  await page.locator("#q").focus();
  await page.keyboard.type("educ", { delay: 40 });
  await page.locator("#q-suggestions [role=option]").first().waitFor({ timeout: STEP_LIMIT_MS });
  await page.keyboard.press("ArrowDown");
  await page.screenshot({ path: join(screenshotDir, "suggestions.png") });
  await context.close();
  console.log(`screenshots written to ${screenshotDir}`);
}

async function main() {
  const folder = mkdtempSync(join(tmpdir(), "offer-search-browser-"));
  const server = startServer(folder, makeConfig(folder));
  let browser = null;
  try {
    const base = await server.address;
    console.log(`server at ${base}`);
    browser = await launchBrowser();
    console.log(`browser: Chromium ${browser.version()}`);
    // axe is injected as an inline script, which the page's Content-Security-Policy refuses.
    const axeContext = await browser.newContext({ bypassCSP: true });
    await accessibilityChecks(axeContext, base);
    await axeContext.close();
    const context = await browser.newContext();
    await keyboardSuggestions(context, base);
    await atozKeyboard(context, base);
    await context.close();
    await withoutJavaScript(browser, base);
    await screenshots(browser, base);
  } catch (err) {
    failures.push(err.stack || String(err));
    console.log(`  FAIL ${err.stack || err}`);
  } finally {
    if (browser) {
      await browser.close();
    }
    server.child.kill();
    rmSync(folder, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.log(`\n${failures.length} browser check(s) failed`);
    process.exit(1);
  }
  console.log("\nall browser checks passed");
}

await main();
