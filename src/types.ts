// The shared spec types of portai. This file imports nothing from the project:
// every module may depend on it, it depends on no module.

export type Effort = 'low' | 'medium' | 'high';
export type Privacy = 'private' | 'public';
/** free: never bills. subscription: a flat plan with quotas, never bills per token. metered: pay per token. */
export type Billing = 'free' | 'subscription' | 'metered';
export type WireProtocol = 'openai-chat' | 'anthropic-messages';
/** Which provider's quirks apply (request extras, error reading). Presets name it. */
export type ProviderFamily = 'openrouter' | 'zai' | 'opencode' | 'openai' | 'anthropic' | 'ollama' | 'generic';
export type AuthScheme = 'bearer' | 'x-api-key' | 'none';

// ───────────────────────────── presets and config ─────────────────────────────

export interface Price {
  /** USD per million input tokens */
  input: number;
  /** USD per million output tokens */
  output: number;
}

/** Facts about one model. Anything not stated is unknown (see DESIGN.md "Precise rules"). */
export interface ModelFacts {
  id: string;
  /** Overrides the provider's default wire protocol for this model (OpenCode Go: MiniMax/Qwen speak /messages). */
  wire?: WireProtocol;
  billing?: Billing;
  trains_on_data?: boolean;
  /** context window in tokens */
  context?: number;
  /** the model's own output limit in tokens */
  max_output?: number;
  price?: Price;
  /** how the model's thinking mode is switched on for high effort; absent = no thinking control */
  thinking?: 'openrouter-reasoning' | 'zai-thinking' | 'anthropic-thinking';
  /**
   * a request to this model counts this many times against request windows (Z.AI GLM-5.x on prompt plans: 3 at peak,
   * 2 off-peak). Default 1. With peak/off_peak, the provider's limits.peak_hours decide which applies.
   */
  quota_weight?: number | PeakRate;
  /** what a request draws from credit windows, per million tokens (Z.AI's credit plans); absent = unknown */
  credits?: CreditRate;
  /** ISO date after which the model leaves the provider (OpenRouter expiration_date) */
  expires?: string;
  /** what the model reads (OpenRouter architecture.input_modalities); absent = unknown = text only */
  input_modalities?: Array<'text' | 'image' | 'audio' | 'video' | 'file'>;
}

/** A number that differs at the provider's peak hours (limits.peak_hours). */
export interface PeakRate {
  peak: number;
  off_peak: number;
}

