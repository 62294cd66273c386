const $ = id => document.getElementById(id);
let onAir = '';

// section: status
function show(s) {
  $('state').textContent = s.state; $('state').className = 'pill ' + s.state;
  $('uptime').textContent = s.uptime ? 'up ' + Math.round(s.uptime) + ' s' : '';
  $('track').textContent = (s.track.artist && s.track.title ? s.track.artist + ' \u2013 ' + s.track.title : s.track.text) || '–';  // as the overlay shows it
  $('loop').textContent = s.loop || '–';
  $('pending').textContent = s.pending_loop ? s.pending_loop + ' in ' + s.pending_in.toFixed(1) + ' s' : '–';
  $('switches').textContent = s.switches;
  $('frames').textContent = s.video_frames; $('fps').textContent = s.fps.toFixed(1);
  $('kbps').textContent = Math.round(s.bitrate_kbps) + ' kb/s';
  $('audio').textContent = (s.audio.state || '–') + (s.audio.icy_title ? ' · ' + s.audio.icy_title : '');
  const l = s.loudness, lv = v => v == null ? '–' : v.toFixed(1);  // EBU R128 of the audio as sent; null: silence
  $('loudness').textContent = !l ? '–' : lv(l.short_term) + ' LUFS (3 s) · integrated ' + lv(l.integrated) + ' · peak ' + lv(l.true_peak) +
    ' dBTP' + (l.target == null ? '' : ' · gain ' + (l.gain_db >= 0 ? '+' : '') + lv(l.gain_db) + ' dB to ' + l.target);
  $('outputs').textContent = s.outputs.map(o => o.url + ' ' + o.state).join(', ') || '–';
  $('error').textContent = s.last_error || '–';
  const y = s.youtube || {state: 'off'};  // health · lifecycle · viewers, one line
  $('youtube').textContent = y.state === 'off' ? '–' : [y.state, 'health ' + (y.health || '?'), y.lifecycle || '?',
    (y.viewers ?? '?') + ' viewers', 'quota ' + y.quota_used + '/' + y.quota_budget].join(' · ');
  markOnAir(s.loop || '');
  spark(s);
}

// section: sign-in (the token lives in this tab's sessionStorage, never in the page's address or storage that outlives it)
const token = () => $('token').value || sessionStorage.getItem('loopcast-token') || '';
function signedIn(yes) {
  $('signin-form').hidden = yes; $('signed-in').hidden = !yes;
  if (!yes) { $('token').value = ''; sessionStorage.removeItem('loopcast-token'); }
}
$('signin-form').onsubmit = e => {
  e.preventDefault();
  sessionStorage.setItem('loopcast-token', $('token').value);
  $('token').value = '';  // from now on the tab's stored token speaks (a 401 clears it)
  $('signin-msg').textContent = '';
  signedIn(true);
};
$('signout').onclick = () => signedIn(false);
// A 401: the token is wrong or missing; back to the prompt, saying why.
function askToken(why) {
  signedIn(false);
  $('signin-msg').textContent = why || 'The server wants the API token: sign in again.';
  $('token').focus();
}
signedIn(!!sessionStorage.getItem('loopcast-token'));
// Every write goes through here: the bearer header, the JSON error, the 401 handling.
async function call(method, path, body, type = 'application/json') {
  const h = {'Content-Type': type};
  if (token()) h['Authorization'] = 'Bearer ' + token();
  const sent = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const r = await fetch(path, {method, headers: h, body: sent});
  const j = await r.json().catch(() => ({}));
  if (r.status === 401) askToken(j.error && 'Refused: ' + j.error + '. Sign in with the API token.');
  return {ok: r.ok, status: r.status, body: j};
}

// section: control
async function post(path, body) {
  const r = await call('POST', path, body || '');
  $('msg').textContent = r.ok ? path.split('/').pop() + ': ok' : (r.body.error || r.status);
  return r.ok;
}
for (const op of ['start', 'stop', 'restart']) $(op).onclick = () => post('/api/v1/stream/' + op);

// section: preview (the on-air frame, refreshed every 2 s; the server encodes once for everyone)
function refreshPreview() {
  const img = new Image();
  img.onload = () => { $('preview').src = img.src; $('preview-note').textContent = 'updated ' + new Date().toLocaleTimeString(); };
  img.onerror = () => { $('preview-note').textContent = 'no picture on air'; };
  img.src = '/api/v1/snapshot.jpg?t=' + Date.now();
}
setInterval(refreshPreview, 2000);
refreshPreview();

