// Drives the operator's console (issue 27) in headless Chromium against a running loopcast with
// --mapping in splice mode: signs in, uploads a loop through the file input (XHR progress) and
// follows its prepare progress (SSE) until the tile says prepared, adds a rule naming it and a rule
// with a time window, sends an AzuraCast webhook and waits for that loop on air, saves a bad rule
// and a bad time window and reads the server's errors beside them, adds a channel with a stream key,
// edits it without the key and deletes it, then checks the layout at 390 and 1400 px and that the
// sparkline drew. Prints one JSON line of findings.
// Usage: node console.mjs BASE_URL TOKEN LOOP_FILE WEBHOOK_JSON SHOT_PREFIX CHANNEL_OUTPUT
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { chromium } from 'playwright-core';

const [base, token, loopFile, webhookFile, shots, channelOutput] = process.argv.slice(2);
const streamKey = 'e2e-secret-stream-key';
const loopName = basename(loopFile);
const song = JSON.parse(readFileSync(webhookFile, 'utf8'));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const result = {};
// Elements that stick out of the viewport (right edge beyond its width), and the page's own width.
const overflow = () => ({
  scroll_width: document.documentElement.scrollWidth, width: innerWidth,
  wide: [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > innerWidth + 1;
  }).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')).slice(0, 10),
});
const sparkLit = () => {
  const c = document.querySelector('#spark'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let lit = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ++lit;
  return lit;
};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('dialog', d => d.accept());  // "delete this channel?"
  const getJson = async path => { const r = await page.request.get(base + path); return { status: r.status(), body: await r.json() }; };
  const loadedAt = Date.now();
  await page.goto(base + '/');
  await page.waitForFunction(() => document.querySelector('#state').textContent === 'running', null, { timeout: 10000 });
  // Sign in: the form gives way to "signed in", and the token is in this tab's sessionStorage only.
  await page.fill('#token', token);
  await page.click('#signin-button');
  result.signed_in = await page.isVisible('#signed-in');
  result.token_stored = await page.evaluate(t => sessionStorage.getItem('loopcast-token') === t, token);

  // Upload through the file input; the progress bar shows, then the loop is listed with its duration.
  await page.setInputFiles('#upload-files', loopFile);
  await page.waitForFunction(n => !!document.querySelector(`.loop[data-name="${n}"]`), loopName, { timeout: 15000 });
  result.upload_message = await page.textContent('#loops-msg');
  result.upload_progress = await page.evaluate(() => document.querySelector('#upload-progress').value);  // the last XHR progress
  result.loop_label = await page.textContent(`.loop[data-name="${loopName}"] span`);
  // Splice mode: the server prepares it; the tile shows the progress, then "prepared".
  await page.waitForFunction(n => document.querySelector(`.tile[data-name="${n}"]`)?.dataset.prepared === 'true', loopName,
                             { timeout: 60000 });
  result.prepare_log = await page.evaluate(() => prepareLog.map(p => ({ state: p.state, progress: p.progress })));
  result.prepare_text = await page.textContent(`.tile[data-name="${loopName}"] .prep`);
  result.listed_prepared = (await getJson('/api/v1/loops')).body.loops.find(l => l.name === loopName)?.prepared;

  // A rule naming the new loop, for the artist of the webhook's song.
  const mappingBefore = await (await page.request.get(base + '/api/v1/mapping')).text();
  await page.click('#add-rule');
  const row = page.locator('.rule').last();
  await row.locator('[data-key="artist"]').fill(song.now_playing.song.artist);
  await row.locator('select.loop-choice').selectOption(loopName);
  // A rule with a time window only (a date long past: it never puts its loop on air here).
  await page.click('#add-rule');
  const timed = page.locator('.rule').last();
  await timed.locator('[data-key="artist"]').fill('');
  await timed.locator('[data-key="days"]').fill('wed, sat');
  await timed.locator('[data-key="from"]').fill('08:00');
  await timed.locator('[data-key="to"]').fill('09:30');
  await timed.locator('[data-key="dates"]').fill('2020-01-01..2020-01-31');
  await page.click('#save-rules');
  await page.waitForFunction(() => /saved/.test(document.querySelector('#rules-msg').textContent) ||
                             document.querySelector('.rule-error:not(:empty)'), null, { timeout: 10000 });
  result.rules_message = await page.textContent('#rules-msg');
  result.mapping_after_save = JSON.parse(await (await page.request.get(base + '/api/v1/mapping')).text());
  result.mapping_changed = JSON.stringify(result.mapping_after_save) !== mappingBefore;

  // "Which loop would this song get?"
  await page.fill('#try-artist', song.now_playing.song.artist);
  await page.click('#try-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('#try-result').textContent !== '', null, { timeout: 5000 });
  result.try_result = await page.textContent('#try-result');

  // The station says that song: the webhook puts the uploaded loop on air.
  result.webhook_status = await page.evaluate(async ([t, body]) => (await fetch('/webhook/azuracast', {
    method: 'POST', headers: { 'Authorization': 'Bearer ' + t, 'Content-Type': 'application/json' }, body })).status,
  [token, JSON.stringify(song)]);
  await page.waitForFunction(n => document.querySelector('#loop').textContent.endsWith('/' + n), loopName, { timeout: 15000 });
  result.on_air = await page.textContent('#loop');

  // A bad rule (no condition): the server's error lands beside it, and nothing changes on the server.
  const before = await (await page.request.get(base + '/api/v1/mapping')).text();
  await page.click('#add-rule');
  await page.click('#save-rules');
  await page.waitForFunction(() => !!document.querySelector('.rule-error:not(:empty)'), null, { timeout: 10000 });
  result.bad_rule_error = await page.locator('.rule-error:not(:empty)').textContent();
  result.bad_rule_index = await page.$$eval('.rule', rows => rows.findIndex(r => r.querySelector('.rule-error').textContent !== ''));
  result.rule_count = await page.$$eval('.rule', rows => rows.length);
  result.bad_rule_kept_out = (await (await page.request.get(base + '/api/v1/mapping')).text()) === before;
  await page.click('.rule:last-child button[aria-label^="delete rule"]');  // the bad rule goes again

  // A bad time window: the server's error lands next to its field, which is marked and focused.
  await page.click('#add-rule');
  const win = page.locator('.rule').last();
  await win.locator('[data-key="days"]').fill('fri');
  await win.locator('[data-key="from"]').fill('25:00');
  await win.locator('[data-key="to"]').fill('23:00');
  await page.click('#save-rules');
  await page.waitForFunction(() => !!document.querySelector('.rule-error:not(:empty)'), null, { timeout: 10000 });
  result.bad_window_error = await page.locator('.rule-error:not(:empty)').textContent();
  result.bad_window_beside = await page.evaluate(() => {
    const e = document.querySelector('.rule-error:not(:empty)');
    return e.previousElementSibling?.querySelector('input')?.dataset.key || '';
  });
  result.bad_window_focus = await page.evaluate(() => document.activeElement?.dataset.key || '');
  result.bad_window_invalid = await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid'));
  result.bad_window_kept_out = (await (await page.request.get(base + '/api/v1/mapping')).text()) === before;
  await page.click('.rule:last-child button[aria-label^="delete rule"]');

  // Channels: add one with a stream key, see it listed; its key never comes back to the page.
  await page.click('#add-channel');
  await page.fill('#ch-id', 'e2e-two');
  await page.fill('#ch-output', channelOutput + '/****');
  await page.fill('#ch-key', streamKey);
  await page.fill('#ch-vbitrate', '300k');
  await page.click('#channel-save');
  await page.waitForFunction(() => !!document.querySelector('#streamlist li[data-id="e2e-two"]'), null, { timeout: 15000 });
  result.channel_added = await page.textContent('#channels-msg');
  result.channel_state = await page.textContent('#streamlist li[data-id="e2e-two"] .pill');
  const shown = await getJson('/api/v1/streams/e2e-two');
  result.channel_config = shown.body.config;
  // Edit: change the bitrate, leave the key field empty; the server keeps the key.
  await page.click('#streamlist li[data-id="e2e-two"] button[aria-label="edit channel e2e-two"]');
  await page.waitForFunction(() => !document.querySelector('#channel-form').hidden && document.querySelector('#ch-output').value !== '',
                             null, { timeout: 5000 });
  result.edit_output_shown = await page.inputValue('#ch-output');
  result.edit_key_field = await page.inputValue('#ch-key');
  await page.fill('#ch-vbitrate', '400k');
  await page.click('#channel-save');
  await page.waitForFunction(() => /saved/.test(document.querySelector('#channels-msg').textContent) ||
                             document.querySelector('#channel-error').textContent !== '', null, { timeout: 15000 });
  result.channel_edited = await page.textContent('#channels-msg');
  result.channel_edit_error = await page.textContent('#channel-error');
  result.channel_config_after_edit = (await getJson('/api/v1/streams/e2e-two')).body.config;
  result.key_in_page = await page.evaluate(k => document.documentElement.outerHTML.includes(k) ||
    [...document.querySelectorAll('input, textarea')].some(i => i.value.includes(k)), streamKey);
  // Delete it: the row goes, the API no longer knows it.
  await page.click('#streamlist li[data-id="e2e-two"] button[aria-label="delete channel e2e-two"]');
  await page.waitForFunction(() => !document.querySelector('#streamlist li[data-id="e2e-two"]'), null, { timeout: 15000 });
  result.channel_deleted = await page.textContent('#channels-msg');
  result.channel_after_delete = (await getJson('/api/v1/streams/e2e-two')).status;

  // The sparkline has drawn by 10 s after load (it used to stay a dot at the right edge).
  await page.waitForTimeout(Math.max(0, 10000 - (Date.now() - loadedAt)));
  result.spark_samples = await page.evaluate(() => samples.length);
  result.spark_lit = await page.evaluate(sparkLit);

  // Layout at both widths: nothing wider than the viewport; the panels are there.
  for (const width of [1400, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(300);
    result['layout_' + width] = await page.evaluate(overflow);
    result['spark_lit_' + width] = await page.evaluate(sparkLit);
    await page.screenshot({ path: `${shots}-${width}.png`, fullPage: true });
  }
  result.panels = await page.$$eval('main > section h2', hs => hs.map(h => h.textContent));
  // Unlabelled form controls (a screen reader would announce nothing).
  result.unlabelled = await page.$$eval('input, select, textarea', els => els.filter(e => e.type !== 'file' && !e.labels?.length &&
    !e.getAttribute('aria-label')).map(e => e.id || e.dataset.key || e.tagName));

  // A wrong token: the next write says 401 and the page asks for the token again.
  await page.evaluate(() => sessionStorage.setItem('loopcast-token', 'wrong'));
  await page.click('#restart');
  await page.waitForFunction(() => !document.querySelector('#signin-form').hidden, null, { timeout: 5000 });
  result.after_401_prompt = await page.textContent('#signin-msg');
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
