// `portai worker`: work the queue under every guard. A job whose candidates are all blocked waits until the
// earliest one unblocks — it never pays and never fails for a temporary block.
import os from 'node:os';
import type { Config, Skill } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { loadRunSkill } from '../runner/load-run-skill.js';
import { runSkill } from '../runner/run-skill.js';
import type { RunResult } from '../runner/result.js';
import type { Progress } from '../runner/progress.js';
import { enqueueDueSchedules } from './schedules.js';
import { notify } from './notify.js';
import { parseDuration } from './duration.js';
import { LedgerWriteError } from '../ledger/disk-fault.js';
import { withCatalogModels } from '../catalog/admit.js';
import { workEvalJob } from './eval-job.js';

export interface WorkerOptions {
  config: Config;
  ledger: Ledger;
  env: Record<string, string | undefined>;
  progress: Progress;
  /** work what is runnable now, then return */
  once?: boolean;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** set to stop after the job in flight */
  signal?: AbortSignal;
  /** how long a claimed job is ours before another worker may take it over */
  lease_ms?: number;
  /** idle poll interval */
  poll_ms?: number;
  /** while the ledger cannot be written (a full disk), try again this often */
  disk_recheck_ms?: number;
}

/** After a run that failed for a passing reason, wait this long (doubling per attempt) before trying again. */
const RETRY_BASE_MS = 60_000;
const MAX_JOB_ATTEMPTS = 8;
/** A job waiting for the user (a cost alarm, `providers unblock`) looks again this often: it runs soon after they act. */
const USER_ACTION_RECHECK_MS = 5 * 60_000;

