// Ledger scale: the quota check plus reservation that every request passes, on an empty ledger and with 1,000,
// 10,000 and 100,000 attempts already recorded (a tenth of them today, the rest over the 29 days before, five
// providers). Median of 1,000 calls each, measured one second before UTC midnight, when the day is fullest.
import path from 'node:path';
import { median } from './stats.mjs';

export async function ledgerScale({ openLedger, reserveAttempt, config, env, work, dist }) {
  const { rebuildUsageCounters } = await import(dist('ledger/usage-counters.js'));
  const candidate = { ref: 'local/bench-model', provider: 'local', model: 'bench-model', billing: 'free', worst_usd: 0, expected_usd: 0 };
  const traits = { skill: 'one', step: 'a', effort: 'low', privacy: 'public', tags: [], prompt_chars: 80 };
  const dayStart = new Date(new Date().toISOString().slice(0, 10)).getTime();
  const now = dayStart + 86_400_000 - 1_000;
  const measure = (scaleLedger) => {
    const times = [];
    for (let index = 0; index < 1000; index++) {
      const start = process.hrtime.bigint();
      const reservation = reserveAttempt({ config, ledger: scaleLedger, candidate, traits, env, run_id: null, client: null, now_ms: now });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (!('attempt_id' in reservation)) throw new Error(`refused: ${JSON.stringify(reservation)}`);
    }
    return median(times);
  };
  // written straight into the table (the fastest way to a big ledger), then the counters summed as migration 011 does
  const fill = (scaleLedger, count) => {
    const insert = scaleLedger.db.sqlite.prepare(
      `INSERT INTO attempts (id, provider, model, billing, status, weight, reserved_usd, list_usd_reserved, cost_usd, started_utc, started_ms)
       VALUES (?, ?, 'bench-model', ?, 'ok', 1, 0, 0, 0, ?, ?)`,
    );
    scaleLedger.db.sqlite.transaction(() => {
      for (let index = 0; index < count; index++) {
        const today = index % 10 === 0;
        const at = today ? now - 1 - Math.floor((index / count) * (now - dayStart)) : dayStart - 1 - Math.floor((index / count) * 29 * 86_400_000);
        insert.run(`bench${String(index).padStart(9, '0')}`, ['local', 'a', 'b', 'c', 'd'][index % 5], index % 3 === 0 ? 'metered' : 'free', new Date(at).toISOString(), at);
      }
      rebuildUsageCounters(scaleLedger.db.sqlite);
    })();
    return scaleLedger.db.sqlite.prepare('SELECT COUNT(*) AS rows FROM attempts WHERE started_ms >= ?').get(dayStart).rows;
  };
  const sizes = [0, 1_000, 10_000, 100_000];
  const ledgers = sizes.map((size) => openLedger(path.join(work, `scale-${size}`)));
  const today = sizes.map((size, index) => fill(ledgers[index], size));
  ledgers.forEach(measure); // warm-up: statements prepared, pages cached
  // alternate sizes, three passes, so drift hits every size alike
  const times = sizes.map(() => []);
  for (let pass = 0; pass < 3; pass++) ledgers.forEach((scaleLedger, index) => times[index].push(measure(scaleLedger)));
  for (const scaleLedger of ledgers) scaleLedger.close();
  return sizes.map((size, index) => ({ attempts: size, today: today[index], median_ms: median(times[index]) }));
}