// section: stream sparkline (bitrate and fps from the status updates, last 120 samples)
const samples = [];
function spark(s) {
  if (s.state !== 'running') return;
  samples.push({kbps: s.bitrate_kbps, fps: s.fps});
  if (samples.length > 120) samples.shift();
  const c = $('spark'), g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  // The samples span the whole width from the first one on (one sample: a flat line across), so the
  // line is drawn at once; it used to be pinned at 120 slots, which left a single dot at the right edge.
  const step = samples.length > 1 ? c.width / (samples.length - 1) : 0;
  const line = (key, colour) => {
    const max = Math.max(1, ...samples.map(h => h[key])) * 1.15;
    g.strokeStyle = colour; g.lineWidth = 2; g.beginPath();
    samples.forEach((h, i) => {
      const x = i * step, y = c.height - 2 - (h[key] / max) * (c.height - 4);
      i ? g.lineTo(x, y) : g.moveTo(x, y);
    });
    if (samples.length === 1) g.lineTo(c.width, c.height - 2 - (samples[0][key] / max) * (c.height - 4));
    g.stroke();
  };
  line('kbps', '#5fb3f9'); line('fps', '#f5c16c');
}

// section: loops (thumbnails; a click switches with the token)
function markOnAir(path) {
  onAir = path;
  for (const b of document.querySelectorAll('.loop')) b.classList.toggle('on-air', path.endsWith('/' + b.dataset.name));
}
const size = n => n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MiB' : Math.round(n / 1024) + ' KiB';
let loopNames = [];
async function loadLoops() {
  const r = await fetch('/api/v1/loops');
  const list = (await r.json()).loops || [];
  loopNames = list.map(l => l.name);
  $('loops').replaceChildren(...list.map(l => {
    const tile = document.createElement('div'); tile.className = 'tile';
    const b = document.createElement('button');
    b.className = 'loop'; b.dataset.name = l.name; b.title = l.error || ('switch to ' + l.name);
    const img = document.createElement('img'); img.src = l.thumbnail; img.alt = l.name; img.loading = 'lazy';
    const label = document.createElement('span');
    label.textContent = l.name + ' · ' + l.duration.toFixed(1) + ' s · ' + size(l.size) + (l.error ? ' · ' + l.error : '');
    b.append(img, label);
    tile.dataset.name = l.name;
    if (l.prepared !== undefined) tile.dataset.prepared = l.prepared;
    b.onclick = () => post('/api/v1/track', {loop: l.name});
    const del = document.createElement('button');
    del.className = 'del'; del.type = 'button'; del.textContent = 'Delete'; del.setAttribute('aria-label', 'delete ' + l.name);
    del.onclick = async () => {
      if (!confirm('Delete ' + l.name + '?')) return;
      const res = await call('DELETE', '/api/v1/loops/' + encodeURIComponent(l.name));
      $('loops-msg').textContent = res.ok ? l.name + ' deleted' : res.body.error || 'delete failed (' + res.status + ')';
      if (res.ok) loadLoops();
    };
    const prep = document.createElement('div'); prep.className = 'prep'; prep.setAttribute('role', 'status');
    const bar = document.createElement('progress'); bar.max = 1; bar.setAttribute('aria-label', 'prepare ' + l.name);
    prep.append(bar, document.createElement('span'));
    tile.append(b, prep, del);
    showPrepare(tile, preparing.get(l.name) || {state: l.prepared === undefined ? 'off' : l.prepared ? 'prepared' : 'idle'});
    // Not prepared yet: maybe on its way (queued by a rule or another page); its progress says, once per page.
    if (l.prepared === false && !watched.has(l.name)) watchPrepare(l.name, l.thumbnail.replace(/thumb\.jpg$/, 'prepare'));
    return tile;
  }));
  markOnAir(onAir);
  fillLoopChoices();
}
// section: prepare (splice mode: after an upload the server encodes the loop once; its progress comes over SSE)
const preparing = new Map();  // name → the last progress document, while the build runs
const watched = new Set();    // names whose progress this page has followed
const prepareLog = [];        // every progress document seen (the browser test reads it)
function showPrepare(tile, p) {
  const prep = tile.querySelector('.prep'), bar = prep.querySelector('progress'), text = prep.querySelector('span');
  const running = p.state === 'queued' || p.state === 'building';
  prep.hidden = p.state === 'off'; bar.hidden = !running; bar.value = p.progress || 0;
  text.textContent = {queued: 'waiting to prepare', building: 'preparing ' + Math.round((p.progress || 0) * 100) + ' %',
                      prepared: 'prepared', failed: 'not prepared: ' + (p.error || ''), idle: 'not prepared'}[p.state] || '';
  prep.className = 'prep ' + p.state;
}
function watchPrepare(name, url) {
  watched.add(name);
  const es = new EventSource(url);
  es.addEventListener('prepare', e => {
    const p = JSON.parse(e.data);
    prepareLog.push(p);
    preparing.set(name, p);
    const tile = document.querySelector(`.tile[data-name="${CSS.escape(name)}"]`);
    if (tile) showPrepare(tile, p);
    if (p.state === 'queued' || p.state === 'building') return;
    es.close();  // settled: the server ends the stream too
    preparing.delete(name);
    if (p.state === 'failed') $('loops-msg').textContent = name + ': not prepared: ' + p.error;
    if (p.state === 'prepared') loadLoops();  // its flag from the server
  });
  es.onerror = () => { es.close(); preparing.delete(name); };
}
loadLoops();

