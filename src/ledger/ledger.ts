// The ledger: runs, attempts, blocks, the queue and the catalog, in one SQLite file (WAL) or one PostgreSQL database
// shared by several machines (ledger/postgres/). Both behind the same Db; the callers never know which.
import path from 'node:path';
import type { ChatMessage, HealthBlock, HealthEvidence, Plan, UsageSnapshot } from '../types.js';
import { type Db, SqliteDb } from './db.js';
import { ledgerHome } from './home.js';
import * as runs from './runs.js';
import * as attempts from './attempts.js';
import * as health from './health.js';
import * as jobs from './jobs.js';
import * as catalog from './catalog.js';
import * as evals from './evals.js';
import * as effects from './effects.js';
import * as holds from './holds.js';
import * as history from './history.js';
import type { WindowUsage } from './usage-counters.js';
import { recordAdjustment, type Adjustment } from './adjustments.js';
import { healthEvidence } from './evidence.js';

/** `readonly`: a reader (the dashboard) of a ledger that exists and is migrated; it can never write. */
export function openLedger(home?: string, options: { readonly?: boolean } = {}): Ledger<SqliteDb> {
  return new Ledger<SqliteDb>(new SqliteDb(path.join(home ?? ledgerHome(), 'ledger.db'), options));
}

/** A ledger file (SQLite) or an open database; `D` lets SQLite-only callers (tests, benches) reach `db.sqlite`. */
export class Ledger<D extends Db = Db> {
  readonly db: D;
  readonly file: string;
  /**
   * `--offline`: the shared ledger is not used, this is the local SQLite one; only free requests may be sent
   * (reserve-attempt.ts refuses the others), since this machine cannot see what the others spent.
   */
  offline = false;

  constructor(fileOrDb: string | D) {
    this.db = (typeof fileOrDb === 'string' ? new SqliteDb(fileOrDb) : fileOrDb) as D;
    this.file = this.db.file;
  }

  /** The clock of every window and lease: the database server's on PostgreSQL, so machines never disagree. */
  now(): number {
    return this.db.now();
  }

  // runs
  createRun(init: runs.RunInit): string {
    return runs.createRun(this.db, init);
  }
  getRun(id: string): runs.RunRow | undefined {
    return runs.getRun(this.db, id);
  }
  listRuns(options?: { limit?: number; skill?: string }): runs.RunRow[] {
    return runs.listRuns(this.db, options);
  }
  setRunStatus(id: string, status: Exclude<runs.RunStatus, 'interrupted'>, extra?: { output?: unknown; error?: string | null }): void {
    runs.setRunStatus(this.db, id, status, extra);
  }
  /** The run's holds released and its final status written in one transaction. */
  endRun(id: string, status: Exclude<runs.RunStatus, 'interrupted'>, extra?: { output?: unknown; error?: string | null }): void {
    this.db.immediate(() => {
      holds.releaseHolds(this.db, id);
      runs.setRunStatus(this.db, id, status, extra);
    });
  }
  runStats(skill: string) {
    return runs.runStats(this.db, skill);
  }
  savePlan(runId: string, stepId: string, plan: Plan): void {
    runs.savePlan(this.db, runId, stepId, plan);
  }
  getPlans(runId: string) {
    return runs.getPlans(this.db, runId);
  }
  savePrompt(runId: string, stepId: string, messages: ChatMessage[]): void {
    runs.savePrompt(this.db, runId, stepId, messages);
  }
  getPrompts(runId: string) {
    return runs.getPrompts(this.db, runId);
  }
  saveStepResult(runId: string, stepId: string, contentHash: string, output: unknown): void {
    runs.saveStepResult(this.db, runId, stepId, contentHash, output);
  }
  stepResults(runId: string) {
    return runs.stepResults(this.db, runId);
  }
  findStepResult(contentHash: string): unknown | undefined {
    return runs.findStepResult(this.db, contentHash);
  }

  // side effects of action steps
  markSending(runId: string, stepId: string, key: string | null): void {
    effects.markSending(this.db, runId, stepId, key);
  }
  /** The result replaces `sending`: the output and the effect's end are written together. */
  saveEffectResult(runId: string, stepId: string, contentHash: string, output: unknown, state: 'sent' | 'skipped' = 'sent'): void {
    this.db.immediate(() => {
      runs.saveStepResult(this.db, runId, stepId, contentHash, output);
      effects.finishEffect(this.db, runId, stepId, state);
    });
  }
  finishEffect(runId: string, stepId: string, state: 'failed'): void {
    effects.finishEffect(this.db, runId, stepId, state);
  }
  effectOf(runId: string, stepId: string): effects.EffectRow | undefined {
    return effects.effectOf(this.db, runId, stepId);
  }
  effectsOf(runId: string): effects.EffectRow[] {
    return effects.effectsOf(this.db, runId);
  }

  // attempts and usage
  usage(providers: attempts.ProviderWindows[], now_ms: number, options?: attempts.UsageOptions): UsageSnapshot {
    return attempts.usage(this.db, providers, now_ms, options);
  }
  /** `planned`: the snapshot the request was planned on; judged again by it if nothing was written since (attempts.ts) */
  reserve<T>(input: attempts.ReserveInput, providers: attempts.ProviderWindows[], admit: (snapshot: UsageSnapshot) => T | null, holdsFor: attempts.HoldRequest<T>[] = [], planned?: UsageSnapshot) {
    return attempts.reserve(this.db, input, providers, admit, holdsFor, planned);
  }
  releaseHolds(runId: string): number {
    return holds.releaseHolds(this.db, runId);
  }
  /** `reserved_ms`: the now_ms the attempt was reserved with, if the caller knows it (saves a transaction) */
  markSent(id: string, now_ms: number, reserved_ms?: number): void {
    attempts.markSent(this.db, id, now_ms, reserved_ms);
  }
  finishAttempt(id: string, result: attempts.AttemptResult): void {
    attempts.finishAttempt(this.db, id, result);
  }
  attemptsOf(runId: string): attempts.AttemptRow[] {
    return attempts.attemptsOf(this.db, runId);
  }
  abandonAttempts(runId: string, message: string): number {
    return attempts.abandonAttempts(this.db, runId, message);
  }
  abandonOrphanAttempts(runId: string): number {
    return attempts.abandonOrphanAttempts(this.db, runId);
  }
  releaseStaleReservations(olderThanMs: number): number {
    return attempts.releaseStaleReservations(this.db, olderThanMs);
  }
  /** raise a window's count to what the provider counts (never lower it): one adjustment row */
  recordAdjustment(adjustment: Adjustment): string {
    return recordAdjustment(this.db, adjustment);
  }

