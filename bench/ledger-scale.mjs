// Ledger scale: the quota check plus reservation that every request passes, with 1,000 and with 100,000 attempts
// already recorded (spread over 30 days and five providers). Median of 1,000 calls each.
import path from 'node:path';
import { median } from './stats.mjs';

export function ledgerScale({ openLedger, reserveAttempt, config, env, work }) {
  const candidate = { ref: 'local/bench-model', provider: 'local', model: 'bench-model', billing: 'free', worst_usd: 0, expected_usd: 0 };
  const traits = { skill: 'one', step: 'a', effort: 'low', privacy: 'public', tags: [], prompt_chars: 80 };
  // The check sums today's attempts (UTC), so the same ledger is slower late in the day than just after midnight:
  // measure at the worst moment, one second before UTC midnight, whatever the clock says when the bench runs.
  const dayStart = new Date(new Date().toISOString().slice(0, 10)).getTime();
  const now = dayStart + 86_400_000 - 1_000;
  const measure = (scaleLedger) => {
    const times = [];
    const forget = scaleLedger.db.sqlite.prepare('DELETE FROM attempts WHERE id = ?');
    for (let index = 0; index < 1000; index++) {
      const start = process.hrtime.bigint();
      const reservation = reserveAttempt({ config, ledger: scaleLedger, candidate, traits, env, run_id: null, client: null, now_ms: now });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (!('attempt_id' in reservation)) throw new Error(`refused: ${JSON.stringify(reservation)}`);
      // untimed: keep the ledger at its size, so 1,000 measured reservations do not pile up in the current minute
      forget.run(reservation.attempt_id);
    }
    return median(times);
  };
  const fill = (scaleLedger, count) => {
    const insert = scaleLedger.db.sqlite.prepare(
      `INSERT INTO attempts (id, provider, model, billing, status, weight, reserved_usd, list_usd_reserved, cost_usd, started_utc, started_ms)
       VALUES (?, ?, 'bench-model', ?, 'ok', 1, 0, 0, 0, ?, ?)`,
    );
    scaleLedger.db.sqlite.transaction(() => {
      for (let index = 0; index < count; index++) {
        // evenly over the 30 days before `now` and five providers; the benchmarked provider gets a fifth
        const at = now - 1 - Math.floor((index / count) * 30 * 86_400_000);
        insert.run(`bench${String(index).padStart(9, '0')}`, ['local', 'a', 'b', 'c', 'd'][index % 5], index % 3 === 0 ? 'metered' : 'free', new Date(at).toISOString(), at);
      }
    })();
    const today = scaleLedger.db.sqlite.prepare('SELECT COUNT(*) AS rows FROM attempts WHERE started_ms >= ?').get(dayStart).rows;
    return today;
  };
  const small = openLedger(path.join(work, 'scale-small'));
  const large = openLedger(path.join(work, 'scale-large'));
  fill(small, 1_000);
  const largeToday = fill(large, 100_000);
  measure(small);
  const smallMedian = measure(small);
  const largeMedian = measure(large);
  small.close();
  large.close();
  return { smallMedian, largeMedian, largeToday };
}
