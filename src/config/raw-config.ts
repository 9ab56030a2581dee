// The config file as written, after schema validation and before merging with presets.
import type { Billing, CalendarTarget, Limits, ModelFacts, Privacy, RouteRule, ServeAlias, ServeFeature, WireProtocol, QualityRule, EvalDefaults } from '../types.js';

export interface RawProvider {
  preset: string;
  base_url?: string;
  base_urls?: Partial<Record<WireProtocol, string>>;
  api_key_env?: string;
  billing?: Billing;
  /** the plan tier bought (lite, pro, max): picks the preset's plans.<tier> limits */
  plan?: string;
  limits?: Limits;
  models?: ModelFacts[];
  headers?: Record<string, string>;
}

export interface RawConfig {
  skills?: string | string[];
  timezone?: string;
  defaults?: { privacy?: Privacy; quality?: QualityRule; evals?: EvalDefaults };
  budget?: { usd_per_day?: number };
  providers?: Record<string, RawProvider>;
  routes?: RouteRule[];
  serve?: { privacy?: Privacy; models?: Record<string, ServeAlias>; allow?: ServeFeature[] };
  calendars?: Record<string, CalendarTarget>;
  retry?: { max_wait_seconds?: number };
  ledger?: { url: string };
}

/** Where a field is, for errors found after the schema passed. Empty for the built-in default. */
export type PlaceOf = (path: Array<string | number>) => { line?: number; column?: number };
