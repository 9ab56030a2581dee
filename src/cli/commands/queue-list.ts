// portai queue list [id] [--all] [--json] — the text and JSON forms list the same jobs: finished ones (done,
// cancelled) only with --all. An id (the run id `--defer` printed, or a job id) shows that one job.
import { BadInputError } from '../../errors.js';
import { openLedgerFor, printJson, type GlobalOptions } from '../context.js';
import type { JobRow } from '../../ledger/index.js';
import { listedJob, queueJobs } from '../../report/queue-report.js';

export default async function queueList(_globals: GlobalOptions, id: string | undefined, options: { json?: boolean; all?: boolean }): Promise<number> {
  const ledger = await openLedgerFor();
  try {
    const rows = id === undefined ? queueJobs(ledger, options) : [findOne(ledger.findJob(id), id)];
    const jobs = rows.map(listedJob);
    if (options.json) {
      printJson(jobs);
      return 0;
    }
    if (jobs.length === 0) process.stdout.write(options.all ? 'the queue is empty\n' : 'nothing queued (see finished jobs with --all)\n');
    const awaiting = new Set(rows.filter((job) => job.awaiting_user).map((job) => job.id));
    for (const job of jobs) {
      const when = job.state === 'waiting' && job.not_before ? ` until ${job.not_before}` : '';
      // a job waiting for the user's decision says so, with the command that settles it
      const why = awaiting.has(job.id) ? ` — ${job.reason}` : job.reason ? ` because ${job.reason}` : '';
      process.stdout.write(`${job.run_id}  ${job.skill}  ${job.state}${when}${why}  (attempts ${job.attempts}, job ${job.id})\n`);
    }
    return 0;
  } finally {
    ledger.close();
  }
}

function findOne(job: JobRow | undefined, id: string): JobRow {
  if (!job) throw new BadInputError(`no queued job or deferred run with id ${id}`, { hint: 'see the ids with: portai queue list --all' });
  return job;
}
