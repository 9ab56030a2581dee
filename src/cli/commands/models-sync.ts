// portai models sync [provider] [--json] — refresh the model catalogs; report removed / re-priced / expiring / new free
import { loadConfigFor, openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import { formatSyncReports, syncCatalog } from '../../catalog/index.js';
import { closeConnections } from '../../wire/index.js';

export default async function modelsSync(globals: GlobalOptions, provider: string | undefined, options: { json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const ledger = await openLedgerFor();
  try {
    const reports = await syncCatalog({ config, ledger, env: process.env, provider, now_ms: Date.now() });
    if (options.json) printJson(reports);
    else process.stdout.write(formatSyncReports(reports));
    // a catalog that could not be fetched leaves the router on stale facts: the user should know by the exit code
    return reports.every((report) => report.ok) ? 0 : 1;
  } finally {
    ledger.close();
    await closeConnections();
  }
}
