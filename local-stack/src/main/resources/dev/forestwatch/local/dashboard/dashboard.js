// forestwatch dashboard: polls the JSON endpoints every second and redraws in place, no library.
// Page parameters: ?minutes=5 (window), size=10 (top rows), threshold=2 (score marked as an anomaly;
// default: the server's scoreThreshold).
(function () {
  'use strict';

  const params = new URLSearchParams(location.search);
  const minutes = params.get('minutes') || '5';
  const topSize = params.get('size') || '10';
  let threshold = Number(params.get('threshold') || 2);
  const REFRESH_MS = 1000;
  const PALETTE = ['#4cc9f0', '#f9c74f', '#90be6d', '#f48cba', '#b388ff',
    '#ff9f43', '#4dd4ac', '#7aa2ff', '#d4e157', '#ff8a80'];
  const PROPER_WORDS = new Set(['Kinesis', 'Kafka', 'Elasticsearch']);
  const colors = new Map();
  let refreshes = 0;
  let series = null;
  let top = null;

  const $ = (selector) => document.querySelector(selector);

  function colorOf(name) {
    if (!colors.has(name)) {
      colors.set(name, PALETTE[colors.size % PALETTE.length]);
    }
    return colors.get(name);
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const pad = (n) => String(n).padStart(2, '0');
  function clock(ms, withSeconds) {
    const d = new Date(ms);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + (withSeconds === false ? '' : ':' + pad(d.getSeconds()));
  }

  function number(value) {
    if (value === null || value === undefined) return '–';
    if (typeof value !== 'number') return typeof value === 'object' ? JSON.stringify(value) : String(value);
    return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
  }

  function duration(ms) {
    if (typeof ms !== 'number') return number(ms);
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
    return Math.floor(ms / 60000) + ' m ' + pad(Math.round((ms % 60000) / 1000)) + ' s';
  }

  // Key suffixes that mark a duration, and the unit's size in ms.
  const DURATION_SUFFIX = [[/(Ms|[ _]ms)$/, 1], [/(Seconds|[ _]seconds)$/, 1000]];

  // "recordsInKinesis" -> "records in Kinesis", "endToEndLagMs" -> "end to end lag" shown as a duration;
  // keys with spaces are labels already.
  function figure(key, value) {
    const unit = DURATION_SUFFIX.find(([suffix]) => suffix.test(key));
    const bare = unit ? key.replace(unit[0], '') : key;
    const label = /\s/.test(bare) ? bare : bare.split(/(?=[A-Z][a-z])|_/).filter(Boolean)
      .map((w) => (PROPER_WORDS.has(w) || w === w.toUpperCase() ? w : w.toLowerCase())).join(' ');
    const text = unit && typeof value === 'number' ? duration(value * unit[1]) : number(value);
    return { label, text };
  }

  async function getJson(path) {
    const response = await fetch(path, { cache: 'no-store' });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status + ' from ' + path);
    return body;
  }

  function setStatus(ok, text) {
    const status = $('#status');
    status.className = 'status ' + (ok ? 'ok' : 'error');
    status.querySelector('.text').textContent = text;
    status.title = text;
  }

  // ---- health figures -------------------------------------------------------------------------

  function renderHealth(health) {
    const figures = Object.entries(health.pipeline || {}).map(([key, value]) => {
      const { label, text } = figure(key, value);
      return { key, label, value: text, state: /anomal/i.test(key) && value > 0 ? 'alert' : '' };
    });
    const es = health.elasticsearch || {};
    figures.push({ key: 'elasticsearch', label: 'Elasticsearch', value: es.up ? 'up' : 'down',
      state: es.up ? 'ok' : 'bad', title: es.error || es.url });
    figures.push({ key: 'docs', label: 'docs in ES', value: number(es.docs), title: es.index });

    const box = $('#health');
    box.replaceChildren(...figures.map((f) => {
      const card = el('div', 'metric' + (f.state ? ' ' + f.state : ''));
      card.dataset.key = f.key;
      if (f.title) card.title = f.title;
      card.append(el('div', 'label', f.label), el('div', 'value', f.value));
      return card;
    }));
  }

  // ---- top anomalies table --------------------------------------------------------------------

  function renderTop(answer) {
    const rows = answer.records.map((r) => {
      const tr = el('tr');
      tr.dataset.recordId = r.recordId;
      tr.dataset.value = r.iotValue;
      tr.dataset.score = r.ANOMALY_SCORE;
      const sensor = el('td');
      const name = el('span', 'sensor');
      const swatch = el('span', 'swatch');
      swatch.style.background = colorOf(r.iotName);
      name.append(swatch, document.createTextNode(r.iotName));
      sensor.append(name);
      const score = el('td', 'num');
      score.append(el('span', 'score' + (r.ANOMALY_SCORE >= threshold ? ' hot' : ''), number(r.ANOMALY_SCORE)));
      tr.append(el('td', 'time', clock(Date.parse(r.created))), sensor, el('td', 'num', number(r.iotValue)), score);
      return tr;
    });
    $('#top-anomalies').replaceChildren(...rows);
    $('#top-empty').hidden = rows.length > 0;
  }

  // ---- chart: records/s on top, max ANOMALY_SCORE below, one shared time axis -----------------

  function niceStep(max, count) {
    const raw = max / count;
    const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) * magnitude;
    return step;
  }

  function yAxis(max, count) {
    const step = niceStep(max, count);
    const ticks = [];
    for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Number(v.toFixed(6)));
    return { ticks, max: ticks[ticks.length - 1] };
  }

  function timeStep(spanMs) {
    const steps = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);
    return steps.find((s) => spanMs / s <= 8) || steps[steps.length - 1];
  }

  function drawPanel(ctx, p, axis, title) {
    ctx.strokeStyle = '#22304a';
    ctx.fillStyle = '#8594ad';
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of axis.ticks) {
      const y = Math.round(p.y + p.h - (v / axis.max) * p.h) + 0.5;
      ctx.beginPath();
      ctx.moveTo(p.x, y);
      ctx.lineTo(p.x + p.w, y);
      ctx.stroke();
      ctx.fillText(v.toLocaleString('en-US'), p.x - 8, y);
    }
    ctx.save();
    ctx.translate(14, p.y + p.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillStyle = '#aab6cc';
    ctx.fillText(title, 0, 0);
    ctx.restore();
  }

  // One line per sensor; a null value (no scored record that second) breaks the line.
  function drawLine(ctx, points, x, y, color) {
    let drawn = 0;
    let pen = false;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.6;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    for (const p of points) {
      const v = y(p);
      if (v === null) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(x(p[0]), v); else ctx.moveTo(x(p[0]), v);
      pen = true;
      drawn++;
    }
    ctx.stroke();
    return drawn;
  }

  // One sensor's records/s stacked on the sensors drawn before it (below: time -> stack height so far).
  function drawBand(ctx, points, below, x, y, color) {
    if (points.length === 0) return 0;
    const base = points.map((p) => below.get(p[0]) || 0);
    ctx.beginPath();
    points.forEach((p, i) => ctx.lineTo(x(p[0]), y(base[i] + p[1])));
    for (let i = points.length - 1; i >= 0; i--) ctx.lineTo(x(points[i][0]), y(base[i]));
    ctx.closePath();
    ctx.globalAlpha = 0.28;
    ctx.fillStyle = color;
    ctx.fill();
    ctx.globalAlpha = 1;
    points.forEach((p, i) => below.set(p[0], base[i] + p[1]));
    return drawLine(ctx, points, x, (p) => y(below.get(p[0])), color);
  }

  function drawChart() {
    const canvas = $('#chart');
    const box = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = '12px system-ui, sans-serif';
    if (!series || box.width < 100) return;

    const margin = { left: 64, right: 16, top: 8, bottom: 26 };
    const gap = 30;
    const w = box.width - margin.left - margin.right;
    // points carry [.., value, lower, upper] when the app writes its forecast band: then a values panel in between
    const banded = series.sensors.some((s) => s.points.some((p) => p.length > 3));
    const panels = banded ? 3 : 2;
    const h = (box.height - margin.top - margin.bottom - gap * (panels - 1)) / panels;
    const counts = { x: margin.left, y: margin.top, w, h };
    const values = { x: margin.left, y: margin.top + h + gap, w, h };
    const scores = { x: margin.left, y: margin.top + (panels - 1) * (h + gap), w, h };
    const span = series.to - series.from;
    const x = (t) => margin.left + ((t - series.from) / span) * w;

    let maxCount = 1;
    let maxScore = threshold;
    const totals = new Map();
    for (const s of series.sensors) {
      for (const [t, count, score] of s.points) {
        totals.set(t, (totals.get(t) || 0) + count);
        maxCount = Math.max(maxCount, totals.get(t));
        if (score !== null) maxScore = Math.max(maxScore, score);
      }
    }
    const countAxis = yAxis(maxCount, 4);
    const scoreAxis = yAxis(maxScore, 4);
    drawPanel(ctx, counts, countAxis, 'records / s (stacked)');
    drawPanel(ctx, scores, scoreAxis, 'max ANOMALY_SCORE');

    // Time axis: gridlines through both panels at round wall-clock times, labels below.
    const step = timeStep(span);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#8594ad';
    for (let t = Math.ceil(series.from / step) * step; t <= series.to; t += step) {
      const gx = Math.round(x(t)) + 0.5;
      ctx.strokeStyle = '#1a253b';
      for (const p of banded ? [counts, values, scores] : [counts, scores]) {
        ctx.beginPath();
        ctx.moveTo(gx, p.y);
        ctx.lineTo(gx, p.y + p.h);
        ctx.stroke();
      }
      const text = clock(t, step < 60000);
      if (gx + ctx.measureText(text).width / 2 <= box.width) ctx.fillText(text, gx, scores.y + scores.h + 8);
    }

    // The anomaly threshold, dashed.
    const scoreY = (v) => scores.y + scores.h - (v / scoreAxis.max) * scores.h;
    ctx.save();
    ctx.setLineDash([5, 5]);
    ctx.strokeStyle = 'rgba(255, 93, 108, 0.6)';
    ctx.beginPath();
    ctx.moveTo(scores.x, Math.round(scoreY(threshold)) + 0.5);
    ctx.lineTo(scores.x + w, Math.round(scoreY(threshold)) + 0.5);
    ctx.stroke();
    ctx.restore();
    ctx.fillStyle = 'rgba(255, 93, 108, 0.85)';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText('threshold ' + threshold, scores.x + 6, scoreY(threshold) - 3);

    let points = 0;
    const countY = (v) => counts.y + counts.h - (v / countAxis.max) * counts.h;
    const below = new Map();
    for (const s of series.sensors) {
      points += drawBand(ctx, s.points, below, x, countY, colorOf(s.name));
    }
    for (const s of series.sensors) {
      drawLine(ctx, s.points, x, (p) => (p[2] === null ? null : scoreY(p[2])), colorOf(s.name));
    }
    drawAnomalyMarks(ctx, x, scoreY);
    if (banded) drawValues(ctx, values, x);

    canvas.dataset.points = String(points);
    canvas.dataset.sensors = String(series.sensors.length);
  }

  // Each sensor's mean value per second, its forecast band (LOWER_BAND..UPPER_BAND) shaded behind it.
  function drawValues(ctx, p, x) {
    let max = 1;
    for (const s of series.sensors) for (const q of s.points) if (q.length > 3) max = Math.max(max, q[3], q[5]);
    const axis = yAxis(max, 4);
    drawPanel(ctx, p, axis, 'iotValue and band');
    const y = (v) => p.y + p.h - (v / axis.max) * p.h;
    for (const s of series.sensors) {
      const runs = [[]];
      for (const q of s.points) {
        if (q.length > 3) runs[runs.length - 1].push(q); else if (runs[runs.length - 1].length) runs.push([]);
      }
      ctx.globalAlpha = 0.2;
      ctx.fillStyle = colorOf(s.name);
      for (const run of runs.filter((r) => r.length)) {
        ctx.beginPath();
        run.forEach((q) => ctx.lineTo(x(q[0]), y(q[5])));
        for (let i = run.length - 1; i >= 0; i--) ctx.lineTo(x(run[i][0]), y(run[i][4]));
        ctx.closePath();
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      drawLine(ctx, s.points, x, (q) => (q.length > 3 ? y(q[3]) : null), colorOf(s.name));
    }
  }

  // Rings on the score panel where the top table's records are, labelled with their value.
  function drawAnomalyMarks(ctx, x, scoreY) {
    if (!top) return;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    for (const r of top.records) {
      const t = Date.parse(r.created);
      if (r.ANOMALY_SCORE < threshold || t < series.from || t >= series.to) continue;
      const cx = x(t);
      const cy = scoreY(r.ANOMALY_SCORE);
      ctx.beginPath();
      ctx.arc(cx, cy, 5, 0, 2 * Math.PI);
      ctx.fillStyle = colorOf(r.iotName);
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#0b1220';
      ctx.stroke();
      ctx.fillStyle = '#e6ecf5';
      ctx.fillText(number(r.iotValue), cx, cy - 8);
    }
  }

  function renderLegend() {
    const items = series.sensors.map((s) => {
      const item = el('span', 'legend-item');
      item.dataset.sensor = s.name;
      const swatch = el('span', 'swatch');
      swatch.style.background = colorOf(s.name);
      item.append(swatch, document.createTextNode(s.name + ' · ' + number(s.total)));
      return item;
    });
    if (series.otherRecords > 0) {
      items.push(el('span', 'legend-item', '+ ' + number(series.otherRecords) + ' records of other sensors'));
    }
    $('#legend').replaceChildren(...items);
  }

  // ---- refresh loop ---------------------------------------------------------------------------

  async function refresh() {
    const query = '?minutes=' + encodeURIComponent(minutes);
    const results = await Promise.allSettled([
      getJson('api/series' + query),
      getJson('api/top' + query + '&size=' + encodeURIComponent(topSize)),
      getJson('api/health'),
    ]);
    const [seriesResult, topResult, healthResult] = results;
    if (healthResult.status === 'fulfilled' && !params.has('threshold')) {
      threshold = healthResult.value.scoreThreshold;
    }
    if (seriesResult.status === 'fulfilled') {
      series = seriesResult.value;
      renderLegend(); // first, so colours follow the sensors' order
    }
    if (topResult.status === 'fulfilled') {
      top = topResult.value;
      renderTop(top);
    }
    if (healthResult.status === 'fulfilled') renderHealth(healthResult.value);
    drawChart();
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      setStatus(false, failed.reason.message);
      return;
    }
    refreshes++;
    document.body.dataset.updated = String(refreshes);
    $('#scope').textContent = 'live anomalies · ' + healthResult.value.elasticsearch.index + ' · last ' + minutes + ' min';
    setStatus(true, 'live · updated ' + clock(Date.now()));
  }

  // Chained, not setInterval: a slow Elasticsearch never piles up requests.
  function loop() {
    refresh()
      .catch((e) => setStatus(false, e.message))
      .finally(() => setTimeout(loop, REFRESH_MS));
  }

  window.addEventListener('resize', drawChart);
  loop();
})();
