// The step loop: render → (action | plan → attempts → validate/repair) → record. Steps run in order and
// each output is visible to later steps as steps.<id>. A resumed run reuses the outputs it already has.
import type { Config, LlmStep, Plan, Rejection, Skill, Step, StepTraits } from '../types.js';
import { BadInputError, BlockedError, PortaiError } from '../errors.js';
import { rememberSecrets } from '../redact.js';
import type { Ledger } from '../ledger/index.js';
import { blockedSummary } from '../router/index.js';
import { buildMessages, renderTemplate } from '../skills/index.js';
import { prepareRun, createRunRecord, timezoneFor } from './prepare-run.js';
import { runLlmStep, planFor } from './llm-step.js';
import { runActionStep } from './action-step.js';
import { contentHash } from './content-hash.js';
import { trackRun } from './active-runs.js';
import { missingKeyError, preflight } from './preflight.js';
import { redactEnv, redactText } from './redact-env.js';
import type { LaterStep } from './reserve-attempt.js';
import type { Progress } from './progress.js';
import type { RunResult, StepReport } from './result.js';

export interface RunSkillOptions {
  config: Config;
  ledger: Ledger;
  skill: Skill;
  /** the inputs as the user gave them (strings from -i, values from --input-json) */
  given: Record<string, unknown>;
  env: Record<string, string | undefined>;
  progress: Progress;
  dryRun?: boolean;
  /** `--use provider/model` */
  use?: string;
  /** stream the final step's text; `attempt` numbers that step's requests (a new number after a failure is a restart) */
  onText?: (delta: string, attempt: number) => void;
  /** continue this run (resumed or queued): finished steps are reused, inputs and time stay as they were */
  runId?: string;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** `runs resume --resend`: send a keyless step that may have gone out before a crash again */
  resend?: boolean;
  /** `runs resume --skip-step <id>`: treat that step as done (output null) without sending it */
  skipStep?: string;
}

/** Runs the skill; whatever stops it (a throw here, a signal in the CLI) leaves its ledger record closed, never `running`. */
export async function runSkill(options: RunSkillOptions): Promise<RunResult> {
  let runId: string | undefined;
  let release = () => {};
  try {
    return await runSteps(options, (id) => {
      runId = id;
      release = trackRun(options.ledger, id);
    });
  } catch (error) {
    // bad input found only at run time (a template, a missing key), an action that failed: the run's problem on record
    if (runId) {
      try {
        options.ledger.setRunStatus(runId, error instanceof BlockedError ? 'blocked' : 'failed', { error: problemOf(error) });
      } catch {
        // the ledger itself failed: the original error is the one to report; the run shows as interrupted
      }
    }
    throw error;
  } finally {
    release();
  }
}

function problemOf(error: unknown): string {
  if (error instanceof PortaiError) return error.userLines().join('\n');
  return error instanceof Error ? error.message : String(error);
}