// section: upload (one file at a time, XHR for its progress events; the server probes each one)
function uploadOne(file) {
  return new Promise(resolve => {
    const x = new XMLHttpRequest();
    x.open('PUT', '/api/v1/loops/' + encodeURIComponent(file.name));
    if (token()) x.setRequestHeader('Authorization', 'Bearer ' + token());
    x.upload.onprogress = e => { if (e.lengthComputable) $('upload-progress').value = e.loaded / e.total; };
    x.upload.onload = () => { $('upload-name').textContent = file.name + ': checking the video…'; };  // the server probes it
    x.onload = () => {
      let j = {}; try { j = JSON.parse(x.responseText); } catch (e) { /* not JSON: the status says it */ }
      if (x.status === 401) askToken();
      if (j.preparing) { preparing.set(file.name, {state: 'queued'}); watchPrepare(file.name, j.progress); }
      resolve({ok: x.status >= 200 && x.status < 300, text: x.status < 300 ? file.name + ': uploaded, ' + j.duration.toFixed(1) + ' s'
                                                                          : file.name + ': ' + (j.error || 'refused (' + x.status + ')')});
    };
    x.onerror = () => resolve({ok: false, text: file.name + ': the connection failed'});
    x.send(file);
  });
}
async function uploadAll(files) {
  const lines = [];
  $('upload').hidden = false;
  for (const f of files) {
    $('upload-name').textContent = f.name; $('upload-progress').value = 0;
    lines.push((await uploadOne(f)).text);
    $('loops-msg').textContent = lines.join(' · ');
    loadLoops();
  }
  $('upload').hidden = true;
}
$('upload-files').onchange = e => { uploadAll([...e.target.files]); e.target.value = ''; };
const drop = $('drop');
drop.ondragover = e => { e.preventDefault(); drop.classList.add('over'); };
drop.ondragleave = () => drop.classList.remove('over');
drop.ondrop = e => { e.preventDefault(); drop.classList.remove('over'); uploadAll([...e.dataTransfer.files]); };

// section: rules (GET/PUT /api/v1/mapping; the server's parser judges, its errors land beside the rule)
const ruleKeys = ['artist', 'title', 'playlist', 'text', 'song_id'];
let mapping = {rules: []};
function fillLoopChoices() {
  for (const sel of document.querySelectorAll('select.loop-choice, #default-loop')) {
    const keep = sel.value || sel.dataset.value || '';
    const names = [...new Set([...loopNames, keep].filter(Boolean))];
    sel.replaceChildren(...(sel.id === 'default-loop' ? [''] : []).concat(names).map(n => {
      const o = document.createElement('option'); o.value = n; o.textContent = n || '(the configured loop)'; return o;
    }));
    sel.value = keep;
  }
}
// A rule's time window (control/time/time_window.hpp): days and dates are lists, typed comma-separated;
// from and to are HH:MM. The text goes to the server as typed: its parser's errors land beside the field.
const timeKeys = [['days', 'days', 'mon-fri, sun'], ['from', 'from', 'HH:MM'], ['to', 'to', 'HH:MM'],
                  ['dates', 'dates', '2026-12-24..2026-12-26']];
