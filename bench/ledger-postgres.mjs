// The quota check + reservation (reserveAttempt: the guards on a fresh snapshot and the attempt row, in one
// transaction) on PostgreSQL beside SQLite, same config, same 1,000 attempts recorded, median of 500 calls each.
// PostgreSQL runs on a throwaway local cluster (test/helpers/pg-cluster.mjs), so the figure is the floor: on a
// LAN add a few round trips (BEGIN + lock, the usage query, the insert, COMMIT) of network latency.
// Standalone: `npm run build && node bench/ledger-postgres.mjs`; bench/run.mjs calls benchLedgerPostgres.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, formatMs } from './stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => path.join(root, 'dist', file);
const CALLS = 500;

export async function benchLedgerPostgres({ report, say = () => {}, work = fs.mkdtempSync(path.join(os.tmpdir(), 'portai-bench-pg-')) } = {}) {
  const { startCluster } = await import('../test/helpers/pg-cluster.mjs');
  const { Ledger } = await import(dist('ledger/index.js'));
  const { PostgresDb } = await import(dist('ledger/postgres/postgres-db.js'));
  const { loadConfig } = await import(dist('config/index.js'));
  const { reserveAttempt } = await import(dist('runner/reserve-attempt.js'));
  fs.mkdirSync(work, { recursive: true });
  fs.writeFileSync(
    path.join(work, 'portai-pg.yaml'),
    'providers:\n  local:\n    preset: openai-compatible\n    base_url: http://127.0.0.1:9/v1\n    api_key_env: BENCH_KEY\n    billing: free\n    limits: { requests_per_minute: 100000000, requests_per_day: 100000000, windows: [ { hours: 5, requests: 100000000 } ] }\n    models: [{ id: bench-model, context: 32000 }]\nroutes:\n  - use: [local/*]\n',
  );
  const env = { BENCH_KEY: 'sk-bench-not-a-real-key' };
  const config = loadConfig({ flag: path.join(work, 'portai-pg.yaml'), env, cwd: work });
  const candidate = { ref: 'local/bench-model', provider: 'local', model: 'bench-model', billing: 'free', worst_usd: 0, expected_usd: 0 };
  const traits = { skill: 'one', step: 'a', effort: 'low', privacy: 'public', tags: [], prompt_chars: 80 };
  const now = Date.now();
  const measure = (ledger) => {
    const fill = ledger.db.statement(`INSERT INTO attempts (id, provider, model, billing, status, weight, reserved_usd, list_usd_reserved, cost_usd, started_utc, started_ms) VALUES (?, 'local', 'bench-model', 'free', 'ok', 1, 0, 0, 0, ?, ?)`);
    ledger.db.immediate(() => {
      for (let index = 0; index < 1000; index++) fill.run(`bench${String(index).padStart(6, '0')}`, new Date(now - index * 60_000).toISOString(), now - index * 60_000);
    });
    const forget = ledger.db.statement('DELETE FROM attempts WHERE id = ?');
    const times = [];
    for (let index = 0; index < CALLS + 50; index++) {
      const start = process.hrtime.bigint();
      const reservation = reserveAttempt({ config, ledger, candidate, traits, env, run_id: null, client: null, now_ms: now });
      if (index >= 50) times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (!('attempt_id' in reservation)) throw new Error(`refused: ${JSON.stringify(reservation)}`);
      forget.run(reservation.attempt_id);
    }
    return median(times);
  };
  say('ledger on PostgreSQL: quota check + reservation beside SQLite (local throwaway cluster)');
  const cluster = await startCluster();
  try {
    const sqlite = new Ledger(path.join(work, 'pg-bench-sqlite', 'ledger.db'));
    const sqliteMedian = measure(sqlite);
    sqlite.close();
    const postgres = new Ledger(new PostgresDb(await cluster.createDatabase('bench')));
    const postgresMedian = measure(postgres);
    postgres.close();
    const ratio = postgresMedian / sqliteMedian;
    report?.('ledger check + reserve on PostgreSQL', formatMs(postgresMedian), '< 5 ms', postgresMedian < 5, `SQLite ${formatMs(sqliteMedian)} (ratio ${ratio.toFixed(1)}×), 1k attempts recorded, local server`);
    return { sqliteMedian, postgresMedian, ratio };
  } finally {
    cluster.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await benchLedgerPostgres({ say: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`quota check + reservation, median of ${CALLS}: SQLite ${formatMs(result.sqliteMedian)}, PostgreSQL ${formatMs(result.postgresMedian)} (${result.ratio.toFixed(1)}× SQLite)\n`);
}
