// A child process for test/usage-counters.test.ts: random reserve / send / answer / fail / release on a shared
// ledger file, with its own seed and a clock that crosses the UTC midnight.
// Usage: node usage-race.mjs <dist ledger index.js> <home> <seed> <start ms> <operations>
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const [modulePath, home, seedText, startText, operationsText] = process.argv.slice(2);
const { openLedger } = await import(pathToFileURL(modulePath).href);
const ledger = openLedger(home);
const providers = [{ name: 'p', windows: [1, 5], margin_ms: 1_000 }, { name: 'q', windows: [24, 168], margin_ms: 0 }];

let state = Number(seedText) >>> 0;
const next = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = (items) => items[Math.floor(next() * items.length)];
const money = () => (next() < 0.3 ? 0 : Math.round(next() * 1e6) / 1e7);

process.stdout.write('ready\n');
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();

let now = Number(startText);
const open = [];
const reservedAt = new Map();
for (let step = 0; step < Number(operationsText); step++) {
  now += Math.floor(next() * 40);
  const operation = next();
  if (operation < 0.45 || open.length === 0) {
    const run = next() < 0.3 ? `run-${process.pid}-${step}` : null;
    const holds = run && next() < 0.5 ? [{ step_id: 'b', options: [{ provider: 'p', weight: 1, admit: () => null }] }] : [];
    const result = ledger.reserve({ run_id: run, step_id: run ? 'a' : null, provider: pick(['p', 'q']), model: pick(['m1', 'm2']), billing: 'free', weight: pick([1, 3]), reserved_usd: money(), list_usd_reserved: money(), now_ms: now }, providers, () => null, holds);
    open.push(result.attempt_id);
    reservedAt.set(result.attempt_id, now);
  } else if (operation < 0.6) {
    // told the reservation time half the time: the one-statement path when sent in the same second
    const id = pick(open);
    ledger.markSent(id, now, next() < 0.5 ? reservedAt.get(id) : undefined);
  } else if (operation < 0.95) {
    const id = open.splice(Math.floor(next() * open.length), 1)[0];
    const outcome = next();
    if (outcome < 0.5) ledger.finishAttempt(id, { status: 'ok', cost_usd: money(), list_usd: money(), duration_ms: 5, now_ms: now });
    else if (outcome < 0.75) ledger.finishAttempt(id, { status: 'error', error_kind: 'network', duration_ms: 5, now_ms: now });
    else ledger.finishAttempt(id, { status: 'error', error_kind: 'network', cost_usd: 0, released: true, duration_ms: 5, now_ms: now });
  } else {
    ledger.releaseStaleReservations(now - 1_000);
  }
}
ledger.close();
process.stdout.write('done\n');