const listKeys = new Set(['days', 'dates']);
function ruleField(rule, k, label, placeholder, i) {
  const l = document.createElement('label'); l.textContent = label;
  const input = document.createElement('input'); input.dataset.key = k; input.id = 'rule-' + i + '-' + k;
  input.value = Array.isArray(rule[k]) ? rule[k].join(', ') : rule[k] || '';
  if (placeholder) input.placeholder = placeholder;
  input.setAttribute('aria-describedby', 'rule-' + i + '-error');
  input.oninput = () => {
    const v = listKeys.has(k) ? input.value.split(/[,\s]+/).filter(Boolean) : input.value;
    if (v.length) rule[k] = v; else delete rule[k];
  };
  l.append(input);
  return l;
}
function ruleRow(rule, i) {
  const li = document.createElement('li'); li.className = 'rule';
  for (const k of ruleKeys) li.append(ruleField(rule, k, k.replace('_', ' '), '', i));
  const label = document.createElement('label'); label.textContent = 'loop';
  const sel = document.createElement('select'); sel.className = 'loop-choice'; sel.dataset.key = 'loop';
  sel.dataset.value = rule.loop || '';
  sel.onchange = () => { rule.loop = sel.value; };
  label.append(sel); li.append(label);
  const when = document.createElement('fieldset'); when.className = 'when';
  const legend = document.createElement('legend'); legend.textContent = 'when (local time; empty: any time)'; when.append(legend);
  for (const [k, text, hint] of timeKeys) when.append(ruleField(rule, k, text, hint, i));
  li.append(when);
  const other = Object.keys(rule).filter(k => k !== 'loop' && !ruleKeys.includes(k) && !timeKeys.some(t => t[0] === k));
  if (other.length) {  // keys this editor does not know: kept as they are
    const note = document.createElement('span'); note.className = 'hint';
    note.textContent = other.map(k => k + ': ' + JSON.stringify(rule[k])).join(' · '); li.append(note);
  }
  const move = (d, text, aria) => {
    const b = document.createElement('button'); b.type = 'button'; b.textContent = text; b.setAttribute('aria-label', aria);
    b.onclick = () => {
      const j = i + d;
      if (d && (j < 0 || j >= mapping.rules.length)) return;
      if (d) [mapping.rules[i], mapping.rules[j]] = [mapping.rules[j], mapping.rules[i]]; else mapping.rules.splice(i, 1);
      showRules();
    };
    return b;
  };
  li.append(move(-1, '↑', 'move rule ' + i + ' up'), move(1, '↓', 'move rule ' + i + ' down'), move(0, '✕', 'delete rule ' + i));
  const err = document.createElement('div'); err.className = 'rule-error'; err.id = 'rule-' + i + '-error';
  err.setAttribute('role', 'alert');
  li.append(err);
  return li;
}
function showRules() {
  $('rules').replaceChildren(...mapping.rules.map(ruleRow));
  $('default-loop').dataset.value = mapping.default || '';
  fillLoopChoices();
}
async function loadRules() {
  const r = await fetch('/api/v1/mapping');
  const j = await r.json().catch(() => ({}));
  if (!r.ok) { $('rules-msg').textContent = j.error || 'no mapping'; return; }
  mapping = j; mapping.rules = mapping.rules || [];
  showRules();
}
$('add-rule').onclick = () => { mapping.rules.push({artist: '', loop: loopNames[0] || ''}); showRules(); };
$('default-loop').onchange = e => { if (e.target.value) mapping.default = e.target.value; else delete mapping.default; };
$('save-rules').onclick = async () => {
  for (const e of document.querySelectorAll('.rule-error')) e.textContent = '';
  for (const e of document.querySelectorAll('.rule [aria-invalid]')) e.removeAttribute('aria-invalid');
  const keys = ruleKeys.concat(timeKeys.map(t => t[0]));
  for (const r of mapping.rules) for (const k of keys) if (r[k] === '' || r[k]?.length === 0) delete r[k];
  const res = await call('PUT', '/api/v1/mapping', mapping);
  $('rules-msg').textContent = res.ok ? 'rules saved and in use' : res.body.error || 'refused (' + res.status + ')';
  const row = document.querySelectorAll('.rule')[res.body.rule];
  if (!res.ok && row) {
    row.querySelector('.rule-error').textContent = res.body.error;
    const bad = row.querySelector('[data-key="' + res.body.field + '"]');
    if (bad) { bad.setAttribute('aria-invalid', 'true'); bad.closest('label').after(row.querySelector('.rule-error')); bad.focus(); }
  }
};
$('try-form').onsubmit = async e => {
  e.preventDefault();
  const song = {artist: $('try-artist').value, title: $('try-title').value, playlist: $('try-playlist').value};
  for (const k in song) if (!song[k]) delete song[k];
  const res = await call('POST', '/api/v1/mapping/try', song);
  $('try-result').textContent = res.ok ? '→ ' + (res.body.loop || '(the configured loop)') + ' (' + res.body.by + ')' : res.body.error;
};
loadRules();

