// What most commands need: the config and the ledger, loaded once, on demand.
import type { Config } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { ledgerHome } from '../ledger/home.js';

export interface GlobalOptions {
  config?: string;
  debug?: boolean;
}

export async function loadConfigFor(options: GlobalOptions): Promise<Config> {
  const { loadConfig } = await import('../config/index.js');
  return loadConfig({ flag: options.config, env: process.env, cwd: process.cwd() });
}

export async function openLedgerFor(): Promise<Ledger> {
  const { openLedger } = await import('../ledger/index.js');
  return openLedger(ledgerHome());
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A skill's output: text as is, anything else as pretty JSON. */
export function printOutput(output: unknown): void {
  if (output === null || output === undefined) return;
  if (typeof output === 'string') process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
  else printJson(output);
}