export async function runWorker(options: WorkerOptions): Promise<{ ran: number }> {
  // the ledger's clock: on a shared ledger the database server's, so every machine's leases and windows agree
  const clock = options.clock ?? (() => options.ledger.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const owner = { id: `${os.hostname()}:${process.pid}:${clock()}`, pid: process.pid, host: os.hostname() };
  const leaseMs = options.lease_ms ?? 10 * 60_000;
  let ran = 0;
  // a full disk is a fault of the machine: stay up, say so once, and carry on when a write succeeds again
  let fault: LedgerWriteError | undefined;
  let interrupted: Job | undefined;
  while (!options.signal?.aborted) {
    try {
      // the first write after a fault: the job it cut short goes back to the queue (its steps so far are kept)
      if (interrupted) options.ledger.setJobState(interrupted.id, 'queued');
      interrupted = undefined;
      enqueueDueSchedules(options.config, options.ledger, options.env, clock(), options.progress);
      await reportDeadlines(options, clock());
      const job = options.ledger.claimJob(owner, clock(), leaseMs);
      if (fault) {
        options.progress.info('the ledger can be written again: working the queue');
        fault = undefined;
      }
      if (!job) {
        if (options.once) break;
        await sleep(options.poll_ms ?? 5_000);
        continue;
      }
      ran++;
      // keep the lease fresh while the job runs, so a worker on another host does not take over a slow job
      const renew = setInterval(() => {
        try {
          options.ledger.renewLease(job.id, owner, clock() + leaseMs);
        } catch {
          // a full disk: the lease is renewed on the next tick, or the job is handed back after the fault
        }
      }, Math.max(1_000, leaseMs / 3));
      try {
        await workJob(options, job, clock, sleep);
      } catch (error) {
        if (error instanceof LedgerWriteError) interrupted = job;
        throw error;
      } finally {
        clearInterval(renew);
      }
    } catch (error) {
      if (!(error instanceof LedgerWriteError) || options.once) throw error;
      const recheckMs = options.disk_recheck_ms ?? 30_000;
      if (!fault) options.progress.warn(`${error.message} (the worker keeps running and checks again every ${recheckMs >= 1000 ? `${Math.round(recheckMs / 1000)} s` : `${recheckMs} ms`})`);
      fault = error;
      await sleep(recheckMs);
    }
  }
  return { ran };
}

type Job = NonNullable<ReturnType<Ledger['claimJob']>>;

async function workJob(options: WorkerOptions, job: Job, clock: () => number, sleep: (ms: number) => Promise<void>): Promise<void> {
  const { ledger, progress } = options;
  if (job.kind === 'eval') return workEvalJob({ config: options.config, ledger, env: options.env, progress, clock, sleep }, job);
  // route patterns admit the catalog as it is now: a sync since the worker started counts
  const config = withCatalogModels(options.config, ledger);
  const run = ledger.getRun(job.run_id);
  if (!run) {
    ledger.setJobState(job.id, 'failed', { reason: 'its run is missing from the ledger' });
    return;
  }
  let skill: Skill;
  try {
    skill = loadRunSkill(run);
  } catch (error) {
    finish(options, job, 'failed', `the skill cannot be loaded: ${(error as Error).message}`);
    return;
  }
  progress.info(`job ${job.id}: ${skill.name} (run ${run.id}, ${job.attempts} failed attempt${job.attempts === 1 ? '' : 's'} so far)`);
  let result: RunResult;
  try {
    result = await runSkill({ config, ledger, skill, given: {}, env: options.env, progress, runId: run.id, clock, sleep });
  } catch (error) {
    if (error instanceof LedgerWriteError) throw error;
    // bad input found only now (an env var gone, a template broken by an edit): waiting will not help
    ledger.setRunStatus(run.id, 'failed', { error: (error as Error).message });
    await notify(skill.notify, { event: 'failed', run_id: run.id, skill: skill.name, status: 'failed', output: null, problem: [(error as Error).message] });
    finish(options, job, 'failed', (error as Error).message);
    return;
  }

  // notify before the job is finished: a worker killed during the webhook leaves the job to the next worker,
  // which finds every step done and sends the webhook again with the same Idempotency-Key
  if (result.status === 'ok') {
    await notifyAndWarn(options, skill, { event: 'done', run_id: run.id, skill: skill.name, status: 'ok', output: result.output });
    finish(options, job, 'done', null);
    return;
  }
  const reason = (result.problem ?? []).join(' ').replace(/\s+/g, ' ').trim() || result.status;
  if (result.awaiting_user) {
    ledger.setJobState(job.id, 'waiting', { not_before_ms: null, reason: `waiting for you: ${reason}`, awaiting_user: true });
    progress.warn(`job ${job.id} waits for you: ${reason}`);
    return;
  }
  if (result.status === 'blocked') {
    if ((result.unblock_at_ms === null || result.unblock_at_ms === undefined) && (result.unblock_commands ?? []).length > 0) {
      // no time lifts it, but the user can: wait for them, saying how, and look again now and then
      const how = (result.unblock_commands ?? []).map((command) => `\`${command}\``).join(' or ');
      const waitReason = `waiting for you: run ${how} — ${reason}`;
      ledger.setRunStatus(run.id, 'queued');
      ledger.setJobState(job.id, 'waiting', { not_before_ms: clock() + USER_ACTION_RECHECK_MS, reason: waitReason });
      progress.info(`job ${job.id} waits for you: run ${how}`);
      return;
    }
    if (result.unblock_at_ms === null || result.unblock_at_ms === undefined) {
      // blocked for good (budget, privacy, no allowed model): fail now with the reason, never wait forever
      await notifyAndWarn(options, skill, { event: 'failed', run_id: run.id, skill: skill.name, status: 'blocked', output: null, problem: result.problem });
      finish(options, job, 'failed', reason);
      return;
    }
    ledger.setRunStatus(run.id, 'queued');
    ledger.setJobState(job.id, 'waiting', { not_before_ms: result.unblock_at_ms, reason });
    progress.info(`job ${job.id} waits until ${new Date(result.unblock_at_ms).toISOString()}: ${reason}`);
    return;
  }
  // failed after sending: that alone is an attempt. Try again when the blocks it left lift (Retry-After: exactly
  // then), else with backoff; after MAX_JOB_ATTEMPTS give up and say so
  const attempts = ledger.countJobAttempt(job.id);
  if (attempts < MAX_JOB_ATTEMPTS) {
    const at = result.unblock_at_ms ?? clock() + RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1);
    ledger.setRunStatus(run.id, 'queued');
    ledger.setJobState(job.id, 'waiting', { not_before_ms: at, reason });
    progress.info(`job ${job.id} failed (${reason}); trying again at ${new Date(at).toISOString()}`);
    return;
  }
  await notifyAndWarn(options, skill, { event: 'failed', run_id: run.id, skill: skill.name, status: 'failed', output: null, problem: result.problem });
  finish(options, job, 'failed', reason);
}

function finish(options: WorkerOptions, job: Job, state: 'done' | 'failed', reason: string | null): void {
  options.ledger.setJobState(job.id, state, { reason: reason ?? undefined });
}

async function notifyAndWarn(options: WorkerOptions, skill: Skill, payload: Parameters<typeof notify>[1]): Promise<void> {
  const problem = await notify(skill.notify, payload);
  if (problem) options.progress.warn(`${skill.name}: ${problem}`);
}

/** A deferred run still waiting past its skill's `deadline` is reported once through notify: never silent. */
async function reportDeadlines(options: WorkerOptions, now: number): Promise<void> {
  for (const job of options.ledger.listJobs()) {
    if ((job.state !== 'waiting' && job.state !== 'queued') || job.deadline_notified) continue;
    const run = options.ledger.getRun(job.run_id);
    if (!run) continue;
    let skill: Skill;
    try {
      skill = loadRunSkill(run);
    } catch {
      continue;
    }
    if (!skill.deadline || !skill.notify) continue;
    const deadline = Date.parse(run.now_utc) + parseDuration(skill.deadline);
    if (now < deadline) continue;
    // sent, then marked: a worker killed in between sends it again, under the same Idempotency-Key
    await notifyAndWarn(options, skill, { event: 'deadline', run_id: run.id, skill: skill.name, status: 'waiting', output: null, problem: [job.reason ?? 'still waiting'] });
    options.ledger.markDeadlineNotified(job.id);
  }
}
