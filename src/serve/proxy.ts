// One proxied request, handled exactly like a skill step: plan the candidates for the alias's traits, then for each
// candidate reserve through the ledger (spend and quota guards inside the transaction), send, and fall back or
// retry as the router decides. Every request sent is recorded with the client's name.
import type { ServerResponse } from 'node:http';
import type { Config, Plan, Rejection } from '../types.js';
import { ProviderError } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import { plan as planStep, admit, nextMove, blockFor, costAlarm, candidateFacts } from '../router/index.js';
import { catalogStatus } from '../catalog/index.js';
import { apiKeyOf } from '../config/index.js';
import { endpointFor, providerWindows, listPriceUsd } from '../runner/endpoint.js';
import type { ClientFormat } from './client-error.js';
import { estimateTokens } from './estimate.js';
import { effortForThinking } from './translate-request.js';
import { upstreamRequest } from './upstream-request.js';
import { requestTraits } from './request-traits.js';
import { attempt } from './upstream-attempt.js';
import { failedError, blockedError } from './outcome.js';

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
  body: Record<string, unknown>;
  clientHeaders: { anthropicVersion?: string; anthropicBeta?: string };
  /** the client's name from its user agent, for the ledger */
  client: string | null;
  response: ServerResponse;
  /** aborted when the client goes away */
  signal: AbortSignal;
}

export async function proxy(context: ServeContext, call: ProxyCall): Promise<void> {
  const { config, ledger } = context;
  const { traits, alias } = requestTraits(config, call.format, call.body);
  const now = context.clock();
  const plan: Plan = planStep({
    config,
    traits,
    snapshot: ledger.usage(providerWindows(config), now),
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
      thinking: wantsThinking ? model.thinking : undefined,
    });
    let tries = 0;
    while (!call.signal.aborted) {
      tries++;
      const started = context.clock();
      const listWorst = listPriceUsd(model, traits.prompt_chars / 4, traits.max_output_tokens ?? model.max_output ?? 0);
      const reservation = ledger.reserve(
        {
          run_id: null,
          step_id: traits.step,
          provider: provider.name,
          model: model.id,
          billing: model.billing,
          weight: model.quota_weight ?? 1,
          reserved_usd: model.billing === 'metered' ? (candidate.worst_usd ?? 0) : 0,
          list_usd_reserved: listWorst ?? 0,
          client: call.client,
          now_ms: started,
        },
        providerWindows(config),
        (snapshot) => admit(candidate, { config, traits, snapshot, blocks: ledger.activeBlocks(started, null), env: context.env }),
      );
      if ('rejected' in reservation) {
        rejections.push(reservation.rejected);
        break;
      }
      sent++;
      const outcome = await attempt(call, upstream, endpoint, model.id, estimatedInputTokens);
      const finishedAt = context.clock();
      if (outcome.ok) {
        const usage = outcome.usage;
        const list = listPriceUsd(model, usage.input_tokens ?? estimatedInputTokens, usage.output_tokens ?? 0);
        const cost = usage.cost_usd ?? (model.billing === 'metered' ? (list ?? 0) : 0);
        ledger.finishAttempt(reservation.attempt_id, {
          status: 'ok',
          http_status: 200,
          input_tokens: usage.input_tokens,
          output_tokens: usage.output_tokens,
          cost_usd: cost,
          list_usd: list ?? undefined,
          duration_ms: finishedAt - started,
          now_ms: finishedAt,
        });
        const alarm = costAlarm(provider, model, usage.cost_usd);
        if (alarm) {
          ledger.addBlock(alarm);
          context.log(`warning: ${provider.name} is ${model.billing} but reported a cost of $${usage.cost_usd} for ${model.id}; blocked until: portai providers unblock ${provider.name}`);
        }
        return;
      }
      const error = outcome.error;
      ledger.finishAttempt(reservation.attempt_id, {
        status: 'error',
        error_kind: error.kind,
        error_message: error.message,
        http_status: error.status,
        duration_ms: finishedAt - started,
        now_ms: finishedAt,
      });
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
  if (sent === 0) throw blockedError(call.body.model as string, plan, rejections, call.format, context.clock());
  throw failedError(call.body.model as string, failures, context.clock());
}

