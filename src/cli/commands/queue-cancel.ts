// portai queue cancel <id> — the id `--defer` printed (the run id) or the job id
import { BadInputError } from '../../errors.js';
import { openLedgerFor, type GlobalOptions } from '../context.js';

export default async function queueCancel(_globals: GlobalOptions, id: string): Promise<number> {
  const ledger = await openLedgerFor();
  try {
    const job = ledger.findJob(id);
    if (!job) throw new BadInputError(`no queued job or deferred run with id ${id}`, { hint: 'see the ids with: portai queue list --all' });
    if (['done', 'failed', 'cancelled'].includes(job.state)) throw new BadInputError(`job ${job.id} (run ${job.run_id}) is already ${job.state}`, { hint: 'only queued or waiting jobs can be cancelled' });
    ledger.cancelJob(job.id);
    process.stdout.write(`cancelled job ${job.id} (run ${job.run_id})\n`);
    return 0;
  } finally {
    ledger.close();
  }
}
