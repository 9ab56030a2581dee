// One LLM step: plan the candidates, then try them in order. Every request — first try, retry,
// repair — is reserved through the ledger with the spend and quota guards inside one transaction.
import type { Candidate, ChatMessage, ChatRequest, ChatResponse, Config, LlmStep, Plan, Rejection, Skill, StepTraits } from '../types.js';
import { ProviderError } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import { plan as planStep, nextMove, blockFor, costAlarm, thinkingFor, candidateFacts } from '../router/index.js';
import { parseStepOutput, repairMessages } from '../skills/index.js';
import { apiKeyOf } from '../config/index.js';
// the status reader alone: the catalog's sync code brings the HTTP client
import { catalogStatus } from '../catalog/status.js';
import { endpointFor, providerWindows } from './endpoint.js';
import { finishAnswered, finishFailed } from './finish-attempt.js';
import { reserveAttempt, type LaterStep } from './reserve-attempt.js';
// the router reads eval evidence through this one function, as it reads health blocks
import { routingEvidence, saveRunFailure } from '../evals/evidence.js';
import type { Progress } from './progress.js';
import type { StepReport } from './result.js';

export interface LlmStepInput {
  config: Config;
  ledger: Ledger;
  skill: Skill;
  step: LlmStep;
  messages: ChatMessage[];
  traits: StepTraits;
  runId: string;
  env: Record<string, string | undefined>;
  use?: string;
  progress: Progress;
  /** stream this step's text here as it arrives; `attempt` counts this step's requests, so a sink sees a restart */
  onText?: (delta: string, attempt: number) => void;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** the run's later LLM steps, held with this step's first reservation (see runSkill's admission) */
  holds?: LaterStep[];
  /** a real run (not an eval, which records its own verdicts): output that never met the schema is evidence */
  evidence?: boolean;
}

export type LlmStepOutcome =
  | { kind: 'ok'; output: unknown; report: StepReport; plan: Plan; warnings: string[] }
  /** nothing could be sent: every candidate was rejected by a guard */
  | { kind: 'blocked'; plan: Plan; rejections: Rejection[]; report: StepReport; warnings: string[] }
  /** at least one request was sent and every one failed */
  | { kind: 'failed'; plan: Plan; failures: string[]; report: StepReport; warnings: string[] };

export function planFor(input: Pick<LlmStepInput, 'config' | 'ledger' | 'traits' | 'runId' | 'env' | 'use' | 'clock'> & { skill?: Skill }, ignoreKeys = false): Plan {
  const now = input.clock();
  const quality = input.skill ? (input.skill.quality ?? input.config.defaults.quality) : undefined;
  return planStep({
    config: input.config,
    traits: input.traits,
    snapshot: input.ledger.usage(providerWindows(input.config, now), now, { exceptRun: input.runId || null, oldestWhenRead: true }),
    blocks: input.ledger.activeBlocks(now, input.runId),
    catalog: catalogStatus(input.config, input.ledger, now),
    health: input.ledger.healthEvidence(now),
    env: input.env,
    use: input.use,
    ignoreKeys,
    ...(quality && input.skill ? { quality, evidence: routingEvidence(input.ledger, input.skill, now) } : {}),
  });
}

export async function runLlmStep(input: LlmStepInput): Promise<LlmStepOutcome> {
  const { config, ledger, step, progress } = input;
  const plan = planFor(input);
  ledger.savePlan(input.runId, step.id, plan);
  const report: StepReport = { id: step.id, provider: null, model: null, attempts: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, duration_ms: 0 };
  const rejections: Rejection[] = [...plan.rejected];
  const failures: string[] = [];
  const warnings: string[] = [];
  const started = input.clock();
  // the later steps are held once, with the first request that is reserved
  let holds = input.holds;

  // candidates a catalog refreshed during this step has since ruled out
  const skip = new Map<string, Rejection>();

  for (const candidate of plan.candidates) {
    const skipped = skip.get(candidate.ref);
    if (skipped) {
      rejections.push(skipped);
      progress.step(step.id, `✗ ${candidate.ref} — ${skipped.guard}: ${skipped.reason}`);
      continue;
    }
    const { provider, model } = candidateFacts(config, candidate.ref);
    progress.step(step.id, `→ ${candidate.ref} (${candidate.billing})`);
    let messages = input.messages;
    let repaired = false;
    let tries = 0;
    const candidateStarted = input.clock();
    let candidateCost = 0;
    while (true) {
      tries++;
      const attempt = await attemptOnce(input, candidate, messages, report.attempts + 1, holds);
      report.attempts += attempt.sent ? 1 : 0;
      if (attempt.sent) holds = undefined;
      if (attempt.kind === 'rejected') {
        rejections.push(attempt.rejection);
        progress.step(step.id, `✗ ${candidate.ref} — ${attempt.rejection.guard}: ${attempt.rejection.reason}`);
        break;
      }
      if (attempt.kind === 'error') {
        const error = attempt.error;
        failures.push(`${candidate.ref}: ${error.kind} — ${error.message}`);
        const block = blockFor(error, { provider: provider.name, model: model.id, billing: model.billing, catalog: Boolean(provider.catalog) }, input.clock(), input.runId);
        if (error.kind === 'model_gone' && provider.catalog) {
          // learn it once: refresh a stale catalog first (the sync clears gone blocks), then block until the next sync
          const fresh = await refreshCatalog(input, provider.name, model.id);
          if (fresh) for (const rejection of fresh.rejected) if (!skip.has(rejection.ref)) skip.set(rejection.ref, rejection);
        }
        if (block) ledger.addBlock(block);
        const move = nextMove(error, tries, config.retry);
        if (move.action === 'retry') {
          progress.step(step.id, `… ${candidate.ref} ${error.kind}; retrying in ${Math.ceil(move.wait_ms / 1000)} s`);
          await input.sleep(move.wait_ms);
          continue;
        }
        progress.step(step.id, `✗ ${candidate.ref} ${error.kind}: ${error.message}`);
        break;
      }
      const response = attempt.response;
      report.served_model = response.model || model.id;
      report.input_tokens += response.input_tokens ?? 0;
      report.output_tokens += response.output_tokens ?? 0;
      report.cost_usd += attempt.cost_usd;
      candidateCost += attempt.cost_usd;
      const alarm = costAlarm(provider, model, response.cost_usd);
      if (alarm) {
        ledger.addBlock(alarm);
        const warning = `${provider.name} is ${model.billing} but reported a cost of $${response.cost_usd} for ${model.id}; ${provider.name} is blocked until you run: portai providers unblock ${provider.name}`;
        warnings.push(warning);
        progress.warn(warning);
      }
      const parsed = parseStepOutput(step, response.text);
      if (parsed.ok) {
        report.provider = provider.name;
        report.model = model.id;
        report.duration_ms = input.clock() - started;
        return { kind: 'ok', output: parsed.value, report, plan, warnings };
      }
      if (repaired) {
        const problem = `output still invalid after one repair — ${parsed.errors.slice(0, 2).join('; ')}`;
        failures.push(`${candidate.ref}: ${problem}`);
        if (input.evidence && step.schema) {
          saveRunFailure(ledger, input.skill, { step: step.id, candidate: candidate.ref, served_model: response.model || model.id, problem, cost_usd: candidateCost, latency_ms: input.clock() - candidateStarted }, input.clock());
        }
        progress.step(step.id, `✗ ${candidate.ref} invalid output after repair`);
        break;
      }
      repaired = true;
      tries = 0;
      progress.step(step.id, `… ${candidate.ref} output invalid (${parsed.errors[0]}); one repair request`);
      messages = repairMessages(input.messages, response.text, parsed.errors);
    }
  }

  report.duration_ms = input.clock() - started;
  if (report.attempts === 0) return { kind: 'blocked', plan, rejections, report, warnings };
  return { kind: 'failed', plan, failures, report, warnings };
}

const CATALOG_STALE_MS = 86_400_000;

/**
 * One request to the free /models list when the catalog is over a day old or does not list the gone model.
 * Returns a fresh plan (the catalog guard now knows what else is gone), or undefined when nothing was synced.
 */
async function refreshCatalog(input: LlmStepInput, providerName: string, modelId: string): Promise<Plan | undefined> {
  const { ledger } = input;
  const now = input.clock();
  const last = ledger.lastSync(providerName);
  const listed = last !== undefined && ledger.catalogOf(providerName).some((row) => row.id === modelId);
  if (last !== undefined && now - last <= CATALOG_STALE_MS && listed) return undefined;
  // loaded on first use, like the wire layer: most steps never need the sync code
  const { syncCatalog } = await import('../catalog/sync.js');
  const [report] = await syncCatalog({ config: input.config, ledger, env: input.env, provider: providerName, now_ms: now });
  if (!report?.ok) {
    input.progress.warn(`models sync ${providerName} failed: ${report?.error ?? 'no report'}`);
    return undefined;
  }
  input.progress.step(input.step.id, `… ${modelId} is gone; synced the ${providerName} catalog (${report.models} models)`);
  return planFor(input);
}

type AttemptResult =
  | { kind: 'rejected'; rejection: Rejection; sent: false }
  | { kind: 'error'; error: ProviderError; sent: true }
  | { kind: 'ok'; response: ChatResponse; cost_usd: number; sent: true };

async function attemptOnce(input: LlmStepInput, candidate: Candidate, messages: ChatMessage[], attemptNumber: number, holds: LaterStep[] | undefined): Promise<AttemptResult> {
  const { config, ledger, step, traits } = input;
  const { provider, model } = candidateFacts(config, candidate.ref);
  const now = input.clock();
  const promptChars = messages.reduce((sum, message) => sum + message.content.length, 0);
  const maxOutput = step.max_output_tokens ?? model.max_output;
  const reservation = reserveAttempt({ config, ledger, candidate, traits: { ...traits, prompt_chars: promptChars }, env: input.env, use: input.use, run_id: input.runId, client: null, now_ms: now, holds });
  if ('rejected' in reservation) return { kind: 'rejected', rejection: reservation.rejected, sent: false };

  const request: ChatRequest = {
    model: model.id,
    messages,
    max_output_tokens: maxOutput,
    json: step.schema ? { schema: step.schema } : undefined,
    effort: step.effort,
    thinking: thinkingFor(step.effort, model),
    privacy: traits.privacy,
    free_only: model.billing !== 'metered' && provider.family === 'openrouter',
    stream: Boolean(input.onText),
    onText: input.onText && ((delta: string) => input.onText?.(delta, attemptNumber)),
  };
  const endpoint = endpointFor(provider, model, apiKeyOf(provider, input.env));
  const started = input.clock();
  try {
    // loaded on first use: a dry run never pays for the HTTP client
    const { adapterFor } = await import('../wire/index.js');
    ledger.markSent(reservation.attempt_id, input.clock(), now);
    const response = await adapterFor(model.wire).send(endpoint, request);
    const cost = finishAnswered(ledger, reservation.attempt_id, model, response, promptChars / 4, input.clock() - started, input.clock(), { limits: provider.limits, at_ms: now });
    return { kind: 'ok', response, cost_usd: cost, sent: true };
  } catch (caught) {
    const error = caught instanceof ProviderError ? caught : new ProviderError({ kind: 'network', message: String((caught as Error)?.message ?? caught), provider: provider.name });
    finishFailed(ledger, reservation.attempt_id, error, input.clock() - started, input.clock());
    return { kind: 'error', error, sent: true };
  }
}
