// Opens an x402j admin console in headless Chromium the way an operator would: waits for the
// live update (the page's script polling its JSON) and the charts, reports what the page shows and
// anything the browser complained about (a CSP violation, a script error), writes a full-page
// screenshot, then checks the page fits a phone's width and runs a settlement search.
//
//   node console.mjs URL SCREENSHOT [SEARCH_QUERY]
//   (X402J_CONSOLE_USER / X402J_CONSOLE_PASSWORD for a console behind a password)
import { chromium } from "playwright-core";

const [url, screenshot, searchQuery] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.X402J_CHROMIUM || "/usr/bin/chromium",
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
try {
  const password = process.env.X402J_CONSOLE_PASSWORD;
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    httpCredentials: password
      ? { username: process.env.X402J_CONSOLE_USER || "admin", password }
      : undefined,
  });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  const first = await page.goto(url);
  await page.waitForSelector("[data-src][data-loaded='true']", { timeout: 30000 });
  await page.waitForSelector(".chart canvas", { timeout: 30000 });
  const cells = (selector) =>
    page.$$eval(selector, (rows) =>
      rows.map((r) => Array.from(r.cells).map((c) => ({ text: c.innerText, cls: c.className }))),
    );
  const report = {
    status: first.status(),
    headers: first.headers(),
    title: await page.title(),
    text: await page.evaluate(() => document.querySelector("main").innerText),
    confirmed: await page.$eval("[data-key='totals.confirmed']", (e) => e.innerText),
    byNetwork: await cells("tbody[data-rows='byNetwork'] tr"),
    signers: await cells("tbody[data-rows='signers'] tr"),
    lanes: await cells("tbody[data-rows='lanes'] tr"),
    charts: await page.$$eval(".chart canvas", (c) => c.length),
  };
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  report.phoneOverflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  if (searchQuery) {
    await page.setViewportSize({ width: 1280, height: 900 });
    const found = await page.goto(new URL("settlements?" + searchQuery, url).toString());
    report.searchStatus = found.status();
    report.search = await cells("main table tbody tr");
  }
  report.problems = problems;
  console.log(JSON.stringify(report));
} finally {
  await browser.close();
}
