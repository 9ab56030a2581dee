// A child process for test/ledger-concurrency.test.ts: opens the ledger in its own process, says "ready", waits
// for "go" on stdin (so all children start together), then races the others and prints what it won as JSON.
// Usage: node ledger-race.mjs <dist ledger index.js> <home> reserve <tries> <now_ms>
//        node ledger-race.mjs <dist ledger index.js> <home> claim <worker id> <now_ms>
import os from 'node:os';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const [modulePath, home, mode, argument, nowText] = process.argv.slice(2);
const { openLedger } = await import(pathToFileURL(modulePath).href);
const ledger = openLedger(home);
const now_ms = Number(nowText);
const providers = [{ name: 'p', windows: [24] }];
// the router's guard in miniature: five requests per UTC day
const admitFivePerDay = (snapshot) => (snapshot.providers.p.day >= 5 ? 'daily limit reached' : null);

process.stdout.write('ready\n');
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();

const won = [];
let rejected = 0;
if (mode === 'reserve') {
  for (let index = 0; index < Number(argument); index++) {
    const input = { run_id: null, step_id: `pid-${process.pid}`, provider: 'p', model: 'm', billing: 'free', weight: 1, reserved_usd: 0, now_ms };
    const outcome = ledger.reserve(input, providers, admitFivePerDay);
    if ('attempt_id' in outcome) won.push(outcome.attempt_id);
    else rejected++;
  }
} else {
  const owner = { id: argument, pid: process.pid, host: os.hostname() };
  for (let job = ledger.claimJob(owner, now_ms, 600_000); job; job = ledger.claimJob(owner, now_ms, 600_000)) {
    won.push(job.id);
    ledger.setJobState(job.id, 'done');
  }
}
ledger.close();
process.stdout.write(`${JSON.stringify({ pid: process.pid, won, rejected })}\n`);
