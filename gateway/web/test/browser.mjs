// The browser test of the common operational picture, run by e2e/web against a real
// system (TANSIQ_WEB_URL) in Debian's headless Chromium: a Peshmerga operator sets the
// window to December 2021, sees Makhmour marked as a gap and proposes a joint deployment;
// an Iraqi army operator, in a second browser context, sees the proposal arrive live and
// acknowledges it; the first sees Makhmour's gap close without reloading; in Arabic the
// document is right to left and Makhmour reads مخمور. Screenshots of every step go to
// TANSIQ_SCREENSHOTS.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

const url = process.env.TANSIQ_WEB_URL;
const shots = process.env.TANSIQ_SCREENSHOTS;
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
if (!url || !shots) throw new Error("set TANSIQ_WEB_URL and TANSIQ_SCREENSHOTS");

const makhmour = "zones/makhmour";
// A deployment both forces acknowledged: ACTIVE, or ENDED at once when its window is past.
const acknowledged = `.deployment:is([data-state="ACTIVE"], [data-state="ENDED"]) .ack--yes[data-force="forces/iraqi-army"]`;
const step = (msg) => console.log(new Date().toISOString(), msg);
const timeout = 60_000;

const profile = await mkdtemp(join(tmpdir(), "tansiq-chromium-"));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  userDataDir: profile,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--lang=en-GB"],
});

let failed = false;
const pages = [];
try {
  await run();
} catch (e) {
  failed = true;
  console.error(e);
  for (const [i, page] of pages.entries()) {
    const refusals = await page.$$eval(".refusal", (els) => els.map((el) => el.textContent)).catch(() => []);
    if (refusals.length) console.error(`page ${i + 1} shows refusals:`, refusals);
    await page.screenshot({ path: join(shots, `failure-page-${i + 1}.png`), fullPage: true }).catch(() => {});
  }
} finally {
  await browser.close();
  await rm(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

async function open(viewport) {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  pages.push(page);
  page.setDefaultTimeout(timeout);
  await page.setViewport(viewport);
  page.on("console", (m) => m.type() === "error" && console.log("browser console:", m.text()));
  page.on("pageerror", (e) => { console.log("page error:", e); failed = true; });
  // Nothing may be fetched from anywhere but the gateway.
  const origin = new URL(url).origin;
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) {
      console.log("request outside the gateway:", r.url());
      failed = true;
    }
  });
  await page.goto(url, { waitUntil: "load" });
  // Marks the document: it is still there after the live updates only if nothing reloaded.
  await page.evaluate(() => { window.__notReloaded = true; });
  return page;
}

async function signIn(page, force) {
  const button = `.dev-identity[data-force="${force}"]`;
  await page.waitForSelector(button);
  await page.click(button);
  await page.waitForSelector("#signin", { hidden: true });
  const token = await page.evaluate(() => sessionStorage.getItem("tansiq.token"));
  const stored = await page.evaluate(() => localStorage.length && Object.values(localStorage).some((v) => v.split(".").length === 3));
  if (!token || stored) throw new Error("the token must be in session storage and only there");
}

async function december2021(page) {
  await page.select("#preset", "custom");
  await page.$eval("#from", (el) => { el.value = "2021-12-01"; });
  await page.$eval("#to", (el) => { el.value = "2021-12-31"; });
  await page.click("#apply");
  await page.waitForSelector(`.gap-item[data-zone="${makhmour}"]`);
  await page.waitForSelector("path.zone--makhmour.zone-gap");
}

async function shot(page, name) {
  await new Promise((r) => setTimeout(r, 300)); // let the map finish drawing
  await page.screenshot({ path: join(shots, name + ".png") });
  step("screenshot " + name);
}

async function notReloaded(page) {
  if (!(await page.evaluate(() => window.__notReloaded === true))) throw new Error("the page reloaded");
}

