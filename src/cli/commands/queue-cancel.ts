// portai queue cancel <id>
import { BadInputError } from '../../errors.js';
import { openLedgerFor, type GlobalOptions } from '../context.js';

export default async function queueCancel(_globals: GlobalOptions, id: string): Promise<number> {
  const ledger = await openLedgerFor();
  try {
    const job = ledger.getJob(id);
    if (!job) throw new BadInputError(`no queued job with id ${id}`, { hint: 'see the ids with: portai queue list' });
    if (['done', 'failed', 'cancelled'].includes(job.state)) throw new BadInputError(`job ${id} is already ${job.state}`, { hint: 'only queued or waiting jobs can be cancelled' });
    ledger.cancelJob(id);
    process.stdout.write(`cancelled ${id}\n`);
    return 0;
  } finally {
    ledger.close();
  }
}
