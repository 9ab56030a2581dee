// What of a client's request body may travel upstream, per wire format. An allowlist: a field not named here is
// never forwarded. Fields that would cost money or change where the request goes are refused (400, naming the
// field) rather than dropped, so the client learns the feature is off instead of getting a silently worse answer.
// Known fields that only tune caching, tracing or client-side bookkeeping are dropped: refusing them would end the
// session of real clients that send them on every request (Claude Code's context_management and output_config).

/**
 * OpenAI chat: each one is a property of OpenRouter's ChatRequest schema (test/reference/openrouter-openapi.yaml),
 * and each only shapes the answer of the one model portai chose, within the output limit it reserved.
 */
export const OPENAI_FORWARDED: Record<string, string> = {
  messages: 'the conversation itself',
  max_tokens: 'caps the output; the spend guard reserves exactly this many tokens',
  max_completion_tokens: 'the same cap under its newer name',
  temperature: 'sampling only',
  top_p: 'sampling only',
  top_k: 'sampling only',
  min_p: 'sampling only',
  top_a: 'sampling only',
  frequency_penalty: 'sampling only',
  presence_penalty: 'sampling only',
  repetition_penalty: 'sampling only',
  seed: 'sampling only',
  logit_bias: 'sampling only',
  logprobs: 'adds token probabilities to the answer; no extra tokens billed',
  top_logprobs: 'the same, how many alternatives',
  stop: 'ends the answer early: can only lower the cost',
  response_format: 'asks for JSON or a schema; the same model answers',
  tools: 'function tools only (rebuilt as {type, function}): the client runs them, nothing runs server-side',
  tool_choice: 'auto/none/required or one named function tool',
  parallel_tool_calls: 'how many of the client-run tool calls come at once',
  reasoning: "the model's own thinking, billed as output tokens inside max_tokens",
  reasoning_effort: 'the same, as a shorthand',
  stream: 'how the answer is delivered',
  stream_options: 'only include_usage, which portai sets anyway for its ledger',
  user: 'an opaque end-user id OpenRouter hashes for abuse isolation; changes no route or price',
  metadata: 'string labels for observability; changes no route or price',
};

/** OpenAI chat fields refused with a 400: each could bill more than tokens or move the request elsewhere. */
export const OPENAI_REFUSED: Record<string, string> = {
  plugins: "OpenRouter plugins run paid features server-side (web search is billed per result, fusion calls other models); enable web search with `serve.allow: [web_search]`",
  preset: 'an OpenRouter preset can switch models and providers portai never checked',
  route: 'OpenRouter routing between models portai never checked',
  transforms: 'OpenRouter prompt transforms change what is sent and where',
  models: 'a fallback list would let the upstream pick models portai never checked',
  provider: 'provider routing is set by portai (price cap, data collection); a client may not loosen it',
  web_search_options: 'web search is billed per request; enable it with `serve.allow: [web_search]`',
  prediction: 'rejected predicted tokens are billed as output beyond what the spend guard reserved',
  audio: 'audio output is billed at audio prices the spend guard does not know',
  stop_server_tools_when: 'only meaningful with server tools, which portai refuses',
  functions: 'the legacy function-calling form; send `tools` with type function instead',
  function_call: 'the legacy function-calling form; send `tool_choice` instead',
};

/** Anthropic Messages: the documented request fields that only shape the answer. */
export const ANTHROPIC_FORWARDED: Record<string, string> = {
  messages: 'the conversation itself',
  system: 'the system prompt',
  max_tokens: 'caps the output; the spend guard reserves exactly this many tokens',
  stop_sequences: 'ends the answer early: can only lower the cost',
  temperature: 'sampling only',
  top_p: 'sampling only',
  top_k: 'sampling only',
  stream: 'how the answer is delivered',
  tools: 'custom tools only (name, description, input_schema): the client runs them, nothing runs server-side',
  tool_choice: 'auto/any/none or one named custom tool',
  thinking: "the model's own thinking, budgeted inside max_tokens",
  metadata: 'only user_id, an opaque id for abuse detection',
};

