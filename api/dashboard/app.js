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

// section: control
async function post(path, body) {
  const h = {'Content-Type': 'application/json'};
  if ($('token').value) h['Authorization'] = 'Bearer ' + $('token').value;
  const r = await fetch(path, {method: 'POST', headers: h, body: body ? JSON.stringify(body) : ''});
  const j = await r.json().catch(() => ({}));
  $('msg').textContent = r.ok ? path.split('/').pop() + ': ok' : (j.error || r.statusText);
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
  const line = (key, colour) => {
    const max = Math.max(1, ...samples.map(h => h[key])) * 1.15;
    g.strokeStyle = colour; g.lineWidth = 2; g.beginPath();
    samples.forEach((h, i) => {
      const x = c.width - (samples.length - 1 - i) * (c.width / 119), y = c.height - 2 - (h[key] / max) * (c.height - 4);
      i ? g.lineTo(x, y) : g.moveTo(x, y);
    });
    g.stroke();
  };
  line('kbps', '#5fb3f9'); line('fps', '#f5c16c');
}

// section: loops (thumbnails; a click switches with the token)
function markOnAir(path) {
  onAir = path;
  for (const b of document.querySelectorAll('.loop')) b.classList.toggle('on-air', path.endsWith('/' + b.dataset.name));
}
async function loadLoops() {
  const r = await fetch('/api/v1/loops');
  const list = (await r.json()).loops || [];
  $('loops').replaceChildren(...list.map(l => {
    const b = document.createElement('button');
    b.className = 'loop'; b.dataset.name = l.name; b.title = l.error || ('switch to ' + l.name);
    const img = document.createElement('img'); img.src = l.thumbnail; img.alt = l.name; img.loading = 'lazy';
    const label = document.createElement('span');
    label.textContent = l.name + ' · ' + l.duration.toFixed(1) + ' s · ' + Math.round(l.size / 1024) + ' KiB';
    b.append(img, label);
    b.onclick = () => post('/api/v1/track', {loop: l.name});
    return b;
  }));
  markOnAir(onAir);
}
loadLoops();

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
