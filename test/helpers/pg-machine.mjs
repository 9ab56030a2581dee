// A child process of test/ledger-postgres-machines.test.ts: one portai process of one "machine" (its own
// PORTAI_HOME and host name) on the shared PostgreSQL ledger named by PORTAI_LEDGER_URL. It imports the built
// dist/ (npm test builds first), says "ready", waits for "go" on stdin where it races, and prints JSON at the end.
// Usage: node pg-machine.mjs <dist ledger index.js> <host> reserve <tries> <limit>
//        node pg-machine.mjs <dist ledger index.js> <host> claim
//        node pg-machine.mjs <dist ledger index.js> <host> hold <lease ms>        (claims one job, then hangs)
//        node pg-machine.mjs <dist ledger index.js> <host> takeover <lease ms>    (claims until it gets a job)
//        node pg-machine.mjs <dist ledger index.js> <host> persist <limit> <pause ms>  (keeps going through errors)
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const [modulePath, host, mode, first, second] = process.argv.slice(2);
const { openChosenLedger } = await import(pathToFileURL(modulePath).href);
const ledger = await openChosenLedger({ env: process.env });
const providers = [{ name: 'p', windows: [24] }];
const limitOf = (limit) => (snapshot) => (snapshot.providers.p.day >= limit ? 'daily limit reached' : null);
const owner = { id: `${host}:${process.pid}`, pid: process.pid, host };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const reserveOne = (limit) =>
  ledger.reserve({ run_id: null, step_id: `pid-${process.pid}`, provider: 'p', model: 'm', billing: 'free', weight: 1, reserved_usd: 0, now_ms: ledger.now() }, providers, limitOf(limit));

process.stdout.write('ready\n');
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();

const report = { pid: process.pid, host, won: [], rejected: 0, errors: [] };
if (mode === 'reserve') {
  for (let index = 0; index < Number(first); index++) {
    const outcome = reserveOne(Number(second));
    if ('attempt_id' in outcome) report.won.push(outcome.attempt_id);
    else report.rejected++;
  }
} else if (mode === 'claim') {
  for (let job = ledger.claimJob(owner, ledger.now(), 600_000); job; job = ledger.claimJob(owner, ledger.now(), 600_000)) {
    report.won.push(job.id);
    ledger.setJobState(job.id, 'done');
  }
} else if (mode === 'hold') {
  const job = ledger.claimJob(owner, ledger.now(), Number(first));
  process.stdout.write(`${JSON.stringify({ claimed: job?.id ?? null, lease_until_ms: job?.lease_until_ms ?? null })}\n`);
  // mid-job: the test kills this process with SIGKILL
  setInterval(() => {}, 60_000);
  await new Promise(() => {});
} else if (mode === 'takeover') {
  for (;;) {
    const now = ledger.now();
    const job = ledger.claimJob(owner, now, Number(first));
    if (job) {
      Object.assign(report, { job: job.id, attempts: job.attempts, claimed_at_ms: now });
      ledger.setJobState(job.id, 'done');
      break;
    }
    await sleep(100);
  }
} else if (mode === 'persist') {
  // keeps reserving until the window is full (refused three times running), through a database restart
  let refusedInARow = 0;
  while (refusedInARow < 3) {
    try {
      const outcome = reserveOne(Number(first));
      if ('attempt_id' in outcome) {
        report.won.push(outcome.attempt_id);
        refusedInARow = 0;
      } else {
        report.rejected++;
        refusedInARow++;
      }
    } catch (error) {
      report.errors.push(String(error.message).slice(0, 200));
    }
    await sleep(Number(second));
  }
}
ledger.close();
process.stdout.write(`${JSON.stringify(report)}\n`);
