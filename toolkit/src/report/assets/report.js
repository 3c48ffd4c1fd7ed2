/* cdk-unum session report and console: plain browser JavaScript, inlined into the page (no network for a report).
 * A report page carries its data in <script id="unum-data">; the console (unum ui) fetches /api/… and redraws. */
(function () {
  'use strict';

  /** Instances drawn one row each; past this the timeline groups a node's instances into one row. */
  var MAX_ROWS = 60;
  /** Rows a group shows at once when it is opened. */
  var PAGE = 50;
  var BUCKETS = 160;

  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (attrs[k] === undefined || attrs[k] === null) continue;
        if (k === 'text') e.textContent = attrs[k];
        else if (k === 'cls') e.className = attrs[k];
        else if (k === 'style') e.setAttribute('style', attrs[k]);
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
        else e.setAttribute(k, attrs[k]);
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === undefined || c === null || c === false) continue;
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }

  function ms(v) {
    if (v === undefined || v === null) return '–';
    if (v < 1000) return Math.round(v) + ' ms';
    if (v < 60000) return (v / 1000).toFixed(2) + ' s';
    return (v / 60000).toFixed(1) + ' min';
  }
  function usd(v) { return v === 0 ? '$0' : v < 0.01 ? '$' + v.toPrecision(3) : '$' + v.toFixed(4); }
  function pretty(text) {
    if (text === undefined) return '';
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }
  function sum(o) { var n = 0; for (var k in o) n += o[k]; return n; }
  function entries(o) { return Object.keys(o).map(function (k) { return [k, o[k]]; }).sort(function (a, b) { return b[1] - a[1]; }); }

  /** The runtime's JSON log lines as `LEVEL message {other fields}`, without what the panel already says (session, instance, ...). */
  function logLine(line) {
    if (line.charAt(0) !== '{') return line;
    var o;
    try { o = JSON.parse(line); } catch (e) { return line; }
    if (typeof o.message !== 'string') return line;
    var rest = {};
    for (var k in o) if (['timestamp', 'level', 'message', 'workflow', 'node', 'session', 'instance', 'requestId', 'traceId'].indexOf(k) < 0) rest[k] = o[k];
    return String(o.level || '').toUpperCase() + ' ' + o.message + (Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '');
  }

  /** Draws one session into `root`; `svg` is the workflow's picture (markup) or empty. */
  function Session(root, data, svg) {
    this.root = root;
    this.data = data;
    this.svg = svg;
    this.filterNode = undefined;
    this.selected = undefined;
    this.open = {};
    this.byKey = {};
    for (var i = 0; i < data.instances.length; i++) this.byKey[data.instances[i].key] = data.instances[i];
  }

  Session.prototype.render = function () {
    var d = this.data;
    var self = this;
    this.root.textContent = '';
    this.root.appendChild(this.summary());
    var layout = el('div', { cls: 'layout no-panel', id: 'layout' });
    var left = el('div');
    var graph = el('section', { cls: 'card' }, el('h2', { text: 'Workflow ' + d.workflow }));
    var g = el('div', { id: 'graph' });
    g.innerHTML = this.svg || '<p class="muted">No graph: the cloud assembly was synthesized by a cdk-unum without graph files.</p>';
    graph.appendChild(g);
    graph.appendChild(el('div', { cls: 'legend' },
      el('span', null, el('i', { style: 'background:#dcfce7;border:1px solid #16a34a' }), 'succeeded'),
      el('span', null, el('i', { style: 'background:#fee2e2;border:1px solid #dc2626' }), 'failed'),
      el('span', null, el('i', { style: 'background:#fef3c7;border:1px solid #d97706' }), 'some failed'),
      el('span', null, el('i', { style: 'background:#dbeafe;border:1px solid #2563eb' }), 'running or unfinished'),
      el('span', null, 'counts: ✓ succeeded · ✗ failed · ↻ retried; a Map or Parallel counts its items or branches; click a state to filter the timeline')));
    left.appendChild(graph);
    this.timelineCard = el('section', { cls: 'card', id: 'timeline-card' });
    left.appendChild(this.timelineCard);
    left.appendChild(this.storeCard());
    layout.appendChild(left);
    this.panel = el('section', { cls: 'card', id: 'panel' });
    layout.appendChild(this.panel);
    this.layout = layout;
    this.root.appendChild(layout);
    this.decorateGraph(g);
    this.renderTimeline();
    if (this.selected && this.byKey[this.selected]) this.showInstance(this.selected);
    else this.panel.style.display = 'none';
    void self;
  };

  Session.prototype.summary = function () {
    var d = this.data;
    var card = el('section', { cls: 'card', id: 'summary' });
    // A user error the workflow fails on ends no invocation in an error: the failed instances say it.
    var failedInstances = d.instances.filter(function (r) { return r.outcome === 'failed'; }).length;
    card.appendChild(el('div', { cls: 'facts' },
      el('span', { cls: 'badge status-' + d.status, id: 'status' }, d.status === 'RUNNING' && d.ended ? 'DID NOT FINISH' : d.status),
      el('span', null, el('b', { text: 'session' }), d.session),
      el('span', null, el('b', { text: 'started' }), new Date(d.startedAt).toISOString().replace('T', ' ').replace('Z', ' UTC')),
      el('span', null, el('b', { text: 'duration' }), ms(d.durationMs) + (d.ended ? '' : ' so far')),
      el('span', null, el('b', { text: 'instances' }), String(d.instances.length)),
      el('span', null, el('b', { text: 'invocations' }), d.invocations.total + ' (' + d.invocations.cold + ' cold, ' + d.invocations.retries + ' retries, '
        + d.invocations.duplicates + ' duplicates, ' + d.invocations.crashes + ' injected crashes, ' + d.invocations.errors + ' ended in an error)'),
      failedInstances ? el('span', { id: 'failed-instances' }, el('b', { text: 'failed instances' }), String(failedInstances)) : null,
      el('span', null, el('b', { text: 'store requests' }), String(d.store.total)),
      el('span', null, el('b', { text: 'cost' }), usd(d.cost.usd.total))));
    if (d.faults) card.appendChild(el('div', { cls: 'muted' }, 'fault injection: ' + JSON.stringify(d.faults)));
    if (d.error) {
      card.appendChild(el('div', { cls: 'error-box', id: 'session-error' },
        el('b', { text: (d.status === 'TIMED_OUT' ? 'Timed out, found by ' : 'Failed at ') + "node '" + d.error.node + "' (" + d.error.instance + '): ' + d.error.error }),
        d.error.cause ? el('pre', { text: d.error.cause }) : null));
    } else if (d.ended && d.status === 'RUNNING') {
      card.appendChild(el('div', { cls: 'error-box' }, d.timedOut ? 'The engine stopped waiting (--timeout) while invocations were still running.'
        : 'Every invocation ended but the session never reached its end: an event was lost.'));
    }
    var io = el('div', { cls: 'layout' });
    io.appendChild(el('div', null, el('h3', { text: 'Input' }), el('pre', { text: pretty(d.input) })));
    io.appendChild(el('div', null, el('h3', { text: d.result !== undefined ? 'Result'
      : d.ended && d.status !== 'RUNNING' ? 'Result (none: the session ' + d.status.toLowerCase().replace('_', ' ') + ')' : 'Result (none yet)' }), el('pre', { id: 'result', text: d.result !== undefined ? pretty(d.result) : '–' })));
    card.appendChild(io);
    return card;
  };

  Session.prototype.decorateGraph = function (g) {
    var self = this;
    var svg = g.querySelector('svg');
    if (!svg) return;
    var states = {};
    this.data.states.forEach(function (s) { states[s.state] = s; });
    var groups = svg.querySelectorAll('g.unum-state');
    for (var i = 0; i < groups.length; i++) {
      (function (group) {
        var name = group.getAttribute('data-state');
        var s = states[name];
        if (!s) return;
        group.classList.add('outcome-' + s.outcome);
        group.setAttribute('data-outcome', s.outcome);
        var c = s.items || s;
        var n = s.items ? s.items.total : s.instances;
        if (n > 0) {
          var shape = group.querySelector('rect, polygon');
          var box = shape.getBBox();
          var text = document.createElementNS('http://www.w3.org/2000/svg', 'text');
          // A box's counts go beside it (its title fills its top, the nodes' counts its bottom), a node's just under it.
          text.setAttribute('x', String(s.items ? box.x + box.width + 6 : box.x + box.width / 2));
          text.setAttribute('y', String(s.items ? box.y + 14 : box.y + box.height + 11));
          text.setAttribute('text-anchor', s.items ? 'start' : 'middle');
          text.setAttribute('class', 'counts');
          text.textContent = (s.items ? n + (s.kind === 'map' ? ' items ' : ' branches ') : (n > 1 ? '×' + n + ' ' : ''))
            + '✓' + c.succeeded + (c.failed ? ' ✗' + c.failed : '') + (c.retried ? ' ↻' + c.retried : '') + (c.running ? ' …' + c.running : '');
          group.appendChild(text);
        }
        var title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
        title.textContent = name + ': ' + s.outcome + ' — ' + s.instances + ' instances, ' + s.succeeded + ' succeeded, ' + s.failed + ' failed, '
          + s.retried + ' retried' + (s.items ? '; ' + s.items.total + ' items: ' + s.items.succeeded + ' succeeded, ' + s.items.failed + ' failed, ' + s.items.retried + ' retried' : '');
        group.appendChild(title);
        group.addEventListener('click', function (ev) {
          ev.stopPropagation();
          self.filterNode = self.filterNode === name ? undefined : name;
          var all = svg.querySelectorAll('g.unum-state');
          for (var j = 0; j < all.length; j++) all[j].classList.toggle('selected', all[j].getAttribute('data-state') === self.filterNode);
          self.renderTimeline();
        });
      })(groups[i]);
    }
  };

  /** Nodes of the states inside a Map or Parallel (the filter of a box shows what runs in it). */
  Session.prototype.nodesOf = function (state) {
    var svg = this.root.querySelector('#graph svg');
    var nodes = {};
    nodes[state] = true;
    if (!svg) return nodes;
    var box = svg.querySelector('g.unum-state[data-state="' + CSS.escape(state) + '"] > rect');
    if (!box || !box.parentNode.classList.contains('unum-kind-map') && !box.parentNode.classList.contains('unum-kind-parallel')) return nodes;
    var b = box.getBBox();
    var all = svg.querySelectorAll('g.unum-state');
    for (var i = 0; i < all.length; i++) {
      var shape = all[i].querySelector('rect, polygon');
      var r = shape.getBBox();
      if (r.x >= b.x && r.y >= b.y && r.x + r.width <= b.x + b.width && r.y + r.height <= b.y + b.height) nodes[all[i].getAttribute('data-state')] = true;
    }
    return nodes;
  };

  Session.prototype.renderTimeline = function () {
    var self = this;
    var d = this.data;
    var card = this.timelineCard;
    card.textContent = '';
    var nodes = this.filterNode ? this.nodesOf(this.filterNode) : undefined;
    var list = nodes ? d.instances.filter(function (r) { return nodes[r.node]; }) : d.instances;
    card.appendChild(el('h2', null, 'Timeline: ' + list.length + ' instances' + (this.filterNode ? " of '" + this.filterNode + "' " : ''),
      this.filterNode ? el('button', { onclick: function () { self.filterNode = undefined; self.render(); } }, 'show all') : null));
    card.appendChild(el('div', { cls: 'legend' },
      el('span', null, el('i', { style: 'background:#93c5fd' }), 'invocation'),
      el('span', null, el('i', { style: 'background:#f59e0b' }), 'cold start (init)'),
      el('span', null, el('i', { style: 'background:#0f766e' }), 'user code'),
      el('span', null, el('i', { style: 'background:#7c3aed' }), 'checkpoint write'),
      el('span', null, el('i', { style: 'background:#fca5a5' }), 'failed invocation'),
      el('span', null, '✕ injected crash · 2× duplicate delivery · ··· waiting between invocations (retry delay, Wait, queue) · hatched: a Wait or a Retry interval slept inside an invocation'),
      el('span', null, 'instance keys: Node|scope, a scope being epoch:index per Map/Parallel level, then the loop iteration')));
    var span = Math.max(d.durationMs, 1);
    for (var i = 0; i < list.length; i++) span = Math.max(span, list[i].end);
    this.span = span;
    var axis = el('div', { cls: 'tl-axis' });
    for (var t = 0; t <= 4; t++) axis.appendChild(el('span', { style: 'left:' + (t * 25) + '%' + (t === 4 ? ';transform:translateX(-100%)' : t === 0 ? ';transform:none' : ''), text: ms(span * t / 4) }));
    card.appendChild(axis);
    var body = el('div', { cls: 'timeline', id: 'timeline' });
    card.appendChild(body);
    if (list.length <= MAX_ROWS) {
      list.forEach(function (r) { body.appendChild(self.row(r)); });
      return;
    }
    // Grouped: one row per node, in the order the nodes started.
    var order = [];
    var groups = {};
    list.forEach(function (r) {
      if (!groups[r.node]) { groups[r.node] = []; order.push(r.node); }
      groups[r.node].push(r);
    });
    order.forEach(function (node) {
      var rows = groups[node];
      if (rows.length <= 5) rows.forEach(function (r) { body.appendChild(self.row(r)); });
      else body.appendChild(self.group(node, rows));
    });
  };

  Session.prototype.pos = function (v) { return (100 * v / this.span).toFixed(3) + '%'; };

  Session.prototype.row = function (r) {
    var self = this;
    var track = el('div', { cls: 'tl-track' });
    var prevEnd;
    r.invocations.forEach(function (inv, n) {
      var end = inv.e === undefined ? self.data.durationMs : inv.e;
      if (prevEnd !== undefined && inv.s > prevEnd) {
        track.appendChild(el('div', { cls: 'gap', style: 'left:' + self.pos(prevEnd) + ';width:' + self.pos(inv.s - prevEnd), title: 'waiting ' + ms(inv.s - prevEnd) }));
      }
      prevEnd = Math.max(prevEnd || 0, end);
      var dur = Math.max(end - inv.s, 0);
      var bar = el('div', {
        cls: 'bar' + (inv.err ? ' err' : '') + (inv.e === undefined ? ' open' : ''),
        style: 'left:' + self.pos(inv.s) + ';width:' + self.pos(dur),
        title: 'invocation ' + (n + 1) + (inv.attempt ? ' (Lambda retry ' + inv.attempt + ')' : '') + (inv.re ? ' (re-invoked by the runtime)' : '')
          + ': ' + ms(dur) + (inv.cold ? ', cold start ' + ms(inv.init) : ', warm') + (inv.err ? ' — ' + inv.err : ''),
      });
      if (inv.init && dur > 0) bar.appendChild(el('div', { cls: 'init', style: 'width:' + Math.min(100, 100 * inv.init / dur).toFixed(2) + '%' }));
      var ck = r.checkpoint;
      if (ck && dur > 0 && ck.s >= inv.s && ck.e <= end + 1) {
        var user = r.userMs ? r.userMs[r.userMs.length - 1] : undefined;
        if (user !== undefined) {
          var us = Math.max(inv.s + (inv.init || 0), ck.s - user);
          bar.appendChild(el('div', { cls: 'user', style: 'left:' + (100 * (us - inv.s) / dur).toFixed(2) + '%;width:' + (100 * Math.min(user, ck.s - us) / dur).toFixed(2) + '%' }));
        }
        bar.appendChild(el('div', { cls: 'ckpt', style: 'left:' + (100 * (ck.s - inv.s) / dur).toFixed(2) + '%;width:' + (100 * (ck.e - ck.s) / dur).toFixed(2) + '%' }));
      }
      (r.waits || []).forEach(function (w) {
        if (dur > 0 && w.s >= inv.s && w.s <= end) {
          var we = Math.min(w.e, end);
          bar.appendChild(el('div', { cls: 'wait', 'data-wait': w.state, 'data-kind': w.retry ? 'retry' : 'wait',
            title: (w.retry ? 'Retry interval of ' : 'Wait ') + w.state + ': ' + ms(w.e - w.s) + ' inside this invocation',
            style: 'left:' + (100 * (w.s - inv.s) / dur).toFixed(2) + '%;width:' + (100 * Math.max(0, we - w.s) / dur).toFixed(2) + '%' }));
        }
      });
      track.appendChild(bar);
      if (inv.crash) track.appendChild(el('span', { cls: 'mark crash', style: 'left:' + self.pos(end), text: '✕' }));
      if (inv.dup) track.appendChild(el('span', { cls: 'mark dup', style: 'left:' + self.pos(inv.s), text: '2×' }));
    });
    var row = el('div', { cls: 'tl-row' + (this.selected === r.key ? ' selected' : ''), 'data-instance': r.key, 'data-outcome': r.outcome,
      title: r.key + ' — ' + r.scope + ': ' + r.outcome + ', ' + ms(r.end - r.start),
      onclick: function () { self.showInstance(r.key); } },
    el('div', { cls: 'tl-label' }, el('span', { cls: 'dot ' + r.outcome }), r.key), track);
    return row;
  };

  /** Many instances of one node: their concurrency over time, failures marked, and the rows a page at a time on demand. */
  Session.prototype.group = function (node, rows) {
    var self = this;
    var counts = { committed: 0, failed: 0, running: 0, incomplete: 0 };
    var retried = 0;
    var cold = 0;
    var hist = new Array(BUCKETS);
    for (var b = 0; b < BUCKETS; b++) hist[b] = 0;
    var failedMarks = [];
    rows.forEach(function (r) {
      counts[r.outcome]++;
      if (r.retries > 0) retried++;
      if (r.cold) cold++;
      var from = Math.max(0, Math.floor(BUCKETS * r.start / self.span));
      var to = Math.min(BUCKETS - 1, Math.floor(BUCKETS * r.end / self.span));
      for (var k = from; k <= to; k++) hist[k]++;
      if (r.outcome === 'failed' && failedMarks.length < 200) failedMarks.push(r.end);
    });
    var peak = Math.max.apply(null, hist) || 1;
    var path = 'M0,20';
    for (var j = 0; j < BUCKETS; j++) path += ' L' + (j * 1000 / BUCKETS).toFixed(1) + ',' + (20 - 19 * hist[j] / peak).toFixed(1) + ' L' + ((j + 1) * 1000 / BUCKETS).toFixed(1) + ',' + (20 - 19 * hist[j] / peak).toFixed(1);
    path += ' L1000,20 Z';
    var marks = failedMarks.map(function (t) { var x = (1000 * t / self.span).toFixed(1); return '<path d="M' + x + ',0 L' + x + ',20" stroke="#dc2626" stroke-width="2"/>'; }).join('');
    var track = el('div', { cls: 'tl-track' });
    var hsvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    hsvg.setAttribute('class', 'hist');
    hsvg.setAttribute('viewBox', '0 0 1000 20');
    hsvg.setAttribute('preserveAspectRatio', 'none');
    hsvg.innerHTML = '<path d="' + path + '" fill="#93c5fd" stroke="#2563eb" stroke-width="0.5"/>' + marks;
    track.appendChild(hsvg);
    var summary = rows.length + ' × ' + node + ': ✓' + counts.committed + (counts.failed ? ' ✗' + counts.failed : '') + (retried ? ' ↻' + retried : '')
      + (counts.running + counts.incomplete ? ' …' + (counts.running + counts.incomplete) : '') + ', ' + cold + ' cold; peak ' + peak + ' at once';
    var group = el('div', { cls: 'tl-group', 'data-node': node });
    var more = el('div', { cls: 'tl-more' });
    var list = el('div');
    var state = this.open[node] || { shown: 0, filter: 'all' };
    var header = el('div', { cls: 'tl-row tl-group-row', 'data-group': node, title: summary + ' (click to list them)',
      onclick: function () { state.shown = state.shown ? 0 : PAGE; self.open[node] = state; draw(); } },
    el('div', { cls: 'tl-label' }, el('span', { cls: 'dot ' + (counts.failed ? 'failed' : counts.running + counts.incomplete ? 'running' : 'committed') }), summary), track);
    group.appendChild(header);
    group.appendChild(list);
    group.appendChild(more);
    function draw() {
      list.textContent = '';
      more.textContent = '';
      if (!state.shown) return;
      var chosen = rows.filter(function (r) {
        return state.filter === 'all' || (state.filter === 'failed' && r.outcome === 'failed') || (state.filter === 'retried' && r.retries > 0)
          || (state.filter === 'cold' && r.cold) || (state.filter === 'slowest');
      });
      if (state.filter === 'slowest') chosen = chosen.slice().sort(function (a, b) { return (b.end - b.start) - (a.end - a.start); });
      chosen.slice(0, state.shown).forEach(function (r) { list.appendChild(self.row(r)); });
      var select = el('select', { onchange: function () { state.filter = select.value; state.shown = PAGE; draw(); } });
      ['all', 'failed', 'retried', 'cold', 'slowest'].forEach(function (f) { select.appendChild(el('option', { value: f, text: f })); });
      select.value = state.filter;
      more.appendChild(el('span', { text: 'showing ' + Math.min(state.shown, chosen.length) + ' of ' + chosen.length }));
      more.appendChild(select);
      if (chosen.length > state.shown) more.appendChild(el('button', { onclick: function () { state.shown += PAGE; draw(); } }, 'show ' + PAGE + ' more'));
    }
    draw();
    return group;
  };

  Session.prototype.showInstance = function (key) {
    var r = this.byKey[key];
    if (!r) return;
    this.selected = key;
    var rows = this.root.querySelectorAll('.tl-row.selected');
    for (var i = 0; i < rows.length; i++) rows[i].classList.remove('selected');
    var mine = this.root.querySelectorAll('.tl-row[data-instance]');
    for (var j = 0; j < mine.length; j++) if (mine[j].getAttribute('data-instance') === key) mine[j].classList.add('selected');
    var p = this.panel;
    p.textContent = '';
    p.style.display = '';
    this.layout.classList.remove('no-panel');
    p.setAttribute('data-instance', key);
    p.appendChild(el('div', { cls: 'key', text: key }));
    p.appendChild(el('div', { cls: 'muted', text: "node '" + r.node + "', " + r.scope }));
    p.appendChild(el('div', { cls: 'facts' },
      el('span', { cls: 'badge status-' + (r.outcome === 'committed' ? 'SUCCEEDED' : r.outcome === 'failed' ? 'FAILED' : 'RUNNING'), text: r.outcome }),
      el('span', null, el('b', { text: 'from' }), ms(r.start) + ' to ' + ms(r.end)),
      el('span', null, el('b', { text: 'took' }), ms(r.end - r.start)),
      r.userMs ? el('span', null, el('b', { text: 'user code' }), r.userMs.map(ms).join(', ')) : null,
      r.checkpoint ? el('span', null, el('b', { text: 'checkpoint write' }), ms(r.checkpoint.e - r.checkpoint.s)) : null,
      r.caught !== undefined ? el('span', null, el('b', { text: 'caught by' }), 'catch ' + (r.caught + 1)) : null));
    var t = el('table', { cls: 'kv' }, el('tr', null, el('th', { text: '#' }), el('th', { text: 'start' }), el('th', { text: 'took' }), el('th', { text: 'sandbox' }), el('th', { text: 'what' })));
    r.invocations.forEach(function (inv, n) {
      var what = [];
      if (inv.attempt) what.push('Lambda retry ' + inv.attempt);
      if (inv.re) what.push('re-invoked by the runtime');
      if (inv.dup) what.push('duplicate delivery');
      if (inv.crash) what.push('injected crash at ' + inv.crash);
      var end = inv.e === undefined ? Infinity : inv.e;
      (r.waits || []).forEach(function (w) { if (w.s >= inv.s && w.s <= end) what.push('slept ' + ms(w.e - w.s) + (w.retry ? ' before retrying ' : ' in Wait ') + w.state); });
      if (inv.err) what.push(inv.err);
      if (inv.e === undefined) what.push('running');
      t.appendChild(el('tr', null, el('td', { text: String(n + 1) }), el('td', { cls: 'n', text: ms(inv.s) }), el('td', { cls: 'n', text: inv.e === undefined ? '–' : ms(inv.e - inv.s) }),
        el('td', { text: inv.cold ? 'cold (init ' + ms(inv.init) + ')' : inv.e === undefined ? '' : 'warm' }), el('td', { text: what.join('; ') || 'ok' })));
    });
    p.appendChild(el('h3', { text: 'Invocations' }));
    p.appendChild(t);
    if (r.error) {
      p.appendChild(el('h3', { text: 'Error' }));
      p.appendChild(el('pre', { cls: 'error', text: r.error.error + (r.error.cause ? '\n' + r.error.cause : '') }));
    }
    p.appendChild(el('h3', { text: 'Input' }));
    p.appendChild(el('pre', { cls: 'input', text: r.input === undefined ? '–' : pretty(r.input) }));
    p.appendChild(el('h3', { text: 'Output' }));
    p.appendChild(el('pre', { cls: 'output', text: r.output === undefined ? '(no checkpoint)' : pretty(r.output) }));
    p.appendChild(el('h3', { text: 'Log lines (' + r.logs.length + ')' }));
    var logs = el('div', { cls: 'logs' });
    r.logs.forEach(function (l) { logs.appendChild(el('div', null, el('span', { text: ms(l[0]) }), logLine(l[1]))); });
    if (r.logs.length === 0) logs.appendChild(el('div', { cls: 'muted', text: 'none' }));
    p.appendChild(logs);
  };

  Session.prototype.storeCard = function () {
    var d = this.data;
    var c = d.cost;
    var card = el('section', { cls: 'card', id: 'store' }, el('h2', { text: 'Store requests and cost' }));
    var t = el('table', { cls: 'kv' });
    function line(name, value, note) { t.appendChild(el('tr', null, el('th', { text: name }), el('td', { cls: 'n', text: value }), el('td', { cls: 'muted', text: note || '' }))); }
    line('DynamoDB requests', String(sum(d.store.dynamodb)), entries(d.store.dynamodb).map(function (e) { return e[0] + ' ' + e[1]; }).join(', '));
    line('S3 requests', String(sum(d.store.s3)), entries(d.store.s3).map(function (e) { return e[0] + ' ' + e[1]; }).join(', '));
    if (sum(d.store.errors)) line('refused', String(sum(d.store.errors)), entries(d.store.errors).map(function (e) { return e[0] + ' ' + e[1]; }).join(', '));
    if (sum(d.store.injected)) line('injected service errors', String(sum(d.store.injected)), entries(d.store.injected).map(function (e) { return e[0] + ' ' + e[1]; }).join(', '));
    line('DynamoDB capacity', c.rcu + ' RCU, ' + c.wcu + ' WCU', 'estimated from item sizes (on demand)');
    line('DynamoDB', usd(c.usd.dynamodb), '');
    line('S3', usd(c.usd.s3), c.s3Put + ' PUT-class, ' + c.s3Get + ' GET-class');
    line('Lambda requests', usd(c.usd.lambdaRequests), c.lambdaRequests + ' invocations');
    line('Lambda duration', usd(c.usd.lambdaDuration), c.lambdaGbSeconds.toFixed(3) + ' GB-s at the local durations');
    line('total', usd(c.usd.total), 'prices of ' + c.prices.date + ', ' + c.prices.region + ', no free tier');
    card.appendChild(t);
    if (d.otherLogs.length) {
      card.appendChild(el('h3', { text: 'Other log lines' }));
      var logs = el('div', { cls: 'logs' });
      d.otherLogs.forEach(function (l) { logs.appendChild(el('div', { text: l })); });
      card.appendChild(logs);
    }
    return card;
  };

  /** The console: sessions of the data directory, one drawn at a time, polled while it runs. */
  function Console(root, config) {
    this.root = root;
    this.config = config;
    this.current = undefined;
    this.view = undefined;
    this.etag = undefined;
    this.listEtag = undefined;
  }

  Console.prototype.start = function () {
    var self = this;
    this.aside = el('aside');
    this.main = el('div', { id: 'session' });
    var grid = el('div', { cls: 'console' }, this.aside, el('main', null, this.main));
    this.root.appendChild(grid);
    if (this.config.allowRun) this.aside.appendChild(this.form());
    this.aside.appendChild(el('h2', { text: 'Sessions' }));
    this.list = el('div', { id: 'sessions' });
    this.aside.appendChild(this.list);
    this.main.appendChild(el('p', { cls: 'muted', text: 'Choose a session.' }));
    window.addEventListener('hashchange', function () { self.select(self.fromHash()); });
    this.poll();
    var first = this.fromHash();
    if (first) this.select(first);
  };

  Console.prototype.fromHash = function () {
    var m = /session=([^&]+)/.exec(location.hash);
    return m ? decodeURIComponent(m[1]) : undefined;
  };

  Console.prototype.form = function () {
    var self = this;
    var select = el('select', { name: 'workflow' });
    (this.config.workflows || []).forEach(function (w) { select.appendChild(el('option', { value: w, text: w })); });
    var input = el('textarea', { name: 'input', text: 'null' });
    var message = el('div', { cls: 'muted', id: 'start-message' });
    var form = el('form', { id: 'start-form', onsubmit: function (ev) {
      ev.preventDefault();
      message.textContent = 'starting…';
      fetch('api/sessions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ workflow: select.value, input: input.value }) })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
        .then(function (r) {
          if (!r.ok) { message.textContent = r.body.error; return; }
          message.textContent = 'started ' + r.body.session;
          location.hash = 'session=' + encodeURIComponent(r.body.session);
        }, function (e) { message.textContent = String(e); });
    } }, el('h2', { text: 'Start a session' }), el('div', null, 'workflow ', select), el('div', { text: 'input (JSON)' }), input,
    el('button', { type: 'submit' }, 'Start'), message);
    return form;
  };

  Console.prototype.poll = function () {
    var self = this;
    var headers = this.listEtag ? { 'If-None-Match': this.listEtag } : {};
    fetch('api/sessions', { headers: headers }).then(function (r) {
      if (r.status === 304) return undefined;
      self.listEtag = r.headers.get('ETag') || undefined;
      return r.json();
    }).then(function (sessions) {
      if (sessions) self.drawList(sessions);
      if (self.current) self.refresh();
    }).catch(function () { /* the console's server stopped: try again */ }).then(function () {
      setTimeout(function () { self.poll(); }, 1000);
    });
  };

  Console.prototype.drawList = function (sessions) {
    var self = this;
    this.known = {};
    sessions.forEach(function (s) { self.known[s.session] = true; });
    var t = el('table', null, el('tr', null, el('th', { text: 'status' }), el('th', { text: 'started' }), el('th', { text: 'duration' }), el('th', { text: 'workflow' }), el('th', { text: 'session' })));
    sessions.forEach(function (s) {
      t.appendChild(el('tr', { cls: 'session' + (s.session === self.current ? ' selected' : ''), 'data-session': s.session,
        onclick: function () { location.hash = 'session=' + encodeURIComponent(s.session); } },
      el('td', null, el('span', { cls: 'badge status-' + s.status, text: s.status })),
      el('td', { text: s.startedAt ? new Date(s.startedAt).toISOString().slice(5, 19).replace('T', ' ') : '' }),
      el('td', { text: s.durationMs === undefined ? '' : ms(s.durationMs) }),
      el('td', { text: s.workflow }),
      el('td', { text: s.session.length > 12 ? s.session.slice(0, 11) + '…' : s.session, title: s.session })));
    });
    this.list.textContent = '';
    this.list.appendChild(sessions.length ? t : el('p', { cls: 'muted', text: 'No session yet: run one with unum run --data-dir pointing here.' }));
  };

  Console.prototype.select = function (session) {
    if (!session || session === this.current) return;
    this.current = session;
    this.view = undefined;
    this.etag = undefined;
    var rows = this.list.querySelectorAll('tr.session');
    for (var i = 0; i < rows.length; i++) rows[i].classList.toggle('selected', rows[i].getAttribute('data-session') === session);
    this.refresh();
  };

  Console.prototype.refresh = function () {
    var self = this;
    var session = this.current;
    if (this.loading || (this.view && this.view.data.ended)) return;
    // A session the list does not have yet (its run is starting) is asked for once it is there.
    if (this.known && !this.known[session]) {
      if (!this.view) { this.main.textContent = ''; this.main.appendChild(el('p', { cls: 'muted', text: 'Session ' + session + ' is not in this data directory (yet).' })); }
      return;
    }
    this.loading = true;
    var headers = this.etag ? { 'If-None-Match': this.etag } : {};
    fetch('api/sessions/' + encodeURIComponent(session), { headers: headers }).then(function (r) {
      if (r.status === 304) return undefined;
      if (r.status === 404) return { missing: true };
      self.etag = r.headers.get('ETag') || undefined;
      return r.json();
    }).then(function (body) {
      if (!body || session !== self.current) return;
      if (body.pending) return;
      if (body.missing) { self.main.textContent = ''; self.main.appendChild(el('p', { cls: 'muted', text: 'No trace of session ' + session + ' (yet).' })); return; }
      var previous = self.view;
      self.view = new Session(self.main, body.data, body.svg);
      if (previous) { self.view.selected = previous.selected; self.view.filterNode = previous.filterNode; self.view.open = previous.open; }
      self.view.render();
      document.body.setAttribute('data-ready', '1');
    }).catch(function (e) {
      self.main.textContent = '';
      self.main.appendChild(el('div', { cls: 'error-box', text: 'Could not read the session: ' + e }));
    }).then(function () { self.loading = false; });
  };

  window.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('app');
    var config = document.getElementById('unum-console');
    if (config) {
      new Console(root, JSON.parse(config.textContent)).start();
      return;
    }
    var data = JSON.parse(document.getElementById('unum-data').textContent);
    var svg = document.getElementById('unum-graph');
    var session = new Session(root, data, svg ? svg.innerHTML : '');
    session.render();
    if (svg) svg.parentNode.removeChild(svg);
    document.body.setAttribute('data-ready', '1');
  });
})();
