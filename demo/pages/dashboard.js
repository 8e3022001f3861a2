// The live dashboard: subscribes to the demo server's SSE feed and renders what arrives.
const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
const views = new Map(); // sessionId + page → { session, page, vitals: {}, events }
const latest = {}; // vital name → latest event
const feed = document.getElementById('feed');
const status = document.getElementById('status');
let received = 0;
let scheduled = false;

const fmt = (e) => (e.name === 'CLS' ? e.value.toFixed(3) : `${Math.round(e.value)}${e.unit === 'ms' ? ' ms' : ''}`);
const cell = (e) => (e ? `<span class="${e.rating ?? ''}" data-metric="${e.name}">${fmt(e)}</span>` : '–');
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function ingest({ batch }) {
  const key = `${batch.sessionId} ${batch.page}`;
  const view = views.get(key) ?? { session: batch.sessionId, page: batch.page, vitals: {}, events: 0 };
  views.delete(key);
  views.set(key, view); // most recent last
  for (const e of batch.events) {
    received++;
    view.events++;
    if (e.kind === 'vital') view.vitals[e.name] = latest[e.name] = e;
    const li = document.createElement('li');
    li.dataset.name = e.name;
    li.innerHTML = `<span class="${e.rating ?? ''}">${esc(e.kind)} ${esc(e.name)} = ${esc(fmt(e))}</span> · ${esc(batch.page)}`;
    feed.prepend(li);
  }
  while (feed.children.length > 200) feed.lastElementChild.remove();
  if (!scheduled) (scheduled = true), requestAnimationFrame(render);
}

function render() {
  scheduled = false;
  document.getElementById('vitals').innerHTML = VITALS.map((n) => {
    const e = latest[n];
    return `<div class="card" data-vital="${n}"><div class="name">${n}</div><div class="value ${e?.rating ?? ''}">${e ? fmt(e) : '–'}</div>${e ? `<div class="${e.rating}">${e.rating}</div>` : ''}</div>`;
  }).join('');
  const rows = [...views.values()].slice(-50).reverse();
  document.querySelector('#pages tbody').innerHTML = rows.map((v) =>
    `<tr><td title="${esc(v.session)}">${esc(v.session.slice(0, 8))}</td><td class="page" title="${esc(v.page)}">${esc(new URL(v.page, location.href).pathname)}</td>${VITALS.map((n) => `<td>${cell(v.vitals[n])}</td>`).join('')}<td>${v.events}</td></tr>`).join('');
  status.textContent = `live · ${received} events from ${new Set([...views.values()].map((v) => v.session)).size} sessions`;
}

const source = new EventSource('/api/live');
source.onmessage = (m) => ingest(JSON.parse(m.data));
source.onopen = () => (status.textContent = `live · ${received} events`);
source.onerror = () => (status.textContent = 'reconnecting…');
render();