  // health
  addBlock(block: HealthBlock): void {
    health.addBlock(this.db, block);
  }
  activeBlocks(now_ms: number, runId?: string | null): HealthBlock[] {
    return health.activeBlocks(this.db, now_ms, runId);
  }
  clearBlocks(provider: string, kind?: string): number {
    return health.clearBlocks(this.db, provider, kind);
  }
  healthEvidence(now_ms: number): HealthEvidence[] {
    return healthEvidence(this.db, now_ms);
  }

  // queue and schedules
  enqueue(job: jobs.JobInit, now_ms?: number): string {
    return jobs.enqueue(this.db, job, now_ms);
  }
  claimJob(owner: jobs.JobOwner, now_ms: number, lease_ms: number): jobs.JobRow | undefined {
    return jobs.claimJob(this.db, owner, now_ms, lease_ms);
  }
  runnableRunWaits(now_ms: number): boolean {
    return jobs.runnableRunWaits(this.db, now_ms);
  }
  renewLease(id: string, owner: jobs.JobOwner, until_ms: number): boolean {
    return jobs.renewLease(this.db, id, owner, until_ms);
  }
  setJobState(id: string, state: jobs.JobState, extra?: jobs.JobStateExtra): void {
    jobs.setJobState(this.db, id, state, extra);
  }
  countJobAttempt(id: string): number {
    return jobs.countJobAttempt(this.db, id);
  }
  listJobs(): jobs.JobRow[] {
    return jobs.listJobs(this.db);
  }
  getJob(id: string): jobs.JobRow | undefined {
    return jobs.getJob(this.db, id);
  }
  /** a job by its own id or by its run's id */
  findJob(id: string): jobs.JobRow | undefined {
    return jobs.findJob(this.db, id);
  }
  cancelJob(id: string): boolean {
    return jobs.cancelJob(this.db, id);
  }
  markDeadlineNotified(id: string): void {
    jobs.markDeadlineNotified(this.db, id);
  }
  lastScheduled(skill: string): number | undefined {
    return jobs.lastScheduled(this.db, skill);
  }
  setLastScheduled(skill: string, ms: number): void {
    jobs.setLastScheduled(this.db, skill, ms);
  }

  // catalog
  saveCatalog(provider: string, models: catalog.CatalogModel[], synced_ms: number): void {
    catalog.saveCatalog(this.db, provider, models, synced_ms);
    // a gone model is blocked until the next sync: from now on the catalog guard says whether it is still gone
    health.clearBlocks(this.db, provider, 'model_gone', synced_ms);
  }
  catalogOf(provider: string): catalog.CatalogModel[] {
    return catalog.catalogOf(this.db, provider);
  }
  previousCatalog(provider: string): catalog.CatalogModel[] {
    return catalog.previousCatalog(this.db, provider);
  }
  lastSync(provider: string): number | undefined {
    return catalog.lastSync(this.db, provider);
  }

  // eval results
  saveEvalResult(init: evals.EvalResultInit): string {
    return evals.saveEvalResult(this.db, init);
  }
  evalResultsOf(skill: string): evals.EvalResultRow[] {
    return evals.evalResultsOf(this.db, skill);
  }
  allEvalResults(): evals.EvalResultRow[] {
    return evals.allEvalResults(this.db);
  }

  // history, for reports
  usageFactsSince(provider: string, since_ms: number): history.UsageFact[] {
    return history.usageFactsSince(this.db, provider, since_ms);
  }
  usageBuckets(provider: string, models: string[] | undefined, size_ms: number, from_ms: number, to_ms: number): history.UsageBucket[] {
    return history.usageBuckets(this.db, provider, models, size_ms, from_ms, to_ms);
  }
  usageAfter(provider: string, models: string[] | undefined, after_ms: number): WindowUsage {
    return history.usageAfter(this.db, provider, models, after_ms);
  }
  spendPerDay(provider: string, since_ms: number): Array<{ day: number; usd: number }> {
    return history.spendPerDay(this.db, provider, since_ms);
  }
  modelOutcomes(since_ms: number): history.ModelOutcomes[] {
    return history.modelOutcomes(this.db, since_ms);
  }
  answerDurationAt(provider: string, model: string, since_ms: number, rank: number): number | undefined {
    return history.answerDurationAt(this.db, provider, model, since_ms, rank);
  }
  lastError(provider: string, model: string, since_ms: number): history.LastError | undefined {
    return history.lastError(this.db, provider, model, since_ms);
  }
  plansSince(since_ms: number): history.PlanFact[] {
    return history.plansSince(this.db, since_ms);
  }
  costAlarms(): history.AlarmFact[] {
    return history.costAlarms(this.db);
  }
  /** differs after any commit, by any process: readers use it to know when to read again */
  changeMark(): string {
    return history.changeMark(this.db);
  }

  close(): void {
    this.db.close();
  }
}
