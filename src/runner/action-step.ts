// An action step (http, calendar): render every string of its block, run it, record its output.
import type { ActionStep, Config } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { renderTemplate } from '../skills/index.js';
import type { Progress } from './progress.js';
import type { StepReport } from './result.js';
import { contentHash } from './content-hash.js';

export interface ActionStepInput {
  step: ActionStep;
  context: object;
  where: (field: string) => { file: string; field: string };
  config: Config;
  env: Record<string, string | undefined>;
  timezone: string;
  reused?: { content_hash: string; output: unknown };
  ledger: Ledger;
  runId: string;
  progress: Progress;
  clock: () => number;
}

export async function runActionStep(input: ActionStepInput): Promise<{ output: unknown; report: StepReport }> {
  const { step, progress } = input;
  const spec = renderDeep(step.spec, input.context, (path) => input.where(`${step.action}${path}`)) as Record<string, unknown>;
  const specHash = contentHash({ step: step.id, action: step.action, spec });
  const report: StepReport = { id: step.id, provider: null, model: null, attempts: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, duration_ms: 0 };
  if (input.reused && input.reused.content_hash === specHash) {
    progress.step(step.id, 'reused the output of an earlier attempt of this run');
    return { output: input.reused.output, report: { ...report, note: 'reused' } };
  }
  const started = input.clock();
  progress.step(step.id, `${step.action} action…`);
  // loaded on first use: the calendar and HTTP libraries cost start-up time most commands do not need
  const { runAction } = await import('../actions/index.js');
  const output = await runAction(step.action, spec, { config: input.config, env: input.env, timezone: input.timezone });
  report.duration_ms = input.clock() - started;
  input.ledger.saveStepResult(input.runId, step.id, specHash, output);
  progress.step(step.id, `✓ ${step.action} done`);
  return { output, report };
}

/** Render every string inside an action block; keys are kept as written. */
function renderDeep(value: unknown, context: object, where: (path: string) => { file: string; field: string }, path = ''): unknown {
  if (typeof value === 'string') return renderTemplate(value, context, where(path));
  if (Array.isArray(value)) return value.map((item, index) => renderDeep(item, context, where, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, context, where, `${path}.${key}`)]));
  }
  return value;
}