async function run() {
  step("Peshmerga operator signs in on a laptop screen");
  const pesh = await open({ width: 1366, height: 820 });
  await signIn(pesh, "forces/peshmerga");
  const signedIn = Date.now();
  await pesh.waitForSelector(".gaps :is(.gap-item, #no-gaps)"); // the first picture has arrived
  const load = await pesh.evaluate(() => Math.round(performance.getEntriesByType("navigation")[0].loadEventEnd));
  step(`measured: page loaded in ${load} ms; the first picture with its gaps ${Date.now() - signedIn} ms after sign-in`);
  await december2021(pesh);
  await pesh.click(`.gap-item[data-zone="${makhmour}"]`);
  await pesh.waitForSelector(`.zone-details[data-zone="${makhmour}"][data-gap="true"]`);
  // The security vacuum: the strip no force's area covered, drawn on the map and measured.
  await pesh.waitForSelector(".zone-details .vacuum-area");
  await pesh.waitForSelector("path.vacuum");
  await shot(pesh, "01-peshmerga-december-2021-makhmour-gap");

  step("Iraqi army operator signs in on a tablet and opens Makhmour");
  const iraq = await open({ width: 820, height: 1180, isMobile: true, hasTouch: true });
  await signIn(iraq, "forces/iraqi-army");
  await december2021(iraq);
  await iraq.click(`.gap-item[data-zone="${makhmour}"]`);
  await iraq.waitForSelector(`.zone-details[data-zone="${makhmour}"][data-gap="true"]`);
  await shot(iraq, "02-iraqi-army-tablet-makhmour-gap");

  step("Peshmerga proposes a joint deployment from the gap, with a unit of each force");
  await pesh.click(".zone-details button.propose");
  await pesh.waitForSelector(".propose-form");
  await pesh.click('.units-pick[data-force="forces/peshmerga"] input[value="forces/peshmerga/units/makhmour-front"]');
  await pesh.click('.units-pick[data-force="forces/iraqi-army"] input[value="forces/iraqi-army/units/makhmour-sector-brigade"]');
  await shot(pesh, "03-peshmerga-proposes");
  await pesh.click("#propose-submit");
  await pesh.waitForSelector(`.zone-details[data-zone="${makhmour}"] .deployment[data-state="PROPOSED"]`);
  await shot(pesh, "04-peshmerga-proposed");

  step("the proposal reaches the Iraqi army live, which acknowledges it");
  await iraq.waitForSelector(`.zone-details[data-zone="${makhmour}"] .deployment[data-state="PROPOSED"] .ack-button`);
  await notReloaded(iraq);
  await shot(iraq, "05-iraqi-army-sees-proposal-live");
  await iraq.click(".deployment[data-state=\"PROPOSED\"] .ack-button");
  await iraq.waitForSelector(`.zone-details[data-zone="${makhmour}"][data-gap="false"] ${acknowledged}`);
  await shot(iraq, "06-iraqi-army-acknowledged");

  step("the Peshmerga sees Makhmour's gap close without reloading");
  await pesh.waitForSelector(`.zone-details[data-zone="${makhmour}"][data-gap="false"] ${acknowledged}`);
  await pesh.waitForSelector(`.gap-item[data-zone="${makhmour}"]`, { hidden: true });
  await pesh.waitForFunction(() => !document.querySelector("path.zone--makhmour.zone-gap"));
  await notReloaded(pesh);
  await shot(pesh, "07-peshmerga-gap-closed");

  step("in Arabic the document is right to left and Makhmour reads مخمور");
  await pesh.select("#lang", "ar");
  const ar = await pesh.evaluate(() => ({
    dir: document.documentElement.dir, lang: document.documentElement.lang,
    label: document.querySelector(".zone-label--makhmour")?.textContent, heading: document.querySelector(".zone-details h2")?.textContent,
  }));
  if (ar.dir !== "rtl" || ar.lang !== "ar" || ar.label !== "مخمور" || ar.heading !== "مخمور") throw new Error("Arabic: " + JSON.stringify(ar));
  await shot(pesh, "08-arabic-rtl");
  await pesh.select("#lang", "ckb");
  const ckb = await pesh.evaluate(() => ({ dir: document.documentElement.dir, label: document.querySelector(".zone-label--makhmour")?.textContent }));
  if (ckb.dir !== "rtl" || ckb.label !== "مەخموور") throw new Error("Sorani: " + JSON.stringify(ckb));
  await shot(pesh, "09-sorani-rtl");
  await notReloaded(pesh);
  step("done");
}
