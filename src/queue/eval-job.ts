// Deferred evals (`portai eval --defer`, a new model's trial): a job of kind `eval` that the worker takes only when
// no ordinary run is runnable, whose every request leaves the reserve of each window to ordinary runs. Running out
// of spare quota is waiting, never failing: the job comes back when the window resets and runs what is left.
import type { Config, Skill } from '../types.js';
import type { JobRow, Ledger } from '../ledger/index.js';
import { newId } from '../ledger/ids.js';
import { loadSkillRef } from '../skills/index.js';
import { loadSkillTests, runEval, skillContentHash, type EvalReport } from '../evals/index.js';
import { withCatalogModels } from '../catalog/admit.js';
import type { Progress } from '../runner/progress.js';
import { LedgerWriteError } from '../ledger/disk-fault.js';

export const DEFAULT_EVAL_RESERVE = 0.2;
/** an eval whose requests were sent but never answered (429s, an outage) tries again after this, doubling */
const RETRY_BASE_MS = 15 * 60_000;
const MAX_EVAL_ATTEMPTS = 8;

export interface EvalJobSpec {
  /** provider/model refs; absent: the routes' candidates when the job runs */
  models?: string[];
  repeat?: number;
  /** why it was queued: `portai eval --defer`, or a catalog sync's new model */
  reason?: string;
}

export function evalReserve(config: Config): number {
  return config.defaults.evals?.reserve ?? DEFAULT_EVAL_RESERVE;
}

/** Queue an eval of the skill; its run id is a name of its own (`eval-…`): an eval is no run of the skill. */
export function deferEval(ledger: Ledger, skill: Skill, spec: EvalJobSpec, now: number): { job_id: string; run_id: string } {
  const run_id = `eval-${newId(now)}`;
  const job_id = ledger.enqueue({ run_id, skill: skill.name, not_before_ms: now, kind: 'eval', spec }, now);
  return { job_id, run_id };
}

/** A live eval job for the skill with exactly these models: a second sync of the same new model queues nothing. */
export function pendingEval(ledger: Ledger, skill: string, models: string[]): JobRow | undefined {
  const key = JSON.stringify([...models].sort());
  return ledger.listJobs().find((job) => job.kind === 'eval' && job.skill === skill && ['queued', 'waiting', 'running'].includes(job.state)
    && JSON.stringify([...(specOf(job).models ?? [])].sort()) === key);
}

export function specOf(job: JobRow): EvalJobSpec {
  try {
    return (job.spec_json ? JSON.parse(job.spec_json) : {}) as EvalJobSpec;
  } catch {
    return {};
  }
}

export interface EvalJobInput {
  config: Config;
  ledger: Ledger;
  env: Record<string, string | undefined>;
  progress: Progress;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
}

export async function workEvalJob(input: EvalJobInput, job: JobRow): Promise<void> {
  const { ledger, progress, clock } = input;
  const spec = specOf(job);
  const fail = (reason: string) => ledger.setJobState(job.id, 'failed', { reason });
  let skill: Skill;
  try {
    skill = loadSkillRef(job.skill, input.config.skills_dirs);
  } catch (error) {
    fail(`the skill cannot be loaded: ${(error as Error).message}`);
    return;
  }
  // a model found by a catalog sync is a candidate only through the catalog the ledger holds now
  const config = withCatalogModels(input.config, ledger);
  const since = Date.parse(job.created_utc);
  const hash = skillContentHash(skill);
  let report: EvalReport;
  try {
    const tests = loadSkillTests(skill);
    if (!tests || tests.cases.length === 0) {
      fail(`skill ${skill.name} has no test cases to run`);
      return;
    }
    progress.info(`job ${job.id}: eval of ${skill.name}${spec.models ? ` on ${spec.models.join(', ')}` : ''} (stops at ${Math.round(evalReserve(config) * 100)}% left of each window)`);
    report = await runEval({
      config, ledger, skill, tests, models: spec.models, repeat: spec.repeat, env: input.env, progress, clock, sleep: input.sleep,
      reserve: evalReserve(config),
      // lower priority than ordinary runs: one that becomes runnable meanwhile goes first
      giveWay: () => ledger.runnableRunWaits(clock()),
      // what this job already ran (before a wait) is not run again
      done: (caseId, candidate) => ledger.evalResultsOf(skill.name).filter((row) => row.case_id === caseId && row.candidate === candidate && row.skill_hash === hash && row.status !== 'not_run' && row.created_ms >= since).length,
    });
  } catch (error) {
    if (error instanceof LedgerWriteError) throw error;
    // bad input found only now (a model gone from the config, a broken tests file): waiting will not help
    fail((error as Error).message);
    return;
  }

  if (report.candidates.length === 0) {
    const times = report.rejected.map((rejection) => rejection.until_ms).filter((time): time is number => typeof time === 'number');
    const reason = report.rejected.map((rejection) => `${rejection.ref} — ${rejection.guard}: ${rejection.reason}`).join('; ') || 'no candidate';
    if (times.length === 0) return fail(`no candidate can run the cases: ${reason}`);
    return wait(input, job, Math.min(...times), reason);
  }
  if (report.gave_way) {
    // back in the queue at once: the worker claims the ordinary run first, then this job carries on where it stopped
    ledger.setJobState(job.id, 'queued', { not_before_ms: clock(), reason: 'gave way to an ordinary run' });
    progress.info(`job ${job.id}: eval of ${skill.name} gives way to an ordinary run and carries on after it`);
    return;
  }
  const notRun = report.runs.filter((run) => run.status === 'not_run');
  if (notRun.length === 0) {
    // over every pass of this job, not just the last one (a job that waited ran in parts)
    const ran = ledger.evalResultsOf(skill.name).filter((row) => row.skill_hash === hash && row.status !== 'not_run' && row.created_ms >= since && !row.case_id.startsWith('run:'));
    const text = report.candidates.map((candidate) => {
      const mine = ran.filter((row) => row.candidate === candidate);
      return `${candidate} ${mine.filter((row) => row.status === 'pass').length}/${mine.length} pass`;
    }).join(', ');
    ledger.setJobState(job.id, 'done', { reason: text });
    progress.info(`job ${job.id}: eval of ${skill.name} done — ${text}`);
    return;
  }
  const reason = `${notRun.length} case run${notRun.length === 1 ? '' : 's'} not run yet: ${notRun[0].problem ?? 'not run'}`;
  if (notRun.every((run) => run.until_ms === null)) return fail(reason);
  const known = notRun.map((run) => run.until_ms).filter((time): time is number => typeof time === 'number');
  const unanswered = notRun.some((run) => run.until_ms === undefined);
  // sent and never answered (a 429, an outage): not the model's fault; a try toward giving up, never a failure of it
  const attempts = unanswered ? ledger.countJobAttempt(job.id) : job.attempts;
  if (attempts >= MAX_EVAL_ATTEMPTS) return fail(`${reason} (gave up after ${attempts} tries)`);
  // a reset time the guards know beats a guess; with none, back off
  return wait(input, job, known.length > 0 ? Math.min(...known) : clock() + RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1), reason);
}

function wait(input: EvalJobInput, job: JobRow, at: number, reason: string): void {
  input.ledger.setJobState(job.id, 'waiting', { not_before_ms: at, reason });
  input.progress.info(`job ${job.id} waits until ${new Date(at).toISOString()}: ${reason}`);
}
