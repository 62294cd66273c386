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
    b.onclick = () => post('/api/v1/track', {loop: l.name});
    const del = document.createElement('button');
    del.className = 'del'; del.type = 'button'; del.textContent = 'Delete'; del.setAttribute('aria-label', 'delete ' + l.name);
    del.onclick = async () => {
      if (!confirm('Delete ' + l.name + '?')) return;
      const res = await call('DELETE', '/api/v1/loops/' + encodeURIComponent(l.name));
      $('loops-msg').textContent = res.ok ? l.name + ' deleted' : res.body.error || 'delete failed (' + res.status + ')';
      if (res.ok) loadLoops();
    };
    tile.append(b, del);
    return tile;
  }));
  markOnAir(onAir);
  fillLoopChoices();
}
loadLoops();

// section: upload (one file at a time, XHR for its progress events; the server probes each one)
function uploadOne(file) {
  return new Promise(resolve => {
    const x = new XMLHttpRequest();
    x.open('PUT', '/api/v1/loops/' + encodeURIComponent(file.name));
    if (token()) x.setRequestHeader('Authorization', 'Bearer ' + token());
    x.upload.onprogress = e => { if (e.lengthComputable) $('upload-progress').value = e.loaded / e.total; };
    x.onload = () => {
      let j = {}; try { j = JSON.parse(x.responseText); } catch (e) { /* not JSON: the status says it */ }
      if (x.status === 401) askToken();
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
function ruleRow(rule, i) {
  const li = document.createElement('li'); li.className = 'rule';
  for (const k of ruleKeys) {
    const label = document.createElement('label'); label.textContent = k.replace('_', ' ');
    const input = document.createElement('input'); input.value = rule[k] || ''; input.dataset.key = k;
    input.oninput = () => { if (input.value) rule[k] = input.value; else delete rule[k]; };
    label.append(input); li.append(label);
  }
  const label = document.createElement('label'); label.textContent = 'loop';
  const sel = document.createElement('select'); sel.className = 'loop-choice'; sel.dataset.value = rule.loop || '';
  sel.onchange = () => { rule.loop = sel.value; };
  label.append(sel); li.append(label);
  const other = Object.keys(rule).filter(k => k !== 'loop' && !ruleKeys.includes(k));  // time keys: kept as they are
  if (other.length) {
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
  const err = document.createElement('div'); err.className = 'rule-error'; err.setAttribute('role', 'alert'); li.append(err);
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
  for (const r of mapping.rules) for (const k of ruleKeys) if (r[k] === '') delete r[k];
  const res = await call('PUT', '/api/v1/mapping', mapping);
  $('rules-msg').textContent = res.ok ? 'rules saved and in use' : res.body.error || 'refused (' + res.status + ')';
  const row = document.querySelectorAll('.rule')[res.body.rule];
  if (!res.ok && row) {
    row.querySelector('.rule-error').textContent = res.body.error;
    const bad = row.querySelector('[data-key="' + res.body.field + '"]');
    if (bad) bad.focus();
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
// Channels: every stream with its own controls (/api/v1/streams/{id}/...).
async function streams() {
  const r = await fetch('/api/v1/streams').catch(() => null);
  if (!r || !r.ok) return;
  const list = $('streamlist'); list.textContent = '';
  for (const s of (await r.json()).streams) {
    const row = document.createElement('div'); row.className = 'stream'; row.dataset.id = s.id;
    const name = document.createElement('b'); name.textContent = s.id + ' ';
    const st = document.createElement('span'); st.className = 'pill ' + s.state; st.textContent = s.state;
    const info = document.createElement('span'); info.textContent = ' ' + (s.loop.split('/').pop() || '') + (s.last_error ? ' · ' + s.last_error : '');
    row.append(name, st, info, document.createElement('br'));
    for (const op of ['start', 'stop', 'restart']) {
      const b = document.createElement('button'); b.textContent = op;
      b.onclick = () => post('/api/v1/streams/' + s.id + '/' + op).then(streams);
      row.append(b);
    }
    list.append(row);
  }
}
streams(); setInterval(streams, 2000);
