// Drives the built-in dashboard in headless Chromium: waits for live status over SSE, clicks
// Stop and Start with the API token, and takes a screenshot. Prints one JSON line of findings.
// Usage: node dashboard.mjs BASE_URL TOKEN SCREENSHOT.png
import { chromium } from 'playwright-core';

const [base, token, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 520 } });
  await page.goto(base + '/');
  const state = () => page.textContent('#state');
  await page.waitForFunction(() => document.querySelector('#state').textContent === 'running', null, { timeout: 10000 });
  result.initial = await state();
  await page.waitForFunction(() => Number(document.querySelector('#frames').textContent) > 0, null, { timeout: 10000 });
  result.frames = Number(await page.textContent('#frames'));
  await page.fill('#token', token);
  await page.click('#stop');
  await page.waitForFunction(() => document.querySelector('#state').textContent === 'stopped', null, { timeout: 10000 });
  result.after_stop = await state();
  result.message = await page.textContent('#msg');
  await page.click('#start');
  await page.waitForFunction(() => document.querySelector('#state').textContent === 'running', null, { timeout: 10000 });
  result.after_start = await state();
  await page.fill('#loopname', 'ocean');
  await page.click('#switch');
  await page.waitForFunction(() => document.querySelector('#loop').textContent.endsWith('ocean.mp4'), null, { timeout: 10000 });
  result.loop = await page.textContent('#loop');
  await page.screenshot({ path: shot });
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
