// The live dashboard: the server pushes a field summary at most once a second and every batch as
// it arrives (Server-Sent Events); this page renders both, never more than once per frame.
const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const fmt = (name, v, unit) => (v == null ? '–' : name === 'CLS' ? v.toFixed(3) : unit === 'ms' || VITALS.includes(name) ? `${Math.round(v)} ms` : `${+v.toFixed(2)}`);
const kb = (n) => (n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`);
const charts = new Map();
let summary;
let feedQueue = [];
let frame = 0;

function schedule() {
  frame ||= requestAnimationFrame(() => {
    frame = 0;
    if (summary) renderSummary(summary);
    renderFeed();
  });
}

function renderSummary(s) {
  $('status').textContent = `live · ${s.events.toLocaleString()} events from ${s.sessions} sessions`;
  const o = $('overall');
  o.textContent = s.overall ?? '–';
  o.className = `overall ${s.overall ? `grade-${s.overall}` : ''}`;
  $('vitals').innerHTML = VITALS.map((n) => {
    const m = s.metrics[n];
    if (!m) return `<div class="card" data-vital="${n}"><div class="name">${n}</div><div class="value">–</div><div class="meta">no data yet</div></div>`;
    const total = m.ratings.good + m.ratings['needs-improvement'] + m.ratings.poor || 1;
    const pc = (k) => ((100 * m.ratings[k]) / total).toFixed(1);
    return `<div class="card" data-vital="${n}">
      <div class="name">${n}</div><div class="grade grade-${m.grade}" data-grade>${m.grade}</div>
      <div class="value ${m.rating}">${fmt(n, m.p75)}</div>
      <div class="dist" title="good ${pc('good')}% · needs improvement ${pc('needs-improvement')}% · poor ${pc('poor')}%"><span class="g" style="width:${pc('good')}%"></span><span class="n" style="width:${pc('needs-improvement')}%"></span><span class="p" style="width:${pc('poor')}%"></span></div>
      <div class="meta"><span class="${m.rating}">${m.rating}</span> · n=${m.count} · ${pc('good')}% good</div></div>`;
  }).join('');
  for (const n of VITALS) renderChart(n, s.metrics[n]);
  const others = Object.entries(s.metrics).filter(([n]) => !VITALS.includes(n));
  $('metrics').tBodies[0].innerHTML = others.length
    ? others.map(([n, m]) => `<tr data-metric="${esc(n)}"><td class="name" title="${esc(n)}">${esc(n)}</td><td>${m.count}</td>${['p50', 'p75', 'p95', 'p99'].map((p) => `<td>${fmt(n, m[p], m.unit)}</td>`).join('')}</tr>`).join('')
    : '<tr><td colspan="6">none yet</td></tr>';
  $('routes').tBodies[0].innerHTML = s.routes.map((r) => `<tr><td class="name" title="${esc(r.route)}">${esc(r.route)}</td>${VITALS.map((n) => `<td>${fmt(n, r.metrics[n]?.p75)}</td>`).join('')}</tr>`).join('');
  renderParts(s);
  $('sessions').innerHTML = s.recent.map((x) => `<li><details><summary><b>${esc(x.session.slice(0, 8))}</b> · ${x.pages.length} page${x.pages.length > 1 ? 's' : ''} · ${x.events} events</summary>
    ${x.pages.map((p) => `<div class="ev">${esc(new URL(p, location.href).pathname)}</div>`).join('')}
    ${x.recent.map((e) => `<div class="ev"><span class="${e.rating ?? ''}">${esc(e.kind)} ${esc(e.name)} = ${esc(fmt(e.name, e.value))}</span></div>`).join('')}</details></li>`).join('');
}

function renderChart(name, m) {
  let c = charts.get(name);
  if (!c) {
    const box = document.createElement('div');
    box.className = 'chart';
    box.dataset.chart = name;
    box.innerHTML = `<h3>${name}</h3><div class="plot"><div class="empty">waiting for data</div></div>`;
    $('charts').append(box);
    charts.set(name, (c = { box, plot: null }));
  }
  if (!m || !m.series.length || typeof uPlot === 'undefined') return;
  const data = [0, 1, 2, 3].map((i) => m.series.map((row) => row[i]));
  const width = Math.max(260, c.box.clientWidth - 16);
  if (!c.plot) {
    c.box.querySelector('.plot').innerHTML = '';
    c.plot = new uPlot({
      width, height: 180,
      scales: { x: { time: true, auto: false } },
      series: [{}, { label: 'p50', stroke: '#1f6feb', width: 1.5 }, { label: 'p75', stroke: '#0c7a43', width: 2 }, { label: 'p95', stroke: '#c5221f', width: 1.5 }],
      axes: [{}, { size: 72, values: (u, vals) => vals.map((v) => fmt(name, v)) }],
    }, data, c.box.querySelector('.plot'));
  } else {
    c.plot.setData(data, false);
    if (Math.abs(c.plot.width - width) > 4) c.plot.setSize({ width, height: 180 });
  }
  // Set by hand: uPlot's auto range gives a single window an x axis of years.
  const xs = data[0];
  const first = xs[0];
  const last = xs[xs.length - 1];
  c.plot.setScale('x', last - first < 60 ? { min: first - 30, max: last + 30 } : { min: first, max: last });
}

function renderParts(s) {
  // Counters each session reported in its latest pagepace stats event, summed by the server.
  const sum = s.parts ?? {};
  const rate = (hit, miss) => (sum[hit] + sum[miss] ? `${((100 * sum[hit]) / (sum[hit] + sum[miss])).toFixed(0)}% (${sum[hit]}/${sum[hit] + sum[miss]})` : '–');
  const rows = [
    ['bytes on the wire: binary', `${kb(s.bytes.binary)} in ${s.batchesByFormat.binary} batches`],
    ['bytes on the wire: JSON', `${kb(s.bytes.json)} in ${s.batchesByFormat.json} batches`],
    ['events sent / dropped / retried', `${sum.sent ?? 0} / ${sum.dropped ?? 0} / ${sum.retried ?? 0}`],
    ['cache hit rate L1 (memory)', rate('sw.l1Hits', 'sw.l1Misses')],
    ['cache hit rate L2 (IndexedDB)', rate('sw.l2Hits', 'sw.l2Misses')],
    ['lazy: loaded / deferred / never needed', `${sum['lazy.loaded'] ?? 0} / ${sum['lazy.deferred'] ?? 0} / ${sum['lazy.neverNeeded'] ?? 0}`],
    ['lazy: bytes not downloaded', kb(sum['lazy.bytesSaved'] ?? 0)],
    ['prefetch: prefetched / used', `${sum['prefetch.prefetched'] ?? 0} / ${sum['prefetch.hits'] ?? 0}`],
  ];
  $('parts').innerHTML = rows.map(([k, v]) => `<dt>${k}</dt><dd data-part="${esc(k)}">${v}</dd>`).join('');
}

function renderFeed() {
  if (!feedQueue.length) return;
  const frag = document.createDocumentFragment();
  for (const { batch, e } of feedQueue.slice(-200)) {
    const li = document.createElement('li');
    li.dataset.name = e.name;
    li.innerHTML = `<span class="${e.rating ?? ''}">${esc(e.kind)} ${esc(e.name)} = ${esc(fmt(e.name, e.value, e.unit))}</span> · ${esc(new URL(batch.page, location.href).pathname)}`;
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
  for (const e of batch.events) feedQueue.push({ batch, e });
  if (feedQueue.length > 400) feedQueue = feedQueue.slice(-200);
  schedule();
};
source.onerror = () => ($('status').textContent = 'reconnecting…');
addEventListener('resize', schedule);
