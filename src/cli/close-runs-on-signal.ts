// Ctrl-C (SIGINT), SIGTERM or SIGHUP while a run works: close its ledger record (failed, with the signal as its problem),
// say how to resume it, and exit with the shell's convention for a signal, 128 + its number (130, 143, 129).
import { interruptActiveRuns } from '../runner/active-runs.js';
import { RunFailedError } from '../errors.js';
import { printJsonError } from './json-error.js';

// SIGHUP: the terminal closed under a run
const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** Install the handlers for the life of a command; the returned function removes them. */
export function closeRunsOnSignal(): () => void {
  const handlers = Object.entries(SIGNALS).map(([signal, code]) => {
    const handler = () => {
      const name = signal === 'SIGINT' ? 'Ctrl-C (SIGINT)' : signal;
      const closed = interruptActiveRuns(`stopped by ${name}`);
      for (const runId of closed) process.stderr.write(`portai: stopped by ${name}; run ${runId} is marked failed — resume it with: portai runs resume ${runId}\n`);
      if (process.argv.includes('--json')) {
        const hint = closed.length ? `resume it with: portai runs resume ${closed[0]}` : undefined;
        printJsonError(new RunFailedError(`stopped by ${name}`, { hint }), 'interrupted');
      }
      process.exit(code);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
