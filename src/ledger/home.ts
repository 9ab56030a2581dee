// Where portai keeps its state: $PORTAI_HOME, else ~/.local/state/portai. A module of its own so that
// commands can name the folder without loading SQLite.
import os from 'node:os';
import path from 'node:path';

export function ledgerHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.PORTAI_HOME || path.join(os.homedir(), '.local', 'state', 'portai');
}
