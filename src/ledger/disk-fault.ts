// A ledger that cannot be written (a full disk, an I/O error) is a fault of the machine, not a bug of portai:
// one line naming the file, the free space and the fix, exit 3. Mapped here, at the ledger's boundary.
import fs from 'node:fs';
import path from 'node:path';
import { BlockedError } from '../errors.js';

export class LedgerWriteError extends BlockedError {}

const NEARLY_FULL_BYTES = 1024 * 1024;

/** SQLITE_FULL and every SQLITE_IOERR_* (better-sqlite3 puts the extended code in `code`); ENOSPC from the file system. */
export function isDiskFault(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code === 'SQLITE_FULL' || code === 'ENOSPC' || code.startsWith('SQLITE_IOERR'));
}

export function ledgerWriteError(file: string, error: unknown): LedgerWriteError {
  // the state folder may not exist yet: measure the nearest folder that does
  const folder = nearestExisting(path.dirname(file));
  const mount = mountPointOf(folder);
  const free = freeBytes(folder);
  const code = (error as { code?: string }).code;
  // SQLite reports a full disk as SQLITE_FULL, or as an I/O error when the shared-memory file cannot grow
  const full = code === 'SQLITE_FULL' || code === 'ENOSPC' || (free !== null && free < NEARLY_FULL_BYTES);
  const what = full ? 'the disk is full' : `disk I/O error (${code})`;
  // one line, the fix included: this is what a cron mail or a journal shows
  return new LedgerWriteError(`cannot write the ledger ${file}: ${what}, ${formatBytes(free)} free on ${mount}; free space on ${mount}, or move PORTAI_HOME`, { cause: error });
}

/** Run one ledger call; a disk fault becomes a LedgerWriteError, anything else passes through. */
export function guardDisk<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isDiskFault(error)) throw ledgerWriteError(file, error);
    throw error;
  }
}

function nearestExisting(folder: string): string {
  let current = path.resolve(folder);
  while (!fs.existsSync(current) && current !== path.dirname(current)) current = path.dirname(current);
  return current;
}

function freeBytes(folder: string): number | null {
  try {
    const stats = fs.statfsSync(folder);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return null;
  }
}

/** The top folder on the same device: the file system the user has to free space on. */
function mountPointOf(folder: string): string {
  try {
    let current = path.resolve(folder);
    const device = fs.statSync(current).dev;
    while (current !== path.dirname(current) && fs.statSync(path.dirname(current)).dev === device) current = path.dirname(current);
    return current;
  } catch {
    return folder;
  }
}

function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'unknown space';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