/** Credits per million tokens at the standard rate; `off_peak` multiplies it outside the provider's peak hours. */
export interface CreditRate {
  input: number;
  output: number;
  /** e.g. 0.5: half the credits outside limits.peak_hours; default 1 */
  off_peak?: number;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** When a provider's peak hours are, in its own time zone: [from, to) local time on the listed days. */
export interface PeakHours {
  /** IANA name, e.g. Asia/Shanghai (UTC+8, no daylight saving) */
  timezone: string;
  /** "14:00" */
  from: string;
  /** "18:00", exclusive */
  to: string;
  /** default every day */
  days?: Weekday[];
}

/**
 * One allowance of a provider: a rolling span of hours, or a calendar day/week/month in a time zone; counted in
 * requests (weighted), credits, or USD at list price; for every model of the entry, or only for `models` (a
 * per-model cap, beside the provider-wide ones).
 */
export interface WindowLimit {
  /** rolling: the last N hours */
  hours?: number;
  /** calendar: resets at the start of the day / week (Monday) / month in `timezone` */
  calendar?: 'day' | 'week' | 'month';
  /** for calendar windows; default UTC */
  timezone?: string;
  /** calendar months that start on another day (a subscription's renewal day), 1–28; default 1 */
  month_day?: number;
  requests?: number;
  usd?: number;
  credits?: number;
  /** a per-model cap: only requests to these models count, and only they are held back when it is full */
  models?: string[];
}

export interface Limits {
  requests_per_minute?: number;
  /** UTC calendar day */
  requests_per_day?: number;
  /** rolling windows, counted in requests or in USD at list price */
  windows?: WindowLimit[];
  /** metered spend cap for this provider, UTC day */
  usd_per_day?: number;
  /** requests in flight at once (queue worker) */
  concurrency?: number;
  /** rolling windows (per minute, `windows`) unblock this long after their oldest request leaves them; default 1 */
  margin_seconds?: number;
  /** when quota_weight.peak and the credit rate at peak apply */
  peak_hours?: PeakHours;
}

export type ErrorKind =
  | 'auth'
  | 'payment_required'
  | 'rate_limited'
  | 'quota_exhausted'
  | 'model_gone'
  | 'overloaded'
  | 'bad_request'
  | 'context_overflow'
  | 'timeout'
  | 'network'
  | 'bad_response';

/**
 * What an error blocks.
 * model: just this model (upstream 429, gone);
 * provider: every model of this provider entry (per-minute cap, 5-hour quota, 402);
 * free_pool: every free model of this provider entry (OpenRouter's daily free cap);
 * none: nothing beyond this request.
 */
export type ErrorScope = 'none' | 'model' | 'provider' | 'free_pool';

/** How to find when a block ends. */
export type ResetSource =
  | 'retry-after' // Retry-After / retry-after-ms headers
  | 'x-ratelimit-reset' // X-RateLimit-Reset header or error.metadata.headers.X-RateLimit-Reset, epoch ms
  | 'message-beijing-time' // "... reset at 2026-09-09 05:38:28" in the message, UTC+8
  | 'message-reset-in' // "... It will reset in 5 days 10 hours." in the message (OpenCode Go), from now
  | 'next-utc-midnight';

/** One line of a preset's "how to read this provider's errors". First match wins; unmatched errors use status defaults. */
export interface ErrorRule {
  status?: number | number[];
  /** matches error.code (or error.type) in the body, compared as strings */
  code?: string | number | Array<string | number>;
  /** case-insensitive substring of the error message */
  message?: string;
  kind: ErrorKind;
  scope?: ErrorScope;
  retryable?: boolean;
  reset?: ResetSource;
  /** extra words shown to the user, e.g. "this is a payment problem, not a rate limit" */
  hint?: string;
}

/** A preset file in providers/, after validation. */
export interface Preset {
  name: string;
  description: string;
  family: ProviderFamily;
  wire: WireProtocol;
  /** base URL per wire protocol; the default wire's URL is required */
  base_urls: Partial<Record<WireProtocol, string>>;
  api_key_env?: string;
  auth: AuthScheme;
  headers?: Record<string, string>;
  billing: Billing;
  limits?: Limits;
  models: ModelFacts[];
  errors?: ErrorRule[];
  /** path under the openai-chat base URL of the model catalog, e.g. /models */
  catalog?: string;
  /** full URL of a quota endpoint (Z.AI) */
  quota_url?: string;
  /** caveats `doctor` prints */
  warnings?: string[];
  /** what every model of this provider states unless it says otherwise (Ollama: local, so false) */
  trains_on_data?: boolean;
  /** the plan tiers and their limits (merged over `limits`); the config's `plan` picks one */
  plans?: Record<string, Limits>;
  /** the tier used when the config names none (the smallest, so portai never counts on more than is bought) */
  plan?: string;
}

export interface ResolvedModel extends ModelFacts {
  wire: WireProtocol;
  billing: Billing;
  /** not in the config or preset: a free model of the last catalog sync that a route pattern admits (on trial) */
  from_catalog?: boolean;
}

/** A provider entry of the config merged over its preset. */
export interface ResolvedProvider {
  name: string;
  preset: string;
  family: ProviderFamily;
  wire: WireProtocol;
  base_urls: Partial<Record<WireProtocol, string>>;
  /** undefined: this provider needs no key (a local Ollama) */
  api_key_env?: string;
  auth: AuthScheme;
  headers: Record<string, string>;
  billing: Billing;
  limits: Limits;
  /** every known model: the config's facts over the preset's */
  models: ResolvedModel[];
  /** what `<provider>/*` expands to, in order: the config's listed models if it lists any, else the preset's */
  wildcard: string[];
  errors: ErrorRule[];
  catalog?: string;
  quota_url?: string;
  warnings: string[];
  /** the plan tier whose limits apply, when the preset has tiers */
  plan?: string;
  /** true when the config named the plan, false when it is the preset's default */
  plan_chosen?: boolean;
}

export interface RouteWhen {
  effort?: Effort;
  privacy?: Privacy;
  /** glob over the skill name */
  skill?: string;
  tag?: string;
}

export interface RouteRule {
  when?: RouteWhen;
  /** `<provider>/<model id>` or `<provider>/*` */
  use: string[];
  /** ranked (default): equally-priced candidates by recent health; fixed: exactly the `use` order */
  order?: 'ranked' | 'fixed';
}

/** What the ledger knows about one model's recent requests: the evidence candidates are ranked by. */
export interface HealthEvidence {
  provider: string;
  model: string;
  /** requests finished in the last hour, and how many of them succeeded */
  total: number;
  ok: number;
  /** success score in [0, 1], recent requests weighing more; 0.5 with no evidence */
  score: number;
  /** failures in the last 10 minutes */
  recent_failures: number;
  /** mean duration of the successful requests, ms; null when there are none */
  latency_ms: number | null;
}

export interface CalendarTarget {
  caldav?: string;
  username_env?: string;
  password_env?: string;
  ics?: string;
}

export interface ServeAlias {
  effort?: Effort;
  privacy?: Privacy;
  tag?: string;
  max_tokens?: number;
}

/** Server-side paid features `portai serve` forwards only when `serve.allow` names them (priced by the spend guard). */
export type ServeFeature = 'web_search';

export interface Config {
  /** the file it came from; null for the built-in default */
  file: string | null;
  /** folders searched for skills, in order */
  skills_dirs: string[];
  timezone?: string;
  defaults: { privacy: Privacy; quality?: QualityRule; evals?: EvalDefaults };
  budget: { usd_per_day: number };
  providers: Record<string, ResolvedProvider>;
  routes: RouteRule[];
  retry: { max_wait_seconds: number };
  calendars: Record<string, CalendarTarget>;
  serve: { privacy?: Privacy; models: Record<string, ServeAlias>; allow?: ServeFeature[] };
  /** a shared PostgreSQL ledger (`ledger.url`); absent: SQLite in PORTAI_HOME */
  ledger?: { url: string };
}

// ───────────────────────────── skills ─────────────────────────────

export type JsonSchema = Record<string, unknown>;

/** `quality:` in defaults or a skill: how eval evidence steers routing. */
export interface QualityRule {
  /** a candidate whose Wilson 95% lower bound on this skill is below this is not used */
  min_pass_rate?: number;
  /** a candidate with no fresh evidence on this skill: used (allow), used after the tested ones (avoid), never (deny) */
  untested: 'allow' | 'avoid' | 'deny';
}

/** `defaults.evals`: how deferred evals share the quota with ordinary runs. */
export interface EvalDefaults {
  /** the fraction of each window a deferred eval leaves for ordinary runs; default 0.2 */
  reserve?: number;
}

/** Fresh eval results of one candidate on one skill. */
export interface QualityEvidence {
  passed: number;
  failed: number;
  lower_bound: number;
}

interface StepBase {
  id: string;
  /** template that renders to "true"/"false"; false skips the step */
  when?: string;
}

export interface LlmStep extends StepBase {
  kind: 'llm';
  effort: Effort;
  prompt: string;
  system?: string;
  /** output must validate; implies JSON output */
  schema?: JsonSchema;
  max_output_tokens?: number;
  tag?: string;
}

export interface ActionStep extends StepBase {
  kind: 'action';
  action: 'http' | 'calendar';
  /** the action's own block as written in the skill (templates not yet rendered) */
  spec: Record<string, unknown>;
}

export type Step = LlmStep | ActionStep;

export interface NotifySpec {
  webhook?: string;
  command?: string;
}

export interface Skill {
  name: string;
  description?: string;
  outcome: string;
  privacy?: Privacy;
  tags: string[];
  /** JSON Schema properties of the inputs */
  inputs: Record<string, JsonSchema>;
  /** input names without a default that must be given */
  required: string[];
  /** the input marked `stdin: true`: piped standard input becomes its value */
  stdin_input?: string;
  /** environment variables the templates may read as env.NAME */
  env: string[];
  steps: Step[];
  defer?: boolean;
  schedule?: { cron: string; inputs?: Record<string, unknown> };
  notify?: NotifySpec;
  /** e.g. "6h": a deferred run still waiting after this is reported through notify */
  deadline?: string;
  quality?: QualityRule;
  /** where it came from */
  file: string;
  /** the file's text */
  source: string;
  /** sha256 of source, hex */
  hash: string;
  /** the git commit of the file when it was loaded from git (name@rev) */
  commit?: string;
}

// ───────────────────────────── wire ─────────────────────────────

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One request, in portai's own terms; the adapter turns it into the wire format and the provider's quirks. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  max_output_tokens?: number;
  /** ask for JSON output; with a schema when known */
  json?: { schema?: JsonSchema };
  effort: Effort;
  /** switch the model's thinking mode on (high effort and the model supports it) */
  thinking?: ModelFacts['thinking'];
  privacy: Privacy;
  /** the request must never be billed: OpenRouter gets max_price 0 */
  free_only: boolean;
  stream?: boolean;
  /** called with each text delta while streaming */
  onText?: (delta: string) => void;
}

