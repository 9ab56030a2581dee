// The matrix as text: cases as rows, candidates as columns, a footer with pass rate, its Wilson 95% lower
// bound, cost and p50 latency. A cell reads "2/3" (passed of run), "-" when nothing ran (429, outage, guard).
import type { EvalReport } from './run-eval.js';

export function formatMatrix(report: EvalReport): string[] {
  const header = ['case', ...report.candidates];
  const rows = report.cases.map((testCase) => [
    testCase.id,
    ...report.candidates.map((candidate) => {
      const runs = report.runs.filter((run) => run.case_id === testCase.id && run.candidate === candidate);
      const ran = runs.filter((run) => run.status !== 'not_run');
      if (ran.length === 0) return 'not run';
      const passed = ran.filter((run) => run.status === 'pass').length;
      const mark = passed === ran.length ? 'pass' : passed === 0 ? 'FAIL' : 'mixed';
      return `${mark} ${passed}/${ran.length}${ran.length < runs.length ? ` (+${runs.length - ran.length} not run)` : ''}`;
    }),
  ]);
  const footer = [
    ['pass rate', ...report.summary.map((item) => (item.pass_rate === null ? '-' : `${Math.round(item.pass_rate * 100)}% of ${item.passed + item.failed}`))],
    ['lower bound', ...report.summary.map((item) => (item.pass_rate === null ? '-' : item.lower_bound.toFixed(2)))],
    ['cost', ...report.summary.map((item) => `$${item.cost_usd.toFixed(4)}`)],
    ['p50 latency', ...report.summary.map((item) => (item.p50_latency_ms === null ? '-' : `${item.p50_latency_ms} ms`))],
  ];
  const all = [header, ...rows, ...footer];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line), rule, ...footer.map(line)];
}
