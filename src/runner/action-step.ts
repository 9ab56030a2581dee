// An action step (http, calendar): render every string of its block, run it, record its output.
import type { ActionStep, Config } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { renderTemplate } from '../skills/index.js';
import { BadInputError } from '../errors.js';
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
  /** `runs resume --resend` / `--skip-step <id>`: the user's decision about a step that may have been sent */
  resend?: boolean;
  skipStep?: string;
}

export type ActionStepOutcome =
  | { kind: 'ok'; output: unknown; report: StepReport }
  /** a keyless effect may have been sent before a crash: only the user can say whether to send it again */
  | { kind: 'awaiting_user'; problem: string; report: StepReport };

export async function runActionStep(input: ActionStepInput): Promise<ActionStepOutcome> {
  const { step, progress, ledger, runId } = input;
  // the key is stored in the ledger and shown by `runs show`, where a secret must never be
  const keyTemplate = step.spec.idempotency_key;
  if (typeof keyTemplate === 'string' && /\benv\./.test(keyTemplate)) {
    throw new BadInputError('idempotency_key must not use env values: the key is stored in the ledger and shown by runs show', {
      place: input.where(`${step.action}.idempotency_key`),
      hint: 'build it from inputs, steps and today instead, e.g. "{{n}}-{{today}}"',
    });
  }
  const spec = renderDeep(step.spec, input.context, (path) => input.where(`${step.action}${path}`)) as Record<string, unknown>;
  const specHash = contentHash({ step: step.id, action: step.action, spec });
  const report: StepReport = { id: step.id, provider: null, model: null, attempts: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, duration_ms: 0 };
  if (input.reused && input.reused.content_hash === specHash) {
    progress.step(step.id, 'reused the output of an earlier attempt of this run');
    return { kind: 'ok', output: input.reused.output, report: { ...report, note: 'reused' } };
  }
  if (step.action === 'http') {
    if (input.skipStep === step.id) {
      ledger.saveEffectResult(runId, step.id, specHash, null, 'skipped');
      progress.step(step.id, 'skipped (--skip-step): its output is null');
      return { kind: 'ok', output: null, report: { ...report, note: 'skipped by --skip-step' } };
    }
    const effect = ledger.effectOf(runId, step.id);
    if (effect?.state === 'sending' && !effect.idempotency_key && !input.resend) {
      const problem = `step ${step.id} may have been sent before the worker died at ${effect.started_utc}; check the receiver, then \`portai runs resume ${runId} --resend\` or \`--skip-step ${step.id}\``;
      return { kind: 'awaiting_user', problem, report: { ...report, note: 'waiting for the user' } };
    }
  }
  const started = input.clock();
  progress.step(step.id, `${step.action} action…`);
  // loaded on first use: the calendar and HTTP libraries cost start-up time most commands do not need
  const { runAction, HttpStepError } = await import('../actions/index.js');
  let output: unknown;
  try {
    output = await runAction(step.action, spec, {
      config: input.config, env: input.env, timezone: input.timezone,
      // stable for (run, step): the same on every retry, resume and worker, and different in every other run
      defaultKey: `portai-${runId}-${step.id}`,
      onSend: (key) => ledger.markSending(runId, step.id, key),
    });
  } catch (error) {
    // an answer that says no is the result; no answer at all leaves `sending`, for a resume to decide on
    if (error instanceof HttpStepError && !error.mayHaveArrived) ledger.finishEffect(runId, step.id, 'failed');
    throw error;
  }
  report.duration_ms = input.clock() - started;
  if (step.action === 'http') ledger.saveEffectResult(runId, step.id, specHash, output);
  else ledger.saveStepResult(runId, step.id, specHash, output);
  progress.step(step.id, `✓ ${step.action} done`);
  return { kind: 'ok', output, report };
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
