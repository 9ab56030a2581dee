// The matrix: every case × every candidate × repeat, run one after another through the runner gate, each
// result stored as evidence. Candidates default to what the skill's routes allow now, after the guards.
import type { Config, Rejection, Skill } from '../types.js';
import { BadInputError } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import { candidateFacts } from '../router/index.js';
import { planFor } from '../runner/llm-step.js';
import { traitsOf } from '../runner/run-skill.js';
import type { Progress } from '../runner/progress.js';
import { caseMessages } from './case-context.js';
import { saveCaseRun, skillContentHash } from './evidence.js';
import { runRenderCases, type RenderResult } from './render-cases.js';
import { runCase } from './run-case.js';
import { median, wilsonLowerBound } from './stats.js';
import type { CaseRun, SkillTests, TestCase } from './types.js';

export interface EvalOptions {
  config: Config;
  ledger: Ledger;
  skill: Skill;
  tests: SkillTests;
  /** provider/model refs; default: the routes' candidates after the guards */
  models?: string[];
  /** overrides each case's repeat */
  repeat?: number;
  env: Record<string, string | undefined>;
  progress: Progress;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** a deferred eval: the fraction of each window left for ordinary runs */
  reserve?: number;
  /** rounds of a case on a candidate already done (a deferred eval resumed after a wait): they are not run again */
  done?: (caseId: string, candidate: string) => number;
  /** asked between case runs: true stops the eval there (a deferred eval gives way to an ordinary run) */
  giveWay?: () => boolean;
}

export interface CandidateSummary {
  candidate: string;
  passed: number;
  failed: number;
  not_run: number;
  pass_rate: number | null;
  lower_bound: number;
  cost_usd: number;
  p50_latency_ms: number | null;
}

export interface EvalReport {
  skill: string;
  skill_hash: string;
  tests_file: string;
  candidates: string[];
  /** candidates the guards refused when choosing the default set */
  rejected: Rejection[];
  cases: Array<{ id: string; repeat: number }>;
  runs: CaseRun[];
  render: RenderResult[];
  summary: CandidateSummary[];
  /** stopped early by giveWay: the case runs not reached are neither in runs nor in the ledger */
  gave_way?: boolean;
}

export function chooseCandidates(options: Pick<EvalOptions, 'config' | 'ledger' | 'skill' | 'tests' | 'models' | 'env' | 'clock'>): { candidates: string[]; rejected: Rejection[] } {
  const { config, ledger, skill, tests } = options;
  if (options.models && options.models.length > 0) {
    for (const ref of options.models) {
      if (!/^[^/]+\/.+$/.test(ref)) throw new BadInputError(`--models ${ref}: expected <provider>/<model>`, { hint: 'e.g. --models openrouter/openrouter/free,zai/glm-4.7' });
      candidateFacts(config, ref); // an unknown provider or model is bad input before anything is sent
    }
    return { candidates: [...new Set(options.models)], rejected: [] };
  }
  const candidates: string[] = [];
  const rejected: Rejection[] = [];
  const clock = options.clock ?? (() => ledger.now());
  // each case's step may match another route; their union is the set
  for (const testCase of tests.cases) {
    const { step, messages } = caseMessages(skill, testCase, config, options.env);
    const plan = planFor({ config, ledger, traits: traitsOf(skill, step, skill.privacy ?? config.defaults.privacy, messages), runId: '', env: options.env, clock });
    for (const candidate of plan.candidates) if (!candidates.includes(candidate.ref)) candidates.push(candidate.ref);
    for (const rejection of plan.rejected) if (!rejected.some((known) => known.ref === rejection.ref)) rejected.push(rejection);
  }
  return { candidates, rejected: rejected.filter((rejection) => !candidates.includes(rejection.ref)) };
}

export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const { config, ledger, skill, tests } = options;
  const clock = options.clock ?? (() => ledger.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const render = runRenderCases(skill, tests.render, config, options.env);
  const { candidates, rejected } = chooseCandidates(options);
  const runs: CaseRun[] = [];
  let gave_way = false;
  matrix: for (const testCase of tests.cases) {
    for (const candidate of candidates) {
      for (let round = options.done?.(testCase.id, candidate) ?? 0; round < repeatOf(testCase, options.repeat); round++) {
        if (options.giveWay?.()) {
          gave_way = true;
          break matrix;
        }
        options.progress.info(`${testCase.id} on ${candidate}${round > 0 ? ` (repeat ${round + 1})` : ''}`);
        const run = await runCase({ config, ledger, skill, testCase, candidate, env: options.env, progress: options.progress, clock, sleep, reserve: options.reserve });
        saveCaseRun(ledger, skill, run, clock());
        runs.push(run);
      }
    }
  }
  return {
    skill: skill.name,
    skill_hash: skillContentHash(skill),
    tests_file: tests.file,
    candidates,
    rejected,
    cases: tests.cases.map((testCase) => ({ id: testCase.id, repeat: repeatOf(testCase, options.repeat) })),
    runs,
    render,
    summary: candidates.map((candidate) => summarise(candidate, runs.filter((run) => run.candidate === candidate))),
    ...(gave_way ? { gave_way } : {}),
  };
}

export function repeatOf(testCase: TestCase, override?: number): number {
  return override ?? testCase.repeat;
}

function summarise(candidate: string, runs: CaseRun[]): CandidateSummary {
  const passed = runs.filter((run) => run.status === 'pass').length;
  const failed = runs.filter((run) => run.status === 'fail').length;
  const ran = runs.filter((run) => run.status !== 'not_run');
  return {
    candidate,
    passed,
    failed,
    not_run: runs.length - ran.length,
    pass_rate: ran.length === 0 ? null : passed / ran.length,
    lower_bound: wilsonLowerBound(passed, ran.length),
    cost_usd: runs.reduce((sum, run) => sum + run.cost_usd, 0),
    p50_latency_ms: median(ran.map((run) => run.latency_ms)),
  };
}
