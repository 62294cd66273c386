#include "api/dashboard_page.hpp"

namespace loopcast {

const std::string& dashboard_page() {
  static const std::string page = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>loopcast</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
 body{font:15px system-ui,sans-serif;margin:0;background:#11131a;color:#e8e8ee}
 header{padding:14px 20px;background:#1b1e29;display:flex;gap:12px;align-items:center}
 h1{font-size:18px;margin:0} .pill{padding:3px 10px;border-radius:12px;background:#444;font-size:13px}
 .running{background:#1f8a4c}.stopped{background:#8a1f1f}.starting,.stopping{background:#8a6d1f}
 main{padding:20px;display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:16px}
 section{background:#1b1e29;border-radius:8px;padding:14px} h2{font-size:14px;margin:0 0 8px;color:#9aa}
 dl{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:0} dt{color:#9aa} dd{margin:0;word-break:break-all}
 button{background:#2d3350;color:#fff;border:0;border-radius:6px;padding:8px 14px;margin:4px 4px 0 0;cursor:pointer}
 button:hover{background:#3d4570} input{background:#11131a;color:#fff;border:1px solid #333;border-radius:6px;padding:7px;width:60%}
 #msg{min-height:1.2em;color:#f5c16c;margin-top:8px}
</style></head><body>
<header><h1>loopcast</h1><span id="state" class="pill">…</span><span id="uptime"></span></header>
<main>
 <section><h2>Now playing</h2><dl>
  <dt>Track</dt><dd id="track">–</dd><dt>Loop</dt><dd id="loop">–</dd><dt>Pending</dt><dd id="pending">–</dd>
  <dt>Switches</dt><dd id="switches">0</dd></dl></section>
 <section><h2>Stream</h2><dl>
  <dt>Frames</dt><dd id="frames">0</dd><dt>FPS</dt><dd id="fps">0</dd><dt>Bitrate</dt><dd id="kbps">0</dd>
  <dt>Audio</dt><dd id="audio">–</dd><dt>Outputs</dt><dd id="outputs">–</dd><dt>Last error</dt><dd id="error">–</dd></dl></section>
 <section><h2>Control</h2>
  <input id="token" type="password" placeholder="API token (if set)">
  <div><button id="start">Start</button><button id="stop">Stop</button><button id="restart">Restart</button></div>
  <div style="margin-top:10px"><input id="loopname" placeholder="loop name"><button id="switch">Switch</button></div>
  <div id="msg"></div></section>
 <section id="streams"><h2>Streams</h2><div id="streamlist">–</div></section>
</main>
<script>
const $ = id => document.getElementById(id);
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
  $('outputs').textContent = s.outputs.map(o => o.url + ' ' + o.state).join(', ') || '–';
  $('error').textContent = s.last_error || '–';
}
async function post(path, body) {
  const h = {'Content-Type': 'application/json'};
  if ($('token').value) h['Authorization'] = 'Bearer ' + $('token').value;
  const r = await fetch(path, {method: 'POST', headers: h, body: body ? JSON.stringify(body) : ''});
  const j = await r.json().catch(() => ({}));
  $('msg').textContent = r.ok ? path.split('/').pop() + ': ok' : (j.error || r.statusText);
}
for (const op of ['start', 'stop', 'restart']) $(op).onclick = () => post('/api/v1/stream/' + op);
$('switch').onclick = () => post('/api/v1/track', {loop: $('loopname').value});
fetch('/api/v1/status').then(r => r.json()).then(show);
const es = new EventSource('/api/v1/events');
es.addEventListener('status', e => show(JSON.parse(e.data)));
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
