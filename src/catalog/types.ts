// The catalog's own vocabulary: one stored row per model, what a sync reports, what `models list` shows.

import type { CatalogModel } from '../ledger/index.js';

/** One model of a provider's catalog, normalised: prices in USD per million tokens (null = unknown) — the ledger's row. */
export type CatalogRow = CatalogModel;

/** The part of the ledger the catalog needs; the real Ledger satisfies it. */
export interface CatalogLedger {
  saveCatalog(provider: string, models: CatalogRow[], synced_ms: number): void;
  catalogOf(provider: string): CatalogRow[];
  lastSync(provider: string): number | undefined;
}

export interface PricedModel {
  id: string;
  /** USD per million tokens */
  input: number | null;
  output: number | null;
}

export interface ExpiringModel {
  id: string;
  expires: string;
  /** whole days from now until the expiry; negative when already past */
  days_left: number;
  configured: boolean;
}

/** What changed for one provider, against the config and the previous sync. */
export interface CatalogChanges {
  /** configured models the catalog no longer lists */
  gone: string[];
  /** models configured as free whose catalog price is not zero */
  priced: PricedModel[];
  /** configured or free models whose expiration date is within 14 days */
  expiring: ExpiringModel[];
  /** free models (`:free` or zero price) the previous sync did not list; empty on a first sync */
  new_free: string[];
}

export interface SyncReport extends CatalogChanges {
  provider: string;
  ok: boolean;
  /** why the sync failed (the provider's own words, never the key) */
  error?: string;
  fix?: string;
  /** models in the catalog now */
  models: number;
  synced_utc: string | null;
  /** null on a first sync */
  previous_sync_utc: string | null;
}

/** One line of `portai models list`. */
export interface ModelListRow {
  provider: string;
  id: string;
  /** USD per million tokens; null = unknown */
  input_per_million: number | null;
  output_per_million: number | null;
  context: number | null;
  expires: string | null;
  free: boolean;
  /** used by the config: under `<provider>/*` or named in a route */
  configured: boolean;
  /** what the config or the preset says; null = unknown */
  trains_on_data: boolean | null;
  /** of the skills with fresh eval evidence on this model, how many it passed; absent when none has any */
  evals?: { passed: number; tested: number };
}
