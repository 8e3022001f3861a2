// The live dashboard: the server pushes a field summary at most once a second and every batch as
// it arrives (Server-Sent Events); this page renders both, never more than once per frame. Every
// figure comes from the summary (demo/field.js, the library's sketches and grades): nothing is
// rated or graded here. Every field shown came from some page and may be hostile: escaped, never
// looked up on plain objects, never parsed where a bad value could throw.
const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
const RATINGS = [['good', 'good'], ['needs-improvement', 'needs improvement'], ['poor', 'poor']];
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const fmt = (name, v, unit) => (typeof v !== 'number' || !Number.isFinite(v) ? '–' : name === 'CLS' ? v.toFixed(3) : unit === 'ms' || VITALS.includes(name) ? `${Math.round(v)} ms` : `${+v.toFixed(2)}`);
/** A page URL's path for display; the text itself when it is not a URL (`http://[`). */
const pathOf = (page) => {
  try {
    return new URL(String(page), location.href).pathname;
  } catch {
    return String(page);
  }
};
const own = (o, k) => (o && Object.hasOwn(o, k) ? o[k] : undefined);
const kb = (n) => (n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`);
const ms = (v) => (v == null ? '–' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);
/** "75% (300/400)", or – when there is nothing to divide. */
const ratio = (part, whole) => (whole ? `${Math.round((100 * part) / whole)}% (${part}/${whole})` : '–');
const charts = new Map();
let summary;
let feedQueue = [];
let frame = 0;

function schedule() {
  frame ||= requestAnimationFrame(() => {
    frame = 0;
    if (summary) renderSummary(summary);
    panel('feed', renderFeed);
  });
}

/** A value's rating against the thresholds the server grades with (for the feed's colours). */
function ratingOf(name, v) {
  const t = own(summary?.thresholds, name);
  return Array.isArray(t) ? (v <= t[0] ? 'good' : v <= t[1] ? 'needs-improvement' : 'poor') : '';
}

/** Runs one panel's render; a panel that fails says so and the others still render. */
function panel(id, fn) {
  try {
    fn();
    if ($(id)?.dataset.error) delete $(id).dataset.error;
  } catch (err) {
    const el = $(id);
    if (el) el.dataset.error = String(err?.message ?? err);
    console.error(`dashboard: ${id}`, err);
  }
}

function renderSummary(s) {
  panel('vitals', () => renderScore(s));
  panel('why', () => renderWhy(s));
  for (const n of VITALS) panel('charts', () => renderChart(n, s.metrics[n], s.thresholds?.[n]));
  panel('metrics', () => renderTables(s));
  panel('parts', () => renderParts(s));
  panel('sessions', () => renderSessions(s));
}

function renderScore(s) {
  // Chart widths are read before anything is written: a read after a write forces a layout, and
  // one per chart made a burst of updates janky.
  for (const c of charts.values()) c.width = c.box.clientWidth;
  $('status').textContent = `live · ${s.events.toLocaleString()} events from ${s.sessions} sessions`;
  const o = $('overall');
  o.textContent = s.overall ?? '–';
  o.className = `overall ${s.overall ? `grade-${s.overall}` : ''}`;
  $('vitals').innerHTML = VITALS.map((n) => {
    const m = s.metrics[n];
    if (!m) return `<div class="card" data-vital="${n}"><div class="name">${n}</div><div class="value">–</div><div class="meta">no data yet</div></div>`;
    // Shares of the values (latest per vital id) in each band of the thresholds that grade the p75.
    const pc = (k) => ((100 * m.ratings[k]) / m.count).toFixed(1);
    return `<div class="card" data-vital="${n}">
      <div class="name">${n}</div><div class="grade grade-${m.grade}" data-grade>${m.grade}</div>
      <div class="value ${m.rating}">${fmt(n, m.p75)}</div>
      <div class="dist">${RATINGS.map(([k]) => `<span class="${k}" style="width:${pc(k)}%"></span>`).join('')}</div>
      <div class="shares">${RATINGS.map(([k, label]) => `<span class="${k}" title="${label}" data-share="${k}">${pc(k)}%</span>`).join(' · ')}</div>
      <div class="meta"><span class="${m.rating}" data-rating>${m.rating}</span> at p75 · n=${m.count}</div></div>`;
  }).join('');
}

function renderTables(s) {
  const others = Object.entries(s.metrics).filter(([n]) => !VITALS.includes(n));
  $('metrics').tBodies[0].innerHTML = others.length
    ? others.map(([n, m]) => `<tr data-metric="${esc(n)}"><td class="name" title="${esc(n)}">${esc(n)}</td><td>${m.count}</td>${['p50', 'p75', 'p95', 'p99'].map((p) => `<td>${fmt(n, m[p], m.unit)}</td>`).join('')}</tr>`).join('')
    : '<tr><td colspan="6">none yet</td></tr>';
  $('routes').tBodies[0].innerHTML = s.routes.length
    ? s.routes.map((r) => `<tr data-route="${esc(r.route)}"${behind(`route ${r.route}`, r.sessions)}><td class="name" title="${esc(r.route)}">${esc(r.route)}</td><td>${r.n}</td>${VITALS.map((n) => `<td data-vital="${n}">${fmt(n, r.metrics[n]?.p75)}</td>`).join('')}</tr>`).join('')
    : '<tr><td colspan="7">none yet</td></tr>';
}

function renderSessions(s) {
  $('sessions').innerHTML = s.recent.map((x) => `<li><details><summary><b>${esc(String(x.session).slice(0, 8))}</b> · ${x.pageCount ?? x.pages.length} page${(x.pageCount ?? x.pages.length) > 1 ? 's' : ''} · ${x.events} events</summary>
    ${x.pages.map((p) => `<div class="ev">${esc(pathOf(p))}</div>`).join('')}
    ${x.recent.map((e) => `<div class="ev"><span class="${e.rating ?? ''}">${esc(e.kind)} ${esc(e.name)} = ${esc(fmt(e.name, e.value, e.unit))}</span></div>`).join('')}</details></li>`).join('');
}

function renderChart(name, m, thresholds) {
  let c = charts.get(name);
  if (!c) {
    const box = document.createElement('div');
    box.className = 'chart';
    box.dataset.chart = name;
    box.innerHTML = `<h3>${name} <small data-latest></small></h3><div class="plot"><div class="empty">waiting for data</div></div>`;
    $('charts').append(box);
    charts.set(name, (c = { box, plot: null, thresholds }));
  }
  c.thresholds = thresholds;
  if (!m || !m.series.length || typeof uPlot === 'undefined') return;
  const last = m.series[m.series.length - 1];
  c.box.dataset.windows = String(m.series.length);
  c.box.querySelector('[data-latest]').textContent = `latest 5 s: p75 ${fmt(name, last[2])} · n=${last[4]}`;
  const data = [0, 1, 2, 3].map((i) => m.series.map((row) => row[i]));
  const width = Math.max(260, (c.width ?? c.box.clientWidth) - 16);
  if (!c.plot) {
    c.box.querySelector('.plot').innerHTML = '';
    c.plot = new uPlot({ // eslint-disable-line no-undef -- the page's <script src=uplot> global
      width, height: 180,
      legend: { live: false },
      // From 0, and high enough to show the "good" line (dashed green; "poor" dashed red when in range).
      scales: { x: { time: true, auto: false }, y: { range: (u, min, max) => [0, Math.max(max, c.thresholds?.[0] ?? 0) * 1.1 || 1] } },
      series: [{}, { label: 'p50', stroke: '#1f6feb', width: 1.5 }, { label: 'p75', stroke: '#0c7a43', width: 2 }, { label: 'p95', stroke: '#c5221f', width: 1.5 }],
      axes: [{}, { size: 72, values: (u, vals) => vals.map((v) => fmt(name, v)) }],
      hooks: { draw: [(u) => drawThresholds(u, c.thresholds)] },
    }, data, c.box.querySelector('.plot'));
  } else {
    c.plot.setData(data, false);
    if (Math.abs(c.plot.width - width) > 4) c.plot.setSize({ width, height: 180 });
  }
  // Set by hand: uPlot's auto range gives a single window an x axis of years.
  const xs = data[0];
  const first = xs[0];
  const end = xs[xs.length - 1];
  c.plot.setScale('x', end - first < 60 ? { min: first - 30, max: end + 30 } : { min: first, max: end });
}

/** Dashed lines at the good and poor boundaries, where they fall inside the plot. */
function drawThresholds(u, thresholds) {
  if (!thresholds) return;
  const { ctx, bbox } = u;
  ctx.save();
  ctx.setLineDash([4, 4]);
  ctx.lineWidth = 1;
  thresholds.forEach((v, i) => {
    const y = u.valToPos(v, 'y', true);
    if (y < bbox.top || y > bbox.top + bbox.height) return;
    ctx.strokeStyle = i ? '#c5221f88' : '#0c7a4388';
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
  });
  ctx.restore();
}

function renderParts(s) {
  // Running totals pages report (latest per page or per session, summed by the server).
  const sum = s.parts ?? {};
  const n = (k) => sum[k] ?? 0;
  const rows = [
    ['bytes on the wire: binary', `${kb(s.bytes.binary)} in ${s.batchesByFormat.binary} batches`],
    ['bytes on the wire: JSON', `${kb(s.bytes.json)} in ${s.batchesByFormat.json} batches`],
    ['events sent / dropped / retried', `${n('sent')} / ${n('dropped')} / ${n('retried')}`],
    ['lazy: loaded (eager) / deferred / never needed', `${n('lazy.loaded')} (${n('lazy.eager')}) / ${n('lazy.deferred')} / ${n('lazy.neverNeeded')}`],
    ['lazy: bytes not downloaded / errors', `${kb(n('lazy.bytesSaved'))} / ${n('lazy.errors')}`],
    ['prefetch: prefetched / used', `${n('prefetch.page')} / ${n('prefetch.used')}`],
    ['prefetch: bytes / wasted', `${kb(n('prefetch.bytes'))} / ${kb(n('prefetch.wastedBytes'))}`],
  ];
  $('parts').innerHTML = rows.map(([k, v]) => `<dt>${k}</dt><dd data-part="${esc(k)}">${v}</dd>`).join('');
  // Service worker tiers: hit rates; per client the median of the sessions' p50 hit latency and
  // bytes stored; bytes stored by all clients.
  const per = s.perClient ?? {};
  $('tiers').tBodies[0].innerHTML = [['l1', 'L1 memory'], ['l2', 'L2 IndexedDB'], ['network', 'network']].map(([t, label]) => {
    const hits = n(`sw.${t}Hits`);
    const stored = t === 'network' ? ['–', '–'] : [per[`sw.${t}Bytes`] == null ? '–' : kb(per[`sw.${t}Bytes`]), kb(n(`sw.${t}Bytes`))];
    return `<tr data-tier="${t}"><td>${label}</td><td data-col="rate">${ratio(hits, hits + n(`sw.${t}Misses`))}</td><td data-col="p50">${ms(per[`sw.${t}P50`])}</td><td data-col="stored">${stored[0]}</td><td data-col="stored-all">${stored[1]}</td></tr>`;
  }).join('');
  const more = [
    ['evictions', n('sw.evictions')],
    ['L2 entries', n('sw.l2Entries')],
    ['revalidated, 304', n('sw.notModified')],
    ['quota errors', n('sw.quotaErrors')],
  ];
  $('tier-more').innerHTML = more.map(([k, v]) => `<dt>${k}</dt><dd data-part="${esc(k)}">${v}</dd>`).join('');
}

/** The attributes that make a row open the sessions behind it. */
const behind = (label, sessions) => (Array.isArray(sessions) && sessions.length ? ` class="behind" tabindex="0" data-behind="${esc(label)}" data-sessions="${esc(JSON.stringify(sessions))}" title="show the sessions behind this row"` : '');
/** Names of the breakdown parts, as shown. */
const PART_LABELS = {
  timeToFirstByte: 'time to first byte', resourceLoadDelay: 'resource load delay', resourceLoadDuration: 'resource load duration', elementRenderDelay: 'element render delay',
  inputDelay: 'input delay', processingDuration: 'processing', presentationDelay: 'presentation delay',
};
const pct = (x) => `${(100 * x).toFixed(1)}%`;

/** "What to fix": per vital the p75 of each part, the culprits of the slow tail, splits by class. */
function renderWhy(s) {
  const breakdown = s.breakdown ?? {};
  $('why').innerHTML = ['LCP', 'INP'].map((name) => {
    const parts = own(breakdown, name);
    const blame = own(s.blame ?? {}, name) ?? [];
    const m = s.metrics[name];
    if (!parts && !blame.length) return `<div class="why" data-why="${name}"><h3>${name}</h3><p class="meta">no breakdowns yet (the client sends them with each ${name})</p></div>`;
    const total = (parts ?? []).reduce((a, p) => a + (p.p75 ?? 0), 0);
    const bar = parts ? `<div class="stack" data-breakdown="${name}">${parts.map((p, i) => `<span class="part-${i}" style="width:${total ? ((100 * (p.p75 ?? 0)) / total).toFixed(2) : 0}%" title="${esc(PART_LABELS[p.part] ?? p.part)}: p75 ${fmt(name, p.p75)}"></span>`).join('')}</div>
      <ul class="legend">${parts.map((p, i) => `<li data-part="${esc(p.part)}"><i class="part-${i}"></i>${esc(PART_LABELS[p.part] ?? p.part)} <b>${fmt(name, p.p75)}</b></li>`).join('')}</ul>` : '';
    const tables = blame.map((b) => `<table class="blame" data-blame="${name}-${esc(b.label)}"><thead><tr><th>${esc(b.label)}</th><th title="share of the time over the good threshold (${fmt(name, b.threshold)}) that its views add up to">share of tail</th><th>slow / n</th></tr></thead><tbody>${b.rows.length
      ? b.rows.map((r) => `<tr${behind(`${name} ${b.label} ${r.key}`, r.sessions)}><td class="name" title="${esc(r.key)}">${esc(r.key)}</td><td data-col="share">${pct(r.share)}</td><td>${r.slow} / ${r.n}</td></tr>`).join('')
      : '<tr><td colspan="3">none yet</td></tr>'}</tbody></table>`).join('');
    return `<div class="why" data-why="${name}"><h3>${name} <small>p75 of each part${m ? ` · p75 ${fmt(name, m.p75)}` : ''}</small></h3>${bar}<div class="scroll">${tables}</div></div>`;
  }).join('');
  $('splits').innerHTML = Object.entries(s.split ?? {}).map(([label, rows]) => `<div class="scroll"><table data-split="${esc(label)}"><thead><tr><th>${esc(label)}</th><th>n</th>${VITALS.map((n) => `<th>${n}</th>`).join('')}</tr></thead><tbody>${rows.length
    ? rows.map((r) => `<tr data-class="${esc(r.key)}"${behind(`${label} ${r.key}`, r.sessions)}><td class="name" title="${esc(r.key)}">${esc(r.key)}</td><td>${r.n}</td>${VITALS.map((n) => `<td data-vital="${n}">${fmt(n, own(r.p75, n))}</td>`).join('')}</tr>`).join('')
    : `<tr><td colspan="${VITALS.length + 2}">none yet</td></tr>`}</tbody></table></div>`).join('');
}

/** The sessions behind a row: their pages and events, from /api/batches?session=… */
async function showBehind(row) {
  let sessions;
  try {
    sessions = JSON.parse(row.dataset.sessions);
  } catch {
    return;
  }
  const box = $('behind');
  box.hidden = false;
  box.querySelector('[data-title]').textContent = `Sessions behind ${row.dataset.behind} (${sessions.length}, most recent first)`;
  const list = box.querySelector('ol');
  list.innerHTML = '';
  for (const id of [...sessions].reverse()) {
    const li = document.createElement('li');
    li.dataset.session = String(id);
    li.textContent = `${String(id)} · loading…`;
    list.append(li);
    fetch(`/api/batches?session=${encodeURIComponent(id)}`).then((r) => r.json()).then((entries) => {
      const batches = Array.isArray(entries) ? entries.map((x) => x.batch) : [];
      const events = batches.flatMap((b) => (Array.isArray(b.events) ? b.events : []));
      const pages = [...new Set(batches.map((b) => pathOf(b.page)))];
      li.innerHTML = `<details open><summary><b>${esc(String(id))}</b> · ${pages.length} page${pages.length === 1 ? '' : 's'} · ${events.length} events</summary>
        ${pages.map((p) => `<div class="ev">${esc(p)}</div>`).join('')}
        ${events.slice(-30).map((e) => `<div class="ev"><span class="${ratingOf(e.name, e.value)}">${esc(e.kind)} ${esc(e.name)} = ${esc(fmt(e.name, e.value, e.unit))}</span></div>`).join('')}</details>`;
    }).catch(() => (li.textContent = `${String(id)} · not kept any more`));
  }
  box.scrollIntoView({ block: 'nearest' });
}
document.addEventListener('click', (ev) => {
  const row = ev.target.closest?.('[data-sessions]');
  if (row) showBehind(row);
  if (ev.target.closest?.('[data-close-behind]')) $('behind').hidden = true;
});
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && ev.target.matches?.('[data-sessions]')) showBehind(ev.target);
});

function renderFeed() {
  if (!feedQueue.length) return;
  const frag = document.createDocumentFragment();
  for (const { batch, e } of feedQueue.slice(-200)) {
    const li = document.createElement('li');
    li.dataset.name = e.name;
    li.innerHTML = `<span class="${ratingOf(e.name, e.value)}">${esc(e.kind)} ${esc(e.name)} = ${esc(fmt(e.name, e.value, e.unit))}</span> · ${esc(pathOf(batch.page))}`;
    frag.prepend(li);
  }
  feedQueue = [];
  $('feed').prepend(frag);
  const feed = $('feed');
  while (feed.children.length > 200) feed.lastElementChild.remove();
}

const source = new EventSource('/api/live');
source.addEventListener('summary', (m) => {
  summary = JSON.parse(m.data);
  schedule();
});
source.onmessage = (m) => {
  const { batch } = JSON.parse(m.data);
  if (!Array.isArray(batch?.events)) return;
  for (const e of batch.events) feedQueue.push({ batch, e });
  if (feedQueue.length > 400) feedQueue = feedQueue.slice(-200);
  schedule();
};
source.onerror = () => ($('status').textContent = 'reconnecting…');
addEventListener('resize', schedule);