/** Anthropic fields refused with a 400. */
export const ANTHROPIC_REFUSED: Record<string, string> = {
  mcp_servers: 'the upstream would call MCP servers on your behalf, out of portai’s sight',
  container: 'code execution containers are billed per hour',
  // OpenRouter's Messages endpoint takes its routing extras too (MessagesRequest in its OpenAPI description)
  plugins: OPENAI_REFUSED.plugins,
  preset: OPENAI_REFUSED.preset,
  route: OPENAI_REFUSED.route,
  transforms: OPENAI_REFUSED.transforms,
  models: OPENAI_REFUSED.models,
  fallbacks: OPENAI_REFUSED.models,
  provider: OPENAI_REFUSED.provider,
  stop_server_tools_when: OPENAI_REFUSED.stop_server_tools_when,
};

/** `speed: fast` is "a higher-speed inference configuration at premium pricing" (OpenRouter's MessagesRequest). */
export const FAST_SPEED_REFUSAL = 'fast mode bills at premium prices the spend guard does not know; leave speed unset or standard';

/**
 * Known fields real clients send that are never forwarded and never refused (like any field not named above):
 * each changes nothing the client relies on, and refusing would end sessions.
 */
export const DROPPED_QUIETLY: Record<string, string> = {
  context_management: 'Claude Code sends it on every request; context editing is unknown to Z.AI-style upstreams (a 400 there)',
  output_config: 'Claude Code sends it; unknown to Anthropic-compatible upstreams such as Z.AI',
  service_tier: 'a priority tier bills more; the default tier is the one the spend guard prices',
  speed: "only 'standard' gets here ('fast' is refused), which is the default",
  cache_control: 'request-level prompt caching; cache writes can bill above the input price',
  prompt_cache_key: 'a caching hint; the answer is the same without it',
  prompt_cache_options: 'a caching hint; the answer is the same without it',
  session_id: "OpenRouter's sticky provider-routing key",
  store: "asks OpenAI to keep the completion; portai's ledger is the record",
  debug: 'OpenRouter would echo the upstream body into the stream',
  trace: 'observability settings of the upstream account',
  image_config: 'image output settings; image output is never asked for',
  modalities: 'image or audio output bills at prices the spend guard does not know; text is the default',
  n: 'more than one choice multiplies the output billed; one is the default',
  verbosity: 'not a ChatRequest field',
  safety_identifier: 'not a ChatRequest field',
};

/** OpenRouter's web plugin, the one server-side paid feature portai can price (see webSearchUsd). */
export const WEB_SEARCH_DEFAULT_RESULTS = 5;
// "$4 per 1,000 web results", 5 results by default: https://openrouter.ai/announcements/introducing-web-search-via-the-api
// Priced for the Exa engine, which portai pins: native search (OpenAI, Anthropic models) bills differently.
export const WEB_SEARCH_USD_PER_RESULT = 0.004;

/**
 * anthropic-beta values passed on (by prefix; the date suffix changes): each only changes how the answer streams
 * or how tools and thinking interleave. Others are dropped: `context-1m-*` bills long prompts at a premium,
 * `extended-cache-ttl-*` bills cache writes double, and the server-tool betas (mcp-client, code-execution,
 * web-fetch, files-api) serve fields the allowlist refuses anyway. Claude Code's own `claude-code-*`,
 * `oauth-*` and `context-management-*` mean nothing to an upstream holding portai's key and dropped fields.
 */
export const ANTHROPIC_BETAS_FORWARDED = ['interleaved-thinking-', 'fine-grained-tool-streaming-', 'token-efficient-tools-'];

export function forwardedBetas(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const kept = header
    .split(',')
    .map((value) => value.trim())
    .filter((value) => ANTHROPIC_BETAS_FORWARDED.some((prefix) => value.startsWith(prefix)));
  return kept.length ? kept.join(',') : undefined;
}
