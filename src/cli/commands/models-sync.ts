// portai models sync [provider] [--json] — refresh the model catalogs; report removed / re-priced / expiring / new free,
// and queue a trial eval (on spare quota) for each new free model a route pattern admits, per skill it would serve
import { loadConfigFor, openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import { formatSyncReports, syncCatalog } from '../../catalog/index.js';
import { closeConnections } from '../../wire/index.js';

export default async function modelsSync(globals: GlobalOptions, provider: string | undefined, options: { json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const ledger = await openLedgerFor();
  try {
    const now = ledger.now();
    const reports = await syncCatalog({ config, ledger, env: process.env, provider, now_ms: now });
    const { queueTrials } = await import('../../queue/trials.js');
    const trials = queueTrials(config, ledger, reports, now);
    const withTrials = reports.map((report) => ({ ...report, trials: trials.filter((trial) => trial.model.startsWith(`${report.provider}/`)) }));
    if (options.json) printJson(withTrials);
    else {
      process.stdout.write(formatSyncReports(reports));
      // a first sync has no "new" models: every free one a pattern admits is on trial, and the user decides what to try
      const { admittedRows } = await import('../../catalog/admit.js');
      for (const report of reports.filter((entry) => entry.ok && entry.previous_sync_utc === null)) {
        const provider = config.providers[report.provider];
        const admitted = provider ? admittedRows(config, provider, ledger.catalogOf(provider.name)).length : 0;
        if (admitted > 0) process.stdout.write(`  on trial  ${admitted} free model${admitted === 1 ? '' : 's'} a route pattern admits (first sync: no trial queued; try them with \`portai eval <skill> --defer\`)\n`);
      }
      for (const trial of trials) {
        const what = trial.why === 'new' ? 'new free model' : 'changed catalog entry';
        process.stdout.write(trial.job_id ? `  trial     ${trial.model} on ${trial.skill} (${what}) — eval queued as job ${trial.job_id}; \`portai worker\` runs it on spare quota\n` : `  trial     ${trial.model} on ${trial.skill} — an eval is already queued\n`);
      }
    }
    // a catalog that could not be fetched leaves the router on stale facts: the user should know by the exit code
    return reports.every((report) => report.ok) ? 0 : 1;
  } finally {
    ledger.close();
    await closeConnections();
  }
}
