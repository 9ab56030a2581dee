// portai models list [--free] [--provider <name>] [--json] — the stored catalogs
import { loadConfigFor, openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import { formatModelList, listModels } from '../../catalog/index.js';
import { BadInputError } from '../../errors.js';

export default async function modelsList(globals: GlobalOptions, options: { free?: boolean; provider?: string; json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  if (options.provider !== undefined && !config.providers[options.provider]) {
    throw new BadInputError(`no provider named '${options.provider}' in the config`, { hint: `use one of: ${Object.keys(config.providers).join(', ') || '(none configured)'}` });
  }
  const ledger = await openLedgerFor();
  try {
    const { modelEvalCounts } = await import('../../evals/index.js');
    const counts = modelEvalCounts(config, ledger, Date.now());
    const rows = listModels(ledger, { config, free: options.free, provider: options.provider }).map((row) => {
      const count = counts.get(`${row.provider}/${row.id}`);
      return count ? { ...row, evals: count } : row;
    });
    if (options.json) printJson(rows);
    else process.stdout.write(formatModelList(rows));
    return 0;
  } finally {
    ledger.close();
  }
}
