// Where portai keeps its state: $PORTAI_HOME, else ~/.local/state/portai. A module of its own so that
// commands can name the folder without loading SQLite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function ledgerHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.PORTAI_HOME || path.join(os.homedir(), '.local', 'state', 'portai');
}

/**
 * Create the state folder 0700, and take group's and others' bits away when it exists looser: it holds the
 * ledger (prompts, outputs) and serve's token, which no other local user may read.
 */
export function ensurePrivateFolder(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(dir);
  // a shared folder someone pointed PORTAI_HOME at (/tmp: sticky, or another user's) is left as it is;
  // the 0600 files inside still keep the ledger private
  const shared = (stat.mode & 0o1000) !== 0 || (typeof process.getuid === 'function' && stat.uid !== process.getuid());
  // only group and other lose their bits: a folder the owner made read-only stays read-only (and is reported)
  if (!shared && (stat.mode & 0o077) !== 0) fs.chmodSync(dir, stat.mode & 0o700);
}

/** Tighten an existing file to 0600 at most; a file that is not there (a WAL another process just removed) is fine. */
export function tightenFile(file: string): void {
  try {
    const mode = fs.statSync(file).mode;
    if ((mode & 0o177) !== 0) fs.chmodSync(file, mode & 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