export interface ChatResponse {
  text: string;
  /** the model that served, as the provider reports it */
  model: string;
  input_tokens?: number;
  output_tokens?: number;
  /** cost the provider reported (OpenRouter usage.cost), USD */
  cost_usd?: number;
  finish_reason?: string;
  http_status: number;
}

export interface Timeouts {
  connect_ms: number;
  /** until the response headers arrive */
  first_byte_ms: number;
  /** between two chunks of the body */
  idle_ms: number;
}

/** Where and how to send one request. The key is resolved by the caller and never logged. */
export interface Endpoint {
  provider: string;
  family: ProviderFamily;
  base_url: string;
  api_key?: string;
  auth: AuthScheme;
  headers: Record<string, string>;
  errors: ErrorRule[];
  timeouts: Timeouts;
}

export interface WireAdapter {
  protocol: WireProtocol;
  /** Throws ProviderError on any failure, including a 200 that carries an error. */
  send(endpoint: Endpoint, request: ChatRequest, signal?: AbortSignal): Promise<ChatResponse>;
}

// ───────────────────────────── routing ─────────────────────────────

export type GuardName = 'key' | 'spend' | 'quota' | 'privacy' | 'context' | 'health' | 'cost_alarm' | 'catalog' | 'quality';

export interface Candidate {
  /** `<provider>/<model>` */
  ref: string;
  provider: string;
  model: string;
  billing: Billing;
  /** worst-case cost of the request in USD; 0 for free and subscription; null when the price is unknown */
  worst_usd: number | null;
  /** expected cost: prompt estimate and half the max output */
  expected_usd: number | null;
  /** the eval evidence on this skill, when a quality rule applies: "9/10 pass, lower bound 0.60" */
  evidence?: string;
}

