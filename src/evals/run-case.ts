// One case, once, on one candidate: render, send through the runner's own step loop (so every request —
// first try, retry, repair, and the judge's — passes reserveAttempt with the spend and quota guards), check.
import type { Config, LlmStep, Skill } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { newId } from '../ledger/ids.js';
import { runLlmStep, planFor } from '../runner/llm-step.js';
import { traitsOf } from '../runner/run-skill.js';
import type { Progress } from '../runner/progress.js';
import { checkAnswer } from './assertions.js';
import { caseMessages } from './case-context.js';
import type { Assertion, CaseRun, CheckResult, TestCase } from './types.js';

export interface CaseRunInput {
  config: Config;
  ledger: Ledger;
  skill: Skill;
  testCase: TestCase;
  /** provider/model */
  candidate: string;
  env: Record<string, string | undefined>;
  progress: Progress;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** a deferred eval: this fraction of each window stays for ordinary runs (see quota-guard) */
  reserve?: number;
}

export async function runCase(input: CaseRunInput): Promise<CaseRun> {
  const { config, ledger, skill, testCase, candidate } = input;
  const { step, messages } = caseMessages(skill, testCase, config, input.env);
  const privacy = skill.privacy ?? config.defaults.privacy;
  // attempts of an eval are recorded under an id of their own: they count in usage and budgets like any request
  const runId = `eval-${newId(input.clock())}`;
  const base = { case_id: testCase.id, candidate, served_model: null, checks: [] as CheckResult[], cost_usd: 0, latency_ms: 0 };
  const traits = { ...traitsOf(skill, step, privacy, messages), ...(input.reserve ? { reserve: input.reserve } : {}) };
  const outcome = await runLlmStep({
    config, ledger, skill, step, messages, traits, runId, env: input.env, use: candidate,
    progress: input.progress, clock: input.clock, sleep: input.sleep,
  });
  const measured = { ...base, served_model: outcome.report.served_model ?? null, cost_usd: outcome.report.cost_usd, latency_ms: outcome.report.duration_ms };
  if (outcome.kind === 'blocked') {
    const problem = outcome.rejections.map((rejection) => `${rejection.guard}: ${rejection.reason}`).join('; ');
    const times = outcome.rejections.map((rejection) => rejection.until_ms);
    // the candidate runs again once every block on it has lifted; one that no time lifts stays blocked
    const until_ms = times.length === 0 || times.some((time) => time === null || time === undefined) ? null : Math.max(...(times as number[]));
    return { ...measured, status: 'not_run', problem, until_ms };
  }
  if (outcome.kind === 'failed') {
    // a model that answered, but never validly, failed; one that never answered (429, outage) was not tested
    const answered = ledger.attemptsOf(runId).some((attempt) => attempt.status === 'ok');
    return { ...measured, status: answered ? 'fail' : 'not_run', problem: outcome.failures.join('; ') };
  }

  const answer = { output: outcome.output, cost_usd: outcome.report.cost_usd, latency_ms: outcome.report.duration_ms, schema: step.schema };
  const checks: CheckResult[] = [];
  let cost = measured.cost_usd;
  for (const assertion of testCase.assert) {
    if (assertion.type !== 'judge') {
      checks.push(checkAnswer(assertion, answer));
      continue;
    }
    const graded = await judge(input, step, assertion, outcome.output, runId);
    cost += graded.cost_usd;
    if (graded.kind === 'not_run') return { ...measured, cost_usd: cost, checks, status: 'not_run', problem: `judge: ${graded.detail}` };
    checks.push({ type: 'judge', pass: graded.pass, detail: graded.detail });
  }
  const failed = checks.filter((check) => !check.pass);
  return { ...measured, cost_usd: cost, checks, status: failed.length === 0 ? 'pass' : 'fail', ...(failed.length ? { problem: failed.map((check) => `${check.type}: ${check.detail}`).join('; ') } : {}) };
}

const VERDICT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['pass', 'reason'],
  properties: { pass: { type: 'boolean' }, reason: { type: 'string' } },
};

type Graded = { kind: 'graded'; pass: boolean; detail: string; cost_usd: number } | { kind: 'not_run'; detail: string; cost_usd: number };

/** A rubric graded by a model: free candidates of the grader's route unless the assertion says otherwise. */
async function judge(input: CaseRunInput, step: LlmStep, assertion: Assertion, output: unknown, runId: string): Promise<Graded> {
  const { config, ledger, skill } = input;
  const grader: LlmStep = { kind: 'llm', id: `${step.id}-judge`, effort: 'low', prompt: '', schema: VERDICT_SCHEMA, max_output_tokens: 400 };
  const messages = [
    { role: 'system' as const, content: 'You grade the answer of an AI model against a rubric. Be strict: pass only when the rubric holds.' },
    { role: 'user' as const, content: `Rubric: ${assertion.rubric}\n\nThe answer:\n${typeof output === 'string' ? output : JSON.stringify(output, null, 2)}\n\nReply with only JSON: {"pass": true|false, "reason": "<one sentence>"}` },
  ];
  const traits = { ...traitsOf(skill, grader, skill.privacy ?? config.defaults.privacy, messages), tags: [...skill.tags, 'judge'], ...(input.reserve ? { reserve: input.reserve } : {}) };
  let use = assertion.model;
  if (!use) {
    const plan = planFor({ config, ledger, traits, runId, env: input.env, clock: input.clock });
    use = plan.candidates.find((candidate) => assertion.route === 'any' || candidate.billing === 'free')?.ref;
    if (!use) return { kind: 'not_run', detail: `no ${assertion.route === 'any' ? '' : 'free '}candidate can grade now`, cost_usd: 0 };
  }
  const outcome = await runLlmStep({ config, ledger, skill, step: grader, messages, traits, runId, env: input.env, use, progress: input.progress, clock: input.clock, sleep: input.sleep });
  if (outcome.kind !== 'ok') return { kind: 'not_run', detail: `the grader ${use} gave no verdict`, cost_usd: outcome.report.cost_usd };
  const verdict = outcome.output as { pass: boolean; reason: string };
  return { kind: 'graded', pass: verdict.pass, detail: `${verdict.reason} (graded by ${use})`, cost_usd: outcome.report.cost_usd };
}
