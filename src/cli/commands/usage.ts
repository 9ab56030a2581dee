// portai usage [--json] — requests and spend per provider per window
import { loadConfigFor, openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import { usageJson } from '../../report/usage-json.js';

export default async function usage(globals: GlobalOptions, options: { json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const ledger = await openLedgerFor();
  try {
    const usage = usageJson(config, ledger, process.env, Date.now());
    if (options.json) {
      printJson(usage);
      return 0;
    }
    const { providers: report, spend_today_usd: total } = usage;
    process.stdout.write(`metered spend today: $${total.toFixed(4)} of $${config.budget.usd_per_day.toFixed(2)} budget\n`);
    for (const provider of report) {
      const windows = provider.limits.map((limit) => `${limit.window}: ${limit.unit === 'usd' ? `$${limit.used.toFixed(2)}/$${limit.limit}` : `${limit.used}/${limit.limit}`}`);
      process.stdout.write(`${provider.provider.padEnd(16)} ${provider.requests_today} requests today${windows.length ? ` · ${windows.join(' · ')}` : ''}\n`);
    }
    return 0;
  } finally {
    ledger.close();
  }
}
