// One request to one upstream: send it, turn a failed status into a ProviderError, and hand a good answer to the
// relay that fits the two formats. Says whether the client already got part of an answer.
import type { Endpoint } from '../types.js';
import type { ProviderError } from '../errors.js';
import { post } from '../wire/http.js';
import { mapHttpError } from '../wire/map-error.js';
import { mapTransportError } from '../wire/transport-error.js';
import type { ProxyCall } from './proxy.js';
import { RelayFailure, type RelayInput, type RelayUsage } from './relay-common.js';
import { relayAnthropicPass, relayOpenAIPass } from './relay-pass.js';
import { relayAnthropicFromOpenAI, relayOpenAIFromAnthropic } from './relay-translated.js';
import type { RelayMode, UpstreamRequest } from './upstream-request.js';
import { responsesRelay } from './translate/relay-responses.js';

const RELAYS: Record<RelayMode, (input: RelayInput & { includeUsage: boolean }) => Promise<RelayUsage>> = {
  'openai-pass': relayOpenAIPass,
  'anthropic-pass': relayAnthropicPass,
  'anthropic-from-openai': relayAnthropicFromOpenAI,
  'openai-from-anthropic': relayOpenAIFromAnthropic,
};

export type AttemptOutcome = { ok: true; usage: RelayUsage } | { ok: false; error: ProviderError; committed: boolean };

export async function attempt(
  call: ProxyCall,
  upstream: UpstreamRequest,
  endpoint: Endpoint,
  model: string,
  estimatedInputTokens: number,
): Promise<AttemptOutcome> {
  let answer;
  try {
    answer = await post(upstream.url, upstream.headers, upstream.body, endpoint.timeouts, call.signal);
  } catch (caught) {
    return { ok: false, error: mapTransportError(endpoint, caught, 'request'), committed: false };
  }
  if (answer.status < 200 || answer.status >= 300) {
    let text = '';
    try {
      text = await answer.body.text();
    } catch (caught) {
      return { ok: false, error: mapTransportError(endpoint, caught, 'body'), committed: false };
    }
    return { ok: false, error: mapHttpError(endpoint, answer.status, answer.headers, text, Date.now(), model), committed: false };
  }
  try {
    const relay = call.responses ? responsesRelay(upstream.mode, call.responses) : RELAYS[upstream.mode];
    const usage = await relay({
      upstream: answer,
      endpoint,
      model,
      response: call.response,
      format: call.format,
      stream: upstream.body.stream === true,
      estimatedInputTokens,
      includeUsage: (call.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true,
    });
    return { ok: true, usage };
  } catch (caught) {
    if (caught instanceof RelayFailure) return { ok: false, error: caught.error, committed: caught.committed };
    throw caught;
  }
}

