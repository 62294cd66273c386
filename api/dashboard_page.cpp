#include "api/dashboard_page.hpp"

namespace loopcast {

// Sections of the page (markup, then script) are marked "section: NAME" so each can be changed on
// its own: status, preview, stream + sparkline, control, loops (picker), events.
const std::string& dashboard_page() {
  static const std::string page = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>loopcast</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
 body{font:15px system-ui,sans-serif;margin:0;background:#11131a;color:#e8e8ee}
 header{padding:14px 20px;background:#1b1e29;display:flex;gap:12px;align-items:center}
 h1{font-size:18px;margin:0} .pill{padding:3px 10px;border-radius:12px;background:#444;font-size:13px}
 .running{background:#1f8a4c}.stopped{background:#8a1f1f}.starting,.stopping{background:#8a6d1f}
 main{padding:20px;display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px}
 section{background:#1b1e29;border-radius:8px;padding:14px} h2{font-size:14px;margin:0 0 8px;color:#9aa}
 dl{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:0} dt{color:#9aa} dd{margin:0;word-break:break-all}
 button{background:#2d3350;color:#fff;border:0;border-radius:6px;padding:8px 14px;margin:4px 4px 0 0;cursor:pointer}
 button:hover{background:#3d4570} input{background:#11131a;color:#fff;border:1px solid #333;border-radius:6px;padding:7px;width:60%}
 #msg{min-height:1.2em;color:#f5c16c;margin-top:8px}
 /* section: preview */
 #preview{width:100%;aspect-ratio:16/9;background:#000;border-radius:6px;display:block;object-fit:contain}
 #preview-note{color:#9aa;font-size:12px;min-height:1.2em}
 /* section: stream sparkline */
 #spark{width:100%;height:60px;display:block;margin-top:8px;background:#11131a;border-radius:6px}
 .legend{font-size:12px;color:#9aa} .kbps{color:#5fb3f9} .fpsl{color:#f5c16c}
 /* section: loops */
 #loops{display:grid;grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:10px}
 .loop{background:#11131a;border:2px solid transparent;border-radius:6px;padding:4px;cursor:pointer;text-align:left;color:#e8e8ee;margin:0}
 .loop img{width:100%;aspect-ratio:16/9;display:block;border-radius:4px;background:#000}
 .loop span{display:block;font-size:12px;margin-top:3px;word-break:break-all} .loop.on-air{border-color:#1f8a4c}
 /* section: events */
 #events{list-style:none;margin:0;padding:0;max-height:260px;overflow:auto;font-size:13px}
 #events li{padding:3px 0;border-bottom:1px solid #262a38} #events time{color:#9aa;margin-right:6px}
 .kind{display:inline-block;min-width:70px;font-size:11px;text-transform:uppercase;color:#9aa}
 .kind.error{color:#f57c6c}.kind.switch{color:#6cf5a0}.kind.reconnect{color:#f5c16c}
</style></head><body>
<header><h1>loopcast</h1><span id="state" class="pill">…</span><span id="uptime"></span></header>
<main>
 <!-- section: preview -->
 <section><h2>On air</h2><img id="preview" alt="on-air preview"><div id="preview-note"></div></section>
 <!-- section: status -->
 <section><h2>Now playing</h2><dl>
  <dt>Track</dt><dd id="track">–</dd><dt>Loop</dt><dd id="loop">–</dd><dt>Pending</dt><dd id="pending">–</dd>
  <dt>Switches</dt><dd id="switches">0</dd></dl></section>
 <!-- section: stream (numbers + sparkline) -->
 <section><h2>Stream</h2><dl>
  <dt>Frames</dt><dd id="frames">0</dd><dt>FPS</dt><dd id="fps">0</dd><dt>Bitrate</dt><dd id="kbps">0</dd>
  <dt>Audio</dt><dd id="audio">–</dd><dt>Loudness</dt><dd id="loudness">–</dd><dt>Outputs</dt><dd id="outputs">–</dd><dt>YouTube</dt><dd id="youtube">–</dd><dt>Last error</dt><dd id="error">–</dd></dl>
  <canvas id="spark" width="600" height="60"></canvas>
  <div class="legend"><span class="kbps">━ bitrate</span> · <span class="fpsl">━ fps</span> · last 2 min</div></section>
 <!-- section: control -->
 <section><h2>Control</h2>
  <input id="token" type="password" placeholder="API token (if set)">
  <div><button id="start">Start</button><button id="stop">Stop</button><button id="restart">Restart</button></div>
  <div id="msg"></div></section>
  <!-- section: streams (channels) -->
 <section id="streams"><h2>Streams</h2><div id="streamlist">–</div></section>
 <!-- section: loops (picker: a click switches) -->
 <section><h2>Loops</h2><div id="loops"></div></section>
 <!-- section: events -->
 <section><h2>Recent events</h2><ul id="events"></ul></section>
</main>
<script>
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
</script></body></html>
)HTML";
  return page;
}

}  // namespace loopcast
