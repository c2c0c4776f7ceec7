// The page's own script: draws the interactive timelines (SVG, one row per process, ops as bars
// coloured by outcome, faults shaded behind, details of an op on hover or click), pages through
// the history timeline, and embeds the Vega-Lite charts. It reads its data from JSON blocks and
// writes every text with textContent: nothing from a history is ever parsed as HTML.
// Plain ES2017 in a string (it runs in the browser, not in Node); no backticks inside.

export const VIEWER_JS = String.raw`
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var TYPES = ['ok', 'fail', 'info', 'pending'];
  var FILL = { ok: '#8fbce0', fail: '#f6b26b', info: '#c7c7c7', pending: '#e3e3e3' };
  var OUTCOME = { ok: 'ok', fail: 'failed', info: 'indeterminate', pending: 'never completed' };
  var ROW = 22, LABEL = 120, AXIS = 26, MAX_ROWS = 60;

  function el(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function dataOf(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var TL = dataOf('timeline-data');
  if (TL) {
    var S = TL.strings;
    var OPS = TL.ops.map(function (o) {
      return { inv: o[0], comp: o[1], proc: S[o[2]], f: S[o[3]], type: TYPES[o[4]], start: o[5], end: o[6] === null ? null : o[5] + o[6],
        node: o[7] < 0 ? '' : S[o[7]], value: S[o[8]], out: o[9] < 0 ? null : S[o[9]], err: o[10] < 0 ? null : S[o[10]] };
    });
    var BY_INV = new Map();
    OPS.forEach(function (o, i) { o.row = i; BY_INV.set(o.inv, o); });
    var FAULTS = TL.faults.map(function (f) { return { start: f[0], end: f[1], name: S[f[2]], text: S[f[3]], color: f[4] }; });
  }

  function fmt(t) {
    if (!TL.timed) return 'position ' + t;
    var s = t / 1000, a = Math.abs(s);
    if (!isFinite(s)) return String(s);
    return (a < 100 ? s.toFixed(3) : a < 100000 ? s.toFixed(1) : s.toExponential(2)) + ' s';
  }
  function niceStep(x) {
    if (!(x > 0) || !isFinite(x)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(x)));
    return [1, 2, 5, 10].map(function (m) { return m * p; }).filter(function (v) { return v >= x; })[0];
  }
  function procOrder(a, b) {
    if (a === b) return 0;
    if (a === 'nemesis') return -1;
    if (b === 'nemesis') return 1;
    var x = Number(a), y = Number(b);
    if (isFinite(x) && isFinite(y)) return x - y;
    return a < b ? -1 : 1;
  }

  function detailsText(o, states) {
    var lines = [
      ['op', o.f + ' by process ' + o.proc + (o.node ? ' on ' + o.node : '')],
      ['outcome', OUTCOME[o.type]],
      ['value', o.value],
    ];
    if (o.out !== null) lines.push(['returned', o.out]);
    if (o.err !== null) lines.push(['error', o.err]);
    lines.push(['invoked', 'index ' + o.inv + ' at ' + fmt(o.start)]);
    lines.push(['completed', o.comp < 0 ? 'never' : 'index ' + o.comp + ' at ' + fmt(o.end)]);
    var st = states && states.get(o.inv);
    if (st) {
      if (st[0] !== null) lines.push(['state before', st[0]]);
      if (st[1] !== null) lines.push(['state after', st[1]]);
    }
    return lines;
  }

  function showDetails(panel, o, states) {
    panel.textContent = '';
    var dl = h('dl');
    detailsText(o, states).forEach(function (kv) { dl.appendChild(h('dt', '', kv[0])); dl.appendChild(h('dd', '', kv[1])); });
    panel.appendChild(dl);
  }

  // Draws ops (and extra span rows) into a fresh SVG in host; returns the number of bars drawn.
  function draw(host, panel, cfg) {
    host.textContent = '';
    var ops = cfg.ops, spans = cfg.spans || [];
    if (!ops.length && !spans.length) { host.appendChild(h('p', 'more', 'No ops to show.')); return 0; }
    var t0 = Infinity, maxStart = -Infinity;
    ops.forEach(function (o) { if (o.start < t0) t0 = o.start; if (o.start > maxStart) maxStart = o.start; });
    spans.forEach(function (s) { if (s[1] < t0) t0 = s[1]; if (s[1] > maxStart) maxStart = s[1]; });
    // The right edge: the latest start, or an end not absurdly far beyond it (one op ending at
    // 1e300 must not squash the rest); bars past the edge are cut with a dashed end.
    var limit = maxStart + Math.max((maxStart - t0) * 3, 1);
    var t1 = maxStart;
    ops.forEach(function (o) { if (o.end !== null && o.end <= limit && o.end > t1) t1 = o.end; });
    spans.forEach(function (s) { if (s[2] !== null && s[2] <= limit && s[2] > t1) t1 = s[2]; });
    // Far from zero, t0 + 1 can equal t0: widen relative to the magnitude.
    if (!(t1 - t0 > Math.abs(t0) * 1e-12)) t1 = t0 + Math.max(1, Math.abs(t0) * 1e-9);
    var pad = (t1 - t0) * 0.03; t0 -= pad; t1 += pad;

    var procs = [];
    var seen = new Set();
    ops.forEach(function (o) { if (!seen.has(o.proc)) { seen.add(o.proc); procs.push(o.proc); } });
    procs.sort(procOrder);
    var hidden = Math.max(0, procs.length - MAX_ROWS);
    procs = procs.slice(0, MAX_ROWS);
    var rows = spans.map(function (s) { return s[0]; }).filter(function (r, i, a) { return a.indexOf(r) === i; });
    var rowOf = new Map();
    rows.forEach(function (r, i) { rowOf.set('span:' + r, i); });
    procs.forEach(function (p, i) { rowOf.set('proc:' + p, rows.length + i); });
    var nRows = rows.length + procs.length;

    var width = Math.max(600, host.clientWidth || 900);
    var height = AXIS + nRows * ROW + 8;
    var plotW = width - LABEL - 10;
    function sx(t) { return LABEL + (Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0) * plotW; }
    var svg = el('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, class: 'tl-svg', role: 'img' });

    // Faults behind everything.
    FAULTS.forEach(function (f) {
      if (f.end < t0 || f.start > t1) return;
      var r = el('rect', { x: sx(f.start), y: AXIS, width: Math.max(1, sx(f.end) - sx(f.start)), height: nRows * ROW, fill: f.color, 'fill-opacity': 0.35, class: 'tl-fault' });
      r.appendChild(el('title', {}, f.text + ' (' + fmt(f.start) + ' to ' + fmt(f.end) + ')'));
      svg.appendChild(r);
      svg.appendChild(el('text', { x: sx(f.start) + 2, y: AXIS - 14, class: 'tl-fault-label' }, f.name));
    });
    // Axis.
    var step = niceStep((t1 - t0) / 6);
    for (var t = Math.ceil(t0 / step) * step, n = 0; t <= t1 && n < 20; t += step, n++) {
      svg.appendChild(el('line', { x1: sx(t), x2: sx(t), y1: AXIS - 4, y2: height - 8, class: 'tl-grid' }));
      svg.appendChild(el('text', { x: sx(t), y: AXIS - 4, class: 'tl-tick' }, fmt(t)));
    }
    rows.forEach(function (r, i) {
      svg.appendChild(el('text', { x: LABEL - 6, y: AXIS + i * ROW + 15, class: 'tl-row' }, r));
    });
    procs.forEach(function (p, i) {
      svg.appendChild(el('text', { x: LABEL - 6, y: AXIS + (rows.length + i) * ROW + 15, class: 'tl-row' }, p === 'nemesis' ? 'nemesis' : 'process ' + p));
    });
    spans.forEach(function (s) {
      var y = AXIS + rowOf.get('span:' + s[0]) * ROW + 3;
      var x = sx(s[1]), x2 = s[2] === null ? LABEL + plotW : sx(s[2]);
      var r = el('rect', { x: x, y: y, width: Math.max(2, x2 - x), height: ROW - 6, class: 'tl-span' + (s[2] === null ? ' tl-open' : '') });
      r.appendChild(el('title', {}, s[3]));
      svg.appendChild(r);
      if (x2 - x > 40) svg.appendChild(el('text', { x: x + 4, y: y + 12, class: 'tl-label' }, s[3].slice(0, Math.floor((x2 - x - 8) / 6.5))));
    });
    var drawn = 0;
    ops.forEach(function (o) {
      var row = rowOf.get('proc:' + o.proc);
      if (row === undefined) return;
      var y = AXIS + row * ROW + 3;
      var x = sx(o.start);
      var cut = o.end === null || o.end > t1;
      var x2 = cut ? LABEL + plotW : sx(o.end);
      var cls = 'tl-op tl-' + o.type + (cfg.mark && cfg.mark.has(o.inv) ? ' tl-mark' : '') + (o.inv === cfg.culprit ? ' tl-culprit' : '') + (cut ? ' tl-open' : '');
      var g = el('g', { class: cls, tabindex: 0, 'data-inv': o.inv });
      g.appendChild(el('rect', { x: x, y: y, width: Math.max(3, x2 - x), height: ROW - 6, rx: 3, fill: o.inv === cfg.culprit ? '#e34a33' : FILL[o.type] }));
      var room = Math.floor((x2 - x - 8) / 6.5);
      if (room >= 3) {
        var label = o.f + (o.value === 'null' ? '' : ' ' + o.value) + (o.out !== null ? ' → ' + o.out : '');
        g.appendChild(el('text', { x: x + 4, y: y + 12, class: 'tl-label' }, label.length > room ? label.slice(0, room - 1) + '…' : label));
      }
      var show = function () { showDetails(panel, o, cfg.states); };
      g.addEventListener('mouseenter', show);
      g.addEventListener('click', show);
      g.addEventListener('focus', show);
      svg.appendChild(g);
      drawn++;
    });
    host.appendChild(svg);
    if (hidden) host.appendChild(h('p', 'more', hidden + ' more processes in this range are not drawn.'));
    var first = ops.filter(function (o) { return o.inv === cfg.culprit; })[0] || ops.filter(function (o) { return cfg.mark && cfg.mark.has(o.inv); })[0];
    if (first) showDetails(panel, first, cfg.states); else panel.textContent = 'Hover over or click an op to see its details.';
    return drawn;
  }

  function frame(container) {
    container.textContent = '';
    var controls = h('div', 'tl-controls');
    var host = h('div', 'tl-host');
    var panel = h('div', 'tl-details');
    container.appendChild(controls);
    container.appendChild(host);
    container.appendChild(panel);
    return { controls: controls, host: host, panel: panel };
  }

  function mountWindow(container, id) {
    var w = TL.windows[id];
    if (!w) return;
    var f = frame(container);
    var ops = w.ops.map(function (p) { return BY_INV.get(p); }).filter(Boolean);
    var states = new Map();
    w.states.forEach(function (s) { states.set(s[0], [s[1] < 0 ? null : S[s[1]], s[2] < 0 ? null : S[s[2]]]); });
    var n = draw(f.host, f.panel, { ops: ops, spans: w.spans, mark: new Set(w.mark), culprit: w.culprit, states: states });
    var go = h('button', '', 'Show in the history timeline');
    go.type = 'button';
    go.addEventListener('click', function () { if (window.jtHistory) window.jtHistory.focus(w.culprit >= 0 ? w.culprit : w.ops[0]); });
    f.controls.appendChild(go);
    container.setAttribute('data-drawn', String(n));
  }

  function mountHistory(container) {
    var f = frame(container);
    var size = 100, page = 0, mark = new Set();
    var pages = function () { return Math.max(1, Math.ceil(OPS.length / size)); };
    var prev = h('button', '', '◀ earlier'), next = h('button', '', 'later ▶');
    prev.type = next.type = 'button';
    var sel = h('select');
    [50, 100, 200, 500].forEach(function (n) { var o = h('option', '', n + ' ops per page'); o.value = String(n); if (n === size) o.selected = true; sel.appendChild(o); });
    var jump = h('input'); jump.type = 'number'; jump.placeholder = 'go to index'; jump.min = '0';
    var where = h('span', 'tl-where');
    [prev, next, sel, jump, where].forEach(function (x) { f.controls.appendChild(x); });
    function render() {
      page = Math.max(0, Math.min(page, pages() - 1));
      var ops = OPS.slice(page * size, (page + 1) * size);
      var n = draw(f.host, f.panel, { ops: ops, mark: mark, culprit: -1 });
      where.textContent = ops.length ? 'ops at index ' + ops[0].inv + ' to ' + ops[ops.length - 1].inv + ' · page ' + (page + 1) + ' of ' + pages() : '';
      container.setAttribute('data-drawn', String(n));
      container.setAttribute('data-page', String(page));
    }
    function focus(inv) {
      var best = 0;
      for (var i = 0; i < OPS.length; i++) if (OPS[i].inv <= inv) best = i; else break;
      page = Math.floor(best / size);
      mark = new Set([inv]);
      render();
      container.scrollIntoView({ block: 'center' });
    }
    prev.addEventListener('click', function () { page--; render(); });
    next.addEventListener('click', function () { page++; render(); });
    sel.addEventListener('change', function () { var first = page * size; size = Number(sel.value); page = Math.floor(first / size); render(); });
    jump.addEventListener('change', function () { var v = Number(jump.value); if (isFinite(v)) focus(v); });
    window.jtHistory = { focus: focus, page: function (p) { page = p; render(); } };
    render();
  }

  function expand(spec) {
    // Inline datasets travel as columns; Vega wants rows.
    (spec.data || []).forEach(function (d) {
      if (!d.$columns) return;
      var cols = d.$columns, keys = Object.keys(cols), n = keys.length ? cols[keys[0]].length : 0, rows = new Array(n);
      for (var i = 0; i < n; i++) { var r = {}; for (var k = 0; k < keys.length; k++) r[keys[k]] = cols[keys[k]][i]; rows[i] = r; }
      delete d.$columns;
      d.values = rows;
    });
    return spec;
  }

  // Timelines first (the explanation and its evidence paint at once), then the charts one by
  // one, each in its own task so the page stays responsive while they draw.
  if (TL) {
    Array.prototype.forEach.call(document.querySelectorAll('[data-history-timeline]'), mountHistory);
    Array.prototype.forEach.call(document.querySelectorAll('[data-window]'), function (c) { mountWindow(c, c.getAttribute('data-window')); });
  }
  var specs = dataOf('specs') || {};
  var chain = Promise.resolve();
  Object.keys(specs).forEach(function (id) {
    var node = document.getElementById(id);
    if (!node) return;
    if (!window.vegaEmbed) { node.textContent = 'chart unavailable: the Vega libraries did not load'; return; }
    chain = chain.then(function () {
      return new Promise(function (r) { setTimeout(r, 0); });
    }).then(function () {
      return window.vegaEmbed(node, expand(specs[id]), { actions: false, renderer: 'svg', ast: true, mode: 'vega' });
    }).then(function () {
      node.setAttribute('data-drawn', '1');
    }, function (e) {
      node.textContent = 'chart failed: ' + e;
      node.setAttribute('data-error', String(e));
    });
  });
  chain.then(function () {
    document.documentElement.setAttribute('data-rendered', String(Math.round(performance.now())));
  });
})();
`;
