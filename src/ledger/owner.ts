// Which process on which host owns a run or a job lease. On the same host the process table tells the truth:
// a pid that is gone means its work stopped (killed, crashed); another host's owner cannot be checked from here.
import os from 'node:os';

export interface ProcessOwner {
  pid: number;
  host: string;
}

export function thisProcess(): ProcessOwner {
  return { pid: process.pid, host: os.hostname() };
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the owner is known to be gone: same host, and no process with that pid. */
export function ownerGone(pid: number | null, host: string | null): boolean {
  if (pid === null || host === null) return false;
  return host === os.hostname() && pid !== process.pid && !processAlive(pid);
}
