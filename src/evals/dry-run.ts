// What an eval would send, per provider, beside what its limits leave now — nothing is sent.
import type { Ledger } from '../ledger/index.js';
import { candidateFacts } from '../router/index.js';
import { usageReport, type LimitLine } from '../report/usage-report.js';
import { chooseCandidates, repeatOf, type EvalOptions } from './run-eval.js';

export interface EvalDryRun {
  skill: string;
  candidates: string[];
  rejected: Array<{ ref: string; guard: string; reason: string }>;
  /** requests per provider entry: at least one per case run (a repair or a retry adds more); judge requests apart */
  providers: Array<{ provider: string; requests: number; limits: LimitLine[] }>;
  judge_requests: number;
  render_cases: number;
  /** the share of each window a deferred eval (--defer) leaves to ordinary runs */
  reserve: number;
}

export function evalDryRun(options: Omit<EvalOptions, 'progress' | 'sleep'>): EvalDryRun {
  const reserve = options.config.defaults.evals?.reserve ?? 0.2;
  const { config, ledger, skill, tests } = options;
  const now = (options.clock ?? (() => ledger.now()))();
  const { candidates, rejected } = chooseCandidates(options);
  const perCandidate = tests.cases.reduce((sum, testCase) => sum + repeatOf(testCase, options.repeat), 0);
  const counts = new Map<string, number>();
  for (const ref of candidates) {
    const provider = candidateFacts(config, ref).provider.name;
    counts.set(provider, (counts.get(provider) ?? 0) + perCandidate);
  }
  const report = usageReport(config, ledger, options.env, now);
  const judges = tests.cases.reduce((sum, testCase) => sum + repeatOf(testCase, options.repeat) * testCase.assert.filter((assertion) => assertion.type === 'judge').length, 0);
  return {
    skill: skill.name,
    candidates,
    rejected: rejected.map((rejection) => ({ ref: rejection.ref, guard: rejection.guard, reason: rejection.reason })),
    providers: [...counts].map(([provider, requests]) => ({ provider, requests, limits: report.find((item) => item.provider === provider)?.limits ?? [] })),
    judge_requests: judges * candidates.length,
    render_cases: tests.render.length,
    reserve,
  };
}

export function formatDryRun(dry: EvalDryRun): string[] {
  const lines = [`dry run of portai eval ${dry.skill}: nothing is sent`, `candidates: ${dry.candidates.join(', ') || '(none — every candidate is blocked)'}`];
  for (const rejection of dry.rejected) lines.push(`  not a candidate: ${rejection.ref} — ${rejection.guard}: ${rejection.reason}`);
  for (const item of dry.providers) {
    lines.push(`${item.provider}: ${item.requests} request${item.requests === 1 ? '' : 's'} (at least; a repair or retry adds one)`);
    for (const limit of item.limits) {
      // what --defer may use of it: the window less the reserve ordinary runs keep
      const deferred = Math.max(0, Math.floor(limit.limit * (1 - dry.reserve) * 1e6) / 1e6 - limit.used);
      const amount = (value: number) => (limit.unit === 'usd' ? value.toFixed(2) : String(Math.floor(value)));
      lines.push(`  ${limit.window}: ${limit.remaining} ${limit.unit === 'usd' ? 'USD' : limit.unit} left of ${limit.limit} (${amount(deferred)} for --defer, which leaves ${Math.round(dry.reserve * 100)}% to ordinary runs)`);
    }
    if (item.limits.length === 0) lines.push('  no request limits configured');
  }
  if (dry.judge_requests > 0) lines.push(`judge: ${dry.judge_requests} grading request${dry.judge_requests === 1 ? '' : 's'} on a free candidate`);
  if (dry.render_cases > 0) lines.push(`render: ${dry.render_cases} offline case${dry.render_cases === 1 ? '' : 's'} (no request)`);
  return lines;
}