// section: schedule (GET /api/v1/schedule?days=7: each coming change on a 7-day line, now at the left edge)
async function loadSchedule() {
  const r = await fetch('/api/v1/schedule?days=7');
  if (!r.ok) return;
  const j = await r.json(), start = Date.now(), span = 7 * 86400e3, tl = $('timeline');
  tl.querySelectorAll('.change, .day').forEach(e => e.remove());
  for (let d = 1; d < 7; ++d) {
    const day = document.createElement('div'); day.className = 'day';
    const midnight = new Date(start); midnight.setHours(24 * d, 0, 0, 0);
    day.style.left = ((midnight - start) / span * 100) + '%';
    day.textContent = midnight.toLocaleDateString(undefined, {weekday: 'short'});
    tl.append(day);
  }
  for (const c of j.changes) {
    const at = Date.parse(c.at), m = document.createElement('div');
    m.className = 'change ' + c.what.split(':')[0]; m.style.left = ((at - start) / span * 100) + '%'; m.title = c.at + ' ' + c.what;
    tl.append(m);
  }
  $('changes').replaceChildren(...j.changes.slice(0, 30).map(c => {
    const li = document.createElement('li');
    li.textContent = new Date(c.at).toLocaleString() + ' — ' + c.what.replace('loop:', 'loop ');
    return li;
  }));
  if (!j.changes.length)
    $('changes').replaceChildren(Object.assign(document.createElement('li'), {textContent: 'no change in the next 7 days'}));
}
loadSchedule(); setInterval(loadSchedule, 60000);

// section: events (the recent ring, then new ones over SSE; deduplicated by seq)
const events = new Map();
function addEvents(list) {
  for (const e of list) events.set(e.seq, e);
  const newest = [...events.values()].sort((a, b) => b.seq - a.seq).slice(0, 50);
  events.clear();
  for (const e of newest) events.set(e.seq, e);
  $('events').replaceChildren(...newest.map(e => {
    const li = document.createElement('li');
    li.dataset.kind = e.kind;
    const t = document.createElement('time'); t.dateTime = e.at; t.textContent = new Date(e.at).toLocaleTimeString();
    const k = document.createElement('span'); k.className = 'kind ' + e.kind; k.textContent = e.kind;
    li.append(t, k, document.createTextNode(e.text));
    return li;
  }));
}
fetch('/api/v1/events/recent').then(r => r.json()).then(j => addEvents(j.events));

