// The request portai sends upstream for one candidate: the client's body passed through when the upstream speaks
// the client's format, translated otherwise; the model replaced; the provider's guard extras added; and headers
// built from portai's own endpoint — the client's credentials never travel on.
import type { Effort, Endpoint, ModelFacts, Privacy, ResolvedModel, ResolvedProvider, ServeAlias } from '../types.js';
import type { ChatRequest } from '../types.js';
import { requestHeaders } from '../wire/request-headers.js';
import { openrouterExtras } from '../wire/map-openrouter.js';
import { zaiExtras } from '../wire/map-zai.js';
import type { ClientFormat } from './client-error.js';
import type { AnthropicRequest, OpenAIRequest } from './formats.js';
import { translateRequest } from './translate-request.js';
import { anthropicRequestFromOpenAI } from './translate-openai.js';
import { forwardedBetas } from './request-fields.js';

/** Anthropic requires max_tokens; an OpenAI client that sends none gets this unless its alias or model says. */
const DEFAULT_MAX_TOKENS = 4096;

export type RelayMode = 'openai-pass' | 'anthropic-pass' | 'anthropic-from-openai' | 'openai-from-anthropic';

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  mode: RelayMode;
  /** for the client's x-portai-warning header */
  warning?: string;
}

export interface UpstreamInput {
  format: ClientFormat;
  body: Record<string, unknown>;
  /** anthropic-version / anthropic-beta as the client sent them */
  clientHeaders: { anthropicVersion?: string; anthropicBeta?: string };
  provider: ResolvedProvider;
  model: ResolvedModel;
  endpoint: Endpoint;
  alias: ServeAlias;
  effort: Effort;
  privacy: Privacy;
  /** OpenRouter's web plugin, allowed by serve.allow (only OpenRouter candidates get this far with it) */
  webSearch?: { max_results: number };
  /** the model's thinking control to switch on, when the request asks for thinking */
  thinking?: ModelFacts['thinking'];
  /** whether the model reads images; asked only when an Anthropic request is translated */
  vision?: () => boolean;
}

export function upstreamRequest(input: UpstreamInput): UpstreamRequest {
  const { format, model, endpoint } = input;
  const stream = input.body.stream === true;
  if (model.wire === 'anthropic-messages') {
    let body: Record<string, unknown>;
    if (format === 'anthropic') body = { ...input.body, model: model.id };
    else {
      const defaultMax = input.alias.max_tokens ?? model.max_output ?? DEFAULT_MAX_TOKENS;
      body = anthropicRequestFromOpenAI(input.body as unknown as OpenAIRequest, model.id, defaultMax) as unknown as Record<string, unknown>;
    }
    applyFamilyExtras(body, input);
    const extra: Record<string, string> = { 'anthropic-version': input.clientHeaders.anthropicVersion ?? '2023-06-01' };
    const betas = forwardedBetas(input.clientHeaders.anthropicBeta);
    if (betas) extra['anthropic-beta'] = betas;
    const mode: RelayMode = format === 'anthropic' ? 'anthropic-pass' : 'openai-from-anthropic';
    return { url: `${endpoint.base_url}/v1/messages`, headers: requestHeaders(endpoint, stream, extra), body, mode };
  }

  let body: Record<string, unknown>;
  let mode: RelayMode;
  let warning: string | undefined;
  if (format === 'anthropic') {
    const translated = translateRequest(input.body as unknown as AnthropicRequest, model.id, { vision: input.vision?.() });
    body = translated.body as unknown as Record<string, unknown>;
    mode = 'anthropic-from-openai';
    warning = translated.warning;
  } else {
    const client = input.body as OpenAIRequest;
    body = { ...client, model: model.id };
    // usage comes only in the final chunk, and only when asked: the ledger needs it
    if (stream) body.stream_options = { ...(client.stream_options ?? {}), include_usage: true };
    if (client.max_tokens === undefined && client.max_completion_tokens === undefined && input.alias.max_tokens !== undefined) {
      body.max_tokens = input.alias.max_tokens;
    }
    mode = 'openai-pass';
  }
  applyFamilyExtras(body, input);
  const request: UpstreamRequest = { url: `${endpoint.base_url}/chat/completions`, headers: requestHeaders(endpoint, stream), body, mode };
  if (warning) request.warning = warning;
  return request;
}

/** The same provider extras a skill step gets (wire layer's mappers), merged over whatever the client sent. */
function applyFamilyExtras(body: Record<string, unknown>, input: UpstreamInput): void {
  // refused at the edge already (screen-request.ts); kept so no future path can carry a fallback list
  delete body.models;
  const request: ChatRequest = {
    model: input.model.id,
    messages: [],
    effort: input.effort,
    thinking: input.thinking,
    privacy: input.privacy,
    free_only: input.model.billing !== 'metered' && input.provider.family === 'openrouter',
  };
  if (input.provider.family === 'openrouter') {
    const extras = openrouterExtras(request);
    // a client's own provider preferences never get here (screen-request.ts refuses them): only portai's
    if (isRecord(extras.provider)) body.provider = extras.provider;
    // Exa pinned: its per-result price is the one the spend guard reserved; "native" search bills differently
    if (input.webSearch) body.plugins = [{ id: 'web', engine: 'exa', max_results: input.webSearch.max_results }];
    if (extras.reasoning && body.reasoning === undefined && body.reasoning_effort === undefined) body.reasoning = extras.reasoning;
  } else if (input.provider.family === 'zai' && input.model.wire === 'openai-chat') {
    Object.assign(body, { ...zaiExtras(request), ...pick(body, 'thinking') });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(body: Record<string, unknown>, key: string): Record<string, unknown> {
  return body[key] === undefined ? {} : { [key]: body[key] };
}
