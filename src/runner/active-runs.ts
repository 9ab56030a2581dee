// The runs this process is working on right now, so that a signal (Ctrl-C, SIGTERM) can close their ledger
// records before the process exits: no run is left `running` by a process that stopped on purpose.
import type { Ledger } from '../ledger/index.js';

const active = new Map<string, Ledger>();

/** Track a run while it works; the returned function stops tracking it (call it in a finally). */
export function trackRun(ledger: Ledger, runId: string): () => void {
  active.set(runId, ledger);
  return () => {
    active.delete(runId);
  };
}

/**
 * Mark every tracked run failed with the reason, and its requests in flight as failed. better-sqlite3 writes
 * synchronously, and a signal handler runs between JavaScript tasks, so no other ledger write is half done.
 * Returns the ids of the runs it closed.
 */
export function interruptActiveRuns(reason: string): string[] {
  const closed: string[] = [];
  for (const [runId, ledger] of active) {
    try {
      ledger.abandonAttempts(runId, `${reason} before the answer arrived`);
      ledger.setRunStatus(runId, 'failed', { error: `${reason}; resume it with: portai runs resume ${runId}` });
      closed.push(runId);
    } catch {
      // the ledger is already closed or unwritable: the run will show as interrupted (its pid is gone)
    }
    active.delete(runId);
  }
  return closed;
}
