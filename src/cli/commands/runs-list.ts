// portai runs list [--limit N] [--json]
import { BadInputError } from '../../errors.js';
import { openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import { runList } from '../../report/run-list.js';

export default async function runsList(_globals: GlobalOptions, options: { limit: string; json?: boolean }): Promise<number> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new BadInputError(`--limit ${options.limit}: expected a whole number of 1 or more`, { hint: 'e.g. --limit 50' });
  const ledger = await openLedgerFor();
  try {
    const runs = runList(ledger, { limit });
    if (options.json) printJson(runs);
    else if (runs.length === 0) process.stdout.write('no runs yet\n');
    else for (const run of runs) process.stdout.write(`${run.id}  ${run.status.padEnd(11)}  ${run.started_utc}  ${run.skill}\n`);
    return 0;
  } finally {
    ledger.close();
  }
}
