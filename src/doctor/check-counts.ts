// portai's counts beside the provider's own (the same comparison as `portai usage --reconcile`, without raising
// anything), and which plan tier the counts assume.
import type { Config } from '../types.js';
import type { ProviderReconcile } from '../report/reconcile.js';
import type { Finding } from './finding.js';

export function countFindings(config: Config, compared: ProviderReconcile[]): Finding[] {
  const findings: Finding[] = [];
  for (const provider of Object.values(config.providers)) {
    if (provider.plan !== undefined && !provider.plan_chosen) {
      findings.push({ level: 'info', advisory: true, provider: provider.name, text: `counting the limits of plan ${provider.plan} (the preset's default)`, fix: `if you bought another tier, set providers.${provider.name}.plan (see the preset's plans)` });
    }
  }
  for (const entry of compared) {
    for (const line of entry.lines) {
      const amount = (value: number) => (line.unit === 'usd' ? `$${value}` : `${value} ${line.unit}`);
      const text = `${line.window}: portai counts ${amount(line.portai)}, the provider ${amount(line.provider)}${line.limit !== null ? ` of ${amount(line.limit)}` : ''} (${line.source})`;
      if (line.raised_by > 0) findings.push({ level: 'info', provider: entry.provider, text: `${text}: another tool or machine uses this key`, fix: 'run `portai usage --reconcile` so portai counts what the provider counts' });
      else findings.push({ level: 'ok', provider: entry.provider, text });
    }
    for (const note of entry.notes) if (/does not know|matches|says the plan/.test(note)) findings.push({ level: 'warn', advisory: true, provider: entry.provider, text: note, fix: "compare with the provider's usage page; the preset's limits may be out of date" });
  }
  return findings;
}
