// portai dashboard: plain JavaScript over the JSON endpoints (api/…). Text goes in as text (never as HTML): the
// ledger holds model error messages and skill outputs, which must not become markup.
'use strict';

(function () {
  const main = document.getElementById('page');
  const status = document.getElementById('status');
  let charts = [];
  let current = null;
  let loads = 0;

  // ---------- small helpers ----------
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'onclick' || name === 'oninput' || name === 'onchange') node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  async function getJson(path) {
    const response = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((body.error && body.error.message) || `HTTP ${response.status}`);
    return body;
  }
  const count = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
  const usd = (n) => `$${Number(n).toFixed(4)}`;
  const amount = (n, unit) => (unit === 'usd' ? usd(n) : count(n));
  const percent = (share) => (share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`);
  const ms = (n) => (n === null || n === undefined ? '—' : n >= 10000 ? `${(n / 1000).toFixed(1)} s` : `${n} ms`);
  function relative(target, now) {
    const minutes = Math.round((target - now) / 60000);
    const size = Math.abs(minutes);
    const text = size < 1 ? 'now' : size < 90 ? `${size} min` : size < 48 * 60 ? `${Math.floor(size / 60)} h ${size % 60} min` : `${Math.round(size / 1440)} days`;
    return text === 'now' ? 'now' : minutes > 0 ? `in ${text}` : `${text} ago`;
  }
  function when(iso) {
    if (!iso) return '—';
    const date = new Date(iso);
    const now = Date.now();
    const sameDay = date.toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10);
    const text = `${sameDay ? '' : `${date.toISOString().slice(0, 10)} `}${date.toISOString().slice(11, 16)} UTC`;
    return `${text} (${relative(date.getTime(), now)})`;
  }
  /** DOM's replaceChildren would print a null as the text "null" */
  const fill = (root, ...children) => root.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  const pill = (text, kind) => el('span', { class: `pill ${kind || text}` }, text);
  const empty = (text) => el('div', { class: 'empty' }, text);
  function table(headers, rows, attributes) {
    return el('table', attributes || {}, el('thead', {}, el('tr', {}, headers.map((header) => el('th', { class: header.startsWith('#') ? 'num' : '' }, header.replace(/^#/, ''))))), el('tbody', {}, rows));
  }
  function chart(target, options, data) {
    const width = Math.max(240, Math.floor(target.clientWidth || 360));
    const plot = new uPlot(Object.assign({ width, height: 150, legend: { show: false }, cursor: { drag: { x: false, y: false } } }, options), data, target);
    charts.push(plot);
    return plot;
  }

  // ---------- quota ----------
  async function quota(root) {
    const [usage, report] = await Promise.all([getJson('api/usage'), getJson('api/quota')]);
    root.replaceChildren();
    root.append(
      el('div', { class: 'summary' },
        el('div', { class: 'tile', 'data-testid': 'spend-today' }, el('div', { class: 'label' }, 'metered spend today'), el('div', { class: 'big' }, usd(usage.spend_today_usd)), el('div', { class: 'label' }, `of ${usd(usage.budget_usd_per_day)} budget per day`)),
        el('div', { class: 'tile' }, el('div', { class: 'label' }, 'requests today, all providers'), el('div', { class: 'big', 'data-testid': 'requests-today' }, count(usage.providers.reduce((sum, provider) => sum + provider.requests_today, 0)))),
        el('div', { class: 'tile' }, el('div', { class: 'label' }, 'windows needing attention'), el('div', { class: 'big', 'data-testid': 'warnings' }, String(report.windows.filter((window) => window.low || window.runs_out_before_reset).length))),
      ),
    );
    for (const provider of usage.providers) {
      const windows = report.windows.filter((window) => window.provider === provider.provider);
      const section = el('section', { class: 'provider', 'data-provider': provider.provider },
        el('div', { class: 'provider-head' },
          el('h2', {}, provider.provider),
          el('span', { class: 'facts' }, `${provider.billing} · preset ${provider.preset} · `, el('span', { 'data-testid': 'provider-requests' }, count(provider.requests_today)), ` request${provider.requests_today === 1 ? '' : 's'} today · spend `, el('span', { 'data-testid': 'provider-spend' }, usd(provider.spend_today_usd)), provider.key.variable ? ` · ${provider.key.variable} ${provider.key.set ? 'set' : 'NOT set'}` : ''),
        ),
      );
      for (const block of provider.blocks) section.append(el('div', { class: 'warning' }, `blocked (${block.scope}${block.model ? ` ${block.model}` : ''}): ${block.reason}${block.until_utc ? ` — until ${when(block.until_utc)}` : ' — until cleared: portai providers unblock ' + provider.provider}`));
      const cards = el('div', { class: 'cards' });
      if (windows.length === 0) cards.append(empty('no limits configured for this provider'));
      for (const window of windows) cards.append(windowCard(window));
      section.append(cards);
      root.append(section);
    }
    for (const card of root.querySelectorAll('.card[data-window]')) {
      const window = report.windows[Number(card.dataset.index)];
      const limitLine = window.series.t.map(() => window.limit);
      chart(card.querySelector('.chart'), {
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, window.limit) * 1.05] } },
        series: [{}, { label: 'used', stroke: '#2563eb', width: 2, fill: 'rgba(37,99,235,0.12)' }, { label: 'limit', stroke: '#b91c1c', width: 1, dash: [6, 4] }],
        axes: [{ stroke: '#646b73', grid: { stroke: '#eceef1' } }, { stroke: '#646b73', grid: { stroke: '#eceef1' }, values: (_u, ticks) => ticks.map((tick) => (window.unit === 'usd' ? `$${tick}` : tick)) }],
      }, [window.series.t, window.series.used, limitLine]);
    }
    function windowCard(window) {
      const index = report.windows.indexOf(window);
      const level = window.remaining <= 0 ? 'bad' : window.warning ? 'warn' : '';
      return el('div', { class: `card ${level}`, 'data-window': window.window, 'data-unit': window.unit, 'data-index': index, 'data-used': window.used, 'data-limit': window.limit, 'data-remaining': window.remaining },
        el('h3', {}, `${window.window} · ${window.unit}`),
        el('div', { class: 'numbers' }, el('span', { class: 'used' }, amount(window.used, window.unit)), el('span', { class: 'limit' }, `/ ${amount(window.limit, window.unit)}`)),
        el('div', { class: 'meter' }, el('div', { style: null, 'data-share': window.left_share })),
        el('div', { class: 'facts' },
          el('span', {}, el('span', { class: 'remaining' }, amount(window.remaining, window.unit)), ` left (${percent(window.left_share)})`),
          el('span', {}, `burn ${amount(window.burn_per_hour, window.unit)}/h`),
          el('span', {}, !window.exhausted_utc ? 'not burning' : window.runs_out_before_reset ? `runs out ${when(window.exhausted_utc)}` : 'lasts past the reset at this rate'),
          el('span', {}, window.reset_utc ? `resets ${when(window.reset_utc)}` : 'nothing counted'),
        ),
        window.low || window.runs_out_before_reset
          ? el('div', { class: 'warning', 'data-testid': 'window-warning' }, [
              window.low ? `only ${percent(window.left_share)} left` : null,
              window.runs_out_before_reset ? (window.remaining <= 0 ? `used up until it resets ${when(window.reset_utc)}` : `runs out ${when(window.exhausted_utc)}, before it resets`) : null,
            ].filter(Boolean).join(' · '))
          : null,
        el('div', { class: 'chart' }),
      );
    }
    // the meter's width is set through the CSSOM (the page's policy allows no inline style attributes)
    for (const bar of root.querySelectorAll('[data-share]')) bar.style.width = `${Math.min(100, Math.max(0, (1 - Number(bar.dataset.share)) * 100))}%`;
  }

  // ---------- spend ----------
  async function spend(root) {
    const report = await getJson('api/spend');
    root.replaceChildren();
    root.append(
      el('div', { class: 'summary' },
        el('div', { class: 'tile' }, el('div', { class: 'label' }, 'metered spend today'), el('div', { class: 'big', 'data-testid': 'spend-today' }, usd(report.spend_today_usd))),
        el('div', { class: 'tile' }, el('div', { class: 'label' }, 'budget per day'), el('div', { class: 'big', 'data-testid': 'budget' }, usd(report.budget_usd_per_day))),
        el('div', { class: 'tile' }, el('div', { class: 'label' }, `spend over ${report.days.length} days`), el('div', { class: 'big' }, usd(report.days.reduce((sum, day) => sum + day.usd, 0)))),
        el('div', { class: 'tile' }, el('div', { class: 'label' }, 'cost alarms blocking now'), el('div', { class: 'big', 'data-testid': 'alarms-active' }, String(report.alarms.filter((alarm) => !alarm.cleared_utc).length))),
      ),
      el('h2', {}, 'Metered spend per UTC day'),
      el('div', { class: 'card' }, el('div', { class: 'chart', 'data-testid': 'spend-chart' })),
      el('h2', {}, 'Cost alarms'),
      report.alarms.length === 0
        ? empty('no cost alarm has ever been raised: no "free" request reported a cost')
        : table(['provider', 'model', 'reason', 'raised', 'state'], report.alarms.map((alarm) => el('tr', {}, el('td', {}, alarm.provider), el('td', {}, alarm.model || 'all'), el('td', {}, alarm.reason), el('td', {}, when(alarm.created_utc)), el('td', {}, alarm.cleared_utc ? `cleared ${when(alarm.cleared_utc)}` : [pill('blocking', 'bad'), ` portai providers unblock ${alarm.provider}`]))), { 'data-testid': 'alarms' }),
      el('h2', {}, 'Per day'),
      table(['day (UTC)', '#spend', 'by provider'], report.days.slice().reverse().map((day) => el('tr', { 'data-day': day.day }, el('td', {}, day.day), el('td', { class: 'num' }, usd(day.usd)), el('td', {}, Object.entries(day.by_provider).map(([name, value]) => `${name} ${usd(value)}`).join(', ') || '—')))),
    );
    const t = report.days.map((day) => Date.parse(`${day.day}T12:00:00Z`) / 1000);
    const bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.6, 60] }) : undefined;
    chart(root.querySelector('.chart'), {
      height: 200,
      // half a day of room on each side, so the first and the last bar are whole
      scales: { x: { time: true, range: (_u, min, max) => [min - 43200, max + 43200] }, y: { range: (_u, _min, max) => [0, Math.max(max, report.budget_usd_per_day, 0.01) * 1.15] } },
      series: [{}, { label: 'spend', stroke: '#2563eb', fill: 'rgba(37,99,235,0.5)', paths: bars, points: { show: false } }, { label: 'budget', stroke: '#b91c1c', dash: [6, 4], width: 1, points: { show: false } }],
      axes: [{ stroke: '#646b73', grid: { stroke: '#eceef1' } }, { stroke: '#646b73', grid: { stroke: '#eceef1' }, values: (_u, ticks) => ticks.map((tick) => `$${tick}`) }],
    }, [t, report.days.map((day) => day.usd), report.days.map(() => report.budget_usd_per_day)]);
  }

  // ---------- models ----------
  async function models(root) {
    const report = await getJson('api/models');
    root.replaceChildren();
    root.append(el('h2', {}, `Models since ${when(report.since_utc)}`));
    if (report.models.length === 0) return root.append(empty('no models configured and no attempts yet'));
    const rows = report.models.map((model) => {
      const catalog = model.catalog;
      const catalogCell = !catalog ? el('span', { class: 'muted' }, 'not synced') : [catalog.gone ? pill('gone', 'bad') : null, catalog.priced ? pill('re-priced', 'bad') : null, catalog.expires ? pill(`expires ${catalog.expires.slice(0, 10)}`, 'warn') : null, !catalog.gone && !catalog.priced && !catalog.expires ? pill('listed', 'ok') : null];
      const refusals = Object.entries(model.refusals);
      return el('tr', { 'data-model': `${model.provider}/${model.model}` },
        el('td', {}, el('strong', {}, model.model), el('div', { class: 'muted' }, model.provider)),
        el('td', { class: 'num', 'data-testid': 'attempts' }, String(model.attempts)),
        el('td', { class: 'num', 'data-testid': 'success' }, percent(model.success_rate)),
        el('td', { class: 'num' }, ms(model.p50_ms)),
        el('td', { class: 'num' }, ms(model.p95_ms)),
        el('td', { class: 'num' }, usd(model.cost_usd)),
        el('td', { class: 'num' }, usd(model.list_usd)),
        el('td', {}, refusals.length ? refusals.map(([guard, n]) => pill(`${guard} ×${n}`, 'warn')) : el('span', { class: 'muted' }, 'none')),
        el('td', {}, model.last_error ? [el('div', {}, `${model.last_error.kind || 'error'}${model.last_error.http_status ? ` (HTTP ${model.last_error.http_status})` : ''}`), el('div', { class: 'muted' }, `${(model.last_error.message || '').slice(0, 140)} · ${when(model.last_error.at_utc)}`)] : el('span', { class: 'muted' }, 'none')),
        el('td', {}, catalogCell),
        el('td', {}, model.evals.length ? model.evals.map((entry) => pill(`${entry.skill} ${percent(entry.pass_rate)} (${entry.passed}/${entry.passed + entry.failed})`, entry.pass_rate >= 0.8 ? 'ok' : 'warn')) : el('span', { class: 'muted' }, 'no evals')),
      );
    });
    root.append(table(['model', '#attempts', '#success', '#p50', '#p95', '#cost', '#at list price', 'refused by guard', 'last error', 'catalog', 'eval pass rate'], rows, { 'data-testid': 'models' }));
  }

  // ---------- runs ----------
  const runFilters = { skill: '', status: '', limit: '50' };
  async function runs(root) {
    const query = new URLSearchParams({ limit: runFilters.limit });
    if (runFilters.skill) query.set('skill', runFilters.skill);
    if (runFilters.status) query.set('status', runFilters.status);
    const list = await getJson(`api/runs?${query}`);
    let filters = root.querySelector('.filters');
    if (!filters) {
      const statusSelect = el('select', { name: 'status', onchange: (event) => { runFilters.status = event.target.value; refresh(); } }, ['', 'ok', 'failed', 'blocked', 'queued', 'running', 'interrupted'].map((value) => el('option', { value }, value || 'any status')));
      filters = el('div', { class: 'filters' },
        el('input', { name: 'skill', placeholder: 'skill name', value: runFilters.skill, onchange: (event) => { runFilters.skill = event.target.value.trim(); refresh(); } }),
        statusSelect,
        el('select', { name: 'limit', onchange: (event) => { runFilters.limit = event.target.value; refresh(); } }, ['20', '50', '200', '1000'].map((value) => el('option', { value, selected: value === runFilters.limit }, `newest ${value}`))),
      );
      statusSelect.value = runFilters.status;
      fill(root, el('h2', {}, 'Runs'), filters, el('div', { class: 'results' }));
    }
    const results = root.querySelector('.results');
    results.replaceChildren(list.length === 0 ? empty('no runs match') : table(['run', 'skill', 'status', 'started', 'finished'], list.map((run) => el('tr', { 'data-run': run.id }, el('td', {}, el('a', { href: `#runs/${encodeURIComponent(run.id)}` }, run.id)), el('td', {}, run.skill), el('td', {}, pill(run.status)), el('td', {}, when(run.started_utc)), el('td', {}, run.finished_utc ? when(run.finished_utc) : '—'))), { 'data-testid': 'runs' }));
  }

  async function runDetail(root, id) {
    const run = await getJson(`api/runs/${encodeURIComponent(id)}`);
    const cost = run.attempts.reduce((sum, attempt) => sum + (attempt.cost_usd || 0), 0);
    const tokensIn = run.attempts.reduce((sum, attempt) => sum + (attempt.input_tokens || 0), 0);
    const tokensOut = run.attempts.reduce((sum, attempt) => sum + (attempt.output_tokens || 0), 0);
    fill(
      root,
      el('p', {}, el('a', { href: '#runs' }, '← all runs')),
      el('h2', {}, `Run ${run.id}`),
      el('div', { class: 'summary' },
        el('div', { class: 'tile' }, el('div', { class: 'label' }, 'skill'), el('div', { class: 'big' }, run.skill)),
        el('div', { class: 'tile' }, el('div', { class: 'label' }, 'status'), el('div', { class: 'big', 'data-testid': 'run-status' }, run.status)),
        el('div', { class: 'tile' }, el('div', { class: 'label' }, 'attempts · tokens in+out'), el('div', { class: 'big' }, `${run.attempts.length} · ${tokensIn}+${tokensOut}`)),
        el('div', { class: 'tile' }, el('div', { class: 'label' }, 'cost'), el('div', { class: 'big', 'data-testid': 'run-cost' }, usd(cost))),
      ),
      el('p', { class: 'muted' }, `started ${when(run.started_utc)}${run.finished_utc ? ` · finished ${when(run.finished_utc)}` : ''} · skill file ${run.skill_file} · inputs ${JSON.stringify(run.inputs)}`),
      run.error ? el('pre', { 'data-testid': 'run-error' }, run.error) : null,
    );
    for (const { step_id, plan } of run.plans) {
      const attempts = run.attempts.filter((attempt) => attempt.step_id === step_id);
      const outcome = (candidate) => {
        const mine = attempts.filter((attempt) => attempt.provider === candidate.provider && attempt.model === candidate.model);
        if (mine.some((attempt) => attempt.status === 'ok')) return pill('chosen: served the step', 'ok');
        if (mine.length > 0) return pill(`tried: ${mine.map((attempt) => attempt.error_kind || attempt.status).join(', ')}`, 'error');
        return el('span', { class: 'muted' }, 'not needed');
      };
      const step = el('div', { class: 'step', 'data-step': step_id },
        el('h3', {}, `step ${step_id}`),
        el('div', { class: 'muted' }, `rule: ${plan.rule_text} · prompt ~${plan.prompt_tokens_estimate} tokens · order ${plan.order || 'fixed'}`),
        el('h3', {}, 'candidates (in order)'),
        plan.candidates.length === 0 ? empty('none') : table(['#', 'model', 'billing', '#est. cost', '#worst', 'why in this place', 'outcome'], plan.candidates.map((candidate, index) => el('tr', {}, el('td', {}, String(index + 1)), el('td', {}, candidate.ref), el('td', {}, candidate.billing), el('td', { class: 'num' }, candidate.expected_usd === null ? '—' : usd(candidate.expected_usd)), el('td', { class: 'num' }, candidate.worst_usd === null ? '—' : usd(candidate.worst_usd)), el('td', {}, candidate.evidence || (plan.order === 'ranked' ? 'ranked by recent health and evidence' : 'the route lists it here')), el('td', {}, outcome(candidate))))),
        plan.rejected.length ? [el('h3', {}, 'refused'), table(['model', 'guard', 'why', 'what would unblock it'], plan.rejected.map((rejection) => el('tr', {}, el('td', {}, rejection.ref), el('td', {}, pill(rejection.guard, 'warn')), el('td', {}, rejection.reason), el('td', {}, rejection.unblock || (rejection.until_ms ? `ends ${when(new Date(rejection.until_ms).toISOString())}` : '—')))))] : null,
        el('h3', {}, 'attempts'),
        attempts.length === 0 ? empty('nothing was sent for this step') : table(['model', 'status', '#tokens in', '#tokens out', '#cost', '#time', 'error'], attempts.map((attempt) => el('tr', {}, el('td', {}, `${attempt.provider}/${attempt.model}`), el('td', {}, pill(attempt.status)), el('td', { class: 'num' }, attempt.input_tokens ?? '—'), el('td', { class: 'num' }, attempt.output_tokens ?? '—'), el('td', { class: 'num' }, attempt.cost_usd === null ? 'not reported' : usd(attempt.cost_usd)), el('td', { class: 'num' }, ms(attempt.duration_ms)), el('td', {}, attempt.error_kind ? `${attempt.error_kind}${attempt.http_status ? ` (HTTP ${attempt.http_status})` : ''}: ${attempt.error_message || ''}` : '')))),
      );
      root.append(step);
    }
    if (run.output !== null && run.output !== undefined) root.append(el('h3', {}, 'output'), el('pre', { 'data-testid': 'run-output' }, typeof run.output === 'string' ? run.output : JSON.stringify(run.output, null, 2)));
  }

  // ---------- queue ----------
  let queueAll = false;
  async function queue(root) {
    const jobs = await getJson(`api/queue${queueAll ? '?all=1' : ''}`);
    fill(
      root,
      el('h2', {}, 'Queue'),
      el('div', { class: 'filters' }, el('label', {}, el('input', { type: 'checkbox', checked: queueAll, onchange: (event) => { queueAll = event.target.checked; refresh(); } }), ' show finished jobs')),
      jobs.length === 0 ? empty(queueAll ? 'the queue is empty' : 'nothing waiting') : table(['job', 'run', 'skill', 'state', 'not before', 'why', '#attempts'], jobs.map((job) => el('tr', { 'data-job': job.id }, el('td', {}, job.id), el('td', {}, el('a', { href: `#runs/${encodeURIComponent(job.run_id)}` }, job.run_id)), el('td', {}, job.skill), el('td', {}, pill(job.state)), el('td', {}, job.not_before ? when(job.not_before) : '—'), el('td', {}, job.reason || '—'), el('td', { class: 'num' }, String(job.attempts)))), { 'data-testid': 'queue' }),
    );
  }

  // ---------- routing and live refresh ----------
  const pages = { quota, spend, models, runs, queue };
  function route() {
    const hash = decodeURIComponent(location.hash.replace(/^#/, '')) || 'quota';
    const [name, ...rest] = hash.split('/');
    return { name: pages[name] ? name : 'quota', id: rest.join('/') || null };
  }
  let running = null;
  let again = false;
  async function refresh() {
    if (running) {
      again = true;
      return running;
    }
    const { name, id } = route();
    if (!current || current.key !== `${name}/${id}`) {
      current = { key: `${name}/${id}`, root: el('div', {}) };
      main.replaceChildren(current.root);
    }
    for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.page === name);
    document.body.dataset.page = name;
    running = (async () => {
      try {
        for (const plot of charts) plot.destroy();
        charts = [];
        if (name === 'runs' && id) await runDetail(current.root, id);
        else await pages[name](current.root);
        loads++;
        document.body.dataset.loaded = String(loads);
        status.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
      } catch (error) {
        status.textContent = `could not load: ${error.message}`;
        fill(current.root, empty(`could not load this page: ${error.message}`));
      }
    })();
    await running;
    running = null;
    if (again) {
      again = false;
      await refresh();
    }
  }
  window.addEventListener('hashchange', () => refresh());
  let resizeTimer;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => refresh(), 200);
  });
  // the server says when anything commits to the ledger; windows also slide with time, so read again every 15 s
  // a busy ledger (serve answering agents) changes every second: read again at most every 3 s
  let lastChange = 0;
  let changeTimer = null;
  const onChange = () => {
    if (changeTimer) return;
    changeTimer = setTimeout(() => {
      changeTimer = null;
      lastChange = Date.now();
      refresh();
    }, Math.max(0, lastChange + 3000 - Date.now()));
  };
  if (window.EventSource) new EventSource('api/events').addEventListener('change', onChange);
  setInterval(() => refresh(), 15000);
  refresh();
})();
