// portai providers list [--json]
import { loadConfigFor, openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import { usageReport } from '../../report/usage-report.js';

export default async function providersList(globals: GlobalOptions, options: { json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const ledger = await openLedgerFor();
  try {
    const report = usageReport(config, ledger, process.env, ledger.now());
    if (options.json) {
      printJson(report);
      return 0;
    }
    for (const provider of report) {
      const key = provider.key.variable ? `${provider.key.variable} ${provider.key.set ? 'set' : 'NOT SET'}` : 'no key needed';
      const plan = provider.plan ? `, plan ${provider.plan}${provider.plan_chosen ? '' : ' (default)'}` : '';
      process.stdout.write(`${provider.provider}  (${provider.preset}${plan}, ${provider.billing}, ${key})\n`);
      for (const limit of provider.limits) {
        const amount = (value: number) => (limit.unit === 'usd' ? `$${value.toFixed(2)}` : String(Math.round(value * 100) / 100));
        const unit = limit.unit === 'credits' ? ' credits' : '';
        process.stdout.write(`  ${limit.window.padEnd(10)} ${amount(limit.used)} of ${amount(limit.limit)}${unit} used, ${amount(limit.remaining)} left\n`);
      }
      if (provider.limits.length === 0) process.stdout.write('  no limits configured\n');
      if (provider.spend_today_usd > 0) process.stdout.write(`  spend today $${provider.spend_today_usd.toFixed(4)}\n`);
      for (const block of provider.blocks) {
        process.stdout.write(`  BLOCKED${block.model ? ` ${block.model}` : ''} (${block.scope}): ${block.reason}; ${block.until_utc ? `until ${block.until_utc}` : `until: portai providers unblock ${provider.provider}`}\n`);
      }
    }
    return 0;
  } finally {
    ledger.close();
  }
}
