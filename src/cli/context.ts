// What most commands need: the config and the ledger, loaded once, on demand.
import type { Config } from '../types.js';
import type { Ledger } from '../ledger/index.js';

export interface GlobalOptions {
  config?: string;
  debug?: boolean;
  /** use the local SQLite ledger instead of the shared one; only free models run */
  offline?: boolean;
}

// the command's global options and the config it loaded: the ledger's location may be in the config
let commandGlobals: GlobalOptions = {};
let loadedConfig: Config | undefined;

/** main.ts hands every command's global options here before the command runs. */
export function rememberGlobals(globals: GlobalOptions): void {
  commandGlobals = globals;
}

export async function loadConfigFor(options: GlobalOptions): Promise<Config> {
  const { loadConfig } = await import('../config/index.js');
  loadedConfig = loadConfig({ flag: options.config, env: process.env, cwd: process.cwd() });
  return loadedConfig;
}

/**
 * The shared ledger (PORTAI_LEDGER_URL or the config's ledger.url) or the local SQLite file. A command that has not
 * loaded the config loads it here when it may name the ledger: a broken config stops the command rather than
 * letting it write to the wrong ledger.
 */
export async function openLedgerFor(config: Config | undefined = loadedConfig): Promise<Ledger> {
  const { openChosenLedger } = await import('../ledger/index.js');
  let chosen = config;
  if (!chosen && !process.env.PORTAI_LEDGER_URL && !commandGlobals.offline) chosen = await loadConfigFor(commandGlobals);
  return openChosenLedger({ configUrl: chosen?.ledger?.url, offline: commandGlobals.offline, env: process.env, warn: (line) => process.stderr.write(`${line}\n`) });
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
