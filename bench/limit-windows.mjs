// The quota check plus reservation with richer limits: `node bench/limit-windows.mjs` after `npm run build`.
// Same ledger (100,000 attempts over 31 days and five providers), same moment, three provider entries:
//   baseline  one rolling 5-hour request window (the shape every preset had before)
//   credits   Z.AI's credit plan: 5-hour and weekly credit windows, peak-hour rates (a time-zone lookup per check)
//   three     OpenCode Go as main shipped it: 5 h / week / 30-day USD windows
//   capped    OpenCode Go now: 5 h / week / 31-day USD windows plus two per-model monthly caps
// Prints the median of 100 reservations each (RESERVATIONS=…, ATTEMPTS=… to change) and the ratios to the baseline. Not part of `npm test`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => path.join(root, 'dist', file);
const { loadConfig } = await import(dist('config/index.js'));
const { openLedger } = await import(dist('ledger/index.js'));
const { reserveAttempt } = await import(dist('runner/reserve-attempt.js'));
const { rebuildUsageCounters } = await import(dist('ledger/usage-counters.js'));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-bench-limits-'));
const big = 100000000;
const entries = {
  baseline: `limits: { windows: [ { hours: 5, requests: ${big} } ] }
    models: [ { id: m, max_output: 1000, price: { input: 1, output: 1 } } ]`,
  credits: `limits:
      peak_hours: { timezone: Asia/Shanghai, from: "14:00", to: "18:00" }
      windows: [ { hours: 5, credits: ${big} }, { hours: 168, credits: ${big} } ]
    models: [ { id: m, max_output: 1000, credits: { input: 1, output: 1, off_peak: 0.5 } } ]`,
  three: `limits:
      windows: [ { hours: 5, usd: ${big} }, { hours: 168, usd: ${big} }, { hours: 720, usd: ${big} } ]
    models: [ { id: m, max_output: 1000, price: { input: 1, output: 1 } } ]`,
  capped: `limits:
      windows: [ { hours: 5, usd: ${big} }, { hours: 168, usd: ${big} }, { hours: 744, usd: ${big} }, { hours: 744, usd: ${big}, models: [m] }, { hours: 744, usd: ${big}, models: [other] } ]
    models: [ { id: m, max_output: 1000, price: { input: 1, output: 1 } }, { id: other, price: { input: 1, output: 1 } } ]`,
};
const env = { HOME: work, BENCH_KEY: 'sk-bench' };
// one provider entry per config: every check counts every configured provider, so each is measured alone
const configs = Object.fromEntries(
  Object.entries(entries).map(([name, limits]) => {
    const file = path.join(work, `${name}.yaml`);
    fs.writeFileSync(file, `providers:\n  ${name}:\n    preset: openai-compatible\n    base_url: http://127.0.0.1:9/v1\n    api_key_env: BENCH_KEY\n    billing: subscription\n    ${limits}\nroutes:\n  - use: [${name}/m]\n`);
    return [name, loadConfig({ flag: file, env, cwd: work })];
  }),
);
const ledger = openLedger(path.join(work, 'state'));
const now = Date.now();
const ATTEMPTS = Number(process.env.ATTEMPTS ?? 100_000);

const insert = ledger.db.sqlite.prepare(
  `INSERT INTO attempts (id, provider, model, billing, status, weight, reserved_usd, list_usd_reserved, list_usd, cost_usd, credits, started_utc, started_ms)
   VALUES (?, ?, 'm', 'subscription', 'ok', 1, 0, 0, 0.001, 0, 1, ?, ?)`,
);
ledger.db.sqlite.transaction(() => {
  for (let index = 0; index < ATTEMPTS; index++) {
    const at = now - 1 - Math.floor((index / ATTEMPTS) * 31 * 86_400_000);
    insert.run(`bench${String(index).padStart(9, '0')}`, ['baseline', 'credits', 'capped', 'three', 'd'][index % 5], new Date(at).toISOString(), at);
  }
  // written straight into the table, so the usage counters are summed from it as migration 013 does
  rebuildUsageCounters(ledger.db.sqlite);
})();
const RESERVATIONS = Number(process.env.RESERVATIONS ?? 100);
const traits = { skill: 'one', step: 'a', effort: 'low', privacy: 'public', tags: [], prompt_chars: 80 };
const measure = (name) => {
  const candidate = { ref: `${name}/m`, provider: name, model: 'm', billing: 'subscription', worst_usd: 0, expected_usd: 0 };
  const times = [];
  for (let index = 0; index < RESERVATIONS; index++) {
    const start = process.hrtime.bigint();
    const reservation = reserveAttempt({ config: configs[name], ledger, candidate, traits, env, run_id: null, client: null, now_ms: now });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!('attempt_id' in reservation)) throw new Error(`refused: ${JSON.stringify(reservation)}`);
  }
  return median(times);
};

measure('baseline'); // warm-up
const baseline = measure('baseline');
const credits = measure('credits');
const three = measure('three');
const capped = measure('capped');
ledger.close();
fs.rmSync(work, { recursive: true, force: true });
const line = (name, ms) => `${name.padEnd(9)} ${ms.toFixed(3)} ms  ×${(ms / baseline).toFixed(2)}`;
process.stdout.write(`${line('baseline', baseline)}\n${line('credits', credits)}\n${line('three', three)}\n${line('capped', capped)}\n`);
