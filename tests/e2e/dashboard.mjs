// Drives the built-in dashboard in headless Chromium: waits for live status over SSE, clicks
// Stop and Start with the API token, checks the live preview's pixels (the loop on air), clicks
// a loop in the picker and waits for the preview, the status and the events list to follow, and
// takes a screenshot. Prints one JSON line of findings.
// Usage: node dashboard.mjs BASE_URL TOKEN SCREENSHOT.png [SWITCH_TO_LOOP]
import { chromium } from 'playwright-core';

const [base, token, shot, target = 'ocean.mp4'] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const result = {};
// Mean R, G, B of the preview <img> as the page shows it (drawn into a canvas).
const previewColour = () => {
  const img = document.querySelector('#preview');
  if (!img.complete || !img.naturalWidth) return null;
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  const sum = [0, 0, 0];
  for (let i = 0; i < d.length; i += 4) { sum[0] += d[i]; sum[1] += d[i + 1]; sum[2] += d[i + 2]; }
  const n = d.length / 4;
  return { r: sum[0] / n, g: sum[1] / n, b: sum[2] / n, src: img.src };
};
const waitColour = async (page, warm, ms) => {
  const until = Date.now() + ms;
  let c = null;
  while (Date.now() < until) {
    c = await page.evaluate(previewColour);
    if (c && (warm ? c.r > c.b + 40 : c.b > 2 * c.r && c.r < 40)) return c;  // sunset warm; ocean dark navy
    await page.waitForTimeout(250);
  }
  return c;
};
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(base + '/');
  const state = () => page.textContent('#state');
  await page.waitForFunction(() => document.querySelector('#state').textContent === 'running', null, { timeout: 10000 });
  result.initial = await state();
  await page.waitForFunction(() => Number(document.querySelector('#frames').textContent) > 0, null, { timeout: 10000 });
  result.frames = Number(await page.textContent('#frames'));
  await page.waitForFunction(() => /integrated -?\d/.test(document.querySelector('#loudness').textContent), null, { timeout: 10000 });
  result.loudness = await page.textContent('#loudness');
  await page.fill('#token', token);
  await page.click('#stop');
  await page.waitForFunction(() => document.querySelector('#state').textContent === 'stopped', null, { timeout: 10000 });
  result.after_stop = await state();
  result.message = await page.textContent('#msg');
  await page.click('#start');
  await page.waitForFunction(() => document.querySelector('#state').textContent === 'running', null, { timeout: 10000 });
  result.after_start = await state();

  // The picker: one thumbnail per loop, each a real decoded picture; the loop on air is marked.
  await page.waitForFunction(() => [...document.querySelectorAll('.loop img')].length > 1 &&
                             [...document.querySelectorAll('.loop img')].every(i => i.complete && i.naturalWidth > 0), null, { timeout: 15000 });
  result.loops = await page.$$eval('.loop', bs => bs.map(b => b.dataset.name));
  result.on_air_marked = await page.$$eval('.loop.on-air', bs => bs.map(b => b.dataset.name));

  // The preview shows the loop on air (the start loop, sunset: warm colours; ocean is dark navy).
  result.preview_before = await waitColour(page, true, 15000);
  const sparkBefore = await page.evaluate(() => samples.length);

  // A click in the picker switches: status, preview and events list follow.
  await page.click(`.loop[data-name="${target}"]`);
  result.click_message = await page.textContent('#msg');
  await page.waitForFunction(t => document.querySelector('#loop').textContent.endsWith('/' + t), target, { timeout: 10000 });
  result.loop = await page.textContent('#loop');
  result.preview_after = await waitColour(page, false, 15000);
  await page.waitForFunction(t => [...document.querySelectorAll('#events li[data-kind="switch"]')].some(li => li.textContent.includes(t)),
                             target, { timeout: 10000 });
  result.events = await page.$$eval('#events li', lis => lis.map(li => li.dataset.kind + ': ' + li.lastChild.textContent));
  result.on_air_marked_after = await page.$$eval('.loop.on-air', bs => bs.map(b => b.dataset.name));
  // The sparkline gathered samples and drew them.
  result.spark_samples = await page.evaluate(() => samples.length);
  result.spark_grew = result.spark_samples > sparkBefore;
  result.spark_drawn = await page.evaluate(() => {
    const c = document.querySelector('#spark'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let lit = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ++lit;
    return lit;
  });
  await page.screenshot({ path: shot, fullPage: true });
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
