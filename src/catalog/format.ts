// Human text for `models sync` and `models list`.
import type { ModelListRow, SyncReport } from './types.js';

export function formatSyncReports(reports: SyncReport[]): string {
  if (reports.length === 0) return 'no configured provider has a model catalog to sync (OpenRouter, OpenCode Go, OpenAI and Ollama have one)\n';
  const lines: string[] = [];
  for (const report of reports) {
    if (!report.ok) {
      lines.push(`${report.provider}: sync failed: ${report.error}`);
      if (report.fix) lines.push(`  fix: ${report.fix}`);
      continue;
    }
    const since = report.previous_sync_utc ? `changes since ${report.previous_sync_utc}` : 'first sync';
    lines.push(`${report.provider}: ${report.models} models (${since})`);
    for (const id of report.gone) lines.push(`  gone      ${id} — no longer listed; remove it from your config (runs skip it)`);
    for (const model of report.priced) lines.push(`  priced    ${model.id} — configured free, now ${price(model.input)} in / ${price(model.output)} out per million (runs skip it)`);
    for (const model of report.expiring) {
      const when = model.days_left < 0 ? 'expired' : model.days_left === 0 ? 'expires today' : `expires in ${model.days_left} days`;
      lines.push(`  expiring  ${model.id} — ${when} (${model.expires})${model.configured ? '; it is in your config' : ''}`);
    }
    for (const id of report.new_free) lines.push(`  new free  ${id}`);
    if (report.gone.length + report.priced.length + report.expiring.length + report.new_free.length === 0) lines.push('  nothing to report');
  }
  return `${lines.join('\n')}\n`;
}

export function formatModelList(rows: ModelListRow[]): string {
  if (rows.length === 0) return 'no stored catalog: run `portai models sync` first\n';
  const header = ['provider', 'model', 'in $/M', 'out $/M', 'context', 'expires', 'trains', 'evals'];
  const table = rows.map((row) => [
    row.provider,
    row.id,
    price(row.input_per_million),
    price(row.output_per_million),
    row.context === null ? '?' : String(row.context),
    row.expires ?? '',
    row.trains_on_data === null ? '?' : row.trains_on_data ? 'yes' : 'no',
    // passed of the skills tested on it; '-' when no skill has fresh evidence on it
    row.evals ? `${row.evals.passed}/${row.evals.tested} skills` : '-',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => cells[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return `${[line(header), ...table.map(line)].join('\n')}\n`;
}

function price(value: number | null): string {
  if (value === null) return '?';
  return value === 0 ? '0' : `$${value}`;
}