async function runSteps(options: RunSkillOptions, opened: (runId: string) => void): Promise<RunResult> {
  const { config, ledger, skill, progress } = options;
  // the ledger's clock: on a shared ledger the database server's, so windows agree across machines
  const clock = options.clock ?? (() => ledger.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const existing = options.runId ? ledger.getRun(options.runId) : undefined;
  if (options.runId && !existing) throw new BadInputError(`no run with id ${options.runId}`, { hint: 'see the ids with: portai runs list' });

  const timezone = existing ? timezoneFor(skill, existing.inputs as Record<string, unknown>, config) : timezoneFor(skill, options.given, config);
  const prepared = existing
    ? { inputs: existing.inputs as Record<string, unknown>, time: { now_utc: existing.now_utc, today: existing.today, timezone } }
    : prepareRun(skill, options.given, config, clock);
  const { inputs, time } = prepared;
  const privacy = skill.privacy ?? config.defaults.privacy;
  const env = Object.fromEntries(skill.env.map((name) => [name, options.env[name] ?? '']));
  rememberSecrets(Object.values(env)); // a skill's env: secrets never reach output, the ledger or a log

  const runId = options.dryRun ? 'dry-run' : existing?.id ?? createRunRecord(ledger, skill, prepared, 'running', config);
  if (!options.dryRun) opened(runId);
  if (!options.dryRun && existing) {
    ledger.setRunStatus(runId, 'running');
    ledger.abandonOrphanAttempts(runId);
  }

  // bad input that a step would meet (no key for any candidate, an unknown calendar) stops the run before
  // anything is sent (runSkill records it as the run's problem); a dry run reports it, naming the same step
  const before = preflight({
    config, skill, env: options.env, use: options.use,
    context: { ...inputs, now: time.now_utc, today: time.today, env, steps: {} },
    traitsOf: (step) => traitsOf(skill, step, privacy, [{ content: step.prompt }]),
  });
  if (before && !options.dryRun) throw before.error;
  const reused = new Map((existing ? ledger.stepResults(runId) : []).map((row) => [row.step_id, row]));

  const outputs: Record<string, unknown> = {};
  const result: RunResult = { run_id: options.dryRun ? null : runId, skill: skill.name, status: 'ok', output: null, steps: [], plans: [], warnings: [] };
  const lastIndex = lastLlmStepIndex(skill.steps);
  if (before) result.stop = { step: before.step, exit_code: 2, lines: before.error.userLines() };
  let admitted = false;

  for (const [index, step] of skill.steps.entries()) {
    const context = { ...inputs, now: time.now_utc, today: time.today, env, steps: outputs };
    const where = (field: string) => ({ file: skill.file, field: `steps[${index}].${field}` });
    if (step.when !== undefined) {
      const verdict = tryRender(step.when, context, where('when'), options.dryRun);
      if (verdict !== undefined && isFalse(verdict)) {
        outputs[step.id] = null;
        result.steps.push(emptyReport(step.id, 'skipped'));
        progress.step(step.id, 'skipped (when is false)');
        continue;
      }
    }

    if (step.kind === 'action') {
      if (options.dryRun) {
        progress.info(`${step.id}: ${step.action} action (runs for real; nothing is sent in a dry run)`);
        result.steps.push(emptyReport(step.id, `${step.action} action — runs for real, so not in a dry run`));
        outputs[step.id] = null;
        continue;
      }
      const done = await runActionStep({
        step, context, where, config, env: options.env, timezone, reused: reused.get(step.id), ledger, runId, progress, clock,
        resend: options.resend, skipStep: options.skipStep,
      });
      if (done.kind === 'awaiting_user') {
        result.status = 'blocked';
        result.problem = [done.problem];
        result.unblock_at_ms = null;
        result.awaiting_user = true;
        result.steps.push(done.report);
        break;
      }
      outputs[step.id] = done.output;
      result.steps.push(done.report);
      result.output = done.output;
      continue;
    }

    const prompt = tryRender(step.prompt, context, where('prompt'), options.dryRun);
    const system = step.system === undefined ? undefined : tryRender(step.system, context, where('system'), options.dryRun);
    const messages = buildMessages(skill, step, prompt ?? step.prompt, system);
    const traits = traitsOf(skill, step, privacy, messages);

    if (options.dryRun) {
      const plan = planFor({ config, ledger, skill, traits, runId: '', env: options.env, use: options.use, clock }, true);
      result.plans.push(plan);
      result.prompts = { ...result.prompts, [step.id]: prompt === undefined ? null : redactText(prompt, env) };
      outputs[step.id] = null;
      result.steps.push(emptyReport(step.id, prompt === undefined ? 'dry-run (prompt needs earlier outputs)' : 'dry-run'));
      // the plan above needs no keys; whether the real run could send anything is decided with them
      const real = plan.candidates.length === 0 ? plan : planFor({ config, ledger, traits, runId: '', env: options.env, use: options.use, clock });
      if (real.candidates.length === 0) {
        markBlocked(result, real, real.rejected);
        result.stop ??= { step: step.id, exit_code: 3, lines: result.problem ?? [] };
      }
      continue;
    }

    const stepHash = contentHash({ step: step.id, messages, schema: step.schema ?? null });
    const previous = reused.get(step.id);
    if (previous && previous.content_hash === stepHash) {
      outputs[step.id] = previous.output;
      result.output = previous.output;
      result.steps.push(emptyReport(step.id, 'reused'));
      progress.step(step.id, 'reused the output of an earlier attempt of this run');
      continue;
    }

    // admission: before this invocation sends its first request, every later step must be able to go now
    let holds: LaterStep[] | undefined;
    if (!admitted) {
      admitted = true;
      const admission = admitRun(options, skill, index, privacy, runId, reused, clock, existing !== undefined);
      if ('waiting' in admission) {
        markWaiting(result, step.id, admission.waiting);
        break;
      }
      holds = admission.holds;
    }

    ledger.savePrompt(runId, step.id, redactEnv(messages, env));

    const outcome = await runLlmStep({
      config, ledger, skill, step, messages, traits, runId, env: options.env, use: options.use, progress, clock, sleep, holds, evidence: true,
      onText: index === lastIndex && !step.schema ? options.onText : undefined,
    });
    result.plans.push(outcome.plan);
    result.steps.push(outcome.report);
    result.warnings.push(...outcome.warnings);
    if (outcome.kind === 'ok') {
      outputs[step.id] = outcome.output;
      result.output = outcome.output;
      ledger.saveStepResult(runId, step.id, stepHash, outcome.output);
      const report = outcome.report;
      progress.step(step.id, `✓ ${report.provider}/${report.model} · ${report.input_tokens}+${report.output_tokens} tokens · $${report.cost_usd.toFixed(4)}`);
      continue;
    }
    if (outcome.kind === 'blocked') {
      requireSomeKey(outcome.rejections, step, skill, config);
      markBlocked(result, outcome.plan, outcome.rejections);
    } else {
      result.status = 'failed';
      result.problem = [`step ${step.id} failed on every candidate:`, ...outcome.failures.map((line) => `  ${line}`)];
      // when the failures left every candidate blocked for a while (Retry-After, a quota reset), say until when
      const after = planFor({ config, ledger, skill, traits, runId, env: options.env, use: options.use, clock });
      if (after.candidates.length === 0) result.unblock_at_ms = earliestUntil(after.rejected);
    }
    break;
  }

  if (!options.dryRun) {
    // what the run held for steps it did not reach goes back to the window, with the status: one commit
    ledger.endRun(runId, result.status, {
      output: result.status === 'ok' ? result.output : undefined,
      error: result.problem ? result.problem.join('\n') : null,
    });
  }
  return result;
}

/**
 * The run's later LLM steps (no `when`, no saved output) planned now, prompts estimated from their templates.
 * If one has no candidate, the run waits with nothing sent; otherwise each is held with the first reservation.
 */
function admitRun(
  options: RunSkillOptions,
  skill: Skill,
  index: number,
  privacy: StepTraits['privacy'],
  runId: string,
  reused: Map<string, unknown>,
  clock: () => number,
  resumed: boolean,
): { holds: LaterStep[] } | { waiting: Plan[] } {
  const { config, ledger } = options;
  // holds left by an earlier, interrupted invocation of this run are replaced by this admission's (a run created
  // by this invocation has none: that write stays off the common path)
  if (resumed) ledger.releaseHolds(runId);
  const later = skill.steps.slice(index + 1).filter((step): step is LlmStep => step.kind === 'llm' && step.when === undefined && !reused.has(step.id));
  const planned = later.map((step) => {
    const traits = traitsOf(skill, step, privacy, buildMessages(skill, step, step.prompt, step.system));
    return { step, traits, plan: planFor({ config, ledger, traits, runId, env: options.env, use: options.use, clock }) };
  });
  const blocked = planned.filter((entry) => entry.plan.candidates.length === 0);
  for (const entry of blocked) requireSomeKey(entry.plan.rejected, entry.step, skill, config);
  if (blocked.length > 0) return { waiting: blocked.map((entry) => entry.plan) };
  return { holds: planned.map((entry) => ({ traits: entry.traits, candidates: entry.plan.candidates })) };
}

/** Nothing sent because a later step cannot run now: wait until ALL of those steps can go (the latest of their ends). */
function markWaiting(result: RunResult, stepId: string, plans: Plan[]): void {
  // the step that cannot go is named first: it is the one to fix or wait for
  const names = plans.map((plan) => `step ${plan.step}`).join(', ');
  result.problem = [`${names}: no usable candidate now, so nothing was sent — the run stops before step ${stepId} rather than spend a request it could not finish`];
  let latest: number | null = 0;
  for (const plan of plans) {
    markBlocked(result, plan, plan.rejected);
    const earliest = earliestUntil(plan.rejected);
    latest = latest === null || earliest === null ? null : Math.max(latest, earliest);
  }
  result.unblock_at_ms = latest;
}

function markBlocked(result: RunResult, plan: Plan, rejections: Rejection[]): void {
  result.status = 'blocked';
  const summary = blockedSummary({ ...plan, rejected: rejections, candidates: [] });
  result.problem = [...(result.problem ?? []), `step ${plan.step}: nothing was sent — every candidate was blocked by a guard`, ...summary];
  const earliest = earliestUntil(rejections);
  // a health block or cost alarm with no end is lifted by the user, not by time: the queue waits for them
  const commands = rejections.filter((rejection) => rejection.until_ms === null && (rejection.guard === 'health' || rejection.guard === 'cost_alarm') && rejection.unblock?.startsWith('portai '));
  result.unblock_commands = [...new Set([...(result.unblock_commands ?? []), ...commands.map((rejection) => rejection.unblock as string)])];
  result.unblock_at_ms = result.unblock_at_ms === undefined || result.unblock_at_ms === null ? earliest : earliest === null ? result.unblock_at_ms : Math.min(result.unblock_at_ms, earliest);
}

/** When the first of these rejections lifts by itself, epoch ms; null when none does. */
function earliestUntil(rejections: Rejection[]): number | null {
  const times = rejections.map((rejection) => rejection.until_ms).filter((until): until is number => typeof until === 'number');
  return times.length > 0 ? Math.min(...times) : null;
}

/** DESIGN.md: a step left with no candidate only because keys are unset is bad input (exit 2) naming the variable. */
function requireSomeKey(rejections: Rejection[], step: LlmStep, skill: Skill, config: Config): void {
  if (rejections.length === 0 || !rejections.every((rejection) => rejection.guard === 'key')) return;
  throw missingKeyError(config, skill, step.id, [...new Set(rejections.map((rejection) => rejection.provider))]);
}

function tryRender(template: string, context: object, where: { file: string; field: string }, dryRun?: boolean): string | undefined {
  try {
    return renderTemplate(template, context, where);
  } catch (error) {
    // In a dry run, earlier steps have no output yet; the static check already proved the names exist.
    if (dryRun) return undefined;
    throw error;
  }
}

function isFalse(value: string): boolean {
  return ['', 'false', '0', 'no', 'null', 'undefined'].includes(value.trim().toLowerCase());
}

export function traitsOf(skill: Skill, step: LlmStep, privacy: StepTraits['privacy'], messages: Array<{ content: string }>): StepTraits {
  return {
    skill: skill.name,
    step: step.id,
    effort: step.effort,
    privacy,
    tags: [...skill.tags, ...(step.tag ? [step.tag] : [])],
    prompt_chars: messages.reduce((sum, message) => sum + message.content.length, 0),
    max_output_tokens: step.max_output_tokens,
  };
}

function lastLlmStepIndex(steps: Step[]): number {
  for (let index = steps.length - 1; index >= 0; index--) if (steps[index].kind === 'llm') return index;
  return -1;
}


function emptyReport(id: string, note: string): StepReport {
  return { id, provider: null, model: null, attempts: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, duration_ms: 0, note };
}
