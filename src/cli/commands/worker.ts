// portai worker [--once] — SIGINT/SIGTERM finish the job in flight, then stop; a second signal stops at once
// (the job goes back to the queue: its lease owner is gone).
import { loadConfigFor, openLedgerFor, type GlobalOptions } from '../context.js';
import { createProgress } from '../../runner/progress.js';
import { interruptActiveRuns } from '../../runner/active-runs.js';

export default async function worker(globals: GlobalOptions, options: { once?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const ledger = await openLedgerFor();
  const { runWorker } = await import('../../queue/index.js');
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      // the run in flight is closed on record; its job goes back to the queue (the lease owner is gone)
      interruptActiveRuns(`the worker was stopped by ${signal}`);
      process.exit(signal === 'SIGTERM' ? 143 : 130);
    }
    process.stderr.write('portai worker: stopping after the job in flight (signal again to stop now)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const progress = createProgress({ verbose: true });
    const { ran } = await runWorker({ config, ledger, env: process.env, progress, once: options.once, signal: stop.signal });
    if (options.once) process.stderr.write(`portai worker: ${ran} job${ran === 1 ? '' : 's'} worked\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    ledger.close();
  }
}