fetch('/api/v1/status').then(r => r.json()).then(show);
const es = new EventSource('/api/v1/events');
es.addEventListener('status', e => show(JSON.parse(e.data)));
es.addEventListener('log', e => addEvents(JSON.parse(e.data)));
// section: channels (GET /api/v1/streams every 2 s; rows kept by id so focus and pictures survive a refresh)
const channelKeys = ['audio', 'station', 'size', 'fps', 'vbitrate', 'video_mode', 'mapping'];
let channelEntry = null;  // the entry being edited, as GET showed it (secrets as ****); null: a new channel
function channelRow(id) {
  const li = document.createElement('li'); li.className = 'stream'; li.dataset.id = id;
  const img = document.createElement('img'); img.alt = 'picture on air on ' + id; img.className = 'stream-pic';
  img.onerror = () => img.removeAttribute('src');
  const name = document.createElement('b'); name.textContent = id;
  const st = document.createElement('span'); st.className = 'pill';
  const info = document.createElement('span'); info.className = 'stream-info';
  const buttons = document.createElement('div');
  const act = (text, aria, f) => {
    const b = document.createElement('button'); b.type = 'button'; b.textContent = text; b.setAttribute('aria-label', aria + ' ' + id);
    b.onclick = f; buttons.append(b);
  };
  for (const op of ['start', 'stop', 'restart']) act(op, op, () => post('/api/v1/streams/' + id + '/' + op).then(streams));
  act('Edit', 'edit channel', () => editChannel(id));
  act('Delete', 'delete channel', () => deleteChannel(id));
  buttons.lastChild.className = 'del';
  const text = document.createElement('div'); text.className = 'stream-text';
  text.append(name, ' ', st, info, buttons);
  li.append(img, text);
  return li;
}
async function streams() {
  const r = await fetch('/api/v1/streams').catch(() => null);
  if (!r || !r.ok) return;
  const list = $('streamlist'), seen = new Set();
  for (const s of (await r.json()).streams) {
    seen.add(s.id);
    let row = list.querySelector(`li[data-id="${s.id}"]`);
    if (!row) { row = channelRow(s.id); list.append(row); }
    const st = row.querySelector('.pill'); st.className = 'pill ' + s.state; st.textContent = s.state;
    row.querySelector('.stream-info').textContent = ' ' + (s.loop.split('/').pop() || '') + ' · ' + s.outputs_live + '/' + s.outputs +
      ' outputs live' + (s.last_error ? ' · ' + s.last_error : '');
    const img = row.querySelector('img');
    if (s.state === 'running') img.src = '/api/v1/streams/' + s.id + '/snapshot.jpg?t=' + Math.floor(Date.now() / 4000);
    else img.removeAttribute('src');
  }
  for (const row of [...list.children]) if (!seen.has(row.dataset.id)) row.remove();
}
streams(); setInterval(streams, 2000);
function showChannelForm(title, entry) {
  channelEntry = entry;
  $('channel-title').textContent = title;
  $('ch-id').value = entry ? entry.id : ''; $('ch-id').readOnly = !!entry;
  for (const k of channelKeys) $('ch-' + k.replace('_', '-')).value = entry && entry[k] != null ? String(entry[k]) : '';
  const out = entry ? [].concat(entry.output || []) : [];
  $('ch-output').value = out.join('\n');
  $('ch-key').value = '';
  $('channel-error').textContent = '';
  $('channel-form').hidden = false;
  (entry ? $('ch-audio') : $('ch-id')).focus();
}
$('add-channel').onclick = () => showChannelForm('Add a channel', null);
$('channel-cancel').onclick = () => { $('channel-form').hidden = true; $('ch-key').value = ''; };
async function editChannel(id) {
  const r = await fetch('/api/v1/streams/' + id);
  if (!r.ok) { $('channels-msg').textContent = 'cannot read channel ' + id + ' (' + r.status + ')'; return; }
  showChannelForm('Edit channel ' + id, Object.assign((await r.json()).config, {id}));
}
async function deleteChannel(id) {
  if (!confirm('Stop and delete channel ' + id + '?')) return;
  const res = await call('DELETE', '/api/v1/streams/' + id);
  $('channels-msg').textContent = res.ok ? 'channel ' + id + ' deleted' + (res.body.persisted ? '' : ' (' + res.body.note + ')')
                                         : res.body.error || 'delete failed (' + res.status + ')';
  streams();
}
// The entry sent: the one GET showed (keys it had that the form does not edit stay as they were), the form's
// fields over it (an empty field falls back to the config's default), and the key typed in place of ****.
$('channel-form').onsubmit = async e => {
  e.preventDefault();
  const id = $('ch-id').value.trim(), entry = Object.assign({}, channelEntry || {});
  delete entry.id;
  for (const k of channelKeys) {
    const v = $('ch-' + k.replace('_', '-')).value.trim();
    if (!v) delete entry[k]; else entry[k] = k === 'fps' && /^\d+$/.test(v) ? Number(v) : v;
  }
  const key = $('ch-key').value;
  const outputs = $('ch-output').value.split('\n').map(o => o.trim()).filter(Boolean).map(o => key ? o.replaceAll('****', key) : o);
  if (outputs.length) entry.output = outputs.length === 1 ? outputs[0] : outputs; else delete entry.output;
  const res = await call('PUT', '/api/v1/streams/' + encodeURIComponent(id), entry);
  $('ch-key').value = '';  // never kept in the page, sent or not
  for (const f of $('channel-form').querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
  if (!res.ok) {
    const why = res.body.error || 'refused (' + res.status + ')';
    $('channel-error').textContent = why;
    // "stream 'x': vbitrate: invalid value ...": the field the server names gets the focus.
    const named = [...$('channel-form').querySelectorAll('[data-key]')].find(f => why.includes(': ' + f.dataset.key));
    if (named) { named.setAttribute('aria-invalid', 'true'); named.focus(); }
    return;
  }
  $('channel-form').hidden = true;
  $('channels-msg').textContent = 'channel ' + id + (res.body.created ? ' added' : ' saved') + ', ' + res.body.state +
    (res.body.persisted ? '' : ' (' + res.body.note + ')');
  streams();
};
