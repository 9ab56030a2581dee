export { Ledger, openLedger } from './ledger.js';
export { ledgerHome } from './home.js';
export type { RunInit, RunRow, RunStatus } from './runs.js';
export type { ReserveInput, AttemptResult, AttemptRow, ProviderWindows, HoldRequest } from './attempts.js';
export { startOfUtcDay } from './attempts.js';
export type { JobRow, JobState, JobOwner, JobKind, JobInit } from './jobs.js';
export type { CatalogModel } from './catalog.js';
export type { EvalResultInit, EvalResultRow } from './evals.js';
export type { EffectRow, EffectState } from './effects.js';
