// Dashboard reads: what one refresh of each page costs with 10,000 and with 100,000 attempts recorded (spread over
// 30 days and five providers), against the baseline of `portai usage --json`'s own report on the same ledger.
// The attempts are written as rows and the usage counters summed from them, as the ledger keeps them. Median of 20 calls each. Run alone with `node bench/dashboard.mjs` (after `npm run build`), or from bench/run.mjs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `distDir`: another build's dist (an earlier commit's, to compare in the same run); this checkout's by default. */
export async function dashboardBench(work, distDir = path.join(root, 'dist')) {
  const dist = (file) => path.join(distDir, file);
  const { openLedger } = await import(dist('ledger/index.js'));
  const { loadConfig } = await import(dist('config/index.js'));
  const { usageJson } = await import(dist('report/usage-json.js'));
  const { quotaReport } = await import(dist('report/quota-report.js'));
  const { spendReport } = await import(dist('report/spend-report.js'));
  const { modelReport } = await import(dist('report/model-report.js'));
  const { rebuildUsageCounters } = await import(dist('ledger/usage-counters.js'));
  const providers = ['local', 'a', 'b', 'c', 'd'];
  const yaml = `skills: ./skills\nproviders:\n${providers
    .map((name) => `  ${name}:\n    preset: openai-compatible\n    base_url: http://127.0.0.1:9/v1\n    billing: free\n    limits: { requests_per_minute: 20, requests_per_day: 1000, windows: [ { hours: 5, requests: 600 }, { hours: 168, requests: 5000 } ] }\n    models: [ { id: bench-model } ]\n`)
    .join('')}routes:\n  - use: [local/*]\n`;
  fs.mkdirSync(path.join(work, 'dashboard-bench'), { recursive: true });
  fs.writeFileSync(path.join(work, 'dashboard-bench', 'portai.yaml'), yaml);
  const config = loadConfig({ env: { HOME: work }, cwd: path.join(work, 'dashboard-bench') });
  const now = Date.now();
  const fill = (ledger, count) => {
    const insert = ledger.db.sqlite.prepare(
      `INSERT INTO attempts (id, provider, model, billing, status, weight, reserved_usd, list_usd_reserved, cost_usd, duration_ms, started_utc, started_ms)
       VALUES (?, ?, 'bench-model', 'free', ?, 1, 0, 0, 0, 400, ?, ?)`,
    );
    ledger.db.sqlite.transaction(() => {
      for (let index = 0; index < count; index++) {
        const at = now - 1 - Math.floor((index / count) * 30 * 86_400_000);
        insert.run(`dash${String(index).padStart(9, '0')}`, providers[index % 5], index % 7 === 0 ? 'error' : 'ok', new Date(at).toISOString(), at);
      }
      // raw rows bypass the running counters every attempt write keeps (usage-counters.ts): sum them as the ledger would
      rebuildUsageCounters(ledger.db.sqlite);
    })();
  };
  const time = (work) => {
    const times = [];
    for (let index = 0; index < 20; index++) {
      const start = process.hrtime.bigint();
      work();
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return median(times);
  };
  const figures = {};
  for (const count of [10_000, 100_000]) {
    const ledger = openLedger(path.join(work, `dashboard-${count}`));
    fill(ledger, count);
    // the baseline must count the fill (it once read empty counters)
    const requestsToday = usageJson(config, ledger, {}, now).providers.reduce((sum, provider) => sum + provider.requests_today, 0);
    if (!(requestsToday > 0)) throw new Error(`dashboard bench: the usage report counts no request today (${requestsToday}); the counters were not filled`);
    figures[count] = {
      usage: time(() => usageJson(config, ledger, {}, now)),
      quota: time(() => quotaReport(config, ledger, {}, now)),
      spend: time(() => spendReport(config, ledger, {}, now)),
      models: time(() => modelReport(config, ledger, now)),
    };
    ledger.close();
  }
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-bench-dashboard-'));
  try {
    const figures = await dashboardBench(work);
    for (const [count, entry] of Object.entries(figures)) {
      const line = Object.entries(entry).map(([name, ms]) => `${name} ${ms.toFixed(2)} ms${name === 'usage' ? '' : ` (${(ms / entry.usage).toFixed(1)}× usage)`}`).join(' · ');
      process.stdout.write(`${count} attempts: ${line}\n`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
