// The maintainers' dashboard. The admin token lives in sessionStorage (this tab only) and is sent
// as an Authorization header; it never appears in a URL, so it never reaches a log.
(function () {
  'use strict';
  const TOKEN_KEY = 'jmo-telemetry-admin-token';
  const POLL_MS = 2000;
  const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
  const charts = {};
  window.jmoCharts = charts; // read by the browser test
  let lastToken = null;
  let loading = false;
  let pollTimer = null;

  const $ = (id) => document.getElementById(id);

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  async function api(path) {
    const res = await fetch(path, { headers: { 'Authorization': 'Bearer ' + token() }, cache: 'no-store' });
    if (res.status === 401 || res.status === 403) {
      const e = new Error(res.status === 401 ? 'the token was refused' : 'admin endpoints are disabled on this collector');
      e.auth = true;
      throw e;
    }
    if (!res.ok) { throw new Error(path + ' answered ' + res.status); }
    return res.json();
  }

  function periodQuery() {
    const range = $('range').value;
    let to, from;
    if (range === 'custom') {
      if (!$('from').value || !$('to').value) { return null; }
      from = new Date($('from').value + 'T00:00:00Z');
      to = new Date($('to').value + 'T00:00:00Z');
      to.setUTCDate(to.getUTCDate() + 1); // the "to" day is included
    } else {
      to = new Date();
      to.setUTCMinutes(0, 0, 0);
      to.setUTCHours(to.getUTCHours() + 1);
      from = new Date(to.getTime() - Number(range) * 86400000);
    }
    return '?from=' + encodeURIComponent(from.toISOString().replace('.000', '')) +
      '&to=' + encodeURIComponent(to.toISOString().replace('.000', ''));
  }

  function draw(name, type, labels, datasets, options) {
    const canvas = $('chart-' + name);
    if (charts[name]) {
      charts[name].data.labels = labels;
      charts[name].data.datasets = datasets;
      charts[name].update('none');
      return;
    }
    charts[name] = new Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, options || {})
    });
  }

  // Counts are drawn as bars, never as smoothed lines: a single count must stay a single bar.
  function bars(name, cells, value, label) {
    draw(name, 'bar', cells.map(c => c.key), [{ label: label, data: cells.map(value), backgroundColor: COLORS[0] }],
      { plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: label } } } });
  }

  function doughnut(name, cells) {
    draw(name, 'doughnut', cells.map(c => c.key),
      [{ data: cells.map(c => c.events), backgroundColor: cells.map((c, i) => COLORS[i % COLORS.length]) }]);
  }

  async function refresh() {
    const q = periodQuery();
    if (q === null || loading) { return; }
    loading = true;
    $('status').textContent = 'loading…';
    try {
      const names = ['events', 'profiles', 'modes', 'platforms', 'versions', 'installs', 'tools', 'durations', 'scan-findings',
        'report-findings', 'output-formats', 'report-suppressions', 'report-compliance', 'wizard-artifacts', 'wizard-modes',
        'wizard-durations'];
      const [timeline, failures, ...cells] = await Promise.all([api('/dashboard/api/timeline' + q),
        api('/dashboard/api/tool-failures' + q), ...names.map(n => api('/dashboard/api/breakdown/' + n + q))]);
      const b = Object.fromEntries(names.map((n, i) => [n, cells[i]]));
      const events = b.events;
      const types = Object.keys(timeline.series);
      draw('timeline', 'bar', timeline.labels, types.map((t, i) => ({
        label: t, data: timeline.series[t], backgroundColor: COLORS[i % COLORS.length] })),
        { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'events' } } } });
      bars('installs', b.installs, c => c.ids, 'installations');
      bars('tools', b.tools, c => c.events, 'scans');
      bars('failures', failures.map(f => Object.assign({ key: f.tool + (f.runs_estimated ? ' *' : '') }, f)),
        f => Math.round(f.rate * 1000) / 10, '% of runs of the tool');
      bars('profiles', b.profiles, c => c.events, 'scans');
      doughnut('modes', b.modes);
      bars('durations', b.durations, c => c.events, 'completed scans');
      bars('scanFindings', b['scan-findings'], c => c.events, 'completed scans');
      bars('formats', b['output-formats'], c => c.events, 'reports');
      bars('reportFindings', b['report-findings'], c => c.events, 'reports');
      const yes = (cs) => (cs.find(c => c.key === 'true') || { events: 0 }).events;
      bars('reportFlags', [{ key: 'suppressions used', events: yes(b['report-suppressions']) },
        { key: 'compliance enabled', events: yes(b['report-compliance']) }], c => c.events, 'reports');
      bars('wizardArtifacts', b['wizard-artifacts'], c => c.events, 'wizard runs');
      doughnut('wizardModes', b['wizard-modes']);
      bars('wizardDurations', b['wizard-durations'], c => c.events, 'wizard runs');
      doughnut('platforms', b.platforms);
      bars('versions', b.versions, c => c.ids, 'installations');
      const total = events.reduce((n, c) => n + c.events, 0);
      $('totals').textContent = total + ' events';
      $('status').textContent = 'updated ' + new Date().toLocaleTimeString();
      document.body.dataset.refreshed = String(Date.now());
    } catch (e) {
      $('status').textContent = e.message;
      if (e.auth) { logout(e.message); }
    } finally {
      loading = false;
    }
  }

  async function poll() {
    try {
      const v = await api('/dashboard/api/version');
      if (v.token !== lastToken) {
        lastToken = v.token;
        await refresh();
      }
    } catch (e) {
      $('status').textContent = e.message;
      if (e.auth) { logout(e.message); }
    }
  }

  function start() {
    $('login').hidden = true;
    $('app').hidden = false;
    lastToken = null;
    poll();
    if (pollTimer === null) { pollTimer = setInterval(poll, POLL_MS); }
  }

  function logout(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    if (pollTimer !== null) { clearInterval(pollTimer); pollTimer = null; }
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').hidden = !message;
    $('login-error').textContent = message || '';
  }

  $('login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    start();
  });
  $('logout').addEventListener('click', () => logout(''));
  $('range').addEventListener('change', () => {
    $('custom').hidden = $('range').value !== 'custom';
    if ($('range').value !== 'custom') { refresh(); }
  });
  $('apply').addEventListener('click', refresh);

  if (token()) { start(); } else { logout(''); }
})();
