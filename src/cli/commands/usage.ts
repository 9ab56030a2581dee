// portai usage [--json] — requests and spend per provider per window
import { loadConfigFor, openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import { usageJson } from '../../report/usage-json.js';
import { reconcile, type ProviderReconcile } from '../../report/reconcile.js';
import { closeConnections } from '../../wire/index.js';

export function formatAmount(unit: 'requests' | 'usd' | 'credits', amount: number): string {
  if (unit === 'usd') return `$${amount.toFixed(2)}`;
  const rounded = Math.round(amount * 100) / 100;
  return unit === 'credits' ? `${rounded} credits` : String(rounded);
}

export default async function usage(globals: GlobalOptions, options: { json?: boolean; reconcile?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const ledger = await openLedgerFor();
  try {
    const now = ledger.now();
    if (options.reconcile) {
      const result = await reconcile({ config, ledger, env: process.env, now_ms: now, apply: true });
      if (options.json) printJson({ at_utc: new Date(now).toISOString(), providers: result });
      else process.stdout.write(formatReconcile(result));
      return 0;
    }
    const usage = usageJson(config, ledger, process.env, now);
    if (options.json) {
      printJson(usage);
      return 0;
    }
    const { providers: report, spend_today_usd: total } = usage;
    process.stdout.write(`metered spend today: $${total.toFixed(4)} of $${config.budget.usd_per_day.toFixed(2)} budget\n`);
    for (const provider of report) {
      const windows = provider.limits.map((limit) => `${limit.window}: ${limit.unit === 'usd' ? formatAmount('usd', limit.used) : Math.round(limit.used * 100) / 100}/${formatAmount(limit.unit, limit.limit)}`);
      const plan = provider.plan ? ` (plan ${provider.plan}${provider.plan_chosen ? '' : ', the preset default'})` : '';
      process.stdout.write(`${provider.provider.padEnd(16)} ${provider.requests_today} requests today${plan}${windows.length ? ` · ${windows.join(' · ')}` : ''}\n`);
    }
    return 0;
  } finally {
    ledger.close();
    if (options.reconcile) await closeConnections();
  }
}

function formatReconcile(result: ProviderReconcile[]): string {
  if (result.length === 0) return 'no configured provider reports its own counts (OpenRouter, Z.AI and OpenCode Go do)\n';
  const lines: string[] = [];
  for (const entry of result) {
    lines.push(entry.provider);
    if (entry.error) lines.push(`  could not ask: ${entry.error}`);
    for (const line of entry.lines) {
      const limit = line.limit !== null ? ` of ${formatAmount(line.unit, line.limit)}` : '';
      const verdict = line.raised_by > 0 ? `raised by ${formatAmount(line.unit, line.raised_by)}` : line.portai > line.provider ? 'portai counts more: kept' : 'in step';
      const reset = line.resets_utc ? `, resets ${line.resets_utc}` : '';
      lines.push(`  ${line.window}: portai ${formatAmount(line.unit, line.portai)} · provider ${formatAmount(line.unit, line.provider)}${limit}${reset} → ${verdict}  (${line.source})`);
    }
    for (const note of entry.notes) lines.push(`  note: ${note}`);
  }
  return `${lines.join('\n')}\n`;
}
