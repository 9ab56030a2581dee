// portai usage [--json] — requests and spend per provider per window
import { loadConfigFor, openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import { usageReport } from '../../report/usage-report.js';

export default async function usage(globals: GlobalOptions, options: { json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const ledger = await openLedgerFor();
  try {
    const now = Date.now();
    const report = usageReport(config, ledger, process.env, now);
    const total = report.reduce((sum, provider) => sum + provider.spend_today_usd, 0);
    if (options.json) {
      printJson({ at_utc: new Date(now).toISOString(), budget_usd_per_day: config.budget.usd_per_day, spend_today_usd: total, providers: report });
      return 0;
    }
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
