// portai queue list [--json]
import { openLedgerFor, printJson, type GlobalOptions } from '../context.js';

export default async function queueList(_globals: GlobalOptions, options: { json?: boolean; all?: boolean }): Promise<number> {
  const ledger = await openLedgerFor();
  try {
    const jobs = ledger.listJobs().map((job) => ({
      id: job.id,
      run_id: job.run_id,
      skill: job.skill,
      state: job.state,
      not_before: job.not_before_ms === null || job.not_before_ms === undefined ? null : new Date(job.not_before_ms).toISOString(),
      reason: job.reason ?? null,
      attempts: job.attempts,
    }));
    if (options.json) {
      printJson(jobs);
      return 0;
    }
    const shown = options.all ? jobs : jobs.filter((job) => !['done', 'cancelled'].includes(job.state));
    if (shown.length === 0) process.stdout.write(options.all ? 'the queue is empty\n' : 'nothing queued (see finished jobs with --all)\n');
    for (const job of shown) {
      const when = job.state === 'waiting' && job.not_before ? ` until ${job.not_before}` : '';
      const why = job.reason ? ` because ${job.reason}` : '';
      process.stdout.write(`${job.id}  ${job.skill}  ${job.state}${when}${why}  (attempts ${job.attempts}, run ${job.run_id})\n`);
    }
    return 0;
  } finally {
    ledger.close();
  }
}
