// One Lighthouse run (mobile preset, performance only) of a page on the local portal,
// logged in by a real session cookie: the browser holds it as after a log-in, so the
// page's live socket is logged in too. (Lighthouse's --extra-headers adds the Cookie
// header to HTTP requests but not to the websocket handshake: the moderation queue's
// socket was refused, the page reloaded itself and Lighthouse measured the log-in page.)
// Lighthouse clears the cache and the origin's storage before the run, not cookies.
//
//   LH_DIR=/tmp/lh CHROME_PATH=/usr/bin/chromium node bench/lighthouse_page.mjs \
//     URL OUTPUT.json [sessionid=...]
// LH_DIR: where `npm install lighthouse` was run (its node_modules has puppeteer-core).
import { writeFileSync } from "node:fs";

const [url, output, cookie] = process.argv.slice(2);
const modules = `${process.env.LH_DIR || "/tmp/lh"}/node_modules`;
const { default: lighthouse } = await import(`${modules}/lighthouse/core/index.js`);
const { default: puppeteer } = await import(`${modules}/puppeteer-core/lib/esm/puppeteer/puppeteer-core.js`);

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage();
  if (cookie) {
    const [name, ...value] = cookie.split("=");
    await browser.setCookie({ name, value: value.join("="), url: new URL(url).origin, httpOnly: true });
  }
  const result = await lighthouse(
    url,
    { output: "json", onlyCategories: ["performance"], logLevel: "error" },
    undefined,
    page,
  );
  writeFileSync(output, result.report);
  const { score } = result.lhr.categories.performance;
  console.log(`${url} ${score === null ? "no score" : Math.round(score * 100)}`);
} finally {
  await browser.close();
}