export interface Rejection {
  ref: string;
  provider: string;
  model: string;
  guard: GuardName;
  reason: string;
  /** what would unblock it, for the user */
  unblock?: string;
  /** when it unblocks by itself, epoch ms; null = never by itself (budget, privacy) */
  until_ms?: number | null;
}

export interface Plan {
  step: string;
  /** index of the matched route rule, or null for `--use` */
  rule: number | null;
  rule_text: string;
  candidates: Candidate[];
  rejected: Rejection[];
  prompt_tokens_estimate: number;
  estimate_usd: { low: number | null; expected: number | null; high: number | null };
  /** how the candidates were ordered; `ranked` plans carry the recent health of each candidate that had any */
  order?: 'ranked' | 'fixed';
  health?: HealthEvidence[];
}

/** What the step asks of routing. */
export interface StepTraits {
  skill: string;
  step: string;
  effort: Effort;
  privacy: Privacy;
  tags: string[];
  prompt_chars: number;
  max_output_tokens?: number;
  /** USD a request bills on top of its tokens, whatever the model's billing (serve's web search); counted as spend */
  surcharge_usd?: number;
  /**
   * A deferred eval's request: this fraction of each request window (minute, day, rolling windows, their USD) is kept
   * for ordinary runs, so the request is refused once the window is that full (defaults.evals.reserve, default 0.2).
   */
  reserve?: number;
}

export interface WindowUsage {
  /** rolling windows: their length; calendar windows leave it out */
  hours?: number;
  requests: number;
  usd: number;
  credits?: number;
  /** oldest request counted in the window, epoch ms; optional */
  oldest_ms?: number;
}

/** Counts from the ledger at one moment, for one provider entry. */
export interface ProviderUsage {
  provider: string;
  /** weighted requests in the last 60 s plus the provider's rolling margin (limits.margin_seconds) */
  minute: number;
  /** when the oldest request counted in `minute` was sent, epoch ms (the minute frees 60 s later); optional */
  minute_oldest_ms?: number;
  /** weighted requests since 00:00 UTC */
  day: number;
  /** per configured window (same order as limits.windows): weighted requests, USD at list price and credits */
  windows: WindowUsage[];
  /** metered spend of this provider since 00:00 UTC (reported cost, or reserved worst case while in flight) */
  usd_today: number;
  in_flight: number;
}

export interface UsageSnapshot {
  now_ms: number;
  providers: Record<string, ProviderUsage>;
  /** metered spend over all providers since 00:00 UTC */
  metered_usd_today: number;
}

export interface HealthBlock {
  provider: string;
  /** null: the whole scope */
  model: string | null;
  scope: 'model' | 'provider' | 'free_pool';
  /** why: the error kind, or 'cost_alarm' */
  kind: ErrorKind | 'cost_alarm';
  reason: string;
  /** epoch ms; null = until the user clears it (cost alarm) */
  until_ms: number | null;
  /** set when the block holds for one run only (OpenRouter 402) */
  run_id?: string | null;
}

/** What the last catalog sync said about a configured model (issue: models sync). */
export interface CatalogStatus {
  provider: string;
  model: string;
  /** not in the provider's catalog any more */
  gone: boolean;
  /** a model configured as free whose catalog price is no longer zero */
  priced: boolean;
  synced_ms: number;
}
