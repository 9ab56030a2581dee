// One proxied request, handled exactly like a skill step: plan the candidates for the alias's traits, then for each
// candidate reserve through the ledger (spend and quota guards inside the transaction), send, and fall back or
// retry as the router decides. Every request sent is recorded with the client's name.
import type { ServerResponse } from 'node:http';
import type { Config, Plan, Rejection } from '../types.js';
import { ProviderError } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import { plan as planStep, nextMove, blockFor, costAlarm, candidateFacts } from '../router/index.js';
import { catalogStatus } from '../catalog/index.js';
import { apiKeyOf } from '../config/index.js';
import { endpointFor, providerWindows } from '../runner/endpoint.js';
import { reserveAttempt } from '../runner/reserve-attempt.js';
import { finishAnswered, finishFailed } from '../runner/finish-attempt.js';
import type { ClientFormat } from './client-error.js';
import { estimateTokens } from './estimate.js';
import { effortForThinking } from './translate-request.js';
import { upstreamRequest } from './upstream-request.js';
import { webSearchUsd, type ScreenedRequest } from './screen-request.js';
import { requestTraits } from './request-traits.js';
import { readsImages } from './translate-image.js';
import { attempt } from './upstream-attempt.js';
import { failedError, blockedError } from './outcome.js';
import type { ResponsesEcho } from './translate/responses-format.js';

export interface ServeContext {
  config: Config;
  ledger: Ledger;
  env: Record<string, string | undefined>;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** one line on stderr: warnings such as a cost alarm */
  log: (line: string) => void;
}

export interface ProxyCall {
  format: ClientFormat;
  /** already cut to the allowlist (screen-request.ts) */
  body: Record<string, unknown>;
  /** OpenRouter's web plugin, allowed by serve.allow and priced into the spend guard */
  webSearch?: ScreenedRequest['webSearch'];
  clientHeaders: { anthropicVersion?: string; anthropicBeta?: string };
  /** the client's name from its user agent, for the ledger */
  client: string | null;
  response: ServerResponse;
  /** aborted when the client goes away */
  signal: AbortSignal;
  /** a Responses API client: body is the chat request built from it; its answer is translated back */
  responses?: ResponsesEcho;
}

export async function proxy(context: ServeContext, call: ProxyCall): Promise<void> {
  const { config, ledger } = context;
  const { traits, alias } = requestTraits(config, call.format, call.body, webSearchUsd(call.webSearch));
  const now = context.clock();
  const snapshot = ledger.usage(providerWindows(config, now), now, { oldestWhenRead: true, reusable: true });
  const plan: Plan = planStep({
    config,
    traits,
    snapshot,
    blocks: ledger.activeBlocks(now, null),
    catalog: catalogStatus(config, ledger, now),
    env: context.env,
  });
  const rejections: Rejection[] = [...plan.rejected];
  const failures: ProviderError[] = [];
  const estimatedInputTokens = estimateTokens(traits.prompt_chars);
  const explicitThinking = call.format === 'anthropic' && call.body.thinking !== undefined;
  const wantsThinking = explicitThinking ? effortForThinking(call.body.thinking as never) !== undefined : traits.effort === 'high';
  let sent = 0;

  for (const candidate of plan.candidates) {
    const { provider, model } = candidateFacts(config, candidate.ref);
    if (call.webSearch && !(provider.family === 'openrouter' && model.wire === 'openai-chat')) {
      // a search the client asked (and pays) for must not be silently skipped by another upstream
      rejections.push({ ref: candidate.ref, provider: provider.name, model: model.id, guard: 'spend', reason: 'web search is only priced and sent on OpenRouter routes', until_ms: null });
      continue;
    }
    const endpoint = endpointFor(provider, model, apiKeyOf(provider, context.env));
    // built before reserving: a request that cannot be translated is the client's problem, not a provider attempt
    const upstream = upstreamRequest({
      format: call.format,
      body: call.body,
      clientHeaders: call.clientHeaders,
      provider,
      model,
      endpoint,
      alias,
      effort: (call.format === 'anthropic' ? effortForThinking(call.body.thinking as never) : undefined) ?? traits.effort,
      privacy: traits.privacy,
      webSearch: call.webSearch,
      thinking: wantsThinking ? model.thinking : undefined,
      vision: () => readsImages(model.input_modalities, model.input_modalities ? undefined : ledger.catalogOf(provider.name).find((row) => row.id === model.id)?.raw),
    });
    let tries = 0;
    while (!call.signal.aborted) {
      tries++;
      // the first request is reserved at the instant it was planned, so the plan's counts still hold for it unless
      // something was written since (the ledger checks); markSent then counts it from when it goes out
      const first = sent === 0 && tries === 1;
      const started = first ? now : context.clock();
      const reservation = reserveAttempt({ config, ledger, candidate, traits, env: context.env, run_id: null, client: call.client, now_ms: started, planned: first ? snapshot : undefined });
      if ('rejected' in reservation) {
        rejections.push(reservation.rejected);
        break;
      }
      sent++;
      ledger.markSent(reservation.attempt_id, context.clock(), started);
      // set before the relay writes its head; a later candidate that can read the images clears it
      if (!call.response.headersSent) {
        if (upstream.warning) call.response.setHeader('x-portai-warning', upstream.warning);
        else call.response.removeHeader('x-portai-warning');
      }
      const outcome = await attempt(call, upstream, endpoint, model.id, estimatedInputTokens);
      const finishedAt = context.clock();
      if (outcome.ok) {
        const usage = outcome.usage;
        finishAnswered(ledger, reservation.attempt_id, model, { ...usage, http_status: 200 }, estimatedInputTokens, finishedAt - started, finishedAt, { limits: provider.limits, at_ms: started });
        const alarm = costAlarm(provider, model, costBeyondSurcharge(usage.cost_usd, traits.surcharge_usd));
        if (alarm) {
          ledger.addBlock(alarm);
          context.log(`warning: ${provider.name} is ${model.billing} but reported a cost of $${usage.cost_usd} for ${model.id}; blocked until: portai providers unblock ${provider.name}`);
        }
        return;
      }
      const error = outcome.error;
      finishFailed(ledger, reservation.attempt_id, error, finishedAt - started, finishedAt);
      failures.push(error);
      const block = blockFor(error, { provider: provider.name, model: model.id, billing: model.billing }, finishedAt, null);
      if (block) ledger.addBlock(block);
      if (outcome.committed) return;
      const move = nextMove(error, tries, config.retry);
      if (move.action !== 'retry') break;
      await context.sleep(move.wait_ms);
    }
    if (call.signal.aborted) return;
  }
  // the warning was about an answer that never came
  if (!call.response.headersSent) call.response.removeHeader('x-portai-warning');
  if (sent === 0) throw blockedError(call.body.model as string, plan, rejections, call.format, context.clock());
  throw failedError(call.body.model as string, failures, context.clock());
}

/** What an answer cost beyond the paid feature it was allowed (web search on a free model): only that is an alarm. */
function costBeyondSurcharge(cost: number | undefined, surcharge: number | undefined): number | undefined {
  if (cost === undefined || !surcharge) return cost;
  // sums of float dollars drift in the last bits; that is not a cost
  return cost - surcharge > 1e-9 ? cost - surcharge : 0;
}
